/* SPDX-License-Identifier: MIT */
/*
 * Event channels, Xen's 2-level ABI: ports per domain bound to a virtual
 * IRQ, an IPI between its vCPUs, another domain's port, or a backend in
 * Basalt itself (the console). Sending sets the port's bit in the shared
 * page and kicks the vCPU it notifies. FIFO is not offered
 * (EVTCHNOP_init_control answers -ENOSYS: Linux then uses 2-level).
 */
#ifndef BASALT_EVENT_H
#define BASALT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;
struct hypercall_args;

#define EVTCHN_PORTS 1024     /* ports per domain */
#define NR_VIRQS_BASALT 24

enum evtchn_state {
	ECS_FREE,
	ECS_UNBOUND,          /* waiting for a remote domain to bind */
	ECS_INTERDOMAIN,
	ECS_VIRQ,
	ECS_IPI,
	ECS_BACKEND,          /* served by Basalt (the console) */
};

struct evtchn {
	uint8_t state;
	uint16_t notify_vcpu;
	uint16_t remote_dom;     /* UNBOUND, INTERDOMAIN */
	uint32_t remote_port;    /* INTERDOMAIN; VIRQ: the virq number */
	void (*backend)(struct domain *d, uint32_t port); /* BACKEND: on send */
};

int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
/* A port for a backend inside Basalt; returns it or a negative errno. */
int evtchn_alloc_backend(struct domain *d, void (*fn)(struct domain *, uint32_t));
/* Mark port pending in d and notify the vCPU it is bound to. */
void evtchn_set_pending(struct domain *d, uint32_t port);
/* Raise a per-vCPU virtual IRQ (VIRQ_TIMER...) if it is bound. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* Does v have an event upcall pending? */
bool evtchn_upcall_pending(struct vcpu *v);
/* The port's pending bit (masked or not). */
bool evtchn_is_pending(struct domain *d, uint32_t port);
/* The vcpu_info v's events go to (registered copy or shared-info slot);
 * NULL if neither is reachable. */
void *vcpu_info_ptr(struct vcpu *v);

long do_event_channel_op(struct hypercall_args *h);

/* Make v notice new work: wake it if blocked, interrupt it if running. */
void vcpu_kick(struct vcpu *v);

#endif /* BASALT_EVENT_H */
