// SPDX-License-Identifier: MIT
/*
 * libFuzzer target over libbasalt's xl.cfg parser: the input is parsed as a
 * config and turned into a domain, and also fed whole to every spec parser.
 * Build and run: see tools/libbasalt/README.md.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ctx, enum xlcfg_severity sev, const char *msg)
{
}

static void quiet_spec(void *ctx, const char *msg)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlcfg cfg = { 0 };
	struct xlcfg_diag d;
	struct xlcfg_domain dom;

	xlcfg_diag_init(&d, "fuzz", quiet, NULL);
	if (!xlcfg_parse(&cfg, (const char *)data, size, &d) &&
	    !xlcfg_domain_from_config(&cfg, &dom, &d))
		xlcfg_domain_free(&dom);
	xlcfg_free(&cfg);

	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	struct xlcfg_disk disk;
	xlcfg_disk_parse(s, &disk, quiet_spec, NULL);
	xlcfg_disk_free(&disk);
	struct xlcfg_pci pci;
	xlcfg_pci_parse_spec(s, &pci, quiet_spec, NULL);
	xlcfg_pci_free(&pci);
	xlcfg_pci_parse_bdf(s, &pci);
	struct xlcfg_vif vif;
	xlcfg_vif_parse(s, &vif, quiet_spec, quiet_spec, NULL);
	xlcfg_vif_free(&vif);
	struct xlcfg_vif_rate rate;
	xlcfg_vif_parse_rate(s, &rate, quiet_spec, NULL);
	struct xlcfg_rdm rdm;
	xlcfg_rdm_parse(s, &rdm, quiet_spec, NULL);
	struct xlcfg_cpulist cl;
	if (!xlcfg_cpulist_parse(s, &cl, quiet_spec, NULL)) {
		uint8_t map[16];
		xlcfg_cpulist_resolve(&cl, 128, NULL, map);
		xlcfg_cpulist_free(&cl);
	}
	free(s);
	return 0;
}
