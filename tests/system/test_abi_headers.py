#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guard for Basalt's own definitions of Xen's public guest ABI.

Compiles tests/unit/abi/ours.c (our include/public headers) and
tests/unit/abi/xen.c (Debian's libxen-dev headers, fetched into the cache)
for -m64 and -m32, each turning tests/unit/abi/items.h into a table of
sizes, alignments, offsets, signedness and constant values in an object
section; reads both tables back with objcopy and compares them entry by
entry. Also checks that every public header compiles on its own, for both
word sizes, freestanding, with the project's warnings, and that every name
our headers define is listed in items.h (so nothing escapes comparison).
Prints "PASS <group>" or "FAIL <name> ours=X xen=Y"; exits non-zero on any
failure. Compile-only: no 32-bit libc (gcc-multilib) is needed.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ABI = os.path.join(TOP, "tests", "unit", "abi")
PUBLIC = os.path.join(TOP, "include", "public")
CACHE = os.path.join(os.environ.get("BASALT_CACHE", os.path.join(TOP, ".cache")), "debs")
XEN_INC = os.path.join(CACHE, "libxen-dev", "usr", "include")
CC = os.environ.get("CC", "gcc")
OBJCOPY = os.environ.get("OBJCOPY", "objcopy")
RECORD = struct.Struct("<120sQ")   # struct abi_item in tests/unit/abi/table.h

WARN = ["-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wvla", "-Wmissing-prototypes",
        "-Wstrict-prototypes", "-Wundef", "-Wpointer-arith", "-Wformat=2",
        "-Wcast-qual", "-Wimplicit-fallthrough"]

# Names our headers define that are not values to compare: the guest-handle
# and constant-suffix machinery (exercised through the handle sizes in
# items.h), printf formats, and include guards (PUBLIC_*_H, matched below).
NOT_COMPARED = {
    "___DEFINE_XEN_GUEST_HANDLE", "__DEFINE_XEN_GUEST_HANDLE",
    "DEFINE_XEN_GUEST_HANDLE", "__XEN_GUEST_HANDLE", "XEN_GUEST_HANDLE",
    "XEN_GUEST_HANDLE_PARAM", "set_xen_guest_handle_raw", "set_xen_guest_handle",
    "__xen_mk_uint", "__xen_mk_ulong", "__xen_mk_ullong",
    "xen_mk_uint", "xen_mk_ulong", "xen_mk_ullong",
    "XEN_FLEX_ARRAY_DIM", "PRI_xen_pfn", "PRIu_xen_pfn", "PRI_xen_ulong",
}

# A GNU attribute between "struct" and the tag, as in e820.h.
ATTR = r"(?:__attribute__\s*\(\(\w+\)\)\s*)?"

failures = 0


def fail(name, detail):
    global failures
    failures += 1
    print(f"FAIL {name} {detail}", flush=True)


def compact(name):
    return name.replace(", ", ",").replace(" ", "_")


def run(cmd, stdin_text=None):
    p = subprocess.run(cmd, cwd=TOP, input=stdin_text, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def own_headers():
    out = []
    for d, _, files in os.walk(PUBLIC):
        for f in files:
            if f.endswith(".h"):
                out.append(os.path.relpath(os.path.join(d, f), PUBLIC))
    return sorted(out)


def build_table(src, inc, bits, tmp):
    obj = os.path.join(tmp, f"{src}{bits}.o")
    binf = obj + ".bin"
    rc, out = run([CC, f"-m{bits}", "-std=gnu11", "-ffreestanding", "-O0",
                   "-I", ABI, "-I", inc] + WARN +
                  ["-c", os.path.join(ABI, src + ".c"), "-o", obj])
    if rc != 0:
        fail(f"m{bits}:build-{src}", "does not compile: " +
             " | ".join(l for l in out.splitlines() if "error" in l)[:2000])
        return None
    rc, out = run([OBJCOPY, "-O", "binary", "--only-section=.abi_items", obj, binf])
    if rc != 0:
        fail(f"m{bits}:extract-{src}", out.strip())
        return None
    with open(binf, "rb") as f:
        data = f.read()
    table = []
    for off in range(0, len(data) - len(data) % RECORD.size, RECORD.size):
        raw, value = RECORD.unpack_from(data, off)
        table.append((raw.split(b"\0", 1)[0].decode(), value))
    return table


def signed64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def compare(bits, tmp):
    ours = build_table("ours", os.path.join(TOP, "include"), bits, tmp)
    xen = build_table("xen", XEN_INC, bits, tmp)
    if ours is None or xen is None:
        return
    if [n for n, _ in ours] != [n for n, _ in xen] or len(ours) < 100:
        fail(f"m{bits}:tables", f"name lists differ or too short "
             f"(ours {len(ours)}, xen {len(xen)} entries)")
        return
    group, bad, count = None, 0, 0

    def close_group():
        if group is not None and bad == 0:
            print(f"PASS m{bits}:{group} {count} items", flush=True)

    for (name, ov), (_, xv) in zip(ours, xen):
        if name.startswith("#group "):
            close_group()
            group, bad, count = name[len("#group "):], 0, 0
            continue
        count += 1
        if ov != xv:
            bad += 1
            fail(f"m{bits}:{compact(name)}", f"ours={signed64(ov)} xen={signed64(xv)}")
    close_group()


def standalone(bits):
    """Each header alone, as the hypervisor (-nostdinc) and a guest see it."""
    gcc_inc = subprocess.run([CC, "-print-file-name=include"], stdout=subprocess.PIPE,
                             text=True, check=True).stdout.strip()
    bad = 0
    headers = own_headers()
    for h in headers:
        for std in (["-std=gnu11"] + WARN, ["-std=c11", "-pedantic-errors"] + WARN):
            # A declaration after the header keeps -pedantic from calling
            # the translation unit empty.
            rc, out = run([CC, f"-m{bits}", "-ffreestanding", "-nostdinc",
                           "-isystem", gcc_inc, "-fsyntax-only", *std,
                           "-include", os.path.join(PUBLIC, h), "-x", "c", "-"],
                          "typedef int abi_nonempty;\n")
            if rc != 0:
                bad += 1
                first = next((l for l in out.splitlines() if "error" in l), out.strip())
                fail(f"m{bits}:standalone:{h}", f"{std[0]}: {first[:300]}")
    if bad == 0:
        print(f"PASS m{bits}:standalone {len(headers)} headers", flush=True)


def handles_of(text):
    return set(re.findall(r"^\s*(?:__)?DEFINE_XEN_GUEST_HANDLE\((\w+)", text, flags=re.M))


def names_of(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    names = set(re.findall(r"^\s*#\s*define\s+(\w+)", text, flags=re.M))
    names |= set(re.findall(r"\b(?:struct|union)\s+" + ATTR + r"(\w+)\s*\{", text))
    names |= set(re.findall(r"\}\s*(\w+)\s*;", text))              # typedef'd aggregates
    names |= set(re.findall(r"^\s*typedef\s[^;{]*?\b(\w+)\s*(?:\[\d*\])?\s*;",
                            text, flags=re.M))
    names |= set(re.findall(r"^\s*(\w+)\s*=\s*-?\w+\s*,", text, flags=re.M))  # enumerators
    return {n for n in names if not re.fullmatch(r"PUBLIC_\w+_H", n)}


def struct_members(text):
    """(tag, member) for each member of each top-level struct or union.

    A deliberately small parser for the layout style of include/public:
    one member declaration per line; nested aggregates close on a line
    of their own ("} name;"), which names the member.
    """
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out, depth, tag = [], 0, None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            continue
        m = re.match(r"(?:typedef\s+)?(struct|union)\s+" + ATTR + r"(\w+)\s*\{", s)
        if depth == 0 and m:
            tag, depth = f"{m.group(1)} {m.group(2)}", 1
            continue
        if depth == 0:
            continue
        if depth == 1 and s.endswith(";") and "{" not in s and not s.startswith("}"):
            decl = re.sub(r"\[[^\]]*\]", "", s[:-1])
            for part in decl.split(","):
                name = re.findall(r"(\w+)\s*$", part)
                if name:
                    out.append((tag, name[0]))
        elif depth == 2 and s.startswith("}") and s.endswith(";"):
            out += [(tag, n) for n in re.findall(r"\w+", s[1:-1])]
        depth += s.count("{") - s.count("}")
    return out


def completeness():
    """Every name our headers define must be compared (or be machinery).

    Compared means listed in items.h, or, for the few definitions Xen's
    public headers lack, checked against fixed values in ours_only.h.
    """
    items = ""
    for name in ("items.h", "ours_only.h"):
        with open(os.path.join(ABI, name)) as f:
            items += f.read()
    listed = set(re.findall(r"\w+", items))
    bad = 0
    for h in own_headers():
        if h == os.path.join("io", "xs_wire.h"):
            continue   # another module's header, checked by its own tests
        with open(os.path.join(PUBLIC, h)) as f:
            text = f.read()
        missing = sorted(names_of(text) - listed - NOT_COMPARED)
        missing += [f"XEN_GUEST_HANDLE({n})" for n in sorted(handles_of(text))
                    if f"SIZE(XEN_GUEST_HANDLE({n}))" not in items]
        missing += [f"{t}.{m}" for t, m in struct_members(text)
                    if not re.search(r"(?:MEMBER|OFFSET|offsetof)\(" + re.escape(t) + r", "
                                     + re.escape(m) + r"\b", items)]
        for n in missing:
            bad += 1
            fail(f"unlisted:{compact(n)}", f"defined in include/public/{h} but "
                 "not compared in tests/unit/abi/items.h or ours_only.h")
    if bad == 0:
        print("PASS items-cover-headers", flush=True)


def main():
    rc, out = run([os.path.join(TOP, "scripts", "fetch-debs.sh"), "libxen-dev"])
    if rc != 0 or not os.path.isfile(os.path.join(XEN_INC, "xen", "xen.h")):
        fail("fetch-libxen-dev", out.strip().replace("\n", " | ")[:500])
        return 1
    with tempfile.TemporaryDirectory(prefix="basalt-abi-") as tmp:
        for bits in (64, 32):
            compare(bits, tmp)
            standalone(bits)
    completeness()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
