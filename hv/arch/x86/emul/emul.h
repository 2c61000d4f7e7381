/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the parts of the x86 emulator (decode.c,
 * emulate.c, string.c, flags.c). Not for use outside hv/arch/x86/emul/.
 */
#ifndef X86_EMUL_INTERNAL_H
#define X86_EMUL_INTERNAL_H

#include <asm/x86_emulate.h>

#define X86_MAX_INSN_LEN 15

/* Where the decoder gets instruction bytes: a buffer, refilled via fetch. */
struct x86_fetch {
	uint8_t buf[X86_MAX_INSN_LEN];
	unsigned int have;
	struct x86_emul_ctxt *c;	/* NULL: only buf[0..have) exists */
	uint64_t rip;
	unsigned int mode;
};

int x86_decode_from(struct x86_fetch *f, struct x86_insn *insn,
		    struct x86_event *ev);

/* ALU operations; the first eight are numbered as in opcodes 00-3F. */
enum x86_alu_op {
	ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP,
	ALU_TEST, ALU_INC, ALU_DEC, ALU_NEG,
};

/* Result of dst op src at the given size; updates the arithmetic flags. */
uint64_t x86_alu(enum x86_alu_op op, uint64_t dst, uint64_t src,
		 unsigned int bytes, uint64_t *rflags);
/* Whether condition code cc (0-15, as in Jcc) holds for rflags. */
bool x86_cond(unsigned int cc, uint64_t rflags);
uint64_t x86_size_mask(unsigned int bytes);

/* Register access at a given size (1 with legacy AH..BH when !rex). */
uint64_t x86_reg_read(const struct x86_emul_ctxt *c, unsigned int reg,
		      unsigned int bytes);
void x86_reg_write(struct x86_emul_ctxt *c, unsigned int reg,
		   unsigned int bytes, uint64_t val);

/* String and port I/O instructions (A4-A7, AA-AF, 6C-6F, E4-E7, EC-EF). */
int x86_emul_string(struct x86_emul_ctxt *c);
int x86_emul_io(struct x86_emul_ctxt *c);

#endif /* X86_EMUL_INTERNAL_H */
