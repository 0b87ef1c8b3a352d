//! Model tests: each engine type against a plain reference model under
//! random operation sequences (proptest), with `check_invariants` after
//! every step. Sizes and element lengths cross the encoding thresholds in
//! both directions so conversions are exercised.
//!
//! 64 cases per test by default; `PROPTEST_CASES=N` runs more (a fuzzing
//! session), and a failing case is shrunk and printed with its operations.

mod hash;
mod list;
mod set;
mod shard;
mod stream;
mod zset;

use proptest::prelude::*;

/// The proptest configuration: 64 cases unless `PROPTEST_CASES` says.
pub fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 64;
    }
    c
}

/// Byte strings for elements: mostly from a small pool (so operations hit
/// existing elements), some short random ones, some longer than the
/// 64-byte listpack value limits, rarely kilobytes.
pub fn element() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => (0u8..12).prop_map(|i| format!("e{i}").into_bytes()),
        3 => proptest::collection::vec(any::<u8>(), 0..24),
        2 => (any::<u8>(), 60usize..80).prop_map(|(b, n)| vec![b; n]),
        1 => (any::<u8>(), 500usize..9000).prop_map(|(b, n)| vec![b; n]),
    ]
}

/// Asserts `check_invariants`' result, printing the broken rule.
#[track_caller]
pub fn ok(r: Result<(), String>) {
    if let Err(e) = r {
        panic!("invariant broken: {e}");
    }
}
