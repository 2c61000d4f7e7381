// SPDX-License-Identifier: MIT
// A chained hash table from absolute path to node. The main store and every
// transaction's private copies use one each. It grows to keep chains at two
// nodes on average (8 bytes of bucket per node at most, 4 at best) and
// shrinks when a large removal leaves it mostly empty, so that memory goes
// back.
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static size_t db_hash(const char *s)
{
    size_t h = 1469598103934665603ull; /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

void db_init(struct xs_db *db)
{
    db->nbuckets = 0;
    db->buckets = NULL;
    db->count = 0;
}

void db_free(struct xs_db *db)
{
    for (size_t i = 0; i < db->nbuckets; i++) {
        struct xs_node *n = db->buckets[i];
        while (n) {
            struct xs_node *next = n->hnext;
            node_free(n);
            n = next;
        }
    }
    free(db->buckets);
    db_init(db);
}

struct xs_node *db_get(const struct xs_db *db, const char *path)
{
    if (!db->nbuckets)
        return NULL;
    for (struct xs_node *n = db->buckets[db_hash(path) & (db->nbuckets - 1)];
         n; n = n->hnext)
        if (!strcmp(n->path, path))
            return n;
    return NULL;
}

/* Rehash into nb buckets; a failed resize only slows us. */
static void db_resize(struct xs_db *db, size_t nb)
{
    struct xs_node **b = calloc(nb, sizeof(*b));
    if (!b)
        return;
    for (size_t i = 0; i < db->nbuckets; i++) {
        struct xs_node *n = db->buckets[i];
        while (n) {
            struct xs_node *next = n->hnext;
            size_t k = db_hash(n->path) & (nb - 1);
            n->hnext = b[k];
            b[k] = n;
            n = next;
        }
    }
    free(db->buckets);
    db->buckets = b;
    db->nbuckets = nb;
}

#define DB_LOAD 2 /* nodes per bucket before growing */
#define DB_MIN_BUCKETS 16

void db_insert(struct xs_db *db, struct xs_node *n)
{
    if (db->count >= db->nbuckets * DB_LOAD)
        db_resize(db, db->nbuckets ? db->nbuckets * 2 : DB_MIN_BUCKETS);
    size_t k = db_hash(n->path) & (db->nbuckets - 1);
    n->hnext = db->buckets[k];
    db->buckets[k] = n;
    db->count++;
}

struct xs_node *db_remove(struct xs_db *db, const char *path)
{
    if (!db->nbuckets)
        return NULL;
    struct xs_node **pp = &db->buckets[db_hash(path) & (db->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->hnext) {
        if (!strcmp((*pp)->path, path)) {
            struct xs_node *n = *pp;
            *pp = n->hnext;
            n->hnext = NULL;
            db->count--;
            return n;
        }
    }
    return NULL;
}

/* n takes old's place (same path): the value or permissions changed. */
void db_replace(struct xs_db *db, struct xs_node *old, struct xs_node *n)
{
    struct xs_node **pp = &db->buckets[db_hash(old->path) & (db->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->hnext) {
        if (*pp == old) {
            n->hnext = old->hnext;
            *pp = n;
            return;
        }
    }
}

/* After removals: halve until the table is at least a quarter full. */
void db_shrink(struct xs_db *db)
{
    size_t nb = db->nbuckets;
    while (nb > DB_MIN_BUCKETS && db->count * DB_LOAD * 4 < nb)
        nb /= 2;
    if (nb != db->nbuckets)
        db_resize(db, nb);
}
