#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run every test of `make check` and print the final "N passed, N failed".

Suites:
  unit    every cmocka binary in build/unit/ (TAP output)
  system  every executable tests/system/test_*.py; each prints one line per
          case: "PASS <name> [detail]", "FAIL <name> <why>" or
          "SKIP <name> <why>"; a non-zero exit with no FAIL line counts as
          one failure of the suite.
"""
import argparse
import os
import re
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULT = re.compile(r"^(PASS|FAIL|SKIP) (\S+)\s*(.*)$")
TAP = re.compile(r"^(ok|not ok) \d+ - (.*)$")


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []

    def add(self, suite, verdict, name, detail=""):
        if verdict == "PASS":
            self.passed += 1
        elif verdict == "SKIP":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append(f"{suite}: {name} {detail}".rstrip())


def run_unit(tally, verbose):
    udir = os.path.join(TOP, "build", "unit")
    if not os.path.isdir(udir):
        return
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    for name in sorted(os.listdir(udir)):
        path = os.path.join(udir, name)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        t0 = time.time()
        p = subprocess.run([path], cwd=TOP, env=env, capture_output=True,
                           text=True, timeout=300)
        cases = 0
        for line in p.stdout.splitlines():
            m = TAP.match(line)
            if m:
                cases += 1
                tally.add("unit/" + name, "PASS" if m.group(1) == "ok"
                          else "FAIL", m.group(2))
        if p.returncode != 0 and (cases == 0 or not any(
                TAP.match(l) and l.startswith("not ok")
                for l in p.stdout.splitlines())):
            tally.add("unit/" + name, "FAIL", "exit",
                      f"status {p.returncode}")
        bad = p.returncode != 0
        print(f"unit/{name}: {cases} cases, {time.time() - t0:.1f}s"
              + (" FAILED" if bad else ""), flush=True)
        if bad or verbose:
            sys.stdout.write(p.stdout[-4000:])
            sys.stdout.write(p.stderr[-4000:])


def run_system(tally, pattern, verbose):
    sdir = os.path.join(TOP, "tests", "system")
    for name in sorted(os.listdir(sdir)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        if pattern and not re.search(pattern, name):
            continue
        t0 = time.time()
        print(f"system/{name}:", flush=True)
        p = subprocess.Popen([sys.executable, os.path.join(sdir, name)],
                             cwd=TOP, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        saw_fail = False
        for line in p.stdout:
            line = line.rstrip("\n")
            m = RESULT.match(line)
            if m:
                tally.add("system/" + name, m.group(1), m.group(2),
                          m.group(3))
                saw_fail |= m.group(1) == "FAIL"
            print("  " + line, flush=True)
        rc = p.wait()
        if rc != 0 and not saw_fail:
            tally.add("system/" + name, "FAIL", "exit", f"status {rc}")
        print(f"system/{name}: done in {time.time() - t0:.1f}s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", choices=["unit", "system"],
                    help="run one tier only")
    ap.add_argument("-k", metavar="REGEX",
                    help="run only system suites whose file name matches")
    ap.add_argument("-v", action="store_true", help="show all output")
    args = ap.parse_args()
    tally = Tally()
    t0 = time.time()
    if args.only in (None, "unit") and not args.k:
        run_unit(tally, args.v)
    if args.only in (None, "system"):
        run_system(tally, args.k, args.v)
    if tally.failures:
        print("\nFailures:")
        for f in tally.failures:
            print("  " + f)
    print(f"\n(make check took {time.time() - t0:.0f}s, "
          f"{tally.skipped} skipped)")
    print(f"{tally.passed} passed, {tally.failed} failed")
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
