/* SPDX-License-Identifier: MIT */
/* x86-64 page-table entry bits and the hypervisor's address space. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <basalt/types.h>

#define PTE_P   (1ull << 0)
#define PTE_RW  (1ull << 1)
#define PTE_US  (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A   (1ull << 5)
#define PTE_D   (1ull << 6)
#define PTE_PS  (1ull << 7)
#define PTE_G   (1ull << 8)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/*
 * The hypervisor maps physical memory 1:1 (virtual == physical) for all
 * RAM it knows of: the image, the direct map and device MMIO share one
 * view, and a physical address is also a usable pointer.
 */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

#endif /* ASM_PAGE_H */
