/* SPDX-License-Identifier: MIT */
/* Hypervisor time: nanoseconds since boot, from the calibrated TSC. */
#ifndef BASALT_TIME_H
#define BASALT_TIME_H

#include <stdint.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull

/* Nanoseconds since the TSC was calibrated (0 before). */
uint64_t now_ns(void);
/* Set up scaling once the TSC frequency is known. */
void time_init(uint64_t tsc_hz);
uint64_t time_tsc_hz(void);
uint64_t tsc_to_ns(uint64_t ticks);
/* Busy-wait; only for boot-time hardware sequences. */
void udelay(uint64_t us);
void mdelay(uint64_t ms);

#endif /* BASALT_TIME_H */
