/* SPDX-License-Identifier: MIT */
/* Function names for addresses in the image, for stack traces. */
#ifndef BASALT_SYMBOLS_H
#define BASALT_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

/* Name of the function containing addr and the offset into it, or NULL. */
const char *symbols_lookup(uint64_t addr, uint64_t *offset);

#endif /* BASALT_SYMBOLS_H */
