/* SPDX-License-Identifier: MIT */
/*
 * Which guest-TLB flushes keep nested paging coherent (docs/COHERENCE.md).
 * Two decisions, both pure (no hypervisor state, tested on the host):
 *
 * - after a change to a domain's p2m: must every vCPU of the domain drop
 *   its guest TLB before it next enters, and which host CPUs must be
 *   interrupted now (and waited for) because they may be in guest mode
 *   with the old entry cached;
 * - at each VM entry: which tag (ASID) the vCPU runs with and what the
 *   entry flushes, from a per-CPU ASID allocator with generations.
 */
#ifndef BASALT_TLB_POLICY_H
#define BASALT_TLB_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* ---- p2m changes -------------------------------------------------------- */

enum tlb_p2m_change {
	TLB_P2M_NEW,         /* a leaf appears where nothing was mapped */
	TLB_P2M_WIDEN,       /* same frame, more access rights */
	TLB_P2M_NARROW,      /* same frame, fewer access rights */
	TLB_P2M_REMOVE,      /* leaf cleared, or pointed at another frame */
	TLB_P2M_TABLE_FREED, /* the whole tree freed: the domain never runs again */
};

enum tlb_cpu_action {
	TLB_CPU_NONE,        /* nothing cached there can be stale */
	TLB_CPU_NEXT_ENTRY,  /* flush before the next entry is enough */
	TLB_CPU_IPI_WAIT,    /* interrupt it now, wait until it left guest mode */
};

/* What host CPU 'cpu' must do after 'change'; 'dirty': it has entered a
 * vCPU of the domain (see tlb_shootdown.h); 'self': it made the change. */
enum tlb_cpu_action tlb_policy_cpu(enum tlb_p2m_change change, bool dirty,
				   bool self);

/* Must every vCPU of the domain flush its guest TLB before its next entry? */
bool tlb_policy_flush_vcpus(enum tlb_p2m_change change);

/* The CPUs of 'dirty' (bit n%64 of word n/64) that get TLB_CPU_IPI_WAIT,
 * written to 'ipi' (nwords words); returns how many. */
unsigned int tlb_policy_ipi_set(enum tlb_p2m_change change,
				const uint64_t *dirty, uint64_t *ipi,
				unsigned int nwords, unsigned int self);

/* ---- VM entry: ASIDs ------------------------------------------------------ */

enum tlb_flush {
	TLB_FLUSH_NONE,
	TLB_FLUSH_ASID,      /* the entering vCPU's ASID only */
	TLB_FLUSH_ALL,       /* every ASID on this CPU */
};

/* Per host CPU. ASID 0 is the host's; guests get 1 .. nr_asids-1. */
struct tlb_asid_cpu {
	uint64_t generation;   /* 0 until the first allocation */
	uint32_t next_asid;    /* next one to hand out in this generation */
	uint32_t nr_asids;     /* as the CPU reports it (at least 2 used) */
	bool flush_by_asid;    /* the CPU can flush one ASID alone */
};

/* Per vCPU: the ASID it holds and where it got it. */
struct tlb_asid_vcpu {
	uint64_t generation;   /* of last_cpu when the ASID was given; 0: none */
	uint32_t asid;
	unsigned int last_cpu; /* host CPU of the last entry; ~0u: never ran */
};

struct tlb_entry {
	enum tlb_flush flush;
	bool new_asid;         /* v->asid changed: the entry must load it */
};

void tlb_asid_cpu_init(struct tlb_asid_cpu *c, uint32_t nr_asids,
		       bool flush_by_asid);
void tlb_asid_vcpu_init(struct tlb_asid_vcpu *v);

/*
 * vCPU v enters on host CPU 'cpu' whose allocator is c; flush_pending: a
 * flush was requested for v since its last entry (consumed by the
 * caller). Updates c and v; v->asid is the ASID to run with.
 */
struct tlb_entry tlb_policy_vm_entry(struct tlb_asid_cpu *c,
				     struct tlb_asid_vcpu *v, unsigned int cpu,
				     bool flush_pending);

#endif /* BASALT_TLB_POLICY_H */
