#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot-time domains from the command line: a bad kernel image is refused
with a message that says why, a malformed "domain=" option is reported and
nothing is built from it, a good one is built; and without SVM with nested
paging Basalt says so in one line and powers off."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from qemu import TOP, Suite, check, run_qemu_case  # noqa: E402

HV = os.path.join(TOP, "build", "basalt.elf")
HELLO = os.path.join(TOP, "build", "guest", "hello.elf")
NOT_ELF = os.path.join(TOP, "README.md")


@run_qemu_case
def bad_image(qemu):
    q = qemu("domains-bad-image", smp=1, kernel=HV, initrd=NOT_ELF, append="")
    q.expect(r"d0 \(Domain-0\): kernel module 0 is neither an ELF nor a usable bzImage")
    q.expect(r"Basalt ready: 1 CPU, 0 domains")
    check(q.running(), "Basalt stopped", q)


@run_qemu_case
def option_errors(qemu):
    q = qemu("domains-options", smp=1, kernel=HV, initrd=f"{HELLO},{HELLO}",
             append="domain=kernel=0,colour=blue "
                    "domain=kernel=7,role=unprivileged "
                    "domain=kernel=1,role=unprivileged,memory=16,name=good")
    q.expect(r"domain option 1: unknown key 'colour': domain not built")
    q.expect(r"domain option 2: module 7 does not exist \(2 modules\)")
    q.expect(r"d1 \(good\): unprivileged domain, 16 MiB")
    q.expect(r"Basalt ready: 1 CPU, 1 domain ")
    q.expect(r"\(d1\) hello from a guest test kernel")
    q.expect(r"Last domain gone: powering off")
    check(q.wait_exit(20) == 0 and q.shutdown_reason() == "guest-shutdown",
          "no clean power-off", q)


@run_qemu_case
def no_svm(qemu):
    q = qemu("domains-no-svm", smp=1, kernel=HV, initrd=HELLO, append="",
             cpu="qemu64")
    q.expect(r"^\[ *[\d.]+\] SVM with nested paging not available: "
             r"this CPU cannot run guests$")
    q.wait_exit(20)
    check(q.shutdown_reason() == "guest-shutdown", "no power-off", q)


def main():
    s = Suite()
    s.case("bad-kernel-image-refused", bad_image)
    s.case("domain-option-errors", option_errors)
    s.case("no-svm-powers-off", no_svm)
    s.exit()


if __name__ == "__main__":
    main()
