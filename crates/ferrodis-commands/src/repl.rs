//! Replication, the parts that are commands and shared state: replication
//! IDs and offsets, the primary's view of its replicas, the replica's view
//! of its link, and REPLICAOF/SLAVEOF, REPLCONF, PSYNC/SYNC, ROLE, WAIT and
//! INFO replication. The network side (feeding a replica after PSYNC, the
//! replica's link to its primary) lives in the server crate.
//!
//! Offsets are Redis's: `master_repl_offset` counts the bytes of the
//! replication stream; the backlog (in `propagate`) keeps its tail. A
//! replica appends its primary's bytes verbatim to its own backlog, so its
//! offsets are its primary's and a promoted replica can continue partial
//! resyncs of its former siblings (PSYNC2: the old ID stays valid up to
//! `second_offset`).

use std::sync::atomic::{
    AtomicBool, AtomicI64, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use ferrodis_engine::clock::now_ms;
use parking_lot::Mutex;

use crate::args::{eq_ic, parse_int};
use crate::blocking::{BlockRequest, TimeoutReply};
use crate::context::{After, ClientShared, Ctx, ServerState};
use crate::error::{CmdResult, CommandError};
use crate::spec::*;

/// A new random 40-hex-digit replication ID.
pub fn new_replid() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..40)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// The replication IDs (PSYNC2).
#[derive(Debug, Clone)]
pub struct Ids {
    pub replid: String,
    /// The previous ID, valid for partial resyncs up to `second_offset`.
    pub replid2: String,
    pub second_offset: i64,
}

impl Ids {
    /// A history that starts with `replid`: no previous ID to continue.
    pub fn new(replid: String) -> Ids {
        Ids {
            replid,
            replid2: "0".repeat(40),
            second_offset: -1,
        }
    }
}

/// A replica's link to its primary, as ROLE and INFO show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Connect,
    Connecting,
    Handshake,
    Sync,
    Connected,
}

impl LinkState {
    fn role_word(self) -> &'static str {
        match self {
            LinkState::Connect => "connect",
            LinkState::Connecting => "connecting",
            LinkState::Handshake => "handshake",
            LinkState::Sync => "sync",
            LinkState::Connected => "connected",
        }
    }
}

#[derive(Debug, Clone)]
pub struct MasterLink {
    pub host: String,
    pub port: u16,
    pub state: LinkState,
    /// Unix ms of the last bytes from the primary (0: never).
    pub last_io_ms: u64,
    /// Unix ms the link went down (0: never up).
    pub down_since_ms: u64,
}

/// Where a replica connection is in its sync.
pub const REPLICA_WAIT_BGSAVE: u8 = 0;
pub const REPLICA_SEND_BULK: u8 = 1;
pub const REPLICA_ONLINE: u8 = 2;

/// The primary's view of one connected replica.
pub struct ReplicaInfo {
    pub client_id: u64,
    pub ip: String,
    pub port: AtomicU32,
    pub state: AtomicU8,
    /// The offset the replica acknowledged.
    pub ack: AtomicU64,
    /// Unix ms of its last acknowledgement.
    pub ack_ms: AtomicU64,
    /// Wakes the task feeding it.
    pub waker: Box<dyn Fn() + Send + Sync>,
}

/// Replication state shared by all connections.
pub struct ReplState {
    pub ids: Mutex<Ids>,
    /// Some when this node is a replica.
    pub master: Mutex<Option<MasterLink>>,
    /// Whether `master` is Some, readable without its lock: every command
    /// asks, and a lock shared by all workers moves its cache line from
    /// core to core on each request. Written only by `set_master`.
    replica: AtomicBool,
    /// Bumped whenever the primary changes; the link task follows it.
    pub link_epoch: AtomicU64,
    /// Called after `link_epoch` changes (the server crate's link task).
    pub on_link_change: OnceLock<Box<dyn Fn() + Send + Sync>>,
    pub replicas: Mutex<Vec<Arc<ReplicaInfo>>>,
    pub replica_count: AtomicUsize,
    /// Unix ms since when no replica is connected (repl-backlog-ttl).
    pub no_replicas_since_ms: AtomicU64,
    /// Clients blocked in WAIT.
    pub waiters: Mutex<Vec<Arc<ClientShared>>>,
    /// Full and partial syncs served (INFO stats).
    pub sync_full: AtomicU64,
    pub sync_partial_ok: AtomicU64,
    pub sync_partial_err: AtomicU64,
    /// On a replica: the database the primary's stream is in. It outlives
    /// one link, because a stream continued with +CONTINUE does not repeat
    /// its SELECT, and is saved in snapshots (repl-stream-db).
    pub stream_db: AtomicUsize,
    /// Held by a replica while it applies one command of the stream and
    /// advances its offset, and by a snapshot while it records that
    /// offset: the two always describe the same instant. Take it before
    /// any shard (see `apply_guard`).
    pub apply: Mutex<()>,
}

impl Default for ReplState {
    fn default() -> Self {
        ReplState {
            ids: Mutex::new(Ids::new(new_replid())),
            master: Mutex::new(None),
            replica: AtomicBool::new(false),
            link_epoch: AtomicU64::new(0),
            on_link_change: OnceLock::new(),
            replicas: Mutex::new(Vec::new()),
            replica_count: AtomicUsize::new(0),
            no_replicas_since_ms: AtomicU64::new(now_ms()),
            waiters: Mutex::new(Vec::new()),
            sync_full: AtomicU64::new(0),
            sync_partial_ok: AtomicU64::new(0),
            sync_partial_err: AtomicU64::new(0),
            stream_db: AtomicUsize::new(0),
            apply: Mutex::new(()),
        }
    }
}

impl ReplState {
    pub fn is_replica(&self) -> bool {
        self.replica.load(Ordering::Acquire)
    }

    /// The primary to follow, with the epoch of that choice.
    pub fn target(&self) -> (u64, Option<(String, u16)>) {
        let m = self.master.lock();
        (
            self.link_epoch.load(Ordering::Acquire),
            m.as_ref().map(|l| (l.host.clone(), l.port)),
        )
    }

    pub fn set_link_state(&self, epoch: u64, state: LinkState) {
        if self.link_epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        if let Some(m) = self.master.lock().as_mut() {
            if state != LinkState::Connected && m.state == LinkState::Connected {
                m.down_since_ms = now_ms();
            }
            m.state = state;
        }
    }

    pub fn touch_link(&self) {
        if let Some(m) = self.master.lock().as_mut() {
            m.last_io_ms = now_ms();
        }
    }

    pub fn link_up(&self) -> bool {
        self.master
            .lock()
            .as_ref()
            .is_some_and(|m| m.state == LinkState::Connected)
    }

    fn changed(&self) {
        self.link_epoch.fetch_add(1, Ordering::AcqRel);
        if let Some(f) = self.on_link_change.get() {
            f();
        }
    }

    /// Wakes every replica feeder (new bytes in the backlog).
    pub fn wake_replicas(&self) {
        if self.replica_count.load(Ordering::Acquire) == 0 {
            return;
        }
        for r in self.replicas.lock().iter() {
            (r.waker)();
        }
    }

    pub fn add_replica(&self, r: Arc<ReplicaInfo>) {
        let mut v = self.replicas.lock();
        v.push(r);
        self.replica_count.store(v.len(), Ordering::Release);
    }

    pub fn remove_replica(&self, client_id: u64) {
        let mut v = self.replicas.lock();
        v.retain(|r| r.client_id != client_id);
        self.replica_count.store(v.len(), Ordering::Release);
        if v.is_empty() {
            self.no_replicas_since_ms.store(now_ms(), Ordering::Relaxed);
        }
    }

    /// A replica acknowledged `offset`: WAIT may be done.
    pub fn acked(&self, r: &ReplicaInfo, offset: u64) {
        r.ack.fetch_max(offset, Ordering::AcqRel);
        r.ack_ms.store(now_ms(), Ordering::Relaxed);
        for c in self.waiters.lock().iter() {
            (c.waker)();
        }
    }

    /// Replicas online that acknowledged at least `offset`.
    pub fn count_acked(&self, offset: u64) -> usize {
        self.replicas
            .lock()
            .iter()
            .filter(|r| {
                r.state.load(Ordering::Acquire) == REPLICA_ONLINE
                    && r.ack.load(Ordering::Acquire) >= offset
            })
            .count()
    }

    /// Online replicas whose last ACK is at most `max_lag` seconds old.
    pub fn good_replicas(&self, max_lag: i64) -> usize {
        let now = now_ms();
        self.replicas
            .lock()
            .iter()
            .filter(|r| {
                r.state.load(Ordering::Acquire) == REPLICA_ONLINE
                    && (now.saturating_sub(r.ack_ms.load(Ordering::Relaxed)) / 1000) as i64
                        <= max_lag
            })
            .count()
    }
}

/// What a snapshot records of replication (as Redis 7.0): on a replica that
/// has synced, its primary's ID, the offset applied and the stream's
/// database; on a primary with a backlog, its own. A replica restarted
/// from such a snapshot asks for a partial resync from there.
pub fn save_info(srv: &ServerState) -> Option<(String, u64, usize)> {
    let replid = srv.repl.ids.lock().replid.clone();
    if srv.repl.is_replica() {
        let off = srv.propagator.repl_offset.load(Ordering::Acquire);
        (off > 0).then(|| (replid, off, srv.repl.stream_db.load(Ordering::Acquire)))
    } else {
        let (off, db) = srv.propagator.backlog_point()?;
        Some((replid, off, db))
    }
}

/// The `apply` lock for a snapshot about to record the offset. Not inside
/// EXEC or a script (BGSAVE in MULTI): that thread already holds shards,
/// and the applier, which holds `apply` while it waits for a shard, would
/// deadlock with it; there the offset may be one command off.
pub fn apply_guard(srv: &ServerState) -> Option<parking_lot::MutexGuard<'_, ()>> {
    (!ferrodis_engine::hold::holding()).then(|| srv.repl.apply.lock())
}

/// A replica starting from a snapshot that recorded its primary's ID and
/// offset takes them up again, so its first PSYNC can continue.
pub fn restore_from_snapshot(srv: &ServerState, aux: &[(Vec<u8>, Vec<u8>)]) {
    if srv.config.read().replicaof.is_none() {
        return;
    }
    let field = |name: &str| {
        aux.iter()
            .find(|(k, _)| k == name.as_bytes())
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    };
    let (Some(id), Some(off), Some(db)) = (
        field("repl-id").filter(|id| id.len() == 40),
        field("repl-offset").and_then(|o| o.parse::<u64>().ok()),
        field("repl-stream-db").and_then(|d| d.parse::<usize>().ok()),
    ) else {
        return;
    };
    srv.repl.ids.lock().replid = id.to_string();
    srv.propagator.reset_offset(off);
    srv.repl.stream_db.store(db, Ordering::Release);
}

/// Whether a PSYNC for (`replid`, `offset`) can continue from the backlog:
/// the offset to stream from, or None for a full sync.
pub fn partial_from(srv: &ServerState, replid: &[u8], offset: i64) -> Option<u64> {
    if offset < 1 {
        return None;
    }
    let ids = srv.repl.ids.lock().clone();
    let ok_id = replid == ids.replid.as_bytes()
        || (replid == ids.replid2.as_bytes() && offset <= ids.second_offset);
    if !ok_id {
        return None;
    }
    srv.propagator.inspect(|s| {
        let b = s.backlog.as_ref()?;
        let off = offset as u64;
        (off >= b.first && off <= s.repl_offset() + 1).then_some(off)
    })
}

/// Makes this node a replica of `host:port` (or a primary with None).
pub fn set_master(srv: &ServerState, target: Option<(String, u16)>) {
    let was_replica = srv.repl.is_replica();
    match target {
        Some((host, port)) => {
            *srv.repl.master.lock() = Some(MasterLink {
                host: host.clone(),
                port,
                state: LinkState::Connect,
                last_io_ms: 0,
                down_since_ms: now_ms(),
            });
            srv.repl.replica.store(true, Ordering::Release);
            srv.config.write().replicaof = Some((host, port));
            ferrodis_engine::shard::set_replica_expiry(true);
            srv.propagator.set_replica(true);
        }
        None => {
            *srv.repl.master.lock() = None;
            srv.repl.replica.store(false, Ordering::Release);
            srv.config.write().replicaof = None;
            ferrodis_engine::shard::set_replica_expiry(false);
            srv.propagator.set_replica(false);
            if was_replica {
                // Promotion: a new history starts here; the old ID stays
                // good for partial resyncs up to this point (PSYNC2).
                let off = srv.propagator.repl_offset.load(Ordering::Acquire);
                let mut ids = srv.repl.ids.lock();
                ids.replid2 = std::mem::replace(&mut ids.replid, new_replid());
                ids.second_offset = off as i64 + 1;
                let size = srv.config.read().repl_backlog_size as usize;
                srv.propagator.ensure_backlog(size, replica_hard_limit(srv));
            }
        }
    }
    srv.repl.changed();
}

/// The replica class's `client-output-buffer-limit` hard limit.
pub fn replica_hard_limit(srv: &ServerState) -> usize {
    srv.config.read().output_buffer_limits()[1].hard as usize
}

fn replicaof(ctx: &mut Ctx<'_>) -> CmdResult {
    let (a, b) = (&ctx.argv[1], &ctx.argv[2]);
    if eq_ic(a, "NO") && eq_ic(b, "ONE") {
        if ctx.srv.repl.is_replica() {
            set_master(ctx.srv, None);
            tracing::info!(
                "MASTER MODE enabled (user request from 'id={}')",
                ctx.client.id()
            );
        }
        ctx.reply().ok();
        return Ok(());
    }
    let port = parse_int(b)
        .ok()
        .filter(|p| (0..=65535).contains(p))
        .ok_or(CommandError::InvalidMasterPort)?;
    let host = String::from_utf8_lossy(a).into_owned();
    let same = ctx
        .srv
        .repl
        .master
        .lock()
        .as_ref()
        .is_some_and(|m| m.host.eq_ignore_ascii_case(&host) && m.port as i64 == port);
    if same {
        ctx.reply()
            .simple(b"OK Already connected to specified master");
        return Ok(());
    }
    set_master(ctx.srv, Some((host.clone(), port as u16)));
    tracing::info!(
        "REPLICAOF {host}:{port} enabled (user request from 'id={}')",
        ctx.client.id()
    );
    ctx.reply().ok();
    Ok(())
}

fn replconf(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc().is_multiple_of(2) {
        return Err(CommandError::Syntax);
    }
    let mut i = 1;
    while i + 1 < ctx.argc() {
        let (opt, val) = (&ctx.argv[i], &ctx.argv[i + 1]);
        if eq_ic(opt, "listening-port") {
            let p = parse_int(val)?;
            ctx.client.repl_port = u16::try_from(p).unwrap_or(0);
        } else if eq_ic(opt, "ip-address") {
            ctx.client.repl_ip = Some(String::from_utf8_lossy(val).into_owned());
        } else if eq_ic(opt, "capa") {
            if eq_ic(val, "eof") {
                ctx.client.repl_capa_eof = true;
            } else if eq_ic(val, "psync2") {
                ctx.client.repl_capa_psync2 = true;
            }
        } else if eq_ic(opt, "ack") || eq_ic(opt, "fack") || eq_ic(opt, "getack") {
            // Only meaningful on a replication link, where the link code
            // handles them; from anyone else they are ignored silently.
            return Ok(());
        } else if eq_ic(opt, "rdb-only") || eq_ic(opt, "rdb-filter-only") {
            // Accepted for redis-cli --rdb.
        } else {
            return Err(CommandError::UnrecognizedReplconf(
                String::from_utf8_lossy(opt).into_owned(),
            ));
        }
        i += 2;
    }
    ctx.reply().ok();
    Ok(())
}

fn psync(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.srv.repl.is_replica() && !ctx.srv.repl.link_up() {
        return Err(CommandError::NoMasterLink);
    }
    let offset = parse_int(&ctx.argv[2]).unwrap_or(-1);
    ctx.client.after = After::Replica(Some((ctx.argv[1].clone(), offset)));
    Ok(())
}

fn sync(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.srv.repl.is_replica() && !ctx.srv.repl.link_up() {
        return Err(CommandError::NoMasterLink);
    }
    ctx.client.after = After::Replica(None);
    Ok(())
}

fn role(ctx: &mut Ctx<'_>) -> CmdResult {
    let srv = ctx.srv;
    let offset = srv.propagator.repl_offset.load(Ordering::Acquire);
    let master = srv.repl.master.lock().clone();
    let r = &mut ctx.client.reply;
    match master {
        Some(m) => {
            r.array(5);
            r.bulk(b"slave");
            r.bulk(m.host.as_bytes());
            r.integer(m.port as i64);
            r.bulk(m.state.role_word().as_bytes());
            r.integer(if m.state == LinkState::Connected {
                offset as i64
            } else {
                -1
            });
        }
        None => {
            let reps = srv.repl.replicas.lock();
            let online: Vec<&Arc<ReplicaInfo>> = reps
                .iter()
                .filter(|x| x.state.load(Ordering::Acquire) == REPLICA_ONLINE)
                .collect();
            r.array(3);
            r.bulk(b"master");
            r.integer(offset as i64);
            r.array(online.len());
            for x in online {
                r.array(3);
                r.bulk(x.ip.as_bytes());
                r.bulk(x.port.load(Ordering::Relaxed).to_string().as_bytes());
                r.bulk(x.ack.load(Ordering::Relaxed).to_string().as_bytes());
            }
        }
    }
    Ok(())
}

/// Asks every replica to acknowledge its offset now.
pub fn request_acks(srv: &ServerState) {
    let getack = [
        Bytes::from_static(b"REPLCONF"),
        Bytes::from_static(b"GETACK"),
        Bytes::from_static(b"*"),
    ];
    srv.propagator.emit_in([(None, &getack[..])]);
}

/// The replicas that have not acknowledged everything sent: (address,
/// acknowledged offset), for a shutdown's wait.
pub fn lagging_replicas(srv: &ServerState) -> Vec<(String, u64)> {
    let offset = srv.propagator.repl_offset.load(Ordering::Acquire);
    srv.repl
        .replicas
        .lock()
        .iter()
        .filter_map(|r| {
            let ack = r.ack.load(Ordering::Acquire);
            (ack != offset).then(|| (format!("{}:{}", r.ip, r.port.load(Ordering::Relaxed)), ack))
        })
        .collect()
}

fn wait(ctx: &mut Ctx<'_>) -> CmdResult {
    let srv = ctx.srv;
    if srv.repl.is_replica() {
        return Err(CommandError::WaitOnReplica);
    }
    let n = parse_int(&ctx.argv[1])?;
    let timeout = crate::blocking::parse_timeout_ms(&ctx.argv[2])?;
    let target = ctx.client.prop_repl_offset;
    let acked = srv.repl.count_acked(target);
    if n <= 0 || acked as i64 >= n || ctx.client.no_block {
        wait_done(srv, ctx.client.id());
        ctx.reply().integer(acked as i64);
        return Ok(());
    }
    // Ask the replicas for an ACK now rather than at their next second.
    request_acks(srv);
    let shared = ctx.client.shared.clone();
    {
        let mut w = srv.repl.waiters.lock();
        if !w.iter().any(|c| c.id == shared.id) {
            w.push(shared);
        }
    }
    ctx.client.block = Some(BlockRequest {
        keys: Vec::new(),
        timeout,
        on_timeout: TimeoutReply::Rerun,
        rerun_argv: None,
        postponed: false,
    });
    Ok(())
}

/// The instant of a full sync for replica `id`: every shard held while the
/// snapshot starts and the stream offset is read. Returns the offset, or
/// None if another background job holds the snapshot (retry later).
pub fn begin_full_sync(srv: &ServerState, id: u64) -> Option<u64> {
    if !srv.persist.try_begin_job() {
        return None;
    }
    // A write that saw no consumer of the stream (before this replica's
    // backlog existed) will not propagate itself: it must finish before
    // the snapshot, or its effect would be in neither. Dispatch marks a
    // write as running before it makes that decision.
    crate::multi::wait_for_running_writes(srv);
    let _all = srv.keyspace.hold_all();
    srv.keyspace.snapshot_start();
    Some(srv.propagator.start_full_sync(id))
}

/// A WAIT that ended (served, timed out, or the client left).
pub fn wait_done(srv: &ServerState, client_id: u64) {
    srv.repl.waiters.lock().retain(|c| c.id != client_id);
}

/// INFO replication.
pub fn info(srv: &ServerState) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let offset = srv.propagator.repl_offset.load(Ordering::Acquire);
    let master = srv.repl.master.lock().clone();
    let cfg = srv.config.read();
    let now = now_ms();
    match &master {
        Some(m) => {
            let up = m.state == LinkState::Connected;
            let _ = write!(
                o,
                "role:slave\r\nmaster_host:{}\r\nmaster_port:{}\r\nmaster_link_status:{}\r\nmaster_last_io_seconds_ago:{}\r\nmaster_sync_in_progress:{}\r\nslave_read_repl_offset:{offset}\r\nslave_repl_offset:{offset}\r\n",
                m.host,
                m.port,
                if up { "up" } else { "down" },
                if m.last_io_ms == 0 { -1 } else { (now.saturating_sub(m.last_io_ms) / 1000) as i64 },
                u8::from(m.state == LinkState::Sync),
            );
            if !up {
                let _ = write!(
                    o,
                    "master_link_down_since_seconds:{}\r\n",
                    if m.down_since_ms == 0 {
                        -1
                    } else {
                        (now.saturating_sub(m.down_since_ms) / 1000) as i64
                    }
                );
            }
            let _ = write!(
                o,
                "slave_priority:{}\r\nslave_read_only:{}\r\nreplica_announced:1\r\n",
                cfg.replica_priority,
                u8::from(cfg.replica_read_only)
            );
        }
        None => o.push_str("role:master\r\n"),
    }
    let reps = srv.repl.replicas.lock();
    let _ = write!(o, "connected_slaves:{}\r\n", reps.len());
    for (i, r) in reps.iter().enumerate() {
        let state = match r.state.load(Ordering::Acquire) {
            REPLICA_WAIT_BGSAVE => "wait_bgsave",
            REPLICA_SEND_BULK => "send_bulk",
            _ => "online",
        };
        let lag = now.saturating_sub(r.ack_ms.load(Ordering::Relaxed)) / 1000;
        let _ = write!(
            o,
            "slave{i}:ip={},port={},state={state},offset={},lag={lag}\r\n",
            r.ip,
            r.port.load(Ordering::Relaxed),
            r.ack.load(Ordering::Relaxed)
        );
    }
    drop(reps);
    let ids = srv.repl.ids.lock().clone();
    let (active, size, first, histlen) = srv.propagator.inspect(|s| match &s.backlog {
        Some(b) => (1, b.size, b.first, b.data.len()),
        None => (0, cfg.repl_backlog_size as usize, 0, 0),
    });
    let _ = write!(
        o,
        "master_failover_state:no-failover\r\nmaster_replid:{}\r\nmaster_replid2:{}\r\nmaster_repl_offset:{offset}\r\nsecond_repl_offset:{}\r\nrepl_backlog_active:{active}\r\nrepl_backlog_size:{size}\r\nrepl_backlog_first_byte_offset:{first}\r\nrepl_backlog_histlen:{histlen}\r\n",
        ids.replid, ids.replid2, ids.second_offset
    );
    o
}

/// The dispatch gate of a replica: writes from ordinary clients are
/// refused (`replica-read-only`), and with the link down and
/// `replica-serve-stale-data no` most commands are.
pub fn replica_gate(
    srv: &ServerState,
    spec: &CommandSpec,
    is_master: bool,
) -> Result<(), CommandError> {
    if is_master || !srv.repl.is_replica() {
        return Ok(());
    }
    let (ro, stale) = {
        let c = srv.config.read();
        (c.replica_read_only, c.replica_serve_stale_data)
    };
    if ro && spec.flags & WRITE != 0 {
        return Err(CommandError::ReadOnlyReplica);
    }
    if !stale && spec.flags & STALE == 0 && !srv.repl.link_up() {
        return Err(CommandError::MasterDown);
    }
    Ok(())
}

/// min-replicas-to-write, kept out of the config lock for the write path.
static MIN_REPLICAS_TO_WRITE: AtomicI64 = AtomicI64::new(0);

/// Applies the replication settings every write consults (at start-up
/// and after CONFIG SET).
pub fn configure(cfg: &ferrodis_config::Config) {
    MIN_REPLICAS_TO_WRITE.store(cfg.min_replicas_to_write, Ordering::Relaxed);
}

/// min-replicas-to-write: writes need that many replicas with a small lag.
pub fn min_replicas_gate(srv: &ServerState, spec: &CommandSpec) -> Result<(), CommandError> {
    let n = MIN_REPLICAS_TO_WRITE.load(Ordering::Relaxed);
    if n <= 0 || spec.flags & WRITE == 0 || srv.repl.is_replica() {
        return Ok(());
    }
    let lag = srv.config.read().min_replicas_max_lag;
    if (srv.repl.good_replicas(lag) as i64) < n {
        return Err(CommandError::NoGoodReplicas);
    }
    Ok(())
}

/// The cron part: PING to replicas every repl-ping-replica-period, and
/// the backlog freed after repl-backlog-ttl without replicas.
pub fn cron(srv: &ServerState, last_ping_ms: &mut u64) {
    let now = now_ms();
    let (period, ttl) = {
        let c = srv.config.read();
        (c.repl_ping_replica_period.max(1) as u64, c.repl_backlog_ttl)
    };
    if srv.repl.is_replica() {
        return;
    }
    if srv.repl.replica_count.load(Ordering::Acquire) > 0 {
        if now.saturating_sub(*last_ping_ms) >= period * 1000 {
            *last_ping_ms = now;
            let ping = [Bytes::from_static(b"PING")];
            srv.propagator.emit_in([(None, &ping[..])]);
        }
    } else if ttl > 0 {
        let since = srv.repl.no_replicas_since_ms.load(Ordering::Relaxed);
        let has_backlog = srv.propagator.inspect(|s| s.backlog.is_some());
        if has_backlog && now.saturating_sub(since) >= ttl as u64 * 1000 {
            srv.propagator.drop_backlog();
            // A new history: nobody can continue the old one from us.
            change_repl_id(srv);
        }
    }
}

/// A new replication ID, and no previous one (DEBUG CHANGE-REPL-ID, and a
/// backlog freed by repl-backlog-ttl).
pub fn change_repl_id(srv: &ServerState) {
    *srv.repl.ids.lock() = Ids::new(new_replid());
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "replicaof",
        handler: Some(replicaof),
        arity: 3,
        flags: ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "5.0.0",
        summary: "Makes the server a replica of another one, or a primary again.",
        complexity: "O(1)",
        args: &[Arg {
            name: "args",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "host-port",
                    kind: ArgKind::Block,
                    args: &[
                        Arg {
                            name: "host",
                            kind: ArgKind::String,
                            ..Arg::BASE
                        },
                        Arg {
                            name: "port",
                            kind: ArgKind::Integer,
                            ..Arg::BASE
                        },
                    ],
                    ..Arg::BASE
                },
                Arg {
                    name: "no-one",
                    kind: ArgKind::Block,
                    args: &[
                        Arg {
                            name: "no",
                            kind: ArgKind::PureToken,
                            token: Some("NO"),
                            ..Arg::BASE
                        },
                        Arg {
                            name: "one",
                            kind: ArgKind::PureToken,
                            token: Some("ONE"),
                            ..Arg::BASE
                        },
                    ],
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "slaveof",
        handler: Some(replicaof),
        arity: 3,
        flags: ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "1.0.0",
        summary:
            "Makes the server a replica of another one, or a primary again (old name of REPLICAOF).",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        args: &[Arg {
            name: "args",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "host-port",
                    kind: ArgKind::Block,
                    args: &[
                        Arg {
                            name: "host",
                            kind: ArgKind::String,
                            ..Arg::BASE
                        },
                        Arg {
                            name: "port",
                            kind: ArgKind::Integer,
                            ..Arg::BASE
                        },
                    ],
                    ..Arg::BASE
                },
                Arg {
                    name: "no-one",
                    kind: ArgKind::Block,
                    args: &[
                        Arg {
                            name: "no",
                            kind: ArgKind::PureToken,
                            token: Some("NO"),
                            ..Arg::BASE
                        },
                        Arg {
                            name: "one",
                            kind: ArgKind::PureToken,
                            token: Some("ONE"),
                            ..Arg::BASE
                        },
                    ],
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "replconf",
        handler: Some(replconf),
        arity: -1,
        flags: ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "3.0.0",
        summary: "Configures a replication link (used between replicas and primaries).",
        complexity: "O(1)",
        doc_flags: &["syscmd"],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "psync",
        handler: Some(psync),
        arity: -3,
        flags: ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.8.0",
        summary: "Starts or continues replication from a primary (used by replicas).",
        args: &[
            Arg {
                name: "replicationid",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "offset",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sync",
        handler: Some(sync),
        arity: 1,
        flags: ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        acl: 0,
        key_range: (0, 0, 0),
        group: "server",
        since: "1.0.0",
        summary: "Starts replication with a full copy (used by old replicas).",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "role",
        handler: Some(role),
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | FAST,
        acl: CAT_ADMIN | CAT_DANGEROUS,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.8.12",
        summary: "Returns the replication role and its state.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "wait",
        handler: Some(wait),
        arity: 3,
        flags: NOSCRIPT,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "response_policy:agg_min"],
        group: "generic",
        since: "3.0.0",
        summary: "Blocks until earlier writes reached a number of replicas, or a timeout.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "numreplicas",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "timeout",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];
