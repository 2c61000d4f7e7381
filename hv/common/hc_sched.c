// SPDX-License-Identifier: MIT
/* sched_op: yield, block and shutdown (with every reason and code). */
#include <basalt/hypercall.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/sched.h>
#include <asm/guest_access.h>
#include <public/sched.h>
#include <public/xen.h>

long do_sched_op(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	struct domain *d = v->domain;
	uint64_t arg = h->a[1];

	switch (h->a[0] & 0xffffffffu) {
	case SCHEDOP_yield:
		sched_yield(v);
		return 0;
	case SCHEDOP_block:
		/* As Xen: events enabled, and no sleep on one already due. */
		sched_block(v);
		if (arch_vcpu_events_deliverable(v))
			sched_wake(v);
		return 0;
	case SCHEDOP_poll:
		return sched_poll(v, arg, h->compat);
	case SCHEDOP_shutdown: {
		struct sched_shutdown s;
		if (copy_from_guest(v, &s, arg, sizeof(s)))
			return -EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -EINVAL;
		domain_shutdown(d, s.reason);
		return 0;
	}
	case SCHEDOP_shutdown_code: {
		struct sched_shutdown s;
		if (copy_from_guest(v, &s, arg, sizeof(s)))
			return -EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -EINVAL;
		d->shutdown_code = s.reason;
		return 0;
	}
	case SCHEDOP_remote_shutdown: {
		struct sched_remote_shutdown s;
		struct domain *t;
		if (copy_from_guest(v, &s, arg, sizeof(s)))
			return -EFAULT;
		if (!d->is_initial)
			return -EPERM;
		if (s.reason > SHUTDOWN_MAX)
			return -EINVAL;
		t = domain_by_id(s.domain_id);
		if (!t)
			return -ESRCH;
		domain_shutdown(t, s.reason);
		return 0;
	}
	default:
		return -ENOSYS;
	}
}
