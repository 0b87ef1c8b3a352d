//! A shard: the keys of one database that hash to one lock.

use indexmap::IndexMap;
use rand::Rng;

use crate::dense::DenseMap;
use crate::small::SmallBytes;
use crate::value::{Limits, Value};

type Hasher = foldhash::fast::RandomState;
type Map = DenseMap<Entry>;

/// What a key maps to. Its expire time, if any, lives in the shard's TTL
/// index (as Redis keeps a separate expires dict): most keys have none, and
/// keeping it out of `Entry` saves 8 bytes on every key.
///
/// Invariant: `access` is the LRU clock or LFU counter (see `access`).
#[derive(Debug, Clone)]
pub struct Entry {
    pub value: Value,
    pub access: u32,
}

impl Entry {
    /// A new entry, its access clock stamped now (a new key is not idle).
    pub fn new(value: Value) -> Entry {
        Entry {
            value,
            access: crate::access::initial(crate::clock::now_ms()),
        }
    }
}

pub use crate::access::lru_clock;

/// Replica mode: a replica never deletes expired keys itself (its primary
/// sends DEL); readers see them as absent, and the primary's own commands
/// (applied by the replication link) see them as present, as in Redis 7.0.
static REPLICA_EXPIRY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

thread_local! {
    static MASTER_CONTEXT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Turns replica expiry semantics on (REPLICAOF) or off (promotion).
pub fn set_replica_expiry(on: bool) {
    REPLICA_EXPIRY.store(on, std::sync::atomic::Ordering::Release);
}

pub fn replica_expiry() -> bool {
    REPLICA_EXPIRY.load(std::sync::atomic::Ordering::Relaxed)
}

/// Set while CLIENT PAUSE holds the clients: expired keys are hidden but
/// not deleted, so that nothing changes the data (or is replicated) until
/// the pause ends, as in Redis 7.0.
static EXPIRY_PAUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_expiry_paused(on: bool) {
    EXPIRY_PAUSED.store(on, std::sync::atomic::Ordering::Release);
}

pub fn expiry_paused() -> bool {
    EXPIRY_PAUSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs `f` as the primary's client: expired keys are still present.
pub fn as_master<R>(f: impl FnOnce() -> R) -> R {
    let old = MASTER_CONTEXT.with(|c| c.replace(true));
    let r = f();
    MASTER_CONTEXT.with(|c| c.set(old));
    r
}

/// Whether an expire time (0: none) has passed.
fn is_past(expire_at: u64, now_ms: u64) -> bool {
    expire_at != 0 && expire_at <= now_ms
}

/// The keys of one database that hash to one lock.
///
/// Invariants: `ttl` holds exactly the keys that have an expire time (an
/// absolute Unix time in milliseconds, never 0), each of them present in
/// `map`; a key whose time is not in the future is logically absent.
/// Entries live in a dense vector (`DenseMap`: no stored hash, 4-byte
/// positions), so a uniformly random key can be drawn in O(1), and SCAN
/// walks positions downwards (see `scan`). `expired`/`evicted` count keys
/// the server removed on its own.
#[derive(Default)]
pub struct Shard {
    map: Map,
    ttl: IndexMap<SmallBytes, u64, Hasher>,
    /// Next position of the active-expiry walk over `ttl`.
    expire_cursor: usize,
    expired: u64,
    evicted: u64,
    /// Told about keys the server deletes on its own; with the index of
    /// the database this shard belongs to.
    hook: Option<(usize, RemovalHook)>,
    /// A copy-on-write snapshot in progress (see `snapshot_start`).
    snap: Option<Box<Snap>>,
}

/// Per-shard state of a background snapshot (BGSAVE) taken at one instant
/// without copying the dataset. The saver walks positions downwards;
/// positions `[0, cursor)` are not yet written. Before an unwritten key
/// changes (modified, replaced, given a TTL, deleted by a command, expiry
/// or eviction), its value at the snapshot instant is cloned into
/// `preserved` and the key joins `skip`; keys that land among the unwritten
/// positions but must not be written from there (added after the instant,
/// or moved down by a removal after being written) join `skip` too. So
/// the extra memory is proportional to what changes during the save.
#[derive(Default)]
struct Snap {
    cursor: usize,
    skip: std::collections::HashSet<SmallBytes, Hasher>,
    preserved: Vec<(SmallBytes, Value, u64)>,
}

/// Entries a snapshot step hands to the saver.
pub type Preserved = Vec<(SmallBytes, Value, u64)>;

/// Called with (database, key, why) under the shard's lock, so it must not
/// lock shards itself.
pub type RemovalHook = std::sync::Arc<dyn Fn(usize, &[u8], Removal) + Send + Sync>;

/// Why the server itself deleted a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Expired,
    Evicted,
}

/// Sizes of a shard's (or a database's) dictionaries; see
/// `Shard::dict_stats`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DictStats {
    pub keys: usize,
    pub expires: usize,
    pub main_bytes: usize,
    pub expires_bytes: usize,
}

impl std::ops::AddAssign for DictStats {
    fn add_assign(&mut self, o: DictStats) {
        self.keys += o.keys;
        self.expires += o.expires;
        self.main_bytes += o.main_bytes;
        self.expires_bytes += o.expires_bytes;
    }
}

/// What one step of the active-expiry walk saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExpireStep {
    pub checked: usize,
    pub expired: usize,
}

impl Shard {
    pub fn new() -> Shard {
        Shard::default()
    }

    /// Number of keys, expired-but-not-yet-reclaimed ones included (as
    /// Redis's DBSIZE counts).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Number of keys with a time to live.
    pub fn expires(&self) -> usize {
        self.ttl.len()
    }

    /// The shard's dictionaries as MEMORY STATS reports them: key count,
    /// TTL count, and the bytes of the main dictionary and of the TTL
    /// index themselves (vectors and hash tables at their capacity; the
    /// heap that keys and values own is not included). O(1).
    pub fn dict_stats(&self) -> DictStats {
        // IndexMap stores each entry with its hash, beside a table of
        // positions.
        let ttl_entry = std::mem::size_of::<(u64, SmallBytes, u64)>();
        DictStats {
            keys: self.map.len(),
            expires: self.ttl.len(),
            main_bytes: self.map.table_bytes(),
            expires_bytes: self.ttl.capacity() * ttl_entry
                + crate::dense::hash_table_bytes::<usize>(self.ttl.capacity()),
        }
    }

    /// Keys removed by expiry (lazy or active) since the shard was created.
    pub fn expired_total(&self) -> u64 {
        self.expired
    }

    /// The expire time of `key` (Unix ms), or 0 for none (or no such key).
    pub fn expire_at(&self, key: &[u8]) -> u64 {
        if self.ttl.is_empty() {
            return 0;
        }
        self.ttl.get(key).copied().unwrap_or(0)
    }

    /// Whether `key` has an expire time that has passed.
    pub fn is_expired_key(&self, key: &[u8], now_ms: u64) -> bool {
        is_past(self.expire_at(key), now_ms)
    }

    /// Deletes `key` if it has expired. The one place where expiry removes a
    /// key, so that propagation (DEL to replicas and the AOF) hooks in here.
    fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) -> bool {
        let expired = self.is_expired_key(key, now_ms);
        if expired {
            if expiry_paused() {
                return true;
            }
            if replica_expiry() {
                // Hidden from readers, kept until the primary's DEL.
                return !MASTER_CONTEXT.with(|c| c.get());
            }
            self.delete_by_server(key, Removal::Expired);
        }
        expired
    }

    /// The single path for keys the server deletes on its own (expiry and
    /// eviction): counts them, and is where their DEL will be propagated
    /// to replicas and the AOF.
    fn delete_by_server(&mut self, key: &[u8], why: Removal) -> bool {
        let removed = self.remove(key).is_some();
        if removed {
            match why {
                Removal::Expired => self.expired += 1,
                Removal::Evicted => self.evicted += 1,
            }
            if let Some((db, hook)) = &self.hook {
                hook(*db, key, why);
            }
        }
        removed
    }

    /// Installs the removal hook (see `Keyspace::set_removal_hook`).
    pub fn set_removal_hook(&mut self, db: usize, hook: RemovalHook) {
        self.hook = Some((db, hook));
    }

    /// Evicts `key` (maxmemory); false if it is gone already.
    pub fn evict(&mut self, key: &[u8]) -> bool {
        self.delete_by_server(key, Removal::Evicted)
    }

    /// Keys evicted from this shard since it was created.
    pub fn evicted_total(&self) -> u64 {
        self.evicted
    }

    /// A random entry, with its expire time, for the eviction sampler:
    /// from all keys, or only from keys with a TTL (`volatile`).
    pub fn sample(&self, volatile: bool, rng: &mut impl Rng) -> Option<(&SmallBytes, &Entry, u64)> {
        let len = self.sample_len(volatile);
        if len == 0 {
            return None;
        }
        self.sampled_at(volatile, rng.gen_range(0..len))
    }

    /// How many entries `sample` picks from.
    fn sample_len(&self, volatile: bool) -> usize {
        if volatile {
            self.ttl.len()
        } else {
            self.map.len()
        }
    }

    /// The entry at position `pos` of what `sample` picks from, with its
    /// expire time.
    fn sampled_at(&self, volatile: bool, pos: usize) -> Option<(&SmallBytes, &Entry, u64)> {
        if volatile {
            let (k, &at) = self.ttl.get_index(pos)?;
            self.map.get(k).map(|e| (k, e, at))
        } else {
            let (k, e) = self.map.get_index(pos)?;
            Some((k, e, self.expire_at(k)))
        }
    }

    /// Up to `n` (at most 16) random entries with their expire times, as
    /// `sample` picks them, passed to `f`. All are prefetched before the
    /// first is read: the eviction sampler's cost is these cache misses.
    pub fn sample_many(
        &self,
        volatile: bool,
        n: usize,
        rng: &mut impl Rng,
        mut f: impl FnMut(&SmallBytes, &Entry, u64),
    ) {
        let len = self.sample_len(volatile);
        if len == 0 {
            return;
        }
        let mut picks = [0usize; 16];
        let picks = &mut picks[..n.min(16)];
        for p in picks.iter_mut() {
            *p = rng.gen_range(0..len);
            if !volatile {
                self.map.prefetch(*p);
            }
        }
        for &p in picks.iter() {
            if let Some((k, e, at)) = self.sampled_at(volatile, p) {
                f(k, e, at);
            }
        }
    }

    /// The live entry under `key`, deleting it first if it has expired, and
    /// recording the access for LRU.
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        if self.expire_if_needed(key, now_ms) {
            return None;
        }
        let e = self.map.get_mut(key)?;
        e.access = crate::access::touched(e.access, now_ms);
        Some(&*e)
    }

    /// The live entry under `key` for modification (access recorded).
    pub fn get_mut(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Entry> {
        if self.expire_if_needed(key, now_ms) {
            return None;
        }
        if self.snap.is_some() {
            self.preserve(key);
        }
        let e = self.map.get_mut(key)?;
        e.access = crate::access::touched(e.access, now_ms);
        Some(e)
    }

    /// The live entry without recording an access (OBJECT, TYPE-like
    /// introspection that must not disturb LRU).
    pub fn peek(&mut self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        if self.expire_if_needed(key, now_ms) {
            return None;
        }
        self.map.get(key)
    }

    /// Whether `key` is stored, expired or not (no lazy expiry).
    pub fn has_entry(&self, key: &[u8]) -> bool {
        self.map.contains_key(key)
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.peek(key, now_ms).is_some()
    }

    /// Stores `value` under `key` with no TTL, dropping any previous value.
    pub fn set(&mut self, key: &[u8], value: Value) {
        self.insert(key, Entry::new(value));
    }

    /// Stores a whole entry with no TTL, replacing any previous entry and
    /// its TTL; returns the old entry.
    pub fn insert(&mut self, key: &[u8], entry: Entry) -> Option<Entry> {
        self.insert_with_expire(key, entry, 0)
    }

    /// Stores a whole entry with an expire time (0: none), replacing any
    /// previous entry and its TTL; returns the old entry.
    pub fn insert_with_expire(
        &mut self,
        key: &[u8],
        entry: Entry,
        expire_at: u64,
    ) -> Option<Entry> {
        if self.snap.is_some() {
            self.preserve(key);
        }
        let old = match self.map.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, entry)),
            None => {
                self.map.insert_new(SmallBytes::new(key), entry);
                if let Some(s) = &mut self.snap {
                    // A key added after the snapshot instant, among the
                    // unwritten positions: not part of the snapshot.
                    if self.map.len() - 1 < s.cursor {
                        s.skip.insert(SmallBytes::new(key));
                    }
                }
                None
            }
        };
        self.file_ttl(key, expire_at);
        old
    }

    /// Files `key`'s expire time in the TTL index (0 removes it).
    fn file_ttl(&mut self, key: &[u8], expire_at: u64) {
        if expire_at == 0 {
            if !self.ttl.is_empty() {
                self.ttl.swap_remove(key);
            }
        } else if let Some(at) = self.ttl.get_mut(key) {
            *at = expire_at;
        } else {
            self.ttl.insert(SmallBytes::new(key), expire_at);
        }
    }

    /// Sets or clears (0) the TTL of an existing key; false if it is absent.
    pub fn set_expire(&mut self, key: &[u8], expire_at: u64) -> bool {
        if !self.map.contains_key(key) {
            return false;
        }
        if self.snap.is_some() {
            self.preserve(key);
        }
        self.file_ttl(key, expire_at);
        true
    }

    /// Removes `key` (and its TTL) whether or not it has expired.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.remove_with_expire(key).map(|(e, _)| e)
    }

    /// Removes `key`, returning its entry and expire time (0: none), so it
    /// can move elsewhere with its TTL (RENAME, MOVE).
    pub fn remove_with_expire(&mut self, key: &[u8]) -> Option<(Entry, u64)> {
        if self.snap.is_some() {
            return self.remove_during_snapshot(key);
        }
        let old = self.map.swap_remove(key)?;
        let at = if self.ttl.is_empty() {
            0
        } else {
            self.ttl.swap_remove(key).unwrap_or(0)
        };
        Some((old, at))
    }

    /// Removes every key, returning how many there were.
    pub fn clear(&mut self) -> usize {
        self.preserve_all();
        let n = self.map.len();
        self.map = Map::default();
        self.ttl = IndexMap::default();
        self.expire_cursor = 0;
        n
    }

    /// Moves all contents out, leaving the shard empty (the expiry counter
    /// stays with the shard).
    pub fn take(&mut self) -> Shard {
        self.preserve_all();
        let (expired, evicted) = (self.expired, self.evicted);
        let hook = self.hook.take();
        let snap = self.snap.take();
        let out = std::mem::take(self);
        self.expired = expired;
        self.evicted = evicted;
        self.hook = hook;
        self.snap = snap;
        out
    }

    /// Swaps contents with another shard (SWAPDB); expiry counters stay.
    pub fn swap_contents(&mut self, other: &mut Shard) {
        self.preserve_all();
        other.preserve_all();
        std::mem::swap(&mut self.map, &mut other.map);
        std::mem::swap(&mut self.ttl, &mut other.ttl);
        self.expire_cursor = 0;
        other.expire_cursor = 0;
    }

    /// Clones the entry under `key` into the snapshot if the saver has
    /// not written it yet (see `Snap`).
    fn preserve(&mut self, key: &[u8]) {
        let Some(s) = &mut self.snap else {
            return;
        };
        let Some(pos) = self.map.position(key) else {
            return;
        };
        if pos >= s.cursor || s.skip.contains(key) {
            return;
        }
        let Some((k, e)) = self.map.get_index(pos) else {
            return;
        };
        let at = if self.ttl.is_empty() {
            0
        } else {
            self.ttl.get(key).copied().unwrap_or(0)
        };
        s.preserved.push((k.clone(), e.value.clone(), at));
        s.skip.insert(k.clone());
    }

    /// Preserves every unwritten entry (FLUSHDB, SWAPDB during a save).
    fn preserve_all(&mut self) {
        let Some(s) = &mut self.snap else {
            return;
        };
        for pos in 0..s.cursor.min(self.map.len()) {
            let Some((k, e)) = self.map.get_index(pos) else {
                continue;
            };
            if s.skip.contains(k.as_slice()) {
                continue;
            }
            let at = self.ttl.get(k.as_slice()).copied().unwrap_or(0);
            s.preserved.push((k.clone(), e.value.clone(), at));
        }
        s.cursor = 0;
        s.skip.clear();
    }

    #[cold]
    fn remove_during_snapshot(&mut self, key: &[u8]) -> Option<(Entry, u64)> {
        self.preserve(key);
        let pos = self.map.position(key)?;
        let last = self.map.len() - 1;
        let old = self.map.swap_remove(key)?;
        let at = if self.ttl.is_empty() {
            0
        } else {
            self.ttl.swap_remove(key).unwrap_or(0)
        };
        if let Some(s) = &mut self.snap {
            if pos != last && last >= s.cursor && pos < s.cursor {
                // A written (or post-instant) entry moved down among the
                // unwritten ones: it must not be written again.
                if let Some((k, _)) = self.map.get_index(pos) {
                    s.skip.insert(k.clone());
                }
            }
            s.cursor = s.cursor.min(self.map.len());
        }
        Some((old, at))
    }

    /// Starts a snapshot of this shard at this instant.
    pub fn snapshot_start(&mut self) {
        self.snap = Some(Box::new(Snap {
            cursor: self.map.len(),
            ..Default::default()
        }));
    }

    /// Whether a snapshot of this shard is in progress.
    pub fn snapshot_active(&self) -> bool {
        self.snap.is_some()
    }

    /// Abandons the snapshot (a failed or cancelled save).
    pub fn snapshot_abort(&mut self) {
        self.snap = None;
    }

    /// Writes up to `budget` unwritten entries through `emit` (key, value,
    /// expire time), highest positions first, and returns the preserved
    /// entries gathered so far plus whether the shard is done (its
    /// snapshot state is then dropped).
    pub fn snapshot_step(
        &mut self,
        budget: usize,
        mut emit: impl FnMut(&[u8], &Value, u64),
    ) -> (Preserved, bool) {
        let Some(s) = &mut self.snap else {
            return (Vec::new(), true);
        };
        let mut n = 0;
        while n < budget && s.cursor > 0 {
            s.cursor -= 1;
            let Some((k, e)) = self.map.get_index(s.cursor) else {
                continue;
            };
            if s.skip.contains(k.as_slice()) {
                continue;
            }
            let at = if self.ttl.is_empty() {
                0
            } else {
                self.ttl.get(k.as_slice()).copied().unwrap_or(0)
            };
            emit(k, &e.value, at);
            n += 1;
        }
        let preserved = std::mem::take(&mut s.preserved);
        let done = s.cursor == 0;
        if done {
            self.snap = None;
        }
        (preserved, done)
    }

    /// Iterates over all entries, expired ones included.
    pub fn iter(&self) -> impl Iterator<Item = (&SmallBytes, &Entry)> {
        self.map.iter()
    }

    /// Sum and count of the remaining TTLs, for INFO's avg_ttl.
    pub fn ttl_stats(&self, now_ms: u64) -> (u128, u64) {
        let mut sum = 0u128;
        let mut n = 0u64;
        for &at in self.ttl.values() {
            if at > now_ms {
                sum += (at - now_ms) as u128;
                n += 1;
            }
        }
        (sum, n)
    }

    /// A uniformly random live key, reclaiming expired ones it draws (a
    /// bounded number of tries, so a shard full of expired keys cannot
    /// stall the caller).
    pub fn random_key(&mut self, now_ms: u64, rng: &mut impl Rng) -> Option<SmallBytes> {
        for _ in 0..100 {
            if self.map.is_empty() {
                return None;
            }
            let i = rng.gen_range(0..self.map.len());
            let k = self.map.get_index(i)?.0.clone();
            if !self.is_expired_key(&k, now_ms) {
                return Some(k);
            }
            self.expire_if_needed(&k, now_ms);
        }
        None
    }

    /// One step of SCAN over this shard. Positions are visited downwards:
    /// `pos` is how many positions remain unvisited (start with
    /// `usize::MAX`); the return is the new `pos`, 0 when done.
    ///
    /// Why downwards: removal moves the last entry into the freed slot.
    /// Every entry above the walk has been visited, so an entry moved from
    /// the top into the visited region was visited already, and one moved
    /// into the unvisited region is merely seen twice. New entries are
    /// appended on top (the visited side) and may be missed, which SCAN
    /// allows. So a key present for the whole scan is returned at least once.
    pub fn scan(
        &mut self,
        pos: usize,
        count: usize,
        now_ms: u64,
        out: &mut Vec<(SmallBytes, &'static str)>,
    ) -> usize {
        let mut pos = pos.min(self.map.len());
        let stop = pos.saturating_sub(count.max(1));
        let mut expired = Vec::new();
        while pos > stop {
            pos -= 1;
            if let Some((k, e)) = self.map.get_index(pos) {
                if self.is_expired_key(k, now_ms) {
                    expired.push(k.clone());
                } else {
                    out.push((k.clone(), e.value.type_name()));
                }
            }
        }
        for k in expired {
            self.expire_if_needed(&k, now_ms);
        }
        pos
    }

    /// Checks the invariants above and every value's own (against `lim`):
    /// the dense map is consistent, every TTL'd key exists and its time is
    /// not 0, no collection under a key is empty, a snapshot's cursor is
    /// within the map. Costs O(keys + elements); for tests and fuzzers,
    /// between commands.
    pub fn check_invariants(&self, lim: &Limits) -> Result<(), String> {
        self.map.check_invariants()?;
        for (k, &at) in &self.ttl {
            if at == 0 {
                return Err(format!(
                    "shard: key {k:?} has expire time 0 in the TTL index"
                ));
            }
            if !self.map.contains_key(k) {
                return Err(format!("shard: TTL'd key {k:?} is not in the map"));
            }
        }
        if let Some(s) = &self.snap {
            if s.cursor > self.map.len() {
                return Err(format!(
                    "shard: snapshot cursor {} past {} keys",
                    s.cursor,
                    self.map.len()
                ));
            }
        }
        for (k, e) in self.map.iter() {
            if e.value.is_empty_collection() {
                return Err(format!(
                    "shard: key {k:?} holds an empty {}",
                    e.value.type_name()
                ));
            }
            e.value
                .check_invariants(lim)
                .map_err(|err| format!("key {k:?}: {err}"))?;
        }
        Ok(())
    }

    /// Walks up to `budget` keys of the TTL index from the persistent
    /// cursor, reclaiming the expired ones (the active expiry cycle).
    pub fn expire_step(&mut self, now_ms: u64, budget: usize) -> ExpireStep {
        let mut step = ExpireStep::default();
        while step.checked < budget && !self.ttl.is_empty() {
            if self.expire_cursor >= self.ttl.len() {
                self.expire_cursor = 0;
            }
            let Some((k, &at)) = self.ttl.get_index(self.expire_cursor) else {
                break;
            };
            step.checked += 1;
            if is_past(at, now_ms) {
                let k = k.clone();
                // The last key moves into this position: check it next.
                self.expire_if_needed(&k, now_ms);
                step.expired += 1;
            } else {
                self.expire_cursor += 1;
            }
            if step.checked >= self.ttl.len() + step.expired && step.expired == 0 {
                break;
            }
        }
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put_ttl(s: &mut Shard, k: &[u8], v: &[u8], at: u64) {
        s.insert_with_expire(k, Entry::new(Value::string(v)), at);
    }

    #[test]
    fn lazy_expiry_removes_and_counts() {
        let mut s = Shard::new();
        put_ttl(&mut s, b"a", b"1", 100);
        s.set(b"b", Value::string(b"2"));
        assert_eq!(s.expires(), 1);
        assert!(s.get(b"a", 50).is_some());
        assert!(s.get(b"a", 100).is_none());
        assert_eq!(s.len(), 1);
        assert_eq!(s.expires(), 0);
        assert_eq!(s.expired_total(), 1);
    }

    #[test]
    fn dict_stats_follow_the_tables() {
        let mut s = Shard::new();
        assert_eq!(s.dict_stats(), DictStats::default());
        for i in 0..100u32 {
            s.set(i.to_string().as_bytes(), Value::string(b"v"));
        }
        put_ttl(&mut s, b"t", b"1", 100);
        let d = s.dict_stats();
        assert_eq!((d.keys, d.expires), (101, 1));
        // At least one entry and one index slot per key.
        let per_key = std::mem::size_of::<(SmallBytes, Entry)>() + 4;
        assert!(d.main_bytes >= 101 * per_key, "{d:?}");
        assert!(d.expires_bytes > 0, "{d:?}");
    }

    #[test]
    fn overwrite_drops_ttl() {
        let mut s = Shard::new();
        put_ttl(&mut s, b"a", b"1", 100);
        s.set(b"a", Value::string(b"2"));
        assert_eq!(s.expires(), 0);
        assert_eq!(s.expire_at(b"a"), 0);
        assert!(s.get(b"a", 1000).is_some());
    }

    #[test]
    fn ttl_moves_with_remove_and_insert() {
        let mut s = Shard::new();
        put_ttl(&mut s, b"a", b"1", 500);
        let (e, at) = s.remove_with_expire(b"a").expect("present");
        assert_eq!((at, s.expires()), (500, 0));
        s.insert_with_expire(b"b", e, at);
        assert_eq!(s.expire_at(b"b"), 500);
        assert!(s.set_expire(b"b", 0));
        assert_eq!(s.expires(), 0);
        assert!(!s.set_expire(b"nokey", 5));
    }

    #[test]
    fn expire_step_reclaims_everything_expired() {
        let mut s = Shard::new();
        for i in 0..1000u32 {
            let k = i.to_string();
            put_ttl(
                &mut s,
                k.as_bytes(),
                b"v",
                if i % 2 == 0 { 10 } else { 1_000_000 },
            );
        }
        let mut total = 0;
        for _ in 0..100 {
            total += s.expire_step(20, 50).expired;
        }
        assert_eq!(total, 500);
        assert_eq!(s.len(), 500);
        assert_eq!(s.expires(), 500);
    }

    #[test]
    fn scan_returns_every_stable_key_despite_deletes() {
        let mut s = Shard::new();
        for i in 0..500u32 {
            s.set(i.to_string().as_bytes(), Value::string(b"v"));
        }
        let mut seen = std::collections::HashSet::new();
        let mut pos = usize::MAX;
        let mut n = 0u32;
        loop {
            let mut out = Vec::new();
            pos = s.scan(pos, 10, 0, &mut out);
            seen.extend(out.into_iter().map(|(k, _)| k.to_vec()));
            // Delete keys >= 400 as the scan goes, and add new ones.
            s.remove((400 + n % 100).to_string().as_bytes());
            s.set(format!("new{n}").as_bytes(), Value::string(b"v"));
            n += 1;
            if pos == 0 {
                break;
            }
        }
        for i in 0..400u32 {
            assert!(seen.contains(i.to_string().as_bytes()), "missed {i}");
        }
    }

    #[test]
    fn invariant_check_catches_corruption() {
        let lim = Limits::default();
        let mut s = Shard::new();
        put_ttl(&mut s, b"a", b"1", 100);
        s.set(b"b", Value::string(b"2"));
        assert_eq!(s.check_invariants(&lim), Ok(()));
        s.ttl.insert(SmallBytes::new(b"ghost"), 5);
        assert!(s.check_invariants(&lim).unwrap_err().contains("ghost"));
        s.ttl.swap_remove(&b"ghost"[..]);
        s.set(b"l", Value::List(Box::default()));
        assert!(s.check_invariants(&lim).unwrap_err().contains("empty list"));
        s.remove(b"l");
        // A stream may be empty.
        s.set(b"s", Value::Stream(Box::default()));
        assert_eq!(s.check_invariants(&lim), Ok(()));
    }
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Whatever happens to the shard during a snapshot, the snapshot holds
    /// exactly the contents at its start.
    #[test]
    fn snapshot_is_the_state_at_its_start() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for round in 0..300 {
            let mut s = Shard::new();
            let n = rng.gen_range(0..60);
            for i in 0..n {
                let at = if rng.gen_bool(0.3) { 10_000 + i } else { 0 };
                s.insert_with_expire(
                    format!("k{i}").as_bytes(),
                    Entry::new(Value::string(format!("v{i}").as_bytes())),
                    at,
                );
            }
            let expected: std::collections::BTreeMap<Vec<u8>, (Value, u64)> = s
                .iter()
                .map(|(k, e)| (k.to_vec(), (e.value.clone(), s.expire_at(k))))
                .collect();
            s.snapshot_start();
            let mut got = std::collections::BTreeMap::new();
            loop {
                // Random changes between steps.
                for _ in 0..rng.gen_range(0..6) {
                    let k = format!("k{}", rng.gen_range(0..80));
                    match rng.gen_range(0..6) {
                        0 => {
                            s.remove(k.as_bytes());
                        }
                        1 => s.set(k.as_bytes(), Value::string(b"new")),
                        2 => {
                            if let Some(e) = s.get_mut(k.as_bytes(), 0) {
                                e.value = Value::string(b"changed");
                            }
                        }
                        3 => {
                            s.set_expire(k.as_bytes(), 99_999);
                        }
                        4 if round % 10 == 0 => {
                            s.clear();
                        }
                        _ => {}
                    }
                }
                let mut step = Vec::new();
                let (pres, done) = s.snapshot_step(rng.gen_range(1..5), |k, v, at| {
                    step.push((k.to_vec(), (v.clone(), at)))
                });
                for (k, v, at) in pres {
                    step.push((k.to_vec(), (v, at)));
                }
                for (k, v) in step {
                    assert!(
                        got.insert(k.clone(), v).is_none(),
                        "round {round}: {k:?} twice"
                    );
                }
                if done {
                    break;
                }
            }
            assert_eq!(got, expected, "round {round}");
        }
    }
}
