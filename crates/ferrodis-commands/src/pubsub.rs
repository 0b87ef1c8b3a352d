//! Pub/Sub: channels, patterns and shard channels.
//!
//! The registry ([`PubSub`], in `ServerState`) maps each channel, pattern
//! and shard channel to its subscribers. A client's own view of what it
//! subscribed to is its [`Subscriptions`] (in `Client`), so UNSUBSCRIBE
//! without arguments, RESET and disconnection know what to remove.
//!
//! Delivery: a publisher encodes each frame once per protocol version and
//! appends it to every receiver's [`Mailbox`] (in `ClientShared`), then
//! wakes the receiver's task when the mailbox was empty. Publishing never
//! waits on a receiver: appending is a short mutex hold, and a receiver
//! whose pending output passes the pub/sub class's hard
//! `client-output-buffer-limit` stops receiving and is closed by its own
//! task. The receiver's task moves its mailbox into its reply stream
//! between commands ([`absorb`]), so a subscriber sees the messages of one
//! publisher in publish order, and after the confirmation of the SUBSCRIBE
//! that made it a receiver.
//!
//! A subscribed client's own command (PUBLISH to itself, keyspace events
//! of its writes, RESP3) delivers to itself synchronously, as Redis does:
//! while [`execute`](crate::dispatch::execute) runs a subscribed client's
//! command, frames for that client go to a thread-local buffer that the
//! handler moves into its reply where Redis would write them
//! ([`absorb_own`]); what is left at the end (events of keys expired by a
//! lookup) goes before the command's reply ([`leave_command`]).
//!
//! Invariants: a client is in the registry's list for a name exactly when
//! the name is in its `Subscriptions` (both change together, only on the
//! client's own task); a registry entry never holds an empty list; `live`
//! counts the channel and pattern entries, `shard_live` the shard ones.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use ferrodis_engine::glob::glob_match;
use parking_lot::{Mutex, RwLock};

use crate::connection::help_reply;
use crate::context::{Client, ClientShared, Ctx, ServerState};
use crate::error::{CmdResult, CommandError, Lossy};
use crate::spec::*;
use crate::table::TableEntry;

// Clients choose the names: per-process random seeds, so colliding names
// cannot be precomputed.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// The three subscription namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Channel = 0,
    Pattern = 1,
    Shard = 2,
}

impl Kind {
    fn subscribe_word(self) -> &'static [u8] {
        match self {
            Kind::Channel => b"subscribe",
            Kind::Pattern => b"psubscribe",
            Kind::Shard => b"ssubscribe",
        }
    }

    fn unsubscribe_word(self) -> &'static [u8] {
        match self {
            Kind::Channel => b"unsubscribe",
            Kind::Pattern => b"punsubscribe",
            Kind::Shard => b"sunsubscribe",
        }
    }
}

/// `client-output-buffer-limit pubsub` hard limit in bytes (0: none), as
/// the publishers check it; set from the config (see [`configure`]).
static PUBSUB_HARD_LIMIT: AtomicU64 = AtomicU64::new(0);

/// Applies the config values publishers need (after start-up and every
/// CONFIG SET).
pub fn configure(cfg: &ferrodis_config::Config) {
    PUBSUB_HARD_LIMIT.store(cfg.output_buffer_limits()[2].hard, Ordering::Relaxed);
}

type Subscribers = Vec<Arc<ClientShared>>;

#[derive(Default)]
struct Registry {
    maps: [FastMap<Bytes, Subscribers>; 3],
}

/// Server-wide: who is subscribed to what.
#[derive(Default)]
pub struct PubSub {
    reg: RwLock<Registry>,
    /// Channel and pattern entries: PUBLISH and keyspace notifications skip
    /// everything while it is zero.
    live: AtomicUsize,
    /// Shard channel entries.
    shard_live: AtomicUsize,
}

impl PubSub {
    /// Whether anything would receive a PUBLISH (cheap, lock-free).
    pub fn has_subscribers(&self) -> bool {
        self.live.load(Ordering::Acquire) > 0
    }

    /// INFO's pubsub_channels, pubsub_patterns, pubsubshard_channels.
    pub fn counts(&self) -> (usize, usize, usize) {
        let r = self.reg.read();
        (r.maps[0].len(), r.maps[1].len(), r.maps[2].len())
    }

    fn add(&self, kind: Kind, name: &Bytes, who: &Arc<ClientShared>) {
        let mut r = self.reg.write();
        let list = r.maps[kind as usize].entry(name.clone()).or_default();
        if list.is_empty() {
            self.counter(kind).fetch_add(1, Ordering::AcqRel);
        }
        list.push(who.clone());
    }

    fn remove(&self, kind: Kind, name: &[u8], id: u64) {
        let mut r = self.reg.write();
        let map = &mut r.maps[kind as usize];
        if let Some(list) = map.get_mut(name) {
            list.retain(|c| c.id != id);
            if list.is_empty() {
                map.remove(name);
                self.counter(kind).fetch_sub(1, Ordering::AcqRel);
            }
        }
    }

    fn counter(&self, kind: Kind) -> &AtomicUsize {
        match kind {
            Kind::Shard => &self.shard_live,
            _ => &self.live,
        }
    }
}

/// Messages other connections queued for a client, already encoded for its
/// protocol, plus the counts other connections read (CLIENT LIST).
#[derive(Default)]
pub struct Mailbox {
    queue: Mutex<BytesMut>,
    /// Bytes in `queue` (read without the lock).
    queued: AtomicUsize,
    /// Set by a publisher that found the client over its hard output limit:
    /// nothing more is queued and the client's task closes it.
    overflowed: AtomicBool,
    /// Subscriptions per kind (channels, patterns, shard channels).
    counts: [AtomicUsize; 3],
}

impl Mailbox {
    /// Bytes waiting in the mailbox.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }

    /// Whether a publisher found the client over its output limit.
    pub fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::Acquire)
    }

    /// (channels, patterns, shard channels) the client is subscribed to.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.counts[0].load(Ordering::Relaxed),
            self.counts[1].load(Ordering::Relaxed),
            self.counts[2].load(Ordering::Relaxed),
        )
    }

    /// Whether the client has any subscription (CLIENT LIST flag `P`,
    /// client type `pubsub`).
    pub fn subscribed(&self) -> bool {
        let (a, b, c) = self.counts();
        a + b + c > 0
    }
}

thread_local! {
    /// The subscribed client whose command this thread is running (0:
    /// none), and the frames delivered to it meanwhile.
    static OWN: std::cell::RefCell<(u64, Vec<u8>)> =
        const { std::cell::RefCell::new((0, Vec::new())) };
}

/// What [`enter_command`] changed: nothing, or the previous owner.
pub struct OwnGuard(Option<u64>);

/// Called before a command runs: a subscribed client receives its own
/// frames synchronously. Costs nothing for other clients.
#[inline]
pub fn enter_command(client: &Client) -> OwnGuard {
    if !client.subs.active() {
        return OwnGuard(None);
    }
    OwnGuard(Some(
        OWN.with(|o| std::mem::replace(&mut o.borrow_mut().0, client.id())),
    ))
}

/// Called after the command: frames for the client that no handler placed
/// go before its reply (`mark` is where the reply began).
#[inline]
pub fn leave_command(client: &mut Client, guard: OwnGuard, mark: usize) {
    let Some(prev) = guard.0 else {
        return;
    };
    OWN.with(|o| {
        let mut o = o.borrow_mut();
        if o.0 == client.id() && !o.1.is_empty() {
            client.reply.insert_raw(mark, &o.1);
            o.1.clear();
        }
        o.0 = prev;
    });
}

/// The subscribed client whose command this thread is running, or 0.
fn current_owner() -> u64 {
    OWN.with(|o| o.borrow().0)
}

/// Moves the frames this client's command delivered to itself into its
/// reply, at the current position.
pub fn absorb_own(client: &mut Client) {
    OWN.with(|o| {
        let mut o = o.borrow_mut();
        if o.0 == client.id() && !o.1.is_empty() {
            client.reply.raw(&o.1);
            o.1.clear();
        }
    });
}

/// Appends one encoded frame to `to`'s mailbox and wakes its task (or,
/// for the client running the current command, to its own buffer).
/// `own` is the client running the current command on this thread (see
/// [`current_owner`]).
fn deliver(to: &ClientShared, frame: &[u8], own: u64) {
    if own == to.id {
        OWN.with(|o| o.borrow_mut().1.extend_from_slice(frame));
        return;
    }
    let mb = &to.pubsub;
    if mb.overflowed.load(Ordering::Relaxed) {
        return;
    }
    let hard = PUBSUB_HARD_LIMIT.load(Ordering::Relaxed) as usize;
    let mut q = mb.queue.lock();
    let was_empty = q.is_empty();
    if hard > 0 && q.len() + frame.len() + to.omem.load(Ordering::Relaxed) >= hard {
        drop(q);
        mb.overflowed.store(true, Ordering::Release);
        (to.waker)();
        return;
    }
    q.extend_from_slice(frame);
    mb.queued.store(q.len(), Ordering::Release);
    drop(q);
    if was_empty {
        (to.waker)();
    }
}

/// Queues an already encoded frame for `to` (MONITOR lines), always
/// through its mailbox, waking its task.
pub fn deliver_raw(to: &ClientShared, frame: &[u8]) {
    deliver(to, frame, 0);
}

/// Moves the messages queued for this client into its reply stream.
pub fn absorb(client: &mut Client) {
    let mb = &client.shared.pubsub;
    if mb.queued.load(Ordering::Acquire) == 0 {
        return;
    }
    let mut q = mb.queue.lock();
    client.reply.raw(&q);
    if q.capacity() > 64 * 1024 {
        *q = BytesMut::new();
    } else {
        q.clear();
    }
    mb.queued.store(0, Ordering::Release);
}

/// One frame: `>n` (RESP3) or `*n` (RESP2) and bulk strings.
fn encode(resp3: bool, parts: &[&[u8]]) -> BytesMut {
    let len: usize = parts.iter().map(|p| p.len() + 16).sum();
    let mut out = BytesMut::with_capacity(len + 8);
    let put_len = |out: &mut BytesMut, prefix: u8, n: usize| {
        out.extend_from_slice(&[prefix]);
        out.extend_from_slice(n.to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    put_len(&mut out, if resp3 { b'>' } else { b'*' }, parts.len());
    for p in parts {
        put_len(&mut out, b'$', p.len());
        out.extend_from_slice(p);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A frame encoded lazily, once per protocol version.
struct Frames<'a> {
    parts: [&'a [u8]; 4],
    n: usize,
    enc: [Option<BytesMut>; 2],
    own: u64,
}

impl<'a> Frames<'a> {
    fn new(parts: &[&'a [u8]]) -> Frames<'a> {
        let mut p: [&[u8]; 4] = [&[]; 4];
        p[..parts.len()].copy_from_slice(parts);
        Frames {
            parts: p,
            n: parts.len(),
            enc: [None, None],
            own: current_owner(),
        }
    }

    fn send_to(&mut self, to: &ClientShared) {
        let resp3 = to.resp.load(Ordering::Relaxed) == 3;
        let parts = &self.parts[..self.n];
        let f = self.enc[usize::from(resp3)].get_or_insert_with(|| encode(resp3, parts));
        deliver(to, f, self.own);
    }
}

/// Delivers `message` to every subscriber of `channel` (direct and pattern)
/// and returns how many clients received it.
pub fn publish(srv: &ServerState, channel: &[u8], message: &[u8]) -> usize {
    let ps = &srv.pubsub;
    if !ps.has_subscribers() {
        return 0;
    }
    let reg = ps.reg.read();
    let mut n = 0;
    if let Some(subs) = reg.maps[Kind::Channel as usize].get(channel) {
        let mut frames = Frames::new(&[b"message", channel, message]);
        for s in subs {
            frames.send_to(s);
        }
        n += subs.len();
    }
    for (pattern, subs) in &reg.maps[Kind::Pattern as usize] {
        if glob_match(pattern, channel, false) {
            let mut frames = Frames::new(&[b"pmessage", pattern, channel, message]);
            for s in subs {
                frames.send_to(s);
            }
            n += subs.len();
        }
    }
    n
}

/// SPUBLISH: delivers to the subscribers of a shard channel.
pub fn publish_shard(srv: &ServerState, channel: &[u8], message: &[u8]) -> usize {
    let ps = &srv.pubsub;
    if ps.shard_live.load(Ordering::Acquire) == 0 {
        return 0;
    }
    let reg = ps.reg.read();
    let Some(subs) = reg.maps[Kind::Shard as usize].get(channel) else {
        return 0;
    };
    let mut frames = Frames::new(&[b"smessage", channel, message]);
    for s in subs {
        frames.send_to(s);
    }
    subs.len()
}

/// What one client is subscribed to (its own task's view).
#[derive(Default)]
pub struct Subscriptions {
    sets: [FastSet<Bytes>; 3],
}

impl Subscriptions {
    fn len(&self, kind: Kind) -> usize {
        self.sets[kind as usize].len()
    }

    /// Whether the client has any subscription: the RESP2 subscribed
    /// context, the pub/sub client class.
    pub fn active(&self) -> bool {
        self.sets.iter().any(|s| !s.is_empty())
    }

    /// The count a (un)subscribe confirmation reports: channels and
    /// patterns together, shard channels on their own.
    fn reported(&self, kind: Kind) -> usize {
        match kind {
            Kind::Shard => self.len(Kind::Shard),
            _ => self.len(Kind::Channel) + self.len(Kind::Pattern),
        }
    }
}

fn publish_counts(client: &Client) {
    for (i, s) in client.subs.sets.iter().enumerate() {
        client.shared.pubsub.counts[i].store(s.len(), Ordering::Relaxed);
    }
}

/// The RESP2 subscribed-context gate: a subscribed RESP2 client may only run
/// the subscribe family, PING, QUIT and RESET.
pub fn check_context(client: &Client, e: &TableEntry) -> Result<(), CommandError> {
    if client.resp != 2 || !client.subs.active() {
        return Ok(());
    }
    let allowed = e.parent.is_none()
        && matches!(
            e.spec.name,
            "subscribe"
                | "ssubscribe"
                | "psubscribe"
                | "unsubscribe"
                | "sunsubscribe"
                | "punsubscribe"
                | "ping"
                | "quit"
                | "reset"
        );
    if allowed {
        Ok(())
    } else {
        Err(CommandError::PubSubContext(e.full_name.clone()))
    }
}

/// Drops every subscription without replying (RESET, disconnection).
pub fn unsubscribe_all(srv: &ServerState, client: &mut Client) {
    if !client.subs.active() {
        return;
    }
    let id = client.id();
    for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
        for name in std::mem::take(&mut client.subs.sets[kind as usize]) {
            srv.pubsub.remove(kind, &name, id);
        }
    }
    publish_counts(client);
    // Queued messages die with the subscriptions (RESET) or the socket.
    let mb = &client.shared.pubsub;
    mb.queue.lock().clear();
    mb.queued.store(0, Ordering::Release);
}

fn subscribe_generic(ctx: &mut Ctx<'_>, kind: Kind) -> CmdResult {
    let srv = ctx.srv;
    let client = &mut *ctx.client;
    for name in &ctx.argv[1..] {
        if !client.subs.sets[kind as usize].contains(&name[..]) {
            let owned = Bytes::copy_from_slice(name);
            client.subs.sets[kind as usize].insert(owned.clone());
            srv.pubsub.add(kind, &owned, &client.shared);
        }
        publish_counts(client);
        let count = client.subs.reported(kind);
        let r = &mut client.reply;
        r.push(3);
        r.bulk(kind.subscribe_word());
        r.bulk(name);
        r.integer(count as i64);
    }
    Ok(())
}

fn unsubscribe_generic(ctx: &mut Ctx<'_>, kind: Kind) -> CmdResult {
    let srv = ctx.srv;
    let client = &mut *ctx.client;
    let id = client.id();
    let names: Vec<Bytes> = if ctx.argv.len() == 1 {
        client.subs.sets[kind as usize].iter().cloned().collect()
    } else {
        ctx.argv[1..].to_vec()
    };
    // Remove first, then flush what was delivered before the removal, so
    // that no message follows the confirmation.
    let mut counts = Vec::with_capacity(names.len());
    for name in &names {
        if client.subs.sets[kind as usize].remove(&name[..]) {
            srv.pubsub.remove(kind, name, id);
        }
        counts.push(client.subs.reported(kind));
    }
    publish_counts(client);
    absorb(client);
    let r = &mut client.reply;
    if names.is_empty() {
        r.push(3);
        r.bulk(kind.unsubscribe_word());
        r.null();
        r.integer(client.subs.reported(kind) as i64);
        return Ok(());
    }
    for (name, count) in names.iter().zip(counts) {
        r.push(3);
        r.bulk(kind.unsubscribe_word());
        r.bulk(name);
        r.integer(count as i64);
    }
    Ok(())
}

fn subscribe(ctx: &mut Ctx<'_>) -> CmdResult {
    subscribe_generic(ctx, Kind::Channel)
}

fn psubscribe(ctx: &mut Ctx<'_>) -> CmdResult {
    subscribe_generic(ctx, Kind::Pattern)
}

fn ssubscribe(ctx: &mut Ctx<'_>) -> CmdResult {
    subscribe_generic(ctx, Kind::Shard)
}

fn unsubscribe(ctx: &mut Ctx<'_>) -> CmdResult {
    unsubscribe_generic(ctx, Kind::Channel)
}

fn punsubscribe(ctx: &mut Ctx<'_>) -> CmdResult {
    unsubscribe_generic(ctx, Kind::Pattern)
}

fn sunsubscribe(ctx: &mut Ctx<'_>) -> CmdResult {
    unsubscribe_generic(ctx, Kind::Shard)
}

/// PUBLISH channel message
fn publish_cmd(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = publish(ctx.srv, &ctx.argv[1], &ctx.argv[2]);
    // A RESP3 subscriber publishing to itself sees the message first.
    absorb_own(ctx.client);
    ctx.reply().integer(n as i64);
    Ok(())
}

/// SPUBLISH shardchannel message
fn spublish(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = publish_shard(ctx.srv, &ctx.argv[1], &ctx.argv[2]);
    absorb_own(ctx.client);
    ctx.reply().integer(n as i64);
    Ok(())
}

/// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: active names, optionally
/// filtered by a glob pattern.
fn channels_generic(ctx: &mut Ctx<'_>, kind: Kind) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(CommandError::UnknownSubcommandOrArity {
            sub: Lossy::new(&ctx.argv[1], 128),
            container: "PUBSUB",
        });
    }
    let pattern = ctx.argv.get(2);
    let names: Vec<Bytes> = {
        let reg = ctx.srv.pubsub.reg.read();
        reg.maps[kind as usize]
            .keys()
            .filter(|n| pattern.is_none_or(|p| glob_match(p, n, false)))
            .cloned()
            .collect()
    };
    let r = ctx.reply();
    r.array(names.len());
    for n in &names {
        r.bulk(n);
    }
    Ok(())
}

fn pubsub_channels(ctx: &mut Ctx<'_>) -> CmdResult {
    channels_generic(ctx, Kind::Channel)
}

fn pubsub_shardchannels(ctx: &mut Ctx<'_>) -> CmdResult {
    channels_generic(ctx, Kind::Shard)
}

/// PUBSUB NUMSUB / SHARDNUMSUB [name ...]: name, subscriber count pairs
/// (a flat array in both protocols, as Redis 7.0 replies).
fn numsub_generic(ctx: &mut Ctx<'_>, kind: Kind) -> CmdResult {
    let names = &ctx.argv[2..];
    let counts: Vec<usize> = {
        let reg = ctx.srv.pubsub.reg.read();
        names
            .iter()
            .map(|n| reg.maps[kind as usize].get(&n[..]).map_or(0, Vec::len))
            .collect()
    };
    let r = &mut ctx.client.reply;
    r.array(names.len() * 2);
    for (n, c) in names.iter().zip(counts) {
        r.bulk(n);
        r.integer(c as i64);
    }
    Ok(())
}

fn pubsub_numsub(ctx: &mut Ctx<'_>) -> CmdResult {
    numsub_generic(ctx, Kind::Channel)
}

fn pubsub_shardnumsub(ctx: &mut Ctx<'_>) -> CmdResult {
    numsub_generic(ctx, Kind::Shard)
}

/// PUBSUB NUMPAT: distinct patterns subscribed to by anyone.
fn pubsub_numpat(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = ctx.srv.pubsub.reg.read().maps[Kind::Pattern as usize].len();
    ctx.reply().integer(n as i64);
    Ok(())
}

fn pubsub_help(ctx: &mut Ctx<'_>) -> CmdResult {
    help_reply(
        ctx,
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Channels that have at least one subscriber, optionally only those matching <pattern>.",
            "NUMPAT",
            "    How many distinct patterns clients are subscribed to.",
            "NUMSUB [<channel> ...]",
            "    Each channel with its number of direct subscribers (pattern subscribers not counted).",
            "SHARDCHANNELS [<pattern>]",
            "    Shard channels that have at least one subscriber, optionally only those matching <pattern>.",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Each shard channel with its number of subscribers.",
        ],
    );
    Ok(())
}

const NOT_KEY_ALL: &[KeySpec] = &[KeySpec {
    notes: None,
    flags: &["not_key"],
    begin: Begin::Index(1),
    find: Find::Range {
        last: -1,
        step: 1,
        limit: 0,
    },
}];

const PUBSUB_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "channels",
        handler: Some(pubsub_channels),
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: "pubsub",
        since: "2.8.0",
        summary: "Lists the channels that have subscribers.",
        complexity: "O(N) for N active channels (pattern matching taken as constant time).",
        args: &[Arg {
            name: "pattern",
            kind: ArgKind::Pattern,
            flags: ARG_OPTIONAL,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(pubsub_help),
        arity: 2,
        flags: LOADING | STALE,
        group: "pubsub",
        since: "6.2.0",
        summary: "Describes the PUBSUB subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "numpat",
        handler: Some(pubsub_numpat),
        arity: 2,
        flags: PUBSUB | LOADING | STALE,
        group: "pubsub",
        since: "2.8.0",
        summary: "Counts the distinct patterns clients are subscribed to.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "numsub",
        handler: Some(pubsub_numsub),
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: "pubsub",
        since: "2.8.0",
        summary: "Counts the direct subscribers of each given channel.",
        complexity: "O(N) for N channels asked about.",
        args: &[Arg {
            name: "channel",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "shardchannels",
        handler: Some(pubsub_shardchannels),
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: "pubsub",
        since: "7.0.0",
        summary: "Lists the shard channels that have subscribers.",
        complexity: "O(N) for N active shard channels (pattern matching taken as constant time).",
        args: &[Arg {
            name: "pattern",
            kind: ArgKind::Pattern,
            flags: ARG_OPTIONAL,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "shardnumsub",
        handler: Some(pubsub_shardnumsub),
        arity: -2,
        flags: PUBSUB | LOADING | STALE,
        group: "pubsub",
        since: "7.0.0",
        summary: "Counts the subscribers of each given shard channel.",
        complexity: "O(N) for N shard channels asked about.",
        args: &[Arg {
            name: "shardchannel",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "subscribe",
        handler: Some(subscribe),
        arity: -2,
        flags: PUBSUB | NOSCRIPT | LOADING | STALE,
        group: "pubsub",
        since: "2.0.0",
        summary: "Starts listening to messages published to the given channels.",
        complexity: "O(N) for N channels.",
        args: &[Arg {
            name: "channel",
            kind: ArgKind::String,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "unsubscribe",
        handler: Some(unsubscribe),
        arity: -1,
        flags: PUBSUB | NOSCRIPT | LOADING | STALE,
        group: "pubsub",
        since: "2.0.0",
        summary: "Stops listening to the given channels, or to every channel.",
        complexity: "O(N) in the number of clients already subscribed to a channel.",
        args: &[Arg {
            name: "channel",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "psubscribe",
        handler: Some(psubscribe),
        arity: -2,
        flags: PUBSUB | NOSCRIPT | LOADING | STALE,
        group: "pubsub",
        since: "2.0.0",
        summary:
            "Starts listening to messages published to channels matching the given glob patterns.",
        complexity: "O(N) in the number of patterns the client already has.",
        args: &[Arg {
            name: "pattern",
            kind: ArgKind::Block,
            flags: ARG_MULTIPLE,
            args: &[Arg {
                name: "pattern",
                kind: ArgKind::Pattern,
                ..Arg::BASE
            }],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "punsubscribe",
        handler: Some(punsubscribe),
        arity: -1,
        flags: PUBSUB | NOSCRIPT | LOADING | STALE,
        group: "pubsub",
        since: "2.0.0",
        summary: "Stops listening to the given patterns, or to every pattern.",
        complexity: "O(N+M): N patterns of this client, M patterns of all clients.",
        args: &[Arg {
            name: "pattern",
            kind: ArgKind::Pattern,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "publish",
        handler: Some(publish_cmd),
        arity: 3,
        flags: PUBSUB | LOADING | STALE | FAST,
        group: "pubsub",
        since: "2.0.0",
        summary: "Sends a message to a channel; replies how many clients received it.",
        complexity: "O(N+M): N subscribers of the channel, M subscribed patterns.",
        args: &[
            Arg {
                name: "channel",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "message",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pubsub",
        arity: -2,
        group: "pubsub",
        since: "2.8.0",
        summary: "Introspection of the Pub/Sub state.",
        complexity: "Depends on the subcommand.",
        subcommands: PUBSUB_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "ssubscribe",
        handler: Some(ssubscribe),
        arity: -2,
        flags: PUBSUB | NOSCRIPT | LOADING | STALE,
        key_range: (1, -1, 1),
        key_specs: NOT_KEY_ALL,
        group: "pubsub",
        since: "7.0.0",
        summary: "Starts listening to messages published to the given shard channels.",
        complexity: "O(N) for N shard channels.",
        args: &[Arg {
            name: "shardchannel",
            kind: ArgKind::String,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sunsubscribe",
        handler: Some(sunsubscribe),
        arity: -1,
        flags: PUBSUB | NOSCRIPT | LOADING | STALE,
        key_range: (1, -1, 1),
        key_specs: NOT_KEY_ALL,
        group: "pubsub",
        since: "7.0.0",
        summary: "Stops listening to the given shard channels, or to every shard channel.",
        complexity: "O(N) in the number of clients already subscribed to a shard channel.",
        args: &[Arg {
            name: "shardchannel",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "spublish",
        handler: Some(spublish),
        arity: 3,
        flags: PUBSUB | LOADING | STALE | FAST,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["not_key"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "pubsub",
        since: "7.0.0",
        summary: "Sends a message to a shard channel; replies how many clients received it.",
        complexity: "O(N) for N subscribers of the shard channel.",
        args: &[
            Arg {
                name: "shardchannel",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "message",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_in_both_protocols() {
        assert_eq!(
            &encode(false, &[b"message", b"ch", b"hi"])[..],
            b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
        );
        assert_eq!(
            &encode(true, &[b"pmessage", b"c*", b"ch", b""])[..],
            b">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$0\r\n\r\n"
        );
    }
}
