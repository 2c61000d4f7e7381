/* SPDX-License-Identifier: MIT */
/*
 * x86 emulator arithmetic against the host CPU: each ALU operation, every
 * operand size and form, over edge values and both carry-ins, is emulated
 * on a memory operand and executed natively on registers (inline asm); the
 * results and the arithmetic RFLAGS bits must match. Same for BTx, SETcc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <asm/x86_emulate.h>

void test_alu_native(void **state);
void test_alu_forms_native(void **state);
void test_bt_native(void **state);
void test_cond_native(void **state);

#define MEMOFF 0x100

static struct {
	uint8_t code[16];
	uint8_t data[16];
	struct x86_emul_regs regs;
	struct x86_emul_ctxt c;
} A;

static int a_read(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		  void *buf, unsigned int bytes)
{
	assert_true(off >= MEMOFF && off + bytes <= MEMOFF + sizeof(A.data));
	memcpy(buf, A.data + off - MEMOFF, bytes);
	return X86EMUL_OKAY;
}

static int a_write(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		   const void *buf, unsigned int bytes)
{
	assert_true(off >= MEMOFF && off + bytes <= MEMOFF + sizeof(A.data));
	memcpy(A.data + off - MEMOFF, buf, bytes);
	return X86EMUL_OKAY;
}

static int a_fetch(struct x86_emul_ctxt *c, uint64_t rip, void *buf, unsigned int bytes)
{
	assert_true(rip + bytes <= sizeof(A.code));
	memcpy(buf, A.code + rip, bytes);
	return X86EMUL_OKAY;
}

static const struct x86_emul_ops a_ops = { .read = a_read, .write = a_write, .fetch = a_fetch };

/* Run code (64-bit) with RBX = MEMOFF, RCX = src, memory = dst. */
static uint64_t emulate(const uint8_t *code, size_t n, uint64_t dst, uint64_t src,
			uint64_t *flags)
{
	memset(&A, 0, sizeof(A));
	memcpy(A.code, code, n);
	memcpy(A.data, &dst, 8);
	A.regs.gpr[3] = MEMOFF;
	A.regs.gpr[1] = src;
	A.regs.rflags = *flags;
	A.c = (struct x86_emul_ctxt){ .regs = &A.regs, .mode = 64, .ops = &a_ops, .max_reps = 1 };
	assert_int_equal(x86_emulate(&A.c), X86EMUL_OKAY);
	assert_int_equal(A.regs.rip, n);
	*flags = A.regs.rflags;
	uint64_t v;

	memcpy(&v, A.data, 8);
	return v;
}

/* The host executes "op src, dst" on registers, flags in and out through popf/pushf. */
#define PRE "lea -128(%%rsp),%%rsp\n\tpush %[f]\n\tpopf\n\t"
#define POST "\n\tpushf\n\tpop %[f]\n\tlea 128(%%rsp),%%rsp"
#define ASM2(m) asm volatile(PRE m POST : [d] "+r"(d), [f] "+r"(f) : [s] "r"(s) : "cc", "memory")
#define SIZED2(m) switch (bytes) { \
	case 1: ASM2(m "b %b[s],%b[d]"); break; \
	case 2: ASM2(m "w %w[s],%w[d]"); break; \
	case 4: ASM2(m "l %k[s],%k[d]"); break; \
	default: ASM2(m "q %q[s],%q[d]"); break; }
#define ASM1(m) asm volatile(PRE m POST : [d] "+r"(d), [f] "+r"(f) : : "cc", "memory")
#define SIZED1(m) switch (bytes) { \
	case 1: ASM1(m "b %b[d]"); break; \
	case 2: ASM1(m "w %w[d]"); break; \
	case 4: ASM1(m "l %k[d]"); break; \
	default: ASM1(m "q %q[d]"); break; }

enum { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP,
       OP_TEST, OP_INC, OP_DEC, OP_NEG, OP_NOT, OP_N };

static uint64_t native(int op, unsigned int bytes, uint64_t d, uint64_t s, uint64_t *flags)
{
	uint64_t f = *flags;

	switch (op) {
	case OP_ADD: SIZED2("add"); break;
	case OP_OR: SIZED2("or"); break;
	case OP_ADC: SIZED2("adc"); break;
	case OP_SBB: SIZED2("sbb"); break;
	case OP_AND: SIZED2("and"); break;
	case OP_SUB: SIZED2("sub"); break;
	case OP_XOR: SIZED2("xor"); break;
	case OP_CMP: SIZED2("cmp"); break;
	case OP_TEST: SIZED2("test"); break;
	case OP_INC: SIZED1("inc"); break;
	case OP_DEC: SIZED1("dec"); break;
	case OP_NEG: SIZED1("neg"); break;
	default: SIZED1("not"); break;
	}
	*flags = f;
	return d;
}

static const uint64_t vals[] = {
	0, 1, 2, 0x0f, 0x10, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000,
	0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	0x100000000, 0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffffffe,
	0xffffffffffffffff, 0x123456789abcdef0, 0xfedcba9876543210, 0x5555aaaa5555aaaa,
};
#define NV (sizeof(vals) / sizeof(vals[0]))

static size_t code_for(int op, unsigned int bytes, uint8_t *code)
{
	size_t n = 0;

	if (bytes == 2)
		code[n++] = 0x66;
	if (bytes == 8)
		code[n++] = 0x48;
	unsigned int w = bytes != 1;

	if (op <= OP_CMP) {
		code[n++] = (uint8_t)((op << 3) | w);	/* op %rcx,(%rbx) */
		code[n++] = 0x0b;
	} else if (op == OP_TEST) {
		code[n++] = (uint8_t)(0x84 | w);
		code[n++] = 0x0b;
	} else if (op == OP_INC || op == OP_DEC) {
		code[n++] = (uint8_t)(0xfe | w);
		code[n++] = (uint8_t)(0x03 | ((op - OP_INC) << 3));
	} else {
		code[n++] = (uint8_t)(0xf6 | w);
		code[n++] = (uint8_t)(0x03 | ((op == OP_NEG ? 3 : 2) << 3));
	}
	return n;
}

static const uint64_t flag_inits[] = {
	0x2, 0x2 | X86_FLAGS_CF, 0x2 | X86_FLAGS_ARITH, 0x2 | (X86_FLAGS_ARITH & ~X86_FLAGS_CF),
};

void test_alu_native(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int checked = 0;

	for (int op = 0; op < OP_N; op++)
		for (unsigned int si = 0; si < 4; si++)
			for (size_t i = 0; i < NV; i++)
				for (size_t j = 0; j < NV; j++)
					for (size_t k = 0; k < 4; k++) {
			unsigned int bytes = sizes[si];

			if (op >= OP_INC && j > 0)
				continue;	/* one-operand ops ignore src */
			uint64_t mask = bytes == 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
			uint8_t code[8];
			size_t n = code_for(op, bytes, code);
			uint64_t fe = flag_inits[k], fn = flag_inits[k];
			uint64_t re = emulate(code, n, vals[i], vals[j], &fe);
			uint64_t rn = native(op, bytes, vals[i], vals[j], &fn);

			/* Bytes above the operand must be untouched in memory. */
			if (op == OP_CMP || op == OP_TEST)
				rn = vals[i];
			rn = (vals[i] & ~mask) | (rn & mask);
			if (re != rn || (fe & X86_FLAGS_ARITH) != (fn & X86_FLAGS_ARITH)) {
				printf("# op %d size %u dst %#llx src %#llx flags %#llx: "
				       "emu %#llx/%#llx native %#llx/%#llx\n", op, bytes,
				       (unsigned long long)vals[i], (unsigned long long)vals[j],
				       (unsigned long long)flag_inits[k],
				       (unsigned long long)re, (unsigned long long)fe,
				       (unsigned long long)rn, (unsigned long long)fn);
				fail();
			}
			checked++;
		}
	assert_true(checked > 20000);
}

/* Register destinations, memory sources and immediates give the same answers. */
void test_alu_forms_native(void **state)
{
	for (int op = 0; op <= OP_CMP; op++)
		for (size_t i = 0; i < NV; i++)
			for (size_t j = 0; j < NV; j++) {
		uint64_t d = vals[i], s = vals[j];
		uint64_t fn = 0x2 | X86_FLAGS_CF, fe = fn;
		uint64_t rn = native(op, 4, d, s, &fn);

		/* op (%rbx),%ecx: the register is the destination. */
		uint8_t c1[] = { (uint8_t)((op << 3) | 3), 0x0b };

		emulate(c1, sizeof(c1), s, d, &fe);
		if (op != OP_CMP)
			assert_int_equal(A.regs.gpr[1], (uint32_t)rn);
		else
			assert_int_equal(A.regs.gpr[1], d);
		assert_int_equal(fe & X86_FLAGS_ARITH, fn & X86_FLAGS_ARITH);

		/* opl $imm32,(%rbx) and opq $simm8,(%rbx) */
		uint8_t c2[] = { 0x81, (uint8_t)(0x03 | (op << 3)),
				 (uint8_t)s, (uint8_t)(s >> 8), (uint8_t)(s >> 16), (uint8_t)(s >> 24) };
		fe = 0x2 | X86_FLAGS_CF;
		uint64_t re = emulate(c2, sizeof(c2), d, 0, &fe);

		assert_int_equal(re, op == OP_CMP ? d : ((d & ~0xffffffffull) | (uint32_t)rn));
		assert_int_equal(fe & X86_FLAGS_ARITH, fn & X86_FLAGS_ARITH);

		uint64_t s8 = (uint64_t)(int64_t)(int8_t)s;
		uint8_t c3[] = { 0x48, 0x83, (uint8_t)(0x03 | (op << 3)), (uint8_t)s };

		fn = 0x2;
		fe = 0x2;
		rn = native(op, 8, d, s8, &fn);
		re = emulate(c3, sizeof(c3), d, 0, &fe);
		assert_int_equal(re, op == OP_CMP ? d : rn);
		assert_int_equal(fe & X86_FLAGS_ARITH, fn & X86_FLAGS_ARITH);

		/* op $imm,%al / %rax */
		uint8_t c4[] = { (uint8_t)((op << 3) | 4), (uint8_t)s };

		fn = 0x2 | X86_FLAGS_CF;
		fe = fn;
		rn = native(op, 1, d, s, &fn);
		emulate(c4, sizeof(c4), 0, 0, &fe);
		(void)fe;
		A.regs.gpr[0] = d;
		A.regs.rip = 0;
		A.regs.rflags = 0x2 | X86_FLAGS_CF;
		assert_int_equal(x86_emulate(&A.c), X86EMUL_OKAY);
		assert_int_equal(A.regs.gpr[0], op == OP_CMP ? d : ((d & ~0xffull) | (rn & 0xff)));
		assert_int_equal(A.regs.rflags & X86_FLAGS_ARITH, fn & X86_FLAGS_ARITH);
	}
}

static uint64_t native_bt(int kind, unsigned int bytes, uint64_t d, uint64_t s, uint64_t *flags)
{
	uint64_t f = *flags;

	switch (kind) {
	case 0:
		if (bytes == 2) ASM2("btw %w[s],%w[d]"); else if (bytes == 4) ASM2("btl %k[s],%k[d]"); else ASM2("btq %q[s],%q[d]");
		break;
	case 1:
		if (bytes == 2) ASM2("btsw %w[s],%w[d]"); else if (bytes == 4) ASM2("btsl %k[s],%k[d]"); else ASM2("btsq %q[s],%q[d]");
		break;
	case 2:
		if (bytes == 2) ASM2("btrw %w[s],%w[d]"); else if (bytes == 4) ASM2("btrl %k[s],%k[d]"); else ASM2("btrq %q[s],%q[d]");
		break;
	default:
		if (bytes == 2) ASM2("btcw %w[s],%w[d]"); else if (bytes == 4) ASM2("btcl %k[s],%k[d]"); else ASM2("btcq %q[s],%q[d]");
		break;
	}
	*flags = f;
	return d;
}

/* BTx on a register destination (offset masked) against the host; CF only. */
void test_bt_native(void **state)
{
	static const uint8_t opc[4] = { 0xa3, 0xab, 0xb3, 0xbb };

	for (int kind = 0; kind < 4; kind++)
		for (unsigned int bytes = 2; bytes <= 8; bytes *= 2)
			for (uint64_t bit = 0; bit < 70; bit += 3) {
		uint64_t d = 0x5a5a5a5aa5a5a5a5, f = 0x2 | X86_FLAGS_ZF;
		uint64_t rn = native_bt(kind, bytes, d, bit, &f);
		uint8_t code[4];
		size_t n = 0;

		if (bytes == 2)
			code[n++] = 0x66;
		if (bytes == 8)
			code[n++] = 0x48;
		code[n++] = 0x0f;
		code[n++] = opc[kind];
		code[n++] = 0xc8;		/* bt %ecx,%eax */
		memset(&A, 0, sizeof(A));
		memcpy(A.code, code, n);
		A.regs.gpr[0] = d;
		A.regs.gpr[1] = bit;
		A.regs.rflags = 0x2 | X86_FLAGS_ZF;
		A.c = (struct x86_emul_ctxt){ .regs = &A.regs, .mode = 64, .ops = &a_ops };
		assert_int_equal(x86_emulate(&A.c), X86EMUL_OKAY);
		assert_int_equal(A.regs.gpr[0], rn);
		assert_int_equal(A.regs.rflags & (X86_FLAGS_CF | X86_FLAGS_ZF),
				 f & (X86_FLAGS_CF | X86_FLAGS_ZF));
	}
}

#define SETCC(cc) asm volatile("lea -128(%%rsp),%%rsp\n\tpush %[f]\n\tpopf\n\tset" cc " %[r]\n\tlea 128(%%rsp),%%rsp" \
			       : [r] "=q"(r) : [f] "r"(f) : "cc", "memory")

static uint8_t native_setcc(unsigned int cc, uint64_t f)
{
	uint8_t r = 0;

	switch (cc) {
	case 0: SETCC("o"); break;
	case 1: SETCC("no"); break;
	case 2: SETCC("b"); break;
	case 3: SETCC("ae"); break;
	case 4: SETCC("e"); break;
	case 5: SETCC("ne"); break;
	case 6: SETCC("be"); break;
	case 7: SETCC("a"); break;
	case 8: SETCC("s"); break;
	case 9: SETCC("ns"); break;
	case 10: SETCC("p"); break;
	case 11: SETCC("np"); break;
	case 12: SETCC("l"); break;
	case 13: SETCC("ge"); break;
	case 14: SETCC("le"); break;
	default: SETCC("g"); break;
	}
	return r;
}

/* SETcc to memory for every condition and every combination of CF PF ZF SF OF. */
void test_cond_native(void **state)
{
	static const uint64_t bits[5] = { X86_FLAGS_CF, X86_FLAGS_PF, X86_FLAGS_ZF,
					  X86_FLAGS_SF, X86_FLAGS_OF };

	for (unsigned int cc = 0; cc < 16; cc++)
		for (unsigned int combo = 0; combo < 32; combo++) {
		uint64_t f = 0x2;

		for (int b = 0; b < 5; b++)
			if (combo & (1u << b))
				f |= bits[b];
		uint8_t code[] = { 0x0f, (uint8_t)(0x90 | cc), 0x03 };
		uint64_t fe = f;
		uint64_t re = emulate(code, sizeof(code), 0xeeee, 0, &fe);

		assert_int_equal(re, 0xee00u | native_setcc(cc, f));
		assert_int_equal(fe, f);
	}
}
