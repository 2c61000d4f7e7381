/* SPDX-License-Identifier: MIT */
/*
 * Single-call .xz decoder (LZMA2, optional x86 BCJ filter, CRC32/CRC64
 * checks) for kernel payloads: the whole input and the whole output are in
 * memory, and the output buffer doubles as the LZMA dictionary. Pure: no
 * allocation, no global state; the caller supplies the work area.
 */
#ifndef BASALT_XZ_H
#define BASALT_XZ_H

#include <stddef.h>
#include <stdint.h>

/* Every way decoding can fail; xz_strerror() names each one. */
enum xz_err {
	XZ_OK = 0,
	XZ_ERR_ARGS,              /* NULL buffer or work area too small/misaligned */
	XZ_ERR_TRUNCATED,         /* input ended inside the stream */
	XZ_ERR_MAGIC,             /* no .xz stream header magic */
	XZ_ERR_HEADER_CRC,        /* stream header CRC32 mismatch */
	XZ_ERR_STREAM_FLAGS,      /* reserved stream flag bits set */
	XZ_ERR_CHECK_UNSUPPORTED, /* check type that cannot be verified here */
	XZ_ERR_BLOCK_HEADER,      /* malformed block header */
	XZ_ERR_BLOCK_HEADER_CRC,  /* block header CRC32 mismatch */
	XZ_ERR_FILTER,            /* filter or filter chain not supported */
	XZ_ERR_FILTER_PROPS,      /* invalid filter properties */
	XZ_ERR_LZMA2_CONTROL,     /* invalid LZMA2 control byte or reset order */
	XZ_ERR_LZMA_PROPS,        /* invalid lc/lp/pb byte */
	XZ_ERR_LZMA_DATA,         /* corrupt LZMA data */
	XZ_ERR_DISTANCE,          /* match reaches before the dictionary start */
	XZ_ERR_OUTPUT_OVERFLOW,   /* stream holds more than out_len bytes */
	XZ_ERR_OUTPUT_SHORT,      /* stream holds fewer than out_len bytes */
	XZ_ERR_BLOCK_SIZE,        /* block sizes disagree with its header */
	XZ_ERR_BLOCK_PADDING,     /* non-zero block padding */
	XZ_ERR_CHECK,             /* block CRC32/CRC64 mismatch */
	XZ_ERR_INDEX,             /* index malformed or disagrees with blocks */
	XZ_ERR_INDEX_CRC,         /* index CRC32 mismatch */
	XZ_ERR_FOOTER,            /* footer magic, flags or backward size wrong */
	XZ_ERR_FOOTER_CRC,        /* stream footer CRC32 mismatch */
	XZ_ERR_COUNT
};

/* Skip verifying block checks (header, index and footer CRCs still are);
 * also accepts check types this decoder cannot compute (SHA-256). */
#define XZ_FLAG_SKIP_CHECK 1u

/* Bytes of work area xz_decode() needs (8-byte aligned). */
size_t xz_work_size(void);

/*
 * Decode the one .xz stream at the start of in[0, in_len) into
 * out[0, out_len), which the stream must fill exactly: more output is
 * XZ_ERR_OUTPUT_OVERFLOW (nothing is ever written past out_len), less is
 * XZ_ERR_OUTPUT_SHORT. Bytes after the stream footer are ignored; *in_used
 * (may be NULL) receives the stream's length on success. work must be
 * xz_work_size() bytes, 8-byte aligned. flags: XZ_FLAG_*.
 * On failure out holds partial, unverified data.
 */
enum xz_err xz_decode(const uint8_t *in, size_t in_len, uint8_t *out,
		      size_t out_len, void *work, size_t work_len,
		      unsigned int flags, size_t *in_used);

/* A one-line description of err (never NULL). */
const char *xz_strerror(enum xz_err err);

#endif /* BASALT_XZ_H */
