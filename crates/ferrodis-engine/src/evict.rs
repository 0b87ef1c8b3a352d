//! maxmemory eviction, approximated as Redis does: sample a few keys per
//! database, keep the best candidates seen so far in a pool of 16 shared by
//! all databases, evict the best, repeat until under the limit. Each thread
//! that evicts keeps its own pool: every eviction still samples the whole
//! keyspace as Redis's single pool does, and the worker threads do not
//! contend for one pool lock on every write (with two workers that lock
//! cost more than the eviction itself).
//!
//! Scores (higher is evicted first): LRU, idle seconds; LFU, 255 minus the
//! decayed counter; TTL, the nearest expiry. Random policies pick a random
//! key from a round-robin database. volatile-* policies only consider keys
//! with a TTL; with none, they behave as noeviction.
//!
//! One command may evict for a bounded time (maxmemory-eviction-tenacity);
//! if it is still over the limit then, the command runs anyway and the cron
//! thread continues, as Redis's eviction timer does.

use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;

use crate::access;
use crate::clock::now_ms;
use crate::keyspace::Keyspace;
use crate::small::SmallBytes;

/// The eight maxmemory policies (the config crate's names map onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Policy {
    NoEviction,
    AllkeysLru,
    VolatileLru,
    AllkeysLfu,
    VolatileLfu,
    AllkeysRandom,
    VolatileRandom,
    VolatileTtl,
}

impl Policy {
    fn from_u8(v: u8) -> Policy {
        match v {
            1 => Policy::AllkeysLru,
            2 => Policy::VolatileLru,
            3 => Policy::AllkeysLfu,
            4 => Policy::VolatileLfu,
            5 => Policy::AllkeysRandom,
            6 => Policy::VolatileRandom,
            7 => Policy::VolatileTtl,
            _ => Policy::NoEviction,
        }
    }

    pub fn is_lfu(self) -> bool {
        matches!(self, Policy::AllkeysLfu | Policy::VolatileLfu)
    }

    fn volatile(self) -> bool {
        matches!(
            self,
            Policy::VolatileLru
                | Policy::VolatileLfu
                | Policy::VolatileRandom
                | Policy::VolatileTtl
        )
    }

    fn random(self) -> bool {
        matches!(self, Policy::AllkeysRandom | Policy::VolatileRandom)
    }
}

static MAXMEMORY: AtomicU64 = AtomicU64::new(0);
static POLICY: AtomicU8 = AtomicU8::new(0);
static SAMPLES: AtomicUsize = AtomicUsize::new(5);
static TENACITY: AtomicUsize = AtomicUsize::new(10);

/// Applies the eviction config (at start-up and on CONFIG SET).
pub fn configure(maxmemory: u64, policy: Policy, samples: u32, tenacity: u32) {
    MAXMEMORY.store(maxmemory, Ordering::Relaxed);
    POLICY.store(policy as u8, Ordering::Relaxed);
    SAMPLES.store(samples.max(1) as usize, Ordering::Relaxed);
    TENACITY.store(tenacity as usize, Ordering::Relaxed);
}

/// The configured limit in bytes (0: none).
pub fn maxmemory() -> u64 {
    MAXMEMORY.load(Ordering::Relaxed)
}

/// How long one call may evict: 50 µs per tenacity step up to 10, then
/// growing 15% per step, unlimited at 100.
fn time_limit() -> Option<Duration> {
    let t = TENACITY.load(Ordering::Relaxed);
    if t >= 100 {
        return None;
    }
    let us = if t <= 10 {
        50.0 * t.max(1) as f64
    } else {
        500.0 * 1.15f64.powi(t as i32 - 10)
    };
    Some(Duration::from_micros(us as u64))
}

/// The outcome of an eviction attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Under the limit (or no limit).
    Ok,
    /// Still over, but out of time: the caller may proceed.
    Running,
    /// Still over and nothing can be evicted.
    Fail,
}

const POOL_SIZE: usize = 16;

struct Candidate {
    score: u64,
    db: usize,
    key: SmallBytes,
}

/// This thread's candidate pool, sorted ascending by score (the best is
/// last), and the evictor it belongs to (a pool left from another keyspace,
/// such as one replaced by a reload, is dropped).
struct Pool {
    owner: usize,
    items: Vec<Candidate>,
}

thread_local! {
    static POOL: std::cell::RefCell<Pool> = const {
        std::cell::RefCell::new(Pool { owner: 0, items: Vec::new() })
    };
}

fn with_pool<R>(ev: &Evictor, f: impl FnOnce(&mut Vec<Candidate>) -> R) -> R {
    let owner = ev as *const Evictor as usize;
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.owner != owner {
            p.owner = owner;
            p.items.clear();
        }
        f(&mut p.items)
    })
}

/// Merges sampled (score, key) pairs of database `db` into `pool`, keeping
/// the POOL_SIZE best.
fn merge(
    pool: &mut Vec<Candidate>,
    samples: impl IntoIterator<Item = Option<(u64, SmallBytes)>>,
    db: usize,
) {
    for (score, key) in samples.into_iter().flatten() {
        let pos = pool.partition_point(|p| p.score <= score);
        let at = if pool.len() >= POOL_SIZE {
            if pos == 0 {
                continue;
            }
            pool.remove(0);
            pos - 1
        } else {
            pos
        };
        pool.insert(at, Candidate { score, db, key });
    }
}

/// Eviction state kept across calls: the random policies' database
/// cursor and which databases are worth sampling (the candidate pools are
/// per thread, see `with_pool`).
#[derive(Default)]
pub struct Evictor {
    next_db: AtomicUsize,
    /// Bit i: database i had keys (resp. keys with a TTL) at the last
    /// refresh. Sampling skips the others instead of locking their shards
    /// on every eviction; the cron thread refreshes it each tick, and an
    /// eviction call that finds nothing refreshes it at once.
    nonempty: AtomicU64,
    volatile_nonempty: AtomicU64,
}

impl Evictor {
    /// Recomputes which databases have keys (and keys with a TTL).
    pub fn refresh(&self, ks: &Keyspace) {
        let (mut all, mut volatile) = (0u64, 0u64);
        for i in 0..ks.len().min(64) {
            let db = ks.db(i);
            for s in 0..db.shard_count() {
                let shard = db.lock_shard(s);
                if !shard.is_empty() {
                    all |= 1 << i;
                }
                if shard.expires() > 0 {
                    volatile |= 1 << i;
                }
            }
        }
        self.nonempty.store(all, Ordering::Relaxed);
        self.volatile_nonempty.store(volatile, Ordering::Relaxed);
    }

    /// Bit i set: database i is worth sampling for `policy` (databases
    /// past 64 are always sampled).
    fn candidate_mask(&self, policy: Policy) -> u64 {
        if policy.volatile() {
            self.volatile_nonempty.load(Ordering::Relaxed)
        } else {
            self.nonempty.load(Ordering::Relaxed)
        }
    }

    fn score(policy: Policy, access: u32, expire_at: u64, now: u64) -> u64 {
        match policy {
            Policy::AllkeysLfu | Policy::VolatileLfu => {
                255 - u64::from(access::lfu_decayed(access, now))
            }
            Policy::VolatileTtl => u64::MAX - expire_at,
            _ => u64::from(access::idle_secs(access, now)),
        }
    }

    /// Samples every candidate database into this thread's pool, through a
    /// small stack buffer. A key sampled twice may sit in the pool twice;
    /// evicting it the second time finds it gone and moves on, which is
    /// cheaper than comparing every candidate with the pool.
    fn populate(&self, ks: &Keyspace, mask: u64, policy: Policy, rng: &mut impl Rng) {
        const BUF: usize = 16;
        let samples = SAMPLES.load(Ordering::Relaxed);
        let now = now_ms();
        for db_idx in (0..ks.len()).filter(|&i| i >= 64 || mask & (1 << i) != 0) {
            let db = ks.db(db_idx);
            let shards = db.shard_count();
            let mut taken = 0;
            let mut tries = 0;
            while taken < samples && tries < samples * 3 {
                let mut buf: [Option<(u64, SmallBytes)>; BUF] = Default::default();
                let mut n = 0;
                while n < BUF && taken < samples && tries < samples * 3 {
                    // Several samples under one lock: keys hash uniformly
                    // over the shards, so a random shard's random keys are
                    // random keys of the database, for one lock instead
                    // of one per sample.
                    tries += 1;
                    let shard = db.lock_shard(rng.gen_range(0..shards));
                    let want = (BUF - n).min(samples - taken);
                    shard.sample_many(policy.volatile(), want, rng, |k, e, expire_at| {
                        buf[n] =
                            Some((Evictor::score(policy, e.access, expire_at, now), k.clone()));
                        n += 1;
                        taken += 1;
                    });
                }
                with_pool(self, |pool| merge(pool, buf, db_idx));
            }
        }
    }

    /// Evicts one key; false if none could be.
    fn evict_one(&self, ks: &Keyspace, policy: Policy, rng: &mut impl Rng) -> bool {
        for attempt in 0..2 {
            if attempt == 1 {
                // Nothing found with the cached view: it may be stale.
                self.refresh(ks);
            }
            let mask = self.candidate_mask(policy);
            if mask == 0 && ks.len() <= 64 {
                continue;
            }
            let evicted = if policy.random() {
                self.evict_random(ks, mask, policy, rng)
            } else {
                self.evict_from_pool(ks, mask, policy, rng)
            };
            if evicted {
                return true;
            }
        }
        false
    }

    /// A random key of a round-robin database (allkeys-/volatile-random).
    fn evict_random(&self, ks: &Keyspace, mask: u64, policy: Policy, rng: &mut impl Rng) -> bool {
        let n = ks.len();
        let start = self.next_db.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            let idx = (start + i) % n;
            if idx < 64 && mask & (1 << idx) == 0 {
                continue;
            }
            let db = ks.db(idx);
            let shards = db.shard_count();
            let first = rng.gen_range(0..shards);
            for s in 0..shards {
                let mut shard = db.lock_shard((first + s) % shards);
                let key = shard
                    .sample(policy.volatile(), rng)
                    .map(|(k, _, _)| k.clone());
                if let Some(k) = key {
                    if shard.evict(&k) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// The best candidate of the pool, refilled by sampling (LRU, LFU, TTL).
    fn evict_from_pool(
        &self,
        ks: &Keyspace,
        mask: u64,
        policy: Policy,
        rng: &mut impl Rng,
    ) -> bool {
        for _ in 0..3 {
            self.populate(ks, mask, policy, rng);
            while let Some(c) = with_pool(self, |pool| pool.pop()) {
                // The candidate may be gone (deleted, expired) by now.
                let evicted = {
                    let mut shard = ks.db(c.db).lock(&c.key);
                    let ok = !policy.volatile() || shard.expire_at(&c.key) != 0;
                    ok && shard.evict(&c.key)
                };
                if evicted {
                    return true;
                }
            }
        }
        false
    }
}

impl Keyspace {
    /// Evicts until `used()` is under maxmemory, within the time budget.
    pub fn perform_evictions(&self, used: impl Fn() -> u64) -> Outcome {
        let max = maxmemory();
        if max == 0 || used() <= max {
            return Outcome::Ok;
        }
        let policy = Policy::from_u8(POLICY.load(Ordering::Relaxed));
        if policy == Policy::NoEviction {
            return Outcome::Fail;
        }
        // A small non-cryptographic generator per thread: sampling needs
        // speed, not unpredictability.
        thread_local! {
            static RNG: std::cell::RefCell<rand::rngs::SmallRng> =
                std::cell::RefCell::new(rand::SeedableRng::from_entropy());
        }
        RNG.with(|r| self.evict_until_under(&mut r.borrow_mut(), policy, max, &used))
    }

    fn evict_until_under(
        &self,
        rng: &mut rand::rngs::SmallRng,
        policy: Policy,
        max: u64,
        used: &impl Fn() -> u64,
    ) -> Outcome {
        // The clock is read only once a call has evicted 16 keys: most
        // calls evict one or two, and the read showed in the profile.
        let mut start: Option<Instant> = None;
        let limit = time_limit();
        let mut n = 0u32;
        while used() > max {
            if !self.evictor.evict_one(self, policy, rng) {
                return Outcome::Fail;
            }
            n += 1;
            if !n.is_multiple_of(16) {
                continue;
            }
            // (The budget thus starts after the first 16 evictions, a few
            // microseconds of the hundreds it allows.)
            let since = *start.get_or_insert_with(Instant::now);
            if limit.is_some_and(|l| since.elapsed() > l) {
                return if used() > max {
                    Outcome::Running
                } else {
                    Outcome::Ok
                };
            }
        }
        Outcome::Ok
    }

    /// Refreshes the eviction sampler's view of which databases have keys
    /// (the cron thread calls this each tick while maxmemory is set).
    pub fn refresh_eviction_view(&self) {
        if maxmemory() > 0 {
            self.evictor.refresh(self);
        }
    }

    /// Keys evicted across all databases.
    pub fn evicted_keys(&self) -> u64 {
        (0..self.len())
            .map(|i| {
                let db = self.db(i);
                (0..db.shard_count())
                    .map(|s| db.lock_shard(s).evicted_total())
                    .sum::<u64>()
            })
            .sum()
    }
}
