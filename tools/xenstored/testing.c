// SPDX-License-Identifier: MIT
// The in-memory test transport (see testing.h).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

struct mt {
    uint8_t *buf;
    size_t len, cap, rd;
    size_t budget;
    struct mt_reply events[64];
    unsigned nevents, evrd;
};

static ssize_t mt_read_op(struct xs_conn *c, void *buf, size_t len)
{
    return 0;
}

static ssize_t mt_write_op(struct xs_conn *c, const void *p, size_t len)
{
    struct mt *m = c->priv;
    if (len > m->budget)
        len = m->budget;
    if (m->budget != SIZE_MAX)
        m->budget -= len;
    if (m->len + len > m->cap) {
        size_t nc = (m->len + len) * 2;
        uint8_t *nb = realloc(m->buf, nc);
        if (!nb)
            return -1;
        m->buf = nb;
        m->cap = nc;
    }
    memcpy(m->buf + m->len, p, len);
    m->len += len;
    return (ssize_t)len;
}

static void mt_close_op(struct xs_conn *c)
{
    struct mt *m = c->priv;
    free(m->buf);
    free(m);
}

static const struct xs_transport_ops mt_ops = {
    .name = "mem",
    .read = mt_read_op,
    .write = mt_write_op,
    .close = mt_close_op,
};

struct xs_conn *mt_conn(struct xs_store *st, uint32_t domid, bool privileged)
{
    struct mt *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->budget = SIZE_MAX;
    struct xs_conn *c = conn_new(st, &mt_ops, m, -1, domid, privileged);
    if (!c)
        free(m);
    return c;
}

void mt_set_budget(struct xs_conn *c, size_t budget)
{
    ((struct mt *)c->priv)->budget = budget;
}

void mt_feed(struct xs_store *st, struct xs_conn *c, const void *p, size_t len)
{
    size_t used = 0;
    while (used < len && !c->dead) {
        size_t u;
        conn_feed(st, c, (const uint8_t *)p + used, len - used, &u);
        used += u;
        if (!u)
            conn_flush(c); /* throttled: let the replies out */
        if (!u && !conn_wants_input(st, c))
            break;
    }
}

size_t mt_pending(struct xs_conn *c)
{
    struct mt *m = c->priv;
    return m->len - m->rd;
}

/* Pop the next complete message from the written bytes. */
static bool mt_pop(struct xs_conn *c, struct mt_reply *r)
{
    struct mt *m = c->priv;
    conn_flush(c);
    if (m->len - m->rd < sizeof(r->h))
        return false;
    memcpy(&r->h, m->buf + m->rd, sizeof(r->h));
    if (r->h.len > XENSTORE_PAYLOAD_MAX ||
        m->len - m->rd < sizeof(r->h) + r->h.len)
        return false;
    memcpy(r->data, m->buf + m->rd + sizeof(r->h), r->h.len);
    r->data[r->h.len] = '\0';
    m->rd += sizeof(r->h) + r->h.len;
    return true;
}

/* Move events out of the way so a reply can be found behind them. */
static void mt_stash_events(struct xs_conn *c)
{
    struct mt *m = c->priv;
    struct mt_reply r;
    for (;;) {
        size_t rd = m->rd;
        if (!mt_pop(c, &r))
            return;
        if (r.h.type != XS_WATCH_EVENT) {
            m->rd = rd;
            return;
        }
        if (m->nevents < 64)
            m->events[m->nevents++] = r;
    }
}

bool mt_call(struct xs_store *st, struct xs_conn *c, uint32_t type,
             uint32_t tx, const void *payload, size_t len,
             struct mt_reply *r)
{
    static uint32_t req_id = 100;
    uint8_t buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 16];
    struct xsd_sockmsg h = { type, ++req_id, tx, (uint32_t)len };
    if (len > XENSTORE_PAYLOAD_MAX + 16)
        return false;
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), payload, len);
    mt_stash_events(c);
    mt_feed(st, c, buf, sizeof(h) + len);
    mt_stash_events(c);
    return mt_pop(c, r) && r->h.req_id == h.req_id;
}

bool mt_event(struct xs_conn *c, struct mt_reply *r)
{
    struct mt *m = c->priv;
    mt_stash_events(c);
    if (m->evrd >= m->nevents)
        return false;
    *r = m->events[m->evrd++];
    if (m->evrd == m->nevents)
        m->evrd = m->nevents = 0;
    return true;
}

static const char *mt_text(const struct mt_reply *r, bool ok)
{
    static char out[XENSTORE_PAYLOAD_MAX + 16];
    if (!ok)
        return "NO-REPLY";
    if (r->h.type == XS_ERROR)
        snprintf(out, sizeof(out), "ERR:%s", r->data);
    else
        snprintf(out, sizeof(out), "%s", r->data);
    return out;
}

const char *mt_do(struct xs_store *st, struct xs_conn *c, uint32_t type,
                  uint32_t tx, const char *a, const char *b)
{
    static struct mt_reply r;
    char buf[XENSTORE_PAYLOAD_MAX + 16];
    size_t len = 0;
    if (a) {
        len = strlen(a) + 1;
        memcpy(buf, a, len);
    }
    if (b) {
        memcpy(buf + len, b, strlen(b) + 1);
        len += strlen(b) + 1;
    }
    bool ok = mt_call(st, c, type, tx, buf, len, &r);
    return mt_text(&r, ok);
}

const char *mt_write(struct xs_store *st, struct xs_conn *c, uint32_t tx,
                     const char *path, const char *value)
{
    static struct mt_reply r;
    char buf[XENSTORE_PAYLOAD_MAX + 16];
    size_t pl = strlen(path) + 1, vl = strlen(value);
    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    bool ok = mt_call(st, c, XS_WRITE, tx, buf, pl + vl, &r);
    return mt_text(&r, ok);
}

const char *mt_read(struct xs_store *st, struct xs_conn *c, uint32_t tx,
                    const char *path)
{
    return mt_do(st, c, XS_READ, tx, path, NULL);
}

uint32_t mt_tx_start(struct xs_store *st, struct xs_conn *c)
{
    const char *s = mt_do(st, c, XS_TRANSACTION_START, 0, "", NULL);
    return (uint32_t)strtoul(s, NULL, 10);
}

/*
 * Tree invariants: every child listed exists, every node but the root is
 * listed by its parent, and owners' node counts add up.
 */
bool mt_check_store(const struct xs_store *st)
{
    size_t seen = 0;
    for (size_t i = 0; i < st->db.nbuckets; i++) {
        for (const struct xs_node *n = st->db.buckets[i]; n; n = n->hnext) {
            seen++;
            if (!n->nperms || n->tomb || n->dirty)
                return false;
            size_t pl = strlen(n->path);
            for (size_t off = 0; off < n->clen;) {
                const char *name = n->children + off;
                char p[XENSTORE_ABS_PATH_MAX + 2];
                if (pl + strlen(name) + 2 > sizeof(p))
                    return false;
                snprintf(p, sizeof(p), "%s/%s", pl > 1 ? n->path : "", name);
                if (!db_get(&st->db, p))
                    return false;
                off += strlen(name) + 1;
            }
            char *pp = path_parent(n->path);
            if (pp) {
                const struct xs_node *par = db_get(&st->db, pp);
                free(pp);
                if (!par)
                    return false;
                const char *b = path_basename(n->path);
                bool found = false;
                for (size_t off = 0; off < par->clen && !found;) {
                    found = !strcmp(par->children + off, b);
                    off += strlen(par->children + off) + 1;
                }
                if (!found)
                    return false;
            }
        }
    }
    size_t owned = 0;
    for (const struct xs_domain *d = st->domains; d; d = d->next)
        owned += d->nodes;
    return seen == st->db.count && owned == seen;
}
