#!/bin/sh
# SPDX-License-Identifier: MIT
# The kernel log with raw priorities (<N>[time] text) between markers; the
# host checks it against tests/system/dmesg-allow.txt.
echo "BEGIN 1"
n=$(dmesg -r | wc -l)
echo "DMESG-BEGIN $n"
dmesg -r
echo "DMESG-END"
echo "PASS dmesg-dumped $n lines"
echo "END"
