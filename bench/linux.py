# SPDX-License-Identifier: MIT
"""Stock-Linux boot benchmark for `make bench` (bench/run.py --linux):
the same kernel and test initramfs to the same user-space marker, the same
QEMU command apart from the hypervisor, interleaved runs, medians.

  basalt   the kernel as an unprivileged boot-time domain (release build)
  xen-pvh  Xen 4.17, the kernel as PVH dom0 (the role Xen boots directly)
  xen-pv   Xen 4.17, the kernel as classic PV dom0
  none     the kernel booted by QEMU directly (the floor)

Reported: (a) QEMU start -> the kernel's first line, (b) the guest's own
uptime at the marker, (c) QEMU's CPU time at the marker, and the wall time
to the marker; decompression time where the hypervisor decompresses."""
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "system", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "linux"))
from qemu import Qemu  # noqa: E402
import linuxboot  # noqa: E402

RELEASE = os.path.join(TOP, "build", "release", "basalt.elf")
IMAGE = os.path.join(TOP, "build", "linux", "test.cpio.gz")
MARKER = r"BASALT-LINUX-USERSPACE uptime=([\d.]+)"
SYSTEMS = ("basalt", "xen-pvh", "xen-pv", "none")


def qemu_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def args_for(system, kernel):
    if system == "basalt":
        a = linuxboot.qemu_args("basalt", kernel, IMAGE)
        a["kernel"] = RELEASE
        return a
    if system == "xen-pvh":
        return linuxboot.qemu_args("xen", kernel, IMAGE)
    if system == "xen-pv":
        a = linuxboot.qemu_args("xen", kernel, IMAGE)
        a["append"] = a["append"].replace(" dom0=pvh", "")
        a["extra"] = []
        a["initrd"] = a["initrd"].replace("console=hvc0", "console=hvc0")
        return a
    return dict(kernel=kernel, initrd=IMAGE,
                append="console=ttyS0 earlyprintk=ttyS0")


def one(system, kernel, i):
    a = args_for(system, kernel)
    with Qemu(f"bench-linux-{system}-{i}", machine="q35", smp=1,
              cpu=linuxboot.CPU, **a) as q:
        first = q.expect(r"Linux version 6\.", timeout=120)
        t_first = q.lines[q.last_index][0]
        m = q.expect(MARKER, timeout=180)
        t_marker = q.lines[q.last_index][0]
        cpu = qemu_cpu_seconds(q.proc.pid)
        decomp = None
        for _, line in q.lines:
            d = re.search(r"kernel decompressed: .* in (\d+) ms", line)
            if d:
                decomp = int(d.group(1)) / 1000
        if system.startswith("xen"):
            build = [t for t, l in q.lines if "Building a PV" in l or
                     "Building a PVH" in l]
            if build:
                decomp = t_first - build[0]
        del first
        return dict(first=t_first, uptime=float(m.group(1)), cpu=cpu,
                    wall=t_marker, decomp=decomp)


def run(n):
    _, kernel = linuxboot.fetch_kernel()
    linuxboot.ensure_hypervisor("xen")
    res = {s: [] for s in SYSTEMS}
    for i in range(n):
        for s in SYSTEMS:
            try:
                res[s].append(one(s, kernel, i))
            except Exception as e:  # noqa: BLE001 - report and go on
                print(f"{s} run {i}: {type(e).__name__}: {e}", flush=True)
    out = ["Debian's stock kernel to its user-space marker (1 vCPU, "
           f"medians of {n} interleaved runs):"]
    out.append(f"{'system':10} {'wall':>7} {'(a) first line':>15} "
               f"{'(b) uptime':>11} {'(c) QEMU CPU':>13} {'build/decompress':>17}")

    def med(s, k):
        v = [r[k] for r in res[s] if r.get(k) is not None]
        return statistics.median(v) if v else float("nan")
    for s in SYSTEMS:
        out.append(f"{s:10} {med(s, 'wall'):6.2f}s {med(s, 'first'):14.2f}s "
                   f"{med(s, 'uptime'):10.2f}s {med(s, 'cpu'):12.2f}s "
                   f"{med(s, 'decomp'):16.2f}s")
    out.append(f"ratio Basalt / Xen PVH dom0: wall {med('basalt', 'wall') / med('xen-pvh', 'wall'):.2f}, "
               f"first line {med('basalt', 'first') / med('xen-pvh', 'first'):.2f}, "
               f"QEMU CPU {med('basalt', 'cpu') / med('xen-pvh', 'cpu'):.2f} (goal <= 0.5)")
    return out
