/* SPDX-License-Identifier: MIT */
/*
 * libbasalt's xl.cfg parser: Xen's domain configuration syntax read into
 * generic settings (xlcfg_parse), the device spec strings of xl (disk, pci,
 * vif rate, rdm), and the typed domain description the domain builder uses.
 * Userland (dom0 toolstack) code; see tools/libbasalt/README.md.
 */
#ifndef BASALT_XLCFG_H
#define BASALT_XLCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Diagnostics ------------------------------------------------------- */

enum xlcfg_severity { XLCFG_WARNING, XLCFG_ERROR };

/* Receives one complete message, e.g. "vm.cfg:3:9: error: ...", no newline. */
typedef void (*xlcfg_diag_fn)(void *ctx, enum xlcfg_severity sev,
			      const char *msg);

struct xlcfg_diag {
	const char *source;   /* file name put in front of every message */
	xlcfg_diag_fn fn;     /* NULL: print to stderr */
	void *ctx;
	unsigned int errors;
	unsigned int warnings;
};

void xlcfg_diag_init(struct xlcfg_diag *d, const char *source,
		     xlcfg_diag_fn fn, void *ctx);

/* Report "source:line:col: error|warning: msg"; line 0 omits line and column,
 * col 0 omits the column. d may be NULL (the message is dropped). */
void xlcfg_report(struct xlcfg_diag *d, enum xlcfg_severity sev, int line,
		  int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ---- Generic syntax ----------------------------------------------------- */

enum xlcfg_vtype { XLCFG_STRING, XLCFG_LIST };

/* A value: numbers are kept as their text, as xl does. */
struct xlcfg_value {
	enum xlcfg_vtype type;
	int line, col;
	char *str;                   /* XLCFG_STRING */
	struct xlcfg_value **items;  /* XLCFG_LIST */
	size_t n;
};

struct xlcfg_setting {
	char *name;
	struct xlcfg_value *value;
	bool append;                 /* written with "+=" */
	int line, col;
	bool used;                   /* consumed by the domain layer */
};

/* Settings in file order; a later assignment to a name hides earlier ones. */
struct xlcfg {
	struct xlcfg_setting *set;
	size_t n, cap;
};

/*
 * Parse xl.cfg text (len bytes, need not be NUL-terminated) into cfg, which
 * must be zeroed. Every syntax error is reported through d with line and
 * column. Returns 0, or -1 when there was any error (cfg then holds what was
 * read before the first error and must still be freed).
 */
int xlcfg_parse(struct xlcfg *cfg, const char *text, size_t len,
		struct xlcfg_diag *d);
/* The same over a file; an unreadable file is one error naming it. */
int xlcfg_parse_file(struct xlcfg *cfg, const char *path, struct xlcfg_diag *d);
void xlcfg_free(struct xlcfg *cfg);

/* The setting in force for name (the last assignment), or NULL. */
struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg, const char *name);

/*
 * Typed getters with libxlutil's results: 0; ESRCH when name is not set;
 * EINVAL when the value has the wrong shape or is no number; ERANGE when it
 * does not fit a long. Numbers are read like strtol(s, 0): decimal, 0x hex,
 * 0 octal. With a non-NULL d, EINVAL and ERANGE are also reported there.
 */
int xlcfg_get_string(const struct xlcfg *cfg, const char *name,
		     const char **out, struct xlcfg_diag *d);
int xlcfg_get_long(const struct xlcfg *cfg, const char *name, long *out,
		   struct xlcfg_diag *d);
int xlcfg_get_list(const struct xlcfg *cfg, const char *name,
		   const struct xlcfg_value **out, struct xlcfg_diag *d);

/* ---- Disk specs (xl-disk-configuration(5)) ------------------------------ */

enum xlcfg_disk_format {
	XLCFG_FORMAT_UNKNOWN, XLCFG_FORMAT_QCOW, XLCFG_FORMAT_QCOW2,
	XLCFG_FORMAT_VHD, XLCFG_FORMAT_RAW, XLCFG_FORMAT_EMPTY, XLCFG_FORMAT_QED,
};
enum xlcfg_disk_backend {
	XLCFG_BACKEND_UNKNOWN, XLCFG_BACKEND_PHY, XLCFG_BACKEND_TAP,
	XLCFG_BACKEND_QDISK, XLCFG_BACKEND_STANDALONE,
};
enum xlcfg_disk_spec {
	XLCFG_SPEC_UNKNOWN, XLCFG_SPEC_XEN, XLCFG_SPEC_VIRTIO,
};
enum xlcfg_tristate { XLCFG_DEFAULT, XLCFG_FALSE, XLCFG_TRUE };

struct xlcfg_disk {
	char *target;           /* pdev_path: NULL when never given */
	char *vdev;
	char *backend_domname;
	char *script;
	enum xlcfg_disk_format format;
	enum xlcfg_disk_backend backendtype;
	enum xlcfg_disk_spec specification;
	bool readwrite, is_cdrom, removable, direct_io_safe;
	enum xlcfg_tristate discard, trusted, colo;
	char *colo_host, *colo_export, *active_disk, *hidden_disk;
	int colo_port;
};

/* Receives one problem with a spec string, worded as libxlutil words it
 * ("unknown value for format: near `xvda'"). */
typedef void (*xlcfg_spec_err_fn)(void *ctx, const char *msg);

/*
 * Parse one disk spec string into *disk (zeroed by the call). Every problem
 * goes to err (may be NULL). Returns 0 or EINVAL (or ENOMEM).
 */
int xlcfg_disk_parse(const char *spec, struct xlcfg_disk *disk,
		     xlcfg_spec_err_fn err, void *ctx);
void xlcfg_disk_free(struct xlcfg_disk *disk);
const char *xlcfg_disk_format_name(enum xlcfg_disk_format f);
const char *xlcfg_disk_backend_name(enum xlcfg_disk_backend b);
const char *xlcfg_disk_spec_name(enum xlcfg_disk_spec s);

/* ---- PCI specs (xl-pci-configuration(5)) and rdm ------------------------ */

#define XLCFG_PCI_FUNC_ALL 0xffffffffu

enum xlcfg_rdm_policy {
	XLCFG_RDM_POLICY_INVALID = -1, XLCFG_RDM_POLICY_STRICT = 0,
	XLCFG_RDM_POLICY_RELAXED = 1,
};

struct xlcfg_pci {
	unsigned int domain, bus, dev, func;
	uint32_t vdevfn;        /* vslot << 3 */
	uint32_t vfunc_mask;    /* 1, or XLCFG_PCI_FUNC_ALL for "*" */
	bool msitranslate, power_mgmt, permissive, seize;
	enum xlcfg_rdm_policy rdm_policy;
	char *name;
};

/* A bare BDF "[DDDD:]BB:DD.F" (F may be "*"): 0 or EINVAL. */
int xlcfg_pci_parse_bdf(const char *str, struct xlcfg_pci *pci);
/* A full PCI_SPEC_STRING: BDF[@VSLOT][,KEY=VALUE...]; 0, EINVAL or ENOMEM.
 * *pci is zeroed by the call. */
int xlcfg_pci_parse_spec(const char *str, struct xlcfg_pci *pci,
			 xlcfg_spec_err_fn err, void *ctx);
void xlcfg_pci_free(struct xlcfg_pci *pci);

enum xlcfg_rdm_strategy { XLCFG_RDM_STRATEGY_IGNORE, XLCFG_RDM_STRATEGY_HOST };
struct xlcfg_rdm {
	enum xlcfg_rdm_strategy strategy;
	enum xlcfg_rdm_policy policy;
};
/* rdm = "strategy=host,policy=relaxed": 0 or EINVAL. */
int xlcfg_rdm_parse(const char *str, struct xlcfg_rdm *rdm,
		    xlcfg_spec_err_fn err, void *ctx);

/* ---- vif specs (xl-network-configuration(5)) ----------------------------- */

struct xlcfg_vif_rate {
	uint64_t bytes_per_interval;
	uint32_t interval_usecs;
};

/* "RATE[@INTERVAL]" e.g. "10Mb/s@20ms": 0, EINVAL or EOVERFLOW (libxlutil's
 * codes); the message names the problem. */
int xlcfg_vif_parse_rate(const char *str, struct xlcfg_vif_rate *rate,
			 xlcfg_spec_err_fn err, void *ctx);

struct xlcfg_vif {
	bool has_mac;
	uint8_t mac[6];
	char *bridge, *ip, *script, *model, *vifname, *backend, *type;
	bool has_rate;
	struct xlcfg_vif_rate rate;
	unsigned int mtu;       /* 0: backend default */
};

/* One NET_SPEC_STRING: comma-separated KEY=VALUE. Unknown keys are warned
 * about through warn, bad values are errors through err. 0 or EINVAL. */
int xlcfg_vif_parse(const char *spec, struct xlcfg_vif *vif,
		    xlcfg_spec_err_fn err, xlcfg_spec_err_fn warn, void *ctx);
void xlcfg_vif_free(struct xlcfg_vif *vif);

/* ---- CPU lists (xl.cfg(5) "cpus") ---------------------------------------- */

/* One step of a CPU list, applied left to right: set or clear a range of
 * CPUs, of NUMA nodes, or all CPUs. Kept symbolic because "all" and "node:"
 * depend on the host; xlcfg_cpus_resolve() applies a topology. */
struct xlcfg_cpu_op {
	bool clear;             /* "^" */
	enum { XLCFG_CPUS_ALL, XLCFG_CPUS_CPU, XLCFG_CPUS_NODE } kind;
	unsigned int lo, hi;    /* inclusive */
};

struct xlcfg_cpulist {
	struct xlcfg_cpu_op *ops;
	size_t n;
};

#define XLCFG_MAX_CPUS 4096u

/* Parse "all", "0-3,5,^1", "nodes:0-1,^node:2"...: 0 or EINVAL (message
 * through err). */
int xlcfg_cpulist_parse(const char *str, struct xlcfg_cpulist *l,
			xlcfg_spec_err_fn err, void *ctx);
/* Apply l for a host of ncpus CPUs into map (ncpus bits, little-endian
 * bytes); node_of(cpu) gives a CPU's node (NULL: every CPU on node 0). */
void xlcfg_cpulist_resolve(const struct xlcfg_cpulist *l, unsigned int ncpus,
			   int (*node_of)(unsigned int cpu), uint8_t *map);
/* Canonical text: "+all -3 +0-2 +node:1". buf NUL-terminated, truncated. */
void xlcfg_cpulist_format(const struct xlcfg_cpulist *l, char *buf,
			  size_t size);
void xlcfg_cpulist_free(struct xlcfg_cpulist *l);

/* ---- The typed domain description --------------------------------------- */

enum xlcfg_domtype { XLCFG_TYPE_PVH, XLCFG_TYPE_HVM };

enum xlcfg_action {
	XLCFG_ACTION_DESTROY, XLCFG_ACTION_RESTART,
	XLCFG_ACTION_RENAME_RESTART, XLCFG_ACTION_PRESERVE,
	XLCFG_ACTION_COREDUMP_DESTROY, XLCFG_ACTION_COREDUMP_RESTART,
	XLCFG_ACTION_SOFT_RESET,
};

struct xlcfg_domain {
	char *name;
	enum xlcfg_domtype type;
	char *kernel, *ramdisk;
	char *cmdline;              /* from cmdline, or root= and extra= */
	uint64_t memory_mib;        /* default 32 (libxl's default) */
	uint64_t maxmem_mib;        /* default: memory */
	unsigned int vcpus;         /* default 1 */
	unsigned int maxvcpus;      /* default: vcpus */
	/* cpus: none (no pinning), one list for every vCPU, or one per vCPU */
	struct xlcfg_cpulist *cpus;
	size_t ncpus;
	bool cpus_per_vcpu;
	unsigned int cpu_weight;    /* default 256 */
	unsigned int cap;           /* default 0: no cap */
	enum xlcfg_action on_poweroff, on_reboot, on_crash, on_watchdog,
		on_soft_reset;
	struct xlcfg_disk *disks;
	size_t ndisks;
	struct xlcfg_vif *vifs;
	size_t nvifs;
	struct xlcfg_pci *pcis;
	size_t npcis;
	char **serial;
	size_t nserial;
	bool has_uuid;
	uint8_t uuid[16];
	char *seclabel;
};

/*
 * Build the typed description from parsed settings, applying xl's defaults
 * (xl.cfg(5)). Reports every problem through d (errors name the key, file
 * and line; unknown keys are warnings). Returns 0, or -1 with *dom freed.
 */
int xlcfg_domain_from_config(struct xlcfg *cfg, struct xlcfg_domain *dom,
			     struct xlcfg_diag *d);
/* Parse a file and build its domain: 0 or -1. */
int xlcfg_domain_load(const char *path, struct xlcfg_domain *dom,
		      struct xlcfg_diag *d);
void xlcfg_domain_free(struct xlcfg_domain *dom);
/* Print the description as "key = value" lines, for people and tests. */
void xlcfg_domain_print(FILE *f, const struct xlcfg_domain *dom);
const char *xlcfg_action_name(enum xlcfg_action a);

/* ---- Canonical dump (shared with the libxlutil differential test) ------- */

/* Print the parse result and keys in the form of
 * tests/system/xlcfg_diff/xlu_dump.c. */
void xlcfg_dump(FILE *f, const char *path, char **keys, int nkeys);

#endif /* BASALT_XLCFG_H */
