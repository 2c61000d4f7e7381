// SPDX-License-Identifier: MIT
/*
 * CPUID: the Xen leaves (signature, version, hypercall-page MSR, HVM flags)
 * and the policy a guest sees (hypervisor bit set, SVM and MONITOR hidden,
 * vendor string kept).
 */
#include "rt.h"
#include "public/arch-x86/cpuid.h"

#define CPUID1_ECX_MONITOR     (1u << 3)
#define CPUID1_ECX_HYPERVISOR  (1u << 31)
#define CPUID81_ECX_SVM        (1u << 2)

void test_main(void)
{
    uint32_t base = rt_xen_base;

    rt_begin(14);
    check_eq("xen-base", base, XEN_CPUID_FIRST_LEAF);
    struct cpuid_regs r = rt_cpuid(base, 0);
    check_eq("base-max-leaf", r.a, base + XEN_CPUID_MAX_NUM_LEAVES);
    check_eq("base-signature", r.b == XEN_CPUID_SIGNATURE_EBX &&
             r.c == XEN_CPUID_SIGNATURE_ECX && r.d == XEN_CPUID_SIGNATURE_EDX, 1);
    r = rt_cpuid(base + 1, 0);
    check_eq("version", r.a, 0x00040011);
    r = rt_cpuid(base + 2, 0);
    check_eq("hcall-pages", r.a, 1);
    check_eq("hcall-msr", r.b, 0x40000000);
    check_eq("base2-ecx-edx", (uint64_t)r.c << 32 | r.d, 0);
    r = rt_cpuid(base + 4, 0);
    check_eq("base4-eax", r.a, XEN_HVM_CPUID_VCPU_ID_PRESENT |
             XEN_HVM_CPUID_DOMID_PRESENT);
    check_eq("base4-vcpu-id", r.b, 0);
    check_eq("base4-domid", r.c, 0);
    r = rt_cpuid(1, 0);
    check_eq("hypervisor-bit", r.c & CPUID1_ECX_HYPERVISOR, CPUID1_ECX_HYPERVISOR);
    check_eq("monitor-hidden", r.c & CPUID1_ECX_MONITOR, 0);
    r = rt_cpuid(0x80000001, 0);
    check_eq("svm-hidden", r.c & CPUID81_ECX_SVM, 0);
    r = rt_cpuid(0, 0);
    check_eq("vendor-amd", r.b == 0x68747541 && r.d == 0x69746e65 &&
             r.c == 0x444d4163, 1);   /* "AuthenticAMD", as -cpu qemu64 says */
    rt_end();
}
