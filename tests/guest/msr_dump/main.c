// SPDX-License-Identifier: MIT
/*
 * The readable-MSR set: every MSR in 0-0x1FFF, 0x40000000-0x400000FF and
 * 0xC0000000-0xC0001FFF that RDMSR reads without #GP, printed as "msr <a>"
 * or "msr <a>-<b>" lines. The runner compares Xen's with
 * data/xen-readable-msrs.txt and checks Basalt's is a subset of it.
 */
#include "rt.h"

static uint32_t cur;

static void read_cur(void *arg)
{
    (void)rt_rdmsr(cur);
}

static bool readable(uint32_t msr)
{
    cur = msr;
    return run_expecting_fault(read_cur, NULL).vector < 0;
}

static unsigned int scan(uint32_t lo, uint32_t hi)
{
    unsigned int n = 0;
    for (uint32_t m = lo; m <= hi; m++) {
        if (!readable(m))
            continue;
        uint32_t end = m;
        while (end < hi && readable(end + 1))
            end++;
        if (end == m)
            rt_printf("msr %#x\n", m);
        else
            rt_printf("msr %#x-%#x\n", m, end);
        n += end - m + 1;
        m = end;
    }
    return n;
}

void test_main(void)
{
    rt_begin(3);
    unsigned int n = scan(0, 0x1fff) + scan(0x40000000, 0x400000ff) +
                     scan(0xc0000000, 0xc0001fff);
    check_true("some-readable", n > 0, "");
    check_eq("tsc-readable", readable(0x10), 1);
    check_eq("msr-0x1fff-gp", readable(0x1fff), 0);
    rt_end();
}
