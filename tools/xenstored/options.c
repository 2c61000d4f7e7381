// SPDX-License-Identifier: MIT
// Command-line parsing. Letters and meanings follow Xen's xenstored (4.17)
// so that people who know it know ours; our additions are long-only.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

void options_usage(FILE *f)
{
    fputs(
"Usage: basalt-xenstored [options]\n"
"\n"
"  -F, --pid-file <file>   write the daemon's pid to <file>\n"
"  -H, --help              print this message\n"
"  -N, --no-fork           stay in the foreground\n"
"  -P, --output-pid        print the daemon's pid on stdout\n"
"  -T, --trace-file <file> log to <file> (and trace every request)\n"
"  -V, --verbose           more logging (repeat for debug, trace)\n"
"  -E, --entry-nb <nb>     limit the number of nodes per domain\n"
"  -S, --entry-size <size> limit the size of a node's value\n"
"  -W, --watch-nb <nb>     limit the number of watches per domain\n"
"  -t, --transaction <nb>  limit the open transactions per domain\n"
"  -A, --perm-nb <nb>      limit the permission entries per node\n"
"  -M, --path-max <chars>  limit the path length below a domain's home\n"
"  -Q, --quota <what>=<nb> set a quota: nodes, entry-size, watches,\n"
"                          transactions, permissions, path-max, memory\n"
"                          (bytes per domain), outstanding (requests per\n"
"                          connection), transaction-nodes (nodes touched\n"
"                          per transaction)\n"
"  -q, --quota-soft <what>=<nb>  accepted for compatibility, ignored\n"
"  -w, --timeout <what>=<s>      accepted for compatibility, ignored\n"
"  -K, --keep-orphans      keep a released domain's nodes owned by it\n"
"      --priv-domid <id>   the privileged domain (default 0)\n"
"      --socket <path>     listen on <path> (default $XENSTORED_PATH, else\n"
"                          $XENSTORED_RUNDIR/socket, else\n"
"                          /run/xenstored/socket)\n"
"      --state-file <file> load the store from <file> and save it there\n"
"                          on SIGTERM/SIGINT and at most every\n"
"      --state-interval <s> seconds while it changes (default 30)\n"
"      --output-limit <bytes> disconnect a client whose queued output\n"
"                          passes this (default 1048576)\n"
"      --ring-test-socket <path> test stand-in for the hypervisor: accept\n"
"                          guest ring pages and notification fds here\n",
        f);
}

enum {
    OPT_SOCKET = 256,
    OPT_STATE_FILE,
    OPT_STATE_INTERVAL,
    OPT_OUTPUT_LIMIT,
    OPT_RING_TEST,
    OPT_PRIV_DOMID,
};

static const struct option long_opts[] = {
    { "pid-file", 1, NULL, 'F' },
    { "help", 0, NULL, 'H' },
    { "no-fork", 0, NULL, 'N' },
    { "output-pid", 0, NULL, 'P' },
    { "trace-file", 1, NULL, 'T' },
    { "verbose", 0, NULL, 'V' },
    { "entry-nb", 1, NULL, 'E' },
    { "entry-size", 1, NULL, 'S' },
    { "watch-nb", 1, NULL, 'W' },
    { "transaction", 1, NULL, 't' },
    { "perm-nb", 1, NULL, 'A' },
    { "path-max", 1, NULL, 'M' },
    { "quota", 1, NULL, 'Q' },
    { "quota-soft", 1, NULL, 'q' },
    { "timeout", 1, NULL, 'w' },
    { "keep-orphans", 0, NULL, 'K' },
    { "priv-domid", 1, NULL, OPT_PRIV_DOMID },
    { "socket", 1, NULL, OPT_SOCKET },
    { "state-file", 1, NULL, OPT_STATE_FILE },
    { "state-interval", 1, NULL, OPT_STATE_INTERVAL },
    { "output-limit", 1, NULL, OPT_OUTPUT_LIMIT },
    { "ring-test-socket", 1, NULL, OPT_RING_TEST },
    { NULL, 0, NULL, 0 },
};

static bool parse_num(const char *s, unsigned long max, unsigned long *v)
{
    char *end;
    if (!s || s[0] < '0' || s[0] > '9')
        return false;
    errno = 0;
    *v = strtoul(s, &end, 10);
    return !*end && !errno && *v <= max;
}

static bool set_quota(struct xs_limits *l, const char *arg)
{
    static const struct {
        const char *name;
        size_t off;
    } q[] = {
        { "nodes", offsetof(struct xs_limits, nodes) },
        { "entry-size", offsetof(struct xs_limits, value_size) },
        { "watches", offsetof(struct xs_limits, watches) },
        { "transactions", offsetof(struct xs_limits, transactions) },
        { "permissions", offsetof(struct xs_limits, perms) },
        { "path-max", offsetof(struct xs_limits, path_max) },
        { "memory", offsetof(struct xs_limits, memory) },
        { "outstanding", offsetof(struct xs_limits, outstanding) },
        { "transaction-nodes", offsetof(struct xs_limits, tx_nodes) },
    };
    const char *eq = strchr(arg, '=');
    unsigned long v;
    if (!eq || !parse_num(eq + 1, 0x7fffffff, &v))
        return false;
    for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        if (strlen(q[i].name) == (size_t)(eq - arg) &&
            !strncmp(arg, q[i].name, (size_t)(eq - arg))) {
            *(unsigned *)((char *)l + q[i].off) = (unsigned)v;
            return true;
        }
    }
    return false;
}

int options_parse(struct xs_options *o, int argc, char **argv)
{
    unsigned long v;
    int opt;
    memset(o, 0, sizeof(*o));
    o->state_interval = 30;
    xs_limits_default(&o->limits);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "F:HhNPT:VE:S:W:t:A:M:Q:q:w:K",
                              long_opts, NULL)) != -1) {
        unsigned *lim = NULL;
        switch (opt) {
        case 'F': o->pid_file = optarg; break;
        case 'H':
        case 'h': options_usage(stdout); return 1;
        case 'N': o->no_fork = true; break;
        case 'P': o->output_pid = true; break;
        case 'T': o->trace_file = optarg; break;
        case 'V': xs_log_level++; break;
        case 'E': lim = &o->limits.nodes; break;
        case 'S': lim = &o->limits.value_size; break;
        case 'W': lim = &o->limits.watches; break;
        case 't': lim = &o->limits.transactions; break;
        case 'A': lim = &o->limits.perms; break;
        case 'M': lim = &o->limits.path_max; break;
        case 'Q':
            if (!set_quota(&o->limits, optarg)) {
                fprintf(stderr, "basalt-xenstored: bad quota '%s'\n", optarg);
                return -1;
            }
            break;
        case 'q':
        case 'w': break;
        case 'K': o->keep_orphans = true; break;
        case OPT_PRIV_DOMID:
            if (!parse_num(optarg, XS_DOMID_MAX, &v))
                goto bad;
            o->priv_domid = (uint32_t)v;
            break;
        case OPT_SOCKET: o->socket_path = optarg; break;
        case OPT_STATE_FILE: o->state_file = optarg; break;
        case OPT_STATE_INTERVAL:
            if (!parse_num(optarg, 86400, &v))
                goto bad;
            o->state_interval = (unsigned)v;
            break;
        case OPT_OUTPUT_LIMIT:
            if (!parse_num(optarg, 1ul << 30, &v) || v < 8192)
                goto bad;
            o->limits.output_max = v;
            break;
        case OPT_RING_TEST: o->ring_test_socket = optarg; break;
        default:
            options_usage(stderr);
            return -1;
        }
        if (lim) {
            if (!parse_num(optarg, 0x7fffffff, &v))
                goto bad;
            *lim = (unsigned)v;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "basalt-xenstored: no arguments expected\n");
        return -1;
    }
    if (o->limits.path_max > XENSTORE_REL_PATH_MAX)
        o->limits.path_max = XENSTORE_REL_PATH_MAX;
    if (xs_log_level > LOG_TRACE)
        xs_log_level = LOG_TRACE;
    return 0;
bad:
    fprintf(stderr, "basalt-xenstored: invalid value '%s'\n", optarg);
    return -1;
}
