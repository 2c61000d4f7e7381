# SPDX-License-Identifier: MIT
"""basalt-xenstored beside Xen's own C xenstored, in a Xen 4.17 classic PV
dom0 under QEMU (-smp 1), and the drop-in test.

The dom0 is tests/guest/xen_domu's (Debian's kernel, xl, xenstored,
xenconsoled from Debian's packages); its initrd gets a second cpio on top
with our /init (bench/xenstored/dom0-init), the release builds of our
daemon and of xs-load (static), Debian's xenstore-utils, and for the
drop-in test a PVH domU: Debian's stock kernel with a busybox initrd that
prints a marker on its console.

  bench boots   each daemon in turn (order alternating between boots) under
                the same xs-load runs; medians over the boots and ratios
  drop-in boot  ours is the store from the start (dom0's kernel through
                /proc/xen/xsd_kva), `xl create` makes the domU, its console
                must show the marker, its xenbus must have written its nodes,
                `xl shutdown` must power it off (a watch over its ring)
"""
import fcntl
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "system", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "guest"))
sys.path.insert(0, os.path.join(TOP, "tests", "guest", "xen_domu"))
from qemu import Qemu, QemuError  # noqa: E402
import dom0  # noqa: E402
import run as guest_run  # noqa: E402

OUT = os.path.join(TOP, "build", "bench", "xenstored")
DAEMON = os.path.join(TOP, "build", "release", "basalt-xenstored")
LOAD = os.path.join(TOP, "build", "release", "xs-load")
BUSYBOX = "/bin/busybox"  # static on the host: the domU initrd needs nothing else
QEMU_LOCK = "/tmp/basalt-qemu.lock"

# Sizes in the dom0: everything shares one emulated CPU, so absolute rates
# are ~100x below the host's. Debian's daemon needs minutes for 100k nodes.
MIX_OPS = 4000
POPULATE = 100000

DOMU_CFG = """name = "domu"
type = "pvh"
kernel = "/domu/vmlinuz"
ramdisk = "/domu/initrd"
extra = "console=hvc0 quiet loglevel=3"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
"""

DOMU_INIT = """#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "DOMU-CONSOLE-UP $(uname -r)"
# xl shutdown: the kernel runs /sbin/poweroff.
while :; do sleep 1000; done
"""


def _domu_initrd(path):
    tree = os.path.join(OUT, "domu-tree")
    shutil.rmtree(tree, ignore_errors=True)
    dom0._put(tree, "/bin/busybox", BUSYBOX, mode=0o755)
    dom0._put(tree, "/init", text=DOMU_INIT, mode=0o755)
    dom0._put(tree, "/sbin/poweroff",
              text="#!/bin/busybox sh\nexec /bin/busybox poweroff -f\n",
              mode=0o755)
    for d in ("proc", "dev", "sys"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    dom0._cpio(tree, path)


def build(cmdline):
    """(dom0 kernel, initrd, dom0 command line)."""
    subprocess.run(["make", "-s", "--no-print-directory", "-C", TOP,
                    "bench-xenstored-bins"], check=True)
    subprocess.run([os.path.join(TOP, "scripts", "fetch-debs.sh"),
                    "xenstore-utils"], check=True, cwd=TOP)
    vmlinuz, moddir = dom0.fetch()
    os.makedirs(dom0.OUT, exist_ok=True)
    with open(os.path.join(dom0.OUT, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        base = dom0.build_base(moddir)
        vmlinux = dom0.vmlinux_of(vmlinuz)
    os.makedirs(OUT, exist_ok=True)
    tree = os.path.join(OUT, "overlay")
    shutil.rmtree(tree, ignore_errors=True)
    dom0._put(tree, "/init", os.path.join(HERE, "dom0-init"), mode=0o755)
    dom0._put(tree, "/bench/basalt-xenstored", DAEMON, mode=0o755)
    dom0._put(tree, "/bench/xs-load", LOAD, mode=0o755)
    utils = os.path.join(dom0.CACHE, "xenstore-utils", "usr", "bin")
    dom0._put(tree, "/usr/bin/xenstore",
              os.path.realpath(os.path.join(utils, "xenstore")), mode=0o755)
    for name in ("read", "write", "ls", "rm", "list", "exists", "watch",
                 "chmod"):
        os.symlink("xenstore", os.path.join(tree, "usr", "bin",
                                            "xenstore-" + name))
    dom0._put(tree, "/domu/vmlinuz", vmlinuz)
    _domu_initrd(os.path.join(OUT, "domu.cpio"))
    dom0._put(tree, "/domu/initrd", os.path.join(OUT, "domu.cpio"))
    dom0._put(tree, "/domu/domu.cfg", text=DOMU_CFG)
    overlay = os.path.join(OUT, "overlay.cpio")
    dom0._cpio(tree, overlay)
    initrd = os.path.join(OUT, "initrd.cpio")
    with open(initrd, "wb") as f:
        for p in (base, overlay):
            with open(p, "rb") as src:
                shutil.copyfileobj(src, f)
    # xenstore-utils lives in /usr/bin: on the PATH of dom0-init.
    return vmlinux, initrd, f"{dom0.DOM0_APPEND} {cmdline}"


def boot(name, cmdline, timeout):
    """One dom0 boot; returns its "@xs" lines (without the prefix)."""
    vmlinux, initrd, append = build(cmdline)
    with open(QEMU_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one QEMU at a time on this machine
        q = Qemu(name, kernel=guest_run.XEN_ELF, cpu=dom0.QEMU_CPU,
                 append=dom0.XEN_APPEND, initrd=f"{vmlinux} {append},{initrd}")
        try:
            q.expect(r"^@xs (done|fatal)", timeout=timeout)
        finally:
            q.kill()
            with q.cond:
                lines = [t for _, t in q.lines]
            q.__exit__(None, None, None)
    out = [t[4:] for t in lines if t.startswith("@xs ")]
    fatal = [t for t in out if t.startswith("fatal")]
    if fatal:
        raise QemuError(f"{name}: {fatal[0]} (log: {q.log_path})")
    return out


def parse_bench(lines):
    """{daemon: {key: value string}} from "<daemon> xs-load <key> <v>"."""
    res = {}
    for t in lines:
        m = re.match(r"(\w+) xs-load (\S+) (.*)", t)
        if m:
            r = res.setdefault(m.group(1), {})
            if m.group(2) == "rss-kib-start":  # the fresh daemon's: the first
                r.setdefault("start-rss", m.group(3))
            r[m.group(2)] = m.group(3)
    return res


def kv(s):
    return {k: float(v) for k, v in re.findall(r"(\S+)=([\d.]+)", s)}


def figures(r):
    f = {"mix": float(r["mix-ops-per-s"]),
         "p50": kv(r["mix-latency-us"])["p50"],
         "p99": kv(r["mix-latency-us"])["p99"],
         "pop": float(r["populate-writes-per-s"]),
         "rm": float(r["rm-subtree-s"]),
         "bpn": float(r["bytes-per-node"]),
         "back": float(r["memory-given-back-pct"])}
    fl = r["populate-first-last-rate"].split()
    f["pop_first"], f["pop_last"] = float(fl[0]), float(fl[1])
    f["pop_min"] = kv(r["populate-first-last-rate"])["min"]
    cpu = kv(r["populate-daemon-cpu-ms-per-write"])
    f["cpu_first"], f["cpu_last"] = cpu["first"], cpu["last"]
    rss = kv(r["rss-kib"])
    f["rss_empty"] = float(r.get("start-rss", rss["before"]))
    f["rss_full"], f["rss_after"] = rss["full"], rss["after-rm"]
    return f


def run_bench(boots=3, ops=MIX_OPS, pop=POPULATE, timeout=1500):
    per = {"debian": [], "ours": []}
    errors = []
    for i in range(boots):
        order = "debian+ours" if i % 2 == 0 else "ours+debian"  # no commas: QEMU splits -initrd modules at them
        try:
            res = parse_bench(boot(f"bench-xenstored-dom0-{i}",
                                   f"xsmode=bench xsorder={order} "
                                   f"xsops={ops} xspop={pop}", timeout))
            for d in per:
                per[d].append(figures(res[d]))
        except (QemuError, KeyError, dom0.BuildError) as e:
            errors.append(f"boot {i}: {type(e).__name__}: {e}")
    out = []
    if not per["ours"] or not per["debian"]:
        return [f"xenstored in a Xen dom0: no figures ({'; '.join(errors)})"]

    def m(d, k):
        return statistics.median(f[k] for f in per[d])
    n = len(per["ours"])
    out.append(f"xenstored in a Xen 4.17 PV dom0 (QEMU TCG, -smp 1; medians of "
               f"{n} boots, daemons interleaved), ours vs Debian's C xenstored:")
    out.append(f"  mix 70/20/10 over 1000 keys, 4 conns, {ops} ops: "
               f"{m('ours', 'mix'):.0f} vs {m('debian', 'mix'):.0f} ops/s, "
               f"ratio {m('ours', 'mix') / m('debian', 'mix'):.2f} (goal >= 2); "
               f"p50 {m('ours', 'p50'):.0f} vs {m('debian', 'p50'):.0f} us")
    out.append(f"  populate {pop} nodes: {m('ours', 'pop'):.0f} vs "
               f"{m('debian', 'pop'):.0f} writes/s, ratio "
               f"{m('ours', 'pop') / m('debian', 'pop'):.2f}; first -> last "
               f"tenth: ours {m('ours', 'pop_first'):.0f} -> "
               f"{m('ours', 'pop_last'):.0f}/s, Debian "
               f"{m('debian', 'pop_first'):.0f} -> {m('debian', 'pop_last'):.0f}/s;"
               f" daemon CPU per write: ours {m('ours', 'cpu_first') * 1000:.0f}"
               f" -> {m('ours', 'cpu_last') * 1000:.0f} us, Debian "
               f"{m('debian', 'cpu_first') * 1000:.0f} -> "
               f"{m('debian', 'cpu_last') * 1000:.0f} us")
    out.append(f"  memory: empty {m('ours', 'rss_empty') / 1024:.1f} vs "
               f"{m('debian', 'rss_empty') / 1024:.1f} MiB; with the nodes "
               f"{m('ours', 'rss_full') / 1024:.1f} vs "
               f"{m('debian', 'rss_full') / 1024:.1f} MiB: "
               f"{m('ours', 'bpn'):.0f} vs {m('debian', 'bpn'):.0f} bytes/node "
               f"(goal <= 100); after removing the subtree "
               f"{m('ours', 'rss_after') / 1024:.1f} vs "
               f"{m('debian', 'rss_after') / 1024:.1f} MiB "
               f"({m('ours', 'back'):.0f}% vs {m('debian', 'back'):.0f}% given "
               f"back); removal took {m('ours', 'rm'):.2f} vs "
               f"{m('debian', 'rm'):.2f} s")
    out.append("  raw: " + "; ".join(
        f"{d} " + ", ".join(f"{k}={[round(f[k], 1) for f in per[d]]}"
                            for k in ("mix", "pop", "bpn", "rm"))
        for d in per))
    out.extend(errors)
    return out


def run_dropin(timeout=240):
    try:
        lines = boot("bench-xenstored-dropin", "xsmode=dropin", timeout)
    except (QemuError, dom0.BuildError) as e:
        return False, [f"xenstored drop-in: FAIL {e}"]
    steps = [t[len("dropin "):] for t in lines if t.startswith("dropin ")]
    ok = bool(steps) and all(" ok" in s.split(" FAIL")[0][:40] and
                             " FAIL" not in s for s in steps) and \
        any(s.startswith("console ok") for s in steps) and \
        any(s.startswith("poweroff ok") for s in steps)
    out = [f"xenstored drop-in (ours replaces Debian's in the dom0; xl create "
           f"of a PVH domU with Debian's kernel): {'PASS' if ok else 'FAIL'}"]
    out += ["  " + s[:150] for s in steps]
    return ok, out


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("bench", "dropin"))
    ap.add_argument("--boots", type=int, default=3)
    ap.add_argument("--ops", type=int, default=MIX_OPS)
    ap.add_argument("--populate", type=int, default=POPULATE)
    a = ap.parse_args()
    guest_run.ensure_xen()
    if a.what == "dropin":
        print("\n".join(run_dropin()[1]))
    else:
        print("\n".join(run_bench(a.boots, a.ops, a.populate)))
