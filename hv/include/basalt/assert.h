/* SPDX-License-Identifier: MIT */
/* ASSERT() for invariants: compiled in unless NDEBUG; failure panics. */
#ifndef BASALT_ASSERT_H
#define BASALT_ASSERT_H

#include <basalt/compiler.h>

__noreturn void assert_failed(const char *expr, const char *file, int line);

#ifdef NDEBUG
#define ASSERT(c) ((void)sizeof(c))
#else
#define ASSERT(c) \
	(likely(c) ? (void)0 : assert_failed(#c, __FILE__, __LINE__))
#endif

/* Checked even in release builds: for conditions that would corrupt. */
#define BUG_ON(c) \
	(likely(!(c)) ? (void)0 : assert_failed("BUG_ON(" #c ")", __FILE__, __LINE__))

#endif /* BASALT_ASSERT_H */
