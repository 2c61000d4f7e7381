#!/bin/sh
# Boot Basalt in QEMU with an interactive serial console (`make run`).
# Ctrl-A three times switches the input between Basalt and its domains
# (as in Xen); QEMU's own escape key is moved to Ctrl-] so that Ctrl-A
# reaches Basalt: press Ctrl-] then x to quit QEMU.
# Extra hypervisor options: make run ARGS="loglvl=all maxcpus=1"
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
smp=${SMP:-2}
machine=${MACHINE:-q35}
echo "Basalt in QEMU ($machine, $smp CPUs, 1 GiB). Debug keys: 'h' for help,"
echo "'O' powers off. Quit QEMU: Ctrl-] then x."
# The default guest: a small test kernel that prints a heartbeat every
# half second as the initial domain (the stock Linux guest comes next).
guest=${GUEST:-$top/build/guest/witness.elf}
exec qemu-system-x86_64 -M "$machine" -accel tcg -cpu qemu64,+svm,+npt \
    -m 1024 -smp "$smp" -display none -no-reboot \
    -echr 0x1d -serial mon:stdio \
    -kernel "$top/build/basalt.elf" -initrd "$guest period_ms=5000" \
    -append "console=com1 loglvl=info dom0_mem=64M ${ARGS:-}"
