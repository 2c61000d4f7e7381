/* SPDX-License-Identifier: MIT */
/* In-place sorting and binary search. Pure. */
#ifndef BASALT_LIB_SORT_H
#define BASALT_LIB_SORT_H

#include <stddef.h>

/* Heapsort: O(n log n), no recursion, no allocation; not stable. */
void sort(void *base, size_t n, size_t size,
	  int (*cmp)(const void *a, const void *b));

/* Binary search in a sorted array; NULL when key is absent. */
void *bsearch_sorted(const void *key, const void *base, size_t n, size_t size,
		     int (*cmp)(const void *key, const void *elem));

#endif /* BASALT_LIB_SORT_H */
