//! A doorbell for one task: how other threads wake a connection task
//! (Pub/Sub messages, CLIENT KILL, a key a blocked client waits for, new
//! replication data).
//!
//! `tokio::sync::Notify` serves any number of waiters, so every wait links
//! a node into a mutex-guarded list, clones the task's waker, and unlinks
//! the node when the wait is dropped. A connection task starts a new wait
//! each time round its loop, once per request at -P 1. With one waiter a
//! flag and the waker it last registered are enough: a wait that finds
//! the same waker already there clones nothing.

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use parking_lot::Mutex;

#[derive(Default)]
pub struct Signal {
    /// Set by `notify`, taken by the wait it completes (a permit, as with
    /// `Notify::notify_one`: a ring with no one waiting is kept).
    rung: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Signal {
    pub fn new() -> Signal {
        Signal::default()
    }

    /// Wakes the waiting task, or the next wait if none is waiting.
    pub fn notify(&self) {
        self.rung.store(true, Ordering::Release);
        // Woken outside the lock: waking may schedule the task on another
        // worker's queue.
        let waker = self.waker.lock().clone();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Waits for a ring (at once if one came since the last wait).
    pub async fn wait(&self) {
        poll_fn(|cx| self.poll_wait(cx)).await
    }

    fn poll_wait(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.take() {
            return Poll::Ready(());
        }
        {
            let mut slot = self.waker.lock();
            if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *slot = Some(cx.waker().clone());
            }
        }
        // A ring that came before the waker was stored may have woken the
        // old one (or none): look again. One that comes after finds it.
        if self.take() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn take(&self) -> bool {
        self.rung.load(Ordering::Acquire) && self.rung.swap(false, Ordering::AcqRel)
    }
}

#[cfg(test)]
mod tests {
    use super::Signal;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn a_ring_before_the_wait_is_kept() {
        let s = Signal::new();
        s.notify();
        tokio::time::timeout(Duration::from_secs(5), s.wait())
            .await
            .expect("kept ring");
        // Taken: the next wait waits.
        assert!(tokio::time::timeout(Duration::from_millis(20), s.wait())
            .await
            .is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn rings_from_another_thread_wake_the_waiter() {
        let s = Arc::new(Signal::new());
        for _ in 0..1000 {
            let ringer = s.clone();
            let t = std::thread::spawn(move || ringer.notify());
            tokio::time::timeout(Duration::from_secs(5), s.wait())
                .await
                .expect("woken");
            t.join().expect("ringer");
        }
    }
}
