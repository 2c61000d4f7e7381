#!/bin/sh
# Size of the hypervisor (`make cloc`): code lines by part, and the
# median and largest .c file, as STYLE.md asks us to watch.
set -eu
cd "$(dirname "$0")/.."
if ! command -v cloc >/dev/null; then
    echo "cloc is not installed: run ./scripts/install-deps.sh" >&2
    exit 1
fi
echo "== hypervisor (hv/) =="
cloc --quiet --hide-rate hv
for part in hv/arch/x86 hv/common hv/lib hv/drivers; do
    n=$(cloc --quiet --csv hv/"${part#hv/}" 2>/dev/null | awk -F, '$2=="SUM"{print $5}')
    printf '%-14s %6s code lines\n' "$part" "${n:-0}"
done
echo "== .c files in hv/: median and largest (code lines) =="
cloc --quiet --by-file --csv --include-lang=C hv | awk -F, 'NR>1 && $2!="" && $1=="C"{print $5, $2}' \
    | sort -n | awk '{a[NR]=$0} END{print "median:", a[int((NR+1)/2)]; print "largest:", a[NR]}'
if [ -d tools ]; then
    echo "== userland (tools/) =="
    cloc --quiet --hide-rate tools
fi
