/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/common/pvh_elf.c: ELF32/ELF64 images built field by
 * field, one per rejection reason with its exact message, the accepted
 * variants (both classes, both machines for ELF32, 4- and 8-byte entry
 * notes, 8-aligned notes, notes found only in sections), the gcc-built seed
 * kernels of fuzz/pvh_elf/seeds, and a fixed-seed mutation loop run under
 * ASan with every image in an exactly-sized heap buffer.
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

#include <basalt/pvh_elf.h>

#ifndef PVH_SEED_DIR
#define PVH_SEED_DIR "fuzz/pvh_elf/seeds"
#endif

#define MEM (64ULL << 20) /* guest memory for most tests */

/* ---- image builder ------------------------------------------------------ */

static uint8_t img[0x3000];
static size_t img_len;
static bool is64;

static void wr(size_t off, uint64_t v, unsigned int bytes)
{
	assert_true(off + bytes <= sizeof(img));
	for (unsigned int i = 0; i < bytes; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

/* Fields whose size follows the class. */
static void wrw(size_t off, uint64_t v)
{
	wr(off, v, is64 ? 8 : 4);
}

enum ph_field { PH_TYPE, PH_OFFSET, PH_PADDR, PH_FILESZ, PH_MEMSZ, PH_ALIGN, PH_VADDR };

#define PHOFF() (is64 ? 64u : 52u)
#define PHENT() (is64 ? 56u : 32u)

static void ph_set(unsigned int i, enum ph_field f, uint64_t v)
{
	static const unsigned int off32[] = { 0, 4, 12, 16, 20, 28, 8 };
	static const unsigned int off64[] = { 0, 8, 24, 32, 40, 48, 16 };
	size_t base = PHOFF() + i * PHENT();

	if (f == PH_TYPE)
		wr(base, v, 4);
	else
		wrw(base + (is64 ? off64[f] : off32[f]), v);
}

static void ph(unsigned int i, uint32_t type, uint64_t offset, uint64_t paddr,
	       uint64_t filesz, uint64_t memsz, uint64_t align)
{
	ph_set(i, PH_TYPE, type);
	ph_set(i, PH_OFFSET, offset);
	/* p_vaddr deliberately differs: the parser must use p_paddr. */
	ph_set(i, PH_VADDR, paddr + 0xffffffff80000000ULL);
	ph_set(i, PH_PADDR, paddr);
	ph_set(i, PH_FILESZ, filesz);
	ph_set(i, PH_MEMSZ, memsz);
	ph_set(i, PH_ALIGN, align);
}

static void ehdr(bool wide, unsigned int machine, unsigned int phnum)
{
	memset(img, 0, sizeof(img));
	is64 = wide;
	memcpy(img, "\177ELF", 4);
	img[4] = wide ? 2 : 1;
	img[5] = 1;
	img[6] = 1;
	wr(16, 2, 2);            /* ET_EXEC */
	wr(18, machine, 2);
	wr(20, 1, 4);            /* e_version */
	wrw(24, 0x100000);       /* e_entry: not the PVH entry */
	wrw(wide ? 32 : 28, PHOFF());
	wr(wide ? 52 : 40, wide ? 64 : 52, 2);
	wr(wide ? 54 : 42, PHENT(), 2);
	wr(wide ? 56 : 44, phnum, 2);
}

/* Append a note at *pos; descriptor and next note aligned from its start. */
static void note(size_t *pos, const char *name, uint32_t namesz, uint32_t type,
		 const void *desc, uint32_t descsz, unsigned int align)
{
	size_t p = *pos, d = (12 + namesz + align - 1) / align * align;

	wr(p, namesz, 4);
	wr(p + 4, descsz, 4);
	wr(p + 8, type, 4);
	memcpy(img + p + 12, name, namesz);
	memcpy(img + p + d, desc, descsz);
	*pos = p + (d + descsz + align - 1) / align * align;
}

#define NOTES_OFF 0x1300u

/*
 * The standard valid image: text at 1 MiB (file 0x1000, 0x200 bytes), data
 * at 2 MiB (file 0x1200, 0x100 bytes, 0x3000 in memory), and a PT_NOTE with
 * GUEST_OS "test", a foreign "GNU" note and the PVH entry 0x100010.
 * Returns the end of the notes.
 */
static size_t base_with(bool wide, unsigned int machine, uint32_t entry_descsz,
			uint64_t entry)
{
	size_t pos = NOTES_OFF;
	uint32_t gnu = 0x11111111;
	uint64_t desc[2] = { entry, 0 };

	ehdr(wide, machine, 3);
	note(&pos, "Xen", 4, 6, "test", 5, 4);
	note(&pos, "GNU", 4, 18, &gnu, 4, 4);
	note(&pos, "Xen", 4, 18, desc, entry_descsz, 4);
	ph(0, 1, 0x1000, 0x100000, 0x200, 0x200, 0x1000);
	ph(1, 1, 0x1200, 0x200000, 0x100, 0x3000, 0x1000);
	ph(2, 4, NOTES_OFF, 0, pos - NOTES_OFF, pos - NOTES_OFF, 4);
	img_len = 0x1400;
	return pos;
}

static void base(bool wide)
{
	base_with(wide, wide ? 62 : 3, 4, 0x100010);
}

/* ---- running the parser -------------------------------------------------- */

static struct pvh_image out;
static char err[256];

/* Parse a heap copy of exactly len bytes, so ASan sees any overread. */
static bool parse_len(size_t len, uint64_t mem)
{
	uint8_t *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	memcpy(copy, img, len);
	memset(&out, 0xa5, sizeof(out));
	memset(err, 'x', sizeof(err));
	ok = pvh_elf_parse(copy, len, mem, &out, err, sizeof(err));
	free(copy);
	return ok;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void reject_(size_t len, uint64_t mem, const char *msg, int line)
{
	if (parse_len(len, mem))
		fail_msg("line %d: accepted, want \"%s\"", line, msg);
	if (strcmp(err, msg) != 0)
		fail_msg("line %d: message\n  got  \"%s\"\n  want \"%s\"", line, err, msg);
	assert_true(all_zero(&out, sizeof(out)));
}

#define reject(msg) reject_(img_len, MEM, msg, __LINE__)
#define reject_mem(mem, msg) reject_(img_len, mem, msg, __LINE__)
#define reject_len(len, msg) reject_(len, MEM, msg, __LINE__)

static void accept_(size_t len, uint64_t mem, int line)
{
	if (!parse_len(len, mem))
		fail_msg("line %d: rejected: %s", line, err);
	assert_string_equal(err, "");
}

#define accept() accept_(img_len, MEM, __LINE__)
#define accept_mem(mem) accept_(img_len, mem, __LINE__)

static void expect_base_result(unsigned int cls, unsigned int machine)
{
	assert_int_equal(out.elf_class, cls);
	assert_int_equal(out.machine, machine);
	assert_int_equal(out.entry, 0x100010);
	assert_int_equal(out.nsegs, 2);
	assert_int_equal(out.segs[0].paddr, 0x100000);
	assert_int_equal(out.segs[0].memsz, 0x200);
	assert_int_equal(out.segs[0].filesz, 0x200);
	assert_int_equal(out.segs[0].offset, 0x1000);
	assert_int_equal(out.segs[1].paddr, 0x200000);
	assert_int_equal(out.segs[1].memsz, 0x3000);
	assert_int_equal(out.segs[1].filesz, 0x100);
	assert_int_equal(out.segs[1].offset, 0x1200);
	assert_int_equal(out.lowest, 0x100000);
	assert_int_equal(out.highest, 0x203000);
	/* Xen notes only: GUEST_OS and the entry; the GNU one is skipped. */
	assert_int_equal(out.nnotes, 2);
	assert_int_equal(out.notes[0].type, PVH_NOTE_GUEST_OS);
	assert_int_equal(out.notes[0].descsz, 5);
	assert_int_equal(out.notes[0].desc_offset, NOTES_OFF + 16);
	assert_string_equal((const char *)img + out.notes[0].desc_offset, "test");
	assert_int_equal(out.notes[1].type, PVH_NOTE_PHYS32_ENTRY);
	assert_int_equal(out.notes[1].descsz, 4);
	assert_int_equal(out.notes[1].desc_offset, NOTES_OFF + 24 + 20 + 16);
}

/* ---- accepted images ---------------------------------------------------- */

static void test_accept_base(void **st)
{
	base(true);
	accept();
	expect_base_result(64, 62);
	base(false);
	accept();
	expect_base_result(32, 3);
	/* ELF32 carrying EM_X86_64 (as objcopy -O elf32-x86-64 makes). */
	base_with(false, 62, 4, 0x100010);
	accept();
	expect_base_result(32, 62);
	/* Memory ending exactly at the last segment's end. */
	base(true);
	accept_mem(0x203000);
	/* Errors may go nowhere. */
	assert_true(pvh_elf_parse(img, img_len, MEM, &out, NULL, 0));
}

static void test_accept_variants(void **st)
{
	size_t pos;
	uint64_t entry = 0x2002ff;

	/* 8-byte descriptor, as Linux x86-64 emits; entry in the bss part. */
	base_with(true, 62, 8, entry);
	accept();
	assert_int_equal(out.entry, 0x2002ff);
	assert_int_equal(out.notes[1].descsz, 8);
	entry = 0x202fff;
	base_with(false, 3, 8, entry);
	accept();
	assert_int_equal(out.entry, 0x202fff);

	/* An 8-aligned note area pads names and descriptors to 8. */
	base(true);
	pos = NOTES_OFF;
	entry = 0x100001;
	note(&pos, "Xen", 4, 7, "2.6", 4, 8);
	note(&pos, "Xen", 4, 18, &entry, 4, 8);
	ph(2, 4, NOTES_OFF, 0, pos - NOTES_OFF, pos - NOTES_OFF, 8);
	accept();
	assert_int_equal(out.entry, 0x100001);
	assert_int_equal(out.notes[0].type, PVH_NOTE_GUEST_VERSION);
	assert_int_equal(out.notes[1].desc_offset, NOTES_OFF + 24 + 16);

	/* The last note's descriptor need not be padded to the area's end. */
	base(true);
	pos = NOTES_OFF;
	entry = 0x100002;
	note(&pos, "Xen", 4, 18, &entry, 8, 4);
	note(&pos, "Xen", 4, 8, "generic", 7, 4);
	ph(2, 4, NOTES_OFF, 0, pos - NOTES_OFF - 1, 0, 4);
	accept();
	assert_int_equal(out.entry, 0x100002);
	assert_int_equal(out.nnotes, 2);

	/* Zero-sized PT_LOADs are ignored; other segment types too. */
	base_with(false, 3, 4, 0x100010);
	wr(44, 5, 2);
	ph(3, 1, 0, 0x100000, 0, 0, 0);
	ph(4, 0x6474e551, 0, 0, 0, 0, 16); /* PT_GNU_STACK */
	accept();
	expect_base_result(32, 3);

	/* Segments given in any order; lowest/highest still right. */
	base(true);
	ph(0, 1, 0x1200, 0x200000, 0x100, 0x3000, 0x1000);
	ph(1, 1, 0x1000, 0x100000, 0x200, 0x200, 0x1000);
	accept();
	assert_int_equal(out.segs[0].paddr, 0x200000);
	assert_int_equal(out.lowest, 0x100000);
	assert_int_equal(out.highest, 0x203000);

	/* Adjacent segments do not overlap; a segment at guest-physical 0. */
	base(true);
	ph(1, 1, 0x1200, 0x100200, 0x100, 0x3000, 0x1000);
	ph(0, 1, 0x1000, 0x100000, 0x200, 0x200, 0x1000);
	accept();
	ph(1, 1, 0x1200, 0, 0x100, 0x100000, 0x1000);
	accept();
	assert_int_equal(out.lowest, 0);
	assert_int_equal(out.highest, 0x100200);
	/* An ELF32 segment may end exactly at 4 GiB. */
	base(false);
	ph(1, 1, 0x1200, 0xfffff000, 0x100, 0x1000, 0x1000);
	accept_mem(1ULL << 33);
	assert_int_equal(out.highest, 1ULL << 32);
}

static void test_accept_sections(void **st)
{
	const size_t shoff = 0x1800;

	/* Notes only in a SHT_NOTE section: the PT_NOTE becomes PT_NULL. */
	for (int wide = 0; wide < 2; wide++) {
		size_t end = base_with(wide, wide ? 62 : 3, 4, 0x100010);
		size_t ent = wide ? 64 : 40;

		ph_set(2, PH_TYPE, 0);
		wrw(wide ? 40 : 32, shoff);
		wr(wide ? 58 : 46, ent, 2);
		wr(wide ? 60 : 48, 3, 2);
		/* Section 0 is SHT_NULL; 1 a PROGBITS; 2 the notes. */
		wr(shoff + ent + 4, 1, 4);
		wr(shoff + 2 * ent + 4, 7, 4);
		wrw(shoff + 2 * ent + (wide ? 24 : 16), NOTES_OFF);
		wrw(shoff + 2 * ent + (wide ? 32 : 20), end - NOTES_OFF);
		wrw(shoff + 2 * ent + (wide ? 48 : 32), 4);
		img_len = shoff + 3 * ent;
		accept();
		expect_base_result(wide ? 64 : 32, wide ? 62 : 3);
		/* A PT_NOTE without the entry: its notes are not listed twice. */
		ph_set(2, PH_TYPE, 4);
		ph_set(2, PH_FILESZ, 24);
		accept();
		expect_base_result(wide ? 64 : 32, wide ? 62 : 3);

		/* Section problems, reported only when the sections are needed. */
		img_len = shoff + 3 * ent - 1;
		reject_len(img_len, wide ? "section headers [0x1800, +0xc0) outside the 6335-byte image"
					 : "section headers [0x1800, +0x78) outside the 6263-byte image");
		img_len = shoff + 3 * ent;
		wrw(shoff + 2 * ent + (wide ? 32 : 20), 0x1000);
		reject(wide ? "section 2: note range [0x1300, +0x1000) outside the 6336-byte image"
			    : "section 2: note range [0x1300, +0x1000) outside the 6264-byte image");
		wr(wide ? 58 : 46, 48, 2);
		reject(wide ? "section header entry size 48, need 64"
			    : "section header entry size 48, need 40");
		/* No section headers at all: just no note. */
		wr(wide ? 60 : 48, 0, 2);
		reject("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
	}
}

/* ---- one rejection per reason ------------------------------------------- */

static void test_reject_ident(void **st)
{
	base(true);
	reject_len(0, "not an ELF image (no \\177ELF magic)");
	reject_len(3, "not an ELF image (no \\177ELF magic)");
	reject_len(15, "truncated ELF header: 15 bytes, need 16");
	img[1] = 'e';
	reject("not an ELF image (no \\177ELF magic)");
	base(true);
	img[4] = 0;
	reject("unsupported ELF class 0: need 1 (ELF32) or 2 (ELF64)");
	img[4] = 3;
	reject("unsupported ELF class 3: need 1 (ELF32) or 2 (ELF64)");
	base(true);
	img[5] = 2;
	reject("not a little-endian ELF image (EI_DATA 2)");
	base(false);
	img[6] = 2;
	reject("unsupported ELF version 2");
	/* NULL image. */
	assert_false(pvh_elf_parse(NULL, 100, MEM, &out, err, sizeof(err)));
	assert_string_equal(err, "not an ELF image (no \\177ELF magic)");
}

static void test_reject_header(void **st)
{
	base(true);
	reject_len(63, "truncated ELF header: 63 bytes, need 64");
	base(false);
	reject_len(51, "truncated ELF header: 51 bytes, need 52");
	base(true);
	wr(16, 3, 2);
	reject("not an executable: ELF type 3, need ET_EXEC (2)");
	wr(16, 1, 2);
	reject("not an executable: ELF type 1, need ET_EXEC (2)");
	base(true);
	wr(18, 3, 2);
	reject("unsupported machine 3 for ELF64: need EM_X86_64 (62)");
	base(false);
	wr(18, 40, 2);
	reject("unsupported machine 40 for ELF32: need EM_386 (3) or EM_X86_64 (62)");
	base(true);
	wr(54, 32, 2);
	reject("program header entry size 32, need 56");
	base(false);
	wr(42, 56, 2);
	reject("program header entry size 56, need 32");
}

static void test_reject_phdrs(void **st)
{
	base(true);
	reject_len(64 + 3 * 56 - 1, "program headers [0x40, +0xa8) outside the 231-byte image");
	wrw(32, 0x13f0);
	reject("program headers [0x13f0, +0xa8) outside the 5120-byte image");
	wrw(32, 0xfffffffffffffff0ULL);
	reject("program headers [0xfffffffffffffff0, +0xa8) outside the 5120-byte image");
	base(false);
	wr(44, 0xffff, 2);
	reject("program headers [0x34, +0x1fffe0) outside the 5120-byte image");
	/* No program headers at all. */
	base(true);
	wr(56, 0, 2);
	reject("no PT_LOAD segment");
}

static void test_reject_segments(void **st)
{
	base(true);
	ph_set(1, PH_FILESZ, 0x3001);
	reject("program header 1: p_filesz 0x3001 > p_memsz 0x3000");
	base(false);
	ph_set(0, PH_FILESZ, 0x401);
	ph_set(0, PH_MEMSZ, 0x401);
	reject("program header 0: file range [0x1000, +0x401) outside the 5120-byte image");
	base(true);
	ph_set(0, PH_OFFSET, 0xffffffffffffff00ULL);
	reject("program header 0: file range [0xffffffffffffff00, +0x200) outside the 5120-byte image");
	/* filesz 0 needs no file range. */
	ph_set(0, PH_FILESZ, 0);
	accept();

	base(true);
	ph_set(1, PH_PADDR, 0xfffffffffffff000ULL);
	reject("program header 1: [0xfffffffffffff000, +0x3000) wraps around the 64-bit address space");
	base(false);
	ph_set(1, PH_PADDR, 0xfffff000);
	reject("program header 1: [0xfffff000, +0x3000) wraps around the 32-bit address space");

	base(true);
	reject_mem(0x202fff, "program header 1: [0x200000, +0x3000) outside guest memory [0, 0x202fff)");
	reject_mem(0, "program header 0: [0x100000, +0x200) outside guest memory [0, 0)");
	ph_set(1, PH_PADDR, 0xfffffffffffff000ULL);
	ph_set(1, PH_MEMSZ, 0x1000);
	ph_set(1, PH_FILESZ, 0x100);
	reject_mem(~0ULL, "program header 1: [0xfffffffffffff000, +0x1000) outside guest memory [0, 0xffffffffffffffff)");

	base(true);
	ph_set(1, PH_PADDR, 0x1001ff);
	reject("program headers 0 [0x100000, 0x100200) and 1 [0x1001ff, 0x1031ff) overlap");
	ph_set(1, PH_PADDR, 0xff000);
	ph_set(1, PH_MEMSZ, 0x1001);
	reject("program headers 0 [0x100000, 0x100200) and 1 [0xff000, 0x100001) overlap");
	ph_set(1, PH_PADDR, 0x100080);
	ph_set(1, PH_MEMSZ, 0x10);
	ph_set(1, PH_FILESZ, 0x10);
	reject("program headers 0 [0x100000, 0x100200) and 1 [0x100080, 0x100090) overlap");

	base(true);
	ph_set(0, PH_TYPE, 0);
	ph_set(1, PH_MEMSZ, 0);
	ph_set(1, PH_FILESZ, 0);
	reject("no PT_LOAD segment");
}

static void test_reject_too_many(void **st)
{
	size_t pos;
	uint32_t entry = 0x100000;

	for (int wide = 0; wide < 2; wide++) {
		ehdr(wide, 62, 18);
		for (unsigned int i = 0; i < 17; i++)
			ph(i, 1, 0x1000, 0x100000 + i * 0x1000, 0x10, 0x10, 0x1000);
		pos = 0x1100;
		note(&pos, "Xen", 4, 18, &entry, 4, 4);
		ph(17, 4, 0x1100, 0, pos - 0x1100, 0, 4);
		img_len = 0x1200;
		reject("more than 16 PT_LOAD segments");
		/* Sixteen is fine. */
		ph_set(16, PH_TYPE, 0);
		accept();
		assert_int_equal(out.nsegs, 16);
		assert_int_equal(out.highest, 0x10f010);
	}
}

static void test_reject_notes(void **st)
{
	size_t pos;
	uint64_t entry = 0x100010, other = 0x100020;

	/* Type 19 (PHYS32_RELOC) is not the entry. */
	base(true);
	wr(NOTES_OFF + 44 + 8, 19, 4);
	reject("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
	/* Type 18 under another name ("GNU" above, "Xem" here) does not count. */
	base(false);
	img[NOTES_OFF + 44 + 14] = 'm';
	reject("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
	/* The name must be exactly "Xen": not "Xenon", not "Xen" without NUL. */
	base(true);
	pos = NOTES_OFF;
	note(&pos, "Xenon", 6, 18, &entry, 4, 4);
	note(&pos, "Xen", 3, 18, &entry, 4, 4);
	ph(2, 4, NOTES_OFF, 0, pos - NOTES_OFF, 0, 4);
	reject("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
	/* No PT_NOTE segment at all. */
	base(true);
	ph_set(2, PH_TYPE, 0);
	reject("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");

	/* Descriptor sizes other than 4 or 8. */
	base_with(true, 62, 2, entry);
	reject("XEN_ELFNOTE_PHYS32_ENTRY descriptor is 2 bytes, need 4 or 8");
	base_with(false, 3, 0, entry);
	reject("XEN_ELFNOTE_PHYS32_ENTRY descriptor is 0 bytes, need 4 or 8");
	base_with(true, 62, 12, entry);
	reject("XEN_ELFNOTE_PHYS32_ENTRY descriptor is 12 bytes, need 4 or 8");
	/* 8 bytes above 4 GiB. */
	base_with(true, 62, 8, 0x100000010ULL);
	reject("XEN_ELFNOTE_PHYS32_ENTRY 0x100000010 is above 4 GiB");

	/* Entry outside the loaded segments (one past the end, in a gap). */
	base_with(true, 62, 4, 0x203000);
	reject("PVH entry 0x203000 is outside every PT_LOAD segment");
	base_with(false, 3, 4, 0x100200);
	reject("PVH entry 0x100200 is outside every PT_LOAD segment");
	base_with(true, 62, 4, 0xfffff);
	reject("PVH entry 0xfffff is outside every PT_LOAD segment");

	/* Two entry notes must agree. */
	base(true);
	pos = NOTES_OFF;
	note(&pos, "Xen", 4, 18, &entry, 4, 4);
	note(&pos, "Xen", 4, 18, &entry, 8, 4);
	ph(2, 4, NOTES_OFF, 0, pos - NOTES_OFF, 0, 4);
	accept();
	note(&pos, "Xen", 4, 18, &other, 4, 4);
	ph(2, 4, NOTES_OFF, 0, pos - NOTES_OFF, 0, 4);
	reject("conflicting XEN_ELFNOTE_PHYS32_ENTRY notes: 0x100010 and 0x100020");

	/* The PT_NOTE itself outside the file, and malformed notes. */
	base(true);
	ph_set(2, PH_FILESZ, 0x200);
	reject("program header 2: note range [0x1300, +0x200) outside the 5120-byte image");
	base(true);
	ph_set(2, PH_FILESZ, 8);
	reject("program header 2: truncated note header at offset 0x1300");
	base(false);
	ph_set(2, PH_FILESZ, 44 + 8);
	reject("program header 2: truncated note header at offset 0x132c");
	base(true);
	wr(NOTES_OFF, 0xffffffff, 4);
	reject("program header 2: note at offset 0x1300 (namesz 4294967295, descsz 5) overruns its area");
	base(true);
	wr(NOTES_OFF + 4, 0xfffffff0, 4);
	reject("program header 2: note at offset 0x1300 (namesz 4, descsz 4294967280) overruns its area");
	base(true);
	ph_set(2, PH_FILESZ, 44 + 12 + 4 + 3);
	reject("program header 2: note at offset 0x132c (namesz 4, descsz 4) overruns its area");
}

static void test_error_buffer(void **st)
{
	char small[8];
	struct pvh_image o;

	base(true);
	img[0] = 0;
	memset(small, 'x', sizeof(small));
	assert_false(pvh_elf_parse(img, img_len, MEM, &o, small, sizeof(small)));
	assert_string_equal(small, "not an ");
	/* errlen 0: nothing written. */
	small[0] = 'q';
	assert_false(pvh_elf_parse(img, img_len, MEM, &o, small, 0));
	assert_int_equal(small[0], 'q');
	assert_false(pvh_elf_parse(img, img_len, MEM, &o, NULL, 10));
	/* Success leaves an empty message. */
	base(true);
	strcpy(small, "stale");
	assert_true(pvh_elf_parse(img, img_len, MEM, &o, small, sizeof(small)));
	assert_string_equal(small, "");
}

/* ---- gcc-built seed kernels -------------------------------------------- */

static size_t load_seed(const char *name)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", PVH_SEED_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(img, 1, sizeof(img), f);
	assert_true(feof(f));
	fclose(f);
	img_len = n;
	return n;
}

static void test_seed_kernels(void **st)
{
	static const struct {
		const char *name;
		unsigned int cls, machine, descsz;
		uint64_t text_filesz;
	} seeds[] = {
		{ "pvh32.elf", 32, 3, 4, 0x8c },
		{ "pvh64.elf", 64, 62, 8, 0x90 },
		{ "pvh64-elf32.elf", 32, 62, 8, 0x90 },
	};

	for (unsigned int i = 0; i < 3; i++) {
		load_seed(seeds[i].name);
		accept();
		assert_int_equal(out.elf_class, seeds[i].cls);
		assert_int_equal(out.machine, seeds[i].machine);
		/* pvh_start sits 0x40 bytes into .text, linked at 1 MiB. */
		assert_int_equal(out.entry, 0x100040);
		assert_int_equal(out.nsegs, 2);
		assert_int_equal(out.segs[0].paddr, 0x100000);
		assert_int_equal(out.segs[0].offset, 0x1000);
		assert_int_equal(out.segs[0].filesz, seeds[i].text_filesz);
		assert_int_equal(out.segs[0].memsz, seeds[i].text_filesz);
		assert_int_equal(out.segs[1].paddr, 0x101000);
		assert_int_equal(out.segs[1].offset, 0x2000);
		assert_int_equal(out.segs[1].filesz, 4);
		assert_int_equal(out.segs[1].memsz, 0x3004);
		assert_int_equal(out.lowest, 0x100000);
		assert_int_equal(out.highest, 0x104004);
		assert_int_equal(out.nnotes, 2);
		assert_int_equal(out.notes[0].type, PVH_NOTE_GUEST_OS);
		assert_string_equal((const char *)img + out.notes[0].desc_offset, "basalt!");
		assert_int_equal(out.notes[1].type, PVH_NOTE_PHYS32_ENTRY);
		assert_int_equal(out.notes[1].descsz, seeds[i].descsz);
		/* The code at the entry is the seed's: cli. */
		assert_int_equal(img[out.segs[0].offset + out.entry - out.segs[0].paddr], 0xfa);
		reject_mem(0x104003, "program header 1: [0x101000, +0x3004) outside guest memory [0, 0x104003)");
	}
}

/* ---- fixed-seed mutation loop ------------------------------------------ */

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* What must hold of any accepted image, whatever its bytes. */
static void check_accepted(size_t len, uint64_t mem)
{
	assert_true(out.elf_class == 32 || out.elf_class == 64);
	assert_true(out.nsegs >= 1 && out.nsegs <= PVH_MAX_SEGMENTS);
	assert_true(out.nnotes >= 1 && out.nnotes <= PVH_MAX_NOTES);
	for (unsigned int i = 0; i < out.nsegs; i++) {
		const struct pvh_segment *s = &out.segs[i];

		assert_true(s->filesz <= s->memsz && s->memsz > 0);
		assert_true(s->filesz == 0 || (s->offset <= len && s->filesz <= len - s->offset));
		assert_true(s->memsz <= mem && s->paddr <= mem - s->memsz);
		assert_true(s->paddr >= out.lowest && s->paddr + s->memsz <= out.highest);
		for (unsigned int j = 0; j < i; j++)
			assert_true(s->paddr >= out.segs[j].paddr + out.segs[j].memsz ||
				    out.segs[j].paddr >= s->paddr + s->memsz);
	}
	for (unsigned int i = 0; i < out.nnotes; i++)
		assert_true(out.notes[i].desc_offset <= len &&
			    out.notes[i].descsz <= len - out.notes[i].desc_offset);
}

static void test_mutations(void **st)
{
	static const char *const seed_names[] = { "pvh32.elf", "pvh64.elf", "pvh64-elf32.elf" };
	static const uint64_t interesting[] = {
		0, 1, 3, 4, 7, 8, 0x10, 0x34, 0x38, 0x40, 0xff, 0x1000, 0xffff,
		0x7fffffff, 0xffffffff, 0xfffffff0, 0x100000000ULL, ~0ULL, ~0ULL - 7,
	};
	static uint8_t orig[sizeof(img)];
	unsigned long accepted = 0, rejected = 0;

	for (unsigned int s = 0; s < 6; s++) {
		size_t orig_len;

		if (s < 3) {
			base_with(s & 1, (s & 1) || s == 2 ? 62 : 3, 4 + 4 * (s == 2), 0x100010);
		} else {
			load_seed(seed_names[s - 3]);
		}
		orig_len = img_len;
		memcpy(orig, img, sizeof(img));
		for (unsigned int iter = 0; iter < 4000; iter++) {
			unsigned int edits = 1 + rnd() % 4;
			size_t len = orig_len;
			uint64_t mem = rnd() % 4 ? MEM : rnd() % (8ULL << 20);

			memcpy(img, orig, sizeof(img));
			for (unsigned int k = 0; k < edits; k++) {
				/* Bias edits to the headers, where they matter. */
				size_t at = rnd() % 3 ? rnd() % 0x140 : rnd() % orig_len;

				switch (rnd() % 4) {
				case 0:
					img[at] ^= (uint8_t)(1u << (rnd() % 8));
					break;
				case 1:
					img[at] = (uint8_t)rnd();
					break;
				default: {
					uint64_t v = interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
					unsigned int w = 1u << (rnd() % 4);

					if (at + w <= sizeof(img))
						wr(at, v, w);
					break;
				}
				}
			}
			if (rnd() % 8 == 0)
				len = rnd() % (orig_len + 1);
			if (parse_len(len, mem)) {
				accepted++;
				assert_string_equal(err, "");
				check_accepted(len, mem);
			} else {
				rejected++;
				/* One non-empty line, and nothing half-filled. */
				assert_true(strlen(err) > 0 && strlen(err) < sizeof(err) - 1);
				assert_null(strchr(err, '\n'));
				assert_true(all_zero(&out, sizeof(out)));
			}
		}
	}
	/* Both outcomes must be common, or the loop tests little. */
	assert_true(accepted > 2000);
	assert_true(rejected > 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_base),
		cmocka_unit_test(test_accept_variants),
		cmocka_unit_test(test_accept_sections),
		cmocka_unit_test(test_reject_ident),
		cmocka_unit_test(test_reject_header),
		cmocka_unit_test(test_reject_phdrs),
		cmocka_unit_test(test_reject_segments),
		cmocka_unit_test(test_reject_too_many),
		cmocka_unit_test(test_reject_notes),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test(test_seed_kernels),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
