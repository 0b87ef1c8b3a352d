//! MEMORY: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use ferrodis_engine::alloc::{thread_allocated, used_memory};
use ferrodis_engine::{Entry, Value};

use crate::args::{eq_ic, parse_int};
use crate::context::{Client, ClientShared, Ctx, ServerState, KIND_REPLICA, READ_BUFFER_BYTES};
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

/// Resident set size of this process, from /proc/self/statm (0 where it
/// cannot be read).
pub fn process_rss() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Records used_memory as the start-up figure: called once by the server
/// when its state is built, before it loads the dataset and accepts
/// clients (as Redis takes its `used_memory_startup`).
pub fn record_startup(srv: &ServerState) {
    srv.stats
        .used_memory_startup
        .store(used_memory(), Ordering::Relaxed);
}

/// A database's share of the overhead (MEMORY STATS `db.N`).
pub struct DbOverhead {
    pub index: usize,
    /// The main dictionary: its entry vector and hash table.
    pub main: u64,
    /// The TTL index.
    pub expires: u64,
}

/// One reading of the server's memory figures, with Redis's meanings;
/// MEMORY STATS and INFO memory both print it. Everything comes from
/// counters, capacities and one lock per shard: no walk of keys or values.
///
/// ferrodis has no jemalloc: the allocator figures take used_memory as
/// both allocated and active bytes (glibc gives no cheap page-level view)
/// and RSS as resident bytes, so the gap between RSS and used_memory
/// (freed memory the allocator keeps, thread arenas, code, stacks) shows
/// as allocator-rss, and rss-overhead is 1.
pub struct MemoryFigures {
    /// used_memory: bytes allocated, exact (counting allocator).
    pub total: u64,
    pub peak: u64,
    pub startup: u64,
    /// Replication backlog bytes, up to repl-backlog-size...
    pub repl_backlog: u64,
    /// ...and the whole replication buffer (the backlog's ring).
    pub repl_buffers: u64,
    /// Replica connections, with the backlog bytes kept beyond
    /// repl-backlog-size for them.
    pub clients_slaves: u64,
    /// Every other connection (the link to our primary included).
    pub clients_normal: u64,
    pub aof_buffer: u64,
    /// The EVAL script cache.
    pub lua_caches: u64,
    /// The function registry.
    pub functions_caches: u64,
    /// The Lua interpreters (EVAL and functions share them).
    pub lua_vm: u64,
    /// Databases with keys, in order.
    pub dbs: Vec<DbOverhead>,
    /// Everything above but total and peak, plus `lua_vm`: unlike Redis's
    /// Lua, our interpreters allocate through the counting allocator, so
    /// their memory is part of used_memory and counted as overhead here
    /// rather than as data.
    pub overhead: u64,
    pub keys: u64,
    pub rss: u64,
}

/// Fixed bytes a connection costs besides its buffers: its shared and
/// private client structs.
const CLIENT_STRUCTS: usize = std::mem::size_of::<ClientShared>() + std::mem::size_of::<Client>();

/// Bytes a client's buffers and structs take: the read buffer (at least
/// its initial size; more while a large request is pending), output
/// not yet written, and the structs.
fn client_memory(c: &ClientShared) -> u64 {
    let qbuf = c.qbuf.load(Ordering::Relaxed).max(READ_BUFFER_BYTES);
    let omem = c.omem.load(Ordering::Relaxed);
    (CLIENT_STRUCTS + c.addr.len() + c.laddr.len() + qbuf + omem) as u64
}

fn ratio(a: u64, b: u64) -> f64 {
    // Computed in single precision, as Redis's float fields are.
    if b == 0 {
        0.0
    } else {
        f64::from(a as f32 / b as f32)
    }
}

impl MemoryFigures {
    pub fn read(srv: &ServerState) -> MemoryFigures {
        let total = used_memory();
        let peak = srv.stats.note_memory_peak(total);
        let startup = srv.stats.used_memory_startup.load(Ordering::Relaxed);
        let (mut clients_slaves, mut clients_normal) = (0u64, 0u64);
        for c in srv.clients.snapshot() {
            if c.kind.load(Ordering::Relaxed) == KIND_REPLICA {
                clients_slaves += client_memory(&c);
            } else {
                clients_normal += client_memory(&c);
            }
        }
        // The backlog is one buffer shared with the replicas being fed: as
        // in Redis, what it holds beyond repl-backlog-size while replicas
        // are attached counts as theirs.
        let (repl_buffers, size) = srv
            .propagator
            .backlog_memory()
            .map_or((0, 0), |(a, s)| (a as u64, s as u64));
        let replicas = srv.repl.replica_count.load(Ordering::Relaxed) > 0;
        let repl_backlog = if replicas && repl_buffers > size {
            clients_slaves += repl_buffers - size;
            size
        } else {
            repl_buffers
        };
        let aof_buffer = srv.propagator.aof_buffer_memory() as u64;
        let lua_caches = srv.scripting.cache_memory() as u64;
        let functions_caches = srv.scripting.functions.memory() as u64;
        let lua_vm = crate::script::engine::lua_memory() as u64;
        let mut dbs = Vec::new();
        let mut keys = 0u64;
        for index in 0..srv.keyspace.len() {
            let d = srv.keyspace.db(index).dict_stats();
            if d.keys == 0 {
                continue;
            }
            keys += d.keys as u64;
            dbs.push(DbOverhead {
                index,
                main: d.main_bytes as u64,
                expires: d.expires_bytes as u64,
            });
        }
        let overhead = startup
            + repl_backlog
            + clients_slaves
            + clients_normal
            + aof_buffer
            + lua_caches
            + functions_caches
            + lua_vm
            + dbs.iter().map(|d| d.main + d.expires).sum::<u64>();
        MemoryFigures {
            total,
            peak,
            startup,
            repl_backlog,
            repl_buffers,
            clients_slaves,
            clients_normal,
            aof_buffer,
            lua_caches,
            functions_caches,
            lua_vm,
            dbs,
            overhead,
            keys,
            rss: process_rss(),
        }
    }

    /// used_memory less the overhead.
    pub fn dataset(&self) -> u64 {
        self.total.saturating_sub(self.overhead)
    }

    /// used_memory less the start-up figure (1 when not above it, as
    /// Redis, so the ratios stay defined).
    fn net(&self) -> u64 {
        if self.total > self.startup {
            self.total - self.startup
        } else {
            1
        }
    }

    pub fn bytes_per_key(&self) -> u64 {
        self.net().checked_div(self.keys).unwrap_or(0)
    }

    pub fn dataset_perc(&self) -> f64 {
        ratio(self.dataset() * 100, self.net())
    }

    pub fn peak_perc(&self) -> f64 {
        ratio(self.total * 100, self.peak)
    }

    /// allocator.active: the allocated bytes (see the type's comment).
    pub fn allocator_active(&self) -> u64 {
        self.total
    }

    /// allocator.resident: RSS (see the type's comment).
    pub fn allocator_resident(&self) -> u64 {
        self.rss
    }

    fn frag_bytes(&self) -> i64 {
        self.rss as i64 - self.total as i64
    }

    /// mem_fragmentation_ratio: RSS over used_memory.
    pub fn frag_ratio(&self) -> f64 {
        ratio(self.rss, self.total)
    }
}

fn memory_stats(ctx: &mut Ctx<'_>) -> CmdResult {
    let m = MemoryFigures::read(ctx.srv);
    let int = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let r = ctx.reply();
    r.map(27 + m.dbs.len());
    for (name, v) in [
        ("peak.allocated", m.peak),
        ("total.allocated", m.total),
        ("startup.allocated", m.startup),
        ("replication.backlog", m.repl_backlog),
        ("clients.slaves", m.clients_slaves),
        ("clients.normal", m.clients_normal),
        ("cluster.links", 0),
        ("aof.buffer", m.aof_buffer),
        ("lua.caches", m.lua_caches),
        ("functions.caches", m.functions_caches),
    ] {
        r.bulk(name.as_bytes());
        r.integer(int(v));
    }
    for d in &m.dbs {
        r.bulk(format!("db.{}", d.index).as_bytes());
        r.map(3);
        r.bulk(b"overhead.hashtable.main");
        r.integer(int(d.main));
        r.bulk(b"overhead.hashtable.expires");
        r.integer(int(d.expires));
        // Cluster mode only.
        r.bulk(b"overhead.hashtable.slot-to-keys");
        r.integer(0);
    }
    for (name, v) in [
        ("overhead.total", m.overhead),
        ("keys.count", m.keys),
        ("keys.bytes-per-key", m.bytes_per_key()),
        ("dataset.bytes", m.dataset()),
    ] {
        r.bulk(name.as_bytes());
        r.integer(int(v));
    }
    r.bulk(b"dataset.percentage");
    r.double(m.dataset_perc());
    r.bulk(b"peak.percentage");
    r.double(m.peak_perc());
    r.bulk(b"allocator.allocated");
    r.integer(int(m.total));
    r.bulk(b"allocator.active");
    r.integer(int(m.allocator_active()));
    r.bulk(b"allocator.resident");
    r.integer(int(m.allocator_resident()));
    r.bulk(b"allocator-fragmentation.ratio");
    r.double(ratio(m.allocator_active(), m.total));
    r.bulk(b"allocator-fragmentation.bytes");
    r.integer(m.allocator_active() as i64 - m.total as i64);
    r.bulk(b"allocator-rss.ratio");
    r.double(ratio(m.allocator_resident(), m.allocator_active()));
    r.bulk(b"allocator-rss.bytes");
    r.integer(m.allocator_resident() as i64 - m.allocator_active() as i64);
    r.bulk(b"rss-overhead.ratio");
    r.double(ratio(m.rss, m.allocator_resident()));
    r.bulk(b"rss-overhead.bytes");
    r.integer(m.rss as i64 - m.allocator_resident() as i64);
    r.bulk(b"fragmentation");
    r.double(m.frag_ratio());
    r.bulk(b"fragmentation.bytes");
    r.integer(m.frag_bytes());
    Ok(())
}

/// INFO's memory section: Redis 7.0's fields in its order.
pub fn info_memory(srv: &ServerState, cfg: &ferrodis_config::Config, o: &mut String) {
    use crate::server::{bytes_human, total_system_memory};
    let m = MemoryFigures::read(srv);
    let sysmem = total_system_memory();
    let scripts = m.lua_caches + m.functions_caches;
    let _ = write!(
        o,
        "used_memory:{}\r\nused_memory_human:{}\r\nused_memory_rss:{}\r\nused_memory_rss_human:{}\r\nused_memory_peak:{}\r\nused_memory_peak_human:{}\r\nused_memory_peak_perc:{:.2}%\r\nused_memory_overhead:{}\r\nused_memory_startup:{}\r\nused_memory_dataset:{}\r\nused_memory_dataset_perc:{:.2}%\r\nallocator_allocated:{}\r\nallocator_active:{}\r\nallocator_resident:{}\r\ntotal_system_memory:{sysmem}\r\ntotal_system_memory_human:{}\r\n",
        m.total,
        bytes_human(m.total),
        m.rss,
        bytes_human(m.rss),
        m.peak,
        bytes_human(m.peak),
        m.peak_perc(),
        m.overhead,
        m.startup,
        m.dataset(),
        m.dataset_perc(),
        m.total,
        m.allocator_active(),
        m.allocator_resident(),
        bytes_human(sysmem),
    );
    // Our interpreters run both EVAL scripts and functions, so all of
    // their memory is the eval VM's and none the functions VM's.
    let _ = write!(
        o,
        "used_memory_lua:{vm}\r\nused_memory_vm_eval:{vm}\r\nused_memory_lua_human:{}\r\nused_memory_scripts_eval:{}\r\nnumber_of_cached_scripts:{}\r\nnumber_of_functions:{}\r\nnumber_of_libraries:{}\r\nused_memory_vm_functions:0\r\nused_memory_vm_total:{vm}\r\nused_memory_vm_total_human:{}\r\nused_memory_functions:{}\r\nused_memory_scripts:{scripts}\r\nused_memory_scripts_human:{}\r\n",
        bytes_human(m.lua_vm),
        m.lua_caches,
        srv.scripting.cached_scripts(),
        srv.scripting.functions.function_count(),
        srv.scripting.functions.library_count(),
        bytes_human(m.lua_vm),
        m.functions_caches,
        bytes_human(scripts),
        vm = m.lua_vm,
    );
    let _ = write!(
        o,
        "maxmemory:{}\r\nmaxmemory_human:{}\r\nmaxmemory_policy:{}\r\nallocator_frag_ratio:{:.2}\r\nallocator_frag_bytes:{}\r\nallocator_rss_ratio:{:.2}\r\nallocator_rss_bytes:{}\r\nrss_overhead_ratio:{:.2}\r\nrss_overhead_bytes:{}\r\nmem_fragmentation_ratio:{:.2}\r\nmem_fragmentation_bytes:{}\r\nmem_not_counted_for_evict:0\r\nmem_replication_backlog:{}\r\nmem_total_replication_buffers:{}\r\nmem_clients_slaves:{}\r\nmem_clients_normal:{}\r\nmem_cluster_links:0\r\nmem_aof_buffer:{}\r\nmem_allocator:libc\r\nactive_defrag_running:0\r\nlazyfree_pending_objects:0\r\nlazyfreed_objects:0\r\n",
        cfg.maxmemory,
        bytes_human(cfg.maxmemory),
        cfg.maxmemory_policy.as_str(),
        ratio(m.allocator_active(), m.total),
        m.allocator_active() as i64 - m.total as i64,
        ratio(m.allocator_resident(), m.allocator_active()),
        m.allocator_resident() as i64 - m.allocator_active() as i64,
        ratio(m.rss, m.allocator_resident()),
        m.rss as i64 - m.allocator_resident() as i64,
        m.frag_ratio(),
        m.frag_bytes(),
        m.repl_backlog,
        m.repl_buffers,
        m.clients_slaves,
        m.clients_normal,
        m.aof_buffer,
    );
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
