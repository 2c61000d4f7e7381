#!/bin/sh
# SPDX-License-Identifier: MIT
# Floating point: two copies of the probe's SSE+x87 checksum run at once
# (the kernel switches FPU state between them at every tick) next to a
# busybox awk loop; each must print what the same code printed on the host
# when the initramfs was built (/etc/fp-expected).
. /etc/fp-expected
echo "BEGIN 3"
probe fpsum "$FPSUM_ITERS" > /tmp/fp.a &
pa=$!
probe fpsum "$FPSUM_ITERS" > /tmp/fp.b &
pb=$!
awk_got=$(awk "$AWK_PROG")
wait $pa
wait $pb
for x in a b; do
    got=$(cat /tmp/fp.$x)
    echo "FACT fpsum_$x=$got"
    if [ "$got" = "$FPSUM_WANT" ]; then
        echo "PASS fpsum-$x $got"
    else
        echo "FAIL fpsum-$x got=$got want=$FPSUM_WANT"
    fi
done
echo "FACT awk=$awk_got"
if [ "$awk_got" = "$AWK_WANT" ]; then
    echo "PASS awk $awk_got"
else
    echo "FAIL awk got=$awk_got want=$AWK_WANT"
fi
echo "END"
