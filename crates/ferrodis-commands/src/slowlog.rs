//! SLOWLOG: commands whose execution took at least
//! `slowlog-log-slower-than` microseconds, newest first.
//!
//! The threshold and length live in atomics so that the per-command check
//! is one relaxed load; the log itself is a mutex-protected ring that only
//! slow commands (and SLOWLOG) touch.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use bytes::Bytes;
use parking_lot::Mutex;

use crate::args::parse_i64_strict;
use crate::context::{Client, Ctx};
use crate::error::{CmdResult, CommandError, Lossy};
use crate::spec::*;
use crate::table::TableEntry;

/// Arguments kept per entry; the last slot says how many more there were.
const MAX_ARGS: usize = 32;
/// Bytes kept per argument; the rest is summarized.
const MAX_ARG_BYTES: usize = 128;

/// One logged command. Invariant: `argv.len() <= MAX_ARGS`, each argument
/// at most MAX_ARG_BYTES plus its "... (N more bytes)" suffix.
struct Entry {
    id: u64,
    time_secs: u64,
    duration_us: u64,
    argv: Vec<Bytes>,
    addr: String,
    name: Bytes,
}

/// Newest entry at the front; at most `slowlog-max-len` entries.
static LOG: Mutex<VecDeque<Entry>> = Mutex::new(VecDeque::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
static SLOWER_THAN: AtomicI64 = AtomicI64::new(10_000);
static MAX_LEN: AtomicI64 = AtomicI64::new(128);

/// Follows the config after start-up and CONFIG SET.
pub fn configure(cfg: &ferrodis_config::Config) {
    SLOWER_THAN.store(cfg.slowlog_log_slower_than, Ordering::Relaxed);
    MAX_LEN.store(cfg.slowlog_max_len, Ordering::Relaxed);
    let max = cfg.slowlog_max_len.max(0) as usize;
    LOG.lock().truncate(max);
}

/// `slowlog-log-slower-than` (microseconds; negative: off).
pub fn threshold_us() -> i64 {
    SLOWER_THAN.load(Ordering::Relaxed)
}

/// Whether a command of this duration is to be logged.
#[inline]
pub fn wanted(duration_us: u64) -> bool {
    let t = SLOWER_THAN.load(Ordering::Relaxed);
    t >= 0 && duration_us >= t as u64
}

/// Logs a command that took `duration_us` (the caller checked `wanted`).
pub fn push(client: &Client, e: &TableEntry, argv: &[Bytes], duration_us: u64) {
    if e.spec.flags & SKIP_SLOWLOG != 0 {
        return;
    }
    let redact = crate::monitor::redactions(e, argv);
    let n = argv.len().min(MAX_ARGS);
    let mut kept = Vec::with_capacity(n);
    for (i, a) in argv.iter().enumerate().take(n) {
        if n < argv.len() && i == n - 1 {
            let more = argv.len() - i;
            kept.push(Bytes::from(format!("... ({more} more arguments)")));
            break;
        }
        if redact.contains(&i) {
            kept.push(Bytes::from_static(b"(redacted)"));
        } else if a.len() > MAX_ARG_BYTES {
            let mut s = a[..MAX_ARG_BYTES].to_vec();
            s.extend_from_slice(format!("... ({} more bytes)", a.len() - MAX_ARG_BYTES).as_bytes());
            kept.push(Bytes::from(s));
        } else {
            // Copied so that the entry does not pin the read buffer.
            kept.push(Bytes::copy_from_slice(a));
        }
    }
    let entry = Entry {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        time_secs: ferrodis_engine::clock::now_ms() / 1000,
        duration_us,
        argv: kept,
        addr: client.shared.addr.clone(),
        name: client.shared.name.lock().clone().unwrap_or_default(),
    };
    let max = MAX_LEN.load(Ordering::Relaxed).max(0) as usize;
    let mut log = LOG.lock();
    log.push_front(entry);
    log.truncate(max);
}

fn slowlog_get(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(CommandError::UnknownSubcommandOrArity {
            sub: Lossy::new(&ctx.argv[1], 128),
            container: "SLOWLOG",
        });
    }
    let count = match ctx.argv.get(2) {
        None => 10,
        Some(a) => match parse_i64_strict(a) {
            Some(-1) => usize::MAX,
            Some(n) if n >= 0 => n as usize,
            _ => return Err(CommandError::SlowlogCount),
        },
    };
    let log = LOG.lock();
    let n = count.min(log.len());
    let r = ctx.reply();
    r.array(n);
    for e in log.iter().take(n) {
        r.array(6);
        r.integer(e.id as i64);
        r.integer(e.time_secs as i64);
        r.integer(e.duration_us as i64);
        r.array(e.argv.len());
        for a in &e.argv {
            r.bulk(a);
        }
        r.bulk(e.addr.as_bytes());
        r.bulk(&e.name);
    }
    Ok(())
}

fn slowlog_len(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = LOG.lock().len() as i64;
    ctx.reply().integer(n);
    Ok(())
}

fn slowlog_reset(ctx: &mut Ctx<'_>) -> CmdResult {
    LOG.lock().clear();
    ctx.reply().ok();
    Ok(())
}

fn slowlog_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    The <count> most recent entries (10 by default, -1 for all). Each is:",
            "    id, unix time, duration in microseconds, arguments, client address,",
            "    client name.",
            "LEN",
            "    How many entries the log holds.",
            "RESET",
            "    Empty the log.",
        ],
    );
    Ok(())
}

const SLOWLOG_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "get",
        handler: Some(slowlog_get),
        arity: -2,
        flags: ADMIN | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_nodes", "nondeterministic_output"],
        group: "server",
        since: "2.2.12",
        summary: "Returns the slow log's entries.",
        complexity: "O(N) where N is the number of entries returned",
        args: &[Arg {
            name: "count",
            kind: ArgKind::Integer,
            flags: ARG_OPTIONAL,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "len",
        handler: Some(slowlog_len),
        arity: 2,
        flags: ADMIN | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: &[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ],
        group: "server",
        since: "2.2.12",
        summary: "Returns the number of entries in the slow log.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(slowlog_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "6.2.0",
        summary: "Lists the SLOWLOG subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "reset",
        handler: Some(slowlog_reset),
        arity: 2,
        flags: ADMIN | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "server",
        since: "2.2.12",
        summary: "Empties the slow log.",
        complexity: "O(N) where N is the number of entries in the slowlog",
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "slowlog",
    arity: -2,
    group: "server",
    since: "2.2.12",
    summary: "A container for slow log commands.",
    complexity: "Depends on subcommand.",
    subcommands: SLOWLOG_SUBCOMMANDS,
    ..CommandSpec::BASE
}];
