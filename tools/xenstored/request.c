// SPDX-License-Identifier: MIT
// One handler per request type, from a table: argument checking, the
// operation, and the reply (or Xen's error name). Handlers return 0 after
// queueing their reply, or an errno that becomes an XS_ERROR reply.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct req {
    const struct xsd_sockmsg *h;
    const char *data; /* NUL-terminated one byte past h->len */
    uint32_t len;
    struct xs_tx *tx;
};

static void reply(struct xs_conn *c, const struct req *r, const void *p,
                  size_t len)
{
    conn_send(c, r->h->type, r->h->req_id, r->h->tx_id, p, len, NULL, 0);
}

static int reply_ok(struct xs_conn *c, const struct req *r)
{
    reply(c, r, "OK", 3);
    return 0;
}

static int reply_str(struct xs_conn *c, const struct req *r, const char *s)
{
    reply(c, r, s, strlen(s) + 1);
    return 0;
}

const char *xs_error_name(int err)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return "EIO";
}

/*
 * Split the payload into NUL-terminated strings; a payload that does not
 * end in NUL has a malformed last argument and gives -1.
 */
static int split_args(const struct req *r, const char **argv, int max)
{
    int n = 0;
    if (!r->len || r->data[r->len - 1] != '\0')
        return -1;
    for (uint32_t off = 0; off < r->len && n < max; n++) {
        argv[n] = r->data + off;
        off += (uint32_t)strlen(r->data + off) + 1;
    }
    return n;
}

static int one_arg(const struct req *r, const char **a)
{
    const char *argv[2];
    if (split_args(r, argv, 2) != 1)
        return EINVAL;
    *a = argv[0];
    return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return EINVAL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno || v > max)
        return EINVAL;
    *out = v;
    return 0;
}

static int domid_arg(const struct req *r, uint32_t *domid)
{
    const char *a;
    unsigned long v;
    if (one_arg(r, &a) || parse_uint(a, XS_DOMID_MAX, &v))
        return EINVAL;
    *domid = (uint32_t)v;
    return 0;
}

/* The canonical path of the single argument. Caller frees *abs. */
static int path_arg(struct xs_store *st, struct xs_conn *c, const char *arg,
                    char **abs)
{
    int err;
    *abs = path_canonical(st, c, arg, &err);
    return *abs ? 0 : err;
}

static int special_index(const char *p)
{
    if (!strcmp(p, "@introduceDomain"))
        return 0;
    if (!strcmp(p, "@releaseDomain"))
        return 1;
    return -1;
}

/* ---- handlers -------------------------------------------------------------- */

static int do_read(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *a;
    char *p;
    struct xs_node *n;
    int err = one_arg(r, &a);
    if (err || (err = path_arg(st, c, a, &p)))
        return err;
    err = store_check_read(st, r->tx, c, p, &n);
    free(p);
    if (err)
        return err;
    reply(c, r, node_value(n), n->vlen);
    return 0;
}

static int do_write(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *nul = memchr(r->data, '\0', r->len);
    char *p;
    if (!nul)
        return EINVAL;
    int err = path_arg(st, c, r->data, &p);
    if (err)
        return err;
    const char *v = nul + 1;
    err = store_write(st, r->tx, c, p, v,
                      (uint32_t)(r->data + r->len - v), false);
    free(p);
    return err ? err : reply_ok(c, r);
}

static int do_mkdir(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *a;
    char *p;
    int err = one_arg(r, &a);
    if (err || (err = path_arg(st, c, a, &p)))
        return err;
    err = store_write(st, r->tx, c, p, NULL, 0, true);
    free(p);
    return err ? err : reply_ok(c, r);
}

static int do_rm(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *a;
    char *p;
    int err = one_arg(r, &a);
    if (err || (err = path_arg(st, c, a, &p)))
        return err;
    err = store_rm(st, r->tx, c, p);
    free(p);
    return err ? err : reply_ok(c, r);
}

static int do_directory(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *a;
    char *p;
    struct xs_node *n;
    int err = one_arg(r, &a);
    if (err || (err = path_arg(st, c, a, &p)))
        return err;
    err = store_check_read(st, r->tx, c, p, &n);
    free(p);
    if (err)
        return err;
    if (n->clen > XENSTORE_PAYLOAD_MAX)
        return E2BIG; /* the client goes on with DIRECTORY_PART */
    reply(c, r, n->children, n->clen);
    return 0;
}

/*
 * A slice of the child list from byte `offset`: "<generation>\0" then whole
 * names; a final extra NUL marks the end of the list. Clients restart when
 * the generation changes between slices.
 */
static int do_directory_part(struct xs_store *st, struct xs_conn *c,
                             struct req *r)
{
    const char *argv[3];
    char *p;
    struct xs_node *n;
    unsigned long off;
    if (split_args(r, argv, 3) != 2 || parse_uint(argv[1], UINT32_MAX, &off))
        return EINVAL;
    int err = path_arg(st, c, argv[0], &p);
    if (err)
        return err;
    err = store_check_read(st, r->tx, c, p, &n);
    free(p);
    if (err)
        return err;
    char *out = malloc(XENSTORE_PAYLOAD_MAX);
    if (!out)
        return ENOMEM;
    size_t len = (size_t)snprintf(out, 32, "%llu",
                                  (unsigned long long)n->gen) + 1;
    size_t start = off < n->clen ? off : n->clen;
    size_t end = start;
    while (end < n->clen) {
        size_t l = strlen(n->children + end) + 1;
        if (len + (end - start) + l + 1 > XENSTORE_PAYLOAD_MAX)
            break;
        end += l;
    }
    if (end == start && end < n->clen) {
        free(out);
        return E2BIG;
    }
    memcpy(out + len, n->children + start, end - start);
    len += end - start;
    if (end == n->clen)
        out[len++] = '\0';
    reply(c, r, out, len);
    free(out);
    return 0;
}

static int do_get_perms(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *a;
    const struct xs_perm *perms;
    uint32_t np;
    int err = one_arg(r, &a);
    if (err)
        return err;
    int sp = special_index(a);
    if (sp >= 0) {
        perms = st->special_perms[sp];
        np = st->special_nperms[sp];
    } else {
        char *p;
        struct xs_node *n;
        if ((err = path_arg(st, c, a, &p)))
            return err;
        err = store_check_read(st, r->tx, c, p, &n);
        free(p);
        if (err)
            return err;
        perms = node_perms(n);
        np = n->nperms;
    }
    size_t need = perms_format(perms, np, NULL, 0);
    if (need > XENSTORE_PAYLOAD_MAX)
        return E2BIG;
    char *buf = malloc(need ? need : 1);
    if (!buf)
        return ENOMEM;
    perms_format(perms, np, buf, need);
    reply(c, r, buf, need);
    free(buf);
    return 0;
}

static int set_special_perms(struct xs_store *st, struct xs_conn *c, int sp,
                             struct xs_perm *perms, uint32_t np)
{
    if (!(perms_access(st, c, st->special_perms[sp], st->special_nperms[sp]) &
          XS_PERM_WRITE) ||
        !perms_is_owner(st, c, st->special_perms[sp], st->special_nperms[sp]))
        return EACCES;
    if (conn_limited(c) && np > st->limits.perms)
        return ENOSPC;
    free(st->special_perms[sp]);
    st->special_perms[sp] = perms;
    st->special_nperms[sp] = np;
    st->dirty = true;
    return 0;
}

static int do_set_perms(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *nul = memchr(r->data, '\0', r->len);
    struct xs_perm *perms;
    uint32_t np;
    if (!nul)
        return EINVAL;
    const char *list = nul + 1;
    int err = perms_parse(list, (size_t)(r->data + r->len - list), &perms, &np);
    if (err)
        return err;
    int sp = special_index(r->data);
    if (sp >= 0) {
        err = set_special_perms(st, c, sp, perms, np);
        if (err)
            free(perms);
        return err ? err : reply_ok(c, r);
    }
    char *p;
    if (!(err = path_arg(st, c, r->data, &p))) {
        err = store_set_perms(st, r->tx, c, p, perms, np);
        free(p);
    }
    free(perms);
    return err ? err : reply_ok(c, r);
}

static int do_watch(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *argv[3];
    if (split_args(r, argv, 3) != 2)
        return EINVAL;
    int err = watch_add(st, c, argv[0], argv[1]);
    if (err)
        return err;
    reply_ok(c, r);
    watch_initial_event(c, argv[0], argv[1]);
    return 0;
}

static int do_unwatch(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *argv[3];
    if (split_args(r, argv, 3) != 2)
        return EINVAL;
    int err = watch_del(st, c, argv[0], argv[1]);
    return err ? err : reply_ok(c, r);
}

static int do_tx_start(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    uint32_t id;
    char buf[16];
    if (r->h->tx_id)
        return EBUSY; /* no nested transactions */
    int err = tx_start(st, c, &id);
    if (err)
        return err;
    snprintf(buf, sizeof(buf), "%u", id);
    return reply_str(c, r, buf);
}

static int do_tx_end(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *a;
    if (!r->tx)
        return ENOENT;
    if (one_arg(r, &a) || (strcmp(a, "T") && strcmp(a, "F")))
        return EINVAL;
    int err = tx_end(st, c, r->tx, a[0] == 'T');
    r->tx = NULL;
    return err ? err : reply_ok(c, r);
}

static int do_introduce(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *argv[5];
    unsigned long domid, gfn, port;
    int n = split_args(r, argv, 5);
    if (n < 3 || parse_uint(argv[0], XS_DOMID_MAX, &domid) ||
        parse_uint(argv[1], UINT64_MAX, &gfn) ||
        parse_uint(argv[2], UINT32_MAX, &port))
        return EINVAL;
    int err = domain_introduce(st, (uint32_t)domid, gfn, (uint32_t)port);
    return err ? err : reply_ok(c, r);
}

static int do_release(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    uint32_t domid;
    int err = domid_arg(r, &domid);
    if (!err)
        err = domain_release(st, domid);
    return err ? err : reply_ok(c, r);
}

static int do_get_domain_path(struct xs_store *st, struct xs_conn *c,
                              struct req *r)
{
    uint32_t domid;
    char buf[40];
    int err = domid_arg(r, &domid);
    if (err)
        return err;
    path_domain_home(domid, buf, sizeof(buf));
    return reply_str(c, r, buf);
}

static int do_is_introduced(struct xs_store *st, struct xs_conn *c,
                            struct req *r)
{
    uint32_t domid;
    int err = domid_arg(r, &domid);
    if (err)
        return err;
    const struct xs_domain *d = domain_find(st, domid);
    bool yes = domid == st->priv_domid || (d && d->introduced);
    return reply_str(c, r, yes ? "T" : "F");
}

static int do_resume(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    uint32_t domid;
    int err = domid_arg(r, &domid);
    if (err)
        return err;
    const struct xs_domain *d = domain_find(st, domid);
    if (!d || !d->introduced)
        return ENOENT;
    return reply_ok(c, r);
}

static int do_set_target(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *argv[3];
    unsigned long domid, target;
    if (split_args(r, argv, 3) != 2 ||
        parse_uint(argv[0], XS_DOMID_MAX, &domid) ||
        parse_uint(argv[1], XS_DOMID_MAX, &target))
        return EINVAL;
    struct xs_domain *d = domain_find(st, (uint32_t)domid);
    if (!d || !d->introduced)
        return ENOENT;
    d->target = (uint32_t)target;
    return reply_ok(c, r);
}

static int do_reset_watches(struct xs_store *st, struct xs_conn *c,
                            struct req *r)
{
    watch_del_all(st, c);
    tx_abort_all(st, c);
    r->tx = NULL;
    return reply_ok(c, r);
}

static int do_control(struct xs_store *st, struct xs_conn *c, struct req *r)
{
    const char *argv[4];
    int n = split_args(r, argv, 4);
    char buf[512];
    if (n < 1)
        return EINVAL;
    if (!strcmp(argv[0], "check"))
        return reply_ok(c, r);
    if (!strcmp(argv[0], "print") && n == 2) {
        xs_log(LOG_INFO, "control print: %s", argv[1]);
        return reply_ok(c, r);
    }
    if (!strcmp(argv[0], "log") && n == 2) {
        if (!strcmp(argv[1], "on"))
            xs_log_level = LOG_TRACE;
        else if (!strcmp(argv[1], "off"))
            xs_log_level = LOG_WARN;
        else
            return EINVAL;
        return reply_ok(c, r);
    }
    if (!strcmp(argv[0], "quota")) {
        const struct xs_limits *l = &st->limits;
        snprintf(buf, sizeof(buf),
                 "nodes %u\nentry-size %u\nwatches %u\ntransactions %u\n"
                 "permissions %u\npath-max %u\nmemory %u\noutstanding %u\n"
                 "transaction-nodes %u\n",
                 l->nodes, l->value_size, l->watches, l->transactions,
                 l->perms, l->path_max, l->memory, l->outstanding,
                 l->tx_nodes);
        return reply_str(c, r, buf);
    }
    if (!strcmp(argv[0], "help"))
        return reply_str(c, r, "check\nhelp\nlog on|off\nprint <text>\n"
                               "quota\n");
    return EINVAL;
}

/* ---- dispatch ---------------------------------------------------------------- */

enum { F_PRIV = 1, F_TX = 2 };

struct handler {
    const char *name;
    int (*fn)(struct xs_store *st, struct xs_conn *c, struct req *r);
    unsigned flags;
};

static const struct handler handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = { "CONTROL", do_control, F_PRIV },
    [XS_DIRECTORY] = { "DIRECTORY", do_directory, F_TX },
    [XS_READ] = { "READ", do_read, F_TX },
    [XS_GET_PERMS] = { "GET_PERMS", do_get_perms, F_TX },
    [XS_WATCH] = { "WATCH", do_watch, 0 },
    [XS_UNWATCH] = { "UNWATCH", do_unwatch, 0 },
    [XS_TRANSACTION_START] = { "TRANSACTION_START", do_tx_start, 0 },
    [XS_TRANSACTION_END] = { "TRANSACTION_END", do_tx_end, F_TX },
    [XS_INTRODUCE] = { "INTRODUCE", do_introduce, F_PRIV },
    [XS_RELEASE] = { "RELEASE", do_release, F_PRIV },
    [XS_GET_DOMAIN_PATH] = { "GET_DOMAIN_PATH", do_get_domain_path, 0 },
    [XS_WRITE] = { "WRITE", do_write, F_TX },
    [XS_MKDIR] = { "MKDIR", do_mkdir, F_TX },
    [XS_RM] = { "RM", do_rm, F_TX },
    [XS_SET_PERMS] = { "SET_PERMS", do_set_perms, F_TX },
    [XS_IS_DOMAIN_INTRODUCED] = { "IS_DOMAIN_INTRODUCED", do_is_introduced, 0 },
    [XS_RESUME] = { "RESUME", do_resume, F_PRIV },
    [XS_SET_TARGET] = { "SET_TARGET", do_set_target, F_PRIV },
    [XS_RESET_WATCHES] = { "RESET_WATCHES", do_reset_watches, 0 },
    [XS_DIRECTORY_PART] = { "DIRECTORY_PART", do_directory_part, F_TX },
};

const char *xs_type_name(uint32_t type)
{
    if (type < XS_TYPE_COUNT && handlers[type].name)
        return handlers[type].name;
    return "?";
}

/*
 * Handle one complete request. Anything a client can send ends in exactly
 * one reply (an error for unknown types, bad arguments or a stale
 * transaction id); only oversized messages close the connection, earlier.
 */
void request_handle(struct xs_store *st, struct xs_conn *c,
                    const struct xsd_sockmsg *h, const char *payload)
{
    struct req r = { h, payload, h->len, NULL };
    const struct handler *hd = h->type < XS_TYPE_COUNT ? &handlers[h->type]
                                                       : NULL;
    int err;

    xs_log(LOG_TRACE, "conn %u IN %s req %u tx %u len %u", c->id,
           xs_type_name(h->type), h->req_id, h->tx_id, h->len);
    if (!hd || !hd->fn) {
        err = ENOSYS;
    } else if ((hd->flags & F_PRIV) && !c->privileged) {
        err = EACCES;
    } else if ((hd->flags & F_TX) && h->tx_id &&
               !(r.tx = tx_find(c, h->tx_id))) {
        err = ENOENT;
    } else {
        err = hd->fn(st, c, &r);
    }
    if (err) {
        const char *name = xs_error_name(err);
        conn_send(c, XS_ERROR, h->req_id, h->tx_id, name, strlen(name) + 1,
                  NULL, 0);
        xs_log(LOG_TRACE, "conn %u OUT error %s", c->id, name);
    }
}
