#!/bin/sh
# SPDX-License-Identifier: MIT
# Rebuilds the seed kernels in seeds/ (committed, so tests do not need a
# 32-bit toolchain): an ELF32 EM_386, an ELF64 EM_X86_64 with an 8-byte
# entry note, and that ELF64 converted to ELF32 EM_X86_64.
set -eu
cd "$(dirname "$0")"
CC=${CC:-gcc}
flags="-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-T,seed.lds"
$CC -m32 $flags -DENTRY_SIZE=4 -o seeds/pvh32.elf seed_kernel.S
$CC -m64 $flags -DENTRY_SIZE=8 -o seeds/pvh64.elf seed_kernel.S
objcopy -O elf32-x86-64 seeds/pvh64.elf seeds/pvh64-elf32.elf
for f in seeds/*.elf; do strip --strip-all "$f"; done
