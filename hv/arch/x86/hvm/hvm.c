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
#include <basalt/lib/string.h>

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

void arch_vcpu_run_once(struct vcpu *v)
{
	struct vm_exit e;

	local_irq_disable();
	hvm->vcpu_run(v, &e);
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
