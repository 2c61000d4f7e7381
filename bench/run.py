#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make bench`: Basalt against Xen 4.17 on the same QEMU command, runs
interleaved, medians and ratios. Not a test: timings are noisy here.

  start-up    QEMU start -> the guest's first console line (hello, 128 MiB)
  hypercall   TSC cycles per xen_version call inside the guest, beside the
              floor (a CPUID exit) and the difference above it
  memory      hypervisor footprint with one 128 MiB domain (and, Basalt
              only, the extra cost of a second domain)
  evtchn ping-pong  median round trip (ns, PV clock scale) of an event
              sent from vCPU 0 to vCPU 1 and back (bind_ipi ports, upcall
              handlers answer, both vCPUs polling with interrupts on)
  IPI round trip    the same with x2APIC fixed IPIs (ICR write, EOI)
              Both: the kernel as the initial domain with 2 vCPUs
              (dom0_max_vcpus=2) on QEMU -smp 2, on both hypervisors.
  xenstored   basalt-xenstored on the host (xs-load), beside Debian's C
              xenstored in a Xen 4.17 PV dom0, and the drop-in test there
              (xl create of a PVH domU with ours as the store; bench/xenstored/)
  linux-smp   Debian's stock kernel to user space with 1 and 2 vCPUs on
              -smp 2, Basalt vs Xen PVH dom0 (bench/linux_smp.py)

  --only evtchn,ipi   run just those items (names: start, hcall, memory,
                      evtchn, ipi, linux, linux-smp, xenstored)
"""
import argparse
import importlib.util
import os
import subprocess
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "system", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "guest"))
from qemu import Qemu, QemuError  # noqa: E402
import run as guest_run  # noqa: E402

# The release build: no assertions or lock debugging (Xen's is a release
# build too).
BASALT = os.path.join(TOP, "build", "release", "basalt.elf")
GUEST = os.path.join(TOP, "build", "guest")
CONSOLE = "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"


def boot(hv, elf, name, extra_append="", elf2=None, vcpus=1):
    initrd = elf if not elf2 else f"{elf},{elf2}"
    # Several vCPUs: as many host CPUs, at most 2 per QEMU.
    smp = min(vcpus, 2)
    cpus = f" dom0_max_vcpus={vcpus}" if vcpus > 1 else ""
    if hv == "xen":
        return Qemu(name, kernel=guest_run.XEN_ELF, initrd=initrd, smp=smp,
                    append=f"{CONSOLE} dom0_mem=128M dom0=pvh{cpus}",
                    extra=["-device", "amd-iommu"])
    return Qemu(name, kernel=BASALT, initrd=initrd, smp=smp,
                append=f"{CONSOLE} dom0_mem=128M{cpus} {extra_append}".strip(),
                extra=["-device", "amd-iommu"])


def startup(hv, i):
    with boot(hv, os.path.join(GUEST, "hello.elf"), f"bench-start-{hv}-{i}") as q:
        q.expect(r"BEGIN 1", timeout=60)
        t = q.lines[q.last_index][0]
        return t


def hypercall(hv, i):
    with boot(hv, os.path.join(GUEST, "bench_hcall.elf"), f"bench-hcall-{hv}-{i}") as q:
        h = int(q.expect(r"bench hcall-cycles (\d+)", timeout=60).group(1))
        c = int(q.expect(r"bench cpuid-cycles (\d+)", timeout=60).group(1))
        return h, c


def round_trip(hv, i, kernel, item):
    """Median round trip in ns printed by a two-vCPU benchmark guest."""
    with boot(hv, os.path.join(GUEST, f"{kernel}.elf"),
              f"bench-{kernel}-{hv}-{i}", vcpus=2) as q:
        m = q.expect(rf"bench {item}-ns (\d+|fail.*)", timeout=120)
        if not m.group(1).isdigit():
            raise QemuError(f"{kernel}: {m.group(1)}")
        return int(m.group(1))


def footprint_basalt(ndomains):
    opts = ""
    elf = os.path.join(GUEST, "witness.elf")
    if ndomains == 2:
        opts = ("domain=kernel=0,role=initial,memory=128 "
                "domain=kernel=1,role=unprivileged,memory=128")
    with boot("basalt", elf, f"bench-mem-basalt-{ndomains}", opts,
              elf2=elf if ndomains == 2 else None) as q:
        q.expect(r"heartbeat 1", timeout=60)
        for _ in range(ndomains):  # input to Basalt: past every domain
            mark = q.mark()
            q.send(b"\x01\x01\x01")
            q.expect(r"\*\*\* Serial input to ", start=mark)
        q.expect(r"\*\*\* Serial input to Basalt", start=mark)
        mark = q.mark()
        q.send("m")
        m = q.expect(r"Memory: (\d+) pages of RAM .*: free (\d+), used (\d+), "
                     r"reserved (\d+)", start=mark)
        total, free = int(m.group(1)), int(m.group(2))
        return (total - free) * 4096 - ndomains * 128 * 2**20


def footprint_xen():
    with boot("xen", os.path.join(GUEST, "witness.elf"), "bench-mem-xen") as q:
        ram = int(q.expect(r"System RAM: \d+MB \((\d+)kB\)", timeout=60).group(1))
        q.expect(r"heartbeat 1", timeout=60)
        mark = q.mark()
        q.send(b"\x01\x01\x01")
        time.sleep(0.5)
        q.send("m")
        dom = int(q.expect(r"Dom heap: (\d+)kB free", start=mark,
                           timeout=20).group(1))
        return ram * 1024 - dom * 1024 - 128 * 2**20


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(path))  # its own imports
    spec.loader.exec_module(mod)
    return mod


def xenstored_section(boots):
    """Host figures, the dom0 comparison, the drop-in test (about a minute)."""
    # Loaded by path: tests/guest/xen_domu has a module named dom0 too.
    xs_host = load_module("xs_host", os.path.join(HERE, "xenstored", "host.py"))
    xs_dom0 = load_module("xs_dom0", os.path.join(HERE, "xenstored", "dom0.py"))
    out = xs_host.run(3)
    if boots:
        out.extend(xs_dom0.run_bench(boots))
    out.extend(xs_dom0.run_dropin()[1])
    return out


def med(v):
    return statistics.median(v) if v else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", type=int, default=5, help="runs per system (5)")
    ap.add_argument("--linux-runs", type=int, default=3,
                    help="runs per system of the Linux boot benchmark (3; 0: skip)")
    ap.add_argument("--smp-runs", type=int, default=3,
                    help="runs per system and vCPU count of the SMP Linux "
                    "boot benchmark, item linux-smp (3; 0: skip)")
    ap.add_argument("--only", default="",
                    help="comma-separated items: start,hcall,memory,evtchn,ipi,linux,xenstored")
    ap.add_argument("--xenstored-boots", type=int, default=3,
                    help="dom0 boots of the xenstored comparison (3; 0: skip "
                         "it; the host figures and the drop-in test still run)")
    args = ap.parse_args()
    only = set(w for w in args.only.split(",") if w)
    want = lambda item: not only or item in only  # noqa: E731
    guest_run.build()
    guest_run.ensure_xen()
    res = {"basalt": {"start": [], "hcall": [], "cpuid": [], "evtchn": [],
                      "ipi": []},
           "xen": {"start": [], "hcall": [], "cpuid": [], "evtchn": [],
                   "ipi": []}}
    for i in range(args.n):
        for hv in ("basalt", "xen"):      # interleaved
            try:
                if want("start"):
                    res[hv]["start"].append(startup(hv, i))
                if want("hcall"):
                    h, c = hypercall(hv, i)
                    res[hv]["hcall"].append(h)
                    res[hv]["cpuid"].append(c)
                if want("evtchn"):
                    res[hv]["evtchn"].append(
                        round_trip(hv, i, "bench_evtchn", "evtchn-pingpong"))
                if want("ipi"):
                    res[hv]["ipi"].append(
                        round_trip(hv, i, "bench_ipi", "ipi-roundtrip"))
            except QemuError as e:
                print(f"{hv} run {i}: {e}")
    out = []
    if want("start"):
        sb, sx = med(res["basalt"]["start"]), med(res["xen"]["start"])
        out.append(f"start-up to first guest line: Basalt {sb:.3f} s, Xen {sx:.3f} s, "
                   f"ratio {sb / sx:.2f} (goal <= 0.5)")
    if want("hcall"):
        hb, cb = med(res["basalt"]["hcall"]), med(res["basalt"]["cpuid"])
        hx, cx = med(res["xen"]["hcall"]), med(res["xen"]["cpuid"])
        # Above the floor, paired within each boot, then the median.
        db = med([h - c for h, c in zip(res["basalt"]["hcall"], res["basalt"]["cpuid"])])
        dx = med([h - c for h, c in zip(res["xen"]["hcall"], res["xen"]["cpuid"])])
        out.append(f"null hypercall: Basalt {hb:.0f} cycles (floor {cb:.0f}), "
                   f"Xen {hx:.0f} cycles (floor {cx:.0f}), ratio {hb / hx:.2f}")
        out.append(f"  above the floor: Basalt {db:.0f}, Xen {dx:.0f}, "
                   f"ratio {db / max(dx, 1):.2f} (goal <= 0.5)")
    for key, label in (("evtchn", "evtchn ping-pong"), ("ipi", "IPI round trip")):
        if want(key):
            b, x = med(res["basalt"][key]), med(res["xen"][key])
            out.append(f"{label} (2 vCPUs, polling): Basalt {b:.0f} ns, "
                       f"Xen {x:.0f} ns, ratio {b / x:.2f}")
    if want("memory"):
        try:
            fb1 = footprint_basalt(1)
            fb2 = footprint_basalt(2)
            fx = footprint_xen()
            out.append(f"memory footprint with one 128 MiB domain: Basalt "
                       f"{fb1 / 2**20:.1f} MiB, Xen {fx / 2**20:.1f} MiB, "
                       f"ratio {fb1 / fx:.2f} (goal <= 0.5)")
            out.append(f"  per-domain overhead (Basalt, second domain): "
                       f"{(fb2 - fb1) / 2**10:.0f} KiB")
        except QemuError as e:
            out.append(f"memory footprint: {e}")
    if args.linux_runs and want("linux"):
        sys.path.insert(0, HERE)
        import linux as linux_bench  # noqa: E402
        out.extend(linux_bench.run(args.linux_runs))
        xz = subprocess.run(["make", "-s", "--no-print-directory", "bench-xz-speed"],
                            cwd=TOP, capture_output=True, text=True)
        out.extend(l for l in xz.stdout.splitlines() if l.startswith("xz-speed"))
    if args.smp_runs and want("linux-smp"):
        sys.path.insert(0, HERE)
        import linux_smp  # noqa: E402
        out.extend(linux_smp.run(args.smp_runs))
    if want("xenstored"):
        out.extend(xenstored_section(args.xenstored_boots))
    out.append(f"(medians of {args.n} interleaved runs each; raw: "
               + ", ".join(f"{hv} {k}={v}" for hv in res for k, v in res[hv].items()
                         if v)
               + ")")
    print("\n".join(out))
    os.makedirs(os.path.join(TOP, "build", "bench"), exist_ok=True)
    name = f"results-{'-'.join(sorted(only))}.txt" if only else "results.txt"
    with open(os.path.join(TOP, "build", "bench", name), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
