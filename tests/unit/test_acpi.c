/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the ACPI table parser and the \_S5 AML scan, on the real
 * tables QEMU 7.2 builds (tests/unit/data/acpi/, captured by
 * tests/tools/acpidump) and on corrupted and hand-made copies of them.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <basalt/acpi.h>

#ifndef ACPI_DATA_DIR
#define ACPI_DATA_DIR "tests/unit/data/acpi"
#endif

#define MAX_REGIONS 48

/* One table (or RSDP, or scan window) of simulated physical memory. */
struct region {
	uint64_t addr;
	size_t len;
	uint8_t *data;
	char sig[5];
};

/* Simulated physical memory plus what the parser reported. */
struct world {
	struct region r[MAX_REGIONS];
	unsigned int n;
	int rsdp;               /* index of the RSDP region, -1 if none */
	unsigned int nreports;
	char last_report[256];
};

/* ---- simulated memory ------------------------------------------------ */

static const void *world_map(void *ctx, uint64_t paddr, size_t len)
{
	struct world *w = ctx;

	for (unsigned int i = 0; i < w->n; i++) {
		struct region *r = &w->r[i];

		if (paddr >= r->addr && len <= r->len &&
		    paddr - r->addr <= r->len - len)
			return r->data + (paddr - r->addr);
	}
	return NULL;
}

static void world_report(void *ctx, const char *msg)
{
	struct world *w = ctx;

	w->nreports++;
	snprintf(w->last_report, sizeof(w->last_report), "%s", msg);
	if (getenv("ACPI_TEST_VERBOSE"))
		fprintf(stderr, "report: %s\n", msg);
}

/* Add a copy of len bytes at addr; the region owns the copy. Exactly
 * sized, so ASan catches a read past a table's end. */
static struct region *world_add(struct world *w, uint64_t addr,
				const void *data, size_t len, const char *sig)
{
	struct region *r;

	assert_true(w->n < MAX_REGIONS);
	r = &w->r[w->n++];
	r->addr = addr;
	r->len = len;
	r->data = malloc(len ? len : 1);
	assert_non_null(r->data);
	if (data)
		memcpy(r->data, data, len);
	else
		memset(r->data, 0, len);
	snprintf(r->sig, sizeof(r->sig), "%s", sig);
	return r;
}

static void world_free(struct world *w)
{
	for (unsigned int i = 0; i < w->n; i++)
		free(w->r[i].data);
	memset(w, 0, sizeof(*w));
}

static void world_copy(struct world *dst, const struct world *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->rsdp = src->rsdp;
	for (unsigned int i = 0; i < src->n; i++)
		world_add(dst, src->r[i].addr, src->r[i].data, src->r[i].len,
			  src->r[i].sig);
}

/* Load every <SIG>@<hexaddr>.bin of one machine. */
static void world_load(struct world *w, const char *machine)
{
	char dir[512], path[1024];
	DIR *d;
	struct dirent *de;

	memset(w, 0, sizeof(*w));
	w->rsdp = -1;
	snprintf(dir, sizeof(dir), "%s/%s",
		 getenv("ACPI_DATA_DIR") ? getenv("ACPI_DATA_DIR") : ACPI_DATA_DIR,
		 machine);
	d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		char sig[5] = "";
		unsigned long long addr;
		uint8_t buf[65536];
		size_t len;
		FILE *f;

		if (sscanf(de->d_name, "%4[^@]@%llx.bin", sig, &addr) != 2)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_true(len > 0 && len < sizeof(buf));
		if (strcmp(sig, "rsdp") == 0)
			w->rsdp = (int)w->n;
		world_add(w, addr, buf, len, sig);
	}
	closedir(d);
	assert_true(w->rsdp >= 0);
}

static struct region *world_find(struct world *w, const char *sig)
{
	for (unsigned int i = 0; i < w->n; i++)
		if (strcmp(w->r[i].sig, sig) == 0)
			return &w->r[i];
	fail_msg("no %s table", sig);
	return NULL;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Recompute an SDT's checksum (byte 9) so a change reaches the decoder. */
static void fix_checksum(struct region *r)
{
	r->data[9] = 0;
	r->data[9] = (uint8_t)-sum8(r->data, r->len);
}

static bool world_parse(struct world *w, struct acpi_info *out)
{
	struct region *r = &w->r[w->rsdp];

	w->nreports = 0;
	w->last_report[0] = '\0';
	return acpi_parse(r->data, r->len, r->addr, world_map, w, world_report,
			  out);
}

/* Build a table from a body and add it at addr. */
static struct region *add_sdt(struct world *w, uint64_t addr, const char *sig,
			      uint8_t rev, const void *body, size_t body_len)
{
	uint8_t hdr[36] = { 0 };
	struct region *r;

	memcpy(hdr, sig, 4);
	put32(hdr + 4, (uint32_t)(36 + body_len));
	hdr[8] = rev;
	memcpy(hdr + 10, "BASALT", 6);
	r = world_add(w, addr, NULL, 36 + body_len, sig);
	memcpy(r->data, hdr, 36);
	if (body_len)
		memcpy(r->data + 36, body, body_len);
	fix_checksum(r);
	return r;
}

/* A revision-2 RSDP pointing at xsdt (and rsdt), replacing the old one. */
static void set_rsdp_v2(struct world *w, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t b[36] = { 0 };
	struct region *r = &w->r[w->rsdp];

	memcpy(b, "RSD PTR ", 8);
	memcpy(b + 9, "BASALT", 6);
	b[15] = 2;
	put32(b + 16, rsdt);
	put32(b + 20, 36);
	put64(b + 24, xsdt);
	b[8] = (uint8_t)-sum8(b, 20);
	b[32] = (uint8_t)-sum8(b, 36);
	free(r->data);
	r->data = malloc(36);
	assert_non_null(r->data);
	memcpy(r->data, b, 36);
	r->len = 36;
}

/* An XSDT at addr listing the same tables as the machine's RSDT. */
static void add_xsdt_from_rsdt(struct world *w, uint64_t addr)
{
	struct region *rsdt = world_find(w, "RSDT");
	size_t n = (rsdt->len - 36) / 4;
	uint8_t body[64 * 8];

	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = rsdt->data + 36 + 4 * i;

		put64(body + 8 * i, (uint64_t)e[0] | (uint64_t)e[1] << 8 |
				    (uint64_t)e[2] << 16 | (uint64_t)e[3] << 24);
	}
	add_sdt(w, addr, "XSDT", 1, body, 8 * n);
}

/* ---- expected values for the real machines --------------------------- */

static void assert_qemu_madt(const struct acpi_info *a, unsigned int ncpus)
{
	static const struct acpi_iso want[] = {
		{ 0, 2, 0x0 }, { 5, 5, 0xd }, { 9, 9, 0xd },
		{ 10, 10, 0xd }, { 11, 11, 0xd },
	};

	assert_true(a->have_madt);
	assert_int_equal(a->lapic_address, 0xFEE00000);
	assert_true(a->pcat_compat);
	assert_int_equal(a->ncpus, ncpus);
	for (unsigned int i = 0; i < ncpus; i++) {
		assert_int_equal(a->cpus[i].apic_id, i);
		assert_int_equal(a->cpus[i].uid, i);
		assert_true(a->cpus[i].enabled);
		assert_false(a->cpus[i].online_capable);
	}
	assert_int_equal(a->nioapics, 1);
	assert_int_equal(a->ioapics[0].id, 0);
	assert_int_equal(a->ioapics[0].address, 0xFEC00000);
	assert_int_equal(a->ioapics[0].gsi_base, 0);
	assert_int_equal(a->nisos, 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(a->isos[i].bus_irq, want[i].bus_irq);
		assert_int_equal(a->isos[i].gsi, want[i].gsi);
		assert_int_equal(a->isos[i].flags, want[i].flags);
	}
}

static void assert_q35(const struct acpi_info *a, unsigned int ncpus)
{
	assert_int_equal(a->revision, 0);
	assert_false(a->used_xsdt);
	assert_string_equal(a->oem_id, "BOCHS ");
	assert_qemu_madt(a, ncpus);

	assert_true(a->have_fadt);
	assert_int_equal(a->fadt_revision, 3);
	assert_int_equal(a->fadt_flags, 0x84a5);
	assert_int_equal(a->iapc_boot_arch, 0x2);   /* 8042 present */
	assert_int_equal(a->pm1a_cnt_blk, 0x604);
	assert_int_equal(a->pm1b_cnt_blk, 0);
	assert_int_equal(a->pm_tmr_blk, 0x608);
	assert_false(a->pm_tmr_32bit);
	/* QEMU 7.2 writes 0x0F to 0xCF9 (full reset), not 0x06. */
	assert_int_equal(a->reset_reg.space, 1);
	assert_int_equal(a->reset_reg.bit_width, 8);
	assert_int_equal(a->reset_reg.bit_offset, 0);
	assert_int_equal(a->reset_reg.access_size, 0);
	assert_int_equal(a->reset_reg.address, 0xCF9);
	assert_int_equal(a->reset_value, 0x0F);
	assert_true(a->reset_reg_sup);
	assert_int_equal(a->sleep_control.address, 0);
	assert_int_equal(a->sleep_status.address, 0);
	assert_int_equal(a->dsdt_address, 0xFFE0040);

	assert_true(a->have_s5);                     /* Package(4){0,0,0,0} */
	assert_int_equal(a->s5_typa, 0);
	assert_int_equal(a->s5_typb, 0);
	assert_int_equal(a->bad_tables, 0);
}

static void test_q35(void **state)
{
	struct world w;
	struct acpi_info a;

	world_load(&w, "q35");
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 0);
	assert_int_equal(a.rsdp_address, 0xF59E0);
	assert_q35(&a, 1);
	world_free(&w);
}

static void test_q35_smp2(void **state)
{
	struct world w;
	struct acpi_info a;

	world_load(&w, "q35-smp2");
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 0);
	assert_q35(&a, 2);
	world_free(&w);
}

static void test_pc(void **state)
{
	struct world w;
	struct acpi_info a;

	world_load(&w, "pc");
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 0);
	assert_int_equal(a.rsdp_address, 0xF59D0);
	assert_int_equal(a.revision, 0);
	assert_false(a.used_xsdt);
	assert_string_equal(a.oem_id, "BOCHS ");
	assert_qemu_madt(&a, 1);

	/* An ACPI 1.0 FADT, 116 bytes: no reset register, no X_ fields. */
	assert_true(a.have_fadt);
	assert_int_equal(a.fadt_revision, 1);
	assert_int_equal(a.fadt_flags, 0x80a5);
	assert_int_equal(a.iapc_boot_arch, 0);
	assert_int_equal(a.pm1a_cnt_blk, 0x604);
	assert_int_equal(a.pm1b_cnt_blk, 0);
	assert_int_equal(a.pm_tmr_blk, 0x608);
	assert_false(a.pm_tmr_32bit);
	assert_int_equal(a.reset_reg.address, 0);
	assert_int_equal(a.reset_reg.space, 0);
	assert_int_equal(a.reset_value, 0);
	assert_false(a.reset_reg_sup);
	assert_int_equal(a.dsdt_address, 0xFFE0040);
	assert_true(a.have_s5);
	assert_int_equal(a.s5_typa, 0);
	assert_int_equal(a.s5_typb, 0);
	assert_int_equal(a.bad_tables, 0);
	world_free(&w);
}

/* ---- finding the RSDP ------------------------------------------------ */

static void test_find_rsdp_rom(void **state)
{
	struct world w, mem = { .rsdp = -1 };
	struct region *rom, *rsdp;
	uint64_t found = 0;

	world_load(&w, "q35");
	rsdp = &w.r[w.rsdp];
	rom = world_add(&mem, 0xE0000, NULL, 0x20000, "ROM");
	/* Decoys first: a bare signature and a copy with a bad checksum. */
	memcpy(rom->data + 0x100, "RSD PTR ", 8);
	memcpy(rom->data + 0x200, rsdp->data, 20);
	rom->data[0x200 + 8] ^= 1;
	/* Not on a 16-byte boundary: must be ignored. */
	memcpy(rom->data + 0x308, rsdp->data, 20);
	memcpy(rom->data + (rsdp->addr - 0xE0000), rsdp->data, 20);
	assert_true(acpi_find_rsdp(world_map, &mem, &found));
	assert_int_equal(found, rsdp->addr);

	/* Nothing else accessible: no BDA, no ROM. */
	world_free(&mem);
	assert_false(acpi_find_rsdp(world_map, &mem, &found));
	world_free(&w);
}

static void test_find_rsdp_ebda(void **state)
{
	struct world w, mem = { .rsdp = -1 };
	struct region *bda, *ebda, *rom, *rsdp;
	uint64_t found = 0;

	world_load(&w, "q35");
	rsdp = &w.r[w.rsdp];
	bda = world_add(&mem, 0x400, NULL, 0x100, "BDA");
	bda->data[0x0E] = 0xC0;     /* segment 0x9FC0 */
	bda->data[0x0F] = 0x9F;
	ebda = world_add(&mem, 0x9FC00, NULL, 0x400, "EBDA");
	rom = world_add(&mem, 0xE0000, NULL, 0x20000, "ROM");
	memcpy(rom->data + (rsdp->addr - 0xE0000), rsdp->data, 20);
	memcpy(ebda->data + 0x3F0, rsdp->data, 16);  /* straddles the end */
	assert_true(acpi_find_rsdp(world_map, &mem, &found));
	assert_int_equal(found, rsdp->addr);  /* the straddling copy is unmappable */

	memcpy(ebda->data + 0x40, rsdp->data, 20);
	assert_true(acpi_find_rsdp(world_map, &mem, &found));
	assert_int_equal(found, 0x9FC40);     /* the EBDA comes first */

	ebda->data[0x40 + 19] ^= 0x80;        /* bad checksum: keep looking */
	assert_true(acpi_find_rsdp(world_map, &mem, &found));
	assert_int_equal(found, rsdp->addr);
	world_free(&mem);
	world_free(&w);
}

static void test_find_rsdp_v2(void **state)
{
	struct world mem = { .rsdp = -1 };
	struct region *rom;
	uint8_t b[36] = { 0 };
	uint64_t found = 0;

	memcpy(b, "RSD PTR ", 8);
	b[15] = 2;
	put32(b + 20, 36);
	b[8] = (uint8_t)-sum8(b, 20);
	b[32] = (uint8_t)-sum8(b, 36);
	rom = world_add(&mem, 0xE0000, NULL, 0x20000, "ROM");
	/* The last slot: the extended part lies past the scan window. */
	memcpy(rom->data + 0x1FFF0, b, 16);
	memcpy(rom->data + 0x1000, b, 36);
	rom->data[0x1000 + 35] ^= 1;          /* v1 sum fine, extended sum bad */
	memcpy(rom->data + 0x2000, b, 36);
	assert_true(acpi_find_rsdp(world_map, &mem, &found));
	assert_int_equal(found, 0xE2000);
	world_free(&mem);
}

/* ---- the RSDP and root tables ---------------------------------------- */

static void test_bad_rsdp(void **state)
{
	struct world w;
	struct acpi_info a;
	struct region *r;
	uint8_t orig[20];

	world_load(&w, "q35");
	r = &w.r[w.rsdp];
	memcpy(orig, r->data, 20);
	for (size_t i = 0; i < 20; i++) {
		r->data[i] ^= 0x10;
		assert_false(world_parse(&w, &a));
		assert_int_equal(w.nreports, 1);
		r->data[i] ^= 0x10;
	}
	assert_false(acpi_parse(r->data, 19, r->addr, world_map, &w, NULL, &a));
	assert_false(acpi_parse(r->data, 19, r->addr, world_map, &w,
				world_report, &a));
	assert_false(acpi_parse(NULL, 20, 0, world_map, &w, world_report, &a));

	/* An RSDP whose RSDT is gone. */
	world_find(&w, "RSDT")->addr = 0x1000;
	assert_false(world_parse(&w, &a));
	assert_int_equal(w.nreports, 1);
	assert_int_equal(a.bad_tables, 1);
	world_free(&w);
}

static void test_xsdt(void **state)
{
	struct world w;
	struct acpi_info a;
	struct region *rsdt, *x;

	world_load(&w, "q35");
	rsdt = world_find(&w, "RSDT");
	add_xsdt_from_rsdt(&w, 0x7000000);
	set_rsdp_v2(&w, (uint32_t)rsdt->addr, 0x7000000);
	rsdt->data[20] ^= 1;          /* the RSDT must not be read at all */

	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 0);
	assert_int_equal(a.revision, 2);
	assert_true(a.used_xsdt);
	assert_string_equal(a.oem_id, "BASALT");
	assert_qemu_madt(&a, 1);
	assert_int_equal(a.pm1a_cnt_blk, 0x604);
	assert_true(a.have_s5);

	/* A bad XSDT: reported, then the RSDT is used (once it is good). */
	rsdt->data[20] ^= 1;
	x = world_find(&w, "XSDT");
	x->data[40] ^= 1;
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 1);
	assert_non_null(strstr(w.last_report, "XSDT at 0x7000000: bad checksum"));
	assert_false(a.used_xsdt);
	assert_int_equal(a.bad_tables, 1);
	assert_qemu_madt(&a, 1);

	/* Bad XSDT and no RSDT: nothing to go on. */
	set_rsdp_v2(&w, 0, 0x7000000);
	assert_false(world_parse(&w, &a));
	assert_int_equal(w.nreports, 1);

	/* Revision 2 but no XSDT address: the RSDT. */
	set_rsdp_v2(&w, (uint32_t)rsdt->addr, 0);
	assert_true(world_parse(&w, &a));
	assert_false(a.used_xsdt);
	assert_int_equal(w.nreports, 0);
	world_free(&w);
}

static void test_xsdt_unmapped_entry(void **state)
{
	struct world w;
	struct acpi_info a;
	uint8_t body[5 * 8];

	world_load(&w, "q35");
	put64(body + 0, world_find(&w, "FACP")->addr);
	put64(body + 8, 0x123456789000ull);    /* nothing there */
	put64(body + 16, world_find(&w, "APIC")->addr);
	put64(body + 24, 0);                   /* null entry */
	put64(body + 32, world_find(&w, "HPET")->addr + 8); /* mid-table */
	add_sdt(&w, 0x7000000, "XSDT", 1, body, sizeof(body));
	set_rsdp_v2(&w, 0, 0x7000000);

	assert_true(world_parse(&w, &a));
	assert_int_equal(a.bad_tables, 3);
	assert_int_equal(w.nreports, 3);
	assert_true(a.used_xsdt);
	assert_qemu_madt(&a, 1);
	assert_true(a.have_fadt);
	assert_true(a.have_s5);
	world_free(&w);
}

/* Two MADTs and two FADTs: the first good one of each is used. */
static void test_duplicate_tables(void **state)
{
	static const uint8_t madt2[] = {
		0x00, 0x00, 0xE0, 0xFE, 0, 0, 0, 0,
		0, 8, 0, 0, 1, 0, 0, 0, 0, 8, 1, 1, 1, 0, 0, 0,
	};
	struct world w;
	struct acpi_info a;
	uint8_t body[5 * 8];

	world_load(&w, "q35");
	add_sdt(&w, 0x7200000, "APIC", 3, madt2, sizeof(madt2));
	add_sdt(&w, 0x7300000, "FACP", 3, NULL, 0);
	put64(body + 0, world_find(&w, "APIC")->addr);
	put64(body + 8, 0x7200000);
	put64(body + 16, 0x7300000);
	put64(body + 24, world_find(&w, "FACP")->addr);
	put64(body + 32, world_find(&w, "HPET")->addr);
	add_sdt(&w, 0x7000000, "XSDT", 1, body, sizeof(body));
	set_rsdp_v2(&w, 0, 0x7000000);
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 0);
	assert_int_equal(a.ncpus, 1);           /* the real MADT, listed first */
	assert_int_equal(a.nioapics, 1);
	assert_int_equal(a.pm1a_cnt_blk, 0);    /* the empty FADT, listed first */
	assert_false(a.have_s5);
	world_free(&w);
}

/* ---- one flipped byte in each real table ----------------------------- */

static void flip_every_table(const char *machine)
{
	struct world base, w;
	struct acpi_info good, a;

	world_load(&base, machine);
	assert_true(world_parse(&base, &good));
	for (unsigned int t = 0; t < base.n; t++) {
		const struct region *r = &base.r[t];
		/* The DSDT is large: every 7th byte, plus its header. */
		size_t step = r->len > 1024 ? 7 : 1;

		if ((int)t == base.rsdp || strcmp(r->sig, "FACS") == 0)
			continue;   /* RSDP: test_bad_rsdp; FACS has no checksum */
		for (size_t off = 0; off < r->len; off += (off < 36 ? 1 : step)) {
			bool ok;

			world_copy(&w, &base);
			w.r[t].data[off] ^= (uint8_t)(1u << (off % 8));
			ok = world_parse(&w, &a);
			if (w.nreports != 1 || a.bad_tables != 1)
				fail_msg("%s %s +%zu: %u reports, %u bad", machine,
					 r->sig, off, w.nreports, a.bad_tables);
			if (strcmp(r->sig, "RSDT") == 0) {
				assert_false(ok);
				world_free(&w);
				continue;
			}
			assert_true(ok);
			if (strcmp(r->sig, "APIC") == 0) {
				assert_false(a.have_madt);
				assert_int_equal(a.ncpus, 0);
				assert_int_equal(a.nioapics, 0);
				assert_int_equal(a.nisos, 0);
				assert_int_equal(a.lapic_address, 0);
				assert_true(a.have_fadt);
				assert_true(a.have_s5);
			} else if (strcmp(r->sig, "FACP") == 0) {
				assert_false(a.have_fadt);
				assert_int_equal(a.pm1a_cnt_blk, 0);
				assert_int_equal(a.dsdt_address, 0);
				assert_false(a.have_s5);
				assert_true(a.have_madt);
			} else if (strcmp(r->sig, "DSDT") == 0) {
				assert_false(a.have_s5);
				assert_true(a.have_fadt);
				assert_true(a.have_madt);
				assert_int_equal(a.pm1a_cnt_blk, good.pm1a_cnt_blk);
			} else {
				/* A table we do not use: nothing else changes. */
				a.bad_tables = 0;
				assert_memory_equal(&a, &good, sizeof(a));
			}
			world_free(&w);
		}
	}
	world_free(&base);
}

static void test_flip_q35(void **state)
{
	flip_every_table("q35");
}

static void test_flip_pc(void **state)
{
	flip_every_table("pc");
}

static void test_bad_message(void **state)
{
	struct world w;
	struct acpi_info a;

	world_load(&w, "q35");
	world_find(&w, "APIC")->data[50] ^= 4;
	assert_true(world_parse(&w, &a));
	assert_string_equal(w.last_report,
			    "ACPI: APIC at 0xffe21cd: bad checksum, table ignored");
	world_free(&w);
}

/* ---- truncated tables ------------------------------------------------ */

static void madt_with_length(uint32_t len, const char *reason)
{
	struct world w;
	struct acpi_info a;
	struct region *m;

	world_load(&w, "q35");
	m = world_find(&w, "APIC");
	put32(m->data + 4, len);
	m->data[9] = 0;
	m->data[9] = (uint8_t)-sum8(m->data, len < m->len ? len : m->len);
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 1);
	assert_int_equal(a.bad_tables, 1);
	assert_false(a.have_madt);
	assert_int_equal(a.ncpus, 0);
	assert_true(a.have_fadt);
	assert_non_null(strstr(w.last_report, reason));
	world_free(&w);
}

static void test_truncated_tables(void **state)
{
	madt_with_length(121, "not accessible");      /* one past the mapping */
	madt_with_length(4096, "not accessible");
	madt_with_length(35, "bad length");
	madt_with_length(0, "bad length");
	madt_with_length(0xFFFFFFFF, "bad length");
	madt_with_length((1u << 20) + 1, "bad length");
	madt_with_length(40, "too short for a MADT");
}

static void test_truncated_dsdt(void **state)
{
	struct world w;
	struct acpi_info a;
	struct region *d;

	world_load(&w, "q35");
	d = world_find(&w, "DSDT");
	put32(d->data + 4, (uint32_t)d->len + 1);
	assert_true(world_parse(&w, &a));
	assert_int_equal(a.bad_tables, 1);
	assert_true(a.have_fadt);
	assert_false(a.have_s5);
	world_free(&w);
}

/* ---- malformed MADT entries ------------------------------------------ */

/* A MADT with the given entries (after lapic address and flags) in a
 * world whose RSDT lists only it. */
static void parse_madt(const uint8_t *entries, size_t n, struct acpi_info *a,
		       struct world *w)
{
	uint8_t body[8192];
	uint8_t rsdt[4];

	assert_true(n + 8 <= sizeof(body));
	memset(w, 0, sizeof(*w));
	put32(body, 0xFEE00000);
	put32(body + 4, 0);
	memcpy(body + 8, entries, n);
	add_sdt(w, 0x100000, "APIC", 5, body, n + 8);
	put32(rsdt, 0x100000);
	add_sdt(w, 0x200000, "RSDT", 1, rsdt, 4);
	{
		uint8_t rsdp[20] = { 0 };

		memcpy(rsdp, "RSD PTR ", 8);
		put32(rsdp + 16, 0x200000);
		rsdp[8] = (uint8_t)-sum8(rsdp, 20);
		w->rsdp = (int)w->n;
		world_add(w, 0xF0000, rsdp, 20, "rsdp");
	}
	assert_true(world_parse(w, a));
}

static void test_madt_entries(void **state)
{
	static const uint8_t good[] = {
		0, 8, 1, 3, 1, 0, 0, 0,                 /* LAPIC uid 1 id 3 on */
		0, 8, 2, 4, 2, 0, 0, 0,                 /* LAPIC online-capable */
		9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, /* x2APIC 256 */
		1, 12, 9, 0, 0, 0, 0xC0, 0xFE, 24, 0, 0, 0, /* IO-APIC 9 */
		2, 10, 0, 1, 1, 0, 0, 0, 5, 0,          /* ISO irq1 -> gsi 1 */
		5, 12, 0, 0, 0, 0, 0xE0, 0xFE, 1, 0, 0, 0, /* LAPIC override */
		0x7F, 2,                                /* unknown, minimal */
		4, 6, 0xFF, 0, 0, 1,                    /* LAPIC NMI: ignored */
	};
	struct world w;
	struct acpi_info a;

	parse_madt(good, sizeof(good), &a, &w);
	assert_int_equal(w.nreports, 0);
	assert_true(a.have_madt);
	assert_false(a.pcat_compat);
	assert_int_equal(a.lapic_address, 0x1FEE00000ull);
	assert_int_equal(a.ncpus, 3);
	assert_int_equal(a.cpus[0].apic_id, 3);
	assert_int_equal(a.cpus[0].uid, 1);
	assert_true(a.cpus[0].enabled);
	assert_false(a.cpus[0].online_capable);
	assert_int_equal(a.cpus[1].apic_id, 4);
	assert_false(a.cpus[1].enabled);
	assert_true(a.cpus[1].online_capable);
	assert_int_equal(a.cpus[2].apic_id, 256);
	assert_int_equal(a.cpus[2].uid, 7);
	assert_true(a.cpus[2].enabled);
	assert_int_equal(a.nioapics, 1);
	assert_int_equal(a.ioapics[0].id, 9);
	assert_int_equal(a.ioapics[0].address, 0xFEC00000);
	assert_int_equal(a.ioapics[0].gsi_base, 24);
	assert_int_equal(a.nisos, 1);
	assert_int_equal(a.isos[0].bus_irq, 1);
	assert_int_equal(a.isos[0].gsi, 1);
	assert_int_equal(a.isos[0].flags, 5);
	world_free(&w);
}

static void madt_rejected(const uint8_t *e, size_t n, const char *reason)
{
	struct world w;
	struct acpi_info a;

	parse_madt(e, n, &a, &w);
	assert_int_equal(w.nreports, 1);
	assert_int_equal(a.bad_tables, 1);
	assert_false(a.have_madt);
	assert_int_equal(a.ncpus, 0);
	assert_int_equal(a.lapic_address, 0);
	assert_non_null(strstr(w.last_report, reason));
	world_free(&w);
}

static void test_madt_bad_entries(void **state)
{
	static const uint8_t zero_len[] = { 0, 8, 0, 0, 1, 0, 0, 0, 0x7F, 0, 0, 0 };
	static const uint8_t one_len[] = { 0x7F, 1, 0, 0 };
	static const uint8_t past_end[] = { 0, 8, 0, 0, 1, 0, 0, 0, 1, 12, 0, 0 };
	static const uint8_t half_hdr[] = { 0, 8, 0, 0, 1, 0, 0, 0, 1 };
	static const uint8_t short_lapic[] = { 0, 6, 0, 0, 1, 0 };
	static const uint8_t short_ioapic[] = { 1, 8, 0, 0, 0, 0, 0xC0, 0xFE };
	static const uint8_t short_iso[] = { 2, 8, 0, 0, 2, 0, 0, 0 };
	static const uint8_t short_x2apic[] = { 9, 12, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	static const uint8_t short_override[] = { 5, 10, 0, 0, 0, 0, 0xE0, 0xFE, 0, 0 };

	madt_rejected(zero_len, sizeof(zero_len), "length < 2");
	madt_rejected(one_len, sizeof(one_len), "length < 2");
	madt_rejected(past_end, sizeof(past_end), "past the end");
	madt_rejected(half_hdr, sizeof(half_hdr), "truncated entry");
	madt_rejected(short_lapic, sizeof(short_lapic), "too short");
	madt_rejected(short_ioapic, sizeof(short_ioapic), "too short");
	madt_rejected(short_iso, sizeof(short_iso), "too short");
	madt_rejected(short_x2apic, sizeof(short_x2apic), "too short");
	madt_rejected(short_override, sizeof(short_override), "too short");
}

static void test_madt_zero_length_real(void **state)
{
	struct world w;
	struct acpi_info a;
	struct region *m;

	world_load(&w, "q35");
	m = world_find(&w, "APIC");
	m->data[44 + 8 + 1] = 0;        /* the IO-APIC entry's length */
	fix_checksum(m);
	assert_true(world_parse(&w, &a));
	assert_int_equal(a.bad_tables, 1);
	assert_false(a.have_madt);
	assert_int_equal(a.ncpus, 0);
	assert_true(a.have_fadt);
	world_free(&w);
}

static void test_madt_overflow(void **state)
{
	enum { NCPU = ACPI_MAX_CPUS + 10, NIO = ACPI_MAX_IOAPICS + 2,
	       NISO = ACPI_MAX_ISOS + 3 };
	static uint8_t e[NCPU * 8 + NIO * 12 + NISO * 10];
	uint8_t *p = e;
	struct world w;
	struct acpi_info a;

	for (int i = 0; i < NCPU; i++, p += 8) {
		uint8_t c[8] = { 0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0 };
		memcpy(p, c, 8);
	}
	for (int i = 0; i < NIO; i++, p += 12) {
		uint8_t io[12] = { 1, 12, (uint8_t)i, 0, 0, 0, 0xC0, 0xFE, 0, 0, 0, 0 };
		memcpy(p, io, 12);
	}
	for (int i = 0; i < NISO; i++, p += 10) {
		uint8_t iso[10] = { 2, 10, 0, (uint8_t)i, (uint8_t)i, 0, 0, 0, 0, 0 };
		memcpy(p, iso, 10);
	}
	parse_madt(e, sizeof(e), &a, &w);
	assert_int_equal(w.nreports, 3);    /* one per kind, not per entry */
	assert_int_equal(a.bad_tables, 0);
	assert_int_equal(a.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(a.cpus[ACPI_MAX_CPUS - 1].uid, (ACPI_MAX_CPUS - 1) & 0xFF);
	assert_int_equal(a.nioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(a.nisos, ACPI_MAX_ISOS);
	world_free(&w);
}

/* ---- FADT variants --------------------------------------------------- */

static void gas(uint8_t *p, uint8_t space, uint8_t width, uint64_t addr)
{
	p[0] = space;
	p[1] = width;
	p[2] = 0;
	p[3] = 1;
	put64(p + 4, addr);
}

/* q35 with its FADT replaced by fadt (len bytes, header included). */
static void parse_fadt(const uint8_t *fadt, size_t len, unsigned int reports,
		       struct world *w, struct acpi_info *a)
{
	struct region *f;

	world_load(w, "q35");
	f = world_find(w, "FACP");
	free(f->data);
	f->data = malloc(len);
	assert_non_null(f->data);
	memcpy(f->data, fadt, len);
	f->len = len;
	put32(f->data + 4, (uint32_t)len);
	fix_checksum(f);
	assert_true(world_parse(w, a));
	assert_int_equal(w->nreports, reports);
	assert_int_equal(a->bad_tables, reports);
	assert_true(a->have_fadt);
}

static void test_fadt_acpi6(void **state)
{
	uint8_t f[276] = { 0 };
	struct world w;
	struct acpi_info a;

	memcpy(f, "FACP", 4);
	f[8] = 6;
	put32(f + 40, 0xFFE0040);               /* DSDT (X_DSDT wins) */
	put32(f + 64, 0x1004);                  /* PM1a_CNT (X_ wins) */
	put32(f + 68, 0x1044);                  /* PM1b_CNT (X_ is zero) */
	put32(f + 76, 0x1008);                  /* PM_TMR (X_ is memory) */
	f[109] = 0x13;
	put32(f + 112, (1u << 8) | (1u << 10));
	gas(f + 116, 1, 8, 0x64);
	f[128] = 0xFE;
	put64(f + 140, 0x7000000);              /* X_DSDT: nothing there */
	gas(f + 172, 1, 16, 0x2004);
	gas(f + 208, 0, 32, 0x1808);            /* memory space: not a port */
	gas(f + 244, 0, 8, 0xFE000010);         /* SLEEP_CONTROL */
	gas(f + 256, 0, 8, 0xFE000011);         /* SLEEP_STATUS */

	/* The X_DSDT points nowhere: one report, no \_S5. */
	parse_fadt(f, sizeof(f), 1, &w, &a);
	assert_non_null(strstr(w.last_report, "DSDT at 0x7000000"));
	assert_false(a.have_s5);
	assert_int_equal(a.fadt_revision, 6);
	assert_int_equal(a.fadt_flags, 0x500);
	assert_int_equal(a.iapc_boot_arch, 0x13);
	assert_int_equal(a.pm1a_cnt_blk, 0x2004);
	assert_int_equal(a.pm1b_cnt_blk, 0x1044);
	assert_int_equal(a.pm_tmr_blk, 0x1008);
	assert_true(a.pm_tmr_32bit);
	assert_true(a.reset_reg_sup);
	assert_int_equal(a.reset_reg.space, 1);
	assert_int_equal(a.reset_reg.address, 0x64);
	assert_int_equal(a.reset_reg.bit_width, 8);
	assert_int_equal(a.reset_reg.access_size, 1);
	assert_int_equal(a.reset_value, 0xFE);
	assert_int_equal(a.sleep_control.space, 0);
	assert_int_equal(a.sleep_control.bit_width, 8);
	assert_int_equal(a.sleep_control.address, 0xFE000010);
	assert_int_equal(a.sleep_status.address, 0xFE000011);
	assert_int_equal(a.dsdt_address, 0x7000000);
	world_free(&w);

	/* X_DSDT zero: the 32-bit DSDT field. */
	put64(f + 140, 0);
	parse_fadt(f, sizeof(f), 0, &w, &a);
	assert_int_equal(a.dsdt_address, 0xFFE0040);
	assert_true(a.have_s5);
	world_free(&w);

	/* Cut before SLEEP_STATUS ends: only SLEEP_CONTROL. */
	parse_fadt(f, 267, 0, &w, &a);
	assert_int_equal(a.sleep_control.address, 0xFE000010);
	assert_int_equal(a.sleep_status.address, 0);
	world_free(&w);

	/* Cut inside X_PM1a_CNT: the legacy port. */
	parse_fadt(f, 183, 0, &w, &a);
	assert_int_equal(a.pm1a_cnt_blk, 0x1004);
	assert_int_equal(a.sleep_control.address, 0);
	world_free(&w);

	/* Cut at RESET_VALUE: no reset register at all. */
	parse_fadt(f, 128, 0, &w, &a);
	assert_int_equal(a.reset_reg.address, 0);
	assert_int_equal(a.reset_value, 0);
	assert_true(a.reset_reg_sup);           /* the flag is still read */
	assert_true(a.have_s5);
	world_free(&w);

	/* Cut inside IAPC_BOOT_ARCH. */
	parse_fadt(f, 110, 0, &w, &a);
	assert_int_equal(a.iapc_boot_arch, 0);
	assert_int_equal(a.pm_tmr_blk, 0x1008);
	world_free(&w);

	/* Just the header: nothing but the revision. */
	parse_fadt(f, 36, 0, &w, &a);
	assert_int_equal(a.fadt_revision, 6);
	assert_int_equal(a.fadt_flags, 0);
	assert_int_equal(a.pm1a_cnt_blk, 0);
	assert_int_equal(a.pm_tmr_blk, 0);
	assert_int_equal(a.dsdt_address, 0);
	assert_false(a.have_s5);
	world_free(&w);
}

/* ---- \_S5 in the DSDT and SSDTs -------------------------------------- */

static size_t find_s5(const struct region *d)
{
	for (size_t i = 0; i + 4 <= d->len; i++)
		if (memcmp(d->data + i, "_S5_", 4) == 0)
			return i;
	fail_msg("no _S5_ in the DSDT");
	return 0;
}

static void test_dsdt_broken_s5(void **state)
{
	struct world base, w;
	struct acpi_info a;
	size_t at;

	world_load(&base, "q35");
	at = find_s5(world_find(&base, "DSDT"));
	assert_int_equal(world_find(&base, "DSDT")->data[at + 4], 0x12);

	/* Bytes from the name: _S5_ 12 06 04 00 00 00 00 */
	static const struct {
		const char *what;
		int off[2];
		uint8_t val[2];
		bool s5;
	} breaks[] = {
		{ "long package, still inside", { 5, 5 }, { 0x3F, 0x3F }, true },
		{ "package past the table", { 5, 6 }, { 0x4F, 0xFF }, false },
		{ "NumElements becomes 0", { 5, 5 }, { 0x4F, 0x4F }, false },
		{ "reserved PkgLength bits", { 5, 5 }, { 0xFF, 0xFF }, false },
		{ "no room for NumElements", { 5, 5 }, { 0x01, 0x01 }, false },
		{ "no elements", { 6, 6 }, { 0x00, 0x00 }, false },
		{ "OnesOp", { 7, 7 }, { 0xFF, 0xFF }, false },
		{ "BytePrefix 0", { 7, 7 }, { 0x0A, 0x0A }, true },
		{ "BytePrefix 9", { 7, 8 }, { 0x0A, 0x09 }, false },
		{ "not a package", { 4, 4 }, { 0x13, 0x13 }, false },
		{ "no NameOp", { -1, -1 }, { 0x10, 0x10 }, false },
	};

	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		struct region *d;

		world_copy(&w, &base);
		d = world_find(&w, "DSDT");
		for (int k = 0; k < 2; k++)
			d->data[(ptrdiff_t)at + breaks[i].off[k]] = breaks[i].val[k];
		fix_checksum(d);
		assert_true(world_parse(&w, &a));
		assert_int_equal(w.nreports, 0);
		assert_int_equal(a.bad_tables, 0);
		if (a.have_s5 != breaks[i].s5)
			fail_msg("%s: have_s5 %d", breaks[i].what, a.have_s5);
		world_free(&w);
	}

	/* The package cut off by the end of the table. */
	world_copy(&w, &base);
	{
		struct region *d = world_find(&w, "DSDT");

		d->len = at + 8;
		put32(d->data + 4, (uint32_t)d->len);
		fix_checksum(d);
	}
	assert_true(world_parse(&w, &a));
	assert_int_equal(a.bad_tables, 0);
	assert_false(a.have_s5);
	world_free(&w);
	world_free(&base);
}

static void test_s5_from_ssdt(void **state)
{
	static const uint8_t aml[] = {
		0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x02,
		0x0A, 0x05, 0x0A, 0x06,
	};
	struct world w;
	struct acpi_info a;
	struct region *rsdt, *d;
	size_t at;

	world_load(&w, "q35");
	d = world_find(&w, "DSDT");
	at = find_s5(d);
	d->data[at] = 'X';                      /* no \_S5 in the DSDT now */
	fix_checksum(d);
	add_sdt(&w, 0x7100000, "SSDT", 2, aml, sizeof(aml));
	rsdt = world_find(&w, "RSDT");
	{
		uint8_t *n = malloc(rsdt->len + 4);

		assert_non_null(n);
		memcpy(n, rsdt->data, rsdt->len);
		put32(n + rsdt->len, 0x7100000);
		free(rsdt->data);
		rsdt->data = n;
		rsdt->len += 4;
		put32(n + 4, (uint32_t)rsdt->len);
		fix_checksum(rsdt);
	}
	assert_true(world_parse(&w, &a));
	assert_int_equal(w.nreports, 0);
	assert_true(a.have_s5);
	assert_int_equal(a.s5_typa, 5);
	assert_int_equal(a.s5_typb, 6);
	world_free(&w);
}

/* ---- the AML scan on hand-made streams ------------------------------- */

/* Run the scan on an exactly sized heap copy so ASan sees any overread. */
static bool scan(const uint8_t *bytes, size_t len, uint8_t *a, uint8_t *b)
{
	uint8_t *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	*a = *b = 0xEE;
	ok = acpi_aml_find_s5(copy, len, a, b);
	free(copy);
	return ok;
}

struct aml_case {
	const char *name;
	uint8_t bytes[40];
	size_t len;
	bool ok;
	uint8_t a, b;
};

#define S5 '_', 'S', '5', '_'
/* The bytes and their count, from one list. */
#define AML(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

static const struct aml_case aml_cases[] = {
	{ "zero/one", AML(0x08, S5, 0x12, 0x04, 0x02, 0x00, 0x01), true, 0, 1 },
	{ "byte", AML(0x08, S5, 0x12, 0x06, 0x02, 0x0A, 0x05, 0x0A, 0x07),
	  true, 5, 7 },
	{ "word", AML(0x08, S5, 0x12, 0x08, 0x02, 0x0B, 0x03, 0x00, 0x0B, 0x04,
		      0x00), true, 3, 4 },
	{ "dword", AML(0x08, S5, 0x12, 0x0C, 0x02, 0x0C, 0x06, 0, 0, 0,
		       0x0C, 0x02, 0, 0, 0), true, 6, 2 },
	{ "qword", AML(0x08, S5, 0x12, 0x14, 0x02, 0x0E, 0x07, 0, 0, 0, 0, 0,
		       0, 0, 0x0E, 0x01, 0, 0, 0, 0, 0, 0, 0), true, 7, 1 },
	{ "one element", AML(0x08, S5, 0x12, 0x04, 0x01, 0x0A, 0x05), true,
	  5, 5 },
	{ "four elements", AML(0x08, S5, 0x12, 0x07, 0x04, 0x0A, 0x05, 0x00,
			       0x00, 0x00), true, 5, 0 },
	{ "root", AML(0x08, '\\', S5, 0x12, 0x04, 0x02, 0x01, 0x00), true,
	  1, 0 },
	{ "parent", AML(0x08, '^', S5, 0x12, 0x04, 0x02, 0x01, 0x01), true,
	  1, 1 },
	{ "parent x2", AML(0x08, '^', '^', S5, 0x12, 0x04, 0x02, 0x00, 0x01),
	  true, 0, 1 },
	{ "2-byte pkglength", AML(0x08, S5, 0x12, 0x47, 0x00, 0x02, 0x0A, 0x03,
				  0x0A, 0x04), true, 3, 4 },
	{ "3-byte pkglength", AML(0x08, S5, 0x12, 0x86, 0x00, 0x00, 0x02, 0x01,
				  0x01), true, 1, 1 },
	{ "4-byte pkglength", AML(0x08, S5, 0x12, 0xC7, 0x00, 0x00, 0x00, 0x02,
				  0x01, 0x00), true, 1, 0 },
	/* Rejections. */
	{ "byte > 7", AML(0x08, S5, 0x12, 0x06, 0x02, 0x0A, 0x08, 0x0A, 0x07),
	  false, 0, 0 },
	{ "word > 7, low byte 0", AML(0x08, S5, 0x12, 0x08, 0x02, 0x0B, 0x00,
				      0x01, 0x0B, 0x00, 0x00), false, 0, 0 },
	{ "dword > 7 in typb", AML(0x08, S5, 0x12, 0x08, 0x02, 0x00, 0x0C, 0x05,
				   0, 0, 1), false, 0, 0 },
	{ "ones", AML(0x08, S5, 0x12, 0x04, 0x02, 0xFF, 0x00), false, 0, 0 },
	{ "zero elements", AML(0x08, S5, 0x12, 0x02, 0x00), false, 0, 0 },
	{ "element past pkglength", AML(0x08, S5, 0x12, 0x04, 0x02, 0x0A, 0x05,
					0x00), false, 0, 0 },
	{ "word cut by pkglength", AML(0x08, S5, 0x12, 0x05, 0x02, 0x00, 0x0B,
				       0x03, 0x00), false, 0, 0 },
	{ "dword past the stream", AML(0x08, S5, 0x12, 0x05, 0x02, 0x00, 0x0C,
				       0x03), false, 0, 0 },
	{ "second element missing", AML(0x08, S5, 0x12, 0x04, 0x02, 0x0A,
					0x05), false, 0, 0 },
	{ "reserved pkglength bits", AML(0x08, S5, 0x12, 0x55, 0x00, 0x02, 0x01,
					 0x01), false, 0, 0 },
	{ "no name op", AML(0x10, S5, 0x12, 0x04, 0x02, 0x01, 0x01), false,
	  0, 0 },
	{ "variable package", AML(0x08, S5, 0x13, 0x04, 0x02, 0x01, 0x01),
	  false, 0, 0 },
	{ "root and parent", AML(0x08, '^', '\\', S5, 0x12, 0x04, 0x02, 0x01,
				 0x01), false, 0, 0 },
	{ "string with package bytes", AML(0x0D, S5, 0x12, 0x04, 0x02, 0x01,
					   0x01), false, 0, 0 },
	{ "name only", AML(0x08, S5), false, 0, 0 },
	/* _S5_ in a string, then as a method name whose PkgLength byte looks
	 * like NameOp, then the real one, then a second one. */
	{ "decoys", AML(0x0D, S5, 0x00,
			0x14, 0x08, S5, 0x00, 0xA4, 0x01,
			0x08, S5, 0x12, 0x06, 0x02, 0x0A, 0x03, 0x0A, 0x02,
			0x08, '\\', S5, 0x12, 0x04, 0x02, 0x01, 0x01), true,
	  3, 2 },
};

static void test_aml_cases(void **state)
{
	for (size_t i = 0; i < sizeof(aml_cases) / sizeof(aml_cases[0]); i++) {
		const struct aml_case *c = &aml_cases[i];
		uint8_t a, b;
		bool ok = scan(c->bytes, c->len, &a, &b);

		if (ok != c->ok)
			fail_msg("%s: returned %d", c->name, ok);
		if (ok && (a != c->a || b != c->b))
			fail_msg("%s: %u/%u, want %u/%u", c->name, a, b, c->a, c->b);
	}
}

/* Every well-formed case cut short at every byte must fail, and read
 * nothing past the cut (ASan). */
static void test_aml_truncated(void **state)
{
	for (size_t i = 0; i < sizeof(aml_cases) / sizeof(aml_cases[0]); i++) {
		const struct aml_case *c = &aml_cases[i];

		if (!c->ok || strcmp(c->name, "decoys") == 0)
			continue;
		for (size_t cut = 0; cut < c->len; cut++) {
			uint8_t a, b;

			if (scan(c->bytes, cut, &a, &b))
				fail_msg("%s cut at %zu: found", c->name, cut);
		}
	}
	assert_false(acpi_aml_find_s5(NULL, 0, &(uint8_t){ 0 }, &(uint8_t){ 0 }));
}

/* ---- random mutations: no crash, sane output ------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void mutate(struct region *r, bool keep_header)
{
	unsigned int n = 1 + rng() % 8;

	for (unsigned int k = 0; k < n; k++) {
		size_t off = rng() % r->len;

		if (keep_header && off < 10)
			continue;
		switch (rng() % 4) {
		case 0:
			r->data[off] = (uint8_t)rng();
			break;
		case 1:
			r->data[off] ^= (uint8_t)(1u << (rng() % 8));
			break;
		case 2:
			r->data[off] = 0;
			break;
		default:
			r->data[off] = (uint8_t)(rng() % 3 == 0 ? 0x12 : 0x08);
			break;
		}
	}
}

static void test_fuzz(void **state)
{
	struct world base, w;
	struct acpi_info a;
	const char *sigs[] = { "APIC", "DSDT", "FACP", "RSDT" };
	unsigned int found_s5 = 0;

	world_load(&base, "q35");
	for (int iter = 0; iter < 3000; iter++) {
		struct region *r;

		world_copy(&w, &base);
		r = world_find(&w, sigs[iter % 4 == 3 ? rng() % 4 : (uint32_t)iter % 2]);
		mutate(r, iter % 3 != 0);
		if (iter % 4 != 0)
			fix_checksum(r);   /* reach the decoders, not just the sum */
		(void)world_parse(&w, &a);
		assert_true(a.ncpus <= ACPI_MAX_CPUS);
		assert_true(a.nioapics <= ACPI_MAX_IOAPICS);
		assert_true(a.nisos <= ACPI_MAX_ISOS);
		if (a.have_s5) {
			assert_true(a.s5_typa <= 7 && a.s5_typb <= 7);
			found_s5++;
		}
		/* The AML scan alone, on an exactly sized mutated body. */
		if (strcmp(r->sig, "DSDT") == 0) {
			uint8_t ta, tb;

			size_t start = 36 + rng() % (r->len - 36);

			(void)scan(r->data + 36, r->len - 36, &ta, &tb);
			(void)scan(r->data + start, r->len - start, &ta, &tb);
		}
		world_free(&w);
	}
	assert_true(found_s5 > 0);
	world_free(&base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35),
		cmocka_unit_test(test_q35_smp2),
		cmocka_unit_test(test_pc),
		cmocka_unit_test(test_find_rsdp_rom),
		cmocka_unit_test(test_find_rsdp_ebda),
		cmocka_unit_test(test_find_rsdp_v2),
		cmocka_unit_test(test_bad_rsdp),
		cmocka_unit_test(test_xsdt),
		cmocka_unit_test(test_xsdt_unmapped_entry),
		cmocka_unit_test(test_duplicate_tables),
		cmocka_unit_test(test_flip_q35),
		cmocka_unit_test(test_flip_pc),
		cmocka_unit_test(test_bad_message),
		cmocka_unit_test(test_truncated_tables),
		cmocka_unit_test(test_truncated_dsdt),
		cmocka_unit_test(test_madt_entries),
		cmocka_unit_test(test_madt_bad_entries),
		cmocka_unit_test(test_madt_zero_length_real),
		cmocka_unit_test(test_madt_overflow),
		cmocka_unit_test(test_fadt_acpi6),
		cmocka_unit_test(test_dsdt_broken_s5),
		cmocka_unit_test(test_s5_from_ssdt),
		cmocka_unit_test(test_aml_cases),
		cmocka_unit_test(test_aml_truncated),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
