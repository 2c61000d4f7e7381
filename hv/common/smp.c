// SPDX-License-Identifier: MIT
/*
 * Cross-CPU function calls and TLB shootdowns. One call
 * is in flight at a time (the lock serialises callers); targets run it in
 * interrupt context and clear their bit in the pending mask.
 */
#include <basalt/ipi.h>
#include <basalt/arch.h>
#include <basalt/assert.h>
#include <basalt/cpu.h>
#include <basalt/softirq.h>
#include <basalt/spinlock.h>
#include <asm/cpu.h>

static DEFINE_SPINLOCK(call_lock);
static struct {
	void (*fn)(void *data);
	void *data;
	bool wait;
	cpumask_t pending;   /* CPUs that have not finished yet */
} call;

void ipi_send_wakeup(unsigned int cpu)
{
	cpumask_t m;

	cpumask_clear(&m);
	cpumask_set(&m, cpu);
	arch_send_ipi_mask(&m, IPI_WAKEUP);
}

void smp_call_function(const cpumask_t *mask, void (*fn)(void *data),
		       void *data, bool wait)
{
	cpumask_t targets;
	unsigned int self = this_cpu()->id;

	/* Waiting with interrupts off could deadlock against a CPU that is
	 * itself waiting for us to answer its call. */
	ASSERT(local_irq_is_enabled());
	cpumask_clear(&targets);
	for (unsigned int i = 0; i < NR_CPUS / 64; i++)
		targets.bits[i] = mask->bits[i] & cpu_online_mask.bits[i];
	cpumask_unset(&targets, self);
	if (cpumask_empty(&targets))
		return;

	spin_lock(&call_lock);
	call.fn = fn;
	call.data = data;
	call.wait = wait;
	call.pending = targets;
	/* The IPI is sent after the stores above are visible (the lock
	 * acquisition and the APIC write are ordered on x86). */
	arch_send_ipi_mask(&targets, IPI_CALL_FUNC);
	/* Even without wait, the shared slot must be consumed before reuse. */
	while (!cpumask_empty(&call.pending))
		cpu_relax();
	spin_unlock(&call_lock);
}

/* IPI_CALL_FUNC handler (interrupt context). */
void smp_call_function_interrupt(void);
void smp_call_function_interrupt(void)
{
	unsigned int self = this_cpu()->id;
	void (*fn)(void *) = call.fn;
	void *data = call.data;

	if (!cpumask_test(&call.pending, self))
		return;
	if (!call.wait)
		cpumask_unset(&call.pending, self);
	fn(data);
	if (call.wait)
		cpumask_unset(&call.pending, self);
}

static void flush_local(void *unused)
{
	flush_tlb_local();
}

void flush_tlb_mask(const cpumask_t *mask)
{
	if (cpumask_test(mask, this_cpu()->id))
		flush_tlb_local();
	if (local_irq_is_enabled())
		smp_call_function(mask, flush_local, NULL, true);
	else
		ASSERT(nr_cpus_online == 1);
}

volatile bool cpus_stop_requested;

void smp_stop_others(void)
{
	cpus_stop_requested = true;
	arch_send_nmi_others();
}
