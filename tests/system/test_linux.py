#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Debian's stock Linux kernel (linux-image-amd64's current image, resolved
at run time) on each hypervisor, with the test initramfs of tests/linux/.
The guest reports what it sees (tests/linux/initramfs/test/tests/*.sh);
this script timestamps every console line on the host and judges.

Columns:
  xen     Xen 4.17 with the kernel as PVH dom0 (the role Xen boots
          directly); the reference that validates the expectations.
  basalt  build/basalt.elf with the kernel as an unprivileged boot-time
          domain.

Cases (one line each: "PASS <case>@<hv> ..." or "FAIL <case>@<hv> <why>"):
  hypervisor  /sys/hypervisor: type xen, version major 4, features word
  time        sleep 5 against host time and the guest's monotonic clock,
              drift over 20 s, date +%s against the host clock
  fpu         SSE + x87 and busybox awk checksums equal the host's
  dmesg       kernel log free of WARNING/BUG:/Call Trace/Oops/unchecked
              MSR access; every warning-or-worse line is allow-listed in
              tests/system/dmesg-allow.txt
  idle        QEMU's CPU time while the guest sits at a shell prompt
  console-input  a line typed on the serial port reaches the guest's shell
  poweroff    `poweroff` typed at the shell ends the domain
  reboot      `reboot -f`
  panic       echo c > /proc/sysrq-trigger
The first seven share one boot; reboot and panic get one each.

  test_linux.py                      both columns
  test_linux.py --hv xen time        one case on one column
  test_linux.py --hv basalt,xen      both columns
"""
import argparse
import os
import re
import subprocess
import sys
import time

# No __pycache__ next to the sources (the tree is committed as is).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "lib"))
from qemu import TOP, Qemu, QemuError  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
import linuxboot  # noqa: E402
import mkinitramfs  # noqa: E402
from linuxboot import HVS  # noqa: E402

ALLOW = os.path.join(TOP, "tests", "system", "dmesg-allow.txt")
MAIN_CASES = ("hypervisor", "time", "fpu", "dmesg", "idle", "console-input",
              "poweroff")
CASES = MAIN_CASES + ("reboot", "panic", "fpu-beside-domain")
# Guest scripts run by the main boot, in this order: dmesg goes last so that
# it also catches anything the time and FPU checks provoked.
MAIN_SCRIPTS = ("hypervisor", "time", "fpu", "dmesg")

# What each hypervisor is expected to show where they legitimately differ.
EXPECT = {
    "xen": {
        # XENVER_get_features as Xen 4.17 gives its PVH dom0: bits 0
        # writable_page_tables, 2 auto_translated_physmap, 8
        # hvm_callback_vector, 9 hvm_safe_pvclock, 11 dom0, 13
        # memory_op_vnode_supported, 16 not_direct_mapped (recorded on this bed).
        "features": 0x00012b05,
        # A PVH dom0 powers off through ACPI S5 itself (its PM1a_CNT write
        # reaches QEMU's chipset; Xen prints nothing), so QEMU ends with
        # guest-shutdown. ("halt" is what Xen does when dom0 asks through
        # SCHEDOP_shutdown, as the small test kernels do.)
        "poweroff": "guest-shutdown",
        # Dom0 reboot or crash resets the machine (after 5 s for a crash).
        "reboot": "reset",
        "panic": "reset",
        # Report QEMU's idle CPU cost only: Xen is the reference here.
        "idle_max": None,
    },
    "basalt": {
        # An unprivileged PVH domain: bits 0, 2, 8, 9, 16 (docs/SUPPORT.md).
        # Xen 4.17 gives a domU 0x00012305: Basalt does not set 13
        # (memory_op_vnode_supported) since it has no vNUMA operations.
        "features": 0x00010305,
        # The last domain gone, Basalt powers off: QMP guest-shutdown.
        "poweroff": "guest-shutdown",
        # The domain restarts from scratch (marker twice), then powers off.
        "reboot": "restart",
        # Reported as a crash with the reason and the last console lines,
        # then the machine powers off (no domain left).
        "panic": "crash-report",
        "idle_max": 10.0,
    },
}
# Basalt's own console lines the lifecycle cases look for (hv/common/domain.c).
BASALT_RX = {
    "poweroff": r"d\d+ \(linux\): shut down: poweroff",
    "reboot": r"d\d+ \(linux\): shut down: reboot .*action restart",
    "restarted": r"d\d+ \(linux\): restarted",
    "crash": r"d\d+ \(linux\)(?: crashed:|: shut down: crash)",
    # Basalt's own lines ("dN ...", not the guest's "(dN) ..."): the panic
    # reason, which the guest printed ~35 lines before it asked to crash
    # (the stack dump follows it), so Basalt must pick it out, not just
    # replay the last lines.
    "crash_reason": r"^(?:\[\s*[\d.]+\]\s*)?d\d+\b.*sysrq triggered crash",
    "last_console": r"^(?:\[\s*[\d.]+\]\s*)?d\d+ last console: ",
    "last_gone": r"Last domain gone: powering off",
}
XEN_RX = {
    "halt": r"\(XEN\) Hardware Dom0 halted: halting machine",
    "reboot": r"\(XEN\) Hardware Dom0 shutdown: rebooting machine",
    "crash": r"\(XEN\) Hardware Dom0 crashed: rebooting machine in 5 seconds",
}

# A guest line, after an optional Basalt timestamp and domain prefix.
PREFIX = r"^(?:\[\s*[\d.]+\]\s*)?(?:\(d\d+\)\s?)?"
PROTO = re.compile(PREFIX + r"(?:BEGIN (\d+)|END|(PASS|FAIL|SKIP) (\S+)\s*(.*?))\s*$")
FACT = re.compile(PREFIX + r"FACT (\w+)=(.*?)\s*$")
MARKER = PREFIX + r"BASALT-LINUX-USERSPACE uptime=([\d.]+)"
FORBIDDEN = re.compile(r"WARNING|BUG:|Call Trace|Oops|unchecked MSR access")
# Lines of any level that name a problem must be allow-listed too.
SUSPECT = re.compile(r"(?i)\b(error|fail(ed|ure|s)?|unable|invalid|bad|"
                     r"corrupt|firmware bug|\[Firmware Bug\]|not supported|"
                     r"timed? ?out|refused|denied|cannot|can't)\b")
BOOT_TIMEOUT = 150      # QEMU start to the user-space marker, loaded host


class CaseFailure(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise CaseFailure(msg)


# --- preparation ---------------------------------------------------------

def load_allow():
    """dmesg-allow.txt: 'REGEX  # reason' per line; '@xen ' or '@basalt '
    before the regex limits it to one column."""
    rules = []
    for n, raw in enumerate(open(ALLOW), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if " # " not in raw:
            raise SystemExit(f"{ALLOW}:{n}: every entry needs '  # reason'")
        rx, reason = raw.rstrip("\n").split(" # ", 1)
        rx = rx.strip()
        hvs = HVS
        m = re.match(r"@(\w+)\s+(.*)$", rx)
        if m:
            if m.group(1) not in HVS:
                raise SystemExit(f"{ALLOW}:{n}: unknown column @{m.group(1)}")
            hvs = (m.group(1),)
            rx = m.group(2)
        rules.append(dict(rx=re.compile(rx), text=rx, hvs=hvs,
                          reason=reason.strip(), line=n, used=0))
    return rules


# --- booting ------------------------------------------------------------

def boot(hv, kernel, image, tests, name):
    return Qemu(name, machine=linuxboot.MACHINE, smp=1, mem=linuxboot.MEM,
                cpu=linuxboot.CPU,
                **linuxboot.qemu_args(hv, kernel, image, f"test={tests}"))


def expect_t(q, pattern, timeout=30, start=0):
    """Like Qemu.expect; returns (match, host seconds, line index)."""
    m = q.expect(pattern, timeout=timeout, start=start)
    i = q.last_index
    return m, q.lines[i][0], i


def read_block(q, start, timeout):
    """One script's protocol block from line index start: returns
    (results [(verdict, case, detail)], facts {name: (value, t)}, lines
    [(t, text)] inside the block, index after END)."""
    m, _, i = expect_t(q, PREFIX + r"BEGIN \d+\s*$", timeout, start)
    want = int(re.search(r"BEGIN (\d+)", m.group(0)).group(1))
    results, facts, inside = [], {}, []
    deadline = time.time() + timeout
    i += 1
    while True:
        with q.cond:
            while i >= len(q.lines):
                if q.closed:
                    raise QemuError("console closed inside a test block")
                left = deadline - time.time()
                if left <= 0:
                    raise QemuError("timeout inside a test block")
                q.cond.wait(left)
            t, text = q.lines[i]
        i += 1
        inside.append((t, text))
        f = FACT.search(text)
        if f:
            facts[f.group(1)] = (f.group(2), t)
            continue
        p = PROTO.search(text)
        if not p:
            continue
        if p.group(1) is None and p.group(2) is None:
            break   # END
        if p.group(2):
            results.append((p.group(2), p.group(3), p.group(4)))
    bad = [r for r in results if r[0] != "PASS"]
    need(len(results) == want, f"{len(results)} results, BEGIN said {want}")
    need(not bad, "guest reported " + "; ".join(" ".join(b) for b in bad))
    return results, facts, inside, i


def qemu_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 (1-based) of the whole line.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- judging ------------------------------------------------------------

def judge_hypervisor(hv, facts):
    typ = facts["hypervisor_type"][0]
    major = facts["version_major"][0]
    feat = facts["features"][0]
    need(typ == "xen", f"/sys/hypervisor/type {typ!r}")
    need(major == "4", f"version major {major!r}")
    want = EXPECT[hv]["features"]
    need(re.fullmatch(r"0x[0-9a-f]{8}", feat), f"features {feat!r}")
    need(int(feat, 16) == want, f"features {feat}, expected 0x{want:08x}")
    ver = f"{major}.{facts['version_minor'][0]}{facts['version_extra'][0]}"
    return (f"xen {ver} features={feat} {facts['guest_type'][0]} "
            f"clocksource={facts['clocksource'][0]}")


def judge_time(q, facts):
    (m0, t0), (m1, t1), (m2, t2) = (
        (float(facts[k][0]), facts[k][1]) for k in ("mono0", "mono1", "mono2"))
    host5, guest5 = t1 - t0, m1 - m0
    need(4.5 <= host5 <= 8.0, f"sleep 5 took {host5:.2f} s of host time")
    need(5.0 <= guest5 <= 5.5, f"sleep 5 took {guest5:.3f} s of guest "
         f"monotonic time")
    drift = (m2 - m0) / (t2 - t0) - 1.0
    need(abs(drift) < 0.02, f"drift {drift * 100:+.2f} % over {t2 - t0:.1f} s")
    worst = 0.0
    for k in ("date", "date2"):
        guest, t = int(facts[k][0]), facts[k][1]
        off = guest - (q.t0 + t)
        # date +%s truncates: the guest may be up to 1 s behind.
        need(-6.0 <= off <= 5.0, f"{k} {guest} is {off:+.1f} s from the host")
        worst = max(worst, abs(off))
    return (f"sleep5 host={host5:.2f}s guest={guest5:.3f}s, drift "
            f"{drift * 100:+.2f}% over {t2 - t0:.1f}s, date within {worst:.1f}s")


def judge_fpu(facts):
    sums, awk = mkinitramfs.expected_fp(mkinitramfs.find_busybox())
    for k in ("fpsum_a", "fpsum_b"):
        need(facts[k][0] == sums, f"{k} {facts[k][0]!r}, host {sums!r}")
    need(facts["awk"][0] == awk, f"awk {facts['awk'][0]!r}, host {awk!r}")
    return sums


def parse_dmesg(block):
    """(level, text) per record from the dmesg script's chunks ("D " starts
    a line, "C " continues it; continuation lines of a record keep its
    level). Returns (records, chunks seen, chunks the guest sent)."""
    lines, chunks, sent, on = [], 0, None, False
    for _, text in block:
        body = re.sub(PREFIX, "", text, count=1)
        if body.startswith("DMESG-BEGIN"):
            on = True
        elif not on:
            continue
        elif body.startswith("DMESG-END"):
            sent = int(body.split()[1])
            break
        elif body.startswith("D "):
            lines.append(body[2:])
            chunks += 1
        elif body.startswith("C ") and lines:
            lines[-1] += body[2:]
            chunks += 1
    recs = []
    for line in lines:
        m = re.match(r"<(\d+)>(?:\[\s*[\d.]+\] ?)?(.*)$", line)
        if m:
            recs.append((int(m.group(1)) & 7, m.group(2)))
        elif recs:
            recs.append((recs[-1][0], line))
    return recs, chunks, sent


def judge_dmesg(hv, block, rules):
    recs, chunks, sent = parse_dmesg(block)
    need(sent is not None and recs, "no dmesg dump")
    # A short dump means lost console output; the check would be hollow.
    need(chunks == sent, f"dmesg dump: {chunks} chunks arrived, {sent} sent")
    bad, unlisted, warned = [], [], 0
    for level, text in recs:
        if FORBIDDEN.search(text):
            bad.append(text)
            continue
        if level > 4 and not SUSPECT.search(text):
            continue
        warned += 1
        for r in rules:
            if hv in r["hvs"] and r["rx"].search(text):
                r["used"] += 1
                break
        else:
            unlisted.append(f"<{level}> {text}")
    need(not bad, "forbidden: " + " | ".join(bad[:5]))
    need(not unlisted, f"{len(unlisted)} lines not in dmesg-allow.txt: "
         + " | ".join(unlisted[:8]))
    return f"{len(recs)} records, {warned} warnings or suspect lines allowed"


# --- the boots ------------------------------------------------------------

def main_boot(hv, kernel, image, cases, rules, report):
    scripts = [s for s in MAIN_SCRIPTS if s in cases]
    shell = any(c in cases for c in ("idle", "console-input", "poweroff"))
    if shell:
        scripts.append("idle")
    q = boot(hv, kernel, image, "+".join(scripts), f"linux-{hv}-main")
    with q:
        try:
            m, t_marker, idx = expect_t(q, MARKER, BOOT_TIMEOUT)
        except QemuError as e:
            for c in cases:
                report(c, False, f"no user space: {e}", q)
            return
        print(f"  {hv}: user space {t_marker:.1f} s after QEMU start, guest "
              f"uptime {m.group(1)} s, QEMU CPU "
              f"{qemu_cpu_seconds(q.proc.pid):.1f} s", flush=True)
        for s in scripts:
            try:
                results, facts, block, idx = read_block(q, idx, 90)
            except (QemuError, CaseFailure) as e:
                if s in cases:
                    report(s, False, str(e), q)
                if isinstance(e, QemuError):
                    for c in cases:
                        if c not in scripts[:scripts.index(s) + 1]:
                            report(c, False, f"not reached: {e}", q)
                    return
                continue
            if s == "idle":
                break
            try:
                detail = {"hypervisor": lambda: judge_hypervisor(hv, facts),
                          "time": lambda: judge_time(q, facts),
                          "fpu": lambda: judge_fpu(facts),
                          "dmesg": lambda: judge_dmesg(hv, block, rules),
                          }[s]()
                report(s, True, detail)
            except (CaseFailure, KeyError, ValueError) as e:
                report(s, False, f"{type(e).__name__}: {e}", q)
        if not shell:
            return
        shell_cases(hv, q, idx, cases, report)


BURNER = os.path.join(TOP, "build", "guest", "fpu_burner.elf")


def fpu_beside_domain(kernel, image, report):
    """Basalt only: the FPU checksums while another domain (an SSE
    pattern keeper, tests/guest/fpu_burner) shares the one host CPU."""
    a = linuxboot.qemu_args("basalt", kernel, image, "test=fpu")
    a["initrd"] += "," + BURNER
    a["append"] += " domain=kernel=2,role=unprivileged,memory=16,name=fpu-burner"
    q = Qemu("linux-basalt-fpu-beside", machine=linuxboot.MACHINE, smp=1,
             mem=linuxboot.MEM, cpu=linuxboot.CPU, **a)
    with q:
        try:
            m, t_marker, idx = expect_t(q, MARKER, BOOT_TIMEOUT)
            results, facts, block, idx = read_block(q, idx, 90)
            detail = judge_fpu(facts)
            q.expect(r"fpu-burner ok \d+", timeout=30)
            bad = [l for l in q.text() if "fpu-burner FAIL" in l]
            need(not bad, f"the other domain's registers changed: {bad[:1]}")
            oks = [l for l in q.text() if "fpu-burner ok" in l]
            report("fpu-beside-domain", True,
                   f"{detail}; other domain kept its SSE state ({len(oks)} checks)")
        except (QemuError, CaseFailure, KeyError, ValueError) as e:
            report("fpu-beside-domain", False, f"{type(e).__name__}: {e}", q)


def shell_cases(hv, q, idx, cases, report):
    try:
        _, _, idx = expect_t(q, PREFIX + r"SHELL-READY", 30, idx)
    except QemuError as e:
        for c in ("idle", "console-input", "poweroff"):
            if c in cases:
                report(c, False, f"no shell: {e}", q)
        return
    if "idle" in cases:
        time.sleep(2)   # let the prompt settle
        c0, w0 = qemu_cpu_seconds(q.proc.pid), time.time()
        time.sleep(10)
        c1, w1 = qemu_cpu_seconds(q.proc.pid), time.time()
        pct = 100.0 * (c1 - c0) / (w1 - w0)
        limit = EXPECT[hv]["idle_max"]
        detail = f"QEMU used {pct:.1f} % of one core over {w1 - w0:.1f} s"
        if limit is None:
            report("idle", True, detail + " (reported only)")
        else:
            report("idle", pct < limit, detail + f" (limit {limit:.0f} %)", q)
    if "console-input" in cases or "poweroff" in cases:
        mark = q.mark()
        q.send("echo typed-$((6*7))\n")
        try:
            expect_t(q, PREFIX + r"typed-42\s*$", 20, mark)
            if "console-input" in cases:
                report("console-input", True, "shell answered")
        except QemuError as e:
            if "console-input" in cases:
                report("console-input", False, str(e), q)
            if "poweroff" in cases:
                report("poweroff", False, "cannot type into the shell", q)
            return
    if "poweroff" in cases:
        try:
            report("poweroff", True, poweroff(hv, q))
        except (QemuError, CaseFailure) as e:
            report("poweroff", False, str(e), q)


def poweroff(hv, q):
    mark = q.mark()
    q.send("poweroff\n")
    expect_t(q, PREFIX + r"init: poweroff requested", 20, mark)
    expect_t(q, r"reboot: Power down", 30, mark)
    if EXPECT[hv]["poweroff"] == "halt":
        expect_t(q, XEN_RX["halt"], 30, mark)
        time.sleep(1)
        need(q.running(), "QEMU ended although the hypervisor should halt")
        return "the hypervisor halted the machine"
    if hv == "basalt":
        expect_t(q, BASALT_RX["poweroff"], 30, mark)
        expect_t(q, BASALT_RX["last_gone"], 30, mark)
    rc = q.wait_exit(30)
    reason = q.shutdown_reason()
    need(rc == 0 and reason == "guest-shutdown",
         f"QEMU status {rc}, SHUTDOWN reason {reason}")
    return "machine powered off (QMP SHUTDOWN guest-shutdown)"


def reboot_boot(hv, kernel, image, report):
    q = boot(hv, kernel, image, "reboot", f"linux-{hv}-reboot")
    with q:
        try:
            _, _, idx = expect_t(q, MARKER, BOOT_TIMEOUT)
            _, _, idx = expect_t(q, PREFIX + r"REBOOT-READY", 30, idx)
            q.send("reboot\n")
            _, t_req, idx = expect_t(q, PREFIX + r"PASS reboot-requested",
                                     20, idx)
            if EXPECT[hv]["reboot"] == "reset":
                expect_t(q, XEN_RX["reboot"], 30, idx)
                q.wait_exit(30)
                reason = q.shutdown_reason()
                need(reason == "guest-reset", f"SHUTDOWN reason {reason}")
                report("reboot", True, "Xen reset the machine")
                return
            expect_t(q, BASALT_RX["reboot"], 30, idx)
            expect_t(q, BASALT_RX["restarted"], 30, idx)
            _, t2, idx = expect_t(q, MARKER, BOOT_TIMEOUT, idx)
            _, _, idx = expect_t(q, PREFIX + r"REBOOT-READY", 30, idx)
            q.send("stop\n")
            expect_t(q, PREFIX + r"PASS reboot-declined stop", 20, idx)
            rc = q.wait_exit(60)
            reason = q.shutdown_reason()
            need(rc == 0 and reason == "guest-shutdown",
                 f"after the second boot: QEMU status {rc}, reason {reason}")
            report("reboot", True, f"domain back in user space "
                   f"{t2 - t_req:.1f} s after reboot -f")
        except (QemuError, CaseFailure) as e:
            report("reboot", False, str(e), q)


def panic_boot(hv, kernel, image, report):
    q = boot(hv, kernel, image, "panic", f"linux-{hv}-panic")
    with q:
        try:
            _, _, idx = expect_t(q, MARKER, BOOT_TIMEOUT)
            _, t_panic, idx = expect_t(
                q, r"Kernel panic - not syncing: sysrq triggered crash", 30, idx)
            panic_idx = idx
            if EXPECT[hv]["panic"] == "reset":
                _, t_x, _ = expect_t(q, XEN_RX["crash"], 30, idx)
                q.wait_exit(30)
                t_end = time.time() - q.t0
                reason = q.shutdown_reason()
                need(reason == "guest-reset", f"SHUTDOWN reason {reason}")
                need(4.0 <= t_end - t_x <= 15.0,
                     f"reset {t_end - t_x:.1f} s after Xen's crash line")
                report("panic", True, f"Xen reset the machine "
                       f"{t_end - t_x:.1f} s after dom0 crashed")
                return
            expect_t(q, BASALT_RX["crash"], 30, idx)
            expect_t(q, BASALT_RX["crash_reason"], 30, panic_idx + 1)
            expect_t(q, BASALT_RX["last_console"], 30, panic_idx + 1)
            expect_t(q, BASALT_RX["last_gone"], 30, idx)
            rc = q.wait_exit(30)
            reason = q.shutdown_reason()
            need(rc == 0 and reason == "guest-shutdown",
                 f"QEMU status {rc}, SHUTDOWN reason {reason}")
            report("panic", True, "crash reported with its reason")
        except (QemuError, CaseFailure) as e:
            report("panic", False, str(e), q)


# --- driver ---------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--hv", help="comma-separated columns (default: xen, "
                    "and basalt)")
    ap.add_argument("cases", nargs="*", metavar="CASE",
                    help="any of: " + " ".join(CASES))
    args = ap.parse_args()
    for c in args.cases:
        if c not in CASES:
            ap.error(f"unknown case {c}")
    if args.hv:
        hvs = args.hv.split(",")
        for h in hvs:
            if h not in HVS:
                ap.error(f"unknown hypervisor {h}")
    else:
        hvs = ["basalt", "xen"]
    cases = args.cases or list(CASES)
    failed = 0

    try:
        pkg, kernel = linuxboot.fetch_kernel()
        print(f"  kernel: {pkg} ({os.path.relpath(kernel, TOP)})", flush=True)
        subprocess.run([sys.executable, mkinitramfs.__file__], check=True)
        rules = load_allow()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print(f"FAIL linux-setup {e}", flush=True)
        raise SystemExit(1)
    image = mkinitramfs.TEST_IMAGE

    for hv in hvs:
        def report(case, ok, detail, q=None, hv=hv):
            nonlocal failed
            if ok:
                print(f"PASS {case}@{hv} {detail}".rstrip(), flush=True)
                return
            failed += 1
            print(f"FAIL {case}@{hv} {detail}", flush=True)
            if q is not None:
                print(f"--- last 25 console lines of {q.name} ({q.log_path}):")
                print(q.tail(25))
                print("---", flush=True)
        try:
            linuxboot.ensure_hypervisor(hv)
        except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
            for c in cases:
                report(c, False, f"setup: {e}")
            continue
        t0 = time.time()
        main_cases = [c for c in cases if c in MAIN_CASES]
        if main_cases:
            main_boot(hv, kernel, image, main_cases, rules, report)
        if "reboot" in cases:
            reboot_boot(hv, kernel, image, report)
        if "panic" in cases:
            panic_boot(hv, kernel, image, report)
        if "fpu-beside-domain" in cases and hv == "basalt":
            fpu_beside_domain(kernel, image, report)
        print(f"  {hv} column took {time.time() - t0:.0f} s", flush=True)
    if "dmesg" in cases:
        for r in rules:
            if not r["used"] and any(h in hvs for h in r["hvs"]):
                print(f"  note: dmesg-allow.txt:{r['line']} matched nothing "
                      f"on {','.join(h for h in r['hvs'] if h in hvs)}")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
