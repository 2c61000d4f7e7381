/* SPDX-License-Identifier: MIT */
/* The hypervisor's own page tables (4-level, 1:1 map of known memory). */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <asm/page.h>
#include <basalt/types.h>

struct boot_info;

/* Build the final tables: RAM and firmware ranges mapped read/write, no
 * execute; the image with per-section permissions (W^X); page 0 unmapped.
 * Switches this CPU to them. Page-table pages come from mm_pt_alloc(). */
void paging_init(const struct boot_info *bi, paddr_t trampoline);
/* Switch an application processor to the tables built by paging_init. */
void paging_load(void);
paddr_t paging_root(void);

/* Map an MMIO range uncached at its physical address; returns the
 * pointer. Panics when page tables cannot be allocated. */
void *map_mmio(paddr_t pa, size_t size);

/* Change the mapping of [start, end) (page aligned) to flags (0: unmap)
 * and flush every CPU's TLB. */
void paging_set_range(paddr_t start, paddr_t end, uint64_t flags);

/* Flags for ordinary data pages. */
uint64_t paging_data_flags(void);

/* Page-table pages: from the boot allocator, then the page allocator. */
void *mm_pt_alloc(void);

#endif /* ASM_PAGING_H */
