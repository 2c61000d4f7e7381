// SPDX-License-Identifier: MIT
/* Ticket spinlocks with optional lock debugging (see spinlock.h). */
#include <basalt/spinlock.h>
#include <basalt/cpu.h>
#include <basalt/panic.h>
#include <asm/cpu.h>

#if CONFIG_DEBUG
static bool check_irq_use;

void spinlock_debug_activate(void)
{
	check_irq_use = true;
}

static void check_lock(spinlock_t *l)
{
	uint8_t use = local_irq_is_enabled() ? 2 : 1;

	if (l->holder == (int16_t)this_cpu()->id)
		panic("recursive spin_lock(%s) on CPU %u", l->name,
		      this_cpu()->id);
	if (!check_irq_use)
		return;
	/* Taken both ways: an interrupt could spin on a lock its own CPU
	 * holds with interrupts enabled. */
	if (l->irq_use == 0)
		l->irq_use = use;
	else if (l->irq_use != use)
		panic("spinlock %s taken with interrupts %s, earlier %s",
		      l->name, use == 2 ? "enabled" : "disabled",
		      use == 2 ? "disabled" : "enabled");
}

static void note_acquired(spinlock_t *l)
{
	l->holder = (int16_t)this_cpu()->id;
}

static void note_released(spinlock_t *l)
{
	if (l->holder != (int16_t)this_cpu()->id)
		panic("spin_unlock(%s) on CPU %u, held by %d", l->name,
		      this_cpu()->id, l->holder);
	l->holder = -1;
}
#else
void spinlock_debug_activate(void)
{
}

static void check_lock(spinlock_t *l)
{
}

static void note_acquired(spinlock_t *l)
{
}

static void note_released(spinlock_t *l)
{
}
#endif

void spin_lock_init(spinlock_t *l, const char *name)
{
	l->owner = 0;
	l->next = 0;
#if CONFIG_DEBUG
	l->holder = -1;
	l->irq_use = 0;
	l->name = name;
#endif
}

void spin_lock(spinlock_t *l)
{
	uint16_t ticket;

	check_lock(l);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	/* Acquire pairs with the release store in spin_unlock(). */
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
	note_acquired(l);
}

bool spin_trylock(spinlock_t *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint16_t expect = owner;

	check_lock(l);
	if (!__atomic_compare_exchange_n(&l->next, &expect,
					 (uint16_t)(owner + 1), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	note_acquired(l);
	return true;
}

void spin_unlock(spinlock_t *l)
{
	note_released(l);
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

uint64_t spin_lock_irqsave(spinlock_t *l)
{
	uint64_t flags = local_irq_save();
	spin_lock(l);
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}
