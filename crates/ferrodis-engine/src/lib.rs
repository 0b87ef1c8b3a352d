//! The keyspace: databases, shards, typed values and expiry bookkeeping.
//!
//! Layout:
//! - [`value`]: the typed value stored under a key and its encodings.
//! - [`small`]: `SmallBytes`, inline-or-boxed byte strings for keys.
//! - [`hash`], [`set`]: hash and set values and their compact encodings;
//!   [`listpack`]: `Pack`, the compact byte-string sequence they use.
//! - [`list`]: `ListValue`, lists as a chain of packed nodes (quicklist).
//! - [`zset`]: sorted-set values (listpack, or a map plus an
//!   order-statistic treap) and their rank/range operations.
//! - [`stream`]: stream values (entries in packed nodes, consumer groups).
//! - [`dense`]: `DenseMap`, the compact dictionary shards store keys in.
//! - [`shard`]: one lock's worth of keys (`Shard`, `Entry`): lazy expiry,
//!   the TTL index walked by active expiry, SCAN, random sampling.
//! - [`db`]: a database split into shards, and multi-shard locking in a
//!   fixed order.
//! - [`hold`]: held-lock mode, so EXEC and scripts run atomically through
//!   the ordinary handlers.
//! - [`keyspace`]: all databases (`SELECT`, `SWAPDB`, `FLUSHALL`) and the
//!   expiry statistics.
//! - [`evict`]: maxmemory eviction (the eight policies, sampled pool).
//! - [`expire`]: the active expiry cycle (slow and fast), run by the
//!   server's cron thread.
//! - [`glob`]: Redis-style glob matching, shared by KEYS, SCAN and CONFIG GET.
//! - [`access`]: LRU clock and LFU counter kept per key for eviction.
//! - [`alloc`]: the counting global allocator behind `used_memory`.
//! - [`clock`]: the wall clock in milliseconds.
//!
//! No RESP and no I/O live here: callers lock, operate on typed values and
//! encode replies themselves.
//!
//! Every store structure has `check_invariants` (each value type, `Value`,
//! `DenseMap`, `Shard`, `Db`, `Keyspace`), returning the broken rule; tests
//! and fuzzers call it between commands, with the encoding thresholds the
//! store was written under ([`Limits`]). tests/models/ checks each type
//! against a reference model with proptest.

pub mod access;
pub mod alloc;
pub mod clock;
pub mod db;
pub mod dense;
pub mod evict;
pub mod expire;
pub mod geo;
pub mod glob;
pub mod hash;
pub mod hll;
pub mod hold;
pub mod keyspace;
pub mod list;
pub mod listpack;
pub mod set;
pub mod shard;
pub mod small;
pub mod stream;
pub mod value;
pub mod zset;

pub use db::{Db, MultiGuard, PairGuard};
pub use hash::{HashLimits, HashValue};
pub use hold::{Hold, ShardGuard};
pub use keyspace::Keyspace;
pub use list::{End, ListValue};
pub use set::{Member, MemberRef, SetValue};
pub use shard::{DictStats, Entry, Removal, RemovalHook, Shard};
pub use small::SmallBytes;
pub use value::{Limits, StrValue, Value};
pub use zset::{ZLimits, ZSetValue};
