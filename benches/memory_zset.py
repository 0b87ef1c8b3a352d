#!/usr/bin/env python3
"""Sorted-set memory: ferrodis against redis-server 7.0, as the growth of
each server's RSS (/proc/PID/statm) from an empty start. Every scenario
starts both servers fresh on free loopback ports and loads identical
pipelined ZADDs.

Scenarios:
  small  100,000 keys, each a sorted set of 10 members ("member:NN",
         integer scores): the listpack encoding. Reported per key.
  large  one sorted set of 1,000,000 members ("member:NNNNNNN", integer
         scores in scrambled order): the skiplist encoding. Reported per
         member.

usage: benches/memory_zset.py [--ferrodis PATH] [--redis PATH]
                              [--keys N] [--members M] [--only small|large]
"""
import argparse
import os
import sys
import tempfile
import time

from benchlib import enc, read_lines, rss, start













def load_small(sock, keys):
    batch = 500
    for i in range(0, keys, batch):
        cmds = []
        for k in range(i, min(i + batch, keys)):
            args = [b"ZADD", b"zset:%08d" % k]
            for j in range(10):
                args += [b"%d" % (k % 1000 + j), b"member:%02d" % j]
            cmds.append(enc(*args))
        sock.sendall(b"".join(cmds))
        read_lines(sock, len(cmds))


def load_large(sock, members):
    batch = 100  # ZADDs per round trip, 100 members each
    per_cmd = 100
    i = 0
    while i < members:
        cmds = []
        for _ in range(batch):
            if i >= members:
                break
            args = [b"ZADD", b"big"]
            for m in range(i, min(i + per_cmd, members)):
                args += [b"%d" % ((m * 7919) % 1000003), b"member:%07d" % m]
            i = min(i + per_cmd, members)
            cmds.append(enc(*args))
        sock.sendall(b"".join(cmds))
        read_lines(sock, len(cmds))


def measure(binary, loader, n):
    with tempfile.TemporaryDirectory() as d:
        proc, _, sock = start(binary, d)
        try:
            time.sleep(0.3)
            before = rss(proc.pid)
            loader(sock, n)
            sock.sendall(enc(b"OBJECT", b"ENCODING", b"big" if loader is load_large else b"zset:00000000"))
            enc_reply = sock.recv(256).split(b"\r\n")[1].decode(errors="replace")
            time.sleep(0.5)
            after = rss(proc.pid)
            return before, after, enc_reply
        finally:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--ferrodis", default=os.path.join(here, "..", "target", "release", "ferrodis"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["small", "large"])
    a = ap.parse_args()
    scenarios = [
        ("small", load_small, a.keys, "key"),
        ("large", load_large, a.members, "member"),
    ]
    for label, loader, n, unit in scenarios:
        if a.only and a.only != label:
            continue
        per = {}
        for name, binary in (("ferrodis", a.ferrodis), ("redis", a.redis)):
            before, after, encoding = measure(binary, loader, n)
            per[name] = (after - before) / n
            print(
                f"{label:5} {name:9} [{encoding}] RSS empty {before/1e6:7.1f} MB  "
                f"loaded {after/1e6:8.1f} MB  {per[name]:7.1f} bytes/{unit}",
                flush=True,
            )
        print(f"{label:5} ratio ferrodis/redis bytes per {unit}: {per['ferrodis'] / per['redis']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
