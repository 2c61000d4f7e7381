// SPDX-License-Identifier: MIT
/*
 * Event channels (see basalt/event.h). Port state is protected by the
 * domain's event lock; the pending/mask/selector bits live in guest
 * memory and are changed with locked read-modify-writes only, since the
 * guest's vCPUs change them concurrently.
 */
#include <basalt/event.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/hypercall.h>
#include <basalt/mm.h>
#include <basalt/sched.h>
#include <basalt/ipi.h>
#include <basalt/cpu.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/event_channel.h>
#include <public/xen.h>

#define BITS_PER_WORD 64

int evtchn_domain_init(struct domain *d)
{
	d->evtchn = xzalloc_array(struct evtchn, EVTCHN_PORTS);
	if (!d->evtchn)
		return -ENOMEM;
	spin_lock_init(&d->evtchn_lock, "evtchn");
	/* Port 0 is never used (Xen reserves it). */
	d->evtchn[0].state = ECS_BACKEND;
	return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
	xfree(d->evtchn);
	d->evtchn = NULL;
}

static int alloc_port(struct domain *d)
{
	for (int p = 1; p < EVTCHN_PORTS; p++)
		if (d->evtchn[p].state == ECS_FREE)
			return p;
	return -ENOSPC;
}

int evtchn_alloc_backend(struct domain *d, void (*fn)(struct domain *, uint32_t))
{
	uint64_t f = spin_lock_irqsave(&d->evtchn_lock);
	int p = alloc_port(d);

	if (p > 0) {
		d->evtchn[p].state = ECS_BACKEND;
		d->evtchn[p].backend = fn;
		d->evtchn[p].notify_vcpu = 0;
	}
	spin_unlock_irqrestore(&d->evtchn_lock, f);
	return p;
}

void *vcpu_info_ptr(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (v->vcpu_info_registered) {
		paddr_t hpa = p2m_lookup(&d->p2m, v->vcpu_info_gpa, NULL);
		return hpa ? phys_to_virt(hpa) : NULL;
	}
	if (d->shared_info_gfn != ~0ull && v->vcpu_id < XEN_LEGACY_MAX_VCPUS)
		return &((struct shared_info *)d->shared_info)->vcpu_info[v->vcpu_id];
	return NULL;
}

bool evtchn_upcall_pending(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_ptr(v);

	return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->state == VCPU_BLOCKED)
		sched_wake(v);
	else if (v->running && v->processor != this_cpu()->id)
		ipi_send_wakeup(v->processor); /* leave the guest, look again */
}

static bool test_and_set(uint64_t *word, unsigned int bit)
{
	return __atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST) & (1ull << bit);
}

/* The 2-level algorithm: pending bit, mask, selector, upcall flag. */
static void set_pending_on(struct domain *d, uint32_t port, struct vcpu *v)
{
	struct shared_info *si = d->shared_info;
	struct vcpu_info *vi;

	if (d->shared_info_gfn == ~0ull)
		return; /* the guest has not mapped its shared info yet */
	if (test_and_set((uint64_t *)&si->evtchn_pending[port / BITS_PER_WORD],
			 port % BITS_PER_WORD))
		return;
	/* Pollers wait on the pending bit, masked or not. */
	sched_poll_notify(d, port);
	if (__atomic_load_n(&si->evtchn_mask[port / BITS_PER_WORD], __ATOMIC_ACQUIRE) &
	    (1ull << (port % BITS_PER_WORD)))
		return;
	vi = vcpu_info_ptr(v);
	if (!vi || test_and_set((uint64_t *)&vi->evtchn_pending_sel,
				port / BITS_PER_WORD))
		return;
	if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
		vcpu_kick(v);
}

void evtchn_set_pending(struct domain *d, uint32_t port)
{
	struct evtchn *c;

	if (port >= EVTCHN_PORTS || !d->evtchn)
		return;
	c = &d->evtchn[port];
	if (c->notify_vcpu >= d->nr_vcpus)
		return;
	set_pending_on(d, port, d->vcpus[c->notify_vcpu]);
}

bool evtchn_is_pending(struct domain *d, uint32_t port)
{
	struct shared_info *si = d->shared_info;

	if (port >= EVTCHN_PORTS || d->shared_info_gfn == ~0ull)
		return false;
	return __atomic_load_n(&si->evtchn_pending[port / BITS_PER_WORD],
			       __ATOMIC_ACQUIRE) & (1ull << (port % BITS_PER_WORD));
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	int port = virq < NR_VIRQS_BASALT ? v->virq_port[virq] : 0;

	if (port > 0)
		set_pending_on(v->domain, (uint32_t)port, v);
}

/* ---- hypercall sub-operations ---------------------------------------- */

static bool per_vcpu_virq(uint32_t virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG;
}

static long bind_virq(struct vcpu *cur, struct evtchn_bind_virq *b)
{
	struct domain *d = cur->domain;
	struct vcpu *v;
	int p;

	if (b->virq >= NR_VIRQS_BASALT)
		return -EINVAL;
	if (!per_vcpu_virq(b->virq) && b->vcpu != 0)
		return -EINVAL;
	if (b->vcpu >= d->nr_vcpus)
		return -ENOENT;
	v = d->vcpus[b->vcpu];
	if (v->virq_port[b->virq])
		return -EEXIST;
	p = alloc_port(d);
	if (p < 0)
		return p;
	d->evtchn[p] = (struct evtchn){ .state = ECS_VIRQ,
		.notify_vcpu = (uint16_t)b->vcpu, .remote_port = b->virq };
	v->virq_port[b->virq] = p;
	b->port = (uint32_t)p;
	return 0;
}

static long bind_ipi(struct vcpu *cur, struct evtchn_bind_ipi *b)
{
	struct domain *d = cur->domain;
	int p;

	if (b->vcpu >= d->nr_vcpus)
		return -ENOENT;
	p = alloc_port(d);
	if (p < 0)
		return p;
	d->evtchn[p] = (struct evtchn){ .state = ECS_IPI,
		.notify_vcpu = (uint16_t)b->vcpu };
	b->port = (uint32_t)p;
	return 0;
}

static long alloc_unbound(struct vcpu *cur, struct evtchn_alloc_unbound *a)
{
	struct domain *d = cur->domain;
	int p;

	if (a->dom != DOMID_SELF && a->dom != d->domid) {
		if (!domain_by_id(a->dom))
			return -ESRCH;
		return d->is_initial ? -EOPNOTSUPP : -EPERM;
	}
	p = alloc_port(d);
	if (p < 0)
		return p;
	d->evtchn[p] = (struct evtchn){ .state = ECS_UNBOUND,
		.remote_dom = a->remote_dom == DOMID_SELF ? (uint16_t)d->domid :
			      a->remote_dom };
	a->port = (uint32_t)p;
	return 0;
}

static void close_port(struct domain *d, uint32_t port)
{
	struct evtchn *c = &d->evtchn[port];

	if (c->state == ECS_VIRQ && c->notify_vcpu < d->nr_vcpus &&
	    c->remote_port < NR_VIRQS_BASALT)
		d->vcpus[c->notify_vcpu]->virq_port[c->remote_port] = 0;
	*c = (struct evtchn){ 0 };
}

static long status(struct vcpu *cur, struct evtchn_status *s)
{
	struct domain *d = cur->domain;
	struct evtchn *c;

	if (s->dom != DOMID_SELF && s->dom != d->domid)
		return domain_by_id(s->dom) ? -EPERM : -ESRCH;
	if (s->port >= EVTCHN_PORTS)
		return -EINVAL;
	c = &d->evtchn[s->port];
	s->vcpu = c->notify_vcpu;
	if (s->port == 0) {
		s->status = EVTCHNSTAT_closed; /* reserved, never bound */
		return 0;
	}
	switch (c->state) {
	case ECS_FREE: s->status = EVTCHNSTAT_closed; break;
	case ECS_UNBOUND:
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = c->remote_dom;
		break;
	case ECS_BACKEND:
	case ECS_INTERDOMAIN:
		s->status = EVTCHNSTAT_interdomain;
		s->u.interdomain.dom = c->state == ECS_BACKEND ? 0 : c->remote_dom;
		s->u.interdomain.port = c->remote_port;
		break;
	case ECS_VIRQ:
		s->status = EVTCHNSTAT_virq;
		s->u.virq = c->remote_port;
		break;
	case ECS_IPI: s->status = EVTCHNSTAT_ipi; break;
	}
	return 0;
}

static long send(struct vcpu *cur, uint32_t port)
{
	struct domain *d = cur->domain;
	struct evtchn *c;

	if (port >= EVTCHN_PORTS)
		return -EINVAL;
	c = &d->evtchn[port];
	switch (c->state) {
	case ECS_IPI:
		evtchn_set_pending(d, port);
		return 0;
	case ECS_BACKEND:
		if (!c->backend)
			return -EINVAL;
		c->backend(d, port);
		return 0;
	case ECS_INTERDOMAIN: {
		struct domain *r = domain_by_id(c->remote_dom);
		if (r && r->evtchn && c->remote_port < EVTCHN_PORTS)
			evtchn_set_pending(r, c->remote_port);
		return 0;
	}
	case ECS_UNBOUND:
		return 0; /* nobody listens yet: dropped, as in Xen */
	default:
		return -EINVAL;
	}
}

static long unmask(struct vcpu *cur, uint32_t port)
{
	struct domain *d = cur->domain;
	struct shared_info *si = d->shared_info;
	struct evtchn *c;

	if (port >= EVTCHN_PORTS)
		return -EINVAL;
	if (d->shared_info_gfn == ~0ull)
		return 0;
	c = &d->evtchn[port];
	__atomic_fetch_and((uint64_t *)&si->evtchn_mask[port / BITS_PER_WORD],
			   ~(1ull << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
	/* Pending while masked: deliver now (steps 3-4 of the algorithm). */
	if ((__atomic_load_n(&si->evtchn_pending[port / BITS_PER_WORD],
			     __ATOMIC_ACQUIRE) & (1ull << (port % BITS_PER_WORD))) &&
	    c->notify_vcpu < d->nr_vcpus) {
		struct vcpu *v = d->vcpus[c->notify_vcpu];
		struct vcpu_info *vi = vcpu_info_ptr(v);
		if (vi && !test_and_set((uint64_t *)&vi->evtchn_pending_sel,
					port / BITS_PER_WORD) &&
		    !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
					 __ATOMIC_SEQ_CST))
			vcpu_kick(v);
	}
	return 0;
}

static long bind_vcpu(struct vcpu *cur, struct evtchn_bind_vcpu *b)
{
	struct domain *d = cur->domain;
	struct evtchn *c;

	if (b->vcpu >= d->nr_vcpus)
		return -ENOENT;
	if (b->port >= EVTCHN_PORTS || b->port == 0)
		return -EINVAL;
	c = &d->evtchn[b->port];
	switch (c->state) {
	case ECS_VIRQ:
		if (per_vcpu_virq(c->remote_port))
			return -EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_BACKEND:
		break;
	default:
		return -EINVAL; /* IPIs stay with their vCPU */
	}
	/* Delivery really moves: later sends notify the new vCPU. */
	c->notify_vcpu = (uint16_t)b->vcpu;
	return 0;
}

#define EVTCHN_ARG_MAX 24

long do_event_channel_op(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	struct domain *d = v->domain;
	uint64_t arg = h->a[1];
	uint8_t buf[EVTCHN_ARG_MAX];
	size_t size;
	long rc;
	uint64_t f;

	switch (h->a[0]) {
	case EVTCHNOP_bind_virq: size = sizeof(struct evtchn_bind_virq); break;
	case EVTCHNOP_bind_ipi: size = sizeof(struct evtchn_bind_ipi); break;
	case EVTCHNOP_alloc_unbound: size = sizeof(struct evtchn_alloc_unbound); break;
	case EVTCHNOP_close: size = sizeof(struct evtchn_close); break;
	case EVTCHNOP_send: size = sizeof(struct evtchn_send); break;
	case EVTCHNOP_status: size = sizeof(struct evtchn_status); break;
	case EVTCHNOP_bind_vcpu: size = sizeof(struct evtchn_bind_vcpu); break;
	case EVTCHNOP_unmask: size = sizeof(struct evtchn_unmask); break;
	default:
		/* init_control: no FIFO ABI, so Linux uses 2-level; the rest
		 * (interdomain binding, PIRQs, reset) comes with the toolstack. */
		return -ENOSYS;
	}
	BUILD_BUG_ON(sizeof(struct evtchn_status) > EVTCHN_ARG_MAX);
	if (copy_from_guest(v, buf, arg, size))
		return -EFAULT;
	f = spin_lock_irqsave(&d->evtchn_lock);
	switch (h->a[0]) {
	case EVTCHNOP_bind_virq:
		rc = bind_virq(v, (struct evtchn_bind_virq *)buf);
		break;
	case EVTCHNOP_bind_ipi:
		rc = bind_ipi(v, (struct evtchn_bind_ipi *)buf);
		break;
	case EVTCHNOP_alloc_unbound:
		rc = alloc_unbound(v, (struct evtchn_alloc_unbound *)buf);
		break;
	case EVTCHNOP_close: {
		uint32_t port = ((struct evtchn_close *)buf)->port;
		if (port >= EVTCHN_PORTS || port == 0)
			rc = -EINVAL;
		else if (d->evtchn[port].state == ECS_BACKEND ||
			 d->evtchn[port].state == ECS_FREE)
			rc = -EINVAL;
		else {
			close_port(d, port);
			rc = 0;
		}
		break;
	}
	case EVTCHNOP_send:
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		return send(v, ((struct evtchn_send *)buf)->port);
	case EVTCHNOP_status:
		rc = status(v, (struct evtchn_status *)buf);
		break;
	case EVTCHNOP_bind_vcpu:
		rc = bind_vcpu(v, (struct evtchn_bind_vcpu *)buf);
		break;
	case EVTCHNOP_unmask:
		spin_unlock_irqrestore(&d->evtchn_lock, f);
		return unmask(v, ((struct evtchn_unmask *)buf)->port);
	default:
		rc = -ENOSYS;
		break;
	}
	spin_unlock_irqrestore(&d->evtchn_lock, f);
	if (rc == 0 && h->a[0] != EVTCHNOP_close && h->a[0] != EVTCHNOP_bind_vcpu &&
	    copy_to_guest(v, arg, buf, size))
		return -EFAULT;
	return rc;
}
