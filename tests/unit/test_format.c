/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/lib/format.c: a table of exact results, then a
 * deterministic sweep of generated conversions (flags x width x precision x
 * length x edge values x buffer sizes) compared byte for byte against the
 * host libc. Built with host_rename.h, so ours is bsl_vsnprintf.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/lib/format.h>

/* From here on the plain names are libc's, the bsl_ names are ours. */
#undef vsnprintf
#undef snprintf
#undef memcpy
#undef memset
#undef memcmp
#undef strlen
#undef strcmp

/* The sweep builds its formats at run time. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define BUF 256

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* One exact expectation: full output and return value for a big buffer. */
static void expect(const char *want, const char *fmt, ...)
{
	char buf[BUF];
	va_list ap;
	int ret;

	memset(buf, '#', sizeof(buf));
	va_start(ap, fmt);
	ret = bsl_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) != 0 || ret != (int)strlen(want))
		fail_msg("format \"%s\": got \"%s\" (%d), want \"%s\" (%zu)",
			 fmt, buf, ret, want, strlen(want));
}

static unsigned long compared;

/*
 * Compare ours with libc for one format and argument list, with the given
 * buffer size; both buffers start with the same filler so a stray write
 * past size shows up.
 */
static void vcompare(size_t size, const char *fmt, va_list ap)
{
	char got[BUF], want[BUF];
	va_list a1, a2;
	int rg, rw;

	assert_true(size <= BUF);
	memset(got, 0x5a, sizeof(got));
	memset(want, 0x5a, sizeof(want));
	va_copy(a1, ap);
	va_copy(a2, ap);
	rg = bsl_vsnprintf(got, size, fmt, a1);
	rw = vsnprintf(want, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	compared++;
	if (rg != rw || memcmp(got, want, sizeof(got)) != 0) {
		char full[BUF];

		va_copy(a1, ap);
		vsnprintf(full, sizeof(full), fmt, a1);
		va_end(a1);
		fail_msg("format \"%s\" size %zu: ours %d \"%.*s\", libc %d "
			 "\"%.*s\" (full \"%s\")", fmt, size, rg,
			 (int)(size ? size - 1 : 0), got, rw,
			 (int)(size ? size - 1 : 0), want, full);
	}
}

static void compare(size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(size, fmt, ap);
	va_end(ap);
}

/* ---- exact table ------------------------------------------------------ */

static void test_table_integers(void **state)
{
	expect("0", "%d", 0);
	expect("-1", "%d", -1);
	expect("-2147483648", "%d", INT_MIN);
	expect("2147483647", "%i", INT_MAX);
	expect("4294967295", "%u", UINT_MAX);
	expect("ffffffff", "%x", UINT_MAX);
	expect("FFFFFFFF", "%X", UINT_MAX);
	expect("37777777777", "%o", UINT_MAX);
	expect("-9223372036854775808", "%lld", LLONG_MIN);
	expect("18446744073709551615", "%llu", ULLONG_MAX);
	expect("1777777777777777777777", "%llo", ULLONG_MAX);
	expect("18446744073709551615", "%zu", SIZE_MAX);
	expect("-1", "%zd", (ptrdiff_t)-1);
	expect("-5", "%td", (ptrdiff_t)-5);
	expect("ffffffffffffffff", "%jx", UINTMAX_MAX);
	expect("-128", "%hhd", (signed char)-128);
	expect("255", "%hhu", (unsigned char)255);
	expect("-32768", "%hd", (short)-32768);
	expect("ffff", "%hx", (unsigned short)0xffff);
	/* Values wider than hh/h are cut to the named type. */
	expect("-56", "%hhd", 200);
	expect("ff", "%hhx", 0x1ff);
	expect("-32768", "%hd", 0x18000);
	expect("1", "%hu", 0x10001);
	expect("  42", "%4d", 42);
	expect("42  |", "%-4d|", 42);
	expect("0042", "%04d", 42);
	expect("-042", "%04d", -42);
	expect("+42", "%+d", 42);
	expect(" 42", "% d", 42);
	expect("+42", "%+ d", 42);
	expect("  007", "%5.3d", 7);
	expect("  007", "%05.3d", 7);
	expect("", "%.0d", 0);
	expect("    ", "%4.0d", 0);
	expect("0x1f", "%#x", 0x1f);
	expect("0X1F", "%#X", 0x1f);
	expect("0", "%#x", 0);
	expect("0x001f", "%#06x", 0x1f);
	expect("017", "%#o", 15);
	expect("0", "%#.0o", 0);
	expect("00017", "%#.5o", 15);
	expect("   42", "%*d", 5, 42);
	expect("42   |", "%*d|", -5, 42);
	expect("00042", "%.*d", 5, 42);
	expect("42", "%.*d", -3, 42);
	expect("a1b2c", "a%db%dc", 1, 2);
}

static void test_table_strings(void **state)
{
	static const char unterminated[3] = { 'x', 'y', 'z' };

	expect("hello", "%s", "hello");
	expect("  hi", "%4s", "hi");
	expect("hi  |", "%-4s|", "hi");
	expect("he", "%.2s", "hello");
	expect("   he", "%5.2s", "hello");
	expect("(null)", "%s", (char *)NULL);
	expect("[(null)]", "[%s]", (char *)NULL);
	expect("(nu", "%.3s", (char *)NULL);
	/* The precision bounds the read: no terminator needed (ASan checks). */
	expect("xyz", "%.3s", unterminated);
	expect("A", "%c", 'A');
	expect("  A", "%3c", 'A');
	expect("A  |", "%-3c|", 'A');
	expect("%", "%%");
	expect("100%", "%d%%", 100);
	expect("", "");
	expect("plain text", "plain text");
}

static void test_table_pointer(void **state)
{
	expect("0x0000000000000000", "%p", NULL);
	expect("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	expect("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	expect("  0x0000000000001000", "%20p", (void *)0x1000UL);
	expect("0x0000000000001000  |", "%-20p|", (void *)0x1000UL);
}

/* Formats -Wformat would reject: built at run time so they compile. */
static void test_table_unsupported(void **state)
{
	char f[16];

	/* Unknown conversions come out as written and consume nothing. */
	strcpy(f, "%y");
	expect("%y", f);
	strcpy(f, "a%-5yb%d");
	expect("a%-5yb7", f, 7);
	strcpy(f, "%n");
	expect("%n", f);
	strcpy(f, "%f");
	expect("%f", f);
	/* A length on c/s/p is wide or unsupported: shown, not consumed. */
	strcpy(f, "%ls%d");
	expect("%ls3", f, 3);
	/* A conversion cut off by the end of the format. */
	strcpy(f, "ab%");
	expect("ab%", f);
	strcpy(f, "ab%-08.3l");
	expect("ab%-08.3l", f);
	strcpy(f, "%hh");
	expect("%hh", f);
}

static void test_truncation(void **state)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	assert_int_equal(bsl_snprintf(buf, 4, "%s", "abcdef"), 6);
	assert_memory_equal(buf, "abc\0####", 8);

	memset(buf, '#', sizeof(buf));
	assert_int_equal(bsl_snprintf(buf, 1, "%d", 12345), 5);
	assert_memory_equal(buf, "\0#######", 8);

	/* size 0: nothing written, buf may be NULL. */
	assert_int_equal(bsl_snprintf(NULL, 0, "%d-%s", -12, "xy"), 6);
	memset(buf, '#', sizeof(buf));
	assert_int_equal(bsl_snprintf(buf, 0, "abc"), 3);
	assert_memory_equal(buf, "########", 8);

	/* Padding and zero fill are cut at the buffer end too. */
	memset(buf, '#', sizeof(buf));
	assert_int_equal(bsl_snprintf(buf, 5, "%010d", 7), 10);
	assert_memory_equal(buf, "0000\0###", 8);
	memset(buf, '#', sizeof(buf));
	assert_int_equal(bsl_snprintf(buf, 5, "%-10d|", 7), 11);
	assert_memory_equal(buf, "7   \0###", 8);
}

static void test_huge_width(void **state)
{
	char buf[8];

	/* Counted in full, stored only as far as the buffer goes, fast. */
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), "%100000000d", 1),
			 100000000);
	assert_string_equal(buf, "       ");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), "%.100000000d", 1),
			 100000000);
	assert_string_equal(buf, "0000000");
	/* Past INT_MAX the result cannot be returned: -1, buffer still set.
	 * Built at run time: gcc rejects these literals outright. */
	char f[32];

	strcpy(f, "%*d");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, INT_MIN, 1), -1);
	assert_string_equal(buf, "1      ");
	strcpy(f, "%99999999999999999999999d");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, 1), -1);
	assert_string_equal(buf, "       ");
	strcpy(f, "%*d%*d");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, INT_MAX, 1,
				      INT_MAX, 2), -1);
	/* The running count must not wrap back into the buffer. */
	strcpy(f, "%99999999999999999999999dXY");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, 1), -1);
	assert_string_equal(buf, "       ");
	/* 2^64 + 5: a wrapping digit reader would see a width of 5. */
	strcpy(f, "%18446744073709551621d|");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, 1), -1);
	strcpy(f, "%.18446744073709551618d|");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, 1), -1);
	/* A huge precision on %s still just bounds the read. */
	strcpy(f, "%.99999999999999999999s|");
	assert_int_equal(bsl_snprintf(buf, sizeof(buf), f, "abc"), 4);
	assert_string_equal(buf, "abc|");
}

/* ---- sweep against libc ----------------------------------------------- */

static const uint64_t edge_values[] = {
	0, 1, 2, 7, 8, 9, 10, 15, 16, 99, 100, 127, 128, 255, 256, 32767,
	32768, 65535, 65536, 0x7fffffffu, 0x80000000u, 0xffffffffu,
	0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffffffffffull, (uint64_t)-1 - 1, (uint64_t)-128, (uint64_t)-129,
	(uint64_t)(int64_t)INT_MIN, 0x123456789abcdefull, 1000000007,
};
#define NEDGE (sizeof(edge_values) / sizeof(edge_values[0]))

static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
static const char int_convs[] = "diuxXo";

/* Build "%[flags][width][.prec]<len><conv>"; returns the star args used. */
static int build_spec(char *p, const char *len, char conv, int *stars)
{
	static const char flag_chars[] = "-0+ #";
	int nstar = 0;
	unsigned int nflags = (unsigned int)(rng() % 4);

	*p++ = '%';
	for (unsigned int i = 0; i < nflags; i++)
		*p++ = flag_chars[rng() % 5];
	switch (rng() % 4) {
	case 0:
		break;
	case 1:
		p += sprintf(p, "%u", (unsigned int)(rng() % 25));
		break;
	case 2:
		p += sprintf(p, "%u", (unsigned int)(1 + rng() % 9));
		break;
	default:
		*p++ = '*';
		stars[nstar++] = (int)(rng() % 51) - 25;
		break;
	}
	switch (rng() % 5) {
	case 0:
	case 1:
		break;
	case 2:
		*p++ = '.';
		break;
	case 3:
		p += sprintf(p, ".%u", (unsigned int)(rng() % 25));
		break;
	default:
		p += sprintf(p, ".*");
		stars[nstar++] = (int)(rng() % 40) - 10;
		break;
	}
	p += sprintf(p, "%s%c", len, conv);
	*p = '\0';
	return nstar;
}

static size_t pick_size(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 5, 8, 13, 21, BUF };

	return sizes[rng() % (sizeof(sizes) / sizeof(sizes[0]))];
}

/* Pass v with the C type that the length modifier and conversion name. */
#define PASS_STARS(size, fmt, nstar, st, v)                                   \
	do {                                                                  \
		if ((nstar) == 0)                                             \
			compare(size, fmt, v);                                \
		else if ((nstar) == 1)                                        \
			compare(size, fmt, (st)[0], v);                       \
		else                                                          \
			compare(size, fmt, (st)[0], (st)[1], v);              \
	} while (0)

static void compare_int(size_t size, const char *fmt, int li, bool is_signed,
			int nstar, const int *st, uint64_t v)
{
	switch (li) {
	case 0:
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (int)v);
		else
			PASS_STARS(size, fmt, nstar, st, (unsigned int)v);
		break;
	case 1:
	case 2:
		/* hh and h arguments arrive promoted to int: pass the whole
		 * value so the conversion's own truncation is exercised. */
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (int)v);
		else
			PASS_STARS(size, fmt, nstar, st, (unsigned int)v);
		break;
	case 3:
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (long)v);
		else
			PASS_STARS(size, fmt, nstar, st, (unsigned long)v);
		break;
	case 4:
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (long long)v);
		else
			PASS_STARS(size, fmt, nstar, st, (unsigned long long)v);
		break;
	case 5:
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (ptrdiff_t)v);
		else
			PASS_STARS(size, fmt, nstar, st, (size_t)v);
		break;
	case 6:
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (ptrdiff_t)v);
		else
			PASS_STARS(size, fmt, nstar, st, (size_t)v);
		break;
	default:
		if (is_signed)
			PASS_STARS(size, fmt, nstar, st, (intmax_t)v);
		else
			PASS_STARS(size, fmt, nstar, st, (uintmax_t)v);
		break;
	}
}

/* Every length x conversion x edge value, each with fresh random flags,
 * width, precision and buffer size. */
static void test_sweep_integers(void **state)
{
	char fmt[64];
	int st[2];

	rng_state = 11;
	compared = 0;
	for (int rep = 0; rep < 12; rep++) {
		for (int li = 0; li < 8; li++) {
			for (const char *c = int_convs; *c; c++) {
				for (size_t vi = 0; vi < NEDGE + 4; vi++) {
					uint64_t v = vi < NEDGE ? edge_values[vi]
							       : rng() >> (rng() % 64);
					bool is_signed = *c == 'd' || *c == 'i';
					int nstar;

					/* Text around the spec checks its length. */
					fmt[0] = '<';
					nstar = build_spec(fmt + 1, lengths[li], *c,
							   st);
					strcat(fmt, ">");
					compare_int(pick_size(), fmt, li, is_signed,
						    nstar, st, v);
				}
			}
		}
	}
	/* Guard against the sweep silently shrinking. */
	assert_true(compared > 20000);
}

/* Every flag combination with a set of widths/precisions, exhaustively. */
static void test_sweep_flags_exhaustive(void **state)
{
	static const char *const wp[] = { "", "1", "6", "12", ".", ".0", ".1",
					  ".5", "6.3", "12.8", "3.10", "06" };
	static const int vals[] = { 0, 1, -1, 42, -42, INT_MIN, INT_MAX, 0x1f };
	char fmt[32];

	for (unsigned int mask = 0; mask < 32; mask++) {
		for (size_t w = 0; w < sizeof(wp) / sizeof(wp[0]); w++) {
			for (const char *c = int_convs; *c; c++) {
				char *p = fmt;

				*p++ = '%';
				for (int b = 0; b < 5; b++)
					if (mask & (1u << b))
						*p++ = "-0+ #"[b];
				sprintf(p, "%s%c|", wp[w], *c);
				for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]);
				     v++)
					compare(BUF, fmt, vals[v]);
			}
		}
	}
}

static void test_sweep_char_string(void **state)
{
	static const char *const strs[] = { "", "a", "abc", "hello world",
					    "0123456789abcdefghij" };
	char fmt[64];
	int st[2];

	rng_state = 12;
	for (int rep = 0; rep < 3000; rep++) {
		int nstar;
		size_t size = pick_size();

		fmt[0] = '[';
		if (rep & 1) {
			nstar = build_spec(fmt + 1, "", 's', st);
			strcat(fmt, "]");
			PASS_STARS(size, fmt, nstar, st,
				   strs[rng() % (sizeof(strs) / sizeof(strs[0]))]);
		} else {
			/* Skip NUL: it would end libc's and our output
			 * alike but hide the rest of the comparison. */
			int ch = (int)(1 + rng() % 255);

			nstar = build_spec(fmt + 1, "", 'c', st);
			strcat(fmt, "]");
			PASS_STARS(size, fmt, nstar, st, ch);
		}
	}
}

static void test_sweep_mixed(void **state)
{
	char fmt[128];

	rng_state = 13;
	/* Several conversions in one format, libc as the reference. */
	for (int rep = 0; rep < 2000; rep++) {
		int st1[2], st2[2], n1, n2;
		uint64_t a = edge_values[rng() % NEDGE];
		uint64_t b = rng();
		char *p = fmt;

		p += sprintf(p, "x=");
		n1 = build_spec(p, "ll", 'x', st1);
		p += strlen(p);
		p += sprintf(p, " y=");
		n2 = build_spec(p, "", 'd', st2);
		p += strlen(p);
		sprintf(p, " s=%%s %%%% end");
		if (n1 == 0 && n2 == 0)
			compare(pick_size(), fmt, (unsigned long long)a, (int)b,
				"str");
		else if (n1 == 0 && n2 == 1)
			compare(pick_size(), fmt, (unsigned long long)a, st2[0],
				(int)b, "str");
		else if (n1 == 0)
			compare(pick_size(), fmt, (unsigned long long)a, st2[0],
				st2[1], (int)b, "str");
		else if (n1 == 1 && n2 == 0)
			compare(pick_size(), fmt, st1[0], (unsigned long long)a,
				(int)b, "str");
		else if (n1 == 2 && n2 == 0)
			compare(pick_size(), fmt, st1[0], st1[1],
				(unsigned long long)a, (int)b, "str");
		/* Mixed star counts on both sides are covered above. */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_integers),
		cmocka_unit_test(test_table_strings),
		cmocka_unit_test(test_table_pointer),
		cmocka_unit_test(test_table_unsupported),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_huge_width),
		cmocka_unit_test(test_sweep_integers),
		cmocka_unit_test(test_sweep_flags_exhaustive),
		cmocka_unit_test(test_sweep_char_string),
		cmocka_unit_test(test_sweep_mixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
