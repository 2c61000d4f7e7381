// SPDX-License-Identifier: MIT
// The state file: every node with its permissions and value, parents before
// children, plus the special nodes' permissions. Written to a temporary
// file, fsync'd and renamed over the old one, so a crash leaves either the
// old or the new state, never a mix.
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstored.h"

#define STATE_MAGIC "BASALT-XS-STATE 1\n"

struct wr {
    FILE *f;
    bool bad;
};

static void put32(struct wr *w, uint32_t v)
{
    if (fwrite(&v, 4, 1, w->f) != 1)
        w->bad = true;
}

static void putbytes(struct wr *w, const void *p, size_t len)
{
    if (len && fwrite(p, len, 1, w->f) != 1)
        w->bad = true;
}

/* Record: path, perms, value. Children lists are rebuilt in file order. */
static void put_record(struct wr *w, const char *path, const struct xs_perm *p,
                       uint32_t np, const void *v, uint32_t vlen)
{
    uint32_t pl = (uint32_t)strlen(path);
    put32(w, pl);
    putbytes(w, path, pl);
    put32(w, np);
    for (uint32_t i = 0; i < np; i++) {
        put32(w, p[i].domid);
        put32(w, p[i].access);
    }
    put32(w, vlen);
    putbytes(w, v, vlen);
}

static void put_tree(struct wr *w, const struct xs_store *st,
                     const struct xs_node *n)
{
    put_record(w, n->path, node_perms(n), n->nperms, node_value(n), n->vlen);
    size_t pl = strlen(n->path);
    for (size_t off = 0; off < n->clen && !w->bad;) {
        const char *name = n->children + off;
        size_t cl = strlen(name);
        char *cp = malloc(pl + cl + 2);
        if (!cp) {
            w->bad = true;
            return;
        }
        sprintf(cp, "%s/%s", pl > 1 ? n->path : "", name);
        const struct xs_node *ch = db_get(&st->db, cp);
        free(cp);
        if (ch)
            put_tree(w, st, ch);
        off += cl + 1;
    }
}

int state_save(const struct xs_store *st, const char *file)
{
    size_t fl = strlen(file);
    char *tmp = malloc(fl + 8);
    if (!tmp)
        return ENOMEM;
    snprintf(tmp, fl + 8, "%s.tmp", file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        free(tmp);
        return errno;
    }
    struct wr w = { fdopen(fd, "wb"), false };
    if (!w.f) {
        close(fd);
        free(tmp);
        return EIO;
    }
    putbytes(&w, STATE_MAGIC, strlen(STATE_MAGIC));
    for (int i = 0; i < 2; i++)
        put_record(&w, i ? "@releaseDomain" : "@introduceDomain",
                   st->special_perms[i], st->special_nperms[i], NULL, 0);
    put_tree(&w, st, db_get(&st->db, "/"));
    if (fflush(w.f) || fsync(fileno(w.f)))
        w.bad = true;
    if (fclose(w.f))
        w.bad = true;
    int err = 0;
    if (w.bad || rename(tmp, file)) {
        err = EIO;
        unlink(tmp);
    } else {
        /* Make the rename itself durable. */
        char *d = strdup(file);
        int dfd = d ? open(dirname(d), O_RDONLY | O_DIRECTORY) : -1;
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(d);
    }
    free(tmp);
    return err;
}

static bool get32(FILE *f, uint32_t *v)
{
    return fread(v, 4, 1, f) == 1;
}

static bool getbytes(FILE *f, void *p, size_t len)
{
    return !len || fread(p, len, 1, f) == 1;
}

/* Load a state file into an empty store; ENOENT if there is none. */
int state_load(struct xs_store *st, const char *file)
{
    FILE *f = fopen(file, "rb");
    char magic[sizeof(STATE_MAGIC)];
    int err = EINVAL;
    if (!f)
        return errno;
    if (!getbytes(f, magic, strlen(STATE_MAGIC)) ||
        memcmp(magic, STATE_MAGIC, strlen(STATE_MAGIC)))
        goto out;
    for (;;) {
        uint32_t pl, np, vl;
        if (!get32(f, &pl)) {
            err = feof(f) ? 0 : EIO;
            break;
        }
        if (pl == 0 || pl > XENSTORE_ABS_PATH_MAX)
            break;
        char path[XENSTORE_ABS_PATH_MAX + 1];
        if (!getbytes(f, path, pl) || !get32(f, &np) || !np ||
            np > XENSTORE_PAYLOAD_MAX)
            break;
        path[pl] = '\0';
        struct xs_perm *p = calloc(np, sizeof(*p));
        if (!p) {
            err = ENOMEM;
            break;
        }
        bool ok = true;
        for (uint32_t i = 0; i < np && ok; i++) {
            uint32_t d = 0, a = 0;
            ok = get32(f, &d) && get32(f, &a) && a <= XS_PERM_BOTH;
            p[i].domid = d;
            p[i].access = (uint8_t)a;
        }
        uint8_t *v = NULL;
        if (ok && (ok = get32(f, &vl) && vl <= XENSTORE_PAYLOAD_MAX)) {
            v = malloc(vl ? vl : 1);
            ok = v && getbytes(f, v, vl);
        }
        int sp = !strcmp(path, "@introduceDomain") ? 0
                 : !strcmp(path, "@releaseDomain") ? 1 : -1;
        if (ok && sp >= 0) {
            free(st->special_perms[sp]);
            st->special_perms[sp] = p;
            st->special_nperms[sp] = np;
            free(v);
            continue;
        }
        struct xs_node *n = ok ? node_alloc(path, p, np, v, vl) : NULL;
        if (!n) {
            ok = false;
        } else {
            int e = store_load_node(st, n);
            if (!e) {
                char *pp = path_parent(n->path);
                if (pp) {
                    struct xs_node *parent = db_get(&st->db, pp);
                    if (node_add_child(parent, path_basename(n->path)))
                        e = ENOMEM;
                    free(pp);
                }
            } else {
                node_free(n);
            }
            if (e)
                ok = false;
        }
        free(p);
        free(v);
        if (!ok)
            break;
    }
out:
    fclose(f);
    st->dirty = false;
    return err;
}
