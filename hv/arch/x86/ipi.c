// SPDX-License-Identifier: MIT
/* Inter-processor interrupts through the local APIC. */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/traps.h>
#include <basalt/arch.h>
#include <basalt/cpu.h>
#include <basalt/ipi.h>

void smp_call_function_interrupt(void);

static void wakeup_interrupt(struct cpu_regs *regs)
{
	/* Nothing to do: returning to the idle loop runs the softirqs. */
	apic_eoi();
}

static void call_interrupt(struct cpu_regs *regs)
{
	apic_eoi();
	smp_call_function_interrupt();
}

void arch_send_ipi_mask(const cpumask_t *mask, enum ipi_kind kind)
{
	uint32_t vector = kind == IPI_WAKEUP ? VEC_IPI_WAKEUP : VEC_IPI_CALL;
	unsigned int c;

	for_each_cpu(c, mask) {
		if (cpu_table[c] && cpu_table[c]->online)
			apic_send_ipi(cpu_table[c]->apic_id, APIC_DM_FIXED | vector);
	}
}

void arch_send_nmi_others(void)
{
	unsigned int c, self = this_cpu()->id;

	/* Not the all-but-self shorthand: a CPU that was never started
	 * (maxcpus=) would take the NMI in its reset state and crash. */
	for_each_cpu(c, &cpu_online_mask)
		if (c != self)
			apic_send_ipi(cpu_table[c]->apic_id, APIC_DM_NMI);
}

void arch_halt_forever(void)
{
	for (;;) {
		local_irq_disable();
		halt();
	}
}

void ipi_init(void)
{
	irq_register(VEC_IPI_WAKEUP, wakeup_interrupt);
	irq_register(VEC_IPI_CALL, call_interrupt);
}
