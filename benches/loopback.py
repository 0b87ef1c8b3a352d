#!/usr/bin/env python3
"""Matrix runner for benches/loopback.sh (Python 3 stdlib only).

Runs redis-benchmark against two already-running servers, interleaved, and
prints one table with median throughput and median server CPU per request.
The servers' lifecycle (start, readiness, cleanup) belongs to loopback.sh;
this file only needs their ports and pids.

    loopback.py --ours PORT:PID --theirs PORT:PID [--quick] [--reps N]
                [--clients N] [--threads N] [--target-seconds S]
                [--json FILE] [--only SUBSTR]
"""

import argparse
import csv
import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")

# (label, redis-benchmark -t name, extra args). Order matters a little: SET
# runs before GET so that GET mostly hits keys of the matching value size.
TESTS = [
    ("PING_INLINE", "ping_inline", []),
    ("PING_MBULK", "ping_mbulk", []),
    ("SET", "set", []),
    ("GET", "get", []),
    ("INCR", "incr", []),
    ("MSET (10 keys)", "mset", []),
    ("SET 1KB", "set", ["-d", "1024"]),
    ("GET 1KB", "get", ["-d", "1024"]),
]
# Further matrices (`--matrix`), for the collection types: redis-benchmark's
# built-in tests for them.
MATRICES = {
    "strings": TESTS,
    "lists": [
        ("LPUSH", "lpush", []),
        ("RPUSH", "rpush", []),
        ("LPOP", "lpop", []),
        ("RPOP", "rpop", []),
        ("LRANGE_100", "lrange_100", []),
        ("LRANGE_600", "lrange_600", []),
    ],
    "collections": [
        ("HSET", "hset", []),
        ("SADD", "sadd", []),
        ("SPOP", "spop", []),
        ("ZADD", "zadd", []),
        ("ZPOPMIN", "zpopmin", []),
    ],
}
PIPELINES = [1, 16]
KEYSPACE = 100000


def cpu_ticks(pid):
    """utime+stime (clock ticks) of the whole process, all threads included."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    # comm (field 2) may contain spaces/parens: split after the last ')'.
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime is field 14, stime field 15.
    return int(fields[11]) + int(fields[12])


def system_busy_ticks():
    """Busy ticks of the whole machine (all cores) from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal [guest guest_nice]:
    # guest time is already counted in user, so leave it out.
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench(port, tname, extra, pipeline, n, args):
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
           "-t", tname, "-n", str(n), "-c", str(args.clients),
           "-P", str(pipeline), "-r", str(KEYSPACE), "--csv"] + extra
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError(f"redis-benchmark failed ({p.returncode}): "
                           f"{' '.join(cmd)}\n{p.stderr}{p.stdout}")
    rows = [r for r in csv.reader(io.StringIO(p.stdout)) if r]
    # LRANGE tests first run an LPUSH fill of their own (its row is skipped;
    # its CPU is in the server's total, so those rows' CPU/req covers one
    # LPUSH plus one LRANGE).
    data = [r for r in rows if r[0] != "test" and not r[0].startswith("LPUSH (needed")]
    if len(data) != 1:
        raise RuntimeError(f"unexpected redis-benchmark output for "
                           f"{' '.join(cmd)}:\n{p.stdout}{p.stderr}")
    return float(data[0][1]), wall


def measured_run(server, tname, extra, pipeline, n, args):
    port, pid = server
    busy0, client0, before = system_busy_ticks(), children_cpu_s(), cpu_ticks(pid)
    rps, wall = bench(port, tname, extra, pipeline, n, args)
    after, client1, busy1 = cpu_ticks(pid), children_cpu_s(), system_busy_ticks()
    server_s = (after - before) / CLK_TCK
    client_s = client1 - client0
    # CPU burnt by anything but this server and redis-benchmark (other jobs,
    # steal, kernel threads), in cores: the noise indicator for this sample.
    foreign = max(0.0, (busy1 - busy0) / CLK_TCK - server_s - client_s) / wall
    return {"rps": rps, "cpu_us": server_s * 1e6 / n,
            "client_cpu_us": client_s * 1e6 / n, "foreign_cores": foreign,
            "wall_s": wall, "n": n}


def parse_server(s):
    port, pid = s.split(":")
    return int(port), int(pid)


def fmt_rps(x):
    return f"{x:,.0f}"


def ratio(a, b):
    return a / b if b else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True, type=parse_server)
    ap.add_argument("--theirs", required=True, type=parse_server)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--threads", type=int, default=0,
                    help="redis-benchmark --threads (0 = not passed)")
    ap.add_argument("--target-seconds", type=float, default=None)
    ap.add_argument("--json", default=None, help="dump raw samples here")
    ap.add_argument("--only", default=None,
                    help="run only tests whose label contains this")
    ap.add_argument("--matrix", default="strings", choices=sorted(MATRICES),
                    help="which set of tests to run")
    ap.add_argument("--ours-name", default="ferrodis")
    ap.add_argument("--noise-threshold", type=float, default=0.15,
                    help="warn about cells where other processes used more "
                         "than this many cores during a run")
    args = ap.parse_args()
    target = args.target_seconds or (0.5 if args.quick else 2.5)

    servers = {"ours": args.ours, "theirs": args.theirs}
    tests = [t for t in MATRICES[args.matrix]
             if not args.only or args.only.lower() in t[0].lower()]

    # Untimed prefill: populate the keyspace on both servers so GET hits from
    # its first request (SET/SET 1KB in the matrix then overwrite values).
    for name, (port, _) in servers.items():
        subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
                        "-t", "set", "-n", str(3 * KEYSPACE), "-r",
                        str(KEYSPACE), "-P", "64", "-c", "50", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)

    cells = [(t, p) for t in tests for p in PIPELINES]

    # Calibration (doubles as warm-up): a short pilot on both servers, then
    # one -n per cell, shared by both servers, sized from the mean rate.
    sizes, failed = {}, {}
    for (label, tname, extra), p in cells:
        pilot_n = 10000 * (8 if p > 1 else 1)
        rates = []
        for s in ("ours", "theirs"):
            try:
                rates.append(bench(servers[s][0], tname, extra, p, pilot_n,
                                   args)[0])
            except RuntimeError as e:
                # e.g. a command ferrodis does not implement yet: report the
                # cell as failed and go on with the rest of the matrix.
                msg = str(e).strip().splitlines()
                why = next((l for l in msg if "rror" in l and
                            not l.startswith("redis-benchmark failed")),
                           msg[0])
                failed[(label, p)] = f"{s}: {why.strip()}"
                print(f"# SKIP {label} P={p}: {failed[(label, p)]}",
                      file=sys.stderr, flush=True)
                break
        if (label, p) in failed:
            continue
        n = int(statistics.mean(rates) * target)
        n = max(n, 5000)
        n = int(round(n, -3)) if n >= 10000 else n
        sizes[(label, p)] = n
        print(f"# calibrate {label:<15} P={p:<2} pilot rps "
              f"ours={rates[0]:,.0f} theirs={rates[1]:,.0f} -> -n {n}",
              file=sys.stderr, flush=True)

    samples = {(t[0], p): {"ours": [], "theirs": []} for t, p in cells}
    for rep in range(args.reps):
        # Alternate who goes first each repetition (ABBA) so that any
        # first/second-position effect cancels out as well as drift.
        order = ("ours", "theirs") if rep % 2 == 0 else ("theirs", "ours")
        for (label, tname, extra), p in cells:
            if (label, p) in failed:
                continue
            n = sizes[(label, p)]
            for s in order:
                r = measured_run(servers[s], tname, extra, p, n, args)
                samples[(label, p)][s].append(r)
                print(f"# rep {rep + 1}/{args.reps} {label:<15} P={p:<2} "
                      f"{s:<6} {r['rps']:>12,.0f} req/s "
                      f"{r['cpu_us']:6.2f} us/req  ({r['wall_s']:.2f}s, "
                      f"client {r['client_cpu_us']:.2f} us/req, "
                      f"foreign {r['foreign_cores']:.2f} cores)",
                      file=sys.stderr, flush=True)

    ours = args.ours_name
    hdr = ["test", "P", f"{ours} req/s", "redis req/s", "ratio",
           f"{ours} CPU us/req", "redis CPU us/req", "ratio"]
    table = []
    rps_ratios, cpu_ratios = [], []
    noisy_cells, foreign_all = [], []
    for (label, _, _), p in cells:
        if (label, p) in failed:
            table.append([label, str(p)] + ["failed"] * 6)
            continue
        s = samples[(label, p)]
        o_rps = statistics.median(x["rps"] for x in s["ours"])
        t_rps = statistics.median(x["rps"] for x in s["theirs"])
        o_cpu = statistics.median(x["cpu_us"] for x in s["ours"])
        t_cpu = statistics.median(x["cpu_us"] for x in s["theirs"])
        # Ratios are the median of per-repetition ratios: each repetition's
        # two runs are adjacent in time, so this cancels slow drift in the
        # machine's load better than a ratio of medians would.
        rr = statistics.median(ratio(a["rps"], b["rps"])
                               for a, b in zip(s["ours"], s["theirs"]))
        cr = statistics.median(ratio(a["cpu_us"], b["cpu_us"])
                               for a, b in zip(s["ours"], s["theirs"]))
        noisy = max(x["foreign_cores"] for x in s["ours"] + s["theirs"])
        if noisy > args.noise_threshold:
            noisy_cells.append(f"{label} P={p} ({noisy:.2f})")
        foreign_all.extend(x["foreign_cores"] for x in s["ours"] + s["theirs"])
        rps_ratios.append(rr)
        cpu_ratios.append(cr)
        table.append([label, str(p), fmt_rps(o_rps), fmt_rps(t_rps),
                      f"{rr:.2f}", f"{o_cpu:.2f}", f"{t_cpu:.2f}",
                      f"{cr:.2f}"])

    widths = [max(len(r[i]) for r in [hdr] + table) for i in range(len(hdr))]
    right = [False, True, True, True, True, True, True, True]

    def line(cols):
        return "| " + " | ".join(c.rjust(w) if rj else c.ljust(w)
                                 for c, w, rj in zip(cols, widths, right)) + " |"

    print(line(hdr))
    print("|" + "|".join(("-" * (w + 1) + ":") if rj else ("-" * (w + 2))
                         for w, rj in zip(widths, right)) + "|")
    for r in table:
        print(line(r))

    def gmean(xs):
        xs = [x for x in xs if x > 0 and not math.isnan(x)]
        return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")

    print()
    print(f"req/s and us/req: median of {args.reps} runs per cell; ratios: "
          f"median of the {args.reps} per-repetition (adjacent-pair) ratios")
    print(f"clients={args.clients}, "
          f"-r {KEYSPACE}, redis-benchmark threads="
          f"{args.threads or 'off'}, ~{target}s per run")
    if not rps_ratios:
        print("no cell could be measured")
        return 3
    print(f"req/s ratio: geomean {gmean(rps_ratios):.3f}, "
          f"min {min(rps_ratios):.2f}, max {max(rps_ratios):.2f}")
    print(f"CPU/req ratio: geomean {gmean(cpu_ratios):.3f}, "
          f"min {min(cpu_ratios):.2f}, max {max(cpu_ratios):.2f}")

    if failed:
        print("failed cells (not measured):")
        for (label, p), why in failed.items():
            print(f"  {label} P={p}: {why}")
    print(f"foreign CPU load during runs (cores busy with anything but the "
          f"two benchmarked processes): median "
          f"{statistics.median(foreign_all):.2f}, max {max(foreign_all):.2f}")
    if noisy_cells:
        print(f"WARNING: load above {args.noise_threshold} cores from other "
              f"processes in: {', '.join(noisy_cells)}; treat those rows with "
              f"suspicion (re-run on a quiet machine)")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "target_s": target,
                       "clk_tck": CLK_TCK,
                       "failed": [{"test": k[0], "pipeline": k[1], "why": v}
                                  for k, v in failed.items()],
                       "samples": [{"test": k[0], "pipeline": k[1], **v}
                                   for k, v in samples.items()
                                   if k not in failed]},
                      f, indent=1)
    return 3 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print(f"loopback.py: {e}", file=sys.stderr)
        sys.exit(2)
