// SPDX-License-Identifier: MIT
/*
 * Test-only reference dumper: parses an xl.cfg file with Debian's libxlutil
 * and prints every value it covers in the canonical text form shared with
 * tools/libbasalt/xlcfg_dump.c. Never linked into Basalt.
 * Usage: xlu_dump FILE KEY...   (the keys to query; libxlutil cannot list them)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxlutil.h>

static FILE *report;
static char *report_buf;
static size_t report_len;

/* Print what libxlutil reported since the last call, one "msg" line each. */
static void flush_report(void)
{
	fflush(report);
	char *p = report_buf;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		printf("  msg %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	fclose(report);
	report = open_memstream(&report_buf, &report_len);
}

static void put_str(const char *s)
{
	if (!s) {
		fputs("(null)", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void dump_value(XLU_Config *cfg, XLU_ConfigValue *v, int depth)
{
	if (xlu_cfg_value_type(v) == XLU_STRING) {
		char *s;
		xlu_cfg_value_get_string(cfg, v, &s, 1);
		printf("%*sstring ", depth * 2, "");
		put_str(s);
		putchar('\n');
		return;
	}
	XLU_ConfigList *l;
	xlu_cfg_value_get_list(cfg, v, &l, 1);
	int n = 0;
	while (xlu_cfg_get_listitem2(l, n))
		n++;
	printf("%*slist %d\n", depth * 2, "", n);
	for (int i = 0; i < n; i++)
		dump_value(cfg, xlu_cfg_get_listitem2(l, i), depth + 1);
}

static const char *fmt_name(libxl_disk_format f)
{
	switch (f) {
	case LIBXL_DISK_FORMAT_UNKNOWN: return "unknown";
	case LIBXL_DISK_FORMAT_QCOW: return "qcow";
	case LIBXL_DISK_FORMAT_QCOW2: return "qcow2";
	case LIBXL_DISK_FORMAT_VHD: return "vhd";
	case LIBXL_DISK_FORMAT_RAW: return "raw";
	case LIBXL_DISK_FORMAT_EMPTY: return "empty";
	case LIBXL_DISK_FORMAT_QED: return "qed";
	}
	return "?";
}

static const char *backend_name(libxl_disk_backend b)
{
	switch (b) {
	case LIBXL_DISK_BACKEND_UNKNOWN: return "unknown";
	case LIBXL_DISK_BACKEND_PHY: return "phy";
	case LIBXL_DISK_BACKEND_TAP: return "tap";
	case LIBXL_DISK_BACKEND_QDISK: return "qdisk";
	case LIBXL_DISK_BACKEND_STANDALONE: return "standalone";
	}
	return "?";
}

static const char *spec_name(libxl_disk_specification s)
{
	switch (s) {
	case LIBXL_DISK_SPECIFICATION_UNKNOWN: return "unknown";
	case LIBXL_DISK_SPECIFICATION_XEN: return "xen";
	case LIBXL_DISK_SPECIFICATION_VIRTIO: return "virtio";
	}
	return "?";
}

static const char *tri(libxl_defbool b)
{
	return libxl_defbool_is_default(b) ? "default"
	       : libxl_defbool_val(b) ? "true" : "false";
}

static void dump_disk(XLU_Config *cfg, const char *key, int i, const char *spec)
{
	libxl_device_disk d;
	libxl_device_disk_init(&d);
	int rc = xlu_disk_parse(cfg, 1, &spec, &d);
	printf("disk %s[%d] rc=%d", key, i, rc);
	if (!rc) {
		printf(" target=");
		put_str(d.pdev_path);
		printf(" vdev=");
		put_str(d.vdev);
		printf(" format=%s backendtype=%s backend=", fmt_name(d.format),
		       backend_name(d.backend));
		put_str(d.backend_domname);
		printf(" script=");
		put_str(d.script);
		printf(" specification=%s readwrite=%d is_cdrom=%d removable=%d"
		       " direct_io_safe=%d discard=%s trusted=%s colo=%s",
		       spec_name(d.specification), d.readwrite, d.is_cdrom,
		       d.removable, d.direct_io_safe, tri(d.discard_enable),
		       tri(d.trusted), tri(d.colo_enable));
		printf(" colo_host=");
		put_str(d.colo_host);
		printf(" colo_port=%d colo_export=", d.colo_port);
		put_str(d.colo_export);
		printf(" active_disk=");
		put_str(d.active_disk);
		printf(" hidden_disk=");
		put_str(d.hidden_disk);
	}
	putchar('\n');
	flush_report();
	libxl_device_disk_dispose(&d);
}

static void print_pci(const libxl_device_pci *p)
{
	printf(" domain=%d bus=%u dev=%u func=%u vdevfn=%u vfunc_mask=0x%x"
	       " msitranslate=%d power_mgmt=%d permissive=%d seize=%d"
	       " rdm_policy=%d name=", p->domain, p->bus, p->dev, p->func,
	       p->vdevfn, p->vfunc_mask, p->msitranslate, p->power_mgmt,
	       p->permissive, p->seize, (int)p->rdm_policy);
	put_str(p->name);
}

static void dump_pci(XLU_Config *cfg, const char *key, int i, const char *spec)
{
	libxl_device_pci p;
	libxl_device_pci_init(&p);
	int rc = xlu_pci_parse_spec_string(cfg, &p, spec);
	/* libxl error codes (ERROR_INVAL, ERROR_FAIL) where ours gives EINVAL:
	 * only success is compared. */
	printf("pci %s[%d] rc=%s", key, i, rc ? "fail" : "0");
	if (!rc)
		print_pci(&p);
	putchar('\n');
	flush_report();
	libxl_device_pci_dispose(&p);

	libxl_device_pci_init(&p);
	rc = xlu_pci_parse_bdf(cfg, &p, spec);
	printf("bdf %s[%d] rc=%s", key, i, rc ? "fail" : "0");
	if (!rc)
		print_pci(&p);
	putchar('\n');
	flush_report();
	libxl_device_pci_dispose(&p);
}

static void dump_rate(XLU_Config *cfg, const char *key, int i, const char *rate)
{
	libxl_device_nic nic;
	libxl_device_nic_init(&nic);
	/* libxlutil tests errno after strtoull() without clearing it first:
	 * start each call from a clean errno as a fresh xl process would. */
	errno = 0;
	int rc = xlu_vif_parse_rate(cfg, rate, &nic);
	printf("rate %s[%d] rc=%d", key, i, rc);
	if (!rc)
		printf(" bytes_per_interval=%llu interval_usecs=%u",
		       (unsigned long long)nic.rate_bytes_per_interval,
		       nic.rate_interval_usecs);
	putchar('\n');
	flush_report();
	libxl_device_nic_dispose(&nic);
}

static void dump_rdm(XLU_Config *cfg, const char *key, int i, const char *s)
{
	libxl_rdm_reserve r;
	libxl_rdm_reserve_init(&r);
	int rc = xlu_rdm_parse(cfg, &r, s);
	printf("rdm %s[%d] rc=%s", key, i, rc ? "fail" : "0");
	if (!rc)
		printf(" strategy=%d policy=%d", (int)r.strategy, (int)r.policy);
	putchar('\n');
	flush_report();
	libxl_rdm_reserve_dispose(&r);
}

/* The rate= option of a vif spec, as xl cuts it out (NULL when absent). */
static char *vif_rate(const char *spec)
{
	char *copy = strdup(spec), *save = NULL, *rate = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ' || *t == '\t')
			t++;
		if (!strncmp(t, "rate=", 5)) {
			free(rate);
			rate = strdup(t + 5);
		}
	}
	free(copy);
	return rate;
}

static int has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Run the spec parsers that apply to key over each string it holds. */
static void dump_specs(XLU_Config *cfg, const char *key)
{
	XLU_ConfigList *l;
	int n;
	const char *one;
	const char **items;

	if (!xlu_cfg_get_list(cfg, key, &l, &n, 1)) {
		items = calloc((size_t)n + 1, sizeof(*items));
		for (int i = 0; i < n; i++)
			items[i] = xlu_cfg_get_listitem(l, i);
	} else if (!xlu_cfg_get_string(cfg, key, &one, 1)) {
		n = 1;
		items = calloc(2, sizeof(*items));
		items[0] = one;
	} else {
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!items[i])
			continue;
		if (has_prefix(key, "disk"))
			dump_disk(cfg, key, i, items[i]);
		else if (has_prefix(key, "pci"))
			dump_pci(cfg, key, i, items[i]);
		else if (has_prefix(key, "rdm"))
			dump_rdm(cfg, key, i, items[i]);
		else if (has_prefix(key, "rate"))
			dump_rate(cfg, key, i, items[i]);
		else if (has_prefix(key, "vif")) {
			char *r = vif_rate(items[i]);
			if (r)
				dump_rate(cfg, key, i, r);
			free(r);
		}
	}
	free(items);
}

static void dump_key(XLU_Config *cfg, const char *key)
{
	XLU_ConfigList *l;
	const char *s;
	int n;
	int rc = xlu_cfg_get_list(cfg, key, &l, &n, 1);

	if (rc == ESRCH) {
		printf("key %s absent\n", key);
		return;
	}
	if (!rc) {
		printf("key %s list %d\n", key, n);
		for (int i = 0; i < n; i++)
			dump_value(cfg, xlu_cfg_get_listitem2(l, i), 1);
	} else {
		xlu_cfg_get_string(cfg, key, &s, 1);
		printf("key %s string ", key);
		put_str(s);
		long v;
		rc = xlu_cfg_get_long(cfg, key, &v, 1);
		if (rc)
			printf(" long-err=%d\n", rc);
		else
			printf(" long=%ld\n", v);
	}
	dump_specs(cfg, key);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [KEY...]\n", argv[0]);
		return 2;
	}
	report = open_memstream(&report_buf, &report_len);
	XLU_Config *cfg = xlu_cfg_init(report, argv[1]);
	int rc = xlu_cfg_readfile(cfg, argv[1]);
	printf("parse rc=%d\n", rc);
	if (rc) {
		/* Only the failure is compared: our messages differ on purpose
		 * (they give line and column, see tools/libbasalt/README.md). */
		return 0;
	}
	flush_report();
	for (int i = 2; i < argc; i++)
		dump_key(cfg, argv[i]);
	xlu_cfg_destroy(cfg);
	fclose(report);
	free(report_buf);
	return 0;
}
