#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""System test of basalt-xenstored.

Builds the daemon (`make -s tools`), starts it on a temporary socket and
checks it with Debian's own clients (package xenstore-utils, unpacked by
scripts/fetch-debs.sh, pointed at our socket with XENSTORED_PATH), with our
raw-protocol client (tests/system/xenstored/xsclient.py: tokens, event
order, transaction conflicts, malformed input) and, through the test ring
transport, as unprivileged guest domains (permissions, quotas,
introduce/release). Prints "PASS <name>" / "FAIL <name> <why>" /
a failed download of Debian's clients fails their cases; exits non-zero on any failure.
"""
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "system", "xenstored"))
import xsclient  # noqa: E402
from xsclient import SocketClient, RingClient, XsError, HDR, TYPES  # noqa: E402

DAEMON = os.path.join(TOP, "build", "tools", "basalt-xenstored")
CACHE = os.path.join(os.environ.get("BASALT_CACHE", os.path.join(TOP, ".cache")), "debs")
DEBS = ["xenstore-utils", "libxenstore4", "libxentoolcore1"]
# Resident memory cap after the floods, for the ASan+UBSan build that
# `make tools` produces (measured: about 12 MiB).
RSS_CAP_KIB = 48 * 1024
GUEST_NODES = 20  # -E for the guest quota test

failures = 0


def result(verdict, name, why=""):
    global failures
    if verdict == "FAIL":
        failures += 1
    print(f"{verdict} {name} {why}".rstrip(), flush=True)


def expect(cond, why):
    if not cond:
        raise AssertionError(why)


def expect_err(name, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except XsError as e:
        expect(e.name == name, f"expected {name}, got {e.name}")
        return
    raise AssertionError(f"expected {name}, got success")


class Daemon:
    def __init__(self, tmp):
        self.tmp = tmp
        self.sock = os.path.join(tmp, "socket")
        self.ring = os.path.join(tmp, "ring-control")
        self.state = os.path.join(tmp, "state")
        self.log = os.path.join(tmp, "daemon.log")
        self.proc = None

    def start(self):
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(
            [DAEMON, "-N", "--socket", self.sock, "--state-file", self.state,
             "--state-interval", "1", "--ring-test-socket", self.ring,
             "-E", str(GUEST_NODES), "--output-limit", "262144", "-V"],
            stdout=logf, stderr=logf)
        logf.close()
        for _ in range(200):
            if os.path.exists(self.sock) and os.path.exists(self.ring):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("daemon did not start: " + self.tail())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else 0
        self.proc = None
        return rc

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def tail(self):
        try:
            with open(self.log) as f:
                return " | ".join(f.read().splitlines()[-5:])
        except OSError:
            return ""


class Debian:
    """Debian's xenstore-* tools, pointed at our socket."""

    def __init__(self, sock):
        self.bin = os.path.join(CACHE, "xenstore-utils", "usr", "bin")
        libdirs = [os.path.join(CACHE, p, "usr", "lib", "x86_64-linux-gnu")
                   for p in DEBS[1:]]
        self.env = dict(os.environ, XENSTORED_PATH=sock,
                        LD_LIBRARY_PATH=":".join(libdirs))

    def run(self, tool, *args, timeout=10):
        return subprocess.run([os.path.join(self.bin, tool)] + list(args),
                              env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def out(self, tool, *args):
        p = self.run(tool, *args)
        expect(p.returncode == 0,
               f"{tool} {' '.join(args)}: rc {p.returncode}: {p.stderr.strip()}")
        return p.stdout

    def popen(self, tool, *args):
        return subprocess.Popen([os.path.join(self.bin, tool)] + list(args),
                                env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)


def fetch_debian():
    p = subprocess.run([os.path.join(TOP, "scripts", "fetch-debs.sh")] + DEBS,
                       capture_output=True, text=True, timeout=120)
    if p.returncode:
        return "fetch-debs.sh failed: " + p.stderr.strip()[-200:]
    return None


# ---- cases with Debian's tools --------------------------------------------

def case_debian_write_read(d, deb):
    deb.out("xenstore-write", "/deb/a", "1", "/deb/b", "hello world")
    expect(deb.out("xenstore-read", "/deb/a", "/deb/b") == "1\nhello world\n",
           "xenstore-read output")
    p = deb.run("xenstore-read", "/deb/none")
    expect(p.returncode == 1, f"read of a missing node: rc {p.returncode}")


def case_debian_ls_list(d, deb):
    deb.out("xenstore-write", "/ls/x/y", "deep", "/ls/z", "v")
    got = deb.out("xenstore-ls", "/ls")
    expect(got == 'x = ""\n y = "deep"\nz = "v"\n', f"xenstore-ls: {got!r}")
    got = deb.out("xenstore-ls", "-f", "/ls")
    expect(got == '/ls/x = ""\n/ls/x/y = "deep"\n/ls/z = "v"\n',
           f"xenstore-ls -f: {got!r}")
    expect(deb.out("xenstore-list", "/ls") == "x\nz\n", "xenstore-list")


def case_debian_exists_rm(d, deb):
    deb.out("xenstore-write", "/ex/a/b", "1")
    expect(deb.run("xenstore-exists", "/ex/a/b").returncode == 0, "exists")
    expect(deb.run("xenstore-exists", "/ex/nope").returncode == 1,
           "exists of a missing node")
    deb.out("xenstore-rm", "/ex/a")
    expect(deb.run("xenstore-exists", "/ex/a/b").returncode == 1,
           "child survived rm")
    expect(deb.out("xenstore-list", "/ex") == "", "list after rm")


def case_debian_chmod(d, deb, raw):
    deb.out("xenstore-write", "/perm/n", "v")
    deb.out("xenstore-chmod", "/perm/n", "r5", "w6")
    expect(raw.get_perms("/perm/n") == ["r5", "w6"],
           f"perms {raw.get_perms('/perm/n')}")
    got = deb.out("xenstore-ls", "-p", "/perm")
    expect(got.startswith('n = "v"') and got.rstrip().endswith("(r5,w6)"),
           f"xenstore-ls -p: {got!r}")
    p = deb.run("xenstore-chmod", "/perm/n", "q5")
    expect(p.returncode != 0, "bad permission accepted")


def case_debian_watch(d, deb, raw):
    raw.write("/dw", "")
    w = deb.popen("xenstore-watch", "-n", "3", "/dw")
    time.sleep(0.3)
    raw.write("/dw/one", "1")
    raw.write("/dw/two", "2")
    out, err = w.communicate(timeout=10)
    expect(out == "/dw\n/dw/one\n/dw/two\n", f"xenstore-watch printed {out!r}")


def case_debian_big_directory(d, deb, raw):
    names = [f"child-{i:03d}-" + "p" * 60 for i in range(150)]
    for n in names:
        raw.write("/bigdir/" + n, "")
    expect_err("E2BIG", raw.call, "DIRECTORY", "/bigdir")
    got = deb.out("xenstore-list", "/bigdir").split()
    expect(got == names, f"directory_part listing: {len(got)} names")
    expect(raw.directory("/bigdir") == names, "raw directory_part listing")


def case_debian_value_with_nuls(d, deb, raw):
    raw.write("/nul", b"a\0b")
    expect(raw.read("/nul") == b"a\0b", "raw read")
    expect(deb.run("xenstore-exists", "/nul").returncode == 0, "exists")


# ---- cases with our raw client ---------------------------------------------

def case_raw_errors(d, raw):
    expect_err("ENOENT", raw.read, "/no/such")
    expect_err("EINVAL", raw.read, "/bad//path")
    expect_err("EINVAL", raw.call, "READ", payload=b"/nonul")
    t, body = raw.request(20, b"\0")
    expect(t == TYPES["ERROR"] and body == b"ENOSYS\0", f"type 20: {body!r}")
    expect_err("ENOENT", raw.read, "/", tx=999)
    expect(raw.call("GET_DOMAIN_PATH", "3") == b"/local/domain/3\0", "domain path")
    expect(raw.call("IS_DOMAIN_INTRODUCED", "0") == b"T\0", "dom0 introduced")


def case_raw_watch_order(d, sockpath):
    w = SocketClient(sockpath)
    wr = SocketClient(sockpath)
    w.watch("/ord", "A")
    w.watch("/ord/sub", "B")
    expect(w.event() == ("/ord", "A") and w.event() == ("/ord/sub", "B"),
           "initial events")
    for i in range(50):
        wr.write(f"/ord/sub/k{i}", str(i))
    for i in range(50):
        e1, e2 = w.event(), w.event()
        expect(e1 == (f"/ord/sub/k{i}", "A") and e2 == (f"/ord/sub/k{i}", "B"),
               f"event {i}: {e1} {e2}")
    wr.call("RM", "/ord")
    expect(w.event() == ("/ord", "A"), "rm event for A")
    expect(w.event() == ("/ord/sub", "B"), "rm event below for B")
    expect(w.no_event(), "extra events")
    w.close()
    wr.close()


def case_raw_tx_conflicts(d, sockpath):
    cs = [SocketClient(sockpath) for _ in range(4)]
    w = SocketClient(sockpath)
    cs[0].write("/cnt", "0")
    w.watch("/cnt", "t")
    w.event()
    # Lockstep: all read the counter in a transaction, then all commit.
    txs = [c.tx_start() for c in cs]
    expect(len(set(txs)) == 4, "transaction ids not distinct")
    vals = [int(c.read("/cnt", tx=t)) for c, t in zip(cs, txs)]
    for c, t, v in zip(cs, txs, vals):
        c.write("/cnt", str(v + 1), tx=t)
    expect(w.no_event(), "event before commit")
    results = []
    for c, t in zip(cs, txs):
        try:
            c.tx_end(t)
            results.append("OK")
        except XsError as e:
            results.append(e.name)
    expect(results == ["OK", "EAGAIN", "EAGAIN", "EAGAIN"], f"commits {results}")
    expect(w.event() == ("/cnt", "t") and w.no_event(), "one event at commit")
    # Then 4 clients, 25 increments each, retrying on EAGAIN, interleaved.
    todo = [25] * 4
    retries = 0
    rnd = random.Random(7)
    while any(todo):
        active = [i for i in range(4) if todo[i]]
        rnd.shuffle(active)
        open_tx = {i: cs[i].tx_start() for i in active}
        for i in active:
            v = int(cs[i].read("/cnt", tx=open_tx[i]))
            cs[i].write("/cnt", str(v + 1), tx=open_tx[i])
        rnd.shuffle(active)
        for i in active:
            try:
                cs[i].tx_end(open_tx[i])
                todo[i] -= 1
            except XsError as e:
                expect(e.name == "EAGAIN", e.name)
                retries += 1
    expect(int(cs[0].read("/cnt")) == 101, f"counter {cs[0].read('/cnt')}")
    expect(retries > 0, "no conflicts seen")
    for c in cs + [w]:
        c.close()


def tree_dump(raw, path="/"):
    """Every node with value and perms, for before/after comparisons."""
    out = [(path, raw.read(path), tuple(raw.get_perms(path)))]
    for n in raw.directory(path):
        out += tree_dump(raw, (path if path != "/" else "") + "/" + n)
    return out


def malformed_messages(rnd):
    msgs = []
    for i in range(400):
        k = i % 8
        if k == 0:
            msgs.append(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 40))))
        elif k == 1:
            msgs.append(HDR.pack(2, i, 0, 8)[:rnd.randrange(1, 16)])
        elif k == 2:
            msgs.append(HDR.pack(11, i, 0, 5000) + b"x" * 100)
        elif k == 3:
            msgs.append(HDR.pack(rnd.choice([20, 23, 99, 0xFFFF, 15, 16]), i, 0, 1) + b"\0")
        elif k == 4:
            msgs.append(HDR.pack(2, i, 0, 4) + b"/abc")
        elif k == 5:
            p = rnd.choice([b"//\0", b"/a b\0", b"/x/\0", b"\0", b"/" + b"q" * 3100 + b"\0"])
            msgs.append(HDR.pack(rnd.choice([2, 11, 12, 13, 1]), i, 0, len(p)) + p)
        elif k == 6:
            msgs.append(HDR.pack(7, i, rnd.randrange(1, 1 << 32), 2) + b"T\0")
        else:
            msgs.append(HDR.pack(14, i, 0, 9) + b"/\0zz9\0\0\0\0")
    return msgs


def case_malformed_flood(d, sockpath, deb):
    raw = SocketClient(sockpath)
    raw.write("/keep/a", "1")
    raw.set_perms("/keep/a", "n0", "r3")
    before = tree_dump(raw)
    other = SocketClient(sockpath)
    other.watch("/keep", "k")
    other.event()
    rnd = random.Random(1234)
    sent = 0
    for m in malformed_messages(rnd):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sockpath)
        try:
            s.sendall(m)
            if rnd.random() < 0.5:
                s.settimeout(0.05)
                try:
                    s.recv(4096)
                except (socket.timeout, ConnectionError):
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        s.close()  # often mid-message
        sent += 1
    # One connection sends them all back to back.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sockpath)
    try:
        s.sendall(b"".join(m for m in malformed_messages(rnd)
                           if len(m) >= 16 and HDR.unpack_from(m)[3] <= 4096
                           and len(m) == 16 + HDR.unpack_from(m)[3]))
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.close()
    expect(d.alive(), "daemon died: " + d.tail())
    after = tree_dump(raw)
    expect(after == before, "store changed by malformed input")
    expect(other.no_event(0.3), "event from malformed input")
    raw.write("/keep/b", "2")
    expect(other.event() == ("/keep/b", "k"), "other client's watch")
    if deb:
        expect(deb.out("xenstore-read", "/keep/a") == "1\n", "Debian client")
    raw.call("RM", "/keep")
    raw.close()
    other.close()
    return f"{sent} connections"


def case_slow_reader_disconnected(d, sockpath):
    slow = SocketClient(sockpath)
    for i in range(20):
        slow.watch("/flood", f"{i:02d}-" + "t" * 3000)
    # Never read: 20 x 3 KB per write. Another client keeps writing.
    fast = SocketClient(sockpath)
    t0 = time.time()
    for i in range(60):
        fast.write("/flood", str(i))
    elapsed = time.time() - t0
    expect(elapsed < 5, f"writer delayed {elapsed:.1f}s")
    # The slow client's queue passed the limit: after its buffered data,
    # the connection ends.
    slow.sock.settimeout(5)
    total = 0
    while True:
        try:
            data = slow.sock.recv(1 << 20)
        except socket.timeout:
            raise AssertionError(f"slow client still connected after {total} bytes")
        if not data:
            break
        total += len(data)
    expect(total < 60 * 20 * 3100, f"got everything ({total} bytes)")
    expect(fast.read("/flood") == b"59", "writer state")
    fast.call("RM", "/flood")
    slow.close()
    fast.close()


def case_pipelined_requests(d, sockpath):
    """Many requests without reading replies: throttled, all answered in order."""
    c = SocketClient(sockpath)
    c.write("/pipe", "v")
    n = 2000
    c.send_raw(b"".join(HDR.pack(2, 10000 + i, 0, 6) + b"/pipe\0" for i in range(n)))
    for i in range(n):
        t, rid, tx, body = c._read_msg(10)
        expect(t == 2 and rid == 10000 + i and body == b"v", f"reply {i}")
    c.call("RM", "/pipe")
    c.close()


# ---- guests over the ring transport ---------------------------------------

def introduce(raw, ctl, domid):
    g = RingClient(ctl, domid)
    raw.call("INTRODUCE", str(domid), "77", "9")
    return g


def case_ring_guest(d, raw):
    w = SocketClient(d.sock)
    w.watch("@introduceDomain", "in")
    w.watch("@releaseDomain", "out")
    w.event(), w.event()
    raw.call("MKDIR", "/local/domain/7")
    raw.set_perms("/local/domain/7", "n7")
    raw.write("/secret", "s")
    g = introduce(raw, d.ring, 7)
    expect(w.event() == ("@introduceDomain", "in"), "@introduceDomain event")
    expect(g.u32(xsclient.FEATURES) == 3, "server_features")
    expect(raw.call("IS_DOMAIN_INTRODUCED", "7") == b"T\0", "introduced")
    expect(g.call("GET_DOMAIN_PATH", "7") == b"/local/domain/7\0", "domain path")
    g.write("dev/x", "1")
    expect(raw.read("/local/domain/7/dev/x") == b"1", "relative write")
    expect(raw.get_perms("/local/domain/7/dev/x") == ["n7"], "guest owns its node")
    expect_err("EACCES", g.read, "/secret")
    expect_err("EACCES", g.write, "/secret", "x")
    expect_err("EACCES", g.call, "INTRODUCE", "8", "1", "1")
    # Relative watch: relative event paths; no events for unreadable nodes.
    g.watch("dev", "rel")
    g.watch("/secret", "abs")
    expect(g.event() == ("dev", "rel") and g.event() == ("/secret", "abs"),
           "initial events")
    raw.write("/local/domain/7/dev/y", "2")
    raw.write("/secret", "t")
    expect(g.event() == ("dev/y", "rel"), "relative event")
    expect(g.no_event(), "event for an unreadable node")
    # A 3000-byte value crosses the 1 KiB rings.
    big = bytes(ord("a") + i % 26 for i in range(2000))
    g.write("big", big)
    expect(g.read("big") == big, "big value through the ring")
    expect(d.alive(), "daemon died")
    # Quota: nodes per domain (-E).
    count = 0
    try:
        for i in range(GUEST_NODES + 5):
            g.write(f"q{i}", "x")
            count += 1
    except XsError as e:
        expect(e.name == "ENOSPC", f"quota error {e.name}")
    owned = 1 + 3 + 1 + count  # home, dev dev/x dev/y, big, q*
    expect(owned == GUEST_NODES, f"{owned} nodes owned at the quota")
    expect(raw.directory("/local/domain/7") == ["dev", "big"] +
           [f"q{i}" for i in range(count)], "store after quota failure")
    g.close()
    raw.call("RELEASE", "7")
    expect(w.event() == ("@releaseDomain", "out"), "@releaseDomain event")
    expect(raw.call("IS_DOMAIN_INTRODUCED", "7") == b"F\0", "released")
    expect(raw.get_perms("/local/domain/7/big") == ["n0"], "orphans to dom0")
    raw.call("RM", "/local/domain/7")
    w.close()


def case_ring_special_watch_perms(d, raw):
    g = introduce(raw, d.ring, 9)
    g.watch("@releaseDomain", "r")
    expect(g.event() == ("@releaseDomain", "r"), "initial")
    h = introduce(raw, d.ring, 10)
    raw.call("RELEASE", "10")
    expect(g.no_event(), "@releaseDomain reached an unprivileged guest")
    raw.set_perms("@releaseDomain", "n0", "r9")
    h = introduce(raw, d.ring, 10)
    raw.call("RELEASE", "10")
    expect(g.event() == ("@releaseDomain", "r"), "event after set_perms")
    raw.set_perms("@releaseDomain", "n0")
    h.close()
    g.close()
    raw.call("RELEASE", "9")


# ---- restart, RSS, options ------------------------------------------------------

def case_restart_state(d, raw_factory):
    raw = raw_factory()
    raw.write("/persist/a", "alpha")
    raw.write("/persist/b", b"x\0y")
    raw.set_perms("/persist/a", "n3", "r4")
    raw.set_perms("@introduceDomain", "n0", "r5")
    raw.watch("/persist", "gone")
    raw.event()
    before = tree_dump(raw, "/persist")
    raw.close()
    rc = d.stop()
    expect(rc == 0, f"exit status {rc}")
    expect(os.path.exists(d.state), "no state file")
    d.start()
    raw = raw_factory()
    expect(tree_dump(raw, "/persist") == before, "store differs after restart")
    expect(raw.get_perms("@introduceDomain") == ["n0", "r5"], "special perms")
    raw.set_perms("@introduceDomain", "n0")
    raw.call("RM", "/persist")
    raw.close()


def case_state_interval(d, raw):
    raw.write("/periodic", "1")
    time.sleep(1.6)
    with open(d.state, "rb") as f:
        expect(b"/periodic" in f.read(), "state not written within the interval")
    raw.call("RM", "/periodic")


def case_rss_cap(d):
    rss = d.rss_kib()
    expect(0 < rss < RSS_CAP_KIB, f"RSS {rss} KiB, cap {RSS_CAP_KIB} KiB")
    return f"RSS {rss // 1024} MiB < {RSS_CAP_KIB // 1024} MiB"


def case_help():
    p = subprocess.run([DAEMON, "--help"], capture_output=True, text=True)
    expect(p.returncode == 0 and "--entry-nb" in p.stdout and
           "--state-file" in p.stdout, "help text")
    p = subprocess.run([DAEMON, "--bogus"], capture_output=True, text=True)
    expect(p.returncode != 0, "unknown option accepted")


def main():
    t0 = time.time()
    p = subprocess.run(["make", "-s", "tools"], cwd=TOP, capture_output=True,
                       text=True)
    if p.returncode or not os.path.exists(DAEMON):
        result("FAIL", "xenstored_build", p.stderr.strip()[-300:])
        return 1
    fetch_err = fetch_debian()
    tmp = tempfile.mkdtemp(prefix="xenstored-test-")
    d = Daemon(tmp)
    try:
        d.start()
    except RuntimeError as e:
        result("FAIL", "xenstored_start", str(e))
        return 1
    deb = None if fetch_err else Debian(d.sock)
    raw = SocketClient(d.sock)

    def run_case(name, fn, *args, debian=False):
        if debian and deb is None:
            # Debian's clients are the point of these cases: no download,
            # no pass.
            result("FAIL", name, f"Debian's xenstore-utils unavailable: {fetch_err}")
            return
        try:
            detail = fn(d, *args) if fn is not case_help else fn()
            result("PASS", name, detail or "")
        except Exception as e:  # one failing case must not stop the rest
            why = f"{type(e).__name__}: {e}".replace("\n", " ")
            if not isinstance(e, AssertionError):
                why += " @ " + traceback.format_exc().splitlines()[-3].strip()
            result("FAIL", "xenstored_" + name if not name.startswith("xenstored")
                   else name, why[:300])

    try:
        run_case("xenstored_help", case_help)
        run_case("xenstored_debian_write_read", case_debian_write_read, deb, debian=True)
        run_case("xenstored_debian_ls_list", case_debian_ls_list, deb, debian=True)
        run_case("xenstored_debian_exists_rm", case_debian_exists_rm, deb, debian=True)
        run_case("xenstored_debian_chmod", case_debian_chmod, deb, raw, debian=True)
        run_case("xenstored_debian_watch", case_debian_watch, deb, raw, debian=True)
        run_case("xenstored_debian_directory_part", case_debian_big_directory, deb, raw,
                 debian=True)
        run_case("xenstored_debian_value_with_nuls", case_debian_value_with_nuls, deb, raw,
                 debian=True)
        run_case("xenstored_raw_errors", case_raw_errors, raw)
        run_case("xenstored_raw_watch_order_tokens", case_raw_watch_order, d.sock)
        run_case("xenstored_raw_tx_conflicts", case_raw_tx_conflicts, d.sock)
        run_case("xenstored_pipelined_requests", case_pipelined_requests, d.sock)
        run_case("xenstored_ring_guest_perms_quota", case_ring_guest, raw)
        run_case("xenstored_ring_special_watch_perms", case_ring_special_watch_perms, raw)
        run_case("xenstored_malformed_flood", case_malformed_flood, d.sock, deb)
        run_case("xenstored_slow_reader_disconnected", case_slow_reader_disconnected,
                 d.sock)
        run_case("xenstored_rss_after_floods", case_rss_cap)
        run_case("xenstored_state_interval", case_state_interval, raw)
        raw.close()
        run_case("xenstored_restart_keeps_store", case_restart_state,
                 lambda: SocketClient(d.sock))
    finally:
        rc = d.stop()
        if rc not in (0, None):
            result("FAIL", "xenstored_exit", f"status {rc}: {d.tail()}")
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"# test_xenstored took {time.time() - t0:.1f}s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
