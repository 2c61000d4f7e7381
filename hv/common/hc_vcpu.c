// SPDX-License-Identifier: MIT
/*
 * vcpu_op: starting and stopping vCPUs (initialise, up, down, is_up),
 * where a vCPU's vcpu_info lives, its runstate area, and its one-shot
 * timer (the guest's clock event: VIRQ_TIMER at the deadline).
 */
#include <basalt/hypercall.h>
#include <basalt/arch.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/event.h>
#include <basalt/pvclock.h>
#include <basalt/sched.h>
#include <basalt/time.h>
#include <basalt/lib/string.h>
#include <asm/cpu.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

long do_vcpu_op(struct hypercall_args *h);

static void singleshot_fire(void *data)
{
	struct vcpu *v = data;

	evtchn_send_virq(v, VIRQ_TIMER);
}

void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_init(struct vcpu *v)
{
	timer_init(&v->singleshot, "vcpu-singleshot", singleshot_fire, v,
		   v->processor);
}

/* cur makes the call (its page tables translate arg) for vCPU v. */
static long register_vcpu_info(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *old, *new;
	uint64_t gpa;
	paddr_t hpa;
	bool writable;

	if (copy_from_guest(cur, &r, arg, sizeof(r)))
		return -EFAULT;
	/* Xen's answers: -ENXIO for the offset, rsvd ignored. */
	if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info))
		return -ENXIO;
	if (v->vcpu_info_registered)
		return -EINVAL; /* once per vCPU, as in Xen */
	if (r.mfn >= (1ull << (52 - PAGE_SHIFT)))
		return -EINVAL; /* the shift would wrap to a low address */
	gpa = (r.mfn << PAGE_SHIFT) + r.offset;
	hpa = p2m_lookup(&v->domain->p2m, gpa, &writable);
	if (!hpa || !writable || r.mfn == v->domain->shared_info_gfn)
		return -EINVAL;
	old = vcpu_info_ptr(v);
	new = phys_to_virt(hpa);
	if (old)
		memcpy(new, old, sizeof(*new));
	else
		memset(new, 0, sizeof(*new));
	v->vcpu_info_gpa = gpa;
	v->vcpu_info_registered = true;
	pvclock_update(v->domain, v);
	/* Make the guest rescan everything once at the new place. */
	__atomic_store_n(&new->evtchn_pending_sel, ~0ul, __ATOMIC_SEQ_CST);
	__atomic_store_n(&new->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	vcpu_kick(v);
	return 0;
}

/* VCPUOP_initialise: registers for a vCPU that has never had any; it
 * stays down until VCPUOP_up. Xen reads the argument first (-EFAULT),
 * then refuses a vCPU that has registers (-EEXIST), then checks them. */
static long vcpu_initialise(struct vcpu *cur, struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct vcpu_hvm_context ctx;
	uint64_t f;
	long rc;

	if (copy_from_guest(cur, &ctx, arg, sizeof(ctx)))
		return -EFAULT;
	f = spin_lock_irqsave(&d->lock);
	if (v->initialised) {
		rc = -EEXIST;
	} else {
		rc = arch_vcpu_set_hvm_context(v, &ctx);
		if (!rc)
			v->initialised = true;
	}
	spin_unlock_irqrestore(&d->lock, f);
	return rc;
}

/* VCPUOP_up: -EINVAL without registers; a vCPU already up stays as it
 * is (0). One that just took itself down and is still leaving its CPU
 * simply keeps running. */
static long vcpu_up(struct vcpu *v)
{
	struct domain *d = v->domain;
	uint64_t f = spin_lock_irqsave(&d->lock);
	bool initialised = v->initialised;

	spin_unlock_irqrestore(&d->lock, f);
	if (!initialised)
		return -EINVAL;
	sched_vcpu_up(v);
	return 0;
}

/* VCPUOP_down, any vCPU of the domain (itself included): 0, also for one
 * already down. Taking down the last vCPU that is up powers the domain
 * off, as in Xen. A vCPU that downs itself stops when the call returns
 * and continues after it at the next VCPUOP_up. */
void vcpu_down(struct vcpu *v)
{
	struct domain *d = v->domain;
	bool others_up = false;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (i != v->vcpu_id && d->vcpus[i]->state != VCPU_DOWN)
			others_up = true;
	if (!others_up) {
		domain_shutdown(d, SHUTDOWN_poweroff);
		return;
	}
	if (v->state != VCPU_DOWN)
		sched_vcpu_down(v);
}

long do_vcpu_op(struct hypercall_args *h)
{
	struct vcpu *cur = h->v;
	struct domain *d = cur->domain;
	uint64_t id = h->a[1] & 0xffffffffu;
	uint64_t arg = h->a[2];
	struct vcpu *v;

	if (id >= d->nr_vcpus)
		return -ENOENT;
	v = d->vcpus[id];
	switch (h->a[0] & 0xffffffffu) {
	case VCPUOP_initialise:
		return vcpu_initialise(cur, v, arg);
	case VCPUOP_up:
		return vcpu_up(v);
	case VCPUOP_down:
		vcpu_down(v);
		return 0;
	case VCPUOP_is_up:
		return v->state != VCPU_DOWN;
	case VCPUOP_register_vcpu_info:
		return register_vcpu_info(cur, v, arg);
	case VCPUOP_register_runstate_memory_area: {
		uint64_t gva;
		if (copy_from_guest(cur, &gva, arg, h->compat ? 4 : 8))
			return -EFAULT;
		v->runstate_gva = h->compat ? (uint32_t)gva : gva;
		v->runstate_compat = h->compat;
		/* As Xen: written at once, through the caller's page tables
		 * (a failed write is not an error); then kept up to date by
		 * the scheduler whenever v starts or stops running. */
		if (v->runstate_gva) {
			struct vcpu_runstate_info r;
			uint8_t buf[48];
			size_t len;

			sched_get_runstate(v, &r);
			len = runstate_layout(&r, h->compat, buf);
			(void)copy_to_guest(cur, v->runstate_gva, buf, len);
		}
		return 0;
	}
	case VCPUOP_get_runstate_info: {
		struct vcpu_runstate_info r;
		uint8_t buf[48];
		size_t len;

		sched_get_runstate(v, &r);
		len = runstate_layout(&r, h->compat, buf);
		return copy_to_guest(cur, arg, buf, len) ? -EFAULT : 0;
	}
	case VCPUOP_register_vcpu_time_memory_area: {
		uint64_t gva;
		struct vcpu_info *vi = vcpu_info_ptr(v);
		if (v != cur)
			return -EINVAL;
		if (copy_from_guest(cur, &gva, arg, h->compat ? 4 : 8))
			return -EFAULT;
		if (h->compat)
			gva = (uint32_t)gva;
		/* The record never changes while the TSC rate is constant:
		 * write it once, now (the vDSO reads it from user space).
		 * As in Xen, a failed write is not an error (0 turns it off). */
		if (vi && gva)
			(void)copy_to_guest(cur, gva, &vi->time, sizeof(vi->time));
		return 0;
	}
	case VCPUOP_stop_periodic_timer:
		return 0; /* there is no periodic timer */
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer t;
		if (v != cur)
			return -EINVAL;
		if (copy_from_guest(cur, &t, arg, sizeof(t)))
			return -EFAULT;
		/* A deadline in the past fires at once, VCPU_SSHOTTMR_future
		 * or not: Xen 4.17 ignores the flag (no -ETIME). */
		timer_set(&v->singleshot, t.timeout_abs_ns);
		return 0;
	}
	case VCPUOP_stop_singleshot_timer:
		if (v != cur)
			return -EINVAL;
		timer_stop(&v->singleshot);
		return 0;
	default:
		return -ENOSYS;
	}
}
