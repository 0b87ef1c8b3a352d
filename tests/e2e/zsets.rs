//! Sorted sets: every command, option and error of the sorted-set group,
//! differential against redis-server 7.0 in RESP2 and RESP3, in both
//! encodings (listpack and skiplist); randomized sequences compared
//! exactly; ZRANDMEMBER compared order-insensitively; ZSCAN's guarantee
//! while the set changes checked on ferrodis alone.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::Rng;

use crate::common::diff::Side;
use crate::common::{encode_request, escape, ferrodis_only, Diff, RawConn, Resp, Server};

/// Runs `f` on a fresh pair of servers in RESP2, then again in RESP3.
fn both_protocols(args: &[&str], mut f: impl FnMut(&mut Diff)) {
    for proto in ["2", "3"] {
        let mut d = Diff::with_args(args);
        d.cmd(&["HELLO", proto]);
        f(&mut d);
        d.finish();
    }
}

fn run(d: &mut Diff, script: &[&[&str]]) {
    for argv in script {
        d.cmd(argv);
    }
}

/// Sorts the elements of an array reply (order-insensitive comparison).
fn sort_items(_: &[Vec<u8>], _: &Side, r: &mut Resp) {
    if let Resp::Array(Some(items)) = r {
        items.sort_by_key(|x| x.encode());
    }
}

/// Sorts RESP2 (member, score) pairs of a flat array, or RESP3 pairs.
fn sort_pairs(_: &[Vec<u8>], _: &Side, r: &mut Resp) {
    if let Resp::Array(Some(items)) = r {
        if items.iter().all(|x| matches!(x, Resp::Array(_))) {
            items.sort_by_key(|x| x.encode());
        } else if items.len().is_multiple_of(2) {
            let mut pairs: Vec<Vec<Resp>> = items.chunks(2).map(|c| c.to_vec()).collect();
            pairs.sort_by_key(|p| p[0].encode());
            *items = pairs.into_iter().flatten().collect();
        }
    }
}

#[test]
fn zadd_options_and_errors() {
    both_protocols(&[], |d| {
        run(
            d,
            &[
                &["ZADD", "z", "1", "a"],
                &["ZADD", "z", "2", "a", "3", "b"],
                &["ZADD", "z", "CH", "5", "a", "3", "b", "7", "c"],
                &["ZADD", "z", "NX", "100", "a", "4", "d"],
                &["ZADD", "z", "XX", "100", "a", "4", "e"],
                &["ZADD", "z", "XX", "CH", "101", "a", "4", "e"],
                &["ZADD", "z", "GT", "CH", "50", "a", "200", "b"],
                &["ZADD", "z", "LT", "CH", "50", "a", "200", "c", "1", "f"],
                &["ZADD", "z", "GT", "XX", "CH", "0", "a", "1000", "c"],
                &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                &["ZADD", "z", "INCR", "5", "a"],
                &["ZADD", "z", "INCR", "NX", "5", "a"],
                &["ZADD", "z", "INCR", "NX", "5", "new"],
                &["ZADD", "z", "INCR", "XX", "5", "nope"],
                &["ZADD", "z", "INCR", "GT", "-5", "a"],
                &["ZADD", "z", "INCR", "LT", "-5", "a"],
                &["ZADD", "z", "INCR", "LT", "5", "a"],
                &["ZADD", "z", "incr", "ch", "0", "a"],
                &["ZADD", "z", "xx", "incr", "1", "nokey"],
                &["ZADD", "nokey", "XX", "1", "a"],
                &["ZADD", "nokey", "XX", "INCR", "1", "a"],
                &["EXISTS", "nokey"],
                &["ZADD", "z", "NX", "XX", "1", "a"],
                &["ZADD", "z", "GT", "LT", "1", "a"],
                &["ZADD", "z", "GT", "NX", "1", "a"],
                &["ZADD", "z", "LT", "NX", "1", "a"],
                &["ZADD", "z", "INCR", "1", "a", "2", "b"],
                &["ZADD", "z", "1"],
                &["ZADD", "z", "1", "a", "2"],
                &["ZADD", "z", "NX"],
                &["ZADD", "z", "NX", "CH"],
                &["ZADD", "z", "x", "a"],
                &["ZADD", "z", "1", "a", "x", "b"],
                &["ZADD", "z", "nan", "a"],
                &["ZADD", "z", "NX", "XX", "nan", "a"],
                &["ZADD", "z", "inf", "i", "-inf", "j"],
                &["ZADD", "z", "INCR", "-inf", "i"],
                &["ZSCORE", "z", "i"],
                &["ZINCRBY", "z", "-inf", "i"],
                &["ZINCRBY", "z", "inf", "j"],
                &["ZINCRBY", "z", "1", "a"],
                &["ZINCRBY", "z", "1.5", "fresh"],
                &["ZINCRBY", "z", "x", "a"],
                &["ZINCRBY", "z", "nx", "a"],
                &["ZINCRBY", "z", "incr", "a"],
                &["ZINCRBY", "z", "1"],
                &["ZINCRBY", "newkey", "-0", "m"],
                &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                &["SET", "str", "x"],
                &["ZADD", "str", "1", "a"],
                &["ZADD", "str", "XX", "1", "a"],
                &["ZADD", "str", "x", "a"],
                &["ZINCRBY", "str", "1", "a"],
                &["ZADD"],
                &["ZADD", "z"],
                &["ZADD", "z", "1"],
            ],
        );
    });
}

#[test]
fn score_parsing_and_formatting() {
    both_protocols(&[], |d| {
        let scores = [
            "1",
            "-1",
            "+2",
            ".5",
            "5.",
            "1e3",
            "1E-3",
            "inf",
            "+inf",
            "-inf",
            "Infinity",
            "-INF",
            "0x10",
            "0x1p-2",
            "1e-320",
            "0e-400",
            "-0",
            "0.1",
            "1e400",
            "1e-400",
            "nan",
            "-nan",
            " 1",
            "1 ",
            "",
            "1e",
            "abc",
            "0x",
            "1.5.5",
            "3.141592653589793238",
            "123456789012345678",
            "1e20",
            "0.000001",
            "1e-7",
            "4611686018427387904",
            "-1e15",
        ];
        for (i, s) in scores.iter().enumerate() {
            let m = format!("m{i}");
            d.cmd(&["ZADD", "z", s, &m]);
            d.cmd(&["ZSCORE", "z", &m]);
            d.cmd(&["ZINCRBY", "inc", s, &m]);
        }
        d.cmd(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
        d.cmd(&["ZSCAN", "z", "0"]);
        // The same scores in the skiplist encoding (-0 keeps its sign
        // there, a listpack stores it as 0).
        d.cmd(&["CONFIG", "SET", "zset-max-listpack-entries", "0"]);
        for (i, s) in scores.iter().enumerate() {
            let m = format!("m{i}");
            d.cmd(&["ZADD", "big", s, &m]);
            d.cmd(&["ZSCORE", "big", &m]);
        }
        d.cmd(&["OBJECT", "ENCODING", "big"]);
        d.cmd(&["ZRANGE", "big", "0", "-1", "WITHSCORES"]);
        // One call returns everything; the order is the hash table's.
        d.cmd_with(&["ZSCAN", "big", "0", "COUNT", "1000"], |a, side, r| {
            if let Resp::Array(Some(items)) = r {
                if let Some(inner) = items.get_mut(1) {
                    sort_pairs(a, side, inner);
                }
            }
        });
        d.cmd(&["ZINCRBY", "big", "-0", "x"]);
        d.cmd(&["ZSCORE", "big", "x"]);
        // Range bounds.
        for (min, max) in [
            ("-inf", "+inf"),
            ("(1", "5"),
            ("1", "(5"),
            ("(1", "(1"),
            ("1", "1"),
            ("", "5"),
            ("(", "5"),
            (" 1", "5"),
            ("1 ", "5"),
            ("x", "5"),
            ("1", "nan"),
            ("((1", "5"),
            ("1e400", "inf"),
            ("-1e400", "0"),
            ("5", "1"),
            ("0x1", "0x10"),
            ("[1", "5"),
        ] {
            d.cmd(&["ZCOUNT", "z", min, max]);
            d.cmd(&["ZRANGEBYSCORE", "z", min, max, "WITHSCORES"]);
            d.cmd(&["ZCOUNT", "big", min, max]);
            d.cmd(&["ZREVRANGEBYSCORE", "big", max, min]);
        }
        d.cmd(&[&b"ZCOUNT"[..], b"z", b"1\0junk", b"5"]);
    });
}

#[test]
fn lookups_and_wrong_types() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "0"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            run(
                d,
                &[
                    &["ZADD", "z", "1", "a", "2", "b", "2", "c", "3", "d"],
                    &["ZSCORE", "z", "a"],
                    &["ZSCORE", "z", "nope"],
                    &["ZSCORE", "nokey", "a"],
                    &["ZMSCORE", "z", "a", "nope", "d"],
                    &["ZMSCORE", "nokey", "a", "b"],
                    &["ZMSCORE", "z"],
                    &["ZCARD", "z"],
                    &["ZCARD", "nokey"],
                    &["ZRANK", "z", "a"],
                    &["ZRANK", "z", "c"],
                    &["ZRANK", "z", "nope"],
                    &["ZRANK", "nokey", "a"],
                    &["ZREVRANK", "z", "a"],
                    &["ZREVRANK", "z", "d"],
                    &["ZREVRANK", "z", "nope"],
                    &["ZRANK", "z", "a", "WITHSCORE"],
                    &["SET", "s", "x"],
                    &["ZSCORE", "s", "a"],
                    &["ZMSCORE", "s", "a"],
                    &["ZCARD", "s"],
                    &["ZRANK", "s", "a"],
                    &["ZREVRANK", "s", "a"],
                    &["ZCOUNT", "s", "0", "1"],
                    &["ZLEXCOUNT", "s", "-", "+"],
                    &["ZRANGE", "s", "0", "1"],
                    &["ZRANGEBYSCORE", "s", "0", "1"],
                    &["ZRANGEBYLEX", "s", "-", "+"],
                    &["ZREM", "s", "a"],
                    &["ZREMRANGEBYRANK", "s", "0", "1"],
                    &["ZREMRANGEBYSCORE", "s", "0", "1"],
                    &["ZREMRANGEBYLEX", "s", "-", "+"],
                    &["ZPOPMIN", "s"],
                    &["ZPOPMAX", "s", "0"],
                    &["ZRANDMEMBER", "s"],
                    &["ZRANDMEMBER", "s", "2"],
                    &["ZSCAN", "s", "0"],
                    &["ZRANGESTORE", "d", "s", "0", "1"],
                    &["TYPE", "z"],
                    &["OBJECT", "ENCODING", "z"],
                    &["ZSCORE", "z"],
                    &["ZCARD"],
                    &["ZRANK", "z"],
                ],
            );
        });
    }
}

#[test]
fn range_family() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "2"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            d.cmd(&[
                "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f", "-inf",
                "lo", "inf", "hi",
            ]);
            for (s, e) in [
                ("0", "-1"),
                ("1", "3"),
                ("-3", "-1"),
                ("-100", "100"),
                ("5", "2"),
                ("7", "7"),
                ("8", "10"),
                ("-1", "-1"),
                ("-9223372036854775808", "9223372036854775807"),
                ("x", "1"),
                ("1", "1.5"),
            ] {
                d.cmd(&["ZRANGE", "z", s, e]);
                d.cmd(&["ZRANGE", "z", s, e, "WITHSCORES"]);
                d.cmd(&["ZRANGE", "z", s, e, "REV", "WITHSCORES"]);
                d.cmd(&["ZREVRANGE", "z", s, e]);
                d.cmd(&["ZREVRANGE", "z", s, e, "WITHSCORES"]);
            }
            for (min, max) in [
                ("-inf", "+inf"),
                ("2", "4"),
                ("(2", "(5"),
                ("(5", "+inf"),
                ("5", "5"),
                ("6", "1"),
                ("-inf", "-inf"),
                ("(-inf", "(inf"),
            ] {
                d.cmd(&["ZRANGEBYSCORE", "z", min, max]);
                d.cmd(&["ZRANGEBYSCORE", "z", min, max, "WITHSCORES"]);
                d.cmd(&["ZRANGE", "z", min, max, "BYSCORE", "WITHSCORES"]);
                d.cmd(&["ZRANGE", "z", max, min, "BYSCORE", "REV"]);
                d.cmd(&["ZREVRANGEBYSCORE", "z", max, min, "WITHSCORES"]);
                for (off, cnt) in [
                    ("0", "2"),
                    ("1", "1"),
                    ("2", "-1"),
                    ("-1", "2"),
                    ("100", "1"),
                    ("0", "0"),
                    ("1", "-5"),
                ] {
                    d.cmd(&["ZRANGEBYSCORE", "z", min, max, "LIMIT", off, cnt]);
                    d.cmd(&[
                        "ZREVRANGEBYSCORE",
                        "z",
                        max,
                        min,
                        "WITHSCORES",
                        "LIMIT",
                        off,
                        cnt,
                    ]);
                    d.cmd(&["ZRANGE", "z", min, max, "BYSCORE", "LIMIT", off, cnt]);
                    d.cmd(&["ZRANGE", "z", max, min, "BYSCORE", "REV", "LIMIT", off, cnt]);
                }
            }
            run(
                d,
                &[
                    &["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
                    &["ZRANGE", "z", "0", "-1", "LIMIT", "0", "-1"],
                    &["ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
                    &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"],
                    &["ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"],
                    &["ZRANGE", "z", "0", "1", "BYLEX", "BYSCORE"],
                    &["ZRANGE", "z", "0", "1", "REV", "REV"],
                    &["ZRANGE", "z", "0", "1", "WITHSCORES", "WITHSCORES"],
                    &["ZRANGE", "z", "0", "1", "LIMIT"],
                    &["ZRANGE", "z", "0", "1", "LIMIT", "1"],
                    &["ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "x", "1"],
                    &["ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "1", "x"],
                    &["ZRANGE", "z", "0", "1", "FOO"],
                    &["ZRANGE", "z", "a", "b", "BYSCORE"],
                    &["ZRANGE", "z", "a", "b", "BYLEX"],
                    &["ZRANGE", "z", "[a", "b", "BYLEX", "LIMIT", "x", "y"],
                    &["ZRANGEBYSCORE", "z", "0", "1", "REV"],
                    &["ZRANGEBYSCORE", "z", "0", "1", "BYSCORE"],
                    &["ZRANGEBYSCORE", "z", "0", "1", "LIMIT", "0"],
                    &["ZREVRANGEBYSCORE", "z", "x", "1"],
                    &["ZRANGEBYSCORE", "nokey", "0", "1"],
                    &["ZRANGEBYSCORE", "nokey", "x", "1"],
                    &["ZRANGE", "nokey", "0", "-1", "WITHSCORES"],
                    &["ZRANGE", "nokey", "x", "-1"],
                    &["ZRANGE", "z", "0"],
                    &["ZREVRANGE", "z", "0", "1", "REV"],
                    &["ZREVRANGE", "z", "0", "1", "BYSCORE"],
                ],
            );
        });
    }
}

#[test]
fn lex_ranges() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "2"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            d.cmd(&[
                "ZADD", "l", "0", "a", "0", "b", "0", "bb", "0", "c", "0", "d", "0", "e", "0", "",
                "0", "\u{00ff}",
            ]);
            let bounds = [
                "-",
                "+",
                "[a",
                "(a",
                "[b",
                "(b",
                "[bb",
                "(c",
                "[z",
                "(",
                "[",
                "a",
                "+x",
                "-x",
                "[\u{00ff}",
            ];
            for min in bounds {
                for max in bounds {
                    d.cmd(&["ZRANGEBYLEX", "l", min, max]);
                    d.cmd(&["ZLEXCOUNT", "l", min, max]);
                }
                d.cmd(&["ZREVRANGEBYLEX", "l", "+", min]);
                d.cmd(&["ZREVRANGEBYLEX", "l", min, "-"]);
                d.cmd(&["ZRANGE", "l", min, "+", "BYLEX"]);
                d.cmd(&["ZRANGE", "l", "+", min, "BYLEX", "REV", "LIMIT", "1", "2"]);
            }
            for (off, cnt) in [
                ("0", "2"),
                ("1", "-1"),
                ("-1", "1"),
                ("10", "1"),
                ("3", "0"),
            ] {
                d.cmd(&["ZRANGEBYLEX", "l", "-", "+", "LIMIT", off, cnt]);
                d.cmd(&["ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", off, cnt]);
            }
            run(
                d,
                &[
                    &["ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"],
                    &["ZRANGEBYLEX", "l", "-", "+", "LIMIT", "0"],
                    &["ZRANGEBYLEX", "l", "-", "+", "REV"],
                    &["ZRANGEBYLEX", "nokey", "-", "+"],
                    &["ZRANGEBYLEX", "nokey", "x", "+"],
                    &["ZLEXCOUNT", "nokey", "-", "+"],
                    &["ZLEXCOUNT", "nokey", "x", "+"],
                    &["ZREMRANGEBYLEX", "l", "(b", "[d"],
                    &["ZRANGE", "l", "0", "-1"],
                    &["ZREMRANGEBYLEX", "l", "x", "[d"],
                    &["ZREMRANGEBYLEX", "l", "-", "+"],
                    &["EXISTS", "l"],
                ],
            );
            d.cmd(&[&b"ZRANGEBYLEX"[..], b"l", b"+\0", b"-"]);
        });
    }
}

#[test]
fn removals_delete_empty_keys() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "1"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            let fill: &[&str] = &[
                "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f",
            ];
            d.cmd(fill);
            run(
                d,
                &[
                    &["ZREM", "z", "a", "nope", "a", "b"],
                    &["ZREM", "nokey", "a"],
                    &["ZREM", "z"],
                    &["ZREMRANGEBYRANK", "z", "0", "0"],
                    &["ZREMRANGEBYRANK", "z", "-1", "-1"],
                    &["ZREMRANGEBYRANK", "z", "5", "1"],
                    &["ZREMRANGEBYRANK", "z", "10", "20"],
                    &["ZREMRANGEBYRANK", "z", "x", "1"],
                    &["ZREMRANGEBYRANK", "nokey", "0", "1"],
                    &["ZREMRANGEBYRANK", "nokey", "x", "1"],
                    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                    &["ZREMRANGEBYRANK", "z", "-100", "100"],
                    &["EXISTS", "z"],
                ],
            );
            d.cmd(fill);
            run(
                d,
                &[
                    &["ZREMRANGEBYSCORE", "z", "(1", "2"],
                    &["ZREMRANGEBYSCORE", "z", "5", "1"],
                    &["ZREMRANGEBYSCORE", "z", "x", "1"],
                    &["ZREMRANGEBYSCORE", "nokey", "x", "1"],
                    &["ZREMRANGEBYSCORE", "z", "(5", "inf"],
                    &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                    &["ZREMRANGEBYSCORE", "z", "-inf", "+inf"],
                    &["EXISTS", "z"],
                    &["ZREM", "z", "a"],
                ],
            );
            d.cmd(fill);
            run(
                d,
                &[
                    &["ZREM", "z", "a", "b", "c", "d", "e", "f"],
                    &["EXISTS", "z"],
                    &["ZADD", "z", "1", "x"],
                    &["ZPOPMIN", "z"],
                    &["EXISTS", "z"],
                ],
            );
        });
    }
}

#[test]
fn pops() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "1"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            let fill: &[&str] = &[
                "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
            ];
            d.cmd(fill);
            run(
                d,
                &[
                    &["ZPOPMIN", "z"],
                    &["ZPOPMAX", "z"],
                    &["ZPOPMIN", "z", "1"],
                    &["ZPOPMAX", "z", "0"],
                    &["ZPOPMIN", "z", "-1"],
                    &["ZPOPMIN", "z", "x"],
                    &["ZPOPMIN", "z", "1", "2"],
                    &["ZPOPMAX", "z", "10"],
                    &["EXISTS", "z"],
                    &["ZPOPMIN", "z"],
                    &["ZPOPMIN", "z", "3"],
                    &["ZPOPMIN", "z", "0"],
                    &["ZPOPMIN", "z", "-1"],
                ],
            );
            d.cmd(fill);
            d.cmd(&["ZADD", "y", "7", "q"]);
            run(
                d,
                &[
                    &["ZMPOP", "2", "nokey", "z", "MIN"],
                    &["ZMPOP", "2", "nokey", "z", "max", "COUNT", "2"],
                    &["ZMPOP", "3", "nokey", "y", "z", "MIN", "COUNT", "10"],
                    &["EXISTS", "y"],
                    &["ZMPOP", "1", "nokey", "MIN"],
                    &["ZMPOP", "1", "z", "MIN", "COUNT", "100"],
                    &["ZMPOP", "1", "z", "MAX"],
                    &["ZMPOP", "0", "z", "MIN"],
                    &["ZMPOP", "-1", "z", "MIN"],
                    &["ZMPOP", "x", "z", "MIN"],
                    &["ZMPOP", "1", "z", "MIN", "COUNT", "0"],
                    &["ZMPOP", "1", "z", "MIN", "COUNT", "-1"],
                    &["ZMPOP", "1", "z", "MIN", "COUNT", "x"],
                    &["ZMPOP", "1", "z", "MIN", "COUNT"],
                    &["ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"],
                    &["ZMPOP", "1", "z", "LEFT"],
                    &["ZMPOP", "2", "z", "MIN"],
                    &["ZMPOP", "5", "z", "MIN"],
                    &["ZMPOP", "9223372036854775807", "z", "MIN"],
                    &["ZMPOP", "1", "z", "MIN", "FOO"],
                    &["ZMPOP", "1"],
                    &["SET", "s", "x"],
                    &["ZADD", "z", "1", "a"],
                    &["ZMPOP", "2", "s", "z", "MIN"],
                    &["ZMPOP", "2", "z", "s", "MIN"],
                    &["ZMPOP", "2", "nokey", "s", "MIN"],
                ],
            );
        });
    }
}

#[test]
fn randmember() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "2"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            d.cmd(&["ZADD", "one", "1.5", "only"]);
            d.cmd(&[
                "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
            ]);
            run(
                d,
                &[
                    &["ZRANDMEMBER", "one"],
                    &["ZRANDMEMBER", "one", "1"],
                    &["ZRANDMEMBER", "one", "-3"],
                    &["ZRANDMEMBER", "one", "-3", "WITHSCORES"],
                    &["ZRANDMEMBER", "one", "5", "WITHSCORES"],
                    &["ZRANDMEMBER", "z", "5", "WITHSCORES"],
                    &["ZRANDMEMBER", "z", "100"],
                    &["ZRANDMEMBER", "z", "0"],
                    &["ZRANDMEMBER", "z", "0", "WITHSCORES"],
                    &["ZRANDMEMBER", "nokey"],
                    &["ZRANDMEMBER", "nokey", "5"],
                    &["ZRANDMEMBER", "nokey", "-5", "WITHSCORES"],
                    &["ZRANDMEMBER", "z", "x"],
                    &["ZRANDMEMBER", "z", "1", "x"],
                    &["ZRANDMEMBER", "z", "1", "WITHSCORES", "x"],
                    &["ZRANDMEMBER", "z", "-9223372036854775808"],
                    &["ZRANDMEMBER", "nokey", "-9223372036854775808"],
                    &["ZRANDMEMBER", "z", "-9223372036854775807", "WITHSCORES"],
                    &["ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"],
                    &["ZRANDMEMBER", "nokey", "4611686018427387904", "WITHSCORES"],
                    &["ZRANDMEMBER", "nokey", "-4611686018427387903", "WITHSCORES"],
                    &["ZRANDMEMBER", "nokey", "9223372036854775807"],
                ],
            );
            for c in ["1", "2", "3", "4", "-1"] {
                d.cmd_with(&["ZRANDMEMBER", "z", c], |_, _, r| {
                    // Distinct random members: only the count is comparable.
                    if let Resp::Array(Some(items)) = r {
                        *r = Resp::Int(items.len() as i64);
                    }
                });
            }
        });
    }
    // Members drawn are real members with their scores, distinct for a
    // positive count, and as many as asked for a negative one.
    if ferrodis_only("randmember_members") {
        return;
    }
    for entries in ["128", "0"] {
        let s = Server::start_with(&["--zset-max-listpack-entries", entries]);
        let mut c = s.raw();
        let mut argv = vec!["ZADD".to_string(), "z".to_string()];
        for i in 0..50 {
            argv.push(i.to_string());
            argv.push(format!("m{i}"));
        }
        c.cmd(&argv);
        for count in [10i64, 30, 49, -1, -200] {
            let r = c.cmd(&["ZRANDMEMBER", "z", &count.to_string(), "WITHSCORES"]);
            let items = r.items();
            assert_eq!(items.len(), 2 * count.unsigned_abs() as usize);
            let mut seen = HashSet::new();
            for p in items.chunks(2) {
                let m = p[0].text();
                let i: u32 = m[1..].parse().expect("member");
                assert_eq!(p[1].text(), i.to_string());
                seen.insert(m);
            }
            if count > 0 {
                assert_eq!(seen.len(), count as usize, "distinct members");
            }
        }
        // A huge negative count on a missing key answers at once.
        let r = c.cmd(&["ZRANDMEMBER", "nokey", "-9223372036854775807"]);
        assert!(r.items().is_empty());
    }
}

#[test]
fn set_algebra() {
    for big in [false, true] {
        let args: &[&str] = if big {
            &["--zset-max-listpack-entries", "2"]
        } else {
            &[]
        };
        both_protocols(args, |d| {
            run(
                d,
                &[
                    &["ZADD", "a", "1", "x", "2", "y", "3", "z"],
                    &["ZADD", "b", "10", "y", "20", "z", "30", "w"],
                    &["ZADD", "c", "inf", "x", "-inf", "y", "5", "z"],
                    &["SADD", "s", "x", "w", "v"],
                    &["SADD", "is", "1", "2", "3"],
                    &["ZADD", "n", "1", "1", "2", "2", "7", "7"],
                    &["SET", "str", "x"],
                ],
            );
            let ops = ["ZUNION", "ZINTER", "ZDIFF"];
            let inputs: &[&[&str]] = &[
                &["1", "a"],
                &["2", "a", "b"],
                &["2", "b", "a"],
                &["3", "a", "b", "c"],
                &["2", "a", "s"],
                &["2", "s", "a"],
                &["2", "a", "nokey"],
                &["2", "nokey", "a"],
                &["2", "a", "a"],
                &["2", "n", "is"],
                &["3", "c", "c", "a"],
            ];
            for op in ops {
                for inp in inputs {
                    let mut argv = vec![op];
                    argv.extend_from_slice(inp);
                    d.cmd(&argv);
                    argv.push("WITHSCORES");
                    d.cmd(&argv);
                    let mut st = vec![format!("{op}STORE"), "dst".to_string()];
                    st.extend(inp.iter().map(|s| s.to_string()));
                    d.cmd(&st);
                    d.cmd(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
                    d.cmd(&["OBJECT", "ENCODING", "dst"]);
                    if op != "ZDIFF" {
                        for agg in ["SUM", "MIN", "MAX"] {
                            let mut w = vec![op];
                            w.extend_from_slice(inp);
                            w.push("WEIGHTS");
                            let n: usize = inp[0].parse().unwrap_or(0);
                            let ws = ["2", "-1.5", "0", "inf"];
                            w.extend(ws.iter().cycle().take(n));
                            w.extend(["AGGREGATE", agg, "WITHSCORES"]);
                            d.cmd(&w);
                        }
                    }
                }
            }
            run(
                d,
                &[
                    &["ZINTERCARD", "2", "a", "b"],
                    &["ZINTERCARD", "2", "a", "b", "LIMIT", "1"],
                    &["ZINTERCARD", "2", "a", "b", "LIMIT", "0"],
                    &["ZINTERCARD", "2", "a", "s"],
                    &["ZINTERCARD", "1", "a", "LIMIT", "100"],
                    &["ZINTERCARD", "2", "a", "nokey"],
                    &["ZINTERCARD", "0", "a"],
                    &["ZINTERCARD", "x", "a"],
                    &["ZINTERCARD", "3", "a", "b"],
                    &["ZINTERCARD", "1", "a", "LIMIT", "-1"],
                    &["ZINTERCARD", "1", "a", "LIMIT", "x"],
                    &["ZINTERCARD", "1", "a", "LIMIT"],
                    &["ZINTERCARD", "1", "a", "WITHSCORES"],
                    &["ZINTERCARD", "1", "a", "WEIGHTS", "1"],
                    &["ZINTERCARD", "2", "a", "str", "LIMIT", "x"],
                    &["ZUNION", "0", "a"],
                    &["ZUNION", "-1", "a"],
                    &["ZUNION", "x", "a"],
                    &["ZUNION", "3", "a", "b"],
                    &["ZUNION", "2", "a", "b", "WEIGHTS", "1"],
                    &["ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"],
                    &["ZUNION", "2", "a", "b", "WEIGHTS", "1", "nan"],
                    &["ZUNION", "2", "a", "b", "WEIGHTS", "1", "2", "3"],
                    &["ZUNION", "2", "a", "b", "AGGREGATE"],
                    &["ZUNION", "2", "a", "b", "AGGREGATE", "avg"],
                    &[
                        "ZUNION",
                        "2",
                        "a",
                        "b",
                        "AGGREGATE",
                        "max",
                        "AGGREGATE",
                        "min",
                    ],
                    &["ZUNION", "2", "a", "b", "WITHSCORES", "WITHSCORES"],
                    &["ZUNION", "2", "a", "str", "WEIGHTS", "x", "y"],
                    &["ZUNION", "2", "str", "a"],
                    &["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"],
                    &["ZDIFF", "2", "a", "b", "AGGREGATE", "MAX"],
                    &["ZDIFF", "0", "a"],
                    &["ZUNIONSTORE", "dst", "0", "a"],
                    &["ZINTERSTORE", "dst", "0", "a"],
                    &["ZDIFFSTORE", "dst", "0", "a"],
                    &["ZUNIONSTORE", "dst", "2", "a", "b", "WITHSCORES"],
                    &["ZUNIONSTORE", "dst", "1", "str"],
                    &["ZADD", "dst", "1", "keep"],
                    &["EXPIRE", "dst", "100"],
                    &["ZUNIONSTORE", "dst", "1", "a"],
                    &["TTL", "dst"],
                    &["ZINTERSTORE", "dst", "2", "a", "nokey"],
                    &["EXISTS", "dst"],
                    &["SET", "dst", "string"],
                    &["ZDIFFSTORE", "dst", "1", "a"],
                    &["TYPE", "dst"],
                    &["ZUNIONSTORE", "a", "2", "a", "b"],
                    &["ZRANGE", "a", "0", "-1", "WITHSCORES"],
                    &["ZUNIONSTORE", "dst"],
                    &["ZUNION", "1"],
                ],
            );
        });
    }
}

#[test]
fn zrangestore() {
    both_protocols(&[], |d| {
        run(
            d,
            &[
                &["ZADD", "src", "1", "a", "2", "b", "3", "c", "4", "d"],
                &["ZADD", "lex", "0", "a", "0", "b", "0", "c"],
                &["ZRANGESTORE", "dst", "src", "0", "-1"],
                &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                &["ZRANGESTORE", "dst", "src", "1", "2", "REV"],
                &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                &[
                    "ZRANGESTORE",
                    "dst",
                    "src",
                    "(1",
                    "+inf",
                    "BYSCORE",
                    "LIMIT",
                    "1",
                    "1",
                ],
                &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                &[
                    "ZRANGESTORE",
                    "dst",
                    "src",
                    "+inf",
                    "(1",
                    "BYSCORE",
                    "REV",
                    "LIMIT",
                    "0",
                    "2",
                ],
                &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                &["ZRANGESTORE", "dst", "lex", "[b", "+", "BYLEX"],
                &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
                &["OBJECT", "ENCODING", "dst"],
                &["ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES"],
                &["ZRANGESTORE", "dst", "src", "0", "-1", "LIMIT", "0", "1"],
                &["ZRANGESTORE", "dst", "src", "5", "10"],
                &["EXISTS", "dst"],
                &["ZADD", "dst", "1", "x"],
                &["ZRANGESTORE", "dst", "nokey", "0", "-1"],
                &["EXISTS", "dst"],
                &["SET", "str", "x"],
                &["ZADD", "dst", "1", "x"],
                &["ZRANGESTORE", "dst", "str", "0", "-1"],
                &["ZRANGE", "dst", "0", "-1"],
                &["ZRANGESTORE", "str", "src", "0", "0"],
                &["TYPE", "str"],
                &["ZRANGESTORE", "src", "src", "1", "2"],
                &["ZRANGE", "src", "0", "-1", "WITHSCORES"],
                &["ZRANGESTORE", "dst", "src", "x", "1"],
                &["ZRANGESTORE", "dst", "src", "0"],
            ],
        );
    });
}

#[test]
fn encodings_and_config() {
    let mut d = Diff::new();
    let long = "x".repeat(65);
    run(
        &mut d,
        &[
            &["CONFIG", "GET", "zset-max-listpack-entries"],
            &["CONFIG", "GET", "zset-max-listpack-value"],
            &["CONFIG", "GET", "zset-max-ziplist-entries"],
            &["CONFIG", "GET", "zset-max-ziplist-value"],
            &["CONFIG", "GET", "zset-max-*"],
            &["ZADD", "z", "1", "a"],
            &["OBJECT", "ENCODING", "z"],
            &["ZADD", "z", "2", &long],
            &["OBJECT", "ENCODING", "z"],
            &["ZREM", "z", &long],
            &["OBJECT", "ENCODING", "z"],
            &["ZADD", "w", "1", &long, "2", "b"],
            &["OBJECT", "ENCODING", "w"],
            &["ZADD", "v", "1", "a", "2", &long],
            &["OBJECT", "ENCODING", "v"],
            &["CONFIG", "SET", "zset-max-ziplist-entries", "3"],
            &["CONFIG", "GET", "zset-max-listpack-entries"],
            &["ZADD", "q", "1", "a", "1", "a", "1", "a", "1", "a"],
            &["OBJECT", "ENCODING", "q"],
            &["ZADD", "q", "1", "b", "1", "c"],
            &["OBJECT", "ENCODING", "q"],
            &["ZADD", "q", "1", "d"],
            &["OBJECT", "ENCODING", "q"],
            &["ZUNIONSTORE", "u", "1", "q"],
            &["OBJECT", "ENCODING", "u"],
            &["ZRANGESTORE", "u", "q", "0", "2"],
            &["OBJECT", "ENCODING", "u"],
            &["CONFIG", "SET", "zset-max-listpack-entries", "0"],
            &["ZADD", "e", "1", "a"],
            &["OBJECT", "ENCODING", "e"],
            &["ZINCRBY", "f", "1", "a"],
            &["OBJECT", "ENCODING", "f"],
            &["CONFIG", "SET", "zset-max-listpack-entries", "128"],
            &["CONFIG", "SET", "zset-max-listpack-value", "1kb"],
            &["CONFIG", "GET", "zset-max-listpack-value"],
            &["ZADD", "g", "1", &long],
            &["OBJECT", "ENCODING", "g"],
            &["CONFIG", "SET", "zset-max-ziplist-value", "0"],
            &["ZADD", "h", "1", "a"],
            &["OBJECT", "ENCODING", "h"],
            &["ZADD", "h2", "1", ""],
            &["OBJECT", "ENCODING", "h2"],
            &["CONFIG", "SET", "zset-max-listpack-entries", "-1"],
            &["CONFIG", "SET", "zset-max-listpack-entries", "x"],
            &["CONFIG", "SET", "zset-max-listpack-value", "-1"],
        ],
    );
    d.finish();
    // The directives are accepted on the command line too, under both names.
    let mut d = Diff::with_args(&[
        "--zset-max-ziplist-entries",
        "4",
        "--zset-max-listpack-value",
        "8",
    ]);
    run(
        &mut d,
        &[
            &["CONFIG", "GET", "zset-max-listpack-*"],
            &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
            &["OBJECT", "ENCODING", "z"],
            &["ZADD", "z", "5", "e"],
            &["OBJECT", "ENCODING", "z"],
            &["ZADD", "y", "1", "123456789"],
            &["OBJECT", "ENCODING", "y"],
        ],
    );
    d.finish();
}

#[test]
fn zscan_small_sets_exactly() {
    both_protocols(&[], |d| {
        run(
            d,
            &[
                &[
                    "ZADD", "z", "1", "a", "2.5", "ab", "-3", "b", "1e20", "c", "inf", "d",
                ],
                &["ZSCAN", "z", "0"],
                &["ZSCAN", "z", "0", "MATCH", "a*"],
                &["ZSCAN", "z", "0", "MATCH", "*"],
                &["ZSCAN", "z", "0", "COUNT", "1"],
                &["ZSCAN", "z", "0", "COUNT", "1", "MATCH", "?"],
                &["ZSCAN", "z", "123"],
                &["ZSCAN", "z", "0", "COUNT", "0"],
                &["ZSCAN", "z", "0", "COUNT", "x"],
                &["ZSCAN", "z", "0", "COUNT"],
                &["ZSCAN", "z", "0", "MATCH"],
                &["ZSCAN", "z", "0", "TYPE", "zset"],
                &["ZSCAN", "z", "0", "FOO", "bar"],
                &["ZSCAN", "z", "x"],
                &["ZSCAN", "z", "-1"],
                &["ZSCAN", "z", ""],
                &["ZSCAN", "z", " 0"],
                &["ZSCAN", "z", "18446744073709551616"],
                &["ZSCAN", "nokey", "0"],
                &["ZSCAN", "nokey", "0", "COUNT", "0"],
                &["ZSCAN", "nokey", "x"],
                &["ZSCAN", "z"],
            ],
        );
    });
}

#[test]
fn zscan_returns_every_stable_member_while_the_set_changes() {
    if ferrodis_only("zscan_guarantee") {
        return;
    }
    let s = Server::start();
    let mut c = s.raw();
    let mut argv = vec!["ZADD".to_string(), "z".to_string()];
    for i in 0..1000 {
        argv.push(i.to_string());
        argv.push(format!("stable{i}"));
    }
    c.cmd(&argv);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "z"]).text(), "skiplist");
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut step = 0;
    let mut rng = rand::thread_rng();
    loop {
        let r = c.cmd(&["ZSCAN", "z", &cursor, "COUNT", "17"]);
        let items = r.items();
        cursor = items[0].text();
        for p in items[1].items().chunks(2) {
            seen.insert(p[0].text());
            let m = p[0].text();
            if let Some(i) = m.strip_prefix("stable") {
                assert_eq!(p[1].text(), i, "score of {m}");
            }
        }
        // Grow and shrink around the stable members.
        for _ in 0..5 {
            let t = rng.gen_range(0..100000);
            c.cmd(&["ZADD", "z", &t.to_string(), &format!("tmp{t}")]);
        }
        let r = c.cmd(&["ZRANDMEMBER", "z", "8"]);
        for m in r.items() {
            let m = m.text();
            if m.starts_with("tmp") {
                c.cmd(&["ZREM", "z", &m]);
            }
        }
        step += 1;
        if cursor == "0" {
            break;
        }
        assert!(step < 10_000, "scan does not end");
    }
    for i in 0..1000 {
        assert!(seen.contains(&format!("stable{i}")), "missed stable{i}");
    }
}

fn random_member(rng: &mut impl Rng, pool: usize) -> String {
    format!("m{}", rng.gen_range(0..pool))
}

fn random_score(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..10) {
        0 => ["inf", "-inf", "+inf"]
            .choose(rng)
            .copied()
            .unwrap_or("inf")
            .to_string(),
        1 => format!("{}", rng.gen_range(-1000.0..1000.0f64)),
        2 => format!("{}.5", rng.gen_range(-20..20)),
        3 => "-0".to_string(),
        _ => rng.gen_range(-20..20).to_string(),
    }
}

fn random_bound(rng: &mut impl Rng) -> String {
    let b = match rng.gen_range(0..6) {
        0 => ["-inf", "+inf", "inf"]
            .choose(rng)
            .copied()
            .unwrap_or("inf")
            .to_string(),
        1 => format!("{}.5", rng.gen_range(-20..20)),
        _ => rng.gen_range(-22..22).to_string(),
    };
    if rng.gen_bool(0.3) {
        format!("({b}")
    } else {
        b
    }
}

fn random_lex(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..8) {
        0 => "-".to_string(),
        1 => "+".to_string(),
        2..=4 => format!("[l{}", rng.gen_range(0..30)),
        _ => format!("(l{}", rng.gen_range(0..30)),
    }
}

fn random_command(rng: &mut impl Rng, pool: usize) -> Vec<Vec<u8>> {
    let key = if rng.gen_bool(0.8) { "z" } else { "z2" };
    let s = |v: &[String]| v.iter().map(|x| x.as_bytes().to_vec()).collect::<Vec<_>>();
    let mut a: Vec<String> = Vec::new();
    match rng.gen_range(0..28) {
        0..=5 => {
            a.extend(["ZADD".into(), key.into()]);
            for opt in ["NX", "XX", "GT", "LT", "CH"] {
                if rng.gen_bool(0.12) {
                    a.push(opt.into());
                }
            }
            if rng.gen_bool(0.1) {
                a.push("INCR".into());
                a.push(random_score(rng));
                a.push(random_member(rng, pool));
            } else {
                for _ in 0..rng.gen_range(1..6) {
                    a.push(random_score(rng));
                    a.push(random_member(rng, pool));
                }
            }
        }
        6 => a.extend([
            "ZINCRBY".into(),
            key.into(),
            random_score(rng),
            random_member(rng, pool),
        ]),
        7..=8 => {
            a.extend(["ZREM".into(), key.into()]);
            for _ in 0..rng.gen_range(1..4) {
                a.push(random_member(rng, pool));
            }
        }
        9 => {
            a.extend([
                "ZRANGEBYSCORE".into(),
                key.into(),
                random_bound(rng),
                random_bound(rng),
            ]);
            if rng.gen_bool(0.5) {
                a.push("WITHSCORES".into());
            }
            if rng.gen_bool(0.4) {
                a.extend([
                    "LIMIT".into(),
                    rng.gen_range(-1..5).to_string(),
                    rng.gen_range(-1..8).to_string(),
                ]);
            }
        }
        10 => {
            a.extend([
                "ZREVRANGEBYSCORE".into(),
                key.into(),
                random_bound(rng),
                random_bound(rng),
            ]);
            if rng.gen_bool(0.5) {
                a.push("WITHSCORES".into());
            }
            if rng.gen_bool(0.4) {
                a.extend([
                    "LIMIT".into(),
                    rng.gen_range(0..5).to_string(),
                    rng.gen_range(-1..8).to_string(),
                ]);
            }
        }
        11 => {
            a.extend([
                "ZRANGE".into(),
                key.into(),
                rng.gen_range(-15..15).to_string(),
                rng.gen_range(-15..15).to_string(),
            ]);
            if rng.gen_bool(0.5) {
                a.push("REV".into());
            }
            if rng.gen_bool(0.5) {
                a.push("WITHSCORES".into());
            }
        }
        12 => a.extend([
            "ZCOUNT".into(),
            key.into(),
            random_bound(rng),
            random_bound(rng),
        ]),
        13 => a.extend(["ZRANK".into(), key.into(), random_member(rng, pool)]),
        14 => a.extend(["ZREVRANK".into(), key.into(), random_member(rng, pool)]),
        15 => a.extend(["ZSCORE".into(), key.into(), random_member(rng, pool)]),
        16 => a.extend([
            "ZREMRANGEBYSCORE".into(),
            key.into(),
            random_bound(rng),
            random_bound(rng),
        ]),
        17 => a.extend([
            "ZREMRANGEBYRANK".into(),
            key.into(),
            rng.gen_range(-10..10).to_string(),
            rng.gen_range(-10..10).to_string(),
        ]),
        18 => {
            a.extend([
                if rng.gen_bool(0.5) {
                    "ZPOPMIN"
                } else {
                    "ZPOPMAX"
                }
                .into(),
                key.into(),
            ]);
            if rng.gen_bool(0.5) {
                a.push(rng.gen_range(0..4).to_string());
            }
        }
        19 => {
            // Lex commands on an all-equal-score set.
            a.extend(["ZADD".into(), "lex".into()]);
            for _ in 0..rng.gen_range(1..4) {
                a.push("0".into());
                a.push(format!("l{}", rng.gen_range(0..30)));
            }
        }
        20 => {
            a.extend([
                "ZRANGEBYLEX".into(),
                "lex".into(),
                random_lex(rng),
                random_lex(rng),
            ]);
            if rng.gen_bool(0.4) {
                a.extend([
                    "LIMIT".into(),
                    rng.gen_range(0..4).to_string(),
                    rng.gen_range(-1..6).to_string(),
                ]);
            }
        }
        21 => a.extend([
            "ZREVRANGEBYLEX".into(),
            "lex".into(),
            random_lex(rng),
            random_lex(rng),
        ]),
        22 => a.extend([
            "ZLEXCOUNT".into(),
            "lex".into(),
            random_lex(rng),
            random_lex(rng),
        ]),
        23 => a.extend([
            "ZREMRANGEBYLEX".into(),
            "lex".into(),
            random_lex(rng),
            random_lex(rng),
        ]),
        24 => {
            let op = ["ZUNION", "ZINTER", "ZDIFF"]
                .choose(rng)
                .copied()
                .unwrap_or("ZUNION");
            a.extend([
                op.into(),
                "2".into(),
                "z".into(),
                "z2".into(),
                "WITHSCORES".into(),
            ]);
        }
        25 => {
            let lex = rng.gen_bool(0.4);
            let rev = rng.gen_bool(0.5);
            let (lo, hi) = if lex {
                (random_lex(rng), random_lex(rng))
            } else {
                (random_bound(rng), random_bound(rng))
            };
            if rng.gen_bool(0.3) {
                a.extend(["ZRANGESTORE".into(), "dst".into()]);
            } else {
                a.push("ZRANGE".into());
            }
            a.extend([if lex { "lex" } else { key }.into(), lo, hi]);
            a.push(if lex { "BYLEX" } else { "BYSCORE" }.into());
            if rev {
                a.push("REV".into());
            }
            if rng.gen_bool(0.5) {
                a.extend([
                    "LIMIT".into(),
                    rng.gen_range(-1..4).to_string(),
                    rng.gen_range(-2..6).to_string(),
                ]);
            }
        }
        26 => {
            a.extend([
                "ZMPOP".into(),
                "3".into(),
                "nokey".into(),
                "z2".into(),
                "z".into(),
            ]);
            a.push(if rng.gen_bool(0.5) { "MIN" } else { "MAX" }.into());
            if rng.gen_bool(0.5) {
                a.extend(["COUNT".into(), rng.gen_range(1..4).to_string()]);
            }
        }
        _ => {
            a.extend(["ZCARD".into(), key.into()]);
        }
    }
    s(&a)
}

#[test]
fn randomized_small_sets() {
    both_protocols(&[], |d| {
        d.random(3000, |rng| random_command(rng, 40));
        d.cmd(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
        d.cmd(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
        d.cmd(&["ZRANGE", "lex", "0", "-1", "WITHSCORES"]);
    });
}

#[test]
fn randomized_large_sets() {
    both_protocols(&["--zset-max-listpack-entries", "8"], |d| {
        d.random(4000, |rng| random_command(rng, 300));
        d.cmd(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
        d.cmd(&["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
        d.cmd(&["OBJECT", "ENCODING", "z"]);
        d.cmd(&["ZRANGE", "lex", "0", "-1", "WITHSCORES"]);
    });
}

#[test]
fn randmember_order_insensitive() {
    both_protocols(&[], |d| {
        d.cmd(&["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
        d.cmd_with(&["ZRANDMEMBER", "z", "3"], sort_items);
        d.cmd_with(&["ZRANDMEMBER", "z", "3", "WITHSCORES"], sort_pairs);
        d.cmd_with(&["ZRANDMEMBER", "z", "10", "WITHSCORES"], sort_pairs);
    });
}

// ---------------------------------------------------------------------
// Blocking pops.
// ---------------------------------------------------------------------

#[test]
fn blocking_pops_without_waiting() {
    both_protocols(&[], |d| {
        run(
            d,
            &[
                &[
                    "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
                ],
                &["ZADD", "y", "9", "q"],
                &["BZPOPMIN", "nokey", "z", "0"],
                &["BZPOPMAX", "nokey", "z", "y", "0"],
                &["BZPOPMAX", "y", "z", "0.01"],
                &["EXISTS", "y"],
                &["BZMPOP", "0", "2", "nokey", "z", "MIN"],
                &["BZMPOP", "0", "2", "nokey", "z", "MAX", "COUNT", "10"],
                &["EXISTS", "z"],
                &["BZPOPMIN", "nokey", "0.01"],
                &["BZMPOP", "0.01", "1", "nokey", "MIN"],
                &["BZPOPMIN", "z", "x"],
                &["BZPOPMIN", "z", "-1"],
                &["BZPOPMIN", "z", "nan"],
                &["BZPOPMIN", "z", "inf"],
                &["BZPOPMIN", "z", "1e300"],
                &["BZPOPMIN", "z"],
                &["BZMPOP", "x", "1", "z", "MIN"],
                &["BZMPOP", "-1", "1", "z", "MIN"],
                &["BZMPOP", "x", "0", "z", "MIN"],
                &["BZMPOP", "x", "1", "z", "LEFT"],
                &["BZMPOP", "x", "1", "z", "MIN", "COUNT", "0"],
                &["BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"],
                &["BZMPOP", "0", "5", "z", "MIN"],
                &["BZMPOP", "0", "1", "z"],
                &["SET", "s", "x"],
                &["ZADD", "z", "1", "a"],
                &["BZPOPMIN", "s", "z", "0"],
                &["BZPOPMIN", "nokey", "s", "0"],
                &["BZMPOP", "0", "2", "s", "z", "MIN"],
            ],
        );
    });
}

fn wait_blocked(c: &mut RawConn, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let info = c.cmd(&["INFO", "clients"]);
        let text = String::from_utf8_lossy(info.bytes().unwrap_or_default()).into_owned();
        let got = text
            .lines()
            .find_map(|l| l.strip_prefix("blocked_clients:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        if got == Some(n) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "blocked_clients never reached {n}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn send(c: &mut RawConn, argv: &[&str]) {
    c.send(&encode_request(argv));
}

/// Runs `scenario` on ferrodis and on redis-server; the transcripts must
/// be equal.
fn on_both(name: &str, scenario: impl Fn(&Server) -> Vec<String>) {
    let fer = Server::start();
    let reference = Server::reference();
    let got = scenario(&fer);
    let want = scenario(&reference);
    assert_eq!(
        got, want,
        "{name}: ferrodis (left) and redis-server (right) differ"
    );
}

#[test]
fn blocked_zset_clients() {
    on_both("bzpop", |srv| {
        let mut out = Vec::new();
        let mut admin = srv.raw();
        let mut w: Vec<RawConn> = (0..3).map(|_| srv.raw()).collect();
        // First come, first served; one ZADD of several members serves
        // several waiters.
        send(&mut w[0], &["BZPOPMIN", "q", "0"]);
        wait_blocked(&mut admin, 1);
        send(&mut w[1], &["BZPOPMAX", "other", "q", "0"]);
        wait_blocked(&mut admin, 2);
        send(&mut w[2], &["BZMPOP", "0", "1", "q", "MIN", "COUNT", "5"]);
        wait_blocked(&mut admin, 3);
        out.push(escape(&admin.cmd_raw(&["ZADD", "q", "1", "a", "2", "b"])));
        out.push(escape(&w[0].read_raw()));
        out.push(escape(&w[1].read_raw()));
        wait_blocked(&mut admin, 1);
        out.push(escape(&admin.cmd_raw(&["EXISTS", "q"])));
        out.push(escape(
            &admin.cmd_raw(&["ZADD", "q", "3", "c", "4", "d", "5", "e"]),
        ));
        out.push(escape(&w[2].read_raw()));
        wait_blocked(&mut admin, 0);
        out.push(escape(&admin.cmd_raw(&["EXISTS", "q"])));
        // A store command into a waited key wakes the waiter.
        admin.cmd_raw(&["ZADD", "src", "1", "x", "2", "y"]);
        send(&mut w[0], &["BZPOPMAX", "dst", "0"]);
        wait_blocked(&mut admin, 1);
        out.push(escape(&admin.cmd_raw(&["ZUNIONSTORE", "dst", "1", "src"])));
        out.push(escape(&w[0].read_raw()));
        send(&mut w[0], &["BZPOPMIN", "dst2", "0"]);
        wait_blocked(&mut admin, 1);
        out.push(escape(&admin.cmd_raw(&[
            "ZRANGESTORE",
            "dst2",
            "src",
            "0",
            "0",
        ])));
        out.push(escape(&w[0].read_raw()));
        // A key that becomes a string neither serves nor fails a waiter.
        send(&mut w[1], &["BZPOPMIN", "k", "0"]);
        wait_blocked(&mut admin, 1);
        admin.cmd_raw(&["SET", "k", "str"]);
        admin.cmd_raw(&["DEL", "k"]);
        out.push(escape(&admin.cmd_raw(&["ZADD", "k", "7", "v"])));
        out.push(escape(&w[1].read_raw()));
        wait_blocked(&mut admin, 0);
        // Timeouts, in both protocols.
        for proto in ["2", "3"] {
            w[2].cmd_raw(&["HELLO", proto]);
            out.push(escape(&w[2].cmd_raw(&["BZPOPMIN", "none", "0.05"])));
            out.push(escape(
                &w[2].cmd_raw(&["BZMPOP", "0.05", "1", "none", "MAX"]),
            ));
            admin.cmd_raw(&["ZADD", "r", "1.5", "m", "2.5", "n"]);
            out.push(escape(&w[2].cmd_raw(&["BZPOPMAX", "r", "0"])));
            out.push(escape(
                &w[2].cmd_raw(&["BZMPOP", "0", "1", "r", "MIN", "COUNT", "3"]),
            ));
        }
        out
    });
}

/// A BYSCORE/BYLEX ZRANGESTORE result starts as a listpack in Redis 7.0,
/// which stores -0 as the integer 0; a rank range, or a member reached
/// only after the conversion, keeps -0.
#[test]
fn zrangestore_negative_zero_as_redis() {
    both_protocols(&["--zset-max-listpack-entries", "8"], |d| {
        let mut add = vec!["ZADD".to_string(), "z".to_string()];
        for i in 0..20 {
            add.push((i + 1).to_string());
            add.push(format!("m{i}"));
        }
        d.cmd(&add);
        d.cmd(&["ZADD", "z", "-0", "neg"]);
        for q in [
            &["ZRANGESTORE", "d", "z", "0", "-1"][..],
            &["ZRANGESTORE", "d", "z", "-inf", "+inf", "BYSCORE"],
            &["ZRANGESTORE", "d", "z", "+inf", "-inf", "BYSCORE", "REV"],
            &["ZRANGESTORE", "d", "z", "-", "+", "BYLEX"],
        ] {
            d.cmd(q);
            d.cmd(&["ZSCORE", "d", "neg"]);
        }
    });
}
