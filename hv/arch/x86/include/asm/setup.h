/* SPDX-License-Identifier: MIT */
/* x86 bring-up steps called from the boot sequence in setup.c. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <basalt/types.h>

struct cpu;
struct acpi_info;

/* Per-CPU area: the boot CPU's is static; others are allocated. */
struct cpu *percpu_boot_cpu(void);
struct cpu *percpu_alloc(unsigned int id, uint32_t apic_id);
/* Load this CPU's GDT, TSS, IDT and GS base. */
void percpu_load(struct cpu *c);

/* Calibrate the TSC and the APIC timer against the PIT. */
void tsc_calibrate(void);
/* Measure each CPU's TSC against this one's and log the offsets. */
void tsc_check_sync(void);

/* Start the application processors listed in the MADT. */
void smp_boot_cpus(const struct acpi_info *acpi, unsigned int max_cpus,
		   paddr_t trampoline);
extern const char trampoline_start[], trampoline_end[];

void power_init(const struct acpi_info *acpi);

#endif /* ASM_SETUP_H */
