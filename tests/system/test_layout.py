#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Layout rules that keep the architecture honest:
- no vendor names (VMCB, VMCS, svm_, vmx_) outside hv/arch/x86/svm and
  hv/arch/x86/vmx: common code reaches backends only through asm/hvm.h;
- pure modules (hv/lib, hv/common/mm, hv/drivers/acpi, the decoders and
  parsers) include no arch header;
- no .c file in hv/ over 1,500 lines."""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HV = os.path.join(TOP, "hv")
VENDOR = re.compile(r"vmcb|vmcs|\bsvm_|\bvmx_", re.I)
PURE = ["hv/lib", "hv/common/mm", "hv/drivers/acpi", "hv/arch/x86/emul",
        "hv/common/guest_walk.c", "hv/common/pvh_elf.c",
        "hv/common/bootdomain_parse.c", "hv/arch/x86/boot/multiboot.c",
        "hv/common/tlb_policy.c"]


def sources():
    for root, _, files in os.walk(HV):
        for f in files:
            if f.endswith((".c", ".h", ".S")):
                p = os.path.join(root, f)
                yield os.path.relpath(p, TOP), p


def main():
    failed = 0
    vendor_hits = []
    pure_hits = []
    big = []
    for rel, path in sources():
        text = open(path, encoding="utf-8").read()
        if not rel.startswith(("hv/arch/x86/svm/", "hv/arch/x86/vmx/")):
            for n, line in enumerate(text.splitlines(), 1):
                if VENDOR.search(line):
                    vendor_hits.append(f"{rel}:{n}")
        if any(rel == p or rel.startswith(p + "/") for p in PURE):
            for n, line in enumerate(text.splitlines(), 1):
                if re.match(r'\s*#\s*include\s*<asm/', line) and \
                        "x86_emulate.h" not in line:
                    pure_hits.append(f"{rel}:{n}")
        if rel.endswith(".c") and text.count("\n") > 1500:
            big.append(rel)
    for name, hits in (("no-vendor-names-outside-backends", vendor_hits),
                       ("pure-modules-include-no-arch-header", pure_hits),
                       ("no-file-over-1500-lines", big)):
        if hits:
            failed += 1
            print(f"FAIL {name} {' '.join(hits[:10])}")
        else:
            print(f"PASS {name}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
