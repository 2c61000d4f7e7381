/* SPDX-License-Identifier: MIT */
/*
 * Binary buddy allocator over one span of page frames. Pure: it touches
 * memory only through the per-page state array the caller provides and
 * through the free pages themselves (reached at pfn * 4096 + dmap_offset),
 * where it keeps its free-list links. Locking and zeroing are the caller's.
 */
#ifndef BASALT_MM_BUDDY_H
#define BASALT_MM_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUDDY_PAGE_SHIFT 12
#define BUDDY_MAX_ORDER  18 /* 1 GiB blocks */

struct buddy_zone {
	uint64_t base_pfn;   /* first frame of the span */
	uint64_t npages;     /* frames in the span */
	uint8_t *state;      /* one byte per frame, see buddy.c */
	uintptr_t dmap_offset; /* virtual address = physical + dmap_offset */
	uint64_t free_head[BUDDY_MAX_ORDER + 1]; /* pfn of first free block, or ~0 */
	uint64_t free_pages; /* frames currently free */
	uint64_t free_blocks[BUDDY_MAX_ORDER + 1]; /* free blocks per order */
	uint64_t corrupt_pfn; /* ~0, or the frame a free list wrongly named */
};

/* Bytes of state the zone needs for npages frames. */
size_t buddy_state_bytes(uint64_t npages);

/* Set up an empty zone (nothing free yet) spanning npages frames from
 * base_pfn; state must hold buddy_state_bytes(npages) bytes. */
void buddy_init(struct buddy_zone *z, uint64_t base_pfn, uint64_t npages,
		uint8_t *state, uintptr_t dmap_offset);

/* Give the frames [pfn, pfn + count) to the zone as free memory, in the
 * largest aligned blocks that fit. They must lie inside the span and must
 * not be free already (checked: returns false and changes nothing). */
bool buddy_add_free(struct buddy_zone *z, uint64_t pfn, uint64_t count);

/* Allocate a block of 2^order frames aligned to its size. Returns false
 * when no block is available. */
bool buddy_alloc(struct buddy_zone *z, unsigned int order, uint64_t *pfn);

/* Free a block obtained from buddy_alloc, merging with free buddies.
 * Returns false (and changes nothing) when the block is outside the span,
 * misaligned, or already (partly) free: a double free is caught, not
 * followed. */
bool buddy_free(struct buddy_zone *z, uint64_t pfn, unsigned int order);

/* True when frame pfn is inside a free block. */
bool buddy_is_free(const struct buddy_zone *z, uint64_t pfn);

#endif /* BASALT_MM_BUDDY_H */
