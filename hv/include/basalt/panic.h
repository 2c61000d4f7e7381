/* SPDX-License-Identifier: MIT */
/* Fatal errors: stop every CPU, print why, reboot (or halt: noreboot). */
#ifndef BASALT_PANIC_H
#define BASALT_PANIC_H

#include <basalt/compiler.h>
#include <stdbool.h>

__noreturn __printf(1, 2) void panic(const char *fmt, ...);
extern volatile bool panic_in_progress;

#endif /* BASALT_PANIC_H */
