/* SPDX-License-Identifier: MIT */
/*
 * Host timing of Basalt's xz decoder against liblzma on a real kernel
 * payload (Debian's vmlinuz): decompress it N times with each, check both
 * outputs agree, print output MB/s. Host speed only, not TCG.
 * Usage: xz_speed VMLINUZ [RUNS]
 */
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <basalt/bzimage.h>
#include <basalt/xz.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const uint8_t *payload;
	size_t len, plen, used, pos, inpos;
	uint64_t usize, memlimit = UINT64_MAX;
	double t_ours[64], t_nock[64], t_lzma[64];
	uint8_t *img, *a, *b;
	void *work;
	char err[128];
	int runs;

	if (argc < 2) {
		fprintf(stderr, "usage: %s VMLINUZ [RUNS]\n", argv[0]);
		return 2;
	}
	runs = argc > 2 ? atoi(argv[2]) : 5;
	if (runs < 1 || runs > 64)
		runs = 5;
	img = slurp(argv[1], &len);
	if (!img) {
		fprintf(stderr, "xz_speed: cannot read %s\n", argv[1]);
		return 1;
	}
	if (!bzimage_payload(img, len, &payload, &plen, &usize, err, sizeof(err))) {
		fprintf(stderr, "xz_speed: %s: %s\n", argv[1], err);
		return 1;
	}
	a = malloc(usize);
	b = malloc(usize);
	work = aligned_alloc(64, (xz_work_size() + 63) & ~(size_t)63);
	if (!a || !b || !work)
		return 1;

	for (int i = 0; i < runs; i++) {
		enum xz_err e;
		double t0 = now();

		e = xz_decode(payload, plen, a, usize, work, xz_work_size(), 0, &used);
		t_ours[i] = now() - t0;
		if (e != XZ_OK || used != plen) {
			fprintf(stderr, "xz_speed: ours: %s\n", xz_strerror(e));
			return 1;
		}
		t0 = now();
		e = xz_decode(payload, plen, a, usize, work, xz_work_size(),
			      XZ_FLAG_SKIP_CHECK, &used);
		t_nock[i] = now() - t0;
		if (e != XZ_OK)
			return 1;
		t0 = now();
		pos = 0;
		inpos = 0;
		if (lzma_stream_buffer_decode(&memlimit, 0, NULL, payload, &inpos,
					      plen, b, &pos, usize) != LZMA_OK ||
		    pos != usize) {
			fprintf(stderr, "xz_speed: liblzma failed\n");
			return 1;
		}
		t_lzma[i] = now() - t0;
		if (memcmp(a, b, usize)) {
			fprintf(stderr, "xz_speed: outputs differ\n");
			return 1;
		}
	}
	qsort(t_ours, (size_t)runs, sizeof(double), cmp_double);
	qsort(t_nock, (size_t)runs, sizeof(double), cmp_double);
	qsort(t_lzma, (size_t)runs, sizeof(double), cmp_double);
	{
		double mb = (double)usize / 1e6;
		double mo = t_ours[runs / 2], mn = t_nock[runs / 2], ml = t_lzma[runs / 2];

		printf("xz-speed: %s: %zu -> %llu bytes, %d runs, medians\n",
		       argv[1], plen, (unsigned long long)usize, runs);
		printf("xz-speed: basalt %.3f s %.1f MB/s, basalt-nocheck %.3f s %.1f MB/s, "
		       "liblzma %.3f s %.1f MB/s, ratio basalt/liblzma time %.2f\n",
		       mo, mb / mo, mn, mb / mn, ml, mb / ml, mo / ml);
	}
	free(a);
	free(b);
	free(work);
	free(img);
	return 0;
}
