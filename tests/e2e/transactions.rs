//! MULTI/EXEC/DISCARD/WATCH/UNWATCH, differential against redis-server 7.0:
//! queueing and its errors, runtime errors in place, WATCH invalidation by
//! other clients, expiry, flushes and swaps, OOM refusals; then the
//! guarantees that have no single-reply oracle: optimistic locking under
//! concurrent writers, EXEC atomicity across shards, and redis-py's
//! transactional pipelines.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::{python, Diff, RawConn, Resp, Server};

/// Runs `argv` on the second connection of each server and compares.
fn other(d: &mut Diff, conns: &mut (RawConn, RawConn), argv: &[&str]) {
    let f = conns.0.cmd_raw(argv);
    let r = conns.1.cmd_raw(argv);
    d.check(&format!("(other client) {}", argv.join(" ")), &f, &r);
}

#[test]
fn queueing_and_errors() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.script(&[
            &["FLUSHALL"],
            &["EXEC"],
            &["DISCARD"],
            &["MULTI"],
            &["MULTI"],
            &["SET", "a", "1"],
            &["INCR", "a"],
            &["LPUSH", "a", "x"],
            &["GET", "a"],
            &["EXEC"],
            // Nested MULTI and WATCH inside MULTI do not abort.
            &["MULTI"],
            &["WATCH", "a"],
            &["EXEC"],
            // A command refused while queueing aborts EXEC.
            &["MULTI"],
            &["SET", "b", "1"],
            &["NOSUCHCOMMAND", "x"],
            &["EXEC"],
            &["EXISTS", "b"],
            &["MULTI"],
            &["GET"],
            &["EXEC"],
            &["MULTI"],
            &["SHUTDOWN"],
            &["EXEC"],
            &["MULTI"],
            &["CONFIG", "NOSUCHSUB"],
            &["EXEC"],
            // DISCARD with arity error flags, then DISCARD discards.
            &["MULTI"],
            &["DISCARD", "x"],
            &["DISCARD"],
            &["EXEC"],
            // EXEC refused by a gate aborts with the reason.
            &["MULTI"],
            &["SET", "c", "1"],
            &["EXEC", "x"],
            &["EXEC"],
            &["EXISTS", "c"],
            &["MULTI"],
            &["EXEC"],
            &["UNWATCH", "x"],
            &["WATCH"],
            &["UNWATCH"],
        ]);
    }
    d.finish();
}

#[test]
fn exec_runs_in_order_with_select_and_blocking() {
    let mut d = Diff::new();
    d.script(&[
        &["FLUSHALL"],
        &["MULTI"],
        &["BLPOP", "nolist", "0"],
        &["SELECT", "3"],
        &["SET", "k", "v"],
        &["SELECT", "99"],
        &["GET", "k"],
        &["RPUSH", "l", "a", "b"],
        &["BLMOVE", "l", "m", "LEFT", "RIGHT", "0"],
        &["LRANGE", "m", "0", "-1"],
        &["EXEC"],
        // SELECT inside EXEC sticks.
        &["GET", "k"],
        &["SELECT", "0"],
        &["MULTI"],
        &["RESET"],
        &["EXEC"],
        &["MULTI"],
        &["PING"],
        &["ECHO", "x"],
        &["QUIT"],
    ]);
    d.reconnect();
    d.cmd(&["EXEC"]);
    d.finish();
}

#[test]
fn watch_invalidation() {
    let mut d = Diff::new();
    let mut o = d.new_conns();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.cmd(&["FLUSHALL"]);
        // Untouched: EXEC runs.
        d.script(&[
            &["SET", "a", "1"],
            &["WATCH", "a"],
            &["MULTI"],
            &["INCR", "a"],
        ]);
        d.cmd(&["EXEC"]);
        // Modified by another client: null.
        d.script(&[&["WATCH", "a"]]);
        other(&mut d, &mut o, &["SET", "a", "5"]);
        d.script(&[&["MULTI"], &["INCR", "a"], &["EXEC"], &["GET", "a"]]);
        // Modified by the client itself before MULTI: null too.
        d.script(&[
            &["WATCH", "a"],
            &["SET", "a", "6"],
            &["MULTI"],
            &["INCR", "a"],
            &["EXEC"],
        ]);
        // Another key, and UNWATCH.
        d.script(&[&["WATCH", "a", "b"]]);
        other(&mut d, &mut o, &["SET", "zz", "1"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        d.script(&[&["WATCH", "a"]]);
        d.cmd(&["UNWATCH"]);
        other(&mut d, &mut o, &["SET", "a", "7"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        // A key created after WATCH; a key deleted after WATCH.
        d.script(&[&["WATCH", "new"]]);
        other(&mut d, &mut o, &["LPUSH", "new", "x"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        d.script(&[&["WATCH", "new"]]);
        other(&mut d, &mut o, &["DEL", "new"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        // Writes that change nothing do not touch.
        d.script(&[&["SADD", "set", "m"], &["WATCH", "set", "nokey"]]);
        other(&mut d, &mut o, &["SADD", "set", "m"]);
        other(&mut d, &mut o, &["DEL", "nokey"]);
        other(&mut d, &mut o, &["EXPIRE", "nokey", "100"]);
        other(&mut d, &mut o, &["SREM", "set", "zz"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        // A failed command does not touch.
        d.script(&[&["SET", "s", "x"], &["WATCH", "s"]]);
        other(&mut d, &mut o, &["LPUSH", "s", "x"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        // EXEC and DISCARD forget the watched keys.
        d.script(&[&["WATCH", "a"], &["MULTI"], &["DISCARD"]]);
        other(&mut d, &mut o, &["SET", "a", "8"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        // A watched key in another database.
        d.script(&[&["SELECT", "2"], &["WATCH", "a"], &["SELECT", "0"]]);
        other(&mut d, &mut o, &["SET", "a", "9"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
        d.script(&[&["SELECT", "2"], &["WATCH", "a"], &["SELECT", "0"]]);
        other(&mut d, &mut o, &["SELECT", "2"]);
        other(&mut d, &mut o, &["SET", "a", "9"]);
        other(&mut d, &mut o, &["SELECT", "0"]);
        d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    }
    d.finish();
}

#[test]
fn watch_flush_swap_and_expiry() {
    let mut d = Diff::new();
    let mut o = d.new_conns();
    d.script(&[&["FLUSHALL"], &["SET", "x", "1"], &["WATCH", "x"]]);
    other(&mut d, &mut o, &["FLUSHDB"]);
    d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    // Flushing a database without the watched key changes nothing.
    d.script(&[&["WATCH", "x"]]);
    other(&mut d, &mut o, &["FLUSHALL"]);
    d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    // SWAPDB: the key exists on one side.
    d.script(&[&["SET", "y", "1"], &["WATCH", "y"]]);
    other(&mut d, &mut o, &["SWAPDB", "0", "1"]);
    d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    d.script(&[&["WATCH", "y"]]);
    other(&mut d, &mut o, &["SWAPDB", "0", "1"]);
    d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    d.script(&[&["WATCH", "y"]]);
    other(&mut d, &mut o, &["SWAPDB", "2", "3"]);
    d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    // A key that expires between WATCH and EXEC fails EXEC.
    d.script(&[
        &["FLUSHALL"],
        &["SET", "e", "1", "PX", "50"],
        &["WATCH", "e"],
    ]);
    std::thread::sleep(Duration::from_millis(120));
    d.script(&[&["MULTI"], &["PING"], &["EXEC"]]);
    d.finish();
}

#[test]
fn oom_inside_multi() {
    let mut d = Diff::new();
    d.script(&[&["FLUSHALL"], &["MULTI"], &["SET", "a", "1"], &["GET", "a"]]);
    // Memory runs out after queueing: EXEC with a denyoom command aborts.
    let mut o = d.new_conns();
    other(&mut d, &mut o, &["CONFIG", "SET", "maxmemory", "1"]);
    d.cmd(&["EXEC"]);
    // While out of memory, queueing anything is refused.
    d.script(&[
        &["MULTI"],
        &["GET", "a"],
        &["EXEC"],
        // Only reads queued: EXEC runs (nothing was queued while OOM here).
        &["DISCARD"],
    ]);
    other(&mut d, &mut o, &["CONFIG", "SET", "maxmemory", "0"]);
    d.script(&[&["MULTI"], &["GET", "a"]]);
    other(&mut d, &mut o, &["CONFIG", "SET", "maxmemory", "1"]);
    d.cmd(&["EXEC"]);
    other(&mut d, &mut o, &["CONFIG", "SET", "maxmemory", "0"]);
    d.finish();
}

/// Optimistic locking converges: clients increment one counter with
/// WATCH/GET/MULTI/SET/EXEC retries while others INCR it directly; no
/// increment is lost.
#[test]
fn watch_race_loses_no_increment() {
    let srv = Server::start();
    let port = srv.port();
    const CAS_CLIENTS: usize = 4;
    const CAS_EACH: usize = 2500;
    const INCR_EACH: usize = 2500;
    let mut handles = Vec::new();
    for _ in 0..CAS_CLIENTS {
        handles.push(std::thread::spawn(move || {
            let mut c = RawConn::connect(port);
            let mut retries = 0u64;
            for _ in 0..CAS_EACH {
                loop {
                    c.cmd(&["WATCH", "counter"]);
                    let v = match c.cmd(&["GET", "counter"]) {
                        Resp::Bulk(Some(b)) => {
                            String::from_utf8(b).unwrap().parse::<i64>().unwrap()
                        }
                        _ => 0,
                    };
                    c.cmd(&["MULTI"]);
                    c.cmd(&["SET", "counter", &(v + 1).to_string()]);
                    match c.cmd(&["EXEC"]) {
                        Resp::Array(Some(items)) if items.len() == 1 => break,
                        _ => retries += 1,
                    }
                }
            }
            retries
        }));
    }
    let incr = std::thread::spawn(move || {
        let mut c = RawConn::connect(port);
        for _ in 0..INCR_EACH {
            c.cmd(&["INCR", "counter"]);
        }
        0u64
    });
    let retries: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    incr.join().unwrap();
    let total = srv.raw().cmd(&["GET", "counter"]).text();
    assert_eq!(
        total,
        (CAS_CLIENTS * CAS_EACH + INCR_EACH).to_string(),
        "retries {retries}"
    );
}

/// EXEC is atomic across shards: a reader never sees a transaction half
/// applied, and a transaction never interleaves with another.
#[test]
fn exec_is_atomic_across_shards() {
    let srv = Server::start();
    let port = srv.port();
    let keys: Vec<String> = (0..16).map(|i| format!("k{i}")).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|_| {
            let keys = keys.clone();
            std::thread::spawn(move || {
                let mut c = RawConn::connect(port);
                for _ in 0..500 {
                    c.cmd(&["MULTI"]);
                    for k in &keys {
                        c.cmd(&["INCR", k.as_str()]);
                    }
                    let r = c.cmd(&["EXEC"]);
                    assert_eq!(r.items().len(), keys.len());
                }
            })
        })
        .collect();
    let reader = {
        let keys = keys.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut c = RawConn::connect(port);
            let mut argv = vec!["MGET"];
            argv.extend(keys.iter().map(|k| k.as_str()));
            let mut reads = 0;
            while !stop.load(Ordering::Relaxed) {
                let r = c.cmd(&argv);
                let vals: Vec<Option<Vec<u8>>> = r
                    .items()
                    .iter()
                    .map(|v| v.bytes().map(|b| b.to_vec()))
                    .collect();
                assert!(vals.windows(2).all(|w| w[0] == w[1]), "torn read: {vals:?}");
                reads += 1;
            }
            reads
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    let r = srv.raw().cmd(&["GET", "k7"]).text();
    assert_eq!(r, "1000");
}

#[test]
fn redis_py_transactions() {
    let srv = Server::start();
    let out = python(
        srv.port(),
        r#"
r = redis.Redis(port=PORT, decode_responses=True)
p = r.pipeline(transaction=True)
p.set("a", 1).incr("a").lpush("l", "x", "y").lrange("l", 0, -1)
print(p.execute())
def bump(pipe):
    v = int(pipe.get("a"))
    pipe.multi()
    pipe.set("a", v * 10)
print(r.transaction(bump, "a"))
print(r.get("a"))
p = r.pipeline(transaction=True)
p.set("b", "x").incr("b").set("c", 1)
try:
    p.execute()
except redis.ResponseError as e:
    print("error:", e)
print(r.get("c"))
with r.pipeline() as p:
    p.watch("a")
    p.multi()
    p.incr("a")
    r.set("a", 0)
    try:
        p.execute()
    except redis.WatchError:
        print("watch error")
"#,
    );
    assert_eq!(
        out,
        "[True, 2, 2, ['y', 'x']]\n[True]\n20\nerror: Command # 2 (INCRBY b 1) of pipeline caused error: value is not an integer or out of range\n1\nwatch error\n"
    );
}
