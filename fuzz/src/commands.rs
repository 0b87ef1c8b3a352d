//! The command fuzzer: arbitrary argument vectors for the commands of the
//! table, run on one in-process server (the same `dispatch::execute` a
//! connection calls, with a client that never blocks).
//!
//! Input format (so that mutations stay meaningful): a sequence of
//! commands, each `[sel_hi, sel_lo, argc, arg...]`. The selector picks a
//! row of the command table (subcommands included); `argc % 16` items
//! follow, each introduced by a tag byte:
//! - `0x00..=0x3f`: one of a few key names (so commands meet each other's
//!   keys, and every type meets every command);
//! - `0x40..=0x7f`: a number or id from a list of edge values;
//! - `0x80..=0xbd` + one byte: a word of the dictionary (every command,
//!   subcommand and option token of the table);
//! - `0xbe` + one byte: many generated arguments (counts across the
//!   encoding thresholds: 128, 512, ...);
//! - `0xbf..=0xff` + one byte: that many raw bytes of the input.
//!
//! After each command: no panic (libFuzzer turns a panic into a crash even
//! where the server would catch it), and the reply is well-formed RESP with
//! one reply per command. After each input: `Keyspace::check_invariants`,
//! then everything is flushed for the next input.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use ferrodis_commands::context::{Client, ClientShared, ServerInfo, ServerState};
use ferrodis_commands::spec::{self, Arg};
use ferrodis_commands::table::{table, Table, TableEntry};

/// Commands left out, by full table name: they act on the process or the
/// machine rather than the dataset (shutdown, files, sockets, replication
/// roles, pausing every client), run arbitrary Lua (a separate surface,
/// where an endless loop is legitimate), or change server-wide settings
/// that would make one input's outcome depend on earlier inputs.
const EXCLUDED: &[&str] = &[
    "shutdown",
    "debug",
    "monitor",
    "save",
    "bgsave",
    "bgrewriteaof",
    "replicaof",
    "slaveof",
    "sync",
    "psync",
    "replconf",
    "failover",
    "migrate",
    "wait",
    "eval",
    "evalsha",
    "eval_ro",
    "evalsha_ro",
    "fcall",
    "fcall_ro",
    "function|load",
    "function|restore",
    "config|set",
    "config|rewrite",
    "acl|setuser",
    "acl|deluser",
    "acl|load",
    "acl|save",
    "client|pause",
    "client|kill",
    "client|reply",
    "module",
];

/// Edge values for numeric arguments, indices, scores, ids and ranges.
const NUMS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "5",
    "10",
    "64",
    "65",
    "128",
    "129",
    "512",
    "513",
    "-2",
    "-100",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "4294967295",
    "4294967296",
    "8388607",
    "8388608",
    "18446744073709551615",
    "18446744073709551616",
    "inf",
    "-inf",
    "+inf",
    "nan",
    "1.5",
    "-0",
    "0.0",
    "1e308",
    "1e-310",
    "17976931348623157e292",
    "(1",
    "(-inf",
    "[a",
    "(b",
    "-",
    "+",
    "*",
    "$",
    ">",
    "0-0",
    "0-1",
    "1-1",
    "1-*",
    "18446744073709551615-18446744073709551615",
    "18446744073709551615-*",
    "1000",
    "65536",
    "1048575",
    "1048576",
    "  1",
    "1 ",
    "0x10",
    "",
    "a",
    "abc",
];

const KEYS: &[&str] = &["k0", "k1", "k2", "{k0}x", "k3", ""];

/// Counts for generated argument runs (even, so they also make field/value
/// and score/member pairs): just under and over the encoding thresholds
/// (listpack entries 128, intset 512) and list node sizes.
const MANY: &[usize] = &[4, 18, 128, 130, 258, 514, 1026];

struct Fuzz {
    srv: Arc<ServerState>,
    rows: Vec<&'static TableEntry>,
    dict: Vec<Bytes>,
}

fn collect_tokens(args: &[Arg], out: &mut Vec<&'static str>) {
    for a in args {
        if let Some(t) = a.token {
            out.push(t);
        }
        collect_tokens(a.args, out);
    }
}

fn fuzz() -> &'static Fuzz {
    static F: OnceLock<Fuzz> = OnceLock::new();
    F.get_or_init(|| {
        // proto-max-bulk-len at its minimum (1 MB) bounds what SETRANGE,
        // SETBIT and APPEND may allocate, as it does in Redis.
        let args: Vec<String> = ["--proto-max-bulk-len", "1mb", "--save", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let config = ferrodis_config::Config::from_args(&args).expect("fuzz config");
        ferrodis_commands::server::apply_runtime_config(&config);
        let info = ServerInfo {
            run_id: "0".repeat(40),
            started: std::time::Instant::now(),
            started_unix_ms: 0,
            executable: String::new(),
            config_file: String::new(),
            tcp_port: Default::default(),
            pid: std::process::id(),
            supervised: "no",
        };
        let srv = Arc::new(ServerState::new(config, info));
        srv.install_hooks();
        let t = table();
        let rows: Vec<&'static TableEntry> = (0..t.len() as u32)
            .filter_map(|id| t.get(id))
            .filter(|e| !EXCLUDED.contains(&e.full_name.as_str()))
            .filter(|e| !Table::is_container(e))
            .collect();
        let mut words = Vec::new();
        for e in &rows {
            words.push(e.spec.name);
            collect_tokens(e.spec.args, &mut words);
        }
        words.sort_unstable();
        words.dedup();
        let dict = words
            .into_iter()
            .map(|w| Bytes::from_static(w.as_bytes()))
            .collect();
        Fuzz { srv, rows, dict }
    })
}

fn new_client() -> Client {
    let shared = Arc::new(ClientShared::new(
        1,
        "127.0.0.1:1".into(),
        "127.0.0.1:6379".into(),
        -1,
        Box::new(|| {}),
    ));
    let mut c = Client::new(shared);
    c.no_block = true;
    c
}

/// Reads the input into argument vectors.
pub struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Decoder { data, pos: 0 }
    }

    fn byte(&mut self) -> Option<u8> {
        let b = self.data.get(self.pos).copied();
        self.pos += 1;
        b
    }

    fn item(&mut self, f: &Fuzz, argv: &mut Vec<Bytes>) -> Option<()> {
        let t = self.byte()?;
        match t {
            0x00..=0x3f => argv.push(Bytes::from_static(KEYS[t as usize % KEYS.len()].as_bytes())),
            0x40..=0x7f => argv.push(Bytes::from_static(
                NUMS[(t - 0x40) as usize % NUMS.len()].as_bytes(),
            )),
            0x80..=0xbd => {
                let i = (usize::from(t - 0x80) << 8) | usize::from(self.byte()?);
                argv.push(f.dict[i % f.dict.len()].clone());
            }
            0xbe => {
                let b = self.byte()?;
                let n = MANY[usize::from(b & 7) % MANY.len()];
                for i in 0..n {
                    argv.push(match b >> 3 & 3 {
                        0 => Bytes::from(i.to_string()),
                        1 => Bytes::from(format!("m{i}")),
                        2 => Bytes::from(format!("{i:070}")),
                        _ => Bytes::from(format!("{}.5", i as i64 - 64)),
                    });
                }
            }
            _ => {
                let n = usize::from(self.byte()? % 96);
                let end = (self.pos + n).min(self.data.len());
                argv.push(Bytes::copy_from_slice(&self.data[self.pos..end]));
                self.pos = end;
            }
        }
        Some(())
    }

    /// The next command's arguments, or None at the end of the input.
    pub fn next_command(&mut self, argv: &mut Vec<Bytes>) -> Option<&'static TableEntry> {
        let f = fuzz();
        argv.clear();
        let sel = (usize::from(self.byte()?) << 8) | usize::from(self.byte()?);
        let e = f.rows[sel % f.rows.len()];
        if let Some(parent) = e.parent.and_then(|p| table().get(p)) {
            argv.push(Bytes::from_static(parent.spec.name.as_bytes()));
        }
        argv.push(Bytes::from_static(e.spec.name.as_bytes()));
        let argc = self.byte()? % 16;
        for _ in 0..argc {
            if self.item(f, argv).is_none() {
                break;
            }
        }
        Some(e)
    }
}

/// A strict reader of our replies: the independent decoder cannot check
/// them all (it refuses RESP3 sets of maps, which COMMAND INFO sends, as
/// Redis does), so this one only checks structure.
struct Frames<'a> {
    b: &'a [u8],
    pos: usize,
    resp3: bool,
    /// RESP2's null bulk and null array accepted in RESP3 too: the reply of
    /// an EXEC in which HELLO switched the protocol holds both.
    mixed: bool,
}

impl Frames<'_> {
    fn line(&mut self) -> Result<&[u8], String> {
        let rest = &self.b[self.pos..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("line without CRLF")?;
        self.pos += end + 2;
        Ok(&rest[..end])
    }

    fn int(&mut self) -> Result<i64, String> {
        let l = self.line()?;
        std::str::from_utf8(l)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad integer {:?}", String::from_utf8_lossy(l)))
    }

    fn frame(&mut self) -> Result<(), String> {
        let t = *self.b.get(self.pos).ok_or("missing frame")?;
        self.pos += 1;
        let resp3_only = matches!(
            t,
            b'%' | b'~' | b'_' | b',' | b'#' | b'(' | b'=' | b'>' | b'|'
        );
        if resp3_only && !self.resp3 {
            return Err(format!("RESP3 type {:?} in RESP2", t as char));
        }
        match t {
            b'+' | b'-' => {
                let l = self.line()?;
                if l.contains(&b'\r') || l.contains(&b'\n') {
                    return Err("CR/LF inside a simple line".into());
                }
            }
            b':' => {
                self.int()?;
            }
            b'_' => {
                if !self.line()?.is_empty() {
                    return Err("bad null".into());
                }
            }
            b',' => {
                let l = self.line()?;
                let ok = matches!(l, b"inf" | b"-inf" | b"nan")
                    || std::str::from_utf8(l).is_ok_and(|s| s.parse::<f64>().is_ok());
                if !ok {
                    return Err("bad double".into());
                }
            }
            b'#' => {
                if !matches!(self.line()?, b"t" | b"f") {
                    return Err("bad boolean".into());
                }
            }
            b'(' => {
                self.line()?;
            }
            b'$' | b'=' | b'!' => {
                let n = self.int()?;
                if n == -1 && t == b'$' && (!self.resp3 || self.mixed) {
                    return Ok(());
                }
                let n = usize::try_from(n).map_err(|_| "negative bulk length")?;
                let end = self.pos + n;
                if self.b.get(end..end + 2) != Some(b"\r\n") {
                    return Err("bulk length does not match its payload".into());
                }
                self.pos = end + 2;
            }
            b'*' | b'~' | b'>' | b'%' | b'|' => {
                let n = self.int()?;
                if n == -1 && t == b'*' && (!self.resp3 || self.mixed) {
                    return Ok(());
                }
                let n = u64::try_from(n).map_err(|_| "negative aggregate length")?;
                let items = if matches!(t, b'%' | b'|') { n * 2 } else { n };
                for _ in 0..items {
                    self.frame()?;
                }
                if t == b'|' {
                    // An attribute precedes the value it describes.
                    self.frame()?;
                }
            }
            other => return Err(format!("unknown type byte {other}")),
        }
        Ok(())
    }
}

/// Counts the complete RESP frames in `reply`; panics on bytes that are
/// not a sequence of well-formed frames.
fn frames(reply: &[u8], resp3: bool, mixed: bool) -> usize {
    let mut r = Frames {
        b: reply,
        pos: 0,
        resp3: resp3 || mixed,
        mixed,
    };
    let mut n = 0;
    while r.pos < reply.len() {
        let at = r.pos;
        if let Err(e) = r.frame() {
            panic!(
                "malformed reply at byte {at}: {e}: {:?}",
                String::from_utf8_lossy(&reply[at..reply.len().min(at + 300)])
            );
        }
        n += 1;
    }
    n
}

/// `FERRODIS_FUZZ_TRACE=1`: print each command and its reply (to read a
/// crash input: run the target on that one file).
fn trace() -> bool {
    static T: OnceLock<bool> = OnceLock::new();
    *T.get_or_init(|| std::env::var_os("FERRODIS_FUZZ_TRACE").is_some())
}

/// Runs one input; panics on any broken property.
pub fn check(data: &[u8]) {
    let f = fuzz();
    let srv = &*f.srv;
    let mut client = new_client();
    let mut dec = Decoder::new(data);
    let mut argv = Vec::new();
    let panics = || {
        srv.stats
            .command_panics
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let panics_before = panics();
    let mut n = 0;
    // Pub/sub commands queued in a transaction: EXEC then sends more
    // replies than its array announces, as Redis 7.0 does.
    let mut queued_pubsub = false;
    // HELLO queued in a transaction switches the protocol within EXEC's
    // reply, as in Redis.
    let mut queued_hello = false;
    while let Some(e) = dec.next_command(&mut argv) {
        n += 1;
        if n > 48 {
            break;
        }
        client.reply.clear();
        if trace() {
            let shown: Vec<_> = argv.iter().map(|a| String::from_utf8_lossy(a)).collect();
            eprintln!("> {shown:?}");
        }
        ferrodis_commands::dispatch::execute(srv, &mut client, &argv);
        if trace() {
            eprintln!("< {:?}", String::from_utf8_lossy(client.reply.as_slice()));
        }
        assert_eq!(panics(), panics_before, "a command panicked");
        let is_exec = e.spec.name == "exec";
        let got = frames(
            client.reply.as_slice(),
            client.resp == 3,
            queued_hello && is_exec,
        );
        let pubsub = e.spec.flags & spec::PUBSUB != 0;
        if client.multi.is_some() {
            queued_pubsub |= pubsub;
            queued_hello |= e.spec.name == "hello";
        }
        let exec_of_pubsub = queued_pubsub && is_exec;
        if client.multi.is_none() && e.spec.name != "multi" {
            queued_pubsub = false;
            queued_hello = false;
        }
        if !pubsub && !client.subs.active() && !exec_of_pubsub {
            assert_eq!(got, 1, "{} replied {got} frames", e.full_name);
        }
    }
    ferrodis_commands::dispatch::client_closed(srv, &mut client);
    // CONFIG SET is left out, so the encoding limits are the defaults.
    if let Err(what) = srv
        .keyspace
        .check_invariants(&ferrodis_engine::Limits::default())
    {
        panic!("store invariant broken: {what}");
    }
    let mut cleaner = new_client();
    ferrodis_commands::dispatch::execute(srv, &mut cleaner, &[Bytes::from_static(b"FLUSHALL")]);
}

/// Encodes commands in the input format (seed corpus, tests).
pub fn encode(commands: &[Vec<Vec<u8>>]) -> Vec<u8> {
    let f = fuzz();
    let mut out = Vec::new();
    for argv in commands {
        let Some((name, rest)) = argv.split_first() else {
            continue;
        };
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        // A subcommand row when the second word names one.
        let sub = rest
            .first()
            .map(|s| format!("{name}|{}", String::from_utf8_lossy(s).to_ascii_lowercase()));
        let (idx, args) = match sub
            .as_ref()
            .and_then(|s| f.rows.iter().position(|e| &e.full_name == s))
        {
            Some(i) => (i, &rest[1..]),
            None => match f.rows.iter().position(|e| e.full_name == name) {
                Some(i) => (i, rest),
                None => continue,
            },
        };
        out.extend_from_slice(&(idx as u16).to_be_bytes());
        out.push(args.len().min(15) as u8);
        for a in args.iter().take(15) {
            if let Some(b) = a.strip_prefix(b"@many:") {
                out.push(0xbe);
                out.push(
                    std::str::from_utf8(b)
                        .ok()
                        .and_then(|b| b.parse().ok())
                        .unwrap_or(0),
                );
            } else if let Some(k) = KEYS.iter().position(|k| k.as_bytes() == *a) {
                out.push(k as u8);
            } else if let Some(i) = NUMS.iter().position(|n| n.as_bytes() == &a[..]) {
                out.push(0x40 + i as u8);
            } else if let Some(i) = f.dict.iter().position(|d| d.eq_ignore_ascii_case(&a[..])) {
                out.push(0x80 + (i >> 8) as u8);
                out.push(i as u8);
            } else {
                let a = &a[..a.len().min(95)];
                out.push(0xff);
                out.push(a.len() as u8);
                out.extend_from_slice(a);
            }
        }
    }
    out
}
