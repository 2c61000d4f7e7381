// SPDX-License-Identifier: MIT
/*
 * Nested page table entry format for SVM: the long-mode page-table format
 * (APM 15.25). Every guest access counts as a user access, so U is set at
 * every level.
 */
#include <asm/hvm.h>
#include <asm/page.h>

#define NPT_OWNED (1ull << 9) /* AVL bit: the hardware ignores it */

static uint64_t npt_leaf(paddr_t hpa, unsigned int level, bool r, bool w, bool x)
{
	uint64_t e = hpa | PTE_US | PTE_A | PTE_D;

	if (r || w || x)
		e |= PTE_P;
	if (w)
		e |= PTE_RW;
	if (!x)
		e |= PTE_NX;
	if (level == 2)
		e |= PTE_PS;
	return e;
}

static uint64_t npt_table(paddr_t pa)
{
	return pa | PTE_P | PTE_RW | PTE_US | PTE_A;
}

static bool npt_present(uint64_t e)
{
	return e & PTE_P;
}

static bool npt_is_leaf(uint64_t e, unsigned int level)
{
	return level == 1 || (e & PTE_PS);
}

static paddr_t npt_addr(uint64_t e)
{
	return e & PTE_ADDR_MASK & ~((e & PTE_PS) ? 0x1ff000ull : 0);
}

static bool npt_writable(uint64_t e)
{
	return e & PTE_RW;
}

static const struct p2m_format npt_format = {
	.leaf = npt_leaf,
	.table = npt_table,
	.present = npt_present,
	.is_leaf = npt_is_leaf,
	.addr = npt_addr,
	.owned = NPT_OWNED,
	.writable = npt_writable,
};

const struct p2m_format *p2m_fmt = &npt_format;
