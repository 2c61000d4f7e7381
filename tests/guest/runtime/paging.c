// SPDX-License-Identifier: MIT
/*
 * The 64-bit runtime's page tables (built by entry.S: an identity map of
 * 0..4 GiB) and the scratch window, 512 pages at RT_SCRATCH_BASE that tests
 * point anywhere: at a hole, read-only, or at scattered frames.
 */
#include "internal.h"

#ifdef __x86_64__

uint64_t rt_pml4[512] __attribute__((aligned(4096)));
uint64_t rt_pdpt[512] __attribute__((aligned(4096)));
uint64_t rt_pd[4 * 512] __attribute__((aligned(4096)));
uint64_t rt_pt0[512] __attribute__((aligned(4096)));
uint64_t rt_scratch_pdpt[512] __attribute__((aligned(4096)));
uint64_t rt_scratch_pd[512] __attribute__((aligned(4096)));
uint64_t rt_scratch_pt[512] __attribute__((aligned(4096)));

void *rt_scratch_map(unsigned int slot, uint64_t gpa, uint64_t flags)
{
    uintptr_t va = (uintptr_t)(RT_SCRATCH_BASE + slot * 4096ULL);
    rt_scratch_pt[slot % RT_SCRATCH_PAGES] = flags ? (gpa & ~0xfffULL) | flags
                                                   : 0;
    __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
    return (void *)va;
}
#endif
