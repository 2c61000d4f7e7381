/* SPDX-License-Identifier: MIT */
/*
 * Domains and vCPUs. A domain owns its memory (through its p2m), its
 * vCPUs and its console; it is reference counted and freed only when the
 * last reference goes, after it has been destroyed.
 */
#ifndef BASALT_DOMAIN_H
#define BASALT_DOMAIN_H

#include <asm/domain.h>
#include <basalt/compiler.h>
#include <basalt/cpumask.h>
#include <basalt/event.h>
#include <basalt/p2m.h>
#include <basalt/spinlock.h>
#include <basalt/timer.h>
#include <basalt/types.h>

#define DOMAIN_NAME_MAX   32
#define DOMAIN_MAX_VCPUS  64
#define DOMAIN_CMDLINE_MAX 1024
#define CONSOLE_HISTORY   16   /* lines kept for crash reports */
#define HVM_PARAMS        40
#define GRANT_FRAMES_MAX  32
#define SCHED_POLL_MAX    128  /* ports in one SCHEDOP_poll, as in Xen */

enum domain_action { ACTION_DESTROY, ACTION_RESTART, ACTION_PRESERVE };

/* What a boot-time domain is made from (hypervisor command line). */
struct domain_config {
	char name[DOMAIN_NAME_MAX];
	int kernel_module;          /* index into the boot modules */
	int ramdisk_module;         /* -1: none */
	bool initial;               /* the initial domain (dom0) role */
	uint64_t memory;            /* bytes */
	unsigned int vcpus;
	enum domain_action on_poweroff, on_reboot, on_crash;
	unsigned int cpu_weight;    /* scheduler weight, 1..65535 (256) */
	unsigned int cap;           /* % of one CPU, 0: no cap */
	cpumask_t cpus;             /* hard affinity of every vCPU */
	char cmdline[DOMAIN_CMDLINE_MAX];
};

enum vcpu_state { VCPU_RUNNABLE, VCPU_BLOCKED, VCPU_DOWN };

struct vcpu {
	unsigned int vcpu_id;
	struct domain *domain;
	unsigned int processor;       /* host CPU it runs on */
	enum vcpu_state state;
	int pause_count;
	bool running;                 /* on a host CPU right now */
	bool timers_moving;           /* its timers follow it to processor */
	void *sched_priv;             /* the scheduling policy's */
	cpumask_t affinity;           /* host CPUs it may run on */
	uint64_t runtime_ns;          /* CPU time used, in total */
	uint64_t last_start_ns;
	/* Xen's runstate: time in each RUNSTATE_* since creation. */
	unsigned int runstate;
	uint64_t runstate_entry_ns;
	uint64_t runstate_time[4];

	/* Xen ABI state */
	bool initialised;                /* has registers: VCPUOP_up may start it */
	int virq_port[NR_VIRQS_BASALT];  /* per-vCPU virtual IRQs */
	uint64_t vcpu_info_gpa;          /* registered vcpu_info */
	bool vcpu_info_registered;       /* else the shared-info slot */
	uint64_t runstate_gva;           /* registered runstate area, 0: none */
	bool runstate_compat;            /* in the 32-bit layout */
	struct timer singleshot;         /* VCPUOP_set_singleshot_timer */
	/* SCHEDOP_poll: the ports it waits on while polling */
	bool polling;
	unsigned int poll_nr;
	uint32_t poll_ports[SCHED_POLL_MAX];
	struct timer poll_timer;

	struct vcpu_arch arch;
};

enum domain_state { DOMAIN_RUNNING, DOMAIN_SHUTDOWN, DOMAIN_DYING };

struct domain {
	unsigned int domid;
	char name[DOMAIN_NAME_MAX];
	struct domain_config cfg;
	bool is_initial;
	int refcount;
	enum domain_state state;
	int pause_count;
	unsigned int shutdown_reason;  /* SHUTDOWN_* when state == SHUTDOWN */
	unsigned int shutdown_code;
	bool crash_reported;           /* by domain_crash, before shutdown */
	spinlock_t lock;

	unsigned int nr_vcpus;
	struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
	void *sched_priv;              /* the scheduling policy's */
	unsigned int nr_polling;       /* vCPUs in SCHEDOP_poll (atomic) */

	struct p2m p2m;
	void *shared_info;             /* one page, zeroed */
	uint64_t shared_info_gfn;      /* ~0: not mapped */
	uint64_t hvm_params[HVM_PARAMS];
	struct evtchn *evtchn;         /* EVTCHN_PORTS entries */
	void *grant_frames[GRANT_FRAMES_MAX]; /* v1 grant table */
	unsigned int grant_nr_frames;
	uint64_t grant_frame_gfn[GRANT_FRAMES_MAX]; /* where mapped, ~0: not */
	uint64_t console_gpa;          /* PV console ring page, 0: none */
	uint32_t console_port;
	spinlock_t evtchn_lock;

	/* console: current line and the last lines, for crash reports */
	char con_line[240];
	unsigned int con_len;
	char con_history[CONSOLE_HISTORY][240];
	char con_panic[240];           /* the guest's last "panic" line */
	unsigned int con_history_next;
	uint64_t log_tokens;           /* rate limit for guest-caused lines */
	uint64_t log_refill_ns;

	struct domain *next;           /* in the domain list */
	struct domain_arch arch;
};

/* Create a domain from cfg with id domid (its memory, vCPUs, image);
 * returns NULL and prints why on failure. */
struct domain *domain_create(unsigned int domid, const struct domain_config *cfg);
/* Stop the domain for good: vCPUs off, memory freed when the last
 * reference goes. */
void domain_destroy(struct domain *d);
/* Guest-requested or fatal end: applies cfg's on_* action. */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Crash the domain with a reason (one log line, rate limited). */
__printf(2, 3) void domain_crash(struct domain *d, const char *fmt, ...);
/* Take v down (VCPUOP_down, HLT with interrupts off); the last vCPU of
 * the domain going down powers the domain off, as in Xen. */
void vcpu_down(struct vcpu *v);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void domain_get(struct domain *d);
void domain_put(struct domain *d);
struct domain *domain_by_id(unsigned int domid);
unsigned int domain_count(void);
/* The running domain with the smallest id above after (-1: the first). */
struct domain *domain_next(int after);
void domain_dump_all(void);
/* Call fn on every domain, under the domain-list lock (fn must not
 * create or destroy domains). */
void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg);
/* Rate limit for lines a guest can cause: true if it may log now. */
bool domain_may_log(struct domain *d);
/* Bytes from the guest's console (console_io, port 0xE9). */
void domain_console_put(struct domain *d, const char *buf, size_t len);

#define current (this_cpu()->current_vcpu)

#endif /* BASALT_DOMAIN_H */
