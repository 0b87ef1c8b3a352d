//! Seed inputs for the RESP and command targets, written by the targets
//! themselves when `FERRODIS_FUZZ_SEEDS=DIR` is set (their input formats
//! depend on the command table, so they are generated, not hand-written).

use std::path::Path;

/// Requests that reach each parser path, with limit selectors 0 (Redis's
/// limits), 0x05 (tiny ones) and 0x10 (unauthenticated).
const RESP: &[(u8, &[u8])] = &[
    (0, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"),
    (0, b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
    (0, b"PING\r\nSET k \"a\\x41\\n\" 'b\\'c'\r\n\r\n"),
    (0, b"*0\r\n*-1\r\n*1\r\n$0\r\n\r\n"),
    (0, b"*2\r\n$3\r\nGETXY$1\r\nk\r\n"),
    (0, b"*1\r\n+PING\r\n"),
    (0, b"*1\r\n$-1\r\n"),
    (0, b"*01\r\n$1\r\na\r\n"),
    (0, b"SET k \"unbalanced\r\n"),
    (0, b"GET a\x00b\r\n"),
    (0x05, b"*1\r\n$100\r\nxxxxxxxx"),
    (0x05, b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    (0x10, b"*11\r\n"),
    (0x10, b"*1\r\n$16385\r\n"),
];

/// One script per input, one command per line; `@many:B` stands for the
/// generated-arguments item with parameter byte B (see `commands`).
const SCRIPTS: &[&[&str]] = &[
    &[
        "SET k0 abc EX 10",
        "GET k0",
        "APPEND k0 xyz",
        "SETRANGE k0 10 q",
        "GETRANGE k0 0 -1",
        "INCR k1",
        "INCRBYFLOAT k1 1.5",
        "SETBIT k2 100 1",
        "BITCOUNT k2 0 -1 BIT",
        "BITFIELD k2 SET i8 0 100 INCRBY u4 2 5 GET i64 0",
        "BITOP AND k3 k2 k2",
        "GETEX k0 PERSIST",
        "MSETNX k1 a k2 b",
        "LCS k0 k0 IDX",
    ],
    &[
        "RPUSH k0 a b c",
        "RPUSH k0 @many:11",
        "LRANGE k0 0 -1",
        "LPOS k0 b RANK -1 COUNT 0",
        "LINSERT k0 BEFORE b x",
        "LTRIM k0 1 -2",
        "LMOVE k0 k1 LEFT RIGHT",
        "LMPOP 2 k0 k1 LEFT COUNT 3",
        "BLPOP k0 0",
        "LSET k0 -1 z",
        "SORT k0 ALPHA LIMIT 0 10",
    ],
    &[
        "HSET k0 f v g w",
        "HSET k0 @many:12",
        "HSET k1 @many:16",
        "HINCRBY k0 f 1",
        "HINCRBYFLOAT k0 g 1.5",
        "HRANDFIELD k0 -5 WITHVALUES",
        "HSCAN k0 0 COUNT 10",
        "HGETALL k1",
        "HDEL k0 f",
    ],
    &[
        "SADD k0 1 2 3",
        "SADD k0 @many:5",
        "SADD k1 a b",
        "SINTERSTORE k2 k0 k1",
        "SUNIONSTORE k2 k0 k1",
        "SMOVE k0 k1 1",
        "SPOP k0 2",
        "SRANDMEMBER k0 -3",
        "SMISMEMBER k1 a z",
        "SINTERCARD 2 k0 k1 LIMIT 1",
    ],
    &[
        "ZADD k0 1 a 2 b",
        "ZADD k0 @many:28",
        "ZINCRBY k0 inf a",
        "ZRANGE k0 (1 +inf BYSCORE LIMIT 0 5",
        "ZRANGE k0 [a + BYLEX",
        "ZRANGESTORE k1 k0 0 -1",
        "ZUNIONSTORE k2 2 k0 k1 WEIGHTS 1 2 AGGREGATE MAX",
        "ZRANDMEMBER k0 -3 WITHSCORES",
        "ZPOPMIN k0 2",
        "ZMPOP 1 k0 MAX COUNT 2",
        "ZREMRANGEBYLEX k0 - +",
    ],
    &[
        "XADD k0 * f v",
        "XADD k0 1-* a b",
        "XGROUP CREATE k0 g $ MKSTREAM",
        "XADD k0 * f v",
        "XREADGROUP GROUP g c COUNT 10 STREAMS k0 >",
        "XPENDING k0 g - + 10",
        "XCLAIM k0 g c2 0 0-1 FORCE",
        "XAUTOCLAIM k0 g c3 0 0 COUNT 10",
        "XACK k0 g 0-1",
        "XTRIM k0 MAXLEN ~ 1",
        "XINFO STREAM k0 FULL",
        "XSETID k0 18446744073709551615-18446744073709551615",
        "XDEL k0 0-1",
    ],
    &[
        "SET k0 v",
        "EXPIRE k0 100 NX",
        "TTL k0",
        "RENAME k0 k1",
        "COPY k1 k2",
        "DUMP k2",
        "OBJECT ENCODING k2",
        "MOVE k2 1",
        "SWAPDB 0 1",
        "SCAN 0 MATCH k* COUNT 10 TYPE string",
        "PERSIST k1",
        "UNLINK k1",
    ],
    &[
        "WATCH k0", "MULTI", "SET k0 v", "INCR k0", "EXEC", "MULTI", "LPUSH k1", "EXEC", "DISCARD",
    ],
    &[
        "HELLO 3",
        "SUBSCRIBE k0 k1",
        "PUBLISH k0 m",
        "PSUBSCRIBE k*",
        "PUNSUBSCRIBE",
        "RESET",
        "CLIENT SETNAME x",
        "CLIENT LIST",
        "INFO all",
        "COMMAND INFO get",
        "MEMORY USAGE k0",
        "OBJECT FREQ k0",
    ],
];

/// Writes the seeds of `target` into `dir`.
pub fn write(target: &str, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    match target {
        "resp_parser" => {
            for (i, (limits, body)) in RESP.iter().enumerate() {
                let mut v = vec![*limits, i as u8, 0];
                v.extend_from_slice(body);
                std::fs::write(dir.join(format!("seed-{i:02}")), v)?;
            }
        }
        "commands" => {
            for (i, script) in SCRIPTS.iter().enumerate() {
                let commands: Vec<Vec<Vec<u8>>> = script
                    .iter()
                    .map(|l| l.split(' ').map(|w| w.as_bytes().to_vec()).collect())
                    .collect();
                std::fs::write(
                    dir.join(format!("seed-{i:02}")),
                    crate::commands::encode(&commands),
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}
