// SPDX-License-Identifier: MIT
/*
 * Bringing up the application processors: INIT-SIPI-SIPI through the
 * trampoline page below 1 MiB, one CPU at a time, each waiting for the
 * previous to report in.
 */
#include <asm/setup.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/paging.h>
#include <basalt/acpi.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/lib/string.h>
#include <basalt/panic.h>
#include <basalt/sched.h>
#include <asm/hvm.h>
#include <basalt/time.h>

struct trampoline_params {
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t pad0;
	uint32_t pm_offset;
	uint16_t pm_sel;
	uint16_t pad1;
	uint32_t lm_offset;
	uint16_t lm_sel;
	uint16_t pad2;
	uint32_t cr3;
	uint32_t efer;
	uint64_t stack;
	uint64_t cpu;
	uint64_t entry;
	uint32_t off_gdt, off_pm, off_lm, off_params;
} __packed;

BUILD_BUG_ON(sizeof(struct trampoline_params) != 72);

extern const char tramp_params[];

static volatile bool ap_alive;

/* First C code on an application processor, on its own stack. */
__noreturn static void ap_start(struct cpu *c)
{
	percpu_load(c);
	apic_init_cpu();
	timer_queue_init(c->id);
	sched_init_cpu(c->id);
	hvm_cpu_up();
	c->online = true;
	cpumask_set(&cpu_online_mask, c->id);
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	/* Release pairs with the acquire load in start_one(). */
	__atomic_store_n(&ap_alive, true, __ATOMIC_RELEASE);
	sched_loop();
}

static bool start_one(struct cpu *c, paddr_t trampoline)
{
	struct trampoline_params *p;
	size_t off = (size_t)(tramp_params - trampoline_start);
	uint32_t vector = (uint32_t)(trampoline >> 12);
	uint64_t deadline;

	memcpy(phys_to_virt(trampoline), trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	p = (struct trampoline_params *)((char *)phys_to_virt(trampoline) + off);
	p->gdt_base = (uint32_t)(trampoline + p->off_gdt);
	p->pm_offset = (uint32_t)(trampoline + p->off_pm);
	p->lm_offset = (uint32_t)(trampoline + p->off_lm);
	p->cr3 = (uint32_t)paging_root();
	p->efer = (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
	p->stack = (uint64_t)(uintptr_t)(c->arch.stack + STACK_SIZE);
	p->cpu = (uint64_t)(uintptr_t)c;
	p->entry = (uint64_t)(uintptr_t)ap_start;

	ap_alive = false;
	/* The universal start-up algorithm (SDM 8.4.4.1). */
	apic_send_ipi(c->apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
	mdelay(10);
	for (int i = 0; i < 2; i++) {
		apic_send_ipi(c->apic_id, APIC_DM_SIPI | vector);
		udelay(200);
	}
	/* Under emulation a new CPU can take a while: allow a second. */
	deadline = now_ns() + NSEC_PER_SEC;
	while (!__atomic_load_n(&ap_alive, __ATOMIC_ACQUIRE)) {
		if (now_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

void __init smp_boot_cpus(const struct acpi_info *acpi, unsigned int max_cpus,
			  paddr_t trampoline)
{
	uint32_t self = apic_read_id();
	unsigned int next_id = 1;
	unsigned int skipped = 0;

	BUG_ON(trampoline >= 0x100000 || (trampoline & 0xfff) ||
	       (size_t)(trampoline_end - trampoline_start) > PAGE_SIZE);
	for (unsigned int i = 0; i < acpi->ncpus; i++) {
		const struct acpi_cpu *ac = &acpi->cpus[i];
		struct cpu *c;

		if (!ac->enabled || ac->apic_id == self)
			continue;
		if (next_id >= max_cpus || next_id >= NR_CPUS) {
			skipped++;
			continue;
		}
		c = percpu_alloc(next_id, ac->apic_id);
		if (!start_one(c, trampoline)) {
			pr_err("CPU with APIC ID %u did not start: left offline\n",
			       ac->apic_id);
			continue;
		}
		next_id++;
	}
	if (skipped)
		pr_info("SMP: %u CPU(s) not started (maxcpus=%u)\n", skipped,
			max_cpus);
	/* The trampoline is not needed until a CPU is started again. */
	paging_set_range(trampoline, trampoline + PAGE_SIZE, 0);
}
