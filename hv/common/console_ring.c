// SPDX-License-Identifier: MIT
/*
 * The PV console backend inside Basalt: each domain's console ring page
 * (HVM_PARAM_CONSOLE_PFN) is drained when the guest signals its console
 * port, synchronously, so a guest never spins on a full ring; its bytes
 * become "(dN)" lines. Serial input with the focus on the domain goes
 * into the ring's input side.
 */
#include <basalt/console_ring.h>
#include <basalt/domain.h>
#include <basalt/event.h>
#include <asm/page.h>
#include <public/io/console.h>

static struct xencons_interface *ring(struct domain *d)
{
	paddr_t hpa;
	bool writable;

	if (!d->console_gpa)
		return NULL;
	hpa = p2m_lookup(&d->p2m, d->console_gpa, &writable);
	return hpa && writable ? phys_to_virt(hpa) : NULL;
}

/* Runs when the guest sends on its console port. */
static void drain(struct domain *d, uint32_t port)
{
	struct xencons_interface *r = ring(d);
	uint32_t cons, prod;
	char buf[sizeof(r->out)];
	size_t n = 0;

	if (!r)
		return;
	cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
	prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	/* Indices are the guest's: never trust their distance. */
	if (prod - cons > sizeof(r->out))
		cons = prod - (uint32_t)sizeof(r->out);
	while (cons != prod)
		buf[n++] = r->out[cons++ & (sizeof(r->out) - 1)];
	__atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
	if (n)
		domain_console_put(d, buf, n);
}

int console_ring_setup(struct domain *d, uint64_t gpa)
{
	int port = evtchn_alloc_backend(d, drain);

	if (port < 0)
		return port;
	d->console_gpa = gpa;
	d->console_port = (uint32_t)port;
	return 0;
}

bool console_ring_input(struct domain *d, const char *buf, size_t len)
{
	struct xencons_interface *r = ring(d);
	uint32_t cons, prod;
	size_t i;

	if (!r)
		return false;
	cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
	for (i = 0; i < len && prod - cons < sizeof(r->in); i++)
		r->in[prod++ & (sizeof(r->in) - 1)] = buf[i];
	__atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
	evtchn_set_pending(d, d->console_port);
	return true;
}
