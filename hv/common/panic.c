// SPDX-License-Identifier: MIT
/*
 * panic(): the one way out when the hypervisor cannot go on. Stops every
 * other CPU, prints the reason and a call trace, and reboots (or halts
 * with "noreboot"). The last console line is always "Basalt panic: ...".
 */
#include <basalt/panic.h>
#include <basalt/arch.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/ipi.h>
#include <basalt/options.h>
#include <basalt/time.h>
#include <basalt/lib/format.h>
#include <asm/cpu.h>

volatile bool panic_in_progress;
static int panic_owner = -1;

void panic(const char *fmt, ...)
{
	char reason[200];
	va_list ap;
	int self;

	local_irq_disable();
	self = (int)this_cpu()->id;
	/* Only the first CPU to panic reports; a second one just stops. */
	if (!__atomic_compare_exchange_n(&panic_owner, &(int){ -1 }, self, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (panic_owner != self)
			arch_halt_forever();
		/* Panic while panicking on this CPU: keep it short. */
		printk(LOG_ALWAYS, "Basalt panic: recursive panic\n");
		arch_halt_forever();
	}
	panic_in_progress = true;
	smp_stop_others();
	console_force_unlock();

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);

	printk(LOG_ALWAYS, "****************************************\n");
	printk(LOG_ALWAYS, "Panic on CPU %d: %s\n", self, reason);
	arch_dump_stack(NULL);
	printk(LOG_ALWAYS, "All CPUs stopped; %s.\n",
	       opt_noreboot ? "halting (noreboot)" : "rebooting");
	printk(LOG_ALWAYS, "****************************************\n");
	printk(LOG_ALWAYS, "Basalt panic: %s\n", reason);
	if (opt_noreboot)
		arch_halt_forever();
	mdelay(100);
	arch_reset();
}

void assert_failed(const char *expr, const char *file, int line)
{
	panic("Assertion '%s' failed at %s:%d", expr, file, line);
}
