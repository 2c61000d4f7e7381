// SPDX-License-Identifier: MIT
/*
 * SVM's fixed intercept policy and the translation of a raw #VMEXIT into
 * the vendor-neutral struct vm_exit. Pure (no hypervisor state), so that a
 * host unit test can check the policy bit by bit, including the rules QEMU
 * cannot show: #AC is never raised by TCG.
 */
#include "svm_policy.h"

void svm_set_intercepts(struct vmcb_control *ctl)
{
	/* The fixed policy (docs/SUPPORT.md): exceptions #DB and #AC are
	 * intercepted and reflected so a guest cannot loop the CPU in
	 * exception delivery (XSA-156). */
	ctl->intercept_exceptions = (1u << 1) | (1u << 17);
	ctl->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
			       INTERCEPT_INIT | INTERCEPT_CPUID | INTERCEPT_INVD |
			       INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO |
			       INTERCEPT_MSR | INTERCEPT_SHUTDOWN;
	ctl->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
			       INTERCEPT_VMLOAD | INTERCEPT_VMSAVE |
			       INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
			       INTERCEPT_MONITOR | INTERCEPT_MWAIT |
			       INTERCEPT_MWAIT_C | INTERCEPT_XSETBV;
}

enum exit_kind svm_decode_exit(const struct vmcb *vmcb, bool nrips, struct vm_exit *e)
{
	uint64_t code = vmcb->ctl.exitcode;
	uint64_t i1 = vmcb->ctl.exitinfo1;

	e->raw = code;
	e->next_rip = nrips ? vmcb->ctl.next_rip : 0;
	if (code >= VMEXIT_EXCP_BASE && code < VMEXIT_EXCP_BASE + 32) {
		e->exc.vector = (uint8_t)(code - VMEXIT_EXCP_BASE);
		e->exc.has_error = e->exc.vector == 17; /* #AC has one (0) */
		e->exc.error = (uint32_t)i1;
		return EXIT_EXCEPTION;
	}
	switch (code) {
	case VMEXIT_INTR: return EXIT_INTR;
	case VMEXIT_NMI: return EXIT_NMI;
	case VMEXIT_SMI: return EXIT_SMI;
	case VMEXIT_INIT: return EXIT_INIT;
	case VMEXIT_VINTR: return EXIT_VINTR;
	case VMEXIT_CPUID: return EXIT_CPUID;
	case VMEXIT_HLT: return EXIT_HLT;
	case VMEXIT_INVD: return EXIT_INVD;
	case VMEXIT_WBINVD: return EXIT_WBINVD;
	case VMEXIT_PAUSE: return EXIT_PAUSE;
	case VMEXIT_RDTSC: return EXIT_RDTSC;
	case VMEXIT_XSETBV: return EXIT_XSETBV;
	case VMEXIT_SHUTDOWN: return EXIT_SHUTDOWN;
	case VMEXIT_VMMCALL: return EXIT_HYPERCALL;
	case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE:
	case VMEXIT_STGI: case VMEXIT_CLGI: case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA: case VMEXIT_MONITOR: case VMEXIT_MWAIT:
	case VMEXIT_MWAIT_C:
		return EXIT_UD_INSN;
	case VMEXIT_IOIO:
		e->io.in = i1 & 1;
		e->io.string = i1 & (1u << 2);
		e->io.rep = i1 & (1u << 3);
		e->io.bytes = (i1 & (1u << 4)) ? 1 : (i1 & (1u << 5)) ? 2 : 4;
		e->io.addr_bits = (i1 & (1u << 7)) ? 16 : (i1 & (1u << 8)) ? 32 : 64;
		e->io.seg = (enum x86_segreg)((i1 >> 10) & 7);
		e->io.port = (uint16_t)(i1 >> 16);
		/* The I/O intercept always carries the next RIP (APM 15.10.2). */
		e->next_rip = vmcb->ctl.exitinfo2;
		return EXIT_IO;
	case VMEXIT_MSR:
		e->msr.write = i1 & 1; /* the index is in guest ECX */
		return EXIT_MSR;
	case VMEXIT_NPF:
		e->npf.gpa = vmcb->ctl.exitinfo2;
		e->npf.present = i1 & 1;
		e->npf.write = i1 & 2;
		e->npf.user = i1 & 4;
		e->npf.fetch = i1 & 0x10;
		e->npf.in_walk = i1 & (1ull << 33);
		return EXIT_NPF;
	case VMEXIT_INVALID:
		return EXIT_INVALID;
	default:
		return EXIT_UNKNOWN;
	}
}

/*
 * External interrupts are given to the guest as a virtual interrupt
 * (V_IRQ with its vector), never through EVENTINJ: the CPU takes a
 * virtual interrupt at the first instruction boundary where the guest's
 * IF allows, so it cannot land in an IF=0 section whatever happens
 * between the decision and the entry. On the test bed this is also what
 * keeps guests alive: QEMU's TCG leaves an EVENTINJ interrupt queued as
 * a pending exception after delivering it and delivers it a second time,
 * inside the handler with IF=0, when its vCPU thread is kicked
 * (docs/SUPPORT.md). The interrupt-window request uses V_IRQ as well
 * (vector 0, with the VINTR intercept); the two never overlap.
 */
#define VINTR_VECTOR_SHIFT 32
#define VINTR_REQUEST (VINTR_V_IRQ | VINTR_IGN_TPR | \
		       (0xfull << VINTR_PRIO_SHIFT) | \
		       (0xffull << VINTR_VECTOR_SHIFT))

void svm_virq_assert(struct vmcb_control *ctl, uint8_t vector)
{
	/* The priority is the vector's class; the guest's TPR is the
	 * vLAPIC's business, not the CPU's. */
	ctl->vintr = (ctl->vintr & ~VINTR_REQUEST) | VINTR_V_IRQ | VINTR_IGN_TPR |
		     ((uint64_t)(vector >> 4) << VINTR_PRIO_SHIFT) |
		     ((uint64_t)vector << VINTR_VECTOR_SHIFT);
	ctl->intercept_misc1 &= ~INTERCEPT_VINTR;
}

void svm_virq_window(struct vmcb_control *ctl)
{
	ctl->vintr = (ctl->vintr & ~VINTR_REQUEST) | VINTR_V_IRQ | VINTR_IGN_TPR |
		     (0xfull << VINTR_PRIO_SHIFT);
	ctl->intercept_misc1 |= INTERCEPT_VINTR;
}

void svm_virq_clear(struct vmcb_control *ctl)
{
	ctl->vintr &= ~VINTR_REQUEST;
	ctl->intercept_misc1 &= ~INTERCEPT_VINTR;
}

bool svm_intinfo_external(uint64_t intinfo)
{
	unsigned int type = (intinfo >> EVENT_TYPE_SHIFT) & 7;

	if (!(intinfo & EVENT_VALID))
		return false;
	/* TCG labels an external interrupt it was delivering as an
	 * exception with the interrupt's vector; no exception is >= 32. */
	return type == EVENT_EXTINT ||
	       (type == EVENT_EXCEPTION && (uint8_t)intinfo >= 32);
}

enum svm_entry_check svm_check_entry(const struct vmcb_save *before,
				     const struct vmcb *after,
				     bool gprs_unchanged, uint64_t host_cr3,
				     uint64_t vmrun_return)
{
	uint64_t intinfo = after->ctl.exitintinfo;

	if (after->save.cr3 == host_cr3 && after->save.rip == vmrun_return)
		return gprs_unchanged ? SVM_ENTRY_HOST_STATE :
					SVM_ENTRY_HOST_STATE_LOST;
	/* A shutdown while delivering a #PF for an instruction fetch (error
	 * code bit 4), at the very RIP, flags and CR3 the guest was entered
	 * with: nothing retired. A guest that really triple-faults there
	 * does it again on the retry, and the caller's retry budget ends. */
	if (after->ctl.exitcode == VMEXIT_SHUTDOWN && gprs_unchanged &&
	    after->save.rip == before->rip && after->save.rsp == before->rsp &&
	    after->save.rflags == before->rflags &&
	    after->save.cr3 == before->cr3 && (intinfo & EVENT_VALID) &&
	    ((intinfo >> EVENT_TYPE_SHIFT) & 7) == EVENT_EXCEPTION &&
	    (uint8_t)intinfo == 14 && (intinfo & EVENT_HAS_ERROR) &&
	    ((intinfo >> 32) & 0x10))
		return SVM_ENTRY_FETCH_SHUTDOWN;
	return SVM_ENTRY_OK;
}
