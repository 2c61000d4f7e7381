// SPDX-License-Identifier: MIT
// Xen's side of the guest rings, for the daemon running in a Linux dom0:
//  - dom0's own kernel offers its ring page at /proc/xen/xsd_kva and the
//    event channel it allocated for the store at /proc/xen/xsd_port; we map
//    the one and bind the other at start, as Xen's daemons do;
//  - INTRODUCE <domid> <gfn> <port> maps the guest's page through the
//    grant the domain builder reserved for the store (grant reference 1)
//    with /dev/xen/gntdev, and binds the guest's port with /dev/xen/evtchn.
// Each ring gets its own evtchn fd (one bound port each), so the poll loop
// and the ring transport see it like any other notification fd.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xenstored.h"

/*
 * The Linux evtchn and gntdev device interface (the ABI of xen/sys/evtchn.h
 * and xen/sys/gntdev.h in Debian's libxen-dev), declared here so the
 * daemon builds without Xen's headers.
 */
struct evtchn_bind_interdomain_arg {
    unsigned int remote_domain, remote_port;
};
struct evtchn_port_arg {
    unsigned int port;
};
struct evtchn_bind_virq_arg {
    unsigned int virq;
};
#define EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct evtchn_bind_virq_arg))
#define EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_bind_interdomain_arg))
#define EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct evtchn_port_arg))
#define EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct evtchn_port_arg))

struct gntdev_map_arg {
    uint32_t count, pad;
    uint64_t index;           /* out: the mmap offset */
    struct {
        uint32_t domid, ref;
    } refs[1];
};
struct gntdev_unmap_arg {
    uint64_t index;
    uint32_t count, pad;
};
#define GNTDEV_MAP_GRANT_REF _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map_arg))
#define GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap_arg))

#define VIRQ_DOM_EXC 3 /* a domain shut down or is being destroyed */
#define GNTTAB_RESERVED_XENSTORE 1 /* grant ref the builder sets up for us */
#define PAGE_SIZE_XEN 4096

struct xen_chan {
    unsigned int port;  /* our local port */
    void *page;
    bool granted;       /* mapped through gntdev (else xsd_kva) */
    uint64_t gnt_index;
};

static int gntdev_fd = -1;

static void xen_kick(int fd, void *ctx)
{
    struct xen_chan *ch = ctx;
    struct evtchn_port_arg a = { ch->port };
    if (ioctl(fd, EVTCHN_NOTIFY, &a) < 0)
        xs_log(LOG_WARN, "evtchn notify port %u: %s", ch->port,
               strerror(errno));
}

/* Read the fired ports and write them back: that unmasks them again. */
static int xen_ack(int fd, void *ctx)
{
    uint32_t ports[16];
    for (;;) {
        ssize_t n = read(fd, ports, sizeof(ports));
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        if (n == 0)
            return 0;
        if (write(fd, ports, (size_t)n) != n)
            return -1;
    }
}

static void xen_release(int fd, void *ctx)
{
    struct xen_chan *ch = ctx;
    struct evtchn_port_arg a = { ch->port };
    if (fd >= 0) {
        ioctl(fd, EVTCHN_UNBIND, &a);
        close(fd);
    }
    if (ch->page)
        munmap(ch->page, PAGE_SIZE_XEN);
    if (ch->granted) {
        struct gntdev_unmap_arg u = { .index = ch->gnt_index, .count = 1 };
        ioctl(gntdev_fd, GNTDEV_UNMAP_GRANT_REF, &u);
    }
    free(ch);
}

static const struct xs_ring_event_ops xen_ev = {
    xen_kick, xen_ack, xen_release
};

/* An evtchn fd with (domid, remote_port) bound; -1 on failure. */
static int bind_port(uint32_t domid, uint32_t remote_port, unsigned int *local)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct evtchn_bind_interdomain_arg b = { domid, remote_port };
    int port = ioctl(fd, EVTCHN_BIND_INTERDOMAIN, &b);
    if (port < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *local = (unsigned int)port;
    return fd;
}

/* Page and port mapped: make the connection, or undo everything. */
static struct xs_conn *chan_conn(struct xs_store *st, uint32_t domid,
                                 struct xen_chan *ch, uint32_t remote_port)
{
    int fd = bind_port(domid, remote_port, &ch->port);
    if (fd < 0) {
        int e = errno;
        xs_log(LOG_ERR, "dom%u: binding event channel %u: %s", domid,
               remote_port, strerror(e));
        xen_release(-1, ch);
        errno = e == EPERM ? EACCES : EINVAL;
        return NULL;
    }
    struct xs_conn *c = ring_conn_new_ev(st, domid, ch->page, fd, &xen_ev,
                                         ch, NULL);
    if (!c) {
        xen_release(fd, ch);
        errno = ENOMEM;
        return NULL;
    }
    xs_log(LOG_INFO, "dom%u: ring on port %u (local %u)", domid, remote_port,
           ch->port);
    return c;
}

/* INTRODUCE: the guest's page through its reserved xenstore grant. */
static struct xs_conn *xen_map(struct xs_store *st, void *ctx, uint32_t domid,
                               uint64_t gfn, uint32_t evtchn)
{
    struct xen_chan *ch = calloc(1, sizeof(*ch));
    if (!ch) {
        errno = ENOMEM;
        return NULL;
    }
    struct gntdev_map_arg m = { .count = 1 };
    m.refs[0].domid = domid;
    m.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
    if (gntdev_fd < 0 || ioctl(gntdev_fd, GNTDEV_MAP_GRANT_REF, &m) < 0) {
        xs_log(LOG_ERR, "dom%u: no grant mapping (gntdev): %s", domid,
               strerror(errno));
        free(ch);
        errno = EINVAL;
        return NULL;
    }
    ch->granted = true;
    ch->gnt_index = m.index;
    ch->page = mmap(NULL, PAGE_SIZE_XEN, PROT_READ | PROT_WRITE, MAP_SHARED,
                    gntdev_fd, (off_t)m.index);
    if (ch->page == MAP_FAILED) {
        xs_log(LOG_ERR, "dom%u: mapping its ring page (gfn %#llx): %s", domid,
               (unsigned long long)gfn, strerror(errno));
        ch->page = NULL;
        xen_release(-1, ch);
        errno = EINVAL;
        return NULL;
    }
    return chan_conn(st, domid, ch, evtchn);
}

static const struct xs_ring_backend xen_backend = { xen_map };

/* dom0's own kernel: /proc/xen/xsd_kva and xsd_port. */
static int dom0_ring(struct xs_store *st)
{
    FILE *f = fopen("/proc/xen/xsd_port", "r");
    unsigned int port;
    if (!f)
        return errno;
    int ok = fscanf(f, "%u", &port) == 1;
    fclose(f);
    if (!ok)
        return EINVAL;
    int fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct xen_chan *ch = calloc(1, sizeof(*ch));
    if (!ch) {
        close(fd);
        return ENOMEM;
    }
    ch->page = mmap(NULL, PAGE_SIZE_XEN, PROT_READ | PROT_WRITE, MAP_SHARED,
                    fd, 0);
    int e = errno;
    close(fd); /* the mapping stays */
    if (ch->page == MAP_FAILED) {
        free(ch);
        return e;
    }
    struct xs_conn *c = chan_conn(st, st->priv_domid, ch, port);
    if (!c)
        return errno;
    struct xs_domain *d = domain_get(st, st->priv_domid);
    if (d) {
        d->introduced = true;
        d->ring = c;
    }
    return 0;
}

/*
 * VIRQ_DOM_EXC: some domain shut down or died. Like Xen's daemon we tell
 * @releaseDomain watchers (the toolstack then looks at its domains and acts
 * on the shutdown: xl's on_poweroff, xenconsoled's cleanup). Which domain
 * it was needs a domctl hypercall that this daemon does not make, so the
 * ring of a dead domain stays mapped until the toolstack's RELEASE.
 */
static void xen_dom_exc(struct xs_store *st)
{
    xen_ack(st->aux_fd, NULL);
    watch_fire_special(st, 1);
}

static void bind_dom_exc(struct xs_store *st)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    struct evtchn_bind_virq_arg v = { VIRQ_DOM_EXC };
    if (fd < 0 || ioctl(fd, EVTCHN_BIND_VIRQ, &v) < 0) {
        xs_log(LOG_WARN, "VIRQ_DOM_EXC: %s: no @releaseDomain on domain "
               "death", strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    st->aux_fd = fd;
    st->aux_event = xen_dom_exc;
}

/*
 * On Xen (the evtchn device exists): guests are introduced through Xen's
 * grants and event channels, and dom0's kernel gets its ring. Elsewhere
 * nothing happens. Returns 0 or an errno for dom0's ring.
 */
int xen_backend_init(struct xs_store *st)
{
    if (access("/dev/xen/evtchn", F_OK))
        return 0;
    gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (gntdev_fd < 0)
        xs_log(LOG_WARN, "no /dev/xen/gntdev (%s): guests cannot be "
               "introduced", strerror(errno));
    st->ring_backend = &xen_backend;
    bind_dom_exc(st);
    if (access("/proc/xen/xsd_kva", F_OK))
        return 0; /* a domain without a local store ring (not dom0) */
    int err = dom0_ring(st);
    if (err)
        xs_log(LOG_ERR, "dom0 ring (/proc/xen/xsd_kva, xsd_port): %s",
               strerror(err));
    else
        xs_log(LOG_INFO, "serving dom%u's kernel through its ring",
               st->priv_domid);
    return err;
}
