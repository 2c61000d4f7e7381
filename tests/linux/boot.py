#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot Debian's stock kernel with a busybox initramfs on a hypervisor in
QEMU, interactively (what `make run` needs): the kernel package is
resolved from linux-image-amd64 now and printed with the module paths.

  boot.py                       Basalt, shell image: a shell on hvc0
  boot.py --hv xen              the same on Xen 4.17 (PVH dom0)
  boot.py --image test test=hypervisor+time   run test scripts by hand

Ctrl-A three times switches the serial input between the hypervisor and
the guest (as in Xen); QEMU's escape is Ctrl-] (Ctrl-] x quits).
"""
import argparse
import os
import subprocess
import sys

# No __pycache__ next to the sources (the tree is committed as is).
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import linuxboot  # noqa: E402
import mkinitramfs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--hv", choices=linuxboot.HVS, default="basalt")
    ap.add_argument("--image", choices=("shell", "test"), default="shell")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("guest_args", nargs="*",
                    help="added to the guest's command line (no commas)")
    args = ap.parse_args()
    try:
        pkg, kernel = linuxboot.fetch_kernel()
        hv_image = linuxboot.ensure_hypervisor(args.hv)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"boot.py: {e}")
    subprocess.run([sys.executable, mkinitramfs.__file__], check=True)
    image = (mkinitramfs.SHELL_IMAGE if args.image == "shell"
             else mkinitramfs.TEST_IMAGE)
    a = linuxboot.qemu_args(args.hv, kernel, image, " ".join(args.guest_args))
    print(f"kernel package: {pkg}\n  module 0: {kernel}\n  module 1: {image}\n"
          f"hypervisor: {hv_image}\n  {a['append']}\n"
          "Ctrl-A x3 switches input hypervisor/guest; Ctrl-] x quits QEMU.",
          flush=True)
    cmd = ["qemu-system-x86_64", "-M", linuxboot.MACHINE, "-accel", "tcg",
           "-cpu", linuxboot.CPU, "-m", str(linuxboot.MEM),
           "-smp", str(args.smp), "-display", "none", "-no-reboot",
           "-echr", "0x1d", "-serial", "mon:stdio",
           "-kernel", a["kernel"], "-append", a["append"],
           "-initrd", a["initrd"], *a["extra"]]
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
