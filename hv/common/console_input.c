// SPDX-License-Identifier: MIT
/*
 * Serial input: the boot CPU polls the UART from a timer and hands bytes
 * to whoever has the input focus. Ctrl-A three times in a row moves the
 * focus, as in Xen; with no domains yet it stays with Basalt, where bytes
 * are debug keys.
 */
#include <basalt/console.h>
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

void console_input(unsigned char c)
{
	if (c == CTRL_A) {
		if (++ctrl_a_run == 3) {
			ctrl_a_run = 0;
			printk(LOG_ALWAYS, "*** Serial input to Basalt "
			       "(no domains to switch to; 'h' for help)\n");
		}
		return;
	}
	ctrl_a_run = 0;
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
