/* SPDX-License-Identifier: MIT */
/*
 * Runtime-internal declarations: the start-of-day steps rt_main runs in
 * order, and the symbols the assembly provides. Not for tests.
 */
#ifndef RT_INTERNAL_H
#define RT_INTERNAL_H

#include "rt.h"

struct rt_jmp { unsigned long regs[8]; };
int rt_setjmp(struct rt_jmp *j) __attribute__((returns_twice));
void rt_longjmp(struct rt_jmp *j, int val) __attribute__((noreturn));

void rt_main(uint32_t start_info_paddr);
void rt_traps_init(void);
/* Find the Xen leaves and install the hypercall page; false if impossible. */
bool rt_hypercall_init(void);
extern bool rt_hypercall_ready;
void rt_halt(void) __attribute__((noreturn));

#endif
