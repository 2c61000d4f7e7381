/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction decoder: prefixes, opcode maps, ModRM/SIB, displacement
 * and immediate sizes. Enough of every map to find instruction lengths and
 * to say "unknown" rather than guess; never looks past byte 15.
 */
#include <stddef.h>
#include <basalt/lib/string.h>
#include "emul.h"

/* Per-opcode attributes: bit 0 ModRM, bits 1-3 immediate kind, flags above. */
#define M	0x01
#define IB	(1 << 1)	/* 1 byte */
#define IW	(2 << 1)	/* 2 bytes */
#define IZ	(3 << 1)	/* 2 or 4 bytes: operand size 16 or else */
#define IV	(4 << 1)	/* operand size: B8-BF only */
#define IMO	(5 << 1)	/* address size: moffs */
#define IWB	(6 << 1)	/* ENTER: 2 + 1 */
#define IFAR	(7 << 1)	/* ptr16:16/32 */
#define IMM(a)	(((a) >> 1) & 7)
#define X64	0x10		/* #UD in 64-bit mode */
#define BAD	0x20		/* unknown to us: unhandleable */
#define SPC	0x40		/* needs a look in decode_special() */

static const uint8_t map1[256] = {
	/* 00 */ M, M, M, M, IB, IZ, X64, X64, M, M, M, M, IB, IZ, X64, SPC,
	/* 10 */ M, M, M, M, IB, IZ, X64, X64, M, M, M, M, IB, IZ, X64, X64,
	/* 20 */ M, M, M, M, IB, IZ, 0, X64, M, M, M, M, IB, IZ, 0, X64,
	/* 30 */ M, M, M, M, IB, IZ, 0, X64, M, M, M, M, IB, IZ, 0, X64,
	/* 40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 60 */ X64, X64, M | SPC, M, 0, 0, 0, 0, IZ, M | IZ, IB, M | IB, 0, 0, 0, 0,
	/* 70 */ IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB, IB,
	/* 80 */ M | IB, M | IZ, M | IB | X64, M | IB, M, M, M, M, M, M, M, M, M, M, M, M | SPC,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, IFAR | X64, 0, 0, 0, 0, 0,
	/* A0 */ IMO, IMO, IMO, IMO, 0, 0, 0, 0, IB, IZ, 0, 0, 0, 0, 0, 0,
	/* B0 */ IB, IB, IB, IB, IB, IB, IB, IB, IV, IV, IV, IV, IV, IV, IV, IV,
	/* C0 */ M | IB, M | IB, IW, 0, M | SPC, M | SPC, M | IB, M | IZ, IWB, 0, IW, 0, 0, IB, X64, 0,
	/* D0 */ M, M, M, M, IB | X64, IB | X64, BAD, 0, M, M, M, M, M, M, M, M,
	/* E0 */ IB, IB, IB, IB, IB, IB, IB, IB, IZ, IZ, IFAR | X64, IB, 0, 0, 0, 0,
	/* F0 */ 0, 0, 0, 0, 0, 0, M | SPC, M | SPC, 0, 0, 0, 0, 0, 0, M, M,
};

static const uint8_t map0f[256] = {
	/* 00 */ M, M, M, M, BAD, 0, 0, 0, 0, 0, BAD, 0, BAD, M, 0, BAD,
	/* 10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 20 */ M, M, M, M, BAD, BAD, BAD, BAD, M, M, M, M, M, M, M, M,
	/* 30 */ 0, 0, 0, 0, 0, 0, BAD, 0, SPC, BAD, SPC, BAD, BAD, BAD, BAD, BAD,
	/* 40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 70 */ M | IB, M | IB, M | IB, M | IB, M, M, M, 0, M | SPC, M, BAD, BAD, M, M, M, M,
	/* 80 */ IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
	/* 90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* A0 */ 0, 0, 0, M, M | IB, M, BAD, BAD, 0, 0, 0, M, M | IB, M, M, M,
	/* B0 */ M, M, M, M, M, M, M, M, M | SPC, M, M | IB, M, M, M, M, M,
	/* C0 */ M, M, M | IB, M, M | IB, M | IB, M | IB, M, 0, 0, 0, 0, 0, 0, 0, 0,
	/* D0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* E0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* F0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

struct dec {
	struct x86_fetch *f;
	unsigned int pos;
	int rc;			/* first failure: stops the decode */
	struct x86_event *ev;
};

static int dec_fail(struct dec *d, int rc, uint8_t vector)
{
	if (d->rc == X86EMUL_OKAY) {
		d->rc = rc;
		if (rc == X86EMUL_EXCEPTION) {
			memset(d->ev, 0, sizeof(*d->ev));
			d->ev->vector = vector;
			d->ev->has_error_code = vector == X86_EXC_GP;
		}
	}
	return d->rc;
}

/*
 * Make bytes [pos, pos+n) available, fetching just those (a fetch past the
 * instruction's end could fault on a page the CPU would never touch).
 */
static bool dec_need(struct dec *d, unsigned int n)
{
	struct x86_fetch *f = d->f;
	unsigned int end = d->pos + n;

	if (d->rc != X86EMUL_OKAY)
		return false;
	if (end > X86_MAX_INSN_LEN) {
		dec_fail(d, X86EMUL_EXCEPTION, X86_EXC_GP);
		return false;
	}
	if (end <= f->have)
		return true;
	if (!f->c) {
		dec_fail(d, X86EMUL_TRUNCATED, 0);
		return false;
	}
	uint64_t rip = f->rip + f->have;
	if (f->mode == 16)
		rip &= 0xffff;
	else if (f->mode == 32)
		rip &= 0xffffffff;
	int rc = f->c->ops->fetch(f->c, rip, f->buf + f->have, end - f->have);
	if (rc != X86EMUL_OKAY) {
		if (rc == X86EMUL_EXCEPTION)
			*d->ev = f->c->event;
		d->rc = rc;
		return false;
	}
	f->have = end;
	return true;
}

static uint8_t dec_peek(struct dec *d)
{
	return dec_need(d, 1) ? d->f->buf[d->pos] : 0;
}

static uint64_t dec_take(struct dec *d, unsigned int n)
{
	uint64_t v = 0;

	if (!dec_need(d, n))
		return 0;
	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)d->f->buf[d->pos + i] << (8 * i);
	d->pos += n;
	return v;
}

static int64_t sext(uint64_t v, unsigned int bytes)
{
	unsigned int sh = 64 - 8 * bytes;

	if (bytes == 0)
		return 0;
	return bytes >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

static void dec_prefixes(struct dec *d, struct x86_insn *insn, unsigned int mode)
{
	bool ad_prefix = false;

	insn->seg_override = X86_SEG_NONE;
	for (;;) {
		uint8_t b = dec_peek(d);

		if (d->rc != X86EMUL_OKAY)
			return;
		switch (b) {
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			/* Long mode ignores these: the default segment stays. */
			if (mode != 64)
				insn->seg_override = (uint8_t)((b >> 3) & 3);
			break;
		case 0x64: case 0x65:
			insn->seg_override = b == 0x64 ? X86_SEG_FS : X86_SEG_GS;
			break;
		case 0x66:
			insn->opsize_prefix = true;
			break;
		case 0x67:
			ad_prefix = true;
			break;
		case 0xf0:
			insn->lock = true;
			break;
		case 0xf2: case 0xf3:
			insn->rep = b;
			break;
		default:
			if (mode == 64 && (b & 0xf0) == 0x40) {
				insn->rex = b;	/* counts only if the opcode follows */
				d->pos++;
				continue;
			}
			goto done;
		}
		insn->rex = 0;
		d->pos++;
	}
done:
	if (mode == 16) {
		insn->op_bytes = insn->opsize_prefix ? 4 : 2;
		insn->ad_bytes = ad_prefix ? 4 : 2;
	} else {
		insn->op_bytes = insn->opsize_prefix ? 2 : 4;
		if (mode == 64)
			insn->ad_bytes = ad_prefix ? 4 : 8;
		else
			insn->ad_bytes = ad_prefix ? 2 : 4;
	}
	if (insn->rex & 8)
		insn->op_bytes = 8;
}

static void dec_modrm(struct dec *d, struct x86_insn *insn, bool force_reg)
{
	uint8_t m = (uint8_t)dec_take(d, 1);
	unsigned int rex = insn->rex;

	insn->has_modrm = true;
	insn->modrm = m;
	insn->modrm_mod = m >> 6;
	insn->modrm_reg = (uint8_t)(((m >> 3) & 7) | ((rex & 4) << 1));
	insn->modrm_rm = m & 7;
	if (force_reg)
		insn->modrm_mod = 3;
	if (insn->modrm_mod == 3) {
		insn->modrm_rm |= (rex & 1) << 3;
		return;
	}
	if (insn->ad_bytes == 2) {
		if (insn->modrm_mod == 1)
			insn->disp_bytes = 1;
		else if (insn->modrm_mod == 2 ||
			 (insn->modrm_mod == 0 && insn->modrm_rm == 6))
			insn->disp_bytes = 2;
	} else {
		unsigned int base = insn->modrm_rm;

		if (base == 4) {
			insn->has_sib = true;
			insn->sib = (uint8_t)dec_take(d, 1);
			base = insn->sib & 7;
		}
		if (insn->modrm_mod == 1)
			insn->disp_bytes = 1;
		else if (insn->modrm_mod == 2 ||
			 (insn->modrm_mod == 0 && base == 5))
			insn->disp_bytes = 4;
	}
	insn->disp = sext(dec_take(d, insn->disp_bytes), insn->disp_bytes);
}

static void dec_imm(struct dec *d, struct x86_insn *insn, unsigned int kind)
{
	unsigned int z = insn->op_bytes == 2 ? 2 : 4;
	unsigned int n = 0, n2 = 0;

	switch (kind) {
	case 1: n = 1; break;
	case 2: n = 2; break;
	case 3: n = z; break;
	case 4: n = insn->op_bytes; break;
	case 5: n = insn->ad_bytes; break;
	case 6: n = 2; n2 = 1; break;
	case 7: n = z; n2 = 2; break;
	default: break;
	}
	insn->imm = dec_take(d, n);
	insn->imm2 = dec_take(d, n2);
	insn->imm_bytes = (uint8_t)(n + n2);
}

/* LOCK is legal only on these read-modify-write forms with a memory operand. */
static bool lock_ok(const struct x86_insn *insn, unsigned int mode)
{
	unsigned int op = insn->opcode, reg = (insn->modrm >> 3) & 7;

	if (insn->map == X86_MAP_0F && (op == 0x20 || op == 0x22))
		return true;	/* AMD: LOCK MOV CR0 means CR8 */
	if (!insn->has_modrm || insn->modrm_mod == 3)
		return false;
	if (insn->map == X86_MAP_1) {
		if (op < 0x40)
			return (op & 7) < 2 && (op >> 3) != 7;
		switch (op) {
		case 0x80: case 0x81: case 0x82: case 0x83:
			return reg != 7;
		case 0x86: case 0x87:
			return true;
		case 0xf6: case 0xf7:
			return reg == 2 || reg == 3;
		case 0xfe: case 0xff:
			return reg < 2;
		default:
			return false;
		}
	}
	if (insn->map == X86_MAP_0F) {
		switch (op) {
		case 0xab: case 0xb3: case 0xbb:
		case 0xb0: case 0xb1: case 0xc0: case 0xc1:
			return true;
		case 0xba:
			return reg >= 5;
		case 0xc7:
			return reg == 1;
		default:
			return false;
		}
	}
	return false;
}

/* One-byte opcodes whose meaning depends on the following byte. */
static int dec_special1(struct dec *d, struct x86_insn *insn, unsigned int mode,
			uint8_t *attr)
{
	uint8_t op = insn->opcode;

	if (op == 0x62 || op == 0xc4 || op == 0xc5 || op == 0x8f) {
		uint8_t next = dec_peek(d);

		if (d->rc != X86EMUL_OKAY)
			return d->rc;
		/* EVEX/VEX: always in long mode, else where BOUND/LES/LDS would need mod != 3. */
		if (op != 0x8f && (mode == 64 || (next & 0xc0) == 0xc0))
			return dec_fail(d, X86EMUL_UNHANDLEABLE, 0);
		/* XOP: 8F with a non-zero reg field (POP r/m has only /0). */
		if (op == 0x8f && (next & 0x38) != 0)
			return dec_fail(d, X86EMUL_UNHANDLEABLE, 0);
		return X86EMUL_OKAY;
	}
	/* F6/F7: TEST (/0, /1) carries an immediate, the others none. */
	uint8_t next = dec_peek(d);

	if (d->rc == X86EMUL_OKAY && ((next >> 3) & 7) < 2)
		*attr |= op == 0xf6 ? IB : IZ;
	return d->rc;
}

int x86_decode_from(struct x86_fetch *f, struct x86_insn *insn,
		    struct x86_event *ev)
{
	struct dec d = { .f = f, .ev = ev, .rc = X86EMUL_OKAY };
	unsigned int mode = f->mode;
	uint8_t attr;

	memset(insn, 0, sizeof(*insn));
	if (mode != 16 && mode != 32 && mode != 64)
		return X86EMUL_UNHANDLEABLE;
	dec_prefixes(&d, insn, mode);
	insn->opcode = (uint8_t)dec_take(&d, 1);
	if (d.rc != X86EMUL_OKAY)
		return d.rc;
	insn->map = X86_MAP_1;
	attr = map1[insn->opcode];
	if (insn->opcode == 0x0f) {
		insn->map = X86_MAP_0F;
		insn->opcode = (uint8_t)dec_take(&d, 1);
		attr = map0f[insn->opcode];
		if (insn->opcode == 0x38 || insn->opcode == 0x3a) {
			insn->map = insn->opcode == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
			insn->opcode = (uint8_t)dec_take(&d, 1);
			attr = insn->map == X86_MAP_0F38 ? M : M | IB;
		} else if (insn->opcode == 0x78) {
			/* 66/F2 0F 78: AMD EXTRQ/INSERTQ, two byte immediates. */
			if (insn->opsize_prefix || insn->rep == 0xf2)
				attr |= IW;
		} else if (insn->opcode == 0xb8 && insn->rep != 0xf3) {
			attr = BAD;	/* JMPE: only POPCNT (F3) exists */
		}
	} else if (attr & SPC) {
		dec_special1(&d, insn, mode, &attr);
	}
	if (d.rc != X86EMUL_OKAY)
		return d.rc;
	if (attr & BAD)
		return X86EMUL_UNHANDLEABLE;
	if (mode == 64 && (attr & X64))
		return dec_fail(&d, X86EMUL_EXCEPTION, X86_EXC_UD);
	if (attr & M)
		dec_modrm(&d, insn, insn->map == X86_MAP_0F &&
			  (insn->opcode & 0xfc) == 0x20);
	dec_imm(&d, insn, IMM(attr));
	if (d.rc != X86EMUL_OKAY)
		return d.rc;
	insn->len = (uint8_t)d.pos;
	if (insn->lock && !lock_ok(insn, mode))
		return dec_fail(&d, X86EMUL_EXCEPTION, X86_EXC_UD);
	return X86EMUL_OKAY;
}

int x86_decode(const uint8_t *bytes, unsigned int avail, unsigned int mode,
	       struct x86_insn *insn, struct x86_event *ev)
{
	struct x86_fetch f = { .mode = mode };

	f.have = avail < X86_MAX_INSN_LEN ? avail : X86_MAX_INSN_LEN;
	memcpy(f.buf, bytes, f.have);
	return x86_decode_from(&f, insn, ev);
}

int x86_decode_length(const uint8_t *bytes, unsigned int avail,
		      unsigned int mode, unsigned int *length)
{
	struct x86_insn insn;
	struct x86_event ev;
	int rc = x86_decode(bytes, avail, mode, &insn, &ev);

	*length = rc == X86EMUL_OKAY ? insn.len : 0;
	return rc;
}
