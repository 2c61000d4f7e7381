/* SPDX-License-Identifier: MIT */
/* Basic types of the hypervisor. */
#ifndef BASALT_TYPES_H
#define BASALT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* host physical address */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

#endif /* BASALT_TYPES_H */
