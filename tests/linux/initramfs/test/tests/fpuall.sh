#!/bin/sh
# SPDX-License-Identifier: MIT
# The probe's SSE+x87 checksum on every CPU at once (one copy pinned to
# each with taskset): with more vCPUs than host CPUs the hypervisor
# switches FPU state between vCPUs as well as the kernel between tasks.
# Each copy must print what the host printed (/etc/fp-expected).
. /etc/fp-expected
n=$(grep -c '^processor' /proc/cpuinfo)
echo "BEGIN $n"
c=0
while [ $c -lt "$n" ]; do
    taskset -c "$c" probe fpsum "$FPSUM_ITERS" > "/tmp/fpall.$c" 2>&1 &
    c=$((c + 1))
done
wait
c=0
while [ $c -lt "$n" ]; do
    got=$(cat "/tmp/fpall.$c")
    echo "FACT fpall_$c=$got"
    if [ "$got" = "$FPSUM_WANT" ]; then
        echo "PASS fpsum-cpu$c $got"
    else
        echo "FAIL fpsum-cpu$c got=$got want=$FPSUM_WANT"
    fi
    c=$((c + 1))
done
echo "END"
