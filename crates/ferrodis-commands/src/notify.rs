//! Keyspace notifications (`notify-keyspace-events`): a change to a key is
//! published as `__keyspace@<db>__:<key>` → event and/or
//! `__keyevent@<db>__:<event>` → key.
//!
//! Handlers call [`emit`] right where Redis 7.0 notifies, with Redis's
//! event names and classes (which is also where WATCH hears of the change); the server's own deletions (expiry, eviction)
//! come through `keyevents`. With notifications off, or nobody subscribed
//! to anything, a call costs one relaxed atomic load (and one more).

use std::sync::atomic::{AtomicU32, Ordering};

pub use ferrodis_config::table::keyspace_events as class;

use crate::context::{Client, ServerState};

/// The configured class flags.
static FLAGS: AtomicU32 = AtomicU32::new(0);

/// Applies `notify-keyspace-events` (after start-up and every CONFIG SET).
pub fn configure(cfg: &ferrodis_config::Config) {
    FLAGS.store(cfg.notify_keyspace_events, Ordering::Relaxed);
}

/// Whether events of `class` are published at all.
#[inline]
pub fn enabled(class: u32) -> bool {
    let f = FLAGS.load(Ordering::Relaxed);
    f & class != 0 && f & (class::KEYSPACE | class::KEYEVENT) != 0
}

/// Publishes one keyspace event for `key` in database `db`.
#[inline]
pub fn notify(srv: &ServerState, class: u32, event: &str, db: usize, key: &[u8]) {
    let flags = FLAGS.load(Ordering::Relaxed);
    if flags & class == 0 || !srv.pubsub.has_subscribers() {
        return;
    }
    publish_event(srv, flags, event, db, key);
}

#[cold]
fn publish_event(srv: &ServerState, flags: u32, event: &str, db: usize, key: &[u8]) {
    let mut chan = Vec::with_capacity(24 + key.len().max(event.len()));
    if flags & class::KEYSPACE != 0 {
        chan.extend_from_slice(b"__keyspace@");
        chan.extend_from_slice(db.to_string().as_bytes());
        chan.extend_from_slice(b"__:");
        chan.extend_from_slice(key);
        crate::pubsub::publish(srv, &chan, event.as_bytes());
    }
    if flags & class::KEYEVENT != 0 {
        chan.clear();
        chan.extend_from_slice(b"__keyevent@");
        chan.extend_from_slice(db.to_string().as_bytes());
        chan.extend_from_slice(b"__:");
        chan.extend_from_slice(event.as_bytes());
        crate::pubsub::publish(srv, &chan, key);
    }
}

/// A command's event on a key of the client's database. A client that is
/// itself subscribed (RESP3) receives it at this point of its reply, as
/// with Redis: call this where no reply aggregate is open.
#[inline]
pub fn emit(srv: &ServerState, client: &mut Client, class: u32, event: &str, key: &[u8]) {
    let db = client.db;
    emit_db(srv, client, class, event, db, key);
}

/// [`emit`] for a key of another database (MOVE, COPY ... DB).
#[inline]
pub fn emit_db(
    srv: &ServerState,
    client: &mut Client,
    class: u32,
    event: &str,
    db: usize,
    key: &[u8],
) {
    // Redis signals WATCH right where it notifies a command's change (the
    // `new` event only ever accompanies another one).
    if class != class::NEW {
        client.changes += 1;
        crate::multi::signal_modified_key(srv, db, key);
        if srv.tracking.active() {
            crate::tracking::invalidate(srv, Some(&mut *client), key);
        }
    }
    notify(srv, class, event, db, key);
    if client.subs.active() {
        crate::pubsub::absorb_own(client);
    }
}

#[cfg(test)]
mod tests {
    use super::class::*;

    #[test]
    fn class_letters_normalize_as_redis() {
        let norm = |s: &str| super::class::parse(s.as_bytes()).map(super::class::to_string);
        assert_eq!(norm("KEA").as_deref(), Some("AKE"));
        assert_eq!(norm("").as_deref(), Some(""));
        assert_eq!(norm("g$lshzxetd").as_deref(), Some("A"));
        assert_eq!(norm("KEn").as_deref(), Some("nKE"));
        assert_eq!(norm("An").as_deref(), Some("A"));
        assert_eq!(norm("AKEmn").as_deref(), Some("AKEm"));
        assert_eq!(norm("mn").as_deref(), Some("nm"));
        assert_eq!(norm("dtexzhsl$").as_deref(), Some("$lshzxetd"));
        assert_eq!(norm("Kg").as_deref(), Some("gK"));
        assert_eq!(norm("Q"), None);
        assert_eq!(norm("KEA "), None);
        assert_eq!(ALL & (NEW | KEY_MISS | KEYSPACE | KEYEVENT), 0);
    }
}
