#!/bin/bash
# Streams on loopback: XADD, and XREADGROUP COUNT 10 (NOACK) over a
# pre-filled stream, at -P 1 and -P 16; server CPU per request from
# /proc/PID/stat, ferrodis vs redis-server, each cell run on both back to
# back.
#
# usage: cargo build --release && bash benches/streams.sh [REQUESTS]
# env: FERRODIS_BIN (default target/release/ferrodis), REDIS_BIN
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FERRODIS_BIN=${FERRODIS_BIN:-$here/../target/release/ferrodis}
REDIS_BIN=${REDIS_BIN:-$(command -v redis-server)}
N=${1:-200000}
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

start() { # bin -> sets pid, p
    p=$(port)
    dir=$(mktemp -d)
    (cd "$dir" && exec "$1" --port "$p" --bind 127.0.0.1 --save '' --appendonly no) >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && return; sleep 0.05; done
    echo "streams.sh: $1 did not start" >&2; exit 1
}

cell() { # bin label pipeline -- redis-benchmark command...
    local bin=$1 label=$2 pipe=$3; shift 4
    start "$bin"
    if [[ $label == XREADGROUP* ]]; then
        # Enough entries for every read of 10, added untimed.
        redis-benchmark -p "$p" -n $((N * 10 + 1000)) -P 64 -c 10 XADD s '*' f v >/dev/null 2>&1
        redis-cli -p "$p" XGROUP CREATE s g 0 >/dev/null
    fi
    local t0 t1 out
    t0=$(ticks "$pid")
    out=$(redis-benchmark -p "$p" -n "$N" -P "$pipe" -c 50 --csv "$@" 2>/dev/null | tail -1)
    t1=$(ticks "$pid")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    local rps cpu
    rps=$(echo "$out" | cut -d, -f2 | tr -d '"')
    cpu=$(echo "($t1 - $t0) * 1000000 / 100 / $N" | bc -l)
    printf '%s %s %s %.2f\n' "$label" "$pipe" "$rps" "$cpu"
}

printf '| command | P | ferrodis req/s | redis req/s | ferrodis CPU us/req | redis CPU us/req | CPU ratio |\n'
printf '|---|---:|---:|---:|---:|---:|---:|\n'
for pipe in 1 16; do
    for what in XADD XREADGROUP; do
        if [[ $what == XADD ]]; then
            args=(XADD s '*' field value)
        else
            args=(XREADGROUP GROUP g c COUNT 10 NOACK STREAMS s '>')
        fi
        read -r _ _ frps fcpu < <(cell "$FERRODIS_BIN" "$what" "$pipe" -- "${args[@]}")
        read -r _ _ rrps rcpu < <(cell "$REDIS_BIN" "$what" "$pipe" -- "${args[@]}")
        printf '| %s | %s | %s | %s | %s | %s | %.2f |\n' "$what" "$pipe" "$frps" "$rrps" "$fcpu" "$rcpu" \
            "$(echo "$fcpu / $rcpu" | bc -l)"
    done
done
