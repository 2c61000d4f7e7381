// SPDX-License-Identifier: MIT
// Unit tests of basalt-xenstored's watches: the initial event, tokens,
// descendants and removed ancestors, relative paths, read permission,
// special watches, unwatch and reset.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "testing.h"

static struct xs_store st;
static struct xs_conn *dom0, *w0, *gst;

static int setup(void **state)
{
    struct xs_limits l;
    xs_limits_default(&l);
    store_init(&st, &l);
    dom0 = mt_conn(&st, 0, true);
    w0 = mt_conn(&st, 0, true);
    gst = mt_conn(&st, 5, false);
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

/* The next event must be exactly (path, token). */
static void expect_event(struct xs_conn *c, const char *path, const char *tok)
{
    struct mt_reply r;
    assert_true(mt_event(c, &r));
    assert_int_equal(r.h.type, XS_WATCH_EVENT);
    assert_int_equal(r.h.req_id, 0);
    assert_string_equal(r.data, path);
    assert_string_equal(r.data + strlen(path) + 1, tok);
    assert_int_equal(r.h.len, strlen(path) + strlen(tok) + 2);
}

static void expect_none(struct xs_conn *c)
{
    struct mt_reply r;
    assert_false(mt_event(c, &r));
}

static void test_initial_and_changes(void **state)
{
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/w", "tok1"), "OK");
    expect_event(w0, "/w", "tok1");
    expect_none(w0);
    mt_write(&st, dom0, 0, "/w", "1");
    expect_event(w0, "/w", "tok1");
    mt_write(&st, dom0, 0, "/w/a/b", "2");
    expect_event(w0, "/w/a/b", "tok1");
    mt_write(&st, dom0, 0, "/wx", "no"); /* a sibling with a common prefix */
    mt_write(&st, dom0, 0, "/", "root");
    expect_none(w0);
    /* Two watches, two tokens, in registration order. */
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/w/a", "tok2"), "OK");
    expect_event(w0, "/w/a", "tok2");
    mt_write(&st, dom0, 0, "/w/a/b", "3");
    expect_event(w0, "/w/a/b", "tok1");
    expect_event(w0, "/w/a/b", "tok2");
    expect_none(w0);
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/w", "tok1"),
                        "ERR:EEXIST");
}

static void test_rm_fires_below(void **state)
{
    mt_write(&st, dom0, 0, "/r/a/b/c", "x");
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/r/a/b/c", "deep"), "OK");
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/r", "top"), "OK");
    expect_event(w0, "/r/a/b/c", "deep");
    expect_event(w0, "/r", "top");
    assert_string_equal(mt_do(&st, dom0, XS_RM, 0, "/r/a", NULL), "OK");
    expect_event(w0, "/r/a/b/c", "deep");
    expect_event(w0, "/r/a", "top");
    expect_none(w0);
}

static void test_relative_and_perms(void **state)
{
    mt_do(&st, dom0, XS_MKDIR, 0, "/local/domain/5", NULL);
    mt_do(&st, dom0, XS_SET_PERMS, 0, "/local/domain/5", "n5");
    assert_string_equal(mt_do(&st, gst, XS_WATCH, 0, "dev", "rel"), "OK");
    expect_event(gst, "dev", "rel");
    assert_string_equal(mt_do(&st, gst, XS_WATCH, 0, "/secret", "abs"), "OK");
    expect_event(gst, "/secret", "abs");
    mt_write(&st, dom0, 0, "/local/domain/5/dev/vif", "1");
    expect_event(gst, "dev/vif", "rel");
    /* The guest may not read /secret: no event. */
    mt_write(&st, dom0, 0, "/secret", "s");
    expect_none(gst);
    char buf[32];
    memcpy(buf, "/secret\0n0\0r5", 14);
    struct mt_reply r;
    mt_call(&st, dom0, XS_SET_PERMS, 0, buf, 14, &r);
    expect_event(gst, "/secret", "abs");
    mt_write(&st, dom0, 0, "/secret", "t");
    expect_event(gst, "/secret", "abs");
}

static void test_special_watches(void **state)
{
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "@releaseDomain", "rel"),
                        "OK");
    expect_event(w0, "@releaseDomain", "rel");
    assert_string_equal(mt_do(&st, gst, XS_WATCH, 0, "@introduceDomain", "g"),
                        "OK");
    expect_event(gst, "@introduceDomain", "g");
    watch_fire_special(&st, 1);
    watch_fire_special(&st, 0);
    expect_event(w0, "@releaseDomain", "rel");
    expect_none(w0);
    expect_none(gst); /* default: privileged only */
    /* Opening @introduceDomain to dom5 lets its events through. */
    char buf[40];
    memcpy(buf, "@introduceDomain\0n0\0r5", 23);
    struct mt_reply r;
    assert_true(mt_call(&st, dom0, XS_SET_PERMS, 0, buf, 23, &r));
    assert_int_equal(r.h.type, XS_SET_PERMS);
    assert_true(mt_call(&st, gst, XS_GET_PERMS, 0, "@introduceDomain", 17, &r));
    assert_memory_equal(r.data, "n0\0r5", 6);
    watch_fire_special(&st, 0);
    expect_event(gst, "@introduceDomain", "g");
    /* Writing a node never fires special watches. */
    mt_write(&st, dom0, 0, "/x", "1");
    expect_none(w0);
}

static void test_unwatch_and_reset(void **state)
{
    mt_do(&st, w0, XS_WATCH, 0, "/u", "a");
    mt_do(&st, w0, XS_WATCH, 0, "/v", "b");
    expect_event(w0, "/u", "a");
    expect_event(w0, "/v", "b");
    assert_string_equal(mt_do(&st, w0, XS_UNWATCH, 0, "/u", "zz"),
                        "ERR:ENOENT");
    assert_string_equal(mt_do(&st, w0, XS_UNWATCH, 0, "/u", "a"), "OK");
    mt_write(&st, dom0, 0, "/u", "1");
    expect_none(w0);
    mt_write(&st, dom0, 0, "/v", "1");
    expect_event(w0, "/v", "b");
    assert_string_equal(mt_do(&st, w0, XS_RESET_WATCHES, 0, "", NULL), "OK");
    mt_write(&st, dom0, 0, "/v", "2");
    expect_none(w0);
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/bad//p", "t"),
                        "ERR:EINVAL");
    assert_string_equal(mt_do(&st, w0, XS_WATCH, 0, "/onlypath", NULL),
                        "ERR:EINVAL");
}

/* Events of other connections wait behind a half-sent message. */
static void test_slow_reader_does_not_block(void **state)
{
    mt_do(&st, w0, XS_WATCH, 0, "/s", "t");
    expect_event(w0, "/s", "t");
    mt_set_budget(w0, 5); /* w0's peer takes 5 bytes, then nothing */
    assert_string_equal(mt_write(&st, dom0, 0, "/s", "1"), "OK");
    assert_string_equal(mt_write(&st, dom0, 0, "/s", "2"), "OK");
    conn_flush(w0);
    assert_int_equal(mt_pending(w0), 5);
    assert_true(w0->out_head != NULL);
    mt_set_budget(w0, SIZE_MAX);
    expect_event(w0, "/s", "t");
    expect_event(w0, "/s", "t");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_initial_and_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rm_fires_below, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_and_perms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_watches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwatch_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_reader_does_not_block, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
