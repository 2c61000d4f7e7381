/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv/lib/cmdline.c: every option type, the no- form,
 * quoting, malformed values (variable untouched, exact warning text),
 * unknown and over-long options, repeats, and a fixed-seed garbage loop
 * that ASan watches for out-of-bounds writes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <basalt/lib/cmdline.h>

/* ---- warning capture -------------------------------------------------- */

#define MAX_MSGS 16

struct warnings {
	unsigned int n;          /* calls, including those not kept */
	char msg[MAX_MSGS][600];
};

static void collect(void *ctx, const char *msg)
{
	struct warnings *w = ctx;

	assert_non_null(msg);
	/* A complete message: one line, something in it. */
	assert_true(strlen(msg) > 0);
	assert_null(strchr(msg, '\n'));
	if (w->n < MAX_MSGS)
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
	w->n++;
}

/* ---- the option table under test -------------------------------------- */

static bool opt_flag, opt_other;
static unsigned int opt_num;
static uint64_t opt_mem;
static char opt_console[8];
static char opt_long[256];

struct custom_seen {
	unsigned int calls;
	bool got_null;
	char last[64];
	int value;
};

static struct custom_seen seen;

/* Accepts NULL (meaning "on") or a number below 100. */
static bool parse_level(const char *value, void *var)
{
	int *out = var;

	seen.calls++;
	seen.got_null = value == NULL;
	snprintf(seen.last, sizeof(seen.last), "%s", value ? value : "(none)");
	if (!value) {
		*out = 1;
		return true;
	}
	if (strlen(value) == 0 || strlen(value) > 2 ||
	    strspn(value, "0123456789") != strlen(value))
		return false;
	*out = atoi(value);
	return true;
}

static const struct cmdline_option table[] = {
	{ .name = "flag", .type = CMDLINE_BOOL, .var = &opt_flag },
	{ .name = "other", .type = CMDLINE_BOOL, .var = &opt_other },
	{ .name = "maxcpus", .type = CMDLINE_UINT, .var = &opt_num },
	{ .name = "dom0_mem", .type = CMDLINE_SIZE, .var = &opt_mem },
	{ .name = "console", .type = CMDLINE_STRING, .var = opt_console,
	  .len = sizeof(opt_console) },
	{ .name = "long", .type = CMDLINE_STRING, .var = opt_long,
	  .len = sizeof(opt_long) },
	{ .name = "level", .type = CMDLINE_CUSTOM, .var = &seen.value,
	  .parse = parse_level },
	{ .name = "broken", .type = CMDLINE_CUSTOM, .var = &seen.value },
};
#define NOPTS (sizeof(table) / sizeof(table[0]))

static struct warnings w;

static int reset(void **state)
{
	opt_flag = false;
	opt_other = true;
	opt_num = 7;
	opt_mem = 0x1234;
	strcpy(opt_console, "def");
	strcpy(opt_long, "def");
	memset(&seen, 0, sizeof(seen));
	seen.value = -5;
	memset(&w, 0, sizeof(w));
	return 0;
}

/* Returns the warnings so far in this test, so a sequence of calls
 * reads as a running total and w.msg[i] is the i-th warning. */
static unsigned int run(const char *line)
{
	unsigned int before = w.n;
	unsigned int n = cmdline_parse(line, table, NOPTS, collect, &w);

	/* The return value counts exactly the warnings delivered. */
	assert_int_equal(n, w.n - before);
	return w.n;
}

/* ---- tests ------------------------------------------------------------ */

static void test_bool(void **state)
{
	static const struct {
		const char *line;
		bool start, want;
	} cases[] = {
		{ "flag", false, true },
		{ "no-flag", true, false },
		{ "flag=1", false, true },
		{ "flag=yes", false, true },
		{ "flag=on", false, true },
		{ "flag=true", false, true },
		{ "flag=enable", false, true },
		{ "flag=0", true, false },
		{ "flag=no", true, false },
		{ "flag=off", true, false },
		{ "flag=false", true, false },
		{ "flag=disable", true, false },
		{ "flag=\"on\"", false, true },
		{ "no-flag flag", false, true },
		{ "flag no-flag", true, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset(state);
		opt_flag = cases[i].start;
		assert_int_equal(run(cases[i].line), 0);
		if (opt_flag != cases[i].want)
			fail_msg("\"%s\": flag %d", cases[i].line, opt_flag);
	}
	/* Neighbours are left alone. */
	assert_true(opt_other);
}

static void test_bool_malformed(void **state)
{
	opt_flag = true;
	assert_int_equal(run("flag=maybe"), 1);
	assert_string_equal(w.msg[0],
		"malformed value 'maybe' for option 'flag': default kept");
	assert_true(opt_flag);

	assert_int_equal(run("flag="), 2);
	assert_string_equal(w.msg[1],
		"malformed value '' for option 'flag': default kept");
	assert_true(opt_flag);

	/* The negated form takes no value. */
	assert_int_equal(run("no-flag=1"), 3);
	assert_string_equal(w.msg[2],
		"malformed value '1' for option 'no-flag': default kept");
	assert_true(opt_flag);

	/* Case matters, as in Xen. */
	assert_int_equal(run("Flag"), 4);
	assert_string_equal(w.msg[3], "unknown option 'Flag' ignored");
}

static void test_uint(void **state)
{
	static const struct {
		const char *line;
		unsigned int want;
	} good[] = {
		{ "maxcpus=0", 0 },
		{ "maxcpus=42", 42 },
		{ "maxcpus=0x2A", 42 },
		{ "maxcpus=0x2a", 42 },
		{ "maxcpus=010", 10 },    /* decimal, not octal */
		{ "maxcpus=4294967295", 4294967295u },
		{ "maxcpus=0xffffffff", 0xffffffffu },
		{ "maxcpus=\"16\"", 16 },
	};
	static const char *const bad[] = {
		"maxcpus=4294967296", "maxcpus=0x100000000", "maxcpus=-1",
		"maxcpus=", "maxcpus=12abc", "maxcpus=0x",
		"maxcpus=1.5", "maxcpus=99999999999999999999999",
		"maxcpus=0x0x5", "maxcpus=+3",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		reset(state);
		assert_int_equal(run(good[i].line), 0);
		assert_int_equal(opt_num, good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];

		reset(state);
		assert_int_equal(run(bad[i]), 1);
		assert_int_equal(opt_num, 7);
		snprintf(want, sizeof(want),
			 "malformed value '%s' for option 'maxcpus': default kept",
			 bad[i] + strlen("maxcpus="));
		assert_string_equal(w.msg[0], want);
	}
	/* A blank ends the option: "maxcpus= 3" is two of them. */
	reset(state);
	assert_int_equal(run("maxcpus= 3"), 2);
	assert_string_equal(w.msg[1], "unknown option '3' ignored");
	assert_int_equal(opt_num, 7);

	reset(state);
	assert_int_equal(run("maxcpus"), 1);
	assert_string_equal(w.msg[0],
		"missing value for option 'maxcpus': default kept");
	assert_int_equal(opt_num, 7);
	/* No no- form for non-booleans. */
	assert_int_equal(run("no-maxcpus"), 2);
	assert_string_equal(w.msg[1], "unknown option 'no-maxcpus' ignored");
	assert_int_equal(opt_num, 7);
}

static void test_size(void **state)
{
	assert_int_equal(run("dom0_mem=512M"), 0);
	assert_int_equal(opt_mem, 512ull << 20);
	assert_int_equal(run("dom0_mem=2g"), 0);
	assert_int_equal(opt_mem, 2ull << 30);
	assert_int_equal(run("dom0_mem=4096"), 0);
	assert_int_equal(opt_mem, 4096ull << 10);
	assert_int_equal(run("dom0_mem=0x100000B"), 0);
	assert_int_equal(opt_mem, 0x100000bull << 10);   /* B is a hex digit */
	assert_int_equal(run("dom0_mem=100b"), 0);
	assert_int_equal(opt_mem, 100);

	assert_int_equal(run("dom0_mem=1Q"), 1);
	assert_string_equal(w.msg[0],
		"malformed value '1Q' for option 'dom0_mem': default kept");
	assert_int_equal(run("dom0_mem=16777216T"), 2);
	assert_int_equal(run("dom0_mem="), 3);
	assert_int_equal(run("dom0_mem"), 4);
	assert_string_equal(w.msg[3],
		"missing value for option 'dom0_mem': default kept");
	assert_int_equal(opt_mem, 100);
}

static void test_string(void **state)
{
	assert_int_equal(run("console=com1"), 0);
	assert_string_equal(opt_console, "com1");
	/* Exactly fills the 8-byte buffer with its terminator. */
	assert_int_equal(run("console=1234567"), 0);
	assert_string_equal(opt_console, "1234567");
	/* One byte too many: malformed, previous value kept. */
	assert_int_equal(run("console=12345678"), 1);
	assert_string_equal(w.msg[0],
		"malformed value '12345678' for option 'console': default kept");
	assert_string_equal(opt_console, "1234567");
	/* Explicit empty value. */
	assert_int_equal(run("console="), 1);
	assert_string_equal(opt_console, "");
	/* No value at all. */
	assert_int_equal(run("console"), 2);
	assert_string_equal(w.msg[1],
		"missing value for option 'console': default kept");
	assert_string_equal(opt_console, "");
	/* A value keeps everything after the first '='. */
	assert_int_equal(run("console=a=b,c"), 2);
	assert_string_equal(opt_console, "a=b,c");
}

static void test_quotes(void **state)
{
	assert_int_equal(run("console=\"a b\" flag"), 0);
	assert_string_equal(opt_console, "a b");
	assert_true(opt_flag);

	/* Quotes may surround the whole option or sit inside it. */
	assert_int_equal(run("\"console=c d\""), 0);
	assert_string_equal(opt_console, "c d");
	assert_int_equal(run("con\"sole\"=x\" \"y"), 0);
	assert_string_equal(opt_console, "x y");

	/* Tabs and other blanks inside quotes are kept too. */
	assert_int_equal(run("console=\"\tz\""), 0);
	assert_string_equal(opt_console, "\tz");

	/* An unterminated quote runs to the end of the line. */
	assert_int_equal(run("no-flag console=\"ab cd"), 0);
	assert_string_equal(opt_console, "ab cd");
	assert_false(opt_flag);
	assert_int_equal(run("console=\""), 0);
	assert_string_equal(opt_console, "");

	/* Options made only of quotes are empty: ignored silently. */
	assert_int_equal(run("\"\" \"\"\"\" flag"), 0);
	assert_true(opt_flag);

	/* Quoted value too long for its buffer. */
	assert_int_equal(run("console=\"1234 6789\""), 1);
	assert_string_equal(w.msg[0],
		"malformed value '1234 6789' for option 'console': default kept");
	assert_string_equal(opt_console, "");
}

static void test_custom(void **state)
{
	assert_int_equal(run("level"), 0);
	assert_int_equal(seen.calls, 1);
	assert_true(seen.got_null);
	assert_int_equal(seen.value, 1);

	assert_int_equal(run("level=42"), 0);
	assert_false(seen.got_null);
	assert_string_equal(seen.last, "42");
	assert_int_equal(seen.value, 42);

	/* "level=" passes an empty string, not NULL. */
	assert_int_equal(run("level="), 1);
	assert_false(seen.got_null);
	assert_string_equal(seen.last, "");
	assert_string_equal(w.msg[0],
		"malformed value '' for option 'level': default kept");
	assert_int_equal(seen.value, 42);

	assert_int_equal(run("level=\"9 9\""), 2);
	assert_string_equal(seen.last, "9 9");
	assert_string_equal(w.msg[1],
		"malformed value '9 9' for option 'level': default kept");

	assert_int_equal(run("level"), 2);
	assert_int_equal(seen.calls, 5);

	/* A custom option without a parser is malformed, not a crash. */
	assert_int_equal(run("broken=1"), 3);
	assert_string_equal(w.msg[2],
		"malformed value '1' for option 'broken': default kept");
	assert_int_equal(run("broken"), 4);
	assert_string_equal(w.msg[3],
		"missing value for option 'broken': default kept");
}

static void test_unknown_and_count(void **state)
{
	assert_int_equal(run("foo flag bar=baz maxcpus=3 =x = no-"), 5);
	assert_string_equal(w.msg[0], "unknown option 'foo' ignored");
	assert_string_equal(w.msg[1], "unknown option 'bar=baz' ignored");
	assert_string_equal(w.msg[2], "malformed option '=x' (no name) ignored");
	assert_string_equal(w.msg[3], "malformed option '=' (no name) ignored");
	assert_string_equal(w.msg[4], "unknown option 'no-' ignored");
	/* Parsing went on around them. */
	assert_true(opt_flag);
	assert_int_equal(opt_num, 3);

	/* A NULL sink still counts. */
	assert_int_equal(cmdline_parse("foo bar flag=x", table, NOPTS, NULL,
				       NULL), 3);
	/* An empty table knows nothing. */
	assert_int_equal(cmdline_parse("flag", table, 0, NULL, NULL), 1);
}

static void test_blanks_and_empty(void **state)
{
	assert_int_equal(run(NULL), 0);
	assert_int_equal(run(""), 0);
	assert_int_equal(run("   \t\n "), 0);
	assert_int_equal(run("  \tflag\t\tmaxcpus=5\r\n"), 0);
	assert_true(opt_flag);
	assert_int_equal(opt_num, 5);
}

static void test_repeats_last_wins(void **state)
{
	assert_int_equal(run("maxcpus=1 maxcpus=2 maxcpus=3"), 0);
	assert_int_equal(opt_num, 3);
	/* A later malformed one keeps the earlier good value. */
	assert_int_equal(run("maxcpus=4 maxcpus=x"), 1);
	assert_int_equal(opt_num, 4);
	assert_int_equal(run("console=a console=b flag no-flag flag"), 1);
	assert_string_equal(opt_console, "b");
	assert_true(opt_flag);
}

static void test_long_options(void **state)
{
	char line[1200], want[128];
	char value[300];

	/* 255 bytes is the longest option: "long=" plus 250. */
	memset(value, 'v', 250);
	value[250] = '\0';
	snprintf(line, sizeof(line), "long=%s flag", value);
	assert_int_equal(run(line), 0);
	assert_string_equal(opt_long, value);
	assert_true(opt_flag);

	/* 256 bytes: malformed, and the rest of the line still applies. */
	value[251] = '\0';
	value[250] = 'v';
	snprintf(line, sizeof(line), "long=%s maxcpus=9", value);
	assert_int_equal(run(line), 1);
	snprintf(want, sizeof(want), "malformed option 'long=%.27s...' "
		 "(256 bytes, longer than 255) ignored", value);
	assert_string_equal(w.msg[0], want);
	assert_int_equal(opt_num, 9);
	assert_int_equal(strlen(opt_long), 250);

	/* Very long, quoted with blanks, unterminated: one warning. */
	memset(line, 'q', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	line[0] = '"';
	line[500] = ' ';
	assert_int_equal(run(line), 2);
	snprintf(want, sizeof(want), "malformed option '%.32s...' "
		 "(1198 bytes, longer than 255) ignored", line + 1);
	assert_string_equal(w.msg[1], want);

	/* Quotes do not count towards the length. */
	memset(value, 'v', 250);
	value[250] = '\0';
	snprintf(line, sizeof(line), "\"long\"=\"%s\"", value);
	assert_int_equal(run(line), 2);
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void count_only(void *ctx, const char *msg)
{
	unsigned int *n = ctx;

	/* Every message is terminated and bounded. */
	assert_true(strnlen(msg, 4096) < 1024);
	(*n)++;
}

/*
 * Garbage built from the pieces the parser cares about. The string
 * options live in heap blocks of exactly their size, so ASan reports any
 * write past them.
 */
static void test_garbage(void **state)
{
	static const char *const pieces[] = {
		"\"", "=", " ", "\t", "no-", "flag", "maxcpus", "dom0_mem",
		"console", "level", "broken", "0x", "1", "99999999999999999999",
		"K", "abc", "\xff", "\x01", "==", "\"\"", "zzzzzzzzzzzzzzzz",
	};
	char *small = malloc(3), *big = malloc(64);
	struct cmdline_option opts[NOPTS];
	char line[1400];

	assert_non_null(small);
	assert_non_null(big);
	small[0] = big[0] = '\0';
	memcpy(opts, table, sizeof(table));
	opts[4].var = small;
	opts[4].len = 3;
	opts[5].var = big;
	opts[5].len = 64;
	rng_state = 41;
	for (int i = 0; i < 20000; i++) {
		size_t len = 0, target = rng() % (rng() & 7 ? 80 : 1300);
		unsigned int n = 0, ret;

		while (len < target) {
			const char *piece;
			size_t plen;

			if (rng() % 5 == 0) {
				/* Any byte except NUL. */
				line[len++] = (char)(1 + rng() % 255);
				continue;
			}
			piece = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
			plen = strlen(piece);
			if (len + plen >= sizeof(line))
				break;
			memcpy(line + len, piece, plen);
			len += plen;
		}
		line[len] = '\0';
		ret = cmdline_parse(line, opts, NOPTS, count_only, &n);
		assert_int_equal(ret, n);
		assert_true(strnlen(small, 3) < 3);
		assert_true(strnlen(big, 64) < 64);
	}
	free(small);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bool, reset),
		cmocka_unit_test_setup(test_bool_malformed, reset),
		cmocka_unit_test_setup(test_uint, reset),
		cmocka_unit_test_setup(test_size, reset),
		cmocka_unit_test_setup(test_string, reset),
		cmocka_unit_test_setup(test_quotes, reset),
		cmocka_unit_test_setup(test_custom, reset),
		cmocka_unit_test_setup(test_unknown_and_count, reset),
		cmocka_unit_test_setup(test_blanks_and_empty, reset),
		cmocka_unit_test_setup(test_repeats_last_wins, reset),
		cmocka_unit_test_setup(test_long_options, reset),
		cmocka_unit_test_setup(test_garbage, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
