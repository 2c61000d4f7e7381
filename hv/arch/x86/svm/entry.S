/* SPDX-License-Identifier: MIT */
/*
 * svm_enter(regs, vmcb_pa, host_vmcb_pa): run the guest until the next
 * #VMEXIT. Guest RAX, RSP, RIP and RFLAGS travel in the VMCB; the other
 * general registers are loaded from and saved to *regs here. The guest's
 * FS/GS/TR/syscall state is switched with VMLOAD/VMSAVE around VMRUN, the
 * host's restored from its own save area afterwards. Called with GIF=0.
 */
#define R_RCX  8
#define R_RDX  16
#define R_RBX  24
#define R_RBP  40
#define R_RSI  48
#define R_RDI  56
#define R_R8   64
#define R_R9   72
#define R_R10  80
#define R_R11  88
#define R_R12  96
#define R_R13  104
#define R_R14  112
#define R_R15  120

	.text
	.code64
	.globl svm_enter
svm_enter:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* regs */
	pushq %rdx                      /* host save area */
	pushq %rsi                      /* guest VMCB */

	movq %rdx, %rax
	vmsave %rax                     /* host FS/GS/TR/syscall MSRs */

	movq R_RCX(%rdi), %rcx
	movq R_RDX(%rdi), %rdx
	movq R_RBX(%rdi), %rbx
	movq R_RBP(%rdi), %rbp
	movq R_RSI(%rdi), %rsi
	movq R_R8(%rdi), %r8
	movq R_R9(%rdi), %r9
	movq R_R10(%rdi), %r10
	movq R_R11(%rdi), %r11
	movq R_R12(%rdi), %r12
	movq R_R13(%rdi), %r13
	movq R_R14(%rdi), %r14
	movq R_R15(%rdi), %r15
	movq R_RDI(%rdi), %rdi
	popq %rax                       /* guest VMCB */
	vmload %rax
	vmrun %rax
	.globl svm_vmrun_return
svm_vmrun_return:                       /* the host RIP a #VMEXIT resumes */
	vmsave %rax
	/* Host RSP and RAX are back; the rest hold guest values. */
	pushq %rdi
	movq 16(%rsp), %rdi             /* regs (past host save area) */
	movq %rcx, R_RCX(%rdi)
	movq %rdx, R_RDX(%rdi)
	movq %rbx, R_RBX(%rdi)
	movq %rbp, R_RBP(%rdi)
	movq %rsi, R_RSI(%rdi)
	movq %r8, R_R8(%rdi)
	movq %r9, R_R9(%rdi)
	movq %r10, R_R10(%rdi)
	movq %r11, R_R11(%rdi)
	movq %r12, R_R12(%rdi)
	movq %r13, R_R13(%rdi)
	movq %r14, R_R14(%rdi)
	movq %r15, R_R15(%rdi)
	popq %rax                       /* guest RDI */
	movq %rax, R_RDI(%rdi)
	popq %rax                       /* host save area */
	vmload %rax
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
