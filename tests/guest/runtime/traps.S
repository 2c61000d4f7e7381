/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs (one per vector, all ending in rt_trap(frame)), and
 * the non-local jump that lets a handler abandon a faulting function.
 */
#include "layout.h"

        .text
        .macro stub vec
        .balign 16
rt_stub_\vec:
        .if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
        push    $0
        .endif
        push    $\vec
        jmp     trap_common
        .endm

        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,128
        stub \v
        .endr

        .section .rodata
        .balign 8
        .globl rt_stub_table
rt_stub_table:                          /* 33 entries: vectors 0..31, then 0x80 */
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,128
#ifdef __x86_64__
        .quad   rt_stub_\v
#else
        .long   rt_stub_\v
#endif
        .endr

        .text
#ifdef __x86_64__
trap_common:
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, %rdi
        call    rt_trap
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp
        iretq

/* int rt_setjmp(struct rt_jmp *j): 0 now, the rt_longjmp value later. */
        .globl rt_setjmp
rt_setjmp:
        mov     %rbx, 0(%rdi)
        mov     %rbp, 8(%rdi)
        mov     %r12, 16(%rdi)
        mov     %r13, 24(%rdi)
        mov     %r14, 32(%rdi)
        mov     %r15, 40(%rdi)
        lea     8(%rsp), %rax
        mov     %rax, 48(%rdi)
        mov     (%rsp), %rax
        mov     %rax, 56(%rdi)
        xor     %eax, %eax
        ret

/* void rt_longjmp(struct rt_jmp *j, int val) */
        .globl rt_longjmp
rt_longjmp:
        mov     0(%rdi), %rbx
        mov     8(%rdi), %rbp
        mov     16(%rdi), %r12
        mov     24(%rdi), %r13
        mov     32(%rdi), %r14
        mov     40(%rdi), %r15
        mov     48(%rdi), %rsp
        mov     %esi, %eax
        jmp     *56(%rdi)

/* void rt_enter_user(long (*fn)(void *), void *arg, void *user_stack_top):
 * iretq to CPL 3 at user_tramp; the result comes back through vector 0x80. */
        .globl rt_enter_user
rt_enter_user:
        pushq   $SEL_UDATA
        pushq   %rdx
        pushq   $0x2
        pushq   $SEL_UCODE
        pushq   $user_tramp
        iretq
user_tramp:
        mov     %rdi, %rax
        mov     %rsi, %rdi
        call    *%rax
        mov     %rax, %rdi
        int     $RT_USER_RETURN_VECTOR
        ud2

#else /* 32-bit */
trap_common:
        pusha
        push    %esp
        call    rt_trap
        add     $4, %esp
        popa
        add     $8, %esp
        iret

        .globl rt_setjmp
rt_setjmp:
        mov     4(%esp), %eax
        mov     %ebx, 0(%eax)
        mov     %esi, 4(%eax)
        mov     %edi, 8(%eax)
        mov     %ebp, 12(%eax)
        lea     4(%esp), %ecx
        mov     %ecx, 16(%eax)
        mov     (%esp), %ecx
        mov     %ecx, 20(%eax)
        xor     %eax, %eax
        ret

        .globl rt_longjmp
rt_longjmp:
        mov     4(%esp), %edx
        mov     8(%esp), %eax
        mov     0(%edx), %ebx
        mov     4(%edx), %esi
        mov     8(%edx), %edi
        mov     12(%edx), %ebp
        mov     16(%edx), %esp
        jmp     *20(%edx)
#endif
