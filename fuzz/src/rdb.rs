//! RDB files and DUMP payloads: corrupted input is refused with an error,
//! never a crash; what loads is a valid value (its invariants hold) whose
//! encoding is stable (dumping it, restoring the dump and dumping again
//! gives the same bytes).

use ferrodis_engine::value::{Limits, Value};
use ferrodis_persist::rdb::{self, LoadLimits};

/// Encoding thresholds: the defaults, or small ones (so conversions on
/// load happen within small inputs), picked by the input's first byte.
fn limits(b: u8) -> LoadLimits {
    let mut lim = LoadLimits::default();
    if b & 1 == 1 {
        lim.hash.max_entries = 2;
        lim.hash.max_value = 8;
        lim.zset.max_entries = 2;
        lim.zset.max_value = 8;
        lim.max_intset = 2;
        lim.list_fill = 2;
    }
    lim
}

fn check_value(v: &Value, lim: &LoadLimits) {
    // Loading converts what exceeds the hash, set and zset thresholds, as
    // Redis does; stream nodes are kept as the file has them.
    let inv = Limits {
        hash: lim.hash,
        zset: lim.zset,
        set_max_intset: lim.max_intset,
        stream: Limits::ANY.stream,
    };
    if let Err(what) = v.check_invariants(&inv) {
        panic!("a loaded value breaks an invariant: {what}");
    }
    let dump = rdb::dump_payload(v);
    let again = match rdb::restore_payload(&dump, lim) {
        Ok(v) => v,
        Err(e) => panic!("our own dump is refused: {e}"),
    };
    assert_eq!(rdb::dump_payload(&again), dump, "dump/restore/dump differs");
}

/// A payload: the input's first byte picks the limits; the rest is the
/// body, to which the RDB version and a valid CRC-64 are appended (a
/// fuzzer cannot forge CRCs, and the checksum test is one line).
pub fn check_payload(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let lim = limits(sel);
    let p = rdb::seal_payload(body.to_vec());
    if let Ok(v) = rdb::restore_payload(&p, &lim) {
        check_value(&v, &lim);
    }
}

/// A whole file, read without its checksum (for the same reason).
pub fn check_file(data: &[u8]) {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let lim = limits(sel);
    let mut values = Vec::new();
    let r = rdb::load(body, &lim, false, |k| values.push(k.value));
    if r.is_ok() {
        for v in &values {
            check_value(v, &lim);
        }
    }
}
