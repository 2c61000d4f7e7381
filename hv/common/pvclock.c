// SPDX-License-Identifier: MIT
/*
 * The guests' PV clock: each vCPU's vcpu_time_info in the shared-info
 * page says how to turn its TSC into nanoseconds of system time. Writers
 * follow the version protocol: odd while updating, even when consistent.
 */
#include <basalt/pvclock.h>
#include <basalt/domain.h>
#include <basalt/event.h>
#include <basalt/time.h>
#include <asm/cpu.h>
#include <public/xen.h>

static uint32_t mul;
static int8_t shift;

/* Scale so that ns = ((tsc << shift) * mul) >> 32 with mul in
 * [2^31, 2^32): the most precise 32-bit multiplier. */
static void compute_scale(void)
{
	uint64_t base = time_tsc_hz();
	int s = 0;

	while (base < NSEC_PER_SEC) {
		base <<= 1;
		s++;
	}
	while (base >= 2 * NSEC_PER_SEC) {
		base >>= 1;
		s--;
	}
	mul = (uint32_t)((NSEC_PER_SEC << 32) / base);
	shift = (int8_t)s;
}

extern uint64_t wallclock_at_boot_ns;

void pvclock_set_wallclock(struct domain *d)
{
	struct shared_info *si = d->shared_info;

	/* UNIX time at system time 0, versioned like the vCPU records. */
	WRITE_ONCE(si->wc_version, si->wc_version + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_sec = (uint32_t)(wallclock_at_boot_ns / NSEC_PER_SEC);
	si->wc_nsec = (uint32_t)(wallclock_at_boot_ns % NSEC_PER_SEC);
	si->wc_sec_hi = (uint32_t)((wallclock_at_boot_ns / NSEC_PER_SEC) >> 32);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(si->wc_version, si->wc_version + 1);
}

void pvclock_update(struct domain *d, struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_ptr(v);
	struct vcpu_time_info *t;

	if (!mul)
		compute_scale();
	if (!vi)
		return;
	t = &vi->time;
	/* Odd version: the guest retries while the fields change. */
	WRITE_ONCE(t->version, t->version + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = rdtsc();
	t->system_time = now_ns();
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(t->version, t->version + 1);
}
