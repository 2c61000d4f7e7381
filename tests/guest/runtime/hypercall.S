/* SPDX-License-Identifier: MIT */
/*
 * long rt_hypercall(nr, a1, a2, a3, a4, a5): call slot nr of the hypercall
 * page with Xen's register convention (64-bit: RDI RSI RDX R10 R8; 32-bit:
 * EBX ECX EDX ESI EDI), result in the accumulator.
 */
        .text
        .globl rt_hypercall
#ifdef __x86_64__
rt_hypercall:
        mov     %edi, %eax
        shl     $5, %rax
        movabs  $rt_hypercall_page, %r11
        add     %rax, %r11
        mov     %rsi, %rdi
        mov     %rdx, %rsi
        mov     %rcx, %rdx
        mov     %r8, %r10
        mov     %r9, %r8
        call    *%r11
        ret
#else
rt_hypercall:
        push    %ebx
        push    %esi
        push    %edi
        mov     16(%esp), %eax
        shl     $5, %eax
        add     $rt_hypercall_page, %eax
        mov     20(%esp), %ebx
        mov     24(%esp), %ecx
        mov     28(%esp), %edx
        mov     32(%esp), %esi
        mov     36(%esp), %edi
        call    *%eax
        pop     %edi
        pop     %esi
        pop     %ebx
        ret
#endif
