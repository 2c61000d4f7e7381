/* SPDX-License-Identifier: MIT */
/*
 * Binary buddy page allocator for one span of frames: blocks of 2^k frames
 * aligned to their size (in absolute frame numbers, so an order-9 block is a
 * 2 MiB-aligned physical region), split on allocation and merged on free.
 */
#include <basalt/mm/buddy.h>

#include <basalt/lib/string.h>

/*
 * One state byte per frame:
 *   0            not free: allocated, or never given to the zone
 *   1 + k        first frame of a free block of order k
 *   STATE_INSIDE any other frame of a free block
 * Marking every frame of a free block costs a memset of 2^k bytes per
 * allocation or free (1/4096 of what the caller spends zeroing the pages),
 * and buys an O(1) buddy_is_free and a double-free check that is a plain
 * scan for non-zero bytes: a block is safe to free exactly when none of
 * its frames is free.
 */
#define STATE_INSIDE 0x80u
#define NO_PFN       (~(uint64_t)0)

/* Free-list links, kept in the first bytes of each free block. */
struct buddy_link {
	uint64_t next;
	uint64_t prev;
};

static struct buddy_link *link_of(const struct buddy_zone *z, uint64_t pfn)
{
	return (struct buddy_link *)(uintptr_t)((pfn << BUDDY_PAGE_SHIFT) +
						 z->dmap_offset);
}

static uint8_t *state_of(const struct buddy_zone *z, uint64_t pfn)
{
	return &z->state[pfn - z->base_pfn];
}

/* [pfn, pfn + count) lies inside the span; count may be 0. */
static bool in_span(const struct buddy_zone *z, uint64_t pfn, uint64_t count)
{
	return pfn >= z->base_pfn && pfn - z->base_pfn <= z->npages &&
	       count <= z->npages - (pfn - z->base_pfn);
}

static bool any_free(const struct buddy_zone *z, uint64_t pfn, uint64_t count)
{
	const uint8_t *s = state_of(z, pfn);

	for (uint64_t i = 0; i < count; i++)
		if (s[i] != 0)
			return true;
	return false;
}

static void list_push(struct buddy_zone *z, uint64_t pfn, unsigned int order)
{
	struct buddy_link *l = link_of(z, pfn);
	uint64_t head = z->free_head[order];

	l->next = head;
	l->prev = NO_PFN;
	if (head != NO_PFN)
		link_of(z, head)->prev = pfn;
	z->free_head[order] = pfn;
	*state_of(z, pfn) = (uint8_t)(1 + order);
	z->free_blocks[order]++;
}

static void list_remove(struct buddy_zone *z, uint64_t pfn, unsigned int order)
{
	struct buddy_link *l = link_of(z, pfn);

	if (l->prev != NO_PFN)
		link_of(z, l->prev)->next = l->next;
	else
		z->free_head[order] = l->next;
	if (l->next != NO_PFN)
		link_of(z, l->next)->prev = l->prev;
	z->free_blocks[order]--;
}

/* Return a validated, aligned in-span block and merge it upwards. */
static void release(struct buddy_zone *z, uint64_t pfn, unsigned int order)
{
	uint64_t end = z->base_pfn + z->npages;

	memset(state_of(z, pfn), STATE_INSIDE, (size_t)1 << order);
	z->free_pages += (uint64_t)1 << order;

	while (order < BUDDY_MAX_ORDER) {
		uint64_t buddy = pfn ^ ((uint64_t)1 << order);

		/* A free head of order k is wholly inside the span, so
		 * checking its first frame is enough. */
		if (buddy < z->base_pfn || buddy >= end ||
		    *state_of(z, buddy) != 1 + order)
			break;
		list_remove(z, buddy, order);
		*state_of(z, buddy) = STATE_INSIDE;
		pfn &= ~((uint64_t)1 << order);
		order++;
	}
	list_push(z, pfn, order);
}

size_t buddy_state_bytes(uint64_t npages)
{
	return (size_t)npages;
}

void buddy_init(struct buddy_zone *z, uint64_t base_pfn, uint64_t npages,
		uint8_t *state, uintptr_t dmap_offset)
{
	z->base_pfn = base_pfn;
	z->npages = npages;
	z->state = state;
	z->dmap_offset = dmap_offset;
	z->free_pages = 0;
	z->corrupt_pfn = NO_PFN;
	for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++) {
		z->free_head[k] = NO_PFN;
		z->free_blocks[k] = 0;
	}
	memset(state, 0, buddy_state_bytes(npages));
}

bool buddy_add_free(struct buddy_zone *z, uint64_t pfn, uint64_t count)
{
	if (!in_span(z, pfn, count) || any_free(z, pfn, count))
		return false;

	while (count > 0) {
		unsigned int order = 0;

		/* Largest block that is aligned at pfn and fits in count. */
		while (order < BUDDY_MAX_ORDER &&
		       (pfn & ((uint64_t)1 << order)) == 0 &&
		       ((uint64_t)2 << order) <= count)
			order++;
		release(z, pfn, order);
		pfn += (uint64_t)1 << order;
		count -= (uint64_t)1 << order;
	}
	return true;
}

bool buddy_alloc(struct buddy_zone *z, unsigned int order, uint64_t *pfn)
{
	unsigned int k = order;
	uint64_t p;

	if (order > BUDDY_MAX_ORDER)
		return false;
	while (k <= BUDDY_MAX_ORDER && z->free_head[k] == NO_PFN)
		k++;
	if (k > BUDDY_MAX_ORDER)
		return false;

	p = z->free_head[k];
	/* The links live in the free pages themselves: a stray write to
	 * freed memory would hand out a page in use. Check the head and the
	 * next link against the state bytes, which live elsewhere. */
	if (!in_span(z, p, (uint64_t)1 << k) || *state_of(z, p) != 1 + k ||
	    (link_of(z, p)->next != NO_PFN &&
	     (!in_span(z, link_of(z, p)->next, (uint64_t)1 << k) ||
	      *state_of(z, link_of(z, p)->next) != 1 + k))) {
		z->corrupt_pfn = p;
		return false;
	}
	list_remove(z, p, k);
	/* Split: keep the low half, hand the high half back at each step. */
	while (k > order) {
		k--;
		list_push(z, p + ((uint64_t)1 << k), k);
	}
	memset(state_of(z, p), 0, (size_t)1 << order);
	z->free_pages -= (uint64_t)1 << order;
	*pfn = p;
	return true;
}

bool buddy_free(struct buddy_zone *z, uint64_t pfn, unsigned int order)
{
	uint64_t count;

	if (order > BUDDY_MAX_ORDER)
		return false;
	count = (uint64_t)1 << order;
	if ((pfn & (count - 1)) != 0 || !in_span(z, pfn, count) ||
	    any_free(z, pfn, count))
		return false;
	release(z, pfn, order);
	return true;
}

bool buddy_is_free(const struct buddy_zone *z, uint64_t pfn)
{
	return pfn >= z->base_pfn && pfn - z->base_pfn < z->npages &&
	       *state_of(z, pfn) != 0;
}
