// SPDX-License-Identifier: MIT
/*
 * Choosing the virtualization backend, and running a vCPU once: enter,
 * exit, handle the exit. Also the per-vCPU FPU state, switched by hand
 * because the hypervisor itself never uses the FPU.
 */
#include <asm/cpu.h>
#include <asm/hvm.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/domain.h>
#include <basalt/panic.h>
#include <basalt/sched.h>
#include <basalt/event.h>
#include <basalt/lib/string.h>
#include <asm/vlapic.h>
#include <public/hvm/params.h>

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

const struct hvm_ops *hvm;

void hvm_handle_exit(struct vcpu *v, struct vm_exit *e);

static void fpu_enable(void)
{
	/* FXSAVE/FXRSTOR must reach the SSE state: the guest's state lives in
	 * the physical registers while it runs. */
	write_cr0((read_cr0() | CR0_MP) & ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

bool hvm_init(void)
{
	hvm = amdv_backend_probe();
	if (!hvm) {
		printk(LOG_ALWAYS, "SVM with nested paging not available: "
		       "this CPU cannot run guests\n");
		return false;
	}
	fpu_enable();
	if (!hvm->cpu_up())
		panic("cannot enable %s on CPU 0", hvm->name);
	pr_info("HVM: %s\n", hvm->name);
	hvm_exit_stats_init();
	return true;
}

void hvm_cpu_up(void)
{
	if (!hvm)
		return;
	fpu_enable();
	if (!hvm->cpu_up())
		panic("cannot enable %s on CPU %u", hvm->name, this_cpu()->id);
}

/* The vector of HVM_PARAM_CALLBACK_IRQ when it asks for direct vector
 * delivery (type 2), else 0. */
static uint8_t callback_vector(struct domain *d)
{
	uint64_t cb = d->hvm_params[HVM_PARAM_CALLBACK_IRQ];

	return (cb >> 56) == HVM_PARAM_CALLBACK_TYPE_VECTOR ? (uint8_t)cb : 0;
}

bool hvm_has_pending_interrupt(struct vcpu *v);
bool hvm_has_pending_interrupt(struct vcpu *v)
{
	uint8_t cb = callback_vector(v->domain);

	return (cb && evtchn_upcall_pending(v)) || vlapic_pending(v) >= 0 ||
	       v->arch.vlapic.nmi_pending || hvm->interrupt_in_flight(v);
}

bool arch_vcpu_events_deliverable(struct vcpu *v)
{
	return (v->arch.regs.rflags & RFLAGS_IF) && hvm_has_pending_interrupt(v);
}

/*
 * Before each entry: inject the highest-priority interrupt the guest can
 * take now, or ask for an exit as soon as it can. The event-channel
 * callback vector does not go through the vLAPIC (no IRR/ISR, no EOI) and
 * is level-like: it is injected again as long as the upcall is pending.
 */
static void deliver_interrupts(struct vcpu *v)
{
	uint8_t cb = callback_vector(v->domain);
	int lapic = vlapic_pending(v);
	bool upcall = cb && evtchn_upcall_pending(v);
	struct hvm_event ev = { .valid = true, .type = EVENT_EXTINT };

	if (v->arch.pending.valid)
		return;
	if (v->arch.vlapic.nmi_pending) {
		v->arch.vlapic.nmi_pending = false;
		ev.type = EVENT_NMI;
		ev.vector = 2;
		hvm->inject_event(v, &ev);
		return;
	}
	if (!upcall && lapic < 0) {
		hvm->request_irq_window(v, false);
		return;
	}
	/*
	 * The interrupt-window exit says the guest can take an interrupt now.
	 * Inject even if an STI shadow still shows: QEMU's TCG reports the
	 * window open inside the shadow (a known quirk) and asking again
	 * would loop forever. The STI; HLT idiom stays safe because HLT
	 * exits and does not block while an interrupt is pending.
	 */
	if (!(v->arch.last_exit == EXIT_VINTR && (v->arch.regs.rflags & RFLAGS_IF)) &&
	    !hvm->interruptible(v)) {
		hvm->request_irq_window(v, true);
		return;
	}
	hvm->request_irq_window(v, false);
	if (lapic >= 0 && (!upcall || lapic > cb)) {
		ev.vector = (uint8_t)lapic;
		vlapic_ack(v, ev.vector);
	} else {
		ev.vector = cb;
	}
	hvm->inject_event(v, &ev);
}

void arch_vcpu_run_once(struct vcpu *v)
{
	struct vm_exit e;

	local_irq_disable();
	deliver_interrupts(v);
	hvm->vcpu_run(v, &e);
	v->arch.last_exit = (uint8_t)e.kind;
	v->arch.stats.kind[e.kind]++;
	/* A physical interrupt that ended the guest is taken here. */
	local_irq_enable();
	hvm_handle_exit(v, &e);
}

/* A freshly reset FPU for a vCPU that never ran (FNINIT state with
 * MXCSR's power-on value). */
static void fpu_init_state(struct vcpu *v)
{
	memset(v->arch.fpu, 0, sizeof(v->arch.fpu));
	v->arch.fpu[0] = 0x7f;                /* FCW 0x037f */
	v->arch.fpu[1] = 0x03;
	v->arch.fpu[24] = 0x80;               /* MXCSR 0x1f80 */
	v->arch.fpu[25] = 0x1f;
	v->arch.fpu_initialised = true;
}

void arch_vcpu_load(struct vcpu *v)
{
	if (!v->arch.fpu_initialised)
		fpu_init_state(v);
	__asm__ __volatile__("fxrstor64 %0" :: "m"(v->arch.fpu));
}

void arch_vcpu_save(struct vcpu *v)
{
	__asm__ __volatile__("fxsave64 %0" : "=m"(v->arch.fpu));
}
