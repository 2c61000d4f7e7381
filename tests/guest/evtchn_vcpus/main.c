// SPDX-License-Identifier: MIT
/*
 * Event channels across two vCPUs, with real upcalls (HVM_PARAM_CALLBACK_IRQ
 * vector form, common/smp.h): an IPI port bound to vCPU 1 and sent from
 * vCPU 0 is taken on vCPU 1; EVTCHNOP_bind_vcpu moves an unbound port and
 * a global VIRQ port to vCPU 1 and back (the hypervisor's routing is
 * exercised by EVTCHNOP_unmask of a port left pending while masked, which
 * notifies the port's vCPU); the ports bind_vcpu refuses (IPI, per-vCPU
 * VIRQ: -EINVAL; a vCPU that does not exist: -ENOENT). vCPU 1 waits in
 * HLT with interrupts on; vCPU 0 enables interrupts while it waits.
 */
#include "smp.h"

#define E(x) ((uint64_t)-(XEN_##x))
#define UPCALL_VECTOR 0x40
#define VIRQ_GLOBAL 15      /* unassigned: global, nobody else raises it */

static struct shared_info *si;
static volatile unsigned int taken[2];       /* upcall ports per vCPU */
static volatile unsigned int last_port[2];

static void on_port(unsigned int port)
{
    unsigned int id = smp_this()->id;

    if (id < 2) {
        last_port[id] = port;
        taken[id]++;
    }
}

static void vcpu1_main(unsigned int id, void *arg)
{
    (void)id;
    (void)arg;
    for (;;)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

struct arrival { unsigned int vcpu, port, before; };

static bool arrived(void *p)
{
    const struct arrival *a = p;
    return taken[a->vcpu] != a->before && last_port[a->vcpu] == a->port;
}

/* Wait (interrupts on, so vCPU 0 can take its upcalls) until port has
 * been taken on vCPU `vcpu`; true if it was, and nowhere else. */
static bool wait_on(unsigned int vcpu, unsigned int port, unsigned int before0,
                    unsigned int before1)
{
    struct arrival a = { vcpu, port, vcpu ? before1 : before0 };
    bool ok;

    __asm__ volatile("sti" ::: "memory");
    ok = smp_wait(arrived, &a, 1000 * SMP_MS);
    __asm__ volatile("cli" ::: "memory");
    return ok && taken[!vcpu] == (vcpu ? before0 : before1);
}

static long evtchn(unsigned int cmd, void *arg)
{
    return hypercall_evtchn_op(cmd, arg);
}

static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return evtchn(EVTCHNOP_bind_vcpu, &b);
}

static uint64_t status_vcpu(uint32_t port)
{
    struct evtchn_status s = { .dom = DOMID_SELF, .port = port };
    long rc = evtchn(EVTCHNOP_status, &s);
    return rc ? (uint64_t)rc : s.vcpu;
}

/* Leave port pending while masked, then unmask it: the hypervisor
 * notifies the vCPU the port is bound to. */
static long raise_by_unmask(uint32_t port)
{
    struct evtchn_unmask u = { .port = port };

    evt_set(si->evtchn_mask, port);
    evt_set(si->evtchn_pending, port);
    return evtchn(EVTCHNOP_unmask, &u);
}

/* Move port to vcpu and raise it; true if vcpu took it, and only it. */
static bool moved_to(uint32_t port, unsigned int vcpu)
{
    unsigned int b0 = taken[0], b1 = taken[1];

    return raise_by_unmask(port) == 0 && wait_on(vcpu, port, b0, b1);
}

static void test_ipi(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 1 };
    struct evtchn_send s;
    unsigned int b0, b1;

    check_eq("bind-ipi-vcpu1", (uint64_t)evtchn(EVTCHNOP_bind_ipi, &bi), 0);
    check_eq("status-ipi-vcpu1", status_vcpu(bi.port), 1);
    b0 = taken[0];
    b1 = taken[1];
    s.port = bi.port;
    check_eq("send-ipi-to-vcpu1", (uint64_t)evtchn(EVTCHNOP_send, &s), 0);
    check_eq("ipi-taken-on-vcpu1", wait_on(1, bi.port, b0, b1), 1);
    check_eq("ipi-again", (uint64_t)evtchn(EVTCHNOP_send, &s), 0);
    check_eq("ipi-again-on-vcpu1", wait_on(1, bi.port, b0, b1 + 1), 1);
    check_eq("vcpu0-no-upcall", si->vcpu_info[0].evtchn_upcall_pending, 0);
    check_eq("bind-vcpu-ipi-refused", (uint64_t)bind_vcpu(bi.port, 0), E(EINVAL));
    check_eq("bind-vcpu-ipi-same-refused", (uint64_t)bind_vcpu(bi.port, 1),
             E(EINVAL));
    check_eq("status-ipi-still-vcpu1", status_vcpu(bi.port), 1);
}

static void test_unbound(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };

    check_eq("alloc-unbound", (uint64_t)evtchn(EVTCHNOP_alloc_unbound, &a), 0);
    check_eq("unbound-on-vcpu0", moved_to(a.port, 0), 1);
    check_eq("bind-vcpu-unbound-1", (uint64_t)bind_vcpu(a.port, 1), 0);
    check_eq("status-unbound-vcpu1", status_vcpu(a.port), 1);
    check_eq("unbound-moved-to-vcpu1", moved_to(a.port, 1), 1);
    check_eq("bind-vcpu-unbound-0", (uint64_t)bind_vcpu(a.port, 0), 0);
    check_eq("unbound-moved-back", moved_to(a.port, 0), 1);
    check_eq("bind-vcpu-unbound-2", (uint64_t)bind_vcpu(a.port, 2), E(ENOENT));
    check_eq("bind-vcpu-unbound-4096", (uint64_t)bind_vcpu(a.port, 4096), E(ENOENT));
    check_eq("status-unbound-still-vcpu0", status_vcpu(a.port), 0);
}

static void test_virq(void)
{
    struct evtchn_bind_virq g = { .virq = VIRQ_GLOBAL, .vcpu = 0 };
    struct evtchn_bind_virq t = { .virq = VIRQ_TIMER, .vcpu = 1 };

    check_eq("bind-virq-global", (uint64_t)evtchn(EVTCHNOP_bind_virq, &g), 0);
    check_eq("bind-vcpu-virq-global-1", (uint64_t)bind_vcpu(g.port, 1), 0);
    check_eq("status-virq-global-vcpu1", status_vcpu(g.port), 1);
    check_eq("virq-global-moved-to-vcpu1", moved_to(g.port, 1), 1);
    check_eq("bind-virq-timer-vcpu1", (uint64_t)evtchn(EVTCHNOP_bind_virq, &t), 0);
    check_eq("status-virq-timer-vcpu1", status_vcpu(t.port), 1);
    check_eq("bind-vcpu-virq-timer-refused", (uint64_t)bind_vcpu(t.port, 0),
             E(EINVAL));
    /* Raised by hand on vCPU 1's own port: it arrives there. */
    check_eq("virq-timer-port-on-vcpu1", moved_to(t.port, 1), 1);
}

void test_main(void)
{
    rt_begin(33);
    si = rt_map_shared_info(1, rt_hole_gpa());
    check_true("map-shared-info", si != NULL, "XENMEM_add_to_physmap");
    if (!si) {
        rt_end();
        return;
    }
    smp_init(si);
    check_eq("callback-vector", (uint64_t)smp_upcall_init(UPCALL_VECTOR, on_port), 0);
    check_eq("start-vcpu1", (uint64_t)smp_start(1, vcpu1_main, NULL), 0);
    check_eq("is-up-1", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    test_ipi();
    test_unbound();
    test_virq();
    check_eq("vcpu1-took-upcalls", taken[1] >= 5, 1);
    rt_end();
}
