/* SPDX-License-Identifier: MIT */
/*
 * The vCPU interface: what common x86 code asks of a virtualization
 * backend (AMD SVM now, Intel VMX later). A backend turns a raw exit into
 * the vendor-neutral struct vm_exit; all exit *handling* is common code
 * (hvm/exit.c) reached through a table indexed by enum exit_kind. No
 * vendor name appears outside arch/x86/svm and arch/x86/vmx.
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <basalt/types.h>

struct vcpu;
struct domain;

/* Guest general-purpose registers, kept in struct vcpu_arch. */
struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

enum x86_segreg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR,
		  SEG_TR, SEG_GDTR, SEG_IDTR };

/* A segment register with its hidden part; attr in the AMD 12-bit
 * packed form: type(4) S DPL(2) P AVL L D/B G. */
struct segment {
	uint16_t sel;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
};
#define SEG_ATTR_L  (1u << 9)
#define SEG_ATTR_DB (1u << 10)
#define SEG_ATTR_DPL(a) (((a) >> 5) & 3)

/*
 * A vCPU's start state from VCPUOP_initialise, already checked by common
 * code (hvm/vcpu_context.c): general registers, control registers, EFER
 * as the guest sees it (LMA included) and the segments Xen's context sets.
 * The backend loads it as is; everything else gets its reset value.
 */
struct hvm_vcpu_state {
	struct guest_regs regs;
	uint64_t cr0, cr3, cr4;
	uint64_t efer;
	struct segment cs, ds, ss, es, tr;
};

/*
 * The guest's control state at the last exit, read once by the backend
 * when the exit happens: exit handling reads it here instead of calling
 * back into the backend for each register. Valid until the next entry.
 */
struct hvm_snapshot {
	uint64_t cr0, cr3, cr4;
	uint64_t efer;         /* as the guest sees it */
	uint64_t cs_base;
	uint8_t cpl;
	uint8_t mode;          /* code size: 16, 32 or 64 */
};

enum exit_kind {
	EXIT_UNKNOWN,      /* anything Basalt does not handle: crash domain */
	EXIT_INVALID,      /* the CPU refused the guest state */
	EXIT_INTR,         /* physical interrupt: handled by the host */
	EXIT_NMI,
	EXIT_SMI,
	EXIT_INIT,
	EXIT_VINTR,        /* guest can take an interrupt now */
	EXIT_EXCEPTION,    /* intercepted guest exception (#DB, #AC) */
	EXIT_CPUID,
	EXIT_HLT,
	EXIT_IO,
	EXIT_MSR,
	EXIT_NPF,          /* nested page fault */
	EXIT_HYPERCALL,    /* VMMCALL / VMCALL */
	EXIT_SHUTDOWN,     /* triple fault */
	EXIT_UD_INSN,      /* virtualization instructions: inject #UD */
	EXIT_INVD,
	EXIT_WBINVD,
	EXIT_PAUSE,
	EXIT_RDTSC,
	EXIT_XSETBV,
	NR_EXIT_KINDS
};

struct vm_exit {
	enum exit_kind kind;
	uint64_t raw;          /* vendor exit code, for log lines */
	uint64_t next_rip;     /* 0: unknown, decode the instruction */
	union {
		struct {
			uint16_t port;
			uint8_t bytes;      /* 1, 2, 4 */
			uint8_t addr_bits;  /* 16, 32, 64 (string forms) */
			bool in, string, rep;
			enum x86_segreg seg; /* OUTS source segment */
		} io;
		struct {
			uint64_t gpa;
			bool write, fetch, user, present, in_walk;
		} npf;
		struct {
			uint32_t index;
			bool write;
		} msr;
		struct {
			uint8_t vector;
			bool has_error;
			uint32_t error;
		} exc;
	};
};

/* An event to inject at the next entry. */
enum event_type { EVENT_EXTINT = 0, EVENT_NMI = 2, EVENT_EXCEPTION = 3,
		  EVENT_SWINT = 4 };
struct hvm_event {
	bool valid;
	uint8_t vector;
	uint8_t type;
	bool has_error;
	uint32_t error;
	uint64_t cr2;          /* #PF: the faulting address */
};

/* The vendor hooks. Registers other than those in struct guest_regs are
 * reached through get/set_* so common code never sees vendor structures. */
struct hvm_ops {
	const char *name;
	/* Per host CPU: enable the extension; false on failure. */
	bool (*cpu_up)(void);
	int (*vcpu_create)(struct vcpu *v);
	void (*vcpu_destroy)(struct vcpu *v);
	/* PVH start state: 32-bit flat protected mode, paging off. */
	void (*vcpu_reset_pvh)(struct vcpu *v, uint32_t entry, uint32_t ebx);
	/* After INIT and a STARTUP IPI: real mode at vector << 12. */
	void (*vcpu_reset_sipi)(struct vcpu *v, uint8_t vector);
	/* VCPUOP_initialise: load a checked start state into a vCPU that
	 * is down. */
	void (*vcpu_set_state)(struct vcpu *v, const struct hvm_vcpu_state *s);
	/* Enter the guest with interrupts disabled; returns after an exit
	 * with the exit decoded into *e and guest_regs up to date. */
	void (*vcpu_run)(struct vcpu *v, struct vm_exit *e);
	void (*get_segment)(struct vcpu *v, enum x86_segreg s, struct segment *out);
	uint64_t (*get_cr)(struct vcpu *v, unsigned int cr);
	void (*set_efer)(struct vcpu *v, uint64_t efer);
	void (*inject_event)(struct vcpu *v, const struct hvm_event *ev);
	/* Can an external interrupt be injected now (IF set, no interrupt
	 * shadow, no other event queued)? */
	bool (*interruptible)(struct vcpu *v);
	/* An external interrupt has been given to the CPU, which takes it
	 * when the guest's IF allows, and has not been taken yet. */
	bool (*interrupt_in_flight)(struct vcpu *v);
	/* Exit as soon as the guest can take an external interrupt. */
	void (*request_irq_window)(struct vcpu *v, bool on);
	void (*set_tsc_offset)(struct vcpu *v, int64_t offset);
	/* Nested paging: root table of the domain's p2m, and flush of the
	 * guest TLB entries this vCPU may hold. */
	void (*set_p2m_root)(struct vcpu *v, paddr_t root);
	void (*flush_guest_tlb)(struct vcpu *v);
	/* Let the guest read/write this MSR without an exit (or not). */
	void (*set_msr_intercept)(struct vcpu *v, uint32_t msr, bool rd, bool wr);
	void (*dump)(struct vcpu *v);
};

extern const struct hvm_ops *hvm;

/* Nested-page-table format of the backend (used by the common p2m). */
struct p2m_format {
	/* Leaf entry for a 4 KiB (level 1) or 2 MiB (level 2) mapping. */
	uint64_t (*leaf)(paddr_t hpa, unsigned int level, bool r, bool w, bool x);
	uint64_t (*table)(paddr_t table_pa);
	bool (*present)(uint64_t e);
	bool (*is_leaf)(uint64_t e, unsigned int level);
	paddr_t (*addr)(uint64_t e);
	uint64_t owned;   /* software bit: the domain owns this leaf's page(s) */
	bool (*writable)(uint64_t e);
};

/* Choose and start the backend on the boot CPU; false when this CPU
 * cannot run guests (the reason has been printed). */
bool hvm_init(void);
/* Start it on an application processor. */
void hvm_cpu_up(void);
/* Exit statistics (exit_stats.c): count a hypercall; register key 'E'. */
void hvm_count_hypercall(struct vcpu *v, uint64_t nr, uint64_t op);
void hvm_exit_stats_init(void);

/* Backends */
const struct hvm_ops *amdv_backend_probe(void);
extern const struct p2m_format *p2m_fmt;

#endif /* ASM_HVM_H */
