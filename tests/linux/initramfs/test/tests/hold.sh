#!/bin/sh
# SPDX-License-Identifier: MIT
# Stops right after the user-space marker until the host types a line:
# the host reads the hypervisor's counters (Basalt's exit counts, key 'E')
# at this fixed point of the boot, then lets the guest go on.
echo "BEGIN 1"
echo "HOLD type a line to go on"
read -r line
echo "PASS hold released ($line)"
echo "END"
