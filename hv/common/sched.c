// SPDX-License-Identifier: MIT
/*
 * The scheduler core: vCPU states and their transitions, the locking, the
 * per-CPU loop that runs vCPUs, softirqs and idles, and CPU-time
 * accounting. Which vCPU runs next, and where, is the policy's
 * (struct sched_ops; sched_credit.c).
 */
#include <basalt/sched.h>
#include <basalt/sched_if.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/ipi.h>
#include <basalt/softirq.h>
#include <basalt/time.h>
#include <asm/cpu.h>
#include <public/vcpu.h>

static const struct sched_ops *ops = &sched_credit_ops;

bool sched_vcpu_runnable(const struct vcpu *v)
{
	return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
	       v->domain->pause_count == 0 && v->domain->state == DOMAIN_RUNNING;
}

/* Lock the run queue of v's CPU; v may move until the lock is held. */
static struct cpu *vcpu_lock(struct vcpu *v, uint64_t *flags)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(v->processor);
		struct cpu *c = cpu_table[cpu];

		*flags = spin_lock_irqsave(&c->runq_lock);
		if (READ_ONCE(v->processor) == cpu)
			return c;
		spin_unlock_irqrestore(&c->runq_lock, *flags);
	}
}

void sched_migrate_locked(struct vcpu *v, unsigned int to)
{
	ASSERT(!v->running);
	if (v->processor == to)
		return;
	WRITE_ONCE(v->processor, to);
	v->timers_moving = true;
}

void sched_kick_cpu(unsigned int cpu)
{
	if (cpu == this_cpu()->id)
		softirq_raise(SOFTIRQ_SCHEDULE);
	else
		softirq_raise_on(cpu, SOFTIRQ_SCHEDULE);
}

bool sched_cpu_idle(unsigned int cpu)
{
	return READ_ONCE(cpu_table[cpu]->current_vcpu) == NULL;
}

/* Runstate bookkeeping (Xen's RUNSTATE_*): the time spent in each. */
static void set_runstate(struct vcpu *v, unsigned int state, uint64_t now)
{
	if (now > v->runstate_entry_ns)
		v->runstate_time[v->runstate] += now - v->runstate_entry_ns;
	v->runstate = state;
	v->runstate_entry_ns = now;
}

static unsigned int idle_runstate(const struct vcpu *v)
{
	if (v->state == VCPU_DOWN)
		return RUNSTATE_offline;
	return v->state == VCPU_BLOCKED ? RUNSTATE_blocked : RUNSTATE_runnable;
}

void sched_get_runstate(struct vcpu *v, struct vcpu_runstate_info *out)
{
	uint64_t f, now = now_ns();
	struct cpu *c = vcpu_lock(v, &f);

	out->state = (int)v->runstate;
	out->state_entry_time = v->runstate_entry_ns;
	for (unsigned int i = 0; i < 4; i++)
		out->time[i] = v->runstate_time[i];
	/* The current state's time so far (its entry time stays). */
	if (now > v->runstate_entry_ns)
		out->time[v->runstate] += now - v->runstate_entry_ns;
	spin_unlock_irqrestore(&c->runq_lock, f);
}

/* Called with v's CPU locked: queue v if it can run and is not queued. */
static void make_runnable_locked(struct vcpu *v)
{
	int kick;
	uint64_t now = now_ns();

	if (!sched_vcpu_runnable(v) || v->running)
		return;
	if (v->runstate != RUNSTATE_runnable)
		set_runstate(v, RUNSTATE_runnable, now);
	kick = ops->wake(v, now);
	if (kick >= 0)
		sched_kick_cpu((unsigned int)kick);
}

int sched_init_vcpu(struct vcpu *v)
{
	return ops->init_vcpu(v);
}

void sched_add_vcpu(struct vcpu *v, unsigned int cpu)
{
	struct cpu *c;
	uint64_t f;

	if (!cpumask_test(&v->affinity, cpu) || !cpumask_test(&cpu_online_mask, cpu)) {
		unsigned int i;
		for_each_cpu(i, &cpu_online_mask)
			if (cpumask_test(&v->affinity, i)) {
				cpu = i;
				break;
			}
	}
	v->processor = cpu;
	v->runstate = v->state == VCPU_DOWN ? RUNSTATE_offline : RUNSTATE_runnable;
	v->runstate_entry_ns = now_ns();
	c = vcpu_lock(v, &f);
	make_runnable_locked(v);  /* may move v: unlock the CPU locked */
	spin_unlock_irqrestore(&c->runq_lock, f);
}

void sched_remove_vcpu(struct vcpu *v)
{
	uint64_t f;
	struct cpu *c = vcpu_lock(v, &f);
	unsigned int cpu = c->id;

	v->state = VCPU_DOWN;
	ops->sleep(v);
	spin_unlock_irqrestore(&c->runq_lock, f);
	sched_kick_cpu(cpu);
}

void sched_destroy_vcpu(struct vcpu *v)
{
	if (v->sched_priv)
		ops->destroy_vcpu(v);
}

void sched_wake(struct vcpu *v)
{
	uint64_t f;
	struct cpu *c = vcpu_lock(v, &f);

	if (v->state == VCPU_BLOCKED)
		v->state = VCPU_RUNNABLE;
	make_runnable_locked(v);
	spin_unlock_irqrestore(&c->runq_lock, f);
}

bool sched_vcpu_up(struct vcpu *v)
{
	uint64_t f;
	struct cpu *c = vcpu_lock(v, &f);
	/* One still leaving its CPU after going down just keeps running. */
	bool was_down = v->state == VCPU_DOWN;

	if (was_down) {
		v->state = VCPU_RUNNABLE;
		make_runnable_locked(v);
	}
	spin_unlock_irqrestore(&c->runq_lock, f);
	return was_down;
}

void sched_vcpu_down(struct vcpu *v)
{
	uint64_t f;
	struct cpu *c = vcpu_lock(v, &f);
	unsigned int cpu = c->id;
	bool running = v->running;

	v->state = VCPU_DOWN;
	ops->sleep(v);
	if (!running)
		set_runstate(v, RUNSTATE_offline, now_ns());
	spin_unlock_irqrestore(&c->runq_lock, f);
	/* Running: its CPU takes it off at the next exit. */
	if (running)
		sched_kick_cpu(cpu);
}

void sched_block(struct vcpu *v)
{
	uint64_t f;
	struct cpu *c = vcpu_lock(v, &f);

	if (v->state == VCPU_RUNNABLE)
		v->state = VCPU_BLOCKED;
	spin_unlock_irqrestore(&c->runq_lock, f);
}

void sched_yield(struct vcpu *v)
{
	/* Leaving the run loop lets the policy pick again. */
	softirq_raise(SOFTIRQ_SCHEDULE);
}

int sched_set_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	return ops->set_params(d, weight, cap);
}

int sched_init_domain(struct domain *d)
{
	return ops->init_domain(d);
}

void sched_destroy_domain(struct domain *d)
{
	if (d->sched_priv)
		ops->destroy_domain(d);
}

static void slice_end(void *unused)
{
	softirq_raise(SOFTIRQ_SCHEDULE);
}

static void schedule_softirq(void)
{
	/* Nothing to do: a pending softirq already ends the current run. */
}

void sched_init_cpu(unsigned int cpu)
{
	struct cpu *c = cpu_table[cpu];

	spin_lock_init(&c->runq_lock, "runq");
	timer_init(&c->slice_timer, "sched-slice", slice_end, NULL, cpu);
	if (cpu == 0)
		softirq_register(SOFTIRQ_SCHEDULE, schedule_softirq);
	BUG_ON(ops->init_cpu(cpu));
}

static struct vcpu *pick(struct cpu *c, uint64_t *slice)
{
	uint64_t f = spin_lock_irqsave(&c->runq_lock);
	uint64_t now = now_ns();
	struct vcpu *v;

	/* A policy returns only runnable vCPUs it had queued here. */
	v = ops->pick(c->id, now, slice);
	if (v) {
		ASSERT(v->processor == c->id && !v->running);
		v->running = true;
		set_runstate(v, RUNSTATE_running, now);
		c->current_vcpu = v;
	}
	spin_unlock_irqrestore(&c->runq_lock, f);
	return v;
}

static void put_back(struct cpu *c, struct vcpu *v, uint64_t ran)
{
	uint64_t f = spin_lock_irqsave(&c->runq_lock);
	uint64_t now = now_ns();
	bool runnable = sched_vcpu_runnable(v);

	c->current_vcpu = NULL;
	v->running = false;
	set_runstate(v, runnable ? RUNSTATE_runnable : idle_runstate(v), now);
	if (v->domain->state == DOMAIN_RUNNING)
		runstate_publish(v);
	ops->put(v, ran, runnable, now);
	spin_unlock_irqrestore(&c->runq_lock, f);
}

/* A vCPU's timers live on its CPU (they fire where it runs); the CPU
 * that starts running a migrated vCPU moves them, outside any lock. */
static void vcpu_move_timers(struct vcpu *v, unsigned int cpu)
{
	timer_migrate(&v->singleshot, cpu);
	timer_migrate(&v->poll_timer, cpu);
	arch_vcpu_move_timers(v, cpu);
}

void sched_loop(void)
{
	struct cpu *c = this_cpu();

	local_irq_enable();
	for (;;) {
		struct vcpu *v;
		uint64_t slice = SCHED_SLICE_NS, start;

		do_softirq();
		v = pick(c, &slice);
		if (!v) {
			local_irq_disable();
			if (!softirq_pending()) {
				c->halts++;
				c->idle_start_ns = now_ns();
				safe_halt();
				c->idle_ns += now_ns() - c->idle_start_ns;
			} else {
				local_irq_enable();
			}
			continue;
		}
		if (v->timers_moving) {
			v->timers_moving = false;
			vcpu_move_timers(v, c->id);
		}
		runstate_publish(v);
		arch_vcpu_load(v);
		start = now_ns();
		timer_set(&c->slice_timer, start + slice);
		v->last_start_ns = start;
		while (sched_vcpu_runnable(v) && !softirq_pending())
			arch_vcpu_run_once(v);
		v->runtime_ns += now_ns() - start;
		timer_stop(&c->slice_timer);
		arch_vcpu_save(v);
		/* After this the reaper may free v (its domain dying). */
		put_back(c, v, now_ns() - start);
	}
}

void sched_dump(void)
{
	unsigned int cpu;

	printk(LOG_ALWAYS, "Scheduler: %s\n", ops->name);
	for_each_cpu(cpu, &cpu_online_mask) {
		struct cpu *c = cpu_table[cpu];
		uint64_t f = spin_lock_irqsave(&c->runq_lock);
		struct vcpu *cur = c->current_vcpu;

		printk(LOG_ALWAYS, " CPU%u (APIC %u): %s, %llu interrupts, %llu halts, idle %llu ms\n",
		       cpu, c->apic_id, cur ? "running" : "idle",
		       (unsigned long long)c->irqs, (unsigned long long)c->halts,
		       (unsigned long long)(c->idle_ns / 1000000));
		if (cur)
			printk(LOG_ALWAYS, "   running: d%uv%u (%s)\n", cur->domain->domid,
			       cur->vcpu_id, cur->domain->name);
		ops->dump_cpu(cpu);
		spin_unlock_irqrestore(&c->runq_lock, f);
	}
}

void sched_dump_domain(struct domain *d)
{
	ops->dump_domain(d);
}
