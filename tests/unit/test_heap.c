/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the small-object heap (hv/common/mm/heap.c): size classes,
 * alignment, page accounting against a counting backend, refusal of foreign,
 * misaligned and double-freed pointers, and a random run with every byte of
 * every allocation written and checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <basalt/mm/heap.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define PG        4096u
#define ARENA     (256u << 20)
#define GUARD     (64u << 10) /* readable, never handed out */
#define TB_ORDERS 13
#define TB_LIST   4096

/*
 * Test backend: naturally aligned blocks bumped out of one mapping and
 * reused per order. It records every block it hands out, so a free with the
 * wrong pointer or order is an error, and it poisons returned blocks so any
 * later heap access to them stops the test. In quarantine mode returned
 * blocks stay readable and are never reused, which lets double frees of
 * returned pages be tried safely.
 */
struct tb {
	uint8_t *arena;
	size_t bump;
	size_t list[TB_ORDERS][TB_LIST];
	size_t nlist[TB_ORDERS];
	uint8_t owner[ARENA / PG]; /* 1 + order at the head of a live block */
	bool quarantine;
	int fail_after;            /* allocations left before failing; <0: never */
	uint64_t pages_out, allocs, frees, errors;
};

static struct tb tb;
static struct heap heap;

static void *tb_alloc(void *ctx, unsigned int order)
{
	struct tb *t = ctx;
	size_t bytes, off;

	assert_ptr_equal(t, &tb);
	if (order >= TB_ORDERS || t->fail_after == 0)
		return NULL;
	if (t->fail_after > 0)
		t->fail_after--;
	bytes = (size_t)PG << order;
	if (!t->quarantine && t->nlist[order] > 0) {
		off = t->list[order][--t->nlist[order]];
	} else {
		off = (t->bump + bytes - 1) & ~(bytes - 1);
		if (off + bytes > ARENA)
			return NULL;
		t->bump = off + bytes;
	}
	UNPOISON(t->arena + off, bytes);
	/* Junk, so the heap cannot rely on fresh pages being zero. */
	memset(t->arena + off, 0xc5, bytes);
	t->owner[off / PG] = (uint8_t)(1 + order);
	t->pages_out += 1u << order;
	t->allocs++;
	return t->arena + off;
}

static void tb_free(void *ctx, void *p, unsigned int order)
{
	struct tb *t = ctx;
	size_t off = (size_t)((uint8_t *)p - t->arena);

	assert_ptr_equal(t, &tb);
	if ((uint8_t *)p < t->arena || off >= ARENA || off % PG != 0 ||
	    order >= TB_ORDERS || t->owner[off / PG] != 1 + order) {
		t->errors++;
		return;
	}
	t->owner[off / PG] = 0;
	t->pages_out -= 1u << order;
	t->frees++;
	if (t->quarantine)
		return;
	POISON(t->arena + off, (size_t)PG << order);
	assert_true(t->nlist[order] < TB_LIST);
	t->list[order][t->nlist[order]++] = off;
}

static int setup(void **st)
{
	struct heap_backend be = { tb_alloc, tb_free, &tb };
	uint8_t *arena = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			      -1, 0);

	assert_true(arena != MAP_FAILED);
	memset(&tb, 0, sizeof(tb));
	tb.arena = arena;
	tb.bump = GUARD;
	tb.fail_after = -1;
	memset(&heap, 0x77, sizeof(heap));
	heap_init(&heap, &be);
	return 0;
}

static int teardown(void **st)
{
	UNPOISON(tb.arena, ARENA);
	munmap(tb.arena, ARENA);
	return 0;
}

static uint64_t heap_pages(void)
{
	uint64_t n = heap.large_pages;

	for (unsigned int c = 0; c < HEAP_NCLASSES; c++)
		n += heap.stats[c].pages;
	return n;
}

static uint64_t heap_objects(void)
{
	uint64_t n = 0;

	for (unsigned int c = 0; c < HEAP_NCLASSES; c++)
		n += heap.stats[c].in_use;
	return n;
}

/* Slots per class page: the header (64 bytes) takes the first slot's
 * worth of space, rounded up to the class size. */
static const unsigned int slots_per_page[HEAP_NCLASSES] = {
	252, 126, 63, 31, 15, 7, 3, 1,
};

static void test_init_and_trivial(void **st)
{
	assert_ptr_equal(heap.be.ctx, &tb);
	assert_ptr_equal(heap.be.alloc_pages, tb_alloc);
	assert_ptr_equal(heap.be.free_pages, tb_free);
	for (unsigned int c = 0; c < HEAP_NCLASSES; c++) {
		assert_null(heap.partial[c]);
		assert_int_equal(heap.stats[c].in_use, 0);
		assert_int_equal(heap.stats[c].pages, 0);
	}
	assert_int_equal(heap.large_pages, 0);

	assert_null(heap_alloc(&heap, 0));
	assert_true(heap_free(&heap, NULL));
	assert_int_equal(heap_size(&heap, NULL), 0);
	assert_int_equal(tb.allocs, 0);
}

static void test_classes_and_alignment(void **st)
{
	static void *p[2049];

	for (size_t size = 1; size <= 2048; size++) {
		size_t cls = 16, align = 1;

		while (cls < size)
			cls <<= 1;
		while (align < size)
			align <<= 1;
		p[size] = heap_alloc(&heap, size);
		assert_non_null(p[size]);
		assert_int_equal((uintptr_t)p[size] % align, 0);
		assert_int_equal((uintptr_t)p[size] % cls, 0);
		assert_int_not_equal((uintptr_t)p[size] % PG, 0);
		assert_int_equal(heap_size(&heap, p[size]), cls);
		memset(p[size], (int)size, size);
	}
	/* Sizes 1..16 use class 0, 17..32 class 1, ..., 1025..2048 class 7. */
	assert_int_equal(heap.stats[0].in_use, 16);
	for (unsigned int c = 1; c < HEAP_NCLASSES; c++)
		assert_int_equal(heap.stats[c].in_use, 8u << c);
	for (unsigned int c = 0; c < HEAP_NCLASSES; c++) {
		uint64_t n = heap.stats[c].in_use;

		assert_int_equal(heap.stats[c].pages,
				 (n + slots_per_page[c] - 1) / slots_per_page[c]);
	}
	assert_int_equal(tb.pages_out, heap_pages());
	for (size_t size = 2048; size >= 1; size--) {
		for (size_t i = 0; i < size; i++)
			assert_int_equal(((uint8_t *)p[size])[i],
					 (uint8_t)size);
		assert_true(heap_free(&heap, p[size]));
	}
	assert_int_equal(heap_objects(), 0);
	assert_int_equal(heap_pages(), 0);
	assert_int_equal(tb.pages_out, 0);
	assert_int_equal(tb.allocs, tb.frees);
	assert_int_equal(tb.errors, 0);
	for (unsigned int c = 0; c < HEAP_NCLASSES; c++)
		assert_null(heap.partial[c]);
}

static void test_page_fill_and_return(void **st)
{
	static void *p[300];

	for (unsigned int c = 0; c < HEAP_NCLASSES; c++) {
		size_t size = (size_t)16 << c;
		unsigned int n = slots_per_page[c];
		uintptr_t page;

		for (unsigned int i = 0; i < n; i++) {
			p[i] = heap_alloc(&heap, size);
			assert_non_null(p[i]);
		}
		/* All in one page, distinct, and the page is full. */
		page = (uintptr_t)p[0] & ~(uintptr_t)(PG - 1);
		for (unsigned int i = 0; i < n; i++) {
			assert_int_equal((uintptr_t)p[i] & ~(uintptr_t)(PG - 1),
					 page);
			for (unsigned int j = 0; j < i; j++)
				assert_ptr_not_equal(p[i], p[j]);
		}
		assert_int_equal(heap.stats[c].pages, 1);
		assert_int_equal(tb.pages_out, 1);
		assert_null(heap.partial[c]);
		/* One more object needs a second page. */
		p[n] = heap_alloc(&heap, size);
		assert_int_not_equal((uintptr_t)p[n] & ~(uintptr_t)(PG - 1),
				     page);
		assert_int_equal(heap.stats[c].pages, 2);
		assert_int_equal(heap.stats[c].in_use, n + 1);
		assert_int_equal(tb.pages_out, 2);
		/* Emptying the second page returns it at once. */
		assert_true(heap_free(&heap, p[n]));
		assert_int_equal(heap.stats[c].pages, 1);
		assert_int_equal(tb.pages_out, 1);
		/* A freed slot is reused before any new page is taken (a
		 * one-slot page empties and goes back instead). */
		assert_true(heap_free(&heap, p[n / 2]));
		if (n > 1) {
			assert_int_equal((uintptr_t)heap.partial[c], page);
			assert_int_equal(tb.pages_out, 1);
		} else {
			assert_null(heap.partial[c]);
			assert_int_equal(tb.pages_out, 0);
		}
		assert_ptr_equal(heap_alloc(&heap, size), p[n / 2]);
		assert_int_equal(tb.pages_out, 1);
		assert_int_equal(tb.allocs, n > 1 ? 2 * c + 2 : 2 * c + 3);
		for (unsigned int i = 0; i < n; i++)
			assert_true(heap_free(&heap, p[i]));
		assert_int_equal(heap.stats[c].pages, 0);
		assert_int_equal(heap.stats[c].in_use, 0);
		assert_null(heap.partial[c]);
		assert_int_equal(tb.pages_out, 0);
	}
	assert_int_equal(tb.errors, 0);
}

static void test_large(void **st)
{
	static const struct {
		size_t size;
		unsigned int order;
	} cases[] = {
		{ 2049, 1 }, { 4095, 1 }, { 4096, 1 }, { 4097, 2 },
		{ 3 * 4096, 2 }, { 3 * 4096 + 1, 3 }, { 20000, 3 },
		{ 7 * 4096, 3 }, { 7 * 4096 + 1, 4 }, { 1u << 20, 9 },
	};
	void *p[sizeof(cases) / sizeof(cases[0])];
	uint64_t pages = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t usable = (((size_t)1 << cases[i].order) - 1) * PG;

		p[i] = heap_alloc(&heap, cases[i].size);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % PG, 0);
		assert_int_equal(heap_size(&heap, p[i]), usable);
		memset(p[i], 0xab, usable);
		pages += 1u << cases[i].order;
		assert_int_equal(heap.large_pages, pages);
		assert_int_equal(tb.pages_out, pages);
		/* The block handed out by the backend starts one page below. */
		assert_int_equal(tb.owner[((uint8_t *)p[i] - PG - tb.arena) / PG],
				 1 + cases[i].order);
	}
	assert_int_equal(heap_objects(), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true(heap_free(&heap, p[i]));
		pages -= 1u << cases[i].order;
		assert_int_equal(heap.large_pages, pages);
		assert_int_equal(tb.pages_out, pages);
	}
	assert_int_equal(tb.errors, 0);

	/* Sizes no backend can satisfy: refused, the biggest without even
	 * asking the backend. */
	uint64_t calls = tb.allocs;

	assert_null(heap_alloc(&heap, (size_t)1 << 40));
	assert_null(heap_alloc(&heap, SIZE_MAX));
	assert_null(heap_alloc(&heap, SIZE_MAX - 4096));
	assert_int_equal(tb.allocs, calls);
	assert_int_equal(heap.large_pages, 0);
}

static void test_backend_failure(void **st)
{
	void *a, *b;

	tb.fail_after = 0;
	assert_null(heap_alloc(&heap, 16));
	assert_null(heap_alloc(&heap, 5000));
	assert_int_equal(heap_pages(), 0);
	assert_int_equal(heap_objects(), 0);
	assert_null(heap.partial[0]);

	/* One page allowed: the class can use it, the next page fails. */
	tb.fail_after = 1;
	a = heap_alloc(&heap, 2048);
	assert_non_null(a);
	assert_null(heap_alloc(&heap, 2048));
	assert_null(heap_alloc(&heap, 64));
	assert_int_equal(heap.stats[7].in_use, 1);
	assert_int_equal(heap.stats[7].pages, 1);
	assert_int_equal(heap.stats[2].pages, 0);
	tb.fail_after = -1;
	b = heap_alloc(&heap, 2048);
	assert_non_null(b);
	assert_true(heap_free(&heap, a));
	assert_true(heap_free(&heap, b));
	assert_int_equal(tb.pages_out, 0);
}

static void expect_unchanged(const struct heap *before)
{
	assert_memory_equal(heap.stats, before->stats, sizeof(heap.stats));
	assert_memory_equal(heap.partial, before->partial,
			    sizeof(heap.partial));
	assert_int_equal(heap.large_pages, before->large_pages);
}

static void test_bad_pointers(void **st)
{
	static uint8_t foreign[4 * PG] __attribute__((aligned(4096)));
	uint8_t *a = heap_alloc(&heap, 16);
	uint8_t *keep = heap_alloc(&heap, 16);
	uint8_t *big = heap_alloc(&heap, 3 * PG);
	uint8_t *page = (uint8_t *)((uintptr_t)a & ~(uintptr_t)(PG - 1));
	struct heap before = heap;
	uint64_t out = tb.pages_out;

	assert_non_null(a);
	assert_non_null(keep);
	assert_non_null(big);
	memset(big, 0, 3 * PG);

	/* Memory the heap never handed out. */
	assert_false(heap_free(&heap, foreign + PG));
	assert_false(heap_free(&heap, foreign + PG + 64));
	assert_false(heap_free(&heap, foreign + 2 * PG + 2048));
	assert_int_equal(heap_size(&heap, foreign + PG), 0);
	assert_int_equal(heap_size(&heap, foreign + PG + 64), 0);
	/* A copy of a class page at another address is not a class page. */
	memcpy(foreign + PG, page, PG);
	assert_false(heap_free(&heap, foreign + PG + (a - page)));
	assert_int_equal(heap_size(&heap, foreign + PG + (a - page)), 0);

	/* Misaligned or inside the header of a class page. */
	assert_false(heap_free(&heap, a + 1));
	assert_false(heap_free(&heap, a + 8));
	assert_false(heap_free(&heap, a + 15));
	assert_false(heap_free(&heap, page + 8));
	assert_false(heap_free(&heap, page + 48));
	assert_false(heap_free(&heap, page));
	assert_int_equal(heap_size(&heap, a + 8), 0);
	/* A well-aligned slot that is not handed out. */
	assert_false(heap_free(&heap, page + PG - 16));
	assert_int_equal(heap_size(&heap, page + PG - 16), 0);

	/* Inside a large block: data pages and its header page. */
	assert_false(heap_free(&heap, big + PG));
	assert_false(heap_free(&heap, big + 2 * PG));
	assert_false(heap_free(&heap, big + 16));
	assert_false(heap_free(&heap, big - PG + 64));
	assert_false(heap_free(&heap, big - PG));
	assert_int_equal(heap_size(&heap, big + PG), 0);
	assert_int_equal(heap_size(&heap, big + 16), 0);
	expect_unchanged(&before);
	assert_int_equal(tb.pages_out, out);

	/* Double free while the page is still in use. */
	assert_true(heap_free(&heap, a));
	before = heap;
	assert_false(heap_free(&heap, a));
	expect_unchanged(&before);
	assert_int_equal(heap.stats[0].in_use, 1);

	assert_true(heap_free(&heap, keep));
	assert_true(heap_free(&heap, big));
	assert_int_equal(tb.pages_out, 0);
	assert_int_equal(tb.errors, 0);
}

/* Pages already returned stay readable here (quarantine): a second free of
 * their objects must see the cleared magic. */
static void test_double_free_after_return(void **st)
{
	uint8_t *a, *big;
	struct heap before;

	tb.quarantine = true;
	a = heap_alloc(&heap, 100);
	big = heap_alloc(&heap, 10000);
	assert_true(heap_free(&heap, a));
	assert_true(heap_free(&heap, big));
	assert_int_equal(tb.pages_out, 0);
	assert_int_equal(tb.frees, 2);
	before = heap;
	assert_false(heap_free(&heap, a));
	assert_false(heap_free(&heap, big));
	assert_int_equal(heap_size(&heap, a), 0);
	assert_int_equal(heap_size(&heap, big), 0);
	expect_unchanged(&before);
	assert_int_equal(tb.frees, 2);
	assert_int_equal(tb.errors, 0);
}

/* --- Random run ---------------------------------------------------------- */

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct obj {
	uint8_t *p;
	size_t size;
	uint8_t tag;
};

static int class_of_size(size_t size)
{
	int c = 0;

	if (size > 2048)
		return -1;
	while (((size_t)16 << c) < size)
		c++;
	return c;
}

static unsigned int large_order(size_t size)
{
	size_t pages = (size + PG - 1) / PG + 1;
	unsigned int k = 0;

	while (((size_t)1 << k) < pages)
		k++;
	return k;
}

static void free_obj(struct obj *o, uint64_t *in_use, uint64_t *large)
{
	int c = class_of_size(o->size);

	for (size_t i = 0; i < o->size; i++)
		if (o->p[i] != o->tag)
			fail_msg("object %p byte %zu overwritten", (void *)o->p,
				 i);
	assert_true(heap_free(&heap, o->p));
	if (c >= 0)
		in_use[c]--;
	else
		*large -= 1u << large_order(o->size);
}

static void test_random(void **st)
{
	static struct obj live[2000];
	size_t nlive = 0, peak_pages = 0;
	uint64_t in_use[HEAP_NCLASSES] = { 0 }, large = 0;
	uint64_t returned_mid_run, double_frees = 0;

	for (unsigned int op = 0; op < 21000; op++) {
		unsigned int r = (unsigned int)(rnd() % 100);
		unsigned int alloc_pct = (op / 2000) % 2 ? 35 : 65;

		if (r < alloc_pct && nlive < sizeof(live) / sizeof(live[0])) {
			size_t size = rnd() % 4 ? 1 + rnd() % 512
						: 1 + rnd() % 20000;
			size_t align = 1;
			int c = class_of_size(size);
			struct obj *o = &live[nlive++];

			while (align < size && align < PG)
				align <<= 1;
			o->p = heap_alloc(&heap, size);
			o->size = size;
			o->tag = (uint8_t)(1 + rnd() % 255);
			assert_non_null(o->p);
			assert_int_equal((uintptr_t)o->p % align, 0);
			assert_true(heap_size(&heap, o->p) >= size);
			memset(o->p, o->tag, size);
			if (c >= 0)
				in_use[c]++;
			else
				large += 1u << large_order(size);
		} else if (nlive > 0) {
			size_t i = rnd() % nlive;
			struct obj gone = live[i];
			uintptr_t page = (uintptr_t)gone.p & ~(uintptr_t)(PG - 1);
			bool page_live = false;

			free_obj(&live[i], in_use, &large);
			live[i] = live[--nlive];
			/* A second free is refused while the page is surely
			 * still the heap's: another small object lives in it. */
			for (size_t j = 0; j < nlive && !page_live; j++)
				page_live = class_of_size(live[j].size) >= 0 &&
					    ((uintptr_t)live[j].p &
					     ~(uintptr_t)(PG - 1)) == page;
			if (page_live && class_of_size(gone.size) >= 0) {
				assert_false(heap_free(&heap, gone.p));
				double_frees++;
			}
		}
		for (unsigned int c = 0; c < HEAP_NCLASSES; c++)
			assert_int_equal(heap.stats[c].in_use, in_use[c]);
		assert_int_equal(heap.large_pages, large);
		assert_int_equal(tb.pages_out, heap_pages());
		if (tb.pages_out > peak_pages)
			peak_pages = tb.pages_out;
	}
	returned_mid_run = tb.frees;
	assert_true(returned_mid_run > 100);
	assert_true(nlive > 100);
	assert_true(double_frees > 1000);
	assert_true(peak_pages > 500);

	while (nlive > 0) {
		size_t i = rnd() % nlive;

		free_obj(&live[i], in_use, &large);
		live[i] = live[--nlive];
	}
	assert_int_equal(heap_objects(), 0);
	assert_int_equal(heap_pages(), 0);
	assert_int_equal(heap.large_pages, 0);
	for (unsigned int c = 0; c < HEAP_NCLASSES; c++)
		assert_null(heap.partial[c]);
	assert_int_equal(tb.pages_out, 0);
	assert_int_equal(tb.allocs, tb.frees);
	assert_int_equal(tb.errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_and_trivial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_classes_and_alignment,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_fill_and_return,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_pointers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_double_free_after_return,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_random, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
