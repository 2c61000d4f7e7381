/* SPDX-License-Identifier: MIT */
/*
 * CRC32 and CRC64 as .xz uses them, eight bytes per step through eight
 * tables held in the caller's work area (built per call: a few microseconds,
 * and no writable global state in the hypervisor).
 */
#include "xz_private.h"

#define CRC32_POLY 0xEDB88320u
#define CRC64_POLY 0xC96C5795D7870F42ull

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

void xz_crc32_init(uint32_t tab[8][256])
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (CRC32_POLY & (0u - (c & 1)));
		tab[0][i] = c;
	}
	/* tab[k][i]: the CRC of byte i followed by k zero bytes. */
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			tab[k][i] = (tab[k - 1][i] >> 8) ^
				    tab[0][tab[k - 1][i] & 0xFF];
}

uint32_t xz_crc32(const uint32_t tab[8][256], uint32_t crc, const uint8_t *p,
		  size_t n)
{
	crc = ~crc;
	for (; n && ((uintptr_t)p & 7); n--)
		crc = tab[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	for (; n >= 8; n -= 8, p += 8) {
		uint32_t a = load32(p) ^ crc;
		uint32_t b = load32(p + 4);

		crc = tab[7][a & 0xFF] ^ tab[6][(a >> 8) & 0xFF] ^
		      tab[5][(a >> 16) & 0xFF] ^ tab[4][a >> 24] ^
		      tab[3][b & 0xFF] ^ tab[2][(b >> 8) & 0xFF] ^
		      tab[1][(b >> 16) & 0xFF] ^ tab[0][b >> 24];
	}
	for (; n; n--)
		crc = tab[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

void xz_crc64_init(uint64_t tab[8][256])
{
	for (uint64_t i = 0; i < 256; i++) {
		uint64_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (CRC64_POLY & (0ull - (c & 1)));
		tab[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (int i = 0; i < 256; i++)
			tab[k][i] = (tab[k - 1][i] >> 8) ^
				    tab[0][tab[k - 1][i] & 0xFF];
}

uint64_t xz_crc64(const uint64_t tab[8][256], uint64_t crc, const uint8_t *p,
		  size_t n)
{
	crc = ~crc;
	for (; n && ((uintptr_t)p & 7); n--)
		crc = tab[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t a = load64(p) ^ crc;

		crc = tab[7][a & 0xFF] ^ tab[6][(a >> 8) & 0xFF] ^
		      tab[5][(a >> 16) & 0xFF] ^ tab[4][(a >> 24) & 0xFF] ^
		      tab[3][(a >> 32) & 0xFF] ^ tab[2][(a >> 40) & 0xFF] ^
		      tab[1][(a >> 48) & 0xFF] ^ tab[0][a >> 56];
	}
	for (; n; n--)
		crc = tab[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}
