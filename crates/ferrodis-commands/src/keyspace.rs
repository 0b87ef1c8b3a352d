//! Generic keyspace commands (Redis's "generic" group): deleting, finding,
//! renaming, copying and moving keys, their TTLs, and OBJECT.
//!
//! Shared pieces: `del_generic` and `count_keys_generic` (DEL, UNLINK,
//! EXISTS, TOUCH lock all their shards first, so they are atomic),
//! `ExpireCondition` (the NX/XX/GT/LT options of the EXPIRE family),
//! `ScanOptions` (the options of the SCAN family).

use bytes::Bytes;
use ferrodis_config::MaxmemoryPolicy;
use ferrodis_engine::glob::glob_match;
use ferrodis_engine::{Db, Entry, StrValue, Value};

use crate::args::{eq_ic, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError, Lossy};
use crate::notify::{class, emit, emit_db};
use crate::spec::*;

/// The selected database, borrowed from the server rather than from `ctx`
/// (so the reply buffer stays usable while a shard is locked).
fn db<'a>(ctx: &Ctx<'a>) -> &'a Db {
    ctx.srv.keyspace.db(ctx.client.db)
}

/// Counts the keys among `argv[1..]` for which `op` returns true, locking
/// every shard involved once, in order. A key named twice counts twice.
fn count_keys_generic(
    ctx: &mut Ctx<'_>,
    op: fn(&mut ferrodis_engine::Shard, &[u8], u64) -> bool,
) -> CmdResult {
    let keys = &ctx.argv[1..];
    let now = ctx.now_ms;
    let mut n = 0;
    {
        let mut guard = db(ctx).lock_keys(keys.iter().map(|k| &k[..]));
        for k in keys {
            if op(guard.shard(k), k, now) {
                n += 1;
            }
        }
    }
    ctx.reply().integer(n);
    Ok(())
}

/// DEL and UNLINK: removes the keys (all shards locked first, so the
/// deletion is atomic) and drops the old values only after the locks are
/// released, so freeing a large value never stalls the shard.
fn del_generic(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = &ctx.argv[1..];
    let now = ctx.now_ms;
    let mut removed = Vec::new();
    {
        let mut guard = db(ctx).lock_keys(keys.iter().map(|k| &k[..]));
        for k in keys {
            let s = guard.shard(k);
            // An expired key is reclaimed but does not count as deleted.
            if s.contains(k, now) {
                removed.extend(s.remove(k));
                emit(ctx.srv, ctx.client, class::GENERIC, "del", k);
            }
        }
    }
    let n = removed.len() as i64;
    drop(removed);
    ctx.reply().integer(n);
    Ok(())
}

fn del(ctx: &mut Ctx<'_>) -> CmdResult {
    del_generic(ctx)
}

/// UNLINK: as DEL; values are freed outside the shard locks (Redis frees
/// them on a background thread).
fn unlink(ctx: &mut Ctx<'_>) -> CmdResult {
    del_generic(ctx)
}

fn exists(ctx: &mut Ctx<'_>) -> CmdResult {
    count_keys_generic(ctx, |s, k, now| s.contains(k, now))
}

/// TOUCH: like EXISTS, but records an access (LRU/LFU).
fn touch(ctx: &mut Ctx<'_>) -> CmdResult {
    count_keys_generic(ctx, |s, k, now| s.get(k, now).is_some())
}

fn type_cmd(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let name = db(ctx)
        .lock(key)
        .peek(key, ctx.now_ms)
        .map_or("none", |e| e.value.type_name());
    ctx.reply().simple(name.as_bytes());
    Ok(())
}

/// KEYS pattern. A lone `*` matches every key, the empty one included
/// (the glob itself never matches an empty name with a non-empty pattern).
fn keys(ctx: &mut Ctx<'_>) -> CmdResult {
    let pattern = &ctx.argv[1][..];
    let all = pattern == b"*";
    let now = ctx.now_ms;
    let db = db(ctx);
    let r = &mut ctx.client.reply;
    let d = r.deferred();
    let mut n = 0;
    for i in 0..db.shard_count() {
        let shard = db.lock_shard(i);
        for (k, _) in shard.iter() {
            if !shard.is_expired_key(k, now) && (all || glob_match(pattern, k, false)) {
                r.bulk(k);
                n += 1;
            }
        }
    }
    r.set_deferred_array(d, n);
    Ok(())
}

/// Parses a SCAN-family cursor as Redis does (C's `strtoul`, base 10,
/// whole argument): an optional sign ('-' negates modulo 2^64), digits,
/// nothing after them. No leading space, no overflow; the empty string is
/// cursor 0. Parsing stops at a NUL byte, as Redis's C string would.
pub fn parse_scan_cursor(arg: &[u8]) -> Result<u64, CommandError> {
    let b = match arg.iter().position(|&c| c == 0) {
        Some(nul) => &arg[..nul],
        None => arg,
    };
    if b.is_empty() {
        return Ok(0);
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return Err(CommandError::InvalidCursor);
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return Err(CommandError::InvalidCursor);
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(c - b'0')))
            .ok_or(CommandError::InvalidCursor)?;
    }
    Ok(if neg { v.wrapping_neg() } else { v })
}

/// The options of the SCAN family: `cursor [MATCH pattern] [COUNT count]`
/// and, for SCAN only, `[TYPE type]`. A later option replaces an earlier
/// one of the same name.
pub struct ScanOptions<'a> {
    pub cursor: u64,
    /// None also for a lone `*`, which matches everything.
    pub pattern: Option<&'a [u8]>,
    pub count: usize,
    pub type_name: Option<&'a [u8]>,
}

impl ScanOptions<'_> {
    /// The position in a collection a cursor resumes from (see
    /// `ferrodis_engine::db::scan_start`).
    pub fn start_position(&self) -> usize {
        ferrodis_engine::db::scan_start(self.cursor)
    }

    /// Whether a key (of type `type_name`) passes MATCH and TYPE.
    pub fn wants(&self, key: &[u8], type_name: &str) -> bool {
        self.pattern.is_none_or(|p| glob_match(p, key, false))
            && self
                .type_name
                .is_none_or(|t| t.eq_ignore_ascii_case(type_name.as_bytes()))
    }
}

/// The reply of HSCAN/SSCAN/ZSCAN on a missing key: cursor 0, no items.
pub fn reply_empty_scan(r: &mut ferrodis_protocol::ReplyBuf) {
    r.array(2);
    r.bulk(b"0");
    r.array(0);
}

/// Parses `argv[cursor_at]` as the cursor and the options after it. The
/// cursor is checked first, then the options left to right.
pub fn parse_scan_options(
    argv: &[Bytes],
    cursor_at: usize,
    allow_type: bool,
) -> Result<ScanOptions<'_>, CommandError> {
    let cursor = parse_scan_cursor(&argv[cursor_at])?;
    let mut o = ScanOptions {
        cursor,
        pattern: None,
        count: 10,
        type_name: None,
    };
    let mut i = cursor_at + 1;
    while i < argv.len() {
        let (opt, val) = match argv.get(i + 1) {
            Some(v) => (&argv[i], &v[..]),
            None => return Err(CommandError::Syntax),
        };
        if eq_ic(opt, "COUNT") {
            let n = parse_int(val)?;
            if n < 1 {
                return Err(CommandError::Syntax);
            }
            o.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if eq_ic(opt, "MATCH") {
            o.pattern = (val != b"*").then_some(val);
        } else if allow_type && eq_ic(opt, "TYPE") {
            o.type_name = Some(val);
        } else {
            return Err(CommandError::Syntax);
        }
        i += 2;
    }
    Ok(o)
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor
/// encoding and its guarantee are `Db::scan`'s.
fn scan(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = parse_scan_options(ctx.argv, 1, true)?;
    let mut found = Vec::new();
    let next = db(ctx).scan(o.cursor, o.count, ctx.now_ms, &mut found);
    let r = ctx.reply();
    r.array(2);
    r.bulk(next.to_string().as_bytes());
    let d = r.deferred();
    let mut n = 0;
    for (k, t) in &found {
        if o.wants(k, t) {
            r.bulk(k);
            n += 1;
        }
    }
    r.set_deferred_array(d, n);
    Ok(())
}

fn randomkey(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = db(ctx).random_key(ctx.now_ms, &mut rand::thread_rng());
    match key {
        Some(k) => ctx.reply().bulk(&k),
        None => ctx.reply().null(),
    }
    Ok(())
}

/// RENAME and RENAMENX. The value moves with its TTL and access time.
fn rename_generic(ctx: &mut Ctx<'_>, nx: bool) -> CmdResult {
    let (key, newkey) = (&ctx.argv[1], &ctx.argv[2]);
    let now = ctx.now_ms;
    let dbi = ctx.client.db;
    let mut g = ctx.srv.keyspace.lock_pair(dbi, key, dbi, newkey);
    if g.src().get(key, now).is_none() {
        return Err(CommandError::NoSuchKey);
    }
    let r = &mut ctx.client.reply;
    if key == newkey {
        if nx {
            r.integer(0);
        } else {
            r.ok();
        }
        return Ok(());
    }
    if nx && g.dst().contains(newkey, now) {
        r.integer(0);
        return Ok(());
    }
    let (entry, expire_at) = g
        .src()
        .remove_with_expire(key)
        .ok_or(CommandError::NoSuchKey)?;
    // A replaced value is freed after the locks are released.
    let old = g.dst().insert_with_expire(newkey, entry, expire_at);
    // Redis deletes the destination first, so the key is always new.
    let srv = ctx.srv;
    emit(srv, ctx.client, class::NEW, "new", newkey);
    emit(srv, ctx.client, class::GENERIC, "rename_from", key);
    emit(srv, ctx.client, class::GENERIC, "rename_to", newkey);
    drop(g);
    drop(old);
    let r = &mut ctx.client.reply;
    if nx {
        r.integer(1);
    } else {
        r.ok();
    }
    Ok(())
}

fn rename(ctx: &mut Ctx<'_>) -> CmdResult {
    rename_generic(ctx, false)
}

fn renamenx(ctx: &mut Ctx<'_>) -> CmdResult {
    rename_generic(ctx, true)
}

/// A database index argument (SELECT, COPY's DB, MOVE): an integer, within
/// a C int, naming an existing database.
pub(crate) fn parse_db_index(ctx: &Ctx<'_>, arg: &[u8]) -> Result<usize, CommandError> {
    usize::try_from(crate::args::parse_i32(arg)?)
        .ok()
        .filter(|&i| i < ctx.srv.keyspace.len())
        .ok_or(CommandError::DbIndexOutOfRange)
}

/// COPY source destination [DB destination-db] [REPLACE]. The copy keeps
/// the TTL and encoding and starts with a fresh access time.
fn copy_cmd(ctx: &mut Ctx<'_>) -> CmdResult {
    let src_db = ctx.client.db;
    let mut dst_db = src_db;
    let mut replace = false;
    let mut j = 3;
    while j < ctx.argc() {
        let a = &ctx.argv[j];
        if eq_ic(a, "REPLACE") {
            replace = true;
        } else if eq_ic(a, "DB") && j + 1 < ctx.argc() {
            dst_db = parse_db_index(ctx, &ctx.argv[j + 1])?;
            j += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    let (key, newkey) = (&ctx.argv[1], &ctx.argv[2]);
    if src_db == dst_db && key == newkey {
        return Err(CommandError::SameObject);
    }
    let now = ctx.now_ms;
    let mut g = ctx.srv.keyspace.lock_pair(src_db, key, dst_db, newkey);
    let copied = match g.src().get(key, now) {
        Some(e) => Entry {
            value: e.value.clone(),
            access: ferrodis_engine::access::initial(now),
        },
        None => {
            ctx.client.reply.integer(0);
            return Ok(());
        }
    };
    if !replace && g.dst().contains(newkey, now) {
        ctx.client.reply.integer(0);
        return Ok(());
    }
    let expire_at = g.src().expire_at(key);
    let old = g.dst().insert_with_expire(newkey, copied, expire_at);
    emit_db(ctx.srv, ctx.client, class::NEW, "new", dst_db, newkey);
    emit_db(
        ctx.srv,
        ctx.client,
        class::GENERIC,
        "copy_to",
        dst_db,
        newkey,
    );
    drop(g);
    drop(old);
    ctx.client.reply.integer(1);
    Ok(())
}

/// MOVE key db: only when the key exists here and not there.
fn move_cmd(ctx: &mut Ctx<'_>) -> CmdResult {
    let src_db = ctx.client.db;
    let dst_db = parse_db_index(ctx, &ctx.argv[2])?;
    if src_db == dst_db {
        return Err(CommandError::SameObject);
    }
    let key = &ctx.argv[1];
    let now = ctx.now_ms;
    let mut g = ctx.srv.keyspace.lock_pair(src_db, key, dst_db, key);
    let moved = g.src().get(key, now).is_some() && !g.dst().contains(key, now);
    if moved {
        if let Some((entry, expire_at)) = g.src().remove_with_expire(key) {
            g.dst().insert_with_expire(key, entry, expire_at);
        }
        let srv = ctx.srv;
        emit_db(srv, ctx.client, class::NEW, "new", dst_db, key);
        emit_db(srv, ctx.client, class::GENERIC, "move_from", src_db, key);
        emit_db(srv, ctx.client, class::GENERIC, "move_to", dst_db, key);
    }
    ctx.client.reply.integer(i64::from(moved));
    Ok(())
}

// ---- OBJECT ----

/// Redis shares one object per small integer (0..10000) unless a
/// maxmemory LRU/LFU policy needs per-key access data; OBJECT REFCOUNT
/// reports such a shared object's count as INT_MAX.
const SHARED_INTEGERS: i64 = 10_000;
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

fn is_lfu(p: MaxmemoryPolicy) -> bool {
    matches!(
        p,
        MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu
    )
}

fn is_lru_or_lfu(p: MaxmemoryPolicy) -> bool {
    is_lfu(p)
        || matches!(
            p,
            MaxmemoryPolicy::AllkeysLru | MaxmemoryPolicy::VolatileLru
        )
}

/// What OBJECT's answers depend on besides the entry (read before any
/// shard is locked).
struct ObjectEnv {
    policy: MaxmemoryPolicy,
    maxmemory: u64,
    now_ms: u64,
}

/// Runs `f` on the entry under `argv[2]` without recording an access, or
/// replies null when there is none.
fn object_generic(
    ctx: &mut Ctx<'_>,
    f: impl FnOnce(&Entry, &ObjectEnv) -> Result<i64, CommandError>,
) -> CmdResult {
    let env = {
        let cfg = ctx.srv.config.read();
        ObjectEnv {
            policy: cfg.maxmemory_policy,
            maxmemory: cfg.maxmemory,
            now_ms: ctx.now_ms,
        }
    };
    let key = &ctx.argv[2];
    let v = match db(ctx).lock(key).peek(key, env.now_ms) {
        None => None,
        Some(e) => Some(f(e, &env)?),
    };
    match v {
        None => ctx.reply().null(),
        Some(v) => ctx.reply().integer(v),
    }
    Ok(())
}

fn object_encoding(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[2];
    let enc = db(ctx)
        .lock(key)
        .peek(key, ctx.now_ms)
        .map(|e| e.value.encoding());
    match enc {
        Some(enc) => ctx.reply().bulk(enc.as_bytes()),
        None => ctx.reply().null(),
    }
    Ok(())
}

fn object_refcount(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, |e, env| {
        let sharing = env.maxmemory == 0 || !is_lru_or_lfu(env.policy);
        Ok(match &e.value {
            Value::Str(StrValue::Int(i)) if sharing && (0..SHARED_INTEGERS).contains(i) => {
                SHARED_REFCOUNT
            }
            _ => 1,
        })
    })
}

/// Seconds since the entry was last accessed (entries are stamped when
/// created).
fn idle_secs(e: &Entry, now_ms: u64) -> u32 {
    ferrodis_engine::access::idle_secs(e.access, now_ms)
}

fn object_idletime(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, |e, env| {
        if is_lfu(env.policy) {
            return Err(CommandError::LfuSelected);
        }
        Ok(i64::from(idle_secs(e, env.now_ms)))
    })
}

/// OBJECT FREQ: the key's LFU counter, decayed for its idle time.
fn object_freq(ctx: &mut Ctx<'_>) -> CmdResult {
    object_generic(ctx, |e, env| {
        if !is_lfu(env.policy) {
            return Err(CommandError::LfuNotSelected);
        }
        Ok(i64::from(ferrodis_engine::access::lfu_decayed(
            e.access, env.now_ms,
        )))
    })
}

fn object_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "OBJECT",
        &[
            "ENCODING <key>",
            "    How the value of <key> is stored (int, embstr, listpack, ...).",
            "FREQ <key>",
            "    The logarithmic access counter of <key> (LFU policies only).",
            "IDLETIME <key>",
            "    Seconds since <key> was last read or written (not under LFU).",
            "REFCOUNT <key>",
            "    How many references share the value of <key>.",
        ],
    );
    Ok(())
}

// ---- EXPIRE family ----

/// The NX / XX / GT / LT options shared by EXPIRE, PEXPIRE, EXPIREAT and
/// PEXPIREAT. A key without a TTL counts as expiring never (infinitely
/// late) for GT and LT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpireCondition {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
}

impl ExpireCondition {
    /// Parses every argument from `start` as an option; incompatible
    /// combinations are reported after all of them were read.
    pub fn parse(argv: &[Bytes], start: usize) -> Result<ExpireCondition, CommandError> {
        let mut c = ExpireCondition::default();
        for a in argv.iter().skip(start) {
            if eq_ic(a, "NX") {
                c.nx = true;
            } else if eq_ic(a, "XX") {
                c.xx = true;
            } else if eq_ic(a, "GT") {
                c.gt = true;
            } else if eq_ic(a, "LT") {
                c.lt = true;
            } else {
                return Err(CommandError::UnsupportedOption(Lossy::new(a, usize::MAX)));
            }
        }
        if c.nx && (c.xx || c.gt || c.lt) {
            return Err(CommandError::ExpireNxExclusive);
        }
        if c.gt && c.lt {
            return Err(CommandError::ExpireGtLtExclusive);
        }
        Ok(c)
    }

    /// Whether a key whose expiry is `current` (ms, 0 = none) may get the
    /// new expiry `when` (ms).
    pub fn allows(&self, current: u64, when: i64) -> bool {
        let has = current != 0;
        let (cur, when) = (i128::from(current), i128::from(when));
        !((self.nx && has)
            || (self.xx && !has)
            || (self.gt && (!has || when <= cur))
            || (self.lt && has && when >= cur))
    }
}

/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: `unit_ms` is 1000 for seconds;
/// `relative` adds the current time. A time not in the future deletes the
/// key (and still replies 1).
fn expire_generic(
    ctx: &mut Ctx<'_>,
    relative: bool,
    unit_ms: i64,
    name: &'static str,
) -> CmdResult {
    let cond = ExpireCondition::parse(ctx.argv, 3)?;
    let invalid = || CommandError::InvalidExpireTime(name);
    let mut when = parse_int(&ctx.argv[2])?;
    if unit_ms != 1 {
        when = when.checked_mul(unit_ms).ok_or_else(invalid)?;
    }
    let now = ctx.now_ms;
    if relative {
        when = when.checked_add(now as i64).ok_or_else(invalid)?;
    }
    let key = &ctx.argv[1];
    let mut shard = db(ctx).lock(key);
    let current = shard
        .get_mut(key, now)
        .is_some()
        .then(|| shard.expire_at(key));
    let reply = match current {
        None => 0,
        Some(current) if !cond.allows(current, when) => 0,
        Some(_) if when <= now as i64 => {
            shard.remove(key);
            emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
            1
        }
        Some(_) => {
            shard.set_expire(key, when as u64);
            // Redis replies before this event.
            ctx.client.reply.integer(1);
            emit(ctx.srv, ctx.client, class::GENERIC, "expire", key);
            return Ok(());
        }
    };
    drop(shard);
    ctx.reply().integer(reply);
    Ok(())
}

fn expire(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, true, 1000, "expire")
}

fn pexpire(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, true, 1, "pexpire")
}

fn expireat(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, false, 1000, "expireat")
}

fn pexpireat(ctx: &mut Ctx<'_>) -> CmdResult {
    expire_generic(ctx, false, 1, "pexpireat")
}

/// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for no key, -1 for no TTL;
/// seconds are rounded to the nearest. Does not count as an access.
fn ttl_generic(ctx: &mut Ctx<'_>, ms: bool, absolute: bool) -> CmdResult {
    let key = &ctx.argv[1];
    let now = ctx.now_ms;
    let mut shard = db(ctx).lock(key);
    let expire_at = shard.peek(key, now).is_some().then(|| shard.expire_at(key));
    drop(shard);
    let v = match expire_at {
        None => -2,
        Some(0) => -1,
        Some(at) => {
            let t = if absolute {
                at as i64
            } else {
                (at as i64).saturating_sub(now as i64).max(0)
            };
            if ms {
                t
            } else {
                t.saturating_add(500) / 1000
            }
        }
    };
    ctx.reply().integer(v);
    Ok(())
}

fn ttl(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, false, false)
}

fn pttl(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, true, false)
}

fn expiretime(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, false, true)
}

fn pexpiretime(ctx: &mut Ctx<'_>) -> CmdResult {
    ttl_generic(ctx, true, true)
}

fn persist(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = db(ctx).lock(key);
    let had = shard.get_mut(key, ctx.now_ms).is_some() && shard.expire_at(key) != 0;
    if had {
        shard.set_expire(key, 0);
        emit(ctx.srv, ctx.client, class::GENERIC, "persist", key);
    }
    drop(shard);
    ctx.reply().integer(i64::from(had));
    Ok(())
}

const OBJECT_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        handler: Some(object_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_KEYSPACE,
        key_range: (0, 0, 0),
        group: "generic",
        since: "6.2.0",
        summary: "Lists the OBJECT subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "freq",
        handler: Some(object_freq),
        arity: 3,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "4.0.0",
        summary: "Reports the logarithmic access-frequency counter of a key (LFU policies only).",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "encoding",
        handler: Some(object_encoding),
        arity: 3,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.2.3",
        summary: "Reports the internal encoding of a key's value.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "idletime",
        handler: Some(object_idletime),
        arity: 3,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.2.3",
        summary: "Reports the seconds since a key was last accessed.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "refcount",
        handler: Some(object_refcount),
        arity: 3,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.2.3",
        summary: "Reports how many references the value of a key has.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "del",
        handler: Some(del),
        arity: -2,
        flags: WRITE,
        acl: CAT_KEYSPACE,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RM", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        group: "generic",
        since: "1.0.0",
        summary: "Deletes keys.",
        complexity: "O(N) for N keys, plus O(M) for each deleted collection of M elements",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "unlink",
        handler: Some(unlink),
        arity: -2,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RM", "delete"], begin: Begin::Index(1), find: Find::Range { last: -1, step: 1, limit: 0 } }],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        group: "generic",
        since: "4.0.0",
        summary: "Deletes keys; large values are freed in the background.",
        complexity: "O(1) per key removed; freeing a large value's memory happens off the command path, O(N) in its allocations.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "exists",
        handler: Some(exists),
        arity: -2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        group: "generic",
        since: "1.0.0",
        summary: "Counts how many of the given keys exist.",
        complexity: "O(N) where N is the number of keys to check.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "type",
        handler: Some(type_cmd),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "1.0.0",
        summary: "Reports the type of the value stored at a key.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "keys",
        handler: Some(keys),
        arity: 2,
        flags: READONLY,
        acl: CAT_KEYSPACE | CAT_DANGEROUS,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "nondeterministic_output_order"],
        group: "generic",
        since: "1.0.0",
        summary: "Lists the keys whose names match a glob pattern.",
        complexity: "O(N) in the number of keys in the database (names and pattern assumed short).",
        args: &[
            Arg { name: "pattern", kind: ArgKind::Pattern, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "scan",
        handler: Some(scan),
        arity: -2,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output", "request_policy:special"],
        group: "generic",
        since: "2.8.0",
        summary: "Walks the keyspace incrementally with a cursor.",
        complexity: "O(1) per call; O(N) for a full walk back to cursor 0, N being the number of keys.",
        args: &[
            Arg { name: "cursor", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "pattern", kind: ArgKind::Pattern, token: Some("MATCH"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "type", kind: ArgKind::String, token: Some("TYPE"), since: Some("6.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "randomkey",
        handler: Some(randomkey),
        arity: 1,
        flags: READONLY,
        acl: CAT_KEYSPACE,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        group: "generic",
        since: "1.0.0",
        summary: "Returns a random key name from the database.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "rename",
        handler: Some(rename),
        arity: 3,
        flags: WRITE,
        acl: CAT_KEYSPACE,
        key_range: (1, 2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(2), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "1.0.0",
        summary: "Gives a key a new name, replacing any key already using it.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "newkey", kind: ArgKind::Key, key_spec_index: 1, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "renamenx",
        handler: Some(renamenx),
        arity: 3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "insert"], begin: Begin::Index(2), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "1.0.0",
        summary: "Gives a key a new name only if that name is unused.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "newkey", kind: ArgKind::Key, key_spec_index: 1, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "copy",
        handler: Some(copy_cmd),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_KEYSPACE,
        key_range: (1, 2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(2), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "6.2.0",
        summary: "Copies a key's value (and TTL) to another key, possibly in another database.",
        complexity: "O(N) in the nested items of a collection; O(1) for strings.",
        args: &[
            Arg { name: "source", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "destination", kind: ArgKind::Key, key_spec_index: 1, ..Arg::BASE },
            Arg { name: "destination-db", kind: ArgKind::Integer, token: Some("DB"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "replace", kind: ArgKind::PureToken, token: Some("REPLACE"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "move",
        handler: Some(move_cmd),
        arity: 3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "1.0.0",
        summary: "Moves a key to another database.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "db", kind: ArgKind::Integer, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "touch",
        handler: Some(touch),
        arity: -2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO"], begin: Begin::Index(1), find: Find::Range { last: -1, step: 1, limit: 0 } }],
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        group: "generic",
        since: "3.2.1",
        summary: "Marks keys as accessed; returns how many exist.",
        complexity: "O(N) in the number of keys given.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "object",
        arity: -2,
        group: "generic",
        since: "2.2.3",
        summary: "A container for commands that inspect the internals of values.",
        complexity: "Depends on subcommand.",
        subcommands: OBJECT_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "expire",
        handler: Some(expire),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "1.0.0",
        summary: "Sets a key's time to live in seconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "seconds", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "condition", kind: ArgKind::Oneof, since: Some("7.0.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nx", kind: ArgKind::PureToken, token: Some("NX"), ..Arg::BASE },
                    Arg { name: "xx", kind: ArgKind::PureToken, token: Some("XX"), ..Arg::BASE },
                    Arg { name: "gt", kind: ArgKind::PureToken, token: Some("GT"), ..Arg::BASE },
                    Arg { name: "lt", kind: ArgKind::PureToken, token: Some("LT"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pexpire",
        handler: Some(pexpire),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "2.6.0",
        summary: "Sets a key's time to live in milliseconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "milliseconds", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "condition", kind: ArgKind::Oneof, since: Some("7.0.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nx", kind: ArgKind::PureToken, token: Some("NX"), ..Arg::BASE },
                    Arg { name: "xx", kind: ArgKind::PureToken, token: Some("XX"), ..Arg::BASE },
                    Arg { name: "gt", kind: ArgKind::PureToken, token: Some("GT"), ..Arg::BASE },
                    Arg { name: "lt", kind: ArgKind::PureToken, token: Some("LT"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "expireat",
        handler: Some(expireat),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "1.2.0",
        summary: "Sets a key's expiry as a Unix time in seconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "unix-time-seconds", kind: ArgKind::UnixTime, ..Arg::BASE },
            Arg { name: "condition", kind: ArgKind::Oneof, since: Some("7.0.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nx", kind: ArgKind::PureToken, token: Some("NX"), ..Arg::BASE },
                    Arg { name: "xx", kind: ArgKind::PureToken, token: Some("XX"), ..Arg::BASE },
                    Arg { name: "gt", kind: ArgKind::PureToken, token: Some("GT"), ..Arg::BASE },
                    Arg { name: "lt", kind: ArgKind::PureToken, token: Some("LT"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pexpireat",
        handler: Some(pexpireat),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "2.6.0",
        summary: "Sets a key's expiry as a Unix time in milliseconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "unix-time-milliseconds", kind: ArgKind::UnixTime, ..Arg::BASE },
            Arg { name: "condition", kind: ArgKind::Oneof, since: Some("7.0.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nx", kind: ArgKind::PureToken, token: Some("NX"), ..Arg::BASE },
                    Arg { name: "xx", kind: ArgKind::PureToken, token: Some("XX"), ..Arg::BASE },
                    Arg { name: "gt", kind: ArgKind::PureToken, token: Some("GT"), ..Arg::BASE },
                    Arg { name: "lt", kind: ArgKind::PureToken, token: Some("LT"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "ttl",
        handler: Some(ttl),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "1.0.0",
        summary: "Reports a key's remaining time to live in seconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pttl",
        handler: Some(pttl),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.6.0",
        summary: "Reports a key's remaining time to live in milliseconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "expiretime",
        handler: Some(expiretime),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "7.0.0",
        summary: "Reports a key's expiry as a Unix time in seconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pexpiretime",
        handler: Some(pexpiretime),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "7.0.0",
        summary: "Reports a key's expiry as a Unix time in milliseconds.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "persist",
        handler: Some(persist),
        arity: 2,
        flags: WRITE | FAST,
        acl: CAT_KEYSPACE,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "generic",
        since: "2.2.0",
        summary: "Removes a key's time to live.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
];
