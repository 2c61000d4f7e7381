// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary bytes as the request stream of a privileged
// and an unprivileged connection, while a third one watches everything.
// Any crash, sanitizer report or broken tree invariant is a finding.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_store st;
    struct xs_limits l;
    struct mt_reply r;
    if (size < 1)
        return 0;
    xs_limits_default(&l);
    l.nodes = 50;
    l.output_max = 65536;
    store_init(&st, &l);
    struct xs_conn *priv = mt_conn(&st, 0, true);
    struct xs_conn *guest = mt_conn(&st, 3, false);
    struct xs_conn *watcher = mt_conn(&st, 0, true);
    mt_do(&st, priv, XS_MKDIR, 0, "/local/domain/3", NULL);
    mt_do(&st, priv, XS_SET_PERMS, 0, "/local/domain/3", "n3");
    mt_do(&st, watcher, XS_WATCH, 0, "/", "all");
    mt_do(&st, guest, XS_WATCH, 0, "data", "mine");

    /* First byte: who talks and how the stream is chunked. */
    uint8_t mode = data[0];
    data++;
    size--;
    size_t chunk = (size_t)(mode >> 2) + 1;
    if (mode & 2)
        mt_set_budget(watcher, (size_t)mode * 7);
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        struct xs_conn *c = (mode & 1) ? guest : priv;
        if (!c->dead)
            mt_feed(&st, c, data + off, n);
        while (mt_event(c, &r))
            ;
        conn_flush(watcher);
    }
    if (!mt_check_store(&st))
        abort();
    conn_reap(&st);
    store_fini(&st);
    return 0;
}
