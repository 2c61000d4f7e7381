/* SPDX-License-Identifier: MIT */
/* Emulating guest instructions: what exits need of the x86 emulator. */
#ifndef ASM_HVM_EMULATE_H
#define ASM_HVM_EMULATE_H

#include <basalt/types.h>

struct vcpu;
struct vm_exit;

/* Move the guest's RIP past the instruction that exited (using the
 * hardware's next RIP when it gives one, else decoding it). Returns false
 * (and has crashed the domain) when the instruction cannot be read. */
bool hvm_skip_insn(struct vcpu *v, const struct vm_exit *e);

/* Emulate the instruction at RIP that touched guest-physical memory with
 * nothing behind it: reads give all ones, writes are dropped. */
void hvm_emulate_hole_access(struct vcpu *v);

/* The guest's code size: 16, 32 or 64. */
unsigned int hvm_code_mode(struct vcpu *v);

/* Inject an exception into v at its next entry. */
void hvm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
			  uint32_t error);
void hvm_inject_gp0(struct vcpu *v);
/* #PF with its error code, CR2 = the faulting linear address. */
void hvm_inject_page_fault(struct vcpu *v, uint32_t pfec, uint64_t cr2);
void hvm_inject_ud(struct vcpu *v);

#endif /* ASM_HVM_EMULATE_H */
