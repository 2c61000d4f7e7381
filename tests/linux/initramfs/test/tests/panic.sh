#!/bin/sh
# SPDX-License-Identifier: MIT
# A forced kernel panic through sysrq; what follows is the hypervisor's.
echo "BEGIN 1"
echo "PASS panic-now"
echo "END"
echo c > /proc/sysrq-trigger
echo "PANIC-RETURNED"
