// SPDX-License-Identifier: MIT
/*
 * xen_version: Basalt reports Xen's 4.17 interface version (guests check
 * it) and its own name and version in extraversion, compile info and
 * changeset. Every fixed-size string output is fully written, NUL padded:
 * no stale bytes reach the guest.
 */
#include <basalt/hypercall.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/options.h>
#include <basalt/version.h>
#include <basalt/lib/string.h>
#include <asm/guest_access.h>
#include <public/version.h>

#define XEN_INTERFACE_VERSION_4_17 0x00040011
#define ENODATA 61

extern char basalt_cmdline[];

static long put_string(struct vcpu *v, uint64_t gva, const char *s, size_t size)
{
	char buf[1024];

	memset(buf, 0, size);
	strlcpy(buf, s, size);
	return copy_to_guest(v, gva, buf, size) ? -EFAULT : 0;
}

static uint32_t feature_submap(struct domain *d, unsigned int idx)
{
	if (idx != 0)
		return 0;
	/* What Basalt does for every guest: writable page tables and
	 * auto-translated physmap (it is HVM), events through a callback
	 * vector, a pvclock safe to use with a stable TSC, no direct map. */
	return 1u << XENFEAT_writable_page_tables |
	       1u << XENFEAT_auto_translated_physmap |
	       1u << XENFEAT_hvm_callback_vector |
	       1u << XENFEAT_hvm_safe_pvclock |
	       1u << XENFEAT_not_direct_mapped |
	       (d->is_initial ? 1u << XENFEAT_dom0 : 0);
}

long do_xen_version(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	uint64_t arg = h->a[1];

	switch (h->a[0] & 0xffffffffu) {
	case XENVER_version:
		return XEN_INTERFACE_VERSION_4_17;
	case XENVER_extraversion:
		return put_string(v, arg, "-basalt-" BASALT_VERSION,
				  sizeof(xen_extraversion_t));
	case XENVER_compile_info: {
		struct xen_compile_info ci;
		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.compiler, "gcc", sizeof(ci.compiler));
		strlcpy(ci.compile_by, "basalt", sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, "Basalt " BASALT_VERSION,
			sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, BASALT_BUILD_INFO, sizeof(ci.compile_date));
		return copy_to_guest(v, arg, &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_capabilities:
		return put_string(v, arg, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
				  sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return put_string(v, arg, "basalt " BASALT_BUILD_INFO,
				  sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters: {
		/* No hypervisor hole in an HVM guest's address space. */
		uint64_t start = 0;
		size_t len = h->compat ? 4 : 8;
		return copy_to_guest(v, arg, &start, len) ? -EFAULT : 0;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;
		if (copy_from_guest(v, &fi, arg, sizeof(fi)))
			return -EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -EINVAL;
		fi.submap = feature_submap(v->domain, fi.submap_idx);
		return copy_to_guest(v, arg, &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle: {
		uint8_t handle[16] = { 0 };
		return copy_to_guest(v, arg, handle, sizeof(handle)) ? -EFAULT : 0;
	}
	case XENVER_commandline:
		if (!v->domain->is_initial)
			return -EPERM;
		return put_string(v, arg, basalt_cmdline, sizeof(xen_commandline_t));
	case XENVER_build_id:
		return -ENODATA;
	default:
		return -ENOSYS;
	}
}
