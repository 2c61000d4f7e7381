/* SPDX-License-Identifier: MIT */
/*
 * Host CPUs: the per-CPU area each one owns (reached with this_cpu()),
 * and the set of CPUs online.
 */
#ifndef BASALT_CPU_H
#define BASALT_CPU_H

#include <basalt/cpumask.h>
#include <basalt/spinlock.h>
#include <basalt/timer.h>
#include <asm/cpu_arch.h>
#include <stdint.h>

#define CONSOLE_LINE_MAX 256

struct vcpu;

struct cpu {
	struct cpu *self;         /* must stay first: %gs:0 */
	unsigned int id;          /* logical id, 0 = boot CPU */
	uint32_t apic_id;
	volatile bool online;
	uint64_t softirq_pending; /* bit per enum softirq, atomic */
	struct timer_queue timers;

	/* console: a line is built here and printed whole */
	char line[CONSOLE_LINE_MAX];
	unsigned int line_len;
	int line_level;
	uint64_t line_start_ns;

	/* scheduling: the vCPU running here; runq_lock guards this CPU's
	 * scheduling state (the policy's queue, current_vcpu) */
	struct vcpu *current_vcpu;
	spinlock_t runq_lock;
	struct timer slice_timer;
	uint64_t idle_ns, idle_start_ns;

	/* statistics */
	uint64_t irqs;
	uint64_t halts;

	struct cpu_arch arch;
};

extern struct cpu *cpu_table[NR_CPUS];
extern cpumask_t cpu_online_mask;
extern unsigned int nr_cpus_online;

#define this_cpu() arch_this_cpu()

#endif /* BASALT_CPU_H */
