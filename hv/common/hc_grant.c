// SPDX-License-Identifier: MIT
/*
 * grant_table_op, the setup part: version 1 tables whose frames the guest
 * maps with XENMEM_add_to_physmap(XENMAPSPACE_grant_table). Mapping and
 * copying grants between domains come with the PV backends.
 */
#include <basalt/hypercall.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/mm.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/grant_table.h>
#include <public/xen.h>

long do_grant_table_op(struct hypercall_args *h);
paddr_t grant_frame(struct domain *d, uint64_t idx);
void grant_table_destroy(struct domain *d);

/* The host page of grant frame idx, allocated on first use; 0 if idx is
 * out of range or memory ran out. */
paddr_t grant_frame(struct domain *d, uint64_t idx)
{
	if (idx >= GRANT_FRAMES_MAX)
		return 0;
	if (!d->grant_frames[idx]) {
		d->grant_frames[idx] = alloc_page();
		if (!d->grant_frames[idx])
			return 0;
	}
	if (d->grant_nr_frames <= idx)
		d->grant_nr_frames = (unsigned int)idx + 1;
	return virt_to_phys(d->grant_frames[idx]);
}

void grant_table_destroy(struct domain *d)
{
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		free_page(d->grant_frames[i]);
}

static bool self(struct domain *d, domid_t dom)
{
	return dom == DOMID_SELF || dom == d->domid;
}

long do_grant_table_op(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	struct domain *d = v->domain;
	uint64_t arg = h->a[1];
	uint32_t count = (uint32_t)h->a[2];

	switch (h->a[0] & 0xffffffffu) {
	case GNTTABOP_query_size: {
		struct gnttab_query_size q;
		if (count != 1)
			return -EINVAL;
		if (copy_from_guest(v, &q, arg, sizeof(q)))
			return -EFAULT;
		if (!self(d, q.dom)) {
			q.status = domain_by_id(q.dom) ? GNTST_permission_denied :
							 GNTST_bad_domain;
		} else {
			/* Never 0 frames: Linux sizes its table from this. */
			q.nr_frames = d->grant_nr_frames ? d->grant_nr_frames : 1;
			q.max_nr_frames = GRANT_FRAMES_MAX;
			q.status = GNTST_okay;
		}
		return copy_to_guest(v, arg, &q, sizeof(q)) ? -EFAULT : 0;
	}
	case GNTTABOP_set_version: {
		struct gnttab_set_version s;
		/* Xen ignores count for set_version and get_version. */
		if (copy_from_guest(v, &s, arg, sizeof(s)))
			return -EFAULT;
		if (s.version != 1) {
			s.version = 1;
			copy_to_guest(v, arg, &s, sizeof(s));
			return -EINVAL; /* only version 1 */
		}
		return 0;
	}
	case GNTTABOP_get_version: {
		struct gnttab_get_version g;
		if (copy_from_guest(v, &g, arg, sizeof(g)))
			return -EFAULT;
		if (!self(d, g.dom))
			return domain_by_id(g.dom) ? -EPERM : -ESRCH;
		g.version = 1;
		return copy_to_guest(v, arg, &g, sizeof(g)) ? -EFAULT : 0;
	}
	default:
		return -ENOSYS;
	}
}
