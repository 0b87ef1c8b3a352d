//! End-to-end tests: the real `ferrodis` binary, real clients, and
//! differential runs against real redis-server 7.0 (see common/diff.rs).
//!
//! One test binary so that linking stays cheap; one module per area.
//! Validate the suite itself against real Redis with
//! `FERRODIS_BIN=/usr/bin/redis-server cargo test --test e2e`.

mod common;

mod aof;
mod arithmetic;
mod auth;
mod clients;
mod command_table;
mod config;
mod eviction;
mod expiry;
mod foundation;
mod functions;
mod geo;
mod hardening;
mod hashes;
mod hll;
mod keyspace;
mod limits;
mod lists;
mod memory;
mod notify;
mod ops;
mod pause;
mod persistence;
mod protocol;
mod pubsub;
mod replication;
mod scripting;
mod sets;
mod streams;
mod strings;
mod tracking;
mod transactions;
mod zsets;
