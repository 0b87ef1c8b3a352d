//! CLIENT PAUSE and CLIENT UNPAUSE: for a while, commands that may change
//! the data (WRITE mode) or every command (ALL mode) wait instead of
//! running. A paused command is postponed like a blocked one (the
//! connection waits with it: `BlockRequest::postponed`) and runs when the
//! pause ends, by its deadline or by CLIENT UNPAUSE. Replicas and the
//! link to our primary are never paused.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

use crate::blocking::{BlockRequest, TimeoutReply};
use crate::context::{Client, ServerState};

#[derive(Default)]
pub struct PauseState {
    /// Whether a pause may be in effect (one relaxed load per command when
    /// there is none).
    active: AtomicBool,
    current: Mutex<Option<Pause>>,
}

#[derive(Clone, Copy)]
struct Pause {
    until_ms: u64,
    /// ALL rather than WRITE.
    all: bool,
}

impl PauseState {
    /// Whether a pause may be in effect (cheap: checked per command).
    pub fn any(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// How long a command must wait: `writes` when it may change the data
    /// (write, may-replicate, EXEC of such), None when it may run.
    pub fn wait_for(&self, writes: bool) -> Option<Duration> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let mut cur = self.current.lock();
        let p = (*cur)?;
        let now = ferrodis_engine::clock::now_ms();
        if now >= p.until_ms {
            *cur = None;
            self.active.store(false, Ordering::Release);
            ferrodis_engine::shard::set_expiry_paused(false);
            return None;
        }
        (p.all || writes).then(|| Duration::from_millis(p.until_ms - now))
    }

    /// Whether a pause is in effect: expiry and eviction wait too, so that
    /// the data stays as it is (an elapsed pause ends here).
    pub fn in_effect(&self) -> bool {
        self.wait_for(true).is_some()
    }
}

/// Starts a pause until `until_ms` or extends the one in effect: the later
/// end and the stricter mode win.
pub fn pause(srv: &ServerState, until_ms: u64, all: bool) {
    let p = &srv.pause;
    {
        let mut cur = p.current.lock();
        let now = ferrodis_engine::clock::now_ms();
        let next = match *cur {
            Some(old) if old.until_ms > now => Pause {
                until_ms: old.until_ms.max(until_ms),
                all: old.all || all,
            },
            _ => Pause { until_ms, all },
        };
        *cur = Some(next);
        p.active.store(true, Ordering::Release);
        ferrodis_engine::shard::set_expiry_paused(next.until_ms > now);
    }
    // Waiting clients take the new end (or run, if it no longer applies).
    wake_waiting(srv);
}

/// Ends the pause; postponed commands run.
pub fn unpause(srv: &ServerState) {
    *srv.pause.current.lock() = None;
    srv.pause.active.store(false, Ordering::Release);
    ferrodis_engine::shard::set_expiry_paused(false);
    wake_waiting(srv);
}

/// Wakes the clients whose commands a pause holds: each runs its command
/// again, or waits on with the new end.
fn wake_waiting(srv: &ServerState) {
    for c in srv.clients.snapshot() {
        if c.postponed.load(Ordering::Acquire) {
            (c.waker)();
        }
    }
}

/// Holds `client`'s command until the pause is over (`wait` from now at
/// most): the connection waits as for a blocked command, without a reply.
pub fn postpone(client: &mut Client, wait: Duration) {
    client.block = Some(BlockRequest {
        keys: Vec::new(),
        timeout: Some(wait),
        on_timeout: TimeoutReply::Rerun,
        rerun_argv: None,
        postponed: true,
    });
}

/// Whether `client`'s commands can be paused at all: not the link to our
/// primary, not the server's own (AOF loading), not one running inside a
/// transaction or script (the EXEC or script itself was admitted).
pub fn applies_to(client: &Client) -> bool {
    !client.is_master && !client.internal && !client.no_block
}
