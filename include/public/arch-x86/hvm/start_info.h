/* SPDX-License-Identifier: MIT */
/*
 * The PVH start-of-day structure: at the XEN_ELFNOTE_PHYS32_ENTRY entry
 * point, in 32-bit protected mode without paging, EBX holds its physical
 * address. Every field is fixed-size, so it reads the same from any mode.
 */
#ifndef PUBLIC_ARCH_X86_HVM_START_INFO_H
#define PUBLIC_ARCH_X86_HVM_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* hvm_memmap_table_entry.type: the E820 types. */
#define XEN_HVM_MEMMAP_TYPE_RAM      1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI     3
#define XEN_HVM_MEMMAP_TYPE_NVS      4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM     7

/* Version 0 ends at rsdp_paddr; version 1 adds the memory map. */
struct hvm_start_info {
    uint32_t magic;          /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version;
    uint32_t flags;          /* SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr;  /* array of struct hvm_modlist_entry */
    uint64_t cmdline_paddr;  /* NUL-terminated; 0 if none */
    uint64_t rsdp_paddr;     /* 0: the guest searches for the RSDP itself */
    uint64_t memmap_paddr;   /* array of struct hvm_memmap_table_entry */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;           /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;
};

#endif /* PUBLIC_ARCH_X86_HVM_START_INFO_H */
