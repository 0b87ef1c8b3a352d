//! Stream values (XADD and friends): entries keyed by 128-bit ids, and
//! consumer groups with their pending-entries lists.
//!
//! Layout, like Redis's listpack-per-radix-node design: entries live in
//! *nodes* kept in a `BTreeMap` keyed by the node's master id (the id of
//! the first entry ever appended to it). A node is one byte buffer of
//! entries, appended until it holds stream-node-max-entries entries
//! (deleted ones included) or the next entry would take it to
//! stream-node-max-bytes (`NodeLimits`; Redis's defaults are 100 / 4096). Each entry is
//! `[flags][ms - master.ms varint][seq varint][payload len varint][payload]`;
//! when its field names equal the node's master field names (the first
//! entry's) the payload is only the values (flag `SAME_FIELDS`), otherwise
//! `[n][field][value]...`. Strings are `[len varint][bytes]`. Deleting an
//! entry sets its `DELETED` flag in place; a node whose entries are all
//! deleted is dropped. So a stream of uniform small messages costs a few
//! bytes of overhead per entry, and approximate trimming removes whole
//! nodes, as in Redis.
//!
//! Invariants: a node is keyed by its first entry's id and no entry of it
//! is below that; live entries' ids strictly increase through the nodes
//! and within each node; `length` counts live entries; `last_id` is the
//! highest id ever added (or set by XSETID), never below any live entry;
//! every node holds at least one live entry. Deleted entries are not
//! ordered: XSETID may lower `last_id` below a deleted entry (Redis allows
//! it, down to the last live one), and later entries follow it in the
//! same node. Groups: each PEL entry's consumer exists and lists the id in
//! its own PEL, and vice versa. Neither a group's last id (XGROUP SETID
//! takes any id) nor a delivery count (XCLAIM RETRYCOUNT 0) is bounded.

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

/// Redis's default stream-node-max-entries.
pub const NODE_MAX_ENTRIES: usize = 100;
/// Redis's default stream-node-max-bytes.
pub const NODE_MAX_BYTES: usize = 4096;

/// When a node stops taking entries (stream-node-max-bytes / -entries;
/// 0 means no limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLimits {
    pub max_bytes: usize,
    pub max_entries: usize,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            max_bytes: NODE_MAX_BYTES,
            max_entries: NODE_MAX_ENTRIES,
        }
    }
}

const DELETED: u8 = 1;
const SAME_FIELDS: u8 = 2;

/// A stream entry id: milliseconds and sequence, ordered as a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The next id in order, or None at the maximum.
    pub fn incr(self) -> Option<StreamId> {
        if self.seq < u64::MAX {
            Some(StreamId::new(self.ms, self.seq + 1))
        } else if self.ms < u64::MAX {
            Some(StreamId::new(self.ms + 1, 0))
        } else {
            None
        }
    }

    /// The previous id in order, or None at zero.
    pub fn decr(self) -> Option<StreamId> {
        if self.seq > 0 {
            Some(StreamId::new(self.ms, self.seq - 1))
        } else if self.ms > 0 {
            Some(StreamId::new(self.ms - 1, u64::MAX))
        } else {
            None
        }
    }

    pub fn is_zero(self) -> bool {
        self == StreamId::MIN
    }

    /// "ms-seq".
    pub fn to_bytes(self) -> Bytes {
        Bytes::from(format!("{}-{}", self.ms, self.seq))
    }

    /// Parses "ms" or "ms-seq" (decimal, no sign); `missing_seq` fills an
    /// absent sequence. "-" and "+" are the extremes.
    pub fn parse(b: &[u8], missing_seq: u64) -> Option<StreamId> {
        if b == b"-" {
            return Some(StreamId::MIN);
        }
        if b == b"+" {
            return Some(StreamId::MAX);
        }
        match b.iter().position(|&c| c == b'-') {
            None => Some(StreamId::new(parse_u64(b)?, missing_seq)),
            Some(i) => Some(StreamId::new(parse_u64(&b[..i])?, parse_u64(&b[i + 1..])?)),
        }
    }
}

/// An unsigned decimal as Redis's string2ull accepts it (digits only).
fn parse_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 20 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&c) = b.get(*pos) {
        *pos += 1;
        v |= u64::from(c & 0x7f) << shift;
        if c & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    v
}

fn put_str(out: &mut Vec<u8>, s: &[u8]) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s);
}

fn get_str<'a>(b: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let n = get_varint(b, pos) as usize;
    let end = (*pos + n).min(b.len());
    let s = &b[*pos..end];
    *pos = end;
    s
}

/// One entry's field/value pairs, borrowed from its node.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    /// The node's master field names (`[n][name]...`) when the entry uses
    /// them, else None and `payload` starts with its own count.
    master: Option<&'a [u8]>,
    payload: &'a [u8],
}

impl<'a> Fields<'a> {
    /// Number of field/value pairs.
    pub fn len(&self) -> usize {
        let mut p = 0;
        get_varint(self.master.unwrap_or(self.payload), &mut p) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pairs in insertion order.
    pub fn iter(&self) -> FieldIter<'a> {
        let mut vp = 0;
        let mut np = 0;
        let n = match self.master {
            Some(m) => get_varint(m, &mut np) as usize,
            None => get_varint(self.payload, &mut vp) as usize,
        };
        FieldIter {
            master: self.master,
            mp: np,
            payload: self.payload,
            vp,
            left: n,
        }
    }
}

pub struct FieldIter<'a> {
    master: Option<&'a [u8]>,
    mp: usize,
    payload: &'a [u8],
    vp: usize,
    left: usize,
}

impl<'a> Iterator for FieldIter<'a> {
    type Item = (&'a [u8], &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let f = match self.master {
            Some(m) => get_str(m, &mut self.mp),
            None => get_str(self.payload, &mut self.vp),
        };
        let v = get_str(self.payload, &mut self.vp);
        Some((f, v))
    }
}

/// A run of entries sharing one buffer (see the module comment).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    master: StreamId,
    master_fields: Box<[u8]>,
    buf: Vec<u8>,
    /// Entries in `buf`, deleted ones included.
    count: usize,
    live: usize,
}

/// A decoded entry header: where it is in its node.
struct Slot<'a> {
    id: StreamId,
    flags_at: usize,
    fields: Fields<'a>,
    deleted: bool,
}

impl Node {
    fn slots(&self) -> SlotIter<'_> {
        SlotIter { node: self, pos: 0 }
    }

    fn append(&mut self, id: StreamId, pairs: &[(&[u8], &[u8])]) {
        let same = names_equal(&self.master_fields, pairs);
        let mut payload = Vec::new();
        if !same {
            put_varint(&mut payload, pairs.len() as u64);
        }
        for (f, v) in pairs {
            if !same {
                put_str(&mut payload, f);
            }
            put_str(&mut payload, v);
        }
        self.buf.push(if same { SAME_FIELDS } else { 0 });
        put_varint(&mut self.buf, id.ms - self.master.ms);
        put_varint(&mut self.buf, id.seq);
        put_varint(&mut self.buf, payload.len() as u64);
        self.buf.extend_from_slice(&payload);
        self.count += 1;
        self.live += 1;
    }

    fn bytes(&self) -> usize {
        self.buf.len() + self.master_fields.len()
    }
}

fn names_equal(master: &[u8], pairs: &[(&[u8], &[u8])]) -> bool {
    let mut p = 0;
    if get_varint(master, &mut p) as usize != pairs.len() {
        return false;
    }
    pairs.iter().all(|(f, _)| get_str(master, &mut p) == *f)
}

fn pack_names(pairs: &[(&[u8], &[u8])]) -> Box<[u8]> {
    let mut m = Vec::new();
    put_varint(&mut m, pairs.len() as u64);
    for (f, _) in pairs {
        put_str(&mut m, f);
    }
    m.into_boxed_slice()
}

struct SlotIter<'a> {
    node: &'a Node,
    pos: usize,
}

impl<'a> Iterator for SlotIter<'a> {
    type Item = Slot<'a>;
    fn next(&mut self) -> Option<Slot<'a>> {
        let b = &self.node.buf;
        if self.pos >= b.len() {
            return None;
        }
        let flags_at = self.pos;
        let flags = b[self.pos];
        self.pos += 1;
        let ms = self.node.master.ms + get_varint(b, &mut self.pos);
        let seq = get_varint(b, &mut self.pos);
        let n = get_varint(b, &mut self.pos) as usize;
        let end = (self.pos + n).min(b.len());
        let payload = &b[self.pos..end];
        self.pos = end;
        Some(Slot {
            id: StreamId::new(ms, seq),
            flags_at,
            fields: Fields {
                master: (flags & SAME_FIELDS != 0).then_some(&self.node.master_fields[..]),
                payload,
            },
            deleted: flags & DELETED != 0,
        })
    }
}

/// A pending entry: delivered to `consumer`, not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nack {
    pub consumer: Bytes,
    pub delivery_time: u64,
    pub delivery_count: u64,
}

/// A consumer of a group. `pending` mirrors the group's PEL entries that
/// name this consumer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consumer {
    pub seen_time: u64,
    pub pending: BTreeSet<StreamId>,
}

/// The value of `entries_read` when it is not known.
pub const ENTRIES_READ_INVALID: i64 = -1;

/// A consumer group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    pub last_id: StreamId,
    /// Logical read counter (ENTRIESREAD), or `ENTRIES_READ_INVALID`.
    pub entries_read: i64,
    pub pel: BTreeMap<StreamId, Nack>,
    pub consumers: BTreeMap<Bytes, Consumer>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            ..Group::default()
        }
    }

    /// The consumer, created (seen now) when absent; true when created.
    pub fn consumer(&mut self, name: &[u8], now: u64) -> (&mut Consumer, bool) {
        let created = !self.consumers.contains_key(name);
        let c = self
            .consumers
            .entry(Bytes::copy_from_slice(name))
            .or_insert_with(|| Consumer {
                seen_time: now,
                pending: BTreeSet::new(),
            });
        (c, created)
    }

    /// Removes a PEL entry from the group and its consumer; true if present.
    pub fn ack(&mut self, id: StreamId) -> bool {
        match self.pel.remove(&id) {
            Some(n) => {
                if let Some(c) = self.consumers.get_mut(&n.consumer) {
                    c.pending.remove(&id);
                }
                true
            }
            None => false,
        }
    }

    /// Records `id` as delivered to `consumer` now (a new PEL entry, or an
    /// existing one moved and its count bumped as XCLAIM does).
    pub fn deliver(&mut self, id: StreamId, consumer: &Bytes, now: u64, count: u64) {
        if let Some(old) = self.pel.get(&id).map(|n| n.consumer.clone()) {
            if let Some(c) = self.consumers.get_mut(&old) {
                c.pending.remove(&id);
            }
        }
        self.pel.insert(
            id,
            Nack {
                consumer: consumer.clone(),
                delivery_time: now,
                delivery_count: count,
            },
        );
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pending.insert(id);
        }
    }

    /// Deletes a consumer and its pending entries; returns how many it had.
    pub fn remove_consumer(&mut self, name: &[u8]) -> Option<usize> {
        let c = self.consumers.remove(name)?;
        for id in &c.pending {
            self.pel.remove(id);
        }
        Some(c.pending.len())
    }
}

/// How XADD / XTRIM trim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

/// A stream value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamValue {
    nodes: BTreeMap<StreamId, Node>,
    length: u64,
    pub last_id: StreamId,
    /// The first live entry's id at the time it was recorded (RDB field).
    pub first_id: StreamId,
    pub max_deleted_id: StreamId,
    pub entries_added: u64,
    pub groups: BTreeMap<Bytes, Group>,
}

impl StreamValue {
    pub fn new() -> StreamValue {
        StreamValue::default()
    }

    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Number of nodes (XINFO's radix-tree-keys).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Appends an entry with `id` (the caller checked it is above
    /// `last_id`). Pairs must be non-empty.
    pub fn append(&mut self, id: StreamId, pairs: &[(&[u8], &[u8])], lim: NodeLimits) {
        // As Redis decides: a new node when this entry's strings would take
        // the node to the byte limit, or the node has its entry count.
        let new_bytes: usize = pairs.iter().map(|(f, v)| f.len() + v.len()).sum();
        let max_bytes = match lim.max_bytes {
            0 => 1 << 30,
            b => b.min(1 << 30),
        };
        let fits = self.nodes.last_key_value().is_some_and(|(_, n)| {
            (lim.max_entries == 0 || n.count < lim.max_entries) && n.bytes() + new_bytes < max_bytes
        });
        if !fits {
            if let Some(mut last) = self.nodes.last_entry() {
                last.get_mut().buf.shrink_to_fit();
            }
            self.nodes.insert(
                id,
                Node {
                    master: id,
                    master_fields: pack_names(pairs),
                    buf: Vec::new(),
                    count: 0,
                    live: 0,
                },
            );
        }
        if let Some(mut last) = self.nodes.last_entry() {
            last.get_mut().append(id, pairs);
        }
        if self.length == 0 {
            self.first_id = id;
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
    }

    /// Appends an entry as loaded from a dump (ids may be given in order by
    /// the caller; counters are restored separately).
    pub fn load_append(&mut self, id: StreamId, pairs: &[(&[u8], &[u8])]) {
        let (added, last) = (self.entries_added, self.last_id);
        self.append(id, pairs, NodeLimits::default());
        self.entries_added = added;
        if last > id {
            self.last_id = last;
        }
    }

    /// Visits entries with ids in `start..=end`, ascending or descending,
    /// until `f` returns false.
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        mut f: impl FnMut(StreamId, Fields<'_>) -> bool,
    ) {
        if start > end {
            return;
        }
        // The node holding `start` begins at or before it.
        let first_key = self
            .nodes
            .range(..=start)
            .next_back()
            .map_or(start, |(k, _)| *k);
        let nodes = self.nodes.range(first_key..=end);
        if !rev {
            for (_, node) in nodes {
                for s in node.slots() {
                    if s.deleted || s.id < start {
                        continue;
                    }
                    if s.id > end || !f(s.id, s.fields) {
                        return;
                    }
                }
            }
        } else {
            let mut slots = Vec::new();
            for (_, node) in nodes.rev() {
                slots.clear();
                slots.extend(node.slots().filter(|s| !s.deleted));
                for s in slots.iter().rev() {
                    if s.id > end {
                        continue;
                    }
                    if s.id < start || !f(s.id, s.fields) {
                        return;
                    }
                }
            }
        }
    }

    /// The first live entry's id.
    pub fn first_entry(&self) -> Option<StreamId> {
        let mut out = None;
        self.range(StreamId::MIN, StreamId::MAX, false, |id, _| {
            out = Some(id);
            false
        });
        out
    }

    /// The last live entry's id.
    pub fn last_entry(&self) -> Option<StreamId> {
        let mut out = None;
        self.range(StreamId::MIN, StreamId::MAX, true, |id, _| {
            out = Some(id);
            false
        });
        out
    }

    /// Runs `f` on the entry `id`, if it is live.
    pub fn get<R>(&self, id: StreamId, f: impl FnOnce(Fields<'_>) -> R) -> Option<R> {
        let mut f = Some(f);
        let mut out = None;
        self.range(id, id, false, |_, fields| {
            if let Some(f) = f.take() {
                out = Some(f(fields));
            }
            false
        });
        out
    }

    pub fn contains(&self, id: StreamId) -> bool {
        self.get(id, |_| ()).is_some()
    }

    /// Deletes the entry `id`; true if it was live.
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((&key, node)) = self.nodes.range_mut(..=id).next_back() else {
            return false;
        };
        let Some(at) = node
            .slots()
            .find(|s| s.id == id && !s.deleted)
            .map(|s| s.flags_at)
        else {
            return false;
        };
        node.buf[at] |= DELETED;
        node.live -= 1;
        if node.live == 0 {
            self.nodes.remove(&key);
        }
        self.length -= 1;
        if id > self.max_deleted_id {
            self.max_deleted_id = id;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if id == self.first_id {
            self.first_id = self.first_entry().unwrap_or_default();
        }
        true
    }

    /// Trims by length or minimum id. With `approx`, only whole nodes go
    /// (and at most `limit` entries, 0 meaning no limit); otherwise single
    /// entries too. Returns the number of entries removed.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: u64) -> u64 {
        let mut removed = 0u64;
        while let Some((&key, node)) = self.nodes.first_key_value() {
            let live = node.live as u64;
            let whole = match how {
                Trim::MaxLen(max) => self.length - live >= max,
                Trim::MinId(min) => node.slots().all(|s| s.deleted || s.id < min),
            };
            if self.length == 0 || matches!(how, Trim::MaxLen(m) if self.length <= m) {
                break;
            }
            if whole {
                if limit != 0 && removed + node.count as u64 > limit {
                    break;
                }
                self.nodes.remove(&key);
                self.length -= live;
                removed += live;
                continue;
            }
            if approx {
                break;
            }
            // Delete single entries from the first node.
            let mut del = Vec::new();
            let mut left = self.length;
            for s in node.slots() {
                if s.deleted {
                    continue;
                }
                let go = match how {
                    Trim::MaxLen(max) => left > max,
                    Trim::MinId(min) => s.id < min,
                };
                if !go {
                    break;
                }
                del.push(s.flags_at);
                left -= 1;
            }
            if let Some(node) = self.nodes.get_mut(&key) {
                for at in &del {
                    node.buf[*at] |= DELETED;
                }
                node.live -= del.len();
            }
            self.length -= del.len() as u64;
            removed += del.len() as u64;
            break;
        }
        if removed > 0 {
            self.first_id = self.first_entry().unwrap_or_default();
        }
        removed
    }

    /// Estimated logical position of `id` in the history of added entries
    /// (XINFO's entries-read and lag), or `ENTRIES_READ_INVALID` when it
    /// cannot be known because deletions fragment the stream.
    pub fn estimate_entries_read(&self, id: StreamId) -> i64 {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return 0;
        }
        if self.length == 0 && id <= self.last_id {
            return added;
        }
        if id == self.last_id {
            return added;
        }
        if id > self.last_id {
            return ENTRIES_READ_INVALID;
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            if id < self.first_id {
                return added - self.length as i64;
            }
            if id == self.first_id {
                return added - self.length as i64 + 1;
            }
        }
        ENTRIES_READ_INVALID
    }

    /// Whether a deleted entry may lie within `start..=end` (so a read
    /// counter cannot simply count entries).
    pub fn range_has_tombstones(&self, start: StreamId, end: StreamId) -> bool {
        if self.length == 0 || self.max_deleted_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            return false;
        }
        start <= self.max_deleted_id && self.max_deleted_id <= end
    }

    /// A group's lag (XINFO GROUPS), None when unknown.
    pub fn group_lag(&self, g: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != ENTRIES_READ_INVALID
            && !self.range_has_tombstones(g.last_id, StreamId::MAX)
        {
            return Some(self.entries_added as i64 - g.entries_read);
        }
        let read = self.estimate_entries_read(g.last_id);
        (read != ENTRIES_READ_INVALID).then(|| self.entries_added as i64 - read)
    }

    /// Advances a group past `id` (delivered with `>`), keeping its read
    /// counter as Redis does.
    pub fn advance_group(&mut self, group: &[u8], id: StreamId) {
        let estimate = self.estimate_entries_read(id);
        let tomb = self.range_has_tombstones(id, StreamId::MAX);
        let added = self.entries_added;
        if let Some(g) = self.groups.get_mut(group) {
            if id > g.last_id {
                if g.entries_read != ENTRIES_READ_INVALID && !tomb {
                    g.entries_read += 1;
                } else if added > 0 {
                    g.entries_read = estimate;
                }
                g.last_id = id;
            }
        }
    }

    /// Approximate heap bytes (MEMORY USAGE).
    pub fn heap_size(&self) -> usize {
        let nodes: usize = self
            .nodes
            .values()
            .map(|n| n.buf.capacity() + n.master_fields.len() + 64)
            .sum();
        let groups: usize = self
            .groups
            .iter()
            .map(|(k, g)| {
                k.len()
                    + 64
                    + g.pel.len() * 64
                    + g.consumers
                        .iter()
                        .map(|(c, v)| c.len() + 48 + v.pending.len() * 24)
                        .sum::<usize>()
            })
            .sum();
        nodes + groups + std::mem::size_of::<StreamValue>()
    }

    /// The next automatic id after `last_id` at time `now` (or with the
    /// given milliseconds), None when the stream is exhausted.
    pub fn next_id(&self, ms: Option<u64>, now: u64) -> Option<StreamId> {
        match ms {
            None => {
                if now > self.last_id.ms {
                    Some(StreamId::new(now, 0))
                } else {
                    self.last_id.incr()
                }
            }
            Some(ms) => {
                if ms > self.last_id.ms {
                    Some(StreamId::new(ms, 0))
                } else if ms == self.last_id.ms {
                    (self.last_id.seq < u64::MAX).then(|| StreamId::new(ms, self.last_id.seq + 1))
                } else {
                    None
                }
            }
        }
    }

    /// Checks the invariants in the module comment, decoding every node
    /// without trusting it, and that nodes were filled within `lim` (the
    /// limits in force for every append; entries loaded from a dump use
    /// the defaults, and a caller that changed them passes the loosest or
    /// `NodeLimits { max_bytes: 0, max_entries: 0 }`).
    pub fn check_invariants(&self, lim: NodeLimits) -> Result<(), String> {
        fn varint(b: &[u8], pos: &mut usize) -> Option<u64> {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let c = *b.get(*pos)?;
                *pos += 1;
                if shift >= 64 {
                    return None;
                }
                v |= u64::from(c & 0x7f) << shift;
                if c & 0x80 == 0 {
                    return Some(v);
                }
                shift += 7;
            }
        }
        // The length of one string at `pos`, which must fit.
        fn string(b: &[u8], pos: &mut usize) -> Option<usize> {
            let n = usize::try_from(varint(b, pos)?).ok()?;
            let end = pos.checked_add(n).filter(|&e| e <= b.len())?;
            *pos = end;
            Some(n)
        }
        // Total bytes of `count` strings from `pos`, which must end at the
        // end of `b`.
        fn strings(b: &[u8], mut pos: usize, count: u64) -> Option<usize> {
            let mut total = 0usize;
            for _ in 0..count {
                total += string(b, &mut pos)?;
            }
            (pos == b.len()).then_some(total)
        }
        let max_bytes = match lim.max_bytes {
            0 => 1 << 30,
            b => b.min(1 << 30),
        };
        let mut live_total = 0u64;
        let mut prev_live: Option<StreamId> = None;
        for (&key, node) in &self.nodes {
            let at = |what: String| format!("stream node {}-{}: {what}", key.ms, key.seq);
            if node.master != key {
                return Err(at(format!(
                    "master id {}-{}",
                    node.master.ms, node.master.seq
                )));
            }
            let mf = &node.master_fields[..];
            let mut p = 0;
            let nfields = varint(mf, &mut p).ok_or_else(|| at("bad master fields".into()))?;
            let master_bytes =
                strings(mf, p, nfields).ok_or_else(|| at("bad master fields".into()))?;
            if nfields == 0 {
                return Err(at("no master field".into()));
            }
            let b = &node.buf;
            let mut pos = 0;
            let (mut count, mut live) = (0usize, 0usize);
            while pos < b.len() {
                let entry_at = pos;
                let bad = |k: usize| at(format!("entry {k} malformed"));
                let flags = b[pos];
                pos += 1;
                if flags & !(DELETED | SAME_FIELDS) != 0 {
                    return Err(bad(count));
                }
                let dms = varint(b, &mut pos).ok_or_else(|| bad(count))?;
                let seq = varint(b, &mut pos).ok_or_else(|| bad(count))?;
                let plen = varint(b, &mut pos)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| bad(count))?;
                let end = pos
                    .checked_add(plen)
                    .filter(|&e| e <= b.len())
                    .ok_or_else(|| bad(count))?;
                let payload = &b[pos..end];
                pos = end;
                let ms = key.ms.checked_add(dms).ok_or_else(|| bad(count))?;
                let id = StreamId::new(ms, seq);
                // The strings' bytes, as `append` weighs an entry.
                let weight = if flags & SAME_FIELDS != 0 {
                    strings(payload, 0, nfields).map(|v| v + master_bytes)
                } else {
                    let mut q = 0;
                    varint(payload, &mut q)
                        .filter(|&n| n > 0)
                        .and_then(|n| strings(payload, q, n.checked_mul(2)?))
                }
                .ok_or_else(|| bad(count))?;
                if count == 0 && id != key {
                    return Err(at(format!("first entry is {}-{}", id.ms, id.seq)));
                }
                if id < key {
                    return Err(at(format!("entry {}-{} below the master", id.ms, id.seq)));
                }
                if count > 0 {
                    if lim.max_entries != 0 && count >= lim.max_entries {
                        return Err(at(format!(
                            "more than stream-node-max-entries {}",
                            lim.max_entries
                        )));
                    }
                    if entry_at + mf.len() + weight >= max_bytes {
                        return Err(at(format!(
                            "entry {count} appended past stream-node-max-bytes {}",
                            lim.max_bytes
                        )));
                    }
                }
                if flags & DELETED == 0 {
                    if prev_live.is_some_and(|p| p >= id) {
                        return Err(at(format!(
                            "live entry {}-{} not above the previous live one",
                            id.ms, id.seq
                        )));
                    }
                    if id > self.last_id {
                        return Err(at(format!(
                            "live entry {}-{} above last id {}-{}",
                            id.ms, id.seq, self.last_id.ms, self.last_id.seq
                        )));
                    }
                    prev_live = Some(id);
                    live += 1;
                }
                count += 1;
            }
            if count != node.count || live != node.live {
                return Err(at(format!(
                    "counts {}/{} (all/live), holds {count}/{live}",
                    node.count, node.live
                )));
            }
            if live == 0 {
                return Err(at("no live entry".into()));
            }
            live_total += live as u64;
        }
        if live_total != self.length {
            return Err(format!(
                "stream: length {} but {live_total} live entries",
                self.length
            ));
        }
        if self.entries_added < self.length {
            return Err(format!(
                "stream: entries_added {} below length {}",
                self.entries_added, self.length
            ));
        }
        let first = self.first_entry().unwrap_or_default();
        if self.first_id != first {
            return Err(format!(
                "stream: recorded first id {}-{}, first entry {}-{}",
                self.first_id.ms, self.first_id.seq, first.ms, first.seq
            ));
        }
        for (gname, g) in &self.groups {
            let gn = String::from_utf8_lossy(gname);
            for (id, nack) in &g.pel {
                let owner = g.consumers.get(&nack.consumer);
                if !owner.is_some_and(|c| c.pending.contains(id)) {
                    return Err(format!(
                        "stream group {gn:?}: PEL entry {}-{} not in consumer {:?}'s PEL",
                        id.ms,
                        id.seq,
                        String::from_utf8_lossy(&nack.consumer)
                    ));
                }
            }
            for (cname, c) in &g.consumers {
                for id in &c.pending {
                    if g.pel.get(id).is_none_or(|n| n.consumer != cname) {
                        return Err(format!(
                            "stream group {gn:?}: consumer {:?}'s pending {}-{} not in the PEL under its name",
                            String::from_utf8_lossy(cname),
                            id.ms,
                            id.seq
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Visits every node as (master id, live entries), for dump writers.
    pub fn nodes(&self) -> impl Iterator<Item = StreamNodeRef<'_>> {
        self.nodes.values().map(|n| StreamNodeRef { node: n })
    }
}

/// A node seen from outside (RDB writers).
pub struct StreamNodeRef<'a> {
    node: &'a Node,
}

impl<'a> StreamNodeRef<'a> {
    pub fn master(&self) -> StreamId {
        self.node.master
    }

    /// Live and deleted entries in order: (id, deleted, pairs).
    pub fn entries(&self) -> impl Iterator<Item = (StreamId, bool, Fields<'a>)> {
        self.node.slots().map(|s| (s.id, s.deleted, s.fields))
    }

    pub fn live(&self) -> usize {
        self.node.live
    }

    pub fn count(&self) -> usize {
        self.node.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId::new(ms, seq)
    }

    fn ids(s: &StreamValue, rev: bool) -> Vec<StreamId> {
        let mut v = Vec::new();
        s.range(StreamId::MIN, StreamId::MAX, rev, |i, _| {
            v.push(i);
            true
        });
        v
    }

    #[test]
    fn parse_ids() {
        assert_eq!(StreamId::parse(b"1-2", 0), Some(id(1, 2)));
        assert_eq!(StreamId::parse(b"5", 7), Some(id(5, 7)));
        assert_eq!(StreamId::parse(b"-", 0), Some(StreamId::MIN));
        assert_eq!(StreamId::parse(b"+", 0), Some(StreamId::MAX));
        assert_eq!(StreamId::parse(b"1-", 0), None);
        assert_eq!(StreamId::parse(b"-1", 0), None);
        assert_eq!(StreamId::parse(b"a", 0), None);
        assert_eq!(StreamId::parse(b"18446744073709551616", 0), None);
        assert_eq!(id(1, u64::MAX).incr(), Some(id(2, 0)));
        assert_eq!(StreamId::MAX.incr(), None);
        assert_eq!(id(2, 0).decr(), Some(id(1, u64::MAX)));
    }

    #[test]
    fn append_range_delete() {
        let mut s = StreamValue::new();
        for i in 1..=250u64 {
            let v = i.to_string();
            let pairs: Vec<(&[u8], &[u8])> = if i % 7 == 0 {
                vec![(b"other", v.as_bytes()), (b"x", b"y")]
            } else {
                vec![(b"f", v.as_bytes())]
            };
            s.append(id(i, 0), &pairs, NodeLimits::default());
        }
        assert_eq!(s.len(), 250);
        assert_eq!(s.node_count(), 3);
        assert_eq!(ids(&s, false).len(), 250);
        let r = ids(&s, true);
        assert_eq!(r[0], id(250, 0));
        assert_eq!(r[249], id(1, 0));
        let mut got = Vec::new();
        s.range(id(99, 0), id(102, 0), false, |i, f| {
            got.push((
                i,
                f.iter()
                    .map(|(a, b)| (a.to_vec(), b.to_vec()))
                    .collect::<Vec<_>>(),
            ));
            true
        });
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].1, vec![(b"f".to_vec(), b"99".to_vec())]);
        assert_eq!(
            s.get(id(105, 0), |f| f.iter().next().map(|p| p.0.to_vec())),
            Some(Some(b"other".to_vec()))
        );
        assert!(s.delete(id(101, 0)));
        assert!(!s.delete(id(101, 0)));
        assert!(!s.contains(id(101, 0)));
        assert_eq!(s.len(), 249);
        assert_eq!(s.max_deleted_id, id(101, 0));
        for i in 1..=100 {
            s.delete(id(i, 0));
        }
        assert_eq!(s.node_count(), 2);
        assert_eq!(s.first_id, id(102, 0));
    }

    #[test]
    fn trimming() {
        let mut s = StreamValue::new();
        for i in 1..=250u64 {
            s.append(id(i, 0), &[(b"f", b"v")], NodeLimits::default());
        }
        assert_eq!(s.trim(Trim::MaxLen(180), true, 0), 0);
        assert_eq!(s.trim(Trim::MaxLen(150), true, 0), 100);
        assert_eq!(s.trim(Trim::MaxLen(120), false, 0), 30);
        assert_eq!(s.len(), 120);
        assert_eq!(s.first_entry(), Some(id(131, 0)));
        assert_eq!(s.trim(Trim::MinId(id(200, 0)), false, 0), 69);
        assert_eq!(s.first_entry(), Some(id(200, 0)));
        assert_eq!(s.trim(Trim::MaxLen(0), false, 0), 51);
        assert!(s.is_empty());
        assert_eq!(s.last_id, id(250, 0));
    }

    #[test]
    fn pel() {
        let mut g = Group::new(StreamId::MIN, 0);
        let a = Bytes::from_static(b"a");
        let b = Bytes::from_static(b"b");
        g.consumer(b"a", 1);
        g.consumer(b"b", 1);
        g.deliver(id(1, 0), &a, 10, 1);
        g.deliver(id(2, 0), &a, 10, 1);
        g.deliver(id(1, 0), &b, 20, 2);
        assert_eq!(g.consumers[&a].pending.len(), 1);
        assert_eq!(g.consumers[&b].pending.len(), 1);
        assert!(g.ack(id(2, 0)));
        assert!(!g.ack(id(2, 0)));
        assert_eq!(g.remove_consumer(b"b"), Some(1));
        assert!(g.pel.is_empty());
    }

    #[test]
    fn next_ids() {
        let mut s = StreamValue::new();
        assert_eq!(s.next_id(None, 5), Some(id(5, 0)));
        s.append(id(5, 3), &[(b"f", b"v")], NodeLimits::default());
        assert_eq!(s.next_id(None, 5), Some(id(5, 4)));
        assert_eq!(s.next_id(Some(5), 0), Some(id(5, 4)));
        assert_eq!(s.next_id(Some(4), 0), None);
        assert_eq!(s.next_id(Some(6), 0), Some(id(6, 0)));
    }

    #[test]
    fn invariant_check_catches_corruption() {
        let lim = NodeLimits::default();
        let mut s = StreamValue::new();
        for i in 1..=5 {
            s.append(id(i, 0), &[(b"f", b"v")], lim);
        }
        let c = Bytes::from_static(b"c");
        let mut g = Group::new(StreamId::MIN, 0);
        g.consumer(b"c", 0);
        g.deliver(id(1, 0), &c, 0, 1);
        s.groups.insert(Bytes::from_static(b"g"), g.clone());
        assert_eq!(s.check_invariants(lim), Ok(()));
        // Nodes filled past smaller limits.
        let tight = NodeLimits {
            max_bytes: 0,
            max_entries: 2,
        };
        assert!(s
            .check_invariants(tight)
            .unwrap_err()
            .contains("max-entries"));
        // A PEL entry its consumer does not list.
        g.pel.insert(
            id(2, 0),
            Nack {
                consumer: c.clone(),
                delivery_time: 0,
                delivery_count: 1,
            },
        );
        s.groups.insert(Bytes::from_static(b"g"), g);
        assert!(s.check_invariants(lim).unwrap_err().contains("PEL"));
        s.groups.clear();
        s.length += 1;
        assert!(s.check_invariants(lim).unwrap_err().contains("length"));
        s.length -= 1;
        s.last_id = id(4, 0);
        assert!(s
            .check_invariants(lim)
            .unwrap_err()
            .contains("above last id"));
    }
}
