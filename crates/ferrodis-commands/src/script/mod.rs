//! Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT; functions
//! (FCALL, FUNCTION) in [`function`].
//!
//! Layout:
//! - this file: the script cache, the registry of running scripts (busy
//!   replies, SCRIPT KILL), the command handlers and their table rows;
//! - [`engine`]: one Lua 5.1 interpreter per thread, the sandbox, running a
//!   script (time hook, error handler) and turning its result into a reply;
//! - [`call`]: `redis.call` / `redis.pcall` and the other `redis.*`
//!   functions that need the calling client;
//! - [`convert`]: command replies (RESP2/RESP3 bytes) to Lua values;
//! - [`function`]: Redis 7.0 functions (the library registry, FCALL,
//!   FUNCTION), run by the same engine;
//! - [`bitlib`], [`cjson`], [`cmsgpack`], [`structlib`]: the libraries
//!   Redis bundles;
//! - `prelude.lua`: the sandbox set-up that is easier said in Lua.
//!
//! Threading: commands run on the connection's thread, so each thread has
//! its own interpreter (scripts leave no state behind in it: globals are
//! read-only), and a script runs on the caller's thread. Atomicity comes
//! from the engine's held-lock mode: the script holds every shard of the
//! caller's database (all databases when its body could switch database)
//! for its whole run. No lock of ours is taken while a script waits for
//! shards, so scripts cannot deadlock against EXEC.
//!
//! Other clients do not wait on shard locks while a script runs: dispatch
//! calls [`busy_gate`], which waits (holding nothing) until the script ends
//! or `busy-reply-threshold` has passed, and then refuses everything but
//! the commands flagged ALLOW_BUSY with Redis's -BUSY error.

pub mod bitlib;
pub mod call;
pub mod cjson;
pub mod cmsgpack;
pub mod convert;
pub mod engine;
pub mod function;
pub mod structlib;

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::{Condvar, Mutex, RwLock};

use crate::args::{eq_ic, parse_int};
use crate::context::{Client, Ctx, ServerState};
use crate::error::{CmdResult, CommandError};
use crate::spec::*;
use crate::table::TableEntry;

/// A script body and what its shebang line (if any) says.
pub struct Script {
    pub body: Bytes,
    /// The body with the shebang line blanked (line numbers are kept).
    pub source: Bytes,
    pub flags: ShebangFlags,
    /// The body mentions a command that can reach another database, so a
    /// run holds every database rather than only the caller's.
    pub all_dbs: bool,
}

/// Flags from a `#!lua flags=...` line.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct ShebangFlags {
    /// The script had a shebang line at all (Redis then checks OOM once,
    /// before the run, instead of per command).
    pub shebang: bool,
    pub no_writes: bool,
    pub allow_oom: bool,
    pub allow_stale: bool,
}

/// A script being run, as other clients see it.
pub struct RunInfo {
    pub client_id: u64,
    pub started: Instant,
    /// busy-reply-threshold when the script started.
    pub threshold: Duration,
    /// SCRIPT KILL asked for the script to stop.
    pub kill: AtomicBool,
    /// The script has called a write command: it can no longer be killed.
    pub wrote: AtomicBool,
    /// For FCALL: the function's name and the command (FUNCTION STATS);
    /// None for EVAL.
    pub function: Option<(Bytes, Vec<Bytes>)>,
}

/// Server-wide scripting state.
pub struct Scripting {
    /// sha1 (lowercase hex) → script.
    cache: RwLock<HashMap<[u8; 40], Arc<Script>>>,
    cache_bytes: AtomicUsize,
    /// Bumped by SCRIPT FLUSH: interpreters built for an older generation
    /// are replaced before their next use.
    generation: AtomicU64,
    /// Tells this server's interpreters from another server's in the same
    /// process (unit tests run several).
    id: u64,
    /// Scripts running now (normally zero or one).
    running: AtomicUsize,
    runs: Mutex<Vec<Arc<RunInfo>>>,
    ended: Condvar,
    /// Runs a script's work so that the executor thread it occupies is
    /// not starved (set by the server: tokio's `block_in_place`).
    offload: OnceLock<Offload>,
    /// The function libraries (FUNCTION LOAD).
    pub functions: function::Functions,
}

/// How to run work that may take long on an executor thread.
pub type Offload = fn(&mut dyn FnMut());

impl Default for Scripting {
    fn default() -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Scripting {
            cache: RwLock::new(HashMap::new()),
            cache_bytes: AtomicUsize::new(0),
            generation: AtomicU64::new(0),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            running: AtomicUsize::new(0),
            runs: Mutex::new(Vec::new()),
            ended: Condvar::new(),
            offload: OnceLock::new(),
            functions: Default::default(),
        }
    }
}

impl Scripting {
    /// Installs how scripts run without starving the executor (see
    /// `offload`); without it they run inline.
    pub fn set_offload(&self, f: Offload) {
        let _ = self.offload.set(f);
    }

    /// Number of scripts in the cache (INFO number_of_cached_scripts).
    pub fn cached_scripts(&self) -> usize {
        self.cache.read().len()
    }

    /// Bytes of cached script bodies.
    pub fn cached_bytes(&self) -> usize {
        self.cache_bytes.load(Ordering::Relaxed)
    }

    /// Bytes the EVAL script cache takes (MEMORY STATS lua.caches, INFO
    /// used_memory_scripts_eval): the bodies, each entry's `Script` with
    /// its Arc counters, and the hash table at its capacity. The compiled
    /// chunks live in the interpreters (used_memory_vm_eval).
    pub fn cache_memory(&self) -> usize {
        let cache = self.cache.read();
        let per_entry = std::mem::size_of::<Script>() + 16;
        self.cached_bytes()
            + cache.len() * per_entry
            + ferrodis_engine::dense::hash_table_bytes::<([u8; 40], Arc<Script>)>(cache.capacity())
    }

    fn get(&self, sha: &[u8; 40]) -> Option<Arc<Script>> {
        self.cache.read().get(sha).cloned()
    }

    fn insert(&self, sha: [u8; 40], script: Arc<Script>) {
        let len = script.body.len();
        if self.cache.write().insert(sha, script).is_none() {
            self.cache_bytes.fetch_add(len, Ordering::Relaxed);
        }
    }

    fn flush(&self) {
        self.cache.write().clear();
        self.cache_bytes.store(0, Ordering::Relaxed);
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// Registers a run; the returned guard unregisters it.
    fn start(
        &self,
        client_id: u64,
        threshold: Duration,
        function: Option<(Bytes, Vec<Bytes>)>,
    ) -> RunGuard<'_> {
        let info = Arc::new(RunInfo {
            client_id,
            started: Instant::now(),
            threshold,
            kill: AtomicBool::new(false),
            wrote: AtomicBool::new(false),
            function,
        });
        let mut runs = self.runs.lock();
        runs.push(info.clone());
        self.running.store(runs.len(), Ordering::Relaxed);
        IN_SCRIPT.with(|c| c.set(true));
        RunGuard {
            scripting: self,
            info,
        }
    }

    /// The oldest script run by another client than `me`.
    fn oldest_other(runs: &[Arc<RunInfo>], me: u64) -> Option<&Arc<RunInfo>> {
        runs.iter()
            .filter(|r| r.client_id != me)
            .min_by_key(|r| r.started)
    }

    /// Whether a script has been running for longer than its threshold
    /// (SHUTDOWN then needs NOSAVE).
    pub fn timed_out(&self) -> bool {
        if self.running.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let runs = self.runs.lock();
        runs.iter().any(|r| r.started.elapsed() >= r.threshold)
    }
}

thread_local! {
    /// This thread is running a script: its commands are the script's.
    static IN_SCRIPT: Cell<bool> = const { Cell::new(false) };
}

struct RunGuard<'a> {
    scripting: &'a Scripting,
    info: Arc<RunInfo>,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        IN_SCRIPT.with(|c| c.set(false));
        let mut runs = self.scripting.runs.lock();
        runs.retain(|r| !Arc::ptr_eq(r, &self.info));
        self.scripting.running.store(runs.len(), Ordering::Relaxed);
        drop(runs);
        self.scripting.ended.notify_all();
    }
}

/// The dispatch gate for a busy script: while another client's script
/// runs, wait (holding no lock) until it ends or its busy-reply-threshold
/// passes; then refuse commands without the ALLOW_BUSY flag. Costs one
/// relaxed atomic load when no script runs.
#[inline]
pub fn busy_gate(srv: &ServerState, client: &Client, e: &TableEntry) -> Result<(), CommandError> {
    if srv.scripting.running.load(Ordering::Relaxed) == 0 {
        return Ok(());
    }
    busy_wait(srv, client, e)
}

#[cold]
fn busy_wait(srv: &ServerState, client: &Client, e: &TableEntry) -> Result<(), CommandError> {
    // The script's own commands, and commands of an EXEC that already
    // holds its shards (waiting would only delay the script).
    if IN_SCRIPT.with(|c| c.get()) || ferrodis_engine::hold::holding() {
        return Ok(());
    }
    let scripting = &srv.scripting;
    let mut runs = scripting.runs.lock();
    loop {
        let Some(r) = Scripting::oldest_other(&runs, client.id()) else {
            return Ok(());
        };
        let deadline = r.started + r.threshold;
        if Instant::now() >= deadline {
            if e.spec.flags & ALLOW_BUSY != 0 {
                return Ok(());
            }
            return Err(if r.function.is_some() {
                CommandError::BusyFunction
            } else {
                CommandError::Busy
            });
        }
        scripting.ended.wait_until(&mut runs, deadline);
    }
}

/// SHUTDOWN's check: without NOSAVE it is refused while a script is busy.
pub fn shutdown_check(srv: &ServerState, nosave: bool) -> Result<(), CommandError> {
    if !nosave && srv.scripting.timed_out() {
        let function = srv
            .scripting
            .runs
            .lock()
            .iter()
            .min_by_key(|r| r.started)
            .is_some_and(|r| r.function.is_some());
        return Err(if function {
            CommandError::BusyFunction
        } else {
            CommandError::Busy
        });
    }
    Ok(())
}

/// Whether a script body may switch database (or reach another one), so
/// that its run must hold every database. A body that builds command
/// names at run time escapes this scan; such a command then locks the
/// shards it needs as it goes.
fn reaches_other_dbs(body: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[b"select", b"move", b"copy", b"swapdb", b"flushall"];
    let lower = body.to_ascii_lowercase();
    WORDS
        .iter()
        .any(|w| lower.windows(w.len()).any(|x| x == *w))
}

/// Splits off and checks a `#!` line. Returns the flags and the source to
/// compile (the shebang line blanked, so line numbers stay).
fn parse_shebang(body: &Bytes) -> Result<(ShebangFlags, Bytes), CommandError> {
    if !body.starts_with(b"#!") {
        return Ok((ShebangFlags::default(), body.clone()));
    }
    let Some(nl) = body.iter().position(|&b| b == b'\n') else {
        return Err(CommandError::InvalidShebang);
    };
    let line = &body[..nl];
    let mut parts = line
        .split(|&b| b == b' ' || b == b'\t' || b == b'\r')
        .filter(|p| !p.is_empty());
    let engine = parts.next().unwrap_or(b"#!");
    if engine != b"#!lua" {
        return Err(CommandError::ShebangEngine(crate::error::Lossy::new(
            engine, 1024,
        )));
    }
    let mut flags = ShebangFlags {
        shebang: true,
        ..Default::default()
    };
    for part in parts {
        let Some(list) = part.strip_prefix(b"flags=") else {
            return Err(CommandError::ShebangOption(crate::error::Lossy::new(
                part, 1024,
            )));
        };
        for flag in list.split(|&b| b == b',').filter(|f| !f.is_empty()) {
            match flag {
                b"no-writes" => flags.no_writes = true,
                b"allow-oom" => flags.allow_oom = true,
                b"allow-stale" => flags.allow_stale = true,
                b"no-cluster" | b"allow-cross-slot-keys" => {}
                _ => {
                    return Err(CommandError::ShebangFlag(crate::error::Lossy::new(
                        flag, 1024,
                    )))
                }
            }
        }
    }
    let mut source = Vec::with_capacity(body.len() - nl);
    source.extend_from_slice(&body[nl..]);
    Ok((flags, Bytes::from(source)))
}

/// sha1 of `body` in lowercase hex.
pub fn sha1_hex(body: &[u8]) -> [u8; 40] {
    let digest = sha1_smol::Sha1::from(body).digest().bytes();
    let mut out = [0u8; 40];
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in digest.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
    out
}

/// Builds a cache entry for `body` (checking its shebang), without
/// compiling it.
fn prepare(body: &Bytes) -> Result<Script, CommandError> {
    let (flags, source) = parse_shebang(body)?;
    Ok(Script {
        body: Bytes::copy_from_slice(body),
        source,
        flags,
        all_dbs: reaches_other_dbs(body),
    })
}

/// Looks up or creates the cache entry of a script body (EVAL and SCRIPT
/// LOAD), compiling it on this thread; a new entry enters the cache only
/// once it compiled.
fn load(srv: &ServerState, body: &Bytes) -> Result<([u8; 40], Arc<Script>), CommandError> {
    let sha = sha1_hex(body);
    if let Some(s) = srv.scripting.get(&sha) {
        return Ok((sha, s));
    }
    let script = Arc::new(prepare(body)?);
    engine::compile(srv, &sha, &script)?;
    srv.scripting.insert(sha, script.clone());
    Ok((sha, script))
}

/// EVALSHA's lookup: the sha is compared case-insensitively.
fn lookup_sha(srv: &ServerState, arg: &[u8]) -> Result<([u8; 40], Arc<Script>), CommandError> {
    let sha: [u8; 40] = arg.try_into().map_err(|_| CommandError::NoScript)?;
    let sha = sha.map(|b| b.to_ascii_lowercase());
    let script = srv.scripting.get(&sha).ok_or(CommandError::NoScript)?;
    Ok((sha, script))
}

/// The numkeys argument of the EVAL family, checked against argc.
fn numkeys(ctx: &Ctx<'_>) -> Result<usize, CommandError> {
    let n = parse_int(&ctx.argv[2])?;
    if n < 0 {
        return Err(CommandError::NumkeysNegative);
    }
    if n as usize > ctx.argc() - 3 {
        return Err(CommandError::TooManyNumkeys);
    }
    Ok(n as usize)
}

fn eval_generic(ctx: &mut Ctx<'_>, by_sha: bool, read_only: bool) -> CmdResult {
    // EVAL is SKIP_MONITOR so that monitors see it before the commands
    // its script runs, not after them.
    if crate::monitor::active() && !ctx.client.internal {
        if let Some(e) = crate::table::table().lookup(&ctx.argv[0]) {
            crate::monitor::feed(ctx.client, e, ctx.argv);
        }
    }
    // EVALSHA refuses a malformed digest first; then numkeys is checked,
    // before the body is looked up or compiled.
    if by_sha && ctx.argv[1].len() != 40 {
        return Err(CommandError::NoScript);
    }
    let nkeys = numkeys(ctx)?;
    let (sha, script) = if by_sha {
        lookup_sha(ctx.srv, &ctx.argv[1])?
    } else {
        load(ctx.srv, &ctx.argv[1])?
    };
    run_generic(
        ctx,
        Some(&script),
        sha,
        None,
        script.flags,
        script.all_dbs,
        nkeys,
        read_only,
    )
}

/// Runs a script or a function (`function`: its name) once admitted:
/// the read-only and OOM checks of flagged scripts, the hold on the
/// shards, the busy registry, then the engine.
#[allow(clippy::too_many_arguments)]
fn run_generic(
    ctx: &mut Ctx<'_>,
    script: Option<&Script>,
    sha: [u8; 40],
    function: Option<&Bytes>,
    flags: ShebangFlags,
    all_dbs: bool,
    nkeys: usize,
    read_only: bool,
) -> CmdResult {
    // A flagged script declares what it needs; it is admitted (or not)
    // once, before it runs, in Redis 7.0's order: a read-only replica
    // first (even before *_RO's own check), then stale data.
    let srv = ctx.srv;
    // CLIENT PAUSE WRITE holds a script that may write (one without a
    // shebang may), as Redis does before running it.
    if srv.pause.any() && !read_only && !flags.no_writes && crate::pause::applies_to(ctx.client) {
        if let Some(wait) = srv.pause.wait_for(true) {
            crate::pause::postpone(ctx.client, wait);
            return Ok(());
        }
    }
    let replica = flags.shebang && !ctx.client.is_master && srv.repl.is_replica();
    let (replica_ro, serve_stale) = if replica {
        let c = srv.config.read();
        (c.replica_read_only, c.replica_serve_stale_data)
    } else {
        (false, true)
    };
    if replica && replica_ro && !flags.no_writes {
        return Err(CommandError::ReadOnlyReplica);
    }
    if replica && !flags.allow_stale && !serve_stale && !srv.repl.link_up() {
        return Err(CommandError::MasterDown);
    }
    if read_only && flags.shebang && !flags.no_writes {
        return Err(CommandError::RoScriptWithWriteFlag);
    }
    // A script with a shebang is admitted once, before it runs: refused
    // over maxmemory unless it declares it does not need memory.
    let maxmemory = ferrodis_engine::evict::maxmemory();
    let oom = maxmemory > 0 && ferrodis_engine::alloc::used_memory() as u64 > maxmemory;
    if oom && flags.shebang && !flags.no_writes && !flags.allow_oom {
        return Err(CommandError::Oom);
    }
    let threshold = {
        let c = ctx.srv.config.read();
        Duration::from_millis(c.busy_reply_threshold)
    };
    let mut work = || {
        let _hold = if all_dbs {
            srv.keyspace.hold_all()
        } else {
            srv.keyspace.hold_dbs(&[ctx.client.db])
        };
        let run = srv.scripting.start(
            ctx.client.id(),
            threshold,
            function.map(|f| (f.clone(), ctx.argv.to_vec())),
        );
        let opts = engine::RunOptions {
            sha,
            function: function.map(|f| &f[..]),
            read_only: read_only || flags.no_writes,
            deny_oom: oom && !flags.allow_oom,
            keys: &ctx.argv[3..3 + nkeys],
            args: &ctx.argv[3 + nkeys..],
            info: run.info.clone(),
        };
        engine::run(srv, ctx.client, script, opts);
    };
    match srv.scripting.offload.get() {
        Some(offload) => offload(&mut work),
        None => work(),
    }
    Ok(())
}

fn eval(ctx: &mut Ctx<'_>) -> CmdResult {
    eval_generic(ctx, false, false)
}

fn evalsha(ctx: &mut Ctx<'_>) -> CmdResult {
    eval_generic(ctx, true, false)
}

fn eval_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    eval_generic(ctx, false, true)
}

fn evalsha_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    eval_generic(ctx, true, true)
}

fn script_load(ctx: &mut Ctx<'_>) -> CmdResult {
    let (sha, _) = load(ctx.srv, &ctx.argv[2])?;
    ctx.reply().bulk(&sha);
    Ok(())
}

fn script_exists(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.argc() - 2;
    let found: Vec<bool> = ctx.argv[2..]
        .iter()
        .map(|a| {
            <[u8; 40]>::try_from(a.as_ref())
                .map(|s| s.map(|b| b.to_ascii_lowercase()))
                .is_ok_and(|s| ctx.srv.scripting.get(&s).is_some())
        })
        .collect();
    let r = ctx.reply();
    r.array(n);
    for f in found {
        r.integer(i64::from(f));
    }
    Ok(())
}

fn script_flush(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.argc() {
        2 => {}
        3 if eq_ic(&ctx.argv[2], "ASYNC") || eq_ic(&ctx.argv[2], "SYNC") => {}
        _ => return Err(CommandError::ScriptFlushOption),
    }
    ctx.srv.scripting.flush();
    engine::flush_this_thread();
    ctx.reply().ok();
    Ok(())
}

fn script_kill(ctx: &mut Ctx<'_>) -> CmdResult {
    let runs = ctx.srv.scripting.runs.lock();
    let Some(r) = Scripting::oldest_other(&runs, ctx.client.id()) else {
        return Err(CommandError::NotBusy);
    };
    if r.wrote.load(Ordering::Acquire) {
        return Err(CommandError::Unkillable);
    }
    if r.function.is_some() {
        return Err(CommandError::BusyFunction);
    }
    r.kill.store(true, Ordering::Release);
    drop(runs);
    ctx.reply().ok();
    Ok(())
}

/// SCRIPT DEBUG: the Lua debugger is not implemented. NO is accepted (it
/// is the state every client is in); YES and SYNC are refused.
fn script_debug(ctx: &mut Ctx<'_>) -> CmdResult {
    let mode = &ctx.argv[2];
    if eq_ic(mode, "NO") {
        ctx.reply().ok();
        Ok(())
    } else if eq_ic(mode, "YES") || eq_ic(mode, "SYNC") {
        Err(CommandError::ScriptDebugUnsupported)
    } else {
        Err(CommandError::ScriptDebugMode)
    }
}

fn script_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "SCRIPT",
        &[
            "DEBUG (YES|SYNC|NO)",
            "    Lua debugger mode for this connection's next scripts (only NO is",
            "    supported by this server).",
            "EXISTS <sha1> [<sha1> ...]",
            "    For each sha1, 1 if a script with that digest is cached, else 0.",
            "FLUSH [ASYNC|SYNC]",
            "    Empty the script cache (both modes do it at once).",
            "KILL",
            "    Stop the running script, unless it has already written.",
            "LOAD <script>",
            "    Compile and cache a script without running it; replies its sha1.",
        ],
    );
    Ok(())
}

const SCRIPT_ARGS: &[Arg] = &[
    Arg {
        name: "script",
        kind: ArgKind::String,
        ..Arg::BASE
    },
    Arg {
        name: "numkeys",
        kind: ArgKind::Integer,
        ..Arg::BASE
    },
    Arg {
        name: "key",
        kind: ArgKind::Key,
        key_spec_index: 0,
        flags: ARG_OPTIONAL | ARG_MULTIPLE,
        ..Arg::BASE
    },
    Arg {
        name: "arg",
        kind: ArgKind::String,
        flags: ARG_OPTIONAL | ARG_MULTIPLE,
        ..Arg::BASE
    },
];

const SHA_ARGS: &[Arg] = &[
    Arg {
        name: "sha1",
        kind: ArgKind::String,
        ..Arg::BASE
    },
    Arg {
        name: "numkeys",
        kind: ArgKind::Integer,
        ..Arg::BASE
    },
    Arg {
        name: "key",
        kind: ArgKind::Key,
        key_spec_index: 0,
        flags: ARG_OPTIONAL | ARG_MULTIPLE,
        ..Arg::BASE
    },
    Arg {
        name: "arg",
        kind: ArgKind::String,
        flags: ARG_OPTIONAL | ARG_MULTIPLE,
        ..Arg::BASE
    },
];

const RW_KEYS: &[KeySpec] = &[KeySpec {
    notes: Some("We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"),
    flags: &["RW", "access", "update"],
    begin: Begin::Index(2),
    find: Find::Keynum {
        keynum_idx: 0,
        first: 1,
        step: 1,
    },
}];

const RW_KEYS_SHA: &[KeySpec] = &[KeySpec {
    notes: None,
    flags: &["RW", "access", "update"],
    begin: Begin::Index(2),
    find: Find::Keynum {
        keynum_idx: 0,
        first: 1,
        step: 1,
    },
}];

const RO_KEYS: &[KeySpec] = &[KeySpec {
    notes: Some("We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"),
    flags: &["RO", "access"],
    begin: Begin::Index(2),
    find: Find::Keynum {
        keynum_idx: 0,
        first: 1,
        step: 1,
    },
}];

const RO_KEYS_SHA: &[KeySpec] = &[KeySpec {
    notes: None,
    flags: &["RO", "access"],
    begin: Begin::Index(2),
    find: Find::Keynum {
        keynum_idx: 0,
        first: 1,
        step: 1,
    },
}];

const SCRIPT_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "debug",
        handler: Some(script_debug),
        arity: 3,
        flags: NOSCRIPT,
        acl: CAT_SCRIPTING,
        group: "scripting",
        since: "3.2.0",
        summary: "Chooses the Lua debugger mode for later scripts of this connection.",
        complexity: "O(1)",
        args: &[Arg {
            name: "mode",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "yes",
                    kind: ArgKind::PureToken,
                    token: Some("YES"),
                    ..Arg::BASE
                },
                Arg {
                    name: "sync",
                    kind: ArgKind::PureToken,
                    token: Some("SYNC"),
                    ..Arg::BASE
                },
                Arg {
                    name: "no",
                    kind: ArgKind::PureToken,
                    token: Some("NO"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "exists",
        handler: Some(script_exists),
        arity: -3,
        flags: NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:agg_logical_and"],
        group: "scripting",
        since: "2.6.0",
        summary: "Tells, for each digest, whether that script is in the script cache.",
        complexity: "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
        args: &[Arg {
            name: "sha1",
            kind: ArgKind::String,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "flush",
        handler: Some(script_flush),
        arity: -2,
        flags: NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "scripting",
        since: "2.6.0",
        summary: "Empties the script cache.",
        complexity: "O(N) with N being the number of scripts in cache",
        doc_flags: &[],
        args: &[Arg {
            name: "async",
            kind: ArgKind::Oneof,
            since: Some("6.2.0"),
            flags: ARG_OPTIONAL,
            args: &[
                Arg {
                    name: "async",
                    kind: ArgKind::PureToken,
                    token: Some("ASYNC"),
                    ..Arg::BASE
                },
                Arg {
                    name: "sync",
                    kind: ArgKind::PureToken,
                    token: Some("SYNC"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(script_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_SCRIPTING,
        group: "scripting",
        since: "5.0.0",
        summary: "Lists the SCRIPT subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "kill",
        handler: Some(script_kill),
        arity: 2,
        flags: NOSCRIPT | ALLOW_BUSY,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
        group: "scripting",
        since: "2.6.0",
        summary: "Stops the script that is running, if it has not written yet.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "load",
        handler: Some(script_load),
        arity: 3,
        flags: NOSCRIPT | STALE,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "scripting",
        since: "2.6.0",
        summary: "Compiles a script and keeps it in the script cache, without running it.",
        complexity: "O(N) with N being the length in bytes of the script body.",
        args: &[Arg {
            name: "script",
            kind: ArgKind::String,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "eval",
        handler: Some(eval),
        arity: -3,
        flags: NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLEKEYS,
        acl: CAT_SCRIPTING,
        key_specs: RW_KEYS,
        group: "scripting",
        since: "2.6.0",
        summary: "Runs a Lua script on the server.",
        complexity: "Depends on the script that is executed.",
        args: SCRIPT_ARGS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "evalsha",
        handler: Some(evalsha),
        arity: -3,
        flags: NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLEKEYS,
        acl: CAT_SCRIPTING,
        key_specs: RW_KEYS_SHA,
        group: "scripting",
        since: "2.6.0",
        summary: "Runs a cached Lua script, named by the sha1 digest of its body.",
        complexity: "Depends on the script that is executed.",
        args: SHA_ARGS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "eval_ro",
        handler: Some(eval_ro),
        arity: -3,
        flags: READONLY | NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLEKEYS,
        acl: CAT_SCRIPTING,
        key_specs: RO_KEYS,
        group: "scripting",
        since: "7.0.0",
        summary: "Runs a Lua script that may not call write commands.",
        complexity: "Depends on the script that is executed.",
        args: SCRIPT_ARGS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "evalsha_ro",
        handler: Some(evalsha_ro),
        arity: -3,
        flags: READONLY | NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLEKEYS,
        acl: CAT_SCRIPTING,
        key_specs: RO_KEYS_SHA,
        group: "scripting",
        since: "7.0.0",
        summary: "Runs a cached Lua script, by sha1, that may not call write commands.",
        complexity: "Depends on the script that is executed.",
        args: SHA_ARGS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "script",
        arity: -2,
        group: "scripting",
        since: "2.6.0",
        summary: "A container for the script cache and script control subcommands.",
        complexity: "Depends on subcommand.",
        subcommands: SCRIPT_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
];

#[cfg(test)]
mod tests;
