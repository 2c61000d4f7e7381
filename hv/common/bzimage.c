/* SPDX-License-Identifier: MIT */
/*
 * bzImage parsing for the PVH builder: every setup-header field used is
 * checked against the image length before it is trusted, then the xz
 * payload is handed to the xz decoder.
 */
#include <basalt/bzimage.h>

#include <basalt/lib/string.h>
#include <basalt/xz.h>

#define OFF_SETUP_SECTS    0x1F1
#define OFF_BOOT_FLAG      0x1FE
#define OFF_HEADER         0x202
#define OFF_VERSION        0x206
#define OFF_PAYLOAD_OFFSET 0x248
#define OFF_PAYLOAD_LENGTH 0x24C
#define HEADER_END         0x250
#define BOOT_FLAG          0xAA55
#define HDRS               0x53726448u /* "HdrS" */
#define MIN_VERSION        0x0208      /* payload fields appeared in 2.08 */
#define TRAILER            4

struct magic {
	uint8_t len;
	uint8_t bytes[6];
	const char *msg;
};

/* Other compressors a kernel may use, to say which one we met. */
static const struct magic other_formats[] = {
	{ 2, { 0x1F, 0x8B }, "bzImage payload is gzip: only xz is supported" },
	{ 4, { 0x28, 0xB5, 0x2F, 0xFD }, "bzImage payload is zstd: only xz is supported" },
	{ 2, { 0x02, 0x21 }, "bzImage payload is lz4: only xz is supported" },
	{ 2, { 0x5D, 0x00 }, "bzImage payload is lzma: only xz is supported" },
	{ 2, { 0x42, 0x5A }, "bzImage payload is bzip2: only xz is supported" },
	{ 4, { 0x89, 0x4C, 0x5A, 0x4F }, "bzImage payload is lzo: only xz is supported" },
};

static const uint8_t xz_magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Copies by hand: hosts without strlcpy run this file's unit test. */
static bool fail(char *err, size_t errlen, const char *msg)
{
	size_t i = 0;

	if (!err || !errlen)
		return false;
	for (; msg[i] && i + 1 < errlen; i++)
		err[i] = msg[i];
	err[i] = '\0';
	return false;
}

bool bzimage_payload(const void *img, size_t len, const uint8_t **payload,
		     size_t *payload_len, uint64_t *uncompressed_size,
		     char *err, size_t errlen)
{
	const uint8_t *b = img;
	uint64_t pm_start, off, plen;
	const uint8_t *p;

	*payload = NULL;
	*payload_len = 0;
	*uncompressed_size = 0;
	if (!img || len < HEADER_END)
		return fail(err, errlen, "bzImage too short for a setup header");
	if ((b[OFF_BOOT_FLAG] | b[OFF_BOOT_FLAG + 1] << 8) != BOOT_FLAG)
		return fail(err, errlen, "bzImage boot_flag is not 0xAA55");
	if (rd32(b + OFF_HEADER) != HDRS)
		return fail(err, errlen, "bzImage has no HdrS setup header");
	if ((b[OFF_VERSION] | b[OFF_VERSION + 1] << 8) < MIN_VERSION)
		return fail(err, errlen,
			    "bzImage boot protocol older than 2.08 (no payload fields)");
	pm_start = ((uint64_t)(b[OFF_SETUP_SECTS] ? b[OFF_SETUP_SECTS] : 4) + 1) * 512;
	off = rd32(b + OFF_PAYLOAD_OFFSET);
	plen = rd32(b + OFF_PAYLOAD_LENGTH);
	if (pm_start > len)
		return fail(err, errlen, "bzImage setup_sects beyond the image");
	if (off > len - pm_start || plen > len - pm_start - off)
		return fail(err, errlen,
			    "bzImage payload_offset/payload_length beyond the image");
	p = b + pm_start + off;
	for (size_t i = 0; i < sizeof(other_formats) / sizeof(other_formats[0]); i++)
		if (plen >= other_formats[i].len &&
		    !memcmp(p, other_formats[i].bytes, other_formats[i].len))
			return fail(err, errlen, other_formats[i].msg);
	if (plen < sizeof(xz_magic) || memcmp(p, xz_magic, sizeof(xz_magic)))
		return fail(err, errlen, "bzImage payload is not xz (unknown magic)");
	if (plen < sizeof(xz_magic) + TRAILER)
		return fail(err, errlen, "bzImage payload too short for its size trailer");
	*payload = p;
	*payload_len = (size_t)plen - TRAILER;
	*uncompressed_size = rd32(p + plen - TRAILER);
	return true;
}

size_t bzimage_work_size(void)
{
	return xz_work_size();
}

bool bzimage_decompress(const void *img, size_t len, void *out,
			size_t out_len, void *work, size_t work_len, char *err,
			size_t errlen)
{
	const uint8_t *p;
	size_t plen, used = 0;
	uint64_t usize;
	enum xz_err e;

	if (!bzimage_payload(img, len, &p, &plen, &usize, err, errlen))
		return false;
	if (usize != out_len)
		return fail(err, errlen,
			    "output size differs from the bzImage size trailer");
	e = xz_decode(p, plen, out, out_len, work, work_len, 0, &used);
	if (e != XZ_OK)
		return fail(err, errlen, xz_strerror(e));
	if (used != plen)
		return fail(err, errlen,
			    "data between the xz stream and the size trailer");
	return true;
}
