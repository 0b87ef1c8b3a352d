//! Blocking commands (BLPOP, BZPOPMIN, BLMOVE, ...): who waits on which key.
//!
//! A handler that finds nothing to serve calls [`Ctx::block`]; the
//! connection task then registers the client here and waits. Any write to a
//! key with waiters wakes the first waiter of that key (first come, first
//! served); the woken client re-runs its command on its own task. If it is
//! served, it wakes the next waiter of its keys, so one push of several
//! elements serves several waiters in order; if not (someone else took the
//! element), it keeps its place and waits again. A waiter that leaves
//! (timeout, disconnect, CLIENT UNBLOCK) passes any wake-up on to the next,
//! so no ready element is left with sleeping waiters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;

use crate::context::{ClientRegistry, Ctx};
use crate::error::CommandError;

/// What a blocked command replies when its timeout passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutReply {
    /// BLPOP, BRPOP, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
    NullArray,
    /// BLMOVE, BRPOPLPUSH.
    NullBulk,
}

/// A handler's request to block.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    pub keys: Vec<Bytes>,
    /// None blocks forever.
    pub timeout: Option<Duration>,
    pub on_timeout: TimeoutReply,
}

/// Parses a blocking timeout in seconds (a float; 0 means forever) with
/// Redis's errors.
pub fn parse_timeout(arg: &[u8]) -> Result<Option<Duration>, CommandError> {
    let secs: f64 = std::str::from_utf8(arg)
        .ok()
        .filter(|s| {
            !s.is_empty()
                && !s.starts_with(char::is_whitespace)
                && !s.ends_with(char::is_whitespace)
        })
        .and_then(|s| s.parse().ok())
        .filter(|v: &f64| !v.is_nan())
        .ok_or(CommandError::TimeoutNotFloat)?;
    let ms = secs * 1000.0;
    if ms < 0.0 && ms.trunc() < 0.0 {
        return Err(CommandError::TimeoutNegative);
    }
    if !ms.is_finite() || ms >= i64::MAX as f64 {
        return Err(CommandError::TimeoutOutOfRange);
    }
    let ms = ms.trunc() as u64;
    Ok((ms > 0).then(|| Duration::from_millis(ms)))
}

/// Which clients wait on which (database, key), in arrival order.
#[derive(Default)]
pub struct BlockingRegistry {
    waiters: Mutex<HashMap<(usize, Bytes), VecDeque<u64>>>,
    blocked: AtomicUsize,
}

impl BlockingRegistry {
    /// Number of blocked clients (INFO's blocked_clients).
    pub fn blocked_clients(&self) -> usize {
        self.blocked.load(Ordering::Relaxed)
    }

    /// Cheap check on the write path: is anyone waiting at all?
    pub fn has_waiters(&self) -> bool {
        self.blocked.load(Ordering::Acquire) > 0
    }

    /// Queues `client` on each of `keys` (duplicates once).
    pub fn register(&self, db: usize, keys: &[Bytes], client: u64) {
        let mut w = self.waiters.lock();
        for k in keys {
            let q = w.entry((db, k.clone())).or_default();
            if !q.contains(&client) {
                q.push_back(client);
            }
        }
        self.blocked.fetch_add(1, Ordering::AcqRel);
    }

    /// Removes `client` from the queues of `keys`, then wakes the new first
    /// waiter of each (a wake-up meant for the leaving client must not be
    /// lost; a spurious one costs a re-check).
    pub fn unregister(&self, db: usize, keys: &[Bytes], client: u64, clients: &ClientRegistry) {
        {
            let mut w = self.waiters.lock();
            for k in keys {
                let key = (db, k.clone());
                if let Some(q) = w.get_mut(&key) {
                    q.retain(|&c| c != client);
                    if q.is_empty() {
                        w.remove(&key);
                    }
                }
            }
        }
        self.blocked.fetch_sub(1, Ordering::AcqRel);
        for k in keys {
            self.signal(db, k, clients);
        }
    }

    /// Wakes the first client waiting on `key`, if any.
    pub fn signal(&self, db: usize, key: &[u8], clients: &ClientRegistry) {
        let first = {
            let w = self.waiters.lock();
            w.get(&(db, Bytes::copy_from_slice(key)))
                .and_then(|q| q.front().copied())
        };
        if let Some(id) = first {
            if let Some(c) = clients.get(id) {
                (c.waker)();
            }
        }
    }
}

impl Ctx<'_> {
    /// Asks the connection to block this client on `keys` (the handler then
    /// returns without replying). When blocking is not allowed (inside a
    /// transaction or script), the timeout reply is written at once, as
    /// Redis does.
    pub fn block(&mut self, keys: &[Bytes], timeout: Option<Duration>, on_timeout: TimeoutReply) {
        if self.client.no_block {
            write_timeout_reply(&mut self.client.reply, on_timeout);
            return;
        }
        self.client.block = Some(BlockRequest {
            keys: keys.to_vec(),
            timeout,
            on_timeout,
        });
    }
}

/// The reply a blocked client gets when its time runs out.
pub fn write_timeout_reply(r: &mut ferrodis_protocol::ReplyBuf, t: TimeoutReply) {
    match t {
        TimeoutReply::NullArray => r.null_array(),
        TimeoutReply::NullBulk => r.null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout(b"0").ok(), Some(None));
        assert_eq!(
            parse_timeout(b"1.5").ok(),
            Some(Some(Duration::from_millis(1500)))
        );
        assert_eq!(parse_timeout(b"0.0001").ok(), Some(None));
        assert!(matches!(
            parse_timeout(b"-1"),
            Err(CommandError::TimeoutNegative)
        ));
        assert!(matches!(
            parse_timeout(b"abc"),
            Err(CommandError::TimeoutNotFloat)
        ));
        assert!(matches!(
            parse_timeout(b""),
            Err(CommandError::TimeoutNotFloat)
        ));
    }
}
