//! The first commands: connection, keyspace basics, server introspection.
//! Differential against redis-server 7.0 wherever the replies are
//! deterministic; shape checks where they are not (TIME, INFO).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;

use crate::common::{ferrodis_only, norm, Diff, Resp, Server};
use crate::diff;

#[test]
fn ping() {
    let mut d = Diff::new();
    d.expect(&["PING"], b"+PONG\r\n");
    d.expect(&["PING", "hello"], b"$5\r\nhello\r\n");
    d.expect(&["ping", ""], b"$0\r\n\r\n");
    d.expect(
        &["PING", "a", "b"],
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    );
    d.cmd(&["pInG"]);
    d.finish();
}

#[test]
fn echo() {
    let mut d = Diff::new();
    d.expect(&["ECHO", "x"], b"$1\r\nx\r\n");
    d.expect(
        &["ECHO"],
        b"-ERR wrong number of arguments for 'echo' command\r\n",
    );
    d.cmd(&["ECHO", "a", "b"]);
    d.cmd(&["echo", ""]);
    d.finish();
}

#[test]
fn arity_errors() {
    let mut d = Diff::new();
    d.expect(
        &["GET"],
        b"-ERR wrong number of arguments for 'get' command\r\n",
    );
    d.expect(
        &["SET", "a"],
        b"-ERR wrong number of arguments for 'set' command\r\n",
    );
    d.cmd(&["GET", "a", "b"]);
    d.cmd(&["set"]);
    d.cmd(&["DEL"]);
    d.cmd(&["EXISTS"]);
    d.cmd(&["SELECT"]);
    d.cmd(&["SELECT", "1", "2"]);
    d.cmd(&["SWAPDB", "0"]);
    d.cmd(&["DBSIZE", "x"]);
    d.cmd(&["CLIENT"]);
    d.cmd(&["CONFIG"]);
    d.cmd(&["CONFIG", "GET"]);
    d.cmd(&["CONFIG", "SET", "port"]);
    d.cmd(&["CLIENT", "SETNAME"]);
    d.cmd(&["CLIENT", "ID", "x"]);
    d.finish();
}

#[test]
fn unknown_command() {
    let mut d = Diff::new();
    d.expect(
        &["FOO", "a", "b"],
        b"-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n",
    );
    d.expect(
        &["foo"],
        b"-ERR unknown command 'foo', with args beginning with: \r\n",
    );
    let long = "x".repeat(300);
    d.cmd(&["NOPE", &long, "y"]);
    d.cmd(&["NOPE", "has space", "new\nline"]);
    d.cmd(&["CLIENT", "NOSUCHSUB"]);
    d.cmd(&["CONFIG", "nosuchsub", "a"]);
    d.finish();
}

#[test]
fn select() {
    let mut d = Diff::new();
    d.expect(&["SELECT", "0"], b"+OK\r\n");
    d.expect(&["SELECT", "15"], b"+OK\r\n");
    d.expect(&["SELECT", "16"], b"-ERR DB index is out of range\r\n");
    d.cmd(&["SELECT", "-1"]);
    d.expect(
        &["SELECT", "abc"],
        b"-ERR value is not an integer or out of range\r\n",
    );
    d.cmd(&["SELECT", "99999999999999999999"]);
    d.cmd(&["SELECT", "3"]);
    d.cmd(&["SET", "in3", "x"]);
    d.cmd(&["DBSIZE"]);
    d.cmd(&["SELECT", "0"]);
    d.cmd(&["GET", "in3"]);
    d.cmd(&["DBSIZE"]);
    d.finish();
}

#[test]
fn select_with_databases_directive() {
    diff!(args = ["--databases", "4"];
        ["SELECT", "3"], ["SELECT", "4"], ["SWAPDB", "0", "4"], ["CONFIG", "GET", "databases"]);
}

#[test]
fn swapdb() {
    let mut d = Diff::new();
    d.script(&[
        &["SET", "a", "0"],
        &["SELECT", "1"],
        &["SET", "b", "1"],
        &["SET", "c", "1"],
        &["SELECT", "0"],
        &["SWAPDB", "0", "1"],
        &["DBSIZE"],
        &["GET", "b"],
        &["GET", "a"],
        &["SELECT", "1"],
        &["GET", "a"],
        &["SWAPDB", "1", "1"],
        &["DBSIZE"],
        &["SWAPDB", "a", "1"],
        &["SWAPDB", "0", "b"],
        &["SWAPDB", "0", "16"],
        &["SWAPDB", "-1", "0"],
    ]);
    d.finish();
}

#[test]
fn dbsize_flushdb_flushall() {
    let mut d = Diff::new();
    d.script(&[
        &["DBSIZE"],
        &["SET", "a", "1"],
        &["SET", "b", "1"],
        &["DBSIZE"],
        &["SELECT", "1"],
        &["SET", "c", "1"],
        &["FLUSHDB"],
        &["DBSIZE"],
        &["SELECT", "0"],
        &["DBSIZE"],
        &["FLUSHDB", "ASYNC"],
        &["DBSIZE"],
        &["SET", "a", "1"],
        &["FLUSHDB", "sync"],
        &["DBSIZE"],
        &["FLUSHDB", "foo"],
        &["FLUSHDB", "ASYNC", "SYNC"],
        &["SET", "a", "1"],
        &["SELECT", "2"],
        &["SET", "a", "1"],
        &["FLUSHALL"],
        &["DBSIZE"],
        &["SELECT", "0"],
        &["DBSIZE"],
        &["SET", "a", "1"],
        &["FLUSHALL", "ASYNC"],
        &["DBSIZE"],
        &["FLUSHALL", "SYNC"],
        &["FLUSHALL", "bad"],
        &["FLUSHALL", "SYNC", "ASYNC"],
    ]);
    d.finish();
}

#[test]
fn get_set_del_exists() {
    let mut d = Diff::new();
    d.script(&[
        &["GET", "nokey"],
        &["SET", "a", "1"],
        &["GET", "a"],
        &["SET", "a", "2"],
        &["GET", "a"],
        &["SET", "b", ""],
        &["GET", "b"],
        &["EXISTS", "a"],
        &["EXISTS", "a", "b", "nokey"],
        &["EXISTS", "a", "a", "a"],
        &["DEL", "a", "a"],
        &["EXISTS", "a"],
        &["DEL", "nokey"],
        &["SET", "x", "1"],
        &["SET", "y", "2"],
        &["DEL", "x", "y", "z", "b"],
        &["DBSIZE"],
        &["set", "MixedCase", "v"],
        &["get", "mixedcase"],
        &["get", "MixedCase"],
    ]);
    d.finish();
}

#[test]
fn set_options() {
    let mut d = Diff::new();
    d.script(&[
        &["SET", "k", "v", "NX"],
        &["SET", "k", "w", "NX"],
        &["GET", "k"],
        &["SET", "k", "w", "XX"],
        &["SET", "nokey", "w", "XX"],
        &["GET", "k"],
        &["SET", "k", "z", "GET"],
        &["SET", "new", "z", "GET"],
        &["SET", "k", "v", "EX", "100"],
        &["SET", "k", "v", "PX", "100000"],
        &["SET", "k", "v", "KEEPTTL"],
        &["SET", "k", "v", "EX", "0"],
        &["SET", "k", "v", "EX", "-5"],
        &["SET", "k", "v", "EX", "abc"],
        &["SET", "k", "v", "PX", "0"],
        &["SET", "k", "v", "NX", "XX"],
        &["SET", "k", "v", "EX", "10", "PX", "100"],
        &["SET", "k", "v", "EX", "10", "KEEPTTL"],
        &["SET", "k", "v", "EX"],
        &["SET", "k", "v", "FOO"],
        &["SET", "k", "v", "ex", "10", "nx"],
        &["SET", "k", "v", "xx", "get"],
        &["GET", "k"],
    ]);
    d.finish();
}

/// Random differential run over the foundation commands (seed printed;
/// replay with FERRODIS_SEED=<seed>).
#[test]
fn random_foundation_commands() {
    let mut d = Diff::new();
    d.random(1500, |rng| {
        let k = |rng: &mut rand::rngs::StdRng| format!("k{}", rng.gen_range(0..8));
        let argv: Vec<String> = match rng.gen_range(0..100) {
            0..=24 => vec!["SET".into(), k(rng), format!("v{}", rng.gen_range(0..100))],
            25..=44 => vec!["GET".into(), k(rng)],
            45..=54 => {
                let n = rng.gen_range(1..4);
                let mut v = vec!["DEL".to_string()];
                v.extend((0..n).map(|_| k(rng)));
                v
            }
            55..=64 => {
                let n = rng.gen_range(1..4);
                let mut v = vec!["EXISTS".to_string()];
                v.extend((0..n).map(|_| k(rng)));
                v
            }
            65..=69 => vec!["DBSIZE".into()],
            70..=74 => vec!["SELECT".into(), rng.gen_range(0..3).to_string()],
            75..=76 => vec![
                "SWAPDB".into(),
                rng.gen_range(0..3).to_string(),
                rng.gen_range(0..3).to_string(),
            ],
            77 => vec!["FLUSHDB".into()],
            78..=83 => {
                let opt = ["NX", "XX", "GET", "KEEPTTL"][rng.gen_range(0..4)];
                vec!["SET".into(), k(rng), "o".into(), opt.into()]
            }
            84..=89 => vec!["ECHO".into(), k(rng)],
            90..=94 => vec!["PING".into()],
            _ => vec!["SET".into(), k(rng)],
        };
        argv.into_iter().map(String::into_bytes).collect()
    });
    d.finish();
}

#[test]
fn hello() {
    let mut d = Diff::new();
    d.cmd(&["HELLO"]);
    d.cmd(&["HELLO", "2"]);
    d.expect(
        &["HELLO", "4"],
        b"-NOPROTO unsupported protocol version\r\n",
    );
    d.expect(
        &["HELLO", "abc"],
        b"-ERR Protocol version is not an integer or out of range\r\n",
    );
    d.cmd(&["HELLO", "1"]);
    d.cmd(&["HELLO", "2", "SETNAME", "hello-name"]);
    d.cmd(&["CLIENT", "GETNAME"]);
    d.cmd(&["HELLO", "2", "SETNAME", "bad name"]);
    d.cmd(&["HELLO", "2", "AUTH", "default"]);
    d.cmd(&["HELLO", "2", "AUTH", "default", "wrong"]);
    d.cmd(&["HELLO", "2", "FOO"]);
    let reply = d.cmd(&["HELLO", "3"]);
    match &reply {
        Resp::Map(_) => {
            assert_eq!(reply.get("proto"), Some(Resp::Int(3)), "{reply}");
            assert_eq!(reply.get("mode"), Some(Resp::bulk("standalone")), "{reply}");
            assert_eq!(reply.get("role"), Some(Resp::bulk("master")), "{reply}");
            assert!(matches!(reply.get("id"), Some(Resp::Int(_))), "{reply}");
        }
        _ => d.fail(format!("HELLO 3 must reply with a RESP3 map, got {reply}")),
    }
    d.finish();
}

#[test]
fn resp3_replies() {
    let mut d = Diff::new();
    d.cmd(&["HELLO", "3"]);
    let port = d.cmd(&["CONFIG", "GET", "port"]);
    if !matches!(port, Resp::Map(_)) {
        d.fail(format!("CONFIG GET in RESP3 must be a map, got {port}"));
    }
    d.script(&[
        &["PING"],
        &["GET", "nokey"],
        &["SET", "a", "1"],
        &["GET", "a"],
        &["EXISTS", "a"],
        &["CLIENT", "GETNAME"],
        &["CONFIG", "GET", "nosuchconfig"],
        &["CONFIG", "GET", "timeout", "hz"],
        &["SET", "a", "2", "GET"],
        &["SET", "a", "3", "NX", "GET"],
        &["SET", "a", "3", "NX"],
        &["FOO"],
        &["COMMAND", "GETKEYS", "SET", "a", "b"],
        &["HELLO", "2"],
        &["GET", "nokey"],
        &["CONFIG", "GET", "timeout"],
    ]);
    d.finish();
}

#[test]
fn reset() {
    let mut d = Diff::new();
    d.script(&[
        &["HELLO", "3"],
        &["SELECT", "2"],
        &["SET", "in2", "x"],
        &["CLIENT", "SETNAME", "before-reset"],
        &["RESET"],
        &["CLIENT", "GETNAME"],
        &["GET", "in2"],
        &["DBSIZE"],
        &["GET", "nokey"],
        &["RESET", "extra"],
    ]);
    d.cmd(&["CLIENT", "INFO"]);
    d.finish();
}

#[test]
fn quit_replies_ok_and_closes() {
    let mut d = Diff::new();
    d.cmd(&["SET", "k", "v"]);
    d.raw_closes(b"*1\r\n$4\r\nQUIT\r\n", Some(b"+OK\r\n"));
    d.raw_closes(b"QUIT\r\nPING\r\n", Some(b"+OK\r\n"));
    d.cmd(&["GET", "k"]);
    d.finish();
}

#[test]
fn client_setname_getname() {
    let mut d = Diff::new();
    d.script(&[
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "alice"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "a b"],
        &["CLIENT", "SETNAME", "a\nb"],
        &["CLIENT", "SETNAME", "\x01"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", ""],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "x", "y"],
        &["CLIENT", "GETNAME", "x"],
        &["client", "setname", "bob"],
        &["CLIENT", "GETNAME"],
    ]);
    d.finish();
}

#[test]
fn client_id_is_an_increasing_integer() {
    let mut d = Diff::new();
    let a = d.cmd(&["CLIENT", "ID"]);
    let a = match a {
        Resp::Int(i) => i,
        other => {
            d.fail(format!("CLIENT ID must be an integer, got {other}"));
            d.finish();
            return;
        }
    };
    let mut c2 = d.fer.raw();
    let b = c2.cmd(&["CLIENT", "ID"]).int();
    assert!(
        b > a,
        "a later connection must get a larger id ({a} then {b})"
    );
    d.finish();
}

fn client_keys(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| {
            l.split(' ')
                .map(|kv| kv.split_once('=').map(|(k, _)| k).unwrap_or(kv).to_string())
                .collect()
        })
        .collect()
}

#[test]
fn client_info_and_list_shape() {
    let mut d = Diff::new();
    d.cmd(&["CLIENT", "SETNAME", "me"]);
    d.cmd(&["SELECT", "3"]);
    // Same field names in the same order, same stable values (name, db,
    // flags, cmd, resp...); volatile values are normalized to `*`.
    let info = d.cmd(&["CLIENT", "INFO"]);
    let list = d.cmd(&["CLIENT", "LIST"]);
    let (_, r) = d.conns();
    let ref_info = r.cmd(&["CLIENT", "INFO"]).text();
    let (f, _) = d.conns();
    f.cmd(&["CLIENT", "INFO"]);
    let want = client_keys(&ref_info)[0].clone();
    for (what, reply) in [("CLIENT INFO", &info), ("CLIENT LIST", &list)] {
        let Some(text) = reply.bytes() else {
            d.fail(format!("{what} must be a bulk string, got {reply}"));
            continue;
        };
        let text = String::from_utf8_lossy(text).into_owned();
        assert!(
            text.ends_with('\n'),
            "{what} must end with a newline: {text:?}"
        );
        for keys in client_keys(&text) {
            if keys != want {
                d.fail(format!(
                    "{what} fields differ from Redis 7.0:\n    ferrodis: {}\n    redis:    {}",
                    keys.join(" "),
                    want.join(" ")
                ));
            }
        }
    }
    // A second client appears in CLIENT LIST with its own line.
    let (mut f2, mut r2) = d.new_conns();
    f2.cmd(&["CLIENT", "SETNAME", "other"]);
    r2.cmd(&["CLIENT", "SETNAME", "other"]);
    let list = d.cmd(&["CLIENT", "LIST"]);
    let lines = list
        .bytes()
        .map(|t| String::from_utf8_lossy(t).lines().count());
    d.cmd(&["CLIENT", "LIST", "TYPE", "normal"]);
    d.cmd(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    d.cmd(&["CLIENT", "LIST", "TYPE", "bogus"]);
    d.cmd(&["CLIENT", "LIST", "ID", "999999"]);
    d.cmd(&["CLIENT", "LIST", "FOO"]);
    drop((f2, r2));
    assert!(
        lines.unwrap_or(0) >= 2,
        "CLIENT LIST must list every client: {list}"
    );
    d.finish();
}

#[test]
fn client_kill_id() {
    let mut d = Diff::new();
    for server in [&d.fer, &d.reference] {
        let mut killer = server.raw();
        let mut victim = server.raw();
        let id = victim.cmd(&["CLIENT", "ID"]).int();
        let reply = killer.cmd_raw(&["CLIENT", "KILL", "ID", &id.to_string()]);
        assert_eq!(reply, b":1\r\n", "{:?}", server.flavor());
        victim.read_closed();
        assert_eq!(killer.cmd_raw(&["PING"]), b"+PONG\r\n");
    }
    d.cmd(&["CLIENT", "KILL", "ID", "999999"]);
    d.cmd(&["CLIENT", "KILL", "ID", "abc"]);
    d.cmd(&["CLIENT", "KILL", "ID"]);
    d.cmd(&["CLIENT", "KILL", "1.2.3.4:5"]);
    d.cmd(&["CLIENT", "KILL", "FOO", "bar"]);
    // SKIPME yes (the default) protects the caller.
    let me = d.cmd(&["CLIENT", "ID"]);
    let me_f = me.int().to_string();
    let (f, _) = d.conns();
    let reply = f.cmd_raw(&["CLIENT", "KILL", "ID", &me_f]);
    assert_eq!(reply, b":0\r\n");
    d.finish();
}

#[test]
fn client_setinfo_like_redis_7_2() {
    if ferrodis_only("client_setinfo_like_redis_7_2") {
        return;
    }
    let s = Server::start();
    let mut c = s.raw();
    assert_eq!(
        c.cmd_raw(&["CLIENT", "SETINFO", "LIB-NAME", "x"]),
        b"+OK\r\n"
    );
    assert_eq!(
        c.cmd_raw(&["CLIENT", "SETINFO", "lib-ver", "1.2.3"]),
        b"+OK\r\n"
    );
    assert_eq!(c.cmd_raw(&["PING"]), b"+PONG\r\n");
}

fn as_map(r: &Resp) -> BTreeMap<String, String> {
    r.pairs()
        .into_iter()
        .map(|(k, v)| (k.text(), v.text()))
        .collect()
}

/// Directives ferrodis implements (compared against Redis by CONFIG GET).
const SUPPORTED: &[&str] = &[
    "bind",
    "port",
    "protected-mode",
    "databases",
    "loglevel",
    "logfile",
    "dir",
    "maxclients",
    "timeout",
    "tcp-keepalive",
    "hz",
    "proto-max-bulk-len",
    "client-query-buffer-limit",
];

#[test]
fn config_get() {
    let mut d = Diff::new();
    d.expect(
        &["CONFIG", "GET", "port"],
        b"*2\r\n$4\r\nport\r\n$4\r\nPORT\r\n",
    );
    d.script(&[
        &["CONFIG", "GET", "bind"],
        &["CONFIG", "GET", "databases"],
        &["CONFIG", "GET", "PORT"],
        &["CONFIG", "GET", "nosuchparameter"],
        &["CONFIG", "GET", "maxclients"],
        &["CONFIG", "GET", "timeout"],
        &["CONFIG", "GET", "tcp-keepalive"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "GET", "proto-max-bulk-len"],
        &["CONFIG", "GET", "client-query-buffer-limit"],
        &["CONFIG", "GET", "protected-mode"],
        &["CONFIG", "GET", "loglevel"],
        &["CONFIG", "GET", "logfile"],
    ]);
    // Globs: compare the supported directives only, order-insensitively
    // (Redis returns glob matches in hash-table order).
    for pattern in ["*max*", "*", "p*", "?z", "*-*"] {
        let f = as_map(&d.fer.raw().cmd(&["CONFIG", "GET", pattern]));
        let r = as_map(&d.reference.raw().cmd(&["CONFIG", "GET", pattern]));
        for key in SUPPORTED {
            let (fv, rv) = (f.get(*key), r.get(*key));
            let same = match (*key, fv, rv) {
                ("port", Some(_), Some(_)) => true,
                ("dir", Some(_), Some(_)) => true,
                _ => fv == rv,
            };
            if !same {
                d.fail(format!(
                    "CONFIG GET {pattern}: {key}\n    ferrodis: {fv:?}\n    redis:    {rv:?}"
                ));
            }
        }
    }
    // Several patterns in one call (Redis 7.0).
    let f = as_map(&d.fer.raw().cmd(&["CONFIG", "GET", "timeout", "hz", "t*"]));
    let r = as_map(
        &d.reference
            .raw()
            .cmd(&["CONFIG", "GET", "timeout", "hz", "t*"]),
    );
    for key in ["timeout", "hz", "tcp-keepalive"] {
        if f.get(key) != r.get(key) {
            d.fail(format!(
                "CONFIG GET timeout hz t*: {key}\n    ferrodis: {:?}\n    redis:    {:?}",
                f.get(key),
                r.get(key)
            ));
        }
    }
    d.finish();
}

#[test]
fn config_set() {
    let mut d = Diff::new();
    d.script(&[
        &["CONFIG", "SET", "timeout", "10", "hz", "20"],
        &["CONFIG", "GET", "timeout"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "SET", "maxclients", "500"],
        &["CONFIG", "GET", "maxclients"],
        &["CONFIG", "SET", "loglevel", "warning"],
        &["CONFIG", "GET", "loglevel"],
        &["CONFIG", "SET", "loglevel", "bogus"],
        &["CONFIG", "SET", "tcp-keepalive", "60"],
        &["CONFIG", "SET", "proto-max-bulk-len", "2mb"],
        &["CONFIG", "GET", "proto-max-bulk-len"],
        &["CONFIG", "SET", "client-query-buffer-limit", "2gb"],
        &["CONFIG", "GET", "client-query-buffer-limit"],
        &["CONFIG", "SET", "foo", "bar"],
        &["CONFIG", "SET", "hz", "abc"],
        &["CONFIG", "SET", "timeout", "1", "timeout", "2"],
        &["CONFIG", "SET", "timeout", "-1"],
        &["CONFIG", "SET", "timeout", "5", "hz"],
        &["CONFIG", "SET", "timeout", "5", "foo", "bar"],
        &["CONFIG", "GET", "timeout"],
        &["CONFIG", "SET", "databases", "20"],
        &["CONFIG", "SET", "port", "abc"],
        &["CONFIG", "SET", "TIMEOUT", "7"],
        &["CONFIG", "GET", "timeout"],
        &["CONFIG", "SET", "hz", "0"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "SET", "protected-mode", "maybe"],
    ]);
    d.finish();
}

fn info_field(reply: &Resp, field: &str) -> Option<String> {
    let text = reply
        .bytes()
        .map(|b| String::from_utf8_lossy(b).into_owned())?;
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")).map(str::to_string))
}

#[test]
fn config_resetstat() {
    let mut d = Diff::new();
    for _ in 0..5 {
        d.cmd(&["PING"]);
    }
    d.expect(&["CONFIG", "RESETSTAT"], b"+OK\r\n");
    let (f, r) = d.conns();
    let fi = f.cmd(&["INFO", "stats"]);
    let ri = r.cmd(&["INFO", "stats"]);
    for field in [
        "total_commands_processed",
        "total_error_replies",
        "keyspace_hits",
    ] {
        let (fv, rv) = (info_field(&fi, field), info_field(&ri, field));
        if fv != rv {
            d.fail(format!(
                "after CONFIG RESETSTAT, INFO stats {field}: ferrodis {fv:?}, redis {rv:?}"
            ));
        }
    }
    d.cmd(&["CONFIG", "RESETSTAT", "x"]);
    d.finish();
}

#[test]
fn time_shape() {
    let mut d = Diff::new();
    let reply = d.cmd(&["TIME"]);
    let items = reply.items().to_vec();
    assert_eq!(items.len(), 2, "{reply}");
    let secs: u64 = items[0].text().parse().expect("seconds are digits");
    let micros: u64 = items[1].text().parse().expect("microseconds are digits");
    assert!(micros < 1_000_000, "{reply}");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(secs.abs_diff(now) < 60, "TIME {secs} far from now {now}");
    d.cmd(&["TIME", "x"]);
    d.finish();
}

const INFO_SECTIONS: &[(&str, &str)] = &[
    ("server", "Server"),
    ("clients", "Clients"),
    ("memory", "Memory"),
    ("persistence", "Persistence"),
    ("stats", "Stats"),
    ("replication", "Replication"),
    ("cpu", "CPU"),
    ("keyspace", "Keyspace"),
];

/// Fields the default INFO must carry (tools and clients read them).
const INFO_FIELDS: &[&str] = &[
    "redis_version",
    "redis_mode",
    "os",
    "arch_bits",
    "process_id",
    "tcp_port",
    "uptime_in_seconds",
    "connected_clients",
    "used_memory",
    "used_memory_human",
    "maxmemory",
    "maxmemory_policy",
    "loading",
    "rdb_changes_since_last_save",
    "aof_enabled",
    "total_connections_received",
    "total_commands_processed",
    "instantaneous_ops_per_sec",
    "keyspace_hits",
    "keyspace_misses",
    "role",
    "connected_slaves",
    "master_repl_offset",
    "used_cpu_sys",
    "used_cpu_user",
];

fn check_info_text(server: &Server, text: &str, problems: &mut Vec<String>) {
    if text.contains('\n') && text.replace("\r\n", "").contains('\n') {
        problems.push("INFO lines must end with CRLF".into());
    }
    for (section, header) in INFO_SECTIONS {
        if !text.contains(&format!("# {header}\r\n")) {
            problems.push(format!(
                "INFO lacks the `# {header}` header of section {section}"
            ));
        }
    }
    for field in INFO_FIELDS {
        if !text.contains(&format!("\r\n{field}:")) {
            problems.push(format!("INFO lacks field {field}"));
        }
    }
    let port_line = format!("\r\ntcp_port:{}\r\n", server.port());
    if !text.contains(&port_line) {
        problems.push(format!("INFO server lacks {port_line:?}"));
    }
    if !text.contains("\r\nrole:master\r\n") {
        problems.push("INFO replication lacks role:master".into());
    }
}

#[test]
fn info_sections() {
    let mut d = Diff::new();
    d.cmd(&["SET", "a", "1"]);
    let mut problems = Vec::new();
    let (f, _) = d.conns();
    let all = f.cmd(&["INFO"]);
    match all.bytes() {
        Some(t) => check_info_text(&d.fer, &String::from_utf8_lossy(t), &mut problems),
        None => problems.push(format!("INFO must be a bulk string, got {all}")),
    }
    let (f, _) = d.conns();
    let keyspace = f.cmd(&["INFO", "keyspace"]);
    let want = b"# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n".as_slice();
    if keyspace.bytes() != Some(want) {
        problems.push(format!("INFO keyspace: {keyspace}"));
    }
    // Section selection: each section alone starts with its header.
    for (section, header) in INFO_SECTIONS {
        let (f, _) = d.conns();
        let reply = f.cmd(&["INFO", section]);
        let ok = reply
            .bytes()
            .is_some_and(|t| t.starts_with(format!("# {header}\r\n").as_bytes()));
        if !ok {
            problems.push(format!(
                "INFO {section} must start with `# {header}`: {reply}"
            ));
        }
    }
    for p in problems {
        d.fail(p);
    }
    // Exact replies that do not depend on the process.
    d.cmd(&["INFO", "keyspace"]);
    d.cmd(&["INFO", "nosuchsection"]);
    d.cmd(&["SELECT", "5"]);
    d.cmd(&["SET", "b", "1"]);
    d.cmd(&["SET", "c", "1", "EX", "1000"]);
    d.cmd_with(&["INFO", "KEYSPACE"], |_, _, r| {
        // avg_ttl is a running estimate; keep keys/expires only.
        if let Resp::Bulk(Some(t)) = r {
            let s = String::from_utf8_lossy(t);
            let s: String = s
                .split_inclusive("\r\n")
                .map(|l| match l.find(",avg_ttl=") {
                    Some(i) => format!("{}\r\n", &l[..i]),
                    None => l.to_string(),
                })
                .collect();
            *t = s.into_bytes();
        }
    });
    d.finish();
}

#[test]
fn info_multiple_sections_and_everything() {
    let mut d = Diff::new();
    let (f, _) = d.conns();
    let both = f.cmd(&["INFO", "server", "keyspace"]);
    let text = both
        .bytes()
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .unwrap_or_default();
    if !(text.starts_with("# Server\r\n")
        && text.contains("# Keyspace\r\n")
        && !text.contains("# Clients"))
    {
        d.fail(format!(
            "INFO server keyspace must hold exactly those sections: {both}"
        ));
    }
    for arg in ["all", "everything", "default"] {
        let (f, _) = d.conns();
        let reply = f.cmd(&["INFO", arg]);
        let ok = reply.bytes().is_some_and(|t| {
            let t = String::from_utf8_lossy(t);
            INFO_SECTIONS
                .iter()
                .all(|(_, h)| t.contains(&format!("# {h}\r\n")))
        });
        if !ok {
            d.fail(format!(
                "INFO {arg} must include every default section: {reply}"
            ));
        }
    }
    d.finish();
}

#[test]
fn shutdown_nosave_exits() {
    for mut server in [Server::start(), Server::reference()] {
        let mut c = server.raw();
        let mut other = server.raw();
        c.send(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
        let rest = c.read_until_closed();
        assert!(
            rest.is_empty(),
            "{:?}: SHUTDOWN NOSAVE must close without a reply, got {}",
            server.flavor(),
            crate::common::escape(&rest)
        );
        other.read_closed();
        assert!(
            server.wait_exit(Duration::from_secs(10)),
            "{:?} still running after SHUTDOWN NOSAVE",
            server.flavor()
        );
    }
}

#[test]
fn shutdown_errors() {
    diff!(
        ["SHUTDOWN", "FOO"],
        ["SHUTDOWN", "NOSAVE", "SAVE"],
        ["PING"]
    );
}

#[test]
fn normalizer_masks_client_fields() {
    // Unit check of the harness normalizer used by the CLIENT tests.
    let t = norm::client_text(b"id=7 addr=1.2.3.4:5 name=x age=3 cmd=client|info\n");
    assert_eq!(t, b"id=* addr=* name=x age=* cmd=client|info\n");
}
