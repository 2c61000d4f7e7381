// SPDX-License-Identifier: MIT
/*
 * Guest port I/O. Every port exits; port 0xE9 is Xen's debug console,
 * 0x42/0x43/0x61 are PIT channel 2 (vpit.c), the ACPI sleep and reset
 * registers are Basalt's; every other port is unowned: reads give all
 * ones and writes are dropped. String forms (INS/OUTS, REP) move data through the guest's
 * page tables, a bounded number of iterations per exit so that a huge
 * count cannot hold the CPU.
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/hvm_emulate.h>
#include <basalt/domain.h>
#include <basalt/spinlock.h>
#include <basalt/time.h>
#include <public/sched.h>
#include "acpi_build.h"

#define DEBUG_CONSOLE_PORT 0xe9
#define MAX_REPS_PER_EXIT  4096
#define RFLAGS_DF (1ull << 10)

void hvm_io_exit(struct vcpu *v, struct vm_exit *e);

static uint32_t port_read(struct vcpu *v, uint16_t port, unsigned int bytes)
{
	if (bytes == 1) {
		struct domain *d = v->domain;
		uint64_t f = spin_lock_irqsave(&d->arch.pit_lock);
		uint8_t val;
		bool pit = vpit_read(&d->arch.pit, port, now_ns(), &val);

		spin_unlock_irqrestore(&d->arch.pit_lock, f);
		if (pit)
			return val;
	}
	if (port == ACPI_SLEEP_STATUS_PORT)
		return 0x80; /* WAK_STS: the guest never sleeps and wakes */
	return bytes == 4 ? 0xffffffffu : (1u << (8 * bytes)) - 1;
}

static void port_write(struct vcpu *v, uint16_t port, unsigned int bytes,
		       uint32_t val)
{
	if (bytes == 1) {
		struct domain *d = v->domain;
		uint64_t f = spin_lock_irqsave(&d->arch.pit_lock);
		bool pit = vpit_write(&d->arch.pit, port, now_ns(), (uint8_t)val);

		spin_unlock_irqrestore(&d->arch.pit_lock, f);
		if (pit)
			return;
	}
	/* The hardware-reduced sleep control register of the guest's FADT:
	 * SLP_EN with the \_S5 sleep type is a power-off. */
	if (port == ACPI_SLEEP_CONTROL_PORT && (val & ACPI_SLP_EN)) {
		if (((val >> 2) & 7) == ACPI_S5_SLP_TYP)
			domain_shutdown(v->domain, SHUTDOWN_poweroff);
		return;
	}
	if (port == ACPI_RESET_PORT && (uint8_t)val == ACPI_RESET_VALUE) {
		domain_shutdown(v->domain, SHUTDOWN_reboot);
		return;
	}
	if (port == DEBUG_CONSOLE_PORT) {
		char c[4];
		for (unsigned int i = 0; i < bytes; i++)
			c[i] = (char)(val >> (8 * i));
		domain_console_put(v->domain, c, bytes);
	}
}

static uint64_t addr_mask(unsigned int bits)
{
	return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static uint64_t seg_base(struct vcpu *v, enum x86_segreg s, unsigned int mode)
{
	struct segment sr;

	if (mode == 64 && s != SEG_FS && s != SEG_GS)
		return 0;
	hvm->get_segment(v, s, &sr);
	return sr.base;
}

/* Returns false when a fault was injected (RIP must not move). */
static bool string_io(struct vcpu *v, struct vm_exit *e)
{
	struct guest_regs *r = &v->arch.regs;
	unsigned int mode = hvm_code_mode(v);
	uint64_t mask = addr_mask(e->io.addr_bits);
	uint64_t count = e->io.rep ? (r->rcx & mask) : 1;
	uint64_t *index = e->io.in ? &r->rdi : &r->rsi;
	enum x86_segreg seg = e->io.in ? SEG_ES : e->io.seg;
	int64_t step = (r->rflags & RFLAGS_DF) ? -(int64_t)e->io.bytes : e->io.bytes;
	uint64_t base = seg_base(v, seg, mode);
	unsigned int done = 0;

	while (count && done < MAX_REPS_PER_EXIT) {
		uint64_t la = base + (*index & mask);
		uint32_t val = 0;
		int rc;

		if (mode != 64)
			la = (uint32_t)la;
		if (e->io.in) {
			val = port_read(v, e->io.port, e->io.bytes);
			rc = copy_to_guest(v, la, &val, e->io.bytes);
		} else {
			rc = copy_from_guest(v, &val, la, e->io.bytes);
			if (!rc)
				port_write(v, e->io.port, e->io.bytes, val);
		}
		if (rc) {
			uint64_t gpa;
			uint32_t pfec = 0;
			guest_translate(v, la, e->io.in, v->arch.snap.cpl == 3, false,
					&gpa, &pfec);
			if (pfec)
				hvm_inject_page_fault(v, pfec, la);
			else
				hvm_inject_gp0(v);
			return false;
		}
		*index = (*index & ~mask) | ((*index + (uint64_t)step) & mask);
		count--;
		done++;
		if (e->io.rep)
			r->rcx = (r->rcx & ~mask) | (count & mask);
	}
	/* Not finished: leave RIP on the instruction to continue later. */
	return count == 0;
}

void hvm_io_exit(struct vcpu *v, struct vm_exit *e)
{
	struct guest_regs *r = &v->arch.regs;

	if (e->io.string) {
		if (string_io(v, e))
			hvm_skip_insn(v, e);
		return;
	}
	if (e->io.in) {
		uint32_t val = port_read(v, e->io.port, e->io.bytes);
		if (e->io.bytes == 4)
			r->rax = val; /* a 32-bit result zero-extends */
		else
			r->rax = (r->rax & ~((1ull << (8 * e->io.bytes)) - 1)) | val;
	} else {
		port_write(v, e->io.port, e->io.bytes, (uint32_t)r->rax);
	}
	hvm_skip_insn(v, e);
}
