/* SPDX-License-Identifier: MIT */
/*
 * Scheduling vCPUs on host CPUs: what the rest of the hypervisor calls.
 * The core (sched.c) keeps vCPU states and runs the per-CPU loop; the
 * policy behind it (basalt/sched_if.h) decides what runs where.
 */
#ifndef BASALT_SCHED_H
#define BASALT_SCHED_H

#include <basalt/compiler.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;
struct vcpu;

#define SCHED_SLICE_NS (10 * 1000 * 1000ull)

/* The policy's per-domain and per-vCPU data, made with the domain. */
int sched_init_domain(struct domain *d);
void sched_destroy_domain(struct domain *d);
int sched_init_vcpu(struct vcpu *v);
void sched_destroy_vcpu(struct vcpu *v);
/* Weight (1..65535) and cap (% of one CPU, 0: none), as in xl.cfg. */
int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap);
/* Put a new vCPU on a host CPU (the first one its affinity allows if not
 * cpu); it is queued if runnable. */
void sched_add_vcpu(struct vcpu *v, unsigned int cpu);
/* Take it off for good (its domain is dying); it is not running after
 * this returns on its own CPU, or at its next exit elsewhere. */
void sched_remove_vcpu(struct vcpu *v);
/* Make a blocked or paused vCPU runnable again. */
void sched_wake(struct vcpu *v);
/* Start a vCPU that is down (VCPUOP_up, INIT-SIPI): it becomes runnable.
 * Returns false if it was not down. The caller has set its registers. */
bool sched_vcpu_up(struct vcpu *v);
/* Take a vCPU down (VCPUOP_down): it stops at its next exit if running
 * elsewhere, and stays off its CPU until sched_vcpu_up. */
void sched_vcpu_down(struct vcpu *v);
/* The running vCPU blocks (HLT, SCHEDOP_block) until sched_wake. */
void sched_block(struct vcpu *v);
/* The running vCPU gives up the rest of its slice. */
void sched_yield(struct vcpu *v);
/* Per-CPU main loop: runs vCPUs, softirqs, and idles. */
__noreturn void sched_loop(void);
void sched_init_cpu(unsigned int cpu);
void sched_dump(void);
void sched_dump_domain(struct domain *d);
/* Xen's runstate of v (VCPUOP_get_runstate_info), brought up to now. */
struct vcpu_runstate_info;
void sched_get_runstate(struct vcpu *v, struct vcpu_runstate_info *out);
/* Write v's runstate into its registered area (runstate.c); the caller
 * holds v's run-queue lock or is running v. */
void runstate_publish(struct vcpu *v);
/* r in the guest's layout (64-bit: 48 bytes, 32-bit: 44); the length. */
size_t runstate_layout(const struct vcpu_runstate_info *r, bool compat,
		       uint8_t buf[48]);

/* The arch part: run the vCPU once (enter, exit, handle the exit). */
void arch_vcpu_run_once(struct vcpu *v);
/* Load v's register state that the hardware does not switch on entry
 * (FPU) before running it, and save it when it leaves the CPU. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_save(struct vcpu *v);
/* Move the arch's per-vCPU timers (the vLAPIC's) to cpu. */
void arch_vcpu_move_timers(struct vcpu *v, unsigned int cpu);
/* v has an interrupt or event it would take now (Xen's "local events
 * need delivery"): blocking must not sleep on it. */
bool arch_vcpu_events_deliverable(struct vcpu *v);

/* SCHEDOP_poll (sched_poll.c). */
void sched_poll_init(struct vcpu *v);
long sched_poll(struct vcpu *v, uint64_t arg, bool compat);
/* port of d became pending: end the polls waiting on it. */
void sched_poll_notify(struct domain *d, uint32_t port);

#endif /* BASALT_SCHED_H */
