/* SPDX-License-Identifier: MIT */
/*
 * Memory and string primitives for the freestanding hypervisor. Plain C so
 * the same code runs in the host unit test; bulk copies and fills move a
 * machine word at a time when the pointers allow it.
 */
#include <stdint.h>

#include <basalt/lib/string.h>

/* Word accesses alias whatever the caller's buffers hold. */
typedef uintptr_t __attribute__((__may_alias__)) word_t;

#define WORD_SIZE sizeof(word_t)
#define WORD_MASK (WORD_SIZE - 1)

/*
 * GCC recognises byte and word loops as memcpy/memset idioms and replaces
 * them with calls to those very functions, which here would recurse forever.
 * Hiding the pointer from the optimiser once per iteration defeats the
 * pattern match at no run-time cost (the asm emits nothing).
 */
#define OPAQUE(p) __asm__("" : "+r"(p))

static int aligned2(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & WORD_MASK) == 0;
}

/* Forward copy; also correct for overlap when dst is below src. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (aligned2(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			OPAQUE(d);
			*(word_t *)d = *(const word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	for (; n; n--) {
		OPAQUE(d);
		*d++ = *s++;
	}
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/* Copies forward when dst is below src, backward otherwise, so it is safe
 * for any overlap. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d - (uintptr_t)s >= n) {
		copy_forward(d, s, n);
		return dst;
	}

	/* dst overlaps the tail of src: walk from the end. */
	d += n;
	s += n;
	if (aligned2(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			OPAQUE(d);
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	for (; n; n--) {
		OPAQUE(d);
		*--d = *--s;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

	/* Fill up to a word boundary, then whole words, then the tail. */
	for (; n && ((uintptr_t)d & WORD_MASK); n--) {
		OPAQUE(d);
		*d++ = b;
	}
	if (n >= WORD_SIZE) {
		word_t w = (word_t)-1 / 0xff * b;

		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			OPAQUE(d);
			*(word_t *)d = w;
			d += WORD_SIZE;
		}
	}
	for (; n; n--) {
		OPAQUE(d);
		*d++ = b;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)c;

	for (; n; n--, p++) {
		if (*p == b)
			return (void *)(uintptr_t)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t i = 0;

	while (i < max && s[i])
		i++;
	return i;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			break;
	}
	return 0;
}

/* As in C, searching for '\0' finds the terminator. */
char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)(uintptr_t)s;
		if (!*s)
			return NULL;
	}
}

/* Naive O(n*m) search: haystacks here are command lines and table names. */
char *strstr(const char *haystack, const char *needle)
{
	size_t nlen = strlen(needle);

	if (nlen == 0)
		return (char *)(uintptr_t)haystack;
	for (; *haystack; haystack++) {
		if (*haystack == *needle &&
		    strncmp(haystack, needle, nlen) == 0)
			return (char *)(uintptr_t)haystack;
	}
	return NULL;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
