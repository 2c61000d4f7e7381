#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`make bench`: Basalt against Xen 4.17 on the same QEMU command, runs
interleaved, medians and ratios. Not a test: timings are noisy here.

  start-up    QEMU start -> the guest's first console line (hello, 128 MiB)
  hypercall   TSC cycles per xen_version call inside the guest, beside the
              floor (a CPUID exit) and the difference above it
  memory      hypervisor footprint with one 128 MiB domain (and, Basalt
              only, the extra cost of a second domain)
"""
import argparse
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


def boot(hv, elf, name, extra_append="", elf2=None):
    initrd = elf if not elf2 else f"{elf},{elf2}"
    if hv == "xen":
        return Qemu(name, kernel=guest_run.XEN_ELF, initrd=initrd,
                    append=f"{CONSOLE} dom0_mem=128M dom0=pvh",
                    extra=["-device", "amd-iommu"])
    return Qemu(name, kernel=BASALT, initrd=initrd,
                append=f"{CONSOLE} dom0_mem=128M {extra_append}".strip(),
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


def med(v):
    return statistics.median(v) if v else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", type=int, default=5, help="runs per system (5)")
    ap.add_argument("--linux-runs", type=int, default=3,
                    help="runs per system of the Linux boot benchmark (3; 0: skip)")
    args = ap.parse_args()
    guest_run.build()
    guest_run.ensure_xen()
    res = {"basalt": {"start": [], "hcall": [], "cpuid": []},
           "xen": {"start": [], "hcall": [], "cpuid": []}}
    for i in range(args.n):
        for hv in ("basalt", "xen"):      # interleaved
            try:
                res[hv]["start"].append(startup(hv, i))
                h, c = hypercall(hv, i)
                res[hv]["hcall"].append(h)
                res[hv]["cpuid"].append(c)
            except QemuError as e:
                print(f"{hv} run {i}: {e}")
    out = []
    sb, sx = med(res["basalt"]["start"]), med(res["xen"]["start"])
    out.append(f"start-up to first guest line: Basalt {sb:.3f} s, Xen {sx:.3f} s, "
               f"ratio {sb / sx:.2f} (goal <= 0.5)")
    hb, cb = med(res["basalt"]["hcall"]), med(res["basalt"]["cpuid"])
    hx, cx = med(res["xen"]["hcall"]), med(res["xen"]["cpuid"])
    # Above the floor, paired within each boot, then the median.
    db = med([h - c for h, c in zip(res["basalt"]["hcall"], res["basalt"]["cpuid"])])
    dx = med([h - c for h, c in zip(res["xen"]["hcall"], res["xen"]["cpuid"])])
    out.append(f"null hypercall: Basalt {hb:.0f} cycles (floor {cb:.0f}), "
               f"Xen {hx:.0f} cycles (floor {cx:.0f}), ratio {hb / hx:.2f}")
    out.append(f"  above the floor: Basalt {db:.0f}, Xen {dx:.0f}, "
               f"ratio {db / max(dx, 1):.2f} (goal <= 0.5)")
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
    if args.linux_runs:
        sys.path.insert(0, HERE)
        import linux as linux_bench  # noqa: E402
        out.extend(linux_bench.run(args.linux_runs))
        xz = subprocess.run(["make", "-s", "--no-print-directory", "bench-xz-speed"],
                            cwd=TOP, capture_output=True, text=True)
        out.extend(l for l in xz.stdout.splitlines() if l.startswith("xz-speed"))
    out.append(f"(medians of {args.n} interleaved runs each; raw: "
               + ", ".join(f"{hv} {k}={v}" for hv in res for k, v in res[hv].items())
               + ")")
    print("\n".join(out))
    os.makedirs(os.path.join(TOP, "build", "bench"), exist_ok=True)
    with open(os.path.join(TOP, "build", "bench", "results.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
