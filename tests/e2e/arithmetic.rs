//! Arithmetic hardening: every length, offset, count, index, cursor and
//! timeout a client sends, at the edges of its type (i64::MIN/MAX, one past
//! them, u64::MAX, negative, zero, values that overflow once scaled to
//! milliseconds or bits), differential against redis-server 7.0.
//!
//! Each group ends with PING (the server must still answer) and every test
//! ends by checking that no handler panicked: the binary under test is the
//! debug build, where an unchecked overflow panics, and the panic guard
//! counts `ferrodis_command_panics` in INFO.
//!
//! A few inputs are left out on purpose because real Redis takes them
//! literally and then spends minutes and gigabytes on them (SETBIT at
//! offset 4294967295 allocates 512 MB; SRANDMEMBER/ZRANDMEMBER with a count
//! of -9223372036854775807 produce that many replies): their error
//! boundaries are tested instead.

use crate::common::diff::Side;
use crate::common::{testing_real_redis, Diff, Resp};

const MAX: &str = "9223372036854775807";
const MIN: &str = "-9223372036854775808";
/// One past i64::MAX: no longer an integer for Redis.
const MAXP1: &str = "9223372036854775808";
/// One below i64::MIN.
const MINM1: &str = "-9223372036854775809";
/// -i64::MAX, the smallest count the random-member commands accept.
const NEG_MAX: &str = "-9223372036854775807";
const U64MAX: &str = "18446744073709551615";
const U64P1: &str = "18446744073709551616";

fn upper(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_uppercase()
}

/// TTL-like replies: a positive value becomes its number of decimal digits
/// (the two servers run the command a few milliseconds apart, and a TTL
/// near i64::MAX still shows its magnitude).
fn ttl_magnitude(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    let name = argv.first().map(|a| upper(a)).unwrap_or_default();
    if !matches!(
        name.as_str(),
        "TTL" | "PTTL" | "EXPIRETIME" | "PEXPIRETIME" | "OBJECT"
    ) {
        return;
    }
    if let Resp::Int(v) = r {
        if *v > 0 {
            *v = v.to_string().len() as i64;
        }
    }
}

/// The element list of a SCAN-family reply over a hash table: Redis's
/// bucket layout is its own, so only the next cursor is compared.
fn cursor_only(_: &[Vec<u8>], _: &Side, r: &mut Resp) {
    if let Resp::Array(Some(items)) = r {
        if let Some(list) = items.get_mut(1) {
            *list = Resp::Array(Some(Vec::new()));
        }
    }
}

/// Runs `script`, then PING: a panic that took the connection down shows
/// up here even when the script's own replies matched.
fn group(d: &mut Diff, script: &[&[&str]]) {
    d.script(script);
    d.cmd(&["PING"]);
}

/// Fails the run unless ferrodis's panic counter is still 0.
fn no_panics(d: &mut Diff) {
    if testing_real_redis() {
        return;
    }
    let info = d.fer.raw().cmd(&["INFO", "stats"]).text();
    if !info.contains("ferrodis_command_panics:0\r\n") {
        let line = info
            .lines()
            .find(|l| l.starts_with("ferrodis_command_panics:"))
            .unwrap_or("ferrodis_command_panics missing")
            .to_string();
        d.fail(format!("a command panicked: {line}"));
    }
}

fn finish(mut d: Diff) {
    no_panics(&mut d);
    d.finish();
}

#[test]
fn setrange_getrange_append_at_the_limits() {
    let mut d = Diff::new();
    group(
        &mut d,
        &[
            &["SETRANGE", "s", "0", ""],
            &["EXISTS", "s"],
            &["SETRANGE", "s", "-1", "x"],
            &["SETRANGE", "s", MIN, "x"],
            &["SETRANGE", "s", MAX, "x"],
            &["SETRANGE", "s", MAXP1, "x"],
            &["SETRANGE", "s", "536870912", "x"],
            &["SETRANGE", "s", "536870911", ""],
            &["SETRANGE", "s", MAX, ""],
            &["SETRANGE", "s", "4294967296", "x"],
            &["SET", "s", "hello"],
            &["SETRANGE", "s", MAX, ""],
            &["SETRANGE", "s", "-1", ""],
            &["SETRANGE", "s", "536870912", "x"],
            &["SETRANGE", "s", MAX, "x"],
            &["SETRANGE", "s", "5", "!"],
            &["GET", "s"],
            &["RPUSH", "list", "a"],
            &["SETRANGE", "list", "0", "x"],
            &["SETRANGE", "list", "-1", "x"],
            &["SETRANGE", "list", MAX, "x"],
            &["APPEND", "list", "x"],
        ],
    );
    for (a, b) in [
        (MIN, MAX),
        (MAX, MIN),
        (MIN, MIN),
        (MAX, MAX),
        ("-1", MIN),
        (MIN, "-1"),
        ("0", MAX),
        (NEG_MAX, "0"),
        ("-6", "-6"),
        ("5", MAX),
        ("4", MAX),
        (MAXP1, "0"),
        ("0", MINM1),
    ] {
        for cmd in ["GETRANGE", "SUBSTR"] {
            d.cmd(&[cmd, "s", a, b]);
            d.cmd(&[cmd, "missing", a, b]);
        }
    }
    // The same on an integer-encoded string.
    d.cmd(&["SET", "n", MIN]);
    for (a, b) in [(MIN, MAX), ("-1", MAX), (MIN, "0"), ("19", MAX)] {
        d.cmd(&["GETRANGE", "n", a, b]);
    }
    group(&mut d, &[&["GETRANGE", "list", MIN, MAX]]);
    // proto-max-bulk-len bounds the result of SETRANGE and APPEND; 1 MB
    // (the lowest allowed) keeps the test cheap.
    group(
        &mut d,
        &[
            &["CONFIG", "SET", "proto-max-bulk-len", "1mb"],
            &["SETRANGE", "big", "1048576", "x"],
            &["SETRANGE", "big", "1048576", ""],
            &["SETRANGE", "big", "1048575", "xy"],
            &["SETRANGE", "big", "1048575", "x"],
            &["STRLEN", "big"],
            &["APPEND", "big", "x"],
            &["APPEND", "big", ""],
            &["SETRANGE", "big", "1048576", ""],
            &["SETRANGE", "big", "1048575", "y"],
            &["GETRANGE", "big", "-1", MAX],
            &["SETRANGE", "big", "1048576", "y"],
            &["DEL", "big"],
            &["APPEND", "big", "x"],
            &["SETRANGE", "big", "1048575", "x"],
            &["CONFIG", "SET", "proto-max-bulk-len", "512mb"],
        ],
    );
    finish(d);
}

#[test]
fn setbit_getbit_bitcount_bitpos_at_the_limits() {
    let mut d = Diff::new();
    group(
        &mut d,
        &[
            &["SETBIT", "b", "4294967296", "1"],
            &["SETBIT", "b", "-1", "1"],
            &["SETBIT", "b", MIN, "1"],
            &["SETBIT", "b", MAX, "1"],
            &["SETBIT", "b", MAXP1, "1"],
            &["SETBIT", "b", U64MAX, "1"],
            &["SETBIT", "b", "0", "2"],
            &["SETBIT", "b", "0", "-1"],
            &["SETBIT", "b", "0", MIN],
            &["SETBIT", "b", "4294967296", "2"],
            &["SETBIT", "b", "7", "1"],
            &["SETBIT", "b", "17", "1"],
            &["GETBIT", "b", "4294967295"],
            &["GETBIT", "b", "4294967296"],
            &["GETBIT", "b", "-1"],
            &["GETBIT", "b", MIN],
            &["GETBIT", "b", MAX],
            &["GETBIT", "b", U64MAX],
            &["GETBIT", "missing", "4294967295"],
            &["GETBIT", "missing", "4294967296"],
            &["SETBIT", "n", "0", "1"],
            &["RPUSH", "list", "a"],
            &["SETBIT", "list", "0", "1"],
            &["SETBIT", "list", "-1", "1"],
            &["GETBIT", "list", MAX],
        ],
    );
    // The offset bound follows proto-max-bulk-len.
    group(
        &mut d,
        &[
            &["CONFIG", "SET", "proto-max-bulk-len", "1mb"],
            &["SETBIT", "pb", "8388608", "1"],
            &["SETBIT", "pb", "8388607", "1"],
            &["STRLEN", "pb"],
            &["GETBIT", "pb", "8388608"],
            &["GETBIT", "pb", "8388607"],
            &["BITCOUNT", "pb", MIN, MAX],
            &["BITPOS", "pb", "1", MIN, MAX, "BIT"],
            &["BITPOS", "pb", "1", "-1", MAX],
            &["DEL", "pb"],
            &["CONFIG", "SET", "proto-max-bulk-len", "512mb"],
        ],
    );
    d.cmd(&["SET", "ones", "\u{7f}\u{7f}\u{7f}"]);
    d.cmd(&["SET", "zeros", "\0\0\0"]);
    d.cmd(&["SET", "full", "\u{7f}"]);
    d.cmd(&["SETBIT", "full", "0", "1"]);
    let ranges: &[(&str, &str)] = &[
        (MIN, MAX),
        (MAX, MIN),
        (MIN, MIN),
        (MAX, MAX),
        ("0", MAX),
        ("-1", MIN),
        (MIN, "-1"),
        (NEG_MAX, NEG_MAX),
        ("-1", "-1"),
        ("1", "0"),
        ("0", MAXP1),
        (MINM1, "0"),
    ];
    for key in ["b", "ones", "zeros", "full", "missing"] {
        for (a, b) in ranges {
            d.cmd(&["BITCOUNT", key, a, b]);
            d.cmd(&["BITCOUNT", key, a, b, "BIT"]);
            d.cmd(&["BITCOUNT", key, a, b, "BYTE"]);
            for bit in ["0", "1"] {
                d.cmd(&["BITPOS", key, bit, a, b]);
                d.cmd(&["BITPOS", key, bit, a, b, "BIT"]);
                d.cmd(&["BITPOS", key, bit, a, "BYTE"]);
            }
        }
        d.cmd(&["BITPOS", key, "0", MAX]);
        d.cmd(&["BITPOS", key, "0", MIN]);
        d.cmd(&["BITPOS", key, "1", MIN]);
        d.cmd(&["BITPOS", key, "2", "0"]);
        d.cmd(&["BITPOS", key, MAX, "0"]);
        d.cmd(&["BITCOUNT", key, "0"]);
        d.cmd(&["BITCOUNT", key, MIN, MAX, "NIBBLE"]);
    }
    group(
        &mut d,
        &[
            &["BITCOUNT", "list", MIN, MAX],
            &["BITPOS", "list", "1", MIN],
        ],
    );
    finish(d);
}

#[test]
fn bitfield_types_offsets_and_overflow_at_the_limits() {
    let mut d = Diff::new();
    // Types and offsets.
    group(
        &mut d,
        &[
            &["BITFIELD", "bf", "GET", "u63", "0"],
            &["BITFIELD", "bf", "GET", "i64", "0"],
            &["BITFIELD", "bf", "GET", "u64", "0"],
            &["BITFIELD", "bf", "GET", "i65", "0"],
            &["BITFIELD", "bf", "GET", "u0", "0"],
            &["BITFIELD", "bf", "GET", "i0", "0"],
            &["BITFIELD", "bf", "GET", "i1", "0"],
            &["BITFIELD", "bf", "GET", "u", "0"],
            &["BITFIELD", "bf", "GET", "i-1", "0"],
            &["BITFIELD", "bf", "GET", "u18446744073709551617", "0"],
            &["BITFIELD", "bf", "GET", "i9223372036854775807", "0"],
            &["BITFIELD", "bf", "GET", "u8", "4294967295"],
            &["BITFIELD", "bf", "GET", "i64", "4294967295"],
            &["BITFIELD", "bf", "GET", "u8", "4294967296"],
            &["BITFIELD", "bf", "GET", "u8", "-1"],
            &["BITFIELD", "bf", "GET", "u8", MIN],
            &["BITFIELD", "bf", "GET", "u8", MAX],
            &["BITFIELD", "bf", "GET", "u8", U64MAX],
            &["BITFIELD", "bf", "GET", "u8", "#536870911"],
            &["BITFIELD", "bf", "GET", "u8", "#536870912"],
            &["BITFIELD", "bf", "GET", "i64", "#67108863"],
            &["BITFIELD", "bf", "GET", "i64", "#67108864"],
            &["BITFIELD", "bf", "GET", "u8", "#-1"],
            &["BITFIELD", "bf", "GET", "u8", "#"],
            &["BITFIELD", "bf", "GET", "u8", "#9223372036854775807"],
            &["BITFIELD", "bf", "GET", "u8", "#-9223372036854775808"],
            &["BITFIELD", "bf", "GET", "u63", "#1152921504606846976"],
            // #n times 8 wraps around 2^64 to 8 in Redis.
            &["BITFIELD", "bf", "GET", "u8", "#2305843009213693953"],
            &["BITFIELD_RO", "bf", "GET", "u63", "#9223372036854775807"],
            &["BITFIELD_RO", "bf", "GET", "u64", "0"],
            &["BITFIELD_RO", "bf", "GET", "i64", "4294967296"],
            &["EXISTS", "bf"],
        ],
    );
    // SET and INCRBY at the edges of i64 and u63, in each overflow mode.
    let mut script: Vec<Vec<&str>> = vec![
        vec!["BITFIELD", "bf", "SET", "i64", "0", MIN],
        vec!["BITFIELD", "bf", "SET", "i64", "0", MAX],
        vec!["BITFIELD", "bf", "SET", "i64", "0", MAXP1],
        vec!["BITFIELD", "bf", "SET", "u63", "64", MAX],
        vec!["BITFIELD", "bf", "SET", "u63", "64", "-1"],
        vec!["BITFIELD", "bf", "GET", "u63", "64"],
        vec!["BITFIELD", "bf", "SET", "i8", "200", MAX],
        vec!["BITFIELD", "bf", "SET", "u8", "200", MIN],
        vec!["BITFIELD", "bf", "SET", "u1", "300", MAX],
        vec!["BITFIELD", "bf", "INCRBY", "u8", "0", MAXP1],
        vec!["BITFIELD", "bf", "INCRBY", "u8", "0", "1.5"],
        vec!["BITFIELD", "bf", "OVERFLOW", "BAD", "GET", "u8", "0"],
        vec!["BITFIELD", "bf", "OVERFLOW"],
        vec!["BITFIELD", "bf", "SET", "u8", "#536870912", "1"],
        vec!["BITFIELD", "bf", "SET", "u8", "4294967296", "1"],
        vec!["BITFIELD", "bf", "INCRBY", "i64", MIN, "1"],
        vec!["BITFIELD", "bf", "SET", "u8", "#2305843009213693953", "5"],
        vec!["GETRANGE", "bf", "0", "2"],
    ];
    for mode in ["WRAP", "SAT", "FAIL"] {
        for (ty, start, incr) in [
            ("i64", MAX, "1"),
            ("i64", MAX, MAX),
            ("i64", MIN, "-1"),
            ("i64", MIN, MIN),
            ("i64", MAX, MIN),
            ("i64", MIN, MAX),
            ("i64", "-1", MIN),
            ("i64", "0", MIN),
            ("u63", MAX, "1"),
            ("u63", MAX, MAX),
            ("u63", "0", "-1"),
            ("u63", "0", MIN),
            ("u63", MAX, MIN),
            ("u63", "1", MIN),
            ("u63", "0", MAX),
            ("i63", "4611686018427387903", "1"),
            ("i63", "-4611686018427387904", MIN),
            ("u1", "1", MAX),
            ("u1", "0", MIN),
            ("i8", "127", MAX),
            ("i8", "-128", MIN),
            ("u8", "255", MAX),
        ] {
            script.push(vec!["BITFIELD", "bf", "SET", ty, "0", start]);
            script.push(vec![
                "BITFIELD", "bf", "OVERFLOW", mode, "INCRBY", ty, "0", incr,
            ]);
            script.push(vec!["BITFIELD", "bf", "GET", ty, "0"]);
            script.push(vec![
                "BITFIELD", "bf", "OVERFLOW", mode, "SET", ty, "0", incr,
            ]);
        }
    }
    for argv in &script {
        d.cmd(argv);
    }
    d.cmd(&["PING"]);
    finish(d);
}

#[test]
fn counters_at_the_limits() {
    let mut d = Diff::new();
    group(
        &mut d,
        &[
            &["SET", "c", MAX],
            &["INCR", "c"],
            &["INCRBY", "c", "1"],
            &["INCRBY", "c", "0"],
            &["INCRBY", "c", MIN],
            &["GET", "c"],
            &["DECRBY", "c", MIN],
            &["DECRBY", "c", NEG_MAX],
            &["SET", "c", MIN],
            &["DECR", "c"],
            &["DECRBY", "c", "1"],
            &["INCRBY", "c", "-1"],
            &["INCRBY", "c", MIN],
            &["INCRBY", "c", MAX],
            &["GET", "c"],
            &["SET", "c", "0"],
            &["DECRBY", "c", MIN],
            &["DECRBY", "c", MAX],
            &["DECR", "c"],
            &["GET", "c"],
            &["SET", "c", "-1"],
            &["DECRBY", "c", MAX],
            &["GET", "c"],
            &["INCRBY", "c", MAXP1],
            &["INCRBY", "c", MINM1],
            &["DECRBY", "c", MAXP1],
            &["SET", "c", MAXP1],
            &["INCR", "c"],
            &["SET", "c", MINM1],
            &["DECR", "c"],
            &["INCRBY", "fresh", MIN],
            &["DECRBY", "fresh2", MIN],
            &["DECRBY", "fresh3", MAX],
        ],
    );
    group(
        &mut d,
        &[
            &["SET", "f", "1.7976931348623157e308"],
            &["INCRBYFLOAT", "f", "1.7976931348623157e308"],
            &["INCRBYFLOAT", "f", "-1.7976931348623157e308"],
            &["GET", "f"],
            &["INCRBYFLOAT", "f", "inf"],
            &["INCRBYFLOAT", "f", "-inf"],
            &["INCRBYFLOAT", "f", "nan"],
            &["INCRBYFLOAT", "f", "1e400"],
            &["INCRBYFLOAT", "f", "1e-400"],
            &["SET", "f", "inf"],
            &["INCRBYFLOAT", "f", "1"],
            &["SET", "f", MAX],
            &["INCRBYFLOAT", "f", "1"],
            &["SET", "f", MIN],
            &["INCRBYFLOAT", "f", "-1"],
            &["INCRBYFLOAT", "f", MIN],
            &["SET", "f", "1e308"],
            &["INCRBYFLOAT", "f", "1e308"],
            &["INCRBYFLOAT", "f", "-1e308"],
            &["INCRBYFLOAT", "g", "1e-320"],
        ],
    );
    group(
        &mut d,
        &[
            &["HINCRBY", "h", "f", MAX],
            &["HINCRBY", "h", "f", "1"],
            &["HINCRBY", "h", "f", MIN],
            &["HGET", "h", "f"],
            &["HINCRBY", "h", "g", MIN],
            &["HINCRBY", "h", "g", "-1"],
            &["HINCRBY", "h", "g", MAX],
            &["HINCRBY", "h", "g", MAXP1],
            &["HSET", "h", "s", MAXP1],
            &["HINCRBY", "h", "s", "1"],
            &["HINCRBY", "h", "s", "0"],
            &["HSET", "h", "t", " 1"],
            &["HINCRBY", "h", "t", "1"],
            &["HINCRBYFLOAT", "h", "x", "1.7976931348623157e308"],
            &["HINCRBYFLOAT", "h", "x", "1.7976931348623157e308"],
            &["HINCRBYFLOAT", "h", "x", "inf"],
            &["HINCRBYFLOAT", "h", "x", "nan"],
            &["HINCRBYFLOAT", "h", "x", "1e400"],
            &["HGET", "h", "x"],
            &["HSET", "h", "y", "inf"],
            &["HINCRBYFLOAT", "h", "y", "1"],
            &["HINCRBYFLOAT", "h", "f", "1"],
            &["HINCRBYFLOAT", "h", "g", "-1"],
        ],
    );
    group(
        &mut d,
        &[
            &["ZINCRBY", "z", "inf", "m"],
            &["ZINCRBY", "z", "-inf", "m"],
            &["ZINCRBY", "z", "inf", "m"],
            &["ZSCORE", "z", "m"],
            &["ZINCRBY", "z", "nan", "m"],
            &["ZINCRBY", "z", "1.7976931348623157e308", "n"],
            &["ZINCRBY", "z", "1.7976931348623157e308", "n"],
            &["ZSCORE", "z", "n"],
            &["ZINCRBY", "z", "-inf", "n"],
            &["ZINCRBY", "z", MAX, "o"],
            &["ZINCRBY", "z", MAX, "o"],
            &["ZSCORE", "z", "o"],
            &["ZADD", "z", "INCR", "-inf", "o"],
            &["ZADD", "z", "INCR", "inf", "o"],
            &["ZADD", "z", "INCR", "1e400", "o"],
            &["ZINCRBY", "z", "1e-400", "o"],
        ],
    );
    finish(d);
}

#[test]
fn expire_times_at_the_limits() {
    let mut d = Diff::new();
    d.normalize(ttl_magnitude);
    let mut script: Vec<Vec<&str>> = Vec::new();
    // SET, GETEX, SETEX, PSETEX: each unit with the edge values.
    for val in [
        MAX,
        MIN,
        MAXP1,
        "0",
        "-1",
        "9223372036854775",
        "9223372036854776",
        "9223372036854",
        "-9223372036854775",
        "1e3",
    ] {
        for unit in ["EX", "PX", "EXAT", "PXAT"] {
            script.push(vec!["SET", "k", "v", unit, val]);
            script.push(vec!["TTL", "k"]);
            script.push(vec!["EXISTS", "k"]);
            script.push(vec!["SET", "k", "v"]);
            script.push(vec!["GETEX", "k", unit, val]);
            script.push(vec!["TTL", "k"]);
            script.push(vec!["EXISTS", "k"]);
            script.push(vec!["SET", "k", "v"]);
        }
        script.push(vec!["SETEX", "k", val, "v"]);
        script.push(vec!["TTL", "k"]);
        script.push(vec!["PSETEX", "k", val, "v"]);
        script.push(vec!["TTL", "k"]);
        script.push(vec!["SET", "k", "v"]);
        // The EXPIRE family, with and without conditions.
        for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
            script.push(vec![cmd, "k", val]);
            script.push(vec!["TTL", "k"]);
            script.push(vec!["EXISTS", "k"]);
            script.push(vec!["SET", "k", "v"]);
            script.push(vec![cmd, "k", val, "GT"]);
            script.push(vec![cmd, "k", val, "NX"]);
            script.push(vec!["PTTL", "k"]);
            script.push(vec![cmd, "k", val, "LT"]);
            script.push(vec!["EXISTS", "k"]);
            script.push(vec!["SET", "k", "v"]);
            script.push(vec![cmd, "missing", val]);
        }
    }
    for argv in &script {
        d.cmd(argv);
    }
    group(
        &mut d,
        &[
            &["SET", "k", "v", "PXAT", MAX],
            &["PTTL", "k"],
            &["PEXPIRETIME", "k"],
            &["EXPIRETIME", "k"],
            &["SET", "k", "v", "EXAT", "9223372036854775"],
            &["EXPIRETIME", "k"],
            &["EXPIRE", "k", "100", "GT"],
            &["EXPIRE", "k", "100", "LT"],
            &["TTL", "k"],
            &["SET", "k", "v", "EX", "100"],
            &["PEXPIREAT", "k", MAX, "GT"],
            &["PEXPIRETIME", "k"],
            &["PERSIST", "k"],
        ],
    );
    // RESTORE's TTL: relative, absolute, negative, overflowing.
    let payload = match d.cmd(&["DUMP", "k"]) {
        Resp::Bulk(Some(p)) => p,
        other => panic!("DUMP: {other:?}"),
    };
    for (ttl, abs) in [
        (MIN, false),
        ("-1", false),
        (MAX, false),
        ("9223372036854775", false),
        (MAXP1, false),
        ("0", false),
        (MIN, true),
        ("-1", true),
        ("1", true),
        (MAX, true),
    ] {
        let mut argv: Vec<Vec<u8>> = vec![
            b"RESTORE".to_vec(),
            b"r".to_vec(),
            ttl.as_bytes().to_vec(),
            payload.clone(),
            b"REPLACE".to_vec(),
        ];
        if abs {
            argv.push(b"ABSTTL".to_vec());
        }
        d.cmd(&argv);
        d.cmd(&["PTTL", "r"]);
        d.cmd(&["EXISTS", "r"]);
        for (opt, v) in [
            ("IDLETIME", MIN),
            ("IDLETIME", MAX),
            ("FREQ", "256"),
            ("FREQ", MIN),
        ] {
            let mut a = argv.clone();
            a.push(opt.as_bytes().to_vec());
            a.push(v.as_bytes().to_vec());
            d.cmd(&a);
        }
    }
    d.cmd(&["PING"]);
    finish(d);
}

#[test]
fn list_indexes_and_counts_at_the_limits() {
    let mut d = Diff::new();
    d.cmd(&["RPUSH", "l", "a", "b", "c", "a", "e"]);
    let pairs: &[(&str, &str)] = &[
        (MIN, MAX),
        (MAX, MIN),
        (MIN, MIN),
        (MAX, MAX),
        ("-1", MAX),
        (MIN, "-1"),
        ("0", MIN),
        (NEG_MAX, "-5"),
        ("-6", "-6"),
        ("4", MAX),
        (MAXP1, "0"),
        ("0", MINM1),
    ];
    for (a, b) in pairs {
        d.cmd(&["LRANGE", "l", a, b]);
        d.cmd(&["LRANGE", "missing", a, b]);
    }
    for i in [MIN, MAX, NEG_MAX, "-5", "-6", "4", "5", MAXP1, U64MAX] {
        d.cmd(&["LINDEX", "l", i]);
        d.cmd(&["LSET", "l", i, "x"]);
        d.cmd(&["LSET", "missing", i, "x"]);
    }
    d.cmd(&["LRANGE", "l", "0", "-1"]);
    // LTRIM: each pair on a fresh copy.
    for (a, b) in pairs {
        d.cmd(&["DEL", "t"]);
        d.cmd(&["RPUSH", "t", "a", "b", "c", "d", "e"]);
        d.cmd(&["LTRIM", "t", a, b]);
        d.cmd(&["LRANGE", "t", "0", "-1"]);
    }
    d.cmd(&["PING"]);
    // LPOS options.
    for (opt, v) in [
        ("RANK", MIN),
        ("RANK", NEG_MAX),
        ("RANK", MAX),
        ("RANK", "0"),
        ("RANK", "-1"),
        ("RANK", MAXP1),
        ("COUNT", "-1"),
        ("COUNT", MIN),
        ("COUNT", MAX),
        ("COUNT", "0"),
        ("MAXLEN", "-1"),
        ("MAXLEN", MIN),
        ("MAXLEN", MAX),
        ("MAXLEN", "0"),
    ] {
        d.cmd(&["LPOS", "l", "a", opt, v]);
        d.cmd(&["LPOS", "l", "a", opt, v, "COUNT", "0"]);
        d.cmd(&["LPOS", "missing", "a", opt, v]);
    }
    d.cmd(&[
        "LPOS", "l", "a", "RANK", NEG_MAX, "COUNT", MAX, "MAXLEN", MAX,
    ]);
    d.cmd(&["LPOS", "l", "a", "RANK", "-1", "COUNT", "0", "MAXLEN", "1"]);
    d.cmd(&["PING"]);
    // Counted pops.
    for cmd in ["LPOP", "RPOP"] {
        for c in [MIN, "-1", "0", MAXP1, "1"] {
            d.cmd(&[cmd, "l", c]);
            d.cmd(&[cmd, "missing", c]);
        }
    }
    d.cmd(&["RPUSH", "l", "x", "y"]);
    d.cmd(&["LPOP", "l", MAX]);
    d.cmd(&["RPUSH", "l", "x", "y"]);
    d.cmd(&["RPOP", "l", MAX]);
    // LMPOP / BLMPOP: numkeys and COUNT.
    d.cmd(&["RPUSH", "l", "a", "b", "c"]);
    for c in ["0", "-1", MIN, MAXP1, "1.5"] {
        d.cmd(&["LMPOP", "1", "l", "LEFT", "COUNT", c]);
        d.cmd(&["BLMPOP", "0", "1", "l", "LEFT", "COUNT", c]);
        d.cmd(&["LMPOP", c, "l", "LEFT"]);
        d.cmd(&["BLMPOP", "0", c, "l", "LEFT"]);
    }
    for n in [MAX, "2"] {
        d.cmd(&["LMPOP", n, "l", "LEFT"]);
        d.cmd(&["BLMPOP", "0", n, "l", "LEFT"]);
    }
    d.cmd(&["LMPOP", "1", "l", "LEFT", "COUNT", "1"]);
    d.cmd(&["LMPOP", "1", "l", "RIGHT", "COUNT", MAX]);
    d.cmd(&["RPUSH", "l", "a", "b", "c"]);
    d.cmd(&["BLMPOP", "0", "1", "l", "LEFT", "COUNT", MAX]);
    d.cmd(&["LMPOP", "1", "l", "LEFT", "COUNT", MAX]);
    // A list of several quicklist nodes.
    let mut big: Vec<String> = vec!["RPUSH".into(), "big".into()];
    big.extend((0..1000).map(|i| format!("e{}", i % 7)));
    d.cmd(&big);
    for (a, b) in pairs {
        d.cmd(&["LRANGE", "big", a, b]);
    }
    for i in [MIN, MAX, NEG_MAX, "-1000", "-1001", "999", "1000"] {
        d.cmd(&["LINDEX", "big", i]);
        d.cmd(&["LSET", "big", i, "x"]);
    }
    d.cmd(&["LPOS", "big", "e3", "RANK", NEG_MAX, "COUNT", "0"]);
    d.cmd(&[
        "LPOS", "big", "e3", "RANK", "-2", "COUNT", MAX, "MAXLEN", MAX,
    ]);
    d.cmd(&["LPOS", "big", "e3", "RANK", "100", "MAXLEN", "700"]);
    d.cmd(&["LTRIM", "big", "-999", MAX]);
    d.cmd(&["LLEN", "big"]);
    d.cmd(&["LTRIM", "big", MIN, "-2"]);
    d.cmd(&["LRANGE", "big", "-3", MAX]);
    // LINSERT / LSET / LPUSHX on the wrong type.
    group(
        &mut d,
        &[
            &["SET", "str", "x"],
            &["LSET", "str", MAX, "x"],
            &["LSET", "str", MAXP1, "x"],
            &["LINDEX", "str", MIN],
            &["LRANGE", "str", MIN, MAX],
            &["LTRIM", "str", MIN, MAX],
            &["LPOS", "str", "a", "RANK", MIN],
            &["LPOP", "str", MIN],
            &["LMPOP", "1", "str", "LEFT", "COUNT", MAX],
        ],
    );
    finish(d);
}

#[test]
fn sorted_set_ranges_and_counts_at_the_limits() {
    let mut d = Diff::new();
    d.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"]);
    let pairs: &[(&str, &str)] = &[
        (MIN, MAX),
        (MAX, MIN),
        (MIN, MIN),
        (MAX, MAX),
        ("-1", MAX),
        (MIN, "-1"),
        (NEG_MAX, "-4"),
        ("3", MAX),
        (MAXP1, "0"),
    ];
    for (a, b) in pairs {
        d.cmd(&["ZRANGE", "z", a, b]);
        d.cmd(&["ZRANGE", "z", a, b, "REV"]);
        d.cmd(&["ZRANGE", "z", a, b, "WITHSCORES"]);
        d.cmd(&["ZREVRANGE", "z", a, b]);
        d.cmd(&["ZRANGESTORE", "dst", "z", a, b]);
        d.cmd(&["ZRANGE", "dst", "0", "-1"]);
        d.cmd(&["ZRANGE", "missing", a, b]);
    }
    let limits: &[(&str, &str)] = &[
        (MAX, MAX),
        (MAX, "1"),
        ("0", MIN),
        ("0", "-1"),
        ("-1", "1"),
        (MIN, "1"),
        ("1", MAX),
        ("3", "1"),
        ("4", MAX),
        ("0", "0"),
        ("0", MAXP1),
        (MAXP1, "1"),
    ];
    for (off, cnt) in limits {
        for argv in [
            vec!["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", off, cnt],
            vec![
                "ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", off, cnt,
            ],
            vec!["ZRANGE", "z", "-", "+", "BYLEX", "LIMIT", off, cnt],
            vec!["ZRANGE", "z", "+", "-", "BYLEX", "REV", "LIMIT", off, cnt],
            vec!["ZRANGE", "z", "0", "-1", "LIMIT", off, cnt],
            vec!["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", off, cnt],
            vec![
                "ZRANGEBYSCORE",
                "z",
                "-inf",
                "+inf",
                "WITHSCORES",
                "LIMIT",
                off,
                cnt,
            ],
            vec!["ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", off, cnt],
            vec!["ZRANGEBYLEX", "z", "-", "+", "LIMIT", off, cnt],
            vec!["ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", off, cnt],
            vec![
                "ZRANGESTORE",
                "dst",
                "z",
                "-inf",
                "+inf",
                "BYSCORE",
                "LIMIT",
                off,
                cnt,
            ],
        ] {
            d.cmd(&argv);
        }
    }
    d.cmd(&["PING"]);
    // A sorted set past the listpack limit (skiplist encoding).
    let mut big: Vec<String> = vec!["ZADD".into(), "big".into()];
    big.extend((0..300).flat_map(|i| [i.to_string(), format!("m{i:03}")]));
    d.cmd(&big);
    for (a, b) in pairs {
        d.cmd(&["ZRANGE", "big", a, b, "REV"]);
        d.cmd(&["ZRANGESTORE", "dst", "big", a, b]);
    }
    for (off, cnt) in limits {
        d.cmd(&["ZRANGE", "big", "(1", "+inf", "BYSCORE", "LIMIT", off, cnt]);
        d.cmd(&[
            "ZRANGE", "big", "+", "[m100", "BYLEX", "REV", "LIMIT", off, cnt,
        ]);
    }
    // ZREMRANGEBYRANK on a fresh copy each time.
    for (a, b) in pairs {
        d.cmd(&["DEL", "r"]);
        d.cmd(&["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d"]);
        d.cmd(&["ZREMRANGEBYRANK", "r", a, b]);
        d.cmd(&["ZRANGE", "r", "0", "-1"]);
    }
    // Counted pops and ZMPOP / BZMPOP.
    for cmd in ["ZPOPMIN", "ZPOPMAX"] {
        for c in [MIN, "-1", "0", MAXP1] {
            d.cmd(&[cmd, "z", c]);
            d.cmd(&[cmd, "missing", c]);
        }
    }
    for c in ["0", "-1", MIN, MAXP1] {
        d.cmd(&["ZMPOP", "1", "z", "MIN", "COUNT", c]);
        d.cmd(&["BZMPOP", "0", "1", "z", "MIN", "COUNT", c]);
        d.cmd(&["ZMPOP", c, "z", "MIN"]);
        d.cmd(&["BZMPOP", "0", c, "z", "MIN"]);
    }
    for n in [MAX, "2"] {
        d.cmd(&["ZMPOP", n, "z", "MIN"]);
        d.cmd(&["BZMPOP", "0", n, "z", "MIN"]);
    }
    d.cmd(&["ZMPOP", "1", "z", "MAX", "COUNT", MAX]);
    d.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"]);
    d.cmd(&["BZMPOP", "0", "1", "z", "MIN", "COUNT", MAX]);
    d.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"]);
    d.cmd(&["ZPOPMAX", "z", MAX]);
    d.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"]);
    d.cmd(&["ZPOPMIN", "z", MAX]);
    group(
        &mut d,
        &[
            &["SET", "str", "x"],
            &["ZRANGE", "str", MIN, MAX],
            &["ZREMRANGEBYRANK", "str", MIN, MAX],
            &["ZRANGEBYSCORE", "str", "-inf", "+inf", "LIMIT", MAX, MAX],
            &["ZMPOP", "1", "str", "MIN", "COUNT", MAX],
        ],
    );
    finish(d);
}

#[test]
fn random_member_counts_at_the_limits() {
    let mut d = Diff::new();
    d.normalize(crate::common::norm::unordered);
    // ZRANDMEMBER's replies come in random order: compare them sorted.
    d.normalize(|argv, _, r| {
        if argv.first().is_some_and(|a| upper(a) == "ZRANDMEMBER") && !r.is_error() {
            if argv.len() == 4 {
                crate::common::norm::sort_pairs(r);
            } else {
                crate::common::norm::sort_items(r);
            }
        }
    });
    d.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    d.cmd(&["SADD", "s", "a", "b", "c"]);
    d.cmd(&["SADD", "si", "1", "2", "3"]);
    d.cmd(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    // Counts that Redis refuses, or that cover the whole collection. A
    // negative count Redis accepts asks for that many replies: left out.
    for c in [
        MIN,
        MAXP1,
        MINM1,
        MAX,
        "4611686018427387903",
        "4611686018427387904",
        "3",
        "0",
    ] {
        for key in ["z", "missing"] {
            d.cmd(&["ZRANDMEMBER", key, c]);
            d.cmd(&["ZRANDMEMBER", key, c, "WITHSCORES"]);
        }
        for key in ["h", "missing"] {
            d.cmd(&["HRANDFIELD", key, c]);
            d.cmd(&["HRANDFIELD", key, c, "WITHVALUES"]);
        }
        for key in ["s", "si", "missing"] {
            d.cmd(&["SRANDMEMBER", key, c]);
        }
    }
    // With scores/values each member is two replies: half of i64's range.
    for c in [NEG_MAX, "-4611686018427387904", "-4611686018427387905"] {
        d.cmd(&["ZRANDMEMBER", "z", c, "WITHSCORES"]);
        d.cmd(&["HRANDFIELD", "h", c, "WITHVALUES"]);
        d.cmd(&["ZRANDMEMBER", "missing", c, "WITHSCORES"]);
        d.cmd(&["HRANDFIELD", "missing", c, "WITHVALUES"]);
        d.cmd(&["ZRANDMEMBER", "missing", c]);
        d.cmd(&["HRANDFIELD", "missing", c]);
        d.cmd(&["SRANDMEMBER", "missing", c]);
    }
    d.cmd(&["PING"]);
    // SPOP with a count.
    for c in [MIN, "-1", MAXP1, "0"] {
        d.cmd(&["SPOP", "s", c]);
        d.cmd(&["SPOP", "missing", c]);
    }
    d.cmd(&["SPOP", "s", MAX]);
    d.cmd(&["SPOP", "si", "4611686018427387904"]);
    d.cmd(&["EXISTS", "s", "si"]);
    group(
        &mut d,
        &[
            &["SET", "str", "x"],
            &["ZRANDMEMBER", "str", MIN],
            &["HRANDFIELD", "str", MAX, "WITHVALUES"],
            &["SRANDMEMBER", "str", NEG_MAX],
            &["SPOP", "str", "-1"],
        ],
    );
    finish(d);
}

#[test]
fn scan_cursors_and_counts_at_the_limits() {
    let mut d = Diff::new();
    d.normalize(crate::common::norm::unordered);
    d.normalize(|argv, _, r| {
        if argv.first().is_some_and(|a| upper(a) == "SCAN") {
            if let Resp::Array(Some(items)) = r {
                if let Some(list) = items.get_mut(1) {
                    crate::common::norm::sort_items(list);
                }
            }
        }
    });
    let cursors = [
        "0",
        U64MAX,
        U64P1,
        "-1",
        "-18446744073709551615",
        "-18446744073709551616",
        "+5",
        "-0",
        "",
        " 1",
        "1 ",
        "0x10",
        "1.5",
        MAX,
        MAXP1,
        "99999999999999999999999",
    ];
    // An empty database: every valid cursor ends the iteration.
    for c in cursors {
        d.cmd(&["SCAN", c]);
        d.cmd(&["SCAN", c, "COUNT", "1"]);
    }
    // Small encodings (intset, listpack) are returned whole, whatever the
    // cursor. (A small set of strings is a hash table in Redis 7.0.)
    d.cmd(&["SADD", "si", "1", "2", "3"]);
    d.cmd(&["HSET", "h", "a", "1", "b", "2"]);
    d.cmd(&["ZADD", "z", "1", "a", "2", "b"]);
    for c in cursors {
        d.cmd(&["SSCAN", "si", c]);
        d.cmd(&["HSCAN", "h", c]);
        d.cmd(&["ZSCAN", "z", c]);
        d.cmd(&["SSCAN", "missing", c]);
    }
    for count in ["0", "-1", MIN, MAX, MAXP1, "1"] {
        d.cmd(&["SSCAN", "si", "0", "COUNT", count]);
        d.cmd(&["HSCAN", "h", U64MAX, "COUNT", count]);
        d.cmd(&["ZSCAN", "z", "0", "COUNT", count]);
        d.cmd(&["SSCAN", "missing", "0", "COUNT", count]);
    }
    // The keyspace: one call with a huge COUNT sees every key.
    for count in ["0", "-1", MIN, MAX, MAXP1] {
        d.cmd(&["SCAN", "0", "COUNT", count]);
        d.cmd_with(&["SCAN", U64MAX, "COUNT", count], cursor_only);
    }
    d.cmd(&["PING"]);
    // Hash-table encodings: the members in a bucket are Redis's own, but
    // a cursor of all ones always ends the iteration.
    let mut big: Vec<String> = vec!["SADD".into(), "bs".into()];
    big.extend((0..200).map(|i| format!("m{i}")));
    d.cmd(&big);
    let mut bh: Vec<String> = vec!["HSET".into(), "bh".into()];
    bh.extend((0..600).flat_map(|i| [format!("f{i}"), i.to_string()]));
    d.cmd(&bh);
    let mut bz: Vec<String> = vec!["ZADD".into(), "bz".into()];
    bz.extend((0..200).flat_map(|i| [i.to_string(), format!("m{i}")]));
    d.cmd(&bz);
    // Cursors whose low bits are all ones end the iteration whatever the
    // table's size.
    for c in [
        U64MAX,
        "-1",
        MAX,
        "281474976710655",
        U64P1,
        "x",
        " 1",
        "-18446744073709551616",
    ] {
        for key in ["bs", "bh", "bz"] {
            let cmd = match key {
                "bs" => "SSCAN",
                "bh" => "HSCAN",
                _ => "ZSCAN",
            };
            d.cmd_with(&[cmd, key, c, "COUNT", "1"], cursor_only);
            d.cmd_with(&[cmd, key, c, "COUNT", MAX], cursor_only);
        }
        d.cmd_with(&["SCAN", c, "COUNT", "1"], cursor_only);
    }
    group(
        &mut d,
        &[
            &["SET", "str", "x"],
            &["SSCAN", "str", U64MAX],
            &["SSCAN", "str", U64P1],
            &["HSCAN", "str", "0", "COUNT", "0"],
        ],
    );
    finish(d);
}

/// XPENDING's idle times and XINFO's timestamps differ by the moment each
/// server ran the command.
fn stream_times(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    match argv.first().map(|a| upper(a)).as_deref() {
        Some("XPENDING") if argv.len() > 3 => {
            if let Resp::Array(Some(entries)) = r {
                for e in entries {
                    if let Resp::Array(Some(f)) = e {
                        if let Some(Resp::Int(idle)) = f.get_mut(2) {
                            *idle = 0;
                        }
                    }
                }
            }
        }
        Some("XINFO") => r.walk_mut(&mut |v| {
            if let Resp::Int(i) = v {
                if *i >= 1_000_000_000_000 {
                    *i = 0;
                }
            }
        }),
        _ => {}
    }
}

#[test]
fn stream_ids_and_counts_at_the_limits() {
    let mut d = Diff::new();
    d.normalize(stream_times);
    let top = "18446744073709551615-18446744073709551615";
    group(
        &mut d,
        &[
            &["XADD", "x", "1-1", "f", "v"],
            &["XADD", "x", top, "f", "v"],
            &["XADD", "x", "*", "f", "v"],
            &["XADD", "x", "18446744073709551615-*", "f", "v"],
            &["XADD", "x", top, "f", "v"],
            &["XADD", "y", "18446744073709551616-0", "f", "v"],
            &["XADD", "y", "0-18446744073709551616", "f", "v"],
            &["XADD", "y", "-1-0", "f", "v"],
            &["XADD", "y", "18446744073709551615-*", "f", "v"],
            &["XADD", "y", "18446744073709551615-*", "f", "v"],
            &["XADD", "y", "18446744073709551615", "f", "v"],
            &[
                "XADD",
                "y",
                "18446744073709551614-18446744073709551615",
                "f",
                "v",
            ],
            &["XADD", "w", "0-0", "f", "v"],
            &["XADD", "w", "0-*", "f", "v"],
            &[
                "XADD",
                "w",
                "18446744073709551615-18446744073709551614",
                "f",
                "v",
            ],
            &["XADD", "w", "*", "f", "v"],
            &["XLEN", "x"],
            &["XRANGE", "x", "-", "+"],
            &["XRANGE", "x", top, "+"],
            &[
                "XRANGE",
                "x",
                "18446744073709551615",
                "18446744073709551615",
            ],
            &[
                "XRANGE",
                "x",
                "(18446744073709551615-18446744073709551615",
                "+",
            ],
            &["XRANGE", "x", "-", "(0-0"],
            &["XRANGE", "x", "(0-0", "+"],
            &[
                "XRANGE",
                "x",
                "-",
                "(18446744073709551615-18446744073709551615",
            ],
            &["XRANGE", "x", "18446744073709551616", "+"],
            &[
                "XREVRANGE",
                "x",
                "+",
                "(18446744073709551615-18446744073709551615",
            ],
            &["XREVRANGE", "x", "(0-0", "-"],
            &[
                "XREVRANGE",
                "x",
                "(18446744073709551615-18446744073709551615",
                "-",
            ],
            &["XRANGE", "x", "-", "+", "COUNT", MIN],
            &["XRANGE", "x", "-", "+", "COUNT", "-1"],
            &["XRANGE", "x", "-", "+", "COUNT", "0"],
            &["XRANGE", "x", "-", "+", "COUNT", MAX],
            &["XRANGE", "x", "-", "+", "COUNT", MAXP1],
            &["XREVRANGE", "x", "+", "-", "COUNT", MIN],
            &["XREVRANGE", "x", "+", "-", "COUNT", MAX],
        ],
    );
    // Trimming.
    let mut script: Vec<Vec<&str>> = Vec::new();
    for args in [
        vec!["MAXLEN", "-1"],
        vec!["MAXLEN", MIN],
        vec!["MAXLEN", MAXP1],
        vec!["MAXLEN", MAX],
        vec!["MAXLEN", "~", MAX],
        vec!["MAXLEN", "~", "0", "LIMIT", "-1"],
        vec!["MAXLEN", "~", "0", "LIMIT", MIN],
        vec!["MAXLEN", "~", "0", "LIMIT", MAX],
        vec!["MAXLEN", "~", "0", "LIMIT", MAXP1],
        vec!["MAXLEN", "=", "0", "LIMIT", MAX],
        vec!["MINID", "18446744073709551615-18446744073709551615"],
        vec!["MINID", "18446744073709551616"],
        vec!["MINID", "~", "18446744073709551615", "LIMIT", MAX],
        vec!["MINID", "-1"],
        vec!["MAXLEN", "0"],
    ] {
        let mut t = vec!["XTRIM", "t"];
        t.extend(args.iter().copied());
        script.push(vec!["DEL", "t"]);
        script.push(vec!["XADD", "t", "1-1", "f", "v"]);
        script.push(vec!["XADD", "t", "2-1", "f", "v"]);
        script.push(t);
        script.push(vec!["XLEN", "t"]);
        let mut a = vec!["XADD", "t"];
        a.extend(args.iter().copied());
        a.extend(["3-1", "f", "v"]);
        script.push(a);
        script.push(vec!["XLEN", "t"]);
    }
    for argv in &script {
        d.cmd(argv);
    }
    d.cmd(&["PING"]);
    // Consumer groups: XREAD/XREADGROUP, XPENDING, XCLAIM, XAUTOCLAIM.
    group(
        &mut d,
        &[
            &["DEL", "g"],
            &["XADD", "g", "1-1", "f", "v"],
            &["XADD", "g", "2-1", "f", "v"],
            &["XGROUP", "CREATE", "g", "grp", "0"],
            &["XREAD", "COUNT", "-1", "STREAMS", "g", "0"],
            &["XREAD", "COUNT", MIN, "STREAMS", "g", "0"],
            &["XREAD", "COUNT", "0", "STREAMS", "g", "0"],
            &["XREAD", "COUNT", MAX, "STREAMS", "g", "0"],
            &["XREAD", "COUNT", MAXP1, "STREAMS", "g", "0"],
            &["XREAD", "BLOCK", "-1", "STREAMS", "g", "0"],
            &["XREAD", "BLOCK", MIN, "STREAMS", "g", "0"],
            &["XREAD", "BLOCK", MAXP1, "STREAMS", "g", "0"],
            &["XREAD", "BLOCK", MAX, "STREAMS", "g", "0"],
            &["XREAD", "BLOCK", "9223372036854775", "STREAMS", "g", "0"],
            &["XREAD", "STREAMS", "g", top],
            &[
                "XREADGROUP",
                "GROUP",
                "grp",
                "c",
                "COUNT",
                MIN,
                "STREAMS",
                "g",
                ">",
            ],
            &[
                "XREADGROUP",
                "GROUP",
                "grp",
                "c",
                "COUNT",
                "1",
                "STREAMS",
                "g",
                ">",
            ],
            &[
                "XREADGROUP",
                "GROUP",
                "grp",
                "c",
                "COUNT",
                MAX,
                "STREAMS",
                "g",
                ">",
            ],
            &[
                "XREADGROUP",
                "GROUP",
                "grp",
                "c",
                "COUNT",
                MAX,
                "STREAMS",
                "g",
                "0",
            ],
            &[
                "XREADGROUP",
                "GROUP",
                "grp",
                "c",
                "BLOCK",
                "-1",
                "STREAMS",
                "g",
                ">",
            ],
            &["XPENDING", "g", "grp", "-", "+", MIN],
            &["XPENDING", "g", "grp", "-", "+", "-1"],
            &["XPENDING", "g", "grp", "-", "+", "0"],
            &["XPENDING", "g", "grp", "-", "+", MAX],
            &["XPENDING", "g", "grp", "-", "+", MAXP1],
            &["XPENDING", "g", "grp", "IDLE", "-1", "-", "+", "10"],
            &["XPENDING", "g", "grp", "IDLE", MIN, "-", "+", "10"],
            &["XPENDING", "g", "grp", "IDLE", MAX, "-", "+", "10"],
            &["XPENDING", "g", "grp", "IDLE", MAXP1, "-", "+", "10"],
            &[
                "XPENDING",
                "g",
                "grp",
                "(18446744073709551615-18446744073709551615",
                "+",
                "10",
            ],
            &["XPENDING", "g", "grp", "-", "(0-0", "10"],
            &["XPENDING", "g", "grp", top, top, "10"],
            &["XAUTOCLAIM", "g", "grp", "c2", "0", "0", "COUNT", MAX],
            &["XAUTOCLAIM", "g", "grp", "c2", "0", "0", "COUNT", "0"],
            &["XAUTOCLAIM", "g", "grp", "c2", "0", "0", "COUNT", "-1"],
            &["XAUTOCLAIM", "g", "grp", "c2", "0", "0", "COUNT", MIN],
            // Redis caps COUNT so that its transient array of IDs fits
            // in i64, then fails to allocate that much.
            &[
                "XAUTOCLAIM",
                "g",
                "grp",
                "c2",
                "0",
                "0",
                "COUNT",
                "576460752303423487",
            ],
            &[
                "XAUTOCLAIM",
                "g",
                "grp",
                "c2",
                "0",
                "0",
                "COUNT",
                "576460752303423488",
            ],
            &["XAUTOCLAIM", "g", "grp", "c2", "0", "0", "COUNT", "1000"],
            &["XAUTOCLAIM", "g", "grp", "c2", "-1", "0"],
            &["XAUTOCLAIM", "g", "grp", "c2", MIN, "0"],
            &["XAUTOCLAIM", "g", "grp", "c2", MAX, "0"],
            &["XAUTOCLAIM", "g", "grp", "c2", "0", top, "COUNT", "1"],
            &[
                "XAUTOCLAIM",
                "g",
                "grp",
                "c2",
                "0",
                "(18446744073709551615-18446744073709551615",
            ],
            &["XCLAIM", "g", "grp", "c3", MIN, "1-1"],
            &["XCLAIM", "g", "grp", "c3", MAX, "1-1"],
            &[
                "XCLAIM", "g", "grp", "c3", "0", "1-1", "IDLE", MIN, "JUSTID",
            ],
            &[
                "XCLAIM", "g", "grp", "c3", "0", "1-1", "IDLE", MAX, "JUSTID",
            ],
            &[
                "XCLAIM",
                "g",
                "grp",
                "c3",
                "0",
                "1-1",
                "RETRYCOUNT",
                "-1",
                "JUSTID",
            ],
            &[
                "XCLAIM",
                "g",
                "grp",
                "c3",
                "0",
                "1-1",
                "RETRYCOUNT",
                MIN,
                "JUSTID",
            ],
            &[
                "XCLAIM",
                "g",
                "grp",
                "c3",
                "0",
                "1-1",
                "RETRYCOUNT",
                MAX,
                "JUSTID",
            ],
            &[
                "XCLAIM", "g", "grp", "c3", "0", "1-1", "TIME", MIN, "JUSTID",
            ],
            &[
                "XCLAIM", "g", "grp", "c3", "0", "1-1", "TIME", MAX, "JUSTID",
            ],
            &[
                "XCLAIM", "g", "grp", "c3", "0", "1-1", "TIME", "-1", "JUSTID",
            ],
            &["XCLAIM", "g", "grp", "c3", "0", top, "JUSTID"],
            &["XINFO", "STREAM", "g", "FULL", "COUNT", MIN],
            &["XINFO", "STREAM", "g", "FULL", "COUNT", "-1"],
            &["XINFO", "STREAM", "g", "FULL", "COUNT", MAXP1],
            &["XINFO", "STREAM", "g", "FULL", "COUNT", MAX],
            &["XINFO", "STREAM", "g", "FULL", "COUNT", "0"],
            &["XGROUP", "CREATE", "g", "grp2", top],
            &["XGROUP", "CREATE", "g", "grp3", "0", "ENTRIESREAD", MIN],
            &["XGROUP", "CREATE", "g", "grp3", "0", "ENTRIESREAD", MAX],
            &["XGROUP", "SETID", "g", "grp", "0", "ENTRIESREAD", "-2"],
            &["XGROUP", "SETID", "g", "grp", U64P1],
            &["XSETID", "g", top],
            &["XSETID", "g", top, "ENTRIESADDED", MIN],
            &["XSETID", "g", top, "ENTRIESADDED", MAX, "MAXDELETEDID", top],
            &["XSETID", "g", "18446744073709551616-0"],
            &["XADD", "g", "*", "f", "v"],
        ],
    );
    // Sizes are estimates on both sides: only the kind of reply counts.
    d.cmd_with(
        &["MEMORY", "USAGE", "k", "SAMPLES", MAX],
        crate::common::norm::any_int,
    );
    finish(d);
}

#[test]
fn timeouts_at_the_limits() {
    let mut d = Diff::new();
    for t in [
        "-1",
        MIN,
        MAX,
        MAXP1,
        "9223372036854775",
        "9223372036854776",
        "9223372036854775.807",
        "9223372036854775.808",
        "1e300",
        "-1e300",
        "inf",
        "-inf",
        "+inf",
        "nan",
        "0.0001",
        "-0.0001",
        "1e-400",
        "1e400",
        " 1",
        "0x10",
        "0x1p62",
        "",
    ] {
        // Every key holds data, so a timeout that is accepted never
        // blocks: the command answers at once on both servers.
        d.cmd(&["DEL", "l", "z"]);
        d.cmd(&["RPUSH", "l", "a", "b", "c", "d", "e"]);
        d.cmd(&[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ]);
        d.cmd(&["BLPOP", "l", t]);
        d.cmd(&["BRPOP", "l", t]);
        d.cmd(&["BLMOVE", "l", "l", "LEFT", "RIGHT", t]);
        d.cmd(&["BRPOPLPUSH", "l", "l", t]);
        d.cmd(&["BLMPOP", t, "1", "l", "LEFT"]);
        d.cmd(&["BZPOPMIN", "z", t]);
        d.cmd(&["BZPOPMAX", "z", t]);
        d.cmd(&["BZMPOP", t, "1", "z", "MIN"]);
        d.cmd(&["WAIT", "0", t]);
    }
    group(
        &mut d,
        &[
            &["WAIT", "-1", "0"],
            &["WAIT", MIN, "0"],
            &["WAIT", MAXP1, "0"],
            // No replica is asked for: answers at once.
            &["WAIT", "0", MAX],
            &["WAIT", "0", MIN],
        ],
    );
    // Redis rounds a timeout up to whole milliseconds: 0.0001 s waits
    // 1 ms (it is not 0, "forever"); -0.0001 s is refused by neither.
    group(
        &mut d,
        &[
            &["BLPOP", "nothing", "0.0001"],
            &["BZPOPMIN", "nothing", "0.0001"],
            &["BLMOVE", "nothing", "l", "LEFT", "LEFT", "0.0009"],
            &["BLMPOP", "0.0001", "1", "nothing", "LEFT"],
        ],
    );
    // A timeout whose deadline lies past the clock's range waits until
    // served (it neither times out at once nor fails).
    for (cmd, t) in [("BLPOP", "9223372036854775.807"), ("XREAD", MAX)] {
        let (mut fa, mut ra) = d.new_conns();
        let argv: Vec<&str> = if cmd == "BLPOP" {
            vec!["BLPOP", "empty", t]
        } else {
            // "0", not "$": should the XADD come first, the reply is the same.
            vec!["XREAD", "BLOCK", t, "STREAMS", "xs", "0"]
        };
        let req = crate::common::encode_request(&argv);
        fa.send(&req);
        ra.send(&req);
        std::thread::sleep(std::time::Duration::from_millis(100));
        if cmd == "BLPOP" {
            d.cmd(&["RPUSH", "empty", "x"]);
        } else {
            d.cmd(&["XADD", "xs", "1-1", "f", "v"]);
        }
        let (f, r) = (fa.read_raw(), ra.read_raw());
        d.check(&format!("{cmd} with timeout {t}"), &f, &r);
    }
    finish(d);
}

#[test]
fn sort_limit_config_and_db_indexes_at_the_limits() {
    let mut d = Diff::new();
    d.cmd(&["RPUSH", "l", "3", "1", "2", "5", "4"]);
    for (off, cnt) in [
        (MIN, MAX),
        (MAX, MAX),
        (MAX, "1"),
        ("0", "-1"),
        ("0", MIN),
        ("-1", "2"),
        (MIN, "2"),
        ("2", MAX),
        ("5", "1"),
        ("0", "0"),
        (MAXP1, "1"),
        ("0", MAXP1),
    ] {
        d.cmd(&["SORT", "l", "LIMIT", off, cnt]);
        d.cmd(&["SORT", "l", "DESC", "LIMIT", off, cnt]);
        d.cmd(&["SORT_RO", "l", "ALPHA", "LIMIT", off, cnt]);
        d.cmd(&["SORT", "l", "LIMIT", off, cnt, "STORE", "dst"]);
        d.cmd(&["LRANGE", "dst", "0", "-1"]);
        d.cmd(&["SORT", "l", "BY", "nosort", "LIMIT", off, cnt]);
        d.cmd(&["SORT", "missing", "LIMIT", off, cnt]);
    }
    d.cmd(&["RPUSH", "nums", MAX, MIN, "1e308", "-inf", "inf", "0"]);
    d.cmd(&["SORT", "nums"]);
    d.cmd(&["RPUSH", "nan", "nan", "1"]);
    d.cmd(&["SORT", "nan"]);
    d.cmd(&["PING"]);
    group(
        &mut d,
        &[
            &["CONFIG", "SET", "maxmemory", "1e30"],
            &["CONFIG", "SET", "maxmemory", "-1"],
            &["CONFIG", "SET", "maxmemory", MAX],
            &["CONFIG", "GET", "maxmemory"],
            &["CONFIG", "SET", "maxmemory", MAXP1],
            &["CONFIG", "SET", "maxmemory", U64MAX],
            &["CONFIG", "SET", "maxmemory", U64P1],
            &["CONFIG", "SET", "maxmemory", "9223372036854775807gb"],
            &["CONFIG", "SET", "maxmemory", "8589934592gb"],
            &["CONFIG", "SET", "maxmemory", "8589934591gb"],
            &["CONFIG", "GET", "maxmemory"],
            &["CONFIG", "SET", "maxmemory", "0"],
            &["CONFIG", "SET", "proto-max-bulk-len", MAX],
            &["CONFIG", "SET", "proto-max-bulk-len", "-1"],
            &["CONFIG", "SET", "proto-max-bulk-len", "0"],
            &["CONFIG", "SET", "maxclients", MAX],
            &["CONFIG", "SET", "hz", MAX],
            &["CONFIG", "SET", "hz", MIN],
            &["CONFIG", "GET", "hz"],
            &["CONFIG", "SET", "hz", "10"],
            &["CONFIG", "SET", "timeout", MAX],
            &["CONFIG", "SET", "timeout", "-1"],
            &["CONFIG", "SET", "list-max-listpack-size", MIN],
            &["CONFIG", "SET", "slowlog-log-slower-than", MIN],
            &["CONFIG", "SET", "slowlog-log-slower-than", MAX],
            &["CONFIG", "SET", "slowlog-log-slower-than", "10000"],
            &["CONFIG", "SET", "active-expire-effort", MAX],
            &["CONFIG", "SET", "lfu-log-factor", MAX],
            &["CONFIG", "SET", "lfu-log-factor", "10"],
            &["SELECT", MAX],
            &["SELECT", MIN],
            &["SELECT", "4294967296"],
            &["SELECT", "-1"],
            &["SET", "k", "v"],
            &["MOVE", "k", MAX],
            &["MOVE", "k", "-1"],
            &["MOVE", "k", "4294967297"],
            &["COPY", "k", "k2", "DB", MAX],
            &["COPY", "k", "k2", "DB", "4294967296"],
            &["SWAPDB", "0", MAX],
            &["SWAPDB", MIN, "0"],
            &["SWAPDB", "4294967296", "0"],
            &["SLOWLOG", "GET", MIN],
            &["SLOWLOG", "GET", MAX],
            &["SLOWLOG", "GET", "-1"],
            &["SLOWLOG", "GET", "-2"],
            &["OBJECT", "FREQ", "k"],
            &["CLIENT", "KILL", "ID", MAX],
            &["CLIENT", "KILL", "ID", "-1"],
            &["CLIENT", "KILL", "ID", U64MAX],
            &["CLIENT", "UNBLOCK", MAX],
            &["CLIENT", "UNBLOCK", U64MAX],
            &["CLIENT", "UNBLOCK", "-1"],
            &["EVAL", "return 1", MAX],
            &["EVAL", "return 1", MIN],
            &["EVAL", "return 1", "-1"],
            &["EVAL", "return 1", MAXP1],
            &["FCALL", "f", MAX],
            &["FCALL", "f", "-1"],
            &["MEMORY", "USAGE", "k", "SAMPLES", MIN],
            &["MEMORY", "USAGE", "k", "SAMPLES", "-1"],
            &["SRANDMEMBER", "k", MAX],
            &["LCS", "k", "k", "MINMATCHLEN", MIN],
            &["LCS", "k", "k", "MINMATCHLEN", MAX, "IDX"],
            &["OBJECT", "ENCODING", "k"],
        ],
    );
    finish(d);
}

#[test]
fn numkeys_and_intercard_limits_at_the_limits() {
    let mut d = Diff::new();
    d.cmd(&["ZADD", "z", "1", "a", "2", "b"]);
    d.cmd(&["SADD", "s", "a", "b"]);
    d.cmd(&["RPUSH", "l", "a", "b"]);
    let mut script: Vec<Vec<&str>> = Vec::new();
    for n in [
        MAX,
        MIN,
        "-1",
        "0",
        MAXP1,
        "2147483648",
        "4294967297",
        "2",
        "1",
    ] {
        script.push(vec!["ZUNIONSTORE", "dst", n, "z"]);
        script.push(vec!["ZINTERSTORE", "dst", n, "z", "WEIGHTS", "1"]);
        script.push(vec!["ZDIFFSTORE", "dst", n, "z"]);
        script.push(vec!["ZUNION", n, "z", "WITHSCORES"]);
        script.push(vec!["ZINTER", n, "z"]);
        script.push(vec!["ZDIFF", n, "z"]);
        script.push(vec!["ZINTERCARD", n, "z"]);
        script.push(vec!["SINTERCARD", n, "s"]);
        script.push(vec!["LMPOP", n, "l", "RIGHT"]);
        script.push(vec!["ZMPOP", n, "z", "MAX"]);
        // Found by the command fuzzer: the key positions of a blocking
        // pop were computed before its numkeys was checked, and a huge
        // numkeys overflowed there.
        script.push(vec!["BZMPOP", "0.01", n, "z", "MAX"]);
        script.push(vec!["BLMPOP", "0.01", n, "l", "LEFT"]);
        script.push(vec!["BZMPOP", "N", n, MIN, "v", "k0"]);
        script.push(vec!["COMMAND", "GETKEYS", "ZMPOP", n, "z", "MAX"]);
        script.push(vec!["EVAL", "return #KEYS", n, "k"]);
        script.push(vec!["EVAL_RO", "return #KEYS", n]);
        script.push(vec!["FCALL", "nofunc", n, "k"]);
        script.push(vec!["RPUSH", "l", "a"]);
        script.push(vec!["ZADD", "z", "1", "a", "2", "b"]);
    }
    for limit in [MAX, MIN, "-1", "0", MAXP1, "1"] {
        script.push(vec!["ZINTERCARD", "1", "z", "LIMIT", limit]);
        script.push(vec!["SINTERCARD", "1", "s", "LIMIT", limit]);
    }
    for w in ["inf", "-inf", "nan", "1e400", MAX] {
        script.push(vec!["ZUNIONSTORE", "dst", "1", "z", "WEIGHTS", w]);
        script.push(vec!["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
    }
    script.push(vec![
        "ZUNIONSTORE",
        "dst",
        "2",
        "z",
        "z",
        "WEIGHTS",
        "inf",
        "-inf",
    ]);
    script.push(vec!["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
    for v in [MAX, MIN, MAXP1, "4294967298", "-4294967294", "0"] {
        script.push(vec!["HELLO", v]);
    }
    for c in [MAX, MIN, "-1", MAXP1] {
        script.push(vec!["ACL", "LOG", c]);
    }
    for argv in &script {
        d.cmd(argv);
    }
    d.cmd(&["PING"]);
    finish(d);
}

#[test]
fn protocol_lengths_at_the_limits() {
    let mut d = Diff::new();
    // A non-positive multibulk count is an empty request: skipped.
    for n in ["-1", "0", MIN, "-2147483649"] {
        d.raw(format!("*{n}\r\n*1\r\n$4\r\nPING\r\n").as_bytes(), 1);
    }
    for bad in [
        format!("*{MAX}\r\n"),
        format!("*{MAXP1}\r\n"),
        format!("*{U64P1}\r\n"),
        "*1\r\n$-2\r\n".to_string(),
        format!("*1\r\n${MAX}\r\n"),
        format!("*1\r\n${MAXP1}\r\n"),
        format!("*1\r\n${MIN}\r\n"),
        format!("*1\r\n${U64MAX}\r\n"),
        // One past the default proto-max-bulk-len (512 MB).
        "*1\r\n$536870913\r\n".to_string(),
    ] {
        d.raw_closes(bad.as_bytes(), None);
    }
    finish(d);
}
