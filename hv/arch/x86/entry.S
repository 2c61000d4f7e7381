/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: one small stub per vector pushes a dummy
 * error code where the CPU pushes none, then the vector, and joins the
 * common path, which saves the registers as a struct cpu_regs and calls
 * trap_dispatch().
 */
	.text
	.code64

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

	.align 16
	.globl interrupt_stub_base
interrupt_stub_base:
vector = 0
	.rept 256
	.align 16
	.if !HAS_ERROR(vector)
	pushq $0
	.endif
	pushq $vector
	jmp interrupt_common
vector = vector + 1
	.endr

interrupt_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp          /* vector and error code */
	iretq
