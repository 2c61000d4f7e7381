/* SPDX-License-Identifier: MIT */
/*
 * Round-trip timing for the two-vCPU benchmark guests (bench_evtchn,
 * bench_ipi): TSC deltas, their median, and its conversion to ns with
 * the PV clock's scale (tsc_to_system_mul, tsc_shift), so both
 * hypervisors are measured on the same clock. Header-only.
 */
#ifndef GUEST_COMMON_BENCH_RTT_H
#define GUEST_COMMON_BENCH_RTT_H

#include "smp.h"

#define RTT_WARMUP 50
#define RTT_ROUNDS 1001

static uint64_t rtt_samples[RTT_ROUNDS];

static inline uint64_t rtt_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Shell sort: the median of a thousand samples, no libc. */
static inline uint64_t rtt_median(uint64_t *v, unsigned int n)
{
    for (unsigned int gap = n / 2; gap; gap /= 2)
        for (unsigned int i = gap; i < n; i++) {
            uint64_t x = v[i];
            unsigned int j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap)
                v[j] = v[j - gap];
            v[j] = x;
        }
    return v[n / 2];
}

static inline uint64_t rtt_cycles_to_ns(const volatile struct vcpu_time_info *t,
                                        uint64_t cycles)
{
    int8_t shift = t->tsc_shift;
    uint64_t d = shift < 0 ? cycles >> -shift : cycles << shift;
    return (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
}

/* "bench <name>-ns <median> rounds <n> min-ns <min>" */
static inline void rtt_report(const char *name)
{
    uint64_t med = rtt_median(rtt_samples, RTT_ROUNDS);
    const volatile struct vcpu_time_info *t = &smp_si->vcpu_info[0].time;

    rt_printf("bench %s-ns %lu rounds %u min-ns %lu\n", name,
              (unsigned long)rtt_cycles_to_ns(t, med), RTT_ROUNDS,
              (unsigned long)rtt_cycles_to_ns(t, rtt_samples[0]));
}

#endif
