/* SPDX-License-Identifier: MIT */
/*
 * Guest page-table walker (see basalt/guest_walk.h): turns the guest-virtual
 * pointers of hypercall arguments into guest-physical addresses the way the
 * guest's CPU would, including the #PF error code when it would fault.
 */
#include <basalt/guest_walk.h>

#define PTE_P   (1ULL << 0)
#define PTE_RW  (1ULL << 1)
#define PTE_US  (1ULL << 2)
#define PTE_PS  (1ULL << 7)
#define PTE_XD  (1ULL << 63)

/* Bits hi..lo inclusive; empty when lo > hi. */
static uint64_t bits(unsigned int hi, unsigned int lo)
{
	if (lo > hi)
		return 0;
	return (~0ULL >> (63 - hi)) & (~0ULL << lo);
}

/* One walk in progress; rights are ANDed (XD ORed) over the levels seen. */
struct walk {
	const struct guest_paging *p;
	guest_phys_read_fn read;
	void *ctx;
	uint64_t gva;
	unsigned int access;
	unsigned int maxphys;
	bool nx;        /* the XD bit exists: PAE or long mode with EFER.NXE */
	bool rw, us, xd;
	/* results */
	uint64_t gpa, size;
	uint32_t pfec;
};

static bool read_entry(struct walk *w, uint64_t ea, unsigned int bytes,
		       uint64_t *e)
{
	uint32_t v32;

	if (bytes == 4) {
		if (!w->read(w->ctx, ea, &v32, 4))
			goto hole;
		*e = v32;
		return true;
	}
	if (w->read(w->ctx, ea, e, 8))
		return true;
hole:
	w->gpa = ea;
	return false;
}

/*
 * The error-code bits that describe the access itself. I is set only when
 * the CPU reports it: with SMEP, or with NX available (CR4.PAE and
 * EFER.NXE) - the SDM's rule, so 32-bit paging without SMEP reports 0.
 */
static enum guest_walk_result fault(struct walk *w, uint32_t cause)
{
	const struct guest_paging *p = w->p;
	uint32_t code = cause;

	if (w->access & GW_WRITE)
		code |= GW_PFEC_W;
	if (w->access & GW_USER)
		code |= GW_PFEC_U;
	if ((w->access & GW_FETCH) &&
	    ((p->cr4 & GW_CR4_SMEP) ||
	     ((p->cr4 & GW_CR4_PAE) && (p->efer & GW_EFER_NXE))))
		code |= GW_PFEC_I;
	w->pfec = code;
	return GW_PAGE_FAULT;
}

static void accumulate(struct walk *w, uint64_t e)
{
	w->rw = w->rw && (e & PTE_RW);
	w->us = w->us && (e & PTE_US);
	w->xd = w->xd || (w->nx && (e & PTE_XD));
}

/* Whether the combined rights allow the access (SDM vol. 3, 4.6). */
static bool rights_allow(const struct walk *w)
{
	const struct guest_paging *p = w->p;
	bool user = w->access & GW_USER;

	if (w->access & GW_FETCH) {
		if (w->xd)
			return false;
		if (user)
			return w->us;
		return !(w->us && (p->cr4 & GW_CR4_SMEP));
	}
	if (user)
		return w->us && (w->rw || !(w->access & GW_WRITE));
	if (w->us && (p->cr4 & GW_CR4_SMAP) &&
	    ((w->access & GW_IMPLICIT) || !(p->rflags & GW_RFLAGS_AC)))
		return false;
	return w->rw || !(w->access & GW_WRITE) || !(p->cr0 & GW_CR0_WP);
}

static enum guest_walk_result finish(struct walk *w, uint64_t gpa,
				     uint64_t size)
{
	if (!rights_allow(w))
		return fault(w, GW_PFEC_P);
	w->gpa = gpa;
	w->size = size;
	return GW_OK;
}

/*
 * The levels with 8-byte entries shared by PAE (from the page directory,
 * level 2) and long mode (from level 4 or 5). addr_rsvd is the mode's
 * reserved address range: 51..MAXPHYADDR in long mode, 62..MAXPHYADDR
 * in PAE mode.
 */
static enum guest_walk_result walk64(struct walk *w, uint64_t table,
				     unsigned int level, uint64_t addr_rsvd)
{
	uint64_t xd_rsvd = w->nx ? 0 : PTE_XD;

	for (;; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		uint64_t ea = table + ((w->gva >> shift) & 511) * 8;
		uint64_t e, rsvd = addr_rsvd | xd_rsvd;
		bool leaf = level == 1;

		if (!read_entry(w, ea, 8, &e))
			return GW_TABLE_HOLE;
		if (!(e & PTE_P))
			return fault(w, 0);
		if (level >= 4) {
			rsvd |= PTE_PS;
		} else if (level == 3 && (e & PTE_PS)) {
			/* Without 1 GiB pages the PS bit itself is reserved. */
			rsvd |= (w->p->feat & GW_FEAT_PAGE1GB) ? bits(29, 13)
							       : PTE_PS;
			leaf = true;
		} else if (level == 2 && (e & PTE_PS)) {
			rsvd |= bits(20, 13);
			leaf = true;
		}
		if (e & rsvd)
			return fault(w, GW_PFEC_P | GW_PFEC_RSVD);
		accumulate(w, e);
		if (leaf) {
			uint64_t size = 1ULL << shift;
			uint64_t base = e & bits(51, 12) & ~(size - 1);

			return finish(w, base | (w->gva & (size - 1)), size);
		}
		table = e & bits(51, 12);
	}
}

static enum guest_walk_result walk_long(struct walk *w)
{
	const struct guest_paging *p = w->p;
	unsigned int levels = (p->cr4 & GW_CR4_LA57) ? 5 : 4;
	unsigned int width = levels == 5 ? 57 : 48;
	int64_t sext = (int64_t)(w->gva << (64 - width)) >> (64 - width);

	if ((uint64_t)sext != w->gva)
		return GW_NONCANONICAL;
	return walk64(w, p->cr3 & bits(51, 12), levels,
		      bits(51, w->maxphys));
}

static enum guest_walk_result walk_pae(struct walk *w)
{
	uint64_t ea = (w->p->cr3 & 0xffffffe0U) + ((w->gva >> 30) & 3) * 8;
	uint64_t e;

	if (!read_entry(w, ea, 8, &e))
		return GW_TABLE_HOLE;
	if (!(e & PTE_P))
		return fault(w, 0);
	/* A PDPTE carries no rights: R/W, U/S and XD are reserved in it. */
	if (e & (bits(63, w->maxphys) | bits(8, 5) | bits(2, 1)))
		return fault(w, GW_PFEC_P | GW_PFEC_RSVD);
	return walk64(w, e & bits(51, 12), 2, bits(62, w->maxphys));
}

static enum guest_walk_result walk_32bit(struct walk *w)
{
	const struct guest_paging *p = w->p;
	uint64_t ea = (p->cr3 & 0xfffff000U) + ((w->gva >> 22) & 1023) * 4;
	uint64_t e;

	if (!read_entry(w, ea, 4, &e))
		return GW_TABLE_HOLE;
	if (!(e & PTE_P))
		return fault(w, 0);
	if ((e & PTE_PS) && (p->cr4 & GW_CR4_PSE)) {
		/* PSE-36: PDE bits (M-20):13 are physical bits (M-1):32. */
		unsigned int m = 32;
		uint64_t high;

		if (p->feat & GW_FEAT_PSE36)
			m = w->maxphys < 40 ? w->maxphys : 40;
		if (e & bits(21, m - 19))
			return fault(w, GW_PFEC_P | GW_PFEC_RSVD);
		accumulate(w, e);
		high = m > 32 ? (e >> 13) & ((1ULL << (m - 32)) - 1) : 0;
		return finish(w, (high << 32) | (e & 0xffc00000U) |
				 (w->gva & 0x3fffff), 4ULL << 20);
	}
	accumulate(w, e);
	ea = (e & 0xfffff000U) + ((w->gva >> 12) & 1023) * 4;
	if (!read_entry(w, ea, 4, &e))
		return GW_TABLE_HOLE;
	if (!(e & PTE_P))
		return fault(w, 0);
	accumulate(w, e);
	return finish(w, (e & 0xfffff000U) | (w->gva & 0xfff), 4096);
}

enum guest_walk_result guest_walk(const struct guest_paging *p, uint64_t gva,
				  unsigned int access, guest_phys_read_fn read,
				  void *ctx, uint64_t *gpa, uint32_t *pfec,
				  uint64_t *page_size)
{
	struct walk w = {
		.p = p, .read = read, .ctx = ctx, .gva = gva, .access = access,
		.maxphys = p->maxphyaddr, .rw = true, .us = true,
	};
	bool lma = p->efer & GW_EFER_LMA;
	enum guest_walk_result r;

	if (w.maxphys < 32)
		w.maxphys = 32;
	if (w.maxphys > 52)
		w.maxphys = 52;
	w.nx = (p->cr4 & GW_CR4_PAE) && (p->efer & GW_EFER_NXE);

	if (!(p->cr0 & GW_CR0_PG)) {
		if (lma) {
			r = GW_BAD_STATE;
		} else {
			/* Without paging, linear addresses are 32 bits. */
			w.gpa = gva & 0xffffffffU;
			w.size = 1ULL << 32;
			r = GW_OK;
		}
	} else if (lma) {
		r = (p->cr4 & GW_CR4_PAE) ? walk_long(&w) : GW_BAD_STATE;
	} else {
		/* Outside long mode the linear address wraps at 4 GiB. */
		w.gva &= 0xffffffffU;
		r = (p->cr4 & GW_CR4_PAE) ? walk_pae(&w) : walk_32bit(&w);
	}

	if (r != GW_OK && r != GW_TABLE_HOLE)
		w.gpa = 0;
	if (r != GW_OK)
		w.size = 0;
	if (r != GW_PAGE_FAULT)
		w.pfec = 0;
	if (gpa)
		*gpa = w.gpa;
	if (pfec)
		*pfec = w.pfec;
	if (page_size)
		*page_size = w.size;
	return r;
}
