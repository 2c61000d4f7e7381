// SPDX-License-Identifier: MIT
// Node names: validity as Xen defines it, relative paths (below the
// connection's /local/domain/<id>/) and the length limits.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static bool path_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' || ch == '_' ||
           ch == '@';
}

/* Absolute, no empty component, no trailing slash (except "/" itself). */
bool path_valid(const char *p)
{
    size_t len = strlen(p);
    if (p[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
        return false;
    if (len > 1 && p[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!path_char_ok(p[i]))
            return false;
        if (p[i] == '/' && p[i + 1] == '/')
            return false;
    }
    return true;
}

const char *path_basename(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

char *path_parent(const char *p)
{
    const char *s = strrchr(p, '/');
    if (!s || !strcmp(p, "/"))
        return NULL;
    if (s == p)
        return strdup("/");
    return strndup(p, (size_t)(s - p));
}

bool path_is_below(const char *child, const char *parent)
{
    size_t pl = strlen(parent);
    if (!strcmp(parent, "/"))
        return child[0] == '/';
    return !strncmp(child, parent, pl) &&
           (child[pl] == '\0' || child[pl] == '/');
}

int path_domain_home(uint32_t domid, char *buf, size_t len)
{
    return snprintf(buf, len, "/local/domain/%u", domid);
}

char *path_canonical(const struct xs_store *st, const struct xs_conn *c,
                     const char *path, int *err)
{
    char home[40];
    char *abs;
    int hl = path_domain_home(c->domid, home, sizeof(home));

    *err = EINVAL;
    if (path[0] == '/') {
        abs = strdup(path);
    } else {
        if (!path[0])
            return NULL;
        abs = malloc((size_t)hl + 1 + strlen(path) + 1);
        if (abs)
            sprintf(abs, "%s/%s", home, path);
    }
    if (!abs) {
        *err = ENOMEM;
        return NULL;
    }
    if (!path_valid(abs))
        goto bad;
    if (conn_limited(c)) {
        /* Guests are limited below their home, as Xen's path-max. */
        size_t len = strlen(abs);
        if (path_is_below(abs, home))
            len -= (size_t)hl + (len > (size_t)hl ? 1 : 0);
        if (len > st->limits.path_max)
            goto bad;
    }
    *err = 0;
    return abs;
bad:
    free(abs);
    return NULL;
}
