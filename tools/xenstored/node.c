// SPDX-License-Identifier: MIT
// One node: header, path, permissions and value in a single allocation, and
// its child-name list beside it. Every setter leaves the node unchanged on
// ENOMEM; the setters of value and permissions build a new allocation and
// swap it into the node's hash table.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_node *node_alloc(const char *path, const struct xs_perm *p,
                           uint32_t np, const void *v, uint32_t vlen)
{
    size_t pl = strlen(path);
    if (pl > UINT16_MAX || np > UINT16_MAX || vlen > UINT16_MAX)
        return NULL;
    size_t pbytes = np * sizeof(*p);
    struct xs_node *n = malloc(sizeof(*n) + pl + 1 + pbytes + vlen);
    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->plen = (uint16_t)pl;
    n->nperms = (uint16_t)np;
    n->vlen = (uint16_t)vlen;
    memcpy(n->path, path, pl + 1);
    if (pbytes)
        memcpy(node_perms_mut(n), p, pbytes);
    if (vlen)
        memcpy((uint8_t *)(node_perms_mut(n) + np), v, vlen);
    return n;
}

struct xs_node *node_new(const char *path)
{
    return node_alloc(path, NULL, 0, NULL, 0);
}

void node_free(struct xs_node *n)
{
    if (!n)
        return;
    free(n->children);
    free(n);
}

struct xs_node *node_clone(const struct xs_node *n)
{
    struct xs_node *c = node_alloc(n->path, node_perms(n), n->nperms,
                                   node_value(n), n->vlen);
    if (!c)
        return NULL;
    if (n->clen) {
        c->children = malloc(n->clen);
        if (!c->children) {
            free(c);
            return NULL;
        }
        memcpy(c->children, n->children, n->clen);
        c->clen = n->clen;
    }
    c->gen = n->gen;
    return c;
}

/* Replace *np's data; the new node takes over everything else. */
static int node_set_data(struct xs_db *db, struct xs_node **np,
                         const struct xs_perm *p, uint32_t nperms,
                         const void *v, uint32_t vlen)
{
    struct xs_node *o = *np;
    struct xs_node *n = node_alloc(o->path, p, nperms, v, vlen);
    if (!n)
        return ENOMEM;
    n->children = o->children;
    n->clen = o->clen;
    n->gen = o->gen;
    n->tomb = o->tomb;
    n->dirty = o->dirty;
    if (db)
        db_replace(db, o, n);
    free(o);
    *np = n;
    return 0;
}

int node_set_value(struct xs_db *db, struct xs_node **np, const void *v,
                   uint32_t len)
{
    return node_set_data(db, np, node_perms(*np), (*np)->nperms, v, len);
}

int node_set_perms(struct xs_db *db, struct xs_node **np,
                   const struct xs_perm *p, uint32_t nperms)
{
    return node_set_data(db, np, p, nperms, node_value(*np), (*np)->vlen);
}

int node_add_child(struct xs_node *n, const char *name)
{
    size_t l = strlen(name) + 1;
    char *c = realloc(n->children, n->clen + l);
    if (!c)
        return ENOMEM;
    memcpy(c + n->clen, name, l);
    n->children = c;
    n->clen += (uint32_t)l;
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
            n->clen -= (uint32_t)l;
            if (!n->clen) {
                free(n->children);
                n->children = NULL;
            }
            return;
        }
        off += cl;
    }
}

/* What a node costs its owner, for the memory quota. */
size_t node_size(const struct xs_node *n)
{
    return sizeof(*n) + n->plen + 1 + n->vlen +
           n->nperms * sizeof(struct xs_perm) + n->clen;
}
