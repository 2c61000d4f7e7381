// SPDX-License-Identifier: MIT
/*
 * The option names of xl.cfg(5) (Xen 4.17), sorted for bsearch; used only
 * to word the warning about keys Basalt does not read.
 */
#include <stdlib.h>
#include <string.h>
#include "xlcfg_domain_keys.h"

static const char *const xl_keys[] = {
	"acpi", "acpi_firmware", "acpi_laptop_slate", "acpi_s3",
	"acpi_s4", "altp2m", "altp2mhvm", "apic",
	"bios", "bios_path_override", "boot", "bootloader",
	"bootloader_args", "builder", "cap", "channel",
	"cmdline", "cpu_weight", "cpuid", "cpus",
	"cpus_soft", "device_model_args", "device_model_args_hvm", "device_model_args_pv",
	"device_model_override", "device_model_stubdomain_override", "device_model_stubdomain_seclabel", "device_model_user",
	"device_model_version", "device_tree", "disk", "dm_restrict",
	"driver_domain", "dtdev", "e820_host", "extra",
	"firmware", "gfx_passthru", "gic_version", "hap",
	"hdtype", "hpet", "init_seclabel", "iomem",
	"ioports", "irqs", "kernel", "keymap",
	"localtime", "max_event_channels", "max_grant_frames", "max_grant_version",
	"max_maptrack_frames", "maxmem", "maxvcpus", "mca_caps",
	"memory", "mmio_hole", "ms_vm_genid", "msr_relaxed",
	"name", "nestedhvm", "nographic", "nomigrate",
	"nx", "on_crash", "on_poweroff", "on_reboot",
	"on_soft_reset", "on_watchdog", "oos", "opengl",
	"p9", "pae", "passthrough", "pci",
	"pci_msitranslate", "pci_permissive", "pci_power_mgmt", "pci_seize",
	"pool", "pvcalls", "pvshim", "pvshim_cmdline",
	"pvshim_extra", "pvshim_path", "ramdisk", "rdm",
	"rdm_mem_boundary", "root", "rtc_timeoffset", "sdl",
	"seclabel", "serial", "shadow_memory", "smbios_firmware",
	"soundhw", "spice", "spice_clipboard_sharing", "spice_image_compression",
	"spice_streaming_video", "spiceagent_mouse", "spicedisable_ticketing", "spicehost",
	"spicepasswd", "spiceport", "spicetls_port", "spiceusbredirection",
	"spicevdagent", "stdvga", "stubdomain_cmdline", "stubdomain_kernel",
	"stubdomain_memory", "stubdomain_ramdisk", "tee", "timer_mode",
	"tsc_mode", "type", "usb", "usbctrl",
	"usbdev", "usbdevice", "usbversion", "uuid",
	"vcpus", "vdispl", "vendor_device", "vfb",
	"vga", "videoram", "vif", "viridian",
	"vkb", "vkb_device", "vmtrace_buf_kb", "vnc",
	"vncdisplay", "vnclisten", "vncpasswd", "vncunused",
	"vnuma", "vpmu", "vpt_align", "vsnd",
	"vtpm", "vuart", "xen_platform_pci", "xend_suspend_evtchn_compat",

};

static int cmp(const void *a, const void *b)
{
	return strcmp(a, *(const char *const *)b);
}

bool xlcfg_is_xl_key(const char *name)
{
	return bsearch(name, xl_keys, sizeof(xl_keys) / sizeof(xl_keys[0]),
		       sizeof(xl_keys[0]), cmp) != NULL;
}
