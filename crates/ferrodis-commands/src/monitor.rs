//! MONITOR: every command any client runs, as one status line per
//! command, streamed to the monitoring clients.
//!
//! The registry is a list of the monitors' shared state behind a lock,
//! plus a count that the command path reads with one relaxed load: with no
//! monitor attached that load is all a command pays. A line is formatted
//! once and queued in each monitor's mailbox (the Pub/Sub delivery path),
//! so the command's thread never waits on a monitor's socket.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::RwLock;

use crate::context::{Client, ClientShared, Ctx};
use crate::error::{CmdResult, CommandError};
use crate::spec::*;
use crate::table::TableEntry;

/// Attached monitors. Invariant: `COUNT == MONITORS.len()` outside the lock.
static MONITORS: RwLock<Vec<Arc<ClientShared>>> = RwLock::new(Vec::new());
static COUNT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Depth of script calls on this thread: their commands show as `lua`.
    static IN_SCRIPT: Cell<u32> = const { Cell::new(0) };
}

/// Marks the commands run while it lives as a script's (`[db lua]`).
pub struct ScriptScope(());

impl ScriptScope {
    pub fn enter() -> ScriptScope {
        IN_SCRIPT.with(|d| d.set(d.get() + 1));
        ScriptScope(())
    }
}

impl Drop for ScriptScope {
    fn drop(&mut self) {
        IN_SCRIPT.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Whether any monitor is attached (one relaxed load).
#[inline]
pub fn active() -> bool {
    COUNT.load(Ordering::Relaxed) != 0
}

/// Argument positions whose values never leave the server (passwords):
/// AUTH, HELLO ... AUTH, MIGRATE ... AUTH/AUTH2, CONFIG SET of a secret.
pub fn redactions(e: &TableEntry, argv: &[Bytes]) -> Vec<usize> {
    let eq = |a: &Bytes, w: &str| a.eq_ignore_ascii_case(w.as_bytes());
    let mut out = Vec::new();
    match e.full_name.as_str() {
        "auth" => out.extend(1..argv.len()),
        "hello" => {
            let mut i = 2;
            while i < argv.len() {
                if eq(&argv[i], "AUTH") {
                    out.extend((i + 1..i + 3).filter(|&j| j < argv.len()));
                    i += 3;
                } else {
                    i += 1;
                }
            }
        }
        "migrate" => {
            for (i, a) in argv.iter().enumerate().skip(6) {
                if eq(a, "AUTH") {
                    out.push(i + 1);
                    break;
                }
                if eq(a, "AUTH2") {
                    out.extend([i + 1, i + 2]);
                    break;
                }
            }
        }
        "config|set" => {
            for i in (2..argv.len()).step_by(2) {
                if eq(&argv[i], "requirepass") || eq(&argv[i], "masterauth") {
                    out.push(i + 1);
                }
            }
        }
        _ => {}
    }
    out.retain(|&i| i < argv.len());
    out
}

/// Appends `a` quoted as Redis prints strings: printable ASCII as is,
/// backslash escapes for quote, backslash and common controls, `\xhh`
/// for the rest.
pub fn repr(out: &mut Vec<u8>, a: &[u8]) {
    out.push(b'"');
    for &c in a {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(c),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'x',
                    HEX[(c >> 4) as usize],
                    HEX[(c & 15) as usize],
                ]);
            }
        }
    }
    out.push(b'"');
}

/// Sends the command to every monitor (the caller checked `active`).
pub fn feed(client: &Client, e: &TableEntry, argv: &[Bytes]) {
    let us = ferrodis_engine::clock::now_us();
    let mut line = Vec::with_capacity(64 + argv.iter().map(|a| a.len() + 3).sum::<usize>());
    line.extend_from_slice(
        format!("+{}.{:06} [{} ", us / 1_000_000, us % 1_000_000, client.db).as_bytes(),
    );
    if IN_SCRIPT.with(|d| d.get()) > 0 {
        line.extend_from_slice(b"lua");
    } else {
        line.extend_from_slice(client.shared.addr.as_bytes());
    }
    line.push(b']');
    let redact = redactions(e, argv);
    for (i, a) in argv.iter().enumerate() {
        line.push(b' ');
        if redact.contains(&i) {
            repr(&mut line, b"(redacted)");
        } else {
            repr(&mut line, a);
        }
    }
    line.extend_from_slice(b"\r\n");
    for m in MONITORS.read().iter() {
        crate::pubsub::deliver_raw(m, &line);
    }
}

/// Stops monitoring (RESET, disconnection).
pub fn stop(client: &mut Client) {
    if !client.monitor {
        return;
    }
    client.monitor = false;
    client.shared.monitor.store(false, Ordering::Relaxed);
    let mut list = MONITORS.write();
    list.retain(|m| m.id != client.id());
    COUNT.store(list.len(), Ordering::Relaxed);
}

fn monitor(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.no_block {
        return Err(CommandError::MonitorDenyBlocking);
    }
    // Already a monitor (or a replica): nothing changes, and no reply.
    if ctx.client.monitor || ctx.client.shared.kind.load(Ordering::Relaxed) != 0 {
        return Ok(());
    }
    ctx.client.monitor = true;
    ctx.client.shared.monitor.store(true, Ordering::Relaxed);
    let mut list = MONITORS.write();
    list.push(ctx.client.shared.clone());
    COUNT.store(list.len(), Ordering::Relaxed);
    drop(list);
    ctx.reply().ok();
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "monitor",
    handler: Some(monitor),
    arity: 1,
    flags: ADMIN | NOSCRIPT | LOADING | STALE,
    acl: 0,
    key_range: (0, 0, 0),
    group: "server",
    since: "1.0.0",
    summary: "Streams every command the server runs, as it runs it.",
    ..CommandSpec::BASE
}];
