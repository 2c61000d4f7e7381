/* SPDX-License-Identifier: MIT */
/*
 * Sets of physical address ranges [start, end), kept sorted and merged, in
 * caller-provided storage. Used at boot to turn the firmware memory map
 * minus everything in use into the list of free RAM, and as the boot-time
 * allocator before the page allocator exists. Pure.
 */
#ifndef BASALT_MM_RANGE_H
#define BASALT_MM_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem_range {
	uint64_t start;
	uint64_t end; /* exclusive */
};

struct range_set {
	struct mem_range *r; /* sorted by start, disjoint, non-adjacent */
	size_t n;
	size_t cap;
};

void range_set_init(struct range_set *s, struct mem_range *storage,
		    size_t cap);

/* Add [start, end), merging with overlapping or adjacent ranges.
 * Returns false (set unchanged) when storage is full; empty ranges are
 * accepted and ignored. */
bool range_set_add(struct range_set *s, uint64_t start, uint64_t end);

/* Remove [start, end), splitting ranges as needed. Returns false (set
 * unchanged) when a split would overflow the storage. */
bool range_set_remove(struct range_set *s, uint64_t start, uint64_t end);

/* True when every byte of [start, end) is in the set. */
bool range_set_contains(const struct range_set *s, uint64_t start,
			uint64_t end);

/* True when any byte of [start, end) is in the set. */
bool range_set_overlaps(const struct range_set *s, uint64_t start,
			uint64_t end);

/* Total bytes in the set. */
uint64_t range_set_total(const struct range_set *s);

/*
 * Take size bytes aligned to align (a power of two) from the highest part
 * of the set that lies below limit, and remove them. Returns false when no
 * range fits. Taking from the top keeps low memory for later users that
 * need it (the AP trampoline, DMA below 4 GiB).
 */
bool range_set_take(struct range_set *s, uint64_t size, uint64_t align,
		    uint64_t limit, uint64_t *out);

#endif /* BASALT_MM_RANGE_H */
