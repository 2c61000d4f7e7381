// SPDX-License-Identifier: MIT
// Transactions: each keeps private copies of every node it touched, with the
// generation it first saw. Commit succeeds only if none of those nodes has
// changed since (else EAGAIN), then applies the copies and fires the
// transaction's watch events, which nobody saw before.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static void events_free(struct xs_tx *tx)
{
    while (tx->events) {
        struct xs_event *e = tx->events;
        tx->events = e->next;
        free(e->path);
        free(e->perms);
        free(e);
    }
    tx->events_tail = NULL;
}

static void tx_free(struct xs_tx *tx)
{
    db_free(&tx->db);
    events_free(tx);
    free(tx);
}

int tx_start(struct xs_store *st, struct xs_conn *c, uint32_t *id)
{
    struct xs_domain *d = domain_get(st, c->domid);
    if (!d)
        return ENOMEM;
    if (conn_limited(c) && d->transactions >= st->limits.transactions)
        return ENOSPC;
    struct xs_tx *tx = calloc(1, sizeof(*tx));
    if (!tx)
        return ENOMEM;
    db_init(&tx->db);
    tx->owner = c->domid;
    /* Ids are global so that a stale id never names another's transaction. */
    do {
        tx->id = st->next_tx_id++;
    } while (tx->id == 0 || tx_find(c, tx->id));
    tx->next = c->txs;
    c->txs = tx;
    d->transactions++;
    *id = tx->id;
    return 0;
}

struct xs_tx *tx_find(struct xs_conn *c, uint32_t id)
{
    for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
        if (tx->id == id)
            return tx;
    return NULL;
}

/*
 * The transaction's copy of path, made on first touch (a tombstone if the
 * node does not exist). A guest touching too many nodes gets ENOSPC.
 */
struct xs_node *tx_touch(struct xs_store *st, struct xs_tx *tx,
                         const char *path, int *err)
{
    struct xs_node *n = db_get(&tx->db, path);
    if (n)
        return n;
    bool limited = tx->owner != st->priv_domid;
    if (limited && tx->db.count >= st->limits.tx_nodes) {
        *err = ENOSPC;
        return NULL;
    }
    struct xs_node *m = db_get(&st->db, path);
    n = m ? node_clone(m) : node_new(path);
    if (!n) {
        *err = ENOMEM;
        return NULL;
    }
    n->tomb = !m; /* a clone keeps m's gen; a new node has gen 0 */
    db_insert(&tx->db, n);
    return n;
}

void tx_note_event(struct xs_tx *tx, const char *path, bool recurse,
                   const struct xs_perm *p, uint32_t np)
{
    struct xs_event *e = calloc(1, sizeof(*e));
    if (!e)
        return;
    e->path = strdup(path);
    e->perms = malloc(np * sizeof(*p));
    if (!e->path || !e->perms) {
        free(e->path);
        free(e->perms);
        free(e);
        return;
    }
    memcpy(e->perms, p, np * sizeof(*p));
    e->nperms = np;
    e->recurse = recurse;
    if (tx->events_tail)
        tx->events_tail->next = e;
    else
        tx->events = e;
    tx->events_tail = e;
}

static bool tx_conflicts(const struct xs_store *st, const struct xs_tx *tx)
{
    for (size_t i = 0; i < tx->db.nbuckets; i++) {
        for (const struct xs_node *n = tx->db.buckets[i]; n; n = n->hnext) {
            const struct xs_node *m = db_get(&st->db, n->path);
            if ((m ? m->gen : 0) != n->gen)
                return true;
        }
    }
    return false;
}

static void tx_apply(struct xs_store *st, struct xs_tx *tx)
{
    size_t ndirty = 0, k = 0;
    for (size_t i = 0; i < tx->db.nbuckets; i++)
        for (struct xs_node *n = tx->db.buckets[i]; n; n = n->hnext)
            ndirty += n->dirty;
    char **paths = calloc(ndirty ? ndirty : 1, sizeof(*paths));
    if (!paths)
        return;
    for (size_t i = 0; i < tx->db.nbuckets; i++)
        for (struct xs_node *n = tx->db.buckets[i]; n; n = n->hnext)
            if (n->dirty)
                paths[k++] = n->path;
    for (k = 0; k < ndirty; k++) {
        struct xs_node *n = db_remove(&tx->db, paths[k]);
        struct xs_node *m = db_remove(&st->db, n->path);
        if (m)
            domain_account(st, m->nperms ? node_perms(m)[0].domid : 0,
                           node_size(m), XS_DOMID_NONE, 0);
        node_free(m);
        if (n->tomb) {
            node_free(n);
            continue;
        }
        n->dirty = false;
        n->gen = ++st->gen_counter;
        db_insert(&st->db, n);
        domain_account(st, XS_DOMID_NONE, 0,
                       n->nperms ? node_perms(n)[0].domid : 0, node_size(n));
    }
    free(paths);
    if (ndirty)
        st->dirty = true;
}

static void tx_unlink(struct xs_store *st, struct xs_conn *c, struct xs_tx *tx)
{
    for (struct xs_tx **pp = &c->txs; *pp; pp = &(*pp)->next) {
        if (*pp == tx) {
            *pp = tx->next;
            break;
        }
    }
    struct xs_domain *d = domain_find(st, c->domid);
    if (d && d->transactions)
        d->transactions--;
}

/* End a transaction: 0 committed (or aborted on request), EAGAIN conflict. */
int tx_end(struct xs_store *st, struct xs_conn *c, struct xs_tx *tx,
           bool commit)
{
    int err = 0;
    tx_unlink(st, c, tx);
    if (commit) {
        if (tx_conflicts(st, tx)) {
            err = EAGAIN;
        } else {
            tx_apply(st, tx);
            for (struct xs_event *e = tx->events; e; e = e->next)
                watch_fire(st, e->path, e->recurse, e->perms, e->nperms);
        }
    }
    tx_free(tx);
    return err;
}

void tx_abort_all(struct xs_store *st, struct xs_conn *c)
{
    while (c->txs)
        tx_end(st, c, c->txs, false);
}
