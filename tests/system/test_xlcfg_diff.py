#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential test of libbasalt's xl.cfg parser against Debian's libxlutil.

Fetches Debian's packages (xen-utils-common for the example configs,
libxenmisc4.17 + libxen-dev + their shared-library dependencies for
libxlutil), builds tests/system/xlcfg_diff/xlu_dump.c against libxlutil and
our own dumper (basalt-xlcfg --dump), runs both over Debian's example files
and our corpus, and prints "PASS <name>" or "FAIL <name> <diff summary>" per
file. Files under xlcfg_diff/differs/ are documented differences
(tools/libbasalt/README.md): their "# xlu: ..." and "# ours: ..." comment
lines give the start of lines each side must print; nothing else is
compared for them.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(TOP, "tests", "system", "xlcfg_diff")
CACHE = os.path.join(os.environ.get("BASALT_CACHE", os.path.join(TOP, ".cache")), "debs")
ARCH_LIB = "usr/lib/x86_64-linux-gnu"
PKGS = ["xen-utils-common", "libxenmisc4.17", "libxen-dev", "libxencall1",
        "libxendevicemodel1", "libxenevtchn1", "libxenforeignmemory1",
        "libxengnttab1", "libxenhypfs1", "libxenstore4", "libxentoolcore1",
        "libxentoollog1", "libyajl2"]
LIB_SRCS = sorted(glob.glob(os.path.join(TOP, "tools", "libbasalt", "*.c")))
KEY_RE = re.compile(r"(?:^|;)[ \t]*([a-z][._0-9a-z]*)[ \t]*\+?=", re.M)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def build(tmp):
    """Both dumpers; returns (xlu_cmd, ours_cmd, env) or raises."""
    p = run([os.path.join(TOP, "scripts", "fetch-debs.sh")] + PKGS)
    if p.returncode:
        raise RuntimeError("fetch-debs.sh failed: " + p.stderr.strip()[-300:])
    misc = os.path.join(CACHE, "libxenmisc4.17", ARCH_LIB)
    libdirs = [os.path.join(CACHE, k, ARCH_LIB) for k in PKGS[1:]]
    xlu = os.path.join(tmp, "xlu_dump")
    # Plain gcc, no sanitizers: Debian's libraries are not instrumented.
    p = run(["gcc", "-std=gnu11", "-O1", "-w", "-I",
             os.path.join(CACHE, "libxen-dev", "usr", "include"), "-o", xlu,
             os.path.join(HERE, "xlu_dump.c"),
             os.path.join(misc, "libxlutil.so.4.17"),
             os.path.join(misc, "libxenlight.so.4.17"),
             "-Wl,-rpath-link," + ":".join(libdirs)])
    if p.returncode:
        raise RuntimeError("building xlu_dump failed: " + p.stderr[-500:])
    ours = os.path.join(tmp, "basalt-xlcfg")
    p = run(["gcc", "-std=gnu11", "-O1", "-g", "-fsanitize=address,undefined",
             "-fno-sanitize-recover=all", "-I",
             os.path.join(TOP, "tools", "libbasalt", "include"), "-o", ours]
            + LIB_SRCS)
    if p.returncode:
        raise RuntimeError("building basalt-xlcfg failed: " + p.stderr[-500:])
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(libdirs))
    return [xlu], [ours, "--dump"], env


def dump(cmd, path, keys, env):
    p = run(cmd + [path] + keys, env=env, timeout=20)
    if p.returncode:
        return None, f"exit {p.returncode}: {p.stderr.strip()[-200:]}"
    return p.stdout, None


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<missing>"
        y = bl[i] if i < len(bl) else "<missing>"
        if x != y:
            return f"line {i + 1}: xlu {x!r} vs ours {y!r}"
    return "same"


def compare(name, path, xlu, ours, env, show):
    with open(path, "rb") as f:
        text = f.read().decode("latin-1")
    keys = sorted(set(KEY_RE.findall(text)))
    a, err = dump(xlu, path, keys, env)
    if err:
        return f"FAIL {name} libxlutil dumper: {err}"
    b, err = dump(ours, path, keys, env)
    if err:
        return f"FAIL {name} our dumper: {err}"
    if os.path.dirname(path) == os.path.join(HERE, "differs"):
        # Each "# xlu: TEXT" / "# ours: TEXT" line names the start of a
        # line that side must print; nothing else is compared.
        want = re.findall(r"^# (xlu|ours): (.*)$", text, re.M)
        if not want:
            return f"FAIL {name} no '# xlu:' / '# ours:' expectations"
        for side, start in want:
            out = a if side == "xlu" else b
            if not any(l.startswith(start) for l in out.splitlines()):
                return f"FAIL {name} {side} did not print {start!r}"
        return f"PASS {name} documented difference"
    if a != b:
        if show:
            sys.stderr.write(f"--- xlu {name}\n{a}--- ours\n{b}")
        return f"FAIL {name} {first_difference(a, b)}"
    return f"PASS {name}"


def main():
    show = "-v" in sys.argv
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        try:
            xlu, ours, env = build(tmp)
        except RuntimeError as e:
            print(f"FAIL build {e}")
            return 1
        # Listed only now: build() fetched Debian's examples.
        files = []
        for f in sorted(glob.glob(os.path.join(CACHE, "xen-utils-common", "etc",
                                               "xen", "xl*"))):
            files.append(("debian/" + os.path.basename(f), f))
        for sub in ("corpus", "differs"):
            for f in sorted(glob.glob(os.path.join(HERE, sub, "*.cfg"))):
                files.append((f"{sub}/" + os.path.basename(f), f))
        data = os.path.join(TOP, "tests", "unit", "data", "xlcfg")
        for f in sorted(glob.glob(os.path.join(data, "**", "*.cfg"), recursive=True)):
            files.append(("unit/" + os.path.relpath(f, data), f))
        if not any(n.startswith("debian/xlexample") for n, _ in files):
            print("FAIL debian-examples not found in xen-utils-common")
            failed = True
        for name, path in files:
            line = compare(name, path, xlu, ours, env, show)
            print(line, flush=True)
            failed |= line.startswith("FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
