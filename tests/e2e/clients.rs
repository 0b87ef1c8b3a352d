//! Real clients against the real binary: the Rust `redis` crate, redis-cli
//! (one-shot and interactive, with its hints) and redis-py.

use std::process::{Command, Stdio};

use redis::Commands;

use crate::common::{python, redis_cli, Server};

#[test]
fn rust_redis_crate_basics() {
    let server = Server::start();
    let mut con = server.client();
    let _: () = con.set("a", "1").unwrap();
    let v: Option<String> = con.get("a").unwrap();
    assert_eq!(v.as_deref(), Some("1"));
    let missing: Option<String> = con.get("missing").unwrap();
    assert_eq!(missing, None);
    let n: i64 = con.exists(&["a", "a", "missing"]).unwrap();
    assert_eq!(n, 2);
    let n: i64 = con.del(&["a", "missing"]).unwrap();
    assert_eq!(n, 1);
    let e: bool = con.exists("a").unwrap();
    assert!(!e);
    let pong: String = redis::cmd("PING").query(&mut con).unwrap();
    assert_eq!(pong, "PONG");
    let err = redis::cmd("GET").query::<String>(&mut con).unwrap_err();
    assert!(
        err.to_string().contains("wrong number of arguments"),
        "{err}"
    );
}

#[test]
fn rust_redis_crate_pipeline_of_100() {
    let server = Server::start();
    let mut con = server.client();
    let mut pipe = redis::pipe();
    for i in 0..50 {
        pipe.cmd("SET").arg(format!("k{i}")).arg(i).ignore();
        pipe.cmd("GET").arg(format!("k{i}"));
    }
    let got: Vec<i64> = pipe.query(&mut con).unwrap();
    assert_eq!(got, (0..50).collect::<Vec<i64>>());
    let size: i64 = redis::cmd("DBSIZE").query(&mut con).unwrap();
    assert_eq!(size, 50);
}

fn cli_outputs(port: u16) -> Vec<String> {
    let cases: &[&[&str]] = &[
        &["ping"],
        &["set", "k", "v"],
        &["get", "k"],
        &["--raw", "get", "k"],
        &["--no-raw", "get", "k"],
        &["--no-raw", "get", "nokey"],
        &["--no-raw", "exists", "k", "nokey"],
        &["--no-raw", "echo", "two words"],
        &["--no-raw", "foo"],
        &["--no-raw", "config", "get", "timeout"],
        &["-n", "3", "set", "in3", "x"],
        &["-n", "3", "dbsize"],
        &["dbsize"],
        &["-3", "--no-raw", "get", "nokey"],
        &["-3", "--no-raw", "config", "get", "timeout"],
    ];
    cases
        .iter()
        .map(|args| {
            let out = redis_cli(port, args);
            format!(
                "redis-cli {}\n  status: {}\n  stdout: {:?}\n  stderr: {:?}",
                args.join(" "),
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .collect()
}

#[test]
fn redis_cli_one_shot() {
    let server = Server::start();
    let reference = Server::reference();
    assert_eq!(redis_cli(server.port(), &["ping"]).stdout, b"PONG\n");
    let ours = cli_outputs(server.port());
    let theirs = cli_outputs(reference.port());
    let diffs: Vec<String> = ours
        .iter()
        .zip(&theirs)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("ferrodis: {a}\nredis:    {b}"))
        .collect();
    assert!(
        diffs.is_empty(),
        "redis-cli output differs:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn redis_cli_reads_commands_from_stdin() {
    let server = Server::start();
    let out = Command::new("redis-cli")
        .args(["-p", &server.port().to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(b"SET a 1\nGET\nGET a\nPING\n")?;
            c.wait_with_output()
        })
        .expect("redis-cli");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("OK\n"), "{text}");
    assert!(text.ends_with("1\nPONG\n"), "{text}");
}

/// Types each of `inputs` into one interactive redis-cli session under a
/// pseudo-terminal (clearing the line with Ctrl-U in between) and returns
/// what appeared on screen after each, with the port masked.
fn interactive_screens(port: u16, inputs: &[&str]) -> Vec<String> {
    let script = format!(
        r#"
import os, pty, time, select, signal, fcntl, termios, struct, json
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm'
    os.execvp('redis-cli', ['redis-cli', '-h', '127.0.0.1', '-p', str(PORT)])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 250, 0, 0))
def read(until=None, timeout=5.0, idle=0.3):
    out = b''
    end = time.time() + timeout
    last = time.time()
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                break
            if not d:
                break
            out += d
            last = time.time()
            if until is not None and until in out:
                break
        elif until is None and out and time.time() - last > idle:
            break
    return out
read(until=b'> ')
screens = []
for typed in {inputs:?}:
    for ch in typed:
        os.write(fd, ch.encode())
        time.sleep(0.005)
    screens.append(read().decode('latin-1').replace(str(PORT), 'PORT'))
    os.write(fd, b'\x15')
    read()
os.write(fd, b'quit\r')
read(timeout=1.0)
try:
    os.kill(pid, signal.SIGKILL)
except OSError:
    pass
os.waitpid(pid, 0)
print(json.dumps(screens))
"#
    );
    let out = python(port, &script);
    let line = out.lines().last().unwrap_or_default();
    // A tiny JSON list-of-strings decoder is not worth a dependency: the
    // comparison only needs equality, so compare the JSON text per item.
    split_json_strings(line)
}

/// Splits a JSON array of strings into the raw (still escaped) items.
fn split_json_strings(json: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let (mut in_str, mut esc) = (false, false);
    for c in json.chars() {
        if in_str {
            if esc {
                esc = false;
                cur.push(c);
            } else if c == '\\' {
                esc = true;
                cur.push(c);
            } else if c == '"' {
                in_str = false;
                items.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_str = true;
        }
    }
    items
}

#[test]
fn redis_cli_interactive_hints() {
    let server = Server::start();
    let reference = Server::reference();
    let inputs = ["SET ", "get ", "CLIENT SETNAME ", "CONFIG SET ", "hello "];
    let (ours, theirs) = std::thread::scope(|s| {
        let a = s.spawn(|| interactive_screens(server.port(), &inputs));
        let b = s.spawn(|| interactive_screens(reference.port(), &inputs));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(theirs.len(), inputs.len(), "{theirs:?}");
    assert!(
        theirs[0].contains("key value [NX|XX] [GET]"),
        "reference hint for SET not found: {:?}",
        theirs[0]
    );
    assert!(
        ours[0].contains("key value [NX|XX] [GET]"),
        "ferrodis: redis-cli shows no hint for SET: {:?}",
        ours[0]
    );
    for ((typed, o), t) in inputs.iter().zip(&ours).zip(&theirs) {
        assert_eq!(
            o, t,
            "redis-cli shows a different screen after typing {typed:?}\nferrodis: {o}\nredis:    {t}"
        );
    }
}

#[test]
fn redis_py_basics() {
    let server = Server::start();
    let out = python(
        server.port(),
        r#"
r = redis.Redis(host='127.0.0.1', port=PORT)
assert r.ping() is True
assert r.set('k', 'v') is True
assert r.get('k') == b'v'
assert r.get('missing') is None
assert r.exists('k', 'missing') == 1
assert r.delete('k') == 1
info = r.info()
assert isinstance(info, dict) and 'redis_version' in info, info
assert info['tcp_port'] == PORT, info.get('tcp_port')
assert r.config_get('port') == {'port': str(PORT)}, r.config_get('port')
assert r.client_setname('py-name') is True
assert r.client_getname() in ('py-name', b'py-name'), r.client_getname()
assert isinstance(r.client_id(), int)
p = r.pipeline(transaction=False)
p.set('a', 1)
p.get('a')
p.exists('a')
p.delete('a')
p.dbsize()
assert p.execute() == [True, b'1', 1, 1, 0], p.execute()
r.set('x', 'y')
assert r.info('keyspace') == {'db0': {'keys': 1, 'expires': 0, 'avg_ttl': 0}}, r.info('keyspace')
try:
    r.execute_command('NOSUCHCOMMAND')
    raise SystemExit('expected an error')
except redis.ResponseError as e:
    assert "unknown command 'NOSUCHCOMMAND'" in str(e), str(e)
print('ok')
"#,
    );
    assert_eq!(out.trim(), "ok");
}

#[test]
fn redis_py_resp3() {
    let server = Server::start();
    let out = python(
        server.port(),
        r#"
r = redis.Redis(host='127.0.0.1', port=PORT, protocol=3)
assert r.ping() is True
assert r.set('k', 'v') is True
assert r.get('k') == b'v'
assert r.get('nope') is None
assert r.config_get('timeout') == {'timeout': '0'} or r.config_get('timeout') == {b'timeout': b'0'}, r.config_get('timeout')
assert 'redis_version' in r.info()
print('ok')
"#,
    );
    assert_eq!(out.trim(), "ok");
}
