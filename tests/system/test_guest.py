#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest tests (tests/guest/) for `make check`: every test on Basalt, its
mutant (-DTEST_MUTATE: every case must FAIL) on Basalt, and every test on
Debian's Xen 4.17 (the oracle; fetched into .cache/ on first use; a failed
download fails): initial-domain tests as Xen's PVH dom0, unprivileged ones
as PVH domUs made with xl in a PV dom0 built from Debian's packages.
Prints "PASS <test>@<hv>" / "FAIL <test>@<hv> <why>"."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "guest"))
import run  # noqa: E402

if __name__ == "__main__":
    sys.exit(run.main(["--hv", "basalt,xen", "--mutants", "basalt"]))
