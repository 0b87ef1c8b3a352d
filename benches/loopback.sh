#!/usr/bin/env bash
# Loopback load benchmark: ferrodis vs redis-server 7.0, driven by
# redis-benchmark, interleaved run by run. See docs/benchmarks.md.
#
# usage: benches/loopback.sh [--quick] [--reps N] [--threads N]
#                            [--clients N] [--only SUBSTR] [--json FILE]
#                            [--matrix strings|lists|collections]
#                            [--server-args "ARGS"]
#   --quick      ~0.5 s per run instead of ~2.5 s
#   --reps N     repetitions per cell, median reported (default 3; env REPS)
#   --threads N  pass --threads N to redis-benchmark (default: not passed)
#   --only S     only the tests whose name contains S (e.g. --only GET)
#   --json FILE  also dump every raw sample as JSON
#   --server-args "ARGS"  extra directives for both servers, e.g.
#                "--appendonly yes --appendfsync everysec" 
# env:
#   FERRODIS_BIN  server under test (default target/release/ferrodis)
#   REDIS_BIN     reference server (default: redis-server on PATH)
#
# Both servers get the same command line:
#   --port N --bind 127.0.0.1 --save '' --appendonly no [--server-args]
# Exit status: 0 ok, 1 a server failed to start / bad usage, 2 benchmark
# error, 3 some cells failed (e.g. a command ferrodis lacks; table still printed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

FERRODIS_BIN=${FERRODIS_BIN:-$root/target/release/ferrodis}
REDIS_BIN=${REDIS_BIN:-$(command -v redis-server || true)}

pyargs=(--reps "${REPS:-3}")
server_args=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --server-args)
            [[ $# -ge 2 ]] || { echo "loopback.sh: $1 needs a value" >&2; exit 1; }
            read -r -a server_args <<<"$2"; shift 2 ;;
        --quick) pyargs+=(--quick); shift ;;
        --reps|--threads|--clients|--only|--json|--target-seconds|--matrix)
            [[ $# -ge 2 ]] || { echo "loopback.sh: $1 needs a value" >&2; exit 1; }
            pyargs+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "loopback.sh: unknown argument: $1" >&2; exit 1 ;;
    esac
done

for tool in redis-benchmark python3; do
    command -v "$tool" >/dev/null || { echo "loopback.sh: $tool not found" >&2; exit 1; }
done
[[ -x $FERRODIS_BIN ]] || {
    echo "loopback.sh: ferrodis binary not found: $FERRODIS_BIN" >&2
    echo "  build it (cargo build --release) or set FERRODIS_BIN" >&2
    exit 1; }
[[ -n $REDIS_BIN && -x $REDIS_BIN ]] || {
    echo "loopback.sh: redis-server not found (set REDIS_BIN)" >&2; exit 1; }

workdir=$(mktemp -d "${TMPDIR:-/tmp}/ferrodis-loopback.XXXXXX")
pids=()

runner_pid=
cleanup() {
    local pid
    if [[ -n $runner_pid ]]; then
        kill -TERM "$runner_pid" 2>/dev/null || true
        wait "$runner_pid" 2>/dev/null || true
    fi
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback port: bind port 0, read it back, release it.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Send one inline command over /dev/tcp and print the first reply line.
probe() { # port command...
    local port=$1 reply=""; shift
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf '%s\r\n' "$*" >&3
    IFS= read -r -t 2 reply <&3 || true
    exec 3<&- 3>&-
    printf '%s' "${reply%$'\r'}"
}

# start_server NAME BIN PORT -> sets started_pid; exits 1 if it never answers.
start_server() {
    local name=$1 bin=$2 port=$3 log="$workdir/$1.log" dir="$workdir/$1"
    mkdir -p "$dir"
    (cd "$dir" && exec "$bin" --port "$port" --bind 127.0.0.1 --save '' \
        --appendonly no "${server_args[@]}") >"$log" 2>&1 &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 100); do
        if ! kill -0 "$started_pid" 2>/dev/null; then
            echo "loopback.sh: $name ($bin) exited during startup; log:" >&2
            tail -n 20 "$log" >&2; exit 1
        fi
        if [[ $(probe "$port" PING 2>/dev/null) == "+PONG" ]]; then
            # Smoke-test SET/GET too: the matrix depends on them.
            if [[ $(probe "$port" SET loopback:probe ok) == "+OK" &&
                  $(probe "$port" GET loopback:probe) == '$2' ]]; then
                return 0
            fi
            echo "loopback.sh: $name answers PING but not SET/GET" >&2; exit 1
        fi
        sleep 0.1
    done
    echo "loopback.sh: $name ($bin) did not answer PING on port $port in 10 s; log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}

ours_port=$(free_port)
start_server ferrodis "$FERRODIS_BIN" "$ours_port"; ours_pid=$started_pid
theirs_port=$(free_port)
start_server redis "$REDIS_BIN" "$theirs_port"; theirs_pid=$started_pid

echo "# ferrodis: $FERRODIS_BIN (port $ours_port, pid $ours_pid)" >&2
echo "# redis:    $REDIS_BIN ($("$REDIS_BIN" --version | cut -d' ' -f3)) (port $theirs_port, pid $theirs_pid)" >&2
echo "# machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" >&2

# Not exec: the EXIT trap must still run afterwards. In the background +
# wait, so that a TERM/INT to this script runs the trap at once instead of
# after the matrix; cleanup stops the runner first, then the servers.
python3 "$here/loopback.py" --ours "$ours_port:$ours_pid" \
    --theirs "$theirs_port:$theirs_pid" "${pyargs[@]}" &
runner_pid=$!
wait "$runner_pid"
