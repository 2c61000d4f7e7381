/* SPDX-License-Identifier: MIT */
/*
 * The E820 entry that XENMEM_memory_map and XENMEM_machine_memory_map
 * write into their buffer: 20 bytes, packed, as BIOS INT 15h/E820 returns.
 * Xen's public headers leave it to the guest; the names are Xen's internal
 * ones. The types equal hvm_start_info's XEN_HVM_MEMMAP_TYPE_*.
 */
#ifndef PUBLIC_ARCH_X86_E820_H
#define PUBLIC_ARCH_X86_E820_H

#include <stdint.h>

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

struct __attribute__((packed)) e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;  /* E820_* */
};

#endif /* PUBLIC_ARCH_X86_E820_H */
