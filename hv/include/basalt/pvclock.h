/* SPDX-License-Identifier: MIT */
/* Guest time: the vcpu_time_info records in the shared-info page. */
#ifndef BASALT_PVCLOCK_H
#define BASALT_PVCLOCK_H

struct domain;
struct vcpu;

/* Refresh v's time record in d's shared-info page. */
void pvclock_update(struct domain *d, struct vcpu *v);
/* Write the wall clock (UNIX time of system time 0) into shared info. */
void pvclock_set_wallclock(struct domain *d);

#endif /* BASALT_PVCLOCK_H */
