// SPDX-License-Identifier: MIT
/*
 * Hypercall numbers nothing implements return -ENOSYS, through the page
 * (every slot but iret holds a stub) and with a number past the page.
 */
#include "rt.h"

static long raw_vmmcall(unsigned long nr)
{
    long rax;
    __asm__ volatile("vmmcall" : "=a"(rax) : "a"(nr) : "memory");
    return rax;
}

void test_main(void)
{
    static const unsigned int unused[] = { 11, 43, 47, 56, 63, 64, 127 };
    char name[32];

    rt_begin(8);
    for (unsigned int i = 0; i < sizeof(unused) / sizeof(unused[0]); i++) {
        rt_snprintf(name, sizeof(name), "hypercall-%u", unused[i]);
        check_eq(name, (uint64_t)rt_hypercall(unused[i], 0, 0, 0, 0, 0),
                 (uint64_t)-XEN_ENOSYS);
    }
    /* The page's stubs use VMMCALL on AMD, so this is what they do. */
    check_eq("vmmcall-4096", (uint64_t)raw_vmmcall(4096), (uint64_t)-XEN_ENOSYS);
    rt_end();
}
