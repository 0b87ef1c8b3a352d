//! Replication over Redis's PSYNC protocol, with real processes on
//! loopback: ferrodis → ferrodis, redis-server 7.0 → ferrodis and
//! ferrodis → redis-server 7.0 hold identical datasets through a mixed
//! write load; a killed link resumes with +CONTINUE; a promoted replica
//! serves its former sibling a partial resync (PSYNC2); WAIT, ROLE, INFO,
//! read-only replicas and replica-side expiry.

use std::time::{Duration, Instant};

use rand::Rng;

use crate::common::server::Flavor;
use crate::common::{RawConn, Server};
use crate::persistence::{dataset, populate};

/// Both flavours get the same flags: full syncs start at once.
pub(crate) fn node(flavor: Flavor, extra: &[&str]) -> Server {
    let mut args = vec!["--repl-diskless-sync-delay", "0"];
    args.extend_from_slice(extra);
    Server::spawn(flavor, &args)
}

fn info_field(c: &mut RawConn, section: &str, field: &str) -> String {
    let text = c.cmd(&["INFO", section]).text();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or("")
        .trim()
        .to_string()
}

pub(crate) fn replicate(replica: &Server, master: &Server) {
    let mut c = replica.raw();
    let r = c.cmd(&["REPLICAOF", "127.0.0.1", &master.port().to_string()]);
    assert!(r.text().starts_with("OK"), "{r:?}");
}

/// Waits until the replica's link is up and it applied everything the
/// primary has written.
pub(crate) fn wait_in_sync(master: &Server, replica: &Server) {
    let (mut m, mut r) = (master.raw(), replica.raw());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let up = info_field(&mut r, "replication", "master_link_status") == "up";
        let mo = info_field(&mut m, "replication", "master_repl_offset");
        let ro = info_field(&mut r, "replication", "master_repl_offset");
        if up && mo == ro && mo != "0" {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "replica not in sync: up={up} master={mo} replica={ro}\n--- primary log\n{}\n--- replica log\n{}",
            master.log_text(),
            replica.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `writes` on a ferrodis primary with a redis-server replica and a
/// ferrodis replica, then checks that each of `reads` answers on both
/// replicas as on the primary.
pub(crate) fn replicas_agree(writes: impl FnOnce(&mut RawConn), reads: &[&[&str]]) {
    let master = node(Flavor::Ferrodis, &[]);
    let replicas = [node(Flavor::Reference, &[]), node(Flavor::Ferrodis, &[])];
    for r in &replicas {
        replicate(r, &master);
    }
    let mut m = master.raw();
    writes(&mut m);
    let want: Vec<_> = reads.iter().map(|argv| m.cmd(argv)).collect();
    for r in &replicas {
        wait_in_sync(&master, r);
        let mut c = r.raw();
        for (argv, w) in reads.iter().zip(&want) {
            assert_eq!(&c.cmd(argv), w, "{argv:?} on {:?}", r.flavor());
        }
    }
}

/// A mixed write load: every type, expiry, deletes, randomness that must
/// be propagated as effects, transactions and scripts.
fn write_load(c: &mut RawConn, n: usize, seed: u64) {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    for i in 0..n {
        let k = format!("key:{}", rng.gen_range(0..200));
        match rng.gen_range(0..14) {
            0 => c.cmd(&["SET", &k, &i.to_string()]),
            1 => c.cmd(&["INCRBY", &format!("n:{}", i % 7), "3"]),
            2 => c.cmd(&["RPUSH", &format!("l:{}", i % 5), &k]),
            3 => c.cmd(&["LPOP", &format!("l:{}", i % 5)]),
            4 => c.cmd(&["HSET", &format!("h:{}", i % 5), &k, &i.to_string()]),
            5 => c.cmd(&["SADD", &format!("s:{}", i % 5), &k]),
            6 => c.cmd(&["SPOP", &format!("s:{}", i % 5)]),
            7 => c.cmd(&[
                "ZADD",
                &format!("z:{}", i % 5),
                &rng.gen_range(0..100).to_string(),
                &k,
            ]),
            8 => c.cmd(&["ZPOPMIN", &format!("z:{}", i % 5)]),
            9 => c.cmd(&["SET", &format!("t:{i}"), "v", "EX", "1000"]),
            10 => c.cmd(&["DEL", &k]),
            11 => c.cmd(&["INCRBYFLOAT", "float", "1.5"]),
            12 => {
                c.cmd(&["MULTI"]);
                c.cmd(&["INCR", "tx"]);
                c.cmd(&["SELECT", "2"]);
                c.cmd(&["SET", &k, "in-db2"]);
                c.cmd(&["SELECT", "0"]);
                c.cmd(&["EXEC"])
            }
            _ => c.cmd(&[
                "EVAL",
                "redis.call('incr', KEYS[1]); return redis.call('srandmember', KEYS[2])",
                "2",
                "script-counter",
                "s:0",
            ]),
        };
    }
}

/// Type, value and TTL of every key. Not the encoding: a replica applying
/// SET for INCRBYFLOAT stores an integer-looking result as an integer,
/// as a Redis replica does, while its primary keeps a string.
pub(crate) fn assert_same_data(master: &Server, replica: &Server, what: &str) {
    let strip = |m: std::collections::BTreeMap<(usize, Vec<u8>), String>| {
        m.into_iter()
            .map(|(k, v)| {
                let mut w = v.splitn(3, ' ');
                let (ty, _enc, rest) = (w.next().unwrap_or(""), w.next(), w.next().unwrap_or(""));
                (k, format!("{ty} {rest}"))
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (a, b) = (
        strip(dataset(master.port())),
        strip(dataset(replica.port())),
    );
    assert_eq!(a.len(), b.len(), "{what}: key counts differ");
    for (k, v) in &a {
        assert_eq!(b.get(k), Some(v), "{what}: key {k:?}");
    }
}

fn run_pair(mflavor: Flavor, rflavor: Flavor) {
    let master = node(mflavor, &[]);
    let replica = node(rflavor, &[]);
    let mut m = master.raw();
    populate(&mut m);
    write_load(&mut m, 300, 1);
    replicate(&replica, &master);
    // Writes during and after the initial sync.
    write_load(&mut m, 1500, 2);
    wait_in_sync(&master, &replica);
    assert_same_data(&master, &replica, &format!("{mflavor:?} -> {rflavor:?}"));
    let mut r = replica.raw();
    assert_eq!(
        r.cmd(&["SET", "x", "1"]).text_or_error(),
        "READONLY You can't write against a read only replica."
    );
    let role = r.cmd(&["ROLE"]);
    assert_eq!(role.items()[0].text(), "slave");
    assert_eq!(role.items()[3].text(), "connected");
}

#[test]
fn ferrodis_to_ferrodis() {
    run_pair(Flavor::Ferrodis, Flavor::Ferrodis);
}

#[test]
fn redis_primary_ferrodis_replica() {
    run_pair(Flavor::Reference, Flavor::Ferrodis);
}

#[test]
fn ferrodis_primary_redis_replica() {
    run_pair(Flavor::Ferrodis, Flavor::Reference);
}

/// A replica whose link is killed comes back with a partial resync when
/// the gap fits the backlog.
#[test]
fn killed_link_resumes_with_continue() {
    let master = node(Flavor::Ferrodis, &[]);
    let replica = node(Flavor::Ferrodis, &[]);
    let mut m = master.raw();
    write_load(&mut m, 200, 3);
    replicate(&replica, &master);
    wait_in_sync(&master, &replica);
    for round in 0..3 {
        assert_eq!(m.cmd(&["CLIENT", "KILL", "TYPE", "replica"]).int(), 1);
        write_load(&mut m, 200, 10 + round);
        wait_in_sync(&master, &replica);
    }
    assert_eq!(info_field(&mut m, "stats", "sync_full"), "1");
    assert_eq!(info_field(&mut m, "stats", "sync_partial_ok"), "3");
    assert_same_data(&master, &replica, "after reconnects");
}

/// A gap larger than the backlog cannot be continued: the replica gets a
/// full sync instead and ends up identical all the same.
#[test]
fn gap_beyond_the_backlog_falls_back_to_full_sync() {
    let master = node(Flavor::Ferrodis, &["--repl-backlog-size", "16kb"]);
    let replica = node(Flavor::Ferrodis, &[]);
    let mut m = master.raw();
    replicate(&replica, &master);
    m.cmd(&["SET", "a", "1"]);
    wait_in_sync(&master, &replica);
    // The replica is stopped (SIGSTOP) so that it cannot come back before
    // the whole burst is written, however the machine schedules it.
    let signal = |sig: &str| {
        let ok = std::process::Command::new("kill")
            .args([sig, &replica.pid().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig} failed");
    };
    signal("-STOP");
    assert_eq!(m.cmd(&["CLIENT", "KILL", "TYPE", "replica"]).int(), 1);
    // Until the primary has let go of the replica, the backlog keeps what
    // that replica still needed.
    let deadline = Instant::now() + Duration::from_secs(10);
    while info_field(&mut m, "replication", "connected_slaves") != "0" {
        assert!(Instant::now() < deadline, "the killed replica stays listed");
        std::thread::sleep(Duration::from_millis(10));
    }
    // 64 KB of stream in one pipeline, before the replica is back.
    let value = "v".repeat(1024);
    let mut burst = Vec::new();
    for i in 0..64 {
        burst.extend_from_slice(
            format!("*3\r\n$3\r\nSET\r\n$4\r\nb:{i:02}\r\n$1024\r\n{value}\r\n").as_bytes(),
        );
    }
    m.send(&burst);
    for _ in 0..64 {
        assert_eq!(m.read().text(), "OK");
    }
    signal("-CONT");
    wait_in_sync(&master, &replica);
    assert_eq!(info_field(&mut m, "stats", "sync_full"), "2");
    assert_eq!(info_field(&mut m, "stats", "sync_partial_ok"), "0");
    // A real Redis replica may try its PSYNC more than once.
    assert_ne!(info_field(&mut m, "stats", "sync_partial_err"), "0");
    assert_same_data(&master, &replica, "after the full resync");
}

/// A stream continued with +CONTINUE does not repeat its SELECT: the
/// replica must still be in the database the stream was in.
#[test]
fn continue_keeps_the_stream_database() {
    let master = node(Flavor::Ferrodis, &[]);
    let replica = node(Flavor::Ferrodis, &[]);
    let mut m = master.raw();
    replicate(&replica, &master);
    m.cmd(&["SELECT", "3"]);
    m.cmd(&["SET", "before", "1"]);
    wait_in_sync(&master, &replica);
    assert_eq!(m.cmd(&["CLIENT", "KILL", "TYPE", "replica"]).int(), 1);
    m.cmd(&["SET", "after", "2"]);
    wait_in_sync(&master, &replica);
    assert_eq!(info_field(&mut m, "stats", "sync_partial_ok"), "1");
    let mut r = replica.raw();
    r.cmd(&["SELECT", "3"]);
    assert_eq!(r.cmd(&["GET", "after"]).text(), "2");
    r.cmd(&["SELECT", "0"]);
    assert_eq!(r.cmd(&["DBSIZE"]).int(), 0);
}

/// A replica restarted from its own snapshot (SHUTDOWN SAVE) takes up the
/// primary's ID and offset recorded in it (repl-id, repl-offset,
/// repl-stream-db) and continues partially, as Redis 7.0 does; with
/// ferrodis and with real Redis as the primary.
fn restarted_replica_continues(mflavor: Flavor) {
    let master = node(mflavor, &[]);
    let mut m = master.raw();
    write_load(&mut m, 300, 21);
    let dir = crate::persistence::fresh_dir("repl-restart");
    let dir_s = dir.to_str().unwrap().to_string();
    let mport = master.port().to_string();
    let args = ["--dir", &dir_s, "--replicaof", "127.0.0.1", &mport];
    let mut first = node(Flavor::Ferrodis, &args);
    wait_in_sync(&master, &first);
    m.cmd(&["SELECT", "5"]);
    m.cmd(&["SET", "in-db5", "1"]);
    wait_in_sync(&master, &first);
    let mut r = first.raw();
    r.send(b"SHUTDOWN SAVE\r\n");
    assert!(first.wait_exit(Duration::from_secs(10)));
    // Written while the replica is down: the stream stays in database 5.
    m.cmd(&["SET", "while-down", "2"]);
    write_load(&mut m, 200, 22);
    let replica = node(Flavor::Ferrodis, &args);
    wait_in_sync(&master, &replica);
    let syncs = (
        info_field(&mut m, "stats", "sync_full"),
        info_field(&mut m, "stats", "sync_partial_ok"),
    );
    assert_eq!(
        (syncs.0.as_str(), syncs.1.as_str()),
        ("1", "1"),
        "(sync_full, sync_partial_ok)\n--- primary log\n{}\n--- replica log before the restart\n{}\n--- replica log after\n{}",
        master.log_text(),
        first.log_text(),
        replica.log_text()
    );
    assert_same_data(&master, &replica, "after the replica's restart");
}

#[test]
fn restarted_replica_continues_from_its_snapshot() {
    restarted_replica_continues(Flavor::Ferrodis);
}

#[test]
fn restarted_replica_of_redis_continues_from_its_snapshot() {
    restarted_replica_continues(Flavor::Reference);
}

/// Kill -9 the primary, promote one replica, point the other at it: the
/// second continues partially thanks to the promoted one's old ID.
#[test]
fn promotion_keeps_partial_resync() {
    let mut master = node(Flavor::Ferrodis, &[]);
    let r1 = node(Flavor::Ferrodis, &[]);
    let r2 = node(Flavor::Ferrodis, &[]);
    let mut m = master.raw();
    write_load(&mut m, 300, 5);
    replicate(&r1, &master);
    replicate(&r2, &master);
    write_load(&mut m, 300, 6);
    wait_in_sync(&master, &r1);
    wait_in_sync(&master, &r2);
    master.kill9();
    let mut c1 = r1.raw();
    assert_eq!(c1.cmd(&["REPLICAOF", "NO", "ONE"]).text(), "OK");
    assert_eq!(info_field(&mut c1, "replication", "role"), "master");
    replicate(&r2, &r1);
    let mut w = r1.raw();
    write_load(&mut w, 200, 7);
    wait_in_sync(&r1, &r2);
    assert_eq!(info_field(&mut c1, "stats", "sync_partial_ok"), "1");
    assert_eq!(info_field(&mut c1, "stats", "sync_full"), "0");
    assert_same_data(&r1, &r2, "after promotion");
}

#[test]
fn wait_role_and_info() {
    let master = node(Flavor::Ferrodis, &[]);
    let replica = node(Flavor::Ferrodis, &[]);
    let mut m = master.raw();
    assert_eq!(m.cmd(&["WAIT", "0", "0"]).int(), 0);
    assert_eq!(
        m.cmd(&["WAIT", "1", "-1"]).text_or_error(),
        "ERR timeout is negative"
    );
    let t = Instant::now();
    m.cmd(&["SET", "a", "1"]);
    assert_eq!(m.cmd(&["WAIT", "1", "200"]).int(), 0);
    assert!(t.elapsed() >= Duration::from_millis(150));
    replicate(&replica, &master);
    wait_in_sync(&master, &replica);
    m.cmd(&["SET", "b", "2"]);
    assert_eq!(m.cmd(&["WAIT", "1", "5000"]).int(), 1);
    let role = m.cmd(&["ROLE"]);
    assert_eq!(role.items()[0].text(), "master");
    assert_eq!(role.items()[2].items().len(), 1);
    let info = m.cmd(&["INFO", "replication"]).text();
    assert!(info.contains("connected_slaves:1"), "{info}");
    assert!(info.contains(",state=online,"), "{info}");
    let mut r = replica.raw();
    assert!(r
        .cmd(&["WAIT", "1", "0"])
        .text_or_error()
        .starts_with("ERR WAIT cannot be used with replica instances."));
    let info = r.cmd(&["INFO", "replication"]).text();
    assert!(
        info.contains("role:slave") && info.contains("master_link_status:up"),
        "{info}"
    );
    let list = m.cmd(&["CLIENT", "LIST", "TYPE", "replica"]).text();
    assert!(list.contains("flags=S"), "{list}");
    // Keys that expire on the primary are hidden on the replica at once,
    // and gone once the primary's DEL arrives.
    m.cmd(&["SET", "short", "v", "PX", "150"]);
    wait_in_sync(&master, &replica);
    assert_eq!(r.cmd(&["GET", "short"]).text(), "v");
    std::thread::sleep(Duration::from_millis(250));
    assert!(r.cmd(&["GET", "short"]).bytes().is_none());
    assert_eq!(r.cmd(&["EXISTS", "short"]).int(), 0);
}

/// A replica that stops reading is cut off once it would need more than
/// the replica class's hard limit of stream, and the primary's backlog
/// stays bounded; a real replica afterwards still syncs.
#[test]
fn stalled_replica_is_disconnected_and_memory_stays_bounded() {
    let master = node(
        Flavor::Ferrodis,
        &["--client-output-buffer-limit", "replica 1mb 0 0"],
    );
    let mut m = master.raw();
    m.cmd(&["SET", "seed", "1"]);
    // A fake replica: syncs, acknowledges once, then never reads again.
    let mut fake = master.raw();
    assert_eq!(
        fake.cmd(&["REPLCONF", "capa", "eof", "capa", "psync2"])
            .text(),
        "OK"
    );
    fake.send(b"PSYNC ? -1\r\n");
    std::thread::sleep(Duration::from_millis(300));
    fake.send(b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n");
    let value = "x".repeat(10_000);
    for i in 0..600 {
        m.cmd(&["SET", &format!("big:{}", i % 50), &value]);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while info_field(&mut m, "replication", "connected_slaves") != "0" {
        assert!(
            Instant::now() < deadline,
            "the stalled replica is still connected"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let histlen: u64 = info_field(&mut m, "replication", "repl_backlog_histlen")
        .parse()
        .unwrap();
    assert!(histlen <= 1 << 20, "backlog holds {histlen} bytes");
    let replica = node(Flavor::Ferrodis, &[]);
    replicate(&replica, &master);
    wait_in_sync(&master, &replica);
    assert_same_data(&master, &replica, "after the stalled replica");
}

/// A shutdown waits (writes paused) for a lagging replica, SHUTDOWN
/// ABORT cancels it (its client is told, held writes run), and a shutdown
/// that finds the replica caught up exits with the replica holding every
/// write. The same replies from a ferrodis and a redis-server primary.
#[test]
fn shutdown_waits_for_lagging_replicas() {
    let mut seen = Vec::new();
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let mut master = node(flavor, &[]);
        let replica = node(Flavor::Reference, &["--enable-debug-command", "yes"]);
        replicate(&replica, &master);
        let mut log = Vec::new();
        let mut m = master.raw();
        log.push(m.cmd(&["SET", "k", "1"]).text());
        wait_in_sync(&master, &replica);
        // The replica stops answering for a while, and misses a write:
        // it lags (caught up, a shutdown would not wait for it).
        let mut sleeper = replica.raw();
        sleeper.send(b"DEBUG SLEEP 1.5\r\n");
        std::thread::sleep(Duration::from_millis(100));
        log.push(m.cmd(&["SET", "k", "1b"]).text());
        let mut a = master.raw();
        a.send(b"SHUTDOWN\r\n");
        std::thread::sleep(Duration::from_millis(200));
        let mut b = master.raw();
        b.send(b"SET k 2\r\n");
        assert!(
            b.silent_for(Duration::from_millis(150)),
            "{flavor:?}: a write ran"
        );
        log.push(m.cmd(&["GET", "k"]).text());
        log.push(m.cmd(&["SHUTDOWN", "ABORT"]).text_or_error());
        log.push(a.read().text_or_error());
        log.push(b.read().text_or_error());
        log.push(m.cmd(&["SHUTDOWN", "ABORT"]).text_or_error());
        sleeper.read();
        wait_in_sync(&master, &replica);
        m.send(b"SHUTDOWN NOSAVE\r\n");
        assert!(master.wait_exit(Duration::from_secs(10)), "{flavor:?}");
        log.push(replica.raw().cmd(&["GET", "k"]).text());
        seen.push(log);
    }
    assert_eq!(seen[0], seen[1]);
    // SHUTDOWN ABORT found the shutdown waiting.
    assert_eq!(seen[0][3], "OK");
}
