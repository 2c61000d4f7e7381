// SPDX-License-Identifier: MIT
/*
 * Typed access to parsed xl.cfg settings, with libxlutil's results and
 * number syntax (strtol base 0), so that every value means what xl makes
 * of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>

struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg, const char *name)
{
	for (size_t i = cfg->n; i-- > 0;)
		if (!strcmp(cfg->set[i].name, name))
			return &cfg->set[i];
	return NULL;
}

static int find_atom(const struct xlcfg *cfg, const char *name,
		     struct xlcfg_setting **out, struct xlcfg_diag *d)
{
	struct xlcfg_setting *s = xlcfg_find(cfg, name);
	if (!s)
		return ESRCH;
	s->used = true;
	if (s->value->type != XLCFG_STRING) {
		xlcfg_report(d, XLCFG_ERROR, s->line, s->col,
			     "`%s' is a list but should be a single value",
			     name);
		return EINVAL;
	}
	*out = s;
	return 0;
}

int xlcfg_get_string(const struct xlcfg *cfg, const char *name,
		     const char **out, struct xlcfg_diag *d)
{
	struct xlcfg_setting *s;
	int e = find_atom(cfg, name, &s, d);
	if (!e)
		*out = s->value->str;
	return e;
}

int xlcfg_get_long(const struct xlcfg *cfg, const char *name, long *out,
		   struct xlcfg_diag *d)
{
	struct xlcfg_setting *s;
	int e = find_atom(cfg, name, &s, d);
	if (e)
		return e;
	if (s->append) {
		xlcfg_report(d, XLCFG_ERROR, s->line, s->col,
			     "`%s' is a number: '+=' cannot be used with it",
			     name);
		return EINVAL;
	}
	const char *str = s->value->str;
	char *ep;
	errno = 0;
	long v = strtol(str, &ep, 0);
	if (errno == ERANGE) {
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "`%s' = \"%s\" is out of range", name, str);
		return ERANGE;
	}
	if (errno || *ep || ep == str) {
		xlcfg_report(d, XLCFG_ERROR, s->value->line, s->value->col,
			     "`%s' = \"%s\" is not a number", name, str);
		return EINVAL;
	}
	*out = v;
	return 0;
}

int xlcfg_get_list(const struct xlcfg *cfg, const char *name,
		   const struct xlcfg_value **out, struct xlcfg_diag *d)
{
	struct xlcfg_setting *s = xlcfg_find(cfg, name);
	if (!s)
		return ESRCH;
	s->used = true;
	if (s->value->type != XLCFG_LIST) {
		xlcfg_report(d, XLCFG_ERROR, s->line, s->col,
			     "`%s' is a single value but should be a list",
			     name);
		return EINVAL;
	}
	*out = s->value;
	return 0;
}
