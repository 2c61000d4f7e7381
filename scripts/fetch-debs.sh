#!/bin/sh
# Download Debian packages and unpack them (never install them) into the
# cache: .cache/debs/<package>/. Usage: fetch-debs.sh PKG [PKG...]
# Prints nothing when everything is already there.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache="${BASALT_CACHE:-$top/.cache}/debs"
mkdir -p "$cache"
# Several tests may fetch at once: one at a time.
exec 9>"$cache/.lock"
flock 9
need_update=1
for pkg in "$@"; do
    [ -f "$cache/$pkg/.unpacked" ] && continue
    if [ "$need_update" = 1 ] && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
        apt-get update -q >/dev/null
    fi
    need_update=0
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1); then
        # Lists may be stale on a long-lived machine: refresh once and retry.
        apt-get update -q >/dev/null
        (cd "$tmp" && apt-get download -q "$pkg" >/dev/null)
    fi
    rm -rf "$cache/$pkg"
    mkdir -p "$cache/$pkg"
    dpkg -x "$tmp"/*.deb "$cache/$pkg"
    cp "$tmp"/*.deb "$cache/$pkg.deb"
    rm -rf "$tmp"
    touch "$cache/$pkg/.unpacked"
    echo "fetched $pkg into $cache/$pkg"
done
