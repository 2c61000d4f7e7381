/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the buddy allocator (hv/common/mm/buddy.c): exact block
 * decompositions, splits and merges, refusal of bad and double frees, and a
 * long random alloc/free run checked against a bitmap model of the frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <basalt/mm/buddy.h>

#define MAXO   BUDDY_MAX_ORDER
#define NOPFN  (~(uint64_t)0)

/*
 * The "physical memory" is an anonymous mapping; dmap_offset is chosen so
 * that the chosen frame numbers (aligned the way each test needs) land in
 * it. Only the first bytes of free blocks are ever written, so a large
 * mapping costs little.
 */
struct fixture {
	struct buddy_zone z;
	uint8_t *state;
	void *arena;
	size_t arena_bytes;
};

static struct fixture fx;

static void setup_zone(uint64_t base_pfn, uint64_t npages)
{
	fx.arena_bytes = (size_t)npages << BUDDY_PAGE_SHIFT;
	fx.arena = mmap(NULL, fx.arena_bytes, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(fx.arena != MAP_FAILED);
	assert_int_equal(buddy_state_bytes(npages), npages);
	fx.state = malloc(npages ? npages : 1);
	assert_non_null(fx.state);
	/* init must clear whatever was in the state array. */
	memset(fx.state, 0xff, npages);
	memset(&fx.z, 0x5a, sizeof(fx.z));
	buddy_init(&fx.z, base_pfn, npages, fx.state,
		   (uintptr_t)fx.arena - (uintptr_t)(base_pfn << BUDDY_PAGE_SHIFT));
}

static int teardown(void **st)
{
	munmap(fx.arena, fx.arena_bytes);
	free(fx.state);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

/* free_blocks[] must equal the given per-order counts (orders 0..n-1;
 * the rest zero), and free_pages must match. */
static void expect_blocks(size_t n, ...)
{
	va_list ap;
	uint64_t pages = 0;

	va_start(ap, n);
	for (unsigned int k = 0; k <= MAXO; k++) {
		uint64_t want = k < n ? va_arg(ap, uint64_t) : 0;

		if (fx.z.free_blocks[k] != want)
			print_error("order %u: %llu free blocks, want %llu\n", k,
				    (unsigned long long)fx.z.free_blocks[k],
				    (unsigned long long)want);
		assert_int_equal(fx.z.free_blocks[k], want);
		assert_int_equal(fx.z.free_head[k] == NOPFN, want == 0);
		pages += want << k;
	}
	va_end(ap);
	assert_int_equal(fx.z.free_pages, pages);
}

#define B(x) (uint64_t)(x)

static void expect_alloc(unsigned int order, uint64_t want)
{
	uint64_t pfn = 0x1234;

	assert_true(buddy_alloc(&fx.z, order, &pfn));
	assert_int_equal(pfn, want);
}

static void test_init(void **st)
{
	uint64_t pfn = 77;

	assert_int_equal(buddy_state_bytes(0), 0);
	assert_int_equal(buddy_state_bytes(12345), 12345);
	setup_zone(0x1000, 64);
	assert_int_equal(fx.z.base_pfn, 0x1000);
	assert_int_equal(fx.z.npages, 64);
	assert_ptr_equal(fx.z.state, fx.state);
	expect_blocks(0);
	for (unsigned int i = 0; i < 64; i++)
		assert_int_equal(fx.state[i], 0);
	for (uint64_t p = 0xff0; p < 0x1050; p++)
		assert_false(buddy_is_free(&fx.z, p));
	assert_false(buddy_alloc(&fx.z, 0, &pfn));
	assert_int_equal(pfn, 77);
}

static void test_add_free_decomposition(void **st)
{
	setup_zone(0x1000, 100);
	/* 0x1003..0x1027: 1 + 4 + 8 + 16 + 8 frames. */
	assert_true(buddy_add_free(&fx.z, 0x1003, 37));
	expect_blocks(5, B(1), B(0), B(1), B(2), B(1));
	assert_false(buddy_is_free(&fx.z, 0x1002));
	assert_true(buddy_is_free(&fx.z, 0x1003));
	assert_true(buddy_is_free(&fx.z, 0x1015));
	assert_true(buddy_is_free(&fx.z, 0x1027));
	assert_false(buddy_is_free(&fx.z, 0x1028));

	/* Refused, changing nothing: overlap, outside, overflow. */
	assert_false(buddy_add_free(&fx.z, 0x1027, 2));
	assert_false(buddy_add_free(&fx.z, 0x1000, 4));
	assert_false(buddy_add_free(&fx.z, 0x1000 + 99, 2));
	assert_false(buddy_add_free(&fx.z, 0xfff, 1));
	assert_false(buddy_add_free(&fx.z, 0x1001, NOPFN));
	assert_false(buddy_add_free(&fx.z, NOPFN, 2));
	expect_blocks(5, B(1), B(0), B(1), B(2), B(1));
	assert_false(buddy_is_free(&fx.z, 0x1000));
	/* Empty is fine. */
	assert_true(buddy_add_free(&fx.z, 0x1050, 0));
	assert_true(buddy_add_free(&fx.z, 0x1000 + 100, 0));

	/* Filling the gap below merges all the way to an order-5 block. */
	assert_true(buddy_add_free(&fx.z, 0x1000, 3));
	expect_blocks(6, B(0), B(0), B(0), B(1), B(0), B(1));
	assert_int_equal(fx.z.free_head[5], 0x1000);
	assert_int_equal(fx.z.free_head[3], 0x1020);

	/* The tail up to the end of the span: 0x1028..0x1063. */
	assert_true(buddy_add_free(&fx.z, 0x1028, 60));
	/* 0x1000-0x103f order 6, 0x1040-0x105f order 5, 0x1060-0x1063 order 2 */
	expect_blocks(7, B(0), B(0), B(1), B(0), B(0), B(1), B(1));
	assert_int_equal(fx.z.free_pages, 100);
	assert_false(buddy_add_free(&fx.z, 0x1063, 1));
}

static void test_alloc_split_and_merge(void **st)
{
	uint64_t pfn;

	setup_zone(0x1000, 100);
	assert_false(buddy_alloc(&fx.z, MAXO + 1, &pfn));
	assert_true(buddy_add_free(&fx.z, 0x1000, 40)); /* o5 @0, o3 @0x20 */
	assert_false(buddy_alloc(&fx.z, 6, &pfn));
	assert_false(buddy_alloc(&fx.z, MAXO + 1, &pfn));

	/* Smallest sufficient block is split; the low half is returned. */
	expect_alloc(0, 0x1020);
	expect_blocks(6, B(1), B(1), B(1), B(0), B(0), B(1));
	assert_int_equal(fx.z.free_head[0], 0x1021);
	assert_int_equal(fx.z.free_head[1], 0x1022);
	assert_int_equal(fx.z.free_head[2], 0x1024);
	assert_false(buddy_is_free(&fx.z, 0x1020));
	assert_true(buddy_is_free(&fx.z, 0x1021));

	expect_alloc(3, 0x1000);
	expect_blocks(5, B(1), B(1), B(1), B(1), B(1));
	for (uint64_t p = 0x1000; p < 0x1008; p++)
		assert_false(buddy_is_free(&fx.z, p));
	expect_alloc(0, 0x1021);
	expect_alloc(0, 0x1022);
	expect_blocks(5, B(1), B(0), B(1), B(1), B(1));
	assert_int_equal(fx.z.free_pages, 29);

	/* Free in an order that merges step by step. */
	assert_true(buddy_free(&fx.z, 0x1021, 0));
	expect_blocks(5, B(2), B(0), B(1), B(1), B(1));
	assert_true(buddy_free(&fx.z, 0x1020, 0)); /* 0x20+0x21 -> o1 */
	expect_blocks(5, B(1), B(1), B(1), B(1), B(1));
	assert_true(buddy_free(&fx.z, 0x1022, 0)); /* -> o3 @0x20 */
	expect_blocks(5, B(0), B(0), B(0), B(2), B(1));
	assert_true(buddy_free(&fx.z, 0x1000, 3)); /* -> o5 @0 */
	expect_blocks(6, B(0), B(0), B(0), B(1), B(0), B(1));
	assert_int_equal(fx.z.free_head[5], 0x1000);
	assert_int_equal(fx.z.free_head[3], 0x1020);
	assert_int_equal(fx.z.free_pages, 40);
}

static void test_free_refusals(void **st)
{
	setup_zone(0x1000, 100);
	assert_true(buddy_add_free(&fx.z, 0x1000, 64)); /* one o6 block */
	expect_alloc(2, 0x1000);  /* leaves o2 @4, o3 @8, o4 @16, o5 @32 */
	expect_alloc(0, 0x1004);  /* leaves o0 @5, o1 @6 */
	expect_blocks(6, B(1), B(1), B(0), B(1), B(1), B(1));

	/* Outside the span, order too large, misaligned. */
	assert_false(buddy_free(&fx.z, 0xfff, 0));
	assert_false(buddy_free(&fx.z, 0x1000 + 100, 0));
	assert_false(buddy_free(&fx.z, 0x1060, 3));  /* runs past the end */
	assert_false(buddy_free(&fx.z, 0x1000, MAXO + 1));
	assert_false(buddy_free(&fx.z, 0x1001, 1));
	assert_false(buddy_free(&fx.z, 0x1002, 2));
	assert_false(buddy_free(&fx.z, NOPFN, 0));
	/* The head frame of a free block, and frames inside one. */
	assert_false(buddy_free(&fx.z, 0x1005, 0));
	assert_false(buddy_free(&fx.z, 0x1008, 0));
	assert_false(buddy_free(&fx.z, 0x1009, 0));
	assert_false(buddy_free(&fx.z, 0x100c, 2));
	assert_false(buddy_free(&fx.z, 0x1020, 5));
	assert_false(buddy_free(&fx.z, 0x1030, 4));
	/* Blocks partly free: contain a free head or part of a free block. */
	assert_false(buddy_free(&fx.z, 0x1004, 1));  /* 4 used, 5 free */
	assert_false(buddy_free(&fx.z, 0x1004, 2));
	assert_false(buddy_free(&fx.z, 0x1000, 3));  /* 0-4 used, 5-7 free */
	assert_false(buddy_free(&fx.z, 0x1000, 6));
	/* Nothing changed. */
	expect_blocks(6, B(1), B(1), B(0), B(1), B(1), B(1));
	assert_false(buddy_is_free(&fx.z, 0x1004));

	/* Genuine frees go through; repeating them is refused. */
	assert_true(buddy_free(&fx.z, 0x1004, 0));
	assert_false(buddy_free(&fx.z, 0x1004, 0));
	assert_true(buddy_free(&fx.z, 0x1002, 1)); /* half of the o2 block */
	assert_false(buddy_free(&fx.z, 0x1002, 1));
	assert_false(buddy_free(&fx.z, 0x1000, 2));
	assert_false(buddy_free(&fx.z, 0x1003, 0));
	expect_blocks(6, B(0), B(1), B(1), B(1), B(1), B(1));
	assert_true(buddy_free(&fx.z, 0x1000, 1));
	expect_blocks(7, B(0), B(0), B(0), B(0), B(0), B(0), B(1));
	assert_false(buddy_free(&fx.z, 0x1000, 0));
	assert_false(buddy_free(&fx.z, 0x1000, 6));

	/* Frames never given to the zone count as allocated: freeing them
	 * is how they would be added. */
	assert_true(buddy_free(&fx.z, 0x1040, 5));
	expect_blocks(7, B(0), B(0), B(0), B(0), B(0), B(1), B(1));
	assert_int_equal(fx.z.free_pages, 96);
}

/* Merging stops at the span's edges even when the buddy frame would be
 * free-looking, and never goes past BUDDY_MAX_ORDER. */
static void test_span_edges_and_max_order(void **st)
{
	uint64_t pfn;

	setup_zone(0x1001, 7);
	assert_true(buddy_add_free(&fx.z, 0x1001, 7));
	expect_blocks(3, B(1), B(1), B(1));
	expect_alloc(2, 0x1004);
	expect_alloc(1, 0x1002);
	expect_alloc(0, 0x1001);
	assert_false(buddy_alloc(&fx.z, 0, &pfn));
	expect_blocks(0);
	assert_true(buddy_free(&fx.z, 0x1001, 0));
	assert_true(buddy_free(&fx.z, 0x1002, 1));
	assert_true(buddy_free(&fx.z, 0x1004, 2));
	expect_blocks(3, B(1), B(1), B(1));
	assert_false(buddy_is_free(&fx.z, 0x1000));
	assert_false(buddy_is_free(&fx.z, 0x1008));
	teardown(NULL);

	/* Two order-18 blocks plus a bit: no order-19 block appears. */
	uint64_t base = 4ull << MAXO; /* the two blocks are buddies */
	uint64_t n = (2ull << MAXO) + 3;

	setup_zone(base, n);
	assert_true(buddy_add_free(&fx.z, base, n));
	assert_int_equal(fx.z.free_blocks[MAXO], 2);
	assert_int_equal(fx.z.free_blocks[0], 1);
	assert_int_equal(fx.z.free_blocks[1], 1);
	assert_int_equal(fx.z.free_pages, n);
	/* Free lists are LIFO: the block added last comes out first. */
	expect_alloc(MAXO, base + (1ull << MAXO));
	expect_alloc(MAXO, base);
	assert_false(buddy_alloc(&fx.z, MAXO, &pfn));
	assert_false(buddy_alloc(&fx.z, 2, &pfn));
	assert_int_equal(fx.z.free_pages, 3);
	assert_true(buddy_free(&fx.z, base + (1ull << MAXO), MAXO));
	assert_true(buddy_free(&fx.z, base, MAXO));
	assert_int_equal(fx.z.free_blocks[MAXO], 2);
	assert_int_equal(fx.z.free_pages, n);
	/* A whole max-order block split down to one frame and back. */
	expect_alloc(0, base + (2ull << MAXO) + 2);
	expect_alloc(0, base + (2ull << MAXO));
	expect_alloc(0, base + (2ull << MAXO) + 1);
	expect_alloc(0, base);
	for (unsigned int k = 0; k < MAXO; k++)
		assert_int_equal(fx.z.free_blocks[k], 1);
	assert_int_equal(fx.z.free_blocks[MAXO], 1);
	assert_int_equal(fx.z.free_head[MAXO], base + (1ull << MAXO));
	assert_int_equal(fx.z.free_head[0], base + 1);
	assert_int_equal(fx.z.free_head[MAXO - 1], base + (1ull << (MAXO - 1)));
	assert_int_equal(fx.z.free_pages, (1ull << MAXO) * 2 - 1);
	assert_true(buddy_free(&fx.z, base, 0));
	assert_int_equal(fx.z.free_blocks[MAXO], 2);
	for (unsigned int k = 0; k < MAXO; k++)
		assert_int_equal(fx.z.free_blocks[k], 0);
}

/* --- Random run against a model ---------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct model {
	uint64_t base, n;
	uint8_t *used;       /* 1 = allocated */
	uint32_t *prefix;    /* prefix[i] = free frames in [0, i) */
	uint64_t free_pages;
};

struct blk {
	uint64_t pfn;
	unsigned int order;
};

static bool model_all_free(struct model *m, uint64_t pfn, uint64_t count)
{
	for (uint64_t i = pfn - m->base; i < pfn - m->base + count; i++)
		if (m->used[i])
			return false;
	return true;
}

static bool model_any_free(struct model *m, uint64_t pfn, uint64_t count)
{
	for (uint64_t i = pfn - m->base; i < pfn - m->base + count; i++)
		if (!m->used[i])
			return true;
	return false;
}

/*
 * The free blocks an eagerly merging buddy allocator must hold for the
 * model's free frames: the largest aligned, in-span, entirely free blocks
 * of at most BUDDY_MAX_ORDER.
 */
static void canon_visit(struct model *m, uint64_t pfn, unsigned int k,
			uint64_t *counts, struct blk *list, size_t *nlist)
{
	uint64_t lo = pfn < m->base ? m->base : pfn;
	uint64_t hi = pfn + (1ull << k);

	if (hi > m->base + m->n)
		hi = m->base + m->n;
	if (lo >= hi ||
	    m->prefix[hi - m->base] == m->prefix[lo - m->base])
		return;
	if (lo == pfn && hi == pfn + (1ull << k) &&
	    m->prefix[hi - m->base] - m->prefix[lo - m->base] == (1ull << k)) {
		counts[k]++;
		if (list)
			list[(*nlist)++] = (struct blk){ pfn, k };
		return;
	}
	if (k > 0) {
		canon_visit(m, pfn, k - 1, counts, list, nlist);
		canon_visit(m, pfn + (1ull << (k - 1)), k - 1, counts, list,
			    nlist);
	}
}

static void canon(struct model *m, uint64_t *counts, struct blk *list,
		  size_t *nlist)
{
	uint64_t step = 1ull << MAXO;

	m->prefix[0] = 0;
	for (uint64_t i = 0; i < m->n; i++)
		m->prefix[i + 1] = m->prefix[i] + !m->used[i];
	memset(counts, 0, (MAXO + 1) * sizeof(counts[0]));
	if (nlist)
		*nlist = 0;
	for (uint64_t b = m->base & ~(step - 1); b < m->base + m->n; b += step)
		canon_visit(m, b, MAXO, counts, list, nlist);
}

static void check_against_model(struct model *m)
{
	uint64_t counts[MAXO + 1];

	canon(m, counts, NULL, NULL);
	for (unsigned int k = 0; k <= MAXO; k++)
		assert_int_equal(fx.z.free_blocks[k], counts[k]);
	assert_int_equal(fx.z.free_pages, m->free_pages);
	for (uint64_t i = 0; i < m->n; i++)
		assert_int_equal(buddy_is_free(&fx.z, m->base + i), !m->used[i]);
	assert_false(buddy_is_free(&fx.z, m->base - 1));
	assert_false(buddy_is_free(&fx.z, m->base + m->n));
}

static unsigned int random_order(void)
{
	unsigned int r = (unsigned int)(rnd() % 100);

	if (r < 50)
		return (unsigned int)(rnd() % 4);
	if (r < 85)
		return 4 + (unsigned int)(rnd() % 6);
	if (r < 97)
		return 10 + (unsigned int)(rnd() % 5);
	return 15 + (unsigned int)(rnd() % (MAXO - 14));
}

static void test_random(void **st)
{
	/* Unaligned start, one max-order block, an order-17 tail. */
	const uint64_t base = (1ull << MAXO) - 777;
	const uint64_t n = 777 + (1ull << MAXO) + (1ull << (MAXO - 1));
	struct model m = { .base = base, .n = n };
	static struct blk live[1 << 16];
	static struct blk initial[4096];
	size_t nlive = 0, ninitial = 0;
	uint64_t initial_counts[MAXO + 1], counts[MAXO + 1];
	uint64_t cuts[6];

	setup_zone(base, n);
	m.used = malloc(n);
	m.prefix = malloc((n + 1) * sizeof(m.prefix[0]));
	assert_non_null(m.used);
	assert_non_null(m.prefix);

	/* Hand the span over in pieces, in a scrambled order. */
	for (int i = 0; i < 6; i++)
		cuts[i] = rnd() % (n + 1);
	cuts[0] = 0;
	cuts[5] = n;
	for (int i = 1; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			if (cuts[j] < cuts[i]) {
				uint64_t t = cuts[i];

				cuts[i] = cuts[j];
				cuts[j] = t;
			}
	for (int i = 0; i < 5; i++) {
		int piece = (i * 3) % 5; /* 0 3 1 4 2 */

		assert_true(buddy_add_free(&fx.z, base + cuts[piece],
					   cuts[piece + 1] - cuts[piece]));
	}
	memset(m.used, 0, n);
	m.free_pages = n;
	canon(&m, initial_counts, initial, &ninitial);
	assert_int_equal(initial_counts[MAXO], 1);
	assert_int_equal(initial_counts[MAXO - 1], 1);
	check_against_model(&m);

	for (unsigned int op = 0; op < 47000; op++) {
		/* Alternate filling and draining phases so that large
		 * orders get both fragmented and whole memory. */
		unsigned int r = (unsigned int)(rnd() % 100);
		unsigned int alloc_pct = (op / 2500) % 2 ? 25 : 65;

		if (r < alloc_pct && nlive < sizeof(live) / sizeof(live[0])) {
			unsigned int order = random_order();
			bool avail = false;
			uint64_t pfn = NOPFN;

			for (unsigned int k = order; k <= MAXO; k++)
				avail = avail || fx.z.free_blocks[k] > 0;
			assert_int_equal(buddy_alloc(&fx.z, order, &pfn),
					 avail);
			if (avail) {
				uint64_t cnt = 1ull << order;

				assert_int_equal(pfn & (cnt - 1), 0);
				assert_true(pfn >= base && pfn + cnt <= base + n);
				assert_true(model_all_free(&m, pfn, cnt));
				memset(m.used + (pfn - base), 1, cnt);
				m.free_pages -= cnt;
				live[nlive++] = (struct blk){ pfn, order };
			}
		} else if (r < 92 && nlive > 0) {
			size_t i = rnd() % nlive;
			struct blk b = live[i];
			uint64_t cnt = 1ull << b.order;

			live[i] = live[--nlive];
			assert_true(buddy_free(&fx.z, b.pfn, b.order));
			memset(m.used + (b.pfn - base), 0, cnt);
			m.free_pages += cnt;
			/* Freeing it again, or any block around it, fails. */
			assert_false(buddy_free(&fx.z, b.pfn, b.order));
			if (b.order < MAXO)
				assert_false(buddy_free(&fx.z,
					b.pfn & ~((cnt << 1) - 1), b.order + 1));
			if (b.order > 0)
				assert_false(buddy_free(&fx.z, b.pfn + cnt / 2,
							b.order - 1));
		} else {
			/* A block that is at least partly free must be
			 * refused; fully allocated ones are left alone. */
			unsigned int order = random_order();
			uint64_t pfn = (base + rnd() % n) & ~((1ull << order) - 1);
			uint64_t cnt = 1ull << order;

			if (pfn < base || pfn + cnt > base + n) {
				assert_false(buddy_free(&fx.z, pfn, order));
			} else if (model_any_free(&m, pfn, cnt)) {
				assert_false(buddy_free(&fx.z, pfn, order));
			}
			if (order > 0)
				assert_false(buddy_free(&fx.z, pfn | 1, order));
		}
		assert_int_equal(fx.z.free_pages, m.free_pages);
		if (op % 2000 == 0)
			check_against_model(&m);
	}
	check_against_model(&m);

	/* Free the rest in random order: the initial blocks come back. */
	while (nlive > 0) {
		size_t i = rnd() % nlive;

		assert_true(buddy_free(&fx.z, live[i].pfn, live[i].order));
		memset(m.used + (live[i].pfn - base), 0, 1ull << live[i].order);
		m.free_pages += 1ull << live[i].order;
		live[i] = live[--nlive];
	}
	check_against_model(&m);
	for (unsigned int k = 0; k <= MAXO; k++)
		assert_int_equal(fx.z.free_blocks[k], initial_counts[k]);
	assert_int_equal(fx.z.free_pages, n);

	/* Taking every block, largest first, yields exactly those blocks. */
	memset(counts, 0, sizeof(counts));
	for (unsigned int k = MAXO + 1; k-- > 0;) {
		uint64_t pfn;

		while (buddy_alloc(&fx.z, k, &pfn)) {
			bool found = false;

			for (size_t i = 0; i < ninitial && !found; i++)
				found = initial[i].pfn == pfn &&
					initial[i].order == k;
			assert_true(found);
			counts[k]++;
		}
		assert_int_equal(counts[k], initial_counts[k]);
	}
	assert_int_equal(fx.z.free_pages, 0);
	free(m.used);
	free(m.prefix);
}

/* A stray write to freed memory that changes a free list's links makes
 * buddy_alloc refuse (and name the frame) instead of handing out a block
 * that is in use. */
static void test_corrupt_link_detected(void **st)
{
	uint64_t a, b, c;

	setup_zone(0, 64);
	assert_true(buddy_add_free(&fx.z, 0, 64));
	assert_int_equal(fx.z.corrupt_pfn, NOPFN);
	assert_true(buddy_alloc(&fx.z, 0, &a));
	assert_true(buddy_alloc(&fx.z, 0, &b));
	assert_true(buddy_alloc(&fx.z, 0, &c));
	assert_true(buddy_free(&fx.z, a, 0));
	assert_true(buddy_free(&fx.z, c, 0));
	/* The head of order 0 now links to another free frame; point its
	 * link at b, which is allocated. */
	uint64_t head = fx.z.free_head[0];
	uint64_t *link = (uint64_t *)((uintptr_t)(head << BUDDY_PAGE_SHIFT) +
				      fx.z.dmap_offset);
	link[0] = b;
	uint64_t got;
	assert_true(buddy_alloc(&fx.z, 0, &got) == false);
	assert_int_equal(fx.z.corrupt_pfn, head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init, teardown),
		cmocka_unit_test_teardown(test_add_free_decomposition, teardown),
		cmocka_unit_test_teardown(test_alloc_split_and_merge, teardown),
		cmocka_unit_test_teardown(test_free_refusals, teardown),
		cmocka_unit_test_teardown(test_span_edges_and_max_order,
					  teardown),
		cmocka_unit_test_teardown(test_random, teardown),
		cmocka_unit_test_teardown(test_corrupt_link_detected, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
