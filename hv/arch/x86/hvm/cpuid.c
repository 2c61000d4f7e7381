// SPDX-License-Identifier: MIT
/*
 * What a guest sees of CPUID: the host's values filtered through the
 * table below (a feature is shown only if Basalt virtualises it), plus
 * Xen's leaves at 0x40000000. The policy is listed in docs/SUPPORT.md.
 */
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <asm/hvm_emulate.h>
#include <basalt/domain.h>
#include <basalt/time.h>
#include <public/arch-x86/cpuid.h>

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
	       struct cpuid_regs *out);

/* Features kept, per register; everything else is hidden. */
struct cpuid_mask {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
};

#define B(n) (1u << (n))
static const struct cpuid_mask keep[] = {
	/* leaf 1 ECX: SSE3 PCLMUL SSSE3 FMA CX16 SSE4.1 SSE4.2 MOVBE POPCNT
	 * AES F16C RDRAND; hidden: MONITOR, VMX, SMX, PDCM, TSC deadline,
	 * XSAVE/OSXSAVE/AVX (no XSAVE state switching yet). x2APIC is added
	 * below: the vLAPIC is emulated, not the host's.
	 * EDX: FPU VME DE PSE TSC MSR PAE CX8 SEP PGE CMOV PAT PSE36 CLFSH
	 * MMX FXSR SSE SSE2, APIC (emulated, added below); hidden: MCE MCA
	 * MTRR ACPI DS TM PBE HTT. */
	{ 1, 0, ~0u, ~0u,
	  B(0) | B(1) | B(9) | B(12) | B(13) | B(19) | B(20) | B(22) | B(23) |
	  B(25) | B(29) | B(30),
	  B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(8) | B(11) |
	  B(13) | B(15) | B(16) | B(17) | B(19) | B(23) | B(24) | B(25) | B(26) },
	/* leaf 7.0 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT
	 * SHA; RDSEED */
	{ 7, 0, 0, B(0) | B(3) | B(7) | B(8) | B(9) | B(18) | B(19) | B(20) |
	  B(23) | B(29), 0, 0 },
	/* 0x80000001 ECX: LAHF ABM SSE4A MISALIGNSSE 3DNOWPREFETCH;
	 * hidden: SVM, SKINIT, WDT, LWP, topology, perf counters.
	 * EDX: the leaf-1 bits AMD repeats, SYSCALL NX MMXEXT FFXSR 1GB LM. */
	{ 0x80000001, 0, ~0u, ~0u, B(0) | B(5) | B(6) | B(7) | B(8),
	  B(0) | B(1) | B(2) | B(3) | B(4) | B(5) | B(6) | B(8) | B(11) |
	  B(13) | B(15) | B(16) | B(17) | B(20) | B(22) | B(23) | B(24) |
	  B(25) | B(26) | B(29) | B(30) | B(31) },
	/* 0x80000007 EDX: invariant TSC only */
	{ 0x80000007, 0, 0, 0, 0, B(8) },
	/* 0x80000008: address sizes only */
	{ 0x80000008, 0, 0xffff, 0, 0, 0 },
};

/* Leaves passed through as they are (cache and brand information). */
static bool passthrough(uint32_t leaf)
{
	return leaf == 0 || leaf == 0x80000000 ||
	       (leaf >= 0x80000002 && leaf <= 0x80000006);
}

static void xen_leaf(struct vcpu *v, uint32_t idx, uint32_t subleaf,
		     struct cpuid_regs *r)
{
	switch (idx) {
	case 0:
		r->eax = XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES);
		r->ebx = XEN_CPUID_SIGNATURE_EBX;
		r->ecx = XEN_CPUID_SIGNATURE_ECX;
		r->edx = XEN_CPUID_SIGNATURE_EDX;
		break;
	case 1: /* the interface version guests check */
		r->eax = 0x00040011;
		break;
	case 2: /* one hypercall page, set through MSR 0x40000000 */
		r->eax = 1;
		r->ebx = 0x40000000;
		break;
	case 3: /* time: TSC is not emulated; guest TSC kHz in subleaf 0 */
		if (subleaf == 0)
			r->ecx = (uint32_t)(time_tsc_hz() / 1000);
		break;
	case 4:
		r->eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
		r->ebx = v->vcpu_id;
		r->ecx = v->domain->domid;
		break;
	default:
		break;
	}
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
	       struct cpuid_regs *r)
{
	struct cpuid_regs host;
	uint32_t max_basic = cpuid(0, 0).eax;
	uint32_t max_ext = cpuid(0x80000000, 0).eax;

	r->eax = r->ebx = r->ecx = r->edx = 0;
	/* ECX selects a subleaf only for the leaves that have them; for the
	 * others it is whatever the guest left there. */
	if (leaf != 4 && leaf != 7 && leaf != 0xb && leaf != 0xd &&
	    leaf != 0x8000001d && !(leaf >= XEN_CPUID_FIRST_LEAF &&
				    leaf < XEN_CPUID_FIRST_LEAF + 0x100))
		subleaf = 0;
	if (leaf >= XEN_CPUID_FIRST_LEAF && leaf < XEN_CPUID_FIRST_LEAF + 0x100) {
		xen_leaf(v, leaf - XEN_CPUID_FIRST_LEAF, subleaf, r);
		return;
	}
	if ((leaf < 0x80000000 && leaf > max_basic) ||
	    (leaf >= 0x80000000 && leaf > max_ext) ||
	    (leaf > 0x80000008 && leaf < 0xc0000000) || leaf >= 0xc0000000)
		return;
	host = cpuid(leaf, subleaf);
	if (passthrough(leaf)) {
		*r = host;
		return;
	}
	for (unsigned int i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (keep[i].leaf != leaf || keep[i].subleaf != subleaf)
			continue;
		r->eax = host.eax & keep[i].eax;
		r->ebx = host.ebx & keep[i].ebx;
		r->ecx = host.ecx & keep[i].ecx;
		r->edx = host.edx & keep[i].edx;
	}
	if (leaf == 1) {
		/* APIC id = vCPU id, one logical CPU per package, CLFLUSH
		 * size and brand index from the host. */
		r->ebx = (host.ebx & 0xffff) | (v->vcpu_id << 24) | (1u << 16);
		r->ecx |= B(31) | B(21); /* hypervisor, x2APIC */
		r->edx |= B(9);          /* APIC */
	}
}
