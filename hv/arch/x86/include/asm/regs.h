/* SPDX-License-Identifier: MIT */
/* Register frame saved by the interrupt entry stubs (entry.S). */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <stdint.h>

struct cpu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code;
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

#endif /* ASM_REGS_H */
