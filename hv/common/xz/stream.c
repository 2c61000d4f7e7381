/* SPDX-License-Identifier: MIT */
/*
 * The .xz container around LZMA2: stream header, blocks (header, filter
 * chain, data, padding, check), index and footer, each cross-checked with
 * the others. Decodes one stream into a buffer it must fill exactly.
 */
#include "xz_private.h"

#include <basalt/lib/string.h>

#define HEADER_SIZE   12
#define FILTER_X86    0x04
#define FILTER_LZMA2  0x21
#define CHECK_NONE    0
#define CHECK_CRC32   1
#define CHECK_CRC64   4
#define VLI_MAX_BYTES 9

static const uint8_t header_magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };

static const char *const messages[XZ_ERR_COUNT] = {
	[XZ_OK] = "success",
	[XZ_ERR_ARGS] = "bad arguments (missing buffer or work area too small)",
	[XZ_ERR_TRUNCATED] = "input truncated",
	[XZ_ERR_MAGIC] = "not an xz stream (bad header magic)",
	[XZ_ERR_HEADER_CRC] = "stream header CRC32 mismatch",
	[XZ_ERR_STREAM_FLAGS] = "unsupported stream flags",
	[XZ_ERR_CHECK_UNSUPPORTED] = "unsupported integrity check type",
	[XZ_ERR_BLOCK_HEADER] = "malformed block header",
	[XZ_ERR_BLOCK_HEADER_CRC] = "block header CRC32 mismatch",
	[XZ_ERR_FILTER] = "unsupported filter chain (only x86 BCJ + LZMA2)",
	[XZ_ERR_FILTER_PROPS] = "invalid filter properties",
	[XZ_ERR_LZMA2_CONTROL] = "invalid LZMA2 control byte or reset order",
	[XZ_ERR_LZMA_PROPS] = "invalid LZMA properties (lc/lp/pb)",
	[XZ_ERR_LZMA_DATA] = "corrupt LZMA data",
	[XZ_ERR_DISTANCE] = "LZMA match distance beyond the decoded data",
	[XZ_ERR_OUTPUT_OVERFLOW] = "stream decodes to more than the output size",
	[XZ_ERR_OUTPUT_SHORT] = "stream decodes to less than the output size",
	[XZ_ERR_BLOCK_SIZE] = "block size differs from its header",
	[XZ_ERR_BLOCK_PADDING] = "non-zero block padding",
	[XZ_ERR_CHECK] = "block integrity check mismatch (corrupt data)",
	[XZ_ERR_INDEX] = "index malformed or inconsistent with the blocks",
	[XZ_ERR_INDEX_CRC] = "index CRC32 mismatch",
	[XZ_ERR_FOOTER] = "bad stream footer (magic, flags or backward size)",
	[XZ_ERR_FOOTER_CRC] = "stream footer CRC32 mismatch",
};

const char *xz_strerror(enum xz_err err)
{
	if ((unsigned int)err >= XZ_ERR_COUNT)
		return "unknown xz error";
	return messages[err];
}

size_t xz_work_size(void)
{
	return sizeof(struct xz_work);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Bytes of the check field for each check type, per the format. */
static size_t check_size(unsigned int type)
{
	return type == 0 ? 0 : (size_t)4 << ((type - 1) / 3);
}

/*
 * A variable-length integer from p[*pos, end): 7 bits per byte, at most 9,
 * no redundant trailing zero byte. Returns false if malformed or cut off.
 */
static bool read_vli(const uint8_t *p, size_t end, size_t *pos, uint64_t *val)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < VLI_MAX_BYTES; i++) {
		uint8_t b;

		if (*pos >= end)
			return false;
		b = p[(*pos)++];
		v |= (uint64_t)(b & 0x7F) << (7 * i);
		if (!(b & 0x80)) {
			if (i > 0 && b == 0)
				return false;
			*val = v;
			return true;
		}
	}
	return false;
}

/* What a block header says about its block. */
struct block_info {
	size_t header_size;
	uint64_t csize, usize;  /* UINT64_MAX when absent */
	bool bcj;
	uint32_t bcj_start;
};

static enum xz_err parse_block_header(const struct xz_work *w,
				      const uint8_t *h, size_t avail,
				      struct block_info *bi)
{
	size_t size = ((size_t)h[0] + 1) * 4, pos = 2, end;
	unsigned int flags, nfilters;

	if (avail < size)
		return XZ_ERR_TRUNCATED;
	end = size - 4;
	if (xz_crc32(w->crc32_tab, 0, h, end) != le32(h + end))
		return XZ_ERR_BLOCK_HEADER_CRC;
	flags = h[1];
	if (flags & 0x3C)
		return XZ_ERR_BLOCK_HEADER;
	nfilters = (flags & 3) + 1;
	bi->header_size = size;
	bi->csize = bi->usize = UINT64_MAX;
	bi->bcj = false;
	bi->bcj_start = 0;
	if ((flags & 0x40) &&
	    (!read_vli(h, end, &pos, &bi->csize) || bi->csize == 0))
		return XZ_ERR_BLOCK_HEADER;
	if ((flags & 0x80) && !read_vli(h, end, &pos, &bi->usize))
		return XZ_ERR_BLOCK_HEADER;

	for (unsigned int i = 0; i < nfilters; i++) {
		uint64_t id, psize;
		bool last = i + 1 == nfilters;

		if (!read_vli(h, end, &pos, &id) ||
		    !read_vli(h, end, &pos, &psize) || psize > end - pos)
			return XZ_ERR_BLOCK_HEADER;
		if (id == FILTER_LZMA2 && last) {
			/* Dictionary size code; the size itself does not
			 * matter with the whole output as dictionary. */
			if (psize != 1 || (h[pos] & 0xC0) || h[pos] > 40)
				return XZ_ERR_FILTER_PROPS;
		} else if (id == FILTER_X86 && !last && !bi->bcj) {
			if (psize == 4)
				bi->bcj_start = le32(h + pos);
			else if (psize != 0)
				return XZ_ERR_FILTER_PROPS;
			bi->bcj = true;
		} else {
			return XZ_ERR_FILTER;
		}
		pos += psize;
	}
	for (; pos < end; pos++)
		if (h[pos])
			return XZ_ERR_BLOCK_HEADER;
	return XZ_OK;
}

/*
 * Blocks and index records are compared through a running CRC32 of their
 * (unpadded size, uncompressed size) pairs, so any number of blocks needs
 * no storage.
 */
struct tally {
	uint64_t count, usum;
	uint32_t hash;
};

static void tally_add(const struct xz_work *w, struct tally *t,
		      uint64_t unpadded, uint64_t usize)
{
	uint8_t rec[16];

	for (int i = 0; i < 8; i++) {
		rec[i] = (uint8_t)(unpadded >> (8 * i));
		rec[8 + i] = (uint8_t)(usize >> (8 * i));
	}
	t->hash = xz_crc32(w->crc32_tab, t->hash, rec, sizeof(rec));
	t->count++;
	t->usum += usize;
}

static enum xz_err verify_check(struct xz_work *w, unsigned int type,
				const uint8_t *data, size_t len,
				const uint8_t *stored)
{
	switch (type) {
	case CHECK_NONE:
		return XZ_OK;
	case CHECK_CRC32:
		return xz_crc32(w->crc32_tab, 0, data, len) == le32(stored) ?
		       XZ_OK : XZ_ERR_CHECK;
	case CHECK_CRC64:
		return xz_crc64(w->crc64_tab, 0, data, len) == le64(stored) ?
		       XZ_OK : XZ_ERR_CHECK;
	default:
		return XZ_ERR_CHECK_UNSUPPORTED;
	}
}

/* One block starting at in[*ip] (its header size byte is non-zero). */
static enum xz_err decode_block(struct xz_work *w, const uint8_t *in,
				size_t in_len, size_t *ip, uint8_t *out,
				size_t out_len, size_t *op, unsigned int check,
				unsigned int flags, struct tally *blocks)
{
	struct block_info bi;
	size_t start_in, data_in, start_out = *op, csize, usize, pad, ck;
	enum xz_err err;

	start_in = *ip;
	err = parse_block_header(w, in + start_in, in_len - start_in, &bi);
	if (err != XZ_OK)
		return err;
	data_in = start_in + bi.header_size;
	if (bi.usize != UINT64_MAX && bi.usize > out_len - start_out)
		return XZ_ERR_OUTPUT_OVERFLOW;

	*ip = data_in;
	err = xz_lzma2_decode(&w->lzma, in, in_len, ip, out, out_len, op);
	if (err != XZ_OK)
		return err;
	csize = *ip - data_in;
	usize = *op - start_out;
	if ((bi.csize != UINT64_MAX && bi.csize != csize) ||
	    (bi.usize != UINT64_MAX && bi.usize != usize))
		return XZ_ERR_BLOCK_SIZE;

	pad = (4 - (csize & 3)) & 3;
	ck = check_size(check);
	if (in_len - *ip < pad + ck)
		return XZ_ERR_TRUNCATED;
	for (size_t i = 0; i < pad; i++)
		if (in[*ip + i])
			return XZ_ERR_BLOCK_PADDING;
	*ip += pad;

	if (bi.bcj)
		xz_bcj_x86_decode(out + start_out, usize, bi.bcj_start);
	if (!(flags & XZ_FLAG_SKIP_CHECK)) {
		err = verify_check(w, check, out + start_out, usize, in + *ip);
		if (err != XZ_OK)
			return err;
	}
	*ip += ck;
	tally_add(w, blocks, bi.header_size + csize + ck, usize);
	return XZ_OK;
}

/* The index at in[*ip] (indicator byte 0 already seen), checked against
 * the blocks decoded. */
static enum xz_err decode_index(const struct xz_work *w, const uint8_t *in,
				size_t in_len, size_t *ip,
				const struct tally *blocks)
{
	size_t start = *ip, pos = start + 1;
	struct tally idx = { 0, 0, 0 };
	uint64_t count;

	if (!read_vli(in, in_len, &pos, &count))
		return pos >= in_len ? XZ_ERR_TRUNCATED : XZ_ERR_INDEX;
	if (count != blocks->count)
		return XZ_ERR_INDEX;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t unpadded, usize;

		if (!read_vli(in, in_len, &pos, &unpadded) ||
		    !read_vli(in, in_len, &pos, &usize))
			return pos >= in_len ? XZ_ERR_TRUNCATED : XZ_ERR_INDEX;
		tally_add(w, &idx, unpadded, usize);
	}
	if (idx.hash != blocks->hash || idx.usum != blocks->usum)
		return XZ_ERR_INDEX;
	while ((pos - start) & 3) {
		if (pos >= in_len)
			return XZ_ERR_TRUNCATED;
		if (in[pos++])
			return XZ_ERR_INDEX;
	}
	if (in_len - pos < 4)
		return XZ_ERR_TRUNCATED;
	if (xz_crc32(w->crc32_tab, 0, in + start, pos - start) != le32(in + pos))
		return XZ_ERR_INDEX_CRC;
	*ip = pos + 4;
	return XZ_OK;
}

enum xz_err xz_decode(const uint8_t *in, size_t in_len, uint8_t *out,
		      size_t out_len, void *work, size_t work_len,
		      unsigned int flags, size_t *in_used)
{
	struct xz_work *w = work;
	struct tally blocks = { 0, 0, 0 };
	size_t ip = HEADER_SIZE, op = 0, index_start, index_size;
	unsigned int check;
	const uint8_t *f;
	enum xz_err err;
	uint8_t none;

	if (!in || !work || (!out && out_len) || work_len < sizeof(*w) ||
	    ((uintptr_t)work & 7))
		return XZ_ERR_ARGS;
	if (!out)
		out = &none; /* out_len is 0: no pointer arithmetic on NULL */
	xz_crc32_init(w->crc32_tab);

	if (in_len < HEADER_SIZE)
		return in_len >= 6 && memcmp(in, header_magic, 6) ?
		       XZ_ERR_MAGIC : XZ_ERR_TRUNCATED;
	if (memcmp(in, header_magic, 6))
		return XZ_ERR_MAGIC;
	if (xz_crc32(w->crc32_tab, 0, in + 6, 2) != le32(in + 8))
		return XZ_ERR_HEADER_CRC;
	if (in[6] || (in[7] & 0xF0))
		return XZ_ERR_STREAM_FLAGS;
	check = in[7];
	if (check != CHECK_NONE && check != CHECK_CRC32 &&
	    check != CHECK_CRC64 && !(flags & XZ_FLAG_SKIP_CHECK))
		return XZ_ERR_CHECK_UNSUPPORTED;
	if (check == CHECK_CRC64 && !(flags & XZ_FLAG_SKIP_CHECK))
		xz_crc64_init(w->crc64_tab);

	for (;;) {
		if (ip >= in_len)
			return XZ_ERR_TRUNCATED;
		if (in[ip] == 0)
			break;
		err = decode_block(w, in, in_len, &ip, out, out_len, &op,
				   check, flags, &blocks);
		if (err != XZ_OK)
			return err;
	}
	if (op != out_len)
		return XZ_ERR_OUTPUT_SHORT;

	index_start = ip;
	err = decode_index(w, in, in_len, &ip, &blocks);
	if (err != XZ_OK)
		return err;
	index_size = ip - index_start;

	if (in_len - ip < HEADER_SIZE)
		return XZ_ERR_TRUNCATED;
	f = in + ip;
	if (f[10] != 'Y' || f[11] != 'Z')
		return XZ_ERR_FOOTER;
	if (xz_crc32(w->crc32_tab, 0, f + 4, 6) != le32(f))
		return XZ_ERR_FOOTER_CRC;
	if (((uint64_t)le32(f + 4) + 1) * 4 != index_size ||
	    f[8] != in[6] || f[9] != in[7])
		return XZ_ERR_FOOTER;
	if (in_used)
		*in_used = ip + HEADER_SIZE;
	return XZ_OK;
}
