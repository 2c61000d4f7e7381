/* SPDX-License-Identifier: MIT */
/*
 * PVH kernel ELF parser (see basalt/pvh_elf.h). Every field is read with
 * explicit bounds and little-endian loads, because the image is guest-
 * controlled input and may be truncated, unaligned or hostile.
 */
#include <basalt/pvh_elf.h>

#include <stdarg.h>

#include <basalt/lib/format.h>
#include <basalt/lib/string.h>

#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_386      3
#define EM_X86_64   62
#define PT_LOAD     1
#define PT_NOTE     4
#define SHT_NOTE    7

struct parser {
	const uint8_t *img;
	size_t len;
	bool is64;
	char *err;
	size_t errlen;
	struct pvh_image *out;
	bool have_entry;
	uint64_t entry;
	unsigned int phidx[PVH_MAX_SEGMENTS]; /* program header of each segment */
};

static uint64_t ld(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

/* A field of an ELF structure that is 4 bytes in ELF32 and 8 in ELF64. */
static uint64_t ld_word(const struct parser *ps, const uint8_t *p)
{
	return ld(p, ps->is64 ? 8 : 4);
}

static bool fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err && ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err, ps->errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Whether [off, off + size) lies inside the image, without overflowing. */
static bool in_image(const struct parser *ps, uint64_t off, uint64_t size)
{
	return off <= ps->len && size <= ps->len - off;
}

static bool check_ident(struct parser *ps)
{
	const uint8_t *e = ps->img;

	if (ps->len < 4 || memcmp(e, "\177ELF", 4) != 0)
		return fail(ps, "not an ELF image (no \\177ELF magic)");
	if (ps->len < 16)
		return fail(ps, "truncated ELF header: %zu bytes, need 16", ps->len);
	if (e[4] != ELFCLASS32 && e[4] != ELFCLASS64)
		return fail(ps, "unsupported ELF class %u: need 1 (ELF32) or 2 (ELF64)", e[4]);
	ps->is64 = e[4] == ELFCLASS64;
	if (e[5] != ELFDATA2LSB)
		return fail(ps, "not a little-endian ELF image (EI_DATA %u)", e[5]);
	if (e[6] != EV_CURRENT)
		return fail(ps, "unsupported ELF version %u", e[6]);
	return true;
}

static bool check_header(struct parser *ps)
{
	const uint8_t *e = ps->img;
	unsigned int ehsize = ps->is64 ? 64 : 52;
	unsigned int type, machine;

	if (ps->len < ehsize)
		return fail(ps, "truncated ELF header: %zu bytes, need %u", ps->len, ehsize);
	type = (unsigned int)ld(e + 16, 2);
	machine = (unsigned int)ld(e + 18, 2);
	if (type != ET_EXEC)
		return fail(ps, "not an executable: ELF type %u, need ET_EXEC (2)", type);
	if (ps->is64 && machine != EM_X86_64)
		return fail(ps, "unsupported machine %u for ELF64: need EM_X86_64 (62)", machine);
	if (!ps->is64 && machine != EM_386 && machine != EM_X86_64)
		return fail(ps, "unsupported machine %u for ELF32: need EM_386 (3) or EM_X86_64 (62)",
			    machine);
	ps->out->elf_class = ps->is64 ? 64 : 32;
	ps->out->machine = machine;
	return true;
}

/* Record one PT_LOAD (program header i) after checking it on its own. */
static bool add_load(struct parser *ps, unsigned int i, const uint8_t *ph)
{
	struct pvh_image *out = ps->out;
	uint64_t off, paddr, filesz, memsz, limit;

	off = ld_word(ps, ph + (ps->is64 ? 8 : 4));
	paddr = ld_word(ps, ph + (ps->is64 ? 24 : 12));
	filesz = ld_word(ps, ph + (ps->is64 ? 32 : 16));
	memsz = ld_word(ps, ph + (ps->is64 ? 40 : 20));

	if (filesz > memsz)
		return fail(ps, "program header %u: p_filesz %#llx > p_memsz %#llx", i,
			    (unsigned long long)filesz, (unsigned long long)memsz);
	if (filesz && !in_image(ps, off, filesz))
		return fail(ps, "program header %u: file range [%#llx, +%#llx) outside the %zu-byte image",
			    i, (unsigned long long)off, (unsigned long long)filesz, ps->len);
	if (!memsz)
		return true;
	/* An ELF32 image describes a 32-bit physical address space. */
	limit = ps->is64 ? ~0ULL : 0xffffffffULL;
	if (memsz - 1 > limit - paddr)
		return fail(ps, "program header %u: [%#llx, +%#llx) wraps around the %u-bit address space",
			    i, (unsigned long long)paddr, (unsigned long long)memsz,
			    ps->is64 ? 64 : 32);
	if (out->nsegs == PVH_MAX_SEGMENTS)
		return fail(ps, "more than %u PT_LOAD segments", PVH_MAX_SEGMENTS);
	out->segs[out->nsegs].paddr = paddr;
	out->segs[out->nsegs].memsz = memsz;
	out->segs[out->nsegs].filesz = filesz;
	out->segs[out->nsegs].offset = off;
	ps->phidx[out->nsegs++] = i;
	return true;
}

/* The segments as a whole: inside guest memory, disjoint, extent. */
static bool check_layout(struct parser *ps, uint64_t mem)
{
	struct pvh_image *out = ps->out;

	if (!out->nsegs)
		return fail(ps, "no PT_LOAD segment");
	out->lowest = ~0ULL;
	out->highest = 0;
	for (unsigned int i = 0; i < out->nsegs; i++) {
		const struct pvh_segment *s = &out->segs[i];
		uint64_t end;

		if (s->memsz > mem || s->paddr > mem - s->memsz)
			return fail(ps, "program header %u: [%#llx, +%#llx) outside guest memory [0, %#llx)",
				    ps->phidx[i], (unsigned long long)s->paddr,
				    (unsigned long long)s->memsz, (unsigned long long)mem);
		end = s->paddr + s->memsz;
		for (unsigned int j = 0; j < i; j++) {
			const struct pvh_segment *t = &out->segs[j];

			if (s->paddr < t->paddr + t->memsz && t->paddr < end)
				return fail(ps, "program headers %u [%#llx, %#llx) and %u [%#llx, %#llx) overlap",
					    ps->phidx[j], (unsigned long long)t->paddr,
					    (unsigned long long)(t->paddr + t->memsz),
					    ps->phidx[i], (unsigned long long)s->paddr,
					    (unsigned long long)end);
		}
		if (s->paddr < out->lowest)
			out->lowest = s->paddr;
		if (end > out->highest)
			out->highest = end;
	}
	return true;
}

static bool take_entry(struct parser *ps, uint64_t desc, uint32_t descsz)
{
	uint64_t v;

	/* Numeric notes are 4 or 8 bytes (Linux x86-64 emits 8). */
	if (descsz != 4 && descsz != 8)
		return fail(ps, "XEN_ELFNOTE_PHYS32_ENTRY descriptor is %u bytes, need 4 or 8",
			    descsz);
	v = ld(ps->img + desc, descsz);
	if (v > 0xffffffffULL)
		return fail(ps, "XEN_ELFNOTE_PHYS32_ENTRY %#llx is above 4 GiB",
			    (unsigned long long)v);
	if (ps->have_entry && ps->entry != v)
		return fail(ps, "conflicting XEN_ELFNOTE_PHYS32_ENTRY notes: %#llx and %#llx",
			    (unsigned long long)ps->entry, (unsigned long long)v);
	ps->have_entry = true;
	ps->entry = v;
	return true;
}

/*
 * Walk the notes in [off, off + size) (already inside the image). The
 * descriptor and the next note start at offsets from the note's start
 * rounded up to the area's alignment: 8 for 8-aligned areas (GNU property
 * notes in ELF64), otherwise 4 - the rule binutils applies. what/idx name
 * the area in messages.
 */
static bool scan_notes(struct parser *ps, uint64_t off, uint64_t size,
		       uint64_t align, const char *what, unsigned int idx)
{
	struct pvh_image *out = ps->out;
	uint64_t a = align == 8 ? 8 : 4, end = off + size, pos = off;

	while (pos < end) {
		uint64_t namesz, descsz, type, name, desc;

		if (end - pos < 12)
			return fail(ps, "%s %u: truncated note header at offset %#llx",
				    what, idx, (unsigned long long)pos);
		namesz = ld(ps->img + pos, 4);
		descsz = ld(ps->img + pos + 4, 4);
		type = ld(ps->img + pos + 8, 4);
		name = pos + 12;
		desc = pos + ((12 + namesz + a - 1) & ~(a - 1));
		if (desc > end || descsz > end - desc)
			return fail(ps, "%s %u: note at offset %#llx (namesz %llu, descsz %llu) overruns its area",
				    what, idx, (unsigned long long)pos,
				    (unsigned long long)namesz, (unsigned long long)descsz);
		if (namesz == 4 && memcmp(ps->img + name, "Xen", 4) == 0) {
			if (out->nnotes < PVH_MAX_NOTES) {
				out->notes[out->nnotes].type = (uint32_t)type;
				out->notes[out->nnotes].descsz = (uint32_t)descsz;
				out->notes[out->nnotes].desc_offset = desc;
				out->nnotes++;
			}
			if (type == PVH_NOTE_PHYS32_ENTRY &&
			    !take_entry(ps, desc, (uint32_t)descsz))
				return false;
		}
		pos += (desc - pos + descsz + a - 1) & ~(a - 1);
	}
	return true;
}

static bool scan_note_segments(struct parser *ps, uint64_t phoff,
			       unsigned int phnum, unsigned int phentsize)
{
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = ps->img + phoff + (uint64_t)i * phentsize;
		uint64_t off, size, align;

		if (ld(ph, 4) != PT_NOTE)
			continue;
		off = ld_word(ps, ph + (ps->is64 ? 8 : 4));
		size = ld_word(ps, ph + (ps->is64 ? 32 : 16));
		align = ld_word(ps, ph + (ps->is64 ? 48 : 28));
		if (!in_image(ps, off, size))
			return fail(ps, "program header %u: note range [%#llx, +%#llx) outside the %zu-byte image",
				    i, (unsigned long long)off,
				    (unsigned long long)size, ps->len);
		if (!scan_notes(ps, off, size, align, "program header", i))
			return false;
	}
	return true;
}

/* Fallback for images whose notes are in sections but not in a PT_NOTE. */
static bool scan_note_sections(struct parser *ps)
{
	const uint8_t *e = ps->img;
	uint64_t shoff = ld_word(ps, e + (ps->is64 ? 40 : 32));
	unsigned int shentsize = (unsigned int)ld(e + (ps->is64 ? 58 : 46), 2);
	unsigned int shnum = (unsigned int)ld(e + (ps->is64 ? 60 : 48), 2);
	unsigned int want = ps->is64 ? 64 : 40;

	if (!shoff || !shnum)
		return true;
	if (shentsize != want)
		return fail(ps, "section header entry size %u, need %u", shentsize, want);
	if (!in_image(ps, shoff, (uint64_t)shnum * want))
		return fail(ps, "section headers [%#llx, +%#llx) outside the %zu-byte image",
			    (unsigned long long)shoff,
			    (unsigned long long)shnum * want, ps->len);
	for (unsigned int i = 0; i < shnum; i++) {
		const uint8_t *sh = e + shoff + (uint64_t)i * want;
		uint64_t off, size, align;

		if (ld(sh + 4, 4) != SHT_NOTE)
			continue;
		off = ld_word(ps, sh + (ps->is64 ? 24 : 16));
		size = ld_word(ps, sh + (ps->is64 ? 32 : 20));
		align = ld_word(ps, sh + (ps->is64 ? 48 : 32));
		if (!in_image(ps, off, size))
			return fail(ps, "section %u: note range [%#llx, +%#llx) outside the %zu-byte image",
				    i, (unsigned long long)off,
				    (unsigned long long)size, ps->len);
		if (!scan_notes(ps, off, size, align, "section", i))
			return false;
	}
	return true;
}

static bool parse(struct parser *ps, uint64_t mem)
{
	const uint8_t *e = ps->img;
	struct pvh_image *out = ps->out;
	uint64_t phoff;
	unsigned int phentsize, phnum, want;

	if (!check_ident(ps) || !check_header(ps))
		return false;
	phoff = ld_word(ps, e + (ps->is64 ? 32 : 28));
	phentsize = (unsigned int)ld(e + (ps->is64 ? 54 : 42), 2);
	phnum = (unsigned int)ld(e + (ps->is64 ? 56 : 44), 2);
	want = ps->is64 ? 56 : 32;
	if (phnum && phentsize != want)
		return fail(ps, "program header entry size %u, need %u", phentsize, want);
	if (!in_image(ps, phoff, (uint64_t)phnum * want))
		return fail(ps, "program headers [%#llx, +%#llx) outside the %zu-byte image",
			    (unsigned long long)phoff,
			    (unsigned long long)phnum * want, ps->len);
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (uint64_t)i * want;

		if (ld(ph, 4) == PT_LOAD && !add_load(ps, i, ph))
			return false;
	}
	if (!check_layout(ps, mem))
		return false;
	if (!scan_note_segments(ps, phoff, phnum, want))
		return false;
	if (!ps->have_entry) {
		/* Notes seen in segments are not counted twice. */
		out->nnotes = 0;
		if (!scan_note_sections(ps))
			return false;
	}
	if (!ps->have_entry)
		return fail(ps, "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel");
	out->entry = (uint32_t)ps->entry;
	for (unsigned int i = 0; i < out->nsegs; i++) {
		const struct pvh_segment *s = &out->segs[i];

		if (ps->entry >= s->paddr && ps->entry - s->paddr < s->memsz)
			return true;
	}
	return fail(ps, "PVH entry %#llx is outside every PT_LOAD segment",
		    (unsigned long long)ps->entry);
}

bool pvh_elf_parse(const void *image, size_t len, uint64_t guest_mem_bytes,
		   struct pvh_image *out, char *err, size_t errlen)
{
	struct parser ps = {
		.img = image, .len = image ? len : 0, .err = err,
		.errlen = errlen, .out = out,
	};

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (parse(&ps, guest_mem_bytes))
		return true;
	memset(out, 0, sizeof(*out));
	return false;
}
