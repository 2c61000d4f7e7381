// SPDX-License-Identifier: MIT
/*
 * Hypercalls from a 32-bit code segment (the 32-bit runtime): arguments in
 * EBX, ECX, EDX (ESI, EDI), result in EAX, and the registers a hypercall
 * does not return in are preserved. Exceptions reach the 32-bit IDT too.
 */
#include "rt.h"

static void do_ud2(void *arg) { __asm__ volatile("ud2"); }

/* xen_version(XENVER_version) (cmd in EBX) with sentinels in every other
 * register, EBP included. Bit i of the result: register i as expected. */
static uint32_t preserved_mask(void)
{
    uint32_t b = XENVER_version, c = 0x22222222, d = 0x33333333,
             si = 0x44444444, di = 0x55555555;
    uint32_t a = __HYPERVISOR_xen_version * 32 + (uint32_t)(uintptr_t)rt_hypercall_page;
    __asm__ volatile("push %%ebp; mov $0x66666666, %%ebp; call *%%eax; "
                     "cmp $0x66666666, %%ebp; pop %%ebp; jz 1f; mov $0, %%edi; 1:"
                     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di)
                     :: "memory", "cc");
    return (a == 0x00040011) | (b == XENVER_version) << 1 | (c == 0x22222222) << 2 |
           (d == 0x33333333) << 3 | (si == 0x44444444) << 4 |
           (di == 0x55555555) << 5;
}

void test_main(void)
{
    static const char msg[] = "hello from 32-bit code\n";
    static xen_extraversion_t extra;
    struct sched_shutdown code = { .reason = SHUTDOWN_poweroff };

    rt_begin(8);
    check_eq("code-segment-32bit", sizeof(long), 4);
    check_eq("version", (uint64_t)hypercall_xen_version(XENVER_version, NULL),
             0x00040011);
    memset(extra, 0xff, sizeof(extra));
    check_eq("extraversion-ecx-pointer", (uint64_t)hypercall_xen_version(
             XENVER_extraversion, extra) << 8 | (strnlen(extra, 16) < 16), 1);
    check_eq("console-io-edx-pointer", (uint64_t)hypercall_console_io(
             CONSOLEIO_write, sizeof(msg) - 1, msg), 0);
    check_eq("sched-shutdown-code", (uint64_t)hypercall_sched_op(
             SCHEDOP_shutdown_code, &code), 0);
    check_eq("unknown-hypercall", (uint64_t)rt_hypercall(43, 1, 2, 3, 4, 5),
             (uint64_t)-XEN_ENOSYS);
    check_eq("registers-preserved", preserved_mask(), 0x3f);
    check_eq("ud-32bit", (uint64_t)run_expecting_fault(do_ud2, NULL).vector, EXC_UD);
    rt_end();
}
