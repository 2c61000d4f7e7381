/* SPDX-License-Identifier: MIT */
/*
 * One shutdown test per reason: SCHEDOP_shutdown_code and then
 * SCHEDOP_shutdown with SHUTDOWN_REASON (defined by the including test).
 * What the hypervisor does next is asserted by the runner (manifest "end:"
 * and "line:" entries); the call must not return.
 */
#include "rt.h"

void test_main(void)
{
    struct sched_shutdown code = { .reason = SHUTDOWN_REASON };

    rt_begin(1);
    check_eq("shutdown-code", (uint64_t)hypercall_sched_op(SCHEDOP_shutdown_code,
                                                          &code), 0);
    rt_end();
    long rc = rt_shutdown(SHUTDOWN_REASON);
    rt_printf("FAIL shutdown-returned got=%ld\n", rc);
}
