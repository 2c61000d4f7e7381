/* SPDX-License-Identifier: MIT */
/* Multiboot v1 header and entry for the ACPI table dumper: set up a stack
 * and call the C code; QEMU's loader enters in 32-bit protected mode. */
	.section .multiboot, "a"
	.align 4
	.long 0x1BADB002          /* magic */
	.long 0                   /* flags: load by ELF headers */
	.long -0x1BADB002         /* checksum */

	.text
	.globl _start
_start:
	cli
	movl $stack_top, %esp
	call dump_main
1:	hlt
	jmp 1b

	.bss
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
