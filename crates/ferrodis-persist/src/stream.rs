//! Streams in the RDB format: type 19 (what Redis 7.0 writes) and the
//! older type 15 on load.
//!
//! The value is: the node count; per node its master id as a 16-byte
//! big-endian key and a listpack (a master entry — live count, deleted
//! count, the master field names, a 0 terminator — then per entry its
//! flags, ms and seq differences from the master id, the values alone when
//! the entry has the master's field names or else a field count and the
//! pairs, and an element count); then length, last id, (type 19) first id,
//! max deleted id and entries added; then the groups with their PELs
//! (16-byte ids, 8-byte delivery times, counts) and consumers.

use std::borrow::Cow;

use bytes::Bytes;
use ferrodis_engine::stream::{Group, Nack, StreamId, StreamValue, ENTRIES_READ_INVALID};

use crate::blobs::{self, Elem, ListpackBuilder};
use crate::rdb::{Cursor, Encoder};
use crate::RdbError;

pub const T_STREAM_LISTPACKS: u8 = 15;
pub const T_STREAM_LISTPACKS_2: u8 = 19;

/// A field and its value, borrowed from the listpack or formatted.
type Pair<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

const FLAG_DELETED: i64 = 1;
const FLAG_SAME_FIELDS: i64 = 2;

fn id_key(id: StreamId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&id.ms.to_be_bytes());
    k[8..].copy_from_slice(&id.seq.to_be_bytes());
    k
}

fn key_id(b: &[u8]) -> Option<StreamId> {
    if b.len() != 16 {
        return None;
    }
    let ms = u64::from_be_bytes(b[..8].try_into().ok()?);
    let seq = u64::from_be_bytes(b[8..].try_into().ok()?);
    Some(StreamId::new(ms, seq))
}

/// Writes a stream value (type byte included) as Redis 7.0 does.
pub fn encode(e: &mut Encoder, s: &StreamValue) {
    e.byte(T_STREAM_LISTPACKS_2);
    let nodes: Vec<_> = s.nodes().collect();
    e.len(nodes.len() as u64);
    for n in &nodes {
        let master = n.master();
        let mut lp = ListpackBuilder::new();
        let mut entries = n.entries();
        // The master fields are the first entry's (deleted or not).
        let first = n.entries().next();
        let master_names: Vec<&[u8]> = first
            .map(|(_, _, f)| f.iter().map(|(k, _)| k).collect())
            .unwrap_or_default();
        lp.push_int(n.live() as i64);
        lp.push_int((n.count() - n.live()) as i64);
        lp.push_int(master_names.len() as i64);
        for f in &master_names {
            lp.push(f);
        }
        lp.push_int(0);
        for (id, deleted, fields) in entries.by_ref() {
            let same = fields.len() == master_names.len()
                && fields.iter().zip(&master_names).all(|((a, _), b)| a == *b);
            let mut flags = 0;
            if deleted {
                flags |= FLAG_DELETED;
            }
            if same {
                flags |= FLAG_SAME_FIELDS;
            }
            lp.push_int(flags);
            lp.push_int(id.ms.wrapping_sub(master.ms) as i64);
            lp.push_int(id.seq.wrapping_sub(master.seq) as i64);
            let nf = fields.len() as i64;
            if same {
                for (_, v) in fields.iter() {
                    lp.push(v);
                }
                lp.push_int(nf + 3);
            } else {
                lp.push_int(nf);
                for (k, v) in fields.iter() {
                    lp.push(k);
                    lp.push(v);
                }
                lp.push_int(2 * nf + 4);
            }
        }
        e.string(&id_key(master));
        e.string(&lp.finish());
    }
    e.len(s.len());
    e.len(s.last_id.ms);
    e.len(s.last_id.seq);
    let first = s.first_entry().unwrap_or_default();
    e.len(first.ms);
    e.len(first.seq);
    e.len(s.max_deleted_id.ms);
    e.len(s.max_deleted_id.seq);
    e.len(s.entries_added);
    e.len(s.groups.len() as u64);
    for (name, g) in &s.groups {
        e.string(name);
        e.len(g.last_id.ms);
        e.len(g.last_id.seq);
        e.len(g.entries_read as u64);
        e.len(g.pel.len() as u64);
        for (id, n) in &g.pel {
            e.raw(&id_key(*id));
            e.raw(&n.delivery_time.to_le_bytes());
            e.len(n.delivery_count);
        }
        e.len(g.consumers.len() as u64);
        for (cname, c) in &g.consumers {
            e.string(cname);
            e.raw(&c.seen_time.to_le_bytes());
            e.len(c.pending.len() as u64);
            for id in &c.pending {
                e.raw(&id_key(*id));
            }
        }
    }
}

fn int_of(e: &Elem<'_>) -> Option<i64> {
    match e {
        Elem::Int(i) => Some(*i),
        Elem::Bytes(b) => blobs::as_int(b),
    }
}

fn bytes_of<'a>(e: &'a Elem<'a>) -> Cow<'a, [u8]> {
    match e {
        Elem::Bytes(b) => Cow::Borrowed(b),
        Elem::Int(i) => Cow::Owned(i.to_string().into_bytes()),
    }
}

/// Reads a stream value of type 15 or 19 (the type byte already read).
pub(crate) fn decode(c: &mut Cursor<'_>, ty: u8) -> Result<StreamValue, RdbError> {
    let bad = |what: &'static str| RdbError::Corrupt(what);
    let mut s = StreamValue::new();
    let mut prev: Option<StreamId> = None;
    let nodes = c.count()?;
    for _ in 0..nodes {
        let key = c.string()?;
        let master = key_id(&key).ok_or(bad("stream node key"))?;
        let blob = c.string()?;
        let elems = blobs::listpack_elems(&blob)?;
        if elems.is_empty() {
            return Err(bad("empty stream listpack"));
        }
        let mut it = elems.iter();
        let next_int = |it: &mut std::slice::Iter<'_, Elem<'_>>| {
            it.next().and_then(int_of).ok_or(bad("stream listpack"))
        };
        let _live = next_int(&mut it)?;
        let _deleted = next_int(&mut it)?;
        let nmaster = usize::try_from(next_int(&mut it)?).map_err(|_| bad("field count"))?;
        let mut names = Vec::with_capacity(nmaster.min(elems.len()));
        for _ in 0..nmaster {
            names.push(bytes_of(it.next().ok_or(bad("master field"))?));
        }
        next_int(&mut it)?; // master terminator
        while it.len() > 0 {
            let flags = next_int(&mut it)?;
            let ms = master.ms.wrapping_add(next_int(&mut it)? as u64);
            let seq = master.seq.wrapping_add(next_int(&mut it)? as u64);
            let id = StreamId::new(ms, seq);
            let mut pairs: Vec<Pair<'_>> = Vec::new();
            if flags & FLAG_SAME_FIELDS != 0 {
                for n in &names {
                    let v = bytes_of(it.next().ok_or(bad("stream value"))?);
                    pairs.push((n.clone(), v));
                }
            } else {
                let nf = usize::try_from(next_int(&mut it)?).map_err(|_| bad("field count"))?;
                for _ in 0..nf {
                    let f = bytes_of(it.next().ok_or(bad("stream field"))?);
                    let v = bytes_of(it.next().ok_or(bad("stream value"))?);
                    pairs.push((f, v));
                }
            }
            next_int(&mut it)?; // lp-count
            if flags & FLAG_DELETED == 0 {
                if pairs.is_empty() {
                    return Err(bad("stream entry without fields"));
                }
                if prev.is_some_and(|p| p >= id) {
                    return Err(bad("stream ids out of order"));
                }
                prev = Some(id);
                let refs: Vec<(&[u8], &[u8])> =
                    pairs.iter().map(|(f, v)| (&f[..], &v[..])).collect();
                s.load_append(id, &refs);
            }
        }
    }
    let length = c.len()?;
    if length != s.len() {
        return Err(bad("stream length mismatch"));
    }
    s.last_id = StreamId::new(c.len()?, c.len()?);
    if ty == T_STREAM_LISTPACKS_2 {
        let _first = StreamId::new(c.len()?, c.len()?);
        s.max_deleted_id = StreamId::new(c.len()?, c.len()?);
        s.entries_added = c.len()?;
    } else {
        s.entries_added = s.len();
    }
    s.first_id = s.first_entry().unwrap_or_default();
    if prev.is_some_and(|l| l > s.last_id) {
        return Err(bad("stream last id below an entry"));
    }
    let ngroups = c.count()?;
    for _ in 0..ngroups {
        let name = Bytes::copy_from_slice(&c.string()?);
        let last_id = StreamId::new(c.len()?, c.len()?);
        let entries_read = if ty == T_STREAM_LISTPACKS_2 {
            c.len()? as i64
        } else {
            s.estimate_entries_read(last_id)
        };
        let mut g = Group::new(last_id, entries_read.max(ENTRIES_READ_INVALID));
        let npel = c.count()?;
        for _ in 0..npel {
            let id = key_id(c.take(16)?).ok_or(bad("pel id"))?;
            let t = u64::from_le_bytes(c.take(8)?.try_into().map_err(|_| bad("pel time"))?);
            let n = c.len()?;
            g.pel.insert(
                id,
                Nack {
                    consumer: Bytes::new(),
                    delivery_time: t,
                    delivery_count: n,
                },
            );
        }
        let ncons = c.count()?;
        for _ in 0..ncons {
            let cname = Bytes::copy_from_slice(&c.string()?);
            let seen = u64::from_le_bytes(c.take(8)?.try_into().map_err(|_| bad("seen time"))?);
            let (cons, _) = g.consumer(&cname, seen);
            cons.seen_time = seen;
            let n = c.count()?;
            let mut ids = Vec::with_capacity(n);
            for _ in 0..n {
                ids.push(key_id(c.take(16)?).ok_or(bad("consumer pel id"))?);
            }
            for id in ids {
                let nack = g
                    .pel
                    .get_mut(&id)
                    .ok_or(bad("consumer pel entry not in group pel"))?;
                if !nack.consumer.is_empty() {
                    return Err(bad("pel entry owned twice"));
                }
                nack.consumer = cname.clone();
                if let Some(cons) = g.consumers.get_mut(&cname) {
                    cons.pending.insert(id);
                }
            }
        }
        if g.pel.values().any(|n| n.consumer.is_empty()) {
            return Err(bad("pel entry without a consumer"));
        }
        s.groups.insert(name, g);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::{dump_payload, restore_payload, LoadLimits};
    use ferrodis_engine::Value;

    #[test]
    fn stream_round_trips_through_a_payload() {
        let mut s = StreamValue::new();
        for i in 1..=250u64 {
            let v = i.to_string();
            let pairs: Vec<(&[u8], &[u8])> = if i % 9 == 0 {
                vec![(b"other", v.as_bytes())]
            } else {
                vec![(b"f", v.as_bytes()), (b"n", b"-5")]
            };
            s.append(StreamId::new(i, i % 4), &pairs, Default::default());
        }
        s.delete(StreamId::new(3, 3));
        s.delete(StreamId::new(120, 0));
        let mut g = Group::new(StreamId::new(10, 2), 10);
        let alice = Bytes::from_static(b"alice");
        g.consumer(b"alice", 77);
        g.consumer(b"idle", 78);
        g.deliver(StreamId::new(5, 1), &alice, 1000, 3);
        s.groups.insert(Bytes::from_static(b"grp"), g);
        let v = Value::Stream(Box::new(s));
        let back = restore_payload(&dump_payload(&v), &LoadLimits::default()).unwrap();
        let (Value::Stream(a), Value::Stream(b)) = (&v, &back) else {
            panic!("not a stream");
        };
        let ids = |s: &StreamValue| {
            let mut out = Vec::new();
            s.range(StreamId::MIN, StreamId::MAX, false, |id, f| {
                out.push((
                    id,
                    f.iter()
                        .map(|(k, v)| (k.to_vec(), v.to_vec()))
                        .collect::<Vec<_>>(),
                ));
                true
            });
            out
        };
        assert_eq!(ids(a), ids(b));
        assert_eq!(a.len(), b.len());
        assert_eq!(
            (a.last_id, a.max_deleted_id, a.entries_added),
            (b.last_id, b.max_deleted_id, b.entries_added)
        );
        assert_eq!(a.groups, b.groups);
    }
}
