/* SPDX-License-Identifier: MIT */
/* Sets of host CPUs, by logical CPU id. */
#ifndef BASALT_CPUMASK_H
#define BASALT_CPUMASK_H

#include <stdbool.h>
#include <stdint.h>

#define NR_CPUS 128

typedef struct cpumask {
	uint64_t bits[NR_CPUS / 64];
} cpumask_t;

static inline void cpumask_clear(cpumask_t *m)
{
	for (unsigned int i = 0; i < NR_CPUS / 64; i++)
		m->bits[i] = 0;
}

static inline void cpumask_set(cpumask_t *m, unsigned int cpu)
{
	__atomic_fetch_or(&m->bits[cpu / 64], 1ull << (cpu % 64),
			  __ATOMIC_SEQ_CST);
}

static inline void cpumask_unset(cpumask_t *m, unsigned int cpu)
{
	__atomic_fetch_and(&m->bits[cpu / 64], ~(1ull << (cpu % 64)),
			   __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test(const cpumask_t *m, unsigned int cpu)
{
	return __atomic_load_n(&m->bits[cpu / 64], __ATOMIC_SEQ_CST) &
	       (1ull << (cpu % 64));
}

static inline bool cpumask_empty(const cpumask_t *m)
{
	for (unsigned int i = 0; i < NR_CPUS / 64; i++)
		if (__atomic_load_n(&m->bits[i], __ATOMIC_SEQ_CST))
			return false;
	return true;
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < NR_CPUS / 64; i++)
		n += (unsigned int)__builtin_popcountll(m->bits[i]);
	return n;
}

/* dst = a & b */
static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a,
			       const cpumask_t *b)
{
	for (unsigned int i = 0; i < NR_CPUS / 64; i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}

#define for_each_cpu(c, m) \
	for ((c) = 0; (c) < NR_CPUS; (c)++) \
		if (cpumask_test((m), (c)))

#endif /* BASALT_CPUMASK_H */
