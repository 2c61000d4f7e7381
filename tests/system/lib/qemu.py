# SPDX-License-Identifier: MIT
"""Boot something in QEMU for a system test and talk to it.

Each QEMU runs in its own process group with no display and no monitor;
the serial port is a Unix socket (so a test can also type), QMP another
(to read the SHUTDOWN event that tells a power-off from a reset). QEMU
starts paused and is released once both are connected, so no output and
no event is missed. Every console line is timestamped on the host as it
arrives and kept in a log file.
"""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
LOGDIR = os.path.join(TOP, "build", "test-logs")


class QemuError(Exception):
    pass


class Qemu:
    def __init__(self, name, machine="q35", smp=1, mem=1024, kernel=None,
                 append=None, initrd=None, cdrom=None, cpu="qemu64,+svm,+npt",
                 extra=None):
        self.name = name
        self.lines = []          # (host seconds since start, text)
        self.events = []         # QMP events
        self.cond = threading.Condition()
        self.closed = False
        self.tmp = tempfile.mkdtemp(prefix="basalt-qemu-")
        self.serial_path = os.path.join(self.tmp, "serial")
        self.qmp_path = os.path.join(self.tmp, "qmp")
        os.makedirs(LOGDIR, exist_ok=True)
        self.log_path = os.path.join(LOGDIR, name + ".log")
        cmd = ["qemu-system-x86_64", "-M", machine, "-accel", "tcg",
               "-cpu", cpu, "-m", str(mem), "-smp", str(smp),
               "-display", "none", "-monitor", "none", "-no-reboot", "-S",
               "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
               "-chardev", f"socket,id=ser0,path={self.serial_path},server=on,wait=off",
               "-serial", "chardev:ser0"]
        if kernel:
            cmd += ["-kernel", kernel]
        if append is not None:
            cmd += ["-append", append]
        if initrd:
            cmd += ["-initrd", initrd]
        if cdrom:
            cmd += ["-cdrom", cdrom, "-boot", "d"]
        cmd += extra or []
        self.cmd = cmd
        self.t0 = time.time()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.serial = self._connect(self.serial_path)
        self.qmp = self._connect(self.qmp_path)
        self.qmp_file = self.qmp.makefile("rw")
        self._qmp_read()  # greeting
        self._qmp_cmd("qmp_capabilities")
        threading.Thread(target=self._serial_reader, daemon=True).start()
        threading.Thread(target=self._qmp_reader, daemon=True).start()
        self.t0 = time.time()
        self.qmp_file.write(json.dumps({"execute": "cont"}) + "\n")
        self.qmp_file.flush()

    def _connect(self, path):
        deadline = time.time() + 10
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                return s
            except OSError:
                s.close()
                if self.proc.poll() is not None:
                    out = self.proc.stdout.read().decode(errors="replace")
                    raise QemuError(f"QEMU exited at start: {out}")
                if time.time() > deadline:
                    raise QemuError(f"cannot connect to {path}")
                time.sleep(0.02)

    def _qmp_read(self):
        line = self.qmp_file.readline()
        if not line:
            raise QemuError("QMP closed")
        return json.loads(line)

    def _qmp_cmd(self, name):
        self.qmp_file.write(json.dumps({"execute": name}) + "\n")
        self.qmp_file.flush()
        while True:
            msg = self._qmp_read()
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def _qmp_reader(self):
        try:
            while True:
                msg = self._qmp_read()
                with self.cond:
                    if "event" in msg:
                        self.events.append(msg)
                    self.cond.notify_all()
        except (QemuError, OSError, ValueError):
            pass

    def _serial_reader(self):
        buf = b""
        with open(self.log_path, "w") as log:
            while True:
                try:
                    data = self.serial.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    text = raw.decode(errors="replace").rstrip("\r")
                    t = time.time() - self.t0
                    log.write(f"{t:9.3f} {text}\n")
                    log.flush()
                    with self.cond:
                        self.lines.append((t, text))
                        self.cond.notify_all()
            if buf:
                with self.cond:
                    self.lines.append((time.time() - self.t0,
                                       buf.decode(errors="replace")))
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    # --- what tests use -------------------------------------------------
    def expect(self, pattern, timeout=20, start=0):
        """Wait for a console line matching pattern (regex) at or after
        line index start; return the match. Raises on timeout/exit."""
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i][1])
                    if m:
                        self.last_index = i
                        return m
                    i += 1
                if self.closed:
                    raise QemuError(f"console closed while waiting for /{pattern}/")
                left = deadline - time.time()
                if left <= 0:
                    raise QemuError(f"timeout waiting for /{pattern}/")
                self.cond.wait(left)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.serial.sendall(data)

    def mark(self):
        with self.cond:
            return len(self.lines)

    def text(self):
        with self.cond:
            return [t for _, t in self.lines]

    def wait_exit(self, timeout=20):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise QemuError("QEMU did not exit")
        with self.cond:  # let the readers drain
            self.cond.wait_for(lambda: self.closed, timeout=5)
        return rc

    def shutdown_reason(self, timeout=5):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for e in self.events:
                    if e.get("event") == "SHUTDOWN":
                        return e.get("data", {}).get("reason")
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def running(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def tail(self, n=30):
        return "\n".join(self.text()[-n:])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        for s in (self.serial, self.qmp):
            try:
                s.close()
            except OSError:
                pass
        return False


class Suite:
    """Runs cases, printing PASS/FAIL lines for tests/check.py."""

    def __init__(self):
        self.failed = 0

    def case(self, name, fn, *args):
        t0 = time.time()
        try:
            detail = fn(*args) or ""
            print(f"PASS {name} {detail} ({time.time() - t0:.1f}s)".rstrip(),
                  flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            self.failed += 1
            print(f"FAIL {name} {type(e).__name__}: {e}", flush=True)
            q = getattr(e, "qemu", None)
            if q is not None:
                print(f"--- last 30 console lines of {q.name} ({q.log_path}):")
                print(q.tail(30))
                print("---", flush=True)

    def exit(self):
        raise SystemExit(1 if self.failed else 0)


def check(cond, msg, qemu=None):
    if not cond:
        e = AssertionError(msg)
        e.qemu = qemu
        raise e


def run_qemu_case(fn):
    """Decorator: attach the QEMU object to any exception for the tail."""
    def wrapper(*args, **kw):
        holder = {}

        def factory(*a, **k):
            q = Qemu(*a, **k)
            holder["q"] = q
            return q
        try:
            return fn(factory, *args, **kw)
        except Exception as e:
            if "q" in holder and getattr(e, "qemu", None) is None:
                e.qemu = holder["q"]
            raise
        finally:
            if "q" in holder:
                holder["q"].__exit__(None, None, None)
    return wrapper
