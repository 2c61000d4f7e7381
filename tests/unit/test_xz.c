/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/common/xz: streams made by liblzma (every preset, with
 * and without the x86 BCJ filter, every check type, one or many blocks,
 * random/text/code-like/periodic data, sizes 0 to several MiB) must decode
 * to the input byte for byte; truncation at every offset, every single bit
 * flip and random corruption must fail cleanly (ASan, exact-size buffers);
 * hand-made LZMA2 data reaches each error code by name.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <lzma.h>

#include <basalt/xz.h>

static void *work;

static int setup(void **state)
{
	work = aligned_alloc(64, (xz_work_size() + 63) & ~(size_t)63);
	return work ? 0 : -1;
}

static int teardown(void **state)
{
	free(work);
	return 0;
}

/* ---- deterministic data --------------------------------------------------- */

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

enum kind { RANDOM, TEXT, CODE, PERIODIC, MIXED, NKINDS };

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* x86-like bytes: calls and jumps to a few targets (what BCJ is for),
 * prologues, int3 padding, zero runs and tables of 4-byte values. */
static void gen_code(uint8_t *b, size_t n)
{
	static const uint8_t prologue[] = { 0x55, 0x48, 0x89, 0xE5, 0x41, 0x54, 0x53 };
	uint32_t targets[16];
	size_t i = 0;

	for (int t = 0; t < 16; t++)
		targets[t] = rnd() % (n + 1);
	while (i < n) {
		uint32_t r = rnd() % 16;
		size_t k;

		if (r < 6 && i + 5 <= n) {
			b[i] = (r & 1) ? 0xE9 : 0xE8;
			put32(b + i + 1, targets[rnd() % 16] - (uint32_t)(i + 5));
			i += 5;
		} else if (r < 8) {
			for (k = 0; k < sizeof(prologue) && i < n; k++)
				b[i++] = prologue[k];
		} else if (r == 8) {
			for (k = rnd() % 16; k && i < n; k--)
				b[i++] = 0xCC;
		} else if (r == 9) {
			for (k = rnd() % 64; k && i < n; k--)
				b[i++] = 0;
		} else if (r == 10 && i + 32 <= n) {
			uint32_t v = rnd();

			for (k = 0; k < 8; k++)
				put32(b + i + 4 * k, v);
			i += 32;
		} else {
			b[i++] = (uint8_t)rnd();
		}
	}
}

static void gen(enum kind kind, uint8_t *b, size_t n, uint64_t seed)
{
	static const char *const words[] = {
		"the ", "hypervisor ", "loads ", "a ", "kernel ", "into ",
		"guest ", "memory, ", "then ", "jumps ", "to ", "its ",
		"entry.\n", "xz ", "stream ", "block ", "LZMA2 ", "chunk ",
	};
	size_t i = 0;

	rng = seed * 0x9E3779B97F4A7C15ull + 1;
	switch (kind) {
	case RANDOM:
		for (; i < n; i++)
			b[i] = (uint8_t)rnd();
		break;
	case TEXT:
		while (i < n) {
			const char *w = words[rnd() % 18];

			for (; *w && i < n; w++)
				b[i++] = (uint8_t)*w;
		}
		break;
	case CODE:
		gen_code(b, n);
		break;
	case PERIODIC: {
		/* Periods 1..16 exercise every match-copy path. */
		size_t period = 1 + seed % 16;

		for (; i < n; i++)
			b[i] = i < period ? (uint8_t)rnd() : b[i - period];
		break;
	}
	case MIXED:
		/* Compressible and incompressible stretches: the encoder
		 * switches between LZMA and stored chunks. */
		for (; i < n; i++) {
			bool random = (i / 100000) % 2 == 1;

			b[i] = random ? (uint8_t)rnd() :
			       (i >= 100 ? b[i - 100 + rnd() % 3] : 'x');
		}
		break;
	default:
		break;
	}
}

/* ---- encoding with liblzma ------------------------------------------------ */

enum mode { STREAMING, ONESHOT, MULTIBLOCK };

struct opts {
	uint32_t preset;
	lzma_check check;
	bool bcj;
	uint32_t bcj_start;
	enum mode mode;
	size_t block_size;     /* MULTIBLOCK */
	int lc, lp, pb;        /* -1: the preset's */
};

static const struct opts DEFAULT_OPTS = {
	6, LZMA_CHECK_CRC32, false, 0, STREAMING, 0, -1, -1, -1
};

static uint8_t *encode(const uint8_t *in, size_t n, const struct opts *o,
		       size_t *clen)
{
	lzma_options_lzma lz;
	lzma_options_bcj bcj = { .start_offset = o->bcj_start };
	lzma_filter f[3];
	size_t cap = lzma_stream_buffer_bound(n) + 4096 +
		     (o->block_size ? n / o->block_size * 64 : 0), pos = 0;
	uint8_t *out = malloc(cap);
	uint32_t dict = 4096;
	int k = 0;

	assert_non_null(out);
	assert_false(lzma_lzma_preset(&lz, o->preset));
	/* A dictionary as large as the input gives the same kind of stream
	 * as the preset's, without its encoder set-up cost. */
	while (dict < n && dict < (64u << 20))
		dict <<= 1;
	if (lz.dict_size > dict)
		lz.dict_size = dict;
	if (o->lc >= 0)
		lz.lc = (uint32_t)o->lc;
	if (o->lp >= 0)
		lz.lp = (uint32_t)o->lp;
	if (o->pb >= 0)
		lz.pb = (uint32_t)o->pb;
	if (o->bcj)
		f[k++] = (lzma_filter){ LZMA_FILTER_X86, o->bcj_start ? &bcj : NULL };
	f[k++] = (lzma_filter){ LZMA_FILTER_LZMA2, &lz };
	f[k] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };

	if (o->mode == ONESHOT) {
		assert_int_equal(lzma_stream_buffer_encode(f, o->check, NULL, in, n,
							   out, &pos, cap), LZMA_OK);
	} else {
		lzma_stream s = LZMA_STREAM_INIT;
		lzma_ret r;

		if (o->mode == MULTIBLOCK) {
			lzma_mt mt = { .threads = 1, .block_size = o->block_size,
				       .filters = f, .check = o->check };

			assert_int_equal(lzma_stream_encoder_mt(&s, &mt), LZMA_OK);
		} else {
			assert_int_equal(lzma_stream_encoder(&s, f, o->check), LZMA_OK);
		}
		s.next_in = in;
		s.avail_in = n;
		s.next_out = out;
		s.avail_out = cap;
		do
			r = lzma_code(&s, LZMA_FINISH);
		while (r == LZMA_OK);
		assert_int_equal(r, LZMA_STREAM_END);
		pos = cap - s.avail_out;
		lzma_end(&s);
	}
	*clen = pos;
	return out;
}

/* liblzma's own decoding, for comparison. */
static void lzma_reference(const uint8_t *c, size_t clen, const uint8_t *want,
			   size_t n)
{
	uint64_t memlimit = UINT64_MAX;
	size_t ip = 0, op = 0;
	uint8_t *out = malloc(n + 1);

	assert_non_null(out);
	assert_int_equal(lzma_stream_buffer_decode(&memlimit, 0, NULL, c, &ip, clen,
						   out, &op, n + 1), LZMA_OK);
	assert_int_equal(op, n);
	assert_memory_equal(out, want, n);
	free(out);
}

/* Decode c into an exactly sized heap buffer: ASan sees any overrun. */
static enum xz_err decode_exact(const uint8_t *c, size_t clen, uint8_t **outp,
				size_t n, unsigned int flags, size_t *used)
{
	uint8_t *in = malloc(clen ? clen : 1), *out = malloc(n ? n : 1);
	enum xz_err e;

	assert_non_null(in);
	assert_non_null(out);
	memcpy(in, c, clen);
	e = xz_decode(in, clen, out, n, work, xz_work_size(), flags, used);
	free(in);
	if (outp)
		*outp = out;
	else
		free(out);
	return e;
}

static void roundtrip(const uint8_t *data, size_t n, const struct opts *o)
{
	size_t clen, used = 0;
	uint8_t *c = encode(data, n, o, &clen), *out;
	enum xz_err e = decode_exact(c, clen, &out, n, 0, &used);

	if (e != XZ_OK)
		fail_msg("n=%zu preset=%#x check=%d bcj=%d mode=%d: %s", n,
			 o->preset, o->check, o->bcj, o->mode, xz_strerror(e));
	assert_int_equal(used, clen);
	assert_memory_equal(out, data, n);
	lzma_reference(c, clen, out, n);
	free(out);
	free(c);
}

static void roundtrip_kind(enum kind kind, size_t n, uint64_t seed,
			   const struct opts *o)
{
	uint8_t *data = malloc(n ? n : 1);

	assert_non_null(data);
	gen(kind, data, n, seed);
	roundtrip(data, n, o);
	free(data);
}

/* ---- round trips ------------------------------------------------------- */

static const size_t small_sizes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17,
				      100, 255, 256, 4095, 4096, 4097, 30000 };

static void test_every_preset(void **state)
{
	static const uint32_t presets[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9 | LZMA_PRESET_EXTREME,
		0 | LZMA_PRESET_EXTREME, 6 | LZMA_PRESET_EXTREME,
	};

	for (size_t p = 0; p < sizeof(presets) / sizeof(presets[0]); p++) {
		for (int bcj = 0; bcj < 2; bcj++) {
			struct opts o = DEFAULT_OPTS;

			o.preset = presets[p];
			o.bcj = bcj;
			for (int k = 0; k < NKINDS; k++)
				roundtrip_kind((enum kind)k, 3000 + 1000 * (size_t)k,
					       p * 10 + (size_t)k, &o);
			if (bcj && p % 4 == 0)
				roundtrip_kind(CODE, 65537, p, &o);
		}
	}
}

static void test_small_sizes(void **state)
{
	for (size_t s = 0; s < sizeof(small_sizes) / sizeof(small_sizes[0]); s++) {
		for (int k = 0; k < NKINDS; k++) {
			struct opts o = DEFAULT_OPTS;

			o.preset = 1;
			roundtrip_kind((enum kind)k, small_sizes[s], s, &o);
			o.bcj = true;
			o.mode = ONESHOT;
			roundtrip_kind((enum kind)k, small_sizes[s], s, &o);
		}
	}
}

static void test_check_types(void **state)
{
	static const lzma_check checks[] = { LZMA_CHECK_NONE, LZMA_CHECK_CRC32,
					     LZMA_CHECK_CRC64 };

	for (size_t c = 0; c < 3; c++) {
		for (int mode = STREAMING; mode <= ONESHOT; mode++) {
			struct opts o = DEFAULT_OPTS;

			o.check = checks[c];
			o.mode = (enum mode)mode;
			o.bcj = c == 1;
			roundtrip_kind(TEXT, 70000, c, &o);
			roundtrip_kind(CODE, 5, c, &o);
			roundtrip_kind(RANDOM, 0, c, &o);
		}
	}
}

/* SHA-256 is a valid check type that this decoder does not compute. */
static void test_sha256_check(void **state)
{
	struct opts o = DEFAULT_OPTS;
	uint8_t data[3000];
	size_t clen, used;
	uint8_t *c, *out;

	gen(TEXT, data, sizeof(data), 7);
	o.check = LZMA_CHECK_SHA256;
	c = encode(data, sizeof(data), &o, &clen);
	assert_int_equal(decode_exact(c, clen, NULL, sizeof(data), 0, &used),
			 XZ_ERR_CHECK_UNSUPPORTED);
	assert_int_equal(decode_exact(c, clen, &out, sizeof(data),
				      XZ_FLAG_SKIP_CHECK, &used), XZ_OK);
	assert_int_equal(used, clen);
	assert_memory_equal(out, data, sizeof(data));
	free(out);
	free(c);
}

/* Every lc/lp/pb LZMA2 allows (lc + lp <= 4). */
static void test_lc_lp_pb(void **state)
{
	for (int lc = 0; lc <= 4; lc++)
		for (int lp = 0; lc + lp <= 4; lp++)
			for (int pb = 0; pb <= 3; pb += 3) {
				struct opts o = DEFAULT_OPTS;

				o.preset = 2;
				o.lc = lc;
				o.lp = lp;
				o.pb = pb + (lc & 1);
				roundtrip_kind(CODE, 20000, (uint64_t)(lc * 25 + lp * 5 + pb), &o);
			}
}

static void test_bcj_start_offset(void **state)
{
	static const uint32_t starts[] = { 4, 0x1000, 0xFFFFFFF0u, 12345 };

	for (size_t i = 0; i < 4; i++) {
		struct opts o = DEFAULT_OPTS;

		o.bcj = true;
		o.bcj_start = starts[i];
		roundtrip_kind(CODE, 40000, i, &o);
	}
}

/* BCJ edge cases: opcodes in the last four bytes, dense E8/E9 runs. */
static void test_bcj_edges(void **state)
{
	struct opts o = DEFAULT_OPTS;
	uint8_t b[64];

	o.bcj = true;
	o.preset = 0;
	for (size_t n = 0; n <= 24; n++) {
		for (int fill = 0; fill < 4; fill++) {
			static const uint8_t vals[4] = { 0xE8, 0xE9, 0x00, 0xFF };

			for (size_t i = 0; i < n; i++)
				b[i] = (i % (2 + (size_t)fill)) == 0 ? 0xE8 : vals[fill];
			roundtrip(b, n, &o);
		}
	}
	rng = 99;
	for (int t = 0; t < 200; t++) {
		for (size_t i = 0; i < sizeof(b); i++) {
			static const uint8_t vals[5] = { 0xE8, 0xE9, 0x00, 0xFF, 0x12 };

			b[i] = vals[rnd() % 5];
		}
		roundtrip(b, 1 + rnd() % sizeof(b), &o);
	}
}

/* Walk the LZMA2 chunks of a one-block stream made by the streaming
 * encoder, to prove the inputs reach the stored-chunk paths. */
static void count_chunks(const uint8_t *c, size_t clen, unsigned int *stored,
			 unsigned int *lzma, unsigned int *state_resets)
{
	size_t p = 12 + ((size_t)c[12] + 1) * 4;

	*stored = *lzma = *state_resets = 0;
	while (p < clen && c[p]) {
		uint8_t ctl = c[p];

		if (ctl < 0x80) {
			++*stored;
			p += 3 + (((size_t)c[p + 1] << 8) | c[p + 2]) + 1;
		} else {
			++*lzma;
			if (ctl >= 0xA0)
				++*state_resets;
			p += 5 + (ctl >= 0xC0) + (((size_t)c[p + 3] << 8) | c[p + 4]) + 1;
		}
	}
}

static void test_large_and_stored_chunks(void **state)
{
	struct opts o = DEFAULT_OPTS;
	size_t n = (2u << 20) + 1, clen;
	uint8_t *data = malloc(3u << 20), *c;
	unsigned int stored, lzma, resets;

	/* Past the 2 MiB LZMA2 chunk limit, with stored chunks between. */
	o.preset = 0;
	gen(MIXED, data, n, 1);
	c = encode(data, n, &o, &clen);
	count_chunks(c, clen, &stored, &lzma, &resets);
	if (stored == 0 || lzma == 0 || resets <= 1) /* LZMA after stored */
		fail_msg("stored %u lzma %u resets %u", stored, lzma, resets);
	free(c);
	roundtrip(data, n, &o);
	/* Several MiB of code through BCJ. */
	o.bcj = true;
	gen(CODE, data, 3u << 20, 2);
	roundtrip(data, 3u << 20, &o);
	free(data);
}

static void test_multiple_blocks(void **state)
{
	static const size_t block_sizes[] = { 100, 333, 4096, 65536 };

	for (size_t i = 0; i < 4; i++) {
		struct opts o = DEFAULT_OPTS;

		o.mode = MULTIBLOCK;
		o.block_size = block_sizes[i];
		o.preset = 1;
		o.bcj = i & 1;
		o.check = i == 2 ? LZMA_CHECK_CRC64 : LZMA_CHECK_CRC32;
		roundtrip_kind(i == 0 ? TEXT : MIXED, i == 0 ? 3000 : 300000, i, &o);
		roundtrip_kind(CODE, 200001, i, &o);
	}
}

/* Data after the stream is not ours: in_used says where the stream ended. */
static void test_trailing_data(void **state)
{
	uint8_t data[5000], out[5000];
	size_t clen, used = 0;
	uint8_t *c = encode((gen(TEXT, data, sizeof(data), 3), data),
			    sizeof(data), &DEFAULT_OPTS, &clen);

	c = realloc(c, clen + 4);
	memcpy(c + clen, "\xB4\x13\x00\x00", 4);
	assert_int_equal(xz_decode(c, clen + 4, out, sizeof(out), work,
				   xz_work_size(), 0, &used), XZ_OK);
	assert_int_equal(used, clen);
	assert_memory_equal(out, data, sizeof(data));
	free(c);
}

/* ---- output size ----------------------------------------------------------- */

static void test_exact_output_size(void **state)
{
	for (int mode = STREAMING; mode <= MULTIBLOCK; mode++) {
		for (int k = 0; k < NKINDS; k++) {
			struct opts o = DEFAULT_OPTS;
			size_t n = 10000, clen, used;
			uint8_t data[10000], *c;

			o.mode = (enum mode)mode;
			o.block_size = 3000;
			o.preset = 0;
			gen((enum kind)k, data, n, (uint64_t)k);
			c = encode(data, n, &o, &clen);
			assert_int_equal(decode_exact(c, clen, NULL, n - 1, 0, &used),
					 XZ_ERR_OUTPUT_OVERFLOW);
			assert_int_equal(decode_exact(c, clen, NULL, n + 1, 0, &used),
					 XZ_ERR_OUTPUT_SHORT);
			assert_int_equal(decode_exact(c, clen, NULL, 0, 0, &used),
					 XZ_ERR_OUTPUT_OVERFLOW);
			assert_int_equal(decode_exact(c, clen, NULL, n, 0, &used), XZ_OK);
			free(c);
		}
	}
	{
		size_t clen, used;
		uint8_t *c = encode(NULL, 0, &DEFAULT_OPTS, &clen);

		assert_int_equal(decode_exact(c, clen, NULL, 1, 0, &used),
				 XZ_ERR_OUTPUT_SHORT);
		assert_int_equal(xz_decode(c, clen, NULL, 0, work, xz_work_size(),
					   0, &used), XZ_OK);
		free(c);
	}
}

/* ---- corruption ------------------------------------------------------------ */

static uint8_t *small_stream(size_t *clen, uint8_t *data, size_t n,
			     lzma_check check)
{
	struct opts o = DEFAULT_OPTS;

	gen(CODE, data, n, 42);
	o.bcj = true;
	o.check = check;
	return encode(data, n, &o, clen);
}

static void test_truncation_everywhere(void **state)
{
	uint8_t data[3000];
	size_t clen, used;
	uint8_t *c = small_stream(&clen, data, sizeof(data), LZMA_CHECK_CRC32);

	for (size_t k = 0; k < clen; k++) {
		enum xz_err e = decode_exact(c, k, NULL, sizeof(data), 0, &used);

		if (e != XZ_ERR_TRUNCATED)
			fail_msg("cut at %zu of %zu: %s", k, clen, xz_strerror(e));
	}
	assert_int_equal(decode_exact(c, clen, NULL, sizeof(data), 0, &used), XZ_OK);
	free(c);
}

static void test_every_bit_flip(void **state)
{
	static const lzma_check checks[] = { LZMA_CHECK_CRC32, LZMA_CHECK_CRC64 };

	for (int ci = 0; ci < 2; ci++) {
		uint8_t data[800];
		size_t clen, used;
		uint8_t *c = small_stream(&clen, data, sizeof(data), checks[ci]);

		for (size_t bit = 0; bit < clen * 8; bit++) {
			enum xz_err e;

			c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			e = decode_exact(c, clen, NULL, sizeof(data), 0, &used);
			c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (e == XZ_OK)
				fail_msg("flip of bit %zu of %zu went unnoticed",
					 bit, clen * 8);
		}
		free(c);
	}
}

/* Random multi-byte damage with no check: any result but a crash. Every
 * error code met is counted, to show the damage reaches deep paths. */
static void test_random_corruption(void **state)
{
	bool seen[XZ_ERR_COUNT] = { false };
	uint8_t data[8000];
	size_t clen, used;
	uint8_t *c, *m;
	struct opts o = DEFAULT_OPTS;

	gen(CODE, data, sizeof(data), 5);
	o.check = LZMA_CHECK_NONE;
	o.bcj = true;
	c = encode(data, sizeof(data), &o, &clen);
	m = malloc(clen);
	rng = 77;
	for (int t = 0; t < 1500; t++) {
		int flips = 1 + (int)(rnd() % 4);
		enum xz_err e;

		memcpy(m, c, clen);
		for (int f = 0; f < flips; f++) {
			/* Mostly the LZMA data, sometimes anywhere. */
			size_t at = rnd() % 4 ? 24 + rnd() % (clen - 60) : rnd() % clen;

			m[at] = (uint8_t)rnd();
		}
		e = decode_exact(m, clen, NULL, sizeof(data), 0, &used);
		assert_true((unsigned int)e < XZ_ERR_COUNT);
		seen[e] = true;
	}
	assert_true(seen[XZ_ERR_LZMA_DATA]);
	assert_true(seen[XZ_ERR_DISTANCE]);
	assert_true(seen[XZ_ERR_LZMA2_CONTROL]);
	free(m);
	free(c);
}

/* ---- hand-made streams --------------------------------------------------- */

static void wr32(uint8_t *p, uint32_t v)
{
	put32(p, v);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Wrap raw LZMA2 data in a valid .xz container (check none, no BCJ). */
static size_t wrap_lzma2(uint8_t *out, const uint8_t *lz, size_t lzlen,
			 uint64_t usize, uint8_t dict_props)
{
	size_t p = 0, unpadded, idx;

	memcpy(out, "\xFD" "7zXZ\0\0\0", 8);
	wr32(out + 8, lzma_crc32(out + 6, 2, 0));
	p = 12;
	/* Block header: size 12, one filter: 21 01 props, padding, CRC. */
	memcpy(out + p, "\x02\x00\x21\x01\x00\x00\x00\x00", 8);
	out[p + 4] = dict_props;
	wr32(out + p + 8, lzma_crc32(out + p, 8, 0));
	p += 12;
	memcpy(out + p, lz, lzlen);
	p += lzlen;
	unpadded = 12 + lzlen;
	while (p & 3)
		out[p++] = 0;
	idx = p;
	out[p++] = 0;
	out[p++] = 1;
	for (uint64_t v = unpadded; ; v >>= 7) {
		out[p++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
		if (v <= 0x7F)
			break;
	}
	for (uint64_t v = usize; ; v >>= 7) {
		out[p++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
		if (v <= 0x7F)
			break;
	}
	while ((p - idx) & 3)
		out[p++] = 0;
	wr32(out + p, lzma_crc32(out + idx, p - idx, 0));
	p += 4;
	wr32(out + p + 4, (uint32_t)((p - idx) / 4 - 1));
	out[p + 8] = 0;
	out[p + 9] = 0;
	wr32(out + p, lzma_crc32(out + p + 4, 6, 0));
	out[p + 10] = 'Y';
	out[p + 11] = 'Z';
	return p + 12;
}

/* A minimal LZMA range encoder for crafting symbol sequences. Every bit is
 * coded with a fresh probability (1024), which holds as long as a crafted
 * sequence never uses one probability twice. */
struct renc {
	uint64_t low;
	uint32_t range;
	uint8_t cache;
	size_t cache_size, n;
	uint8_t buf[256];
};

static void renc_init(struct renc *r)
{
	memset(r, 0, sizeof(*r));
	r->range = 0xFFFFFFFFu;
	r->cache_size = 1;
}

static void renc_shift(struct renc *r)
{
	if ((uint32_t)r->low < 0xFF000000u || (r->low >> 32)) {
		uint8_t carry = (uint8_t)(r->low >> 32), t = r->cache;

		do {
			r->buf[r->n++] = (uint8_t)(t + carry);
			t = 0xFF;
		} while (--r->cache_size);
		r->cache = (uint8_t)(r->low >> 24);
	}
	r->cache_size++;
	r->low = (r->low & 0x00FFFFFFu) << 8;
}

static void renc_bit(struct renc *r, int bit)
{
	uint32_t bound = (r->range >> 11) * 1024;

	if (bit) {
		r->low += bound;
		r->range -= bound;
	} else {
		r->range = bound;
	}
	while (r->range < (1u << 24)) {
		r->range <<= 8;
		renc_shift(r);
	}
}

static void renc_direct(struct renc *r, int bit)
{
	r->range >>= 1;
	if (bit)
		r->low += r->range;
	while (r->range < (1u << 24)) {
		r->range <<= 8;
		renc_shift(r);
	}
}

static void renc_bits(struct renc *r, uint32_t v, int n)
{
	while (n--)
		renc_bit(r, (int)((v >> n) & 1));
}

static void renc_flush(struct renc *r)
{
	for (int i = 0; i < 5; i++)
		renc_shift(r);
}

/* An LZMA2 stream of one LZMA chunk (dict reset, props 0x5D: lc 3, lp 0,
 * pb 2) holding r's data and declaring usize bytes, then the end byte. */
static size_t lzma2_one_chunk(uint8_t *lz, const struct renc *r, uint32_t usize,
			      size_t extra)
{
	size_t csize = r->n + extra;

	lz[0] = (uint8_t)(0xE0 | ((usize - 1) >> 16));
	lz[1] = (uint8_t)((usize - 1) >> 8);
	lz[2] = (uint8_t)(usize - 1);
	lz[3] = (uint8_t)((csize - 1) >> 8);
	lz[4] = (uint8_t)(csize - 1);
	lz[5] = 0x5D;
	memcpy(lz + 6, r->buf, r->n);
	memset(lz + 6 + r->n, 0, extra);
	lz[6 + csize] = 0;
	return 7 + csize;
}

static enum xz_err decode_crafted(const uint8_t *lz, size_t lzlen,
				  size_t usize, uint8_t *out)
{
	uint8_t x[512], *o;
	size_t n = wrap_lzma2(x, lz, lzlen, usize, 0);
	enum xz_err e = decode_exact(x, n, &o, usize, 0, NULL);

	if (out && e == XZ_OK)
		memcpy(out, o, usize);
	free(o);
	return e;
}

/* Literal 'A' at position 0 (state 0, fresh tree nodes). */
static void enc_literal_A(struct renc *r)
{
	renc_bit(r, 0);            /* is_match[0][0] */
	renc_bits(r, 'A', 8);      /* literal tree */
}

/* Then a new match of length 2 with distance slot `slot` (< 4) at
 * position 1: is_match[0][1], is_rep[0], len choice 0, low[1] 000. */
static void enc_match(struct renc *r, uint32_t slot)
{
	renc_bit(r, 1);
	renc_bit(r, 0);
	renc_bit(r, 0);
	renc_bits(r, 0, 3);
	renc_bits(r, slot, 6);
}

static void test_crafted_lzma(void **state)
{
	uint8_t lz[300], out[16];
	struct renc r;
	size_t n;

	/* 'A' + match (distance 1, length 2): "AAA". Proves the encoder. */
	renc_init(&r);
	enc_literal_A(&r);
	enc_match(&r, 0);
	renc_flush(&r);
	n = lzma2_one_chunk(lz, &r, 3, 0);
	assert_int_equal(decode_crafted(lz, n, 3, out), XZ_OK);
	assert_memory_equal(out, "AAA", 3);
	/* The same chunk declaring one byte too many: the match would end
	 * beyond it... */
	n = lzma2_one_chunk(lz, &r, 2, 0);
	assert_int_equal(decode_crafted(lz, n, 2, NULL), XZ_ERR_LZMA_DATA);
	/* ...or too few... */
	n = lzma2_one_chunk(lz, &r, 4, 0);
	assert_int_equal(decode_crafted(lz, n, 4, NULL), XZ_ERR_LZMA_DATA);
	/* ...or a compressed byte more than the coder reads. */
	n = lzma2_one_chunk(lz, &r, 3, 1);
	assert_int_equal(decode_crafted(lz, n, 3, NULL), XZ_ERR_LZMA_DATA);

	/* Distance 2 with one byte written. */
	renc_init(&r);
	enc_literal_A(&r);
	enc_match(&r, 1);
	renc_flush(&r);
	n = lzma2_one_chunk(lz, &r, 3, 0);
	assert_int_equal(decode_crafted(lz, n, 3, NULL), XZ_ERR_DISTANCE);

	/* A short rep as the very first symbol: nothing to repeat. */
	renc_init(&r);
	renc_bit(&r, 1);   /* is_match */
	renc_bit(&r, 1);   /* is_rep */
	renc_bit(&r, 0);   /* is_rep0 */
	renc_bit(&r, 0);   /* is_rep0_long: short rep */
	renc_flush(&r);
	n = lzma2_one_chunk(lz, &r, 1, 0);
	assert_int_equal(decode_crafted(lz, n, 1, NULL), XZ_ERR_DISTANCE);

	/* The end-of-payload marker (slot 63, all ones) is not LZMA2. */
	renc_init(&r);
	enc_literal_A(&r);
	renc_bit(&r, 1);
	renc_bit(&r, 0);
	renc_bit(&r, 0);
	renc_bits(&r, 0, 3);
	renc_bits(&r, 63, 6);
	for (int i = 0; i < 26; i++)
		renc_direct(&r, 1);
	renc_bits(&r, 0xF, 4); /* align bits: fresh nodes 1, 3, 7, 15 */
	renc_flush(&r);
	n = lzma2_one_chunk(lz, &r, 3, 0);
	assert_int_equal(decode_crafted(lz, n, 3, NULL), XZ_ERR_LZMA_DATA);

	/* Coder start byte must be zero. */
	renc_init(&r);
	enc_literal_A(&r);
	renc_flush(&r);
	n = lzma2_one_chunk(lz, &r, 1, 0);
	assert_int_equal(decode_crafted(lz, n, 1, out), XZ_OK);
	lz[6] = 1;
	assert_int_equal(decode_crafted(lz, n, 1, NULL), XZ_ERR_LZMA_DATA);
	/* Properties beyond lc + lp <= 4 or beyond the byte range. */
	lz[6] = 0;
	lz[5] = 4 + 9 * 1;
	assert_int_equal(decode_crafted(lz, n, 1, NULL), XZ_ERR_LZMA_PROPS);
	lz[5] = 225;
	assert_int_equal(decode_crafted(lz, n, 1, NULL), XZ_ERR_LZMA_PROPS);
}

static void test_crafted_lzma2_control(void **state)
{
	uint8_t lz[64], out[8];

	/* Stored chunk with dictionary reset: fine. */
	memcpy(lz, "\x01\x00\x02" "abc" "\x00", 7);
	assert_int_equal(decode_crafted(lz, 7, 3, out), XZ_OK);
	assert_memory_equal(out, "abc", 3);
	/* Then a stored chunk without reset: fine too. */
	memcpy(lz, "\x01\x00\x01" "ab" "\x02\x00\x00" "c" "\x00", 10);
	assert_int_equal(decode_crafted(lz, 10, 3, out), XZ_OK);
	assert_memory_equal(out, "abc", 3);
	/* First chunk without dictionary reset. */
	memcpy(lz, "\x02\x00\x02" "abc" "\x00", 7);
	assert_int_equal(decode_crafted(lz, 7, 3, NULL), XZ_ERR_LZMA2_CONTROL);
	/* Reserved control values. */
	memcpy(lz, "\x03\x00\x02" "abc" "\x00", 7);
	assert_int_equal(decode_crafted(lz, 7, 3, NULL), XZ_ERR_LZMA2_CONTROL);
	memcpy(lz, "\x01\x00\x00" "a" "\x7F\x00", 6);
	assert_int_equal(decode_crafted(lz, 6, 1, NULL), XZ_ERR_LZMA2_CONTROL);
	/* An LZMA chunk with a state reset but no properties after a
	 * dictionary reset: the properties are unknown. */
	memcpy(lz, "\x01\x00\x00" "a" "\xA0\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00", 15);
	assert_int_equal(decode_crafted(lz, 15, 2, NULL), XZ_ERR_LZMA2_CONTROL);
	/* Stored data longer than the output. */
	memcpy(lz, "\x01\x00\x02" "abc" "\x00", 7);
	assert_int_equal(decode_crafted(lz, 7, 2, NULL), XZ_ERR_OUTPUT_OVERFLOW);
	/* Missing end byte: the input runs out. */
	{
		uint8_t x[512];
		size_t n;

		memcpy(lz, "\x01\x00\x02" "abc" "\x00", 7);
		n = wrap_lzma2(x, lz, 6, 3, 0);
		/* A padding zero ends the LZMA2 data one byte later than
		 * the index says the block does. */
		assert_int_equal(decode_exact(x, n, NULL, 3, 0, NULL), XZ_ERR_INDEX);
	}
}

/* ---- container errors ------------------------------------------------------ */

static uint8_t *good(size_t *clen, uint8_t *data, size_t n, enum mode mode)
{
	struct opts o = DEFAULT_OPTS;

	gen(TEXT, data, n, 1);
	o.mode = mode;
	o.block_size = n;
	return encode(data, n, &o, clen);
}

static void fix_crc(uint8_t *c, size_t from, size_t len)
{
	wr32(c + from + len, lzma_crc32(c + from, len, 0));
}

static void expect(const uint8_t *c, size_t clen, size_t n, enum xz_err want)
{
	enum xz_err e = decode_exact(c, clen, NULL, n, 0, NULL);

	if (e != want)
		fail_msg("want \"%s\", got \"%s\"", xz_strerror(want), xz_strerror(e));
}

static void test_container_errors(void **state)
{
	uint8_t data[4000];
	size_t clen, hsz;
	uint8_t *c = good(&clen, data, sizeof(data), ONESHOT), *m = malloc(clen);
	size_t foot = clen - 12;

	/* ONESHOT: block header at 12 holds both sizes. */
	hsz = ((size_t)c[12] + 1) * 4;
	assert_int_equal(c[13] & 0xC0, 0xC0);
#define MUT(stmt, want) do { memcpy(m, c, clen); stmt; expect(m, clen, sizeof(data), want); } while (0)
	MUT((void)0, XZ_OK);
	MUT(m[0] = 0xFE, XZ_ERR_MAGIC);
	MUT(m[5] = 1, XZ_ERR_MAGIC);
	MUT(m[7] ^= 1, XZ_ERR_HEADER_CRC);
	MUT((m[6] = 1, fix_crc(m, 6, 2)), XZ_ERR_STREAM_FLAGS);
	MUT((m[7] |= 0x10, fix_crc(m, 6, 2)), XZ_ERR_STREAM_FLAGS);
	MUT((m[7] = 2, fix_crc(m, 6, 2)), XZ_ERR_CHECK_UNSUPPORTED);
	MUT(m[13] ^= 4, XZ_ERR_BLOCK_HEADER_CRC);
	MUT((m[13] |= 0x04, fix_crc(m, 12, hsz - 4)), XZ_ERR_BLOCK_HEADER);
	MUT((m[12 + hsz - 5] = 1, fix_crc(m, 12, hsz - 4)), XZ_ERR_BLOCK_HEADER);
	/* Compressed size 0 is invalid; then sizes that disagree. */
	MUT((m[14] = 0, fix_crc(m, 12, hsz - 4)), XZ_ERR_BLOCK_HEADER);
	MUT((m[14] ^= 1, fix_crc(m, 12, hsz - 4)), XZ_ERR_BLOCK_SIZE);
	{
		/* Uncompressed size: the VLI after the compressed size. */
		size_t p = 14;

		while (m[p] & 0x80)
			p++;
		MUT((m[p + 1] ^= 1, fix_crc(m, 12, hsz - 4)),
		    (c[p + 1] & 1) ? XZ_ERR_BLOCK_SIZE : XZ_ERR_OUTPUT_OVERFLOW);
		/* Filters: an unknown id, LZMA2 not last, bad dict props. */
		MUT((m[p + 3] = 0x03, fix_crc(m, 12, hsz - 4)), XZ_ERR_FILTER);
		MUT((m[p + 5] = 41, fix_crc(m, 12, hsz - 4)), XZ_ERR_FILTER_PROPS);
		MUT((m[p + 4] = 2, fix_crc(m, 12, hsz - 4)), XZ_ERR_FILTER_PROPS);
		MUT((m[13] |= 1, fix_crc(m, 12, hsz - 4)), XZ_ERR_FILTER);
	}
	/* Check field (the 4 bytes before the index). */
	{
		size_t idx = foot - (((size_t)rd32(c + foot + 4) + 1) * 4);

		MUT(m[idx - 1] ^= 0x80, XZ_ERR_CHECK);
		MUT(m[idx + 1] = 2, XZ_ERR_INDEX);
		MUT((m[idx + 2] ^= 1, fix_crc(m, idx, foot - idx - 4)), XZ_ERR_INDEX);
		MUT(m[foot - 1] ^= 1, XZ_ERR_INDEX_CRC);
		if ((foot - idx - 4) > 0 && m[foot - 5] == 0)
			MUT((m[foot - 5] = 1, fix_crc(m, idx, foot - idx - 4)), XZ_ERR_INDEX);
	}
	MUT(m[clen - 1] = 'z', XZ_ERR_FOOTER);
	MUT(m[foot] ^= 1, XZ_ERR_FOOTER_CRC);
	MUT((m[foot + 4] ^= 1, wr32(m + foot, lzma_crc32(m + foot + 4, 6, 0))),
	    XZ_ERR_FOOTER);
	MUT((m[foot + 9] = 4, wr32(m + foot, lzma_crc32(m + foot + 4, 6, 0))),
	    XZ_ERR_FOOTER);
#undef MUT
	free(m);
	free(c);
}

static void test_block_padding(void **state)
{
	uint8_t data[4000];

	/* Find a stream whose block data is not a multiple of 4. */
	for (size_t n = 1000; n < 1100; n++) {
		size_t clen, hsz, csize;
		uint8_t *c = good(&clen, data, n, ONESHOT);

		hsz = ((size_t)c[12] + 1) * 4;
		csize = c[14] & 0x7F;
		if (c[14] & 0x80)
			csize |= (size_t)(c[15] & 0x7F) << 7;
		if (csize & 3) {
			c[12 + hsz + csize] = 1;
			expect(c, clen, n, XZ_ERR_BLOCK_PADDING);
			free(c);
			return;
		}
		free(c);
	}
	fail_msg("no stream with block padding found");
}

static void test_args_and_strings(void **state)
{
	uint8_t data[100], out[100];
	size_t clen;
	uint8_t *c = good(&clen, data, sizeof(data), STREAMING);
	char *misaligned = (char *)work + 4;

	assert_int_equal(xz_decode(c, clen, out, sizeof(out), work,
				   xz_work_size() - 1, 0, NULL), XZ_ERR_ARGS);
	assert_int_equal(xz_decode(c, clen, out, sizeof(out), misaligned,
				   xz_work_size(), 0, NULL), XZ_ERR_ARGS);
	assert_int_equal(xz_decode(NULL, 0, out, sizeof(out), work,
				   xz_work_size(), 0, NULL), XZ_ERR_ARGS);
	assert_int_equal(xz_decode(c, clen, NULL, 1, work, xz_work_size(), 0,
				   NULL), XZ_ERR_ARGS);
	assert_int_equal(xz_decode(c, clen, out, sizeof(out), work,
				   xz_work_size(), 0, NULL), XZ_OK);
	assert_memory_equal(out, data, sizeof(data));
	assert_int_equal(xz_decode(c, 5, out, sizeof(out), work,
				   xz_work_size(), 0, NULL), XZ_ERR_TRUNCATED);
	assert_int_equal(xz_decode((const uint8_t *)"hello, world", 12, out,
				   sizeof(out), work, xz_work_size(), 0, NULL),
			 XZ_ERR_MAGIC);
	free(c);

	for (int i = 0; i < XZ_ERR_COUNT; i++) {
		assert_non_null(xz_strerror((enum xz_err)i));
		assert_true(strlen(xz_strerror((enum xz_err)i)) > 5);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(xz_strerror((enum xz_err)i),
						xz_strerror((enum xz_err)j));
	}
	assert_string_equal(xz_strerror(XZ_ERR_COUNT), "unknown xz error");
	assert_string_equal(xz_strerror(XZ_ERR_CHECK),
			    "block integrity check mismatch (corrupt data)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_preset),
		cmocka_unit_test(test_small_sizes),
		cmocka_unit_test(test_check_types),
		cmocka_unit_test(test_sha256_check),
		cmocka_unit_test(test_lc_lp_pb),
		cmocka_unit_test(test_bcj_start_offset),
		cmocka_unit_test(test_bcj_edges),
		cmocka_unit_test(test_large_and_stored_chunks),
		cmocka_unit_test(test_multiple_blocks),
		cmocka_unit_test(test_trailing_data),
		cmocka_unit_test(test_exact_output_size),
		cmocka_unit_test(test_truncation_everywhere),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_crafted_lzma),
		cmocka_unit_test(test_crafted_lzma2_control),
		cmocka_unit_test(test_container_errors),
		cmocka_unit_test(test_block_padding),
		cmocka_unit_test(test_args_and_strings),
	};

	/* F=test_name runs one test. */
	if (getenv("F"))
		cmocka_set_test_filter(getenv("F"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
