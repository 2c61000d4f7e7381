// SPDX-License-Identifier: MIT
/*
 * FPU companion (Basalt only, not in the manifest): it keeps a changing
 * pattern in the SSE registers across long spins, so that it shares the
 * CPU with another domain that computes with the FPU (the stock-Linux
 * test "fpu-beside-domain"). If a vCPU switch lost or mixed the register
 * state, the pattern read back differs: "fpu-burner FAIL". Every second or
 * so it prints "fpu-burner ok <n>".
 */
#include "rt.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void sse_enable(void)
{
    unsigned long cr0, cr4;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr0 = (cr0 & ~(1ul << 2)) | (1ul << 1);   /* EM off, MP on */
    cr4 |= (1ul << 9) | (1ul << 10);           /* OSFXSR, OSXMMEXCPT */
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0));
    __asm__ volatile("mov %0, %%cr4" :: "r"(cr4));
}

void test_main(void)
{
    uint64_t khz = rt_cpuid(rt_xen_base + 3, 0).c;
    uint64_t spin = khz * 2; /* 2 ms */

    sse_enable();
    for (uint64_t n = 1;; n++) {
        uint64_t a = n * 0x9e3779b97f4a7c15ull, b = ~a, ra, rb;
        uint64_t end;

        __asm__ volatile("movq %0, %%xmm3; movq %1, %%xmm6" :: "r"(a), "r"(b));
        end = rdtsc() + spin;
        while ((int64_t)(rdtsc() - end) < 0)
            __asm__ volatile("pause");
        __asm__ volatile("movq %%xmm3, %0; movq %%xmm6, %1" : "=r"(ra), "=r"(rb));
        if (ra != a || rb != b) {
            rt_printf("fpu-burner FAIL at %lu: %#lx %#lx\n", (unsigned long)n,
                      (unsigned long)ra, (unsigned long)rb);
            return;
        }
        if (n % 500 == 0)
            rt_printf("fpu-burner ok %lu\n", (unsigned long)n);
    }
}
