// SPDX-License-Identifier: MIT
/*
 * Multiboot v1 (QEMU -kernel, GRUB "multiboot") and multiboot2 (GRUB
 * "multiboot2") information, decoded into struct boot_info. Pure: every
 * read goes through the map callback and every length is checked, so a
 * malformed structure is skipped rather than followed.
 */
#include <basalt/bootinfo.h>
#include <basalt/lib/string.h>

#define MB1_FLAG_MEM     (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS    (1u << 3)
#define MB1_FLAG_MMAP    (1u << 6)
#define MB1_FLAG_LOADER  (1u << 9)

#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER  2
#define MB2_TAG_MODULE  3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP    6
#define MB2_TAG_ACPI1   14
#define MB2_TAG_ACPI2   15

#define MB2_MAX_SIZE (1u << 20) /* sanity bound on total_size */

struct parse {
	boot_map_fn map;
	void *ctx;
	struct boot_info *bi;
};

static uint32_t rd32(const void *p, uint64_t off)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)p + off, sizeof(v));
	return v;
}

static uint64_t rd64(const void *p, uint64_t off)
{
	uint64_t v;
	memcpy(&v, (const uint8_t *)p + off, sizeof(v));
	return v;
}

static void note_range(struct parse *ps, uint64_t start, uint64_t len)
{
	struct boot_info *bi = ps->bi;

	if (!len || bi->nranges == BOOT_MAX_RANGES)
		return;
	bi->ranges[bi->nranges].start = start;
	bi->ranges[bi->nranges].end = start + len;
	bi->nranges++;
}

/*
 * Copy a NUL-terminated string of at most avail bytes from physical memory,
 * truncating to len - 1 characters. A string that is not terminated within
 * avail, or is cut short by the field, counts as a warning.
 */
static void copy_string(struct parse *ps, uint64_t addr, uint64_t avail,
			char *dst, size_t len)
{
	size_t i;

	for (i = 0;; i++) {
		const char *c = i < avail ? ps->map(ps->ctx, addr + i, 1) : NULL;
		if (!c || (*c && i + 1 == len)) {
			ps->bi->warnings++;
			break;
		}
		if (!*c)
			break;
		dst[i] = *c;
	}
	dst[i] = '\0';
	note_range(ps, addr, i + 1);
}

static void add_mmap(struct parse *ps, uint64_t addr, uint64_t len,
		     uint32_t type)
{
	struct boot_info *bi = ps->bi;

	if (!len || addr + len < addr) {
		bi->warnings++;
		return;
	}
	if (bi->nmmap == BOOT_MAX_MMAP) {
		bi->warnings++;
		return;
	}
	bi->mmap[bi->nmmap].addr = addr;
	bi->mmap[bi->nmmap].len = len;
	bi->mmap[bi->nmmap].type = (type >= MMAP_RAM && type <= MMAP_BAD) ?
				   type : MMAP_RESERVED;
	bi->nmmap++;
}

static void add_module(struct parse *ps, uint32_t start, uint32_t end,
		       uint64_t string, uint64_t avail)
{
	struct boot_info *bi = ps->bi;
	struct boot_module *m;

	if (end < start || bi->nmodules == BOOT_MAX_MODULES) {
		bi->warnings++;
		return;
	}
	m = &bi->modules[bi->nmodules++];
	m->start = start;
	m->end = end;
	if (string)
		copy_string(ps, string, avail, m->cmdline, sizeof(m->cmdline));
	else
		m->cmdline[0] = '\0';
}

static bool parse_mb1(struct parse *ps, uint64_t info)
{
	const uint8_t *mbi = ps->map(ps->ctx, info, 72);
	struct boot_info *bi = ps->bi;
	uint32_t flags;

	if (!mbi)
		return false;
	note_range(ps, info, 72);
	flags = rd32(mbi, 0);
	if (flags & MB1_FLAG_CMDLINE)
		copy_string(ps, rd32(mbi, 16), UINT64_MAX, bi->cmdline,
			    sizeof(bi->cmdline));
	if (flags & MB1_FLAG_LOADER)
		copy_string(ps, rd32(mbi, 64), UINT64_MAX, bi->loader_name,
			    sizeof(bi->loader_name));
	if (flags & MB1_FLAG_MODS) {
		uint32_t count = rd32(mbi, 20), addr = rd32(mbi, 24);
		for (uint32_t i = 0; i < count && i < BOOT_MAX_MODULES; i++) {
			const uint8_t *m = ps->map(ps->ctx, addr + 16ull * i, 16);
			if (!m) {
				bi->warnings++;
				break;
			}
			note_range(ps, addr + 16ull * i, 16);
			add_module(ps, rd32(m, 0), rd32(m, 4), rd32(m, 8),
				   UINT64_MAX);
		}
		if (count > BOOT_MAX_MODULES)
			bi->warnings++;
	}
	if (flags & MB1_FLAG_MMAP) {
		uint64_t addr = rd32(mbi, 48), end = addr + rd32(mbi, 44);
		while (addr + 4 <= end) {
			const uint8_t *e = ps->map(ps->ctx, addr, 24);
			uint32_t size;
			if (!e) {
				bi->warnings++;
				break;
			}
			size = rd32(e, 0);
			/* too short to hold an entry, or past mmap_length: stop */
			if (size < 20 || addr + 4 + size > end) {
				bi->warnings++;
				break;
			}
			add_mmap(ps, rd64(e, 4), rd64(e, 12), rd32(e, 20));
			addr += (uint64_t)size + 4;
		}
		note_range(ps, rd32(mbi, 48), rd32(mbi, 44));
	} else if (flags & MB1_FLAG_MEM) {
		add_mmap(ps, 0, (uint64_t)rd32(mbi, 4) * 1024, MMAP_RAM);
		add_mmap(ps, 0x100000, (uint64_t)rd32(mbi, 8) * 1024, MMAP_RAM);
	}
	return bi->nmmap > 0;
}

static void parse_mb2_tag(struct parse *ps, uint64_t addr, uint32_t type,
			  uint32_t size)
{
	struct boot_info *bi = ps->bi;
	const uint8_t *t = ps->map(ps->ctx, addr, size);

	if (!t) {
		bi->warnings++;
		return;
	}
	switch (type) {
	case MB2_TAG_CMDLINE:
		copy_string(ps, addr + 8, size - 8, bi->cmdline,
			    sizeof(bi->cmdline));
		break;
	case MB2_TAG_LOADER:
		copy_string(ps, addr + 8, size - 8, bi->loader_name,
			    sizeof(bi->loader_name));
		break;
	case MB2_TAG_MODULE:
		if (size < 17) {
			bi->warnings++;
			break;
		}
		add_module(ps, rd32(t, 8), rd32(t, 12), addr + 16, size - 16);
		break;
	case MB2_TAG_MMAP: {
		uint32_t esize = size >= 16 ? rd32(t, 8) : 0;
		if (esize < 24) {
			bi->warnings++;
			break;
		}
		for (uint64_t off = 16; off + esize <= size; off += esize)
			add_mmap(ps, rd64(t, off), rd64(t, off + 8),
				 rd32(t, off + 16));
		break;
	}
	case MB2_TAG_ACPI1:
	case MB2_TAG_ACPI2: {
		uint32_t len = size - 8;
		/* Prefer the ACPI 2.0 copy when a loader gives both. */
		if (bi->have_rsdp && type == MB2_TAG_ACPI1)
			break;
		if (len < 20) { /* not an RSDP: keep any good copy */
			bi->warnings++;
			break;
		}
		if (len > sizeof(bi->rsdp))
			len = sizeof(bi->rsdp);
		memcpy(bi->rsdp, t + 8, len);
		bi->rsdp_len = len;
		bi->have_rsdp = true;
		break;
	}
	default:
		break; /* tags we do not need */
	}
}

static bool parse_mb2(struct parse *ps, uint64_t info)
{
	const uint8_t *hdr = ps->map(ps->ctx, info, 8);
	uint32_t total;
	uint64_t off = 8;
	bool meminfo_only = true;
	uint32_t mem_lower = 0, mem_upper = 0;

	if (!hdr)
		return false;
	total = rd32(hdr, 0);
	if (total < 16 || total > MB2_MAX_SIZE) {
		ps->bi->warnings++;
		return false;
	}
	note_range(ps, info, total);
	while (off + 8 <= total) {
		const uint8_t *t = ps->map(ps->ctx, info + off, 8);
		uint32_t type, size;

		if (!t) {
			ps->bi->warnings++;
			break;
		}
		type = rd32(t, 0);
		size = rd32(t, 4);
		if (type == MB2_TAG_END)
			break;
		if (size < 8 || size > total - off) {
			ps->bi->warnings++;
			break;
		}
		if (type == MB2_TAG_MMAP)
			meminfo_only = false;
		if (type == MB2_TAG_MEMINFO && size >= 16) {
			const uint8_t *m = ps->map(ps->ctx, info + off, 16);
			if (m) {
				mem_lower = rd32(m, 8);
				mem_upper = rd32(m, 12);
			}
		}
		parse_mb2_tag(ps, info + off, type, size);
		off += (size + 7) & ~7ull;
	}
	if (meminfo_only && (mem_lower || mem_upper)) {
		add_mmap(ps, 0, (uint64_t)mem_lower * 1024, MMAP_RAM);
		add_mmap(ps, 0x100000, (uint64_t)mem_upper * 1024, MMAP_RAM);
	}
	return ps->bi->nmmap > 0;
}

bool bootinfo_parse(uint32_t magic, uint64_t info, boot_map_fn map, void *ctx,
		    struct boot_info *bi)
{
	struct parse ps = { map, ctx, bi };

	memset(bi, 0, sizeof(*bi));
	if (magic == MB1_LOADER_MAGIC) {
		bi->loader = 1;
		return parse_mb1(&ps, info);
	}
	if (magic == MB2_LOADER_MAGIC) {
		bi->loader = 2;
		return parse_mb2(&ps, info);
	}
	return false;
}
