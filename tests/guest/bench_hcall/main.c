// SPDX-License-Identifier: MIT
/*
 * Benchmark guest (make bench, not a test): TSC cycles per null hypercall
 * (xen_version) and, as the floor, per CPUID exit: the fastest of many
 * interleaved batches (the least disturbed by the emulator's noise).
 * Prints "bench hcall-cycles N" and "bench cpuid-cycles N".
 */
#include "rt.h"

#define BATCH 200
#define BATCHES 31

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t minimum(const uint64_t *v, unsigned int n)
{
    uint64_t m = v[0];

    for (unsigned int i = 1; i < n; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}

void test_main(void)
{
    uint64_t h[BATCHES], c[BATCHES];

    for (unsigned int b = 0; b < BATCHES; b++) {
        uint64_t t0 = rdtsc();
        for (unsigned int i = 0; i < BATCH; i++)
            hypercall_xen_version(XENVER_version, NULL);
        uint64_t t1 = rdtsc();
        for (unsigned int i = 0; i < BATCH; i++)
            rt_cpuid(0, 0);
        uint64_t t2 = rdtsc();
        h[b] = (t1 - t0) / BATCH;
        c[b] = (t2 - t1) / BATCH;
    }
    rt_printf("bench hcall-cycles %lu\n", (unsigned long)minimum(h, BATCHES));
    rt_printf("bench cpuid-cycles %lu\n", (unsigned long)minimum(c, BATCHES));
}
