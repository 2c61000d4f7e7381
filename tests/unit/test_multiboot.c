/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the multiboot v1/v2 information parser
 * (hv/arch/x86/boot/multiboot.c) on hand-built structures in a simulated
 * 1 MiB of physical memory, including malformed and randomly mutated ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <basalt/bootinfo.h>

/* ---- simulated physical memory ----------------------------------------- */

#define BASE  0x01000000ull       /* fake physical address of mem[0] */
#define MEMSZ (1u << 20)
#define MEMEND (BASE + MEMSZ)

static uint8_t mem[MEMSZ];

/*
 * Every successful map hands out a private heap copy of exactly len bytes,
 * so ASan catches the parser reading past what it asked for. The copies
 * live until the parse is over.
 */
struct sim {
	void **copies;
	size_t ncopies, cap;
	unsigned long calls, fails;
};

static struct sim sim;

static const void *sim_map(void *ctx, uint64_t pa, uint64_t len)
{
	struct sim *s = ctx;
	void *p;

	s->calls++;
	if (pa < BASE || pa - BASE > MEMSZ || len > MEMSZ - (pa - BASE)) {
		s->fails++;
		return NULL;
	}
	if (s->ncopies == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->copies = realloc(s->copies, s->cap * sizeof(*s->copies));
		assert_non_null(s->copies);
	}
	p = malloc(len);
	assert_non_null(p);
	memcpy(p, &mem[pa - BASE], len);
	s->copies[s->ncopies++] = p;
	return p;
}

static void sim_release(void)
{
	for (size_t i = 0; i < sim.ncopies; i++)
		free(sim.copies[i]);
	sim.ncopies = 0;
}

static struct boot_info *bi;

static bool parse(uint32_t magic, uint64_t info)
{
	bool ok;

	sim.calls = sim.fails = 0;
	memset(bi, 0xa5, sizeof(*bi)); /* the parser must clear it */
	ok = bootinfo_parse(magic, info, sim_map, &sim, bi);
	sim_release();
	return ok;
}

static int clear_mem(void **st)
{
	memset(mem, 0, sizeof(mem));
	return 0;
}

static int setup(void **st)
{
	bi = malloc(sizeof(*bi));
	return bi ? 0 : -1;
}

static int teardown(void **st)
{
	free(bi);
	bi = NULL;
	free(sim.copies);
	memset(&sim, 0, sizeof(sim));
	return 0;
}

static uint8_t *at(uint64_t pa, size_t len)
{
	assert_true(pa >= BASE && pa - BASE + len <= MEMSZ);
	return &mem[pa - BASE];
}

static void w16(uint64_t pa, uint16_t v) { memcpy(at(pa, 2), &v, 2); }
static void w32(uint64_t pa, uint32_t v) { memcpy(at(pa, 4), &v, 4); }
static void w64(uint64_t pa, uint64_t v) { memcpy(at(pa, 8), &v, 8); }

/* Store s with its NUL; returns the length stored. */
static size_t wstr(uint64_t pa, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(at(pa, n), s, n);
	return n;
}

static void wfill(uint64_t pa, int c, size_t n)
{
	memset(at(pa, n), c, n);
}

/* ---- assertions on the result ------------------------------------------ */

static void expect_mmap(unsigned int i, uint64_t addr, uint64_t len,
			uint32_t type)
{
	assert_true(i < bi->nmmap);
	assert_int_equal(bi->mmap[i].addr, addr);
	assert_int_equal(bi->mmap[i].len, len);
	assert_int_equal(bi->mmap[i].type, type);
}

static void expect_module(unsigned int i, uint64_t start, uint64_t end,
			  const char *cmdline)
{
	assert_true(i < bi->nmodules);
	assert_int_equal(bi->modules[i].start, start);
	assert_int_equal(bi->modules[i].end, end);
	assert_string_equal(bi->modules[i].cmdline, cmdline);
}

static void expect_range(unsigned int i, uint64_t start, uint64_t len)
{
	assert_true(i < bi->nranges);
	assert_int_equal(bi->ranges[i].start, start);
	assert_int_equal(bi->ranges[i].end, start + len);
}

/* [start, start+len) lies inside one of the reported ranges. */
static bool covered(uint64_t start, uint64_t len)
{
	for (unsigned int i = 0; i < bi->nranges; i++)
		if (start >= bi->ranges[i].start &&
		    start + len <= bi->ranges[i].end)
			return true;
	return false;
}

/* Invariants that hold for any input, however malformed. */
static void check_sane(void)
{
	assert_true(bi->loader == 1 || bi->loader == 2);
	assert_true(bi->nmmap <= BOOT_MAX_MMAP);
	assert_true(bi->nmodules <= BOOT_MAX_MODULES);
	assert_true(bi->nranges <= BOOT_MAX_RANGES);
	assert_true(bi->rsdp_len <= sizeof(bi->rsdp));
	assert_non_null(memchr(bi->cmdline, 0, sizeof(bi->cmdline)));
	assert_non_null(memchr(bi->loader_name, 0, sizeof(bi->loader_name)));
	for (unsigned int i = 0; i < bi->nmmap; i++) {
		assert_true(bi->mmap[i].len != 0);
		assert_true(bi->mmap[i].addr + bi->mmap[i].len > bi->mmap[i].addr);
		assert_true(bi->mmap[i].type >= MMAP_RAM &&
			    bi->mmap[i].type <= MMAP_BAD);
	}
	for (unsigned int i = 0; i < bi->nmodules; i++) {
		assert_true(bi->modules[i].end >= bi->modules[i].start);
		assert_non_null(memchr(bi->modules[i].cmdline, 0,
				       sizeof(bi->modules[i].cmdline)));
	}
	for (unsigned int i = 0; i < bi->nranges; i++)
		assert_true(bi->ranges[i].end > bi->ranges[i].start);
}

/* ---- multiboot v1 builders ---------------------------------------------- */

#define MB1_MEM     (1u << 0)
#define MB1_CMDLINE (1u << 2)
#define MB1_MODS    (1u << 3)
#define MB1_MMAP    (1u << 6)
#define MB1_LOADER  (1u << 9)

#define V1_INFO    (BASE + 0x1000)
#define V1_CMDLINE (BASE + 0x2000)
#define V1_LOADER  (BASE + 0x2100)
#define V1_MODS    (BASE + 0x3000)
#define V1_MODSTR  (BASE + 0x3800)
#define V1_MMAP    (BASE + 0x4000)

/* Offsets in the multiboot 0.6.96 information structure. */
#define MBI_FLAGS       0
#define MBI_MEM_LOWER   4
#define MBI_MEM_UPPER   8
#define MBI_BOOT_DEVICE 12
#define MBI_CMDLINE     16
#define MBI_MODS_COUNT  20
#define MBI_MODS_ADDR   24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR   48
#define MBI_LOADER_NAME 64
#define MBI_SIZE        88  /* up to and including the VBE fields */

/* One size-prefixed memory map entry; returns the bytes written. */
static uint32_t v1_mmap_entry(uint64_t pa, uint32_t size, uint64_t addr,
			      uint64_t len, uint32_t type)
{
	w32(pa, size);
	w64(pa + 4, addr);
	w64(pa + 12, len);
	w32(pa + 20, type);
	return size + 4;
}

static void v1_module(unsigned int i, uint32_t start, uint32_t end,
		      uint32_t string)
{
	w32(V1_MODS + 16 * i, start);
	w32(V1_MODS + 16 * i + 4, end);
	w32(V1_MODS + 16 * i + 8, string);
	w32(V1_MODS + 16 * i + 12, 0);
}

static const char v1_cmdline[] = "/boot/basalt.gz console=com1 loglvl=all";
static const char v1_mod0[] = "/boot/vmlinuz root=/dev/xvda1 console=hvc0";
static const char v1_mod1[] = "/boot/initrd.img";
static uint32_t v1_mmap_len;

/* What QEMU's -kernel loader builds (plus a few extra map entry types). */
static uint64_t build_v1_qemu(void)
{
	uint64_t p = V1_MMAP;

	wfill(V1_INFO, 0, MBI_SIZE);
	w32(V1_INFO + MBI_FLAGS, MB1_MEM | (1u << 1) | MB1_CMDLINE | MB1_MODS |
				 MB1_MMAP | MB1_LOADER);
	w32(V1_INFO + MBI_MEM_LOWER, 639);
	w32(V1_INFO + MBI_MEM_UPPER, 130048);
	w32(V1_INFO + MBI_BOOT_DEVICE, 0x8000ffff);
	w32(V1_INFO + MBI_CMDLINE, (uint32_t)V1_CMDLINE);
	wstr(V1_CMDLINE, v1_cmdline);
	w32(V1_INFO + MBI_LOADER_NAME, (uint32_t)V1_LOADER);
	wstr(V1_LOADER, "qemu");

	w32(V1_INFO + MBI_MODS_COUNT, 2);
	w32(V1_INFO + MBI_MODS_ADDR, (uint32_t)V1_MODS);
	v1_module(0, 0x200000, 0x6a1b37, (uint32_t)V1_MODSTR);
	wstr(V1_MODSTR, v1_mod0);
	v1_module(1, 0x6a2000, 0x1f00000, (uint32_t)V1_MODSTR + 0x100);
	wstr(V1_MODSTR + 0x100, v1_mod1);

	p += v1_mmap_entry(p, 20, 0, 0x9fc00, 1);
	p += v1_mmap_entry(p, 20, 0x9fc00, 0x400, 2);
	p += v1_mmap_entry(p, 20, 0xf0000, 0x10000, 2);
	p += v1_mmap_entry(p, 20, 0x100000, 0x7ee0000, 1);
	p += v1_mmap_entry(p, 20, 0x7fe0000, 0x10000, 3);
	/* A larger size field: the next entry starts size + 4 bytes on. */
	p += v1_mmap_entry(p, 28, 0x7ff0000, 0x10000, 4);
	p += v1_mmap_entry(p, 20, 0xfeffc000, 0x4000, 7);  /* unknown type */
	p += v1_mmap_entry(p, 20, 0xfffc0000, 0x40000, 5);
	p += v1_mmap_entry(p, 20, 0x100000000ull, 0x180000000ull, 1);
	v1_mmap_len = (uint32_t)(p - V1_MMAP);
	w32(V1_INFO + MBI_MMAP_LENGTH, v1_mmap_len);
	w32(V1_INFO + MBI_MMAP_ADDR, (uint32_t)V1_MMAP);
	return V1_INFO;
}

static void expect_v1_qemu_mmap(void)
{
	assert_int_equal(bi->nmmap, 9);
	expect_mmap(0, 0, 0x9fc00, MMAP_RAM);
	expect_mmap(1, 0x9fc00, 0x400, MMAP_RESERVED);
	expect_mmap(2, 0xf0000, 0x10000, MMAP_RESERVED);
	expect_mmap(3, 0x100000, 0x7ee0000, MMAP_RAM);
	expect_mmap(4, 0x7fe0000, 0x10000, MMAP_ACPI);
	expect_mmap(5, 0x7ff0000, 0x10000, MMAP_NVS);
	expect_mmap(6, 0xfeffc000, 0x4000, MMAP_RESERVED);
	expect_mmap(7, 0xfffc0000, 0x40000, MMAP_BAD);
	expect_mmap(8, 0x100000000ull, 0x180000000ull, MMAP_RAM);
}

/* ---- multiboot2 builders ------------------------------------------------ */

#define V2_INFO (BASE + 0x8000)

/* Appends tags at an 8-byte aligned cursor, as a loader does. */
struct mb2 {
	uint64_t info, p;
};

static void mb2_begin(struct mb2 *b, uint64_t info)
{
	b->info = info;
	b->p = info + 8;
	w32(info + 4, 0);
}

/* Tag header; returns the address of the payload. */
static uint64_t mb2_tag(struct mb2 *b, uint32_t type, uint32_t size)
{
	uint64_t t = b->p;

	w32(t, type);
	w32(t + 4, size);
	b->p = t + ((size + 7) & ~7u);
	return t + 8;
}

static void mb2_string(struct mb2 *b, uint32_t type, const char *s)
{
	uint64_t pl = mb2_tag(b, type, 8 + (uint32_t)strlen(s) + 1);

	wstr(pl, s);
}

static void mb2_module(struct mb2 *b, uint32_t start, uint32_t end,
		       const char *s)
{
	uint64_t pl = mb2_tag(b, 3, 16 + (uint32_t)strlen(s) + 1);

	w32(pl, start);
	w32(pl + 4, end);
	wstr(pl + 8, s);
}

static void mb2_meminfo(struct mb2 *b, uint32_t lower, uint32_t upper)
{
	uint64_t pl = mb2_tag(b, 4, 16);

	w32(pl, lower);
	w32(pl + 4, upper);
}

struct e820 {
	uint64_t addr, len;
	uint32_t type;
};

static void mb2_mmap(struct mb2 *b, uint32_t esize, const struct e820 *e,
		     unsigned int n)
{
	uint64_t pl = mb2_tag(b, 6, 16 + esize * n);

	w32(pl, esize);
	w32(pl + 4, 0);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t q = pl + 8 + (uint64_t)esize * i;

		wfill(q, 0xee, esize); /* padding and reserved must be ignored */
		w64(q, e[i].addr);
		w64(q + 8, e[i].len);
		w32(q + 16, e[i].type);
		w32(q + 20, 0);
	}
}

static void mb2_rsdp(struct mb2 *b, uint32_t type, uint8_t rev, uint32_t len)
{
	uint64_t pl = mb2_tag(b, type, 8 + len);

	wfill(pl, 0, len);
	if (len < 20) /* too short for an RSDP: garbage */
		return;
	memcpy(at(pl, 8), "RSD PTR ", 8);
	*at(pl + 15, 1) = rev;
	w32(pl + 16, 0x7fe1234 + rev); /* RSDT */
	for (uint32_t i = 20; i < len; i++)
		*at(pl + i, 1) = (uint8_t)(0x40 + i);
}

static uint32_t mb2_end(struct mb2 *b)
{
	uint32_t total;

	mb2_tag(b, 0, 8);
	total = (uint32_t)(b->p - b->info);
	w32(b->info, total);
	return total;
}

static const struct e820 v2_map[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0x100000, 0xbfee0000, 1 },
	{ 0xbffe0000, 0x20000, 3 },
	{ 0xfed00000, 0x1000, 4 },
	{ 0xfffc0000, 0x40000, 12 },  /* unknown: reserved */
	{ 0x100000000ull, 0x40000000, 1 },
};

static const char v2_cmdline[] = "/basalt.gz dom0_mem=1G console=com1,vga";
static const char v2_loader[] = "GRUB 2.06-13+deb12u1";
static uint32_t v2_total;

/* What GRUB's multiboot2 command builds, with tags we do not use. */
static uint64_t build_v2_grub(void)
{
	struct mb2 b;
	uint64_t pl;

	mb2_begin(&b, V2_INFO);
	mb2_string(&b, 1, v2_cmdline);
	mb2_string(&b, 2, v2_loader);
	pl = mb2_tag(&b, 21, 12);   /* load base address */
	w32(pl, 0x200000);
	mb2_module(&b, 0x3000000, 0x3a12345, "/vmlinuz-6.1 root=/dev/xvda1 ro");
	mb2_module(&b, 0x3a13000, 0x4000000, "");
	mb2_meminfo(&b, 639, 3144576);
	pl = mb2_tag(&b, 5, 20);    /* BIOS boot device */
	w32(pl, 0x80);
	w32(pl + 4, 0xffffffff);
	w32(pl + 8, 0xffffffff);
	mb2_mmap(&b, 24, v2_map, 7);
	pl = mb2_tag(&b, 8, 38);    /* framebuffer: skipped */
	wfill(pl, 0x33, 30);
	mb2_rsdp(&b, 14, 0, 20);
	mb2_rsdp(&b, 15, 2, 36);
	mb2_tag(&b, 99, 8);         /* a tag from the future */
	v2_total = mb2_end(&b);
	return V2_INFO;
}

static void expect_v2_grub_mmap(void)
{
	assert_int_equal(bi->nmmap, 7);
	expect_mmap(0, 0, 0x9fc00, MMAP_RAM);
	expect_mmap(1, 0x9fc00, 0x400, MMAP_RESERVED);
	expect_mmap(2, 0x100000, 0xbfee0000, MMAP_RAM);
	expect_mmap(3, 0xbffe0000, 0x20000, MMAP_ACPI);
	expect_mmap(4, 0xfed00000, 0x1000, MMAP_NVS);
	expect_mmap(5, 0xfffc0000, 0x40000, MMAP_RESERVED);
	expect_mmap(6, 0x100000000ull, 0x40000000, MMAP_RAM);
}

/* The RSDP copy mb2_rsdp() writes. */
static void expect_rsdp(uint8_t rev, uint32_t len)
{
	uint8_t want[64] = "RSD PTR ";
	uint32_t rsdt = 0x7fe1234 + rev;

	want[15] = rev;
	memcpy(&want[16], &rsdt, 4);
	for (uint32_t i = 20; i < len; i++)
		want[i] = (uint8_t)(0x40 + i);
	assert_true(bi->have_rsdp);
	assert_int_equal(bi->rsdp_len, len);
	assert_memory_equal(bi->rsdp, want, len);
}

/* ---- well-formed v1 ----------------------------------------------------- */

static void test_v1_qemu(void **st)
{
	uint64_t info = build_v1_qemu();

	assert_true(parse(MB1_LOADER_MAGIC, info));
	check_sane();
	assert_int_equal(bi->loader, 1);
	assert_string_equal(bi->loader_name, "qemu");
	assert_string_equal(bi->cmdline, v1_cmdline);
	assert_int_equal(bi->nmodules, 2);
	expect_module(0, 0x200000, 0x6a1b37, v1_mod0);
	expect_module(1, 0x6a2000, 0x1f00000, v1_mod1);
	expect_v1_qemu_mmap();
	assert_false(bi->have_rsdp);
	assert_int_equal(bi->rsdp_len, 0);
	assert_int_equal(bi->warnings, 0);
	assert_int_equal(sim.fails, 0);
}

/* The loader structures the parser read are all kept out of the allocator. */
static void test_v1_ranges(void **st)
{
	uint64_t info = build_v1_qemu();

	assert_true(parse(MB1_LOADER_MAGIC, info));
	assert_true(covered(V1_INFO, 72));
	assert_true(covered(V1_CMDLINE, sizeof(v1_cmdline)));
	assert_true(covered(V1_LOADER, 5));
	assert_true(covered(V1_MODS, 16));
	assert_true(covered(V1_MODS + 16, 16));
	assert_true(covered(V1_MODSTR, sizeof(v1_mod0)));
	assert_true(covered(V1_MODSTR + 0x100, sizeof(v1_mod1)));
	assert_true(covered(V1_MMAP, v1_mmap_len));
	assert_false(covered(V1_MMAP + v1_mmap_len, 1));
	/* In the order they were read. */
	assert_int_equal(bi->nranges, 8);
	expect_range(0, V1_INFO, 72);
	expect_range(1, V1_CMDLINE, sizeof(v1_cmdline));
	expect_range(2, V1_LOADER, 5);
	expect_range(3, V1_MODS, 16);
	expect_range(4, V1_MODSTR, sizeof(v1_mod0));
	expect_range(5, V1_MODS + 16, 16);
	expect_range(6, V1_MODSTR + 0x100, sizeof(v1_mod1));
	expect_range(7, V1_MMAP, v1_mmap_len);
}

/* Without a memory map, mem_lower/mem_upper become two RAM ranges. */
static void test_v1_meminfo_only(void **st)
{
	wfill(V1_INFO, 0, MBI_SIZE);
	w32(V1_INFO + MBI_FLAGS, MB1_MEM);
	w32(V1_INFO + MBI_MEM_LOWER, 639);
	w32(V1_INFO + MBI_MEM_UPPER, 261120);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 2);
	expect_mmap(0, 0, 639 * 1024, MMAP_RAM);
	expect_mmap(1, 0x100000, 261120ull * 1024, MMAP_RAM);
	assert_int_equal(bi->nmodules, 0);
	assert_string_equal(bi->cmdline, "");
	assert_string_equal(bi->loader_name, "");
	assert_int_equal(bi->warnings, 0);
	assert_int_equal(bi->nranges, 1);
	expect_range(0, V1_INFO, 72);

	/* A map wins over mem_lower/mem_upper. */
	build_v1_qemu();
	w32(V1_INFO + MBI_FLAGS, MB1_MEM | MB1_MMAP);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	expect_v1_qemu_mmap();
	assert_int_equal(bi->nmodules, 0);
	assert_string_equal(bi->cmdline, "");
}

/* Fields whose flag is clear are not read, even when they hold garbage. */
static void test_v1_flags_respected(void **st)
{
	build_v1_qemu();
	w32(V1_INFO + MBI_FLAGS, MB1_MMAP);
	w32(V1_INFO + MBI_CMDLINE, 0xdeadbeef);
	w32(V1_INFO + MBI_LOADER_NAME, 0xdeadbeef);
	w32(V1_INFO + MBI_MODS_ADDR, 0xdeadbeef);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->warnings, 0);
	assert_int_equal(sim.fails, 0);
	assert_int_equal(bi->nmodules, 0);
	expect_v1_qemu_mmap();
}

static void test_bad_magic(void **st)
{
	uint64_t info = build_v1_qemu();

	assert_false(parse(0, info));
	assert_false(parse(0x1badb002, info));   /* the header magic */
	assert_false(parse(0xe85250d6, build_v2_grub()));
	assert_int_equal(bi->nmmap, 0);
	assert_int_equal(bi->nmodules, 0);
	assert_int_equal(sim.calls, 0);
	/* And each version's magic with the other's structure. */
	assert_false(parse(MB2_LOADER_MAGIC, info)); /* total_size = flags */
}

static void test_no_memory_map(void **st)
{
	struct mb2 b;

	build_v1_qemu();
	w32(V1_INFO + MBI_FLAGS, MB1_CMDLINE | MB1_MODS | MB1_LOADER);
	assert_false(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->nmmap, 0);

	/* An info block outside memory. */
	assert_false(parse(MB1_LOADER_MAGIC, 0x1000));
	assert_false(parse(MB1_LOADER_MAGIC, MEMEND - 71));
	assert_false(parse(MB2_LOADER_MAGIC, 0x1000));

	mb2_begin(&b, V2_INFO);
	mb2_string(&b, 1, "no map");
	mb2_module(&b, 0x100000, 0x200000, "mod");
	mb2_end(&b);
	assert_false(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_int_equal(bi->nmmap, 0);
	assert_string_equal(bi->cmdline, "no map");
}

/* ---- well-formed v2 ----------------------------------------------------- */

static void test_v2_grub(void **st)
{
	uint64_t info = build_v2_grub();

	assert_true(parse(MB2_LOADER_MAGIC, info));
	check_sane();
	assert_int_equal(bi->loader, 2);
	assert_string_equal(bi->cmdline, v2_cmdline);
	assert_string_equal(bi->loader_name, v2_loader);
	assert_int_equal(bi->nmodules, 2);
	expect_module(0, 0x3000000, 0x3a12345, "/vmlinuz-6.1 root=/dev/xvda1 ro");
	expect_module(1, 0x3a13000, 0x4000000, "");
	/* The map wins over the basic meminfo tag. */
	expect_v2_grub_mmap();
	expect_rsdp(2, 36);
	assert_int_equal(bi->warnings, 0);
	assert_int_equal(sim.fails, 0);
	/* The whole block is one range, strings included. */
	assert_true(bi->nranges >= 1);
	expect_range(0, V2_INFO, v2_total);
	assert_true(covered(V2_INFO, v2_total));
}

static void test_v2_mmap_entry_size(void **st)
{
	struct mb2 b;

	/* A larger entry_size than 24: the parser must step by it. */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 40, v2_map, 7);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	expect_v2_grub_mmap();
	assert_int_equal(bi->warnings, 0);
	assert_false(bi->have_rsdp);
}

static void test_v2_meminfo_only(void **st)
{
	struct mb2 b;

	mb2_begin(&b, V2_INFO);
	mb2_string(&b, 2, "GRUB");
	mb2_meminfo(&b, 640, 2096128);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 2);
	expect_mmap(0, 0, 640 * 1024, MMAP_RAM);
	expect_mmap(1, 0x100000, 2096128ull * 1024, MMAP_RAM);
	assert_string_equal(bi->loader_name, "GRUB");
	assert_int_equal(bi->warnings, 0);
}

static void test_v2_acpi_preference(void **st)
{
	struct mb2 b;
	const struct e820 ram = { 0, 0xa0000, 1 };

	/* ACPI 2.0 first, then 1.0: the 2.0 copy stays. */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	mb2_rsdp(&b, 15, 2, 36);
	mb2_rsdp(&b, 14, 0, 20);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	expect_rsdp(2, 36);
	assert_int_equal(bi->warnings, 0);

	/* 1.0 first, then 2.0 (GRUB's order). */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	mb2_rsdp(&b, 14, 0, 20);
	mb2_rsdp(&b, 15, 2, 36);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	expect_rsdp(2, 36);

	/* Only 1.0. */
	mb2_begin(&b, V2_INFO);
	mb2_rsdp(&b, 14, 0, 20);
	mb2_mmap(&b, 24, &ram, 1);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	expect_rsdp(0, 20);

	/* A copy longer than the field is truncated to 64 bytes. */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	mb2_rsdp(&b, 15, 2, 100);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	expect_rsdp(2, 64);

	/* A 2.0 tag too short for an RSDP does not displace a good 1.0 copy. */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	mb2_rsdp(&b, 14, 0, 20);
	mb2_rsdp(&b, 15, 2, 12);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	expect_rsdp(0, 20);
	assert_int_equal(bi->warnings, 1);
}

/* ---- malformed v1 ------------------------------------------------------- */

static void test_v1_mmap_short_entry(void **st)
{
	uint64_t p = V1_MMAP;

	build_v1_qemu();
	p += v1_mmap_entry(p, 20, 0, 0x9fc00, 1);
	p += v1_mmap_entry(p, 16, 0x100000, 0x1000000, 1); /* size < 20 */
	p += v1_mmap_entry(p, 20, 0x2000000, 0x1000000, 1);
	w32(V1_INFO + MBI_MMAP_LENGTH, (uint32_t)(p - V1_MMAP));
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 1);
	expect_mmap(0, 0, 0x9fc00, MMAP_RAM);
	assert_int_equal(bi->warnings, 1);

	/* size 0 first: nothing, and no endless loop. */
	v1_mmap_entry(V1_MMAP, 0, 0, 0x9fc00, 1);
	assert_false(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->warnings, 1);
}

static void test_v1_mmap_length_overrun(void **st)
{
	uint64_t mm = MEMEND - 48;

	build_v1_qemu();
	/* Two entries at the very end of memory, length claims six. */
	v1_mmap_entry(mm, 20, 0, 0x9fc00, 1);
	v1_mmap_entry(mm + 24, 20, 0x100000, 0x100000, 1);
	w32(V1_INFO + MBI_MMAP_ADDR, (uint32_t)mm);
	w32(V1_INFO + MBI_MMAP_LENGTH, 6 * 24);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 2);
	expect_mmap(1, 0x100000, 0x100000, MMAP_RAM);
	assert_int_equal(bi->warnings, 1);

	/* A length of ~4 GiB from an address near the end. */
	w32(V1_INFO + MBI_MMAP_LENGTH, 0xffffffff);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->nmmap, 2);
	assert_int_equal(bi->warnings, 1);

	/* Trailing bytes too few for a whole entry are not an entry. */
	build_v1_qemu();
	v1_mmap_entry(V1_MMAP + v1_mmap_len, 20, 0x200000000ull, 0x1000, 1);
	w32(V1_INFO + MBI_MMAP_LENGTH, v1_mmap_len + 12);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	expect_v1_qemu_mmap();
	assert_int_equal(bi->warnings, 1);

	/* A map entry whose size field reaches past mmap_length. */
	build_v1_qemu();
	w32(V1_MMAP, 20 + 48);
	w32(V1_INFO + MBI_MMAP_LENGTH, 48);
	assert_false(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->warnings, 1);
}

static void test_v1_mods_outside(void **st)
{
	build_v1_qemu();
	w32(V1_INFO + MBI_MODS_ADDR, 0x10);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmodules, 0);
	assert_int_equal(bi->warnings, 1);
	expect_v1_qemu_mmap();

	/* The list starts inside memory and runs off its end. */
	w32(V1_INFO + MBI_MODS_ADDR, (uint32_t)(MEMEND - 24));
	w32(MEMEND - 24, 0x100000);
	w32(MEMEND - 20, 0x200000);
	w32(MEMEND - 16, 0);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->nmodules, 1);
	expect_module(0, 0x100000, 0x200000, "");
	assert_int_equal(bi->warnings, 1);

	/* A module string outside memory. */
	build_v1_qemu();
	w32(V1_MODS + 8, 0xfffffff0);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->nmodules, 2);
	expect_module(0, 0x200000, 0x6a1b37, "");
	expect_module(1, 0x6a2000, 0x1f00000, v1_mod1);
	assert_int_equal(bi->warnings, 1);
}

static void test_v1_module_end_before_start(void **st)
{
	build_v1_qemu();
	v1_module(0, 0x600000, 0x5fffff, (uint32_t)V1_MODSTR);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmodules, 1);
	expect_module(0, 0x6a2000, 0x1f00000, v1_mod1);
	assert_int_equal(bi->warnings, 1);

	/* An empty module is fine. */
	v1_module(0, 0x600000, 0x600000, 0);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->nmodules, 2);
	expect_module(0, 0x600000, 0x600000, "");
	assert_int_equal(bi->warnings, 0);
}

static void test_v1_too_many_modules(void **st)
{
	char name[32];

	build_v1_qemu();
	for (unsigned int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		v1_module(i, 0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000 + i,
			  (uint32_t)V1_MODSTR + 16 * i);
		wstr(V1_MODSTR + 16 * i, name);
	}
	w32(V1_INFO + MBI_MODS_COUNT, 40);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmodules, BOOT_MAX_MODULES);
	for (unsigned int i = 0; i < BOOT_MAX_MODULES; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		expect_module(i, 0x1000000 + i * 0x10000,
			      0x1000000 + i * 0x10000 + i, name);
		assert_true(covered(V1_MODS + 16 * i, 16));
		assert_true(covered(V1_MODSTR + 16 * i, strlen(name) + 1));
	}
	assert_int_equal(bi->warnings, 1);
	assert_true(covered(V1_MMAP, v1_mmap_len));

	/* A huge count: bounded work, one warning. */
	w32(V1_INFO + MBI_MODS_COUNT, 0xffffffff);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(bi->nmodules, BOOT_MAX_MODULES);
	assert_int_equal(bi->warnings, 1);
}

static void test_v1_too_many_mmap(void **st)
{
	uint64_t p = V1_MMAP;

	build_v1_qemu();
	for (unsigned int i = 0; i < BOOT_MAX_MMAP + 3; i++)
		p += v1_mmap_entry(p, 20, (uint64_t)i << 20, 0x1000, 1 + i % 4);
	w32(V1_INFO + MBI_MMAP_LENGTH, (uint32_t)(p - V1_MMAP));
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, BOOT_MAX_MMAP);
	for (unsigned int i = 0; i < BOOT_MAX_MMAP; i++)
		expect_mmap(i, (uint64_t)i << 20, 0x1000, 1 + i % 4);
	assert_int_equal(bi->warnings, 3);
	assert_true(covered(V1_MMAP, p - V1_MMAP));
}

static void test_v1_strings_unterminated(void **st)
{
	char want[BOOT_CMDLINE_MAX];

	build_v1_qemu();
	/* A command line longer than the field, never terminated in range. */
	wfill(BASE + 0x20000, 'c', 0xf00);
	w32(V1_INFO + MBI_CMDLINE, (uint32_t)BASE + 0x20000);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	memset(want, 'c', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	assert_string_equal(bi->cmdline, want);
	assert_string_equal(bi->loader_name, "qemu");
	assert_int_equal(bi->warnings, 1);

	/* Exactly the field size minus one, then NUL: no truncation. */
	build_v1_qemu();
	wfill(V1_LOADER, 'n', BOOT_NAME_MAX - 1);
	*at(V1_LOADER + BOOT_NAME_MAX - 1, 1) = 0;
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(strlen(bi->loader_name), BOOT_NAME_MAX - 1);
	assert_int_equal(bi->warnings, 0);
	/* One more character: truncated, and counted. */
	wfill(V1_LOADER, 'n', BOOT_NAME_MAX);
	*at(V1_LOADER + BOOT_NAME_MAX, 1) = 0;
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(strlen(bi->loader_name), BOOT_NAME_MAX - 1);
	assert_int_equal(bi->warnings, 1);

	/* A module command line of 300 characters. */
	build_v1_qemu();
	wfill(BASE + 0x20000, 'm', 300);
	*at(BASE + 0x20000 + 300, 1) = 0;
	w32(V1_MODS + 8, (uint32_t)BASE + 0x20000);
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_int_equal(strlen(bi->modules[0].cmdline), 255);
	assert_int_equal(bi->modules[0].cmdline[254], 'm');
	assert_string_equal(bi->modules[1].cmdline, v1_mod1);
	assert_int_equal(bi->warnings, 1);

	/* A string running into the end of memory. */
	build_v1_qemu();
	memcpy(at(MEMEND - 5, 5), "abcde", 5);
	w32(V1_INFO + MBI_CMDLINE, (uint32_t)(MEMEND - 5));
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	assert_string_equal(bi->cmdline, "abcde");
	assert_int_equal(bi->warnings, 1);
	check_sane();
}

static void test_v1_bad_mmap_entries(void **st)
{
	uint64_t p = V1_MMAP;

	build_v1_qemu();
	p += v1_mmap_entry(p, 20, 0x1000, 0, 1);                        /* empty */
	p += v1_mmap_entry(p, 20, 0xfffffffffff00000ull, 0x200000, 2); /* wraps */
	p += v1_mmap_entry(p, 20, 0xfffffffffff00000ull, 0x100000, 2); /* to 2^64 */
	p += v1_mmap_entry(p, 20, 0x100000, 0x100000, 1);
	w32(V1_INFO + MBI_MMAP_LENGTH, (uint32_t)(p - V1_MMAP));
	assert_true(parse(MB1_LOADER_MAGIC, V1_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 1);
	expect_mmap(0, 0x100000, 0x100000, MMAP_RAM);
	assert_int_equal(bi->warnings, 3);
}

/* ---- malformed v2 ------------------------------------------------------- */

static void test_v2_total_size(void **st)
{
	uint64_t info = build_v2_grub();

	w32(info, 15);
	assert_false(parse(MB2_LOADER_MAGIC, info));
	assert_int_equal(bi->warnings, 1);
	w32(info, 0);
	assert_false(parse(MB2_LOADER_MAGIC, info));
	assert_int_equal(bi->warnings, 1);
	w32(info, MEMSZ + 1);
	assert_false(parse(MB2_LOADER_MAGIC, info));
	assert_int_equal(bi->warnings, 1);
	w32(info, 0xffffffff);
	assert_false(parse(MB2_LOADER_MAGIC, info));
	assert_int_equal(bi->warnings, 1);
	assert_int_equal(bi->nmmap, 0);
	assert_int_equal(bi->nranges, 0);

	/* total_size runs past the end of memory: tags up to there count. */
	{
		struct mb2 b;
		uint64_t at_end = MEMEND - 48; /* the next tag is at MEMEND */
		const struct e820 ram = { 0, 0xa0000, 1 };

		mb2_begin(&b, at_end);
		mb2_mmap(&b, 24, &ram, 1);     /* 16 + 24 = 40 bytes */
		w32(at_end, 4096);
		assert_true(parse(MB2_LOADER_MAGIC, at_end));
		check_sane();
		assert_int_equal(bi->nmmap, 1);
		assert_int_equal(bi->warnings, 1);
	}

	/* A truncated total_size: the map tag no longer fits. */
	info = build_v2_grub();
	w32(info, 16);
	assert_false(parse(MB2_LOADER_MAGIC, info));
	assert_int_equal(bi->warnings, 1);
}

static void test_v2_tag_past_total(void **st)
{
	struct mb2 b;
	const struct e820 ram = { 0, 0xa0000, 1 };
	uint64_t cl;

	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	cl = b.p;
	mb2_string(&b, 1, "console=com1");
	mb2_end(&b);
	w32(cl + 4, 0x1000);   /* the command line tag claims 4 KiB */
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 1);
	assert_string_equal(bi->cmdline, "");
	assert_int_equal(bi->warnings, 1);

	/* Exactly reaching total_size is fine (no end tag is needed). */
	w32(cl + 4, 8 + 13);
	w32(V2_INFO, (uint32_t)(cl + 8 + 13 - V2_INFO));
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_string_equal(bi->cmdline, "console=com1");
	assert_int_equal(bi->warnings, 0);
	/* One byte less: past total_size. */
	w32(V2_INFO, (uint32_t)(cl + 8 + 12 - V2_INFO));
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_string_equal(bi->cmdline, "");
	assert_int_equal(bi->warnings, 1);
}

static void test_v2_tag_too_small(void **st)
{
	struct mb2 b;
	const struct e820 ram = { 0, 0xa0000, 1 };
	uint64_t t;

	for (uint32_t size = 0; size < 8; size++) {
		mb2_begin(&b, V2_INFO);
		mb2_mmap(&b, 24, &ram, 1);
		t = b.p;
		mb2_string(&b, 2, "GRUB");
		mb2_string(&b, 1, "after");
		mb2_end(&b);
		w32(t + 4, size);
		assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
		check_sane();
		assert_int_equal(bi->nmmap, 1);
		/* The walk stops: nothing after the bad tag is read. */
		assert_string_equal(bi->loader_name, "");
		assert_string_equal(bi->cmdline, "");
		assert_int_equal(bi->warnings, 1);
	}
}

static void test_v2_mmap_entry_too_small(void **st)
{
	struct mb2 b;
	uint64_t t;

	mb2_begin(&b, V2_INFO);
	t = b.p;
	mb2_mmap(&b, 24, v2_map, 7);
	mb2_meminfo(&b, 639, 1000);
	mb2_end(&b);
	for (uint32_t es = 0; es < 24; es += 4) {
		w32(t + 8, es);
		assert_false(parse(MB2_LOADER_MAGIC, V2_INFO));
		assert_int_equal(bi->nmmap, 0);
		assert_int_equal(bi->warnings, 1);
	}
	/* A map tag too short to hold entry_size at all. */
	w32(t + 4, 12);
	assert_false(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_int_equal(bi->warnings, 1);
	/* A header only: no entries, no warning, no map. */
	w32(t + 4, 16);
	w32(t + 8, 24);
	assert_false(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_int_equal(bi->warnings, 0);
	/* A partial trailing entry is ignored. */
	w32(t + 4, 16 + 24 + 23);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_int_equal(bi->nmmap, 1);
	expect_mmap(0, 0, 0x9fc00, MMAP_RAM);
}

static void test_v2_module_too_short(void **st)
{
	struct mb2 b;
	const struct e820 ram = { 0, 0xa0000, 1 };
	uint64_t t;

	for (uint32_t size = 8; size <= 17; size++) {
		mb2_begin(&b, V2_INFO);
		mb2_mmap(&b, 24, &ram, 1);
		t = b.p;
		wfill(t, 0, 24);
		mb2_tag(&b, 3, size);
		if (size >= 16) {
			w32(t + 8, 0x100000);
			w32(t + 12, 0x200000);
		}
		mb2_string(&b, 1, "after");
		mb2_end(&b);
		assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
		check_sane();
		/* The walk goes on with the next tag. */
		assert_string_equal(bi->cmdline, "after");
		if (size < 17) {
			assert_int_equal(bi->nmodules, 0);
			assert_int_equal(bi->warnings, 1);
		} else {
			assert_int_equal(bi->nmodules, 1);
			expect_module(0, 0x100000, 0x200000, "");
			assert_int_equal(bi->warnings, 0);
		}
	}

	/* A module whose end is before its start. */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	mb2_module(&b, 0x200000, 0x100000, "bad");
	mb2_module(&b, 0x300000, 0x400000, "good");
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	assert_int_equal(bi->nmodules, 1);
	expect_module(0, 0x300000, 0x400000, "good");
	assert_int_equal(bi->warnings, 1);
}

static void test_v2_strings_unterminated(void **st)
{
	struct mb2 b;
	const struct e820 ram = { 0, 0xa0000, 1 };
	uint64_t t, cl;

	/* A command line tag without NUL: the string ends with the tag. */
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, &ram, 1);
	cl = b.p;
	mb2_string(&b, 1, "hello");
	mb2_string(&b, 2, "GRUB");
	t = b.p;
	mb2_module(&b, 0x100000, 0x200000, "vmlinuz");
	mb2_end(&b);
	/* Drop the NULs and fill the padding so nothing terminates early. */
	w32(cl + 4, 8 + 5);
	memcpy(at(cl + 8, 8), "helloXYZ", 8);
	w32(t + 4, 16 + 7);
	*at(t + 16 + 7, 1) = 'Q';
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	check_sane();
	assert_string_equal(bi->cmdline, "hello");
	assert_string_equal(bi->loader_name, "GRUB");
	assert_int_equal(bi->nmodules, 1);
	expect_module(0, 0x100000, 0x200000, "vmlinuz");
	assert_int_equal(bi->warnings, 2);

	/* A loader name longer than the field. */
	{
		char name[200], want[BOOT_NAME_MAX];

		memset(name, 'g', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		memset(want, 'g', sizeof(want) - 1);
		want[sizeof(want) - 1] = '\0';
		mb2_begin(&b, V2_INFO);
		mb2_mmap(&b, 24, &ram, 1);
		mb2_string(&b, 2, name);
		mb2_end(&b);
		assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
		assert_string_equal(bi->loader_name, want);
		assert_int_equal(bi->warnings, 1);
	}
}

static void test_v2_bad_mmap_entries(void **st)
{
	struct mb2 b;
	const struct e820 e[] = {
		{ 0x1000, 0, 1 },
		{ 0xffffffffffff0000ull, 0x20000, 1 },
		{ 0, 0x9fc00, 1 },
		{ 0xfffffffffffff000ull, 0x1000, 2 },
	};

	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, e, 4);
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, 1);
	expect_mmap(0, 0, 0x9fc00, MMAP_RAM);
	assert_int_equal(bi->warnings, 3);
}

static void test_v2_too_many(void **st)
{
	struct mb2 b;
	struct e820 e[BOOT_MAX_MMAP + 2];
	char name[16];

	for (unsigned int i = 0; i < BOOT_MAX_MMAP + 2; i++)
		e[i] = (struct e820){ (uint64_t)i << 24, 0x1000, 1 };
	mb2_begin(&b, V2_INFO);
	mb2_mmap(&b, 24, e, BOOT_MAX_MMAP + 2);
	for (unsigned int i = 0; i < BOOT_MAX_MODULES + 2; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		mb2_module(&b, i << 20, (i << 20) + 1, name);
	}
	mb2_end(&b);
	assert_true(parse(MB2_LOADER_MAGIC, V2_INFO));
	check_sane();
	assert_int_equal(bi->nmmap, BOOT_MAX_MMAP);
	expect_mmap(BOOT_MAX_MMAP - 1, (uint64_t)(BOOT_MAX_MMAP - 1) << 24,
		    0x1000, MMAP_RAM);
	assert_int_equal(bi->nmodules, BOOT_MAX_MODULES);
	expect_module(BOOT_MAX_MODULES - 1, (BOOT_MAX_MODULES - 1) << 20,
		      ((BOOT_MAX_MODULES - 1) << 20) + 1, "m31");
	assert_int_equal(bi->warnings, 4);
}

/* ---- random mutation ---------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, same sequence on every run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Values that tend to hit boundaries: sizes, addresses near the buffer. */
static uint32_t interesting(void)
{
	static const uint32_t v[] = {
		0, 1, 4, 7, 8, 15, 16, 17, 19, 20, 23, 24, 25, 0x7fffffff,
		0x80000000, 0xfffffff8, 0xffffffff, MEMSZ, MEMSZ + 1,
		(uint32_t)BASE, (uint32_t)MEMEND - 1, (uint32_t)MEMEND - 8,
		(uint32_t)MEMEND,
	};
	uint64_t r = rng();

	if (r & 1)
		return v[(r >> 1) % (sizeof(v) / sizeof(v[0]))];
	return (uint32_t)(BASE + ((r >> 8) % (MEMSZ + 64)) - 32);
}

static void mutate_region(uint64_t lo, uint64_t hi)
{
	unsigned int n = 1 + rng() % 6;

	for (unsigned int k = 0; k < n; k++) {
		uint64_t r = rng();
		uint64_t pa = lo + (r >> 16) % (hi - lo - 4);

		switch (r % 4) {
		case 0:
			*at(pa, 1) = (uint8_t)(r >> 8);
			break;
		case 1:
			*at(pa, 1) ^= (uint8_t)(1u << ((r >> 8) % 8));
			break;
		case 2:
			w32(pa & ~3ull, interesting());
			break;
		default:
			w16(pa, (uint16_t)(r >> 8));
			break;
		}
	}
}

static void fuzz(uint32_t magic, uint64_t (*build)(void), uint64_t lo,
		 uint64_t hi, unsigned int rounds)
{
	static uint8_t pristine[0x10000];
	unsigned int accepted = 0;

	assert_true(hi - lo <= sizeof(pristine));
	build();
	memcpy(pristine, at(lo, hi - lo), hi - lo);
	for (unsigned int i = 0; i < rounds; i++) {
		memcpy(at(lo, hi - lo), pristine, hi - lo);
		mutate_region(lo, hi);
		if (parse(magic, magic == MB1_LOADER_MAGIC ? V1_INFO : V2_INFO)) {
			accepted++;
			assert_true(bi->nmmap > 0);
		}
		check_sane();
	}
	/* Most mutations leave a usable structure: the loop reached deep. */
	assert_true(accepted > rounds / 4);
	assert_true(accepted < rounds);
}

static void test_fuzz_v1(void **st)
{
	rng_state = 0x9e3779b97f4a7c15ull;
	/* The info block, module list and strings, and the map. */
	fuzz(MB1_LOADER_MAGIC, build_v1_qemu, V1_INFO, V1_MMAP + 0x100, 3000);
	/* The same, weighted on the info block alone. */
	fuzz(MB1_LOADER_MAGIC, build_v1_qemu, V1_INFO, V1_INFO + 0x60, 1000);
}

static void test_fuzz_v2(void **st)
{
	rng_state = 0x243f6a8885a308d3ull;
	build_v2_grub();
	fuzz(MB2_LOADER_MAGIC, build_v2_grub, V2_INFO, V2_INFO + v2_total + 8,
	     4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_v1_qemu, clear_mem),
		cmocka_unit_test_setup(test_v1_ranges, clear_mem),
		cmocka_unit_test_setup(test_v1_meminfo_only, clear_mem),
		cmocka_unit_test_setup(test_v1_flags_respected, clear_mem),
		cmocka_unit_test_setup(test_bad_magic, clear_mem),
		cmocka_unit_test_setup(test_no_memory_map, clear_mem),
		cmocka_unit_test_setup(test_v2_grub, clear_mem),
		cmocka_unit_test_setup(test_v2_mmap_entry_size, clear_mem),
		cmocka_unit_test_setup(test_v2_meminfo_only, clear_mem),
		cmocka_unit_test_setup(test_v2_acpi_preference, clear_mem),
		cmocka_unit_test_setup(test_v1_mmap_short_entry, clear_mem),
		cmocka_unit_test_setup(test_v1_mmap_length_overrun, clear_mem),
		cmocka_unit_test_setup(test_v1_mods_outside, clear_mem),
		cmocka_unit_test_setup(test_v1_module_end_before_start, clear_mem),
		cmocka_unit_test_setup(test_v1_too_many_modules, clear_mem),
		cmocka_unit_test_setup(test_v1_too_many_mmap, clear_mem),
		cmocka_unit_test_setup(test_v1_strings_unterminated, clear_mem),
		cmocka_unit_test_setup(test_v1_bad_mmap_entries, clear_mem),
		cmocka_unit_test_setup(test_v2_total_size, clear_mem),
		cmocka_unit_test_setup(test_v2_tag_past_total, clear_mem),
		cmocka_unit_test_setup(test_v2_tag_too_small, clear_mem),
		cmocka_unit_test_setup(test_v2_mmap_entry_too_small, clear_mem),
		cmocka_unit_test_setup(test_v2_module_too_short, clear_mem),
		cmocka_unit_test_setup(test_v2_strings_unterminated, clear_mem),
		cmocka_unit_test_setup(test_v2_bad_mmap_entries, clear_mem),
		cmocka_unit_test_setup(test_v2_too_many, clear_mem),
		cmocka_unit_test_setup(test_fuzz_v1, clear_mem),
		cmocka_unit_test_setup(test_fuzz_v2, clear_mem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
