#!/bin/sh
# SPDX-License-Identifier: MIT
# Time, judged on the host from when each line arrives: the monotonic clock
# around `sleep 5` and again 15 s later (drift over ~20 s), and the wall
# clock (`date +%s`), which the host compares with its own.
echo "BEGIN 3"
echo "FACT date=$(date +%s)"
echo "FACT mono0=$(probe mono)"
sleep 5
rc=$?
echo "FACT mono1=$(probe mono)"
[ $rc = 0 ] && echo "PASS sleep5 ran" || echo "FAIL sleep5 status=$rc"
sleep 15
rc=$?
echo "FACT mono2=$(probe mono)"
[ $rc = 0 ] && echo "PASS sleep15 ran" || echo "FAIL sleep15 status=$rc"
echo "FACT date2=$(date +%s)"
echo "FACT rtc=$(cat /sys/class/rtc/rtc0/since_epoch 2>/dev/null || echo none)"
echo "PASS date printed"
echo "END"
