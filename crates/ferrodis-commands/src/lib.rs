//! Commands: the command table, the shared argument parser, typed command
//! errors, and one module per Redis command group.
//!
//! Layout:
//! - [`spec`]: the shape of a table row (flags, key specs, docs, handler).
//! - [`table`]: all families' rows, looked up case-insensitively.
//! - [`dispatch`]: lookup, the gates (arity, auth, ...), then the handler.
//! - [`context`]: `ServerState` (shared), `Client` (per connection), `Ctx`.
//! - [`args`]: number parsing with Redis's strictness; option cursor.
//! - [`keys`]: key extraction from key specs.
//! - [`typed`]: typed key lookups (absent / value / WRONGTYPE).
//! - [`error`]: `CommandError`, whose Display is Redis's exact reply.
//! - [`auth`]: password checks.
//! - [`blocking`]: clients blocked on keys (BLPOP and friends).
//! - families: [`connection`], [`server`], [`command`], [`string`],
//!   [`keyspace`] (Redis's "generic"), [`hash`], [`set`],
//!   [`memory`], [`list`] (with the blocking pops), [`sort`], [`zset`], [`stream`],
//!   [`multi`] (MULTI/EXEC/WATCH), [`script`] (EVAL, SCRIPT, FCALL and FUNCTION: Lua),
//!   operator tooling: [`slowlog`], [`monitor`], [`latency`], [`debug`].
//! - [`stats`]: per-thread command statistics, latency histograms and
//!   error counts (INFO commandstats/latencystats/errorstats).

pub mod acl;
pub mod aof;
pub mod args;
pub mod auth;
pub mod blocking;
pub mod command;
pub mod connection;
pub mod context;
pub mod debug;
pub mod dispatch;
pub mod error;
pub mod geo;
pub mod hash;
pub mod hll;
pub mod keyevents;
pub mod keys;
pub mod keyspace;
pub mod latency;
pub mod list;
pub mod memory;
pub mod monitor;
pub mod multi;
pub mod notify;
pub mod pause;
pub mod persistence;
pub mod propagate;
pub mod pubsub;
pub mod repl;
pub mod script;
pub mod server;
pub mod set;
pub mod slowlog;
pub mod sort;
pub mod spec;
pub mod stats;
pub mod stream;
pub mod string;
pub mod table;
pub mod tracking;
pub mod typed;
pub mod zset;

pub use context::{
    After, Client, ClientShared, Ctx, ServerInfo, ServerState, ShutdownMode, ShutdownRequest,
};
pub use dispatch::execute;

/// The Redis version whose behaviour we implement; clients compare against
/// it to decide which commands they may use.
pub const REDIS_VERSION: &str = "7.0.15";
/// Our own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The server name HELLO reports: "redis", so that clients which check it
/// treat us as the server we are compatible with (INFO's
/// `ferrodis_version` tells the two apart).
pub const SERVER_NAME: &str = "redis";
