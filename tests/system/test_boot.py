#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""System tests of the host platform: Basalt boots in QEMU (multiboot v1
through -kernel, multiboot2 through a GRUB ISO, q35 and the default
machine, 1 and 2 CPUs) and the tests assert on its console and on QEMU's
QMP SHUTDOWN reason."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from qemu import TOP, Suite, check, run_qemu_case  # noqa: E402

HV = os.path.join(TOP, "build", "basalt.elf")
HV_TEST = os.path.join(TOP, "build", "test", "basalt.elf")
ISO = os.path.join(TOP, "build", "test", "basalt-grub.iso")


def memory_adds_up(q, start=0):
    m = q.expect(r"Memory: (\d+) pages of RAM \((\d+) MiB\): free (\d+), "
                 r"used (\d+), reserved (\d+)", start=start)
    total, mib, free, used, res = map(int, m.groups())
    check(total == free + used + res,
          f"total {total} != free {free} + used {used} + reserved {res}", q)
    check(900 <= mib <= 1024, f"{mib} MiB of RAM on a 1 GiB machine", q)
    check(free > total * 0.95, f"only {free} of {total} pages free", q)
    check(0 < res < 1024, f"{res} pages reserved", q)
    return total, free, used, res


def power_off(q):
    mark = q.mark()
    q.send("O")
    q.expect(r"Basalt: powering off", start=mark)
    rc = q.wait_exit(20)
    check(rc == 0, f"QEMU exit status {rc}", q)
    reason = q.shutdown_reason()
    check(reason == "guest-shutdown", f"QMP SHUTDOWN reason {reason}", q)
    last = [l for l in q.text() if l.strip()][-1]
    check("Basalt: powering off" in last, f"last line was {last!r}", q)


@run_qemu_case
def boot_kernel(qemu, machine, smp):
    q = qemu(f"boot-{machine}-smp{smp}", machine=machine, smp=smp, kernel=HV,
             append="console=com1 com1=115200,8n1 loglvl=all")
    q.expect(r"Basalt \d+\.\d+\.\d+ hypervisor \(x86-64\)")
    q.expect(r"Loader: multiboot v1")
    m = q.expect(r"TSC: (\d+)\.\d+ MHz")
    check(int(m.group(1)) > 100, "TSC frequency implausible", q)
    m = q.expect(r"CPUs: (\d+) online \((\d+) enabled in the MADT")
    check(int(m.group(1)) == smp and int(m.group(2)) == smp,
          f"CPUs online/MADT {m.groups()} on -smp {smp}", q)
    q.expect(r"Freed \d+ KiB of boot-only code")
    total, free, used, res = memory_adds_up(q)
    q.expect(r"Basalt ready")
    # Debug keys answer, and memory counts stay consistent.
    mark = q.mark()
    q.send("m")
    memory_adds_up(q, start=mark)
    mark = q.mark()
    q.send("h")
    q.expect(r"key 'O' .* power off", start=mark)
    q.expect(r"key 'q' .* domain", start=mark)
    mark = q.mark()
    q.send("d")
    for cpu in range(smp):
        q.expect(rf"^\[ *[\d.]+\] CPU{cpu}: RFLAGS", start=mark)
    q.expect(r"sched_loop", start=mark)
    mark = q.mark()
    q.send("t")
    q.expect(r"Time: \d+\.\d+ s since boot", start=mark)
    mark = q.mark()
    q.send("r")
    for cpu in range(smp):
        q.expect(rf"CPU{cpu} \(APIC \d+\): idle", start=mark)
    mark = q.mark()
    q.send("a")
    q.expect(r"CPU0: \d+ pending, \d+ fired", start=mark)
    power_off(q)
    # Lines are prefixed with the time since boot.
    check(all(re.match(r"^\[ *\d+\.\d{6}\] ", l) for l in q.text() if l),
          "a console line without a timestamp", q)
    return f"{smp} CPUs, {free} free pages"


def build_iso():
    """GRUB ISO: multiboot2 with one module carrying a command line."""
    d = os.path.join(TOP, "build", "test", "iso")
    os.makedirs(os.path.join(d, "boot", "grub"), exist_ok=True)
    subprocess.run(["cp", HV, os.path.join(d, "boot", "basalt.elf")], check=True)
    with open(os.path.join(d, "boot", "module.txt"), "w") as f:
        f.write("a test module\n" * 100)
    with open(os.path.join(d, "boot", "grub", "grub.cfg"), "w") as f:
        f.write("set timeout=0\nset default=0\n"
                "menuentry 'Basalt' {\n"
                "  multiboot2 /boot/basalt.elf console=com1 loglvl=all\n"
                "  module2 /boot/module.txt test-module first=1 second=2\n"
                "  boot\n}\n")
    subprocess.run(["grub-mkrescue", "-o", ISO, d], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@run_qemu_case
def boot_grub(qemu, machine, smp):
    q = qemu(f"grub-{machine}-smp{smp}", machine=machine, smp=smp, cdrom=ISO)
    q.expect(r"Loader: multiboot2 GRUB", timeout=60)
    q.expect(r"Module 0: .*\(\d+ KiB\) \"test-module first=1 second=2\"")
    m = q.expect(r"CPUs: (\d+) online")
    check(int(m.group(1)) == smp, f"{m.group(1)} CPUs on -smp {smp}", q)
    total, free, used, res = memory_adds_up(q)
    q.expect(r"Basalt ready")
    power_off(q)
    return f"{smp} CPUs"


@run_qemu_case
def cmdline_handling(qemu):
    q = qemu("cmdline", machine="q35", smp=2, kernel=HV,
             append="loglvl=all frobnicate=1 dom0_mem=12Q maxcpus=1 "
                    "dom0=pvh dom0_max_vcpus=2 noreboot guest_loglvl=info")
    q.expect(r"command line: unknown option 'frobnicate=1' ignored")
    q.expect(r"command line: malformed value '12Q' for option 'dom0_mem'")
    m = q.expect(r"CPUs: (\d+) online")
    check(m.group(1) == "1", "maxcpus=1 not honoured", q)
    q.expect(r"SMP: 1 CPU\(s\) not started \(maxcpus=1\)")
    q.expect(r"Basalt ready")
    bad = [l for l in q.text() if re.search(r"\] command line: ", l)]
    check(len(bad) == 2, f"unexpected warnings: {bad}", q)
    power_off(q)


@run_qemu_case
def loglvl_error(qemu):
    q = qemu("loglvl-error", machine="pc", smp=1, kernel=HV,
             append="loglvl=error")
    q.expect(r"Basalt \d+\.\d+\.\d+ hypervisor")
    q.expect(r"Basalt ready")
    check(not any("TSC:" in l for l in q.text()),
          "info line printed with loglvl=error", q)
    power_off(q)


@run_qemu_case
def console_none(qemu):
    q = qemu("console-none", machine="q35", smp=1, kernel=HV,
             append="console=none")
    time.sleep(3)
    q.send("O")  # keys still work without output
    rc = q.wait_exit(20)
    check(rc == 0 and q.shutdown_reason() == "guest-shutdown",
          "power-off key without console", q)
    check(q.text() == [], f"output with console=none: {q.text()[:3]}", q)


@run_qemu_case
def reboot_key(qemu):
    q = qemu("reboot-key", machine="q35", smp=2, kernel=HV, append="")
    q.expect(r"Basalt ready")
    q.send("R")
    q.expect(r"Basalt: rebooting")
    q.wait_exit(20)
    reason = q.shutdown_reason()
    check(reason == "guest-reset", f"reason {reason}", q)


@run_qemu_case
def panic_report(qemu, key, noreboot):
    q = qemu(f"panic-{key}", machine="q35", smp=2, kernel=HV_TEST,
             append="loglvl=all" + (" noreboot" if noreboot else ""))
    q.expect(r"selftest: fresh pages and heap objects are zeroed: ok")
    q.expect(r"Basalt ready")
    q.send(key)
    if key == "X":
        q.expect(r"Fatal exception 6 \(#UD invalid opcode\) on CPU 0")
    else:
        q.expect(r"Fatal exception 14 \(#PF page fault\) on CPU 0")
        q.expect(r"Faulting address \(CR2\): 0x0+8$")
    q.expect(r"^\[ *[\d.]+\] RIP: 0008:")
    q.expect(r"Call trace")
    q.expect(r"key_fault\+0x")
    q.expect(r"timer_softirq\+0x")
    m = q.expect(r"Basalt panic: Fatal exception")
    if noreboot:
        time.sleep(2)
        check(q.running(), "QEMU exited although noreboot", q)
        check(q.shutdown_reason(0) is None, "reset despite noreboot", q)
    else:
        q.wait_exit(20)
        reason = q.shutdown_reason()
        check(reason == "guest-reset", f"reason {reason}", q)
    last = [l for l in q.text() if l.strip()][-1]
    check("Basalt panic: Fatal exception" in last, f"last line {last!r}", q)
    return "halted" if noreboot else "rebooted"


@run_qemu_case
def protection_fault(qemu, key, pattern, reason):
    q = qemu(f"protect-{key}", machine="q35", smp=1, kernel=HV_TEST,
             append="loglvl=all")
    q.expect(r"Basalt ready")
    q.send(key)
    for p in pattern:
        q.expect(p)
    q.expect(r"Basalt panic: " + reason)
    q.wait_exit(20)
    check(q.shutdown_reason() == "guest-reset", "no reset after panic", q)


@run_qemu_case
def ctrl_a_switch(qemu):
    q = qemu("ctrl-a", machine="q35", smp=1, kernel=HV, append="")
    q.expect(r"Basalt ready")
    mark = q.mark()
    q.send(b"\x01\x01\x01")
    q.expect(r"\*\*\* Serial input to Basalt", start=mark)
    q.send(b"\x01\x01q")  # two Ctrl-A then a key: no switch, key works
    q.expect(r"No domains", start=mark)
    check(sum("Serial input to" in l for l in q.text()) == 1,
          "switch message count", q)
    power_off(q)


def main():
    s = Suite()
    s.case("boot-q35-smp1-multiboot1", boot_kernel, "q35", 1)
    s.case("boot-pc-smp2-multiboot1", boot_kernel, "pc", 2)
    s.case("boot-q35-smp2-multiboot1", boot_kernel, "q35", 2)
    s.case("build-grub-iso", build_iso)
    s.case("boot-q35-smp2-grub-multiboot2", boot_grub, "q35", 2)
    s.case("boot-pc-smp1-grub-multiboot2", boot_grub, "pc", 1)
    s.case("cmdline-warnings-and-maxcpus", cmdline_handling)
    s.case("loglvl-error-hides-info", loglvl_error)
    s.case("console-none-is-silent", console_none)
    s.case("reboot-key-resets", reboot_key)
    s.case("panic-ud-report-and-reboot", panic_report, "X", False)
    s.case("panic-pf-report-noreboot-halts", panic_report, "Y", True)
    s.case("wx-code-not-writable", protection_fault, "W",
           [r"Fatal exception 14 \(#PF page fault\).*error code 0x3$",
            r"CR2\): 0x0+2[0-9a-f]{5}$"], r"Fatal exception #PF")
    s.case("wx-data-not-executable", protection_fault, "N",
           [r"Fatal exception 14 \(#PF page fault\).*error code 0x11$"],
           r"Fatal exception #PF")
    s.case("lock-debug-recursion", protection_fault, "L",
           [r"Panic on CPU 0: recursive spin_lock\(test_lock\)"],
           r"recursive spin_lock\(test_lock\) on CPU 0")
    s.case("ctrl-a-three-times", ctrl_a_switch)
    s.exit()


if __name__ == "__main__":
    main()
