/* SPDX-License-Identifier: MIT */
/*
 * Definitions in include/public that libxen-dev's headers do not have, so
 * items.h cannot compare them: checked here against fixed values instead,
 * at compile time, for -m32 and -m64 (included by ours.c only).
 */
#include "public/arch-x86/e820.h"

#define ABI_FIXED(e, v) _Static_assert((e) == (v), #e " == " #v)

ABI_FIXED(sizeof(struct e820entry), 20);
ABI_FIXED(_Alignof(struct e820entry), 1);
ABI_FIXED(offsetof(struct e820entry, addr), 0);
ABI_FIXED(offsetof(struct e820entry, size), 8);
ABI_FIXED(offsetof(struct e820entry, type), 16);
ABI_FIXED(E820_RAM, XEN_HVM_MEMMAP_TYPE_RAM);
ABI_FIXED(E820_RESERVED, XEN_HVM_MEMMAP_TYPE_RESERVED);
ABI_FIXED(E820_ACPI, XEN_HVM_MEMMAP_TYPE_ACPI);
ABI_FIXED(E820_NVS, XEN_HVM_MEMMAP_TYPE_NVS);
ABI_FIXED(E820_UNUSABLE, XEN_HVM_MEMMAP_TYPE_UNUSABLE);
