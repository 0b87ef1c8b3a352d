//! External clients (redis-cli, python3 + redis-py) and suite switches.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// True when `FERRODIS_BIN` is set, i.e. the suite is being validated
/// against some other binary (normally real redis-server).
pub fn testing_real_redis() -> bool {
    std::env::var("FERRODIS_BIN").is_ok_and(|s| !s.is_empty())
}

/// For tests of ferrodis-only behaviour: returns true (and says so) when the
/// test must be skipped because `FERRODIS_BIN` points at another binary.
pub fn ferrodis_only(test: &str) -> bool {
    if testing_real_redis() {
        eprintln!("{test}: ferrodis-only test skipped because FERRODIS_BIN is set");
        true
    } else {
        false
    }
}

fn cli_bin() -> String {
    std::env::var("REDIS_CLI_BIN")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "redis-cli".to_string())
}

/// Runs `redis-cli -p PORT args...` (no stdin) and returns its output.
pub fn redis_cli(port: u16, args: &[&str]) -> Output {
    Command::new(cli_bin())
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run redis-cli")
}

/// Runs `redis-cli -p PORT args...` and returns its stdout as text,
/// panicking if it failed.
pub fn redis_cli_ok(port: u16, args: &[&str]) -> String {
    let out = redis_cli(port, args);
    assert!(
        out.status.success(),
        "redis-cli {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a python3 snippet. The snippet sees `PORT` (int) and has `import
/// redis` done. Returns stdout; panics with stdout+stderr on failure.
pub fn python(port: u16, snippet: &str) -> String {
    let program = format!("import sys, redis\nPORT = {port}\n{snippet}\n");
    let mut child = Command::new("python3")
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(program.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python snippet failed ({}):\n--- program\n{program}\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
