// SPDX-License-Identifier: MIT
/*
 * Exceptions raised inside the guest reach the guest's own IDT with the
 * right vector, error code and (for #PF) CR2: #DE, #BP, #UD, #GP, #PF.
 */
#include "rt.h"

static volatile unsigned long sink;

static void do_div0(void *arg)
{
    unsigned long zero = 0;
    __asm__ volatile("xor %%edx, %%edx; div %1" : "+a"(sink) : "r"(zero) : "rdx");
}

static void do_int3(void *arg) { __asm__ volatile("int3"); }
static void do_ud2(void *arg) { __asm__ volatile("ud2"); }

static void do_noncanonical(void *arg)
{
    sink = *(volatile unsigned long *)0x8000000000000000UL;
}

static void do_read(void *arg) { sink = *(volatile unsigned long *)arg; }
static void do_write(void *arg) { *(volatile unsigned long *)arg = 1; }

static uint64_t vec_err(struct exinfo e)
{
    return (uint64_t)(uint32_t)e.vector << 32 | e.error_code;
}

void test_main(void)
{
    static uint8_t page[4096] __attribute__((aligned(4096)));

    rt_begin(9);
    check_eq("de", vec_err(run_expecting_fault(do_div0, NULL)), (uint64_t)EXC_DE << 32);
    /* #BP is a trap: it reports the address after INT3. */
    struct exinfo e = run_expecting_fault(do_int3, NULL);
    check_eq("bp", vec_err(e), (uint64_t)EXC_BP << 32);
    check_eq("ud", vec_err(run_expecting_fault(do_ud2, NULL)), (uint64_t)EXC_UD << 32);
    check_eq("gp-noncanonical", vec_err(run_expecting_fault(do_noncanonical, NULL)),
             (uint64_t)EXC_GP << 32);

    void *np = rt_scratch_map(0, 0, 0);          /* not present */
    e = run_expecting_fault(do_read, np);
    check_eq("pf-read-not-present", vec_err(e), (uint64_t)EXC_PF << 32);
    check_eq("pf-cr2", e.cr2, (uintptr_t)np);
    e = run_expecting_fault(do_write, np);
    check_eq("pf-write-not-present", vec_err(e), (uint64_t)EXC_PF << 32 | 2);

    void *ro = rt_scratch_map(1, (uintptr_t)page, PTE_P);   /* read-only */
    e = run_expecting_fault(do_write, ro);
    check_eq("pf-write-read-only", vec_err(e), (uint64_t)EXC_PF << 32 | 3);
    e = run_expecting_fault(do_read, ro);
    check_eq("read-read-only", (uint64_t)e.vector, (uint64_t)-1);
    rt_end();
}
