// SPDX-License-Identifier: MIT
/*
 * The p2m on the backend's nested page tables: a 4-level radix tree from
 * guest-physical to host-physical addresses, with 2 MiB leaves where a
 * whole aligned 2 MiB block is mapped and 4 KiB leaves elsewhere. Every
 * change is reported to the TLB rules (tlb_shootdown.h) before the
 * function that made it returns: a caller may reuse a removed frame.
 */
#include <basalt/p2m.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/mm.h>
#include <basalt/tlb_shootdown.h>
#include <asm/hvm.h>
#include <asm/page.h>

#define ENTRIES 512
#define L2_SIZE (2ull * 1024 * 1024)
#define GPA_LIMIT (1ull << 48)

/* Every p2m is the one of a domain (struct domain embeds it). Called
 * after the p2m lock is dropped: a shootdown may wait for other CPUs. */
static void p2m_changed(struct p2m *p, enum tlb_p2m_change change)
{
	tlb_shootdown(container_of(p, struct domain, p2m), change);
}

static unsigned int idx(uint64_t gpa, unsigned int level)
{
	return (unsigned int)((gpa >> (12 + 9 * (level - 1))) & 511);
}

int p2m_init(struct p2m *p)
{
	spin_lock_init(&p->lock, "p2m");
	p->root = alloc_page();
	if (!p->root)
		return -ENOMEM;
	p->table_pages = 1;
	p->ram_pages = 0;
	return 0;
}

paddr_t p2m_root_pa(const struct p2m *p)
{
	return virt_to_phys(p->root);
}

/* Turn a 2 MiB leaf into a table of 512 4 KiB leaves, same rights. The
 * translations do not change, so no flush: a cached 2 MiB entry still
 * gives the right frame, until a change to one of the 4 KiB leaves
 * (which flushes) makes them differ. */
static int split(struct p2m *p, uint64_t *e)
{
	uint64_t *t = alloc_page();
	paddr_t base = p2m_fmt->addr(*e);
	bool w = p2m_fmt->writable(*e);
	uint64_t owned = *e & p2m_fmt->owned;

	if (!t)
		return -ENOMEM;
	for (unsigned int i = 0; i < ENTRIES; i++)
		t[i] = p2m_fmt->leaf(base + (uint64_t)i * PAGE_SIZE, 1, true, w,
				     true) | owned;
	p->table_pages++;
	/* The new table is complete before it becomes visible. */
	__atomic_store_n(e, p2m_fmt->table(virt_to_phys(t)), __ATOMIC_RELEASE);
	return 0;
}

/* Entry for gpa at level (1 or 2), creating (or splitting) on the way. */
static uint64_t *walk_create(struct p2m *p, uint64_t gpa, unsigned int level,
			     int *err)
{
	uint64_t *t = p->root;

	for (unsigned int l = 4; l > level; l--) {
		uint64_t *e = &t[idx(gpa, l)];
		if (!p2m_fmt->present(*e)) {
			uint64_t *n = alloc_page();
			if (!n) {
				*err = -ENOMEM;
				return NULL;
			}
			p->table_pages++;
			__atomic_store_n(e, p2m_fmt->table(virt_to_phys(n)),
					 __ATOMIC_RELEASE);
		} else if (p2m_fmt->is_leaf(*e, l)) {
			*err = split(p, e);
			if (*err)
				return NULL;
		}
		t = phys_to_virt(p2m_fmt->addr(*e));
	}
	return &t[idx(gpa, level)];
}

/* Leaf entry mapping gpa and its level, or NULL. */
static uint64_t *walk_find(struct p2m *p, uint64_t gpa, unsigned int *level)
{
	uint64_t *t = p->root;

	for (unsigned int l = 4; l >= 1; l--) {
		uint64_t *e = &t[idx(gpa, l)];
		if (!p2m_fmt->present(*e))
			return NULL;
		if (l == 1 || p2m_fmt->is_leaf(*e, l)) {
			*level = l;
			return e;
		}
		t = phys_to_virt(p2m_fmt->addr(*e));
	}
	return NULL;
}

int p2m_populate_ram(struct p2m *p, uint64_t gpa, uint64_t bytes)
{
	uint64_t end = gpa + bytes;
	int err = 0;

	if ((gpa | bytes) & ~PAGE_MASK || end < gpa || end > GPA_LIMIT)
		return -EINVAL;
	uint64_t irqf = spin_lock_irqsave(&p->lock);
	while (gpa < end) {
		bool big = !(gpa & (L2_SIZE - 1)) && end - gpa >= L2_SIZE;
		unsigned int level = big ? 2 : 1;
		void *mem = alloc_pages(big ? 9 : 0);
		uint64_t *e;

		if (!mem && big) { /* fragmented: fall back to 4 KiB pages */
			big = false;
			level = 1;
			mem = alloc_page();
		}
		if (!mem) {
			err = -ENOMEM;
			break;
		}
		e = walk_create(p, gpa, level, &err);
		if (!e || p2m_fmt->present(*e)) {
			free_pages(mem, big ? 9 : 0);
			if (!err)
				err = -EEXIST;
			break;
		}
		__atomic_store_n(e, p2m_fmt->leaf(virt_to_phys(mem), level, true,
						  true, true) | p2m_fmt->owned,
				 __ATOMIC_RELEASE);
		p->ram_pages += big ? 512 : 1;
		gpa += big ? L2_SIZE : PAGE_SIZE;
	}
	spin_unlock_irqrestore(&p->lock, irqf);
	p2m_changed(p, TLB_P2M_NEW);
	return err;
}

int p2m_map_page(struct p2m *p, uint64_t gfn, paddr_t hpa, unsigned int access)
{
	int err = 0;
	uint64_t *e;

	if (gfn >= GPA_LIMIT >> PAGE_SHIFT)
		return -EINVAL;
	uint64_t irqf = spin_lock_irqsave(&p->lock);
	e = walk_create(p, gfn << PAGE_SHIFT, 1, &err);
	if (e) {
		if (p2m_fmt->present(*e))
			err = -EEXIST;
		else
			__atomic_store_n(e, p2m_fmt->leaf(hpa, 1, access & P2M_R,
							  access & P2M_W, access & P2M_X),
					 __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&p->lock, irqf);
	if (!err)
		p2m_changed(p, TLB_P2M_NEW);
	return err;
}

paddr_t p2m_unmap_page(struct p2m *p, uint64_t gfn, bool *owned)
{
	uint64_t gpa = gfn << PAGE_SHIFT;
	unsigned int level;
	uint64_t *e;
	paddr_t hpa = 0;
	bool removed = false;

	*owned = false;
	if (gfn >= GPA_LIMIT >> PAGE_SHIFT)
		return 0;
	uint64_t irqf = spin_lock_irqsave(&p->lock);
	e = walk_find(p, gpa, &level);
	if (e && level == 2) {
		int err = 0;
		if (split(p, e) == 0)
			e = walk_create(p, gpa, 1, &err);
		else
			e = NULL;
	}
	if (e) {
		hpa = p2m_fmt->addr(*e);
		*owned = *e & p2m_fmt->owned;
		__atomic_store_n(e, 0, __ATOMIC_RELEASE);
		removed = true;
		if (*owned)
			p->ram_pages--;
	}
	spin_unlock_irqrestore(&p->lock, irqf);
	/* Before the caller may free or reuse hpa: no CPU keeps using it
	 * through a cached translation. */
	if (removed)
		p2m_changed(p, TLB_P2M_REMOVE);
	return hpa;
}

/* Safe at once: p2m_unmap_page has done the shootdown. */
void p2m_release_page(struct p2m *p, paddr_t hpa)
{
	free_page(phys_to_virt(hpa));
}

/*
 * Lookups take no lock: entries change by single atomic stores (a table
 * appears complete, a leaf is replaced or cleared whole), and tables are
 * freed only at teardown, when nothing can look the domain up. A lookup
 * racing with a removal may return the old frame (docs/COHERENCE.md).
 */
paddr_t p2m_lookup(struct p2m *p, uint64_t gpa, bool *writable)
{
	uint64_t *t = p->root;
	unsigned int level = 4;
	uint64_t e;

	if (gpa >= GPA_LIMIT)
		return 0;
	for (;;) {
		e = __atomic_load_n(&t[idx(gpa, level)], __ATOMIC_ACQUIRE);
		if (!p2m_fmt->present(e))
			return 0;
		if (level == 1 || p2m_fmt->is_leaf(e, level))
			break;
		t = phys_to_virt(p2m_fmt->addr(e));
		level--;
	}
	if (writable)
		*writable = p2m_fmt->writable(e);
	return p2m_fmt->addr(e) + (gpa & (level == 2 ? L2_SIZE - 1 : PAGE_SIZE - 1));
}

static void free_tree(struct p2m *p, uint64_t *t, unsigned int level)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		uint64_t e = t[i];
		if (!p2m_fmt->present(e))
			continue;
		if (level == 1 || p2m_fmt->is_leaf(e, level)) {
			if (e & p2m_fmt->owned)
				free_pages(phys_to_virt(p2m_fmt->addr(e)),
					   level == 2 ? 9 : 0);
			continue;
		}
		free_tree(p, phys_to_virt(p2m_fmt->addr(e)), level - 1);
	}
	free_page(t);
}

/* TLB_P2M_TABLE_FREED: nothing to flush (tlb_policy.c), and the vCPUs
 * are gone already, so no shootdown is asked for. */
void p2m_teardown(struct p2m *p)
{
	if (!p->root)
		return;
	free_tree(p, p->root, 4);
	p->root = NULL;
	p->table_pages = 0;
	p->ram_pages = 0;
}
