// SPDX-License-Identifier: MIT
/*
 * Witness for the isolation tests (Basalt only, not in the manifest): it
 * prints "heartbeat N" every half second of TSC time (or every
 * "period_ms=" from its command line), forever. The test checks the lines
 * keep coming on time while another domain misbehaves; `make run` uses it
 * as the default guest.
 */
#include "rt.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t period_ms(void)
{
    const char *c = (const char *)(uintptr_t)rt_start_info->cmdline_paddr;
    uint64_t ms = 0;

    for (const char *p = c; c && *p; p++) {
        if (memcmp(p, "period_ms=", 10))
            continue;
        for (p += 10; *p >= '0' && *p <= '9'; p++)
            ms = ms * 10 + (uint64_t)(*p - '0');
        break;
    }
    return ms ? ms : 500;
}

void test_main(void)
{
    /* Xen's time leaf (base + 3, subleaf 0) gives the TSC rate in kHz. */
    uint64_t khz = rt_cpuid(rt_xen_base + 3, 0).c;
    uint64_t period = khz * period_ms();
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
