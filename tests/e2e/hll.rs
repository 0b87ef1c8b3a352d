//! HyperLogLog, differential against redis-server 7.0: every command and
//! error, the stored bytes themselves (GET after each change: sparse runs,
//! the move to dense, the cached cardinality), corrupt values, and
//! replication of PFADD, PFMERGE and PFCOUNT's cache to both kinds of
//! replica.

use rand::Rng;

use crate::common::{Diff, RawConn, Resp};

const HEADER_SPARSE: &[u8] = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80";

#[test]
fn commands_and_errors() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.cmd(&["FLUSHALL"]);
        d.script(&[
            &["PFADD", "h", "a", "b", "c"],
            &["GET", "h"],
            &["PFADD", "h", "a"],
            &["PFADD", "h"],
            &["PFADD", "empty"],
            &["GET", "empty"],
            &["PFCOUNT", "empty"],
            &["GET", "empty"],
            &["PFCOUNT", "h"],
            &["GET", "h"],
            &["PFCOUNT", "h"],
            &["PFCOUNT", "nokey"],
            &["PFCOUNT", "h", "nokey", "empty"],
            &["OBJECT", "ENCODING", "h"],
            &["STRLEN", "h"],
            &["PFDEBUG", "ENCODING", "h"],
            &["PFDEBUG", "DECODE", "h"],
            &["PFDEBUG", "decode", "empty"],
            &["PFDEBUG", "TODENSE", "h"],
            &["PFDEBUG", "TODENSE", "h"],
            &["PFDEBUG", "ENCODING", "h"],
            &["PFDEBUG", "DECODE", "h"],
            &["STRLEN", "h"],
            &["PFCOUNT", "h"],
            &["PFADD", "h", "d", "e"],
            &["PFCOUNT", "h"],
            &["PFDEBUG", "GETREG", "empty"],
            &["PFDEBUG", "ENCODING", "empty"],
            &["PFDEBUG", "NOPE", "h"],
            &["PFDEBUG", "GETREG", "nokey"],
            &["PFDEBUG", "GETREG"],
            &["PFDEBUG", "GETREG", "h", "x"],
            &["PFADD"],
            &["PFCOUNT"],
            &["PFMERGE"],
            &["PFMERGE", "m"],
            &["GET", "m"],
            &["PFMERGE", "m", "h", "empty", "nokey"],
            &["GET", "m"],
            &["PFCOUNT", "m"],
            &["PFADD", "s1", "x", "y"],
            &["PFADD", "s2", "y", "z"],
            &["PFMERGE", "s3", "s1", "s2"],
            &["GET", "s3"],
            &["PFCOUNT", "s3"],
            &["PFCOUNT", "s1", "s2"],
            // Not HyperLogLogs.
            &["RPUSH", "list", "a"],
            &["PFADD", "list", "a"],
            &["PFCOUNT", "list"],
            &["PFCOUNT", "h", "list"],
            &["PFMERGE", "h", "list"],
            &["PFMERGE", "list", "h"],
            &["PFDEBUG", "ENCODING", "list"],
            &["SET", "str", "hello"],
            &["PFADD", "str", "a"],
            &["PFCOUNT", "str"],
            &["PFCOUNT", "str", "h"],
            &["PFMERGE", "str", "h"],
            &["PFDEBUG", "DECODE", "str"],
            &["SET", "short", "HYLL"],
            &["PFCOUNT", "short"],
            &["SET", "int", "12345678901234567"],
            &["PFADD", "int", "a"],
            &["PFSELFTEST"],
        ]);
    }
    d.finish();
}

#[test]
fn corrupt_and_foreign_values() {
    let mut d = Diff::new();
    let with = |tail: &[u8]| {
        let mut v = HEADER_SPARSE.to_vec();
        v.extend_from_slice(tail);
        v
    };
    let cases: Vec<Vec<u8>> = vec![
        // One register short, one too many, a VAL overflow. (An XZERO cut
        // short by the end is left out: Redis then reads the bytes past
        // the string's end, what earlier updates left there.)
        with(b"\x7f\xfe"),
        with(b"\x7f\xff\x00"),
        with(b"\x7f\xfc\xff\xff"),
        with(b""),
        // A valid sparse value built by hand, with a stale cache.
        with(b"\x00\x7f\xfe"),
        // Unknown encoding; dense of the wrong length.
        b"HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff".to_vec(),
        b"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec(),
    ];
    for v in &cases {
        d.cmd(&[&b"SET"[..], b"c", v]);
        d.cmd(&["PFCOUNT", "c"]);
        d.cmd(&["PFCOUNT", "c", "nokey"]);
        d.cmd(&["PFMERGE", "m", "c"]);
        d.cmd(&["PFDEBUG", "ENCODING", "c"]);
        d.cmd(&["PFDEBUG", "DECODE", "c"]);
        for i in 0..20 {
            d.cmd(&["PFADD", "c", &format!("e{i}")]);
        }
        d.cmd(&["GET", "c"]);
        d.cmd(&["PFDEBUG", "TODENSE", "c"]);
        d.cmd(&["GET", "c"]);
        d.cmd(&["DEL", "c", "m"]);
    }
    d.finish();
    // That one on ferrodis alone: updates neither panic nor loop.
    let (f, _) = d.conns();
    f.cmd(&[&b"SET"[..], b"c", &with(b"\x7f")]);
    for i in 0..200 {
        let r = f.cmd(&["PFADD", "c", &format!("e{i}")]);
        assert!(
            matches!(r, Resp::Int(_)) || r.text_or_error().starts_with("INVALIDOBJ"),
            "{r:?}"
        );
        f.cmd(&["PFCOUNT", "c"]);
    }
    assert_eq!(f.cmd(&["PING"]).text(), "PONG");
}

/// Random adds, counts and merges with GET after each, through the move
/// to dense at several sparse limits: the bytes must be Redis's.
#[test]
fn random_growth_keeps_redis_bytes() {
    for limit in ["3000", "40", "500"] {
        let mut d = Diff::new();
        d.cmd(&["CONFIG", "SET", "hll-sparse-max-bytes", limit]);
        d.cmd(&["CONFIG", "GET", "hll-sparse-max-bytes"]);
        d.random(600, |rng| {
            let key = ["h1", "h2", "h3"][rng.gen_range(0..3)];
            let s = |x: &str| x.as_bytes().to_vec();
            match rng.gen_range(0..10) {
                0..=4 => {
                    // Element spaces of different sizes: repeats and news.
                    let space = [50u32, 2000, 1_000_000][rng.gen_range(0..3)];
                    let mut argv = vec![s("PFADD"), s(key)];
                    for _ in 0..rng.gen_range(1..40) {
                        argv.push(format!("el:{}", rng.gen_range(0..space)).into_bytes());
                    }
                    argv
                }
                5 => vec![s("GET"), s(key)],
                6 => vec![s("PFCOUNT"), s(key)],
                7 => vec![s("PFCOUNT"), s("h1"), s("h2"), s("h3")],
                8 => vec![s("PFMERGE"), s(key), s("h1"), s("h2")],
                _ => vec![s("PFDEBUG"), s("ENCODING"), s(key)],
            }
        });
        for key in ["h1", "h2", "h3"] {
            d.cmd(&["GET", key]);
            d.cmd(&["PFCOUNT", key]);
            d.cmd(&["GET", key]);
        }
        d.finish();
    }
}

/// Large cardinalities: the estimate (Ertl's, computed in Redis's order)
/// agrees to the unit.
#[test]
fn counts_agree_at_scale() {
    let mut d = Diff::new();
    let (f, r) = d.conns();
    for conn in [f, r] {
        pipeline_adds(conn, "big", 200_000);
    }
    d.cmd(&["PFCOUNT", "big"]);
    d.cmd(&["GET", "big"]);
    d.cmd(&["PFADD", "other", "x"]);
    d.cmd(&["PFCOUNT", "big", "other"]);
    d.cmd(&["PFMERGE", "both", "other", "big"]);
    d.cmd(&["GET", "both"]);
    d.finish();
}

fn pipeline_adds(c: &mut RawConn, key: &str, n: usize) {
    let mut buf = Vec::new();
    let batches = n / 100;
    for b in 0..batches {
        let mut argv = vec!["PFADD".to_string(), key.to_string()];
        argv.extend((0..100).map(|i| format!("member:{}", b * 100 + i)));
        buf.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
        for a in &argv {
            buf.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
    }
    c.send(&buf);
    for _ in 0..batches {
        c.read();
    }
}

/// PFADD, PFMERGE and the cache PFCOUNT stores reach replicas as Redis
/// sends them: a replica of ours (ferrodis or redis-server) holds the same
/// bytes.
#[test]
fn replicas_hold_the_same_bytes() {
    crate::replication::replicas_agree(
        |m| {
            for i in 0..300 {
                m.cmd(&["PFADD", "a", &format!("x{i}"), &format!("y{i}")]);
            }
            m.cmd(&["PFADD", "b", "1", "2", "3"]);
            m.cmd(&["PFCOUNT", "a"]);
            m.cmd(&["PFMERGE", "c", "a", "b"]);
            m.cmd(&["PFCOUNT", "c"]);
            m.cmd(&["MULTI"]);
            m.cmd(&["PFADD", "b", "4"]);
            m.cmd(&["PFCOUNT", "b"]);
            m.cmd(&["EXEC"]);
        },
        &[&["GET", "a"], &["GET", "b"], &["GET", "c"]],
    );
}
