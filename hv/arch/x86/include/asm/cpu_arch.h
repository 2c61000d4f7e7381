/* SPDX-License-Identifier: MIT */
/* The x86 part of each host CPU's per-CPU area: GDT, TSS and stacks. */
#ifndef ASM_CPU_ARCH_H
#define ASM_CPU_ARCH_H

#include <basalt/compiler.h>
#include <stdint.h>

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

/* IST slots (1-based as in the IDT gate). */
#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3
#define NR_IST  3

#define STACK_SIZE     (16 * 1024)
#define IST_STACK_SIZE (8 * 1024)

/* GDT selectors */
#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_TSS    0x18
#define GDT_ENTRIES 5 /* TSS descriptor takes two slots */

struct cpu_arch {
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss64 tss __aligned(16);
	uint8_t *stack;               /* main stack, STACK_SIZE bytes */
	uint8_t *ist_stack[NR_IST];   /* IST_STACK_SIZE bytes each */
};

struct cpu;

/* The per-CPU area's first field points to itself, reached through GS. */
static inline struct cpu *arch_this_cpu(void)
{
	struct cpu *c;
	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

#endif /* ASM_CPU_ARCH_H */
