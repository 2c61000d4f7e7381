// SPDX-License-Identifier: MIT
// basalt-xenstored: startup (options, daemonizing, state file, listeners)
// and the poll() loop that drives every connection through its transport.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "options.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static const char *default_socket(void)
{
    static char buf[256];
    const char *p = getenv("XENSTORED_PATH");
    if (p && p[0])
        return p;
    p = getenv("XENSTORED_RUNDIR");
    if (p && p[0]) {
        snprintf(buf, sizeof(buf), "%s/socket", p);
        return buf;
    }
    return "/run/xenstored/socket";
}

static void daemonize(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        perror("basalt-xenstored: fork");
        exit(1);
    }
    if (pid > 0)
        exit(0);
    setsid();
    pid = fork();
    if (pid < 0)
        exit(1);
    if (pid > 0)
        exit(0);
    if (chdir("/")) {
        /* Staying in the old directory is harmless. */
    }
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void save_state(struct xs_store *st, const char *file)
{
    int err = state_save(st, file);
    if (err)
        xs_log(LOG_ERR, "saving state to %s: %s", file, strerror(err));
    else
        st->dirty = false;
}

/* One round: poll, accept, serve input, flush output, reap the dead. */
static void loop_once(struct xs_store *st, const struct xs_options *o,
                      int lfd, int tfd, double *last_save)
{
    size_t n = 0, cap = 3;
    for (struct xs_conn *c = st->conns; c; c = c->next)
        cap++;
    struct pollfd *pfd = calloc(cap, sizeof(*pfd));
    struct xs_conn **pc = calloc(cap, sizeof(*pc));
    if (!pfd || !pc) {
        free(pfd);
        free(pc);
        return;
    }
    int timeout = -1;
    pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
    if (tfd >= 0)
        pfd[n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
    size_t aux = n;
    if (st->aux_fd >= 0)
        pfd[n++] = (struct pollfd){ .fd = st->aux_fd, .events = POLLIN };
    size_t first = n;
    for (struct xs_conn *c = st->conns; c; c = c->next) {
        short ev = 0;
        if (c->ops->event || conn_wants_input(st, c))
            ev |= POLLIN;
        if (c->ops->poll_out && c->out_head)
            ev |= POLLOUT;
        if ((c->stash_len && conn_wants_input(st, c)) || c->check_input)
            timeout = 0;
        pc[n] = c;
        pfd[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
    }
    if (o->state_file && st->dirty && timeout) {
        double wait = *last_save + o->state_interval - now_s();
        timeout = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
    }
    if (poll(pfd, n, timeout) < 0) {
        free(pfd);
        free(pc);
        return; /* EINTR: the caller checks for signals */
    }
    for (size_t i = first; i < n; i++) {
        struct xs_conn *c = pc[i];
        if (c->dead)
            continue;
        if (c->check_input) {
            c->check_input = false;
            conn_handle_input(st, c);
        }
        if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (c->ops->event)
                c->ops->event(st, c);
            else
                conn_handle_input(st, c);
        } else if (c->stash_len) {
            conn_handle_input(st, c);
        }
    }
    if (pfd[0].revents & POLLIN)
        for (int k = 0; k < 16 && socket_accept(st, lfd); k++)
            ;
    if (tfd >= 0 && (pfd[1].revents & POLLIN))
        ring_test_accept(st, tfd);
    if (st->aux_fd >= 0 && aux < first && (pfd[aux].revents & POLLIN))
        st->aux_event(st);
    for (struct xs_conn *c = st->conns; c; c = c->next)
        if (c->out_head)
            conn_flush(c);
    conn_reap(st);
    free(pfd);
    free(pc);
    if (o->state_file && st->dirty &&
        now_s() - *last_save >= o->state_interval) {
        save_state(st, o->state_file);
        *last_save = now_s();
    }
}

int main(int argc, char **argv)
{
    struct xs_options o;
    struct xs_store st;
    int r = options_parse(&o, argc, argv);
    if (r)
        return r > 0 ? 0 : 2;
    const char *sock = o.socket_path ? o.socket_path : default_socket();
    if (o.trace_file) {
        xs_log_open(o.trace_file);
        xs_log_level = LOG_TRACE;
    }

    store_init(&st, &o.limits);
    st.priv_domid = o.priv_domid;
    st.keep_orphans = o.keep_orphans;
    if (o.state_file) {
        int err = state_load(&st, o.state_file);
        if (err && err != ENOENT) {
            fprintf(stderr, "basalt-xenstored: bad state file %s: %s\n",
                    o.state_file, strerror(err));
            return 1;
        }
        xs_log(LOG_INFO, "state: %zu nodes from %s", st.db.count,
               err ? "nowhere" : o.state_file);
    }
    int lfd = socket_listen(sock);
    if (lfd < 0) {
        fprintf(stderr, "basalt-xenstored: cannot listen on %s: %s\n", sock,
                strerror(errno));
        return 1;
    }
    int tfd = -1;
    if (o.ring_test_socket &&
        (tfd = ring_test_listen(&st, o.ring_test_socket)) < 0) {
        fprintf(stderr, "basalt-xenstored: cannot listen on %s: %s\n",
                o.ring_test_socket, strerror(errno));
        return 1;
    }

    if (!o.no_fork)
        daemonize();
    /* On Xen: guests' rings, and dom0's own kernel served from the start. */
    xen_backend_init(&st);
    if (o.output_pid)
        printf("%d\n", (int)getpid());
    fflush(stdout);
    if (o.pid_file) {
        FILE *f = fopen(o.pid_file, "w");
        if (f) {
            fprintf(f, "%d\n", (int)getpid());
            fclose(f);
        }
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    xs_log(LOG_INFO, "listening on %s", sock);

    double last_save = now_s();
    while (!stop_signal)
        loop_once(&st, &o, lfd, tfd, &last_save);

    xs_log(LOG_INFO, "signal %d: exiting", (int)stop_signal);
    if (o.state_file)
        save_state(&st, o.state_file);
    close(lfd);
    unlink(sock);
    if (tfd >= 0) {
        close(tfd);
        unlink(o.ring_test_socket);
    }
    if (o.pid_file)
        unlink(o.pid_file);
    store_fini(&st);
    return 0;
}
