//! Server commands: INFO, TIME, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, SHUTDOWN
//! and CONFIG.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use ferrodis_engine::clock::now_us;
use ferrodis_engine::glob::glob_match;
use ferrodis_engine::Shard;

use crate::args::{eq_ic, parse_i32, parse_int};
use crate::context::{After, Ctx, ShutdownMode, ShutdownRequest};
use crate::error::{CmdResult, CommandError};
use crate::spec::*;

/// LOLWUT [VERSION v]: Redis 7.0's own version prints its version line.
/// (Versions 5 and 6, Redis's generative art, print the same line here.)
fn lolwut(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() >= 3 && eq_ic(&ctx.argv[1], "version") {
        parse_int(&ctx.argv[2])?;
    }
    let text = format!("Redis ver. {}\n", crate::REDIS_VERSION);
    ctx.reply().verbatim("txt", text.as_bytes());
    Ok(())
}

fn time(ctx: &mut Ctx<'_>) -> CmdResult {
    let us = now_us();
    let r = ctx.reply();
    r.array(2);
    r.bulk_int((us / 1_000_000) as i64);
    r.bulk_int((us % 1_000_000) as i64);
    Ok(())
}

fn dbsize(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.db().len() as i64;
    ctx.reply().integer(n);
    Ok(())
}

/// Parses the optional ASYNC|SYNC of FLUSHDB/FLUSHALL: true for ASYNC.
fn flush_mode(ctx: &Ctx<'_>) -> Result<bool, CommandError> {
    match ctx.argv.get(1) {
        None => Ok(false),
        Some(a) if ctx.argc() == 2 && eq_ic(a, "ASYNC") => Ok(true),
        Some(a) if ctx.argc() == 2 && eq_ic(a, "SYNC") => Ok(false),
        Some(_) => Err(CommandError::Syntax),
    }
}

/// Drops flushed contents, off the connection's thread when asked to.
fn drop_flushed(old: Vec<Shard>, lazy: bool) {
    if lazy {
        std::thread::spawn(move || drop(old));
    } else {
        drop(old);
    }
}

fn flushdb(ctx: &mut Ctx<'_>) -> CmdResult {
    let lazy = flush_mode(ctx)?;
    let db = ctx.client.db;
    let watched = crate::multi::watched_existing(ctx.srv, db);
    drop_flushed(ctx.db().take_all(), lazy);
    crate::multi::touch_flushed(ctx.srv, db, &watched);
    crate::tracking::flush(ctx.srv, ctx.client);
    ctx.reply().ok();
    Ok(())
}

fn flushall(ctx: &mut Ctx<'_>) -> CmdResult {
    let lazy = flush_mode(ctx)?;
    let srv = ctx.srv;
    let watched: Vec<_> = (0..srv.keyspace.len())
        .map(|db| crate::multi::watched_existing(srv, db))
        .collect();
    drop_flushed(srv.keyspace.take_all(), lazy);
    for (db, keys) in watched.iter().enumerate() {
        crate::multi::touch_flushed(srv, db, keys);
    }
    crate::persistence::after_flushall(srv);
    crate::tracking::flush(srv, ctx.client);
    ctx.reply().ok();
    Ok(())
}

fn swapdb(ctx: &mut Ctx<'_>) -> CmdResult {
    // An index that is no C int gets the argument's own error.
    let a = parse_i32(&ctx.argv[1]).map_err(|_| CommandError::InvalidFirstDb)?;
    let b = parse_i32(&ctx.argv[2]).map_err(|_| CommandError::InvalidSecondDb)?;
    let n = ctx.srv.keyspace.len();
    let index = |i: i32| usize::try_from(i).ok().filter(|&i| i < n);
    let (Some(a), Some(b)) = (index(a), index(b)) else {
        return Err(CommandError::DbIndexOutOfRange);
    };
    let srv = ctx.srv;
    let (wa, wb) = (
        crate::multi::watched_existing(srv, a),
        crate::multi::watched_existing(srv, b),
    );
    srv.keyspace.swap_db(a, b);
    if a != b {
        crate::multi::touch_swapped(srv, a, &wa);
        crate::multi::touch_swapped(srv, b, &wb);
    }
    ctx.reply().ok();
    Ok(())
}

fn shutdown(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut mode = ShutdownMode::Default;
    let (mut abort, mut force, mut now) = (false, false, false);
    for a in &ctx.argv[1..] {
        if eq_ic(a, "NOSAVE") && mode == ShutdownMode::Default {
            mode = ShutdownMode::NoSave;
        } else if eq_ic(a, "SAVE") && mode == ShutdownMode::Default {
            mode = ShutdownMode::Save;
        } else if eq_ic(a, "NOW") {
            now = true;
        } else if eq_ic(a, "FORCE") {
            force = true;
        } else if eq_ic(a, "ABORT") {
            abort = true;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    if abort {
        // ABORT combines with nothing; it cancels a shutdown waiting for
        // its replicas.
        if ctx.argc() != 2 {
            return Err(CommandError::Syntax);
        }
        if !ctx.srv.shutdown_waiting.load(Ordering::Acquire) {
            return Err(CommandError::NoShutdownInProgress);
        }
        ctx.srv.shutdown_abort.store(true, Ordering::Release);
        ctx.reply().ok();
        return Ok(());
    }
    // While a script is busy, only SHUTDOWN NOSAVE goes through.
    crate::script::shutdown_check(ctx.srv, mode == ShutdownMode::NoSave)?;
    // Like Redis, a successful SHUTDOWN sends no reply: the connection closes.
    ctx.client.after = After::Shutdown(ShutdownRequest { mode, force, now });
    Ok(())
}

/// Human-readable byte count as INFO prints it (e.g. "1.20M").
pub(crate) fn bytes_human(n: u64) -> String {
    const UNITS: [(f64, &str); 5] = [
        (1024f64 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
        (1024f64 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024f64 * 1024.0 * 1024.0, "G"),
        (1024f64 * 1024.0, "M"),
        (1024f64, "K"),
    ];
    let f = n as f64;
    for (size, unit) in UNITS {
        if f >= size {
            return format!("{:.2}{}", f / size, unit);
        }
    }
    format!("{n}B")
}

/// Reads (user_secs, sys_secs) of this process from /proc.
fn process_usage() -> (f64, f64) {
    let (mut user, mut sys) = (0.0, 0.0);
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        // Fields after the parenthesised command name; utime and stime are
        // the 14th and 15th fields, in clock ticks (100 per second on Linux).
        if let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) {
            let f: Vec<&str> = rest.split_whitespace().collect();
            user = f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
            sys = f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) / 100.0;
        }
    }
    (user, sys)
}

pub(crate) fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

/// Builds the INFO text for the requested sections, always in Redis's
/// order. No argument (or "default") means the default set, which leaves
/// out commandstats and latencystats; "all" and "everything" mean every
/// section; other words name sections (unknown ones add nothing).
pub fn info_text(ctx: &Ctx<'_>, sections: &[&[u8]]) -> String {
    const ALL: &[&str] = &[
        "server",
        "clients",
        "memory",
        "persistence",
        "stats",
        "replication",
        "cpu",
        "modules",
        "commandstats",
        "errorstats",
        "latencystats",
        "cluster",
        "keyspace",
    ];
    const NOT_DEFAULT: &[&str] = &["commandstats", "latencystats"];
    let every = sections
        .iter()
        .any(|s| eq_ic(s, "all") || eq_ic(s, "everything"));
    let default = sections.is_empty() || sections.iter().any(|s| eq_ic(s, "default"));
    let want = |name: &str| {
        every
            || (default && !NOT_DEFAULT.contains(&name))
            || sections.iter().any(|s| eq_ic(s, name))
    };
    let srv = ctx.srv;
    let cfg = srv.config.read();
    let mut out = String::new();
    let section = |out: &mut String, title: &str, body: &dyn Fn(&mut String)| {
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        let _ = write!(out, "# {title}\r\n");
        body(out);
    };
    let (user, sys) = process_usage();
    let uptime = srv.info.started.elapsed().as_secs();
    for name in ALL {
        if !want(name) {
            continue;
        }
        match *name {
            "server" => section(&mut out, "Server", &|o| {
                let _ = write!(
                    o,
                    "redis_version:{}\r\nferrodis_version:{}\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:{} {}\r\narch_bits:64\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\natomicvar_api:c11-builtin\r\ngcc_version:0.0.0\r\nprocess_id:{}\r\nprocess_supervised:{}\r\nrun_id:{}\r\ntcp_port:{}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{}\r\nuptime_in_days:{}\r\nhz:{}\r\nconfigured_hz:{}\r\nlru_clock:{}\r\nexecutable:{}\r\nconfig_file:{}\r\nio_threads_active:0\r\n",
                    crate::REDIS_VERSION,
                    crate::VERSION,
                    std::env::consts::OS,
                    std::env::consts::ARCH,
                    srv.info.pid,
                    srv.info.supervised,
                    srv.info.run_id,
                    srv.info.tcp_port.load(Ordering::Relaxed),
                    now_us(),
                    uptime,
                    uptime / 86400,
                    cfg.hz,
                    cfg.hz,
                    (now_us() / 1_000_000) & ((1 << 24) - 1),
                    srv.info.executable,
                    srv.info.config_file,
                );
            }),
            "clients" => section(&mut out, "Clients", &|o| {
                let _ = write!(
                    o,
                    "connected_clients:{}\r\ncluster_connections:0\r\nmaxclients:{}\r\nclient_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\nblocked_clients:{}\r\ntracking_clients:{}\r\nclients_in_timeout_table:0\r\n",
                    srv.clients.len(),
                    cfg.maxclients,
                    srv.blocking.blocked_clients(),
                    srv.tracking.counts().0,
                );
            }),
            "memory" => section(&mut out, "Memory", &|o| {
                crate::memory::info_memory(srv, &cfg, o)
            }),
            "persistence" => section(&mut out, "Persistence", &|o| {
                o.push_str(&srv.persist.info());
                o.push_str(&crate::aof::info(srv));
            }),
            "stats" => section(&mut out, "Stats", &|o| {
                let s = &srv.stats;
                let g = |c: &std::sync::atomic::AtomicU64| c.load(Ordering::Relaxed);
                let ex = srv.keyspace.expire_stats();
                let pubsub_counts = srv.pubsub.counts();
                let (_, t_keys, t_items, t_prefixes) = srv.tracking.counts();
                let _ = write!(
                    o,
                    "total_connections_received:{}\r\ntotal_commands_processed:{}\r\ninstantaneous_ops_per_sec:0\r\ntotal_net_input_bytes:{}\r\ntotal_net_output_bytes:{}\r\ninstantaneous_input_kbps:0.00\r\ninstantaneous_output_kbps:0.00\r\nrejected_connections:{}\r\nsync_full:{}\r\nsync_partial_ok:{}\r\nsync_partial_err:{}\r\nexpired_keys:{}\r\nexpired_stale_perc:{:.2}\r\nexpired_time_cap_reached_count:{}\r\nexpire_cycle_cpu_milliseconds:{}\r\nevicted_keys:{}\r\nevicted_clients:0\r\nkeyspace_hits:{}\r\nkeyspace_misses:{}\r\npubsub_channels:{}\r\npubsub_patterns:{}\r\npubsubshard_channels:{}\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\ntracking_total_keys:{}\r\ntracking_total_items:{}\r\ntracking_total_prefixes:{}\r\nunexpected_error_replies:{}\r\ntotal_error_replies:{}\r\nclient_query_buffer_limit_disconnections:{}\r\nferrodis_command_panics:{}\r\n",
                    g(&s.total_connections_received),
                    g(&s.total_commands_processed),
                    g(&s.net_input_bytes),
                    g(&s.net_output_bytes),
                    g(&s.rejected_connections),
                    g(&srv.repl.sync_full),
                    g(&srv.repl.sync_partial_ok),
                    g(&srv.repl.sync_partial_err),
                    srv.keyspace.expired_keys().saturating_sub(g(&s.expired_keys_base)),
                    ex.stale_perc * 100.0,
                    ex.time_cap_reached_count,
                    ex.cpu_us / 1000,
                    srv.keyspace.evicted_keys().saturating_sub(g(&s.evicted_keys_base)),
                    g(&s.keyspace_hits),
                    g(&s.keyspace_misses),
                    pubsub_counts.0,
                    pubsub_counts.1,
                    pubsub_counts.2,
                    t_keys,
                    t_items,
                    t_prefixes,
                    g(&s.unexpected_error_replies),
                    g(&s.total_error_replies),
                    g(&s.client_query_buffer_limit_disconnections),
                    g(&s.command_panics),
                );
            }),
            "replication" => section(&mut out, "Replication", &|o| {
                o.push_str(&crate::repl::info(srv));
            }),
            "cpu" => section(&mut out, "CPU", &|o| {
                let _ = write!(
                    o,
                    "used_cpu_sys:{sys:.6}\r\nused_cpu_user:{user:.6}\r\nused_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n"
                );
            }),
            "modules" => section(&mut out, "Modules", &|_| {}),
            "commandstats" => section(&mut out, "Commandstats", &|o| {
                crate::stats::info_commandstats(o)
            }),
            "errorstats" => section(&mut out, "Errorstats", &|o| {
                crate::stats::info_errorstats(o)
            }),
            "latencystats" => section(&mut out, "Latencystats", &|o| {
                crate::stats::info_latencystats(o, &cfg.latency_tracking_info_percentiles)
            }),
            "cluster" => section(&mut out, "Cluster", &|o| {
                o.push_str("cluster_enabled:0\r\n")
            }),
            "keyspace" => section(&mut out, "Keyspace", &|o| {
                for i in 0..srv.keyspace.len() {
                    let db = srv.keyspace.db(i);
                    let keys = db.len();
                    if keys == 0 {
                        continue;
                    }
                    let (mut sum, mut n) = (0u128, 0u64);
                    for s in 0..db.shard_count() {
                        let (a, b) = db.lock_shard(s).ttl_stats(ctx.now_ms);
                        sum += a;
                        n += b;
                    }
                    let avg = if n == 0 { 0 } else { sum / n as u128 };
                    let _ = write!(
                        o,
                        "db{i}:keys={keys},expires={},avg_ttl={avg}\r\n",
                        db.expires()
                    );
                }
            }),
            _ => {}
        }
    }
    out
}

fn info(ctx: &mut Ctx<'_>) -> CmdResult {
    let sections: Vec<&[u8]> = ctx.argv[1..].iter().map(|a| &a[..]).collect();
    let text = info_text(ctx, &sections);
    ctx.reply().verbatim("txt", text.as_bytes());
    Ok(())
}

fn config_get(ctx: &mut Ctx<'_>) -> CmdResult {
    // A pattern without glob characters is looked up directly and answered
    // under the name as the client spelled it; patterns match every name.
    // Like Redis, each name appears once however many patterns match it.
    let mut pairs: Vec<(String, String)> = Vec::new();
    {
        let cfg = ctx.srv.config.read();
        for p in &ctx.argv[2..] {
            let found: Vec<(String, String)> = if p.iter().any(|c| b"[*?".contains(c)) {
                cfg.get_matching(&mut |name: &[u8]| glob_match(p, name, true))
                    .into_iter()
                    .map(|(n, v)| (n.to_string(), v))
                    .collect()
            } else {
                ferrodis_config::table::lookup(p)
                    .map(|d| (String::from_utf8_lossy(p).into_owned(), d.get_value(&cfg)))
                    .into_iter()
                    .collect()
            };
            for (n, v) in found {
                if !pairs.iter().any(|(m, _)| *m == n) {
                    pairs.push((n, v));
                }
            }
        }
    }
    let r = ctx.reply();
    r.map(pairs.len());
    for (name, value) in pairs {
        r.bulk(name.as_bytes());
        r.bulk(value.as_bytes());
    }
    Ok(())
}

fn config_set(ctx: &mut Ctx<'_>) -> CmdResult {
    if !ctx.argc().is_multiple_of(2) {
        return Err(CommandError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = ctx.argv[2..]
        .chunks(2)
        .map(|p| (&p[0][..], &p[1][..]))
        .collect();
    ctx.srv.config.write().set_many(&pairs)?;
    let epoch = ctx.srv.config_epoch.fetch_add(1, Ordering::Release) + 1;
    apply_runtime_config(&ctx.srv.config.read());
    crate::aof::sync_config(ctx.srv);
    // requirepass is the default user's password: apply it now (start-up
    // applies the file's value when the ACL is built).
    ctx.srv.acl.sync_config(epoch, &ctx.srv.config);
    ctx.reply().ok();
    Ok(())
}

/// Pushes the config values the engine keeps in atomics (eviction and
/// access tracking) after start-up and after every CONFIG SET.
pub fn apply_runtime_config(cfg: &ferrodis_config::Config) {
    use ferrodis_config::MaxmemoryPolicy as C;
    use ferrodis_engine::evict::Policy as P;
    let policy = match cfg.maxmemory_policy {
        C::VolatileLru => P::VolatileLru,
        C::VolatileLfu => P::VolatileLfu,
        C::VolatileRandom => P::VolatileRandom,
        C::VolatileTtl => P::VolatileTtl,
        C::AllkeysLru => P::AllkeysLru,
        C::AllkeysLfu => P::AllkeysLfu,
        C::AllkeysRandom => P::AllkeysRandom,
        C::Noeviction => P::NoEviction,
    };
    ferrodis_engine::access::configure(policy.is_lfu(), cfg.lfu_log_factor, cfg.lfu_decay_time);
    crate::pubsub::configure(cfg);
    crate::notify::configure(cfg);
    crate::stats::configure(cfg);
    crate::slowlog::configure(cfg);
    crate::latency::configure(cfg);
    crate::repl::configure(cfg);
    ferrodis_engine::evict::configure(
        cfg.maxmemory,
        policy,
        cfg.maxmemory_samples,
        cfg.maxmemory_eviction_tenacity,
    );
}

fn config_resetstat(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.srv.stats.reset();
    ctx.srv
        .stats
        .expired_keys_base
        .store(ctx.srv.keyspace.expired_keys(), Ordering::Relaxed);
    ctx.srv
        .stats
        .evicted_keys_base
        .store(ctx.srv.keyspace.evicted_keys(), Ordering::Relaxed);
    ctx.srv.keyspace.reset_expire_stats();
    crate::stats::reset();
    ctx.reply().ok();
    Ok(())
}

fn config_rewrite(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.srv.config.read().rewrite()?;
    ctx.reply().ok();
    Ok(())
}

fn config_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Directives matching the glob patterns, with their values.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Change directives at run time, all or none.",
            "RESETSTAT",
            "    Zero the statistics INFO reports.",
            "REWRITE",
            "    Write the running configuration back to the config file.",
        ],
    );
    Ok(())
}

const CONFIG_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "get",
        handler: Some(config_get),
        arity: -3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.0.0",
        summary: "Returns the values of configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        args: &[Arg {
            name: "parameter",
            kind: ArgKind::Block,
            flags: ARG_MULTIPLE,
            args: &[Arg {
                name: "parameter",
                kind: ArgKind::String,
                ..Arg::BASE
            }],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "set",
        handler: Some(config_set),
        arity: -4,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "server",
        since: "2.0.0",
        summary: "Sets configuration parameters at run time.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        args: &[Arg {
            name: "parameter_value",
            kind: ArgKind::Block,
            flags: ARG_MULTIPLE,
            args: &[
                Arg {
                    name: "parameter",
                    kind: ArgKind::String,
                    ..Arg::BASE
                },
                Arg {
                    name: "value",
                    kind: ArgKind::String,
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "resetstat",
        handler: Some(config_resetstat),
        arity: 2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.0.0",
        summary: "Resets the server's statistics counters.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "rewrite",
        handler: Some(config_rewrite),
        arity: 2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.8.0",
        summary: "Writes the running configuration back to the config file.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(config_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "5.0.0",
        summary: "Lists the CONFIG subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "lolwut",
        handler: Some(lolwut),
        arity: -1,
        flags: READONLY | FAST,
        acl: 0,
        group: "server",
        since: "5.0.0",
        summary: "Displays computer art and the Redis version",
        args: &[Arg {
            name: "version",
            kind: ArgKind::Integer,
            token: Some("VERSION"),
            flags: ARG_OPTIONAL,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "info",
        handler: Some(info),
        arity: -1,
        flags: LOADING | STALE,
        acl: CAT_DANGEROUS,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
        group: "server",
        since: "1.0.0",
        summary: "Returns server information and statistics.",
        complexity: "O(1)",
        args: &[
            Arg { name: "section", kind: ArgKind::String, flags: ARG_OPTIONAL | ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "time",
        handler: Some(time),
        arity: 1,
        flags: LOADING | STALE | FAST,
        acl: 0,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output"],
        group: "server",
        since: "2.6.0",
        summary: "Returns the server time.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "dbsize",
        handler: Some(dbsize),
        arity: 1,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        group: "server",
        since: "1.0.0",
        summary: "Returns the number of keys in the selected database.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "flushdb",
        handler: Some(flushdb),
        arity: -1,
        flags: WRITE,
        acl: CAT_KEYSPACE | CAT_DANGEROUS,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "server",
        since: "1.0.0",
        summary: "Removes every key of the selected database.",
        complexity: "O(N) where N is the number of keys in the selected database",
        args: &[
            Arg { name: "async", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "async", kind: ArgKind::PureToken, token: Some("ASYNC"), since: Some("4.0.0"), ..Arg::BASE },
                    Arg { name: "sync", kind: ArgKind::PureToken, token: Some("SYNC"), since: Some("6.2.0"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "flushall",
        handler: Some(flushall),
        arity: -1,
        flags: WRITE,
        acl: CAT_KEYSPACE | CAT_DANGEROUS,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "server",
        since: "1.0.0",
        summary: "Removes every key of every database.",
        complexity: "O(N) where N is the total number of keys in all databases",
        args: &[
            Arg { name: "async", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "async", kind: ArgKind::PureToken, token: Some("ASYNC"), since: Some("4.0.0"), ..Arg::BASE },
                    Arg { name: "sync", kind: ArgKind::PureToken, token: Some("SYNC"), since: Some("6.2.0"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "swapdb",
        handler: Some(swapdb),
        arity: 3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE | CAT_DANGEROUS,
        key_range: (0, 0, 0),
        group: "server",
        since: "4.0.0",
        summary: "Swaps the contents of two databases.",
        complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        args: &[
            Arg { name: "index1", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "index2", kind: ArgKind::Integer, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "shutdown",
        handler: Some(shutdown),
        arity: -1,
        flags: ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "1.0.0",
        summary: "Stops the server.",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        args: &[
            Arg { name: "nosave_save", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nosave", kind: ArgKind::PureToken, token: Some("NOSAVE"), ..Arg::BASE },
                    Arg { name: "save", kind: ArgKind::PureToken, token: Some("SAVE"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "now", kind: ArgKind::PureToken, token: Some("NOW"), since: Some("7.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "force", kind: ArgKind::PureToken, token: Some("FORCE"), since: Some("7.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "abort", kind: ArgKind::PureToken, token: Some("ABORT"), since: Some("7.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "config",
        arity: -2,
        group: "server",
        since: "2.0.0",
        summary: "A container for server configuration commands.",
        complexity: "Depends on subcommand.",
        subcommands: CONFIG_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
];
