//! The keyspace: databases, shards, typed values and expiry bookkeeping.
//!
//! Layout:
//! - [`value`]: the typed value stored under a key and its encodings.
//! - [`small`]: `SmallBytes`, inline-or-boxed byte strings for keys.
//! - [`dense`]: `DenseMap`, the compact dictionary shards store keys in.
//! - [`shard`]: one lock's worth of keys (`Shard`, `Entry`): lazy expiry,
//!   the TTL index walked by active expiry, SCAN, random sampling.
//! - [`db`]: a database split into shards, and multi-shard locking in a
//!   fixed order.
//! - [`keyspace`]: all databases (`SELECT`, `SWAPDB`, `FLUSHALL`) and the
//!   expiry statistics.
//! - [`expire`]: the active expiry cycle (slow and fast), run by the
//!   server's cron thread.
//! - [`glob`]: Redis-style glob matching, shared by KEYS, SCAN and CONFIG GET.
//! - [`clock`]: the wall clock in milliseconds.
//!
//! No RESP and no I/O live here: callers lock, operate on typed values and
//! encode replies themselves.

pub mod clock;
pub mod db;
pub mod dense;
pub mod expire;
pub mod glob;
pub mod keyspace;
pub mod shard;
pub mod small;
pub mod value;

pub use db::{Db, MultiGuard, PairGuard};
pub use keyspace::Keyspace;
pub use shard::{Entry, Shard};
pub use small::SmallBytes;
pub use value::{StrValue, Value};
