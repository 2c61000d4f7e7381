/* SPDX-License-Identifier: MIT */
/*
 * Scheduling vCPUs on host CPUs. For now a preemptive round robin per
 * host CPU (each vCPU stays on the CPU it was given); the fair scheduler
 * with weights and caps replaces it behind the same calls.
 */
#ifndef BASALT_SCHED_H
#define BASALT_SCHED_H

#include <basalt/compiler.h>
#include <stdbool.h>

struct vcpu;

#define SCHED_SLICE_NS (10 * 1000 * 1000ull)

/* Put a new vCPU on a host CPU (runnable unless paused). */
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

/* The arch part: run the vCPU once (enter, exit, handle the exit). */
void arch_vcpu_run_once(struct vcpu *v);
/* Load v's register state that the hardware does not switch on entry
 * (FPU) before running it, and save it when it leaves the CPU. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_save(struct vcpu *v);

#endif /* BASALT_SCHED_H */
