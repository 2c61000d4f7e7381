// SPDX-License-Identifier: MIT
/*
 * The option table. Parsing happens before the console exists (the
 * console's own settings are options), so warnings are kept and printed
 * once it is up.
 */
#include <basalt/options.h>
#include <basalt/bootdomain.h>
#include <basalt/console.h>
#include <basalt/drivers/uart.h>
#include <basalt/lib/cmdline.h>
#include <basalt/lib/string.h>

bool opt_noreboot;
unsigned int opt_maxcpus;
uint64_t opt_dom0_mem;
unsigned int opt_dom0_max_vcpus;
bool opt_dom0_pvh = true;
unsigned int opt_test_bad_entry;

extern struct uart_config console_uart;

static bool parse_dom0(const char *value, void *var)
{
	/* PVH is the only kind of initial domain Basalt builds. */
	if (!value || strcmp(value, "pvh"))
		return false;
	*(bool *)var = true;
	return true;
}

static bool parse_positive(const char *value, void *var)
{
	unsigned int n = 0;

	if (!value || !*value)
		return false;
	for (const char *p = value; *p; p++) {
		if (*p < '0' || *p > '9' || n > 100000)
			return false;
		n = n * 10 + (unsigned int)(*p - '0');
	}
	if (n == 0)
		return false;
	*(unsigned int *)var = n;
	return true;
}

static const struct cmdline_option options[] = {
	{ "console", CMDLINE_CUSTOM, &console_cfg.enabled, 0, console_parse_console },
	{ "com1", CMDLINE_CUSTOM, &console_uart, 0, uart_parse_config },
	{ "loglvl", CMDLINE_CUSTOM, &console_cfg.loglvl, 0, console_parse_loglvl },
	{ "guest_loglvl", CMDLINE_CUSTOM, &console_cfg.guest_loglvl, 0,
	  console_parse_loglvl },
	{ "dom0_mem", CMDLINE_SIZE, &opt_dom0_mem, 0, NULL },
	{ "dom0_max_vcpus", CMDLINE_CUSTOM, &opt_dom0_max_vcpus, 0, parse_positive },
	{ "noreboot", CMDLINE_BOOL, &opt_noreboot, 0, NULL },
	{ "dom0", CMDLINE_CUSTOM, &opt_dom0_pvh, 0, parse_dom0 },
	{ "maxcpus", CMDLINE_CUSTOM, &opt_maxcpus, 0, parse_positive },
	{ "test_bad_entry", CMDLINE_CUSTOM, &opt_test_bad_entry, 0, parse_positive },
	{ "domain", CMDLINE_CUSTOM, NULL, 0, bootdomain_option },
};

#define MAX_WARNINGS 16
static char warnings[MAX_WARNINGS][160];
static unsigned int nwarnings, dropped;

static void keep_warning(void *ctx, const char *msg)
{
	if (nwarnings == MAX_WARNINGS) {
		dropped++;
		return;
	}
	strlcpy(warnings[nwarnings++], msg, sizeof(warnings[0]));
}

static bool is_option_name(const char *word, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (strlen(options[i].name) == len &&
		    !strncmp(options[i].name, word, len))
			return true;
	return false;
}

void options_parse(const char *cmdline)
{
	const char *p = cmdline;
	size_t len;

	/* Loaders put the image's path first ("/boot/basalt.elf opts"): skip
	 * a first word with no '=' that is not an option. */
	while (*p == ' ')
		p++;
	for (len = 0; p[len] && p[len] != ' '; len++)
		;
	if (len && !memchr(p, '=', len) && !is_option_name(p, len) &&
	    !(len > 3 && !strncmp(p, "no-", 3) && is_option_name(p + 3, len - 3)))
		p += len;
	cmdline_parse(p, options, ARRAY_SIZE(options), keep_warning, NULL);
}

void options_report(void)
{
	for (unsigned int i = 0; i < nwarnings; i++)
		pr_warn("command line: %s\n", warnings[i]);
	if (dropped)
		pr_warn("command line: %u more warnings not shown\n", dropped);
}
