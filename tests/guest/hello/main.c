// SPDX-License-Identifier: MIT
/*
 * Console hello: console_io(CONSOLEIO_write) prints a line and returns 0.
 */
#include "rt.h"

void test_main(void)
{
    static const char msg[] = "hello from a guest test kernel\n";

    rt_begin(1);
    long rc = hypercall_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg);
    check_eq("console-io-write", (uint64_t)rc, 0);
    rt_end();
}
