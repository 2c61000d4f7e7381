/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the x86 emulator (hv/arch/x86/emul/): every emulated
 * instruction form with exact register, memory and flag results, effective
 * addresses in all modes, string instructions with REP and RETRY, port I/O,
 * faults from callbacks, the 15-byte limit and LOCK rules. Flags versus the
 * host CPU are in test_x86_emulate_alu.c, lengths in ..._lengths.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <asm/x86_emulate.h>

void test_x86_lengths(void **state);
void test_alu_native(void **state);
void test_alu_forms_native(void **state);
void test_bt_native(void **state);
void test_cond_native(void **state);

#define MEM_SIZE 0x30000
#define CODE 0x1000
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

struct access {
	char kind;		/* r w f i o */
	int seg;
	uint64_t off;
	unsigned int bytes;
	uint64_t val;
};

static struct env {
	uint8_t mem[MEM_SIZE];
	uint64_t base[7];
	struct x86_emul_regs regs;
	struct x86_emul_ctxt c;
	uint64_t fault_lo, fault_hi;	/* linear range raising #PF */
	uint64_t wfault_lo, wfault_hi;	/* same, for writes only */
	uint64_t hole_lo, hole_hi;	/* linear range with nothing there */
	uint64_t fetch_limit;		/* fetching at or past this raises #PF */
	uint32_t io_val;
	unsigned int n;
	struct access log[64];
} E;

static void log_access(char kind, int seg, uint64_t off, unsigned int bytes, uint64_t val)
{
	if (E.n < 64)
		E.log[E.n] = (struct access){ kind, seg, off, bytes, val };
	E.n++;
}

static int to_linear(struct x86_emul_ctxt *c, int seg, uint64_t off,
		     unsigned int bytes, uint64_t *lin, bool write)
{
	*lin = E.base[seg] + off;
	if ((*lin < E.fault_hi && *lin + bytes > E.fault_lo) ||
	    (write && *lin < E.wfault_hi && *lin + bytes > E.wfault_lo)) {
		x86_emul_raise(c, 14, true, write ? 2 : 0);
		c->event.has_cr2 = true;
		c->event.cr2 = *lin;
		return X86EMUL_EXCEPTION;
	}
	assert_true(*lin + bytes <= MEM_SIZE);
	return X86EMUL_OKAY;
}

static int cb_read(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		   void *buf, unsigned int bytes)
{
	uint64_t lin, v = 0;
	int rc = to_linear(c, seg, off, bytes, &lin, false);

	if (rc != X86EMUL_OKAY)
		return rc;
	if (lin >= E.hole_lo && lin < E.hole_hi)
		memset(buf, 0xff, bytes);	/* Xen's "nothing there" */
	else
		memcpy(buf, E.mem + lin, bytes);
	memcpy(&v, buf, bytes);
	log_access('r', seg, off, bytes, v);
	return X86EMUL_OKAY;
}

static int cb_write(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		    const void *buf, unsigned int bytes)
{
	uint64_t lin, v = 0;
	int rc = to_linear(c, seg, off, bytes, &lin, true);

	if (rc != X86EMUL_OKAY)
		return rc;
	memcpy(&v, buf, bytes);
	log_access('w', seg, off, bytes, v);
	if (!(lin >= E.hole_lo && lin < E.hole_hi))
		memcpy(E.mem + lin, buf, bytes);
	return X86EMUL_OKAY;
}

static int cb_fetch(struct x86_emul_ctxt *c, uint64_t rip, void *buf, unsigned int bytes)
{
	uint64_t lin = E.base[X86_SEG_CS] + rip;

	log_access('f', X86_SEG_CS, rip, bytes, 0);
	if (lin + bytes > E.fetch_limit) {
		x86_emul_raise(c, 14, true, 0x10);
		return X86EMUL_EXCEPTION;
	}
	assert_true(lin + bytes <= MEM_SIZE);
	memcpy(buf, E.mem + lin, bytes);
	return X86EMUL_OKAY;
}

static int cb_read_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int bytes, uint32_t *val)
{
	log_access('i', 0, port, bytes, 0);
	*val = E.io_val & (uint32_t)(bytes == 4 ? ~0u : (1u << (8 * bytes)) - 1);
	E.io_val += 0x01010101;
	return X86EMUL_OKAY;
}

static int cb_write_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int bytes, uint32_t val)
{
	log_access('o', 0, port, bytes, val);
	return X86EMUL_OKAY;
}

static const struct x86_emul_ops ops = {
	.read = cb_read, .write = cb_write, .fetch = cb_fetch,
	.read_io = cb_read_io, .write_io = cb_write_io,
};

static void setup(unsigned int mode)
{
	memset(&E, 0, sizeof(E));
	E.c.regs = &E.regs;
	E.c.mode = mode;
	E.c.ops = &ops;
	E.c.max_reps = 1000;
	E.regs.rip = CODE;
	E.regs.rflags = 2;
	E.fetch_limit = MEM_SIZE;
}

static int emu(const uint8_t *b, size_t n)
{
	memcpy(E.mem + E.base[X86_SEG_CS] + E.regs.rip, b, n);
	E.n = 0;
	return x86_emulate(&E.c);
}

#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define EMU_OK(...) do { uint64_t rip0 = E.regs.rip; \
	assert_int_equal(emu(B(__VA_ARGS__)), X86EMUL_OKAY); \
	assert_int_equal(E.regs.rip, rip0 + sizeof((const uint8_t[]){ __VA_ARGS__ })); } while (0)

static uint64_t m64(uint64_t a) { uint64_t v; memcpy(&v, E.mem + a, 8); return v; }
static void put64(uint64_t a, uint64_t v) { memcpy(E.mem + a, &v, 8); }

static void test_mov_reg_mem(void **state)
{
	setup(64);
	E.regs.gpr[RAX] = 0x1122334455667788;
	E.regs.gpr[RBX] = 0x2000;
	put64(0x2000, 0xa0a0a0a0a0a0a0a0);
	EMU_OK(0x88, 0x03);				/* mov %al,(%rbx) */
	assert_int_equal(m64(0x2000), 0xa0a0a0a0a0a0a088);
	assert_int_equal(E.n, 3);			/* fetch, fetch, write */
	assert_int_equal(E.log[2].kind, 'w');
	assert_int_equal(E.log[2].bytes, 1);
	EMU_OK(0x66, 0x89, 0x03);
	assert_int_equal(m64(0x2000), 0xa0a0a0a0a0a07788);
	EMU_OK(0x89, 0x03);
	assert_int_equal(m64(0x2000), 0xa0a0a0a055667788);
	EMU_OK(0x48, 0x89, 0x03);
	assert_int_equal(m64(0x2000), 0x1122334455667788);
	EMU_OK(0x88, 0x63, 0x01);			/* mov %ah,1(%rbx) */
	assert_int_equal(E.mem[0x2001], 0x77);
	EMU_OK(0x40, 0x88, 0x63, 0x01);			/* mov %spl,1(%rbx) */
	assert_int_equal(E.mem[0x2001], 0x00);
	E.regs.gpr[RSP] = 0x55;
	EMU_OK(0x40, 0x88, 0x63, 0x01);
	assert_int_equal(E.mem[0x2001], 0x55);
	EMU_OK(0x44, 0x89, 0x43, 0x08);			/* mov %r8d,8(%rbx) */
	assert_int_equal(m64(0x2008), 0);

	put64(0x2000, 0x8877665544332211);
	E.regs.gpr[RCX] = 0xffffffffffffffff;
	EMU_OK(0x8a, 0x0b);				/* mov (%rbx),%cl */
	assert_int_equal(E.regs.gpr[RCX], 0xffffffffffffff11);
	EMU_OK(0x8a, 0x2b);				/* mov (%rbx),%ch */
	assert_int_equal(E.regs.gpr[RCX], 0xffffffffffff1111);
	EMU_OK(0x66, 0x8b, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xffffffffffff2211);
	EMU_OK(0x8b, 0x0b);				/* 32-bit write zero-extends */
	assert_int_equal(E.regs.gpr[RCX], 0x44332211);
	EMU_OK(0x4c, 0x8b, 0x3b);			/* mov (%rbx),%r15 */
	assert_int_equal(E.regs.gpr[R15], 0x8877665544332211);
}

static void test_mov_imm_moffs(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	memset(E.mem + 0x2000, 0xee, 16);
	EMU_OK(0xc6, 0x03, 0x12);
	assert_int_equal(m64(0x2000), 0xeeeeeeeeeeeeee12);
	EMU_OK(0x66, 0xc7, 0x03, 0x34, 0x12);
	assert_int_equal(m64(0x2000), 0xeeeeeeeeeeee1234);
	EMU_OK(0xc7, 0x03, 0x78, 0x56, 0x34, 0x12);
	assert_int_equal(m64(0x2000), 0xeeeeeeee12345678);
	EMU_OK(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff);	/* sign-extended */
	assert_int_equal(m64(0x2000), 0xfffffffffffffffe);
	EMU_OK(0x48, 0xc7, 0x43, 0x08, 0x00, 0x00, 0x00, 0x80);
	assert_int_equal(m64(0x2008), 0xffffffff80000000);

	/* moffs: 8 bytes of address in long mode, 4 with 67. */
	put64(0x2100, 0x0102030405060708);
	EMU_OK(0xa0, 0x00, 0x21, 0, 0, 0, 0, 0, 0);
	assert_int_equal(E.regs.gpr[RAX], 0x08);
	EMU_OK(0x48, 0xa1, 0x00, 0x21, 0, 0, 0, 0, 0, 0);
	assert_int_equal(E.regs.gpr[RAX], 0x0102030405060708);
	assert_int_equal(E.c.insn.mem_offset, 0x2100);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_DS);
	EMU_OK(0x67, 0x66, 0xa1, 0x04, 0x21, 0, 0);
	assert_int_equal(E.regs.gpr[RAX], 0x0102030405060304);
	E.regs.gpr[RAX] = 0xaabbccdd;
	EMU_OK(0xa2, 0x08, 0x21, 0, 0, 0, 0, 0, 0);
	assert_int_equal(E.mem[0x2108], 0xdd);
	E.base[X86_SEG_GS] = 0x10000;
	EMU_OK(0x65, 0xa3, 0x10, 0x21, 0, 0, 0, 0, 0, 0);	/* mov %eax,%gs:0x2110 */
	assert_int_equal(m64(0x12110), 0xaabbccdd);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_GS);

	/* 16-bit mode: moffs16, DS-relative. */
	setup(16);
	E.base[X86_SEG_DS] = 0x20000;
	E.mem[0x21234] = 0x5a;
	EMU_OK(0xa0, 0x34, 0x12);
	assert_int_equal(E.regs.gpr[RAX], 0x5a);
	EMU_OK(0x2e, 0xa0, 0x34, 0x12);			/* cs: base 0 */
	assert_int_equal(E.regs.gpr[RAX], 0x00);
}

static void test_movzx_movsx(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	put64(0x2000, 0x00000000f00080f0);
	E.regs.gpr[RCX] = 0xdeadbeefdeadbeef;
	EMU_OK(0x0f, 0xb6, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xf0);
	EMU_OK(0x0f, 0xbe, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xfffffff0);
	EMU_OK(0x48, 0x0f, 0xbe, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xfffffffffffffff0);
	E.regs.gpr[RCX] = 0xdeadbeefdeadbeef;
	EMU_OK(0x66, 0x0f, 0xbe, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xdeadbeefdeadfff0);
	EMU_OK(0x0f, 0xb7, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0x80f0);
	EMU_OK(0x0f, 0xbf, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xffff80f0);
	EMU_OK(0x48, 0x0f, 0xbf, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xffffffffffff80f0);
	/* MOVSXD */
	put64(0x2000, 0x1111111180000001);
	EMU_OK(0x48, 0x63, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0xffffffff80000001);
	EMU_OK(0x63, 0x0b);
	assert_int_equal(E.regs.gpr[RCX], 0x80000001);
	EMU_OK(0x4c, 0x63, 0x03);			/* movslq (%rbx),%r8 */
	assert_int_equal(E.regs.gpr[R8], 0xffffffff80000001);
	/* ARPL outside long mode is not emulated. */
	setup(32);
	assert_int_equal(emu(B(0x63, 0x0b)), X86EMUL_UNHANDLEABLE);
	assert_int_equal(E.regs.rip, CODE);
}

static void test_movnti_setcc_cmov(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	E.regs.gpr[RAX] = 0x0123456789abcdef;
	EMU_OK(0x0f, 0xc3, 0x03);
	assert_int_equal(m64(0x2000), 0x89abcdef);
	EMU_OK(0x48, 0x0f, 0xc3, 0x03);
	assert_int_equal(m64(0x2000), 0x0123456789abcdef);
	assert_int_equal(emu(B(0x66, 0x0f, 0xc3, 0x03)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.vector, X86_EXC_UD);
	assert_int_equal(emu(B(0x0f, 0xc3, 0xc3)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.vector, X86_EXC_UD);
	assert_int_equal(E.regs.rip, CODE + 7);

	E.regs.rflags = 2 | X86_FLAGS_ZF;
	put64(0x2000, 0xffff);
	EMU_OK(0x0f, 0x94, 0x03);			/* sete (%rbx) */
	assert_int_equal(m64(0x2000), 0xff01);
	EMU_OK(0x0f, 0x95, 0x03);			/* setne */
	assert_int_equal(m64(0x2000), 0xff00);
	EMU_OK(0x0f, 0x94, 0xc4);			/* sete %ah */
	assert_int_equal(E.regs.gpr[RAX], 0x0123456789ab01ef);

	put64(0x2000, 0x1111111122222222);
	E.regs.gpr[RCX] = 0xffffffffffffffff;
	EMU_OK(0x0f, 0x45, 0x0b);			/* cmovne: false, still clears 63:32 */
	assert_int_equal(E.regs.gpr[RCX], 0xffffffff);
	assert_int_equal(E.n, 4);			/* the source was read */
	EMU_OK(0x48, 0x0f, 0x44, 0x0b);			/* cmove: true */
	assert_int_equal(E.regs.gpr[RCX], 0x1111111122222222);
}

static void test_segment_overrides(void **state)
{
	setup(32);
	for (int s = 0; s < 6; s++)
		E.base[s] = 0x1000 * (uint64_t)(s + 2);
	E.regs.gpr[RBX] = 0x10;
	static const uint8_t pfx[6] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
	for (int s = 0; s < 6; s++) {
		E.mem[E.base[s] + 0x10] = (uint8_t)(0xa0 + s);
		E.regs.rip = CODE;
		assert_int_equal(emu(B(pfx[s], 0x8a, 0x03)), X86EMUL_OKAY);
		assert_int_equal(E.regs.gpr[RAX] & 0xff, 0xa0 + s);
		assert_int_equal(E.c.insn.mem_seg, s);
	}
	/* Default DS, and SS for an EBP or ESP base. */
	E.regs.rip = CODE;
	EMU_OK(0x8a, 0x03);
	assert_int_equal(E.regs.gpr[RAX] & 0xff, 0xa3);
	E.regs.gpr[RBP] = 0x10;
	EMU_OK(0x8a, 0x45, 0x00);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_SS);
	EMU_OK(0x3e, 0x8a, 0x45, 0x00);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_DS);
	/* Long mode ignores ES/CS/SS/DS overrides, keeps FS/GS. */
	E.c.mode = 64;
	EMU_OK(0x26, 0x8a, 0x03);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_DS);
	EMU_OK(0x64, 0x26, 0x8a, 0x03);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_FS);
	EMU_OK(0x36, 0x8a, 0x03);
	assert_int_equal(E.c.insn.mem_seg, X86_SEG_DS);
}

/* Decode-and-address check: the operand of a MOV load. */
static void ea_case(unsigned int mode, const uint8_t *b, size_t n, uint64_t want,
		    int seg)
{
	uint64_t saved[16];

	memcpy(saved, E.regs.gpr, sizeof(saved));	/* the load clobbers one */
	E.regs.rip = CODE;
	E.c.mode = mode;
	assert_int_equal(emu(b, n), X86EMUL_OKAY);
	memcpy(E.regs.gpr, saved, sizeof(saved));
	assert_true(E.c.insn.mem);
	assert_int_equal(E.c.insn.mem_offset, want);
	assert_int_equal(E.c.insn.mem_seg, seg);
	assert_int_equal(E.c.insn.len, n);
}

static void test_effective_address(void **state)
{
	setup(64);
	uint64_t *g = E.regs.gpr;

	g[RAX] = 0x100; g[RCX] = 0x10; g[RSP] = 0x200; g[RBP] = 0x300;
	g[R12] = 0x20; g[R13] = 0x400; g[RSI] = 0x500;
	ea_case(64, B(0x8b, 0x04, 0x24), 0x200, X86_SEG_SS);		/* (%rsp) */
	ea_case(64, B(0x8b, 0x45, 0xf8), 0x2f8, X86_SEG_SS);		/* -8(%rbp) */
	ea_case(64, B(0x41, 0x8b, 0x45, 0x08), 0x408, X86_SEG_DS);	/* 8(%r13) */
	ea_case(64, B(0x41, 0x8b, 0x04, 0x24), 0x20, X86_SEG_DS);	/* (%r12) */
	ea_case(64, B(0x8b, 0x05, 0x00, 0x10, 0, 0), CODE + 6 + 0x1000, X86_SEG_DS);
	ea_case(64, B(0x8b, 0x05, 0xfa, 0xef, 0xff, 0xff), 0, X86_SEG_DS);
	ea_case(64, B(0x8b, 0x04, 0x25, 0x00, 0x20, 0, 0), 0x2000, X86_SEG_DS);
	ea_case(64, B(0x42, 0x8b, 0x04, 0xa0), 0x100 + 0x20 * 4, X86_SEG_DS);
	ea_case(64, B(0x8b, 0x04, 0x60), 0x100, X86_SEG_DS);		/* no index */
	ea_case(64, B(0x8b, 0x44, 0xc8, 0x10), 0x100 + 0x80 + 0x10, X86_SEG_DS);
	ea_case(64, B(0x8b, 0x84, 0x4c, 0x00, 0x01, 0, 0), 0x200 + 0x20 + 0x100, X86_SEG_SS);
	ea_case(64, B(0x8b, 0x44, 0x0d, 0x00), 0x310, X86_SEG_SS);	/* (%rbp,%rcx) */
	ea_case(64, B(0x8b, 0x04, 0x8d, 0x00, 0x10, 0, 0), 0x1040, X86_SEG_DS);
	g[RAX] = 0xffffffff00000100;
	ea_case(64, B(0x67, 0x8b, 0x00), 0x100, X86_SEG_DS);		/* (%eax) */
	ea_case(64, B(0x67, 0x8b, 0x40, 0x10), 0x110, X86_SEG_DS);
	g[RAX] = 0xffffffffffffff00;
	ea_case(64, B(0x8b, 0x80, 0x00, 0x02, 0, 0), 0x100, X86_SEG_DS);	/* wraps */
	g[RAX] = 0x100;

	/* 32-bit: disp32 absolute without SIB, EBP/ESP bases on SS. */
	ea_case(32, B(0x8b, 0x05, 0x00, 0x20, 0, 0), 0x2000, X86_SEG_DS);
	ea_case(32, B(0x8b, 0x45, 0x04), 0x304, X86_SEG_SS);
	ea_case(32, B(0x8b, 0x04, 0xcc), 0x200 + 0x80, X86_SEG_SS);
	g[RAX] = 0xfffffff0;
	ea_case(32, B(0x8b, 0x40, 0x20), 0x10, X86_SEG_DS);		/* wraps at 4G */

	/* 16-bit addressing, every r/m, with 16-bit wraparound. */
	g[RBX] = 0xfff0; g[RSI] = 0x20; g[RDI] = 0x40; g[RBP] = 0x1000;
	static const struct { uint64_t want; int seg; } rm16[8] = {
		{ 0x0010 + 4, X86_SEG_DS }, { 0x0030 + 4, X86_SEG_DS },
		{ 0x1020 + 4, X86_SEG_SS }, { 0x1040 + 4, X86_SEG_SS },
		{ 0x0020 + 4, X86_SEG_DS }, { 0x0040 + 4, X86_SEG_DS },
		{ 0x1000 + 4, X86_SEG_SS }, { 0xfff0 + 4, X86_SEG_DS },
	};
	for (unsigned int rm = 0; rm < 8; rm++) {
		ea_case(16, B(0x8b, (uint8_t)(0x40 | rm), 0x04), rm16[rm].want, rm16[rm].seg);
		ea_case(32, B(0x67, 0x8b, (uint8_t)(0x40 | rm), 0x04), rm16[rm].want, rm16[rm].seg);
	}
	ea_case(16, B(0x8b, 0x06, 0x34, 0x12), 0x1234, X86_SEG_DS);	/* disp16 */
	ea_case(16, B(0x8b, 0x87, 0x20, 0x00), 0x0010, X86_SEG_DS);	/* bx+0x20 wraps */
	ea_case(16, B(0x8b, 0x46, 0xfe), 0x0ffe, X86_SEG_SS);		/* -2(%bp) */
	ea_case(16, B(0x67, 0x8b, 0x04, 0x24), 0x200, X86_SEG_SS);	/* (%esp) */
}

static void test_nothing_there(void **state)
{
	setup(64);
	E.hole_lo = 0x8000;
	E.hole_hi = 0x9000;
	E.regs.gpr[RBX] = 0x8000;
	E.regs.gpr[RAX] = 0xffffffff00000000;
	EMU_OK(0x8b, 0x03);
	assert_int_equal(E.regs.gpr[RAX], 0xffffffff);
	EMU_OK(0x0f, 0xb7, 0x03);
	assert_int_equal(E.regs.gpr[RAX], 0xffff);
	EMU_OK(0x48, 0x8b, 0x43, 0x08);
	assert_int_equal(E.regs.gpr[RAX], 0xffffffffffffffff);
	E.regs.gpr[RAX] = 0x12345678;
	EMU_OK(0x89, 0x03);				/* dropped */
	assert_int_equal(E.mem[0x8000], 0);
	EMU_OK(0x83, 0x03, 0x01);			/* addl $1,(%rbx): ~0 + 1 */
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH,
			 X86_FLAGS_CF | X86_FLAGS_ZF | X86_FLAGS_PF | X86_FLAGS_AF);
}

static void test_alu_memory_exact(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	put64(0x2000, 0x00000000000000ff);
	EMU_OK(0x80, 0x03, 0x01);			/* addb $1,(%rbx) */
	assert_int_equal(m64(0x2000), 0);
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH,
			 X86_FLAGS_CF | X86_FLAGS_ZF | X86_FLAGS_PF | X86_FLAGS_AF);
	EMU_OK(0x48, 0x83, 0x2b, 0x01);			/* subq $1,(%rbx) */
	assert_int_equal(m64(0x2000), 0xffffffffffffffff);
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH,
			 X86_FLAGS_CF | X86_FLAGS_SF | X86_FLAGS_PF | X86_FLAGS_AF);
	EMU_OK(0x48, 0x81, 0x23, 0xf0, 0xff, 0xff, 0x7f);	/* andq $0x7ffffff0 */
	assert_int_equal(m64(0x2000), 0x7ffffff0);
	EMU_OK(0x66, 0x81, 0x0b, 0x0f, 0x80);		/* orw $0x800f */
	assert_int_equal(m64(0x2000), 0x7fffffff);
	assert_true(E.regs.rflags & X86_FLAGS_SF);
	EMU_OK(0x83, 0x3b, 0xff);			/* cmpl $-1: no write */
	assert_int_equal(m64(0x2000), 0x7fffffff);
	assert_int_equal(E.n, 4);			/* 3 fetches, 1 read */
	EMU_OK(0x81, 0x33, 0xff, 0xff, 0xff, 0xff);	/* xorl */
	assert_int_equal(m64(0x2000), 0x80000000);
	assert_int_equal(E.mem[0x2004], 0x00);
	put64(0x2000, 5);
	E.regs.gpr[RCX] = 7;
	EMU_OK(0x29, 0x0b);				/* sub %ecx,(%rbx) */
	assert_int_equal(m64(0x2000), 0xfffffffe);
	EMU_OK(0x1b, 0x0b);				/* sbb (%rbx),%ecx: 7 - (-2) - 1 */
	assert_int_equal(E.regs.gpr[RCX], 8);
	EMU_OK(0x04, 0x80);				/* add $0x80,%al */
	EMU_OK(0x48, 0x3d, 0x00, 0x00, 0x00, 0x80);	/* cmp $-2^31,%rax */
	EMU_OK(0x84, 0x0b);				/* test %cl,(%rbx): 8 & 0xfe */
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH, 0);
	EMU_OK(0x84, 0x4b, 0x04);			/* test %cl,4(%rbx) */
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH, X86_FLAGS_ZF | X86_FLAGS_PF);
	EMU_OK(0xf6, 0x03, 0xfe);			/* testb $0xfe */
	assert_true(E.regs.rflags & X86_FLAGS_SF);
	EMU_OK(0x48, 0xf7, 0x03, 0x00, 0x00, 0x00, 0x80);	/* imm sign-extends */
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH, X86_FLAGS_PF);
	EMU_OK(0xa8, 0x01);

	/* INC/DEC keep CF, NOT leaves the flags, NEG sets CF unless 0. */
	put64(0x2000, 0x7fffffff);
	E.regs.rflags = 2 | X86_FLAGS_CF;
	EMU_OK(0xff, 0x03);
	assert_int_equal(m64(0x2000), 0x80000000);
	assert_int_equal(E.regs.rflags & X86_FLAGS_ARITH,
			 X86_FLAGS_CF | X86_FLAGS_OF | X86_FLAGS_SF | X86_FLAGS_AF | X86_FLAGS_PF);
	EMU_OK(0xfe, 0x0b);				/* decb */
	assert_int_equal(m64(0x2000), 0x800000ff);
	EMU_OK(0x66, 0xf7, 0x13);			/* notw */
	assert_int_equal(m64(0x2000), 0x8000ff00);
	assert_true(E.regs.rflags & X86_FLAGS_CF);
	EMU_OK(0x48, 0xf7, 0x1b);			/* negq */
	assert_int_equal(m64(0x2000), 0xffffffff7fff0100);
	EMU_OK(0xf6, 0x5b, 0x08);			/* negb 8(%rbx): 0 */
	assert_false(E.regs.rflags & X86_FLAGS_CF);
	assert_int_equal(emu(B(0xf7, 0x33)), X86EMUL_UNHANDLEABLE);	/* div */
	assert_int_equal(emu(B(0xff, 0x13)), X86EMUL_UNHANDLEABLE);	/* call * */
}

static void test_xchg_cmpxchg_xadd(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	put64(0x2000, 0x1111111111111111);
	E.regs.gpr[RCX] = 0x2222222222222222;
	EMU_OK(0x87, 0x0b);
	assert_int_equal(m64(0x2000), 0x1111111122222222);
	assert_int_equal(E.regs.gpr[RCX], 0x11111111);
	EMU_OK(0x86, 0x2b);				/* xchg %ch,(%rbx) */
	assert_int_equal(m64(0x2000), 0x1111111122222211);
	assert_int_equal(E.regs.gpr[RCX], 0x11112211);
	EMU_OK(0xf0, 0x48, 0x87, 0x0b);

	/* CMPXCHG: equal stores the source, else loads the accumulator. */
	put64(0x2000, 0x1234);
	E.regs.gpr[RAX] = 0xffffffff00001234;
	E.regs.gpr[RCX] = 0x5678;
	EMU_OK(0xf0, 0x0f, 0xb1, 0x0b);
	assert_int_equal(m64(0x2000), 0x5678);
	assert_true(E.regs.rflags & X86_FLAGS_ZF);
	assert_int_equal(E.regs.gpr[RAX], 0xffffffff00001234);	/* untouched */
	EMU_OK(0x0f, 0xb1, 0x0b);
	assert_int_equal(m64(0x2000), 0x5678);
	assert_false(E.regs.rflags & X86_FLAGS_ZF);
	assert_true(E.regs.rflags & X86_FLAGS_CF);		/* 0x1234 < 0x5678 */
	assert_int_equal(E.regs.gpr[RAX], 0x5678);
	assert_int_equal(E.log[E.n - 1].kind, 'r');		/* no write back */
	EMU_OK(0x0f, 0xb0, 0x2b);				/* cmpxchg %ch,(%rbx) */
	assert_int_equal(m64(0x2000), 0x5656);
	E.regs.gpr[R9] = 0xabcdef;
	E.regs.gpr[RAX] = 0x5656;
	EMU_OK(0x4c, 0x0f, 0xb1, 0x0b);				/* cmpxchg %r9,(%rbx) */
	assert_int_equal(m64(0x2000), 0xabcdef);

	/* XADD */
	put64(0x2000, 0xfffffffe);
	E.regs.gpr[RCX] = 0x3;
	EMU_OK(0xf0, 0x0f, 0xc1, 0x0b);
	assert_int_equal(m64(0x2000), 1);
	assert_int_equal(E.regs.gpr[RCX], 0xfffffffe);
	assert_true(E.regs.rflags & X86_FLAGS_CF);
	EMU_OK(0x0f, 0xc0, 0x0b);				/* byte: 0x01 + 0xfe */
	assert_int_equal(m64(0x2000), 0xff);
	assert_int_equal(E.regs.gpr[RCX], 0xffffff01);
	E.regs.gpr[RDX] = 5;
	EMU_OK(0x0f, 0xc1, 0xd2);				/* xadd %edx,%edx */
	assert_int_equal(E.regs.gpr[RDX], 10);
}

static void test_bt_memory(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	memset(E.mem + 0x1ff0, 0, 0x40);
	E.regs.gpr[RCX] = 35;				/* past a 32-bit operand */
	EMU_OK(0x0f, 0xab, 0x0b);			/* bts %ecx,(%rbx) */
	assert_int_equal(E.c.insn.mem_offset, 0x2004);
	assert_int_equal(E.mem[0x2004], 0x08);
	assert_false(E.regs.rflags & X86_FLAGS_CF);
	EMU_OK(0x0f, 0xa3, 0x0b);			/* bt */
	assert_true(E.regs.rflags & X86_FLAGS_CF);
	E.regs.gpr[RCX] = (uint64_t)-1;			/* bit 31 of the dword below */
	EMU_OK(0x0f, 0xbb, 0x0b);			/* btc */
	assert_int_equal(E.c.insn.mem_offset, 0x1ffc);
	assert_int_equal(E.mem[0x1fff], 0x80);
	E.regs.gpr[RCX] = 0xffff;			/* 16-bit: -1 */
	EMU_OK(0x66, 0x0f, 0xb3, 0x0b);			/* btr %cx,(%rbx) */
	assert_int_equal(E.c.insn.mem_offset, 0x1ffe);
	assert_int_equal(E.mem[0x1fff], 0x00);
	assert_true(E.regs.rflags & X86_FLAGS_CF);
	E.regs.gpr[RCX] = 0xfffffffffffffe00;		/* -512 bits = -64 bytes */
	E.regs.gpr[RBX] = 0x2040;
	EMU_OK(0x48, 0x0f, 0xab, 0x0b);
	assert_int_equal(E.c.insn.mem_offset, 0x2000);
	assert_int_equal(E.mem[0x2000], 0x01);
	E.regs.gpr[RBX] = 0x2000;
	EMU_OK(0x0f, 0xba, 0x2b, 0x21);			/* btsl $33: masked to 1 */
	assert_int_equal(E.c.insn.mem_offset, 0x2000);
	assert_int_equal(E.mem[0x2000], 0x03);
	EMU_OK(0x0f, 0xba, 0x33, 0x00);			/* btrl $0 */
	assert_int_equal(E.mem[0x2000], 0x02);
	EMU_OK(0x0f, 0xba, 0x23, 0x01);			/* btl $1 */
	assert_true(E.regs.rflags & X86_FLAGS_CF);
	assert_int_equal(emu(B(0x0f, 0xba, 0x03, 0x01)), X86EMUL_UNHANDLEABLE);
}

static void test_io(void **state)
{
	setup(64);
	E.regs.gpr[RAX] = 0xffffffffffffffff;
	E.io_val = 0x87654321;
	EMU_OK(0xe4, 0x71);
	assert_int_equal(E.regs.gpr[RAX], 0xffffffffffffff21);
	assert_int_equal(E.log[E.n - 1].off, 0x71);
	EMU_OK(0x66, 0xe5, 0x71);
	assert_int_equal(E.regs.gpr[RAX], 0xffffffffffff4422);
	EMU_OK(0xe5, 0x71);
	assert_int_equal(E.regs.gpr[RAX], 0x89674523);
	E.regs.gpr[RDX] = 0xffff03f8;
	EMU_OK(0x48, 0xed);				/* REX.W: still 32 bits */
	assert_int_equal(E.log[E.n - 1].off, 0x3f8);
	assert_int_equal(E.log[E.n - 1].bytes, 4);
	EMU_OK(0xee);
	assert_int_equal(E.log[E.n - 1].kind, 'o');
	assert_int_equal(E.log[E.n - 1].val, E.regs.gpr[RAX] & 0xff);
	EMU_OK(0x66, 0xef);
	assert_int_equal(E.log[E.n - 1].val, E.regs.gpr[RAX] & 0xffff);
	EMU_OK(0xe7, 0xe9);
	assert_int_equal(E.log[E.n - 1].off, 0xe9);
	assert_int_equal(E.log[E.n - 1].bytes, 4);
	setup(16);
	EMU_OK(0xed);
	assert_int_equal(E.log[E.n - 1].bytes, 2);
	EMU_OK(0x66, 0xed);
	assert_int_equal(E.log[E.n - 1].bytes, 4);
}

static void test_faults(void **state)
{
	setup(64);
	E.fault_lo = 0x3000;
	E.fault_hi = 0x4000;
	E.regs.gpr[RBX] = 0x3ffe;			/* straddles into the fault */
	E.regs.gpr[RAX] = 0x55;
	E.regs.rflags = 2 | X86_FLAGS_CF;
	struct x86_emul_regs before = E.regs;

	assert_int_equal(emu(B(0x8b, 0x03)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.vector, 14);
	assert_true(E.c.event.has_cr2);
	assert_int_equal(E.c.event.cr2, 0x3ffe);
	assert_memory_equal(&E.regs, &before, sizeof(before));
	/* A read-modify-write whose read faults. */
	E.fault_lo = 0x5000; E.fault_hi = 0x5001;
	E.regs.gpr[RBX] = 0x5000;
	assert_int_equal(emu(B(0x01, 0x03)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.error_code, 0);
	assert_int_equal(E.regs.rip, CODE);
	/* Fetch fault: propagated, nothing fetched past it. */
	E.fetch_limit = CODE + 2;
	assert_int_equal(emu(B(0x8b, 0x43, 0x10)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.error_code, 0x10);
	assert_int_equal(E.regs.rip, CODE);
	/* ... while an instruction ending at the limit runs. */
	E.regs.gpr[RBX] = 0x2000;
	EMU_OK(0x8b, 0x03);
}

/* The read succeeds and the write faults: no register or flag changes. */
static void test_write_fault_keeps_state(void **state)
{
	static const uint8_t insns[][6] = {
		{ 3, 0x87, 0x0b }, { 3, 0x01, 0x0b }, { 4, 0x0f, 0xc1, 0x0b },
		{ 4, 0x0f, 0xb1, 0x0b }, { 4, 0x0f, 0xab, 0x03 }, { 3, 0xf7, 0x1b },
		{ 5, 0x0f, 0xba, 0x2b, 0x01 }, { 3, 0x86, 0x2b }, { 4, 0x0f, 0x94, 0x03 },
		{ 3, 0xff, 0x03 }, { 2, 0xa4 }, { 3, 0xf3, 0xab },
	};

	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		setup(64);
		E.regs.gpr[RBX] = 0x2000;
		E.regs.gpr[RDI] = 0x2000;
		E.regs.gpr[RSI] = 0x3000;
		E.regs.gpr[RCX] = 0x99;
		E.regs.gpr[RAX] = 0x7;
		E.regs.rflags = 2 | X86_FLAGS_ZF | X86_FLAGS_CF;
		put64(0x2000, 7);
		E.wfault_lo = 0x2000;
		E.wfault_hi = 0x2008;
		struct x86_emul_regs before = E.regs;

		assert_int_equal(emu(insns[i] + 1, insns[i][0] - 1), X86EMUL_EXCEPTION);
		assert_int_equal(E.c.event.vector, 14);
		assert_int_equal(E.c.event.error_code, 2);
		assert_memory_equal(&E.regs, &before, sizeof(before));
		assert_int_equal(m64(0x2000), 7);
		for (unsigned int j = 0; j + 1 < E.n; j++)
			assert_int_not_equal(E.log[j].kind, 'w');
	}
}

static void test_limit_and_lock(void **state)
{
	setup(64);
	E.regs.gpr[RBX] = 0x2000;
	/* 15 bytes run; 16 raise #GP(0) and nothing past byte 15 is fetched. */
	EMU_OK(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	       0x66, 0x66, 0x66, 0x8b, 0x03);
	assert_int_equal(emu(B(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
			       0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x8b, 0x03)),
			 X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.vector, X86_EXC_GP);
	assert_true(E.c.event.has_error_code);
	assert_int_equal(E.c.event.error_code, 0);
	unsigned int fetched = 0;
	for (unsigned int i = 0; i < E.n; i++)
		if (E.log[i].kind == 'f')
			fetched += E.log[i].bytes;
	assert_int_equal(fetched, 15);
	assert_int_equal(E.regs.rip, CODE + 15);

	/* LOCK: only on memory-destination read-modify-writes. */
	assert_int_equal(emu(B(0xf0, 0x8b, 0x03)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.vector, X86_EXC_UD);
	assert_false(E.c.event.has_error_code);
	assert_int_equal(emu(B(0xf0, 0x01, 0xc3)), X86EMUL_EXCEPTION);
	assert_int_equal(emu(B(0xf0, 0x39, 0x03)), X86EMUL_EXCEPTION);
	assert_int_equal(emu(B(0xf0, 0x83, 0x3b, 0x01)), X86EMUL_EXCEPTION);
	assert_int_equal(emu(B(0xf0, 0x0f, 0xa3, 0x03)), X86EMUL_EXCEPTION);
	assert_int_equal(emu(B(0xf0, 0xf7, 0x03, 1, 0, 0, 0)), X86EMUL_EXCEPTION);
	assert_int_equal(emu(B(0xf0, 0xa4)), X86EMUL_EXCEPTION);
	assert_int_equal(E.regs.rip, CODE + 15);
	EMU_OK(0xf0, 0x01, 0x03);
	EMU_OK(0xf0, 0x83, 0x33, 0x01);
	EMU_OK(0xf0, 0xf6, 0x13);
	EMU_OK(0xf0, 0x0f, 0xba, 0x2b, 0x01);

	/* Undecodable or not emulated: the length is still known. */
	assert_int_equal(emu(B(0x0f, 0xa2)), X86EMUL_UNHANDLEABLE);	/* cpuid */
	assert_int_equal(E.c.insn.len, 2);
	assert_int_equal(emu(B(0x0f, 0x01, 0xd9)), X86EMUL_UNHANDLEABLE); /* vmmcall */
	assert_int_equal(E.c.insn.len, 3);
	assert_int_equal(emu(B(0xc5, 0xf8, 0x77)), X86EMUL_UNHANDLEABLE);
	assert_int_equal(emu(B(0x06)), X86EMUL_EXCEPTION);		/* push %es */
	assert_int_equal(E.c.event.vector, X86_EXC_UD);
	assert_int_equal(E.regs.rip, CODE + 15 + 3 + 4 + 3 + 5);
}

static void test_ip_wrap_16(void **state)
{
	setup(16);
	E.regs.rip = 0xfffe;
	E.regs.gpr[RBX] = 0x2000;
	E.regs.gpr[RAX] = 0x1234;
	memcpy(E.mem + 0xfffe, B(0x89, 0x07));
	/* The byte at offset 0 completes a 3-byte instruction at 0xfffe. */
	E.mem[0] = 0x00;
	assert_int_equal(x86_emulate(&E.c), X86EMUL_OKAY);
	assert_int_equal(E.regs.rip, 0);
	assert_int_equal(E.mem[0x2000], 0x34);
	E.regs.rip = 0xffff;
	E.mem[0xffff] = 0x89;
	E.mem[0x0000] = 0x47;
	E.mem[0x0001] = 0x02;
	assert_int_equal(x86_emulate(&E.c), X86EMUL_OKAY);
	assert_int_equal(E.regs.rip, 2);
	assert_int_equal(E.mem[0x2002], 0x34);
}

/* ---- string instructions ---- */

static void test_movs_stos_lods(void **state)
{
	setup(64);
	for (int i = 0; i < 256; i++)
		E.mem[0x4000 + i] = (uint8_t)i;
	E.regs.gpr[RSI] = 0x4000;
	E.regs.gpr[RDI] = 0x5000;
	E.regs.gpr[RCX] = 0;
	EMU_OK(0xf3, 0xa4);				/* count 0: nothing */
	assert_int_equal(E.n, 2);
	assert_int_equal(E.regs.gpr[RSI], 0x4000);
	E.regs.gpr[RCX] = 1;
	EMU_OK(0xf3, 0xa4);
	assert_int_equal(E.mem[0x5000], 0);
	assert_int_equal(E.regs.gpr[RCX], 0);
	assert_int_equal(E.regs.gpr[RSI], 0x4001);
	E.regs.gpr[RCX] = 100;
	EMU_OK(0xf3, 0x48, 0xa5);			/* rep movsq */
	assert_memory_equal(E.mem + 0x5001, E.mem + 0x4001, 800 > 255 ? 255 : 800);
	assert_int_equal(E.regs.gpr[RSI], 0x4001 + 800);
	assert_int_equal(E.regs.gpr[RDI], 0x5001 + 800);
	assert_int_equal(E.regs.gpr[RCX], 0);
	/* Without REP: one element, RCX untouched; F2 is REP here too. */
	E.regs.gpr[RCX] = 5;
	EMU_OK(0xa5);
	assert_int_equal(E.regs.gpr[RCX], 5);
	assert_int_equal(E.regs.gpr[RSI], 0x4001 + 804);
	EMU_OK(0xf2, 0x66, 0xa5);
	assert_int_equal(E.regs.gpr[RCX], 0);
	assert_int_equal(E.regs.gpr[RSI], 0x4001 + 814);

	/* DF=1: backwards. */
	E.regs.rflags |= X86_FLAGS_DF;
	E.regs.gpr[RSI] = 0x40ff;
	E.regs.gpr[RDI] = 0x60ff;
	E.regs.gpr[RCX] = 0x100;
	EMU_OK(0xf3, 0xa4);
	assert_memory_equal(E.mem + 0x6000, E.mem + 0x4000, 0x100);
	assert_int_equal(E.regs.gpr[RSI], 0x3fff);
	assert_int_equal(E.regs.gpr[RDI], 0x5fff);
	E.regs.gpr[RAX] = 0x1122334455667788;
	E.regs.gpr[RDI] = 0x7008;
	E.regs.gpr[RCX] = 2;
	EMU_OK(0xf3, 0xab);				/* rep stosl, backwards */
	assert_int_equal(m64(0x7004), 0x5566778855667788);
	assert_int_equal(E.regs.gpr[RDI], 0x7000);
	E.regs.rflags &= ~(uint64_t)X86_FLAGS_DF;
	E.regs.gpr[RDI] = 0x7100;
	E.regs.gpr[RCX] = 3;
	EMU_OK(0xf3, 0x66, 0xab);
	assert_int_equal(m64(0x7100), 0x0000778877887788);
	EMU_OK(0x48, 0xab);
	assert_int_equal(m64(0x7106), 0x1122334455667788);
	E.regs.gpr[RSI] = 0x4010;
	EMU_OK(0xac);					/* lodsb */
	assert_int_equal(E.regs.gpr[RAX], 0x1122334455667710);
	EMU_OK(0xad);					/* lodsl zero-extends */
	assert_int_equal(E.regs.gpr[RAX], 0x14131211);
	assert_int_equal(E.regs.gpr[RSI], 0x4015);
	E.base[X86_SEG_FS] = 0x10000;
	E.mem[0x14015] = 0xcc;
	EMU_OK(0x64, 0xac);				/* source override */
	assert_int_equal(E.regs.gpr[RAX] & 0xff, 0xcc);
	assert_int_equal(E.log[E.n - 1].seg, X86_SEG_FS);
}

static void test_cmps_scas(void **state)
{
	setup(64);
	memcpy(E.mem + 0x4000, "abcdefgh", 8);
	memcpy(E.mem + 0x5000, "abcdXfgh", 8);
	E.regs.gpr[RSI] = 0x4000;
	E.regs.gpr[RDI] = 0x5000;
	E.regs.gpr[RCX] = 8;
	EMU_OK(0xf3, 0xa6);				/* repe cmpsb: stops after 'e'/'X' */
	assert_int_equal(E.regs.gpr[RCX], 3);
	assert_int_equal(E.regs.gpr[RSI], 0x4005);
	assert_false(E.regs.rflags & X86_FLAGS_ZF);
	assert_false(E.regs.rflags & X86_FLAGS_CF);	/* 'e' > 'X' */
	E.regs.gpr[RDI] = 0x5000;
	E.regs.gpr[RCX] = 8;
	E.regs.gpr[RAX] = 'X';
	EMU_OK(0xf2, 0xae);				/* repne scasb */
	assert_int_equal(E.regs.gpr[RDI], 0x5005);
	assert_int_equal(E.regs.gpr[RCX], 3);
	assert_true(E.regs.rflags & X86_FLAGS_ZF);
	E.regs.gpr[RDI] = 0x5000;
	E.regs.gpr[RCX] = 4;
	EMU_OK(0xf2, 0xae);				/* not found: count runs out */
	assert_int_equal(E.regs.gpr[RCX], 0);
	assert_false(E.regs.rflags & X86_FLAGS_ZF);
	E.regs.gpr[RSI] = 0x4000;
	E.regs.gpr[RDI] = 0x5000;
	E.regs.gpr[RCX] = 2;
	EMU_OK(0xf3, 0x66, 0xa7);			/* repe cmpsw: all equal */
	assert_int_equal(E.regs.gpr[RCX], 0);
	assert_true(E.regs.rflags & X86_FLAGS_ZF);
	E.regs.gpr[RAX] = 0x6867666558;			/* "Xefgh" at 0x5004 */
	E.regs.gpr[RDI] = 0x5004;
	EMU_OK(0x48, 0xaf);				/* scasq (one) */
	assert_false(E.regs.rflags & X86_FLAGS_ZF);
	assert_int_equal(E.regs.gpr[RDI], 0x500c);
}

static void test_string_address_size(void **state)
{
	/* 16-bit: SI/DI/CX wrap at 64K, upper bits kept. */
	setup(16);
	E.base[X86_SEG_DS] = 0x10000;
	E.base[X86_SEG_ES] = 0x20000;
	E.mem[0x1ffff] = 0x11;
	E.mem[0x10000] = 0x22;
	E.regs.gpr[RSI] = 0xabcd0000ffff;
	E.regs.gpr[RDI] = 0x1234fffe;
	E.regs.gpr[RCX] = 0x55550002;
	EMU_OK(0xf3, 0xa4);
	assert_int_equal(E.mem[0x2fffe], 0x11);
	assert_int_equal(E.mem[0x2ffff], 0x22);
	assert_int_equal(E.regs.gpr[RSI], 0xabcd00000001);
	assert_int_equal(E.regs.gpr[RDI], 0x12340000);
	assert_int_equal(E.regs.gpr[RCX], 0x55550000);
	/* DF=1 wraps downwards; 67 gives 32-bit addresses. */
	E.regs.rflags |= X86_FLAGS_DF;
	E.regs.gpr[RDI] = 0x0001;
	E.regs.gpr[RCX] = 3;
	E.regs.gpr[RAX] = 0x77;
	EMU_OK(0xf3, 0xaa);
	assert_int_equal(E.regs.gpr[RDI], 0xfffe);
	assert_int_equal(E.mem[0x2ffff], 0x77);
	E.base[X86_SEG_ES] = 0;
	E.regs.gpr[RDI] = 0x10001;
	E.regs.gpr[RCX] = 0x10000;			/* CX is 0: nothing to do */
	E.regs.rip = CODE;
	EMU_OK(0xf3, 0xaa);
	assert_int_equal(E.regs.gpr[RDI], 0x10001);
	E.c.max_reps = 3;				/* ECX is not */
	E.regs.rip = CODE;
	assert_int_equal(emu(B(0x67, 0xf3, 0xaa)), X86EMUL_RETRY);
	assert_int_equal(E.regs.gpr[RDI], 0xfffe);
	assert_int_equal(E.regs.gpr[RCX], 0xfffd);
	assert_int_equal(E.mem[0x10001], 0x77);
	assert_int_equal(E.mem[0xffff], 0x77);

	/* 32-bit addresses in long mode: ESI/EDI/ECX wrap, 63:32 cleared. */
	setup(64);
	E.regs.gpr[RSI] = 0xffffffff00001000;
	E.regs.gpr[RDI] = 0x500000002000;
	E.regs.gpr[RCX] = 0x100000002;
	EMU_OK(0x67, 0xf3, 0xa4);
	assert_int_equal(E.regs.gpr[RSI], 0x1002);
	assert_int_equal(E.regs.gpr[RDI], 0x2002);
	assert_int_equal(E.regs.gpr[RCX], 0);
	/* A 64-bit count whose low 32 bits are 0 is zero for addr32. */
	E.regs.gpr[RCX] = 0x100000000;
	EMU_OK(0x67, 0xf3, 0xa4);
	assert_int_equal(E.regs.gpr[RCX], 0x100000000);
}

static void test_rep_retry_and_fault(void **state)
{
	setup(64);
	E.c.max_reps = 4;
	E.regs.gpr[RSI] = 0x4000;
	E.regs.gpr[RDI] = 0x5000;
	E.regs.gpr[RCX] = 10;
	assert_int_equal(emu(B(0xf3, 0xa4)), X86EMUL_RETRY);
	assert_int_equal(E.regs.rip, CODE);
	assert_int_equal(E.regs.gpr[RCX], 6);
	assert_int_equal(E.regs.gpr[RSI], 0x4004);
	assert_int_equal(x86_emulate(&E.c), X86EMUL_RETRY);
	assert_int_equal(E.regs.gpr[RCX], 2);
	assert_int_equal(x86_emulate(&E.c), X86EMUL_OKAY);
	assert_int_equal(E.regs.gpr[RCX], 0);
	assert_int_equal(E.regs.rip, CODE + 2);
	/* Exactly max_reps left: finishes without RETRY. */
	E.regs.rip = CODE;
	E.regs.gpr[RCX] = 4;
	assert_int_equal(x86_emulate(&E.c), X86EMUL_OKAY);
	/* max_reps 0 means one. */
	E.c.max_reps = 0;
	E.regs.rip = CODE;
	E.regs.gpr[RCX] = 2;
	assert_int_equal(x86_emulate(&E.c), X86EMUL_RETRY);
	assert_int_equal(E.regs.gpr[RCX], 1);

	/* A fault on the third store: two done, rip stays, #PF reported. */
	E.c.max_reps = 100;
	E.fault_lo = 0x6002;
	E.fault_hi = 0x6003;
	E.regs.rip = CODE;
	E.regs.gpr[RDI] = 0x6000;
	E.regs.gpr[RCX] = 8;
	E.regs.gpr[RAX] = 0x42;
	assert_int_equal(emu(B(0xf3, 0xaa)), X86EMUL_EXCEPTION);
	assert_int_equal(E.c.event.vector, 14);
	assert_int_equal(E.c.event.cr2, 0x6002);
	assert_int_equal(E.c.event.error_code, 2);
	assert_int_equal(E.regs.gpr[RCX], 6);
	assert_int_equal(E.regs.gpr[RDI], 0x6002);
	assert_int_equal(E.regs.rip, CODE);
	assert_int_equal(E.mem[0x6001], 0x42);
}

static void test_ins_outs(void **state)
{
	setup(32);
	E.base[X86_SEG_ES] = 0x10000;
	E.regs.gpr[RDX] = 0x1f0;
	E.regs.gpr[RDI] = 0x100;
	E.regs.gpr[RCX] = 3;
	E.io_val = 0x04030201;
	EMU_OK(0x66, 0xf3, 0x6d);			/* rep insw */
	assert_int_equal(E.regs.gpr[RDI], 0x106);
	assert_int_equal(E.mem[0x10100], 0x01);
	assert_int_equal(E.mem[0x10102], 0x02);
	assert_int_equal(E.mem[0x10104], 0x03);
	assert_int_equal(E.log[3].kind, 'i');	/* after three 1-byte fetches */
	assert_int_equal(E.log[3].off, 0x1f0);
	assert_int_equal(E.log[3].bytes, 2);
	E.regs.rflags |= X86_FLAGS_DF;
	E.regs.gpr[RSI] = 0x10104;			/* DS base 0 */
	E.regs.gpr[RCX] = 2;
	E.regs.gpr[RDX] = 0xe9;
	EMU_OK(0xf3, 0x6e);				/* rep outsb backwards */
	assert_int_equal(E.log[E.n - 3].kind, 'o');
	assert_int_equal(E.log[E.n - 3].val, 0x03);
	assert_int_equal(E.log[E.n - 1].val, 0x03);
	assert_int_equal(E.log[E.n - 2].off, 0x10103);
	assert_int_equal(E.regs.gpr[RSI], 0x10102);
	EMU_OK(0x6f);					/* outsl */
	assert_int_equal(E.log[E.n - 1].bytes, 4);
	assert_int_equal(E.regs.gpr[RSI], 0x100fe);
	EMU_OK(0x26, 0x6c);				/* insb: ES is fixed */
	assert_int_equal(E.log[E.n - 1].seg, X86_SEG_ES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_lengths),
		cmocka_unit_test(test_mov_reg_mem),
		cmocka_unit_test(test_mov_imm_moffs),
		cmocka_unit_test(test_movzx_movsx),
		cmocka_unit_test(test_movnti_setcc_cmov),
		cmocka_unit_test(test_segment_overrides),
		cmocka_unit_test(test_effective_address),
		cmocka_unit_test(test_nothing_there),
		cmocka_unit_test(test_alu_memory_exact),
		cmocka_unit_test(test_xchg_cmpxchg_xadd),
		cmocka_unit_test(test_bt_memory),
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_write_fault_keeps_state),
		cmocka_unit_test(test_limit_and_lock),
		cmocka_unit_test(test_ip_wrap_16),
		cmocka_unit_test(test_movs_stos_lods),
		cmocka_unit_test(test_cmps_scas),
		cmocka_unit_test(test_string_address_size),
		cmocka_unit_test(test_rep_retry_and_fault),
		cmocka_unit_test(test_ins_outs),
		cmocka_unit_test(test_alu_native),
		cmocka_unit_test(test_alu_forms_native),
		cmocka_unit_test(test_bt_native),
		cmocka_unit_test(test_cond_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
