// SPDX-License-Identifier: MIT
/*
 * Glue between exits and the pure x86 emulator: guest memory through the
 * guest's page tables and the p2m, with Xen's "nothing there" meaning for
 * guest-physical addresses without RAM (reads all ones, writes dropped).
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/hvm_emulate.h>
#include <asm/page.h>
#include <asm/vlapic.h>
#include <asm/x86_emulate.h>
#include <basalt/console.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/lib/string.h>


unsigned int hvm_code_mode(struct vcpu *v)
{
	return v->arch.snap.mode;
}

void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			  uint32_t error)
{
	struct hvm_event ev = {
		.valid = true, .vector = vector, .type = EVENT_EXCEPTION,
		.has_error = has_error, .error = error,
	};

	hvm->inject_event(v, &ev);
}

void hvm_inject_page_fault(struct vcpu *v, uint32_t pfec, uint64_t cr2)
{
	struct hvm_event ev = {
		.valid = true, .vector = 14, .type = EVENT_EXCEPTION,
		.has_error = true, .error = pfec, .cr2 = cr2,
	};

	hvm->inject_event(v, &ev);
}

void hvm_inject_gp0(struct vcpu *v)
{
	hvm_inject_exception(v, 13, true, 0);
}

void hvm_inject_ud(struct vcpu *v)
{
	hvm_inject_exception(v, 6, false, 0);
}

struct emul_state {
	struct vcpu *v;
	unsigned int mode;
};

static uint64_t linear(struct emul_state *s, enum x86_seg seg, uint64_t off)
{
	struct segment sr;
	static const enum x86_segreg map[] = {
		[X86_SEG_ES] = SEG_ES, [X86_SEG_CS] = SEG_CS, [X86_SEG_SS] = SEG_SS,
		[X86_SEG_DS] = SEG_DS, [X86_SEG_FS] = SEG_FS, [X86_SEG_GS] = SEG_GS,
	};

	if (seg == X86_SEG_NONE)
		return off;
	if (seg == X86_SEG_CS)
		return s->mode == 64 ? off : (uint32_t)(s->v->arch.snap.cs_base + off);
	if (s->mode == 64 && seg != X86_SEG_FS && seg != X86_SEG_GS)
		return off;
	hvm->get_segment(s->v, map[seg], &sr);
	if (s->mode == 64)
		return (seg == X86_SEG_FS || seg == X86_SEG_GS) ? sr.base + off : off;
	return (uint32_t)(sr.base + off);
}

/* Access [la, la+bytes) page by page; holes read as ones, drop writes. */
static int access_linear(struct x86_emul_ctxt *c, uint64_t la, void *buf,
			 unsigned int bytes, bool write, bool fetch)
{
	struct emul_state *s = c->ctx;
	uint8_t *p = buf;
	bool user = s->v->arch.snap.cpl == 3;

	while (bytes) {
		unsigned int chunk = (unsigned int)MIN(bytes, PAGE_SIZE - (la & ~PAGE_MASK));
		uint64_t gpa;
		uint32_t pfec;
		bool writable = false;
		paddr_t hpa;

		if (guest_translate(s->v, la, write, user, fetch, &gpa, &pfec)) {
			if (!pfec)
				return x86_emul_raise(c, X86_EXC_GP, true, 0);
			c->event.has_cr2 = true;
			c->event.cr2 = la;
			return x86_emul_raise(c, 14, true, pfec);
		}
		hpa = p2m_lookup(&s->v->domain->p2m, gpa, &writable);
		if (!hpa && (gpa & PAGE_MASK) == VLAPIC_MMIO_BASE &&
		    vlapic_mmio_enabled(s->v) && chunk == 4 && !fetch) {
			uint32_t val = ~0u;
			if (write) {
				memcpy(&val, p, 4);
				vlapic_mmio_write(s->v, (uint32_t)(gpa & ~PAGE_MASK), val);
			} else {
				if (!vlapic_mmio_read(s->v, (uint32_t)(gpa & ~PAGE_MASK), &val))
					val = 0;
				memcpy(p, &val, 4);
			}
		} else if (!hpa) {
			if (fetch)
				return X86EMUL_UNHANDLEABLE;
			if (!write)
				memset(p, 0xff, chunk);
		} else if (write) {
			if (writable)
				memcpy(phys_to_virt(hpa), p, chunk);
		} else {
			memcpy(p, phys_to_virt(hpa), chunk);
		}
		p += chunk;
		la += chunk;
		bytes -= chunk;
	}
	return X86EMUL_OKAY;
}

static int op_read(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		   void *buf, unsigned int bytes)
{
	return access_linear(c, linear(c->ctx, seg, off), buf, bytes, false, false);
}

static int op_write(struct x86_emul_ctxt *c, enum x86_seg seg, uint64_t off,
		    const void *buf, unsigned int bytes)
{
	uint8_t tmp[64];

	if (bytes > sizeof(tmp))
		return X86EMUL_UNHANDLEABLE;
	memcpy(tmp, buf, bytes);
	return access_linear(c, linear(c->ctx, seg, off), tmp, bytes, true, false);
}

static int op_fetch(struct x86_emul_ctxt *c, uint64_t rip, void *buf,
		    unsigned int bytes)
{
	return access_linear(c, linear(c->ctx, X86_SEG_CS, rip), buf, bytes,
			     false, true);
}

static int op_read_io(struct x86_emul_ctxt *c, uint16_t port, unsigned int bytes,
		      uint32_t *val)
{
	return X86EMUL_UNHANDLEABLE; /* port I/O has its own exit */
}

static int op_write_io(struct x86_emul_ctxt *c, uint16_t port,
		       unsigned int bytes, uint32_t val)
{
	return X86EMUL_UNHANDLEABLE;
}

static const struct x86_emul_ops emul_ops = {
	.read = op_read, .write = op_write, .fetch = op_fetch,
	.read_io = op_read_io, .write_io = op_write_io,
};

static void regs_to_emul(const struct guest_regs *r, struct x86_emul_regs *e)
{
	const uint64_t *g = &r->rax; /* rax rcx rdx rbx rsp rbp rsi rdi r8.. */

	for (unsigned int i = 0; i < 16; i++)
		e->gpr[i] = g[i];
	e->rip = r->rip;
	e->rflags = r->rflags;
}

static void emul_to_regs(const struct x86_emul_regs *e, struct guest_regs *r)
{
	uint64_t *g = &r->rax;

	for (unsigned int i = 0; i < 16; i++)
		g[i] = e->gpr[i];
	r->rip = e->rip;
	r->rflags = e->rflags;
}

/* The usual encoding of the instruction behind an exit: when the bytes
 * at RIP are exactly these, no full decode is needed. */
static const struct {
	uint8_t len;
	uint8_t bytes[3];
} usual[NR_EXIT_KINDS] = {
	[EXIT_HYPERCALL] = { 3, { 0x0f, 0x01, 0xd9 } },  /* VMMCALL */
	[EXIT_CPUID] = { 2, { 0x0f, 0xa2 } },
	[EXIT_HLT] = { 1, { 0xf4 } },
	[EXIT_WBINVD] = { 2, { 0x0f, 0x09 } },
	[EXIT_INVD] = { 2, { 0x0f, 0x08 } },
	[EXIT_PAUSE] = { 2, { 0xf3, 0x90 } },
};

bool hvm_skip_insn(struct vcpu *v, const struct vm_exit *e)
{
	struct x86_emul_ctxt c = { 0 };
	struct emul_state s = { v, hvm_code_mode(v) };
	uint8_t bytes[15];
	unsigned int len;
	uint64_t rip = v->arch.regs.rip;

	if (e && e->next_rip) {
		v->arch.regs.rip = e->next_rip;
		return true;
	}
	c.ctx = &s;
	c.mode = s.mode;
	if (e && e->kind < NR_EXIT_KINDS && usual[e->kind].len) {
		len = usual[e->kind].len;
		if (op_fetch(&c, s.mode == 64 ? rip : (uint32_t)rip, bytes, len) ==
		    X86EMUL_OKAY && !memcmp(bytes, usual[e->kind].bytes, len)) {
			v->arch.regs.rip = s.mode == 64 ? rip + len :
					   s.mode == 32 ? (uint32_t)(rip + len) :
					   ((rip + len) & 0xffff);
			return true;
		}
	}
	if (s.mode == 16)
		rip &= 0xffff;
	else if (s.mode == 32)
		rip = (uint32_t)rip;
	/* Fetch what is there: the instruction may end before a page we
	 * cannot read. */
	for (len = 15; len > 0; len--)
		if (op_fetch(&c, rip, bytes, len) == X86EMUL_OKAY)
			break;
	if (!len || x86_decode_length(bytes, len, s.mode, &len) != X86EMUL_OKAY) {
		domain_crash(v->domain, "cannot decode the instruction at %#llx",
			     (unsigned long long)v->arch.regs.rip);
		return false;
	}
	v->arch.regs.rip = s.mode == 64 ? rip + len :
			   s.mode == 32 ? (uint32_t)(rip + len) : ((rip + len) & 0xffff);
	return true;
}

void hvm_emulate_hole_access(struct vcpu *v)
{
	struct x86_emul_regs regs;
	struct emul_state s = { v, hvm_code_mode(v) };
	struct x86_emul_ctxt c = {
		.regs = &regs, .mode = s.mode, .ops = &emul_ops, .ctx = &s,
		.max_reps = 1024,
	};
	int rc;

	regs_to_emul(&v->arch.regs, &regs);
	rc = x86_emulate(&c);
	switch (rc) {
	case X86EMUL_OKAY:
	case X86EMUL_RETRY: /* a long REP continues at the next entry */
		emul_to_regs(&regs, &v->arch.regs);
		break;
	case X86EMUL_EXCEPTION:
		emul_to_regs(&regs, &v->arch.regs);
		if (c.event.vector == 14)
			hvm_inject_page_fault(v, c.event.error_code, c.event.cr2);
		else
			hvm_inject_exception(v, c.event.vector,
					     c.event.has_error_code,
					     c.event.error_code);
		break;
	default:
		domain_crash(v->domain, "cannot emulate the access at rip %#llx "
			     "(opcode %#x)", (unsigned long long)v->arch.regs.rip,
			     c.insn.opcode);
		break;
	}
}
