#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build the two busybox initramfs images the stock-Linux tests and
`make run` boot, under build/linux/:

  test.cpio.gz   /init runs the guest test scripts named by `test=a+b+...`
                 on the kernel command line (tests/linux/initramfs/tests/)
                 and reports in the guest-test protocol.
  shell.cpio.gz  /init mounts the usual file systems and hands over to
                 busybox init, which keeps a shell on the console the
                 kernel's console= names; `poweroff` / `reboot` work.

The cpio archives (newc format) are written here, not by cpio(1), so
device nodes need no root and the output is byte-for-byte reproducible
(owner 0, mtime 0). Busybox is Debian's busybox-static from the host
(scripts/install-deps.sh installs it); tests/linux/probe.c is compiled
with gcc -static and run on the host once to record the floating-point
answers the guest must reproduce.

  mkinitramfs.py            build both (skips what is up to date)
  mkinitramfs.py --force    rebuild
"""
import argparse
import gzip
import io
import os
import stat
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(TOP, "build", "linux")
SRC = os.path.join(HERE, "initramfs")
PROBE_C = os.path.join(HERE, "probe.c")
PROBE = os.path.join(OUT, "probe")
# The SMP tests' IPI workloads (tests/system/test_smp.py).
SMPLOAD_C = os.path.join(HERE, "smpload.c")
SMPLOAD = os.path.join(OUT, "smpload")
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
TEST_IMAGE = os.path.join(OUT, "test.cpio.gz")
SHELL_IMAGE = os.path.join(OUT, "shell.cpio.gz")

# Iteration counts of the floating-point checks: each takes about a second
# under TCG, long enough for many timer interrupts and context switches.
FPSUM_ITERS = 200000
AWK_ITERS = 40000
AWK_PROG = ("BEGIN{s=0; for(i=1;i<=%d;i++){x=i*1.0000001; "
            "s+=x/(x+0.5)-s/(i+3)}; printf \"%%.17g\\n\", s}" % AWK_ITERS)

WARN = ["-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wvla",
        "-Wmissing-prototypes", "-Wstrict-prototypes", "-Wundef",
        "-Wpointer-arith", "-Wformat=2", "-Wcast-qual",
        "-Wimplicit-fallthrough", "-Wno-unused-parameter"]


class Cpio:
    """An in-memory newc ("070701") archive."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1000
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        if name in self.names:
            raise SystemExit(f"mkinitramfs: {name} twice in the archive")
        self.names.add(name)
        self.ino += 1
        raw = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(raw), 0]
        hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
        self.buf.write(hdr + raw)
        self.buf.write(b"\0" * (-(len(hdr) + len(raw)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        # Pad to 512 bytes as cpio(1) does.
        self.buf.write(b"\0" * (-self.buf.tell() % 512))
        return self.buf.getvalue()


def is_static_elf(path):
    """True for a 64-bit ELF with no PT_INTERP (no dynamic loader)."""
    with open(path, "rb") as f:
        hdr = f.read(64)
        if hdr[:5] != b"\x7fELF\x02":
            return False
        phoff = struct.unpack_from("<Q", hdr, 0x20)[0]
        phentsize, phnum = struct.unpack_from("<HH", hdr, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return all(struct.unpack_from("<I", table, i * phentsize)[0] != 3
               for i in range(phnum))


def find_busybox():
    for b in BUSYBOX_CANDIDATES:
        if os.path.exists(b) and is_static_elf(b):
            return b
    raise SystemExit("mkinitramfs: no static busybox (apt-get install "
                     "busybox-static, or run scripts/install-deps.sh)")


def applets(busybox):
    out = subprocess.run([busybox, "--list"], capture_output=True,
                         text=True, check=True).stdout.split()
    return sorted(a for a in out if a and "/" not in a and a != "busybox")


def build_static(src, out, libs):
    os.makedirs(OUT, exist_ok=True)
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src):
        return
    subprocess.run(["gcc", "-std=gnu11", "-O2", "-static", *WARN,
                    "-o", out + ".tmp", src, *libs], check=True)
    os.rename(out + ".tmp", out)


def build_probe():
    build_static(PROBE_C, PROBE, ["-lm"])
    build_static(SMPLOAD_C, SMPLOAD, ["-pthread"])


def expected_fp(busybox):
    """Run the checks on the host: the guest must print the same."""
    sums = subprocess.run([PROBE, "fpsum", str(FPSUM_ITERS)],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
    awk = subprocess.run([busybox, "awk", AWK_PROG], capture_output=True,
                         text=True, check=True).stdout.strip()
    return sums, awk


def read(path):
    with open(path, "rb") as f:
        return f.read()


def base_tree(cpio, busybox):
    for d in ("bin", "dev", "etc", "proc", "sys", "tmp", "root", "run",
              "mnt"):
        cpio.dir(d)
    # The kernel opens /dev/console for init before devtmpfs is mounted.
    cpio.chardev("dev/console", 5, 1)
    cpio.chardev("dev/null", 1, 3, 0o666)
    cpio.file("bin/busybox", read(busybox), 0o755)
    for a in applets(busybox):
        cpio.symlink("bin/" + a, "busybox")
    cpio.symlink("sbin", "bin")
    cpio.symlink("usr", ".")
    cpio.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    cpio.file("etc/group", b"root:x:0:\n")


def add_tree(cpio, srcdir, dst=""):
    """Copy a source directory: scripts (#!) executable, the rest 0644."""
    for name in sorted(os.listdir(srcdir)):
        path = os.path.join(srcdir, name)
        rel = f"{dst}/{name}" if dst else name
        if os.path.isdir(path):
            if rel not in cpio.names:
                cpio.dir(rel)
            add_tree(cpio, path, rel)
        else:
            data = read(path)
            cpio.file(rel, data, 0o755 if data.startswith(b"#!") else 0o644)


def write_gz(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                           compresslevel=6) as gz:
            gz.write(data)
    os.rename(tmp, path)


def inputs():
    files = [os.path.abspath(__file__), PROBE_C, SMPLOAD_C, find_busybox()]
    for root, _, names in os.walk(SRC):
        files += [os.path.join(root, n) for n in names]
    return files


def up_to_date(out):
    if not os.path.exists(out):
        return False
    t = os.path.getmtime(out)
    return all(os.path.getmtime(f) <= t for f in inputs())


def build_test(busybox):
    sums, awk = expected_fp(busybox)
    c = Cpio()
    base_tree(c, busybox)
    c.file("bin/probe", read(PROBE), 0o755)
    c.file("bin/smpload", read(SMPLOAD), 0o755)
    add_tree(c, os.path.join(SRC, "common"))
    add_tree(c, os.path.join(SRC, "test"))
    c.file("etc/fp-expected",
           (f"FPSUM_ITERS={FPSUM_ITERS}\nFPSUM_WANT='{sums}'\n"
            f"AWK_PROG='{AWK_PROG}'\nAWK_WANT='{awk}'\n").encode())
    write_gz(TEST_IMAGE, c.finish())


def build_shell(busybox):
    c = Cpio()
    base_tree(c, busybox)
    c.file("bin/probe", read(PROBE), 0o755)
    add_tree(c, os.path.join(SRC, "common"))
    add_tree(c, os.path.join(SRC, "shell"))
    write_gz(SHELL_IMAGE, c.finish())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--force", action="store_true", help="rebuild")
    args = ap.parse_args()
    busybox = find_busybox()
    build_probe()
    for out, fn in ((TEST_IMAGE, build_test), (SHELL_IMAGE, build_shell)):
        if args.force or not up_to_date(out):
            fn(busybox)
            print(f"mkinitramfs: wrote {os.path.relpath(out, TOP)} "
                  f"({os.path.getsize(out) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
