#!/usr/bin/env python3
"""Bytes per key: N string keys with V-byte values in ferrodis and in
redis-server 7.0, measured as the growth of each server's RSS
(/proc/PID/statm) from an empty start. Both servers are started fresh on
free loopback ports, loaded with identical pipelined SETs, then measured.

usage: benches/memory_keys.py [--keys N] [--value-size V] [--ferrodis PATH]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def rss(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE


def enc(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_replies(sock, n, buf=b""):
    # Counts n complete simple/bulk/integer replies (enough for SET/PING/DBSIZE).
    got = 0
    while got < n:
        data = sock.recv(1 << 20)
        if not data:
            raise RuntimeError("server closed the connection")
        buf += data
        got += buf.count(b"\r\n")
        buf = b""
    return got


def start(binary, port, workdir):
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(enc(b"PING"))
            if s.recv(64).startswith(b"+PONG"):
                return proc, s
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{binary} did not start")


def load(sock, keys, value_size):
    value = b"v" * value_size
    batch = 1000
    for i in range(0, keys, batch):
        chunk = b"".join(enc(b"SET", b"key:%010d" % k, value) for k in range(i, min(i + batch, keys)))
        sock.sendall(chunk)
        read_replies(sock, min(batch, keys - i))


def measure(binary, keys, value_size):
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        proc, sock = start(binary, port, d)
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
