//! The one declarative table of directives. Every row says how to parse,
//! print, store and rewrite one directive; loading, CONFIG GET/SET/REWRITE,
//! `Config::default()` and conf/ferrodis.conf are all driven from it.

use crate::error::Reason;
use crate::lexer::quote;
use crate::units::{format_memory, parse_int, parse_memory, parse_save_number};
use crate::{Config, LogLevel, MaxmemoryPolicy};

/// The value type of a directive, with its accepted range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `yes` / `no`.
    Bool,
    /// Strict decimal integer within `min..=max`.
    Int { min: i64, max: i64 },
    /// Memory size with optional unit, within `min..=max` bytes.
    Memory { min: u64, max: u64 },
    /// One of the listed lowercase words (case-insensitive on input).
    Enum(&'static [&'static str]),
    /// Any single string.
    String,
    /// A directory the server enters at start-up; CONFIG GET reports the
    /// absolute working directory, CONFIG REWRITE always writes it.
    Dir,
    /// Zero to 16 addresses.
    Bind,
    /// Pairs of `<seconds> <changes>`; `""` disables snapshots.
    Save,
    /// `client-output-buffer-limit`: groups of `<class> <hard> <soft>
    /// <seconds>`; only the classes named change.
    OutputBufferLimit,
    /// `notify-keyspace-events`: class letters (see [`keyspace_events`]).
    KeyspaceEvents,
    /// `replicaof <host> <port>`, or nothing.
    HostPort,
    /// Zero or more percentiles, each a number in 0..=100.
    Percentiles,
    /// `shutdown-on-sigterm` / `-sigint`: words of [`SHUTDOWN_FLAGS`].
    ShutdownFlags,
}

/// What a signal's shutdown does, as SHUTDOWN's options (bit i for word i;
/// `default` is no bit).
pub const SHUTDOWN_FLAGS: &[&str] = &["default", "save", "nosave", "now", "force"];
pub const SHUTDOWN_SAVE: u8 = 1 << 1;
pub const SHUTDOWN_NOSAVE: u8 = 1 << 2;
pub const SHUTDOWN_NOW: u8 = 1 << 3;
pub const SHUTDOWN_FORCE: u8 = 1 << 4;

fn parse_shutdown_flags(args: &[String]) -> Result<Value, Reason> {
    let mut flags = 0u8;
    for a in args {
        let i = SHUTDOWN_FLAGS
            .iter()
            .position(|n| n.eq_ignore_ascii_case(a))
            .ok_or(Reason::NotOneOf(SHUTDOWN_FLAGS))?;
        if i > 0 {
            flags |= 1 << i;
        }
    }
    if args.is_empty() {
        return Err(Reason::NotOneOf(SHUTDOWN_FLAGS));
    }
    if flags & SHUTDOWN_SAVE != 0 && flags & SHUTDOWN_NOSAVE != 0 {
        return Err(Reason::SaveAndNosave);
    }
    Ok(Value::List(shutdown_flag_words(flags)))
}

/// The words of a flag set, in their fixed order (`default` for none).
pub fn shutdown_flag_words(flags: u8) -> Vec<String> {
    let words: Vec<String> = (1..SHUTDOWN_FLAGS.len())
        .filter(|&i| flags & (1 << i) != 0)
        .map(|i| SHUTDOWN_FLAGS[i].to_string())
        .collect();
    if words.is_empty() {
        vec!["default".to_string()]
    } else {
        words
    }
}

/// The flag set of normalized words.
pub fn shutdown_flag_bits(words: &[String]) -> u8 {
    words
        .iter()
        .filter_map(|w| SHUTDOWN_FLAGS.iter().position(|n| n == w))
        .fold(0, |f, i| if i > 0 { f | 1 << i } else { f })
}

/// Whether CONFIG SET may change the directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    /// CONFIG SET allowed.
    Mutable,
    /// Fixed at start-up ("can't set immutable config").
    Immutable,
    /// Redis refuses it unless `enable-protected-configs` is on, which
    /// ferrodis does not offer ("can't set protected config").
    Protected,
}

/// A parsed value on its way into a [`Config`] field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Bool(bool),
    Int(i64),
    Mem(u64),
    Enum(usize),
    Str(String),
    List(Vec<String>),
}

/// Percentiles as `%f` prints them with trailing zeros dropped ("99.9").
fn parse_percentiles(args: &[String]) -> Result<Value, Reason> {
    let mut out = Vec::with_capacity(args.len());
    for a in args {
        let v: f64 = a.parse().map_err(|_| Reason::InvalidPercentiles)?;
        if !v.is_finite() {
            return Err(Reason::InvalidPercentiles);
        }
        if !(0.0..=100.0).contains(&v) {
            return Err(Reason::PercentileRange);
        }
        let text = format!("{v:.6}");
        out.push(text.trim_end_matches('0').trim_end_matches('.').to_string());
    }
    Ok(Value::List(out))
}

/// One row of the table.
pub struct DirectiveSpec {
    /// Canonical lowercase name.
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    /// Default, written as in a config file (after the name).
    pub default: &'static str,
    pub mutability: Mutability,
    /// One-line description.
    pub doc: &'static str,
    get: fn(&Config) -> Value,
    set: fn(&mut Config, Value),
}

impl std::fmt::Debug for DirectiveSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectiveSpec")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("default", &self.default)
            .field("mutability", &self.mutability)
            .finish()
    }
}

/// Maximum number of `bind` addresses.
pub const MAX_BIND: usize = 16;

const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning"];
/// `appendfsync` values, in `Config::appendfsync` order.
pub const FSYNC_POLICIES: &[&str] = &["no", "everysec", "always"];

/// `supervised` values, in `Config::supervised` order.
pub const SUPERVISED: &[&str] = &["no", "upstart", "systemd", "auto"];

/// `enable-debug-command` values, in `Config::enable_debug_command` order.
pub const DEBUG_COMMAND: &[&str] = &["no", "yes", "local"];

const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];
const I32MAX: i64 = i32::MAX as i64;
const I32MIN: i64 = i32::MIN as i64;
const LLMAX: u64 = i64::MAX as u64;

fn int(v: Value) -> i64 {
    match v {
        Value::Int(i) => i,
        _ => 0,
    }
}
fn mem(v: Value) -> u64 {
    match v {
        Value::Mem(m) => m,
        _ => 0,
    }
}
fn boolean(v: Value) -> bool {
    matches!(v, Value::Bool(true))
}
fn string(v: Value) -> String {
    match v {
        Value::Str(s) => s,
        _ => String::new(),
    }
}
fn index(v: Value) -> usize {
    match v {
        Value::Enum(i) => i,
        _ => 0,
    }
}
fn list(v: Value) -> Vec<String> {
    match v {
        Value::List(l) => l,
        _ => Vec::new(),
    }
}
fn to_u64(i: i64) -> u64 {
    u64::try_from(i).unwrap_or(0)
}
fn to_u32(i: i64) -> u32 {
    u32::try_from(i).unwrap_or(0)
}

static TABLE: &[DirectiveSpec] = &[
    DirectiveSpec {
        name: "bind",
        aliases: &[],
        kind: Kind::Bind,
        default: "* -::*",
        mutability: Mutability::Mutable,
        doc: "Addresses to listen on; `*` is every IPv4 address, `::*` every IPv6 one, a leading `-` makes an address optional.",
        get: |c| Value::List(c.bind.clone()),
        set: |c, v| c.bind = list(v),
    },
    DirectiveSpec {
        name: "port",
        aliases: &[],
        kind: Kind::Int { min: 0, max: 65535 },
        default: "6379",
        mutability: Mutability::Mutable,
        doc: "TCP port to accept connections on; 0 disables TCP.",
        get: |c| Value::Int(i64::from(c.port)),
        set: |c, v| c.port = u16::try_from(int(v)).unwrap_or(0),
    },
    DirectiveSpec {
        name: "protected-mode",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Without a password and without an explicit bind, refuse clients that are not on loopback.",
        get: |c| Value::Bool(c.protected_mode),
        set: |c, v| c.protected_mode = boolean(v),
    },
    DirectiveSpec {
        name: "databases",
        aliases: &[],
        kind: Kind::Int { min: 1, max: I32MAX },
        default: "16",
        mutability: Mutability::Immutable,
        doc: "Number of logical databases (SELECT 0 .. databases-1).",
        get: |c| Value::Int(i64::try_from(c.databases).unwrap_or(i64::MAX)),
        set: |c, v| c.databases = usize::try_from(int(v)).unwrap_or(1),
    },
    DirectiveSpec {
        name: "loglevel",
        aliases: &[],
        kind: Kind::Enum(LOGLEVELS),
        default: "notice",
        mutability: Mutability::Mutable,
        doc: "How much to log: debug, verbose, notice or warning.",
        get: |c| Value::Enum(c.loglevel as usize),
        set: |c, v| c.loglevel = LogLevel::from_index(index(v)),
    },
    DirectiveSpec {
        name: "logfile",
        aliases: &[],
        kind: Kind::String,
        default: "\"\"",
        mutability: Mutability::Immutable,
        doc: "File to append the log to; empty means standard output.",
        get: |c| Value::Str(c.logfile.clone()),
        set: |c, v| c.logfile = string(v),
    },
    DirectiveSpec {
        name: "dir",
        aliases: &[],
        kind: Kind::Dir,
        default: "./",
        mutability: Mutability::Protected,
        doc: "Working directory; snapshot and AOF files are written here.",
        get: |c| Value::Str(c.dir.clone()),
        set: |c, v| c.dir = string(v),
    },
    DirectiveSpec {
        name: "maxclients",
        aliases: &[],
        kind: Kind::Int { min: 1, max: u32::MAX as i64 },
        default: "10000",
        mutability: Mutability::Mutable,
        doc: "Most clients connected at once; further connections get an error.",
        get: |c| Value::Int(i64::try_from(c.maxclients).unwrap_or(i64::MAX)),
        set: |c, v| c.maxclients = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "timeout",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "0",
        mutability: Mutability::Mutable,
        doc: "Close a client idle for this many seconds; 0 never closes.",
        get: |c| Value::Int(i64::try_from(c.timeout).unwrap_or(i64::MAX)),
        set: |c, v| c.timeout = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "tcp-keepalive",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "300",
        mutability: Mutability::Mutable,
        doc: "Seconds between TCP keepalive probes on client sockets; 0 turns them off.",
        get: |c| Value::Int(i64::try_from(c.tcp_keepalive).unwrap_or(i64::MAX)),
        set: |c, v| c.tcp_keepalive = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "hz",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "10",
        mutability: Mutability::Mutable,
        doc: "Background task frequency per second; stored clamped to 1..500.",
        get: |c| Value::Int(i64::from(c.hz)),
        set: |c, v| c.hz = to_u32(int(v).clamp(1, 500)),
    },
    DirectiveSpec {
        name: "proto-max-bulk-len",
        aliases: &[],
        kind: Kind::Memory { min: 1024 * 1024, max: LLMAX },
        default: "512mb",
        mutability: Mutability::Mutable,
        doc: "Largest single bulk string a request may carry.",
        get: |c| Value::Mem(c.proto_max_bulk_len),
        set: |c, v| c.proto_max_bulk_len = mem(v),
    },
    DirectiveSpec {
        name: "client-query-buffer-limit",
        aliases: &[],
        kind: Kind::Memory { min: 1024 * 1024, max: LLMAX },
        default: "1gb",
        mutability: Mutability::Mutable,
        doc: "Most unparsed input buffered for one client before it is disconnected.",
        get: |c| Value::Mem(c.client_query_buffer_limit),
        set: |c, v| c.client_query_buffer_limit = mem(v),
    },
    DirectiveSpec {
        name: "requirepass",
        aliases: &[],
        kind: Kind::String,
        default: "\"\"",
        mutability: Mutability::Mutable,
        doc: "Password clients must AUTH with; empty means no password.",
        get: |c| Value::Str(c.requirepass.clone()),
        set: |c, v| c.requirepass = string(v),
    },
    DirectiveSpec {
        name: "replicaof",
        aliases: &["slaveof"],
        kind: Kind::HostPort,
        default: "",
        mutability: Mutability::Immutable,
        doc: "Start as a replica of <host> <port> (REPLICAOF changes it at run time).",
        get: |c| Value::List(match &c.replicaof {
            Some((h, p)) => vec![h.clone(), p.to_string()],
            None => Vec::new(),
        }),
        set: |c, v| c.replicaof = match v {
            Value::List(w) if w.len() == 2 => w[1].parse().ok().map(|p| (w[0].clone(), p)),
            _ => None,
        },
    },
    DirectiveSpec {
        name: "replica-read-only",
        aliases: &["slave-read-only"],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Refuse writes from clients on a replica.",
        get: |c| Value::Bool(c.replica_read_only),
        set: |c, v| c.replica_read_only = boolean(v),
    },
    DirectiveSpec {
        name: "replica-serve-stale-data",
        aliases: &["slave-serve-stale-data"],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Keep serving (possibly stale) data while the link to the primary is down.",
        get: |c| Value::Bool(c.replica_serve_stale_data),
        set: |c, v| c.replica_serve_stale_data = boolean(v),
    },
    DirectiveSpec {
        name: "repl-backlog-size",
        aliases: &[],
        kind: Kind::Memory { min: 1, max: LLMAX },
        default: "1mb",
        mutability: Mutability::Mutable,
        doc: "Bytes of the replication stream kept for replicas that reconnect.",
        get: |c| Value::Mem(c.repl_backlog_size),
        set: |c, v| c.repl_backlog_size = mem(v),
    },
    DirectiveSpec {
        name: "repl-backlog-ttl",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "3600",
        mutability: Mutability::Mutable,
        doc: "Seconds without replicas after which a primary frees its backlog; 0 never.",
        get: |c| Value::Int(c.repl_backlog_ttl),
        set: |c, v| c.repl_backlog_ttl = int(v),
    },
    DirectiveSpec {
        name: "shutdown-on-sigterm",
        aliases: &[],
        kind: Kind::ShutdownFlags,
        default: "default",
        mutability: Mutability::Mutable,
        doc: "What SIGTERM's shutdown does, as SHUTDOWN's options: default, or save / nosave, now, force.",
        get: |c| Value::List(shutdown_flag_words(c.shutdown_on_sigterm)),
        set: |c, v| c.shutdown_on_sigterm = shutdown_flag_bits(&list(v)),
    },
    DirectiveSpec {
        name: "shutdown-on-sigint",
        aliases: &[],
        kind: Kind::ShutdownFlags,
        default: "default",
        mutability: Mutability::Mutable,
        doc: "What SIGINT's shutdown does, as SHUTDOWN's options: default, or save / nosave, now, force.",
        get: |c| Value::List(shutdown_flag_words(c.shutdown_on_sigint)),
        set: |c, v| c.shutdown_on_sigint = shutdown_flag_bits(&list(v)),
    },
    DirectiveSpec {
        name: "shutdown-timeout",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "10",
        mutability: Mutability::Mutable,
        doc: "Seconds a shutdown waits, with writes paused, for lagging replicas to catch up (0: no wait).",
        get: |c| Value::Int(c.shutdown_timeout),
        set: |c, v| c.shutdown_timeout = int(v),
    },
    DirectiveSpec {
        name: "repl-timeout",
        aliases: &[],
        kind: Kind::Int { min: 1, max: I32MAX },
        default: "60",
        mutability: Mutability::Mutable,
        doc: "Seconds of silence after which a replication link is considered dead.",
        get: |c| Value::Int(c.repl_timeout),
        set: |c, v| c.repl_timeout = int(v),
    },
    DirectiveSpec {
        name: "repl-ping-replica-period",
        aliases: &["repl-ping-slave-period"],
        kind: Kind::Int { min: 1, max: I32MAX },
        default: "10",
        mutability: Mutability::Mutable,
        doc: "Seconds between the PINGs a primary sends its replicas.",
        get: |c| Value::Int(c.repl_ping_replica_period),
        set: |c, v| c.repl_ping_replica_period = int(v),
    },
    DirectiveSpec {
        name: "min-replicas-to-write",
        aliases: &["min-slaves-to-write"],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "0",
        mutability: Mutability::Mutable,
        doc: "Refuse writes unless this many replicas are connected with a lag of at most min-replicas-max-lag; 0 disables.",
        get: |c| Value::Int(c.min_replicas_to_write),
        set: |c, v| c.min_replicas_to_write = int(v),
    },
    DirectiveSpec {
        name: "min-replicas-max-lag",
        aliases: &["min-slaves-max-lag"],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "10",
        mutability: Mutability::Mutable,
        doc: "The lag (seconds since a replica's last ACK) min-replicas-to-write accepts.",
        get: |c| Value::Int(c.min_replicas_max_lag),
        set: |c, v| c.min_replicas_max_lag = int(v),
    },
    DirectiveSpec {
        name: "repl-diskless-sync",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Send the full-sync snapshot straight over the socket instead of through a file.",
        get: |c| Value::Bool(c.repl_diskless_sync),
        set: |c, v| c.repl_diskless_sync = boolean(v),
    },
    DirectiveSpec {
        name: "repl-diskless-sync-delay",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "5",
        mutability: Mutability::Mutable,
        doc: "Seconds a diskless full sync waits before it starts.",
        get: |c| Value::Int(c.repl_diskless_sync_delay),
        set: |c, v| c.repl_diskless_sync_delay = int(v),
    },
    DirectiveSpec {
        name: "replica-priority",
        aliases: &["slave-priority"],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "100",
        mutability: Mutability::Mutable,
        doc: "Reported in INFO for Sentinel's choice of a new primary.",
        get: |c| Value::Int(c.replica_priority),
        set: |c, v| c.replica_priority = int(v),
    },
    DirectiveSpec {
        name: "masterauth",
        aliases: &[],
        kind: Kind::String,
        default: "\"\"",
        mutability: Mutability::Mutable,
        doc: "Password a replica authenticates to its primary with.",
        get: |c| Value::Str(c.masterauth.clone()),
        set: |c, v| c.masterauth = string(v),
    },
    DirectiveSpec {
        name: "masteruser",
        aliases: &[],
        kind: Kind::String,
        default: "\"\"",
        mutability: Mutability::Mutable,
        doc: "User name a replica authenticates to its primary with (with masterauth).",
        get: |c| Value::Str(c.masteruser.clone()),
        set: |c, v| c.masteruser = string(v),
    },
    DirectiveSpec {
        name: "client-output-buffer-limit",
        aliases: &[],
        kind: Kind::OutputBufferLimit,
        default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        mutability: Mutability::Mutable,
        doc: "Per client class (normal, replica, pubsub): disconnect a client whose pending output exceeds <hard> bytes, or stays above <soft> bytes for <seconds>; 0 disables a limit.",
        get: |c| Value::Str(c.client_output_buffer_limit.clone()),
        set: |c, v| c.client_output_buffer_limit = merge_obuf(&c.client_output_buffer_limit, &string(v)),
    },
    DirectiveSpec {
        name: "notify-keyspace-events",
        aliases: &[],
        kind: Kind::KeyspaceEvents,
        default: "\"\"",
        mutability: Mutability::Mutable,
        doc: "Which keyspace events are published: K and/or E pick the channels, the other letters the event classes; empty turns notifications off.",
        get: |c| Value::Str(keyspace_events::to_string(c.notify_keyspace_events)),
        set: |c, v| c.notify_keyspace_events = u32::try_from(int(v)).unwrap_or(0),
    },
    DirectiveSpec {
        name: "save",
        aliases: &[],
        kind: Kind::Save,
        default: "3600 1 300 100 60 10000",
        mutability: Mutability::Mutable,
        doc: "Snapshot after <seconds> if at least <changes> writes happened, for each pair; \"\" disables.",
        get: |c| Value::Str(c.save.clone()),
        set: |c, v| c.save = string(v),
    },
    DirectiveSpec {
        name: "dbfilename",
        aliases: &[],
        kind: Kind::String,
        default: "dump.rdb",
        mutability: Mutability::Protected,
        doc: "File name of the RDB snapshot, inside `dir`.",
        get: |c| Value::Str(c.dbfilename.clone()),
        set: |c, v| c.dbfilename = string(v),
    },
    DirectiveSpec {
        name: "rdbcompression",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "LZF-compress long strings in snapshots.",
        get: |c| Value::Bool(c.rdbcompression),
        set: |c, v| c.rdbcompression = boolean(v),
    },
    DirectiveSpec {
        name: "rdbchecksum",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Immutable,
        doc: "End snapshots with a CRC-64 and verify it when loading.",
        get: |c| Value::Bool(c.rdbchecksum),
        set: |c, v| c.rdbchecksum = boolean(v),
    },
    DirectiveSpec {
        name: "stop-writes-on-bgsave-error",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Refuse writes while the last background save failed.",
        get: |c| Value::Bool(c.stop_writes_on_bgsave_error),
        set: |c, v| c.stop_writes_on_bgsave_error = boolean(v),
    },
    DirectiveSpec {
        name: "rdb-key-save-delay",
        aliases: &[],
        kind: Kind::Int { min: I32MIN, max: I32MAX },
        default: "0",
        mutability: Mutability::Mutable,
        doc: "Microseconds to sleep per key written by a background save (testing aid).",
        get: |c| Value::Int(c.rdb_key_save_delay),
        set: |c, v| c.rdb_key_save_delay = int(v),
    },
    DirectiveSpec {
        name: "appendonly",
        aliases: &[],
        kind: Kind::Bool,
        default: "no",
        mutability: Mutability::Mutable,
        doc: "Log every write to the append-only file.",
        get: |c| Value::Bool(c.appendonly),
        set: |c, v| c.appendonly = boolean(v),
    },
    DirectiveSpec {
        name: "appendfilename",
        aliases: &[],
        kind: Kind::String,
        default: "appendonly.aof",
        mutability: Mutability::Immutable,
        doc: "Base name of the append-only files.",
        get: |c| Value::Str(c.appendfilename.clone()),
        set: |c, v| c.appendfilename = string(v),
    },
    DirectiveSpec {
        name: "appenddirname",
        aliases: &[],
        kind: Kind::String,
        default: "appendonlydir",
        mutability: Mutability::Immutable,
        doc: "Directory (inside `dir`) holding the append-only files and their manifest.",
        get: |c| Value::Str(c.appenddirname.clone()),
        set: |c, v| c.appenddirname = string(v),
    },
    DirectiveSpec {
        name: "appendfsync",
        aliases: &[],
        kind: Kind::Enum(FSYNC_POLICIES),
        default: "everysec",
        mutability: Mutability::Mutable,
        doc: "When the append-only file is fsynced: always (before replying), everysec, or no.",
        get: |c| Value::Enum(c.appendfsync as usize),
        set: |c, v| c.appendfsync = index(v) as u8,
    },
    DirectiveSpec {
        name: "no-appendfsync-on-rewrite",
        aliases: &[],
        kind: Kind::Bool,
        default: "no",
        mutability: Mutability::Mutable,
        doc: "Skip fsyncs of the append-only file while a rewrite or save runs.",
        get: |c| Value::Bool(c.no_appendfsync_on_rewrite),
        set: |c, v| c.no_appendfsync_on_rewrite = boolean(v),
    },
    DirectiveSpec {
        name: "auto-aof-rewrite-percentage",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "100",
        mutability: Mutability::Mutable,
        doc: "Rewrite the append-only file when it grew by this percentage over its size after the last rewrite; 0 disables.",
        get: |c| Value::Int(c.auto_aof_rewrite_percentage),
        set: |c, v| c.auto_aof_rewrite_percentage = int(v),
    },
    DirectiveSpec {
        name: "auto-aof-rewrite-min-size",
        aliases: &[],
        kind: Kind::Memory { min: 0, max: LLMAX },
        default: "64mb",
        mutability: Mutability::Mutable,
        doc: "No automatic rewrite below this size.",
        get: |c| Value::Mem(c.auto_aof_rewrite_min_size),
        set: |c, v| c.auto_aof_rewrite_min_size = mem(v),
    },
    DirectiveSpec {
        name: "aof-load-truncated",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Load an append-only file whose last command is incomplete (dropping it) instead of refusing to start.",
        get: |c| Value::Bool(c.aof_load_truncated),
        set: |c, v| c.aof_load_truncated = boolean(v),
    },
    DirectiveSpec {
        name: "aof-use-rdb-preamble",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Write the base file of a rewrite in RDB format.",
        get: |c| Value::Bool(c.aof_use_rdb_preamble),
        set: |c, v| c.aof_use_rdb_preamble = boolean(v),
    },
    DirectiveSpec {
        name: "daemonize",
        aliases: &[],
        kind: Kind::Bool,
        default: "no",
        mutability: Mutability::Immutable,
        doc: "Detach from the terminal and run in the background.",
        get: |c| Value::Bool(c.daemonize),
        set: |c, v| c.daemonize = boolean(v),
    },
    DirectiveSpec {
        name: "supervised",
        aliases: &[],
        kind: Kind::Enum(SUPERVISED),
        default: "no",
        mutability: Mutability::Immutable,
        doc: "Tell a supervisor when the server is ready: no, upstart, systemd (sd_notify on $NOTIFY_SOCKET) or auto (from the environment).",
        get: |c| Value::Enum(c.supervised as usize),
        set: |c, v| c.supervised = index(v) as u8,
    },
    DirectiveSpec {
        name: "pidfile",
        aliases: &[],
        kind: Kind::String,
        default: "\"\"",
        mutability: Mutability::Immutable,
        doc: "File to write the process id to; empty writes none.",
        get: |c| Value::Str(c.pidfile.clone()),
        set: |c, v| c.pidfile = string(v),
    },
    DirectiveSpec {
        name: "maxmemory",
        aliases: &[],
        kind: Kind::Memory { min: 0, max: u64::MAX },
        default: "0",
        mutability: Mutability::Mutable,
        doc: "Memory limit for the dataset; 0 means no limit.",
        get: |c| Value::Mem(c.maxmemory),
        set: |c, v| c.maxmemory = mem(v),
    },
    DirectiveSpec {
        name: "maxmemory-policy",
        aliases: &[],
        kind: Kind::Enum(POLICIES),
        default: "noeviction",
        mutability: Mutability::Mutable,
        doc: "What to evict when maxmemory is reached.",
        get: |c| Value::Enum(c.maxmemory_policy as usize),
        set: |c, v| c.maxmemory_policy = MaxmemoryPolicy::from_index(index(v)),
    },
    DirectiveSpec {
        name: "maxmemory-samples",
        aliases: &[],
        kind: Kind::Int { min: 1, max: 64 },
        default: "5",
        mutability: Mutability::Mutable,
        doc: "Keys sampled per eviction round; more is closer to true LRU/LFU, and costs more CPU.",
        get: |c| Value::Int(i64::from(c.maxmemory_samples)),
        set: |c, v| c.maxmemory_samples = to_u32(int(v)),
    },
    DirectiveSpec {
        name: "maxmemory-eviction-tenacity",
        aliases: &[],
        kind: Kind::Int { min: 0, max: 100 },
        default: "10",
        mutability: Mutability::Mutable,
        doc: "How long one command may spend evicting before the rest is left to the background, 0..100.",
        get: |c| Value::Int(i64::from(c.maxmemory_eviction_tenacity)),
        set: |c, v| c.maxmemory_eviction_tenacity = to_u32(int(v)),
    },
    DirectiveSpec {
        name: "lfu-log-factor",
        aliases: &[],
        kind: Kind::Int { min: 0, max: 2147483647 },
        default: "10",
        mutability: Mutability::Mutable,
        doc: "LFU counter growth: the higher, the more accesses each increment takes.",
        get: |c| Value::Int(i64::from(c.lfu_log_factor)),
        set: |c, v| c.lfu_log_factor = to_u32(int(v)),
    },
    DirectiveSpec {
        name: "lfu-decay-time",
        aliases: &[],
        kind: Kind::Int { min: 0, max: 2147483647 },
        default: "1",
        mutability: Mutability::Mutable,
        doc: "Minutes an idle key's LFU counter waits per decrement (0: never decays).",
        get: |c| Value::Int(i64::from(c.lfu_decay_time)),
        set: |c, v| c.lfu_decay_time = to_u32(int(v)),
    },
    DirectiveSpec {
        name: "active-expire-effort",
        aliases: &[],
        kind: Kind::Int { min: 1, max: 10 },
        default: "1",
        mutability: Mutability::Mutable,
        doc: "How hard the background expiry cycle works, 1 (least CPU) to 10.",
        get: |c| Value::Int(i64::from(c.active_expire_effort)),
        set: |c, v| c.active_expire_effort = to_u32(int(v)),
    },
    DirectiveSpec {
        name: "slowlog-log-slower-than",
        aliases: &[],
        kind: Kind::Int { min: -1, max: i64::MAX },
        default: "10000",
        mutability: Mutability::Mutable,
        doc: "Commands slower than this many microseconds go to the SLOWLOG; 0 logs every command, -1 none.",
        get: |c| Value::Int(c.slowlog_log_slower_than),
        set: |c, v| c.slowlog_log_slower_than = int(v),
    },
    DirectiveSpec {
        name: "slowlog-max-len",
        aliases: &[],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "128",
        mutability: Mutability::Mutable,
        doc: "Most SLOWLOG entries kept; older ones are dropped.",
        get: |c| Value::Int(c.slowlog_max_len),
        set: |c, v| c.slowlog_max_len = int(v),
    },
    DirectiveSpec {
        name: "latency-monitor-threshold",
        aliases: &[],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "0",
        mutability: Mutability::Mutable,
        doc: "Events lasting at least this many milliseconds are recorded for LATENCY; 0 turns the monitor off.",
        get: |c| Value::Int(c.latency_monitor_threshold),
        set: |c, v| c.latency_monitor_threshold = int(v),
    },
    DirectiveSpec {
        name: "latency-tracking",
        aliases: &[],
        kind: Kind::Bool,
        default: "yes",
        mutability: Mutability::Mutable,
        doc: "Keep a latency histogram per command (INFO latencystats, LATENCY HISTOGRAM).",
        get: |c| Value::Bool(c.latency_tracking),
        set: |c, v| c.latency_tracking = boolean(v),
    },
    DirectiveSpec {
        name: "latency-tracking-info-percentiles",
        aliases: &[],
        kind: Kind::Percentiles,
        default: "50 99 99.9",
        mutability: Mutability::Mutable,
        doc: "The percentiles INFO latencystats reports, each between 0 and 100.",
        get: |c| Value::List(c.latency_tracking_info_percentiles.clone()),
        set: |c, v| c.latency_tracking_info_percentiles = list(v),
    },
    DirectiveSpec {
        name: "enable-debug-command",
        aliases: &[],
        kind: Kind::Enum(DEBUG_COMMAND),
        default: "no",
        mutability: Mutability::Immutable,
        doc: "Whether DEBUG may run: no, yes, or local (only from loopback connections).",
        get: |c| Value::Enum(c.enable_debug_command as usize),
        set: |c, v| c.enable_debug_command = index(v) as u8,
    },
    DirectiveSpec {
        name: "io-threads",
        aliases: &[],
        kind: Kind::Int { min: 1, max: 128 },
        default: "1",
        mutability: Mutability::Immutable,
        doc: "Accepted for compatibility and ignored.",
        get: |c| Value::Int(i64::from(c.io_threads)),
        set: |c, v| c.io_threads = to_u32(int(v)),
    },
    DirectiveSpec {
        name: "zset-max-listpack-entries",
        aliases: &["zset-max-ziplist-entries"],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "128",
        mutability: Mutability::Mutable,
        doc: "A sorted set with more members than this leaves the compact listpack encoding.",
        get: |c| Value::Int(i64::try_from(c.zset_max_listpack_entries).unwrap_or(i64::MAX)),
        set: |c, v| c.zset_max_listpack_entries = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "zset-max-listpack-value",
        aliases: &["zset-max-ziplist-value"],
        kind: Kind::Memory { min: 0, max: LLMAX },
        default: "64",
        mutability: Mutability::Mutable,
        doc: "A sorted set with a member longer than this (bytes) leaves the compact listpack encoding.",
        get: |c| Value::Mem(c.zset_max_listpack_value),
        set: |c, v| c.zset_max_listpack_value = mem(v),
    },
    DirectiveSpec {
        name: "hll-sparse-max-bytes",
        aliases: &[],
        kind: Kind::Memory { min: 0, max: LLMAX },
        default: "3000",
        mutability: Mutability::Mutable,
        doc: "A HyperLogLog leaves the sparse encoding for the dense one (12 KB) rather than grow past this many bytes.",
        get: |c| Value::Mem(c.hll_sparse_max_bytes),
        set: |c, v| c.hll_sparse_max_bytes = mem(v),
    },
    DirectiveSpec {
        name: "stream-node-max-bytes",
        aliases: &[],
        kind: Kind::Memory { min: 0, max: LLMAX },
        default: "4096",
        mutability: Mutability::Mutable,
        doc: "A stream node takes no more entries once it holds this many bytes (0: no limit).",
        get: |c| Value::Mem(c.stream_node_max_bytes),
        set: |c, v| c.stream_node_max_bytes = mem(v),
    },
    DirectiveSpec {
        name: "tracking-table-max-keys",
        aliases: &[],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "1000000",
        mutability: Mutability::Mutable,
        doc: "Client-side caching remembers at most this many keys; past it, some are forgotten and their clients told to drop them (0: no limit).",
        get: |c| Value::Int(i64::try_from(c.tracking_table_max_keys).unwrap_or(i64::MAX)),
        set: |c, v| c.tracking_table_max_keys = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "stream-node-max-entries",
        aliases: &[],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "100",
        mutability: Mutability::Mutable,
        doc: "A stream node takes no more entries once it holds this many (0: no limit).",
        get: |c| Value::Int(i64::try_from(c.stream_node_max_entries).unwrap_or(i64::MAX)),
        set: |c, v| c.stream_node_max_entries = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "hash-max-listpack-entries",
        aliases: &["hash-max-ziplist-entries"],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "512",
        mutability: Mutability::Mutable,
        doc: "A hash with more fields than this leaves the compact listpack encoding.",
        get: |c| Value::Int(i64::try_from(c.hash_max_listpack_entries).unwrap_or(i64::MAX)),
        set: |c, v| c.hash_max_listpack_entries = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "hash-max-listpack-value",
        aliases: &["hash-max-ziplist-value"],
        kind: Kind::Memory { min: 0, max: LLMAX },
        default: "64",
        mutability: Mutability::Mutable,
        doc: "A hash with a field or value longer than this (bytes) leaves the compact listpack encoding.",
        get: |c| Value::Mem(c.hash_max_listpack_value),
        set: |c, v| c.hash_max_listpack_value = mem(v),
    },
    DirectiveSpec {
        name: "set-max-intset-entries",
        aliases: &[],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "512",
        mutability: Mutability::Mutable,
        doc: "A set of integers with more members than this leaves the compact intset encoding.",
        get: |c| Value::Int(i64::try_from(c.set_max_intset_entries).unwrap_or(i64::MAX)),
        set: |c, v| c.set_max_intset_entries = to_u64(int(v)),
    },
    DirectiveSpec {
        name: "list-max-listpack-size",
        aliases: &["list-max-ziplist-size"],
        kind: Kind::Int { min: i32::MIN as i64, max: I32MAX },
        default: "-2",
        mutability: Mutability::Mutable,
        doc: "Size of a list node: -1..-5 mean at most 4, 8, 16, 32 or 64 KB; a positive value is a count of elements. Applies to lists created afterwards.",
        get: |c| Value::Int(c.list_max_listpack_size),
        set: |c, v| c.list_max_listpack_size = int(v),
    },
    DirectiveSpec {
        name: "list-compress-depth",
        aliases: &[],
        kind: Kind::Int { min: 0, max: I32MAX },
        default: "0",
        mutability: Mutability::Mutable,
        doc: "Accepted for compatibility; list nodes are never compressed.",
        get: |c| Value::Int(c.list_compress_depth),
        set: |c, v| c.list_compress_depth = int(v),
    },
    DirectiveSpec {
        name: "busy-reply-threshold",
        aliases: &["lua-time-limit"],
        kind: Kind::Int { min: 0, max: i64::MAX },
        default: "5000",
        mutability: Mutability::Mutable,
        doc: "Milliseconds a script may run before other clients get -BUSY replies (and SCRIPT KILL is accepted).",
        get: |c| Value::Int(c.busy_reply_threshold as i64),
        set: |c, v| c.busy_reply_threshold = int(v).max(0) as u64,
    },
];

/// Every directive, in table order.
pub fn directives() -> impl Iterator<Item = &'static DirectiveSpec> {
    TABLE.iter()
}

/// The directive called `name` (or one of its aliases), case-insensitively.
pub fn lookup(name: &[u8]) -> Option<&'static DirectiveSpec> {
    TABLE.iter().find(|d| {
        d.name.as_bytes().eq_ignore_ascii_case(name)
            || d.aliases
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
    })
}

fn needs_quotes(word: &str) -> bool {
    word.is_empty()
        || word
            .bytes()
            .any(|b| !b.is_ascii_graphic() || b == b'"' || b == b'\'' || b == b'\\')
}

impl DirectiveSpec {
    /// Whether CONFIG SET may change this directive.
    pub fn runtime_settable(&self) -> bool {
        self.mutability == Mutability::Mutable
    }

    /// Parse the words that follow the directive name.
    pub(crate) fn parse(&self, args: &[String]) -> Result<Value, Reason> {
        match self.kind {
            Kind::Bind => {
                if args.len() > MAX_BIND {
                    Err(Reason::TooManyBind)
                } else {
                    Ok(Value::List(args.to_vec()))
                }
            }
            Kind::Save => parse_save(args),
            Kind::HostPort => match args {
                [] => Ok(Value::List(Vec::new())),
                [empty] if empty.is_empty() => Ok(Value::List(Vec::new())),
                [host, port] => match port.parse::<u16>() {
                    Ok(_) => Ok(Value::List(vec![host.clone(), port.clone()])),
                    Err(_) => Err(Reason::WrongArgs),
                },
                _ => Err(Reason::WrongArgs),
            },
            Kind::OutputBufferLimit => parse_obuf(args),
            Kind::Percentiles => parse_percentiles(args),
            Kind::ShutdownFlags => parse_shutdown_flags(args),
            _ => match args {
                [one] => self.parse_one(one),
                _ => Err(Reason::WrongArgs),
            },
        }
    }

    fn parse_one(&self, arg: &str) -> Result<Value, Reason> {
        let bytes = arg.as_bytes();
        match self.kind {
            Kind::Bool => {
                if arg.eq_ignore_ascii_case("yes") {
                    Ok(Value::Bool(true))
                } else if arg.eq_ignore_ascii_case("no") {
                    Ok(Value::Bool(false))
                } else {
                    Err(Reason::NotBool)
                }
            }
            Kind::Int { min, max } => {
                let v = parse_int(bytes).ok_or(Reason::NotInteger)?;
                if v < min || v > max {
                    return Err(Reason::OutOfRange {
                        min: min.into(),
                        max: max.into(),
                    });
                }
                Ok(Value::Int(v))
            }
            Kind::Memory { min, max } => {
                let v = parse_memory(bytes).ok_or(Reason::NotMemory)?;
                if v < min || v > max {
                    return Err(Reason::OutOfRange {
                        min: min.into(),
                        max: max.into(),
                    });
                }
                Ok(Value::Mem(v))
            }
            Kind::Enum(names) => names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(arg))
                .map(Value::Enum)
                .ok_or(Reason::NotOneOf(names)),
            Kind::String | Kind::Dir => Ok(Value::Str(arg.to_string())),
            Kind::KeyspaceEvents => keyspace_events::parse(bytes)
                .map(|f| Value::Int(i64::from(f)))
                .ok_or(Reason::InvalidEventClass),
            Kind::Bind
            | Kind::Save
            | Kind::OutputBufferLimit
            | Kind::HostPort
            | Kind::Percentiles
            | Kind::ShutdownFlags => self.parse(&[arg.to_string()]),
        }
    }

    /// Parse a CONFIG SET value. Multi-word directives split it on single
    /// spaces without quote handling, as Redis does.
    pub(crate) fn parse_set_value(&self, value: &[u8]) -> Result<Value, Reason> {
        let text = String::from_utf8_lossy(value);
        match self.kind {
            Kind::Bind
            | Kind::Save
            | Kind::OutputBufferLimit
            | Kind::Percentiles
            | Kind::ShutdownFlags => {
                let words: Vec<String> = if text.is_empty() {
                    Vec::new()
                } else {
                    text.split(' ').map(str::to_string).collect()
                };
                self.parse(&words)
            }
            _ => self.parse_one(&text),
        }
    }

    pub(crate) fn apply(&self, config: &mut Config, value: Value) {
        (self.set)(config, value)
    }

    /// The value as CONFIG GET prints it.
    pub fn get_value(&self, config: &Config) -> String {
        if self.kind == Kind::Dir {
            if let Ok(cwd) = std::env::current_dir() {
                return cwd.display().to_string();
            }
        }
        match (self.get)(config) {
            Value::Bool(b) => if b { "yes" } else { "no" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Mem(m) => m.to_string(),
            Value::Enum(i) => self.enum_name(i).to_string(),
            Value::Str(s) => s,
            Value::List(l) => l.join(" "),
        }
    }

    fn enum_name(&self, i: usize) -> &'static str {
        match self.kind {
            Kind::Enum(names) => names.get(i).copied().unwrap_or(""),
            _ => "",
        }
    }

    /// The lines CONFIG REWRITE writes for the current value.
    pub(crate) fn rewrite_lines(&self, config: &Config) -> Vec<String> {
        let value = (self.get)(config);
        let name = self.name;
        match (self.kind, value) {
            (Kind::Dir, _) => vec![format!("{name} {}", quote(&self.get_value(config)))],
            (Kind::Save, Value::Str(s)) => {
                let words: Vec<&str> = s.split_whitespace().collect();
                if words.is_empty() {
                    vec![format!("{name} \"\"")]
                } else {
                    words
                        .chunks(2)
                        .map(|pair| format!("{name} {}", pair.join(" ")))
                        .collect()
                }
            }
            (_, Value::List(words)) => {
                let mut line = name.to_string();
                for w in &words {
                    line.push(' ');
                    if needs_quotes(w) {
                        line.push_str(&quote(w));
                    } else {
                        line.push_str(w);
                    }
                }
                vec![line]
            }
            (_, Value::Str(s)) => vec![format!("{name} {}", quote(&s))],
            (_, Value::Mem(m)) => vec![format!("{name} {}", format_memory(m))],
            (_, other) => vec![format!("{name} {}", self.print(other))],
        }
    }

    fn print(&self, v: Value) -> String {
        match v {
            Value::Bool(b) => if b { "yes" } else { "no" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Mem(m) => m.to_string(),
            Value::Enum(i) => self.enum_name(i).to_string(),
            Value::Str(s) => s,
            Value::List(l) => l.join(" "),
        }
    }

    /// Whether CONFIG REWRITE must write this directive even when the file
    /// does not mention it.
    pub(crate) fn differs_from_default(&self, config: &Config, defaults: &Config) -> bool {
        self.kind == Kind::Dir || self.rewrite_lines(config) != self.rewrite_lines(defaults)
    }
}

/// `save` arguments: none or a single empty word clears; otherwise pairs of
/// seconds (>= 1) and changes (>= 0). Stored normalized, space separated.
fn parse_save(args: &[String]) -> Result<Value, Reason> {
    if args.is_empty() || (args.len() == 1 && args[0].is_empty()) {
        return Ok(Value::Str(String::new()));
    }
    if args.len() & 1 == 1 {
        return Err(Reason::InvalidSave);
    }
    let mut out = Vec::with_capacity(args.len());
    for pair in args.chunks(2) {
        let secs = parse_save_number(&pair[0]).ok_or(Reason::InvalidSave)?;
        let changes = parse_save_number(&pair[1]).ok_or(Reason::InvalidSave)?;
        if secs < 1 || changes < 0 {
            return Err(Reason::InvalidSave);
        }
        out.push(secs.to_string());
        out.push(changes.to_string());
    }
    Ok(Value::Str(out.join(" ")))
}

/// `notify-keyspace-events` classes as bit flags, and their letters.
pub mod keyspace_events {
    /// `K`: publish on `__keyspace@<db>__:<key>`.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: publish on `__keyevent@<db>__:<event>`.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: generic commands (DEL, EXPIRE, RENAME, ...).
    pub const GENERIC: u32 = 1 << 2;
    /// `$`: string commands.
    pub const STRING: u32 = 1 << 3;
    /// `l`: list commands.
    pub const LIST: u32 = 1 << 4;
    /// `s`: set commands.
    pub const SET: u32 = 1 << 5;
    /// `h`: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// `z`: sorted set commands.
    pub const ZSET: u32 = 1 << 7;
    /// `x`: a key expired.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: a key was evicted.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// `m`: a read found no key (not part of `A`).
    pub const KEY_MISS: u32 = 1 << 11;
    /// `d`: module events.
    pub const MODULE: u32 = 1 << 12;
    /// `n`: a key was created (not part of `A`).
    pub const NEW: u32 = 1 << 13;
    /// `A`: every class but `m` and `n`.
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /// Parses class letters; None on a letter Redis does not know.
    pub fn parse(s: &[u8]) -> Option<u32> {
        let mut flags = 0;
        for &c in s {
            flags |= match c {
                b'A' => ALL,
                b'g' => GENERIC,
                b'$' => STRING,
                b'l' => LIST,
                b's' => SET,
                b'h' => HASH,
                b'z' => ZSET,
                b'x' => EXPIRED,
                b'e' => EVICTED,
                b'K' => KEYSPACE,
                b'E' => KEYEVENT,
                b't' => STREAM,
                b'm' => KEY_MISS,
                b'd' => MODULE,
                b'n' => NEW,
                _ => return None,
            };
        }
        Some(flags)
    }

    /// The normalized letters CONFIG GET shows: `A` when every class of
    /// `A` is on (and then, as in Redis 7.0, `n` is not shown), else the
    /// class letters; then `K`, `E` and `m`.
    pub fn to_string(flags: u32) -> String {
        let mut out = String::new();
        if flags & ALL == ALL {
            out.push('A');
        } else {
            for (bit, c) in [
                (GENERIC, 'g'),
                (STRING, '$'),
                (LIST, 'l'),
                (SET, 's'),
                (HASH, 'h'),
                (ZSET, 'z'),
                (EXPIRED, 'x'),
                (EVICTED, 'e'),
                (STREAM, 't'),
                (MODULE, 'd'),
                (NEW, 'n'),
            ] {
                if flags & bit != 0 {
                    out.push(c);
                }
            }
        }
        for (bit, c) in [(KEYSPACE, 'K'), (KEYEVENT, 'E'), (KEY_MISS, 'm')] {
            if flags & bit != 0 {
                out.push(c);
            }
        }
        out
    }
}

/// The three client classes of `client-output-buffer-limit`, in the order
/// CONFIG GET prints them.
const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// One class's output limits: bytes (0 = none) and seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputBufferLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: u64,
}

/// `client-output-buffer-limit` words: groups of four, classes checked,
/// sizes in bytes. Returned normalized (`class hard soft secs ...`).
fn parse_obuf(args: &[String]) -> Result<Value, Reason> {
    let words: Vec<&str> = args.iter().flat_map(|a| a.split_whitespace()).collect();
    if words.is_empty() || !words.len().is_multiple_of(4) {
        return Err(Reason::ObufArgs);
    }
    let mut out = Vec::new();
    for g in words.chunks(4) {
        let class = match g[0].to_ascii_lowercase().as_str() {
            "normal" => "normal",
            "slave" | "replica" => "slave",
            "pubsub" => "pubsub",
            _ => return Err(Reason::ObufClass),
        };
        let hard = parse_memory(g[1].as_bytes()).ok_or(Reason::ObufValue)?;
        let soft = parse_memory(g[2].as_bytes()).ok_or(Reason::ObufValue)?;
        let secs = parse_int(g[3].as_bytes())
            .filter(|s| *s >= 0)
            .ok_or(Reason::ObufValue)?;
        out.push(format!("{class} {hard} {soft} {secs}"));
    }
    Ok(Value::Str(out.join(" ")))
}

/// Replaces the classes named in `new` within `old` (both normalized).
fn merge_obuf(old: &str, new: &str) -> String {
    let mut limits = parse_obuf_str(old);
    let words: Vec<&str> = new.split_whitespace().collect();
    for g in words.chunks(4) {
        if let (Some(i), [_, h, s, t]) = (OBUF_CLASSES.iter().position(|c| *c == g[0]), g) {
            limits[i] = OutputBufferLimit {
                hard: h.parse().unwrap_or(0),
                soft: s.parse().unwrap_or(0),
                soft_seconds: t.parse().unwrap_or(0),
            };
        }
    }
    OBUF_CLASSES
        .iter()
        .zip(limits)
        .map(|(c, l)| format!("{c} {} {} {}", l.hard, l.soft, l.soft_seconds))
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse_obuf_str(s: &str) -> [OutputBufferLimit; 3] {
    let mut limits = [OutputBufferLimit::default(); 3];
    let words: Vec<&str> = s.split_whitespace().collect();
    for g in words.chunks(4) {
        if let (Some(i), [_, h, s, t]) = (OBUF_CLASSES.iter().position(|c| *c == g[0]), g) {
            limits[i] = OutputBufferLimit {
                hard: h.parse().unwrap_or(0),
                soft: s.parse().unwrap_or(0),
                soft_seconds: t.parse().unwrap_or(0),
            };
        }
    }
    limits
}

impl Config {
    /// `client-output-buffer-limit` per class: normal, replica, pubsub.
    pub fn output_buffer_limits(&self) -> [OutputBufferLimit; 3] {
        parse_obuf_str(&self.client_output_buffer_limit)
    }
}
