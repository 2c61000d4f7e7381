/* SPDX-License-Identifier: MIT */
/*
 * Internal: the tokenizer of xl.cfg text, used by xlcfg_parse.c. Tokens
 * follow libxlutil's lexer (names [a-z][._0-9a-z]*, numbers [0-9][0-9a-fx]*,
 * quoted strings with C escapes, "#" comments to the end of the line).
 */
#ifndef BASALT_XLCFG_LEX_H
#define BASALT_XLCFG_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <basalt/xlcfg.h>

enum xlcfg_tok {
	TOK_END, TOK_NEWLINE, TOK_IDENT, TOK_NUMBER, TOK_STRING, TOK_COMMA,
	TOK_LBRACK, TOK_RBRACK, TOK_EQ, TOK_ADDEQ, TOK_SEMI,
};

struct xlcfg_token {
	enum xlcfg_tok kind;
	int line, col;
	char *text;             /* IDENT, NUMBER, STRING: malloc'd, caller owns */
};

struct xlcfg_lexer {
	const char *p, *end;
	const char *line_start;
	int line;
	bool python_like;       /* saw + - . ( ) : outside strings */
	bool oom;
	struct xlcfg_diag *d;
};

void xlcfg_lex_init(struct xlcfg_lexer *lx, const char *text, size_t len,
		    struct xlcfg_diag *d);
/* The next token; lexical errors are reported and skipped. */
void xlcfg_lex_next(struct xlcfg_lexer *lx, struct xlcfg_token *t);
const char *xlcfg_tok_name(enum xlcfg_tok k);

#endif /* BASALT_XLCFG_LEX_H */
