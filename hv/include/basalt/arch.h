/* SPDX-License-Identifier: MIT */
/*
 * What common code asks of the architecture: the whole contract between
 * hv/common and hv/arch, in one place.
 */
#ifndef BASALT_ARCH_H
#define BASALT_ARCH_H

#include <basalt/compiler.h>
#include <basalt/cpumask.h>
#include <stdint.h>

/* Fire the local timer interrupt at deadline (ns); 0 disarms it. */
void arch_timer_program(uint64_t deadline_ns);

enum ipi_kind {
	IPI_WAKEUP,     /* leave HLT, run softirqs */
	IPI_CALL_FUNC,  /* run the pending cross-CPU call */
};
void arch_send_ipi_mask(const cpumask_t *mask, enum ipi_kind kind);
/* NMI to every other CPU: used to stop them on panic or power-off. */
void arch_send_nmi_others(void);

/* Halt this CPU forever with interrupts off. */
__noreturn void arch_halt_forever(void);

/* Print the call chain from the caller's frame (or regs if non-NULL). */
struct cpu_regs;
void arch_dump_stack(const struct cpu_regs *regs);
void arch_dump_regs(const struct cpu_regs *regs);

__noreturn void machine_power_off(void);
__noreturn void machine_restart(void);
/* Reset now: no message, other CPUs already stopped (panic path). */
__noreturn void arch_reset(void);

/* VCPUOP_initialise: check the guest's register state (Xen's struct
 * vcpu_hvm_context) and load it into vCPU v, which is down; 0 or Xen's
 * error (-EINVAL). */
struct vcpu;
struct vcpu_hvm_context;
int arch_vcpu_set_hvm_context(struct vcpu *v, const struct vcpu_hvm_context *ctx);

#endif /* BASALT_ARCH_H */
