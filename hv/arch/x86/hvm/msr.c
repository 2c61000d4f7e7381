// SPDX-License-Identifier: MIT
/*
 * Guest MSRs. Every MSR access exits (the permission map starts as
 * intercept-all) except the ones the backend switches with the guest's
 * state; those listed here are emulated and everything else raises
 * #GP(0), so no host MSR value ever reaches a guest.
 */
#include <asm/cpu.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/hvm_emulate.h>
#include <asm/page.h>
#include <asm/vlapic.h>
#include <basalt/console.h>
#include <basalt/domain.h>
#include <basalt/lib/string.h>

#define MSR_TSC           0x00000010
#define MSR_PAT           0x00000277
#define MSR_XEN_HYPERCALL 0x40000000
#define MSR_K8_INT_PENDING_MSG 0xc0010055
#define EFER_LMA  (1ull << 10)
#define EFER_FFXSR (1ull << 14)

bool hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
void hvm_write_hypercall_page(uint8_t *page);

#define HYPERCALL_IRET 23

/* Each 32-byte slot i: mov $i, %eax; vmmcall; ret. The iret slot is a
 * PV-only call: ud2, as in Xen. */
void hvm_write_hypercall_page(uint8_t *page)
{
	memset(page, 0xcc, PAGE_SIZE); /* int3 between the stubs */
	for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *p = page + i * 32;
		if (i == HYPERCALL_IRET) {
			p[0] = 0x0f;
			p[1] = 0x0b;
			continue;
		}
		p[0] = 0xb8;
		p[1] = (uint8_t)i;
		p[2] = p[3] = p[4] = 0;
		p[5] = 0x0f;
		p[6] = 0x01;
		p[7] = 0xd9;
		p[8] = 0xc3;
	}
}

static bool write_hypercall_msr(struct vcpu *v, uint64_t val)
{
	uint64_t gfn = val >> PAGE_SHIFT;
	bool writable = false;
	paddr_t hpa;

	/* The low bits select a page of the hypercall area; there is one. */
	if (val & ~PAGE_MASK)
		return false;
	hpa = p2m_lookup(&v->domain->p2m, gfn << PAGE_SHIFT, &writable);
	if (!hpa || !writable || gfn == v->domain->shared_info_gfn)
		return false;
	hvm_write_hypercall_page(phys_to_virt(hpa));
	v->domain->arch.hypercall_page_gfn = gfn;
	return true;
}

bool hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (msr == 0x1b || (msr >= 0x800 && msr <= 0x8ff))
		return vlapic_msr_read(v, msr, val);
	switch (msr) {
	case MSR_EFER:
		*val = v->arch.snap.efer;
		return true;
	case MSR_TSC:
		*val = rdtsc(); /* the guest's TSC offset is 0 */
		return true;
	case MSR_PAT:
		*val = v->arch.msr_pat;
		return true;
	case MSR_XEN_HYPERCALL:
		*val = 0; /* write-only in effect; Xen reads back 0 too */
		return true;
	case MSR_K8_INT_PENDING_MSG:
		/* Read unguarded by Linux on family 0xf/0x10 (the E400 idle
		 * check): no C1E message pending. */
		*val = 0;
		return true;
	default:
		return false;
	}
}

static bool pat_valid(uint64_t pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

bool hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (msr == 0x1b || (msr >= 0x800 && msr <= 0x8ff))
		return vlapic_msr_write(v, msr, val);
	switch (msr) {
	case MSR_EFER: {
		uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE |
				   EFER_FFXSR;
		uint64_t old = v->arch.snap.efer;
		if (val & ~allowed)
			return false;
		/* LMA is the CPU's to change; LME cannot change with paging on. */
		val = (val & ~EFER_LMA) | (old & EFER_LMA);
		if (((val ^ old) & EFER_LME) && (v->arch.snap.cr0 & (1ull << 31)))
			return false;
		hvm->set_efer(v, val);
		return true;
	}
	case MSR_TSC:
		return true; /* accepted and ignored, as a fixed-TSC machine */
	case MSR_PAT:
		if (!pat_valid(val))
			return false;
		v->arch.msr_pat = val;
		return true;
	case MSR_XEN_HYPERCALL:
		return write_hypercall_msr(v, val);
	default:
		return false;
	}
}
