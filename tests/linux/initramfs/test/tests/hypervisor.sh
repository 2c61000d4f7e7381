#!/bin/sh
# SPDX-License-Identifier: MIT
# What the guest sees of its hypervisor through /sys/hypervisor (drivers/xen
# sys-hypervisor). The host compares the features word with the value
# expected of each hypervisor; the rest is judged here.
echo "BEGIN 4"
h=/sys/hypervisor
get() { if [ -r "$1" ]; then cat "$1"; else echo missing; fi; }
type=$(get $h/type)
major=$(get $h/version/major)
minor=$(get $h/version/minor)
extra=$(get $h/version/extra)
features=$(get $h/properties/features)
echo "FACT hypervisor_type=$type"
echo "FACT version_major=$major"
echo "FACT version_minor=$minor"
echo "FACT version_extra=$extra"
echo "FACT features=0x$features"
echo "FACT virtual_start=$(get $h/properties/virtual_start)"
echo "FACT pagesize=$(get $h/properties/pagesize)"
echo "FACT guest_type=$(get $h/guest_type)"
echo "FACT clocksource=$(get /sys/devices/system/clocksource/clocksource0/current_clocksource)"
[ "$type" = xen ] && echo "PASS type is-xen" || echo "FAIL type got=$type"
[ "$major" = 4 ] && echo "PASS version-major $major.$minor$extra" \
    || echo "FAIL version-major got=$major"
case "$features" in
[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])
    echo "PASS features-readable 0x$features" ;;
*)  echo "FAIL features-readable got=$features" ;;
esac
gt=$(get $h/guest_type)
[ "$gt" = PVH ] && echo "PASS guest-type PVH" || echo "FAIL guest-type got=$gt"
echo "END"
