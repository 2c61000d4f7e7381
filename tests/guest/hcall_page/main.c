// SPDX-License-Identifier: MIT
/*
 * The hypercall page via the MSR of leaf base+2: slot contents, a call
 * through it, the iret slot, and the #GP(0) cases: a non-zero page index
 * and a frame that is not RAM.
 */
#include "rt.h"

static uint8_t page2[4096] __attribute__((aligned(4096)));
static uint32_t msr;
static uint64_t msr_value;

static void write_msr(void *arg)
{
    rt_wrmsr(msr, msr_value);
}

static void read_msr(void *arg)
{
    *(uint64_t *)arg = rt_rdmsr(msr);
}

static void call_iret_slot(void *arg)
{
    rt_hypercall(__HYPERVISOR_iret, 0, 0, 0, 0, 0);
}

static void expect_gp(const char *name, uint64_t value)
{
    msr_value = value;
    struct exinfo e = run_expecting_fault(write_msr, NULL);
    check_eq(name, (uint64_t)e.vector << 32 | e.error_code,
             (uint64_t)EXC_GP << 32);
}

void test_main(void)
{
    static const uint8_t slot17[] = { 0xb8, 17, 0, 0, 0, 0x0f, 0x01, 0xd9, 0xc3 };

    rt_begin(10);
    msr = rt_cpuid(rt_xen_base + 2, 0).b;
    check_eq("slot17-bytes", memcmp(rt_hypercall_page + 17 * 32, slot17,
                                    sizeof(slot17)), 0);
    check_eq("iret-slot-ud2", rt_hypercall_page[23 * 32] |
             rt_hypercall_page[23 * 32 + 1] << 8, 0x0b0f);
    check_eq("call-version", (uint64_t)hypercall_xen_version(XENVER_version, NULL),
             0x00040011);
    struct exinfo e = run_expecting_fault(call_iret_slot, NULL);
    check_eq("iret-slot-faults", (uint64_t)e.vector, EXC_UD);

    /* A second page works, and becomes a hypercall page. */
    memset(page2, 0, sizeof(page2));
    msr_value = (uintptr_t)page2;
    e = run_expecting_fault(write_msr, NULL);
    check_eq("second-page", (uint64_t)e.vector, (uint64_t)-1);
    check_eq("second-page-bytes", memcmp(page2 + 17 * 32, slot17,
                                         sizeof(slot17)), 0);

    expect_gp("page-index-1-gp", (uintptr_t)page2 | 1);
    expect_gp("gfn-not-ram-gp", rt_ram_end() + 0x40000000ULL);

    /* Xen lets the MSR be read back: it reads as zero. */
    uint64_t v = 0x5a5a;
    e = run_expecting_fault(read_msr, &v);
    rt_printf("hypercall MSR read: vector %d value %#llx\n", e.vector,
              (unsigned long long)v);
    check_eq("msr-read-no-fault", (uint64_t)e.vector, (uint64_t)-1);
    check_eq("msr-read-value", v, 0);
    rt_end();
}
