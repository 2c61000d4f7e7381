/* SPDX-License-Identifier: MIT */
/*
 * hvm_op(cmd, arg) for HVM and PVH guests: reading and writing HVM
 * parameters, the per-vCPU event upcall vector, and a few small sub-ops.
 */
#ifndef PUBLIC_HVM_HVM_OP_H
#define PUBLIC_HVM_HVM_OP_H

#include "../xen.h"
#include "../event_channel.h"

#define HVMOP_set_param 0
#define HVMOP_get_param 1
struct xen_hvm_param {
    domid_t domid;    /* in: DOMID_SELF or a domain ID */
    uint16_t pad;
    uint32_t index;   /* in: HVM_PARAM_* */
    uint64_t value;   /* in (set) or out (get) */
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);

#define HVMOP_flush_tlbs 5

#define HVMOP_pagetable_dying 9
struct xen_hvm_pagetable_dying {
    domid_t domid;
    uint16_t pad[3];
    uint64_t gpa;
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_pagetable_dying_t);

#define HVMOP_get_time 10
struct xen_hvm_get_time {
    uint64_t now;
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_time_t);

#define HVMOP_xentrace 11

#define HVMOP_get_mem_type 15
struct xen_hvm_get_mem_type {
    domid_t domid;
    uint16_t mem_type;  /* out: hvmmem_type_t */
    uint16_t pad[2];
    uint64_t pfn;
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_mem_type_t);

typedef enum {
    HVMMEM_ram_rw,
    HVMMEM_ram_ro,
    HVMMEM_mmio_dm,
    HVMMEM_unused,
    HVMMEM_ioreq_server
} hvmmem_type_t;

/*
 * Deliver this vCPU's event upcall as a LAPIC vector (a per-vCPU
 * alternative to HVM_PARAM_CALLBACK_IRQ's domain-wide vector).
 */
#define HVMOP_set_evtchn_upcall_vector 23
struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_evtchn_upcall_vector_t);

#define HVMOP_guest_request_vm_event 24
#define HVMOP_altp2m                 25

#endif /* PUBLIC_HVM_HVM_OP_H */
