// SPDX-License-Identifier: MIT
/*
 * SCHEDOP_poll: block the calling vCPU until one of a set of event
 * channel ports is pending (masked or not: PV spinlocks poll a masked
 * port) or a timeout passes. Senders look for pollers only when the
 * domain has some (d->nr_polling), so the common send path stays cheap.
 */
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/event.h>
#include <basalt/sched.h>
#include <basalt/time.h>
#include <asm/guest_access.h>
#include <public/event_channel.h>
#include <public/xen.h>
#include <basalt/lib/string.h>

static bool any_pending(struct vcpu *v)
{
	for (unsigned int i = 0; i < v->poll_nr; i++)
		if (evtchn_is_pending(v->domain, v->poll_ports[i]))
			return true;
	return false;
}

static void poll_end(struct vcpu *v, bool from_timer)
{
	if (!__atomic_exchange_n(&v->polling, false, __ATOMIC_ACQ_REL))
		return;
	__atomic_fetch_sub(&v->domain->nr_polling, 1, __ATOMIC_ACQ_REL);
	if (!from_timer)
		timer_stop(&v->poll_timer);
	sched_wake(v);
}

static void poll_timeout(void *data)
{
	poll_end(data, true);
}

void sched_poll_init(struct vcpu *v)
{
	timer_init(&v->poll_timer, "vcpu-poll", poll_timeout, v, v->processor);
}

void sched_poll_notify(struct domain *d, uint32_t port)
{
	if (!__atomic_load_n(&d->nr_polling, __ATOMIC_ACQUIRE))
		return;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (!__atomic_load_n(&v->polling, __ATOMIC_ACQUIRE))
			continue;
		/* As Xen: a poll of no ports ends on any event. */
		if (!v->poll_nr)
			poll_end(v, false);
		for (unsigned int j = 0; j < v->poll_nr; j++)
			if (v->poll_ports[j] == port) {
				poll_end(v, false);
				break;
			}
	}
}

long sched_poll(struct vcpu *v, uint64_t arg, bool compat)
{
	uint64_t ports;
	uint32_t nr;
	uint64_t timeout;
	uint8_t raw[24];

	/* struct sched_poll: handle, nr_ports, timeout at 0/8/16 in 64-bit
	 * mode and 0/4/8 for 32-bit guests. */
	if (copy_from_guest(v, raw, arg, compat ? 16 : 24))
		return -EFAULT;
	if (compat) {
		uint32_t p32;
		memcpy(&p32, raw, 4);
		memcpy(&nr, raw + 4, 4);
		memcpy(&timeout, raw + 8, 8);
		ports = p32;
	} else {
		memcpy(&ports, raw, 8);
		memcpy(&nr, raw + 8, 4);
		memcpy(&timeout, raw + 16, 8);
	}
	/* Xen's order of checks, so that errors match. */
	if (nr > SCHED_POLL_MAX)
		return -EINVAL;
	if (arch_vcpu_events_deliverable(v))
		return 0;
	if (nr && copy_from_guest(v, v->poll_ports, ports, nr * sizeof(uint32_t)))
		return -EFAULT;
	for (uint32_t i = 0; i < nr; i++)
		if (v->poll_ports[i] >= EVTCHN_PORTS)
			return -EINVAL;
	v->poll_nr = nr;

	/* Polling first, then look: a send in between sees the poller. */
	__atomic_fetch_add(&v->domain->nr_polling, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&v->polling, true, __ATOMIC_RELEASE);
	sched_block(v);
	if (any_pending(v) || arch_vcpu_events_deliverable(v)) {
		poll_end(v, false);
		return 0;
	}
	if (timeout)
		timer_set(&v->poll_timer, timeout);
	return 0;
}
