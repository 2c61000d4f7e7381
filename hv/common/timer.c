// SPDX-License-Identifier: MIT
/*
 * Per-CPU one-shot timers: a binary min-heap per CPU ordered by deadline.
 * The local timer interrupt raises SOFTIRQ_TIMER; the softirq runs every
 * expired timer and programs the hardware for the next deadline.
 */
#include <basalt/timer.h>
#include <basalt/arch.h>
#include <basalt/assert.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/mm.h>
#include <basalt/softirq.h>
#include <basalt/time.h>
#include <basalt/lib/string.h>
#include <asm/cpu.h>

static void heap_swap(struct timer_queue *q, unsigned int a, unsigned int b)
{
	struct timer *t = q->heap[a];

	q->heap[a] = q->heap[b];
	q->heap[b] = t;
	q->heap[a]->heap_index = (int)a;
	q->heap[b]->heap_index = (int)b;
}

static void sift_up(struct timer_queue *q, unsigned int i)
{
	while (i > 0) {
		unsigned int parent = (i - 1) / 2;
		if (q->heap[parent]->expires <= q->heap[i]->expires)
			break;
		heap_swap(q, i, parent);
		i = parent;
	}
}

static void sift_down(struct timer_queue *q, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n && q->heap[l]->expires < q->heap[m]->expires)
			m = l;
		if (r < q->n && q->heap[r]->expires < q->heap[m]->expires)
			m = r;
		if (m == i)
			return;
		heap_swap(q, i, m);
		i = m;
	}
}

static void heap_remove(struct timer_queue *q, struct timer *t)
{
	unsigned int i = (unsigned int)t->heap_index;

	ASSERT(t->heap_index >= 0 && i < q->n && q->heap[i] == t);
	t->heap_index = -1;
	q->n--;
	if (i == q->n)
		return;
	q->heap[i] = q->heap[q->n];
	q->heap[i]->heap_index = (int)i;
	sift_down(q, i);
	sift_up(q, i);
}

static bool heap_insert(struct timer_queue *q, struct timer *t)
{
	if (q->n == q->cap) {
		unsigned int cap = q->cap ? q->cap * 2 : 16;
		struct timer **h = xzalloc(sizeof(*h) * cap);
		if (!h)
			return false;
		if (q->n)
			memcpy(h, q->heap, sizeof(*h) * q->n);
		xfree(q->heap);
		q->heap = h;
		q->cap = cap;
	}
	q->heap[q->n] = t;
	t->heap_index = (int)q->n;
	q->n++;
	sift_up(q, q->n - 1);
	return true;
}

/* Program the local timer for the earliest deadline. Lock held. */
static void reprogram(struct timer_queue *q)
{
	arch_timer_program(q->n ? q->heap[0]->expires : 0);
}

void timer_init(struct timer *t, const char *name, void (*fn)(void *),
		void *data, unsigned int cpu)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
	t->heap_index = -1;
}

void timer_set(struct timer *t, uint64_t expires)
{
	struct timer_queue *q = &cpu_table[t->cpu]->timers;
	uint64_t flags = spin_lock_irqsave(&q->lock);
	bool first;

	if (t->heap_index >= 0)
		heap_remove(q, t);
	t->expires = expires;
	BUG_ON(!heap_insert(q, t));
	first = q->heap[0] == t;
	if (first && t->cpu == this_cpu()->id)
		reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
	/* Another CPU must reprogram its own timer hardware. */
	if (first && t->cpu != this_cpu()->id)
		softirq_raise_on(t->cpu, SOFTIRQ_TIMER);
}

void timer_stop(struct timer *t)
{
	struct timer_queue *q = &cpu_table[t->cpu]->timers;
	uint64_t flags = spin_lock_irqsave(&q->lock);

	if (t->heap_index >= 0)
		heap_remove(q, t);
	spin_unlock_irqrestore(&q->lock, flags);
	/* Its callback may be running on its CPU right now: wait, so that the
	 * caller may free what it uses. */
	if (t->cpu != this_cpu()->id)
		while (READ_ONCE(q->running) == t)
			cpu_relax();
}

void timer_migrate(struct timer *t, unsigned int cpu)
{
	unsigned int old = t->cpu;
	struct timer_queue *q = &cpu_table[old]->timers;
	uint64_t flags, expires = 0;
	bool pending = false;

	if (old == cpu)
		return;
	for (;;) {
		flags = spin_lock_irqsave(&q->lock);
		if (t->heap_index >= 0) {
			heap_remove(q, t);
			pending = true;
			expires = t->expires;
		}
		/* Its callback may be re-arming it there: wait and look again. */
		if (READ_ONCE(q->running) != t) {
			WRITE_ONCE(t->cpu, cpu);
			spin_unlock_irqrestore(&q->lock, flags);
			break;
		}
		spin_unlock_irqrestore(&q->lock, flags);
		while (READ_ONCE(q->running) == t)
			cpu_relax();
	}
	if (pending)
		timer_set(t, expires);
}

bool timer_is_pending(const struct timer *t)
{
	return READ_ONCE(t->heap_index) >= 0;
}

static void timer_softirq(void)
{
	struct timer_queue *q = &this_cpu()->timers;
	uint64_t flags = spin_lock_irqsave(&q->lock);

	while (q->n && q->heap[0]->expires <= now_ns()) {
		struct timer *t = q->heap[0];
		heap_remove(q, t);
		q->fired++;
		q->running = t;
		/* Run without the lock: the handler may re-arm itself. */
		spin_unlock_irqrestore(&q->lock, flags);
		t->fn(t->data);
		flags = spin_lock_irqsave(&q->lock);
		q->running = NULL;
	}
	reprogram(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

void timer_queue_init(unsigned int cpu)
{
	struct timer_queue *q = &cpu_table[cpu]->timers;

	spin_lock_init(&q->lock, "timer_queue");
	q->n = 0;
}

void timers_dump(void)
{
	uint64_t now = now_ns();
	unsigned int c;

	printk(LOG_ALWAYS, "Timers at %llu ns:\n", (unsigned long long)now);
	for_each_cpu(c, &cpu_online_mask) {
		struct timer_queue *q = &cpu_table[c]->timers;
		uint64_t flags = spin_lock_irqsave(&q->lock);

		printk(LOG_ALWAYS, " CPU%u: %u pending, %llu fired\n", c, q->n,
		       (unsigned long long)q->fired);
		for (unsigned int i = 0; i < q->n; i++)
			printk(LOG_ALWAYS, "  %-16s in %lld us\n",
			       q->heap[i]->name,
			       (long long)(q->heap[i]->expires - now) / 1000);
		spin_unlock_irqrestore(&q->lock, flags);
	}
}

void timer_subsys_init(void)
{
	softirq_register(SOFTIRQ_TIMER, timer_softirq);
}
