//! Per-command statistics (INFO commandstats and latencystats, LATENCY
//! HISTOGRAM) and error statistics (INFO errorstats).
//!
//! Commands run on whatever tokio worker their connection is on, so a
//! shared counter per command would bounce its cache line between cores on
//! every request. Instead each thread owns a [`ThreadStats`]: counters and
//! latency histograms that only that thread writes (a relaxed load and a
//! relaxed store, no locked instruction), and INFO sums every thread's
//! block. CONFIG RESETSTAT cannot zero another thread's counters without
//! racing its writes, so it bumps a generation instead: a thread zeroes
//! its own block the next time it records, and readers skip blocks of an
//! older generation.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::context::ServerState;
use crate::table::{table, TableEntry};

/// Latency histogram buckets: values below 2^SUB_BITS are exact; above,
/// each power of two is cut into 2^(SUB_BITS-1) equal steps (an HDR-style
/// log-linear layout, about 3% relative precision), up to 2^MAX_BITS ns.
const SUB_BITS: u32 = 6;
const HALF: u64 = 1 << (SUB_BITS - 1);
/// Largest tracked latency: about 17 minutes in nanoseconds; longer is
/// clamped.
const MAX_BITS: u32 = 40;
pub const BUCKETS: usize = ((MAX_BITS - SUB_BITS + 1) as usize + 1) * HALF as usize;

/// Counts per latency bucket of one command, in nanoseconds.
/// Invariant: only the owning thread writes; `bucket_of` maps every u64
/// below 2^MAX_BITS to an index < BUCKETS.
pub struct Histogram {
    counts: Box<[AtomicU64]>,
}

/// Bucket index of a latency in nanoseconds.
pub fn bucket_of(ns: u64) -> usize {
    let v = ns.clamp(1, (1 << MAX_BITS) - 1);
    if v < 2 * HALF {
        return v as usize;
    }
    let shift = 63 - v.leading_zeros() - (SUB_BITS - 1);
    (shift as u64 * HALF + (v >> shift)) as usize
}

/// The highest value (ns) that falls into bucket `i`.
pub fn bucket_high(i: usize) -> u64 {
    let i = i as u64;
    if i < 2 * HALF {
        return i;
    }
    let shift = i / HALF - 1;
    let low = (i - shift * HALF) << shift;
    low + (1 << shift) - 1
}

impl Histogram {
    fn new() -> Histogram {
        Histogram {
            counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn add_into(&self, out: &mut [u64]) {
        for (o, c) in out.iter_mut().zip(self.counts.iter()) {
            *o += c.load(Ordering::Relaxed);
        }
    }
}

/// One command's counters on one thread.
#[derive(Default)]
struct CmdCounters {
    calls: AtomicU64,
    nanos: AtomicU64,
    rejected: AtomicU64,
    failed: AtomicU64,
}

/// One thread's statistics, indexed by command table id.
struct ThreadStats {
    generation: AtomicU64,
    cmds: Box<[CmdCounters]>,
    hists: Box<[OnceLock<Histogram>]>,
}

/// Bumped by CONFIG RESETSTAT.
static GENERATION: AtomicU64 = AtomicU64::new(0);
/// Every block ever created (a block outlives its thread: its counts stay).
static THREADS: Mutex<Vec<Arc<ThreadStats>>> = Mutex::new(Vec::new());
/// Blocks whose thread has ended, for the next new thread to adopt, so
/// that threads that come and go (tokio's blocking pool, used while a
/// script runs) do not add a block each. The mutex hands the old owner's
/// last writes over to the new owner.
static FREE: Mutex<Vec<Arc<ThreadStats>>> = Mutex::new(Vec::new());
/// `latency-tracking`, read per command.
static TRACKING: AtomicBool = AtomicBool::new(true);

/// This thread's block; returned to FREE when the thread ends.
struct Slot(Arc<ThreadStats>);

impl Drop for Slot {
    fn drop(&mut self) {
        FREE.lock().push(self.0.clone());
    }
}

thread_local! {
    static LOCAL: Slot = {
        if let Some(t) = FREE.lock().pop() {
            return Slot(t);
        }
        let n = table().len();
        let t = Arc::new(ThreadStats {
            generation: AtomicU64::new(GENERATION.load(Ordering::Relaxed)),
            cmds: (0..n).map(|_| CmdCounters::default()).collect(),
            hists: (0..n).map(|_| OnceLock::new()).collect(),
        });
        THREADS.lock().push(t.clone());
        Slot(t)
    };
}

/// Owner-only increment: no other thread writes this counter.
#[inline]
fn bump(c: &AtomicU64, by: u64) {
    c.store(
        c.load(Ordering::Relaxed).wrapping_add(by),
        Ordering::Relaxed,
    );
}

fn with_local(f: impl FnOnce(&ThreadStats)) {
    LOCAL.with(|slot| {
        let t = &*slot.0;
        let g = GENERATION.load(Ordering::Relaxed);
        if t.generation.load(Ordering::Relaxed) != g {
            for c in t.cmds.iter() {
                for v in [&c.calls, &c.nanos, &c.rejected, &c.failed] {
                    v.store(0, Ordering::Relaxed);
                }
            }
            for h in t.hists.iter().filter_map(|h| h.get()) {
                for v in h.counts.iter() {
                    v.store(0, Ordering::Relaxed);
                }
            }
            t.generation.store(g, Ordering::Release);
        }
        f(t)
    })
}

/// A command that ran: its duration, and whether it replied an error.
pub fn record_call(e: &TableEntry, nanos: u64, failed: bool) {
    let id = e.id as usize;
    with_local(|t| {
        let c = &t.cmds[id];
        bump(&c.calls, 1);
        bump(&c.nanos, nanos);
        if failed {
            bump(&c.failed, 1);
        }
        if TRACKING.load(Ordering::Relaxed) {
            let h = t.hists[id].get_or_init(Histogram::new);
            bump(&h.counts[bucket_of(nanos)], 1);
        }
    });
}

/// A command refused before it ran (arity, ACL, OOM, ...).
pub fn record_rejected(e: &TableEntry) {
    with_local(|t| bump(&t.cmds[e.id as usize].rejected, 1));
}

/// Sums of one command over all threads.
#[derive(Default, Clone, Copy)]
pub struct CmdTotals {
    pub calls: u64,
    pub nanos: u64,
    pub rejected: u64,
    pub failed: u64,
}

/// Every thread's current-generation block.
fn live_threads() -> Vec<Arc<ThreadStats>> {
    let g = GENERATION.load(Ordering::Relaxed);
    THREADS
        .lock()
        .iter()
        .filter(|t| t.generation.load(Ordering::Acquire) == g)
        .cloned()
        .collect()
}

/// Per table id, the summed counters.
pub fn command_totals() -> Vec<CmdTotals> {
    let mut out = vec![CmdTotals::default(); table().len()];
    for t in live_threads() {
        for (o, c) in out.iter_mut().zip(t.cmds.iter()) {
            o.calls += c.calls.load(Ordering::Relaxed);
            o.nanos += c.nanos.load(Ordering::Relaxed);
            o.rejected += c.rejected.load(Ordering::Relaxed);
            o.failed += c.failed.load(Ordering::Relaxed);
        }
    }
    out
}

/// The summed histogram of one command, if it has been recorded.
pub fn histogram(id: u32) -> Option<Vec<u64>> {
    let mut out: Option<Vec<u64>> = None;
    for t in live_threads() {
        if let Some(h) = t.hists.get(id as usize).and_then(|h| h.get()) {
            h.add_into(out.get_or_insert_with(|| vec![0; BUCKETS]));
        }
    }
    out.filter(|v| v.iter().any(|&c| c > 0))
}

/// The value (ns) at percentile `p` (0..=100) of a summed histogram.
pub fn percentile(h: &[u64], p: f64) -> u64 {
    let total: u64 = h.iter().sum();
    if total == 0 {
        return 0;
    }
    let want = ((p / 100.0) * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (i, &c) in h.iter().enumerate() {
        seen += c;
        if seen >= want {
            return bucket_high(i);
        }
    }
    h.iter().rposition(|&c| c > 0).map_or(0, bucket_high)
}

/// Follows `latency-tracking` after start-up and CONFIG SET.
pub fn configure(cfg: &ferrodis_config::Config) {
    TRACKING.store(cfg.latency_tracking, Ordering::Relaxed);
    clock::init();
}

/// The clock that times every command. Two reads per command: on x86-64
/// with an invariant TSC a read is one `rdtsc` (measured here: ~40 ns
/// against ~100 ns for clock_gettime in a VM), converted to nanoseconds
/// with a ratio calibrated against the monotonic clock; elsewhere it is
/// the monotonic clock itself.
pub mod clock {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    /// Nanoseconds per tick as a 32.32 fixed-point number; 1.0 when the
    /// ticks already are nanoseconds.
    static NS_PER_TICK: AtomicU64 = AtomicU64::new(1 << 32);
    static USE_TSC: AtomicU64 = AtomicU64::new(0);
    static EPOCH: OnceLock<Instant> = OnceLock::new();

    #[cfg(target_arch = "x86_64")]
    fn tsc() -> u64 {
        // SAFETY: rdtsc has no preconditions on x86-64.
        unsafe { core::arch::x86_64::_rdtsc() }
    }

    #[cfg(target_arch = "x86_64")]
    fn invariant_tsc() -> bool {
        // cpuid is always available on x86-64.
        let max = core::arch::x86_64::__cpuid(0x8000_0000).eax;
        max >= 0x8000_0007 && core::arch::x86_64::__cpuid(0x8000_0007).edx & (1 << 8) != 0
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn tsc() -> u64 {
        0
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn invariant_tsc() -> bool {
        false
    }

    fn ratio(t0: Instant, c0: u64) -> u64 {
        let ns = t0.elapsed().as_nanos();
        let ticks = u128::from(tsc().wrapping_sub(c0)).max(1);
        ((ns << 32) / ticks) as u64
    }

    /// Calibrates once: a 2 ms spin now, refined over 500 ms by a
    /// background thread.
    pub fn init() {
        EPOCH.get_or_init(Instant::now);
        // Only the first call calibrates (CONFIG SET calls this again).
        if !invariant_tsc()
            || USE_TSC
                .compare_exchange(0, 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let (start, c0) = (Instant::now(), tsc());
        while start.elapsed() < Duration::from_millis(2) {
            std::hint::spin_loop();
        }
        NS_PER_TICK.store(ratio(start, c0), Ordering::Relaxed);
        USE_TSC.store(2, Ordering::Release);
        let _ = std::thread::Builder::new()
            .name("clock-calibrate".into())
            .spawn(move || {
                std::thread::sleep(Duration::from_millis(500));
                NS_PER_TICK.store(ratio(start, c0), Ordering::Relaxed);
            });
    }

    /// A timestamp in ticks.
    #[inline]
    pub fn now() -> u64 {
        // Readings taken while the state changes (start-up, before any
        // client) may mix sources; afterwards it stays put.
        if USE_TSC.load(Ordering::Relaxed) == 2 {
            tsc()
        } else {
            EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
        }
    }

    /// Nanoseconds between two `now()` readings.
    #[inline]
    pub fn nanos_between(start: u64, end: u64) -> u64 {
        let ticks = u128::from(end.saturating_sub(start));
        ((ticks * u128::from(NS_PER_TICK.load(Ordering::Relaxed))) >> 32) as u64
    }
}

/// Error replies by their first word ("ERR", "WRONGTYPE", ...), as INFO
/// errorstats lists them (sorted). Errors are off the fast path, so one
/// mutex is enough.
static ERRORS: Mutex<BTreeMap<Box<str>, u64>> = Mutex::new(BTreeMap::new());
/// Redis stops tracking new error codes past this many distinct ones.
const MAX_ERROR_CODES: usize = 128;

/// Counts an error reply (total_error_replies and its code).
pub fn record_error(srv: &ServerState, text: &str) {
    srv.stats
        .total_error_replies
        .fetch_add(1, Ordering::Relaxed);
    let code = text.split(' ').next().unwrap_or("");
    let mut errors = ERRORS.lock();
    if let Some(n) = errors.get_mut(code) {
        *n += 1;
    } else if errors.len() < MAX_ERROR_CODES {
        errors.insert(code.into(), 1);
    }
}

/// CONFIG RESETSTAT.
pub fn reset() {
    GENERATION.fetch_add(1, Ordering::Relaxed);
    ERRORS.lock().clear();
}

/// The body of INFO commandstats.
pub fn info_commandstats(out: &mut String) {
    let t = table();
    for (id, c) in command_totals().iter().enumerate() {
        if c.calls == 0 && c.rejected == 0 && c.failed == 0 {
            continue;
        }
        let Some(e) = t.get(id as u32) else { continue };
        let usec = c.nanos / 1000;
        let per_call = if c.calls == 0 {
            0.0
        } else {
            usec as f64 / c.calls as f64
        };
        let _ = write!(
            out,
            "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
            e.full_name, c.calls, usec, per_call, c.rejected, c.failed
        );
    }
}

/// The body of INFO errorstats.
pub fn info_errorstats(out: &mut String) {
    for (code, n) in ERRORS.lock().iter() {
        let _ = write!(out, "errorstat_{code}:count={n}\r\n");
    }
}

/// The body of INFO latencystats, for the configured percentiles.
pub fn info_latencystats(out: &mut String, percentiles: &[String]) {
    let t = table();
    for id in 0..t.len() as u32 {
        let Some(h) = histogram(id) else { continue };
        let Some(e) = t.get(id) else { continue };
        let _ = write!(out, "latency_percentiles_usec_{}:", e.full_name);
        for (i, p) in percentiles.iter().enumerate() {
            let v = percentile(&h, p.parse().unwrap_or(0.0));
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "p{p}={:.3}", v as f64 / 1000.0);
        }
        out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_cover_their_values() {
        let mut prev = 0;
        for i in 1..BUCKETS {
            let high = bucket_high(i);
            assert!(high > prev, "bucket {i}");
            assert_eq!(bucket_of(high), i);
            assert_eq!(bucket_of(prev + 1), i);
            prev = high;
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        assert_eq!(bucket_of(0), 1);
    }

    #[test]
    fn relative_precision_is_about_three_percent() {
        for v in [100u64, 1_000, 12_345, 1_000_000, 987_654_321] {
            let high = bucket_high(bucket_of(v));
            assert!(
                high >= v && (high - v) as f64 / v as f64 <= 0.04,
                "{v} -> {high}"
            );
        }
    }

    #[test]
    fn ended_threads_hand_their_block_on_and_keep_their_counts() {
        let e = table().lookup(b"echo").expect("echo");
        let before = THREADS.lock().len();
        let calls = |id| command_totals()[id as usize].calls;
        let start = calls(e.id);
        for _ in 0..20 {
            std::thread::spawn(move || record_call(e, 1_000, false))
                .join()
                .unwrap();
        }
        // Other tests' threads may add a block or two meanwhile.
        assert!(THREADS.lock().len() - before < 5);
        assert_eq!(calls(e.id) - start, 20);
        assert!(histogram(e.id).is_some());
    }

    #[test]
    fn percentiles_walk_the_cumulative_counts() {
        let mut h = vec![0; BUCKETS];
        h[bucket_of(1_000)] = 99;
        h[bucket_of(50_000)] = 1;
        assert_eq!(percentile(&h, 50.0), bucket_high(bucket_of(1_000)));
        assert_eq!(percentile(&h, 99.0), bucket_high(bucket_of(1_000)));
        assert_eq!(percentile(&h, 99.9), bucket_high(bucket_of(50_000)));
        assert_eq!(percentile(&h, 100.0), bucket_high(bucket_of(50_000)));
    }
}
