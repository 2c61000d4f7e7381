/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks: FIFO fair, so no CPU starves under contention. Debug
 * builds (CONFIG_DEBUG) record the holder and catch recursive locking,
 * unlocking by a non-holder, and a lock used both with and without
 * interrupts disabled (which can deadlock against an interrupt handler).
 */
#ifndef BASALT_SPINLOCK_H
#define BASALT_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct spinlock {
	volatile uint16_t owner; /* ticket now being served */
	volatile uint16_t next;  /* next ticket to hand out */
#if CONFIG_DEBUG
	int16_t holder;          /* CPU id holding it, -1 when free */
	uint8_t irq_use;         /* 0 unseen, 1 always irqs off, 2 always on */
	const char *name;
#endif
} spinlock_t;

#if CONFIG_DEBUG
#define SPINLOCK_INIT(n) { 0, 0, -1, 0, n }
#else
#define SPINLOCK_INIT(n) { 0, 0 }
#endif
#define DEFINE_SPINLOCK(l) spinlock_t l = SPINLOCK_INIT(#l)

void spin_lock_init(spinlock_t *l, const char *name);
void spin_lock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_is_locked(const spinlock_t *l);
uint64_t spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, uint64_t flags);

/* After boot, lock debugging also checks interrupt-state consistency. */
void spinlock_debug_activate(void);

#endif /* BASALT_SPINLOCK_H */
