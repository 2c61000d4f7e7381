// SPDX-License-Identifier: MIT
/*
 * The credit scheduler: a proportional-share policy in the spirit of Xen's
 * credit schedulers, with xl.cfg's knobs (cpu_weight, cap, cpus).
 *
 * Credit is kept as its opposite, weighted virtual time: a vCPU that runs
 * for t ns is charged t * 256 / weight, and each host CPU runs the queued
 * vCPU charged least. Two CPU-bound vCPUs of weights 256 and 512 sharing a
 * CPU therefore get 1/3 and 2/3 of it. The weight is per vCPU, as in
 * Xen's default scheduler (credit2). A vCPU that wakes after blocking is
 * charged no less than the CPU's floor minus half a slice, so sleeping
 * earns a small head start (I/O and IPI latency) but never a hoard, and it
 * preempts the running vCPU when it is charged less by a granule.
 *
 * A cap is a budget of cap% of one CPU per CAP_PERIOD_NS for all of the
 * domain's vCPUs together; when it is spent they are skipped until the
 * next refill. Hard affinity (cpus=) limits the CPUs a vCPU is queued on.
 *
 * Work spreads across CPUs three ways: a waking vCPU goes to an idle CPU
 * its affinity allows; a CPU about to idle pulls a queued vCPU from
 * another; and a CPU picking pulls from one with at least two more.
 * Remote queues are taken with trylock (never wait for a second run-queue
 * lock while holding one): on contention the CPU retries at once.
 */
#include <basalt/sched_if.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/mm.h>
#include <basalt/sched.h>
#include <basalt/softirq.h>
#include <basalt/time.h>
#include <basalt/timer.h>

#define WEIGHT_DEFAULT   256
#define WEIGHT_MAX       65535
#define CAP_PERIOD_NS    (10 * 1000 * 1000ull)
#define WAKE_CREDIT_NS   (SCHED_SLICE_NS / 2)
#define PREEMPT_GRAIN_NS (1000 * 1000ull)
#define MIN_SLICE_NS     (500 * 1000ull)

struct credit_vcpu {
	struct vcpu *v;
	struct credit_vcpu *next;   /* in its CPU's queue, by vtime */
	bool queued;
	uint64_t vtime;             /* weighted ns charged */
};

struct credit_cpu {
	struct credit_vcpu *head;
	unsigned int nr_queued;
	uint64_t floor;             /* vtime of the last vCPU picked */
};

struct credit_dom {
	unsigned int weight;
	unsigned int cap;           /* % of one CPU; 0: none */
	int64_t budget_ns;          /* atomic: left in this period */
	bool throttled;             /* atomic: budget spent */
	struct timer refill;
};

static struct credit_cpu *ccpu[NR_CPUS];

static struct credit_vcpu *cv_of(const struct vcpu *v)
{
	return v->sched_priv;
}

static struct credit_dom *cd_of(const struct domain *d)
{
	return d->sched_priv;
}

static bool throttled(const struct vcpu *v)
{
	return __atomic_load_n(&cd_of(v->domain)->throttled, __ATOMIC_ACQUIRE);
}

/* ---- queues (the CPU's lock held) ----------------------------------- */

static void enqueue(unsigned int cpu, struct credit_vcpu *cv)
{
	struct credit_cpu *q = ccpu[cpu];
	struct credit_vcpu **pp = &q->head;

	ASSERT(!cv->queued);
	/* FIFO among equals: after every vCPU charged the same or less. */
	while (*pp && (*pp)->vtime <= cv->vtime)
		pp = &(*pp)->next;
	cv->next = *pp;
	*pp = cv;
	cv->queued = true;
	q->nr_queued++;
}

static void dequeue(unsigned int cpu, struct credit_vcpu *cv)
{
	struct credit_cpu *q = ccpu[cpu];
	struct credit_vcpu **pp = &q->head;

	if (!cv->queued)
		return;
	while (*pp && *pp != cv)
		pp = &(*pp)->next;
	ASSERT(*pp == cv);
	*pp = cv->next;
	cv->next = NULL;
	cv->queued = false;
	q->nr_queued--;
}

static uint64_t charge(const struct vcpu *v, uint64_t ns)
{
	return ns * WEIGHT_DEFAULT / cd_of(v->domain)->weight;
}

/* Move cv's vtime from one CPU's scale to another's (floors differ). */
static void rebase(struct credit_vcpu *cv, unsigned int from, unsigned int to)
{
	int64_t rel = (int64_t)(cv->vtime - ccpu[from]->floor);

	cv->vtime = ccpu[to]->floor + (uint64_t)rel;
}

/* ---- private data ---------------------------------------------------- */

static int credit_init_cpu(unsigned int cpu)
{
	ccpu[cpu] = xzalloc_obj(struct credit_cpu);
	return ccpu[cpu] ? 0 : -ENOMEM;
}

static void refill(void *data)
{
	struct domain *d = data;
	struct credit_dom *cd = cd_of(d);
	unsigned int cpu;

	int64_t quota = (int64_t)(CAP_PERIOD_NS * cd->cap / 100), left, want;

	if (!cd->cap)
		return;
	/* Overrun (a slice ends at the first exit after its timer) is paid
	 * back from the next periods: the budget grows by one quota, and
	 * never beyond one quota. */
	left = __atomic_load_n(&cd->budget_ns, __ATOMIC_ACQUIRE);
	do {
		want = left + quota > quota ? quota : left + quota;
	} while (!__atomic_compare_exchange_n(&cd->budget_ns, &left, want, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	if (want > 0 && __atomic_exchange_n(&cd->throttled, false, __ATOMIC_ACQ_REL))
		for_each_cpu(cpu, &cpu_online_mask)
			sched_kick_cpu(cpu);
	timer_set(&cd->refill, cd->refill.expires + CAP_PERIOD_NS);
}

static int credit_init_domain(struct domain *d)
{
	struct credit_dom *cd = xzalloc_obj(struct credit_dom);

	if (!cd)
		return -ENOMEM;
	cd->weight = WEIGHT_DEFAULT;
	timer_init(&cd->refill, "cap-refill", refill, d, 0);
	d->sched_priv = cd;
	return 0;
}

static void credit_destroy_domain(struct domain *d)
{
	struct credit_dom *cd = cd_of(d);

	/* A refill running now may re-arm itself once more; with no cap it
	 * will not again, and the second stop removes that last one. */
	cd->cap = 0;
	timer_stop(&cd->refill);
	timer_stop(&cd->refill);
	xfree(cd);
	d->sched_priv = NULL;
}

static int credit_init_vcpu(struct vcpu *v)
{
	struct credit_vcpu *cv = xzalloc_obj(struct credit_vcpu);

	if (!cv)
		return -ENOMEM;
	cv->v = v;
	v->sched_priv = cv;
	return 0;
}

static void credit_destroy_vcpu(struct vcpu *v)
{
	xfree(v->sched_priv);
	v->sched_priv = NULL;
}

static int credit_set_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	struct credit_dom *cd = cd_of(d);

	if (weight < 1 || weight > WEIGHT_MAX || cap > 100 * NR_CPUS)
		return -EINVAL;
	cd->weight = weight;
	if (cap != cd->cap) {
		cd->cap = cap;
		timer_stop(&cd->refill);
		__atomic_store_n(&cd->throttled, false, __ATOMIC_RELEASE);
		if (cap) {
			__atomic_store_n(&cd->budget_ns,
					 (int64_t)(CAP_PERIOD_NS * cap / 100),
					 __ATOMIC_RELEASE);
			timer_set(&cd->refill, now_ns() + CAP_PERIOD_NS);
		}
	}
	return 0;
}

/* ---- decisions -------------------------------------------------------- */

/* An idle CPU v may run on (its queue empty too), else -1. */
static int idle_cpu_for(const struct vcpu *v)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask)
		if (cpumask_test(&v->affinity, cpu) && sched_cpu_idle(cpu) &&
		    READ_ONCE(ccpu[cpu]->nr_queued) == 0)
			return (int)cpu;
	return -1;
}

static int credit_wake(struct vcpu *v, uint64_t now)
{
	struct credit_vcpu *cv = cv_of(v);
	unsigned int cpu = v->processor;
	struct cpu *c = cpu_table[cpu];
	struct vcpu *cur;
	uint64_t floor = ccpu[cpu]->floor;

	if (cv->queued)
		return -1;
	/* Sleeping earns at most half a slice of head start. */
	if (floor > WAKE_CREDIT_NS && cv->vtime < floor - WAKE_CREDIT_NS)
		cv->vtime = floor - WAKE_CREDIT_NS;

	/* Busy here (or not allowed here): an idle CPU it may use instead. */
	if (!sched_cpu_idle(cpu) || !cpumask_test(&v->affinity, cpu)) {
		int idle = idle_cpu_for(v);
		if (idle >= 0 && (unsigned int)idle != cpu &&
		    spin_trylock(&cpu_table[idle]->runq_lock)) {
			rebase(cv, cpu, (unsigned int)idle);
			sched_migrate_locked(v, (unsigned int)idle);
			enqueue((unsigned int)idle, cv);
			spin_unlock(&cpu_table[idle]->runq_lock);
			return idle;
		}
	}
	enqueue(cpu, cv);
	cur = c->current_vcpu;
	if (!cur)
		return (int)cpu;
	/* Preempt a vCPU charged more (counting its current run). */
	if (cv->vtime + PREEMPT_GRAIN_NS <
	    cv_of(cur)->vtime + charge(cur, now - cur->last_start_ns))
		return (int)cpu;
	return -1;
}

static void credit_sleep(struct vcpu *v)
{
	dequeue(v->processor, cv_of(v));
}

/* The first queued vCPU on cpu that may run now (dropping ones that can
 * never run until woken: paused, down, dying). */
static struct credit_vcpu *first_eligible(unsigned int cpu, bool drop)
{
	struct credit_vcpu *cv = ccpu[cpu]->head, *next;

	for (; cv; cv = next) {
		next = cv->next;
		if (!sched_vcpu_runnable(cv->v)) {
			if (drop)
				dequeue(cpu, cv);
			continue;
		}
		if (!throttled(cv->v))
			return cv;
	}
	return NULL;
}

static unsigned int load(unsigned int cpu)
{
	return READ_ONCE(ccpu[cpu]->nr_queued) + (sched_cpu_idle(cpu) ? 0 : 1);
}

/*
 * Pull a queued vCPU that may run on cpu from the busiest other CPU, if
 * that one has at least two more (or any, when cpu would idle). Called
 * with cpu's lock held; the other lock is only tried.
 */
static struct credit_vcpu *pull(unsigned int cpu, bool would_idle)
{
	unsigned int other, best = cpu, best_load = 0;
	unsigned int mine = ccpu[cpu]->nr_queued;
	struct credit_vcpu *cv;

	for_each_cpu(other, &cpu_online_mask) {
		unsigned int l = load(other);
		if (other != cpu && l > best_load) {
			best = other;
			best_load = l;
		}
	}
	if (best == cpu || !READ_ONCE(ccpu[best]->nr_queued))
		return NULL;
	if (!would_idle && best_load < mine + 2)
		return NULL;
	if (!spin_trylock(&cpu_table[best]->runq_lock)) {
		softirq_raise(SOFTIRQ_SCHEDULE);  /* try again soon */
		return NULL;
	}
	for (cv = ccpu[best]->head; cv; cv = cv->next)
		if (cpumask_test(&cv->v->affinity, cpu) &&
		    sched_vcpu_runnable(cv->v) && !throttled(cv->v))
			break;
	if (cv) {
		dequeue(best, cv);
		rebase(cv, best, cpu);
		sched_migrate_locked(cv->v, cpu);
		enqueue(cpu, cv);
	}
	spin_unlock(&cpu_table[best]->runq_lock);
	return cv;
}

static struct vcpu *credit_pick(unsigned int cpu, uint64_t now, uint64_t *slice)
{
	struct credit_cpu *q = ccpu[cpu];
	struct credit_vcpu *cv = first_eligible(cpu, true);
	struct credit_dom *cd;

	if (nr_cpus_online > 1 && pull(cpu, cv == NULL))
		cv = first_eligible(cpu, true);
	if (!cv)
		return NULL;
	dequeue(cpu, cv);
	if (cv->vtime > q->floor)
		q->floor = cv->vtime;
	*slice = SCHED_SLICE_NS;
	cd = cd_of(cv->v->domain);
	if (cd->cap) {
		int64_t left = __atomic_load_n(&cd->budget_ns, __ATOMIC_ACQUIRE);
		*slice = left < (int64_t)MIN_SLICE_NS ? MIN_SLICE_NS :
			 MIN((uint64_t)left, SCHED_SLICE_NS);
	}
	return cv->v;
}

static void credit_put(struct vcpu *v, uint64_t ran, bool runnable, uint64_t now)
{
	struct credit_vcpu *cv = cv_of(v);
	struct credit_dom *cd = cd_of(v->domain);

	cv->vtime += charge(v, ran);
	if (cd->cap &&
	    __atomic_sub_fetch(&cd->budget_ns, (int64_t)ran, __ATOMIC_ACQ_REL) <= 0)
		__atomic_store_n(&cd->throttled, true, __ATOMIC_RELEASE);
	if (runnable)
		enqueue(v->processor, cv);
}

/* ---- debug keys ------------------------------------------------------- */

static void credit_dump_cpu(unsigned int cpu)
{
	struct credit_cpu *q = ccpu[cpu];

	printk(LOG_ALWAYS, "   credit: floor %llu, %u queued\n",
	       (unsigned long long)q->floor, q->nr_queued);
	for (struct credit_vcpu *cv = q->head; cv; cv = cv->next)
		printk(LOG_ALWAYS, "   queued: d%uv%u (%s) vtime %llu%s\n",
		       cv->v->domain->domid, cv->v->vcpu_id, cv->v->domain->name,
		       (unsigned long long)cv->vtime,
		       throttled(cv->v) ? " (capped)" : "");
}

static void credit_dump_domain(struct domain *d)
{
	struct credit_dom *cd = cd_of(d);

	printk(LOG_ALWAYS, " weight %u, cap %u%s\n", cd->weight, cd->cap,
	       cd->throttled ? " (budget spent)" : "");
}

const struct sched_ops sched_credit_ops = {
	.name = "credit (weighted fair share, caps, affinity)",
	.init_cpu = credit_init_cpu,
	.init_domain = credit_init_domain,
	.destroy_domain = credit_destroy_domain,
	.init_vcpu = credit_init_vcpu,
	.destroy_vcpu = credit_destroy_vcpu,
	.wake = credit_wake,
	.sleep = credit_sleep,
	.pick = credit_pick,
	.put = credit_put,
	.set_params = credit_set_params,
	.dump_cpu = credit_dump_cpu,
	.dump_domain = credit_dump_domain,
};
