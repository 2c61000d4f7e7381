// SPDX-License-Identifier: MIT
/*
 * Xen's runstate area: a vCPU may register guest memory where the
 * hypervisor keeps its current runstate and the time spent in each, as
 * Linux does for steal time and to see whether another vCPU is preempted.
 * It is rewritten whenever the vCPU starts or stops running, through the
 * vCPU's own page tables (the address is guest-virtual), in the 64-bit or
 * the 32-bit layout the registering guest used.
 */
#include <basalt/domain.h>
#include <basalt/sched.h>
#include <basalt/lib/string.h>
#include <asm/guest_access.h>
#include <public/vcpu.h>

size_t runstate_layout(const struct vcpu_runstate_info *r, bool compat,
		       uint8_t buf[48])
{
	if (compat) {
		/* i386: the 64-bit fields are 4-byte aligned (44 bytes). */
		memcpy(buf, &r->state, 4);
		memcpy(buf + 4, &r->state_entry_time, 8);
		memcpy(buf + 12, r->time, 32);
		return 44;
	}
	memcpy(buf, r, sizeof(*r));
	return sizeof(*r);
}

void runstate_publish(struct vcpu *v)
{
	struct vcpu_runstate_info r;
	uint8_t buf[48];
	size_t len;

	if (!v->runstate_gva)
		return;
	/* The caller holds v's run-queue lock or runs v: no locking here. */
	r.state = (int)v->runstate;
	r.state_entry_time = v->runstate_entry_ns;
	for (unsigned int i = 0; i < 4; i++)
		r.time[i] = v->runstate_time[i];
	len = runstate_layout(&r, v->runstate_compat, buf);
	/* As in Xen, a failed write is not an error: the area is the
	 * guest's to keep mapped. */
	(void)copy_to_guest(v, v->runstate_gva, buf, len);
}
