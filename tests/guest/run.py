#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the guest test kernels (tests/guest/<name>/) on each hypervisor and
judge their output against tests/guest/manifest.txt.

Each test prints "BEGIN n", one "PASS|FAIL|SKIP <case> <detail>" line per
case and "END", anywhere in a console line (after "(d0) ", "(XEN) " or a
Basalt timestamp). A run passes when all n results arrived, every FAIL is
a difference the manifest records for that hypervisor ("<hv>: expect
<case> <value>"), every SKIP is listed ("skip <case> on <hv>"), the
console lines the manifest asks for appeared, and the hypervisor ended the
way the manifest says ("end: <hv> halt|reset|poweroff").

Columns: "xen" (Debian's Xen 4.17, the oracle; fetched into .cache/) and
"basalt" (build/basalt.elf). Mutants (-DTEST_MUTATE builds) must print FAIL
for every case. One line per run: "PASS <test>@<hv>" or
"FAIL <test>@<hv> <why>".

Initial-domain tests boot once each (as dom0 on Xen). Unprivileged-role
tests on Basalt boot once each as an unprivileged boot-time domain; on Xen
they all share one boot: a classic PV dom0 (Debian's kernel, built by
xen_domu/dom0.py) creates them one after another as PVH domUs with
`xl create`; each test's lines are its domain's "(dN) " lines, and its end
is the shutdown reason xl reports for it.

  run.py                      Xen column, every test
  run.py --hv basalt,xen      both columns
  run.py --mutants xen        also run the mutants on Xen
  run.py --update-golden      rewrite data/xen-readable-msrs.txt from Xen
  run.py hello cpuid          only these tests
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "system", "lib"))
from qemu import Qemu, QemuError  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "xen_domu"))
import dom0  # noqa: E402

MANIFEST = os.path.join(HERE, "manifest.txt")
GOLDEN_MSRS = os.path.join(HERE, "data", "xen-readable-msrs.txt")
XEN_ELF = os.path.join(TOP, ".cache", "xen", "xen-4.17.elf")
XEN_PKG = "xen-hypervisor-4.17-amd64"
BASALT_ELF = os.path.join(TOP, "build", "basalt.elf")
GUEST_OUT = os.path.join(TOP, "build", "guest")
CONSOLE = "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
HVS = ("xen", "basalt")
XEN_DOM0_BOOT = 90     # seconds for the dom0 to boot and start its toolstack

# A protocol line after an optional Basalt timestamp and domain/Xen prefix.
PREFIX = r"^(?:\[\s*[\d.]+\]\s*)?(?:\((?:d\d+|XEN)\)\s*)?"
PROTO = re.compile(PREFIX + r"(BEGIN (\d+)|END|(PASS|FAIL|SKIP) (\S+)\s*(.*?))\s*$")
MSR_LINE = re.compile(PREFIX + r"msr (0x[0-9a-f]+(?:-0x[0-9a-f]+)?)\s*$")
# "halt": the hypervisor keeps running with the domain stopped. Xen halts
# after dom0 powers off; Basalt keeps a domain that asked to be preserved.
HALT_RX = {"xen": r"Hardware Dom0 halted: halting machine",
           "basalt": r"d\d+ \(.*\): shut down: .*, action preserve"}


# How a run ends. Initial-domain tests and every Basalt run: what the
# machine does. Unprivileged tests on Xen: the domU's shutdown reason, as
# xl reports it ("reason code N"; every on_* action is destroy, so the
# domain goes away), or "running" when it had to be destroyed at its
# timeout.
MACHINE_ENDS = ("halt", "reset", "poweroff")
DOMU_ENDS = ("poweroff", "reboot", "suspend", "crash", "watchdog",
             "soft_reset", "running")
XL_REASONS = dict(enumerate(DOMU_ENDS[:6]))
XL_LINE = re.compile(r"^@xl (\S+) (.*)$")


class Test:
    def __init__(self, name):
        self.name = name
        self.dir = name          # tests/guest/<dir>/ holds the kernel
        self.role = "initial"
        self.vcpus = 1
        self.memory = 128
        self.timeout = 30
        self.bits = 64
        self.verdict = {hv: "pass" for hv in HVS}   # pass | expect-fail
        self.expect = {hv: {} for hv in HVS}        # case -> (value, reason)
        self.skip = {hv: {} for hv in HVS}          # case -> reason
        self.end = {}              # filled in by parse_manifest
        self.lines = {hv: [] for hv in HVS}         # regexes to see
        self.options = ""                            # extra domain= options
        self.basalt_args = ""                        # extra Basalt options
        self.golden_msrs = False


def parse_manifest(path=MANIFEST):
    tests, cur = [], None
    for n, raw in enumerate(open(path), 1):
        line = raw.split(" # ")[0].rstrip() if " # " in raw else raw.rstrip()
        reason = raw.split(" # ", 1)[1].strip() if " # " in raw else ""
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path}:{n}"
        if line.startswith("test "):
            cur = Test(line.split()[1])
            tests.append(cur)
            continue
        if cur is None:
            raise SystemExit(f"{where}: entry before any 'test' line")
        key, _, val = line.strip().partition(":")
        val = val.strip()
        words = line.split()
        if words[0] == "skip" and len(words) == 4 and words[2] == "on":
            if not reason:
                raise SystemExit(f"{where}: a skip needs '# reason'")
            cur.skip[words[3]][words[1]] = reason
        elif key in ("role", "options", "dir"):
            setattr(cur, key, val)
        elif key == "basalt-args":
            cur.basalt_args = val
        elif key in ("vcpus", "memory", "timeout", "bits"):
            setattr(cur, key, int(val))
        elif key == "golden-msrs":
            cur.golden_msrs = val == "yes"
        elif key in HVS:
            w = val.split()
            if w == ["pass"]:
                cur.verdict[key] = "pass"
            elif w and w[0] == "expect-fail":
                if not reason:
                    raise SystemExit(f"{where}: expect-fail needs '# reason'")
                cur.verdict[key] = "expect-fail"
            elif len(w) == 3 and w[0] == "expect":
                if not reason:
                    raise SystemExit(f"{where}: expect needs '# reason'")
                cur.expect[key][w[1]] = (w[2], reason)
            else:
                raise SystemExit(f"{where}: bad '{key}:' entry")
        elif key == "end":
            hv, outcome = val.split()
            cur.end[hv] = outcome
        elif key == "line":
            hv, rx = val.split(None, 1)
            for h in (HVS if hv == "all" else (hv,)):
                cur.lines[h].append(rx)
        else:
            raise SystemExit(f"{where}: unknown entry {line.strip()!r}")
    bits = {t.name: t.bits for t in tests}
    for t in tests:
        if bits.get(t.dir, t.bits) != t.bits:
            raise SystemExit(f"{path}: test {t.name}: bits {t.bits} but "
                             f"{t.dir} is built {bits[t.dir]}-bit")
        if t.role not in ("initial", "unprivileged"):
            raise SystemExit(f"{path}: test {t.name}: bad role {t.role!r}")
        if not os.path.isdir(os.path.join(HERE, t.dir)):
            raise SystemExit(f"{path}: test {t.name}: no directory "
                             f"tests/guest/{t.dir}/")
        domu = t.role == "unprivileged"
        t.end.setdefault("xen", "poweroff" if domu else "halt")
        t.end.setdefault("basalt", "poweroff")
        for hv, outcome in t.end.items():
            ok = DOMU_ENDS if domu and hv == "xen" else MACHINE_ENDS
            if outcome not in ok:
                raise SystemExit(f"{path}: test {t.name}: end {hv} must be "
                                 f"one of {' '.join(ok)}")
    return tests


def ensure_xen():
    """Fetch and unpack Xen 4.17 once (idempotent); raise on failure."""
    if os.path.exists(XEN_ELF):
        return
    subprocess.run([os.path.join(TOP, "scripts", "fetch-debs.sh"), XEN_PKG],
                   cwd=TOP, check=True)
    gz = os.path.join(TOP, ".cache", "debs", XEN_PKG, "boot",
                      "xen-4.17-amd64.gz")
    os.makedirs(os.path.dirname(XEN_ELF), exist_ok=True)
    tmp = XEN_ELF + ".tmp"
    with open(tmp, "wb") as f:
        subprocess.run(["zcat", gz], stdout=f, check=True)
    os.rename(tmp, XEN_ELF)


def build():
    subprocess.run(["make", "--no-print-directory", "-s", "-j1", "-f",
                    os.path.join(HERE, "standalone.mk"), "guest-tests"],
                   cwd=TOP, check=True, stdout=subprocess.DEVNULL)


def qemu_smp(t):
    """Host CPUs for a test with t.vcpus vCPUs: as many, at most 2 (the
    machine's limit for one QEMU)."""
    return max(1, min(t.vcpus, 2))


def qemu_args(t, hv, elf):
    # An initial domain gets its vCPUs from dom0_max_vcpus on both
    # hypervisors (Xen also lets it exceed the host CPUs).
    vcpus = f" dom0_max_vcpus={t.vcpus}" if t.vcpus > 1 else ""
    if hv == "xen":
        return dict(kernel=XEN_ELF, initrd=elf, smp=qemu_smp(t),
                    append=f"{CONSOLE} dom0_mem={t.memory}M dom0=pvh{vcpus}",
                    extra=["-device", "amd-iommu"])
    append = CONSOLE + (vcpus if t.role == "initial" else "")
    if t.basalt_args:
        append += " " + t.basalt_args
    if t.role == "unprivileged":
        append += (f" domain=kernel=0,role=unprivileged,memory={t.memory},"
                   f"vcpus={t.vcpus},name={t.name}")
        if t.options:
            append += "," + t.options
    return dict(kernel=BASALT_ELF, initrd=elf, append=append,
                smp=qemu_smp(t), extra=["-device", "amd-iommu"])


class Outcome:
    def __init__(self):
        self.begin = None
        self.results = []      # (verdict, case, detail)
        self.ended = False
        self.msrs = []
        self.exit = None       # halt | reset | poweroff | running
        self.lines = []
        self.note = ""         # why the run may have gone wrong


def boot(t, hv, elf, tag):
    """Boot once; return the Outcome and the log path."""
    o = Outcome()
    q = Qemu(f"guest-{t.name}{tag}@{hv}", **qemu_args(t, hv, elf))
    try:
        try:
            q.expect(PREFIX + r"END\s*$", timeout=t.timeout)
        except QemuError:
            pass
        # Then the hypervisor's reaction to the domain's end.
        if t.end.get(hv) == "halt":
            try:
                q.expect(HALT_RX[hv], timeout=10)
                o.exit = "halt"
            except QemuError:
                pass
        if o.exit is None:
            try:
                q.wait_exit(15)
                r = q.shutdown_reason(2)
                o.exit = {"guest-shutdown": "poweroff",
                          "guest-reset": "reset"}.get(r, r or "exit")
            except QemuError:
                o.exit = ("halt" if any(re.search(HALT_RX[hv], l)
                                        for l in q.text()) else "running")
    finally:
        q.kill()
        o.lines = q.text()
        q.__exit__(None, None, None)
    parse_protocol(o)
    return o, q.log_path


def parse_protocol(o):
    """Fill o.begin/results/ended/msrs from o.lines."""
    for line in o.lines:
        m = PROTO.search(line)
        if m:
            if m.group(2) is not None:
                o.begin = int(m.group(2))
            elif m.group(1) == "END":
                o.ended = True
            else:
                o.results.append((m.group(3), m.group(4), m.group(5)))
            continue
        m = MSR_LINE.search(line)
        if m:
            o.msrs.append(m.group(1))


def judge(t, hv, o, mutant):
    """Return None if the run is as the manifest says, else why not."""
    if o.begin is None:
        return "no BEGIN line"
    if not o.ended:
        return f"no END line ({len(o.results)} of {o.begin} results)"
    if len(o.results) != o.begin:
        return f"{len(o.results)} results for BEGIN {o.begin}"
    if mutant:
        # Every case fails, except a recorded difference: inverted, it passes
        # with the recorded value.
        bad = []
        for verdict, case, detail in o.results:
            exp = t.expect[hv].get(case)
            got = re.search(r"got=(\S+)", detail or "")
            if exp:
                if not (verdict == "PASS" and got and got.group(1) == exp[0]):
                    bad.append(case)
            elif verdict != "FAIL":
                bad.append(case)
        return f"mutant cases did not fail: {' '.join(bad)}" if bad else None
    problems = []
    for verdict, case, detail in o.results:
        exp = t.expect[hv].get(case)
        if verdict == "PASS" and exp:
            problems.append(f"{case} passed but the manifest expects "
                            f"{exp[0]} on {hv}")
        elif verdict == "FAIL":
            got = re.search(r"got=(\S+)", detail or "")
            if not (exp and got and got.group(1) == exp[0]):
                problems.append(f"{case}: {detail}")
        elif verdict == "SKIP" and case not in t.skip[hv]:
            problems.append(f"{case} skipped ({detail}) but not listed")
    # "line:" regexes see the guest's text without the hypervisor's prefix.
    bare = [re.sub(PREFIX, "", l) for l in o.lines]
    for rx in t.lines[hv]:
        if not any(re.search(rx, l) for l in o.lines + bare):
            problems.append(f"no console line /{rx}/")
    want = t.end.get(hv)
    if want and o.exit != want:
        problems.append(f"ended by {o.exit}, want {want}")
    if t.verdict[hv] == "expect-fail":
        return None if problems else "passed, but the manifest says expect-fail"
    return "; ".join(problems) or None


def msr_set(ranges):
    out = set()
    for r in ranges:
        lo, _, hi = r.partition("-")
        out.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return out


def check_golden(t, hv, o, update):
    if not t.golden_msrs or not o.msrs:
        return None
    if hv == "xen" and update:
        with open(GOLDEN_MSRS, "w") as f:
            f.write("# MSRs a PVH dom0 reads without #GP on Xen 4.17 "
                    "(run.py --update-golden)\n")
            f.write("\n".join(o.msrs) + "\n")
        return None
    golden = [l.strip() for l in open(GOLDEN_MSRS)
              if l.strip() and not l.startswith("#")]
    if hv == "xen":
        return None if golden == o.msrs else (
            "readable MSRs differ from " + os.path.relpath(GOLDEN_MSRS, TOP))
    extra = sorted(msr_set(o.msrs) - msr_set(golden))
    return None if not extra else (
        "readable on Basalt but not on Xen: " +
        " ".join(f"{m:#x}" for m in extra[:16]))


def run_one(t, hv, mutant=False, update=False):
    sub = "mutant/" if mutant else ""
    elf = os.path.join(GUEST_OUT, sub + t.dir + ".elf")
    label = f"{t.name}{'-mutant' if mutant else ''}@{hv}"
    t0 = time.time()
    try:
        o, log = boot(t, hv, elf, "-mutant" if mutant else "")
    except (QemuError, OSError) as e:
        print(f"FAIL {label} {type(e).__name__}: {e}", flush=True)
        return False
    return report(t, hv, o, mutant, log, time.time() - t0, update)


def report(t, hv, o, mutant, log, secs, update=False):
    """Judge one run and print its PASS/FAIL line; return True on PASS."""
    label = f"{t.name}{'-mutant' if mutant else ''}@{hv}"
    why = judge(t, hv, o, mutant)
    if not why and not mutant:
        why = check_golden(t, hv, o, update)
    if why:
        note = f"; {o.note}" if o.note else ""
        print(f"FAIL {label} {why}{note} (log: {os.path.relpath(log, TOP)})",
              flush=True)
        return False
    diffs = "" if mutant else " ".join(
        f"[{c}={v[0]} on {hv}]" for c, v in t.expect[hv].items())
    print(f"PASS {label} {o.begin} cases, {o.exit} ({secs:.1f}s)"
          f" {diffs}".rstrip(), flush=True)
    return True


def domu_name(t, mutant):
    return t.name + ("-mutant" if mutant else "")


def split_domus(lines, names):
    """Cut one dom0 boot's console into per-domU Outcomes: a domain's own
    "(dN) " lines, Xen's lines while it existed, and /init's "@xl <name>"
    lines (xl's log: domid, shutdown reason code)."""
    out = {n: Outcome() for n in names}
    domid, window, current = {}, {}, None
    for i, (_, text) in enumerate(lines):
        m = XL_LINE.match(text)
        if m and m.group(1) in out:
            name, what = m.groups()
            o = out[name]
            if what == "create":
                current = name
                window[name] = [i, len(lines)]
            elif what.startswith("end "):
                window.setdefault(name, [i, i])[1] = i
                current = None
                if "timeout=1" in what:
                    o.exit = "running"
                    o.note = "still running at its timeout: destroyed"
            d = re.search(r"\(domid (\d+)\) to die", what)
            if d:
                domid[name] = int(d.group(1))
            r = re.search(r"has shut down, reason code (\d+)", what)
            if r and o.exit is None:
                o.exit = XL_REASONS.get(int(r.group(1)),
                                        f"reason-{r.group(1)}")
            if not o.note and re.search(r"^log .*(error|rror:)", what):
                o.note = "xl: " + what[4:]
    for name, o in out.items():
        lo, hi = window.get(name, (len(lines), len(lines)))
        mine = re.compile(rf"^\(d{domid[name]}\) ") if name in domid else None
        sel = []
        for i, (ts, text) in enumerate(lines):
            if (mine and mine.match(text)) or \
                    (lo <= i <= hi and text.startswith("(XEN)")) or \
                    text.startswith(f"@xl {name} "):
                sel.append((ts, text))
        o.lines = [text for _, text in sel]
        o.stamped = sel
        if o.exit is None:
            o.exit = "gone" if name in domid else "not created"
        parse_protocol(o)
    return out


def run_xen_domus(items):
    """Run [(Test, mutant)] as PVH domUs of one Xen boot; print one line
    per test; return True if all passed."""
    t0 = time.time()
    runs = []
    for t, mutant in items:
        elf = os.path.join(GUEST_OUT, ("mutant/" if mutant else "") +
                           t.dir + ".elf")
        runs.append((domu_name(t, mutant), elf, t.memory, t.vcpus,
                     t.timeout))

    def fail_all(why):
        for t, mutant in items:
            print(f"FAIL {domu_name(t, mutant)}@xen {why}", flush=True)
        return False
    tag = f"domus-{os.getpid()}"
    try:
        kernel, initrd = dom0.build_initrd(runs, tag=tag)
    except dom0.BuildError as e:
        return fail_all(f"dom0 initrd: {e}")
    budget = XEN_DOM0_BOOT + sum(t.timeout + 5 for t, _ in items)
    error = None
    try:
        q = Qemu("guest-domus@xen", kernel=XEN_ELF, cpu=dom0.QEMU_CPU,
                 append=dom0.XEN_APPEND,
                 initrd=f"{kernel} {dom0.DOM0_APPEND},{initrd}")
    except (QemuError, OSError) as e:
        dom0.clean(tag)
        return fail_all(f"{type(e).__name__}: {e}")
    try:
        q.expect(r"^@xl (done|fatal)", timeout=budget)
    except QemuError as e:
        error = str(e)
    finally:
        q.kill()
        with q.cond:
            lines = list(q.lines)
        q.__exit__(None, None, None)
        dom0.clean(tag)
    log = os.path.relpath(q.log_path, TOP)
    texts = [text for _, text in lines]
    fatal = [text for text in texts if text.startswith("@xl fatal")]
    ready = [ts for ts, text in lines if text == "@xl ready"]
    if fatal or not ready:
        why = fatal[0] if fatal else error or "no toolstack"
        return fail_all(f"dom0: {why} (log: {log})")
    outs = split_domus(lines, [r[0] for r in runs])
    ok = True
    for (t, mutant), run in zip(items, runs):
        o = outs[run[0]]
        path = os.path.join(os.path.dirname(q.log_path),
                            f"guest-{run[0]}@xen.log")
        with open(path, "w") as f:
            f.writelines(f"{ts:9.3f} {text}\n" for ts, text in o.stamped)
        secs = o.stamped[-1][0] - o.stamped[0][0] if o.stamped else 0.0
        ok &= report(t, "xen", o, mutant, path, secs)
    print(f"INFO xen domUs: dom0 toolstack ready at {ready[0]:.1f}s, "
          f"{len(items)} domains, {time.time() - t0:.1f}s in all "
          f"(log: {log})", flush=True)
    if error and ok:
        print(f"FAIL domus@xen {error} (log: {log})", flush=True)
        ok = False
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("tests", nargs="*", help="test names (default: all)")
    ap.add_argument("--hv", default="xen",
                    help="comma-separated columns: xen,basalt (default xen)")
    ap.add_argument("--mutants", default="",
                    help="columns on which to run the mutants too")
    ap.add_argument("--update-golden", action="store_true",
                    help="rewrite the readable-MSR golden file from Xen")
    args = ap.parse_args(argv)
    hvs = [h for h in args.hv.split(",") if h]
    mut = [h for h in args.mutants.split(",") if h]
    tests = parse_manifest()
    if args.tests:
        tests = [t for t in tests if t.name in args.tests]
    ok = True
    try:
        build()
    except subprocess.CalledProcessError as e:
        print(f"FAIL guest-build make: {e}", flush=True)
        return 1
    if "xen" in hvs + mut:
        try:
            ensure_xen()
        except (subprocess.CalledProcessError, OSError) as e:
            print(f"FAIL xen-4.17@xen download/unpack failed: {e}", flush=True)
            return 1
    domus = []   # the Xen column for domUs: one boot at the end
    for t in tests:
        for hv in hvs:
            if hv == "xen" and t.role == "unprivileged":
                domus.append((t, False))
                continue
            ok &= run_one(t, hv, update=args.update_golden)
        for hv in mut:
            if hv == "xen" and t.role == "unprivileged":
                domus.append((t, True))
                continue
            ok &= run_one(t, hv, mutant=True)
    if domus:
        ok &= run_xen_domus(domus)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
