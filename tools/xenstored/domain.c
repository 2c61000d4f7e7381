// SPDX-License-Identifier: MIT
// Domains as the store sees them: who is introduced, what each owns and has
// open (for the quotas), and introduce/release with their special watches.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

void xs_limits_default(struct xs_limits *l)
{
    /* Xen 4.17's defaults, so guests see the same limits. */
    l->nodes = 1000;
    l->value_size = 2048;
    l->watches = 128;
    l->transactions = 10;
    l->perms = 5;
    l->path_max = XENSTORE_REL_PATH_MAX;
    l->memory = 2 * 1024 * 1024;
    l->outstanding = 20;
    l->tx_nodes = 1024;
    l->output_max = 1024 * 1024;
}

struct xs_domain *domain_find(const struct xs_store *st, uint32_t domid)
{
    for (struct xs_domain *d = st->domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

/* Find or create the record; NULL only when out of memory. */
struct xs_domain *domain_get(struct xs_store *st, uint32_t domid)
{
    struct xs_domain *d = domain_find(st, domid);
    if (d)
        return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->target = XS_DOMID_NONE;
    d->next = st->domains;
    st->domains = d;
    return d;
}

void domain_account(struct xs_store *st, uint32_t old_owner, size_t old_bytes,
                    uint32_t new_owner, size_t new_bytes)
{
    struct xs_domain *d;
    if (old_owner != XS_DOMID_NONE && (d = domain_get(st, old_owner))) {
        d->nodes--;
        d->memory -= old_bytes;
    }
    if (new_owner != XS_DOMID_NONE && (d = domain_get(st, new_owner))) {
        d->nodes++;
        d->memory += new_bytes;
    }
}

/* Quotas apply to every connection but the privileged domain's. */
bool conn_limited(const struct xs_conn *c)
{
    return !c->privileged;
}

/*
 * Map the domain's ring through the backend and fire @introduceDomain.
 * Introducing an already-introduced domain is accepted (Xen rebinds the
 * event channel then; our backends have nothing to rebind).
 */
int domain_introduce(struct xs_store *st, uint32_t domid, uint64_t gfn,
                     uint32_t evtchn)
{
    struct xs_domain *d = domain_find(st, domid);
    if (domid > XS_DOMID_MAX)
        return EINVAL;
    if (d && d->introduced)
        return 0;
    if (!st->ring_backend)
        return EINVAL;
    d = domain_get(st, domid);
    if (!d)
        return ENOMEM;
    struct xs_conn *c = st->ring_backend->map(st, st->ring_backend_ctx, domid,
                                              gfn, evtchn);
    if (!c)
        return errno ? errno : EINVAL;
    d->introduced = true;
    d->ring = c;
    xs_log(LOG_INFO, "domain %u introduced (conn %u)", domid, c->id);
    watch_fire_special(st, 0);
    return 0;
}

/* Drop the domain's connection and its state; fire @releaseDomain. */
int domain_release(struct xs_store *st, uint32_t domid)
{
    struct xs_domain *d = domain_find(st, domid);
    if (!d || !d->introduced)
        return ENOENT;
    if (d->ring)
        conn_kill(d->ring, "domain released");
    d->ring = NULL;
    d->introduced = false;
    d->target = XS_DOMID_NONE;
    if (!st->keep_orphans)
        store_chown_domain(st, domid, st->priv_domid);
    xs_log(LOG_INFO, "domain %u released", domid);
    watch_fire_special(st, 1);
    return 0;
}
