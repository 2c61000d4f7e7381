/* SPDX-License-Identifier: MIT */
/*
 * One-shot timers. Each timer belongs to one host CPU and fires there, in
 * softirq context, at or after its deadline (nanoseconds of hypervisor
 * time). Each CPU keeps a min-heap of its pending timers and programs its
 * local timer for the earliest.
 */
#ifndef BASALT_TIMER_H
#define BASALT_TIMER_H

#include <basalt/spinlock.h>
#include <stdbool.h>
#include <stdint.h>

struct timer {
	uint64_t expires;         /* ns */
	void (*fn)(void *data);
	void *data;
	unsigned int cpu;
	int heap_index;           /* -1 when not pending */
	const char *name;         /* for the 'a' debug key */
};

struct timer_queue {
	spinlock_t lock;
	struct timer **heap;
	unsigned int n;
	unsigned int cap;
	uint64_t fired;           /* statistics */
	struct timer *running;    /* callback in progress, or NULL */
};

void timer_init(struct timer *t, const char *name, void (*fn)(void *),
		void *data, unsigned int cpu);
/* Arm (or re-arm) t to fire at expires. */
void timer_set(struct timer *t, uint64_t expires);
/* Disarm t; when this returns its callback is not running and will not
 * run (unless called from that very callback). */
void timer_stop(struct timer *t);
/* Move t to another CPU's queue, still pending if it was. Not to be used
 * concurrently with timer_set/timer_stop of the same timer. */
void timer_migrate(struct timer *t, unsigned int cpu);
bool timer_is_pending(const struct timer *t);

void timer_queue_init(unsigned int cpu);
void timers_dump(void);
void timer_subsys_init(void);

#endif /* BASALT_TIMER_H */
