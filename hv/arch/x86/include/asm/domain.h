/* SPDX-License-Identifier: MIT */
/* The x86 parts of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <basalt/types.h>

struct vcpu_arch {
	struct guest_regs regs;
	struct hvm_snapshot snap;  /* control state at the last exit */
	uint8_t last_exit;         /* enum exit_kind of the last exit */
	void *vendor;              /* the backend's per-vCPU state */
	struct hvm_event pending;  /* to inject at the next entry */
	struct vlapic vlapic;
	uint64_t guest_efer;       /* EFER as the guest sees it */
	uint64_t msr_pat;
	uint64_t msr_tsc_aux;
	uint8_t fpu[512] __attribute__((aligned(16))); /* FXSAVE image */
	bool fpu_initialised;
};

struct domain_arch {
	paddr_t p2m_root;          /* nested page table root */
	uint64_t hypercall_page_gfn;
};

#endif /* ASM_DOMAIN_H */
