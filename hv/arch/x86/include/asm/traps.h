/* SPDX-License-Identifier: MIT */
/* Exceptions and interrupt vectors of the host. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

/* Vectors the hypervisor uses; 0x20-0x2f are the (masked) PICs'. */
#define VEC_PIC_BASE   0x20
#define VEC_IPI_WAKEUP 0xf1
#define VEC_IPI_CALL   0xf2
#define VEC_TIMER      0xf0
#define VEC_APIC_ERROR 0xfe
#define VEC_SPURIOUS   0xff

typedef void (*irq_handler_fn)(struct cpu_regs *regs);

void idt_init(void);      /* build the shared IDT (boot CPU) */
void idt_load(void);      /* load it on this CPU */
void irq_register(unsigned int vector, irq_handler_fn fn);
void trap_dispatch(struct cpu_regs *regs);

#endif /* ASM_TRAPS_H */
