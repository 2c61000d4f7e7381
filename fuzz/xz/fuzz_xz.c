/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the .xz decoder and the bzImage parser. The input is
 * decoded as an xz stream into an exactly sized output (size from the first
 * two input bytes, so overflow and short-output paths are reached), and
 * also parsed as a bzImage. ASan flags any access outside the buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <basalt/bzimage.h>
#include <basalt/xz.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *work;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p;
	size_t out_len, plen, used;
	uint64_t usize;
	uint8_t *out;
	char err[128];

	if (!work)
		work = aligned_alloc(64, (xz_work_size() + 63) & ~(size_t)63);
	if (size < 2)
		return 0;
	/* Output sizes up to 256 KiB: enough for any stream the fuzzer
	 * keeps, small enough to stay fast. */
	out_len = ((size_t)data[0] << 10 | (size_t)data[1] << 2) % (256u << 10);
	out = malloc(out_len ? out_len : 1);
	xz_decode(data + 2, size - 2, out, out_len, work, xz_work_size(), 0, &used);
	xz_decode(data + 2, size - 2, out, out_len, work, xz_work_size(),
		  XZ_FLAG_SKIP_CHECK, &used);
	free(out);

	if (bzimage_payload(data, size, &p, &plen, &usize, err, sizeof(err)) &&
	    usize <= (1u << 20)) {
		out = malloc(usize ? usize : 1);
		bzimage_decompress(data, size, out, usize, work, xz_work_size(),
				   err, sizeof(err));
		free(out);
	}
	return 0;
}
