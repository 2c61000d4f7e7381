// SPDX-License-Identifier: MIT
/*
 * Round-robin scheduling per host CPU. Each CPU runs the head of its run
 * queue until the vCPU blocks or a softirq is pending (a timer, a slice
 * end, a wake-up), then puts it at the tail. A CPU with nothing runnable
 * halts until an interrupt.
 */
#include <basalt/sched.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/domain.h>
#include <basalt/ipi.h>
#include <basalt/softirq.h>
#include <basalt/time.h>
#include <asm/cpu.h>

static bool runnable(const struct vcpu *v)
{
	return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
	       v->domain->pause_count == 0 && v->domain->state == DOMAIN_RUNNING;
}

/* Queue operations: the caller holds the CPU's runq_lock. */
static void runq_append(struct cpu *c, struct vcpu *v)
{
	if (v->on_runq)
		return;
	v->runq_next = NULL;
	if (c->runq_tail)
		c->runq_tail->runq_next = v;
	else
		c->runq_head = v;
	c->runq_tail = v;
	v->on_runq = true;
}

static void runq_remove(struct cpu *c, struct vcpu *v)
{
	struct vcpu **pp = &c->runq_head, *prev = NULL;

	if (!v->on_runq)
		return;
	while (*pp && *pp != v) {
		prev = *pp;
		pp = &(*pp)->runq_next;
	}
	ASSERT(*pp == v);
	*pp = v->runq_next;
	if (c->runq_tail == v)
		c->runq_tail = prev;
	v->on_runq = false;
	v->runq_next = NULL;
}

static void kick(unsigned int cpu)
{
	if (cpu != this_cpu()->id)
		ipi_send_wakeup(cpu);
}

void sched_add_vcpu(struct vcpu *v, unsigned int cpu)
{
	struct cpu *c = cpu_table[cpu];
	uint64_t f;

	v->processor = cpu;
	f = spin_lock_irqsave(&c->runq_lock);
	if (runnable(v))
		runq_append(c, v);
	spin_unlock_irqrestore(&c->runq_lock, f);
	kick(cpu);
}

void sched_remove_vcpu(struct vcpu *v)
{
	struct cpu *c = cpu_table[v->processor];
	uint64_t f = spin_lock_irqsave(&c->runq_lock);

	runq_remove(c, v);
	v->state = VCPU_DOWN;
	spin_unlock_irqrestore(&c->runq_lock, f);
	kick(v->processor);
}

void sched_wake(struct vcpu *v)
{
	struct cpu *c = cpu_table[v->processor];
	uint64_t f = spin_lock_irqsave(&c->runq_lock);

	if (v->state == VCPU_BLOCKED)
		v->state = VCPU_RUNNABLE;
	if (runnable(v) && !v->running)
		runq_append(c, v);
	spin_unlock_irqrestore(&c->runq_lock, f);
	kick(v->processor);
}

bool sched_vcpu_up(struct vcpu *v)
{
	struct cpu *c = cpu_table[v->processor];
	uint64_t f = spin_lock_irqsave(&c->runq_lock);
	bool was_down = v->state == VCPU_DOWN;

	if (was_down) {
		v->state = VCPU_RUNNABLE;
		if (runnable(v) && !v->running)
			runq_append(c, v);
	}
	spin_unlock_irqrestore(&c->runq_lock, f);
	if (was_down)
		kick(v->processor);
	return was_down;
}

void sched_vcpu_down(struct vcpu *v)
{
	struct cpu *c = cpu_table[v->processor];
	uint64_t f = spin_lock_irqsave(&c->runq_lock);

	v->state = VCPU_DOWN;
	runq_remove(c, v);
	spin_unlock_irqrestore(&c->runq_lock, f);
	/* Running elsewhere: make that CPU leave the guest and see it. */
	if (v->running && v->processor != this_cpu()->id)
		softirq_raise_on(v->processor, SOFTIRQ_SCHEDULE);
}

void sched_block(struct vcpu *v)
{
	struct cpu *c = cpu_table[v->processor];
	uint64_t f = spin_lock_irqsave(&c->runq_lock);

	if (v->state == VCPU_RUNNABLE)
		v->state = VCPU_BLOCKED;
	spin_unlock_irqrestore(&c->runq_lock, f);
}

void sched_yield(struct vcpu *v)
{
	/* Leaving the run loop puts it at the tail of the queue. */
	softirq_raise(SOFTIRQ_SCHEDULE);
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
}

static struct vcpu *pick(struct cpu *c)
{
	uint64_t f = spin_lock_irqsave(&c->runq_lock);
	struct vcpu *v = c->runq_head;

	while (v && !runnable(v)) {  /* drop ones that stopped being runnable */
		runq_remove(c, v);
		v = c->runq_head;
	}
	if (v) {
		runq_remove(c, v);
		v->running = true;
	}
	spin_unlock_irqrestore(&c->runq_lock, f);
	return v;
}

static void put_back(struct cpu *c, struct vcpu *v)
{
	uint64_t f = spin_lock_irqsave(&c->runq_lock);

	v->running = false;
	if (runnable(v))
		runq_append(c, v);
	spin_unlock_irqrestore(&c->runq_lock, f);
}

void sched_loop(void)
{
	struct cpu *c = this_cpu();

	local_irq_enable();
	for (;;) {
		struct vcpu *v;

		do_softirq();
		v = pick(c);
		if (!v) {
			local_irq_disable();
			if (!softirq_pending() && !READ_ONCE(c->runq_head)) {
				c->halts++;
				c->idle_start_ns = now_ns();
				safe_halt();
				c->idle_ns += now_ns() - c->idle_start_ns;
			} else {
				local_irq_enable();
			}
			continue;
		}
		arch_vcpu_load(v);
		c->current_vcpu = v;
		timer_set(&c->slice_timer, now_ns() + SCHED_SLICE_NS);
		v->last_start_ns = now_ns();
		while (runnable(v) && !softirq_pending())
			arch_vcpu_run_once(v);
		v->runtime_ns += now_ns() - v->last_start_ns;
		c->current_vcpu = NULL;
		timer_stop(&c->slice_timer);
		arch_vcpu_save(v);
		/* After this the reaper may free v (its domain dying). */
		put_back(c, v);
	}
}

void sched_dump(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask) {
		struct cpu *c = cpu_table[cpu];
		uint64_t f = spin_lock_irqsave(&c->runq_lock);
		struct vcpu *cur = c->current_vcpu;

		printk(LOG_ALWAYS, " CPU%u (APIC %u): %s%s, %llu interrupts, %llu halts, idle %llu ms\n",
		       cpu, c->apic_id, cur ? "running " : "idle",
		       cur ? cur->domain->name : "",
		       (unsigned long long)c->irqs, (unsigned long long)c->halts,
		       (unsigned long long)(c->idle_ns / 1000000));
		for (struct vcpu *v = c->runq_head; v; v = v->runq_next)
			printk(LOG_ALWAYS, "   queued: d%uv%u (%s)\n", v->domain->domid,
			       v->vcpu_id, v->domain->name);
		spin_unlock_irqrestore(&c->runq_lock, f);
	}
}
