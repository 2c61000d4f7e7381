/* SPDX-License-Identifier: MIT */
/*
 * basalt-xenstored internals: the node store, permissions, domains and
 * quotas, watches, transactions and connections. One header so the small
 * .c files that implement each part (and the unit tests) share the types.
 */
#ifndef XENSTORED_H
#define XENSTORED_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "public/io/xs_wire.h"

#define XS_PERM_NONE  0
#define XS_PERM_READ  1
#define XS_PERM_WRITE 2
#define XS_PERM_BOTH  3

#define XS_DOMID_NONE UINT32_MAX
#define XS_DOMID_MAX  0x7FEFu /* DOMID_FIRST_RESERVED - 1 */

/* Packed: a node stores its entries inline, 5 bytes each. */
struct __attribute__((packed)) xs_perm {
    uint32_t domid;
    uint8_t access; /* XS_PERM_* */
};

/*
 * A node, in the main store or as a transaction's private copy: one
 * allocation holding the header, the path, the permissions and the value
 * (so a store of 100k small nodes costs well under 100 bytes a node).
 * Changing the value or permissions therefore makes a new allocation:
 * node_set_value/node_set_perms replace the node in its hash table and hand
 * back the new pointer. `children` holds the child names, each
 * NUL-terminated, in creation order (the order DIRECTORY returns). In the
 * main store `gen` changes whenever the node or its child list does; in a
 * transaction's copy it is the main node's gen when first seen (0: absent).
 */
struct xs_node {
    struct xs_node *hnext;
    char *children;
    uint64_t gen;
    uint32_t clen;
    uint16_t vlen;     /* values are at most XENSTORE_PAYLOAD_MAX bytes */
    uint16_t nperms;
    uint16_t plen;     /* strlen(path) */
    bool tomb;         /* transaction copies: removed (or seen absent) */
    bool dirty;        /* transaction copies: to be applied at commit */
    char path[];       /* NUL-terminated, then perms, then the value */
};

static inline const struct xs_perm *node_perms(const struct xs_node *n)
{
    return (const struct xs_perm *)(const void *)(n->path + n->plen + 1);
}

static inline struct xs_perm *node_perms_mut(struct xs_node *n)
{
    return (struct xs_perm *)(void *)(n->path + n->plen + 1);
}

static inline const uint8_t *node_value(const struct xs_node *n)
{
    return (const uint8_t *)(node_perms(n) + n->nperms);
}

struct xs_db {
    struct xs_node **buckets;
    size_t nbuckets;
    size_t count;
};

/* Limits; the privileged domain is not subject to any of them. */
struct xs_limits {
    unsigned nodes;        /* -E: nodes owned per domain */
    unsigned value_size;   /* -S: bytes per value */
    unsigned watches;      /* -W: watches per domain */
    unsigned transactions; /* -t: open transactions per domain */
    unsigned perms;        /* -A: permission entries per node */
    unsigned path_max;     /* -M: path length below the domain's home */
    unsigned memory;       /* -Q memory=: bytes of nodes owned per domain */
    unsigned outstanding;  /* -Q outstanding=: unanswered requests per conn */
    unsigned tx_nodes;     /* -Q transaction-nodes=: nodes touched per tx */
    size_t output_max;     /* queued output bytes before a disconnect */
};

void xs_limits_default(struct xs_limits *l);

struct xs_domain {
    uint32_t domid;
    bool introduced;
    uint32_t target;   /* XS_DOMID_NONE or the domain it acts for */
    unsigned nodes;    /* nodes it owns */
    size_t memory;     /* bytes of the nodes it owns */
    unsigned watches;
    unsigned transactions;
    struct xs_conn *ring; /* its ring connection, if introduced */
    struct xs_domain *next;
};

struct xs_conn;
struct xs_tx;
struct xs_store;

/*
 * The transport seam: a Unix socket, a guest's shared ring + event channel,
 * or a test harness. read/write move bytes without blocking and return the
 * count, 0 when nothing can move now, -1 when the peer is gone or broke the
 * protocol. notify runs after a batch of reads/writes (the ring kicks its
 * event channel). close releases the transport's resources.
 */
struct xs_transport_ops {
    const char *name;
    ssize_t (*read)(struct xs_conn *c, void *buf, size_t len);
    ssize_t (*write)(struct xs_conn *c, const void *buf, size_t len);
    void (*notify)(struct xs_conn *c);
    void (*close)(struct xs_conn *c);
    /* The polled fd is readable (a ring's event channel fired); may be NULL. */
    void (*event)(struct xs_store *st, struct xs_conn *c);
    bool poll_out; /* poll the fd for POLLOUT while output is queued */
};

struct xs_outmsg {
    struct xs_outmsg *next;
    size_t len, off;
    bool is_reply;
    uint8_t data[];
};

struct xs_watch {
    struct xs_watch *next;
    char *path;    /* as the client gave it */
    char *abspath; /* absolute form, or the @name itself */
    char *token;
    bool relative;
};

struct xs_conn {
    unsigned id;
    const struct xs_transport_ops *ops;
    void *priv;        /* transport state */
    int fd;            /* polled; -1 if none */
    uint32_t domid;
    bool privileged;
    bool dead;
    bool proto_error;  /* killed for breaking the protocol */
    bool check_input;  /* look for input without waiting for the fd */
    /* Input: header, then payload (one spare byte so it is NUL-terminated). */
    uint8_t hdrbuf[sizeof(struct xsd_sockmsg)];
    size_t hdr_used;
    uint8_t payload[XENSTORE_PAYLOAD_MAX + 1];
    size_t payload_used;
    uint8_t *stash;    /* bytes read but not yet parsed (throttled) */
    size_t stash_len, stash_off;
    /* Output queue. */
    struct xs_outmsg *out_head, *out_tail;
    size_t out_bytes;
    size_t out_limit;  /* queued bytes before a disconnect */
    unsigned out_replies;
    struct xs_watch *watches;
    struct xs_tx *txs;
    struct xs_conn *next;
};

/* A pending watch event of a transaction, fired at commit. */
struct xs_event {
    struct xs_event *next;
    char *path;
    bool recurse;          /* removal: watches below fire too */
    uint32_t nperms;
    struct xs_perm *perms; /* who may see it */
};

struct xs_tx {
    struct xs_tx *next;
    uint32_t id;
    struct xs_db db;          /* copies of every node it touched */
    struct xs_event *events, *events_tail;
    long node_delta;          /* change to the owner's node count */
    long mem_delta;
    uint32_t owner;           /* domain charged for the deltas */
};

/* The daemon's whole state. */
struct xs_ring_backend;
struct xs_store {
    struct xs_db db;
    uint64_t gen_counter;
    struct xs_limits limits;
    struct xs_domain *domains;
    struct xs_conn *conns;
    unsigned next_conn_id;
    uint32_t next_tx_id;
    uint32_t priv_domid;
    /* Permissions of @introduceDomain [0] and @releaseDomain [1]. */
    struct xs_perm *special_perms[2];
    uint32_t special_nperms[2];
    bool dirty;               /* changed since the last state write */
    bool keep_orphans;        /* -K: released domains keep their nodes */
    const struct xs_ring_backend *ring_backend;
    void *ring_backend_ctx;
    /* Polled beside the connections when >= 0 (Xen's VIRQ_DOM_EXC). */
    int aux_fd;
    void (*aux_event)(struct xs_store *st);
};

/* Guests' rings: how INTRODUCE maps a domain's page and event channel. */
struct xs_ring_backend {
    /* Returns a connection for domid, or NULL with errno set. */
    struct xs_conn *(*map)(struct xs_store *st, void *ctx, uint32_t domid,
                           uint64_t gfn, uint32_t evtchn);
};

/* ---- db.c: path -> node hash ------------------------------------------- */
void db_init(struct xs_db *db);
void db_free(struct xs_db *db);
struct xs_node *db_get(const struct xs_db *db, const char *path);
void db_insert(struct xs_db *db, struct xs_node *n); /* path must be absent */
struct xs_node *db_remove(struct xs_db *db, const char *path);
void db_replace(struct xs_db *db, struct xs_node *old, struct xs_node *n);
void db_shrink(struct xs_db *db);

/* ---- node.c: node values ------------------------------------------------ */
struct xs_node *node_new(const char *path);
struct xs_node *node_alloc(const char *path, const struct xs_perm *p,
                           uint32_t np, const void *v, uint32_t vlen);
struct xs_node *node_clone(const struct xs_node *n);
void node_free(struct xs_node *n);
/* *n moves (and is replaced in db, if given); on ENOMEM nothing changes. */
int node_set_value(struct xs_db *db, struct xs_node **n, const void *v,
                   uint32_t len);
int node_set_perms(struct xs_db *db, struct xs_node **n,
                   const struct xs_perm *p, uint32_t np);
int node_add_child(struct xs_node *n, const char *name);
void node_del_child(struct xs_node *n, const char *name);
size_t node_size(const struct xs_node *n);

/* ---- path.c -------------------------------------------------------------- */
bool path_valid(const char *abspath);
const char *path_basename(const char *path);
char *path_parent(const char *path);            /* malloc'd; NULL for "/" */
bool path_is_below(const char *child, const char *parent); /* or equal */
/* Canonical absolute path for a request path; errno EINVAL on a bad one. */
char *path_canonical(const struct xs_store *st, const struct xs_conn *c,
                     const char *path, int *err);
int path_domain_home(uint32_t domid, char *buf, size_t len);

/* ---- perms.c ------------------------------------------------------------- */
int perms_parse(const char *buf, size_t len, struct xs_perm **out, uint32_t *n);
size_t perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t len);
unsigned perms_access(const struct xs_store *st, const struct xs_conn *c,
                      const struct xs_perm *p, uint32_t n);
bool perms_is_owner(const struct xs_store *st, const struct xs_conn *c,
                    const struct xs_perm *p, uint32_t n);

/* ---- domain.c ------------------------------------------------------------ */
struct xs_domain *domain_get(struct xs_store *st, uint32_t domid);
struct xs_domain *domain_find(const struct xs_store *st, uint32_t domid);
void domain_account(struct xs_store *st, uint32_t old_owner, size_t old_bytes,
                    uint32_t new_owner, size_t new_bytes);
bool conn_limited(const struct xs_conn *c);
int domain_introduce(struct xs_store *st, uint32_t domid, uint64_t gfn,
                     uint32_t evtchn);
int domain_release(struct xs_store *st, uint32_t domid);

/* ---- store.c: the operations, on the main db or inside a transaction ---- */
struct xs_node *store_lookup(struct xs_store *st, struct xs_tx *tx,
                             const char *path, int *err);
int store_check_read(struct xs_store *st, struct xs_tx *tx,
                     const struct xs_conn *c, const char *path,
                     struct xs_node **out);
int store_write(struct xs_store *st, struct xs_tx *tx, struct xs_conn *c,
                const char *path, const void *v, uint32_t len, bool mkdir);
int store_rm(struct xs_store *st, struct xs_tx *tx, struct xs_conn *c,
             const char *path);
int store_set_perms(struct xs_store *st, struct xs_tx *tx, struct xs_conn *c,
                    const char *path, const struct xs_perm *p, uint32_t np);
void store_init(struct xs_store *st, const struct xs_limits *l);
void store_fini(struct xs_store *st);
/* Insert a node loaded from a state file (parents first). */
int store_load_node(struct xs_store *st, struct xs_node *n);
void store_chown_domain(struct xs_store *st, uint32_t from, uint32_t to);

/* ---- watch.c ------------------------------------------------------------- */
int watch_add(struct xs_store *st, struct xs_conn *c, const char *path,
              const char *token);
int watch_del(struct xs_store *st, struct xs_conn *c, const char *path,
              const char *token);
void watch_initial_event(struct xs_conn *c, const char *path,
                         const char *token);
void watch_del_all(struct xs_store *st, struct xs_conn *c);
void watch_fire(struct xs_store *st, const char *path, bool recurse,
                const struct xs_perm *p, uint32_t np);
void watch_fire_special(struct xs_store *st, int which); /* 0 intro, 1 release */

/* ---- transaction.c ------------------------------------------------------- */
int tx_start(struct xs_store *st, struct xs_conn *c, uint32_t *id);
struct xs_tx *tx_find(struct xs_conn *c, uint32_t id);
int tx_end(struct xs_store *st, struct xs_conn *c, struct xs_tx *tx,
           bool commit);
void tx_abort_all(struct xs_store *st, struct xs_conn *c);
void tx_note_event(struct xs_tx *tx, const char *path, bool recurse,
                   const struct xs_perm *p, uint32_t np);
struct xs_node *tx_touch(struct xs_store *st, struct xs_tx *tx,
                         const char *path, int *err);

/* ---- conn.c -------------------------------------------------------------- */
struct xs_conn *conn_new(struct xs_store *st, const struct xs_transport_ops *ops,
                         void *priv, int fd, uint32_t domid, bool privileged);
void conn_feed(struct xs_store *st, struct xs_conn *c, const void *buf,
               size_t len, size_t *used);
void conn_handle_input(struct xs_store *st, struct xs_conn *c);
void conn_flush(struct xs_conn *c);
void conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id,
               uint32_t tx_id, const void *a, size_t alen, const void *b,
               size_t blen);
void conn_kill(struct xs_conn *c, const char *why);
void conn_destroy(struct xs_store *st, struct xs_conn *c);
void conn_reap(struct xs_store *st);
void conn_reset(struct xs_store *st, struct xs_conn *c);
bool conn_wants_input(const struct xs_store *st, const struct xs_conn *c);

/* ---- transport_socket.c / transport_ring.c / ring_test.c ---------------- */
int socket_listen(const char *path);
struct xs_conn *socket_accept(struct xs_store *st, int lfd);
struct xs_conn *ring_conn_new(struct xs_store *st, uint32_t domid,
                              struct xenstore_domain_interface *intf,
                              int notify_fd,
                              void (*unmap)(struct xenstore_domain_interface *));
/*
 * How a ring's event channel is driven: kick tells the guest, ack consumes
 * a notification once the fd polled readable (and re-arms it; -1: the
 * channel is gone), release closes the fd and frees ctx.
 */
struct xs_ring_event_ops {
    void (*kick)(int fd, void *ctx);
    int (*ack)(int fd, void *ctx);
    void (*release)(int fd, void *ctx);
};
struct xs_conn *ring_conn_new_ev(struct xs_store *st, uint32_t domid,
                                 struct xenstore_domain_interface *intf,
                                 int fd, const struct xs_ring_event_ops *ev,
                                 void *ev_ctx,
                                 void (*unmap)(struct xenstore_domain_interface *));
int ring_test_listen(struct xs_store *st, const char *path);
/* transport_xen.c: Xen's own rings (dom0's kernel, introduced guests). */
int xen_backend_init(struct xs_store *st);
void ring_test_accept(struct xs_store *st, int lfd);

/* ---- request.c ----------------------------------------------------------- */
void request_handle(struct xs_store *st, struct xs_conn *c,
                    const struct xsd_sockmsg *h, const char *payload);
const char *xs_error_name(int err);
const char *xs_type_name(uint32_t type);

/* ---- state.c: persistence ----------------------------------------------- */
int state_save(const struct xs_store *st, const char *file);
int state_load(struct xs_store *st, const char *file);

/* ---- log.c --------------------------------------------------------------- */
enum { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };
extern int xs_log_level;
void xs_log_open(const char *file);
void xs_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* XENSTORED_H */
