/* SPDX-License-Identifier: MIT */
/* Number and size parsing for command lines and tables. Pure. */
#ifndef BASALT_LIB_PARSE_H
#define BASALT_LIB_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Parse an unsigned integer at s. base 0 accepts 0x (hex), 0 (octal) and
 * decimal prefixes, as strtoul. Sets *end past the last digit. Returns false
 * when there is no digit or the value overflows 64 bits (then *out is 0).
 */
bool parse_u64(const char *s, const char **end, unsigned int base,
	       uint64_t *out);

/*
 * Parse a size with an optional unit suffix as Xen does: B (bytes), K, M,
 * G, T (binary multiples, either case); no suffix means KiB. The whole
 * string must be consumed. Returns false on junk or overflow.
 */
bool parse_size(const char *s, uint64_t *bytes);

/*
 * Parse a boolean word: 1/0, yes/no, on/off, true/false, enable/disable.
 * Returns false for anything else.
 */
bool parse_bool(const char *s, bool *out);

#endif /* BASALT_LIB_PARSE_H */
