// SPDX-License-Identifier: MIT
// The store operations (write, mkdir, rm, set_perms, reads) with Xen's
// semantics: implicit parents, inherited permissions, quotas and watch
// events. Each works on the main tree or, given a transaction, on the
// transaction's private copies, which commit applies later.
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

void store_init(struct xs_store *st, const struct xs_limits *l)
{
    static const struct xs_perm root_perm = { 0, XS_PERM_NONE };
    memset(st, 0, sizeof(*st));
    db_init(&st->db);
    st->limits = *l;
    st->next_tx_id = 1;
    st->next_conn_id = 1;
    st->aux_fd = -1;
    struct xs_node *root = node_alloc("/", &root_perm, 1, NULL, 0);
    if (!root)
        abort();
    root->gen = ++st->gen_counter;
    db_insert(&st->db, root);
    domain_account(st, XS_DOMID_NONE, 0, 0, node_size(root));
    for (int i = 0; i < 2; i++) {
        st->special_perms[i] = malloc(sizeof(struct xs_perm));
        if (!st->special_perms[i])
            abort();
        st->special_perms[i][0] = root_perm;
        st->special_nperms[i] = 1;
    }
}

void store_fini(struct xs_store *st)
{
    while (st->conns)
        conn_destroy(st, st->conns);
    db_free(&st->db);
    while (st->domains) {
        struct xs_domain *d = st->domains;
        st->domains = d->next;
        free(d);
    }
    for (int i = 0; i < 2; i++)
        free(st->special_perms[i]);
}

/* ---- the view: main tree or transaction copies ------------------------- */

static struct xs_node *vget(struct xs_store *st, struct xs_tx *tx,
                            const char *path, int *err)
{
    struct xs_node *n;
    *err = 0;
    if (!tx) {
        n = db_get(&st->db, path);
    } else {
        n = tx_touch(st, tx, path, err);
        if (n && n->tomb)
            n = NULL;
    }
    if (!n && !*err)
        *err = ENOENT;
    return n;
}

struct xs_node *store_lookup(struct xs_store *st, struct xs_tx *tx,
                             const char *path, int *err)
{
    return vget(st, tx, path, err);
}

static uint32_t owner_of(const struct xs_node *n)
{
    return n->nperms ? node_perms(n)[0].domid : 0;
}

/* The hash table a node of this view lives in. */
static struct xs_db *vdb(struct xs_store *st, struct xs_tx *tx)
{
    return tx ? &tx->db : &st->db;
}

struct mod {
    uint32_t owner;
    size_t size;
};

static struct mod mod_begin(const struct xs_node *n)
{
    struct mod m = { XS_DOMID_NONE, 0 };
    if (n && !n->tomb) {
        m.owner = owner_of(n);
        m.size = node_size(n);
    }
    return m;
}

/* Account a change and, outside transactions, make it visible. */
static void mod_end(struct xs_store *st, struct xs_tx *tx, struct xs_node *n,
                    struct mod old)
{
    uint32_t nowner = n->tomb ? XS_DOMID_NONE : owner_of(n);
    size_t nsize = n->tomb ? 0 : node_size(n);
    if (tx) {
        n->dirty = true;
        if (old.owner == tx->owner) {
            tx->node_delta--;
            tx->mem_delta -= (long)old.size;
        }
        if (nowner == tx->owner) {
            tx->node_delta++;
            tx->mem_delta += (long)nsize;
        }
        return;
    }
    n->gen = ++st->gen_counter;
    domain_account(st, old.owner, old.size, nowner, nsize);
    st->dirty = true;
}

static void note_event(struct xs_store *st, struct xs_tx *tx, const char *path,
                       bool recurse, const struct xs_perm *p, uint32_t np)
{
    if (tx)
        tx_note_event(tx, path, recurse, p, np);
    else
        watch_fire(st, path, recurse, p, np);
}

/* Quota check for adding `nodes` nodes and `bytes` bytes to c's domain. */
static int quota_check(struct xs_store *st, struct xs_tx *tx,
                       const struct xs_conn *c, long nodes, long bytes)
{
    if (!conn_limited(c))
        return 0;
    struct xs_domain *d = domain_find(st, c->domid);
    long have = d ? (long)d->nodes : 0;
    long mem = d ? (long)d->memory : 0;
    if (tx) {
        have += tx->node_delta;
        mem += tx->mem_delta;
    }
    if (nodes > 0 && have + nodes > (long)st->limits.nodes)
        return ENOSPC;
    if (bytes > 0 && mem + bytes > (long)st->limits.memory)
        return ENOMEM;
    return 0;
}

/* ---- reads ------------------------------------------------------------- */

/*
 * Find a node the connection may read. A missing node whose nearest existing
 * ancestor the connection cannot read gives EACCES, not ENOENT, so that
 * guests cannot probe the shape of trees they may not see.
 */
int store_check_read(struct xs_store *st, struct xs_tx *tx,
                     const struct xs_conn *c, const char *path,
                     struct xs_node **out)
{
    int err;
    struct xs_node *n = vget(st, tx, path, &err);
    *out = NULL;
    if (n) {
        if (!(perms_access(st, c, node_perms(n), n->nperms) & XS_PERM_READ))
            return EACCES;
        *out = n;
        return 0;
    }
    if (err != ENOENT || !conn_limited(c))
        return err;
    char *p = path_parent(path);
    while (p) {
        int e2;
        struct xs_node *a = vget(st, tx, p, &e2);
        if (a) {
            if (!(perms_access(st, c, node_perms(a), a->nperms) & XS_PERM_READ))
                err = EACCES;
            break;
        }
        char *pp = path_parent(p);
        free(p);
        p = pp;
    }
    free(p);
    return err;
}

/* ---- write / mkdir ---------------------------------------------------- */

static struct xs_node *vcreate(struct xs_store *st, struct xs_tx *tx,
                               struct xs_node *parent, const char *path,
                               const struct xs_conn *c, int *err)
{
    struct xs_node *n;
    *err = ENOMEM;
    if (!tx) {
        n = node_alloc(path, node_perms(parent), parent->nperms, NULL, 0);
        if (!n)
            return NULL;
    } else {
        n = tx_touch(st, tx, path, err);
        if (!n)
            return NULL;
        n->tomb = false;
        if (node_set_perms(&tx->db, &n, node_perms(parent), parent->nperms))
            goto fail;
    }
    if (conn_limited(c))
        node_perms_mut(n)[0].domid = c->domid;
    struct mod pm = mod_begin(parent);
    if (node_add_child(parent, path_basename(path)))
        goto fail;
    mod_end(st, tx, parent, pm);
    if (!tx)
        db_insert(&st->db, n);
    mod_end(st, tx, n, (struct mod){ XS_DOMID_NONE, 0 });
    *err = 0;
    return n;
fail:
    if (!tx)
        node_free(n);
    else
        n->tomb = true;
    return NULL;
}

int store_write(struct xs_store *st, struct xs_tx *tx, struct xs_conn *c,
                const char *path, const void *v, uint32_t len, bool mkdir)
{
    int err;
    if (conn_limited(c) && len > st->limits.value_size)
        return ENOSPC;
    struct xs_node *n = vget(st, tx, path, &err);
    if (n) {
        if (mkdir)
            return 0;
        if (!(perms_access(st, c, node_perms(n), n->nperms) & XS_PERM_WRITE))
            return EACCES;
        long grow = (long)len - (long)n->vlen;
        if (owner_of(n) == c->domid &&
            (err = quota_check(st, tx, c, 0, grow)))
            return err;
        struct mod m = mod_begin(n);
        if ((err = node_set_value(vdb(st, tx), &n, v, len)))
            return err;
        mod_end(st, tx, n, m);
        note_event(st, tx, path, false, node_perms(n), n->nperms);
        return 0;
    }
    if (err != ENOENT)
        return err;

    /* Find the nearest existing ancestor; everything below it is new. */
    char *missing[XENSTORE_ABS_PATH_MAX / 2 + 1];
    unsigned nmissing = 0;
    struct xs_node *anc = NULL;
    char *p = strdup(path);
    if (!p)
        return ENOMEM;
    while (p) {
        anc = vget(st, tx, p, &err);
        if (anc || err != ENOENT)
            break;
        missing[nmissing++] = p;
        p = path_parent(p);
    }
    free(p);
    if (!anc) {
        err = err ? err : ENOENT;
        goto out;
    }
    if (!(perms_access(st, c, node_perms(anc), anc->nperms) & XS_PERM_WRITE)) {
        err = EACCES;
        goto out;
    }
    long bytes = (long)len;
    for (unsigned i = 0; i < nmissing; i++)
        bytes += (long)(sizeof(struct xs_node) + 2 * strlen(missing[i]) + 2 +
                        anc->nperms * sizeof(struct xs_perm));
    if ((err = quota_check(st, tx, c, nmissing, bytes)))
        goto out;
    struct xs_node *parent = anc;
    while (nmissing) {
        char *np = missing[--nmissing];
        parent = vcreate(st, tx, parent, np, c, &err);
        free(np);
        if (!parent)
            goto out;
    }
    if (len) {
        struct mod m = mod_begin(parent);
        if ((err = node_set_value(vdb(st, tx), &parent, v, len)))
            goto out;
        mod_end(st, tx, parent, m);
    }
    note_event(st, tx, path, false, node_perms(parent), parent->nperms);
    err = 0;
out:
    while (nmissing)
        free(missing[--nmissing]);
    return err;
}

/* ---- rm ------------------------------------------------------------------ */

/*
 * After a large removal, hand the memory back to the system: a smaller hash
 * table, and the allocator's free pages returned (glibc keeps freed small
 * blocks in its heap otherwise). Not after every removal: trimming walks
 * the heap.
 */
#define RM_GIVE_BACK 1024

static void store_give_back(struct xs_store *st)
{
    db_shrink(&st->db);
    malloc_trim(0);
}

static void vdelete_tree(struct xs_store *st, struct xs_tx *tx,
                         struct xs_node *n)
{
    /* Children first; the list is walked from a copy since it stays valid. */
    for (size_t off = 0; off < n->clen;) {
        const char *name = n->children + off;
        size_t cl = strlen(name) + 1;
        size_t pl = strlen(n->path);
        char *cp = malloc(pl + cl + 1);
        if (cp) {
            int err;
            memcpy(cp, n->path, pl);
            size_t k = pl;
            if (pl > 1)
                cp[k++] = '/';
            memcpy(cp + k, name, cl);
            struct xs_node *ch = vget(st, tx, cp, &err);
            if (ch)
                vdelete_tree(st, tx, ch);
            free(cp);
        }
        off += cl;
    }
    struct mod m = mod_begin(n);
    if (!tx) {
        db_remove(&st->db, n->path);
        domain_account(st, m.owner, m.size, XS_DOMID_NONE, 0);
        st->dirty = true;
        node_free(n);
        return;
    }
    free(n->children);
    n->children = NULL;
    n->clen = 0;
    /* Drops the value too (the permissions stay, for the events). */
    node_set_value(&tx->db, &n, NULL, 0);
    n->tomb = true;
    mod_end(st, tx, n, m);
}

int store_rm(struct xs_store *st, struct xs_tx *tx, struct xs_conn *c,
             const char *path)
{
    int err;
    if (!strcmp(path, "/"))
        return EINVAL;
    struct xs_node *n = vget(st, tx, path, &err);
    char *pp = path_parent(path);
    if (!pp)
        return ENOMEM;
    if (!n) {
        if (err == ENOENT && vget(st, tx, pp, &err))
            err = 0; /* already gone and the parent exists: fine */
        free(pp);
        return err;
    }
    if (!(perms_access(st, c, node_perms(n), n->nperms) & XS_PERM_WRITE)) {
        free(pp);
        return EACCES;
    }
    struct xs_node *parent = vget(st, tx, pp, &err);
    free(pp);
    if (!parent)
        return err;
    uint32_t np = n->nperms;
    struct xs_perm *perms = malloc(np * sizeof(*perms));
    if (!perms)
        return ENOMEM;
    memcpy(perms, node_perms(n), np * sizeof(*perms));
    struct mod pm = mod_begin(parent);
    node_del_child(parent, path_basename(path));
    mod_end(st, tx, parent, pm);
    size_t before = st->db.count;
    vdelete_tree(st, tx, n);
    note_event(st, tx, path, true, perms, np);
    free(perms);
    if (before - st->db.count >= RM_GIVE_BACK)
        store_give_back(st);
    return 0;
}

/* ---- set_perms ------------------------------------------------------------ */

int store_set_perms(struct xs_store *st, struct xs_tx *tx, struct xs_conn *c,
                    const char *path, const struct xs_perm *p, uint32_t np)
{
    int err;
    struct xs_node *n = vget(st, tx, path, &err);
    if (!n)
        return err;
    if (conn_limited(c)) {
        if (!(perms_access(st, c, node_perms(n), n->nperms) & XS_PERM_WRITE) ||
            !perms_is_owner(st, c, node_perms(n), n->nperms))
            return EACCES; /* only the owner may change permissions */
        if (np > st->limits.perms)
            return ENOSPC;
        if (p[0].domid != owner_of(n))
            return EPERM;
    }
    struct mod m = mod_begin(n);
    if ((err = node_set_perms(vdb(st, tx), &n, p, np)))
        return err;
    mod_end(st, tx, n, m);
    note_event(st, tx, path, false, node_perms(n), n->nperms);
    return 0;
}

/* ---- state file and domain release ----------------------------------------- */

int store_load_node(struct xs_store *st, struct xs_node *n)
{
    if (!path_valid(n->path) || !n->nperms)
        return EINVAL;
    struct xs_node *old = db_get(&st->db, n->path);
    if (old) {
        if (strcmp(n->path, "/"))
            return EEXIST;
        db_remove(&st->db, "/");
        domain_account(st, owner_of(old), node_size(old), XS_DOMID_NONE, 0);
        node_free(old);
    } else {
        char *pp = path_parent(n->path);
        bool ok = pp && db_get(&st->db, pp);
        free(pp);
        if (!ok)
            return EINVAL;
    }
    n->gen = ++st->gen_counter;
    db_insert(&st->db, n);
    domain_account(st, XS_DOMID_NONE, 0, owner_of(n), node_size(n));
    return 0;
}

/*
 * A released domain's nodes go to `to` (the privileged domain), so a later
 * domain reusing the id cannot inherit them.
 */
void store_chown_domain(struct xs_store *st, uint32_t from, uint32_t to)
{
    for (size_t i = 0; i < st->db.nbuckets; i++) {
        for (struct xs_node *n = st->db.buckets[i]; n; n = n->hnext) {
            if (n->nperms && node_perms(n)[0].domid == from) {
                struct mod m = mod_begin(n);
                node_perms_mut(n)[0].domid = to;
                mod_end(st, NULL, n, m);
            }
        }
    }
}
