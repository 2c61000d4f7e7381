#!/bin/sh
# Install the Debian packages Basalt's build, tests and `make run` need.
# Idempotent: does nothing when everything is present. Must run as root on
# Debian 12 (CI and fresh developer machines are root).
set -eu

PKGS="make gcc binutils libc6-dev qemu-system-x86 qemu-utils grub-pc-bin grub-common
xorriso mtools libcmocka-dev pkg-config cloc python3 busybox-static cpio xz-utils
liblzma-dev zlib1g-dev libzstd-dev clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
