//! Generic keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN,
//! RANDOMKEY, RENAME(NX), COPY, MOVE, OBJECT, the EXPIRE and TTL families
//! and PERSIST. Differential against redis-server 7.0 wherever replies are
//! deterministic (sorted where only the order differs, TTLs compared with
//! a tolerance); SCAN's guarantee under concurrent changes is checked on
//! ferrodis alone.

use std::collections::{BTreeSet, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::seq::SliceRandom;
use rand::Rng;

use crate::common::diff::Side;
use crate::common::{ferrodis_only, python, Diff, RawConn, Resp, Server};

fn upper(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_uppercase()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Sorts the KEYS reply, and SCAN's key list (its cursor must be "0" on
/// both sides for the comparison to mean anything, so only use it on
/// scans that finish in one call).
fn sort_keys(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    let name = argv.first().map(|a| upper(a)).unwrap_or_default();
    let list = match (name.as_str(), &mut *r) {
        ("KEYS", Resp::Array(Some(items))) => items,
        ("SCAN", Resp::Array(Some(items))) if items.len() == 2 => match &mut items[1] {
            Resp::Array(Some(keys)) => keys,
            _ => return,
        },
        _ => return,
    };
    list.sort_by(|a, b| a.bytes().cmp(&b.bytes()));
}

/// TTL-family replies compared with a tolerance: a positive value becomes
/// its distance from now, rounded to 100 s (or 100 000 ms). Tests use
/// TTLs that are multiples of 1000 s, far from the rounding edges.
fn ttl_tolerant(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    let name = argv.first().map(|a| upper(a)).unwrap_or_default();
    let (ms, absolute) = match name.as_str() {
        "TTL" => (false, false),
        "PTTL" => (true, false),
        "EXPIRETIME" => (false, true),
        "PEXPIRETIME" => (true, true),
        _ => return,
    };
    if let Resp::Int(v) = r {
        if *v > 0 {
            let unit = if ms { 1 } else { 1000 };
            let rel = if absolute { *v - now_ms() / unit } else { *v };
            let step = 100_000 / unit;
            *v = 1_000_000_000_000 + (rel + step / 2).div_euclid(step) * step;
        }
    }
}

#[test]
fn del_unlink_exists_touch() {
    let mut d = Diff::new();
    d.script(&[
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["SET", "c", "3"],
        &["EXISTS", "a", "a", "b", "nokey", "c"],
        &["TOUCH", "a", "a", "nokey"],
        &["TOUCH", "nokey"],
        &["TOUCH"],
        &["UNLINK", "a", "a", "nokey"],
        &["UNLINK"],
        &["EXISTS", "a"],
        &["DEL", "b", "c", "b"],
        &["DBSIZE"],
        &["SET", "gone", "v", "PX", "1"],
    ]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    d.script(&[
        &["EXISTS", "gone"],
        &["TOUCH", "gone"],
        &["DEL", "gone"],
        &["UNLINK", "gone"],
    ]);
    d.finish();
}

#[test]
fn type_and_object() {
    let mut d = Diff::new();
    let long = "x".repeat(45);
    let emb = "y".repeat(44);
    d.expect(&["TYPE", "nokey"], b"+none\r\n");
    d.script(&[
        &["SET", "int", "123"],
        &["SET", "big", "99999"],
        &["SET", "neg", "-5"],
        &["SET", "emb", &emb],
        &["SET", "raw", &long],
        &["SET", "z", "0123"],
        &["TYPE", "int"],
        &["TYPE"],
        &["TYPE", "a", "b"],
        &["OBJECT", "ENCODING", "int"],
        &["object", "encoding", "emb"],
        &["OBJECT", "ENCODING", "raw"],
        &["OBJECT", "ENCODING", "z"],
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "REFCOUNT", "int"],
        &["OBJECT", "REFCOUNT", "big"],
        &["OBJECT", "REFCOUNT", "neg"],
        &["OBJECT", "REFCOUNT", "emb"],
        &["OBJECT", "REFCOUNT", "nokey"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["OBJECT", "IDLETIME", "int"],
        &["OBJECT", "FREQ", "int"],
        &["OBJECT", "FREQ", "nokey"],
        &["OBJECT", "help", "x"],
        &["OBJECT"],
        &["OBJECT", "ENCODING"],
        &["OBJECT", "ENCODING", "a", "b"],
        &["OBJECT", "NOSUCH", "a"],
        &["OBJECT", "NOSUCH"],
        // Copies of shared integers are private objects in Redis; renamed
        // and moved keys keep their object.
        &["RENAME", "int", "int2"],
        &["OBJECT", "REFCOUNT", "int2"],
        &["OBJECT", "ENCODING", "int2"],
        &["COPY", "raw", "raw2"],
        &["OBJECT", "ENCODING", "raw2"],
        &["COPY", "emb", "emb2"],
        &["OBJECT", "ENCODING", "emb2"],
        // LFU: FREQ works, IDLETIME is refused.
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
        &["SET", "s", "hello"],
        &["OBJECT", "FREQ", "s"],
        &["OBJECT", "FREQ", "nokey"],
        &["OBJECT", "IDLETIME", "s"],
        &["OBJECT", "IDLETIME", "nokey"],
        // With maxmemory and an LRU/LFU policy, small integers are not shared.
        &["CONFIG", "SET", "maxmemory", "100mb"],
        &["SET", "i2", "5"],
        &["OBJECT", "REFCOUNT", "i2"],
        &["CONFIG", "SET", "maxmemory-policy", "noeviction"],
        &["SET", "i3", "5"],
        &["OBJECT", "REFCOUNT", "i3"],
        &["OBJECT", "IDLETIME", "i3"],
        &["CONFIG", "SET", "maxmemory", "0"],
    ]);
    d.finish();
}

const TRICKY_KEYS: &[&str] = &[
    "",
    "a",
    "b",
    "ab",
    "abc",
    "aXc",
    "a*c",
    "a?c",
    "a[c",
    "a]c",
    "a\\c",
    "a-c",
    "a^c",
    "-",
    "]",
    "[",
    "\\",
    "*",
    "?",
    "^",
    "hello",
    "hallo",
    "hxllo",
    "hllo",
    "heeeello",
    "h[llo",
    "foo:1",
    "foo:22",
    "foo:bar:3",
    "ABC",
    "aBc",
    "_",
    "a\\",
];

const TRICKY_PATTERNS: &[&str] = &[
    "*",
    "**",
    "",
    "?",
    "??",
    "???",
    "a*",
    "*c",
    "a*c",
    "a?c",
    "h?llo",
    "h*llo",
    "h[ae]llo",
    "h[^e]llo",
    "h[a-b]llo",
    "h[b-a]llo",
    "a\\*c",
    "a\\?c",
    "a\\[c",
    "a\\\\c",
    "a[\\]]c",
    "a[\\-]c",
    "a[-]c",
    "a[a-]c",
    "a[]c",
    "a[]]c",
    "a[^]c",
    "[",
    "[^",
    "a[",
    "a[^",
    "a[c",
    "\\",
    "a\\",
    "[*]",
    "[?]",
    "[\\\\]",
    "[\\]",
    "[]",
    "[^]",
    "foo:*",
    "foo:?",
    "foo:*:*",
    "*:*",
    "[a-c]*",
    "[A-C]*",
    "[^a]*",
    "*[",
    "a[b-",
    "a[b-c",
    "[z-a]?c",
    "*\\",
    "\\*",
    "a[x-z",
    "[-a]*",
    "[a-]",
    "*a*b*c*",
    "[[]",
    "[]]",
    "[!a]*",
];

#[test]
fn keys_with_tricky_patterns() {
    let mut d = Diff::new();
    d.normalize(sort_keys);
    for k in TRICKY_KEYS {
        d.cmd(&["SET", k, "v"]);
    }
    for p in TRICKY_PATTERNS {
        d.cmd(&["KEYS", p]);
        d.cmd(&["SCAN", "0", "MATCH", p, "COUNT", "1000"]);
    }
    d.cmd(&["KEYS"]);
    d.cmd(&["KEYS", "a", "b"]);
    d.finish();
}

#[test]
fn keys_random_globs_match_redis() {
    let mut d = Diff::new();
    d.normalize(sort_keys);
    let alphabet = b"ab*?[]^-\\";
    let mut rng = rand::thread_rng();
    let mut keys = BTreeSet::new();
    while keys.len() < 200 {
        let n = rng.gen_range(1..6);
        let k: Vec<u8> = (0..n)
            .map(|_| *alphabet.choose(&mut rng).unwrap_or(&b'a'))
            .collect();
        keys.insert(k);
    }
    keys.insert(Vec::new());
    for k in &keys {
        d.cmd(&[&b"SET"[..], k, b"v"]);
    }
    d.random(500, |rng| {
        let n = rng.gen_range(0..9);
        let p: Vec<u8> = (0..n)
            .map(|_| *alphabet.choose(rng).unwrap_or(&b'a'))
            .collect();
        vec![b"KEYS".to_vec(), p]
    });
    d.finish();
}

#[test]
fn keys_skip_expired_and_other_dbs() {
    let mut d = Diff::new();
    d.normalize(sort_keys);
    d.script(&[
        &["SET", "live", "1"],
        &["SET", "dying", "1", "PX", "1"],
        &["SELECT", "1"],
        &["SET", "other", "1"],
        &["SELECT", "0"],
    ]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    d.script(&[&["KEYS", "*"], &["SCAN", "0", "COUNT", "100"]]);
    d.finish();
}

#[test]
fn scan_errors_and_options() {
    let mut d = Diff::new();
    d.normalize(sort_keys);
    d.script(&[
        &["SCAN"],
        &["SCAN", "abc"],
        &["SCAN", " 1"],
        &["SCAN", "1 "],
        &["SCAN", "0x1"],
        &["SCAN", "+"],
        &["SCAN", "-"],
        &["SCAN", "1.5"],
        &["SCAN", "18446744073709551616"],
        &["SCAN", "abc", "COUNT", "0"],
        &["SCAN", "0", "COUNT", "0"],
        &["SCAN", "0", "COUNT", "-1"],
        &["SCAN", "0", "COUNT", "abc"],
        &["SCAN", "0", "COUNT", "1.0"],
        &["SCAN", "0", "COUNT"],
        &["SCAN", "0", "MATCH"],
        &["SCAN", "0", "TYPE"],
        &["SCAN", "0", "FOO", "bar"],
        &["SCAN", "0", "COUNT", "5", "COUNT", "0"],
        &["SCAN", "0", "MATCH", "*", "COUNT", "10", "extra"],
        // An empty database: every valid cursor form gives "0" and nothing.
        &["SCAN", "0"],
        &["SCAN", ""],
        &["SCAN", "+0"],
        &["SCAN", "-0"],
        &["SCAN", "000"],
    ]);
    for i in 0..30 {
        d.cmd(&["SET", &format!("key:{i}"), "v"]);
    }
    d.script(&[
        &["SET", "other", "v"],
        &["SCAN", "0", "COUNT", "1000"],
        &["SCAN", "0", "MATCH", "key:1*", "COUNT", "1000"],
        &["SCAN", "0", "match", "*", "count", "1000"],
        &["SCAN", "0", "TYPE", "string", "COUNT", "1000"],
        &["SCAN", "0", "TYPE", "STRING", "COUNT", "1000"],
        &["SCAN", "0", "TYPE", "list", "COUNT", "1000"],
        &["SCAN", "0", "TYPE", "nosuchtype", "COUNT", "1000"],
        &[
            "SCAN", "0", "MATCH", "nomatch", "MATCH", "other", "COUNT", "1000",
        ],
    ]);
    d.finish();
}

/// Runs a full SCAN with the given options and returns the keys seen.
fn full_scan(c: &mut RawConn, opts: &[&str]) -> Vec<Vec<u8>> {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    for _ in 0..100_000 {
        let mut argv = vec!["SCAN", cursor.as_str()];
        argv.extend_from_slice(opts);
        let r = c.cmd(&argv);
        let items = r.items();
        assert_eq!(items.len(), 2, "SCAN reply {r:?}");
        let next = items[0].text();
        for k in items[1].items() {
            out.push(k.bytes().unwrap_or_default().to_vec());
        }
        if next == "0" {
            return out;
        }
        cursor = next;
    }
    panic!("SCAN did not finish");
}

#[test]
fn full_scans_return_what_redis_returns() {
    let d = Diff::new();
    let (mut f, mut r) = d.new_conns();
    for c in [&mut f, &mut r] {
        for i in 0..500 {
            c.cmd(&["SET", &format!("user:{i}"), "v"]);
        }
        for i in 0..50 {
            c.cmd(&["SET", &format!("other:{i}"), "v"]);
        }
    }
    for opts in [
        &[][..],
        &["COUNT", "1"],
        &["COUNT", "7"],
        &["COUNT", "100000"],
        &["MATCH", "user:1*"],
        &["MATCH", "other:*", "COUNT", "3"],
        &["TYPE", "string", "COUNT", "20"],
        &["TYPE", "hash"],
    ] {
        let fk: BTreeSet<_> = full_scan(&mut f, opts).into_iter().collect();
        let rk: BTreeSet<_> = full_scan(&mut r, opts).into_iter().collect();
        assert_eq!(fk, rk, "SCAN {opts:?}");
    }
}

#[test]
fn scan_returns_every_stable_key_despite_changes() {
    if ferrodis_only("scan_returns_every_stable_key_despite_changes") {
        return;
    }
    let s = Server::start();
    let mut c = s.raw();
    let mut w = s.raw();
    let stable: Vec<String> = (0..2000).map(|i| format!("stable:{i}")).collect();
    for k in &stable {
        c.cmd(&["SET", k, "v"]);
    }
    for i in 0..500 {
        c.cmd(&["SET", &format!("churn:{i}"), "v"]);
    }
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut step = 0u32;
    loop {
        let r = c.cmd(&["SCAN", &cursor, "COUNT", "10"]);
        let items = r.items();
        for k in items[1].items() {
            seen.insert(k.text());
        }
        // Between calls, another client deletes and adds keys.
        w.cmd(&["DEL", &format!("churn:{}", step % 500)]);
        w.cmd(&["SET", &format!("new:{step}"), "v"]);
        w.cmd(&["SET", &format!("churn:{}", (step * 7) % 500), "v"]);
        step += 1;
        cursor = items[0].text();
        if cursor == "0" {
            break;
        }
        assert!(step < 100_000, "SCAN did not finish");
    }
    let missed: Vec<&String> = stable.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missed.is_empty(),
        "SCAN missed {} keys: {:?}",
        missed.len(),
        &missed[..missed.len().min(10)]
    );
    // Made-up cursors are accepted and the walk still ends.
    for cur in ["1", "17", "123456789", "18446744073709551615", "-1"] {
        let r = c.cmd(&["SCAN", cur, "COUNT", "100000"]);
        assert_eq!(r.items()[0].text(), "0", "SCAN {cur}");
    }
}

#[test]
fn randomkey() {
    let mut d = Diff::new();
    d.expect(&["RANDOMKEY"], b"$-1\r\n");
    d.cmd(&["RANDOMKEY", "x"]);
    d.cmd(&["SET", "only", "v"]);
    d.expect(&["RANDOMKEY"], b"$4\r\nonly\r\n");
    d.cmd(&["SET", "dying", "v", "PX", "1"]);
    d.cmd(&["DEL", "only"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    d.cmd(&["RANDOMKEY"]);
    d.finish();
    // Every key comes up sooner or later.
    let s = Server::start();
    let mut c = s.raw();
    for i in 0..20 {
        c.cmd(&["SET", &format!("k{i}"), "v"]);
    }
    let mut seen = HashSet::new();
    for _ in 0..2000 {
        seen.insert(c.cmd(&["RANDOMKEY"]).text());
    }
    assert_eq!(seen.len(), 20, "{seen:?}");
}

#[test]
fn rename_and_renamenx() {
    let mut d = Diff::new();
    d.normalize(ttl_tolerant);
    d.script(&[
        &["RENAME", "nokey", "b"],
        &["RENAMENX", "nokey", "b"],
        &["RENAME", "nokey", "nokey"],
        &["SET", "a", "1"],
        &["RENAME", "a", "a"],
        &["RENAMENX", "a", "a"],
        &["RENAME", "a", "b"],
        &["EXISTS", "a"],
        &["GET", "b"],
        &["SET", "c", "3"],
        &["RENAMENX", "b", "c"],
        &["GET", "c"],
        &["RENAME", "b", "c"],
        &["GET", "c"],
        &["EXISTS", "b"],
        &["EXPIRE", "c", "1000"],
        &["RENAME", "c", "d"],
        &["TTL", "d"],
        &["SET", "e", "5"],
        &["RENAMENX", "d", "f"],
        &["TTL", "f"],
        &["SET", "g", "x", "EX", "2000"],
        // The target's TTL goes with the target.
        &["RENAME", "e", "g"],
        &["TTL", "g"],
        &["RENAME", "a"],
        &["RENAME", "a", "b", "c"],
        &["RENAMENX", "a"],
    ]);
    d.finish();
}

#[test]
fn copy_and_move() {
    let mut d = Diff::new();
    d.normalize(ttl_tolerant);
    d.script(&[
        &["SET", "a", "hello"],
        &["COPY", "a", "a"],
        &["COPY", "a", "a", "DB", "0"],
        &["COPY", "nokey", "nokey"],
        &["COPY", "a", "b", "DB", "x"],
        &["COPY", "a", "b", "DB", "99999999999"],
        &["COPY", "a", "b", "DB", "16"],
        &["COPY", "a", "b", "DB", "-1"],
        &["COPY", "a", "b", "DB"],
        &["COPY", "a", "b", "foo"],
        &["COPY", "a", "a", "foo"],
        &["COPY", "a", "b", "REPLACE", "DB"],
        &["COPY", "nokey", "b"],
        &["COPY", "a", "b"],
        &["GET", "b"],
        &["SET", "b", "other"],
        &["COPY", "a", "b"],
        &["GET", "b"],
        &["COPY", "a", "b", "replace", "REPLACE"],
        &["GET", "b"],
        &["EXPIRE", "a", "1000"],
        &["COPY", "a", "c"],
        &["TTL", "c"],
        &["COPY", "a", "a", "DB", "1"],
        &["COPY", "a", "x", "DB", "2", "DB", "1"],
        &["SELECT", "1"],
        &["GET", "a"],
        &["TTL", "a"],
        &["GET", "x"],
        &["SELECT", "0"],
        &["COPY", "a", "a", "DB", "1"],
        &["COPY", "a", "a", "DB", "1", "REPLACE"],
        &["COPY"],
        &["COPY", "a"],
        // MOVE
        &["MOVE", "a", "0"],
        &["MOVE", "nokey", "0"],
        &["MOVE", "a", "x"],
        &["MOVE", "a", "16"],
        &["MOVE", "a", "-1"],
        &["MOVE", "a", "99999999999"],
        &["MOVE", "nokey", "1"],
        &["MOVE", "a", "1"],
        &["SET", "m", "v", "EX", "3000"],
        &["MOVE", "m", "2"],
        &["EXISTS", "m"],
        &["SELECT", "2"],
        &["GET", "m"],
        &["TTL", "m"],
        &["SET", "clash", "2"],
        &["SELECT", "0"],
        &["SET", "clash", "0"],
        &["MOVE", "clash", "2"],
        &["GET", "clash"],
        &["MOVE", "clash"],
        &["MOVE", "clash", "1", "2"],
        &["DBSIZE"],
    ]);
    d.finish();
}

#[test]
fn copy_and_move_with_databases_directive() {
    let mut d = Diff::with_args(&["--databases", "4"]);
    d.script(&[
        &["SET", "a", "1"],
        &["MOVE", "a", "4"],
        &["MOVE", "a", "3"],
        &["SELECT", "3"],
        &["COPY", "a", "b", "DB", "4"],
        &["COPY", "a", "b", "DB", "0"],
        &["SELECT", "0"],
        &["GET", "b"],
    ]);
    d.finish();
}

#[test]
fn expire_family_options_and_errors() {
    let mut d = Diff::new();
    d.normalize(ttl_tolerant);
    let future_s = (now_ms() / 1000 + 5000).to_string();
    let future_ms = (now_ms() + 6_000_000).to_string();
    d.script(&[
        &["EXPIRE", "nokey", "100"],
        &["EXPIRE", "nokey", "abc"],
        &["EXPIRE", "nokey", "10", "foo"],
        &["SET", "a", "1"],
        &["EXPIRE", "a", "abc"],
        &["EXPIRE", "a", "1.5"],
        &["EXPIRE", "a", "10", "nx", "gt", "foo"],
        &["EXPIRE", "a", "10", "foo", "nx", "gt"],
        &["EXPIRE", "a", "abc", "foo"],
        &["EXPIRE", "a", "abc", "NX", "XX"],
        &["EXPIRE", "a", "10", "NX", "XX"],
        &["EXPIRE", "a", "10", "NX", "GT"],
        &["EXPIRE", "a", "10", "NX", "LT"],
        &["EXPIRE", "a", "10", "GT", "LT"],
        &["EXPIRE", "a", "10", "XX", "GT", "LT"],
        &["EXPIRE", "a", "10", "NX", "NX"],
        &["EXPIRE", "a", "9223372036854775807"],
        &["EXPIRE", "a", "9223372036854775"],
        &["EXPIRE", "a", "9223372036854776"],
        &["EXPIRE", "a", "-9223372036854776"],
        &["PEXPIRE", "a", "9223372036854775807"],
        &["EXPIREAT", "a", "9223372036854776"],
        &["PEXPIREAT", "a", "9223372036854775807"],
        &["PERSIST", "a"],
        &["EXPIREAT", "a", "-9223372036854775"],
        &["EXISTS", "a"],
        &["PEXPIREAT", "a", "-9223372036854775808"],
        &["SET", "a", "1"],
        // Conditions against a key without TTL.
        &["EXPIRE", "a", "1000", "XX"],
        &["EXPIRE", "a", "1000", "GT"],
        &["TTL", "a"],
        &["EXPIRE", "a", "1000", "LT"],
        &["TTL", "a"],
        &["EXPIRE", "a", "2000", "NX"],
        &["EXPIRE", "a", "2000", "xx"],
        &["TTL", "a"],
        &["EXPIRE", "a", "1000", "GT"],
        &["EXPIRE", "a", "3000", "gt"],
        &["TTL", "a"],
        &["EXPIRE", "a", "4000", "LT"],
        &["EXPIRE", "a", "1000", "lt"],
        &["TTL", "a"],
        // 1001, not 1000: with 1000 the reply depends on whether this runs
        // in the same millisecond as the EXPIRE above (equal is not GT).
        &["EXPIRE", "a", "1001", "XX", "GT"],
        &["EXPIRE", "a", "1000", "XX", "LT"],
        &["PEXPIRE", "a", "2000000"],
        &["PTTL", "a"],
        &["PEXPIRE", "a", "1000000", "GT"],
        &["EXPIREAT", "a", &future_s],
        &["EXPIRETIME", "a"],
        &["TTL", "a"],
        &["PEXPIREAT", "a", &future_ms],
        &["PEXPIRETIME", "a"],
        &["EXPIRETIME", "a"],
        &["PTTL", "a"],
        &["EXPIREAT", "a", "4000000000"],
        &["PERSIST", "a"],
        &["PERSIST", "a"],
        &["PERSIST", "nokey"],
        &["TTL", "a"],
        &["PTTL", "a"],
        &["EXPIRETIME", "a"],
        &["PEXPIRETIME", "a"],
        &["TTL", "nokey"],
        &["PTTL", "nokey"],
        &["EXPIRETIME", "nokey"],
        &["PEXPIRETIME", "nokey"],
        // Times not in the future delete the key and still reply 1.
        &["EXPIRE", "a", "0"],
        &["EXISTS", "a"],
        &["SET", "a", "1"],
        &["EXPIRE", "a", "-10", "LT"],
        &["EXISTS", "a"],
        &["SET", "a", "1"],
        &["PEXPIRE", "a", "-1", "GT"],
        &["EXISTS", "a"],
        &["EXPIREAT", "a", "1"],
        &["SET", "a", "1"],
        &["PEXPIREAT", "a", "0"],
        &["EXISTS", "a"],
        &["SET", "a", "1"],
        &["EXPIREAT", "a", "100", "NX"],
        &["EXISTS", "a"],
        // Arity.
        &["EXPIRE", "a"],
        &["PEXPIREAT"],
        &["TTL"],
        &["TTL", "a", "b"],
        &["PERSIST"],
        &["EXPIRETIME", "a", "b"],
    ]);
    d.finish();
}

#[test]
fn short_ttls_expire() {
    let mut d = Diff::new();
    d.script(&[
        &["SET", "a", "1"],
        &["PEXPIRE", "a", "30"],
        &["SET", "b", "1"],
        &["PEXPIREAT", "b", &(now_ms() + 30).to_string()],
    ]);
    std::thread::sleep(std::time::Duration::from_millis(80));
    d.script(&[
        &["TTL", "a"],
        &["EXISTS", "a", "b"],
        &["PERSIST", "b"],
        &["EXPIRE", "a", "100"],
    ]);
    d.finish();
}

/// A random sequence over a small key space and two databases.
#[test]
fn randomized_keyspace_sequence() {
    let mut d = Diff::new();
    d.normalize(ttl_tolerant);
    d.normalize(sort_keys);
    let keys = ["k0", "k1", "k2", "k3", "k4", "k5"];
    let base_s = now_ms() / 1000;
    // Relative TTLs are all distinct, 100 s apart at least: two relative
    // expires of one nominal value compare equal or not (GT, LT) depending
    // on whether a millisecond ticked between them, on each server apart.
    // Absolute ones sit 50 s off that grid for the same reason.
    let mut step = 0u64;
    d.random(3000, move |rng| {
        let k = |rng: &mut rand::rngs::StdRng| keys[rng.gen_range(0..keys.len())].to_string();
        step += 1;
        let ttl = (rng.gen_range(1..=9) * 1_000_000 + step * 100).to_string();
        let cond = ["", "NX", "XX", "GT", "LT"][rng.gen_range(0..5)];
        let mut argv: Vec<String> = match rng.gen_range(0..24) {
            0..=3 => vec!["SET".into(), k(rng), rng.gen_range(0..20).to_string()],
            4 => vec!["SET".into(), k(rng), "v".into(), "EX".into(), ttl],
            5 => vec!["DEL".into(), k(rng), k(rng)],
            6 => vec!["EXISTS".into(), k(rng), k(rng), k(rng)],
            7 => vec!["RENAME".into(), k(rng), k(rng)],
            8 => vec!["RENAMENX".into(), k(rng), k(rng)],
            9 => {
                let mut v = vec!["COPY".into(), k(rng), k(rng)];
                if rng.gen_bool(0.5) {
                    v.extend(["DB".into(), rng.gen_range(0..2).to_string()]);
                }
                if rng.gen_bool(0.5) {
                    v.push("REPLACE".into());
                }
                v
            }
            10 => vec!["MOVE".into(), k(rng), rng.gen_range(0..2).to_string()],
            11 => vec!["EXPIRE".into(), k(rng), ttl, cond.into()],
            12 => vec!["PEXPIRE".into(), k(rng), format!("{ttl}000"), cond.into()],
            13 => vec![
                "EXPIREAT".into(),
                k(rng),
                (base_s + rng.gen_range(1..=9) * 1_000_000 + 50).to_string(),
                cond.into(),
            ],
            14 => vec!["EXPIRE".into(), k(rng), "-1".into(), cond.into()],
            15 => vec!["PERSIST".into(), k(rng)],
            16 => vec!["TTL".into(), k(rng)],
            17 => vec!["PTTL".into(), k(rng)],
            18 => vec!["TYPE".into(), k(rng)],
            19 => vec!["SELECT".into(), rng.gen_range(0..2).to_string()],
            20 => vec!["DBSIZE".into()],
            21 => vec!["KEYS".into(), "*".into()],
            22 => vec!["GET".into(), k(rng)],
            _ => vec!["EXPIRETIME".into(), k(rng)],
        };
        argv.retain(|a| !a.is_empty());
        argv.into_iter().map(String::into_bytes).collect()
    });
    d.finish();
}

#[test]
fn redis_py_scan_iter_expire_ttl() {
    let snippet = r#"
r = redis.Redis(port=PORT)
r.flushall()
for i in range(300):
    r.set("py:%d" % i, i)
r.set("other", 1)
print(sorted(k.decode() for k in r.scan_iter(match="py:1*", count=7)) == sorted("py:%d" % i for i in range(300) if str(i).startswith("1")))
print(len(list(r.scan_iter())))
print(len(list(r.scan_iter(_type="string"))))
print(r.expire("py:1", 1000), r.expire("nokey", 10))
print(r.expire("py:1", 500, gt=True), r.expire("py:1", 500, lt=True))
print(990 <= r.ttl("py:1") <= 1000 or r.ttl("py:1"), r.ttl("py:2"), r.ttl("nokey"))
print(r.persist("py:1"), r.ttl("py:1"))
print(r.pexpire("py:3", 5000000), 4990000 <= r.pttl("py:3") <= 5000000)
print(r.type("py:4"), r.object("encoding", "py:4"), r.exists("py:4", "py:5", "nokey"))
print(r.rename("py:4", "renamed"), r.renamenx("py:5", "renamed"), r.copy("renamed", "copied"))
print(r.move("copied", 1), r.get("copied"))
try:
    r.expire("py:6", 10, nx=True, xx=True)
except redis.exceptions.ResponseError as e:
    print("error", e)
"#;
    let d = Diff::new();
    let ours = python(d.fer.port(), snippet);
    let theirs = python(d.reference.port(), snippet);
    assert_eq!(ours, theirs);
    assert!(ours.starts_with("True\n301\n301\n"), "{ours}");
}

#[test]
fn resp3_replies() {
    let mut d = Diff::new();
    d.normalize(sort_keys);
    d.script(&[
        &["HELLO", "3"],
        &["RANDOMKEY"],
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "REFCOUNT", "nokey"],
        &["SET", "a", "1"],
        &["TYPE", "a"],
        &["KEYS", "*"],
        &["SCAN", "0"],
        &["TTL", "a"],
        &["RENAME", "a", "b"],
        &["RENAMENX", "b", "c"],
    ]);
    d.finish();
}

/// Two-key commands across shards and databases, run concurrently in
/// opposite directions: no deadlock, and no key is lost or duplicated.
#[test]
fn concurrent_rename_move_copy_are_atomic() {
    if ferrodis_only("concurrent_rename_move_copy_are_atomic") {
        return;
    }
    let s = Server::start();
    let mut c = s.raw();
    c.cmd(&["SET", "a", "v"]);
    c.cmd(&["SET", "m", "v"]);
    let port = s.port();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut c = RawConn::connect(port);
                if t % 2 == 1 {
                    c.cmd(&["SELECT", "1"]);
                }
                for i in 0..2000 {
                    match (t, i % 3) {
                        (0, _) | (2, 0) => {
                            c.cmd(&["RENAME", "a", "b"]);
                            c.cmd(&["RENAME", "b", "a"]);
                        }
                        (1, _) | (3, 0) => {
                            c.cmd(&["MOVE", "m", "0"]);
                        }
                        (2, _) => {
                            c.cmd(&["MOVE", "m", "1"]);
                        }
                        _ => {
                            c.cmd(&["COPY", "m", "m2", "DB", "0", "REPLACE"]);
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client thread");
    }
    assert_eq!(c.cmd(&["EXISTS", "a", "b"]).int(), 1);
    let m0 = c.cmd(&["EXISTS", "m"]).int();
    c.cmd(&["SELECT", "1"]);
    let m1 = c.cmd(&["EXISTS", "m"]).int();
    assert_eq!(m0 + m1, 1, "m in db0: {m0}, in db1: {m1}");
}

/// The generic commands on collection values.
#[test]
fn generic_commands_on_collections() {
    let mut d = Diff::new();
    d.normalize(sort_keys);
    let big = "x".repeat(100);
    d.script(&[
        &["HSET", "h", "f", "v", "g", "w"],
        &["SADD", "si", "1", "2", "3"],
        &["SADD", "ss", "a", "b"],
        &["ZADD", "z", "1", "a", "2", "b"],
        &["HSET", "hbig", "f", &big],
        &["TYPE", "h"],
        &["TYPE", "si"],
        &["TYPE", "z"],
        &["OBJECT", "ENCODING", "h"],
        &["OBJECT", "ENCODING", "si"],
        &["OBJECT", "ENCODING", "ss"],
        &["OBJECT", "ENCODING", "z"],
        &["OBJECT", "ENCODING", "hbig"],
        &["OBJECT", "REFCOUNT", "h"],
        &["SCAN", "0", "TYPE", "hash", "COUNT", "100"],
        &["SCAN", "0", "TYPE", "set", "COUNT", "100"],
        &["SCAN", "0", "TYPE", "zset", "COUNT", "100"],
        &["KEYS", "*"],
        &["COPY", "h", "h2"],
        &["HSET", "h2", "f", "changed"],
        &["HGET", "h", "f"],
        &["HGET", "h2", "f"],
        &["OBJECT", "ENCODING", "h2"],
        &["COPY", "si", "si2", "DB", "1"],
        &["COPY", "z", "z2"],
        &["ZADD", "z2", "5", "c"],
        &["ZCARD", "z"],
        &["ZRANGE", "z2", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "z2"],
        &["RENAME", "ss", "ss2"],
        &["SCARD", "ss2"],
        &["MOVE", "hbig", "1"],
        &["SELECT", "1"],
        &["SCARD", "si2"],
        &["OBJECT", "ENCODING", "si2"],
        &["HGET", "hbig", "f"],
        &["OBJECT", "ENCODING", "hbig"],
        &["SELECT", "0"],
        &["EXPIRE", "z", "1000"],
        &["DEL", "h", "z", "nokey"],
        &["DBSIZE"],
    ]);
    d.finish();
}
