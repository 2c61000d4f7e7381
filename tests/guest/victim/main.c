// SPDX-License-Identifier: MIT
/*
 * Victim for the isolation tests (Basalt only, not in the manifest): it
 * misbehaves in the way its command line names ("action=<name>"), while
 * a witness domain on the same CPU must keep running on time.
 */
#include "rt.h"

static const char *action(void)
{
    const char *c = (const char *)(uintptr_t)rt_start_info->cmdline_paddr;
    const char *p;

    if (!rt_start_info->cmdline_paddr)
        return "";
    for (p = c; *p; p++)
        if (p[0] == 'a' && !memcmp(p, "action=", 7))
            return p + 7;
    return "";
}

static bool is(const char *a, const char *name)
{
    size_t n = strlen(name);
    return !memcmp(a, name, n) && (a[n] == '\0' || a[n] == ' ');
}

static void triple_fault(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };

    __asm__ volatile("lidt %0; int3" :: "m"(none));
}

/* Each instruction Basalt intercepts and refuses with #UD. */
static void i_vmrun(void *a) { __asm__ volatile("vmrun" :: "a"(0)); }
static void i_vmload(void *a) { __asm__ volatile("vmload" :: "a"(0)); }
static void i_vmsave(void *a) { __asm__ volatile("vmsave" :: "a"(0)); }
static void i_stgi(void *a) { __asm__ volatile("stgi"); }
static void i_clgi(void *a) { __asm__ volatile("clgi"); }
static void i_skinit(void *a) { __asm__ volatile("skinit" :: "a"(0)); }
static void i_invlpga(void *a) { __asm__ volatile("invlpga" :: "a"(0), "c"(0)); }
static void i_monitor(void *a) { __asm__ volatile("monitor" :: "a"(0), "c"(0), "d"(0)); }
static void i_mwait(void *a) { __asm__ volatile("mwait" :: "a"(0), "c"(0)); }
static void i_invd(void *a) { __asm__ volatile("invd"); }
static void i_wbinvd(void *a) { __asm__ volatile("wbinvd"); }

static void intercepted_instructions(void)
{
    static const struct { const char *name; void (*fn)(void *); int vector; } t[] = {
        { "vmrun", i_vmrun, EXC_UD }, { "vmload", i_vmload, EXC_UD },
        { "vmsave", i_vmsave, EXC_UD }, { "stgi", i_stgi, EXC_UD },
        { "clgi", i_clgi, EXC_UD }, { "skinit", i_skinit, EXC_UD },
        { "invlpga", i_invlpga, EXC_UD },
        /* qemu64 has no MONITOR: #UD comes before any intercept */
        { "monitor", i_monitor, EXC_UD }, { "mwait", i_mwait, EXC_UD },
        { "invd", i_invd, -1 }, { "wbinvd", i_wbinvd, -1 },
    };

    rt_begin(sizeof(t) / sizeof(t[0]));
    for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        check_eq(t[i].name, (uint64_t)run_expecting_fault(t[i].fn, NULL).vector,
                 (uint64_t)t[i].vector);
    rt_end();
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Garbage arguments: small numbers, huge counts, wild pointers. */
static unsigned long garbage(void)
{
    switch (next() % 6) {
    case 0: return next() % 16;
    case 1: return 0xffffffffu;
    case 2: return (unsigned long)-1;
    case 3: return 0x8000000000000000ull | next();
    case 4: return 0x100000 + next() % 0x1000000; /* in RAM */
    default: return next();
    }
}

static void hypercall_garbage(void)
{
    unsigned long calls = 0;

    rt_printf("victim: garbage to every hypercall\n");
    for (unsigned int round = 0; round < 200; round++) {
        for (unsigned int nr = 0; nr < 64; nr++) {
            /* Shutdown and console writes would end or flood the test;
             * the iret slot of the hypercall page is ud2 by design. */
            if (nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_console_io ||
                nr == __HYPERVISOR_iret)
                continue;
            rt_hypercall(nr, garbage(), garbage(), garbage(), garbage(),
                         garbage());
            calls++;
        }
        /* A huge console write from an unmapped buffer: -EFAULT. */
        rt_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 0xffffffffu,
                     0xdead00000000ull, 0, 0);
        /* sched_op with every command but shutdown and poll (a poll of
         * no pending port without a timeout blocks for good, as on Xen),
         * garbage pointers */
        rt_hypercall(__HYPERVISOR_sched_op, 4 + next() % 7, garbage(), 0, 0, 0);
    }
    rt_printf("victim: %lu garbage hypercalls done\n", calls);
}

static void hypercall_flood(void)
{
    rt_printf("victim: hypercall flood\n");
    for (;;)
        hypercall_xen_version(XENVER_version, NULL);
}

static void rep_ins_flood(void)
{
    /* REP INSB of 2^32 bytes: bounded per exit by the hypervisor; the
     * buffer wraps inside a 4 KiB page of RAM. */
    static uint8_t buf[8192] __attribute__((aligned(4096)));
    rt_printf("victim: huge rep insb\n");
    for (;;)
        __asm__ volatile("rep insb" :: "D"(buf), "c"(0xffffffffull), "d"(0x80)
                         : "memory");
}

void test_main(void)
{
    const char *a = action();

    rt_printf("victim: action %s\n", a);
    if (is(a, "triple-fault"))
        triple_fault();
    else if (is(a, "cli-loop"))
        __asm__ volatile("cli; 1: jmp 1b");
    else if (is(a, "instructions"))
        intercepted_instructions();
    else if (is(a, "hypercall-flood"))
        hypercall_flood();
    else if (is(a, "hypercall-garbage"))
        hypercall_garbage();
    else if (is(a, "rep-ins"))
        rep_ins_flood();
    else
        rt_printf("victim: unknown action\n");
    /* Then spin without interrupts: the witness must still run. */
    __asm__ volatile("cli; 1: jmp 1b");
}
