/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/common/bzimage.c: synthetic bzImages (every header
 * check with its exact message, setup_sects 0, other compressors, size
 * trailer mismatches, truncation at every offset in exactly-sized buffers)
 * and Debian's real kernel, decompressed by ours and by liblzma and handed
 * to the PVH ELF parser. The real kernel comes from scripts/fetch-linux.sh
 * (or BASALT_VMLINUZ); without it that one test fails and says so.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <glob.h>
#include <cmocka.h>
#include <lzma.h>

#include <basalt/bzimage.h>
#include <basalt/pvh_elf.h>
#include <basalt/xz.h>

#ifndef BASALT_TOP
#define BASALT_TOP "."
#endif

static void *work;

static int setup(void **state)
{
	work = aligned_alloc(64, (bzimage_work_size() + 63) & ~(size_t)63);
	return work ? 0 : -1;
}

static int teardown(void **state)
{
	free(work);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* ---- synthetic images -------------------------------------------------------- */

#define DATA_LEN 20000
#define POFF     0x2CC /* payload_offset, as Debian's */

static uint8_t data[DATA_LEN];

/* xz of data, CRC32 check and x86 BCJ like a kernel build. */
static uint8_t *xz_of(const uint8_t *in, size_t n, size_t *clen)
{
	lzma_options_lzma lz;
	lzma_filter f[3] = {
		{ LZMA_FILTER_X86, NULL },
		{ LZMA_FILTER_LZMA2, &lz },
		{ LZMA_VLI_UNKNOWN, NULL },
	};
	size_t cap = lzma_stream_buffer_bound(n), pos = 0;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_false(lzma_lzma_preset(&lz, 6));
	lz.dict_size = 1u << 16;
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, in,
						   n, out, &pos, cap), LZMA_OK);
	*clen = pos;
	return out;
}

/*
 * A bzImage with setup_sects sects (0 means 4), the payload at POFF after
 * the protected-mode start: the given bytes followed by the size trailer.
 */
static uint8_t *make_image(unsigned int sects, const uint8_t *payload,
			   size_t plen, uint32_t trailer, size_t *len)
{
	size_t pm = ((size_t)(sects ? sects : 4) + 1) * 512;
	size_t n = pm + POFF + plen + 4 + 100;
	uint8_t *img = calloc(1, n);

	assert_non_null(img);
	img[0x1F1] = (uint8_t)sects;
	put16(img + 0x1FE, 0xAA55);
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x020F);
	put32(img + 0x248, POFF);
	put32(img + 0x24C, (uint32_t)(plen + 4));
	memcpy(img + pm + POFF, payload, plen);
	put32(img + pm + POFF + plen, trailer);
	*len = n;
	return img;
}

static uint8_t *good_image(unsigned int sects, size_t *len, size_t *clen)
{
	uint8_t *c, *img;

	for (size_t i = 0; i < DATA_LEN; i++)
		data[i] = (uint8_t)(i % 7 == 0 ? 0xE8 : i * 31 / 17);
	c = xz_of(data, DATA_LEN, clen);
	img = make_image(sects, c, *clen, DATA_LEN, len);
	free(c);
	return img;
}

static void expect_payload_error(const uint8_t *img, size_t len, const char *msg)
{
	const uint8_t *p = (const uint8_t *)1;
	size_t plen = 1;
	uint64_t usize = 1;
	char err[128];
	uint8_t *copy = malloc(len ? len : 1);

	/* An exactly sized copy: ASan catches any read past len. */
	memcpy(copy, img, len);
	assert_false(bzimage_payload(copy, len, &p, &plen, &usize, err, sizeof(err)));
	assert_string_equal(err, msg);
	assert_null(p);
	assert_int_equal(plen, 0);
	assert_int_equal(usize, 0);
	free(copy);
}

static void test_payload_found(void **state)
{
	for (unsigned int sects = 0; sects < 40; sects += 13) {
		size_t len, clen, plen;
		uint8_t *img = good_image(sects, &len, &clen);
		const uint8_t *p;
		uint64_t usize;
		char err[128] = "";
		size_t pm = ((size_t)(sects ? sects : 4) + 1) * 512;

		assert_true(bzimage_payload(img, len, &p, &plen, &usize, err,
					    sizeof(err)));
		assert_ptr_equal(p, img + pm + POFF);
		assert_int_equal(plen, clen);
		assert_int_equal(usize, DATA_LEN);
		free(img);
	}
}

static void test_decompress(void **state)
{
	size_t len, clen;
	uint8_t *img = good_image(39, &len, &clen);
	uint8_t *out = malloc(DATA_LEN);
	char err[128];

	assert_true(bzimage_decompress(img, len, out, DATA_LEN, work,
				       bzimage_work_size(), err, sizeof(err)));
	assert_memory_equal(out, data, DATA_LEN);
	/* The caller's size must be the trailer's. */
	assert_false(bzimage_decompress(img, len, out, DATA_LEN - 1, work,
					bzimage_work_size(), err, sizeof(err)));
	assert_string_equal(err, "output size differs from the bzImage size trailer");
	free(out);
	free(img);
}

static void test_header_errors(void **state)
{
	size_t len, clen, pm = 40 * 512, pay = pm + POFF;
	uint8_t *img = good_image(39, &len, &clen), *m = malloc(len);

#define MUT(stmt, msg) \
	do { memcpy(m, img, len); stmt; expect_payload_error(m, len, msg); } while (0)
	expect_payload_error(img, 0x24F, "bzImage too short for a setup header");
	MUT(m[0x1FE] = 0x56, "bzImage boot_flag is not 0xAA55");
	MUT(m[0x1FF] = 0, "bzImage boot_flag is not 0xAA55");
	MUT(m[0x205] = 'T', "bzImage has no HdrS setup header");
	MUT(put16(m + 0x206, 0x0207),
	    "bzImage boot protocol older than 2.08 (no payload fields)");
	MUT(m[0x1F1] = 255, "bzImage setup_sects beyond the image");
	MUT(put32(m + 0x248, (uint32_t)(len - pm + 1)),
	    "bzImage payload_offset/payload_length beyond the image");
	MUT(put32(m + 0x24C, (uint32_t)(len - pay + 1)),
	    "bzImage payload_offset/payload_length beyond the image");
	MUT(put32(m + 0x24C, 0xFFFFFFFFu),
	    "bzImage payload_offset/payload_length beyond the image");
	MUT(put32(m + 0x248, 0xFFFFFFFFu),
	    "bzImage payload_offset/payload_length beyond the image");
	MUT(memcpy(m + pay, "\x1F\x8B", 2),
	    "bzImage payload is gzip: only xz is supported");
	MUT(memcpy(m + pay, "\x28\xB5\x2F\xFD", 4),
	    "bzImage payload is zstd: only xz is supported");
	MUT(memcpy(m + pay, "\x5D\x00", 2),
	    "bzImage payload is lzma: only xz is supported");
	MUT(m[pay + 5] = 1, "bzImage payload is not xz (unknown magic)");
	MUT(put32(m + 0x24C, 3), "bzImage payload is not xz (unknown magic)");
	MUT(put32(m + 0x24C, 9),
	    "bzImage payload too short for its size trailer");
	/* Exactly at the end of the image is fine. */
	{
		const uint8_t *p;
		size_t plen;
		uint64_t usize;

		memcpy(m, img, len);
		put32(m + 0x24C, (uint32_t)(len - pay));
		assert_true(bzimage_payload(m, len, &p, &plen, &usize, NULL, 0));
		assert_int_equal(plen, len - pay - 4);
	}
#undef MUT
	free(m);
	free(img);
}

/* Trailer and stream must agree, with nothing between them. */
static void test_trailer_mismatch(void **state)
{
	size_t len, clen, ilen;
	uint8_t *img = good_image(39, &len, &clen), *out = malloc(DATA_LEN + 8);
	uint8_t *c = xz_of(data, DATA_LEN, &clen), *padded = malloc(clen + 4);
	uint8_t *i2;
	char err[128];

	/* The trailer claims more than the stream holds. */
	i2 = make_image(39, c, clen, DATA_LEN + 8, &ilen);
	assert_false(bzimage_decompress(i2, ilen, out, DATA_LEN + 8, work,
					bzimage_work_size(), err, sizeof(err)));
	assert_string_equal(err, xz_strerror(XZ_ERR_OUTPUT_SHORT));
	free(i2);
	/* ...or less. */
	i2 = make_image(39, c, clen, DATA_LEN - 1, &ilen);
	assert_false(bzimage_decompress(i2, ilen, out, DATA_LEN - 1, work,
					bzimage_work_size(), err, sizeof(err)));
	assert_string_equal(err, xz_strerror(XZ_ERR_OUTPUT_OVERFLOW));
	free(i2);
	/* Stream padding before the trailer is not what a kernel has. */
	memcpy(padded, c, clen);
	memset(padded + clen, 0, 4);
	i2 = make_image(39, padded, clen + 4, DATA_LEN, &ilen);
	assert_false(bzimage_decompress(i2, ilen, out, DATA_LEN, work,
					bzimage_work_size(), err, sizeof(err)));
	assert_string_equal(err, "data between the xz stream and the size trailer");
	free(i2);
	/* A corrupt stream reports the decoder's reason. */
	c[clen / 2] ^= 0x10;
	i2 = make_image(39, c, clen, DATA_LEN, &ilen);
	assert_false(bzimage_decompress(i2, ilen, out, DATA_LEN, work,
					bzimage_work_size(), err, sizeof(err)));
	assert_true(strlen(err) > 5);
	free(i2);
	free(padded);
	free(c);
	free(out);
	free(img);
}

static void test_truncated_images(void **state)
{
	size_t len, clen;
	uint8_t *img = good_image(5, &len, &clen);
	size_t pm = 6 * 512, end = pm + POFF + clen + 4;

	/* Cut inside the header and inside the payload: clean failures. */
	for (size_t k = 0; k < end; k += (k < 0x260 ? 1 : 97)) {
		uint8_t *copy = malloc(k ? k : 1), *out = malloc(DATA_LEN);
		const uint8_t *p;
		size_t plen;
		uint64_t usize;
		char err[128];

		memcpy(copy, img, k);
		assert_false(bzimage_payload(copy, k, &p, &plen, &usize, err,
					     sizeof(err)));
		assert_false(bzimage_decompress(copy, k, out, DATA_LEN, work,
						bzimage_work_size(), err,
						sizeof(err)));
		free(copy);
		free(out);
	}
	free(img);
}

/* ---- Debian's kernel ------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* BASALT_VMLINUZ, else the newest kernel fetch-linux.sh unpacked. */
static char *find_vmlinuz(void)
{
	const char *env = getenv("BASALT_VMLINUZ"), *cache = getenv("BASALT_CACHE");
	char pattern[4096];
	glob_t g;
	char *path = NULL;

	if (env && *env)
		return strdup(env);
	snprintf(pattern, sizeof(pattern), "%s/debs/linux-image-*/boot/vmlinuz-*",
		 cache && *cache ? cache : BASALT_TOP "/.cache");
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc)
		path = strdup(g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	return path;
}

static void test_debian_kernel(void **state)
{
	char *path = find_vmlinuz(), err[128];
	const uint8_t *p;
	size_t len = 0, plen, ip = 0, op = 0;
	uint64_t usize, memlimit = UINT64_MAX;
	uint8_t *img, *ours, *ref;
	struct pvh_image *pi;

	if (!path)
		fail_msg("no Debian kernel: run scripts/fetch-linux.sh first "
			 "(it unpacks linux-image-*-amd64 under .cache/debs/) "
			 "or set BASALT_VMLINUZ");
	img = slurp(path, &len);
	if (!img)
		fail_msg("cannot read %s", path);
	if (!bzimage_payload(img, len, &p, &plen, &usize, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	assert_true(usize > (16u << 20) && usize < (512u << 20));
	ours = malloc(usize);
	ref = malloc(usize);
	assert_non_null(ours);
	assert_non_null(ref);
	if (!bzimage_decompress(img, len, ours, usize, work, bzimage_work_size(),
				err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	assert_int_equal(lzma_stream_buffer_decode(&memlimit, 0, NULL, p, &ip, plen,
						   ref, &op, usize), LZMA_OK);
	assert_int_equal(ip, plen);
	assert_int_equal(op, usize);
	assert_memory_equal(ours, ref, usize);
	assert_memory_equal(ours, "\x7F" "ELF\x02", 5);

	/* The result is what the PVH builder loads. */
	pi = calloc(1, sizeof(*pi));
	if (!pvh_elf_parse(ours, usize, 1ull << 30, pi, err, sizeof(err)))
		fail_msg("%s: vmlinux rejected by the PVH ELF parser: %s", path, err);
	assert_int_equal(pi->elf_class, 64);
	assert_true(pi->entry >= pi->lowest && pi->entry < pi->highest);
	free(pi);
	free(ours);
	free(ref);
	free(img);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload_found),
		cmocka_unit_test(test_decompress),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_trailer_mismatch),
		cmocka_unit_test(test_truncated_images),
		cmocka_unit_test(test_debian_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
