#!/usr/bin/env python3
"""Replication cost and lag, ferrodis vs redis-server 7.0, same machine.

For each server binary: a primary with 0 replicas, then a primary with
N replicas of the same binary (default 2), each driven by
`redis-benchmark -t set -P 16 -c 50 -r 100000`. Reported per setup:

- throughput and the primary's CPU per request (from /proc, like
  loopback.py), so "with replicas" vs "without" is the cost of feeding them;
- replication lag under that load: every 20 ms during the run the
  primary's master_repl_offset, then each replica's own slave_repl_offset
  (INFO replication on each), lag = bytes the slowest replica has not
  applied yet; plus how long after the load the replicas reach the
  primary's final offset;
- the replicas' CPU per request.

usage: benches/replication.py [--replicas N] [--requests N] [--reps N]
env: FERRODIS_BIN (default target/release/ferrodis), REDIS_BIN
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

from benchlib import enc, start

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def call(sock, *args):
    sock.sendall(enc(*[a if isinstance(a, bytes) else str(a).encode() for a in args]))
    buf = b""
    while True:
        buf += sock.recv(1 << 20)
        if buf.startswith(b"$"):
            head, _, rest = buf.partition(b"\r\n")
            n = int(head[1:])
            if n < 0:
                return None
            if len(rest) >= n + 2:
                return rest[:n]
        elif buf.endswith(b"\r\n"):
            return buf.strip()


def repl_info(sock):
    text = call(sock, "INFO", "replication").decode()
    return dict(l.split(":", 1) for l in text.splitlines() if ":" in l)


def setup(binary, replicas):
    work = tempfile.mkdtemp(prefix="ferrodis-repl-bench-")
    procs = []
    os.mkdir(os.path.join(work, "p"))
    p, port, s = start(binary, os.path.join(work, "p"))
    procs.append(p)
    reps = []
    for i in range(replicas):
        d = os.path.join(work, f"r{i}")
        os.mkdir(d)
        rp, rport, rs = start(binary, d, ["--replicaof", "127.0.0.1", str(port)])
        procs.append(rp)
        reps.append((rp, rport, rs))
    deadline = time.time() + 30
    while True:
        if all(repl_info(rs).get("master_link_status") == "up" for _, _, rs in reps):
            break
        if time.time() > deadline:
            raise RuntimeError("replicas did not come up")
        time.sleep(0.05)
    return work, procs, p, port, s, reps


def sample_lag(sock, rsocks, stop, out):
    """Primary's offset, then each replica's own processed offset right
    after: the bytes the slowest replica has not applied yet."""
    while not stop.is_set():
        head = int(repl_info(sock)["master_repl_offset"])
        offs = [int(repl_info(rs).get("slave_repl_offset", 0)) for rs in rsocks]
        if offs:
            out.append(max(0, head - min(offs)))
        time.sleep(0.02)


def run(binary, replicas, requests):
    work, procs, p, port, s, reps = setup(binary, replicas)
    try:
        # Warm-up (and the keyspace's first inserts), untimed.
        subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-P", "16",
                        "-c", "50", "-r", "100000", "-n", "200000", "-q"],
                       check=True, stdout=subprocess.DEVNULL)
        lag_sock = start_sock(port)
        rsocks = [start_sock(rport) for _, rport, _ in reps]
        stop = threading.Event()
        lags = []
        sampler = threading.Thread(target=sample_lag, args=(lag_sock, rsocks, stop, lags))
        c0 = cpu_s(p.pid)
        rc0 = [cpu_s(rp.pid) for rp, _, _ in reps]
        sampler.start()
        t0 = time.monotonic()
        out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "set", "-P", "16",
                              "-c", "50", "-r", "100000", "-n", str(requests), "--csv"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        wall = time.monotonic() - t0
        c1 = cpu_s(p.pid)
        # Catch-up: until every replica's own offset reaches the primary's.
        final = int(repl_info(s)["master_repl_offset"])
        t1 = time.monotonic()
        while reps and any(int(repl_info(rs).get("slave_repl_offset", 0)) < final
                           for _, _, rs in reps):
            time.sleep(0.005)
        catch_up = time.monotonic() - t1
        stop.set()
        sampler.join()
        rc1 = [cpu_s(rp.pid) for rp, _, _ in reps]
        rps = float([l for l in out.splitlines() if l.startswith('"SET"')][0].split(",")[1].strip('"'))
        return {
            "rps": rps,
            "cpu_us": (c1 - c0) * 1e6 / requests,
            "replica_cpu_us": (statistics.mean(b - a for a, b in zip(rc0, rc1)) * 1e6 / requests
                               if reps else 0.0),
            "lag_med_kb": statistics.median(lags) / 1024 if lags else 0.0,
            "lag_max_kb": max(lags) / 1024 if lags else 0.0,
            "catch_up_ms": catch_up * 1000,
            "wall": wall,
        }
    finally:
        for pr in procs:
            pr.kill()
            pr.wait()
        shutil.rmtree(work, ignore_errors=True)


def start_sock(port):
    import socket
    return socket.create_connection(("127.0.0.1", port))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--requests", type=int, default=2_000_000)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    bins = [("ferrodis", os.environ.get("FERRODIS_BIN", os.path.join(ROOT, "target/release/ferrodis"))),
            ("redis", os.environ.get("REDIS_BIN", shutil.which("redis-server")))]
    setups = [0, a.replicas]
    samples = {(n, r): [] for n, _ in bins for r in setups}
    # Interleaved: each repetition runs every (server, setup) once, the order
    # of the servers flipping each time, so load changes hit both alike.
    for rep in range(a.reps):
        order = bins if rep % 2 == 0 else bins[::-1]
        for r in setups:
            for name, b in order:
                res = run(b, r, a.requests)
                samples[(name, r)].append(res)
                print(f"# rep {rep + 1} {name} replicas={r}: {res}", flush=True)

    def med(name, r, k):
        return statistics.median(x[k] for x in samples[(name, r)])

    print(f"\nSET -P 16 -c 50 -r 100000, {a.requests:,} requests per run, median of {a.reps}")
    print("| server | replicas | req/s | primary CPU us/req | replica CPU us/req "
          "| lag median (KB) | lag max (KB) | catch-up after load (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _ in bins:
        for r in setups:
            print(f"| {name} | {r} | {med(name, r, 'rps'):,.0f} | {med(name, r, 'cpu_us'):.2f} "
                  f"| {med(name, r, 'replica_cpu_us'):.2f} | {med(name, r, 'lag_med_kb'):,.1f} "
                  f"| {med(name, r, 'lag_max_kb'):,.1f} | {med(name, r, 'catch_up_ms'):.1f} |")
    f0, f2 = med("ferrodis", 0, "cpu_us"), med("ferrodis", a.replicas, "cpu_us")
    r0, r2 = med("redis", 0, "cpu_us"), med("redis", a.replicas, "cpu_us")
    print(f"\nprimary CPU/req with {a.replicas} replicas over none: ferrodis {f2 / f0:.2f}, "
          f"redis {r2 / r0:.2f}; ferrodis/redis with replicas: {f2 / r2:.2f}")


if __name__ == "__main__":
    main()
