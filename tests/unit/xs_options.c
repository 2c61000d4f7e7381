// SPDX-License-Identifier: MIT
// Unit tests of basalt-xenstored's command line: Xen's letters and
// meanings, -Q quotas, and refusal of bad values.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

static int parse(struct xs_options *o, const char *const *args)
{
    static char bufs[32][64];
    char *argv[33];
    int argc = 0;
    snprintf(bufs[0], sizeof(bufs[0]), "basalt-xenstored");
    argv[argc] = bufs[argc];
    argc++;
    while (*args && argc < 32) {
        snprintf(bufs[argc], sizeof(bufs[argc]), "%s", *args++);
        argv[argc] = bufs[argc];
        argc++;
    }
    argv[argc] = NULL;
    return options_parse(o, argc, argv);
}

static void test_defaults(void **state)
{
    struct xs_options o;
    static const char *const none[] = { NULL };
    assert_int_equal(parse(&o, none), 0);
    assert_false(o.no_fork);
    assert_null(o.socket_path);
    assert_int_equal(o.state_interval, 30);
    assert_int_equal(o.limits.nodes, 1000);
    assert_int_equal(o.limits.value_size, 2048);
    assert_int_equal(o.limits.watches, 128);
    assert_int_equal(o.limits.transactions, 10);
    assert_int_equal(o.limits.perms, 5);
    assert_int_equal(o.limits.path_max, 2048);
}

static void test_xen_letters(void **state)
{
    struct xs_options o;
    static const char *const a[] = {
        "-N", "-F", "/p", "-T", "/t", "-E", "11", "-S", "12", "-W", "13",
        "-t", "14", "-A", "15", "-M", "99999", "-Q", "memory=4096",
        "-Q", "transaction-nodes=7", "--socket", "/s", "--state-file", "/st",
        "--state-interval", "2", "--output-limit", "65536", "-q", "memory=1",
        NULL };
    assert_int_equal(parse(&o, a), 0);
    assert_true(o.no_fork);
    assert_string_equal(o.pid_file, "/p");
    assert_string_equal(o.trace_file, "/t");
    assert_int_equal(o.limits.nodes, 11);
    assert_int_equal(o.limits.value_size, 12);
    assert_int_equal(o.limits.watches, 13);
    assert_int_equal(o.limits.transactions, 14);
    assert_int_equal(o.limits.perms, 15);
    assert_int_equal(o.limits.path_max, XENSTORE_REL_PATH_MAX); /* clamped */
    assert_int_equal(o.limits.memory, 4096);
    assert_int_equal(o.limits.tx_nodes, 7);
    assert_string_equal(o.socket_path, "/s");
    assert_string_equal(o.state_file, "/st");
    assert_int_equal(o.state_interval, 2);
    assert_int_equal(o.limits.output_max, 65536);
}

static void test_bad_values(void **state)
{
    struct xs_options o;
    static const char *const bad[][3] = {
        { "-E", "x", NULL }, { "-E", "-1", NULL }, { "-Q", "nodes", NULL },
        { "-Q", "bogus=1", NULL }, { "-Q", "nodes=1x", NULL },
        { "--output-limit", "10", NULL }, { "extra", NULL, NULL },
    };
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(parse(&o, bad[i]), -1);
    fclose(stderr);
    stderr = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_xen_letters),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
