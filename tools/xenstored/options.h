/* SPDX-License-Identifier: MIT */
/* Command-line options of basalt-xenstored (Xen xenstored's, plus ours). */
#ifndef XENSTORED_OPTIONS_H
#define XENSTORED_OPTIONS_H

#include "xenstored.h"

struct xs_options {
    bool no_fork;
    bool output_pid;
    bool keep_orphans;
    const char *pid_file;
    const char *trace_file;
    const char *socket_path;
    const char *state_file;
    const char *ring_test_socket;
    unsigned state_interval; /* seconds between state writes, at most */
    uint32_t priv_domid;
    struct xs_limits limits;
};

/* Parse argv; returns 0 to run, 1 when --help was printed, -1 on error. */
int options_parse(struct xs_options *o, int argc, char **argv);
void options_usage(FILE *f);

#endif
