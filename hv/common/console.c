// SPDX-License-Identifier: MIT
/*
 * Console output: each CPU builds a line in its per-CPU buffer and prints
 * it whole under the console lock, prefixed by the time since boot.
 */
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/drivers/uart.h>
#include <basalt/lib/format.h>
#include <basalt/lib/string.h>
#include <basalt/panic.h>
#include <basalt/spinlock.h>
#include <basalt/time.h>
#include <asm/cpu.h>

struct console_config console_cfg = {
	.enabled = true,
	.loglvl = LOG_INFO,
	.guest_loglvl = LOG_INFO,
};

static DEFINE_SPINLOCK(console_lock);

static const char *const level_names[] = {
	[LOG_NONE] = "none", [LOG_ERROR] = "error", [LOG_WARNING] = "warning",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static bool parse_level(const char *s, size_t len, int *out)
{
	if (len == 3 && !strncmp(s, "all", 3)) {
		*out = LOG_DEBUG;
		return true;
	}
	for (int i = LOG_NONE; i <= LOG_DEBUG; i++) {
		if (strlen(level_names[i]) == len && !strncmp(s, level_names[i], len)) {
			*out = i;
			return true;
		}
	}
	return false;
}

bool console_parse_loglvl(const char *value, void *var)
{
	int *lvl = var;
	const char *slash;
	int upper, lower;

	if (!value)
		return false;
	slash = strchr(value, '/');
	if (!parse_level(value, slash ? (size_t)(slash - value) : strlen(value),
			 &upper))
		return false;
	/* The rate-limited threshold is accepted for Xen compatibility; Basalt
	 * does not rate-limit its own messages. */
	if (slash && !parse_level(slash + 1, strlen(slash + 1), &lower))
		return false;
	*lvl = upper;
	return true;
}

bool console_parse_console(const char *value, void *var)
{
	bool *enabled = var;
	bool on = false;
	const char *p = value;

	if (!value || !*value)
		return false;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 4 && !strncmp(p, "com1", 4))
			on = true;
		else if (!(len == 4 && !strncmp(p, "none", 4)) &&
			 !(len == 3 && !strncmp(p, "vga", 3)))
			return false; /* vga: accepted, there is none to drive */
		p += len;
		if (*p == ',')
			p++;
	}
	*enabled = on;
	return true;
}

static void emit_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static void emit_line(struct cpu *c)
{
	char prefix[32];
	uint64_t ns = c->line_start_ns;
	int n;
	uint64_t flags;

	n = snprintf(prefix, sizeof(prefix), "[%5llu.%06llu] ",
		     (unsigned long long)(ns / NSEC_PER_SEC),
		     (unsigned long long)(ns % NSEC_PER_SEC / 1000));
	flags = spin_lock_irqsave(&console_lock);
	emit_raw(prefix, (size_t)n);
	emit_raw(c->line, c->line_len);
	emit_raw("\n", 1);
	spin_unlock_irqrestore(&console_lock, flags);
	c->line_len = 0;
}

static void put_char(struct cpu *c, int level, char ch)
{
	if (c->line_len == 0) {
		c->line_level = level;
		c->line_start_ns = now_ns();
	}
	if (ch == '\n') {
		if (console_cfg.enabled &&
		    (c->line_level == LOG_ALWAYS ||
		     c->line_level <= console_cfg.loglvl))
			emit_line(c);
		c->line_len = 0;
		return;
	}
	if (c->line_len == CONSOLE_LINE_MAX - 1) {
		/* Too long: print what we have and continue on a new line. */
		put_char(c, level, '\n');
		c->line_level = level;
		c->line_start_ns = now_ns();
	}
	c->line[c->line_len++] = ch;
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	struct cpu *c = this_cpu();
	uint64_t flags;

	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* The per-CPU line buffer is also used from interrupt handlers. */
	flags = local_irq_save();
	for (int i = 0; i < n; i++)
		put_char(c, level, buf[i]);
	local_irq_restore(flags);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void console_force_unlock(void)
{
	spin_lock_init(&console_lock, "console_lock");
}
