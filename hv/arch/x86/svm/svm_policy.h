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

#endif /* SVM_POLICY_H */
