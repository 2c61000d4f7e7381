// SPDX-License-Identifier: MIT
/* The hypercall table: every number not listed answers -ENOSYS. */
#include <basalt/hypercall.h>
#include <basalt/errno.h>
#include <public/xen.h>

typedef long (*hypercall_fn)(struct hypercall_args *h);

static const hypercall_fn table[] = {
	[__HYPERVISOR_memory_op] = do_memory_op,
	[__HYPERVISOR_xen_version] = do_xen_version,
	[__HYPERVISOR_console_io] = do_console_io,
	[__HYPERVISOR_sched_op] = do_sched_op,
	[__HYPERVISOR_hvm_op] = do_hvm_op,
	[__HYPERVISOR_vcpu_op] = do_vcpu_op,
	[__HYPERVISOR_grant_table_op] = do_grant_table_op,
	[__HYPERVISOR_event_channel_op] = do_event_channel_op,
};

long hypercall_dispatch(uint64_t nr, struct hypercall_args *h)
{
	if (nr >= sizeof(table) / sizeof(table[0]) || !table[nr])
		return -ENOSYS;
	return table[nr](h);
}
