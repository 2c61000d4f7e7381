/* SPDX-License-Identifier: MIT */
/*
 * Memory and string primitives for the freestanding hypervisor. Pure:
 * builds on the host too (the unit test renames the symbols so they do not
 * clash with libc).
 */
#ifndef BASALT_LIB_STRING_H
#define BASALT_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/*
 * Copy at most size-1 bytes of src into dst and NUL-terminate (when
 * size > 0). Returns strlen(src): a result >= size means truncation.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* BASALT_LIB_STRING_H */
