// SPDX-License-Identifier: MIT
/*
 * Local-APIC IPIs between the 4 vCPUs of one domain, x2APIC mode: fixed
 * IPIs by physical destination (to each other vCPU, twice in a row so the
 * EOI must have cleared the ISR, and to the broadcast ID), by logical
 * destination (two vCPUs of cluster 0); the self, all-including-self and
 * all-excluding-self shorthands from vCPU 0 and from other vCPUs; the
 * x2APIC SELF IPI register; NMI to one vCPU and to all but self (IDT
 * vector 2); lowest priority (exactly one vCPU of the set, the one with
 * the lowest PPR when TPRs differ); an illegal vector (below 16): not
 * delivered, SENDILL in the sender's ESR (latched at once; Xen 4.17
 * ignores ESR writes, so it stays), the error interrupt when LVTERR is
 * unmasked, once;
 * INIT + STARTUP to a vCPU taken down with VCPUOP_down.
 *
 * Every vCPU counts what it takes per vector, in its own handler (indexed
 * by its own id; the handler also compares the x2APIC ID it reads with
 * the one the vCPU published). vCPUs 1-3 wait in STI; HLT and run
 * commands vCPU 0 posts (set TPR, send an IPI, read a register), woken by
 * a fixed IPI at another vector. A result "got=0xHHHH" is one hex digit
 * of deliveries per vCPU, vCPU 0 rightmost.
 */
#include "smp.h"

#define NCPU        4
#define V_TEST      0x50   /* the vector under test */
#define V_WAKE      0x40   /* wakes a vCPU to run its command */
#define V_ERR       0x58   /* LVTERR */
#define V_ILLEGAL   0x0e

#define MSR_X2APIC_TPR    0x808
#define MSR_X2APIC_LDR    0x80d
#define MSR_X2APIC_ISR0   0x810
#define MSR_X2APIC_IRR0   0x820
#define MSR_X2APIC_ESR    0x828
#define MSR_X2APIC_LVTERR 0x837
#define MSR_X2APIC_SELF   0x83f

#define ICR_LOWEST     (1u << 8)
#define ICR_NMI        (4u << 8)
#define ICR_INIT       (5u << 8)
#define ICR_STARTUP    (6u << 8)
#define ICR_LOGICAL    (1u << 11)
#define ICR_ASSERT     (1u << 14)
#define ICR_SELF       (1u << 18)
#define ICR_ALL        (2u << 18)
#define ICR_ALL_BUT    (3u << 18)
#define LVT_MASKED     (1u << 16)
#define ESR_SENDILL    0x20
#define BROADCAST      0xffffffffu

#define QUIET_NS    (30 * SMP_MS)    /* after the last expected delivery */
#define NONE_NS     (100 * SMP_MS)   /* when nothing is expected */

/* Written by each vCPU's own handlers. */
static volatile unsigned int hits[NCPU], nmis[NCPU], errs[NCPU];
static volatile unsigned int wrong_cpu, eoi_left_isr, other_vector;
static volatile uint32_t ldr[NCPU];
static int ready[NCPU];   /* atomics only */

enum op { OP_NONE, OP_TPR, OP_ICR, OP_ESR, OP_IRR0, OP_LVTERR };
struct cmd {
    volatile int op;
    volatile uint64_t arg, result;
};
static struct cmd cmds[NCPU];

static int isr_highest(void)
{
    for (int w = 7; w >= 0; w--) {
        uint32_t x = (uint32_t)rt_rdmsr(MSR_X2APIC_ISR0 + (uint32_t)w);
        if (x)
            return w * 32 + 31 - __builtin_clz(x);
    }
    return -1;
}

static void on_irq(void)
{
    struct smp_cpu *c = smp_this();
    int vec = isr_highest();

    if (vec == V_TEST) {
        hits[c->id]++;
        if ((uint32_t)rt_rdmsr(MSR_X2APIC_ID) != c->apic_id)
            wrong_cpu++;
    } else if (vec == V_ERR) {
        errs[c->id]++;
    } else if (vec != V_WAKE) {
        other_vector++;
    }
    smp_eoi();
    if (isr_highest() != -1)
        eoi_left_isr++;
}

static void on_nmi(void)
{
    nmis[smp_this()->id]++;
}

static void icr(uint32_t dest, uint32_t low)
{
    rt_wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | low);
}

static uint32_t esr_read(void)
{
    return (uint32_t)rt_rdmsr(MSR_X2APIC_ESR);
}

static void run_cmd(struct cmd *c)
{
    switch (c->op) {
    case OP_TPR:
        rt_wrmsr(MSR_X2APIC_TPR, c->arg);
        break;
    case OP_ICR:
        rt_wrmsr(MSR_X2APIC_ICR, c->arg);
        break;
    case OP_ESR:
        c->result = esr_read();
        break;
    case OP_IRR0:
        c->result = rt_rdmsr(MSR_X2APIC_IRR0);
        break;
    case OP_LVTERR:
        rt_wrmsr(MSR_X2APIC_LVTERR, c->arg);
        break;
    default:
        break;
    }
    __atomic_store_n(&c->op, OP_NONE, __ATOMIC_RELEASE);
}

static void ap_main(unsigned int id, void *arg)
{
    (void)arg;
    smp_x2apic_init();
    ldr[id] = (uint32_t)rt_rdmsr(MSR_X2APIC_LDR);
    __atomic_store_n(&ready[id], 1, __ATOMIC_RELEASE);
    for (;;) {
        __asm__ volatile("sti; hlt; cli" ::: "memory");
        if (__atomic_load_n(&cmds[id].op, __ATOMIC_ACQUIRE) != OP_NONE)
            run_cmd(&cmds[id]);
    }
}

static bool cmd_done(void *c)
{
    return __atomic_load_n(&((struct cmd *)c)->op, __ATOMIC_ACQUIRE) == OP_NONE;
}

/* Have vCPU id run op(arg); its result, or ~0 if it did not. */
static uint64_t on_vcpu(unsigned int id, enum op op, uint64_t arg)
{
    struct cmd *c = &cmds[id];

    c->arg = arg;
    c->result = ~0ull;
    __atomic_store_n(&c->op, op, __ATOMIC_RELEASE);
    smp_send_ipi(smp_cpus[id].apic_id, V_WAKE);
    if (!smp_wait(cmd_done, c, 1000 * SMP_MS))
        return ~0ull;
    return c->result;
}

/* One hex digit per vCPU (capped at 15), vCPU 0 rightmost. */
static uint64_t pattern(volatile unsigned int *n)
{
    uint64_t p = 0;

    for (unsigned int i = 0; i < NCPU; i++)
        p |= (uint64_t)(n[i] > 15 ? 15 : n[i]) << (4 * i);
    return p;
}

static void clear_counts(void)
{
    for (unsigned int i = 0; i < NCPU; i++)
        hits[i] = nmis[i] = errs[i] = 0;
}

struct expect { volatile unsigned int *n; uint64_t want; };

static bool reached(void *p)
{
    const struct expect *e = p;
    uint64_t got = pattern(e->n);

    /* Every vCPU has at least what it should get. */
    for (unsigned int i = 0; i < NCPU; i++)
        if (((got >> (4 * i)) & 0xf) < ((e->want >> (4 * i)) & 0xf))
            return false;
    return true;
}

static bool never(void *unused)
{
    (void)unused;
    return false;
}

/* Wait, with interrupts on, until counts n reach want (or a second has
 * passed), then a quiet period for deliveries that should not come;
 * returns the counts' pattern. */
static uint64_t settle(volatile unsigned int *n, uint64_t want)
{
    struct expect e = { n, want };

    __asm__ volatile("sti" ::: "memory");
    smp_wait(reached, &e, 1000 * SMP_MS);
    smp_wait(never, NULL, want ? QUIET_NS : NONE_NS);
    __asm__ volatile("cli" ::: "memory");
    return pattern(n);
}

static uint64_t one_hit(unsigned int id)
{
    return 1ull << (4 * id);
}

static void test_fixed(void)
{
    static const char *const names[NCPU] = {
        NULL, "fixed-to-vcpu1", "fixed-to-vcpu2", "fixed-to-vcpu3" };

    for (unsigned int t = 1; t < NCPU; t++) {
        clear_counts();
        icr(smp_cpus[t].apic_id, V_TEST);
        check_eq(names[t], settle(hits, one_hit(t)), one_hit(t));
    }
    /* The second one is taken only if the first one's EOI cleared the ISR. */
    clear_counts();
    icr(smp_cpus[2].apic_id, V_TEST);
    settle(hits, one_hit(2));
    icr(smp_cpus[2].apic_id, V_TEST);
    check_eq("fixed-twice-vcpu2", settle(hits, 2 * one_hit(2)), 2 * one_hit(2));
    clear_counts();
    icr(BROADCAST, V_TEST);
    check_eq("fixed-broadcast-id", settle(hits, 0x1111), 0x1111);
    check_eq("handler-on-target", wrong_cpu, 0);
    check_eq("eoi-clears-isr", eoi_left_isr, 0);

    /* Logical destination: vCPUs 2 and 3, if they share a cluster. */
    clear_counts();
    if ((ldr[2] >> 16) == (ldr[3] >> 16))
        icr(ldr[2] | (ldr[3] & 0xffff), ICR_LOGICAL | V_TEST);
    check_eq("fixed-logical-vcpu2-3", settle(hits, 0x1100), 0x1100);
}

static void test_shorthands(void)
{
    clear_counts();
    icr(0, ICR_SELF | V_TEST);
    check_eq("self-shorthand", settle(hits, 0x0001), 0x0001);
    clear_counts();
    rt_wrmsr(MSR_X2APIC_SELF, V_TEST);
    check_eq("self-ipi-register", settle(hits, 0x0001), 0x0001);
    clear_counts();
    icr(0, ICR_ALL | V_TEST);
    check_eq("all-including-self", settle(hits, 0x1111), 0x1111);
    clear_counts();
    icr(0, ICR_ALL_BUT | V_TEST);
    check_eq("all-excluding-self", settle(hits, 0x1110), 0x1110);
    /* Sent by other vCPUs. */
    clear_counts();
    on_vcpu(2, OP_ICR, ICR_ALL_BUT | V_TEST);
    check_eq("all-excluding-self-from-vcpu2", settle(hits, 0x1011), 0x1011);
    clear_counts();
    on_vcpu(3, OP_ICR, ICR_SELF | V_TEST);
    check_eq("self-shorthand-from-vcpu3", settle(hits, 0x1000), 0x1000);
    clear_counts();
    on_vcpu(1, OP_ICR, ((uint64_t)smp_cpus[3].apic_id << 32) | V_TEST);
    check_eq("fixed-vcpu1-to-vcpu3", settle(hits, 0x1000), 0x1000);
    check_eq("shorthands-on-target", wrong_cpu, 0);
}

static void test_nmi(void)
{
    clear_counts();
    icr(smp_cpus[2].apic_id, ICR_NMI | ICR_ASSERT);
    check_eq("nmi-to-vcpu2", settle(nmis, 0x0100), 0x0100);
    clear_counts();
    icr(0, ICR_ALL_BUT | ICR_NMI | ICR_ASSERT);
    check_eq("nmi-all-excluding-self", settle(nmis, 0x1110), 0x1110);
    check_eq("nmi-no-fixed-vector", pattern(hits), 0);
}

static void test_lowest(void)
{
    uint64_t p;
    unsigned int total = 0;

    /* vCPUs 1 and 2 raise their TPR: vCPU 3 has the lowest priority. */
    on_vcpu(1, OP_TPR, 0x20);
    on_vcpu(2, OP_TPR, 0x20);
    clear_counts();
    icr(0, ICR_ALL_BUT | ICR_LOWEST | V_TEST);
    check_eq("lowest-lowest-ppr", settle(hits, 0x1000), 0x1000);
    on_vcpu(1, OP_TPR, 0);
    on_vcpu(2, OP_TPR, 0);
    /* Equal priorities: one of them. */
    clear_counts();
    icr(0, ICR_ALL_BUT | ICR_LOWEST | V_TEST);
    p = settle(hits, 0);   /* waits NONE_NS for whatever comes */
    for (unsigned int i = 0; i < NCPU; i++)
        total += (p >> (4 * i)) & 0xf;
    check_eq("lowest-equal-exactly-one", total, 1);
    check_eq("lowest-equal-not-sender", p & 0xf, 0);
    clear_counts();
    icr(smp_cpus[1].apic_id, ICR_LOWEST | V_TEST);
    check_eq("lowest-physical-vcpu1", settle(hits, 0x0010), 0x0010);
}

static void test_illegal(void)
{
    check_eq("esr-initially-zero", esr_read(), 0);
    clear_counts();
    icr(smp_cpus[1].apic_id, V_ILLEGAL);
    check_eq("illegal-fixed-sendill", esr_read(), ESR_SENDILL);
    settle(hits, 0);
    check_eq("illegal-target-esr", on_vcpu(1, OP_ESR, 0), 0);
    check_eq("illegal-target-irr0", on_vcpu(1, OP_IRR0, 0), 0);
    /* Xen 4.17 ignores writes to the ESR: errors stay latched. */
    rt_wrmsr(MSR_X2APIC_ESR, 0);
    check_eq("esr-after-write-0", esr_read(), ESR_SENDILL);
    /* So the next errors are looked for on vCPUs whose ESR is still clean. */
    on_vcpu(2, OP_ICR, ICR_ALL_BUT | ICR_LOWEST | V_ILLEGAL);
    check_eq("illegal-lowest-sendill", on_vcpu(2, OP_ESR, 0), ESR_SENDILL);
    /* LVTERR unmasked on vCPU 1: its first error raises the interrupt. */
    clear_counts();
    on_vcpu(1, OP_LVTERR, V_ERR);
    on_vcpu(1, OP_ICR, ICR_SELF | V_ILLEGAL);
    check_eq("illegal-error-interrupt", settle(errs, 0x0010), 0x0010);
    check_eq("illegal-self-sendill", on_vcpu(1, OP_ESR, 0), ESR_SENDILL);
    /* An error already latched raises no second interrupt. */
    on_vcpu(1, OP_ICR, ICR_ALL_BUT | V_ILLEGAL);
    check_eq("error-interrupt-once", settle(errs, 0x0010), 0x0010);
    on_vcpu(1, OP_LVTERR, LVT_MASKED | V_ERR);
    check_eq("illegal-never-delivered", pattern(hits), 0);
    check_eq("no-other-vector", other_vector, 0);
}

/*
 * INIT, then STARTUP at vector 0x07, to vCPU 3 after VCPUOP_down: it
 * starts in real mode at 0x7000, where a stub marks 0x7100, waits for
 * 0x7101 to be set and halts with interrupts off (a down vCPU then).
 */
#define SIPI_VECTOR 0x07
#define SIPI_PAGE   ((uintptr_t)SIPI_VECTOR << 12)
#define SIPI_MARK   0x5a
static const uint8_t sipi_stub[] = {
    0x2e, 0xc6, 0x06, 0x00, 0x01, SIPI_MARK,  /* movb $MARK, %cs:0x100 */
    0xf3, 0x90,                               /* 1: pause */
    0x2e, 0x80, 0x3e, 0x01, 0x01, 0x01,       /* cmpb $1, %cs:0x101 */
    0x75, 0xf6,                               /* jne 1b */
    0xfa,                                     /* cli */
    0xf4, 0xeb, 0xfd,                         /* 2: hlt; jmp 2b */
};

static bool marked(void *p)
{
    return *(volatile uint8_t *)p == SIPI_MARK;
}

static bool vcpu3_down(void *unused)
{
    (void)unused;
    return hypercall_vcpu_op(VCPUOP_is_up, 3, NULL) == 0;
}

static void test_init_sipi(void)
{
    volatile uint8_t *mark = (volatile uint8_t *)(SIPI_PAGE + 0x100);

    memcpy((void *)SIPI_PAGE, sipi_stub, sizeof(sipi_stub));
    mark[0] = 0;
    mark[1] = 0;
    check_eq("down-vcpu3", (uint64_t)hypercall_vcpu_op(VCPUOP_down, 3, NULL), 0);
    smp_wait(vcpu3_down, NULL, 1000 * SMP_MS);
    icr(smp_cpus[3].apic_id, ICR_INIT | ICR_ASSERT);
    smp_wait(never, NULL, 10 * SMP_MS);
    icr(smp_cpus[3].apic_id, ICR_STARTUP | SIPI_VECTOR);
    smp_wait(marked, (void *)(uintptr_t)(SIPI_PAGE + 0x100), 1000 * SMP_MS);
    check_eq("init-sipi-runs-real-mode", *mark, SIPI_MARK);
    check_eq("init-sipi-is-up", (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 3, NULL), 1);
    mark[1] = 1;
    smp_wait(vcpu3_down, NULL, 1000 * SMP_MS);
    check_eq("init-sipi-cli-hlt-is-down",
             (uint64_t)hypercall_vcpu_op(VCPUOP_is_up, 3, NULL), 0);
}

static bool ids_distinct(void)
{
    for (unsigned int i = 0; i < NCPU; i++)
        for (unsigned int j = i + 1; j < NCPU; j++)
            if (smp_cpus[i].apic_id == smp_cpus[j].apic_id)
                return false;
    return true;
}

static bool is_ready(void *p)
{
    return __atomic_load_n((int *)p, __ATOMIC_ACQUIRE);
}

void test_main(void)
{
    struct shared_info *si;
    unsigned int started = 0;

    rt_begin(41);
    si = rt_map_shared_info(1, rt_hole_gpa());
    check_true("map-shared-info", si != NULL, "XENMEM_add_to_physmap");
    if (!si) {
        rt_end();
        return;
    }
    smp_init(si);
    smp_x2apic_init();
    ldr[0] = (uint32_t)rt_rdmsr(MSR_X2APIC_LDR);
    smp_set_irq(0, V_TEST, on_irq);
    smp_set_irq(0, V_WAKE, on_irq);
    smp_set_irq(0, V_ERR, on_irq);
    smp_set_irq(1, 2, on_nmi);
    for (unsigned int i = 1; i < NCPU; i++)
        if (smp_start(i, ap_main, NULL) == 0 &&
            smp_wait(is_ready, &ready[i], 1000 * SMP_MS))
            started++;
    check_eq("start-vcpus", started, NCPU - 1);
    if (started != NCPU - 1) {
        rt_end();
        return;
    }
    check_eq("apic-ids-distinct", ids_distinct(), 1);
    test_fixed();
    test_shorthands();
    test_nmi();
    test_lowest();
    test_illegal();
    test_init_sipi();
    rt_end();
}
