//! The shape of a command-table row: everything Redis's `COMMAND INFO` and
//! `COMMAND DOCS` report, plus the handler.

use crate::context::Ctx;
use crate::error::CmdResult;

/// Computes the actual flags of key spec N for a command's arguments.
pub type KeyFlagsFn = fn(&[bytes::Bytes], usize) -> &'static [&'static str];

/// Runs a command. Arity and the other dispatch gates were checked already.
pub type Handler = fn(&mut Ctx<'_>) -> CmdResult;

// Command flags. The bit order is the order in which COMMAND INFO lists
// them (see `FLAG_NAMES`).
pub const WRITE: u64 = 1 << 0;
pub const READONLY: u64 = 1 << 1;
pub const DENYOOM: u64 = 1 << 2;
pub const MODULE: u64 = 1 << 3;
pub const ADMIN: u64 = 1 << 4;
pub const PUBSUB: u64 = 1 << 5;
pub const NOSCRIPT: u64 = 1 << 6;
pub const BLOCKING: u64 = 1 << 7;
pub const LOADING: u64 = 1 << 8;
pub const STALE: u64 = 1 << 9;
pub const SKIP_MONITOR: u64 = 1 << 10;
pub const SKIP_SLOWLOG: u64 = 1 << 11;
pub const ASKING: u64 = 1 << 12;
pub const FAST: u64 = 1 << 13;
pub const NO_AUTH: u64 = 1 << 14;
pub const MAY_REPLICATE: u64 = 1 << 15;
pub const SENTINEL: u64 = 1 << 16;
pub const ONLY_SENTINEL: u64 = 1 << 17;
pub const NO_MANDATORY_KEYS: u64 = 1 << 18;
pub const PROTECTED: u64 = 1 << 19;
pub const MODULE_GETKEYS: u64 = 1 << 20;
pub const MODULE_NO_CLUSTER: u64 = 1 << 21;
pub const NO_ASYNC_LOADING: u64 = 1 << 22;
pub const NO_MULTI: u64 = 1 << 23;
pub const MOVABLEKEYS: u64 = 1 << 24;
pub const ALLOW_BUSY: u64 = 1 << 25;

pub const FLAG_NAMES: &[(u64, &str)] = &[
    (WRITE, "write"),
    (READONLY, "readonly"),
    (DENYOOM, "denyoom"),
    (MODULE, "module"),
    (ADMIN, "admin"),
    (PUBSUB, "pubsub"),
    (NOSCRIPT, "noscript"),
    (BLOCKING, "blocking"),
    (LOADING, "loading"),
    (STALE, "stale"),
    (SKIP_MONITOR, "skip_monitor"),
    (SKIP_SLOWLOG, "skip_slowlog"),
    (ASKING, "asking"),
    (FAST, "fast"),
    (NO_AUTH, "no_auth"),
    (MAY_REPLICATE, "may_replicate"),
    (SENTINEL, "sentinel"),
    (ONLY_SENTINEL, "only_sentinel"),
    (NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (PROTECTED, "protected"),
    (MODULE_GETKEYS, "module_getkeys"),
    (MODULE_NO_CLUSTER, "module_no_cluster"),
    (NO_ASYNC_LOADING, "no_async_loading"),
    (NO_MULTI, "no_multi"),
    (MOVABLEKEYS, "movablekeys"),
    (ALLOW_BUSY, "allow_busy"),
];

// ACL categories, in the order Redis lists them.
pub const CAT_KEYSPACE: u64 = 1 << 0;
pub const CAT_READ: u64 = 1 << 1;
pub const CAT_WRITE: u64 = 1 << 2;
pub const CAT_SET: u64 = 1 << 3;
pub const CAT_SORTEDSET: u64 = 1 << 4;
pub const CAT_LIST: u64 = 1 << 5;
pub const CAT_HASH: u64 = 1 << 6;
pub const CAT_STRING: u64 = 1 << 7;
pub const CAT_BITMAP: u64 = 1 << 8;
pub const CAT_HYPERLOGLOG: u64 = 1 << 9;
pub const CAT_GEO: u64 = 1 << 10;
pub const CAT_STREAM: u64 = 1 << 11;
pub const CAT_PUBSUB: u64 = 1 << 12;
pub const CAT_ADMIN: u64 = 1 << 13;
pub const CAT_FAST: u64 = 1 << 14;
pub const CAT_SLOW: u64 = 1 << 15;
pub const CAT_BLOCKING: u64 = 1 << 16;
pub const CAT_DANGEROUS: u64 = 1 << 17;
pub const CAT_CONNECTION: u64 = 1 << 18;
pub const CAT_TRANSACTION: u64 = 1 << 19;
pub const CAT_SCRIPTING: u64 = 1 << 20;

pub const CATEGORY_NAMES: &[(u64, &str)] = &[
    (CAT_KEYSPACE, "keyspace"),
    (CAT_READ, "read"),
    (CAT_WRITE, "write"),
    (CAT_SET, "set"),
    (CAT_SORTEDSET, "sortedset"),
    (CAT_LIST, "list"),
    (CAT_HASH, "hash"),
    (CAT_STRING, "string"),
    (CAT_BITMAP, "bitmap"),
    (CAT_HYPERLOGLOG, "hyperloglog"),
    (CAT_GEO, "geo"),
    (CAT_STREAM, "stream"),
    (CAT_PUBSUB, "pubsub"),
    (CAT_ADMIN, "admin"),
    (CAT_FAST, "fast"),
    (CAT_SLOW, "slow"),
    (CAT_BLOCKING, "blocking"),
    (CAT_DANGEROUS, "dangerous"),
    (CAT_CONNECTION, "connection"),
    (CAT_TRANSACTION, "transaction"),
    (CAT_SCRIPTING, "scripting"),
];

// Argument flags for COMMAND DOCS.
pub const ARG_OPTIONAL: u8 = 1;
pub const ARG_MULTIPLE: u8 = 2;
pub const ARG_MULTIPLE_TOKEN: u8 = 4;

/// Where a key spec starts looking for keys.
#[derive(Debug, Clone, Copy)]
pub enum Begin {
    Index(i32),
    Keyword(&'static str, i32),
    Unknown,
}

/// How a key spec finds keys once it has started.
#[derive(Debug, Clone, Copy)]
pub enum Find {
    Range {
        last: i32,
        step: i32,
        limit: i32,
    },
    Keynum {
        keynum_idx: i32,
        first: i32,
        step: i32,
    },
    Unknown,
}

/// One of a command's key specs (Redis 7 key-spec API).
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    pub flags: &'static [&'static str],
    pub begin: Begin,
    pub find: Find,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    Oneof,
    Block,
}

impl ArgKind {
    pub fn name(self) -> &'static str {
        match self {
            ArgKind::String => "string",
            ArgKind::Integer => "integer",
            ArgKind::Double => "double",
            ArgKind::Key => "key",
            ArgKind::Pattern => "pattern",
            ArgKind::UnixTime => "unix-time",
            ArgKind::PureToken => "pure-token",
            ArgKind::Oneof => "oneof",
            ArgKind::Block => "block",
        }
    }
}

/// An argument as COMMAND DOCS describes it (redis-cli builds its hints
/// from these).
#[derive(Debug, Clone, Copy)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
    pub key_spec_index: i32,
    pub token: Option<&'static str>,
    pub since: Option<&'static str>,
    pub flags: u8,
    pub args: &'static [Arg],
}

impl Arg {
    pub const BASE: Arg = Arg {
        name: "",
        kind: ArgKind::String,
        key_spec_index: -1,
        token: None,
        since: None,
        flags: 0,
        args: &[],
    };
}

/// One row of the command table.
///
/// Invariants (checked by unit tests): names are unique and lowercase; a
/// command with `WRITE` has keys; `arity` follows Redis's convention (the
/// command name counts; negative means "at least"). `acl` holds only the
/// categories that do not follow from `flags` (see `acl_categories`).
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    pub handler: Option<Handler>,
    pub arity: i32,
    pub flags: u64,
    pub acl: u64,
    /// Legacy (first, last, step) key positions.
    pub key_range: (i32, i32, i32),
    pub key_specs: &'static [KeySpec],
    pub tips: &'static [&'static str],
    pub group: &'static str,
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    pub doc_flags: &'static [&'static str],
    pub args: &'static [Arg],
    pub subcommands: &'static [CommandSpec],
    /// For commands whose key specs carry `variable_flags`: the actual
    /// flags of key spec N for these arguments (COMMAND GETKEYSANDFLAGS).
    pub variable_key_flags: Option<KeyFlagsFn>,
}

impl CommandSpec {
    pub const BASE: CommandSpec = CommandSpec {
        name: "",
        handler: None,
        arity: 0,
        flags: 0,
        acl: 0,
        key_range: (0, 0, 0),
        key_specs: &[],
        tips: &[],
        group: "",
        since: "",
        summary: "",
        complexity: "",
        doc_flags: &[],
        args: &[],
        subcommands: &[],
        variable_key_flags: None,
    };

    /// All ACL categories: the explicit ones plus those Redis derives from
    /// the flags.
    pub fn acl_categories(&self) -> u64 {
        let mut c = self.acl;
        if self.flags & WRITE != 0 {
            c |= CAT_WRITE;
        }
        if self.flags & READONLY != 0 && c & CAT_SCRIPTING == 0 {
            c |= CAT_READ;
        }
        if self.flags & ADMIN != 0 {
            c |= CAT_ADMIN | CAT_DANGEROUS;
        }
        if self.flags & PUBSUB != 0 {
            c |= CAT_PUBSUB;
        }
        if self.flags & FAST != 0 {
            c |= CAT_FAST;
        }
        if self.flags & BLOCKING != 0 {
            c |= CAT_BLOCKING;
        }
        if c & CAT_FAST == 0 {
            c |= CAT_SLOW;
        }
        c
    }

    /// Whether `argc` arguments (name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let a = self.arity;
        (a >= 0 && argc == a as usize) || (a < 0 && argc >= (-a) as usize)
    }
}
