// SPDX-License-Identifier: MIT
/*
 * Register dumps and call traces for fatal errors. The trace follows the
 * frame-pointer chain (the hypervisor is built with frame pointers) and
 * stops at the first frame outside this CPU's stacks.
 */
#include <asm/cpu.h>
#include <asm/regs.h>
#include <basalt/arch.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/symbols.h>

#define MAX_FRAMES 32

static bool on_cpu_stack(const struct cpu *c, uint64_t p, uint64_t len)
{
	uint64_t s = (uint64_t)(uintptr_t)c->arch.stack;

	if (p >= s && p + len <= s + STACK_SIZE)
		return true;
	for (unsigned int i = 0; i < NR_IST; i++) {
		s = (uint64_t)(uintptr_t)c->arch.ist_stack[i];
		if (p >= s && p + len <= s + IST_STACK_SIZE)
			return true;
	}
	return false;
}

/* A return address may point just past the end of a function that ends
 * with a call (noreturn callees): look up the call instruction instead. */
static void print_address(uint64_t addr, bool is_return)
{
	uint64_t off;
	const char *name = symbols_lookup(addr - (is_return ? 1 : 0), &off);

	if (name && is_return)
		off++;
	if (name)
		printk(LOG_ALWAYS, "  [<%016llx>] %s+%#llx\n",
		       (unsigned long long)addr, name, (unsigned long long)off);
	else
		printk(LOG_ALWAYS, "  [<%016llx>] ?\n", (unsigned long long)addr);
}

void arch_dump_regs(const struct cpu_regs *r)
{
	printk(LOG_ALWAYS, "RIP: %04llx:%016llx RFLAGS: %016llx\n",
	       (unsigned long long)r->cs, (unsigned long long)r->rip,
	       (unsigned long long)r->rflags);
	printk(LOG_ALWAYS, "RAX: %016llx RBX: %016llx RCX: %016llx\n",
	       (unsigned long long)r->rax, (unsigned long long)r->rbx,
	       (unsigned long long)r->rcx);
	printk(LOG_ALWAYS, "RDX: %016llx RSI: %016llx RDI: %016llx\n",
	       (unsigned long long)r->rdx, (unsigned long long)r->rsi,
	       (unsigned long long)r->rdi);
	printk(LOG_ALWAYS, "RBP: %016llx RSP: %016llx R8:  %016llx\n",
	       (unsigned long long)r->rbp, (unsigned long long)r->rsp,
	       (unsigned long long)r->r8);
	printk(LOG_ALWAYS, "R9:  %016llx R10: %016llx R11: %016llx\n",
	       (unsigned long long)r->r9, (unsigned long long)r->r10,
	       (unsigned long long)r->r11);
	printk(LOG_ALWAYS, "R12: %016llx R13: %016llx R14: %016llx\n",
	       (unsigned long long)r->r12, (unsigned long long)r->r13,
	       (unsigned long long)r->r14);
	printk(LOG_ALWAYS, "R15: %016llx CR0: %016llx CR3: %016llx CR4: %016llx\n",
	       (unsigned long long)r->r15, (unsigned long long)read_cr0(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

void arch_dump_stack(const struct cpu_regs *regs)
{
	const struct cpu *c = this_cpu();
	uint64_t fp;

	printk(LOG_ALWAYS, "Call trace (CPU %u):\n", c->id);
	if (regs) {
		print_address(regs->rip, false);
		fp = regs->rbp;
	} else {
		fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	}
	for (int i = 0; i < MAX_FRAMES && fp && on_cpu_stack(c, fp, 16); i++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)fp;
		uint64_t next = frame[0];

		print_address(frame[1], true);
		if (next <= fp) /* frames must go up the stack */
			break;
		fp = next;
	}
}
