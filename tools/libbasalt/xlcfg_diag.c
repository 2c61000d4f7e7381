// SPDX-License-Identifier: MIT
/*
 * Diagnostics of the xl.cfg parser: every message is formatted once as
 * "source:line:col: severity: text" and handed to the caller's sink.
 */
#include <stdarg.h>
#include <stdio.h>
#include <basalt/xlcfg.h>

static void diag_stderr(void *ctx, enum xlcfg_severity sev, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

void xlcfg_diag_init(struct xlcfg_diag *d, const char *source,
		     xlcfg_diag_fn fn, void *ctx)
{
	d->source = source ? source : "<config>";
	d->fn = fn ? fn : diag_stderr;
	d->ctx = ctx;
	d->errors = 0;
	d->warnings = 0;
}

void xlcfg_report(struct xlcfg_diag *d, enum xlcfg_severity sev, int line,
		  int col, const char *fmt, ...)
{
	char text[1024], msg[1400];
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	const char *what = sev == XLCFG_ERROR ? "error" : "warning";
	if (line > 0 && col > 0)
		snprintf(msg, sizeof(msg), "%s:%d:%d: %s: %s", d->source, line,
			 col, what, text);
	else if (line > 0)
		snprintf(msg, sizeof(msg), "%s:%d: %s: %s", d->source, line,
			 what, text);
	else
		snprintf(msg, sizeof(msg), "%s: %s: %s", d->source, what, text);
	if (sev == XLCFG_ERROR)
		d->errors++;
	else
		d->warnings++;
	d->fn(d->ctx, sev, msg);
}
