// SPDX-License-Identifier: MIT
// The Unix-socket transport: the privileged toolstack's way in. Every
// socket client counts as the privileged domain, as with Xen's daemon.
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenstored.h"

static ssize_t sock_read(struct xs_conn *c, void *buf, size_t len)
{
    ssize_t n = recv(c->fd, buf, len, MSG_DONTWAIT);
    if (n > 0)
        return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return -1;
}

static ssize_t sock_write(struct xs_conn *c, const void *buf, size_t len)
{
    ssize_t n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    return -1;
}

static void sock_close(struct xs_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static const struct xs_transport_ops sock_ops = {
    .name = "socket",
    .read = sock_read,
    .write = sock_write,
    .close = sock_close,
    .poll_out = true,
};

/* Create the parent directories of path (like mkdir -p), best effort. */
static void make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return;
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    free(p);
}

int socket_listen(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    make_parents(path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(path, 0600) ||
        listen(fd, 128)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

struct xs_conn *socket_accept(struct xs_store *st, int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct xs_conn *c = conn_new(st, &sock_ops, NULL, fd, st->priv_domid, true);
    if (!c) {
        close(fd);
        return NULL;
    }
    xs_log(LOG_DEBUG, "conn %u: socket client", c->id);
    return c;
}
