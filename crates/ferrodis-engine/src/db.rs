//! A database: keys spread over a fixed number of shards, each behind its own
//! mutex, so commands run on the calling connection's thread.

use std::hash::BuildHasher;

use parking_lot::{Mutex, MutexGuard};

use crate::shard::Shard;

/// Shards per database. A power of two, so a key's shard is a mask of its hash.
pub const SHARDS: usize = 16;

/// Shard selection uses its own fixed-seed hash: the shard of a key must not
/// change for the life of the process, and it is independent of the
/// per-shard map's randomized hasher.
fn shard_hash(key: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6665_7272_6f64_6973).hash_one(key)
}

/// One database.
///
/// Invariant: a key lives only in shard `shard_index(key)`. Code that holds
/// several shard locks (of one or several databases) takes them in ascending
/// (database, shard) order, so lock cycles cannot form.
pub struct Db {
    shards: Box<[Mutex<Shard>]>,
}

impl Default for Db {
    fn default() -> Self {
        Db::new()
    }
}

impl Db {
    pub fn new() -> Db {
        Db {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::new())).collect(),
        }
    }

    pub fn shard_index(key: &[u8]) -> usize {
        (shard_hash(key) >> 32) as usize & (SHARDS - 1)
    }

    /// Locks the shard that holds `key`.
    pub fn lock(&self, key: &[u8]) -> MutexGuard<'_, Shard> {
        self.shards[Db::shard_index(key)].lock()
    }

    /// Locks shard `idx` (for walks over the whole database).
    pub fn lock_shard(&self, idx: usize) -> MutexGuard<'_, Shard> {
        self.shards[idx].lock()
    }

    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Locks the distinct shards that hold `keys`, in ascending order.
    pub fn lock_keys<'a, I>(&self, keys: I) -> MultiGuard<'_>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut idx: Vec<usize> = keys.into_iter().map(Db::shard_index).collect();
        idx.sort_unstable();
        idx.dedup();
        MultiGuard {
            guards: idx
                .into_iter()
                .map(|i| (i, self.shards[i].lock()))
                .collect(),
        }
    }

    /// Locks every shard, in order.
    pub fn lock_all(&self) -> Vec<MutexGuard<'_, Shard>> {
        self.shards.iter().map(|s| s.lock()).collect()
    }

    /// Number of keys (expired-but-unreclaimed ones included, as Redis counts).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of keys with a TTL.
    pub fn expires(&self) -> usize {
        self.shards.iter().map(|s| s.lock().expires()).sum()
    }

    /// Empties the database, returning the old contents so the caller decides
    /// where they are dropped (FLUSHDB ASYNC drops them off-thread).
    pub fn take_all(&self) -> Vec<Shard> {
        self.shards.iter().map(|s| s.lock().take()).collect()
    }
}

/// Guards over several shards of one database, held in ascending order.
pub struct MultiGuard<'a> {
    guards: Vec<(usize, MutexGuard<'a, Shard>)>,
}

impl MultiGuard<'_> {
    /// The locked shard that holds `key`.
    ///
    /// Panics if `key` was not among the keys locked, which is a bug in the
    /// calling command (its key list comes from the same arguments).
    pub fn shard(&mut self, key: &[u8]) -> &mut Shard {
        let want = Db::shard_index(key);
        let pos = self
            .guards
            .binary_search_by_key(&want, |(i, _)| *i)
            .unwrap_or_else(|_| panic!("shard {want} not locked"));
        &mut self.guards[pos].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn multi_guard_finds_every_key() {
        let db = Db::new();
        let keys: Vec<Vec<u8>> = (0..100).map(|i| format!("k{i}").into_bytes()).collect();
        {
            let mut g = db.lock_keys(keys.iter().map(|k| k.as_slice()));
            for k in &keys {
                g.shard(k).set(k, Value::string(b"v"));
            }
        }
        assert_eq!(db.len(), 100);
        assert!(db.lock(b"k7").contains(b"k7", 0));
    }
}
