//! Authentication, ACL and protected mode: differential against
//! redis-server 7.0 configured the same way, plus real clients (redis-cli
//! with -a and --user/--pass, redis-py with password= and username=).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::common::diff::Side;
use crate::common::{encode_request, python, redis_cli, Diff, Resp, Server};

/// ACL LIST / GETUSER: Redis prints the single-command part of a rule
/// list in its command hash table's order, which changes from process to
/// process; compare each run of `+cmd`/`-cmd` words sorted.
fn acl_rules(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    let is_acl = argv.first().is_some_and(|a| a.eq_ignore_ascii_case(b"ACL"));
    if !is_acl {
        return;
    }
    r.walk_mut(&mut |v| {
        if let Resp::Bulk(Some(text)) = v {
            let s = String::from_utf8_lossy(text).into_owned();
            let words: Vec<&str> = s.split(' ').collect();
            let mut out: Vec<String> = Vec::new();
            let mut run: Vec<String> = Vec::new();
            for w in words {
                let single = (w.starts_with('+') || w.starts_with('-')) && !w.contains('@');
                if single {
                    run.push(w.to_string());
                } else {
                    run.sort();
                    out.append(&mut run);
                    out.push(w.to_string());
                }
            }
            run.sort();
            out.append(&mut run);
            *text = out.join(" ").into_bytes();
        }
    });
}

/// ACL LOG: the age and the client line differ between the servers.
fn acl_log(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
    if argv.len() >= 2 && argv[1].eq_ignore_ascii_case(b"LOG") {
        r.walk_mut(&mut |v| {
            crate::common::norm::map_values(v, &["age-seconds", "client-info"], Resp::bulk("*"))
        });
    }
}

#[test]
fn requirepass_auth_errors() {
    let mut d = Diff::with_args(&["--requirepass", "pw"]);
    d.expect(&["PING"], b"-NOAUTH Authentication required.\r\n");
    d.expect(&["GET", "x"], b"-NOAUTH Authentication required.\r\n");
    d.expect(
        &["AUTH", "wrong"],
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    );
    d.cmd(&["AUTH", "default", "wrong"]);
    d.cmd(&["AUTH", "nosuch", "pw"]);
    d.cmd(&["AUTH"]);
    d.cmd(&["AUTH", "a", "b", "c"]);
    d.cmd(&["HELLO", "2", "AUTH", "default", "bad"]);
    d.cmd(&["ACL", "WHOAMI"]);
    d.expect(&["AUTH", "pw"], b"+OK\r\n");
    d.cmd(&["ACL", "WHOAMI"]);
    d.cmd(&["ACL", "USERS"]);
    d.cmd(&["ACL", "LIST"]);
    d.cmd(&["ACL", "GETUSER", "default"]);
    d.cmd(&["AUTH", "default", "pw"]);
    d.cmd(&["HELLO", "3", "AUTH", "default", "pw"]);
    d.cmd(&["ACL", "GETUSER", "default"]);
    d.cmd(&["ACL", "GETUSER", "nosuch"]);
    d.cmd(&["CONFIG", "GET", "requirepass"]);
    // RESET drops the authentication.
    d.cmd(&["RESET"]);
    d.cmd(&["PING"]);
    d.finish();
}

#[test]
fn auth_without_password_configured() {
    let mut d = Diff::new();
    d.expect(&["AUTH", "x"], b"-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n");
    // The default user has nopass: any password opens it.
    d.expect(&["AUTH", "default", "anything"], b"+OK\r\n");
    d.cmd(&["AUTH", "nosuch", "x"]);
    d.cmd(&["ACL", "LIST"]);
    d.cmd(&["ACL", "GETUSER", "default"]);
    d.finish();
}

#[test]
fn config_set_requirepass_maps_to_default_user() {
    let mut d = Diff::new();
    d.cmd(&["CONFIG", "SET", "requirepass", "s3cret"]);
    // This connection authenticated when no password was needed.
    d.cmd(&["PING"]);
    d.cmd(&["ACL", "LIST"]);
    d.reconnect();
    d.cmd(&["PING"]);
    d.cmd(&["AUTH", "s3cret"]);
    d.cmd(&["CONFIG", "SET", "requirepass", ""]);
    d.cmd(&["ACL", "LIST"]);
    d.reconnect();
    d.cmd(&["PING"]);
    d.finish();
}

#[test]
fn acl_setuser_rules_and_errors() {
    let mut d = Diff::new();
    d.normalize(acl_rules);
    let ok: &[&[&str]] = &[
        &[
            "alice", "on", ">p1", "~foo:*", "%R~bar*", "+get", "+@hash", "-hset", "&chan",
        ],
        &["bob"],
        &["t", "reset", "+@all", "-@dangerous"],
        &["t2", "reset", "%W~a", "%R~a", "~b", "%RW~c", "%R~d"],
        &["t3", "reset", "~a", "~a", "&x", "&x"],
        &["t4", "reset", "&a", "&*"],
        &["t5", "reset", ">a", ">a", ">b", "<a"],
        &["t6", "reset", ">a", "nopass"],
        &["t7", "reset", "nopass", ">a"],
        &[
            "t8",
            "reset",
            "on",
            "#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
        ],
        &["t9", "reset", "+@all", "-@all", "+@all"],
        &["t10", "reset", "+client", "-client|kill"],
        &["t11", "reset", "+client|list", "-client"],
        &["t12", "reset", "+select|0", "+select|1"],
        &["t13", "reset", "allkeys", "resetkeys", "~x"],
        &[
            "t14",
            "reset",
            "skip-sanitize-payload",
            "allchannels",
            "allkeys",
        ],
        &["t15", "reset", "%R"],
        &["t16", "reset", "(+get ~x)", "(~y", "+set)"],
        &["t17", "reset", "ON", "+@ALL", "+GET"],
        &["t18", "reset", "+@all", "-get", "-set"],
        &["t19", "reset", "+@string", "-get"],
    ];
    for rules in ok {
        let mut argv = vec!["ACL", "SETUSER"];
        argv.extend_from_slice(rules);
        d.expect(&argv, b"+OK\r\n");
        d.cmd(&["ACL", "GETUSER", rules[0]]);
    }
    d.cmd(&["ACL", "LIST"]);
    d.cmd(&["ACL", "USERS"]);
    let bad: &[&str] = &[
        "foo",
        "+nosuch",
        "-nosuch",
        "+@nosuch",
        "+get|",
        "-select|0",
        "+client|nosuch",
        "+client|list|x",
        "+get|a|b",
        "%X~a",
        "%~a",
        "#abc",
        "<nothere",
        "!abc",
    ];
    for rule in bad {
        d.cmd(&["ACL", "SETUSER", "bad", rule]);
    }
    d.cmd(&["ACL", "SETUSER", "bad", "(+get"]);
    d.cmd(&["ACL", "SETUSER", "t14", "~x"]);
    d.cmd(&["ACL", "SETUSER", "t14", "&x"]);
    // A failed SETUSER creates nothing.
    d.cmd(&["ACL", "GETUSER", "bad"]);
    d.cmd(&["ACL", "SETUSER", "u", ">x", "foo"]);
    d.cmd(&["ACL", "GETUSER", "u"]);
    d.cmd(&["ACL", "DELUSER", "default"]);
    d.cmd(&["ACL", "DELUSER", "nosuch", "t", "t2"]);
    d.cmd(&["ACL", "USERS"]);
    d.cmd(&["HELLO", "3"]);
    d.cmd(&["ACL", "GETUSER", "alice"]);
    d.cmd(&["ACL", "GETUSER", "t16"]);
    d.cmd(&["ACL", "GETUSER", "nosuch"]);
    d.finish();
}

#[test]
fn acl_misc_subcommands() {
    let mut d = Diff::new();
    d.cmd(&["ACL", "CAT"]);
    d.cmd(&["ACL", "CAT", "nosuch"]);
    d.cmd(&["ACL", "LOAD"]);
    d.cmd(&["ACL", "SAVE"]);
    d.cmd(&["ACL", "GENPASS", "0"]);
    d.cmd(&["ACL", "GENPASS", "5000"]);
    d.cmd(&["ACL", "GENPASS", "x"]);
    d.cmd(&["ACL", "NOSUCH"]);
    d.cmd(&["ACL"]);
    d.cmd(&["ACL", "WHOAMI", "x"]);
    d.cmd(&["ACL", "LOG"]);
    d.cmd(&["ACL", "LOG", "RESET"]);
    d.cmd(&["ACL", "LOG", "x"]);
    d.cmd(&["CLIENT", "KILL", "USER", "nosuch"]);
    d.cmd(&["CLIENT", "KILL", "USER", "default", "SKIPME", "yes"]);
    let (f, _) = d.conns();
    for (bits, len) in [
        (None, 64usize),
        (Some("5"), 2),
        (Some("128"), 32),
        (Some("4096"), 1024),
    ] {
        let mut argv = vec!["ACL", "GENPASS"];
        argv.extend(bits);
        let r = f.cmd(&argv);
        let p = r.bytes().expect("genpass bulk").to_vec();
        assert_eq!(p.len(), len, "{argv:?}");
        assert!(p.iter().all(|c| c.is_ascii_hexdigit()));
    }
    d.finish();
}

#[test]
fn acl_cat_category_is_a_subset_of_redis() {
    // Redis lists a category's commands in hash order and has commands we
    // may not; every command we list must be in Redis's list.
    let d = Diff::new();
    let (mut f, mut r) = d.new_conns();
    for cat in [
        "connection",
        "keyspace",
        "string",
        "hash",
        "dangerous",
        "fast",
        "write",
    ] {
        let names = |c: &mut crate::common::RawConn| -> Vec<Vec<u8>> {
            match c.cmd(&["ACL", "CAT", cat]) {
                Resp::Array(Some(v)) => v
                    .iter()
                    .filter_map(|x| x.bytes().map(<[u8]>::to_vec))
                    .collect(),
                other => panic!("ACL CAT {cat}: {other:?}"),
            }
        };
        let ours = names(&mut f);
        let theirs = names(&mut r);
        assert!(!ours.is_empty(), "{cat} empty");
        // CLIENT SETINFO is Redis 7.2's, offered here early.
        for n in ours.iter().filter(|n| n.as_slice() != b"client|setinfo") {
            assert!(
                theirs.contains(n),
                "ACL CAT {cat}: {} is not in Redis's list",
                String::from_utf8_lossy(n)
            );
        }
    }
}

#[test]
fn noperm_command_key_and_first_arg() {
    let mut d = Diff::new();
    d.normalize(acl_log);
    d.cmd(&[
        "ACL",
        "SETUSER",
        "v",
        "on",
        ">pw",
        "~k*",
        "%R~r*",
        "%W~w*",
        "+get",
        "+set",
        "+mget",
        "+copy",
        "+client|list",
        "+acl|whoami",
        "+select|1",
        "+exists",
        "+del",
    ]);
    d.cmd(&["ACL", "LOG", "RESET"]);
    d.cmd(&["SET", "r1", "x"]);
    d.cmd(&["AUTH", "v", "pw"]);
    d.cmd(&["ACL", "WHOAMI"]);
    d.cmd(&["GET", "k1"]);
    d.expect(
        &["GET", "x"],
        b"-NOPERM this user has no permissions to access one of the keys used as arguments\r\n",
    );
    d.cmd(&["SET", "r1", "1"]);
    d.cmd(&["GET", "w1"]);
    d.cmd(&["SET", "w1", "1"]);
    d.expect(
        &["INCR", "k"],
        b"-NOPERM this user has no permissions to run the 'incr' command\r\n",
    );
    d.cmd(&["CLIENT", "KILL", "ID", "1"]);
    d.cmd(&["ACL", "USERS"]);
    d.cmd(&["SELECT", "1"]);
    d.cmd(&["SELECT", "2"]);
    d.cmd(&["SELECT", "0"]);
    d.cmd(&["MGET", "k1", "x"]);
    d.cmd(&["MGET", "k1", "r2", "w3"]);
    d.cmd(&["COPY", "r1", "w1"]);
    d.cmd(&["EXISTS", "k1", "r1", "w1"]);
    d.cmd(&["DEL", "r1"]);
    d.cmd(&["DEL", "w1"]);
    d.cmd(&["CONFIG", "GET", "x"]);
    d.cmd(&["NOSUCH"]);
    d.cmd(&["GET"]);
    d.cmd(&["PING"]);
    d.cmd(&["AUTH", "default", "x"]);
    d.cmd(&["ACL", "WHOAMI"]);
    d.cmd(&["CLIENT", "INFO"]);
    d.cmd(&["ACL", "LOG", "2"]);
    d.cmd(&["ACL", "LOG"]);
    d.cmd(&["ACL", "DRYRUN", "v", "get", "x"]);
    d.cmd(&["ACL", "DRYRUN", "v", "get", "k1"]);
    d.cmd(&["ACL", "DRYRUN", "v", "incr", "k1"]);
    d.cmd(&["ACL", "DRYRUN", "v", "client", "list"]);
    d.cmd(&["ACL", "DRYRUN", "v", "client", "kill", "id", "1"]);
    d.cmd(&["ACL", "DRYRUN", "nosuch", "get", "x"]);
    d.cmd(&["ACL", "DRYRUN", "v", "nosuch"]);
    d.cmd(&["ACL", "DRYRUN", "v", "get"]);
    d.cmd(&["ACL", "DRYRUN", "default", "get", "x"]);
    d.finish();
}

#[test]
fn disabled_and_deleted_users() {
    let mut d = Diff::new();
    d.cmd(&["ACL", "SETUSER", "w", "on", ">pw", "+@all", "~*"]);
    let (mut f2, mut r2) = d.new_conns();
    for c in [&mut f2, &mut r2] {
        assert_eq!(c.cmd(&["AUTH", "w", "pw"]), Resp::Simple(b"OK".to_vec()));
    }
    d.cmd(&["ACL", "SETUSER", "w", "off"]);
    d.cmd(&["AUTH", "w", "pw"]);
    // Turning a user off keeps its connections.
    for c in [&mut f2, &mut r2] {
        assert_eq!(c.cmd(&["ACL", "WHOAMI"]), Resp::bulk("w"));
    }
    d.cmd(&["ACL", "DELUSER", "w"]);
    // Deleting it closes them.
    for c in [&mut f2, &mut r2] {
        c.send(&encode_request(&["PING"]));
        assert_eq!(c.read_until_closed(), b"");
    }
    d.cmd(&["ACL", "USERS"]);
    d.finish();
}

#[test]
fn client_list_shows_the_user() {
    let mut d = Diff::new();
    d.cmd(&["ACL", "SETUSER", "alice", "on", "nopass", "+@all", "~*"]);
    d.cmd(&["AUTH", "alice", "x"]);
    d.cmd(&["CLIENT", "INFO"]);
    d.cmd(&["CLIENT", "LIST"]);
    d.cmd(&["CLIENT", "KILL", "USER", "alice", "SKIPME", "yes"]);
    d.finish();
}

#[test]
fn user_directive_in_config_file() {
    let dir = std::env::temp_dir().join(format!("ferrodis-auth-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let conf = dir.join("users.conf");
    std::fs::write(
        &conf,
        "requirepass ignored\nuser alice on >secret ~app:* +@read +@string\nuser default on >dpw ~* &* +@all\nuser bob off\n",
    )
    .expect("write conf");
    let conf = conf.display().to_string();
    let mut d = Diff::with_args(&[&conf]);
    d.normalize(acl_rules);
    d.cmd(&["PING"]);
    d.cmd(&["AUTH", "ignored"]);
    d.cmd(&["AUTH", "dpw"]);
    d.cmd(&["ACL", "LIST"]);
    d.cmd(&["AUTH", "alice", "secret"]);
    d.cmd(&["SET", "app:1", "v"]);
    d.cmd(&["GET", "app:1"]);
    d.cmd(&["GET", "other"]);
    d.cmd(&["HSET", "app:h", "f", "v"]);
    d.cmd(&["AUTH", "bob", ""]);
    d.finish();
}

#[test]
fn bad_user_directive_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("ferrodis-auth-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let conf = dir.join("bad.conf");
    std::fs::write(&conf, "user alice on +nosuch\n").expect("write conf");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrodis"))
        .arg(&conf)
        .args(["--port", "0"])
        .output()
        .expect("run ferrodis");
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Error in user declaration 'alice'")
            && text.contains("Unknown command or category name in ACL"),
        "{text}"
    );
}

#[test]
fn masterauth_and_masteruser_are_stored() {
    let mut d = Diff::with_args(&["--masterauth", "mpw", "--masteruser", "repl"]);
    d.cmd(&["CONFIG", "GET", "masterauth"]);
    d.cmd(&["CONFIG", "GET", "masteruser"]);
    d.cmd(&["CONFIG", "SET", "masterauth", "other"]);
    d.cmd(&["CONFIG", "GET", "master*"]);
    d.finish();
}

#[test]
fn redis_cli_password_and_user() {
    let s = Server::start_with(&["--requirepass", "pw"]);
    let port = s.port();
    let out = redis_cli(port, &["-a", "pw", "--no-auth-warning", "PING"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "PONG\n");
    let out = redis_cli(port, &["PING"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("NOAUTH"));
    let out = redis_cli(
        port,
        &[
            "-a",
            "pw",
            "--no-auth-warning",
            "ACL",
            "SETUSER",
            "carol",
            "on",
            ">cpw",
            "+@all",
            "~*",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\n");
    let out = redis_cli(
        port,
        &[
            "--user",
            "carol",
            "--pass",
            "cpw",
            "--no-auth-warning",
            "ACL",
            "WHOAMI",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "carol\n");
    let out = redis_cli(
        port,
        &[
            "--user",
            "carol",
            "--pass",
            "bad",
            "--no-auth-warning",
            "PING",
        ],
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("WRONGPASS") || text.contains("NOAUTH"),
        "{text}"
    );
}

#[test]
fn redis_py_password_and_username() {
    let s = Server::start_with(&["--requirepass", "pw"]);
    let out = python(
        s.port(),
        r#"
r = redis.Redis(port=PORT, password="pw")
print(r.ping())
r.acl_setuser("dave", enabled=True, passwords=["+dpw"], commands=["+@all"], keys=["*"])
u = redis.Redis(port=PORT, username="dave", password="dpw")
print(u.acl_whoami())
print(u.set("k", "v"), u.get("k"))
try:
    redis.Redis(port=PORT, username="dave", password="nope").ping()
except redis.exceptions.AuthenticationError as e:
    print("autherr")
try:
    redis.Redis(port=PORT).ping()
except redis.exceptions.AuthenticationError as e:
    print("noauth")
print(sorted(r.acl_users()))
print(r.acl_getuser("dave")["enabled"])
"#,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "True",
            "dave",
            "True b'v'",
            "autherr",
            "noauth",
            "['dave', 'default']",
            "True"
        ],
        "{out}"
    );
}

/// Connects from `src` to `dst` and returns everything the server sends
/// after PING, until it closes or a second passes.
fn ping_from(src: &str, dst: SocketAddr) -> Vec<u8> {
    let sock = socket2::Socket::new(
        socket2::Domain::for_address(dst),
        socket2::Type::STREAM,
        None,
    )
    .expect("socket");
    let ip: std::net::IpAddr = src.parse().expect("src addr");
    let src = SocketAddr::new(ip, 0);
    sock.bind(&src.into()).expect("bind source");
    sock.connect(&dst.into()).expect("connect");
    let mut s: TcpStream = sock.into();
    s.set_read_timeout(Some(Duration::from_secs(1)))
        .expect("timeout");
    let _ = s.write_all(b"PING\r\n");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.ends_with(b"+PONG\r\n") {
            break;
        }
    }
    out
}

#[test]
fn protected_mode_refuses_non_loopback_peers() {
    // Redis 7.0 counts only 127.0.0.1 and ::1 as local: a peer at
    // 127.0.0.2 is treated as remote, which lets us test for real.
    let d = Diff::with_args(&[
        "--bind",
        "127.0.0.1",
        "127.0.0.2",
        "--protected-mode",
        "yes",
    ]);
    let f = ping_from(
        "127.0.0.2",
        format!("127.0.0.2:{}", d.fer.port()).parse().expect("addr"),
    );
    let r = ping_from(
        "127.0.0.2",
        format!("127.0.0.2:{}", d.reference.port())
            .parse()
            .expect("addr"),
    );
    assert!(
        r.starts_with(b"-DENIED Redis is running in protected mode"),
        "{}",
        String::from_utf8_lossy(&r)
    );
    assert_eq!(String::from_utf8_lossy(&f), String::from_utf8_lossy(&r));
    // Loopback proper is still served.
    let ok = ping_from(
        "127.0.0.1",
        format!("127.0.0.1:{}", d.fer.port()).parse().expect("addr"),
    );
    assert_eq!(ok, b"+PONG\r\n");
    // With a password, remote peers may connect (and must AUTH).
    let d = Diff::with_args(&["--bind", "127.0.0.1", "127.0.0.2", "--requirepass", "pw"]);
    let f = ping_from(
        "127.0.0.2",
        format!("127.0.0.2:{}", d.fer.port()).parse().expect("addr"),
    );
    assert_eq!(f, b"-NOAUTH Authentication required.\r\n");
    // protected-mode no: anyone.
    let d = Diff::with_args(&["--bind", "127.0.0.1", "127.0.0.2", "--protected-mode", "no"]);
    let f = ping_from(
        "127.0.0.2",
        format!("127.0.0.2:{}", d.fer.port()).parse().expect("addr"),
    );
    assert_eq!(f, b"+PONG\r\n");
}

fn have_ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

#[test]
fn bind_several_addresses_with_ipv6_and_optional() {
    if !have_ipv6_loopback() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let s = Server::start_with(&["--bind", "127.0.0.1", "::1", "-10.254.254.254"]);
    let v6: SocketAddr = format!("[::1]:{}", s.port()).parse().expect("addr");
    assert_eq!(ping_from("::1", v6), b"+PONG\r\n");
    let v4: SocketAddr = format!("127.0.0.1:{}", s.port()).parse().expect("addr");
    assert_eq!(ping_from("127.0.0.1", v4), b"+PONG\r\n");
}
