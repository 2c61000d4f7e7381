#!/bin/sh
# SPDX-License-Identifier: MIT
# How many CPUs the guest sees, then IPI workloads (bin/smpload, from
# tests/linux/smpload.c) with /proc/interrupts summed per CPU before and
# after, for the host to judge (tests/system/test_smp.py):
#   FACT cpuinfo=N  FACT nproc=N  FACT online=LIST
#   FACT ring=...   FACT hop=...   FACT munmap=...  (workload lines)
#   FACT irq_<when>_<cpu>=timer:N resched:N callfunc:N callfuncsingle:N RES:N CAL:N
# Rounds come from the kernel command line (smp_rounds=, smp_hops=,
# smp_unmaps=); the munmap workload runs only with 3 or more CPUs, where
# an unmap interrupts several CPUs at once.
rounds=200
hops=50
unmaps=10
for arg in $(cat /proc/cmdline); do
    case "$arg" in
    smp_rounds=*) rounds=${arg#*=} ;;
    smp_hops=*) hops=${arg#*=} ;;
    smp_unmaps=*) unmaps=${arg#*=} ;;
    esac
done

# /proc/interrupts reduced to one line per CPU: the Xen per-CPU event rows
# (timerN, reschedN, callfuncN, callfuncsingleN: the count of row N summed
# over all columns) and the arch RES and CAL columns of that CPU.
irqs() {
    awk -v when="$1" '
    NR == 1 { ncol = NF; next }
    $1 ~ /^[0-9]+:$/ && $NF ~ /^(timer|resched|callfunc|callfuncsingle)[0-9]+$/ {
        name = $NF; cpu = name; sub(/^[a-z]+/, "", cpu); kind = name
        sub(/[0-9]+$/, "", kind)
        s = 0
        for (i = 2; i <= ncol + 1; i++) s += $i
        v[cpu, kind] = s
    }
    $1 == "RES:" || $1 == "CAL:" {
        k = substr($1, 1, 3)
        for (i = 2; i <= ncol + 1; i++) v[i - 2, k] = $i
    }
    END {
        for (c = 0; c < ncol; c++)
            printf "FACT irq_%s_%d=timer:%d resched:%d callfunc:%d callfuncsingle:%d RES:%d CAL:%d\n",
                when, c, v[c, "timer"], v[c, "resched"], v[c, "callfunc"],
                v[c, "callfuncsingle"], v[c, "RES"], v[c, "CAL"]
    }' /proc/interrupts
}

n=$(grep -c '^processor' /proc/cpuinfo)
checks=1
[ "$n" -ge 2 ] && checks=3
[ "$n" -ge 3 ] && checks=4
echo "BEGIN $checks"
echo "FACT cpuinfo=$n"
echo "FACT nproc=$(nproc)"
echo "FACT online=$(cat /sys/devices/system/cpu/online)"
echo "PASS cpus-counted $n"
if [ "$n" -ge 2 ]; then
    irqs before
    out=$(smpload ring "$rounds" 2>&1)
    rc=$?
    echo "FACT ring=$out"
    [ $rc = 0 ] && echo "PASS ring $out" || echo "FAIL ring status=$rc $out"
    irqs ring
    out=$(smpload hop "$hops" 2>&1)
    rc=$?
    echo "FACT hop=$out"
    [ $rc = 0 ] && echo "PASS hop $out" || echo "FAIL hop status=$rc $out"
    irqs hop
fi
if [ "$n" -ge 3 ]; then
    out=$(smpload munmap "$unmaps" 2>&1)
    rc=$?
    echo "FACT munmap=$out"
    [ $rc = 0 ] && echo "PASS munmap $out" || echo "FAIL munmap status=$rc $out"
    irqs munmap
fi
echo "END"
