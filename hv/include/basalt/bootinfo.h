/* SPDX-License-Identifier: MIT */
/*
 * What the boot loader told us, in one loader-neutral form: the memory
 * map, the modules, the command line, and where the loader's own
 * structures are (so they are not handed out while in use).
 */
#ifndef BASALT_BOOTINFO_H
#define BASALT_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_MMAP    128
#define BOOT_MAX_MODULES 32
#define BOOT_MAX_RANGES  (BOOT_MAX_MODULES * 2 + 16)
#define BOOT_CMDLINE_MAX 2048
#define BOOT_NAME_MAX    64

enum mmap_type {
	MMAP_RAM = 1,
	MMAP_RESERVED = 2,
	MMAP_ACPI = 3,     /* ACPI reclaimable */
	MMAP_NVS = 4,
	MMAP_BAD = 5,
};

struct boot_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;     /* enum mmap_type; unknown values are reserved */
};

struct boot_module {
	uint64_t start;
	uint64_t end;      /* exclusive */
	char cmdline[256]; /* truncated if longer */
};

struct boot_info {
	unsigned int loader;    /* 1 or 2: multiboot version */
	char loader_name[BOOT_NAME_MAX];
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned int nmmap;
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	unsigned int nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	/* loader structures to keep out of the allocator while parsing */
	unsigned int nranges;
	struct { uint64_t start, end; } ranges[BOOT_MAX_RANGES];
	bool have_rsdp;         /* multiboot2 ACPI tag: a copy of the RSDP */
	uint8_t rsdp[64];
	unsigned int rsdp_len;
	unsigned int warnings;  /* malformed entries skipped */
};

#define MB1_LOADER_MAGIC 0x2badb002u
#define MB2_LOADER_MAGIC 0x36d76289u

/* The modules, kept after boot (domains are rebuilt from them). */
extern struct boot_module boot_modules[BOOT_MAX_MODULES];
extern unsigned int nr_boot_modules;

/*
 * Decode the loader's information at info (a physical address reachable
 * through map) given the magic value from EAX. Returns false when the
 * magic is unknown or the structure is unusable (no memory map). Pure:
 * reads memory only through map, which returns NULL for bad ranges.
 */
typedef const void *(*boot_map_fn)(void *ctx, uint64_t paddr, uint64_t len);
bool bootinfo_parse(uint32_t magic, uint64_t info, boot_map_fn map, void *ctx,
		    struct boot_info *bi);

#endif /* BASALT_BOOTINFO_H */
