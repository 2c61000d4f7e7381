/* SPDX-License-Identifier: MIT */
/*
 * The guest test runtime's interface for tests: result reporting, the
 * hypercall page and wrappers, faults a test expects, CPU helpers, and (in
 * the 64-bit runtime) the scratch mapping window and CPL 3 calls. A test
 * provides test_main(); the runtime shuts the domain down when it returns.
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/xen.h"
#include "public/errno.h"
#include "public/sched.h"
#include "public/version.h"
#include "public/arch-x86/hvm/start_info.h"
#include "layout.h"

/* --- what a test provides -------------------------------------------- */
void test_main(void);

/* --- reporting: BEGIN n, one PASS/FAIL/SKIP line per case, END ---------- */
void rt_begin(unsigned int ncases);
/* Report case `name`: PASS when got == want (inverted under TEST_MUTATE). */
bool check_eq(const char *name, uint64_t got, uint64_t want);
/* check_eq(name, cond, 1), printing detail as the result detail. */
bool check_true(const char *name, bool cond, const char *detail);
void rt_skip(const char *name, const char *why);
void rt_end(void);

/* --- console ----------------------------------------------------------- */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Write len bytes: console_io, or port 0xE9 once console_io said -EPERM. */
void rt_console_write(const char *s, size_t len);
extern bool rt_console_via_e9;

/* --- start of day ------------------------------------------------------ */
extern const struct hvm_start_info *rt_start_info;
/* End of the highest RAM range in the start info's memory map. */
uint64_t rt_ram_end(void);

/* --- hypercalls -------------------------------------------------------- */
extern uint8_t rt_hypercall_page[4096];
extern uint32_t rt_xen_base;      /* CPUID leaf of the Xen signature, 0 if none */
long rt_hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
                  unsigned long a3, unsigned long a4, unsigned long a5);

static inline long hypercall_xen_version(int cmd, void *arg)
{
    return rt_hypercall(__HYPERVISOR_xen_version, (unsigned long)cmd,
                        (unsigned long)arg, 0, 0, 0);
}

static inline long hypercall_console_io(int cmd, unsigned int count,
                                        const void *buf)
{
    return rt_hypercall(__HYPERVISOR_console_io, (unsigned long)cmd, count,
                        (unsigned long)buf, 0, 0);
}

static inline long hypercall_sched_op(int cmd, void *arg)
{
    return rt_hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd,
                        (unsigned long)arg, 0, 0, 0);
}

static inline long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return rt_hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg,
                        0, 0, 0);
}

static inline long hypercall_hvm_op(unsigned int op, void *arg)
{
    return rt_hypercall(__HYPERVISOR_hvm_op, op, (unsigned long)arg, 0, 0, 0);
}

/* SCHEDOP_shutdown with reason; returns only if the hypervisor refused. */
long rt_shutdown(unsigned int reason);

/* --- faults ------------------------------------------------------------- */
struct exinfo {
    int vector;                   /* -1: fn returned without a fault */
    unsigned long error_code;
    unsigned long ip;             /* where the fault happened */
    unsigned long cr2;            /* for #PF */
};
/* Run fn(arg); a CPU exception in it ends it and is returned, not fatal. */
struct exinfo run_expecting_fault(void (*fn)(void *), void *arg);

#define EXC_DE 0
#define EXC_BP 3
#define EXC_UD 6
#define EXC_GP 13
#define EXC_PF 14

/* --- CPU helpers -------------------------------------------------------- */
struct cpuid_regs { uint32_t a, b, c, d; };

static inline struct cpuid_regs rt_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rt_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void rt_wrmsr(uint32_t msr, uint64_t val)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)val),
                     "d"((uint32_t)(val >> 32)) : "memory");
}

static inline void rt_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t rt_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* --- small library ------------------------------------------------------ */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);

#ifdef __x86_64__
/* --- 64-bit only: the scratch window and CPL 3 ------------------------- */
/* Map scratch page `slot` to gpa with PTE flags (PTE_P...); 0 unmaps. */
void *rt_scratch_map(unsigned int slot, uint64_t gpa, uint64_t flags);
/* Run fn(arg) at CPL 3 on a user stack; returns its result. */
long rt_run_user(long (*fn)(void *), void *arg);
#endif

#endif
