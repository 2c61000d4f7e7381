/* SPDX-License-Identifier: MIT */
/*
 * Keeping the guest TLBs of a domain coherent with its p2m across host
 * CPUs (docs/COHERENCE.md); the rules themselves are in tlb_policy.h.
 *
 * The backend announces each VM entry and exit here. A p2m change then
 * marks every vCPU of the domain for a flush at its next entry and waits
 * until each host CPU that may be in guest mode for the domain has left
 * it (an interrupt forces the exit). Waiting needs nothing from the other
 * CPU but its exit, so it works with interrupts disabled and locks held.
 */
#ifndef BASALT_TLB_SHOOTDOWN_H
#define BASALT_TLB_SHOOTDOWN_H

#include <basalt/tlb_policy.h>

struct domain;

/* Backend, interrupts disabled: this CPU enters a vCPU of d. Call before
 * reading the vCPU's pending flush, so that a concurrent change either
 * sees this CPU in guest mode or its flush request is seen here. */
void tlb_guest_enter(struct domain *d, unsigned int cpu);
/* Backend: this CPU is back from guest mode (right after the exit). */
void tlb_guest_exit(unsigned int cpu);

/* After d's p2m changed: apply the policy. On return, no CPU can use an
 * entry the change invalidated; a removed frame may be reused. Must not
 * be called from a vCPU's entry path. */
void tlb_shootdown(struct domain *d, enum tlb_p2m_change change);

#endif /* BASALT_TLB_SHOOTDOWN_H */
