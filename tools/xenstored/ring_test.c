// SPDX-License-Identifier: MIT
// Test-only stand-in for the hypervisor side of guest rings: a test hands us
// (over a control socket, with SCM_RIGHTS) a shared-memory page and a
// notification socket for domain N; a later INTRODUCE of N maps that page.
// With Xen this is where grant mapping and the evtchn device would go.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "xenstored.h"

struct pending {
    struct pending *next;
    uint32_t domid;
    int page_fd, notify_fd;
};

static struct pending *pending_list;

static void test_unmap(struct xenstore_domain_interface *intf)
{
    munmap(intf, 4096);
}

static struct xs_conn *test_map(struct xs_store *st, void *ctx, uint32_t domid,
                                uint64_t gfn, uint32_t evtchn)
{
    for (struct pending **pp = &pending_list; *pp; pp = &(*pp)->next) {
        struct pending *p = *pp;
        if (p->domid != domid)
            continue;
        void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                          p->page_fd, 0);
        if (page == MAP_FAILED) {
            errno = EINVAL;
            return NULL;
        }
        struct xs_conn *c = ring_conn_new(st, domid, page, p->notify_fd,
                                          test_unmap);
        if (!c) {
            munmap(page, 4096);
            errno = ENOMEM;
            return NULL;
        }
        close(p->page_fd);
        *pp = p->next;
        free(p);
        return c;
    }
    errno = EINVAL; /* nothing to map: like a bad gfn */
    return NULL;
}

static const struct xs_ring_backend test_backend = { test_map };

int ring_test_listen(struct xs_store *st, const char *path)
{
    int fd = socket_listen(path);
    if (fd >= 0)
        st->ring_backend = &test_backend;
    return fd;
}

/* One registration per control connection: domid + two fds, answer K/E. */
void ring_test_accept(struct xs_store *st, int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct timeval tv = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    uint32_t domid;
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = { &domid, sizeof(domid) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf,
                         .msg_controllen = sizeof(u.buf) };
    char ans = 'E';
    ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = n == sizeof(domid) ? CMSG_FIRSTHDR(&mh) : NULL;
    if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
        cm->cmsg_len == CMSG_LEN(2 * sizeof(int))) {
        int fds[2];
        memcpy(fds, CMSG_DATA(cm), sizeof(fds));
        struct pending *p = calloc(1, sizeof(*p));
        if (p && domid <= XS_DOMID_MAX) {
            p->domid = domid;
            p->page_fd = fds[0];
            p->notify_fd = fds[1];
            fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
            p->next = pending_list;
            pending_list = p;
            ans = 'K';
        } else {
            free(p);
            close(fds[0]);
            close(fds[1]);
        }
    }
    if (write(fd, &ans, 1) != 1)
        xs_log(LOG_WARN, "ring test control: reply failed");
    close(fd);
}
