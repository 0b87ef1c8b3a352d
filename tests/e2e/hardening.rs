//! Hardening: a bug in one command (a panic in its handler) costs that
//! command an error reply, never the process, the connection or the other
//! clients.

use crate::common::Server;

#[test]
fn a_panicking_command_answers_an_error_and_the_server_goes_on() {
    if crate::common::ferrodis_only("a_panicking_command_answers_an_error_and_the_server_goes_on") {
        return;
    }
    let s = Server::start_with(&["--enable-debug-command", "yes"]);
    let mut c = s.raw();
    let mut other = s.raw();
    // In a pipeline: the replies around the failed command stay intact and
    // nothing of its half-written reply (an array header) leaks out.
    c.send(b"SET a 1\r\nDEBUG COMMAND-PANIC\r\nGET a\r\n");
    assert_eq!(c.read().text(), "OK");
    let err = c.read().text_or_error();
    assert!(
        err.starts_with("ERR internal error while running 'debug'"),
        "{err}"
    );
    assert_eq!(c.read().text(), "1");
    assert_eq!(other.cmd(&["INCR", "n"]).int(), 1);
    // Inside EXEC: the other queued commands still run.
    c.cmd(&["MULTI"]);
    c.cmd(&["DEBUG", "COMMAND-PANIC"]);
    c.cmd(&["INCR", "n"]);
    let items = c.cmd(&["EXEC"]);
    let items = items.items();
    assert!(items[0].text_or_error().starts_with("ERR internal error"));
    assert_eq!(items[1].int(), 2);
    let info = other.cmd(&["INFO", "stats"]).text();
    assert!(info.contains("ferrodis_command_panics:2\r\n"), "{info}");
    assert!(s
        .log_text()
        .contains("command 'debug' panicked: DEBUG COMMAND-PANIC"));
}
