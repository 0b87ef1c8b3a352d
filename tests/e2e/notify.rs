//! Keyspace notifications (`notify-keyspace-events`), differential against
//! redis-server 7.0: the directive's parsing and normalized CONFIG GET,
//! then the events (names, channels, classes and order) that every
//! writing command sends, seen by a subscriber to `__key*__:*` and, for
//! the order against the command's own reply, by a RESP3 client
//! subscribed on the same connection; expired and evicted keys.

use std::time::Duration;

use crate::common::{encode_request, escape, Diff, RawConn};

#[test]
fn notify_config_parsing_and_normalizing() {
    let mut d = Diff::new();
    d.cmd(&["CONFIG", "GET", "notify-keyspace-events"]);
    for v in [
        "KEA",
        "AKE",
        "",
        "K",
        "E",
        "g",
        "A",
        "g$lshzxetd",
        "g$lshzxetdKE",
        "KEm",
        "KEn",
        "Am",
        "An",
        "AKEmn",
        "mn",
        "Kg",
        "EKgA",
        "dtexzhsl$",
        "ndtexzhsl$mEK",
        "ee",
        "Q",
        "KEA ",
        "kea",
        "x",
    ] {
        d.cmd(&["CONFIG", "SET", "notify-keyspace-events", v]);
        d.cmd(&["CONFIG", "GET", "notify-keyspace-events"]);
    }
    d.cmd(&["CONFIG", "GET", "notify-*"]);
    d.finish();
    // From the command line, and as a fatal start-up error.
    let d = Diff::with_args(&["--notify-keyspace-events", "Elx"]);
    let (mut f, mut r) = d.new_conns();
    let get = ["CONFIG", "GET", "notify-keyspace-events"];
    assert_eq!(f.cmd(&get), r.cmd(&get));
}

/// A Diff plus, per server, a subscriber to every keyspace channel.
struct Events {
    d: Diff,
    f: RawConn,
    r: RawConn,
    marker: usize,
}

impl Events {
    fn new(flags: &str) -> Events {
        let mut d = Diff::new();
        d.cmd(&["CONFIG", "SET", "notify-keyspace-events", flags]);
        let (mut f, mut r) = d.new_conns();
        for c in [&mut f, &mut r] {
            c.cmd(&["PSUBSCRIBE", "__key*__:*"]);
            c.cmd(&["SUBSCRIBE", "marker"]);
        }
        Events { d, f, r, marker: 0 }
    }

    /// The frames a subscriber got up to the next marker.
    fn drain(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.marker += 1;
        let m = self.marker.to_string();
        let publish = encode_request(&["PUBLISH", "marker", &m]);
        let (df, dr) = self.d.conns();
        for c in [df, dr] {
            c.send(&publish);
            c.read_raw();
        }
        let mut out = (Vec::new(), Vec::new());
        for (c, buf) in [(&mut self.f, &mut out.0), (&mut self.r, &mut out.1)] {
            loop {
                let raw = c.read_raw();
                let v = crate::common::parse_one(&raw);
                if v.items()[0].bytes() == Some(b"message") {
                    break;
                }
                buf.extend(raw);
            }
        }
        out
    }

    /// Runs each command on both servers and compares its reply and the
    /// events it sent.
    fn run(&mut self, script: &[&[&str]]) {
        for argv in script {
            let argv: Vec<Vec<u8>> = argv.iter().map(|a| a.as_bytes().to_vec()).collect();
            self.run_one(&argv);
        }
    }

    fn run_one(&mut self, argv: &[Vec<u8>]) {
        self.d.cmd(argv);
        let (f, r) = self.drain();
        if f != r {
            let what: Vec<String> = argv.iter().map(|a| escape(a)).collect();
            self.d.fail(format!(
                "events of {}\n    ferrodis: {}\n    redis:    {}",
                what.join(" "),
                escape(&f),
                escape(&r)
            ));
        }
    }

    fn finish(mut self) {
        self.d.finish();
    }
}

const STRINGS: &[&[&str]] = &[
    &["SET", "a", "1"],
    &["SET", "a", "2"],
    &["SET", "b", "x", "EX", "100"],
    &["SET", "b", "x", "PX", "100000"],
    &["SET", "b", "x", "KEEPTTL"],
    &["SET", "c", "1", "NX"],
    &["SET", "c", "1", "NX"],
    &["SET", "c", "1", "XX"],
    &["SET", "nn", "1", "XX"],
    &["SET", "a", "3", "GET"],
    &["SET", "a", "1", "EX", "0"],
    &["SETEX", "s", "100", "v"],
    &["PSETEX", "s", "100000", "v"],
    &["SETNX", "s", "v"],
    &["SETNX", "s2", "v"],
    &["GETSET", "s2", "w"],
    &["GETSET", "s3", "w"],
    &["MSET", "m1", "1", "m2", "2"],
    &["MSETNX", "m1", "1", "m3", "2"],
    &["MSETNX", "m4", "1", "m5", "2"],
    &["SETRANGE", "r", "3", "abc"],
    &["SETRANGE", "r", "0", ""],
    &["SETRANGE", "r2", "0", ""],
    &["INCR", "i"],
    &["DECR", "i"],
    &["INCRBY", "i", "5"],
    &["DECRBY", "i", "5"],
    &["INCR", "a"],
    &["INCRBYFLOAT", "f", "1.5"],
    &["INCRBYFLOAT", "f", "x"],
    &["APPEND", "ap", "x"],
    &["APPEND", "ap", "y"],
    &["GETDEL", "ap"],
    &["GETDEL", "ap"],
    &["GETEX", "a"],
    &["GETEX", "a", "EX", "100"],
    &["GETEX", "a", "PERSIST"],
    &["GETEX", "a", "PERSIST"],
    &["GETEX", "a", "EXAT", "1"],
    &["SETBIT", "bt", "7", "1"],
    &["SETBIT", "bt", "7", "1"],
    &["SETBIT", "bt", "100", "0"],
    &["BITFIELD", "bf", "SET", "u8", "0", "255"],
    &["BITFIELD", "bf", "GET", "u8", "0"],
    &["BITFIELD", "bf", "INCRBY", "u8", "0", "10"],
    &["BITFIELD", "bf2", "GET", "u8", "0"],
    &[
        "BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300",
    ],
    &["SET", "b1", "abc"],
    &["BITOP", "AND", "bd", "b1", "b1"],
    &["BITOP", "OR", "bd", "nokey"],
    &["BITOP", "OR", "bd2", "nokey"],
    &["GET", "b1"],
    &["STRLEN", "b1"],
];

const GENERIC: &[&[&str]] = &[
    &["SET", "a", "1"],
    &["SET", "b", "2"],
    &["DEL", "a", "b", "c", "a"],
    &["SET", "a", "1"],
    &["UNLINK", "a", "zz"],
    &["SET", "k", "v"],
    &["RENAME", "k", "k2"],
    &["RENAME", "k2", "k2"],
    &["SET", "k3", "x"],
    &["RENAME", "k2", "k3"],
    &["RENAMENX", "k3", "k3"],
    &["SET", "o", "1"],
    &["RENAMENX", "k3", "o"],
    &["RENAMENX", "k3", "n"],
    &["RENAME", "nokey", "x"],
    &["SET", "e", "1"],
    &["EXPIRE", "e", "100"],
    &["PEXPIRE", "e", "100000"],
    &["EXPIREAT", "e", "99999999999"],
    &["EXPIRE", "e", "100", "NX"],
    &["EXPIRE", "e", "100", "XX"],
    &["PERSIST", "e"],
    &["PERSIST", "e"],
    &["EXPIRE", "e", "-1"],
    &["SET", "e", "1"],
    &["PEXPIREAT", "e", "1"],
    &["EXPIRE", "nokey", "10"],
    &["SET", "m", "1"],
    &["MOVE", "m", "1"],
    &["MOVE", "m", "1"],
    &["SET", "c", "1", "EX", "100"],
    &["COPY", "c", "c2"],
    &["COPY", "c", "c2"],
    &["COPY", "c", "c2", "REPLACE"],
    &["COPY", "c", "c5", "DB", "2"],
    &["COPY", "nokey", "x"],
    &["RPUSH", "sl", "3", "1", "2"],
    &["SORT", "sl", "STORE", "so"],
    &["SORT", "sl", "STORE", "so"],
    &["SORT", "nosl", "STORE", "so"],
    &["SORT", "nosl", "STORE", "so"],
    &["FLUSHDB"],
    &["SET", "a", "1"],
    &["SWAPDB", "0", "1"],
    &["FLUSHALL"],
];

const LISTS: &[&[&str]] = &[
    &["LPUSH", "l", "a", "b", "c"],
    &["RPUSH", "l", "d"],
    &["LPUSHX", "l", "e"],
    &["RPUSHX", "l", "f"],
    &["LPUSHX", "nol", "e"],
    &["LPOP", "l"],
    &["RPOP", "l"],
    &["LPOP", "l", "2"],
    &["LPOP", "l", "0"],
    &["LPOP", "nol"],
    &["RPOP", "l", "10"],
    &["RPUSH", "l", "a", "b", "c", "b"],
    &["LSET", "l", "0", "z"],
    &["LSET", "l", "9", "z"],
    &["LINSERT", "l", "BEFORE", "b", "y"],
    &["LINSERT", "l", "AFTER", "nope", "y"],
    &["LREM", "l", "1", "b"],
    &["LREM", "l", "0", "nope"],
    &["LTRIM", "l", "0", "1"],
    &["LTRIM", "l", "5", "10"],
    &["RPUSH", "s", "1", "2"],
    &["LMOVE", "s", "d", "LEFT", "RIGHT"],
    &["LMOVE", "s", "d", "RIGHT", "LEFT"],
    &["RPOPLPUSH", "d", "d"],
    &["RPOPLPUSH", "d", "e"],
    &["RPOPLPUSH", "d", "e"],
    &["RPUSH", "s", "1"],
    &["BLMOVE", "s", "d2", "LEFT", "RIGHT", "0.1"],
    &["BRPOPLPUSH", "d2", "d3", "0.1"],
    &["RPUSH", "b1", "x", "y"],
    &["BLPOP", "b0", "b1", "1"],
    &["BRPOP", "b1", "1"],
    &["RPUSH", "m", "1", "2", "3"],
    &["LMPOP", "2", "m0", "m", "LEFT", "COUNT", "2"],
    &["LMPOP", "1", "m", "RIGHT"],
    &["BLMPOP", "0.05", "1", "m", "LEFT"],
    &["RPUSH", "r", "a", "a", "a"],
    &["LREM", "r", "0", "a"],
    &["LRANGE", "s", "0", "-1"],
];

const HASHES_SETS: &[&[&str]] = &[
    &["HSET", "h", "a", "1", "b", "2"],
    &["HSET", "h", "a", "1"],
    &["HMSET", "h", "c", "3"],
    &["HSETNX", "h", "a", "9"],
    &["HSETNX", "h", "d", "4"],
    &["HSETNX", "h2", "d", "4"],
    &["HINCRBY", "h", "n", "5"],
    &["HINCRBY", "h3", "n", "5"],
    &["HINCRBY", "h", "a", "x"],
    &["HINCRBYFLOAT", "h", "f", "1.5"],
    &["HINCRBYFLOAT", "h4", "f", "1.5"],
    &["HDEL", "h", "a", "zz"],
    &["HDEL", "h", "zz"],
    &["HDEL", "h2", "d"],
    &["SADD", "s", "a", "b", "c"],
    &["SADD", "s", "a"],
    &["SREM", "s", "a", "zz"],
    &["SREM", "s", "zz"],
    &["SREM", "s", "b", "c"],
    &["SADD", "p", "1", "2", "3", "4", "5"],
    &["SPOP", "p", "0"],
    &["SADD", "m1", "a", "b"],
    &["SMOVE", "m1", "m2", "a"],
    &["SMOVE", "m1", "m2", "a"],
    &["SADD", "m2", "b"],
    &["SMOVE", "m1", "m2", "b"],
    &["SMOVE", "m2", "m2", "a"],
    &["SADD", "x1", "1", "2", "3"],
    &["SADD", "x2", "2", "3", "4"],
    &["SINTERSTORE", "d", "x1", "x2"],
    &["SINTERSTORE", "d", "x1", "x2"],
    &["SUNIONSTORE", "d2", "x1", "x2"],
    &["SDIFFSTORE", "d3", "x1", "x2"],
    &["SINTERSTORE", "d", "x1", "nokey"],
    &["SINTERSTORE", "d", "x1", "nokey"],
    &["SDIFFSTORE", "d2", "x1", "x1"],
];

const ZSETS: &[&[&str]] = &[
    &["ZADD", "z", "1", "a", "2", "b"],
    &["ZADD", "z", "1", "a"],
    &["ZADD", "z", "5", "a"],
    &["ZADD", "z", "NX", "9", "a"],
    &["ZADD", "nz", "XX", "1", "a"],
    &["ZADD", "z", "XX", "CH", "7", "a"],
    &["ZADD", "z", "INCR", "1", "a"],
    &["ZADD", "z", "GT", "1", "a"],
    &["ZINCRBY", "z", "2", "b"],
    &["ZINCRBY", "z2", "2", "b"],
    &["ZREM", "z", "a", "zz"],
    &["ZREM", "z", "zz"],
    &["ZREM", "z2", "b"],
    &["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d"],
    &["ZREMRANGEBYSCORE", "r", "1", "1"],
    &["ZREMRANGEBYSCORE", "r", "10", "20"],
    &["ZREMRANGEBYRANK", "r", "0", "0"],
    &["ZREMRANGEBYLEX", "r", "-", "+"],
    &["ZADD", "p", "1", "a", "2", "b", "3", "c"],
    &["ZPOPMIN", "p"],
    &["ZPOPMAX", "p", "0"],
    &["ZPOPMAX", "p", "5"],
    &["ZADD", "p", "1", "a", "2", "b", "3", "c"],
    &["ZMPOP", "2", "nz", "p", "MIN", "COUNT", "2"],
    &["BZPOPMAX", "p", "1"],
    &["ZADD", "p", "1", "a"],
    &["BZMPOP", "0.05", "1", "p", "MIN"],
    &["ZADD", "x1", "1", "a", "2", "b"],
    &["ZADD", "x2", "2", "b", "3", "c"],
    &["ZUNIONSTORE", "d", "2", "x1", "x2"],
    &["ZINTERSTORE", "d", "2", "x1", "x2"],
    &["ZDIFFSTORE", "d", "2", "x1", "x1"],
    &["ZDIFFSTORE", "d", "2", "x1", "x1"],
    &["ZRANGESTORE", "rs", "x1", "0", "-1"],
    &["ZRANGESTORE", "rs", "x1", "5", "6"],
    &["ZRANGE", "x1", "0", "-1"],
];

fn events_differential(flags: &str) {
    for script in [STRINGS, GENERIC, LISTS, HASHES_SETS, ZSETS] {
        let mut e = Events::new(flags);
        e.run(script);
        e.finish();
    }
}

#[test]
fn notify_events_all_classes() {
    events_differential("KEA");
}

#[test]
fn notify_events_with_new_keys() {
    events_differential("KEAn");
}

#[test]
fn notify_events_by_class_and_channel() {
    // One channel kind and a few classes at a time.
    for flags in ["K$", "Eg", "Kl", "Es", "Kh", "Ez", "En"] {
        let mut e = Events::new(flags);
        e.run(STRINGS);
        e.run(LISTS);
        e.run(ZSETS);
        e.finish();
    }
}

/// A RESP3 client subscribed to its own events sees them where Redis
/// writes them, relative to the command's reply.
#[test]
fn notify_events_to_a_resp3_subscriber_itself() {
    for script in [STRINGS, GENERIC, LISTS, HASHES_SETS, ZSETS] {
        let mut d = Diff::new();
        d.cmd(&["CONFIG", "SET", "notify-keyspace-events", "KEAn"]);
        d.cmd(&["HELLO", "3"]);
        d.raw(&encode_request(&["PSUBSCRIBE", "__key*__:*"]), 1);
        for argv in script {
            let (f, r) = d.conns();
            let req = [encode_request(argv), encode_request(&["PING", "end"])].concat();
            let mut out = (Vec::new(), Vec::new());
            for (c, buf) in [(f, &mut out.0), (r, &mut out.1)] {
                c.send(&req);
                loop {
                    let raw = c.read_raw();
                    if raw == b"$3\r\nend\r\n" {
                        break;
                    }
                    buf.extend(raw);
                }
            }
            // SPOP and the pops of random members are left out above, so
            // the bytes must match exactly.
            d.check(&argv.join(" "), &out.0, &out.1);
        }
        d.finish();
    }
}

#[test]
fn notify_expired_keys() {
    let mut e = Events::new("KEA");
    e.d.cmd(&["SET", "t1", "v", "PX", "50"]);
    e.d.cmd(&["SET", "t2", "v", "PX", "50"]);
    e.d.cmd(&["HSET", "t3", "f", "v"]);
    e.d.cmd(&["PEXPIRE", "t3", "50"]);
    // Expired by the background cycle or on access: the same events.
    std::thread::sleep(Duration::from_millis(400));
    e.d.cmd(&["GET", "t1"]);
    e.d.cmd(&["EXISTS", "t2", "t3"]);
    let (f, r) = e.drain();
    let sorted = |b: &[u8]| {
        let mut v: Vec<Vec<u8>> = crate::common::parse_all(b)
            .into_iter()
            .map(|x| x.encode())
            .collect();
        v.sort();
        v
    };
    let (fs, rs) = (sorted(&f), sorted(&r));
    if fs != rs {
        e.d.fail(format!(
            "expired events\n    ferrodis: {}\n    redis:    {}",
            escape(&f),
            escape(&r)
        ));
    }
    assert!(
        String::from_utf8_lossy(&r).contains("__keyevent@0__:expired"),
        "the reference sent no expired events: {}",
        escape(&r)
    );
    e.finish();
}

#[test]
fn notify_evicted_keys() {
    let mut e = Events::new("Ee");
    let (f, r) = e.d.conns();
    for c in [f, r] {
        c.cmd(&["CONFIG", "SET", "maxmemory-policy", "allkeys-random"]);
    }
    // Fill, then lower maxmemory below what is used: the next write
    // evicts.
    let big = "x".repeat(10_000);
    for i in 0..200 {
        let k = format!("k{i}");
        let (f, r) = e.d.conns();
        for c in [f, r] {
            c.cmd(&["SET", &k, &big]);
        }
    }
    for c in [&mut e.d.fer, &mut e.d.reference] {
        let mut conn = c.raw();
        let used = conn.cmd(&["INFO", "memory"]).text();
        let used: u64 = used
            .lines()
            .find_map(|l| l.strip_prefix("used_memory:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        conn.cmd(&["CONFIG", "SET", "maxmemory", &(used - 500_000).to_string()]);
        conn.cmd(&["SET", "trigger", "1"]);
    }
    let (f, r) = e.drain();
    for (who, bytes) in [("ferrodis", &f), ("redis", &r)] {
        assert!(
            String::from_utf8_lossy(bytes).contains("__keyevent@0__:evicted"),
            "{who} sent no evicted events: {}",
            escape(bytes)
        );
    }
    let (f, r) = e.d.conns();
    for c in [f, r] {
        c.cmd(&["CONFIG", "SET", "maxmemory", "0"]);
    }
    e.finish();
}

#[test]
fn notify_restore_events() {
    let mut e = Events::new("KEAn");
    e.run(&[&["SET", "a", "hello"]]);
    let dump = e.d.cmd(&["DUMP", "a"]).bytes().unwrap_or_default().to_vec();
    let restore = |args: &[&[u8]]| -> Vec<Vec<u8>> {
        let mut v = vec![b"RESTORE".to_vec()];
        for a in args {
            v.push(a.to_vec());
        }
        v
    };
    for argv in [
        restore(&[b"b", b"0", &dump]),
        restore(&[b"b", b"0", &dump]),
        restore(&[b"b", b"0", &dump, b"REPLACE"]),
        restore(&[b"c", b"1", &dump, b"ABSTTL"]),
        restore(&[b"b", b"1", &dump, b"ABSTTL", b"REPLACE"]),
        restore(&[b"e", b"100000", &dump]),
    ] {
        e.run_one(&argv);
    }
    e.finish();
}
