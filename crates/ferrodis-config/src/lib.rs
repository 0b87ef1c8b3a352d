//! ferrodis-config: the redis.conf lexer and the one declarative config table.
//!
//! # Layout
//! - [`lexer`]: splits a line into words with Redis's quoting rules
//!   ([`split_args`]) and quotes a word back ([`lexer::quote`]).
//! - [`units`]: strict integers and memory sizes (`1k`=1000, `1kb`=1024, ...).
//! - [`table`]: one [`DirectiveSpec`] row per directive (name, aliases, type,
//!   default, mutability, doc, field accessors); [`directives`] walks it.
//! - `load`: [`Config::from_args`] and [`Config::load_str`] (files, `include`,
//!   command-line overrides; last directive wins).
//! - `runtime`: CONFIG GET ([`Config::get_matching`]) and CONFIG SET
//!   ([`Config::set_many`], all or nothing).
//! - `rewrite`: CONFIG REWRITE ([`Config::rewrite`]).
//! - [`error`]: error enums whose `Display` is Redis's exact text.

pub mod error;
pub mod lexer;
mod load;
mod rewrite;
mod runtime;
pub mod table;
pub mod units;

use std::path::{Path, PathBuf};

pub use error::{ConfigError, ConfigRewriteError, ConfigSetError, IoReason, Reason};
pub use lexer::{split_args, split_args_bytes};
pub use table::{directives, DirectiveSpec, Kind, Mutability};

/// The documented default configuration (conf/ferrodis.conf), used when the
/// server starts without a config file.
pub const DEFAULT_CONFIG: &str = include_str!("../../../conf/ferrodis.conf");

/// `loglevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

impl LogLevel {
    const ALL: [LogLevel; 4] = [Self::Debug, Self::Verbose, Self::Notice, Self::Warning];

    fn from_index(i: usize) -> Self {
        Self::ALL.get(i).copied().unwrap_or(Self::Notice)
    }

    /// The word used in config files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Verbose => "verbose",
            Self::Notice => "notice",
            Self::Warning => "warning",
        }
    }
}

/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxmemoryPolicy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    Noeviction,
}

impl MaxmemoryPolicy {
    const ALL: [MaxmemoryPolicy; 8] = [
        Self::VolatileLru,
        Self::VolatileLfu,
        Self::VolatileRandom,
        Self::VolatileTtl,
        Self::AllkeysLru,
        Self::AllkeysLfu,
        Self::AllkeysRandom,
        Self::Noeviction,
    ];

    fn from_index(i: usize) -> Self {
        Self::ALL.get(i).copied().unwrap_or(Self::Noeviction)
    }

    /// The word used in config files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VolatileLru => "volatile-lru",
            Self::VolatileLfu => "volatile-lfu",
            Self::VolatileRandom => "volatile-random",
            Self::VolatileTtl => "volatile-ttl",
            Self::AllkeysLru => "allkeys-lru",
            Self::AllkeysLfu => "allkeys-lfu",
            Self::AllkeysRandom => "allkeys-random",
            Self::Noeviction => "noeviction",
        }
    }

    /// Whether the policy only considers keys with a TTL.
    pub fn is_volatile(self) -> bool {
        matches!(
            self,
            Self::VolatileLru | Self::VolatileLfu | Self::VolatileRandom | Self::VolatileTtl
        )
    }
}

/// The server configuration. Field meanings, types and defaults are in the
/// table ([`directives`]); `Default` applies the table's defaults.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: Vec<String>,
    pub port: u16,
    pub protected_mode: bool,
    pub databases: usize,
    pub loglevel: LogLevel,
    /// Empty means standard output.
    pub logfile: String,
    /// As written in the config; the server must `chdir` into it at start-up
    /// (CONFIG GET dir then reports the absolute working directory).
    pub dir: String,
    pub maxclients: u64,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    /// Already clamped to 1..=500.
    pub hz: u32,
    pub proto_max_bulk_len: u64,
    pub client_query_buffer_limit: u64,
    pub requirepass: String,
    /// `user` directives, each the words after `user` (applied to the ACL
    /// at start-up; not a CONFIG GET parameter, as in Redis).
    pub users: Vec<Vec<String>>,
    /// Credentials a replica presents to its primary.
    pub masterauth: String,
    pub masteruser: String,
    /// `normal <hard> <soft> <secs> slave ... pubsub ...`, normalized to
    /// bytes and all three classes (see `output_buffer_limits`).
    pub client_output_buffer_limit: String,
    /// `notify-keyspace-events` as `table::keyspace_events` flags.
    pub notify_keyspace_events: u32,
    /// Normalized `<seconds> <changes>` pairs separated by spaces; empty
    /// means snapshots are disabled.
    pub save: String,
    pub appendonly: bool,
    pub dbfilename: String,
    pub replicaof: Option<(String, u16)>,
    pub replica_read_only: bool,
    pub replica_serve_stale_data: bool,
    pub repl_backlog_size: u64,
    pub repl_backlog_ttl: i64,
    pub repl_timeout: i64,
    /// Seconds a shutdown waits for lagging replicas (0: none).
    pub shutdown_timeout: i64,
    /// What SIGTERM / SIGINT shutdowns do (`table::SHUTDOWN_*` bits).
    pub shutdown_on_sigterm: u8,
    pub shutdown_on_sigint: u8,
    pub repl_ping_replica_period: i64,
    pub min_replicas_to_write: i64,
    pub min_replicas_max_lag: i64,
    pub repl_diskless_sync: bool,
    pub repl_diskless_sync_delay: i64,
    pub replica_priority: i64,
    pub appendfilename: String,
    pub appenddirname: String,
    /// Index into `table::FSYNC_POLICIES`: 0 no, 1 everysec, 2 always.
    pub appendfsync: u8,
    pub no_appendfsync_on_rewrite: bool,
    pub auto_aof_rewrite_percentage: i64,
    pub auto_aof_rewrite_min_size: u64,
    pub aof_load_truncated: bool,
    pub aof_use_rdb_preamble: bool,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub stop_writes_on_bgsave_error: bool,
    /// Microseconds per key (negative: nanoseconds), as Redis's testing knob.
    pub rdb_key_save_delay: i64,
    /// Microseconds; -1 logs nothing, 0 everything.
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: i64,
    /// Milliseconds; 0 disables the latency monitor.
    pub latency_monitor_threshold: i64,
    pub latency_tracking: bool,
    /// Normalized numbers ("99.9"), each in 0..=100.
    pub latency_tracking_info_percentiles: Vec<String>,
    /// Index into `table::DEBUG_COMMAND`: 0 no, 1 yes, 2 local.
    pub enable_debug_command: u8,
    pub daemonize: bool,
    /// Index into `table::SUPERVISED`: 0 no, 1 upstart, 2 systemd, 3 auto.
    pub supervised: u8,
    pub pidfile: String,
    pub maxmemory: u64,
    pub maxmemory_policy: MaxmemoryPolicy,
    pub active_expire_effort: u32,
    /// Keys sampled per eviction round (approximated LRU/LFU/TTL).
    pub maxmemory_samples: u32,
    /// Milliseconds a script runs before other clients get -BUSY.
    pub busy_reply_threshold: u64,
    /// How long one command may spend evicting, 0..100 (10 = Redis default).
    pub maxmemory_eviction_tenacity: u32,
    /// LFU counter growth: higher means more hits per increment.
    pub lfu_log_factor: u32,
    /// Minutes per halving step of an idle key's LFU counter.
    pub lfu_decay_time: u32,
    /// Accepted and ignored.
    pub io_threads: u32,
    /// Sorted sets: most members (and longest member, in bytes) kept in
    /// the listpack encoding.
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
    /// Hashes: most fields (and longest field or value, in bytes) kept in
    /// the listpack encoding.
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    /// Sets: most members kept in the intset encoding.
    pub set_max_intset_entries: u64,
    /// HyperLogLogs: largest sparse encoding, in bytes.
    pub hll_sparse_max_bytes: u64,
    /// Streams: a node's limits (bytes, entries; 0 = no limit).
    pub stream_node_max_bytes: u64,
    pub stream_node_max_entries: u64,
    /// CLIENT TRACKING: most keys remembered (0: no limit).
    pub tracking_table_max_keys: u64,
    /// Lists: a node's size limit (negative: -1..-5 for 4..64 KB of
    /// packed bytes; positive: most elements per node).
    pub list_max_listpack_size: i64,
    /// Lists: accepted and stored; nodes are not compressed.
    pub list_compress_depth: i64,
    /// Absolute path of the file this config was loaded from.
    file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        let mut config = Config {
            bind: Vec::new(),
            port: 0,
            protected_mode: false,
            databases: 1,
            loglevel: LogLevel::Notice,
            logfile: String::new(),
            dir: String::new(),
            maxclients: 1,
            timeout: 0,
            tcp_keepalive: 0,
            hz: 1,
            proto_max_bulk_len: 0,
            client_query_buffer_limit: 0,
            requirepass: String::new(),
            users: Vec::new(),
            masterauth: String::new(),
            masteruser: String::new(),
            client_output_buffer_limit: String::new(),
            notify_keyspace_events: 0,
            save: String::new(),
            appendonly: false,
            dbfilename: String::new(),
            replicaof: None,
            replica_read_only: true,
            replica_serve_stale_data: true,
            repl_backlog_size: 1 << 20,
            repl_backlog_ttl: 3600,
            repl_timeout: 60,
            shutdown_timeout: 10,
            shutdown_on_sigterm: 0,
            shutdown_on_sigint: 0,
            repl_ping_replica_period: 10,
            min_replicas_to_write: 0,
            min_replicas_max_lag: 10,
            repl_diskless_sync: true,
            repl_diskless_sync_delay: 5,
            replica_priority: 100,
            appendfilename: String::new(),
            appenddirname: String::new(),
            appendfsync: 1,
            no_appendfsync_on_rewrite: false,
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size: 0,
            aof_load_truncated: true,
            aof_use_rdb_preamble: true,
            rdbcompression: true,
            rdbchecksum: true,
            stop_writes_on_bgsave_error: true,
            rdb_key_save_delay: 0,
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            latency_tracking: true,
            latency_tracking_info_percentiles: Vec::new(),
            enable_debug_command: 0,
            daemonize: false,
            supervised: 0,
            pidfile: String::new(),
            maxmemory: 0,
            maxmemory_policy: MaxmemoryPolicy::Noeviction,
            active_expire_effort: 1,
            maxmemory_samples: 5,
            busy_reply_threshold: 5000,
            maxmemory_eviction_tenacity: 10,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            io_threads: 1,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            hll_sparse_max_bytes: 3000,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
            tracking_table_max_keys: 1_000_000,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            file: None,
        };
        for spec in directives() {
            let parsed = split_args(spec.default)
                .ok()
                .and_then(|words| spec.parse(&words).ok());
            if let Some(value) = parsed {
                spec.apply(&mut config, value);
            }
        }
        config
    }
}

impl Config {
    /// The absolute path of the config file, if one was loaded.
    pub fn config_file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Record `path` as the file CONFIG REWRITE writes to.
    pub fn set_config_file(&mut self, path: Option<&Path>) {
        self.file = path.map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    }
}

#[cfg(test)]
mod tests;
