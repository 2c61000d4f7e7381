// SPDX-License-Identifier: MIT
/*
 * grant_table_op setup sub-ops with good and bad arguments (query_size,
 * set_version, get_version: counts other than 1, foreign and nonexistent
 * domains, unmapped arguments) and XENMEM_add_to_physmap of grant-table
 * frames into a hole: the table grows with the index mapped; indices out
 * of range and status frames are refused.
 */
#include "xenops.h"

#define E(x) ((uint64_t)-(XEN_##x))
#define NOT_A_DOMAIN 0x7fe0  /* below DOMID_FIRST_RESERVED, never created */
#define MAX_FRAMES 32        /* Basalt's table size; Xen's default is 64 */

static void *unmapped;

/* Status as a signed number, or the hypercall's error. */
static uint64_t query(domid_t dom, unsigned int count, struct gnttab_query_size *q)
{
    *q = (struct gnttab_query_size){ .dom = dom, .nr_frames = 0xdead,
                                     .max_nr_frames = 0xdead, .status = 99 };
    long rc = hypercall_grant_op(GNTTABOP_query_size, q, count);
    return rc ? (uint64_t)rc : (uint64_t)(int64_t)q->status;
}

static uint64_t get_version(domid_t dom)
{
    struct gnttab_get_version g = { .dom = dom, .version = 0xdead };
    long rc = hypercall_grant_op(GNTTABOP_get_version, &g, 1);
    return rc ? (uint64_t)rc : g.version;
}

static long set_version(uint32_t v, unsigned int count, uint32_t *out)
{
    struct gnttab_set_version s = { .version = v };
    long rc = hypercall_grant_op(GNTTABOP_set_version, &s, count);
    *out = s.version;
    return rc;
}

static void test_versions(void)
{
    uint32_t v;

    check_eq("get-version", get_version(DOMID_SELF), 1);
    check_eq("get-version-dom-nonexistent", get_version(NOT_A_DOMAIN), E(ESRCH));
    check_eq("get-version-dom0", get_version(0),
             rt_is_initial_domain() ? 1 : E(EPERM));
    check_eq("get-version-bad-struct", (uint64_t)hypercall_grant_op(
             GNTTABOP_get_version, unmapped, 1), E(EFAULT));
    check_eq("set-version-1", (uint64_t)set_version(1, 1, &v), 0);
    check_eq("set-version-1-out", v, 1);
    check_eq("set-version-3", (uint64_t)set_version(3, 1, &v), E(EINVAL));
    check_eq("set-version-3-out", v, 1);
    check_eq("set-version-0", (uint64_t)set_version(0, 1, &v), E(EINVAL));
    check_eq("set-version-2", (uint64_t)set_version(2, 1, &v), E(EINVAL));
    check_eq("set-version-2-out", v, 1);
    check_eq("get-version-after-2", get_version(DOMID_SELF), 1);
    check_eq("set-version-back-to-1", (uint64_t)set_version(1, 1, &v), 0);
    check_eq("set-version-count-2", (uint64_t)set_version(1, 2, &v), 0);
    struct gnttab_get_version g = { .dom = DOMID_SELF, .version = 0xdead };
    check_eq("get-version-count-2", (uint64_t)hypercall_grant_op(
             GNTTABOP_get_version, &g, 2), 0);
    check_eq("set-version-bad-struct", (uint64_t)hypercall_grant_op(
             GNTTABOP_set_version, unmapped, 1), E(EFAULT));
}

static void test_query(void)
{
    struct gnttab_query_size q;

    check_eq("query-size", query(DOMID_SELF, 1, &q), 0);
    check_eq("query-size-max", q.max_nr_frames, MAX_FRAMES);
    check_eq("query-size-count-2", query(DOMID_SELF, 2, &q), E(EINVAL));
    check_eq("query-size-count-0", query(DOMID_SELF, 0, &q), E(EINVAL));
    check_eq("query-size-dom-nonexistent", query(NOT_A_DOMAIN, 1, &q),
             (uint64_t)GNTST_bad_domain);
    check_eq("query-size-dom0", query(0, 1, &q), rt_is_initial_domain() ?
             GNTST_okay : (uint64_t)GNTST_permission_denied);
    check_eq("query-size-bad-struct", (uint64_t)hypercall_grant_op(
             GNTTABOP_query_size, unmapped, 1), E(EFAULT));
    check_eq("unknown-cmd-99", (uint64_t)hypercall_grant_op(99, unmapped, 1),
             E(ENOSYS));
}

static void test_physmap(void)
{
    uint64_t gfn = (rt_hole_gpa() >> 12) + 0x2000;
    struct gnttab_query_size q;
    struct xen_add_to_physmap a = { .domid = NOT_A_DOMAIN,
        .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = gfn };

    check_eq("map-frame-0", (uint64_t)rt_add_to_physmap(XENMAPSPACE_grant_table,
             0, gfn), 0);
    volatile grant_entry_v1_t *g = rt_scratch_map(0, gfn << 12, PTE_P | PTE_W);
    g[100].frame = 0x12345;
    check_eq("frame-0-writable", g[100].frame, 0x12345);
    g[100].frame = 0;
    check_eq("query-after-0", query(DOMID_SELF, 1, &q), 0);
    check_eq("nr-frames-after-0", q.nr_frames, 1);
    check_eq("map-frame-1", (uint64_t)rt_add_to_physmap(XENMAPSPACE_grant_table,
             1, gfn + 1), 0);
    check_eq("query-after-1", query(DOMID_SELF, 1, &q), 0);
    check_eq("nr-frames-after-1", q.nr_frames, 2);
    check_eq("map-frame-0-again", (uint64_t)rt_add_to_physmap(
             XENMAPSPACE_grant_table, 0, gfn + 2), 0);
    check_eq("map-frame-max", (uint64_t)rt_add_to_physmap(XENMAPSPACE_grant_table,
             MAX_FRAMES, gfn + 3), E(EINVAL));
    check_eq("map-frame-4096", (uint64_t)rt_add_to_physmap(XENMAPSPACE_grant_table,
             4096, gfn + 3), E(EINVAL));
    check_eq("map-frame-huge", (uint64_t)rt_add_to_physmap(XENMAPSPACE_grant_table,
             0x7fffffff, gfn + 3), E(EINVAL));
    check_eq("map-status-frame", (uint64_t)rt_add_to_physmap(
             XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status, gfn + 3),
             E(EINVAL));
    check_eq("map-frame-dom-nonexistent", (uint64_t)hypercall_memory_op(
             XENMEM_add_to_physmap, &a), E(ESRCH));
    check_eq("map-space-99", (uint64_t)rt_add_to_physmap(99, 0, gfn + 3),
             E(EINVAL));
    check_eq("map-bad-struct", (uint64_t)hypercall_memory_op(
             XENMEM_add_to_physmap, unmapped), E(EFAULT));
}

void test_main(void)
{
    rt_begin(39);
    unmapped = rt_scratch_map(1, 0, 0);
    test_versions();
    test_query();
    test_physmap();
    rt_end();
}
