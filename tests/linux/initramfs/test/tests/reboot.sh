#!/bin/sh
# SPDX-License-Identifier: MIT
# Waits for a line on the console: "reboot" -> reboot -f (the host sends it
# on the first boot), anything else or nothing within 60 s -> poweroff -f
# (the host sends "stop" once the domain has come back).
echo "BEGIN 1"
echo "REBOOT-READY"
if read -t 60 line; then
    echo "REBOOT-GOT $line"
else
    line=timeout
fi
if [ "$line" = reboot ]; then
    echo "PASS reboot-requested"
    echo "END"
    reboot -f
fi
echo "PASS reboot-declined $line"
echo "END"
poweroff -f
