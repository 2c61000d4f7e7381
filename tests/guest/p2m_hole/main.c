// SPDX-License-Identifier: MIT
/*
 * A guest-physical address with nothing behind it reads all ones at every
 * width, and writes to it are dropped.
 */
#include "rt.h"

void test_main(void)
{
    uint64_t gpa = (rt_ram_end() + 0x10000000ULL) & ~0xfffffffULL;
    volatile uint8_t *p = rt_scratch_map(0, gpa, PTE_P | PTE_W);

    rt_begin(6);
    rt_printf("hole at gpa %#llx\n", (unsigned long long)gpa);
    check_eq("read8", *p, 0xff);
    check_eq("read16", *(volatile uint16_t *)(p + 2), 0xffff);
    check_eq("read32", *(volatile uint32_t *)(p + 4), 0xffffffff);
    check_eq("read64", *(volatile uint64_t *)(p + 8), ~0ULL);
    *(volatile uint32_t *)(p + 16) = 0x12345678;
    check_eq("write-dropped", *(volatile uint32_t *)(p + 16), 0xffffffff);
    p = rt_scratch_map(1, gpa + 0x123000, PTE_P | PTE_W);
    check_eq("read-other-page", *(volatile uint64_t *)(p + 0xff8), ~0ULL);
    rt_end();
}
