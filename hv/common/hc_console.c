// SPDX-License-Identifier: MIT
/*
 * console_io: guests write to the hypervisor console (every domain may,
 * unlike a release build of Xen: see docs/SUPPORT.md). Long writes are
 * done in pieces with continuations.
 */
#include <basalt/hypercall.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <asm/guest_access.h>
#include <public/xen.h>

#define CHUNK 256
#define MAX_PER_CALL (16 * 1024)

long do_console_io(struct hypercall_args *h)
{
	struct vcpu *v = h->v;
	uint64_t cmd = h->a[0] & 0xffffffffu;
	uint64_t count = h->a[1] & 0xffffffffu; /* unsigned int in the ABI */
	uint64_t buf = h->a[2];
	uint64_t done = 0;
	char tmp[CHUNK];

	switch (cmd) {
	case CONSOLEIO_write:
		while (count) {
			size_t n = count > CHUNK ? CHUNK : (size_t)count;
			if (copy_from_guest(v, tmp, buf, n))
				return -EFAULT;
			domain_console_put(v->domain, tmp, n);
			buf += n;
			count -= n;
			done += n;
			if (count && done >= MAX_PER_CALL) {
				h->a[1] = count;
				h->a[2] = buf;
				h->continuation = true;
				return 0;
			}
		}
		return 0;
	case CONSOLEIO_read:
		/* No input is routed to guests through this call yet. */
		return v->domain->is_initial ? 0 : -EPERM;
	default:
		return -ENOSYS;
	}
}
