// SPDX-License-Identifier: MIT
/* Unit tests of PIT channel 2 (hv/arch/x86/hvm/vpit.c), including the
 * sequence Linux's quick TSC calibration performs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/vpit.h>

#define MS 1000000ull

static uint8_t rd(struct vpit *p, uint16_t port, uint64_t t)
{
	uint8_t v = 0;

	assert_true(vpit_read(p, port, t, &v));
	return v;
}

static void wr(struct vpit *p, uint16_t port, uint64_t t, uint8_t v)
{
	assert_true(vpit_write(p, port, t, v));
}

static uint16_t rd16(struct vpit *p, uint64_t t)
{
	uint8_t lo = rd(p, 0x42, t);
	return (uint16_t)(lo | (rd(p, 0x42, t) << 8));
}

/* Gate high, mode 0, LSB/MSB, count 0xffff at time t0. */
static void linux_setup(struct vpit *p, uint64_t t0)
{
	vpit_init(p);
	wr(p, 0x61, t0, (uint8_t)((rd(p, 0x61, t0) & ~2) | 1));
	wr(p, 0x43, t0, 0xb0);
	wr(p, 0x42, t0, 0xff);
	wr(p, 0x42, t0, 0xff);
}

static void test_not_mine(void **state)
{
	struct vpit p;
	uint8_t v;

	vpit_init(&p);
	assert_false(vpit_read(&p, 0x40, 0, &v));
	assert_false(vpit_read(&p, 0x41, 0, &v));
	assert_false(vpit_write(&p, 0x40, 0, 0));
	assert_false(vpit_read(&p, 0x80, 0, &v));
	/* Control words for channels 0 and 1 are accepted and ignored. */
	wr(&p, 0x43, 0, 0x34);
	assert_int_equal(p.mode, 0);
}

static void test_counts_down_at_pit_rate(void **state)
{
	struct vpit p;

	linux_setup(&p, 5 * MS);
	assert_int_equal(rd16(&p, 5 * MS), 0xffff);
	/* 1 ms = 1193 ticks. */
	assert_int_equal(rd16(&p, 6 * MS), 0xffff - 1193);
	assert_int_equal(rd16(&p, 15 * MS), 0xffff - 11931);
	/* The MSB Linux watches changes every 256 ticks (~215 us). */
	assert_int_equal(rd16(&p, 5 * MS + 215000) >> 8, 0xfe);
}

static void test_out2_at_terminal_count(void **state)
{
	struct vpit p;

	vpit_init(&p);
	wr(&p, 0x61, 0, 1);
	wr(&p, 0x43, 0, 0xb0);
	assert_int_equal(rd(&p, 0x61, 0) & 0x20, 0);  /* mode 0: OUT low */
	wr(&p, 0x42, 0, 0x9c);                         /* 11932: ~10 ms */
	wr(&p, 0x42, 0, 0x2e);
	assert_int_equal(rd(&p, 0x61, 9 * MS) & 0x20, 0);
	assert_int_equal(rd(&p, 0x61, 11 * MS) & 0x20, 0x20);
	/* Bits 0 and 1 read back as written. */
	assert_int_equal(rd(&p, 0x61, 11 * MS) & 3, 1);
	/* Past zero the count wraps and keeps going. */
	assert_true(rd16(&p, 11 * MS) > 0xf000);
}

static void test_gate_low_stops_counting(void **state)
{
	struct vpit p;

	linux_setup(&p, 0);
	wr(&p, 0x61, 1 * MS, 0);                /* gate low after 1 ms */
	assert_int_equal(rd16(&p, 9 * MS), 0xffff - 1193);
	wr(&p, 0x61, 10 * MS, 1);               /* counting resumes */
	assert_int_equal(rd16(&p, 11 * MS), 0xffff - 2386);
}

static void test_latch_holds_value(void **state)
{
	struct vpit p;

	linux_setup(&p, 0);
	wr(&p, 0x43, 1 * MS, 0x80);             /* latch counter 2 */
	assert_int_equal(rd16(&p, 5 * MS), 0xffff - 1193);
	/* Unlatched again: the live count. */
	assert_int_equal(rd16(&p, 5 * MS), 0xffff - 5965);
	/* Read-back command, counter 2, count latched. */
	wr(&p, 0x43, 6 * MS, 0xd8);
	assert_int_equal(rd16(&p, 8 * MS), 0xffff - 7159);
}

static void test_lsb_only_and_msb_only(void **state)
{
	struct vpit p;

	vpit_init(&p);
	wr(&p, 0x61, 0, 1);
	wr(&p, 0x43, 0, 0x90);                  /* LSB only, mode 0 */
	wr(&p, 0x42, 0, 100);
	assert_int_equal(rd(&p, 0x42, 0), 100);
	assert_int_equal(rd(&p, 0x42, 0), 100); /* no flip-flop */
	wr(&p, 0x43, 0, 0xa0);                  /* MSB only */
	wr(&p, 0x42, 0, 0x12);
	assert_int_equal(rd(&p, 0x42, 0), 0x12);
}

static void test_periodic_mode_reloads(void **state)
{
	struct vpit p;

	vpit_init(&p);
	wr(&p, 0x61, 0, 1);
	wr(&p, 0x43, 0, 0xb4);                  /* mode 2 */
	wr(&p, 0x42, 0, 0xa9);                  /* 1193: 1 ms period */
	wr(&p, 0x42, 0, 0x04);
	assert_int_equal(p.mode, 2);
	uint16_t a = rd16(&p, MS / 2), b = rd16(&p, 10 * MS + MS / 2);
	assert_true(a <= 1193 && b <= 1193);
	assert_true(a - b < 3 || b - a < 3);    /* same phase, 10 periods on */
}

/* Linux's quick_pit_calibrate with a VM exit per read: it must see the
 * MSB move within a few reads instead of spinning on 0xff. */
static void test_linux_calibration_sees_motion(void **state)
{
	struct vpit p;
	uint64_t t = 0;
	unsigned int reads = 0;

	linux_setup(&p, t);
	while (rd16(&p, t) >> 8 == 0xff) {
		t += 20000;                         /* 20 us per exit */
		reads += 2;
		assert_true(reads < 100);
	}
	assert_int_equal(rd16(&p, t) >> 8, 0xfe);
}

static void test_garbage_never_breaks(void **state)
{
	struct vpit p;
	uint32_t seed = 7;
	uint8_t v;

	vpit_init(&p);
	for (int i = 0; i < 100000; i++) {
		seed = seed * 1103515245u + 12345u;
		uint16_t port = (uint16_t[]){ 0x42, 0x43, 0x61 }[(seed >> 16) % 3];
		uint64_t t = (uint64_t)i * 1000 + (seed & 0xfff);
		if (seed & 0x80000000u)
			vpit_write(&p, port, t, (uint8_t)(seed >> 8));
		else
			vpit_read(&p, port, t, &v);
		assert_true(p.reload >= 1 && p.reload <= 65536);
		assert_true(p.mode <= 5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_mine),
		cmocka_unit_test(test_counts_down_at_pit_rate),
		cmocka_unit_test(test_out2_at_terminal_count),
		cmocka_unit_test(test_gate_low_stops_counting),
		cmocka_unit_test(test_latch_holds_value),
		cmocka_unit_test(test_lsb_only_and_msb_only),
		cmocka_unit_test(test_periodic_mode_reloads),
		cmocka_unit_test(test_linux_calibration_sees_motion),
		cmocka_unit_test(test_garbage_never_breaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
