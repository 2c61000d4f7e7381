/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of a guest test kernel: the XEN_ELFNOTE_PHYS32_ENTRY note, then
 * the 32-bit protected-mode start (no paging, EBX -> hvm_start_info). The
 * 64-bit build sets up identity page tables and enters long mode; the 32-bit
 * build stays in flat protected mode. Both end in rt_main(start_info).
 */
#include "public/elfnote.h"
#include "layout.h"

        .section .note.Xen, "a", @note
        .balign 4
        .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
        .asciz "Xen"
        .balign 4
        .long _start

        .section .text.entry, "ax", @progbits
        .code32
        .globl _start
_start:
        cld
        cli
        movl    %ebx, %esi              /* start_info, kept across set-up */
        lgdt    gdt_desc
        ljmp    $SEL_CODE32, $1f
1:      movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %eax, %fs
        movl    %eax, %gs

        /* The loader zeroes .bss, but a restarted domain must not depend on it. */
        movl    $__bss_start, %edi
        movl    $__bss_end, %ecx
        subl    %edi, %ecx
        shrl    $2, %ecx
        xorl    %eax, %eax
        rep stosl
        movl    $rt_stack_top, %esp

#ifdef __x86_64__
        /* PML4[0] -> PDPT -> 4 PDs of 2 MiB pages: identity map of 0..4 GiB. */
        movl    $rt_pml4, %edi
        movl    $rt_pdpt, %eax
        orl     $PTE_UPPER, %eax
        movl    %eax, (%edi)
        movl    $rt_scratch_pdpt, %eax  /* PML4[1]: the scratch window */
        orl     $PTE_UPPER, %eax
        movl    %eax, 8(%edi)
        movl    $rt_scratch_pd, %eax
        orl     $PTE_UPPER, %eax
        movl    %eax, rt_scratch_pdpt
        movl    $rt_scratch_pt, %eax
        orl     $PTE_UPPER, %eax
        movl    %eax, rt_scratch_pd

        movl    $rt_pdpt, %edi
        movl    $rt_pd, %eax
        orl     $PTE_UPPER, %eax
        movl    $4, %ecx
2:      movl    %eax, (%edi)
        addl    $8, %edi
        addl    $4096, %eax
        loop    2b

        movl    $rt_pd, %edi
        movl    $(PTE_UPPER | PTE_PS), %eax
        movl    $2048, %ecx
3:      movl    %eax, (%edi)
        addl    $8, %edi
        addl    $0x200000, %eax
        loop    3b

        /* The first 2 MiB in 4 KiB pages, page 0 left out so NULL faults. */
        movl    $rt_pt0, %eax
        orl     $PTE_UPPER, %eax
        movl    %eax, rt_pd
        movl    $(rt_pt0 + 8), %edi
        movl    $(0x1000 | PTE_UPPER), %eax
        movl    $511, %ecx
4:      movl    %eax, (%edi)
        addl    $8, %edi
        addl    $4096, %eax
        loop    4b

        movl    %cr4, %eax
        orl     $CR4_PAE, %eax
        movl    %eax, %cr4
        movl    $rt_pml4, %eax
        movl    %eax, %cr3
        movl    $MSR_EFER, %ecx
        rdmsr
        orl     $EFER_LME, %eax
        wrmsr
        movl    %cr0, %eax
        orl     $(CR0_PG | CR0_WP), %eax
        movl    %eax, %cr0
        ljmp    $SEL_CODE64, $5f

        .code64
5:      xorl    %eax, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    $SEL_DATA, %eax
        movl    %eax, %ss
        movl    $rt_stack_top, %esp
        movl    %esi, %edi
        call    rt_main
6:      cli
        hlt
        jmp     6b
#else
        movl    %cr0, %eax
        orl     $CR0_WP, %eax
        movl    %eax, %cr0
        pushl   %esi
        call    rt_main
6:      cli
        hlt
        jmp     6b
#endif

        .data
        .balign 16
        .globl rt_gdt
rt_gdt:
        .quad 0                         /* null */
        .quad 0x00cf9a000000ffff        /* SEL_CODE32: flat 32-bit code, DPL 0 */
        .quad 0x00cf92000000ffff        /* SEL_DATA: flat data, DPL 0 */
        .quad 0x00af9a000000ffff        /* SEL_CODE64: 64-bit code, DPL 0 */
        .quad 0x00cff2000000ffff        /* SEL_UDATA: flat data, DPL 3 */
#ifdef __x86_64__
        .quad 0x00affa000000ffff        /* SEL_UCODE: 64-bit code, DPL 3 */
#else
        .quad 0x00cffa000000ffff        /* SEL_UCODE: 32-bit code, DPL 3 */
#endif
        .quad 0, 0                      /* SEL_TSS: filled in by traps.c */
rt_gdt_end:
        .balign 8
        .word 0
gdt_desc:
        .word rt_gdt_end - rt_gdt - 1
        .long rt_gdt, 0

        .bss
        .balign 16
        .globl rt_stack_top
        .space 16384
rt_stack_top:
