//! From parsed arguments to a reply: table lookup, then the gates in
//! Redis's order (arity, authentication, later: read-only replica,
//! out-of-memory, MULTI queueing), then the handler. No handler repeats
//! these checks.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use ferrodis_engine::clock::now_ms;

use crate::context::{Client, Ctx, ServerState};
use crate::error::{ArgPreview, CommandError, Lossy};
use crate::keys::key_positions;
use crate::spec::{DENYOOM, NO_AUTH, WRITE};
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

fn run(srv: &ServerState, client: &mut Client, argv: &[Bytes]) -> Result<(), CommandError> {
    let e = resolve(argv)?;
    client.shared.last_cmd.store(e.id, Ordering::Relaxed);
    let spec = e.spec;
    if !spec.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(e.full_name.clone()));
    }
    if !client.authenticated && spec.flags & NO_AUTH == 0 && srv.acl.auth_required() {
        return Err(CommandError::NoAuth);
    }
    crate::acl::check_command(srv, client, e, argv)?;
    // Over maxmemory: evict first; refuse commands that may grow memory
    // when nothing more can be evicted.
    if ferrodis_engine::evict::maxmemory() > 0 {
        let outcome = srv
            .keyspace
            .perform_evictions(ferrodis_engine::alloc::used_memory);
        if outcome == ferrodis_engine::evict::Outcome::Fail && spec.flags & DENYOOM != 0 {
            return Err(CommandError::Oom);
        }
    }
    let Some(handler) = spec.handler else {
        return Err(CommandError::WrongArity(e.full_name.clone()));
    };
    let db = client.db;
    let mut ctx = Ctx {
        srv,
        client,
        argv,
        now_ms: now_ms(),
    };
    handler(&mut ctx)?;
    // A write may have made a key non-empty that someone is blocked on:
    // wake the first waiter of each key the command names. A blocking
    // command that is about to block changed nothing: signalling would
    // wake the client itself (it may be first in line) into an endless
    // re-run loop.
    if spec.flags & WRITE != 0 && ctx.client.block.is_none() && srv.blocking.has_waiters() {
        for pos in key_positions(spec, argv) {
            srv.blocking.signal(db, &argv[pos], &srv.clients);
        }
    }
    Ok(())
}

/// Executes one request and appends its reply to `client.reply`.
pub fn execute(srv: &ServerState, client: &mut Client, argv: &[Bytes]) {
    if argv.is_empty() {
        return;
    }
    client.pending_commands += 1;
    let mark = client.reply.len();
    if let Err(err) = run(srv, client, argv) {
        // A handler fails before writing, but guard against a partial reply
        // anyway so the stream stays well-formed.
        client.reply.truncate(mark);
        client.reply.error(&err.to_string());
        srv.stats
            .total_error_replies
            .fetch_add(1, Ordering::Relaxed);
    }
}
