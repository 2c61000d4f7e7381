/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction emulation: effective addresses, operands and the integer
 * instructions a guest may point at MMIO (MOV forms, ALU, TEST, XCHG, BTx,
 * CMPXCHG, XADD, SETcc, CMOVcc, MOVNTI). Memory goes through the caller's
 * callbacks; every memory access of an instruction happens before any
 * register or flag changes, so a fault leaves the guest state untouched.
 */
#include <basalt/lib/string.h>
#include "emul.h"

/* An operand: a register or seg:offset in guest memory. */
struct opnd {
	bool mem;
	unsigned int bytes;
	unsigned int reg;
	enum x86_seg seg;
	uint64_t off;
};

int x86_emul_raise(struct x86_emul_ctxt *c, uint8_t vector,
		   bool has_error_code, uint32_t error_code)
{
	memset(&c->event, 0, sizeof(c->event));
	c->event.vector = vector;
	c->event.has_error_code = has_error_code;
	c->event.error_code = error_code;
	return X86EMUL_EXCEPTION;
}

static int64_t sext(uint64_t v, unsigned int bytes)
{
	unsigned int sh = 64 - 8 * bytes;

	if (bytes == 0)
		return 0;
	return bytes >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

static int op_read(struct x86_emul_ctxt *c, const struct opnd *o, uint64_t *val)
{
	uint64_t v = 0;	/* little-endian: the low bytes are filled */
	int rc;

	if (!o->mem) {
		*val = x86_reg_read(c, o->reg, o->bytes);
		return X86EMUL_OKAY;
	}
	rc = c->ops->read(c, o->seg, o->off, &v, o->bytes);
	*val = v & x86_size_mask(o->bytes);
	return rc;
}

static int op_write(struct x86_emul_ctxt *c, const struct opnd *o, uint64_t val)
{
	if (!o->mem) {
		x86_reg_write(c, o->reg, o->bytes, val);
		return X86EMUL_OKAY;
	}
	return c->ops->write(c, o->seg, o->off, &val, o->bytes);
}

static struct opnd reg_opnd(unsigned int reg, unsigned int bytes)
{
	return (struct opnd){ .reg = reg, .bytes = bytes };
}

/* The ModRM r/m operand. */
static struct opnd rm_opnd(const struct x86_emul_ctxt *c, unsigned int bytes)
{
	const struct x86_insn *i = &c->insn;

	if (!i->mem)
		return reg_opnd(i->modrm_rm, bytes);
	return (struct opnd){ .mem = true, .bytes = bytes,
			      .seg = (enum x86_seg)i->mem_seg,
			      .off = i->mem_offset };
}

static void calc_ea(struct x86_emul_ctxt *c, uint64_t next_rip)
{
	struct x86_insn *i = &c->insn;
	const uint64_t *g = c->regs->gpr;
	uint64_t ea = (uint64_t)i->disp;
	enum x86_seg seg = X86_SEG_DS;
	unsigned int rexb = (i->rex & 1) << 3;

	if (i->ad_bytes == 2) {
		/* BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP (or disp16), BX */
		static const int8_t base16[8] = { 3, 3, 5, 5, -1, -1, 5, 3 };
		static const int8_t index16[8] = { 6, 7, 6, 7, 6, 7, -1, -1 };
		unsigned int rm = i->modrm_rm & 7;

		if (base16[rm] >= 0 && !(rm == 6 && i->modrm_mod == 0)) {
			ea += g[base16[rm]];
			if (base16[rm] == 5)
				seg = X86_SEG_SS;
		}
		if (index16[rm] >= 0)
			ea += g[index16[rm]];
	} else if (i->has_sib) {
		unsigned int base = (i->sib & 7) | rexb;
		unsigned int index = ((i->sib >> 3) & 7) | ((i->rex & 2) << 2);

		if (index != 4)
			ea += g[index] << (i->sib >> 6);
		if (!((i->sib & 7) == 5 && i->modrm_mod == 0)) {
			ea += g[base];
			if (base == 4 || base == 5)
				seg = X86_SEG_SS;
		}
	} else if (i->modrm_mod == 0 && (i->modrm_rm & 7) == 5) {
		if (c->mode == 64)
			ea += next_rip;		/* RIP-relative */
	} else {
		unsigned int base = (i->modrm_rm & 7) | rexb;

		ea += g[base];
		if (base == 5)
			seg = X86_SEG_SS;
	}
	i->mem = true;
	i->mem_offset = ea & x86_size_mask(i->ad_bytes);
	i->mem_seg = i->seg_override != X86_SEG_NONE ? i->seg_override : seg;
}

/* dst op= src; CMP and TEST only set flags. */
static int do_alu(struct x86_emul_ctxt *c, enum x86_alu_op op,
		  const struct opnd *dst, uint64_t src)
{
	uint64_t d, res, fl = c->regs->rflags;
	int rc = op_read(c, dst, &d);

	if (rc != X86EMUL_OKAY)
		return rc;
	res = x86_alu(op, d, src, dst->bytes, &fl);
	if (op != ALU_CMP && op != ALU_TEST) {
		rc = op_write(c, dst, res);
		if (rc != X86EMUL_OKAY)
			return rc;
	}
	c->regs->rflags = fl;
	return X86EMUL_OKAY;
}

/* Opcodes 00-3F, low three bits 0-5: the operand forms of the ALU rows. */
static int alu_form(struct x86_emul_ctxt *c, enum x86_alu_op op, unsigned int form)
{
	const struct x86_insn *i = &c->insn;
	unsigned int bytes = (form & 1) ? i->op_bytes : 1;
	struct opnd dst, src;
	uint64_t v;
	int rc;

	switch (form) {
	case 0: case 1:
		dst = rm_opnd(c, bytes);
		src = reg_opnd(i->modrm_reg, bytes);
		break;
	case 2: case 3:
		dst = reg_opnd(i->modrm_reg, bytes);
		src = rm_opnd(c, bytes);
		break;
	default:
		return do_alu(c, op, &(struct opnd){ .reg = 0, .bytes = bytes },
			      (uint64_t)sext(i->imm, i->imm_bytes));
	}
	rc = op_read(c, &src, &v);
	if (rc != X86EMUL_OKAY)
		return rc;
	return do_alu(c, op, &dst, v);
}

static int do_mov(struct x86_emul_ctxt *c, const struct opnd *dst,
		  const struct opnd *src)
{
	uint64_t v;
	int rc = op_read(c, src, &v);

	return rc != X86EMUL_OKAY ? rc : op_write(c, dst, v);
}

static int do_xchg(struct x86_emul_ctxt *c, unsigned int bytes)
{
	struct opnd m = rm_opnd(c, bytes), r = reg_opnd(c->insn.modrm_reg, bytes);
	uint64_t mv, rv;
	int rc = op_read(c, &m, &mv);

	if (rc != X86EMUL_OKAY)
		return rc;
	rv = x86_reg_read(c, r.reg, bytes);
	rc = op_write(c, &m, rv);
	if (rc == X86EMUL_OKAY)
		op_write(c, &r, mv);
	return rc;
}

/* F6/F7: TEST, NOT, NEG (MUL/DIV are not emulated). */
static int group3(struct x86_emul_ctxt *c, unsigned int bytes)
{
	const struct x86_insn *i = &c->insn;
	struct opnd dst = rm_opnd(c, bytes);
	uint64_t v;
	int rc;

	switch ((i->modrm >> 3) & 7) {
	case 0: case 1:
		return do_alu(c, ALU_TEST, &dst, (uint64_t)sext(i->imm, i->imm_bytes));
	case 2:
		rc = op_read(c, &dst, &v);
		return rc != X86EMUL_OKAY ? rc : op_write(c, &dst, ~v);
	case 3:
		return do_alu(c, ALU_NEG, &dst, 0);
	default:
		return X86EMUL_UNHANDLEABLE;
	}
}

static int exec_map1(struct x86_emul_ctxt *c)
{
	const struct x86_insn *i = &c->insn;
	unsigned int op = i->opcode, reg = (i->modrm >> 3) & 7;
	unsigned int ob = i->op_bytes, b = (op & 1) ? ob : 1;
	struct opnd dst, src;

	if (op < 0x40 && (op & 7) < 6)
		return alu_form(c, (enum x86_alu_op)(op >> 3), op & 7);
	switch (op) {
	case 0x63:			/* MOVSXD (ARPL outside long mode) */
	{
		uint64_t v;
		int rc;

		if (c->mode != 64)
			return X86EMUL_UNHANDLEABLE;
		src = rm_opnd(c, ob == 2 ? 2 : 4);
		rc = op_read(c, &src, &v);
		if (rc == X86EMUL_OKAY)
			x86_reg_write(c, i->modrm_reg, ob, (uint64_t)sext(v, src.bytes));
		return rc;
	}
	case 0x80: case 0x81: case 0x82: case 0x83:
		dst = rm_opnd(c, op == 0x81 || op == 0x83 ? ob : 1);
		return do_alu(c, (enum x86_alu_op)reg, &dst,
			      (uint64_t)sext(i->imm, i->imm_bytes));
	case 0x84: case 0x85:
	{
		uint64_t v = x86_reg_read(c, i->modrm_reg, b);

		dst = rm_opnd(c, b);
		return do_alu(c, ALU_TEST, &dst, v);
	}
	case 0x86: case 0x87:
		return do_xchg(c, b);
	case 0x88: case 0x89:
		dst = rm_opnd(c, b);
		src = reg_opnd(i->modrm_reg, b);
		return do_mov(c, &dst, &src);
	case 0x8a: case 0x8b:
		dst = reg_opnd(i->modrm_reg, b);
		src = rm_opnd(c, b);
		return do_mov(c, &dst, &src);
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
	{
		struct opnd m = { .mem = true, .bytes = b,
				  .seg = i->seg_override != X86_SEG_NONE ?
					 (enum x86_seg)i->seg_override : X86_SEG_DS,
				  .off = i->imm & x86_size_mask(i->ad_bytes) };
		struct opnd acc = reg_opnd(0, b);

		c->insn.mem = true;
		c->insn.mem_seg = (uint8_t)m.seg;
		c->insn.mem_offset = m.off;
		return op < 0xa2 ? do_mov(c, &acc, &m) : do_mov(c, &m, &acc);
	}
	case 0xa8: case 0xa9:
		return do_alu(c, ALU_TEST, &(struct opnd){ .reg = 0, .bytes = b },
			      (uint64_t)sext(i->imm, i->imm_bytes));
	case 0xa4: case 0xa5: case 0xa6: case 0xa7:
	case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf:
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:
		return x86_emul_string(c);
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
	case 0xec: case 0xed: case 0xee: case 0xef:
		return x86_emul_io(c);
	case 0xc6: case 0xc7:
		if (reg != 0)
			return X86EMUL_UNHANDLEABLE;	/* XABORT, XBEGIN */
		dst = rm_opnd(c, b);
		return op_write(c, &dst, (uint64_t)sext(i->imm, i->imm_bytes));
	case 0xf6: case 0xf7:
		return group3(c, b);
	case 0xfe: case 0xff:
		if (reg > 1)
			return X86EMUL_UNHANDLEABLE;
		dst = rm_opnd(c, b);
		return do_alu(c, reg ? ALU_DEC : ALU_INC, &dst, 0);
	default:
		if (op >= 0xb0 && op < 0xc0) {
			unsigned int r = (op & 7) | ((i->rex & 1) << 3);

			x86_reg_write(c, r, op < 0xb8 ? 1 : ob, i->imm);
			return X86EMUL_OKAY;
		}
		return X86EMUL_UNHANDLEABLE;
	}
}

/* BT, BTS, BTR, BTC (kind 0-3) with a register or immediate bit offset. */
static int do_bt(struct x86_emul_ctxt *c, unsigned int kind, bool imm)
{
	const struct x86_insn *i = &c->insn;
	unsigned int bytes = i->op_bytes, bits = bytes * 8;
	struct opnd dst = rm_opnd(c, bytes);
	uint64_t off, v, bit, nv = 0;
	int rc;

	if (imm) {
		off = i->imm & (bits - 1);
	} else {
		off = x86_reg_read(c, i->modrm_reg, bytes);
		if (dst.mem) {
			/* A register offset reaches outside the operand, signed. */
			int64_t soff = sext(off, bytes);
			int64_t words = soff >= 0 ? soff / (int64_t)bits :
				-((-(soff + 1)) / (int64_t)bits) - 1;

			dst.off = (dst.off + (uint64_t)(words * (int64_t)bytes)) &
				  x86_size_mask(i->ad_bytes);
			c->insn.mem_offset = dst.off;
		}
		off &= bits - 1;
	}
	rc = op_read(c, &dst, &v);
	if (rc != X86EMUL_OKAY)
		return rc;
	bit = (uint64_t)1 << off;
	switch (kind) {
	case 1: nv = v | bit; break;
	case 2: nv = v & ~bit; break;
	case 3: nv = v ^ bit; break;
	default: break;
	}
	if (kind) {
		rc = op_write(c, &dst, nv);
		if (rc != X86EMUL_OKAY)
			return rc;
	}
	c->regs->rflags = (c->regs->rflags & ~(uint64_t)X86_FLAGS_CF) |
			  ((v & bit) ? X86_FLAGS_CF : 0);
	return X86EMUL_OKAY;
}

static int do_cmpxchg(struct x86_emul_ctxt *c, unsigned int bytes)
{
	struct opnd dst = rm_opnd(c, bytes);
	uint64_t d, acc = x86_reg_read(c, 0, bytes), fl = c->regs->rflags;
	int rc = op_read(c, &dst, &d);

	if (rc != X86EMUL_OKAY)
		return rc;
	x86_alu(ALU_CMP, acc, d, bytes, &fl);
	/* On a mismatch the CPU writes the old value back; for MMIO we do not. */
	if (acc == d)
		rc = op_write(c, &dst, x86_reg_read(c, c->insn.modrm_reg, bytes));
	else
		x86_reg_write(c, 0, bytes, d);
	if (rc == X86EMUL_OKAY)
		c->regs->rflags = fl;
	return rc;
}

static int do_xadd(struct x86_emul_ctxt *c, unsigned int bytes)
{
	struct opnd dst = rm_opnd(c, bytes), src = reg_opnd(c->insn.modrm_reg, bytes);
	uint64_t d, s = x86_reg_read(c, src.reg, bytes), res, fl = c->regs->rflags;
	int rc = op_read(c, &dst, &d);

	if (rc != X86EMUL_OKAY)
		return rc;
	res = x86_alu(ALU_ADD, d, s, bytes, &fl);
	if (dst.mem) {
		rc = op_write(c, &dst, res);
		if (rc != X86EMUL_OKAY)
			return rc;
		op_write(c, &src, d);
	} else {
		/* Register form: the destination is written last, as on the CPU. */
		op_write(c, &src, d);
		op_write(c, &dst, res);
	}
	c->regs->rflags = fl;
	return X86EMUL_OKAY;
}

static int exec_map0f(struct x86_emul_ctxt *c)
{
	const struct x86_insn *i = &c->insn;
	unsigned int op = i->opcode, reg = (i->modrm >> 3) & 7, ob = i->op_bytes;
	struct opnd dst, src;
	uint64_t v;
	int rc;

	if (op >= 0x40 && op < 0x50) {		/* CMOVcc: the source is always read */
		src = rm_opnd(c, ob);
		rc = op_read(c, &src, &v);
		if (rc != X86EMUL_OKAY)
			return rc;
		if (!x86_cond(op & 15, c->regs->rflags))
			v = x86_reg_read(c, i->modrm_reg, ob);
		x86_reg_write(c, i->modrm_reg, ob, v);
		return X86EMUL_OKAY;
	}
	if (op >= 0x90 && op < 0xa0) {		/* SETcc */
		dst = rm_opnd(c, 1);
		return op_write(c, &dst, x86_cond(op & 15, c->regs->rflags));
	}
	switch (op) {
	case 0xa3: return do_bt(c, 0, false);
	case 0xab: return do_bt(c, 1, false);
	case 0xb3: return do_bt(c, 2, false);
	case 0xbb: return do_bt(c, 3, false);
	case 0xba:
		if (reg < 4)
			return X86EMUL_UNHANDLEABLE;
		return do_bt(c, reg - 4, true);
	case 0xb0: case 0xb1:
		return do_cmpxchg(c, op & 1 ? ob : 1);
	case 0xc0: case 0xc1:
		return do_xadd(c, op & 1 ? ob : 1);
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		src = rm_opnd(c, (op & 1) ? 2 : 1);
		rc = op_read(c, &src, &v);
		if (rc != X86EMUL_OKAY)
			return rc;
		if (op >= 0xbe)
			v = (uint64_t)sext(v, src.bytes);
		x86_reg_write(c, i->modrm_reg, ob, v);
		return X86EMUL_OKAY;
	case 0xc3:				/* MOVNTI: memory only, no 66/F2/F3 */
		if (!i->mem || i->opsize_prefix || i->rep)
			return x86_emul_raise(c, X86_EXC_UD, false, 0);
		dst = rm_opnd(c, ob);
		src = reg_opnd(i->modrm_reg, ob);
		return do_mov(c, &dst, &src);
	default:
		return X86EMUL_UNHANDLEABLE;
	}
}

int x86_emulate(struct x86_emul_ctxt *c)
{
	struct x86_fetch f = { .c = c, .rip = c->regs->rip, .mode = c->mode };
	uint64_t next;
	int rc;

	memset(&c->event, 0, sizeof(c->event));
	rc = x86_decode_from(&f, &c->insn, &c->event);
	if (rc != X86EMUL_OKAY)
		return rc;
	next = c->regs->rip + c->insn.len;
	if (c->mode != 64)
		next &= c->mode == 16 ? 0xffff : 0xffffffff;
	if (c->insn.has_modrm && c->insn.modrm_mod != 3)
		calc_ea(c, next);

	if (c->insn.map == X86_MAP_1)
		rc = exec_map1(c);
	else if (c->insn.map == X86_MAP_0F)
		rc = exec_map0f(c);
	else
		rc = X86EMUL_UNHANDLEABLE;
	if (rc == X86EMUL_OKAY)
		c->regs->rip = next;
	return rc;
}
