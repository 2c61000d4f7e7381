// SPDX-License-Identifier: MIT
/*
 * AMD SVM backend of the vCPU interface: per-CPU enabling, the VMCB of
 * each vCPU with Basalt's fixed intercept policy, entry and exit. Raw
 * exits are translated into struct vm_exit here and handled in common
 * code (hvm/exit.c).
 */
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <asm/domain.h>
#include <asm/page.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/mm.h>
#include <basalt/options.h>
#include <basalt/tlb_shootdown.h>
#include <basalt/lib/string.h>
#include "vmcb.h"
#include "svm_policy.h"

#define MSR_VM_CR       0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define EFER_SVME       (1ull << 12)
#define VM_CR_SVMDIS    (1ull << 4)

/* CPUID 0x8000000A EDX */
#define SVM_FEATURE_NPT      (1u << 0)
#define SVM_FEATURE_NRIPS    (1u << 3)
#define SVM_FEATURE_CLEAN    (1u << 5)
#define SVM_FEATURE_FLUSHASID (1u << 6)
#define SVM_FEATURE_DECODE   (1u << 7)

void svm_enter(struct guest_regs *regs, paddr_t vmcb, paddr_t host_save);
extern const char svm_vmrun_return[];

/* Consecutive failed entries (svm_check_entry) retried before the exit
 * is handled as it stands. */
#define ENTRY_RETRIES 3

struct svm_vcpu {
	struct vmcb *vmcb;
	uint8_t *msrpm;          /* 8 KiB: 2 bits per MSR, set = intercept */
	struct tlb_asid_vcpu asid; /* its ASID, and where and when given */
	bool flush;              /* flush guest TLB at the next entry; set
				  * from any CPU: atomic accesses */
	int16_t virq;            /* external interrupt handed to the CPU as
				  * a virtual interrupt and not yet taken,
				  * or -1 */
	/* What the last entry handed over, to retry an entry the test bed
	 * failed (svm_check_entry). */
	struct {
		struct vmcb_save save;
		struct guest_regs regs;
		uint64_t eventinj, vintr, shadow;
		uint32_t misc1;
	} entry;
	unsigned long entries_retried;
	unsigned long entries;   /* for opt_test_bad_entry */
};

struct svm_cpu {
	void *hsave;             /* VM_HSAVE_PA area */
	void *host_save;         /* VMSAVE/VMLOAD area for host state */
	struct tlb_asid_cpu asids; /* ASID allocator of this CPU */
	unsigned long vmruns;    /* hsave holds host state once this is > 0 */
};

static struct svm_cpu *svm_cpus[NR_CPUS];
static uint8_t *iopm;        /* 12 KiB, shared: intercept every port */
static uint32_t svm_features;
static uint32_t svm_nr_asids;  /* CPUID 0x8000000A EBX */

static struct svm_vcpu *sv(struct vcpu *v)
{
	return v->arch.vendor;
}

static void svm_set_msr_intercept(struct vcpu *v, uint32_t msr, bool rd, bool wr);

/* External interrupts go in as virtual interrupts (svm_policy.c says
 * why); s->virq remembers one until the CPU has taken it. */
static void svm_inject_virq(struct svm_vcpu *s, uint8_t vector)
{
	svm_virq_assert(&s->vmcb->ctl, vector);
	s->virq = vector;
}

/* Forget any event on its way into the guest (the vCPU is reset). */
static void svm_drop_events(struct vcpu *v)
{
	struct svm_vcpu *s = sv(v);

	s->vmcb->ctl.eventinj = 0;
	svm_virq_clear(&s->vmcb->ctl);
	s->virq = -1;
	v->arch.pending.valid = false;
}

static bool svm_cpu_up(void)
{
	struct svm_cpu *c = xzalloc_obj(struct svm_cpu);

	if (!c)
		return false;
	c->hsave = alloc_page();
	c->host_save = alloc_page();
	if (!c->hsave || !c->host_save)
		return false;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, virt_to_phys(c->hsave));
	tlb_asid_cpu_init(&c->asids, svm_nr_asids,
			  svm_features & SVM_FEATURE_FLUSHASID);
	svm_cpus[this_cpu()->id] = c;
	return true;
}

static void seg_set(struct vmcb_seg *s, uint16_t sel, uint16_t attr,
		    uint32_t limit, uint64_t base)
{
	s->sel = sel;
	s->attr = attr;
	s->limit = limit;
	s->base = base;
}

static int svm_vcpu_create(struct vcpu *v)
{
	struct svm_vcpu *s = xzalloc_obj(struct svm_vcpu);
	struct vmcb_control *ctl;

	if (!s)
		return -ENOMEM;
	s->vmcb = alloc_page();
	s->msrpm = alloc_pages(1);
	if (!s->vmcb || !s->msrpm) {
		free_page(s->vmcb);
		free_pages(s->msrpm, 1);
		xfree(s);
		return -ENOMEM;
	}
	memset(s->msrpm, 0xff, 2 * PAGE_SIZE);
	tlb_asid_vcpu_init(&s->asid);
	s->flush = true;
	s->virq = -1;
	v->arch.vendor = s;

	ctl = &s->vmcb->ctl;
	svm_set_intercepts(ctl);
	/* MSRs that are part of the state VMLOAD/VMSAVE switch: the guest
	 * owns them, reads and writes need no exit. */
	{
		static const uint32_t own[] = {
			0x174, 0x175, 0x176,             /* SYSENTER CS/ESP/EIP */
			0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR.. */
			0xc0000100, 0xc0000101, 0xc0000102, /* FS/GS/kernel GS base */
		};
		for (unsigned int i = 0; i < ARRAY_SIZE(own); i++)
			svm_set_msr_intercept(v, own[i], false, false);
	}
	ctl->iopm_base_pa = virt_to_phys(iopm);
	ctl->msrpm_base_pa = virt_to_phys(s->msrpm);
	ctl->np_enable = 1;  /* the ASID is chosen at each entry */
	/* Physical interrupts are masked by the host's IF, not the guest's. */
	ctl->vintr = VINTR_MASKING;
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	struct svm_vcpu *s = sv(v);

	if (!s)
		return;
	free_page(s->vmcb);
	free_pages(s->msrpm, 1);
	xfree(s);
	v->arch.vendor = NULL;
}

static void svm_vcpu_reset_pvh(struct vcpu *v, uint32_t entry, uint32_t ebx)
{
	struct vmcb_save *st = &sv(v)->vmcb->save;

	memset(st, 0, sizeof(*st));
	/* Flat 32-bit protected mode, paging off (Xen's PVH start state). */
	seg_set(&st->cs, 0x10, 0xc9b, 0xffffffff, 0);
	seg_set(&st->ds, 0x18, 0xc93, 0xffffffff, 0);
	seg_set(&st->es, 0x18, 0xc93, 0xffffffff, 0);
	seg_set(&st->ss, 0x18, 0xc93, 0xffffffff, 0);
	seg_set(&st->fs, 0x18, 0xc93, 0xffffffff, 0);
	seg_set(&st->gs, 0x18, 0xc93, 0xffffffff, 0);
	seg_set(&st->tr, 0x20, 0x08b, 0x67, 0);
	seg_set(&st->ldtr, 0, 0x082, 0, 0);
	seg_set(&st->gdtr, 0, 0, 0xffff, 0);
	seg_set(&st->idtr, 0, 0, 0xffff, 0);
	st->cpl = 0;
	st->efer = EFER_SVME;
	st->cr0 = CR0_PE | (1ull << 4); /* PE, ET */
	st->cr3 = 0;
	st->cr4 = 0;
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	st->rflags = 0x2;
	st->rip = entry;
	st->g_pat = 0x0007040600070406ull;
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.rbx = ebx;
	v->arch.regs.rip = entry;
	v->arch.regs.rflags = 0x2;
	svm_drop_events(v);
	sv(v)->flush = true;
}

/* The architectural state after INIT, started by a SIPI (APM 15.x /
 * SDM 8.4): real mode, CS = vector << 8, IP 0. */
static void svm_vcpu_reset_sipi(struct vcpu *v, uint8_t vector)
{
	struct vmcb_save *st = &sv(v)->vmcb->save;

	memset(st, 0, sizeof(*st));
	seg_set(&st->cs, (uint16_t)(vector << 8), 0x09b, 0xffff,
		(uint64_t)vector << 12);
	seg_set(&st->ds, 0, 0x093, 0xffff, 0);
	seg_set(&st->es, 0, 0x093, 0xffff, 0);
	seg_set(&st->ss, 0, 0x093, 0xffff, 0);
	seg_set(&st->fs, 0, 0x093, 0xffff, 0);
	seg_set(&st->gs, 0, 0x093, 0xffff, 0);
	seg_set(&st->tr, 0, 0x08b, 0xffff, 0);
	seg_set(&st->ldtr, 0, 0x082, 0xffff, 0);
	seg_set(&st->gdtr, 0, 0, 0xffff, 0);
	seg_set(&st->idtr, 0, 0, 0xffff, 0);
	st->efer = EFER_SVME;
	st->cr0 = 0x60000010; /* CD, NW, ET */
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	st->rflags = 0x2;
	st->g_pat = 0x0007040600070406ull;
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.rflags = 0x2;
	v->arch.regs.rdx = 0x600; /* family/model/stepping, as after reset */
	svm_drop_events(v);
	sv(v)->flush = true;
}

static void seg_load(struct vmcb_seg *d, const struct segment *s)
{
	seg_set(d, s->sel, s->attr, s->limit, s->base);
}

/* VCPUOP_initialise: the checked state; FS, GS, LDTR, GDTR and IDTR get
 * the values of a freshly made vCPU (flat data, empty tables). */
static void svm_vcpu_set_state(struct vcpu *v, const struct hvm_vcpu_state *s)
{
	struct vmcb_save *st = &sv(v)->vmcb->save;

	memset(st, 0, sizeof(*st));
	seg_load(&st->cs, &s->cs);
	seg_load(&st->ds, &s->ds);
	seg_load(&st->ss, &s->ss);
	seg_load(&st->es, &s->es);
	seg_load(&st->tr, &s->tr);
	seg_set(&st->fs, 0, 0xc93, 0xffffffff, 0);
	seg_set(&st->gs, 0, 0xc93, 0xffffffff, 0);
	seg_set(&st->ldtr, 0, 0, 0, 0);
	seg_set(&st->gdtr, 0, 0, 0, 0);
	seg_set(&st->idtr, 0, 0, 0, 0);
	st->cpl = (uint8_t)SEG_ATTR_DPL(s->ss.attr);
	st->efer = s->efer | EFER_SVME;
	st->cr0 = s->cr0;
	st->cr3 = s->cr3;
	st->cr4 = s->cr4;
	st->dr6 = 0xffff0ff0;
	st->dr7 = 0x400;
	st->rflags = s->regs.rflags;
	st->rip = s->regs.rip;
	st->rsp = s->regs.rsp;
	st->rax = s->regs.rax;
	st->g_pat = 0x0007040600070406ull;
	v->arch.regs = s->regs;
	svm_drop_events(v);
	sv(v)->flush = true;
}

static void snapshot(struct vcpu *v, const struct vmcb *vmcb)
{
	struct hvm_snapshot *s = &v->arch.snap;
	const struct vmcb_save *st = &vmcb->save;

	s->cr0 = st->cr0;
	s->cr3 = st->cr3;
	s->cr4 = st->cr4;
	s->efer = st->efer & ~EFER_SVME;
	s->cs_base = st->cs.base;
	s->cpl = st->cpl;
	if (!(st->cr0 & CR0_PE))
		s->mode = 16;
	else if ((st->efer & (1ull << 10)) && (st->cs.attr & (1u << 9)))
		s->mode = 64; /* LMA and CS.L */
	else
		s->mode = (st->cs.attr & (1u << 10)) ? 32 : 16;
}

static void entry_save(struct svm_vcpu *s, const struct vcpu *v)
{
	s->entry.save = s->vmcb->save;
	s->entry.regs = v->arch.regs;
	s->entry.eventinj = s->vmcb->ctl.eventinj;
	s->entry.vintr = s->vmcb->ctl.vintr;
	s->entry.shadow = s->vmcb->ctl.interrupt_shadow;
	s->entry.misc1 = s->vmcb->ctl.intercept_misc1;
}

static void entry_restore(struct svm_vcpu *s)
{
	s->vmcb->save = s->entry.save;
	s->vmcb->ctl.eventinj = s->entry.eventinj;
	s->vmcb->ctl.vintr = s->entry.vintr;
	s->vmcb->ctl.interrupt_shadow = s->entry.shadow;
	s->vmcb->ctl.intercept_misc1 = s->entry.misc1;
	s->vmcb->ctl.tlb_control = TLB_CONTROL_FLUSH_ALL;
}

/* Run the guest until an exit; an entry the test bed failed without the
 * guest having run is made again from the same state (docs/SUPPORT.md,
 * test-bed defects). */
static void svm_enter_checked(struct vcpu *v, struct svm_vcpu *s,
			      struct svm_cpu *c)
{
	uint64_t host_cr3 = read_cr3();
	enum svm_entry_check check;
	unsigned int tries = 0;
	bool same;

	entry_save(s, v);
	/* Tests only: hand the CPU the host's state that VMRUN saved last
	 * time, exactly what the defective entries leave behind. */
	if (opt_test_bad_entry && c->vmruns && ++s->entries % opt_test_bad_entry == 0)
		s->vmcb->save = ((const struct vmcb *)c->hsave)->save;
	for (;;) {
		/* GIF=0 keeps interrupts off until we are back; with the
		 * host's IF set at VMRUN, a physical interrupt ends guest
		 * execution (INTR). */
		__asm__ __volatile__("clgi; sti" ::: "memory");
		svm_enter(&v->arch.regs, virt_to_phys(s->vmcb),
			  virt_to_phys(c->host_save));
		__asm__ __volatile__("cli; stgi" ::: "memory");
		c->vmruns++;
		/* svm_enter writes the registers other than RAX, RSP, RIP and
		 * RFLAGS, which still hold what was handed over. */
		same = !memcmp(&v->arch.regs, &s->entry.regs, sizeof(v->arch.regs));
		check = svm_check_entry(&s->entry.save, s->vmcb, same, host_cr3,
					(uint64_t)(uintptr_t)svm_vmrun_return);
		if (check == SVM_ENTRY_OK)
			return;
		if (check == SVM_ENTRY_HOST_STATE_LOST) {
			pr_warn("d%uv%u: the CPU left the host's state in the VMCB after "
				"the guest ran: the guest's state is lost (test-bed "
				"defect, docs/SUPPORT.md)\n", v->domain->domid, v->vcpu_id);
			return;
		}
		if (tries++ == ENTRY_RETRIES) {
			pr_warn("d%uv%u: the entry failed the same way %u times in a row: "
				"taken as the guest's own\n", v->domain->domid,
				v->vcpu_id, tries);
			return;
		}
		s->entries_retried++;
		if (domain_may_log(v->domain))
			pr_info("d%uv%u: VM entry retried: the CPU %s without running the "
				"guest (test-bed defect, docs/SUPPORT.md); %lu so far\n",
				v->domain->domid, v->vcpu_id,
				check == SVM_ENTRY_FETCH_SHUTDOWN ?
				"shut down at the first instruction fetch" :
				"left the host's state in the VMCB",
				s->entries_retried);
		entry_restore(s);
	}
}

static void svm_vcpu_run(struct vcpu *v, struct vm_exit *e)
{
	struct svm_vcpu *s = sv(v);
	struct vmcb *vmcb = s->vmcb;
	unsigned int cpu = this_cpu()->id;
	struct svm_cpu *c = svm_cpus[cpu];
	struct tlb_entry tlb;
	uint64_t intinfo;

	/* The ASID and the flush (docs/COHERENCE.md). Guest mode is
	 * announced before the flush request is read: a p2m change on
	 * another CPU then either waits for this entry's exit or its
	 * request is seen here. */
	tlb_guest_enter(v->domain, cpu);
	tlb = tlb_policy_vm_entry(&c->asids, &s->asid, cpu,
				  __atomic_exchange_n(&s->flush, false,
						      __ATOMIC_SEQ_CST));
	vmcb->ctl.asid = s->asid.asid;
	vmcb->ctl.tlb_control = tlb.flush == TLB_FLUSH_ALL ? TLB_CONTROL_FLUSH_ALL :
				tlb.flush == TLB_FLUSH_ASID ? TLB_CONTROL_FLUSH_ASID :
				TLB_CONTROL_NONE;

	if (v->arch.pending.valid && v->arch.pending.type == EVENT_EXTINT) {
		if (s->virq < 0) {
			svm_inject_virq(s, v->arch.pending.vector);
			v->arch.pending.valid = false;
		}
	} else if (v->arch.pending.valid && !(vmcb->ctl.eventinj & EVENT_VALID)) {
		const struct hvm_event *ev = &v->arch.pending;
		if (ev->type == EVENT_EXCEPTION && ev->vector == 14)
			vmcb->save.cr2 = ev->cr2;
		vmcb->ctl.eventinj = ev->vector |
			((uint64_t)ev->type << EVENT_TYPE_SHIFT) | EVENT_VALID |
			(ev->has_error ? EVENT_HAS_ERROR |
			 ((uint64_t)ev->error << 32) : 0);
		v->arch.pending.valid = false;
	}
	/* Moving RIP past an instruction ends its interrupt shadow. */
	if (vmcb->save.rip != v->arch.regs.rip)
		vmcb->ctl.interrupt_shadow = 0;
	vmcb->save.rax = v->arch.regs.rax;
	vmcb->save.rsp = v->arch.regs.rsp;
	vmcb->save.rip = v->arch.regs.rip;
	vmcb->save.rflags = v->arch.regs.rflags;

	svm_enter_checked(v, s, c);
	tlb_guest_exit(cpu);

	v->arch.regs.rax = vmcb->save.rax;
	v->arch.regs.rsp = vmcb->save.rsp;
	v->arch.regs.rip = vmcb->save.rip;
	v->arch.regs.rflags = vmcb->save.rflags;
	vmcb->ctl.tlb_control = TLB_CONTROL_NONE;

	/* The CPU clears V_IRQ when it takes the interrupt. */
	if (s->virq >= 0 && !(vmcb->ctl.vintr & VINTR_V_IRQ))
		s->virq = -1;
	/* An event interrupted by the exit is delivered again next time; an
	 * external interrupt again as a virtual one. */
	intinfo = vmcb->ctl.exitintinfo;
	vmcb->ctl.eventinj = 0;
	if (svm_intinfo_external(intinfo))
		svm_inject_virq(s, (uint8_t)intinfo);
	else if (intinfo & EVENT_VALID)
		vmcb->ctl.eventinj = intinfo;

	snapshot(v, vmcb);
	memset(e, 0, sizeof(*e));
	e->kind = svm_decode_exit(vmcb, svm_features & SVM_FEATURE_NRIPS, e);
	if (e->kind == EXIT_MSR)
		e->msr.index = (uint32_t)v->arch.regs.rcx;
}

static void svm_get_segment(struct vcpu *v, enum x86_segreg sreg,
			    struct segment *out)
{
	struct vmcb_save *st = &sv(v)->vmcb->save;
	/* The save area keeps ES CS SS DS FS GS GDTR LDTR IDTR TR in a row. */
	static const uint8_t slot[] = {
		[SEG_ES] = 0, [SEG_CS] = 1, [SEG_SS] = 2, [SEG_DS] = 3,
		[SEG_FS] = 4, [SEG_GS] = 5, [SEG_GDTR] = 6, [SEG_LDTR] = 7,
		[SEG_IDTR] = 8, [SEG_TR] = 9,
	};
	const struct vmcb_seg *s = &st->es + slot[sreg];

	out->sel = s->sel;
	out->attr = s->attr;
	out->limit = s->limit;
	out->base = s->base;
}

static uint64_t svm_get_cr(struct vcpu *v, unsigned int cr)
{
	struct vmcb_save *st = &sv(v)->vmcb->save;

	switch (cr) {
	case 0: return st->cr0;
	case 2: return st->cr2;
	case 3: return st->cr3;
	case 4: return st->cr4;
	default: return 0;
	}
}

static void svm_set_efer(struct vcpu *v, uint64_t efer)
{
	/* SVME must stay set in the VMCB or VMRUN fails. */
	sv(v)->vmcb->save.efer = efer | EFER_SVME;
	v->arch.snap.efer = efer;
}

static void svm_inject_event(struct vcpu *v, const struct hvm_event *ev)
{
	v->arch.pending = *ev;
	v->arch.pending.valid = true;
}

static bool svm_interruptible(struct vcpu *v)
{
	const struct vmcb_control *ctl = &sv(v)->vmcb->ctl;

	return (v->arch.regs.rflags & RFLAGS_IF) && !(ctl->interrupt_shadow & 1) &&
	       !(ctl->eventinj & EVENT_VALID) && !v->arch.pending.valid &&
	       sv(v)->virq < 0;
}

static bool svm_interrupt_in_flight(struct vcpu *v)
{
	return sv(v)->virq >= 0;
}

static void svm_request_irq_window(struct vcpu *v, bool on)
{
	struct svm_vcpu *s = sv(v);
	struct vmcb_control *ctl = &s->vmcb->ctl;

	/* An interrupt in flight is taken as soon as the window opens: no
	 * exit needed, and its V_IRQ must stay as it is. */
	if (s->virq >= 0)
		return;
	if (on)
		svm_virq_window(ctl);
	else
		svm_virq_clear(ctl);
}

static void svm_set_tsc_offset(struct vcpu *v, int64_t offset)
{
	sv(v)->vmcb->ctl.tsc_offset = (uint64_t)offset;
}

static void svm_set_p2m_root(struct vcpu *v, paddr_t root)
{
	sv(v)->vmcb->ctl.n_cr3 = root;
	__atomic_store_n(&sv(v)->flush, true, __ATOMIC_SEQ_CST);
}

/* From any CPU; sequentially consistent, see tlb_shootdown.c. */
static void svm_flush_guest_tlb(struct vcpu *v)
{
	__atomic_store_n(&sv(v)->flush, true, __ATOMIC_SEQ_CST);
}

static void svm_set_msr_intercept(struct vcpu *v, uint32_t msr, bool rd, bool wr)
{
	uint8_t *pm = sv(v)->msrpm;
	uint32_t base;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr - 0xc0000000u <= 0x1fff)
		base = 0x800;
	else if (msr - 0xc0010000u <= 0x1fff)
		base = 0x1000;
	else
		return; /* always intercepted */
	uint32_t bit = (msr & 0x1fff) * 2;
	uint8_t *byte = pm + base + bit / 8;
	*byte = (uint8_t)((*byte & ~(3u << (bit % 8))) |
			  ((rd ? 1u : 0) << (bit % 8)) |
			  ((wr ? 2u : 0) << (bit % 8)));
}

static void svm_dump(struct vcpu *v)
{
	struct vmcb *vmcb = sv(v)->vmcb;

	printk(LOG_ALWAYS, "  rip %#llx rsp %#llx cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx cpl %u\n",
	       (unsigned long long)v->arch.regs.rip,
	       (unsigned long long)v->arch.regs.rsp,
	       (unsigned long long)vmcb->save.cr0,
	       (unsigned long long)vmcb->save.cr3,
	       (unsigned long long)vmcb->save.cr4,
	       (unsigned long long)vmcb->save.efer, vmcb->save.cpl);
	printk(LOG_ALWAYS, "  fs %#llx gs %#llx kgs %#llx\n",
	       (unsigned long long)vmcb->save.fs.base,
	       (unsigned long long)vmcb->save.gs.base,
	       (unsigned long long)vmcb->save.kernel_gs_base);
}

static const struct hvm_ops svm_ops = {
	.name = "AMD SVM",
	.cpu_up = svm_cpu_up,
	.vcpu_create = svm_vcpu_create,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_reset_pvh = svm_vcpu_reset_pvh,
	.vcpu_reset_sipi = svm_vcpu_reset_sipi,
	.vcpu_set_state = svm_vcpu_set_state,
	.vcpu_run = svm_vcpu_run,
	.get_segment = svm_get_segment,
	.get_cr = svm_get_cr,
	.set_efer = svm_set_efer,
	.inject_event = svm_inject_event,
	.interruptible = svm_interruptible,
	.interrupt_in_flight = svm_interrupt_in_flight,
	.request_irq_window = svm_request_irq_window,
	.set_tsc_offset = svm_set_tsc_offset,
	.set_p2m_root = svm_set_p2m_root,
	.flush_guest_tlb = svm_flush_guest_tlb,
	.set_msr_intercept = svm_set_msr_intercept,
	.dump = svm_dump,
};

const struct hvm_ops *amdv_backend_probe(void)
{
	struct cpuid_regs r = cpuid(0x80000000, 0);

	if (r.eax < 0x8000000a || !(cpuid(0x80000001, 0).ecx & (1u << 2)))
		return NULL;
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return NULL;
	r = cpuid(0x8000000a, 0);
	svm_features = r.edx;
	svm_nr_asids = r.ebx;
	if (!(svm_features & SVM_FEATURE_NPT))
		return NULL;
	iopm = alloc_pages(2); /* 12 KiB used */
	if (!iopm)
		return NULL;
	memset(iopm, 0xff, 4 * PAGE_SIZE);
	pr_info("SVM: nested paging, %u ASIDs; NRIP save %s, VMCB clean bits %s, "
		"flush by ASID %s, decode assists %s\n", svm_nr_asids,
		svm_features & SVM_FEATURE_NRIPS ? "yes" : "no",
		svm_features & SVM_FEATURE_CLEAN ? "yes" : "no",
		svm_features & SVM_FEATURE_FLUSHASID ? "yes" : "no",
		svm_features & SVM_FEATURE_DECODE ? "yes" : "no");
	return &svm_ops;
}
