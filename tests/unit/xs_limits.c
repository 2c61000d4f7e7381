// SPDX-License-Identifier: MIT
// Unit tests of basalt-xenstored's limits: every quota fails the request
// with Xen's error and changes nothing else; the privileged domain is
// exempt; flooding clients are throttled or disconnected.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "testing.h"

static struct xs_store st;
static struct xs_conn *dom0, *g;

static int setup(void **state)
{
    struct xs_limits l;
    xs_limits_default(&l);
    l.nodes = 5;
    l.value_size = 16;
    l.watches = 2;
    l.transactions = 1;
    l.perms = 2;
    l.path_max = 20;
    l.memory = 100000;
    l.outstanding = 4;
    l.tx_nodes = 6;
    l.output_max = 8192;
    store_init(&st, &l);
    dom0 = mt_conn(&st, 0, true);
    g = mt_conn(&st, 5, false);
    mt_do(&st, dom0, XS_MKDIR, 0, "/local/domain/5", NULL);
    mt_do(&st, dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5");
    return 0;
}

static int teardown(void **state)
{
    bool ok = mt_check_store(&st);
    store_fini(&st);
    if (!ok)
        fail_msg("store invariants broken");
    return 0;
}

static void test_nodes_quota(void **state)
{
    /* dom5 owns its home already: 4 more nodes fit. */
    assert_string_equal(mt_write(&st, g, 0, "a", "1"), "OK");
    assert_string_equal(mt_write(&st, g, 0, "b/c", "1"), "OK");
    size_t count = st.db.count;
    assert_string_equal(mt_write(&st, g, 0, "d/e", "1"), "ERR:ENOSPC");
    assert_int_equal(st.db.count, count);
    assert_string_equal(mt_read(&st, g, 0, "d"), "ERR:ENOENT");
    assert_string_equal(mt_write(&st, g, 0, "d", "1"), "OK");
    assert_string_equal(mt_write(&st, g, 0, "e", "1"), "ERR:ENOSPC");
    /* Overwriting existing nodes is still fine; removal frees quota. */
    assert_string_equal(mt_write(&st, g, 0, "a", "2"), "OK");
    assert_string_equal(mt_do(&st, g, XS_RM, 0, "b", NULL), "OK");
    assert_string_equal(mt_write(&st, g, 0, "e", "1"), "OK");
    /* dom0 is not limited. */
    for (int i = 0; i < 20; i++) {
        char p[32];
        snprintf(p, sizeof(p), "/dom0/n%d", i);
        assert_string_equal(mt_write(&st, dom0, 0, p, "x"), "OK");
    }
}

static void test_value_and_path_limits(void **state)
{
    assert_string_equal(mt_write(&st, g, 0, "v", "0123456789abcdef"), "OK");
    assert_string_equal(mt_write(&st, g, 0, "v", "0123456789abcdefX"),
                        "ERR:ENOSPC");
    assert_string_equal(mt_read(&st, g, 0, "v"), "0123456789abcdef");
    assert_string_equal(mt_write(&st, g, 0, "p23456789/1234567890", ""), "OK");
    assert_string_equal(mt_write(&st, g, 0, "p23456789/12345678901", ""),
                        "ERR:EINVAL");
    assert_string_equal(mt_write(&st, dom0, 0, "/local/domain/5/"
                                 "p23456789/1234567890", "big value, fine"),
                        "OK");
}

static void test_watch_tx_perm_limits(void **state)
{
    assert_string_equal(mt_do(&st, g, XS_WATCH, 0, "a", "1"), "OK");
    assert_string_equal(mt_do(&st, g, XS_WATCH, 0, "b", "1"), "OK");
    assert_string_equal(mt_do(&st, g, XS_WATCH, 0, "c", "1"), "ERR:E2BIG");
    assert_string_equal(mt_do(&st, g, XS_UNWATCH, 0, "a", "1"), "OK");
    assert_string_equal(mt_do(&st, g, XS_WATCH, 0, "c", "1"), "OK");

    uint32_t tx = mt_tx_start(&st, g);
    assert_int_not_equal(tx, 0);
    assert_string_equal(mt_do(&st, g, XS_TRANSACTION_START, 0, "", NULL),
                        "ERR:ENOSPC");
    /* Touching more than tx_nodes nodes inside the transaction. */
    char p[16];
    const char *res = "OK";
    int i;
    for (i = 0; i < 10 && !strcmp(res, "OK"); i++) {
        snprintf(p, sizeof(p), "/x%d", i);
        res = mt_read(&st, g, tx, p);
        if (!strcmp(res, "ERR:EACCES") || !strcmp(res, "ERR:ENOENT"))
            res = "OK";
    }
    assert_string_equal(res, "ERR:ENOSPC");
    assert_string_equal(mt_do(&st, g, XS_TRANSACTION_END, tx, "F", NULL), "OK");
    assert_int_not_equal(mt_tx_start(&st, g), 0);

    mt_write(&st, g, 0, "q", "");
    char buf[64];
    struct mt_reply r;
    memcpy(buf, "q\0n5\0r1\0r2", 11);
    assert_true(mt_call(&st, g, XS_SET_PERMS, 0, buf, 11, &r));
    assert_string_equal(r.data, "ENOSPC");
    memcpy(buf, "q\0n5\0r1", 8);
    assert_true(mt_call(&st, g, XS_SET_PERMS, 0, buf, 8, &r));
    assert_string_equal(r.data, "OK");
}

static void test_memory_quota(void **state)
{
    st.limits.memory = 600;
    st.limits.nodes = 100;
    const char *res = "OK";
    int n = 0;
    while (!strcmp(res, "OK") && n < 100) {
        char p[16];
        snprintf(p, sizeof(p), "m%d", n++);
        res = mt_write(&st, g, 0, p, "0123456789");
    }
    assert_string_equal(res, "ERR:ENOMEM");
    assert_true(n > 2 && n < 20);
    struct xs_domain *d = domain_find(&st, 5);
    assert_non_null(d);
    assert_true(d->memory <= 600);
}

/* A client that never reads its replies stops being read. */
static void test_outstanding_throttle(void **state)
{
    uint8_t buf[200 * 20];
    size_t len = 0;
    for (int i = 0; i < 200; i++) {
        struct xsd_sockmsg h = { XS_READ, (uint32_t)i, 0, 2 };
        memcpy(buf + len, &h, sizeof(h));
        memcpy(buf + len + sizeof(h), "/", 2);
        len += sizeof(h) + 2;
    }
    mt_set_budget(g, 0);
    size_t used;
    conn_feed(&st, g, buf, len, &used);
    assert_int_equal(used, 4 * 18);
    assert_int_equal(g->out_replies, 4);
    assert_false(g->dead);
}

/* Events to a client that never reads pile up to the limit, then it goes. */
static void test_output_limit_disconnects(void **state)
{
    struct mt_reply r;
    mt_do(&st, dom0, XS_WATCH, 0, "/flood", "t");
    assert_true(mt_event(dom0, &r));
    assert_string_equal(mt_do(&st, g, XS_WATCH, 0, "/flood", "t"), "OK");
    mt_do(&st, dom0, XS_SET_PERMS, 0, "/", "r0");
    mt_set_budget(g, 0);
    for (int i = 0; i < 1000 && !g->dead; i++)
        mt_write(&st, dom0, 0, "/flood", "x");
    assert_true(g->dead);
    assert_false(dom0->dead);
    conn_reap(&st);
    assert_int_equal(domain_find(&st, 5)->watches, 0);
    assert_string_equal(mt_read(&st, dom0, 0, "/flood"), "x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nodes_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_and_path_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watch_tx_perm_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outstanding_throttle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_limit_disconnects, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
