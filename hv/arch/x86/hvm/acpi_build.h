/* SPDX-License-Identifier: MIT */
/* The guest's ACPI tables and the I/O ports they name (trapped). */
#ifndef HVM_ACPI_BUILD_H
#define HVM_ACPI_BUILD_H

#include <stdint.h>

struct domain;

#define ACPI_AREA_SIZE          0x800
#define ACPI_SLEEP_CONTROL_PORT 0x4000
#define ACPI_SLEEP_STATUS_PORT  0x4001
#define ACPI_RESET_PORT         0x4004
#define ACPI_RESET_VALUE        1
#define ACPI_S5_SLP_TYP         5
#define ACPI_SLP_EN             (1u << 5)

/* Write the tables at guest-physical base (ACPI_AREA_SIZE bytes) and
 * return the RSDP's address. */
int acpi_build_tables(struct domain *d, uint64_t base, uint64_t *rsdp_gpa);

#endif /* HVM_ACPI_BUILD_H */
