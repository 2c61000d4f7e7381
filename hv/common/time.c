// SPDX-License-Identifier: MIT
/*
 * Hypervisor time from the TSC. The TSC is invariant on every CPU Basalt
 * supports and starts together on all CPUs, so one scale serves all.
 */
#include <basalt/time.h>
#include <asm/cpu.h>

static uint64_t tsc_at_boot;
static uint64_t tsc_hz;
/* ns = (ticks * mult) >> 32: exact to well under 1 ppm for any TSC rate. */
static uint64_t tsc_mult;

void time_init(uint64_t hz)
{
	tsc_hz = hz;
	tsc_mult = (NSEC_PER_SEC << 32) / hz; /* 1e9 << 32 fits in 64 bits */
	tsc_at_boot = rdtsc();
}

uint64_t time_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * tsc_mult) >> 32);
}

uint64_t now_ns(void)
{
	if (!tsc_hz)
		return 0;
	return tsc_to_ns(rdtsc() - tsc_at_boot);
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_hz / 1000000;

	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

void mdelay(uint64_t ms)
{
	udelay(ms * 1000);
}
