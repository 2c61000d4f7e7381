/* SPDX-License-Identifier: MIT */
/*
 * A minimal PVH "kernel" for the PVH ELF parser's tests and fuzz corpus:
 * code, data and bss in two PT_LOAD segments and Xen notes in a PT_NOTE
 * segment. ENTRY_SIZE picks a 4-byte (as 32-bit kernels) or an 8-byte
 * (as Linux x86-64) XEN_ELFNOTE_PHYS32_ENTRY descriptor.
 */
	.section .text, "ax"
	.globl pvh_start
	.code32
	.skip 0x40, 0x90
pvh_start:
	cli
	movl $0xe9, %edx
	movb $'!', %al
	outb %al, %dx
1:	hlt
	jmp 1b

	.section .data, "aw"
	.long 0x5a5a5a5a

	.section .bss, "aw", @nobits
	.skip 0x3000

	.section .note.Xen, "a", @note
	.p2align 2
	.long 4, 8, 6            /* XEN_ELFNOTE_GUEST_OS */
	.asciz "Xen"
	.asciz "basalt!"
	.p2align 2
	.long 4, ENTRY_SIZE, 18  /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
#if ENTRY_SIZE == 8
	.quad pvh_start
#else
	.long pvh_start
#endif
	.long 4, 4, 1            /* another owner's note, type 1: not Xen's */
	.asciz "GNU"
	.long 0x11111111
