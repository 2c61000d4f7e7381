// SPDX-License-Identifier: MIT
/*
 * Carrying out the p2m flush rules (tlb_policy.c) on host CPUs. Each CPU
 * counts its entries and exits: the count is odd while it is in guest
 * mode (or committed to entering). A CPU seen odd is interrupted and
 * waited for until the count moves; one seen even is in the hypervisor
 * and reads the vCPU's flush request before it enters again.
 */
#include <basalt/tlb_shootdown.h>
#include <basalt/arch.h>
#include <basalt/cpu.h>
#include <basalt/cpumask.h>
#include <basalt/domain.h>
#include <asm/cpu.h>
#include <asm/hvm.h>

/* One cache line per CPU: each is written by its CPU at every entry. */
static struct {
	uint32_t seq;
} __aligned(64) guest_mode[NR_CPUS];

void tlb_guest_enter(struct domain *d, unsigned int cpu)
{
	cpumask_t *dirty = &d->arch.tlb_dirty;

	/* The set only grows while d lives: checking first keeps the
	 * common case free of a locked write. */
	if (!cpumask_test(dirty, cpu))
		cpumask_set(dirty, cpu);
	/* Sequentially consistent (a full barrier on x86): ordered before
	 * the caller's read of the vCPU's flush request, as the changer's
	 * flush request is ordered before its read of this count. */
	__atomic_store_n(&guest_mode[cpu].seq, guest_mode[cpu].seq + 1,
			 __ATOMIC_SEQ_CST);
}

void tlb_guest_exit(unsigned int cpu)
{
	__atomic_store_n(&guest_mode[cpu].seq, guest_mode[cpu].seq + 1,
			 __ATOMIC_RELEASE);
}

void tlb_shootdown(struct domain *d, enum tlb_p2m_change change)
{
	unsigned int self = this_cpu()->id;
	uint32_t seen[NR_CPUS];
	cpumask_t dirty, ipi, kick;
	unsigned int cpu;

	/* 1. Every vCPU drops its guest TLB before it enters again, on
	 *    whichever CPU that is (the request is a sequentially
	 *    consistent store: ordered before the reads below). */
	if (tlb_policy_flush_vcpus(change))
		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			if (d->vcpus[i])
				hvm->flush_guest_tlb(d->vcpus[i]);
	/* 2. The CPUs that may be in guest mode with the old entry (read
	 *    after the requests, see tlb_guest_enter). */
	for (unsigned int w = 0; w < NR_CPUS / 64; w++)
		dirty.bits[w] = __atomic_load_n(&d->arch.tlb_dirty.bits[w],
						__ATOMIC_SEQ_CST);
	if (!tlb_policy_ipi_set(change, dirty.bits, ipi.bits, NR_CPUS / 64,
				self))
		return;
	cpumask_clear(&kick);
	for_each_cpu(cpu, &ipi) {
		seen[cpu] = __atomic_load_n(&guest_mode[cpu].seq,
					    __ATOMIC_SEQ_CST);
		if (seen[cpu] & 1)
			cpumask_set(&kick, cpu);
	}
	if (cpumask_empty(&kick))
		return;
	/* 3. Any interrupt ends guest mode; the wake-up needs no answer. */
	arch_send_ipi_mask(&kick, IPI_WAKEUP);
	for_each_cpu(cpu, &kick)
		while (__atomic_load_n(&guest_mode[cpu].seq, __ATOMIC_ACQUIRE) ==
		       seen[cpu])
			cpu_relax();
}
