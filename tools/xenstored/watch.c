// SPDX-License-Identifier: MIT
// Watches: registration (with the initial event), removal, and firing on a
// change to a node, its descendants or (for removals) an ancestor. Events
// go only to connections that may read the node.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static const char *const special_names[2] = { "@introduceDomain",
                                              "@releaseDomain" };

static void watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->abspath);
    free(w->token);
    free(w);
}

static void send_event(struct xs_conn *c, const char *path, const char *token)
{
    conn_send(c, XS_WATCH_EVENT, 0, 0, path, strlen(path) + 1, token,
              strlen(token) + 1);
}

/* The path an event carries: relative watches see paths below their home. */
static const char *event_path(const struct xs_conn *c,
                              const struct xs_watch *w, const char *abs)
{
    if (w->relative) {
        char home[40];
        size_t hl = (size_t)path_domain_home(c->domid, home, sizeof(home));
        if (!strncmp(abs, home, hl) && abs[hl] == '/')
            return abs + hl + 1;
    }
    return abs;
}

/*
 * Register a watch and queue its first event. The caller has sent the OK
 * reply already, so the event follows it on the wire as clients expect.
 */
int watch_add(struct xs_store *st, struct xs_conn *c, const char *path,
              const char *token)
{
    struct xs_watch *w;
    char *abs;
    int err;

    if (path[0] == '@') {
        if (strlen(path) > XENSTORE_REL_PATH_MAX)
            return E2BIG;
        abs = strdup(path);
        if (!abs)
            return ENOMEM;
    } else if (!(abs = path_canonical(st, c, path, &err))) {
        return err;
    }
    for (w = c->watches; w; w = w->next) {
        if (!strcmp(w->abspath, abs) && !strcmp(w->token, token)) {
            free(abs);
            return EEXIST;
        }
    }
    struct xs_domain *d = domain_get(st, c->domid);
    if (!d) {
        free(abs);
        return ENOMEM;
    }
    if (conn_limited(c) && d->watches >= st->limits.watches) {
        free(abs);
        return E2BIG;
    }
    w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(path)) || !(w->token = strdup(token))) {
        if (w)
            free(w->path);
        free(w);
        free(abs);
        return ENOMEM;
    }
    w->abspath = abs;
    w->relative = path[0] != '/' && path[0] != '@';
    /* Appended, so events fire in registration order. */
    struct xs_watch **pp = &c->watches;
    while (*pp)
        pp = &(*pp)->next;
    *pp = w;
    d->watches++;
    return 0;
}

/* The first event of a new watch, after the OK reply. */
void watch_initial_event(struct xs_conn *c, const char *path,
                         const char *token)
{
    send_event(c, path, token);
}

int watch_del(struct xs_store *st, struct xs_conn *c, const char *path,
              const char *token)
{
    char *abs;
    int err;
    if (path[0] == '@') {
        abs = strdup(path);
        if (!abs)
            return ENOMEM;
    } else if (!(abs = path_canonical(st, c, path, &err))) {
        return err;
    }
    for (struct xs_watch **pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;
        if (!strcmp(w->abspath, abs) && !strcmp(w->token, token)) {
            *pp = w->next;
            watch_free(w);
            struct xs_domain *d = domain_find(st, c->domid);
            if (d && d->watches)
                d->watches--;
            free(abs);
            return 0;
        }
    }
    free(abs);
    return ENOENT;
}

void watch_del_all(struct xs_store *st, struct xs_conn *c)
{
    struct xs_domain *d = domain_find(st, c->domid);
    while (c->watches) {
        struct xs_watch *w = c->watches;
        c->watches = w->next;
        watch_free(w);
        if (d && d->watches)
            d->watches--;
    }
}

/*
 * A node changed (recurse: it and everything below was removed). Watches on
 * the node or an ancestor get the node's path; on removal, watches below it
 * get their own path.
 */
void watch_fire(struct xs_store *st, const char *path, bool recurse,
                const struct xs_perm *p, uint32_t np)
{
    for (struct xs_conn *c = st->conns; c; c = c->next) {
        if (c->dead || !c->watches)
            continue;
        if (!(perms_access(st, c, p, np) & XS_PERM_READ))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next) {
            if (w->abspath[0] == '@')
                continue;
            if (path_is_below(path, w->abspath))
                send_event(c, event_path(c, w, path), w->token);
            else if (recurse && path_is_below(w->abspath, path))
                send_event(c, w->path, w->token);
        }
    }
}

/* @introduceDomain (0) or @releaseDomain (1), to whoever may read it. */
void watch_fire_special(struct xs_store *st, int which)
{
    for (struct xs_conn *c = st->conns; c; c = c->next) {
        if (c->dead || !c->watches)
            continue;
        if (!(perms_access(st, c, st->special_perms[which],
                           st->special_nperms[which]) & XS_PERM_READ))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next)
            if (!strcmp(w->abspath, special_names[which]))
                send_event(c, w->path, w->token);
    }
}
