// SPDX-License-Identifier: MIT
/*
 * CPU-bound load for the scheduler tests (Basalt only, not in the
 * manifest): it counts loop iterations as fast as it can and every
 * period_ms of TSC time (default 1000) prints "spin <n> loops <total>",
 * so the host can compare how much CPU each domain got from the loop
 * counts alone. No PAUSE in the loop: that would exit to the hypervisor.
 */
#include "cmdline_tsc.h"

void test_main(void)
{
    uint64_t khz = rt_cpuid(rt_xen_base + 3, 0).c;
    uint64_t period = khz * cmdline_number("period_ms=", 10, 1000);
    uint64_t next = rdtsc() + period;
    volatile uint64_t loops = 0;

    if (!khz) {
        rt_printf("FAIL spinner no TSC frequency\n");
        return;
    }
    for (unsigned int n = 0;;) {
        /* Check the clock only every 4096 iterations: the loop itself
         * is what is measured. */
        for (unsigned int i = 0; i < 4096; i++)
            loops = loops + 1;
        if ((int64_t)(rdtsc() - next) >= 0) {
            rt_printf("spin %u loops %llu\n", n++, (unsigned long long)loops);
            next += period;
        }
    }
}
