/* SPDX-License-Identifier: MIT */
/*
 * Application-processor start-up code. It is copied to a page below 1 MiB
 * and entered in real mode at that page by a SIPI. It switches to
 * protected mode, then long mode with the hypervisor's page tables, and
 * jumps to ap_start() with the per-CPU area the boot CPU left in the
 * parameter block. Addresses that depend on where the page is are patched
 * by smp.c before each start (see struct trampoline_params).
 */
	.section .rodata, "a"
	.code16
	.globl trampoline_start, trampoline_end
	.globl tramp_params

	.align 16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx                   /* ebx = physical base of this page */
	lgdtl (tramp_gdt_desc - trampoline_start)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *(tramp_pm_ptr - trampoline_start)

	.code32
tramp_pm:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 7)), %eax        /* PAE, PGE */
	movl %eax, %cr4
	movl (tramp_p_cr3 - trampoline_start)(%ebx), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl (tramp_p_efer - trampoline_start)(%ebx), %eax
	wrmsr
	movl %cr0, %eax
	/* INIT left caching disabled (CD, NW): turn it back on. */
	andl $~((1 << 30) | (1 << 29)), %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
	movl %eax, %cr0
	ljmpl *(tramp_lm_ptr - trampoline_start)(%ebx)

	.code64
tramp_lm:
	movq (tramp_p_stack - trampoline_start)(%rbx), %rsp
	movq (tramp_p_cpu - trampoline_start)(%rbx), %rdi
	movq (tramp_p_entry - trampoline_start)(%rbx), %rax
	xorl %ebp, %ebp
	jmpq *%rax

	.align 16
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tramp_gdt_end:

/* Parameter block, patched for each processor. */
	.align 8
tramp_params:
tramp_gdt_desc:                         /* +0: limit, base */
	.short tramp_gdt_end - tramp_gdt - 1
	.long 0
	.short 0
tramp_pm_ptr:                           /* +8: offset, selector */
	.long 0
	.short 0x08
	.short 0
tramp_lm_ptr:                           /* +16 */
	.long 0
	.short 0x18
	.short 0
tramp_p_cr3:                            /* +24 */
	.long 0
tramp_p_efer:                           /* +28 */
	.long 0
tramp_p_stack:                          /* +32 */
	.quad 0
tramp_p_cpu:                            /* +40 */
	.quad 0
tramp_p_entry:                          /* +48 */
	.quad 0
	.globl tramp_offsets
tramp_offsets:                          /* +56: for smp.c */
	.long tramp_gdt - trampoline_start
	.long tramp_pm - trampoline_start
	.long tramp_lm - trampoline_start
	.long tramp_params - trampoline_start
trampoline_end:
