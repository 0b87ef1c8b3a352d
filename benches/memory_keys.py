#!/usr/bin/env python3
"""Bytes per key: N string keys with V-byte values in ferrodis and in
redis-server 7.0, measured as the growth of each server's RSS
(/proc/PID/statm) from an empty start. Both servers are started fresh on
free loopback ports, loaded with identical pipelined SETs, then measured.

usage: benches/memory_keys.py [--keys N] [--value-size V] [--ferrodis PATH]
"""
import argparse
import os
import sys
import tempfile
import time

from benchlib import enc, read_lines, rss, start













def load(sock, keys, value_size):
    value = b"v" * value_size
    batch = 1000
    for i in range(0, keys, batch):
        chunk = b"".join(enc(b"SET", b"key:%010d" % k, value) for k in range(i, min(i + batch, keys)))
        sock.sendall(chunk)
        read_lines(sock, min(batch, keys - i))


def measure(binary, keys, value_size):
    with tempfile.TemporaryDirectory() as d:
        proc, _, sock = start(binary, d)
        try:
            time.sleep(0.3)
            before = rss(proc.pid)
            load(sock, keys, value_size)
            time.sleep(0.5)
            after = rss(proc.pid)
            return before, after
        finally:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--value-size", type=int, default=64)
    ap.add_argument("--ferrodis", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "ferrodis"))
    ap.add_argument("--redis", default="redis-server")
    a = ap.parse_args()
    if os.sep in a.ferrodis:
        a.ferrodis = os.path.abspath(a.ferrodis)
    rows = []
    for name, binary in (("ferrodis", a.ferrodis), ("redis", a.redis)):
        before, after = measure(binary, a.keys, a.value_size)
        per_key = (after - before) / a.keys
        rows.append((name, before, after, per_key))
        print(f"{name:9} RSS empty {before/1e6:8.1f} MB  loaded {after/1e6:8.1f} MB  {per_key:7.1f} bytes/key", flush=True)
    ratio = rows[0][3] / rows[1][3]
    print(f"ratio ferrodis/redis bytes per key: {ratio:.2f}  ({a.keys} keys, {a.value_size}-byte values)")


if __name__ == "__main__":
    sys.exit(main())
