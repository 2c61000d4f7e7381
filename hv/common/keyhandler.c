// SPDX-License-Identifier: MIT
/*
 * Debug keys. Letters follow Xen where Xen has the key (h, m, a, t, r, R,
 * q, d); Basalt-only keys use letters Xen leaves free (O: power off).
 */
#include <basalt/keyhandler.h>
#include <basalt/arch.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/domain.h>
#include <basalt/sched.h>
#include <basalt/ipi.h>
#include <basalt/mm.h>
#include <basalt/spinlock.h>
#include <basalt/time.h>
#include <asm/cpu.h>

static struct {
	keyhandler_fn fn;
	const char *desc;
} keys[256];

void keyhandler_register(unsigned char key, keyhandler_fn fn, const char *desc)
{
	keys[key].fn = fn;
	keys[key].desc = desc;
}

void keyhandler_run(unsigned char key)
{
	if (keys[key].fn) {
		printk(LOG_ALWAYS, "'%c' pressed -> %s\n", key, keys[key].desc);
		keys[key].fn(key);
	}
}

static void key_help(unsigned char key)
{
	for (unsigned int k = 0; k < 256; k++)
		if (keys[k].fn)
			printk(LOG_ALWAYS, " key '%c' (ascii '%02x') => %s\n", k, k,
			       keys[k].desc);
}

static void key_memory(unsigned char key)
{
	mem_dump();
}

static void key_timers(unsigned char key)
{
	timers_dump();
}

static void key_time(unsigned char key)
{
	uint64_t ns = now_ns();

	printk(LOG_ALWAYS, "Time: %llu.%09llu s since boot, TSC %llu Hz, TSC now %llu\n",
	       (unsigned long long)(ns / NSEC_PER_SEC),
	       (unsigned long long)(ns % NSEC_PER_SEC),
	       (unsigned long long)time_tsc_hz(), (unsigned long long)rdtsc());
}

static void key_runqueues(unsigned char key)
{
	sched_dump();
}

static void key_domains(unsigned char key)
{
	domain_dump_all();
}

static void dump_this_cpu(void *unused)
{
	printk(LOG_ALWAYS, "CPU%u: RFLAGS %#llx\n", this_cpu()->id,
	       (unsigned long long)read_rflags());
	arch_dump_stack(NULL);
}

static void key_registers(unsigned char key)
{
	dump_this_cpu(NULL);
	smp_call_function(&cpu_online_mask, dump_this_cpu, NULL, true);
}

static void key_reboot(unsigned char key)
{
	machine_restart();
}

static void key_power_off(unsigned char key)
{
	machine_power_off();
}

#if CONFIG_TEST
/* Test builds only: deliberate faults that exercise the panic path and
 * show that the protections hold. */
static volatile int fault_sink;
static const uint8_t ret_insn[] = { 0xc3 }; /* in a read-only, NX page */
static DEFINE_SPINLOCK(test_lock);

static void key_fault(unsigned char key)
{
	volatile int *p;

	switch (key) {
	case 'X':
		__asm__ __volatile__("ud2");
		break;
	case 'Y':
		/* Page 0 is unmapped; hide the constant from the compiler. */
		__asm__("movl $8, %k0" : "=r"(p));
		fault_sink = *p;
		break;
	case 'W':
		/* Code is read-only (W^X). */
		p = (volatile int *)(uintptr_t)key_fault;
		*p = 0;
		break;
	case 'N':
		/* Data is not executable (W^X). */
		((void (*)(void))(uintptr_t)ret_insn)();
		break;
	case 'L':
		/* Lock debugging catches recursion. */
		spin_lock(&test_lock);
		spin_lock(&test_lock);
		break;
	}
}
#endif

void keyhandler_init(void)
{
	keyhandler_register('h', key_help, "show this help");
	keyhandler_register('m', key_memory, "dump memory info");
	keyhandler_register('a', key_timers, "dump timer queues");
	keyhandler_register('t', key_time, "display time");
	keyhandler_register('r', key_runqueues, "dump run queues");
	keyhandler_register('q', key_domains, "dump domain info");
	keyhandler_register('d', key_registers, "dump registers and call traces");
	keyhandler_register('R', key_reboot, "reboot machine");
	keyhandler_register('O', key_power_off, "power off machine (Basalt)");
#if CONFIG_TEST
	keyhandler_register('X', key_fault, "test: invalid opcode in the hypervisor");
	keyhandler_register('Y', key_fault, "test: page fault in the hypervisor");
	keyhandler_register('W', key_fault, "test: write to hypervisor code");
	keyhandler_register('N', key_fault, "test: execute hypervisor data");
	keyhandler_register('L', key_fault, "test: take a spinlock recursively");
#endif
}
