// SPDX-License-Identifier: MIT
/*
 * Guest pointers a hypercall cannot use give -EFAULT: unmapped,
 * non-canonical, mapped onto a p2m hole, read-only (for output), and an
 * output buffer running off the end of the mapped pages (Basalt writes
 * nothing; Xen leaves the part before the bad page written). A buffer
 * crossing onto a mapped but physically non-contiguous page works.
 */
#include "rt.h"

#define NONCANONICAL ((void *)0x8000000000000000UL)

static uint8_t frames[4][4096] __attribute__((aligned(4096)));

static uint64_t hole_gpa(void)
{
    return (rt_ram_end() + 0x10000000ULL) & ~0xfffffffULL;
}

static uint64_t count_changed(const uint8_t *p, size_t n)
{
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += p[i] != 0xff;
    return c;
}

void test_main(void)
{
    const uint64_t efault = (uint64_t)-XEN_EFAULT;
    void *unmapped = rt_scratch_map(0, 0, 0);
    void *hole = rt_scratch_map(1, hole_gpa(), PTE_P | PTE_W);
    static xen_compile_info_t want;

    rt_begin(16);
    check_eq("out-unmapped", (uint64_t)hypercall_xen_version(XENVER_extraversion,
             unmapped), efault);
    check_eq("out-noncanonical", (uint64_t)hypercall_xen_version(
             XENVER_extraversion, NONCANONICAL), efault);
    check_eq("out-p2m-hole", (uint64_t)hypercall_xen_version(XENVER_extraversion,
             hole), efault);
    check_eq("in-unmapped", (uint64_t)hypercall_console_io(CONSOLEIO_write, 8,
             unmapped), efault);
    check_eq("in-noncanonical", (uint64_t)hypercall_console_io(CONSOLEIO_write,
             8, NONCANONICAL), efault);
    check_eq("in-p2m-hole", (uint64_t)hypercall_console_io(CONSOLEIO_write, 8,
             hole), efault);
    check_eq("inout-unmapped", (uint64_t)hypercall_xen_version(
             XENVER_get_features, unmapped), efault);
    check_eq("sched-unmapped", (uint64_t)hypercall_sched_op(SCHEDOP_shutdown,
             unmapped), efault);

    /* Read-only mapping of a RAM frame: no output through it. */
    memset(frames[0], 0xff, 4096);
    uint8_t *ro = rt_scratch_map(2, (uintptr_t)frames[0], PTE_P);
    check_eq("out-read-only", (uint64_t)hypercall_xen_version(
             XENVER_extraversion, ro + 100), efault);
    check_eq("read-only-untouched", count_changed(frames[0], 4096), 0);
    check_eq("in-read-only-ok", (uint64_t)hypercall_console_io(CONSOLEIO_write,
             0, ro), 0);

    /* 64 bytes on a mapped page, the rest of the structure on an unmapped one. */
    memset(frames[1], 0xff, 4096);
    uint8_t *w = rt_scratch_map(3, (uintptr_t)frames[1], PTE_P | PTE_W);
    rt_scratch_map(4, 0, 0);
    check_eq("out-runs-off-mapping", (uint64_t)hypercall_xen_version(
             XENVER_compile_info, w + 4096 - 64), efault);
    check_eq("efault-no-prefix", count_changed(frames[1] + 4096 - 64, 64), 0);

    /* Mapped on both sides, onto frames 3 and 2: not contiguous. */
    check_eq("reference-rc", (uint64_t)hypercall_xen_version(XENVER_compile_info,
             &want), 0);
    uint8_t *a = rt_scratch_map(5, (uintptr_t)frames[3], PTE_P | PTE_W);
    rt_scratch_map(6, (uintptr_t)frames[2], PTE_P | PTE_W);
    check_eq("split-buffer-rc", (uint64_t)hypercall_xen_version(
             XENVER_compile_info, a + 4096 - 64), 0);
    check_eq("split-buffer-data", (uint64_t)memcmp(frames[3] + 4096 - 64, &want, 64) |
             (uint64_t)memcmp(frames[2], (uint8_t *)&want + 64,
                              sizeof(want) - 64), 0);
    rt_end();
}
