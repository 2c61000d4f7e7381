/* SPDX-License-Identifier: MIT */
/*
 * The x86 half of Xen's public guest ABI: guest handles, the word-sized
 * types, and the per-vCPU and per-domain parts of shared info that differ
 * between 32-bit and 64-bit guests. Included by ../xen.h; not used alone.
 */
#ifndef PUBLIC_ARCH_X86_XEN_H
#define PUBLIC_ARCH_X86_XEN_H

#include <stdint.h>

#if !defined(__i386__) && !defined(__x86_64__)
#error "public/arch-x86/xen.h is for 32-bit and 64-bit x86 only"
#endif

/*
 * On x86 a guest handle is a guest-virtual pointer wrapped in a struct, so
 * handles of different types do not convert silently. It is pointer-sized:
 * 4 bytes in a 32-bit guest, 8 in a 64-bit one (the hypervisor translates).
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type); \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)    XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val) do { (hnd).p = (val); } while (0)
#define set_xen_guest_handle(hnd, val)     set_xen_guest_handle_raw(hnd, val)

/* Word-sized ABI types follow the guest's own word size. */
typedef unsigned long xen_pfn_t;
typedef unsigned long xen_ulong_t;
#define PRI_xen_pfn   "lx"
#define PRIu_xen_pfn  "lu"
#define PRI_xen_ulong "lx"

/* Guests on x86 can mask their event upcall through vcpu_info. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/* shared_info holds vcpu_info for this many vCPUs; more need
 * VCPUOP_register_vcpu_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/* Xen's debug console port for HVM and PVH guests. */
#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

typedef uint64_t tsc_timestamp_t;

/* Padded so that struct vcpu_info is 64 bytes for either word size. */
struct arch_vcpu_info {
    unsigned long cr2;
#ifdef __x86_64__
    unsigned long pad;
#else
    unsigned long pad[5];
#endif
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

struct arch_shared_info {
    unsigned long max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    unsigned long p2m_cr3;
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;
#ifdef __i386__
    /* A 64-bit guest finds this word in struct shared_info itself. */
    uint32_t wc_sec_hi;
#endif
};
typedef struct arch_shared_info arch_shared_info_t;

#ifdef __x86_64__
typedef unsigned long xen_callback_t;
#else
struct xen_callback {
    unsigned long cs;
    unsigned long eip;
};
typedef struct xen_callback xen_callback_t;
#endif

/* One CPUID or MSR value as exchanged with the toolstack. */
typedef struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

typedef struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;
    uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

#endif /* PUBLIC_ARCH_X86_XEN_H */
