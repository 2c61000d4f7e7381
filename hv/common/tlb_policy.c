// SPDX-License-Identifier: MIT
/*
 * The rules of docs/COHERENCE.md as code: what a p2m change requires of
 * vCPUs and host CPUs, and the per-CPU ASID allocator consulted at every
 * VM entry. Pure: the callers own the state and do the flushing.
 */
#include <basalt/tlb_policy.h>

enum tlb_cpu_action tlb_policy_cpu(enum tlb_p2m_change change, bool dirty,
				   bool self)
{
	switch (change) {
	case TLB_P2M_NEW:
		/* Not-present entries are never cached: the next access walks
		 * the table and finds the new leaf. */
	case TLB_P2M_WIDEN:
		/* A cached narrower entry only causes a nested page fault,
		 * and a fault makes the hardware drop the entry and walk. */
	case TLB_P2M_TABLE_FREED:
		/* Nothing runs the domain again, and its vCPUs' ASIDs are
		 * never handed out again before that CPU flushes everything
		 * (new generation). */
		return TLB_CPU_NONE;
	case TLB_P2M_NARROW:
	case TLB_P2M_REMOVE:
		if (!dirty)
			return TLB_CPU_NONE;   /* never held the old entry */
		/* The changing CPU is in the hypervisor, not in the guest:
		 * it flushes before it enters again. Another CPU may be in
		 * guest mode using the old entry right now. */
		return self ? TLB_CPU_NEXT_ENTRY : TLB_CPU_IPI_WAIT;
	}
	return TLB_CPU_IPI_WAIT; /* unknown change: the safe answer */
}

bool tlb_policy_flush_vcpus(enum tlb_p2m_change change)
{
	/* vCPUs not running now may still hold the old entry under their
	 * ASID on the CPU they last ran on, and return there. */
	return change == TLB_P2M_NARROW || change == TLB_P2M_REMOVE ||
	       change > TLB_P2M_TABLE_FREED;
}

unsigned int tlb_policy_ipi_set(enum tlb_p2m_change change,
				const uint64_t *dirty, uint64_t *ipi,
				unsigned int nwords, unsigned int self)
{
	unsigned int n = 0;

	for (unsigned int w = 0; w < nwords; w++) {
		ipi[w] = 0;
		for (unsigned int b = 0; b < 64; b++) {
			unsigned int cpu = w * 64 + b;
			bool d = dirty[w] & (1ull << b);

			if (tlb_policy_cpu(change, d, cpu == self) ==
			    TLB_CPU_IPI_WAIT) {
				ipi[w] |= 1ull << b;
				n++;
			}
		}
	}
	return n;
}

void tlb_asid_cpu_init(struct tlb_asid_cpu *c, uint32_t nr_asids,
		       bool flush_by_asid)
{
	c->generation = 0;
	c->nr_asids = nr_asids < 2 ? 2 : nr_asids;
	/* Start exhausted: the first entry opens generation 1 with a full
	 * flush, so nothing cached before Basalt ran can be hit. */
	c->next_asid = c->nr_asids;
	c->flush_by_asid = flush_by_asid;
}

void tlb_asid_vcpu_init(struct tlb_asid_vcpu *v)
{
	v->generation = 0;
	v->asid = 0;
	v->last_cpu = ~0u;
}

struct tlb_entry tlb_policy_vm_entry(struct tlb_asid_cpu *c,
				     struct tlb_asid_vcpu *v, unsigned int cpu,
				     bool flush_pending)
{
	struct tlb_entry r = { TLB_FLUSH_NONE, false };
	/*
	 * The ASID is only good on the CPU and in the generation it came
	 * from. After a migration, entries this vCPU left here earlier may
	 * be stale (the guest changed its page tables and flushed on the
	 * other CPU): a fresh ASID has none.
	 */
	bool need_new = v->generation == 0 || v->generation != c->generation ||
			v->last_cpu != cpu;

	if (flush_pending && !need_new) {
		if (c->flush_by_asid)
			r.flush = TLB_FLUSH_ASID;
		else
			need_new = true; /* a fresh ASID is a flush of one ASID */
	}
	if (need_new) {
		if (c->next_asid >= c->nr_asids) {
			/* Out of ASIDs: a new generation reuses them all, so
			 * every ASID's entries go. vCPUs holding an ASID of
			 * the old generation take a new one when they enter. */
			c->generation++;
			if (c->generation == 0)
				c->generation = 1; /* 0 means "none" */
			c->next_asid = 1;
			r.flush = TLB_FLUSH_ALL;
		}
		v->asid = c->next_asid++;
		v->generation = c->generation;
		r.new_asid = true;
	}
	v->last_cpu = cpu;
	return r;
}
