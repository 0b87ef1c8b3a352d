//! `StreamValue` against a vector of live entries, with consumer groups
//! against maps (PEL and per-consumer pending sets).

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use ferrodis_engine::stream::{Group, NodeLimits, StreamId, StreamValue, Trim};
use proptest::prelude::*;

use crate::{config, ok};

type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

#[derive(Debug, Clone)]
enum Op {
    /// XADD with the milliseconds `gap` above the last id (0: same ms,
    /// next sequence), through an explicit ms or the clock.
    Add(u64, bool, Pairs),
    AddMany(usize),
    /// XDEL of the live entry at this index, or of a made-up id.
    Delete(usize),
    TrimMaxLen(usize, bool, u64),
    TrimMinId(usize, bool, u64),
    Range(usize, usize, bool, usize),
    /// XSETID: 0 the last live entry, 1 a bit above it, 2 above last_id.
    SetId(u8),
    CreateGroup(u8, u8),
    ReadGroup(u8, u8, usize),
    Ack(u8, usize),
    Claim(u8, usize, u8, u64),
    DelConsumer(u8, u8),
}

fn pairs() -> impl Strategy<Value = Pairs> {
    let s = |n: usize| proptest::collection::vec(any::<u8>(), 0..n);
    prop_oneof![
        // The node's master fields: stored as values only.
        4 => s(8).prop_map(|v| vec![(b"f".to_vec(), v)]),
        2 => proptest::collection::vec((s(6), s(10)), 1..4),
        1 => (any::<u8>(), 100usize..600).prop_map(|(b, n)| vec![(b"f".to_vec(), vec![b; n])]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (0u64..3, any::<bool>(), pairs()).prop_map(|(g, c, p)| Op::Add(g, c, p)),
        1 => (0usize..150).prop_map(Op::AddMany),
        4 => (0usize..200).prop_map(Op::Delete),
        1 => (0usize..120, any::<bool>(), 0u64..60).prop_map(|(n, a, l)| Op::TrimMaxLen(n, a, l)),
        1 => (0usize..200, any::<bool>(), 0u64..60).prop_map(|(n, a, l)| Op::TrimMinId(n, a, l)),
        2 => (0usize..200, 0usize..200, any::<bool>(), 1usize..10)
            .prop_map(|(a, b, r, c)| Op::Range(a, b, r, c)),
        1 => (0u8..3).prop_map(Op::SetId),
        1 => (0u8..3, 0u8..3).prop_map(|(g, s)| Op::CreateGroup(g, s)),
        3 => (0u8..3, 0u8..3, 1usize..8).prop_map(|(g, c, n)| Op::ReadGroup(g, c, n)),
        2 => (0u8..3, 0usize..50).prop_map(|(g, i)| Op::Ack(g, i)),
        2 => (0u8..3, 0usize..50, 0u8..3, 0u64..3).prop_map(|(g, i, c, n)| Op::Claim(g, i, c, n)),
        1 => (0u8..3, 0u8..3).prop_map(|(g, c)| Op::DelConsumer(g, c)),
    ]
}

fn limits() -> impl Strategy<Value = NodeLimits> {
    prop_oneof![
        2 => Just(NodeLimits::default()),
        2 => (0usize..6, prop_oneof![Just(0usize), 20usize..300])
            .prop_map(|(e, b)| NodeLimits { max_bytes: b, max_entries: e }),
    ]
}

#[derive(Default, Debug)]
struct MGroup {
    last_id: StreamId,
    pel: BTreeMap<StreamId, (Bytes, u64)>,
    consumers: BTreeMap<Bytes, BTreeSet<StreamId>>,
}

#[derive(Default)]
struct Model {
    entries: Vec<(StreamId, Pairs)>,
    last_id: StreamId,
    max_deleted: StreamId,
    added: u64,
    groups: BTreeMap<Bytes, MGroup>,
}

fn gname(g: u8) -> Bytes {
    Bytes::from(format!("g{g}"))
}

fn cname(c: u8) -> Bytes {
    Bytes::from(format!("c{c}"))
}

fn fields_of(f: ferrodis_engine::stream::Fields<'_>) -> Pairs {
    f.iter().map(|(a, b)| (a.to_vec(), b.to_vec())).collect()
}

fn all(s: &StreamValue, rev: bool) -> Vec<(StreamId, Pairs)> {
    let mut v = Vec::new();
    s.range(StreamId::MIN, StreamId::MAX, rev, |id, f| {
        v.push((id, fields_of(f)));
        true
    });
    v
}

fn check(s: &StreamValue, m: &Model, lim: NodeLimits) {
    ok(s.check_invariants(lim));
    assert_eq!(s.len(), m.entries.len() as u64);
    assert_eq!(all(s, false), m.entries);
    let mut rev = all(s, true);
    rev.reverse();
    assert_eq!(rev, m.entries);
    assert_eq!(s.last_id, m.last_id);
    assert_eq!(s.max_deleted_id, m.max_deleted);
    assert_eq!(s.entries_added, m.added);
    assert_eq!(s.first_entry(), m.entries.first().map(|e| e.0));
    assert_eq!(s.last_entry(), m.entries.last().map(|e| e.0));
    assert_eq!(s.groups.len(), m.groups.len());
    for (name, mg) in &m.groups {
        let g: &Group = &s.groups[name];
        assert_eq!(g.last_id, mg.last_id);
        let pel: BTreeMap<StreamId, (Bytes, u64)> = g
            .pel
            .iter()
            .map(|(id, n)| (*id, (n.consumer.clone(), n.delivery_count)))
            .collect();
        assert_eq!(pel, mg.pel);
        let cons: BTreeMap<Bytes, BTreeSet<StreamId>> = g
            .consumers
            .iter()
            .map(|(c, v)| (c.clone(), v.pending.clone()))
            .collect();
        assert_eq!(cons, mg.consumers);
    }
}

/// A position in the id space around the entries: the id of live entry
/// `i`, or ids between and beyond them.
fn id_at(m: &Model, i: usize) -> StreamId {
    match m.entries.get(i / 2) {
        Some((id, _)) if i.is_multiple_of(2) => *id,
        Some((id, _)) => id.incr().unwrap_or(*id),
        None => StreamId::new(m.last_id.ms + (i as u64 % 3), i as u64),
    }
}

fn add(
    s: &mut StreamValue,
    m: &mut Model,
    gap: u64,
    clock: bool,
    p: &Pairs,
    lim: NodeLimits,
) -> Result<(), TestCaseError> {
    let ms = m.last_id.ms.saturating_add(gap);
    let want = if ms > m.last_id.ms {
        Some(StreamId::new(ms, 0))
    } else {
        m.last_id.incr()
    };
    let got = if clock {
        s.next_id(None, ms)
    } else {
        s.next_id(Some(ms), 0)
    };
    prop_assert_eq!(got, want);
    let Some(id) = got else { return Ok(()) };
    let pairs: Vec<(&[u8], &[u8])> = p.iter().map(|(a, b)| (&a[..], &b[..])).collect();
    s.append(id, &pairs, lim);
    m.entries.push((id, p.clone()));
    m.last_id = id;
    m.added += 1;
    Ok(())
}

fn run(lim: NodeLimits, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut s = StreamValue::new();
    let mut m = Model::default();
    let now = 1_000;
    for op in ops {
        match op {
            Op::Add(gap, clock, p) => add(&mut s, &mut m, gap, clock, &p, lim)?,
            Op::AddMany(n) => {
                for i in 0..n.min(1500usize.saturating_sub(m.entries.len())) {
                    let p = vec![(b"f".to_vec(), i.to_string().into_bytes())];
                    add(&mut s, &mut m, (i % 2) as u64, false, &p, lim)?;
                }
            }
            Op::Delete(i) => {
                let id = id_at(&m, i);
                let at = m.entries.iter().position(|e| e.0 == id);
                prop_assert_eq!(s.delete(id), at.is_some());
                if let Some(p) = at {
                    m.entries.remove(p);
                    m.max_deleted = m.max_deleted.max(id);
                }
            }
            Op::TrimMaxLen(max, approx, limit) => {
                let limit = if approx { limit } else { 0 };
                let r = s.trim(Trim::MaxLen(max as u64), approx, limit) as usize;
                if approx {
                    prop_assert!(m.entries.len() - r >= max.min(m.entries.len()));
                    prop_assert!(limit == 0 || r as u64 <= limit);
                } else {
                    prop_assert_eq!(r, m.entries.len().saturating_sub(max));
                }
                m.entries.drain(..r);
            }
            Op::TrimMinId(i, approx, limit) => {
                let min = id_at(&m, i);
                let limit = if approx { limit } else { 0 };
                let r = s.trim(Trim::MinId(min), approx, limit) as usize;
                let below = m.entries.iter().take_while(|e| e.0 < min).count();
                if approx {
                    prop_assert!(r <= below);
                    prop_assert!(limit == 0 || r as u64 <= limit);
                } else {
                    prop_assert_eq!(r, below);
                }
                m.entries.drain(..r);
            }
            Op::Range(a, b, rev, count) => {
                let (start, end) = (id_at(&m, a), id_at(&m, b));
                let mut got = Vec::new();
                s.range(start, end, rev, |id, f| {
                    got.push((id, fields_of(f)));
                    got.len() < count
                });
                let it = m
                    .entries
                    .iter()
                    .filter(|e| e.0 >= start && e.0 <= end)
                    .cloned();
                let want: Vec<_> = if rev {
                    it.rev().take(count).collect()
                } else {
                    it.take(count).collect()
                };
                prop_assert_eq!(got, want);
                let e = m.entries.iter().find(|e| e.0 == start);
                prop_assert_eq!(s.get(start, fields_of), e.map(|e| e.1.clone()));
                prop_assert_eq!(s.contains(start), e.is_some());
            }
            Op::SetId(how) => {
                // XSETID's rule: not below the last live entry.
                let floor = m.entries.last().map_or(StreamId::MIN, |e| e.0);
                let id = match how {
                    0 => floor,
                    1 => StreamId::new(floor.ms, floor.seq + 1),
                    _ => StreamId::new(m.last_id.ms + 3, 0),
                };
                s.last_id = id;
                m.last_id = id;
            }
            Op::CreateGroup(g, start) => {
                let name = gname(g);
                if !m.groups.contains_key(&name) {
                    let last = match start {
                        0 => StreamId::MIN,
                        1 => m.last_id,
                        // Any id is accepted, even past the stream's end.
                        _ => StreamId::new(m.last_id.ms + 7, 0),
                    };
                    s.groups.insert(name.clone(), Group::new(last, 0));
                    m.groups.insert(
                        name,
                        MGroup {
                            last_id: last,
                            ..Default::default()
                        },
                    );
                }
            }
            Op::ReadGroup(g, c, count) => {
                let (name, cn) = (gname(g), cname(c));
                let Some(mg) = m.groups.get_mut(&name) else {
                    continue;
                };
                // XREADGROUP >: the next entries after the group's last id.
                let ids: Vec<StreamId> = m
                    .entries
                    .iter()
                    .map(|e| e.0)
                    .filter(|&id| id > mg.last_id)
                    .take(count)
                    .collect();
                let mut got = Vec::new();
                if let Some(start) = mg.last_id.incr() {
                    s.range(start, StreamId::MAX, false, |id, _| {
                        got.push(id);
                        got.len() < count
                    });
                }
                prop_assert_eq!(&got, &ids);
                mg.consumers.entry(cn.clone()).or_default();
                if let Some(gr) = s.groups.get_mut(&name) {
                    gr.consumer(&cn, now);
                }
                for id in ids {
                    if let Some((old, _)) = mg.pel.insert(id, (cn.clone(), 1)) {
                        if let Some(p) = mg.consumers.get_mut(&old) {
                            p.remove(&id);
                        }
                    }
                    mg.consumers.entry(cn.clone()).or_default().insert(id);
                    mg.last_id = mg.last_id.max(id);
                    if let Some(gr) = s.groups.get_mut(&name) {
                        gr.deliver(id, &cn, now, 1);
                    }
                    s.advance_group(&name, id);
                }
            }
            Op::Ack(g, i) => {
                let name = gname(g);
                let Some(mg) = m.groups.get_mut(&name) else {
                    continue;
                };
                let id = mg
                    .pel
                    .keys()
                    .nth(i)
                    .copied()
                    .unwrap_or(StreamId::new(i as u64, 9));
                let want = match mg.pel.remove(&id) {
                    Some((c, _)) => {
                        if let Some(p) = mg.consumers.get_mut(&c) {
                            p.remove(&id);
                        }
                        true
                    }
                    None => false,
                };
                let got = s.groups.get_mut(&name).is_some_and(|gr| gr.ack(id));
                prop_assert_eq!(got, want);
            }
            Op::Claim(g, i, c, count) => {
                let (name, cn) = (gname(g), cname(c));
                let Some(mg) = m.groups.get_mut(&name) else {
                    continue;
                };
                let Some(id) = mg.pel.keys().nth(i).copied() else {
                    continue;
                };
                if let Some((old, _)) = mg.pel.insert(id, (cn.clone(), count)) {
                    if let Some(p) = mg.consumers.get_mut(&old) {
                        p.remove(&id);
                    }
                }
                mg.consumers.entry(cn.clone()).or_default().insert(id);
                if let Some(gr) = s.groups.get_mut(&name) {
                    gr.consumer(&cn, now);
                    // RETRYCOUNT may set any count, 0 included.
                    gr.deliver(id, &cn, now, count);
                }
            }
            Op::DelConsumer(g, c) => {
                let (name, cn) = (gname(g), cname(c));
                let Some(mg) = m.groups.get_mut(&name) else {
                    continue;
                };
                let want = mg.consumers.remove(&cn).map(|p| {
                    for id in &p {
                        mg.pel.remove(id);
                    }
                    p.len()
                });
                let got = s
                    .groups
                    .get_mut(&name)
                    .and_then(|gr| gr.remove_consumer(&cn));
                prop_assert_eq!(got, want);
            }
        }
        check(&s, &m, lim);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn stream_matches_model(lim in limits(), ops in proptest::collection::vec(op(), 1..200)) {
        run(lim, ops)?;
    }
}
