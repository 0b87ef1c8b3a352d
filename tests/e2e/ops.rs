//! Operator tooling: INFO commandstats/errorstats/latencystats, SLOWLOG,
//! MONITOR, LATENCY, DEBUG — differential against redis-server 7.0 where
//! the shape is what matters (values such as durations and timestamps are
//! normalized).

use std::collections::BTreeMap;

use crate::common::{Diff, RawConn, Resp, Server};

/// INFO text as (section title, field → value) in order.
fn info_sections(text: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let mut out: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for line in text.lines() {
        if let Some(t) = line.strip_prefix("# ") {
            out.push((t.to_string(), BTreeMap::new()));
        } else if let Some((k, v)) = line.split_once(':') {
            if let Some(last) = out.last_mut() {
                last.1.insert(k.to_string(), v.to_string());
            }
        }
    }
    out
}

fn info(c: &mut RawConn, args: &[&str]) -> String {
    let mut argv = vec!["INFO"];
    argv.extend_from_slice(args);
    c.cmd(&argv).text()
}

fn titles(text: &str) -> Vec<String> {
    info_sections(text).into_iter().map(|(t, _)| t).collect()
}

/// The value's shape: each `k=v` pair with v reduced to its type.
fn shape(v: &str) -> String {
    v.split(',')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if v.parse::<i64>().is_ok() => format!("{k}=int"),
            Some((k, v)) if v.parse::<f64>().is_ok() => format!("{k}=float"),
            Some((k, v)) => format!("{k}={v}"),
            None => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn info_section_selection_matches_redis() {
    let d = Diff::new();
    let (mut f, mut r) = (d.fer.raw(), d.reference.raw());
    for args in [
        &[][..],
        &["default"],
        &["all"],
        &["everything"],
        &["commandstats"],
        &["default", "commandstats"],
        &["latencystats", "server"],
        &["ERRORSTATS"],
        &["nosuchsection"],
    ] {
        assert_eq!(
            titles(&info(&mut f, args)),
            titles(&info(&mut r, args)),
            "INFO {args:?}"
        );
    }
}

/// Runs the same commands on a connection and returns INFO's
/// commandstats, errorstats and latencystats with values reduced to shapes
/// (commands whose counts depend on the harness dropped).
fn stats_after(c: &mut RawConn) -> Vec<String> {
    c.cmd(&["CONFIG", "RESETSTAT"]);
    c.cmd(&["SET", "a", "1"]);
    c.cmd(&["GET", "a"]);
    c.cmd(&["GET"]); // rejected: arity
    c.cmd(&["LPUSH", "a", "x"]); // failed: WRONGTYPE
    c.cmd(&["NOSUCHCOMMAND"]); // no command: an error only
    c.cmd(&["CLIENT", "ID"]);
    c.cmd(&["MULTI"]);
    c.cmd(&["INCR", "a"]);
    c.cmd(&["EXEC"]);
    // A transaction aborted by a queueing error: EXECABORT.
    c.cmd(&["MULTI"]);
    c.cmd(&["SET", "x"]);
    c.cmd(&["EXEC"]);
    // Errors inside EXEC and from scripts.
    c.cmd(&["MULTI"]);
    c.cmd(&["LPUSH", "a", "y"]);
    c.cmd(&["EXEC"]);
    c.cmd(&["EVAL", "return redis.call('LPUSH', 'a', 'z')", "0"]);
    c.cmd(&["EVAL", "return redis.error_reply('MYERR custom')", "0"]);
    c.cmd(&["EVAL", "syntax error here", "0"]);
    let text = info(c, &["commandstats", "errorstats", "latencystats"]);
    let mut out = Vec::new();
    for (title, fields) in info_sections(&text) {
        out.push(format!("# {title}"));
        for (k, v) in fields {
            if k.contains("config") || k.contains("info") || k.contains("command|") {
                continue;
            }
            let v = if title == "Commandstats" {
                // calls, rejected and failed are exact; durations vary.
                v.split(',')
                    .map(|kv| match kv.split_once('=') {
                        Some((k2, _)) if k2 == "usec" || k2 == "usec_per_call" => {
                            format!("{k2}=*")
                        }
                        _ => kv.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            } else if title == "Latencystats" {
                shape(&v)
            } else {
                v
            };
            out.push(format!("{k}:{v}"));
        }
    }
    out
}

#[test]
fn commandstats_errorstats_latencystats_match_redis() {
    let d = Diff::new();
    let (mut f, mut r) = (d.fer.raw(), d.reference.raw());
    let got = stats_after(&mut f);
    let want = stats_after(&mut r);
    assert_eq!(got, want);
    // total_error_replies counts the errors too.
    for c in [&mut f, &mut r] {
        let stats = info(c, &["stats"]);
        assert!(stats.contains("total_error_replies:"), "{stats}");
    }
    // CONFIG RESETSTAT zeroes everything.
    f.cmd(&["CONFIG", "RESETSTAT"]);
    let text = info(&mut f, &["commandstats", "errorstats"]);
    let fields: Vec<_> = info_sections(&text)
        .into_iter()
        .flat_map(|(_, f)| f.into_keys())
        .collect();
    assert_eq!(fields, vec!["cmdstat_config|resetstat".to_string()]);
}

#[test]
fn latency_tracking_config_matches_redis() {
    let mut d = Diff::new();
    d.cmd(&["CONFIG", "GET", "latency-tracking*"]);
    d.cmd(&[
        "CONFIG",
        "SET",
        "latency-tracking-info-percentiles",
        "50 101",
    ]);
    d.cmd(&["CONFIG", "SET", "latency-tracking-info-percentiles", "abc"]);
    d.cmd(&[
        "CONFIG",
        "SET",
        "latency-tracking-info-percentiles",
        "50.5 99.123456 100",
    ]);
    d.cmd(&["CONFIG", "GET", "latency-tracking-info-percentiles"]);
    d.cmd(&["CONFIG", "SET", "latency-tracking-info-percentiles", ""]);
    d.cmd(&["CONFIG", "GET", "latency-tracking-info-percentiles"]);
    d.cmd(&["CONFIG", "SET", "latency-tracking", "maybe"]);
    d.cmd(&["CONFIG", "GET", "slowlog-*"]);
    d.cmd(&["CONFIG", "SET", "slowlog-log-slower-than", "-2"]);
    d.cmd(&["CONFIG", "SET", "slowlog-max-len", "-1"]);
    d.cmd(&["CONFIG", "GET", "latency-monitor-threshold"]);
    d.cmd(&["CONFIG", "GET", "enable-debug-command"]);
    d.cmd(&["CONFIG", "SET", "enable-debug-command", "yes"]);
    d.finish();
    // Custom percentiles show in latencystats with their own labels; with
    // tracking off, nothing new is recorded.
    let mut f = d.fer.raw();
    f.cmd(&[
        "CONFIG",
        "SET",
        "latency-tracking-info-percentiles",
        "50.5 100",
    ]);
    f.cmd(&["SET", "k", "v"]);
    let text = info(&mut f, &["latencystats"]);
    let line = text
        .lines()
        .find(|l| l.starts_with("latency_percentiles_usec_set:"))
        .expect(&text)
        .to_string();
    assert_eq!(
        shape(line.split_once(':').unwrap().1),
        "p50.5=float,p100=float"
    );
    f.cmd(&["CONFIG", "RESETSTAT"]);
    f.cmd(&["CONFIG", "SET", "latency-tracking", "no"]);
    f.cmd(&["SET", "k", "v"]);
    let text = info(&mut f, &["latencystats"]);
    assert!(!text.contains("usec_set:"), "{text}");
}

/// SLOWLOG GET entries with id, timestamp and duration zeroed and the
/// client address replaced.
fn norm_slowlog(r: &mut Resp) {
    if let Resp::Array(Some(entries)) = r {
        for e in entries {
            if let Resp::Array(Some(f)) = e {
                for v in f.iter_mut().take(3) {
                    *v = Resp::Int(0);
                }
                if let Some(addr) = f.get_mut(4) {
                    *addr = Resp::bulk("ADDR");
                }
            }
        }
    }
}

#[test]
fn slowlog_matches_redis() {
    let mut d = Diff::new();
    d.normalize(|argv, _, r| {
        if argv.len() >= 2
            && argv[0].eq_ignore_ascii_case(b"SLOWLOG")
            && argv[1].eq_ignore_ascii_case(b"GET")
        {
            norm_slowlog(r);
        }
    });
    d.cmd(&["SLOWLOG", "RESET"]);
    d.cmd(&["SLOWLOG", "LEN"]);
    d.cmd(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    d.cmd(&["CLIENT", "SETNAME", "ops"]);
    let long = "x".repeat(200);
    d.cmd(&["SET", &long, "v"]);
    let mut many = vec!["RPUSH".to_string(), "list".to_string()];
    many.extend((0..40).map(|i| i.to_string()));
    d.cmd(&many);
    d.cmd(&["AUTH", "nosuchuser", "pw"]);
    d.cmd(&["HELLO", "2", "AUTH", "default", "wrong"]);
    d.cmd(&["SLOWLOG", "GET", "4"]);
    d.cmd(&["SLOWLOG", "LEN"]);
    d.cmd(&["SLOWLOG", "GET", "-2"]);
    d.cmd(&["SLOWLOG", "GET", "abc"]);
    d.cmd(&["SLOWLOG", "GET", "1", "2"]);
    d.cmd(&["SLOWLOG", "LEN", "x"]);
    d.cmd(&["SLOWLOG", "NOSUCH"]);
    d.cmd(&["SLOWLOG"]);
    d.cmd(&["CONFIG", "SET", "slowlog-max-len", "2"]);
    d.cmd(&["SLOWLOG", "LEN"]);
    d.cmd(&["CONFIG", "SET", "slowlog-log-slower-than", "-1"]);
    d.cmd(&["SLOWLOG", "RESET"]);
    d.cmd(&["SET", "a", "b"]);
    d.cmd(&["SLOWLOG", "LEN"]);
    d.cmd(&["SLOWLOG", "GET", "0"]);
    d.finish();
}

/// Monitor lines with the timestamp and the client's port hidden.
fn norm_monitor_line(line: &str) -> String {
    let Some((_, rest)) = line.split_once(' ') else {
        return line.to_string();
    };
    let Some((who, args)) = rest.split_once("] ") else {
        return line.to_string();
    };
    let who = match who.split_once(' ') {
        Some((db, addr)) if addr.starts_with("127.0.0.1:") => format!("{db} 127.0.0.1:*"),
        _ => who.to_string(),
    };
    format!("+T {who}] {args}")
}

/// Runs a script while a monitor watches and returns the monitor's lines
/// up to the final `ECHO end` (normalized).
fn monitored(server: &Server) -> Vec<String> {
    let mut mon = server.raw();
    assert_eq!(mon.cmd(&["MONITOR"]).text(), "OK");
    let mut c = server.raw();
    c.cmd(&["SET", "a b", "x\"y\n\u{1}\u{e9}\\"]);
    c.cmd(&["GET"]); // refused by the arity gate: not shown
    c.cmd(&["NOSUCH"]);
    c.cmd(&["MULTI"]);
    c.cmd(&["SET", "k", "v"]);
    c.cmd(&["EXEC"]);
    c.cmd(&["EVAL", "return redis.call('set','x','y')", "0"]);
    c.cmd(&["AUTH", "user", "pw"]);
    c.cmd(&["HELLO", "2", "AUTH", "user", "pw"]);
    c.cmd(&["CONFIG", "GET", "port"]); // admin: not shown
    c.cmd(&["SELECT", "3"]);
    c.cmd(&["LPUSH", "l", "\t\r"]);
    c.cmd(&["ECHO", "end"]);
    let mut lines = Vec::new();
    while !lines.last().is_some_and(|l: &String| l.contains("\"end\"")) {
        let r = mon.read();
        lines.push(norm_monitor_line(&r.text()));
    }
    let list = c.cmd(&["CLIENT", "LIST"]).text();
    let monitors = list.split_whitespace().filter(|f| *f == "flags=O").count();
    assert_eq!(monitors, 1, "{list}");
    // The monitor itself may not touch keys; PING is fine (and shown).
    assert_eq!(
        mon.cmd(&["GET", "a"]).text_or_error(),
        "ERR Replica can't interact with the keyspace"
    );
    assert_eq!(mon.cmd(&["PING"]).text(), "PONG");
    lines.push(norm_monitor_line(&mon.read().text()));
    // A second MONITOR is ignored without a reply; RESET leaves the mode.
    mon.send(b"MONITOR\r\nRESET\r\nPING\r\n");
    assert_eq!(mon.read().text(), "RESET");
    assert_eq!(mon.read().text(), "PONG");
    // MONITOR inside MULTI fails at EXEC.
    c.cmd(&["MULTI"]);
    c.cmd(&["MONITOR"]);
    lines.push(format!("{:?}", c.cmd(&["EXEC"])));
    lines
}

#[test]
fn monitor_matches_redis() {
    let d = Diff::new();
    let got = monitored(&d.fer);
    let want = monitored(&d.reference);
    assert_eq!(got, want);
    assert!(got.iter().any(|l| l.contains("[0 lua] \"set\"")), "{got:?}");
}

#[test]
fn latency_monitor_and_histogram() {
    let mut d = Diff::new();
    // Shapes only: times, durations and counts vary.
    d.normalize(|argv, side, r| {
        if argv.len() >= 2 && argv[0].eq_ignore_ascii_case(b"LATENCY") {
            crate::common::norm::any_int(argv, side, r);
            if argv[1].eq_ignore_ascii_case(b"HISTOGRAM") {
                // One step per bucket: keep just the first of each.
                r.walk_mut(&mut |v| {
                    if let Resp::Map(pairs) = v {
                        if pairs.iter().all(|(k, _)| matches!(k, Resp::Int(_))) {
                            pairs.truncate(1);
                        }
                    }
                    if let Resp::Array(Some(items)) = v {
                        if items.len() > 2 && items.iter().all(|i| matches!(i, Resp::Int(_))) {
                            items.truncate(2);
                        }
                    }
                });
            }
        }
    });
    d.cmd(&["LATENCY", "LATEST"]);
    d.cmd(&["LATENCY", "HISTORY", "command"]);
    d.cmd(&["LATENCY", "HISTORY"]);
    d.cmd(&["LATENCY", "GRAPH", "command"]);
    d.cmd(&["LATENCY", "RESET"]);
    d.cmd(&["LATENCY", "RESET", "command", "nosuch"]);
    d.cmd(&["LATENCY", "NOSUCH"]);
    d.cmd(&["CONFIG", "RESETSTAT"]);
    d.cmd(&["SET", "a", "1"]);
    d.cmd(&["LATENCY", "HISTOGRAM", "set"]);
    d.cmd(&["LATENCY", "HISTOGRAM", "nosuch"]);
    d.cmd(&["LATENCY", "HISTOGRAM", "set", "get"]);
    d.finish();
    // RESP3: a map of maps.
    let mut c = d.fer.raw();
    c.cmd(&["HELLO", "3"]);
    let h = c.cmd(&["LATENCY", "HISTOGRAM", "set"]);
    let Resp::Map(top) = &h else { panic!("{h:?}") };
    assert_eq!(top.len(), 1);
    let Resp::Map(inner) = &top[0].1 else {
        panic!("{h:?}")
    };
    assert_eq!(inner[0].0.text(), "calls");
    assert!(inner[0].1.int() >= 1);
    assert_eq!(inner[1].0.text(), "histogram_usec");
    assert!(matches!(inner[1].1, Resp::Map(_)));
}

#[test]
fn latency_monitor_records_slow_commands() {
    let server = Server::start();
    let mut c = server.raw();
    c.cmd(&["CONFIG", "SET", "latency-monitor-threshold", "1"]);
    // A script that spins for a few milliseconds: a "command" event.
    c.cmd(&[
        "EVAL",
        "local t = redis.call('TIME'); local s = t[1]*1000000+t[2]; repeat t = redis.call('TIME') until t[1]*1000000+t[2] - s > 20000",
        "0",
    ]);
    let latest = c.cmd(&["LATENCY", "LATEST"]);
    // (A loaded machine may add a "fast-command" event for a TIME call.)
    let row = latest
        .items()
        .iter()
        .find(|r| r.items()[0].text() == "command")
        .unwrap_or_else(|| panic!("{latest:?}"))
        .items()
        .to_vec();
    assert!(row[2].int() >= 20, "{latest:?}");
    assert_eq!(c.cmd(&["LATENCY", "HISTORY", "command"]).items().len(), 1);
    let graph = c.cmd(&["LATENCY", "GRAPH", "command"]).text();
    assert!(graph.starts_with("command - high "), "{graph}");
    let doctor = c.cmd(&["LATENCY", "DOCTOR"]).text();
    assert!(doctor.contains("command"), "{doctor}");
    assert!(c.cmd(&["LATENCY", "RESET"]).int() >= 1);
    assert_eq!(c.cmd(&["LATENCY", "LATEST"]).items().len(), 0);
}

#[test]
fn debug_is_refused_by_default_like_redis() {
    let mut d = Diff::new();
    d.cmd(&["DEBUG", "SLEEP", "0"]);
    d.cmd(&["DEBUG", "HELP"]);
    d.cmd(&["DEBUG", "JMAP"]);
    d.cmd(&["DEBUG"]);
    d.cmd(&["CONFIG", "SET", "enable-debug-command", "yes"]);
    d.finish();
    // The refusals (and the arity error) are rejected calls.
    for server in [&d.fer, &d.reference] {
        let text = info(&mut server.raw(), &["commandstats"]);
        assert!(
            text.contains(
                "cmdstat_debug:calls=0,usec=0,usec_per_call=0.00,rejected_calls=4,failed_calls=0"
            ),
            "{text}"
        );
    }
}

/// DEBUG OBJECT's line with the address, LRU clock and idle time hidden.
fn norm_debug_object(text: &str) -> String {
    text.split(' ')
        .map(|f| match f.split_once(':') {
            Some((k @ ("at" | "lru" | "lru_seconds_idle" | "ql_uncompressed_size"), _)) => {
                format!("{k}:*")
            }
            _ => f.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn debug_subcommands_match_redis() {
    let mut d = Diff::with_args(&["--enable-debug-command", "yes"]);
    d.normalize(|argv, _, r| {
        if argv.len() >= 2 && argv[1].eq_ignore_ascii_case(b"OBJECT") {
            if let Resp::Simple(s) = r {
                *s = norm_debug_object(&String::from_utf8_lossy(s)).into_bytes();
            }
        }
    });
    d.cmd(&["RPUSH", "l", "a", "b", "c"]);
    d.cmd(&["SET", "s", "hello"]);
    d.cmd(&["SET", "n", "12345"]);
    d.cmd(&["SET", "small", "7"]);
    // Not compressible, so that the RDB length does not depend on the
    // LZF implementation.
    let mut seed = 12345u32;
    let big: String = (0..100)
        .map(|_| {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            char::from(b'!' + ((seed >> 16) % 90) as u8)
        })
        .collect();
    d.cmd(&["SET", "big", &big]);
    d.cmd(&["HSET", "h", "f", "v"]);
    d.cmd(&["SADD", "st", "1", "2"]);
    d.cmd(&["ZADD", "z", "1", "a"]);
    for k in ["l", "s", "n", "small", "big", "h", "st", "z", "nokey"] {
        d.cmd(&["DEBUG", "OBJECT", k]);
    }
    d.cmd(&["DEBUG", "OBJECT"]);
    d.cmd(&["DEBUG", "OBJECT", "l", "x"]);
    d.cmd(&["DEBUG", "SLEEP"]);
    d.cmd(&["DEBUG", "SLEEP", "0"]);
    d.cmd(&["DEBUG", "SLEEP", "abc"]);
    d.cmd(&["DEBUG", "SLEEP", "1", "2"]);
    d.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    d.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"]);
    d.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE"]);
    d.cmd(&["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"]);
    d.cmd(&["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc"]);
    d.cmd(&["DEBUG", "JMAP"]);
    d.cmd(&["DEBUG", "NOSUCH", "x"]);
    d.cmd(&["DEBUG", "RELOAD", "bad"]);
    d.cmd(&["DBSIZE"]);
    d.cmd(&["DEBUG", "RELOAD"]);
    d.cmd(&["DBSIZE"]);
    d.cmd(&["LRANGE", "l", "0", "-1"]);
    d.cmd(&["DEBUG", "RELOAD", "NOSAVE"]);
    d.cmd(&["DBSIZE"]);
    d.cmd(&["DEBUG", "OBJECT", "l"]);
    d.finish();
}

#[test]
fn debug_change_repl_id_and_active_expire() {
    let server = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = server.raw();
    let id = |c: &mut RawConn| {
        info(c, &["replication"])
            .lines()
            .find_map(|l| l.strip_prefix("master_replid:").map(str::to_string))
            .unwrap()
    };
    let before = id(&mut c);
    assert_eq!(c.cmd(&["DEBUG", "CHANGE-REPL-ID"]).text(), "OK");
    assert_ne!(id(&mut c), before);
    // With active expiry off, an expired key stays in memory until read.
    c.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    c.cmd(&["SET", "k", "v", "PX", "1"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(c.cmd(&["DBSIZE"]).int(), 1);
    c.cmd(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while c.cmd(&["DBSIZE"]).int() != 0 {
        assert!(std::time::Instant::now() < deadline, "never expired");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // DEBUG SLEEP shows in the latency monitor and the slow log.
    c.cmd(&["CONFIG", "SET", "latency-monitor-threshold", "10"]);
    c.cmd(&["DEBUG", "SLEEP", "0.05"]);
    let latest = c.cmd(&["LATENCY", "LATEST"]);
    assert_eq!(latest.items()[0].items()[0].text(), "command", "{latest:?}");
    let slow = c.cmd(&["SLOWLOG", "GET", "1"]);
    let entry = slow.items()[0].items();
    assert!(entry[2].int() >= 50_000, "{slow:?}");
    assert_eq!(entry[3].items()[0].text(), "DEBUG");
}

// --- redis-cli tool modes ----------------------------------------------

/// Runs redis-cli (line-buffered, so that output survives the kill) for
/// `secs` seconds, then stops it; returns what it printed.
fn cli_for(port: u16, args: &[&str], secs: f64) -> String {
    use std::process::{Command, Stdio};
    let mut child = Command::new("stdbuf")
        .args([
            "-oL",
            "redis-cli",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("stdbuf redis-cli");
    std::thread::sleep(std::time::Duration::from_secs_f64(secs));
    let _ = child.kill();
    let out = child.wait_with_output().expect("redis-cli output");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn cli_ok(port: u16, args: &[&str]) -> String {
    crate::common::tools::redis_cli_ok(port, args)
}

/// The same small dataset on a server: strings, lists, hashes, sets, zsets.
fn fill(port: u16) {
    let mut c = RawConn::connect(port);
    for i in 0..30 {
        c.cmd(&["SET", &format!("key:{i}"), &"v".repeat(i + 1)]);
        c.cmd(&["RPUSH", &format!("list:{i}"), "a", "b", "c"]);
        c.cmd(&["HSET", &format!("h:{i}"), "f", "v"]);
        c.cmd(&["SADD", &format!("s:{i}"), "m1", "m2"]);
        c.cmd(&["ZADD", &format!("z:{i}"), "1", "a"]);
    }
    for _ in 0..20 {
        c.cmd(&["GET", "key:7"]);
    }
}

/// The summary lines of --bigkeys/--memkeys ("N strings with ..."), with
/// the sizes replaced when `sizes` is false.
fn summary(text: &str, sizes: bool) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains(" with ") && l.contains("% of keys"))
        .map(|l| {
            if sizes {
                l.to_string()
            } else {
                let words: Vec<&str> = l.split(' ').collect();
                format!("{} {} with N", words[0], words[1])
            }
        })
        .collect()
}

#[test]
fn redis_cli_bigkeys_memkeys_scan_match_redis() {
    let d = Diff::new();
    let (f, r) = (d.fer.port(), d.reference.port());
    fill(f);
    fill(r);
    let (bf, br) = (cli_ok(f, &["--bigkeys"]), cli_ok(r, &["--bigkeys"]));
    assert_eq!(summary(&bf, true), summary(&br, true), "{bf}\n---\n{br}");
    assert_eq!(summary(&bf, true).len(), 6, "{bf}");
    assert!(
        bf.contains("Biggest string found '\"key:29\"' has 30 bytes"),
        "{bf}"
    );
    // Memory figures are our own accounting: compare the shape.
    let (mf, mr) = (cli_ok(f, &["--memkeys"]), cli_ok(r, &["--memkeys"]));
    assert_eq!(summary(&mf, false), summary(&mr, false), "{mf}\n---\n{mr}");
    let scan = |p| {
        let mut v: Vec<String> = cli_ok(p, &["--scan", "--pattern", "key:1*"])
            .lines()
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    assert_eq!(scan(f), scan(r));
    assert_eq!(scan(f).len(), 11);
}

#[test]
fn redis_cli_hotkeys_needs_lfu() {
    let d = Diff::new();
    let (f, r) = (d.fer.port(), d.reference.port());
    fill(f);
    fill(r);
    // Without an LFU policy both refuse the same way.
    let out = |p| {
        let o = crate::common::redis_cli(p, &["--hotkeys"]);
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    };
    let (of, or) = (out(f), out(r));
    assert!(of.contains("LFU"), "{of}");
    assert_eq!(
        of.lines().filter(|l| l.contains("LFU")).collect::<Vec<_>>(),
        or.lines().filter(|l| l.contains("LFU")).collect::<Vec<_>>()
    );
    for p in [f, r] {
        RawConn::connect(p).cmd(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"]);
        fill(p);
    }
    let hf = cli_ok(f, &["--hotkeys"]);
    assert!(hf.contains("keyname: \"key:7\""), "{hf}");
    let first = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("hot key found"))
            .map(|l| l.split("keyname: ").nth(1).unwrap_or("").to_string())
    };
    assert_eq!(first(&hf), first(&cli_ok(r, &["--hotkeys"])));
}

#[test]
fn redis_cli_stat_latency_repeat() {
    let server = Server::start();
    let p = server.port();
    fill(p);
    let stat = cli_for(p, &["--stat", "-i", "0.2"], 1.2);
    let lines: Vec<&str> = stat.lines().collect();
    assert!(lines.len() >= 4, "{stat}");
    assert!(
        lines[0].contains("data") && lines[1].starts_with("keys"),
        "{stat}"
    );
    // keys, mem, clients, blocked, requests (+delta), connections
    let row: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(row[0], "150", "{stat}");
    assert!(row[1].ends_with('K') || row[1].ends_with('M'), "{stat}");
    // --latency --raw: one sample line after the interval, exit 0.
    let lat = cli_ok(p, &["--latency", "--raw", "-i", "0.3"]);
    let nums: Vec<f64> = lat.split_whitespace().map(|w| w.parse().unwrap()).collect();
    assert_eq!(nums.len(), 4, "{lat}");
    assert!(nums[3] >= 1.0, "{lat}");
    let hist = cli_for(p, &["--latency-history", "-i", "0.3"], 1.5);
    assert!(hist.contains("seconds range"), "{hist}");
    // -r N -i S: repeat a command.
    let rep = cli_ok(p, &["-r", "3", "-i", "0.05", "INCR", "counter"]);
    assert_eq!(rep.lines().collect::<Vec<_>>(), ["1", "2", "3"]);
}

#[test]
fn redis_cli_pipe_mass_insertion() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let server = Server::start();
    let mut body = Vec::with_capacity(40 << 20);
    for i in 0..1_000_000u32 {
        let (k, v) = (format!("pk:{i}"), i.to_string());
        write!(
            body,
            "*3\r\n$3\r\nSET\r\n${}\r\n{k}\r\n${}\r\n{v}\r\n",
            k.len(),
            v.len()
        )
        .unwrap();
    }
    let mut child = Command::new("redis-cli")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &server.port().to_string(),
            "--pipe",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("redis-cli --pipe");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("errors: 0, replies: 1000000"), "{text}");
    assert_eq!(server.raw().cmd(&["DBSIZE"]).int(), 1_000_000);
}

#[test]
fn redis_cli_rdb_snapshot() {
    let server = Server::start();
    fill(server.port());
    let path = server.dir().join("cli-dump.rdb");
    let o = crate::common::redis_cli(server.port(), &["--rdb", path.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("Transfer finished with success"), "{out}");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"REDIS0010"), "{:?}", &bytes[..9]);
    // The file loads: a fresh server started on it has the same keys.
    let copy = Server::start_with(&[
        "--dir",
        server.dir().to_str().unwrap(),
        "--dbfilename",
        "cli-dump.rdb",
    ]);
    assert_eq!(copy.raw().cmd(&["DBSIZE"]).int(), 150);
}

#[test]
fn blocked_commands_count_once_like_redis() {
    let d = Diff::new();
    let stat = |server: &Server| {
        let mut c = server.raw();
        c.cmd(&["BLPOP", "nolist", "0.1"]); // times out
        let mut other = server.raw();
        c.send(&crate::common::encode_request(&["BLPOP", "l", "0"]));
        std::thread::sleep(std::time::Duration::from_millis(100));
        other.cmd(&["RPUSH", "l", "x"]); // serves it
        c.read();
        let text = info(&mut c, &["commandstats"]);
        text.lines()
            .filter(|l| l.starts_with("cmdstat_blpop") || l.starts_with("cmdstat_rpush"))
            .map(|l| l.split(",usec").next().unwrap_or("").to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let got = stat(&d.fer);
    assert_eq!(got, stat(&d.reference));
    let want = ["cmdstat_blpop:calls=2", "cmdstat_rpush:calls=1"];
    assert_eq!(got, want.iter().map(|s| s.to_string()).collect());
}

/// Fields Prometheus' redis_exporter turns into metrics: present, numeric.
#[test]
fn info_has_the_fields_redis_exporter_reads() {
    let server = Server::start();
    let mut c = server.raw();
    c.cmd(&["SET", "k", "v", "EX", "100"]);
    c.cmd(&["GET", "k"]);
    c.cmd(&["GET"]);
    let text = info(&mut c, &["all"]);
    let fields: BTreeMap<String, String> = info_sections(&text)
        .into_iter()
        .flat_map(|(_, f)| f)
        .collect();
    for name in [
        "uptime_in_seconds",
        "process_id",
        "connected_clients",
        "blocked_clients",
        "maxclients",
        "used_memory",
        "used_memory_rss",
        "used_memory_peak",
        "maxmemory",
        "mem_fragmentation_ratio",
        "total_system_memory",
        "loading",
        "rdb_changes_since_last_save",
        "rdb_bgsave_in_progress",
        "rdb_last_save_time",
        "rdb_last_bgsave_time_sec",
        "aof_enabled",
        "aof_rewrite_in_progress",
        "total_connections_received",
        "total_commands_processed",
        "instantaneous_ops_per_sec",
        "total_net_input_bytes",
        "total_net_output_bytes",
        "rejected_connections",
        "expired_keys",
        "evicted_keys",
        "keyspace_hits",
        "keyspace_misses",
        "pubsub_channels",
        "pubsub_patterns",
        "latest_fork_usec",
        "total_error_replies",
        "connected_slaves",
        "master_repl_offset",
        "repl_backlog_active",
        "repl_backlog_size",
        "used_cpu_sys",
        "used_cpu_user",
        "used_cpu_sys_children",
        "used_cpu_user_children",
    ] {
        let v = fields
            .get(name)
            .unwrap_or_else(|| panic!("INFO lacks {name}"));
        assert!(v.parse::<f64>().is_ok(), "{name}:{v} is not numeric");
    }
    assert_eq!(fields["rdb_last_bgsave_status"], "ok");
    assert_eq!(fields["role"], "master");
    assert_eq!(shape(&fields["db0"]), "keys=int,expires=int,avg_ttl=int");
    assert_eq!(
        shape(&fields["cmdstat_get"]),
        "calls=int,usec=int,usec_per_call=float,rejected_calls=int,failed_calls=int"
    );
    assert_eq!(shape(&fields["errorstat_ERR"]), "count=int");
    assert_eq!(
        shape(&fields["latency_percentiles_usec_get"]),
        "p50=float,p99=float,p99.9=float"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn supervised_systemd_notifies_ready_and_pidfile_is_written() {
    use std::os::unix::net::UnixDatagram;
    if crate::common::ferrodis_only("supervised_systemd_notifies_ready") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("ferrodis-notify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock_path = dir.join("notify.sock");
    let _ = std::fs::remove_file(&sock_path);
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let pidfile = dir.join("ferrodis.pid");
    std::env::set_var("NOTIFY_SOCKET", &sock_path);
    let server = Server::start_with(&[
        "--supervised",
        "systemd",
        "--pidfile",
        pidfile.to_str().unwrap(),
    ]);
    std::env::remove_var("NOTIFY_SOCKET");
    let mut buf = [0u8; 512];
    let n = sock.recv(&mut buf).expect("no sd_notify datagram");
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(msg.contains("READY=1"), "{msg}");
    let mut c = server.raw();
    let text = info(&mut c, &["server"]);
    assert!(text.contains("process_supervised:systemd\r\n"), "{text}");
    let pid: u32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(pid, server.pid());
    c.send(b"SHUTDOWN NOSAVE\r\n");
    let n = sock.recv(&mut buf).expect("no STOPPING datagram");
    assert!(String::from_utf8_lossy(&buf[..n]).contains("STOPPING=1"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pidfile.exists() {
        assert!(std::time::Instant::now() < deadline, "pidfile not removed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `daemonize yes`: the started process returns at once, the daemon
/// writes its pid file, serves, and removes the file when it stops.
#[cfg(unix)]
#[test]
fn daemonize_writes_pidfile_and_serves() {
    use crate::common::server::Flavor;
    let dir = std::env::temp_dir().join(format!("ferrodis-daemon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pidfile = dir.join("d.pid");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let status = std::process::Command::new(Flavor::Ferrodis.binary())
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args(["--daemonize", "yes", "--pidfile", pidfile.to_str().unwrap()])
        .args(["--logfile", dir.join("d.log").to_str().unwrap()])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut c = loop {
        if let Ok(c) = RawConn::try_connect(port) {
            break c;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "daemon never answered"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let pid: String = std::fs::read_to_string(&pidfile).unwrap();
    let text = info(&mut c, &["server"]);
    assert!(
        text.contains(&format!("process_id:{}\r\n", pid.trim())),
        "{text}"
    );
    c.send(b"SHUTDOWN NOSAVE\r\n");
    while pidfile.exists() {
        assert!(std::time::Instant::now() < deadline, "pidfile not removed");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The background expiry cycle is a latency event too ("expire-cycle").
#[test]
fn latency_monitor_records_the_expire_cycle() {
    let server = Server::start();
    let mut c = server.raw();
    c.cmd(&["CONFIG", "SET", "latency-monitor-threshold", "1"]);
    c.cmd(&[
        "EVAL",
        "for i = 1, 50000 do redis.call('SET', 'k' .. i, 'v', 'PX', 50) end",
        "0",
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let latest = c.cmd(&["LATENCY", "LATEST"]);
        if latest
            .items()
            .iter()
            .any(|r| r.items()[0].text() == "expire-cycle")
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{latest:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!c
        .cmd(&["LATENCY", "HISTORY", "expire-cycle"])
        .items()
        .is_empty());
}

#[test]
fn lolwut_prints_the_version_line() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.script(&[
            &["LOLWUT"],
            &["LOLWUT", "VERSION", "7"],
            &["LOLWUT", "VERSION", "x"],
            &["LOLWUT", "VERSION"],
            &["LOLWUT", "foo", "bar"],
            &["LOLWUT", "VERSION", "-1", "10"],
        ]);
    }
    d.finish();
}
