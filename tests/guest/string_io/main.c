// SPDX-License-Identifier: MIT
/*
 * String I/O: REP INS from a port nobody owns reads all ones (8/16/32-bit,
 * both directions, 32-bit address size); REP OUTS and OUTB to Xen's debug
 * port 0xE9 reach the console as a "(d0) " line (the runner checks).
 */
#include "rt.h"

#define UNOWNED_PORT 0x2e8   /* COM4's place: nothing there on q35 */

static uint8_t buf[64];

static uint64_t count_ones(size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += buf[i] == 0xff;
    return c;
}

static void prep(void)
{
    memset(buf, 0x5a, sizeof(buf));
}

void test_main(void)
{
    static const char outs_msg[] = "e9-rep-outsb-ok\n";
    static const char outb_msg[] = "e9-outb-ok\n";

    rt_begin(8);
    prep();
    void *d = buf;
    unsigned long c = 16;
    __asm__ volatile("rep insb" : "+D"(d), "+c"(c) : "d"(UNOWNED_PORT) : "memory");
    check_eq("insb-ones", count_ones(16), 16);
    check_eq("insb-untouched-after", buf[16], 0x5a);

    prep();
    d = buf;
    c = 8;
    __asm__ volatile("rep insw" : "+D"(d), "+c"(c) : "d"(UNOWNED_PORT) : "memory");
    check_eq("insw-ones", count_ones(16), 16);

    prep();
    d = buf;
    c = 4;
    __asm__ volatile("rep insl" : "+D"(d), "+c"(c) : "d"(UNOWNED_PORT) : "memory");
    check_eq("insl-ones", count_ones(16), 16);

    /* DF=1: from buf+15 downwards. */
    prep();
    d = buf + 15;
    c = 16;
    __asm__ volatile("std; rep insb; cld" : "+D"(d), "+c"(c)
                     : "d"(UNOWNED_PORT) : "memory");
    check_eq("insb-backwards", count_ones(16) << 8 | (uint8_t)buf[16], 16 << 8 | 0x5a);
    check_eq("insb-backwards-rdi", (uintptr_t)d, (uintptr_t)buf - 1);

    /* 32-bit address size: EDI and ECX. */
    prep();
    d = buf;
    c = 16;
    __asm__ volatile("addr32 rep insb" : "+D"(d), "+c"(c)
                     : "d"(UNOWNED_PORT) : "memory");
    check_eq("insb-addr32", count_ones(16), 16);

    const void *s = outs_msg;
    c = sizeof(outs_msg) - 1;
    __asm__ volatile("rep outsb" : "+S"(s), "+c"(c) : "d"(XEN_HVM_DEBUGCONS_IOPORT)
                     : "memory");
    for (const char *p = outb_msg; *p; p++)
        rt_outb(XEN_HVM_DEBUGCONS_IOPORT, (uint8_t)*p);
    check_eq("outs-count-done", c, 0);
    rt_end();
}
