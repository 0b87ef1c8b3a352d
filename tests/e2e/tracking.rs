//! Client-side caching (CLIENT TRACKING), differential against
//! redis-server 7.0: each scenario runs on both servers with its own
//! connections, and everything each connection receives (replies and
//! invalidation pushes or messages) must be the same.

use std::time::Duration;

use crate::common::{Diff, RawConn, Server};

#[test]
fn errors_and_info() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.script(&[
            &["CLIENT", "TRACKINGINFO"],
            &["CLIENT", "GETREDIR"],
            &["CLIENT", "CACHING", "YES"],
            &["CLIENT", "TRACKING", "maybe"],
            &["CLIENT", "TRACKING", "on", "bogus"],
            &["CLIENT", "TRACKING", "on", "PREFIX", "a"],
            &["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
            &["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
            &["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
            &["CLIENT", "TRACKING", "on", "REDIRECT", "x"],
            &[
                "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a",
            ],
            &["CLIENT", "TRACKING", "on", "OPTIN"],
            &["CLIENT", "TRACKINGINFO"],
            &["CLIENT", "GETREDIR"],
            &["CLIENT", "CACHING", "NO"],
            &["CLIENT", "CACHING", "maybe"],
            &["CLIENT", "CACHING", "YES"],
            &["CLIENT", "TRACKINGINFO"],
            &["CLIENT", "TRACKING", "on", "OPTOUT"],
            &["CLIENT", "TRACKING", "on", "BCAST"],
            &["CLIENT", "TRACKING", "on", "NOLOOP", "OPTIN"],
            &["CLIENT", "TRACKINGINFO"],
            &["CLIENT", "TRACKING", "off"],
            &["CLIENT", "TRACKINGINFO"],
            &[
                "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:",
            ],
            &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "use"],
            &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x:"],
            &["CLIENT", "TRACKINGINFO"],
            &["CLIENT", "TRACKING", "on", "OPTIN"],
            &["CLIENT", "TRACKING", "off"],
            &["CLIENT", "TRACKING", "off"],
        ]);
    }
    d.finish();
}

/// One connection's view of a scenario: what it received, in order.
struct Conn {
    c: RawConn,
    id: String,
    log: Vec<String>,
}

impl Conn {
    fn new(server: &Server, resp3: bool) -> Conn {
        let mut c = server.raw();
        if resp3 {
            c.cmd(&["HELLO", "3"]);
        }
        let id = c.cmd(&["CLIENT", "ID"]).int().to_string();
        Conn {
            c,
            id,
            log: Vec::new(),
        }
    }

    /// Sends a command and logs the reply and any push that follows it.
    fn cmd(&mut self, argv: &[&str]) {
        let mut b = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            b.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
        self.c.send(&b);
        let reply = String::from_utf8_lossy(&self.c.read_raw()).into_owned();
        self.log.push(format!("{argv:?} -> {reply:?}"));
        self.drain();
    }

    /// Logs what arrives without asking (invalidations).
    fn drain(&mut self) {
        while !self.c.silent_for(Duration::from_millis(60)) {
            let frame = String::from_utf8_lossy(&self.c.read_raw()).into_owned();
            self.log.push(format!("push {frame:?}"));
        }
    }
}

/// Runs the scenarios on `server`; every connection's log, joined. Client
/// ids differ between servers: they are logged as `<id>`.
fn scenarios(server: &Server) -> String {
    let mut logs = Vec::new();

    // Default mode, RESP3: reads are remembered; a change invalidates once.
    let mut t = Conn::new(server, true);
    let mut w = Conn::new(server, false);
    t.cmd(&["CLIENT", "TRACKING", "on"]);
    t.cmd(&["GET", "a"]);
    t.cmd(&["MGET", "b", "c"]);
    t.cmd(&["HGET", "h", "f"]);
    logs.push(tracking_stats(&mut w));
    w.cmd(&["SET", "a", "1"]);
    t.drain();
    w.cmd(&["SET", "a", "2"]);
    t.drain();
    w.cmd(&["MSET", "b", "1", "c", "1"]);
    t.drain();
    w.cmd(&["HSET", "h", "f", "v"]);
    t.drain();
    // Its own change: the invalidation follows the reply.
    t.cmd(&["GET", "a"]);
    t.cmd(&["SET", "a", "3"]);
    t.cmd(&["GET", "a"]);
    t.cmd(&["MULTI"]);
    t.cmd(&["INCR", "a"]);
    t.cmd(&["EXEC"]);
    // Expiry invalidates too; FLUSHALL invalidates everything.
    t.cmd(&["SET", "e", "v", "PX", "30"]);
    t.cmd(&["GET", "e"]);
    std::thread::sleep(Duration::from_millis(80));
    w.cmd(&["GET", "e"]);
    t.drain();
    t.cmd(&["GET", "a"]);
    w.cmd(&["FLUSHALL"]);
    t.drain();
    t.cmd(&["GET", "a"]);
    t.cmd(&["FLUSHDB"]);
    t.cmd(&["CLIENT", "TRACKING", "off"]);
    t.cmd(&["GET", "a"]);
    w.cmd(&["SET", "a", "x"]);
    t.drain();

    // NOLOOP: not told of its own changes.
    t.cmd(&["CLIENT", "TRACKING", "on", "NOLOOP"]);
    t.cmd(&["GET", "n"]);
    t.cmd(&["SET", "n", "1"]);
    t.cmd(&["GET", "n"]);
    w.cmd(&["SET", "n", "2"]);
    t.drain();
    t.cmd(&["CLIENT", "TRACKING", "off"]);

    // OPTIN / OPTOUT.
    t.cmd(&["CLIENT", "TRACKING", "on", "OPTIN"]);
    t.cmd(&["GET", "o1"]);
    t.cmd(&["CLIENT", "CACHING", "YES"]);
    t.cmd(&["GET", "o2"]);
    t.cmd(&["GET", "o3"]);
    w.cmd(&["MSET", "o1", "1", "o2", "1", "o3", "1"]);
    t.drain();
    t.cmd(&["CLIENT", "TRACKING", "off"]);
    t.cmd(&["CLIENT", "TRACKING", "on", "OPTOUT"]);
    t.cmd(&["GET", "p1"]);
    t.cmd(&["CLIENT", "CACHING", "NO"]);
    t.cmd(&["GET", "p2"]);
    w.cmd(&["MSET", "p1", "1", "p2", "1"]);
    t.drain();
    t.cmd(&["CLIENT", "TRACKING", "off"]);

    // BCAST with prefixes, and the CLIENT LIST flags.
    t.cmd(&[
        "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:",
    ]);
    w.cmd(&["SET", "user:1", "x"]);
    t.drain();
    w.cmd(&["SET", "other", "x"]);
    t.drain();
    w.cmd(&["DEL", "obj:9", "user:1"]);
    t.drain();
    t.cmd(&["SET", "user:2", "me"]);
    let list = t_list_flags(&mut w, &t.id);
    logs.push(list);
    t.cmd(&["CLIENT", "TRACKING", "off"]);

    // REDIRECT to a RESP2 subscriber of __redis__:invalidate.
    let mut sub = Conn::new(server, false);
    sub.cmd(&["SUBSCRIBE", "__redis__:invalidate"]);
    let mut r2 = Conn::new(server, false);
    r2.cmd(&["CLIENT", "TRACKING", "on", "REDIRECT", &sub.id]);
    r2.cmd(&["CLIENT", "GETREDIR"]);
    r2.cmd(&["GET", "k"]);
    w.cmd(&["SET", "k", "1"]);
    sub.drain();
    r2.cmd(&["GET", "k"]);
    w.cmd(&["FLUSHDB"]);
    sub.drain();
    // The redirection target leaves: the tracking client is told (RESP3)
    // and flagged.
    let mut r3 = Conn::new(server, true);
    let gone = Conn::new(server, false);
    r3.cmd(&["CLIENT", "TRACKING", "on", "REDIRECT", &gone.id]);
    r3.cmd(&["GET", "z"]);
    let gone_id = gone.id.clone();
    drop(gone);
    std::thread::sleep(Duration::from_millis(100));
    w.cmd(&["SET", "z", "1"]);
    r3.drain();
    r3.cmd(&["CLIENT", "TRACKINGINFO"]);
    let ids = [
        (t.id.clone(), "<t>"),
        (sub.id.clone(), "<sub>"),
        (gone_id, "<gone>"),
    ];

    for c in [t, w, sub, r2, r3] {
        logs.push(c.log.join("\n"));
    }
    let mut all = logs.join("\n----\n");
    for (id, name) in ids {
        // Only where an id appears: REDIRECT's argument, GETREDIR,
        // TRACKINGINFO's redirect, the broken-redirection push.
        for (from, to) in [
            (
                format!("\"REDIRECT\", \"{id}\""),
                format!("\"REDIRECT\", {name}"),
            ),
            (
                format!("GETREDIR\"] -> \":{id}\\r\\n"),
                format!("GETREDIR\"] -> \"{name}"),
            ),
            (
                format!("redirect\\r\\n:{id}\\r\\n"),
                format!("redirect\\r\\n{name}"),
            ),
            (
                format!("broken\\r\\n:{id}\\r\\n"),
                format!("broken\\r\\n{name}"),
            ),
        ] {
            all = all.replace(&from, &to);
        }
    }
    all
}

/// INFO's tracking lines (clients, keys, items, prefixes).
fn tracking_stats(w: &mut Conn) -> String {
    let mut lines: Vec<String> = Vec::new();
    for section in ["clients", "stats"] {
        let info = w.c.cmd(&["INFO", section]).text();
        lines.extend(
            info.lines()
                .filter(|l| l.starts_with("tracking_"))
                .map(str::to_string),
        );
    }
    lines.join(" ")
}

/// The table stays within tracking-table-max-keys: keys past it are
/// forgotten and their clients told (ferrodis alone: Redis forgets random
/// keys in its cron, so which ones differ).
#[test]
fn the_table_is_bounded() {
    let server = Server::start();
    let mut w = Conn::new(&server, false);
    w.cmd(&["CONFIG", "SET", "tracking-table-max-keys", "3"]);
    let mut t = Conn::new(&server, true);
    t.cmd(&["CLIENT", "TRACKING", "on"]);
    for i in 0..10 {
        t.cmd(&["GET", &format!("k{i}")]);
    }
    let pushes = t.log.iter().filter(|l| l.starts_with("push")).count();
    assert_eq!(pushes, 7, "{:?}", t.log);
    let stats = tracking_stats(&mut w);
    assert!(stats.contains("tracking_total_keys:3"), "{stats}");
    assert!(stats.contains("tracking_clients:1"), "{stats}");
}

/// The tracking client's CLIENT LIST flags and redir field.
fn t_list_flags(w: &mut Conn, id: &str) -> String {
    let list = w.c.cmd(&["CLIENT", "LIST", "ID", id]).text();
    list.split_whitespace()
        .filter(|f| f.starts_with("flags=") || f.starts_with("redir="))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn invalidations_match_redis() {
    let fer = Server::start();
    let reference = Server::reference();
    let (f, r) = std::thread::scope(|s| {
        let f = s.spawn(|| scenarios(&fer));
        let r = s.spawn(|| scenarios(&reference));
        (f.join().unwrap(), r.join().unwrap())
    });
    if std::env::var_os("SHOW_TRACKING").is_some() {
        eprintln!("{f}");
    }
    if f != r {
        let fl: Vec<&str> = f.lines().collect();
        let rl: Vec<&str> = r.lines().collect();
        let first = fl
            .iter()
            .zip(&rl)
            .position(|(a, b)| a != b)
            .unwrap_or(fl.len().min(rl.len()));
        panic!(
            "first difference at line {first}:\n  ferrodis: {:?}\n  redis:    {:?}\n--- ferrodis\n{f}\n--- redis\n{r}",
            fl.get(first),
            rl.get(first)
        );
    }
}
