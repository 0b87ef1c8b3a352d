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

/// The pending bytes of the stream and where it stands.
#[derive(Default)]
pub struct Stream {
    /// Encoded commands not yet taken by the AOF writer.
    pub buf: Vec<u8>,
    /// Bytes ever appended.
    pub offset: u64,
    /// The database the stream's last SELECT chose.
    last_db: Option<usize>,
}

#[derive(Default)]
pub struct Propagator {
    active: AtomicBool,
    stream: Mutex<Stream>,
    /// `Stream::offset` as of the last append, readable without the lock.
    pub offset: AtomicU64,
}

impl Propagator {
    /// Whether anything consumes the stream (dispatch only pays for
    /// ordering and encoding then).
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    pub fn set_active(&self, on: bool) {
        self.active.store(on, Ordering::Release);
        if !on {
            let mut s = self.stream.lock();
            s.buf.clear();
            s.last_db = None;
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
        let mut s = self.stream.lock();
        let start = s.buf.len();
        for (db, argv) in cmds {
            if let Some(db) = db {
                if s.last_db != Some(db) {
                    encode(
                        &mut s.buf,
                        &[Bytes::from_static(b"SELECT"), Bytes::from(db.to_string())],
                    );
                    s.last_db = Some(db);
                }
            }
            encode(&mut s.buf, argv);
        }
        let added = (s.buf.len() - start) as u64;
        s.offset += added;
        self.offset.store(s.offset, Ordering::Release);
        s.offset
    }

    /// Takes the pending bytes (the AOF writer), with the offset they end at.
    pub fn take(&self, into: &mut Vec<u8>) -> u64 {
        let mut s = self.stream.lock();
        std::mem::swap(&mut s.buf, into);
        s.offset
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
    use std::io::Write;
    let _ = write!(out, "*{}\r\n", argv.len());
    for a in argv {
        let _ = write!(out, "${}\r\n", a.len());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// Emits what a successful write command changed: its override if the
/// handler set one, else its own arguments. Inside EXEC the commands are
/// collected and emitted by EXEC as one MULTI … EXEC unit.
pub fn command(srv: &ServerState, client: &mut Client, db: usize, name: &str, argv: &[Bytes]) {
    let over = client.propagate.take();
    let cmds: Vec<Vec<Bytes>> = match over {
        Some(v) => v,
        None => match as_state(srv, db, name, argv) {
            Some(v) => v,
            None => vec![argv.to_vec()],
        },
    };
    if cmds.is_empty() {
        return;
    }
    if let Some(batch) = client.prop_batch.as_mut() {
        batch.extend(cmds.into_iter().map(|c| (db, c)));
        return;
    }
    let off = srv.propagator.emit(db, cmds.iter().map(|c| c.as_slice()));
    client.prop_offset = off;
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
        client.prop_offset = srv.propagator.emit(first_db, [batch[0].1.as_slice()]);
        return;
    }
    let multi = [Bytes::from_static(b"MULTI")];
    let exec = [Bytes::from_static(b"EXEC")];
    // SELECT goes before MULTI, as Redis writes it.
    let items = std::iter::once((Some(first_db), &multi[..]))
        .chain(batch.iter().map(|(db, argv)| (Some(*db), argv.as_slice())))
        .chain(std::iter::once((None, &exec[..])));
    client.prop_offset = srv.propagator.emit_in(items);
}

/// The server's own deletion of a key (expiry, eviction), as a DEL.
pub fn key_removed(srv: &ServerState, db: usize, key: &[u8]) {
    if srv.propagator.is_active() {
        let argv = [Bytes::from_static(b"DEL"), Bytes::copy_from_slice(key)];
        srv.propagator.emit(db, [&argv[..]]);
    }
}
