// SPDX-License-Identifier: MIT
/*
 * Tiny static helper for the Linux test initramfs: reads the monotonic
 * clock with nanosecond resolution (busybox has no such applet) and runs a
 * floating-point checksum whose answer the host computes with this same
 * binary, so a guest that loses x87/SSE state across exits prints a
 * different number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int usage(void)
{
	fputs("usage: probe mono | probe fpsum ITERATIONS\n", stderr);
	return 2;
}

static int print_mono(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("clock_gettime");
		return 1;
	}
	printf("%lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	return 0;
}

static uint64_t bits_of_double(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

/*
 * Only + - * / and square roots: IEEE 754 rounds them exactly, so any
 * correct CPU gives the same bits. The SSE chain and the x87 chain are
 * kept apart (long double uses the x87 stack) so that either one's state
 * going missing changes the result.
 */
static int fpsum(long iters)
{
	volatile double seed = 1.0000001;
	double s = 0.0, x = seed;
	long double e = 0.0L, y = (long double)seed;

	for (long i = 1; i <= iters; i++) {
		x = x * 1.0000003 + 1.0 / (double)(i + 7);
		if (x > 1e6)
			x = __builtin_sqrt(x);
		s += x / (s + 3.0) - s / (double)(i + 11);
		y = y * 1.0000005L + 1.0L / (long double)(i + 5);
		if (y > 1e6L)
			y = y / 1024.0L;
		e += y / (e + 2.0L) - e / (long double)(i + 13);
	}
	printf("sse=0x%016llx x87=0x%016llx\n",
	       (unsigned long long)bits_of_double(s),
	       (unsigned long long)bits_of_double((double)e));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "mono") == 0)
		return print_mono();
	if (argc == 3 && strcmp(argv[1], "fpsum") == 0)
		return fpsum(strtol(argv[2], NULL, 0));
	return usage();
}
