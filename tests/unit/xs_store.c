// SPDX-License-Identifier: MIT
// Unit tests of basalt-xenstored's store: paths, read/write/mkdir/rm,
// directory and directory_part, permissions, values with NUL bytes, and
// Xen's error names.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

static struct xs_store st;
static struct xs_conn *dom0, *gst;

static int setup(void **state)
{
    struct xs_limits l;
    xs_limits_default(&l);
    store_init(&st, &l);
    dom0 = mt_conn(&st, 0, true);
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

static void test_write_read_implicit_parents(void **state)
{
    assert_string_equal(mt_write(&st, dom0, 0, "/a/b/c", "v1"), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/a/b/c"), "v1");
    assert_string_equal(mt_read(&st, dom0, 0, "/a/b"), "");
    assert_string_equal(mt_read(&st, dom0, 0, "/a/x"), "ERR:ENOENT");
    assert_string_equal(mt_write(&st, dom0, 0, "/a/b/c", "v2"), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/a/b/c"), "v2");
}

static void test_invalid_paths(void **state)
{
    static const char *bad[] = { "/a//b", "/a/", "/a b", "/a/b\\c", "//",
                                 "/é" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_string_equal(mt_write(&st, dom0, 0, bad[i], "x"), "ERR:EINVAL");
    char longp[XENSTORE_ABS_PATH_MAX + 10];
    memset(longp, 'a', sizeof(longp) - 1);
    longp[0] = '/';
    longp[sizeof(longp) - 1] = '\0';
    assert_string_equal(mt_write(&st, dom0, 0, longp, "x"), "ERR:EINVAL");
    assert_string_equal(mt_write(&st, dom0, 0, "/-_@ok", "x"), "OK");
}

static void test_relative_paths(void **state)
{
    assert_string_equal(mt_do(&st, dom0, XS_MKDIR, 0, "/local/domain/5",
                              NULL), "OK");
    assert_string_equal(mt_do(&st, dom0, XS_SET_PERMS, 0, "/local/domain/5",
                              "n5"), "OK");
    assert_string_equal(mt_write(&st, dom0, 0, "/local/domain/5/x", "1"), "OK");
    assert_string_equal(mt_read(&st, gst, 0, "x"), "1");
    assert_string_equal(mt_write(&st, gst, 0, "y/z", "2"), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/local/domain/5/y/z"), "2");
    /* dom0's relative paths are below /local/domain/0. */
    assert_string_equal(mt_write(&st, dom0, 0, "rel", "3"), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/local/domain/0/rel"), "3");
}

static void test_value_with_nuls(void **state)
{
    static const char v[] = { 'a', 0, 'b', 0, 0, 'c' };
    char buf[64];
    struct mt_reply r;
    memcpy(buf, "/bin", 5);
    memcpy(buf + 5, v, sizeof(v));
    assert_true(mt_call(&st, dom0, XS_WRITE, 0, buf, 5 + sizeof(v), &r));
    assert_int_equal(r.h.type, XS_WRITE);
    assert_true(mt_call(&st, dom0, XS_READ, 0, "/bin", 5, &r));
    assert_int_equal(r.h.type, XS_READ);
    assert_int_equal(r.h.len, sizeof(v));
    assert_memory_equal(r.data, v, sizeof(v));
}

static void test_mkdir_rm(void **state)
{
    assert_string_equal(mt_write(&st, dom0, 0, "/m/a", "keep"), "OK");
    assert_string_equal(mt_do(&st, dom0, XS_MKDIR, 0, "/m/a", NULL), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/m/a"), "keep");
    assert_string_equal(mt_do(&st, dom0, XS_MKDIR, 0, "/m/d/e", NULL), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/m/d/e"), "");
    assert_string_equal(mt_do(&st, dom0, XS_RM, 0, "/m", NULL), "OK");
    assert_string_equal(mt_read(&st, dom0, 0, "/m/d/e"), "ERR:ENOENT");
    assert_string_equal(mt_read(&st, dom0, 0, "/m"), "ERR:ENOENT");
    /* Gone with an existing parent is fine; without one it is ENOENT. */
    assert_string_equal(mt_do(&st, dom0, XS_RM, 0, "/m", NULL), "OK");
    assert_string_equal(mt_do(&st, dom0, XS_RM, 0, "/m/x", NULL), "ERR:ENOENT");
    assert_string_equal(mt_do(&st, dom0, XS_RM, 0, "/", NULL), "ERR:EINVAL");
    assert_int_equal(st.db.count, 1);
}

static void test_directory(void **state)
{
    struct mt_reply r;
    mt_write(&st, dom0, 0, "/d/zeta", "");
    mt_write(&st, dom0, 0, "/d/alpha", "");
    mt_write(&st, dom0, 0, "/d/mid/x", "");
    assert_true(mt_call(&st, dom0, XS_DIRECTORY, 0, "/d", 3, &r));
    assert_int_equal(r.h.len, sizeof("zeta\0alpha\0mid"));
    assert_memory_equal(r.data, "zeta\0alpha\0mid", r.h.len);
    assert_true(mt_call(&st, dom0, XS_DIRECTORY, 0, "/d/zeta", 8, &r));
    assert_int_equal(r.h.type, XS_DIRECTORY);
    assert_int_equal(r.h.len, 0);
    mt_do(&st, dom0, XS_RM, 0, "/d/alpha", NULL);
    assert_true(mt_call(&st, dom0, XS_DIRECTORY, 0, "/d", 3, &r));
    assert_memory_equal(r.data, "zeta\0mid", r.h.len);
}

/* Many long names: DIRECTORY gives E2BIG, DIRECTORY_PART pages through. */
static void test_directory_part(void **state)
{
    char path[128], all[16384];
    size_t alllen = 0;
    struct mt_reply r;
    for (int i = 0; i < 100; i++) {
        snprintf(path, sizeof(path),
                 "/big/child-%03d-padding-padding-padding-padding-padding-"
                 "padding-padding", i);
        assert_string_equal(mt_write(&st, dom0, 0, path, ""), "OK");
        const char *b = path_basename(path);
        memcpy(all + alllen, b, strlen(b) + 1);
        alllen += strlen(b) + 1;
    }
    assert_true(alllen > XENSTORE_PAYLOAD_MAX);
    assert_string_equal(mt_do(&st, dom0, XS_DIRECTORY, 0, "/big", NULL),
                        "ERR:E2BIG");
    char got[16384];
    size_t gotlen = 0;
    char gen[32] = "";
    int parts = 0;
    for (;;) {
        char off[16];
        snprintf(off, sizeof(off), "%zu", gotlen);
        char req[64];
        memcpy(req, "/big", 5);
        memcpy(req + 5, off, strlen(off) + 1);
        assert_true(mt_call(&st, dom0, XS_DIRECTORY_PART, 0, req,
                            5 + strlen(off) + 1, &r));
        assert_int_equal(r.h.type, XS_DIRECTORY_PART);
        assert_true(r.h.len <= XENSTORE_PAYLOAD_MAX);
        size_t gl = strlen(r.data) + 1;
        if (parts++)
            assert_string_equal(gen, r.data);
        strcpy(gen, r.data);
        size_t body = r.h.len - gl;
        memcpy(got + gotlen, r.data + gl, body);
        gotlen += body;
        if (body == 0 || (r.data[r.h.len - 1] == 0 && r.data[r.h.len - 2] == 0))
            break;
        assert_true(parts < 10);
    }
    assert_int_equal(parts, 2);
    assert_int_equal(gotlen, alllen + 1); /* the final empty string */
    assert_memory_equal(got, all, alllen);
}

static void test_permissions(void **state)
{
    struct mt_reply r;
    assert_string_equal(mt_write(&st, dom0, 0, "/p/node", "secret"), "OK");
    /* Default: owned by dom0, nobody else may read. */
    assert_true(mt_call(&st, dom0, XS_GET_PERMS, 0, "/p/node", 8, &r));
    assert_int_equal(r.h.len, 3);
    assert_memory_equal(r.data, "n0", 3);
    assert_string_equal(mt_read(&st, gst, 0, "/p/node"), "ERR:EACCES");
    assert_string_equal(mt_write(&st, gst, 0, "/p/node", "x"), "ERR:EACCES");
    /* A missing node below an unreadable one is EACCES too, not ENOENT. */
    assert_string_equal(mt_read(&st, gst, 0, "/p/node/none"), "ERR:EACCES");

    char buf[64];
    memcpy(buf, "/p/node\0n0\0r5", 14);
    assert_true(mt_call(&st, dom0, XS_SET_PERMS, 0, buf, 14, &r));
    assert_int_equal(r.h.type, XS_SET_PERMS);
    assert_string_equal(mt_read(&st, gst, 0, "/p/node"), "secret");
    assert_string_equal(mt_read(&st, gst, 0, "/p/node/none"), "ERR:ENOENT");
    assert_string_equal(mt_write(&st, gst, 0, "/p/node", "x"), "ERR:EACCES");
    assert_string_equal(mt_do(&st, gst, XS_SET_PERMS, 0, "/p/node", "b5"),
                        "ERR:EACCES");

    /* Write access: children inherit, and the guest owns what it creates. */
    memcpy(buf, "/p/node\0n0\0b5", 14);
    assert_true(mt_call(&st, dom0, XS_SET_PERMS, 0, buf, 14, &r));
    assert_string_equal(mt_write(&st, gst, 0, "/p/node/kid", "k"), "OK");
    assert_true(mt_call(&st, dom0, XS_GET_PERMS, 0, "/p/node/kid", 12, &r));
    assert_memory_equal(r.data, "n5\0b5", 6);
    /* The owner may change permissions but not give the node away. */
    memcpy(buf, "/p/node/kid\0r5\0r7", 18);
    assert_true(mt_call(&st, gst, XS_SET_PERMS, 0, buf, 18, &r));
    assert_int_equal(r.h.type, XS_SET_PERMS);
    assert_string_equal(mt_do(&st, gst, XS_SET_PERMS, 0, "/p/node/kid", "b6"),
                        "ERR:EPERM");
    assert_string_equal(mt_do(&st, dom0, XS_SET_PERMS, 0, "/p/node", "x0"),
                        "ERR:EINVAL");
    assert_string_equal(mt_do(&st, dom0, XS_SET_PERMS, 0, "/p/node", "r"),
                        "ERR:EINVAL");
    assert_string_equal(mt_do(&st, dom0, XS_SET_PERMS, 0, "/p/none", "r0"),
                        "ERR:ENOENT");
    /* rm needs write access. */
    memcpy(buf, "/p/node\0n0\0r5", 14);
    mt_call(&st, dom0, XS_SET_PERMS, 0, buf, 14, &r);
    assert_string_equal(mt_do(&st, gst, XS_RM, 0, "/p/node", NULL),
                        "ERR:EACCES");
}

static void test_domain_requests(void **state)
{
    assert_string_equal(mt_do(&st, gst, XS_GET_DOMAIN_PATH, 0, "7", NULL),
                        "/local/domain/7");
    assert_string_equal(mt_do(&st, gst, XS_GET_DOMAIN_PATH, 0, "x", NULL),
                        "ERR:EINVAL");
    assert_string_equal(mt_do(&st, dom0, XS_IS_DOMAIN_INTRODUCED, 0, "0",
                              NULL), "T");
    assert_string_equal(mt_do(&st, dom0, XS_IS_DOMAIN_INTRODUCED, 0, "9",
                              NULL), "F");
    /* No ring backend in this harness: introduce cannot map anything. */
    assert_string_equal(mt_do(&st, dom0, XS_INTRODUCE, 0, "9", "1"),
                        "ERR:EINVAL");
    assert_string_equal(mt_do(&st, gst, XS_INTRODUCE, 0, "9", "1"),
                        "ERR:EACCES");
    assert_string_equal(mt_do(&st, dom0, XS_RELEASE, 0, "9", NULL),
                        "ERR:ENOENT");
    assert_string_equal(mt_do(&st, dom0, XS_RESUME, 0, "9", NULL),
                        "ERR:ENOENT");
    assert_string_equal(mt_do(&st, dom0, XS_SET_TARGET, 0, "9", "3"),
                        "ERR:ENOENT");
    assert_string_equal(mt_do(&st, gst, XS_CONTROL, 0, "check", NULL),
                        "ERR:EACCES");
    assert_string_equal(mt_do(&st, dom0, XS_CONTROL, 0, "check", NULL), "OK");
    assert_string_equal(mt_do(&st, dom0, XS_CONTROL, 0, "bogus", NULL),
                        "ERR:EINVAL");
}

static void test_unknown_and_malformed(void **state)
{
    struct mt_reply r;
    assert_true(mt_call(&st, dom0, 20, 0, "", 1, &r)); /* old XS_RESTRICT */
    assert_int_equal(r.h.type, XS_ERROR);
    assert_string_equal(r.data, "ENOSYS");
    assert_true(mt_call(&st, dom0, XS_WATCH_EVENT, 0, "", 1, &r));
    assert_string_equal(r.data, "ENOSYS");
    assert_true(mt_call(&st, dom0, 9999, 0, "", 1, &r));
    assert_string_equal(r.data, "ENOSYS");
    /* Missing NUL after the path. */
    assert_true(mt_call(&st, dom0, XS_READ, 0, "/a", 2, &r));
    assert_string_equal(r.data, "EINVAL");
    assert_true(mt_call(&st, dom0, XS_WRITE, 0, "/nonul", 6, &r));
    assert_string_equal(r.data, "EINVAL");
    assert_true(mt_call(&st, dom0, XS_READ, 0, "", 0, &r));
    assert_string_equal(r.data, "EINVAL");
    /* A stale transaction id. */
    assert_true(mt_call(&st, dom0, XS_READ, 1234, "/", 2, &r));
    assert_string_equal(r.data, "ENOENT");
    assert_int_equal(r.h.tx_id, 1234);
    /* Oversized payload: the connection is closed, nothing else. */
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    mt_feed(&st, gst, &h, sizeof(h));
    assert_true(gst->dead);
    assert_false(dom0->dead);
    assert_string_equal(mt_read(&st, dom0, 0, "/"), "");
}

static void test_error_names(void **state)
{
    assert_string_equal(xs_error_name(ENOENT), "ENOENT");
    assert_string_equal(xs_error_name(E2BIG), "E2BIG");
    assert_string_equal(xs_error_name(EPERM), "EPERM");
    assert_string_equal(xs_error_name(ENOTEMPTY), "ENOTEMPTY");
    assert_string_equal(xs_error_name(ENOTTY), "EIO");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_read_implicit_parents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_with_nuls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_rm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_and_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
