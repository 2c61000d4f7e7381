// SPDX-License-Identifier: MIT
/*
 * Local APIC, xAPIC mode (QEMU's TCG has no x2APIC): enabling it on each
 * CPU, IPIs, EOI, and the timer in one-shot mode behind
 * arch_timer_program().
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/traps.h>
#include <basalt/arch.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/softirq.h>
#include <basalt/time.h>

#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_ESR       0x280
#define APIC_ICR_LO    0x300
#define APIC_ICR_HI    0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0

#define APIC_BASE_ENABLE (1ull << 11)
#define SVR_ENABLE       (1u << 8)
#define LVT_MASKED       (1u << 16)
#define ICR_BUSY         (1u << 12)

static volatile uint8_t *apic_mmio;
static uint64_t apic_hz;
/* ticks = (ns * apic_mult) >> 24 */
static uint64_t apic_mult;

static uint32_t apic_read(uint32_t reg)
{
	return mmio_read32(apic_mmio + reg);
}

static void apic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(apic_mmio + reg, v);
}

uint32_t apic_read_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

bool apic_wait_idle(void)
{
	for (unsigned int i = 0; i < 1000000; i++) {
		if (!(apic_read(APIC_ICR_LO) & ICR_BUSY))
			return true;
		cpu_relax();
	}
	return false;
}

void apic_send_ipi(uint32_t dest, uint32_t icr)
{
	uint64_t flags = local_irq_save();

	apic_wait_idle();
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, icr);
	local_irq_restore(flags);
}

static void timer_interrupt(struct cpu_regs *regs)
{
	apic_eoi();
	softirq_raise(SOFTIRQ_TIMER);
}

static void error_interrupt(struct cpu_regs *regs)
{
	uint32_t esr;

	apic_write(APIC_ESR, 0);
	esr = apic_read(APIC_ESR);
	apic_eoi();
	printk(LOG_WARNING, "CPU %u: APIC error, ESR %#x\n", this_cpu()->id, esr);
}

static void spurious_interrupt(struct cpu_regs *regs)
{
	/* No EOI for the spurious vector (SDM 10.9). */
}

void apic_init_boot(uint64_t madt_address)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) & ~0xfffull & 0x000fffffffffffffull;

	if (madt_address && madt_address != base)
		pr_warn("APIC: MADT says %#llx, MSR says %#llx: using the MSR\n",
			(unsigned long long)madt_address, (unsigned long long)base);
	apic_mmio = map_mmio(base, 4096);
	irq_register(VEC_TIMER, timer_interrupt);
	irq_register(VEC_APIC_ERROR, error_interrupt);
	irq_register(VEC_SPURIOUS, spurious_interrupt);
}

void apic_init_cpu(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_LVT_LINT1, this_cpu()->id == 0 ? APIC_DM_NMI : LVT_MASKED);
	apic_write(APIC_LVT_ERROR, VEC_APIC_ERROR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_TIMER_DIV, 0xb); /* divide by 1 */
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	apic_write(APIC_TIMER_INIT, 0);
	apic_eoi();
}

void apic_timer_start_free_running(void)
{
	apic_write(APIC_TIMER_DIV, 0xb);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
}

uint32_t apic_timer_current(void)
{
	return apic_read(APIC_TIMER_CUR);
}

void apic_timer_set_frequency(uint64_t hz)
{
	apic_hz = hz;
	apic_mult = (hz << 24) / NSEC_PER_SEC;
	apic_write(APIC_TIMER_INIT, 0);
}

uint64_t apic_timer_frequency(void)
{
	return apic_hz;
}

void arch_timer_program(uint64_t deadline_ns)
{
	uint64_t now, delta, ticks;

	if (!deadline_ns) {
		apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
		apic_write(APIC_TIMER_INIT, 0);
		return;
	}
	now = now_ns();
	delta = deadline_ns > now ? deadline_ns - now : 0;
	ticks = (uint64_t)(((unsigned __int128)delta * apic_mult) >> 24);
	/* Too far out: fire at the maximum and re-arm from the softirq. */
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	if (ticks == 0)
		ticks = 1;
	apic_write(APIC_LVT_TIMER, VEC_TIMER); /* one-shot, unmasked */
	apic_write(APIC_TIMER_INIT, (uint32_t)ticks);
}
