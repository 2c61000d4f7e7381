/* SPDX-License-Identifier: MIT */
/*
 * The register state VCPUOP_initialise takes for an HVM or PVH vCPU: a
 * mode word, then either a 32-bit set (general registers, control
 * registers, EFER and the hidden parts of CS, DS, SS, ES and TR) or a
 * 64-bit set (general and control registers only: the segments are flat
 * long-mode ones). Attribute words use the packed 12-bit form: type(4) S
 * DPL(2) P AVL L D/B G.
 */
#ifndef PUBLIC_HVM_HVM_VCPU_H
#define PUBLIC_HVM_HVM_VCPU_H

#include "../xen.h"

struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;          /* must be 0 */
    uint64_t efer;          /* NXE for paging, LME/LMA for compatibility mode */
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];       /* must be 0 */
};
typedef struct vcpu_hvm_x86_32 xen_vcpu_hvm_x86_32_t;

/* Starts in 64-bit mode: CR0.PG, CR4.PAE and EFER.LME are required. */
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};
typedef struct vcpu_hvm_x86_64 xen_vcpu_hvm_x86_64_t;

struct vcpu_hvm_context {
#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1
    uint32_t mode;
    uint32_t pad;           /* must be 0 */
    union {
        xen_vcpu_hvm_x86_32_t x86_32;
        xen_vcpu_hvm_x86_64_t x86_64;
    } cpu_regs;
};
typedef struct vcpu_hvm_context vcpu_hvm_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_hvm_context_t);

#endif /* PUBLIC_HVM_HVM_VCPU_H */
