// SPDX-License-Identifier: MIT
/*
 * Building the domains of the command line at boot. Without any
 * "domain=" option, Basalt does what Xen does: the first module is the
 * initial domain's kernel (domain 0) and the second its ramdisk.
 */
#include <basalt/bootdomain.h>
#include <basalt/bootinfo.h>
#include <basalt/console.h>
#include <basalt/mm.h>
#include <basalt/options.h>
#include <basalt/lib/format.h>
#include <basalt/lib/string.h>

static struct domain_config configs[MAX_BOOT_DOMAINS];
static char errors[MAX_BOOT_DOMAINS][96];
static bool valid[MAX_BOOT_DOMAINS];
static unsigned int nconfigs, nextra;

bool bootdomain_option(const char *value, void *unused)
{
	if (nconfigs == MAX_BOOT_DOMAINS) {
		nextra++;
		return true; /* reported when the domains are built */
	}
	valid[nconfigs] = bootdomain_parse(value, &configs[nconfigs],
					   errors[nconfigs], sizeof(errors[0]));
	nconfigs++;
	return true;
}

/* The module's string minus a leading path (QEMU and GRUB 1 give it). */
static void module_cmdline(const struct boot_module *m, char *out, size_t len)
{
	const char *s = m->cmdline;
	const char *sp = strchr(s, ' ');
	size_t first = sp ? (size_t)(sp - s) : strlen(s);

	if (memchr(s, '/', first))
		s += first;
	while (*s == ' ')
		s++;
	strlcpy(out, s, len);
}

static uint64_t default_dom0_memory(void)
{
	struct mem_stats st;
	uint64_t free;

	if (opt_dom0_mem)
		return opt_dom0_mem;
	mem_stats_get(&st);
	/* All but what Basalt needs for itself, below the MMIO hole. */
	free = st.free_pages * PAGE_SIZE;
	free = free > 64 * MiB ? free - 64 * MiB : free / 2;
	return MIN(ALIGN_DOWN(free, 2 * MiB), 3 * GiB);
}

unsigned int bootdomains_create(void)
{
	unsigned int created = 0, next_id = 1, initial = 0;

	if (!nconfigs) {
		struct domain_config cfg;

		if (!nr_boot_modules)
			return 0;
		memset(&cfg, 0, sizeof(cfg));
		strlcpy(cfg.name, "Domain-0", sizeof(cfg.name));
		cfg.kernel_module = 0;
		cfg.ramdisk_module = nr_boot_modules > 1 ? 1 : -1;
		cfg.initial = true;
		cfg.memory = default_dom0_memory();
		cfg.vcpus = opt_dom0_max_vcpus ? opt_dom0_max_vcpus : 1;
		cfg.cpu_weight = 256;
		cfg.on_poweroff = cfg.on_reboot = cfg.on_crash = ACTION_DESTROY;
		module_cmdline(&boot_modules[0], cfg.cmdline, sizeof(cfg.cmdline));
		return domain_create(0, &cfg) ? 1 : 0;
	}
	if (nextra)
		pr_err("boot domains: only %u allowed, %u more ignored\n",
		       MAX_BOOT_DOMAINS, nextra);
	for (unsigned int i = 0; i < nconfigs; i++)
		initial += valid[i] && configs[i].initial;
	for (unsigned int i = 0; i < nconfigs; i++) {
		struct domain_config *c = &configs[i];
		unsigned int domid;

		if (!valid[i]) {
			pr_err("domain option %u: %s: domain not built\n", i + 1, errors[i]);
			continue;
		}
		if ((unsigned int)c->kernel_module >= nr_boot_modules ||
		    (c->ramdisk_module >= 0 &&
		     (unsigned int)c->ramdisk_module >= nr_boot_modules)) {
			pr_err("domain option %u: module %d does not exist (%u modules): "
			       "domain not built\n", i + 1,
			       (unsigned int)c->kernel_module >= nr_boot_modules ?
			       c->kernel_module : c->ramdisk_module, nr_boot_modules);
			continue;
		}
		if (c->initial && initial > 1) {
			pr_err("domain option %u: more than one initial domain: "
			       "domain not built\n", i + 1);
			continue;
		}
		domid = c->initial ? 0 : next_id++;
		if (!c->name[0] && c->initial)
			strlcpy(c->name, "Domain-0", sizeof(c->name));
		else if (!c->name[0])
			snprintf(c->name, sizeof(c->name), "domain%u", domid);
		if (domain_create(domid, c))
			created++;
	}
	return created;
}
