/* SPDX-License-Identifier: MIT */
/* The VMCB (AMD APM vol. 2, appendix B): control area and save area. */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <basalt/compiler.h>
#include <stdint.h>

struct vmcb_seg {
	uint16_t sel;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
} __packed;

struct vmcb_control {
	uint32_t intercept_cr;        /* 0x000: reads 0-15, writes 16-31 */
	uint32_t intercept_dr;        /* 0x004 */
	uint32_t intercept_exceptions;/* 0x008 */
	uint32_t intercept_misc1;     /* 0x00c */
	uint32_t intercept_misc2;     /* 0x010 */
	uint32_t intercept_misc3;     /* 0x014 */
	uint8_t reserved1[0x03c - 0x018];
	uint16_t pause_filter_thresh; /* 0x03c */
	uint16_t pause_filter_count;  /* 0x03e */
	uint64_t iopm_base_pa;        /* 0x040 */
	uint64_t msrpm_base_pa;       /* 0x048 */
	uint64_t tsc_offset;          /* 0x050 */
	uint32_t asid;                /* 0x058 */
	uint8_t tlb_control;          /* 0x05c */
	uint8_t reserved2[3];
	uint64_t vintr;               /* 0x060: V_TPR, V_IRQ, masking... */
	uint64_t interrupt_shadow;    /* 0x068 */
	uint64_t exitcode;            /* 0x070 */
	uint64_t exitinfo1;           /* 0x078 */
	uint64_t exitinfo2;           /* 0x080 */
	uint64_t exitintinfo;         /* 0x088 */
	uint64_t np_enable;           /* 0x090 */
	uint64_t avic_apic_bar;       /* 0x098 */
	uint64_t ghcb_pa;             /* 0x0a0 */
	uint64_t eventinj;            /* 0x0a8 */
	uint64_t n_cr3;               /* 0x0b0 */
	uint64_t lbr_virt;            /* 0x0b8 */
	uint32_t clean_bits;          /* 0x0c0 */
	uint32_t reserved3;
	uint64_t next_rip;            /* 0x0c8 */
	uint8_t insn_len;             /* 0x0d0 */
	uint8_t insn_bytes[15];
	uint8_t reserved4[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x000 */
	uint8_t reserved1[0x0cb - 0x0a0];
	uint8_t cpl;                  /* 0x0cb */
	uint32_t reserved2;
	uint64_t efer;                /* 0x0d0 */
	uint8_t reserved3[0x148 - 0x0d8];
	uint64_t cr4;                 /* 0x148 */
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;
	uint64_t rip;                 /* 0x178 */
	uint8_t reserved4[0x1d8 - 0x180];
	uint64_t rsp;                 /* 0x1d8 */
	uint8_t reserved5[0x1f8 - 0x1e0];
	uint64_t rax;                 /* 0x1f8 */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;                 /* 0x240 */
	uint8_t reserved6[0x268 - 0x248];
	uint64_t g_pat;               /* 0x268 */
	uint64_t dbgctl;
	uint64_t br_from, br_to, last_excp_from, last_excp_to;
} __packed;

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
	uint8_t pad[4096 - 0x400 - sizeof(struct vmcb_save)];
} __packed;

BUILD_BUG_ON(sizeof(struct vmcb_control) != 0x400);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, cpl) != 0x0cb);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, efer) != 0x0d0);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, cr4) != 0x148);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, rsp) != 0x1d8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, rax) != 0x1f8);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, cr2) != 0x240);
BUILD_BUG_ON(__builtin_offsetof(struct vmcb_save, g_pat) != 0x268);
BUILD_BUG_ON(sizeof(struct vmcb) != 4096);

/* intercept_misc1 */
#define INTERCEPT_INTR     (1u << 0)
#define INTERCEPT_NMI      (1u << 1)
#define INTERCEPT_SMI      (1u << 2)
#define INTERCEPT_INIT     (1u << 3)
#define INTERCEPT_VINTR    (1u << 4)
#define INTERCEPT_RDTSC    (1u << 14)
#define INTERCEPT_CPUID    (1u << 18)
#define INTERCEPT_INVD     (1u << 22)
#define INTERCEPT_PAUSE    (1u << 23)
#define INTERCEPT_HLT      (1u << 24)
#define INTERCEPT_INVLPGA  (1u << 26)
#define INTERCEPT_IOIO     (1u << 27)
#define INTERCEPT_MSR      (1u << 28)
#define INTERCEPT_SHUTDOWN (1u << 31)
/* intercept_misc2 */
#define INTERCEPT_VMRUN    (1u << 0)
#define INTERCEPT_VMMCALL  (1u << 1)
#define INTERCEPT_VMLOAD   (1u << 2)
#define INTERCEPT_VMSAVE   (1u << 3)
#define INTERCEPT_STGI     (1u << 4)
#define INTERCEPT_CLGI     (1u << 5)
#define INTERCEPT_SKINIT   (1u << 6)
#define INTERCEPT_RDTSCP   (1u << 7)
#define INTERCEPT_ICEBP    (1u << 8)
#define INTERCEPT_WBINVD   (1u << 9)
#define INTERCEPT_MONITOR  (1u << 10)
#define INTERCEPT_MWAIT    (1u << 11)
#define INTERCEPT_MWAIT_C  (1u << 12)
#define INTERCEPT_XSETBV   (1u << 13)

/* vintr */
#define VINTR_V_IRQ        (1ull << 8)
#define VINTR_PRIO_SHIFT   16
#define VINTR_IGN_TPR      (1ull << 20)
#define VINTR_MASKING      (1ull << 24)

/* eventinj / exitintinfo */
#define EVENT_VALID        (1ull << 31)
#define EVENT_HAS_ERROR    (1ull << 11)
#define EVENT_TYPE_SHIFT   8

#define TLB_CONTROL_NONE      0
#define TLB_CONTROL_FLUSH_ALL 1
#define TLB_CONTROL_FLUSH_ASID 3  /* this guest's ASID only (FlushByAsid) */

/* exit codes */
#define VMEXIT_CR0_READ    0x000
#define VMEXIT_EXCP_BASE   0x040
#define VMEXIT_INTR        0x060
#define VMEXIT_NMI         0x061
#define VMEXIT_SMI         0x062
#define VMEXIT_INIT        0x063
#define VMEXIT_VINTR       0x064
#define VMEXIT_RDTSC       0x06e
#define VMEXIT_CPUID       0x072
#define VMEXIT_INVD        0x076
#define VMEXIT_PAUSE       0x077
#define VMEXIT_HLT         0x078
#define VMEXIT_INVLPGA     0x07a
#define VMEXIT_IOIO        0x07b
#define VMEXIT_MSR         0x07c
#define VMEXIT_SHUTDOWN    0x07f
#define VMEXIT_VMRUN       0x080
#define VMEXIT_VMMCALL     0x081
#define VMEXIT_VMLOAD      0x082
#define VMEXIT_VMSAVE      0x083
#define VMEXIT_STGI        0x084
#define VMEXIT_CLGI        0x085
#define VMEXIT_SKINIT      0x086
#define VMEXIT_RDTSCP      0x087
#define VMEXIT_ICEBP       0x088
#define VMEXIT_WBINVD      0x089
#define VMEXIT_MONITOR     0x08a
#define VMEXIT_MWAIT       0x08b
#define VMEXIT_MWAIT_C     0x08c
#define VMEXIT_XSETBV      0x08d
#define VMEXIT_NPF         0x400
#define VMEXIT_INVALID     ((uint64_t)-1)

#endif /* SVM_VMCB_H */
