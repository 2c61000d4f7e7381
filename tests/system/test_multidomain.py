#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Several stock-Linux domains at boot (Basalt only: Xen builds no domains
at boot on x86). Two domain= options start Debian's kernel twice on
-smp 2 with different vcpus=, memory= and cpu_weight=; both reach their
shell, serial input reaches each in turn (Ctrl-A x3 moves it from the
first domain to the second, then to Basalt), and Basalt's 'q' key shows
both with their own weight and CPU time."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "linux"))
sys.dont_write_bytecode = True
from qemu import Suite, check, run_qemu_case  # noqa: E402
import linuxboot  # noqa: E402
import mkinitramfs  # noqa: E402

CTRL_A3 = b"\x01\x01\x01"
GUEST = "console=hvc0"


@run_qemu_case
def two_linux(qemu, kernel):
    append = (f'{linuxboot.HV_CONSOLE} '
              f'domain="kernel=0,ramdisk=1,memory=256,vcpus=2,name=alpha,'
              f'cmdline={GUEST}" '
              f'domain="kernel=0,ramdisk=1,memory=200,vcpus=1,cpu_weight=512,'
              f'name=beta,cmdline={GUEST}"')
    q = qemu("multidomain-linux", machine=linuxboot.MACHINE, smp=2,
             mem=linuxboot.MEM, cpu=linuxboot.CPU, kernel=linuxboot.BASALT_ELF,
             append=append, initrd=f"{kernel} {GUEST},{mkinitramfs.SHELL_IMAGE}",
             extra=["-device", "amd-iommu"])
    q.expect(r"\(d1\).*restarts it", timeout=240)
    q.expect(r"\(d2\).*restarts it", timeout=240)
    m = q.mark()
    q.send(b"echo one-$((6*7)) $(nproc)\n")
    q.expect(r"\(d1\) one-42 2$", timeout=30, start=m)
    m = q.mark()
    q.send(CTRL_A3)
    q.expect(r"Serial input to d2 \(beta\)", timeout=10, start=m)
    m = q.mark()
    q.send(b"echo two-$((6*7)) $(nproc)\n")
    q.expect(r"\(d2\) two-42 1$", timeout=30, start=m)
    check(not any(re.search(r"\(d1\) .*two-42", l) for l in q.text()),
          "input for d2 reached d1", q)
    m = q.mark()
    q.send(CTRL_A3)
    q.expect(r"Serial input to Basalt", timeout=10, start=m)
    m = q.mark()
    q.send(b"q")
    q.expect(r"d1 \(alpha\): running, 2 vCPUs, (\d+) MiB, .* (\d+) ms CPU",
             timeout=10, start=m)
    q.expect(r"weight 256, cap 0", timeout=10, start=m)
    q.expect(r"d2 \(beta\): running, 1 vCPUs, (\d+) MiB, .* (\d+) ms CPU",
             timeout=10, start=m)
    q.expect(r"weight 512, cap 0", timeout=10, start=m)
    check(not any("crashed" in l or "panic" in l.lower() for l in q.text()),
          "a crash or panic in the log", q)
    return "both shells answered; d1 2 vCPUs, d2 1 vCPU"


# A test-bed defect (docs/SUPPORT.md, "Test-bed defects met", the second
# one in its form (2)): now and then an exit leaves the host's own state in
# a vCPU's VMCB (its CR3 and the address after VMRUN) after the guest ran;
# Basalt cannot undo that and crashes the domain with this line. Seen about
# once in 20-40 boots of this test; it boots once more then.
KNOWN_VMCB_CLOBBER = re.compile(
    r"crashed: page-table walk reached guest-physical (0x[0-9a-f]+), which "
    r"has no memory \(vCPU\d+ rip 0x2[0-9a-f]{5} cr3 \1\)")


def two_linux_retry(kernel):
    try:
        return two_linux(kernel)
    except Exception as e:  # noqa: BLE001 - judged by the log below
        q = getattr(e, "qemu", None)
        if q is None or not any(KNOWN_VMCB_CLOBBER.search(l) for l in q.text()):
            raise
        print("  KNOWN ISSUE: a domain crashed with the host's state in its "
              "VMCB (docs/SUPPORT.md); booting once more", flush=True)
        return two_linux(kernel) + " (second boot: known issue on the first)"


def main():
    s = Suite()
    try:
        _, kernel = linuxboot.fetch_kernel()
    except RuntimeError as e:
        print(f"FAIL two-linux-domains-at-boot {e}")
        raise SystemExit(1)
    subprocess.run([sys.executable, mkinitramfs.__file__], check=True,
                   stdout=subprocess.DEVNULL)
    s.case("two-linux-domains-at-boot", two_linux_retry, kernel)
    s.exit()


if __name__ == "__main__":
    main()
