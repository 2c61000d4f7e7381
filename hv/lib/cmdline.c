/* SPDX-License-Identifier: MIT */
/*
 * Applies a boot command line to a table of options, in Xen's syntax. Each
 * option is unquoted into a fixed-size buffer, so no input can write past
 * it, and every problem becomes one self-contained warning.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <basalt/lib/cmdline.h>
#include <basalt/lib/format.h>
#include <basalt/lib/parse.h>
#include <basalt/lib/string.h>

#define OPT_MAX 255          /* longest option, in bytes after unquoting */
#define TOO_LONG_SHOWN 32    /* bytes of an over-long option a warning shows */

struct parser {
	const struct cmdline_option *opts;
	size_t nopts;
	cmdline_warn_fn warn;
	void *ctx;
	unsigned int warnings;
};

static void report(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(struct parser *ps, const char *fmt, ...)
{
	/* Room for a whole option twice (name and value) plus the wording. */
	char msg[2 * OPT_MAX + 96];
	va_list ap;

	ps->warnings++;
	if (!ps->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps->warn(ps->ctx, msg);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/*
 * Copy the option starting at p into buf without its quotes. A quote
 * toggles quoting, and blanks inside quotes belong to the option; an
 * unterminated quote runs to the end of the line. Returns the position
 * after the option; *len is its full unquoted length, of which at most
 * OPT_MAX bytes are stored.
 */
static const char *read_option(const char *p, char buf[OPT_MAX + 1],
			       size_t *len)
{
	bool quoted = false;
	size_t n = 0;

	for (; *p && (quoted || !is_space(*p)); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (n < OPT_MAX)
			buf[n] = *p;
		n++;
	}
	buf[n < OPT_MAX ? n : OPT_MAX] = '\0';
	*len = n;
	return p;
}

static const struct cmdline_option *find(const struct parser *ps,
					 const char *name)
{
	for (size_t i = 0; i < ps->nopts; i++) {
		if (ps->opts[i].name && strcmp(ps->opts[i].name, name) == 0)
			return &ps->opts[i];
	}
	return NULL;
}

/* "decimal or 0x hex": a leading 0 does not mean octal here. */
static bool parse_uint(const char *value, unsigned int *out)
{
	const char *end;
	uint64_t v;
	unsigned int base = value[0] == '0' &&
			    (value[1] == 'x' || value[1] == 'X') ? 16 : 10;

	if (!parse_u64(value, &end, base, &v) || *end || v > (unsigned int)-1)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* Parse value for opt and store it; false when malformed (var untouched). */
static bool apply(const struct cmdline_option *opt, const char *value,
		  bool negated)
{
	switch (opt->type) {
	case CMDLINE_BOOL:
		if (!value) {
			*(bool *)opt->var = !negated;
			return true;
		}
		/* "no-name=value" has no sensible meaning. */
		return !negated && parse_bool(value, opt->var);
	case CMDLINE_UINT:
		return value && parse_uint(value, opt->var);
	case CMDLINE_SIZE: {
		uint64_t bytes;

		if (!value || !parse_size(value, &bytes))
			return false;
		*(uint64_t *)opt->var = bytes;
		return true;
	}
	case CMDLINE_STRING: {
		size_t n;

		if (!value)
			return false;
		n = strlen(value);
		if (n >= opt->len)
			return false;
		memcpy(opt->var, value, n + 1);
		return true;
	}
	case CMDLINE_CUSTOM:
		return opt->parse && opt->parse(value, opt->var);
	}
	return false;
}

static void handle_option(struct parser *ps, char *text, size_t len)
{
	const struct cmdline_option *opt;
	char *eq, *value = NULL;
	const char *name = text;
	bool negated = false;

	if (len > OPT_MAX) {
		report(ps, "malformed option '%.*s...' (%zu bytes, longer than "
		       "%d) ignored", TOO_LONG_SHOWN, text, len, OPT_MAX);
		return;
	}

	eq = strchr(text, '=');
	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	if (!*name) {
		report(ps, "malformed option '=%s' (no name) ignored", value);
		return;
	}

	opt = find(ps, name);
	if (!opt && strncmp(name, "no-", 3) == 0) {
		opt = find(ps, name + 3);
		if (opt && opt->type != CMDLINE_BOOL)
			opt = NULL;
		negated = opt != NULL;
	}
	if (!opt) {
		report(ps, "unknown option '%s%s%s' ignored", name,
		       value ? "=" : "", value ? value : "");
		return;
	}

	if (apply(opt, value, negated))
		return;
	if (value)
		report(ps, "malformed value '%s' for option '%s': default kept",
		       value, name);
	else
		report(ps, "missing value for option '%s': default kept", name);
}

/*
 * Options are blank-separated; later ones override earlier ones. A value
 * is required for all but booleans and custom options; "name=" gives an
 * empty string to a string option. cmdline may be NULL, and so may warn.
 */
unsigned int cmdline_parse(const char *cmdline,
			   const struct cmdline_option *opts, size_t nopts,
			   cmdline_warn_fn warn, void *ctx)
{
	struct parser ps = {
		.opts = opts, .nopts = nopts, .warn = warn, .ctx = ctx,
	};
	const char *p = cmdline;

	if (!p)
		return 0;
	for (;;) {
		char buf[OPT_MAX + 1];
		size_t len;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		p = read_option(p, buf, &len);
		/* Only quotes, as in `""`: an empty option, nothing to do. */
		if (len == 0)
			continue;
		handle_option(&ps, buf, len);
	}
	return ps.warnings;
}
