/* SPDX-License-Identifier: MIT */
/* SVM intercept policy and exit decoding (pure; see svm_policy.c). */
#ifndef SVM_POLICY_H
#define SVM_POLICY_H

#include <asm/hvm.h>
#include "vmcb.h"

/* Basalt's fixed intercepts (docs/SUPPORT.md), into a fresh control area;
 * I/O and MSR maps and the rest are the caller's. */
void svm_set_intercepts(struct vmcb_control *ctl);
/* Decode the exit recorded in vmcb; nrips: the CPU saves next RIP. The
 * MSR index (in guest ECX) is the caller's to fill. */
enum exit_kind svm_decode_exit(const struct vmcb *vmcb, bool nrips,
			       struct vm_exit *e);

/* Interrupt delivery through V_IRQ. Assert: hand `vector` to the guest
 * as a virtual interrupt, taken when its IF allows. Window: exit (VINTR)
 * as soon as the guest could take one. Clear: neither. */
void svm_virq_assert(struct vmcb_control *ctl, uint8_t vector);
void svm_virq_window(struct vmcb_control *ctl);
void svm_virq_clear(struct vmcb_control *ctl);
/* Is the event an exit interrupted (EXITINTINFO) an external interrupt,
 * to be given again as a virtual one? */
bool svm_intinfo_external(uint64_t intinfo);

/*
 * Entries the test bed's CPU (QEMU 7.2 TCG with two vCPU threads) now and
 * then fails without the guest having run (docs/SUPPORT.md, test-bed
 * defects). `before` is the save area handed to VMRUN, `after` the VMCB
 * at the exit; gprs_unchanged: no general register moved.
 */
enum svm_entry_check {
	SVM_ENTRY_OK,
	/* The first instruction fetch failed its page walk and the CPU shut
	 * down, with every register as it was handed over. */
	SVM_ENTRY_FETCH_SHUTDOWN,
	/* The exit left the host's own state (CR3, RIP after VMRUN) in the
	 * save area; with unchanged registers the guest never ran. */
	SVM_ENTRY_HOST_STATE,
	/* The same, but the registers moved: the guest's state is lost. */
	SVM_ENTRY_HOST_STATE_LOST,
};
enum svm_entry_check svm_check_entry(const struct vmcb_save *before,
				     const struct vmcb *after,
				     bool gprs_unchanged, uint64_t host_cr3,
				     uint64_t vmrun_return);

#endif /* SVM_POLICY_H */
