// SPDX-License-Identifier: MIT
/*
 * Benchmark guest (make bench, not a test): TSC cycles per null hypercall
 * (xen_version) and, as the floor, per CPUID exit, medians of batches.
 * Prints "bench hcall-cycles N" and "bench cpuid-cycles N".
 */
#include "rt.h"

#define BATCH 200
#define BATCHES 15

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t median(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
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
    rt_printf("bench hcall-cycles %lu\n", (unsigned long)median(h, BATCHES));
    rt_printf("bench cpuid-cycles %lu\n", (unsigned long)median(c, BATCHES));
}
