// SPDX-License-Identifier: MIT
/*
 * 8254 channel 2 (see vpit.h). The counter is not stepped: its value is
 * computed from the time that has passed while the gate was high since
 * the count was loaded. Modes 0 and 1 count down once and wrap; the
 * periodic modes (2, 3) reload. Mode 3 counts by two in hardware; here it
 * counts like mode 2, which keeps the period and the count's rate of
 * change that calibration loops look at within a factor of two of
 * hardware, and OUT2 is high for the first half of each period.
 */
#include <asm/vpit.h>

#define PORT_DATA2 0x42
#define PORT_CTRL  0x43
#define PORT_61    0x61

void vpit_init(struct vpit *p)
{
	*p = (struct vpit){ .access = 3, .reload = 65536 };
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	/* Whole seconds and the rest apart: no 128-bit division (there is
	 * no libgcc in the hypervisor), no overflow. */
	return ns / 1000000000u * VPIT_HZ + ns % 1000000000u * VPIT_HZ / 1000000000u;
}

static bool gate(const struct vpit *p)
{
	return p->port61 & 1;
}

/* Ticks counted since the count was loaded. */
static uint64_t elapsed(const struct vpit *p, uint64_t now)
{
	uint64_t t = p->ticks_before;

	if (gate(p) && now > p->run_start_ns)
		t += ns_to_ticks(now - p->run_start_ns);
	return t;
}

static bool periodic(const struct vpit *p)
{
	return p->mode == 2 || p->mode == 3;
}

static uint16_t count(const struct vpit *p, uint64_t now)
{
	uint64_t e;

	if (!p->loaded)
		return (uint16_t)p->reload;
	e = elapsed(p, now);
	if (periodic(p))
		return (uint16_t)(p->reload - e % p->reload);
	/* One-shot modes run on past zero: 0, 0xffff, 0xfffe, ... */
	return (uint16_t)(p->reload - (e % 65536));
}

static bool out2(const struct vpit *p, uint64_t now)
{
	uint64_t e;

	if (!p->loaded)
		return p->mode != 0; /* mode 0 sets OUT low until terminal count */
	e = elapsed(p, now);
	if (periodic(p))
		return p->mode == 2 ? e % p->reload != p->reload - 1 :
				      e % p->reload < (p->reload + 1) / 2;
	return e >= p->reload;
}

static void load(struct vpit *p, uint32_t value, uint64_t now)
{
	p->reload = value ? value : 65536;
	p->loaded = true;
	p->ticks_before = 0;
	p->run_start_ns = now;
}

bool vpit_read(struct vpit *p, uint16_t port, uint64_t now, uint8_t *val)
{
	uint16_t c;

	switch (port) {
	case PORT_61:
		*val = (uint8_t)((p->port61 & 3) | (out2(p, now) ? 0x20 : 0));
		return true;
	case PORT_CTRL:
		*val = 0xff; /* write-only */
		return true;
	case PORT_DATA2:
		c = p->latched ? p->latch : count(p, now);
		if (p->access == 1) {
			*val = (uint8_t)c;
			p->latched = false;
		} else if (p->access == 2) {
			*val = (uint8_t)(c >> 8);
			p->latched = false;
		} else {
			*val = p->read_msb ? (uint8_t)(c >> 8) : (uint8_t)c;
			if (p->read_msb)
				p->latched = false;
			p->read_msb = !p->read_msb;
		}
		return true;
	default:
		return false;
	}
}

bool vpit_write(struct vpit *p, uint16_t port, uint64_t now, uint8_t val)
{
	switch (port) {
	case PORT_61:
		if ((val & 1) && !gate(p)) {
			/* Rising gate: counting resumes; periodic modes reload. */
			if (periodic(p))
				p->ticks_before = 0;
			p->run_start_ns = now;
		} else if (!(val & 1) && gate(p)) {
			p->ticks_before = elapsed(p, now);
		}
		p->port61 = val & 3;
		return true;
	case PORT_CTRL:
		if ((val >> 6) == 3) {
			/* Read-back: bit 3 selects counter 2, bit 5 clear
			 * latches its count (status latching is not kept). */
			if ((val & 0x08) && !(val & 0x20) && !p->latched) {
				p->latch = count(p, now);
				p->latched = true;
				p->read_msb = false;
			}
			return true;
		}
		if ((val >> 6) != 2)
			return true; /* channels 0 and 1 are not emulated */
		if (!(val & 0x30)) {
			/* Counter latch command. */
			if (!p->latched) {
				p->latch = count(p, now);
				p->latched = true;
				p->read_msb = false;
			}
			return true;
		}
		p->access = (val >> 4) & 3;
		p->mode = (val >> 1) & 7;
		if (p->mode > 5)
			p->mode -= 4; /* 6 and 7 are aliases of 2 and 3 */
		p->loaded = false;
		p->write_msb = p->read_msb = p->latched = false;
		return true;
	case PORT_DATA2:
		if (p->access == 1) {
			load(p, val, now);
		} else if (p->access == 2) {
			load(p, (uint32_t)val << 8, now);
		} else if (!p->write_msb) {
			p->lsb_written = val;
			p->write_msb = true;
		} else {
			load(p, p->lsb_written | ((uint32_t)val << 8), now);
			p->write_msb = false;
		}
		return true;
	default:
		return false;
	}
}
