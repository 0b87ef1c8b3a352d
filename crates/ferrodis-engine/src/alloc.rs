//! `CountingAlloc`: the system allocator, counting the bytes in use, so
//! `used_memory` is exact and costs no walk of the keyspace (Redis counts
//! the same way around its malloc). The binary installs it as the global
//! allocator; without it (unit tests), `used_memory()` is 0.
//!
//! The count is spread over cache-line-padded slots, one per thread
//! (modulo the slot count), so allocating threads do not fight over one
//! cache line; reading sums the slots.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

const SLOTS: usize = 16;

#[repr(align(64))]
struct Slot(AtomicI64);

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: Slot = Slot(AtomicI64::new(0));
static COUNTS: [Slot; SLOTS] = [ZERO; SLOTS];
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Const-initialised and without a destructor: safe to touch from inside
    // the allocator (it never allocates).
    static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn slot() -> &'static AtomicI64 {
    let i = SLOT
        .try_with(|s| {
            let mut i = s.get();
            if i == usize::MAX {
                i = NEXT_SLOT.fetch_add(1, Ordering::Relaxed) % SLOTS;
                s.set(i);
            }
            i
        })
        .unwrap_or(0);
    &COUNTS[i].0
}

/// Bytes currently allocated through `CountingAlloc`.
pub fn used_memory() -> u64 {
    COUNTS
        .iter()
        .map(|s| s.0.load(Ordering::Relaxed))
        .sum::<i64>()
        .max(0) as u64
}

/// Net bytes allocated so far by the calling thread's slot (exact while
/// fewer threads than slots exist). MEMORY USAGE measures a value by the
/// difference across building a copy of it.
pub fn thread_allocated() -> i64 {
    slot().load(Ordering::Relaxed)
}

/// The system allocator with byte counting.
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` with the same arguments and
// only adds bookkeeping that cannot fail or allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            slot().fetch_add(layout.size() as i64, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            slot().fetch_add(layout.size() as i64, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        slot().fetch_sub(layout.size() as i64, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            slot().fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        }
        p
    }
}
