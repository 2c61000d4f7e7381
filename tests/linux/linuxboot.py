# SPDX-License-Identifier: MIT
"""How the stock Linux kernel is fetched and booted on each hypervisor,
shared by tests/system/test_linux.py and tests/linux/run.py so that the
tests and `make run` use the same QEMU command.

Xen: Xen 4.17 with the kernel as PVH dom0 (the role Xen boots directly).
Basalt: the kernel as an unprivileged boot-time domain (modules 0 and 1).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "guest"))
import run as guest_run  # noqa: E402  (ensure_xen, XEN_ELF)

BASALT_ELF = os.path.join(TOP, "build", "basalt.elf")
HV_CONSOLE = "console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all"
GUEST_CONSOLE = "console=hvc0 earlyprintk=xen"
# +rdrand: the guest's RNG is ready at once (no ~3 s entropy stall).
CPU = "qemu64,+svm,+npt,+rdrand"
MACHINE = "q35"
MEM = 1024
HVS = ("xen", "basalt")


def fetch_kernel():
    """Resolve linux-image-amd64's current image package, fetch it into
    .cache/debs/ (scripts/fetch-linux.sh) and return (package, vmlinuz).
    Raises RuntimeError when that fails."""
    helper = os.path.join(TOP, "scripts", "fetch-linux.sh")
    p = subprocess.run([helper], cwd=TOP, capture_output=True, text=True)
    lines = p.stdout.strip().splitlines()
    path = lines[-1] if lines else ""
    if p.returncode != 0 or not os.path.isfile(path):
        raise RuntimeError(f"fetch-linux.sh failed (status {p.returncode}): "
                           f"{p.stderr.strip()[-400:]}")
    pkg = os.path.basename(os.path.dirname(os.path.dirname(path)))
    return pkg, path


def ensure_hypervisor(hv):
    """Make sure the hypervisor image exists; return its path."""
    if hv == "xen":
        guest_run.ensure_xen()
        return guest_run.XEN_ELF
    if not os.path.exists(BASALT_ELF):
        raise RuntimeError(f"{BASALT_ELF} missing (run make)")
    return BASALT_ELF


def qemu_args(hv, kernel, image, guest_args="", vcpus=1, hv_args=""):
    """Keyword arguments for tests/system/lib/qemu.py's Qemu (kernel,
    append, initrd, extra) booting kernel + image on hv with `vcpus`
    vCPUs. guest_args is added to the guest's command line after the
    console options; hv_args to the hypervisor's."""
    guest = f"{GUEST_CONSOLE} {guest_args}".strip()
    if "," in guest:
        raise ValueError("QEMU's -initrd splits on commas: none in "
                         "the guest command line")
    if hv == "xen":
        return dict(kernel=guest_run.XEN_ELF,
                    append=(f"{HV_CONSOLE} dom0_mem=512M dom0=pvh "
                                f"dom0_max_vcpus={vcpus} {hv_args}").strip(),
                    initrd=f"{kernel} {guest},{image}",
                    extra=["-device", "amd-iommu"])
    # Basalt: the quotes keep the guest's blanks inside the domain= option
    # (cmdline= takes the rest of it, commas included). Module 0 carries
    # the same string, as a Xen dom0 kernel's would.
    return dict(kernel=BASALT_ELF,
                append=(f'{HV_CONSOLE} {hv_args} domain="kernel=0,ramdisk=1,'
                        f'role=unprivileged,memory=512,vcpus={vcpus},'
                        f'name=linux,cmdline={guest}"'),
                initrd=f"{kernel} {guest},{image}",
                extra=["-device", "amd-iommu"])
