#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""SMP boot benchmark for `make bench` (bench/run.py): Debian's stock
kernel and the test initramfs to the user-space marker with 1 and 2 vCPUs
on QEMU -smp 2, Basalt (release build, vcpus=N) against Xen 4.17 with the
kernel as PVH dom0 (dom0_max_vcpus=N), runs interleaved, medians.

Reported per vCPU count: the wall time from QEMU start to the marker, the
guest's own uptime at the marker, QEMU's CPU time by then (both host
threads), and the Basalt / Xen ratios (goal <= 0.5).

  python3 bench/linux_smp.py [-n RUNS]     on its own (flock it)
"""
import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TOP, "tests", "system", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
from qemu import Qemu  # noqa: E402
import linuxboot  # noqa: E402

RELEASE = os.path.join(TOP, "build", "release", "basalt.elf")
IMAGE = os.path.join(TOP, "build", "linux", "test.cpio.gz")
MARKER = r"BASALT-LINUX-USERSPACE uptime=([\d.]+)"
HOST_CPUS = 2
VCPUS = (1, 2)
SYSTEMS = ("basalt", "xen")


def qemu_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one(system, vcpus, kernel, i):
    a = linuxboot.qemu_args(system, kernel, IMAGE, vcpus=vcpus)
    if system == "basalt":
        a["kernel"] = RELEASE
    with Qemu(f"bench-smp-{system}-{vcpus}-{i}", machine=linuxboot.MACHINE,
              smp=HOST_CPUS, mem=linuxboot.MEM, cpu=linuxboot.CPU, **a) as q:
        m = q.expect(MARKER, timeout=240)
        wall = q.lines[q.last_index][0]
        return dict(wall=wall, uptime=float(m.group(1)),
                    cpu=qemu_cpu_seconds(q.proc.pid))


def run(n):
    if not os.path.exists(RELEASE):
        return [f"SMP boot: {RELEASE} missing (make bench builds it)"]
    _, kernel = linuxboot.fetch_kernel()
    linuxboot.ensure_hypervisor("xen")
    res = {(s, v): [] for s in SYSTEMS for v in VCPUS}
    for i in range(n):
        for v in VCPUS:
            for s in SYSTEMS:           # interleaved
                try:
                    res[s, v].append(one(s, v, kernel, i))
                except Exception as e:  # noqa: BLE001 - report and go on
                    print(f"{s} {v} vCPU run {i}: {type(e).__name__}: {e}",
                          flush=True)

    def med(s, v, k):
        vals = [r[k] for r in res[s, v]]
        return statistics.median(vals) if vals else float("nan")

    out = [f"Stock kernel to the user-space marker on QEMU -smp {HOST_CPUS} "
           f"(medians of {n} interleaved runs; Basalt vcpus=N, Xen PVH dom0 "
           f"dom0_max_vcpus=N):",
           f"{'vCPUs':>5} {'Basalt wall':>12} {'Xen wall':>9} {'ratio':>6} "
           f"{'uptime B/X':>13} {'QEMU CPU B/X':>14} {'CPU ratio':>9}"]
    for v in VCPUS:
        bw, xw = med("basalt", v, "wall"), med("xen", v, "wall")
        bu, xu = med("basalt", v, "uptime"), med("xen", v, "uptime")
        bc, xc = med("basalt", v, "cpu"), med("xen", v, "cpu")
        out.append(f"{v:>5} {bw:11.2f}s {xw:8.2f}s {bw / xw:6.2f} "
                   f"{bu:5.2f}/{xu:5.2f}s {bc:6.2f}/{xc:6.2f}s {bc / xc:9.2f}")
    out.append("  (goal: wall ratio <= 0.5; raw walls: " + "; ".join(
        f"{s} {v}: " + ",".join(f"{r['wall']:.2f}" for r in res[s, v])
        for v in VCPUS for s in SYSTEMS) + ")")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", type=int, default=3, help="runs per system (3)")
    args = ap.parse_args()
    print("\n".join(run(args.n)))


if __name__ == "__main__":
    main()
