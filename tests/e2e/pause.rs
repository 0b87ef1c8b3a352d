//! CLIENT PAUSE / UNPAUSE and CLIENT REPLY: errors and reply suppression
//! differential against redis-server 7.0; what a pause holds and releases,
//! on both servers with the same clients and timings.

use std::time::Duration;

use crate::common::{Diff, RawConn, Server};

#[test]
fn errors_and_reply_modes() {
    let mut d = Diff::new();
    for proto in ["2", "3"] {
        d.cmd(&["HELLO", proto]);
        d.script(&[
            &["CLIENT", "PAUSE", "abc"],
            &["CLIENT", "PAUSE", "-1"],
            &["CLIENT", "PAUSE", "100", "foo"],
            &["CLIENT", "PAUSE", "100", "write", "extra"],
            &["CLIENT", "PAUSE"],
            &["CLIENT", "UNPAUSE", "x"],
            &["CLIENT", "REPLY"],
            &["CLIENT", "REPLY", "maybe"],
            &["CLIENT", "REPLY", "ON"],
            &["CLIENT", "PAUSE", "0"],
            &["CLIENT", "PAUSE", "0", "WRITE"],
            &["SET", "a", "1"],
            &["CLIENT", "UNPAUSE"],
        ]);
        d.raw(
            b"CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nINCR a\r\nNOSUCH\r\nCLIENT REPLY ON\r\nGET a\r\n",
            2,
        );
        d.raw(b"CLIENT REPLY SKIP\r\nGET a\r\nINCR a\r\nGET a\r\n", 2);
        d.raw(b"CLIENT REPLY SKIP\r\nNOSUCH\r\nPING\r\n", 1);
        d.raw(
            b"CLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nGET a\r\nCLIENT REPLY ON\r\nGET a\r\n",
            2,
        );
        d.raw(
            b"CLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nGET a\r\nPING\r\n",
            1,
        );
    }
    d.finish();
}

/// Sends `argv` and checks it gets no reply for a while.
fn held(c: &mut RawConn, argv: &[&str]) {
    c.send(&resp(argv));
    assert!(
        c.silent_for(Duration::from_millis(150)),
        "{argv:?} ran during the pause"
    );
}

fn resp(argv: &[&str]) -> Vec<u8> {
    let mut b = format!("*{}\r\n", argv.len()).into_bytes();
    for a in argv {
        b.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
    }
    b
}

/// What WRITE and ALL hold, how UNPAUSE and the deadline release it, and
/// that held commands then run in order, on both servers.
#[test]
fn pause_holds_and_releases() {
    for server in [Server::start(), Server::reference()] {
        let mut admin = server.raw();
        let (mut w, mut r) = (server.raw(), server.raw());
        assert_eq!(
            admin.cmd(&["CLIENT", "PAUSE", "20000", "WRITE"]).text(),
            "OK"
        );
        // Reads run; writes, PUBLISH, scripts that may write and EXEC of a
        // write wait.
        assert_eq!(r.cmd(&["GET", "k"]).bytes(), None);
        assert_eq!(
            r.cmd(&["EVAL", "#!lua flags=no-writes\nreturn 7", "0"])
                .int(),
            7
        );
        held(&mut w, &["SET", "k", "v"]);
        let mut p = server.raw();
        held(&mut p, &["PUBLISH", "ch", "m"]);
        let mut e = server.raw();
        held(&mut e, &["EVAL", "return redis.call('incr', 'n')", "0"]);
        let mut m = server.raw();
        assert_eq!(m.cmd(&["MULTI"]).text(), "OK");
        held(&mut m, &["INCR", "n"]);
        // Blocked commands show as blocked.
        let info = r.cmd(&["INFO", "clients"]).text();
        assert!(info.contains("blocked_clients:4"), "{info}");
        assert_eq!(r.cmd(&["GET", "k"]).bytes(), None);
        assert_eq!(admin.cmd(&["CLIENT", "UNPAUSE"]).text(), "OK");
        assert_eq!(w.read().text(), "OK");
        assert_eq!(p.read().int(), 0);
        assert_eq!(e.read().int(), 1);
        assert_eq!(m.read().text(), "QUEUED");
        let exec = m.cmd(&["EXEC"]);
        assert_eq!(
            exec.items().iter().map(|x| x.int()).collect::<Vec<_>>(),
            [2]
        );
        assert_eq!(r.cmd(&["GET", "k"]).text(), "v");

        // ALL holds everything, CLIENT UNPAUSE included; the deadline ends it.
        assert_eq!(admin.cmd(&["CLIENT", "PAUSE", "400", "ALL"]).text(), "OK");
        held(&mut r, &["GET", "k"]);
        held(&mut w, &["CLIENT", "UNPAUSE"]);
        assert_eq!(r.read().text(), "v");
        assert_eq!(w.read().text(), "OK");

        // A later, longer pause extends the one in effect.
        assert_eq!(admin.cmd(&["CLIENT", "PAUSE", "100", "WRITE"]).text(), "OK");
        assert_eq!(admin.cmd(&["CLIENT", "PAUSE", "600", "WRITE"]).text(), "OK");
        w.send(&resp(&["SET", "k", "late"]));
        assert!(w.silent_for(Duration::from_millis(300)));
        assert_eq!(w.read().text(), "OK");
        // Expiry waits for the pause: the key reads as gone but stays.
        assert_eq!(admin.cmd(&["SET", "tmp", "v", "PX", "50"]).text(), "OK");
        let before = admin.cmd(&["DBSIZE"]).int();
        assert_eq!(
            admin.cmd(&["CLIENT", "PAUSE", "20000", "WRITE"]).text(),
            "OK"
        );
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(r.cmd(&["GET", "tmp"]).bytes(), None);
        assert_eq!(r.cmd(&["DBSIZE"]).int(), before);
        assert_eq!(admin.cmd(&["CLIENT", "UNPAUSE"]).text(), "OK");
        assert_eq!(r.cmd(&["GET", "tmp"]).bytes(), None);
        assert_eq!(r.cmd(&["DBSIZE"]).int(), before - 1);

        // CLIENT UNBLOCK does not release a held command. (Redis 7.0.15
        // crashes on it: ferrodis only.)
        if server.flavor() != crate::common::server::Flavor::Ferrodis {
            continue;
        }
        assert_eq!(
            admin.cmd(&["CLIENT", "PAUSE", "20000", "WRITE"]).text(),
            "OK"
        );
        w.send(&resp(&["DEL", "k"]));
        assert!(w.silent_for(Duration::from_millis(100)));
        let id = w_id(&server, &mut r);
        assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id.to_string()]).int(), 1);
        assert!(w.silent_for(Duration::from_millis(100)));
        assert_eq!(admin.cmd(&["CLIENT", "UNPAUSE"]).text(), "OK");
        assert_eq!(w.read().int(), 1);
    }
}

/// The id of the client that is blocked (the only one).
fn w_id(_server: &Server, c: &mut RawConn) -> i64 {
    let list = c.cmd(&["CLIENT", "LIST"]).text();
    list.lines()
        .find(|l| l.contains(" flags=b "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|f| f.strip_prefix("id="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no blocked client in {list}"))
}
