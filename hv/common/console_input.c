// SPDX-License-Identifier: MIT
/*
 * Serial input: the boot CPU polls the UART from a timer and hands bytes
 * to whoever has the input focus: a domain (its console ring) or Basalt
 * (debug keys). As in Xen the focus starts on the first domain, and Ctrl-A
 * three times in a row moves it to the next domain, then to Basalt, then
 * around again.
 */
#include <basalt/console.h>
#include <basalt/console_ring.h>
#include <basalt/domain.h>
#include <basalt/drivers/uart.h>
#include <basalt/keyhandler.h>
#include <basalt/softirq.h>
#include <basalt/time.h>
#include <basalt/timer.h>
#include <stddef.h>

#define POLL_NS   (20 * NSEC_PER_MSEC)
#define CTRL_A    0x01

static struct timer poll_timer;
static unsigned int ctrl_a_run;
static int focus = -1;          /* domid with the input, -1: Basalt */
static bool focus_chosen;

static void announce(void)
{
	struct domain *d = focus >= 0 ? domain_by_id((unsigned int)focus) : NULL;

	if (d)
		printk(LOG_ALWAYS, "*** Serial input to d%u (%s) "
		       "(type 'CTRL-a' three times to switch input)\n",
		       d->domid, d->name);
	else if (domain_count())
		printk(LOG_ALWAYS, "*** Serial input to Basalt "
		       "(type 'CTRL-a' three times to switch input; 'h' for help)\n");
	else
		printk(LOG_ALWAYS, "*** Serial input to Basalt "
		       "(no domains to switch to; 'h' for help)\n");
}

void console_input(unsigned char c)
{
	struct domain *d;

	if (!focus_chosen) {
		/* At first, the first domain has the input, as dom0 on Xen. */
		d = domain_next(-1);
		focus = d ? (int)d->domid : -1;
		focus_chosen = true;
	}
	if (c == CTRL_A) {
		if (++ctrl_a_run == 3) {
			ctrl_a_run = 0;
			d = domain_next(focus);
			focus = d ? (int)d->domid : -1;
			announce();
		}
		return;
	}
	ctrl_a_run = 0;
	d = focus >= 0 ? domain_by_id((unsigned int)focus) : NULL;
	if (d && console_ring_input(d, (const char *)&c, 1))
		return;
	focus = -1; /* the domain is gone: back to Basalt */
	keyhandler_run(c);
}

static void poll_uart(void *unused)
{
	uint8_t c;

	for (int i = 0; i < 64 && uart_getc(&c); i++)
		console_input(c);
	timer_set(&poll_timer, now_ns() + POLL_NS);
}

void console_input_init(void)
{
	timer_init(&poll_timer, "serial-poll", poll_uart, NULL, 0);
	timer_set(&poll_timer, now_ns() + POLL_NS);
}
