/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walker: translates a guest-virtual (linear) address to a
 * guest-physical one through the guest's own page tables, in every paging
 * mode an x86 guest can be in, with the permission checks and the page-fault
 * error code the CPU would produce. Pure: guest memory is reached only
 * through a caller-supplied read function.
 */
#ifndef BASALT_GUEST_WALK_H
#define BASALT_GUEST_WALK_H

#include <stdbool.h>
#include <stdint.h>

/* Control-register bits the walker looks at. */
#define GW_CR0_WP    (1ULL << 16)
#define GW_CR0_PG    (1ULL << 31)
#define GW_CR4_PSE   (1ULL << 4)
#define GW_CR4_PAE   (1ULL << 5)
#define GW_CR4_LA57  (1ULL << 12)
#define GW_CR4_SMEP  (1ULL << 20)
#define GW_CR4_SMAP  (1ULL << 21)
#define GW_EFER_LMA  (1ULL << 10)
#define GW_EFER_NXE  (1ULL << 11)
#define GW_RFLAGS_AC (1ULL << 18)

/* CPUID-controlled paging features of the guest (guest_paging.feat). */
#define GW_FEAT_PSE36   (1U << 0) /* 4 MiB pages reach above 4 GiB (32-bit paging) */
#define GW_FEAT_PAGE1GB (1U << 1) /* 1 GiB pages in long mode */

/*
 * The guest state a walk depends on. maxphyaddr is the guest's physical
 * address width (CPUID 0x80000008 EAX[7:0]); values outside 32..52 are
 * clamped. rflags matters only for SMAP (its AC bit).
 */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer, rflags;
	unsigned int maxphyaddr;
	unsigned int feat;
};

/* The access being translated: an OR of these (GW_READ is 0). */
enum guest_access {
	GW_READ = 0,
	GW_WRITE = 1,    /* data write */
	GW_USER = 2,     /* made at CPL 3 */
	GW_FETCH = 4,    /* instruction fetch (never combined with GW_WRITE) */
	GW_IMPLICIT = 8, /* supervisor access to system structures: SMAP ignores AC */
};

/* Page-fault error code bits, as the CPU pushes them. */
#define GW_PFEC_P    (1U << 0) /* 0: not present; 1: protection or reserved bit */
#define GW_PFEC_W    (1U << 1)
#define GW_PFEC_U    (1U << 2)
#define GW_PFEC_RSVD (1U << 3)
#define GW_PFEC_I    (1U << 4)

enum guest_walk_result {
	GW_OK,
	GW_PAGE_FAULT,   /* the guest would take #PF with *pfec */
	GW_NONCANONICAL, /* long mode, address not canonical: #GP, not #PF */
	GW_TABLE_HOLE,   /* a paging structure lies where the guest has no memory */
	GW_BAD_STATE,    /* register state the CPU cannot be in (LMA without PG/PAE) */
};

/*
 * Read a paging-structure entry of 4 or 8 bytes (naturally aligned) at
 * guest-physical gpa into buf, in one access so a guest changing the entry
 * concurrently is seen either before or after. Returns false when no guest
 * memory backs gpa.
 */
typedef bool (*guest_phys_read_fn)(void *ctx, uint64_t gpa, void *buf,
				   unsigned int bytes);

/*
 * Translate gva for the given access (an OR of enum guest_access) under the
 * paging state p, reading paging structures through read(ctx, ...).
 *
 * GW_OK: *gpa is the guest-physical address and *page_size (a power of two)
 * the size of the naturally aligned block around gva that maps contiguously
 * with the same rights: 4 KiB, 2 MiB, 4 MiB or 1 GiB; 4 GiB with paging off.
 * *pfec is 0.
 * GW_PAGE_FAULT: *pfec is the error code the CPU would push (P, W, U, RSVD, I).
 * GW_TABLE_HOLE: *gpa is the address of the entry that could not be read.
 * Otherwise *gpa and *page_size are 0. Every output pointer may be NULL.
 *
 * Not modelled, by design: accessed/dirty bits are never set (hypercall
 * buffers do not need them); protection keys, CET shadow stacks and the
 * TLB/paging-structure caches. PAE PDPTEs are read from memory on every walk,
 * whereas the CPU loads them when CR3 is written: a guest that edits its PDPT
 * without reloading CR3 is translated with the new entries, and a reserved
 * bit in a PDPTE (a #GP at CR3 load on hardware) is reported as a reserved-bit
 * #PF. Reserved bits follow Intel's SDM; AMD CPUs may additionally treat bit 8
 * of non-leaf PML4Es/PDPEs as reserved, which is not checked.
 */
enum guest_walk_result guest_walk(const struct guest_paging *p, uint64_t gva,
				  unsigned int access, guest_phys_read_fn read,
				  void *ctx, uint64_t *gpa, uint32_t *pfec,
				  uint64_t *page_size);

#endif /* BASALT_GUEST_WALK_H */
