// SPDX-License-Identifier: MIT
/*
 * Legacy interrupt controllers, silenced: the 8259 PICs are remapped away
 * from the exception vectors and masked; every IO-APIC pin is masked.
 * Device interrupts are routed when a driver needs one.
 */
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/traps.h>
#include <basalt/acpi.h>
#include <basalt/console.h>

void pic_disable(void);
void ioapic_mask_all(const struct acpi_info *acpi);

void pic_disable(void)
{
	/* ICW1-4: cascade, vectors 0x20/0x28, then mask everything, so a
	 * spurious IRQ 7/15 arrives at a harmless vector. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, VEC_PIC_BASE);
	outb(0xa1, VEC_PIC_BASE + 8);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VER    0x01
#define IOAPIC_REDTBL 0x10

void ioapic_mask_all(const struct acpi_info *acpi)
{
	for (unsigned int i = 0; i < acpi->nioapics; i++) {
		volatile uint8_t *io = map_mmio(acpi->ioapics[i].address, 4096);
		unsigned int pins;

		mmio_write32(io + IOAPIC_REGSEL, IOAPIC_VER);
		pins = ((mmio_read32(io + IOAPIC_WINDOW) >> 16) & 0xff) + 1;
		for (unsigned int p = 0; p < pins; p++) {
			mmio_write32(io + IOAPIC_REGSEL, IOAPIC_REDTBL + 2 * p);
			mmio_write32(io + IOAPIC_WINDOW, 1u << 16); /* masked */
			mmio_write32(io + IOAPIC_REGSEL, IOAPIC_REDTBL + 2 * p + 1);
			mmio_write32(io + IOAPIC_WINDOW, 0);
		}
		pr_info("IO-APIC %u at %#x: %u pins, GSI base %u, all masked\n",
			acpi->ioapics[i].id, acpi->ioapics[i].address, pins,
			acpi->ioapics[i].gsi_base);
	}
}
