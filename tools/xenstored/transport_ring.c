// SPDX-License-Identifier: MIT
// The guest transport: Xen's shared xenstore_domain_interface page (two
// 1024-byte rings with free-running indices) plus an event channel, here
// any fd that becomes readable when the guest notifies and takes a byte to
// notify it. The backend that maps the page and binds the channel (Xen's
// grant/foreign mapping and evtchn device, or the test stand-in) hands us
// both; everything else is the same for all of them.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstored.h"

struct ring {
    struct xenstore_domain_interface *intf;
    void (*unmap)(struct xenstore_domain_interface *intf);
    const struct xs_ring_event_ops *ev;
    void *ev_ctx;
};

/* The default event channel: a byte stream (the test stand-in's socket). */
static void pipe_kick(int fd, void *ctx)
{
    char b = 1;
    if (fd >= 0 && write(fd, &b, 1) < 0) {
        /* A full notification pipe already wakes the guest. */
    }
}

static int pipe_ack(int fd, void *ctx)
{
    char buf[64];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        ;
    return n == 0 ? -1 : 0;
}

static void pipe_release(int fd, void *ctx)
{
    if (fd >= 0)
        close(fd);
}

static const struct xs_ring_event_ops pipe_ev = {
    pipe_kick, pipe_ack, pipe_release
};

static struct xenstore_domain_interface *ring_intf(struct xs_conn *c)
{
    return ((struct ring *)c->priv)->intf;
}

/* Indices further apart than the ring size mean a broken or hostile guest. */
static ssize_t ring_bad(struct xs_conn *c)
{
    ring_intf(c)->error = XENSTORE_ERROR_RINGIDX;
    c->proto_error = true;
    return -1;
}

static ssize_t ring_read(struct xs_conn *c, void *buf, size_t len)
{
    struct xenstore_domain_interface *in = ring_intf(c);
    XENSTORE_RING_IDX cons = in->req_cons;
    XENSTORE_RING_IDX prod = __atomic_load_n(&in->req_prod, __ATOMIC_ACQUIRE);
    if (in->connection != XENSTORE_CONNECTED)
        return 0;
    if (prod - cons > XENSTORE_RING_SIZE)
        return ring_bad(c);
    size_t avail = prod - cons;
    if (avail > len)
        avail = len;
    for (size_t i = 0; i < avail;) {
        size_t off = MASK_XENSTORE_IDX(cons + i);
        size_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > avail - i)
            chunk = avail - i;
        memcpy((char *)buf + i, in->req + off, chunk);
        i += chunk;
    }
    if (avail) {
        __atomic_store_n(&in->req_cons, cons + (XENSTORE_RING_IDX)avail,
                         __ATOMIC_RELEASE);
        c->ops->notify(c); /* the guest may be waiting for space */
    }
    return (ssize_t)avail;
}

static ssize_t ring_write(struct xs_conn *c, const void *buf, size_t len)
{
    struct xenstore_domain_interface *in = ring_intf(c);
    XENSTORE_RING_IDX prod = in->rsp_prod;
    XENSTORE_RING_IDX cons = __atomic_load_n(&in->rsp_cons, __ATOMIC_ACQUIRE);
    if (in->connection != XENSTORE_CONNECTED)
        return 0;
    if (prod - cons > XENSTORE_RING_SIZE)
        return ring_bad(c);
    size_t space = XENSTORE_RING_SIZE - (prod - cons);
    if (space > len)
        space = len;
    for (size_t i = 0; i < space;) {
        size_t off = MASK_XENSTORE_IDX(prod + i);
        size_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > space - i)
            chunk = space - i;
        memcpy(in->rsp + off, (const char *)buf + i, chunk);
        i += chunk;
    }
    __atomic_store_n(&in->rsp_prod, prod + (XENSTORE_RING_IDX)space,
                     __ATOMIC_RELEASE);
    return (ssize_t)space;
}

static void ring_notify(struct xs_conn *c)
{
    struct ring *r = c->priv;
    r->ev->kick(c->fd, r->ev_ctx);
}

/*
 * The event channel fired: drain it, serve a reconnection request (the
 * guest set `connection`: forget its watches and transactions, reset the
 * indices, say we are connected again), then take requests.
 */
static void ring_event(struct xs_store *st, struct xs_conn *c)
{
    struct ring *r = c->priv;
    if (r->ev->ack(c->fd, r->ev_ctx) < 0) {
        conn_kill(c, "event channel closed");
        return;
    }
    struct xenstore_domain_interface *in = ring_intf(c);
    if (__atomic_load_n(&in->connection, __ATOMIC_ACQUIRE) ==
        XENSTORE_RECONNECT) {
        conn_reset(st, c);
        in->req_cons = in->req_prod = 0;
        in->rsp_cons = in->rsp_prod = 0;
        in->error = XENSTORE_ERROR_NONE;
        __atomic_store_n(&in->connection, XENSTORE_CONNECTED,
                         __ATOMIC_RELEASE);
        ring_notify(c);
        return;
    }
    conn_handle_input(st, c);
}

static void ring_close(struct xs_conn *c)
{
    struct ring *r = c->priv;
    if (c->proto_error && r->intf->error == XENSTORE_ERROR_NONE)
        r->intf->error = XENSTORE_ERROR_PROTO;
    if (r->unmap)
        r->unmap(r->intf);
    r->ev->release(c->fd, r->ev_ctx);
    c->fd = -1;
    free(r);
}

static const struct xs_transport_ops ring_ops = {
    .name = "ring",
    .read = ring_read,
    .write = ring_write,
    .notify = ring_notify,
    .close = ring_close,
    .event = ring_event,
    .poll_out = false,
};

/*
 * A connection for domid over an already mapped page and a non-blocking
 * notification fd (both owned by the connection from now on). The domain
 * is privileged only if it is the privileged domain (dom0's own kernel).
 */
struct xs_conn *ring_conn_new(struct xs_store *st, uint32_t domid,
                              struct xenstore_domain_interface *intf,
                              int notify_fd,
                              void (*unmap)(struct xenstore_domain_interface *))
{
    return ring_conn_new_ev(st, domid, intf, notify_fd, &pipe_ev, NULL,
                            unmap);
}

/* The same with another kind of event channel (Xen's evtchn device). */
struct xs_conn *ring_conn_new_ev(struct xs_store *st, uint32_t domid,
                                 struct xenstore_domain_interface *intf,
                                 int fd, const struct xs_ring_event_ops *ev,
                                 void *ev_ctx,
                                 void (*unmap)(struct xenstore_domain_interface *))
{
    struct ring *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->intf = intf;
    r->unmap = unmap;
    r->ev = ev;
    r->ev_ctx = ev_ctx;
    struct xs_conn *c = conn_new(st, &ring_ops, r, fd, domid,
                                 domid == st->priv_domid);
    if (!c) {
        free(r);
        return NULL;
    }
    intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
                            XENSTORE_SERVER_FEATURE_ERROR;
    intf->error = XENSTORE_ERROR_NONE;
    __atomic_store_n(&intf->connection, XENSTORE_CONNECTED, __ATOMIC_RELEASE);
    c->check_input = true; /* the guest may have written before introduce */
    return c;
}
