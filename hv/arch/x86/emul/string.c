/* SPDX-License-Identifier: MIT */
/*
 * String instructions (MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS) with
 * REP/REPE/REPNE, and IN/OUT, for the x86 emulator. A REP runs at most
 * max_reps iterations per call so a huge count cannot hold a CPU.
 */
#include "emul.h"

enum str_kind { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

#define RCX 1
#define RDX 2
#define RSI 6
#define RDI 7

/* Step a pointer or count register within the address size, as the CPU does. */
static void reg_adjust(struct x86_emul_ctxt *c, unsigned int reg, int64_t delta)
{
	uint64_t *r = &c->regs->gpr[reg];
	unsigned int ad = c->insn.ad_bytes;

	if (ad == 2)
		*r = (*r & ~(uint64_t)0xffff) | ((*r + (uint64_t)delta) & 0xffff);
	else if (ad == 4)
		*r = (uint32_t)(*r + (uint64_t)delta);
	else
		*r += (uint64_t)delta;
}

static uint64_t reg_addr(const struct x86_emul_ctxt *c, unsigned int reg)
{
	return c->regs->gpr[reg] & x86_size_mask(c->insn.ad_bytes);
}

/* One iteration; registers other than rAX and the flags are the caller's. */
static int str_step(struct x86_emul_ctxt *c, enum str_kind k, unsigned int bytes)
{
	const struct x86_emul_ops *ops = c->ops;
	enum x86_seg src = c->insn.seg_override != X86_SEG_NONE ?
			   (enum x86_seg)c->insn.seg_override : X86_SEG_DS;
	uint64_t a = 0, b = 0, fl;
	uint32_t io = 0;
	int rc = X86EMUL_OKAY;

	switch (k) {
	case STR_MOVS:
		rc = ops->read(c, src, reg_addr(c, RSI), &a, bytes);
		if (rc == X86EMUL_OKAY)
			rc = ops->write(c, X86_SEG_ES, reg_addr(c, RDI), &a, bytes);
		break;
	case STR_CMPS:
	case STR_SCAS:
		if (k == STR_CMPS)
			rc = ops->read(c, src, reg_addr(c, RSI), &a, bytes);
		else
			a = x86_reg_read(c, 0, bytes);
		if (rc == X86EMUL_OKAY)
			rc = ops->read(c, X86_SEG_ES, reg_addr(c, RDI), &b, bytes);
		if (rc == X86EMUL_OKAY) {
			fl = c->regs->rflags;
			x86_alu(ALU_CMP, a, b, bytes, &fl);
			c->regs->rflags = fl;
		}
		break;
	case STR_STOS:
		a = x86_reg_read(c, 0, bytes);
		rc = ops->write(c, X86_SEG_ES, reg_addr(c, RDI), &a, bytes);
		break;
	case STR_LODS:
		rc = ops->read(c, src, reg_addr(c, RSI), &a, bytes);
		if (rc == X86EMUL_OKAY)
			x86_reg_write(c, 0, bytes, a);
		break;
	case STR_INS:
		rc = ops->read_io(c, (uint16_t)c->regs->gpr[RDX], bytes, &io);
		a = io;
		if (rc == X86EMUL_OKAY)
			rc = ops->write(c, X86_SEG_ES, reg_addr(c, RDI), &a, bytes);
		break;
	case STR_OUTS:
	default:
		rc = ops->read(c, src, reg_addr(c, RSI), &a, bytes);
		if (rc == X86EMUL_OKAY)
			rc = ops->write_io(c, (uint16_t)c->regs->gpr[RDX], bytes,
					   (uint32_t)a);
		break;
	}
	return rc;
}

int x86_emul_string(struct x86_emul_ctxt *c)
{
	const struct x86_insn *insn = &c->insn;
	unsigned int op = insn->opcode, bytes;
	unsigned int max = c->max_reps ? c->max_reps : 1;
	bool rep = insn->rep != 0;
	enum str_kind k;
	int64_t delta;

	switch (op & ~1u) {
	case 0xa4: k = STR_MOVS; break;
	case 0xa6: k = STR_CMPS; break;
	case 0xaa: k = STR_STOS; break;
	case 0xac: k = STR_LODS; break;
	case 0xae: k = STR_SCAS; break;
	case 0x6c: k = STR_INS; break;
	case 0x6e: k = STR_OUTS; break;
	default: return X86EMUL_UNHANDLEABLE;
	}
	bytes = (op & 1) ? insn->op_bytes : 1;
	if ((k == STR_INS || k == STR_OUTS) && bytes == 8)
		bytes = 4;
	delta = (c->regs->rflags & X86_FLAGS_DF) ? -(int64_t)bytes : (int64_t)bytes;

	if (rep && reg_addr(c, RCX) == 0)
		return X86EMUL_OKAY;
	for (unsigned int n = 1;; n++) {
		int rc = str_step(c, k, bytes);

		if (rc != X86EMUL_OKAY)
			return rc;
		if (k != STR_STOS && k != STR_SCAS && k != STR_INS)
			reg_adjust(c, RSI, delta);
		if (k != STR_LODS && k != STR_OUTS)
			reg_adjust(c, RDI, delta);
		if (!rep)
			return X86EMUL_OKAY;
		reg_adjust(c, RCX, -1);
		if (reg_addr(c, RCX) == 0)
			return X86EMUL_OKAY;
		if (k == STR_CMPS || k == STR_SCAS) {
			bool zf = c->regs->rflags & X86_FLAGS_ZF;

			if (zf != (insn->rep == 0xf3))
				return X86EMUL_OKAY;
		}
		if (n >= max)
			return X86EMUL_RETRY;
	}
}

int x86_emul_io(struct x86_emul_ctxt *c)
{
	const struct x86_insn *insn = &c->insn;
	unsigned int op = insn->opcode;
	unsigned int bytes = (op & 1) ? (insn->op_bytes == 2 ? 2 : 4) : 1;
	uint16_t port = (op & 8) ? (uint16_t)c->regs->gpr[RDX] : (uint8_t)insn->imm;
	uint32_t val = 0;
	int rc;

	if (op & 2)
		return c->ops->write_io(c, port, bytes,
					(uint32_t)x86_reg_read(c, 0, bytes));
	rc = c->ops->read_io(c, port, bytes, &val);
	if (rc == X86EMUL_OKAY)
		x86_reg_write(c, 0, bytes, val);
	return rc;
}
