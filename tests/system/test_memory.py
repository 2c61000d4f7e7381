#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fresh memory and page accounting (Basalt only: needs domains that
restart). The test build of Basalt poisons free memory with 0xA5; the
guest (tests/guest/fresh) checks that all its RAM is zero at start, then
fills it with a pattern and reboots (on_reboot=restart) or powers off, so
the pages it leaves are dirty for the next domain. Destroying a domain
must give back every page: the free-page count after destroy equals the
count before create."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from qemu import TOP, Suite, check, run_qemu_case  # noqa: E402

HV_TEST = os.path.join(TOP, "build", "test", "basalt.elf")
FRESH = os.path.join(TOP, "build", "guest", "fresh.elf")
WITNESS = os.path.join(TOP, "build", "guest", "witness.elf")


def zero_results(q):
    return [l for l in q.text() if re.search(r"\(d\d\) (PASS|FAIL) fresh-memory-zero", l)]


@run_qemu_case
def restarted_domain(qemu):
    q = qemu("memory-restart", machine="q35", smp=1, kernel=HV_TEST,
             initrd=FRESH,
             append="loglvl=all domain=kernel=0,role=unprivileged,memory=32,"
                    "on_reboot=restart,name=fresh,cmdline=then=reboot")
    for n in range(3):
        q.expect(r"d1 \(fresh\): restarted", timeout=60,
                 start=getattr(q, "last_index", -1) + 1)
    res = zero_results(q)
    check(len(res) >= 3 and all(" PASS " in l for l in res),
          f"fresh-memory results: {res}", q)
    before = [int(m.group(1)) for l in q.text()
              for m in [re.search(r"d1: created, (\d+) free pages before", l)] if m]
    after = [int(m.group(1)) for l in q.text()
             for m in [re.search(r"d1 \(fresh\): destroyed, (\d+) free pages", l)] if m]
    check(len(before) >= 3 and len(after) >= 2, f"counts {before} {after}", q)
    for i in range(min(len(before), len(after))):
        check(after[i] == before[i],
              f"incarnation {i}: {before[i]} free before create, "
              f"{after[i]} after destroy", q)
    return f"{len(res)} incarnations zeroed, free pages {after[0]} each time"


@run_qemu_case
def after_another_destroyed(qemu):
    # d1 fills its RAM and powers off; d2 (the witness role) keeps Basalt
    # up; d3 restarts after d1's pages went back, and must see zeros.
    q = qemu("memory-after-destroy", machine="q35", smp=1, kernel=HV_TEST,
             initrd=f"{FRESH},{WITNESS}",
             append="loglvl=all "
                    "domain=kernel=0,role=unprivileged,memory=64,name=dirty,"
                    "cmdline=then=poweroff "
                    "domain=kernel=1,role=unprivileged,memory=16,name=witness "
                    "domain=kernel=0,role=unprivileged,memory=64,name=later,"
                    "on_reboot=restart,cmdline=then=reboot")
    q.expect(r"d1 \(dirty\): destroyed", timeout=60)
    q.expect(r"d3 \(later\): restarted", timeout=60)
    q.expect(r"d3 \(later\): restarted", timeout=60,
             start=q.last_index + 1)
    res = zero_results(q)
    check(res and all(" PASS " in l for l in res), f"results: {res}", q)
    return f"{len(res)} checks"


def main():
    s = Suite()
    s.case("restarted-domain-gets-zeroed-memory", restarted_domain)
    s.case("domain-after-destroyed-one-gets-zeroed-memory",
           after_another_destroyed)
    s.exit()


if __name__ == "__main__":
    main()
