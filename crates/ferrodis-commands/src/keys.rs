//! Key extraction from a command's key specs: the one implementation behind
//! COMMAND GETKEYS, multi-shard locking, WATCH and ACL key checks.

use bytes::Bytes;

use crate::args::{eq_ic, parse_i64_strict};
use crate::spec::{Begin, CommandSpec, Find};

/// Positions in `argv` of the keys `spec` names, in spec order. An argument
/// list too short for a spec yields no keys for that spec (the command
/// reports its own arity or syntax error).
pub fn key_positions(spec: &CommandSpec, argv: &[Bytes]) -> Vec<usize> {
    key_positions_with_spec(spec, argv)
        .into_iter()
        .map(|(pos, _)| pos)
        .collect()
}

/// Like `key_positions`, with the index of the key spec each key came from.
pub fn key_positions_with_spec(spec: &CommandSpec, argv: &[Bytes]) -> Vec<(usize, usize)> {
    let argc = argv.len() as i64;
    let mut out = Vec::new();
    for (spec_idx, ks) in spec.key_specs.iter().enumerate() {
        let first = match ks.begin {
            Begin::Index(i) => i as i64,
            Begin::Keyword(kw, start) => {
                let found = if start >= 0 {
                    (start as i64..argc).find(|&i| eq_ic(&argv[i as usize], kw))
                } else {
                    let from = argc + start as i64;
                    (1..=from).rev().find(|&i| eq_ic(&argv[i as usize], kw))
                };
                match found {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
            Begin::Unknown => continue,
        };
        if first >= argc {
            continue;
        }
        let (first, last, step) = match ks.find {
            Find::Range { last, step, limit } => {
                let last = if last >= 0 {
                    first + last as i64
                } else if limit <= 1 {
                    argc + last as i64
                } else {
                    first + (argc - first) / limit as i64 + last as i64
                };
                (first, last, step.max(1) as i64)
            }
            Find::Keynum {
                keynum_idx,
                first: fk,
                step,
            } => {
                let idx = first + keynum_idx as i64;
                if idx >= argc {
                    continue;
                }
                let Some(n) = parse_i64_strict(&argv[idx as usize]).filter(|n| *n >= 0) else {
                    continue;
                };
                let f = first + fk as i64;
                // Redis keeps the count in a C int: 4294967297 counts 1
                // key, 2147483648 none (a huge count once overflowed here;
                // found by the command fuzzer).
                (f, f + i64::from(n as i32) - 1, step.max(1) as i64)
            }
            Find::Unknown => continue,
        };
        if last >= argc {
            // More keys announced than arguments given: no keys at all, as
            // Redis (the command then reports its own error).
            return Vec::new();
        }
        let mut i = first;
        while i <= last {
            out.push((i as usize, spec_idx));
            i += step;
        }
    }
    out
}

/// Whether a command takes keys at all.
pub fn has_keys(spec: &CommandSpec) -> bool {
    !spec.key_specs.is_empty()
}
