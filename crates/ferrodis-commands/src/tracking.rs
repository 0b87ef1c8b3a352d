//! Client-side caching (CLIENT TRACKING): the server remembers which
//! clients read which keys and tells them when a key changes, so they can
//! drop their cached copy.
//!
//! Default mode: a read command records its keys for the reading client
//! (OPTIN: only after CLIENT CACHING YES; OPTOUT: unless CLIENT CACHING
//! NO); the first change of a key sends one invalidation to each client
//! recorded for it and forgets them. BCAST mode: no recording; a change
//! to any key under one of the client's prefixes is sent. Invalidations go
//! to the client as RESP3 pushes, or to the client it redirects to (a push
//! in RESP3, a message on `__redis__:invalidate` to a RESP2 subscriber).
//! The table is keyed by key name across databases, as in Redis. A
//! client's own invalidations follow its command's reply.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use ferrodis_protocol::ReplyBuf;
use parking_lot::Mutex;

use crate::context::{Client, ClientShared, ServerState};

#[derive(Default)]
pub struct TrackingState {
    /// Clients with tracking on (nothing is looked at while 0).
    clients: AtomicUsize,
    /// Key → the clients that read it since its last invalidation.
    keys: Mutex<HashMap<Bytes, Vec<u64>>>,
    /// BCAST prefix → its clients.
    prefixes: Mutex<BTreeMap<Bytes, Vec<u64>>>,
}

/// A client's tracking options (ClientShared::tracking).
#[derive(Default, Clone)]
pub struct TrackInfo {
    pub on: bool,
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    /// The client to send invalidations to was gone when one was due.
    pub broken: bool,
    /// 0: none.
    pub redirect: u64,
    pub prefixes: Vec<Bytes>,
}

impl TrackInfo {
    /// The client invalidations go to as CLIENT GETREDIR, CLIENT LIST and
    /// TRACKINGINFO report it: 0 for none, -1 when not tracking.
    pub fn redirection(&self) -> i64 {
        if self.on {
            self.redirect as i64
        } else {
            -1
        }
    }
}

impl TrackingState {
    pub fn active(&self) -> bool {
        self.clients.load(Ordering::Relaxed) > 0
    }

    /// INFO: tracking clients, keys, items (key/client pairs), prefixes.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let keys = self.keys.lock();
        let items = keys.values().map(Vec::len).sum();
        (
            self.clients.load(Ordering::Relaxed),
            keys.len(),
            items,
            self.prefixes.lock().len(),
        )
    }
}

/// CLIENT TRACKING ON with checked options: enables (or re-enables) it.
pub fn enable(
    srv: &ServerState,
    client: &Client,
    redirect: u64,
    opts: &TrackInfo,
    prefixes: &[Bytes],
) {
    let shared = &client.shared;
    let mut t = shared.tracking.lock();
    if !t.on {
        srv.tracking.clients.fetch_add(1, Ordering::Relaxed);
    }
    t.on = true;
    t.broken = false;
    t.redirect = redirect;
    t.bcast = opts.bcast;
    t.optin = opts.optin;
    t.optout = opts.optout;
    t.noloop = opts.noloop;
    if opts.bcast {
        let mut table = srv.tracking.prefixes.lock();
        let empty = [Bytes::new()];
        let wanted = if prefixes.is_empty() {
            &empty[..]
        } else {
            prefixes
        };
        for p in wanted {
            if !t.prefixes.contains(p) {
                t.prefixes.push(p.clone());
                table.entry(p.clone()).or_default().push(shared.id);
            }
        }
    }
}

/// CLIENT TRACKING OFF, or the client leaves.
pub fn disable(srv: &ServerState, shared: &ClientShared) {
    let mut t = shared.tracking.lock();
    if !t.on {
        return;
    }
    if !t.prefixes.is_empty() {
        let mut table = srv.tracking.prefixes.lock();
        for p in t.prefixes.drain(..) {
            if let Some(ids) = table.get_mut(&p) {
                ids.retain(|&id| id != shared.id);
                if ids.is_empty() {
                    table.remove(&p);
                }
            }
        }
    }
    *t = TrackInfo::default();
    srv.tracking.clients.fetch_sub(1, Ordering::Relaxed);
}

/// After a read command: records its keys for the client (default mode).
/// Past `tracking-table-max-keys`, keys are forgotten (their clients told
/// to drop them) until the table is back at the limit.
pub fn remember<'a>(srv: &ServerState, client: &mut Client, keys: impl Iterator<Item = &'a [u8]>) {
    let (optin, optout) = {
        let t = client.shared.tracking.lock();
        if !t.on || t.bcast {
            return;
        }
        (t.optin, t.optout)
    };
    let caching = client.tracking_caching;
    if optin && !caching || optout && caching {
        return;
    }
    let id = client.id();
    let max = srv.config.read().tracking_table_max_keys as usize;
    let evicted: Vec<(Bytes, Vec<u64>)> = {
        let mut table = srv.tracking.keys.lock();
        for k in keys {
            match table.get_mut(k) {
                Some(ids) => {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                // Copied: a slice of the request would pin its read buffer.
                None => {
                    table.insert(Bytes::copy_from_slice(k), vec![id]);
                }
            }
        }
        if max == 0 || table.len() <= max {
            return;
        }
        let over = table.len() - max;
        let victims: Vec<Bytes> = table.keys().take(over).cloned().collect();
        victims
            .into_iter()
            .filter_map(|k| table.remove_entry(&k))
            .collect()
    };
    for (key, ids) in evicted {
        let targets = ids.into_iter().map(|id| (id, false));
        notify(srv, Some(&mut *client), &key, targets);
    }
}

/// What an invalidation carries.
#[derive(Clone, Copy)]
enum Payload<'a> {
    Key(&'a [u8]),
    /// FLUSHALL / FLUSHDB: everything.
    All,
}

/// A key changed (`by`: the client whose command changed it, None for the
/// server's own expiry and eviction).
pub fn invalidate(srv: &ServerState, by: Option<&mut Client>, key: &[u8]) {
    // BCAST clients whose prefixes cover the key.
    let bcast: Vec<u64> = {
        let table = srv.tracking.prefixes.lock();
        table
            .iter()
            .filter(|(p, _)| key.starts_with(p))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect()
    };
    let recorded = srv.tracking.keys.lock().remove(key).unwrap_or_default();
    let targets = bcast
        .into_iter()
        .map(|id| (id, true))
        .chain(recorded.into_iter().map(|id| (id, false)));
    notify(srv, by, key, targets);
}

/// Sends `key`'s invalidation to each (client, whether it was found
/// through a BCAST prefix) still tracking in that mode; NOLOOP clients
/// are not told of their own changes; the running client's own wait
/// for its reply.
fn notify(
    srv: &ServerState,
    mut by: Option<&mut Client>,
    key: &[u8],
    targets: impl Iterator<Item = (u64, bool)>,
) {
    let by_id = by.as_ref().map_or(0, |c| c.id());
    for (id, want_bcast) in targets {
        let Some(target) = srv.clients.get(id) else {
            continue;
        };
        {
            let t = target.tracking.lock();
            // A client that left BCAST mode (or turned tracking off) gets
            // nothing recorded for the old mode.
            if !t.on || t.bcast != want_bcast || t.noloop && id == by_id {
                continue;
            }
        }
        match by.as_deref_mut() {
            Some(c) if c.id() == id => c.tracking_pending.push(Some(Bytes::copy_from_slice(key))),
            _ => send(srv, &target, Payload::Key(key)),
        }
    }
}

/// FLUSHALL / FLUSHDB: every tracking client hears that everything
/// changed, and the table is emptied.
pub fn flush(srv: &ServerState, by: &mut Client) {
    if !srv.tracking.active() {
        return;
    }
    srv.tracking.keys.lock().clear();
    for c in srv.clients.snapshot() {
        if !c.tracking.lock().on {
            continue;
        }
        if c.id == by.id() {
            by.tracking_pending.push(None);
        } else {
            send(srv, &c, Payload::All);
        }
    }
}

/// After a command: the client's own invalidations, after its reply.
pub fn send_pending(srv: &ServerState, client: &mut Client) {
    for p in std::mem::take(&mut client.tracking_pending) {
        let payload = match &p {
            Some(k) => Payload::Key(k),
            None => Payload::All,
        };
        if let Some((to, frame)) = message(srv, &client.shared, payload) {
            if to.id == client.id() {
                client.reply.raw(&frame);
            } else {
                crate::pubsub::deliver_raw(&to, &frame);
            }
        }
    }
}

fn send(srv: &ServerState, tracker: &std::sync::Arc<ClientShared>, payload: Payload<'_>) {
    if let Some((to, frame)) = message(srv, tracker, payload) {
        crate::pubsub::deliver_raw(&to, &frame);
    }
}

/// The frame for `tracker`'s invalidation and who receives it (itself or
/// the client it redirects to); None when no one can: a RESP2 client
/// without a redirection, or a redirection to a RESP2 client that is not
/// subscribed. A vanished redirection target marks the tracking broken
/// (and tells a RESP3 tracker once per invalidation, as Redis does).
fn message(
    srv: &ServerState,
    tracker: &ClientShared,
    payload: Payload<'_>,
) -> Option<(std::sync::Arc<ClientShared>, Bytes)> {
    let mut f = ReplyBuf::new();
    let redirect = {
        let mut t = tracker.tracking.lock();
        if !t.on {
            return None;
        }
        if t.redirect != 0 && srv.clients.get(t.redirect).is_none() {
            t.broken = true;
            let id = t.redirect;
            drop(t);
            let me = srv.clients.get(tracker.id)?;
            if tracker.resp.load(Ordering::Relaxed) < 3 {
                return None;
            }
            f.set_resp(3);
            f.push(2);
            f.bulk(b"tracking-redir-broken");
            f.integer(id as i64);
            return Some((me, f.take_bytes()));
        }
        t.redirect
    };
    let tracker_resp3 = tracker.resp.load(Ordering::Relaxed) >= 3;
    let to = srv
        .clients
        .get(if redirect != 0 { redirect } else { tracker.id })?;
    f.set_resp(to.resp.load(Ordering::Relaxed));
    if f.resp() == 3 {
        f.push(2);
        f.bulk(b"invalidate");
    } else if redirect != 0 && to.pubsub.subscribed() {
        f.array(3);
        f.bulk(b"message");
        f.bulk(b"__redis__:invalidate");
    } else {
        return None;
    }
    match payload {
        Payload::Key(k) => {
            f.array(1);
            f.bulk(k);
        }
        // Null in the tracking client's protocol, as Redis writes it.
        Payload::All => f.raw(if tracker_resp3 { b"_\r\n" } else { b"$-1\r\n" }),
    }
    Some((to, f.take_bytes()))
}

/// Whether two prefixes overlap (one starts the other).
pub fn overlap(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}
