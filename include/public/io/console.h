/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring page (HVM_PARAM_CONSOLE_PFN): two byte rings with
 * free-running indices, "in" towards the guest and "out" from it, signalled
 * through HVM_PARAM_CONSOLE_EVTCHN.
 */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* Indices wrap freely; reduce one modulo the (power of two) ring size. */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* PUBLIC_IO_CONSOLE_H */
