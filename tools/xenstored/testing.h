/* SPDX-License-Identifier: MIT */
/*
 * An in-memory transport for unit tests and the fuzz target: requests go in
 * as bytes, replies and watch events come out of a buffer, no fds involved.
 */
#ifndef XENSTORED_TESTING_H
#define XENSTORED_TESTING_H

#include "xenstored.h"

struct mt_reply {
    struct xsd_sockmsg h;
    char data[XENSTORE_PAYLOAD_MAX + 1]; /* NUL-terminated past h.len */
};

struct xs_conn *mt_conn(struct xs_store *st, uint32_t domid, bool privileged);
/* Allow only `budget` more output bytes to be written (SIZE_MAX: no limit). */
void mt_set_budget(struct xs_conn *c, size_t budget);
/* Raw bytes into the connection, as if read from its transport. */
void mt_feed(struct xs_store *st, struct xs_conn *c, const void *p, size_t len);
/* Send one request; the reply (not events) is returned in *r. */
bool mt_call(struct xs_store *st, struct xs_conn *c, uint32_t type,
             uint32_t tx, const void *payload, size_t len,
             struct mt_reply *r);
/* Next watch event queued for c, false if none. */
bool mt_event(struct xs_conn *c, struct mt_reply *r);
/* Number of output bytes the transport received but nobody popped yet. */
size_t mt_pending(struct xs_conn *c);

/*
 * Shorthands returning the reply text or "ERR:<name>", in a static buffer
 * valid until the next call. Arguments are joined with NULs.
 */
const char *mt_do(struct xs_store *st, struct xs_conn *c, uint32_t type,
                  uint32_t tx, const char *a, const char *b);
const char *mt_write(struct xs_store *st, struct xs_conn *c, uint32_t tx,
                     const char *path, const char *value);
const char *mt_read(struct xs_store *st, struct xs_conn *c, uint32_t tx,
                    const char *path);
uint32_t mt_tx_start(struct xs_store *st, struct xs_conn *c);
/* The tree and the per-domain node counts are consistent. */
bool mt_check_store(const struct xs_store *st);

#endif
