/* SPDX-License-Identifier: MIT */
/*
 * Heapsort and binary search over arrays of any element size. Heapsort
 * because it needs neither recursion nor scratch memory, and its worst case
 * is still O(n log n).
 */
#include <stdint.h>

#include <basalt/lib/sort.h>

/* Swapping by words must not break type-based alias analysis. */
typedef uint64_t __attribute__((__may_alias__)) word64_t;

static void swap_elems(unsigned char *a, unsigned char *b, size_t size)
{
	/* Word-at-a-time when both elements allow it: keys are usually
	 * 8- or 16-byte records. */
	if (size % sizeof(uint64_t) == 0 &&
	    (((uintptr_t)a | (uintptr_t)b) & (sizeof(uint64_t) - 1)) == 0) {
		for (size_t i = 0; i < size; i += sizeof(uint64_t)) {
			word64_t t = *(word64_t *)(a + i);

			*(word64_t *)(a + i) = *(word64_t *)(b + i);
			*(word64_t *)(b + i) = t;
		}
		return;
	}
	for (size_t i = 0; i < size; i++) {
		unsigned char t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

/* Restore the max-heap property below node root in a heap of n elements. */
static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *a, const void *b))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap_elems(base + root * size, base + child * size, size);
		root = child;
	}
}

/* Sorts n elements of size bytes into ascending order per cmp. */
void sort(void *base, size_t n, size_t size,
	  int (*cmp)(const void *a, const void *b))
{
	unsigned char *b = base;

	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_elems(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

/*
 * Finds an element comparing equal to key in an array sorted by cmp; with
 * duplicates, any one of them. cmp receives the key first.
 */
void *bsearch_sorted(const void *key, const void *base, size_t n, size_t size,
		     int (*cmp)(const void *key, const void *elem))
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const unsigned char *elem = b + mid * size;
		int r = cmp(key, elem);

		if (r == 0)
			return (void *)(uintptr_t)elem;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
