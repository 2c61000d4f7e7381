/* SPDX-License-Identifier: MIT */
/*
 * Decoder of the x86 branch/call/jump filter (.xz filter 0x04): the encoder
 * turned the relative targets of E8 (call) and E9 (jmp) rel32 instructions
 * into absolute ones so repeated calls to one function compress better; this
 * turns them back, over a whole block at once.
 */
#include "xz_private.h"

/*
 * A displacement is only converted when its top byte is 00 or FF (a target
 * within 16 MiB): other E8/E9 bytes are most likely not instructions.
 */
static inline bool top_byte_ok(uint8_t b)
{
	return (uint8_t)(b + 1) <= 1;
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

/*
 * Index of the first E8/E9 byte in buf[i, limit], or limit + 1. Eight bytes
 * per step: under an emulator each memory access is the expensive part.
 */
static inline size_t find_opcode(const uint8_t *buf, size_t i, size_t limit)
{
	const uint64_t ones = 0x0101010101010101ull;

	while (i + 7 <= limit) {
		/* A zero byte in x marks E8 or E9; the borrow trick flags the
		 * lowest zero byte exactly (false hits only lie above it). */
		uint64_t x = (load64(buf + i) ^ (0xE8 * ones)) & (0xFE * ones);
		uint64_t z = (x - ones) & ~x & (0x80 * ones);

		if (z)
			return i + ((size_t)__builtin_ctzll(z) >> 3);
		i += 8;
	}
	for (; i <= limit; i++)
		if ((buf[i] & 0xFE) == 0xE8)
			return i;
	return i;
}

void xz_bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
	/*
	 * mask remembers, for the previous opcode bytes within the last five
	 * positions, which ones were left alone (bit 0 moving up as we go on)
	 * and whether their would-be top byte was 00/FF (bit 4). A pattern
	 * that looks like overlapping instructions blocks the conversion.
	 */
	static const uint8_t allowed = 0x17; /* (mask >> 1) in {0, 1, 2, 4} */
	static const uint8_t byte_index[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
	uint32_t mask = 0;
	size_t prev_end = 0; /* previous opcode index + 5; "-5" at the start */
	size_t limit, i;

	if (len < 5)
		return;
	limit = len - 5; /* the last byte with four bytes after it */
	i = 0;
	for (;;) {
		size_t gap;
		uint8_t top;

		i = find_opcode(buf, i, limit);
		if (i > limit)
			break;
		gap = i + 5 - prev_end;
		prev_end = i + 5;
		if (gap > 5) {
			mask = 0;
		} else {
			for (size_t k = 0; k < gap; k++)
				mask = (mask & 0x77) << 1;
		}
		top = buf[i + 4];
		if (top_byte_ok(top) && (mask >> 1) < 0x10 &&
		    ((allowed >> ((mask >> 1) & 7)) & 1)) {
			uint32_t pos = start + (uint32_t)i + 5;
			uint32_t src = (uint32_t)buf[i + 1] |
				       (uint32_t)buf[i + 2] << 8 |
				       (uint32_t)buf[i + 3] << 16 |
				       (uint32_t)top << 24;
			uint32_t dest;

			for (;;) {
				unsigned int n;

				dest = src - pos;
				if (mask == 0)
					break;
				/* mask is even here, so n >= 1. */
				n = byte_index[mask >> 1];
				if (!top_byte_ok((uint8_t)(dest >> (24 - n * 8))))
					break;
				src = dest ^ ((1u << (32 - n * 8)) - 1);
			}
			buf[i + 1] = (uint8_t)dest;
			buf[i + 2] = (uint8_t)(dest >> 8);
			buf[i + 3] = (uint8_t)(dest >> 16);
			buf[i + 4] = (uint8_t)(0u - ((dest >> 24) & 1));
			i += 5;
			mask = 0;
		} else {
			i++;
			mask |= 1;
			if (top_byte_ok(top))
				mask |= 0x10;
		}
	}
}
