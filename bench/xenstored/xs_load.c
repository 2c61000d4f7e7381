// SPDX-License-Identifier: MIT
// xs-load: a xenstore load generator speaking the wire protocol directly
// (no libxenstore), so the same binary measures any daemon: ours, Xen's C
// xenstored, on the host or in a dom0.
//
// Several connections run at once, each a synchronous client (one request
// in flight, as libxenstore and xenbus are), driven from one poll() loop.
// Phases, each printed as "xs-load <key> <value>" lines for bench scripts:
//   mix       a fixed number of requests of a mix over --keys keys in
//             directories of 100: "simple" is 70% read, 20% write, 10%
//             directory; "full" adds transactions (start, read, write,
//             commit) and every connection watching one directory, so
//             writes fire watch events. Ops/s and latency percentiles.
//   populate  --populate nodes written under /bench/pop/gNNN/nNNN, write
//             rate and the daemon's CPU per write for each tenth, then its
//             resident memory, the subtree removed in one RM (timed) and
//             the memory left. Needs --pid for the memory and CPU figures.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "public/io/xs_wire.h"

#define MAX_CONNS 64
#define KEYS_PER_DIR 100

struct opts {
    const char *socket;
    int pid;
    int conns;
    long ops;
    long keys;
    long populate;
    bool full;
    unsigned seed;
};

/* One step of a client's current task; a task is 1 request or a tx's 4. */
enum step { ST_READ, ST_WRITE, ST_DIR, ST_TX_START, ST_TX_READ, ST_TX_WRITE,
            ST_TX_END, ST_POP_WRITE, ST_IDLE };

struct conn {
    int fd;
    uint32_t req_id;
    enum step step;
    uint32_t tx_id;
    long key;           /* the key of the current task */
    double sent;        /* time the request went out */
    bool busy;
    /* Reply assembly. */
    struct xsd_sockmsg hdr;
    size_t hdr_got;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    size_t payload_got;
};

static struct conn conns[MAX_CONNS];
static struct opts o = { .conns = 4, .ops = 200000, .keys = 1000,
                         .populate = 100000, .seed = 1 };

/* Results of the running phase. */
static uint32_t *lat_ns;
static long lat_n, lat_cap;
static long done_ops, issued_ops, events, errors, conflicts;
static long pop_next, pop_done;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "xs-load: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)((rng_state >> 11) % n);
}

/* ---- the daemon's resources from /proc ---------------------------------- */

/*
 * Resident memory: smaps_rollup walks the page tables, so it is exact;
 * VmRSS (the fallback) comes from counters that older kernels (6.1, the
 * dom0's) sync only every 64 page faults, up to 256 KiB off.
 */
static long rss_kib(void)
{
    static const char *const files[] = { "smaps_rollup", "status" };
    static const char *const keys[] = { "Rss:", "VmRSS:" };
    char path[64], line[256];
    if (o.pid <= 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        long kib = -1;
        snprintf(path, sizeof(path), "/proc/%d/%s", o.pid, files[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        while (fgets(line, sizeof(line), f))
            if (!strncmp(line, keys[i], strlen(keys[i]))) {
                kib = strtol(line + strlen(keys[i]), NULL, 10);
                break;
            }
        fclose(f);
        if (kib >= 0)
            return kib;
    }
    return -1;
}

/* utime + stime of the daemon, in seconds. */
static double cpu_s(void)
{
    char path[64], buf[1024];
    if (o.pid <= 0)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/stat", o.pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long ut, stime;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                     &ut, &stime) != 2)
        return -1;
    return (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- wire ---------------------------------------------------------------- */

static int connect_daemon(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(o.socket) >= sizeof(sa.sun_path))
        die("socket path too long");
    strcpy(sa.sun_path, o.socket);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        die("connect %s: %s", o.socket, strerror(errno));
    return fd;
}

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write: %s", n ? strerror(errno) : "closed");
        p += n;
        len -= (size_t)n;
    }
}

/* Send a request whose payload is the strings given, each NUL-terminated
 * except a write's value (pass its length as vlen, else -1). */
static void send_req(struct conn *c, uint32_t type, uint32_t tx,
                     const char *a, const char *b, int vlen)
{
    char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t off = sizeof(struct xsd_sockmsg);
    size_t al = strlen(a) + 1;
    memcpy(msg + off, a, al);
    off += al;
    if (b) {
        size_t bl = vlen >= 0 ? (size_t)vlen : strlen(b) + 1;
        memcpy(msg + off, b, bl);
        off += bl;
    }
    struct xsd_sockmsg h = { type, ++c->req_id, tx,
                             (uint32_t)(off - sizeof(h)) };
    memcpy(msg, &h, sizeof(h));
    c->busy = true;
    c->sent = now();
    issued_ops++;
    write_all(c->fd, msg, off);
}

/* A blocking request outside the timed loops; returns the reply type. */
static uint32_t sync_req(struct conn *c, uint32_t type, const char *a,
                         const char *b, int vlen, char *reply, size_t rlen)
{
    send_req(c, type, 0, a, b, vlen);
    for (;;) {
        struct xsd_sockmsg h;
        char buf[XENSTORE_PAYLOAD_MAX + 1];
        size_t got = 0;
        while (got < sizeof(h)) {
            ssize_t n = read(c->fd, (char *)&h + got, sizeof(h) - got);
            if (n <= 0)
                die("read: %s", n ? strerror(errno) : "closed");
            got += (size_t)n;
        }
        if (h.len > XENSTORE_PAYLOAD_MAX)
            die("reply length %u", h.len);
        for (got = 0; got < h.len;) {
            ssize_t n = read(c->fd, buf + got, h.len - got);
            if (n <= 0)
                die("read: %s", n ? strerror(errno) : "closed");
            got += (size_t)n;
        }
        buf[h.len] = '\0';
        if (h.type == XS_WATCH_EVENT)
            continue;
        c->busy = false;
        if (reply) {
            size_t k = h.len < rlen - 1 ? h.len : rlen - 1;
            memcpy(reply, buf, k);
            reply[k] = '\0';
        }
        return h.type;
    }
}

/* ---- the mix ------------------------------------------------------------- */

static void key_path(char *buf, size_t len, long key)
{
    snprintf(buf, len, "/bench/d%ld/k%ld", key / KEYS_PER_DIR,
             key % KEYS_PER_DIR);
}

static void start_task(struct conn *c)
{
    char path[128], val[32];
    uint32_t r = rnd(100);
    c->key = rnd((uint32_t)o.keys);
    key_path(path, sizeof(path), c->key);
    if (o.full && r < 10) {
        c->step = ST_TX_START;
        send_req(c, XS_TRANSACTION_START, 0, "", NULL, -1);
    } else if (r < (o.full ? 65u : 70u)) {
        c->step = ST_READ;
        send_req(c, XS_READ, 0, path, NULL, -1);
    } else if (r < 90) {
        c->step = ST_WRITE;
        int n = snprintf(val, sizeof(val), "value-%ld", issued_ops);
        send_req(c, XS_WRITE, 0, path, val, n);
    } else {
        c->step = ST_DIR;
        snprintf(path, sizeof(path), "/bench/d%ld", c->key / KEYS_PER_DIR);
        send_req(c, XS_DIRECTORY, 0, path, NULL, -1);
    }
}

static void pop_path(char *buf, size_t len, long i)
{
    snprintf(buf, len, "/bench/pop/g%03ld/n%03ld", i / 1000, i % 1000);
}

static void start_pop(struct conn *c)
{
    char path[128], val[32];
    if (pop_next >= o.populate) {
        c->step = ST_IDLE;
        return;
    }
    pop_path(path, sizeof(path), pop_next);
    int n = snprintf(val, sizeof(val), "%ld", pop_next);
    pop_next++;
    c->step = ST_POP_WRITE;
    send_req(c, XS_WRITE, 0, path, val, n);
}

static void record_latency(struct conn *c)
{
    double dt = now() - c->sent;
    if (lat_n == lat_cap) {
        lat_cap = lat_cap ? lat_cap * 2 : 65536;
        lat_ns = realloc(lat_ns, (size_t)lat_cap * sizeof(*lat_ns));
        if (!lat_ns)
            die("out of memory");
    }
    lat_ns[lat_n++] = dt > 4.0 ? UINT32_MAX : (uint32_t)(dt * 1e9);
}

/* A reply arrived for c's outstanding request: on to the next step. */
static void on_reply(struct conn *c)
{
    char path[128];
    record_latency(c);
    done_ops++;
    c->busy = false;
    bool err = c->hdr.type == XS_ERROR;
    switch (c->step) {
    case ST_TX_START:
        if (err) {
            errors++;
            c->step = ST_IDLE;
            return;
        }
        c->tx_id = (uint32_t)strtoul(c->payload, NULL, 10);
        c->step = ST_TX_READ;
        key_path(path, sizeof(path), c->key);
        send_req(c, XS_READ, c->tx_id, path, NULL, -1);
        return;
    case ST_TX_READ:
        c->step = ST_TX_WRITE;
        key_path(path, sizeof(path), c->key);
        send_req(c, XS_WRITE, c->tx_id, path, "tx", 2);
        return;
    case ST_TX_WRITE:
        c->step = ST_TX_END;
        send_req(c, XS_TRANSACTION_END, c->tx_id, "T", NULL, -1);
        return;
    case ST_TX_END:
        if (err && !strcmp(c->payload, "EAGAIN"))
            conflicts++;
        else if (err)
            errors++;
        break;
    case ST_POP_WRITE:
        pop_done++;
        if (err)
            errors++;
        break;
    default:
        if (err)
            errors++;
        break;
    }
    c->step = ST_IDLE;
}

/* Read what the socket has; complete messages are dispatched. */
static void conn_input(struct conn *c)
{
    char buf[16384];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        die("connection closed by the daemon");
    for (size_t off = 0; off < (size_t)n;) {
        if (c->hdr_got < sizeof(c->hdr)) {
            size_t k = sizeof(c->hdr) - c->hdr_got;
            if (k > (size_t)n - off)
                k = (size_t)n - off;
            memcpy((char *)&c->hdr + c->hdr_got, buf + off, k);
            c->hdr_got += k;
            off += k;
            if (c->hdr_got < sizeof(c->hdr))
                break;
            if (c->hdr.len > XENSTORE_PAYLOAD_MAX)
                die("reply length %u", c->hdr.len);
        }
        size_t k = c->hdr.len - c->payload_got;
        if (k > (size_t)n - off)
            k = (size_t)n - off;
        memcpy(c->payload + c->payload_got, buf + off, k);
        c->payload_got += k;
        off += k;
        if (c->payload_got < c->hdr.len)
            break;
        c->payload[c->hdr.len] = '\0';
        c->hdr_got = c->payload_got = 0;
        if (c->hdr.type == XS_WATCH_EVENT) {
            events++;
            continue;
        }
        if (!c->busy || c->hdr.req_id != c->req_id)
            die("unexpected reply (type %u, id %u)", c->hdr.type,
                c->hdr.req_id);
        on_reply(c);
    }
}

/*
 * Drive every connection until `more` says no new task may start and all
 * are idle. `next` starts a connection's next task.
 */
static void run_loop(void (*next)(struct conn *), bool (*more)(void))
{
    struct pollfd pfd[MAX_CONNS];
    for (int i = 0; i < o.conns; i++) {
        pfd[i] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
        fcntl(conns[i].fd, F_SETFL, O_NONBLOCK);
    }
    for (;;) {
        int busy = 0;
        for (int i = 0; i < o.conns; i++) {
            struct conn *c = &conns[i];
            if (c->step == ST_IDLE && more())
                next(c);
            busy += c->step != ST_IDLE;
        }
        if (!busy)
            break;
        if (poll(pfd, (nfds_t)o.conns, 10000) <= 0)
            die("no reply for 10 s");
        for (int i = 0; i < o.conns; i++)
            if (pfd[i].revents)
                conn_input(&conns[i]);
    }
    for (int i = 0; i < o.conns; i++)
        fcntl(conns[i].fd, F_SETFL, 0);
}

static bool mix_more(void)
{
    return issued_ops < o.ops;
}

static bool pop_more(void)
{
    return pop_next < o.populate;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_us(double p)
{
    if (!lat_n)
        return 0;
    long i = (long)(p / 100.0 * (double)(lat_n - 1) + 0.5);
    return lat_ns[i] / 1e3;
}

/* ---- phases -------------------------------------------------------------- */

static void setup_keys(void)
{
    char path[128];
    for (long k = 0; k < o.keys; k++) {
        key_path(path, sizeof(path), k);
        if (sync_req(&conns[0], XS_WRITE, path, "initial", 7, NULL, 0) !=
            XS_WRITE)
            die("cannot write %s", path);
    }
    if (o.full) {
        char tok[32];
        for (int i = 0; i < o.conns; i++) {
            snprintf(path, sizeof(path), "/bench/d%ld",
                     i % ((o.keys + KEYS_PER_DIR - 1) / KEYS_PER_DIR));
            snprintf(tok, sizeof(tok), "tok%d", i);
            /* The first event (on registration) is skipped by sync_req. */
            if (sync_req(&conns[i], XS_WATCH, path, tok, -1, NULL, 0) !=
                XS_WATCH)
                die("cannot watch %s", path);
        }
    }
}

static void phase_mix(void)
{
    lat_n = done_ops = issued_ops = events = errors = conflicts = 0;
    double cpu0 = cpu_s();
    double t0 = now();
    run_loop(start_task, mix_more);
    double dt = now() - t0;
    double cpu = cpu_s() - cpu0;
    qsort(lat_ns, (size_t)lat_n, sizeof(*lat_ns), cmp_u32);
    printf("xs-load mix %s conns=%d keys=%ld ops=%ld\n",
           o.full ? "full" : "simple", o.conns, o.keys, done_ops);
    printf("xs-load mix-ops-per-s %.0f\n", (double)done_ops / dt);
    printf("xs-load mix-latency-us p50=%.1f p90=%.1f p99=%.1f max=%.1f\n",
           pct_us(50), pct_us(90), pct_us(99), pct_us(100));
    printf("xs-load mix-events %ld\n", events);
    printf("xs-load mix-tx-conflicts %ld\n", conflicts);
    printf("xs-load mix-errors %ld\n", errors);
    if (o.pid > 0)
        printf("xs-load mix-daemon-cpu-us-per-op %.2f\n",
               cpu * 1e6 / (double)done_ops);
    fflush(stdout);
}

static void phase_populate(void)
{
    char reply[64];
    /* Start from nothing, so the first tenth pays for its directories too. */
    sync_req(&conns[0], XS_RM, "/bench/pop", NULL, -1, NULL, 0);
    long rss0 = rss_kib();
    long tenth = o.populate / 10 ? o.populate / 10 : 1;
    double first_rate = 0, last_rate = 0, first_cpu = 0, last_cpu = 0;
    double min_rate = 1e30;
    lat_n = done_ops = issued_ops = errors = 0;
    pop_next = pop_done = 0;
    double t_all = now();
    for (long part = 0; pop_next < o.populate; part++) {
        long stop = pop_next + tenth;
        long save = o.populate;
        if (stop < save)
            o.populate = stop;
        double c0 = cpu_s(), t0 = now();
        long d0 = pop_done;
        run_loop(start_pop, pop_more);
        double dt = now() - t0, dc = cpu_s() - c0;
        o.populate = save;
        long n = pop_done - d0;
        double rate = (double)n / dt, cpu_ms = dc * 1e3 / (double)n;
        printf("xs-load populate-part %ld nodes=%ld writes-per-s=%.0f "
               "daemon-cpu-ms-per-write=%.4f\n", part, pop_done, rate, cpu_ms);
        if (part == 0) {
            first_rate = rate;
            first_cpu = cpu_ms;
        }
        last_rate = rate;
        last_cpu = cpu_ms;
        if (rate < min_rate)
            min_rate = rate;
    }
    double t_pop = now() - t_all;
    long rss1 = rss_kib();
    /* Every leaf plus its group directory and /bench/pop itself. */
    long nodes = o.populate + (o.populate + 999) / 1000 + 1;
    printf("xs-load populate-writes-per-s %.0f\n", (double)o.populate / t_pop);
    printf("xs-load populate-first-last-rate %.0f %.0f ratio=%.2f min=%.0f\n",
           first_rate, last_rate, last_rate / first_rate, min_rate);
    printf("xs-load populate-daemon-cpu-ms-per-write first=%.4f last=%.4f\n",
           first_cpu, last_cpu);
    printf("xs-load populate-errors %ld\n", errors);
    double t0 = now();
    uint32_t t = sync_req(&conns[0], XS_RM, "/bench/pop", NULL, -1, reply,
                          sizeof(reply));
    double t_rm = now() - t0;
    if (t != XS_RM)
        die("rm /bench/pop: %s", reply);
    /* Give a daemon that frees memory lazily a moment. */
    usleep(200000);
    long rss2 = rss_kib();
    printf("xs-load rm-subtree-s %.3f\n", t_rm);
    if (rss0 >= 0) {
        printf("xs-load rss-kib before=%ld full=%ld after-rm=%ld nodes=%ld\n",
               rss0, rss1, rss2, nodes);
        printf("xs-load bytes-per-node %.1f\n",
               (double)(rss1 - rss0) * 1024.0 / (double)nodes);
        printf("xs-load memory-given-back-pct %.0f\n",
               rss1 > rss0 ? 100.0 * (double)(rss1 - rss2) /
                                 (double)(rss1 - rss0) : 100.0);
    }
    fflush(stdout);
}

static void usage(void)
{
    printf("usage: xs-load [--socket PATH] [--pid PID] [--conns N] [--ops N]\n"
           "               [--keys N] [--mix simple|full] [--populate N]\n"
           "               [--seed N]\n"
           "  --populate 0 skips the populate phase; --ops 0 the mix.\n"
           "  --pid: the daemon's pid, for its memory and CPU figures.\n");
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "socket", required_argument, NULL, 's' },
        { "pid", required_argument, NULL, 'p' },
        { "conns", required_argument, NULL, 'c' },
        { "ops", required_argument, NULL, 'n' },
        { "keys", required_argument, NULL, 'k' },
        { "mix", required_argument, NULL, 'm' },
        { "populate", required_argument, NULL, 'P' },
        { "seed", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;
    o.socket = getenv("XENSTORED_PATH");
    if (!o.socket)
        o.socket = "/run/xenstored/socket";
    while ((ch = getopt_long(argc, argv, "s:p:c:n:k:m:P:r:h", lo, NULL)) != -1) {
        switch (ch) {
        case 's': o.socket = optarg; break;
        case 'p': o.pid = atoi(optarg); break;
        case 'c': o.conns = atoi(optarg); break;
        case 'n': o.ops = atol(optarg); break;
        case 'k': o.keys = atol(optarg); break;
        case 'm': o.full = !strcmp(optarg, "full"); break;
        case 'P': o.populate = atol(optarg); break;
        case 'r': o.seed = (unsigned)atoi(optarg); break;
        case 'h': usage(); return 0;
        default: usage(); return 2;
        }
    }
    if (o.conns < 1 || o.conns > MAX_CONNS || o.keys < 1 || o.ops < 0 ||
        o.populate < 0 || o.populate > 999999)
        die("bad arguments (--conns 1..%d, --keys >= 1, --populate < 1e6)",
            MAX_CONNS);
    rng_state = 0x9E3779B97F4A7C15ull ^ o.seed;
    for (int i = 0; i < o.conns; i++) {
        conns[i].fd = connect_daemon();
        conns[i].step = ST_IDLE;
    }
    if (o.pid > 0)
        printf("xs-load rss-kib-start %ld\n", rss_kib());
    if (o.ops) {
        setup_keys();
        printf("xs-load rss-kib-with-keys %ld\n", rss_kib());
        phase_mix();
    }
    if (o.populate)
        phase_populate();
    return 0;
}
