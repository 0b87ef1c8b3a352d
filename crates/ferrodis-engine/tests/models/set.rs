//! `SetValue` against a `HashSet`, with Redis's reported encoding (intset
//! while every member is an integer and there are at most
//! set-max-intset-entries, hashtable for good after that) as expected.

use std::collections::HashSet;

use ferrodis_engine::set::PACK_MAX_ENTRIES;
use ferrodis_engine::SetValue;
use proptest::prelude::*;
use rand::SeedableRng;

use crate::{config, ok};

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<u8>),
    /// Adds `n` members: integers, or strings (crossing the intset and
    /// internal pack limits).
    AddMany(usize, bool),
    Remove(Vec<u8>),
    Contains(Vec<u8>),
    Pop(u64),
    RemoveIndex(usize),
    Nth(usize),
    Scan(usize),
}

/// Members: canonical integers of every width, strings that only look
/// like integers, short strings, strings over the 64-byte pack limit.
fn member() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => (-40i64..40).prop_map(|i| i.to_string().into_bytes()),
        2 => prop_oneof![
            Just(i64::MIN), Just(i64::MAX), Just(70_000i64), Just(-40_000i64),
            Just(5_000_000_000i64), Just(32_767i64), Just(-32_768i64)
        ].prop_map(|i| i.to_string().into_bytes()),
        1 => prop_oneof![
            Just(&b"01"[..]), Just(&b"-0"[..]), Just(&b"+1"[..]), Just(&b" 1"[..]),
            Just(&b"9223372036854775808"[..]), Just(&b""[..])
        ].prop_map(|b| b.to_vec()),
        3 => (0u8..10).prop_map(|i| format!("s{i}").into_bytes()),
        1 => (any::<u8>(), 60usize..70).prop_map(|(b, n)| vec![b'a' + b % 26; n]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => member().prop_map(Op::Add),
        1 => (0usize..200, any::<bool>()).prop_map(|(n, s)| Op::AddMany(n, s)),
        4 => member().prop_map(Op::Remove),
        2 => member().prop_map(Op::Contains),
        2 => any::<u64>().prop_map(Op::Pop),
        1 => (0usize..300).prop_map(Op::RemoveIndex),
        1 => (0usize..300).prop_map(Op::Nth),
        1 => (1usize..20).prop_map(Op::Scan),
    ]
}

fn is_int(m: &[u8]) -> bool {
    ferrodis_engine::value::parse_i64_strict(m).is_some()
}

struct Model {
    members: HashSet<Vec<u8>>,
    /// Redis reports a hashtable from now on.
    table: bool,
}

fn check(s: &SetValue, m: &Model, max_intset: usize) {
    ok(s.check_invariants(max_intset));
    assert_eq!(s.len(), m.members.len());
    assert_eq!(s.encoding(), if m.table { "hashtable" } else { "intset" });
    let got: Vec<Vec<u8>> = s.iter().map(|x| x.with_bytes(|b| b.to_vec())).collect();
    if !m.table {
        // An intset walks in ascending order.
        let ints: Vec<i64> = got
            .iter()
            .filter_map(|b| std::str::from_utf8(b).ok()?.parse().ok())
            .collect();
        assert!(ints.windows(2).all(|w| w[0] < w[1]));
    }
    let got: HashSet<Vec<u8>> = got.into_iter().collect();
    assert_eq!(got, m.members);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn set_matches_model(
        max_intset in prop_oneof![Just(0usize), Just(1), Just(5), Just(16), Just(512)],
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        let mut s: Option<SetValue> = None;
        let mut m = Model { members: HashSet::new(), table: false };
        let mut next = 0u64;
        for op in ops {
            let add = |s: &mut Option<SetValue>, m: &mut Model, v: &[u8]| -> bool {
                // A new key's encoding comes from its first member (SADD).
                let set = s.get_or_insert_with(|| {
                    m.table = !is_int(v);
                    SetValue::new_for(v)
                });
                let new = m.members.insert(v.to_vec());
                if !is_int(v) || (new && m.members.len() > max_intset) {
                    m.table = true;
                }
                let got = set.add(v, max_intset);
                assert_eq!(got, new, "add {:?}", String::from_utf8_lossy(v));
                new
            };
            match op {
                Op::Add(v) => {
                    add(&mut s, &mut m, &v);
                }
                Op::AddMany(n, strings) => {
                    let n = n.min((2 * PACK_MAX_ENTRIES + 100).saturating_sub(m.members.len()));
                    for _ in 0..n {
                        let v = if strings { format!("str{next}") } else { format!("{}", 1000 + next) };
                        next += 1;
                        add(&mut s, &mut m, v.as_bytes());
                    }
                }
                Op::Remove(v) => {
                    let got = s.as_mut().is_some_and(|s| s.remove(&v));
                    prop_assert_eq!(got, m.members.remove(&v));
                }
                Op::Contains(v) => {
                    let got = s.as_ref().is_some_and(|s| s.contains(&v));
                    prop_assert_eq!(got, m.members.contains(&v));
                }
                Op::Pop(seed) => {
                    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                    let got = s.as_mut().and_then(|s| s.pop_random(&mut rng));
                    match got {
                        None => prop_assert!(m.members.is_empty()),
                        Some(x) => {
                            let b = x.with_bytes(|b| b.to_vec());
                            prop_assert!(m.members.remove(&b), "popped a member the model lacks");
                        }
                    }
                }
                Op::RemoveIndex(i) => {
                    let got = s.as_mut().and_then(|s| s.remove_index(i));
                    match got {
                        None => prop_assert!(i >= m.members.len()),
                        Some(x) => {
                            let b = x.with_bytes(|b| b.to_vec());
                            prop_assert!(m.members.remove(&b));
                        }
                    }
                }
                Op::Nth(i) => {
                    let got = s.as_ref().and_then(|s| s.nth(i)).map(|x| x.with_bytes(|b| b.to_vec()));
                    match got {
                        None => prop_assert!(i >= m.members.len()),
                        Some(b) => prop_assert!(m.members.contains(&b)),
                    }
                    let ix = s.as_ref().map(|s| s.indexed());
                    let got = ix.as_ref().and_then(|ix| ix.get(i)).map(|x| x.with_bytes(|b| b.to_vec()));
                    prop_assert_eq!(got.is_some(), i < m.members.len());
                }
                Op::Scan(count) => {
                    if let Some(s) = &s {
                        let mut out = Vec::new();
                        let mut pos = usize::MAX;
                        loop {
                            pos = s.scan(pos, count, &mut out);
                            if pos == 0 {
                                break;
                            }
                        }
                        let got: HashSet<Vec<u8>> =
                            out.into_iter().map(|x| x.with_bytes(|b| b.to_vec())).collect();
                        prop_assert_eq!(&got, &m.members);
                    }
                }
            }
            if let Some(set) = &s {
                check(set, &m, max_intset);
                // An empty set is deleted with its key (SREM, SPOP).
                if m.members.is_empty() {
                    s = None;
                }
            }
        }
    }
}
