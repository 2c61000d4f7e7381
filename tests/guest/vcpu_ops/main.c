// SPDX-License-Identifier: MIT
/*
 * vcpu_op with good and bad arguments: is_up, the one-shot timer (a past
 * deadline fires VIRQ_TIMER at once, even with VCPU_SSHOTTMR_future, which
 * Xen 4.17 ignores; stop cancels), the periodic timer, the runstate and
 * time areas, and register_vcpu_info (bad offset, a hole, twice; events
 * then land in the new place). Timing is read from the shared info's
 * pvclock with interrupts off. vCPU 1 cases expect -ENOENT when there is none.
 */
#include "xenops.h"

#define E(x) ((uint64_t)-(XEN_##x))
#define MS 1000000ULL

static struct shared_info *si;
static volatile struct vcpu_info *vi0;
static void *unmapped;
static uint8_t vinfo_page[4096] __attribute__((aligned(4096)));
static struct vcpu_runstate_info runstate;
static struct vcpu_time_info time_area;

static long sshot(unsigned long vcpu, uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline,
                                           .flags = flags };
    return hypercall_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &t);
}

static long register_vcpu_info(unsigned long vcpu, uint64_t gfn, uint32_t off)
{
    struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = off, .rsvd = 0 };
    return hypercall_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static void reset_bits(volatile struct vcpu_info *vi, uint32_t port)
{
    evt_clear(si->evtchn_pending, port);
    evt_clear(si->evtchn_mask, port);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
}

static void test_is_up(bool two)
{
    check_eq("is-up-0", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    check_eq("is-up-1", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 1, NULL),
             two ? 0 : E(ENOENT));
    check_eq("is-up-4096", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 4096, NULL),
             E(ENOENT));
    check_eq("is-up-huge", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 0xffffffff,
             NULL), E(ENOENT));
    /* The vCPU id is an unsigned int: the upper half is ignored. */
    check_eq("is-up-id-truncated", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up,
             0x100000000UL, NULL), 1);
    check_eq("unknown-cmd-99", (uint64_t)hypercall_vcpu_op(99, 0, NULL), E(ENOSYS));
    check_eq("cmd-truncated", (uint64_t)hypercall_vcpu_op(0x100000000UL |
             VCPUOP_is_up, 0, NULL), 1);
}

static void test_singleshot(bool two, uint32_t port)
{
    const volatile struct vcpu_time_info *t = &vi0->time;
    uint64_t now;

    check_eq("sshot-bad-struct", (uint64_t)hypercall_vcpu_op(
             VCPUOP_set_singleshot_timer, 0, unmapped), E(EFAULT));
    check_eq("sshot-vcpu-4096", (uint64_t)sshot(4096, 1, 0), E(ENOENT));
    /* Only the vCPU itself may set its timer (-ENOENT: there is no vCPU 1). */
    check_eq("sshot-vcpu-1", (uint64_t)sshot(1, 1, 0), two ? E(EINVAL) : E(ENOENT));
    check_eq("stop-sshot-vcpu-1", (uint64_t)hypercall_vcpu_op(
             VCPUOP_stop_singleshot_timer, 1, NULL), two ? E(EINVAL) : E(ENOENT));
    check_eq("stop-sshot-vcpu-4096", (uint64_t)hypercall_vcpu_op(
             VCPUOP_stop_singleshot_timer, 4096, NULL), E(ENOENT));
    /* Xen 4.17 ignores VCPU_SSHOTTMR_future: no -ETIME, the timer fires. */
    reset_bits(vi0, port);
    check_eq("sshot-future-in-past", (uint64_t)sshot(0, 1, VCPU_SSHOTTMR_future), 0);
    check_eq("sshot-future-in-past-fires", rt_wait_bit(si->evtchn_pending, port,
             t, 500 * MS), 1);

    /* Armed 20 ms ahead, stopped: nothing within 60 ms. */
    reset_bits(vi0, port);
    check_eq("sshot-arm", (uint64_t)sshot(0, rt_system_time(t) + 20 * MS,
             VCPU_SSHOTTMR_future), 0);
    check_eq("sshot-stop", (uint64_t)hypercall_vcpu_op(
             VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    check_eq("sshot-stopped-silent", rt_wait_bit(si->evtchn_pending, port, t,
             60 * MS), 0);

    /* A deadline in the past fires (almost) at once. */
    reset_bits(vi0, port);
    check_eq("sshot-past", (uint64_t)sshot(0, 1, 0), 0);
    check_eq("sshot-past-fires", rt_wait_bit(si->evtchn_pending, port, t,
             500 * MS), 1);
    check_eq("sshot-past-upcall", vi0->evtchn_upcall_pending, 1);

    /* 20 ms ahead: not before the deadline (1 ms slack for clock skew). */
    reset_bits(vi0, port);
    uint64_t deadline = rt_system_time(t) + 20 * MS;
    check_eq("sshot-future", (uint64_t)sshot(0, deadline, VCPU_SSHOTTMR_future), 0);
    check_eq("sshot-future-fires", rt_wait_bit(si->evtchn_pending, port, t,
             1000 * MS), 1);
    now = rt_system_time(t);
    check_true("sshot-future-not-early", now + MS >= deadline, "fired after deadline");
    reset_bits(vi0, port);
}

static void test_periodic_areas(void)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = 0 };
    struct vcpu_register_runstate_memory_area ra;
    struct vcpu_register_time_memory_area ta;

    check_eq("stop-periodic", (uint64_t)hypercall_vcpu_op(
             VCPUOP_stop_periodic_timer, 0, NULL), 0);
    check_eq("stop-periodic-vcpu-4096", (uint64_t)hypercall_vcpu_op(
             VCPUOP_stop_periodic_timer, 4096, NULL), E(ENOENT));
    check_eq("set-periodic-zero", (uint64_t)hypercall_vcpu_op(
             VCPUOP_set_periodic_timer, 0, &pt), E(ENOSYS));

    memset(&runstate, 0xff, sizeof(runstate));
    ra.addr.v = &runstate;
    check_eq("runstate-area", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    /* Written at once: this vCPU is running. */
    check_eq("runstate-area-state", (uint64_t)(int64_t)runstate.state,
             RUNSTATE_running);
    {
        struct vcpu_runstate_info now;
        memset(&now, 0xff, sizeof(now));
        check_eq("runstate-get", (uint64_t)hypercall_vcpu_op(
                 VCPUOP_get_runstate_info, 0, &now), 0);
        check_true("runstate-get-running", now.state == RUNSTATE_running &&
                   now.time[RUNSTATE_running] > 0 &&
                   now.state_entry_time > 0,
                   "state running, some running time, an entry time");
        check_eq("runstate-get-bad-pointer", (uint64_t)hypercall_vcpu_op(
                 VCPUOP_get_runstate_info, 0, unmapped), E(EFAULT));
        check_eq("runstate-get-vcpu-4096", (uint64_t)hypercall_vcpu_op(
                 VCPUOP_get_runstate_info, 4096, &now), E(ENOENT));
    }
    check_eq("runstate-area-bad-struct", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_runstate_memory_area, 0, unmapped), E(EFAULT));
    ra.addr.v = unmapped;
    check_eq("runstate-area-unmapped-target", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_runstate_memory_area, 0, &ra), 0);
    check_eq("runstate-area-vcpu-4096", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_runstate_memory_area, 4096, &ra), E(ENOENT));
    ra.addr.v = NULL;
    check_eq("runstate-area-off", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_runstate_memory_area, 0, &ra), 0);

    memset(&time_area, 0, sizeof(time_area));
    ta.addr.v = &time_area;
    check_eq("time-area", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_time_memory_area, 0, &ta), 0);
    check_true("time-area-written", time_area.system_time != 0 &&
               time_area.tsc_to_system_mul != 0 && !(time_area.version & 1),
               "system_time, mul set, version even");
    check_eq("time-area-bad-struct", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_time_memory_area, 0, unmapped), E(EFAULT));
    ta.addr.v = unmapped;
    /* Xen does not report a failed write of the record. */
    check_eq("time-area-unmapped-target", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_time_memory_area, 0, &ta), 0);
    check_eq("time-area-vcpu-4096", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_time_memory_area, 4096, &ta), E(ENOENT));
    ta.addr.v = NULL;
    check_eq("time-area-off", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_time_memory_area, 0, &ta), 0);
}

static void test_vcpu_info(uint32_t ipi)
{
    uint64_t gfn = (uintptr_t)vinfo_page >> 12;
    struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = 128, .rsvd = 1 };
    volatile struct vcpu_info *nvi = (void *)(vinfo_page + 128);

    check_eq("rvi-bad-struct", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_info, 0, unmapped), E(EFAULT));
    check_eq("rvi-offset-too-big", (uint64_t)register_vcpu_info(0, gfn,
             4096 - sizeof(struct vcpu_info) + 1), E(ENXIO));
    check_eq("rvi-offset-huge", (uint64_t)register_vcpu_info(0, gfn, 0xffffffff),
             E(ENXIO));
    check_eq("rvi-hole", (uint64_t)register_vcpu_info(0, rt_hole_gpa() >> 12, 0),
             E(EINVAL));
    check_eq("rvi-gfn-huge", (uint64_t)register_vcpu_info(0, 1ULL << 52, 0),
             E(EINVAL));
    check_eq("rvi-vcpu-4096", (uint64_t)register_vcpu_info(4096, gfn, 0),
             E(ENOENT));

    /* The good registration; Xen ignores rsvd. */
    memset(vinfo_page, 0xaa, sizeof(vinfo_page));
    check_eq("rvi-rsvd-ignored", (uint64_t)hypercall_vcpu_op(
             VCPUOP_register_vcpu_info, 0, &r), 0);
    check_eq("rvi-upcall-pending", nvi->evtchn_upcall_pending, 1);
    check_eq("rvi-pending-sel", nvi->evtchn_pending_sel, ~0UL);
    check_true("rvi-time", nvi->time.system_time != 0 && !(nvi->time.version & 1),
               "time copied");
    check_eq("rvi-before-untouched", vinfo_page[127], 0xaa);
    check_eq("rvi-twice", (uint64_t)register_vcpu_info(0, gfn, 128), E(EINVAL));
    check_eq("rvi-twice-elsewhere", (uint64_t)register_vcpu_info(0, gfn, 1024),
             E(EINVAL));

    /* Events now land in the new vcpu_info, not in shared info's slot. */
    reset_bits(nvi, ipi);
    vi0->evtchn_upcall_pending = 0;
    struct evtchn_send s = { .port = ipi };
    check_eq("rvi-send", (uint64_t)hypercall_evtchn_op(EVTCHNOP_send, &s), 0);
    check_eq("rvi-send-new-upcall", nvi->evtchn_upcall_pending, 1);
    check_eq("rvi-send-old-untouched", vi0->evtchn_upcall_pending, 0);
}

void test_main(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 1 };
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    bool two;

    rt_begin(61);
    unmapped = rt_scratch_map(0, 0, 0);
    si = rt_map_shared_info(1, rt_hole_gpa() + 0x1000000);
    check_true("map-shared-info", si != NULL, "XENMEM_add_to_physmap");
    if (!si) {
        rt_end();
        return;
    }
    vi0 = &si->vcpu_info[0];
    /* A second vCPU exists if an IPI port can name it. */
    two = hypercall_evtchn_op(EVTCHNOP_bind_ipi, &bi) == 0;
    rt_printf("vcpus: %s\n", two ? "2 or more" : "1");

    test_is_up(two);
    check_eq("bind-virq-timer", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_bind_virq, &bv), 0);
    test_singleshot(two, bv.port);
    test_periodic_areas();
    bi.vcpu = 0;
    check_eq("bind-ipi", (uint64_t)hypercall_evtchn_op(EVTCHNOP_bind_ipi, &bi), 0);
    test_vcpu_info(bi.port);
    rt_end();
}
