//! The active expiry cycle, modelled on Redis 7.0's: a slow cycle driven
//! by the `hz` timer with a CPU budget of 25% of each tick, and a fast
//! cycle of at most 1 ms that runs between ticks when the slow one ran out
//! of time or the keyspace is still stale.
//!
//! Databases are walked round-robin with a persistent cursor; inside a
//! database, shards are walked round-robin and each shard walks its own TTL
//! index with a persistent cursor (`Shard::expire_step`). A shard lock is
//! held for one step of at most `keys_per_loop` keys, so no request waits
//! behind the cycle for more than microseconds.

use std::time::{Duration, Instant};

use crate::clock::now_ms;
use crate::keyspace::Keyspace;

/// Keys checked per database per loop at effort 1 (Redis's constant).
const KEYS_PER_LOOP: usize = 20;
/// Fast-cycle budget at effort 1, in microseconds.
const FAST_DURATION_US: u64 = 1000;
/// Share of each `hz` tick the slow cycle may use, at effort 1.
const SLOW_TIME_PERC: u64 = 25;
/// Percentage of expired keys in a sample above which a database is
/// walked again, at effort 1.
const ACCEPTABLE_STALE: u64 = 10;
/// Databases visited per cycle at most.
const DBS_PER_CALL: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleKind {
    Slow,
    Fast,
}

/// Counters INFO reports.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExpireStats {
    /// Running estimate of the share of expired keys among keys with a TTL.
    pub stale_perc: f64,
    pub time_cap_reached_count: u64,
    pub cpu_us: u64,
}

/// The persistent state of the cycle (one per keyspace, driven by the
/// server's cron thread).
#[derive(Debug, Default)]
pub struct ExpireCycle {
    db_cursor: usize,
    shard_cursor: Vec<usize>,
    timelimit_exit: bool,
    last_fast_start: Option<Instant>,
    last_fast_duration: Duration,
    pub stats: ExpireStats,
}

impl ExpireCycle {
    pub fn new() -> ExpireCycle {
        ExpireCycle::default()
    }

    /// Whether fast cycles are needed: the slow one hit its time cap, or
    /// the keyspace looked stale.
    pub fn needs_fast(&self, effort: u32) -> bool {
        let effort = effort.clamp(1, 10) as u64 - 1;
        let acceptable = ACCEPTABLE_STALE - effort;
        self.timelimit_exit || self.stats.stale_perc * 100.0 >= acceptable as f64
    }

    /// Whether a fast cycle may start now: not sooner than twice the last
    /// one's duration after it started, as Redis rate-limits them.
    pub fn fast_allowed(&self) -> bool {
        match self.last_fast_start {
            Some(t) => t.elapsed() >= self.last_fast_duration * 2,
            None => true,
        }
    }

    /// Runs one cycle over `ks`. `hz` sets the slow cycle's budget;
    /// `effort` (1..10) scales keys per loop, budgets and tolerated staleness.
    pub fn run(&mut self, ks: &Keyspace, kind: CycleKind, hz: u32, effort: u32) {
        let effort = effort.clamp(1, 10) as u64 - 1;
        let keys_per_loop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort as usize;
        let fast_us = FAST_DURATION_US + FAST_DURATION_US / 4 * effort;
        let slow_perc = SLOW_TIME_PERC + 2 * effort;
        let acceptable = ACCEPTABLE_STALE - effort;
        let start = Instant::now();
        let limit = match kind {
            CycleKind::Fast => {
                self.last_fast_start = Some(start);
                Duration::from_micros(fast_us)
            }
            CycleKind::Slow => {
                Duration::from_micros((1_000_000 * slow_perc / hz.max(1) as u64 / 100).max(1))
            }
        };
        let dbs = ks.len();
        if self.shard_cursor.len() != dbs {
            self.shard_cursor = vec![0; dbs];
        }
        self.timelimit_exit = false;
        let (mut total_sampled, mut total_expired) = (0usize, 0usize);
        'dbs: for _ in 0..dbs.min(DBS_PER_CALL) {
            let idx = self.db_cursor % dbs;
            self.db_cursor = self.db_cursor.wrapping_add(1);
            let db = ks.db(idx);
            let shards = db.shard_count();
            let mut iteration = 0u32;
            loop {
                // One loop: `keys_per_loop` keys spread over the shards,
                // taken one shard (one short lock) at a time.
                let (mut sampled, mut expired) = (0usize, 0usize);
                let mut visited_with_ttl = false;
                for _ in 0..shards {
                    if sampled >= keys_per_loop {
                        break;
                    }
                    let s = self.shard_cursor[idx] % shards;
                    self.shard_cursor[idx] = self.shard_cursor[idx].wrapping_add(1);
                    let mut shard = db.lock_shard(s);
                    if shard.expires() == 0 {
                        continue;
                    }
                    visited_with_ttl = true;
                    let step = shard.expire_step(now_ms(), keys_per_loop - sampled);
                    sampled += step.checked;
                    expired += step.expired;
                }
                if !visited_with_ttl || sampled == 0 {
                    break;
                }
                total_sampled += sampled;
                total_expired += expired;
                iteration += 1;
                if iteration.is_multiple_of(16) && start.elapsed() > limit {
                    self.timelimit_exit = true;
                    self.stats.time_cap_reached_count += 1;
                    break 'dbs;
                }
                if (expired * 100) / sampled <= acceptable as usize {
                    break;
                }
                if start.elapsed() > limit {
                    self.timelimit_exit = true;
                    self.stats.time_cap_reached_count += 1;
                    break 'dbs;
                }
            }
        }
        let elapsed = start.elapsed();
        if kind == CycleKind::Fast {
            self.last_fast_duration = elapsed.max(Duration::from_micros(fast_us));
        }
        self.stats.cpu_us += elapsed.as_micros() as u64;
        let perc = if total_sampled == 0 {
            0.0
        } else {
            total_expired as f64 / total_sampled as f64
        };
        // A running average, so one cycle does not swing the estimate.
        self.stats.stale_perc = perc * 0.05 + self.stats.stale_perc * 0.95;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shard::Entry;
    use crate::value::Value;

    #[test]
    fn slow_cycles_reclaim_expired_keys() {
        let ks = Keyspace::new(2);
        let past = now_ms() - 1;
        for i in 0..20_000u32 {
            let k = format!("k{i}");
            ks.db(1).lock(k.as_bytes()).insert_with_expire(
                k.as_bytes(),
                Entry::new(Value::string(b"v")),
                past,
            );
        }
        ks.db(1).lock(b"keep").insert_with_expire(
            b"keep",
            Entry::new(Value::string(b"v")),
            now_ms() + 100_000,
        );
        let mut c = ExpireCycle::new();
        for _ in 0..200 {
            c.run(&ks, CycleKind::Slow, 10, 1);
            if ks.db(1).len() == 1 {
                break;
            }
        }
        assert_eq!(ks.db(1).len(), 1);
        assert_eq!(ks.db(1).expires(), 1);
    }
}
