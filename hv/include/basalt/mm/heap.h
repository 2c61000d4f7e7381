/* SPDX-License-Identifier: MIT */
/*
 * Small-object heap for hypervisor objects: power-of-two size classes from
 * 16 bytes to 2 KiB carved out of pages, larger objects as whole
 * page blocks. Pure: pages come from the backend, locking is the caller's.
 */
#ifndef BASALT_MM_HEAP_H
#define BASALT_MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE_SIZE 4096u
#define HEAP_MIN_SHIFT 4  /* 16 bytes */
#define HEAP_MAX_SHIFT 11 /* 2 KiB: larger requests take whole pages */
#define HEAP_NCLASSES (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)

struct heap_backend {
	/* 2^order contiguous pages, aligned to 4 KiB, or NULL. */
	void *(*alloc_pages)(void *ctx, unsigned int order);
	void (*free_pages)(void *ctx, void *p, unsigned int order);
	void *ctx;
};

struct heap_class_stats {
	uint64_t in_use; /* objects handed out */
	uint64_t pages;  /* pages owned by the class */
};

struct heap {
	struct heap_backend be;
	void *partial[HEAP_NCLASSES]; /* pages with free slots, see heap.c */
	struct heap_class_stats stats[HEAP_NCLASSES];
	uint64_t large_pages; /* pages in large allocations */
};

void heap_init(struct heap *h, const struct heap_backend *be);

/* Allocate size bytes aligned to min(size rounded up to a power of two,
 * 4096). size 0 returns NULL. Memory is NOT zeroed here. */
void *heap_alloc(struct heap *h, size_t size);

/* Free p (NULL is ignored). A pointer the heap did not hand out, or a double
 * free, is detected where the heap's metadata allows and reported by
 * returning false; the heap is left consistent. */
bool heap_free(struct heap *h, void *p);

/* Usable size of an allocation. */
size_t heap_size(struct heap *h, const void *p);

#endif /* BASALT_MM_HEAP_H */
