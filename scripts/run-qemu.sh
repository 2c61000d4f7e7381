#!/bin/sh
# Boot Basalt in QEMU with an interactive serial console (`make run`):
# Debian's stock Linux kernel (the version linux-image-amd64 depends on
# today, resolved now) as an unprivileged domain with a busybox shell.
# Serial input goes to the domain first; Ctrl-A three times switches it
# between the domain and Basalt (debug keys: 'h'), as in Xen. QEMU's own
# escape key is moved to Ctrl-] so that Ctrl-A reaches Basalt: press
# Ctrl-] then x to quit QEMU.
#   make run ARGS="loglvl=all"      more hypervisor options
#   make run GUEST=path/to/pvh.elf  a PVH test kernel as domain 0 instead
#   make run SMP=2 MACHINE=pc MEM=512
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
smp=${SMP:-2}
machine=${MACHINE:-q35}
mem=${MEM:-512}
if [ -n "${GUEST:-}" ]; then
    initrd="$GUEST period_ms=5000"
    append="console=com1 loglvl=info dom0_mem=64M ${ARGS:-}"
else
    kernel=$("$top/scripts/fetch-linux.sh")
    python3 "$top/tests/linux/mkinitramfs.py" >/dev/null
    echo "Kernel: $kernel"
    initrd="$kernel,$top/build/linux/shell.cpio.gz"
    append="console=com1 loglvl=info ${ARGS:-} domain=\"kernel=0,ramdisk=1,role=unprivileged,memory=$mem,vcpus=1,name=linux,cmdline=console=hvc0\""
fi
echo "Basalt in QEMU ($machine, $smp CPUs, 1 GiB). Ctrl-A x3: switch input"
echo "between the guest and Basalt ('h' for debug keys). Quit QEMU: Ctrl-] x."
exec qemu-system-x86_64 -M "$machine" -accel tcg -cpu qemu64,+svm,+npt,+rdrand \
    -m 1024 -smp "$smp" -display none -no-reboot \
    -echr 0x1d -serial mon:stdio \
    -kernel "$top/build/basalt.elf" -initrd "$initrd" -append "$append"
