/* SPDX-License-Identifier: MIT */
/* The PV console ring backend (see common/console_ring.c). */
#ifndef BASALT_CONSOLE_RING_H
#define BASALT_CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;

/* Serve the ring page at guest-physical gpa through a new event port
 * (d->console_port). */
int console_ring_setup(struct domain *d, uint64_t gpa);
/* Bytes typed for the domain; false if it has no ring. */
bool console_ring_input(struct domain *d, const char *buf, size_t len);

#endif /* BASALT_CONSOLE_RING_H */
