// SPDX-License-Identifier: MIT
/*
 * VCPUOP_initialise for PVH vCPUs: the guest hands a struct
 * vcpu_hvm_context (32-bit registers with CS/DS/SS/ES/TR, or 64-bit
 * registers with flat long-mode segments). Every field is checked here
 * with Xen 4.17's rules and answers (-EINVAL for all of them), against
 * what this domain's CPUID shows; the backend then loads the result
 * through hvm_ops->vcpu_set_state.
 */
#include <basalt/arch.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/lib/string.h>
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <public/hvm/hvm_vcpu.h>

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
	       struct cpuid_regs *out);

#define BIT(n) (1ull << (n))

/* Flags software can hold in EFLAGS; bit 1 always reads as one. */
#define EFLAGS_DEFINED 0x3f7fd5ull
#define EFLAGS_ONE     0x2ull

#define EFER_SCE_BIT    BIT(0)
#define EFER_LME_BIT    BIT(8)
#define EFER_LMA_BIT    BIT(10)
#define EFER_NXE_BIT    BIT(11)
#define EFER_SVME_BIT   BIT(12)
#define EFER_LMSLE_BIT  BIT(13)
#define EFER_FFXSR_BIT  BIT(14)
#define EFER_AIBRSE_BIT BIT(21)

/* Attribute word: type(3:0) S(4) DPL(6:5) P(7) AVL L D/B G(11). */
#define AR_TYPE(a) ((a) & 0xfu)
#define AR_S       0x10u
#define AR_P       0x80u
#define AR_G       0x800u
#define AR_DPL(a)  (((a) >> 5) & 3u)
#define TYPE_TSS_BUSY 0xbu

enum seg_use { USE_CS, USE_DS, USE_SS, USE_ES, USE_TR };

/* Is s acceptable for its use? s already has its accessed/busy bit set
 * when present, as Xen sets it before checking. */
static bool segment_ok(const struct segment *s, enum seg_use use)
{
	unsigned int type = AR_TYPE(s->attr);

	if (s->attr & 0xf000u)
		return false;             /* beyond the 12 attribute bits */
	if (s->attr == 0)
		return use == USE_DS || use == USE_ES;  /* null DS/ES only */
	if (use == USE_TR) {
		if ((s->attr & AR_S) || type != TYPE_TSS_BUSY)
			return false;
	} else if (!(s->attr & AR_S)) {
		return false;             /* a system segment as code/data */
	}
	if (!(s->attr & AR_P))
		return false;
	switch (use) {
	case USE_CS:
		return type & 0x8;                        /* code */
	case USE_SS:
		return !(type & 0x8) && (type & 0x2);     /* writable data */
	case USE_DS:
	case USE_ES:
		return !((type & 0x8) && !(type & 0x2));  /* not execute-only */
	default:
		return true;
	}
}

static struct segment segment_from(uint16_t ar, uint32_t limit, uint32_t base,
				   enum seg_use use)
{
	struct segment s = { .sel = 0, .attr = ar, .limit = limit, .base = base };

	if (s.attr & AR_P)
		s.attr |= use == USE_TR ? 0x2u : 0x1u;    /* busy / accessed */
	return s;
}

static int load_32(const struct vcpu_hvm_x86_32 *r, struct hvm_vcpu_state *st)
{
	uint32_t limit;
	bool bad;

	if (r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2])
		return -EINVAL;
	st->cs = segment_from(r->cs_ar, r->cs_limit, r->cs_base, USE_CS);
	st->ds = segment_from(r->ds_ar, r->ds_limit, r->ds_base, USE_DS);
	st->ss = segment_from(r->ss_ar, r->ss_limit, r->ss_base, USE_SS);
	st->es = segment_from(r->es_ar, r->es_limit, r->es_base, USE_ES);
	st->tr = segment_from(r->tr_ar, r->tr_limit, r->tr_base, USE_TR);
	bad = !segment_ok(&st->cs, USE_CS);
	bad |= !segment_ok(&st->ds, USE_DS);
	bad |= !segment_ok(&st->ss, USE_SS);
	bad |= !segment_ok(&st->es, USE_ES);
	bad |= !segment_ok(&st->tr, USE_TR);
	if (bad)
		return -EINVAL;
	/* Xen reads a page-granular limit as a 20-bit count of pages, in
	 * 32-bit arithmetic, and loads the limit as given. */
	limit = st->cs.limit;
	if (st->cs.attr & AR_G)
		limit = (limit << 12) | 0xfffu;
	if (r->eip > limit)
		return -EINVAL;
	if (AR_DPL(st->ss.attr) != AR_DPL(st->cs.attr))
		return -EINVAL;
	if ((st->ds.attr & AR_P) && AR_DPL(st->ds.attr) > AR_DPL(st->cs.attr))
		return -EINVAL;
	if ((st->es.attr & AR_P) && AR_DPL(st->es.attr) > AR_DPL(st->cs.attr))
		return -EINVAL;
	if ((r->efer & EFER_LMA_BIT) && !(r->efer & EFER_LME_BIT))
		return -EINVAL;
	st->regs.rax = r->eax;
	st->regs.rcx = r->ecx;
	st->regs.rdx = r->edx;
	st->regs.rbx = r->ebx;
	st->regs.rsp = r->esp;
	st->regs.rbp = r->ebp;
	st->regs.rsi = r->esi;
	st->regs.rdi = r->edi;
	st->regs.rip = r->eip;
	st->regs.rflags = (r->eflags & EFLAGS_DEFINED) | EFLAGS_ONE;
	st->cr0 = r->cr0;
	st->cr3 = r->cr3;
	st->cr4 = r->cr4;
	st->efer = r->efer;
	return 0;
}

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static int load_64(const struct vcpu_hvm_x86_64 *r, struct hvm_vcpu_state *st)
{
	static const struct segment flat_code = { 0, 0xa9b, 0xffffffffu, 0 };
	static const struct segment flat_data = { 0, 0xc93, 0xffffffffu, 0 };
	static const struct segment tss64 = { 0, 0x08b, 0x67, 0 };

	if (!canonical(r->rip) || !(r->cr0 & CR0_PG) || !(r->cr4 & CR4_PAE) ||
	    !(r->efer & EFER_LME_BIT))
		return -EINVAL;
	st->regs.rax = r->rax;
	st->regs.rcx = r->rcx;
	st->regs.rdx = r->rdx;
	st->regs.rbx = r->rbx;
	st->regs.rsp = r->rsp;
	st->regs.rbp = r->rbp;
	st->regs.rsi = r->rsi;
	st->regs.rdi = r->rdi;
	st->regs.rip = r->rip;
	st->regs.rflags = (r->rflags & EFLAGS_DEFINED) | EFLAGS_ONE;
	st->cr0 = r->cr0;
	st->cr3 = r->cr3;
	st->cr4 = r->cr4;
	st->efer = r->efer;
	st->cs = flat_code;
	st->ds = st->ss = st->es = flat_data;
	st->tr = tss64;
	return 0;
}

/* CR4 bits the guest may set: those whose feature its CPUID shows. */
static uint64_t cr4_valid(struct vcpu *v)
{
	struct cpuid_regs l1, l7;
	uint64_t ok = BIT(8);                            /* PCE */

	hvm_cpuid(v, 1, 0, &l1);
	hvm_cpuid(v, 7, 0, &l7);
	ok |= (l1.edx & BIT(1)) ? BIT(0) | BIT(1) : 0;   /* VME, PVI */
	ok |= (l1.edx & BIT(4)) ? BIT(2) : 0;            /* TSD */
	ok |= (l1.edx & BIT(2)) ? BIT(3) : 0;            /* DE */
	ok |= (l1.edx & BIT(3)) ? BIT(4) : 0;            /* PSE */
	ok |= (l1.edx & BIT(6)) ? BIT(5) : 0;            /* PAE */
	ok |= (l1.edx & BIT(7)) ? BIT(6) : 0;            /* MCE */
	ok |= (l1.edx & BIT(13)) ? BIT(7) : 0;           /* PGE */
	ok |= (l1.edx & BIT(24)) ? BIT(9) : 0;           /* OSFXSR */
	ok |= (l1.edx & BIT(25)) ? BIT(10) : 0;          /* OSXMMEXCPT */
	ok |= (l7.ecx & BIT(2)) ? BIT(11) : 0;           /* UMIP */
	ok |= (l7.ecx & BIT(16)) ? BIT(12) : 0;          /* LA57 */
	ok |= (l7.ebx & BIT(0)) ? BIT(16) : 0;           /* FSGSBASE */
	ok |= (l1.ecx & BIT(17)) ? BIT(17) : 0;          /* PCIDE */
	ok |= (l1.ecx & BIT(26)) ? BIT(18) : 0;          /* OSXSAVE */
	ok |= (l7.ebx & BIT(7)) ? BIT(20) : 0;           /* SMEP */
	ok |= (l7.ebx & BIT(20)) ? BIT(21) : 0;          /* SMAP */
	ok |= (l7.ecx & BIT(3)) ? BIT(22) : 0;           /* PKE */
	ok |= (l7.ecx & BIT(7)) ? BIT(23) : 0;           /* CET */
	return ok;
}

/* EFER as Xen 4.17 accepts it: known bits whose feature the guest has;
 * no nested virtualization, no long-mode segment limits. */
static bool efer_ok(struct vcpu *v, uint64_t efer)
{
	struct cpuid_regs e1;
	uint64_t known = EFER_SCE_BIT | EFER_LME_BIT | EFER_LMA_BIT |
			 EFER_NXE_BIT | EFER_SVME_BIT | EFER_LMSLE_BIT |
			 EFER_FFXSR_BIT | EFER_AIBRSE_BIT;

	hvm_cpuid(v, 0x80000001, 0, &e1);
	if (efer & ~known)
		return false;
	if ((efer & EFER_SCE_BIT) && !(e1.edx & BIT(11)))
		return false;
	if ((efer & (EFER_LME_BIT | EFER_LMA_BIT)) && !(e1.edx & BIT(29)))
		return false;
	if ((efer & EFER_LMA_BIT) && !(efer & EFER_LME_BIT))
		return false;
	if ((efer & EFER_NXE_BIT) && !(e1.edx & BIT(20)))
		return false;
	if ((efer & EFER_FFXSR_BIT) && !(e1.edx & BIT(25)))
		return false;
	return !(efer & (EFER_SVME_BIT | EFER_LMSLE_BIT | EFER_AIBRSE_BIT));
}

int arch_vcpu_set_hvm_context(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
	struct hvm_vcpu_state st;
	int rc;

	memset(&st, 0, sizeof(st));
	if (ctx->pad)
		return -EINVAL;
	switch (ctx->mode) {
	case VCPU_HVM_MODE_32B:
		rc = load_32(&ctx->cpu_regs.x86_32, &st);
		break;
	case VCPU_HVM_MODE_64B:
		rc = load_64(&ctx->cpu_regs.x86_64, &st);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc)
		return rc;
	/* Long mode is active as soon as it is enabled (even with paging
	 * off in the 32-bit form: Xen does the same). */
	if (st.efer & EFER_LME_BIT)
		st.efer |= EFER_LMA_BIT;
	if ((st.cr4 & ~cr4_valid(v)) || !efer_ok(v, st.efer))
		return -EINVAL;
	hvm->vcpu_set_state(v, &st);
	return 0;
}
