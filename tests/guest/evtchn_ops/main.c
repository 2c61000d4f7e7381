// SPDX-License-Identifier: MIT
/*
 * event_channel_op with good and bad arguments: bind_virq, bind_ipi,
 * alloc_unbound, status, send, unmask, bind_vcpu and close, checked
 * against the 2-level bits in the shared-info page (mapped in a hole);
 * the sub-ops Basalt leaves out; -EFAULT for an unmapped argument; the
 * console/store HVM params and SCHEDOP_poll. Port numbers are never
 * asserted (the hypervisors allocate differently), only their state.
 */
#include "xenops.h"

#define E(x) ((uint64_t)-(XEN_##x))
#define NOT_A_DOMAIN 0x7fe0  /* below DOMID_FIRST_RESERVED, never created */
#define HUGE_PORT 0xfffffff0u

static struct shared_info *si;
static volatile struct vcpu_info *vi0;
static void *unmapped;

static long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0 };
    long rc = hypercall_evtchn_op(EVTCHNOP_bind_virq, &b);
    if (port)
        *port = b.port;
    return rc;
}

static long bind_ipi(uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu, .port = 0 };
    long rc = hypercall_evtchn_op(EVTCHNOP_bind_ipi, &b);
    if (port)
        *port = b.port;
    return rc;
}

static long port_op(unsigned int cmd, uint32_t port)
{
    struct evtchn_close c = { .port = port }; /* send/unmask: same layout */
    return hypercall_evtchn_op(cmd, &c);
}

/* The status, or the error if status itself failed. */
static uint64_t status_of(domid_t dom, uint32_t port, struct evtchn_status *out)
{
    struct evtchn_status s = { .dom = dom, .port = port, .status = 0xdead };
    long rc = hypercall_evtchn_op(EVTCHNOP_status, &s);
    if (out)
        *out = s;
    return rc ? (uint64_t)rc : s.status;
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return hypercall_evtchn_op(EVTCHNOP_bind_vcpu, &b);
}

/* Clear what a delivery to vCPU 0 sets, then set port's mask as asked. */
static void reset_bits(uint32_t port, bool masked)
{
    evt_clear(si->evtchn_pending, port);
    if (masked)
        evt_set(si->evtchn_mask, port);
    else
        evt_clear(si->evtchn_mask, port);
    vi0->evtchn_pending_sel = 0;
    vi0->evtchn_upcall_pending = 0;
}

static long poll(uint32_t *ports, unsigned int n)
{
    struct sched_poll p = { .nr_ports = n, .timeout = 0 };
    set_xen_guest_handle(p.ports, ports);
    return hypercall_sched_op(SCHEDOP_poll, &p);
}

static void test_bind_virq(uint32_t *timer_port, uint32_t *global_port)
{
    uint32_t p = 0;

    check_eq("bind-virq-timer", (uint64_t)bind_virq(VIRQ_TIMER, 0, timer_port), 0);
    check_true("bind-virq-timer-port", *timer_port != 0, "port not 0");
    check_eq("bind-virq-timer-again", (uint64_t)bind_virq(VIRQ_TIMER, 0, &p),
             E(EEXIST));
    check_eq("bind-virq-24", (uint64_t)bind_virq(24, 0, &p), E(EINVAL));
    check_eq("bind-virq-huge", (uint64_t)bind_virq(0xffffffff, 0, &p), E(EINVAL));
    check_eq("bind-virq-timer-vcpu-4096", (uint64_t)bind_virq(VIRQ_TIMER, 4096, &p),
             E(ENOENT));
    check_eq("bind-virq-global-vcpu-4096",
             (uint64_t)bind_virq(VIRQ_ARCH_7, 4096, &p), E(EINVAL));
    check_eq("bind-virq-unassigned-15", (uint64_t)bind_virq(15, 0, global_port), 0);
}

static void test_status(uint32_t ipi, uint32_t timer, uint32_t global)
{
    struct evtchn_status s;

    check_eq("status-ipi", status_of(DOMID_SELF, ipi, &s), EVTCHNSTAT_ipi);
    check_eq("status-ipi-vcpu", s.vcpu, 0);
    check_eq("status-virq", status_of(DOMID_SELF, timer, &s), EVTCHNSTAT_virq);
    check_eq("status-virq-number", s.u.virq, VIRQ_TIMER);
    check_eq("status-virq-15", status_of(DOMID_SELF, global, &s), EVTCHNSTAT_virq);
    check_eq("status-port-0", status_of(DOMID_SELF, 0, NULL), EVTCHNSTAT_closed);
    check_eq("status-port-63", status_of(DOMID_SELF, 63, NULL), EVTCHNSTAT_closed);
    check_eq("status-port-500", status_of(DOMID_SELF, 500, NULL), EVTCHNSTAT_closed);
    check_eq("status-port-1024", status_of(DOMID_SELF, 1024, NULL), E(EINVAL));
    check_eq("status-port-4096", status_of(DOMID_SELF, 4096, NULL), E(EINVAL));
    check_eq("status-port-huge", status_of(DOMID_SELF, HUGE_PORT, NULL), E(EINVAL));
    check_eq("status-dom-nonexistent", status_of(NOT_A_DOMAIN, ipi, NULL),
             E(ESRCH));
    check_eq("status-dom0", status_of(0, ipi, NULL),
             rt_is_initial_domain() ? EVTCHNSTAT_ipi : E(EPERM));
}

static void test_unbound(uint32_t *unbound)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    struct evtchn_status s;

    check_eq("alloc-unbound", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_alloc_unbound, &a), 0);
    *unbound = a.port;
    check_eq("status-unbound", status_of(DOMID_SELF, a.port, &s),
             EVTCHNSTAT_unbound);
    check_eq("status-unbound-remote", s.u.unbound.dom, 0);
    a = (struct evtchn_alloc_unbound){ .dom = NOT_A_DOMAIN, .remote_dom = 0 };
    check_eq("alloc-unbound-dom-nonexistent", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_alloc_unbound, &a), E(ESRCH));
    /* From dom0 "dom 0" is itself; a domU may not allocate in dom0. */
    a = (struct evtchn_alloc_unbound){ .dom = 0, .remote_dom = 0 };
    check_eq("alloc-unbound-dom0", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_alloc_unbound, &a),
             rt_is_initial_domain() ? 0 : E(EPERM));
}

static void test_send_unmask(uint32_t ipi, uint32_t timer, uint32_t unbound)
{
    reset_bits(ipi, false);
    check_eq("send-ipi", (uint64_t)port_op(EVTCHNOP_send, ipi), 0);
    check_eq("send-ipi-pending", evt_test(si->evtchn_pending, ipi), 1);
    check_eq("send-ipi-selector", (vi0->evtchn_pending_sel >> (ipi / 64)) & 1, 1);
    check_eq("send-ipi-upcall", vi0->evtchn_upcall_pending, 1);

    reset_bits(ipi, true);
    check_eq("send-masked", (uint64_t)port_op(EVTCHNOP_send, ipi), 0);
    check_eq("send-masked-pending", evt_test(si->evtchn_pending, ipi), 1);
    check_eq("send-masked-no-upcall", vi0->evtchn_upcall_pending, 0);
    check_eq("unmask-pending", (uint64_t)port_op(EVTCHNOP_unmask, ipi), 0);
    check_eq("unmask-cleared-mask", evt_test(si->evtchn_mask, ipi), 0);
    check_eq("unmask-upcall", vi0->evtchn_upcall_pending, 1);
    check_eq("unmask-selector", (vi0->evtchn_pending_sel >> (ipi / 64)) & 1, 1);
    reset_bits(ipi, false);

    check_eq("send-port-0", (uint64_t)port_op(EVTCHNOP_send, 0), E(EINVAL));
    check_eq("send-port-1024", (uint64_t)port_op(EVTCHNOP_send, 1024), E(EINVAL));
    check_eq("send-port-4096", (uint64_t)port_op(EVTCHNOP_send, 4096), E(EINVAL));
    check_eq("send-port-huge", (uint64_t)port_op(EVTCHNOP_send, HUGE_PORT),
             E(EINVAL));
    check_eq("send-port-500-free", (uint64_t)port_op(EVTCHNOP_send, 500),
             E(EINVAL));
    check_eq("send-virq", (uint64_t)port_op(EVTCHNOP_send, timer), E(EINVAL));
    check_eq("send-unbound", (uint64_t)port_op(EVTCHNOP_send, unbound), 0);

    check_eq("unmask-port-0", (uint64_t)port_op(EVTCHNOP_unmask, 0), 0);
    check_eq("unmask-port-500", (uint64_t)port_op(EVTCHNOP_unmask, 500), 0);
    check_eq("unmask-port-1024", (uint64_t)port_op(EVTCHNOP_unmask, 1024),
             E(EINVAL));
    check_eq("unmask-port-4096", (uint64_t)port_op(EVTCHNOP_unmask, 4096),
             E(EINVAL));
    check_eq("unmask-port-huge", (uint64_t)port_op(EVTCHNOP_unmask, HUGE_PORT),
             E(EINVAL));
}

static void test_bind_vcpu(uint32_t ipi, uint32_t timer, uint32_t global,
                           uint32_t unbound)
{
    check_eq("bind-vcpu-ipi", (uint64_t)bind_vcpu(ipi, 0), E(EINVAL));
    check_eq("bind-vcpu-virq-timer", (uint64_t)bind_vcpu(timer, 0), E(EINVAL));
    check_eq("bind-vcpu-virq-15", (uint64_t)bind_vcpu(global, 0), 0);
    check_eq("bind-vcpu-unbound", (uint64_t)bind_vcpu(unbound, 0), 0);
    check_eq("bind-vcpu-free-port", (uint64_t)bind_vcpu(500, 0), E(EINVAL));
    check_eq("bind-vcpu-port-0", (uint64_t)bind_vcpu(0, 0), E(EINVAL));
    check_eq("bind-vcpu-port-4096", (uint64_t)bind_vcpu(4096, 0), E(EINVAL));
    check_eq("bind-vcpu-vcpu-4096", (uint64_t)bind_vcpu(unbound, 4096), E(ENOENT));
    check_eq("bind-vcpu-both-bad", (uint64_t)bind_vcpu(4096, 4096), E(ENOENT));
}

static void test_close(uint32_t ipi, uint32_t timer)
{
    uint32_t p = 0;

    check_eq("close-port-0", (uint64_t)port_op(EVTCHNOP_close, 0), E(EINVAL));
    check_eq("close-port-1024", (uint64_t)port_op(EVTCHNOP_close, 1024), E(EINVAL));
    check_eq("close-port-4096", (uint64_t)port_op(EVTCHNOP_close, 4096), E(EINVAL));
    check_eq("close-port-huge", (uint64_t)port_op(EVTCHNOP_close, HUGE_PORT),
             E(EINVAL));
    check_eq("close-ipi", (uint64_t)port_op(EVTCHNOP_close, ipi), 0);
    check_eq("status-closed", status_of(DOMID_SELF, ipi, NULL), EVTCHNSTAT_closed);
    check_eq("close-again", (uint64_t)port_op(EVTCHNOP_close, ipi), E(EINVAL));
    check_eq("send-closed", (uint64_t)port_op(EVTCHNOP_send, ipi), E(EINVAL));
    check_eq("close-virq", (uint64_t)port_op(EVTCHNOP_close, timer), 0);
    check_eq("rebind-virq-after-close", (uint64_t)bind_virq(VIRQ_TIMER, 0, &p), 0);
}

static void test_efault(void)
{
    static const struct { const char *name; unsigned int cmd; } ops[] = {
        { "efault-bind-virq", EVTCHNOP_bind_virq },
        { "efault-bind-ipi", EVTCHNOP_bind_ipi },
        { "efault-alloc-unbound", EVTCHNOP_alloc_unbound },
        { "efault-close", EVTCHNOP_close },
        { "efault-send", EVTCHNOP_send },
        { "efault-status", EVTCHNOP_status },
        { "efault-bind-vcpu", EVTCHNOP_bind_vcpu },
        { "efault-unmask", EVTCHNOP_unmask },
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        check_eq(ops[i].name, (uint64_t)hypercall_evtchn_op(ops[i].cmd, unmapped),
                 E(EFAULT));
    /* What Basalt leaves out answers -ENOSYS before reading the argument. */
    check_eq("bind-interdomain-unmapped", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_bind_interdomain, unmapped), E(ENOSYS));
    check_eq("bind-pirq-unmapped", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_bind_pirq, unmapped), E(ENOSYS));
    check_eq("reset-unmapped", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_reset, unmapped), E(ENOSYS));
    check_eq("init-control-unmapped", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_init_control, unmapped), E(ENOSYS));
    check_eq("expand-array-unmapped", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_expand_array, unmapped), E(ENOSYS));
    struct evtchn_set_priority sp = { .port = 1, .priority = 0 };
    check_eq("set-priority-2level", (uint64_t)hypercall_evtchn_op(
             EVTCHNOP_set_priority, &sp), E(ENOSYS));
    check_eq("unknown-cmd-99", (uint64_t)hypercall_evtchn_op(99, unmapped),
             E(ENOSYS));
}

static void test_params_poll(uint32_t timer)
{
    uint64_t v;
    uint32_t ports[1] = { timer };

    check_eq("param-console-pfn", (uint64_t)rt_get_param(HVM_PARAM_CONSOLE_PFN, &v), 0);
    check_eq("param-console-evtchn",
             (uint64_t)rt_get_param(HVM_PARAM_CONSOLE_EVTCHN, &v), 0);
    check_eq("param-store-pfn", (uint64_t)rt_get_param(HVM_PARAM_STORE_PFN, &v), 0);

    /* Only a pending port: Xen would block on any other. */
    reset_bits(timer, true);
    evt_set(si->evtchn_pending, timer);
    check_eq("poll-pending", (uint64_t)poll(ports, 1), 0);
    ports[0] = 5000;
    check_eq("poll-bad-port", (uint64_t)poll(ports, 1), E(EINVAL));
    check_eq("poll-bad-ports-array", (uint64_t)poll(unmapped, 1), E(EFAULT));
    check_eq("poll-bad-struct", (uint64_t)hypercall_sched_op(SCHEDOP_poll,
             unmapped), E(EFAULT));
    ports[0] = timer;
    check_eq("poll-too-many-ports", (uint64_t)poll(ports, 129), E(EINVAL));
    reset_bits(timer, false);
}

void test_main(void)
{
    uint32_t timer = 0, global = 0, ipi = 0, unbound = 0;

    rt_begin(95);
    unmapped = rt_scratch_map(0, 0, 0);
    si = rt_map_shared_info(1, rt_hole_gpa());
    check_true("map-shared-info", si != NULL, "XENMEM_add_to_physmap");
    if (!si) {
        rt_end();
        return;
    }
    vi0 = &si->vcpu_info[0];

    test_bind_virq(&timer, &global);
    check_eq("bind-ipi", (uint64_t)bind_ipi(0, &ipi), 0);
    check_eq("bind-ipi-vcpu-4096", (uint64_t)bind_ipi(4096, NULL), E(ENOENT));
    check_eq("bind-ipi-vcpu-huge", (uint64_t)bind_ipi(0xffffffff, NULL), E(ENOENT));
    test_status(ipi, timer, global);
    test_unbound(&unbound);
    test_send_unmask(ipi, timer, unbound);
    test_bind_vcpu(ipi, timer, global, unbound);
    test_params_poll(timer);
    test_close(ipi, timer);
    test_efault();
    rt_end();
}
