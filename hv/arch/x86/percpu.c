// SPDX-License-Identifier: MIT
/*
 * Per-CPU areas and their descriptor tables: each CPU has its own GDT and
 * TSS (with IST stacks for NMI, double fault and machine check), and finds
 * its struct cpu through the GS base.
 */
#include <asm/setup.h>
#include <asm/cpu.h>
#include <asm/traps.h>
#include <basalt/cpu.h>
#include <basalt/mm.h>
#include <basalt/panic.h>
#include <basalt/lib/string.h>

struct cpu *cpu_table[NR_CPUS];
cpumask_t cpu_online_mask;
unsigned int nr_cpus_online;

static struct cpu boot_cpu __aligned(64);
static uint8_t boot_ist_stacks[NR_IST][IST_STACK_SIZE] __aligned(16);
extern char boot_stack_top[];

static void gdt_fill(struct cpu *c)
{
	uint64_t tss = (uint64_t)(uintptr_t)&c->arch.tss;
	uint64_t limit = sizeof(c->arch.tss) - 1;

	c->arch.gdt[0] = 0;
	c->arch.gdt[1] = 0x00af9a000000ffffull; /* 64-bit code */
	c->arch.gdt[2] = 0x00cf92000000ffffull; /* data */
	/* 16-byte available 64-bit TSS descriptor */
	c->arch.gdt[3] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
			 (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
			 (((tss >> 24) & 0xff) << 56);
	c->arch.gdt[4] = tss >> 32;
	memset(&c->arch.tss, 0, sizeof(c->arch.tss));
	for (unsigned int i = 0; i < NR_IST; i++)
		c->arch.tss.ist[i] = (uint64_t)(uintptr_t)(c->arch.ist_stack[i] +
							   IST_STACK_SIZE);
	c->arch.tss.iomap_base = sizeof(c->arch.tss); /* no I/O bitmap */
}

struct cpu *percpu_boot_cpu(void)
{
	struct cpu *c = &boot_cpu;

	c->self = c;
	c->id = 0;
	/* head.S gives the boot CPU a STACK_SIZE stack ending here */
	c->arch.stack = (uint8_t *)((uintptr_t)boot_stack_top - STACK_SIZE);
	for (unsigned int i = 0; i < NR_IST; i++)
		c->arch.ist_stack[i] = boot_ist_stacks[i];
	cpu_table[0] = c;
	/* GS points here before anything else runs, so printk works. */
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	return c;
}

struct cpu *percpu_alloc(unsigned int id, uint32_t apic_id)
{
	struct cpu *c = xzalloc_obj(struct cpu);

	if (!c)
		return NULL;
	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	c->arch.stack = alloc_pages(2); /* 16 KiB */
	for (unsigned int i = 0; i < NR_IST; i++)
		c->arch.ist_stack[i] = alloc_pages(1);
	if (!c->arch.stack || !c->arch.ist_stack[0] || !c->arch.ist_stack[1] ||
	    !c->arch.ist_stack[2]) {
		/* Boot-time only: running out here is fatal anyway. */
		panic("out of memory for CPU %u's stacks", id);
	}
	cpu_table[id] = c;
	return c;
}

void percpu_load(struct cpu *c)
{
	struct __packed { uint16_t limit; uint64_t base; } gdtr = {
		sizeof(c->arch.gdt) - 1, (uint64_t)(uintptr_t)c->arch.gdt
	};

	gdt_fill(c);
	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:: "m"(gdtr), "i"((uint64_t)SEL_CODE64), "i"(SEL_DATA)
		: "rax", "memory");
	/* Loading GS zeroed its base: set it again. */
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	__asm__ __volatile__("ltr %w0" :: "r"(SEL_TSS));
	idt_load();
}
