/* SPDX-License-Identifier: MIT */
/* The local APIC in xAPIC (MMIO) mode: IPIs, EOI and the one-shot timer. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI   0x400
#define APIC_DM_INIT  0x500
#define APIC_DM_SIPI  0x600
#define APIC_LEVEL_ASSERT (1u << 14)
#define APIC_TRIG_LEVEL   (1u << 15)
#define APIC_DEST_SELF        (1u << 18)
#define APIC_DEST_ALL         (2u << 18)
#define APIC_DEST_ALL_BUT_SELF (3u << 18)

void apic_init_boot(uint64_t madt_address);
void apic_init_cpu(void);
uint32_t apic_read_id(void);
void apic_eoi(void);
/* Send an IPI; dest is an APIC id, ignored with a shorthand in icr. */
void apic_send_ipi(uint32_t dest, uint32_t icr);
/* Wait for the previous IPI to be accepted; false on timeout. */
bool apic_wait_idle(void);
/* Start the timer counting down from 0xffffffff (for calibration). */
void apic_timer_start_free_running(void);
uint32_t apic_timer_current(void);
void apic_timer_set_frequency(uint64_t hz);
uint64_t apic_timer_frequency(void);

#endif /* ASM_APIC_H */
