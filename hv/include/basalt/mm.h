/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor memory: whole pages from the buddy allocator and small
 * objects from the heap. Everything handed out is zeroed.
 */
#ifndef BASALT_MM_H
#define BASALT_MM_H

#include <basalt/types.h>

/* 2^order contiguous zeroed pages, or NULL. Any context but NMI. */
void *alloc_pages(unsigned int order);
void free_pages(void *p, unsigned int order);
static inline void *alloc_page(void)
{
	return alloc_pages(0);
}
static inline void free_page(void *p)
{
	free_pages(p, 0);
}

/* Zeroed object of size bytes, or NULL. */
void *xzalloc(size_t size);
void xfree(void *p);
#define xzalloc_obj(type) ((type *)xzalloc(sizeof(type)))
#define xzalloc_array(type, n) ((type *)xzalloc(sizeof(type) * (n)))

struct mem_stats {
	uint64_t total_pages;    /* RAM pages in the firmware memory map */
	uint64_t free_pages;     /* in the allocator, free */
	uint64_t used_pages;     /* handed out (allocator and boot) */
	uint64_t reserved_pages; /* RAM never given to the allocator */
	uint64_t firmware_pages; /* reserved/ACPI/NVS ranges, not RAM */
	uint64_t heap_bytes;     /* bytes in live heap objects */
};
void mem_stats_get(struct mem_stats *s);
void mem_dump(void);

/* Boot: collect free RAM from the memory map minus [image_start,
 * image_end), the modules and the loader's structures, and reserve the AP
 * trampoline page below 1 MiB. */
struct boot_info;
void mm_early_init(const struct boot_info *bi, paddr_t image_start,
		   paddr_t image_end);
paddr_t mm_trampoline_page(void);
/* Boot: start the page allocator and heap (after the final page tables). */
void mm_init_allocator(void);
/* Give the pages of boot-only code and data back. */
void mm_free_init_memory(void);

#endif /* BASALT_MM_H */
