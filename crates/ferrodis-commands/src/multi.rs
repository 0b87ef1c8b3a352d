//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queueing happens in dispatch (after the gates, so a rejected command
//! flags the transaction). EXEC locks every shard its commands can reach,
//! in the global order (`Keyspace::hold_*`), then runs them through the
//! ordinary dispatch path, so they are atomic with respect to all other
//! clients.
//!
//! WATCH is optimistic locking. A registry maps watched keys to the
//! clients watching them; a modification marks those clients dirty
//! (`signal_modified_key`), and EXEC of a dirty client replies null. Two
//! races need care because handlers signal after they have modified,
//! possibly after releasing the shard lock:
//! - a write in flight while EXEC checks: dispatch marks the keys of a
//!   write command "pending" in the registry before its handler runs, and
//!   EXEC (holding the shards) treats a pending watched key as modified;
//! - a write that decided "nobody watches" just before WATCH registered:
//!   WATCH waits until every write command in flight at registration time
//!   has finished (a per-thread epoch, see `WriteSlots`), so such a write
//!   lands before the client's next read.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use ferrodis_engine::{Hold, Keyspace, Removal};
use parking_lot::Mutex;

use crate::context::{Client, ClientShared, Ctx, ServerState};
use crate::error::{CmdResult, CommandError};
use crate::keys::key_positions;
use crate::spec::*;
use crate::table::TableEntry;

/// A transaction being queued.
#[derive(Default)]
pub struct MultiState {
    pub queue: Vec<Queued>,
    /// A command was refused while queueing: EXEC will abort.
    pub error: bool,
    /// The union of the queued commands' flags.
    pub flags: u64,
}

pub struct Queued {
    pub entry: &'static TableEntry,
    pub argv: Vec<Bytes>,
}

/// Whether `e` runs immediately inside MULTI instead of being queued.
pub fn runs_inside_multi(e: &TableEntry) -> bool {
    matches!(
        e.spec.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

pub fn is_exec(e: &TableEntry) -> bool {
    e.spec.name == "exec"
}

/// Whether a refusal of `e` inside MULTI is exempt from the OOM rule that
/// refuses everything else while queueing.
pub fn exempt_from_queue_oom(e: &TableEntry) -> bool {
    matches!(e.spec.name, "exec" | "discard" | "quit" | "reset")
}

/// A client's watched keys (its dirty flag is `ClientShared::cas_dirty`).
#[derive(Default)]
pub struct WatchState {
    pub keys: Vec<(usize, Bytes)>,
}

struct Watcher {
    client: u64,
    dirty: Arc<ClientShared>,
    /// The key was logically expired when watched: its deletion is no change.
    expired: bool,
}

struct KeyWatch {
    db: usize,
    /// Write commands naming this key that are running now.
    pending: u32,
    watchers: Vec<Watcher>,
}

/// Every watched key, with its watchers.
#[derive(Default)]
pub struct Watches {
    /// Number of (client, key) registrations: zero makes every hook free.
    count: AtomicUsize,
    map: Mutex<HashMap<Bytes, Vec<KeyWatch>>>,
    slots: WriteSlots,
}

/// How a key changed, for the watchers of a key that was already expired
/// when watched.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    /// Modified by a command.
    Modified,
    /// Deleted because it expired: no logical change for a watcher that saw
    /// it expired already.
    Expired,
}

impl Watches {
    fn active(&self) -> bool {
        self.count.load(Ordering::SeqCst) != 0
    }

    fn add(&self, db: usize, key: &Bytes, client: u64, dirty: &Arc<ClientShared>, expired: bool) {
        let mut map = self.map.lock();
        let list = map.entry(key.clone()).or_default();
        let kw = match list.iter().position(|k| k.db == db) {
            Some(i) => &mut list[i],
            None => {
                list.push(KeyWatch {
                    db,
                    pending: 0,
                    watchers: Vec::new(),
                });
                list.last_mut().expect("just pushed")
            }
        };
        kw.watchers.push(Watcher {
            client,
            dirty: dirty.clone(),
            expired,
        });
        self.count.fetch_add(1, Ordering::SeqCst);
    }

    fn remove_client(&self, client: u64, keys: &[(usize, Bytes)]) {
        if keys.is_empty() {
            return;
        }
        let mut map = self.map.lock();
        for (db, key) in keys {
            let Some(list) = map.get_mut(key.as_ref()) else {
                continue;
            };
            if let Some(kw) = list.iter_mut().find(|k| k.db == *db) {
                let before = kw.watchers.len();
                kw.watchers.retain(|w| w.client != client);
                self.count
                    .fetch_sub(before - kw.watchers.len(), Ordering::SeqCst);
            }
            list.retain(|k| !k.watchers.is_empty() || k.pending > 0);
            if list.is_empty() {
                map.remove(key.as_ref());
            }
        }
    }

    /// Marks the watchers of (db, key) dirty.
    pub fn touch(&self, db: usize, key: &[u8], how: Touch) {
        if !self.active() {
            return;
        }
        let mut map = self.map.lock();
        let Some(kw) = map
            .get_mut(key)
            .and_then(|l| l.iter_mut().find(|k| k.db == db))
        else {
            return;
        };
        for w in &mut kw.watchers {
            if w.expired {
                // Watched while already expired: only its re-creation is a
                // change; its deletion clears the mark.
                if how == Touch::Expired {
                    w.expired = false;
                    continue;
                }
            }
            w.dirty.cas_dirty.store(true, Ordering::Release);
        }
    }

    /// The watched keys of database `db` (for FLUSHDB, SWAPDB).
    fn keys_in_db(&self, db: usize) -> Vec<Bytes> {
        if !self.active() {
            return Vec::new();
        }
        let map = self.map.lock();
        map.iter()
            .filter(|(_, l)| l.iter().any(|k| k.db == db && !k.watchers.is_empty()))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// A watched key of `db` was emptied by a flush (`in_other`: it exists
    /// in the database swapped in).
    fn touch_flushed(&self, db: usize, key: &[u8], in_other: bool) {
        let mut map = self.map.lock();
        let Some(kw) = map
            .get_mut(key)
            .and_then(|l| l.iter_mut().find(|k| k.db == db))
        else {
            return;
        };
        for w in &mut kw.watchers {
            if w.expired && !in_other {
                w.expired = false;
                continue;
            }
            w.dirty.cas_dirty.store(true, Ordering::Release);
        }
    }

    fn pending(&self, db: usize, keys: &[&[u8]], delta: i32) {
        let mut map = self.map.lock();
        for key in keys {
            if let Some(kw) = map
                .get_mut(*key)
                .and_then(|l| l.iter_mut().find(|k| k.db == db))
            {
                kw.pending = kw.pending.saturating_add_signed(delta);
            }
        }
    }

    /// Whether EXEC must fail for a client watching `keys`: dirty, or a
    /// write to one of them is running.
    fn exec_conflict(&self, keys: &[(usize, Bytes)], client: &ClientShared) -> bool {
        if client.cas_dirty.load(Ordering::Acquire) {
            return true;
        }
        let map = self.map.lock();
        keys.iter().any(|(db, key)| {
            map.get(key.as_ref())
                .and_then(|l| l.iter().find(|k| k.db == *db))
                .is_some_and(|k| k.pending > 0)
        })
    }
}

/// Per-thread epochs of write commands: odd while one runs. Lets WATCH
/// wait for the writes that were already running when it registered.
#[derive(Default)]
struct WriteSlots {
    slots: Mutex<Vec<&'static Slot>>,
}

#[repr(align(128))]
#[derive(Default)]
struct Slot {
    epoch: AtomicU64,
}

thread_local! {
    static MY_SLOT: std::cell::Cell<Option<&'static Slot>> = const { std::cell::Cell::new(None) };
}

impl WriteSlots {
    fn mine(&self) -> &'static Slot {
        MY_SLOT.with(|c| match c.get() {
            Some(s) => s,
            None => {
                // One slot per thread for the life of the process (threads
                // are few: the runtime's workers).
                let s: &'static Slot = Box::leak(Box::default());
                self.slots.lock().push(s);
                c.set(Some(s));
                s
            }
        })
    }

    /// Waits until every write command running now has finished.
    fn wait_for_running_writes(&self) {
        let snapshot: Vec<(&'static Slot, u64)> = self
            .slots
            .lock()
            .iter()
            .map(|s| (*s, s.epoch.load(Ordering::SeqCst)))
            .collect();
        for (slot, epoch) in snapshot {
            if epoch % 2 == 0 {
                continue;
            }
            while slot.epoch.load(Ordering::SeqCst) == epoch {
                std::thread::yield_now();
            }
        }
    }
}

/// What dispatch keeps between the start and the end of a write command.
pub struct WriteMark {
    slot: &'static Slot,
    /// Keys marked pending (only when someone watches anything).
    pending: bool,
}

/// Called by dispatch before a write command's handler.
pub fn begin_write(srv: &ServerState, db: usize, spec: &CommandSpec, argv: &[Bytes]) -> WriteMark {
    let w = &srv.watches;
    let slot = w.slots.mine();
    slot.epoch.fetch_add(1, Ordering::SeqCst);
    let pending = w.active();
    if pending {
        let pos = key_positions(spec, argv);
        let keys: Vec<&[u8]> = pos.iter().map(|&p| argv[p].as_ref()).collect();
        w.pending(db, &keys, 1);
    }
    WriteMark { slot, pending }
}

/// Waits until every write command running now has finished (see
/// `repl::begin_full_sync`).
pub fn wait_for_running_writes(srv: &ServerState) {
    srv.watches.slots.wait_for_running_writes();
}

/// Called by dispatch after a write command's handler.
pub fn end_write(
    srv: &ServerState,
    mark: WriteMark,
    db: usize,
    spec: &CommandSpec,
    argv: &[Bytes],
) {
    let w = &srv.watches;
    let pos = if mark.pending {
        key_positions(spec, argv)
    } else {
        Vec::new()
    };
    if mark.pending {
        let keys: Vec<&[u8]> = pos.iter().map(|&p| argv[p].as_ref()).collect();
        w.pending(db, &keys, -1);
    }
    mark.slot.epoch.fetch_add(1, Ordering::Release);
}

/// Tells watchers that `key` of `db` was modified.
pub fn signal_modified_key(srv: &ServerState, db: usize, key: &[u8]) {
    srv.watches.touch(db, key, Touch::Modified);
}

/// For the server's own deletions (expiry, eviction).
pub fn key_removed(srv: &ServerState, db: usize, key: &[u8], why: Removal) {
    let how = match why {
        Removal::Expired => Touch::Expired,
        Removal::Evicted => Touch::Modified,
    };
    srv.watches.touch(db, key, how);
    if srv.tracking.active() {
        crate::tracking::invalidate(srv, None, key);
    }
}

/// Watched keys of `db` that exist there now (expired or not), before a
/// flush or swap empties it.
pub fn watched_existing(srv: &ServerState, db: usize) -> Vec<Bytes> {
    let keys = srv.watches.keys_in_db(db);
    let d = srv.keyspace.db(db);
    keys.into_iter()
        .filter(|k| d.lock(k).has_entry(k))
        .collect()
}

/// After FLUSHDB/FLUSHALL: `existed` are the watched keys that were there.
pub fn touch_flushed(srv: &ServerState, db: usize, existed: &[Bytes]) {
    for k in existed {
        srv.watches.touch_flushed(db, k, false);
    }
}

/// After SWAPDB a b: a watched key of `a` is touched if it existed in `a`
/// before or exists in it now (the contents of `b`).
pub fn touch_swapped(srv: &ServerState, a: usize, existed_before: &[Bytes]) {
    let db = srv.keyspace.db(a);
    for k in srv.watches.keys_in_db(a) {
        let now = db.lock(&k).has_entry(&k);
        if now || existed_before.contains(&k) {
            srv.watches.touch_flushed(a, &k, now);
        }
    }
}

/// Forgets the client's watched keys (EXEC, DISCARD, UNWATCH, RESET, close).
pub fn unwatch_all(srv: &ServerState, client: &mut Client) {
    if let Some(w) = client.watch.take() {
        srv.watches.remove_client(client.id(), &w.keys);
    }
    client.shared.cas_dirty.store(false, Ordering::Release);
}

/// Leaves MULTI and forgets the watched keys.
pub fn discard_transaction(srv: &ServerState, client: &mut Client) {
    client.multi = None;
    client.shared.multi_len.store(-1, Ordering::Relaxed);
    unwatch_all(srv, client);
}

/// Called when a connection closes.
pub fn on_disconnect(srv: &ServerState, client: &mut Client) {
    discard_transaction(srv, client);
}

/// The reason EXEC gives when EXEC itself is refused by a gate.
pub fn exec_abort_error(err: &CommandError) -> CommandError {
    let text = err.to_string();
    let reason = text.strip_prefix("ERR ").unwrap_or(&text);
    CommandError::ExecAbort(reason.to_string())
}

fn multi(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CommandError::MultiNested);
    }
    ctx.client.multi = Some(Box::default());
    ctx.client.shared.multi_len.store(0, Ordering::Relaxed);
    ctx.reply().ok();
    Ok(())
}

fn discard(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.multi.is_none() {
        return Err(CommandError::DiscardWithoutMulti);
    }
    discard_transaction(ctx.srv, ctx.client);
    ctx.reply().ok();
    Ok(())
}

fn watch(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CommandError::WatchInMulti);
    }
    let (srv, db, now) = (ctx.srv, ctx.client.db, ctx.now_ms);
    let id = ctx.client.id();
    let shared = ctx.client.shared.clone();
    let state = ctx.client.watch.get_or_insert_with(Box::default);
    let mut added = false;
    // Keys this client already watches in this database: scanned in place
    // when few, else hashed once per call, so watching n keys costs O(n),
    // not O(n^2) (Redis searches a list for each key).
    let mut known: Option<std::collections::HashSet<Bytes>> = None;
    if state.keys.len() + ctx.argv.len() > 32 {
        known = Some(
            state
                .keys
                .iter()
                .filter(|(d, _)| *d == db)
                .map(|(_, k)| k.clone())
                .collect(),
        );
    }
    for key in &ctx.argv[1..] {
        let seen = match &mut known {
            Some(set) => !set.insert(key.clone()),
            None => state.keys.iter().any(|(d, k)| *d == db && k == key),
        };
        if seen {
            continue;
        }
        let expired = srv.keyspace.db(db).lock(key).is_expired_key(key, now);
        srv.watches.add(db, key, id, &shared, expired);
        state.keys.push((db, key.clone()));
        added = true;
    }
    if added {
        srv.watches.slots.wait_for_running_writes();
    }
    ctx.reply().ok();
    Ok(())
}

fn unwatch(ctx: &mut Ctx<'_>) -> CmdResult {
    unwatch_all(ctx.srv, ctx.client);
    ctx.reply().ok();
    Ok(())
}

/// Whether a queued command can reach shards its key positions do not
/// name (whole-keyspace commands, other databases, patterns, scripts).
fn reaches_beyond_keys(spec: &CommandSpec) -> bool {
    let touches_data = spec.flags & (WRITE | READONLY) != 0
        || spec.acl & (CAT_KEYSPACE | CAT_DANGEROUS | CAT_SCRIPTING) != 0;
    if !touches_data {
        return false;
    }
    spec.key_specs.is_empty()
        || spec.flags & MOVABLEKEYS != 0 && spec.acl & CAT_SCRIPTING != 0
        || matches!(spec.name, "sort" | "sort_ro" | "move" | "copy")
}

/// Locks what a run of commands starting in database `db` can touch: the
/// shards of their keys and of `extra` keys, or everything when a command
/// reaches beyond its keys.
pub fn hold_for<'a, 'k>(
    ks: &'a Keyspace,
    mut db: usize,
    extra: impl Iterator<Item = (usize, &'k [u8])>,
    cmds: impl Iterator<Item = (&'static CommandSpec, &'k [Bytes])>,
) -> Hold<'a> {
    let mut keys: Vec<(usize, &[u8])> = extra.collect();
    for (spec, argv) in cmds {
        if spec.name == "select" {
            match crate::args::parse_int(&argv[1]) {
                Ok(i) if i >= 0 && (i as usize) < ks.len() => db = i as usize,
                _ => {}
            }
            continue;
        }
        if reaches_beyond_keys(spec) {
            return ks.hold_all();
        }
        for p in key_positions(spec, argv) {
            keys.push((db, argv[p].as_ref()));
        }
    }
    ks.hold_keys(keys)
}

fn exec(ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(state) = ctx.client.multi.take() else {
        return Err(CommandError::ExecWithoutMulti);
    };
    ctx.client.shared.multi_len.store(-1, Ordering::Relaxed);
    let srv = ctx.srv;
    if state.error {
        unwatch_all(srv, ctx.client);
        return Err(CommandError::ExecAbortPrevious);
    }
    let watched = ctx
        .client
        .watch
        .as_ref()
        .map(|w| &w.keys[..])
        .unwrap_or(&[]);
    let hold = hold_for(
        &srv.keyspace,
        ctx.client.db,
        watched.iter().map(|(d, k)| (*d, k.as_ref())),
        state.queue.iter().map(|q| (q.entry.spec, &q.argv[..])),
    );
    if let Some(w) = &ctx.client.watch {
        let stale = w.keys.iter().any(|(db, k)| {
            let shard = srv.keyspace.db(*db).lock(k);
            shard.is_expired_key(k, ctx.now_ms)
                && !was_expired_when_watched(srv, *db, k, ctx.client.id())
        });
        if stale || srv.watches.exec_conflict(&w.keys, &ctx.client.shared) {
            drop(hold);
            unwatch_all(srv, ctx.client);
            ctx.reply().null_array();
            return Ok(());
        }
    }
    // Watched keys are no longer interesting once EXEC runs (as Redis
    // unwatches before executing).
    unwatch_all(srv, ctx.client);
    let no_block = std::mem::replace(&mut ctx.client.no_block, true);
    let outer_batch = ctx.client.prop_batch.replace(Vec::new());
    ctx.reply().array(state.queue.len());
    for q in &state.queue {
        crate::dispatch::execute_queued(srv, ctx.client, q.entry, &q.argv);
    }
    ctx.client.no_block = no_block;
    let batch = std::mem::replace(&mut ctx.client.prop_batch, outer_batch).unwrap_or_default();
    match ctx.client.prop_batch.as_mut() {
        // EXEC inside something that collects (a script): hand over.
        Some(outer) => outer.extend(batch),
        None => crate::propagate::transaction(srv, ctx.client, batch),
    }
    drop(hold);
    Ok(())
}

fn was_expired_when_watched(srv: &ServerState, db: usize, key: &[u8], client: u64) -> bool {
    let map = srv.watches.map.lock();
    map.get(key)
        .and_then(|l| l.iter().find(|k| k.db == db))
        .and_then(|k| k.watchers.iter().find(|w| w.client == client))
        .is_some_and(|w| w.expired)
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "multi",
        handler: Some(multi),
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        acl: CAT_TRANSACTION,
        key_range: (0, 0, 0),
        group: "transactions",
        since: "1.2.0",
        summary: "Opens a transaction: later commands are queued until EXEC or DISCARD.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "exec",
        handler: Some(exec),
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG,
        acl: CAT_TRANSACTION,
        key_range: (0, 0, 0),
        group: "transactions",
        since: "1.2.0",
        summary: "Runs every queued command of the transaction atomically.",
        complexity: "Depends on commands in the transaction",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "discard",
        handler: Some(discard),
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        acl: CAT_TRANSACTION,
        key_range: (0, 0, 0),
        group: "transactions",
        since: "2.0.0",
        summary: "Drops the queued commands and leaves the transaction.",
        complexity: "O(N), when N is the number of queued commands",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "watch",
        handler: Some(watch),
        arity: -2,
        flags: NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        acl: CAT_TRANSACTION,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        group: "transactions",
        since: "2.2.0",
        summary: "Makes the next EXEC conditional on the given keys staying unchanged.",
        complexity: "O(1) for every key.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "unwatch",
        handler: Some(unwatch),
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        acl: CAT_TRANSACTION,
        key_range: (0, 0, 0),
        group: "transactions",
        since: "2.2.0",
        summary: "Stops watching every key watched by this connection.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
];
