#!/usr/bin/env python3
"""Stream memory: ferrodis against redis-server 7.0, as the growth of each
server's RSS (/proc/PID/statm) from an empty start, per entry. Both servers
start fresh on free loopback ports and get identical pipelined XADDs.

Scenario: one stream of N entries (default 1,000,000) added with `*` ids,
each entry the same two fields ("sensor", "temp") with short values
("sensor-NNN", a 2-3 digit reading), so both servers can store field
names once per node.

usage: benches/memory_stream.py [--ferrodis PATH] [--redis PATH] [--entries N]
"""
import argparse
import os
import sys
import tempfile
import time

from benchlib import enc, read_lines, rss, start


def load(sock, entries):
    batch = 1000
    for i in range(0, entries, batch):
        cmds = []
        for k in range(i, min(i + batch, entries)):
            cmds.append(enc(b"XADD", b"stream", b"*", b"sensor", b"sensor-%03d" % (k % 1000),
                            b"temp", b"%d" % (k * 7 % 400)))
        sock.sendall(b"".join(cmds))
        read_lines(sock, 2 * len(cmds))  # "$N" line + id line per reply


def measure(binary, n):
    with tempfile.TemporaryDirectory() as d:
        proc, _, sock = start(binary, d)
        try:
            time.sleep(0.3)
            before = rss(proc.pid)
            load(sock, n)
            sock.sendall(enc(b"XLEN", b"stream"))
            length = sock.recv(64).split(b"\r\n")[0].decode(errors="replace")
            time.sleep(0.5)
            after = rss(proc.pid)
            return before, after, length
        finally:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--ferrodis", default=os.path.join(here, "..", "target", "release", "ferrodis"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--entries", type=int, default=1_000_000)
    a = ap.parse_args()
    per = {}
    for name, binary in (("ferrodis", a.ferrodis), ("redis", a.redis)):
        before, after, length = measure(binary, a.entries)
        per[name] = (after - before) / a.entries
        print(
            f"{name:9} XLEN {length} RSS empty {before/1e6:7.1f} MB  loaded {after/1e6:8.1f} MB  "
            f"{per[name]:6.1f} bytes/entry",
            flush=True,
        )
    print(f"ratio ferrodis/redis bytes per entry: {per['ferrodis'] / per['redis']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
