/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/lib/parse.c: parse_u64 against strtoull on random digit
 * strings plus exact overflow edges; parse_size and parse_bool on tables
 * of accepted and rejected inputs.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/lib/parse.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Strings strtoull and parse_u64 should agree on: no blanks or signs. */
static void random_number(char *p, size_t max)
{
	static const char chars[] = "0123456789abcdefxXzZ";
	size_t len = rng() % max;

	/* Often a 0 or 0x start, to exercise the prefixes. */
	switch (rng() % 4) {
	case 0:
		*p++ = '0';
		len = len ? len - 1 : 0;
		break;
	case 1:
		*p++ = '0';
		*p++ = rng() & 1 ? 'x' : 'X';
		len = len > 2 ? len - 2 : 0;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < len; i++)
		*p++ = chars[rng() % (rng() & 1 ? 10 : sizeof(chars) - 1)];
	*p = '\0';
}

static void test_u64_against_strtoull(void **state)
{
	static const unsigned int bases[] = { 0, 2, 8, 10, 16, 36 };
	char s[40];

	rng_state = 31;
	for (int i = 0; i < 40000; i++) {
		unsigned int base = bases[rng() % 6];
		const char *end = NULL;
		char *lend;
		uint64_t v = 12345;
		unsigned long long want;
		bool ok;

		random_number(s, 26);
		errno = 0;
		want = strtoull(s, &lend, (int)base);
		ok = parse_u64(s, &end, base, &v);
		if (lend == s) {
			/* No digits. */
			assert_false(ok);
			assert_ptr_equal(end, s);
			assert_int_equal(v, 0);
		} else if (errno == ERANGE) {
			assert_false(ok);
			assert_ptr_equal(end, lend);
			assert_int_equal(v, 0);
		} else {
			if (!ok)
				fail_msg("\"%s\" base %u: rejected, strtoull %llu",
					 s, base, want);
			assert_int_equal(v, want);
			assert_ptr_equal(end, lend);
		}
	}
}

struct u64_case {
	const char *s;
	unsigned int base;
	bool ok;
	uint64_t v;
	size_t end;   /* offset of *end */
};

static void test_u64_table(void **state)
{
	static const struct u64_case cases[] = {
		{ "0", 0, true, 0, 1 },
		{ "42", 0, true, 42, 2 },
		{ "42abc", 10, true, 42, 2 },
		{ "0x2a", 0, true, 42, 4 },
		{ "0X2A", 0, true, 42, 4 },
		{ "0x2a", 16, true, 42, 4 },
		{ "2a", 16, true, 42, 2 },
		{ "0x", 0, true, 0, 1 },
		{ "0x", 16, true, 0, 1 },
		{ "0xg", 16, true, 0, 1 },
		{ "0x2a", 10, true, 0, 1 },
		{ "052", 0, true, 42, 3 },
		{ "09", 0, true, 0, 1 },
		{ "052", 10, true, 52, 3 },
		{ "101", 2, true, 5, 3 },
		{ "zz", 36, true, 1295, 2 },
		{ "18446744073709551615", 0, true, UINT64_MAX, 20 },
		{ "18446744073709551616", 0, false, 0, 20 },
		{ "99999999999999999999999", 10, false, 0, 23 },
		{ "0xffffffffffffffff", 0, true, UINT64_MAX, 18 },
		{ "0x10000000000000000", 0, false, 0, 19 },
		{ "0x0000000000000000000001", 16, true, 1, 24 },
		{ "01777777777777777777777", 0, true, UINT64_MAX, 23 },
		{ "02000000000000000000000", 0, false, 0, 23 },
		{ "", 0, false, 0, 0 },
		{ "x", 0, false, 0, 0 },
		{ "-1", 0, false, 0, 0 },
		{ "+1", 0, false, 0, 0 },
		{ " 1", 0, false, 0, 0 },
		{ "12", 1, false, 0, 0 },
		{ "12", 37, false, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct u64_case *c = &cases[i];
		const char *end = NULL;
		uint64_t v = 777;
		bool ok = parse_u64(c->s, &end, c->base, &v);

		if (ok != c->ok || v != c->v || end != c->s + c->end)
			fail_msg("parse_u64(\"%s\", %u): got %d %llu end+%td, "
				 "want %d %llu end+%zu", c->s, c->base, ok,
				 (unsigned long long)v, end - c->s, c->ok,
				 (unsigned long long)c->v, c->end);
	}
	/* end may be NULL. */
	uint64_t v;

	assert_true(parse_u64("7", NULL, 10, &v));
	assert_int_equal(v, 7);
	assert_false(parse_u64("", NULL, 10, &v));
}

struct size_case {
	const char *s;
	bool ok;
	uint64_t bytes;
};

static void test_size(void **state)
{
	static const struct size_case cases[] = {
		{ "0", true, 0 },
		{ "1", true, 1024 },
		{ "1K", true, 1024 },
		{ "1k", true, 1024 },
		{ "3M", true, 3ull << 20 },
		{ "3m", true, 3ull << 20 },
		{ "4G", true, 4ull << 30 },
		{ "4g", true, 4ull << 30 },
		{ "2T", true, 2ull << 40 },
		{ "2t", true, 2ull << 40 },
		{ "512B", true, 512 },
		{ "512b", true, 512 },
		{ "0B", true, 0 },
		{ "0x10M", true, 16ull << 20 },
		{ "0x1B", true, 0x1bull << 10 },  /* B is a hex digit, as in Xen */
		{ "010", true, 8ull << 10 },
		{ "16777215T", true, 16777215ull << 40 },
		{ "16777216T", false, 0 },
		{ "17179869183G", true, 17179869183ull << 30 },
		{ "17179869184G", false, 0 },
		{ "18014398509481983", true, 18014398509481983ull << 10 },
		{ "18014398509481984", false, 0 },
		{ "18446744073709551615B", true, UINT64_MAX },
		{ "18446744073709551616B", false, 0 },
		{ "", false, 0 },
		{ "K", false, 0 },
		{ "B", false, 0 },
		{ "1KB", false, 0 },
		{ "1KK", false, 0 },
		{ "1 K", false, 0 },
		{ " 1K", false, 0 },
		{ "1K ", false, 0 },
		{ "1X", false, 0 },
		{ "1P", false, 0 },
		{ "-1M", false, 0 },
		{ "1.5G", false, 0 },
		{ "09", false, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct size_case *c = &cases[i];
		uint64_t bytes = 0xdeadull;
		bool ok = parse_size(c->s, &bytes);

		if (ok != c->ok || bytes != (c->ok ? c->bytes : 0xdeadull))
			fail_msg("parse_size(\"%s\"): got %d %llu, want %d %llu",
				 c->s, ok, (unsigned long long)bytes, c->ok,
				 (unsigned long long)c->bytes);
	}
	uint64_t bytes = 1;

	assert_false(parse_size(NULL, &bytes));
	assert_int_equal(bytes, 1);
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
	static const char *const no[] = { "0", "no", "off", "false", "disable" };
	static const char *const bad[] = { "", "2", "Yes", "ON", "y", "n",
					   "on ", " on", "enabled", "tru",
					   "00", "01", "disable!" };
	bool b;

	for (size_t i = 0; i < 5; i++) {
		b = false;
		assert_true(parse_bool(yes[i], &b));
		assert_true(b);
		b = true;
		assert_true(parse_bool(no[i], &b));
		assert_false(b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = true;
		if (parse_bool(bad[i], &b))
			fail_msg("parse_bool(\"%s\") accepted", bad[i]);
		assert_true(b);   /* untouched */
	}
	assert_false(parse_bool(NULL, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_against_strtoull),
		cmocka_unit_test(test_u64_table),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_bool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
