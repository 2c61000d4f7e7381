// SPDX-License-Identifier: MIT
/*
 * hvm_op: HVM parameters, with Xen's rules for which a guest may read or
 * set on itself (others: -EPERM) and an index range check (-EINVAL).
 */
#include <basalt/hypercall.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <asm/guest_access.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/xen.h>

BUILD_BUG_ON(HVM_NR_PARAMS > HVM_PARAMS);

/* Parameters a guest may set on itself. */
static bool guest_may_set(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_VM86_TSS:
	case HVM_PARAM_VM86_TSS_SIZED:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
	case HVM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_X87_FIP_WIDTH:
		return true;
	default:
		return false;
	}
}

/* Parameters a guest may read about itself. */
static bool guest_may_get(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_IDENT_PT:
	case HVM_PARAM_PAGING_RING_PFN:
	case HVM_PARAM_MONITOR_RING_PFN:
	case HVM_PARAM_SHARING_RING_PFN:
		return false;
	default:
		return true;
	}
}

static long param_op(struct hypercall_args *h, bool set)
{
	struct vcpu *v = h->v;
	struct xen_hvm_param p;
	struct domain *d;

	if (copy_from_guest(v, &p, h->a[1], sizeof(p)))
		return -EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -EINVAL;
	if (p.domid == DOMID_SELF || p.domid == v->domain->domid)
		d = v->domain;
	else if (!v->domain->is_initial)
		return -EPERM;
	else if (!(d = domain_by_id(p.domid)))
		return -ESRCH;
	if (d == v->domain && !(set ? guest_may_set(p.index) : guest_may_get(p.index)))
		return -EPERM;
	if (set) {
		d->hvm_params[p.index] = p.value;
		return 0;
	}
	p.value = d->hvm_params[p.index];
	return copy_to_guest(v, h->a[1], &p, sizeof(p)) ? -EFAULT : 0;
}

long do_hvm_op(struct hypercall_args *h)
{
	switch (h->a[0]) {
	case HVMOP_set_param:
		return param_op(h, true);
	case HVMOP_get_param:
		return param_op(h, false);
	default:
		return -ENOSYS;
	}
}
