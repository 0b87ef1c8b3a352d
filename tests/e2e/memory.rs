//! Memory accounting: MEMORY STATS and INFO memory carry Redis 7.0's
//! fields in its order with its reply types (RESP2 and RESP3), compared
//! with a live redis-server holding the same data; and the figures hold
//! together: overhead + dataset = total, per-database entries only for
//! databases with keys, clients and the replication backlog counted.

use std::time::{Duration, Instant};

use crate::common::server::Flavor;
use crate::common::tools::testing_real_redis;
use crate::common::{RawConn, Resp, Server};
use crate::replication::{node, replicate, wait_in_sync};

/// A reply reduced to its field names and value types: what must match
/// Redis (values differ). In RESP2 a double is a bulk string holding a
/// number.
fn shape(r: &Resp) -> String {
    match r {
        Resp::Int(_) => "int".into(),
        Resp::Double(_) => "double".into(),
        Resp::Bulk(Some(b)) => {
            let text = String::from_utf8_lossy(b);
            if text.parse::<f64>().is_ok() {
                "number".into()
            } else {
                format!("{text:?}")
            }
        }
        Resp::Array(Some(v)) => format!("[{}]", v.iter().map(shape).collect::<Vec<_>>().join(" ")),
        Resp::Map(p) => format!(
            "%{{{}}}",
            p.iter()
                .map(|(k, v)| format!("{}={}", shape(k), shape(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => format!("{other:?}"),
    }
}

/// The same contents on either server: keys with and without TTLs in
/// database 0, one key in database 3, a cached script.
fn populate(c: &mut RawConn) {
    for i in 0..20 {
        c.cmd(&["SET", &format!("k{i}"), "v"]);
    }
    c.cmd(&["SET", "t", "v", "EX", "1000"]);
    c.cmd(&["HSET", "h", "f", "v"]);
    c.cmd(&["SELECT", "3"]);
    c.cmd(&["SET", "x", "y"]);
    c.cmd(&["SELECT", "0"]);
    c.cmd(&["SCRIPT", "LOAD", "return 1"]);
}

fn stats_shapes(server: &Server) -> (String, String) {
    let mut c = server.raw();
    let resp2 = shape(&c.cmd(&["MEMORY", "STATS"]));
    c.cmd(&["HELLO", "3"]);
    let resp3 = shape(&c.cmd(&["MEMORY", "STATS"]));
    (resp2, resp3)
}

fn info_names(c: &mut RawConn) -> Vec<String> {
    c.cmd(&["INFO", "memory"])
        .text()
        .lines()
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.to_string()))
        .collect()
}

fn info_num(c: &mut RawConn, field: &str) -> u64 {
    c.cmd(&["INFO", "memory"])
        .text()
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in INFO memory"))
}

fn stat(c: &mut RawConn, field: &str) -> i64 {
    let s = c.cmd(&["MEMORY", "STATS"]);
    s.get(field)
        .unwrap_or_else(|| panic!("no {field} in MEMORY STATS: {s}"))
        .int()
}

#[test]
fn memory_stats_fields_and_types_match_redis() {
    let ours = Server::start();
    let redis = Server::reference();
    for s in [&ours, &redis] {
        populate(&mut s.raw());
    }
    let (o2, o3) = stats_shapes(&ours);
    let (r2, r3) = stats_shapes(&redis);
    assert_eq!(o2, r2, "RESP2 MEMORY STATS shape");
    assert_eq!(o3, r3, "RESP3 MEMORY STATS shape");
    assert!(o3.contains("\"db.0\"") && o3.contains("\"db.3\""), "{o3}");
    assert!(!o3.contains("\"db.1\""), "{o3}");
}

#[test]
fn info_memory_fields_match_redis_in_order() {
    let ours = Server::start();
    let redis = Server::reference();
    for s in [&ours, &redis] {
        populate(&mut s.raw());
    }
    let o = info_names(&mut ours.raw());
    let r = info_names(&mut redis.raw());
    assert_eq!(o, r, "INFO memory field names");
}

#[test]
fn memory_figures_hold_together() {
    let s = Server::start();
    let mut c = s.raw();
    let empty = c.cmd(&["MEMORY", "STATS"]);
    assert!(
        !empty
            .pairs()
            .iter()
            .any(|(k, _)| k.text().starts_with("db.")),
        "an empty server lists no database: {empty}"
    );
    assert_eq!(empty.get("keys.count").map(|v| v.int()), Some(0));
    let startup = stat(&mut c, "startup.allocated");
    assert!(startup > 0);

    for i in 0..1000 {
        c.cmd(&["SET", &format!("key:{i}"), "value"]);
    }
    for i in 0..100 {
        c.cmd(&["EXPIRE", &format!("key:{i}"), "1000"]);
    }
    let st = c.cmd(&["MEMORY", "STATS"]);
    let get = |f: &str| st.get(f).unwrap_or_else(|| panic!("no {f}: {st}")).int();
    assert_eq!(
        get("overhead.total") + get("dataset.bytes"),
        get("total.allocated"),
        "{st}"
    );
    assert_eq!(get("keys.count"), 1000);
    assert_eq!(
        get("startup.allocated"),
        startup,
        "start-up figure is fixed"
    );
    assert!(get("overhead.total") >= startup);
    let db0 = st.get("db.0").expect("db.0 listed once it has keys");
    let main = db0.get("overhead.hashtable.main").unwrap().int();
    let expires = db0.get("overhead.hashtable.expires").unwrap().int();
    assert!(main >= 1000 * 16 && expires > 0, "{db0}");
    assert!(st.get("db.1").is_none(), "{st}");
    assert_eq!(info_num(&mut c, "used_memory_startup") as i64, startup);

    c.cmd(&["FLUSHALL"]);
    let st = c.cmd(&["MEMORY", "STATS"]);
    assert!(st.get("db.0").is_none(), "db.0 gone after FLUSHALL: {st}");
    assert_eq!(st.get("keys.count").map(|v| v.int()), Some(0));
}

#[test]
fn pending_query_buffer_counts_in_clients_normal() {
    let s = Server::start();
    let mut c = s.raw();
    let mut big = s.raw();
    big.cmd(&["PING"]);
    let before = stat(&mut c, "clients.normal");
    // Most of a 1 MB argument, which the server must keep until the rest
    // arrives.
    let mut partial = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n".to_vec();
    partial.extend(std::iter::repeat_n(b'x', 300_000));
    big.send(&partial);
    // The server reads the bytes when it gets to them (Redis refreshes
    // the figure in its cron): wait for it, without a timing assertion.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = stat(&mut c, "clients.normal");
        if now >= before + 250_000 {
            assert_eq!(
                info_num(&mut c, "mem_clients_normal") as i64 / 100_000,
                stat(&mut c, "clients.normal") / 100_000
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "clients.normal stayed at {now} (before {before})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn replication_backlog_is_counted_once_a_replica_attached() {
    let primary = node(Flavor::Ferrodis, &[]);
    let mut m = primary.raw();
    m.cmd(&["SET", "seed", "1"]);
    assert_eq!(stat(&mut m, "replication.backlog"), 0, "no backlog yet");
    assert_eq!(info_num(&mut m, "mem_replication_backlog"), 0);
    let replica = node(Flavor::Ferrodis, &[]);
    replicate(&replica, &primary);
    for i in 0..100 {
        m.cmd(&["SET", &format!("k{i}"), "v"]);
    }
    wait_in_sync(&primary, &replica);
    let backlog = stat(&mut m, "replication.backlog");
    assert!(backlog > 0, "backlog {backlog}");
    assert!(info_num(&mut m, "mem_replication_backlog") > 0);
    if !testing_real_redis() {
        // The backlog is a part of the replication buffer (Redis adds an
        // index estimate to its backlog figure only).
        assert!(
            info_num(&mut m, "mem_total_replication_buffers")
                >= info_num(&mut m, "mem_replication_backlog")
        );
        // Our replica's connection is counted as such.
        assert!(stat(&mut m, "clients.slaves") > 0);
    }
}
