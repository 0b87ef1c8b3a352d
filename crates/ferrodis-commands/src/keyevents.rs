//! What happens when the server deletes a key on its own (expiry,
//! eviction): the one place WATCH, keyspace notifications and propagation
//! hear about it. Runs under the key's shard lock: lock no shard here.

use ferrodis_engine::Removal;

use crate::context::ServerState;

pub fn key_removed_by_server(srv: &ServerState, db: usize, key: &[u8], why: Removal) {
    crate::multi::key_removed(srv, db, key, why);
    crate::propagate::key_removed(srv, db, key);
    let (class, event) = match why {
        Removal::Expired => (crate::notify::class::EXPIRED, "expired"),
        Removal::Evicted => (crate::notify::class::EVICTED, "evicted"),
    };
    crate::notify::notify(srv, class, event, db, key);
}
