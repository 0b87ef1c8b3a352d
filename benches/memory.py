#!/usr/bin/env python3
"""Bytes per key for small hashes and sets: ferrodis vs redis-server 7.0.

Workloads (each on freshly started servers, one workload per start):
  hash10   N hashes of 10 fields ("field0".."field9" -> 10-byte values)
  setint10 N sets of 10 integers (0..99999, so Redis's intset uses 4 bytes each)
  setstr10 N sets of 10 short strings ("tag:0".."tag:99" style, 5-6 bytes)

Bytes per key = growth of the server's RSS (/proc/PID/statm, resident pages
x page size) from the empty server to the loaded one, divided by N. Both
servers get identical pipelined commands. Standard library only.

usage: benches/memory.py [--keys N] [--only NAME] [--ferrodis PATH] [--redis PATH]
"""
import argparse
import os
import random
import sys
import tempfile
import time

from benchlib import enc, read_lines, rss, start













def commands(workload, keys):
    """Yields one command per key, the same for every server (fixed seed)."""
    rng = random.Random(42)
    for i in range(keys):
        if workload == "hash10":
            args = [b"HSET", b"user:%08d" % i]
            for j in range(10):
                args += [b"field%d" % j, b"val-%06d" % rng.randrange(1000000)]
        elif workload == "setint10":
            args = [b"SADD", b"ids:%08d" % i] + [b"%d" % rng.randrange(100000) for _ in range(10)]
        else:
            args = [b"SADD", b"tags:%08d" % i] + [b"tag:%d" % rng.randrange(100) for _ in range(10)]
        yield enc(*args)


def load(sock, workload, keys):
    batch = 1000
    it = commands(workload, keys)
    for i in range(0, keys, batch):
        n = min(batch, keys - i)
        sock.sendall(b"".join(next(it) for _ in range(n)))
        read_lines(sock, n)


def encoding(sock, key):
    sock.sendall(enc(b"OBJECT", b"ENCODING", key))
    return sock.recv(256).split(b"\r\n")[1].decode()


def measure(binary, workload, keys):
    with tempfile.TemporaryDirectory() as d:
        proc, _, sock = start(binary, d)
        try:
            time.sleep(0.3)
            before = rss(proc.pid)
            load(sock, workload, keys)
            time.sleep(0.5)
            after = rss(proc.pid)
            first = {"hash10": b"user:00000000", "setint10": b"ids:00000000"}.get(workload, b"tags:00000000")
            return before, after, encoding(sock, first)
        finally:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--only", default="")
    ap.add_argument("--ferrodis", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "ferrodis"))
    ap.add_argument("--redis", default="redis-server")
    a = ap.parse_args()
    for workload in ("hash10", "setint10", "setstr10"):
        if a.only and a.only not in workload:
            continue
        per = {}
        for name, binary in (("ferrodis", a.ferrodis), ("redis", a.redis)):
            before, after, enc_name = measure(binary, workload, a.keys)
            per[name] = (after - before) / a.keys
            print(
                f"{workload:9} {name:9} RSS empty {before/1e6:7.1f} MB  loaded {after/1e6:7.1f} MB"
                f"  {per[name]:7.1f} bytes/key  (encoding {enc_name})",
                flush=True,
            )
        print(f"{workload:9} ratio ferrodis/redis: {per['ferrodis'] / per['redis']:.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
