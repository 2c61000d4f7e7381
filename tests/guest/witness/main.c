// SPDX-License-Identifier: MIT
/*
 * Witness for the isolation tests (Basalt only, not in the manifest): it
 * prints "heartbeat N" every half second of TSC time (or every
 * "period_ms=" from its command line), forever. The test checks the lines
 * keep coming on time while another domain misbehaves; `make run` uses it
 * as the default guest.
 */
#include "cmdline_tsc.h"

void test_main(void)
{
    /* Xen's time leaf (base + 3, subleaf 0) gives the TSC rate in kHz. */
    uint64_t khz = rt_cpuid(rt_xen_base + 3, 0).c;
    uint64_t period = khz * cmdline_number("period_ms=", 10, 500);
    uint64_t next = rdtsc();

    if (!khz) {
        rt_printf("FAIL witness no TSC frequency\n");
        return;
    }
    for (unsigned int n = 0;; n++) {
        rt_printf("heartbeat %u\n", n);
        next += period;
        while ((int64_t)(rdtsc() - next) < 0)
            __asm__ volatile("pause");
    }
}
