//! A database: keys spread over a fixed number of shards, each behind its own
//! mutex, so commands run on the calling connection's thread.

use std::hash::BuildHasher;

use parking_lot::Mutex;

use crate::hold::{acquire, ShardGuard};
use rand::Rng;

use crate::shard::{DictStats, Shard};
use crate::small::SmallBytes;
use crate::value::Limits;

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

/// Whether a SCAN-family cursor names the last step of a walk. Redis reads
/// a cursor modulo its table size, so one whose low bits are all ones is
/// the step that visits the last bucket and answers cursor 0 (u64::MAX,
/// `-1`, i64::MAX). Our walks count positions down instead; a cursor whose
/// low 48 bits are all ones is no position a walk can give (no collection
/// holds 2^44 items), so it is read the same way: visit the last position
/// and end.
pub fn is_last_scan_step(cursor: u64) -> bool {
    const LOW: u64 = (1 << 48) - 1;
    cursor & LOW == LOW
}

/// Where a downward SCAN walk over one collection (a shard, a hash, set or
/// sorted set) resumes for `cursor`: 0 starts at the top (`usize::MAX`,
/// clamped by the walk to the length), the last step (see
/// [`is_last_scan_step`]) is position 1, anything else is the position.
pub fn scan_start(cursor: u64) -> usize {
    match cursor {
        0 => usize::MAX,
        c if is_last_scan_step(c) => 1,
        c => usize::try_from(c).unwrap_or(usize::MAX),
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
    pub fn lock(&self, key: &[u8]) -> ShardGuard<'_> {
        acquire(&self.shards[Db::shard_index(key)])
    }

    /// Locks shard `idx` (for walks over the whole database).
    pub fn lock_shard(&self, idx: usize) -> ShardGuard<'_> {
        acquire(&self.shards[idx])
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
                .map(|i| (i, acquire(&self.shards[i])))
                .collect(),
        }
    }

    /// The shard mutexes, in lock order (for holds).
    pub(crate) fn mutexes(&self) -> impl Iterator<Item = &Mutex<Shard>> {
        self.shards.iter()
    }

    /// The mutex of shard `idx` (for holds).
    pub(crate) fn mutex(&self, idx: usize) -> &Mutex<Shard> {
        &self.shards[idx]
    }

    /// Locks every shard, in order.
    pub fn lock_all(&self) -> Vec<ShardGuard<'_>> {
        self.shards.iter().map(acquire).collect()
    }

    /// One step of SCAN over the whole database. `cursor` is 0 to start;
    /// the return is the cursor to continue from, 0 when the walk is done.
    /// At least `count` positions are visited (fewer only at the end), one
    /// shard locked at a time; live keys go to `out` with their type name.
    ///
    /// The cursor packs (position, shard): the low 4 bits are the shard,
    /// the rest is `Shard::scan`'s position within it (0 meaning "not
    /// started"). Shards are walked in order and each shard's walk returns
    /// every key present throughout it (see `Shard::scan`), so the whole
    /// scan does too. Any value is a valid cursor: a stale or made-up one
    /// just resumes somewhere.
    pub fn scan(
        &self,
        cursor: u64,
        count: usize,
        now_ms: u64,
        out: &mut Vec<(SmallBytes, &'static str)>,
    ) -> u64 {
        const SHARD_BITS: u32 = SHARDS.trailing_zeros();
        let mut shard = (cursor as usize) & (SHARDS - 1);
        let mut pos = if is_last_scan_step(cursor) {
            // The last shard's last position (its low bits name shard 15).
            1
        } else {
            scan_start(cursor >> SHARD_BITS)
        };
        let mut budget = count.max(1);
        loop {
            let mut s = acquire(&self.shards[shard]);
            let start = pos.min(s.len());
            let next = s.scan(pos, budget, now_ms, out);
            drop(s);
            budget = budget.saturating_sub(start - next.min(start));
            if next != 0 {
                // Positions left in this shard: resume here.
                return ((next as u64) << SHARD_BITS) | shard as u64;
            }
            shard += 1;
            pos = usize::MAX;
            if shard == SHARDS {
                return 0;
            }
            if budget == 0 {
                return shard as u64;
            }
        }
    }

    /// A random live key, each shard weighted by its size so that every key
    /// is about equally likely. None when the database has no live key.
    pub fn random_key(&self, now_ms: u64, rng: &mut impl Rng) -> Option<SmallBytes> {
        // Each failed draw reclaims at least one expired key (or sees a
        // shard emptied by someone else), so this ends; the cap only
        // guards against a livelock with concurrent writers.
        for _ in 0..10_000 {
            let sizes: Vec<usize> = self.shards.iter().map(|s| acquire(s).len()).collect();
            let total: usize = sizes.iter().sum();
            if total == 0 {
                return None;
            }
            let mut r = rng.gen_range(0..total);
            let mut idx = 0;
            for (i, &n) in sizes.iter().enumerate() {
                if r < n {
                    idx = i;
                    break;
                }
                r -= n;
            }
            if let Some(k) = acquire(&self.shards[idx]).random_key(now_ms, rng) {
                return Some(k);
            }
        }
        None
    }

    /// Number of keys (expired-but-unreclaimed ones included, as Redis counts).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| acquire(s).len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of keys with a TTL.
    pub fn expires(&self) -> usize {
        self.shards.iter().map(|s| acquire(s).expires()).sum()
    }

    /// The database's dictionary sizes (see `Shard::dict_stats`), one
    /// shard locked at a time: O(shards), no walk of the keys.
    pub fn dict_stats(&self) -> DictStats {
        let mut total = DictStats::default();
        for s in self.shards.iter() {
            total += acquire(s).dict_stats();
        }
        total
    }

    /// Checks every shard (see `Shard::check_invariants`) and that each key
    /// lives in its own shard, locking one shard at a time (through the
    /// ordinary lock, so a thread inside a hold uses the shard it holds).
    pub fn check_invariants(&self, lim: &Limits) -> Result<(), String> {
        for i in 0..self.shards.len() {
            let s = self.lock_shard(i);
            s.check_invariants(lim)
                .map_err(|e| format!("shard {i}: {e}"))?;
            let stray = s
                .iter()
                .find(|(k, _)| Db::shard_index(k) != i)
                .map(|(k, _)| k.clone());
            if let Some(k) = stray {
                return Err(format!(
                    "shard {i}: key {k:?} belongs to shard {}",
                    Db::shard_index(&k)
                ));
            }
        }
        Ok(())
    }

    /// Empties the database, returning the old contents so the caller decides
    /// where they are dropped (FLUSHDB ASYNC drops them off-thread).
    pub fn take_all(&self) -> Vec<Shard> {
        self.shards.iter().map(|s| acquire(s).take()).collect()
    }
}

/// The shard(s) holding a source and a destination key, possibly in two
/// databases (RENAME, COPY, MOVE), locked in the global (database, shard)
/// order. When both keys live in the same shard there is one guard, and
/// `src()` and `dst()` return the same shard.
pub enum PairGuard<'a> {
    One(ShardGuard<'a>),
    Two {
        src: ShardGuard<'a>,
        dst: ShardGuard<'a>,
    },
}

impl PairGuard<'_> {
    /// The shard holding the source key.
    pub fn src(&mut self) -> &mut Shard {
        match self {
            PairGuard::One(g) => g,
            PairGuard::Two { src, .. } => src,
        }
    }

    /// The shard holding the destination key.
    pub fn dst(&mut self) -> &mut Shard {
        match self {
            PairGuard::One(g) => g,
            PairGuard::Two { dst, .. } => dst,
        }
    }
}

/// Guards over several shards of one database, held in ascending order.
pub struct MultiGuard<'a> {
    guards: Vec<(usize, ShardGuard<'a>)>,
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

    #[test]
    fn scan_walks_every_shard_and_ends_at_zero() {
        let db = Db::new();
        for i in 0..1000 {
            let k = format!("k{i}");
            db.lock(k.as_bytes()).set(k.as_bytes(), Value::string(b"v"));
        }
        for count in [1, 7, 100, 5000] {
            let mut seen = std::collections::HashSet::new();
            let mut cursor = 0;
            let mut calls = 0;
            loop {
                let mut out = Vec::new();
                cursor = db.scan(cursor, count, 0, &mut out);
                seen.extend(out.into_iter().map(|(k, _)| k.to_vec()));
                calls += 1;
                if cursor == 0 {
                    break;
                }
            }
            assert_eq!(seen.len(), 1000, "count {count}");
            assert!(
                calls <= 1000 / count + SHARDS + 1,
                "count {count}: {calls} calls"
            );
        }
        // Made-up cursors resume somewhere and still end.
        for c in [1u64, 17, u64::MAX] {
            let mut out = Vec::new();
            assert_eq!(db.scan(c, usize::MAX, 0, &mut out), 0);
        }
        // A cursor of all ones is the last step, as in Redis: at most the
        // last shard's bottom key, then the end.
        for c in [u64::MAX, i64::MAX as u64, (1 << 48) - 1] {
            let mut out = Vec::new();
            assert_eq!(db.scan(c, 1, 0, &mut out), 0, "{c}");
            assert!(out.len() <= 1, "{c}: {out:?}");
        }
    }

    #[test]
    fn random_key_finds_keys_and_none_when_empty() {
        let db = Db::new();
        let mut rng = rand::thread_rng();
        assert!(db.random_key(0, &mut rng).is_none());
        db.lock(b"a").set(b"a", Value::string(b"v"));
        assert_eq!(db.random_key(0, &mut rng).as_deref(), Some(&b"a"[..]));
    }

    #[test]
    fn invariant_check_finds_a_key_in_the_wrong_shard() {
        let lim = Limits::default();
        let db = Db::new();
        db.lock(b"a").set(b"a", Value::string(b"1"));
        assert_eq!(db.check_invariants(&lim), Ok(()));
        let wrong = (Db::shard_index(b"x") + 1) % SHARDS;
        db.lock_shard(wrong).set(b"x", Value::string(b"1"));
        assert!(db
            .check_invariants(&lim)
            .unwrap_err()
            .contains("belongs to shard"));
    }
}
