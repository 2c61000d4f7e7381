// SPDX-License-Identifier: MIT
/*
 * Unit tests of libbasalt's xl.cfg parser: the generic syntax, exact error
 * messages on broken files, and the typed domain description with golden
 * values from xl.cfg(5).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <basalt/xlcfg.h>

#define DATA "tests/unit/data/xlcfg/"

static char msgs[8192];

static void collect(void *ctx, enum xlcfg_severity sev, const char *msg)
{
	size_t n = strlen(msgs);
	snprintf(msgs + n, sizeof(msgs) - n, "%s\n", msg);
}

static int parse_file(struct xlcfg *cfg, const char *path)
{
	struct xlcfg_diag d;
	msgs[0] = 0;
	memset(cfg, 0, sizeof(*cfg));
	xlcfg_diag_init(&d, path, collect, NULL);
	return xlcfg_parse_file(cfg, path, &d);
}

static int parse_text(struct xlcfg *cfg, const char *text)
{
	struct xlcfg_diag d;
	msgs[0] = 0;
	memset(cfg, 0, sizeof(*cfg));
	xlcfg_diag_init(&d, "t.cfg", collect, NULL);
	return xlcfg_parse(cfg, text, strlen(text), &d);
}

static const char *str_of(const struct xlcfg *cfg, const char *key)
{
	const char *s = NULL;
	assert_int_equal(xlcfg_get_string(cfg, key, &s, NULL), 0);
	return s;
}

static long long_of(const struct xlcfg *cfg, const char *key)
{
	long v = -12345;
	assert_int_equal(xlcfg_get_long(cfg, key, &v, NULL), 0);
	return v;
}

static void test_syntax_values(void **state)
{
	struct xlcfg cfg;
	const struct xlcfg_value *l;
	long v;

	assert_int_equal(parse_file(&cfg, DATA "good/syntax.cfg"), 0);
	assert_string_equal(msgs, "");
	assert_int_equal(long_of(&cfg, "dec"), 42);
	assert_int_equal(long_of(&cfg, "hex"), 42);
	assert_int_equal(long_of(&cfg, "oct"), 42);
	assert_int_equal(xlcfg_get_long(&cfg, "notoctal", &v, NULL), EINVAL);
	assert_int_equal(long_of(&cfg, "big"), 0x7fffffffffffffffL);
	assert_int_equal(xlcfg_get_long(&cfg, "toobig", &v, NULL), ERANGE);
	assert_int_equal(long_of(&cfg, "neg"), -7);
	assert_int_equal(long_of(&cfg, "spaced"), 12);
	assert_int_equal(xlcfg_get_long(&cfg, "suffix", &v, NULL), EINVAL);
	assert_string_equal(str_of(&cfg, "suffix"), "1a");
	assert_string_equal(str_of(&cfg, "dq"), "double \"quoted\" \\ with\ttab");
	assert_string_equal(str_of(&cfg, "sq"), "single \"and\" 'escaped'");
	assert_string_equal(str_of(&cfg, "empty"), "");
	assert_int_equal(xlcfg_get_list(&cfg, "emptylist", &l, NULL), 0);
	assert_int_equal(l->n, 0);
	assert_int_equal(xlcfg_get_list(&cfg, "nested", &l, NULL), 0);
	assert_int_equal(l->n, 4);
	assert_int_equal(l->items[0]->type, XLCFG_LIST);
	assert_string_equal(l->items[0]->items[1]->str, "b");
	assert_int_equal(l->items[1]->n, 0);
	assert_string_equal(l->items[2]->items[0]->items[0]->str, "1");
	assert_string_equal(l->items[3]->str, "c");
	assert_int_equal(xlcfg_get_list(&cfg, "multiline", &l, NULL), 0);
	assert_int_equal(l->n, 3);
	assert_string_equal(l->items[2]->str, "three");
	assert_int_equal(l->items[2]->line, 20);
	assert_int_equal(l->items[2]->col, 7);
	assert_int_equal(long_of(&cfg, "third"), 3);
	assert_string_equal(str_of(&cfg, "repeat"), "new");
	assert_string_equal(str_of(&cfg, "cat"), "abcdef");
	/* xl refuses numbers written with += */
	assert_int_equal(xlcfg_get_long(&cfg, "cat", &v, NULL), EINVAL);
	assert_int_equal(xlcfg_get_list(&cfg, "lst", &l, NULL), 0);
	assert_int_equal(l->n, 3);
	assert_string_equal(l->items[2]->str, "3");
	assert_string_equal(str_of(&cfg, "fresh"), "only");
	assert_string_equal(str_of(&cfg, "dotted.key_1"), "x");
	assert_string_equal(str_of(&cfg, "tabs"), "t");
	assert_string_equal(str_of(&cfg, "last"), "no newline at the end");
	assert_int_equal(xlcfg_get_string(&cfg, "nested", &(const char *){ 0 },
					  NULL), EINVAL);
	assert_int_equal(xlcfg_get_list(&cfg, "dec", &l, NULL), EINVAL);
	assert_int_equal(xlcfg_get_long(&cfg, "absent", &v, NULL), ESRCH);
	xlcfg_free(&cfg);
}

static void test_syntax_edges(void **state)
{
	struct xlcfg cfg;

	assert_int_equal(parse_text(&cfg, ""), 0);
	assert_int_equal(cfg.n, 0);
	xlcfg_free(&cfg);
	assert_int_equal(parse_text(&cfg, "\n;\n# only a comment"), 0);
	xlcfg_free(&cfg);
	assert_int_equal(parse_text(&cfg, "a = 1 # comment\nb=[\n]\n"), 0);
	assert_int_equal(cfg.n, 2);
	assert_int_equal(cfg.set[1].line, 2);
	xlcfg_free(&cfg);
	/* numeric escapes: xl rejects \x and silently drops octal; we refuse */
	assert_int_equal(parse_text(&cfg, "a = \"\\101\"\n"), -1);
	assert_string_equal(msgs, "t.cfg:1:6: error: numeric escape '\\1...' in "
			    "string is not supported (xl rejects or drops it)\n");
	xlcfg_free(&cfg);
	/* nesting is bounded so hostile input cannot exhaust the stack */
	char deep[200] = "a = ";
	memset(deep + 4, '[', 100);
	strcpy(deep + 104, "\n");
	assert_int_equal(parse_text(&cfg, deep), -1);
	assert_non_null(strstr(msgs, "lists nested more than 64 deep"));
	xlcfg_free(&cfg);
}

/* Each broken file and its exact messages. */
static void test_broken_files(void **state)
{
	static const struct { const char *file, *want; } cases[] = {
		{ "missing_equals", "1:6: error: syntax error: expected '=' or "
		  "'+=' after the setting name, found a string\n" },
		{ "unterminated", "1:8: error: unterminated string: the closing "
		  "\" is missing on this line\n" },
		{ "bad_char", "2:12: error: unexpected character '.'\n"
		  "@: warning: this looks like Python, which xl.cfg is not: see "
		  "xl.cfg(5)\n" },
		{ "uppercase_key", "1:1: error: unexpected character 'N'\n"
		  "@:1:6: error: syntax error: expected a setting name, found "
		  "'='\n" },
		{ "missing_value", "2:9: error: syntax error: expected a value "
		  "(a \"string\", a number or a [list]), found end of line\n" },
		{ "list_missing_comma", "1:14: error: syntax error: expected ',' "
		  "or ']' in list, found a string\n" },
		{ "list_unclosed", "2:1: error: syntax error: expected a value "
		  "(a \"string\", a number or a [list]), found end of file\n" },
		{ "crlf", "1:11: error: carriage return: lines must end with \\n "
		  "alone (DOS line endings are not accepted by xl)\n" },
		{ "python", "1:10: error: syntax error: expected a value (a "
		  "\"string\", a number or a [list]), found a name `int'\n"
		  "@:1:13: error: unexpected character '('\n"
		  "@: warning: this looks like Python, which xl.cfg is not: see "
		  "xl.cfg(5)\n" },
		{ "add_mismatch", "2:6: error: cannot add a list to a string "
		  "with '+='\n" },
		{ "bad_escape", "1:6: error: invalid escape '\\q' in string\n" },
		{ "list_leading_comma", "1:7: error: syntax error: expected a "
		  "value (a \"string\", a number or a [list]), found ','\n" },
		{ "two_values", "1:7: error: syntax error: expected end of line "
		  "or ';' after the value, found a number `2'\n" },
		{ "ident_value", "1:5: error: syntax error: expected a value (a "
		  "\"string\", a number or a [list]), found a name `name'\n" },
		{ "no_name", "1:1: error: syntax error: expected a setting name, "
		  "found '='\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256], want[1024];
		struct xlcfg cfg;
		snprintf(path, sizeof(path), DATA "broken/%s.cfg", cases[i].file);
		/* "@" stands for the path in later lines */
		size_t w = (size_t)snprintf(want, sizeof(want), "%s:", path);
		for (const char *c = cases[i].want; *c && w < sizeof(want) - 1; c++)
			w += (size_t)(*c == '@' ? snprintf(want + w, sizeof(want) - w,
							   "%s", path)
					       : snprintf(want + w, sizeof(want) - w,
							  "%c", *c));
		assert_int_equal(parse_file(&cfg, path), -1);
		assert_string_equal(msgs, want);
		xlcfg_free(&cfg);
	}
}

static void test_domain_full(void **state)
{
	static const char want[] =
		"name = full\n"
		"type = pvh\n"
		"kernel = /boot/vmlinuz-6.1\n"
		"ramdisk = /boot/initrd.img-6.1\n"
		"cmdline = console=hvc0 quiet\n"
		"memory = 1024 MiB\n"
		"maxmem = 2048 MiB\n"
		"vcpus = 2\n"
		"maxvcpus = 4\n"
		"cpus = +0-3 -1 +node:1\n"
		"cpu_weight = 512\n"
		"cap = 150\n"
		"on_poweroff = preserve\n"
		"on_reboot = rename-restart\n"
		"on_crash = coredump-restart\n"
		"on_watchdog = coredump-destroy\n"
		"on_soft_reset = destroy\n"
		"disk[0] = target=/dev/vg/full vdev=xvda format=raw access=rw\n"
		"disk[1] = target=/srv/data.qcow2 vdev=xvdb format=qcow2 access=ro\n"
		"disk[2] = target=/srv/cd.iso vdev=xvdc format=raw access=ro cdrom\n"
		"vif[0] = mac=00:16:3e:12:34:56 bridge=xenbr0 ip=10.0.0.2 "
		"script=vif-bridge model=e1000 rate=25000 bytes/20000 us\n"
		"vif[1] = bridge=br1 vifname=full-eth1 backend=netdom type=vif "
		"mtu=9000\n"
		"pci[0] = 0000:03:00.0 vslot=2 permissive=1 msitranslate=0 seize=0 "
		"power_mgmt=0\n"
		"pci[1] = name=gpu0 permissive=0 msitranslate=0 seize=0 "
		"power_mgmt=0\n"
		"serial[0] = pty\n"
		"serial[1] = file:/var/log/full.serial\n"
		"uuid = 0f3b5c2a-8d4e-4b1f-9a6c-1e2d3c4b5a69\n"
		"seclabel = system_u:system_r:domU_t\n";
	struct xlcfg_domain dom;
	struct xlcfg_diag d;
	char *buf = NULL;
	size_t len = 0;

	msgs[0] = 0;
	xlcfg_diag_init(&d, "full.cfg", collect, NULL);
	assert_int_equal(xlcfg_domain_load(DATA "good/pvh_full.cfg", &dom, &d), 0);
	assert_string_equal(msgs, "");
	FILE *f = open_memstream(&buf, &len);
	xlcfg_domain_print(f, &dom);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	assert_int_equal(dom.disks[2].removable, 1);
	assert_int_equal(dom.uuid[15], 0x69);
	xlcfg_domain_free(&dom);
}

static void test_domain_defaults(void **state)
{
	struct xlcfg_domain dom;
	struct xlcfg_diag d;

	msgs[0] = 0;
	xlcfg_diag_init(&d, "h.cfg", collect, NULL);
	assert_int_equal(xlcfg_domain_load(DATA "good/hvm_defaults.cfg", &dom,
					   &d), 0);
	assert_string_equal(msgs, "");
	assert_int_equal(dom.type, XLCFG_TYPE_HVM);
	assert_int_equal(dom.memory_mib, 32);
	assert_int_equal(dom.maxmem_mib, 32);
	assert_int_equal(dom.vcpus, 1);
	assert_int_equal(dom.maxvcpus, 1);
	assert_int_equal(dom.ncpus, 0);
	assert_int_equal(dom.cpu_weight, 256);
	assert_int_equal(dom.cap, 0);
	assert_int_equal(dom.on_poweroff, XLCFG_ACTION_DESTROY);
	assert_int_equal(dom.on_reboot, XLCFG_ACTION_RESTART);
	assert_int_equal(dom.on_crash, XLCFG_ACTION_DESTROY);
	assert_int_equal(dom.on_soft_reset, XLCFG_ACTION_SOFT_RESET);
	assert_null(dom.kernel);
	assert_null(dom.cmdline);
	assert_false(dom.has_uuid);
	assert_int_equal(dom.ndisks + dom.nvifs + dom.npcis + dom.nserial, 0);
	xlcfg_domain_free(&dom);
}

static void test_domain_root_extra(void **state)
{
	struct xlcfg_domain dom;
	struct xlcfg_diag d;
	uint8_t map[2];

	msgs[0] = 0;
	xlcfg_diag_init(&d, "r.cfg", collect, NULL);
	assert_int_equal(xlcfg_domain_load(DATA "good/root_extra.cfg", &dom,
					   &d), 0);
	assert_string_equal(msgs, "");
	assert_string_equal(dom.cmdline, "root=/dev/xvda1 ro console=hvc0");
	assert_true(dom.cpus_per_vcpu);
	assert_int_equal(dom.ncpus, 3);
	xlcfg_cpulist_resolve(&dom.cpus[1], 16, NULL, map);
	assert_int_equal(map[0], 0x28);       /* CPUs 3 and 5 */
	assert_int_equal(map[1], 0);
	xlcfg_cpulist_resolve(&dom.cpus[2], 12, NULL, map);
	assert_int_equal(map[0], 0xfe);
	assert_int_equal(map[1], 0x0f);
	assert_int_equal(dom.nserial, 1);
	assert_string_equal(dom.serial[0], "pty");
	xlcfg_domain_free(&dom);
}

/* A config in text and the exact messages the domain layer gives. */
static void check_domain(const char *text, int want_rc, const char *want)
{
	struct xlcfg cfg;
	struct xlcfg_domain dom;
	struct xlcfg_diag d;

	assert_int_equal(parse_text(&cfg, text), 0);
	xlcfg_diag_init(&d, "t.cfg", collect, NULL);
	assert_int_equal(xlcfg_domain_from_config(&cfg, &dom, &d), want_rc);
	assert_string_equal(msgs, want);
	if (!want_rc)
		xlcfg_domain_free(&dom);
	xlcfg_free(&cfg);
}

static void test_domain_errors(void **state)
{
	/* Debian's xlexample.pvlinux has no type: xl's default is PV */
	check_domain("name = \"p\"\nkernel = \"/boot/vmlinuz\"\n", -1,
		     "t.cfg: error: no `type' given, so xl's default type \"pv\" "
		     "applies: PV guests are not supported: Basalt runs PVH "
		     "guests in their place; use type = \"pvh\"\n");
	check_domain("name = \"p\"\ntype = \"pv\"\n", -1,
		     "t.cfg:2:8: error: type = \"pv\": PV guests are not "
		     "supported: Basalt runs PVH guests in their place; use "
		     "type = \"pvh\"\n");
	check_domain("name=\"b\"\nbuilder=\"hvm\"\n", 0, "");
	check_domain("name=\"x\"\ntype=\"kvm\"\n", -1,
		     "t.cfg:2:6: error: type = \"kvm\": expected \"pvh\" or "
		     "\"hvm\"\n");
	check_domain("type=\"pvh\"\n", -1, "t.cfg: error: `name' is mandatory\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nvcpus=0\n", -1,
		     "t.cfg:3:7: error: `vcpus' = 0 is out of range: it must be "
		     "from 1 to 128\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nvcpus=4\nmaxvcpus=2\n", -1,
		     "t.cfg:4:10: error: `maxvcpus' = 2 is smaller than `vcpus' "
		     "= 4\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nmemory=\"lots\"\n", -1,
		     "t.cfg:3:8: error: `memory' = \"lots\" is not a number\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nmemory=512\nmaxmem=256\n", -1,
		     "t.cfg:4:8: error: `maxmem' = 256 is smaller than `memory' "
		     "= 512\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nmemory=[1]\n", -1,
		     "t.cfg:3:1: error: `memory' is a list but should be a "
		     "single value\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\ncpu_weight=0\ncap=70000\n", -1,
		     "t.cfg:3:12: error: `cpu_weight' = 0 is out of range: it "
		     "must be from 1 to 65535\n"
		     "t.cfg:4:5: error: `cap' = 70000 is out of range: it must "
		     "be from 0 to 65535\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\non_crash=\"reboot\"\n", -1,
		     "t.cfg:3:10: error: `on_crash' = \"reboot\": expected "
		     "destroy, restart, rename-restart, preserve, "
		     "coredump-destroy, coredump-restart or soft-reset\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\ndisk=[ '/x,xvda' ]\n", -1,
		     "t.cfg:3:8: error: disk spec `/x,xvda': unknown value for "
		     "format: near `xvda'\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\ndisk='/x,,xvda'\n", -1,
		     "t.cfg:3:1: error: `disk' must be a list: disk = [ "
		     "\"...\", ... ]\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nvif=[ 'mac=00:16:3e:1' ]\n", -1,
		     "t.cfg:3:7: error: vif spec `mac=00:16:3e:1': invalid mac "
		     "address in `00:16:3e:1'\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\npci=[ '03:00.9' ]\n", -1,
		     "t.cfg:3:7: error: pci spec `03:00.9': expected "
		     "[DDDD:]BB:DD.F[@VSLOT][,KEY=VALUE...] "
		     "(xl-pci-configuration(5))\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nuuid=\"1234\"\n", -1,
		     "t.cfg:3:6: error: uuid = \"1234\": expected XXXXXXXX-XXXX-"
		     "XXXX-XXXX-XXXXXXXXXXXX (hexadecimal)\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\ncpus=\"0-3,^x\"\n", -1,
		     "t.cfg:3:6: error: cpus `0-3,^x': expected a CPU number, a "
		     "range, \"all\" or \"node:N\" (numbers below 4096): `^x'\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\nsdl=1\nvifs=[]\nname=\"y\"\n", 0,
		     "t.cfg:3:1: warning: `sdl' is an xl option Basalt does not "
		     "support: ignored\n"
		     "t.cfg:4:1: warning: unknown key `vifs' ignored\n");
	check_domain("name=\"x\"\ntype=\"pvh\"\ncmdline=\"a\"\nextra=\"b\"\n", 0,
		     "t.cfg:3:1: warning: `root' and `extra' are ignored because "
		     "`cmdline' is set\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax_values),
		cmocka_unit_test(test_syntax_edges),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_domain_full),
		cmocka_unit_test(test_domain_defaults),
		cmocka_unit_test(test_domain_root_extra),
		cmocka_unit_test(test_domain_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
