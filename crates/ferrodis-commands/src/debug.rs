//! DEBUG: the subset operators and test suites use (SLEEP, OBJECT,
//! RELOAD, SET-ACTIVE-EXPIRE, CHANGE-REPL-ID, QUICKLIST-PACKED-THRESHOLD),
//! behind `enable-debug-command` as in Redis 7.0.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use ferrodis_engine::{StrValue, Value};

use crate::args::eq_ic;
use crate::context::{Client, Ctx, ServerState};
use crate::error::{CmdResult, CommandError, Lossy};
use crate::spec::*;
use crate::table::TableEntry;

/// DEBUG SET-ACTIVE-EXPIRE: whether the cron's active expiry runs.
static ACTIVE_EXPIRE: AtomicBool = AtomicBool::new(true);

/// Whether the background expiry cycle may run (DEBUG SET-ACTIVE-EXPIRE).
pub fn active_expire_enabled() -> bool {
    ACTIVE_EXPIRE.load(Ordering::Relaxed)
}

/// The gate for DEBUG: refused unless `enable-debug-command` is yes, or
/// local and the client connects from the loopback interface. Compares a
/// cached table id, so other commands pay one integer comparison.
pub fn gate(srv: &ServerState, client: &Client, e: &TableEntry) -> Result<(), CommandError> {
    static ID: OnceLock<u32> = OnceLock::new();
    let id = *ID.get_or_init(|| {
        crate::table::table()
            .lookup(b"debug")
            .map_or(u32::MAX, |e| e.id)
    });
    if e.id != id {
        return Ok(());
    }
    let allowed = match srv.config.read().enable_debug_command {
        1 => true,
        2 => {
            let a = &client.shared.addr;
            a.starts_with("127.") || a.starts_with("::1:") || a.starts_with('/')
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(CommandError::DebugNotAllowed)
    }
}

fn wrong(ctx: &Ctx<'_>) -> CommandError {
    CommandError::UnknownSubcommandOrArity {
        sub: Lossy::new(&ctx.argv[1], 128),
        container: "DEBUG",
    }
}

/// C's atof: the longest numeric prefix, 0 when there is none.
fn atof(b: &[u8]) -> f64 {
    let s = String::from_utf8_lossy(b);
    let s = s.trim_start();
    (1..=s.len())
        .rev()
        .filter(|&n| s.is_char_boundary(n))
        .find_map(|n| s[..n].parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn debug(ctx: &mut Ctx<'_>) -> CmdResult {
    let sub = ctx.argv[1].clone();
    let argc = ctx.argc();
    if eq_ic(&sub, "HELP") && argc == 2 {
        crate::connection::help_reply(
            ctx,
            "DEBUG",
            &[
                "OBJECT <key>",
                "    Internal details of the value at <key>.",
                "RELOAD [NOSAVE] [NOFLUSH]",
                "    Save the dataset to the RDB file, empty memory and load the file again.",
                "SLEEP <seconds>",
                "    Stop the serving thread for <seconds> (fractions allowed).",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Turn the background expiry of keys off or on.",
                "CHANGE-REPL-ID",
                "    Start a new replication history (new replication ID).",
                "QUICKLIST-PACKED-THRESHOLD <size>",
                "    Accepted for compatibility; list nodes here have no separate packed mode.",
                "COMMAND-PANIC",
                "    (ferrodis) Make this command's handler panic, to check that the server",
                "    answers it with an error and keeps serving.",
            ],
        );
        return Ok(());
    }
    if eq_ic(&sub, "SLEEP") && argc == 3 {
        let secs = atof(&ctx.argv[2]);
        if secs > 0.0 && secs.is_finite() {
            std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(1e6)));
        }
        ctx.reply().ok();
        return Ok(());
    }
    if eq_ic(&sub, "SET-ACTIVE-EXPIRE") && argc == 3 {
        ACTIVE_EXPIRE.store(atof(&ctx.argv[2]) as i64 != 0, Ordering::Relaxed);
        ctx.reply().ok();
        return Ok(());
    }
    if eq_ic(&sub, "CHANGE-REPL-ID") && argc == 2 {
        crate::repl::change_repl_id(ctx.srv);
        ctx.reply().ok();
        return Ok(());
    }
    if eq_ic(&sub, "QUICKLIST-PACKED-THRESHOLD") && argc == 3 {
        if ferrodis_config::units::parse_memory(&ctx.argv[2]).is_none() {
            return Err(CommandError::PackedThreshold);
        }
        ctx.reply().ok();
        return Ok(());
    }
    if eq_ic(&sub, "COMMAND-PANIC") && argc == 2 {
        // A deliberate bug: the test of the panic boundary in dispatch.
        ctx.reply().array(2);
        panic!("DEBUG COMMAND-PANIC");
    }
    if eq_ic(&sub, "OBJECT") && argc == 3 {
        return debug_object(ctx);
    }
    if eq_ic(&sub, "RELOAD") {
        let (mut save, mut flush) = (true, true);
        for a in &ctx.argv[2..] {
            if eq_ic(a, "NOSAVE") {
                save = false;
            } else if eq_ic(a, "NOFLUSH") || eq_ic(a, "MERGE") {
                flush = false;
            } else {
                return Err(CommandError::DebugReloadOption);
            }
        }
        crate::persistence::debug_reload(ctx.srv, save, flush)?;
        ctx.reply().ok();
        return Ok(());
    }
    Err(wrong(ctx))
}

/// Redis's DEBUG OBJECT line: a made-up address (we have no robj), the
/// refcount OBJECT REFCOUNT reports, the encoding, the RDB-serialized
/// length, the 24-bit LRU clock of the last access and its age; for lists
/// the quicklist figures.
fn debug_object(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = ctx.argv[2].clone();
    let (maxmemory, fill, depth) = {
        let cfg = ctx.srv.config.read();
        (
            cfg.maxmemory,
            cfg.list_max_listpack_size,
            cfg.list_compress_depth,
        )
    };
    let now = ctx.now_ms;
    let line = {
        let mut shard = ctx.db().lock(&key);
        let Some(e) = shard.peek(&key, now) else {
            return Err(CommandError::NoSuchKey);
        };
        let refcount: i64 = match &e.value {
            Value::Str(StrValue::Int(i)) if maxmemory == 0 && (0..10_000).contains(i) => {
                i32::MAX as i64
            }
            _ => 1,
        };
        let serialized = ferrodis_persist::rdb::dump_payload(&e.value)
            .len()
            .saturating_sub(11);
        let idle = u64::from(ferrodis_engine::access::idle_secs(e.access, now));
        let lru = (now / 1000).saturating_sub(idle) & ((1 << 24) - 1);
        let addr = std::ptr::from_ref(e) as usize;
        let mut line = format!(
            "Value at:{addr:#x} refcount:{refcount} encoding:{} serializedlength:{serialized} lru:{lru} lru_seconds_idle:{idle}",
            e.value.encoding()
        );
        if let Value::List(l) = &e.value {
            let nodes = l.node_count();
            let avg = if nodes == 0 {
                0.0
            } else {
                l.len() as f64 / nodes as f64
            };
            line.push_str(&format!(
                " ql_nodes:{nodes} ql_avg_node:{avg:.2} ql_listpack_max:{fill} ql_compressed:{} ql_uncompressed_size:{}",
                i32::from(depth != 0),
                l.heap_size()
            ));
        }
        line
    };
    ctx.reply().simple(line.as_bytes());
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "debug",
    handler: Some(debug),
    arity: -2,
    flags: ADMIN | NOSCRIPT | LOADING | STALE,
    acl: 0,
    key_range: (0, 0, 0),
    group: "server",
    since: "1.0.0",
    summary: "A container for debugging commands.",
    complexity: "Depends on subcommand.",
    doc_flags: &["syscmd"],
    ..CommandSpec::BASE
}];
