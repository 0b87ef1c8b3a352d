//! `ListValue`: the list type, a quicklist-like chain of packed nodes.
//!
//! Each node is one contiguous byte buffer holding its elements back to
//! back, listpack-style: `[len varint][bytes][len varint, reversed]`, so a
//! node can be walked from either end. The trailing length is written so
//! that it can be decoded backwards: its lowest-addressed byte has the high
//! bit clear and every later byte has it set; reading from the end, bytes
//! carry the low groups first.
//!
//! Nodes are kept in a `VecDeque`, so pushing and popping at either end of
//! the list touches one node: O(1) apart from the node-local memmove that
//! Redis's listpacks also pay. A node keeps spare room at its front (`head`)
//! so repeated LPUSHes do not move the whole node each time.
//!
//! Node size follows Redis's `list-max-listpack-size` ("fill"), taken when
//! the list is created: negative values -1..-5 cap a node at 4, 8, 16, 32
//! or 64 KB of packed bytes; a positive value caps the element count (and,
//! as in Redis, 8 KB of bytes as a safety limit). A single element larger
//! than the limit gets a node of its own.
//!
//! Invariants: `len` is the sum of the nodes' counts; no node is empty; in
//! every node, `buf[head..]` is a sequence of exactly `count` well-formed
//! entries. Redis 7.0 reports every list as `quicklist`.

use std::collections::VecDeque;

/// Bytes of a node beyond which a positive fill also stops growing it.
const SIZE_SAFETY_LIMIT: usize = 8192;

fn varint_len(mut n: usize) -> usize {
    let mut l = 1;
    while n >= 0x80 {
        n >>= 7;
        l += 1;
    }
    l
}

/// Encoded size of an element of `n` bytes.
fn entry_size(n: usize) -> usize {
    2 * varint_len(n) + n
}

/// Appends the encoding of `data` to `out`.
fn encode_entry(out: &mut Vec<u8>, data: &[u8]) {
    let n = data.len();
    // Forward length: little-endian groups, continuation bit on all but the last.
    let mut v = n;
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out.extend_from_slice(data);
    // Backward length: the most significant group first (bit clear), then
    // the lower groups with the bit set, the lowest group last.
    let m = varint_len(n);
    for i in (0..m).rev() {
        let g = ((n >> (7 * i)) & 0x7f) as u8;
        out.push(if i == m - 1 { g } else { g | 0x80 });
    }
}

/// Decodes the entry starting at `pos`: (data start, data end, next entry).
#[inline]
fn read_fwd(buf: &[u8], pos: usize) -> (usize, usize, usize) {
    let mut n = 0usize;
    let mut shift = 0;
    let mut p = pos;
    loop {
        let b = buf[p];
        p += 1;
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let end = p + n;
    (p, end, end + varint_len(n))
}

/// Decodes the entry ending (exclusively) at `end`: (entry start, data
/// start, data end).
#[inline]
fn read_back(buf: &[u8], end: usize) -> (usize, usize, usize) {
    let mut n = 0usize;
    let mut shift = 0;
    let mut p = end;
    loop {
        p -= 1;
        let b = buf[p];
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let data_end = p;
    let data_start = data_end - n;
    (data_start - varint_len(n), data_start, data_end)
}

/// One packed node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Node {
    buf: Vec<u8>,
    head: usize,
    count: u32,
}

impl Node {
    fn with(data: &[u8]) -> Node {
        let mut buf = Vec::with_capacity(entry_size(data.len()));
        encode_entry(&mut buf, data);
        Node {
            buf,
            head: 0,
            count: 1,
        }
    }

    fn bytes(&self) -> usize {
        self.buf.len() - self.head
    }

    fn push_back(&mut self, data: &[u8]) {
        encode_entry(&mut self.buf, data);
        self.count += 1;
    }

    fn push_front(&mut self, data: &[u8]) {
        let n = entry_size(data.len());
        if self.head < n {
            // Grow the room in front geometrically (amortized O(1)).
            let live = self.bytes();
            let room = n + live.max(32);
            let mut nb = Vec::with_capacity(room + live);
            nb.resize(room, 0);
            nb.extend_from_slice(&self.buf[self.head..]);
            self.buf = nb;
            self.head = room;
        }
        let start = self.head - n;
        let mut tmp = Vec::with_capacity(n);
        encode_entry(&mut tmp, data);
        self.buf[start..self.head].copy_from_slice(&tmp);
        self.head = start;
        self.count += 1;
    }

    fn front(&self) -> &[u8] {
        let (s, e, _) = read_fwd(&self.buf, self.head);
        &self.buf[s..e]
    }

    fn back(&self) -> &[u8] {
        let (_, s, e) = read_back(&self.buf, self.buf.len());
        &self.buf[s..e]
    }

    fn pop_front(&mut self) {
        let (_, _, next) = read_fwd(&self.buf, self.head);
        self.head = next;
        self.count -= 1;
    }

    fn pop_back(&mut self) {
        let (start, _, _) = read_back(&self.buf, self.buf.len());
        self.buf.truncate(start);
        self.count -= 1;
    }

    /// Offset of the start of entry `k` (0-based), walking from the nearer end.
    fn offset_of(&self, k: usize) -> usize {
        let count = self.count as usize;
        if k <= count / 2 {
            let mut p = self.head;
            for _ in 0..k {
                p = read_fwd(&self.buf, p).2;
            }
            p
        } else {
            let mut p = self.buf.len();
            for _ in 0..count - k {
                p = read_back(&self.buf, p).0;
            }
            p
        }
    }

    /// Drops spare capacity (front room and tail slack).
    fn compact(&mut self) {
        if self.head > 0 || self.buf.capacity() > self.buf.len() + self.buf.len() / 8 + 16 {
            self.buf = self.buf[self.head..].to_vec();
            self.head = 0;
        }
    }

    /// Rebuilds the node from the entries whose index `keep` accepts.
    fn retain_entries(&mut self, mut keep: impl FnMut(usize, &[u8]) -> bool) {
        let mut out = Vec::with_capacity(self.bytes());
        let mut p = self.head;
        let mut i = 0;
        let mut count = 0;
        while p < self.buf.len() {
            let (s, e, next) = read_fwd(&self.buf, p);
            if keep(i, &self.buf[s..e]) {
                out.extend_from_slice(&self.buf[p..next]);
                count += 1;
            }
            p = next;
            i += 1;
        }
        self.buf = out;
        self.head = 0;
        self.count = count;
    }

    /// Splits off the entries from index `k` on into a new node.
    fn split_off(&mut self, k: usize) -> Node {
        let off = self.offset_of(k);
        let tail = self.buf[off..].to_vec();
        self.buf.truncate(off);
        let moved = self.count - k as u32;
        self.count = k as u32;
        self.compact();
        Node {
            buf: tail,
            head: 0,
            count: moved,
        }
    }
}

/// A position inside a list: node index and the byte offset of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    node: usize,
    off: usize,
}

/// A Redis list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListValue {
    nodes: VecDeque<Node>,
    len: usize,
    fill: i32,
}

impl Default for ListValue {
    fn default() -> Self {
        ListValue::new(-2)
    }
}

/// Which end of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

impl ListValue {
    /// An empty list whose nodes follow `fill` (list-max-listpack-size).
    pub fn new(fill: i64) -> ListValue {
        ListValue {
            nodes: VecDeque::new(),
            len: 0,
            fill: fill.clamp(-5, (1 << 15) - 1) as i32,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of nodes (for tests and memory estimates).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Heap bytes held (an estimate for memory accounting).
    pub fn heap_size(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.nodes.iter().map(|n| n.buf.capacity()).sum::<usize>()
    }

    /// Whether a node may take `add` more encoded bytes.
    fn allows(&self, node: &Node, add: usize) -> bool {
        if node.count == 0 {
            return true;
        }
        let new = node.bytes() + add;
        if self.fill < 0 {
            let level = ((-self.fill) - 1).min(4) as u32;
            new <= 4096usize << level
        } else {
            new <= SIZE_SAFETY_LIMIT && (node.count as i64) < self.fill as i64
        }
    }

    /// Whether a node is over its limit (after an insertion in the middle).
    fn overfull(&self, node: &Node) -> bool {
        if node.count <= 1 {
            return false;
        }
        if self.fill < 0 {
            let level = ((-self.fill) - 1).min(4) as u32;
            node.bytes() > 4096usize << level
        } else {
            node.bytes() > SIZE_SAFETY_LIMIT || node.count as i64 > self.fill.max(1) as i64
        }
    }

    pub fn push(&mut self, end: End, data: &[u8]) {
        match end {
            End::Head => self.push_front(data),
            End::Tail => self.push_back(data),
        }
    }

    pub fn push_back(&mut self, data: &[u8]) {
        let add = entry_size(data.len());
        match self.nodes.back() {
            Some(n) if self.allows(n, add) => {
                if let Some(n) = self.nodes.back_mut() {
                    n.push_back(data);
                }
            }
            _ => {
                if let Some(n) = self.nodes.back_mut() {
                    n.compact();
                }
                self.nodes.push_back(Node::with(data));
            }
        }
        self.len += 1;
    }

    pub fn push_front(&mut self, data: &[u8]) {
        let add = entry_size(data.len());
        match self.nodes.front() {
            Some(n) if self.allows(n, add) => {
                if let Some(n) = self.nodes.front_mut() {
                    n.push_front(data);
                }
            }
            _ => {
                if let Some(n) = self.nodes.front_mut() {
                    n.compact();
                }
                self.nodes.push_front(Node::with(data));
            }
        }
        self.len += 1;
    }

    /// The element at one end.
    pub fn peek(&self, end: End) -> Option<&[u8]> {
        match end {
            End::Head => self.nodes.front().map(Node::front),
            End::Tail => self.nodes.back().map(Node::back),
        }
    }

    /// Removes the element at one end (see `peek` to read it first).
    pub fn drop_one(&mut self, end: End) -> bool {
        match end {
            End::Head => {
                let Some(n) = self.nodes.front_mut() else {
                    return false;
                };
                n.pop_front();
                if n.count == 0 {
                    self.nodes.pop_front();
                }
            }
            End::Tail => {
                let Some(n) = self.nodes.back_mut() else {
                    return false;
                };
                n.pop_back();
                if n.count == 0 {
                    self.nodes.pop_back();
                }
            }
        }
        self.len -= 1;
        true
    }

    /// Removes and returns the element at one end.
    pub fn pop(&mut self, end: End) -> Option<Vec<u8>> {
        let v = self.peek(end)?.to_vec();
        self.drop_one(end);
        Some(v)
    }

    /// Removes `n` elements from the head (fewer if the list is shorter).
    pub fn remove_front(&mut self, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(node) = self.nodes.front_mut() else {
                break;
            };
            if node.count as usize <= n {
                n -= node.count as usize;
                self.nodes.pop_front();
            } else {
                for _ in 0..n {
                    node.pop_front();
                }
                n = 0;
            }
        }
    }

    /// Removes `n` elements from the tail (fewer if the list is shorter).
    pub fn remove_back(&mut self, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(node) = self.nodes.back_mut() else {
                break;
            };
            if node.count as usize <= n {
                n -= node.count as usize;
                self.nodes.pop_back();
            } else {
                for _ in 0..n {
                    node.pop_back();
                }
                n = 0;
            }
        }
    }

    /// The cursor of element `index` (0-based, `index < len`), walking
    /// nodes from the nearer end.
    fn locate(&self, index: usize) -> Cursor {
        let (node, k) = if index <= self.len / 2 {
            let mut i = index;
            let mut ni = 0;
            for n in self.nodes.iter() {
                if i < n.count as usize {
                    break;
                }
                i -= n.count as usize;
                ni += 1;
            }
            (ni, i)
        } else {
            // Count from the tail: element `from_end` (1-based) from the back.
            let mut from_end = self.len - index;
            let mut ni = self.nodes.len();
            for n in self.nodes.iter().rev() {
                ni -= 1;
                if from_end <= n.count as usize {
                    break;
                }
                from_end -= n.count as usize;
            }
            (ni, self.nodes[ni].count as usize - from_end)
        };
        Cursor {
            node,
            off: self.nodes[node].offset_of(k),
        }
    }

    /// Converts a Redis index (negative counts from the tail) to a 0-based
    /// position, or None when out of range.
    pub fn resolve_index(&self, index: i64) -> Option<usize> {
        let len = self.len as i64;
        let i = if index < 0 { len + index } else { index };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// The element at 0-based `index`.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        if index >= self.len {
            return None;
        }
        let c = self.locate(index);
        let node = &self.nodes[c.node];
        let (s, e, _) = read_fwd(&node.buf, c.off);
        Some(&node.buf[s..e])
    }

    /// Replaces the element at 0-based `index`; false if out of range.
    pub fn set(&mut self, index: usize, data: &[u8]) -> bool {
        if index >= self.len {
            return false;
        }
        let c = self.locate(index);
        let node = &mut self.nodes[c.node];
        let (_, _, next) = read_fwd(&node.buf, c.off);
        let mut enc = Vec::with_capacity(entry_size(data.len()));
        encode_entry(&mut enc, data);
        node.buf.splice(c.off..next, enc);
        self.fix_overfull(c.node);
        true
    }

    /// Inserts `data` next to the entry at `c` (before or after it).
    fn insert_at(&mut self, c: Cursor, after: bool, data: &[u8]) {
        let node = &mut self.nodes[c.node];
        let at = if after {
            read_fwd(&node.buf, c.off).2
        } else {
            c.off
        };
        let mut enc = Vec::with_capacity(entry_size(data.len()));
        encode_entry(&mut enc, data);
        node.buf.splice(at..at, enc);
        node.count += 1;
        self.len += 1;
        self.fix_overfull(c.node);
    }

    /// Splits node `i` in halves while it is over its limit.
    fn fix_overfull(&mut self, i: usize) {
        if !self.overfull(&self.nodes[i]) {
            return;
        }
        let half = self.nodes[i].count as usize / 2;
        let tail = self.nodes[i].split_off(half);
        self.nodes.insert(i + 1, tail);
        self.fix_overfull(i + 1);
        self.fix_overfull(i);
    }

    /// LINSERT: inserts `data` before or after the first element equal to
    /// `pivot` (searching from the head). False if there is no pivot.
    pub fn insert_by_pivot(&mut self, pivot: &[u8], after: bool, data: &[u8]) -> bool {
        let mut found = None;
        'outer: for (ni, node) in self.nodes.iter().enumerate() {
            let mut p = node.head;
            while p < node.buf.len() {
                let (s, e, next) = read_fwd(&node.buf, p);
                if &node.buf[s..e] == pivot {
                    found = Some(Cursor { node: ni, off: p });
                    break 'outer;
                }
                p = next;
            }
        }
        match found {
            Some(c) => {
                self.insert_at(c, after, data);
                true
            }
            None => false,
        }
    }

    /// LREM: removes up to `count` elements equal to `elem` (all when 0),
    /// from the head when `count > 0`, from the tail when negative.
    /// Returns how many were removed.
    pub fn remove_matching(&mut self, elem: &[u8], count: i64) -> usize {
        let limit = if count == 0 {
            usize::MAX
        } else {
            count.unsigned_abs().min(usize::MAX as u64) as usize
        };
        let from_tail = count < 0;
        let mut removed = 0;
        let n = self.nodes.len();
        for step in 0..n {
            if removed >= limit {
                break;
            }
            let ni = if from_tail { n - 1 - step } else { step };
            let node = &self.nodes[ni];
            // Indexes of matches in this node, in walking order.
            let mut hits = Vec::new();
            let mut p = node.head;
            let mut i = 0;
            while p < node.buf.len() {
                let (s, e, next) = read_fwd(&node.buf, p);
                if &node.buf[s..e] == elem {
                    hits.push(i);
                }
                p = next;
                i += 1;
            }
            if hits.is_empty() {
                continue;
            }
            let room = limit - removed;
            if hits.len() > room {
                if from_tail {
                    hits.drain(..hits.len() - room);
                } else {
                    hits.truncate(room);
                }
            }
            removed += hits.len();
            let mut h = 0;
            self.nodes[ni].retain_entries(|i, _| {
                if h < hits.len() && hits[h] == i {
                    h += 1;
                    false
                } else {
                    true
                }
            });
        }
        if removed > 0 {
            self.len -= removed;
            self.nodes.retain(|n| n.count > 0);
            self.merge_small_nodes();
        }
        removed
    }

    /// Merges neighbouring nodes that fit together (after deletions).
    fn merge_small_nodes(&mut self) {
        let mut i = 0;
        while i + 1 < self.nodes.len() {
            let next_bytes = self.nodes[i + 1].bytes();
            let next_count = self.nodes[i + 1].count;
            let fits = self.allows_merge(&self.nodes[i], next_bytes, next_count);
            if fits {
                let Some(next) = self.nodes.remove(i + 1) else {
                    break;
                };
                let a = &mut self.nodes[i];
                if a.head > 0 {
                    a.buf.drain(..a.head);
                    a.head = 0;
                }
                a.buf.extend_from_slice(&next.buf[next.head..]);
                a.count += next.count;
            } else {
                i += 1;
            }
        }
    }

    fn allows_merge(&self, a: &Node, add_bytes: usize, add_count: u32) -> bool {
        let bytes = a.bytes() + add_bytes;
        if self.fill < 0 {
            let level = ((-self.fill) - 1).min(4) as u32;
            bytes <= 4096usize << level
        } else {
            bytes <= SIZE_SAFETY_LIMIT && (a.count + add_count) as i64 <= self.fill as i64
        }
    }

    /// Iterates from the head (or, with `rev`, from the tail) starting at
    /// 0-based `index` counted from that end.
    pub fn iter_from(&self, index: usize, rev: bool) -> Iter<'_> {
        if index >= self.len {
            return Iter {
                list: self,
                node: 0,
                pos: 0,
                remaining: 0,
                rev,
            };
        }
        if rev {
            let fwd_index = self.len - 1 - index;
            let c = self.locate(fwd_index);
            let end = read_fwd(&self.nodes[c.node].buf, c.off).2;
            Iter {
                list: self,
                node: c.node,
                pos: end,
                remaining: self.len - index,
                rev,
            }
        } else {
            let c = self.locate(index);
            Iter {
                list: self,
                node: c.node,
                pos: c.off,
                remaining: self.len - index,
                rev,
            }
        }
    }

    /// All elements from the head.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0, false)
    }

    /// Checks the invariants in the module comment, decoding every entry
    /// both ways without trusting it, and that no node of several elements
    /// is over the size `fill` allows. Emptiness is the keyspace's rule,
    /// checked by `Shard`.
    pub fn check_invariants(&self) -> Result<(), String> {
        if !(-5..=(1 << 15) - 1).contains(&self.fill) {
            return Err(format!("list: fill {} out of range", self.fill));
        }
        let mut total = 0usize;
        for (ni, node) in self.nodes.iter().enumerate() {
            if node.count == 0 {
                return Err(format!("list: node {ni} is empty"));
            }
            let buf = &node.buf;
            if node.head > buf.len() {
                return Err(format!("list: node {ni}'s head is past its end"));
            }
            let mut p = node.head;
            let mut seen = 0usize;
            while p < buf.len() {
                let (n, after) = crate::listpack::checked_varint(buf, p)
                    .map_err(|e| format!("list: node {ni} entry {seen}: {e}"))?;
                p = after;
                let data_end = p.checked_add(n).filter(|&e| e <= buf.len());
                let next = data_end.and_then(|e| e.checked_add(varint_len(n)));
                let (Some(data_end), Some(next)) = (data_end, next.filter(|&x| x <= buf.len()))
                else {
                    return Err(format!("list: node {ni} entry {seen}: runs past the end"));
                };
                // The backward length must read as the forward one does.
                let m = varint_len(n);
                for (j, i) in (0..m).rev().enumerate() {
                    let g = ((n >> (7 * i)) & 0x7f) as u8;
                    let want = if i == m - 1 { g } else { g | 0x80 };
                    if buf[data_end + j] != want {
                        return Err(format!(
                            "list: node {ni} entry {seen}: backward length differs"
                        ));
                    }
                }
                p = next;
                seen += 1;
            }
            if seen != node.count as usize {
                return Err(format!(
                    "list: node {ni} counts {} entries, holds {seen}",
                    node.count
                ));
            }
            if self.overfull(node) {
                return Err(format!(
                    "list: node {ni} ({} entries, {} bytes) over fill {}",
                    node.count,
                    node.bytes(),
                    self.fill
                ));
            }
            total += seen;
        }
        if total != self.len {
            return Err(format!("list: len {} but nodes hold {total}", self.len));
        }
        Ok(())
    }

    /// Builds a list of the given elements, in order.
    pub fn from_elements<'a>(fill: i64, items: impl IntoIterator<Item = &'a [u8]>) -> ListValue {
        let mut l = ListValue::new(fill);
        for i in items {
            l.push_back(i);
        }
        l
    }
}

/// Iterator over a list's elements (see [`ListValue::iter_from`]).
pub struct Iter<'a> {
    list: &'a ListValue,
    node: usize,
    /// Forward: offset of the next entry's start; reverse: of its end.
    pos: usize,
    remaining: usize,
    rev: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.remaining == 0 {
            return None;
        }
        let nodes = &self.list.nodes;
        if self.rev {
            let mut node = nodes.get(self.node)?;
            while self.pos <= node.head {
                self.node = self.node.checked_sub(1)?;
                node = nodes.get(self.node)?;
                self.pos = node.buf.len();
            }
            let (start, s, e) = read_back(&node.buf, self.pos);
            self.pos = start;
            self.remaining -= 1;
            Some(&node.buf[s..e])
        } else {
            let mut node = nodes.get(self.node)?;
            while self.pos >= node.buf.len() {
                self.node += 1;
                node = nodes.get(self.node)?;
                self.pos = node.head;
            }
            let (s, e, next) = read_fwd(&node.buf, self.pos);
            self.pos = next;
            self.remaining -= 1;
            Some(&node.buf[s..e])
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn model_check(l: &ListValue, m: &VecDeque<Vec<u8>>) {
        assert_eq!(l.len(), m.len());
        let got: Vec<&[u8]> = l.iter().collect();
        let want: Vec<&[u8]> = m.iter().map(|v| v.as_slice()).collect();
        assert_eq!(got, want);
        let got_rev: Vec<&[u8]> = l.iter_from(0, true).collect();
        let want_rev: Vec<&[u8]> = m.iter().rev().map(|v| v.as_slice()).collect();
        assert_eq!(got_rev, want_rev);
        assert_eq!(
            l.nodes.iter().map(|n| n.count as usize).sum::<usize>(),
            l.len()
        );
        assert!(l.nodes.iter().all(|n| n.count > 0));
    }

    #[test]
    fn entry_encoding_roundtrips() {
        for n in [0usize, 1, 127, 128, 300, 16383, 16384, 100_000] {
            let data = vec![7u8; n];
            let mut buf = vec![1, 2, 3];
            encode_entry(&mut buf, &data);
            assert_eq!(buf.len(), 3 + entry_size(n));
            let (s, e, next) = read_fwd(&buf, 3);
            assert_eq!((e - s, next), (n, buf.len()));
            let (start, s2, e2) = read_back(&buf, buf.len());
            assert_eq!((start, s2, e2), (3, s, e));
        }
    }

    #[test]
    fn pushes_pops_and_indexes() {
        let mut l = ListValue::new(-2);
        for i in 0..5000 {
            l.push_back(format!("r{i}").as_bytes());
            l.push_front(format!("l{i}").as_bytes());
        }
        assert_eq!(l.len(), 10000);
        assert!(l.node_count() > 1);
        assert_eq!(l.get(0), Some(&b"l4999"[..]));
        assert_eq!(l.get(9999), Some(&b"r4999"[..]));
        assert_eq!(l.get(5000), Some(&b"r0"[..]));
        assert_eq!(l.resolve_index(-1), Some(9999));
        assert_eq!(l.resolve_index(10000), None);
        assert_eq!(l.pop(End::Head).as_deref(), Some(&b"l4999"[..]));
        assert_eq!(l.pop(End::Tail).as_deref(), Some(&b"r4999"[..]));
        let v: Vec<&[u8]> = l.iter_from(4999, false).take(2).collect();
        assert_eq!(v, vec![&b"r0"[..], &b"r1"[..]]);
    }

    #[test]
    fn positive_fill_caps_count() {
        let mut l = ListValue::new(3);
        for i in 0..10 {
            l.push_back(&[i]);
        }
        assert_eq!(l.node_count(), 4);
    }

    #[test]
    fn random_operations_match_a_model() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for fill in [-1i64, -2, 1, 2, 5, 0] {
            let mut l = ListValue::new(fill);
            let mut m: VecDeque<Vec<u8>> = VecDeque::new();
            for _ in 0..4000 {
                let len = if rng.gen_bool(0.05) {
                    rng.gen_range(100..3000)
                } else {
                    rng.gen_range(0..6)
                };
                let v: Vec<u8> = (0..len).map(|_| b'a' + rng.gen_range(0..3)).collect();
                match rng.gen_range(0..10) {
                    0 => {
                        l.push_back(&v);
                        m.push_back(v);
                    }
                    1 => {
                        l.push_front(&v);
                        m.push_front(v);
                    }
                    2 => assert_eq!(l.pop(End::Head), m.pop_front()),
                    3 => assert_eq!(l.pop(End::Tail), m.pop_back()),
                    4 if !m.is_empty() => {
                        let i = rng.gen_range(0..m.len());
                        assert!(l.set(i, &v));
                        m[i] = v;
                    }
                    5 if !m.is_empty() => {
                        let i = rng.gen_range(0..m.len());
                        let pivot = m[i].clone();
                        let after = rng.gen_bool(0.5);
                        assert!(l.insert_by_pivot(&pivot, after, &v));
                        let first = m.iter().position(|x| *x == pivot).unwrap_or(0);
                        m.insert(if after { first + 1 } else { first }, v);
                    }
                    6 => {
                        let count = rng.gen_range(-3..4);
                        let n = l.remove_matching(&v, count);
                        let limit = if count == 0 {
                            usize::MAX
                        } else {
                            count.unsigned_abs() as usize
                        };
                        let mut removed = 0;
                        if count >= 0 {
                            let mut out = VecDeque::new();
                            for x in m.drain(..) {
                                if x == v && removed < limit {
                                    removed += 1;
                                } else {
                                    out.push_back(x);
                                }
                            }
                            m = out;
                        } else {
                            let mut out = VecDeque::new();
                            for x in m.drain(..).rev() {
                                if x == v && removed < limit {
                                    removed += 1;
                                } else {
                                    out.push_front(x);
                                }
                            }
                            m = out;
                        }
                        assert_eq!(n, removed);
                    }
                    7 => {
                        let a = rng.gen_range(0..3);
                        let b = rng.gen_range(0..3);
                        l.remove_front(a);
                        l.remove_back(b);
                        for _ in 0..a.min(m.len()) {
                            m.pop_front();
                        }
                        for _ in 0..b.min(m.len()) {
                            m.pop_back();
                        }
                    }
                    _ => {
                        if !m.is_empty() {
                            let i = rng.gen_range(0..m.len());
                            assert_eq!(l.get(i), Some(m[i].as_slice()));
                            let got: Vec<&[u8]> = l.iter_from(i, true).take(3).collect();
                            let want: Vec<&[u8]> = m
                                .iter()
                                .rev()
                                .skip(i)
                                .take(3)
                                .map(|x| x.as_slice())
                                .collect();
                            assert_eq!(got, want);
                        }
                    }
                }
            }
            model_check(&l, &m);
        }
    }

    #[test]
    fn invariant_check_catches_corruption() {
        let mut l = ListValue::from_elements(2, [&b"a"[..], b"bb", b"ccc"]);
        assert_eq!(l.check_invariants(), Ok(()));
        l.nodes[0].count += 1;
        assert!(l.check_invariants().unwrap_err().contains("counts"));
        l.nodes[0].count -= 1;
        l.len += 1;
        assert!(l.check_invariants().unwrap_err().contains("len"));
        l.len -= 1;
        l.nodes.push_back(Node::default());
        assert!(l.check_invariants().unwrap_err().contains("empty"));
        l.nodes.pop_back();
        let last = l.nodes[0].buf.len() - 1;
        l.nodes[0].buf[last] ^= 1;
        assert!(l.check_invariants().is_err());
    }
}
