// SPDX-License-Identifier: MIT
/*
 * Text form of the typed domain description ("key = value" lines), printed
 * by basalt-xlcfg and compared by the unit tests' golden values.
 */
#include <basalt/xlcfg.h>

const char *xlcfg_action_name(enum xlcfg_action a)
{
	static const char *const names[] = {
		[XLCFG_ACTION_DESTROY] = "destroy",
		[XLCFG_ACTION_RESTART] = "restart",
		[XLCFG_ACTION_RENAME_RESTART] = "rename-restart",
		[XLCFG_ACTION_PRESERVE] = "preserve",
		[XLCFG_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
		[XLCFG_ACTION_COREDUMP_RESTART] = "coredump-restart",
		[XLCFG_ACTION_SOFT_RESET] = "soft-reset",
	};
	return (unsigned)a <= XLCFG_ACTION_SOFT_RESET ? names[a] : "?";
}

static const char *str(const char *s)
{
	return s ? s : "(none)";
}

static void print_disk(FILE *f, size_t i, const struct xlcfg_disk *d)
{
	fprintf(f, "disk[%zu] = target=%s vdev=%s format=%s access=%s%s%s",
		i, str(d->target), str(d->vdev),
		xlcfg_disk_format_name(d->format), d->readwrite ? "rw" : "ro",
		d->is_cdrom ? " cdrom" : "", d->direct_io_safe ?
		" direct-io-safe" : "");
	if (d->backendtype)
		fprintf(f, " backendtype=%s",
			xlcfg_disk_backend_name(d->backendtype));
	if (d->backend_domname)
		fprintf(f, " backend=%s", d->backend_domname);
	if (d->script)
		fprintf(f, " script=%s", d->script);
	if (d->specification)
		fprintf(f, " specification=%s",
			xlcfg_disk_spec_name(d->specification));
	if (d->discard)
		fprintf(f, " %s", d->discard == XLCFG_TRUE ? "discard"
							   : "no-discard");
	if (d->trusted)
		fprintf(f, " %s", d->trusted == XLCFG_TRUE ? "trusted"
							   : "untrusted");
	fputc('\n', f);
}

static void print_vif(FILE *f, size_t i, const struct xlcfg_vif *v)
{
	fprintf(f, "vif[%zu] =", i);
	if (v->has_mac)
		fprintf(f, " mac=%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0],
			v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
	const char *names[] = { "bridge", "ip", "script", "model", "vifname",
				"backend", "type" };
	const char *vals[] = { v->bridge, v->ip, v->script, v->model,
			       v->vifname, v->backend, v->type };
	for (int k = 0; k < 7; k++)
		if (vals[k])
			fprintf(f, " %s=%s", names[k], vals[k]);
	if (v->has_rate)
		fprintf(f, " rate=%llu bytes/%u us",
			(unsigned long long)v->rate.bytes_per_interval,
			v->rate.interval_usecs);
	if (v->mtu)
		fprintf(f, " mtu=%u", v->mtu);
	fputc('\n', f);
}

static void print_pci(FILE *f, size_t i, const struct xlcfg_pci *p)
{
	if (p->name)
		fprintf(f, "pci[%zu] = name=%s", i, p->name);
	else if (p->vfunc_mask == XLCFG_PCI_FUNC_ALL)
		fprintf(f, "pci[%zu] = %04x:%02x:%02x.*", i, p->domain, p->bus,
			p->dev);
	else
		fprintf(f, "pci[%zu] = %04x:%02x:%02x.%x", i, p->domain, p->bus,
			p->dev, p->func);
	if (p->vdevfn)
		fprintf(f, " vslot=%u", p->vdevfn >> 3);
	fprintf(f, " permissive=%d msitranslate=%d seize=%d power_mgmt=%d\n",
		p->permissive, p->msitranslate, p->seize, p->power_mgmt);
}

void xlcfg_domain_print(FILE *f, const struct xlcfg_domain *dom)
{
	char buf[512];

	fprintf(f, "name = %s\n", str(dom->name));
	fprintf(f, "type = %s\n", dom->type == XLCFG_TYPE_PVH ? "pvh" : "hvm");
	fprintf(f, "kernel = %s\n", str(dom->kernel));
	fprintf(f, "ramdisk = %s\n", str(dom->ramdisk));
	fprintf(f, "cmdline = %s\n", str(dom->cmdline));
	fprintf(f, "memory = %llu MiB\n", (unsigned long long)dom->memory_mib);
	fprintf(f, "maxmem = %llu MiB\n", (unsigned long long)dom->maxmem_mib);
	fprintf(f, "vcpus = %u\n", dom->vcpus);
	fprintf(f, "maxvcpus = %u\n", dom->maxvcpus);
	if (!dom->ncpus)
		fprintf(f, "cpus = (no pinning)\n");
	for (size_t i = 0; i < dom->ncpus; i++) {
		xlcfg_cpulist_format(&dom->cpus[i], buf, sizeof(buf));
		if (dom->cpus_per_vcpu)
			fprintf(f, "cpus[vcpu %zu] = %s\n", i, buf);
		else
			fprintf(f, "cpus = %s\n", buf);
	}
	fprintf(f, "cpu_weight = %u\n", dom->cpu_weight);
	fprintf(f, "cap = %u\n", dom->cap);
	fprintf(f, "on_poweroff = %s\n", xlcfg_action_name(dom->on_poweroff));
	fprintf(f, "on_reboot = %s\n", xlcfg_action_name(dom->on_reboot));
	fprintf(f, "on_crash = %s\n", xlcfg_action_name(dom->on_crash));
	fprintf(f, "on_watchdog = %s\n", xlcfg_action_name(dom->on_watchdog));
	fprintf(f, "on_soft_reset = %s\n",
		xlcfg_action_name(dom->on_soft_reset));
	for (size_t i = 0; i < dom->ndisks; i++)
		print_disk(f, i, &dom->disks[i]);
	for (size_t i = 0; i < dom->nvifs; i++)
		print_vif(f, i, &dom->vifs[i]);
	for (size_t i = 0; i < dom->npcis; i++)
		print_pci(f, i, &dom->pcis[i]);
	for (size_t i = 0; i < dom->nserial; i++)
		fprintf(f, "serial[%zu] = %s\n", i, dom->serial[i]);
	if (dom->has_uuid) {
		const uint8_t *u = dom->uuid;
		fprintf(f, "uuid = %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			"%02x%02x%02x%02x%02x%02x\n", u[0], u[1], u[2], u[3],
			u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
			u[13], u[14], u[15]);
	} else {
		fprintf(f, "uuid = (generated at creation)\n");
	}
	fprintf(f, "seclabel = %s\n", str(dom->seclabel));
}
