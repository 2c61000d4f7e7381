/* SPDX-License-Identifier: MIT */
/*
 * Reaching guest memory from the hypervisor. Hypercall arguments are
 * guest-virtual addresses: they are translated through the guest's own
 * page tables (in whatever mode it is) and then its p2m, page by page.
 */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H

#include <basalt/types.h>

struct vcpu;
struct domain;

/* 0 or -EFAULT (unmapped, non-canonical, p2m hole). */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, size_t len);
/* 0 or -EFAULT; on -EFAULT nothing at all has been written. */
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, size_t len);

/* Guest-physical access (no guest paging): 0 or -EFAULT for holes and,
 * on writes, read-only mappings. */
int gpa_read(struct domain *d, uint64_t gpa, void *dst, size_t len);
int gpa_write(struct domain *d, uint64_t gpa, const void *src, size_t len);

/* Translate a guest-virtual address of v. Returns 0 and the
 * guest-physical address; -EFAULT with the page-fault error code in *pfec
 * (0 when not a page fault: non-canonical, hole in the tables). */
int guest_translate(struct vcpu *v, uint64_t gva, bool write, bool user,
		    bool fetch, uint64_t *gpa, uint32_t *pfec);

#endif /* ASM_GUEST_ACCESS_H */
