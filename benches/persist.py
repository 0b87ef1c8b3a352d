#!/usr/bin/env python3
"""Persistence benchmark, ferrodis vs redis-server 7.0, same machine, same
dataset (1,000,000 string keys by default):

- BGSAVE under load: the longest stall a client (PING in a loop) sees while
  the save starts and runs, the save's wall time, and the memory it costs:
  ferrodis's RSS peak over its RSS before (copy-on-write clones live in the
  process), Redis's `rdb_last_cow_size` (the child's copied pages) plus its
  `latest_fork_usec`. A writer overwrites keys during the save.
- SAVE (foreground) time, file size, and load time at start-up.

usage: benches/persist.py [--keys N] [--value-size B]
env: FERRODIS_BIN (default target/release/ferrodis), REDIS_BIN
"""
import argparse
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from benchlib import enc, free_port, read_lines, rss

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cmd(sock, *args):
    sock.sendall(enc(*[a if isinstance(a, bytes) else str(a).encode() for a in args]))
    buf = b""
    while not buf.endswith(b"\r\n") or (buf.startswith(b"$") and buf.count(b"\r\n") < 2):
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise RuntimeError("closed")
        buf += chunk
    if buf.startswith(b"$"):
        return buf.split(b"\r\n", 1)[1][:-2]
    return buf.strip()


def info(sock, section):
    text = cmd(sock, "INFO", section).decode()
    return dict(l.split(":", 1) for l in text.splitlines() if ":" in l)


def start(binary, workdir, extra=()):
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", workdir, *extra]
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(enc(b"PING"))
            if s.recv(64).startswith(b"+PONG"):
                return proc, port, s, time.monotonic() - t0
            s.close()
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{binary} exited")
        time.sleep(0.005)


def fill(port, keys, value):
    s = socket.create_connection(("127.0.0.1", port))
    batch = 1000
    for start_i in range(0, keys, batch):
        n = min(batch, keys - start_i)
        s.sendall(b"".join(enc(b"SET", b"key:%d" % i, value)
                           for i in range(start_i, start_i + n)))
        read_lines(s, n)
    s.close()


def pinger(port, stop, out):
    s = socket.create_connection(("127.0.0.1", port))
    worst = 0.0
    while not stop.is_set():
        t = time.monotonic()
        s.sendall(b"PING\r\n")
        s.recv(64)
        worst = max(worst, time.monotonic() - t)
    out.append(worst)


def writer(port, stop, keys, out):
    s = socket.create_connection(("127.0.0.1", port))
    i = n = 0
    while not stop.is_set():
        s.sendall(b"".join(enc(b"SET", b"key:%d" % ((i + j) * 7919 % keys), b"changed")
                           for j in range(100)))
        read_lines(s, 100)
        i += 100
        n += 100
    out.append(n)


def measure(name, binary, keys, value):
    work = tempfile.mkdtemp(prefix=f"ferrodis-persist-{name}-")
    try:
        proc, port, s, _ = start(binary, work)
        fill(port, keys, value)
        time.sleep(0.5)
        base_rss = rss(proc.pid)
        stop = threading.Event()
        pings, writes = [], []
        threads = [threading.Thread(target=pinger, args=(port, stop, pings)),
                   threading.Thread(target=writer, args=(port, stop, keys, writes))]
        for t in threads:
            t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        cmd(s, "BGSAVE")
        peak = base_rss
        while True:
            peak = max(peak, rss(proc.pid))
            if info(s, "persistence").get("rdb_bgsave_in_progress") == "0":
                break
            time.sleep(0.01)
        bg_wall = time.monotonic() - t0
        stop.set()
        for t in threads:
            t.join()
        per = info(s, "persistence")
        stats = info(s, "stats")
        t0 = time.monotonic()
        cmd(s, "SAVE")
        save_wall = time.monotonic() - t0
        size = os.path.getsize(os.path.join(work, "dump.rdb"))
        proc.kill()
        proc.wait()
        proc2, _, s2, load_wall = start(binary, work)
        proc2.kill()
        proc2.wait()
        return {
            "rss_mb": base_rss / 1e6,
            "bgsave_s": bg_wall,
            "worst_ping_ms": pings[0] * 1000,
            "writes_during": writes[0],
            "extra_mb": (peak - base_rss) / 1e6,
            "cow_mb": int(per.get("rdb_last_cow_size", 0)) / 1e6,
            "fork_ms": int(stats.get("latest_fork_usec", 0)) / 1000,
            "save_s": save_wall,
            "file_mb": size / 1e6,
            "load_s": load_wall,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--value-size", type=int, default=64)
    a = ap.parse_args()
    ours = os.environ.get("FERRODIS_BIN", os.path.join(ROOT, "target/release/ferrodis"))
    theirs = os.environ.get("REDIS_BIN", shutil.which("redis-server"))
    value = b"v" * a.value_size
    r = {n: measure(n, b, a.keys, value) for n, b in [("ferrodis", ours), ("redis", theirs)]}
    print(f"{a.keys:,} keys, {a.value_size}-byte values")
    rows = [("dataset RSS (MB)", "rss_mb"), ("BGSAVE wall (s)", "bgsave_s"),
            ("worst PING during BGSAVE (ms)", "worst_ping_ms"),
            ("SETs served during BGSAVE", "writes_during"),
            ("RSS growth of the server process (MB)", "extra_mb"),
            ("copy-on-write of the child (MB)", "cow_mb"),
            ("fork (ms)", "fork_ms"), ("SAVE (s)", "save_s"),
            ("file (MB)", "file_mb"), ("start-up with the file (s)", "load_s")]
    print(f"| {'':40} | ferrodis | redis | ratio |")
    print("|---|---:|---:|---:|")
    for label, k in rows:
        f, rd = r["ferrodis"][k], r["redis"][k]
        ratio = f / rd if rd else float("nan")
        print(f"| {label:40} | {f:,.2f} | {rd:,.2f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
