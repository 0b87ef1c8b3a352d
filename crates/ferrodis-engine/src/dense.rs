//! `DenseMap`: the keyspace's dictionary. Entries live in one dense vector
//! (so a uniformly random entry is one index away, and SCAN can walk
//! positions), and a hash table maps hashes to 32-bit positions.
//!
//! Compared with IndexMap this stores no hash per entry (hashes are
//! recomputed from keys when the table grows) and 4-byte positions instead
//! of 8, about 12 bytes less per key — the keyspace's largest fixed cost.
//!
//! Invariants: `index` holds exactly one position for each entry, and
//! `entries[pos].0` hashes (with `hasher`) to the hash it is filed under.
//! At most u32::MAX entries per map (a shard), far above what fits in memory
//! for one shard of one database.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::small::SmallBytes;

/// Bytes a hashbrown table with room for `capacity` items of type `T`
/// allocates: a power-of-two bucket count (load factor 7/8 from 8 buckets
/// up), one slot and one control byte per bucket, plus one group of
/// trailing control bytes. An estimate of its layout, exact enough for
/// MEMORY STATS.
pub fn hash_table_bytes<T>(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets = if capacity < 8 {
        (capacity + 1).next_power_of_two()
    } else {
        (capacity * 8 / 7).next_power_of_two()
    };
    buckets * (std::mem::size_of::<T>() + 1) + 16
}

pub struct DenseMap<V> {
    entries: Vec<(SmallBytes, V)>,
    index: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl<V> Default for DenseMap<V> {
    fn default() -> Self {
        DenseMap {
            entries: Vec::new(),
            index: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }
}

impl<V> DenseMap<V> {
    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    pub fn position(&self, key: &[u8]) -> Option<usize> {
        let h = self.hash(key);
        let entries = &self.entries;
        self.index
            .find(h, |&i| entries[i as usize].0.as_slice() == key)
            .map(|&i| i as usize)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.position(key).map(move |i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.position(key).is_some()
    }

    /// Inserts a key known to be absent.
    pub fn insert_new(&mut self, key: SmallBytes, value: V) {
        let h = self.hash(&key);
        let pos = self.entries.len() as u32;
        self.entries.push((key, value));
        let (entries, hasher) = (&self.entries, &self.hasher);
        self.index.insert_unique(h, pos, |&i| {
            hasher.hash_one(entries[i as usize].0.as_slice())
        });
    }

    /// Removes `key`, moving the last entry into its place.
    pub fn swap_remove(&mut self, key: &[u8]) -> Option<V> {
        let h = self.hash(key);
        let entries = &self.entries;
        let slot = self
            .index
            .find_entry(h, |&i| entries[i as usize].0.as_slice() == key)
            .ok()?;
        let (pos, _) = slot.remove();
        let pos = pos as usize;
        let last = self.entries.len() - 1;
        if pos != last {
            // Re-file the entry that moves from `last` to `pos`.
            let moved_hash = self.hash(&self.entries[last].0);
            if let Some(p) = self.index.find_mut(moved_hash, |&i| i as usize == last) {
                *p = pos as u32;
            }
        }
        Some(self.entries.swap_remove(pos).1)
    }

    /// Bytes the map itself holds (its entry vector's capacity and its
    /// index table), apart from what keys and values own on the heap.
    pub fn table_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(SmallBytes, V)>()
            + hash_table_bytes::<u32>(self.index.capacity())
    }

    /// Asks the CPU to start loading entry `pos` (a hint; nothing happens
    /// off x86-64). A sampler reading several random entries hints them
    /// all first, so their cache misses overlap instead of queueing.
    pub fn prefetch(&self, pos: usize) {
        #[cfg(target_arch = "x86_64")]
        if let Some(e) = self.entries.get(pos) {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: SSE is part of the x86-64 baseline, and a prefetch
            // of a valid address reads or writes nothing the program sees.
            unsafe { _mm_prefetch::<_MM_HINT_T0>((e as *const (SmallBytes, V)).cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = pos;
    }

    pub fn get_index(&self, pos: usize) -> Option<(&SmallBytes, &V)> {
        self.entries.get(pos).map(|(k, v)| (k, v))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&SmallBytes, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Checks the invariants above: one index slot per entry, each
    /// position in range and distinct, and each key found (through its
    /// hash) at its own position, so keys are distinct too.
    pub fn check_invariants(&self) -> Result<(), String> {
        let n = self.entries.len();
        if n > u32::MAX as usize {
            return Err(format!("dense map: {n} entries, over u32 positions"));
        }
        if self.index.len() != n {
            return Err(format!(
                "dense map: {} index slots for {n} entries",
                self.index.len()
            ));
        }
        let mut seen = vec![false; n];
        for &p in self.index.iter() {
            match seen.get_mut(p as usize) {
                Some(s) if !*s => *s = true,
                Some(_) => return Err(format!("dense map: position {p} indexed twice")),
                None => return Err(format!("dense map: position {p} out of range {n}")),
            }
        }
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if self.position(k) != Some(i) {
                return Err(format!(
                    "dense map: key {k:?} at position {i} not found there through the index"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use std::collections::HashMap;

    #[test]
    fn matches_a_model_under_random_operations() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut m: DenseMap<u32> = DenseMap::default();
        let mut model: HashMap<Vec<u8>, u32> = HashMap::new();
        for step in 0..20_000u32 {
            let k = format!("k{}", rng.gen_range(0..500)).into_bytes();
            if rng.gen_bool(0.6) {
                match m.get_mut(&k) {
                    Some(v) => *v = step,
                    None => m.insert_new(SmallBytes::new(&k), step),
                }
                model.insert(k, step);
            } else {
                assert_eq!(m.swap_remove(&k), model.remove(&k));
            }
            assert_eq!(m.len(), model.len());
            if step % 1000 == 0 {
                assert_eq!(m.check_invariants(), Ok(()));
            }
        }
        assert_eq!(m.check_invariants(), Ok(()));
        for (k, v) in &model {
            assert_eq!(m.get(k), Some(v));
        }
        let mut seen = 0;
        for (k, v) in m.iter() {
            assert_eq!(model.get(k.as_slice()), Some(v));
            seen += 1;
        }
        assert_eq!(seen, model.len());
    }
}
