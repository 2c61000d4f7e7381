// SPDX-License-Identifier: MIT
/*
 * The IDT, the TSS (the stack CPL 3 code traps onto) and the C side of every
 * exception: a fault inside run_expecting_fault() ends that function and is
 * returned to the test; any other exception is reported as FAIL and crashes
 * the domain.
 */
#include "internal.h"
#include "public/sched.h"

#ifdef __x86_64__
struct frame {
    unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
    unsigned long bp, di, si, dx, cx, bx, ax;
    unsigned long vector, error_code, ip, cs, flags, sp, ss;
};
struct gate { uint16_t off0, sel; uint8_t ist, type; uint16_t off1;
              uint32_t off2, zero; };
struct tss { uint32_t r0; uint64_t rsp0, rsp1, rsp2, r1, ist[7], r2;
             uint16_t r3, iomap; } __attribute__((packed));
#else
struct frame {
    unsigned long di, si, bp, sp_unused, bx, dx, cx, ax;
    unsigned long vector, error_code, ip, cs, flags;
};
struct gate { uint16_t off0, sel; uint8_t zero, type; uint16_t off1; };
#endif

extern const unsigned long rt_stub_table[33];
extern uint64_t rt_gdt[];

static struct gate idt[256] __attribute__((aligned(16)));
static struct rt_jmp catch_jmp, user_jmp;
static volatile bool catching, in_user;
static struct exinfo caught;
static long user_result;

#ifdef __x86_64__
static struct tss tss __attribute__((aligned(16)));
static uint8_t trap_stack[8192] __attribute__((aligned(16)));
static uint8_t user_stack[8192] __attribute__((aligned(16)));
#endif

static void set_gate(unsigned int vec, unsigned long handler, unsigned int dpl)
{
    struct gate *g = &idt[vec];
    g->off0 = (uint16_t)handler;
    g->off1 = (uint16_t)(handler >> 16);
#ifdef __x86_64__
    g->sel = SEL_CODE64;
    g->off2 = (uint32_t)(handler >> 32);
#else
    g->sel = SEL_CODE32;
#endif
    g->type = (uint8_t)(0x8e | (dpl << 5));   /* present interrupt gate */
}

void rt_traps_init(void)
{
    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, rt_stub_table[v], 0);
    set_gate(RT_USER_RETURN_VECTOR, rt_stub_table[32], 3);
    struct { uint16_t limit; unsigned long base; } __attribute__((packed))
        desc = { sizeof(idt) - 1, (unsigned long)idt };
    __asm__ volatile("lidt %0" :: "m"(desc));
#ifdef __x86_64__
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    tss.rsp0 = (uint64_t)(trap_stack + sizeof(trap_stack));
    tss.iomap = sizeof(tss);
    rt_gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                          (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
                          (((base >> 24) & 0xff) << 56);
    rt_gdt[SEL_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" :: "r"(SEL_TSS));
#endif
}

static unsigned long read_cr2(void)
{
    unsigned long v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

void rt_trap(struct frame *f);
void rt_trap(struct frame *f)
{
    if (f->vector == RT_USER_RETURN_VECTOR && in_user) {
        in_user = false;
        user_result = (long)f->di;
        rt_longjmp(&user_jmp, 1);
    }
    if (catching && f->vector < 32) {
        catching = false;
        caught.vector = (int)f->vector;
        caught.error_code = f->error_code;
        caught.ip = f->ip;
        caught.cr2 = f->vector == EXC_PF ? read_cr2() : 0;
        rt_longjmp(&catch_jmp, 1);
    }
    rt_printf("FAIL unexpected-exception vector=%lu error=%#lx ip=%#lx "
              "cr2=%#lx\nEND\n", f->vector, f->error_code, f->ip, read_cr2());
    rt_shutdown(SHUTDOWN_crash);
    rt_halt();
}

struct exinfo run_expecting_fault(void (*fn)(void *), void *arg)
{
    caught = (struct exinfo){ .vector = -1 };
    catching = true;
    if (rt_setjmp(&catch_jmp) == 0) {
        fn(arg);
        catching = false;
    }
    return caught;
}

#ifdef __x86_64__
void rt_enter_user(long (*fn)(void *), void *arg, void *stack_top);

long rt_run_user(long (*fn)(void *), void *arg)
{
    in_user = true;
    if (rt_setjmp(&user_jmp) == 0)
        rt_enter_user(fn, arg, user_stack + sizeof(user_stack));
    return user_result;
}
#endif
