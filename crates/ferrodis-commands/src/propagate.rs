//! The propagation stream: every change to the dataset, once, in execution
//! order, as the commands that reproduce it. The append-only file consumes
//! it now; replicas will too.
//!
//! Order: a write command is emitted while the shards it touched are still
//! locked (dispatch holds them around the handler when the stream is
//! active), and the server's own deletions (expiry, eviction) are emitted
//! from the removal hook under the shard lock. So two changes to one key
//! appear in the order they happened; changes to different keys commute.
//!
//! Commands whose effect depends on when or where they run are emitted as
//! their effect (handlers set `Client::propagate`): relative expire times
//! as absolute ones, SPOP as SREM, INCRBYFLOAT as SET, blocking pops as
//! plain pops. EXEC emits MULTI … EXEC around its writes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use parking_lot::Mutex;

use crate::context::{Client, ServerState};

/// The replication backlog: the last stretch of the replication stream,
/// so a replica that reconnects can continue where it stopped (PSYNC).
/// Offsets are Redis's: 1-based, `first` is the offset of `data[0]`.
pub struct Backlog {
    pub data: std::collections::VecDeque<u8>,
    pub first: u64,
    /// `repl-backlog-size`.
    pub size: usize,
    /// The next offset each replica being fed still needs: data from there
    /// is kept beyond `size`, up to `hard_limit` (the replica output
    /// buffer limit), so a replica in its initial sync can catch up.
    pub needs: std::collections::HashMap<u64, u64>,
    pub hard_limit: usize,
    /// Replicas whose data was dropped past the hard limit.
    pub lost: Vec<u64>,
}

impl Backlog {
    /// The offset of the last byte (Redis's master_repl_offset).
    pub fn end(&self) -> u64 {
        self.first + self.data.len() as u64 - 1
    }

    fn append(&mut self, b: &[u8]) {
        self.data.extend(b);
        let end = self.end();
        let mut keep_from = (end + 1).saturating_sub(self.size as u64).max(self.first);
        if let Some(&need) = self.needs.values().min() {
            keep_from = keep_from.min(need.max(self.first));
        }
        if self.hard_limit > 0 {
            let floor = (end + 1).saturating_sub(self.hard_limit.max(self.size) as u64);
            if keep_from < floor {
                keep_from = floor;
                let lost: Vec<u64> = self
                    .needs
                    .iter()
                    .filter(|(_, &n)| n < floor)
                    .map(|(&id, _)| id)
                    .collect();
                for id in lost {
                    self.needs.remove(&id);
                    self.lost.push(id);
                }
            }
        }
        let drop = keep_from.saturating_sub(self.first) as usize;
        if drop > 0 {
            self.data.drain(..drop.min(self.data.len()));
            self.first += drop as u64;
        }
    }

    /// Up to `max` bytes from offset `from`; None if they are gone.
    pub fn read(&self, from: u64, max: usize) -> Option<Vec<u8>> {
        if from < self.first || from > self.end() + 1 {
            return None;
        }
        let start = (from - self.first) as usize;
        let n = (self.data.len() - start).min(max);
        let (a, b) = self.data.as_slices();
        let mut out = Vec::with_capacity(n);
        if start < a.len() {
            let take = (a.len() - start).min(n);
            out.extend_from_slice(&a[start..start + take]);
            out.extend_from_slice(&b[..n - take]);
        } else {
            let s = start - a.len();
            out.extend_from_slice(&b[s..s + n]);
        }
        Some(out)
    }
}

/// The pending bytes of the stream and where it stands.
#[derive(Default)]
pub struct Stream {
    /// Encoded commands not yet taken by the AOF writer.
    pub buf: Vec<u8>,
    /// Bytes ever appended for the AOF.
    pub offset: u64,
    pub aof_on: bool,
    pub backlog: Option<Backlog>,
    /// The replication offset (master_repl_offset) when there is no
    /// backlog yet.
    pub repl_offset: u64,
    /// False on a replica: its backlog holds its primary's bytes
    /// (`feed_raw`), its own emissions only go to its AOF.
    pub replica: bool,
    scratch: Vec<u8>,
    /// The database the stream's last SELECT chose.
    last_db: Option<usize>,
}

impl Stream {
    /// master_repl_offset.
    pub fn repl_offset(&self) -> u64 {
        match &self.backlog {
            Some(b) if !b.data.is_empty() => b.end(),
            Some(b) => b.first - 1,
            None => self.repl_offset,
        }
    }
}

#[derive(Default)]
pub struct Propagator {
    active: AtomicBool,
    stream: Mutex<Stream>,
    /// `Stream::offset` as of the last append, readable without the lock.
    pub offset: AtomicU64,
    /// master_repl_offset as of the last append.
    pub repl_offset: AtomicU64,
    /// Called after bytes reach the backlog (wakes replica feeders).
    pub on_backlog: parking_lot::RwLock<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl Propagator {
    /// Whether anything consumes the stream (dispatch only pays for
    /// ordering and encoding then).
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    fn refresh_active(&self, s: &Stream) {
        let on = s.aof_on || (s.backlog.is_some() && !s.replica);
        self.active.store(on, Ordering::Release);
    }

    /// The AOF consumes the stream (or stops).
    pub fn set_aof(&self, on: bool) {
        let mut s = self.stream.lock();
        s.aof_on = on;
        if !on {
            s.buf.clear();
        }
        s.last_db = None;
        self.refresh_active(&s);
    }

    /// Keeps a replication backlog of `size` bytes from now on (the first
    /// replica), or resizes it.
    pub fn ensure_backlog(&self, size: usize, hard_limit: usize) {
        let mut s = self.stream.lock();
        let off = s.repl_offset();
        match s.backlog.as_mut() {
            Some(b) => {
                b.size = size;
                b.hard_limit = hard_limit;
            }
            None => {
                s.backlog = Some(Backlog {
                    data: Default::default(),
                    first: off + 1,
                    size,
                    needs: Default::default(),
                    hard_limit,
                    lost: Vec::new(),
                });
                s.last_db = None;
            }
        }
        self.refresh_active(&s);
    }

    /// Frees the backlog (repl-backlog-ttl with no replicas).
    pub fn drop_backlog(&self) {
        let mut s = self.stream.lock();
        let off = s.repl_offset();
        s.backlog = None;
        s.repl_offset = off;
        self.refresh_active(&s);
    }

    /// Whether this node is a replica (see `Stream::replica`).
    pub fn set_replica(&self, on: bool) {
        let mut s = self.stream.lock();
        s.replica = on;
        s.last_db = None;
        self.refresh_active(&s);
    }

    /// Starts the stream over at `offset` (a replica after a full sync:
    /// its history is its primary's from there on).
    pub fn reset_offset(&self, offset: u64) {
        let mut s = self.stream.lock();
        s.repl_offset = offset;
        if let Some(b) = s.backlog.as_mut() {
            b.data.clear();
            b.first = offset + 1;
        }
        self.repl_offset.store(offset, Ordering::Release);
    }

    /// A replica appends its primary's bytes verbatim, so its offsets and
    /// backlog match the primary's.
    pub fn feed_raw(&self, bytes: &[u8]) {
        let mut s = self.stream.lock();
        match s.backlog.as_mut() {
            Some(b) => b.append(bytes),
            None => s.repl_offset += bytes.len() as u64,
        }
        let off = s.repl_offset();
        self.repl_offset.store(off, Ordering::Release);
        drop(s);
        self.wake_feeders();
    }

    fn wake_feeders(&self) {
        if let Some(f) = self.on_backlog.read().as_ref() {
            f();
        }
    }

    /// Appends commands run in database `db`; returns the stream offset
    /// after them.
    pub fn emit<'a>(&self, db: usize, cmds: impl IntoIterator<Item = &'a [Bytes]>) -> u64 {
        self.emit_in(cmds.into_iter().map(|c| (Some(db), c)))
    }

    /// Appends commands, each with the database it ran in (None: any, for
    /// MULTI and EXEC), as one uninterrupted run.
    pub fn emit_in<'a>(&self, cmds: impl IntoIterator<Item = (Option<usize>, &'a [Bytes])>) -> u64 {
        let mut guard = self.stream.lock();
        let s = &mut *guard;
        let mut out = std::mem::take(&mut s.scratch);
        out.clear();
        for (db, argv) in cmds {
            if let Some(db) = db {
                if s.last_db != Some(db) {
                    encode(
                        &mut out,
                        &[Bytes::from_static(b"SELECT"), Bytes::from(db.to_string())],
                    );
                    s.last_db = Some(db);
                }
            }
            encode(&mut out, argv);
        }
        if s.aof_on {
            s.buf.extend_from_slice(&out);
            s.offset += out.len() as u64;
            self.offset.store(s.offset, Ordering::Release);
        }
        let fed = !s.replica && s.backlog.is_some();
        if fed {
            if let Some(b) = s.backlog.as_mut() {
                b.append(&out);
            }
            self.repl_offset.store(s.repl_offset(), Ordering::Release);
        }
        s.scratch = out;
        let off = s.offset;
        drop(guard);
        if fed {
            self.wake_feeders();
        }
        off
    }

    /// Takes the pending bytes (the AOF writer), with the offset they end at.
    pub fn take(&self, into: &mut Vec<u8>) -> u64 {
        let mut s = self.stream.lock();
        std::mem::swap(&mut s.buf, into);
        s.offset
    }

    /// Starts a full sync for replica `id` at this instant: the offset its
    /// snapshot corresponds to (the backlog keeps everything after it for
    /// the replica), and the next command carries a SELECT. Call with every
    /// shard held, so the snapshot and the offset are one instant.
    pub fn start_full_sync(&self, id: u64) -> u64 {
        let mut s = self.stream.lock();
        s.last_db = None;
        let off = s.repl_offset();
        if let Some(b) = s.backlog.as_mut() {
            b.needs.insert(id, off + 1);
        }
        off
    }

    /// Up to `max` backlog bytes from offset `from` for replica `id`
    /// (recording that it needs nothing before `from`); None when they
    /// were dropped (the replica must resync).
    pub fn read_backlog(&self, id: u64, from: u64, max: usize) -> Option<Vec<u8>> {
        let mut s = self.stream.lock();
        let b = s.backlog.as_mut()?;
        if b.lost.contains(&id) {
            b.lost.retain(|&x| x != id);
            return None;
        }
        let out = b.read(from, max)?;
        b.needs.insert(id, from + out.len() as u64);
        Some(out)
    }

    /// Whether replica `id` fell out of the backlog (past the hard limit).
    pub fn replica_lost(&self, id: u64) -> bool {
        self.stream
            .lock()
            .backlog
            .as_ref()
            .is_some_and(|b| b.lost.contains(&id))
    }

    /// Replica `id` is gone: the backlog need not keep data for it.
    pub fn forget_replica(&self, id: u64) {
        if let Some(b) = self.stream.lock().backlog.as_mut() {
            b.needs.remove(&id);
            b.lost.retain(|&x| x != id);
        }
    }

    /// Bytes the backlog has allocated (its ring at capacity and the
    /// per-replica bookkeeping) and `repl-backlog-size`; None without a
    /// backlog. Bytes beyond the size are kept for replicas that still
    /// need them (see `Backlog::needs`).
    pub fn backlog_memory(&self) -> Option<(usize, usize)> {
        let s = self.stream.lock();
        s.backlog.as_ref().map(|b| {
            let needs = ferrodis_engine::dense::hash_table_bytes::<(u64, u64)>(b.needs.capacity());
            (b.data.capacity() + needs + b.lost.capacity() * 8, b.size)
        })
    }

    /// Bytes of the buffer of stream data not yet taken by the AOF
    /// writer (its capacity), 0 with the AOF off.
    pub fn aof_buffer_memory(&self) -> usize {
        let s = self.stream.lock();
        if s.aof_on {
            s.buf.capacity()
        } else {
            0
        }
    }

    /// With a backlog (a primary that feeds or fed replicas): the stream's
    /// offset and the database it is in, for a snapshot to record.
    pub fn backlog_point(&self) -> Option<(u64, usize)> {
        let s = self.stream.lock();
        s.backlog
            .as_ref()
            .map(|_| (s.repl_offset(), s.last_db.unwrap_or(0)))
    }

    /// Looks at the stream (INFO, PSYNC) without disturbing it.
    pub fn inspect<R>(&self, f: impl FnOnce(&Stream) -> R) -> R {
        f(&self.stream.lock())
    }

    /// Runs `f` with the stream locked (switching AOF files at an exact
    /// point); the next command emitted starts with a SELECT.
    pub fn with_stream<R>(&self, f: impl FnOnce(&mut Stream) -> R) -> R {
        let mut s = self.stream.lock();
        let r = f(&mut s);
        s.last_db = None;
        r
    }
}

/// RESP multibulk, as Redis writes the AOF and the replication stream.
pub fn encode(out: &mut Vec<u8>, argv: &[Bytes]) {
    // Runs for every propagated write: the stack itoa, not `write!`.
    let mut num = [0u8; ferrodis_protocol::num::INT_BUF_LEN];
    out.push(b'*');
    out.extend_from_slice(ferrodis_protocol::num::fmt_u64(argv.len() as u64, &mut num));
    out.extend_from_slice(b"\r\n");
    for a in argv {
        out.push(b'$');
        out.extend_from_slice(ferrodis_protocol::num::fmt_u64(a.len() as u64, &mut num));
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// Makes a write propagate as `argv` instead of its own arguments (Redis's
/// rewrite of a command into its deterministic effect: INCRBYFLOAT as SET,
/// a blocking pop as the pop it did), when anything consumes the stream.
pub fn rewrite(srv: &ServerState, client: &mut Client, argv: impl FnOnce() -> Vec<Bytes>) {
    if srv.propagator.is_active() {
        client.propagate = Some(vec![argv()]);
    }
}

/// Emits a command that changed a value though it is not a write command
/// (PFCOUNT storing the cardinality it computed, as Redis replicates it):
/// call it while the key's shard is held, so it is ordered with the
/// writes to that key. Inside EXEC or a script it joins their unit. A
/// replica emits nothing of its own clients' commands.
pub fn also(srv: &ServerState, client: &mut Client, db: usize, argv: &[Bytes]) {
    if !srv.propagator.is_active() || srv.repl.is_replica() && !client.is_master {
        return;
    }
    if let Some(off) = emit_one(srv, client, db, argv) {
        emitted(srv, client, off);
    }
}

/// Emits one command, or adds it to the unit being collected (EXEC, a
/// script): the offset it was emitted at, None when collected.
fn emit_one(srv: &ServerState, client: &mut Client, db: usize, argv: &[Bytes]) -> Option<u64> {
    if let Some(batch) = client.prop_batch.as_mut() {
        batch.push((db, argv.to_vec()));
        return None;
    }
    Some(srv.propagator.emit(db, std::iter::once(argv)))
}

/// Records where the client's last change ends in the stream (WAIT, and
/// `appendfsync always` before its replies).
fn emitted(srv: &ServerState, client: &mut Client, off: u64) {
    client.prop_offset = off;
    client.prop_repl_offset = srv.propagator.repl_offset.load(Ordering::Acquire);
}

/// A count argument for a rewritten command.
pub fn count_arg(n: usize) -> Bytes {
    let mut buf = [0u8; ferrodis_protocol::num::INT_BUF_LEN];
    Bytes::copy_from_slice(ferrodis_protocol::num::fmt_u64(n as u64, &mut buf))
}

/// Emits what a successful write command (`name`: its full table name,
/// `function|restore` for a subcommand) changed: its override if the
/// handler set one, else its own arguments. Inside EXEC the commands are
/// collected and emitted by EXEC as one MULTI … EXEC unit.
pub fn command(srv: &ServerState, client: &mut Client, db: usize, name: &str, argv: &[Bytes]) {
    let off = match client
        .propagate
        .take()
        .or_else(|| as_state(srv, db, name, argv))
    {
        Some(cmds) => {
            if cmds.is_empty() {
                return;
            }
            if let Some(batch) = client.prop_batch.as_mut() {
                batch.extend(cmds.into_iter().map(|c| (db, c)));
                return;
            }
            srv.propagator.emit(db, cmds.iter().map(|c| c.as_slice()))
        }
        // The common case, the command as it came: emitted from its
        // arguments without copying them.
        None => match emit_one(srv, client, db, argv) {
            Some(off) => off,
            None => return,
        },
    };
    emitted(srv, client, off);
}

/// Commands whose effect depends on the time they run (relative expire
/// times) are emitted as the state they left, read back while the key's
/// shard is still held: the value with an absolute PXAT, an absolute
/// PEXPIREAT, or DEL when the key is gone.
fn as_state(srv: &ServerState, db: usize, name: &str, argv: &[Bytes]) -> Option<Vec<Vec<Bytes>>> {
    let key = argv.get(1)?;
    let relative = |from: usize| {
        argv[from..]
            .iter()
            .any(|a| crate::args::eq_ic(a, "EX") || crate::args::eq_ic(a, "PX"))
    };
    let string_state = match name {
        "setex" | "psetex" => true,
        "set" => relative(3),
        "getex" => relative(2) || argv[2..].iter().any(|a| crate::args::eq_ic(a, "PERSIST")),
        _ => false,
    };
    let expire_state = matches!(name, "expire" | "pexpire");
    let restore = name == "restore" && !argv[4..].iter().any(|a| crate::args::eq_ic(a, "ABSTTL"));
    if !string_state && !expire_state && !restore {
        return None;
    }
    let mut shard = srv.keyspace.db(db).lock(key);
    let now = ferrodis_engine::clock::now_ms();
    let at = shard.expire_at(key);
    let del = || vec![vec![Bytes::from_static(b"DEL"), key.clone()]];
    let Some(entry) = shard.peek(key, now) else {
        return Some(del());
    };
    let ttl_args = |mut v: Vec<Bytes>| {
        if at != 0 {
            v.push(Bytes::from_static(b"PXAT"));
            v.push(Bytes::from(at.to_string()));
        }
        v
    };
    if string_state {
        let ferrodis_engine::Value::Str(s) = &entry.value else {
            return None;
        };
        let value = Bytes::from(s.to_vec());
        if name == "getex" {
            return Some(vec![if at != 0 {
                vec![
                    Bytes::from_static(b"PEXPIREAT"),
                    key.clone(),
                    Bytes::from(at.to_string()),
                ]
            } else {
                vec![Bytes::from_static(b"PERSIST"), key.clone()]
            }]);
        }
        return Some(vec![ttl_args(vec![
            Bytes::from_static(b"SET"),
            key.clone(),
            value,
        ])]);
    }
    if expire_state {
        return Some(vec![if at != 0 {
            vec![
                Bytes::from_static(b"PEXPIREAT"),
                key.clone(),
                Bytes::from(at.to_string()),
            ]
        } else {
            vec![Bytes::from_static(b"PERSIST"), key.clone()]
        }]);
    }
    // RESTORE with a relative TTL: the same payload with the absolute time.
    let mut v = argv.to_vec();
    v[2] = Bytes::from(at.to_string());
    v.push(Bytes::from_static(b"ABSTTL"));
    Some(vec![v])
}

/// Emits a transaction's collected writes: alone when there is one, else
/// wrapped in MULTI … EXEC so a consumer applies them as a unit.
pub fn transaction(srv: &ServerState, client: &mut Client, batch: Vec<(usize, Vec<Bytes>)>) {
    if batch.is_empty() {
        return;
    }
    let first_db = batch[0].0;
    // (MULTI itself is emitted after the first SELECT: see `emit_in`.)
    if batch.len() == 1 {
        let off = srv.propagator.emit(first_db, [batch[0].1.as_slice()]);
        emitted(srv, client, off);
        return;
    }
    let multi = [Bytes::from_static(b"MULTI")];
    let exec = [Bytes::from_static(b"EXEC")];
    // SELECT goes before MULTI, as Redis writes it.
    let items = std::iter::once((Some(first_db), &multi[..]))
        .chain(batch.iter().map(|(db, argv)| (Some(*db), argv.as_slice())))
        .chain(std::iter::once((None, &exec[..])));
    let off = srv.propagator.emit_in(items);
    emitted(srv, client, off);
}

/// The server's own deletion of a key (expiry, eviction), as a DEL.
pub fn key_removed(srv: &ServerState, db: usize, key: &[u8]) {
    if srv.propagator.is_active() {
        let argv = [Bytes::from_static(b"DEL"), Bytes::copy_from_slice(key)];
        srv.propagator.emit(db, [&argv[..]]);
    }
}
