// SPDX-License-Identifier: MIT
/* The guest's x2APIC (see asm/vlapic.h). */
#include <asm/vlapic.h>
#include <basalt/domain.h>
#include <basalt/event.h>
#include <basalt/sched.h>
#include <asm/hvm.h>
#include <basalt/lib/string.h>
#include <basalt/time.h>

#define MSR_APIC_BASE      0x1b
#define APIC_BASE_BSP      (1ull << 8)
#define APIC_BASE_EXTD     (1ull << 10)
#define APIC_BASE_EN       (1ull << 11)
#define APIC_DEFAULT_BASE  0xfee00000ull

#define X2_ID      0x802
#define X2_VERSION 0x803
#define X2_TPR     0x808
#define X2_PPR     0x80a
#define X2_EOI     0x80b
#define X2_LDR     0x80d
#define X2_SVR     0x80f
#define X2_ISR0    0x810
#define X2_TMR0    0x818
#define X2_IRR0    0x820
#define X2_ESR     0x828
#define X2_LVT_CMCI 0x82f
#define X2_ICR     0x830
#define X2_LVT_TIMER 0x832
#define X2_LVT_ERROR 0x837
#define X2_TIMER_ICR 0x838
#define X2_TIMER_CCR 0x839
#define X2_TIMER_DCR 0x83e
#define X2_SELF_IPI 0x83f

#define LVT_MASKED (1u << 16)

static struct vlapic *vl(struct vcpu *v)
{
	return &v->arch.vlapic;
}

/*
 * The APIC timer counts at a 1 GHz virtual bus clock divided by the
 * divide configuration; one-shot and periodic modes (TSC-deadline is not
 * offered). Linux on Basalt uses Xen's timer instead, but the timer is
 * there for guests that do not.
 */
#define LVT_TIMER_PERIODIC (1u << 17)

static uint64_t timer_divisor(uint32_t dcr)
{
	unsigned int v = (dcr & 3) | ((dcr >> 1) & 4);

	return v == 7 ? 1 : 2ull << v;
}

static void timer_fire(void *data)
{
	struct vcpu *v = data;
	struct vlapic *a = vl(v);
	uint32_t lvt = a->lvt[1];

	if (!(lvt & LVT_MASKED))
		vlapic_set_irq(v, (uint8_t)lvt);
	if ((lvt & LVT_TIMER_PERIODIC) && a->timer_period_ns) {
		a->timer_start_ns += a->timer_period_ns;
		timer_set(&a->timer, a->timer_start_ns + a->timer_period_ns);
	} else {
		a->timer_period_ns = 0;
	}
}

static void timer_load(struct vcpu *v, uint32_t count)
{
	struct vlapic *a = vl(v);

	a->timer_icr = count;
	timer_stop(&a->timer);
	a->timer_period_ns = (uint64_t)count * timer_divisor(a->timer_dcr);
	a->timer_start_ns = now_ns();
	if (count)
		timer_set(&a->timer, a->timer_start_ns + a->timer_period_ns);
}

static uint32_t timer_current(struct vlapic *a)
{
	uint64_t elapsed, left;

	if (!a->timer_period_ns)
		return 0;
	elapsed = now_ns() - a->timer_start_ns;
	if (elapsed >= a->timer_period_ns)
		return 0;
	left = a->timer_period_ns - elapsed;
	return (uint32_t)(left / timer_divisor(a->timer_dcr));
}

void vlapic_destroy(struct vcpu *v)
{
	if (vl(v)->timer.fn) /* not set up if the domain was never built */
		timer_stop(&vl(v)->timer);
}

void vlapic_init(struct vcpu *v)
{
	struct vlapic *a = vl(v);

	memset(a, 0, sizeof(*a));
	timer_init(&a->timer, "vlapic-timer", timer_fire, v, v->processor);
	a->apic_base = APIC_DEFAULT_BASE | APIC_BASE_EN |
		       (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
	a->svr = 0xff;
	for (unsigned int i = 0; i < 7; i++)
		a->lvt[i] = LVT_MASKED;
	/* x2APIC logical ID: cluster in 31:16, one bit per CPU in 15:0. */
	a->ldr = ((v->vcpu_id >> 4) << 16) | (1u << (v->vcpu_id & 15));
}

static int highest(const uint32_t *bits)
{
	for (int w = 7; w >= 0; w--) {
		uint32_t x = __atomic_load_n(&bits[w], __ATOMIC_ACQUIRE);
		if (x)
			return w * 32 + 31 - __builtin_clz(x);
	}
	return -1;
}

static void set_bit(uint32_t *bits, uint8_t v)
{
	__atomic_fetch_or(&bits[v / 32], 1u << (v % 32), __ATOMIC_SEQ_CST);
}

static void clear_bit(uint32_t *bits, uint8_t v)
{
	__atomic_fetch_and(&bits[v / 32], ~(1u << (v % 32)), __ATOMIC_SEQ_CST);
}

/*
 * An APIC error: latch it in the ESR at once, where reads see it (as on
 * Xen 4.17; a write of 0 clears it here, Xen 4.17 ignores the write:
 * docs/SUPPORT.md) and, the first time it is latched, raise LVTERR's
 * interrupt unless masked. An illegal LVTERR vector cannot be raised: it
 * becomes a receive error instead, without an interrupt.
 */
#define ESR_SENDILL 0x20
#define ESR_RECVILL 0x40
#define LVT_ERROR   6

static void vlapic_error(struct vcpu *v, uint32_t err)
{
	struct vlapic *a = vl(v);
	uint32_t lvt = a->lvt[LVT_ERROR];

	if ((__atomic_fetch_or(&a->esr, err, __ATOMIC_SEQ_CST) & err) == err)
		return;
	if (lvt & LVT_MASKED)
		return;
	if ((lvt & 0xff) < 16) {
		__atomic_fetch_or(&a->esr, ESR_RECVILL, __ATOMIC_SEQ_CST);
		return;
	}
	set_bit(a->irr, (uint8_t)lvt);
	vcpu_kick(v);
}

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
	if (vector < 16) {
		vlapic_error(v, ESR_RECVILL);  /* not delivered */
		return;
	}
	set_bit(vl(v)->irr, vector);
	vcpu_kick(v);
}

static uint32_t ppr(struct vlapic *a)
{
	int isr = highest(a->isr);
	uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr & 0xf0;

	return (a->tpr & 0xf0) >= isrv ? a->tpr & 0xff : isrv;
}

int vlapic_pending(struct vcpu *v)
{
	struct vlapic *a = vl(v);
	int irr = highest(a->irr);

	if (irr < 0 || !(a->svr & (1u << 8)))
		return -1;
	if (((uint32_t)irr & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return irr;
}

void vlapic_ack(struct vcpu *v, uint8_t vector)
{
	clear_bit(vl(v)->irr, vector);
	set_bit(vl(v)->isr, vector);
}

static void eoi(struct vcpu *v)
{
	int isr = highest(vl(v)->isr);

	if (isr >= 0)
		clear_bit(vl(v)->isr, (uint8_t)isr);
}

void arch_vcpu_move_timers(struct vcpu *v, unsigned int cpu)
{
	timer_migrate(&vl(v)->timer, cpu);
}

/* Start a vCPU that was down, in real mode at vector << 12. */
static void vcpu_start_sipi(struct vcpu *t, uint8_t vector)
{
	hvm->vcpu_reset_sipi(t, vector);
	t->initialised = true;  /* as in Xen: VCPUOP_initialise is -EEXIST */
	sched_vcpu_up(t);
}

#define ICR_LOGICAL (1ull << 11)
#define ICR_SELF    (1ull << 18)

/* Hardware and software enabled: Xen drops fixed and lowest-priority
 * interrupts for a vCPU whose APIC is not. */
static bool apic_enabled(struct vlapic *a)
{
	return (a->apic_base & APIC_BASE_EN) && (a->svr & (1u << 8));
}

/* Is t among the destinations of sender v's ICR? x2APIC: a physical
 * destination is an APIC ID (the vCPU id here), a logical one a cluster
 * in 31:16 and a bit mask in 15:0 matched against the LDR; 0xffffffff is
 * everyone in both modes. */
static bool ipi_hits(struct vcpu *v, struct vcpu *t, uint64_t icr)
{
	uint32_t dest = (uint32_t)(icr >> 32);
	uint32_t ldr = vl(t)->ldr;

	switch ((icr >> 18) & 3) {
	case 1: return t == v;              /* self */
	case 2: return true;                /* all */
	case 3: return t != v;              /* all but self */
	default: break;
	}
	if (dest == 0xffffffffu)
		return true;
	if (icr & ICR_LOGICAL)
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	return dest == t->vcpu_id;
}

/*
 * Lowest priority: one enabled destination, the one with the lowest PPR.
 * Ties go to the first one after the sender in vCPU order (Xen rotates
 * from the vCPU that took the last one; either way exactly one).
 */
static struct vcpu *lowest_priority(struct vcpu *v, uint64_t icr)
{
	struct domain *d = v->domain;
	struct vcpu *best = NULL;
	uint32_t best_ppr = 0;

	for (unsigned int k = 1; k <= d->nr_vcpus; k++) {
		struct vcpu *t = d->vcpus[(v->vcpu_id + k) % d->nr_vcpus];
		uint32_t p;

		if (!ipi_hits(v, t, icr) || !apic_enabled(vl(t)))
			continue;
		p = ppr(vl(t));
		if (!best || p < best_ppr) {
			best = t;
			best_ppr = p;
		}
	}
	return best;
}

static void send_ipi(struct vcpu *v, uint64_t icr)
{
	struct domain *d = v->domain;
	uint8_t vector = (uint8_t)icr;
	unsigned int mode = (icr >> 8) & 7;

	/* Fixed and lowest priority with a vector below 16: a send error in
	 * the sender's ESR, delivered to nobody (as Xen). */
	if (mode <= 1 && vector < 16) {
		vlapic_error(v, ESR_SENDILL);
		return;
	}
	if (mode == 1) {
		struct vcpu *t = lowest_priority(v, icr);

		if (t)
			vlapic_set_irq(t, vector);
		return;
	}
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = d->vcpus[i];

		if (!ipi_hits(v, t, icr))
			continue;
		switch (mode) {
		case 0: /* fixed */
			if (apic_enabled(vl(t)))
				vlapic_set_irq(t, vector);
			break;
		case 4: /* NMI */
			vl(t)->nmi_pending = true;
			vcpu_kick(t);
			break;
		case 5: /* INIT (level de-assert is ignored) */
			/* Only a vCPU that is down waits for a SIPI; resetting a
			 * running vCPU by INIT is not supported. */
			if (((icr & (1u << 14)) || !(icr & (1u << 15))) &&
			    t->state == VCPU_DOWN)
				vl(t)->init_pending = true;
			break;
		case 6: /* STARTUP: the first one after INIT counts */
			/* Not one still leaving its CPU: its state is in use. */
			if (t->state == VCPU_DOWN && !t->running &&
			    vl(t)->init_pending) {
				vl(t)->init_pending = false;
				vcpu_start_sipi(t, vector);
			}
			break;
		default:
			break;
		}
	}
}

static bool x2apic_mode(struct vlapic *a)
{
	return (a->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) ==
	       (APIC_BASE_EN | APIC_BASE_EXTD);
}

bool vlapic_mmio_enabled(struct vcpu *v)
{
	return (vl(v)->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

static bool reg_read(struct vcpu *v, uint32_t msr, uint64_t *val);
static bool reg_write(struct vcpu *v, uint32_t msr, uint64_t val);

bool vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (msr == MSR_APIC_BASE) {
		*val = vl(v)->apic_base;
		return true;
	}
	/* The x2APIC registers exist only in x2APIC mode. */
	return x2apic_mode(vl(v)) && reg_read(v, msr, val);
}

bool vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic *a = vl(v);

	if (msr == MSR_APIC_BASE) {
		uint64_t fixed = APIC_DEFAULT_BASE | APIC_BASE_BSP;
		/* Only xAPIC -> x2APIC (or staying put) is supported; the base
		 * address does not move. */
		if ((val & ~(APIC_BASE_EN | APIC_BASE_EXTD)) != (a->apic_base & fixed))
			return false;
		if (!(val & APIC_BASE_EN) || (x2apic_mode(a) && !(val & APIC_BASE_EXTD)))
			return false;
		a->apic_base = val;
		return true;
	}
	return x2apic_mode(a) && reg_write(v, msr, val);
}

/* xAPIC offsets are the x2APIC MSR numbers times 16; the ID and the ICR
 * are laid out differently. */
bool vlapic_mmio_read(struct vcpu *v, uint32_t offset, uint32_t *val)
{
	uint64_t r;

	if (offset & 0xf)
		return false;
	if (offset == 0x20) {
		*val = v->vcpu_id << 24;
		return true;
	}
	if (offset == 0x310) {
		*val = (uint32_t)(vl(v)->icr >> 32);
		return true;
	}
	if (!reg_read(v, 0x800 + offset / 16, &r))
		return false;
	*val = (uint32_t)r;
	return true;
}

bool vlapic_mmio_write(struct vcpu *v, uint32_t offset, uint32_t val)
{
	struct vlapic *a = vl(v);

	if (offset & 0xf)
		return false;
	if (offset == 0x310) { /* ICR high: xAPIC destination in 31:24 */
		a->icr = (a->icr & 0xffffffffull) | ((uint64_t)(val >> 24) << 32);
		return true;
	}
	if (offset == 0x300)
		return reg_write(v, 0x830, (a->icr & ~0xffffffffull) | val);
	if (offset == 0x20 || offset == 0xd0 || offset == 0xe0)
		return true; /* ID, LDR, DFR: read-only here */
	return reg_write(v, 0x800 + offset / 16, val);
}

static bool reg_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vlapic *a = vl(v);

	switch (msr) {
	case X2_ID: *val = v->vcpu_id; return true;
	case X2_VERSION: *val = 0x00050014; return true; /* integrated, 6 LVTs */
	case X2_TPR: *val = a->tpr; return true;
	case X2_PPR: *val = ppr(a); return true;
	case X2_LDR: *val = a->ldr; return true;
	case X2_SVR: *val = a->svr; return true;
	case X2_ESR: *val = a->esr; return true;
	case X2_ICR: *val = a->icr & ~(1ull << 12); return true; /* never busy */
	case X2_TIMER_ICR: *val = a->timer_icr; return true;
	case X2_TIMER_CCR: *val = timer_current(a); return true;
	case X2_TIMER_DCR: *val = a->timer_dcr; return true;
	default: break;
	}
	if (msr >= X2_ISR0 && msr < X2_ISR0 + 8) {
		*val = a->isr[msr - X2_ISR0];
		return true;
	}
	if (msr >= X2_TMR0 && msr < X2_TMR0 + 8) {
		*val = 0;
		return true;
	}
	if (msr >= X2_IRR0 && msr < X2_IRR0 + 8) {
		*val = a->irr[msr - X2_IRR0];
		return true;
	}
	if (msr == X2_LVT_CMCI) {
		*val = a->lvt[0];
		return true;
	}
	if (msr >= X2_LVT_TIMER && msr <= X2_LVT_ERROR) {
		*val = a->lvt[1 + msr - X2_LVT_TIMER];
		return true;
	}
	return false;
}

static bool reg_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vlapic *a = vl(v);

	switch (msr) {
	case X2_TPR:
		a->tpr = (uint32_t)val & 0xff;
		return true;
	case X2_EOI:
		if (val)
			return false;
		eoi(v);
		return true;
	case X2_SVR:
		a->svr = (uint32_t)val & 0x11ff;
		return true;
	case X2_ESR:
		if (val)
			return false;
		a->esr = 0;
		return true;
	case X2_ICR:
		a->icr = val;
		send_ipi(v, val);
		return true;
	case X2_TIMER_ICR:
		timer_load(v, (uint32_t)val);
		return true;
	case X2_TIMER_DCR:
		a->timer_dcr = (uint32_t)val & 0xb;
		return true;
	case X2_SELF_IPI: /* a fixed self IPI; reserved bits #GP, as on Xen */
		if (val & ~0xffull)
			return false;
		send_ipi(v, ICR_SELF | val);
		return true;
	case X2_LVT_CMCI:
		a->lvt[0] = (uint32_t)val;
		return true;
	default:
		break;
	}
	if (msr >= X2_LVT_TIMER && msr <= X2_LVT_ERROR) {
		a->lvt[1 + msr - X2_LVT_TIMER] = (uint32_t)val;
		return true;
	}
	return false;
}
