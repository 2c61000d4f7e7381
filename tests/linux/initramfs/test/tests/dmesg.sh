#!/bin/sh
# SPDX-License-Identifier: MIT
# The kernel log with raw priorities (<N>[time] text) for the host to check
# against tests/system/dmesg-allow.txt. Lines go out in chunks of at most
# 120 characters ("D " starts a line, "C " continues it), so that a console
# that wraps long lines cannot change them; DMESG-END carries the chunk
# count, so that lost output is noticed.
echo "BEGIN 1"
dmesg -r > /tmp/dmesg.txt
echo "DMESG-BEGIN"
awk '{
    s = $0; tag = "D"
    do {
        printf "%s %s\n", tag, substr(s, 1, 120); n++
        s = substr(s, 121); tag = "C"
    } while (length(s) > 0)
} END { print "DMESG-END " n + 0 }' /tmp/dmesg.txt
echo "PASS dmesg-dumped $(wc -l < /tmp/dmesg.txt) records"
echo "END"
