/* SPDX-License-Identifier: MIT */
/*
 * The interface between the scheduler core (sched.c: states, locking,
 * the per-CPU loop, accounting) and a scheduling policy (which vCPU runs
 * next, where a waking vCPU goes, for how long). A policy is a const
 * table of these operations; sched_credit.c is the one Basalt has.
 *
 * Locking: every vCPU belongs to one host CPU at a time (v->processor),
 * and that CPU's runq_lock protects the vCPU's place in the policy's
 * queues. Operations marked "locked" are called with the lock of the
 * CPU named held, interrupts off. A policy moves a vCPU to another CPU
 * only through sched_migrate_locked(), with both CPUs' locks held (the
 * second one only ever taken with spin_trylock, so there is no order).
 */
#ifndef BASALT_SCHED_IF_H
#define BASALT_SCHED_IF_H

#include <basalt/cpumask.h>
#include <stdbool.h>
#include <stdint.h>

struct cpu;
struct domain;
struct vcpu;

struct sched_ops {
	const char *name;
	/* Per-CPU, per-domain and per-vCPU private data (not locked). */
	int (*init_cpu)(unsigned int cpu);
	int (*init_domain)(struct domain *d);
	void (*destroy_domain)(struct domain *d);
	int (*init_vcpu)(struct vcpu *v);
	void (*destroy_vcpu)(struct vcpu *v);
	/* v became runnable and is neither queued nor running (locked: v's
	 * CPU). The policy queues it, possibly on another CPU; returns the
	 * CPU that must reschedule (-1: none). */
	int (*wake)(struct vcpu *v, uint64_t now);
	/* v stops being runnable while queued (locked: v's CPU). */
	void (*sleep)(struct vcpu *v);
	/* The next vCPU for cpu, taken off the queue, and how long it may
	 * run; NULL: idle (locked: cpu; may try other CPUs' locks to pull
	 * work). */
	struct vcpu *(*pick)(unsigned int cpu, uint64_t now, uint64_t *slice_ns);
	/* v ran for ran_ns and left its CPU; requeue if still runnable
	 * (locked: v's CPU). */
	void (*put)(struct vcpu *v, uint64_t ran_ns, bool runnable, uint64_t now);
	/* Domain parameters (weight, cap as in xl.cfg); -EINVAL if bad. */
	int (*set_params)(struct domain *d, unsigned int weight, unsigned int cap);
	void (*dump_cpu)(unsigned int cpu);
	void (*dump_domain)(struct domain *d);
};

extern const struct sched_ops sched_credit_ops;

/* For policies. */
bool sched_vcpu_runnable(const struct vcpu *v);
/* Both CPUs locked: v now belongs to to (its timers follow lazily). */
void sched_migrate_locked(struct vcpu *v, unsigned int to);
/* Ask cpu to pick again (IPI if it is another CPU). */
void sched_kick_cpu(unsigned int cpu);
/* True if cpu runs no vCPU right now. */
bool sched_cpu_idle(unsigned int cpu);

#endif /* BASALT_SCHED_IF_H */
