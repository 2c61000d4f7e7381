// SPDX-License-Identifier: MIT
/*
 * A hypercall made at CPL 3 returns -EPERM and does nothing.
 */
#include "rt.h"

static long user_version(void *arg)
{
    return rt_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
}

static long user_console(void *arg)
{
    static const char msg[] = "FAIL cpl3-console-printed\n";
    return rt_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write,
                        sizeof(msg) - 1, (unsigned long)msg, 0, 0);
}

static long user_shutdown(void *arg)
{
    static struct sched_shutdown s = { .reason = SHUTDOWN_crash };
    return rt_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
                        (unsigned long)&s, 0, 0, 0);
}

static long user_plain(void *arg)
{
    return 42;
}

void test_main(void)
{
    rt_begin(4);
    check_eq("user-mode-works", (uint64_t)rt_run_user(user_plain, NULL), 42);
    check_eq("xen-version", (uint64_t)rt_run_user(user_version, NULL),
             (uint64_t)-XEN_EPERM);
    check_eq("console-io", (uint64_t)rt_run_user(user_console, NULL),
             (uint64_t)-XEN_EPERM);
    check_eq("sched-shutdown", (uint64_t)rt_run_user(user_shutdown, NULL),
             (uint64_t)-XEN_EPERM);
    rt_end();
}
