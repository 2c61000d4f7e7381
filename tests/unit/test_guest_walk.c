/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/common/guest_walk.c: page tables built by hand in a
 * simulated guest-physical memory for every paging mode and page size,
 * exact #PF error codes (SDM vol. 3, 4.7), the permission matrix, reserved
 * bits per level, holes, canonicality, and a fixed-seed random comparison
 * against a bit-by-bit reference walker written from the SDM's tables.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/guest_walk.h>

/* ---- simulated guest-physical memory ----------------------------------- */

#define MAX_PAGES 48

static struct gpage {
	uint64_t gpa;
	uint8_t data[4096];
} pages[MAX_PAGES];
static unsigned int npages;
static unsigned long nreads;

static void mem_reset(void)
{
	npages = 0;
	nreads = 0;
}

static uint8_t *page_find(uint64_t gpa)
{
	for (unsigned int i = 0; i < npages; i++)
		if (pages[i].gpa == (gpa & ~0xfffULL))
			return pages[i].data;
	return NULL;
}

static uint8_t *page_get(uint64_t gpa)
{
	uint8_t *d = page_find(gpa);

	if (d)
		return d;
	assert_true(npages < MAX_PAGES);
	pages[npages].gpa = gpa & ~0xfffULL;
	memset(pages[npages].data, 0, 4096);
	return pages[npages++].data;
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(page_get(gpa) + (gpa & 0xfff), &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(page_get(gpa) + (gpa & 0xfff), &v, 4);
}

static bool mem_read(void *ctx, uint64_t gpa, void *buf, unsigned int bytes)
{
	const uint8_t *d;

	/* The walker promises naturally aligned 4- or 8-byte reads. */
	assert_true(bytes == 4 || bytes == 8);
	assert_int_equal(gpa % bytes, 0);
	assert_ptr_equal(ctx, &nreads);
	nreads++;
	d = page_find(gpa);
	if (!d)
		return false;
	memcpy(buf, d + (gpa & 0xfff), bytes);
	return true;
}

/* ---- walking helpers ---------------------------------------------------- */

struct res {
	enum guest_walk_result r;
	uint64_t gpa, size;
	uint32_t pfec;
};

static struct res walk(const struct guest_paging *p, uint64_t gva,
		       unsigned int acc)
{
	struct res x = { .gpa = 0xdead, .size = 0xdead, .pfec = 0xdead };

	x.r = guest_walk(p, gva, acc, mem_read, &nreads, &x.gpa, &x.pfec,
			 &x.size);
	return x;
}

static void expect_ok_(const struct guest_paging *p, uint64_t gva,
		       unsigned int acc, uint64_t gpa, uint64_t size, int line)
{
	struct res x = walk(p, gva, acc);

	if (x.r != GW_OK || x.gpa != gpa || x.size != size || x.pfec != 0)
		fail_msg("line %d: gva %#llx acc %u: got r=%d gpa=%#llx size=%#llx pfec=%#x, "
			 "want OK gpa=%#llx size=%#llx", line,
			 (unsigned long long)gva, acc, x.r,
			 (unsigned long long)x.gpa, (unsigned long long)x.size,
			 x.pfec, (unsigned long long)gpa,
			 (unsigned long long)size);
}

static void expect_pf_(const struct guest_paging *p, uint64_t gva,
		       unsigned int acc, uint32_t pfec, int line)
{
	struct res x = walk(p, gva, acc);

	if (x.r != GW_PAGE_FAULT || x.pfec != pfec || x.gpa != 0 || x.size != 0)
		fail_msg("line %d: gva %#llx acc %u: got r=%d pfec=%#x gpa=%#llx, want #PF %#x",
			 line, (unsigned long long)gva, acc, x.r, x.pfec,
			 (unsigned long long)x.gpa, pfec);
}

#define expect_ok(p, gva, acc, gpa, size) expect_ok_(p, gva, acc, gpa, size, __LINE__)
#define expect_pf(p, gva, acc, pfec) expect_pf_(p, gva, acc, pfec, __LINE__)

#define P   (1ULL << 0)
#define RW  (1ULL << 1)
#define US  (1ULL << 2)
#define PS  (1ULL << 7)
#define XD  (1ULL << 63)
#define ALL (P | RW | US)

#define KB4 0x1000ULL
#define MB2 0x200000ULL
#define MB4 0x400000ULL
#define GB1 0x40000000ULL

#define PF_P    GW_PFEC_P
#define PF_W    GW_PFEC_W
#define PF_U    GW_PFEC_U
#define PF_RSVD GW_PFEC_RSVD
#define PF_I    GW_PFEC_I

/* Accesses. */
#define SR  (GW_READ)
#define SW  (GW_WRITE)
#define SF  (GW_FETCH)
#define UR  (GW_USER)
#define UW  (GW_USER | GW_WRITE)
#define UF  (GW_USER | GW_FETCH)

/* Paging states. */
static struct guest_paging st_long(uint64_t cr3, bool la57)
{
	struct guest_paging p = {
		.cr0 = GW_CR0_PG | GW_CR0_WP | 1,
		.cr3 = cr3,
		.cr4 = GW_CR4_PAE | GW_CR4_PSE | (la57 ? GW_CR4_LA57 : 0),
		.efer = GW_EFER_LMA | GW_EFER_NXE | (1ULL << 8),
		.maxphyaddr = 48,
		.feat = GW_FEAT_PAGE1GB,
	};
	return p;
}

static struct guest_paging st_pae(uint64_t cr3)
{
	struct guest_paging p = {
		.cr0 = GW_CR0_PG | GW_CR0_WP | 1,
		.cr3 = cr3,
		.cr4 = GW_CR4_PAE,
		.efer = GW_EFER_NXE,
		.maxphyaddr = 36,
	};
	return p;
}

static struct guest_paging st_32(uint64_t cr3, bool pse)
{
	struct guest_paging p = {
		.cr0 = GW_CR0_PG | GW_CR0_WP | 1,
		.cr3 = cr3,
		.cr4 = pse ? GW_CR4_PSE : 0,
		.maxphyaddr = 40,
		.feat = GW_FEAT_PSE36,
	};
	return p;
}

/*
 * Long-mode tables: one table page per level (PML5 at 0x10000 down to the
 * PT at 0x14000). Maps gva with a leaf at level leaf (1: 4K, 2: 2M,
 * 3: 1G) to phys; fl[level] is the whole flag set of that level's entry.
 */
#define LTBL(level) (0x10000ULL + (5 - (level)) * 0x1000ULL)

static void map_long(unsigned int levels, uint64_t gva, unsigned int leaf,
		     uint64_t phys, const uint64_t fl[6])
{
	for (unsigned int l = levels; l >= leaf; l--) {
		unsigned int shift = 12 + 9 * (l - 1);
		uint64_t ea = LTBL(l) + ((gva >> shift) & 511) * 8;

		if (l == leaf)
			put64(ea, phys | fl[l] | (leaf > 1 ? PS : 0));
		else
			put64(ea, LTBL(l - 1) | fl[l]);
	}
}

static const uint64_t fl_all[6] = { 0, ALL, ALL, ALL, ALL, ALL };

/* PAE tables: the PDPT at a 32-byte but not page-aligned address. */
#define PAE_PDPT 0x20020ULL
#define PAE_PD   0x21000ULL
#define PAE_PT   0x22000ULL

static void map_pae(uint64_t gva, bool big, uint64_t phys, uint64_t pdpte_fl,
		    uint64_t pde_fl, uint64_t pte_fl)
{
	put64(PAE_PDPT + ((gva >> 30) & 3) * 8, PAE_PD | pdpte_fl);
	if (big) {
		put64(PAE_PD + ((gva >> 21) & 511) * 8, phys | pde_fl | PS);
		return;
	}
	put64(PAE_PD + ((gva >> 21) & 511) * 8, PAE_PT | pde_fl);
	put64(PAE_PT + ((gva >> 12) & 511) * 8, phys | pte_fl);
}

#define L32_PD 0x30000ULL
#define L32_PT 0x31000ULL

static void map_32(uint32_t gva, bool big, uint32_t pde, uint32_t pte)
{
	if (big) {
		put32(L32_PD + (gva >> 22) * 4, pde | (uint32_t)PS);
		return;
	}
	put32(L32_PD + (gva >> 22) * 4, L32_PT | pde);
	put32(L32_PT + ((gva >> 12) & 1023) * 4, pte);
}

/* ---- paging off, bad states --------------------------------------------- */

static void test_paging_off(void **st)
{
	struct guest_paging p = { .cr0 = 1, .cr4 = GW_CR4_PAE, .maxphyaddr = 48 };
	uint64_t gpa = 1, size = 1;
	uint32_t pfec = 1;

	mem_reset();
	/* Identity, every access allowed, nothing read, 32-bit addresses. */
	expect_ok(&p, 0x12345678, UW, 0x12345678, 1ULL << 32);
	expect_ok(&p, 0xfffffffc, UF, 0xfffffffc, 1ULL << 32);
	expect_ok(&p, 0xabcd00001234ULL, SR, 0x1234, 1ULL << 32);
	assert_int_equal(nreads, 0);
	/* EFER.LMA without CR0.PG or CR4.PAE is not a state a CPU can be in. */
	p.efer = GW_EFER_LMA;
	assert_int_equal(guest_walk(&p, 0x1000, SR, mem_read, &nreads, &gpa,
				    &pfec, &size), GW_BAD_STATE);
	assert_true(gpa == 0 && pfec == 0 && size == 0);
	p.cr0 |= GW_CR0_PG;
	p.cr4 = 0;
	assert_int_equal(walk(&p, 0x1000, SR).r, GW_BAD_STATE);
	/* NULL outputs are allowed. */
	p.efer = 0;
	p.cr0 = 0;
	assert_int_equal(guest_walk(&p, 0x1000, SR, mem_read, &nreads, NULL,
				    NULL, NULL), GW_OK);
}

/* ---- 32-bit paging ------------------------------------------------------ */

static void test_32bit_4k(void **st)
{
	struct guest_paging p = st_32(L32_PD | 0xfff, false);

	mem_reset();
	map_32(0xc0401000, false, ALL, 0x7654a000 | ALL);
	expect_ok(&p, 0xc0401abc, UW, 0x7654aabc, KB4);
	/* Outside long mode the linear address is truncated to 32 bits. */
	expect_ok(&p, 0xffffffffc0401abcULL, SR, 0x7654aabc, KB4);
	expect_ok(&p, 0x5c0401ffcULL, SR, 0x7654affc, KB4);
	/* Exactly two 4-byte reads for a 4 KiB translation. */
	nreads = 0;
	expect_ok(&p, 0xc0401000, SR, 0x7654a000, KB4);
	assert_int_equal(nreads, 2);
	/* Next page: PTE not present. */
	expect_pf(&p, 0xc0402000, SR, 0);
	expect_pf(&p, 0xc0402000, UW, PF_W | PF_U);
	/* Fetch: I is reported only with SMEP in 32-bit paging. */
	expect_pf(&p, 0xc0402000, SF, 0);
	p.cr4 |= GW_CR4_SMEP;
	expect_pf(&p, 0xc0402000, SF, PF_I);
	p.cr4 &= ~GW_CR4_SMEP;
	/* PDE not present. */
	expect_pf(&p, 0x00400000, UR, PF_U);
	/* A PTE's high flag bits (PAT, G, available) are not reserved. */
	put32(L32_PT + 3 * 4, 0x7654b000 | 0xf80 | ALL);
	expect_ok(&p, 0xc0403000, UR, 0x7654b000, KB4);
	/* EFER.NXE has no XD bit to honour here: fetch allowed. */
	p.efer = GW_EFER_NXE;
	expect_ok(&p, 0xc0401000, UF, 0x7654a000, KB4);
}

static void test_32bit_pse(void **st)
{
	struct guest_paging p = st_32(L32_PD, true);

	mem_reset();
	/* 4 MiB page at 0x7fc00000 for gva 0x80000000..0x803fffff. */
	map_32(0x80000000, true, 0x7fc00000 | ALL, 0);
	expect_ok(&p, 0x80123456, UW, 0x7fd23456, MB4);
	nreads = 0;
	expect_ok(&p, 0x803fffff, SR, 0x7fffffff, MB4);
	assert_int_equal(nreads, 1);
	/* Without CR4.PSE the PS bit is ignored: the PDE names a page table. */
	p.cr4 = 0;
	put32(0x7fc00000 + 0x123 * 4, 0x00abc000 | ALL);
	expect_ok(&p, 0x80123456, UW, 0x00abc456, KB4);
	/* ...and the bits that PSE-36 would use are just address bits then. */
	put32(L32_PD + (0x80000000u >> 22) * 4, 0x7fc00000 | ALL | (uint32_t)PS | (1u << 21) | (1u << 13));
	put32(0x7fe02000 + 0x123 * 4, 0x00abd000 | ALL);
	expect_ok(&p, 0x80123456, UW, 0x00abd456, KB4);
}

static void test_32bit_pse36(void **st)
{
	struct guest_paging p = st_32(L32_PD, true);
	uint32_t pde = 0x00400000 | ALL;

	mem_reset();
	/* MAXPHYADDR 40: PDE bits 20:13 are physical bits 39:32. */
	map_32(0x00400000, true, pde | (0xab << 13), 0);
	expect_ok(&p, 0x00412345, SR, 0xab00412345ULL, MB4);
	/* Bit 21 is reserved whatever the width. */
	map_32(0x00400000, true, pde | (1u << 21), 0);
	expect_pf(&p, 0x00412345, SR, PF_P | PF_RSVD);
	expect_pf(&p, 0x00412345, UW, PF_P | PF_RSVD | PF_W | PF_U);
	/* MAXPHYADDR 36: bits 16:13 are address, 21:17 reserved. */
	p.maxphyaddr = 36;
	map_32(0x00400000, true, pde | (0xf << 13), 0);
	expect_ok(&p, 0x00412345, SR, 0xf00412345ULL, MB4);
	map_32(0x00400000, true, pde | (1u << 17), 0);
	expect_pf(&p, 0x00412345, SR, PF_P | PF_RSVD);
	/* MAXPHYADDR above 40 still gives 40 bits. */
	p.maxphyaddr = 52;
	map_32(0x00400000, true, pde | (0x80 << 13), 0);
	expect_ok(&p, 0x00412345, SR, 0x8000412345ULL, MB4);
	/* Without PSE-36, bits 21:13 are all reserved. */
	p.feat = 0;
	map_32(0x00400000, true, pde | (1u << 13), 0);
	expect_pf(&p, 0x00412345, UR, PF_P | PF_RSVD | PF_U);
	/* PAT (bit 12) is not reserved and not an address bit. */
	map_32(0x00400000, true, pde | (1u << 12), 0);
	expect_ok(&p, 0x00412345, SR, 0x00412345, MB4);
}

/* ---- PAE ---------------------------------------------------------------- */

static void test_pae(void **st)
{
	struct guest_paging p = st_pae(PAE_PDPT | 0x1f);

	mem_reset();
	/* 4 KiB via PDPTE 2, with PDPTE cache bits (PWT, PCD) allowed. */
	map_pae(0x80201000, false, 0x9abcd000, P | (3 << 3), ALL, ALL);
	expect_ok(&p, 0x80201777, UW, 0x9abcd777, KB4);
	expect_ok(&p, 0x1480201777ULL, SR, 0x9abcd777, KB4);
	nreads = 0;
	expect_ok(&p, 0x80201000, SR, 0x9abcd000, KB4);
	assert_int_equal(nreads, 3);
	/* A physical address above 4 GiB (MAXPHYADDR 36). */
	map_pae(0x80202000, false, 0xfedcba000ULL, P, ALL, ALL);
	expect_ok(&p, 0x80202010, SR, 0xfedcba010ULL, KB4);
	/* 2 MiB page, PAT bit 12 allowed. */
	map_pae(0xc0400000, true, 0x12e00000 | (1 << 12), P, ALL, 0);
	expect_ok(&p, 0xc05fffff, UR, 0x12ffffff, MB2);
	/* PDPTE not present: #PF, not present. */
	expect_pf(&p, 0x00000000, SW, PF_W);
	expect_pf(&p, 0x40000000, UF, PF_U | PF_I);
}

static void test_pae_reserved(void **st)
{
	static const unsigned int pdpte_rsvd[] = { 1, 2, 5, 6, 7, 8, 36, 51, 52, 62, 63 };
	struct guest_paging p = st_pae(PAE_PDPT);

	mem_reset();
	for (unsigned int i = 0; i < sizeof(pdpte_rsvd) / sizeof(pdpte_rsvd[0]); i++) {
		map_pae(0x80201000, false, 0x5000, P | (1ULL << pdpte_rsvd[i]), ALL, ALL);
		expect_pf(&p, 0x80201000, SR, PF_P | PF_RSVD);
	}
	/* Ignored PDPTE bits 11:9. */
	map_pae(0x80201000, false, 0x5000, P | (7 << 9), ALL, ALL);
	expect_ok(&p, 0x80201000, SR, 0x5000, KB4);
	/* PAE reserves bits 62:MAXPHYADDR in PDEs and PTEs (long mode only 51:M). */
	map_pae(0x80201000, false, 0x5000, P, ALL | (1ULL << 52), ALL);
	expect_pf(&p, 0x80201000, UR, PF_P | PF_RSVD | PF_U);
	map_pae(0x80201000, false, 0x5000, P, ALL, ALL | (1ULL << 62));
	expect_pf(&p, 0x80201000, UR, PF_P | PF_RSVD | PF_U);
	map_pae(0x80201000, false, 0x5000 | (1ULL << 36), P, ALL, ALL);
	expect_pf(&p, 0x80201000, SR, PF_P | PF_RSVD);
	p.maxphyaddr = 37;
	expect_ok(&p, 0x80201000, SR, 0x1000005000ULL, KB4);
	p.maxphyaddr = 36;
	/* 2 MiB page: bits 20:13 reserved. */
	map_pae(0xc0400000, true, 0x12e00000 | (1 << 13), P, ALL, 0);
	expect_pf(&p, 0xc0400000, SW, PF_P | PF_RSVD | PF_W);
	map_pae(0xc0400000, true, 0x12e00000 | (1 << 20), P, ALL, 0);
	expect_pf(&p, 0xc0400000, SW, PF_P | PF_RSVD | PF_W);
	/* XD: allowed with EFER.NXE, reserved without (PDE and PTE). */
	map_pae(0x80201000, false, 0x5000, P, ALL | XD, ALL);
	expect_pf(&p, 0x80201000, SF, PF_P | PF_I);
	expect_ok(&p, 0x80201000, SR, 0x5000, KB4);
	p.efer = 0;
	expect_pf(&p, 0x80201000, SR, PF_P | PF_RSVD);
	/* Without NXE and SMEP, a fetch's I bit stays clear. */
	expect_pf(&p, 0x80201000, SF, PF_P | PF_RSVD);
	map_pae(0x80201000, false, 0x5000, P, ALL, ALL | XD);
	expect_pf(&p, 0x80201000, UR, PF_P | PF_RSVD | PF_U);
	/* XD in a PDPTE is reserved even with NXE. */
	p.efer = GW_EFER_NXE;
	map_pae(0x80201000, false, 0x5000, P | XD, ALL, ALL);
	expect_pf(&p, 0x80201000, SR, PF_P | PF_RSVD);
}

/* ---- long mode ---------------------------------------------------------- */

static void test_long_sizes(void **st)
{
	struct guest_paging p = st_long(LTBL(4) | 0x18, false);
	uint64_t fl[6] = { 0, ALL, ALL, ALL, ALL, ALL };

	mem_reset();
	map_long(4, 0xffff888012345000ULL, 1, 0x3456789000ULL, fl);
	expect_ok(&p, 0xffff888012345678ULL, UW, 0x3456789678ULL, KB4);
	nreads = 0;
	expect_ok(&p, 0xffff888012345000ULL, SF, 0x3456789000ULL, KB4);
	assert_int_equal(nreads, 4);
	/* 2 MiB page, PAT bit 12 allowed. */
	map_long(4, 0xffffffff81000000ULL, 2, 0x1000000 | (1 << 12), fl);
	expect_ok(&p, 0xffffffff811fffffULL, SR, 0x11fffff, MB2);
	nreads = 0;
	expect_ok(&p, 0xffffffff81000000ULL, SR, 0x1000000, MB2);
	assert_int_equal(nreads, 3);
	/* 1 GiB page. */
	map_long(4, 0x7f0040000000ULL, 3, 0x1c0000000ULL | (1 << 12), fl);
	expect_ok(&p, 0x7f007fffffffULL, UR, 0x1ffffffffULL, GB1);
	nreads = 0;
	expect_ok(&p, 0x7f0040000123ULL, UR, 0x1c0000123ULL, GB1);
	assert_int_equal(nreads, 2);
	/* A physical address at the top of MAXPHYADDR 52. */
	p.maxphyaddr = 52;
	map_long(4, 0x1000, 1, 0xfffffffffe000ULL, fl);
	expect_ok(&p, 0x1008, SR, 0xfffffffffe008ULL, KB4);
	/* Bits 62:52 are ignored in long mode (not reserved, not address). */
	map_long(4, 0x2000, 1, 0x77000 | (0x7ffULL << 52), fl);
	expect_ok(&p, 0x2008, SR, 0x77008, KB4);
	/* CR3 bits above 51 and the PCID bits are not part of the base. */
	p.cr3 = LTBL(4) | 0xfff | (1ULL << 63);
	expect_ok(&p, 0x2008, SR, 0x77008, KB4);
}

static void test_long_not_present(void **st)
{
	struct guest_paging p = st_long(LTBL(4), false);
	uint64_t fl[6] = { 0, ALL, ALL, ALL, ALL, ALL };
	const uint64_t gva = 0x00007fffdead0000ULL;

	mem_reset();
	for (unsigned int level = 4; level >= 1; level--) {
		fl[level] = ALL & ~P;
		map_long(4, gva, 1, 0x5000, fl);
		expect_pf(&p, gva, SR, 0);
		expect_pf(&p, gva, SW, PF_W);
		expect_pf(&p, gva, UR, PF_U);
		expect_pf(&p, gva, UW, PF_W | PF_U);
		expect_pf(&p, gva, SF, PF_I);
		expect_pf(&p, gva, UF, PF_U | PF_I);
		/* Reserved bits are not checked in a non-present entry. */
		fl[level] = 0xfff0000000000000ULL | PS;
		map_long(4, gva, 1, 0x5000, fl);
		expect_pf(&p, gva, UW, PF_W | PF_U);
		fl[level] = ALL;
	}
	map_long(4, gva, 1, 0x5000, fl);
	expect_ok(&p, gva, UW, 0x5000, KB4);
	/* Without NXE (but with SMEP) a fetch still reports I. */
	p.efer &= ~GW_EFER_NXE;
	p.cr4 |= GW_CR4_SMEP;
	expect_pf(&p, gva + 0x1000, UF, PF_U | PF_I);
	p.cr4 &= ~GW_CR4_SMEP;
	expect_pf(&p, gva + 0x1000, UF, PF_U);
}

static void test_long_reserved(void **st)
{
	struct guest_paging p = st_long(LTBL(4), false);
	uint64_t fl[6] = { 0, ALL, ALL, ALL, ALL, ALL };
	const uint64_t gva = 0xffff800000000000ULL;

	mem_reset();
	/* Bit MAXPHYADDR (48) and bit 51 at each level; bit 52 ignored. */
	for (unsigned int level = 4; level >= 1; level--) {
		fl[level] = ALL | (1ULL << 48);
		map_long(4, gva, 1, 0x5000, fl);
		expect_pf(&p, gva, UR, PF_P | PF_RSVD | PF_U);
		fl[level] = ALL | (1ULL << 51);
		map_long(4, gva, 1, 0x5000, fl);
		expect_pf(&p, gva, SR, PF_P | PF_RSVD);
		/* XD reserved without NXE, at every level. */
		fl[level] = ALL | XD;
		map_long(4, gva, 1, 0x5000, fl);
		p.efer &= ~GW_EFER_NXE;
		expect_pf(&p, gva, SR, PF_P | PF_RSVD);
		expect_pf(&p, gva, SF, PF_P | PF_RSVD);
		p.efer |= GW_EFER_NXE;
		expect_pf(&p, gva, SF, PF_P | PF_I);
		expect_pf(&p, gva, UF, PF_P | PF_U | PF_I);
		expect_ok(&p, gva, UW, 0x5000, KB4);
		fl[level] = ALL | (1ULL << 52) | (1ULL << 62);
		map_long(4, gva, 1, 0x5000, fl);
		expect_ok(&p, gva, UW, 0x5000, KB4);
		fl[level] = ALL;
	}
	/* PS in a PML4E is reserved. */
	fl[4] = ALL | PS;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, SW, PF_P | PF_RSVD | PF_W);
	fl[4] = ALL;
	/* 1 GiB page: bits 29:13 reserved, or PS itself without the feature. */
	map_long(4, gva, 3, 0x40000000 | (1 << 13), fl);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	map_long(4, gva, 3, 0x40000000 | (1 << 29), fl);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	map_long(4, gva, 3, 0x40000000, fl);
	expect_ok(&p, gva + 5, SR, 0x40000005, GB1);
	p.feat = 0;
	expect_pf(&p, gva + 5, SR, PF_P | PF_RSVD);
	p.feat = GW_FEAT_PAGE1GB;
	/* 2 MiB page: bits 20:13 reserved. */
	map_long(4, gva, 2, 0x200000 | (1 << 20), fl);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	map_long(4, gva, 2, 0x200000 | (1 << 13), fl);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	/* A reserved bit at a higher level wins over a non-present lower one. */
	fl[3] = ALL | (1ULL << 50);
	fl[2] = 0;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	/* ...and a non-present higher level over a reserved bit lower down. */
	fl[3] = RW;
	fl[2] = ALL | (1ULL << 50);
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, SR, 0);
	/* MAXPHYADDR below 32 is clamped to 32: bit 33 is then reserved. */
	fl[3] = fl[2] = ALL;
	p.maxphyaddr = 0;
	map_long(4, gva, 1, 0x200000000ULL, fl);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	p.maxphyaddr = 34;
	expect_ok(&p, gva, SR, 0x200000000ULL, KB4);
}

static void test_la57(void **st)
{
	struct guest_paging p = st_long(LTBL(5), true);
	const uint64_t gva = 0xff11223344556000ULL; /* canonical at 57 bits */

	mem_reset();
	map_long(5, gva, 1, 0xabc000, fl_all);
	expect_ok(&p, gva + 0x10, UW, 0xabc010, KB4);
	nreads = 0;
	expect_ok(&p, gva, SR, 0xabc000, KB4);
	assert_int_equal(nreads, 5);
	/* PS in a PML5E is reserved. */
	put64(LTBL(5) + ((gva >> 48) & 511) * 8, LTBL(4) | ALL | PS);
	expect_pf(&p, gva, SR, PF_P | PF_RSVD);
	/* Canonical at 57 bits: bit 56 copied into 63:57. */
	assert_int_equal(walk(&p, 0x0100000000000000ULL, SR).r, GW_NONCANONICAL);
	assert_int_equal(walk(&p, 0xfe00000000000000ULL, SR).r, GW_NONCANONICAL);
	assert_int_equal(walk(&p, 0x0000800000000000ULL, SR).r, GW_PAGE_FAULT);
	/* The same address is non-canonical with 4-level paging. */
	p.cr4 &= ~GW_CR4_LA57;
	assert_int_equal(walk(&p, 0x0000800000000000ULL, SR).r, GW_NONCANONICAL);
}

static void test_noncanonical(void **st)
{
	struct guest_paging p = st_long(LTBL(4), false);
	static const uint64_t bad[] = {
		0x0000800000000000ULL, 0xffff7fffffffffffULL,
		0x8000000000000000ULL, 0x00ff000000000000ULL,
		0x7fffffffffffffffULL, 0xfffe800000000000ULL,
	};
	uint64_t gpa = 1, size = 1;
	uint32_t pfec = 1;

	mem_reset();
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nreads = 0;
		assert_int_equal(guest_walk(&p, bad[i], UW, mem_read, &nreads,
					    &gpa, &pfec, &size), GW_NONCANONICAL);
		assert_true(gpa == 0 && pfec == 0 && size == 0);
		/* Decided before any memory is read. */
		assert_int_equal(nreads, 0);
	}
	/* The extremes of both canonical halves walk (and fault: empty tables). */
	page_get(LTBL(4));
	expect_pf(&p, 0x00007fffffffffffULL, SR, 0);
	expect_pf(&p, 0xffff800000000000ULL, SR, 0);
	expect_pf(&p, 0xffffffffffffffffULL, SR, 0);
}

static void test_holes(void **st)
{
	struct guest_paging p = st_long(0x7770000, false);
	uint64_t gpa = 1, size = 1;
	uint32_t pfec = 1;
	uint64_t fl[6] = { 0, ALL, ALL, ALL, ALL, ALL };
	const uint64_t gva = 0x0000123456789000ULL;

	mem_reset();
	/* CR3 points where the guest has no memory. */
	assert_int_equal(guest_walk(&p, gva, SR, mem_read, &nreads, &gpa,
				    &pfec, &size), GW_TABLE_HOLE);
	assert_int_equal(gpa, 0x7770000 + ((gva >> 39) & 511) * 8);
	assert_true(pfec == 0 && size == 0);
	/* Each level's entry pointing into a hole. */
	p.cr3 = LTBL(4);
	for (unsigned int level = 4; level >= 2; level--) {
		uint64_t hole = 0x88000000ULL + level * 0x1000;
		unsigned int shift = 12 + 9 * (level - 2);

		map_long(4, gva, 1, 0x5000, fl);
		put64(LTBL(level) + ((gva >> (shift + 9)) & 511) * 8, hole | ALL);
		assert_int_equal(guest_walk(&p, gva, UW, mem_read, &nreads,
					    &gpa, &pfec, &size), GW_TABLE_HOLE);
		assert_int_equal(gpa, hole + ((gva >> shift) & 511) * 8);
		assert_true(pfec == 0 && size == 0);
	}
	/* The final page behind a hole is the caller's business. */
	map_long(4, gva, 1, 0x99999000ULL, fl);
	expect_ok(&p, gva, SR, 0x99999000ULL, KB4);
	/* 32-bit and PAE holes. */
	p = st_32(0x40000000, true);
	assert_int_equal(walk(&p, 0x00c00000, SR).r, GW_TABLE_HOLE);
	p = st_pae(0x40000fe0);
	assert_int_equal(guest_walk(&p, 0xc0000000, SR, mem_read, &nreads,
				    &gpa, &pfec, &size), GW_TABLE_HOLE);
	assert_int_equal(gpa, 0x40000ff8);
}

/* ---- permissions -------------------------------------------------------- */

static const unsigned int accesses[] = { SR, SW, SF, UR, UW, UF };

/*
 * The expected verdict written as the SDM's 4.6.1 lists it: the rights of a
 * translation are the AND of R/W and U/S (and the OR of XD) over the
 * levels. Returns 0 or the #PF error code.
 */
static uint32_t expect_rights(unsigned int acc, bool rw_all, bool us_all,
			      bool xd_any, bool wp, bool nx_mode)
{
	bool user = acc & GW_USER, write = acc & GW_WRITE, fetch = acc & GW_FETCH;
	bool ok;

	if (user && !fetch && !write)
		ok = us_all;
	else if (user && write)
		ok = us_all && rw_all;
	else if (user)
		ok = us_all && !xd_any;
	else if (write)
		ok = rw_all || !wp;
	else if (fetch)
		ok = !xd_any;
	else
		ok = true;
	if (ok)
		return 0;
	return PF_P | (write ? PF_W : 0) | (user ? PF_U : 0) |
	       (fetch && nx_mode ? PF_I : 0);
}

static void check_matrix_case(const struct guest_paging *p, uint64_t gva,
			      unsigned int acc, uint64_t gpa, uint64_t size,
			      uint32_t want)
{
	if (want)
		expect_pf(p, gva, acc, want);
	else
		expect_ok(p, gva, acc, gpa, size);
}

static void test_matrix_long(void **st)
{
	struct guest_paging p = st_long(LTBL(4), false);
	const uint64_t gva = 0x00005555aaaa5000ULL;
	unsigned long cases = 0;

	mem_reset();
	for (unsigned int leaf = 1; leaf <= 3; leaf++) {
		unsigned int n = 5 - leaf; /* levels used */
		uint64_t size = 1ULL << (12 + 9 * (leaf - 1));
		uint64_t phys = 0x80000000ULL;

		for (unsigned int rw = 0; rw < (1u << n); rw++)
		for (unsigned int us = 0; us < (1u << n); us++)
		for (unsigned int xdl = 0; xdl <= n; xdl++) {
			uint64_t fl[6] = { 0 };

			/* bit i of rw/us is level leaf+i; xdl: 0 none, else level leaf+xdl-1 */
			for (unsigned int i = 0; i < n; i++)
				fl[leaf + i] = P | ((rw >> i) & 1 ? RW : 0) |
					       ((us >> i) & 1 ? US : 0) |
					       (xdl == i + 1 ? XD : 0);
			map_long(4, gva, leaf, phys, fl);
			for (unsigned int wp = 0; wp < 2; wp++)
			for (unsigned int a = 0; a < 6; a++) {
				uint32_t want;

				p.cr0 = GW_CR0_PG | 1 | (wp ? GW_CR0_WP : 0);
				want = expect_rights(accesses[a],
						     rw == (1u << n) - 1,
						     us == (1u << n) - 1,
						     xdl != 0, wp, true);
				check_matrix_case(&p, gva, accesses[a],
						  phys | (gva & (size - 1)),
						  size, want);
				cases++;
			}
		}
	}
	/* 4K: 16*16*5*12 + 2M: 8*8*4*12 + 1G: 4*4*3*12 */
	assert_int_equal(cases, 15360 + 3072 + 576);
}

static void test_matrix_legacy(void **st)
{
	unsigned long cases = 0;

	mem_reset();
	/* 32-bit paging (4K and 4M) and PAE (4K and 2M; the PDPTE has no rights). */
	for (unsigned int mode = 0; mode < 4; mode++) {
		bool pae = mode >= 2, big = mode & 1;
		unsigned int n = big ? 1 : 2;
		uint32_t gva = 0x40a05000;
		uint64_t size = big ? (pae ? MB2 : MB4) : KB4;
		struct guest_paging p = pae ? st_pae(PAE_PDPT) : st_32(L32_PD, true);

		for (unsigned int rw = 0; rw < (1u << n); rw++)
		for (unsigned int us = 0; us < (1u << n); us++)
		for (unsigned int xdl = 0; xdl <= (pae ? n : 0); xdl++) {
			uint64_t f[2];

			for (unsigned int i = 0; i < 2; i++)
				f[i] = P | ((rw >> i) & 1 ? RW : 0) |
				       ((us >> i) & 1 ? US : 0) |
				       (xdl == i + 1 ? XD : 0);
			/* f[0] is the PDE, f[1] the PTE. */
			if (pae)
				map_pae(gva, big, 0x800000, P, f[0], f[1]);
			else if (big)
				map_32(gva, true, (uint32_t)(0x800000 | f[0]), 0);
			else
				map_32(gva, false, (uint32_t)f[0], (uint32_t)(0x800000 | f[1]));
			for (unsigned int wp = 0; wp < 2; wp++)
			for (unsigned int a = 0; a < 6; a++) {
				uint32_t want;

				p.cr0 = GW_CR0_PG | 1 | (wp ? GW_CR0_WP : 0);
				want = expect_rights(accesses[a],
						     rw == (1u << n) - 1,
						     us == (1u << n) - 1,
						     xdl != 0, wp, pae);
				check_matrix_case(&p, gva, accesses[a],
						  0x800000 | (gva & (size - 1)),
						  size, want);
				cases++;
			}
		}
	}
	/* 32/4K: 16*12, 32/4M: 4*12, PAE/4K: 16*3*12, PAE/2M: 4*2*12 */
	assert_int_equal(cases, 192 + 48 + 576 + 96);
}

static void test_named_cases(void **st)
{
	struct guest_paging p = st_long(LTBL(4), false);
	uint64_t fl[6] = { 0, ALL, ALL, ALL, ALL, ALL };
	const uint64_t gva = 0x1000;

	mem_reset();
	/* Read-only user page: user write 0x7; supervisor write 0x3 with WP. */
	fl[1] = P | US;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, UW, 0x7);
	expect_pf(&p, gva, SW, 0x3);
	p.cr0 &= ~GW_CR0_WP;
	expect_ok(&p, gva, SW, 0x5000, KB4);
	/* CR0.WP never lets user mode write. */
	expect_pf(&p, gva, UW, 0x7);
	p.cr0 |= GW_CR0_WP;
	/* Read-only at the PML4E only: still read-only. */
	fl[1] = ALL;
	fl[4] = P | US;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, UW, 0x7);
	expect_ok(&p, gva, UR, 0x5000, KB4);
	/* Supervisor page (U/S clear at the PDE only): user read 0x5. */
	fl[4] = ALL;
	fl[2] = P | RW;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, UR, 0x5);
	expect_pf(&p, gva, UF, 0x15);
	expect_ok(&p, gva, SW, 0x5000, KB4);
	/* NX at the PDPTE: fetch 0x11 (supervisor), 0x15 (user). */
	fl[2] = ALL;
	fl[3] = ALL | XD;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, SF, 0x11);
	expect_pf(&p, gva, UF, 0x15);
	expect_ok(&p, gva, UW, 0x5000, KB4);
	/* Non-present PTE, user write: 0x6; reserved bit, user read: 0xd. */
	fl[3] = ALL;
	fl[1] = 0;
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, UW, 0x6);
	fl[1] = ALL | (1ULL << 50);
	map_long(4, gva, 1, 0x5000, fl);
	expect_pf(&p, gva, UR, 0xd);
}

static void test_smep_smap(void **st)
{
	struct guest_paging p = st_long(LTBL(4), false);
	const uint64_t user = 0x1000, sup = 0xffff800000203000ULL;
	uint64_t fl[6] = { 0, ALL, ALL, ALL, ALL, ALL };

	mem_reset();
	map_long(4, user, 1, 0x5000, fl);
	fl[1] = P | RW;
	map_long(4, sup, 1, 0x6000, fl);

	/* Without SMEP/SMAP the supervisor uses user pages freely. */
	expect_ok(&p, user, SF, 0x5000, KB4);
	expect_ok(&p, user, SW, 0x5000, KB4);
	/* SMEP: supervisor fetch from a user page faults (P|I), data does not. */
	p.cr4 |= GW_CR4_SMEP;
	expect_pf(&p, user, SF, PF_P | PF_I);
	expect_ok(&p, user, SR, 0x5000, KB4);
	expect_ok(&p, sup, SF, 0x6000, KB4);
	expect_ok(&p, user, UF, 0x5000, KB4);
	/* SMAP: supervisor data access to a user page faults unless AC=1. */
	p.cr4 = GW_CR4_PAE | GW_CR4_SMAP;
	expect_pf(&p, user, SR, PF_P);
	expect_pf(&p, user, SW, PF_P | PF_W);
	expect_ok(&p, user, SF, 0x5000, KB4);
	expect_ok(&p, user, UW, 0x5000, KB4);
	expect_ok(&p, sup, SW, 0x6000, KB4);
	p.rflags = GW_RFLAGS_AC;
	expect_ok(&p, user, SW, 0x5000, KB4);
	/* Implicit supervisor accesses ignore AC. */
	expect_pf(&p, user, SR | GW_IMPLICIT, PF_P);
	expect_ok(&p, sup, SR | GW_IMPLICIT, 0x6000, KB4);
	/* With AC=1 the WP rule still applies to read-only user pages. */
	fl[1] = P | US;
	map_long(4, user, 1, 0x5000, fl);
	expect_pf(&p, user, SW, PF_P | PF_W);
	p.cr0 &= ~GW_CR0_WP;
	expect_ok(&p, user, SW, 0x5000, KB4);
}

/* ---- random comparison against a reference walker ----------------------- */

enum ref_mode { R_OFF, R_32, R_PAE, R_LONG, R_BAD };

/*
 * Whether bit b of a present entry at level (in mode) is reserved. Written
 * per bit from the SDM's entry-format tables (4-4..4-20), deliberately in a
 * different shape from the walker's masks.
 */
static bool ref_reserved(const struct guest_paging *p, enum ref_mode mode,
			 unsigned int level, bool ps, unsigned int b)
{
	unsigned int m = p->maxphyaddr < 32 ? 32 : p->maxphyaddr > 52 ? 52 : p->maxphyaddr;
	bool nxe = p->efer & GW_EFER_NXE;

	switch (mode) {
	case R_32:
		if (level == 2 && ps && (p->cr4 & GW_CR4_PSE)) {
			unsigned int m32 = (p->feat & GW_FEAT_PSE36) ? (m > 40 ? 40 : m) : 32;

			return b <= 21 && b >= m32 - 19;
		}
		return false;
	case R_PAE:
		if (level == 3)
			return b == 1 || b == 2 || (b >= 5 && b <= 8) || b >= m;
		if (b == 63)
			return !nxe;
		if (b >= m)
			return true;
		return level == 2 && ps && b >= 13 && b <= 20;
	case R_LONG:
		if (b == 63)
			return !nxe;
		if (b >= 52)
			return false;
		if (b >= m)
			return true;
		if (level >= 4)
			return b == 7;
		if (level == 3 && ps)
			return (p->feat & GW_FEAT_PAGE1GB) ? (b >= 13 && b <= 29) : b == 7;
		if (level == 2 && ps)
			return b >= 13 && b <= 20;
		return false;
	default:
		return false;
	}
}

static enum guest_walk_result ref_walk(const struct guest_paging *p,
				       uint64_t gva, unsigned int acc,
				       uint64_t *gpa, uint32_t *pfec,
				       uint64_t *size)
{
	enum ref_mode mode;
	unsigned int level, entry_bytes, idx_bits, top;
	uint64_t table, e = 0;
	bool rw_all = true, us_all = true, xd_any = false, leaf = false;
	bool user = acc & GW_USER, write = acc & GW_WRITE, fetch = acc & GW_FETCH;
	bool lma = p->efer & GW_EFER_LMA, pae = p->cr4 & GW_CR4_PAE;
	bool nx_exists = pae && (p->efer & GW_EFER_NXE);
	uint32_t code;
	bool allowed;

	*gpa = 0;
	*pfec = 0;
	*size = 0;
	if (!(p->cr0 & GW_CR0_PG))
		mode = lma ? R_BAD : R_OFF;
	else if (lma)
		mode = pae ? R_LONG : R_BAD;
	else
		mode = pae ? R_PAE : R_32;
	if (mode == R_BAD)
		return GW_BAD_STATE;
	if (mode == R_OFF) {
		*gpa = (uint32_t)gva;
		*size = 1ULL << 32;
		return GW_OK;
	}
	code = (write ? PF_W : 0) | (user ? PF_U : 0) |
	       (fetch && ((p->cr4 & GW_CR4_SMEP) || nx_exists) ? PF_I : 0);
	if (mode == R_LONG) {
		unsigned int va_bits = (p->cr4 & GW_CR4_LA57) ? 57 : 48;

		for (unsigned int b = va_bits; b < 64; b++)
			if (((gva >> b) & 1) != ((gva >> (va_bits - 1)) & 1))
				return GW_NONCANONICAL;
		top = (p->cr4 & GW_CR4_LA57) ? 5 : 4;
		table = p->cr3 & 0x000ffffffffff000ULL;
		entry_bytes = 8;
	} else if (mode == R_PAE) {
		gva = (uint32_t)gva;
		top = 3;
		table = p->cr3 & 0xffffffe0ULL;
		entry_bytes = 8;
	} else {
		gva = (uint32_t)gva;
		top = 2;
		table = p->cr3 & 0xfffff000ULL;
		entry_bytes = 4;
	}
	for (level = top; level >= 1; level--) {
		unsigned int shift;
		uint64_t ea;
		bool ps;

		if (mode == R_32) {
			idx_bits = 10;
			shift = 12 + 10 * (level - 1);
		} else {
			idx_bits = (mode == R_PAE && level == 3) ? 2 : 9;
			shift = 12 + 9 * (level - 1);
		}
		ea = table + ((gva >> shift) & ((1u << idx_bits) - 1)) * entry_bytes;
		e = 0;
		if (!mem_read(&nreads, ea, &e, entry_bytes)) {
			*gpa = ea;
			return GW_TABLE_HOLE;
		}
		if (!(e & 1)) {
			*pfec = code;
			return GW_PAGE_FAULT;
		}
		ps = (e >> 7) & 1;
		for (unsigned int b = 0; b < entry_bytes * 8; b++) {
			if (((e >> b) & 1) && ref_reserved(p, mode, level, ps, b)) {
				*pfec = code | PF_P | PF_RSVD;
				return GW_PAGE_FAULT;
			}
		}
		if (!(mode == R_PAE && level == 3)) {
			rw_all &= (e >> 1) & 1;
			us_all &= (e >> 2) & 1;
			if (nx_exists)
				xd_any |= e >> 63;
		}
		if (level == 1)
			leaf = true;
		else if (ps && level == 2 && (mode != R_32 || (p->cr4 & GW_CR4_PSE)))
			leaf = true;
		else if (ps && level == 3 && mode == R_LONG)
			leaf = true;
		if (leaf) {
			*size = 1ULL << shift;
			break;
		}
		table = mode == R_32 ? (e & 0xfffff000ULL) : (e & 0x000ffffffffff000ULL);
	}
	if (fetch)
		allowed = !xd_any && (user ? us_all : !(us_all && (p->cr4 & GW_CR4_SMEP)));
	else if (user)
		allowed = us_all && (!write || rw_all);
	else
		allowed = !(us_all && (p->cr4 & GW_CR4_SMAP) &&
			    ((acc & GW_IMPLICIT) || !(p->rflags & GW_RFLAGS_AC))) &&
			  (!write || rw_all || !(p->cr0 & GW_CR0_WP));
	if (!allowed) {
		*size = 0;
		*pfec = code | PF_P;
		return GW_PAGE_FAULT;
	}
	if (mode == R_32 && *size == MB4) {
		unsigned int m = p->maxphyaddr < 32 ? 32 : p->maxphyaddr > 52 ? 52 : p->maxphyaddr;
		unsigned int m32 = (p->feat & GW_FEAT_PSE36) ? (m > 40 ? 40 : m) : 32;
		uint64_t phys = e & 0xffc00000ULL;

		for (unsigned int b = 32; b < m32; b++)
			phys |= ((e >> (13 + b - 32)) & 1) << b;
		*gpa = phys | (gva & (MB4 - 1));
	} else {
		uint64_t phys = e & 0x000ffffffffff000ULL & ~(*size - 1);

		*gpa = phys | (gva & (*size - 1));
	}
	return GW_OK;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, same sequence everywhere. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static bool chance(unsigned int pct)
{
	return rnd() % 100 < pct;
}

/* Page frames the random tables use; some above 4 GiB, some above 2^36. */
static const uint64_t rnd_frames[] = {
	0x0000, 0x1000, 0x2000, 0x7000, 0x10000, 0x200000, 0x400000,
	0x7ffff000, 0xfffff000, 0x100000000ULL, 0x812345000ULL,
	0x1000000000ULL, 0x40000000000ULL, 0xfffffffff000ULL,
	0x3000, 0x9000, 0x55000, 0x1234000, 0xc0000000, 0xabcde000,
};
#define NFRAMES (sizeof(rnd_frames) / sizeof(rnd_frames[0]))

static uint64_t rnd_entry(bool wide)
{
	uint64_t e = 0;

	if (chance(88))
		e |= P;
	e |= rnd() & (RW | US | 0x78 | 0xf00);
	if (chance(30))
		e |= PS;
	if (chance(90))
		e |= rnd_frames[rnd() % NFRAMES];
	else
		e |= rnd() & 0x000ffffffffff000ULL;
	/* Large pages are mostly aligned, or they would all be reserved-bit faults. */
	if ((e & PS) && chance(60))
		e &= ~0x3fffe000ULL;
	if (wide) {
		if (chance(25))
			e |= XD;
		if (chance(8))
			e |= 1ULL << (rnd() % 64);
		if (chance(10))
			e |= rnd() & 0x7ff0000000000000ULL;
	} else {
		if (chance(8))
			e |= 1ULL << (12 + rnd() % 20);
		e &= 0xffffffffULL;
	}
	return e;
}

static void rnd_memory(bool wide)
{
	mem_reset();
	for (unsigned int f = 0; f < NFRAMES; f++) {
		uint8_t *d;

		/* A few frames stay holes. */
		if (f % 7 == 6)
			continue;
		d = page_get(rnd_frames[f]);
		for (unsigned int i = 0; i < 4096; i += wide ? 8 : 4) {
			uint64_t e = rnd_entry(wide);

			memcpy(d + i, &e, wide ? 8 : 4);
		}
	}
}

static struct guest_paging rnd_state(unsigned int kind)
{
	static const unsigned int widths[] = { 0, 31, 32, 36, 39, 40, 43, 46, 48, 52, 60 };
	struct guest_paging p = { 0 };

	p.cr0 = GW_CR0_PG | 1 | (chance(70) ? GW_CR0_WP : 0);
	p.cr3 = rnd_frames[rnd() % NFRAMES] | (rnd() & 0xfff) | (chance(10) ? rnd() << 52 : 0);
	if (kind == 2 && chance(30))
		p.cr3 = rnd_frames[rnd() % NFRAMES] + (rnd() % 128) * 32;
	p.cr4 = (chance(50) ? GW_CR4_PSE : 0) | (chance(25) ? GW_CR4_SMEP : 0) |
		(chance(25) ? GW_CR4_SMAP : 0);
	p.efer = chance(60) ? GW_EFER_NXE : 0;
	p.rflags = chance(50) ? GW_RFLAGS_AC : 0;
	p.maxphyaddr = widths[rnd() % (sizeof(widths) / sizeof(widths[0]))];
	p.feat = (chance(60) ? GW_FEAT_PSE36 : 0) | (chance(60) ? GW_FEAT_PAGE1GB : 0);
	switch (kind) {
	case 0: /* 32-bit */
		break;
	case 1: /* long, 4 or 5 levels */
		p.cr4 |= GW_CR4_PAE | (chance(25) ? GW_CR4_LA57 : 0);
		p.efer |= GW_EFER_LMA;
		break;
	case 2: /* PAE */
		p.cr4 |= GW_CR4_PAE;
		break;
	default: /* odd states: paging off, LMA without PAE or PG */
		p.cr0 &= chance(50) ? ~0ULL : ~GW_CR0_PG;
		p.efer |= chance(50) ? GW_EFER_LMA : 0;
		p.cr4 |= chance(50) ? GW_CR4_PAE : 0;
		break;
	}
	return p;
}

static uint64_t rnd_gva(void)
{
	uint64_t v = rnd();

	switch (rnd() % 4) {
	case 0:
		return v;                                  /* often non-canonical */
	case 1:
		return (uint64_t)((int64_t)(v << 16) >> 16); /* 48-bit canonical */
	case 2:
		return (uint64_t)((int64_t)(v << 7) >> 7);   /* 57-bit canonical */
	default:
		return v & 0xffffffffULL;
	}
}

static void test_random_vs_reference(void **st)
{
	static const unsigned int accs[] = {
		SR, SW, SF, UR, UW, UF, SR | GW_IMPLICIT, SW | GW_IMPLICIT,
	};
	unsigned long seen[8] = { 0 }, sizes[6] = { 0 }, rsvd = 0, prot = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (unsigned int round = 0; round < 400; round++) {
		unsigned int kind = round % 4;

		rnd_memory(kind != 0);
		for (unsigned int i = 0; i < 600; i++) {
			struct guest_paging p = rnd_state(kind);
			uint64_t gva = rnd_gva();
			unsigned int acc = accs[rnd() % 8];
			uint64_t rgpa, rsize;
			uint32_t rpfec;
			enum guest_walk_result want;
			struct res got;

			want = ref_walk(&p, gva, acc, &rgpa, &rpfec, &rsize);
			got = walk(&p, gva, acc);
			if (got.r != want || got.gpa != rgpa || got.pfec != rpfec ||
			    got.size != rsize)
				fail_msg("round %u case %u: cr0=%#llx cr3=%#llx cr4=%#llx efer=%#llx "
					 "rflags=%#llx m=%u feat=%u gva=%#llx acc=%u: "
					 "got r=%d gpa=%#llx pfec=%#x size=%#llx, "
					 "ref r=%d gpa=%#llx pfec=%#x size=%#llx",
					 round, i, (unsigned long long)p.cr0,
					 (unsigned long long)p.cr3, (unsigned long long)p.cr4,
					 (unsigned long long)p.efer, (unsigned long long)p.rflags,
					 p.maxphyaddr, p.feat, (unsigned long long)gva, acc,
					 got.r, (unsigned long long)got.gpa, got.pfec,
					 (unsigned long long)got.size, want,
					 (unsigned long long)rgpa, rpfec,
					 (unsigned long long)rsize);
			seen[want]++;
			if (want == GW_OK)
				sizes[rsize == KB4 ? 0 : rsize == MB2 ? 1 : rsize == MB4 ? 2 :
				      rsize == GB1 ? 3 : rsize == (1ULL << 32) ? 4 : 5]++;
			if (want == GW_PAGE_FAULT && (rpfec & PF_RSVD))
				rsvd++;
			else if (want == GW_PAGE_FAULT && (rpfec & PF_P))
				prot++;
		}
	}
	if (getenv("GW_STATS"))
		printf("# ok=%lu pf=%lu nc=%lu hole=%lu bad=%lu 4k=%lu 2m=%lu 4m=%lu 1g=%lu off=%lu rsvd=%lu prot=%lu\n",
		       seen[0], seen[1], seen[2], seen[3], seen[4], sizes[0], sizes[1],
		       sizes[2], sizes[3], sizes[4], rsvd, prot);
	/* The random space must reach every outcome, and often. */
	for (unsigned int r = GW_OK; r <= GW_BAD_STATE; r++)
		assert_true(seen[r] > 500);
	for (unsigned int s = 0; s < 5; s++)
		assert_true(sizes[s] > 100);
	assert_int_equal(sizes[5], 0);
	assert_true(rsvd > 1000);
	assert_true(prot > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paging_off),
		cmocka_unit_test(test_32bit_4k),
		cmocka_unit_test(test_32bit_pse),
		cmocka_unit_test(test_32bit_pse36),
		cmocka_unit_test(test_pae),
		cmocka_unit_test(test_pae_reserved),
		cmocka_unit_test(test_long_sizes),
		cmocka_unit_test(test_long_not_present),
		cmocka_unit_test(test_long_reserved),
		cmocka_unit_test(test_la57),
		cmocka_unit_test(test_noncanonical),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_matrix_long),
		cmocka_unit_test(test_matrix_legacy),
		cmocka_unit_test(test_named_cases),
		cmocka_unit_test(test_smep_smap),
		cmocka_unit_test(test_random_vs_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
