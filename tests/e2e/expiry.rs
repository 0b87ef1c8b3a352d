//! expiry: differential and end-to-end tests (see common/diff.rs).
