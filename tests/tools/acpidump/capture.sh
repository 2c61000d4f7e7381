#!/bin/sh
# SPDX-License-Identifier: MIT
# Dump a QEMU machine's ACPI tables into tests/unit/data/acpi/<name>/ as
# one <SIG>@<hexaddr>.bin per table plus rsdp@<hexaddr>.bin.
# Usage: capture.sh <machine> <smp> <name>, e.g. capture.sh q35 1 q35
set -eu

machine=${1:?machine, e.g. q35 or pc}
smp=${2:-1}
name=${3:-$machine}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=${BUILD_DIR:-$top/build/acpidump}
out=$top/tests/unit/data/acpi/$name

mkdir -p "$build"
gcc -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror \
	-nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,"$here/link.ld" \
	-o "$build/acpidump.elf" "$here/entry.S" "$here/acpidump.c"

log=$build/serial-$name.txt
rm -f "$log"
# isa-debug-exit makes QEMU exit with status 1 when the dumper writes 0.
status=0
timeout 60 qemu-system-x86_64 -M "$machine" -accel tcg -cpu qemu64 -m 256 \
	-smp "$smp" -display none -monitor none -serial "file:$log" \
	-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$build/acpidump.elf" || status=$?
if [ "$status" -ne 1 ]; then
	echo "capture.sh: QEMU exited with $status (expected 1)" >&2
	exit 1
fi

rm -rf "$out"
mkdir -p "$out"
python3 "$here/tobin.py" "$log" "$out"
ls -l "$out"
