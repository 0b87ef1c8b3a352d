//! Hash values: a listpack of (field, value) pairs while small, a hash
//! table once big, converted one way as Redis 7.0 does.

use indexmap::IndexMap;

use crate::listpack::{Entries, Pack};
use crate::small::SmallBytes;

type Hasher = foldhash::fast::RandomState;
/// The hashtable encoding: dense entries plus an index, so a random field
/// is O(1) and HSCAN can walk positions (see [`HashValue::scan`]).
pub type HashTable = IndexMap<SmallBytes, SmallBytes, Hasher>;

/// The thresholds of the listpack encoding (hash-max-listpack-entries and
/// hash-max-listpack-value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashLimits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl Default for HashLimits {
    fn default() -> Self {
        HashLimits {
            max_entries: 512,
            max_value: 64,
        }
    }
}

/// A hash.
///
/// Invariants: a listpack holds an even number of entries, field then
/// value, fields distinct, in insertion order (an update keeps the field's
/// place, as Redis's listpack does); once a table, a hash never goes back
/// to a listpack. A hash stored under a key is never empty (commands delete
/// the key instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashValue {
    Listpack(Pack),
    Table(Box<HashTable>),
}

impl Default for HashValue {
    fn default() -> Self {
        HashValue::new()
    }
}

impl HashValue {
    /// An empty hash in the listpack encoding.
    pub fn new() -> HashValue {
        HashValue::Listpack(Pack::new())
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match self {
            HashValue::Listpack(_) => "listpack",
            HashValue::Table(_) => "hashtable",
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        match self {
            HashValue::Listpack(p) => p.len() / 2,
            HashValue::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            HashValue::Listpack(p) => {
                let (off, _) = p.find(field, 2)?;
                let (_, next) = p.at(off)?;
                p.at(next).map(|(v, _)| v)
            }
            HashValue::Table(t) => t.get(field).map(|v| v.as_slice()),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        match self {
            HashValue::Listpack(p) => p.find(field, 2).is_some(),
            HashValue::Table(t) => t.contains_key(field),
        }
    }

    /// Converts to the hashtable encoding (no-op if it already is one).
    pub fn convert_to_table(&mut self) {
        if let HashValue::Listpack(p) = self {
            let mut t = HashTable::with_capacity_and_hasher(p.len() / 2, Hasher::default());
            {
                let mut it = p.iter();
                while let (Some(f), Some(v)) = (it.next(), it.next()) {
                    t.insert(SmallBytes::new(f), SmallBytes::new(v));
                }
            }
            *self = HashValue::Table(Box::new(t));
        }
    }

    /// Sets `field` to `value`; true if the field is new. Converts to a
    /// table first when either is longer than `max_value`, and afterwards
    /// when the hash has more than `max_entries` fields (checked after
    /// updates too, as Redis does, so a lowered limit applies on the next
    /// write). HINCRBY's and HINCRBYFLOAT's results count like any value.
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: HashLimits) -> bool {
        if field.len() > limits.max_value || value.len() > limits.max_value {
            self.convert_to_table();
        }
        let inserted = match self {
            HashValue::Listpack(p) => match p.find(field, 2) {
                Some((off, _)) => {
                    if let Some((_, voff)) = p.at(off) {
                        p.replace(voff, value);
                    }
                    false
                }
                None => {
                    p.push(&[field, value]);
                    true
                }
            },
            HashValue::Table(t) => match t.get_mut(field) {
                Some(v) => {
                    *v = SmallBytes::new(value);
                    false
                }
                None => {
                    t.insert(SmallBytes::new(field), SmallBytes::new(value));
                    true
                }
            },
        };
        if matches!(self, HashValue::Listpack(_)) && self.len() > limits.max_entries {
            self.convert_to_table();
        }
        inserted
    }

    /// Removes `field`; true if it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            HashValue::Listpack(p) => match p.find(field, 2) {
                Some((off, _)) => {
                    p.remove(off, 2);
                    true
                }
                None => false,
            },
            HashValue::Table(t) => t.swap_remove(field).is_some(),
        }
    }

    /// Every (field, value) pair, in the encoding's order.
    pub fn iter(&self) -> HashIter<'_> {
        match self {
            HashValue::Listpack(p) => HashIter::Pack(p.entries()),
            HashValue::Table(t) => HashIter::Table(t.iter()),
        }
    }

    /// Pairs addressable by index: the table itself, or (for a listpack)
    /// a vector of references into it. Used for random sampling.
    pub fn indexed(&self) -> Indexed<'_> {
        match self {
            HashValue::Listpack(_) => Indexed::Refs(self.iter().collect()),
            HashValue::Table(t) => Indexed::Table(t),
        }
    }

    /// The field at index `i` of the encoding's order (O(1) for a table,
    /// a walk for a listpack).
    pub fn nth_field(&self, i: usize) -> Option<&[u8]> {
        match self {
            HashValue::Listpack(p) => p.iter().nth(2 * i),
            HashValue::Table(t) => t.get_index(i).map(|(k, _)| k.as_slice()),
        }
    }

    /// Removes and returns the pair at index `i` of the table encoding
    /// (the last pair moves into its place). For a listpack, the i-th pair.
    pub fn remove_index(&mut self, i: usize) -> Option<(SmallBytes, SmallBytes)> {
        match self {
            HashValue::Listpack(p) => {
                let (off, f) = p.entries().nth(2 * i)?;
                let f = SmallBytes::new(f);
                let (_, voff) = p.at(off)?;
                let v = SmallBytes::new(p.at(voff)?.0);
                p.remove(off, 2);
                Some((f, v))
            }
            HashValue::Table(t) => t.swap_remove_index(i),
        }
    }

    /// One step of HSCAN. A listpack is returned whole with cursor 0 (as
    /// Redis does). A table is walked by position downwards from `pos`
    /// (`usize::MAX` or anything beyond the end starts a walk), visiting
    /// `count` positions; the return is the new position, 0 when done.
    ///
    /// Why downwards: removal moves the last pair into the freed slot.
    /// Every pair above the walk was visited, so a pair moved from the top
    /// into the unvisited region is at worst seen twice; new pairs are
    /// appended above the walk (they may be missed, which SCAN allows).
    /// So a field present for the whole walk is returned at least once.
    pub fn scan<'a>(
        &'a self,
        pos: usize,
        count: usize,
        out: &mut Vec<(&'a [u8], &'a [u8])>,
    ) -> usize {
        match self {
            HashValue::Listpack(_) => {
                out.extend(self.iter());
                0
            }
            HashValue::Table(t) => {
                let mut pos = pos.min(t.len());
                let stop = pos.saturating_sub(count.max(1));
                while pos > stop {
                    pos -= 1;
                    if let Some((k, v)) = t.get_index(pos) {
                        out.push((k.as_slice(), v.as_slice()));
                    }
                }
                pos
            }
        }
    }

    /// Checks the invariants above, and that a listpack is within `lim`
    /// (the limits in force for every write it saw: a lowered limit only
    /// applies from the next write, so a caller that changed them passes
    /// the loosest). Emptiness is the keyspace's rule, checked by `Shard`.
    pub fn check_invariants(&self, lim: HashLimits) -> Result<(), String> {
        match self {
            HashValue::Listpack(p) => {
                p.check_invariants().map_err(|e| format!("hash {e}"))?;
                if !p.len().is_multiple_of(2) {
                    return Err(format!("hash listpack: odd entry count {}", p.len()));
                }
                let n = p.len() / 2;
                if n > lim.max_entries {
                    return Err(format!(
                        "hash listpack: {n} fields, over hash-max-listpack-entries {}",
                        lim.max_entries
                    ));
                }
                let mut fields = std::collections::HashSet::with_capacity(n);
                for (f, v) in self.iter() {
                    if f.len() > lim.max_value || v.len() > lim.max_value {
                        return Err(format!(
                            "hash listpack: field {:?} or its value longer than \
                             hash-max-listpack-value {}",
                            String::from_utf8_lossy(f),
                            lim.max_value
                        ));
                    }
                    if !fields.insert(f) {
                        return Err(format!(
                            "hash listpack: field {:?} twice",
                            String::from_utf8_lossy(f)
                        ));
                    }
                }
                Ok(())
            }
            // IndexMap keeps its keys unique and its index consistent.
            HashValue::Table(_) => Ok(()),
        }
    }

    /// Approximate heap bytes owned (for memory accounting).
    pub fn heap_size(&self) -> usize {
        match self {
            HashValue::Listpack(p) => p.heap_size(),
            HashValue::Table(t) => {
                let per = std::mem::size_of::<(SmallBytes, SmallBytes, u64)>() + 9;
                std::mem::size_of::<HashTable>()
                    + t.capacity() * per
                    + t.iter()
                        .map(|(k, v)| k.heap_size() + v.heap_size())
                        .sum::<usize>()
            }
        }
    }
}

/// Iterator over a hash's (field, value) pairs.
pub enum HashIter<'a> {
    Pack(Entries<'a>),
    Table(indexmap::map::Iter<'a, SmallBytes, SmallBytes>),
}

impl<'a> Iterator for HashIter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            HashIter::Pack(it) => {
                let (_, f) = it.next()?;
                let (_, v) = it.next()?;
                Some((f, v))
            }
            HashIter::Table(it) => it.next().map(|(k, v)| (k.as_slice(), v.as_slice())),
        }
    }
}

/// A hash's pairs by index (see [`HashValue::indexed`]).
pub enum Indexed<'a> {
    Refs(Vec<(&'a [u8], &'a [u8])>),
    Table(&'a HashTable),
}

impl<'a> Indexed<'a> {
    pub fn len(&self) -> usize {
        match self {
            Indexed::Refs(v) => v.len(),
            Indexed::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<(&'a [u8], &'a [u8])> {
        match self {
            Indexed::Refs(v) => v.get(i).copied(),
            Indexed::Table(t) => t.get_index(i).map(|(k, v)| (k.as_slice(), v.as_slice())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(e: usize, v: usize) -> HashLimits {
        HashLimits {
            max_entries: e,
            max_value: v,
        }
    }

    #[test]
    fn listpack_until_entries_exceed_limit() {
        let mut h = HashValue::new();
        for i in 0..4 {
            assert!(h.set(format!("f{i}").as_bytes(), b"v", lim(4, 64)));
        }
        assert_eq!(h.encoding(), "listpack");
        assert!(!h.set(b"f0", b"new", lim(4, 64)));
        assert_eq!(h.get(b"f0"), Some(&b"new"[..]));
        // Update keeps the order.
        let fields: Vec<&[u8]> = h.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![&b"f0"[..], b"f1", b"f2", b"f3"]);
        assert!(h.set(b"f4", b"v", lim(4, 64)));
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"f0"), Some(&b"new"[..]));
        // One way: removing fields does not convert back.
        for i in 0..4 {
            assert!(h.remove(format!("f{i}").as_bytes()));
        }
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn long_field_or_value_converts() {
        let mut h = HashValue::new();
        h.set(b"a", &[b'x'; 64], lim(128, 64));
        assert_eq!(h.encoding(), "listpack");
        h.set(b"a", &[b'x'; 65], lim(128, 64));
        assert_eq!(h.encoding(), "hashtable");
        let mut h = HashValue::new();
        h.set(&[b'f'; 65], b"1", lim(128, 64));
        assert_eq!(h.encoding(), "hashtable");
        let mut h = HashValue::new();
        h.set(b"a", b"1", lim(0, 64));
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn remove_and_scan() {
        let mut h = HashValue::new();
        for i in 0..10 {
            h.set(format!("f{i}").as_bytes(), b"v", lim(128, 64));
        }
        assert!(h.remove(b"f3"));
        assert!(!h.remove(b"f3"));
        assert!(!h.contains(b"f3"));
        assert_eq!(h.len(), 9);
        let mut out = Vec::new();
        assert_eq!(h.scan(usize::MAX, 2, &mut out), 0);
        assert_eq!(out.len(), 9);
        h.convert_to_table();
        let mut out = Vec::new();
        let mut pos = usize::MAX;
        loop {
            pos = h.scan(pos, 2, &mut out);
            if pos == 0 {
                break;
            }
        }
        assert_eq!(out.len(), 9);
        let (f, _) = h.remove_index(0).unwrap();
        assert!(!h.contains(&f));
        assert_eq!(h.len(), 8);
    }
}
