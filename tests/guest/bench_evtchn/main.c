// SPDX-License-Identifier: MIT
/*
 * Benchmark guest (make bench, not a test): event-channel ping-pong
 * between the two vCPUs of one domain. Each vCPU has an IPI port
 * (EVTCHNOP_bind_ipi); vCPU 0 sends to vCPU 1's port, vCPU 1's upcall
 * handler sends back to vCPU 0's port, and vCPU 0's handler ends the
 * round. Both vCPUs wait by polling (spinning with interrupts on), so a
 * round is two sends, two kicks of a running vCPU and two upcall
 * injections. Prints "bench evtchn-pingpong-ns <median> rounds <n> ...".
 */
#include "bench_rtt.h"

#define UPCALL_VECTOR 0x40

static uint32_t port0, port1;
static volatile int reply;

static void send(uint32_t port)
{
    struct evtchn_send s = { .port = port };
    hypercall_evtchn_op(EVTCHNOP_send, &s);
}

static void on_port(unsigned int port)
{
    if (smp_this()->id == 1 && port == port1)
        send(port0);
    else if (port == port0)
        reply = 1;
}

static void vcpu1_main(unsigned int id, void *arg)
{
    (void)id;
    (void)arg;
    __asm__ volatile("sti");
    for (;;)
        __asm__ volatile("pause");
}

static uint32_t bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    return hypercall_evtchn_op(EVTCHNOP_bind_ipi, &b) ? 0 : b.port;
}

void test_main(void)
{
    struct shared_info *si = rt_map_shared_info(1, rt_hole_gpa());
    long rc;

    if (!si) {
        rt_printf("bench evtchn-pingpong-ns fail no-shared-info\n");
        return;
    }
    smp_init(si);
    port0 = bind_ipi(0);
    port1 = bind_ipi(1);
    rc = smp_upcall_init(UPCALL_VECTOR, on_port);
    if (!port0 || !port1 || rc || (rc = smp_start(1, vcpu1_main, NULL))) {
        rt_printf("bench evtchn-pingpong-ns fail setup %ld\n", rc);
        return;
    }
    __asm__ volatile("sti");
    for (unsigned int i = 0; i < RTT_WARMUP + RTT_ROUNDS; i++) {
        uint64_t t0, spins = 0;

        reply = 0;
        t0 = rtt_tsc();
        send(port1);
        while (!reply)
            if (++spins > 200000000ULL) {
                rt_printf("bench evtchn-pingpong-ns fail lost round %u\n", i);
                return;
            }
        if (i >= RTT_WARMUP)
            rtt_samples[i - RTT_WARMUP] = rtt_tsc() - t0;
    }
    __asm__ volatile("cli");
    rtt_report("evtchn-pingpong");
}
