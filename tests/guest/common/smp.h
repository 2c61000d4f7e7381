/* SPDX-License-Identifier: MIT */
/*
 * Several vCPUs in a guest test kernel (64-bit only), header-only like
 * xenops.h: include it in one .c file of a test.
 *
 *   smp_init(si)            on vCPU 0, once: per-vCPU data, clock, IDT
 *   smp_start(n, fn, arg)   VCPUOP_initialise (64-bit context: vCPU 0's
 *                           page tables, its own stack) + VCPUOP_up; vCPU n
 *                           runs fn(n, arg) with interrupts off, and goes
 *                           down (VCPUOP_down on itself) if fn returns
 *   smp_this()              this vCPU's struct smp_cpu (through GS base)
 *   smp_barrier_wait(b, n)  all n vCPUs meet
 *   smp_wait(cond, arg, ns) spin (yielding now and then) until cond or ns
 *   smp_set_irq(slot, vec, fn)   an interrupt handler (slot 0 or 1) in
 *                                the IDT all vCPUs share
 *   smp_upcall_init(vec, on_port)  event-channel upcalls through
 *                                HVM_PARAM_CALLBACK_IRQ (vector form):
 *                                on_port(port) on the vCPU that took it
 *   smp_x2apic_init(), smp_send_ipi(apic_id, vec), smp_eoi()
 *
 * A started vCPU reloads the runtime's GDT and IDT (VCPUOP_initialise's
 * 64-bit context has flat segments with null selectors and no tables);
 * it has no TSS of its own, so it must stay at CPL 0. Results are reported
 * by vCPU 0 only (the runtime's reporting is not SMP safe).
 */
#ifndef GUEST_COMMON_SMP_H
#define GUEST_COMMON_SMP_H

#include "xenops.h"
#include "public/hvm/hvm_vcpu.h"

#define SMP_MAX_VCPUS   4
#define SMP_STACK_SIZE  16384
#define MSR_GS_BASE     0xc0000101
#define MSR_APIC_BASE   0x1b
#define MSR_X2APIC_ID   0x802
#define MSR_X2APIC_EOI  0x80b
#define MSR_X2APIC_SVR  0x80f
#define MSR_X2APIC_ICR  0x830
#define APIC_BASE_EN    (1u << 11)
#define APIC_BASE_EXTD  (1u << 10)
#define SMP_MS          1000000ULL

typedef void (*smp_fn)(unsigned int id, void *arg);

struct smp_cpu {
    struct smp_cpu *self;          /* at %gs:0 */
    unsigned int id;
    volatile uint32_t apic_id;     /* published by smp_x2apic_init() */
    volatile int started;          /* set by the vCPU once it runs */
    volatile long down_rc;         /* its VCPUOP_down if fn returned */
    smp_fn fn;
    void *arg;
    volatile uint64_t irqs;        /* interrupts this vCPU took */
};

struct smp_barrier {
    volatile unsigned int count;
    volatile unsigned int generation;
};

struct smp_desc {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static struct smp_cpu smp_cpus[SMP_MAX_VCPUS];
static uint8_t smp_stacks[SMP_MAX_VCPUS][SMP_STACK_SIZE]
    __attribute__((aligned(16)));
static struct smp_desc smp_gdt, smp_idt;
static struct shared_info *smp_si;
static void (*volatile smp_irq_fn[2])(void) __attribute__((used));
static void (*volatile smp_on_port)(unsigned int port);

/* Interrupt entry: save what C code may clobber, call the slot's handler.
 * 5 words of frame + 9 pushes keep the stack 16-byte aligned. The symbols
 * are local to the including file. */
#define SMP_IRQ_STUB(n)                                                  \
    "smp_irq_stub" #n ":\n"                                              \
    "  push %rax\n push %rcx\n push %rdx\n push %rsi\n push %rdi\n"      \
    "  push %r8\n push %r9\n push %r10\n push %r11\n"                    \
    "  movq smp_irq_fn+8*" #n "(%rip), %rax\n"                           \
    "  call *%rax\n"                                                     \
    "  pop %r11\n pop %r10\n pop %r9\n pop %r8\n pop %rdi\n"             \
    "  pop %rsi\n pop %rdx\n pop %rcx\n pop %rax\n"                      \
    "  iretq\n"
__asm__(".text\n" SMP_IRQ_STUB(0) SMP_IRQ_STUB(1));
extern char smp_irq_stub0[], smp_irq_stub1[];

static inline struct smp_cpu *smp_this(void)
{
    struct smp_cpu *c;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(c));
    return c;
}

static inline void smp_relax(unsigned int *spins)
{
    __asm__ volatile("pause" ::: "memory");
    /* With fewer host CPUs than vCPUs the one waited for may need ours. */
    if ((++*spins & 255) == 0)
        hypercall_sched_op(SCHEDOP_yield, NULL);
}

static inline uint64_t smp_now(void)
{
    return rt_system_time(&smp_si->vcpu_info[0].time);
}

/* Spin until cond(arg) is true or ns have passed; true if it became true. */
static inline bool smp_wait(bool (*cond)(void *), void *arg, uint64_t ns)
{
    uint64_t end = smp_now() + ns;
    unsigned int spins = 0;

    while (!cond(arg)) {
        if (smp_now() > end)
            return cond(arg);
        smp_relax(&spins);
    }
    return true;
}

static inline void smp_barrier_wait(struct smp_barrier *b, unsigned int n)
{
    unsigned int gen = b->generation, spins = 0;

    if (__atomic_add_fetch(&b->count, 1, __ATOMIC_SEQ_CST) == n) {
        b->count = 0;
        __atomic_add_fetch(&b->generation, 1, __ATOMIC_SEQ_CST);
        return;
    }
    while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == gen)
        smp_relax(&spins);
}

static inline void smp_set_gs(struct smp_cpu *c)
{
    c->self = c;
    rt_wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}

static inline void smp_set_irq(unsigned int slot, unsigned int vector,
                               void (*fn)(void))
{
    uint64_t stub = (uintptr_t)(slot ? smp_irq_stub1 : smp_irq_stub0);
    uint32_t *gate = (uint32_t *)(uintptr_t)(smp_idt.base + vector * 16);

    smp_irq_fn[slot] = fn;
    gate[0] = (uint32_t)(stub & 0xffff) | ((uint32_t)SEL_CODE64 << 16);
    gate[1] = (uint32_t)(stub & 0xffff0000u) | 0x8e00u; /* interrupt gate */
    gate[2] = (uint32_t)(stub >> 32);
    gate[3] = 0;
}

/* On vCPU 0, before anything else here. si: the mapped shared info. */
static inline void smp_init(struct shared_info *si)
{
    smp_si = si;
    for (unsigned int i = 0; i < SMP_MAX_VCPUS; i++)
        smp_cpus[i].id = i;
    smp_set_gs(&smp_cpus[0]);
    smp_cpus[0].started = 1;
    __asm__ volatile("sgdt %0; sidt %1" : "=m"(smp_gdt), "=m"(smp_idt));
}

static inline uint64_t smp_read_cr(int n)
{
    uint64_t v = 0;
    if (n == 0)
        __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    else if (n == 3)
        __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    else
        __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

/* Where a started vCPU begins (its rsp is its stack's top minus a slot,
 * as after a call; rdi is its id). */
static __attribute__((used, noinline, noreturn)) void smp_ap_main(unsigned long id)
{
    struct smp_cpu *c = &smp_cpus[id];

    __asm__ volatile("lgdt %0" :: "m"(smp_gdt));
    __asm__ volatile("pushq %0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %1, %%eax\n\t"
                     "movl %%eax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs"
                     :: "i"(SEL_CODE64), "i"(SEL_DATA) : "rax", "memory");
    __asm__ volatile("lidt %0" :: "m"(smp_idt));
    smp_set_gs(c);
    __atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
    c->fn((unsigned int)id, c->arg);
    __asm__ volatile("cli");
    c->down_rc = hypercall_vcpu_op(VCPUOP_down, id, NULL);
    for (;;)
        __asm__ volatile("hlt");
}

/* The context smp_start uses for vCPU id: 64-bit, vCPU 0's paging. */
static inline void smp_context(struct vcpu_hvm_context *ctx, unsigned int id)
{
    struct vcpu_hvm_x86_64 *r = &ctx->cpu_regs.x86_64;

    memset(ctx, 0, sizeof(*ctx));
    ctx->mode = VCPU_HVM_MODE_64B;
    r->rip = (uintptr_t)smp_ap_main;
    r->rsp = (uintptr_t)(smp_stacks[id] + SMP_STACK_SIZE - 8);
    r->rdi = id;
    r->rflags = 0x2;
    r->cr0 = smp_read_cr(0);
    r->cr3 = smp_read_cr(3);
    r->cr4 = smp_read_cr(4);
    r->efer = rt_rdmsr(MSR_EFER);
}

static inline bool smp_started(void *c)
{
    return __atomic_load_n(&((struct smp_cpu *)c)->started, __ATOMIC_ACQUIRE);
}

/* Start vCPU id at fn(id, arg); 0, a hypercall's error, or 1 if it did
 * not run within a second. */
static inline long smp_start(unsigned int id, smp_fn fn, void *arg)
{
    struct vcpu_hvm_context ctx;
    struct smp_cpu *c = &smp_cpus[id];
    long rc;

    if (id == 0 || id >= SMP_MAX_VCPUS)
        return -XEN_EINVAL;
    c->fn = fn;
    c->arg = arg;
    c->started = 0;
    smp_context(&ctx, id);
    rc = hypercall_vcpu_op(VCPUOP_initialise, id, &ctx);
    if (!rc)
        rc = hypercall_vcpu_op(VCPUOP_up, id, NULL);
    if (!rc && !smp_wait(smp_started, c, 1000 * SMP_MS))
        rc = 1;
    return rc;
}

/* ---- event-channel upcalls ------------------------------------------- */

static inline void smp_upcall(void)
{
    struct smp_cpu *c = smp_this();
    volatile struct vcpu_info *vi = &smp_si->vcpu_info[c->id];

    c->irqs++;
    /* Clear first: the upcall is level-like and comes again if pending. */
    vi->evtchn_upcall_pending = 0;
    xen_ulong_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
                                          __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzl(sel);
        sel &= sel - 1;
        xen_ulong_t bits = smp_si->evtchn_pending[w] & ~smp_si->evtchn_mask[w];
        while (bits) {
            unsigned int b = (unsigned int)__builtin_ctzl(bits);
            bits &= bits - 1;
            evt_clear(smp_si->evtchn_pending, w * 64 + b);
            if (smp_on_port)
                smp_on_port(w * 64 + b);
        }
    }
}

/* Upcalls at vector on every vCPU (each must enable interrupts to take
 * them); returns HVMOP_set_param's result. */
static inline long smp_upcall_init(unsigned int vector,
                                   void (*on_port)(unsigned int port))
{
    struct xen_hvm_param p = { .domid = DOMID_SELF,
                               .index = HVM_PARAM_CALLBACK_IRQ };

    smp_on_port = on_port;
    smp_set_irq(0, vector, smp_upcall);
    p.value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | vector;
    return hypercall_hvm_op(HVMOP_set_param, &p);
}

/* ---- x2APIC ------------------------------------------------------------ */

/* On each vCPU: x2APIC mode, software enabled; publishes its APIC ID. */
static inline void smp_x2apic_init(void)
{
    uint64_t base = rt_rdmsr(MSR_APIC_BASE);

    if ((base & (APIC_BASE_EN | APIC_BASE_EXTD)) != (APIC_BASE_EN | APIC_BASE_EXTD)) {
        rt_wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
        rt_wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD);
    }
    rt_wrmsr(MSR_X2APIC_SVR, 0x1ff);
    smp_this()->apic_id = (uint32_t)rt_rdmsr(MSR_X2APIC_ID);
}

/* A fixed interrupt, physical destination. */
static inline void smp_send_ipi(uint32_t apic_id, unsigned int vector)
{
    rt_wrmsr(MSR_X2APIC_ICR, ((uint64_t)apic_id << 32) | (vector & 0xff));
}

static inline void smp_eoi(void)
{
    rt_wrmsr(MSR_X2APIC_EOI, 0);
}

#endif
