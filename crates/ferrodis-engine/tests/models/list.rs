//! `ListValue` against a `VecDeque`.

use std::collections::VecDeque;

use ferrodis_engine::{End, ListValue};
use proptest::prelude::*;

use crate::{config, element, ok};

#[derive(Debug, Clone)]
enum Op {
    Push(End, Vec<u8>),
    /// Pushes `n` short elements (to grow past node limits quickly).
    PushMany(End, usize),
    Pop(End),
    Peek(End),
    Set(usize, Vec<u8>),
    /// LINSERT next to the element at this index (or a pivot absent from
    /// the list when the index is past the end).
    Insert(usize, bool, Vec<u8>),
    /// LREM of the element at this index (or of `e0`), with a count.
    RemoveMatching(usize, i64),
    /// LTRIM-like: drop from both ends.
    Trim(usize, usize),
    Get(i64),
    IterFrom(usize, bool, usize),
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![Just(End::Head), Just(End::Tail)]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (end(), element()).prop_map(|(e, v)| Op::Push(e, v)),
        1 => (end(), 0usize..300).prop_map(|(e, n)| Op::PushMany(e, n)),
        3 => end().prop_map(Op::Pop),
        1 => end().prop_map(Op::Peek),
        2 => (0usize..400, element()).prop_map(|(i, v)| Op::Set(i, v)),
        2 => (0usize..400, any::<bool>(), element()).prop_map(|(i, a, v)| Op::Insert(i, a, v)),
        2 => (0usize..400, -3i64..4).prop_map(|(i, c)| Op::RemoveMatching(i, c)),
        1 => (0usize..40, 0usize..40).prop_map(|(a, b)| Op::Trim(a, b)),
        2 => (-450i64..450).prop_map(Op::Get),
        1 => (0usize..400, any::<bool>(), 0usize..8).prop_map(|(i, r, n)| Op::IterFrom(i, r, n)),
    ]
}

fn fill() -> impl Strategy<Value = i64> {
    prop_oneof![-5i64..=-1, 0i64..=5, Just(128), Just(-2)]
}

fn check(l: &ListValue, m: &VecDeque<Vec<u8>>) {
    ok(l.check_invariants());
    assert_eq!(l.len(), m.len());
    assert!(l.iter().eq(m.iter().map(|v| v.as_slice())));
    assert!(l
        .iter_from(0, true)
        .eq(m.iter().rev().map(|v| v.as_slice())));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn list_matches_vecdeque(fill in fill(), ops in proptest::collection::vec(op(), 1..200)) {
        let mut l = ListValue::new(fill);
        let mut m: VecDeque<Vec<u8>> = VecDeque::new();
        for op in ops {
            match op {
                Op::Push(e, v) => {
                    l.push(e, &v);
                    match e {
                        End::Head => m.push_front(v),
                        End::Tail => m.push_back(v),
                    }
                }
                Op::PushMany(e, n) => {
                    // Keep the per-step full comparison cheap.
                    let n = n.min(2000usize.saturating_sub(m.len()));
                    for i in 0..n {
                        let v = format!("{i}").into_bytes();
                        l.push(e, &v);
                        match e {
                            End::Head => m.push_front(v),
                            End::Tail => m.push_back(v),
                        }
                    }
                }
                Op::Pop(e) => {
                    let want = match e {
                        End::Head => m.pop_front(),
                        End::Tail => m.pop_back(),
                    };
                    prop_assert_eq!(l.pop(e), want);
                }
                Op::Peek(e) => {
                    let want = match e {
                        End::Head => m.front(),
                        End::Tail => m.back(),
                    };
                    prop_assert_eq!(l.peek(e), want.map(|v| v.as_slice()));
                }
                Op::Set(i, v) => {
                    let inside = i < m.len();
                    prop_assert_eq!(l.set(i, &v), inside);
                    if inside {
                        m[i] = v;
                    }
                }
                Op::Insert(i, after, v) => {
                    let pivot = m.get(i).cloned().unwrap_or_else(|| b"absent pivot".to_vec());
                    let at = m.iter().position(|x| *x == pivot);
                    prop_assert_eq!(l.insert_by_pivot(&pivot, after, &v), at.is_some());
                    if let Some(p) = at {
                        m.insert(if after { p + 1 } else { p }, v);
                    }
                }
                Op::RemoveMatching(i, count) => {
                    let elem = m.get(i).cloned().unwrap_or_else(|| b"e0".to_vec());
                    let limit = if count == 0 { usize::MAX } else { count.unsigned_abs() as usize };
                    let mut removed = 0;
                    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(m.len());
                    let walk: Box<dyn Iterator<Item = Vec<u8>>> = if count < 0 {
                        Box::new(m.drain(..).rev())
                    } else {
                        Box::new(m.drain(..))
                    };
                    for x in walk {
                        if x == elem && removed < limit {
                            removed += 1;
                        } else {
                            kept.push(x);
                        }
                    }
                    if count < 0 {
                        kept.reverse();
                    }
                    m = kept.into();
                    prop_assert_eq!(l.remove_matching(&elem, count), removed);
                }
                Op::Trim(a, b) => {
                    l.remove_front(a);
                    l.remove_back(b);
                    for _ in 0..a.min(m.len()) {
                        m.pop_front();
                    }
                    for _ in 0..b.min(m.len()) {
                        m.pop_back();
                    }
                }
                Op::Get(i) => {
                    let len = m.len() as i64;
                    let want = if i < 0 { len + i } else { i };
                    let want = (0..len).contains(&want).then_some(want as usize);
                    prop_assert_eq!(l.resolve_index(i), want);
                    if let Some(p) = want {
                        prop_assert_eq!(l.get(p), Some(m[p].as_slice()));
                    }
                    prop_assert_eq!(l.get(m.len()), None);
                }
                Op::IterFrom(i, rev, n) => {
                    let got: Vec<&[u8]> = l.iter_from(i, rev).take(n).collect();
                    let want: Vec<&[u8]> = if rev {
                        m.iter().rev().skip(i).take(n).map(|v| v.as_slice()).collect()
                    } else {
                        m.iter().skip(i).take(n).map(|v| v.as_slice()).collect()
                    };
                    prop_assert_eq!(got, want);
                    prop_assert_eq!(l.iter_from(i, rev).len(), m.len().saturating_sub(i));
                }
            }
            check(&l, &m);
        }
    }
}
