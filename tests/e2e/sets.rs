//! Set commands, differential against redis-server 7.0: every command,
//! option and error, RESP2 and RESP3, the intset → hashtable conversion at
//! Redis's thresholds, set algebra, randomized sequences, SRANDMEMBER's and
//! SPOP's distribution and SSCAN's guarantee while the set changes.

use std::collections::{HashMap, HashSet};

use rand::Rng;

use crate::common::{norm, Diff, RawConn, Resp, Server};

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
fn sadd_srem_membership() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["SADD", "s", "a", "b", "c", "a"],
            &["SADD", "s", "a"],
            &["SADD", "i", "1", "2", "3", "-5", "2"],
            &["SCARD", "s"],
            &["SCARD", "i"],
            &["SCARD", "nokey"],
            &["SISMEMBER", "s", "a"],
            &["SISMEMBER", "s", "z"],
            &["SISMEMBER", "i", "2"],
            &["SISMEMBER", "i", "02"],
            &["SISMEMBER", "i", "x"],
            &["SISMEMBER", "nokey", "a"],
            &["SMISMEMBER", "s", "a", "z", "b"],
            &["SMISMEMBER", "i", "1", "01", "3"],
            &["SMISMEMBER", "nokey", "a"],
            &["SMEMBERS", "s"],
            &["SMEMBERS", "i"],
            &["SMEMBERS", "nokey"],
            &["SREM", "s", "a", "z", "a"],
            &["SREM", "i", "2", "x"],
            &["SREM", "nokey", "a"],
            &["SREM", "s", "b", "c"],
            &["EXISTS", "s"],
            &["SREM", "i", "1", "3", "-5"],
            &["EXISTS", "i"],
            &["SADD", "s"],
            &["SREM", "s"],
            &["SISMEMBER", "s"],
            &["SMISMEMBER", "s"],
            &["SCARD"],
            &["SMEMBERS", "s", "x"],
            &["SADD", "", ""],
            &["SMEMBERS", ""],
            &["TYPE", ""],
        ],
    );
    d.finish();
}

#[test]
fn wrongtype() {
    let mut d = diff();
    d.cmd(&["SET", "str", "x"]);
    d.cmd(&["HSET", "h", "a", "1"]);
    d.cmd(&["SADD", "s", "1"]);
    for k in ["str", "h"] {
        for c in [
            &["SADD", k, "a"][..],
            &["SREM", k, "a"],
            &["SISMEMBER", k, "a"],
            &["SMISMEMBER", k, "a"],
            &["SCARD", k],
            &["SMEMBERS", k],
            &["SPOP", k],
            &["SPOP", k, "0"],
            &["SPOP", k, "-1"],
            &["SRANDMEMBER", k],
            &["SRANDMEMBER", k, "0"],
            &["SRANDMEMBER", k, "x"],
            &["SMOVE", k, "s", "1"],
            &["SMOVE", "s", k, "1"],
            &["SMOVE", "nokey", k, "1"],
            &["SINTER", "s", k],
            &["SINTER", "nokey", k],
            &["SINTERSTORE", "d", "nokey", k],
            &["SINTERCARD", "2", "nokey", k],
            &["SUNION", k, "s"],
            &["SUNIONSTORE", "d", k],
            &["SDIFF", "s", k],
            &["SDIFF", "nokey", k],
            &["SDIFFSTORE", "d", "s", k],
            &["SSCAN", k, "0"],
            &["SSCAN", k, "x"],
            &["SSCAN", k, "0", "COUNT", "0"],
        ] {
            d.cmd(c);
        }
    }
    d.cmd(&["EXISTS", "d"]);
    d.cmd(&["SMEMBERS", "s"]);
    d.finish();
}

#[test]
fn spop() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["SPOP", "nokey"],
            &["SPOP", "nokey", "3"],
            &["SPOP", "nokey", "0"],
            &["SPOP", "nokey", "-1"],
            &["SPOP", "nokey", "x"],
            &["SADD", "s", "1"],
            &["SPOP", "s"],
            &["EXISTS", "s"],
            &["SADD", "s", "a", "b", "c"],
            &["SPOP", "s", "0"],
            &["SPOP", "s", "-1"],
            &["SPOP", "s", "x"],
            &["SPOP", "s", "1.5"],
            &["SPOP", "s", "1", "2"],
            &["SPOP", "s", "3"],
            &["EXISTS", "s"],
            &["SADD", "i", "1", "2", "3", "4"],
            &["SPOP", "i", "100"],
            &["EXISTS", "i"],
            &["SADD", "i", "5", "6"],
            &["SPOP", "i", "9223372036854775807"],
            &["SPOP", "i", "9223372036854775808"],
        ],
    );
    d.finish();
    // Partial pops: the popped members are random; check sizes and that
    // popped plus remaining is the original set.
    let s = Server::start();
    let mut c = s.raw();
    for (name, members) in [
        ("ints", (0..300).map(|i| i.to_string()).collect::<Vec<_>>()),
        ("strs", (0..50).map(|i| format!("m{i}")).collect()),
        ("big", (0..2000).map(|i| format!("b{i}")).collect()),
    ] {
        let mut args = vec!["SADD".to_string(), name.to_string()];
        args.extend(members.iter().cloned());
        c.cmd(&args);
        let mut got: Vec<String> = Vec::new();
        let one = c.cmd(&["SPOP", name]);
        got.push(one.text());
        let r = c.cmd(&["SPOP", name, "7"]);
        assert_eq!(r.items().len(), 7);
        got.extend(r.items().iter().map(|x| x.text()));
        let rest = c.cmd(&["SMEMBERS", name]);
        got.extend(rest.items().iter().map(|x| x.text()));
        let mut want = members.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn srandmember() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["SRANDMEMBER", "nokey"],
            &["SRANDMEMBER", "nokey", "3"],
            &["SRANDMEMBER", "nokey", "-3"],
            &["SRANDMEMBER", "nokey", "x"],
            &["SRANDMEMBER", "nokey", "1", "2"],
            &["SADD", "s", "a", "b", "c"],
            &["SADD", "i", "3", "1", "2"],
            &["SRANDMEMBER", "s", "3"],
            &["SRANDMEMBER", "s", "10"],
            &["SRANDMEMBER", "i", "10"],
            &["SRANDMEMBER", "s", "0"],
            &["SRANDMEMBER", "s", "-9223372036854775808"],
            &["SRANDMEMBER", "s", "9223372036854775807"],
            &["SRANDMEMBER", "s", "x"],
            &["SRANDMEMBER", "s", "1", "2"],
            &["SADD", "one", "only"],
            &["SRANDMEMBER", "one"],
            &["SRANDMEMBER", "one", "-4"],
            &["SRANDMEMBER", "one", "1"],
        ],
    );
    d.finish();
    // Exact order: an intset replies in ascending order when every member
    // is returned, as Redis does.
    let mut d = Diff::new();
    d.script(&[
        &["SADD", "i", "30", "-1", "7", "100000", "2"],
        &["SRANDMEMBER", "i", "100"],
        &["SMEMBERS", "i"],
        &["SPOP", "i", "100"],
    ]);
    d.finish();
}

#[test]
fn random_member_distribution() {
    let s = Server::start();
    let mut c = s.raw();
    let add = |c: &mut RawConn, key: &str, members: Vec<String>| {
        let mut args = vec!["SADD".to_string(), key.to_string()];
        args.extend(members);
        c.cmd(&args);
    };
    add(&mut c, "ints", (0..10).map(|i| i.to_string()).collect());
    add(&mut c, "strs", (0..10).map(|i| format!("m{i}")).collect());
    add(&mut c, "big", (0..1000).map(|i| format!("b{i}")).collect());
    for key in ["ints", "strs"] {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for _ in 0..2000 {
            *seen.entry(c.cmd(&["SRANDMEMBER", key]).text()).or_default() += 1;
        }
        assert_eq!(seen.len(), 10, "{key}: {seen:?}");
        assert!(
            seen.values().all(|&n| (80..=400).contains(&n)),
            "{key}: {seen:?}"
        );
        // Negative counts repeat members and return exactly |count|.
        let r = c.cmd(&["SRANDMEMBER", key, "-5000"]);
        assert_eq!(r.items().len(), 5000);
        let mut counts: HashMap<String, usize> = HashMap::new();
        for x in r.items() {
            *counts.entry(x.text()).or_default() += 1;
        }
        assert_eq!(counts.len(), 10);
        assert!(
            counts.values().all(|&n| (250..=800).contains(&n)),
            "{counts:?}"
        );
        // Positive counts are distinct.
        let r = c.cmd(&["SRANDMEMBER", key, "4"]);
        let d: HashSet<String> = r.items().iter().map(|x| x.text()).collect();
        assert_eq!(d.len(), 4);
    }
    // Distinct samples of a big set, sparse and dense, cover it evenly.
    for count in ["20", "600"] {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let rounds = if count == "20" { 1000 } else { 40 };
        for _ in 0..rounds {
            let r = c.cmd(&["SRANDMEMBER", "big", count]);
            let items: HashSet<String> = r.items().iter().map(|x| x.text()).collect();
            assert_eq!(items.len(), count.parse::<usize>().unwrap());
            for x in items {
                *counts.entry(x).or_default() += 1;
            }
        }
        assert!(counts.len() > 990, "{count}: {}", counts.len());
        assert!(
            counts.values().all(|&n| n <= 45),
            "{count}: max {:?}",
            counts.values().max()
        );
    }
    // SPOP picks are not degenerate either.
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for _ in 0..300 {
        add(&mut c, "p", (0..10).map(|i| format!("m{i}")).collect());
        *firsts.entry(c.cmd(&["SPOP", "p"]).text()).or_default() += 1;
        c.cmd(&["DEL", "p"]);
    }
    assert_eq!(firsts.len(), 10, "{firsts:?}");
}

#[test]
fn smove() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["SADD", "a", "1", "2", "x"],
            &["SADD", "b", "3"],
            &["SMOVE", "a", "b", "1"],
            &["SMOVE", "a", "b", "1"],
            &["SMOVE", "a", "b", "nope"],
            &["SMEMBERS", "a"],
            &["SMEMBERS", "b"],
            &["SMOVE", "a", "a", "2"],
            &["SMOVE", "a", "a", "9"],
            &["SMOVE", "nokey", "b", "1"],
            &["SMOVE", "a", "new", "x"],
            &["OBJECT", "ENCODING", "new"],
            &["SMOVE", "a", "new2", "2"],
            &["OBJECT", "ENCODING", "new2"],
            &["EXISTS", "a"],
            &["SMOVE", "b", "new", "3"],
            &["SMEMBERS", "new"],
            &["SMOVE", "a", "b"],
        ],
    );
    d.finish();
}

#[test]
fn algebra() {
    let mut d = diff();
    both_resp(
        &mut d,
        &[
            &["SADD", "a", "1", "2", "3", "4", "x", "y"],
            &["SADD", "b", "2", "3", "5", "y", "z"],
            &["SADD", "c", "3", "y", "q"],
            &["SADD", "i", "1", "2", "3"],
            &["SADD", "j", "3", "4"],
            &["SINTER", "a", "b"],
            &["SINTER", "a", "b", "c"],
            &["SINTER", "a"],
            &["SINTER", "a", "nokey"],
            &["SINTER", "nokey"],
            &["SINTER", "i", "j"],
            &["SINTER", "a", "a"],
            &["SUNION", "a", "b"],
            &["SUNION", "a", "nokey", "c"],
            &["SUNION", "nokey"],
            &["SUNION", "i", "j"],
            &["SDIFF", "a", "b"],
            &["SDIFF", "a", "b", "c"],
            &["SDIFF", "a", "a"],
            &["SDIFF", "nokey", "a"],
            &["SDIFF", "a", "nokey"],
            &["SDIFF", "i", "j"],
            &["SINTERSTORE", "d", "a", "b"],
            &["SMEMBERS", "d"],
            &["OBJECT", "ENCODING", "d"],
            &["SINTERSTORE", "d", "i", "a"],
            &["SMEMBERS", "d"],
            &["OBJECT", "ENCODING", "d"],
            &["SINTERSTORE", "d", "a", "nokey"],
            &["EXISTS", "d"],
            &["SUNIONSTORE", "d", "i", "j"],
            &["OBJECT", "ENCODING", "d"],
            &["SUNIONSTORE", "d", "a", "b", "c"],
            &["SCARD", "d"],
            &["OBJECT", "ENCODING", "d"],
            &["SUNIONSTORE", "d", "nokey"],
            &["EXISTS", "d"],
            &["SDIFFSTORE", "d", "a", "b"],
            &["SMEMBERS", "d"],
            &["SDIFFSTORE", "d", "i", "a"],
            &["EXISTS", "d"],
            &["SDIFFSTORE", "a", "a", "c"],
            &["SMEMBERS", "a"],
            // STORE overwrites any type and drops the TTL.
            &["SET", "str", "v", "EX", "100"],
            &["SUNIONSTORE", "str", "i"],
            &["TYPE", "str"],
            &["TTL", "str"],
            &["SINTERSTORE", "d"],
            &["SUNION"],
            &["SDIFF"],
        ],
    );
    d.finish();
}

#[test]
fn sintercard() {
    let mut d = diff();
    d.script(&[
        &["SADD", "a", "1", "2", "3", "x"],
        &["SADD", "b", "2", "3", "x", "y"],
        &["SINTERCARD", "1", "a"],
        &["SINTERCARD", "2", "a", "b"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "0"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "1"],
        &["SINTERCARD", "2", "a", "b", "limit", "2"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "100"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "3"],
        &["SINTERCARD", "2", "a", "nokey"],
        &["SINTERCARD", "1", "nokey", "LIMIT", "-1"],
        &["SINTERCARD", "0", "a"],
        &["SINTERCARD", "-1", "a"],
        &["SINTERCARD", "x", "a"],
        &["SINTERCARD", "9999999999999999999999", "a"],
        &["SINTERCARD", "3", "a", "b"],
        &["SINTERCARD", "2", "a", "b", "LIMIT"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "-1"],
        &["SINTERCARD", "2", "a", "b", "LIMIT", "x"],
        &["SINTERCARD", "2", "a", "b", "FOO"],
        &["SINTERCARD", "1", "a", "b"],
        &["SINTERCARD", "1"],
        &[
            "COMMAND",
            "GETKEYS",
            "SINTERCARD",
            "2",
            "a",
            "b",
            "LIMIT",
            "1",
        ],
    ]);
    d.finish();
}

#[test]
fn sscan() {
    let mut d = diff();
    d.script(&[
        &["SSCAN", "nokey", "0"],
        &["SSCAN", "nokey", "x"],
        &["SSCAN", "nokey", "0", "COUNT", "0"],
        &["SADD", "i", "1", "2", "3", "10", "11"],
        &["SSCAN", "i", "0"],
        &["SSCAN", "i", "0", "MATCH", "1*"],
        &["SSCAN", "i", "0", "COUNT", "1"],
        &["SADD", "s", "a", "b", "ab"],
        &["SSCAN", "s", "0", "MATCH", "a*", "COUNT", "1000"],
        &["SSCAN", "s", "0", "COUNT", "1000"],
        &["SSCAN", "s", "x"],
        // (A made-up cursor such as -1 resumes somewhere unspecified on a
        // hashtable, in Redis and here alike: not compared.)
        &["SSCAN", "s", "0", "COUNT", "0"],
        &["SSCAN", "s", "0", "COUNT", "x"],
        &["SSCAN", "s", "0", "MATCH"],
        &["SSCAN", "s", "0", "TYPE", "set"],
        &["SSCAN", "s"],
    ]);
    d.finish();
}

/// Walks SSCAN to the end, returning every member seen.
fn sscan_all(c: &mut RawConn, key: &str, count: &str) -> Vec<String> {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    loop {
        let r = c.cmd(&["SSCAN", key, &cursor, "COUNT", count]);
        let items = r.items();
        cursor = items[0].text();
        out.extend(items[1].items().iter().map(|x| x.text()));
        if cursor == "0" {
            return out;
        }
    }
}

#[test]
fn sscan_guarantee_while_growing_and_shrinking() {
    let s = Server::start();
    let mut c = s.raw();
    let mut w = s.raw();
    for i in 0..1000 {
        c.cmd(&["SADD", "s", &format!("stable{i}")]);
    }
    for i in 0..500 {
        c.cmd(&["SADD", "s", &format!("gone{i}")]);
    }
    let all: HashSet<String> = sscan_all(&mut c, "s", "33").into_iter().collect();
    assert_eq!(all.len(), 1500);
    let mut rng = rand::thread_rng();
    let mut cursor = "0".to_string();
    let mut seen = HashSet::new();
    let mut step = 0;
    loop {
        let r = c.cmd(&["SSCAN", "s", &cursor, "COUNT", "20"]);
        let items = r.items();
        cursor = items[0].text();
        seen.extend(items[1].items().iter().map(|x| x.text()));
        for _ in 0..5 {
            w.cmd(&["SREM", "s", &format!("gone{}", rng.gen_range(0..500))]);
            w.cmd(&["SADD", "s", &format!("new{step}")]);
            w.cmd(&["SPOP", "s"]);
            w.cmd(&["SADD", "s", &format!("new{step}b")]);
            step += 1;
        }
        if cursor == "0" {
            break;
        }
    }
    // SPOP may take stable members; only those never removed must be seen.
    for i in 0..1000 {
        let m = format!("stable{i}");
        let still = c.cmd(&["SISMEMBER", "s", &m]).int() == 1;
        assert!(!still || seen.contains(&m), "missed {m}");
    }
}

#[test]
fn encoding_thresholds() {
    let mut d = diff();
    let long = "m".repeat(65);
    d.script(&[
        &["CONFIG", "GET", "set-max-intset-entries"],
        &[
            "SADD",
            "i",
            "1",
            "-5",
            "9223372036854775807",
            "-9223372036854775808",
        ],
        &["OBJECT", "ENCODING", "i"],
        &["SADD", "i", "9223372036854775808"],
        &["OBJECT", "ENCODING", "i"],
        &["SADD", "z", "01"],
        &["OBJECT", "ENCODING", "z"],
        &["SADD", "z2", "-0"],
        &["OBJECT", "ENCODING", "z2"],
        &["SADD", "z3", " 1"],
        &["OBJECT", "ENCODING", "z3"],
        &["SADD", "z4", "1", "a"],
        &["OBJECT", "ENCODING", "z4"],
        &["SREM", "z4", "a"],
        &["OBJECT", "ENCODING", "z4"],
        &["SADD", "s", "a"],
        &["OBJECT", "ENCODING", "s"],
        &["SADD", "s", &long],
        &["OBJECT", "ENCODING", "s"],
        &["SMEMBERS", "s"],
    ]);
    // 512 integers stay an intset; the 513th converts; shrinking does not
    // convert back.
    let mut args = vec!["SADD".to_string(), "n".to_string()];
    args.extend((0..512).map(|i| i.to_string()));
    d.cmd(&args);
    d.cmd(&["OBJECT", "ENCODING", "n"]);
    d.cmd(&["SADD", "n", "0"]);
    d.cmd(&["OBJECT", "ENCODING", "n"]);
    d.cmd(&["SADD", "n", "512"]);
    d.cmd(&["OBJECT", "ENCODING", "n"]);
    for i in 0..510 {
        d.cmd(&["SREM", "n", &i.to_string()]);
    }
    d.cmd(&["OBJECT", "ENCODING", "n"]);
    d.cmd(&["SMEMBERS", "n"]);
    // Many strings.
    let mut args = vec!["SADD".to_string(), "many".to_string()];
    args.extend((0..300).map(|i| format!("m{i}")));
    d.cmd(&args);
    d.cmd(&["OBJECT", "ENCODING", "many"]);
    d.cmd(&["SCARD", "many"]);
    // Runtime changes.
    d.cmd(&["CONFIG", "SET", "set-max-intset-entries", "3"]);
    d.cmd(&["SADD", "c", "1", "2", "3"]);
    d.cmd(&["OBJECT", "ENCODING", "c"]);
    d.cmd(&["SADD", "c", "4"]);
    d.cmd(&["OBJECT", "ENCODING", "c"]);
    d.cmd(&["SADD", "c2", "1", "2", "3", "4", "5"]);
    d.cmd(&["SINTERSTORE", "c3", "c2", "c2"]);
    d.cmd(&["OBJECT", "ENCODING", "c3"]);
    d.cmd(&["SADD", "c4", "1", "2"]);
    d.cmd(&["SDIFFSTORE", "c5", "c4", "nokey"]);
    d.cmd(&["OBJECT", "ENCODING", "c5"]);
    d.cmd(&["CONFIG", "SET", "set-max-intset-entries", "0"]);
    d.cmd(&["SADD", "e", "1"]);
    d.cmd(&["OBJECT", "ENCODING", "e"]);
    d.cmd(&["SMOVE", "c4", "e2", "1"]);
    d.cmd(&["OBJECT", "ENCODING", "e2"]);
    d.cmd(&["CONFIG", "SET", "set-max-intset-entries", "-1"]);
    d.cmd(&["CONFIG", "SET", "set-max-intset-entries", "x"]);
    d.cmd(&["CONFIG", "GET", "set-max-intset-entries"]);
    d.finish();
    let mut d = diff_with(&["--set-max-intset-entries", "2"]);
    d.script(&[
        &["SADD", "s", "1", "2"],
        &["OBJECT", "ENCODING", "s"],
        &["SADD", "s", "3"],
        &["OBJECT", "ENCODING", "s"],
        &["CONFIG", "GET", "set-max-intset-entries"],
    ]);
    d.finish();
}

fn member(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..20) {
        0 => "M".repeat(70),
        1 => "01".into(),
        2 => String::new(),
        3..=5 => format!("s{}", rng.gen_range(0..8)),
        _ => rng.gen_range(-6..10).to_string(),
    }
}

fn key(rng: &mut impl Rng) -> String {
    format!("s{}", rng.gen_range(0..4))
}

fn random_set_command(rng: &mut impl Rng) -> Vec<Vec<u8>> {
    let k = key(rng);
    let a: Vec<String> = match rng.gen_range(0..24) {
        0..=4 => {
            let mut a = vec!["SADD".into(), k];
            for _ in 0..rng.gen_range(1..5) {
                a.push(member(rng));
            }
            a
        }
        5..=6 => {
            let mut a = vec!["SREM".into(), k];
            for _ in 0..rng.gen_range(1..4) {
                a.push(member(rng));
            }
            a
        }
        7 => vec!["SISMEMBER".into(), k, member(rng)],
        8 => vec!["SMISMEMBER".into(), k, member(rng), member(rng)],
        9 => vec!["SCARD".into(), k],
        10 => vec!["SMEMBERS".into(), k],
        11 => vec!["SINTER".into(), k, key(rng)],
        12 => vec!["SUNION".into(), k, key(rng), key(rng)],
        13 => vec!["SDIFF".into(), k, key(rng)],
        14 => vec!["SINTERSTORE".into(), k, key(rng), key(rng)],
        15 => vec!["SUNIONSTORE".into(), k, key(rng), key(rng)],
        16 => vec!["SDIFFSTORE".into(), k, key(rng), key(rng)],
        17 => vec![
            "SINTERCARD".into(),
            "2".into(),
            k,
            key(rng),
            "LIMIT".into(),
            rng.gen_range(0..4).to_string(),
        ],
        18 => vec!["SMOVE".into(), k, key(rng), member(rng)],
        19 => vec!["OBJECT".into(), "ENCODING".into(), k],
        20 => vec!["SRANDMEMBER".into(), k, "1000".into()],
        21 => vec!["SSCAN".into(), k, "0".into(), "COUNT".into(), "1000".into()],
        22 if rng.gen_range(0..4) == 0 => vec!["SPOP".into(), k, "1000".into()],
        _ => vec!["EXISTS".into(), k],
    };
    a.into_iter().map(String::into_bytes).collect()
}

#[test]
fn random_set_sequences() {
    for args in [&[][..], &["--set-max-intset-entries", "5"][..]] {
        let mut d = diff_with(args);
        d.random(1500, random_set_command);
        for k in ["s0", "s1", "s2", "s3"] {
            d.cmd(&["SMEMBERS", k]);
            d.cmd(&["OBJECT", "ENCODING", k]);
        }
        d.finish();
    }
}

#[test]
fn big_sets_algebra() {
    // Table-encoded sets (and a mix of encodings) in the algebra.
    let mut d = diff();
    let mut a = vec!["SADD".to_string(), "big1".to_string()];
    a.extend((0..700).map(|i| format!("e{i}")));
    d.cmd(&a);
    let mut b = vec!["SADD".to_string(), "big2".to_string()];
    b.extend((300..1000).map(|i| format!("e{i}")));
    d.cmd(&b);
    let mut i = vec!["SADD".to_string(), "ints".to_string()];
    i.extend((0..600).map(|i| i.to_string()));
    d.cmd(&i);
    d.script(&[
        &["SADD", "small", "e1", "e500", "e999", "5"],
        &["SINTER", "big1", "big2"],
        &["SINTERCARD", "2", "big1", "big2"],
        &["SINTERCARD", "2", "big1", "big2", "LIMIT", "10"],
        &["SINTER", "big1", "big2", "small"],
        &["SUNIONSTORE", "u", "big1", "big2", "ints"],
        &["SCARD", "u"],
        &["SDIFFSTORE", "df", "big1", "big2"],
        &["SCARD", "df"],
        &["SDIFF", "small", "big1"],
        &["SINTER", "ints", "small"],
        &["OBJECT", "ENCODING", "u"],
        &["OBJECT", "ENCODING", "ints"],
    ]);
    d.finish();
    // The reply of a big SMEMBERS comes back whole in RESP3 too.
    let s = Server::start();
    let mut c = s.raw();
    c.cmd(&a);
    c.cmd(&["HELLO", "3"]);
    match c.cmd(&["SMEMBERS", "big1"]) {
        Resp::Set(items) => assert_eq!(items.len(), 700),
        other => panic!("{other:?}"),
    }
}
