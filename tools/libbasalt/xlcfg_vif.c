// SPDX-License-Identifier: MIT
/*
 * vif specs (xl-network-configuration(5)): comma-separated KEY=VALUE such
 * as mac=, bridge=, ip=, script=, model=, rate=. The rate syntax and its
 * arithmetic follow libxlutil's xlu_vif_parse_rate(); the rest follows xl.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>

static void spec_err(xlcfg_spec_err_fn err, void *ctx, const char *msg,
		     const char *what)
{
	char buf[512];
	if (!err)
		return;
	snprintf(buf, sizeof(buf), "%s in `%s'", msg, what);
	err(ctx, buf);
}

static size_t digits(const char *s)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* "^[0-9]+[GMK]?[Bb]/s$" */
static bool is_rate(const char *s)
{
	size_t n = digits(s);
	if (!n)
		return false;
	s += n;
	if (*s == 'G' || *s == 'M' || *s == 'K')
		s++;
	return (*s == 'B' || *s == 'b') && !strcmp(s + 1, "/s");
}

/* "^[0-9]+[mu]?s?$" */
static bool is_interval(const char *s)
{
	size_t n = digits(s);
	if (!n)
		return false;
	s += n;
	if (*s == 'm' || *s == 'u')
		s++;
	if (*s == 's')
		s++;
	return !*s;
}

/* The number at the start of s as strtoull(s, 0) reads it (a leading 0 is
 * octal: xl's quirk, kept so that a rate means the same to both). */
static uint64_t leading_number(const char *s, const char **end, bool *range)
{
	char *e;
	errno = 0;
	uint64_t v = strtoull(s, &e, 0);
	*range = errno == ERANGE;
	*end = e;
	return v;
}

static int parse_bytes_per_sec(const char *s, uint64_t *out,
			       xlcfg_spec_err_fn err, void *ctx)
{
	const char *p;
	bool range;

	if (!is_rate(s)) {
		spec_err(err, ctx, "invalid rate", s);
		return EINVAL;
	}
	uint64_t v = leading_number(s, &p, &range);
	if (v == 0 || v > UINT32_MAX || range) {
		spec_err(err, ctx, "rate overflow", s);
		return EOVERFLOW;
	}
	if (*p == 'G')
		v *= 1000 * 1000 * 1000;
	else if (*p == 'M')
		v *= 1000 * 1000;
	else if (*p == 'K')
		v *= 1000;
	if (*p == 'b' || p[1] == 'b')
		v /= 8;
	*out = v;
	return 0;
}

static int parse_interval(const char *s, uint32_t *out, xlcfg_spec_err_fn err,
			  void *ctx)
{
	const char *p;
	bool range;

	if (!is_interval(s)) {
		spec_err(err, ctx, "invalid replenishment interval", s);
		return EINVAL;
	}
	uint64_t v = leading_number(s, &p, &range);
	if (v == 0 || v > UINT32_MAX || range) {
		spec_err(err, ctx, "replenishment interval overflow", s);
		return EOVERFLOW;
	}
	if (*p == 's' || !*p)
		v *= 1000 * 1000;
	else if (*p == 'm')
		v *= 1000;
	if (v > UINT32_MAX) {
		spec_err(err, ctx, "replenishment interval overflow", s);
		return EOVERFLOW;
	}
	*out = (uint32_t)v;
	return 0;
}

int xlcfg_vif_parse_rate(const char *str, struct xlcfg_vif_rate *rate,
			 xlcfg_spec_err_fn err, void *ctx)
{
	uint64_t bps = 0;
	uint32_t usecs = 50000;  /* xl's default interval: 50 ms */
	char *copy = strdup(str);
	int rc;

	if (!copy)
		return ENOMEM;
	char *at = strchr(copy, '@');
	if (at)
		*at++ = 0;
	if (!*copy) {
		spec_err(err, ctx, "no rate specified", str);
		rc = EINVAL;
		goto out;
	}
	rc = parse_bytes_per_sec(copy, &bps, err, ctx);
	if (!rc && at)
		rc = parse_interval(at, &usecs, err, ctx);
	if (rc)
		goto out;
	if (usecs && bps > UINT64_MAX / usecs) {
		spec_err(err, ctx, "rate overflow", str);
		rc = EOVERFLOW;
		goto out;
	}
	rate->interval_usecs = usecs;
	rate->bytes_per_interval = bps * usecs / 1000000u;
out:
	free(copy);
	return rc;
}

/* "xx:xx:xx:xx:xx:xx": two hex digits per byte, one separator between. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		const char *b = s + 3 * i;
		if (!isxdigit((unsigned char)b[0]) ||
		    !isxdigit((unsigned char)b[1]) ||
		    (i < 5 && b[2] != ':' && b[2] != '-'))
			return false;
		mac[i] = (uint8_t)strtoul((char[3]){ b[0], b[1], 0 }, NULL, 16);
	}
	return true;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

static bool set_str(char **field, const char *v)
{
	free(*field);
	*field = strdup(v);
	return *field != NULL;
}

/* Apply one KEY=VALUE; returns 0, EINVAL or ENOMEM. */
static int vif_option(struct xlcfg_vif *vif, const char *key, const char *val,
		      xlcfg_spec_err_fn err, xlcfg_spec_err_fn warn, void *ctx)
{
	char msg[256];
	char **field = NULL;

	if (!strcmp(key, "mac")) {
		if (!parse_mac(val, vif->mac)) {
			spec_err(err, ctx, "invalid mac address", val);
			return EINVAL;
		}
		vif->has_mac = true;
		return 0;
	}
	if (!strcmp(key, "rate")) {
		vif->has_rate = true;
		return xlcfg_vif_parse_rate(val, &vif->rate, err, ctx) ? EINVAL
								       : 0;
	}
	if (!strcmp(key, "mtu")) {
		char *e;
		unsigned long m = strtoul(val, &e, 10);
		if (e == val || *e || m < 68 || m > 65535) {
			spec_err(err, ctx, "mtu must be a number from 68 to "
				 "65535", val);
			return EINVAL;
		}
		vif->mtu = (unsigned int)m;
		return 0;
	}
	if (!strcmp(key, "type")) {
		if (strcmp(val, "vif") && strcmp(val, "ioemu")) {
			spec_err(err, ctx, "type must be 'vif' or 'ioemu'", val);
			return EINVAL;
		}
		field = &vif->type;
	}
	if (!strcmp(key, "bridge"))
		field = &vif->bridge;
	else if (!strcmp(key, "ip"))
		field = &vif->ip;
	else if (!strcmp(key, "script"))
		field = &vif->script;
	else if (!strcmp(key, "model"))
		field = &vif->model;
	else if (!strcmp(key, "vifname"))
		field = &vif->vifname;
	else if (!strcmp(key, "backend"))
		field = &vif->backend;
	if (field)
		return set_str(field, val) ? 0 : ENOMEM;
	snprintf(msg, sizeof(msg), "unknown vif option `%s' ignored", key);
	if (warn)
		warn(ctx, msg);
	return 0;
}

int xlcfg_vif_parse(const char *spec, struct xlcfg_vif *vif,
		    xlcfg_spec_err_fn err, xlcfg_spec_err_fn warn, void *ctx)
{
	char *copy = strdup(spec), *save = NULL;
	int rc = 0;

	memset(vif, 0, sizeof(*vif));
	if (!copy)
		return ENOMEM;
	for (char *item = strtok_r(copy, ",", &save); item && !rc;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq) {
			if (*trim(item)) {
				spec_err(err, ctx, "expected KEY=VALUE", item);
				rc = EINVAL;
			}
			continue;
		}
		*eq = 0;
		rc = vif_option(vif, trim(item), trim(eq + 1), err, warn, ctx);
	}
	free(copy);
	return rc;
}

void xlcfg_vif_free(struct xlcfg_vif *vif)
{
	free(vif->bridge);
	free(vif->ip);
	free(vif->script);
	free(vif->model);
	free(vif->vifname);
	free(vif->backend);
	free(vif->type);
	memset(vif, 0, sizeof(*vif));
}
