/* SPDX-License-Identifier: MIT */
/* Work across host CPUs: wake-ups, function calls and TLB shootdowns. */
#ifndef BASALT_IPI_H
#define BASALT_IPI_H

#include <basalt/cpumask.h>
#include <stdbool.h>

/* Make cpu leave HLT and look at its softirqs. */
void ipi_send_wakeup(unsigned int cpu);

/*
 * Run fn(data) on every online CPU in mask other than this one, in
 * interrupt context. With wait, return only once all have finished.
 * Interrupts must be enabled (a CPU waiting here must still answer others).
 */
void smp_call_function(const cpumask_t *mask, void (*fn)(void *data),
		       void *data, bool wait);

/* Flush the TLBs of every CPU in mask (this one included) and wait. */
void flush_tlb_mask(const cpumask_t *mask);

/* Stop every other CPU for good (panic, power-off): NMI, then halt. */
void smp_stop_others(void);
extern volatile bool cpus_stop_requested;

void ipi_init(void);

#endif /* BASALT_IPI_H */
