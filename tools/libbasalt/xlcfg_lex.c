// SPDX-License-Identifier: MIT
/*
 * Tokenizer of xl.cfg text. It accepts what libxlutil's lexer accepts, with
 * two documented exceptions (README.md): a comment may end the file without
 * a newline, and numeric escapes in strings are rejected rather than
 * silently dropped. Errors carry line and column.
 */
#include <stdlib.h>
#include <string.h>
#include "xlcfg_lex.h"

void xlcfg_lex_init(struct xlcfg_lexer *lx, const char *text, size_t len,
		    struct xlcfg_diag *d)
{
	lx->p = text;
	lx->end = text + len;
	lx->line_start = text;
	lx->line = 1;
	lx->python_like = false;
	lx->oom = false;
	lx->d = d;
}

const char *xlcfg_tok_name(enum xlcfg_tok k)
{
	static const char *const names[] = {
		[TOK_END] = "end of file", [TOK_NEWLINE] = "end of line",
		[TOK_IDENT] = "a name", [TOK_NUMBER] = "a number",
		[TOK_STRING] = "a string", [TOK_COMMA] = "','",
		[TOK_LBRACK] = "'['", [TOK_RBRACK] = "']'", [TOK_EQ] = "'='",
		[TOK_ADDEQ] = "'+='", [TOK_SEMI] = "';'",
	};
	return names[k];
}

static int col_of(const struct xlcfg_lexer *lx, const char *p)
{
	return (int)(p - lx->line_start) + 1;
}

static bool is_ident_start(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.';
}

static bool is_number_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x';
}

static char *dup_range(struct xlcfg_lexer *lx, const char *s, const char *e)
{
	char *r = malloc((size_t)(e - s) + 1);
	if (!r) {
		lx->oom = true;
		return NULL;
	}
	memcpy(r, s, (size_t)(e - s));
	r[e - s] = 0;
	return r;
}

/* Escapes as libxlutil reads them: \" \' \\ \a \b \f \n \r \t \v. */
static int unescape(char c)
{
	switch (c) {
	case '"': case '\'': case '\\': return c;
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	}
	return -1;
}

/*
 * Read a quoted string starting at lx->p (the quote). Returns false, having
 * reported, when it is unterminated or has a bad escape; lx->p is then past
 * the bad text.
 */
static bool lex_string(struct xlcfg_lexer *lx, struct xlcfg_token *t)
{
	const char *q = lx->p, *s = q + 1;
	char quote = *q;

	/* Find the end first, as the lexer rule does: no raw newline. */
	while (s < lx->end && *s != quote && *s != '\n') {
		if (*s == '\\' && s + 1 < lx->end && s[1] != '\n')
			s++;
		s++;
	}
	if (s >= lx->end || *s != quote) {
		xlcfg_report(lx->d, XLCFG_ERROR, lx->line, col_of(lx, q),
			     "unterminated string: the closing %c is missing on "
			     "this line", quote);
		lx->p = s;
		return false;
	}
	char *out = malloc((size_t)(s - q)), *o = out;
	if (!out) {
		lx->oom = true;
		lx->p = s + 1;
		return false;
	}
	bool ok = true;
	for (const char *c = q + 1; c < s; c++) {
		if (*c == 0) {
			xlcfg_report(lx->d, XLCFG_ERROR, lx->line, col_of(lx, c),
				     "NUL byte in string");
			ok = false;
			break;
		}
		if (*c != '\\') {
			*o++ = *c;
			continue;
		}
		c++;
		int v = unescape(*c);
		if (v < 0) {
			bool numeric = *c == 'x' || (*c >= '0' && *c <= '7');
			xlcfg_report(lx->d, XLCFG_ERROR, lx->line,
				     col_of(lx, c - 1), numeric ?
				     "numeric escape '\\%c...' in string is not "
				     "supported (xl rejects or drops it)" :
				     "invalid escape '\\%c' in string", *c);
			ok = false;
			break;
		}
		*o++ = (char)v;
	}
	*o = 0;
	lx->p = s + 1;
	if (!ok) {
		free(out);
		return false;
	}
	t->kind = TOK_STRING;
	t->text = out;
	return true;
}

/* Report a bad character and skip it and the non-blank run after it, as
 * libxlutil's lexer does (so "1.5" is one error, not two). */
static void lex_bad(struct xlcfg_lexer *lx)
{
	const char *b = lx->p;
	unsigned char c = (unsigned char)*b;

	if (strchr("+-.():", c) && c)
		lx->python_like = true;
	if (c == '\r')
		xlcfg_report(lx->d, XLCFG_ERROR, lx->line, col_of(lx, b),
			     "carriage return: lines must end with \\n alone "
			     "(DOS line endings are not accepted by xl)");
	else if (c >= 0x20 && c < 0x7f)
		xlcfg_report(lx->d, XLCFG_ERROR, lx->line, col_of(lx, b),
			     "unexpected character '%c'", c);
	else
		xlcfg_report(lx->d, XLCFG_ERROR, lx->line, col_of(lx, b),
			     "unexpected byte 0x%02x", c);
	lx->p++;
	if (c == '\r')
		return;
	while (lx->p < lx->end && *lx->p != ' ' && *lx->p != '\t' &&
	       *lx->p != '\n')
		lx->p++;
}

void xlcfg_lex_next(struct xlcfg_lexer *lx, struct xlcfg_token *t)
{
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
			lx->p++;
		t->text = NULL;
		t->line = lx->line;
		t->col = col_of(lx, lx->p);
		if (lx->p >= lx->end) {
			t->kind = TOK_END;
			return;
		}
		const char *s = lx->p;
		char c = *s;
		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			if (lx->p >= lx->end) {
				t->kind = TOK_END;
				return;
			}
			c = '\n';
		}
		if (c == '\n') {
			lx->p++;
			lx->line++;
			lx->line_start = lx->p;
			t->kind = TOK_NEWLINE;
			return;
		}
		if (is_ident_start(c) || (c >= '0' && c <= '9')) {
			bool ident = is_ident_start(c);
			do
				lx->p++;
			while (lx->p < lx->end && (ident ? is_ident_char(*lx->p)
						   : is_number_char(*lx->p)));
			t->kind = ident ? TOK_IDENT : TOK_NUMBER;
			t->text = dup_range(lx, s, lx->p);
			return;
		}
		if (c == '"' || c == '\'') {
			/* A bad string is reported and stands as an empty one,
			 * so that the parser does not report it again. */
			if (!lex_string(lx, t)) {
				t->kind = TOK_STRING;
				t->text = dup_range(lx, "", "");
			}
			return;
		}
		lx->p++;
		switch (c) {
		case ',': t->kind = TOK_COMMA; return;
		case '[': t->kind = TOK_LBRACK; return;
		case ']': t->kind = TOK_RBRACK; return;
		case '=': t->kind = TOK_EQ; return;
		case ';': t->kind = TOK_SEMI; return;
		case '+':
			if (lx->p < lx->end && *lx->p == '=') {
				lx->p++;
				t->kind = TOK_ADDEQ;
				return;
			}
			break;
		}
		lx->p = s;
		lex_bad(lx);
	}
}
