/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the runtime's assembly and C: segment selectors of the
 * runtime's GDT, and the architectural bits the entry code sets. Usable from
 * both (no C declarations).
 */
#ifndef RT_LAYOUT_H
#define RT_LAYOUT_H

#define SEL_CODE32  0x08
#define SEL_DATA    0x10
#define SEL_CODE64  0x18
#define SEL_UDATA   0x23   /* RPL 3 */
#define SEL_UCODE   0x2b   /* RPL 3 */
#define SEL_TSS     0x30

#define PTE_P       0x001
#define PTE_W       0x002
#define PTE_U       0x004
#define PTE_PS      0x080
#define PTE_UPPER   (PTE_P | PTE_W | PTE_U)

#define CR0_WP      (1 << 16)
#define CR0_PG      0x80000000
#define CR4_PAE     (1 << 5)
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)

/* The scratch window: PML4 slot 1, 512 pages tests map at will. */
#define RT_SCRATCH_BASE 0x8000000000ULL
#define RT_SCRATCH_PAGES 512

/* Vector a user-mode function raises to hand its result back. */
#define RT_USER_RETURN_VECTOR 0x80

#endif
