//! Held-lock mode: running a group of commands (EXEC, a script) atomically.
//!
//! A transaction locks every shard its commands can touch, in the global
//! (database, shard) order, before the first command runs, and keeps them
//! until the last one is done. The commands themselves are the ordinary
//! handlers, which lock shards through `Db`; while a [`Hold`] is active on
//! this thread those calls hand out the shard already held instead of
//! locking it again (parking_lot's mutex is not reentrant). Other threads
//! are unaffected: they block on the held shards as on any lock.
//!
//! Cost when no hold is active: one thread-local flag read per lock.

use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};

use parking_lot::{Mutex, MutexGuard};

use crate::shard::Shard;

thread_local! {
    static HOLDING: Cell<bool> = const { Cell::new(false) };
    /// The held shards as (mutex address, shard), sorted by address.
    static HELD: RefCell<Vec<(usize, *mut Shard)>> = const { RefCell::new(Vec::new()) };
}

/// Whether this thread is inside a hold (EXEC or a script).
pub fn holding() -> bool {
    HOLDING.with(|h| h.get())
}

/// Access to one locked shard: an ordinary lock, or a shard this thread
/// holds for a transaction.
pub struct ShardGuard<'a>(Inner<'a>);

enum Inner<'a> {
    Locked(MutexGuard<'a, Shard>),
    Held(&'a mut Shard),
}

impl Deref for ShardGuard<'_> {
    type Target = Shard;
    fn deref(&self) -> &Shard {
        match &self.0 {
            Inner::Locked(g) => g,
            Inner::Held(s) => s,
        }
    }
}

impl DerefMut for ShardGuard<'_> {
    fn deref_mut(&mut self) -> &mut Shard {
        match &mut self.0 {
            Inner::Locked(g) => g,
            Inner::Held(s) => s,
        }
    }
}

impl ShardGuard<'_> {
    /// Releases the lock, handing it straight to a thread waiting for it.
    /// For a background loop that re-locks the same shard at once (the
    /// snapshot walker): a plain unlock would let it take the lock again
    /// before a waiting client, which then waits for parking_lot's
    /// fairness timeout (0.5 ms) on every step.
    pub fn unlock_fair(self) {
        if let Inner::Locked(g) = self.0 {
            MutexGuard::unlock_fair(g);
        }
    }
}

/// Locks `m`, or returns it as held when this thread holds it.
#[inline]
pub(crate) fn acquire(m: &Mutex<Shard>) -> ShardGuard<'_> {
    if !holding() {
        return ShardGuard(Inner::Locked(m.lock()));
    }
    acquire_in_hold(m)
}

#[cold]
fn acquire_in_hold(m: &Mutex<Shard>) -> ShardGuard<'_> {
    let addr = m as *const Mutex<Shard> as usize;
    let held = HELD.with(|h| {
        let h = h.borrow();
        h.binary_search_by_key(&addr, |e| e.0).ok().map(|i| h[i].1)
    });
    match held {
        // SAFETY: the pointer comes from a guard owned by the active `Hold`
        // of this thread, which outlives every command run inside it, and
        // the mutex stays locked meanwhile, so no other thread touches the
        // shard. Handlers never keep two guards of one shard alive at once
        // (outside a hold that would deadlock), so the `&mut` is unique.
        Some(p) => ShardGuard(Inner::Held(unsafe { &mut *p })),
        // A shard the hold did not predict. Callers hold everything a
        // command can reach, so this is a bug; locking out of order may
        // wait, but it keeps the command correct.
        None => ShardGuard(Inner::Locked(m.lock())),
    }
}

/// Shards held for a transaction on this thread; released on drop.
pub struct Hold<'a> {
    guards: Vec<MutexGuard<'a, Shard>>,
    /// False for a nested hold, which holds nothing of its own.
    active: bool,
}

impl<'a> Hold<'a> {
    /// Locks `mutexes` (already in the global order, no duplicates) and
    /// enters held mode. Inside an active hold this is a no-op: the outer
    /// hold already covers what the transaction predicted.
    pub(crate) fn new(mutexes: impl Iterator<Item = &'a Mutex<Shard>>) -> Hold<'a> {
        if holding() {
            return Hold {
                guards: Vec::new(),
                active: false,
            };
        }
        let mut guards: Vec<MutexGuard<'a, Shard>> = mutexes.map(|m| m.lock()).collect();
        let mut held: Vec<(usize, *mut Shard)> = guards
            .iter_mut()
            .map(|g| {
                let addr = MutexGuard::mutex(g) as *const Mutex<Shard> as usize;
                (addr, &mut **g as *mut Shard)
            })
            .collect();
        held.sort_unstable_by_key(|e| e.0);
        HELD.with(|h| *h.borrow_mut() = held);
        HOLDING.with(|h| h.set(true));
        Hold {
            guards,
            active: true,
        }
    }

    /// Number of shards this hold locked.
    pub fn len(&self) -> usize {
        self.guards.len()
    }

    pub fn is_empty(&self) -> bool {
        self.guards.is_empty()
    }
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        if self.active {
            HOLDING.with(|h| h.set(false));
            HELD.with(|h| h.borrow_mut().clear());
        }
        // The guards unlock after the thread has left held mode.
    }
}
