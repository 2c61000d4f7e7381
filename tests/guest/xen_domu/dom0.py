# SPDX-License-Identifier: MIT
"""The Xen column for unprivileged-role guest tests: a classic PV dom0
(Debian's stock kernel) whose initramfs starts xenstored and
xenconsoled and runs
`xl create` for each test kernel as a PVH domU, one after another, in one
QEMU boot.

Everything comes from Debian's packages, unpacked into .cache/debs/ by
scripts/fetch-debs.sh (never installed): xl, xenstored, xenconsoled and
xen-init-dom0 from xen-utils-4.17, their libraries from the libxen* packages (found with
ldd, so a missing one fails the build by name), the kernel and its Xen
modules from the package linux-image-amd64 depends on (resolved at run
time by scripts/fetch-linux.sh), busybox and glibc from the host.

The initrd is two newc cpio archives back to back (the kernel unpacks
both): a cached base with the tools, and a small one per run with the
test kernels, one xl config each and /tests/list. The dom0 console (hvc0,
Xen's console_io) reaches com1 without a prefix; /init reports there, one
"@xl ..." line at a time (see init), and each domU's port 0xE9 output
shows as "(dN) ..." lines.
"""
import fcntl
import hashlib
import lzma
import os
import re
import shutil
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
OUT = os.path.join(TOP, "build", "guest", "xen_domu")
CACHE = os.path.join(os.environ.get("BASALT_CACHE",
                                    os.path.join(TOP, ".cache")), "debs")

XEN_TOOLS = "xen-utils-4.17"
XEN_BIN = "usr/lib/xen-4.17/bin"
TOOLS = ("xl", "xenstored", "xenconsoled", "xen-init-dom0")
# xen-utils-4.17's Xen libraries and theirs; ldd below proves the list whole.
LIB_PKGS = ("libxenmisc4.17", "libxencall1", "libxenevtchn1",
            "libxenforeignmemory1", "libxengnttab1", "libxenstore4",
            "libxentoollog1", "libxentoolcore1", "libxenhypfs1",
            "libxendevicemodel1", "libyajl2")
# xenfs needs privcmd: load order matters (busybox insmod has no deps).
MODULES = ("xen-privcmd", "xenfs", "xen-evtchn", "xen-gntdev", "xen-gntalloc")
BUSYBOX = "/bin/busybox"

# Xen's command line: PV dom0 (no dom0=pvh), fixed memory so xl never
# balloons dom0, every guest's 0xE9 output printed.
DOM0_MEM = 320
XEN_APPEND = ("console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all "
              f"dom0_mem={DOM0_MEM}M,max:{DOM0_MEM}M dom0_max_vcpus=1")
DOM0_APPEND = "console=hvc0 earlyprintk=xen quiet loglevel=4"
QEMU_CPU = "qemu64,+svm,+npt,+rdrand"


class BuildError(Exception):
    pass


def _run(cmd, **kw):
    try:
        return subprocess.run(cmd, check=True, cwd=TOP, text=True,
                              stdout=subprocess.PIPE, **kw).stdout
    except (subprocess.CalledProcessError, OSError) as e:
        raise BuildError(f"{' '.join(cmd)}: {e}") from e


def fetch():
    """Download and unpack what the dom0 needs; return the vmlinuz path
    and the kernel's module directory."""
    _run([os.path.join(TOP, "scripts", "fetch-debs.sh"), XEN_TOOLS]
         + list(LIB_PKGS))
    vmlinuz = _run([os.path.join(TOP, "scripts", "fetch-linux.sh")]).strip()
    if not os.path.isfile(vmlinuz):
        raise BuildError(f"fetch-linux.sh gave no kernel ({vmlinuz!r})")
    ver = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    pkgroot = os.path.dirname(os.path.dirname(vmlinuz))
    moddir = os.path.join(pkgroot, "lib", "modules", ver)
    if not os.path.isdir(moddir):
        raise BuildError(f"no modules for {ver} in {pkgroot}")
    return vmlinuz, moddir


def vmlinux_of(vmlinuz):
    """The bzImage's xz payload unpacked on the host, cached: Xen loads an
    ELF vmlinux for a PV dom0 directly, which saves the 3-5 s its own
    decompressor takes under TCG."""
    out = os.path.join(OUT, "vmlinux-" + os.path.basename(vmlinuz)[8:])
    if os.path.exists(out) and os.path.getmtime(out) >= \
            os.path.getmtime(vmlinuz):
        return out
    with open(vmlinuz, "rb") as f:
        img = f.read()
    if img[0x202:0x206] != b"HdrS":
        raise BuildError(f"{vmlinuz}: not a bzImage")
    setup_sects = img[0x1f1] or 4
    off, size = struct.unpack_from("<II", img, 0x248)
    start = (setup_sects + 1) * 512 + off
    payload = img[start:start + size]
    if not payload.startswith(b"\xfd7zXZ\x00"):
        raise BuildError(f"{vmlinuz}: payload is not xz")
    try:
        # The payload ends in a 4-byte size trailer: left as unused_data.
        elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    except lzma.LZMAError as e:
        raise BuildError(f"{vmlinuz}: {e}") from e
    if not elf.startswith(b"\x7fELF"):
        raise BuildError(f"{vmlinuz}: payload is not an ELF")
    os.makedirs(OUT, exist_ok=True)
    with open(out + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(out + ".tmp", out)
    return out


def _find_module(moddir, name):
    for root, _, files in os.walk(os.path.join(moddir, "kernel", "drivers",
                                               "xen")):
        for f in files:
            if f in (name + ".ko", name + ".ko.xz"):
                return os.path.join(root, f)
    raise BuildError(f"module {name} not in {moddir} (built in? check "
                     "modules.builtin and drop it from MODULES)")


def _libs_of(binaries):
    """Resolve every shared library the binaries need: {soname: path}."""
    libdirs = [os.path.join(CACHE, p, "usr", "lib", "x86_64-linux-gnu")
               for p in LIB_PKGS]
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(libdirs))
    libs = {}
    for b in binaries:
        out = _run(["ldd", b], env=env)
        for line in out.splitlines():
            m = re.match(r"\s*(\S+) => (\S+)", line)
            if m and m.group(2) == "not":
                raise BuildError(f"{os.path.basename(b)} needs {m.group(1)}, "
                                 "found in no unpacked package")
            if m:
                libs[m.group(1)] = m.group(2)
            m = re.match(r"\s*(/\S+ld-linux\S*) ", line)
            if m:
                libs[m.group(1)] = m.group(1)
    return libs


def _host_lib(name):
    for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return os.path.realpath(p)
    raise BuildError(f"host library {name} not found")


def _cpio(tree, out):
    files = []
    for root, dirs, names in os.walk(tree):
        for n in sorted(dirs + names):
            files.append(os.path.relpath(os.path.join(root, n), tree))
    with open(out, "wb") as f:
        p = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0",
                            "--quiet"], cwd=tree,
                           input="\n".join(files).encode(),
                           stdout=f, stderr=subprocess.PIPE)
    if p.returncode:
        raise BuildError(f"cpio: {p.stderr.decode(errors='replace')}")


def _put(tree, path, src=None, text=None, mode=0o644):
    dst = os.path.join(tree, path.lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if src:
        shutil.copyfile(src, dst)
    else:
        with open(dst, "w") as f:
            f.write(text)
    os.chmod(dst, mode)


def build_base(moddir):
    """The tools part of the initrd, rebuilt when an input changes."""
    tools = [os.path.join(CACHE, XEN_TOOLS, XEN_BIN, t) for t in TOOLS]
    mods = [_find_module(moddir, m) for m in MODULES]
    init = os.path.join(HERE, "init")
    key = hashlib.sha256()
    for p in tools + mods + [init, BUSYBOX, os.path.abspath(__file__)]:
        st = os.stat(p)
        key.update(f"{p} {st.st_size} {st.st_mtime_ns}\n".encode())
    out = os.path.join(OUT, "base.cpio")
    stamp = out + ".key"
    if os.path.exists(out) and os.path.exists(stamp) and \
            open(stamp).read() == key.hexdigest():
        return out
    tree = os.path.join(OUT, "base")
    shutil.rmtree(tree, ignore_errors=True)
    _put(tree, "/bin/busybox", BUSYBOX, mode=0o755)
    _put(tree, "/init", init, mode=0o755)
    for t in tools:
        _put(tree, f"/{XEN_BIN}/{os.path.basename(t)}", t, mode=0o755)
    for soname, path in _libs_of(tools).items():
        dst = soname if soname.startswith("/") else \
            "/lib/x86_64-linux-gnu/" + soname
        _put(tree, dst, os.path.realpath(path), mode=0o755)
    # glibc dlopens it for pthread_cancel (xl's worker threads).
    gcc_s = _host_lib("libgcc_s.so.1")
    _put(tree, "/lib/x86_64-linux-gnu/libgcc_s.so.1", gcc_s, mode=0o755)
    for name, path in zip(MODULES, mods):
        _put(tree, f"/lib/modules/{name}.ko", path)
    _put(tree, "/etc/xen/xl.conf", text='autoballoon="off"\n')
    for d in ("proc", "sys", "dev", "tmp", "run", "var/lib/xen",
              "var/log/xen", "var/lib/xenstored", "var/lock", "tests"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    os.symlink("../run", os.path.join(tree, "var", "run"))
    _cpio(tree, out + ".tmp")
    os.replace(out + ".tmp", out)
    with open(stamp, "w") as f:
        f.write(key.hexdigest())
    return out


def xl_config(name, kernel, memory, vcpus):
    """A PVH domU running one test kernel; every way of ending destroys it,
    so the reason code xl logs is the test's verdict on its end."""
    return "\n".join([
        f'name = "{name}"',
        'type = "pvh"',
        f'kernel = "{kernel}"',
        f"memory = {memory}",
        f"vcpus = {vcpus}",
        'on_poweroff = "destroy"',
        'on_reboot = "destroy"',
        'on_watchdog = "destroy"',
        'on_crash = "destroy"',
        'on_soft_reset = "destroy"',
        ""])


def build_initrd(runs, tag="run"):
    """runs: [(domain name, test ELF, memory MiB, vCPUs, timeout s)], in
    order. Returns (dom0 kernel, initrd path); clean(tag) removes the
    per-run files once QEMU has read them."""
    os.makedirs(OUT, exist_ok=True)
    vmlinuz, moddir = fetch()
    # Runners in parallel share the cached parts: one builds at a time.
    with open(os.path.join(OUT, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        base = build_base(moddir)
        vmlinux = vmlinux_of(vmlinuz)
    tree = os.path.join(OUT, tag)
    shutil.rmtree(tree, ignore_errors=True)
    lines = []
    for name, elf, memory, vcpus, timeout in runs:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise BuildError(f"bad domain name {name!r}")
        _put(tree, f"/tests/{name}.elf", elf)
        _put(tree, f"/tests/{name}.cfg",
             text=xl_config(name, f"/tests/{name}.elf", memory, vcpus))
        lines.append(f"{name} {timeout}\n")
    _put(tree, "/tests/list", text="".join(lines))
    part = os.path.join(OUT, tag + ".cpio")
    _cpio(tree, part)
    initrd = os.path.join(OUT, tag + "-initrd.cpio")
    with open(initrd, "wb") as f:
        for p in (base, part):
            with open(p, "rb") as src:
                shutil.copyfileobj(src, f)
    return vmlinux, initrd


def clean(tag):
    shutil.rmtree(os.path.join(OUT, tag), ignore_errors=True)
    for suffix in (".cpio", "-initrd.cpio"):
        try:
            os.unlink(os.path.join(OUT, tag + suffix))
        except FileNotFoundError:
            pass
