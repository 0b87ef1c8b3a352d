//! Sorted sets: members ordered by (score, member), in one of two
//! encodings, as Redis keeps them.
//!
//! - **listpack** (small sets): one byte vector of entries in ascending
//!   (score, member) order, each `varint(len) member score`, where `score`
//!   is `varint(zigzag(i) << 1)` for an integral score with |i| < 2^53
//!   (one byte for 0..63) and `0x01` followed by the 8-byte IEEE value
//!   otherwise (so -0.0, fractions and infinities keep their exact bits).
//!   A 4-byte little-endian header counts the entries. Operations are
//!   linear scans and one memmove, which at the default limits
//!   (zset-max-listpack-entries 128, zset-max-listpack-value 64) beats any
//!   pointer structure and costs ~2 bytes of overhead per member.
//! - **skiplist** (large sets; the name is what OBJECT ENCODING reports):
//!   an `IndexMap` member → score (the dense entry vector gives O(1) random
//!   members for ZRANDMEMBER and a cursor walk for ZSCAN) plus a treap
//!   over the map's positions ordered by (score, member), each node
//!   carrying its subtree size, so rank, select and the bounds of a score
//!   or lex range are O(log n), and a range of m members is walked in
//!   O(log n + m) with an explicit stack.
//!
//! Why a treap and not a skiplist or a B-tree: the treap node is 16 bytes
//! (two child positions, a subtree size, a priority) stored in a vector
//! parallel to the map, with no per-node allocation and no variable-height
//! tower; the member bytes live once, in the map (inline up to 22 bytes).
//! That is ~75 bytes per member in a 1M-member set against Redis's ~110
//! (dict entry + sds + skiplist node with its levels). A counted B-tree
//! would be a little smaller and more cache-friendly but needs several
//! times the code (splits, merges, separator maintenance); the treap's
//! expected depth (~2 ln n, about 28 at 1M) is on par with a skiplist's
//! search path.
//!
//! Invariants:
//! - no score is NaN; members are unique;
//! - listpack: entries sorted by (score, member) (scores compared as f64,
//!   so -0.0 == 0.0 and the member breaks the tie), header = entry count;
//! - skiplist: `nodes.len() == map.len()`; node `i` belongs to map entry
//!   `i`; the treap rooted at `root` holds every position exactly once, in
//!   (score, member) order, is a max-heap on `prio`, and each node's
//!   `size` is the size of its subtree. Removing a member swap-removes it
//!   from both vectors and re-links the moved last node.
//! - the encoding only goes listpack → skiplist (never back in place).

use std::cmp::Ordering;

use indexmap::IndexMap;
use rand::Rng;

use crate::small::SmallBytes;

type Hasher = foldhash::fast::RandomState;
type Map = IndexMap<SmallBytes, f64, Hasher>;

const NIL: u32 = u32::MAX;

/// The thresholds of the compact encoding (zset-max-listpack-entries and
/// zset-max-listpack-value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZLimits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl Default for ZLimits {
    fn default() -> Self {
        ZLimits {
            max_entries: 128,
            max_value: 64,
        }
    }
}

/// Compares two (score, member) keys in sorted-set order.
#[inline]
pub fn cmp_key(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> Ordering {
    if s1 < s2 {
        Ordering::Less
    } else if s1 > s2 {
        Ordering::Greater
    } else {
        m1.cmp(m2)
    }
}

// ---------------------------------------------------------------------------
// listpack

const LP_HDR: usize = 4;
const MAX_EXACT: f64 = 9_007_199_254_740_992.0; // 2^53

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `pos`; returns (value, next position). Corrupt input
/// (impossible for buffers we wrote) yields 0 and the end of the buffer.
#[inline]
fn get_varint(buf: &[u8], mut pos: usize) -> (u64, usize) {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = buf.get(pos) {
        pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b & 0x80 == 0 {
            return (v, pos);
        }
        shift += 7;
        if shift >= 64 {
            break;
        }
    }
    (0, buf.len())
}

fn encode_entry(out: &mut Vec<u8>, member: &[u8], score: f64) {
    // Redis stores an integral score as an integer, so -0 becomes 0.
    let score = if score == 0.0 { 0.0 } else { score };
    put_varint(out, member.len() as u64);
    out.extend_from_slice(member);
    let integral = score == score.trunc()
        && score.abs() < MAX_EXACT
        && !(score == 0.0 && score.is_sign_negative());
    if integral {
        let i = score as i64;
        let zz = ((i << 1) ^ (i >> 63)) as u64;
        put_varint(out, zz << 1);
    } else {
        out.push(0x01);
        out.extend_from_slice(&score.to_bits().to_le_bytes());
    }
}

fn entry_len(member: &[u8], score: f64) -> usize {
    let mut v = Vec::with_capacity(member.len() + 12);
    encode_entry(&mut v, member, score);
    v.len()
}

/// Decodes the entry at `pos`: (member, score, next position).
#[inline]
fn decode_entry(buf: &[u8], pos: usize) -> (&[u8], f64, usize) {
    let (len, p) = get_varint(buf, pos);
    let end = p.saturating_add(len as usize).min(buf.len());
    let member = &buf[p.min(end)..end];
    let (tag, q) = get_varint(buf, end);
    if tag & 1 == 0 {
        let zz = tag >> 1;
        let i = ((zz >> 1) as i64) ^ -((zz & 1) as i64);
        (member, i as f64, q)
    } else {
        let mut b = [0u8; 8];
        let stop = (end + 9).min(buf.len());
        let src = &buf[(end + 1).min(stop)..stop];
        b[..src.len()].copy_from_slice(src);
        (member, f64::from_bits(u64::from_le_bytes(b)), stop)
    }
}

/// A listpack-encoded sorted set (see the module comment).
#[derive(Clone)]
pub struct Listpack {
    buf: Vec<u8>,
}

impl Listpack {
    fn new() -> Listpack {
        Listpack {
            buf: vec![0; LP_HDR],
        }
    }

    fn len(&self) -> usize {
        let mut h = [0u8; 4];
        h.copy_from_slice(&self.buf[..LP_HDR]);
        u32::from_le_bytes(h) as usize
    }

    fn set_len(&mut self, n: usize) {
        self.buf[..LP_HDR].copy_from_slice(&(n as u32).to_le_bytes());
    }

    fn iter(&self) -> LpIter<'_> {
        LpIter {
            buf: &self.buf,
            pos: LP_HDR,
        }
    }

    /// (start offset, member, score) of the member, if present.
    fn find(&self, member: &[u8]) -> Option<(usize, usize, f64)> {
        let mut pos = LP_HDR;
        let mut idx = 0;
        while pos < self.buf.len() {
            let (m, s, next) = decode_entry(&self.buf, pos);
            if m == member {
                return Some((pos, idx, s));
            }
            pos = next;
            idx += 1;
        }
        None
    }

    /// Byte offset of entry `idx` (or the end).
    fn offset_of(&self, idx: usize) -> usize {
        let mut pos = LP_HDR;
        for _ in 0..idx {
            if pos >= self.buf.len() {
                break;
            }
            pos = decode_entry(&self.buf, pos).2;
        }
        pos
    }

    fn insert(&mut self, member: &[u8], score: f64) {
        let mut pos = LP_HDR;
        while pos < self.buf.len() {
            let (m, s, next) = decode_entry(&self.buf, pos);
            if cmp_key(s, m, score, member) == Ordering::Greater {
                break;
            }
            pos = next;
        }
        let mut e = Vec::with_capacity(member.len() + 12);
        encode_entry(&mut e, member, score);
        self.buf.reserve_exact(e.len());
        self.buf.splice(pos..pos, e);
        let n = self.len() + 1;
        self.set_len(n);
    }

    fn remove_bytes(&mut self, start: usize, end: usize, count: usize) {
        self.buf.drain(start..end);
        let n = self.len().saturating_sub(count);
        self.set_len(n);
        if self.buf.capacity() > self.buf.len() + 64 {
            self.buf.shrink_to_fit();
        }
    }

    fn remove_at(&mut self, pos: usize) {
        let next = decode_entry(&self.buf, pos).2;
        self.remove_bytes(pos, next, 1);
    }
}

pub struct LpIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for LpIter<'a> {
    type Item = (&'a [u8], f64);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let (m, s, next) = decode_entry(self.buf, self.pos);
        self.pos = next;
        Some((m, s))
    }
}

// ---------------------------------------------------------------------------
// skiplist encoding: map + treap

#[derive(Clone, Copy, Debug)]
struct TNode {
    l: u32,
    r: u32,
    size: u32,
    prio: u32,
}

/// The large encoding (see the module comment).
#[derive(Clone)]
pub struct Big {
    map: Map,
    nodes: Vec<TNode>,
    root: u32,
    seed: u64,
}

#[inline]
fn key_of(map: &Map, id: u32) -> (f64, &[u8]) {
    match map.get_index(id as usize) {
        Some((m, s)) => (*s, m.as_slice()),
        None => (f64::NAN, &[]),
    }
}

#[inline]
fn size_of(nodes: &[TNode], t: u32) -> u32 {
    if t == NIL {
        0
    } else {
        nodes[t as usize].size
    }
}

#[inline]
fn pull(nodes: &mut [TNode], t: u32) {
    let n = nodes[t as usize];
    nodes[t as usize].size = 1 + size_of(nodes, n.l) + size_of(nodes, n.r);
}

/// Splits `t` into (keys < (s, m), keys >= (s, m)).
fn split(nodes: &mut [TNode], map: &Map, t: u32, s: f64, m: &[u8]) -> (u32, u32) {
    if t == NIL {
        return (NIL, NIL);
    }
    let (ts, tm) = key_of(map, t);
    if cmp_key(ts, tm, s, m) == Ordering::Less {
        let (a, b) = split(nodes, map, nodes[t as usize].r, s, m);
        nodes[t as usize].r = a;
        pull(nodes, t);
        (t, b)
    } else {
        let (a, b) = split(nodes, map, nodes[t as usize].l, s, m);
        nodes[t as usize].l = b;
        pull(nodes, t);
        (a, t)
    }
}

/// Joins two treaps where every key of `a` is below every key of `b`.
fn merge(nodes: &mut [TNode], a: u32, b: u32) -> u32 {
    if a == NIL {
        return b;
    }
    if b == NIL {
        return a;
    }
    if nodes[a as usize].prio > nodes[b as usize].prio {
        let r = merge(nodes, nodes[a as usize].r, b);
        nodes[a as usize].r = r;
        pull(nodes, a);
        a
    } else {
        let l = merge(nodes, a, nodes[b as usize].l);
        nodes[b as usize].l = l;
        pull(nodes, b);
        b
    }
}

fn insert_node(nodes: &mut [TNode], map: &Map, t: u32, id: u32) -> u32 {
    if t == NIL {
        return id;
    }
    let (s, m) = key_of(map, id);
    if nodes[id as usize].prio > nodes[t as usize].prio {
        let (a, b) = split(nodes, map, t, s, m);
        nodes[id as usize].l = a;
        nodes[id as usize].r = b;
        pull(nodes, id);
        return id;
    }
    let (ts, tm) = key_of(map, t);
    if cmp_key(s, m, ts, tm) == Ordering::Less {
        let l = insert_node(nodes, map, nodes[t as usize].l, id);
        nodes[t as usize].l = l;
    } else {
        let r = insert_node(nodes, map, nodes[t as usize].r, id);
        nodes[t as usize].r = r;
    }
    nodes[t as usize].size += 1;
    t
}

/// Unlinks node `id` (whose key is in the map) from the treap `t`.
fn remove_node(nodes: &mut [TNode], map: &Map, t: u32, id: u32) -> u32 {
    if t == NIL {
        return NIL;
    }
    if t == id {
        let n = nodes[t as usize];
        return merge(nodes, n.l, n.r);
    }
    let (s, m) = key_of(map, id);
    let (ts, tm) = key_of(map, t);
    if cmp_key(s, m, ts, tm) == Ordering::Less {
        let l = remove_node(nodes, map, nodes[t as usize].l, id);
        nodes[t as usize].l = l;
    } else {
        let r = remove_node(nodes, map, nodes[t as usize].r, id);
        nodes[t as usize].r = r;
    }
    pull(nodes, t);
    t
}

impl Big {
    fn new() -> Big {
        Big {
            map: Map::default(),
            nodes: Vec::new(),
            root: NIL,
            seed: rand::thread_rng().gen::<u64>() | 1,
        }
    }

    fn with_capacity(n: usize) -> Big {
        let mut b = Big::new();
        b.map.reserve(n);
        b.nodes.reserve(n);
        b
    }

    fn next_prio(&mut self) -> u32 {
        // xorshift64*
        let mut x = self.seed;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.seed = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    }

    fn len(&self) -> usize {
        self.map.len()
    }

    /// Adds a member that is not present.
    fn insert(&mut self, member: &[u8], score: f64) {
        let id = self.map.len() as u32;
        self.map.insert(SmallBytes::new(member), score);
        let prio = self.next_prio();
        self.nodes.push(TNode {
            l: NIL,
            r: NIL,
            size: 1,
            prio,
        });
        self.root = insert_node(&mut self.nodes, &self.map, self.root, id);
    }

    fn set_score(&mut self, id: u32, score: f64) {
        self.root = remove_node(&mut self.nodes, &self.map, self.root, id);
        if let Some((_, s)) = self.map.get_index_mut(id as usize) {
            *s = score;
        }
        let n = &mut self.nodes[id as usize];
        n.l = NIL;
        n.r = NIL;
        n.size = 1;
        self.root = insert_node(&mut self.nodes, &self.map, self.root, id);
    }

    /// Removes the member at map position `id`.
    fn remove_id(&mut self, id: u32) {
        self.root = remove_node(&mut self.nodes, &self.map, self.root, id);
        let last = (self.map.len() - 1) as u32;
        self.map.swap_remove_index(id as usize);
        self.nodes.swap_remove(id as usize);
        if id == last {
            return;
        }
        // The former last entry now lives at `id`: re-point its parent.
        if self.root == last {
            self.root = id;
            return;
        }
        let (s, m) = key_of(&self.map, id);
        let mut t = self.root;
        while t != NIL {
            let (ts, tm) = key_of(&self.map, t);
            let go_left = cmp_key(s, m, ts, tm) == Ordering::Less;
            let n = &mut self.nodes[t as usize];
            let child = if go_left { &mut n.l } else { &mut n.r };
            if *child == last {
                *child = id;
                return;
            }
            t = *child;
        }
    }

    fn rank_of_id(&self, id: u32) -> usize {
        let (s, m) = key_of(&self.map, id);
        let mut rank = 0usize;
        let mut t = self.root;
        while t != NIL {
            let n = self.nodes[t as usize];
            let (ts, tm) = key_of(&self.map, t);
            match cmp_key(s, m, ts, tm) {
                Ordering::Less => t = n.l,
                Ordering::Greater => {
                    rank += size_of(&self.nodes, n.l) as usize + 1;
                    t = n.r;
                }
                Ordering::Equal => {
                    rank += size_of(&self.nodes, n.l) as usize;
                    break;
                }
            }
        }
        rank
    }

    fn select(&self, mut k: usize) -> Option<u32> {
        let mut t = self.root;
        while t != NIL {
            let n = self.nodes[t as usize];
            let ls = size_of(&self.nodes, n.l) as usize;
            match k.cmp(&ls) {
                Ordering::Less => t = n.l,
                Ordering::Equal => return Some(t),
                Ordering::Greater => {
                    k -= ls + 1;
                    t = n.r;
                }
            }
        }
        None
    }

    /// The number of leading members for which `pred` holds (`pred` must
    /// hold on a prefix of the order).
    fn count_prefix(&self, pred: &dyn Fn(&[u8], f64) -> bool) -> usize {
        let mut cnt = 0usize;
        let mut t = self.root;
        while t != NIL {
            let n = self.nodes[t as usize];
            let (ts, tm) = key_of(&self.map, t);
            if pred(tm, ts) {
                cnt += size_of(&self.nodes, n.l) as usize + 1;
                t = n.r;
            } else {
                t = n.l;
            }
        }
        cnt
    }

    /// A stack positioned so that popping yields rank `k` first, then the
    /// following ranks (forward) or the preceding ones (`rev`).
    fn stack_at(&self, mut k: usize, rev: bool) -> Vec<u32> {
        let mut stack = Vec::with_capacity(48);
        let mut t = self.root;
        while t != NIL {
            let n = self.nodes[t as usize];
            let ls = size_of(&self.nodes, n.l) as usize;
            match k.cmp(&ls) {
                Ordering::Less => {
                    if !rev {
                        stack.push(t);
                    }
                    t = n.l;
                }
                Ordering::Equal => {
                    stack.push(t);
                    break;
                }
                Ordering::Greater => {
                    if rev {
                        stack.push(t);
                    }
                    k -= ls + 1;
                    t = n.r;
                }
            }
        }
        stack
    }

    /// Checks the skiplist-encoding invariants (module comment) without
    /// trusting the links: every position reached once, heap order on
    /// `prio`, subtree sizes, strictly ascending (score, member) in order.
    fn check_invariants(&self) -> Result<(), String> {
        let n = self.map.len();
        if self.nodes.len() != n {
            return Err(format!(
                "zset skiplist: {} treap nodes for {n} members",
                self.nodes.len()
            ));
        }
        if let Some((m, _)) = self.map.iter().find(|(_, s)| s.is_nan()) {
            return Err(format!(
                "zset skiplist: member {:?} has a NaN score",
                String::from_utf8_lossy(m)
            ));
        }
        struct Walk<'a> {
            big: &'a Big,
            seen: Vec<bool>,
            prev: Option<u32>,
            count: usize,
        }
        fn walk(w: &mut Walk<'_>, t: u32, parent_prio: u32, depth: usize) -> Result<u32, String> {
            if t == NIL {
                return Ok(0);
            }
            let Some(&node) = w.big.nodes.get(t as usize) else {
                return Err(format!("zset skiplist: link to position {t} out of range"));
            };
            if std::mem::replace(&mut w.seen[t as usize], true) {
                return Err(format!("zset skiplist: position {t} linked twice"));
            }
            if depth > 4096 {
                return Err("zset skiplist: treap deeper than 4096".into());
            }
            if node.prio > parent_prio {
                return Err(format!("zset skiplist: position {t} breaks the heap order"));
            }
            let ls = walk(w, node.l, node.prio, depth + 1)?;
            if let Some(p) = w.prev {
                let (s1, m1) = key_of(&w.big.map, p);
                let (s2, m2) = key_of(&w.big.map, t);
                if cmp_key(s1, m1, s2, m2) != Ordering::Less {
                    return Err(format!(
                        "zset skiplist: {:?} ({s2}) not after {:?} ({s1})",
                        String::from_utf8_lossy(m2),
                        String::from_utf8_lossy(m1)
                    ));
                }
            }
            w.prev = Some(t);
            w.count += 1;
            let rs = walk(w, node.r, node.prio, depth + 1)?;
            if node.size != ls + rs + 1 {
                return Err(format!(
                    "zset skiplist: position {t} has size {}, subtree holds {}",
                    node.size,
                    ls + rs + 1
                ));
            }
            Ok(node.size)
        }
        let mut w = Walk {
            big: self,
            seen: vec![false; n],
            prev: None,
            count: 0,
        };
        walk(&mut w, self.root, u32::MAX, 0)?;
        if w.count != n {
            return Err(format!(
                "zset skiplist: treap reaches {} of {n} members",
                w.count
            ));
        }
        Ok(())
    }

    #[cfg(test)]
    fn check(&self) {
        fn walk(b: &Big, t: u32, out: &mut Vec<u32>) -> u32 {
            if t == NIL {
                return 0;
            }
            let n = b.nodes[t as usize];
            for c in [n.l, n.r] {
                if c != NIL {
                    assert!(b.nodes[c as usize].prio <= n.prio, "heap order");
                }
            }
            let ls = walk(b, n.l, out);
            out.push(t);
            let rs = walk(b, n.r, out);
            assert_eq!(n.size, ls + rs + 1, "size");
            n.size
        }
        let mut order = Vec::new();
        walk(self, self.root, &mut order);
        assert_eq!(order.len(), self.map.len());
        assert_eq!(self.nodes.len(), self.map.len());
        for w in order.windows(2) {
            let (s1, m1) = key_of(&self.map, w[0]);
            let (s2, m2) = key_of(&self.map, w[1]);
            assert_eq!(cmp_key(s1, m1, s2, m2), Ordering::Less, "order");
        }
    }
}

// ---------------------------------------------------------------------------
// the value

/// A sorted set in one of its two encodings.
#[derive(Clone)]
pub enum ZSetValue {
    Listpack(Listpack),
    Skiplist(Box<Big>),
}

impl std::fmt::Debug for ZSetValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(m, s)| (String::from_utf8_lossy(m), s)))
            .finish()
    }
}

impl PartialEq for ZSetValue {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| a.0 == b.0 && a.1.to_bits() == b.1.to_bits())
    }
}

impl Eq for ZSetValue {}

/// Iterates a sorted set in rank order, forward or backward.
pub enum ZIter<'a> {
    Lp(LpIter<'a>),
    /// Listpack backward: entry offsets still to yield, last first.
    LpRev(&'a [u8], Vec<u32>),
    Big {
        big: &'a Big,
        stack: Vec<u32>,
        rev: bool,
    },
}

impl<'a> Iterator for ZIter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ZIter::Lp(it) => it.next(),
            ZIter::LpRev(buf, offs) => {
                let p = offs.pop()?;
                let (m, s, _) = decode_entry(buf, p as usize);
                Some((m, s))
            }
            ZIter::Big { big, stack, rev } => {
                let t = stack.pop()?;
                let n = big.nodes[t as usize];
                let mut c = if *rev { n.l } else { n.r };
                while c != NIL {
                    stack.push(c);
                    let cn = big.nodes[c as usize];
                    c = if *rev { cn.r } else { cn.l };
                }
                let (s, m) = key_of(&big.map, t);
                Some((m, s))
            }
        }
    }
}

impl ZSetValue {
    /// An empty set in the encoding Redis picks for `hint_len` members
    /// whose longest is `hint_max_member` bytes.
    pub fn with_hint(hint_len: usize, hint_max_member: usize, lim: ZLimits) -> ZSetValue {
        if hint_len <= lim.max_entries && hint_max_member <= lim.max_value {
            ZSetValue::Listpack(Listpack::new())
        } else {
            ZSetValue::Skiplist(Box::new(Big::with_capacity(hint_len.min(1 << 20))))
        }
    }

    /// A set holding `items` (distinct members, any order), listpack when
    /// it is within both limits.
    pub fn from_items(mut items: Vec<(Vec<u8>, f64)>, lim: ZLimits) -> ZSetValue {
        let maxlen = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        if items.len() <= lim.max_entries && maxlen <= lim.max_value {
            items.sort_by(|a, b| cmp_key(a.1, &a.0, b.1, &b.0));
            let mut lp = Listpack::new();
            let bytes: usize = items.iter().map(|(m, _)| m.len() + 10).sum();
            lp.buf.reserve_exact(bytes);
            for (m, s) in &items {
                encode_entry(&mut lp.buf, m, *s);
            }
            lp.buf.shrink_to_fit();
            lp.set_len(items.len());
            ZSetValue::Listpack(lp)
        } else {
            let mut big = Big::with_capacity(items.len());
            for (m, s) in items {
                big.insert(&m, s);
            }
            ZSetValue::Skiplist(Box::new(big))
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ZSetValue::Listpack(lp) => lp.len(),
            ZSetValue::Skiplist(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSetValue::Listpack(_) => "listpack",
            ZSetValue::Skiplist(_) => "skiplist",
        }
    }

    /// Heap bytes held (approximate, for memory accounting).
    pub fn heap_size(&self) -> usize {
        match self {
            ZSetValue::Listpack(lp) => lp.buf.capacity(),
            ZSetValue::Skiplist(b) => {
                std::mem::size_of::<Big>()
                    + b.map.capacity() * (std::mem::size_of::<(SmallBytes, f64)>() + 17)
                    + b.map.keys().map(|k| k.heap_size()).sum::<usize>()
                    + b.nodes.capacity() * std::mem::size_of::<TNode>()
            }
        }
    }

    /// Checks the invariants in the module comment, and that a listpack is
    /// within `lim` (the limits in force for every insertion it saw; a
    /// caller that lowered them passes the loosest). Emptiness is the
    /// keyspace's rule, checked by `Shard`.
    pub fn check_invariants(&self, lim: ZLimits) -> Result<(), String> {
        let lp = match self {
            ZSetValue::Skiplist(b) => return b.check_invariants(),
            ZSetValue::Listpack(lp) => lp,
        };
        let buf = &lp.buf[..];
        if buf.len() < LP_HDR {
            return Err(format!("zset listpack: {} bytes, no header", buf.len()));
        }
        // A varint that must end inside the buffer.
        fn varint(buf: &[u8], pos: usize) -> Option<(u64, usize)> {
            let mut v = 0u64;
            let mut shift = 0;
            let mut p = pos;
            loop {
                let b = *buf.get(p)?;
                p += 1;
                if shift >= 64 {
                    return None;
                }
                v |= ((b & 0x7f) as u64) << shift;
                if b & 0x80 == 0 {
                    return Some((v, p));
                }
                shift += 7;
            }
        }
        let mut pos = LP_HDR;
        let mut count = 0usize;
        let mut prev: Option<(&[u8], f64)> = None;
        let mut members = std::collections::HashSet::new();
        while pos < buf.len() {
            let bad = || format!("zset listpack: entry {count} runs past the end");
            let (len, p) = varint(buf, pos).ok_or_else(bad)?;
            let end = usize::try_from(len)
                .ok()
                .and_then(|l| p.checked_add(l))
                .filter(|&e| e <= buf.len())
                .ok_or_else(bad)?;
            let (tag, q) = varint(buf, end).ok_or_else(bad)?;
            let next = if tag & 1 == 0 {
                q
            } else if tag == 1 && end + 9 <= buf.len() {
                end + 9
            } else {
                return Err(bad());
            };
            let (m, score, dnext) = decode_entry(buf, pos);
            if dnext != next {
                return Err(format!(
                    "zset listpack: entry {count} decodes inconsistently"
                ));
            }
            let name = || String::from_utf8_lossy(m).into_owned();
            if score.is_nan() {
                return Err(format!("zset listpack: {:?} has a NaN score", name()));
            }
            if score == 0.0 && score.is_sign_negative() {
                return Err(format!("zset listpack: {:?} has score -0", name()));
            }
            if let Some((pm, ps)) = prev {
                if cmp_key(ps, pm, score, m) != Ordering::Less {
                    return Err(format!(
                        "zset listpack: {:?} ({score}) not after {:?} ({ps})",
                        name(),
                        String::from_utf8_lossy(pm)
                    ));
                }
            }
            if !members.insert(m) {
                return Err(format!("zset listpack: member {:?} twice", name()));
            }
            if m.len() > lim.max_value {
                return Err(format!(
                    "zset listpack: member of {} bytes, over zset-max-listpack-value {}",
                    m.len(),
                    lim.max_value
                ));
            }
            prev = Some((m, score));
            pos = next;
            count += 1;
        }
        if count != lp.len() {
            return Err(format!(
                "zset listpack: header counts {}, holds {count}",
                lp.len()
            ));
        }
        if count > lim.max_entries {
            return Err(format!(
                "zset listpack: {count} members, over zset-max-listpack-entries {}",
                lim.max_entries
            ));
        }
        Ok(())
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSetValue::Listpack(lp) => lp.find(member).map(|f| f.2),
            ZSetValue::Skiplist(b) => b.map.get(member).copied(),
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        self.score(member).is_some()
    }

    /// Converts to the skiplist encoding (one way).
    fn convert(&mut self) {
        if let ZSetValue::Listpack(lp) = self {
            let mut big = Big::with_capacity(lp.len() + 1);
            for (m, s) in lp.iter() {
                big.insert(m, s);
            }
            *self = ZSetValue::Skiplist(Box::new(big));
        }
    }

    /// Adds a member that is not present, converting the encoding first
    /// when the listpack would exceed its limits.
    pub fn insert(&mut self, member: &[u8], score: f64, lim: ZLimits) {
        if let ZSetValue::Listpack(lp) = self {
            if lp.len() + 1 > lim.max_entries || member.len() > lim.max_value {
                self.convert();
            }
        }
        match self {
            ZSetValue::Listpack(lp) => lp.insert(member, score),
            ZSetValue::Skiplist(b) => b.insert(member, score),
        }
    }

    /// Changes the score of a present member (no-op when absent).
    pub fn set_score(&mut self, member: &[u8], score: f64) {
        match self {
            ZSetValue::Listpack(lp) => {
                if let Some((pos, _, _)) = lp.find(member) {
                    lp.remove_at(pos);
                    lp.insert(member, score);
                }
            }
            ZSetValue::Skiplist(b) => {
                if let Some(id) = b.map.get_index_of(member) {
                    b.set_score(id as u32, score);
                }
            }
        }
    }

    /// Removes a member; false when it was absent.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            ZSetValue::Listpack(lp) => match lp.find(member) {
                Some((pos, _, _)) => {
                    lp.remove_at(pos);
                    true
                }
                None => false,
            },
            ZSetValue::Skiplist(b) => match b.map.get_index_of(member) {
                Some(id) => {
                    b.remove_id(id as u32);
                    true
                }
                None => false,
            },
        }
    }

    /// 0-based ascending rank and score of a member.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        match self {
            ZSetValue::Listpack(lp) => lp.find(member).map(|(_, i, s)| (i, s)),
            ZSetValue::Skiplist(b) => {
                let (id, _, s) = b.map.get_full(member)?;
                Some((b.rank_of_id(id as u32), *s))
            }
        }
    }

    /// The member at ascending rank `k`.
    pub fn get(&self, k: usize) -> Option<(&[u8], f64)> {
        match self {
            ZSetValue::Listpack(lp) => lp.iter().nth(k),
            ZSetValue::Skiplist(b) => {
                let id = b.select(k)?;
                let (s, m) = key_of(&b.map, id);
                Some((m, s))
            }
        }
    }

    /// All members in ascending order.
    pub fn iter(&self) -> ZIter<'_> {
        self.iter_from(0, false)
    }

    /// Members from ascending rank `k`: upwards, or downwards when `rev`.
    pub fn iter_from(&self, k: usize, rev: bool) -> ZIter<'_> {
        match self {
            ZSetValue::Listpack(lp) => {
                if !rev {
                    let pos = lp.offset_of(k);
                    ZIter::Lp(LpIter { buf: &lp.buf, pos })
                } else if k >= lp.len() {
                    // Past the end: nothing, as for the skiplist (and lists).
                    ZIter::LpRev(&lp.buf, Vec::new())
                } else {
                    let mut offs = Vec::with_capacity(k.saturating_add(1).min(lp.len()));
                    let mut pos = LP_HDR;
                    while pos < lp.buf.len() && offs.len() <= k {
                        offs.push(pos as u32);
                        pos = decode_entry(&lp.buf, pos).2;
                    }
                    ZIter::LpRev(&lp.buf, offs)
                }
            }
            ZSetValue::Skiplist(b) => ZIter::Big {
                big: b,
                stack: if k < b.len() {
                    b.stack_at(k, rev)
                } else {
                    Vec::new()
                },
                rev,
            },
        }
    }

    /// The ascending index range `[lo, hi)` that a forward range walk
    /// covers: from the first member for which `gte_min` holds, through
    /// the following members while `lte_max` holds (Redis's walk; for
    /// score ranges and for lex ranges over equal scores this is exactly
    /// the members inside the range).
    pub fn range_forward(
        &self,
        gte_min: &dyn Fn(&[u8], f64) -> bool,
        lte_max: &dyn Fn(&[u8], f64) -> bool,
    ) -> (usize, usize) {
        match self {
            ZSetValue::Listpack(lp) => {
                let mut it = lp.iter().enumerate();
                let lo = loop {
                    match it.next() {
                        Some((i, (m, s))) if gte_min(m, s) => {
                            if !lte_max(m, s) {
                                return (i, i);
                            }
                            break i;
                        }
                        Some(_) => {}
                        None => return (lp.len(), lp.len()),
                    }
                };
                let mut hi = lo + 1;
                for (i, (m, s)) in it {
                    if !lte_max(m, s) {
                        break;
                    }
                    hi = i + 1;
                }
                (lo, hi)
            }
            ZSetValue::Skiplist(b) => {
                let lo = b.count_prefix(&|m, s| !gte_min(m, s));
                let hi = b.count_prefix(lte_max).max(lo);
                (lo, hi)
            }
        }
    }

    /// Like [`range_forward`](Self::range_forward) but walking down from
    /// the last member for which `lte_max` holds, while `gte_min` holds.
    pub fn range_reverse(
        &self,
        gte_min: &dyn Fn(&[u8], f64) -> bool,
        lte_max: &dyn Fn(&[u8], f64) -> bool,
    ) -> (usize, usize) {
        match self {
            ZSetValue::Listpack(lp) => {
                let items: Vec<(&[u8], f64)> = lp.iter().collect();
                let Some(last) = items.iter().rposition(|(m, s)| lte_max(m, *s)) else {
                    return (0, 0);
                };
                let mut lo = last + 1;
                while lo > 0 && gte_min(items[lo - 1].0, items[lo - 1].1) {
                    lo -= 1;
                }
                (lo, last + 1)
            }
            ZSetValue::Skiplist(_) => self.range_forward(gte_min, lte_max),
        }
    }

    /// Removes the members at ascending ranks `[lo, hi)`; returns how many.
    pub fn remove_range(&mut self, lo: usize, hi: usize) -> usize {
        let hi = hi.min(self.len());
        if lo >= hi {
            return 0;
        }
        match self {
            ZSetValue::Listpack(lp) => {
                let start = lp.offset_of(lo);
                let mut end = start;
                for _ in lo..hi {
                    end = decode_entry(&lp.buf, end).2;
                }
                lp.remove_bytes(start, end, hi - lo);
            }
            ZSetValue::Skiplist(b) => {
                let members: Vec<SmallBytes> = ZSetValue::big_iter(b, lo)
                    .take(hi - lo)
                    .map(|(m, _)| SmallBytes::new(m))
                    .collect();
                for m in members {
                    if let Some(id) = b.map.get_index_of(m.as_slice()) {
                        b.remove_id(id as u32);
                    }
                }
            }
        }
        hi - lo
    }

    fn big_iter(b: &Big, k: usize) -> ZIter<'_> {
        ZIter::Big {
            big: b,
            stack: b.stack_at(k, false),
            rev: false,
        }
    }

    /// A uniformly random member.
    pub fn random(&self, rng: &mut impl Rng) -> Option<(&[u8], f64)> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let i = rng.gen_range(0..n);
        match self {
            ZSetValue::Listpack(lp) => lp.iter().nth(i),
            ZSetValue::Skiplist(b) => b.map.get_index(i).map(|(m, s)| (m.as_slice(), *s)),
        }
    }

    /// The member at storage position `i` (not rank order; O(1) for the
    /// large encoding), for random sampling.
    pub fn nth_unordered(&self, i: usize) -> Option<(&[u8], f64)> {
        match self {
            ZSetValue::Listpack(lp) => lp.iter().nth(i),
            ZSetValue::Skiplist(b) => b.map.get_index(i).map(|(m, s)| (m.as_slice(), *s)),
        }
    }

    /// Whether a ZSCAN over this set is complete in one call (listpack).
    pub fn scan_is_single(&self) -> bool {
        matches!(self, ZSetValue::Listpack(_))
    }

    /// One ZSCAN step. For a listpack everything is returned and the next
    /// cursor is 0. For the large encoding, `cursor` 0 starts a walk down
    /// the map's positions (as `Shard::scan` walks keys, so a member
    /// present for the whole scan is returned at least once despite
    /// removals; see `db::scan_start` for how a cursor is read); the
    /// return is the next cursor, 0 when done.
    pub fn scan<'a>(&'a self, cursor: u64, count: usize, out: &mut Vec<(&'a [u8], f64)>) -> u64 {
        match self {
            ZSetValue::Listpack(lp) => {
                out.extend(lp.iter());
                0
            }
            ZSetValue::Skiplist(b) => {
                let mut pos = crate::db::scan_start(cursor).min(b.map.len());
                let stop = pos.saturating_sub(count.max(1));
                while pos > stop {
                    pos -= 1;
                    if let Some((m, s)) = b.map.get_index(pos) {
                        out.push((m.as_slice(), *s));
                    }
                }
                pos as u64
            }
        }
    }
}

/// Bytes a member would take in the listpack (for tests and estimates).
pub fn listpack_entry_len(member: &[u8], score: f64) -> usize {
    entry_len(member, score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn model_rank(v: &[(f64, Vec<u8>)], m: &[u8]) -> Option<usize> {
        v.iter().position(|(_, x)| x == m)
    }

    fn sort(v: &mut [(f64, Vec<u8>)]) {
        v.sort_by(|a, b| cmp_key(a.0, &a.1, b.0, &b.1));
    }

    fn check_against(z: &ZSetValue, v: &[(f64, Vec<u8>)], rng: &mut StdRng) {
        assert_eq!(z.len(), v.len());
        let got: Vec<(f64, Vec<u8>)> = z.iter().map(|(m, s)| (s, m.to_vec())).collect();
        assert_eq!(got.len(), v.len());
        for (a, b) in got.iter().zip(v) {
            assert_eq!(a.0.to_bits(), b.0.to_bits());
            assert_eq!(a.1, b.1);
        }
        if let ZSetValue::Skiplist(b) = z {
            b.check();
        }
        if v.is_empty() {
            return;
        }
        for _ in 0..5 {
            let k = rng.gen_range(0..v.len());
            assert_eq!(z.get(k).map(|(m, _)| m.to_vec()), Some(v[k].1.clone()));
            assert_eq!(z.rank(&v[k].1).map(|r| r.0), Some(k));
            let fwd: Vec<Vec<u8>> = z
                .iter_from(k, false)
                .take(7)
                .map(|x| x.0.to_vec())
                .collect();
            let want: Vec<Vec<u8>> = v[k..].iter().take(7).map(|x| x.1.clone()).collect();
            assert_eq!(fwd, want);
            let back: Vec<Vec<u8>> = z.iter_from(k, true).take(7).map(|x| x.0.to_vec()).collect();
            let want: Vec<Vec<u8>> = v[..=k].iter().rev().take(7).map(|x| x.1.clone()).collect();
            assert_eq!(back, want);
            // Score range [lo, hi] with random exclusivity.
            let a = v[rng.gen_range(0..v.len())].0;
            let b = v[rng.gen_range(0..v.len())].0;
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let (lox, hix) = (rng.gen_bool(0.5), rng.gen_bool(0.5));
            let gte = move |_: &[u8], s: f64| if lox { s > lo } else { s >= lo };
            let lte = move |_: &[u8], s: f64| if hix { s < hi } else { s <= hi };
            let (r0, r1) = z.range_forward(&gte, &lte);
            let want: Vec<usize> = (0..v.len())
                .filter(|&i| gte(&[], v[i].0) && lte(&[], v[i].0))
                .collect();
            let got: Vec<usize> = (r0..r1).collect();
            assert_eq!(got, want, "range {lo} {lox} {hi} {hix}");
            assert_eq!(
                z.range_reverse(&gte, &lte).1 - z.range_reverse(&gte, &lte).0,
                want.len()
            );
        }
        assert!(z.get(v.len()).is_none());
        assert_eq!(z.iter_from(v.len(), false).count(), 0);
    }

    fn run_model(lim: ZLimits, ops: usize, seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut z = ZSetValue::with_hint(0, 0, lim);
        let mut v: Vec<(f64, Vec<u8>)> = Vec::new();
        for step in 0..ops {
            let m = format!("m{}", rng.gen_range(0..300)).into_bytes();
            let score = match rng.gen_range(0..6) {
                0 => rng.gen_range(-5..5) as f64,
                1 => rng.gen::<f64>() * 100.0 - 50.0,
                2 => f64::INFINITY,
                3 if lim.max_entries == 0 => -0.0,
                4 => rng.gen_range(-1i64 << 60..1i64 << 60) as f64,
                _ => 1.5,
            };
            match rng.gen_range(0..10) {
                0..=4 => {
                    if let Some(i) = model_rank(&v, &m) {
                        v[i].0 = score;
                        z.set_score(&m, score);
                    } else {
                        v.push((score, m.clone()));
                        z.insert(&m, score, lim);
                    }
                    sort(&mut v);
                }
                5..=6 => {
                    let had = model_rank(&v, &m);
                    if let Some(i) = had {
                        v.remove(i);
                    }
                    assert_eq!(z.remove(&m), had.is_some());
                }
                7 => {
                    if !v.is_empty() {
                        let a = rng.gen_range(0..v.len());
                        let b = rng.gen_range(a..=v.len().min(a + 20));
                        assert_eq!(z.remove_range(a, b), b - a);
                        v.drain(a..b);
                    }
                }
                _ => {
                    assert_eq!(
                        z.score(&m).map(f64::to_bits),
                        model_rank(&v, &m).map(|i| v[i].0.to_bits())
                    );
                }
            }
            if step.is_multiple_of(50) || z.len() < 5 {
                check_against(&z, &v, &mut rng);
            }
        }
        check_against(&z, &v, &mut rng);
    }

    #[test]
    fn rank_structure_matches_sorted_vec() {
        let big = ZLimits {
            max_entries: 0,
            max_value: 0,
        };
        for seed in 0..4 {
            run_model(big, 5000, seed);
        }
    }

    #[test]
    fn listpack_matches_sorted_vec() {
        let lim = ZLimits {
            max_entries: 100_000,
            max_value: 64,
        };
        run_model(lim, 3000, 7);
    }

    #[test]
    fn converts_one_way_past_limits() {
        let lim = ZLimits::default();
        let mut z = ZSetValue::with_hint(1, 1, lim);
        for i in 0..128 {
            z.insert(format!("{i}").as_bytes(), i as f64, lim);
        }
        assert_eq!(z.encoding(), "listpack");
        z.insert(b"x", 0.0, lim);
        assert_eq!(z.encoding(), "skiplist");
        for i in 0..100 {
            z.remove(format!("{i}").as_bytes());
        }
        assert_eq!(z.encoding(), "skiplist");
        let mut z = ZSetValue::with_hint(1, 1, lim);
        z.insert(&[b'a'; 65], 1.0, lim);
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(ZSetValue::with_hint(129, 1, lim).encoding(), "skiplist");
        assert_eq!(ZSetValue::with_hint(2, 65, lim).encoding(), "skiplist");
    }

    #[test]
    fn listpack_scores_round_trip() {
        for s in [
            0.0,
            1.0,
            -1.0,
            63.0,
            64.0,
            -64.0,
            1e15,
            9007199254740991.0,
            9007199254740992.0,
            -9007199254740993.0,
            1e300,
            0.1,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ] {
            let mut b = Vec::new();
            encode_entry(&mut b, b"m", s);
            let (m, got, end) = decode_entry(&b, 0);
            assert_eq!(m, b"m");
            assert_eq!(got.to_bits(), s.to_bits(), "{s}");
            assert_eq!(end, b.len());
        }
        assert_eq!(listpack_entry_len(b"m", 5.0), 3);
        let mut b = Vec::new();
        encode_entry(&mut b, b"m", -0.0);
        assert_eq!(decode_entry(&b, 0).1.to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn scan_walk_sees_stable_members() {
        let lim = ZLimits {
            max_entries: 0,
            max_value: 0,
        };
        let mut z = ZSetValue::with_hint(0, 0, lim);
        for i in 0..500 {
            z.insert(format!("s{i}").as_bytes(), i as f64, lim);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0u64;
        let mut n = 0;
        loop {
            let mut out = Vec::new();
            cursor = z.scan(cursor, 7, &mut out);
            seen.extend(out.into_iter().map(|(m, _)| m.to_vec()));
            z.remove(format!("s{}", 400 + n % 100).as_bytes());
            z.insert(format!("new{n}").as_bytes(), 0.5, lim);
            n += 1;
            if cursor == 0 {
                break;
            }
        }
        for i in 0..400 {
            assert!(seen.contains(format!("s{i}").as_bytes()));
        }
    }

    #[test]
    fn invariant_check_catches_corruption() {
        let lim = ZLimits::default();
        let items = |n: usize| -> Vec<(Vec<u8>, f64)> {
            (0..n)
                .map(|i| (format!("m{i}").into_bytes(), i as f64))
                .collect()
        };
        let z = ZSetValue::from_items(items(10), lim);
        assert_eq!(z.check_invariants(lim), Ok(()));
        // Over the limits the set was supposedly written under.
        let small = ZLimits {
            max_entries: 5,
            max_value: 64,
        };
        assert!(z.check_invariants(small).unwrap_err().contains("entries"));
        let mut z = ZSetValue::from_items(items(300), lim);
        assert_eq!(z.check_invariants(lim), Ok(()));
        if let ZSetValue::Skiplist(b) = &mut z {
            // A score changed in the dict but not re-linked in the order.
            if let Some((_, s)) = b.map.get_index_mut(3) {
                *s = 1000.0;
            }
        }
        assert!(z.check_invariants(lim).unwrap_err().contains("not after"));
        let mut z = ZSetValue::from_items(items(3), lim);
        if let ZSetValue::Listpack(lp) = &mut z {
            lp.set_len(4);
        }
        assert!(z.check_invariants(lim).unwrap_err().contains("header"));
    }
}
