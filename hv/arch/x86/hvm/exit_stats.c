// SPDX-License-Identifier: MIT
/*
 * VM exit statistics per domain, printed by debug key 'E'. Exits are
 * split the way docs/PERFORMANCE.md uses them: kinds the guest's
 * instructions cause (a given kernel boot makes the same number each
 * time, so `make check` guards them) and kinds time causes (interrupts,
 * idling, timer and scheduling hypercalls), which vary with host load.
 */
#include <asm/domain.h>
#include <asm/hvm.h>
#include <basalt/console.h>
#include <basalt/domain.h>
#include <basalt/keyhandler.h>
#include <basalt/lib/format.h>
#include <stdarg.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/xen.h>

static const char *const kind_names[NR_EXIT_KINDS] = {
	[EXIT_UNKNOWN] = "unknown", [EXIT_INVALID] = "invalid",
	[EXIT_INTR] = "intr", [EXIT_NMI] = "nmi", [EXIT_SMI] = "smi",
	[EXIT_INIT] = "init", [EXIT_VINTR] = "vintr",
	[EXIT_EXCEPTION] = "exception", [EXIT_CPUID] = "cpuid",
	[EXIT_HLT] = "hlt", [EXIT_IO] = "io", [EXIT_MSR] = "msr",
	[EXIT_NPF] = "npf", [EXIT_HYPERCALL] = "hypercall",
	[EXIT_SHUTDOWN] = "shutdown", [EXIT_UD_INSN] = "ud",
	[EXIT_INVD] = "invd", [EXIT_WBINVD] = "wbinvd", [EXIT_PAUSE] = "pause",
	[EXIT_RDTSC] = "rdtsc", [EXIT_XSETBV] = "xsetbv",
};

/* Caused by instructions: the guarded set (hypercalls: the untimed ones). */
static const uint8_t counted[] = {
	EXIT_CPUID, EXIT_MSR, EXIT_IO, EXIT_NPF, EXIT_EXCEPTION, EXIT_UD_INSN,
	EXIT_INVD, EXIT_WBINVD, EXIT_XSETBV,
};

static const char *const hcall_names[HCALL_STAT_SLOTS] = {
	[__HYPERVISOR_set_timer_op] = "set_timer_op",
	[__HYPERVISOR_memory_op] = "memory_op",
	[__HYPERVISOR_xen_version] = "xen_version",
	[__HYPERVISOR_console_io] = "console_io",
	[__HYPERVISOR_grant_table_op] = "grant_table_op",
	[__HYPERVISOR_vcpu_op] = "vcpu_op",
	[__HYPERVISOR_sched_op] = "sched_op",
	[__HYPERVISOR_event_channel_op] = "event_channel_op",
	[__HYPERVISOR_physdev_op] = "physdev_op",
	[__HYPERVISOR_hvm_op] = "hvm_op",
};

static bool hypercall_is_timed(uint64_t nr, uint64_t op)
{
	switch (nr) {
	case __HYPERVISOR_set_timer_op:
	case __HYPERVISOR_sched_op:
	case __HYPERVISOR_sched_op_compat:
		return true;
	case __HYPERVISOR_vcpu_op:
		return op == VCPUOP_set_singleshot_timer ||
		       op == VCPUOP_stop_singleshot_timer ||
		       op == VCPUOP_set_periodic_timer ||
		       op == VCPUOP_stop_periodic_timer;
	case __HYPERVISOR_event_channel_op:
		return op == EVTCHNOP_send;
	default:
		return false;
	}
}

void hvm_count_hypercall(struct vcpu *v, uint64_t nr, uint64_t op)
{
	struct exit_stats *s = &v->arch.stats;

	s->hcall[nr < HCALL_STAT_SLOTS - 1 ? nr : HCALL_STAT_SLOTS - 1]++;
	if (hypercall_is_timed(nr, (uint32_t)op))
		s->hcall_timed++;
}

static void sum_stats(const struct domain *d, struct exit_stats *sum)
{
	*sum = (struct exit_stats){ 0 };
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct exit_stats *s = &d->vcpus[i]->arch.stats;
		for (unsigned int k = 0; k < NR_EXIT_KINDS; k++)
			sum->kind[k] += READ_ONCE(s->kind[k]);
		for (unsigned int k = 0; k < HCALL_STAT_SLOTS; k++)
			sum->hcall[k] += READ_ONCE(s->hcall[k]);
		sum->hcall_timed += READ_ONCE(s->hcall_timed);
	}
}

static bool is_counted(unsigned int kind)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(counted); i++)
		if (counted[i] == kind)
			return true;
	return kind == EXIT_HYPERCALL;
}

struct line {
	char buf[480];
	size_t len;
};

static __printf(2, 3) void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;  /* truncated, still terminated */
}

static void dump_domain(struct domain *d, void *unused)
{
	struct exit_stats s;
	struct line l = { .len = 0 };
	uint64_t total = 0;

	sum_stats(d, &s);
	for (unsigned int k = 0; k < NR_EXIT_KINDS; k++)
		total += s.kind[k];
	printk(LOG_ALWAYS, "d%u (%s): %llu exits\n", d->domid, d->name,
	       (unsigned long long)total);

	/* One line per group of "name=count" pairs: tests parse them. */
	add(&l, "d%u exits-counted:", d->domid);
	for (unsigned int i = 0; i < ARRAY_SIZE(counted); i++)
		add(&l, " %s=%llu", kind_names[counted[i]],
		    (unsigned long long)s.kind[counted[i]]);
	add(&l, " hypercall=%llu",
	    (unsigned long long)(s.kind[EXIT_HYPERCALL] - s.hcall_timed));
	printk(LOG_ALWAYS, "%s\n", l.buf);

	l.len = 0;
	add(&l, "d%u exits-timed:", d->domid);
	for (unsigned int k = 0; k < NR_EXIT_KINDS; k++)
		if (!is_counted(k) && kind_names[k])
			add(&l, " %s=%llu", kind_names[k],
			    (unsigned long long)s.kind[k]);
	add(&l, " hypercall=%llu", (unsigned long long)s.hcall_timed);
	printk(LOG_ALWAYS, "%s\n", l.buf);

	l.len = 0;
	add(&l, "d%u hypercalls:", d->domid);
	for (unsigned int k = 0; k < HCALL_STAT_SLOTS; k++) {
		if (!s.hcall[k])
			continue;
		if (k == HCALL_STAT_SLOTS - 1)
			add(&l, " other=%llu", (unsigned long long)s.hcall[k]);
		else if (hcall_names[k])
			add(&l, " %s=%llu", hcall_names[k],
			    (unsigned long long)s.hcall[k]);
		else
			add(&l, " nr%u=%llu", k, (unsigned long long)s.hcall[k]);
	}
	printk(LOG_ALWAYS, "%s\n", l.buf);
}

static void key_exits(unsigned char key)
{
	domain_for_each(dump_domain, NULL);
}

void hvm_exit_stats_init(void)
{
	keyhandler_register('E', key_exits, "dump VM exit counts per domain");
}
