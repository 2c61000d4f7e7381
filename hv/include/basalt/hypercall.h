/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls: the arch entry decodes number and arguments from the
 * guest's registers into struct hypercall_args; the table in
 * common/hypercall.c dispatches. Handlers copy each guest structure in
 * once (copy_from_guest) and validate only that copy.
 */
#ifndef BASALT_HYPERCALL_H
#define BASALT_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

struct hypercall_args {
	struct vcpu *v;
	bool compat;      /* from 32-bit code: 32-bit longs and pointers */
	uint64_t a[6];
	/* Set by a handler that did part of the work: the entry leaves RIP
	 * on the hypercall and writes a[] back, so the guest re-issues it. */
	bool continuation;
};

/* nr is the guest's whole RAX (EAX from 32-bit code): a number with high
 * bits set is unknown, not an alias of a low one. */
long hypercall_dispatch(uint64_t nr, struct hypercall_args *h);

long do_console_io(struct hypercall_args *h);
long do_xen_version(struct hypercall_args *h);
long do_sched_op(struct hypercall_args *h);
long do_memory_op(struct hypercall_args *h);
long do_hvm_op(struct hypercall_args *h);   /* arch */
long do_vcpu_op(struct hypercall_args *h);
long do_grant_table_op(struct hypercall_args *h);
long do_vm_assist(struct hypercall_args *h);
long do_event_channel_op(struct hypercall_args *h);

#endif /* BASALT_HYPERCALL_H */
