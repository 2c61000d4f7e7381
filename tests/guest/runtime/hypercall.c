// SPDX-License-Identifier: MIT
/*
 * Xen discovery through CPUID (the signature may sit at any 0x100 step of
 * 0x40000000..0x4000ff00) and the hypercall page through the MSR that leaf
 * base+2 names.
 */
#include "internal.h"
#include "public/arch-x86/cpuid.h"
#include "public/sched.h"

uint8_t rt_hypercall_page[4096] __attribute__((aligned(4096)));
uint32_t rt_xen_base;
bool rt_hypercall_ready;

bool rt_hypercall_init(void)
{
    for (uint32_t base = XEN_CPUID_FIRST_LEAF; base <= 0x4000ff00;
         base += 0x100) {
        struct cpuid_regs r = rt_cpuid(base, 0);
        if (r.b == XEN_CPUID_SIGNATURE_EBX && r.c == XEN_CPUID_SIGNATURE_ECX &&
            r.d == XEN_CPUID_SIGNATURE_EDX && r.a - base >= 2) {
            rt_xen_base = base;
            break;
        }
    }
    if (!rt_xen_base)
        return false;
    struct cpuid_regs r = rt_cpuid(rt_xen_base + 2, 0);
    if (r.a < 1)
        return false;
    rt_wrmsr(r.b, (uint64_t)(uintptr_t)rt_hypercall_page);
    rt_hypercall_ready = true;
    return true;
}

long rt_shutdown(unsigned int reason)
{
    struct sched_shutdown s = { .reason = reason };
    return hypercall_sched_op(SCHEDOP_shutdown, &s);
}
