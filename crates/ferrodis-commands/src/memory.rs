//! MEMORY: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.

use ferrodis_engine::alloc::{thread_allocated, used_memory};
use ferrodis_engine::{Entry, Value};

use crate::args::{eq_ic, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::spec::*;

/// Collections larger than this are estimated rather than measured, so
/// MEMORY USAGE stays cheap on huge keys.
const MEASURE_LIMIT: usize = 10_000;

fn collection_len(v: &Value) -> usize {
    match v {
        Value::Str(_) => 0,
        Value::List(l) => l.len(),
        Value::Hash(h) => h.len(),
        Value::Set(s) => s.len(),
        Value::ZSet(z) => z.len(),
        // A stream is cloned node by node (each a packed buffer).
        Value::Stream(s) => s.node_count(),
    }
}

/// Bytes a key costs: its entry in the dictionary, its key bytes beyond
/// the inline ones, and the value's heap, measured by building a copy
/// under the counting allocator (estimated for very large collections).
fn key_usage(key: &[u8], e: &Entry) -> i64 {
    let fixed =
        std::mem::size_of::<Entry>() + std::mem::size_of::<ferrodis_engine::SmallBytes>() + 8;
    let key_heap = if key.len() > 22 { key.len() } else { 0 };
    let n = collection_len(&e.value);
    let value_heap = if n <= MEASURE_LIMIT {
        let before = thread_allocated();
        let copy = e.value.clone();
        let after = thread_allocated();
        drop(copy);
        (after - before).max(0)
    } else {
        (n * 48) as i64
    };
    (fixed + key_heap) as i64 + value_heap
}

fn memory_usage(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut i = 3;
    while i < ctx.argc() {
        if eq_ic(&ctx.argv[i], "SAMPLES") && i + 1 < ctx.argc() {
            // The count is not needed (sizes are exact here), but Redis
            // refuses a negative one as a syntax error.
            if parse_int(&ctx.argv[i + 1])? < 0 {
                return Err(CommandError::Syntax);
            }
            i += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let key = &ctx.argv[2];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    match shard.peek(key, now) {
        Some(e) => {
            let n = key_usage(key, e);
            ctx.client.reply.integer(n);
        }
        None => ctx.client.reply.null(),
    }
    Ok(())
}

fn memory_stats(ctx: &mut Ctx<'_>) -> CmdResult {
    let used = used_memory() as i64;
    let peak = ctx.srv.stats.note_memory_peak(used as u64) as i64;
    let keys: usize = (0..ctx.srv.keyspace.len())
        .map(|i| ctx.srv.keyspace.db(i).len())
        .sum();
    let r = ctx.reply();
    r.map(6);
    r.bulk(b"peak.allocated");
    r.integer(peak);
    r.bulk(b"total.allocated");
    r.integer(used);
    r.bulk(b"keys.count");
    r.integer(keys as i64);
    r.bulk(b"keys.bytes-per-key");
    r.integer(if keys == 0 { 0 } else { used / keys as i64 });
    r.bulk(b"dataset.bytes");
    r.integer(used);
    r.bulk(b"allocator.allocated");
    r.integer(used);
    Ok(())
}

fn memory_doctor(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.reply().verbatim(
        "txt",
        b"No memory problems detected: used_memory is tracked exactly by the allocator.",
    );
    Ok(())
}

fn memory_malloc_stats(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.reply()
        .verbatim("txt", b"Stats not supported for the current allocator");
    Ok(())
}

fn memory_purge(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.reply().ok();
    Ok(())
}

fn memory_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "MEMORY",
        &[
            "DOCTOR",
            "    A short report on memory health.",
            "MALLOC-STATS",
            "    The allocator's own statistics, where available.",
            "PURGE",
            "    Ask the allocator to give unused memory back.",
            "STATS",
            "    Memory usage figures of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Bytes a key and its value take.",
        ],
    );
    Ok(())
}

const MEMORY_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "doctor",
        handler: Some(memory_doctor),
        arity: 2,
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        group: "server",
        since: "4.0.0",
        summary: "Reports memory problems, if any.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(memory_help),
        arity: 2,
        flags: LOADING | STALE,
        group: "server",
        since: "4.0.0",
        summary: "Lists the MEMORY subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "malloc-stats",
        handler: Some(memory_malloc_stats),
        arity: 2,
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        group: "server",
        since: "4.0.0",
        summary: "Reports the allocator's internal statistics.",
        complexity: "Depends on how much memory is allocated, could be slow",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "purge",
        handler: Some(memory_purge),
        arity: 2,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "server",
        since: "4.0.0",
        summary: "Asks the allocator to release memory.",
        complexity: "Depends on how much memory is allocated, could be slow",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "stats",
        handler: Some(memory_stats),
        arity: 2,
        tips: &[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ],
        group: "server",
        since: "4.0.0",
        summary: "Reports details about memory usage.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "usage",
        handler: Some(memory_usage),
        arity: -3,
        flags: READONLY,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "server",
        since: "4.0.0",
        summary: "Estimates the memory a key and its value use.",
        complexity: "O(N) where N is the number of samples.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "count",
                kind: ArgKind::Integer,
                token: Some("SAMPLES"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "memory",
    arity: -2,
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: MEMORY_SUBCOMMANDS,
    ..CommandSpec::BASE
}];
