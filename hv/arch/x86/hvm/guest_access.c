// SPDX-License-Identifier: MIT
/*
 * Copies between the hypervisor and guest memory. Writes to the guest are
 * all-or-nothing: every page is translated and checked before the first
 * byte is written, so a hypercall that fails with -EFAULT leaves the
 * guest's buffer untouched (Xen may leave a prefix written: see
 * docs/SUPPORT.md).
 */
#include <asm/cpu.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/page.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/guest_walk.h>
#include <basalt/lib/string.h>

#define MAX_COPY_PAGES 64   /* 256 KiB: more than any hypercall copies */

int gpa_read(struct domain *d, uint64_t gpa, void *dst, size_t len)
{
	uint8_t *out = dst;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));
		paddr_t hpa = p2m_lookup(&d->p2m, gpa, NULL);

		if (!hpa)
			return -EFAULT;
		memcpy(out, phys_to_virt(hpa), chunk);
		out += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int gpa_write(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	const uint8_t *in = src;

	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & ~PAGE_MASK));
		bool writable = false;
		paddr_t hpa = p2m_lookup(&d->p2m, gpa, &writable);

		if (!hpa || !writable)
			return -EFAULT;
		memcpy(phys_to_virt(hpa), in, chunk);
		in += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

static bool walk_read(void *ctx, uint64_t gpa, void *buf, unsigned int bytes)
{
	return gpa_read(ctx, gpa, buf, bytes) == 0;
}

/* The guest's physical address width and paging features, as its CPUID
 * policy shows them (the host's, filtered): read once. */
static unsigned int guest_maxphyaddr, guest_paging_feat;

static void paging_features(void)
{
	guest_maxphyaddr = cpuid(0x80000008, 0).eax & 0xff;
	guest_paging_feat = GW_FEAT_PSE36 |
		((cpuid(0x80000001, 0).edx & (1u << 26)) ? GW_FEAT_PAGE1GB : 0);
}

int guest_translate(struct vcpu *v, uint64_t gva, bool write, bool user,
		    bool fetch, uint64_t *gpa, uint32_t *pfec)
{
	struct guest_paging p;

	if (!guest_maxphyaddr)
		paging_features();
	p = (struct guest_paging){
		.cr0 = v->arch.snap.cr0, .cr3 = v->arch.snap.cr3,
		.cr4 = v->arch.snap.cr4, .efer = v->arch.snap.efer,
		.rflags = v->arch.regs.rflags,
		.maxphyaddr = guest_maxphyaddr, .feat = guest_paging_feat,
	};
	unsigned int access = (write ? GW_WRITE : 0) | (user ? GW_USER : 0) |
			      (fetch ? GW_FETCH : 0);
	uint64_t size;

	*pfec = 0;
	if (guest_walk(&p, gva, access, walk_read, v->domain, gpa, pfec,
		       &size) != GW_OK)
		return -EFAULT;
	return 0;
}

/* Host addresses of each page piece of [gva, gva+len), checked. */
struct piece {
	paddr_t hpa;
	size_t len;
};

static int translate_range(struct vcpu *v, uint64_t gva, size_t len, bool write,
			   struct piece *pieces, unsigned int *n)
{
	*n = 0;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gva & ~PAGE_MASK));
		uint64_t gpa;
		uint32_t pfec;
		bool writable = false;
		paddr_t hpa;

		if (*n == MAX_COPY_PAGES)
			return -EFAULT;
		if (guest_translate(v, gva, write, false, false, &gpa, &pfec))
			return -EFAULT;
		hpa = p2m_lookup(&v->domain->p2m, gpa, &writable);
		if (!hpa || (write && !writable))
			return -EFAULT;
		pieces[*n].hpa = hpa;
		pieces[*n].len = chunk;
		(*n)++;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	struct piece pieces[MAX_COPY_PAGES];
	unsigned int n;
	uint8_t *out = dst;

	if (translate_range(v, gva, len, false, pieces, &n))
		return -EFAULT;
	for (unsigned int i = 0; i < n; i++) {
		memcpy(out, phys_to_virt(pieces[i].hpa), pieces[i].len);
		out += pieces[i].len;
	}
	return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	struct piece pieces[MAX_COPY_PAGES];
	unsigned int n;
	const uint8_t *in = src;

	if (translate_range(v, gva, len, true, pieces, &n))
		return -EFAULT;
	for (unsigned int i = 0; i < n; i++) {
		memcpy(phys_to_virt(pieces[i].hpa), in, pieces[i].len);
		in += pieces[i].len;
	}
	return 0;
}
