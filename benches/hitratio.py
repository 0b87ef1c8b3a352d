#!/usr/bin/env python3
"""Eviction quality: hit ratio of a skewed (Zipf) cache workload under
maxmemory, ferrodis vs redis-server 7.0, same limit and policy.

Each step GETs a key drawn from a Zipf distribution over --keys keys; on a
miss it SETs the key (a cache fill). Requests go in pipelined batches.
Hit ratio = hits / GETs, after a warm-up pass that is not counted.

usage: benches/hitratio.py [--policy allkeys-lru] [--maxmemory 4mb] [--ops 300000]
"""
import argparse
import bisect
import os
import random
import sys
import tempfile

from benchlib import enc, start






class Conn:
    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(1 << 16)
            if not d:
                raise RuntimeError("closed")
            self.buf += d
        l, self.buf = self.buf.split(b"\r\n", 1)
        return l

    def reply(self):
        l = self.line()
        if l[:1] == b"$":
            n = int(l[1:])
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.s.recv(1 << 16)
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v
        return l




def run(binary, policy, maxmemory, keys, ops, seed, s_exp):
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) ** s_exp for i in range(keys)]
    cdf, acc = [], 0.0
    for w in weights:
        acc += w
        cdf.append(acc)
    value = b"v" * 100
    with tempfile.TemporaryDirectory() as d:
        proc, _, sock = start(binary, d, ["--maxmemory", maxmemory, "--maxmemory-policy", policy])
        c = Conn(sock)
        try:
            hits = gets = 0
            batch = 100
            for phase, n in (("warm", ops // 3), ("measure", ops)):
                done = 0
                while done < n:
                    ks = [b"key:%d" % bisect.bisect_left(cdf, rng.random() * acc) for _ in range(batch)]
                    c.s.sendall(b"".join(enc(b"GET", k) for k in ks))
                    misses = [k for k in ks if c.reply() is None]
                    if phase == "measure":
                        gets += len(ks)
                        hits += len(ks) - len(misses)
                    if misses:
                        c.s.sendall(b"".join(enc(b"SET", k, value) for k in misses))
                        for _ in misses:
                            c.reply()
                    done += batch
            return hits / gets
        finally:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--policy", default="allkeys-lru")
    ap.add_argument("--maxmemory", default="4mb")
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--ops", type=int, default=300_000)
    ap.add_argument("--zipf", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--ferrodis", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "ferrodis"))
    ap.add_argument("--redis", default="redis-server")
    a = ap.parse_args()
    # The servers run in a temporary directory: resolve a relative path now.
    if os.sep in a.ferrodis:
        a.ferrodis = os.path.abspath(a.ferrodis)
    ours = run(a.ferrodis, a.policy, a.maxmemory, a.keys, a.ops, a.seed, a.zipf)
    theirs = run(a.redis, a.policy, a.maxmemory, a.keys, a.ops, a.seed, a.zipf)
    print(f"{a.policy:15} maxmemory {a.maxmemory}: hit ratio ferrodis {ours*100:.2f}%  redis {theirs*100:.2f}%  "
          f"difference {100*(ours-theirs):+.2f} pp")


if __name__ == "__main__":
    sys.exit(main())
