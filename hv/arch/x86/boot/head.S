/* SPDX-License-Identifier: MIT */
/*
 * First instructions: the multiboot v1 and v2 headers, then the 32-bit
 * entry that both loaders jump to. It checks for long mode, maps the first
 * 4 GiB 1:1 with 2 MiB pages, enters 64-bit mode and calls start_basalt().
 */

#define MB1_MAGIC   0x1badb002
#define MB1_FLAGS   ((1 << 0) | (1 << 1) | (1 << 16)) /* align mods, mem info, address fields */
#define MB2_MAGIC   0xe85250d6

#define BOOT_STACK_SIZE 16384

	.section .text.head, "ax"
	.code32
	.globl _start32

	.align 8
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header        /* header_addr */
	.long __image_start     /* load_addr */
	.long __load_end        /* load_end_addr */
	.long __bss_end         /* bss_end_addr */
	.long _start32          /* entry_addr */

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0                 /* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* address tag: load the file like the multiboot v1 address fields */
	.align 8
	.short 2, 0
	.long 24
	.long mb2_header, __image_start, __load_end, __bss_end
	/* entry address tag */
	.align 8
	.short 3, 0
	.long 12
	.long _start32
	/* module alignment tag: page-aligned modules */
	.align 8
	.short 6, 0
	.long 8
	/* end tag */
	.align 8
	.short 0, 0
	.long 8
mb2_header_end:

_start32:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, %edi                 /* loader magic */
	movl %ebx, %esi                 /* boot information */

	/* Long mode and NX, from CPUID 0x80000001 EDX bits 29 and 20. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode
	xorl %ebp, %ebp
	btl $20, %edx
	jnc 1f
	movl $1, %ebp                   /* NX available */
1:
	/* PML4[0] -> PDPT; PDPT[0..3] -> four PDs; PD: 2048 x 2 MiB pages. */
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 2b
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                 /* present, writable, 2 MiB */
	movl %eax, boot_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high dword: bits 32+ of the address */
	movl %eax, boot_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 3b

	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx          /* EFER */
	rdmsr
	orl $(1 << 8), %eax             /* LME */
	testl %ebp, %ebp
	jz 4f
	orl $(1 << 11), %eax            /* NXE */
4:	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $start64

no_long_mode:
	/* Say why on COM1 (no console driver yet), then stop. */
	movl $no_lm_msg, %esi
5:	lodsb
	testb %al, %al
	jz 7f
	movb %al, %bl
	movw $0x3fd, %dx
6:	inb %dx, %al
	testb $0x20, %al
	jz 6b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 5b
7:	hlt
	jmp 7b

	.code64
start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* rdi = magic, rsi = boot information (zero-extended by movl) */
	call start_basalt
	/* start_basalt is boot-only code: leave it before it is freed. */
	call boot_finish
8:	hlt
	jmp 8b

	.section .rodata.head, "a"
no_lm_msg:
	.asciz "Basalt: this CPU has no 64-bit long mode: cannot boot\r\n"

	.align 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
	.globl boot_gdt_desc
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .bss.boot, "aw", @nobits
	.align 4096
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096 * 4
	.globl boot_stack_top
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
