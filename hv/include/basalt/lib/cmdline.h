/* SPDX-License-Identifier: MIT */
/*
 * Command-line option parsing, in Xen's syntax: options separated by
 * spaces; "name=value"; a boolean is "name", "no-name" or "name=<bool>".
 * Values may be double-quoted to contain spaces. Pure: the caller gives
 * the option table and a warning sink.
 */
#ifndef BASALT_LIB_CMDLINE_H
#define BASALT_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cmdline_type {
	CMDLINE_BOOL,   /* bool *: "name", "no-name", "name=<bool>" */
	CMDLINE_UINT,   /* unsigned int *: decimal or 0x hex */
	CMDLINE_SIZE,   /* uint64_t * bytes: parse_size() syntax */
	CMDLINE_STRING, /* char[len]: copied, must fit (else malformed) */
	CMDLINE_CUSTOM, /* parse(value, var): returns false when malformed */
};

struct cmdline_option {
	const char *name;
	enum cmdline_type type;
	void *var;
	size_t len;                                  /* CMDLINE_STRING only */
	/* CMDLINE_CUSTOM only; value is NULL when the option has no "=" */
	bool (*parse)(const char *value, void *var);
};

/*
 * Called once per problem with a complete message (no trailing newline),
 * for example "unknown option 'foo' ignored" or
 * "malformed value 'x' for option 'maxcpus': default kept".
 */
typedef void (*cmdline_warn_fn)(void *ctx, const char *msg);

/*
 * Apply every option in cmdline to the table. A malformed value leaves the
 * option's variable untouched. Unknown options and malformed values are
 * reported through warn and parsing goes on. Returns the number of warnings.
 * Options longer than 255 bytes are reported as malformed.
 */
unsigned int cmdline_parse(const char *cmdline,
			   const struct cmdline_option *opts, size_t nopts,
			   cmdline_warn_fn warn, void *ctx);

#endif /* BASALT_LIB_CMDLINE_H */
