//! `HashValue` against a vector of pairs in insertion order (the order a
//! listpack keeps), with Redis's one-way conversion rule as the expected
//! encoding.

use std::collections::HashSet;

use ferrodis_engine::{HashLimits, HashValue};
use proptest::prelude::*;

use crate::{config, element, ok};

#[derive(Debug, Clone)]
enum Op {
    Set(Vec<u8>, Vec<u8>),
    /// Sets `n` new short fields (crossing hash-max-listpack-entries).
    SetMany(usize),
    Remove(Vec<u8>),
    Get(Vec<u8>),
    RemoveIndex(usize),
    NthField(usize),
    Indexed(usize),
    Scan(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (element(), element()).prop_map(|(f, v)| Op::Set(f, v)),
        1 => (0usize..300).prop_map(Op::SetMany),
        4 => element().prop_map(Op::Remove),
        2 => element().prop_map(Op::Get),
        1 => (0usize..300).prop_map(Op::RemoveIndex),
        1 => (0usize..300).prop_map(Op::NthField),
        1 => (0usize..300).prop_map(Op::Indexed),
        1 => (1usize..20).prop_map(Op::Scan),
    ]
}

fn limits() -> impl Strategy<Value = HashLimits> {
    prop_oneof![
        2 => Just(HashLimits::default()),
        2 => (0usize..20, 0usize..40).prop_map(|(e, v)| HashLimits { max_entries: e, max_value: v }),
        1 => Just(HashLimits { max_entries: 128, max_value: 64 }),
    ]
}

struct Model {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
    /// Whether Redis would have converted to a hashtable by now.
    table: bool,
}

impl Model {
    fn pos(&self, f: &[u8]) -> Option<usize> {
        self.pairs.iter().position(|(k, _)| k == f)
    }

    fn set(&mut self, f: &[u8], v: &[u8], lim: HashLimits) -> bool {
        if f.len() > lim.max_value || v.len() > lim.max_value {
            self.table = true;
        }
        let new = match self.pos(f) {
            Some(i) => {
                self.pairs[i].1 = v.to_vec();
                false
            }
            None => {
                self.pairs.push((f.to_vec(), v.to_vec()));
                true
            }
        };
        if self.pairs.len() > lim.max_entries {
            self.table = true;
        }
        new
    }

    fn remove(&mut self, f: &[u8]) -> bool {
        match self.pos(f) {
            Some(i) => {
                self.pairs.remove(i);
                true
            }
            None => false,
        }
    }
}

fn check(h: &HashValue, m: &Model, lim: HashLimits) {
    ok(h.check_invariants(lim));
    assert_eq!(h.len(), m.pairs.len());
    assert_eq!(h.encoding(), if m.table { "hashtable" } else { "listpack" });
    let got: Vec<(&[u8], &[u8])> = h.iter().collect();
    let want: Vec<(&[u8], &[u8])> = m.pairs.iter().map(|(f, v)| (&f[..], &v[..])).collect();
    if m.table {
        let got: HashSet<_> = got.into_iter().collect();
        let want: HashSet<_> = want.into_iter().collect();
        assert_eq!(got, want);
    } else {
        // A listpack keeps insertion order (HGETALL's order in Redis).
        assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hash_matches_model(lim in limits(), ops in proptest::collection::vec(op(), 1..200)) {
        let mut h = HashValue::new();
        let mut m = Model { pairs: Vec::new(), table: false };
        let mut next = 0usize;
        for op in ops {
            match op {
                Op::Set(f, v) => {
                    let want = m.set(&f, &v, lim);
                    prop_assert_eq!(h.set(&f, &v, lim), want);
                }
                Op::SetMany(n) => {
                    for _ in 0..n.min(1000usize.saturating_sub(m.pairs.len())) {
                        let f = format!("many{next}").into_bytes();
                        next += 1;
                        let want = m.set(&f, b"1", lim);
                        prop_assert_eq!(h.set(&f, b"1", lim), want);
                    }
                }
                Op::Remove(f) => {
                    prop_assert_eq!(h.remove(&f), m.remove(&f));
                    prop_assert!(!h.contains(&f));
                }
                Op::Get(f) => {
                    let want = m.pos(&f).map(|i| m.pairs[i].1.as_slice());
                    prop_assert_eq!(h.get(&f), want);
                    prop_assert_eq!(h.contains(&f), want.is_some());
                }
                Op::RemoveIndex(i) => {
                    let got = h.remove_index(i);
                    match got {
                        None => prop_assert!(i >= m.pairs.len()),
                        Some((f, v)) => {
                            let p = m.pos(&f);
                            prop_assert!(p.is_some(), "removed a field the model lacks");
                            if let Some(p) = p {
                                prop_assert_eq!(&m.pairs[p].1[..], &v[..]);
                                if !m.table {
                                    // A listpack removes its i-th pair.
                                    prop_assert_eq!(p, i);
                                }
                                m.pairs.remove(p);
                            }
                        }
                    }
                }
                Op::NthField(i) => {
                    match h.nth_field(i) {
                        None => prop_assert!(i >= m.pairs.len()),
                        Some(f) => {
                            prop_assert!(m.pos(f).is_some());
                            if !m.table {
                                prop_assert_eq!(f, &m.pairs[i].0[..]);
                            }
                        }
                    }
                }
                Op::Indexed(i) => {
                    let ix = h.indexed();
                    prop_assert_eq!(ix.len(), m.pairs.len());
                    match ix.get(i) {
                        None => prop_assert!(i >= m.pairs.len()),
                        Some((f, v)) => {
                            let p = m.pos(f);
                            prop_assert!(p.is_some_and(|p| m.pairs[p].1 == v));
                        }
                    }
                }
                Op::Scan(count) => {
                    let mut out = Vec::new();
                    let mut pos = usize::MAX;
                    loop {
                        pos = h.scan(pos, count, &mut out);
                        if pos == 0 {
                            break;
                        }
                    }
                    let got: HashSet<(&[u8], &[u8])> = out.into_iter().collect();
                    let want: HashSet<(&[u8], &[u8])> =
                        m.pairs.iter().map(|(f, v)| (&f[..], &v[..])).collect();
                    prop_assert_eq!(got, want);
                }
            }
            check(&h, &m, lim);
        }
    }
}
