/* SPDX-License-Identifier: MIT */
/*
 * The guest's local APIC. It starts in xAPIC mode, as on Xen (registers
 * in the MMIO page at 0xFEE00000, emulated), and the guest may switch it
 * to x2APIC mode (MSRs 0x800-0x8ff), as Linux does at once. It carries the
 * IPIs that do not go through event channels: self-IPIs, fixed IPIs
 * between vCPUs, NMI, INIT and STARTUP.
 */
#ifndef ASM_VLAPIC_H
#define ASM_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include <basalt/timer.h>

struct vcpu;

struct vlapic {
	uint64_t apic_base;
	uint32_t tpr, svr, ldr, esr;
	uint32_t lvt[7];        /* CMCI, timer, thermal, PMC, LINT0, LINT1, error */
	uint32_t timer_icr, timer_dcr;
	uint64_t timer_start_ns;     /* when the count was loaded */
	uint64_t timer_period_ns;    /* icr * divisor ticks of 1 ns */
	struct timer timer;
	uint64_t icr;
	uint32_t irr[8], isr[8];
	bool nmi_pending;
	bool init_pending;
};

void vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
/* x2APIC MSR access (0x800-0x8ff) and APIC_BASE; false: #GP. */
bool vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
#define VLAPIC_MMIO_BASE 0xfee00000ull
/* xAPIC MMIO access at offset (4-byte registers); false: not handled. */
bool vlapic_mmio_read(struct vcpu *v, uint32_t offset, uint32_t *val);
bool vlapic_mmio_write(struct vcpu *v, uint32_t offset, uint32_t val);
/* Is the xAPIC MMIO page live (enabled, not in x2APIC mode)? */
bool vlapic_mmio_enabled(struct vcpu *v);
/* Make vector pending in v's IRR and kick v. */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);
/* Highest vector that may be delivered now (above TPR and ISR), or -1. */
int vlapic_pending(struct vcpu *v);
/* The vector is being injected: IRR -> ISR. */
void vlapic_ack(struct vcpu *v, uint8_t vector);

#endif /* ASM_VLAPIC_H */
