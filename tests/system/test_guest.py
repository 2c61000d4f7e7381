#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest tests (tests/guest/) for `make check`: every initial-domain test on
Debian's Xen 4.17 (the oracle; fetched into .cache/ on first use, and a
failed download fails), printing "PASS <test>@<hv>" / "FAIL <test>@<hv>
<why>". The Basalt column and its mutants run only with
BASALT_GUEST_TESTS=1 until Basalt runs guests."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "guest"))
import run  # noqa: E402

if __name__ == "__main__":
    hvs = ["xen"]
    mutants = []
    if os.environ.get("BASALT_GUEST_TESTS") == "1":
        hvs.insert(0, "basalt")
        mutants.append("basalt")
    sys.exit(run.main(["--hv", ",".join(hvs), "--mutants", ",".join(mutants)]))
