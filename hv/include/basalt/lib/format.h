/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting into a buffer. Pure. Supports the conversions the
 * hypervisor uses: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ' '#',
 * field width and precision (also '*'), length modifiers hh h l ll z t j.
 * %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)".
 * No floating point.
 */
#ifndef BASALT_LIB_FORMAT_H
#define BASALT_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf (size bytes, always NUL-terminated when size > 0).
 * Returns the length the full output would have had, as C99 snprintf.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* BASALT_LIB_FORMAT_H */
