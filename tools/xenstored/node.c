// SPDX-License-Identifier: MIT
// One node's value, permissions and child-name list, with the allocation
// rules in one place: every setter leaves the node unchanged on ENOMEM.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_node *node_new(const char *path)
{
    struct xs_node *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->path = strdup(path);
    if (!n->path) {
        free(n);
        return NULL;
    }
    return n;
}

void node_free(struct xs_node *n)
{
    if (!n)
        return;
    free(n->path);
    free(n->value);
    free(n->perms);
    free(n->children);
    free(n);
}

static void *dup_bytes(const void *p, size_t len, bool *fail)
{
    if (!len)
        return NULL;
    void *q = malloc(len);
    if (!q)
        *fail = true;
    else
        memcpy(q, p, len);
    return q;
}

struct xs_node *node_clone(const struct xs_node *n)
{
    struct xs_node *c = node_new(n->path);
    bool fail = false;
    if (!c)
        return NULL;
    c->value = dup_bytes(n->value, n->vlen, &fail);
    c->vlen = n->vlen;
    c->perms = dup_bytes(n->perms, n->nperms * sizeof(*n->perms), &fail);
    c->nperms = n->nperms;
    c->children = dup_bytes(n->children, n->clen, &fail);
    c->clen = n->clen;
    c->gen = n->gen;
    if (fail) {
        node_free(c);
        return NULL;
    }
    return c;
}

int node_set_value(struct xs_node *n, const void *v, uint32_t len)
{
    bool fail = false;
    void *nv = dup_bytes(v, len, &fail);
    if (fail)
        return ENOMEM;
    free(n->value);
    n->value = nv;
    n->vlen = len;
    return 0;
}

int node_set_perms(struct xs_node *n, const struct xs_perm *p, uint32_t np)
{
    bool fail = false;
    void *q = dup_bytes(p, np * sizeof(*p), &fail);
    if (fail)
        return ENOMEM;
    free(n->perms);
    n->perms = q;
    n->nperms = np;
    return 0;
}

int node_add_child(struct xs_node *n, const char *name)
{
    size_t l = strlen(name) + 1;
    char *c = realloc(n->children, n->clen + l);
    if (!c)
        return ENOMEM;
    memcpy(c + n->clen, name, l);
    n->children = c;
    n->clen += l;
    return 0;
}

void node_del_child(struct xs_node *n, const char *name)
{
    size_t l = strlen(name) + 1;
    for (size_t off = 0; off < n->clen;) {
        size_t cl = strlen(n->children + off) + 1;
        if (cl == l && !memcmp(n->children + off, name, l)) {
            memmove(n->children + off, n->children + off + l,
                    n->clen - off - l);
            n->clen -= l;
            return;
        }
        off += cl;
    }
}

/* What a node costs its owner, for the memory quota. */
size_t node_size(const struct xs_node *n)
{
    return sizeof(*n) + strlen(n->path) + 1 + n->vlen +
           n->nperms * sizeof(*n->perms) + n->clen;
}
