// SPDX-License-Identifier: MIT
/*
 * Workloads for the SMP tests (tests/system/test_smp.py), static so that
 * the busybox initramfs can run it. Each one makes the guest kernel send
 * a known kind of inter-processor interrupt on every CPU it has; the host
 * compares /proc/interrupts before and after.
 *
 *   smpload ring ROUNDS
 *       One process pinned to each online CPU; a byte goes round the ring
 *       of pipes (CPU 0 -> 1 -> ... -> 0) ROUNDS times, so every hop wakes
 *       a reader on another, idle CPU. Linux queues such a wakeup on the
 *       target CPU: a call-function-single IPI per hop.
 *   smpload hop ROUNDS
 *       One process moves itself to CPU 0, 1, ... and round again, ROUNDS
 *       times: each move puts it on an idle CPU's run queue, which must
 *       be told to reschedule: a reschedule IPI per move.
 *   smpload munmap ITERATIONS
 *       One thread pinned to each CPU spins there (SCHED_IDLE, so it never
 *       delays real work); the main thread visits each CPU in turn and
 *       there maps, touches and unmaps a 1 MiB region ITERATIONS times.
 *       Every other CPU is running this address space, so each unmap
 *       makes them all flush their TLBs: a call-function IPI to several
 *       CPUs at once. (An idle CPU that merely keeps the address space
 *       loaded is sent one flush, then drops it: the spinning matters.)
 *
 * Each prints one "key=value ..." line on success and exits 0; on a
 * failure they print what went wrong on stderr and exit 1. An alarm ends
 * a run that hangs (children die with their parent).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS    64
#define REGION      (2UL << 20)
/* A hung workload is a failure, not a stuck test: the host has its own,
 * longer deadline. */
#define ALARM_S     120

static int usage(void)
{
	fputs("usage: smpload ring ROUNDS | smpload hop ROUNDS | "
	      "smpload munmap ITERATIONS\n", stderr);
	return 2;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The CPUs this process may run on, in order; returns how many. */
static int online_cpus(int cpus[MAX_CPUS])
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0) {
		perror("sched_getaffinity");
		exit(1);
	}
	for (int c = 0; c < CPU_SETSIZE && n < MAX_CPUS; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "sched_setaffinity(cpu %d): %s\n", cpu,
			strerror(errno));
		exit(1);
	}
}

static void die_with_parent(void)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
		perror("prctl");
		exit(1);
	}
}

static void xwrite(int fd, char b)
{
	while (write(fd, &b, 1) != 1)
		if (errno != EINTR) {
			perror("write");
			exit(1);
		}
}

static char xread(int fd)
{
	char b;
	ssize_t r;

	while ((r = read(fd, &b, 1)) != 1)
		if (r == 0 || errno != EINTR) {
			fputs("ring: pipe closed\n", stderr);
			exit(1);
		}
	return b;
}

/* Ring member on cpu: pass each byte on; 'q' ends it after passing on.
 * Exit status: 0, or 3 when it ever ran on another CPU than its own. */
static void member(int cpu, int in, int out)
{
	int moved = 0;

	die_with_parent();
	pin(cpu);
	for (;;) {
		char b = xread(in);

		moved |= sched_getcpu() != cpu;
		xwrite(out, b);
		if (b == 'q')
			exit(moved ? 3 : 0);
	}
}

static int ring(long rounds)
{
	int cpus[MAX_CPUS], fds[MAX_CPUS][2];
	pid_t kids[MAX_CPUS];
	int n = online_cpus(cpus), bad = 0;
	double t0, t1;

	if (n < 2 || rounds < 1) {
		fprintf(stderr, "ring: needs 2+ CPUs (have %d) and rounds\n", n);
		return 1;
	}
	alarm(ALARM_S);
	for (int i = 0; i < n; i++)
		if (pipe(fds[i]) != 0) {
			perror("pipe");
			return 1;
		}
	/* Member i reads fds[i] and writes fds[i + 1]; the parent is 0. */
	for (int i = 1; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("fork");
			return 1;
		}
		if (kids[i] == 0)
			member(cpus[i], fds[i][0], fds[(i + 1) % n][1]);
	}
	pin(cpus[0]);
	/* One lap untimed: every member has started and blocked. */
	xwrite(fds[1][1], 'w');
	xread(fds[0][0]);
	t0 = now_s();
	for (long r = 0; r < rounds; r++) {
		xwrite(fds[1][1], 'r');
		if (xread(fds[0][0]) != 'r') {
			fputs("ring: wrong byte came back\n", stderr);
			return 1;
		}
	}
	t1 = now_s();
	xwrite(fds[1][1], 'q');
	xread(fds[0][0]);
	for (int i = 1; i < n; i++) {
		int st;

		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			fprintf(stderr, "ring: member on cpu %d ended with "
				"status 0x%x\n", cpus[i], st);
			bad = 1;
		}
	}
	if (bad)
		return 1;
	printf("cpus=%d rounds=%ld hops=%ld seconds=%.3f us_per_hop=%.0f\n",
	       n, rounds, rounds * n, t1 - t0,
	       (t1 - t0) * 1e6 / (double)(rounds * n));
	return 0;
}

static int hop(long rounds)
{
	int cpus[MAX_CPUS];
	int n = online_cpus(cpus);
	long wrong = 0;
	double t0, t1;

	if (n < 2 || rounds < 1) {
		fprintf(stderr, "hop: needs 2+ CPUs (have %d) and rounds\n", n);
		return 1;
	}
	alarm(ALARM_S);
	t0 = now_s();
	for (long r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++) {
			pin(cpus[i]);
			wrong += sched_getcpu() != cpus[i];
		}
	t1 = now_s();
	if (wrong) {
		fprintf(stderr, "hop: %ld moves ended on the wrong CPU\n", wrong);
		return 1;
	}
	printf("cpus=%d moves=%ld seconds=%.3f\n", n, rounds * n, t1 - t0);
	return 0;
}

struct worker {
	pthread_t thread;
	int cpu;
};

static volatile int workers_ready, workers_stop;

/* Keep this address space live on the worker's CPU until told to stop. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct sched_param sp = { .sched_priority = 0 };

	pin(w->cpu);
	if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0) {
		perror("sched_setscheduler(SCHED_IDLE)");
		exit(1);
	}
	__atomic_add_fetch(&workers_ready, 1, __ATOMIC_SEQ_CST);
	while (!workers_stop)
		;
	return NULL;
}

static int munmap_load(long iters)
{
	int cpus[MAX_CPUS];
	struct worker w[MAX_CPUS];
	int n = online_cpus(cpus);
	uintptr_t base;
	char *area;
	double t0, t1;

	if (n < 2 || iters < 1) {
		fprintf(stderr, "munmap: needs 2+ CPUs (have %d)\n", n);
		return 1;
	}
	alarm(ALARM_S);
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){ .cpu = cpus[i] };
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i])) {
			fputs("munmap: pthread_create failed\n", stderr);
			return 1;
		}
	}
	/* A 2 MiB-aligned slot that nothing else shares a page table with. */
	area = mmap(NULL, 2 * REGION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	base = ((uintptr_t)area + REGION - 1) & ~(REGION - 1);
	munmap(area, 2 * REGION);
	while (workers_ready < n)
		usleep(1000);
	t0 = now_s();
	for (int c = 0; c < n; c++) {
		pin(cpus[c]);
		for (long i = 0; i < iters; i++) {
			char *p = mmap((void *)base, REGION / 2,
				       PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				       -1, 0);
			if (p == MAP_FAILED) {
				perror("mmap fixed");
				return 1;
			}
			p[0] = 1;
			p[REGION / 2 - 1] = 1;
			if (munmap(p, REGION / 2) != 0) {
				perror("munmap");
				return 1;
			}
		}
	}
	t1 = now_s();
	workers_stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
	printf("cpus=%d unmaps=%ld seconds=%.3f\n", n, iters * n, t1 - t0);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "ring") == 0)
		return ring(strtol(argv[2], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "hop") == 0)
		return hop(strtol(argv[2], NULL, 0));
	if (argc == 3 && strcmp(argv[1], "munmap") == 0)
		return munmap_load(strtol(argv[2], NULL, 0));
	return usage();
}
