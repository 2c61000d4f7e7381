/* SPDX-License-Identifier: MIT */
/* The x86 parts of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/hvm.h>
#include <asm/vlapic.h>
#include <basalt/cpumask.h>
#include <basalt/spinlock.h>
#include <basalt/types.h>
#include <asm/vpit.h>

/*
 * Exits counted by kind, and hypercalls by number. Hypercalls are split
 * in two: those a guest makes because time passes (timers, scheduling,
 * event sends) and the rest, which a given boot makes a fixed number of
 * times; `make check` guards the second kind (docs/PERFORMANCE.md).
 */
#define HCALL_STAT_SLOTS 64
struct exit_stats {
	uint64_t kind[NR_EXIT_KINDS];
	uint64_t hcall[HCALL_STAT_SLOTS];  /* by number; the last slot: above */
	uint64_t hcall_timed;              /* timer, sched_op, evtchn send */
};

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
	struct exit_stats stats;   /* written only by the CPU running it */
};

struct domain_arch {
	paddr_t p2m_root;          /* nested page table root */
	uint64_t hypercall_page_gfn;
	struct vpit pit;           /* 8254 channel 2, under pit_lock */
	spinlock_t pit_lock;
	/* host CPUs that have entered a vCPU of this domain: those a p2m
	 * change may have to interrupt (basalt/tlb_shootdown.h) */
	cpumask_t tlb_dirty;
};

#endif /* ASM_DOMAIN_H */
