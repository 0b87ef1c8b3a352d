//! `ZSetValue` against a vector sorted by (score, member), with Redis's
//! one-way listpack → skiplist rule as the expected encoding, and -0
//! stored as 0 while the set is a listpack (as Redis's listpack does).

use std::cmp::Ordering;
use std::collections::HashSet;

use ferrodis_engine::zset::cmp_key;
use ferrodis_engine::{ZLimits, ZSetValue};
use proptest::prelude::*;
use rand::SeedableRng;

use crate::{config, ok};

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<u8>, f64),
    AddMany(usize),
    Remove(Vec<u8>),
    Score(Vec<u8>),
    Get(usize),
    IterFrom(usize, bool, usize),
    RangeScore(f64, bool, f64, bool, bool),
    RangeLex(Option<(Vec<u8>, bool)>, Option<(Vec<u8>, bool)>, bool),
    RemoveRangeRank(usize, usize),
    RemoveRangeScore(f64, f64),
    Random(u64),
    NthUnordered(usize),
    Scan(usize),
    /// Rebuilds the value from its items (a *STORE command's result).
    FromItems,
}

fn member() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => (0u8..25).prop_map(|i| format!("m{i}").into_bytes()),
        1 => Just(Vec::new()),
        1 => (any::<u8>(), 60usize..70).prop_map(|(b, n)| vec![b'a' + b % 26; n]),
    ]
}

fn score(lex: bool) -> BoxedStrategy<f64> {
    if lex {
        // Lex mode: every score equal (0 and -0 compare equal).
        return prop_oneof![9 => Just(0.0), 1 => Just(-0.0)].boxed();
    }
    prop_oneof![
        6 => (-6i64..6).prop_map(|i| i as f64),
        2 => (-20i64..20).prop_map(|i| i as f64 / 4.0),
        1 => prop_oneof![
            Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-0.0), Just(0.0),
            Just(9_007_199_254_740_992.0), Just(-9_007_199_254_740_994.0), Just(1e300),
            Just(f64::MIN_POSITIVE)
        ],
        1 => -1e6f64..1e6,
    ]
    .boxed()
}

fn op(lex: bool) -> impl Strategy<Value = Op> {
    let s = || score(lex);
    let bound = || proptest::option::of((member(), any::<bool>()));
    prop_oneof![
        10 => (member(), s()).prop_map(|(m, s)| Op::Add(m, s)),
        1 => (0usize..200).prop_map(Op::AddMany),
        4 => member().prop_map(Op::Remove),
        2 => member().prop_map(Op::Score),
        1 => (0usize..300).prop_map(Op::Get),
        1 => (0usize..300, any::<bool>(), 0usize..8).prop_map(|(k, r, n)| Op::IterFrom(k, r, n)),
        2 => (s(), any::<bool>(), s(), any::<bool>(), any::<bool>())
            .prop_map(|(a, ax, b, bx, r)| Op::RangeScore(a, ax, b, bx, r)),
        1 => (bound(), bound(), any::<bool>()).prop_map(|(a, b, r)| Op::RangeLex(a, b, r)),
        1 => (0usize..300, 0usize..300).prop_map(|(a, b)| Op::RemoveRangeRank(a, b)),
        1 => (s(), s()).prop_map(|(a, b)| Op::RemoveRangeScore(a, b)),
        1 => any::<u64>().prop_map(Op::Random),
        1 => (0usize..300).prop_map(Op::NthUnordered),
        1 => (1usize..20).prop_map(Op::Scan),
        1 => Just(Op::FromItems),
    ]
}

fn limits() -> impl Strategy<Value = ZLimits> {
    prop_oneof![
        2 => Just(ZLimits::default()),
        2 => (0usize..20, 0usize..40).prop_map(|(e, v)| ZLimits { max_entries: e, max_value: v }),
    ]
}

/// Sorted (score, member) plus the encoding Redis would report.
#[derive(Default)]
struct Model {
    items: Vec<(f64, Vec<u8>)>,
    skiplist: bool,
}

impl Model {
    fn pos(&self, m: &[u8]) -> Option<usize> {
        self.items.iter().position(|(_, x)| x == m)
    }

    fn sort(&mut self) {
        self.items.sort_by(|a, b| cmp_key(a.0, &a.1, b.0, &b.1));
    }

    /// The score as stored: a listpack keeps -0 as 0.
    fn stored(&self, s: f64) -> f64 {
        if !self.skiplist && s == 0.0 {
            0.0
        } else {
            s
        }
    }
}

fn check(z: &ZSetValue, m: &Model, lim: ZLimits) {
    ok(z.check_invariants(lim));
    assert_eq!(z.len(), m.items.len());
    assert_eq!(
        z.encoding(),
        if m.skiplist { "skiplist" } else { "listpack" }
    );
    let got: Vec<(u64, &[u8])> = z.iter().map(|(mm, s)| (s.to_bits(), mm)).collect();
    let want: Vec<(u64, &[u8])> = m
        .items
        .iter()
        .map(|(s, mm)| (s.to_bits(), &mm[..]))
        .collect();
    assert_eq!(got, want);
    let back: Vec<&[u8]> = z
        .iter_from(m.items.len().saturating_sub(1), true)
        .map(|x| x.0)
        .collect();
    let want: Vec<&[u8]> = m.items.iter().rev().map(|x| &x.1[..]).collect();
    assert_eq!(back, want);
}

/// Checks a walk's index range against the members where both bounds hold
/// (contiguous for score ranges, and for lex ranges over equal scores).
fn check_range(
    (lo, hi): (usize, usize),
    m: &Model,
    gte: &dyn Fn(&[u8], f64) -> bool,
    lte: &dyn Fn(&[u8], f64) -> bool,
) -> Result<(), TestCaseError> {
    let want: Vec<usize> = (0..m.items.len())
        .filter(|&i| gte(&m.items[i].1, m.items[i].0) && lte(&m.items[i].1, m.items[i].0))
        .collect();
    prop_assert!(lo <= hi);
    if want.is_empty() {
        prop_assert_eq!(lo, hi);
    } else {
        prop_assert_eq!((lo..hi).collect::<Vec<_>>(), want);
    }
    Ok(())
}

/// A score bound as the predicate `range_forward` takes: `min` (or
/// above, when exclusive) for a lower bound, `max` (or below) for an upper.
fn above(min: f64, ex: bool) -> impl Fn(&[u8], f64) -> bool {
    move |_: &[u8], s: f64| if ex { s > min } else { s >= min }
}

fn below(max: f64, ex: bool) -> impl Fn(&[u8], f64) -> bool {
    move |_: &[u8], s: f64| if ex { s < max } else { s <= max }
}

fn run(lim: ZLimits, lex: bool, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut z: Option<ZSetValue> = None;
    let mut m = Model::default();
    let mut next = 0u64;
    let add = |z: &mut Option<ZSetValue>, m: &mut Model, mm: &[u8], s: f64| {
        let zs = z.get_or_insert_with(|| {
            // ZADD on a new key: the encoding from the first member alone.
            m.skiplist = 1 > lim.max_entries || mm.len() > lim.max_value;
            ZSetValue::with_hint(1, mm.len(), lim)
        });
        match m.pos(mm) {
            Some(i) => {
                m.items[i].0 = m.stored(s);
                zs.set_score(mm, s);
            }
            None => {
                if m.items.len() + 1 > lim.max_entries || mm.len() > lim.max_value {
                    m.skiplist = true;
                }
                let st = m.stored(s);
                m.items.push((st, mm.to_vec()));
                zs.insert(mm, s, lim);
            }
        }
        m.sort();
    };
    for op in ops {
        match op {
            Op::Add(mm, s) => add(&mut z, &mut m, &mm, s),
            Op::AddMany(n) => {
                for _ in 0..n.min(600usize.saturating_sub(m.items.len())) {
                    let mm = format!("many{next}").into_bytes();
                    let s = if lex { 0.0 } else { (next % 17) as f64 };
                    next += 1;
                    add(&mut z, &mut m, &mm, s);
                }
            }
            Op::Remove(mm) => {
                let had = m.pos(&mm);
                if let Some(i) = had {
                    m.items.remove(i);
                }
                prop_assert_eq!(z.as_mut().is_some_and(|z| z.remove(&mm)), had.is_some());
            }
            Op::Score(mm) => {
                let want = m.pos(&mm).map(|i| (i, m.items[i].0.to_bits()));
                let zz = z.as_ref();
                prop_assert_eq!(
                    zz.and_then(|z| z.score(&mm)).map(f64::to_bits),
                    want.map(|w| w.1)
                );
                prop_assert_eq!(
                    zz.and_then(|z| z.rank(&mm)).map(|(r, s)| (r, s.to_bits())),
                    want
                );
                prop_assert_eq!(zz.is_some_and(|z| z.contains(&mm)), want.is_some());
            }
            Op::Get(k) => {
                let got = z
                    .as_ref()
                    .and_then(|z| z.get(k))
                    .map(|(mm, s)| (mm.to_vec(), s.to_bits()));
                prop_assert_eq!(got, m.items.get(k).map(|(s, mm)| (mm.clone(), s.to_bits())));
            }
            Op::IterFrom(k, rev, n) => {
                if let Some(z) = &z {
                    let got: Vec<&[u8]> = z.iter_from(k, rev).take(n).map(|x| x.0).collect();
                    let want: Vec<&[u8]> = if rev {
                        match m.items.get(..=k) {
                            Some(head) => head.iter().rev().take(n).map(|x| &x.1[..]).collect(),
                            // Past the end: nothing, in either direction.
                            None => Vec::new(),
                        }
                    } else {
                        m.items.iter().skip(k).take(n).map(|x| &x.1[..]).collect()
                    };
                    prop_assert_eq!(got, want, "iter_from({}, {})", k, rev);
                }
            }
            Op::RangeScore(a, ax, b, bx, rev) => {
                if let Some(z) = &z {
                    let (gte, lte) = (above(a, ax), below(b, bx));
                    let r = if rev {
                        z.range_reverse(&gte, &lte)
                    } else {
                        z.range_forward(&gte, &lte)
                    };
                    check_range(r, &m, &gte, &lte)?;
                }
            }
            Op::RangeLex(min, max, rev) => {
                if let (Some(z), true) = (&z, lex) {
                    let gte = move |mm: &[u8], _: f64| match &min {
                        None => true,
                        Some((b, ex)) => match mm.cmp(b) {
                            Ordering::Greater => true,
                            Ordering::Equal => !ex,
                            Ordering::Less => false,
                        },
                    };
                    let lte = move |mm: &[u8], _: f64| match &max {
                        None => true,
                        Some((b, ex)) => match mm.cmp(b) {
                            Ordering::Less => true,
                            Ordering::Equal => !ex,
                            Ordering::Greater => false,
                        },
                    };
                    let r = if rev {
                        z.range_reverse(&gte, &lte)
                    } else {
                        z.range_forward(&gte, &lte)
                    };
                    check_range(r, &m, &gte, &lte)?;
                }
            }
            Op::RemoveRangeRank(a, b) => {
                if let Some(z) = &mut z {
                    let hi = b.min(m.items.len());
                    let want = hi.saturating_sub(a);
                    prop_assert_eq!(z.remove_range(a, b), want);
                    if want > 0 {
                        m.items.drain(a..hi);
                    }
                }
            }
            Op::RemoveRangeScore(a, b) => {
                if let Some(z) = &mut z {
                    let (gte, lte) = (above(a, false), below(b, false));
                    let (lo, hi) = z.range_forward(&gte, &lte);
                    let before = m.items.len();
                    m.items.retain(|(s, mm)| !(gte(mm, *s) && lte(mm, *s)));
                    prop_assert_eq!(z.remove_range(lo, hi), before - m.items.len());
                }
            }
            Op::Random(seed) => {
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                let got = z
                    .as_ref()
                    .and_then(|z| z.random(&mut rng))
                    .map(|(mm, s)| (mm.to_vec(), s.to_bits()));
                match got {
                    None => prop_assert!(m.items.is_empty()),
                    Some((mm, s)) => {
                        prop_assert_eq!(m.pos(&mm).map(|i| m.items[i].0.to_bits()), Some(s))
                    }
                }
            }
            Op::NthUnordered(i) => {
                let got = z
                    .as_ref()
                    .and_then(|z| z.nth_unordered(i))
                    .map(|(mm, s)| (mm.to_vec(), s.to_bits()));
                match got {
                    None => prop_assert!(i >= m.items.len()),
                    Some((mm, s)) => {
                        prop_assert_eq!(m.pos(&mm).map(|i| m.items[i].0.to_bits()), Some(s))
                    }
                }
            }
            Op::Scan(count) => {
                if let Some(z) = &z {
                    let mut out = Vec::new();
                    let mut cursor = 0u64;
                    loop {
                        cursor = z.scan(cursor, count, &mut out);
                        if cursor == 0 {
                            break;
                        }
                    }
                    prop_assert_eq!(out.len(), m.items.len());
                    let got: HashSet<(&[u8], u64)> =
                        out.into_iter().map(|(mm, s)| (mm, s.to_bits())).collect();
                    let want: HashSet<(&[u8], u64)> = m
                        .items
                        .iter()
                        .map(|(s, mm)| (&mm[..], s.to_bits()))
                        .collect();
                    prop_assert_eq!(got, want);
                }
            }
            Op::FromItems => {
                if z.is_some() {
                    let items: Vec<(Vec<u8>, f64)> = m
                        .items
                        .iter()
                        .rev()
                        .map(|(s, mm)| (mm.clone(), *s))
                        .collect();
                    let maxlen = items.iter().map(|x| x.0.len()).max().unwrap_or(0);
                    m.skiplist = !(items.len() <= lim.max_entries && maxlen <= lim.max_value);
                    for it in &mut m.items {
                        it.0 = if !m.skiplist && it.0 == 0.0 {
                            0.0
                        } else {
                            it.0
                        };
                    }
                    z = Some(ZSetValue::from_items(items, lim));
                }
            }
        }
        if let Some(zs) = &z {
            check(zs, &m, lim);
            // An emptied sorted set is deleted with its key.
            if m.items.is_empty() {
                z = None;
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn zset_matches_model(
        lim in limits(),
        (lex, ops) in any::<bool>().prop_flat_map(|lex| {
            (Just(lex), proptest::collection::vec(op(lex), 1..200))
        }),
    ) {
        run(lim, lex, ops)?;
    }
}
