// SPDX-License-Identifier: MIT
/*
 * Console output: console_io(CONSOLEIO_write), falling back to Xen's debug
 * port 0xE9 for good once the hypervisor answers -EPERM (as Xen does for
 * unprivileged domains) or before the hypercall page exists.
 */
#include "internal.h"

bool rt_console_via_e9;

void rt_console_write(const char *s, size_t len)
{
    if (rt_hypercall_ready && !rt_console_via_e9) {
        long rc = hypercall_console_io(CONSOLEIO_write, (unsigned int)len, s);
        if (rc != -XEN_EPERM)
            return;
        rt_console_via_e9 = true;
    }
    for (size_t i = 0; i < len; i++)
        rt_outb(XEN_HVM_DEBUGCONS_IOPORT, (uint8_t)s[i]);
}

int rt_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    int n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t len = strnlen(buf, sizeof(buf));
    rt_console_write(buf, len);
    return n;
}
