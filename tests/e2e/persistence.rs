//! RDB snapshots and DUMP/RESTORE: files written by redis-server 7.0.15
//! load into ferrodis with every key, value, type, encoding and TTL intact,
//! and the other way round; payloads cross both ways; corrupt input is
//! refused; BGSAVE is one consistent instant while clients keep writing;
//! SHUTDOWN saves and a restart loads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{RawConn, Resp, Server};

/// Fills a server with every type in every encoding, binary keys, large
/// values and TTLs.
pub(crate) fn populate(c: &mut RawConn) {
    let big = "x".repeat(100_000);
    let compressible = "abcd".repeat(500);
    c.cmd(&["SET", "str", "hello"]);
    c.cmd(&["SET", "int", "12345"]);
    c.cmd(&["SET", "neg", "-9223372036854775808"]);
    c.cmd(&["SET", "big", &big]);
    c.cmd(&["SET", "lzf", &compressible]);
    c.cmd(&["SET", "bin\x00\u{7f}key\r\n", "bin\x00val"]);
    c.cmd(&["SET", "ttl", "v", "PX", "100000000"]);
    c.cmd(&["RPUSH", "list:small", "a", "1", "-2", "300000", "zz"]);
    let items: Vec<String> = (0..2000).map(|i| format!("element-{i}")).collect();
    let mut argv = vec!["RPUSH", "list:big"];
    argv.extend(items.iter().map(|s| s.as_str()));
    c.cmd(&argv);
    c.cmd(&["RPUSH", "list:huge-elem", &big, "tail"]);
    c.cmd(&["HSET", "hash:small", "f1", "v1", "n", "42", "neg", "-7"]);
    let mut argv = vec!["HSET", "hash:big"];
    let fields: Vec<String> = (0..600).map(|i| format!("field{i}")).collect();
    for f in &fields {
        argv.push(f);
        argv.push("value");
    }
    c.cmd(&argv);
    c.cmd(&["HSET", "hash:longval", "f", &"y".repeat(100)]);
    c.cmd(&[
        "SADD",
        "set:int",
        "1",
        "2",
        "-3",
        "70000",
        "9223372036854775807",
    ]);
    c.cmd(&["SADD", "set:str", "a", "b", "c"]);
    let members: Vec<String> = (0..600).map(|i| i.to_string()).collect();
    let mut argv = vec!["SADD", "set:bigint"];
    argv.extend(members.iter().map(|s| s.as_str()));
    c.cmd(&argv);
    c.cmd(&[
        "ZADD",
        "zset:small",
        "1",
        "a",
        "2.5",
        "b",
        "-inf",
        "c",
        "1e100",
        "d",
    ]);
    let mut argv = vec!["ZADD", "zset:big"];
    let zm: Vec<(String, String)> = (0..300)
        .map(|i| (format!("{}", i as f64 / 7.0), format!("m{i}")))
        .collect();
    for (s, m) in &zm {
        argv.push(s);
        argv.push(m);
    }
    c.cmd(&argv);
    c.cmd(&["EXPIRE", "zset:big", "100000"]);
    populate_streams(c);
    c.cmd(&["SELECT", "3"]);
    c.cmd(&["SET", "in-db3", "yes"]);
    c.cmd(&["SELECT", "0"]);
}

/// Streams: several nodes, entries with and without the master fields,
/// deletions (tombstones and an emptied stream), consumer groups with
/// pending entries, consumers and read counters.
fn populate_streams(c: &mut RawConn) {
    let long = "abcdefghij".repeat(60);
    for i in 1..=350u32 {
        let id = format!("{i}-{}", i % 3);
        let n = (i * 1000).to_string();
        let v = i.to_string();
        if i % 5 == 0 {
            c.cmd(&["XADD", "stream:big", &id, "other", &v, "x", "-17"]);
        } else if i % 50 == 0 {
            c.cmd(&["XADD", "stream:big", &id, "f", &long]);
        } else {
            c.cmd(&["XADD", "stream:big", &id, "f", &v, "n", &n]);
        }
    }
    c.cmd(&["XDEL", "stream:big", "3-0", "150-0", "200-2"]);
    c.cmd(&["XGROUP", "CREATE", "stream:big", "g1", "0"]);
    c.cmd(&["XGROUP", "CREATE", "stream:big", "g2", "$"]);
    c.cmd(&[
        "XREADGROUP",
        "GROUP",
        "g1",
        "alice",
        "COUNT",
        "10",
        "STREAMS",
        "stream:big",
        ">",
    ]);
    c.cmd(&[
        "XREADGROUP",
        "GROUP",
        "g1",
        "bob",
        "COUNT",
        "5",
        "STREAMS",
        "stream:big",
        ">",
    ]);
    c.cmd(&["XACK", "stream:big", "g1", "2-2"]);
    c.cmd(&["XGROUP", "CREATECONSUMER", "stream:big", "g2", "carol"]);
    c.cmd(&["XADD", "stream:empty", "1-1", "a", "b"]);
    c.cmd(&["XDEL", "stream:empty", "1-1"]);
    c.cmd(&["XGROUP", "CREATE", "stream:empty", "eg", "$"]);
    c.cmd(&["XADD", "stream:small", "5-5", "k", "v"]);
    c.cmd(&[
        "XSETID",
        "stream:small",
        "9-9",
        "ENTRIESADDED",
        "7",
        "MAXDELETEDID",
        "6-0",
    ]);
}

/// A stream as XINFO STREAM FULL shows it, without the radix tree figures
/// (internal layout, which may differ after a load) and consumers'
/// seen-times (an AOF replays consumer creation at load time, in Redis
/// too).
fn stream_content(c: &mut RawConn, k: &[u8]) -> String {
    let r = c.cmd(&[&b"XINFO"[..], b"STREAM", k, b"FULL", b"COUNT", b"0"]);
    let items = r.items();
    let mut out = Vec::new();
    for pair in items.chunks(2) {
        let name = String::from_utf8_lossy(pair[0].bytes().unwrap_or_default()).to_string();
        if name.starts_with("radix") {
            continue;
        }
        let mut v = format!("{:?}", pair.get(1));
        if name == "groups" {
            v = mask_seen_times(&pair[1]);
        }
        out.push(format!("{name}={v}"));
    }
    out.join(" ")
}

/// The groups of XINFO STREAM FULL with each consumer's seen-time blanked.
fn mask_seen_times(groups: &Resp) -> String {
    let mut out = Vec::new();
    for g in groups.items() {
        let f = g.items();
        for pair in f.chunks(2) {
            let name = pair[0].bytes().unwrap_or_default();
            if name != b"consumers" {
                out.push(format!("{:?}", pair));
                continue;
            }
            for c in pair[1].items() {
                for cp in c.items().chunks(2) {
                    if cp[0].bytes() != Some(&b"seen-time"[..]) {
                        out.push(format!("{cp:?}"));
                    }
                }
            }
        }
    }
    out.join(",")
}

/// Everything observable about a dataset: per database, per key, its
/// type, encoding, contents (sorted where order is not defined) and
/// whether it has a TTL.
pub(crate) fn dataset(port: u16) -> BTreeMap<(usize, Vec<u8>), String> {
    let mut c = RawConn::connect(port);
    let mut out = BTreeMap::new();
    for db in 0..16 {
        c.cmd(&["SELECT", &db.to_string()]);
        let keys = c.cmd(&["KEYS", "*"]);
        for k in keys.items() {
            let k = k.bytes().unwrap().to_vec();
            let ty = c.cmd(&[&b"TYPE"[..], &k]).text();
            let enc = c.cmd(&[&b"OBJECT"[..], b"ENCODING", &k]).text();
            let content = match ty.as_str() {
                "string" => format!("{:?}", c.cmd(&[&b"GET"[..], &k])),
                "list" => format!("{:?}", c.cmd(&[&b"LRANGE"[..], &k, b"0", b"-1"])),
                "hash" => sorted(c.cmd(&[&b"HGETALL"[..], &k])),
                "set" => sorted(c.cmd(&[&b"SMEMBERS"[..], &k])),
                "zset" => format!(
                    "{:?}",
                    c.cmd(&[&b"ZRANGE"[..], &k, b"0", b"-1", b"WITHSCORES"])
                ),
                "stream" => stream_content(&mut c, &k),
                other => other.to_string(),
            };
            let ttl = c.cmd(&[&b"PTTL"[..], &k]).int() > 0;
            out.insert((db, k), format!("{ty} {enc} ttl={ttl} {content}"));
        }
    }
    out
}

fn sorted(r: Resp) -> String {
    let mut v: Vec<String> = r.items().iter().map(|x| format!("{x:?}")).collect();
    v.sort();
    v.join(",")
}

pub(crate) fn fresh_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ferrodis-persist-{}-{tag}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn start_in(flavor: crate::common::server::Flavor, dir: &Path) -> Server {
    Server::spawn(flavor, &["--dir", dir.to_str().unwrap()])
}

fn wait_bgsave(c: &mut RawConn) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let info = c.cmd(&["INFO", "persistence"]).text();
        if info.contains("rdb_bgsave_in_progress:0") {
            assert!(info.contains("rdb_last_bgsave_status:ok"), "{info}");
            return;
        }
        assert!(Instant::now() < deadline, "BGSAVE did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn redis_dump_loads_into_ferrodis() {
    use crate::common::server::Flavor;
    let reference = Server::reference();
    let mut c = reference.raw();
    populate(&mut c);
    assert_eq!(c.cmd(&["SAVE"]).text(), "OK");
    let want = dataset(reference.port());
    let dir = fresh_dir("from-redis");
    std::fs::copy(reference.dir().join("dump.rdb"), dir.join("dump.rdb")).unwrap();
    let fer = start_in(Flavor::Ferrodis, &dir);
    let got = dataset(fer.port());
    assert_eq!(got.len(), want.len());
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "key {k:?}");
    }
}

#[test]
fn ferrodis_dump_loads_into_redis() {
    use crate::common::server::Flavor;
    let fer = Server::start();
    let mut c = fer.raw();
    populate(&mut c);
    assert_eq!(c.cmd(&["SAVE"]).text(), "OK");
    let want = dataset(fer.port());
    let dir = fresh_dir("from-ferrodis");
    std::fs::copy(fer.dir().join("dump.rdb"), dir.join("dump.rdb")).unwrap();
    let reference = start_in(Flavor::Reference, &dir);
    let got = dataset(reference.port());
    assert_eq!(got.len(), want.len());
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "key {k:?}");
    }
    // And back again through BGSAVE.
    assert_eq!(c.cmd(&["BGSAVE"]).text(), "Background saving started");
    wait_bgsave(&mut c);
    let dir2 = fresh_dir("from-ferrodis-bg");
    std::fs::copy(fer.dir().join("dump.rdb"), dir2.join("dump.rdb")).unwrap();
    let reference2 = start_in(Flavor::Reference, &dir2);
    assert_eq!(dataset(reference2.port()), want);
}

#[test]
fn dump_restore_cross_both_ways() {
    let reference = Server::reference();
    let fer = Server::start();
    let (mut r, mut f) = (reference.raw(), fer.raw());
    populate(&mut r);
    populate(&mut f);
    let keys: Vec<Vec<u8>> = r
        .cmd(&["KEYS", "*"])
        .items()
        .iter()
        .map(|k| k.bytes().unwrap().to_vec())
        .collect();
    for round in 0..2 {
        for k in &keys {
            let (from, to) = if round == 0 {
                (&mut r, &mut f)
            } else {
                (&mut f, &mut r)
            };
            let payload = from.cmd(&[&b"DUMP"[..], k]);
            let p = payload.bytes().unwrap().to_vec();
            let reply = to.cmd(&[&b"RESTORE"[..], k, b"0", &p, b"REPLACE"]);
            assert_eq!(reply.text(), "OK", "key {k:?}");
        }
    }
    let (a, b) = (dataset(reference.port()), dataset(fer.port()));
    for (k, v) in &a {
        // RESTORE with ttl 0 drops TTLs on both sides alike.
        assert_eq!(b.get(k), Some(v), "key {k:?}");
    }
}

#[test]
fn restore_errors_match_redis() {
    let mut d = crate::common::Diff::new();
    d.script(&[
        &["SET", "s", "hello"],
        &["DUMP", "nokey"],
        &["RESTORE", "s", "0", "x"],
        &["RESTORE", "s2", "-1", "x"],
        &["RESTORE", "s2", "0", "x"],
        &[
            "RESTORE", "s2", "0", "x", "REPLACE", "ABSTTL", "IDLETIME", "-1",
        ],
        &["RESTORE", "s2", "0", "x", "FREQ", "300"],
        &["RESTORE", "s2", "0", "x", "IDLETIME", "5", "FREQ", "5"],
        &["RESTORE", "s2", "0", "x", "BAD"],
        &["RESTORE", "s2", "0", "x", "IDLETIME"],
        &["RESTORE", "s2", "0", "x", "IDLETIME", "abc"],
        &["RESTORE", "s2", "abc", "x"],
        &["RESTORE", "s2"],
        &["DUMP"],
    ]);
    // A valid payload with a flipped byte, and a truncated one.
    let (f, r) = d.conns();
    let p = f.cmd(&["DUMP", "s"]).bytes().unwrap().to_vec();
    let mut bad = p.clone();
    bad[2] ^= 0x40;
    for payload in [bad, p[..p.len() - 3].to_vec()] {
        let a = f.cmd_raw(&[&b"RESTORE"[..], b"k", b"0", &payload]);
        let b = r.cmd_raw(&[&b"RESTORE"[..], b"k", b"0", &payload]);
        assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    }
    d.finish();
    // Restored keys: TTL, ABSTTL in the past, REPLACE.
    let fer = Server::start();
    let mut c = fer.raw();
    c.cmd(&["SET", "s", "v"]);
    let p = c.cmd(&["DUMP", "s"]).bytes().unwrap().to_vec();
    assert_eq!(c.cmd(&[&b"RESTORE"[..], b"t", b"5000", &p]).text(), "OK");
    let pttl = c.cmd(&["PTTL", "t"]).int();
    assert!(pttl > 4000 && pttl <= 5000, "{pttl}");
    assert_eq!(
        c.cmd(&[&b"RESTORE"[..], b"u", b"1000", &p, b"ABSTTL"])
            .text(),
        "OK"
    );
    assert_eq!(c.cmd(&["EXISTS", "u"]).int(), 0);
    assert!(c.cmd(&[&b"RESTORE"[..], b"t", b"0", &p]).is_error());
    assert_eq!(
        c.cmd(&[&b"RESTORE"[..], b"t", b"0", &p, b"REPLACE"]).text(),
        "OK"
    );
    assert_eq!(c.cmd(&["PTTL", "t"]).int(), -1);
}

/// BGSAVE is the dataset at the instant it ran, though clients change it
/// while the (slowed down) save is written.
#[test]
fn bgsave_is_a_consistent_snapshot_under_writes() {
    use crate::common::server::Flavor;
    let fer = Server::start_with(&["--rdb-key-save-delay", "1000"]);
    let mut c = fer.raw();
    const N: usize = 3000;
    for chunk in (0..N).collect::<Vec<_>>().chunks(500) {
        let mut argv = vec!["MSET".to_string()];
        for i in chunk {
            argv.push(format!("k{i}"));
            argv.push(format!("v0-{i}"));
        }
        c.cmd(&argv);
    }
    c.cmd(&["RPUSH", "list", "a", "b"]);
    c.cmd(&["SET", "doomed", "x", "PX", "300"]);
    assert_eq!(c.cmd(&["BGSAVE"]).text(), "Background saving started");
    // Change everything while the save is running.
    let mut w = fer.raw();
    for i in (0..N).step_by(3) {
        w.cmd(&["SET", &format!("k{i}"), "changed"]);
        w.cmd(&["DEL", &format!("k{}", i + 1)]);
        w.cmd(&["SET", &format!("new{i}"), "new"]);
    }
    w.cmd(&["RPUSH", "list", "c"]);
    w.cmd(&["SWAPDB", "0", "1"]);
    w.cmd(&["SELECT", "1"]);
    w.cmd(&["FLUSHDB"]);
    let info = c.cmd(&["INFO", "persistence"]).text();
    assert!(
        info.contains("rdb_bgsave_in_progress:1"),
        "save ended too soon"
    );
    wait_bgsave(&mut c);
    let dir = fresh_dir("snapshot");
    std::fs::copy(fer.dir().join("dump.rdb"), dir.join("dump.rdb")).unwrap();
    let loaded = start_in(Flavor::Ferrodis, &dir);
    let mut l = loaded.raw();
    // The key with a 300 ms TTL was saved but has expired by load time.
    assert_eq!(l.cmd(&["DBSIZE"]).int() as usize, N + 1);
    for i in (0..N).step_by(97) {
        assert_eq!(l.cmd(&["GET", &format!("k{i}")]).text(), format!("v0-{i}"));
    }
    assert_eq!(l.cmd(&["EXISTS", "new0"]).int(), 0);
    assert_eq!(l.cmd(&["LLEN", "list"]).int(), 2);
    l.cmd(&["SELECT", "1"]);
    assert_eq!(l.cmd(&["DBSIZE"]).int(), 0);
}

#[test]
fn shutdown_saves_and_restart_loads() {
    use crate::common::server::Flavor;
    let dir = fresh_dir("shutdown");
    let mut fer = Server::spawn(
        Flavor::Ferrodis,
        &["--dir", dir.to_str().unwrap(), "--save", "3600", "1"],
    );
    let mut c = fer.raw();
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["HSET", "h", "f", "v"]);
    let info = c.cmd(&["INFO", "persistence"]).text();
    assert!(info.contains("rdb_changes_since_last_save:2"), "{info}");
    c.send(b"SHUTDOWN\r\n");
    assert!(fer.wait_exit(Duration::from_secs(10)));
    let again = start_in(Flavor::Ferrodis, &dir);
    let mut c = again.raw();
    assert_eq!(c.cmd(&["GET", "a"]).text(), "1");
    assert_eq!(c.cmd(&["HGET", "h", "f"]).text(), "v");
    let info = c.cmd(&["INFO", "persistence"]).text();
    assert!(info.contains("rdb_last_load_keys_loaded:2"), "{info}");
}

/// A final save that fails keeps the server running (SHUTDOWN's client
/// gets Redis's error) unless FORCE is given; NOSAVE exits at once. Both
/// servers, the same sequence.
#[test]
fn failed_final_save_keeps_the_server_running() {
    use crate::common::server::Flavor;
    let mut replies = Vec::new();
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let dir = fresh_dir("shutdown-fails");
        let mut s = start_in(flavor, &dir);
        let mut c = s.raw();
        // The snapshot's name taken by a directory: the save fails.
        std::fs::create_dir_all(dir.join("dump.rdb").join("x")).unwrap();
        let mut seen = Vec::new();
        for argv in [
            &["SET", "k", "v"][..],
            &["SHUTDOWN", "SAVE"],
            &["PING"],
            &["CONFIG", "SET", "save", "3600 1"],
            &["SHUTDOWN"],
            &["SHUTDOWN", "ABORT"],
            &["GET", "k"],
        ] {
            seen.push(format!("{:?}", c.cmd(argv)));
        }
        c.send(b"SHUTDOWN FORCE\r\n");
        assert!(s.wait_exit(Duration::from_secs(10)), "{flavor:?}");
        let log = s.log_text();
        replies.push((
            seen,
            log.contains("Error trying to save the DB. Exit anyway."),
        ));
    }
    assert_eq!(replies[0], replies[1]);
    assert!(replies[0].1);
}

/// shutdown-on-sigterm / -sigint choose what a signal's shutdown does:
/// the same CONFIG replies as Redis, and SIGTERM with `nosave` exits
/// without the final snapshot that the save points would write.
#[test]
fn signal_shutdown_follows_its_config() {
    use crate::common::server::Flavor;
    let mut d = crate::common::Diff::new();
    d.script(&[
        &["CONFIG", "GET", "shutdown-on-sig*"],
        &["CONFIG", "SET", "shutdown-on-sigterm", "save nosave"],
        &["CONFIG", "SET", "shutdown-on-sigterm", "bogus"],
        &["CONFIG", "SET", "shutdown-on-sigterm", ""],
        &["CONFIG", "SET", "shutdown-on-sigint", "NOW force default"],
        &["CONFIG", "GET", "shutdown-on-sigint"],
        &["CONFIG", "SET", "shutdown-on-sigterm", "nosave now"],
        &["CONFIG", "GET", "shutdown-on-sigterm"],
    ]);
    d.finish();
    for (flags, saved) in [("nosave", false), ("default", true)] {
        let dir = fresh_dir("sigterm");
        let mut s = Server::spawn(
            Flavor::Ferrodis,
            &["--dir", dir.to_str().unwrap(), "--save", "3600", "1"],
        );
        let mut c = s.raw();
        assert_eq!(
            c.cmd(&["CONFIG", "SET", "shutdown-on-sigterm", flags])
                .text(),
            "OK"
        );
        c.cmd(&["SET", "k", "v"]);
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &s.pid().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        assert!(s.wait_exit(Duration::from_secs(10)));
        assert_eq!(dir.join("dump.rdb").exists(), saved, "{flags}");
    }
}

#[test]
fn corrupt_file_is_refused_at_startup() {
    let fer = Server::start();
    let mut c = fer.raw();
    populate(&mut c);
    c.cmd(&["SAVE"]);
    let good = std::fs::read(fer.dir().join("dump.rdb")).unwrap();
    for (tag, bytes) in [
        ("truncated", good[..good.len() / 2].to_vec()),
        ("flipped", {
            let mut b = good.clone();
            let mid = b.len() / 3;
            b[mid] ^= 0xff;
            b
        }),
        ("signature", b"NOTREDIS0010".to_vec()),
    ] {
        let dir = fresh_dir(tag);
        std::fs::write(dir.join("dump.rdb"), &bytes).unwrap();
        let out = std::process::Command::new(crate::common::server::Flavor::Ferrodis.binary())
            .args(["--port", "0", "--dir", dir.to_str().unwrap(), "--save", ""])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{tag}: started with a bad file");
        let log = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(log.contains("Error loading the DB"), "{tag}: {log}");
        if tag == "truncated" {
            assert!(log.contains("offset"), "{tag}: {log}");
        }
    }
}

/// FLUSHALL during a background save stops it, and with save points saves
/// the empty dataset at once: a restart never resurrects flushed keys.
#[test]
fn flushall_stops_a_running_bgsave() {
    use crate::common::server::Flavor;
    let dir = fresh_dir("flushall");
    let mut fer = Server::spawn(
        Flavor::Ferrodis,
        &[
            "--dir",
            dir.to_str().unwrap(),
            "--save",
            "3600",
            "1",
            "--rdb-key-save-delay",
            "500",
        ],
    );
    let mut c = fer.raw();
    for i in 0..400 {
        c.cmd(&["SET", &format!("k{i}"), "v"]);
    }
    assert_eq!(c.cmd(&["BGSAVE"]).text(), "Background saving started");
    assert_eq!(c.cmd(&["FLUSHALL"]).text(), "OK");
    wait_bgsave_any(&mut c);
    c.send(b"SHUTDOWN NOSAVE\r\n");
    assert!(fer.wait_exit(Duration::from_secs(10)));
    let again = Server::spawn(Flavor::Ferrodis, &["--dir", dir.to_str().unwrap()]);
    assert_eq!(again.raw().cmd(&["DBSIZE"]).int(), 0);
}

fn wait_bgsave_any(c: &mut RawConn) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !c
        .cmd(&["INFO", "persistence"])
        .text()
        .contains("rdb_bgsave_in_progress:0")
    {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
}
