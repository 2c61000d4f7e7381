#!/bin/sh
# SPDX-License-Identifier: MIT
# Leaves an interactive shell on the console (the device console= names)
# and returns; /init then waits for it. The host measures QEMU's CPU time
# while the shell sits at its prompt, types into it, and ends with
# `poweroff` or `reboot`.
echo "BEGIN 1"
touch /run/keep-running
ENV=/etc/shellrc setsid cttyhack sh -i &
echo "PASS shell-started pid=$!"
echo "END"
