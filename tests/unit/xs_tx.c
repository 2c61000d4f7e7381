// SPDX-License-Identifier: MIT
// Unit tests of basalt-xenstored's transactions: isolation, EAGAIN on
// conflicts, events only at commit, abort, removal inside a transaction.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "testing.h"

static struct xs_store st;
static struct xs_conn *a, *b, *w;

static int setup(void **state)
{
    struct xs_limits l;
    xs_limits_default(&l);
    store_init(&st, &l);
    a = mt_conn(&st, 0, true);
    b = mt_conn(&st, 0, true);
    w = mt_conn(&st, 0, true);
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

static const char *end(struct xs_conn *c, uint32_t tx, const char *tf)
{
    return mt_do(&st, c, XS_TRANSACTION_END, tx, tf, NULL);
}

static void test_isolation_and_commit(void **state)
{
    struct mt_reply r;
    mt_write(&st, a, 0, "/t/x", "old");
    mt_do(&st, w, XS_WATCH, 0, "/t", "tok");
    assert_true(mt_event(w, &r));
    uint32_t tx = mt_tx_start(&st, a);
    assert_int_not_equal(tx, 0);
    assert_string_equal(mt_write(&st, a, tx, "/t/x", "new"), "OK");
    assert_string_equal(mt_write(&st, a, tx, "/t/y/z", "made"), "OK");
    assert_string_equal(mt_read(&st, a, tx, "/t/x"), "new");
    assert_true(mt_call(&st, a, XS_DIRECTORY, tx, "/t", 3, &r));
    assert_memory_equal(r.data, "x\0y", 4);
    assert_int_equal(r.h.tx_id, tx);
    /* Outside: nothing yet, and no events. */
    assert_string_equal(mt_read(&st, b, 0, "/t/x"), "old");
    assert_string_equal(mt_read(&st, b, 0, "/t/y/z"), "ERR:ENOENT");
    assert_false(mt_event(w, &r));
    assert_string_equal(end(a, tx, "T"), "OK");
    assert_string_equal(mt_read(&st, b, 0, "/t/x"), "new");
    assert_string_equal(mt_read(&st, b, 0, "/t/y/z"), "made");
    assert_true(mt_event(w, &r));
    assert_string_equal(r.data, "/t/x");
    assert_true(mt_event(w, &r));
    assert_string_equal(r.data, "/t/y/z");
    assert_false(mt_event(w, &r));
    assert_string_equal(end(a, tx, "T"), "ERR:ENOENT");
}

static void test_conflict_eagain(void **state)
{
    mt_write(&st, a, 0, "/c/x", "0");
    uint32_t t1 = mt_tx_start(&st, a);
    uint32_t t2 = mt_tx_start(&st, b);
    assert_int_not_equal(t1, t2);
    assert_string_equal(mt_read(&st, a, t1, "/c/x"), "0");
    assert_string_equal(mt_read(&st, b, t2, "/c/x"), "0");
    assert_string_equal(mt_write(&st, a, t1, "/c/x", "1"), "OK");
    assert_string_equal(mt_write(&st, b, t2, "/c/x", "2"), "OK");
    assert_string_equal(end(a, t1, "T"), "OK");
    assert_string_equal(end(b, t2, "T"), "ERR:EAGAIN");
    assert_string_equal(mt_read(&st, a, 0, "/c/x"), "1");
    /* A plain write to a node a transaction read also conflicts. */
    uint32_t t3 = mt_tx_start(&st, a);
    assert_string_equal(mt_read(&st, a, t3, "/c/x"), "1");
    mt_write(&st, b, 0, "/c/x", "3");
    assert_string_equal(mt_write(&st, a, t3, "/c/other", "v"), "OK");
    assert_string_equal(end(a, t3, "T"), "ERR:EAGAIN");
    assert_string_equal(mt_read(&st, a, 0, "/c/other"), "ERR:ENOENT");
    /* Reading a missing node, then someone creates it: conflict too. */
    uint32_t t4 = mt_tx_start(&st, a);
    assert_string_equal(mt_read(&st, a, t4, "/c/later"), "ERR:ENOENT");
    mt_write(&st, b, 0, "/c/later", "x");
    assert_string_equal(end(a, t4, "T"), "ERR:EAGAIN");
}

static void test_disjoint_commit(void **state)
{
    mt_write(&st, a, 0, "/d1/x", "0");
    mt_write(&st, a, 0, "/d2/x", "0");
    uint32_t t1 = mt_tx_start(&st, a);
    uint32_t t2 = mt_tx_start(&st, b);
    mt_write(&st, a, t1, "/d1/x", "1");
    mt_write(&st, b, t2, "/d2/x", "2");
    assert_string_equal(end(a, t1, "T"), "OK");
    assert_string_equal(end(b, t2, "T"), "OK");
    assert_string_equal(mt_read(&st, a, 0, "/d1/x"), "1");
    assert_string_equal(mt_read(&st, a, 0, "/d2/x"), "2");
}

static void test_abort_and_rm(void **state)
{
    struct mt_reply r;
    mt_write(&st, a, 0, "/ab/x/y", "v");
    size_t before = st.db.count;
    uint32_t tx = mt_tx_start(&st, a);
    assert_string_equal(mt_do(&st, a, XS_RM, tx, "/ab/x", NULL), "OK");
    assert_string_equal(mt_read(&st, a, tx, "/ab/x/y"), "ERR:ENOENT");
    assert_string_equal(mt_read(&st, a, 0, "/ab/x/y"), "v");
    assert_string_equal(end(a, tx, "F"), "OK");
    assert_string_equal(mt_read(&st, a, 0, "/ab/x/y"), "v");
    assert_int_equal(st.db.count, before);
    mt_do(&st, w, XS_WATCH, 0, "/ab/x/y", "deep");
    assert_true(mt_event(w, &r));
    tx = mt_tx_start(&st, a);
    assert_string_equal(mt_do(&st, a, XS_RM, tx, "/ab/x", NULL), "OK");
    assert_false(mt_event(w, &r));
    assert_string_equal(end(a, tx, "T"), "OK");
    assert_int_equal(st.db.count, before - 2);
    assert_true(mt_event(w, &r));
    assert_string_equal(r.data, "/ab/x/y");
    assert_true(mt_call(&st, a, XS_DIRECTORY, 0, "/ab", 4, &r));
    assert_int_equal(r.h.len, 0);
}

static void test_protocol_errors(void **state)
{
    uint32_t tx = mt_tx_start(&st, a);
    assert_string_equal(mt_do(&st, a, XS_TRANSACTION_START, tx, "", NULL),
                        "ERR:EBUSY");
    assert_string_equal(end(a, tx, "X"), "ERR:EINVAL");
    /* Transactions belong to their connection. */
    assert_string_equal(mt_read(&st, b, tx, "/"), "ERR:ENOENT");
    assert_string_equal(end(a, tx, "F"), "OK");
    assert_string_equal(end(a, 0, "T"), "ERR:ENOENT");
    /* RESET_WATCHES ends open transactions too. */
    tx = mt_tx_start(&st, a);
    mt_do(&st, a, XS_RESET_WATCHES, 0, "", NULL);
    assert_string_equal(mt_read(&st, a, tx, "/"), "ERR:ENOENT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_isolation_and_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_eagain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disjoint_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_and_rm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protocol_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
