// SPDX-License-Identifier: MIT
/*
 * Domain life cycle: create, pause, shut down (with the configured
 * on_poweroff/on_reboot/on_crash action), crash, destroy. Destruction is
 * finished by the reaper on CPU 0 once no CPU runs the domain's vCPUs;
 * when the last domain is gone, Basalt powers off.
 */
#include <basalt/domain.h>
#include <basalt/arch.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/errno.h>
#include <basalt/mm.h>
#include <basalt/sched.h>
#include <basalt/softirq.h>
#include <basalt/time.h>
#include <basalt/lib/format.h>
#include <basalt/lib/string.h>
#include <public/sched.h>

/* arch hooks */
int arch_domain_build(struct domain *d);
void arch_domain_teardown(struct domain *d);

static DEFINE_SPINLOCK(domlist_lock);
static struct domain *domain_list;
static unsigned int domains_ever;
static struct timer reaper_retry;

static void list_add(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);

	d->next = domain_list;
	domain_list = d;
	domains_ever++;
	spin_unlock_irqrestore(&domlist_lock, f);
}

static void list_del(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);
	struct domain **pp = &domain_list;

	while (*pp && *pp != d)
		pp = &(*pp)->next;
	if (*pp)
		*pp = d->next;
	spin_unlock_irqrestore(&domlist_lock, f);
}

struct domain *domain_by_id(unsigned int domid)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);
	struct domain *d;

	for (d = domain_list; d; d = d->next)
		if (d->domid == domid)
			break;
	spin_unlock_irqrestore(&domlist_lock, f);
	return d;
}

struct domain *domain_next(int after)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);
	struct domain *best = NULL;

	for (struct domain *d = domain_list; d; d = d->next)
		if ((int)d->domid > after && d->state == DOMAIN_RUNNING &&
		    (!best || d->domid < best->domid))
			best = d;
	spin_unlock_irqrestore(&domlist_lock, f);
	return best;
}

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);

	for (struct domain *d = domain_list; d; d = d->next)
		fn(d, arg);
	spin_unlock_irqrestore(&domlist_lock, f);
}

unsigned int domain_count(void)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);
	unsigned int n = 0;

	for (struct domain *d = domain_list; d; d = d->next)
		n++;
	spin_unlock_irqrestore(&domlist_lock, f);
	return n;
}

void vcpu_timers_init(struct vcpu *v);
void grant_table_destroy(struct domain *d);

static void free_domain(struct domain *d)
{
	/* Arch state first: it may still reference the vCPUs. */
	arch_domain_teardown(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		if (d->vcpus[i]) {
			timer_stop(&d->vcpus[i]->singleshot);
			timer_stop(&d->vcpus[i]->poll_timer);
			hvm->vcpu_destroy(d->vcpus[i]);
			sched_destroy_vcpu(d->vcpus[i]);
			xfree(d->vcpus[i]);
		}
	}
	grant_table_destroy(d);
	evtchn_domain_destroy(d);
	p2m_teardown(&d->p2m);
	free_page(d->shared_info);
	sched_destroy_domain(d);
	xfree(d);
}

static uint64_t free_pages_now(void)
{
	struct mem_stats st;

	mem_stats_get(&st);
	return st.free_pages;
}

struct domain *domain_create(unsigned int domid, const struct domain_config *cfg)
{
	uint64_t free_before = free_pages_now();
	struct domain *d = xzalloc_obj(struct domain);
	cpumask_t affinity;
	int err;

	if (!d) {
		pr_err("d%u: out of memory for the domain\n", domid);
		return NULL;
	}
	d->domid = domid;
	d->cfg = *cfg;
	strlcpy(d->name, cfg->name, sizeof(d->name));
	d->is_initial = cfg->initial;
	d->refcount = 1;
	d->state = DOMAIN_RUNNING;
	d->shared_info_gfn = ~0ull;
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		d->grant_frame_gfn[i] = ~0ull;
	d->log_tokens = 20;
	spin_lock_init(&d->lock, "domain");
	d->shared_info = alloc_page();
	err = d->shared_info ? p2m_init(&d->p2m) : -ENOMEM;
	if (!err)
		err = evtchn_domain_init(d);
	if (!err)
		err = sched_init_domain(d);
	if (!err)
		err = sched_set_params(d, cfg->cpu_weight, cfg->cap);
	if (err)
		goto fail;
	if (cpumask_empty(&cfg->cpus)) {
		affinity = cpu_online_mask;
	} else {
		cpumask_and(&affinity, &cfg->cpus, &cpu_online_mask);
		if (cpumask_empty(&affinity)) {
			pr_err("d%u (%s): cpus= names no online CPU\n", domid,
			       cfg->name);
			err = -EINVAL;
			goto fail;
		}
	}
	d->nr_vcpus = cfg->vcpus;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = xzalloc_obj(struct vcpu);
		if (!v) {
			err = -ENOMEM;
			goto fail;
		}
		v->vcpu_id = i;
		v->domain = d;
		v->processor = (domid + i) % nr_cpus_online;
		v->affinity = affinity;
		/* Start on a CPU it may use (the policy moves it later). */
		while (!cpumask_test(&v->affinity, v->processor))
			v->processor = (v->processor + 1) % nr_cpus_online;
		vcpu_timers_init(v);
		sched_poll_init(v);
		/* Only vCPU 0 starts; the others wait for the guest to bring
		 * them up. */
		v->state = i == 0 ? VCPU_RUNNABLE : VCPU_DOWN;
		d->vcpus[i] = v;
		err = sched_init_vcpu(v);
		if (!err)
			err = hvm->vcpu_create(v);
		if (err)
			goto fail;
		hvm->set_p2m_root(v, p2m_root_pa(&d->p2m));
	}
	err = arch_domain_build(d);
	if (err)
		goto fail;
	list_add(d);
	pr_debug("d%u: created, %llu free pages before\n", domid,
		 (unsigned long long)free_before);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		sched_add_vcpu(d->vcpus[i], d->vcpus[i]->processor);
	return d;
fail:
	pr_err("d%u (%s): cannot be created (error %d)\n", domid, d->name, err);
	free_domain(d);
	return NULL;
}

void domain_get(struct domain *d)
{
	__atomic_fetch_add(&d->refcount, 1, __ATOMIC_SEQ_CST);
}

void domain_put(struct domain *d)
{
	if (__atomic_sub_fetch(&d->refcount, 1, __ATOMIC_SEQ_CST) == 0)
		free_domain(d);
}

void domain_pause(struct domain *d)
{
	__atomic_fetch_add(&d->pause_count, 1, __ATOMIC_SEQ_CST);
	/* A running vCPU leaves its CPU at its next exit. */
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i]->running)
			softirq_raise_on(d->vcpus[i]->processor, SOFTIRQ_SCHEDULE);
}

void domain_unpause(struct domain *d)
{
	if (__atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST) == 0)
		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			sched_wake(d->vcpus[i]);
}

bool domain_may_log(struct domain *d)
{
	uint64_t now = now_ns();

	/* 10 lines a second, bursts of 20. */
	if (now - d->log_refill_ns >= 100 * NSEC_PER_MSEC) {
		uint64_t add = (now - d->log_refill_ns) / (100 * NSEC_PER_MSEC);
		d->log_tokens = MIN(20, d->log_tokens + add);
		d->log_refill_ns = now;
	}
	if (!d->log_tokens)
		return false;
	d->log_tokens--;
	return true;
}

static void console_flush_line(struct domain *d)
{
	char *h = d->con_history[d->con_history_next];

	d->con_line[d->con_len] = '\0';
	/* Keep the guest's own account of a panic for the crash report:
	 * the lines after it (a stack dump) push it out of the history. */
	if (strstr(d->con_line, "Kernel panic") || strstr(d->con_line, "PANIC:"))
		strlcpy(d->con_panic, d->con_line, sizeof(d->con_panic));
	printk(console_cfg.guest_loglvl >= LOG_INFO ? LOG_ALWAYS : LOG_DEBUG,
	       "(d%u) %s\n", d->domid, d->con_line);
	strlcpy(h, d->con_line, sizeof(d->con_history[0]));
	d->con_history_next = (d->con_history_next + 1) % CONSOLE_HISTORY;
	d->con_len = 0;
}

void domain_console_put(struct domain *d, const char *buf, size_t len)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (c == '\n') {
			console_flush_line(d);
			continue;
		}
		if (c == '\r')
			continue;
		/* Keep the console readable: no control characters. */
		if ((unsigned char)c < 0x20 && c != '\t')
			c = '?';
		d->con_line[d->con_len++] = c;
		if (d->con_len == sizeof(d->con_line) - 1)
			console_flush_line(d);
	}
	spin_unlock_irqrestore(&d->lock, f);
}

static const char *reason_name(unsigned int r)
{
	switch (r) {
	case SHUTDOWN_poweroff: return "poweroff";
	case SHUTDOWN_reboot: return "reboot";
	case SHUTDOWN_suspend: return "suspend";
	case SHUTDOWN_crash: return "crash";
	case SHUTDOWN_watchdog: return "watchdog";
	case SHUTDOWN_soft_reset: return "soft_reset";
	default: return "unknown";
	}
}

#define MAX_DOMID 1024
static bool restart_pending[MAX_DOMID]; /* by domid */

static void crash_report(struct domain *d, const char *why)
{
	pr_err("d%u (%s) crashed: %s\n", d->domid, d->name, why);
	/* The last lines it printed say what it was doing. */
	for (unsigned int i = 0; i < CONSOLE_HISTORY; i++) {
		const char *h = d->con_history[(d->con_history_next + i) % CONSOLE_HISTORY];
		if (h[0])
			pr_err("d%u last console: %s\n", d->domid, h);
	}
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	enum domain_action action;
	uint64_t f;

	/* A guest that reports its own crash (Linux's panic notifier) gets
	 * the same report as one Basalt crashes. */
	if (reason == SHUTDOWN_crash && d->state == DOMAIN_RUNNING && !d->crash_reported) {
		char why[300];
		const char *p = d->con_panic;
		/* Drop the guest's timestamp prefix for the report. */
		if (p[0] == '[' && strchr(p, ']'))
			p = strchr(p, ']') + 1;
		while (*p == ' ')
			p++;
		snprintf(why, sizeof(why), "the guest reported a crash%s%s",
			 p[0] ? ": " : "", p);
		crash_report(d, why);
	}
	f = spin_lock_irqsave(&d->lock);

	if (d->state != DOMAIN_RUNNING) {
		spin_unlock_irqrestore(&d->lock, f);
		return;
	}
	d->state = DOMAIN_SHUTDOWN;
	d->shutdown_reason = reason;
	spin_unlock_irqrestore(&d->lock, f);

	switch (reason) {
	case SHUTDOWN_poweroff: action = d->cfg.on_poweroff; break;
	case SHUTDOWN_reboot: action = d->cfg.on_reboot; break;
	case SHUTDOWN_crash:
	case SHUTDOWN_watchdog: action = d->cfg.on_crash; break;
	/* A soft reset (kexec) is not supported: it is taken as a reboot. */
	case SHUTDOWN_soft_reset: action = d->cfg.on_reboot; break;
	/* Suspended: kept for a toolstack to save (none runs at boot). */
	default: action = ACTION_PRESERVE; break;
	}
	pr_info("d%u (%s): shut down: %s (code %u), action %s\n", d->domid,
		d->name, reason_name(reason), d->shutdown_code,
		action == ACTION_DESTROY ? "destroy" :
		action == ACTION_RESTART ? "restart" : "preserve");
	if (action == ACTION_PRESERVE)
		return;
	if (action == ACTION_RESTART && d->domid < ARRAY_SIZE(restart_pending))
		restart_pending[d->domid] = true;
	domain_destroy(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (d->state != DOMAIN_RUNNING)
		return;
	crash_report(d, why);
	d->crash_reported = true;
	d->shutdown_code = 0;
	domain_shutdown(d, SHUTDOWN_crash);
}

void domain_destroy(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	d->state = DOMAIN_DYING;
	spin_unlock_irqrestore(&d->lock, f);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		timer_stop(&d->vcpus[i]->singleshot);
		sched_remove_vcpu(d->vcpus[i]);
	}
	softirq_raise_on(0, SOFTIRQ_DOMAIN_REAPER);
}

static void reaper_softirq(void)
{
	struct domain *d, *next;
	bool again = false;

	for (d = domain_list; d; d = next) {
		bool busy = false;
		unsigned int domid;
		struct domain_config cfg;

		next = d->next;
		if (d->state != DOMAIN_DYING)
			continue;
		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			busy |= READ_ONCE(d->vcpus[i]->running);
		if (busy) {
			again = true;
			continue;
		}
		domid = d->domid;
		cfg = d->cfg;
		list_del(d);
		domain_put(d);
		pr_info("d%u (%s): destroyed, %llu free pages\n", domid, cfg.name,
			(unsigned long long)free_pages_now());
		if (domid < ARRAY_SIZE(restart_pending) && restart_pending[domid]) {
			restart_pending[domid] = false;
			if (domain_create(domid, &cfg))
				pr_info("d%u (%s): restarted\n", domid, cfg.name);
		}
	}
	if (again) {
		timer_set(&reaper_retry, now_ns() + NSEC_PER_MSEC);
		return;
	}
	if (domains_ever && !domain_list) {
		pr_info("Last domain gone: powering off\n");
		machine_power_off();
	}
}

static void reaper_retry_fn(void *unused)
{
	softirq_raise(SOFTIRQ_DOMAIN_REAPER);
}

void domain_subsys_init(void);
void domain_subsys_init(void)
{
	softirq_register(SOFTIRQ_DOMAIN_REAPER, reaper_softirq);
	timer_init(&reaper_retry, "domain-reaper", reaper_retry_fn, NULL, 0);
}

void domain_dump_all(void)
{
	uint64_t f = spin_lock_irqsave(&domlist_lock);

	if (!domain_list)
		printk(LOG_ALWAYS, "No domains.\n");
	for (struct domain *d = domain_list; d; d = d->next) {
		uint64_t total = 0;

		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			total += d->vcpus[i]->runtime_ns;
		printk(LOG_ALWAYS, "d%u (%s): %s%s, %u vCPUs, %llu MiB, %s, %llu ms CPU\n",
		       d->domid, d->name,
		       d->state == DOMAIN_RUNNING ? "running" :
		       d->state == DOMAIN_SHUTDOWN ? "shut down" : "dying",
		       d->pause_count ? " (paused)" : "", d->nr_vcpus,
		       (unsigned long long)(d->p2m.ram_pages * PAGE_SIZE / MiB),
		       d->is_initial ? "initial domain" : "unprivileged",
		       (unsigned long long)(total / 1000000));
		sched_dump_domain(d);
		for (unsigned int i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpus[i];
			printk(LOG_ALWAYS, " v%u on CPU%u: %s, %llu ms run\n", i,
			       v->processor,
			       v->state == VCPU_RUNNABLE ? "runnable" :
			       v->state == VCPU_BLOCKED ? "blocked" : "down",
			       (unsigned long long)(v->runtime_ns / 1000000));
			hvm->dump(v);
		}
	}
	spin_unlock_irqrestore(&domlist_lock, f);
}
