/* SPDX-License-Identifier: MIT */
/*
 * Integer ALU results with their RFLAGS, condition codes and sized register
 * access for the x86 emulator. Flags follow what the CPU leaves; where the
 * manuals say "undefined" (AF after logic ops) we use what AMD and Intel
 * parts actually produce, checked against the host in the unit tests.
 */
#include "emul.h"

uint64_t x86_size_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * bytes)) - 1;
}

static bool parity_even(uint64_t v)
{
	uint8_t b = (uint8_t)v;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

uint64_t x86_alu(enum x86_alu_op op, uint64_t dst, uint64_t src,
		 unsigned int bytes, uint64_t *rflags)
{
	uint64_t mask = x86_size_mask(bytes);
	uint64_t sign = (uint64_t)1 << (8 * bytes - 1);
	uint64_t fl = *rflags;
	bool cin = fl & X86_FLAGS_CF;
	bool cf = false, of = false, af = false;
	uint64_t res;

	dst &= mask;
	src &= mask;
	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
		cin = op == ALU_ADC && cin;
		res = (dst + src + cin) & mask;
		cf = cin ? res <= dst : res < dst;
		of = (dst ^ res) & (src ^ res) & sign;
		af = (dst ^ src ^ res) & 0x10;
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		cin = op == ALU_SBB && cin;
		res = (dst - src - cin) & mask;
		cf = cin ? dst <= src : dst < src;
		of = (dst ^ src) & (dst ^ res) & sign;
		af = (dst ^ src ^ res) & 0x10;
		break;
	case ALU_OR:
		res = dst | src;
		break;
	case ALU_AND:
	case ALU_TEST:
		res = dst & src;
		break;
	case ALU_XOR:
		res = dst ^ src;
		break;
	case ALU_INC:
		res = (dst + 1) & mask;
		cf = cin;		/* INC and DEC keep CF */
		of = res == sign;
		af = (res & 0xf) == 0;
		break;
	case ALU_DEC:
		res = (dst - 1) & mask;
		cf = cin;
		of = dst == sign;
		af = (dst & 0xf) == 0;
		break;
	case ALU_NEG:
	default:
		res = (0 - dst) & mask;
		cf = dst != 0;
		of = dst == sign;
		af = (dst ^ res) & 0x10;
		break;
	}
	fl &= ~(uint64_t)X86_FLAGS_ARITH;
	if (cf)
		fl |= X86_FLAGS_CF;
	if (parity_even(res))
		fl |= X86_FLAGS_PF;
	if (af)
		fl |= X86_FLAGS_AF;
	if (res == 0)
		fl |= X86_FLAGS_ZF;
	if (res & sign)
		fl |= X86_FLAGS_SF;
	if (of)
		fl |= X86_FLAGS_OF;
	*rflags = fl;
	return res;
}

bool x86_cond(unsigned int cc, uint64_t fl)
{
	bool cf = fl & X86_FLAGS_CF, zf = fl & X86_FLAGS_ZF;
	bool sf = fl & X86_FLAGS_SF, of = fl & X86_FLAGS_OF;
	bool r;

	switch ((cc >> 1) & 7) {
	case 0: r = of; break;
	case 1: r = cf; break;
	case 2: r = zf; break;
	case 3: r = cf || zf; break;
	case 4: r = sf; break;
	case 5: r = fl & X86_FLAGS_PF; break;
	case 6: r = sf != of; break;
	default: r = zf || sf != of; break;
	}
	return (cc & 1) ? !r : r;
}

/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
static bool legacy_high(const struct x86_emul_ctxt *c, unsigned int reg,
			unsigned int bytes)
{
	return bytes == 1 && !c->insn.rex && reg >= 4 && reg < 8;
}

uint64_t x86_reg_read(const struct x86_emul_ctxt *c, unsigned int reg,
		      unsigned int bytes)
{
	const uint64_t *gpr = c->regs->gpr;

	if (legacy_high(c, reg, bytes))
		return (gpr[reg - 4] >> 8) & 0xff;
	return gpr[reg & 15] & x86_size_mask(bytes);
}

void x86_reg_write(struct x86_emul_ctxt *c, unsigned int reg,
		   unsigned int bytes, uint64_t val)
{
	uint64_t *gpr = c->regs->gpr;

	if (legacy_high(c, reg, bytes)) {
		gpr[reg - 4] = (gpr[reg - 4] & ~(uint64_t)0xff00) |
			       ((val & 0xff) << 8);
		return;
	}
	reg &= 15;
	if (bytes >= 4)		/* a 32-bit write clears bits 63:32 */
		gpr[reg] = val & x86_size_mask(bytes);
	else
		gpr[reg] = (gpr[reg] & ~x86_size_mask(bytes)) |
			   (val & x86_size_mask(bytes));
}
