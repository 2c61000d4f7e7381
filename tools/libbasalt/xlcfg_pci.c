// SPDX-License-Identifier: MIT
/*
 * PCI_SPEC_STRING (xl-pci-configuration(5)): "[DDDD:]BB:DD.F[@VSLOT]"
 * then KEY=VALUE options, or "bdf=" / "name=" given by key; and the rdm=
 * option of xl.cfg. Numbers are read as libxlutil reads them (sscanf %x),
 * so the same strings are accepted.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <basalt/xlcfg.h>

/* libxlutil's message: what, then the offending text. */
static void spec_err(xlcfg_spec_err_fn err, void *ctx, const char *what,
		     const char *arg)
{
	char buf[512];
	if (!err)
		return;
	snprintf(buf, sizeof(buf), "%s%s", what, arg);
	err(ctx, buf);
}

/* The BDF at str; *endp is left after it. */
static int parse_bdf(const char *str, struct xlcfg_pci *pci, const char **endp)
{
	unsigned int colons = 0, domain = 0, bus, dev, func;
	int n = -1;

	for (const char *p = str; isxdigit((unsigned char)*p) || *p == ':'; p++)
		colons += *p == ':';
	if (colons == 1) {
		if (sscanf(str, "%x:%x.%n", &bus, &dev, &n) != 2)
			return EINVAL;
	} else if (colons == 2) {
		if (sscanf(str, "%x:%x:%x.%n", &domain, &bus, &dev, &n) != 3)
			return EINVAL;
	} else {
		return EINVAL;
	}
	/* %n is only stored when the '.' matched */
	if (n < 0)
		return EINVAL;
	if (domain > 0xffff || bus > 0xff || dev > 0x1f)
		return EINVAL;
	const char *p = str + n;
	if (*p == '*') {
		pci->vfunc_mask = XLCFG_PCI_FUNC_ALL;
		func = 0;
		p++;
	} else {
		if (sscanf(p, "%x%n", &func, &n) != 1 || func > 7)
			return EINVAL;
		pci->vfunc_mask = 1;
		p += n;
	}
	pci->domain = domain;
	pci->bus = bus;
	pci->dev = dev;
	pci->func = func;
	if (endp)
		*endp = p;
	return 0;
}

static int parse_vslot(const char *str, uint32_t *vdevfn, const char **endp)
{
	unsigned int v;
	int n;

	if (sscanf(str, "%x%n", &v, &n) != 1 || v > 0x1f)
		return EINVAL;
	*vdevfn = v << 3;
	if (endp)
		*endp = str + n;
	return 0;
}

int xlcfg_pci_parse_bdf(const char *str, struct xlcfg_pci *pci)
{
	return parse_bdf(str, pci, NULL);
}

static bool parse_policy(const char *s, enum xlcfg_rdm_policy *out)
{
	/* libxl's enum parser: case-insensitive names of the enum */
	if (!strcasecmp(s, "strict"))
		*out = XLCFG_RDM_POLICY_STRICT;
	else if (!strcasecmp(s, "relaxed"))
		*out = XLCFG_RDM_POLICY_RELAXED;
	else
		return false;
	return true;
}

/* Apply one KEY=VALUE option. */
static int pci_option(struct xlcfg_pci *pci, const char *key, const char *val,
		      bool *bdf, bool *name, xlcfg_spec_err_fn err, void *ctx)
{
	if (!strcmp(key, "bdf")) {
		if (parse_bdf(val, pci, NULL))
			return EINVAL;
		*bdf = true;
	} else if (!strcmp(key, "vslot")) {
		return parse_vslot(val, &pci->vdevfn, NULL);
	} else if (!strcmp(key, "permissive")) {
		pci->permissive = atoi(val) != 0;
	} else if (!strcmp(key, "msitranslate")) {
		pci->msitranslate = atoi(val) != 0;
	} else if (!strcmp(key, "seize")) {
		pci->seize = atoi(val) != 0;
	} else if (!strcmp(key, "power_mgmt")) {
		pci->power_mgmt = atoi(val) != 0;
	} else if (!strcmp(key, "rdm_policy")) {
		if (!parse_policy(val, &pci->rdm_policy)) {
			spec_err(err, ctx, "Unknown RDM policy: ", val);
			return EINVAL;
		}
	} else if (!strcmp(key, "name")) {
		*name = true;
		free(pci->name);
		pci->name = strdup(val);
		if (!pci->name)
			return ENOMEM;
	} else {
		spec_err(err, ctx, "Unknown PCI_SPEC_STRING option: ", key);
		return EINVAL;
	}
	return 0;
}

int xlcfg_pci_parse_spec(const char *str, struct xlcfg_pci *pci,
			 xlcfg_spec_err_fn err, void *ctx)
{
	const char *p = str;
	bool bdf = false, name = false;

	memset(pci, 0, sizeof(*pci));
	pci->rdm_policy = XLCFG_RDM_POLICY_INVALID;   /* unset: libxl decides */
	/* A positional BDF first, optionally with @VSLOT. */
	if (!parse_bdf(p, pci, &p)) {
		bdf = true;
		if (*p == '@' && parse_vslot(p + 1, &pci->vdevfn, &p))
			return EINVAL;
		if (*p == ',')
			p++;
		else if (*p)
			return EINVAL;
	}
	while (*p) {
		const char *eq = strchr(p, '=');
		if (!eq)
			return EINVAL;
		size_t vl = strcspn(eq + 1, ",");
		char *key = strndup(p, (size_t)(eq - p));
		char *val = strndup(eq + 1, vl);
		int r = key && val ? pci_option(pci, key, val, &bdf, &name,
						err, ctx) : ENOMEM;
		free(key);
		free(val);
		if (r)
			return r;
		p = eq + 1 + vl;
		if (*p == ',')
			p++;
	}
	/* Exactly one of a BDF and a name says which device this is. */
	return bdf != name ? 0 : EINVAL;
}

void xlcfg_pci_free(struct xlcfg_pci *pci)
{
	free(pci->name);
	pci->name = NULL;
}

static int rdm_option(struct xlcfg_rdm *rdm, const char *key, const char *val,
		      xlcfg_spec_err_fn err, void *ctx)
{
	if (!strcmp(key, "strategy")) {
		if (strcmp(val, "host")) {
			spec_err(err, ctx, "Unknown RDM strategy option: ",
				 val);
			return EINVAL;
		}
		rdm->strategy = XLCFG_RDM_STRATEGY_HOST;
	} else if (!strcmp(key, "policy")) {
		if (!parse_policy(val, &rdm->policy)) {
			spec_err(err, ctx, "Unknown RDM policy: ", val);
			return EINVAL;
		}
	} else {
		spec_err(err, ctx, "Unknown RDM state option: ", key);
		return EINVAL;
	}
	return 0;
}

int xlcfg_rdm_parse(const char *str, struct xlcfg_rdm *rdm,
		    xlcfg_spec_err_fn err, void *ctx)
{
	const char *p = str;

	if (!*p)
		return EINVAL;
	while (*p) {
		const char *eq = strchr(p, '=');
		if (!eq) {
			/* libxlutil reports nothing for a missing '=' */
			return EINVAL;
		}
		size_t vl = strcspn(eq + 1, ",");
		char *key = strndup(p, (size_t)(eq - p));
		char *val = strndup(eq + 1, vl);
		int r = key && val ? rdm_option(rdm, key, val, err, ctx)
				   : ENOMEM;
		free(key);
		free(val);
		if (r)
			return r;
		p = eq + 1 + vl;
		if (*p == ',') {
			p++;
			if (!*p)
				return EINVAL;  /* a trailing comma */
		}
	}
	return 0;
}
