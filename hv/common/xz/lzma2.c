/* SPDX-License-Identifier: MIT */
/*
 * LZMA2 decoder: the chunk framing (uncompressed chunks, LZMA chunks, state,
 * property and dictionary resets) and the LZMA range decoder behind it. The
 * output buffer is the dictionary, so a match is a copy from earlier output.
 * The hot loop keeps the coder in locals and decodes bits through macros:
 * this runs under binary translation, where calls and memory traffic cost.
 */
#include "xz_private.h"

#include <basalt/lib/string.h>

#define PROB_BITS  11
#define PROB_INIT  (1u << (PROB_BITS - 1))
#define MOVE_BITS  5
#define RC_TOP     (1u << 24)
#define MATCH_MIN  2

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/*
 * Range decoder as macros over the locals range, code, bound, in, in_end.
 * Renormalising after every bit keeps range >= 2^24 between bits, so a
 * chunk ends exactly when its last compressed byte has been read. Running
 * out of chunk bytes means corrupt data (a valid chunk never needs more).
 */
#define RC_NORMALIZE()                                               \
	do {                                                         \
		if (range < RC_TOP) {                                \
			if (unlikely(in == in_end))                  \
				goto overrun;                        \
			range <<= 8;                                 \
			code = (code << 8) | *in++;                  \
		}                                                    \
	} while (0)

/* Usage: if (RC_IS_0(p)) { RC_GOT_0(p); ... } else { RC_GOT_1(p); ... } */
#define RC_IS_0(p) (bound = (range >> PROB_BITS) * *(p), code < bound)
#define RC_GOT_0(p)                                                  \
	do {                                                         \
		range = bound;                                       \
		*(p) = (uint16_t)(*(p) + (((1u << PROB_BITS) - *(p)) >> MOVE_BITS)); \
		RC_NORMALIZE();                                      \
	} while (0)
#define RC_GOT_1(p)                                                  \
	do {                                                         \
		range -= bound;                                      \
		code -= bound;                                       \
		*(p) = (uint16_t)(*(p) - (*(p) >> MOVE_BITS));       \
		RC_NORMALIZE();                                      \
	} while (0)

/* One step down a bit tree: sym gains the decoded bit at the bottom. */
#define RC_TREE(probs, sym)                                          \
	do {                                                         \
		uint16_t *p_ = &(probs)[sym];                        \
		if (RC_IS_0(p_)) {                                   \
			RC_GOT_0(p_);                                \
			sym <<= 1;                                   \
		} else {                                             \
			RC_GOT_1(p_);                                \
			sym = (sym << 1) + 1;                        \
		}                                                    \
	} while (0)

/* One step of a reverse tree: bit number `bit` of val comes from the coder. */
#define RC_REV(probs, m, val, bit)                                   \
	do {                                                         \
		uint16_t *p_ = &(probs)[m];                          \
		if (RC_IS_0(p_)) {                                   \
			RC_GOT_0(p_);                                \
			m <<= 1;                                     \
		} else {                                             \
			RC_GOT_1(p_);                                \
			m = (m << 1) + 1;                            \
			val += 1u << (bit);                          \
		}                                                    \
	} while (0)

/* A length (2..273) from a length coder into len. */
#define DECODE_LEN(lp, pos_state, len)                               \
	do {                                                         \
		unsigned int s_ = 1;                                 \
		if (RC_IS_0(&(lp)->choice)) {                        \
			RC_GOT_0(&(lp)->choice);                     \
			RC_TREE((lp)->low[pos_state], s_);           \
			RC_TREE((lp)->low[pos_state], s_);           \
			RC_TREE((lp)->low[pos_state], s_);           \
			len = s_ - 8 + MATCH_MIN;                    \
		} else {                                             \
			RC_GOT_1(&(lp)->choice);                     \
			if (RC_IS_0(&(lp)->choice2)) {               \
				RC_GOT_0(&(lp)->choice2);            \
				RC_TREE((lp)->mid[pos_state], s_);   \
				RC_TREE((lp)->mid[pos_state], s_);   \
				RC_TREE((lp)->mid[pos_state], s_);   \
				len = s_ - 8 + MATCH_MIN + 8;        \
			} else {                                     \
				RC_GOT_1(&(lp)->choice2);            \
				do {                                 \
					RC_TREE((lp)->high, s_);     \
				} while (s_ < 0x100);                \
				len = s_ - 0x100 + MATCH_MIN + 16;   \
			}                                            \
		}                                                    \
	} while (0)

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline void store64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, 8);
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline uint16_t load16(const uint8_t *p)
{
	uint16_t v;

	__builtin_memcpy(&v, p, 2);
	return v;
}

/*
 * Copy len bytes from dist + 1 bytes back, eight at a time where the buffer
 * has room for the overshoot (later output overwrites it). A source at
 * least eight bytes behind is final; periods of 1, 2 and 4 bytes (runs and
 * tables, common in kernels) repeat one 8-byte word; other short periods
 * go byte by byte.
 */
static inline void copy_match(uint8_t *out, size_t dist, size_t len,
			      const uint8_t *buf_end)
{
	const uint8_t *src = out - dist - 1;
	uint64_t w;

	if (unlikely((size_t)(buf_end - out) < len + 7))
		goto bytes;
	if (likely(dist >= 7)) {
		do {
			store64(out, load64(src));
			out += 8;
			src += 8;
		} while (len > 8 && (len -= 8));
		return;
	}
	if (dist == 0)
		w = 0x0101010101010101ull * src[0];
	else if (dist == 1)
		w = 0x0001000100010001ull * load16(src);
	else if (dist == 3)
		w = 0x0000000100000001ull * load32(src);
	else
		goto bytes;
	do {
		store64(out, w);
		out += 8;
	} while (len > 8 && (len -= 8));
	return;
bytes:
	do {
		*out++ = *src++;
	} while (--len);
}

static void lzma_reset_state(struct lzma_dec *d)
{
	uint16_t *p = (uint16_t *)&d->probs;
	size_t n = offsetof(struct lzma_probs, literal) / sizeof(uint16_t) +
		   ((size_t)LZMA_LIT_SIZE << (d->lc + d->lp));

	for (size_t i = 0; i < n; i++)
		p[i] = PROB_INIT;
	d->state = 0;
	d->rep0 = d->rep1 = d->rep2 = d->rep3 = 0;
}

/*
 * Decode one LZMA chunk: cin[0, clen) must produce exactly out[0, usize).
 * dict is where the dictionary (this block's output since the last reset)
 * starts; buf_end bounds the whole output buffer.
 */
static enum xz_err lzma_chunk(struct lzma_dec *d, const uint8_t *cin,
			      size_t clen, uint8_t *out, size_t usize,
			      const uint8_t *dict, const uint8_t *buf_end)
{
	struct lzma_probs *pr = &d->probs;
	const uint8_t *in = cin + 5, *in_end = cin + clen;
	uint8_t *const out_end = out + usize;
	uint32_t range = 0xFFFFFFFFu, code, bound;
	uint32_t state = d->state;
	uint32_t rep0 = d->rep0, rep1 = d->rep1, rep2 = d->rep2, rep3 = d->rep3;
	const uint32_t pb_mask = (1u << d->pb) - 1;
	const uint32_t lit_mask = ((1u << d->lp) - 1) << 8 | 0xFF;
	const unsigned int lit_shift = 8 - d->lc;
	enum xz_err err = XZ_ERR_LZMA_DATA;

	/* The encoder's first byte is always 0; the next four prime code. */
	if (clen < 5 || cin[0] != 0)
		return XZ_ERR_LZMA_DATA;
	code = (uint32_t)cin[1] << 24 | (uint32_t)cin[2] << 16 |
	       (uint32_t)cin[3] << 8 | cin[4];
	if (code == 0xFFFFFFFFu)
		return XZ_ERR_LZMA_DATA;

	while (out < out_end) {
		const size_t pos = (size_t)(out - dict);
		const uint32_t pos_state = (uint32_t)pos & pb_mask;
		uint16_t *p = &pr->is_match[(state << 4) + pos_state];
		uint32_t len, sym;

		if (RC_IS_0(p)) {
			uint32_t prev = pos ? out[-1] : 0;
			uint16_t *lit;

			RC_GOT_0(p);
			lit = pr->literal + LZMA_LIT_SIZE *
				((((uint32_t)pos << 8 | prev) & lit_mask) >>
				 lit_shift);
			sym = 1;
			if (state < 7) {
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				RC_TREE(lit, sym);
				state = state < 4 ? 0 : state - 3;
			} else {
				/* While the bits agree with the byte at rep0,
				 * a second set of coders (offset 0x100 or
				 * 0x200 by that bit) predicts them. */
				uint32_t mbyte, off = 0x100;

				if (unlikely(rep0 >= pos))
					goto bad_dist;
				mbyte = out[-(ptrdiff_t)rep0 - 1];
				do {
					uint32_t mbit;

					mbyte <<= 1;
					mbit = mbyte & off;
					p = &lit[off + mbit + sym];
					if (RC_IS_0(p)) {
						RC_GOT_0(p);
						sym <<= 1;
						off &= ~mbit;
					} else {
						RC_GOT_1(p);
						sym = (sym << 1) + 1;
						off &= mbit;
					}
				} while (sym < 0x100);
				state = state < 10 ? state - 3 : state - 6;
			}
			*out++ = (uint8_t)sym;
			continue;
		}
		RC_GOT_1(p);

		p = &pr->is_rep[state];
		if (RC_IS_0(p)) {
			/* A new match: length, then distance. */
			uint32_t slot, dist;

			RC_GOT_0(p);
			DECODE_LEN(&pr->match_len, pos_state, len);
			state = state < 7 ? 7 : 10;
			{
				uint16_t *ds = pr->dist_slot[len < 5 ? len - 2 : 3];

				sym = 1;
				RC_TREE(ds, sym);
				RC_TREE(ds, sym);
				RC_TREE(ds, sym);
				RC_TREE(ds, sym);
				RC_TREE(ds, sym);
				RC_TREE(ds, sym);
				slot = sym - LZMA_DIST_SLOTS;
			}
			if (slot < 4) {
				dist = slot;
			} else {
				uint32_t nbits = (slot >> 1) - 1, m = 1;

				dist = (2 | (slot & 1)) << nbits;
				if (slot < 14) {
					uint16_t *sp = pr->dist_special +
						       dist - slot - 1;

					for (uint32_t b = 0; b < nbits; b++)
						RC_REV(sp, m, dist, b);
				} else {
					uint32_t direct = 0;

					for (nbits -= 4; nbits; nbits--) {
						uint32_t t;

						range >>= 1;
						code -= range;
						t = 0u - (code >> 31);
						code += range & t;
						direct = (direct << 1) + (t + 1);
						RC_NORMALIZE();
					}
					dist += direct << 4;
					RC_REV(pr->dist_align, m, dist, 0);
					RC_REV(pr->dist_align, m, dist, 1);
					RC_REV(pr->dist_align, m, dist, 2);
					RC_REV(pr->dist_align, m, dist, 3);
					/* The end marker: LZMA2 chunks have
					 * sizes and must not carry it. */
					if (unlikely(dist == 0xFFFFFFFFu))
						goto fail;
				}
			}
			rep3 = rep2;
			rep2 = rep1;
			rep1 = rep0;
			rep0 = dist;
		} else {
			RC_GOT_1(p);
			p = &pr->is_rep0[state];
			if (RC_IS_0(p)) {
				RC_GOT_0(p);
				p = &pr->is_rep0_long[(state << 4) + pos_state];
				if (RC_IS_0(p)) {
					/* Short rep: one byte from rep0. */
					RC_GOT_0(p);
					if (unlikely(rep0 >= pos))
						goto bad_dist;
					state = state < 7 ? 9 : 11;
					*out = out[-(ptrdiff_t)rep0 - 1];
					out++;
					continue;
				}
				RC_GOT_1(p);
			} else {
				uint32_t dist;

				RC_GOT_1(p);
				p = &pr->is_rep1[state];
				if (RC_IS_0(p)) {
					RC_GOT_0(p);
					dist = rep1;
				} else {
					RC_GOT_1(p);
					p = &pr->is_rep2[state];
					if (RC_IS_0(p)) {
						RC_GOT_0(p);
						dist = rep2;
					} else {
						RC_GOT_1(p);
						dist = rep3;
						rep3 = rep2;
					}
					rep2 = rep1;
				}
				rep1 = rep0;
				rep0 = dist;
			}
			DECODE_LEN(&pr->rep_len, pos_state, len);
			state = state < 7 ? 8 : 11;
		}

		if (unlikely(rep0 >= pos))
			goto bad_dist;
		/* A match never runs past its chunk in a valid stream. */
		if (unlikely(len > (size_t)(out_end - out)))
			goto fail;
		copy_match(out, rep0, len, buf_end);
		out += len;
	}

	/* The encoder flushes the coder so that code ends at zero. */
	if (in != in_end || code != 0)
		goto fail;
	d->state = state;
	d->rep0 = rep0;
	d->rep1 = rep1;
	d->rep2 = rep2;
	d->rep3 = rep3;
	return XZ_OK;

bad_dist:
	err = XZ_ERR_DISTANCE;
	goto fail;
overrun:
fail:
	return err;
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

enum xz_err xz_lzma2_decode(struct lzma_dec *dec, const uint8_t *in,
			    size_t in_len, size_t *in_pos, uint8_t *out,
			    size_t out_len, size_t *out_pos)
{
	size_t ip = *in_pos, op = *out_pos;
	size_t dict = op;
	bool need_dict_reset = true, need_props = true;
	enum xz_err err;

	for (;;) {
		uint32_t ctl, usize, csize;

		if (ip >= in_len) {
			err = XZ_ERR_TRUNCATED;
			break;
		}
		ctl = in[ip++];
		if (ctl == 0x00) {
			err = XZ_OK;
			break;
		}
		if (ctl >= 0xE0 || ctl == 0x01) {
			need_props = true;
			need_dict_reset = false;
			dict = op;
		} else if (need_dict_reset || (ctl > 0x02 && ctl < 0x80)) {
			err = XZ_ERR_LZMA2_CONTROL;
			break;
		}

		if (ctl < 0x80) {
			/* Stored data: it joins the dictionary as is. */
			if (in_len - ip < 2) {
				err = XZ_ERR_TRUNCATED;
				break;
			}
			usize = be16(in + ip) + 1;
			ip += 2;
			if (in_len - ip < usize) {
				err = XZ_ERR_TRUNCATED;
				break;
			}
			if (out_len - op < usize) {
				err = XZ_ERR_OUTPUT_OVERFLOW;
				break;
			}
			memcpy(out + op, in + ip, usize);
			ip += usize;
			op += usize;
			continue;
		}

		if (in_len - ip < 4 + (ctl >= 0xC0)) {
			err = XZ_ERR_TRUNCATED;
			break;
		}
		usize = ((ctl & 0x1F) << 16) + be16(in + ip) + 1;
		csize = be16(in + ip + 2) + 1;
		ip += 4;
		if (ctl >= 0xC0) {
			uint32_t props = in[ip++];
			unsigned int lc, lp, pb;

			if (props >= 9 * 5 * 5) {
				err = XZ_ERR_LZMA_PROPS;
				break;
			}
			lc = props % 9;
			lp = (props / 9) % 5;
			pb = props / 45;
			if (lc + lp > 4) {
				err = XZ_ERR_LZMA_PROPS;
				break;
			}
			dec->lc = lc;
			dec->lp = lp;
			dec->pb = pb;
			need_props = false;
		} else if (need_props) {
			err = XZ_ERR_LZMA2_CONTROL;
			break;
		}
		if (ctl >= 0xA0)
			lzma_reset_state(dec);

		if (in_len - ip < csize) {
			err = XZ_ERR_TRUNCATED;
			break;
		}
		if (out_len - op < usize) {
			err = XZ_ERR_OUTPUT_OVERFLOW;
			break;
		}
		err = lzma_chunk(dec, in + ip, csize, out + op, usize,
				 out + dict, out + out_len);
		if (err != XZ_OK)
			break;
		ip += csize;
		op += usize;
	}
	*in_pos = ip;
	*out_pos = op;
	return err;
}
