/* SPDX-License-Identifier: MIT */
/* x86 instructions and control registers the hypervisor uses directly. */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_EFER          0xc0000080
#define MSR_FS_BASE       0xc0000100
#define MSR_GS_BASE       0xc0000101
#define MSR_APIC_BASE     0x0000001b

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

#define CR0_PE (1ul << 0)
#define CR0_WP (1ul << 16)
#define CR0_PG (1ul << 31)
#define CR4_PAE (1ul << 5)
#define CR4_PGE (1ul << 7)

#define RFLAGS_IF (1ul << 9)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ __volatile__("cpuid"
			     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                              \
	static inline uint64_t read_cr##n(void)                             \
	{                                                                   \
		uint64_t v;                                                 \
		__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));       \
		return v;                                                   \
	}                                                                   \
	static inline void write_cr##n(uint64_t v)                          \
	{                                                                   \
		__asm__ __volatile__("mov %0, %%cr" #n :: "r"(v) : "memory"); \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) :: "memory");
	return f;
}

static inline bool local_irq_is_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}

static inline uint64_t local_irq_save(void)
{
	uint64_t f = read_rflags();
	local_irq_disable();
	return f;
}

static inline void local_irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		local_irq_enable();
}

/* Enable interrupts and halt with no window for a wake-up to be lost:
 * STI's one-instruction shadow covers the HLT. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

static inline void halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

static inline void invlpg(const void *va)
{
	__asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory");
}

/* Flush the whole TLB, global entries included. */
static inline void flush_tlb_local(void)
{
	uint64_t cr4 = read_cr4();
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

#endif /* ASM_CPU_H */
