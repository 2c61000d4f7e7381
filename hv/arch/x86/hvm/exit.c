// SPDX-License-Identifier: MIT
/*
 * Exit handling, common to SVM and VMX: the backend decodes an exit into
 * struct vm_exit and this table, indexed by exit kind, is the only
 * dispatch.
 */
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <asm/hvm_emulate.h>
#include <basalt/console.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/hypercall.h>
#include <basalt/sched.h>

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf,
	       struct cpuid_regs *out);
bool hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
void hvm_io_exit(struct vcpu *v, struct vm_exit *e);
void hvm_handle_exit(struct vcpu *v, struct vm_exit *e);

typedef void (*exit_handler_fn)(struct vcpu *v, struct vm_exit *e);

static const char *const kind_names[NR_EXIT_KINDS] = {
	[EXIT_UNKNOWN] = "unhandled", [EXIT_INVALID] = "invalid guest state",
	[EXIT_SHUTDOWN] = "triple fault",
};

static void exit_nothing(struct vcpu *v, struct vm_exit *e)
{
	/* Physical interrupts and NMIs are taken by the host right after
	 * the exit; nothing else to do. */
}

static void exit_crash(struct vcpu *v, struct vm_exit *e)
{
	domain_crash(v->domain, "%s (exit %#llx) on vCPU%u at rip %#llx "
		     "rsp %#llx cr0 %#llx cr3 %#llx cr4 %#llx",
		     kind_names[e->kind] ? kind_names[e->kind] : "unexpected exit",
		     (unsigned long long)e->raw, v->vcpu_id,
		     (unsigned long long)v->arch.regs.rip,
		     (unsigned long long)v->arch.regs.rsp,
		     (unsigned long long)v->arch.snap.cr0,
		     (unsigned long long)v->arch.snap.cr3,
		     (unsigned long long)v->arch.snap.cr4);
}

static void exit_exception(struct vcpu *v, struct vm_exit *e)
{
	/* #DB and #AC are intercepted only so that a guest cannot make the
	 * CPU loop delivering them; hand them back to the guest. */
	hvm_inject_exception(v, e->exc.vector, e->exc.has_error, e->exc.error);
}

static void exit_cpuid(struct vcpu *v, struct vm_exit *e)
{
	struct cpuid_regs r;
	struct guest_regs *g = &v->arch.regs;

	hvm_cpuid(v, (uint32_t)g->rax, (uint32_t)g->rcx, &r);
	g->rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	hvm_skip_insn(v, e);
}

bool hvm_has_pending_interrupt(struct vcpu *v);

static void exit_hlt(struct vcpu *v, struct vm_exit *e)
{
	if (!hvm_skip_insn(v, e))
		return;
	/* As Xen: halting with interrupts off (only an NMI could end it) is
	 * taken as the vCPU going down for good. */
	if (!(v->arch.regs.rflags & RFLAGS_IF) && !v->arch.pending.valid) {
		vcpu_down(v);
		return;
	}
	sched_block(v);
	/* An event that arrived before the block must not be slept on. */
	if (hvm_has_pending_interrupt(v))
		sched_wake(v);
}

static void exit_msr(struct vcpu *v, struct vm_exit *e)
{
	struct guest_regs *g = &v->arch.regs;
	uint64_t val;

	if (e->msr.write) {
		val = (g->rdx << 32) | (uint32_t)g->rax;
		if (!hvm_msr_write(v, e->msr.index, val)) {
			hvm_inject_gp0(v);
			return;
		}
	} else {
		if (!hvm_msr_read(v, e->msr.index, &val)) {
			hvm_inject_gp0(v);
			return;
		}
		g->rax = (uint32_t)val;
		g->rdx = val >> 32;
	}
	hvm_skip_insn(v, e);
}

static void exit_npf(struct vcpu *v, struct vm_exit *e)
{
	if (e->npf.in_walk) {
		/* The guest's own page tables point at nothing. */
		domain_crash(v->domain, "page-table walk reached guest-physical "
			     "%#llx, which has no memory (vCPU%u rip %#llx "
			     "cr3 %#llx)", (unsigned long long)e->npf.gpa,
			     v->vcpu_id, (unsigned long long)v->arch.regs.rip,
			     (unsigned long long)v->arch.snap.cr3);
		return;
	}
	if (domain_may_log(v->domain))
		pr_debug("d%uv%u: access to guest-physical %#llx with nothing there "
			 "(rip %#llx)\n", v->domain->domid, v->vcpu_id,
			 (unsigned long long)e->npf.gpa,
			 (unsigned long long)v->arch.regs.rip);
	hvm_emulate_hole_access(v);
}

static void exit_hypercall(struct vcpu *v, struct vm_exit *e)
{
	struct guest_regs *g = &v->arch.regs;
	struct hypercall_args h = { .v = v };
	unsigned int mode = hvm_code_mode(v);
	long ret;

	if (v->arch.snap.cpl != 0) {
		/* Only the guest kernel may make hypercalls. */
		g->rax = (uint64_t)(long)-EPERM;
		if (mode != 64)
			g->rax = (uint32_t)g->rax;
		hvm_skip_insn(v, e);
		return;
	}
	if (mode == 64) {
		h.a[0] = g->rdi; h.a[1] = g->rsi; h.a[2] = g->rdx;
		h.a[3] = g->r10; h.a[4] = g->r8; h.a[5] = g->r9;
	} else {
		h.compat = true;
		h.a[0] = (uint32_t)g->rbx; h.a[1] = (uint32_t)g->rcx;
		h.a[2] = (uint32_t)g->rdx; h.a[3] = (uint32_t)g->rsi;
		h.a[4] = (uint32_t)g->rdi; h.a[5] = (uint32_t)g->rbp;
	}
	hvm_count_hypercall(v, mode == 64 ? g->rax : (uint32_t)g->rax, h.a[0]);
	ret = hypercall_dispatch(mode == 64 ? g->rax : (uint32_t)g->rax, &h);
	if (h.continuation) {
		/* Re-issued by the guest with the updated arguments. */
		if (mode == 64) {
			g->rdi = h.a[0]; g->rsi = h.a[1]; g->rdx = h.a[2];
			g->r10 = h.a[3]; g->r8 = h.a[4]; g->r9 = h.a[5];
		} else {
			g->rbx = h.a[0]; g->rcx = h.a[1]; g->rdx = h.a[2];
			g->rsi = h.a[3]; g->rdi = h.a[4]; g->rbp = h.a[5];
		}
		return;
	}
	g->rax = mode == 64 ? (uint64_t)ret : (uint32_t)ret;
	hvm_skip_insn(v, e);
}

static void exit_ud(struct vcpu *v, struct vm_exit *e)
{
	hvm_inject_ud(v);
}

static void exit_skip(struct vcpu *v, struct vm_exit *e)
{
	/* INVD (done as WBINVD), WBINVD: caches are coherent here. */
	hvm_skip_insn(v, e);
}

static void exit_pause(struct vcpu *v, struct vm_exit *e)
{
	hvm_skip_insn(v, e);
	sched_yield(v);
}

static const exit_handler_fn exit_table[NR_EXIT_KINDS] = {
	[EXIT_UNKNOWN] = exit_crash,
	[EXIT_INVALID] = exit_crash,
	[EXIT_INTR] = exit_nothing,
	[EXIT_NMI] = exit_nothing,
	[EXIT_SMI] = exit_nothing,
	[EXIT_INIT] = exit_nothing,
	[EXIT_VINTR] = exit_nothing,
	[EXIT_EXCEPTION] = exit_exception,
	[EXIT_CPUID] = exit_cpuid,
	[EXIT_HLT] = exit_hlt,
	[EXIT_IO] = hvm_io_exit,
	[EXIT_MSR] = exit_msr,
	[EXIT_NPF] = exit_npf,
	[EXIT_HYPERCALL] = exit_hypercall,
	[EXIT_SHUTDOWN] = exit_crash,
	[EXIT_UD_INSN] = exit_ud,
	[EXIT_INVD] = exit_skip,
	[EXIT_WBINVD] = exit_skip,
	[EXIT_PAUSE] = exit_pause,
	[EXIT_RDTSC] = exit_crash,
	[EXIT_XSETBV] = exit_ud,
};

void hvm_handle_exit(struct vcpu *v, struct vm_exit *e)
{
	exit_handler_fn fn = e->kind < NR_EXIT_KINDS ? exit_table[e->kind] : NULL;

	(fn ? fn : exit_crash)(v, e);
}
