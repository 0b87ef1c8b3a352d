#!/bin/bash
# SET -P16 with eviction active: server CPU per request, ferrodis vs redis.
# usage: cargo build --release && bash benches/eviction_cpu.sh   (ports 7611/7612 must be free)
run() { # bin port
  $1 --port $2 --bind 127.0.0.1 --save '' --appendonly no --maxmemory 20mb --maxmemory-policy allkeys-lru >/dev/null 2>&1 &
  pid=$!; sleep 0.5
  redis-benchmark -p $2 -t set -n 300000 -r 1000000 -d 100 -P 16 -c 50 -q >/dev/null 2>&1   # fill past the limit
  t0=$(awk '{print $14+$15}' /proc/$pid/stat)
  out=$(redis-benchmark -p $2 -t set -n 1000000 -r 1000000 -d 100 -P 16 -c 50 --csv 2>/dev/null | tail -1)
  t1=$(awk '{print $14+$15}' /proc/$pid/stat)
  ev=$(redis-cli -p $2 info stats | grep evicted_keys | tr -d '\r')
  kill $pid; wait $pid 2>/dev/null
  echo "$1: $out cpu_us_per_req=$(echo "($t1-$t0)*10000/1000000" | bc -l | cut -c1-5) $ev"
}
run "${FERRODIS_BIN:-target/release/ferrodis}" 7611
run "$(command -v redis-server)" 7612
run "${FERRODIS_BIN:-target/release/ferrodis}" 7611
run "$(command -v redis-server)" 7612
