//! Set values: an intset (sorted integers of the narrowest width that holds
//! them all) while every member is an integer and there are at most
//! set-max-intset-entries of them, a hash table otherwise, as in Redis 7.0.
//!
//! Redis 7.0 has no listpack encoding for sets, so OBJECT ENCODING only
//! ever reports `intset` or `hashtable`. Internally, though, a small set of
//! short strings lives in a [`Pack`] (reported as `hashtable`): a set of ten
//! short tags then costs one small allocation instead of a table, ten
//! entries and ten strings. Conversions go one way: intset → pack → table.

use indexmap::IndexSet;
use rand::Rng;

use crate::listpack::{Entries, Pack};
use crate::small::SmallBytes;
use crate::value::{fmt_i64, parse_i64_strict};

type Hasher = foldhash::fast::RandomState;
/// The table encoding: dense members plus an index (O(1) random member,
/// position walks for SSCAN).
pub type SetTable = IndexSet<SmallBytes, Hasher>;

/// Most members a packed string set holds before it becomes a table.
pub const PACK_MAX_ENTRIES: usize = 128;
/// Longest member a packed string set holds.
pub const PACK_MAX_VALUE: usize = 64;

/// Bytes per element of an intset. An enum (not a plain number) so that
/// its unused values leave room for `SetValue`'s tag.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(u8)]
enum Width {
    #[default]
    W2 = 2,
    W4 = 4,
    W8 = 8,
}

impl Width {
    fn bytes(self) -> usize {
        self as usize
    }

    fn of(v: i64) -> Width {
        if i16::try_from(v).is_ok() {
            Width::W2
        } else if i32::try_from(v).is_ok() {
            Width::W4
        } else {
            Width::W8
        }
    }
}

/// Sorted distinct integers, each stored in `width` bytes (2, 4 or 8),
/// little-endian, in one exact-size allocation.
///
/// Invariants: elements strictly ascending; `width` is the narrowest of
/// 2/4/8 that held every element inserted so far (it never shrinks, as in
/// Redis); `buf.len()` is a multiple of the width; an empty intset holds no
/// allocation.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct IntSet {
    buf: Box<[u8]>,
    width: Width,
}

impl IntSet {
    pub fn new() -> IntSet {
        IntSet::default()
    }

    pub fn len(&self) -> usize {
        self.buf.len() / self.width.bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn heap_size(&self) -> usize {
        self.buf.len()
    }

    /// The element at index `i` (ascending order).
    pub fn get(&self, i: usize) -> Option<i64> {
        let w = self.width.bytes();
        let s = self.buf.get(i * w..(i + 1) * w)?;
        Some(match self.width {
            Width::W2 => i16::from_le_bytes([s[0], s[1]]) as i64,
            Width::W4 => i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64,
            Width::W8 => i64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]),
        })
    }

    /// Binary search: Ok(index) when present, Err(insertion point).
    pub fn search(&self, v: i64) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid) {
                Some(x) if x < v => lo = mid + 1,
                Some(x) if x > v => hi = mid,
                Some(_) => return Ok(mid),
                None => break,
            }
        }
        Err(lo)
    }

    pub fn contains(&self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    fn put(out: &mut Vec<u8>, v: i64, w: usize) {
        out.extend_from_slice(&v.to_le_bytes()[..w]);
    }

    /// Inserts `v`; false if it was present. Widens every element when `v`
    /// needs more bytes (one reallocation, exact size).
    pub fn insert(&mut self, v: i64) -> bool {
        let pos = match self.search(v) {
            Ok(_) => return false,
            Err(p) => p,
        };
        let old_w = self.width.bytes();
        let width = if Width::of(v).bytes() > old_w {
            Width::of(v)
        } else {
            self.width
        };
        let w = width.bytes();
        let n = self.len();
        let mut out = Vec::with_capacity((n + 1) * w);
        if w == old_w {
            out.extend_from_slice(self.buf.get(..pos * w).unwrap_or(&[]));
            IntSet::put(&mut out, v, w);
            out.extend_from_slice(self.buf.get(pos * w..).unwrap_or(&[]));
        } else {
            for i in 0..pos {
                IntSet::put(&mut out, self.get(i).unwrap_or(0), w);
            }
            IntSet::put(&mut out, v, w);
            for i in pos..n {
                IntSet::put(&mut out, self.get(i).unwrap_or(0), w);
            }
        }
        self.buf = out.into_boxed_slice();
        self.width = width;
        true
    }

    /// Removes the element at index `i`.
    pub fn remove_index(&mut self, i: usize) -> Option<i64> {
        let v = self.get(i)?;
        let w = self.width.bytes();
        let mut out = Vec::with_capacity(self.buf.len() - w);
        out.extend_from_slice(&self.buf[..i * w]);
        out.extend_from_slice(&self.buf[(i + 1) * w..]);
        self.buf = out.into_boxed_slice();
        Some(v)
    }

    pub fn remove(&mut self, v: i64) -> bool {
        match self.search(v) {
            Ok(i) => self.remove_index(i).is_some(),
            Err(_) => false,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Checks the invariants above (width only widens, so it is not
    /// checked against the elements).
    pub fn check_invariants(&self) -> Result<(), String> {
        let w = self.width.bytes();
        if !self.buf.len().is_multiple_of(w) {
            return Err(format!(
                "intset: {} bytes, not a multiple of its width {w}",
                self.buf.len()
            ));
        }
        let mut prev: Option<i64> = None;
        for (i, v) in self.iter().enumerate() {
            if prev.is_some_and(|p| p >= v) {
                return Err(format!(
                    "intset: element {i} ({v}) not above the one before"
                ));
            }
            prev = Some(v);
        }
        Ok(())
    }
}

impl std::fmt::Debug for IntSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A member seen in place: integers of an intset are not stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRef<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl MemberRef<'_> {
    /// Runs `f` over the member's bytes (integers formatted on the stack).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            MemberRef::Int(i) => {
                let mut buf = [0u8; 20];
                f(fmt_i64(*i, &mut buf))
            }
            MemberRef::Bytes(b) => f(b),
        }
    }

    pub fn to_owned(&self) -> Member {
        match self {
            MemberRef::Int(i) => Member::Int(*i),
            MemberRef::Bytes(b) => Member::Bytes(SmallBytes::new(b)),
        }
    }
}

/// An owned member (results of SPOP and of set algebra).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Member {
    Int(i64),
    Bytes(SmallBytes),
}

impl Member {
    pub fn as_ref(&self) -> MemberRef<'_> {
        match self {
            Member::Int(i) => MemberRef::Int(*i),
            Member::Bytes(b) => MemberRef::Bytes(b),
        }
    }

    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        self.as_ref().with_bytes(f)
    }
}

/// A set.
///
/// Invariants: an `Intset` holds at most set-max-intset-entries members
/// (as of its last insertion); a `Listpack` holds distinct members, at most
/// [`PACK_MAX_ENTRIES`] of at most [`PACK_MAX_VALUE`] bytes; conversions go
/// one way (intset → listpack → table). A set stored under a key is never
/// empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetValue {
    Intset(IntSet),
    Listpack(Pack),
    Table(Box<SetTable>),
}

impl SetValue {
    /// An empty set in the encoding Redis picks for a set whose first
    /// member is `first`: intset for an integer, hashtable otherwise.
    pub fn new_for(first: &[u8]) -> SetValue {
        if parse_i64_strict(first).is_some() {
            SetValue::Intset(IntSet::new())
        } else if first.len() <= PACK_MAX_VALUE {
            SetValue::Listpack(Pack::new())
        } else {
            SetValue::Table(Box::default())
        }
    }

    /// An empty intset (what the STORE variants of set algebra start from).
    pub fn new_intset() -> SetValue {
        SetValue::Intset(IntSet::new())
    }

    /// OBJECT ENCODING's name (Redis 7.0's: intset or hashtable).
    pub fn encoding(&self) -> &'static str {
        match self {
            SetValue::Intset(_) => "intset",
            SetValue::Listpack(_) | SetValue::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SetValue::Intset(s) => s.len(),
            SetValue::Listpack(p) => p.len(),
            SetValue::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            SetValue::Intset(s) => parse_i64_strict(member).is_some_and(|v| s.contains(v)),
            SetValue::Listpack(p) => p.find(member, 1).is_some(),
            SetValue::Table(t) => t.contains(member),
        }
    }

    /// Membership of a member given in either form.
    pub fn contains_ref(&self, m: MemberRef<'_>) -> bool {
        match (self, m) {
            (SetValue::Intset(s), MemberRef::Int(i)) => s.contains(i),
            (_, m) => m.with_bytes(|b| self.contains(b)),
        }
    }

    /// Leaves the intset encoding, for `extra` more members of which the
    /// longest is `longest` bytes.
    fn convert_from_intset(&mut self, extra: usize, longest: usize) {
        let SetValue::Intset(s) = self else {
            return;
        };
        let n = s.len() + extra;
        if n <= PACK_MAX_ENTRIES && longest <= PACK_MAX_VALUE {
            let mut p = Pack::new();
            let mut bufs: Vec<[u8; 20]> = vec![[0u8; 20]; s.len()];
            let items: Vec<&[u8]> = s
                .iter()
                .zip(bufs.iter_mut())
                .map(|(v, b)| fmt_i64(v, b))
                .collect();
            p.push(&items);
            *self = SetValue::Listpack(p);
        } else {
            let mut t = SetTable::with_capacity_and_hasher(n, Hasher::default());
            for v in s.iter() {
                let mut b = [0u8; 20];
                t.insert(SmallBytes::new(fmt_i64(v, &mut b)));
            }
            *self = SetValue::Table(Box::new(t));
        }
    }

    fn convert_pack_to_table(&mut self) {
        if let SetValue::Listpack(p) = self {
            let mut t = SetTable::with_capacity_and_hasher(p.len() + 1, Hasher::default());
            t.extend(p.iter().map(SmallBytes::new));
            *self = SetValue::Table(Box::new(t));
        }
    }

    /// Adds `member`; true if it is new. `max_intset` is
    /// set-max-intset-entries.
    pub fn add(&mut self, member: &[u8], max_intset: usize) -> bool {
        if let SetValue::Intset(s) = self {
            match parse_i64_strict(member) {
                Some(v) => {
                    let added = s.insert(v);
                    if added && s.len() > max_intset {
                        self.convert_from_intset(0, 20);
                    }
                    return added;
                }
                None => self.convert_from_intset(1, member.len().max(20)),
            }
        }
        if let SetValue::Listpack(p) = self {
            if p.find(member, 1).is_some() {
                return false;
            }
            if p.len() < PACK_MAX_ENTRIES && member.len() <= PACK_MAX_VALUE {
                p.push(&[member]);
                return true;
            }
            self.convert_pack_to_table();
        }
        match self {
            SetValue::Table(t) => {
                if t.contains(member) {
                    false
                } else {
                    t.insert(SmallBytes::new(member))
                }
            }
            _ => false,
        }
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            SetValue::Intset(s) => parse_i64_strict(member).is_some_and(|v| s.remove(v)),
            SetValue::Listpack(p) => match p.find(member, 1) {
                Some((off, _)) => {
                    p.remove(off, 1);
                    true
                }
                None => false,
            },
            SetValue::Table(t) => t.swap_remove(member),
        }
    }

    /// Every member, in the encoding's order (ascending for an intset).
    pub fn iter(&self) -> SetIter<'_> {
        match self {
            SetValue::Intset(s) => SetIter::Ints(s, 0),
            SetValue::Listpack(p) => SetIter::Pack(p.entries()),
            SetValue::Table(t) => SetIter::Table(t.iter()),
        }
    }

    /// Members addressable by index (a vector of references for a
    /// listpack, the encoding itself otherwise), for random sampling.
    pub fn indexed(&self) -> IndexedSet<'_> {
        match self {
            SetValue::Intset(s) => IndexedSet::Ints(s),
            SetValue::Listpack(p) => IndexedSet::Refs(p.iter().collect()),
            SetValue::Table(t) => IndexedSet::Table(t),
        }
    }

    /// The member at index `i` of the encoding's order (O(1) except for a
    /// listpack, which is walked).
    pub fn nth(&self, i: usize) -> Option<MemberRef<'_>> {
        match self {
            SetValue::Intset(s) => s.get(i).map(MemberRef::Int),
            SetValue::Listpack(p) => p.iter().nth(i).map(MemberRef::Bytes),
            SetValue::Table(t) => t.get_index(i).map(|k| MemberRef::Bytes(k)),
        }
    }

    /// Removes the member at index `i` (a table moves its last member into
    /// the hole).
    pub fn remove_index(&mut self, i: usize) -> Option<Member> {
        match self {
            SetValue::Intset(s) => s.remove_index(i).map(Member::Int),
            SetValue::Listpack(p) => {
                let (off, b) = p.entries().nth(i)?;
                let m = Member::Bytes(SmallBytes::new(b));
                p.remove(off, 1);
                Some(m)
            }
            SetValue::Table(t) => t.swap_remove_index(i).map(Member::Bytes),
        }
    }

    /// Removes and returns a uniformly random member.
    pub fn pop_random(&mut self, rng: &mut impl Rng) -> Option<Member> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        self.remove_index(rng.gen_range(0..n))
    }

    /// One step of SSCAN; see `HashValue::scan` (an intset or a listpack
    /// is returned whole with cursor 0, a table is walked downwards).
    pub fn scan<'a>(&'a self, pos: usize, count: usize, out: &mut Vec<MemberRef<'a>>) -> usize {
        match self {
            SetValue::Table(t) => {
                let mut pos = pos.min(t.len());
                let stop = pos.saturating_sub(count.max(1));
                while pos > stop {
                    pos -= 1;
                    if let Some(k) = t.get_index(pos) {
                        out.push(MemberRef::Bytes(k));
                    }
                }
                pos
            }
            _ => {
                out.extend(self.iter());
                0
            }
        }
    }

    /// Checks the invariants above; `max_intset` is the
    /// set-max-intset-entries in force for every insertion the set saw (a
    /// caller that lowered it passes the old value). Emptiness is the
    /// keyspace's rule, checked by `Shard`.
    pub fn check_invariants(&self, max_intset: usize) -> Result<(), String> {
        match self {
            SetValue::Intset(s) => {
                s.check_invariants()?;
                if s.len() > max_intset {
                    return Err(format!(
                        "set intset: {} members, over set-max-intset-entries {max_intset}",
                        s.len()
                    ));
                }
            }
            SetValue::Listpack(p) => {
                p.check_invariants().map_err(|e| format!("set {e}"))?;
                if p.len() > PACK_MAX_ENTRIES {
                    return Err(format!(
                        "set listpack: {} members, over {PACK_MAX_ENTRIES}",
                        p.len()
                    ));
                }
                let mut seen = std::collections::HashSet::with_capacity(p.len());
                for m in p.iter() {
                    if m.len() > PACK_MAX_VALUE {
                        return Err(format!(
                            "set listpack: member of {} bytes, over {PACK_MAX_VALUE}",
                            m.len()
                        ));
                    }
                    if !seen.insert(m) {
                        return Err(format!(
                            "set listpack: member {:?} twice",
                            String::from_utf8_lossy(m)
                        ));
                    }
                }
            }
            // IndexSet keeps its members unique.
            SetValue::Table(_) => {}
        }
        Ok(())
    }

    /// Approximate heap bytes owned (for memory accounting).
    pub fn heap_size(&self) -> usize {
        match self {
            SetValue::Intset(s) => s.heap_size(),
            SetValue::Listpack(p) => p.heap_size(),
            SetValue::Table(t) => {
                let per = std::mem::size_of::<(SmallBytes, u64)>() + 9;
                std::mem::size_of::<SetTable>()
                    + t.capacity() * per
                    + t.iter().map(|k| k.heap_size()).sum::<usize>()
            }
        }
    }
}

/// Iterator over a set's members.
pub enum SetIter<'a> {
    Ints(&'a IntSet, usize),
    Pack(Entries<'a>),
    Table(indexmap::set::Iter<'a, SmallBytes>),
}

impl<'a> Iterator for SetIter<'a> {
    type Item = MemberRef<'a>;

    fn next(&mut self) -> Option<MemberRef<'a>> {
        match self {
            SetIter::Ints(s, i) => {
                let v = s.get(*i)?;
                *i += 1;
                Some(MemberRef::Int(v))
            }
            SetIter::Pack(e) => e.next().map(|(_, b)| MemberRef::Bytes(b)),
            SetIter::Table(t) => t.next().map(|k| MemberRef::Bytes(k)),
        }
    }
}

/// A set's members by index (see [`SetValue::indexed`]).
pub enum IndexedSet<'a> {
    Ints(&'a IntSet),
    Refs(Vec<&'a [u8]>),
    Table(&'a SetTable),
}

impl<'a> IndexedSet<'a> {
    pub fn len(&self) -> usize {
        match self {
            IndexedSet::Ints(s) => s.len(),
            IndexedSet::Refs(v) => v.len(),
            IndexedSet::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<MemberRef<'a>> {
        match self {
            IndexedSet::Ints(s) => s.get(i).map(MemberRef::Int),
            IndexedSet::Refs(v) => v.get(i).map(|b| MemberRef::Bytes(b)),
            IndexedSet::Table(t) => t.get_index(i).map(|k| MemberRef::Bytes(k)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &SetValue) -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = s.iter().map(|m| m.with_bytes(|b| b.to_vec())).collect();
        v.sort();
        v
    }

    #[test]
    fn intset_widths_and_order() {
        let mut s = IntSet::new();
        assert_eq!(s.heap_size(), 0);
        for v in [5, -3, 100, 5] {
            s.insert(v);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![-3, 5, 100]);
        assert_eq!(s.heap_size(), 3 * 2);
        s.insert(70_000);
        assert_eq!(s.heap_size(), 4 * 4);
        s.insert(i64::MIN);
        s.insert(i64::MAX);
        assert_eq!(s.heap_size(), 6 * 8);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![i64::MIN, -3, 5, 100, 70_000, i64::MAX]
        );
        assert!(s.remove(5));
        assert!(!s.remove(5));
        assert!(s.contains(i64::MAX));
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn intset_to_hashtable_on_string_member() {
        let mut s = SetValue::new_for(b"1");
        assert!(s.add(b"1", 512));
        assert!(s.add(b"2", 512));
        assert_eq!(s.encoding(), "intset");
        // Not canonical integers: strings.
        for m in [&b"01"[..], b"-0", b" 1", b"+1", b"a"] {
            let mut t = s.clone();
            assert!(t.add(m, 512));
            assert_eq!(t.encoding(), "hashtable");
            assert!(t.contains(m) && t.contains(b"1") && t.contains(b"2"));
            assert_eq!(t.len(), 3);
        }
        assert!(s.add(b"a", 512));
        assert!(matches!(s, SetValue::Listpack(_)));
        assert!(!s.add(b"1", 512));
    }

    #[test]
    fn intset_limit() {
        let mut s = SetValue::new_for(b"0");
        for i in 0..512 {
            s.add(i.to_string().as_bytes(), 512);
        }
        assert_eq!(s.encoding(), "intset");
        s.add(b"512", 512);
        assert_eq!(s.encoding(), "hashtable");
        assert!(matches!(s, SetValue::Table(_)));
        assert_eq!(s.len(), 513);
        // One way.
        for i in 0..500 {
            s.remove(i.to_string().as_bytes());
        }
        assert_eq!(s.encoding(), "hashtable");
        let mut z = SetValue::new_for(b"1");
        z.add(b"1", 0);
        assert_eq!(z.encoding(), "hashtable");
    }

    #[test]
    fn pack_to_table() {
        let mut s = SetValue::new_for(b"a");
        for i in 0..PACK_MAX_ENTRIES {
            assert!(s.add(format!("m{i}").as_bytes(), 512));
        }
        assert!(matches!(s, SetValue::Listpack(_)));
        assert!(s.add(b"one-more", 512));
        assert!(matches!(s, SetValue::Table(_)));
        assert_eq!(s.len(), PACK_MAX_ENTRIES + 1);
        let mut l = SetValue::new_for(b"a");
        l.add(b"a", 512);
        l.add(&[b'x'; 65], 512);
        assert!(matches!(l, SetValue::Table(_)));
        assert_eq!(members(&l).len(), 2);
    }

    #[test]
    fn pop_and_scan() {
        let mut rng = rand::thread_rng();
        for first in [&b"1"[..], b"a"] {
            let mut s = SetValue::new_for(first);
            for i in 0..50 {
                s.add(i.to_string().as_bytes(), 512);
            }
            s.add(first, 512);
            let n = s.len();
            let mut out = Vec::new();
            assert_eq!(s.scan(usize::MAX, 5, &mut out), 0);
            assert_eq!(out.len(), n);
            let mut popped = Vec::new();
            while let Some(m) = s.pop_random(&mut rng) {
                popped.push(m);
            }
            assert_eq!(popped.len(), n);
            assert!(s.is_empty());
        }
    }
}
