//! Connection limits: maxclients, idle timeout, many idle connections,
//! client-output-buffer-limit for readers that never read, and announced
//! huge bulks that must not allocate.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{encode_request, Diff, Resp, Server};

/// Resident set size of a process, in bytes (from /proc/PID/statm).
fn rss(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    let pages: u64 = text
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn info_field(s: &Server, section: &str, field: &str) -> Option<String> {
    let mut c = s.raw();
    let r = c.cmd(&["INFO", section]);
    let text = String::from_utf8_lossy(r.bytes()?).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map(|v| v.trim().to_string())
}

#[test]
fn maxclients_refuses_extra_clients() {
    let d = Diff::with_args(&["--maxclients", "3"]);
    for port in [d.fer.port(), d.reference.port()] {
        let _a = TcpStream::connect(("127.0.0.1", port)).expect("a");
        let _b = TcpStream::connect(("127.0.0.1", port)).expect("b");
        // The Diff's own connection is the third.
        std::thread::sleep(Duration::from_millis(100));
        let mut c = TcpStream::connect(("127.0.0.1", port)).expect("c");
        c.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut out = Vec::new();
        let _ = c.read_to_end(&mut out);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "-ERR max number of clients reached\r\n",
            "port {port}"
        );
    }
}

#[test]
fn idle_timeout_closes_clients() {
    let s = Server::start_with(&["--timeout", "1"]);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
    let t = Instant::now();
    assert_eq!(c.read_until_closed(), b"");
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}

#[test]
fn five_thousand_idle_connections() {
    let s = Server::start();
    let mut conns = Vec::with_capacity(5000);
    for i in 0..5000 {
        match TcpStream::connect(("127.0.0.1", s.port())) {
            Ok(c) => conns.push(c),
            Err(e) => panic!("connection {i}: {e} (raise `ulimit -n` above 5100 to run this test)"),
        }
    }
    // Every one of them is served, and the server still answers others.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let n: usize = info_field(&s, "clients", "connected_clients")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if n > 5000 {
            break;
        }
        assert!(Instant::now() < deadline, "only {n} clients registered");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut probe = s.raw();
    let t = Instant::now();
    assert_eq!(probe.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
    assert!(t.elapsed() < Duration::from_secs(1));
    for c in conns.iter_mut().step_by(500) {
        c.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        c.write_all(b"PING\r\n").expect("write");
        let mut buf = [0u8; 7];
        c.read_exact(&mut buf).expect("read");
        assert_eq!(&buf, b"+PONG\r\n");
    }
}

#[test]
fn server_raises_its_file_limit_or_lowers_maxclients() {
    // The harness starts ferrodis under the test's own limit; it must come
    // up with maxclients 10000 whenever the hard limit allows 10032 fds.
    let s = Server::start_with(&["--maxclients", "10000"]);
    let mut c = s.raw();
    let r = c.cmd(&["CONFIG", "GET", "maxclients"]);
    let v = match r {
        Resp::Array(Some(v)) => v[1]
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
    .unwrap_or_default();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", s.pid())).unwrap_or_default();
    let soft: u64 = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let max: u64 = v.parse().unwrap_or(0);
    assert!(
        max >= 1 && soft >= max + 32,
        "maxclients {max}, soft limit {soft}"
    );
}

#[test]
fn output_buffer_limit_config() {
    let mut d = Diff::new();
    d.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]);
    d.cmd(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "normal 1mb 2kb 3",
    ]);
    d.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]);
    d.cmd(&["CONFIG", "SET", "client-output-buffer-limit", "normal 1 2"]);
    d.cmd(&["CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"]);
    d.cmd(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "normal x 2 3",
    ]);
    d.cmd(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "normal -1 0 0",
    ]);
    d.cmd(&[
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "replica 1 2 3 pubsub 4 5 6",
    ]);
    d.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]);
    d.finish();
    let d = Diff::with_args(&["--client-output-buffer-limit", "pubsub", "1mb", "1mb", "0"]);
    let (mut f, mut r) = d.new_conns();
    assert_eq!(
        f.cmd(&["CONFIG", "GET", "client-output-buffer-limit"]),
        r.cmd(&["CONFIG", "GET", "client-output-buffer-limit"])
    );
}

/// Sends `n` copies of `req` without ever reading, on a thread (writes
/// block once the buffers fill). Returns the connection's local address,
/// as the server's CLIENT LIST shows it.
fn flood_without_reading(port: u16, req: Vec<u8>, n: usize) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_write_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let addr = s.local_addr().expect("local addr").to_string();
    std::thread::spawn(move || {
        for _ in 0..n {
            if s.write_all(&req).is_err() {
                return;
            }
        }
        // Keep the socket open (unread) until the server gives up on it.
        std::thread::sleep(Duration::from_secs(30));
    });
    addr
}

/// Waits until the client at `addr` is gone from CLIENT LIST.
fn wait_client_gone(c: &mut crate::common::RawConn, addr: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let r = c.cmd(&["CLIENT", "LIST"]);
        let text = String::from_utf8_lossy(r.bytes().unwrap_or_default()).into_owned();
        if !text.contains(&format!("addr={addr} ")) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn slow_reader_is_cut_off_at_the_output_limit() {
    let s = Server::start_with(&["--client-output-buffer-limit", "normal", "4mb", "2mb", "2"]);
    let mut c = s.raw();
    let big = vec![b'x'; 100_000];
    for i in 0..20 {
        c.cmd(&[b"SET".to_vec(), format!("k{i}").into_bytes(), big.clone()]);
    }
    let mut mget: Vec<Vec<u8>> = vec![b"MGET".to_vec()];
    mget.extend((0..20).map(|i| format!("k{i}").into_bytes()));
    // 2 MB of replies per request; 200 requests = 400 MB if all were kept.
    let before = rss(s.pid());
    let flood = flood_without_reading(s.port(), encode_request(&mget), 200);
    // Meanwhile, other clients keep their latency.
    let mut worst = Duration::ZERO;
    for _ in 0..50 {
        let t = Instant::now();
        assert_eq!(c.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
        worst = worst.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        wait_client_gone(&mut c, &flood, Duration::from_secs(20)),
        "the slow reader was not disconnected"
    );
    assert!(worst < Duration::from_millis(200), "PING took {worst:?}");
    let after = rss(s.pid());
    assert!(
        after < before + 64 * 1024 * 1024,
        "RSS grew from {before} to {after}"
    );
    assert_eq!(c.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
}

#[test]
fn one_huge_reply_over_the_hard_limit_closes() {
    let s = Server::start_with(&["--client-output-buffer-limit", "normal", "1mb", "0", "0"]);
    let mut c = s.raw();
    c.cmd(&[b"SET".to_vec(), b"big".to_vec(), vec![b'y'; 3_000_000]]);
    let mut v = s.raw();
    v.send(&encode_request(&["GET", "big"]));
    let got = v.read_until_closed();
    assert!(
        got.len() < 3_000_000,
        "got the whole reply ({} bytes)",
        got.len()
    );
    // Under the limit is fine.
    c.cmd(&[b"SET".to_vec(), b"small".to_vec(), vec![b'y'; 500_000]]);
    let r = c.cmd(&["STRLEN", "small"]);
    assert_eq!(r, Resp::Int(500_000));
    let mut w = s.raw();
    let got = w.cmd(&["GET", "small"]);
    assert_eq!(got.bytes().map(<[u8]>::len), Some(500_000));
}

#[test]
fn default_limits_keep_a_non_reading_client_bounded() {
    // No limit for normal clients (Redis's default): the connection stops
    // reading instead of buffering without bound (Redis would buffer it all).
    if crate::common::ferrodis_only("default_limits_keep_a_non_reading_client_bounded") {
        return;
    }
    let s = Server::start();
    let mut c = s.raw();
    c.cmd(&[b"SET".to_vec(), b"v".to_vec(), vec![b'z'; 100_000]]);
    let before = rss(s.pid());
    let mut flood = TcpStream::connect(("127.0.0.1", s.port())).expect("connect");
    flood
        .set_write_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let req = encode_request(&["GET", "v"]);
    let mut sent = 0;
    for _ in 0..5000 {
        if flood.write_all(&req).is_err() {
            break;
        }
        sent += 1;
    }
    std::thread::sleep(Duration::from_millis(300));
    let after = rss(s.pid());
    assert!(
        after < before + 64 * 1024 * 1024,
        "RSS grew from {before} to {after} after {sent} unread GETs"
    );
    assert_eq!(c.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
    let r = c.cmd(&["CLIENT", "LIST"]);
    let text = String::from_utf8_lossy(r.bytes().unwrap_or_default()).into_owned();
    assert!(
        text.lines()
            .any(|l| l.contains("omem=") && !l.contains("omem=0 ")),
        "no client with pending output in:\n{text}"
    );
}

#[test]
fn announced_two_gigabyte_bulk_allocates_nothing() {
    // Refused outright under the default proto-max-bulk-len, as Redis does.
    let mut d = Diff::new();
    d.raw_closes(
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000000\r\n",
        Some(b"-ERR Protocol error: invalid bulk length\r\n"),
    );
    d.finish();
    // Allowed by the config: the buffer grows only with what arrives.
    let s = Server::start_with(&["--proto-max-bulk-len", "4gb"]);
    let before = rss(s.pid());
    let mut c = TcpStream::connect(("127.0.0.1", s.port())).expect("connect");
    c.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000000\r\n")
        .expect("write");
    c.write_all(&vec![b'a'; 1_000_000]).expect("write");
    std::thread::sleep(Duration::from_millis(300));
    let after = rss(s.pid());
    assert!(
        after < before + 32 * 1024 * 1024,
        "RSS grew from {before} to {after}"
    );
    let mut p = s.raw();
    assert_eq!(p.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
}
