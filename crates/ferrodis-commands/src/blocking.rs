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

use crate::args::parse_i64_strict;
use crate::context::{ClientRegistry, Ctx};
use crate::error::CommandError;
use crate::string::f80::F80;

/// What a blocked command replies when its timeout passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutReply {
    /// BLPOP, BRPOP, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, and also BLMOVE
    /// and BRPOPLPUSH: Redis 7.0 times every list wait out with a null
    /// array (they reply a null bulk only where blocking is not allowed).
    NullArray,
    /// A null bulk string.
    NullBulk,
    /// Run the command once more without blocking; it replies itself
    /// (WAIT replies the count reached so far).
    Rerun,
}

/// A handler's request to block.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    pub keys: Vec<Bytes>,
    /// None blocks forever.
    pub timeout: Option<Duration>,
    pub on_timeout: TimeoutReply,
    /// Arguments to re-run with instead of the original ones (XREAD pins
    /// `$` to the id it meant when the command first ran).
    pub rerun_argv: Option<Vec<Bytes>>,
    /// Held by CLIENT PAUSE (pause.rs), not waiting on keys: it runs again
    /// when woken or at its deadline, and may be held again (a pause
    /// extended) or block for real (a blocking command).
    pub postponed: bool,
}

/// Parses a blocking timeout in seconds (a float; 0 means forever) with
/// Redis 7.0's errors. Redis reads it as a `long double` (so hexadecimal
/// forms and "inf" parse, leading spaces, trailing garbage and NaN do not),
/// scales it to milliseconds in that precision, rounds up (0.0001 waits
/// 1 ms; -0.0001 is 0, forever) and converts to a 64-bit integer: anything
/// beyond i64::MAX ms, infinity included, becomes i64::MIN and is refused
/// as negative. (In `f64` a timeout such as 9223372036854775 s would round
/// to 2^63 ms and be refused wrongly.)
pub fn parse_timeout(arg: &[u8]) -> Result<Option<Duration>, CommandError> {
    let secs = F80::parse(arg).ok_or(CommandError::TimeoutNotFloat)?;
    timeout_from_ms(secs.mul_u64(1000).ceil_i64())
}

/// Parses a blocking timeout in milliseconds (an integer; 0 means forever),
/// as WAIT and XREAD/XREADGROUP BLOCK take it.
pub fn parse_timeout_ms(arg: &[u8]) -> Result<Option<Duration>, CommandError> {
    timeout_from_ms(parse_i64_strict(arg).ok_or(CommandError::TimeoutNotInteger)?)
}

/// A timeout in milliseconds: negative is refused, 0 waits forever. The
/// deadline may lie past the clock's range (see `wait_blocked`).
fn timeout_from_ms(ms: i64) -> Result<Option<Duration>, CommandError> {
    let ms = u64::try_from(ms).map_err(|_| CommandError::TimeoutNegative)?;
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

    /// Wakes every client waiting on `key`. Streams need this: an entry
    /// added to a stream is there for every reader, not taken by the first
    /// (readers not served wait again).
    pub fn signal_all(&self, db: usize, key: &[u8], clients: &ClientRegistry) {
        if !self.has_waiters() {
            return;
        }
        let ids: Vec<u64> = {
            let w = self.waiters.lock();
            w.get(&(db, Bytes::copy_from_slice(key)))
                .map(|q| q.iter().copied().collect())
                .unwrap_or_default()
        };
        for id in ids {
            if let Some(c) = clients.get(id) {
                (c.waker)();
            }
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
    /// Whether this run of a blocking command is a re-run after a wake-up
    /// (the client is blocked and its command is being tried again).
    pub fn is_blocked_rerun(&self) -> bool {
        self.client.shared.blocked.load(Ordering::Acquire)
    }

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
            rerun_argv: None,
            postponed: false,
        });
    }

    /// [`Ctx::block`], re-running later with `argv` instead of the
    /// command's own arguments.
    pub fn block_with_argv(
        &mut self,
        keys: &[Bytes],
        timeout: Option<Duration>,
        on_timeout: TimeoutReply,
        argv: Vec<Bytes>,
    ) {
        self.block(keys, timeout, on_timeout);
        if let Some(b) = self.client.block.as_mut() {
            b.rerun_argv = Some(argv);
        }
    }
}

/// The reply a blocked client gets when its time runs out.
pub fn write_timeout_reply(r: &mut ferrodis_protocol::ReplyBuf, t: TimeoutReply) {
    match t {
        TimeoutReply::NullArray => r.null_array(),
        TimeoutReply::NullBulk => r.null(),
        TimeoutReply::Rerun => {}
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
        assert_eq!(
            parse_timeout(b"0.0001").ok(),
            Some(Some(Duration::from_millis(1)))
        );
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
        assert_eq!(
            parse_timeout(b"0x10").ok(),
            Some(Some(Duration::from_secs(16)))
        );
        assert_eq!(
            parse_timeout(b"0x1p-2").ok(),
            Some(Some(Duration::from_millis(250)))
        );
        assert_eq!(parse_timeout(b"-0.0001").ok(), Some(None));
        for neg in [&b"inf"[..], b"-inf", b"1e400", b"9.3e15"] {
            assert!(
                matches!(parse_timeout(neg), Err(CommandError::TimeoutNegative)),
                "{neg:?}"
            );
        }
        for bad in [&b" 1"[..], b"1 ", b"nan", b"1e5000", b"1e-5000", b"1\x000"] {
            assert!(
                matches!(parse_timeout(bad), Err(CommandError::TimeoutNotFloat)),
                "{bad:?}"
            );
        }
        assert!(parse_timeout(b"9.2e15").is_ok());
        // Exact in long double, though not in f64: just below 2^63 ms.
        assert_eq!(
            parse_timeout(b"9223372036854775.807").ok(),
            Some(Some(Duration::from_millis(i64::MAX as u64)))
        );
        assert_eq!(
            parse_timeout(b"0.0011").ok(),
            Some(Some(Duration::from_millis(2)))
        );
        assert_eq!(
            parse_timeout(b"9223372036854775").ok(),
            Some(Some(Duration::from_millis(9_223_372_036_854_775_000)))
        );
        assert!(matches!(
            parse_timeout(b"9223372036854775.808"),
            Err(CommandError::TimeoutNegative)
        ));
        assert_eq!(parse_timeout_ms(b"0").ok(), Some(None));
        assert_eq!(
            parse_timeout_ms(b"9223372036854775807").ok(),
            Some(Some(Duration::from_millis(i64::MAX as u64)))
        );
        assert!(matches!(
            parse_timeout_ms(b"-1"),
            Err(CommandError::TimeoutNegative)
        ));
        for bad in [&b"9223372036854775808"[..], b"1.5", b"", b" 1"] {
            assert!(
                matches!(parse_timeout_ms(bad), Err(CommandError::TimeoutNotInteger)),
                "{bad:?}"
            );
        }
    }
}
