#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scheduler tests (Basalt only: Xen's scheduler is not what is tested).
CPU-bound spinner domains (tests/guest/spinner: "spin N loops TOTAL" every
second of TSC time) share one host CPU (-smp 1):

- weights: cpu_weight=256 and 512 both spinning for 20 s get CPU time in
  the ratio 1:2 within 10 %, measured two ways: Basalt's accounting (debug
  key 'q': "ms CPU" per domain, read before and after the window) and each
  guest's own loop count over the same window;
- cap: a domain with cap=30 spinning alone on an otherwise idle CPU uses
  at most 30 % of it (+2 points) by Basalt's accounting, and a capped
  domain beside an uncapped one also stays under its cap."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from qemu import TOP, Suite, check, run_qemu_case  # noqa: E402

HV = os.path.join(TOP, "build", "basalt.elf")
SPINNER = os.path.join(TOP, "build", "guest", "spinner.elf")
WINDOW = 20.0
CTRL_A3 = b"\x01\x01\x01"
CPU_LINE = re.compile(r"d(\d+) \((\S+)\): .* (\d+) ms CPU$")


def boot(qemu, name, domains):
    opts = " ".join(f"domain=kernel=0,role=unprivileged,memory=16,{d}"
                    for d in domains)
    return qemu(name, machine="q35", smp=1, kernel=HV, initrd=SPINNER,
                append=f"loglvl=all {opts}")


def to_basalt(q, ndomains):
    """Move the serial input from the first domain to Basalt."""
    for _ in range(ndomains):
        m = q.mark()
        q.send(CTRL_A3)
        q.expect(r"\*\*\* Serial input to", timeout=10, start=m)
    q.expect(r"\*\*\* Serial input to Basalt", timeout=10, start=m)


def cpu_ms(q):
    """Per-domain CPU time (ms) from the 'q' debug key, with the host time
    (seconds since QEMU started, as in q.lines) of the dump."""
    m = q.mark()
    t = time.time() - q.t0  # the time base of q.lines
    q.send(b"q")
    q.expect(r"'q' pressed", timeout=10, start=m)
    q.expect(r"v0 on CPU", timeout=10, start=m)
    time.sleep(0.5)
    out = {}
    for _, line in q.lines[m:]:
        g = CPU_LINE.search(line)
        if g:
            out[g.group(2)] = int(g.group(3))
    return t, out


def spin_totals(q, domid, start, end):
    """Loop counts of domain domid's first line after start and last line
    before end (host times), and the time between them."""
    pts = [(t, int(m.group(1))) for t, line in list(q.lines)
           for m in [re.search(rf"\(d{domid}\) spin \d+ loops (\d+)", line)]
           if m and start <= t <= end]
    check(len(pts) >= 2, f"d{domid}: {len(pts)} spinner lines in the window")
    return pts[0], pts[-1]


def rate(q, domid, start, end):
    (t0, l0), (t1, l1) = spin_totals(q, domid, start, end)
    return (l1 - l0) / (t1 - t0)


@run_qemu_case
def weights(qemu):
    q = boot(qemu, "sched-weights",
             ["name=light,cpu_weight=256", "name=heavy,cpu_weight=512"])
    q.expect(r"\(d1\) spin 1 ", timeout=30)
    q.expect(r"\(d2\) spin 1 ", timeout=30)
    to_basalt(q, 2)
    t0, a = cpu_ms(q)
    time.sleep(WINDOW)
    t1, b = cpu_ms(q)
    light = b["light"] - a["light"]
    heavy = b["heavy"] - a["heavy"]
    check(light > 0 and heavy > 0, f"CPU ms light {light} heavy {heavy}", q)
    acct = heavy / light
    guest = rate(q, 2, t0, t1) / rate(q, 1, t0, t1)
    check(abs(acct - 2) <= 0.2, f"accounting ratio {acct:.3f} "
          f"(light {light} ms, heavy {heavy} ms)", q)
    check(abs(guest - 2) <= 0.2, f"loop-count ratio {guest:.3f}", q)
    busy = (light + heavy) / ((t1 - t0) * 1000)
    check(busy > 0.8, f"the two used only {busy:.0%} of the CPU", q)
    return (f"heavy:light = {acct:.3f} (Basalt), {guest:.3f} (loops) over "
            f"{t1 - t0:.1f} s; CPU busy {busy:.0%}")


@run_qemu_case
def cap(qemu):
    q = boot(qemu, "sched-cap",
             ["name=capped,cap=30", "name=free,cpus=0"])
    q.expect(r"\(d1\) spin 1 ", timeout=30)
    q.expect(r"\(d2\) spin 1 ", timeout=30)
    to_basalt(q, 2)
    t0, a = cpu_ms(q)
    time.sleep(8)
    t1, b = cpu_ms(q)
    wall = (t1 - t0) * 1000
    capped = (b["capped"] - a["capped"]) / wall
    free = (b["free"] - a["free"]) / wall
    check(capped <= 0.32, f"capped domain used {capped:.1%} beside another", q)
    check(capped >= 0.2, f"capped domain got only {capped:.1%}", q)
    check(free >= 0.6, f"uncapped domain got only {free:.1%}", q)
    return f"capped {capped:.1%}, uncapped {free:.1%} of one CPU"


@run_qemu_case
def cap_alone(qemu):
    q = boot(qemu, "sched-cap-alone", ["name=capped,cap=30"])
    q.expect(r"\(d1\) spin 1 ", timeout=30)
    to_basalt(q, 1)
    t0, a = cpu_ms(q)
    time.sleep(8)
    t1, b = cpu_ms(q)
    used = (b["capped"] - a["capped"]) / ((t1 - t0) * 1000)
    check(used <= 0.32, f"capped domain used {used:.1%} of an idle CPU", q)
    check(used >= 0.2, f"capped domain got only {used:.1%}", q)
    return f"{used:.1%} of an otherwise idle CPU (cap 30 %)"


def main():
    s = Suite()
    s.case("weights-256-512-share-1-to-2", weights)
    s.case("cap-beside-uncapped", cap)
    s.case("cap-on-idle-cpu", cap_alone)
    s.exit()


if __name__ == "__main__":
    main()
