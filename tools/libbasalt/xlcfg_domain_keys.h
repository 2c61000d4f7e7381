/* SPDX-License-Identifier: MIT */
/*
 * Internal: the option names xl.cfg(5) of Xen 4.17 documents, so that a
 * key Basalt ignores is told apart from a misspelt one.
 */
#ifndef BASALT_XLCFG_DOMAIN_KEYS_H
#define BASALT_XLCFG_DOMAIN_KEYS_H

#include <stdbool.h>

bool xlcfg_is_xl_key(const char *name);

#endif /* BASALT_XLCFG_DOMAIN_KEYS_H */
