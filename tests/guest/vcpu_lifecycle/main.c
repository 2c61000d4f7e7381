// SPDX-License-Identifier: MIT
/*
 * Starting and stopping vCPUs (4 of them): VCPUOP_initialise with every
 * kind of bad context (-EINVAL, and the vCPU stays uninitialised), bad ids
 * (-ENOENT), an unmapped argument (-EFAULT, read before anything else), a
 * vCPU that already has registers (-EEXIST); VCPUOP_up before initialise
 * (-EINVAL), twice (0); VCPUOP_down of a running vCPU from another one, of
 * itself (it continues after the call at the next up, which returns 0),
 * and of a vCPU already down (0); VCPUOP_is_up along the way. vCPU 1 runs
 * C code in 64-bit mode (common/smp.h); vCPUs 2 and 3 run a 32-bit stub,
 * in compatibility mode under vCPU 0's 4-level paging and in flat
 * protected mode without paging, and end in CLI; HLT.
 */
#include "smp.h"

#define E(x) ((uint64_t)-(XEN_##x))

#define AR_CODE32 0xc9b   /* exec/read, accessed, S, P, D, G */
#define AR_DATA32 0xc93   /* read/write, accessed, S, P, D, G */
#define AR_TSS32  0x08b   /* 32-bit TSS, busy, P */
#define CR0_PE    0x1
#define CR0_ET    0x10

static void *unmapped;

/* vCPU 1's side: count, and follow vCPU 0's requests. */
static volatile uint64_t counter;
static volatile int ask_self_down, resumed, ask_return;
static volatile long self_down_rc = 0x5a5a;

/* Written by the 32-bit stub (vCPUs 2 and 3): the vCPU id it was given. */
volatile uint32_t lc_flag32[4];

__asm__(".text\n"
        ".code32\n"
        "lc_stub32:\n"
        "  movl $0xc0de0000, %eax\n"
        "  orl %ebx, %eax\n"
        "  movl %eax, lc_flag32(,%ebx,4)\n"
        "1: cli\n"
        "  hlt\n"
        "  jmp 1b\n"
        ".code64\n");
extern char lc_stub32[];

static void vcpu1_main(unsigned int id, void *arg)
{
    (void)arg;
    for (;;) {
        counter++;
        if (ask_self_down) {
            ask_self_down = 0;
            self_down_rc = hypercall_vcpu_op(VCPUOP_down, id, NULL);
            resumed = 1;
        }
        if (ask_return)
            return;
        __asm__ volatile("pause");
    }
}

static long init(unsigned long id, struct vcpu_hvm_context *c)
{
    return hypercall_vcpu_op(VCPUOP_initialise, id, c);
}

static long is_up(unsigned long id)
{
    return hypercall_vcpu_op(VCPUOP_is_up, id, NULL);
}

static bool is_down(void *id)
{
    return is_up((uintptr_t)id) == 0;
}

/* vCPU 1 counted at least twice past *baseline. */
static bool counting_past(void *baseline)
{
    return counter > *(uint64_t *)baseline + 1;
}

static bool never(void *unused)
{
    (void)unused;
    return false;
}

static bool flag_set(void *p)
{
    return *(volatile int *)p != 0;
}

static bool stub_ran(void *p)
{
    return *(volatile uint32_t *)p != 0;
}

/* A good 32-bit context: flat segments, eip at the stub, ebx the id. */
static void ctx32(struct vcpu_hvm_context *c, unsigned int id, bool paging)
{
    struct vcpu_hvm_x86_32 *r = &c->cpu_regs.x86_32;

    memset(c, 0, sizeof(*c));
    c->mode = VCPU_HVM_MODE_32B;
    r->eip = (uint32_t)(uintptr_t)lc_stub32;
    r->ebx = id;
    r->eflags = 0x2;
    r->cr0 = CR0_PE | CR0_ET;
    r->cs_ar = AR_CODE32;
    r->ds_ar = r->ss_ar = r->es_ar = AR_DATA32;
    r->tr_ar = AR_TSS32;
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffff;
    r->tr_limit = 0x67;
    if (paging) {  /* compatibility mode: 4-level paging, LME (LMA added) */
        r->cr0 |= CR0_PG | CR0_WP;
        r->cr3 = (uint32_t)smp_read_cr(3);
        r->cr4 = CR4_PAE;
        r->efer = EFER_LME;
    }
}

/* Each bad context on vCPU 1: -EINVAL, and nothing initialised. */
static void test_bad_contexts(void)
{
    struct vcpu_hvm_context c;
    struct vcpu_hvm_x86_64 *r64 = &c.cpu_regs.x86_64;
    struct vcpu_hvm_x86_32 *r32 = &c.cpu_regs.x86_32;

#define BAD64(name, change) do { smp_context(&c, 1); change; \
        check_eq(name, (uint64_t)init(1, &c), E(EINVAL)); } while (0)
#define BAD32(name, change) do { ctx32(&c, 1, false); change; \
        check_eq(name, (uint64_t)init(1, &c), E(EINVAL)); } while (0)

    BAD64("bad-pad", c.pad = 1);
    BAD64("bad-mode-2", c.mode = 2);
    BAD64("bad-mode-huge", c.mode = 0xffffffff);
    BAD64("bad64-rip-noncanonical", r64->rip = 0x0000800000000000ULL);
    BAD64("bad64-no-paging", r64->cr0 &= ~(uint64_t)CR0_PG);
    BAD64("bad64-no-pae", r64->cr4 &= ~(uint64_t)CR4_PAE);
    BAD64("bad64-no-lme", r64->efer &= ~(uint64_t)EFER_LME);
    BAD64("bad64-cr4-reserved-15", r64->cr4 |= 1u << 15);
    BAD64("bad64-cr4-high", r64->cr4 |= 1ULL << 40);
    BAD64("bad64-efer-reserved-1", r64->efer |= 1u << 1);
    BAD64("bad64-efer-svme", r64->efer |= 1u << 12);
    BAD64("bad64-efer-high", r64->efer |= 1ULL << 40);

    BAD32("bad32-pad1", r32->pad1 = 1);
    BAD32("bad32-pad2", r32->pad2[2] = 1);
    BAD32("bad32-cs-null", r32->cs_ar = 0);
    BAD32("bad32-ss-null", r32->ss_ar = 0);
    BAD32("bad32-tr-null", r32->tr_ar = 0);
    BAD32("bad32-cs-data", r32->cs_ar = AR_DATA32);
    BAD32("bad32-cs-system", r32->cs_ar = AR_CODE32 & ~0x10);
    BAD32("bad32-cs-not-present", r32->cs_ar = AR_CODE32 & ~0x80);
    BAD32("bad32-cs-attr-bit-12", r32->cs_ar = AR_CODE32 | 0x1000);
    BAD32("bad32-ss-code", r32->ss_ar = AR_CODE32);
    BAD32("bad32-ss-read-only", r32->ss_ar = AR_DATA32 & ~0x2);
    BAD32("bad32-ds-exec-only", r32->ds_ar = 0xc99);
    BAD32("bad32-es-system", r32->es_ar = AR_TSS32);
    BAD32("bad32-tr-code", r32->tr_ar = AR_CODE32);
    BAD32("bad32-tr-16bit-tss", r32->tr_ar = 0x081);
    BAD32("bad32-eip-beyond-limit", (r32->cs_ar = 0x49b, r32->cs_limit = 0xfff,
                                     r32->eip = 0x1000));
    BAD32("bad32-eip-beyond-pages", (r32->cs_limit = 0xff, r32->eip = 0x100000));
    BAD32("bad32-ss-dpl", r32->ss_ar = AR_DATA32 | 0x60);
    BAD32("bad32-ds-dpl", (r32->cs_ar = AR_CODE32 | 0x20, r32->ss_ar = AR_DATA32 | 0x20,
                           r32->ds_ar = AR_DATA32 | 0x40));
    BAD32("bad32-lma-without-lme", r32->efer = 1u << 10);
    BAD32("bad32-cr4-reserved-15", r32->cr4 = 1u << 15);
    BAD32("bad32-efer-svme", r32->efer = 1u << 12);
#undef BAD64
#undef BAD32
    check_eq("is-up-1-after-bad", (uint64_t)is_up(1), 0);
    check_eq("up-1-after-bad", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 1, NULL),
             E(EINVAL));
}

static void test_ids(void)
{
    struct vcpu_hvm_context c;

    smp_context(&c, 1);
    check_eq("init-vcpu-4096", (uint64_t)init(4096, &c), E(ENOENT));
    check_eq("init-vcpu-huge", (uint64_t)init(0xffffffff, &c), E(ENOENT));
    check_eq("up-vcpu-4096", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 4096, NULL),
             E(ENOENT));
    check_eq("down-vcpu-4096", (uint64_t)hypercall_vcpu_op(VCPUOP_down, 4096,
             NULL), E(ENOENT));
    /* Argument first, then "has registers", then the context. */
    check_eq("init-unmapped", (uint64_t)init(1, unmapped), E(EFAULT));
    check_eq("init-vcpu0-unmapped", (uint64_t)init(0, unmapped), E(EFAULT));
    check_eq("init-vcpu0", (uint64_t)init(0, &c), E(EEXIST));
    c.mode = 7;
    check_eq("init-vcpu0-bad-ctx", (uint64_t)init(0, &c), E(EEXIST));
}

static void test_vcpu1(void)
{
    struct vcpu_hvm_context c;
    struct smp_cpu *c1 = &smp_cpus[1];
    uint64_t before, after, base;

    c1->fn = vcpu1_main;
    smp_context(&c, 1);
    check_eq("init-1", (uint64_t)init(1, &c), 0);
    check_eq("init-1-again", (uint64_t)init(1, &c), E(EEXIST));
    check_eq("is-up-1-initialised", (uint64_t)is_up(1), 0);
    check_eq("up-1", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    check_eq("vcpu1-started", smp_wait(smp_started, c1, 1000 * SMP_MS), 1);
    base = counter;
    check_eq("vcpu1-counts", smp_wait(counting_past, &base, 1000 * SMP_MS), 1);
    check_eq("is-up-1-running", (uint64_t)is_up(1), 1);
    check_eq("up-1-again", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);

    /* Down from vCPU 0 while it runs: it stops (soon; Xen is lazy). */
    check_eq("down-1-remote", (uint64_t)hypercall_vcpu_op(VCPUOP_down, 1, NULL), 0);
    check_eq("is-up-1-down", (uint64_t)is_up(1), 0);
    smp_wait(never, NULL, 20 * SMP_MS);  /* let it stop */
    before = counter;
    smp_wait(never, NULL, 50 * SMP_MS);
    after = counter;
    check_eq("down-1-stopped", after - before, 0);
    check_eq("down-1-again", (uint64_t)hypercall_vcpu_op(VCPUOP_down, 1, NULL), 0);
    check_eq("is-up-1-still-down", (uint64_t)is_up(1), 0);
    check_eq("up-1-resume", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 1, NULL), 0);
    base = counter;
    check_eq("up-1-counts-again", smp_wait(counting_past, &base, 1000 * SMP_MS), 1);

    /* Down by itself: it continues after the call once up again. */
    ask_self_down = 1;
    check_eq("self-down", smp_wait(is_down, (void *)1, 1000 * SMP_MS), 1);
    check_eq("self-down-not-resumed", resumed, 0);
    check_eq("up-1-after-self-down", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 1,
             NULL), 0);
    check_eq("self-down-resumed", smp_wait(flag_set, (void *)(uintptr_t)&resumed,
             1000 * SMP_MS), 1);
    check_eq("self-down-rc", (uint64_t)self_down_rc, 0);

    /* fn returns: smp.h takes it down (VCPUOP_down on itself). */
    ask_return = 1;
    check_eq("return-down", smp_wait(is_down, (void *)1, 1000 * SMP_MS), 1);
}

static void test_32bit(void)
{
    struct vcpu_hvm_context c;

    ctx32(&c, 2, true);
    check_eq("init-2-compat-paging", (uint64_t)init(2, &c), 0);
    check_eq("up-2", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 2, NULL), 0);
    check_eq("vcpu2-compat-ran", smp_wait(stub_ran, (void *)(uintptr_t)&lc_flag32[2],
             1000 * SMP_MS) ? lc_flag32[2] : 0, 0xc0de0002);
    ctx32(&c, 3, false);
    check_eq("init-3-flat", (uint64_t)init(3, &c), 0);
    check_eq("up-3", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 3, NULL), 0);
    check_eq("vcpu3-flat-ran", smp_wait(stub_ran, (void *)(uintptr_t)&lc_flag32[3],
             1000 * SMP_MS) ? lc_flag32[3] : 0, 0xc0de0003);
    /* HLT with interrupts off: Xen takes the vCPU down (a real CPU would
     * wait for an NMI); Basalt only blocks it (recorded difference). */
    smp_wait(is_down, (void *)3, 200 * SMP_MS);
    check_eq("is-up-3-after-cli-hlt", (uint64_t)is_up(3), 0);
}

void test_main(void)
{
    struct shared_info *si;

    rt_begin(80);
    unmapped = rt_scratch_map(0, 0, 0);
    si = rt_map_shared_info(1, rt_hole_gpa());
    check_true("map-shared-info", si != NULL, "XENMEM_add_to_physmap");
    if (!si) {
        rt_end();
        return;
    }
    smp_init(si);
    check_eq("is-up-0", (uint64_t)is_up(0), 1);
    check_eq("is-up-1-initially", (uint64_t)is_up(1), 0);
    check_eq("is-up-3-initially", (uint64_t)is_up(3), 0);
    check_eq("is-up-4", (uint64_t)is_up(4), E(ENOENT));
    check_eq("up-1-uninitialised", (uint64_t)hypercall_vcpu_op(VCPUOP_up, 1,
             NULL), E(EINVAL));
    check_eq("down-2-never-up", (uint64_t)hypercall_vcpu_op(VCPUOP_down, 2,
             NULL), 0);
    check_eq("is-up-2-after-down", (uint64_t)is_up(2), 0);
    test_ids();
    test_bad_contexts();
    test_vcpu1();
    test_32bit();
    rt_end();
}
