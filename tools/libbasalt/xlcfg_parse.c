// SPDX-License-Identifier: MIT
/*
 * xl.cfg grammar, as libxlutil's parser accepts it: statements
 * "name = value" or "name += value" ended by a newline or ';' (the last may
 * end at end of file); values are strings, numbers or [lists], which may
 * nest, span lines and end with a comma. After a syntax error the rest of
 * the line is skipped so that later errors are reported too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_lex.h"

/* Deeper lists are refused: the recursive parser must not exhaust the
 * stack on hostile input (libxlutil stops at 10000 parser states). */
#define MAX_DEPTH 64

struct parser {
	struct xlcfg_lexer lx;
	struct xlcfg_token tok;
	struct xlcfg *cfg;
	struct xlcfg_diag *d;
	bool failed;
};

static void advance(struct parser *ps)
{
	free(ps->tok.text);
	xlcfg_lex_next(&ps->lx, &ps->tok);
}

static void value_free(struct xlcfg_value *v)
{
	if (!v)
		return;
	free(v->str);
	for (size_t i = 0; i < v->n; i++)
		value_free(v->items[i]);
	free(v->items);
	free(v);
}

static void syntax_error(struct parser *ps, const char *expected)
{
	const struct xlcfg_token *t = &ps->tok;

	ps->failed = true;
	if (t->kind == TOK_IDENT || t->kind == TOK_NUMBER)
		xlcfg_report(ps->d, XLCFG_ERROR, t->line, t->col,
			     "syntax error: expected %s, found %s `%s'",
			     expected, xlcfg_tok_name(t->kind), t->text);
	else
		xlcfg_report(ps->d, XLCFG_ERROR, t->line, t->col,
			     "syntax error: expected %s, found %s", expected,
			     xlcfg_tok_name(t->kind));
}

static void skip_newlines(struct parser *ps)
{
	while (ps->tok.kind == TOK_NEWLINE)
		advance(ps);
}

static bool list_push(struct xlcfg_value *l, struct xlcfg_value *v)
{
	if ((l->n & (l->n - 1)) == 0) {  /* grow at powers of two */
		size_t cap = l->n ? l->n * 2 : 1;
		struct xlcfg_value **n = realloc(l->items, cap * sizeof(*n));
		if (!n)
			return false;
		l->items = n;
	}
	l->items[l->n++] = v;
	return true;
}

static struct xlcfg_value *new_value(struct parser *ps, enum xlcfg_vtype type)
{
	struct xlcfg_value *v = calloc(1, sizeof(*v));
	if (!v) {
		ps->lx.oom = true;
		return NULL;
	}
	v->type = type;
	v->line = ps->tok.line;
	v->col = ps->tok.col;
	return v;
}

static struct xlcfg_value *parse_value(struct parser *ps, int depth);

/* After '[': items separated by commas, optional trailing comma, newlines
 * allowed after '[' , after each item and after each comma. */
static struct xlcfg_value *parse_list(struct parser *ps, int depth)
{
	struct xlcfg_value *l = new_value(ps, XLCFG_LIST);
	if (!l)
		return NULL;
	if (depth >= MAX_DEPTH) {
		ps->failed = true;
		xlcfg_report(ps->d, XLCFG_ERROR, ps->tok.line, ps->tok.col,
			     "lists nested more than %d deep", MAX_DEPTH);
		value_free(l);
		return NULL;
	}
	advance(ps);
	skip_newlines(ps);
	while (ps->tok.kind != TOK_RBRACK) {
		struct xlcfg_value *v = parse_value(ps, depth + 1);
		if (!v || !list_push(l, v)) {
			value_free(v);
			value_free(l);
			return NULL;
		}
		skip_newlines(ps);
		if (ps->tok.kind == TOK_RBRACK)
			break;
		if (ps->tok.kind != TOK_COMMA) {
			syntax_error(ps, "',' or ']' in list");
			value_free(l);
			return NULL;
		}
		advance(ps);
		skip_newlines(ps);
	}
	advance(ps);
	return l;
}

static struct xlcfg_value *parse_value(struct parser *ps, int depth)
{
	struct xlcfg_value *v;

	switch (ps->tok.kind) {
	case TOK_STRING:
	case TOK_NUMBER:
		if (!ps->tok.text)
			return NULL;    /* out of memory, already noted */
		v = new_value(ps, XLCFG_STRING);
		if (!v)
			return NULL;
		v->str = ps->tok.text;
		ps->tok.text = NULL;
		advance(ps);
		return v;
	case TOK_LBRACK:
		return parse_list(ps, depth);
	default:
		syntax_error(ps, "a value (a \"string\", a number or a [list])");
		return NULL;
	}
}

static struct xlcfg_value *value_copy(const struct xlcfg_value *v)
{
	struct xlcfg_value *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	*c = *v;
	c->str = NULL;
	c->items = NULL;
	c->n = 0;
	if (v->str && !(c->str = strdup(v->str)))
		goto fail;
	for (size_t i = 0; i < v->n; i++) {
		struct xlcfg_value *item = value_copy(v->items[i]);
		if (!item || !list_push(c, item)) {
			value_free(item);
			goto fail;
		}
	}
	return c;
fail:
	value_free(c);
	return NULL;
}

/* "name += value": the new value is the old one with value appended, as
 * libxlutil does it; a string and a list do not add. */
static bool concat(struct parser *ps, const struct xlcfg_value *prev,
		   struct xlcfg_value *v)
{
	if (prev->type != v->type) {
		ps->failed = true;
		xlcfg_report(ps->d, XLCFG_ERROR, v->line, v->col,
			     "cannot add a %s to a %s with '+='",
			     v->type == XLCFG_LIST ? "list" : "string",
			     prev->type == XLCFG_LIST ? "list" : "string");
		return false;
	}
	if (v->type == XLCFG_STRING) {
		size_t a = strlen(prev->str), b = strlen(v->str);
		char *s = malloc(a + b + 1);
		if (!s)
			return false;
		memcpy(s, prev->str, a);
		memcpy(s + a, v->str, b + 1);
		free(v->str);
		v->str = s;
		return true;
	}
	struct xlcfg_value tail = *v;
	v->items = NULL;
	v->n = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < prev->n; i++) {
		struct xlcfg_value *c = value_copy(prev->items[i]);
		ok = c && list_push(v, c);
		if (!ok)
			value_free(c);
	}
	for (size_t i = 0; i < tail.n; i++) {
		if (ok && list_push(v, tail.items[i]))
			continue;
		ok = false;
		value_free(tail.items[i]);
	}
	free(tail.items);
	return ok;
}

static void store(struct parser *ps, char *name, int line, int col,
		  bool append, struct xlcfg_value *v)
{
	struct xlcfg *cfg = ps->cfg;

	if (append) {
		struct xlcfg_setting *prev = xlcfg_find(cfg, name);
		if (prev && !concat(ps, prev->value, v))
			goto drop;
	}
	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;
		struct xlcfg_setting *n = realloc(cfg->set, cap * sizeof(*n));
		if (!n) {
			ps->lx.oom = true;
			goto drop;
		}
		cfg->set = n;
		cfg->cap = cap;
	}
	cfg->set[cfg->n++] = (struct xlcfg_setting){
		.name = name, .value = v, .append = append, .line = line,
		.col = col,
	};
	return;
drop:
	free(name);
	value_free(v);
}

/* Skip to the start of the next line: libxlutil's "error NEWLINE" rule. */
static void recover(struct parser *ps)
{
	while (ps->tok.kind != TOK_NEWLINE && ps->tok.kind != TOK_END)
		advance(ps);
	if (ps->tok.kind == TOK_NEWLINE)
		advance(ps);
}

static void parse_statement(struct parser *ps)
{
	if (ps->tok.kind != TOK_IDENT) {
		syntax_error(ps, "a setting name");
		recover(ps);
		return;
	}
	char *name = ps->tok.text;
	int line = ps->tok.line, col = ps->tok.col;
	ps->tok.text = NULL;
	advance(ps);
	if (ps->tok.kind != TOK_EQ && ps->tok.kind != TOK_ADDEQ) {
		syntax_error(ps, "'=' or '+=' after the setting name");
		free(name);
		recover(ps);
		return;
	}
	bool append = ps->tok.kind == TOK_ADDEQ;
	advance(ps);
	struct xlcfg_value *v = parse_value(ps, 0);
	if (!v) {
		free(name);
		recover(ps);
		return;
	}
	if (ps->tok.kind != TOK_NEWLINE && ps->tok.kind != TOK_SEMI &&
	    ps->tok.kind != TOK_END) {
		syntax_error(ps, "end of line or ';' after the value");
		free(name);
		value_free(v);
		recover(ps);
		return;
	}
	store(ps, name, line, col, append, v);
}

int xlcfg_parse(struct xlcfg *cfg, const char *text, size_t len,
		struct xlcfg_diag *d)
{
	struct parser ps = { .cfg = cfg, .d = d };
	unsigned int errors_before = d ? d->errors : 0;

	xlcfg_lex_init(&ps.lx, text, len, d);
	xlcfg_lex_next(&ps.lx, &ps.tok);
	while (ps.tok.kind != TOK_END && !ps.lx.oom) {
		if (ps.tok.kind == TOK_NEWLINE || ps.tok.kind == TOK_SEMI)
			advance(&ps);
		else
			parse_statement(&ps);
	}
	free(ps.tok.text);
	if (ps.lx.oom) {
		xlcfg_report(d, XLCFG_ERROR, 0, 0, "out of memory");
		ps.failed = true;
	}
	bool lexical = d ? d->errors != errors_before : false;
	if ((ps.failed || lexical) && ps.lx.python_like)
		xlcfg_report(d, XLCFG_WARNING, 0, 0,
			     "this looks like Python, which xl.cfg is not: "
			     "see xl.cfg(5)");
	return ps.failed || lexical ? -1 : 0;
}

int xlcfg_parse_file(struct xlcfg *cfg, const char *path, struct xlcfg_diag *d)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		xlcfg_report(d, XLCFG_ERROR, 0, 0, "cannot open: %s",
			     strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			char *n = realloc(buf, cap * 2);
			if (!n) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = n;
			cap *= 2;
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		xlcfg_report(d, XLCFG_ERROR, 0, 0, "cannot read: %s",
			     buf ? "I/O error" : "out of memory");
		free(buf);
		return -1;
	}
	int r = xlcfg_parse(cfg, buf, len, d);
	free(buf);
	return r;
}

void xlcfg_free(struct xlcfg *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->set[i].name);
		value_free(cfg->set[i].value);
	}
	free(cfg->set);
	cfg->set = NULL;
	cfg->n = cfg->cap = 0;
}
