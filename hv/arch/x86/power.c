// SPDX-License-Identifier: MIT
/*
 * Power-off through ACPI S5 and reboot through the ACPI reset register,
 * then the keyboard controller, then a triple fault.
 */
#include <asm/setup.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <basalt/acpi.h>
#include <basalt/arch.h>
#include <basalt/console.h>
#include <basalt/ipi.h>
#include <basalt/time.h>

#define SLP_EN        (1u << 13)  /* PM1 control */
#define SLP_TYP_SHIFT 10
#define HWR_SLP_EN    (1u << 5)   /* sleep control register (HW-reduced) */
#define HWR_TYP_SHIFT 2
#define FADT_HW_REDUCED (1u << 20)

static struct {
	bool s5;
	uint8_t typa, typb;
	uint16_t pm1a, pm1b;
	bool hw_reduced;
	struct acpi_gas sleep_control;
	bool reset_reg;
	struct acpi_gas reset;
	uint8_t reset_value;
} pm;

void __init power_init(const struct acpi_info *acpi)
{
	if (!acpi->have_fadt)
		return;
	pm.s5 = acpi->have_s5;
	pm.typa = acpi->s5_typa;
	pm.typb = acpi->s5_typb;
	pm.pm1a = (uint16_t)acpi->pm1a_cnt_blk;
	pm.pm1b = (uint16_t)acpi->pm1b_cnt_blk;
	pm.hw_reduced = acpi->fadt_flags & FADT_HW_REDUCED;
	pm.sleep_control = acpi->sleep_control;
	pm.reset_reg = acpi->reset_reg_sup && acpi->reset_reg.address;
	pm.reset = acpi->reset_reg;
	pm.reset_value = acpi->reset_value;
	if (!pm.s5)
		pr_warn("ACPI: no \\_S5 object: power-off will halt instead\n");
}

static void quiesce(void)
{
	local_irq_disable();
	smp_stop_others();
	mdelay(10);
}

void machine_power_off(void)
{
	quiesce();
	printk(LOG_ALWAYS, "Basalt: powering off\n");
	if (pm.s5) {
		if (pm.hw_reduced && pm.sleep_control.space == 1 &&
		    pm.sleep_control.address) {
			outb((uint16_t)pm.sleep_control.address,
			     (uint8_t)((pm.typa << HWR_TYP_SHIFT) | HWR_SLP_EN));
		} else if (pm.pm1a) {
			if (pm.pm1b)
				outw(pm.pm1b, (uint16_t)((pm.typb << SLP_TYP_SHIFT) |
							 SLP_EN));
			outw(pm.pm1a, (uint16_t)((pm.typa << SLP_TYP_SHIFT) |
						 SLP_EN));
		}
		mdelay(100);
	}
	printk(LOG_ALWAYS, "Basalt: ACPI power-off did not work: halted\n");
	arch_halt_forever();
}

static void triple_fault(void)
{
	struct __packed { uint16_t limit; uint64_t base; } none = { 0, 0 };

	__asm__ __volatile__("lidt %0; int3" :: "m"(none));
}

void machine_restart(void)
{
	quiesce();
	printk(LOG_ALWAYS, "Basalt: rebooting\n");
	arch_reset();
}

void arch_reset(void)
{
	if (pm.reset_reg && pm.reset.space == 1) {
		outb((uint16_t)pm.reset.address, pm.reset_value);
		mdelay(50);
	}
	/* Keyboard controller: pulse the reset line. */
	for (int i = 0; i < 100 && (inb(0x64) & 0x02); i++)
		udelay(50);
	outb(0x64, 0xfe);
	mdelay(50);
	triple_fault();
	arch_halt_forever();
}
