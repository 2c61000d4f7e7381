#!/bin/sh
# SPDX-License-Identifier: MIT
# Write the xz fuzz seeds into $1: small streams as xz(1) makes them (x86 BCJ
# or not, each check type, several blocks), each behind the two bytes of
# output size the target reads first.
set -eu
dir="$1"
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Deterministic inputs: text, x86-like bytes, a run, a short one.
seq 1 3000 | tr '\n' ' ' | head -c 8000 > "$tmp/text"
head -c 3000 /bin/sh > "$tmp/code"
printf '%0400d' 0 > "$tmp/run"
printf 'abcd' > "$tmp/short"
n=0
for f in text code run short; do
    for opts in "--check=crc32 --x86 --lzma2=preset=6" "--check=crc64 --lzma2=preset=0" \
                "--check=none --lzma2=preset=1,lc=0,lp=2,pb=0" \
                "--check=crc32 --block-size=700 --lzma2=preset=1"; do
        n=$((n + 1))
        size=$(wc -c < "$tmp/$f")
        # The target's output size: (b0 << 10 | b1 << 2) mod 256 KiB.
        b0=$(( (size >> 10) & 255 )); b1=$(( (size >> 2) & 255 ))
        { printf "\\$(printf %03o $b0)\\$(printf %03o $b1)"; \
          xz -c -T1 --format=xz $opts < "$tmp/$f"; } > "$dir/seed-$n.bin"
    done
done
