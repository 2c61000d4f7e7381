/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the x86 decoder and emulator: arbitrary bytes as an
 * instruction in any mode, with registers and every memory and port read
 * drawn from the input and faults injected; checks that decode and emulate
 * agree, nothing past 15 bytes is fetched, and rip/results stay consistent.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/x86_emulate.h>

/* Input: mode/flags byte, max_reps byte, 16 register bytes, 15 code bytes, data. */
#define HDR (2 + 16 + 15)

struct fz {
	const uint8_t *data;
	size_t n, pos;
	uint8_t code[15];
	uint64_t rip0;
	unsigned int fetched;	/* bytes handed out by fetch */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t next(struct fz *f)
{
	return f->n ? f->data[f->pos++ % f->n] : 0xff;
}

/* About one access in 32 faults, so partially done instructions are exercised. */
static int maybe_fault(struct x86_emul_ctxt *c, struct fz *f)
{
	if ((next(f) & 31) != 0)
		return X86EMUL_OKAY;
	x86_emul_raise(c, 14, true, 0);
	return X86EMUL_EXCEPTION;
}

static void check_size(unsigned int bytes, unsigned int max)
{
	if (bytes == 0 || bytes > max || (bytes & (bytes - 1)))
		abort();
}

static int f_read(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		  void *buf, unsigned int bytes)
{
	struct fz *f = c->ctx;

	check_size(bytes, 8);
	if (seg > X86_SEG_GS)
		abort();
	for (unsigned int i = 0; i < bytes; i++)
		((uint8_t *)buf)[i] = next(f);
	return maybe_fault(c, f);
}

static int f_write(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		   const void *buf, unsigned int bytes)
{
	check_size(bytes, 8);
	if (seg > X86_SEG_GS)
		abort();
	return maybe_fault(c, c->ctx);
}

static int f_fetch(struct x86_emul_ctxt *c, uint64_t rip, void *buf, unsigned int bytes)
{
	struct fz *f = c->ctx;
	uint64_t mask = c->mode == 64 ? ~0ull : c->mode == 32 ? 0xffffffffull : 0xffffull;
	uint64_t at = (rip - f->rip0) & mask;

	/* Fetches are contiguous, in order, and never past byte 15. */
	if (at != f->fetched || at + bytes > sizeof(f->code) || bytes == 0)
		abort();
	memcpy(buf, f->code + at, bytes);
	f->fetched += bytes;
	return X86EMUL_OKAY;
}

static int f_read_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int bytes, uint32_t *val)
{
	struct fz *f = c->ctx;

	check_size(bytes, 4);
	*val = next(f) * 0x01010101u;
	return maybe_fault(c, f);
}

static int f_write_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int bytes, uint32_t val)
{
	check_size(bytes, 4);
	return maybe_fault(c, c->ctx);
}

static const struct x86_emul_ops fops = {
	.read = f_read, .write = f_write, .fetch = f_fetch,
	.read_io = f_read_io, .write_io = f_write_io,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int modes[3] = { 16, 32, 64 };
	struct x86_emul_regs regs;
	struct x86_emul_ctxt c;
	struct fz f;
	unsigned int len = 0;
	int drc, rc;

	if (size < HDR)
		return 0;
	memset(&f, 0, sizeof(f));
	memset(&regs, 0, sizeof(regs));
	unsigned int mode = modes[(data[0] & 3) % 3];

	/* Register bytes spread over the interesting ranges (small, near 2^16, 2^32, top). */
	for (int i = 0; i < 16; i++) {
		uint8_t b = data[2 + i];

		regs.gpr[i] = (uint64_t)(b & 0x3f) << ((b >> 6) * 15);
		if ((b >> 6) == 3)
			regs.gpr[i] = ~regs.gpr[i];
	}
	regs.rflags = 2 | (data[0] & 0x04 ? X86_FLAGS_CF : 0) |
		      (data[0] & 0x08 ? X86_FLAGS_ZF : 0) | (data[0] & 0x10 ? X86_FLAGS_SF : 0) |
		      (data[0] & 0x20 ? X86_FLAGS_PF : 0) | (data[0] & 0x40 ? X86_FLAGS_OF : 0) |
		      (data[0] & 0x80 ? X86_FLAGS_DF : 0);
	regs.rip = mode == 16 ? 0xfff8 : 0xfffffff8;	/* near a wrap */
	memcpy(f.code, data + 18, 15);
	f.rip0 = regs.rip;
	f.data = data + HDR;
	f.n = size - HDR;

	drc = x86_decode_length(f.code, 15, mode, &len);
	if (drc == X86EMUL_TRUNCATED || (drc == X86EMUL_OKAY && (len == 0 || len > 15)))
		abort();

	memset(&c, 0, sizeof(c));
	c.regs = &regs;
	c.mode = mode;
	c.ops = &fops;
	c.ctx = &f;
	c.max_reps = data[1] & 7;
	rc = x86_emulate(&c);

	/* Decoding through fetch agrees with decoding a buffer. */
	if (drc == X86EMUL_OKAY) {
		if (c.insn.len != len || f.fetched != len)
			abort();
	} else if (rc != drc) {
		abort();
	}
	if (f.fetched > 15)
		abort();
	switch (rc) {
	case X86EMUL_OKAY: {
		uint64_t want = f.rip0 + len;

		if (mode != 64)
			want &= mode == 16 ? 0xffff : 0xffffffff;
		if (regs.rip != want)
			abort();
		break;
	}
	case X86EMUL_RETRY:
		if (c.insn.map != X86_MAP_1 || !c.insn.rep || regs.rip != f.rip0)
			abort();
		break;
	case X86EMUL_EXCEPTION:
		if (c.event.vector != 6 && c.event.vector != 13 && c.event.vector != 14)
			abort();
		if (regs.rip != f.rip0)
			abort();
		break;
	case X86EMUL_UNHANDLEABLE:
		if (regs.rip != f.rip0)
			abort();
		break;
	default:
		abort();
	}
	return 0;
}

#ifdef FUZZ_STANDALONE
/* Replays files (a corpus or a crash) without libFuzzer, e.g. with gcc. */
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		static uint8_t buf[1 << 16];
		FILE *fp = fopen(argv[i], "rb");
		size_t n;

		if (!fp) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
