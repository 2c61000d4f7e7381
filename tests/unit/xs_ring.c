// SPDX-License-Identifier: MIT
// Unit tests of basalt-xenstored's guest ring transport (over a memfd page
// and a socketpair standing in for the event channel), introduce/release,
// and the state file.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include "testing.h"

static struct xs_store st;
static struct xs_conn *dom0;
static struct xenstore_domain_interface *page; /* the guest's view */
static int guest_fd = -1, daemon_fd = -1, page_fd = -1;

static void unmap_page(struct xenstore_domain_interface *intf)
{
    munmap(intf, 4096);
}

static struct xs_conn *map_test(struct xs_store *s, void *ctx, uint32_t domid,
                                uint64_t gfn, uint32_t evtchn)
{
    if (gfn != 77 || daemon_fd < 0) {
        errno = EINVAL;
        return NULL;
    }
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
    assert_true(p != MAP_FAILED);
    struct xs_conn *c = ring_conn_new(s, domid, p, daemon_fd, unmap_page);
    daemon_fd = -1;
    return c;
}

static const struct xs_ring_backend backend = { map_test };

static int setup(void **state)
{
    struct xs_limits l;
    int sv[2];
    xs_limits_default(&l);
    l.nodes = 10;
    store_init(&st, &l);
    st.ring_backend = &backend;
    dom0 = mt_conn(&st, 0, true);
    page_fd = memfd_create("xs-ring", 0);
    assert_true(page_fd >= 0);
    assert_int_equal(ftruncate(page_fd, 4096), 0);
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
    assert_true(page != MAP_FAILED);
    /* Free-running indices that wrap past 2^32 during the test. */
    page->req_cons = page->req_prod = 0xFFFFFF00u;
    page->rsp_cons = page->rsp_prod = 0xFFFFFF00u;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    daemon_fd = sv[0];
    guest_fd = sv[1];
    return 0;
}

static int teardown(void **state)
{
    store_fini(&st);
    munmap(page, 4096);
    close(page_fd);
    close(guest_fd);
    if (daemon_fd >= 0)
        close(daemon_fd);
    return 0;
}

/* What the daemon's poll loop does when the event channel fires. */
static void daemon_round(struct xs_conn *c)
{
    char b = 1;
    if (write(guest_fd, &b, 1) != 1)
        fail();
    c->ops->event(&st, c);
    conn_flush(c);
}

static void guest_send(struct xs_conn *c, uint32_t type, uint32_t tx,
                       const void *payload, uint32_t len)
{
    uint8_t msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = { type, 42, tx, len };
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), payload, len);
    size_t total = sizeof(h) + len, off = 0;
    int rounds = 0;
    while (off < total) {
        uint32_t space = XENSTORE_RING_SIZE - (page->req_prod - page->req_cons);
        while (space && off < total) {
            page->req[MASK_XENSTORE_IDX(page->req_prod)] = (char)msg[off++];
            page->req_prod++;
            space--;
        }
        daemon_round(c);
        assert_true(++rounds < 20);
    }
}

/* Read one message from the response ring, letting the daemon refill it. */
static void guest_recv(struct xs_conn *c, struct mt_reply *r)
{
    uint8_t buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t got = 0, need = sizeof(struct xsd_sockmsg);
    int rounds = 0;
    while (got < need) {
        while (page->rsp_cons != page->rsp_prod && got < need) {
            buf[got++] = (uint8_t)page->rsp[MASK_XENSTORE_IDX(page->rsp_cons)];
            page->rsp_cons++;
            if (got == sizeof(struct xsd_sockmsg)) {
                memcpy(&r->h, buf, sizeof(r->h));
                assert_true(r->h.len <= XENSTORE_PAYLOAD_MAX);
                need += r->h.len;
            }
        }
        if (got < need)
            daemon_round(c);
        assert_true(++rounds < 20);
    }
    memcpy(r->data, buf + sizeof(r->h), r->h.len);
    r->data[r->h.len] = '\0';
}

static struct xs_conn *introduce(uint32_t domid)
{
    char a[8];
    snprintf(a, sizeof(a), "%u", domid);
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%s%c77%c9", a, 0, 0);
    struct mt_reply r;
    assert_true(mt_call(&st, dom0, XS_INTRODUCE, 0, buf, (size_t)n + 1, &r));
    assert_string_equal(r.data, "OK");
    struct xs_domain *d = domain_find(&st, domid);
    assert_non_null(d);
    assert_non_null(d->ring);
    return d->ring;
}

static void test_ring_requests_and_wrap(void **state)
{
    struct mt_reply r;
    mt_do(&st, dom0, XS_WATCH, 0, "@introduceDomain", "intro");
    assert_true(mt_event(dom0, &r));
    struct xs_conn *c = introduce(7);
    assert_true(mt_event(dom0, &r));
    assert_string_equal(r.data, "@introduceDomain");
    assert_int_equal(page->server_features, 3);
    assert_int_equal(page->connection, XENSTORE_CONNECTED);
    assert_string_equal(mt_do(&st, dom0, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL),
                        "T");
    mt_do(&st, dom0, XS_MKDIR, 0, "/local/domain/7", NULL);
    mt_do(&st, dom0, XS_SET_PERMS, 0, "/local/domain/7", "n7");

    /* A 3000-byte value crosses the 1024-byte rings several times. */
    char big[3100];
    memcpy(big, "data", 5);
    for (int i = 0; i < 3000; i++)
        big[5 + i] = (char)('a' + i % 26);
    big[3005] = 0;
    guest_send(c, XS_WRITE, 0, big, 5 + 1000);
    guest_recv(c, &r);
    assert_int_equal(r.h.type, XS_WRITE);
    assert_int_equal(r.h.req_id, 42);
    assert_string_equal(r.data, "OK");
    st.limits.value_size = 4000;
    guest_send(c, XS_WRITE, 0, big, 5 + 3000);
    guest_recv(c, &r);
    assert_string_equal(r.data, "OK");
    guest_send(c, XS_READ, 0, "data", 5);
    guest_recv(c, &r);
    assert_int_equal(r.h.type, XS_READ);
    assert_int_equal(r.h.len, 3000);
    assert_memory_equal(r.data, big + 5, 3000);
    assert_true(page->req_prod < 0x1000); /* wrapped */
    assert_string_equal(mt_read(&st, dom0, 0, "/local/domain/7/data") + 2990,
                        big + 5 + 2990);
    /* Unprivileged: dom0's nodes are out of reach. */
    mt_write(&st, dom0, 0, "/secret", "s");
    guest_send(c, XS_READ, 0, "/secret", 8);
    guest_recv(c, &r);
    assert_int_equal(r.h.type, XS_ERROR);
    assert_string_equal(r.data, "EACCES");
    guest_send(c, XS_INTRODUCE, 0, "8\00077\0009", 7);
    guest_recv(c, &r);
    assert_string_equal(r.data, "EACCES");
    assert_int_equal(page->error, XENSTORE_ERROR_NONE);
}

static void test_release(void **state)
{
    struct mt_reply r;
    struct xs_conn *c = introduce(7);
    mt_do(&st, dom0, XS_MKDIR, 0, "/local/domain/7", NULL);
    mt_do(&st, dom0, XS_SET_PERMS, 0, "/local/domain/7", "n7");
    guest_send(c, XS_WRITE, 0, "mine\0v", 6);
    guest_recv(c, &r);
    assert_string_equal(r.data, "OK");
    assert_int_equal(domain_find(&st, 7)->nodes, 2);
    mt_do(&st, dom0, XS_WATCH, 0, "@releaseDomain", "rel");
    assert_true(mt_event(dom0, &r));
    assert_string_equal(mt_do(&st, dom0, XS_RELEASE, 0, "7", NULL), "OK");
    assert_true(mt_event(dom0, &r));
    assert_string_equal(r.data, "@releaseDomain");
    assert_string_equal(r.data + 15, "rel");
    assert_true(c->dead);
    conn_reap(&st);
    assert_string_equal(mt_do(&st, dom0, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL),
                        "F");
    /* Its nodes now belong to dom0, so a new domain 7 cannot inherit them. */
    assert_true(mt_call(&st, dom0, XS_GET_PERMS, 0, "/local/domain/7/mine",
                        21, &r));
    assert_memory_equal(r.data, "n0", 3);
    assert_int_equal(domain_find(&st, 7)->nodes, 0);
    assert_string_equal(mt_do(&st, dom0, XS_RELEASE, 0, "7", NULL),
                        "ERR:ENOENT");
}

/* SET_TARGET: a device model domain acts for its guest. */
static void test_set_target(void **state)
{
    struct mt_reply r;
    introduce(7);
    struct xs_conn *dm = mt_conn(&st, 8, false);
    mt_do(&st, dom0, XS_MKDIR, 0, "/local/domain/7/vm", NULL);
    mt_do(&st, dom0, XS_SET_PERMS, 0, "/local/domain/7/vm", "n7");
    assert_string_equal(mt_read(&st, dm, 0, "/local/domain/7/vm"),
                        "ERR:EACCES");
    assert_string_equal(mt_do(&st, dm, XS_SET_TARGET, 0, "8", "7"),
                        "ERR:EACCES");
    /* dom8 must be introduced first. */
    assert_string_equal(mt_do(&st, dom0, XS_SET_TARGET, 0, "8", "7"),
                        "ERR:ENOENT");
    domain_get(&st, 8)->introduced = true;
    assert_string_equal(mt_do(&st, dom0, XS_SET_TARGET, 0, "8", "7"), "OK");
    assert_string_equal(mt_read(&st, dm, 0, "/local/domain/7/vm"), "");
    assert_string_equal(mt_write(&st, dm, 0, "/local/domain/7/vm/x", "1"),
                        "OK");
    assert_true(mt_call(&st, dm, XS_GET_PERMS, 0, "/local/domain/7/vm/x", 21,
                        &r));
    assert_memory_equal(r.data, "n8", 3);
    mt_write(&st, dom0, 0, "/secret", "s");
    assert_string_equal(mt_read(&st, dm, 0, "/secret"), "ERR:EACCES");
}

static void test_bad_indices(void **state)
{
    struct xs_conn *c = introduce(3);
    page->req_prod = page->req_cons + 2000;
    daemon_round(c);
    assert_true(c->dead);
    assert_int_equal(page->error, XENSTORE_ERROR_RINGIDX);
}

static void test_oversized_message(void **state)
{
    struct xs_conn *c = introduce(3);
    struct xsd_sockmsg h = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    memcpy(page->req + MASK_XENSTORE_IDX(page->req_prod), &h, sizeof(h));
    page->req_prod += sizeof(h);
    daemon_round(c);
    assert_true(c->dead);
    conn_reap(&st);
    assert_int_equal(page->error, XENSTORE_ERROR_PROTO);
}

static void test_reconnect(void **state)
{
    struct mt_reply r;
    struct xs_conn *c = introduce(4);
    guest_send(c, XS_WATCH, 0, "/w\0t", 5);
    guest_recv(c, &r);
    assert_string_equal(r.data, "OK");
    guest_recv(c, &r);
    assert_int_equal(r.h.type, XS_WATCH_EVENT);
    assert_int_equal(domain_find(&st, 4)->watches, 1);
    page->connection = XENSTORE_RECONNECT;
    daemon_round(c);
    assert_int_equal(page->connection, XENSTORE_CONNECTED);
    assert_int_equal(page->req_prod, 0);
    assert_int_equal(page->rsp_prod, 0);
    assert_int_equal(domain_find(&st, 4)->watches, 0);
    guest_send(c, XS_GET_DOMAIN_PATH, 0, "4", 2);
    guest_recv(c, &r);
    assert_string_equal(r.data, "/local/domain/4");
}

static void test_state_roundtrip(void **state)
{
    char file[] = "/tmp/xs_ring_stateXXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    static const char val[] = { 'x', 0, 'y' };
    char buf[32];
    struct mt_reply r;
    mt_write(&st, dom0, 0, "/s/z", "1");
    mt_write(&st, dom0, 0, "/s/a", "2");
    memcpy(buf, "/s/n\0", 5);
    memcpy(buf + 5, val, 3);
    mt_call(&st, dom0, XS_WRITE, 0, buf, 8, &r);
    memcpy(buf, "/s/a\0n5\0r6", 11);
    mt_call(&st, dom0, XS_SET_PERMS, 0, buf, 11, &r);
    assert_int_equal(state_save(&st, file), 0);

    struct xs_store s2;
    store_init(&s2, &st.limits);
    assert_int_equal(state_load(&s2, file), 0);
    struct xs_conn *c2 = mt_conn(&s2, 0, true);
    assert_int_equal(s2.db.count, st.db.count);
    assert_true(mt_call(&s2, c2, XS_DIRECTORY, 0, "/s", 3, &r));
    assert_memory_equal(r.data, "z\0a\0n", 6);
    assert_true(mt_call(&s2, c2, XS_GET_PERMS, 0, "/s/a", 5, &r));
    assert_memory_equal(r.data, "n5\0r6", 6);
    assert_true(mt_call(&s2, c2, XS_READ, 0, "/s/n", 5, &r));
    assert_int_equal(r.h.len, 3);
    assert_memory_equal(r.data, val, 3);
    assert_int_equal(domain_find(&s2, 5)->nodes, 1);
    store_fini(&s2);

    /* A truncated file is refused. */
    assert_int_equal(truncate(file, 40), 0);
    store_init(&s2, &st.limits);
    assert_int_not_equal(state_load(&s2, file), 0);
    store_fini(&s2);
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ring_requests_and_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_target, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_roundtrip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
