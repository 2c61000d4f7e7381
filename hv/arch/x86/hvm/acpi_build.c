// SPDX-License-Identifier: MIT
/*
 * ACPI tables for a PVH guest: RSDP (revision 2), XSDT, a hardware-reduced
 * FADT (revision 6) whose sleep control register is an I/O port Basalt
 * traps (so "poweroff" in the guest ends the domain), a DSDT with only an
 * \_S5 package, and a MADT with one local APIC per vCPU (UID = APIC ID =
 * vCPU id). Linux needs a MADT and an APIC even with one vCPU.
 */
#include <asm/guest_access.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/lib/string.h>

#include "acpi_build.h"

#define OEM_ID "BASALT"
#define OEM_TABLE "BASALTVM"

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

struct gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address;
} __packed;

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __packed;

struct fadt {
	struct sdt_header h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt, pm2_cnt, pm_tmr;
	uint32_t gpe0, gpe1;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_len, gpe1_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct gas x_pm1a_evt, x_pm1b_evt, x_pm1a_cnt, x_pm1b_cnt, x_pm2_cnt;
	struct gas x_pm_tmr, x_gpe0, x_gpe1;
	struct gas sleep_control, sleep_status;
	uint64_t hypervisor_vendor;
} __packed;

BUILD_BUG_ON(sizeof(struct fadt) != 276);
BUILD_BUG_ON(sizeof(struct rsdp) != 36);

#define FADT_RESET_REG_SUP  (1u << 10)
#define FADT_HW_REDUCED     (1u << 20)
#define BOOT_ARCH_NO_VGA    (1u << 2)
#define BOOT_ARCH_NO_CMOS   (1u << 5)

/* Name (\_S5, Package (4) { 5, 5, 0, 0 }) */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0a, ACPI_S5_SLP_TYP, 0x0a, ACPI_S5_SLP_TYP, 0x00, 0x00,
};

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return (uint8_t)-sum;
}

static void header(struct sdt_header *h, const char *sig, uint32_t len,
		   uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, OEM_ID, 6);
	memcpy(h->oem_table_id, OEM_TABLE, 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, "BSLT", 4);
	h->creator_revision = 1;
}

int acpi_build_tables(struct domain *d, uint64_t base, uint64_t *rsdp_gpa)
{
	uint8_t buf[ACPI_AREA_SIZE];
	uint64_t a_xsdt = base + 0x40, a_fadt = base + 0x100;
	uint64_t a_dsdt = base + 0x300, a_madt = base + 0x400;
	struct rsdp *rsdp = (void *)buf;
	struct sdt_header *xsdt = (void *)(buf + 0x40);
	struct fadt *fadt = (void *)(buf + 0x100);
	struct sdt_header *dsdt = (void *)(buf + 0x300);
	struct sdt_header *madt = (void *)(buf + 0x400);
	uint32_t madt_len = 44 + 8 * d->nr_vcpus;
	uint64_t xsdt_entries[2] = { a_fadt, a_madt };

	if (0x400 + madt_len > sizeof(buf))
		return -E2BIG;
	memset(buf, 0, sizeof(buf));

	header(xsdt, "XSDT", sizeof(*xsdt) + sizeof(xsdt_entries), 1);
	memcpy(xsdt + 1, xsdt_entries, sizeof(xsdt_entries));
	xsdt->checksum = checksum(xsdt, xsdt->length);

	header(&fadt->h, "FACP", sizeof(*fadt), 6);
	fadt->minor_version = 0;
	fadt->dsdt = (uint32_t)a_dsdt;
	fadt->x_dsdt = a_dsdt;
	fadt->flags = FADT_HW_REDUCED | FADT_RESET_REG_SUP;
	fadt->iapc_boot_arch = BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_CMOS;
	fadt->reset_reg = (struct gas){ 1, 8, 0, 1, ACPI_RESET_PORT };
	fadt->reset_value = ACPI_RESET_VALUE;
	fadt->sleep_control = (struct gas){ 1, 8, 0, 1, ACPI_SLEEP_CONTROL_PORT };
	fadt->sleep_status = (struct gas){ 1, 8, 0, 1, ACPI_SLEEP_STATUS_PORT };
	memcpy(&fadt->hypervisor_vendor, "Basalt\0\0", 8);
	fadt->h.checksum = checksum(fadt, sizeof(*fadt));

	header(dsdt, "DSDT", sizeof(*dsdt) + sizeof(dsdt_aml), 2);
	memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
	dsdt->checksum = checksum(dsdt, dsdt->length);

	header(madt, "APIC", madt_len, 4);
	{
		uint8_t *m = (uint8_t *)madt;
		uint32_t lapic = 0xfee00000, flags = 0; /* no 8259 PICs */
		memcpy(m + 36, &lapic, 4);
		memcpy(m + 40, &flags, 4);
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			uint8_t *e = m + 44 + 8 * i;
			uint32_t enabled = 1;
			e[0] = 0;          /* processor local APIC */
			e[1] = 8;
			e[2] = (uint8_t)i; /* ACPI UID = Xen vCPU id */
			e[3] = (uint8_t)i; /* APIC ID */
			memcpy(e + 4, &enabled, 4);
		}
	}
	madt->checksum = checksum(madt, madt_len);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, OEM_ID, 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = a_xsdt;
	rsdp->checksum = checksum(rsdp, 20);
	rsdp->ext_checksum = checksum(rsdp, sizeof(*rsdp));

	*rsdp_gpa = base;
	return gpa_write(d, base, buf, sizeof(buf));
}
