// SPDX-License-Identifier: MIT
/*
 * The PVH domain builder: guest RAM from 0 (the low 1 MiB included), the
 * kernel ELF loaded at its physical addresses, the ramdisk at the top of
 * RAM, and the start-of-day structures (hvm_start_info, module list,
 * memory map, command line) in a reserved area below 1 MiB. vCPU 0 starts
 * at the kernel's PVH entry with EBX pointing at hvm_start_info.
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/page.h>
#include <asm/vlapic.h>
#include "acpi_build.h"
#include <basalt/bootinfo.h>
#include <basalt/console.h>
#include <basalt/console_ring.h>
#include <basalt/domain.h>
#include <basalt/errno.h>
#include <basalt/pvh_elf.h>
#include <basalt/bzimage.h>
#include <basalt/mm.h>
#include <basalt/time.h>
#include <basalt/lib/string.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/xen.h>
#include <public/hvm/params.h>

#define INFO_AREA      0xe0000ull   /* reserved in the guest's memory map */
#define INFO_AREA_END  0x100000ull
#define START_INFO     (INFO_AREA)
#define MODLIST        (INFO_AREA + 0x100)
#define MEMMAP         (INFO_AREA + 0x200)
#define CMDLINE        (INFO_AREA + 0x400)  /* up to 3 KiB */
#define ACPI_TABLES    (INFO_AREA + 0x1000)
#define CONSOLE_RING   (INFO_AREA + 0x2000)
#define E820_RAM       1
#define E820_RESERVED  2

int arch_domain_build(struct domain *d);
void arch_domain_teardown(struct domain *d);
unsigned int arch_domain_memory_map(struct domain *d, void *buf,
				    unsigned int max_entries);

struct e820 {
	uint64_t addr, size;
	uint32_t type;
} __packed;

static unsigned int memory_map(struct domain *d, struct hvm_memmap_table_entry *m)
{
	m[0] = (struct hvm_memmap_table_entry){ 0, INFO_AREA, E820_RAM, 0 };
	m[1] = (struct hvm_memmap_table_entry){ INFO_AREA, INFO_AREA_END - INFO_AREA,
						E820_RESERVED, 0 };
	m[2] = (struct hvm_memmap_table_entry){ INFO_AREA_END,
						d->cfg.memory - INFO_AREA_END,
						E820_RAM, 0 };
	return 3;
}

unsigned int arch_domain_memory_map(struct domain *d, void *buf,
				    unsigned int max_entries)
{
	struct hvm_memmap_table_entry m[3];
	unsigned int n = memory_map(d, m);
	struct e820 *out = buf;

	if (n > max_entries)
		n = max_entries;
	for (unsigned int i = 0; i < n; i++) {
		out[i].addr = m[i].addr;
		out[i].size = m[i].size;
		out[i].type = m[i].type;
	}
	return n;
}

#define MAX_VMLINUX (512 * MiB)

static unsigned int order_for(uint64_t bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/*
 * A bzImage (what Debian ships as /boot/vmlinuz-*) carries the kernel ELF
 * xz-compressed: decompress it into staging memory first. The size comes
 * from the image's trailer, which is not trusted: it is checked against
 * the domain's memory before anything is written.
 */
static int unpack_bzimage(struct domain *d, const struct boot_module *m,
			  void **staging, unsigned int *order, uint64_t *size)
{
	const uint8_t *payload;
	size_t payload_len;
	uint64_t out_len;
	char err[128];
	void *work;
	unsigned int work_order;
	uint64_t t0 = now_ns();
	bool ok;

	if (!bzimage_payload(phys_to_virt(m->start), m->end - m->start, &payload,
			     &payload_len, &out_len, err, sizeof(err))) {
		pr_err("d%u (%s): kernel module %d is neither an ELF nor a usable "
		       "bzImage: %s\n", d->domid, d->name, d->cfg.kernel_module, err);
		return -EINVAL;
	}
	if (out_len > d->cfg.memory || out_len > MAX_VMLINUX) {
		pr_err("d%u (%s): kernel module %d claims %llu MiB uncompressed, "
		       "more than the domain's %llu MiB\n", d->domid, d->name,
		       d->cfg.kernel_module, (unsigned long long)(out_len >> 20),
		       (unsigned long long)(d->cfg.memory >> 20));
		return -E2BIG;
	}
	*order = order_for(out_len);
	work_order = order_for(bzimage_work_size());
	*staging = alloc_pages(*order);
	work = alloc_pages(work_order);
	if (!*staging || !work) {
		free_pages(*staging, *order);
		free_pages(work, work_order);
		pr_err("d%u (%s): no memory to decompress the kernel (%llu MiB)\n",
		       d->domid, d->name, (unsigned long long)(out_len >> 20));
		return -ENOMEM;
	}
	ok = bzimage_decompress(phys_to_virt(m->start), m->end - m->start,
				*staging, out_len, work, PAGE_SIZE << work_order,
				err, sizeof(err));
	free_pages(work, work_order);
	if (!ok) {
		free_pages(*staging, *order);
		pr_err("d%u (%s): kernel module %d: %s\n", d->domid, d->name,
		       d->cfg.kernel_module, err);
		return -EINVAL;
	}
	*size = out_len;
	pr_info("d%u (%s): kernel decompressed: %llu KiB -> %llu KiB in %llu ms\n",
		d->domid, d->name, (unsigned long long)payload_len / 1024,
		(unsigned long long)out_len / 1024,
		(unsigned long long)((now_ns() - t0) / 1000000));
	return 0;
}

static int load_elf(struct domain *d, const uint8_t *image, uint64_t len,
		    uint32_t *entry, uint64_t *kernel_end, char *err, size_t errlen);

static int load_kernel(struct domain *d, const struct boot_module *m,
		       uint32_t *entry, uint64_t *kernel_end)
{
	char err[128];
	const uint8_t *image = phys_to_virt(m->start);
	uint64_t len = m->end - m->start;
	void *staging = NULL;
	unsigned int order = 0;
	int rc = 0;

	if (len < 4 || image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' ||
	    image[3] != 'F') {
		rc = unpack_bzimage(d, m, &staging, &order, &len);
		if (rc)
			return rc;
		image = staging;
	}
	rc = load_elf(d, image, len, entry, kernel_end, err, sizeof(err));
	free_pages(staging, order);
	return rc;
}

static int load_elf(struct domain *d, const uint8_t *image, uint64_t len,
		    uint32_t *entry, uint64_t *kernel_end, char *err, size_t errlen)
{
	struct pvh_image img;

	if (!pvh_elf_parse(image, len, d->cfg.memory, &img, err, errlen)) {
		pr_err("d%u (%s): kernel module %d rejected: %s\n", d->domid,
		       d->name, d->cfg.kernel_module, err);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < img.nsegs; i++) {
		const struct pvh_segment *s = &img.segs[i];
		if (s->paddr < INFO_AREA_END && s->paddr + s->memsz > INFO_AREA) {
			pr_err("d%u (%s): kernel segment %#llx-%#llx overlaps the "
			       "start-of-day area %#llx-%#llx\n", d->domid, d->name,
			       (unsigned long long)s->paddr,
			       (unsigned long long)(s->paddr + s->memsz),
			       INFO_AREA, INFO_AREA_END);
			return -EINVAL;
		}
		/* The rest (memsz - filesz) is fresh memory: already zero. */
		if (gpa_write(d, s->paddr, image + s->offset, s->filesz))
			return -EFAULT;
	}
	*entry = img.entry;
	*kernel_end = img.highest;
	return 0;
}

static int build_start_info(struct domain *d, uint64_t kernel_end)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.flags = d->is_initial ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0,
		.memmap_paddr = MEMMAP,
	};
	struct hvm_memmap_table_entry map[3];
	struct hvm_modlist_entry mod = { 0 };
	size_t clen = strlen(d->cfg.cmdline);

	si.memmap_entries = memory_map(d, map);
	if (acpi_build_tables(d, ACPI_TABLES, &si.rsdp_paddr))
		return -EFAULT;
	if (clen) {
		if (gpa_write(d, CMDLINE, d->cfg.cmdline, clen + 1))
			return -EFAULT;
		si.cmdline_paddr = CMDLINE;
	}
	if (d->cfg.ramdisk_module >= 0) {
		const struct boot_module *rd = &boot_modules[d->cfg.ramdisk_module];
		uint64_t size = rd->end - rd->start;
		uint64_t at = (d->cfg.memory - size) & PAGE_MASK;

		if (size > d->cfg.memory || at < kernel_end || at < INFO_AREA_END) {
			pr_err("d%u (%s): ramdisk (%llu KiB) does not fit in %llu MiB "
			       "above the kernel\n", d->domid, d->name,
			       (unsigned long long)size / 1024,
			       (unsigned long long)(d->cfg.memory >> 20));
			return -ENOMEM;
		}
		if (gpa_write(d, at, phys_to_virt(rd->start), size))
			return -EFAULT;
		mod.paddr = at;
		mod.size = size;
		si.nr_modules = 1;
		si.modlist_paddr = MODLIST;
		if (gpa_write(d, MODLIST, &mod, sizeof(mod)))
			return -EFAULT;
	}
	if (gpa_write(d, MEMMAP, map, sizeof(map)) ||
	    gpa_write(d, START_INFO, &si, sizeof(si)))
		return -EFAULT;
	return 0;
}

int arch_domain_build(struct domain *d)
{
	uint32_t entry;
	uint64_t kernel_end;
	int rc;

	rc = p2m_populate_ram(&d->p2m, 0, d->cfg.memory);
	if (rc) {
		pr_err("d%u (%s): not enough memory for %llu MiB\n", d->domid,
		       d->name, (unsigned long long)(d->cfg.memory >> 20));
		return rc;
	}
	rc = load_kernel(d, &boot_modules[d->cfg.kernel_module], &entry, &kernel_end);
	if (rc)
		return rc;
	rc = build_start_info(d, kernel_end);
	if (rc)
		return rc;
	/* hvc0: the console ring in the reserved area; no xenstore yet
	 * (STORE_PFN 0: Linux boots on without PV devices). */
	rc = console_ring_setup(d, CONSOLE_RING);
	if (rc)
		return rc;
	d->hvm_params[HVM_PARAM_CONSOLE_PFN] = CONSOLE_RING >> PAGE_SHIFT;
	d->hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = d->console_port;
	d->hvm_params[HVM_PARAM_STORE_PFN] = 0;
	vpit_init(&d->arch.pit);
	spin_lock_init(&d->arch.pit_lock, "vpit");
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		vlapic_init(d->vcpus[i]);
		d->vcpus[i]->arch.msr_pat = 0x0007040600070406ull;
		hvm->set_tsc_offset(d->vcpus[i], 0);
	}
	hvm->vcpu_reset_pvh(d->vcpus[0], entry, (uint32_t)START_INFO);
	d->vcpus[0]->initialised = true;  /* VCPUOP_initialise: -EEXIST */
	pr_info("d%u (%s): %s domain, %llu MiB, %u vCPU%s, entry %#x%s%s\n",
		d->domid, d->name, d->is_initial ? "initial" : "unprivileged",
		(unsigned long long)(d->cfg.memory >> 20), d->nr_vcpus,
		d->nr_vcpus == 1 ? "" : "s", entry,
		d->cfg.cmdline[0] ? ", cmdline: " : "", d->cfg.cmdline);
	return 0;
}

void arch_domain_teardown(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i])
			vlapic_destroy(d->vcpus[i]);
}
