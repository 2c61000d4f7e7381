// SPDX-License-Identifier: MIT
/*
 * Benchmark guest (make bench, not a test): LAPIC IPI round trip between
 * the two vCPUs of one domain. vCPU 0 writes the x2APIC ICR (fixed
 * vector, physical destination: vCPU 1's APIC ID); vCPU 1's handler
 * acknowledges (EOI) and sends the same vector back; vCPU 0's handler ends
 * the round. Both vCPUs wait by polling (spinning with interrupts on).
 * Prints "bench ipi-roundtrip-ns <median> rounds <n> ...".
 */
#include "bench_rtt.h"

#define IPI_VECTOR 0x50

static volatile int reply, ready1;

static void on_ipi(void)
{
    smp_eoi();
    if (smp_this()->id == 1)
        smp_send_ipi(smp_cpus[0].apic_id, IPI_VECTOR);
    else
        reply = 1;
}

static void vcpu1_main(unsigned int id, void *arg)
{
    (void)id;
    (void)arg;
    smp_x2apic_init();
    ready1 = 1;
    __asm__ volatile("sti");
    for (;;)
        __asm__ volatile("pause");
}

static bool is_ready(void *unused)
{
    (void)unused;
    return ready1;
}

void test_main(void)
{
    struct shared_info *si = rt_map_shared_info(1, rt_hole_gpa());
    long rc;

    if (!si) {
        rt_printf("bench ipi-roundtrip-ns fail no-shared-info\n");
        return;
    }
    smp_init(si);
    smp_x2apic_init();
    smp_set_irq(1, IPI_VECTOR, on_ipi);
    rc = smp_start(1, vcpu1_main, NULL);
    if (rc || !smp_wait(is_ready, NULL, 1000 * SMP_MS)) {
        rt_printf("bench ipi-roundtrip-ns fail setup %ld\n", rc);
        return;
    }
    __asm__ volatile("sti");
    for (unsigned int i = 0; i < RTT_WARMUP + RTT_ROUNDS; i++) {
        uint64_t t0, spins = 0;

        reply = 0;
        t0 = rtt_tsc();
        smp_send_ipi(smp_cpus[1].apic_id, IPI_VECTOR);
        while (!reply)
            if (++spins > 200000000ULL) {
                rt_printf("bench ipi-roundtrip-ns fail lost round %u\n", i);
                return;
            }
        if (i >= RTT_WARMUP)
            rtt_samples[i - RTT_WARMUP] = rtt_tsc() - t0;
    }
    __asm__ volatile("cli");
    rtt_report("ipi-roundtrip");
}
