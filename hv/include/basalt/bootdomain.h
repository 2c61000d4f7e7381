/* SPDX-License-Identifier: MIT */
/*
 * Domains built at boot, described on the hypervisor command line with
 * one "domain=" option each (see README.md):
 *   domain=kernel=1,ramdisk=2,role=unprivileged,memory=64,vcpus=1,
 *          name=web,cpu_weight=512,cap=50,cpus=0-1,
 *          on_poweroff=destroy,on_reboot=restart,
 *          on_crash=destroy,cmdline=console=hvc0 root=/dev/ram0
 * Keys are named as in xl.cfg; cmdline comes last and takes the rest.
 */
#ifndef BASALT_BOOTDOMAIN_H
#define BASALT_BOOTDOMAIN_H

#include <basalt/domain.h>

#define MAX_BOOT_DOMAINS 8

/* Parse one "domain=" value into cfg (defaults filled in first).
 * Returns false with a message naming the problem. Pure. */
bool bootdomain_parse(const char *value, struct domain_config *cfg,
		      char *err, size_t errlen);

/* Command-line hook: collects the "domain=" options. */
bool bootdomain_option(const char *value, void *unused);

/* Build every configured domain (or the default initial domain from the
 * first module). Returns how many were created. */
unsigned int bootdomains_create(void);

#endif /* BASALT_BOOTDOMAIN_H */
