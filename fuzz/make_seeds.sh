#!/usr/bin/env bash
# Writes the RDB and RESTORE seed corpora from a real redis-server 7.0
# (every type in each of its encodings, expiry, a stream with groups, a
# Functions library). The RESP and command seeds are written by the
# targets themselves: FERRODIS_FUZZ_SEEDS=DIR makes a target write its
# seeds to DIR at start-up (see README.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
port=${PORT:-23987}
dir=$(mktemp -d)
redis-server --port "$port" --dir "$dir" --save '' --appendonly no --daemonize yes \
    --enable-debug-command yes >/dev/null
trap 'redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
r() { redis-cli -p "$port" "$@" >/dev/null; }
r set str:int 12345
r set str:emb hello
r set str:raw "$(head -c 200 /dev/zero | tr '\0' x)"
r set str:ttl v PX 100000000
r rpush list:lp a b 1 2 -3
for i in $(seq 300); do echo "RPUSH list:ql item$i"; done | redis-cli -p "$port" >/dev/null
r hset hash:lp f1 v1 f2 2
for i in $(seq 200); do echo "HSET hash:ht f$i v$i"; done | redis-cli -p "$port" >/dev/null
r sadd set:int 1 2 3 -5 100000
r sadd set:ht a b c
for i in $(seq 600); do echo "SADD set:bigint $i"; done | redis-cli -p "$port" >/dev/null
r zadd zset:lp 1 a 2.5 b -inf c
for i in $(seq 200); do echo "ZADD zset:sl $i m$i"; done | redis-cli -p "$port" >/dev/null
r xadd stream:s 1-1 f v
r xadd stream:s 2-0 f v g w
r xadd stream:s 3-0 a b
r xdel stream:s 2-0
r xgroup create stream:s g1 0
r xgroup createconsumer stream:s g1 idle
r xreadgroup group g1 c1 count 1 streams stream:s '>'
r xadd stream:empty MAXLEN 0 '*' f v
r function load "#!lua name=lib
redis.register_function('f', function(keys, args) return 1 end)"
r save
cp "$dir/dump.rdb" corpus/rdb_file/redis-7.0-all-types
# The file target's first byte picks the encoding limits (0: defaults).
for f in corpus/rdb_file/redis-7.0-all-types; do
    { printf '\x00'; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
    { printf '\x01'; tail -c +2 "$f"; } >"$f-small-limits"
done
for k in $(redis-cli -p "$port" --scan); do
    name=$(echo "$k" | tr ':' '-')
    # DUMP's body without its 10-byte footer (version, CRC): the target
    # appends a valid one. First byte: the limits selector.
    python3 - "$port" "$k" "corpus/restore_payload/$name" <<'PY'
import socket, sys
port, key, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"*2\r\n$4\r\nDUMP\r\n$%d\r\n%s\r\n" % (len(key), key))
buf = b""
while b"\r\n" not in buf:
    buf += s.recv(65536)
n = int(buf[1:buf.index(b"\r\n")])
start = buf.index(b"\r\n") + 2
while len(buf) < start + n + 2:
    buf += s.recv(65536)
body = buf[start:start + n][:-10]
open(out, "wb").write(b"\x00" + body)
open(out + "-small-limits", "wb").write(b"\x01" + body)
PY
done
ls corpus/rdb_file corpus/restore_payload | wc -l
