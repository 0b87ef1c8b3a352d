//! State shared by all connections (`ServerState`), each connection's own
//! state (`Client`), and what a handler sees (`Ctx`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use ferrodis_config::Config;
use ferrodis_engine::{Db, Keyspace};
use ferrodis_protocol::ReplyBuf;
use parking_lot::{Mutex, RwLock};

/// Server-wide counters reported by INFO. Hot counters are added per batch
/// by connections, not per command, to keep cache lines quiet.
#[derive(Default)]
pub struct Stats {
    pub total_connections_received: AtomicU64,
    pub total_commands_processed: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
    /// Expired-key total at the last CONFIG RESETSTAT (the live count is
    /// kept per shard; INFO shows the difference).
    pub expired_keys_base: AtomicU64,
    /// Evicted-key total at the last CONFIG RESETSTAT (live count per shard).
    pub evicted_keys_base: AtomicU64,
    pub keyspace_hits: AtomicU64,
    pub keyspace_misses: AtomicU64,
    pub total_error_replies: AtomicU64,
    pub unexpected_error_replies: AtomicU64,
    pub client_query_buffer_limit_disconnections: AtomicU64,
    /// Commands whose handler panicked (a bug of ours) and were answered
    /// with an error instead of taking the server down (INFO stats
    /// `ferrodis_command_panics`; not reset by CONFIG RESETSTAT).
    pub command_panics: AtomicU64,
    /// Highest used_memory seen (by INFO and the cron thread).
    pub used_memory_peak: AtomicU64,
    /// used_memory once start-up was done, before the dataset was loaded
    /// and clients came (INFO used_memory_startup, MEMORY STATS
    /// startup.allocated); see `memory::record_startup`.
    pub used_memory_startup: AtomicU64,
}

impl Stats {
    /// Records `used` as a candidate peak and returns the peak.
    pub fn note_memory_peak(&self, used: u64) -> u64 {
        self.used_memory_peak
            .fetch_max(used, Ordering::Relaxed)
            .max(used)
    }

    pub fn reset(&self) {
        for c in [
            &self.total_connections_received,
            &self.total_commands_processed,
            &self.rejected_connections,
            &self.net_input_bytes,
            &self.net_output_bytes,
            &self.keyspace_hits,
            &self.keyspace_misses,
            &self.total_error_replies,
            &self.unexpected_error_replies,
            &self.client_query_buffer_limit_disconnections,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

/// How the server should stop when SHUTDOWN asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownMode {
    Default,
    NoSave,
    Save,
}

/// What SHUTDOWN asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownRequest {
    pub mode: ShutdownMode,
    /// Exit even if the final save fails.
    pub force: bool,
    /// Do not wait for lagging replicas.
    pub now: bool,
}

/// What the connection does after writing the replies of this batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum After {
    #[default]
    Continue,
    /// QUIT, CLIENT KILL of oneself, protocol errors.
    Close,
    /// SHUTDOWN: close and stop the server.
    Shutdown(ShutdownRequest),
    /// PSYNC (replication ID, offset) or SYNC (None): the connection
    /// becomes a replica being fed.
    Replica(Option<(bytes::Bytes, i64)>),
}

/// Immutable facts about this server process.
pub struct ServerInfo {
    pub run_id: String,
    pub started: Instant,
    pub started_unix_ms: u64,
    pub executable: String,
    pub config_file: String,
    pub tcp_port: AtomicU32,
    pub pid: u32,
    /// INFO's process_supervised: "no", "systemd" or "upstart".
    pub supervised: &'static str,
}

/// Everything shared between connections.
pub struct ServerState {
    pub keyspace: Keyspace,
    pub config: RwLock<Config>,
    /// Bumped on every CONFIG SET, so connections can cache config values
    /// and refresh them only when this changes.
    pub config_epoch: AtomicU64,
    pub stats: Stats,
    pub clients: ClientRegistry,
    pub blocking: crate::blocking::BlockingRegistry,
    /// Channel, pattern and shard-channel subscribers (pubsub.rs).
    pub pubsub: crate::pubsub::PubSub,
    /// WATCHed keys (multi.rs).
    pub watches: crate::multi::Watches,
    /// The stream of changes for the AOF and replicas (propagate.rs).
    pub propagator: crate::propagate::Propagator,
    /// Replication IDs, replicas, the link to a primary (repl.rs).
    pub repl: crate::repl::ReplState,
    /// The append-only file (aof.rs).
    pub aof: crate::aof::AofState,
    /// Snapshots and their statistics (persistence.rs).
    pub persist: crate::persistence::PersistState,
    /// This state's own Arc, for work that outlives a command (BGSAVE).
    self_ref: std::sync::OnceLock<std::sync::Weak<ServerState>>,
    /// Users and the ACL log (acl.rs).
    pub acl: crate::acl::Acl,
    /// Script cache and running scripts (script/).
    pub scripting: crate::script::Scripting,
    pub info: ServerInfo,
    /// Set once shutdown has begun.
    pub shutting_down: AtomicBool,
    /// CLIENT PAUSE (pause.rs).
    pub pause: crate::pause::PauseState,
    /// CLIENT TRACKING (tracking.rs).
    pub tracking: crate::tracking::TrackingState,
    /// A shutdown is waiting for lagging replicas (SHUTDOWN ABORT may
    /// cancel it by setting `shutdown_abort`).
    pub shutdown_waiting: AtomicBool,
    pub shutdown_abort: AtomicBool,
}

impl ServerState {
    /// Connects the keyspace's removal hook (expiry, eviction) to the
    /// server: WATCH now, later notifications and propagation.
    pub fn install_hooks(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        let _ = self.self_ref.set(weak.clone());
        self.keyspace
            .set_removal_hook(Arc::new(move |db, key, why| {
                if let Some(srv) = weak.upgrade() {
                    crate::keyevents::key_removed_by_server(&srv, db, key, why);
                }
            }));
    }

    /// The Arc this state lives in (after `install_hooks`).
    pub fn arc(&self) -> Option<Arc<ServerState>> {
        self.self_ref.get().and_then(|w| w.upgrade())
    }

    pub fn new(config: Config, info: ServerInfo) -> ServerState {
        let acl = crate::acl::Acl::new(&config);
        ServerState {
            keyspace: Keyspace::new(config.databases),
            config: RwLock::new(config),
            config_epoch: AtomicU64::new(0),
            stats: Stats::default(),
            clients: ClientRegistry::default(),
            blocking: Default::default(),
            pubsub: Default::default(),
            watches: Default::default(),
            propagator: Default::default(),
            aof: Default::default(),
            repl: Default::default(),
            persist: crate::persistence::PersistState::new(info.started_unix_ms / 1000),
            self_ref: std::sync::OnceLock::new(),
            acl,
            scripting: Default::default(),
            info,
            shutting_down: AtomicBool::new(false),
            pause: Default::default(),
            tracking: Default::default(),
            shutdown_waiting: AtomicBool::new(false),
            shutdown_abort: AtomicBool::new(false),
        }
    }
}

/// The read buffer a connection keeps (and starts each read with): part
/// of every client's memory (MEMORY STATS clients.normal).
pub const READ_BUFFER_BYTES: usize = 16 * 1024;

/// `ClientShared::kind` values.
pub const KIND_NORMAL: u8 = 0;
/// A replica we feed.
pub const KIND_REPLICA: u8 = 1;
/// Our link to our primary.
pub const KIND_MASTER: u8 = 2;

/// What other connections may see and change of a client: CLIENT LIST,
/// CLIENT KILL, INFO clients.
pub struct ClientShared {
    pub id: u64,
    pub addr: String,
    pub laddr: String,
    pub fd: i64,
    pub created: Instant,
    /// When the client last sent input, in `stats::clock` ticks (read
    /// once per read from the socket: cheaper than the system clock).
    pub last_interaction: AtomicU64,
    pub db: AtomicUsize,
    pub resp: AtomicU8,
    /// Table id of the last command run, or u32::MAX.
    pub last_cmd: AtomicU32,
    pub qbuf: AtomicUsize,
    pub name: Mutex<Option<Bytes>>,
    pub lib_name: Mutex<Option<Bytes>>,
    pub lib_ver: Mutex<Option<Bytes>>,
    /// The name of the user the client is authenticated as.
    pub user: Mutex<Bytes>,
    /// Reply bytes produced but not yet written to the socket (CLIENT
    /// LIST omem, output buffer limits).
    pub omem: AtomicUsize,
    pub killed: AtomicBool,
    /// Whether the client is blocked (CLIENT LIST flag `b`).
    pub blocked: AtomicBool,
    /// Blocked because CLIENT PAUSE holds its command (woken when the
    /// pause changes or ends).
    pub postponed: AtomicBool,
    /// CLIENT TRACKING options (read by the connections that invalidate).
    pub tracking: Mutex<crate::tracking::TrackInfo>,
    /// CLIENT NO-EVICT on (CLIENT LIST flag `e`). Client eviction
    /// (maxmemory-clients) does not exist yet, so it only shows.
    pub no_evict: AtomicBool,
    /// In MONITOR mode (CLIENT LIST flag O).
    pub monitor: AtomicBool,
    /// KIND_NORMAL, or a replication link (CLIENT LIST flags S/M, TYPE).
    pub kind: AtomicU8,
    /// Commands queued in MULTI, -1 outside (CLIENT LIST `multi=`, flag x).
    pub multi_len: std::sync::atomic::AtomicI64,
    /// A WATCHed key was touched (CLIENT LIST flag d; EXEC fails).
    pub cas_dirty: AtomicBool,
    /// CLIENT UNBLOCK's request: 0 none, 1 as if timed out, 2 with an error.
    pub unblock: AtomicU8,
    /// Pub/Sub messages queued for this client, subscription counts.
    pub pubsub: crate::pubsub::Mailbox,
    /// Wakes the connection task so it notices `killed`.
    pub waker: Box<dyn Fn() + Send + Sync>,
}

impl ClientShared {
    pub fn new(
        id: u64,
        addr: String,
        laddr: String,
        fd: i64,
        waker: Box<dyn Fn() + Send + Sync>,
    ) -> ClientShared {
        ClientShared {
            id,
            addr,
            laddr,
            fd,
            created: Instant::now(),
            last_interaction: AtomicU64::new(crate::stats::clock::now()),
            db: AtomicUsize::new(0),
            resp: AtomicU8::new(2),
            last_cmd: AtomicU32::new(u32::MAX),
            qbuf: AtomicUsize::new(0),
            name: Mutex::new(None),
            lib_name: Mutex::new(None),
            lib_ver: Mutex::new(None),
            user: Mutex::new(Bytes::from_static(b"default")),
            omem: AtomicUsize::new(0),
            killed: AtomicBool::new(false),
            blocked: AtomicBool::new(false),
            postponed: AtomicBool::new(false),
            tracking: Mutex::new(Default::default()),
            no_evict: AtomicBool::new(false),
            monitor: AtomicBool::new(false),
            unblock: AtomicU8::new(0),
            kind: AtomicU8::new(KIND_NORMAL),
            multi_len: std::sync::atomic::AtomicI64::new(-1),
            cas_dirty: AtomicBool::new(false),
            pubsub: Default::default(),
            waker,
        }
    }

    /// Marks the client for disconnection and wakes its task.
    pub fn kill(&self) {
        self.killed.store(true, Ordering::Release);
        (self.waker)();
    }

    pub fn touch(&self) {
        self.last_interaction
            .store(crate::stats::clock::now(), Ordering::Relaxed);
    }

    /// Whole seconds since the client last sent input.
    pub fn idle_secs(&self) -> u64 {
        let last = self.last_interaction.load(Ordering::Relaxed);
        crate::stats::clock::nanos_between(last, crate::stats::clock::now()) / 1_000_000_000
    }
}

/// All connected clients, by id (ordered, as CLIENT LIST prints them).
#[derive(Default)]
pub struct ClientRegistry {
    next_id: AtomicU64,
    clients: Mutex<BTreeMap<u64, Arc<ClientShared>>>,
}

impl ClientRegistry {
    /// Allocates a client id (starting at 1, never reused).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub fn register(&self, c: Arc<ClientShared>) {
        self.clients.lock().insert(c.id, c);
    }

    pub fn unregister(&self, id: u64) {
        self.clients.lock().remove(&id);
    }

    pub fn len(&self) -> usize {
        self.clients.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A snapshot, so callers format replies without holding the lock.
    pub fn snapshot(&self) -> Vec<Arc<ClientShared>> {
        self.clients.lock().values().cloned().collect()
    }

    pub fn get(&self, id: u64) -> Option<Arc<ClientShared>> {
        self.clients.lock().get(&id).cloned()
    }
}

/// A connection's private state.
pub struct Client {
    pub shared: Arc<ClientShared>,
    pub db: usize,
    pub resp: u8,
    pub authenticated: bool,
    /// The user the client authenticated as; None is the default user.
    pub user: Option<Arc<crate::acl::UserHandle>>,
    pub after: After,
    pub reply: ReplyBuf,
    /// Commands run since the counters were last folded into `Stats`.
    pub pending_commands: u64,
    /// Successful write commands since the last fold (the save points'
    /// change count).
    pub pending_dirty: u64,
    /// Keyspace changes this client's commands notified (dispatch tells
    /// from it whether a write changed anything).
    pub changes: u64,
    /// Set by a handler that wants to block (see `blocking`).
    pub block: Option<crate::blocking::BlockRequest>,
    /// Blocking is not allowed (inside EXEC or a script): blocking commands
    /// reply as if timed out.
    pub no_block: bool,
    /// CLIENT REPLY OFF: replies are dropped until CLIENT REPLY ON.
    pub reply_off: bool,
    /// CLIENT REPLY SKIP: the next command's reply is dropped.
    pub skip_next: bool,
    /// CLIENT CACHING YES/NO given for the next command (OPTIN/OPTOUT).
    pub tracking_caching: bool,
    /// This client's own invalidations, sent after its command's reply
    /// (None: everything, after a flush).
    pub tracking_pending: Vec<Option<Bytes>>,
    /// Channels, patterns and shard channels subscribed to (pubsub.rs).
    pub subs: crate::pubsub::Subscriptions,
    /// Inside MULTI: the queued transaction.
    pub multi: Option<Box<crate::multi::MultiState>>,
    /// WATCHed keys, if any.
    pub watch: Option<Box<crate::multi::WatchState>>,
    /// The server's own client (AOF loading): no authentication or ACL.
    pub internal: bool,
    /// Set by a handler whose effect must be propagated as other commands
    /// (see propagate.rs); empty means nothing to propagate.
    pub propagate: Option<Vec<Vec<Bytes>>>,
    /// Inside EXEC (or a script): propagated commands collected with their
    /// database, emitted as one unit at the end.
    pub prop_batch: Option<Vec<(usize, Vec<Bytes>)>>,
    /// Stream offset of this client's last propagated write (appendfsync
    /// always waits for it before replying).
    pub prop_offset: u64,
    /// Replication offset after this client's last write (WAIT).
    pub prop_repl_offset: u64,
    /// This client is the replication link from our primary: exempt from
    /// the read-only gate, and sees keys its primary has not expired yet.
    pub is_master: bool,
    /// REPLCONF from a replica before its PSYNC.
    pub repl_port: u16,
    pub repl_ip: Option<String>,
    pub repl_capa_eof: bool,
    pub repl_capa_psync2: bool,
    /// In MONITOR mode (monitor.rs).
    pub monitor: bool,
    /// A blocked command run again on wake-up: it was shown to monitors
    /// when it first ran.
    pub reprocessing: bool,
}

impl Client {
    pub fn new(shared: Arc<ClientShared>) -> Client {
        Client {
            shared,
            db: 0,
            resp: 2,
            authenticated: true,
            user: None,
            after: After::Continue,
            reply: ReplyBuf::new(),
            pending_commands: 0,
            pending_dirty: 0,
            changes: 0,
            block: None,
            no_block: false,
            reply_off: false,
            skip_next: false,
            tracking_caching: false,
            tracking_pending: Vec::new(),
            subs: Default::default(),
            multi: None,
            watch: None,
            internal: false,
            propagate: None,
            prop_batch: None,
            prop_offset: 0,
            prop_repl_offset: 0,
            is_master: false,
            repl_port: 0,
            repl_ip: None,
            repl_capa_eof: false,
            repl_capa_psync2: false,
            monitor: false,
            reprocessing: false,
        }
    }

    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// Adds this client's batched counters to the server's.
    pub fn fold_counters(&mut self, srv: &ServerState) {
        let n = std::mem::take(&mut self.pending_commands);
        if n != 0 {
            srv.stats
                .total_commands_processed
                .fetch_add(n, Ordering::Relaxed);
        }
        let d = std::mem::take(&mut self.pending_dirty);
        if d != 0 {
            srv.persist.dirty.fetch_add(d, Ordering::Relaxed);
        }
    }

    pub fn select(&mut self, db: usize) {
        self.db = db;
        self.shared.db.store(db, Ordering::Relaxed);
    }

    pub fn set_resp(&mut self, v: u8) {
        self.resp = v;
        self.reply.set_resp(v);
        self.shared.resp.store(v, Ordering::Relaxed);
    }
}

/// What a handler works with: the server, its client, the arguments (the
/// command name at index 0) and the time the command started.
pub struct Ctx<'a> {
    pub srv: &'a ServerState,
    pub client: &'a mut Client,
    pub argv: &'a [Bytes],
    pub now_ms: u64,
}

impl Ctx<'_> {
    /// The reply buffer of the calling client.
    pub fn reply(&mut self) -> &mut ReplyBuf {
        &mut self.client.reply
    }

    /// The client's selected database.
    pub fn db(&self) -> &Db {
        self.srv.keyspace.db(self.client.db)
    }

    pub fn argc(&self) -> usize {
        self.argv.len()
    }
}
