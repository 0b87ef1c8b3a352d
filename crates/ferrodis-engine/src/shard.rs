//! A shard: the keys that hash to one lock.

use bytes::Bytes;
use indexmap::IndexMap;

use crate::value::Value;

type Map = IndexMap<Bytes, Entry, foldhash::fast::RandomState>;

/// What a key maps to.
///
/// Invariant: `expire_at` is an absolute Unix time in milliseconds, or 0 for
/// no expiry; a key whose `expire_at` is in the past is logically absent.
#[derive(Debug, Clone)]
pub struct Entry {
    pub value: Value,
    pub expire_at: u64,
}

impl Entry {
    pub fn new(value: Value) -> Entry {
        Entry {
            value,
            expire_at: 0,
        }
    }

    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expire_at != 0 && self.expire_at <= now_ms
    }
}

/// The keys of one database that hash to one lock.
///
/// Invariants: `expires` counts the entries with `expire_at != 0`. Entries
/// live in a dense vector (IndexMap), so a uniformly random entry can be
/// sampled in O(1) for expiry and eviction.
#[derive(Default)]
pub struct Shard {
    map: Map,
    expires: usize,
}

impl Shard {
    pub fn new() -> Shard {
        Shard::default()
    }

    /// Number of keys, expired-but-not-yet-reclaimed ones included.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Number of keys with a time to live.
    pub fn expires(&self) -> usize {
        self.expires
    }

    /// Deletes `key` if it has expired. The one place where expiry removes a
    /// key, so that later propagation (DEL to replicas and AOF) hooks in here.
    fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) -> bool {
        let expired = matches!(self.map.get(key), Some(e) if e.is_expired(now_ms));
        if expired {
            self.remove(key);
        }
        expired
    }

    /// The live entry under `key`, deleting it first if it has expired.
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        self.expire_if_needed(key, now_ms);
        self.map.get(key)
    }

    /// The live entry under `key` for modification.
    pub fn get_mut(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Entry> {
        self.expire_if_needed(key, now_ms);
        self.map.get_mut(key)
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms).is_some()
    }

    /// Stores `value` under `key`, dropping any previous value and TTL.
    pub fn set(&mut self, key: &[u8], value: Value) {
        self.insert(key, Entry::new(value));
    }

    /// Stores a whole entry, replacing any previous one.
    pub fn insert(&mut self, key: &[u8], entry: Entry) {
        if entry.expire_at != 0 {
            self.expires += 1;
        }
        let old = match self.map.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, entry)),
            None => {
                self.map.insert(Bytes::copy_from_slice(key), entry);
                None
            }
        };
        if let Some(old) = old {
            if old.expire_at != 0 {
                self.expires -= 1;
            }
        }
    }

    /// Removes `key` whether or not it has expired.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let old = self.map.swap_remove(key)?;
        if old.expire_at != 0 {
            self.expires -= 1;
        }
        Some(old)
    }

    /// Removes every key, returning how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.map.len();
        self.map = Map::default();
        self.expires = 0;
        n
    }

    /// Moves all contents out, leaving the shard empty.
    pub fn take(&mut self) -> Shard {
        std::mem::take(self)
    }

    /// Iterates over all entries, expired ones included.
    pub fn iter(&self) -> impl Iterator<Item = (&Bytes, &Entry)> {
        self.map.iter()
    }

    /// Sum and count of the remaining TTLs of keys with an expiry, for
    /// INFO's avg_ttl.
    pub fn ttl_stats(&self, now_ms: u64) -> (u128, u64) {
        let mut sum = 0u128;
        let mut n = 0u64;
        for e in self.map.values() {
            if e.expire_at > now_ms {
                sum += (e.expire_at - now_ms) as u128;
                n += 1;
            }
        }
        (sum, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_expiry_removes_and_counts() {
        let mut s = Shard::new();
        s.insert(
            b"a",
            Entry {
                value: Value::string(b"1"),
                expire_at: 100,
            },
        );
        s.set(b"b", Value::string(b"2"));
        assert_eq!(s.expires(), 1);
        assert!(s.get(b"a", 50).is_some());
        assert!(s.get(b"a", 100).is_none());
        assert_eq!(s.len(), 1);
        assert_eq!(s.expires(), 0);
    }

    #[test]
    fn overwrite_drops_ttl() {
        let mut s = Shard::new();
        s.insert(
            b"a",
            Entry {
                value: Value::string(b"1"),
                expire_at: 100,
            },
        );
        s.set(b"a", Value::string(b"2"));
        assert_eq!(s.expires(), 0);
        assert_eq!(s.get(b"a", 1000).map(|e| e.expire_at), Some(0));
    }
}
