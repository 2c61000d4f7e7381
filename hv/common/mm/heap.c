/* SPDX-License-Identifier: MIT */
/*
 * Small-object heap: power-of-two size classes carved from single pages,
 * larger objects as whole page blocks, all pages from the backend and every
 * page that empties handed straight back to it.
 */
#include <basalt/mm/heap.h>

/*
 * Layout. A class page starts with struct class_page; slots of the class
 * size follow at the first multiple of that size past the header, so every
 * object is aligned to its class size and a class pointer is never page
 * aligned. The 64-byte header therefore costs one slot (at least 64 bytes):
 * a page holds 252 objects of 16 B, 126 of 32, 63 of 64, 31 of 128, 15 of
 * 256, 7 of 512, 3 of 1 KiB and 1 of 2 KiB.
 *
 * A large allocation of n pages takes a block of 2^order >= n + 1 pages
 * from the backend; the first page holds struct large_hdr and the caller
 * gets the second, so large pointers are exactly the page-aligned ones and
 * the header sits one page below them.
 *
 * Both headers carry a magic mixed with the header's own address, so a
 * copied header or stale data at another address does not pass as one. The
 * magic is cleared before a page goes back to the backend, which catches a
 * double free as long as the backend has not reused the page.
 */
#define CLASS_MAGIC 0x62736c7463706731ull /* "bsltcpg1" */
#define LARGE_MAGIC 0x62736c746c726731ull /* "bsltlrg1" */

#define PAGE_MASK   ((uintptr_t)HEAP_PAGE_SIZE - 1)
#define MAX_SLOTS   (HEAP_PAGE_SIZE >> HEAP_MIN_SHIFT)
#define MAP_WORDS   (MAX_SLOTS / 64)
/* Large blocks beyond this order are refused before any shift overflows. */
#define LARGE_MAX_ORDER 30

struct class_page {
	uint64_t magic;
	struct class_page *next; /* partial list: pages with a free slot */
	struct class_page *prev;
	uint16_t cls;
	uint16_t nslots;
	uint16_t nfree;
	uint16_t first;          /* offset of slot 0 */
	uint64_t used[MAP_WORDS]; /* bit set: slot handed out, or past nslots */
};

struct large_hdr {
	uint64_t magic;
	uint32_t order;
	uint32_t pad;
};

_Static_assert(sizeof(struct class_page) == 64,
	       "the slot counts above assume a 64-byte page header");

static uint64_t magic_for(uint64_t magic, const void *hdr)
{
	return magic ^ (uint64_t)(uintptr_t)hdr;
}

static size_t class_size(unsigned int cls)
{
	return (size_t)1 << (cls + HEAP_MIN_SHIFT);
}

void heap_init(struct heap *h, const struct heap_backend *be)
{
	h->be = *be;
	for (unsigned int c = 0; c < HEAP_NCLASSES; c++) {
		h->partial[c] = NULL;
		h->stats[c].in_use = 0;
		h->stats[c].pages = 0;
	}
	h->large_pages = 0;
}

static void partial_push(struct heap *h, struct class_page *pg)
{
	struct class_page *head = h->partial[pg->cls];

	pg->prev = NULL;
	pg->next = head;
	if (head)
		head->prev = pg;
	h->partial[pg->cls] = pg;
}

static void partial_remove(struct heap *h, struct class_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		h->partial[pg->cls] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
}

static struct class_page *class_page_new(struct heap *h, unsigned int cls)
{
	size_t sz = class_size(cls);
	struct class_page *pg = h->be.alloc_pages(h->be.ctx, 0);
	unsigned int w;

	if (!pg)
		return NULL;
	pg->magic = magic_for(CLASS_MAGIC, pg);
	pg->cls = (uint16_t)cls;
	pg->first = (uint16_t)((sizeof(*pg) + sz - 1) & ~(sz - 1));
	pg->nslots = (uint16_t)((HEAP_PAGE_SIZE - pg->first) / sz);
	pg->nfree = pg->nslots;
	/* Slots that do not exist are marked used so the search skips them. */
	for (w = 0; w < MAP_WORDS; w++) {
		unsigned int lo = w * 64;

		if (lo + 64 <= pg->nslots)
			pg->used[w] = 0;
		else if (lo >= pg->nslots)
			pg->used[w] = ~0ull;
		else
			pg->used[w] = ~0ull << (pg->nslots - lo);
	}
	h->stats[cls].pages++;
	partial_push(h, pg);
	return pg;
}

static void *class_alloc(struct heap *h, unsigned int cls)
{
	struct class_page *pg = h->partial[cls];
	unsigned int w, slot;

	if (!pg && !(pg = class_page_new(h, cls)))
		return NULL;
	for (w = 0; pg->used[w] == ~0ull; w++)
		;
	slot = w * 64 + (unsigned int)__builtin_ctzll(~pg->used[w]);
	pg->used[w] |= 1ull << (slot % 64);
	if (--pg->nfree == 0)
		partial_remove(h, pg);
	h->stats[cls].in_use++;
	return (char *)pg + pg->first + slot * class_size(cls);
}

static void *large_alloc(struct heap *h, size_t size)
{
	uint64_t pages = size / HEAP_PAGE_SIZE + (size % HEAP_PAGE_SIZE != 0);
	unsigned int order = 0;
	struct large_hdr *hdr;

	while (((uint64_t)1 << order) < pages + 1) {
		if (++order > LARGE_MAX_ORDER)
			return NULL;
	}
	hdr = h->be.alloc_pages(h->be.ctx, order);
	if (!hdr)
		return NULL;
	hdr->magic = magic_for(LARGE_MAGIC, hdr);
	hdr->order = order;
	hdr->pad = 0;
	h->large_pages += (uint64_t)1 << order;
	return (char *)hdr + HEAP_PAGE_SIZE;
}

void *heap_alloc(struct heap *h, size_t size)
{
	unsigned int cls = 0;

	if (size == 0)
		return NULL;
	if (size > ((size_t)1 << HEAP_MAX_SHIFT))
		return large_alloc(h, size);
	while (class_size(cls) < size)
		cls++;
	return class_alloc(h, cls);
}

/* The header of a large block at p, or NULL when p is not one. */
static struct large_hdr *large_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct large_hdr *hdr;

	if ((a & PAGE_MASK) != 0 || a < HEAP_PAGE_SIZE)
		return NULL;
	hdr = (struct large_hdr *)(a - HEAP_PAGE_SIZE);
	if (hdr->magic != magic_for(LARGE_MAGIC, hdr) ||
	    hdr->order > LARGE_MAX_ORDER || hdr->order == 0)
		return NULL;
	return hdr;
}

/* The class page holding p, or NULL when p is not one of its live slots'
 * addresses; *slot receives the slot index. */
static struct class_page *class_of(const void *p, unsigned int *slot)
{
	uintptr_t a = (uintptr_t)p;
	struct class_page *pg = (struct class_page *)(a & ~PAGE_MASK);
	uintptr_t off = a & PAGE_MASK;
	size_t sz;

	if (off == 0 || pg->magic != magic_for(CLASS_MAGIC, pg) ||
	    pg->cls >= HEAP_NCLASSES)
		return NULL;
	sz = class_size(pg->cls);
	if (off < pg->first || ((off - pg->first) & (sz - 1)) != 0)
		return NULL;
	*slot = (unsigned int)((off - pg->first) / sz);
	if (*slot >= pg->nslots)
		return NULL;
	return pg;
}

bool heap_free(struct heap *h, void *p)
{
	struct large_hdr *hdr;
	struct class_page *pg;
	unsigned int slot, cls;
	uint64_t bit;

	if (!p)
		return true;

	if ((hdr = large_of(p)) != NULL) {
		unsigned int order = hdr->order;

		hdr->magic = 0;
		h->large_pages -= (uint64_t)1 << order;
		h->be.free_pages(h->be.ctx, hdr, order);
		return true;
	}

	pg = class_of(p, &slot);
	if (!pg)
		return false;
	bit = 1ull << (slot % 64);
	if ((pg->used[slot / 64] & bit) == 0)
		return false; /* double free */

	cls = pg->cls;
	pg->used[slot / 64] &= ~bit;
	h->stats[cls].in_use--;
	if (pg->nfree++ == 0)
		partial_push(h, pg);
	if (pg->nfree == pg->nslots) {
		partial_remove(h, pg);
		pg->magic = 0;
		h->stats[cls].pages--;
		h->be.free_pages(h->be.ctx, pg, 0);
	}
	return true;
}

size_t heap_size(struct heap *h, const void *p)
{
	const struct large_hdr *hdr;
	const struct class_page *pg;
	unsigned int slot;

	if (!p)
		return 0;
	if ((hdr = large_of(p)) != NULL)
		return (((size_t)1 << hdr->order) - 1) * HEAP_PAGE_SIZE;
	pg = class_of(p, &slot);
	if (!pg || (pg->used[slot / 64] & (1ull << (slot % 64))) == 0)
		return 0;
	return class_size(pg->cls);
}
