/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/lib/string.c: every function is compared against the
 * host libc on random buffers, at every alignment, with overlap in both
 * directions for memmove. Built with host_rename.h, so ours are bsl_*.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/lib/string.h>

/* From here on the plain names are libc's, the bsl_ names are ours. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strstr
#undef strlcpy

#define BUF 512

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64: deterministic across runs and hosts. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rng();
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Lengths that cross every word-loop boundary, plus a few large ones. */
static const size_t lengths[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33,
	63, 64, 65, 100, 127, 128, 129, 255, 256, 300, 400,
};
#define NLEN (sizeof(lengths) / sizeof(lengths[0]))

static void test_memcpy(void **state)
{
	static unsigned char src[BUF], got[BUF], want[BUF];

	rng_state = 1;
	for (size_t sa = 0; sa < 16; sa++) {
		for (size_t da = 0; da < 16; da++) {
			for (size_t li = 0; li < NLEN; li++) {
				size_t n = lengths[li];

				fill_random(src, BUF);
				fill_random(got, BUF);
				memcpy(want, got, BUF);
				assert_ptr_equal(bsl_memcpy(got + da, src + sa, n),
						 got + da);
				memcpy(want + da, src + sa, n);
				assert_memory_equal(got, want, BUF);
			}
		}
	}
}

static void test_memmove_overlap(void **state)
{
	static unsigned char got[BUF], want[BUF];

	rng_state = 2;
	/* Every pair of offsets within a window, so the regions overlap
	 * with dst below, equal to and above src. */
	for (size_t so = 0; so < 40; so++) {
		for (size_t d0 = 0; d0 < 40; d0++) {
			for (size_t li = 0; li < NLEN; li++) {
				size_t n = lengths[li];

				if (n > 200)
					continue;
				fill_random(got, BUF);
				memcpy(want, got, BUF);
				assert_ptr_equal(bsl_memmove(got + d0, got + so, n),
						 got + d0);
				memmove(want + d0, want + so, n);
				assert_memory_equal(got, want, BUF);
			}
		}
	}
}

static void test_memmove_large(void **state)
{
	static unsigned char got[BUF], want[BUF];

	rng_state = 3;
	for (int i = 0; i < 2000; i++) {
		size_t a = rng() % BUF, b = rng() % BUF;
		size_t max = BUF - (a > b ? a : b);
		size_t n = max ? rng() % (max + 1) : 0;

		fill_random(got, BUF);
		memcpy(want, got, BUF);
		bsl_memmove(got + a, got + b, n);
		memmove(want + a, want + b, n);
		assert_memory_equal(got, want, BUF);
	}
}

static void test_memset(void **state)
{
	static unsigned char got[BUF], want[BUF];
	static const int values[] = { 0, 1, 0x5a, 0x7f, 0x80, 0xff, -1, 0x1ab,
				      -0x80 };

	rng_state = 4;
	for (size_t a = 0; a < 16; a++) {
		for (size_t li = 0; li < NLEN; li++) {
			for (size_t vi = 0; vi < sizeof(values) / sizeof(values[0]);
			     vi++) {
				size_t n = lengths[li];

				fill_random(got, BUF);
				memcpy(want, got, BUF);
				assert_ptr_equal(bsl_memset(got + a, values[vi], n),
						 got + a);
				memset(want + a, values[vi], n);
				assert_memory_equal(got, want, BUF);
			}
		}
	}
}

static void test_memcmp(void **state)
{
	static unsigned char a[BUF], b[BUF];

	rng_state = 5;
	for (int i = 0; i < 3000; i++) {
		size_t n = rng() % 80, oa = rng() % 16, ob = rng() % 16;

		fill_random(a, BUF);
		memcpy(b + ob, a + oa, n);
		/* Half the time plant one difference, often in the high
		 * half of the byte range to catch signed-char compares. */
		if (n && (rng() & 1)) {
			size_t at = rng() % n;

			b[ob + at] = (unsigned char)rng();
		}
		assert_int_equal(sign(bsl_memcmp(a + oa, b + ob, n)),
				 sign(memcmp(a + oa, b + ob, n)));
		assert_int_equal(sign(bsl_memcmp(b + ob, a + oa, n)),
				 sign(memcmp(b + ob, a + oa, n)));
	}
	assert_int_equal(bsl_memcmp("\x80", "\x7f", 1), 1);
	assert_int_equal(bsl_memcmp("\x7f", "\x80", 1), -1);
	assert_int_equal(bsl_memcmp("abc", "abd", 2), 0);
	assert_int_equal(bsl_memcmp(NULL, NULL, 0), 0);
}

static void test_memchr(void **state)
{
	static unsigned char buf[BUF];

	rng_state = 6;
	for (int i = 0; i < 3000; i++) {
		size_t off = rng() % 16, n = rng() % 100;
		int c = (int)(rng() % 0x300) - 0x100;

		/* A small alphabet makes hits common. */
		for (size_t j = 0; j < BUF; j++)
			buf[j] = (unsigned char)(0x7e + rng() % 4);
		assert_ptr_equal(bsl_memchr(buf + off, c, n),
				 memchr(buf + off, c, n));
		assert_ptr_equal(bsl_memchr(buf + off, 0x7f, n),
				 memchr(buf + off, 0x7f, n));
	}
	/* Only the low byte of c counts. */
	assert_ptr_equal(bsl_memchr("xAy", 0x141, 3), memchr("xAy", 0x141, 3));
	/* Bytes past n are not looked at. */
	assert_null(bsl_memchr("abc", 'c', 2));
}

static void test_strlen(void **state)
{
	static char buf[BUF];

	rng_state = 7;
	for (size_t a = 0; a < 16; a++) {
		for (size_t len = 0; len < 100; len++) {
			for (size_t j = 0; j < BUF; j++)
				buf[j] = (char)(1 + rng() % 255);
			buf[a + len] = '\0';
			assert_int_equal(bsl_strlen(buf + a), len);
			for (size_t max = 0; max < len + 3; max++)
				assert_int_equal(bsl_strnlen(buf + a, max),
						 strnlen(buf + a, max));
		}
	}
	/* strnlen must not look past max: this array has no terminator. */
	static const char unterminated[4] = { 'a', 'b', 'c', 'd' };

	assert_int_equal(bsl_strnlen(unterminated, 4), 4);
	assert_int_equal(bsl_strnlen(unterminated, 2), 2);
}

static void random_string(char *p, size_t len, unsigned int alphabet)
{
	/* Includes bytes >= 0x80 to catch signed-char comparisons. */
	static const char chars[] = "ab\x80\xff" "c";

	for (size_t i = 0; i < len; i++)
		p[i] = chars[rng() % alphabet];
	p[len] = '\0';
}

static void test_strcmp(void **state)
{
	char a[64], b[64];

	rng_state = 8;
	for (int i = 0; i < 20000; i++) {
		random_string(a, rng() % 8, 4);
		random_string(b, rng() % 8, 4);
		assert_int_equal(sign(bsl_strcmp(a, b)), sign(strcmp(a, b)));
		for (size_t n = 0; n < 10; n++)
			assert_int_equal(sign(bsl_strncmp(a, b, n)),
					 sign(strncmp(a, b, n)));
	}
	assert_int_equal(bsl_strcmp("", ""), 0);
	assert_true(bsl_strcmp("ab", "abc") < 0);
	assert_true(bsl_strcmp("abc", "ab") > 0);
	assert_true(bsl_strcmp("\x80", "a") > 0);
	assert_int_equal(bsl_strncmp("abcX", "abcY", 3), 0);
	assert_true(bsl_strncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(bsl_strncmp("x", "y", 0), 0);
	/* Stops at a shared terminator even when n is larger. */
	assert_int_equal(bsl_strncmp("ab\0x", "ab\0y", 4), 0);
}

static void test_strchr(void **state)
{
	char s[64];

	rng_state = 9;
	for (int i = 0; i < 5000; i++) {
		random_string(s, rng() % 20, 5);
		for (int c = 0; c < 256; c += 1) {
			assert_ptr_equal(bsl_strchr(s, c), strchr(s, c));
		}
	}
	/* Searching for the terminator finds it. */
	assert_ptr_equal(bsl_strchr(s, '\0'), s + strlen(s));
	/* c is converted to char. */
	assert_ptr_equal(bsl_strchr("xAy", 0x141), strchr("xAy", 0x141));
	assert_null(bsl_strchr("abc", 'z'));
}

static void test_strstr(void **state)
{
	char h[64], n[8];

	rng_state = 10;
	for (int i = 0; i < 20000; i++) {
		random_string(h, rng() % 40, 3);
		random_string(n, rng() % 5, 3);
		assert_ptr_equal(bsl_strstr(h, n), strstr(h, n));
	}
	assert_ptr_equal(bsl_strstr(h, ""), h);
	assert_null(bsl_strstr("", "a"));
	assert_null(bsl_strstr("aab", "abb"));
	const char *hay = "console=com1 com1=115200";

	assert_ptr_equal(bsl_strstr(hay, "com1="), hay + 13);
}

static void test_strlcpy(void **state)
{
	static const char *srcs[] = { "", "a", "hello", "exactly8",
				      "a somewhat longer string here" };

	for (size_t si = 0; si < sizeof(srcs) / sizeof(srcs[0]); si++) {
		const char *src = srcs[si];
		size_t len = strlen(src);

		for (size_t size = 0; size < len + 3; size++) {
			char buf[48];
			size_t copied = size ? (len < size - 1 ? len : size - 1) : 0;

			memset(buf, '#', sizeof(buf));
			assert_int_equal(bsl_strlcpy(buf, src, size), len);
			assert_memory_equal(buf, src, copied);
			if (size)
				assert_int_equal(buf[copied], '\0');
			/* Nothing written at or past size. */
			for (size_t j = size; j < sizeof(buf); j++)
				assert_int_equal(buf[j], '#');
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memmove_large),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_memchr),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strstr),
		cmocka_unit_test(test_strlcpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
