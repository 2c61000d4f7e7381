/* SPDX-License-Identifier: MIT */
/*
 * Turns items.h into a table of (name, value) records in the object file's
 * .abi_items section: one 128-byte record per size, alignment, offset,
 * signedness and constant. Included last by ours.c and xen.c, after their
 * own set of ABI headers, so both tables list the same names in the same
 * order and tests/system/test_abi_headers.py can compare them without
 * running target code (the 32-bit build needs no 32-bit libc).
 */
#include <stddef.h>
#include <stdint.h>

struct abi_item {
    char name[120];
    uint64_t value;
};

/* 1 for a signed integer type; 0 for unsigned, pointers and aggregates. */
#define ABI_SIGNED(e) _Generic((e), \
    signed char: 1, short: 1, int: 1, long: 1, long long: 1, \
    char: ((char)-1 < 0), default: 0)

#define ABI_E(n, v) { n, (uint64_t)(v) },

#define GROUP(g) ABI_E("#group " #g, 0)
#define SIZE(t) \
    ABI_E("sizeof(" #t ")", sizeof(t)) \
    ABI_E("alignof(" #t ")", _Alignof(t))
#define OFFSET(t, m) ABI_E("offsetof(" #t ", " #m ")", offsetof(t, m))
#define MEMBER(t, m) \
    ABI_E("offsetof(" #t ", " #m ")", offsetof(t, m)) \
    ABI_E("sizeof(" #t "." #m ")", sizeof(((t *)0)->m)) \
    ABI_E("signed(" #t "." #m ")", ABI_SIGNED(((t *)0)->m))
#define CONST(c) \
    ABI_E(#c, (c)) \
    ABI_E("sizeof(" #c ")", sizeof(c)) \
    ABI_E("signed(" #c ")", ABI_SIGNED(c))

__attribute__((section(".abi_items"), used, aligned(8)))
static const struct abi_item abi_items[] = {
#include "items.h"
};
