// SPDX-License-Identifier: MIT
/*
 * TSC agreement between host CPUs. Basalt's clock (now_ns) and every
 * guest's PV clock read the TSC of whichever CPU runs them, so the TSCs
 * must agree: measure each CPU against the boot CPU by ping-pong and
 * report the offset with its uncertainty.
 */
#include <asm/cpu.h>
#include <asm/setup.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/ipi.h>
#include <basalt/time.h>

#define ROUNDS 5

static volatile uint32_t turn;     /* 1: the other CPU's turn, 2: ours */
static volatile uint64_t their_tsc;

static void answer(void *unused)
{
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1)
			cpu_relax();
		their_tsc = rdtsc();
		__atomic_store_n(&turn, 2, __ATOMIC_RELEASE);
	}
}

void tsc_check_sync(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask) {
		cpumask_t one = { 0 };
		int64_t best_off = 0;
		uint64_t best_err = ~0ull;

		if (cpu == this_cpu()->id)
			continue;
		cpumask_set(&one, cpu);
		turn = 0;
		smp_call_function(&one, answer, NULL, false);
		for (int i = 0; i < ROUNDS; i++) {
			uint64_t t0 = rdtsc(), t2;

			__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
			while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 2)
				cpu_relax();
			t2 = rdtsc();
			/* Their reading lies between t0 and t2 of ours. */
			if ((t2 - t0) / 2 < best_err) {
				best_err = (t2 - t0) / 2;
				best_off = (int64_t)(their_tsc - (t0 + (t2 - t0) / 2));
			}
		}
		pr_info("TSC: CPU%u is %lld cycles from CPU%u (+/- %llu)\n", cpu,
			(long long)best_off, this_cpu()->id,
			(unsigned long long)best_err);
	}
}
