// SPDX-License-Identifier: MIT
/*
 * The typed domain description: reads the settings that matter to Basalt
 * from a parsed xl.cfg, checks them, applies xl's defaults (xl.cfg(5)) and
 * warns about every key it does not use. Device specs go to their parsers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>
#include "xlcfg_domain_keys.h"

#define MAX_VCPUS 128u                  /* Xen's HVM_MAX_VCPUS */
#define MAX_MEMORY_MIB (1ull << 24)     /* 16 TiB */

/* Where a spec string's problems are reported: its place in the file. */
struct spec_site {
	struct xlcfg_diag *d;
	const struct xlcfg_value *v;
	const char *what;
};

static void site_err(void *ctx, const char *msg)
{
	struct spec_site *s = ctx;
	xlcfg_report(s->d, XLCFG_ERROR, s->v->line, s->v->col, "%s `%s': %s",
		     s->what, s->v->str, msg);
}

static void site_warn(void *ctx, const char *msg)
{
	struct spec_site *s = ctx;
	xlcfg_report(s->d, XLCFG_WARNING, s->v->line, s->v->col, "%s `%s': %s",
		     s->what, s->v->str, msg);
}

static bool dup_string(struct xlcfg *cfg, const char *key, char **out,
		       struct xlcfg_diag *d)
{
	const char *s;
	if (xlcfg_get_string(cfg, key, &s, d))
		return false;
	free(*out);
	*out = strdup(s);
	return *out != NULL;
}

/* A number in [lo, hi]; untouched when absent. False on any error. */
static bool get_bounded(struct xlcfg *cfg, const char *key, long lo, long hi,
			long *out, struct xlcfg_diag *d)
{
	long v;
	int e = xlcfg_get_long(cfg, key, &v, d);
	if (e == ESRCH)
		return true;
	if (e)
		return false;
	if (v < lo || v > hi) {
		const struct xlcfg_setting *s = xlcfg_find(cfg, key);
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "`%s' = %ld is out of range: it must be from %ld "
			     "to %ld", key, v, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

static void get_type(struct xlcfg *cfg, struct xlcfg_domain *dom,
		     struct xlcfg_diag *d)
{
	static const char pv_msg[] = "PV guests are not supported: Basalt "
		"runs PVH guests in their place; use type = \"pvh\"";
	const char *t, *builder = NULL;
	int e = xlcfg_get_string(cfg, "type", &t, d);
	const struct xlcfg_setting *s = xlcfg_find(cfg, "type");

	/* type wins over xl's deprecated builder=, read in any case so that
	 * it is not reported as unused */
	xlcfg_get_string(cfg, "builder", &builder, d);
	if (e == ESRCH) {
		/* builder="hvm", else xl's default: PV on x86 */
		if (builder && !strcmp(builder, "hvm")) {
			dom->type = XLCFG_TYPE_HVM;
			return;
		}
		xlcfg_report(d, XLCFG_ERROR, 0, 0, "no `type' given, so xl's "
			     "default type \"pv\" applies: %s", pv_msg);
		return;
	}
	if (e)
		return;
	if (!strcmp(t, "pvh"))
		dom->type = XLCFG_TYPE_PVH;
	else if (!strcmp(t, "hvm"))
		dom->type = XLCFG_TYPE_HVM;
	else if (!strcmp(t, "pv"))
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "type = \"pv\": %s", pv_msg);
	else
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "type = \"%s\": expected \"pvh\" or \"hvm\"", t);
}

/* cmdline wins; else "root=ROOT EXTRA", as xl builds it. */
static void get_cmdline(struct xlcfg *cfg, struct xlcfg_domain *dom,
			struct xlcfg_diag *d)
{
	const char *cmdline = NULL, *root = NULL, *extra = NULL;
	xlcfg_get_string(cfg, "cmdline", &cmdline, d);
	xlcfg_get_string(cfg, "root", &root, d);
	xlcfg_get_string(cfg, "extra", &extra, d);

	if (cmdline) {
		if (root || extra) {
			const struct xlcfg_setting *s = xlcfg_find(cfg, "cmdline");
			xlcfg_report(d, XLCFG_WARNING, s->line, s->col,
				     "`root' and `extra' are ignored because "
				     "`cmdline' is set");
		}
		dom->cmdline = strdup(cmdline);
		return;
	}
	if (!root && !extra)
		return;
	size_t n = (root ? strlen(root) + 6 : 0) + (extra ? strlen(extra) : 0) + 1;
	dom->cmdline = malloc(n);
	if (!dom->cmdline)
		return;
	if (root && extra)
		snprintf(dom->cmdline, n, "root=%s %s", root, extra);
	else if (root)
		snprintf(dom->cmdline, n, "root=%s", root);
	else
		snprintf(dom->cmdline, n, "%s", extra);
}

static void get_memory(struct xlcfg *cfg, struct xlcfg_domain *dom,
		       struct xlcfg_diag *d)
{
	long mem = 32, max = -1;   /* libxl's default: 32 MiB */
	get_bounded(cfg, "memory", 1, (long)MAX_MEMORY_MIB, &mem, d);
	get_bounded(cfg, "maxmem", 1, (long)MAX_MEMORY_MIB, &max, d);
	dom->memory_mib = (uint64_t)mem;
	dom->maxmem_mib = max < 0 ? (uint64_t)mem : (uint64_t)max;
	if (max >= 0 && max < mem) {
		const struct xlcfg_setting *s = xlcfg_find(cfg, "maxmem");
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "`maxmem' = %ld is smaller than `memory' = %ld",
			     max, mem);
	}
}

static void get_vcpus(struct xlcfg *cfg, struct xlcfg_domain *dom,
		      struct xlcfg_diag *d)
{
	long vcpus = 1, max = -1;
	get_bounded(cfg, "vcpus", 1, MAX_VCPUS, &vcpus, d);
	get_bounded(cfg, "maxvcpus", 1, MAX_VCPUS, &max, d);
	dom->vcpus = (unsigned int)vcpus;
	dom->maxvcpus = max < 0 ? dom->vcpus : (unsigned int)max;
	if (max >= 0 && max < vcpus) {
		const struct xlcfg_setting *s = xlcfg_find(cfg, "maxvcpus");
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "`maxvcpus' = %ld is smaller than `vcpus' = %ld",
			     max, vcpus);
	}
	long weight = 256, cap = 0;
	get_bounded(cfg, "cpu_weight", 1, 65535, &weight, d);
	get_bounded(cfg, "cap", 0, 65535, &cap, d);
	dom->cpu_weight = (unsigned int)weight;
	dom->cap = (unsigned int)cap;
}

/* cpus = "LIST" pins every vCPU; cpus = ["LIST", ...] one per vCPU. */
static void get_cpus(struct xlcfg *cfg, struct xlcfg_domain *dom,
		     struct xlcfg_diag *d)
{
	struct xlcfg_setting *s = xlcfg_find(cfg, "cpus");
	if (!s)
		return;
	s->used = true;
	const struct xlcfg_value *v = s->value;
	size_t n = v->type == XLCFG_LIST ? v->n : 1;
	dom->cpus_per_vcpu = v->type == XLCFG_LIST;
	dom->cpus = calloc(n ? n : 1, sizeof(*dom->cpus));
	if (!dom->cpus)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct xlcfg_value *item = v->type == XLCFG_LIST ?
			v->items[i] : v;
		if (item->type != XLCFG_STRING) {
			xlcfg_report(d, XLCFG_ERROR, item->line, item->col,
				     "`cpus' items must be strings");
			return;
		}
		struct spec_site site = { d, item, "cpus" };
		if (xlcfg_cpulist_parse(item->str, &dom->cpus[i], site_err,
					&site))
			return;
		dom->ncpus++;
	}
	if (dom->cpus_per_vcpu && n > dom->maxvcpus)
		xlcfg_report(d, XLCFG_WARNING, s->line, s->col, "`cpus' has %zu "
			     "entries but the domain has %u vCPUs: the rest are "
			     "ignored", n, dom->maxvcpus);
}

static void get_action(struct xlcfg *cfg, const char *key,
		       enum xlcfg_action *out, struct xlcfg_diag *d)
{
	const char *s;
	if (xlcfg_get_string(cfg, key, &s, d))
		return;
	for (int a = XLCFG_ACTION_DESTROY; a <= XLCFG_ACTION_SOFT_RESET; a++)
		if (!strcmp(s, xlcfg_action_name((enum xlcfg_action)a))) {
			*out = (enum xlcfg_action)a;
			return;
		}
	const struct xlcfg_setting *st = xlcfg_find(cfg, key);
	xlcfg_report(d, XLCFG_ERROR, st->value->line, st->value->col,
		     "`%s' = \"%s\": expected destroy, restart, rename-restart, "
		     "preserve, coredump-destroy, coredump-restart or soft-reset",
		     key, s);
}

/* The string items of list key (or of a single string when single_ok). */
static const struct xlcfg_value *const *string_items(
	struct xlcfg *cfg, const char *key, bool single_ok, size_t *n,
	struct xlcfg_diag *d)
{
	struct xlcfg_setting *s = xlcfg_find(cfg, key);
	*n = 0;
	if (!s)
		return NULL;
	s->used = true;
	if (s->value->type == XLCFG_STRING) {
		if (single_ok) {
			*n = 1;
			return (const struct xlcfg_value *const *)&s->value;
		}
		xlcfg_report(d, XLCFG_ERROR, s->line, s->col, "`%s' must be a "
			     "list: %s = [ \"...\", ... ]", key, key);
		return NULL;
	}
	for (size_t i = 0; i < s->value->n; i++)
		if (s->value->items[i]->type != XLCFG_STRING) {
			const struct xlcfg_value *it = s->value->items[i];
			xlcfg_report(d, XLCFG_ERROR, it->line, it->col,
				     "`%s' items must be strings", key);
			return NULL;
		}
	*n = s->value->n;
	return (const struct xlcfg_value *const *)s->value->items;
}

static void get_devices(struct xlcfg *cfg, struct xlcfg_domain *dom,
			struct xlcfg_diag *d)
{
	size_t n;
	const struct xlcfg_value *const *it;

	it = string_items(cfg, "disk", false, &n, d);
	dom->disks = n ? calloc(n, sizeof(*dom->disks)) : NULL;
	for (size_t i = 0; dom->disks && i < n; i++) {
		struct spec_site site = { d, it[i], "disk spec" };
		if (!xlcfg_disk_parse(it[i]->str, &dom->disks[dom->ndisks],
				      site_err, &site))
			dom->ndisks++;
		else
			xlcfg_disk_free(&dom->disks[dom->ndisks]);
	}
	it = string_items(cfg, "vif", false, &n, d);
	dom->vifs = n ? calloc(n, sizeof(*dom->vifs)) : NULL;
	for (size_t i = 0; dom->vifs && i < n; i++) {
		struct spec_site site = { d, it[i], "vif spec" };
		if (!xlcfg_vif_parse(it[i]->str, &dom->vifs[dom->nvifs],
				     site_err, site_warn, &site))
			dom->nvifs++;
		else
			xlcfg_vif_free(&dom->vifs[dom->nvifs]);
	}
	it = string_items(cfg, "pci", false, &n, d);
	dom->pcis = n ? calloc(n, sizeof(*dom->pcis)) : NULL;
	for (size_t i = 0; dom->pcis && i < n; i++) {
		struct spec_site site = { d, it[i], "pci spec" };
		unsigned int before = d ? d->errors : 0;
		if (!xlcfg_pci_parse_spec(it[i]->str, &dom->pcis[dom->npcis],
					  site_err, &site)) {
			dom->npcis++;
			continue;
		}
		xlcfg_pci_free(&dom->pcis[dom->npcis]);
		if (!d || d->errors == before)
			site_err(&site, "expected [DDDD:]BB:DD.F[@VSLOT][,KEY="
				 "VALUE...] (xl-pci-configuration(5))");
	}
	it = string_items(cfg, "serial", true, &n, d);
	dom->serial = n ? calloc(n, sizeof(*dom->serial)) : NULL;
	for (size_t i = 0; dom->serial && i < n; i++)
		if ((dom->serial[i] = strdup(it[i]->str)))
			dom->nserial++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void get_uuid(struct xlcfg *cfg, struct xlcfg_domain *dom,
		     struct xlcfg_diag *d)
{
	const char *s;
	if (xlcfg_get_string(cfg, "uuid", &s, d))
		return;
	const char *p = s;
	for (int i = 0; i < 16; i++) {
		if ((i == 4 || i == 6 || i == 8 || i == 10) && *p++ != '-')
			goto bad;
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
		if (lo < 0)
			goto bad;
		dom->uuid[i] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (!*p) {
		dom->has_uuid = true;
		return;
	}
bad:;
	const struct xlcfg_setting *st = xlcfg_find(cfg, "uuid");
	xlcfg_report(d, XLCFG_ERROR, st->value->line, st->value->col,
		     "uuid = \"%s\": expected XXXXXXXX-XXXX-XXXX-XXXX-"
		     "XXXXXXXXXXXX (hexadecimal)", s);
}

/* Warn once per name, at its last assignment, about keys nothing read. */
static void warn_unused(struct xlcfg *cfg, struct xlcfg_diag *d)
{
	for (size_t i = 0; i < cfg->n; i++) {
		const struct xlcfg_setting *s = &cfg->set[i];
		if (xlcfg_find(cfg, s->name) != s || s->used)
			continue;
		if (xlcfg_is_xl_key(s->name))
			xlcfg_report(d, XLCFG_WARNING, s->line, s->col,
				     "`%s' is an xl option Basalt does not "
				     "support: ignored", s->name);
		else
			xlcfg_report(d, XLCFG_WARNING, s->line, s->col,
				     "unknown key `%s' ignored", s->name);
	}
}

static void ignore_diag(void *ctx, enum xlcfg_severity sev, const char *msg)
{
}

int xlcfg_domain_from_config(struct xlcfg *cfg, struct xlcfg_domain *dom,
			     struct xlcfg_diag *d)
{
	struct xlcfg_diag quiet;
	unsigned int before;

	if (!d) {
		xlcfg_diag_init(&quiet, NULL, ignore_diag, NULL);
		d = &quiet;
	}
	before = d->errors;
	memset(dom, 0, sizeof(*dom));
	dom->on_poweroff = XLCFG_ACTION_DESTROY;
	dom->on_reboot = XLCFG_ACTION_RESTART;
	dom->on_crash = XLCFG_ACTION_DESTROY;
	dom->on_watchdog = XLCFG_ACTION_DESTROY;
	dom->on_soft_reset = XLCFG_ACTION_SOFT_RESET;

	if (!xlcfg_find(cfg, "name"))
		xlcfg_report(d, XLCFG_ERROR, 0, 0, "`name' is mandatory");
	else
		dup_string(cfg, "name", &dom->name, d);
	get_type(cfg, dom, d);
	dup_string(cfg, "kernel", &dom->kernel, d);
	dup_string(cfg, "ramdisk", &dom->ramdisk, d);
	get_cmdline(cfg, dom, d);
	get_memory(cfg, dom, d);
	get_vcpus(cfg, dom, d);
	get_cpus(cfg, dom, d);
	get_action(cfg, "on_poweroff", &dom->on_poweroff, d);
	get_action(cfg, "on_reboot", &dom->on_reboot, d);
	get_action(cfg, "on_crash", &dom->on_crash, d);
	get_action(cfg, "on_watchdog", &dom->on_watchdog, d);
	get_action(cfg, "on_soft_reset", &dom->on_soft_reset, d);
	get_devices(cfg, dom, d);
	get_uuid(cfg, dom, d);
	dup_string(cfg, "seclabel", &dom->seclabel, d);
	warn_unused(cfg, d);

	if (d->errors != before) {
		xlcfg_domain_free(dom);
		return -1;
	}
	return 0;
}

int xlcfg_domain_load(const char *path, struct xlcfg_domain *dom,
		      struct xlcfg_diag *d)
{
	struct xlcfg cfg = { 0 };
	struct xlcfg_diag quiet;

	if (!d) {
		xlcfg_diag_init(&quiet, path, ignore_diag, NULL);
		d = &quiet;
	}
	memset(dom, 0, sizeof(*dom));
	int r = xlcfg_parse_file(&cfg, path, d);
	if (!r)
		r = xlcfg_domain_from_config(&cfg, dom, d);
	xlcfg_free(&cfg);
	return r;
}

void xlcfg_domain_free(struct xlcfg_domain *dom)
{
	free(dom->name);
	free(dom->kernel);
	free(dom->ramdisk);
	free(dom->cmdline);
	for (size_t i = 0; i < dom->ncpus; i++)
		xlcfg_cpulist_free(&dom->cpus[i]);
	free(dom->cpus);
	for (size_t i = 0; i < dom->ndisks; i++)
		xlcfg_disk_free(&dom->disks[i]);
	free(dom->disks);
	for (size_t i = 0; i < dom->nvifs; i++)
		xlcfg_vif_free(&dom->vifs[i]);
	free(dom->vifs);
	for (size_t i = 0; i < dom->npcis; i++)
		xlcfg_pci_free(&dom->pcis[i]);
	free(dom->pcis);
	for (size_t i = 0; i < dom->nserial; i++)
		free(dom->serial[i]);
	free(dom->serial);
	free(dom->seclabel);
	memset(dom, 0, sizeof(*dom));
}
