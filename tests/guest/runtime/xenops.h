/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the tests of event channels, vcpu_op and grant tables
 * (64-bit only): hypercall wrappers, the shared-info mapping, 2-level
 * event bits, and system time from a vcpu_time_info, so a test can wait a
 * bounded time with interrupts off. Header-only: the kernels that do not
 * include it do not grow.
 */
#ifndef RT_XENOPS_H
#define RT_XENOPS_H

#include "rt.h"
#include "public/event_channel.h"
#include "public/grant_table.h"
#include "public/memory.h"
#include "public/vcpu.h"
#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"

static inline long hypercall_evtchn_op(unsigned int cmd, void *arg)
{
    return rt_hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg,
                        0, 0, 0);
}

static inline long hypercall_vcpu_op(unsigned long cmd, unsigned long id,
                                     void *arg)
{
    return rt_hypercall(__HYPERVISOR_vcpu_op, cmd, id, (unsigned long)arg,
                        0, 0);
}

static inline long hypercall_grant_op(unsigned int cmd, void *arg,
                                      unsigned int count)
{
    return rt_hypercall(__HYPERVISOR_grant_table_op, cmd, (unsigned long)arg,
                        count, 0, 0);
}

/* Guest-physical address well above RAM: nothing is mapped there. */
static inline uint64_t rt_hole_gpa(void)
{
    return (rt_ram_end() + 0x10000000ULL) & ~0xfffffffULL;
}

static inline bool rt_is_initial_domain(void)
{
    return rt_start_info->flags & SIF_INITDOMAIN;
}

/* XENMEM_add_to_physmap(space, idx) at gpfn; returns the hypercall's result. */
static inline long rt_add_to_physmap(unsigned int space, unsigned long idx,
                                     uint64_t gpfn)
{
    struct xen_add_to_physmap a = { .domid = DOMID_SELF, .space = space,
                                    .idx = idx, .gpfn = gpfn };
    return hypercall_memory_op(XENMEM_add_to_physmap, &a);
}

/* Map the shared-info page at gpa (a hole) and return it through scratch
 * slot `slot`; NULL if the hypervisor refused. */
static inline struct shared_info *rt_map_shared_info(unsigned int slot,
                                                     uint64_t gpa)
{
    if (rt_add_to_physmap(XENMAPSPACE_shared_info, 0, gpa >> 12))
        return NULL;
    return rt_scratch_map(slot, gpa, PTE_P | PTE_W);
}

static inline bool evt_test(const volatile xen_ulong_t *bits, unsigned int port)
{
    return (bits[port / 64] >> (port % 64)) & 1;
}

static inline void evt_set(volatile xen_ulong_t *bits, unsigned int port)
{
    __atomic_fetch_or(&bits[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
}

static inline void evt_clear(volatile xen_ulong_t *bits, unsigned int port)
{
    __atomic_fetch_and(&bits[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static inline uint64_t rt_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* System time in ns from a pvclock record (retried while it changes). */
static inline uint64_t rt_system_time(const volatile struct vcpu_time_info *t)
{
    uint32_t ver;
    uint64_t ns;

    do {
        ver = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t delta = rt_rdtsc() - t->tsc_timestamp;
        int8_t shift = t->tsc_shift;
        delta = shift < 0 ? delta >> -shift : delta << shift;
        ns = t->system_time +
             (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((ver & 1) || ver != t->version);
    return ns;
}

/* Spin (interrupts as they are) until bit `port` of `bits` is set or ns
 * of system time have passed; true if it was set. */
static inline bool rt_wait_bit(const volatile xen_ulong_t *bits,
                               unsigned int port,
                               const volatile struct vcpu_time_info *t,
                               uint64_t ns)
{
    uint64_t end = rt_system_time(t) + ns;

    while (!evt_test(bits, port))
        if (rt_system_time(t) > end)
            return false;
    return true;
}

static inline long rt_get_param(unsigned int index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);
    *value = p.value;
    return rc;
}

#endif
