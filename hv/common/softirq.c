// SPDX-License-Identifier: MIT
/* Softirqs: per-CPU deferred work raised from interrupt context. */
#include <basalt/softirq.h>
#include <basalt/cpu.h>
#include <basalt/assert.h>
#include <basalt/ipi.h>
#include <asm/cpu.h>

static void (*handlers[NR_SOFTIRQS])(void);

void softirq_register(enum softirq nr, void (*fn)(void))
{
	ASSERT(nr < NR_SOFTIRQS && !handlers[nr]);
	handlers[nr] = fn;
}

void softirq_raise(enum softirq nr)
{
	__atomic_fetch_or(&this_cpu()->softirq_pending, 1ull << nr,
			  __ATOMIC_SEQ_CST);
}

void softirq_raise_on(unsigned int cpu, enum softirq nr)
{
	struct cpu *c = cpu_table[cpu];

	__atomic_fetch_or(&c->softirq_pending, 1ull << nr, __ATOMIC_SEQ_CST);
	/* The target may be halted: the IPI wakes it to run the work. */
	if (c != this_cpu())
		ipi_send_wakeup(cpu);
}

bool softirq_pending(void)
{
	return __atomic_load_n(&this_cpu()->softirq_pending, __ATOMIC_SEQ_CST);
}

void do_softirq(void)
{
	struct cpu *c = this_cpu();
	uint64_t pending;

	ASSERT(local_irq_is_enabled());
	while ((pending = __atomic_exchange_n(&c->softirq_pending, 0,
					      __ATOMIC_SEQ_CST))) {
		for (unsigned int i = 0; i < NR_SOFTIRQS; i++)
			if ((pending & (1ull << i)) && handlers[i])
				handlers[i]();
	}
}
