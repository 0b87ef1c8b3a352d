//! The string family (GET/SET and friends, counters, INCRBYFLOAT, ranges,
//! LCS) and the bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
//! BITFIELD, BITFIELD_RO): differential against redis-server 7.0 for every
//! option and error path, randomized sequences per group, and redis-py.

use rand::rngs::StdRng;
use rand::Rng;

use crate::common::diff::Side;
use crate::common::{python, Diff, Resp, Server};

fn upper(a: &[u8]) -> String {
    String::from_utf8_lossy(a).to_ascii_uppercase()
}

/// TTL/PTTL replies: a positive value becomes a coarse bucket (the two
/// servers run the commands a few milliseconds apart).
fn ttl_bucket(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    let name = argv.first().map(|a| upper(a)).unwrap_or_default();
    let unit = match name.as_str() {
        "TTL" => 1,
        "PTTL" => 1000,
        _ => return,
    };
    if let Resp::Int(v) = r {
        if *v > 0 {
            *v = (*v / unit + 50) / 100;
        }
    }
}

fn run(script: &[&[&str]]) {
    let mut d = Diff::new();
    d.normalize(ttl_bucket);
    d.script(script);
    d.finish();
}

#[test]
fn set_and_get_options() {
    run(&[
        &["SET", "a", "1"],
        &["GET", "a"],
        &["SET", "a", "2", "NX"],
        &["SET", "a", "2", "XX"],
        &["SET", "b", "2", "XX"],
        &["SET", "b", "2", "NX", "GET"],
        &["SET", "b", "3", "XX", "GET"],
        &["SET", "b", "4", "NX", "XX"],
        &["SET", "b", "4", "EX", "100"],
        &["TTL", "b"],
        &["SET", "b", "4", "KEEPTTL"],
        &["TTL", "b"],
        &["SET", "b", "4"],
        &["TTL", "b"],
        &["SET", "b", "4", "PX", "100000"],
        &["PTTL", "b"],
        &["SET", "b", "4", "EX", "0"],
        &["SET", "b", "4", "EX", "-1"],
        &["SET", "b", "4", "EX", "x"],
        &["SET", "b", "4", "EX", "9223372036854775807"],
        &["SET", "b", "4", "PX", "9223372036854775807"],
        &["SET", "b", "4", "EX"],
        &["SET", "b", "4", "EX", "10", "PX", "10"],
        &["SET", "b", "4", "EX", "10", "KEEPTTL"],
        &["SET", "b", "4", "EXAT", "1"],
        &["GET", "b"],
        &["SET", "b", "4", "PXAT", "99999999999999"],
        &["TTL", "b"],
        &["SET", "b", "4", "FOO"],
        &["SET", "b", "4", "GET", "GET"],
        &["GET", "nosuch"],
        &["SET", "e", ""],
        &["GET", "e"],
        &["SET", "b", "x", "xx", "get", "px", "5000"],
    ]);
}

#[test]
fn getex_getdel_getset() {
    run(&[
        &["GETEX", "nokey"],
        &["GETEX", "nokey", "EX", "10"],
        &["SET", "a", "v"],
        &["GETEX", "a"],
        &["TTL", "a"],
        &["GETEX", "a", "EX", "100"],
        &["TTL", "a"],
        &["GETEX", "a", "PX", "200000"],
        &["TTL", "a"],
        &["GETEX", "a", "EXAT", "99999999999"],
        &["TTL", "a"],
        &["GETEX", "a", "PERSIST"],
        &["TTL", "a"],
        &["GETEX", "a", "PXAT", "99999999999999"],
        &["GETEX", "a", "persist"],
        &["TTL", "a"],
        &["GETEX", "a", "EX", "0"],
        &["GETEX", "a", "EX", "-5"],
        &["GETEX", "a", "EX", "abc"],
        &["GETEX", "a", "EX"],
        &["GETEX", "a", "EX", "10", "PX", "10"],
        &["GETEX", "a", "PERSIST", "EX", "10"],
        &["GETEX", "a", "KEEPTTL"],
        &["GETEX", "a", "NX"],
        &["GETEX", "a", "FOO"],
        &["GETEX", "a", "EXAT", "1"],
        &["EXISTS", "a"],
        &["GETEX", "nokey", "EX", "0"],
        &["GETEX", "nokey", "bad"],
        &["GETDEL", "nokey"],
        &["SET", "b", "12"],
        &["GETDEL", "b"],
        &["GETDEL", "b"],
        &["EXISTS", "b"],
        &["GETSET", "c", "1"],
        &["GETSET", "c", "2"],
        &["SET", "c", "x", "EX", "100"],
        &["GETSET", "c", "3"],
        &["TTL", "c"],
        &["GET", "c"],
        &["GETDEL"],
        &["GETDEL", "a", "b"],
        &["GETSET", "a"],
        &["GETEX"],
    ]);
}

#[test]
fn mget_mset_msetnx() {
    run(&[
        &["MGET", "a", "b", "c"],
        &["MSET", "a", "1", "b", "2"],
        &["MGET", "a", "b", "c", "a"],
        &["MSET", "a"],
        &["MSET", "a", "1", "b"],
        &["MSET"],
        &["MSET", "k", "1", "k", "2"],
        &["GET", "k"],
        &["MSETNX", "a", "9", "z", "9"],
        &["GET", "z"],
        &["MSETNX", "x", "1", "y", "2"],
        &["MGET", "x", "y"],
        &["MSETNX", "x"],
        &["MSETNX", "p", "1", "q"],
        &["MSETNX", "m", "1", "m", "2"],
        &["GET", "m"],
        &["SET", "t", "v", "EX", "100"],
        &["MSET", "t", "w"],
        &["TTL", "t"],
        &["MGET"],
    ]);
    // Many keys spread over every shard.
    let mut d = Diff::new();
    let mut mset: Vec<String> = vec!["MSET".into()];
    let mut mget: Vec<String> = vec!["MGET".into()];
    for i in 0..200 {
        mset.push(format!("key:{i}"));
        mset.push(format!("value-{i}"));
        mget.push(format!("key:{}", i * 3 % 250));
    }
    d.cmd(&mset);
    d.cmd(&mget);
    d.finish();
}

#[test]
fn setnx_setex_psetex() {
    run(&[
        &["SETNX", "a", "1"],
        &["SETNX", "a", "2"],
        &["GET", "a"],
        &["SETEX", "b", "100", "v"],
        &["TTL", "b"],
        &["GET", "b"],
        &["SETEX", "b", "0", "v"],
        &["SETEX", "b", "-1", "v"],
        &["SETEX", "b", "x", "v"],
        &["SETEX", "b", "9223372036854775807", "v"],
        &["SETEX", "b", "10"],
        &["PSETEX", "c", "100000", "v"],
        &["PTTL", "c"],
        &["PSETEX", "c", "0", "v"],
        &["PSETEX", "c", "-10", "v"],
        &["PSETEX", "c", "1.5", "v"],
        &["PSETEX", "c", "9223372036854775807", "v"],
        &["SETNX", "a"],
        &["SETEX", "a", "1", "2", "3"],
    ]);
}

#[test]
fn append_and_strlen() {
    run(&[
        &["STRLEN", "a"],
        &["APPEND", "a", "hello"],
        &["APPEND", "a", " world"],
        &["GET", "a"],
        &["STRLEN", "a"],
        &["SET", "n", "123"],
        &["APPEND", "n", "456"],
        &["GET", "n"],
        &["STRLEN", "n"],
        &["INCR", "n"],
        &["STRLEN", "n"],
        &["APPEND", "e", ""],
        &["EXISTS", "e"],
        &["STRLEN", "e"],
        &["SET", "t", "v", "EX", "100"],
        &["APPEND", "t", "w"],
        &["TTL", "t"],
        &["SET", "neg", "-9223372036854775808"],
        &["STRLEN", "neg"],
        &["APPEND", "a"],
        &["STRLEN"],
    ]);
}

#[test]
fn append_respects_proto_max_bulk_len() {
    let mut d = Diff::new();
    d.cmd(&["CONFIG", "SET", "proto-max-bulk-len", "1048576"]);
    let big = "x".repeat(1_000_000);
    d.cmd(&["SET", "a", &big]);
    d.cmd(&["APPEND", "a", &"y".repeat(48_576)]);
    d.cmd(&["APPEND", "a", "z"]);
    d.cmd(&["STRLEN", "a"]);
    d.cmd(&["SETRANGE", "a", "1048575", "q"]);
    d.cmd(&["SETRANGE", "a", "1048576", "q"]);
    d.cmd(&["SETRANGE", "new", "1048576", "q"]);
    d.cmd(&["SETRANGE", "new", "1048575", ""]);
    d.cmd(&["SETBIT", "bits", "8388608", "1"]);
    d.cmd(&["SETBIT", "bits", "8388607", "1"]);
    d.cmd(&["STRLEN", "bits"]);
    d.cmd(&["GETBIT", "bits", "8388608"]);
    d.cmd(&["BITFIELD", "bits", "SET", "u8", "8388600", "1"]);
    d.cmd(&["BITFIELD", "bits", "GET", "u8", "8388608"]);
    d.cmd(&["BITFIELD", "bits", "GET", "u8", "#1048576"]);
    d.cmd(&["BITFIELD", "bits", "GET", "u8", "#1048575"]);
    d.finish();
}

#[test]
fn incr_decr_family() {
    run(&[
        &["INCR", "a"],
        &["INCR", "a"],
        &["DECR", "a"],
        &["DECR", "b"],
        &["INCRBY", "a", "100"],
        &["INCRBY", "a", "-1000"],
        &["DECRBY", "a", "5"],
        &["DECRBY", "a", "-5"],
        &["INCRBY", "a", "x"],
        &["INCRBY", "a", "1.5"],
        &["INCRBY", "a", " 1"],
        &["INCRBY", "a", "+1"],
        &["INCRBY", "a", "01"],
        &["DECRBY", "a", "-9223372036854775808"],
        &["DECRBY", "a", "9223372036854775808"],
        &["SET", "m", "9223372036854775806"],
        &["INCR", "m"],
        &["INCR", "m"],
        &["GET", "m"],
        &["SET", "m", "-9223372036854775807"],
        &["DECR", "m"],
        &["DECR", "m"],
        &["INCRBY", "m", "9223372036854775807"],
        &["SET", "s", "abc"],
        &["INCR", "s"],
        &["SET", "s", "12 "],
        &["INCR", "s"],
        &["SET", "s", "012"],
        &["INCR", "s"],
        &["SET", "s", "1.0"],
        &["DECR", "s"],
        &["SET", "s", ""],
        &["INCR", "s"],
        &["SET", "s", "99999999999999999999"],
        &["INCR", "s"],
        &["SET", "t", "10", "EX", "100"],
        &["INCR", "t"],
        &["TTL", "t"],
        &["APPEND", "r", "41"],
        &["INCR", "r"],
        &["INCR"],
        &["INCRBY", "a"],
        &["DECRBY", "a", "1", "2"],
    ]);
}

#[test]
fn incrbyfloat_cases() {
    let mut d = Diff::new();
    let cases: &[(&str, &str)] = &[
        ("10.5", "0.1"),
        ("3", "0"),
        ("0", "1.1"),
        ("5.0e3", "2.0e2"),
        ("1", "-1"),
        ("0.1", "0.2"),
        ("1.5", "-1.5"),
        ("-0", "0"),
        ("1e308", "1e308"),
        ("1", "1e4000"),
        ("1", "0x10"),
        ("1", "0x1p-3"),
        ("1", "0X.8P1"),
        ("1", "inf"),
        ("1", "-inf"),
        ("1", "infinity"),
        ("1", "nan"),
        ("1", " 1"),
        ("1", "1 "),
        ("1", "+1.5"),
        ("1", "1e-5000"),
        ("1", "1e-4940"),
        ("0", "1e-4940"),
        ("0", "2.5e-17"),
        ("0", "1e-17"),
        ("0", "4e-18"),
        ("0", "6e-18"),
        ("0", "0.000003814697265625"),
        ("0", "0.000011444091796875"),
        ("1", "abc"),
        ("1", ""),
        ("1", "1e"),
        ("1", "."),
        ("1", "1."),
        ("1", ".5"),
        ("1", "-.5e1"),
        ("1", "0x"),
        ("abc", "1"),
        ("1 ", "1"),
        ("9223372036854775807", "1"),
        ("-9223372036854775808", "-1"),
        ("123456789012345678901234567890", "0.5"),
        ("0.1", "3.3333333333333333333"),
        ("1.7976931348623157e308", "1"),
        ("1e4932", "1e4932"),
        ("1e4931", "1"),
        ("3.14159265358979323846264338327950288", "0"),
        ("1", "0.00000000000000001"),
        ("1", "0.000000000000000005"),
        ("1", "0.000000000000000015"),
        ("-1", "0.5"),
        ("-5", "4.99999999999999999999"),
        ("100", "-100.00000000000000001"),
        ("1e-300", "0"),
        ("12345.6789", "-12345.6789"),
    ];
    for (i, (start, incr)) in cases.iter().enumerate() {
        let k = format!("f{i}");
        d.cmd(&["SET", &k, start]);
        d.cmd(&["INCRBYFLOAT", &k, incr]);
        d.cmd(&["GET", &k]);
        d.cmd(&["INCRBYFLOAT", &k, "0.25"]);
    }
    d.cmd(&["INCRBYFLOAT", "new", "2.5"]);
    d.cmd(&["INCRBYFLOAT", "new2", "3"]);
    d.cmd(&["SET", "t", "1.5", "EX", "100"]);
    d.cmd(&["INCRBYFLOAT", "t", "1"]);
    d.cmd_with(&["TTL", "t"], ttl_bucket);
    d.cmd(&["INCRBYFLOAT", "t"]);
    d.cmd(&["INCRBYFLOAT", "t", "1", "2"]);
    d.cmd(&[&b"INCRBYFLOAT"[..], b"nul", b"1\x00junk"]);
    d.cmd(&[&b"INCRBYFLOAT"[..], b"nul", b"\x00"]);
    d.cmd(&["INCRBYFLOAT", "big", &"9".repeat(5119)]);
    d.cmd(&["INCRBYFLOAT", "big", &"1".repeat(5120)]);
    d.finish();
}

fn rand_float(rng: &mut StdRng) -> String {
    match rng.gen_range(0..8) {
        0 => format!("{}", rng.gen_range(-1000i64..1000)),
        1 => format!("{:.3}", rng.gen_range(-1000.0..1000.0)),
        2 => format!("{}", rng.gen::<f64>()),
        3 => format!("{:e}", rng.gen_range(-1e30..1e30)),
        4 => format!("{}e{}", rng.gen_range(1..99), rng.gen_range(-40..40)),
        5 => format!("0.{}", rng.gen_range(1..99999999u64)),
        6 => format!("-{}.{:05}", rng.gen_range(0..100), rng.gen_range(0..100000)),
        _ => format!("{:.20}", rng.gen_range(-1.0..1.0)),
    }
}

#[test]
fn incrbyfloat_random() {
    let mut d = Diff::new();
    d.random(600, |rng| {
        let k = format!("k{}", rng.gen_range(0..6));
        match rng.gen_range(0..10) {
            0 => vec![
                b"SET".to_vec(),
                k.into_bytes(),
                rand_float(rng).into_bytes(),
            ],
            1 => vec![b"GET".to_vec(), k.into_bytes()],
            _ => vec![
                b"INCRBYFLOAT".to_vec(),
                k.into_bytes(),
                rand_float(rng).into_bytes(),
            ],
        }
    });
    d.finish();
}

#[test]
fn getrange_substr_setrange() {
    run(&[
        &["GETRANGE", "nokey", "0", "-1"],
        &["SET", "s", "Hello World"],
        &["GETRANGE", "s", "0", "4"],
        &["GETRANGE", "s", "-3", "-1"],
        &["GETRANGE", "s", "0", "-1"],
        &["GETRANGE", "s", "10", "100"],
        &["GETRANGE", "s", "5", "3"],
        &["GETRANGE", "s", "-1", "-5"],
        &["GETRANGE", "s", "-100", "-50"],
        &["GETRANGE", "s", "-100", "100"],
        &["GETRANGE", "s", "20", "30"],
        &[
            "GETRANGE",
            "s",
            "-9223372036854775808",
            "9223372036854775807",
        ],
        &["GETRANGE", "s", "x", "1"],
        &["GETRANGE", "s", "1", "x"],
        &["GETRANGE", "nokey", "x", "1"],
        &["SUBSTR", "s", "1", "3"],
        &["SUBSTR", "s", "-2", "-1"],
        &["SET", "n", "12345"],
        &["GETRANGE", "n", "1", "2"],
        &["SET", "e", ""],
        &["GETRANGE", "e", "0", "-1"],
        &["GETRANGE", "e", "0", "0"],
        &["SETRANGE", "s", "6", "Redis"],
        &["GET", "s"],
        &["SETRANGE", "s", "20", "!"],
        &["GET", "s"],
        &["SETRANGE", "s", "0", ""],
        &["SETRANGE", "s", "-1", "x"],
        &["SETRANGE", "s", "x", "x"],
        &["SETRANGE", "nokey", "5", ""],
        &["EXISTS", "nokey"],
        &["SETRANGE", "new", "3", "abc"],
        &["GET", "new"],
        &["SETRANGE", "n", "0", "9"],
        &["GET", "n"],
        &["INCR", "n"],
        &["SETRANGE", "s", "536870911", ""],
        &["SETRANGE", "s", "536870912", "x"],
        &["SETRANGE", "s", "9223372036854775807", "x"],
        &["SET", "t", "abc", "EX", "100"],
        &["SETRANGE", "t", "1", "X"],
        &["TTL", "t"],
        &["GETRANGE", "s", "0"],
        &["SETRANGE", "s", "0"],
    ]);
}

#[test]
fn wrong_type_errors() {
    // Every string command refuses a list key (skipped until lists exist).
    let mut d = Diff::new();
    let has_lists = !d.fer.raw().cmd(&["RPUSH", "probe", "x"]).is_error();
    if has_lists {
        d.cmd(&["RPUSH", "l", "a"]);
        for c in [
            &["GET", "l"][..],
            &["SET", "l", "v", "GET"],
            &["GETEX", "l"],
            &["GETDEL", "l"],
            &["GETSET", "l", "v"],
            &["MGET", "l", "x"],
            &["APPEND", "l", "v"],
            &["STRLEN", "l"],
            &["INCR", "l"],
            &["DECRBY", "l", "1"],
            &["INCRBYFLOAT", "l", "1"],
            &["GETRANGE", "l", "0", "1"],
            &["SETRANGE", "l", "0", "x"],
            &["SETRANGE", "l", "0", ""],
            &["LCS", "l", "x"],
            &["LCS", "x", "l"],
            &["SETBIT", "l", "0", "1"],
            &["GETBIT", "l", "0"],
            &["BITCOUNT", "l"],
            &["BITPOS", "l", "1"],
            &["BITOP", "AND", "d", "l"],
            &["BITOP", "AND", "l", "x"],
            &["TYPE", "l"],
            &["BITFIELD", "l", "GET", "u8", "0"],
            &["BITFIELD", "l", "SET", "u8", "0", "1"],
            &["BITFIELD_RO", "l", "GET", "u8", "0"],
            &["SETNX", "l", "v"],
            &["MSETNX", "l", "v"],
            &["SET", "l", "v"],
            &["GET", "l"],
        ] {
            d.cmd(c);
        }
    }
    d.finish();
}

#[test]
fn lcs() {
    run(&[
        &["MSET", "a", "ohmytext", "b", "mynewtext"],
        &["LCS", "a", "b"],
        &["LCS", "a", "b", "LEN"],
        &["LCS", "a", "b", "IDX"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
        &["LCS", "a", "b", "IDX", "WITHMATCHLEN"],
        &["LCS", "a", "b", "IDX", "MINMATCHLEN", "-4"],
        &["LCS", "a", "b", "WITHMATCHLEN"],
        &["LCS", "a", "b", "MINMATCHLEN", "2"],
        &["LCS", "a", "b", "LEN", "IDX"],
        &["LCS", "a", "b", "MINMATCHLEN"],
        &["LCS", "a", "b", "MINMATCHLEN", "x"],
        &["LCS", "a", "b", "FOO"],
        &["LCS", "a", "nokey"],
        &["LCS", "nokey", "nokey2", "IDX"],
        &["LCS", "a", "a", "IDX", "WITHMATCHLEN"],
        &["MSET", "x", "abcabcabc", "y", "cbacbacba"],
        &["LCS", "x", "y", "IDX", "WITHMATCHLEN"],
        &["LCS", "y", "x", "IDX"],
        &["MSET", "n1", "1234567", "n2", "7654321234"],
        &["LCS", "n1", "n2", "IDX", "WITHMATCHLEN"],
        &["LCS", "a"],
    ]);
    let mut d = Diff::new();
    d.cmd(&["HELLO", "3"]);
    d.cmd(&["MSET", "a", "ohmytext", "b", "mynewtext"]);
    d.cmd(&["LCS", "a", "b", "IDX", "WITHMATCHLEN"]);
    d.cmd(&["CONFIG", "SET", "proto-max-bulk-len", "1048576"]);
    d.cmd(&["SET", "big1", &"ab".repeat(300)]);
    d.cmd(&["SET", "big2", &"ba".repeat(300)]);
    d.cmd(&["LCS", "big1", "big2", "LEN"]);
    d.cmd(&["SET", "big2", &"ba".repeat(500)]);
    d.cmd(&["LCS", "big1", "big2", "LEN"]);
    d.finish();
    // Random strings over a small alphabet.
    let mut d = Diff::new();
    d.random(300, |rng| {
        let k = format!("s{}", rng.gen_range(0..4));
        if rng.gen_bool(0.3) {
            let n = rng.gen_range(0..30);
            let v: String = (0..n).map(|_| rng.gen_range(b'a'..b'e') as char).collect();
            vec![b"SET".to_vec(), k.into_bytes(), v.into_bytes()]
        } else {
            let mut a = vec![
                b"LCS".to_vec(),
                k.into_bytes(),
                format!("s{}", rng.gen_range(0..4)).into_bytes(),
            ];
            match rng.gen_range(0..4) {
                0 => a.push(b"LEN".to_vec()),
                1 => a.push(b"IDX".to_vec()),
                2 => {
                    a.push(b"IDX".to_vec());
                    a.push(b"MINMATCHLEN".to_vec());
                    a.push(rng.gen_range(0..4).to_string().into_bytes());
                    a.push(b"WITHMATCHLEN".to_vec());
                }
                _ => {}
            }
            a
        }
    });
    d.finish();
}

#[test]
fn setbit_getbit() {
    run(&[
        &["SETBIT", "b", "7", "1"],
        &["GET", "b"],
        &["SETBIT", "b", "7", "0"],
        &["SETBIT", "b", "100", "1"],
        &["STRLEN", "b"],
        &["GETBIT", "b", "100"],
        &["GETBIT", "b", "99"],
        &["GETBIT", "b", "100000"],
        &["GETBIT", "nokey", "0"],
        &["SETBIT", "b", "0", "2"],
        &["SETBIT", "b", "0", "-1"],
        &["SETBIT", "b", "0", "x"],
        &["SETBIT", "b", "-1", "1"],
        &["SETBIT", "b", "x", "1"],
        &["SETBIT", "b", "4294967296", "1"],
        &["SETBIT", "b", "4294967295", "x"],
        &["GETBIT", "b", "-1"],
        &["GETBIT", "b", "4294967296"],
        &["GETBIT", "b", "4294967295"],
        &["GETBIT", "b", "x"],
        &["SET", "n", "1"],
        &["GETBIT", "n", "2"],
        &["GETBIT", "n", "7"],
        &["SETBIT", "n", "6", "1"],
        &["GET", "n"],
        &["SET", "t", "a", "EX", "100"],
        &["SETBIT", "t", "0", "1"],
        &["TTL", "t"],
        &["SETBIT", "b", "0"],
        &["GETBIT", "b"],
    ]);
}

#[test]
fn bitcount_cases() {
    run(&[
        &["BITCOUNT", "nokey"],
        &["BITCOUNT", "nokey", "0"],
        &["BITCOUNT", "nokey", "a", "b", "c", "d"],
        &["SET", "s", "foobar"],
        &["BITCOUNT", "s"],
        &["BITCOUNT", "s", "0", "0"],
        &["BITCOUNT", "s", "1", "1"],
        &["BITCOUNT", "s", "1", "-1"],
        &["BITCOUNT", "s", "-2", "-1"],
        &["BITCOUNT", "s", "-1", "-2"],
        &["BITCOUNT", "s", "-1", "-2", "FOO"],
        &["BITCOUNT", "s", "5", "30"],
        &["BITCOUNT", "s", "-100", "100"],
        &["BITCOUNT", "s", "1", "0"],
        &["BITCOUNT", "s", "0"],
        &["BITCOUNT", "s", "0", "1", "BYTE"],
        &["BITCOUNT", "s", "5", "30", "BIT"],
        &["BITCOUNT", "s", "5", "5", "bit"],
        &["BITCOUNT", "s", "1", "6", "BIT"],
        &["BITCOUNT", "s", "-5", "-1", "BIT"],
        &["BITCOUNT", "s", "8", "15", "BIT"],
        &["BITCOUNT", "s", "9", "14", "BIT"],
        &["BITCOUNT", "s", "0", "1000", "BIT"],
        &["BITCOUNT", "s", "0", "1", "FOO"],
        &["BITCOUNT", "s", "x", "1"],
        &["BITCOUNT", "s", "0", "x"],
        &["BITCOUNT", "s", "0", "1", "BIT", "x"],
        &["SET", "n", "1234"],
        &["BITCOUNT", "n"],
        &["SET", "e", ""],
        &["BITCOUNT", "e"],
        &["BITCOUNT", "e", "0", "-1", "BIT"],
    ]);
}

#[test]
fn bitpos_cases() {
    run(&[
        &["BITPOS", "nokey", "1"],
        &["BITPOS", "nokey", "0"],
        &["BITPOS", "nokey", "2"],
        &["BITPOS", "nokey", "x"],
        &["BITPOS", "nokey", "1", "a", "b", "c", "d"],
        &["SET", "s", "\u{0}\u{f}\u{7f}"],
        &["BITPOS", "s", "1"],
        &["BITPOS", "s", "0"],
        &["BITPOS", "s", "1", "1"],
        &["BITPOS", "s", "1", "2"],
        &["BITPOS", "s", "1", "-1"],
        &["BITPOS", "s", "1", "0", "0"],
        &["BITPOS", "s", "0", "1", "-1"],
        &["BITPOS", "s", "1", "3"],
        &["BITPOS", "s", "1", "2", "1"],
        &["BITPOS", "s", "1", "7", "15", "BIT"],
        &["BITPOS", "s", "1", "13", "15", "BIT"],
        &["BITPOS", "s", "0", "13", "15", "BIT"],
        &["BITPOS", "s", "0", "12", "14", "bit"],
        &["BITPOS", "s", "1", "-3", "-1", "BIT"],
        &["BITPOS", "s", "0", "-1", "-1", "BIT"],
        &["BITPOS", "s", "1", "0", "-1", "BYTE"],
        &["BITPOS", "s", "1", "0", "-1", "FOO"],
        &["BITPOS", "s", "1", "x"],
        &["BITPOS", "s", "1", "0", "x"],
        &["BITPOS", "s", "1", "0", "x", "FOO"],
        &["BITPOS", "s", "1", "0", "1", "BIT", "x"],
        &["BITPOS", "s", "3"],
        &["SET", "f", "\u{7f}"],
        &["SETRANGE", "ff", "0", "\u{0}"],
        &["SETBIT", "ones", "23", "1"],
        &["BITPOS", "ones", "0"],
        &["BITPOS", "ones", "1"],
        &["BITPOS", "ones", "1", "0", "-1", "BIT"],
        &["SET", "allset", "\u{7f}"],
        &["BITPOS", "allset", "1"],
        &["BITPOS", "allset", "0"],
        &["BITPOS", "allset", "0", "0"],
        &["BITPOS", "allset", "0", "0", "0"],
        &["BITPOS", "allset", "0", "1", "7", "BIT"],
        &["BITPOS", "allset", "0", "0", "7", "BIT"],
        &["SET", "e", ""],
        &["BITPOS", "e", "0"],
        &["BITPOS", "e", "1"],
        &["BITPOS", "e", "0", "0", "-1"],
        &["BITPOS", "s"],
    ]);
    // 0xff bytes: the first clear bit is past the end unless an end is given.
    let mut d = Diff::new();
    d.cmd(&[&b"SET"[..], b"ff", b"\xff\xff\xff"]);
    for args in [
        &["BITPOS", "ff", "0"][..],
        &["BITPOS", "ff", "0", "1"],
        &["BITPOS", "ff", "0", "1", "-1"],
        &["BITPOS", "ff", "0", "0", "20", "BIT"],
        &["BITPOS", "ff", "0", "0", "-1", "BYTE"],
        &["BITPOS", "ff", "1", "9", "20", "BIT"],
        &["BITPOS", "ff", "0", "-1"],
    ] {
        d.cmd(args);
    }
    d.finish();
}

#[test]
fn bitop_cases() {
    let mut d = Diff::new();
    d.cmd(&[
        &b"MSET"[..],
        b"a",
        b"\xff\x0f\x55",
        b"b",
        b"\x0f\xf0",
        b"c",
        b"abc",
    ]);
    for args in [
        &["BITOP", "AND", "d", "a", "b"][..],
        &["GET", "d"],
        &["BITOP", "or", "d", "a", "b", "c"],
        &["GET", "d"],
        &["BITOP", "XOR", "d", "a", "b", "c"],
        &["GET", "d"],
        &["BITOP", "NOT", "d", "a"],
        &["GET", "d"],
        &["BITOP", "NOT", "d", "a", "b"],
        &["BITOP", "NOT", "d"],
        &["BITOP", "FOO", "d", "a"],
        &["BITOP", "AND", "d", "nokey", "nokey2"],
        &["EXISTS", "d"],
        &["BITOP", "AND", "d", "a", "nokey"],
        &["GET", "d"],
        &["BITOP", "OR", "d", "nokey", "a"],
        &["GET", "d"],
        &["BITOP", "AND", "a", "a", "b"],
        &["GET", "a"],
        &["SET", "n", "12"],
        &["BITOP", "NOT", "n2", "n"],
        &["GET", "n2"],
        &["SET", "t", "x", "EX", "100"],
        &["BITOP", "OR", "t", "b"],
        &["TTL", "t"],
        &["BITOP", "AND", "d"],
        &["BITOP", "NOT", "empty", "nokey"],
        &["EXISTS", "empty"],
    ] {
        d.cmd(args);
    }
    d.finish();
}

#[test]
fn bitfield_cases() {
    run(&[
        &["BITFIELD", "nokey"],
        &["BITFIELD", "nokey", "GET", "u8", "0"],
        &["EXISTS", "nokey"],
        &["BITFIELD", "b", "SET", "i8", "0", "100", "GET", "i8", "0"],
        &["BITFIELD", "b", "INCRBY", "i8", "0", "100"],
        &[
            "BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100",
        ],
        &[
            "BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "100",
        ],
        &[
            "BITFIELD", "b", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "100",
        ],
        &[
            "BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-300",
        ],
        &[
            "BITFIELD", "b", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102",
            "1",
        ],
        &[
            "BITFIELD", "b", "SET", "u8", "#1", "255", "GET", "u8", "#1", "GET", "u4", "#3",
        ],
        &[
            "BITFIELD", "b", "SET", "u8", "0", "-5", "OVERFLOW", "SAT", "SET", "u8", "0", "-5",
        ],
        &[
            "BITFIELD", "b", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "GET", "u8", "0",
        ],
        &[
            "BITFIELD", "b", "OVERFLOW", "SAT", "SET", "i8", "0", "-1000", "GET", "i8", "0",
        ],
        &["BITFIELD", "b", "SET", "i8", "0", "200", "GET", "i8", "0"],
        &["BITFIELD", "b", "SET", "i64", "0", "-9223372036854775808"],
        &["BITFIELD", "b", "INCRBY", "i64", "0", "-1"],
        &[
            "BITFIELD", "b", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1",
        ],
        &[
            "BITFIELD",
            "b",
            "OVERFLOW",
            "FAIL",
            "INCRBY",
            "i64",
            "0",
            "9223372036854775807",
            "INCRBY",
            "i64",
            "0",
            "1",
        ],
        &[
            "BITFIELD",
            "b",
            "SET",
            "u63",
            "3",
            "9223372036854775807",
            "GET",
            "u63",
            "3",
        ],
        &[
            "BITFIELD", "b", "INCRBY", "u63", "3", "1", "OVERFLOW", "SAT", "INCRBY", "u63", "3",
            "-1",
        ],
        &[
            "BITFIELD",
            "b",
            "OVERFLOW",
            "SAT",
            "INCRBY",
            "u63",
            "3",
            "-9223372036854775808",
        ],
        &[
            "BITFIELD", "b", "GET", "i1", "0", "GET", "u1", "0", "GET", "i64", "5", "GET", "i33",
            "7",
        ],
        &["BITFIELD", "b", "GET", "u64", "0"],
        &["BITFIELD", "b", "GET", "i65", "0"],
        &["BITFIELD", "b", "GET", "u0", "0"],
        &["BITFIELD", "b", "GET", "I8", "0"],
        &["BITFIELD", "b", "GET", "i08", "0"],
        &["BITFIELD", "b", "GET", "x8", "0"],
        &["BITFIELD", "b", "GET", "u8", "-1"],
        &["BITFIELD", "b", "GET", "u8", "#-1"],
        &["BITFIELD", "b", "GET", "u8", "x"],
        &["BITFIELD", "b", "GET", "u8", "4294967296"],
        &["BITFIELD", "b", "GET", "u8", "4294967295"],
        &["BITFIELD", "b", "GET", "u8", "#536870912"],
        &["BITFIELD", "b", "GET", "i64", "#9223372036854775807"],
        &["BITFIELD", "b", "SET", "u8", "0", "x"],
        &["BITFIELD", "b", "SET", "u8", "0"],
        &["BITFIELD", "b", "GET", "u8"],
        &["BITFIELD", "b", "OVERFLOW", "FOO", "GET", "u8", "0"],
        &["BITFIELD", "b", "OVERFLOW"],
        &["BITFIELD", "b", "FOO", "u8", "0"],
        &["BITFIELD", "b", "GET", "u8", "0", "SET", "u8", "x", "1"],
        &[
            "BITFIELD", "b", "get", "u8", "0", "incrby", "u8", "0", "1", "overflow", "fail", "set",
            "u8", "8", "1",
        ],
        &["GET", "b"],
        &["STRLEN", "b"],
        &["BITFIELD", "new", "SET", "u8", "100", "1"],
        &["STRLEN", "new"],
        &[
            "BITFIELD", "new", "OVERFLOW", "FAIL", "INCRBY", "u8", "200", "1000",
        ],
        &["STRLEN", "new"],
        &["SET", "n", "123"],
        &["BITFIELD", "n", "GET", "u8", "0", "GET", "u16", "#1"],
        &["BITFIELD", "n", "INCRBY", "u8", "0", "1"],
        &["GET", "n"],
        &["SET", "t", "a", "EX", "100"],
        &["BITFIELD", "t", "SET", "u8", "0", "66"],
        &["TTL", "t"],
        &["BITFIELD_RO", "b", "GET", "u8", "0", "GET", "i4", "#2"],
        &["BITFIELD_RO", "b", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "b", "INCRBY", "u8", "0", "1"],
        &["BITFIELD_RO", "b", "OVERFLOW", "SAT"],
        &["BITFIELD_RO", "b", "GET", "u8"],
        &["BITFIELD_RO", "b", "GET", "k8", "0", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "nokey", "GET", "i8", "0"],
        &["BITFIELD_RO", "b"],
        &["BITFIELD"],
        &["BITFIELD_RO"],
    ]);
}

#[test]
fn command_getkeys_flags() {
    run(&[
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "BITFIELD",
            "k",
            "GET",
            "u8",
            "0",
        ],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "BITFIELD",
            "k",
            "GET",
            "u8",
            "0",
            "SET",
            "u8",
            "0",
            "1",
        ],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "BITFIELD",
            "k",
            "OVERFLOW",
            "SAT",
            "GET",
            "u8",
            "0",
        ],
        &["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "BOGUS"],
        &["COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k"],
        &["COMMAND", "GETKEYS", "BITOP", "AND", "d", "a", "b"],
        &["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
        &["COMMAND", "GETKEYS", "LCS", "a", "b"],
        &[
            "COMMAND",
            "INFO",
            "getex",
            "lcs",
            "bitfield",
            "substr",
            "incrbyfloat",
        ],
    ]);
}

#[test]
fn object_encoding_follows_redis() {
    let mut d = Diff::new();
    let has_object = !d.cmd(&["OBJECT", "ENCODING", "nokey"]).is_error()
        || !d.cmd(&["OBJECT", "HELP"]).is_error();
    if !has_object {
        d.finish();
        return;
    }
    let long = "x".repeat(50);
    for args in [
        &["SET", "a", "12"][..],
        &["OBJECT", "ENCODING", "a"],
        &["INCRBYFLOAT", "a", "1"],
        &["OBJECT", "ENCODING", "a"],
        &["INCR", "a"],
        &["OBJECT", "ENCODING", "a"],
        &["APPEND", "a", "1"],
        &["OBJECT", "ENCODING", "a"],
        &["SET", "b", "abc"],
        &["SETRANGE", "b", "0", "x"],
        &["OBJECT", "ENCODING", "b"],
        &["SETRANGE", "c", "0", "x"],
        &["OBJECT", "ENCODING", "c"],
        &["SETBIT", "d", "1", "1"],
        &["OBJECT", "ENCODING", "d"],
        &["SET", "e", "1"],
        &["SETBIT", "e", "0", "0"],
        &["OBJECT", "ENCODING", "e"],
        &["BITOP", "NOT", "f", "e"],
        &["OBJECT", "ENCODING", "f"],
        &["BITFIELD", "g", "SET", "u8", "0", "1"],
        &["OBJECT", "ENCODING", "g"],
        &["APPEND", "h", "123"],
        &["OBJECT", "ENCODING", "h"],
        &["MSET", "i", "1", "j", "abc", "k", &long],
        &["OBJECT", "ENCODING", "i"],
        &["OBJECT", "ENCODING", "j"],
        &["OBJECT", "ENCODING", "k"],
        &["GETSET", "i", "77"],
        &["OBJECT", "ENCODING", "i"],
        &["SETEX", "l", "100", "5"],
        &["OBJECT", "ENCODING", "l"],
        &["INCRBYFLOAT", "m", &"1".repeat(50)],
        &["OBJECT", "ENCODING", "m"],
        &["SET", "n", "1"],
        &["SETRANGE", "n", "0", ""],
        &["OBJECT", "ENCODING", "n"],
    ] {
        d.cmd(args);
    }
    d.finish();
}

fn small_value(rng: &mut StdRng) -> Vec<u8> {
    match rng.gen_range(0..6) {
        0 => rng.gen_range(-100..100).to_string().into_bytes(),
        1 => b"".to_vec(),
        2 => (0..rng.gen_range(1..60))
            .map(|_| rng.gen_range(b'a'..b'f'))
            .collect(),
        3 => i64::MAX.to_string().into_bytes(),
        4 => format!("{:.2}", rng.gen_range(-10.0..10.0)).into_bytes(),
        _ => (0..rng.gen_range(0..5)).map(|_| rng.gen()).collect(),
    }
}

fn key(rng: &mut StdRng) -> Vec<u8> {
    format!("k{}", rng.gen_range(0..5)).into_bytes()
}

fn int_arg(rng: &mut StdRng) -> Vec<u8> {
    match rng.gen_range(0..5) {
        0 => rng.gen_range(-20..20).to_string().into_bytes(),
        1 => rng.gen_range(-3..3).to_string().into_bytes(),
        2 => rng.gen_range(0..100).to_string().into_bytes(),
        3 => i64::MIN.to_string().into_bytes(),
        _ => rng.gen_range(-200..200).to_string().into_bytes(),
    }
}

#[test]
fn random_string_ops() {
    let mut d = Diff::new();
    d.random(500, |rng| {
        let k = key(rng);
        let v = small_value(rng);
        let cmd: Vec<Vec<u8>> = match rng.gen_range(0..14) {
            0 => vec![b"SET".to_vec(), k, v],
            1 => vec![b"GET".to_vec(), k],
            2 => vec![b"APPEND".to_vec(), k, v],
            3 => vec![b"STRLEN".to_vec(), k],
            4 => vec![b"GETRANGE".to_vec(), k, int_arg(rng), int_arg(rng)],
            5 => vec![
                b"SETRANGE".to_vec(),
                k,
                rng.gen_range(0..20).to_string().into_bytes(),
                v,
            ],
            6 => vec![b"GETSET".to_vec(), k, v],
            7 => vec![b"GETDEL".to_vec(), k],
            8 => vec![b"MGET".to_vec(), k, key(rng), key(rng)],
            9 => vec![b"MSET".to_vec(), k, v, key(rng), small_value(rng)],
            10 => vec![b"MSETNX".to_vec(), k, v, key(rng), small_value(rng)],
            11 => vec![b"SETNX".to_vec(), k, v],
            12 => vec![b"SET".to_vec(), k, v, b"GET".to_vec()],
            _ => vec![b"GETEX".to_vec(), k, b"PERSIST".to_vec()],
        };
        cmd
    });
    d.finish();
}

#[test]
fn random_counter_ops() {
    let mut d = Diff::new();
    d.random(500, |rng| {
        let k = key(rng);
        match rng.gen_range(0..9) {
            0 => vec![b"SET".to_vec(), k, small_value(rng)],
            1 => vec![b"INCR".to_vec(), k],
            2 => vec![b"DECR".to_vec(), k],
            3 => vec![b"INCRBY".to_vec(), k, int_arg(rng)],
            4 => vec![b"DECRBY".to_vec(), k, int_arg(rng)],
            5 => vec![b"INCRBYFLOAT".to_vec(), k, rand_float(rng).into_bytes()],
            6 => vec![b"GET".to_vec(), k],
            7 => vec![
                b"APPEND".to_vec(),
                k,
                rng.gen_range(0..10).to_string().into_bytes(),
            ],
            _ => vec![b"SET".to_vec(), k, int_arg(rng)],
        }
    });
    d.finish();
}

#[test]
fn random_bit_ops() {
    let mut d = Diff::new();
    d.random(600, |rng| {
        let k = key(rng);
        let ty = |rng: &mut StdRng| -> Vec<u8> {
            let types = [
                "u1", "u3", "u8", "u13", "u63", "i1", "i5", "i8", "i17", "i64",
            ];
            types[rng.gen_range(0..types.len())].as_bytes().to_vec()
        };
        let off = |rng: &mut StdRng| -> Vec<u8> {
            if rng.gen_bool(0.2) {
                format!("#{}", rng.gen_range(0..6)).into_bytes()
            } else {
                rng.gen_range(0..90).to_string().into_bytes()
            }
        };
        match rng.gen_range(0..10) {
            0 => vec![
                b"SETBIT".to_vec(),
                k,
                rng.gen_range(0..100).to_string().into_bytes(),
                rng.gen_range(0..2).to_string().into_bytes(),
            ],
            1 => vec![
                b"GETBIT".to_vec(),
                k,
                rng.gen_range(0..100).to_string().into_bytes(),
            ],
            2 => {
                let mut a = vec![b"BITCOUNT".to_vec(), k];
                if rng.gen_bool(0.7) {
                    a.push(int_arg(rng));
                    a.push(int_arg(rng));
                    if rng.gen_bool(0.5) {
                        a.push(if rng.gen_bool(0.5) {
                            b"BIT".to_vec()
                        } else {
                            b"BYTE".to_vec()
                        });
                    }
                }
                a
            }
            3 => {
                let mut a = vec![
                    b"BITPOS".to_vec(),
                    k,
                    rng.gen_range(0..2).to_string().into_bytes(),
                ];
                let n = rng.gen_range(0..4);
                if n >= 1 {
                    a.push(int_arg(rng));
                }
                if n >= 2 {
                    a.push(int_arg(rng));
                }
                if n >= 3 {
                    a.push(if rng.gen_bool(0.5) {
                        b"BIT".to_vec()
                    } else {
                        b"BYTE".to_vec()
                    });
                }
                a
            }
            4 => {
                let ops = ["AND", "OR", "XOR", "NOT"];
                let op = ops[rng.gen_range(0..4)];
                let mut a = vec![b"BITOP".to_vec(), op.as_bytes().to_vec(), k, key(rng)];
                if op != "NOT" {
                    a.push(key(rng));
                }
                a
            }
            5 | 6 => {
                let mut a = vec![b"BITFIELD".to_vec(), k];
                for _ in 0..rng.gen_range(1..4) {
                    match rng.gen_range(0..4) {
                        0 => {
                            a.push(b"GET".to_vec());
                            a.push(ty(rng));
                            a.push(off(rng));
                        }
                        1 => {
                            a.push(b"SET".to_vec());
                            a.push(ty(rng));
                            a.push(off(rng));
                            a.push(int_arg(rng));
                        }
                        2 => {
                            a.push(b"INCRBY".to_vec());
                            a.push(ty(rng));
                            a.push(off(rng));
                            a.push(int_arg(rng));
                        }
                        _ => {
                            a.push(b"OVERFLOW".to_vec());
                            let o = ["WRAP", "SAT", "FAIL"];
                            a.push(o[rng.gen_range(0..3)].as_bytes().to_vec());
                        }
                    }
                }
                a
            }
            7 => vec![
                b"BITFIELD_RO".to_vec(),
                k,
                b"GET".to_vec(),
                ty(rng),
                off(rng),
            ],
            8 => vec![b"SET".to_vec(), k, small_value(rng)],
            _ => vec![b"GET".to_vec(), k],
        }
    });
    d.finish();
}

#[test]
fn redis_py_client() {
    let srv = Server::start();
    let out = python(
        srv.port(),
        r#"
r = redis.Redis(port=PORT)
assert r.set("a", "1", ex=100, nx=True) is True
assert r.set("a", "2", ex=100, nx=True) is None
assert 0 < r.ttl("a") <= 100
assert r.incr("a") == 2
assert r.incr("a", 5) == 7
assert r.decr("a", 2) == 5
assert r.mget("a", "nokey") == [b"5", None]
assert r.incrbyfloat("f", 10.5) == 10.5
assert r.incrbyfloat("f", 0.1) == 10.6
assert r.get("f") == b"10.6"
assert r.mset({"x": "1", "y": "2"}) is True
assert r.mget(["x", "y"]) == [b"1", b"2"]
assert r.getex("x", px=5000) == b"1"
assert r.getdel("y") == b"2"
assert r.setbit("bits", 3, 1) == 0
assert r.bitcount("bits") == 1
assert r.bitfield("bf").set("u8", 0, 200).incrby("u8", 0, 100).execute() == [0, 44]
assert r.lcs("x", "x") == b"1"
print("ok")
"#,
    );
    assert_eq!(out.trim(), "ok");
}
