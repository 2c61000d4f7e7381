// SPDX-License-Identifier: MIT
/*
 * The CMOS real-time clock, read once at boot: guests learn the wall
 * clock from it (shared_info's wc_sec/wc_nsec), Basalt's own time being
 * the TSC.
 */
#include <asm/io.h>
#include <basalt/time.h>
#include <basalt/console.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

uint64_t wallclock_at_boot_ns;   /* UNIX time, in ns, at hypervisor time 0 */
void rtc_init(void);

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned int bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 0xf) + 10 * (v >> 4);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	y -= m <= 2;
	uint64_t era = y / 400;
	unsigned int yoe = y - (unsigned int)era * 400;
	unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void __attribute__((cold)) rtc_init(void)
{
	uint8_t sec, min, hour, day, mon, year, status_b;
	bool binary;
	uint64_t secs;

	/* Wait until no update is in progress, then read twice until the
	 * two readings agree. */
	for (int tries = 0; tries < 1000000 && (cmos(0x0a) & 0x80); tries++)
		;
	do {
		sec = cmos(0x00);
		min = cmos(0x02);
		hour = cmos(0x04);
		day = cmos(0x07);
		mon = cmos(0x08);
		year = cmos(0x09);
	} while (sec != cmos(0x00));
	status_b = cmos(0x0b);
	binary = status_b & 0x04;
	if (!(status_b & 0x02) && (hour & 0x80)) /* 12-hour clock, PM */
		hour = (uint8_t)(((bcd(hour & 0x7f, binary) % 12) + 12));
	else
		hour = (uint8_t)bcd(hour, binary);
	secs = days_since_epoch(2000 + bcd(year, binary), bcd(mon, binary),
				bcd(day, binary)) * 86400 +
	       hour * 3600ull + bcd(min, binary) * 60ull + bcd(sec, binary);
	wallclock_at_boot_ns = secs * NSEC_PER_SEC - now_ns();
	pr_info("RTC: %llu s since 1970\n", (unsigned long long)secs);
}
