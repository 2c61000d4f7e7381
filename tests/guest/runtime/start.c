// SPDX-License-Identifier: MIT
/*
 * Start of day in C: check the PVH start info, install exception handlers
 * and the hypercall page, run the test, shut the domain down.
 */
#include "internal.h"

const struct hvm_start_info *rt_start_info;

void rt_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

uint64_t rt_ram_end(void)
{
    const struct hvm_start_info *si = rt_start_info;
    uint64_t end = 0;

    if (si->version < 1)
        return 0;
    const struct hvm_memmap_table_entry *e =
        (const void *)(uintptr_t)si->memmap_paddr;
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (e[i].type == XEN_HVM_MEMMAP_TYPE_RAM && e[i].addr + e[i].size > end)
            end = e[i].addr + e[i].size;
    return end;
}

void rt_main(uint32_t start_info_paddr)
{
    rt_start_info = (const void *)(uintptr_t)start_info_paddr;
    rt_traps_init();
    if (rt_start_info->magic != XEN_HVM_START_MAGIC_VALUE) {
        rt_console_via_e9 = true;
        rt_printf("FAIL start-info got=%#x want=%#x\nEND\n",
                  rt_start_info->magic, XEN_HVM_START_MAGIC_VALUE);
        rt_halt();
    }
    if (!rt_hypercall_init()) {
        rt_console_via_e9 = true;
        rt_printf("FAIL hypercall-page no Xen CPUID leaves\nEND\n");
        rt_halt();
    }
    test_main();
    rt_shutdown(SHUTDOWN_poweroff);
    rt_printf("FAIL shutdown-returned\n");
    rt_halt();
}
