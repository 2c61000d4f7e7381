// SPDX-License-Identifier: MIT
/* Parsing a "domain=" option (syntax in basalt/bootdomain.h). Pure. */
#include <basalt/bootdomain.h>
#include <basalt/lib/format.h>
#include <basalt/lib/parse.h>
#include <basalt/lib/string.h>

#define MIN_MEMORY_MIB 2
#define MAX_MEMORY_MIB 3072 /* guest RAM stays below the 32-bit MMIO hole */

static bool parse_action(const char *s, size_t len, enum domain_action *a)
{
	if (len == 7 && !strncmp(s, "destroy", 7))
		*a = ACTION_DESTROY;
	else if (len == 7 && !strncmp(s, "restart", 7))
		*a = ACTION_RESTART;
	else if (len == 8 && !strncmp(s, "preserve", 8))
		*a = ACTION_PRESERVE;
	else
		return false;
	return true;
}

static bool parse_num(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	char buf[24];
	const char *end;

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return parse_u64(buf, &end, 10, out) && !*end && *out <= max;
}

static bool key_is(const char *k, size_t klen, const char *name)
{
	return strlen(name) == klen && !strncmp(k, name, klen);
}

/* cpus=: "all", or items N or N-M joined by '+' (',' ends the option). */
static bool parse_cpus(const char *s, size_t len, cpumask_t *mask)
{
	cpumask_clear(mask);
	if (len == 3 && !strncmp(s, "all", 3)) {
		for (unsigned int c = 0; c < NR_CPUS; c++)
			cpumask_set(mask, c);
		return true;
	}
	while (len) {
		const char *plus = memchr(s, '+', len);
		size_t ilen = plus ? (size_t)(plus - s) : len;
		const char *dash = memchr(s, '-', ilen);
		uint64_t lo, hi;

		if (dash) {
			if (!parse_num(s, (size_t)(dash - s), NR_CPUS - 1, &lo) ||
			    !parse_num(dash + 1, ilen - (size_t)(dash - s) - 1,
				       NR_CPUS - 1, &hi) || hi < lo)
				return false;
		} else if (!parse_num(s, ilen, NR_CPUS - 1, &lo)) {
			return false;
		} else {
			hi = lo;
		}
		for (uint64_t c = lo; c <= hi; c++)
			cpumask_set(mask, (unsigned int)c);
		if (!plus)
			break;
		len -= ilen + 1;
		s = plus + 1;
		if (!len)
			return false;  /* a trailing '+' */
	}
	return !cpumask_empty(mask);
}

bool bootdomain_parse(const char *value, struct domain_config *cfg,
		      char *err, size_t errlen)
{
	const char *p = value;
	bool have_kernel = false;

	memset(cfg, 0, sizeof(*cfg));
	cfg->kernel_module = -1;
	cfg->ramdisk_module = -1;
	cfg->memory = 128ull << 20;
	cfg->vcpus = 1;
	cfg->cpu_weight = 256;
	cfg->on_poweroff = ACTION_DESTROY;
	cfg->on_reboot = ACTION_RESTART;
	cfg->on_crash = ACTION_DESTROY;
	if (!value || !*value) {
		snprintf(err, errlen, "empty domain description");
		return false;
	}
	while (*p) {
		const char *eq = strchr(p, '=');
		const char *comma;
		size_t klen, vlen;
		uint64_t n;

		if (!eq) {
			snprintf(err, errlen, "'%s' is not key=value", p);
			return false;
		}
		klen = (size_t)(eq - p);
		if (key_is(p, klen, "cmdline")) {
			size_t clen = strlen(eq + 1);
			if (clen >= sizeof(cfg->cmdline)) {
				snprintf(err, errlen, "cmdline longer than %zu bytes",
					 sizeof(cfg->cmdline) - 1);
				return false;
			}
			memcpy(cfg->cmdline, eq + 1, clen + 1);
			break;
		}
		comma = strchr(eq + 1, ',');
		vlen = comma ? (size_t)(comma - eq - 1) : strlen(eq + 1);
		const char *val = eq + 1;

		if (key_is(p, klen, "kernel") || key_is(p, klen, "ramdisk")) {
			if (!parse_num(val, vlen, 31, &n)) {
				snprintf(err, errlen, "%.*s must be a module number 0-31",
					 (int)klen, p);
				return false;
			}
			if (*p == 'k') {
				cfg->kernel_module = (int)n;
				have_kernel = true;
			} else {
				cfg->ramdisk_module = (int)n;
			}
		} else if (key_is(p, klen, "memory")) {
			if (!parse_num(val, vlen, MAX_MEMORY_MIB, &n) || n < MIN_MEMORY_MIB) {
				snprintf(err, errlen, "memory must be %u-%u (MiB)",
					 MIN_MEMORY_MIB, MAX_MEMORY_MIB);
				return false;
			}
			cfg->memory = n << 20;
		} else if (key_is(p, klen, "vcpus")) {
			if (!parse_num(val, vlen, DOMAIN_MAX_VCPUS, &n) || n == 0) {
				snprintf(err, errlen, "vcpus must be 1-%u", DOMAIN_MAX_VCPUS);
				return false;
			}
			cfg->vcpus = (unsigned int)n;
		} else if (key_is(p, klen, "cpu_weight")) {
			if (!parse_num(val, vlen, 65535, &n) || n == 0) {
				snprintf(err, errlen, "cpu_weight must be 1-65535");
				return false;
			}
			cfg->cpu_weight = (unsigned int)n;
		} else if (key_is(p, klen, "cap")) {
			if (!parse_num(val, vlen, 100 * NR_CPUS, &n)) {
				snprintf(err, errlen, "cap must be 0-%u (%% of one CPU, "
					 "0: none)", 100 * NR_CPUS);
				return false;
			}
			cfg->cap = (unsigned int)n;
		} else if (key_is(p, klen, "cpus")) {
			if (!parse_cpus(val, vlen, &cfg->cpus)) {
				snprintf(err, errlen, "cpus must be all, or CPU numbers "
					 "0-%u and ranges N-M joined by '+'", NR_CPUS - 1);
				return false;
			}
		} else if (key_is(p, klen, "role")) {
			if (vlen == 7 && !strncmp(val, "initial", 7))
				cfg->initial = true;
			else if (vlen == 12 && !strncmp(val, "unprivileged", 12))
				cfg->initial = false;
			else {
				snprintf(err, errlen, "role must be initial or unprivileged");
				return false;
			}
		} else if (key_is(p, klen, "name")) {
			if (!vlen || vlen >= sizeof(cfg->name)) {
				snprintf(err, errlen, "name must be 1-%zu characters",
					 sizeof(cfg->name) - 1);
				return false;
			}
			memcpy(cfg->name, val, vlen);
			cfg->name[vlen] = '\0';
		} else if (key_is(p, klen, "on_poweroff") || key_is(p, klen, "on_reboot") ||
			   key_is(p, klen, "on_crash")) {
			enum domain_action *a = p[3] == 'p' ? &cfg->on_poweroff :
						p[3] == 'r' ? &cfg->on_reboot :
						&cfg->on_crash;
			if (!parse_action(val, vlen, a)) {
				snprintf(err, errlen, "%.*s must be destroy, restart or preserve",
					 (int)klen, p);
				return false;
			}
		} else {
			snprintf(err, errlen, "unknown key '%.*s'", (int)klen, p);
			return false;
		}
		p = comma ? comma + 1 : val + vlen;
	}
	if (!have_kernel) {
		snprintf(err, errlen, "kernel=<module number> is required");
		return false;
	}
	if (cfg->ramdisk_module == cfg->kernel_module) {
		snprintf(err, errlen, "kernel and ramdisk are the same module");
		return false;
	}
	return true;
}
