//! Expiry: lazy on access and by the active cycle, and that a large sweep
//! does not stall other clients.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::{encode_request, ferrodis_only, Resp, Server};

fn info_field(conn: &mut crate::common::RawConn, field: &str) -> Option<String> {
    let text = conn.cmd(&["INFO", "stats"]).text();
    text.lines().find_map(|l| {
        l.strip_prefix(&format!("{field}:"))
            .map(|v| v.trim().to_string())
    })
}

#[test]
fn untouched_key_with_short_ttl_is_reclaimed_by_the_active_cycle() {
    let s = Server::start();
    let mut c = s.raw();
    assert_eq!(
        c.cmd(&["SET", "short", "v", "PX", "100"]),
        Resp::Simple("OK".into())
    );
    assert_eq!(
        c.cmd(&["SET", "long", "v", "EX", "1000"]),
        Resp::Simple("OK".into())
    );
    assert_eq!(c.cmd(&["DBSIZE"]).int(), 2);
    // DBSIZE does not touch keys, so only the active cycle can remove it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.cmd(&["DBSIZE"]).int() != 1 {
        assert!(
            Instant::now() < deadline,
            "key with 100 ms TTL not reclaimed in 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let expired: u64 = info_field(&mut c, "expired_keys")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert_eq!(expired, 1);
    let keyspace = c.cmd(&["INFO", "keyspace"]).text();
    assert!(
        keyspace.contains("db0:keys=1,expires=1,avg_ttl="),
        "{keyspace}"
    );
}

#[test]
fn lazy_expiry_on_access() {
    let s = Server::start_with(&["--hz", "1"]);
    let mut c = s.raw();
    c.cmd(&["SET", "k", "v", "PX", "30"]);
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(c.cmd(&["GET", "k"]), Resp::Bulk(None));
    assert_eq!(c.cmd(&["EXISTS", "k"]).int(), 0);
}

/// Loads `n` keys expiring in `ttl_ms` with pipelined SETs.
fn load_expiring(c: &mut crate::common::RawConn, n: usize, ttl_ms: u64) {
    let ttl = ttl_ms.to_string();
    let batch = 10_000;
    let mut i = 0;
    while i < n {
        let end = (i + batch).min(n);
        let mut buf = Vec::new();
        for k in i..end {
            buf.extend(encode_request(&[
                "SET".as_bytes(),
                format!("key:{k}").as_bytes(),
                b"value",
                b"PX",
                ttl.as_bytes(),
            ]));
        }
        c.send(&buf);
        for _ in i..end {
            c.read_raw();
        }
        i = end;
    }
}

/// A million keys expiring together are reclaimed within seconds while a
/// concurrent PING loop keeps getting answers. Prints the worst PING latency
/// seen (no timed assertion tighter than seconds).
#[test]
fn million_key_sweep_does_not_stall_clients() {
    if ferrodis_only("million_key_sweep_does_not_stall_clients") {
        return;
    }
    let n: usize = std::env::var("FERRODIS_SWEEP_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let s = Server::start();
    let mut c = s.raw();
    let t0 = Instant::now();
    load_expiring(&mut c, n, 2000);
    let loaded = t0.elapsed();
    let stop = Arc::new(AtomicBool::new(false));
    let port = s.port();
    let pinger = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut p = crate::common::RawConn::connect(port);
            let mut worst = Duration::ZERO;
            let mut count = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                assert_eq!(p.cmd(&["PING"]), Resp::Simple("PONG".into()));
                worst = worst.max(t.elapsed());
                count += 1;
            }
            (worst, count)
        })
    };
    let sweep_start = Instant::now();
    let deadline = sweep_start + Duration::from_secs(60);
    let mut reclaimed_at = None;
    while Instant::now() < deadline {
        if c.cmd(&["DBSIZE"]).int() == 0 {
            reclaimed_at = Some(sweep_start.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    let (worst, pings) = pinger.join().expect("pinger thread");
    println!(
        "sweep: {n} keys loaded in {loaded:?}; all reclaimed {reclaimed_at:?} after load (TTL 2 s); worst PING latency {worst:?} over {pings} PINGs"
    );
    assert!(reclaimed_at.is_some(), "{n} keys not reclaimed within 60 s");
    assert!(worst < Duration::from_secs(2), "a PING waited {worst:?}");
}
