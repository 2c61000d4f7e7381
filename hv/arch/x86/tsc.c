// SPDX-License-Identifier: MIT
/*
 * TSC and APIC-timer calibration against PIT channel 2 (its gate is
 * software controlled through port 0x61, so no interrupt is needed).
 */
#include <asm/setup.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <basalt/console.h>
#include <basalt/panic.h>
#include <basalt/time.h>

#define PIT_HZ        1193182u
#define CALIBRATE_MS  25u

void __init tsc_calibrate(void)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, t1;
	uint32_t a0, a1;
	uint64_t tsc_hz, apic_hz;
	uint8_t gate;
	unsigned long spins = 0;

	gate = inb(0x61);
	outb(0x61, (uint8_t)((gate & ~0x02) | 0x01)); /* gate on, speaker off */
	outb(0x43, 0xb0);                 /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	apic_timer_start_free_running();
	t0 = rdtsc();
	a0 = apic_timer_current();
	while (!(inb(0x61) & 0x20)) {     /* OUT2 goes high at zero */
		if (++spins > 100000000ul)
			panic("PIT channel 2 never counted down: cannot calibrate the TSC");
	}
	t1 = rdtsc();
	a1 = apic_timer_current();
	outb(0x61, gate);

	tsc_hz = (t1 - t0) * 1000 / CALIBRATE_MS;
	apic_hz = (uint64_t)(a0 - a1) * 1000 / CALIBRATE_MS;
	if (!tsc_hz || !apic_hz)
		panic("TSC/APIC calibration failed (tsc %llu Hz, apic %llu Hz)",
		      (unsigned long long)tsc_hz, (unsigned long long)apic_hz);
	time_init(tsc_hz);
	apic_timer_set_frequency(apic_hz);
}
