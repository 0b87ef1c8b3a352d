//! Hash commands, differential against redis-server 7.0: every command,
//! option and error, RESP2 and RESP3, the listpack → hashtable conversion
//! at Redis's thresholds, randomized sequences, HRANDFIELD's distribution
//! and HSCAN's guarantee while the hash changes.

use std::collections::{HashMap, HashSet};

use rand::Rng;

use crate::common::{norm, Diff, Resp, Server};

/// A differential run that compares unordered replies as sets.
fn diff() -> Diff {
    let mut d = Diff::new();
    d.normalize(norm::unordered);
    d
}

fn diff_with(args: &[&str]) -> Diff {
    let mut d = Diff::with_args(args);
    d.normalize(norm::unordered);
    d
}

fn both_resp(d: &mut Diff, script: &[&[&str]]) {
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.cmd(&["FLUSHALL"]);
        d.script(script);
    }
}

#[test]
fn hset_hget_hmset_hsetnx() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["HSET", "h", "a", "1"],
            &["HSET", "h", "a", "2", "b", "3", "c", "4"],
            &["HSET", "h", "a", "2", "a", "5"],
            &["HGET", "h", "a"],
            &["HGET", "h", "nofield"],
            &["HGET", "nokey", "a"],
            &["HSET", "h", "x"],
            &["HSET", "h", "x", "1", "y"],
            &["HSET", "h"],
            &["HMSET", "h", "d", "6", "e", ""],
            &["HMSET", "h", "d"],
            &["HMSET", "h"],
            &["HGET", "h", "e"],
            &["HSETNX", "h", "a", "9"],
            &["HSETNX", "h", "new", "9"],
            &["HSETNX", "h2", "f", "v"],
            &["HSETNX", "h", "x"],
            &["HMGET", "h", "a", "nofield", "new", "a"],
            &["HMGET", "nokey", "a", "b"],
            &["HMGET", "h"],
            &["HGETALL", "h"],
            &["HSET", "", "", ""],
            &["HGET", "", ""],
            &["HGETALL", ""],
            &["TYPE", "h"],
        ],
    );
    d.finish();
}

#[test]
fn hdel_hlen_hstrlen_hexists() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["HSET", "h", "a", "1", "b", "22", "c", "333", "n", "-12345"],
            &["HLEN", "h"],
            &["HSTRLEN", "h", "c"],
            &["HSTRLEN", "h", "n"],
            &["HSTRLEN", "h", "nofield"],
            &["HSTRLEN", "nokey", "a"],
            &["HEXISTS", "h", "a"],
            &["HEXISTS", "h", "zz"],
            &["HEXISTS", "nokey", "a"],
            &["HDEL", "h", "a", "a", "zz"],
            &["HDEL", "h", "b"],
            &["HLEN", "h"],
            &["HDEL", "h", "c", "n", "x"],
            &["EXISTS", "h"],
            &["HLEN", "h"],
            &["HDEL", "nokey", "a"],
            &["HDEL", "h"],
            &["HLEN"],
            &["HSTRLEN", "h"],
            &["HEXISTS", "h"],
        ],
    );
    d.finish();
}

#[test]
fn hkeys_hvals_hgetall() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["HKEYS", "nokey"],
            &["HVALS", "nokey"],
            &["HGETALL", "nokey"],
            &["HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3"],
            &["HKEYS", "h"],
            &["HVALS", "h"],
            &["HGETALL", "h"],
            &["HSET", "h", "f2", "changed"],
            &["HDEL", "h", "f1"],
            &["HSET", "h", "f0", "v0"],
            &["HGETALL", "h"],
            &["HKEYS", "h", "x"],
        ],
    );
    // A listpack keeps insertion order, as Redis's does: compare exactly.
    let mut d = Diff::new();
    d.script(&[
        &["HSET", "h", "z", "1", "a", "2", "m", "3"],
        &["HSET", "h", "a", "x"],
        &["HDEL", "h", "z"],
        &["HSET", "h", "b", "4"],
        &["HGETALL", "h"],
        &["HKEYS", "h"],
        &["HVALS", "h"],
        &["HSCAN", "h", "0"],
    ]);
    d.finish();
}

#[test]
fn wrongtype() {
    let mut d = diff();
    d.cmd(&["SET", "s", "x"]);
    d.cmd(&["SADD", "set", "1"]);
    for k in ["s", "set"] {
        for c in [
            &["HSET", k, "a", "1"][..],
            &["HMSET", k, "a", "1"],
            &["HSETNX", k, "a", "1"],
            &["HGET", k, "a"],
            &["HMGET", k, "a"],
            &["HDEL", k, "a"],
            &["HLEN", k],
            &["HSTRLEN", k, "a"],
            &["HEXISTS", k, "a"],
            &["HKEYS", k],
            &["HVALS", k],
            &["HGETALL", k],
            &["HINCRBY", k, "a", "1"],
            &["HINCRBY", k, "a", "x"],
            &["HINCRBYFLOAT", k, "a", "1"],
            &["HINCRBYFLOAT", k, "a", "inf"],
            &["HINCRBYFLOAT", k, "a", "x"],
            &["HRANDFIELD", k],
            &["HRANDFIELD", k, "1"],
            &["HRANDFIELD", k, "x"],
            &["HRANDFIELD", k, "1", "x"],
            &["HSCAN", k, "0"],
            &["HSCAN", k, "x"],
            &["HSCAN", k, "0", "COUNT", "0"],
        ] {
            d.cmd(c);
        }
    }
    d.cmd(&["GET", "s"]);
    d.finish();
}

#[test]
fn hincrby() {
    let mut d = diff();
    d.script(&[
        &["HINCRBY", "h", "n", "5"],
        &["HINCRBY", "h", "n", "-7"],
        &["HGET", "h", "n"],
        &["HINCRBY", "h", "n", "x"],
        &["HINCRBY", "h", "n", "1.5"],
        &["HINCRBY", "h", "n", "01"],
        &["HINCRBY", "h", "n", " 1"],
        &["HINCRBY", "h", "n", "9223372036854775807"],
        &[
            "HSET",
            "h",
            "max",
            "9223372036854775807",
            "min",
            "-9223372036854775808",
        ],
        &["HINCRBY", "h", "max", "1"],
        &["HINCRBY", "h", "max", "0"],
        &["HINCRBY", "h", "min", "-1"],
        &["HINCRBY", "h", "min", "9223372036854775807"],
        &[
            "HSET",
            "h",
            "s",
            "abc",
            "f",
            "1.5",
            "sp",
            " 12",
            "big",
            "99999999999999999999",
        ],
        &["HINCRBY", "h", "s", "1"],
        &["HINCRBY", "h", "f", "1"],
        &["HINCRBY", "h", "sp", "1"],
        &["HINCRBY", "h", "big", "1"],
        &["HINCRBY", "h", "new", "-9223372036854775808"],
        &["HINCRBY", "h", "new", "-1"],
        &["HINCRBY", "h"],
        &["HINCRBY", "h", "a", "1", "2"],
        &["HGETALL", "h"],
        &["OBJECT", "ENCODING", "h"],
    ]);
    d.finish();
}

#[test]
fn hincrbyfloat() {
    let mut d = diff();
    d.script(&[
        &["HINCRBYFLOAT", "h", "f", "10.5"],
        &["HINCRBYFLOAT", "h", "f", "0.1"],
        &["HINCRBYFLOAT", "h", "f", "-5"],
        &["HINCRBYFLOAT", "h", "f", "1e-5"],
        &["HINCRBYFLOAT", "h", "g", "-0.0"],
        &["HINCRBYFLOAT", "h", "g", "1e-20"],
        &["HINCRBYFLOAT", "h", "g", "0x10"],
        &["HINCRBYFLOAT", "h", "g", "+1.5"],
        &["HINCRBYFLOAT", "h", "g", ".5"],
        &["HINCRBYFLOAT", "h", "g", "5."],
        &["HINCRBYFLOAT", "h", "g", " 1"],
        &["HINCRBYFLOAT", "h", "g", "1 "],
        &["HINCRBYFLOAT", "h", "g", ""],
        &["HINCRBYFLOAT", "h", "g", "x"],
        &["HINCRBYFLOAT", "h", "g", "nan"],
        &["HINCRBYFLOAT", "h", "g", "inf"],
        &["HINCRBYFLOAT", "h", "g", "-inf"],
        &["HINCRBYFLOAT", "h", "g", "1e5000"],
        &["HINCRBYFLOAT", "h", "g", "1e-5000"],
        &["HINCRBYFLOAT", "h", "g", "1e-4950"],
        &["HSET", "h", "s", "abc", "i", "17", "e", "", "inf", "inf"],
        &["HINCRBYFLOAT", "h", "s", "1"],
        &["HINCRBYFLOAT", "h", "e", "1"],
        &["HINCRBYFLOAT", "h", "i", "0.25"],
        &["HINCRBYFLOAT", "h", "inf", "1"],
        &["HINCRBYFLOAT", "h", "big", "1.18973149535723176502e+4932"],
        &["HINCRBYFLOAT", "h", "big", "1.18973149535723176502e+4932"],
        &["HSTRLEN", "h", "big"],
        &["OBJECT", "ENCODING", "h"],
        &["HINCRBYFLOAT", "h2", "f", "1e400"],
        &["OBJECT", "ENCODING", "h2"],
        &["HINCRBYFLOAT", "h3", "f", "1e60"],
        &["OBJECT", "ENCODING", "h3"],
        &["HINCRBYFLOAT", "h3", "f", "1e70"],
        &["OBJECT", "ENCODING", "h3"],
        &["HINCRBYFLOAT", "h"],
        &["HGETALL", "h"],
    ]);
    d.finish();
}

#[test]
fn hrandfield() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["HRANDFIELD", "nokey"],
            &["HRANDFIELD", "nokey", "3"],
            &["HRANDFIELD", "nokey", "-3", "WITHVALUES"],
            &["HRANDFIELD", "nokey", "1", "foo"],
            &["HRANDFIELD", "nokey", "x"],
            &["HSET", "h", "a", "1", "b", "2", "c", "3"],
            // Counts that return every field are deterministic as sets.
            &["HRANDFIELD", "h", "3"],
            &["HRANDFIELD", "h", "10"],
            &["HRANDFIELD", "h", "10", "WITHVALUES"],
            &["HRANDFIELD", "h", "3", "withvalues"],
            &["HRANDFIELD", "h", "0"],
            &["HRANDFIELD", "h", "0", "WITHVALUES"],
            &["HRANDFIELD", "h", "-9223372036854775808"],
            &["HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"],
            &["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
            &["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
            &["HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"],
            &["HRANDFIELD", "h", "9223372036854775807"],
            &["HRANDFIELD", "h", "1", "WITHVALUE"],
            &["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
            &["HRANDFIELD", "h", "x"],
            &["HRANDFIELD", "h", "1.5"],
        ],
    );
    // Replies whose content is random: compare shapes.
    let only_shape = |_: &[Vec<u8>], _: &_, r: &mut Resp| {
        r.walk_mut(&mut |v| {
            if let Resp::Bulk(Some(b)) = v {
                *b = b"*".to_vec();
            }
        })
    };
    d.normalize(only_shape);
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.cmd(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
        d.cmd(&["HRANDFIELD", "h"]);
        d.cmd(&["HRANDFIELD", "h", "2"]);
        d.cmd(&["HRANDFIELD", "h", "2", "WITHVALUES"]);
        d.cmd(&["HRANDFIELD", "h", "-5"]);
        d.cmd(&["HRANDFIELD", "h", "-5", "WITHVALUES"]);
        d.cmd(&["HRANDFIELD", "h", "-1"]);
    }
    d.finish();
}

#[test]
fn hrandfield_distribution() {
    let s = Server::start();
    let mut c = s.raw();
    for (name, n) in [("small", 10), ("big", 1000)] {
        for i in 0..n {
            c.cmd(&["HSET", name, &format!("f{i}"), &i.to_string()]);
        }
    }
    // Single picks: every field of the small hash comes up, none hogs.
    let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
    for _ in 0..2000 {
        let r = c.cmd(&["HRANDFIELD", "small"]);
        *seen.entry(r.bytes().unwrap().to_vec()).or_default() += 1;
    }
    assert_eq!(seen.len(), 10, "{seen:?}");
    assert!(seen.values().all(|&n| (80..=400).contains(&n)), "{seen:?}");
    // Positive counts are distinct; negative ones repeat and are exact.
    for name in ["small", "big"] {
        let r = c.cmd(&["HRANDFIELD", name, "5", "WITHVALUES"]);
        let items = r.items();
        assert_eq!(items.len(), 10);
        let fields: HashSet<_> = items.chunks(2).map(|p| p[0].bytes().unwrap()).collect();
        assert_eq!(fields.len(), 5);
        for p in items.chunks(2) {
            let f = String::from_utf8_lossy(p[0].bytes().unwrap()).to_string();
            assert_eq!(format!("f{}", p[1].text()), f);
        }
        let r = c.cmd(&["HRANDFIELD", name, "-3000"]);
        let items = r.items();
        assert_eq!(items.len(), 3000);
        let distinct: HashSet<_> = items.iter().map(|x| x.bytes().unwrap()).collect();
        let n = if name == "small" { 10 } else { 1000 };
        assert!(
            distinct.len() > n * 9 / 10 || distinct.len() > 900,
            "{name}: {}",
            distinct.len()
        );
    }
    // Large distinct samples of the big hash cover it evenly.
    let mut counts: HashMap<Vec<u8>, usize> = HashMap::new();
    for _ in 0..50 {
        for f in c.cmd(&["HRANDFIELD", "big", "400"]).items() {
            *counts.entry(f.bytes().unwrap().to_vec()).or_default() += 1;
        }
    }
    assert!(counts.len() > 990, "{}", counts.len());
    assert!(
        counts.values().all(|&n| n <= 45),
        "max {:?}",
        counts.values().max()
    );
}

#[test]
fn hscan() {
    let mut d = diff();
    d.script(&[
        &["HSCAN", "nokey", "0"],
        &["HSCAN", "nokey", "x"],
        &["HSCAN", "nokey", "0", "COUNT", "0"],
        &["HSCAN", "nokey", "0", "FOO"],
        &["HSET", "h", "a", "1", "b", "2", "ab", "3"],
        &["HSCAN", "h", "0"],
        &["HSCAN", "h", "0", "COUNT", "1"],
        &["HSCAN", "h", "0", "MATCH", "a*"],
        &["HSCAN", "h", "0", "MATCH", "a*", "COUNT", "100"],
        &["HSCAN", "h", "0", "match", "*"],
        &["HSCAN", "h", "0", "MATCH", "zz"],
        &["HSCAN", "h", "0", "MATCH", "a*", "MATCH", "b"],
        &["HSCAN", "h", "x"],
        &["HSCAN", "h", "-1"],
        &["HSCAN", "h", "+0"],
        &["HSCAN", "h", ""],
        &["HSCAN", "h", " 0"],
        &["HSCAN", "h", "18446744073709551615"],
        &["HSCAN", "h", "18446744073709551616"],
        &["HSCAN", "h", "0", "COUNT"],
        &["HSCAN", "h", "0", "COUNT", "0"],
        &["HSCAN", "h", "0", "COUNT", "-1"],
        &["HSCAN", "h", "0", "COUNT", "x"],
        &["HSCAN", "h", "0", "MATCH"],
        &["HSCAN", "h", "0", "TYPE", "string"],
        &["HSCAN", "h", "0", "NOVALUES"],
        &["HSCAN", "h"],
    ]);
    d.finish();
}

/// Walks HSCAN to the end, returning every field seen.
fn hscan_all(c: &mut crate::common::RawConn, key: &str, count: &str) -> Vec<Vec<u8>> {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    loop {
        let r = c.cmd(&["HSCAN", key, &cursor, "COUNT", count]);
        let items = r.items();
        cursor = items[0].text();
        for p in items[1].items().chunks(2) {
            out.push(p[0].bytes().unwrap().to_vec());
        }
        if cursor == "0" {
            return out;
        }
    }
}

#[test]
fn hscan_walks_a_big_hash() {
    let s = Server::start();
    let mut c = s.raw();
    for i in 0..3000 {
        c.cmd(&["HSET", "h", &format!("f{i}"), "v"]);
    }
    let all = hscan_all(&mut c, "h", "37");
    let set: HashSet<_> = all.iter().cloned().collect();
    assert_eq!(set.len(), 3000);
    // MATCH filters fields, values come along.
    let r = c.cmd(&["HSCAN", "h", "0", "MATCH", "f1*", "COUNT", "100000"]);
    let items = r.items();
    assert_eq!(items[0].text(), "0");
    assert_eq!(items[1].items().len(), 2 * 1111);
}

#[test]
fn hscan_guarantee_while_growing_and_shrinking() {
    let s = Server::start();
    let mut c = s.raw();
    let mut w = s.raw();
    for i in 0..1000 {
        c.cmd(&["HSET", "h", &format!("stable{i}"), "v"]);
    }
    for i in 0..500 {
        c.cmd(&["HSET", "h", &format!("gone{i}"), "v"]);
    }
    let mut rng = rand::thread_rng();
    let mut cursor = "0".to_string();
    let mut seen = HashSet::new();
    let mut step = 0;
    loop {
        let r = c.cmd(&["HSCAN", "h", &cursor, "COUNT", "20"]);
        let items = r.items();
        cursor = items[0].text();
        for p in items[1].items().chunks(2) {
            seen.insert(p[0].text());
        }
        // Between calls: delete some volatile fields, add new ones.
        for _ in 0..5 {
            w.cmd(&["HDEL", "h", &format!("gone{}", rng.gen_range(0..500))]);
            w.cmd(&["HSET", "h", &format!("new{step}"), "v"]);
            step += 1;
        }
        if cursor == "0" {
            break;
        }
    }
    for i in 0..1000 {
        assert!(seen.contains(&format!("stable{i}")), "missed stable{i}");
    }
}

#[test]
fn encoding_thresholds() {
    let mut d = diff();
    let v64 = "v".repeat(64);
    let v65 = "v".repeat(65);
    d.cmd(&["CONFIG", "GET", "hash-max-listpack-entries"]);
    d.cmd(&["CONFIG", "GET", "hash-max-listpack-value"]);
    d.cmd(&["CONFIG", "GET", "hash-max-ziplist-*"]);
    // Value and field lengths.
    d.cmd(&["HSET", "v", "f", &v64]);
    d.cmd(&["OBJECT", "ENCODING", "v"]);
    d.cmd(&["HSET", "v", "f", &v65]);
    d.cmd(&["OBJECT", "ENCODING", "v"]);
    d.cmd(&["HSET", "v", "f", "short"]);
    d.cmd(&["OBJECT", "ENCODING", "v"]);
    d.cmd(&["HSET", "k", &v65, "1"]);
    d.cmd(&["OBJECT", "ENCODING", "k"]);
    d.cmd(&["HSETNX", "n", "a", &v65]);
    d.cmd(&["OBJECT", "ENCODING", "n"]);
    d.cmd(&["HSET", "n2", "a", "1"]);
    d.cmd(&["HSETNX", "n2", "a", &v65]);
    d.cmd(&["OBJECT", "ENCODING", "n2"]);
    d.cmd(&["HINCRBY", "i", &v65, "1"]);
    d.cmd(&["OBJECT", "ENCODING", "i"]);
    d.cmd(&["HSET", "m", "a", "1", "b", &v65]);
    d.cmd(&["OBJECT", "ENCODING", "m"]);
    // Entries: 512 by default.
    let mut args = vec!["HSET".to_string(), "e".to_string()];
    for i in 0..512 {
        args.push(format!("f{i}"));
        args.push(i.to_string());
    }
    d.cmd(&args);
    d.cmd(&["OBJECT", "ENCODING", "e"]);
    d.cmd(&["HSET", "e", "f0", "x"]);
    d.cmd(&["OBJECT", "ENCODING", "e"]);
    d.cmd(&["HSET", "e", "f512", "x"]);
    d.cmd(&["OBJECT", "ENCODING", "e"]);
    // One way: shrinking does not convert back.
    for i in 0..510 {
        d.cmd(&["HDEL", "e", &format!("f{i}")]);
    }
    d.cmd(&["OBJECT", "ENCODING", "e"]);
    d.cmd(&["HLEN", "e"]);
    d.cmd(&["HGETALL", "e"]);
    // Runtime changes, through the old names too.
    d.cmd(&["CONFIG", "SET", "hash-max-ziplist-entries", "2"]);
    d.cmd(&["CONFIG", "GET", "hash-max-listpack-entries"]);
    d.cmd(&["HSET", "c", "a", "1", "b", "2"]);
    d.cmd(&["OBJECT", "ENCODING", "c"]);
    d.cmd(&["HSET", "c", "c", "3"]);
    d.cmd(&["OBJECT", "ENCODING", "c"]);
    d.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "0"]);
    d.cmd(&["HSET", "z", "a", "1"]);
    d.cmd(&["OBJECT", "ENCODING", "z"]);
    d.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "128"]);
    d.cmd(&["CONFIG", "SET", "hash-max-ziplist-value", "3"]);
    d.cmd(&["CONFIG", "GET", "hash-max-listpack-value"]);
    d.cmd(&["HSET", "w", "abc", "abc"]);
    d.cmd(&["OBJECT", "ENCODING", "w"]);
    d.cmd(&["HSET", "w", "abcd", "1"]);
    d.cmd(&["OBJECT", "ENCODING", "w"]);
    d.cmd(&["CONFIG", "SET", "hash-max-listpack-value", "1k"]);
    d.cmd(&["CONFIG", "GET", "hash-max-listpack-value"]);
    d.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "-1"]);
    d.cmd(&["CONFIG", "SET", "hash-max-listpack-entries", "x"]);
    d.finish();
    // The same thresholds from the command line.
    let mut d = diff_with(&[
        "--hash-max-listpack-entries",
        "4",
        "--hash-max-ziplist-value",
        "8",
    ]);
    d.script(&[
        &["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
        &["OBJECT", "ENCODING", "h"],
        &["HSET", "h", "e", "5"],
        &["OBJECT", "ENCODING", "h"],
        &["HSET", "g", "a", "12345678"],
        &["OBJECT", "ENCODING", "g"],
        &["HSET", "g", "a", "123456789"],
        &["OBJECT", "ENCODING", "g"],
        &["CONFIG", "GET", "hash-max-*"],
    ]);
    d.finish();
}

fn field(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..30) {
        0 => "F".repeat(70),
        1 => String::new(),
        n => format!("f{}", n % 14),
    }
}

fn value(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..12) {
        0 => "V".repeat(rng.gen_range(60..70)),
        1 => "abc".into(),
        2 => format!("{}.{}", rng.gen_range(-100..100), rng.gen_range(0..100)),
        _ => rng.gen_range(-1000..1000).to_string(),
    }
}

fn random_hash_command(rng: &mut impl Rng) -> Vec<Vec<u8>> {
    let key = format!("h{}", rng.gen_range(0..3));
    let mut a: Vec<String> = match rng.gen_range(0..22) {
        0..=3 => {
            let mut a = vec!["HSET".into(), key];
            for _ in 0..rng.gen_range(1..4) {
                a.push(field(rng));
                a.push(value(rng));
            }
            a
        }
        4 => vec!["HSETNX".into(), key, field(rng), value(rng)],
        5 => vec!["HMSET".into(), key, field(rng), value(rng)],
        6 => vec!["HGET".into(), key, field(rng)],
        7 => vec!["HMGET".into(), key, field(rng), field(rng)],
        8..=9 => {
            let mut a = vec!["HDEL".into(), key];
            for _ in 0..rng.gen_range(1..4) {
                a.push(field(rng));
            }
            a
        }
        10 => vec!["HLEN".into(), key],
        11 => vec!["HSTRLEN".into(), key, field(rng)],
        12 => vec!["HEXISTS".into(), key, field(rng)],
        13 => vec![
            "HINCRBY".into(),
            key,
            field(rng),
            rng.gen_range(-50..50).to_string(),
        ],
        14 => vec![
            "HINCRBYFLOAT".into(),
            key,
            field(rng),
            format!("{:.3}", rng.gen_range(-10.0..10.0)),
        ],
        15 => vec!["HGETALL".into(), key],
        16 => vec!["HKEYS".into(), key],
        17 => vec!["HVALS".into(), key],
        18 => vec!["OBJECT".into(), "ENCODING".into(), key],
        19 => vec!["HRANDFIELD".into(), key, "100".into(), "WITHVALUES".into()],
        20 => vec![
            "HSCAN".into(),
            key,
            "0".into(),
            "COUNT".into(),
            "1000".into(),
        ],
        _ => vec!["DEL".into(), key],
    };
    if rng.gen_range(0..200) == 0 {
        a = vec!["SET".into(), "h0".into(), "str".into()];
    }
    a.into_iter().map(String::into_bytes).collect()
}

#[test]
fn random_hash_sequences() {
    // Default thresholds, then small ones so conversions happen often.
    for args in [&[][..], &["--hash-max-listpack-entries", "6"][..]] {
        let mut d = diff_with(args);
        d.random(1500, random_hash_command);
        for k in ["h0", "h1", "h2"] {
            d.cmd(&["HGETALL", k]);
            d.cmd(&["OBJECT", "ENCODING", k]);
        }
        d.finish();
    }
}
