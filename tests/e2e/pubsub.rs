//! Pub/Sub, differential against redis-server 7.0: the subscribe family's
//! confirmations and counts (RESP2 and RESP3), the RESP2 subscribed
//! context, message delivery (channels, patterns, shard channels),
//! PUBSUB introspection, CLIENT LIST / INFO, RESET and disconnection; then
//! ferrodis on its own: a 100-subscriber fan-out, redis-py's `pubsub()`,
//! and slow subscribers cut off at `client-output-buffer-limit pubsub`
//! without slowing the publisher.

use std::time::{Duration, Instant};

use crate::common::{encode_request, escape, norm, python, Diff, RawConn, Resp, Server};

/// Sends one request to both servers and compares the next `n` replies
/// (the subscribe family answers once per argument).
fn multi(d: &mut Diff, argv: &[&str], n: usize) {
    d.raw(&encode_request(argv), n);
}

/// Reads `n` frames from each subscriber and compares them as multisets
/// (Redis delivers the matches of several patterns in hash-table order).
fn recv(d: &mut Diff, f: &mut RawConn, r: &mut RawConn, n: usize, what: &str) {
    let mut fs: Vec<Vec<u8>> = (0..n).map(|_| f.read_raw()).collect();
    let mut rs: Vec<Vec<u8>> = (0..n).map(|_| r.read_raw()).collect();
    fs.sort();
    rs.sort();
    if fs != rs {
        d.fail(format!(
            "{what}: subscriber received\n    ferrodis: {}\n    redis:    {}",
            escape(&fs.concat()),
            escape(&rs.concat())
        ));
    }
}

/// Runs `argv` on both subscriber connections, reading `n` replies each.
fn both(f: &mut RawConn, r: &mut RawConn, argv: &[&str], n: usize) {
    f.send(&encode_request(argv));
    r.send(&encode_request(argv));
    f.read_n(n);
    r.read_n(n);
}

#[test]
fn subscribe_family_replies_and_context() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        multi(&mut d, &["UNSUBSCRIBE"], 1);
        multi(&mut d, &["PUNSUBSCRIBE"], 1);
        multi(&mut d, &["SUNSUBSCRIBE"], 1);
        multi(&mut d, &["UNSUBSCRIBE", "x"], 1);
        multi(&mut d, &["PUNSUBSCRIBE", "x", "y"], 2);
        multi(&mut d, &["SUNSUBSCRIBE", "x"], 1);
        multi(&mut d, &["SUBSCRIBE", "a", "b", "a"], 3);
        multi(&mut d, &["PSUBSCRIBE", "p*", "p*"], 2);
        multi(&mut d, &["SSUBSCRIBE", "s1", "s2", "s1"], 3);
        multi(&mut d, &["SUBSCRIBE", "c"], 1);
        // Only the subscribe family, PING, QUIT and RESET in RESP2; RESP3
        // allows everything.
        d.cmd(&["GET", "x"]);
        d.cmd(&["SET", "x", "1"]);
        d.cmd(&["CONFIG", "GET", "maxmemory"]);
        d.cmd(&["CLIENT", "ID"]);
        d.cmd(&["MULTI"]);
        d.cmd(&["DISCARD"]);
        d.cmd(&["PING"]);
        d.cmd(&["PING", "hi"]);
        d.cmd(&["PING", "a", "b"]);
        d.cmd(&["SUBSCRIBE"]);
        d.cmd(&["SSUBSCRIBE"]);
        d.cmd(&["PSUBSCRIBE"]);
        d.cmd(&["FOO"]);
        d.cmd(&["CONFIG", "FOO"]);
        d.cmd(&["get"]);
        multi(&mut d, &["UNSUBSCRIBE", "a", "zz"], 2);
        multi(&mut d, &["SUNSUBSCRIBE", "s1"], 1);
        multi(&mut d, &["PUNSUBSCRIBE"], 1);
        multi(&mut d, &["UNSUBSCRIBE", "b"], 1);
        multi(&mut d, &["UNSUBSCRIBE"], 1);
        // A shard subscription still holds the context.
        d.cmd(&["GET", "x"]);
        d.cmd(&["PING"]);
        multi(&mut d, &["SUNSUBSCRIBE"], 1);
        d.cmd(&["GET", "x"]);
        d.cmd(&["PING"]);
        multi(&mut d, &["UNSUBSCRIBE"], 1);
        // RESET drops every subscription (and the protocol).
        multi(&mut d, &["SUBSCRIBE", "z"], 1);
        multi(&mut d, &["PSUBSCRIBE", "z*"], 1);
        d.cmd(&["RESET"]);
        d.cmd(&["GET", "x"]);
        d.cmd(&["PUBSUB", "NUMSUB", "z"]);
        d.cmd(&["PUBSUB", "NUMPAT"]);
        d.cmd(&["DEL", "x"]);
    }
    // Binary and empty names.
    multi(&mut d, &["SUBSCRIBE", "", "a\r\nb", "\u{e9}"], 3);
    multi(&mut d, &["UNSUBSCRIBE", "", "a\r\nb", "\u{e9}"], 3);
    // QUIT is allowed, with or without arguments.
    multi(&mut d, &["SUBSCRIBE", "q"], 1);
    d.raw_closes(&encode_request(&["QUIT", "now"]), Some(b"+OK\r\n"));
    d.finish();
}

#[test]
fn messages_reach_channel_pattern_and_shard_subscribers() {
    let mut d = Diff::new();
    let (mut f, mut r) = d.new_conns();
    for proto in ["2", "3"] {
        both(&mut f, &mut r, &["HELLO", proto], 1);
        both(&mut f, &mut r, &["SUBSCRIBE", "news", "a\r\nb", ""], 3);
        both(&mut f, &mut r, &["PSUBSCRIBE", "n*", "*s", "[ab]*", "*"], 4);
        both(&mut f, &mut r, &["SSUBSCRIBE", "shard"], 1);
        // news: the channel, n*, *s and * match.
        d.cmd(&["PUBLISH", "news", "hello"]);
        recv(&mut d, &mut f, &mut r, 4, "PUBLISH news");
        d.cmd(&["PUBLISH", "nothing", "x"]);
        recv(&mut d, &mut f, &mut r, 2, "PUBLISH nothing");
        d.cmd(&["PUBLISH", "a\r\nb", "bin\r\n\0ary"]);
        recv(&mut d, &mut f, &mut r, 3, "PUBLISH binary");
        // The empty channel matches no pattern, not even *.
        d.cmd(&["PUBLISH", "", ""]);
        recv(&mut d, &mut f, &mut r, 1, "PUBLISH empty");
        d.cmd(&["SPUBLISH", "shard", "s-msg"]);
        recv(&mut d, &mut f, &mut r, 1, "SPUBLISH shard");
        d.cmd(&["SPUBLISH", "news", "x"]);
        d.cmd(&["SPUBLISH", "zz", "x"]);
        d.cmd(&["PUBLISH", "shard", "only patterns"]);
        recv(&mut d, &mut f, &mut r, 1, "PUBLISH shard");
        d.cmd(&["PUBLISH"]);
        d.cmd(&["PUBLISH", "a"]);
        d.cmd(&["SPUBLISH", "a", "b", "c"]);
        // Messages published in a row arrive in that order.
        for i in 0..20 {
            d.cmd(&["PUBLISH", "ordered", &i.to_string()]);
        }
        for _ in 0..20 {
            let (a, b) = (f.read_raw(), r.read_raw());
            d.check("in-order delivery", &a, &b);
        }
        // Unsubscribed: nothing more arrives (the next frame is PING's).
        both(&mut f, &mut r, &["UNSUBSCRIBE", "news", "a\r\nb", ""], 3);
        both(
            &mut f,
            &mut r,
            &["PUNSUBSCRIBE", "n*", "*s", "[ab]*", "*"],
            4,
        );
        d.cmd(&["PUBLISH", "news", "late"]);
        both(&mut f, &mut r, &["SUNSUBSCRIBE", "shard"], 1);
        d.cmd(&["SPUBLISH", "shard", "late"]);
        f.send(&encode_request(&["PING"]));
        r.send(&encode_request(&["PING"]));
        let (a, b) = (f.read_raw(), r.read_raw());
        d.check("after unsubscribing", &a, &b);
    }
    d.finish();
}

#[test]
fn publish_to_itself_and_subscribe_inside_multi() {
    let mut d = Diff::new();
    d.cmd(&["HELLO", "3"]);
    multi(&mut d, &["SUBSCRIBE", "me"], 1);
    multi(&mut d, &["PSUBSCRIBE", "m*"], 1);
    // The pushes come before PUBLISH's own reply.
    d.raw(&encode_request(&["PUBLISH", "me", "hi"]), 3);
    multi(&mut d, &["SSUBSCRIBE", "sme"], 1);
    d.raw(&encode_request(&["SPUBLISH", "sme", "hi"]), 2);
    d.cmd(&["RESET"]);
    d.cmd(&["MULTI"]);
    d.cmd(&["SUBSCRIBE", "t"]);
    d.cmd(&["EXEC"]);
    d.cmd(&["GET", "x"]);
    d.cmd(&["MULTI"]);
    d.cmd(&["RESET"]);
    d.finish();
}

#[test]
fn pubsub_introspection_info_and_client_list() {
    let mut d = Diff::new();
    d.normalize(|argv, _, r| {
        let name = argv
            .iter()
            .take(2)
            .map(|a| String::from_utf8_lossy(a).to_ascii_uppercase())
            .collect::<Vec<_>>();
        if name.len() == 2
            && name[0] == "PUBSUB"
            && (name[1] == "CHANNELS" || name[1] == "SHARDCHANNELS")
        {
            norm::sort_items(r);
        }
    });
    let (mut f1, mut r1) = d.new_conns();
    // Connected one after the other, so CLIENT LIST lists them in order.
    both(&mut f1, &mut r1, &["PING"], 1);
    let (mut f2, mut r2) = d.new_conns();
    both(&mut f2, &mut r2, &["PING"], 1);
    both(&mut f1, &mut r1, &["SUBSCRIBE", "a", "b", "cc"], 3);
    both(&mut f1, &mut r1, &["PSUBSCRIBE", "x*", "y*"], 2);
    both(&mut f1, &mut r1, &["SSUBSCRIBE", "s1", "s2"], 2);
    both(&mut f2, &mut r2, &["HELLO", "3"], 1);
    both(&mut f2, &mut r2, &["SUBSCRIBE", "a"], 1);
    both(&mut f2, &mut r2, &["PSUBSCRIBE", "x*"], 1);
    for c in [
        &["PUBSUB", "CHANNELS"][..],
        &["PUBSUB", "CHANNELS", "*"],
        &["PUBSUB", "CHANNELS", "[ab]"],
        &["PUBSUB", "CHANNELS", "c?"],
        &["PUBSUB", "CHANNELS", "zz"],
        &["PUBSUB", "CHANNELS", "a", "b"],
        &["PUBSUB", "NUMSUB"],
        &["PUBSUB", "NUMSUB", "a", "b", "zz", "x*"],
        &["PUBSUB", "NUMPAT"],
        &["PUBSUB", "NUMPAT", "x"],
        &["PUBSUB", "SHARDCHANNELS"],
        &["PUBSUB", "SHARDCHANNELS", "*1"],
        &["PUBSUB", "SHARDCHANNELS", "a", "b"],
        &["PUBSUB", "SHARDNUMSUB"],
        &["PUBSUB", "SHARDNUMSUB", "s1", "a"],
        &["PUBSUB"],
        &["PUBSUB", "FOO"],
        &["PUBSUB", "HELP", "x"],
        &["PUBLISH", "a", "m"],
        &["PUBLISH", "xyz", "m"],
        &["SPUBLISH", "s1", "m"],
        &["CLIENT", "LIST", "TYPE", "pubsub"],
        &["CLIENT", "LIST", "TYPE", "normal"],
    ] {
        d.cmd(c);
    }
    // RESP3 too for the replies that are arrays in both protocols.
    d.cmd(&["HELLO", "3"]);
    d.cmd(&["PUBSUB", "NUMSUB", "a", "zz"]);
    d.cmd(&["PUBSUB", "SHARDNUMSUB", "s2"]);
    d.cmd(&["PUBSUB", "CHANNELS", "a"]);
    d.cmd(&["HELLO", "2"]);
    let help = d.fer.raw().cmd(&["PUBSUB", "HELP"]);
    assert!(
        help.items().len() > 5 && help.items()[0].text().starts_with("PUBSUB"),
        "PUBSUB HELP: {help}"
    );
    let info_fields = |s: &Server| -> Vec<String> {
        let text = s.raw().cmd(&["INFO", "stats"]).text();
        text.lines()
            .filter(|l| l.starts_with("pubsub"))
            .map(str::to_string)
            .collect()
    };
    let (fi, ri) = (info_fields(&d.fer), info_fields(&d.reference));
    assert_eq!(fi, ri, "INFO stats pub/sub fields");
    assert_eq!(
        ri,
        [
            "pubsub_channels:3",
            "pubsub_patterns:2",
            "pubsubshard_channels:2"
        ]
    );
    // Subscribers leave the registry when they go away.
    d.cmd(&["CLIENT", "KILL", "TYPE", "pubsub"]);
    wait_until(|| d.fer.raw().cmd(&["PUBSUB", "NUMPAT"]) == Resp::Int(0));
    d.cmd(&["PUBSUB", "NUMPAT"]);
    d.cmd(&["PUBSUB", "CHANNELS"]);
    d.cmd(&["PUBSUB", "SHARDCHANNELS"]);
    d.cmd(&["PUBLISH", "a", "m"]);
    let (mut f3, mut r3) = d.new_conns();
    both(&mut f3, &mut r3, &["SUBSCRIBE", "gone"], 1);
    drop((f3, r3));
    wait_until(|| d.fer.raw().cmd(&["PUBSUB", "NUMSUB", "gone"]).items()[1] == Resp::Int(0));
    std::thread::sleep(Duration::from_millis(100));
    d.cmd(&["PUBSUB", "NUMSUB", "gone"]);
    d.cmd(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    d.finish();
}

/// Polls `cond` for up to five seconds (a killed or closed connection
/// leaves the registry asynchronously).
fn wait_until(mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !cond() {
        assert!(Instant::now() < deadline, "condition not reached in 5s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn subscribers_are_not_idle_timed_out() {
    let d = Diff::with_args(&["--timeout", "1"]);
    for s in [&d.fer, &d.reference] {
        let mut sub = s.raw();
        sub.cmd(&["SUBSCRIBE", "keep"]);
        let mut idle = s.raw();
        idle.cmd(&["PING"]);
        std::thread::sleep(Duration::from_millis(2600));
        let mut p = s.raw();
        assert_eq!(p.cmd(&["PUBLISH", "keep", "still here"]), Resp::Int(1));
        let msg = sub.read();
        assert_eq!(msg.items()[2], Resp::bulk("still here"), "{:?}", s.flavor());
        idle.send(b"PING\r\n");
        idle.read_closed();
    }
}

#[test]
fn fan_out_to_100_subscribers_in_order() {
    const SUBSCRIBERS: usize = 100;
    const MESSAGES: usize = 10_000;
    let s = Server::start();
    let port = s.port();
    let mut subs = Vec::new();
    for i in 0..SUBSCRIBERS {
        let mut c = RawConn::connect(port);
        // Half on the channel, half on a pattern; some speak RESP3.
        if i % 3 == 0 {
            c.cmd(&["HELLO", "3"]);
        }
        if i % 2 == 0 {
            c.cmd(&["SUBSCRIBE", "fan"]);
        } else {
            c.cmd(&["PSUBSCRIBE", "f?n"]);
        }
        subs.push(c);
    }
    let readers: Vec<_> = subs
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            std::thread::spawn(move || {
                for n in 0..MESSAGES {
                    let m = c.read();
                    let items = m.items();
                    let payload = items[items.len() - 1].text();
                    assert_eq!(
                        payload,
                        format!("m{n}"),
                        "subscriber {i}: message {n} out of order"
                    );
                }
            })
        })
        .collect();
    let mut p = s.raw();
    let started = Instant::now();
    // Pipelined in batches of 500.
    for batch in 0..MESSAGES / 500 {
        let mut req = Vec::new();
        for n in batch * 500..(batch + 1) * 500 {
            req.extend(encode_request(&["PUBLISH", "fan", &format!("m{n}")]));
        }
        p.send(&req);
        for _ in 0..500 {
            assert_eq!(p.read(), Resp::Int(SUBSCRIBERS as i64));
        }
    }
    let publish_time = started.elapsed();
    for r in readers {
        r.join()
            .expect("a subscriber missed or reordered a message");
    }
    eprintln!(
        "fan-out: {MESSAGES} messages to {SUBSCRIBERS} subscribers published in {publish_time:?}, all delivered in {:?}",
        started.elapsed()
    );
}

#[test]
fn redis_py_pubsub_end_to_end() {
    let snippet = r#"
import time
r = redis.Redis(host='127.0.0.1', port=PORT)
p = r.pubsub()
p.subscribe('ch1', 'ch2')
p.psubscribe('pat.*')
got = []
deadline = time.time() + 10
while len(got) < 3 and time.time() < deadline:
    m = p.get_message(timeout=1)
    if m:
        got.append((m['type'], m['channel'], m['data']))
print(sorted(got))
print(r.publish('ch1', 'hello'), r.publish('pat.x', b'\x00bin'), r.publish('none', 'x'))
print(sorted(r.pubsub_channels()), r.pubsub_numsub('ch1', 'none'), r.pubsub_numpat())
got = []
deadline = time.time() + 10
while len(got) < 2 and time.time() < deadline:
    m = p.get_message(timeout=1)
    if m:
        got.append((m['type'], m['pattern'], m['channel'], m['data']))
print(got)
p.unsubscribe('ch1')
p.punsubscribe()
got = []
deadline = time.time() + 10
while len(got) < 2 and time.time() < deadline:
    m = p.get_message(timeout=1)
    if m:
        got.append((m['type'], m['channel'], m['data']))
print(sorted(got))
print(r.publish('ch2', 'still'))
m = None
deadline = time.time() + 10
while m is None and time.time() < deadline:
    m = p.get_message(timeout=1)
print(m and m['data'])
# Handler-style consumption on a thread.
seen = []
p2 = r.pubsub(ignore_subscribe_messages=True)
p2.subscribe(**{'t': lambda m: seen.append(m['data'])})
th = p2.run_in_thread(sleep_time=0.01)
deadline = time.time() + 10
while r.pubsub_numsub('t')[0][1] < 1 and time.time() < deadline:
    time.sleep(0.01)
for i in range(50):
    r.publish('t', str(i))
deadline = time.time() + 10
while len(seen) < 50 and time.time() < deadline:
    time.sleep(0.01)
th.stop()
print(seen == [str(i).encode() for i in range(50)])
p.close()
p2.close()
print(r.pubsub_numsub('ch2', 't'))
"#;
    let fer = Server::start();
    let reference = Server::reference();
    let ours = python(fer.port(), snippet);
    let theirs = python(reference.port(), snippet);
    assert_eq!(ours, theirs, "redis-py saw different Pub/Sub behaviour");
    assert!(theirs.contains("True"), "{theirs}");
}

/// A subscriber that never reads, publishes of `size`-byte messages until
/// it is gone (or `max` were sent); returns how long the slowest PUBLISH
/// took and whether the subscriber was disconnected.
fn flood_subscriber(s: &Server, size: usize, max: usize, pause: Duration) -> (Duration, bool) {
    let mut sub = s.raw();
    sub.cmd(&["SUBSCRIBE", "flood"]);
    let mut p = s.raw();
    let payload = vec![b'x'; size];
    let mut worst = Duration::ZERO;
    let mut gone = false;
    for _ in 0..max {
        let t = Instant::now();
        let n = p.cmd(&[&b"PUBLISH"[..], b"flood", &payload]);
        worst = worst.max(t.elapsed());
        if n == Resp::Int(0) {
            gone = true;
            break;
        }
        std::thread::sleep(pause);
    }
    (worst, gone)
}

#[test]
fn slow_subscriber_is_disconnected_at_the_hard_limit() {
    for flavor_server in [
        Server::start_with(&["--client-output-buffer-limit", "pubsub", "256kb", "0", "0"]),
        Server::reference_with(&["--client-output-buffer-limit", "pubsub", "256kb", "0", "0"]),
    ] {
        let s = flavor_server;
        // 100 KB messages: the socket buffers fill, then 256 KB pending.
        let (worst, gone) = flood_subscriber(&s, 100_000, 2_000, Duration::ZERO);
        assert!(
            gone,
            "{:?}: the slow subscriber was never disconnected",
            s.flavor()
        );
        assert!(
            worst < Duration::from_millis(500),
            "{:?}: a PUBLISH took {worst:?}",
            s.flavor()
        );
        let mut c = s.raw();
        assert_eq!(
            c.cmd(&["PUBSUB", "NUMSUB", "flood"]).items()[1],
            Resp::Int(0)
        );
        assert_eq!(c.cmd(&["PING"]), Resp::Simple(b"PONG".to_vec()));
        if s.flavor() == crate::common::server::Flavor::Ferrodis {
            wait_until(|| s.log_text().contains("output buffer limits"));
        }
    }
}

#[test]
fn slow_subscriber_is_disconnected_after_the_soft_limit_period() {
    let s = Server::start_with(&["--client-output-buffer-limit", "pubsub", "0", "64kb", "1"]);
    let started = Instant::now();
    // About 40 KB per 100 ms: over 64 KB pending (beyond the socket
    // buffers) for more than a second.
    let (worst, gone) = flood_subscriber(&s, 4_000, 20_000, Duration::from_millis(10));
    assert!(
        gone,
        "the subscriber over the soft limit was never disconnected"
    );
    assert!(
        started.elapsed() > Duration::from_secs(1),
        "disconnected before the soft limit's seconds passed"
    );
    assert!(
        worst < Duration::from_millis(500),
        "a PUBLISH took {worst:?}"
    );
}

#[test]
fn a_subscriber_that_reads_is_never_cut_off() {
    let s = Server::start_with(&[
        "--client-output-buffer-limit",
        "pubsub",
        "256kb",
        "128kb",
        "1",
    ]);
    let mut sub = s.raw();
    sub.cmd(&["SUBSCRIBE", "steady"]);
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    let reader = std::thread::spawn(move || {
        for _ in 0..3_000 {
            sub.read();
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let mut p = s.raw();
    let payload = vec![b'y'; 1000];
    // 3 MB in all, never more than about 50 KB behind the publisher (well
    // under both limits, however the threads are scheduled).
    for i in 0..3_000 {
        wait_until(|| i < seen.load(std::sync::atomic::Ordering::Relaxed) + 50);
        assert_eq!(p.cmd(&[&b"PUBLISH"[..], b"steady", &payload]), Resp::Int(1));
    }
    reader.join().expect("the reading subscriber lost messages");
}

#[test]
fn acl_channel_permissions_apply_to_the_shard_commands() {
    let mut d = Diff::new();
    d.cmd(&[
        "ACL",
        "SETUSER",
        "u1",
        "on",
        "nopass",
        "+@all",
        "resetkeys",
        "allchannels",
    ]);
    d.cmd(&[
        "ACL",
        "SETUSER",
        "u2",
        "on",
        "nopass",
        "+@all",
        "allkeys",
        "resetchannels",
        "&ok*",
    ]);
    d.cmd(&["AUTH", "u1", "x"]);
    // Shard channels are checked as channels, not as keys.
    d.cmd(&["SPUBLISH", "ch", "m"]);
    multi(&mut d, &["SSUBSCRIBE", "ch"], 1);
    d.cmd(&["RESET"]);
    d.cmd(&["AUTH", "u2", "x"]);
    for c in [
        &["SPUBLISH", "ch", "m"][..],
        &["SPUBLISH", "ok1", "m"],
        &["PUBLISH", "ch", "m"],
        &["SUBSCRIBE", "ok1", "ch"],
        &["PSUBSCRIBE", "ok1"],
        &["SSUBSCRIBE", "ok2", "no"],
    ] {
        d.cmd(c);
    }
    multi(&mut d, &["PSUBSCRIBE", "ok*"], 1);
    d.finish();
}
