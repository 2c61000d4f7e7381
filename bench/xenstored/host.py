# SPDX-License-Identifier: MIT
"""basalt-xenstored on the host: the release daemon pinned to one core, the
load generator (xs-load) to the other, both mixes and the populate phase.
Returns the figures as lines for bench/run.py (and prints them when run
alone: python3 bench/xenstored/host.py)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DAEMON = os.path.join(TOP, "build", "release", "basalt-xenstored")
LOAD = os.path.join(TOP, "build", "release", "xs-load")

# Daemon and generator on different cores, as the issue asks.
DAEMON_CPU, LOAD_CPU = "0", "1"


def parse(out):
    """xs-load's "xs-load <key> <rest>" lines as {key: rest}."""
    res = {}
    for line in out.splitlines():
        m = re.match(r"xs-load (\S+) (.*)", line)
        if m:
            res[m.group(1)] = m.group(2)
    return res


def kv(s):
    return {k: float(v) for k, v in re.findall(r"(\S+)=([\d.]+)", s)}


def run_load(sock, pid, args):
    cmd = ["taskset", "-c", LOAD_CPU, LOAD, "--socket", sock, "--pid",
           str(pid)] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode:
        raise RuntimeError(f"xs-load failed: {p.stderr.strip()}")
    return parse(p.stdout)


def one_run():
    """A fresh daemon; simple mix, full mix, populate. Returns a dict."""
    tmp = tempfile.mkdtemp(prefix="xsbench-")
    sock = os.path.join(tmp, "socket")
    d = subprocess.Popen(["taskset", "-c", DAEMON_CPU, DAEMON, "-N",
                          "--socket", sock], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.02)
        r = {}
        s = run_load(sock, d.pid, ["--ops", "300000", "--populate", "0"])
        r["simple"] = float(s["mix-ops-per-s"])
        r["simple_lat"] = kv(s["mix-latency-us"])
        r["simple_cpu"] = float(s["mix-daemon-cpu-us-per-op"])
        f = run_load(sock, d.pid, ["--ops", "300000", "--mix", "full",
                                   "--populate", "0"])
        r["full"] = float(f["mix-ops-per-s"])
        r["full_lat"] = kv(f["mix-latency-us"])
        r["full_events"] = int(f["mix-events"])
        r["full_conflicts"] = int(f["mix-tx-conflicts"])
        p = run_load(sock, d.pid, ["--ops", "0", "--populate", "100000"])
        fl = p["populate-first-last-rate"].split()
        r["pop_first"], r["pop_last"] = float(fl[0]), float(fl[1])
        r["pop_rate"] = float(p["populate-writes-per-s"])
        cpu = kv(p["populate-daemon-cpu-ms-per-write"])
        r["pop_cpu_first"], r["pop_cpu_last"] = cpu["first"], cpu["last"]
        rss = kv(p["rss-kib"])
        r["rss_before"], r["rss_full"], r["rss_after"] = \
            rss["before"], rss["full"], rss["after-rm"]
        r["nodes"] = int(rss["nodes"])
        r["bytes_per_node"] = float(p["bytes-per-node"])
        r["given_back"] = float(p["memory-given-back-pct"])
        r["rm_s"] = float(p["rm-subtree-s"])
        return r
    finally:
        d.terminate()
        d.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def med(v):
    v = sorted(v)
    return v[len(v) // 2]


def run(n=3):
    subprocess.run(["make", "-s", "--no-print-directory", "-C", TOP,
                    "bench-xenstored-bins"], check=True)
    if (os.cpu_count() or 1) < 2:
        global LOAD_CPU
        LOAD_CPU = DAEMON_CPU
    runs = [one_run() for _ in range(n)]

    def m(k):
        return med([r[k] for r in runs])

    def ml(k, p):
        return med([r[k][p] for r in runs])
    out = [
        f"xenstored host (daemon on CPU {DAEMON_CPU}, xs-load on CPU "
        f"{LOAD_CPU}, 4 connections, medians of {n}):",
        f"  simple mix 70/20/10 read/write/dir over 1000 keys: "
        f"{m('simple'):.0f} ops/s (goal >= 100000), latency p50 "
        f"{ml('simple_lat', 'p50'):.1f} us, p99 {ml('simple_lat', 'p99'):.1f} us, "
        f"daemon CPU {m('simple_cpu'):.2f} us/op",
        f"  full mix (+10% transactions, watches firing): {m('full'):.0f} ops/s,"
        f" p50 {ml('full_lat', 'p50'):.1f} us, p99 {ml('full_lat', 'p99'):.1f} us,"
        f" {m('full_events')} events, {m('full_conflicts')} tx conflicts",
        f"  populate 100k nodes: {m('pop_rate'):.0f} writes/s; first tenth "
        f"{m('pop_first'):.0f}/s, last tenth {m('pop_last'):.0f}/s "
        f"(ratio {m('pop_last') / m('pop_first'):.2f}, goal: no slowdown); "
        f"daemon CPU per write {m('pop_cpu_first') * 1000:.1f} -> "
        f"{m('pop_cpu_last') * 1000:.1f} us",
        f"  memory: RSS {m('rss_before') / 1024:.1f} MiB -> "
        f"{m('rss_full') / 1024:.1f} MiB with {runs[0]['nodes']} more nodes: "
        f"{m('bytes_per_node'):.0f} bytes/node (goal <= 100); after removing "
        f"the subtree ({m('rm_s') * 1000:.0f} ms) "
        f"{m('rss_after') / 1024:.1f} MiB, {m('given_back'):.0f}% given back",
    ]
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print("\n".join(run(n)))
