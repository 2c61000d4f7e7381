/* SPDX-License-Identifier: MIT */
/*
 * Deferred work per CPU: an interrupt handler raises a softirq and the
 * work runs later with interrupts enabled, before the CPU idles.
 */
#ifndef BASALT_SOFTIRQ_H
#define BASALT_SOFTIRQ_H

#include <stdbool.h>

enum softirq {
	SOFTIRQ_TIMER,
	SOFTIRQ_SCHEDULE,
	SOFTIRQ_DOMAIN_REAPER,
	NR_SOFTIRQS
};

void softirq_register(enum softirq nr, void (*fn)(void));
void softirq_raise(enum softirq nr);
void softirq_raise_on(unsigned int cpu, enum softirq nr);
bool softirq_pending(void);
/* Run every pending softirq of this CPU. Interrupts must be enabled. */
void do_softirq(void);

#endif /* BASALT_SOFTIRQ_H */
