//! All databases of the server.

use crate::db::{Db, PairGuard};
use crate::hold::Hold;
use crate::shard::{RemovalHook, Shard};
use crate::value::Limits;

/// The numbered databases (16 by default, the `databases` directive).
pub struct Keyspace {
    dbs: Box<[Db]>,
    /// The active expiry cycle's state; only the cron thread runs it, INFO
    /// reads its statistics.
    pub expire_cycle: parking_lot::Mutex<crate::expire::ExpireCycle>,
    /// A copy of the cycle's statistics after each run, so INFO never waits
    /// for a running cycle.
    expire_stats: parking_lot::Mutex<crate::expire::ExpireStats>,
    /// maxmemory eviction state (candidate pool).
    pub(crate) evictor: crate::evict::Evictor,
}

impl Keyspace {
    pub fn new(databases: usize) -> Keyspace {
        Keyspace {
            dbs: (0..databases.max(1)).map(|_| Db::new()).collect(),
            expire_cycle: parking_lot::Mutex::new(crate::expire::ExpireCycle::new()),
            expire_stats: parking_lot::Mutex::new(Default::default()),
            evictor: Default::default(),
        }
    }

    pub fn db(&self, idx: usize) -> &Db {
        &self.dbs[idx]
    }

    /// Number of databases.
    pub fn len(&self) -> usize {
        self.dbs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dbs.is_empty()
    }

    /// Keys removed by expiry, lazy and active, across all databases.
    pub fn expired_keys(&self) -> u64 {
        self.dbs
            .iter()
            .map(|db| {
                (0..db.shard_count())
                    .map(|i| db.lock_shard(i).expired_total())
                    .sum::<u64>()
            })
            .sum()
    }

    /// Runs one active expiry cycle (see `expire`).
    /// Runs a slow cycle, then fast cycles until `deadline` while they are
    /// wanted (see `expire`). The cycle state is locked per run only.
    pub fn active_expire(&self, hz: u32, effort: u32, deadline: std::time::Instant) {
        use crate::expire::CycleKind;
        self.run_expire_cycle(CycleKind::Slow, hz, effort);
        while std::time::Instant::now() < deadline {
            let (needed, allowed) = {
                let c = self.expire_cycle.lock();
                (c.needs_fast(effort), c.fast_allowed())
            };
            if !needed {
                break;
            }
            if allowed {
                self.run_expire_cycle(CycleKind::Fast, hz, effort);
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    fn run_expire_cycle(&self, kind: crate::expire::CycleKind, hz: u32, effort: u32) {
        let mut cycle = self.expire_cycle.lock();
        cycle.run(self, kind, hz, effort);
        *self.expire_stats.lock() = cycle.stats;
    }

    /// Zeroes the cycle's statistics (CONFIG RESETSTAT).
    pub fn reset_expire_stats(&self) {
        let mut cycle = self.expire_cycle.lock();
        cycle.stats = Default::default();
        *self.expire_stats.lock() = cycle.stats;
    }

    /// The active expiry cycle's statistics as of its last run.
    pub fn expire_stats(&self) -> crate::expire::ExpireStats {
        *self.expire_stats.lock()
    }

    /// Locks the shard of `src_key` in database `src_db` and the shard of
    /// `dst_key` in `dst_db`, in the global (database, shard) order.
    pub fn lock_pair(
        &self,
        src_db: usize,
        src_key: &[u8],
        dst_db: usize,
        dst_key: &[u8],
    ) -> PairGuard<'_> {
        let a = (src_db, Db::shard_index(src_key));
        let b = (dst_db, Db::shard_index(dst_key));
        if a == b {
            return PairGuard::One(self.dbs[a.0].lock_shard(a.1));
        }
        if a < b {
            let src = self.dbs[a.0].lock_shard(a.1);
            let dst = self.dbs[b.0].lock_shard(b.1);
            PairGuard::Two { src, dst }
        } else {
            let dst = self.dbs[b.0].lock_shard(b.1);
            let src = self.dbs[a.0].lock_shard(a.1);
            PairGuard::Two { src, dst }
        }
    }

    /// Holds every shard of the databases `dbs` (see `hold`).
    pub fn hold_dbs(&self, dbs: &[usize]) -> Hold<'_> {
        let mut dbs: Vec<usize> = dbs
            .iter()
            .copied()
            .filter(|&d| d < self.dbs.len())
            .collect();
        dbs.sort_unstable();
        dbs.dedup();
        Hold::new(dbs.into_iter().flat_map(|d| self.dbs[d].mutexes()))
    }

    /// Holds every shard of every database.
    pub fn hold_all(&self) -> Hold<'_> {
        Hold::new(self.dbs.iter().flat_map(|db| db.mutexes()))
    }

    /// Holds the shards of `keys`, given as (database, key) pairs.
    pub fn hold_keys<'k>(&self, keys: impl IntoIterator<Item = (usize, &'k [u8])>) -> Hold<'_> {
        let mut idx: Vec<(usize, usize)> = keys
            .into_iter()
            .filter(|&(d, _)| d < self.dbs.len())
            .map(|(d, k)| (d, Db::shard_index(k)))
            .collect();
        idx.sort_unstable();
        idx.dedup();
        Hold::new(idx.into_iter().map(|(d, i)| self.dbs[d].mutex(i)))
    }

    /// Starts a copy-on-write snapshot of every database at this instant
    /// (every shard locked at once, so the instant is global).
    pub fn snapshot_start(&self) {
        let _all = self.hold_all();
        for db in self.dbs.iter() {
            for s in 0..db.shard_count() {
                db.lock_shard(s).snapshot_start();
            }
        }
    }

    /// Abandons a snapshot in progress.
    pub fn snapshot_abort(&self) {
        for db in self.dbs.iter() {
            for s in 0..db.shard_count() {
                db.lock_shard(s).snapshot_abort();
            }
        }
    }

    /// Installs the function told about every key the server deletes on its
    /// own (expiry, eviction): WATCH, keyspace notifications, propagation.
    pub fn set_removal_hook(&self, hook: RemovalHook) {
        for (i, db) in self.dbs.iter().enumerate() {
            for s in 0..db.shard_count() {
                db.lock_shard(s).set_removal_hook(i, hook.clone());
            }
        }
    }

    /// Swaps the contents of two databases atomically: every shard of both is
    /// locked (in the global order) before anything moves, so no reader sees
    /// a half-swapped pair.
    pub fn swap_db(&self, a: usize, b: usize) {
        if a == b {
            return;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let mut lo_guards = self.dbs[lo].lock_all();
        let mut hi_guards = self.dbs[hi].lock_all();
        for (x, y) in lo_guards.iter_mut().zip(hi_guards.iter_mut()) {
            x.swap_contents(y);
        }
    }

    /// Checks every database (see `Db::check_invariants`), one shard locked
    /// at a time. For tests and fuzzers, between commands.
    pub fn check_invariants(&self, lim: &Limits) -> Result<(), String> {
        for (i, db) in self.dbs.iter().enumerate() {
            db.check_invariants(lim)
                .map_err(|e| format!("db {i}: {e}"))?;
        }
        Ok(())
    }

    /// Empties every database, returning the old contents for the caller to
    /// drop where it likes.
    pub fn take_all(&self) -> Vec<Shard> {
        self.dbs.iter().flat_map(|db| db.take_all()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn swap_moves_contents() {
        let ks = Keyspace::new(4);
        ks.db(0).lock(b"a").set(b"a", Value::string(b"1"));
        ks.swap_db(0, 3);
        assert_eq!(ks.db(0).len(), 0);
        assert_eq!(ks.db(3).len(), 1);
    }

    #[test]
    fn lock_pair_same_shard_is_one_guard() {
        let ks = Keyspace::new(2);
        let mut g = ks.lock_pair(0, b"a", 0, b"a");
        assert!(matches!(g, PairGuard::One(_)));
        g.src().set(b"a", Value::string(b"1"));
        assert!(g.dst().contains(b"a", 0));
        drop(g);
        // Opposite orders of the same two shards do not deadlock.
        let g1 = ks.lock_pair(1, b"x", 0, b"y");
        drop(g1);
        let g2 = ks.lock_pair(0, b"y", 1, b"x");
        assert!(matches!(g2, PairGuard::Two { .. }));
    }

    #[test]
    fn invariant_check_runs_inside_a_hold() {
        let ks = Keyspace::new(2);
        ks.db(1).lock(b"a").set(b"a", Value::string(b"1"));
        let lim = Limits::default();
        assert_eq!(ks.check_invariants(&lim), Ok(()));
        // Inside a hold the shards are handed out, not locked again.
        let _hold = ks.hold_all();
        assert_eq!(ks.check_invariants(&lim), Ok(()));
    }
}
