// SPDX-License-Identifier: MIT
/*
 * The canonical dump of a config for the differential test: the same text
 * that tests/system/xlcfg_diff/xlu_dump.c prints from Debian's libxlutil,
 * covering the generic values, number reading and the spec parsers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>

static void put_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("(null)", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void dump_value(FILE *f, const struct xlcfg_value *v, int depth)
{
	if (v->type == XLCFG_STRING) {
		fprintf(f, "%*sstring ", depth * 2, "");
		put_str(f, v->str);
		fputc('\n', f);
		return;
	}
	fprintf(f, "%*slist %zu\n", depth * 2, "", v->n);
	for (size_t i = 0; i < v->n; i++)
		dump_value(f, v->items[i], depth + 1);
}

struct msgs {
	FILE *f;
	const char *prefix;
	const char *suffix_spec;    /* appended as " in `SPEC'" when set */
};

static void msg_line(void *ctx, const char *msg)
{
	struct msgs *m = ctx;
	fprintf(m->f, "  msg %s%s", m->prefix, msg);
	if (m->suffix_spec)
		fprintf(m->f, " in `%s'", m->suffix_spec);
	fputc('\n', m->f);
}

static const char *tri(enum xlcfg_tristate t)
{
	return t == XLCFG_DEFAULT ? "default" : t == XLCFG_TRUE ? "true" : "false";
}

static void dump_disk(FILE *f, const char *src, const char *key, size_t i,
		      const char *spec)
{
	struct xlcfg_disk d;
	char prefix[512];
	snprintf(prefix, sizeof(prefix),
		 "%s: config parsing error in disk specification: ", src);
	struct msgs m = { f, prefix, spec };
	/* libxlutil prints its messages before the result line */
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	m.f = mf;
	int rc = xlcfg_disk_parse(spec, &d, msg_line, &m);
	fclose(mf);
	fprintf(f, "disk %s[%zu] rc=%d", key, i, rc);
	if (!rc) {
		fputs(" target=", f);
		put_str(f, d.target);
		fputs(" vdev=", f);
		put_str(f, d.vdev);
		fprintf(f, " format=%s backendtype=%s backend=",
			xlcfg_disk_format_name(d.format),
			xlcfg_disk_backend_name(d.backendtype));
		put_str(f, d.backend_domname);
		fputs(" script=", f);
		put_str(f, d.script);
		fprintf(f, " specification=%s readwrite=%d is_cdrom=%d "
			"removable=%d direct_io_safe=%d discard=%s trusted=%s "
			"colo=%s", xlcfg_disk_spec_name(d.specification),
			d.readwrite, d.is_cdrom, d.removable, d.direct_io_safe,
			tri(d.discard), tri(d.trusted), tri(d.colo));
		fputs(" colo_host=", f);
		put_str(f, d.colo_host);
		fprintf(f, " colo_port=%d colo_export=", d.colo_port);
		put_str(f, d.colo_export);
		fputs(" active_disk=", f);
		put_str(f, d.active_disk);
		fputs(" hidden_disk=", f);
		put_str(f, d.hidden_disk);
	}
	fputc('\n', f);
	fputs(buf, f);
	free(buf);
	xlcfg_disk_free(&d);
}

static void print_pci(FILE *f, const struct xlcfg_pci *p)
{
	fprintf(f, " domain=%u bus=%u dev=%u func=%u vdevfn=%u vfunc_mask=0x%x"
		" msitranslate=%d power_mgmt=%d permissive=%d seize=%d"
		" rdm_policy=%d name=", p->domain, p->bus, p->dev, p->func,
		p->vdevfn, p->vfunc_mask, p->msitranslate, p->power_mgmt,
		p->permissive, p->seize, (int)p->rdm_policy);
	put_str(f, p->name);
}

/* Messages of pci and rdm have no newline in libxlutil: they run together
 * until the dumper's next flush, so collect them into one line. */
static void msg_collect(void *ctx, const char *msg)
{
	fputs(msg, ctx);
}

static void flush_collected(FILE *f, char *buf)
{
	if (buf && *buf)
		fprintf(f, "  msg %s\n", buf);
	free(buf);
}

static void dump_pci(FILE *f, const char *key, size_t i, const char *spec)
{
	struct xlcfg_pci p;
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	int rc = xlcfg_pci_parse_spec(spec, &p, msg_collect, mf);
	fclose(mf);
	fprintf(f, "pci %s[%zu] rc=%s", key, i, rc ? "fail" : "0");
	if (!rc)
		print_pci(f, &p);
	fputc('\n', f);
	flush_collected(f, buf);
	xlcfg_pci_free(&p);

	memset(&p, 0, sizeof(p));
	p.rdm_policy = XLCFG_RDM_POLICY_INVALID;
	rc = xlcfg_pci_parse_bdf(spec, &p);
	fprintf(f, "bdf %s[%zu] rc=%s", key, i, rc ? "fail" : "0");
	if (!rc)
		print_pci(f, &p);
	fputc('\n', f);
}

static void dump_rdm(FILE *f, const char *key, size_t i, const char *s)
{
	struct xlcfg_rdm r = { XLCFG_RDM_STRATEGY_IGNORE,
			       XLCFG_RDM_POLICY_INVALID };
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	int rc = xlcfg_rdm_parse(s, &r, msg_collect, mf);
	fclose(mf);
	fprintf(f, "rdm %s[%zu] rc=%s", key, i, rc ? "fail" : "0");
	if (!rc)
		fprintf(f, " strategy=%d policy=%d", (int)r.strategy,
			(int)r.policy);
	fputc('\n', f);
	flush_collected(f, buf);
}

static void dump_rate(FILE *f, const char *src, const char *key, size_t i,
		      const char *rate)
{
	struct xlcfg_vif_rate r;
	char prefix[512];
	snprintf(prefix, sizeof(prefix), "%s: config parsing error in vif: ",
		 src);
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	struct msgs m = { mf, prefix, NULL };
	int rc = xlcfg_vif_parse_rate(rate, &r, msg_line, &m);
	fclose(mf);
	fprintf(f, "rate %s[%zu] rc=%d", key, i, rc);
	if (!rc)
		fprintf(f, " bytes_per_interval=%llu interval_usecs=%u",
			(unsigned long long)r.bytes_per_interval,
			r.interval_usecs);
	fputc('\n', f);
	fputs(buf, f);
	free(buf);
}

/* The last "rate=" option of a vif spec, cut out as xl does. */
static char *vif_rate(const char *spec)
{
	char *copy = strdup(spec), *save = NULL, *rate = NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
	     t = strtok_r(NULL, ",", &save)) {
		t += strspn(t, " \t");
		if (!strncmp(t, "rate=", 5)) {
			free(rate);
			rate = strdup(t + 5);
		}
	}
	free(copy);
	return rate;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static void dump_specs(FILE *f, const char *src, const struct xlcfg_value *v,
		       const char *key)
{
	size_t n = v->type == XLCFG_LIST ? v->n : 1;
	for (size_t i = 0; i < n; i++) {
		const struct xlcfg_value *it = v->type == XLCFG_LIST ?
			v->items[i] : v;
		if (it->type != XLCFG_STRING)
			continue;
		if (has_prefix(key, "disk"))
			dump_disk(f, src, key, i, it->str);
		else if (has_prefix(key, "pci"))
			dump_pci(f, key, i, it->str);
		else if (has_prefix(key, "rdm"))
			dump_rdm(f, key, i, it->str);
		else if (has_prefix(key, "rate"))
			dump_rate(f, src, key, i, it->str);
		else if (has_prefix(key, "vif")) {
			char *r = vif_rate(it->str);
			if (r)
				dump_rate(f, src, key, i, r);
			free(r);
		}
	}
}

static void quiet(void *ctx, enum xlcfg_severity sev, const char *msg)
{
}

void xlcfg_dump(FILE *f, const char *path, char **keys, int nkeys)
{
	struct xlcfg cfg = { 0 };
	struct xlcfg_diag d;

	xlcfg_diag_init(&d, path, quiet, NULL);
	int rc = xlcfg_parse_file(&cfg, path, &d);
	fprintf(f, "parse rc=%d\n", rc ? EINVAL : 0);
	for (int k = 0; !rc && k < nkeys; k++) {
		const struct xlcfg_setting *s = xlcfg_find(&cfg, keys[k]);
		long v;
		if (!s) {
			fprintf(f, "key %s absent\n", keys[k]);
			continue;
		}
		if (s->value->type == XLCFG_LIST) {
			fprintf(f, "key %s list %zu\n", keys[k], s->value->n);
			for (size_t i = 0; i < s->value->n; i++)
				dump_value(f, s->value->items[i], 1);
		} else {
			fprintf(f, "key %s string ", keys[k]);
			put_str(f, s->value->str);
			int e = xlcfg_get_long(&cfg, keys[k], &v, NULL);
			if (e)
				fprintf(f, " long-err=%d\n", e);
			else
				fprintf(f, " long=%ld\n", v);
		}
		dump_specs(f, path, s->value, keys[k]);
	}
	xlcfg_free(&cfg);
}
