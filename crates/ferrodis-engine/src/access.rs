//! Per-key access tracking for eviction: the LRU clock, or Redis's LFU
//! counter (a logarithmic Morris counter that decays while idle).
//!
//! `Entry::access` holds, under an LRU or non-LFU policy, the LRU clock
//! (seconds) of the last access; under an LFU policy, the minute of the
//! last decrement in bits 8..24 and the counter in bits 0..8. Switching
//! policy at run time reinterprets old values, as in Redis; they settle as
//! keys are touched.
//!
//! The policy is process-wide (one config), kept in atomics read on every
//! access.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use rand::Rng;

/// A new key's LFU counter, so new keys are not evicted at once.
pub const LFU_INIT_VAL: u8 = 5;

static LFU: AtomicBool = AtomicBool::new(false);
static LOG_FACTOR: AtomicU32 = AtomicU32::new(10);
static DECAY_TIME: AtomicU32 = AtomicU32::new(1);

/// Applies the eviction-related config (at start-up and on CONFIG SET).
pub fn configure(lfu: bool, log_factor: u32, decay_time: u32) {
    LFU.store(lfu, Ordering::Relaxed);
    LOG_FACTOR.store(log_factor, Ordering::Relaxed);
    DECAY_TIME.store(decay_time, Ordering::Relaxed);
}

pub fn lfu_enabled() -> bool {
    LFU.load(Ordering::Relaxed)
}

/// The LRU clock for a time in milliseconds: seconds, wrapping at 2^32.
pub fn lru_clock(now_ms: u64) -> u32 {
    (now_ms / 1000) as u32
}

fn minutes(now_ms: u64) -> u32 {
    ((now_ms / 60_000) & 0xFFFF) as u32
}

/// The `access` value of a key created at `now_ms`.
pub fn initial(now_ms: u64) -> u32 {
    if lfu_enabled() {
        (minutes(now_ms) << 8) | LFU_INIT_VAL as u32
    } else {
        lru_clock(now_ms)
    }
}

/// The LFU counter after decaying for the idle time since the last
/// decrement recorded in `access`.
pub fn lfu_decayed(access: u32, now_ms: u64) -> u8 {
    let counter = (access & 0xFF) as u8;
    let last = (access >> 8) & 0xFFFF;
    let now = minutes(now_ms);
    let elapsed = if now >= last {
        now - last
    } else {
        65536 - last + now
    };
    let decay = DECAY_TIME.load(Ordering::Relaxed);
    let periods = elapsed.checked_div(decay).unwrap_or(0);
    counter.saturating_sub(periods.min(255) as u8)
}

/// The new `access` value after an access at `now_ms`.
pub fn touched(access: u32, now_ms: u64) -> u32 {
    if !lfu_enabled() {
        return lru_clock(now_ms);
    }
    let mut counter = lfu_decayed(access, now_ms);
    if counter < 255 {
        let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
        let p = 1.0 / (base * LOG_FACTOR.load(Ordering::Relaxed) as f64 + 1.0);
        if rand::thread_rng().gen::<f64>() < p {
            counter += 1;
        }
    }
    (minutes(now_ms) << 8) | counter as u32
}

/// Seconds since the last access (LRU policies' idle time).
pub fn idle_secs(access: u32, now_ms: u64) -> u32 {
    lru_clock(now_ms).wrapping_sub(access)
}

/// The `access` value for a key restored with a known idle time (LRU) or
/// LFU counter (RESTORE's IDLETIME/FREQ, RDB hints): each applies only
/// under the matching kind of policy, as in Redis.
pub fn restored(idle_secs: Option<u64>, freq: Option<u8>, now_ms: u64) -> u32 {
    match (lfu_enabled(), idle_secs, freq) {
        (true, _, Some(f)) => (minutes(now_ms) << 8) | f as u32,
        (false, Some(idle), _) => lru_clock(now_ms).wrapping_sub(idle.min(u32::MAX as u64) as u32),
        _ => initial(now_ms),
    }
}
