//! The append-only file: Redis 7.0's directory layout (base, incremental
//! files, manifest), every write surviving a restart, BGREWRITEAOF while
//! clients write, torn tails, interop with redis-server both ways, and
//! kill -9 with `appendfsync always` losing no acknowledged write.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::Rng;

use crate::common::server::Flavor;
use crate::common::{RawConn, Server};
use crate::persistence::{dataset, fresh_dir, populate};

fn start(flavor: Flavor, dir: &Path, extra: &[&str]) -> Server {
    let mut args = vec!["--dir", dir.to_str().unwrap(), "--appendonly", "yes"];
    args.extend_from_slice(extra);
    Server::spawn(flavor, &args)
}

fn manifest(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("appendonlydir/appendonly.aof.manifest")).unwrap_or_default()
}

fn wait_rewrite(c: &mut RawConn) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let info = c.cmd(&["INFO", "persistence"]).text();
        if info.contains("aof_rewrite_in_progress:0") && !info.contains("aof_rewrite_scheduled:1") {
            assert!(info.contains("aof_last_bgrewrite_status:ok"), "{info}");
            return;
        }
        assert!(Instant::now() < deadline, "rewrite did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn shutdown(mut s: Server) {
    let mut c = s.raw();
    c.send(b"SHUTDOWN NOSAVE\r\n");
    assert!(s.wait_exit(Duration::from_secs(10)));
}

#[test]
fn writes_survive_a_restart() {
    let dir = fresh_dir("aof-restart");
    let fer = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = fer.raw();
    populate(&mut c);
    c.cmd(&["MULTI"]);
    c.cmd(&["INCR", "counter"]);
    c.cmd(&["LPUSH", "list:small", "pushed-in-multi"]);
    c.cmd(&["EXEC"]);
    c.cmd(&["DEL", "str"]);
    let want = dataset(fer.port());
    assert_eq!(
        manifest(&dir),
        "file appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    shutdown(fer);
    let again = start(Flavor::Ferrodis, &dir, &[]);
    assert_eq!(dataset(again.port()), want);
}

#[test]
fn rewrite_while_writing_keeps_everything() {
    let dir = fresh_dir("aof-rewrite");
    let fer = start(Flavor::Ferrodis, &dir, &["--rdb-key-save-delay", "100"]);
    let mut c = fer.raw();
    for i in 0..2000 {
        c.cmd(&["SET", &format!("k{i}"), &format!("v{i}")]);
    }
    let r = c.cmd(&["BGREWRITEAOF"]).text();
    assert_eq!(r, "Background append only file rewriting started");
    assert_eq!(
        c.cmd(&["BGREWRITEAOF"]).text_or_error(),
        "ERR Background append only file rewriting already in progress"
    );
    let mut w = fer.raw();
    for i in 0..2000 {
        if i % 2 == 0 {
            w.cmd(&["SET", &format!("k{i}"), "changed"]);
        } else {
            w.cmd(&["DEL", &format!("k{i}")]);
        }
        w.cmd(&["RPUSH", "during", &i.to_string()]);
    }
    wait_rewrite(&mut c);
    let m = manifest(&dir);
    assert!(
        m.starts_with("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"),
        "{m}"
    );
    assert!(!dir.join("appendonlydir/appendonly.aof.1.incr.aof").exists());
    let want = dataset(fer.port());
    shutdown(fer);
    let again = start(Flavor::Ferrodis, &dir, &[]);
    assert_eq!(dataset(again.port()), want);
    let mut c = again.raw();
    assert_eq!(c.cmd(&["LLEN", "during"]).int(), 2000);
    assert_eq!(c.cmd(&["GET", "k0"]).text(), "changed");
    assert_eq!(c.cmd(&["EXISTS", "k1"]).int(), 0);
}

#[test]
fn torn_tail_is_dropped_or_refused() {
    let dir = fresh_dir("aof-torn");
    let fer = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = fer.raw();
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["SET", "b", "2"]);
    shutdown(fer);
    let incr = dir.join("appendonlydir/appendonly.aof.1.incr.aof");
    let good = std::fs::read(&incr).unwrap();
    let mut torn = good.clone();
    torn.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhel");
    std::fs::write(&incr, &torn).unwrap();
    // aof-load-truncated no: refused.
    let out = std::process::Command::new(Flavor::Ferrodis.binary())
        .args([
            "--port",
            "0",
            "--dir",
            dir.to_str().unwrap(),
            "--appendonly",
            "yes",
        ])
        .args(["--aof-load-truncated", "no"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // yes (the default): loads what is whole and cuts the file there.
    let again = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = again.raw();
    assert_eq!(c.cmd(&["GET", "b"]).text(), "2");
    assert_eq!(c.cmd(&["EXISTS", "c"]).int(), 0);
    c.cmd(&["SET", "c", "3"]);
    shutdown(again);
    let after = std::fs::read(&incr).unwrap();
    assert!(after.starts_with(&good));
    let third = start(Flavor::Ferrodis, &dir, &[]);
    assert_eq!(third.raw().cmd(&["GET", "c"]).text(), "3");
}

#[test]
fn aof_interop_with_redis_both_ways() {
    for (from, to) in [
        (Flavor::Reference, Flavor::Ferrodis),
        (Flavor::Ferrodis, Flavor::Reference),
    ] {
        let dir = fresh_dir("aof-interop");
        let a = start(from, &dir, &[]);
        let mut c = a.raw();
        populate(&mut c);
        c.cmd(&["HINCRBY", "hash:small", "n", "8"]);
        let want = dataset(a.port());
        shutdown(a);
        let b = start(to, &dir, &[]);
        assert_eq!(dataset(b.port()), want, "{from:?} -> {to:?}");
        // The other side keeps appending to the same layout.
        let mut c = b.raw();
        c.cmd(&["SET", "added", "later"]);
        if to == Flavor::Ferrodis {
            let r = c.cmd(&["BGREWRITEAOF"]).text();
            assert!(r.starts_with("Background append only file rewriting"));
            wait_rewrite(&mut c);
        }
        let want = dataset(b.port());
        shutdown(b);
        let back = start(from, &dir, &[]);
        assert_eq!(dataset(back.port()), want, "back to {from:?}");
    }
}

/// One kill -9 round: 20 clients write numbered keys with the given
/// `appendfsync` until the server is killed at a random moment; after a
/// restart, returns every acknowledged write with the time its reply
/// arrived, which of them are missing, and when the kill happened.
struct KillRound {
    acked: Vec<(String, Instant)>,
    lost: Vec<usize>,
    killed_at: Instant,
}

fn kill_round(fsync: &str, rng: &mut impl Rng) -> KillRound {
    let dir = fresh_dir("aof-kill");
    let mut fer = start(Flavor::Ferrodis, &dir, &["--appendfsync", fsync]);
    let port = fer.port();
    let writers: Vec<_> = (0..20)
        .map(|w| {
            std::thread::spawn(move || {
                let mut acked = Vec::new();
                let Ok(mut c) = RawConn::try_connect(port) else {
                    return acked;
                };
                for i in 0.. {
                    let key = format!("w{w}:{i}");
                    match c.try_cmd(&["SET", &key, "1"]) {
                        Ok(r) if r.text_or_error() == "OK" => acked.push((key, Instant::now())),
                        _ => break,
                    }
                }
                acked
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(rng.gen_range(1200..2500)));
    let killed_at = Instant::now();
    fer.kill9();
    let acked: Vec<(String, Instant)> = writers
        .into_iter()
        .flat_map(|h| h.join().unwrap_or_default())
        .collect();
    assert!(!acked.is_empty(), "nothing was written");
    let again = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = again.raw();
    let mut lost = Vec::new();
    for (n, chunk) in acked.chunks(500).enumerate() {
        let mut argv = vec!["EXISTS"];
        argv.extend(chunk.iter().map(|(k, _)| k.as_str()));
        // EXISTS counts; find the missing ones only when some are.
        if c.cmd(&argv).int() < chunk.len() as i64 {
            for (i, (k, _)) in chunk.iter().enumerate() {
                if c.cmd(&["EXISTS", k]).int() == 0 {
                    lost.push(n * 500 + i);
                }
            }
        }
    }
    KillRound {
        acked,
        lost,
        killed_at,
    }
}

/// `appendfsync always`: kill -9 at a random moment while 20 clients write;
/// every write that was acknowledged is there after the restart.
/// `FERRODIS_AOF_KILL_ROUNDS=20` runs the full 20 rounds.
#[test]
fn kill_nine_loses_no_acknowledged_write() {
    let rounds: usize = std::env::var("FERRODIS_AOF_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut rng = rand::thread_rng();
    for round in 0..rounds {
        let r = kill_round("always", &mut rng);
        eprintln!(
            "kill -9 (always) round {round}: {} acknowledged writes, {} lost",
            r.acked.len(),
            r.lost.len()
        );
        assert!(
            r.lost.is_empty(),
            "round {round}: {} of {} acknowledged writes lost",
            r.lost.len(),
            r.acked.len()
        );
    }
}

/// `appendfsync everysec`: what a kill -9 loses is at most the last
/// second or two of acknowledged writes (Redis documents one second, two
/// when an fsync is slow), never anything older.
#[test]
fn kill_nine_with_everysec_loses_at_most_the_last_seconds() {
    let rounds: usize = std::env::var("FERRODIS_AOF_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let mut rng = rand::thread_rng();
    for round in 0..rounds {
        let r = kill_round("everysec", &mut rng);
        let oldest = r
            .lost
            .iter()
            .map(|&i| r.killed_at.saturating_duration_since(r.acked[i].1))
            .max()
            .unwrap_or_default();
        eprintln!(
            "kill -9 (everysec) round {round}: {} acknowledged writes, {} lost, the oldest acknowledged {:?} before the kill",
            r.acked.len(),
            r.lost.len(),
            oldest
        );
        assert!(
            oldest <= Duration::from_secs(2),
            "round {round}: lost a write acknowledged {oldest:?} before the kill"
        );
    }
}

#[test]
fn turning_the_aof_on_at_run_time_captures_existing_data() {
    let dir = fresh_dir("aof-runtime");
    let fer = Server::spawn(Flavor::Ferrodis, &["--dir", dir.to_str().unwrap()]);
    let mut c = fer.raw();
    populate(&mut c);
    assert_eq!(c.cmd(&["CONFIG", "SET", "appendonly", "yes"]).text(), "OK");
    c.cmd(&["SET", "after", "1"]);
    wait_rewrite(&mut c);
    c.cmd(&["SET", "after2", "2"]);
    let want = dataset(fer.port());
    let m = manifest(&dir);
    assert!(m.contains("type b\n") && m.contains("type i\n"), "{m}");
    shutdown(fer);
    let again = start(Flavor::Ferrodis, &dir, &[]);
    assert_eq!(dataset(again.port()), want);
    // And off again: no more appends.
    let mut c = again.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "appendonly", "no"]).text(), "OK");
    assert!(c
        .cmd(&["INFO", "persistence"])
        .text()
        .contains("aof_enabled:0"));
}

/// Turning the AOF on while clients write loses none of their writes: a
/// write that decided not to emit itself (no consumer of the stream yet)
/// must land before the base's snapshot point, or it would be in neither
/// the base nor the incremental file.
#[test]
fn turning_the_aof_on_under_concurrent_writes_loses_nothing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = fresh_dir("aof-runtime-writes");
    let fer = Server::spawn(Flavor::Ferrodis, &["--dir", dir.to_str().unwrap()]);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|t| {
            let mut w = fer.raw();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    w.cmd(&["SET", &format!("w{t}:{n}"), "x"]);
                    w.cmd(&["INCR", &format!("count{t}")]);
                    n += 1;
                }
                n
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut c = fer.raw();
    assert_eq!(c.cmd(&["CONFIG", "SET", "appendonly", "yes"]).text(), "OK");
    wait_rewrite(&mut c);
    std::thread::sleep(Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    let counts: Vec<u64> = writers.into_iter().map(|h| h.join().unwrap()).collect();
    let want = dataset(fer.port());
    shutdown(fer);
    let again = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = again.raw();
    for (t, n) in counts.iter().enumerate() {
        assert_eq!(c.cmd(&["GET", &format!("count{t}")]).text(), n.to_string());
    }
    assert_eq!(dataset(again.port()), want);
}

/// A failing background save with save points configured stops writes
/// (and PING) with Redis's MISCONF error until a save succeeds.
#[test]
fn failed_bgsave_stops_writes() {
    let dir = fresh_dir("misconf");
    let fer = Server::spawn(
        Flavor::Ferrodis,
        &["--dir", dir.to_str().unwrap(), "--save", "3600", "1"],
    );
    let mut c = fer.raw();
    let pid = c.cmd(&["INFO", "server"]).text();
    let pid: u32 = pid
        .lines()
        .find_map(|l| l.strip_prefix("process_id:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The temporary file's name taken by a directory: the save fails.
    let blocker = dir.join(format!("temp-{pid}-bgsave.rdb"));
    std::fs::create_dir_all(&blocker).unwrap();
    c.cmd(&["SET", "k", "v"]);
    assert_eq!(c.cmd(&["BGSAVE"]).text(), "Background saving started");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c
        .cmd(&["INFO", "persistence"])
        .text()
        .contains("rdb_last_bgsave_status:err")
    {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    let misconf = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
    assert_eq!(c.cmd(&["SET", "k", "w"]).text_or_error(), misconf);
    assert_eq!(c.cmd(&["PING"]).text_or_error(), misconf);
    assert_eq!(c.cmd(&["GET", "k"]).text(), "v");
    c.cmd(&["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"]);
    assert_eq!(c.cmd(&["SET", "k", "w"]).text(), "OK");
    c.cmd(&["CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"]);
    std::fs::remove_dir(&blocker).unwrap();
    assert_eq!(c.cmd(&["BGSAVE"]).text(), "Background saving started");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c
        .cmd(&["INFO", "persistence"])
        .text()
        .contains("rdb_last_bgsave_status:ok")
    {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(c.cmd(&["SET", "k", "x"]).text(), "OK");
}

/// kill -9 in the middle of BGSAVE and of BGREWRITEAOF: the restart loads
/// the last good state (the previous dump; every acknowledged AOF write).
#[test]
fn kill_during_background_jobs() {
    // BGSAVE.
    let dir = fresh_dir("kill-bgsave");
    let mut fer = Server::spawn(
        Flavor::Ferrodis,
        &[
            "--dir",
            dir.to_str().unwrap(),
            "--rdb-key-save-delay",
            "1000",
        ],
    );
    let mut c = fer.raw();
    c.cmd(&["SET", "a", "old"]);
    assert_eq!(c.cmd(&["SAVE"]).text(), "OK");
    for i in 0..500 {
        c.cmd(&["SET", &format!("k{i}"), "x"]);
    }
    c.cmd(&["SET", "a", "new"]);
    assert_eq!(c.cmd(&["BGSAVE"]).text(), "Background saving started");
    std::thread::sleep(Duration::from_millis(100));
    fer.kill9();
    let again = Server::spawn(Flavor::Ferrodis, &["--dir", dir.to_str().unwrap()]);
    let mut c = again.raw();
    assert_eq!(c.cmd(&["GET", "a"]).text(), "old");
    assert_eq!(c.cmd(&["DBSIZE"]).int(), 1);
    drop(again);

    // BGREWRITEAOF.
    let dir = fresh_dir("kill-rewrite");
    let mut fer = start(Flavor::Ferrodis, &dir, &["--rdb-key-save-delay", "1000"]);
    let mut c = fer.raw();
    for i in 0..500 {
        c.cmd(&["SET", &format!("k{i}"), "x"]);
    }
    assert!(c.cmd(&["BGREWRITEAOF"]).text().starts_with("Background"));
    c.cmd(&["SET", "during", "rewrite"]);
    std::thread::sleep(Duration::from_millis(100));
    fer.kill9();
    let again = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = again.raw();
    assert_eq!(c.cmd(&["DBSIZE"]).int(), 501);
    assert_eq!(c.cmd(&["GET", "during"]).text(), "rewrite");
}

/// What the AOF records is the effect: SPOP as SREM, relative expire
/// times as absolute ones, a script's writes as MULTI ... EXEC.
#[test]
fn effects_are_logged_not_commands() {
    let dir = fresh_dir("aof-effects");
    let fer = start(Flavor::Ferrodis, &dir, &[]);
    let mut c = fer.raw();
    c.cmd(&["SADD", "s", "a", "b", "c"]);
    let popped = c.cmd(&["SPOP", "s"]).text();
    c.cmd(&["SET", "t", "v", "EX", "100"]);
    c.cmd(&["EXPIRE", "t", "200"]);
    c.cmd(&[
        "EVAL",
        "redis.call('set', KEYS[1], 'x'); redis.call('incr', 'n'); return 1",
        "1",
        "k",
    ]);
    c.cmd(&["SET", "gone", "1"]);
    c.cmd(&["PEXPIRE", "gone", "1"]);
    std::thread::sleep(Duration::from_millis(20));
    let want = dataset(fer.port());
    shutdown(fer);
    let log = std::fs::read(dir.join("appendonlydir/appendonly.aof.1.incr.aof")).unwrap();
    let log = String::from_utf8_lossy(&log).replace("\r\n", " ");
    assert!(log.contains(&format!("SREM $1 s $1 {popped}")), "{log}");
    assert!(!log.contains("spop"), "{log}");
    assert!(log.contains("$4 PXAT"), "{log}");
    assert!(log.contains("PEXPIREAT $1 t"), "{log}");
    assert!(!log.contains("$6 EXPIRE"), "{log}");
    assert!(
        log.contains("MULTI *3 $3 set $1 k $1 x *2 $4 incr $1 n *1 $4 EXEC"),
        "{log}"
    );
    let again = start(Flavor::Ferrodis, &dir, &[]);
    assert_eq!(dataset(again.port()), want);
}

/// The commands Redis rewrites into their effect before logging and
/// replicating them: the same session on ferrodis and on redis-server
/// leaves the same incremental AOF (absolute times aside).
/// Writes that change nothing are not logged (nor replicated), as in
/// Redis: the AOF after a session of them matches Redis's byte for byte.
#[test]
fn writes_that_change_nothing_are_not_logged() {
    let session: &[&[&str]] = &[
        &["SET", "s", "v"],
        &["SADD", "set", "a", "b"],
        &["ZADD", "z", "1", "a"],
        &["HSET", "h", "f", "v"],
        &["RPUSH", "l", "a"],
        &["DEL", "nokey"],
        &["UNLINK", "nokey", "nokey2"],
        &["SADD", "set", "a"],
        &["SREM", "set", "zz"],
        &["SMOVE", "set", "set2", "zz"],
        &["ZADD", "z", "1", "a"],
        &["ZADD", "z", "NX", "5", "a"],
        &["ZADD", "z", "XX", "1", "new"],
        &["ZREM", "z", "zz"],
        &["ZREMRANGEBYSCORE", "z", "100", "200"],
        &["ZREMRANGEBYRANK", "nokey", "0", "1"],
        &["HDEL", "h", "zz"],
        &["HSETNX", "h", "f", "w"],
        &["SETNX", "s", "w"],
        &["MSETNX", "s", "w", "t", "w"],
        &["SET", "s", "w", "NX"],
        &["SET", "nokey", "w", "XX"],
        &["LREM", "l", "0", "zz"],
        &["LPUSHX", "nokey", "a"],
        &["RPUSHX", "nokey", "a"],
        &["LTRIM", "nokey", "0", "1"],
        &["EXPIRE", "nokey", "100"],
        &["PEXPIRE", "nokey", "100"],
        &["PERSIST", "s"],
        &["PERSIST", "nokey"],
        &["RENAMENX", "s", "set"],
        &["SETRANGE", "s", "0", ""],
        &["APPEND", "s", ""],
        &["SINTERSTORE", "nokey", "nokey2"],
        &["PFADD", "hll", "a"],
        &["PFADD", "hll", "a"],
        &["GEOADD", "g", "1", "1", "m"],
        &["GEOADD", "g", "1", "1", "m"],
        &["GEORADIUS", "g", "1", "1", "10", "km"],
        &[
            "GEOSEARCHSTORE",
            "gd",
            "nokey",
            "FROMLONLAT",
            "1",
            "1",
            "BYRADIUS",
            "1",
            "km",
        ],
        &[
            "GEOSEARCHSTORE",
            "gd",
            "g",
            "FROMLONLAT",
            "50",
            "50",
            "BYRADIUS",
            "1",
            "km",
        ],
        &["XTRIM", "nostream", "MAXLEN", "0"],
        &["SPOP", "nokey"],
        &["LPOP", "nokey"],
        &["ZPOPMIN", "nokey"],
        &["GETDEL", "nokey"],
        &["HINCRBY", "h", "n", "0"],
        &["INCRBY", "c", "0"],
        &["SET", "after", "1"],
        // The same commands changing something are all logged.
        &["SREM", "set", "a"],
        &["SMOVE", "set", "set2", "b"],
        &["SADD", "set", "c", "d"],
        &["ZADD", "z", "2", "a"],
        &["ZADD", "z", "NX", "1", "b"],
        &["ZADD", "z", "XX", "3", "a"],
        &["ZREM", "z", "b"],
        &["HDEL", "h", "f"],
        &["HSETNX", "h", "g", "v"],
        &["SETNX", "n", "1"],
        &["MSETNX", "m1", "1", "m2", "2"],
        &["SET", "s2", "w", "NX"],
        &["SET", "s", "w", "XX"],
        &["RPUSH", "l", "x", "y", "a"],
        &["LREM", "l", "0", "a"],
        &["LPUSHX", "l", "a"],
        &["RPUSHX", "l", "b"],
        &["LINSERT", "l", "BEFORE", "a", "q"],
        &["LTRIM", "l", "0", "3"],
        &["LPOP", "l"],
        &["PERSIST", "s"],
        &["RENAMENX", "s", "s3"],
        &["SETRANGE", "s3", "0", "x"],
        &["GETDEL", "s3"],
        &["SPOP", "set2"],
        &["ZPOPMIN", "z"],
        &["SINTERSTORE", "dst", "set", "set"],
        &["ZREMRANGEBYSCORE", "z", "0", "10"],
        &["GEOADD", "g", "2", "2", "m"],
        &[
            "GEOSEARCHSTORE",
            "gd",
            "g",
            "FROMLONLAT",
            "2",
            "2",
            "BYRADIUS",
            "10",
            "km",
        ],
        &["GEORADIUS", "g", "2", "2", "10", "km", "STORE", "gd2"],
        &["XADD", "x", "1-1", "f", "v"],
        &["XTRIM", "x", "MAXLEN", "0"],
        &["DEL", "dst"],
    ];
    let run = |flavor: Flavor| {
        let dir = fresh_dir("aof-noop");
        let s = start(flavor, &dir, &[]);
        let mut c = s.raw();
        for argv in session {
            c.cmd(argv);
        }
        shutdown(s);
        let log = std::fs::read(dir.join("appendonlydir/appendonly.aof.1.incr.aof")).unwrap();
        String::from_utf8_lossy(&log).replace("\r\n", " ")
    };
    let (ours, redis) = (run(Flavor::Ferrodis), run(Flavor::Reference));
    if ours != redis {
        let a: Vec<&str> = ours.split("*").collect();
        let b: Vec<&str> = redis.split("*").collect();
        panic!(
            "ferrodis logs:\n{}\n--- redis logs:\n{}",
            a.join("\n*"),
            b.join("\n*")
        );
    }
}

#[test]
fn rewritten_commands_match_redis() {
    let session: &[&[&str]] = &[
        &["SET", "f", "1.5", "EX", "100"],
        &["INCRBYFLOAT", "f", "2"],
        &["SET", "n", "10"],
        &["INCRBYFLOAT", "n", "0.5"],
        &["HSET", "h", "f", "1.5"],
        &["HINCRBYFLOAT", "h", "f", "1"],
        &["SET", "g", "v"],
        &["GETDEL", "g"],
        &["RPUSH", "l", "a", "b", "c", "d", "e", "f"],
        &["BLPOP", "none", "l", "0"],
        &["BRPOP", "l", "0"],
        &["BLMOVE", "l", "l2", "LEFT", "RIGHT", "0"],
        &["BRPOPLPUSH", "l", "l2", "0"],
        &["LMPOP", "2", "none", "l", "LEFT", "COUNT", "5"],
        &["BLMPOP", "0", "1", "l2", "RIGHT"],
        &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
        &["BZPOPMIN", "z", "0"],
        &["BZPOPMAX", "z", "0"],
        &["ZMPOP", "1", "z", "MIN", "COUNT", "9"],
        &["ZADD", "z", "1", "a"],
        &["BZMPOP", "0", "1", "z", "MAX"],
    ];
    let run = |flavor: Flavor| {
        let dir = fresh_dir("aof-rewritten");
        let s = start(flavor, &dir, &[]);
        let mut c = s.raw();
        for argv in session {
            c.cmd(argv);
        }
        // A pop served to a blocked client.
        let mut waiter = s.raw();
        waiter.send(b"BLPOP later 5\r\n");
        std::thread::sleep(Duration::from_millis(100));
        c.cmd(&["RPUSH", "later", "x"]);
        assert_eq!(waiter.read().items()[1].text(), "x");
        shutdown(s);
        let log = std::fs::read(dir.join("appendonlydir/appendonly.aof.1.incr.aof")).unwrap();
        let log = String::from_utf8_lossy(&log).replace("\r\n", " ");
        // Absolute expire times differ between the two runs.
        let words: Vec<&str> = log.split(' ').collect();
        words
            .iter()
            .enumerate()
            .map(|(i, w)| match i.checked_sub(2).map(|j| words[j]) {
                Some("PXAT") => "<time>",
                _ => *w,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(run(Flavor::Ferrodis), run(Flavor::Reference));
}
