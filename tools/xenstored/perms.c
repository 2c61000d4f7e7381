// SPDX-License-Identifier: MIT
// Permission lists: the wire form ("r5\0w7\0"...: first the owner with the
// default access, then per-domain entries) and the access decision.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static int perm_letter(char ch)
{
    switch (ch) {
    case 'n': return XS_PERM_NONE;
    case 'r': return XS_PERM_READ;
    case 'w': return XS_PERM_WRITE;
    case 'b': return XS_PERM_BOTH;
    default: return -1;
    }
}

/*
 * Parse `len` bytes of NUL-separated entries (the last NUL may be missing).
 * Returns 0 with a malloc'd array, EINVAL on any bad entry or none at all.
 */
int perms_parse(const char *buf, size_t len, struct xs_perm **out, uint32_t *n)
{
    uint32_t cnt = 0;
    struct xs_perm *p;
    size_t off;

    for (off = 0; off < len;) {
        const char *e = memchr(buf + off, '\0', len - off);
        size_t el = e ? (size_t)(e - (buf + off)) : len - off;
        cnt++;
        off += el + 1;
    }
    if (!cnt || cnt > XENSTORE_PAYLOAD_MAX)
        return EINVAL;
    p = calloc(cnt, sizeof(*p));
    if (!p)
        return ENOMEM;
    uint32_t i = 0;
    for (off = 0; off < len; i++) {
        const char *s = buf + off;
        const char *e = memchr(s, '\0', len - off);
        size_t el = e ? (size_t)(e - s) : len - off;
        char num[12];
        char *end;
        int a = el ? perm_letter(s[0]) : -1;
        if (a < 0 || el < 2 || el - 1 >= sizeof(num))
            goto bad;
        memcpy(num, s + 1, el - 1);
        num[el - 1] = '\0';
        if (num[0] < '0' || num[0] > '9')
            goto bad;
        unsigned long v = strtoul(num, &end, 10);
        if (*end || v > UINT16_MAX)
            goto bad;
        p[i].domid = (uint32_t)v;
        p[i].access = (uint8_t)a;
        off += el + 1;
    }
    *out = p;
    *n = cnt;
    return 0;
bad:
    free(p);
    return EINVAL;
}

/* Wire form into buf; returns the length needed (like snprintf). */
size_t perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t len)
{
    static const char letters[] = "nrwb";
    size_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        char e[16];
        int l = snprintf(e, sizeof(e), "%c%u", letters[p[i].access & 3],
                         p[i].domid);
        if (off + (size_t)l + 1 <= len)
            memcpy(buf + off, e, (size_t)l + 1);
        off += (size_t)l + 1;
    }
    return off;
}

static uint32_t conn_target(const struct xs_store *st, const struct xs_conn *c)
{
    const struct xs_domain *d = domain_find(st, c->domid);
    return d ? d->target : XS_DOMID_NONE;
}

/* Whether c owns a node with these permissions (or acts for its owner). */
bool perms_is_owner(const struct xs_store *st, const struct xs_conn *c,
                    const struct xs_perm *p, uint32_t n)
{
    if (c->privileged)
        return true;
    return n && (p[0].domid == c->domid || p[0].domid == conn_target(st, c));
}

/*
 * What connection c may do with a node of these permissions: everything if
 * privileged or the owner (or acting for the owner via SET_TARGET), else its
 * own entry, else the default in entry 0.
 */
unsigned perms_access(const struct xs_store *st, const struct xs_conn *c,
                      const struct xs_perm *p, uint32_t n)
{
    if (c->privileged)
        return XS_PERM_BOTH;
    if (!n)
        return XS_PERM_NONE;
    uint32_t target = conn_target(st, c);
    if (p[0].domid == c->domid || p[0].domid == target)
        return XS_PERM_BOTH;
    unsigned acc = p[0].access;
    for (uint32_t i = 1; i < n; i++)
        if (p[i].domid == c->domid || p[i].domid == target)
            acc = p[i].access;
    return acc;
}
