//! From parsed arguments to a reply: table lookup, then the gates in
//! Redis's order (arity, authentication, ACL, out-of-memory, MULTI
//! queueing), then the handler. No handler repeats these checks.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use ferrodis_engine::clock::now_ms;

use crate::context::{Client, Ctx, ServerState};
use crate::error::{ArgPreview, CommandError, Lossy};
use crate::keys::key_positions;
use crate::multi;
use crate::spec::{
    ADMIN, CAT_SCRIPTING, DENYOOM, FAST, LOADING, MAY_REPLICATE, MOVABLEKEYS, NO_AUTH, NO_MULTI,
    READONLY, SKIP_MONITOR, WRITE,
};
use crate::table::{table, Table, TableEntry};

/// Resolves argv to a table entry (descending into subcommands).
fn resolve(argv: &[Bytes]) -> Result<&'static TableEntry, CommandError> {
    let t = table();
    let Some(e) = t.lookup(&argv[0]) else {
        return Err(CommandError::UnknownCommand {
            name: Lossy::new(&argv[0], 128),
            args: ArgPreview::new(&argv[1..]),
        });
    };
    if Table::is_container(e) && argv.len() >= 2 {
        return t
            .lookup_sub(e, &argv[1])
            .ok_or_else(|| CommandError::UnknownSubcommand {
                sub: Lossy::new(&argv[1], 128),
                container: String::from_utf8_lossy(&argv[0]).to_uppercase(),
            });
    }
    Ok(e)
}

/// The checks before a command may run or be queued.
fn gates(
    srv: &ServerState,
    client: &mut Client,
    e: &'static TableEntry,
    argv: &[Bytes],
) -> Result<(), CommandError> {
    let spec = e.spec;
    if !spec.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(e.full_name.clone()));
    }
    if client.internal {
        return Ok(());
    }
    // enable-debug-command, right after arity as in Redis.
    crate::debug::gate(srv, client, e)?;
    if !client.authenticated && spec.flags & NO_AUTH == 0 && srv.acl.auth_required() {
        return Err(CommandError::NoAuth);
    }
    if client.multi.is_some() && spec.flags & NO_MULTI != 0 {
        return Err(CommandError::NotAllowedInMulti);
    }
    crate::acl::check_command(srv, client, e, argv)?;
    crate::script::busy_gate(srv, client, e)?;
    // Over maxmemory: evict first; refuse commands that may grow memory
    // when nothing more can be evicted. Not inside EXEC or a script: the
    // transaction was admitted as a whole.
    if ferrodis_engine::evict::maxmemory() > 0
        && !ferrodis_engine::hold::holding()
        && !srv.pause.in_effect()
    {
        let outcome = srv
            .keyspace
            .perform_evictions(ferrodis_engine::alloc::used_memory);
        if outcome == ferrodis_engine::evict::Outcome::Fail {
            let denyoom = spec.flags & DENYOOM != 0
                || multi::is_exec(e)
                    && client
                        .multi
                        .as_ref()
                        .is_some_and(|m| m.flags & DENYOOM != 0);
            // Queueing grows memory too: inside MULTI everything but the
            // commands that end it is refused.
            let queueing = client.multi.is_some() && !multi::exempt_from_queue_oom(e);
            if denyoom || queueing {
                return Err(CommandError::Oom);
            }
        }
    }
    // After the OOM check, as in Redis.
    crate::pubsub::check_context(client, e)?;
    // A MONITOR client may not touch keys (Redis treats it as a replica).
    if client.monitor && spec.flags & (READONLY | WRITE | MAY_REPLICATE) != 0 {
        return Err(CommandError::ReplicaKeyspace);
    }
    if srv.persist.loading.load(Ordering::Acquire) && spec.flags & LOADING == 0 {
        return Err(CommandError::Loading);
    }
    crate::repl::replica_gate(srv, spec, client.is_master)?;
    crate::repl::min_replicas_gate(srv, spec)?;
    // A failing disk stops writes (and PING, as in Redis) so that the
    // problem is noticed.
    if crate::persistence::disk_error(srv) && (spec.flags & WRITE != 0 || spec.name == "ping") {
        return Err(CommandError::Misconf);
    }
    Ok(())
}

/// A refusal by the gates: inside MULTI it flags the transaction, and a
/// refused EXEC discards it.
fn reject(
    srv: &ServerState,
    client: &mut Client,
    e: Option<&TableEntry>,
    err: CommandError,
) -> CommandError {
    let Some(m) = client.multi.as_mut() else {
        return err;
    };
    if e.is_some_and(multi::is_exec) {
        multi::discard_transaction(srv, client);
        return multi::exec_abort_error(&err);
    }
    m.error = true;
    err
}

fn run(srv: &ServerState, client: &mut Client, argv: &[Bytes]) -> Result<(), CommandError> {
    let e = match resolve(argv) {
        Ok(e) => e,
        Err(err) => return Err(reject(srv, client, None, err)),
    };
    client.shared.last_cmd.store(e.id, Ordering::Relaxed);
    if let Err(err) = gates(srv, client, e, argv) {
        if !client.internal {
            crate::stats::record_rejected(e);
        }
        return Err(reject(srv, client, Some(e), err));
    }
    if srv.pause.any() {
        if let Some(wait) = pause_wait(srv, client, e) {
            crate::pause::postpone(client, wait);
            return Ok(());
        }
    }
    if let Some(m) = client.multi.as_mut() {
        if !multi::runs_inside_multi(e) {
            m.flags |= e.spec.flags;
            m.queue.push(multi::Queued {
                entry: e,
                argv: argv.to_vec(),
            });
            client
                .shared
                .multi_len
                .store(m.queue.len() as i64, Ordering::Relaxed);
            client.reply.simple(b"QUEUED");
            return Ok(());
        }
    }
    call(srv, client, e, argv)
}

/// Runs a handler. A panic in it is a bug of ours; it becomes this
/// command's error reply instead of taking every client down: what the
/// handler had written of its reply is dropped, and the panic is logged
/// and counted. Shard locks are released as the stack unwinds (parking_lot
/// does not poison), so the server goes on; the keys the command was
/// changing may hold what it had done so far, as after a write error.
fn run_guarded(
    ctx: &mut Ctx<'_>,
    handler: crate::spec::Handler,
    e: &TableEntry,
) -> Result<(), CommandError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(ctx))) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(no message)");
            tracing::error!("command '{}' panicked: {what}", e.full_name);
            ctx.srv
                .stats
                .command_panics
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // The error's caller (`execute`, `execute_queued`) drops what
            // the handler had written of its reply.
            Err(CommandError::Panicked(e.full_name.clone()))
        }
    }
}

/// Write commands whose every change emits a keyspace notification (as
/// Redis increments its dirty counter exactly there), so that one that
/// notified nothing changed nothing. Commands that change data without a
/// notification (XACK, XCLAIM, FLUSHALL, FUNCTION ...) are not listed.
fn unchanged_without_events(name: &str) -> bool {
    matches!(
        name,
        "del"
            | "unlink"
            | "set"
            | "setnx"
            | "msetnx"
            | "setrange"
            | "getdel"
            | "getex"
            | "sadd"
            | "srem"
            | "smove"
            | "spop"
            | "sinterstore"
            | "sunionstore"
            | "sdiffstore"
            | "zadd"
            | "zrem"
            | "zremrangebyscore"
            | "zremrangebyrank"
            | "zremrangebylex"
            | "zpopmin"
            | "zpopmax"
            | "zmpop"
            | "zunionstore"
            | "zinterstore"
            | "zdiffstore"
            | "zrangestore"
            | "hdel"
            | "hsetnx"
            | "lrem"
            | "lpushx"
            | "rpushx"
            | "ltrim"
            | "linsert"
            | "lpop"
            | "rpop"
            | "lmpop"
            | "lmove"
            | "rpoplpush"
            | "expire"
            | "pexpire"
            | "expireat"
            | "pexpireat"
            | "persist"
            | "renamenx"
            | "geoadd"
            | "georadius"
            | "georadiusbymember"
            | "geosearchstore"
            | "pfadd"
            | "xtrim"
            | "xdel"
    )
}

/// How long CLIENT PAUSE holds this command, if it does. In WRITE mode it
/// holds what may change the data or be replicated: writes, EXEC of a
/// transaction holding one, PUBLISH, SPUBLISH, PFCOUNT (its cache), and
/// scripts (EVAL, EVALSHA, FCALL), which their own admission holds unless
/// they declare no-writes (script/mod.rs) and which are held here only
/// when queued in MULTI.
fn pause_wait(srv: &ServerState, client: &Client, e: &TableEntry) -> Option<std::time::Duration> {
    if !crate::pause::applies_to(client) {
        return None;
    }
    let queued = client.multi.as_ref();
    let writes = if multi::is_exec(e) {
        queued.is_some_and(|m| m.queue.iter().any(|q| changes_data(q.entry, true)))
    } else {
        changes_data(e, queued.is_some())
    };
    srv.pause.wait_for(writes)
}

/// Whether WRITE mode holds `e` (`queueing`: into MULTI, where a script
/// counts as a write since it is not admitted until EXEC).
fn changes_data(e: &TableEntry, queueing: bool) -> bool {
    let name = e.spec.name;
    e.spec.flags & (WRITE | MAY_REPLICATE) != 0
        || matches!(name, "publish" | "spublish" | "pfcount")
        || queueing && matches!(name, "eval" | "evalsha" | "fcall")
}

/// Runs the handler of an admitted command, then what follows a write.
fn call(
    srv: &ServerState,
    client: &mut Client,
    e: &'static TableEntry,
    argv: &[Bytes],
) -> Result<(), CommandError> {
    let spec = e.spec;
    let Some(handler) = spec.handler else {
        return Err(CommandError::WrongArity(e.full_name.clone()));
    };
    let db = client.db;
    let write = spec.flags & WRITE != 0;
    // With a consumer of the stream, a write runs with its shards held so
    // that it is emitted before anyone else can change those keys. A
    // script's writes are collected and emitted as one MULTI ... EXEC
    // (even if it fails half-way: what it did happened).
    let script = spec.acl & CAT_SCRIPTING != 0 && spec.flags & MOVABLEKEYS != 0;
    // Marked as running before deciding whether to propagate: a full sync
    // starting meanwhile waits for it (`repl::begin_full_sync`).
    let mark = write.then(|| multi::begin_write(srv, db, spec, argv));
    let propagating = (write || script) && srv.propagator.is_active();
    let collect = script && propagating && client.prop_batch.is_none();
    if collect {
        client.prop_batch = Some(Vec::new());
    }
    let hold = (propagating && !ferrodis_engine::hold::holding()).then(|| {
        multi::hold_for(
            &srv.keyspace,
            db,
            std::iter::empty(),
            std::iter::once((spec, argv)),
        )
    });
    let mut ctx = Ctx {
        srv,
        client,
        argv,
        now_ms: now_ms(),
    };
    let reply_mark = ctx.client.reply.len();
    let changes_before = ctx.client.changes;
    let start = crate::stats::clock::now();
    let result = run_guarded(&mut ctx, handler, e);
    // A write that changed nothing is not replicated, as in Redis (whose
    // dirty counter stays put): for these commands every change is
    // notified, so no notification means no change (whatever the handler
    // meant to emit instead, e.g. GEOADD's ZADD).
    let unchanged =
        write && ctx.client.changes == changes_before && unchanged_without_events(spec.name);
    if unchanged {
        ctx.client.propagate = Some(Vec::new());
    }
    let nanos = crate::stats::clock::nanos_between(start, crate::stats::clock::now());
    // CLIENT TRACKING: the keys a read command read (a read-only
    // script's own reads are not recorded).
    if spec.flags & READONLY != 0
        && srv.tracking.active()
        && !matches!(spec.name, "eval_ro" | "evalsha_ro" | "fcall_ro")
    {
        let keys = key_positions(spec, argv).into_iter().map(|p| &argv[p][..]);
        crate::tracking::remember(srv, ctx.client, keys);
    }
    if let Some(mark) = mark {
        multi::end_write(srv, mark, db, spec, argv);
        // Nor does it count towards the save points.
        if result.is_ok() && !unchanged {
            ctx.client.pending_dirty += 1;
        }
    }
    if collect {
        let batch = ctx.client.prop_batch.take().unwrap_or_default();
        crate::propagate::transaction(srv, ctx.client, batch);
    } else if propagating && write && result.is_ok() && ctx.client.block.is_none() {
        // The full name: a subcommand may share a command's name
        // (FUNCTION RESTORE and RESTORE).
        crate::propagate::command(srv, ctx.client, db, &e.full_name, argv);
    }
    ctx.client.propagate = None;
    drop(hold);
    if !ctx.client.internal {
        // Failed: an error, returned or written (a script's error reply).
        let failed = result.is_err()
            || matches!(
                ctx.client.reply.as_slice().get(reply_mark),
                Some(b'-' | b'!')
            );
        after_call(ctx.client, e, argv, nanos, failed);
    }
    result?;
    // A write may have made a key non-empty that someone is blocked on:
    // wake the first waiter of each key the command names. A blocking
    // command that is about to block changed nothing: signalling would
    // wake the client itself (it may be first in line) into an endless
    // re-run loop.
    if write && ctx.client.block.is_none() && srv.blocking.has_waiters() {
        for pos in key_positions(spec, argv) {
            srv.blocking.signal(db, &argv[pos], &srv.clients);
        }
    }
    Ok(())
}

/// The bookkeeping after a command ran: statistics, latency histogram,
/// slow log, latency monitor, MONITOR. A command that is about to block is
/// counted when it completes (it runs again then), and shown to monitors
/// when it first runs. Each step costs one relaxed load when it is off.
fn after_call(client: &Client, e: &'static TableEntry, argv: &[Bytes], nanos: u64, failed: bool) {
    if client.block.is_none() {
        crate::stats::record_call(e, nanos, failed);
        let us = nanos / 1000;
        if crate::slowlog::wanted(us) {
            crate::slowlog::push(client, e, argv, us);
        }
        let event = if e.spec.flags & FAST != 0 {
            "fast-command"
        } else {
            "command"
        };
        crate::latency::sample(event, nanos / 1_000_000);
    }
    if crate::monitor::active()
        && !client.reprocessing
        && e.spec.flags & (SKIP_MONITOR | ADMIN) == 0
    {
        crate::monitor::feed(client, e, argv);
    }
}

/// A blocked command that timed out (or was unblocked by CLIENT UNBLOCK)
/// with a fixed reply: it counts as one call, as in Redis.
pub fn record_unblocked(argv: &[Bytes], failed: bool) {
    if let Ok(e) = resolve(argv) {
        crate::stats::record_call(e, 0, failed);
    }
}

/// Runs one queued command of EXEC, appending its reply (or error) to the
/// EXEC array. ACL rules are checked again: they may have changed since
/// the command was queued.
pub fn execute_queued(
    srv: &ServerState,
    client: &mut Client,
    e: &'static TableEntry,
    argv: &[Bytes],
) {
    client.pending_commands += 1;
    let mark = client.reply.len();
    let result = match crate::acl::check_command(srv, client, e, argv) {
        Ok(()) => call(srv, client, e, argv),
        Err(_) => Err(CommandError::AclChangedInMulti),
    };
    if let Err(err) = result {
        client.reply.truncate(mark);
        let text = err.to_string();
        client.reply.error(&text);
        crate::stats::record_error(srv, &text);
    }
}

/// Executes one request and appends its reply to `client.reply`.
pub fn execute(srv: &ServerState, client: &mut Client, argv: &[Bytes]) {
    if argv.is_empty() {
        return;
    }
    client.pending_commands += 1;
    let mark = client.reply.len();
    // CLIENT REPLY SKIP drops the reply of the command after it.
    let skipping = std::mem::take(&mut client.skip_next);
    let own = crate::pubsub::enter_command(client);
    if let Err(err) = run(srv, client, argv) {
        // A handler fails before writing, but guard against a partial reply
        // anyway so the stream stays well-formed.
        client.reply.truncate(mark);
        let text = err.to_string();
        client.reply.error(&text);
        crate::stats::record_error(srv, &text);
    }
    // A subscriber's own messages (RESP3) not yet placed by the handler.
    crate::pubsub::leave_command(client, own, mark);
    if !client.tracking_pending.is_empty() {
        crate::tracking::send_pending(srv, client);
    }
    // CLIENT CACHING applies to the next command only (any CLIENT command
    // and the commands of a transaction keep it).
    if client.tracking_caching && client.multi.is_none() && !crate::args::eq_ic(&argv[0], "client")
    {
        client.tracking_caching = false;
    }
    // CLIENT REPLY OFF / SKIP: this reply is dropped (SKIP's own too).
    if client.reply_off || skipping || client.skip_next {
        client.reply.truncate(mark);
    }
}

/// Releases what a closing connection holds in shared registries.
pub fn client_closed(srv: &ServerState, client: &mut Client) {
    crate::repl::wait_done(srv, client.id());
    multi::on_disconnect(srv, client);
    crate::monitor::stop(client);
    crate::pubsub::unsubscribe_all(srv, client);
    crate::tracking::disable(srv, &client.shared);
}
