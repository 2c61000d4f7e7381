#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A raw xenstore protocol client of our own, for tests of basalt-xenstored.

Two transports: the Unix socket (privileged, like dom0's tools) and a guest
ring (a memfd page holding xenstore_domain_interface plus a socketpair as the
event channel, handed to the daemon's --ring-test-socket), through which a
test talks as domain N. Replies and watch events are kept apart so tests can
check event order and tokens exactly.

CLI: xsclient.py --socket PATH TYPE ARG... (prints the reply), e.g.
     xsclient.py --socket /tmp/s READ /a
"""
import collections
import mmap
import os
import socket
import struct
import sys
import time

TYPES = {
    "CONTROL": 0, "DIRECTORY": 1, "READ": 2, "GET_PERMS": 3, "WATCH": 4,
    "UNWATCH": 5, "TRANSACTION_START": 6, "TRANSACTION_END": 7,
    "INTRODUCE": 8, "RELEASE": 9, "GET_DOMAIN_PATH": 10, "WRITE": 11,
    "MKDIR": 12, "RM": 13, "SET_PERMS": 14, "WATCH_EVENT": 15, "ERROR": 16,
    "IS_DOMAIN_INTRODUCED": 17, "RESUME": 18, "SET_TARGET": 19,
    "RESET_WATCHES": 21, "DIRECTORY_PART": 22,
}
HDR = struct.Struct("<IIII")
RING = 1024
# Offsets in struct xenstore_domain_interface.
REQ, RSP, REQ_CONS, REQ_PROD, RSP_CONS, RSP_PROD = 0, 1024, 2048, 2052, 2056, 2060
FEATURES, CONNECTION, ERROR = 2064, 2068, 2072


class XsError(Exception):
    """An XS_ERROR reply; .name is Xen's error name (ENOENT, EACCES...)."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def join(*args):
    """Request payload: each string NUL-terminated."""
    return b"".join(a.encode() + b"\0" for a in args)


class Client:
    """Common request logic over a byte transport (_send / _recv_some)."""

    def __init__(self):
        self.buf = b""
        self.events = collections.deque()
        self.req_id = 0

    def _read_msg(self, timeout):
        deadline = time.time() + timeout
        while True:
            if len(self.buf) >= HDR.size:
                t, rid, tx, ln = HDR.unpack_from(self.buf)
                if len(self.buf) >= HDR.size + ln:
                    body = self.buf[HDR.size:HDR.size + ln]
                    self.buf = self.buf[HDR.size + ln:]
                    return t, rid, tx, body
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no message from xenstored")
            data = self._recv_some(left)
            if data == b"":
                raise ConnectionError("xenstored closed the connection")
            self.buf += data

    def send_raw(self, data):
        self._send(data)

    def request(self, typ, payload=b"", tx=0, timeout=5.0):
        """Send one request and return (type, payload) of its reply."""
        if isinstance(typ, str):
            typ = TYPES[typ]
        self.req_id += 1
        self._send(HDR.pack(typ, self.req_id, tx, len(payload)) + payload)
        while True:
            t, rid, rtx, body = self._read_msg(timeout)
            if t == TYPES["WATCH_EVENT"]:
                self.events.append(tuple(body.split(b"\0")[:2]))
                continue
            if rid != self.req_id:
                raise AssertionError(f"reply id {rid}, expected {self.req_id}")
            return t, body

    def call(self, typ, *args, tx=0, payload=None):
        """Request with string args; returns the reply payload or raises."""
        t, body = self.request(typ, payload if payload is not None
                               else join(*args), tx)
        if t == TYPES["ERROR"]:
            raise XsError(body.rstrip(b"\0").decode())
        return body

    def read(self, path, tx=0):
        return self.call("READ", path, tx=tx)

    def write(self, path, value, tx=0):
        if isinstance(value, str):
            value = value.encode()
        return self.call("WRITE", payload=path.encode() + b"\0" + value, tx=tx)

    def directory(self, path, tx=0):
        """Child names; falls back to DIRECTORY_PART on E2BIG, as libxenstore."""
        try:
            body = self.call("DIRECTORY", path, tx=tx)
        except XsError as e:
            if e.name != "E2BIG":
                raise
            body = self.directory_part(path, tx)
        return [x.decode() for x in body.split(b"\0")[:-1]] if body else []

    def directory_part(self, path, tx=0):
        """The whole child list, slice by slice; restarts if it changes."""
        for _ in range(10):
            out, gen = b"", None
            while True:
                part = self.call("DIRECTORY_PART", path, str(len(out)), tx=tx)
                g, _, body = part.partition(b"\0")
                if gen is not None and g != gen:
                    break
                gen = g
                if body.endswith(b"\0\0") or body == b"\0":
                    return out + body[:-1]
                out += body
        raise XsError("EAGAIN")

    def get_perms(self, path):
        return [x.decode() for x in self.call("GET_PERMS", path).split(b"\0")[:-1]]

    def set_perms(self, path, *perms):
        return self.call("SET_PERMS", path, *perms)

    def tx_start(self):
        return int(self.call("TRANSACTION_START", "").rstrip(b"\0"))

    def tx_end(self, tx, commit=True):
        return self.call("TRANSACTION_END", "T" if commit else "F", tx=tx)

    def watch(self, path, token):
        return self.call("WATCH", path, token)

    def event(self, timeout=2.0):
        """Next watch event as (path, token) strings."""
        if not self.events:
            deadline = time.time() + timeout
            while not self.events:
                t, rid, tx, body = self._read_msg(max(0.0, deadline - time.time()))
                if t != TYPES["WATCH_EVENT"]:
                    raise AssertionError(f"unexpected message type {t}")
                self.events.append(tuple(body.split(b"\0")[:2]))
        p, tok = self.events.popleft()
        return p.decode(), tok.decode()

    def no_event(self, wait=0.2):
        try:
            e = self.event(wait)
        except TimeoutError:
            return True
        self.events.appendleft(tuple(x.encode() for x in e))
        return False


class SocketClient(Client):
    def __init__(self, path):
        super().__init__()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)

    def _send(self, data):
        self.sock.sendall(data)

    def _recv_some(self, timeout):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no data from xenstored") from None

    def close(self):
        self.sock.close()


class RingClient(Client):
    """Domain `domid` talking over a shared page; see --ring-test-socket."""

    def __init__(self, control_path, domid):
        super().__init__()
        self.domid = domid
        fd = os.memfd_create("xs-ring-page")
        os.ftruncate(fd, 4096)
        self.page = mmap.mmap(fd, 4096)
        self.evtchn, theirs = socket.socketpair()
        ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ctl.connect(control_path)
        socket.send_fds(ctl, [struct.pack("<I", domid)], [fd, theirs.fileno()])
        ok = ctl.recv(1)
        ctl.close()
        theirs.close()
        os.close(fd)
        if ok != b"K":
            raise RuntimeError("ring registration refused")

    def u32(self, off, value=None):
        if value is None:
            return struct.unpack_from("<I", self.page, off)[0]
        struct.pack_into("<I", self.page, off, value & 0xFFFFFFFF)

    def notify(self):
        self.evtchn.send(b"!")

    def wait(self, timeout):
        self.evtchn.settimeout(timeout)
        try:
            if self.evtchn.recv(4096) == b"":
                raise ConnectionError("event channel closed")
        except socket.timeout:
            pass

    def _send(self, data):
        off = 0
        deadline = time.time() + 5
        while off < len(data):
            cons, prod = self.u32(REQ_CONS), self.u32(REQ_PROD)
            space = RING - ((prod - cons) & 0xFFFFFFFF)
            n = min(space, len(data) - off)
            for i in range(n):
                self.page[REQ + ((prod + i) & (RING - 1))] = data[off + i]
            off += n
            self.u32(REQ_PROD, prod + n)
            self.notify()
            if off < len(data):
                if time.time() > deadline:
                    raise TimeoutError("request ring full")
                self.wait(0.5)

    def _recv_some(self, timeout):
        deadline = time.time() + timeout
        while True:
            cons, prod = self.u32(RSP_CONS), self.u32(RSP_PROD)
            n = (prod - cons) & 0xFFFFFFFF
            if n:
                out = bytes(self.page[RSP + ((cons + i) & (RING - 1))]
                            for i in range(n))
                self.u32(RSP_CONS, cons + n)
                self.notify()
                return out
            if time.time() > deadline:
                raise TimeoutError("no reply on the ring")
            self.wait(min(0.2, max(0.01, deadline - time.time())))

    def close(self):
        self.evtchn.close()
        self.page.close()


def main(argv):
    if len(argv) < 4 or argv[1] != "--socket":
        print(__doc__)
        return 2
    c = SocketClient(argv[2])
    try:
        body = c.call(argv[3], *argv[4:])
    except XsError as e:
        print(e.name)
        return 1
    sys.stdout.write(body.replace(b"\0", b"\n").decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
