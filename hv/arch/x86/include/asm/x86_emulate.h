/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction decoder and emulator (hv/arch/x86/emul/). Pure: it touches
 * guest state only through the caller's registers and callbacks, so it runs
 * in the hypervisor, in host unit tests and under a fuzzer alike.
 */
#ifndef ASM_X86_EMULATE_H
#define ASM_X86_EMULATE_H

#include <stdbool.h>
#include <stdint.h>

enum x86_seg {
	X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
	X86_SEG_NONE
};

enum x86_emul_result {
	X86EMUL_OKAY,
	X86EMUL_EXCEPTION,	/* ctxt->event says which */
	X86EMUL_UNHANDLEABLE,	/* unknown, unsupported or VEX/EVEX/XOP/3DNow! */
	X86EMUL_RETRY,		/* REP not finished: registers updated, rip not */
	X86EMUL_TRUNCATED,	/* x86_decode(): the buffer ended too early */
};

/* Exception vectors the emulator itself raises. */
#define X86_EXC_UD 6
#define X86_EXC_GP 13

/* Arithmetic RFLAGS bits. */
#define X86_FLAGS_CF 0x0001u
#define X86_FLAGS_PF 0x0004u
#define X86_FLAGS_AF 0x0010u
#define X86_FLAGS_ZF 0x0040u
#define X86_FLAGS_SF 0x0080u
#define X86_FLAGS_DF 0x0400u
#define X86_FLAGS_OF 0x0800u
#define X86_FLAGS_ARITH 0x08d5u

/* General registers in encoding order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15. */
struct x86_emul_regs {
	uint64_t gpr[16];
	uint64_t rip, rflags;
};

/* Opcode maps (x86_insn.map). */
enum x86_map { X86_MAP_1, X86_MAP_0F, X86_MAP_0F38, X86_MAP_0F3A };

/*
 * One decoded instruction. modrm_reg/modrm_rm include REX.R/REX.B (modrm_rm
 * only when mod == 3: with a memory operand see mem_seg/mem_offset). For
 * MOV to/from CRn/DRn (0F 20-23) the operand is a register whatever mod says;
 * on AMD, LOCK with 0F 20/22 selects CR8 (the decoder accepts it, lock is set).
 */
struct x86_insn {
	uint8_t len;		/* total bytes, 1..15 */
	uint8_t map;		/* enum x86_map */
	uint8_t opcode;		/* the byte after the escape bytes */
	uint8_t rex;		/* 0 or 0x40..0x4f */
	uint8_t rep;		/* 0, 0xf2 or 0xf3 (the last one seen) */
	bool lock;
	bool opsize_prefix;	/* a 66 prefix was present */
	uint8_t seg_override;	/* enum x86_seg (X86_SEG_NONE if none) */
	uint8_t op_bytes;	/* 2, 4 or 8 (default size: 8-bit forms are the caller's to know) */
	uint8_t ad_bytes;	/* 2, 4 or 8 */
	bool has_modrm;
	uint8_t modrm, modrm_mod, modrm_reg, modrm_rm;
	uint8_t sib;		/* valid when has_sib */
	bool has_sib;
	uint8_t disp_bytes, imm_bytes;
	int64_t disp;		/* sign-extended */
	uint64_t imm;		/* zero-extended; moffs for A0-A3; offset of far pointers */
	uint64_t imm2;		/* ENTER's byte, far pointers' selector */
	/* Filled by x86_emulate() only, when the instruction has a memory operand. */
	bool mem;
	uint8_t mem_seg;	/* enum x86_seg, after overrides */
	uint64_t mem_offset;	/* effective address, truncated to the address size */
};

struct x86_event {
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;
	bool has_cr2;		/* #PF: the callback sets cr2 */
	uint64_t cr2;
};

struct x86_emul_ctxt;

/*
 * Guest access callbacks. Each returns X86EMUL_OKAY or another result that
 * the emulator passes straight back (after x86_emul_raise() for a fault).
 * read/write take seg:offset and do segmentation (base, limit, in 64-bit
 * mode flat ES/CS/SS/DS), canonical checks and paging. Nothing is atomic:
 * a LOCKed read-modify-write is a read followed by a write.
 */
struct x86_emul_ops {
	int (*read)(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t offset,
		    void *buf, unsigned int bytes);
	int (*write)(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t offset,
		     const void *buf, unsigned int bytes);
	/* Instruction bytes at CS:rip (rip already truncated to the mode's width). */
	int (*fetch)(struct x86_emul_ctxt *c, uint64_t rip, void *buf,
		     unsigned int bytes);
	/* Port I/O, bytes 1, 2 or 4; permission checks are the callback's job. */
	int (*read_io)(struct x86_emul_ctxt *c, uint16_t port, unsigned int bytes,
		       uint32_t *val);
	int (*write_io)(struct x86_emul_ctxt *c, uint16_t port,
			unsigned int bytes, uint32_t val);
};

struct x86_emul_ctxt {
	struct x86_emul_regs *regs;
	unsigned int mode;		/* 16, 32 or 64: CS default size (64 = long mode) */
	const struct x86_emul_ops *ops;
	void *ctx;			/* the caller's, for the callbacks */
	unsigned int max_reps;		/* REP iterations per call; 0 means 1 */
	struct x86_event event;		/* on X86EMUL_EXCEPTION */
	struct x86_insn insn;		/* the last instruction decoded */
};

/*
 * Decode the instruction at bytes[0..avail) (at most 15 bytes are looked
 * at) for a code segment of the given mode. Returns X86EMUL_OKAY with *insn
 * filled; X86EMUL_TRUNCATED if avail was too short; X86EMUL_EXCEPTION with
 * *ev = #GP(0) for more than 15 bytes or #UD (LOCK where not allowed, an
 * opcode invalid in this mode); X86EMUL_UNHANDLEABLE for an unknown opcode
 * or a VEX/EVEX/XOP/3DNow! encoding. insn->mem* are not filled.
 */
int x86_decode(const uint8_t *bytes, unsigned int avail, unsigned int mode,
	       struct x86_insn *insn, struct x86_event *ev);

/* x86_decode() reduced to the length (for next-RIP); same results. */
int x86_decode_length(const uint8_t *bytes, unsigned int avail,
		      unsigned int mode, unsigned int *length);

/*
 * Fetch, decode and execute one instruction at regs->rip. On X86EMUL_OKAY
 * rip points past it and registers/flags are updated. On EXCEPTION or
 * UNHANDLEABLE neither rip nor registers changed, except that a REP string
 * instruction keeps the iterations already done (as the CPU does); RETRY
 * means the same for a REP that ran max_reps iterations: call again.
 * c->insn describes the instruction whenever decoding succeeded, so a
 * caller can take its length even when execution is UNHANDLEABLE.
 */
int x86_emulate(struct x86_emul_ctxt *c);

/* For callbacks: record a fault in c->event and return X86EMUL_EXCEPTION. */
int x86_emul_raise(struct x86_emul_ctxt *c, uint8_t vector,
		   bool has_error_code, uint32_t error_code);

#endif /* ASM_X86_EMULATE_H */
