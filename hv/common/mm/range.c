/* SPDX-License-Identifier: MIT */
/*
 * Sorted, merged sets of physical address ranges in caller storage: the boot
 * code's picture of free RAM and its allocator before the buddy zones exist.
 */
#include <basalt/mm/range.h>

#include <basalt/lib/string.h>

/*
 * Conventions shared by every function here: end is exclusive and a range
 * with start >= end is empty. Because end cannot be 2^64, the last byte of
 * the address space is never representable; nothing in the boot path needs
 * it. Empty queries answer false (contains and overlaps), empty updates are
 * no-ops that succeed.
 */

void range_set_init(struct range_set *s, struct mem_range *storage,
		    size_t cap)
{
	s->r = storage;
	s->n = 0;
	s->cap = cap;
}

/* Index of the first range whose end is >= addr (touching counts). */
static size_t first_reaching(const struct range_set *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void drop(struct range_set *s, size_t at, size_t count)
{
	if (count == 0)
		return;
	memmove(&s->r[at], &s->r[at + count],
		(s->n - at - count) * sizeof(s->r[0]));
	s->n -= count;
}

bool range_set_add(struct range_set *s, uint64_t start, uint64_t end)
{
	size_t i, j;

	if (start >= end)
		return true;

	i = first_reaching(s, start);
	/* Ranges i..j-1 overlap or touch [start, end) and fold into one. */
	for (j = i; j < s->n && s->r[j].start <= end; j++)
		;

	if (i == j) {
		if (s->n == s->cap)
			return false;
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(s->r[0]));
		s->r[i].start = start;
		s->r[i].end = end;
		s->n++;
		return true;
	}

	if (s->r[i].start < start)
		start = s->r[i].start;
	if (s->r[j - 1].end > end)
		end = s->r[j - 1].end;
	s->r[i].start = start;
	s->r[i].end = end;
	drop(s, i + 1, j - i - 1);
	return true;
}

bool range_set_remove(struct range_set *s, uint64_t start, uint64_t end)
{
	size_t i, j;

	if (start >= end)
		return true;

	/* A range ending exactly at start only touches: skip it. */
	i = first_reaching(s, start);
	if (i < s->n && s->r[i].end == start)
		i++;
	for (j = i; j < s->n && s->r[j].start < end; j++)
		;
	if (i == j)
		return true;

	if (j - i == 1 && s->r[i].start < start && s->r[i].end > end) {
		/* The hole is strictly inside one range: it splits in two. */
		if (s->n == s->cap)
			return false;
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(s->r[0]));
		s->r[i].end = start;
		s->r[i + 1].start = end;
		s->n++;
		return true;
	}

	/* Keep the heads and tails sticking out, drop what is covered. */
	if (s->r[i].start < start) {
		s->r[i].end = start;
		i++;
	}
	if (j > i && s->r[j - 1].end > end) {
		s->r[j - 1].start = end;
		j--;
	}
	drop(s, i, j - i);
	return true;
}

bool range_set_contains(const struct range_set *s, uint64_t start,
			uint64_t end)
{
	size_t i;

	if (start >= end)
		return false;
	i = first_reaching(s, start);
	if (i < s->n && s->r[i].end == start)
		i++;
	/* Ranges never touch, so one range must hold all of it. */
	return i < s->n && s->r[i].start <= start && s->r[i].end >= end;
}

bool range_set_overlaps(const struct range_set *s, uint64_t start,
			uint64_t end)
{
	size_t i;

	if (start >= end)
		return false;
	i = first_reaching(s, start);
	if (i < s->n && s->r[i].end == start)
		i++;
	return i < s->n && s->r[i].start < end;
}

uint64_t range_set_total(const struct range_set *s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < s->n; i++)
		sum += s->r[i].end - s->r[i].start;
	return sum;
}

/*
 * The block taken is the highest aligned one ending at or below limit. When
 * it sits in the middle of a range (limit or alignment cut it) the range
 * splits; if the storage is full for that, the call fails rather than look
 * lower, so the result never depends on how full the storage happens to be.
 */
bool range_set_take(struct range_set *s, uint64_t size, uint64_t align,
		    uint64_t limit, uint64_t *out)
{
	if (size == 0 || align == 0 || (align & (align - 1)) != 0)
		return false;

	for (size_t i = s->n; i-- > 0;) {
		uint64_t lo = s->r[i].start;
		uint64_t top = s->r[i].end < limit ? s->r[i].end : limit;
		uint64_t at;

		if (top <= lo || top - lo < size)
			continue;
		at = (top - size) & ~(align - 1);
		if (at < lo)
			continue;
		if (!range_set_remove(s, at, at + size))
			return false;
		*out = at;
		return true;
	}
	return false;
}
