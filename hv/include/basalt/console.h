/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor console: leveled messages, printed a whole line at a time
 * (lines from different CPUs never interleave) with a timestamp prefix.
 */
#ifndef BASALT_CONSOLE_H
#define BASALT_CONSOLE_H

#include <basalt/compiler.h>
#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_NONE = 0,   /* only for thresholds: print nothing */
	LOG_ERROR = 1,
	LOG_WARNING = 2,
	LOG_INFO = 3,
	LOG_DEBUG = 4,
	LOG_ALWAYS = 5, /* panics: printed whatever the threshold */
};

__printf(2, 3) void printk(int level, const char *fmt, ...);
__printf(2, 0) void vprintk(int level, const char *fmt, va_list ap);

#define pr_err(...)   printk(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARNING, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

struct console_config {
	bool enabled;       /* console=com1 (true) or none */
	int loglvl;         /* threshold for hypervisor messages */
	int guest_loglvl;   /* threshold for guest messages (later) */
};
extern struct console_config console_cfg;

/* Parse Xen's "loglvl=" value "<level>[/<rate-limited level>]". */
bool console_parse_loglvl(const char *value, void *var);
/* Parse "console=": com1 or none (a list separated by commas is accepted). */
bool console_parse_console(const char *value, void *var);

void console_init_early(void);
/* A panic may interrupt a CPU that holds the console lock: take it over. */
void console_force_unlock(void);
/* Called when a byte arrives on the serial line. */
void console_input(unsigned char c);
void console_input_init(void);

#endif /* BASALT_CONSOLE_H */
