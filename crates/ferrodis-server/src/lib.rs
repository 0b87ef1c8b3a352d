//! The server: listeners, connection tasks, signals and start-up.
//!
//! Layout:
//! - [`listener`]: binds the `bind` addresses and accepts connections,
//!   enforcing `maxclients`.
//! - [`connection`]: one task per client: read, parse every complete
//!   request, execute each through the command table, write all replies at
//!   once.
//! - [`cron`]: the `hz` timer thread (active expiry).
//! - [`replication`]: feeding replicas after PSYNC, and the link to our
//!   own primary.
//! - [`startup`]: builds the shared state from the config and runs until
//!   SHUTDOWN or a signal.
//! - [`supervise`]: `daemonize`, `pidfile`, and readiness notifications
//!   for systemd (sd_notify) and upstart (`supervised`).
//! - [`workers`]: the threads that serve connections, each its own event
//!   loop.

pub mod connection;
pub mod cron;
pub mod listener;
pub mod replication;
pub mod signal;
pub mod startup;
pub mod supervise;
pub mod workers;

pub use startup::{run, StartError};
