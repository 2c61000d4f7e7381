/* SPDX-License-Identifier: MIT */
/*
 * The host's ACPI tables: RSDP, XSDT/RSDT, MADT, FADT and the \_S5 sleep
 * type from the DSDT. Pure: the parser reads physical memory only through a
 * caller-supplied map function, checks every checksum and length, and
 * reports bad tables instead of trusting them.
 */
#ifndef BASALT_ACPI_H
#define BASALT_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS    256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS    24

/* Generic Address Structure, decoded. */
struct acpi_gas {
	uint8_t space;      /* 0 = memory, 1 = system I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;   /* 0: not present */
};

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid;       /* ACPI processor UID */
	bool enabled;       /* usable now */
	bool online_capable;
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
};

struct acpi_iso {           /* interrupt source override */
	uint8_t bus_irq;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_info {
	uint64_t rsdp_address;  /* where the RSDP was found (0 if a copy) */
	uint8_t revision;       /* RSDP revision: 0 = ACPI 1.0 */
	bool used_xsdt;
	char oem_id[7];         /* NUL-terminated */

	bool have_madt;
	uint64_t lapic_address;
	bool pcat_compat;       /* 8259 PICs present: mask them */
	unsigned int ncpus;     /* entries in cpus[], enabled or not */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nisos;
	struct acpi_iso isos[ACPI_MAX_ISOS];

	bool have_fadt;
	uint8_t fadt_revision;
	uint32_t fadt_flags;    /* FADT Flags field */
	uint16_t iapc_boot_arch;
	uint32_t pm1a_cnt_blk;  /* I/O ports; 0 = absent (X_ fields preferred) */
	uint32_t pm1b_cnt_blk;
	uint32_t pm_tmr_blk;
	bool pm_tmr_32bit;      /* TMR_VAL_EXT */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	bool reset_reg_sup;     /* RESET_REG_SUP flag */
	struct acpi_gas sleep_control; /* HW-reduced ACPI only */
	struct acpi_gas sleep_status;
	uint64_t dsdt_address;

	bool have_s5;           /* \_S5 found in the DSDT (or an SSDT) */
	uint8_t s5_typa;        /* SLP_TYPa for S5 */
	uint8_t s5_typb;

	unsigned int bad_tables; /* tables rejected (checksum, length...) */
};

/* Map len bytes of physical memory at paddr for reading; NULL when that
 * range is not accessible. The mapping stays valid during acpi_parse. */
typedef const void *(*acpi_map_fn)(void *ctx, uint64_t paddr, size_t len);

/* One complete message per problem, e.g.
 * "ACPI: APIC at 0x7ffe1234: bad checksum, table ignored". */
typedef void (*acpi_report_fn)(void *ctx, const char *msg);

/* Search the EBDA's first KiB and 0xE0000-0xFFFFF for a valid RSDP
 * (signature, checksum and, for revision >= 2, extended checksum).
 * Returns true and its address when found. */
bool acpi_find_rsdp(acpi_map_fn map, void *ctx, uint64_t *rsdp);

/*
 * Parse the tables reached from the RSDP whose bytes are at rsdp (from
 * memory, or a boot loader's copy), len bytes long. rsdp_address is stored
 * in the result for reporting. Returns false when the RSDP itself or the
 * root table is unusable; a bad MADT/FADT/DSDT is reported, counted in
 * bad_tables and skipped, and parsing goes on.
 */
bool acpi_parse(const void *rsdp, size_t len, uint64_t rsdp_address,
		acpi_map_fn map, void *ctx, acpi_report_fn report,
		struct acpi_info *out);

/*
 * Find the \_S5 package in an AML byte stream (a DSDT or SSDT body after
 * its 36-byte header) and return its first two integer elements. Returns
 * false when there is no well-formed \_S5 package.
 */
bool acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *typa,
		      uint8_t *typb);

#endif /* BASALT_ACPI_H */
