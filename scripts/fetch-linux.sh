#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch Debian's stock kernel package (the one linux-image-amd64 depends on,
# resolved now, never hard-coded) into the cache and print the path of its
# /boot/vmlinuz-*. Usage: fetch-linux.sh [METAPACKAGE] (default linux-image-amd64).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache="${BASALT_CACHE:-$top/.cache}/debs"
meta="${1:-linux-image-amd64}"
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    apt-get update -q >/dev/null
fi
pkg=$(apt-cache depends "$meta" 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
    echo "fetch-linux.sh: cannot resolve the kernel package behind $meta" >&2
    exit 1
fi
"$top/scripts/fetch-debs.sh" "$pkg" >&2
vmlinuz=$(ls "$cache/$pkg"/boot/vmlinuz-* 2>/dev/null | head -n 1)
if [ -z "$vmlinuz" ]; then
    echo "fetch-linux.sh: no boot/vmlinuz-* in $cache/$pkg" >&2
    exit 1
fi
echo "$vmlinuz"
