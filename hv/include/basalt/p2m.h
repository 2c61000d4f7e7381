/* SPDX-License-Identifier: MIT */
/*
 * A domain's physical-to-machine map: which host page backs each guest
 * frame. The tree is the nested page table itself (its format comes from
 * the virtualization backend). Leaves that map RAM the domain owns carry
 * an "owned" mark in a bit the hardware ignores, so destroying the domain
 * frees every page it owns by walking the tree: no side list.
 */
#ifndef BASALT_P2M_H
#define BASALT_P2M_H

#include <basalt/spinlock.h>
#include <basalt/types.h>

struct p2m {
	spinlock_t lock;
	uint64_t *root;           /* top-level table (4-level) */
	uint64_t table_pages;     /* page-table pages in use */
	uint64_t ram_pages;       /* RAM pages owned */
};

enum p2m_access { P2M_R = 1, P2M_W = 2, P2M_X = 4, P2M_RWX = 7 };

int p2m_init(struct p2m *p);
/* Free every table and every owned RAM page. */
void p2m_teardown(struct p2m *p);
/* Give the domain 'bytes' of zeroed RAM at guest-physical [gpa, gpa+bytes). */
int p2m_populate_ram(struct p2m *p, uint64_t gpa, uint64_t bytes);
/* Map one host page at gfn (not owned: e.g. the shared-info page). */
int p2m_map_page(struct p2m *p, uint64_t gfn, paddr_t hpa, unsigned int access);
/* Remove gfn's mapping; returns the host page that was there (or 0) and
 * whether the domain owned it. */
paddr_t p2m_unmap_page(struct p2m *p, uint64_t gfn, bool *owned);
/* Host address backing gpa, or 0 for a hole. *writable as mapped. */
paddr_t p2m_lookup(struct p2m *p, uint64_t gpa, bool *writable);
/* Give back an owned RAM page that was unmapped. */
void p2m_release_page(struct p2m *p, paddr_t hpa);
paddr_t p2m_root_pa(const struct p2m *p);

#endif /* BASALT_P2M_H */
