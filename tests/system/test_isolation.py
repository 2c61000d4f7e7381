#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Isolation tests (Basalt only: on Xen a dying dom0 takes the host down).
Two unprivileged domains share one host CPU (-smp 1): a witness printing a
heartbeat every 0.5 s and a victim that misbehaves. The witness must keep
printing on time (no gap over two periods + 0.5 s, timed on the host)
while the victim triple-faults, spins with interrupts off, executes the
instructions Basalt refuses, floods hypercalls, or passes garbage to every
hypercall; the victim is crashed or contained and the log says why."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from qemu import TOP, Suite, check, run_qemu_case  # noqa: E402

HV = os.path.join(TOP, "build", "basalt.elf")
WITNESS = os.path.join(TOP, "build", "guest", "witness.elf")
VICTIM = os.path.join(TOP, "build", "guest", "victim.elf")
PERIOD = 0.5
WATCH = 6.0


@run_qemu_case
def isolation(qemu, action, expect_log):
    q = qemu(f"isolation-{action}", machine="q35", smp=1, kernel=HV,
             initrd=f"{WITNESS},{VICTIM}",
             append="loglvl=all "
                    "domain=kernel=0,role=unprivileged,name=witness,memory=32 "
                    "domain=kernel=1,role=unprivileged,name=victim,memory=32,"
                    f"on_crash=destroy,cmdline=action={action}")
    q.expect(r"\(d1\) heartbeat 0", timeout=30)
    q.expect(rf"\(d2\) victim: action {action}", timeout=30)
    start = time.time()
    time.sleep(WATCH)
    beats = [(t, l) for t, l in list(q.lines) if "(d1) heartbeat" in l]
    later = [t for t, l in beats if t >= beats[0][0]]
    gaps = [b - a for a, b in zip(later, later[1:])]
    check(len(later) >= WATCH / PERIOD - 2,
          f"only {len(later)} heartbeats in {WATCH + (start - q.t0):.0f} s", q)
    worst = max(gaps) if gaps else 99
    check(worst <= 2 * PERIOD + 0.5, f"heartbeat gap of {worst:.2f} s", q)
    if expect_log:
        check(any(re.search(expect_log, l) for l in q.text()),
              f"no log line /{expect_log}/", q)
    check(q.running(), "Basalt stopped", q)
    check(not any("Basalt panic" in l for l in q.text()), "panic", q)
    return f"{len(later)} heartbeats, worst gap {worst:.2f} s"


@run_qemu_case
def instructions(qemu):
    q = qemu("isolation-instructions", machine="q35", smp=1, kernel=HV,
             initrd=f"{WITNESS},{VICTIM}",
             append="domain=kernel=0,role=unprivileged,name=witness,memory=32 "
                    "domain=kernel=1,role=unprivileged,name=victim,memory=32,"
                    "cmdline=action=instructions")
    m = q.expect(r"\(d2\) BEGIN (\d+)", timeout=30)
    n = int(m.group(1))
    q.expect(r"\(d2\) END", timeout=30)
    results = [l for l in q.text() if re.search(r"\(d2\) (PASS|FAIL) ", l)]
    bad = [l for l in results if " FAIL " in l]
    check(len(results) == n and not bad, f"{bad or results}", q)
    q.expect(r"\(d1\) heartbeat 3", timeout=10)
    return f"{n} instructions refused"


def main():
    s = Suite()
    s.case("triple-fault-crashes-victim-only", isolation, "triple-fault",
           r"d2 \(victim\) crashed: triple fault")
    s.case("cli-spin-is-preempted", isolation, "cli-loop", None)
    s.case("refused-instructions", instructions)
    s.case("hypercall-flood-is-preempted", isolation, "hypercall-flood", None)
    s.case("garbage-to-every-hypercall", isolation, "hypercall-garbage",
           r"\(d2\) victim: \d+ garbage hypercalls done")
    s.case("huge-rep-ins-is-bounded", isolation, "rep-ins", None)
    s.exit()


if __name__ == "__main__":
    main()
