/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the physical range sets (hv/common/mm/range.c): edge cases
 * with exact expected sets, and a random walk checked byte by byte against a
 * model, at the bottom and at the very top of the address space.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <basalt/mm/range.h>

#define U64MAX UINT64_MAX

static struct mem_range store[16];
static struct range_set set;

static void fresh(size_t cap)
{
	memset(store, 0xa5, sizeof(store));
	range_set_init(&set, store, cap);
}

/* Compare the set with a flat list of start, end pairs. */
static void expect_set(size_t n, ...)
{
	va_list ap;

	assert_int_equal(set.n, n);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t s = va_arg(ap, uint64_t);
		uint64_t e = va_arg(ap, uint64_t);

		assert_int_equal(set.r[i].start, s);
		assert_int_equal(set.r[i].end, e);
	}
	va_end(ap);
}

#define R(a, b) (uint64_t)(a), (uint64_t)(b)

static void test_init_empty(void **st)
{
	fresh(4);
	assert_ptr_equal(set.r, store);
	assert_int_equal(set.cap, 4);
	expect_set(0);
	assert_int_equal(range_set_total(&set), 0);
	assert_false(range_set_contains(&set, 0, 1));
	assert_false(range_set_overlaps(&set, 0, U64MAX));
}

static void test_add(void **st)
{
	fresh(4);
	/* Empty ranges are accepted and ignored. */
	assert_true(range_set_add(&set, 5, 5));
	assert_true(range_set_add(&set, 9, 3));
	expect_set(0);

	assert_true(range_set_add(&set, 100, 200));
	assert_true(range_set_add(&set, 10, 20));
	assert_true(range_set_add(&set, 300, 400));
	expect_set(3, R(10, 20), R(100, 200), R(300, 400));
	/* Adjacent on either side merges. */
	assert_true(range_set_add(&set, 20, 30));
	assert_true(range_set_add(&set, 90, 100));
	expect_set(3, R(10, 30), R(90, 200), R(300, 400));
	/* Inside an existing range: no change. */
	assert_true(range_set_add(&set, 120, 130));
	expect_set(3, R(10, 30), R(90, 200), R(300, 400));
	/* Bridges two ranges by touching both. */
	assert_true(range_set_add(&set, 200, 300));
	expect_set(2, R(10, 30), R(90, 400));
	/* Swallows everything. */
	assert_true(range_set_add(&set, 5, 500));
	expect_set(1, R(5, 500));
	assert_int_equal(range_set_total(&set), 495);
}

static void test_add_full(void **st)
{
	fresh(2);
	assert_true(range_set_add(&set, 10, 20));
	assert_true(range_set_add(&set, 30, 40));
	/* A third separate range does not fit; the set is unchanged. */
	assert_false(range_set_add(&set, 50, 60));
	assert_false(range_set_add(&set, 0, 5));
	assert_false(range_set_add(&set, 22, 28));
	expect_set(2, R(10, 20), R(30, 40));
	/* Merging needs no slot, so it still works when full. */
	assert_true(range_set_add(&set, 40, 50));
	assert_true(range_set_add(&set, 5, 10));
	expect_set(2, R(5, 20), R(30, 50));
	assert_true(range_set_add(&set, 20, 30));
	expect_set(1, R(5, 50));
	/* Storage beyond cap is never written. */
	assert_int_equal(store[2].start, 0xa5a5a5a5a5a5a5a5ull);
}

static void test_remove(void **st)
{
	fresh(4);
	assert_true(range_set_add(&set, 100, 200));
	/* Empty and disjoint or merely touching removals change nothing. */
	assert_true(range_set_remove(&set, 150, 150));
	assert_true(range_set_remove(&set, 160, 140));
	assert_true(range_set_remove(&set, 0, 100));
	assert_true(range_set_remove(&set, 200, 300));
	expect_set(1, R(100, 200));
	/* Split in the middle. */
	assert_true(range_set_remove(&set, 140, 160));
	expect_set(2, R(100, 140), R(160, 200));
	/* Trim head and tail. */
	assert_true(range_set_remove(&set, 90, 110));
	assert_true(range_set_remove(&set, 190, 210));
	expect_set(2, R(110, 140), R(160, 190));
	/* Exact range. */
	assert_true(range_set_remove(&set, 110, 140));
	expect_set(1, R(160, 190));
	/* Spanning several ranges, trimming both outer ones. */
	assert_true(range_set_add(&set, 10, 20));
	assert_true(range_set_add(&set, 30, 40));
	assert_true(range_set_add(&set, 50, 60));
	expect_set(4, R(10, 20), R(30, 40), R(50, 60), R(160, 190));
	assert_true(range_set_remove(&set, 15, 170));
	expect_set(2, R(10, 15), R(170, 190));
	/* Everything. */
	assert_true(range_set_remove(&set, 0, U64MAX));
	expect_set(0);
	assert_int_equal(range_set_total(&set), 0);
}

static void test_remove_full(void **st)
{
	fresh(2);
	assert_true(range_set_add(&set, 10, 20));
	assert_true(range_set_add(&set, 30, 40));
	/* A split needs a slot: refused, set unchanged. */
	assert_false(range_set_remove(&set, 12, 14));
	assert_false(range_set_remove(&set, 31, 39));
	expect_set(2, R(10, 20), R(30, 40));
	/* Trims need none. */
	assert_true(range_set_remove(&set, 10, 12));
	assert_true(range_set_remove(&set, 38, 45));
	expect_set(2, R(12, 20), R(30, 38));
	assert_true(range_set_remove(&set, 15, 35));
	expect_set(2, R(12, 15), R(35, 38));
	assert_int_equal(store[2].start, 0xa5a5a5a5a5a5a5a5ull);
}

static void test_contains_overlaps(void **st)
{
	fresh(4);
	assert_true(range_set_add(&set, 100, 200));
	assert_true(range_set_add(&set, 300, 400));

	assert_true(range_set_contains(&set, 100, 200));
	assert_true(range_set_contains(&set, 100, 101));
	assert_true(range_set_contains(&set, 199, 200));
	assert_true(range_set_contains(&set, 300, 400));
	assert_false(range_set_contains(&set, 99, 101));
	assert_false(range_set_contains(&set, 199, 201));
	assert_false(range_set_contains(&set, 200, 201));
	assert_false(range_set_contains(&set, 150, 350));
	assert_false(range_set_contains(&set, 0, U64MAX));
	/* Empty queries are refused, even inside a range. */
	assert_false(range_set_contains(&set, 150, 150));
	assert_false(range_set_contains(&set, 160, 150));

	assert_true(range_set_overlaps(&set, 0, 101));
	assert_true(range_set_overlaps(&set, 199, 300));
	assert_true(range_set_overlaps(&set, 150, 350));
	assert_true(range_set_overlaps(&set, 399, U64MAX));
	assert_true(range_set_overlaps(&set, 0, U64MAX));
	assert_false(range_set_overlaps(&set, 0, 100));
	assert_false(range_set_overlaps(&set, 200, 300));
	assert_false(range_set_overlaps(&set, 400, U64MAX));
	assert_false(range_set_overlaps(&set, 150, 150));
	assert_false(range_set_overlaps(&set, 150, 140));
	assert_int_equal(range_set_total(&set), 200);
}

static void test_top_of_address_space(void **st)
{
	fresh(4);
	/* The largest representable range, and the top byte range. */
	assert_true(range_set_add(&set, U64MAX - 10, U64MAX));
	assert_true(range_set_add(&set, U64MAX - 30, U64MAX - 20));
	expect_set(2, R(U64MAX - 30, U64MAX - 20), R(U64MAX - 10, U64MAX));
	assert_true(range_set_contains(&set, U64MAX - 1, U64MAX));
	assert_true(range_set_overlaps(&set, U64MAX - 1, U64MAX));
	assert_false(range_set_contains(&set, U64MAX, U64MAX));
	assert_true(range_set_add(&set, 0, U64MAX));
	expect_set(1, R(0, U64MAX));
	assert_int_equal(range_set_total(&set), U64MAX);
	assert_true(range_set_remove(&set, U64MAX - 1, U64MAX));
	expect_set(1, R(0, U64MAX - 1));
	assert_true(range_set_remove(&set, 0, 1));
	expect_set(1, R(1, U64MAX - 1));
	assert_int_equal(range_set_total(&set), U64MAX - 2);
	assert_true(range_set_remove(&set, 1ull << 63, (1ull << 63) + 1));
	expect_set(2, R(1, 1ull << 63), R((1ull << 63) + 1, U64MAX - 1));

	uint64_t at = 0;

	/* Take at the very top, and a size that fills the whole range. */
	fresh(4);
	assert_true(range_set_add(&set, 0, U64MAX));
	assert_true(range_set_take(&set, 1, 1, U64MAX, &at));
	assert_int_equal(at, U64MAX - 1);
	assert_true(range_set_take(&set, 0x1000, 0x1000, U64MAX, &at));
	assert_int_equal(at, U64MAX - 0x1fff);
	expect_set(2, R(0, U64MAX - 0x1fff), R(U64MAX - 0xfff, U64MAX - 1));
	assert_true(range_set_take(&set, 1ull << 63, 1ull << 63, U64MAX, &at));
	assert_int_equal(at, 0);
	expect_set(2, R(1ull << 63, U64MAX - 0x1fff),
		   R(U64MAX - 0xfff, U64MAX - 1));
	assert_false(range_set_take(&set, U64MAX, 1, U64MAX, &at));
	assert_true(range_set_take(&set, (1ull << 63) - 0x2000, 1, U64MAX,
				   &at));
	assert_int_equal(at, 1ull << 63);
	expect_set(1, R(U64MAX - 0xfff, U64MAX - 1));
	/* Aligning down to 2^63 would land below the range: no fit. */
	assert_false(range_set_take(&set, 1, 1ull << 63, U64MAX, &at));
	assert_int_equal(at, 1ull << 63);
	expect_set(1, R(U64MAX - 0xfff, U64MAX - 1));
}

static void test_take(void **st)
{
	uint64_t at = 12345;

	fresh(4);
	assert_true(range_set_add(&set, 0x1000, 0x9000));
	assert_true(range_set_add(&set, 0x10000, 0x10800));

	/* Bad arguments. */
	assert_false(range_set_take(&set, 0, 1, U64MAX, &at));
	assert_false(range_set_take(&set, 0x100, 0, U64MAX, &at));
	assert_false(range_set_take(&set, 0x100, 3, U64MAX, &at));
	assert_false(range_set_take(&set, 0x100, 0x1800, U64MAX, &at));
	assert_int_equal(at, 12345);
	expect_set(2, R(0x1000, 0x9000), R(0x10000, 0x10800));

	/* Highest fit, taken from the top of the highest range. */
	assert_true(range_set_take(&set, 0x100, 0x100, U64MAX, &at));
	assert_int_equal(at, 0x10700);
	expect_set(2, R(0x1000, 0x9000), R(0x10000, 0x10700));
	/* Too big for the high range: falls to the lower one. */
	assert_true(range_set_take(&set, 0x1000, 0x1000, U64MAX, &at));
	assert_int_equal(at, 0x8000);
	expect_set(2, R(0x1000, 0x8000), R(0x10000, 0x10700));
	/* Alignment pushes the block down and splits the range. */
	assert_true(range_set_take(&set, 0x100, 0x10000, U64MAX, &at));
	assert_int_equal(at, 0x10000);
	expect_set(2, R(0x1000, 0x8000), R(0x10100, 0x10700));
	assert_true(range_set_take(&set, 0x800, 0x4000, U64MAX, &at));
	assert_int_equal(at, 0x4000);
	expect_set(3, R(0x1000, 0x4000), R(0x4800, 0x8000),
		   R(0x10100, 0x10700));
	/* The limit is exclusive: the block ends at or below it. */
	assert_true(range_set_take(&set, 0x100, 1, 0x3100, &at));
	assert_int_equal(at, 0x3000);
	expect_set(4, R(0x1000, 0x3000), R(0x3100, 0x4000),
		   R(0x4800, 0x8000), R(0x10100, 0x10700));
	/* A split with full storage fails and changes nothing. */
	assert_false(range_set_take(&set, 0x100, 1, 0x2100, &at));
	assert_int_equal(at, 0x3000);
	expect_set(4, R(0x1000, 0x3000), R(0x3100, 0x4000),
		   R(0x4800, 0x8000), R(0x10100, 0x10700));
	/* Nothing below the limit, or nothing big enough. */
	assert_false(range_set_take(&set, 1, 1, 0x1000, &at));
	assert_false(range_set_take(&set, 0x4000, 1, U64MAX, &at));
	/* Exactly a whole range. */
	assert_true(range_set_take(&set, 0x3800, 0x800, U64MAX, &at));
	assert_int_equal(at, 0x4800);
	expect_set(3, R(0x1000, 0x3000), R(0x3100, 0x4000),
		   R(0x10100, 0x10700));
	assert_int_equal(range_set_total(&set), 0x2000 + 0xf00 + 0x600);
}

/* --- Random walk against a byte model ---------------------------------- */

#define SPACE 256

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Ranges of the model, as they must appear in the set. */
static size_t model_ranges(const uint8_t *m, uint64_t base,
			   struct mem_range *out, size_t max)
{
	size_t n = 0;

	for (unsigned int i = 0; i < SPACE; i++) {
		if (!m[i] || (i > 0 && m[i - 1]))
			continue;
		unsigned int j = i;

		while (j < SPACE && m[j])
			j++;
		if (n < max) {
			out[n].start = base + i;
			out[n].end = base + j;
		}
		n++;
	}
	return n;
}

static void check_model(const uint8_t *m, uint64_t base)
{
	struct mem_range want[SPACE];
	size_t n = model_ranges(m, base, want, SPACE);

	assert_int_equal(set.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(set.r[i].start, want[i].start);
		assert_int_equal(set.r[i].end, want[i].end);
	}
}

static void random_walk(uint64_t base, size_t cap)
{
	uint8_t m[SPACE], next[SPACE];
	struct mem_range scratch[SPACE];
	unsigned int op;

	assert_true(cap <= 16);
	fresh(cap);
	memset(m, 0, sizeof(m));
	rng_state = 0x9e3779b97f4a7c15ull ^ base ^ cap;

	for (op = 0; op < 20000; op++) {
		unsigned int a = (unsigned int)(rnd() % (SPACE + 1));
		unsigned int b = (unsigned int)(rnd() % (SPACE + 1));
		unsigned int kind = (unsigned int)(rnd() % 8);
		uint64_t s = base + a, e = base + b;
		bool fits, ok;

		if (kind >= 5) {
			/* Queries. */
			bool all = a < b, any = false;

			for (unsigned int i = a; i < b; i++) {
				all = all && m[i];
				any = any || m[i];
			}
			assert_int_equal(range_set_contains(&set, s, e), all);
			assert_int_equal(range_set_overlaps(&set, s, e), any);
			uint64_t total = 0;

			for (unsigned int i = 0; i < SPACE; i++)
				total += m[i];
			assert_int_equal(range_set_total(&set), total);
			continue;
		}

		if (kind == 4) {
			/* take: size 1..64, alignment 1..128, limit anywhere. */
			uint64_t size = 1 + rnd() % 64;
			uint64_t align = 1ull << (rnd() % 8);
			uint64_t limit = rnd() % 4 == 0 ? U64MAX : base + a;
			uint64_t at = 7, want = 0;
			bool found = false;

			for (unsigned int i = SPACE; i-- > 0 && !found;) {
				uint64_t addr = base + i;

				if (i + size > SPACE || addr % align != 0 ||
				    addr + size > limit)
					continue;
				found = true;
				for (unsigned int k = i; k < i + size; k++)
					found = found && m[k];
				if (found)
					want = addr;
			}
			memcpy(next, m, sizeof(m));
			if (found)
				memset(next + (want - base), 0, size);
			fits = model_ranges(next, base, scratch, SPACE) <= cap;
			ok = range_set_take(&set, size, align, limit, &at);
			assert_int_equal(ok, found && fits);
			if (ok) {
				assert_int_equal(at, want);
				memcpy(m, next, sizeof(m));
			} else {
				assert_int_equal(at, 7);
			}
			check_model(m, base);
			continue;
		}

		memcpy(next, m, sizeof(m));
		for (unsigned int i = a; i < b; i++)
			next[i] = kind < 2;
		fits = model_ranges(next, base, scratch, SPACE) <= cap;
		if (kind < 2)
			ok = range_set_add(&set, s, e);
		else
			ok = range_set_remove(&set, s, e);
		assert_int_equal(ok, fits);
		if (ok)
			memcpy(m, next, sizeof(m));
		check_model(m, base);
	}
}

static void test_random_low(void **st)
{
	random_walk(0, 16);
	random_walk(0, 3);
}

static void test_random_top(void **st)
{
	/* The model's last byte is the highest representable one. */
	random_walk(U64MAX - SPACE, 16);
	random_walk(U64MAX - SPACE, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_full),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_remove_full),
		cmocka_unit_test(test_contains_overlaps),
		cmocka_unit_test(test_top_of_address_space),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_random_low),
		cmocka_unit_test(test_random_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
