/* SPDX-License-Identifier: MIT */
/*
 * For the load guests outside the manifest (witness, spinner): the TSC,
 * and a number from the kernel's command line ("key=123").
 */
#ifndef GUEST_CMDLINE_TSC_H
#define GUEST_CMDLINE_TSC_H

#include "rt.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The decimal value after key (which ends in '='), or dflt if absent or 0. */
static inline uint64_t cmdline_number(const char *key, size_t keylen,
                                      uint64_t dflt)
{
    const char *c = (const char *)(uintptr_t)rt_start_info->cmdline_paddr;
    uint64_t n = 0;

    for (const char *p = c; c && *p; p++) {
        if (memcmp(p, key, keylen))
            continue;
        for (p += keylen; *p >= '0' && *p <= '9'; p++)
            n = n * 10 + (uint64_t)(*p - '0');
        break;
    }
    return n ? n : dflt;
}

#endif /* GUEST_CMDLINE_TSC_H */
