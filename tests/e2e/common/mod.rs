//! Test harness: start ferrodis and real redis-server on private loopback
//! ports, talk raw RESP to them, and compare their replies byte for byte.
//!
//! Layout:
//! - `resp`   — an independent RESP2/RESP3 decoder/encoder (`Resp`, `escape`)
//! - `server` — `Server` (ferrodis or real redis-server), `RawConn`
//! - `diff`   — `Diff` (differential runner), `diff!` macro, normalizers
//! - `tools`  — `redis_cli`, `python`, `ferrodis_only`
//!
//! Environment:
//! - `FERRODIS_BIN`  — binary to test instead of the built ferrodis (e.g.
//!   `/usr/bin/redis-server` to validate the suite against real Redis);
//! - `REDIS_SERVER_BIN` — the reference redis-server (default `redis-server`);
//! - `REDIS_CLI_BIN` — redis-cli (default `redis-cli`);
//! - `FERRODIS_SEED` — replay a randomized differential run.

#![allow(dead_code)]

pub mod diff;
pub mod resp;
pub mod server;
pub mod tools;

#[allow(unused_imports)]
pub use diff::{norm, Diff};
#[allow(unused_imports)]
pub use resp::{encode_request, escape, parse_all, parse_one, Resp};
#[allow(unused_imports)]
pub use server::{RawConn, Server};
#[allow(unused_imports)]
pub use tools::{ferrodis_only, python, redis_cli, testing_real_redis};
