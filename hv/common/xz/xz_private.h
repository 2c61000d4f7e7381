/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the .xz decoder's files: the work-area layout, the
 * LZMA decoder state, and the CRC, LZMA2 and BCJ entry points.
 */
#ifndef BASALT_XZ_PRIVATE_H
#define BASALT_XZ_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <basalt/xz.h>

/* LZMA constants fixed by the format. */
#define LZMA_STATES       12
#define LZMA_POS_STATES   16    /* 1 << max pb */
#define LZMA_LIT_SIZE     0x300 /* probabilities per literal coder */
#define LZMA_LIT_CODERS   16    /* 1 << max (lc + lp) in LZMA2 */
#define LZMA_LEN_STATES   4
#define LZMA_DIST_SLOTS   64
#define LZMA_DIST_SPECIAL 114   /* slots 4..13, reverse-tree probabilities */
#define LZMA_ALIGN_SIZE   16

struct lzma_len_probs {
	uint16_t choice;
	uint16_t choice2;
	uint16_t low[LZMA_POS_STATES][8];
	uint16_t mid[LZMA_POS_STATES][8];
	uint16_t high[256];
};

/*
 * The adaptive probabilities, literal coders last so a state reset only
 * touches the literal coders that lc + lp can select.
 */
struct lzma_probs {
	uint16_t is_match[LZMA_STATES * LZMA_POS_STATES];
	uint16_t is_rep0_long[LZMA_STATES * LZMA_POS_STATES];
	uint16_t is_rep[LZMA_STATES];
	uint16_t is_rep0[LZMA_STATES];
	uint16_t is_rep1[LZMA_STATES];
	uint16_t is_rep2[LZMA_STATES];
	uint16_t dist_slot[LZMA_LEN_STATES][LZMA_DIST_SLOTS];
	uint16_t dist_special[LZMA_DIST_SPECIAL];
	uint16_t dist_align[LZMA_ALIGN_SIZE];
	struct lzma_len_probs match_len;
	struct lzma_len_probs rep_len;
	uint16_t literal[LZMA_LIT_CODERS * LZMA_LIT_SIZE];
};

/* LZMA state that lives across the chunks of one LZMA2 block. */
struct lzma_dec {
	struct lzma_probs probs;
	uint32_t state;
	uint32_t rep0, rep1, rep2, rep3; /* distances minus one */
	unsigned int lc, lp, pb;
};

/* The caller-supplied work area. */
struct xz_work {
	uint32_t crc32_tab[8][256];
	uint64_t crc64_tab[8][256];
	struct lzma_dec lzma;
};

/* CRC32 (IEEE, reflected) and CRC64 (ECMA-182, reflected), slicing-by-8.
 * crc is the running value: start from 0, no pre/post inversion needed. */
void xz_crc32_init(uint32_t tab[8][256]);
uint32_t xz_crc32(const uint32_t tab[8][256], uint32_t crc, const uint8_t *p,
		  size_t n);
void xz_crc64_init(uint64_t tab[8][256]);
uint64_t xz_crc64(const uint64_t tab[8][256], uint64_t crc, const uint8_t *p,
		  size_t n);

/*
 * Decode one LZMA2 stream (up to and including its end byte) from
 * in[*in_pos, in_len), appending to out[*out_pos, out_len). The first chunk
 * must reset the dictionary; matches never reach before the latest reset.
 * Advances both positions; on error they point near the failure.
 */
enum xz_err xz_lzma2_decode(struct lzma_dec *dec, const uint8_t *in,
			    size_t in_len, size_t *in_pos, uint8_t *out,
			    size_t out_len, size_t *out_pos);

/* Undo the x86 BCJ filter in place over a whole block of output whose first
 * byte had stream position start (the filter's start offset). */
void xz_bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start);

#endif /* BASALT_XZ_PRIVATE_H */
