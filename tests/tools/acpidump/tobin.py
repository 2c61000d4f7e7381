#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn acpidump's serial log into <SIG>@<hexaddr>.bin files."""
import os
import re
import sys


def main():
    log, out = sys.argv[1], sys.argv[2]
    lines = open(log, encoding="ascii", errors="replace").read().splitlines()
    if "ACPIDUMP DONE" not in lines:
        sys.exit("tobin.py: dump incomplete (no ACPIDUMP DONE)")
    i = 0
    count = 0
    while i < len(lines):
        m = re.match(r"TABLE (.{4}) ([0-9a-f]{8}) ([0-9a-f]{8})$", lines[i])
        i += 1
        if not m:
            continue
        sig, addr, length = m.group(1), int(m.group(2), 16), int(m.group(3), 16)
        hexdata = ""
        while lines[i] != "END":
            hexdata += lines[i].strip()
            i += 1
        data = bytes.fromhex(hexdata)
        if len(data) != length:
            sys.exit(f"tobin.py: {sig}@{addr:x}: {len(data)} bytes, want {length}")
        safe = re.sub(r"[^A-Za-z0-9]", "_", sig)
        with open(os.path.join(out, f"{safe}@{addr:x}.bin"), "wb") as f:
            f.write(data)
        count += 1
    if count == 0:
        sys.exit("tobin.py: no tables in the log")
    print(f"tobin.py: {count} tables written to {out}")


if __name__ == "__main__":
    main()
