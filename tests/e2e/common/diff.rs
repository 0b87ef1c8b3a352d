//! Differential testing: the same input on ferrodis and on real
//! redis-server 7.0, replies compared byte for byte.
//!
//! A `Diff` owns one ferrodis and one fresh redis-server (started with the
//! same extra arguments) and one connection to each. Every step sends the
//! same bytes to both, reads the replies, passes both through the
//! normalizers (see [`norm`]) and records a mismatch when they differ. All
//! mismatches of a script are reported together by `finish()` (also run on
//! drop), each with the command and both replies as escaped strings.
//!
//! One-liners: `diff!(["SET","a","1"], ["GET","a"]);` or, with server
//! arguments, `diff!(args = ["--databases","4"]; ["SELECT","3"]);`.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::resp::{self, encode_request, escape, Resp};
use super::server::{Flavor, RawConn, Server};

/// Which server a reply came from, given to normalizers.
#[derive(Clone, Copy, Debug)]
pub struct Side {
    /// The port of the server that produced the reply.
    pub port: u16,
    /// Ferrodis (the binary under test) or the reference redis-server.
    pub flavor: Flavor,
}

/// A reply normalizer: rewrites a decoded reply in place before comparison.
/// It receives the command's argv (empty for raw input) and the side.
pub type Normalizer = Box<dyn Fn(&[Vec<u8>], &Side, &mut Resp)>;

/// Converts one macro argument (`&str`, `b"..."`, `Vec<u8>`, `String`) to bytes.
pub fn arg(x: impl AsRef<[u8]>) -> Vec<u8> {
    x.as_ref().to_vec()
}

/// Runs commands on ferrodis and redis-server and compares the replies.
pub struct Diff {
    /// The server under test.
    pub fer: Server,
    /// The reference redis-server.
    pub reference: Server,
    f: RawConn,
    r: RawConn,
    normalizers: Vec<Normalizer>,
    mismatches: Vec<String>,
    step: usize,
    finished: bool,
    /// Printed in every mismatch (e.g. the random seed).
    pub context: String,
}

fn clip(s: String) -> String {
    const MAX: usize = 3000;
    if s.len() > MAX {
        let mut cut = MAX;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}... ({} chars)", &s[..cut], s.len())
    } else {
        s
    }
}

fn show_argv(argv: &[Vec<u8>]) -> String {
    argv.iter().map(|a| escape(a)).collect::<Vec<_>>().join(" ")
}

impl Default for Diff {
    fn default() -> Self {
        Diff::new()
    }
}

impl Diff {
    /// Starts ferrodis and redis-server with the harness defaults.
    pub fn new() -> Diff {
        Diff::with_args(&[])
    }

    /// Starts both servers with the same extra arguments.
    pub fn with_args(args: &[&str]) -> Diff {
        let (fer, reference) = std::thread::scope(|s| {
            let f = s.spawn(|| Server::start_with(args));
            let r = s.spawn(|| Server::reference_with(args));
            (f.join().unwrap(), r.join().unwrap())
        });
        let f = fer.raw();
        let r = reference.raw();
        Diff {
            fer,
            reference,
            f,
            r,
            normalizers: vec![Box::new(norm::auto)],
            mismatches: Vec::new(),
            step: 0,
            finished: false,
            context: String::new(),
        }
    }

    /// Adds a normalizer applied to every later reply of this script.
    pub fn normalize(&mut self, f: impl Fn(&[Vec<u8>], &Side, &mut Resp) + 'static) -> &mut Self {
        self.normalizers.push(Box::new(f));
        self
    }

    /// Removes every normalizer, including the automatic one.
    pub fn no_normalizers(&mut self) -> &mut Self {
        self.normalizers.clear();
        self
    }

    fn side(&self, fer: bool) -> Side {
        let s = if fer { &self.fer } else { &self.reference };
        Side {
            port: s.port(),
            flavor: s.flavor(),
        }
    }

    fn normalized(&self, argv: &[Vec<u8>], fer: bool, raw: &[u8]) -> Vec<u8> {
        if self.normalizers.is_empty() {
            return raw.to_vec();
        }
        let side = self.side(fer);
        let mut out = Vec::new();
        for mut v in resp::parse_all(raw) {
            for n in &self.normalizers {
                n(argv, &side, &mut v);
            }
            out.extend(v.encode());
        }
        out
    }

    fn record(&mut self, what: &str, fer: &[u8], reference: &[u8]) {
        self.mismatches.push(clip(format!(
            "step {} {}{}\n    ferrodis: {}\n    redis:    {}",
            self.step,
            what,
            if self.context.is_empty() {
                String::new()
            } else {
                format!(" [{}]", self.context)
            },
            escape(fer),
            escape(reference)
        )));
    }

    /// Records a mismatch unless `got` (ferrodis's bytes) equals `want`.
    pub fn check(&mut self, what: &str, got: &[u8], want: &[u8]) {
        if got != want {
            self.fail(format!(
                "{what}\n    ferrodis: {}\n    expected: {}",
                escape(got),
                escape(want)
            ));
        }
    }

    /// Records a mismatch found by a test's own check.
    pub fn fail(&mut self, msg: impl Into<String>) {
        let msg = msg.into();
        self.mismatches
            .push(clip(format!("step {} {}", self.step, msg)));
    }

    fn compare(&mut self, argv: &[Vec<u8>], what: &str, f_raw: &[u8], r_raw: &[u8]) -> Resp {
        let fnorm = self.normalized(argv, true, f_raw);
        let rnorm = self.normalized(argv, false, r_raw);
        if fnorm != rnorm {
            self.record(what, f_raw, r_raw);
        }
        resp::parse_all(f_raw)
            .into_iter()
            .next()
            .unwrap_or(Resp::Null)
    }

    /// Reads `n` replies from both sides; a side that fails to answer is
    /// recorded and the script stops (the connections are out of step).
    fn read_both(&mut self, n: usize, what: &str) -> (Vec<u8>, Vec<u8>) {
        let r_raw = self.r.read_n(n);
        let f_raw =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.f.read_n(n))) {
                Ok(b) => b,
                Err(e) => {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    self.fail(format!(
                        "{what}\n    ferrodis: NO VALID REPLY ({msg})\n    redis:    {}",
                        escape(&r_raw)
                    ));
                    self.finish();
                    unreachable!();
                }
            };
        (f_raw, r_raw)
    }

    /// Runs one command on both servers; returns ferrodis's decoded reply.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Resp {
        let argv: Vec<Vec<u8>> = argv.iter().map(|a| a.as_ref().to_vec()).collect();
        self.step += 1;
        let req = encode_request(&argv);
        self.f.send_lossy(&req);
        self.r.send(&req);
        let what = show_argv(&argv);
        let (f_raw, r_raw) = self.read_both(1, &what);
        self.compare(&argv, &what, &f_raw, &r_raw)
    }

    /// Runs one command with an extra normalizer for this step only.
    pub fn cmd_with<A: AsRef<[u8]>>(
        &mut self,
        argv: &[A],
        f: impl Fn(&[Vec<u8>], &Side, &mut Resp) + 'static,
    ) -> Resp {
        self.normalizers.push(Box::new(f));
        let out = self.cmd(argv);
        self.normalizers.pop();
        out
    }

    /// Runs one command on both, compares them, and also checks that the
    /// reference's (normalized) reply equals `expected`: this pins real
    /// Redis's bytes in the test even when both sides are Redis.
    pub fn expect<A: AsRef<[u8]>>(&mut self, argv: &[A], expected: &[u8]) -> Resp {
        let argv: Vec<Vec<u8>> = argv.iter().map(|a| a.as_ref().to_vec()).collect();
        self.step += 1;
        let req = encode_request(&argv);
        self.f.send_lossy(&req);
        self.r.send(&req);
        let what = show_argv(&argv);
        let (f_raw, r_raw) = self.read_both(1, &what);
        let r_norm = self.normalized(&argv, false, &r_raw);
        if r_norm != expected {
            self.fail(format!(
                "{what}: the REFERENCE redis-server replied {} (normalized) but the test expects {}",
                escape(&r_norm),
                escape(expected)
            ));
        }
        self.compare(&argv, &what, &f_raw, &r_raw)
    }

    /// Runs each command of `script` in order.
    pub fn script(&mut self, script: &[&[&str]]) {
        for argv in script {
            self.cmd(argv);
        }
    }

    /// Sends raw bytes (one write) to both and compares the next `n` replies.
    pub fn raw(&mut self, bytes: &[u8], n: usize) -> Vec<u8> {
        self.raw_chunks(&[bytes], n)
    }

    /// Sends raw bytes as separate writes (with a short pause between them so
    /// they tend to arrive separately) and compares the next `n` replies.
    pub fn raw_chunks(&mut self, chunks: &[&[u8]], n: usize) -> Vec<u8> {
        self.step += 1;
        for (i, c) in chunks.iter().enumerate() {
            self.f.send_lossy(c);
            self.r.send(c);
            if chunks.len() > 1 && i % 16 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let all: Vec<u8> = chunks.concat();
        let what = format!("raw {}", escape(&all));
        let (f_raw, r_raw) = self.read_both(n, &what);
        let fnorm = self.normalized(&[], true, &f_raw);
        let rnorm = self.normalized(&[], false, &r_raw);
        if fnorm != rnorm {
            self.record(&what, &f_raw, &r_raw);
        }
        f_raw
    }

    /// Sends raw bytes to both, reads everything until each server closes the
    /// connection, and compares; `expected` (if given) pins the exact bytes.
    /// Then checks the servers still serve a new client, and reconnects.
    pub fn raw_closes(&mut self, bytes: &[u8], expected: Option<&[u8]>) -> Vec<u8> {
        self.step += 1;
        self.f.send_lossy(bytes);
        self.r.send_lossy(bytes);
        let what = format!("raw {} (then the connection must close)", escape(bytes));
        let r_raw = self.r.read_until_closed();
        let f_raw = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.f.read_until_closed()
        })) {
            Ok(b) => b,
            Err(_) => {
                self.fail(format!(
                    "{what}\n    ferrodis: did not close the connection within the I/O timeout\n    redis:    {}",
                    escape(&r_raw)
                ));
                Vec::new()
            }
        };
        if let Some(exp) = expected {
            if r_raw != exp {
                self.fail(format!(
                    "{what}: the REFERENCE redis-server sent {} but the test expects {}",
                    escape(&r_raw),
                    escape(exp)
                ));
            }
        }
        if f_raw != r_raw {
            self.record(&what, &f_raw, &r_raw);
        }
        self.reconnect();
        // The server keeps serving new clients.
        self.cmd(&["PING"]);
        f_raw
    }

    /// Replaces both connections with new ones.
    pub fn reconnect(&mut self) {
        self.f = self.fer.raw();
        self.r = self.reference.raw();
    }

    /// Opens a second pair of connections (ferrodis, redis).
    pub fn new_conns(&self) -> (RawConn, RawConn) {
        (self.fer.raw(), self.reference.raw())
    }

    /// Direct access to the current connections (ferrodis, redis).
    pub fn conns(&mut self) -> (&mut RawConn, &mut RawConn) {
        (&mut self.f, &mut self.r)
    }

    /// Runs `n` random commands made by `gen` on both and compares them.
    /// The seed is printed; set `FERRODIS_SEED` to replay it.
    pub fn random(&mut self, n: usize, mut gen: impl FnMut(&mut StdRng) -> Vec<Vec<u8>>) {
        let seed: u64 = std::env::var("FERRODIS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| rand::thread_rng().gen());
        eprintln!("random differential run: seed {seed} (replay with FERRODIS_SEED={seed})");
        let saved = std::mem::replace(&mut self.context, format!("FERRODIS_SEED={seed}"));
        let mut rng = StdRng::seed_from_u64(seed);
        for _ in 0..n {
            let argv = gen(&mut rng);
            self.cmd(&argv);
        }
        self.context = saved;
    }

    /// Number of mismatches recorded so far.
    pub fn mismatch_count(&self) -> usize {
        self.mismatches.len()
    }

    /// Fails (once) with every mismatch recorded so far.
    pub fn finish(&mut self) {
        self.finished = true;
        if !self.mismatches.is_empty() {
            let all = std::mem::take(&mut self.mismatches);
            panic!(
                "{} mismatch(es) between ferrodis (port {}) and redis-server (port {}):\n{}",
                all.len(),
                self.fer.port(),
                self.reference.port(),
                all.join("\n")
            );
        }
    }
}

impl Drop for Diff {
    fn drop(&mut self) {
        if !self.finished && !std::thread::panicking() {
            self.finish();
        }
    }
}

/// Runs a differential script in one line:
/// `diff!(["SET","a","1"], ["GET","a"]);`
/// `diff!(args = ["--databases", "4"]; ["SELECT", "3"], ["DBSIZE"]);`
/// Arguments may be `&str`, byte strings or anything `AsRef<[u8]>`.
#[macro_export]
macro_rules! diff {
    (args = [$($a:expr),* $(,)?]; $([$($x:expr),* $(,)?]),* $(,)?) => {{
        let mut d = $crate::common::Diff::with_args(&[$($a),*]);
        $( d.cmd(&[$($crate::common::diff::arg($x)),*]); )*
        d.finish();
    }};
    ($([$($x:expr),* $(,)?]),* $(,)?) => {
        $crate::diff!(args = []; $([$($x),*]),*)
    };
}

/// Normalizers for replies that legitimately differ between two servers.
pub mod norm {
    use super::{Resp, Side};

    fn upper(a: &[u8]) -> String {
        String::from_utf8_lossy(a).to_ascii_uppercase()
    }

    /// CLIENT LIST / CLIENT INFO fields whose values depend on the process,
    /// the socket or memory accounting.
    pub const CLIENT_VOLATILE: &[&str] = &[
        "id",
        "addr",
        "laddr",
        "fd",
        "age",
        "idle",
        "qbuf",
        "qbuf-free",
        "argv-mem",
        "multi-mem",
        "rbs",
        "rbp",
        "obl",
        "oll",
        "omem",
        "tot-mem",
    ];

    /// Rewrites a CLIENT LIST/INFO text: volatile values become `*`.
    pub fn client_text(text: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(text);
        let mut out = String::new();
        for line in text.split_inclusive('\n') {
            let (body, nl) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            let fields: Vec<String> = body
                .split(' ')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if CLIENT_VOLATILE.contains(&k) => format!("{k}=*"),
                    _ => kv.to_string(),
                })
                .collect();
            out.push_str(&fields.join(" "));
            out.push_str(nl);
        }
        out.into_bytes()
    }

    /// Replaces every integer with 0.
    pub fn any_int(_: &[Vec<u8>], _: &Side, r: &mut Resp) {
        r.walk_mut(&mut |v| {
            if let Resp::Int(i) = v {
                *i = 0
            }
        });
    }

    /// Replaces the values of the given map keys (RESP2 flat or RESP3 map).
    pub fn map_values(r: &mut Resp, keys: &[&str], with: Resp) {
        match r {
            Resp::Map(pairs) => {
                for (k, v) in pairs.iter_mut() {
                    if k.bytes()
                        .is_some_and(|k| keys.iter().any(|x| x.as_bytes() == k))
                    {
                        *v = with.clone();
                    }
                }
            }
            Resp::Array(Some(items)) if items.len() % 2 == 0 => {
                for pair in items.chunks_mut(2) {
                    if pair[0]
                        .bytes()
                        .is_some_and(|k| keys.iter().any(|x| x.as_bytes() == k))
                    {
                        pair[1] = with.clone();
                    }
                }
            }
            _ => {}
        }
    }

    /// Sorts the elements of an array or set reply, and the pairs of a map
    /// reply (replies whose order Redis leaves unspecified).
    pub fn sort_items(r: &mut Resp) {
        match r {
            Resp::Array(Some(items)) | Resp::Set(items) => items.sort_by_key(|x| x.encode()),
            Resp::Map(pairs) => pairs.sort_by_key(|(k, v)| (k.encode(), v.encode())),
            _ => {}
        }
    }

    /// Sorts a flat RESP2 array of pairs (HGETALL-style) by pair.
    pub fn sort_pairs(r: &mut Resp) {
        match r {
            Resp::Array(Some(items)) if items.len() % 2 == 0 => {
                let mut pairs: Vec<(Resp, Resp)> = Vec::new();
                let mut it = std::mem::take(items).into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                pairs.sort_by_key(|(k, v)| (k.encode(), v.encode()));
                *items = pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
            }
            other => sort_items(other),
        }
    }

    /// Order-insensitive comparison for the hash and set commands whose
    /// reply order Redis leaves unspecified: SMEMBERS, SINTER, SUNION,
    /// SDIFF, SPOP, SRANDMEMBER, HKEYS, HVALS, HGETALL, HRANDFIELD and the
    /// element list of HSCAN/SSCAN.
    pub fn unordered(argv: &[Vec<u8>], _: &Side, r: &mut Resp) {
        if argv.is_empty() || r.is_error() {
            return;
        }
        let name = upper(&argv[0]);
        let withvalues = argv.len() == 4 && upper(&argv[3]) == "WITHVALUES";
        match name.as_str() {
            "SMEMBERS" | "SINTER" | "SUNION" | "SDIFF" | "SPOP" | "SRANDMEMBER" | "HKEYS"
            | "HVALS" => sort_items(r),
            "HGETALL" => sort_pairs(r),
            "HRANDFIELD" if withvalues => sort_pairs(r),
            "HRANDFIELD" => sort_items(r),
            "SSCAN" | "HSCAN" => {
                if let Resp::Array(Some(items)) = r {
                    if let Some(list) = items.get_mut(1) {
                        if name == "HSCAN" {
                            sort_pairs(list)
                        } else {
                            sort_items(list)
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The automatic normalizer, keyed by command name:
    /// TIME values, CLIENT ID, HELLO's id/version/server, CLIENT LIST/INFO
    /// volatile fields, and the server's own port in CONFIG GET.
    pub fn auto(argv: &[Vec<u8>], side: &Side, r: &mut Resp) {
        if argv.is_empty() || r.is_error() {
            return;
        }
        let name = upper(&argv[0]);
        let sub = argv.get(1).map(|s| upper(s)).unwrap_or_default();
        match (name.as_str(), sub.as_str()) {
            ("TIME", _) => {
                if let Resp::Array(Some(items)) = r {
                    for i in items {
                        *i = Resp::bulk("T");
                    }
                }
            }
            ("CLIENT", "ID") => {
                if let Resp::Int(i) = r {
                    *i = 0
                }
            }
            ("HELLO", _) => map_values(r, &["id", "version", "server"], Resp::bulk("*")),
            ("CLIENT", "LIST") | ("CLIENT", "INFO") => {
                let t = match r {
                    Resp::Bulk(Some(t)) | Resp::Verbatim(_, t) => t,
                    _ => return,
                };
                *t = client_text(t);
            }
            ("CONFIG", "GET") => {
                // The port differs; glob and multi-pattern matches come in
                // hash-table order in Redis: compare them sorted by name.
                let is_map = match r {
                    Resp::Map(_) => true,
                    Resp::Array(Some(v)) => v.len() % 2 == 0,
                    _ => false,
                };
                if !is_map {
                    return;
                }
                let port = side.port.to_string();
                let mut pairs = r.pairs();
                for (k, v) in pairs.iter_mut() {
                    let is_port = k.bytes().is_some_and(|k| k.eq_ignore_ascii_case(b"port"));
                    if is_port && v.bytes() == Some(port.as_bytes()) {
                        *v = Resp::bulk("PORT");
                    }
                }
                pairs.sort_by(|a, b| a.0.bytes().cmp(&b.0.bytes()));
                *r = match r {
                    Resp::Map(_) => Resp::Map(pairs),
                    _ => Resp::Array(Some(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect())),
                };
            }
            _ => {}
        }
    }
}
