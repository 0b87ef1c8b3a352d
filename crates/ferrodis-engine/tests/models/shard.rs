//! `Shard` (its DenseMap and TTL index, lazy and active expiry, SCAN,
//! sampling, snapshots) against a `HashMap` of key → (value, expire time)
//! under a moving clock.

use std::collections::{BTreeMap, HashMap, HashSet};

use ferrodis_engine::value::Limits;
use ferrodis_engine::{Entry, ListValue, Shard, Value};
use proptest::prelude::*;
use rand::SeedableRng;

use crate::{config, ok};

#[derive(Debug, Clone)]
enum Op {
    Set(usize, Vec<u8>),
    /// A list value (a collection, so the empty-collection rule is live).
    SetList(usize, Vec<u8>),
    SetWithExpire(usize, Vec<u8>, u64),
    SetExpire(usize, u64),
    Get(usize),
    GetMut(usize),
    Peek(usize),
    Remove(usize),
    RemoveWithExpire(usize),
    /// Moves a key with its TTL (RENAME).
    Rename(usize, usize),
    Advance(u64),
    ExpireStep(usize),
    RandomKey(u64),
    Sample(bool, u64),
    Scan(usize),
    Clear,
    SnapshotStart,
    SnapshotStep(usize),
}

fn key(i: usize) -> Vec<u8> {
    if i % 7 == 3 {
        // Longer than SmallBytes' inline 22 bytes.
        format!("a-rather-long-key-name-{i}").into_bytes()
    } else {
        format!("k{i}").into_bytes()
    }
}

fn op() -> impl Strategy<Value = Op> {
    let k = || 0usize..60;
    let v = || proptest::collection::vec(any::<u8>(), 0..50);
    // Expire times around the clock (which starts at 1000): past, now, soon.
    let at = || prop_oneof![Just(0u64), 900u64..1200];
    prop_oneof![
        6 => (k(), v()).prop_map(|(k, v)| Op::Set(k, v)),
        1 => (k(), v()).prop_map(|(k, v)| Op::SetList(k, v)),
        5 => (k(), v(), 1u64..300).prop_map(|(k, v, d)| Op::SetWithExpire(k, v, d)),
        3 => (k(), at()).prop_map(|(k, a)| Op::SetExpire(k, a)),
        3 => k().prop_map(Op::Get),
        1 => k().prop_map(Op::GetMut),
        1 => k().prop_map(Op::Peek),
        2 => k().prop_map(Op::Remove),
        1 => k().prop_map(Op::RemoveWithExpire),
        1 => (k(), k()).prop_map(|(a, b)| Op::Rename(a, b)),
        2 => (0u64..40).prop_map(Op::Advance),
        1 => (1usize..30).prop_map(Op::ExpireStep),
        1 => any::<u64>().prop_map(Op::RandomKey),
        1 => (any::<bool>(), any::<u64>()).prop_map(|(v, s)| Op::Sample(v, s)),
        1 => (1usize..15).prop_map(Op::Scan),
        1 => Just(Op::Clear),
        1 => Just(Op::SnapshotStart),
        2 => (1usize..10).prop_map(Op::SnapshotStep),
    ]
}

#[derive(Clone, Debug, PartialEq)]
enum MVal {
    Str(Vec<u8>),
    List(Vec<u8>),
}

impl MVal {
    fn value(&self) -> Value {
        match self {
            MVal::Str(v) => Value::string(v),
            MVal::List(v) => {
                let mut l = ListValue::new(-2);
                l.push_back(v);
                Value::List(Box::new(l))
            }
        }
    }

    fn of(v: &Value) -> MVal {
        match v {
            Value::Str(s) => MVal::Str(s.to_vec()),
            Value::List(l) => MVal::List(l.iter().next().map(|x| x.to_vec()).unwrap_or_default()),
            other => panic!("unexpected {}", other.type_name()),
        }
    }
}

/// Physical entries (expired ones included until reclaimed).
type Model = HashMap<Vec<u8>, (MVal, u64)>;

fn expired(at: u64, now: u64) -> bool {
    at != 0 && at <= now
}

/// What a snapshot must hold: every entry at its start.
type SnapState = BTreeMap<Vec<u8>, (MVal, u64)>;

fn check(s: &Shard, m: &Model) {
    ok(s.check_invariants(&Limits::default()));
    assert_eq!(s.len(), m.len());
    assert_eq!(s.expires(), m.values().filter(|(_, at)| *at != 0).count());
    for (k, (v, at)) in m {
        assert!(s.has_entry(k));
        assert_eq!(s.expire_at(k), *at);
        let e = s
            .iter()
            .find(|(kk, _)| kk.as_slice() == &k[..])
            .map(|(_, e)| MVal::of(&e.value));
        assert_eq!(e.as_ref(), Some(v));
    }
}

/// Drops from the model the keys the shard reclaimed on its own, which
/// must all have been expired.
fn sync_reclaimed(s: &Shard, m: &mut Model, now: u64) -> Result<usize, TestCaseError> {
    let gone: Vec<Vec<u8>> = m.keys().filter(|k| !s.has_entry(k)).cloned().collect();
    for k in &gone {
        let (_, at) = m.remove(k).unwrap_or((MVal::Str(Vec::new()), 0));
        prop_assert!(expired(at, now), "key {:?} reclaimed but not expired", k);
    }
    Ok(gone.len())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut s = Shard::new();
    let mut m: Model = HashMap::new();
    let mut now = 1_000u64;
    let mut snap: Option<(SnapState, SnapState)> = None;
    for op in ops {
        match op {
            Op::Set(k, v) => {
                s.set(&key(k), Value::string(&v));
                m.insert(key(k), (MVal::Str(v), 0));
            }
            Op::SetList(k, v) => {
                let mv = MVal::List(v);
                s.set(&key(k), mv.value());
                m.insert(key(k), (mv, 0));
            }
            Op::SetWithExpire(k, v, d) => {
                let old = s.insert_with_expire(&key(k), Entry::new(Value::string(&v)), now + d);
                let mold = m.insert(key(k), (MVal::Str(v), now + d));
                prop_assert_eq!(old.map(|e| MVal::of(&e.value)), mold.map(|x| x.0));
            }
            Op::SetExpire(k, at) => {
                // Present physically, expired or not (callers look up first).
                let want = m.contains_key(&key(k));
                prop_assert_eq!(s.set_expire(&key(k), at), want);
                if let Some(e) = m.get_mut(&key(k)) {
                    e.1 = at;
                }
            }
            Op::Get(k) | Op::GetMut(k) | Op::Peek(k) => {
                let kk = key(k);
                let got = match op {
                    Op::Get(_) => s.get(&kk, now).map(|e| MVal::of(&e.value)),
                    Op::GetMut(_) => s.get_mut(&kk, now).map(|e| MVal::of(&e.value)),
                    _ => s.peek(&kk, now).map(|e| MVal::of(&e.value)),
                };
                let want = match m.get(&kk) {
                    Some((_, at)) if expired(*at, now) => {
                        // Lazy expiry reclaims it.
                        m.remove(&kk);
                        None
                    }
                    other => other.map(|x| x.0.clone()),
                };
                prop_assert_eq!(got, want);
            }
            Op::Remove(k) => {
                let got = s.remove(&key(k)).map(|e| MVal::of(&e.value));
                prop_assert_eq!(got, m.remove(&key(k)).map(|x| x.0));
            }
            Op::RemoveWithExpire(k) => {
                let got = s
                    .remove_with_expire(&key(k))
                    .map(|(e, at)| (MVal::of(&e.value), at));
                prop_assert_eq!(got, m.remove(&key(k)));
            }
            Op::Rename(a, b) => {
                let (ka, kb) = (key(a), key(b));
                let live = m.get(&ka).is_some_and(|(_, at)| !expired(*at, now));
                if s.contains(&ka, now) {
                    prop_assert!(live);
                    if let Some((e, at)) = s.remove_with_expire(&ka) {
                        s.remove(&kb);
                        s.insert_with_expire(&kb, e, at);
                    }
                    let x = m.remove(&ka);
                    m.remove(&kb);
                    if let Some(x) = x {
                        m.insert(kb, x);
                    }
                } else {
                    prop_assert!(!live);
                    m.remove(&ka);
                }
            }
            Op::Advance(d) => now += d,
            Op::ExpireStep(budget) => {
                let step = s.expire_step(now, budget);
                let gone = sync_reclaimed(&s, &mut m, now)?;
                prop_assert_eq!(step.expired, gone);
                prop_assert!(step.checked <= budget);
            }
            Op::RandomKey(seed) => {
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                let got = s.random_key(now, &mut rng);
                sync_reclaimed(&s, &mut m, now)?;
                match got {
                    Some(k) => prop_assert!(m
                        .get(k.as_slice())
                        .is_some_and(|(_, at)| !expired(*at, now))),
                    // Only when every draw hit an expired key, or none is left.
                    None => {
                        prop_assert!(m.values().all(|(_, at)| expired(*at, now)) || m.len() > 50)
                    }
                }
            }
            Op::Sample(volatile, seed) => {
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                let got = s
                    .sample(volatile, &mut rng)
                    .map(|(k, e, at)| (k.to_vec(), MVal::of(&e.value), at));
                match got {
                    None => {
                        let none = if volatile {
                            m.values().all(|x| x.1 == 0)
                        } else {
                            m.is_empty()
                        };
                        prop_assert!(none);
                    }
                    Some((k, v, at)) => {
                        prop_assert_eq!(m.get(&k), Some(&(v, at)));
                        prop_assert!(!volatile || at != 0);
                    }
                }
            }
            Op::Scan(count) => {
                let mut out = Vec::new();
                let mut pos = usize::MAX;
                loop {
                    pos = s.scan(pos, count, now, &mut out);
                    if pos == 0 {
                        break;
                    }
                }
                let got: HashSet<Vec<u8>> = out.into_iter().map(|(k, _)| k.to_vec()).collect();
                // A whole walk returns every live key and reclaims the rest.
                let live: HashSet<Vec<u8>> = m
                    .iter()
                    .filter(|(_, (_, at))| !expired(*at, now))
                    .map(|(k, _)| k.clone())
                    .collect();
                prop_assert_eq!(got, live);
                sync_reclaimed(&s, &mut m, now)?;
                prop_assert!(m.values().all(|(_, at)| !expired(*at, now)));
            }
            Op::Clear => {
                prop_assert_eq!(s.clear(), m.len());
                m.clear();
            }
            Op::SnapshotStart => {
                if snap.is_none() {
                    s.snapshot_start();
                    let want: SnapState = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    snap = Some((want, SnapState::new()));
                }
            }
            Op::SnapshotStep(budget) => {
                if let Some((want, got)) = &mut snap {
                    let mut step = Vec::new();
                    let (pres, done) = s
                        .snapshot_step(budget, |k, v, at| step.push((k.to_vec(), MVal::of(v), at)));
                    step.extend(
                        pres.into_iter()
                            .map(|(k, v, at)| (k.to_vec(), MVal::of(&v), at)),
                    );
                    for (k, v, at) in step {
                        prop_assert!(
                            got.insert(k.clone(), (v, at)).is_none(),
                            "{:?} written twice",
                            k
                        );
                    }
                    if done {
                        prop_assert_eq!(&*got, &*want);
                        snap = None;
                    }
                }
            }
        }
        check(&s, &m);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn shard_matches_model(ops in proptest::collection::vec(op(), 1..200)) {
        run(ops)?;
    }
}
