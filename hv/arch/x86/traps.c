// SPDX-License-Identifier: MIT
/*
 * The IDT and the first-level handler for every vector: exceptions in the
 * hypervisor are fatal and produce a full report; device and IPI vectors
 * go to their registered handler.
 */
#include <asm/traps.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/cpu_arch.h>
#include <basalt/arch.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/ipi.h>
#include <basalt/panic.h>

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;

static struct idt_gate idt[256] __aligned(16);
static irq_handler_fn irq_handlers[256];

extern const char interrupt_stub_base[];
#define STUB_SIZE 16

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved (15)",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)",
	"reserved (26)", "reserved (27)", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved (31)",
};

static void set_gate(unsigned int vec, uint8_t ist)
{
	uint64_t addr = (uint64_t)(uintptr_t)(interrupt_stub_base + vec * STUB_SIZE);
	struct idt_gate *g = &idt[vec];

	g->offset_lo = (uint16_t)addr;
	g->selector = SEL_CODE64;
	g->ist = ist;
	g->type_attr = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
	g->offset_mid = (uint16_t)(addr >> 16);
	g->offset_hi = (uint32_t)(addr >> 32);
	g->reserved = 0;
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, 0);
	/* Own stacks for events that can arrive with a bad stack pointer. */
	set_gate(2, IST_NMI);
	set_gate(8, IST_DF);
	set_gate(18, IST_MC);
}

void idt_load(void)
{
	struct __packed { uint16_t limit; uint64_t base; } d = {
		sizeof(idt) - 1, (uint64_t)(uintptr_t)idt
	};
	__asm__ __volatile__("lidt %0" :: "m"(d));
}

void irq_register(unsigned int vector, irq_handler_fn fn)
{
	irq_handlers[vector] = fn;
}

__noreturn static void fatal_exception(struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;

	console_force_unlock();
	printk(LOG_ALWAYS, "*** Fatal exception %u (%s) on CPU %u, error code %#llx\n",
	       vec, exception_names[vec], this_cpu()->id,
	       (unsigned long long)regs->error_code);
	if (vec == 14)
		printk(LOG_ALWAYS, "Faulting address (CR2): %#018llx\n",
		       (unsigned long long)read_cr2());
	arch_dump_regs(regs);
	arch_dump_stack(regs);
	panic("Fatal exception %s on CPU %u at %#llx", exception_names[vec],
	      this_cpu()->id, (unsigned long long)regs->rip);
}

static void nmi(struct cpu_regs *regs)
{
	/* A CPU that panics or powers off stops the others with an NMI. */
	if (panic_in_progress || cpus_stop_requested)
		arch_halt_forever();
	printk(LOG_WARNING, "NMI received on CPU %u, ignored\n", this_cpu()->id);
}

void trap_dispatch(struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;

	if (vec == 2) {
		nmi(regs);
		return;
	}
	if (vec < 32)
		fatal_exception(regs);
	this_cpu()->irqs++;
	if (irq_handlers[vec]) {
		irq_handlers[vec](regs);
		return;
	}
	if (vec >= VEC_PIC_BASE && vec < VEC_PIC_BASE + 16)
		return; /* spurious from the masked PICs: no EOI */
	printk(LOG_WARNING, "CPU %u: unexpected interrupt vector %#x\n",
	       this_cpu()->id, vec);
	apic_eoi();
}
