//! Spawning servers on free loopback ports, and a raw RESP connection.

use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::resp::{self, encode_request, escape, ParseError, Resp};

/// How long a server may take to answer its first PING.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// Read timeout of test connections: a reply that does not come in this time
/// is a failure (never a timing assertion: replies normally take microseconds).
const IO_TIMEOUT: Duration = Duration::from_secs(10);

static SERVER_SEQ: AtomicUsize = AtomicUsize::new(0);

/// Which implementation a `Server` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The binary under test: `FERRODIS_BIN` or the ferrodis built by cargo.
    Ferrodis,
    /// Real redis-server 7.0 (`REDIS_SERVER_BIN` or `redis-server` on PATH).
    Reference,
}

impl Flavor {
    pub fn binary(self) -> String {
        match self {
            Flavor::Ferrodis => std::env::var("FERRODIS_BIN")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| env!("CARGO_BIN_EXE_ferrodis").to_string()),
            Flavor::Reference => std::env::var("REDIS_SERVER_BIN")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "redis-server".to_string()),
        }
    }
}

/// A running server process on its own loopback port; killed on drop.
pub struct Server {
    child: Child,
    port: u16,
    flavor: Flavor,
    dir: PathBuf,
    log: PathBuf,
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().unwrap().port()
}

/// Outcome of one start attempt.
enum Start {
    Up(Server),
    /// The port was taken (or the process died early): try another port.
    Retry(String),
}

impl Server {
    /// Starts ferrodis (or `FERRODIS_BIN`) with the harness's default flags.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// Starts ferrodis with extra `--directive value` arguments (a config
    /// file path may come first, as with redis-server).
    pub fn start_with(args: &[&str]) -> Server {
        Server::spawn(Flavor::Ferrodis, args)
    }

    /// Starts real redis-server.
    pub fn reference() -> Server {
        Server::reference_with(&[])
    }

    /// Starts real redis-server with extra arguments.
    pub fn reference_with(args: &[&str]) -> Server {
        Server::spawn(Flavor::Reference, args)
    }

    /// Starts the given flavor, retrying on a port collision.
    pub fn spawn(flavor: Flavor, args: &[&str]) -> Server {
        let mut why = Vec::new();
        for _ in 0..5 {
            match Server::try_spawn(flavor, args) {
                Start::Up(s) => return s,
                Start::Retry(msg) => why.push(msg),
            }
        }
        panic!(
            "could not start {:?} after 5 attempts:\n{}",
            flavor,
            why.join("\n---\n")
        );
    }

    fn try_spawn(flavor: Flavor, args: &[&str]) -> Start {
        let port = free_port();
        let seq = SERVER_SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "ferrodis-e2e-{}-{}-{}",
            std::process::id(),
            seq,
            port
        ));
        fs::create_dir_all(&dir).expect("create server dir");
        let log = dir.join("server.log");
        let out = File::create(&log).expect("create server log");
        let err = out.try_clone().unwrap();
        let bin = flavor.binary();
        let mut cmd = Command::new(&bin);
        // A config file (first argument not starting with "--") must stay first.
        let (file, rest) = match args.first() {
            Some(a) if !a.starts_with("--") => (Some(*a), &args[1..]),
            _ => (None, args),
        };
        if let Some(f) = file {
            cmd.arg(f);
        }
        cmd.args(["--port", &port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(rest)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        // Every other ferrodis gets two connection workers: on a small
        // machine the default is one, and the tests must also cover
        // clients spread over several event loops (blocking, Pub/Sub and
        // CLIENT KILL across workers).
        if matches!(flavor, Flavor::Ferrodis) && std::env::var_os("FERRODIS_WORKERS").is_none() {
            static SPAWNED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = SPAWNED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            cmd.env("FERRODIS_WORKERS", (1 + n % 2).to_string());
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {bin}: {e}"));
        let mut server = Server {
            child,
            port,
            flavor,
            dir,
            log,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                let log = server.log_text();
                if log.contains("in use") || log.contains("Address already") {
                    return Start::Retry(log);
                }
                panic!("{bin} exited during start ({status}) on port {port}; its output:\n{log}");
            }
            if server.answers_ping() {
                // Make sure the PONG came from our process, not from another
                // test's server that got the same port first.
                if let Ok(Some(_)) = server.child.try_wait() {
                    continue;
                }
                if let Some(pid) = server.info_process_id() {
                    if pid != server.child.id() {
                        return Start::Retry(format!(
                            "port {port} answered by pid {pid}, not ours"
                        ));
                    }
                }
                return Start::Up(server);
            }
            if Instant::now() > deadline {
                panic!(
                    "{bin} did not answer PING on port {port} within {:?}; its output:\n{}",
                    START_TIMEOUT,
                    server.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if s.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(n) if n > 0 => buf[..n].starts_with(b"+PONG") || buf[..n].starts_with(b"-NOAUTH"),
            _ => false,
        }
    }

    fn info_process_id(&self) -> Option<u32> {
        let mut c = RawConn::try_connect(self.port).ok()?;
        let reply = c.try_cmd(&["INFO", "server"]).ok()?;
        let text = String::from_utf8_lossy(reply.bytes()?).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix("process_id:"))
            .and_then(|v| v.trim().parse().ok())
    }

    /// The TCP port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Which implementation this is.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's working directory (a private temp dir).
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// What the server printed so far.
    pub fn log_text(&self) -> String {
        fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// A new raw connection.
    pub fn raw(&self) -> RawConn {
        RawConn::connect(self.port)
    }

    /// A new connection of the `redis` crate (sync API).
    pub fn client(&self) -> redis::Connection {
        let url = format!("redis://127.0.0.1:{}/", self.port);
        redis::Client::open(url)
            .expect("redis::Client::open")
            .get_connection()
            .unwrap_or_else(|e| panic!("redis crate cannot connect to {}: {e}", self.port))
    }

    /// Kills the process with SIGKILL and reaps it (crash tests).
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits (up to `timeout`) for the process to exit; true if it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A plain TCP client that writes raw bytes and reads exactly one complete
/// RESP2/RESP3 reply at a time, returning its raw bytes.
pub struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
    port: u16,
}

impl RawConn {
    /// Connects to `127.0.0.1:port`; panics on failure.
    pub fn connect(port: u16) -> RawConn {
        RawConn::try_connect(port).unwrap_or_else(|e| panic!("connect to {port}: {e}"))
    }

    pub fn try_connect(port: u16) -> std::io::Result<RawConn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        stream.set_nodelay(true)?;
        Ok(RawConn {
            stream,
            buf: Vec::new(),
            port,
        })
    }

    /// The server port this connection talks to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Writes raw bytes (one write call).
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream
            .write_all(bytes)
            .unwrap_or_else(|e| panic!("write to {}: {e}", self.port));
    }

    /// Writes raw bytes, ignoring errors (the server may already have closed).
    pub fn send_lossy(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
    }

    /// Whether nothing arrives for `d` (no reply, no close).
    pub fn silent_for(&mut self, d: Duration) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        let _ = self.stream.set_read_timeout(Some(d));
        let silent = match self.fill() {
            Err(e) => matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            Ok(_) => false,
        };
        let _ = self.stream.set_read_timeout(Some(IO_TIMEOUT));
        silent
    }

    /// Reads more bytes into the buffer. Ok(0) means the peer closed.
    fn fill(&mut self) -> std::io::Result<usize> {
        let mut chunk = [0u8; 65536];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Ok(0),
            Err(e) => Err(e),
        }
    }

    /// Reads one complete reply and returns its raw bytes.
    pub fn read_raw(&mut self) -> Vec<u8> {
        self.try_read_raw()
            .unwrap_or_else(|e| panic!("reading a reply from {}: {e}", self.port))
    }

    fn try_read_raw(&mut self) -> std::io::Result<Vec<u8>> {
        loop {
            match resp::parse(&self.buf) {
                Ok((_, used)) => {
                    let out = self.buf[..used].to_vec();
                    self.buf.drain(..used);
                    return Ok(out);
                }
                Err(ParseError::Invalid(why)) => {
                    return Err(std::io::Error::new(
                        ErrorKind::InvalidData,
                        format!("not RESP ({why}): {}", escape(&self.buf)),
                    ))
                }
                Err(ParseError::Incomplete) => {}
            }
            if self.fill()? == 0 {
                return Err(std::io::Error::new(
                    ErrorKind::UnexpectedEof,
                    format!(
                        "connection closed; unparsed bytes so far: {}",
                        escape(&self.buf)
                    ),
                ));
            }
        }
    }

    /// Reads `n` replies and returns their bytes concatenated.
    pub fn read_n(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.extend(self.read_raw());
        }
        out
    }

    /// Reads one reply and decodes it.
    pub fn read(&mut self) -> Resp {
        resp::parse_one(&self.read_raw())
    }

    /// Sends a command as a multibulk request and returns the raw reply.
    pub fn cmd_raw<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Vec<u8> {
        self.send(&encode_request(argv));
        self.read_raw()
    }

    /// Sends a command and returns the decoded reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Resp {
        resp::parse_one(&self.cmd_raw(argv))
    }

    pub fn try_cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> std::io::Result<Resp> {
        self.stream.write_all(&encode_request(argv))?;
        let raw = self.try_read_raw()?;
        Ok(resp::parse_one(&raw))
    }

    /// Reads until the server closes the connection and returns every byte
    /// received (including what was already buffered). Panics if the
    /// connection is still open after the I/O timeout.
    pub fn read_until_closed(&mut self) -> Vec<u8> {
        loop {
            match self.fill() {
                Ok(0) => return std::mem::take(&mut self.buf),
                Ok(_) => {}
                Err(e) => panic!(
                    "server on {} did not close the connection ({e}); received so far: {}",
                    self.port,
                    escape(&self.buf)
                ),
            }
        }
    }

    /// Asserts the server closed the connection, with no further reply.
    pub fn read_closed(&mut self) {
        let rest = self.read_until_closed();
        assert!(
            rest.is_empty(),
            "expected the connection to be closed, but got more bytes: {}",
            escape(&rest)
        );
    }

    /// Closes our writing side (half-close).
    pub fn shutdown_write(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }
}
