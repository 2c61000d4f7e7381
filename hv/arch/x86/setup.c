// SPDX-License-Identifier: MIT
/*
 * The boot sequence of the boot CPU, in order, from the 64-bit entry in
 * head.S to the idle loop. Each step depends only on the ones before it.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/paging.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <basalt/acpi.h>
#include <basalt/arch.h>
#include <basalt/bootinfo.h>
#include <basalt/console.h>
#include <basalt/cpu.h>
#include <basalt/drivers/uart.h>
#include <basalt/ipi.h>
#include <basalt/keyhandler.h>
#include <basalt/mm.h>
#include <basalt/options.h>
#include <basalt/panic.h>
#include <basalt/bootdomain.h>
#include <basalt/sched.h>
#include <asm/hvm.h>
#include <basalt/spinlock.h>
#include <basalt/time.h>
#include <basalt/version.h>
#include <basalt/lib/format.h>
#include <basalt/lib/string.h>

void pic_disable(void);
void ioapic_mask_all(const struct acpi_info *acpi);
void start_basalt(uint32_t magic, uint32_t info);
void domain_subsys_init(void);
void rtc_init(void);
__noreturn void boot_finish(void);

struct uart_config console_uart = { 0x3f8, 115200, 8, 'n', 1 };
struct boot_module boot_modules[BOOT_MAX_MODULES];
unsigned int nr_boot_modules;
char basalt_cmdline[BOOT_CMDLINE_MAX];

static struct boot_info boot_info __initdata;
static struct acpi_info acpi __initdata;

extern char __image_start[], __image_end[];

/* Until paging_init, the first 4 GiB are mapped 1:1 (head.S). */
static const void *boot_map(void *ctx, uint64_t paddr, uint64_t len)
{
	if (paddr + len < paddr || paddr + len > 4 * GiB)
		return NULL;
	return phys_to_virt(paddr);
}

static const void *acpi_map(void *ctx, uint64_t paddr, size_t len)
{
	return boot_map(ctx, paddr, len);
}

static void acpi_report(void *ctx, const char *msg)
{
	pr_warn("%s\n", msg);
}

static void __init print_banner(void)
{
	printk(LOG_ALWAYS, "Basalt %s hypervisor (x86-64), %s\n", BASALT_VERSION,
	       BASALT_BUILD_INFO);
	pr_info("Loader: multiboot%s %s, command line: \"%s\"\n",
		boot_info.loader == 2 ? "2" : " v1", boot_info.loader_name,
		boot_info.cmdline);
	for (unsigned int i = 0; i < boot_info.nmmap; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];
		static const char *const types[] = {
			"?", "RAM", "reserved", "ACPI data", "ACPI NVS", "bad" };
		pr_info(" mem %#014llx-%#014llx %s\n", (unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->len - 1), types[e->type]);
	}
	for (unsigned int i = 0; i < boot_info.nmodules; i++)
		pr_info("Module %u: %#llx-%#llx (%llu KiB) \"%s\"\n", i,
			(unsigned long long)boot_info.modules[i].start,
			(unsigned long long)boot_info.modules[i].end,
			(unsigned long long)(boot_info.modules[i].end -
					     boot_info.modules[i].start) / 1024,
			boot_info.modules[i].cmdline);
	if (boot_info.warnings)
		pr_warn("Loader information: %u malformed entries skipped\n",
			boot_info.warnings);
}

static void __init acpi_setup(void)
{
	bool ok = false;
	uint64_t rsdp;

	if (boot_info.have_rsdp) {
		ok = acpi_parse(boot_info.rsdp, boot_info.rsdp_len, 0, acpi_map, NULL,
				acpi_report, &acpi);
	} else if (acpi_find_rsdp(acpi_map, NULL, &rsdp)) {
		const void *p = acpi_map(NULL, rsdp, 36);
		ok = acpi_parse(p, 36, rsdp, acpi_map, NULL, acpi_report, &acpi);
	}
	if (!ok) {
		pr_warn("ACPI: no usable tables: one CPU, no ACPI power-off\n");
		return;
	}
	pr_info("ACPI: RSDP rev %u (%s), OEM '%s', %u CPUs and %u IO-APICs in the MADT%s\n",
		acpi.revision, acpi.used_xsdt ? "XSDT" : "RSDT", acpi.oem_id,
		acpi.ncpus, acpi.nioapics,
		acpi.bad_tables ? ", some tables rejected" : "");
	if (acpi.have_fadt)
		pr_info("ACPI: FADT rev %u, PM1a control %#x, PM timer %#x, "
			"\\_S5 %s (SLP_TYP %u/%u), reset %s %#llx\n",
			acpi.fadt_revision, acpi.pm1a_cnt_blk, acpi.pm_tmr_blk,
			acpi.have_s5 ? "found" : "missing", acpi.s5_typa,
			acpi.s5_typb, acpi.reset_reg_sup ? "register" : "none",
			(unsigned long long)acpi.reset_reg.address);
}

#if CONFIG_TEST
/* Test builds: fresh memory must be zero although free memory is poisoned. */
static void __init selftest_zeroing(void)
{
	bool ok = true;
	void *p[8];

	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = alloc_pages(i % 4);
		for (size_t b = 0; p[i] && b < (PAGE_SIZE << (i % 4)); b++)
			ok &= ((uint8_t *)p[i])[b] == 0;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++)
		free_pages(p[i], i % 4);
	for (size_t size = 8; size <= 65536; size *= 2) {
		uint8_t *o = xzalloc(size);
		for (size_t b = 0; o && b < size; b++)
			ok &= o[b] == 0;
		ok &= o != NULL;
		xfree(o);
	}
	printk(LOG_ALWAYS, "selftest: fresh pages and heap objects are zeroed: %s\n",
	       ok ? "ok" : "FAILED");
}
#endif

void __init start_basalt(uint32_t magic, uint32_t info)
{
	struct cpu *bsp = percpu_boot_cpu();
	bool boot_ok;
	paddr_t trampoline;

	boot_ok = bootinfo_parse(magic, info, boot_map, NULL, &boot_info);
	if (boot_ok) {
		options_parse(boot_info.cmdline);
		strlcpy(basalt_cmdline, boot_info.cmdline, sizeof(basalt_cmdline));
		nr_boot_modules = boot_info.nmodules;
		memcpy(boot_modules, boot_info.modules, sizeof(boot_modules));
	}
	uart_init(&console_uart);
	if (!boot_ok) {
		printk(LOG_ALWAYS, "Basalt: not started by a multiboot loader "
		       "(magic %#x) or no memory map: cannot boot\n", magic);
		arch_halt_forever();
	}
	print_banner();
	options_report();

	idt_init();
	percpu_load(bsp);
	acpi_setup();

	mm_early_init(&boot_info, virt_to_phys(__image_start),
		      virt_to_phys(__image_end));
	trampoline = mm_trampoline_page();
	paging_init(&boot_info, trampoline);
	mm_init_allocator();

	apic_init_boot(acpi.have_madt ? acpi.lapic_address : 0);
	pic_disable();
	ioapic_mask_all(&acpi);
	bsp->apic_id = apic_read_id();
	apic_init_cpu();
	tsc_calibrate();
	pr_info("TSC: %llu.%03llu MHz, APIC timer %llu.%03llu MHz (calibrated against the PIT)\n",
		(unsigned long long)(time_tsc_hz() / 1000000),
		(unsigned long long)(time_tsc_hz() / 1000 % 1000),
		(unsigned long long)(apic_timer_frequency() / 1000000),
		(unsigned long long)(apic_timer_frequency() / 1000 % 1000));

	rtc_init();
	timer_subsys_init();
	timer_queue_init(0);
	ipi_init();
	power_init(&acpi);
	bsp->online = true;
	cpumask_set(&cpu_online_mask, 0);
	nr_cpus_online = 1;
	sched_init_cpu(0);
	domain_subsys_init();
	local_irq_enable();

	if (!hvm_init())
		machine_power_off();
	smp_boot_cpus(&acpi, opt_maxcpus ? opt_maxcpus : NR_CPUS, trampoline);
	pr_info("CPUs: %u online (%u enabled in the MADT%s)\n", nr_cpus_online,
		acpi.ncpus, opt_maxcpus ? ", limited by maxcpus" : "");

	tsc_check_sync();
	keyhandler_init();
	console_input_init();
#if CONFIG_TEST
	selftest_zeroing();
#endif
	spinlock_debug_activate();
}

/* Not boot-only code: it frees the boot-only code it came from. */
void boot_finish(void)
{
	unsigned int n;

	mm_free_init_memory();
	mem_dump();
	n = bootdomains_create();
	printk(LOG_ALWAYS, "Basalt ready: %u CPU%s, %u domain%s ('h' for debug keys)\n",
	       nr_cpus_online, nr_cpus_online == 1 ? "" : "s", n, n == 1 ? "" : "s");
	sched_loop();
}
