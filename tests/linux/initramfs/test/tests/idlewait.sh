#!/bin/sh
# SPDX-License-Identifier: MIT
# The guest does nothing for a while: the host measures QEMU's CPU time
# between IDLE-BEGIN and IDLE-END (seconds from idle_seconds=, default 14).
secs=14
for arg in $(cat /proc/cmdline); do
    case "$arg" in
    idle_seconds=*) secs=${arg#*=} ;;
    esac
done
echo "BEGIN 1"
echo "IDLE-BEGIN $secs"
sleep "$secs"
echo "IDLE-END"
echo "PASS idle slept $secs s"
echo "END"
