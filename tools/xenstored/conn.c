// SPDX-License-Identifier: MIT
// Connections, whatever their transport: reassembling requests from the byte
// stream, the per-connection output queue (a slow reader delays nobody
// else), flow control and the limits that disconnect a hostile client.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_conn *conn_new(struct xs_store *st, const struct xs_transport_ops *ops,
                         void *priv, int fd, uint32_t domid, bool privileged)
{
    struct xs_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->id = st->next_conn_id++;
    c->ops = ops;
    c->priv = priv;
    c->fd = fd;
    c->domid = domid;
    c->privileged = privileged;
    c->out_limit = st->limits.output_max;
    /* Appended: watch events go out in connection order, oldest first. */
    struct xs_conn **pp = &st->conns;
    while (*pp)
        pp = &(*pp)->next;
    *pp = c;
    return c;
}

void conn_kill(struct xs_conn *c, const char *why)
{
    if (!c->dead)
        xs_log(LOG_INFO, "conn %u (dom%u): closing: %s", c->id, c->domid, why);
    c->dead = true;
}

static void out_free(struct xs_conn *c)
{
    while (c->out_head) {
        struct xs_outmsg *m = c->out_head;
        c->out_head = m->next;
        free(m);
    }
    c->out_tail = NULL;
    c->out_bytes = 0;
    c->out_replies = 0;
}

/* Forget everything the peer set up: watches, transactions, partial input. */
void conn_reset(struct xs_store *st, struct xs_conn *c)
{
    watch_del_all(st, c);
    tx_abort_all(st, c);
    out_free(c);
    c->hdr_used = 0;
    c->payload_used = 0;
    free(c->stash);
    c->stash = NULL;
    c->stash_len = c->stash_off = 0;
}

void conn_destroy(struct xs_store *st, struct xs_conn *c)
{
    for (struct xs_conn **pp = &st->conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    conn_reset(st, c);
    struct xs_domain *d = domain_find(st, c->domid);
    if (d && d->ring == c)
        d->ring = NULL;
    if (c->ops && c->ops->close)
        c->ops->close(c);
    free(c);
}

void conn_reap(struct xs_store *st)
{
    struct xs_conn *c = st->conns;
    while (c) {
        struct xs_conn *next = c->next;
        if (c->dead)
            conn_destroy(st, c);
        c = next;
    }
}

/*
 * Queue one message: header plus the concatenation of a and b. A client
 * whose queue passes the output limit is disconnected rather than letting
 * it grow the daemon without bound.
 */
void conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id,
               uint32_t tx_id, const void *a, size_t alen, const void *b,
               size_t blen)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, (uint32_t)(alen + blen) };
    size_t len = sizeof(h) + alen + blen;
    if (c->dead)
        return;
    if (c->out_bytes + len > c->out_limit) {
        conn_kill(c, "output queue over the limit");
        return;
    }
    struct xs_outmsg *m = malloc(sizeof(*m) + len);
    if (!m) {
        conn_kill(c, "out of memory");
        return;
    }
    m->next = NULL;
    m->len = len;
    m->off = 0;
    m->is_reply = type != XS_WATCH_EVENT;
    memcpy(m->data, &h, sizeof(h));
    if (alen)
        memcpy(m->data + sizeof(h), a, alen);
    if (blen)
        memcpy(m->data + sizeof(h) + alen, b, blen);
    if (c->out_tail)
        c->out_tail->next = m;
    else
        c->out_head = m;
    c->out_tail = m;
    c->out_bytes += len;
    c->out_replies += m->is_reply;
}

/* Write as much queued output as the transport takes now. */
void conn_flush(struct xs_conn *c)
{
    bool moved = false;
    while (c->out_head && !c->dead) {
        struct xs_outmsg *m = c->out_head;
        ssize_t n = c->ops->write(c, m->data + m->off, m->len - m->off);
        if (n < 0) {
            conn_kill(c, "write failed");
            break;
        }
        if (n == 0)
            break;
        moved = true;
        m->off += (size_t)n;
        c->out_bytes -= (size_t)n;
        if (m->off < m->len)
            break;
        c->out_head = m->next;
        if (!c->out_head)
            c->out_tail = NULL;
        c->out_replies -= m->is_reply;
        free(m);
    }
    if (moved && c->ops->notify && !c->dead)
        c->ops->notify(c);
}

/*
 * Stop reading requests from a client that does not read its replies: its
 * requests wait in its own socket or ring, not in our memory.
 */
bool conn_wants_input(const struct xs_store *st, const struct xs_conn *c)
{
    return !c->dead && c->out_replies < st->limits.outstanding &&
           c->out_bytes < st->limits.output_max / 2;
}

/*
 * Consume bytes of the request stream, handling each complete request.
 * *used says how many bytes were taken; parsing stops early when the
 * connection must not take more input now (or died).
 */
void conn_feed(struct xs_store *st, struct xs_conn *c, const void *buf,
               size_t len, size_t *used)
{
    const uint8_t *p = buf;
    size_t off = 0;
    while (off < len && conn_wants_input(st, c)) {
        if (c->hdr_used < sizeof(c->hdrbuf)) {
            size_t n = sizeof(c->hdrbuf) - c->hdr_used;
            if (n > len - off)
                n = len - off;
            memcpy(c->hdrbuf + c->hdr_used, p + off, n);
            c->hdr_used += n;
            off += n;
            if (c->hdr_used < sizeof(c->hdrbuf))
                break;
        }
        struct xsd_sockmsg h;
        memcpy(&h, c->hdrbuf, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX) {
            c->proto_error = true;
            conn_kill(c, "payload over the maximum");
            break;
        }
        size_t n = h.len - c->payload_used;
        if (n > len - off)
            n = len - off;
        memcpy(c->payload + c->payload_used, p + off, n);
        c->payload_used += n;
        off += n;
        if (c->payload_used < h.len)
            break;
        c->payload[h.len] = '\0';
        c->hdr_used = 0;
        c->payload_used = 0;
        request_handle(st, c, &h, (const char *)c->payload);
    }
    *used = off;
}

/*
 * Read what the transport has and handle it. Bytes read beyond the point
 * where the connection got throttled wait in a small stash (at most one
 * read buffer) until its replies drain.
 */
void conn_handle_input(struct xs_store *st, struct xs_conn *c)
{
    uint8_t buf[16384];
    size_t used;
    if (c->stash_len) {
        conn_feed(st, c, c->stash + c->stash_off, c->stash_len, &used);
        c->stash_off += used;
        c->stash_len -= used;
        if (c->stash_len)
            return;
        free(c->stash);
        c->stash = NULL;
        c->stash_off = 0;
    }
    for (int rounds = 0; rounds < 64 && conn_wants_input(st, c); rounds++) {
        ssize_t n = c->ops->read(c, buf, sizeof(buf));
        if (n < 0) {
            conn_kill(c, "peer closed or read failed");
            return;
        }
        if (n == 0)
            return;
        conn_feed(st, c, buf, (size_t)n, &used);
        if (used < (size_t)n && !c->dead) {
            c->stash_len = (size_t)n - used;
            c->stash = malloc(c->stash_len);
            if (!c->stash) {
                conn_kill(c, "out of memory");
                return;
            }
            memcpy(c->stash, buf + used, c->stash_len);
            return;
        }
        /* A short read drained the transport: the next poll says when
         * there is more (one system call less per request). */
        if ((size_t)n < sizeof(buf))
            return;
    }
}
