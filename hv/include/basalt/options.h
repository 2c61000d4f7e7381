/* SPDX-License-Identifier: MIT */
/* The hypervisor command line, in Xen's spelling (see README.md). */
#ifndef BASALT_OPTIONS_H
#define BASALT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

extern bool opt_noreboot;
extern unsigned int opt_maxcpus;       /* 0: all */
extern uint64_t opt_dom0_mem;          /* bytes; 0: default */
extern unsigned int opt_dom0_max_vcpus;/* 0: default */
extern bool opt_dom0_pvh;
/* Tests only: every Nth VM entry of a vCPU is handed the host's state, as
 * the test bed's CPU sometimes does, so that recovery runs (0: never). */
extern unsigned int opt_test_bad_entry;

/* Apply the command line; unknown or malformed options are reported
 * (once the console is up) and otherwise ignored. */
void options_parse(const char *cmdline);
/* Print the warnings collected by options_parse. */
void options_report(void);

#endif /* BASALT_OPTIONS_H */
