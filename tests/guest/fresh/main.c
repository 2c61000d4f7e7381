// SPDX-License-Identifier: MIT
/*
 * Fresh memory (Basalt only, not in the manifest: it needs domains that
 * restart, see tests/system/test_memory.py): every byte of RAM outside
 * this kernel's image must be zero when the domain starts. Then it fills
 * that RAM with a pattern and reboots or powers off as its command line
 * says ("then=reboot|poweroff"), so the memory it leaves behind is dirty
 * for whoever gets it next.
 */
#include "rt.h"

extern char __bss_end[];

#define IMAGE_START 0x100000ull
#define PATTERN 0x5a5a5a5a5a5a5a5aull

static bool then_reboot(void)
{
    const char *c = (const char *)(uintptr_t)rt_start_info->cmdline_paddr;

    for (const char *p = c; c && *p; p++)
        if (!memcmp(p, "then=reboot", 11))
            return true;
    return false;
}

/* Visit every 8-byte word of RAM outside the image. */
static uint64_t walk_ram(bool fill)
{
    const struct hvm_memmap_table_entry *e =
        (const void *)(uintptr_t)rt_start_info->memmap_paddr;
    uint64_t image_end = (uint64_t)(uintptr_t)__bss_end;
    uint64_t nonzero = 0;

    for (uint32_t i = 0; i < rt_start_info->memmap_entries; i++) {
        if (e[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        for (uint64_t a = e[i].addr; a < e[i].addr + e[i].size; a += 8) {
            volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)a;
            if (a >= IMAGE_START && a < image_end) {
                a = image_end - 8;
                continue;
            }
            if (a < 0x1000)
                continue; /* page 0: the runtime leaves it unmapped */
            if (fill)
                *w = PATTERN;
            else if (*w)
                nonzero++;
        }
    }
    return nonzero;
}

void test_main(void)
{
    rt_begin(1);
    check_eq("fresh-memory-zero", walk_ram(false), 0);
    rt_end();
    walk_ram(true);
    rt_printf("memory filled with a pattern\n");
    rt_shutdown(then_reboot() ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
}
