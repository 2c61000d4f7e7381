// SPDX-License-Identifier: MIT
/*
 * Unit tests of libbasalt's xl.cfg spec parsers: every disk-spec form of
 * xl-disk-configuration(5) with its exact result or message, PCI specs,
 * vif rates and specs, and CPU lists.
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

static char msgs[2048];

static void collect(void *ctx, const char *msg)
{
	size_t n = strlen(msgs);
	snprintf(msgs + n, sizeof(msgs) - n, "%s|", msg);
}

/* "target vdev format rw|ro [cdrom] [flags]" or "E:<messages>" */
static void disk_summary(const char *spec, char *out, size_t size)
{
	struct xlcfg_disk d;
	msgs[0] = 0;
	if (xlcfg_disk_parse(spec, &d, collect, NULL)) {
		snprintf(out, size, "E:%s", msgs);
	} else {
		snprintf(out, size, "%s %s %s %s%s%s%s%s%s%s%s%s%s",
			 d.target ? d.target : "-", d.vdev,
			 xlcfg_disk_format_name(d.format),
			 d.readwrite ? "rw" : "ro", d.is_cdrom ? " cdrom" : "",
			 d.script ? " script=" : "", d.script ? d.script : "",
			 d.backendtype ? " bt=" : "",
			 d.backendtype ? xlcfg_disk_backend_name(d.backendtype) : "",
			 d.backend_domname ? " backend=" : "",
			 d.backend_domname ? d.backend_domname : "",
			 d.direct_io_safe ? " dios" : "",
			 d.discard == XLCFG_FALSE ? " no-discard" :
			 d.discard == XLCFG_TRUE ? " discard" : "");
		assert_string_equal(msgs, "");
	}
	xlcfg_disk_free(&d);
}

static void test_disk_forms(void **state)
{
	static const struct { const char *spec, *want; } cases[] = {
		/* the equivalent forms of the manual */
		{ "/dev/vg/guest-volume,,hda", "/dev/vg/guest-volume hda raw rw" },
		{ "/dev/vg/guest-volume,raw,hda,rw", "/dev/vg/guest-volume hda raw rw" },
		{ "format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
		  "/dev/vg/guest-volume hda raw rw" },
		{ "raw:/dev/vg/guest-volume,hda,w", "/dev/vg/guest-volume hda raw rw" },
		{ "/root/image.iso,,hdc,cdrom", "/root/image.iso hdc raw ro cdrom" },
		{ "/root/image.iso,,hdc,,cdrom", "/root/image.iso hdc raw ro cdrom" },
		{ "/root/image.iso,raw,hdc,devtype=cdrom",
		  "/root/image.iso hdc raw ro cdrom" },
		{ "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
		  "/root/image.iso hdc raw ro cdrom" },
		{ "raw:/root/image.iso,hdc:cdrom,ro", "/root/image.iso hdc raw ro cdrom" },
		{ ",hdc:cdrom,r", " hdc empty ro cdrom" },
		/* positional and named parameters */
		{ "/i,qcow2,xvdb,ro", "/i xvdb qcow2 ro" },
		{ "/i,vhd,xvdb,r", "/i xvdb vhd ro" },
		{ "/i,qed,xvdb", "/i xvdb qed rw" },
		{ "/i,qcow,xvdb", "/i xvdb qcow rw" },
		{ ",,xvdg", " xvdg raw rw" },
		{ "cdrom,vdev=hdc", "- hdc empty ro cdrom" },
		{ "vdev=xvda,target=/a,b,c,", "/a,b,c xvda raw rw" },
		{ "vdev=xvda,target=  x  ", "  x   xvda raw rw" },
		{ " /x , raw, xvda", "/x  xvda raw rw" },  /* leading blanks only */
		{ "/x,raw ,xvda", "E:unknown value for format: near `raw '|" },
		{ "vdev=xvda,backendtype=phy,backend=dd,/dev/sdb",
		  "/dev/sdb xvda raw rw bt=phy backend=dd" },
		{ "vdev=xvda,direct-io-safe,no-discard,/x",
		  "/x xvda raw rw dios no-discard" },
		{ "vdev=xvda,discard,/x", "/x xvda raw rw discard" },
		{ "vdev=,vdev=b,/x", "/x b raw rw" },
		{ "/x,,xvda:disk,r", "/x xvda raw ro" },
		/* deprecated prefixes */
		{ "tap:aio:/x,xvda,w", "/x xvda raw rw" },
		{ "nbd:host:1234,xvda,r", "host:1234 xvda raw ro script=block-nbd" },
		{ "iscsi:iqn,xvda", "iqn xvda raw rw script=block-iscsi" },
		{ "qcow2:/x,xvda", "/x xvda qcow2 rw" },
		{ "phy:/dev/sda,xvda", "/dev/sda xvda raw rw" },
		/* what xl's scanner does with odd specs */
		{ "vdev=xvda,foo=", "foo xvda raw rw" },   /* "=" at the end: skipped */
		{ "vdev=xvda,foo=,/x", "E:bad disk syntax: near `=,/x'|" },
		{ "vdev=xvda,/x,=", "/x xvda raw rw" },
		/* errors, worded as libxlutil words them */
		{ "/x,xvda", "E:unknown value for format: near `xvda'|" },
		{ "/x,raw,xvda,rw,extra",
		  "E:too many positional parameters: near `extra'|" },
		{ "vdev=a,vdev=b,/x", "E:vdev respecified: near `b'|" },
		{ "/x,raw,xvda,format=qcow", "E:format respecified: near `qcow'|" },
		{ "vdev=xvda,foo=bar,/x", "E:unknown parameter: near `foo=b'|" },
		{ "vdev=xvda,/x,=junk", "E:bad disk syntax: near `=junk'|" },
		{ "", "E:no vdev specified|" },
		{ "xvda", "E:no vdev specified|" },
		{ "vdev=xvda", "E:no target specified (and device not removable)|" },
		{ "foo:/x,xvda", "E:unknown deprecated disk prefix: near `foo:'|" },
		{ "vdev=xvda,access=bad,/x", "E:unknown value for access: near `bad'|" },
		{ "vdev=xvda,devtype=floppy,/x",
		  "E:unknown value for type: near `devtype=floppy,'|" },
		{ "vdev=xvda,colo-port=0,/x", "E:unknown value for colo_port: near `0'|" },
		{ "vdev=xvda,backendtype=phy,backendtype=qdisk,/x",
		  "E:backend respecified: near `qdisk'|" },
		{ "vdev=xvda,specification=pv,/x",
		  "E:unknown value for specification: near `pv'|" },
		{ "/x,,xvda:floppy,r", "E:unknown deprecated type: near `floppy'|" },
		/* target= takes the rest of the string, later "target=" too */
		{ "vdev=xvda,target=/a,target=/b", "/a,target=/b xvda raw rw" },
		{ "/a,vdev=xvda,target=/b", "E:target respecified: near `/b'|" },
		{ "vdev=xvda,backendtype=nbd,access=x,/y",
		  "E:unknown value for backendtype: near `nbd'|"
		  "unknown value for access: near `x'|" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[4096];
		disk_summary(cases[i].spec, got, sizeof(got));
		if (strcmp(got, cases[i].want))
			fail_msg("disk spec `%s': got `%s', want `%s'",
				 cases[i].spec, got, cases[i].want);
	}
}

static void test_disk_fields(void **state)
{
	struct xlcfg_disk d;
	assert_int_equal(xlcfg_disk_parse("colo,colo-host=h,colo-port=9000,"
					  "colo-export=e,active-disk=a,"
					  "hidden-disk=hh,specification=virtio,"
					  "backendtype=standalone,untrusted,"
					  "vdev=xvda,/x", &d, NULL, NULL), 0);
	assert_int_equal(d.colo, XLCFG_TRUE);
	assert_string_equal(d.colo_host, "h");
	assert_int_equal(d.colo_port, 9000);
	assert_string_equal(d.colo_export, "e");
	assert_string_equal(d.active_disk, "a");
	assert_string_equal(d.hidden_disk, "hh");
	assert_int_equal(d.specification, XLCFG_SPEC_VIRTIO);
	assert_int_equal(d.backendtype, XLCFG_BACKEND_STANDALONE);
	assert_int_equal(d.trusted, XLCFG_FALSE);
	assert_int_equal(d.removable, 0);
	xlcfg_disk_free(&d);
}

static void test_pci(void **state)
{
	struct xlcfg_pci p;

	assert_int_equal(xlcfg_pci_parse_spec("0000:03:1f.7@3,permissive=1,"
					      "msitranslate=1,seize=1,power_mgmt=1,"
					      "rdm_policy=strict", &p, NULL, NULL), 0);
	assert_int_equal(p.domain, 0);
	assert_int_equal(p.bus, 3);
	assert_int_equal(p.dev, 0x1f);
	assert_int_equal(p.func, 7);
	assert_int_equal(p.vdevfn, 3 << 3);
	assert_int_equal(p.vfunc_mask, 1);
	assert_true(p.permissive && p.msitranslate && p.seize && p.power_mgmt);
	assert_int_equal(p.rdm_policy, XLCFG_RDM_POLICY_STRICT);
	xlcfg_pci_free(&p);
	assert_int_equal(xlcfg_pci_parse_spec("ffff:ff:00.*", &p, NULL, NULL), 0);
	assert_int_equal(p.domain, 0xffff);
	assert_int_equal(p.vfunc_mask, XLCFG_PCI_FUNC_ALL);
	assert_int_equal(p.rdm_policy, XLCFG_RDM_POLICY_INVALID);
	assert_int_equal(xlcfg_pci_parse_spec("name=gpu,vslot=4", &p, NULL, NULL), 0);
	assert_string_equal(p.name, "gpu");
	assert_int_equal(p.vdevfn, 4 << 3);
	xlcfg_pci_free(&p);
	static const char *const bad[] = { "03:20.0", "03:00.8", "10000:0:0.0",
		"03:00", "03:00.0@20", "bdf=03:00.0,name=g", "vslot=2", "",
		"03:00.0,novalue" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(xlcfg_pci_parse_spec(bad[i], &p, NULL, NULL), EINVAL);
		xlcfg_pci_free(&p);
	}
	msgs[0] = 0;
	assert_int_equal(xlcfg_pci_parse_spec("03:00.0,foo=1", &p, collect, NULL),
			 EINVAL);
	assert_string_equal(msgs, "Unknown PCI_SPEC_STRING option: foo|");
	xlcfg_pci_free(&p);
	/* sscanf's %x takes "0x" as an empty hex prefix, in xl too */
	assert_int_equal(xlcfg_pci_parse_spec("03:00.0x", &p, NULL, NULL), 0);
	assert_int_equal(p.func, 0);
	xlcfg_pci_free(&p);
	assert_int_equal(xlcfg_pci_parse_bdf("3:0.1", &p), 0);
	assert_int_equal(p.func, 1);
}

static void test_rdm(void **state)
{
	struct xlcfg_rdm r = { XLCFG_RDM_STRATEGY_IGNORE, XLCFG_RDM_POLICY_INVALID };
	assert_int_equal(xlcfg_rdm_parse("strategy=host,policy=relaxed", &r, NULL,
					 NULL), 0);
	assert_int_equal(r.strategy, XLCFG_RDM_STRATEGY_HOST);
	assert_int_equal(r.policy, XLCFG_RDM_POLICY_RELAXED);
	msgs[0] = 0;
	assert_int_equal(xlcfg_rdm_parse("policy=loose", &r, collect, NULL), EINVAL);
	assert_string_equal(msgs, "Unknown RDM policy: loose|");
	assert_int_equal(xlcfg_rdm_parse("strategy=host,", &r, NULL, NULL), EINVAL);
}

static void test_vif_rate(void **state)
{
	static const struct { const char *s; int rc; uint64_t bytes;
			      uint32_t usecs; } cases[] = {
		{ "10Mb/s", 0, 62500, 50000 },
		{ "100MB/s@20ms", 0, 2000000, 20000 },
		{ "1GB/s@100us", 0, 100000, 100 },
		{ "5Kb/s@2", 0, 1250, 2000000 },
		{ "010Mb/s", 0, 50000, 50000 },     /* octal, as xl reads it */
		{ "0Mb/s", EOVERFLOW, 0, 0 },
		{ "4294967296B/s", EOVERFLOW, 0, 0 },
		{ "10Mb/s@4295s", EOVERFLOW, 0, 0 },
		{ "10Tb/s", EINVAL, 0, 0 },
		{ "", EINVAL, 0, 0 },
		{ "10Mb/s@5x", EINVAL, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xlcfg_vif_rate r = { 0, 0 };
		int rc = xlcfg_vif_parse_rate(cases[i].s, &r, NULL, NULL);
		if (rc != cases[i].rc || r.bytes_per_interval != cases[i].bytes ||
		    r.interval_usecs != cases[i].usecs)
			fail_msg("rate `%s': rc %d %llu/%u", cases[i].s, rc,
				 (unsigned long long)r.bytes_per_interval,
				 r.interval_usecs);
	}
	struct xlcfg_vif_rate r;
	msgs[0] = 0;
	xlcfg_vif_parse_rate("10Mb/s@4295s", &r, collect, NULL);
	assert_string_equal(msgs, "replenishment interval overflow in `4295s'|");
}

static void test_vif_spec(void **state)
{
	struct xlcfg_vif v;

	msgs[0] = 0;
	assert_int_equal(xlcfg_vif_parse(" mac=00:16:3E:0a:0b:0c , bridge=br0,"
					 "accel=x,ip=1.2.3.4", &v, collect,
					 collect, NULL), 0);
	assert_string_equal(msgs, "unknown vif option `accel' ignored|");
	assert_true(v.has_mac);
	assert_int_equal(v.mac[3], 0x0a);
	assert_int_equal(v.mac[5], 0x0c);
	assert_string_equal(v.bridge, "br0");
	assert_string_equal(v.ip, "1.2.3.4");
	xlcfg_vif_free(&v);
	assert_int_equal(xlcfg_vif_parse("", &v, NULL, NULL, NULL), 0);
	assert_false(v.has_mac);
	assert_null(v.bridge);
	assert_int_equal(xlcfg_vif_parse("type=tap", &v, NULL, NULL, NULL), EINVAL);
	xlcfg_vif_free(&v);
	assert_int_equal(xlcfg_vif_parse("mtu=10", &v, NULL, NULL, NULL), EINVAL);
	xlcfg_vif_free(&v);
	assert_int_equal(xlcfg_vif_parse("bridge", &v, NULL, NULL, NULL), EINVAL);
	xlcfg_vif_free(&v);
}

static void test_cpulist(void **state)
{
	struct xlcfg_cpulist l;
	char buf[128];
	uint8_t map[2];

	assert_int_equal(xlcfg_cpulist_parse("all,^7", &l, NULL, NULL), 0);
	xlcfg_cpulist_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "+all -7");
	xlcfg_cpulist_resolve(&l, 10, NULL, map);
	assert_int_equal(map[0], 0x7f);
	assert_int_equal(map[1], 0x03);
	xlcfg_cpulist_free(&l);
	assert_int_equal(xlcfg_cpulist_parse("0-3,5,^1", &l, NULL, NULL), 0);
	xlcfg_cpulist_resolve(&l, 8, NULL, map);
	assert_int_equal(map[0], 0x2d);        /* 0,2,3,5 as in xl.cfg(5) */
	xlcfg_cpulist_free(&l);
	assert_int_equal(xlcfg_cpulist_parse("nodes:0-3,^node:2", &l, NULL, NULL), 0);
	xlcfg_cpulist_format(&l, buf, sizeof(buf));
	assert_string_equal(buf, "+node:0-3 -node:2");
	xlcfg_cpulist_free(&l);
	msgs[0] = 0;
	assert_int_equal(xlcfg_cpulist_parse("3-1", &l, collect, NULL), EINVAL);
	assert_string_equal(msgs, "invalid range: `3-1'|");
	assert_int_equal(xlcfg_cpulist_parse("4096", &l, NULL, NULL), EINVAL);
	assert_int_equal(xlcfg_cpulist_parse(",", &l, NULL, NULL), EINVAL);
	assert_int_equal(xlcfg_cpulist_parse("1x", &l, NULL, NULL), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_forms),
		cmocka_unit_test(test_disk_fields),
		cmocka_unit_test(test_pci),
		cmocka_unit_test(test_rdm),
		cmocka_unit_test(test_vif_rate),
		cmocka_unit_test(test_vif_spec),
		cmocka_unit_test(test_cpulist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
