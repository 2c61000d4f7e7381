// SPDX-License-Identifier: MIT
/*
 * memory_op: mapping the shared-info page (XENMEM_add_to_physmap) and the
 * domain's memory map (XENMEM_memory_map). Structures differ between 32-
 * and 64-bit callers (xen_ulong_t, guest handles): both are read here.
 */
#include <basalt/hypercall.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/pvclock.h>
#include <basalt/lib/string.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/memory.h>
#include <public/xen.h>

/* arch: the domain's E820-style map */
unsigned int arch_domain_memory_map(struct domain *d, void *buf,
				    unsigned int max_entries);

paddr_t grant_frame(struct domain *d, uint64_t idx);

/*
 * Put the hypervisor page hpa at gfn. The RAM page there (if any) goes
 * back to the hypervisor; *old_gfn, when it names another place where the
 * page was mapped before, is unmapped (a page appears once).
 */
static long map_special(struct domain *d, uint64_t gfn, paddr_t hpa,
			uint64_t *old_gfn)
{
	bool owned;
	paddr_t old;
	int rc;
	uint64_t f = spin_lock_irqsave(&d->lock);

	old = p2m_unmap_page(&d->p2m, gfn, &owned);
	if (old && owned)
		p2m_release_page(&d->p2m, old);
	if (*old_gfn != ~0ull && *old_gfn != gfn)
		p2m_unmap_page(&d->p2m, *old_gfn, &owned);
	rc = p2m_map_page(&d->p2m, gfn, hpa, P2M_R | P2M_W);
	if (!rc)
		*old_gfn = gfn;
	spin_unlock_irqrestore(&d->lock, f);
	/* No flush here: p2m_unmap_page flushed what it removed, and a new
	 * mapping needs none (docs/COHERENCE.md). */
	return rc;
}

static long map_shared_info(struct domain *d, uint64_t gfn)
{
	long rc = map_special(d, gfn, virt_to_phys(d->shared_info),
			      &d->shared_info_gfn);

	if (rc)
		return rc;
	/* Valid the moment it is mapped: Linux reads the clock at once. */
	pvclock_set_wallclock(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		pvclock_update(d, d->vcpus[i]);
	return 0;
}

static long map_grant_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
	paddr_t hpa;

	if (idx & XENMAPIDX_grant_table_status)
		return -EINVAL; /* status frames exist only in version 2 */
	if (idx >= GRANT_FRAMES_MAX)
		return -EINVAL;
	hpa = grant_frame(d, idx);
	if (!hpa)
		return -ENOMEM;
	return map_special(d, gfn, hpa, &d->grant_frame_gfn[idx]);
}

static long add_to_physmap(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	uint16_t domid;
	uint32_t space;
	uint64_t idx, gpfn;

	if (h->compat) {
		struct { uint16_t domid, size; uint32_t space, idx, gpfn; } a;
		if (copy_from_guest(v, &a, h->a[1], sizeof(a)))
			return -EFAULT;
		domid = a.domid;
		space = a.space;
		idx = a.idx;
		gpfn = a.gpfn;
	} else {
		struct xen_add_to_physmap a;
		if (copy_from_guest(v, &a, h->a[1], sizeof(a)))
			return -EFAULT;
		domid = a.domid;
		space = a.space;
		idx = a.idx;
		gpfn = a.gpfn;
	}
	if (domid != DOMID_SELF && domid != v->domain->domid)
		return -ESRCH;
	if (gpfn >= (1ull << (48 - PAGE_SHIFT)))
		return -EINVAL;
	switch (space) {
	case XENMAPSPACE_shared_info:
		if (idx != 0)
			return -EINVAL;
		return map_shared_info(v->domain, gpfn);
	case XENMAPSPACE_grant_table:
		return map_grant_frame(v->domain, idx, gpfn);
	case XENMAPSPACE_gmfn:
	case XENMAPSPACE_gmfn_range:
	case XENMAPSPACE_gmfn_foreign:
	case XENMAPSPACE_dev_mmio:
		return -EOPNOTSUPP;
	default:
		return -EINVAL; /* no such space (Xen's answer) */
	}
}

static long memory_map(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	uint8_t entries[32 * 20];
	uint32_t nr;
	uint64_t buffer;
	unsigned int n;

	if (h->compat) {
		struct { uint32_t nr_entries, buffer; } m;
		if (copy_from_guest(v, &m, h->a[1], sizeof(m)))
			return -EFAULT;
		nr = m.nr_entries;
		buffer = m.buffer;
	} else {
		struct { uint32_t nr_entries, pad; uint64_t buffer; } m;
		if (copy_from_guest(v, &m, h->a[1], sizeof(m)))
			return -EFAULT;
		nr = m.nr_entries;
		buffer = m.buffer;
	}
	n = arch_domain_memory_map(v->domain, entries, 32);
	if (nr < n)
		n = nr;
	if (copy_to_guest(v, buffer, entries, (size_t)n * 20))
		return -EFAULT;
	nr = n;
	if (copy_to_guest(v, h->a[1], &nr, sizeof(nr)))
		return -EFAULT;
	return 0;
}

long do_memory_op(struct hypercall_args *h)
{
	/* The low bits are the command; the rest is a continuation start. */
	switch (h->a[0] & 0x3f) { /* MEMOP_CMD_MASK */
	case XENMEM_add_to_physmap:
		return add_to_physmap(h);
	case XENMEM_memory_map:
		return memory_map(h);
	default:
		return -ENOSYS;
	}
}
