//! Redis 7.0 functions: the server-wide library registry, FCALL /
//! FCALL_RO and the FUNCTION subcommands, with their table rows.
//!
//! A library is Lua code whose first line is `#!lua name=<lib>`; running
//! it (in a load environment where only `redis.register_function`,
//! `redis.log` and the constants exist) registers its functions. The
//! registry keeps each library's code and what it registered; it does not
//! keep Lua values, since every thread has its own interpreter: each one
//! runs the libraries' code again the first time it needs a function after
//! the registry changed (`engine::State::sync_functions`, keyed by the
//! registry's generation). FCALL then runs through the same path as EVAL
//! (held shards, busy registry, propagation as MULTI/EXEC).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::RwLock;

use super::engine::{self, FUNCTION_FLAGS};
use super::{reaches_other_dbs, run_generic, ShebangFlags};
use crate::args::{eq_ic, parse_int};
use crate::context::{Ctx, ServerState};
use crate::error::{CmdResult, CommandError, Lossy};
use crate::spec::*;

/// One function of a library, as FUNCTION LIST shows it.
#[derive(Debug, Clone)]
pub struct FunctionInfo {
    pub name: Bytes,
    pub description: Option<Bytes>,
    /// Bit i set: `FUNCTION_FLAGS[i]`.
    pub flags: u8,
}

/// A loaded library. Invariant: `functions` is non-empty, sorted by name,
/// and its names are unique across the whole registry.
#[derive(Debug)]
pub struct Library {
    pub name: Bytes,
    /// The code as it was given (FUNCTION LIST WITHCODE, DUMP, RDB).
    pub code: Bytes,
    /// The code with its shebang line blanked (what Lua compiles; line
    /// numbers are kept).
    pub source: Bytes,
    pub functions: Vec<FunctionInfo>,
    /// The code mentions a command that reaches other databases.
    pub all_dbs: bool,
}

/// The libraries and an index of their functions. Invariant: `index`
/// names exactly the functions of `libs`, by lowercased name: function
/// names are case-insensitive across libraries, as in Redis (within one
/// library, names differing only in case may coexist; the first one
/// registered is the one FCALL finds).
#[derive(Default, Clone)]
struct Registry {
    libs: BTreeMap<Bytes, Arc<Library>>,
    index: HashMap<Bytes, (Arc<Library>, usize)>,
}

impl Registry {
    fn reindex(&mut self) {
        self.index.clear();
        for lib in self.libs.values() {
            Self::index_library(&mut self.index, lib);
        }
    }

    fn index_library(index: &mut HashMap<Bytes, (Arc<Library>, usize)>, lib: &Arc<Library>) {
        for (i, f) in lib.functions.iter().enumerate() {
            index
                .entry(Bytes::from(f.name.to_ascii_lowercase()))
                .or_insert_with(|| (lib.clone(), i));
        }
    }

    /// Adds `new` (libraries already checked one by one); with `replace`,
    /// same-named libraries are replaced, otherwise refused. A function
    /// name already used by another library is refused. Nothing changes
    /// on error.
    fn join(
        &mut self,
        new: Vec<Library>,
        replace: bool,
        restore: bool,
    ) -> Result<(), CommandError> {
        let mut next = self.clone();
        for lib in &new {
            if next.libs.contains_key(&lib.name) {
                if !replace {
                    let name = Lossy::new(&lib.name, 1024);
                    return Err(if restore {
                        CommandError::LibraryExistsRestore(name)
                    } else {
                        CommandError::LibraryExists(name)
                    });
                }
                next.libs.remove(&lib.name);
            }
        }
        next.reindex();
        for lib in new {
            let lib = Arc::new(lib);
            for f in &lib.functions {
                if next.index.contains_key(&f.name.to_ascii_lowercase()[..]) {
                    return Err(CommandError::FunctionExists(Lossy::new(&f.name, 1024)));
                }
            }
            Self::index_library(&mut next.index, &lib);
            next.libs.insert(lib.name.clone(), lib);
        }
        *self = next;
        Ok(())
    }

    fn function_count(&self) -> usize {
        self.libs.values().map(|l| l.functions.len()).sum()
    }
}

/// The server's function libraries. `generation` changes with every
/// change of the registry, so that interpreters reload their functions.
#[derive(Default)]
pub struct Functions {
    reg: RwLock<Registry>,
    generation: AtomicU64,
}

impl Functions {
    /// The generation and the libraries, read together.
    pub fn snapshot(&self) -> (u64, Vec<Arc<Library>>) {
        let reg = self.reg.read();
        (
            self.generation.load(Ordering::Acquire),
            reg.libs.values().cloned().collect(),
        )
    }

    /// The registry's generation (changes with every change).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Every library's code (RDB, FUNCTION DUMP).
    pub fn codes(&self) -> Vec<Bytes> {
        self.reg
            .read()
            .libs
            .values()
            .map(|l| l.code.clone())
            .collect()
    }

    pub fn library_count(&self) -> usize {
        self.reg.read().libs.len()
    }

    pub fn function_count(&self) -> usize {
        self.reg.read().function_count()
    }

    /// Bytes the registry keeps (MEMORY STATS functions.caches, INFO
    /// used_memory_functions): each library's name, code and function
    /// descriptions with their structs, and the function index. An
    /// estimate from lengths and capacities; the compiled functions live
    /// in the interpreters (used_memory_vm_eval).
    pub fn memory(&self) -> usize {
        use std::mem::size_of;
        let reg = self.reg.read();
        let libs: usize = reg
            .libs
            .values()
            .map(|l| {
                // A shebang-free library compiles its code as given (one
                // shared buffer).
                let source = if l.source.as_ptr() == l.code.as_ptr() {
                    0
                } else {
                    l.source.len()
                };
                let functions: usize = l
                    .functions
                    .iter()
                    .map(|f| f.name.len() + f.description.as_ref().map_or(0, |d| d.len()))
                    .sum();
                // Arc counters + the struct, the BTreeMap slot.
                16 + size_of::<Library>()
                    + size_of::<(Bytes, Arc<Library>)>()
                    + l.name.len()
                    + l.code.len()
                    + source
                    + l.functions.capacity() * size_of::<FunctionInfo>()
                    + functions
            })
            .sum();
        let index: usize = reg.index.keys().map(|k| k.len()).sum();
        libs + index
            + ferrodis_engine::dense::hash_table_bytes::<(Bytes, (Arc<Library>, usize))>(
                reg.index.capacity(),
            )
    }

    /// A function by name, case-insensitively.
    fn lookup(&self, name: &[u8]) -> Option<(Arc<Library>, usize)> {
        let reg = self.reg.read();
        if name.iter().any(u8::is_ascii_uppercase) {
            reg.index.get(&name.to_ascii_lowercase()[..]).cloned()
        } else {
            reg.index.get(name).cloned()
        }
    }

    /// Changes the registry under its write lock; the generation moves on
    /// when `f` succeeds.
    fn update<R>(
        &self,
        f: impl FnOnce(&mut Registry) -> Result<R, CommandError>,
    ) -> Result<R, CommandError> {
        let mut reg = self.reg.write();
        let r = f(&mut reg)?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(r)
    }
}

/// The metadata of a library's first line.
struct Meta {
    name: Vec<u8>,
    engine: Vec<u8>,
    /// Offset of the newline ending the shebang line.
    body_start: usize,
}

/// Parses `#!<engine> name=<lib>` (arguments split as Redis splits a
/// config line, so quotes work).
fn parse_meta(code: &[u8]) -> Result<Meta, CommandError> {
    if !code.starts_with(b"#!") {
        return Err(CommandError::MissingLibraryMetadata);
    }
    let nl = code
        .iter()
        .position(|&b| b == b'\n')
        .ok_or(CommandError::InvalidLibraryMetadata)?;
    let parts = ferrodis_config::lexer::split_args_bytes(&code[..nl])
        .map_err(|_| CommandError::InvalidLibraryMetadata)?;
    let Some(first) = parts.first() else {
        return Err(CommandError::InvalidLibraryMetadata);
    };
    let engine = first[2..].to_vec();
    let mut name: Option<Vec<u8>> = None;
    for part in &parts[1..] {
        let Some(eq) = part.iter().position(|&b| b == b'=') else {
            return Err(CommandError::InvalidMetadataValue(Lossy::new(part, 1024)));
        };
        if &part[..eq] != b"name" {
            return Err(CommandError::InvalidMetadataValue(Lossy::new(part, 1024)));
        }
        if name.is_some() {
            return Err(CommandError::MetadataNameTwice);
        }
        name = Some(part[eq + 1..].to_vec());
    }
    let name = name.ok_or(CommandError::LibraryNameNotGiven)?;
    Ok(Meta {
        name,
        engine,
        body_start: nl,
    })
}

/// Checks a library's metadata and runs its code on this thread: the
/// library it would be, not yet in the registry. Without `replace`, a
/// library of the same name already there is refused first (before the
/// code runs, as Redis orders its errors).
fn create_library(
    srv: &ServerState,
    code: &[u8],
    replace: bool,
    timeout: std::time::Duration,
) -> Result<Library, CommandError> {
    let meta = parse_meta(code)?;
    if !engine::valid_name(&meta.name) {
        return Err(CommandError::BadLibraryName);
    }
    if !meta.engine.eq_ignore_ascii_case(b"lua") {
        return Err(CommandError::EngineNotFound(Lossy::new(&meta.engine, 1024)));
    }
    if !replace
        && srv
            .scripting
            .functions
            .reg
            .read()
            .libs
            .contains_key(&meta.name[..])
    {
        return Err(CommandError::LibraryExists(Lossy::new(&meta.name, 1024)));
    }
    let mut source = Vec::with_capacity(code.len() - meta.body_start);
    source.extend_from_slice(&code[meta.body_start..]);
    let regs = engine::load_library(srv, &source, timeout)?;
    let mut functions: Vec<FunctionInfo> = regs
        .into_iter()
        .map(|r| FunctionInfo {
            name: r.name,
            description: r.description,
            flags: r.flags,
        })
        .collect();
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Library {
        name: Bytes::from(meta.name),
        code: Bytes::copy_from_slice(code),
        source: Bytes::from(source),
        functions,
        all_dbs: reaches_other_dbs(code),
    })
}

/// Replaces every library with the ones in `codes` (RDB loading, a full
/// sync). Libraries that fail to load are an error.
pub fn install_all(srv: &ServerState, codes: &[Vec<u8>]) -> Result<(), CommandError> {
    let mut libs = Vec::with_capacity(codes.len());
    for code in codes {
        libs.push(create_library(srv, code, true, engine::LOAD_TIMEOUT * 10)?);
    }
    srv.scripting.functions.update(|reg| {
        let mut fresh = Registry::default();
        fresh.join(libs, false, true)?;
        *reg = fresh;
        Ok(())
    })
}

// ---------------------------------------------------------------- FCALL

fn fcall_generic(ctx: &mut Ctx<'_>, read_only: bool) -> CmdResult {
    let Some((lib, i)) = ctx.srv.scripting.functions.lookup(&ctx.argv[1]) else {
        return Err(CommandError::FunctionNotFound);
    };
    let n = parse_int(&ctx.argv[2]).map_err(|_| CommandError::BadNumberOfKeys)?;
    if n < 0 {
        return Err(CommandError::NumkeysNegative);
    }
    if n as usize > ctx.argc() - 3 {
        return Err(CommandError::TooManyNumkeys);
    }
    let f = &lib.functions[i];
    let flags = ShebangFlags {
        shebang: true,
        no_writes: f.flags & 1 != 0,
        allow_oom: f.flags & 2 != 0,
        allow_stale: f.flags & 4 != 0,
    };
    let name = f.name.clone();
    run_generic(
        ctx,
        None,
        [0; 40],
        Some(&name),
        flags,
        lib.all_dbs,
        n as usize,
        read_only,
    )
}

fn fcall(ctx: &mut Ctx<'_>) -> CmdResult {
    fcall_generic(ctx, false)
}

fn fcall_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    fcall_generic(ctx, true)
}

// ------------------------------------------------------------- FUNCTION

fn function_load(ctx: &mut Ctx<'_>) -> CmdResult {
    let last = ctx.argc() - 1;
    let mut replace = false;
    for a in &ctx.argv[2..last] {
        if eq_ic(a, "REPLACE") {
            replace = true;
        } else {
            return Err(CommandError::FunctionLoadOption(Lossy::new(a, 1024)));
        }
    }
    let lib = create_library(ctx.srv, &ctx.argv[last], replace, engine::LOAD_TIMEOUT)?;
    let name = lib.name.clone();
    ctx.srv
        .scripting
        .functions
        .update(|reg| reg.join(vec![lib], replace, false))?;
    ctx.reply().bulk(&name);
    Ok(())
}

fn function_delete(ctx: &mut Ctx<'_>) -> CmdResult {
    let name = ctx.argv[2].clone();
    ctx.srv.scripting.functions.update(|reg| {
        reg.libs
            .remove(&name[..])
            .ok_or(CommandError::LibraryNotFound)?;
        reg.reindex();
        Ok(())
    })?;
    ctx.reply().ok();
    Ok(())
}

fn function_flush(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.argc() {
        2 => {}
        3 if eq_ic(&ctx.argv[2], "ASYNC") || eq_ic(&ctx.argv[2], "SYNC") => {}
        3 => return Err(CommandError::FunctionFlushOption),
        _ => {
            return Err(CommandError::UnknownSubcommandOrArity {
                sub: Lossy::new(&ctx.argv[1], 128),
                container: "FUNCTION",
            })
        }
    }
    ctx.srv.scripting.functions.update(|reg| {
        *reg = Registry::default();
        Ok(())
    })?;
    ctx.reply().ok();
    Ok(())
}

fn function_list(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut pattern: Option<Bytes> = None;
    let mut with_code = false;
    let mut i = 2;
    while i < ctx.argc() {
        let a = &ctx.argv[i];
        if eq_ic(a, "WITHCODE") && !with_code {
            with_code = true;
        } else if eq_ic(a, "LIBRARYNAME") && pattern.is_none() {
            let Some(p) = ctx.argv.get(i + 1) else {
                return Err(CommandError::FunctionListNoName);
            };
            pattern = Some(p.clone());
            i += 1;
        } else {
            return Err(CommandError::FunctionListArgument(Lossy::new(a, 1024)));
        }
        i += 1;
    }
    let (_, libs) = ctx.srv.scripting.functions.snapshot();
    let libs: Vec<_> = libs
        .into_iter()
        .filter(|l| {
            pattern
                .as_ref()
                .is_none_or(|p| ferrodis_engine::glob::glob_match(p, &l.name, true))
        })
        .collect();
    let r = ctx.reply();
    r.array(libs.len());
    for lib in &libs {
        r.map(if with_code { 4 } else { 3 });
        r.bulk(b"library_name");
        r.bulk(&lib.name);
        r.bulk(b"engine");
        r.bulk(b"LUA");
        r.bulk(b"functions");
        r.array(lib.functions.len());
        for f in &lib.functions {
            r.map(3);
            r.bulk(b"name");
            r.bulk(&f.name);
            r.bulk(b"description");
            match &f.description {
                Some(d) => r.bulk(d),
                None => r.null(),
            }
            r.bulk(b"flags");
            r.set(f.flags.count_ones() as usize);
            for (bit, name) in FUNCTION_FLAGS.iter().enumerate() {
                if f.flags & (1 << bit) != 0 {
                    r.simple(name.as_bytes());
                }
            }
        }
        if with_code {
            r.bulk(b"library_code");
            r.bulk(&lib.code);
        }
    }
    Ok(())
}

fn function_stats(ctx: &mut Ctx<'_>) -> CmdResult {
    let running = {
        let runs = ctx.srv.scripting.runs.lock();
        let oldest = super::Scripting::oldest_other(&runs, ctx.client.id()).cloned();
        // While an EVAL script is busy, Redis refuses this with the busy
        // script error.
        if oldest.as_ref().is_some_and(|r| r.function.is_none()) {
            return Err(CommandError::Busy);
        }
        oldest
    };
    let (libs, funcs) = {
        let reg = ctx.srv.scripting.functions.reg.read();
        (reg.libs.len(), reg.function_count())
    };
    let r = ctx.reply();
    r.map(2);
    r.bulk(b"running_script");
    match running
        .as_ref()
        .and_then(|run| run.function.as_ref().map(|f| (run, f)))
    {
        Some((run, (name, argv))) => {
            r.map(3);
            r.bulk(b"name");
            r.bulk(name);
            r.bulk(b"command");
            r.array(argv.len());
            for a in argv {
                r.bulk(a);
            }
            r.bulk(b"duration_ms");
            r.integer(run.started.elapsed().as_millis() as i64);
        }
        None => r.null(),
    }
    r.bulk(b"engines");
    r.map(1);
    r.bulk(b"LUA");
    r.map(2);
    r.bulk(b"libraries_count");
    r.integer(libs as i64);
    r.bulk(b"functions_count");
    r.integer(funcs as i64);
    Ok(())
}

fn function_kill(ctx: &mut Ctx<'_>) -> CmdResult {
    let runs = ctx.srv.scripting.runs.lock();
    let Some(r) = super::Scripting::oldest_other(&runs, ctx.client.id()) else {
        return Err(CommandError::NotBusy);
    };
    if r.wrote.load(Ordering::Acquire) {
        return Err(CommandError::Unkillable);
    }
    if r.function.is_none() {
        return Err(CommandError::Busy);
    }
    r.kill.store(true, Ordering::Release);
    drop(runs);
    ctx.reply().ok();
    Ok(())
}

fn function_dump(ctx: &mut Ctx<'_>) -> CmdResult {
    let codes = ctx.srv.scripting.functions.codes();
    let payload = ferrodis_persist::rdb::functions_payload(codes.iter().map(|c| &c[..]));
    ctx.reply().bulk(&payload);
    Ok(())
}

fn function_restore(ctx: &mut Ctx<'_>) -> CmdResult {
    #[derive(PartialEq)]
    enum Policy {
        Flush,
        Append,
        Replace,
    }
    if ctx.argc() > 4 {
        return Err(CommandError::UnknownSubcommandOrArity {
            sub: Lossy::new(&ctx.argv[1], 128),
            container: "FUNCTION",
        });
    }
    let policy = match ctx.argv.get(3) {
        None => Policy::Append,
        Some(p) if eq_ic(p, "FLUSH") => Policy::Flush,
        Some(p) if eq_ic(p, "APPEND") => Policy::Append,
        Some(p) if eq_ic(p, "REPLACE") => Policy::Replace,
        Some(_) => return Err(CommandError::RestorePolicy),
    };
    use ferrodis_persist::rdb::FunctionsPayloadError as E;
    let payload_error = |e: E| match e {
        E::Envelope => CommandError::DumpPayload,
        E::NotAFunction => CommandError::NotAFunctionPayload,
        E::Corrupt => CommandError::FunctionPayloadLoad,
    };
    let (codes, trailing) =
        ferrodis_persist::rdb::parse_functions_payload(&ctx.argv[2]).map_err(payload_error)?;
    let mut libs = Vec::with_capacity(codes.len());
    for code in &codes {
        libs.push(create_library(ctx.srv, code, true, engine::LOAD_TIMEOUT)?);
    }
    if let Some(e) = trailing {
        return Err(payload_error(e));
    }
    ctx.srv.scripting.functions.update(|reg| {
        if policy == Policy::Flush {
            let mut fresh = Registry::default();
            fresh.join(libs, false, true)?;
            *reg = fresh;
            Ok(())
        } else {
            reg.join(libs, policy == Policy::Replace, true)
        }
    })?;
    ctx.reply().ok();
    Ok(())
}

fn function_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "FUNCTION",
        &[
            "LOAD [REPLACE] <library code>",
            "    Load a library whose first line is '#!lua name=<library>'; its code",
            "    registers functions with redis.register_function. REPLACE lets it",
            "    take the place of a library of the same name.",
            "DELETE <library name>",
            "    Remove a library and its functions.",
            "KILL",
            "    Stop the function that is running, unless it has already written.",
            "FLUSH [ASYNC|SYNC]",
            "    Remove every library (both modes do it at once).",
            "LIST [LIBRARYNAME <pattern>] [WITHCODE]",
            "    Describe the libraries (those whose name matches the glob-style",
            "    pattern), with their functions and, with WITHCODE, their code.",
            "STATS",
            "    The function running now, if any, and the number of libraries and",
            "    functions per engine.",
            "DUMP",
            "    A serialized payload of every library, for FUNCTION RESTORE.",
            "RESTORE <payload> [FLUSH|APPEND|REPLACE]",
            "    Load the libraries of a FUNCTION DUMP payload. FLUSH removes the",
            "    existing libraries first; APPEND (the default) refuses a library",
            "    name that exists; REPLACE replaces libraries of the same name.",
        ],
    );
    Ok(())
}

const FUNCTION_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "delete",
        handler: Some(function_delete),
        arity: 3,
        flags: WRITE | NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "scripting",
        since: "7.0.0",
        summary: "Removes a function library and its functions.",
        complexity: "O(1)",
        args: &[Arg {
            name: "library-name",
            kind: ArgKind::String,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "flush",
        handler: Some(function_flush),
        arity: -2,
        flags: WRITE | NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "scripting",
        since: "7.0.0",
        summary: "Removes every function library.",
        complexity: "O(N) where N is the number of functions deleted",
        args: &[Arg {
            name: "async",
            kind: ArgKind::Oneof,
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
        handler: Some(function_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_SCRIPTING,
        group: "scripting",
        since: "7.0.0",
        summary: "Lists the FUNCTION subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "list",
        handler: Some(function_list),
        arity: -2,
        flags: NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["nondeterministic_output_order"],
        group: "scripting",
        since: "7.0.0",
        summary: "Describes the loaded function libraries and their functions.",
        complexity: "O(N) where N is the number of functions",
        args: &[
            Arg {
                name: "library-name-pattern",
                kind: ArgKind::String,
                token: Some("LIBRARYNAME"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "withcode",
                kind: ArgKind::PureToken,
                token: Some("WITHCODE"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "stats",
        handler: Some(function_stats),
        arity: 2,
        flags: NOSCRIPT | ALLOW_BUSY,
        acl: CAT_SCRIPTING,
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        group: "scripting",
        since: "7.0.0",
        summary: "Reports the running function and how many libraries and functions are loaded.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "restore",
        handler: Some(function_restore),
        arity: -3,
        flags: WRITE | DENYOOM | NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "scripting",
        since: "7.0.0",
        summary: "Loads the libraries of a FUNCTION DUMP payload.",
        complexity: "O(N) where N is the number of functions on the payload",
        args: &[
            Arg {
                name: "serialized-value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "policy",
                kind: ArgKind::Oneof,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "flush",
                        kind: ArgKind::PureToken,
                        token: Some("FLUSH"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "append",
                        kind: ArgKind::PureToken,
                        token: Some("APPEND"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "replace",
                        kind: ArgKind::PureToken,
                        token: Some("REPLACE"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "load",
        handler: Some(function_load),
        arity: -3,
        flags: WRITE | DENYOOM | NOSCRIPT,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "scripting",
        since: "7.0.0",
        summary: "Loads a function library from its Lua code.",
        complexity: "O(1) (considering compilation time is redundant)",
        args: &[
            Arg {
                name: "replace",
                kind: ArgKind::PureToken,
                token: Some("REPLACE"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "function-code",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "kill",
        handler: Some(function_kill),
        arity: 2,
        flags: NOSCRIPT | ALLOW_BUSY,
        acl: CAT_SCRIPTING,
        tips: &["request_policy:all_shards", "response_policy:one_succeeded"],
        group: "scripting",
        since: "7.0.0",
        summary: "Stops the running function, if it has not written yet.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "dump",
        handler: Some(function_dump),
        arity: 2,
        flags: NOSCRIPT,
        acl: CAT_SCRIPTING,
        group: "scripting",
        since: "7.0.0",
        summary: "Serializes every function library into a payload for FUNCTION RESTORE.",
        complexity: "O(N) where N is the number of functions",
        ..CommandSpec::BASE
    },
];

/// FCALL's and FCALL_RO's arguments.
const FCALL_ARGS: &[Arg] = &[
    Arg {
        name: "function",
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

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "fcall",
        handler: Some(fcall),
        arity: -3,
        flags: NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLEKEYS,
        acl: CAT_SCRIPTING,
        key_specs: &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
            ),
            flags: &["RW", "access", "update"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                keynum_idx: 0,
                first: 1,
                step: 1,
            },
        }],
        group: "scripting",
        since: "7.0.0",
        summary: "Runs a function of a loaded library.",
        complexity: "Depends on the function that is executed.",
        args: FCALL_ARGS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "fcall_ro",
        handler: Some(fcall_ro),
        arity: -3,
        flags: READONLY | NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLEKEYS,
        acl: CAT_SCRIPTING,
        key_specs: &[KeySpec {
            notes: Some(
                "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS",
            ),
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Keynum {
                keynum_idx: 0,
                first: 1,
                step: 1,
            },
        }],
        group: "scripting",
        since: "7.0.0",
        summary: "Runs a function of a loaded library that declared it does not write.",
        complexity: "Depends on the function that is executed.",
        args: FCALL_ARGS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "function",
        arity: -2,
        group: "scripting",
        since: "7.0.0",
        summary: "A container for the function library subcommands.",
        complexity: "Depends on subcommand.",
        subcommands: FUNCTION_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
];
