/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/lib/sort.c: sort() against qsort on random arrays of
 * several element sizes and key ranges (many duplicates), and
 * bsearch_sorted() hits and misses across whole arrays, ends included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/lib/sort.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Elements are `elem_size` bytes; the key is the first byte (size 1),
 * the first two bytes (sizes 2 and 3) or the first four; the rest is
 * payload that must travel with its key. */
static size_t elem_size;
static unsigned long ncmp;

static uint32_t key_of(const void *p)
{
	const unsigned char *b = p;

	if (elem_size == 1)
		return b[0];
	if (elem_size < 4)
		return (uint32_t)b[0] | (uint32_t)b[1] << 8;
	uint32_t k;

	memcpy(&k, b, sizeof(k));
	return k;
}

static int cmp_key(const void *a, const void *b)
{
	uint32_t x = key_of(a), y = key_of(b);

	ncmp++;
	return (x > y) - (x < y);
}

static int cmp_bytes(const void *a, const void *b)
{
	return memcmp(a, b, elem_size);
}

static void set_key(unsigned char *p, uint32_t k)
{
	if (elem_size == 1)
		p[0] = (unsigned char)k;
	else if (elem_size < 4)
		memcpy(p, &k, 2);
	else
		memcpy(p, &k, 4);
}

enum shape { RANDOM, FEW_KEYS, ALL_EQUAL, ASCENDING, DESCENDING, NSHAPES };

static void fill(unsigned char *a, size_t n, enum shape shape)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = a + i * elem_size;
		uint32_t k;

		for (size_t j = 0; j < elem_size; j++)
			p[j] = (unsigned char)rng();
		switch (shape) {
		case FEW_KEYS:
			k = (uint32_t)(rng() % 4);
			break;
		case ALL_EQUAL:
			k = 7;
			break;
		case ASCENDING:
			k = (uint32_t)i;
			break;
		case DESCENDING:
			k = (uint32_t)(n - i);
			break;
		default:
			k = (uint32_t)rng();
			break;
		}
		set_key(p, k);
	}
}

static void check_sorted_permutation(const unsigned char *in,
				     const unsigned char *out, size_t n)
{
	unsigned char *want = malloc(n * elem_size + 1);
	unsigned char *a = malloc(n * elem_size + 1);
	unsigned char *b = malloc(n * elem_size + 1);

	assert_non_null(want);
	assert_non_null(a);
	assert_non_null(b);
	/* Same key order as qsort... */
	memcpy(want, in, n * elem_size);
	qsort(want, n, elem_size, cmp_key);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(key_of(out + i * elem_size),
				 key_of(want + i * elem_size));
	/* ...and the same elements, payload and all. */
	memcpy(a, in, n * elem_size);
	memcpy(b, out, n * elem_size);
	qsort(a, n, elem_size, cmp_bytes);
	qsort(b, n, elem_size, cmp_bytes);
	assert_memory_equal(a, b, n * elem_size);
	free(want);
	free(a);
	free(b);
}

static const size_t sizes[] = { 1, 2, 3, 4, 5, 8, 12, 16, 24, 33 };

static void test_sort_against_qsort(void **state)
{
	static const size_t counts[] = { 0, 1, 2, 3, 4, 5, 7, 8, 16, 31, 100, 257 };

	rng_state = 21;
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		elem_size = sizes[si];
		for (size_t ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++) {
			for (int shape = 0; shape < NSHAPES; shape++) {
				size_t n = counts[ci];
				/* +1 so n == 0 still gets a real buffer. */
				unsigned char *in = malloc(n * elem_size + 1);
				unsigned char *out = malloc(n * elem_size + 1);

				assert_non_null(in);
				assert_non_null(out);
				fill(in, n, (enum shape)shape);
				memcpy(out, in, n * elem_size);
				sort(out, n, elem_size, cmp_key);
				check_sorted_permutation(in, out, n);
				free(in);
				free(out);
			}
		}
	}
}

/* Misaligned bases take the byte-swap path even for 8-byte elements. */
static void test_sort_unaligned(void **state)
{
	static unsigned char buf[8 * 64 + 3];

	rng_state = 22;
	elem_size = 8;
	for (size_t off = 0; off < 4; off++) {
		unsigned char in[8 * 64];

		fill(in, 64, RANDOM);
		memcpy(buf + off, in, sizeof(in));
		sort(buf + off, 64, 8, cmp_key);
		check_sorted_permutation(in, buf + off, 64);
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	ncmp++;
	return (x > y) - (x < y);
}

/* O(n log n) in every shape: heapsort has no quadratic input. */
static void test_sort_comparison_bound(void **state)
{
	enum { N = 4096 };
	static int a[N];
	unsigned long bound = 2UL * N * 12 + 2UL * N; /* log2(4096) = 12 */

	for (int shape = 0; shape < 3; shape++) {
		for (int i = 0; i < N; i++)
			a[i] = shape == 0 ? i : shape == 1 ? N - i : (int)(rng() % 100);
		ncmp = 0;
		sort(a, N, sizeof(a[0]), cmp_int);
		for (int i = 1; i < N; i++)
			assert_true(a[i - 1] <= a[i]);
		assert_true(ncmp <= bound);
	}
}

static void test_sort_trivial(void **state)
{
	int one = 5;
	int two[2] = { 9, 3 };

	sort(NULL, 0, sizeof(int), cmp_int);
	sort(&one, 1, sizeof(int), cmp_int);
	assert_int_equal(one, 5);
	sort(two, 2, sizeof(int), cmp_int);
	assert_int_equal(two[0], 3);
	assert_int_equal(two[1], 9);
}

static int cmp_key_int(const void *key, const void *elem)
{
	int x = *(const int *)key, y = *(const int *)elem;

	return (x > y) - (x < y);
}

static void test_bsearch(void **state)
{
	int a[41];

	for (size_t n = 0; n <= 41; n++) {
		/* Even values 0, 2, ..., 2(n-1): every odd key misses. */
		for (size_t i = 0; i < n; i++)
			a[i] = (int)(2 * i);
		for (int key = -3; key <= (int)(2 * n + 1); key++) {
			int *hit = bsearch_sorted(&key, a, n, sizeof(a[0]),
						  cmp_key_int);

			if (key >= 0 && key % 2 == 0 && key < (int)(2 * n))
				assert_ptr_equal(hit, &a[key / 2]);
			else
				assert_null(hit);
		}
	}
	/* Both ends explicitly. */
	int k0 = 0, klast = 80, kbelow = -1, kabove = 81;

	assert_ptr_equal(bsearch_sorted(&k0, a, 41, sizeof(int), cmp_key_int), &a[0]);
	assert_ptr_equal(bsearch_sorted(&klast, a, 41, sizeof(int), cmp_key_int),
			 &a[40]);
	assert_null(bsearch_sorted(&kbelow, a, 41, sizeof(int), cmp_key_int));
	assert_null(bsearch_sorted(&kabove, a, 41, sizeof(int), cmp_key_int));
	assert_null(bsearch_sorted(&k0, NULL, 0, sizeof(int), cmp_key_int));
}

struct rec {
	uint64_t id;
	char name[12];
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_id_rec(const void *key, const void *elem)
{
	uint64_t k = *(const uint64_t *)key;
	const struct rec *r = elem;

	return (k > r->id) - (k < r->id);
}

/* Sort then search records, with duplicate keys: any equal one may come
 * back, but it must be equal. */
static void test_sort_then_bsearch_records(void **state)
{
	struct rec recs[200];

	rng_state = 23;
	for (size_t i = 0; i < 200; i++) {
		recs[i].id = rng() % 150;
		snprintf(recs[i].name, sizeof(recs[i].name), "r%zu", i);
	}
	sort(recs, 200, sizeof(recs[0]), cmp_rec);
	for (size_t i = 1; i < 200; i++)
		assert_true(recs[i - 1].id <= recs[i].id);
	for (uint64_t k = 0; k < 160; k++) {
		struct rec *hit = bsearch_sorted(&k, recs, 200, sizeof(recs[0]),
						 cmp_id_rec);
		int present = 0;

		for (size_t i = 0; i < 200; i++)
			present |= recs[i].id == k;
		if (present) {
			assert_non_null(hit);
			assert_int_equal(hit->id, k);
		} else {
			assert_null(hit);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_against_qsort),
		cmocka_unit_test(test_sort_unaligned),
		cmocka_unit_test(test_sort_comparison_bound),
		cmocka_unit_test(test_sort_trivial),
		cmocka_unit_test(test_bsearch),
		cmocka_unit_test(test_sort_then_bsearch_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
