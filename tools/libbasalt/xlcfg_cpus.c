// SPDX-License-Identifier: MIT
/*
 * CPU lists of xl.cfg(5) "cpus=": "all", ranges "2-5", single CPUs,
 * "node:N"/"nodes:N-M", each optionally negated with "^", applied left to
 * right. Kept as a list of steps: "all" and nodes mean something only once
 * the host's topology is known (xlcfg_cpulist_resolve).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>

static void cpus_err(xlcfg_spec_err_fn err, void *ctx, const char *msg,
		     const char *item)
{
	char buf[256];
	if (!err)
		return;
	snprintf(buf, sizeof(buf), "%s: `%s'", msg, item);
	err(ctx, buf);
}

/* Decimal digits only: 0 and the value, or -1. */
static int number(const char **s, unsigned int *v)
{
	const char *p = *s;
	unsigned long n = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (unsigned long)(*p++ - '0');
		if (n >= XLCFG_MAX_CPUS)
			return -1;
	}
	*v = (unsigned int)n;
	*s = p;
	return 0;
}

static int parse_item(const char *item, struct xlcfg_cpu_op *op,
		      xlcfg_spec_err_fn err, void *ctx)
{
	const char *p = item;

	memset(op, 0, sizeof(*op));
	if (*p == '^') {
		op->clear = true;
		p++;
	}
	if (!strcmp(p, "all")) {
		op->kind = XLCFG_CPUS_ALL;
		op->hi = XLCFG_MAX_CPUS - 1;
		return 0;
	}
	op->kind = XLCFG_CPUS_CPU;
	if (!strncmp(p, "nodes:", 6)) {
		op->kind = XLCFG_CPUS_NODE;
		p += 6;
	} else if (!strncmp(p, "node:", 5)) {
		op->kind = XLCFG_CPUS_NODE;
		p += 5;
	}
	if (number(&p, &op->lo)) {
		cpus_err(err, ctx, "expected a CPU number, a range, \"all\" or "
			 "\"node:N\" (numbers below 4096)", item);
		return EINVAL;
	}
	op->hi = op->lo;
	if (*p == '-') {
		p++;
		if (number(&p, &op->hi) || op->hi < op->lo) {
			cpus_err(err, ctx, "invalid range", item);
			return EINVAL;
		}
	}
	if (*p) {
		cpus_err(err, ctx, "trailing characters in CPU list item", item);
		return EINVAL;
	}
	return 0;
}

int xlcfg_cpulist_parse(const char *str, struct xlcfg_cpulist *l,
			xlcfg_spec_err_fn err, void *ctx)
{
	char *copy = strdup(str), *save = NULL;
	int rc = 0;

	l->ops = NULL;
	l->n = 0;
	if (!copy)
		return ENOMEM;
	for (char *it = strtok_r(copy, ",", &save); it && !rc;
	     it = strtok_r(NULL, ",", &save)) {
		struct xlcfg_cpu_op *n = realloc(l->ops, (l->n + 1) * sizeof(*n));
		if (!n) {
			rc = ENOMEM;
			break;
		}
		l->ops = n;
		rc = parse_item(it, &l->ops[l->n], err, ctx);
		if (!rc)
			l->n++;
	}
	free(copy);
	if (!rc && !l->n) {
		cpus_err(err, ctx, "empty CPU list", str);
		rc = EINVAL;
	}
	if (rc)
		xlcfg_cpulist_free(l);
	return rc;
}

static void put_bit(uint8_t *map, unsigned int cpu, bool clear)
{
	if (clear)
		map[cpu / 8] &= (uint8_t)~(1u << (cpu % 8));
	else
		map[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
}

void xlcfg_cpulist_resolve(const struct xlcfg_cpulist *l, unsigned int ncpus,
			   int (*node_of)(unsigned int cpu), uint8_t *map)
{
	memset(map, 0, (ncpus + 7) / 8);
	for (size_t i = 0; i < l->n; i++) {
		const struct xlcfg_cpu_op *op = &l->ops[i];
		for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
			unsigned int key = cpu;
			if (op->kind == XLCFG_CPUS_NODE)
				key = node_of ? (unsigned int)node_of(cpu) : 0;
			if (op->kind == XLCFG_CPUS_ALL ||
			    (key >= op->lo && key <= op->hi))
				put_bit(map, cpu, op->clear);
		}
	}
}

void xlcfg_cpulist_format(const struct xlcfg_cpulist *l, char *buf,
			  size_t size)
{
	size_t used = 0;

	if (size)
		buf[0] = 0;
	for (size_t i = 0; i < l->n && used < size; i++) {
		const struct xlcfg_cpu_op *op = &l->ops[i];
		const char *sep = i ? " " : "";
		const char *sign = op->clear ? "-" : "+";
		const char *node = op->kind == XLCFG_CPUS_NODE ? "node:" : "";
		int w;
		if (op->kind == XLCFG_CPUS_ALL)
			w = snprintf(buf + used, size - used, "%s%sall", sep, sign);
		else if (op->lo == op->hi)
			w = snprintf(buf + used, size - used, "%s%s%s%u", sep,
				     sign, node, op->lo);
		else
			w = snprintf(buf + used, size - used, "%s%s%s%u-%u", sep,
				     sign, node, op->lo, op->hi);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

void xlcfg_cpulist_free(struct xlcfg_cpulist *l)
{
	free(l->ops);
	l->ops = NULL;
	l->n = 0;
}
