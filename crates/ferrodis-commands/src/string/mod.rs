//! String commands (Redis's "string" group) and the bitmap commands that
//! operate on string values.
//!
//! Layout:
//! - this module: GET/SET and the SET family (GETEX, GETDEL, GETSET, MGET,
//!   MSET, MSETNX, SETNX, SETEX, PSETEX), APPEND, STRLEN, ranges
//!   (GETRANGE, SUBSTR, SETRANGE) and counters (INCR family, INCRBYFLOAT);
//! - [`f80`] — the x87 80-bit `long double` that INCRBYFLOAT computes with
//!   (parse, add, and the decimal form Redis prints);
//! - [`bits`] — SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP;
//! - [`bitfield`] — BITFIELD and BITFIELD_RO;
//! - [`lcs`] — LCS;
//! - `rows` — the command-table rows of all of the above.

pub mod bitfield;
pub mod bits;
pub mod f80;
pub mod lcs;
mod rows;

use bytes::Bytes;
use ferrodis_engine::{Entry, Shard, StrValue, Value};

use crate::args::{eq_ic, parse_int, ArgCursor};

use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};

pub use rows::COMMANDS;

/// The string held by an entry, or WRONGTYPE.
#[allow(unreachable_patterns)]
pub(crate) fn str_ref(e: &Entry) -> Result<&StrValue, CommandError> {
    match &e.value {
        Value::Str(s) => Ok(s),
        _ => Err(CommandError::WrongType),
    }
}

/// The string held by an entry, mutably, or WRONGTYPE.
#[allow(unreachable_patterns)]
pub(crate) fn str_mut(e: &mut Entry) -> Result<&mut StrValue, CommandError> {
    match &mut e.value {
        Value::Str(s) => Ok(s),
        _ => Err(CommandError::WrongType),
    }
}

/// Whether the entry holds a string (no error).
#[allow(unreachable_patterns)]
fn is_str(e: &Entry) -> bool {
    matches!(e.value, Value::Str(_))
}

/// The live string under `key`: `None` when absent, WRONGTYPE when the key
/// holds another type.
pub(crate) fn lookup_str<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s StrValue>, CommandError> {
    match shard.get(key, now) {
        None => Ok(None),
        Some(e) => str_ref(e).map(Some),
    }
}

/// The configured `proto-max-bulk-len`: the longest string a command may
/// build (SETRANGE, APPEND, SETBIT offsets, ...).
pub(crate) fn max_string_len(ctx: &Ctx<'_>) -> u64 {
    ctx.srv.config.read().proto_max_bulk_len
}

/// A string value built by a command (not taken from an argument): Redis
/// stores these without trying the integer encoding (embstr when short,
/// raw otherwise), e.g. the result of INCRBYFLOAT.
fn built_string(b: &[u8]) -> StrValue {
    if b.len() <= ferrodis_engine::value::EMBSTR_MAX {
        StrValue::embstr(b)
    } else {
        StrValue::raw(b.to_vec())
    }
}

fn get(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    match lookup_str(&mut shard, key, ctx.now_ms)? {
        None => ctx.client.reply.null(),
        Some(s) => s.with_bytes(|b| ctx.client.reply.bulk(b)),
    }
    Ok(())
}

/// Expiry options shared by SET and GETEX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Keep no TTL (the default for SET: any old TTL is dropped).
    None,
    /// KEEPTTL: keep whatever TTL the key has.
    Keep,
    /// PERSIST (GETEX): remove the TTL.
    Persist,
    /// An absolute Unix time in milliseconds.
    At(u64),
}

/// The options of SET (and, with `getex`, of GETEX), parsed once.
#[derive(Debug, Clone, Copy)]
pub struct SetOptions {
    pub nx: bool,
    pub xx: bool,
    pub get: bool,
    pub expiry: Expiry,
}

/// Converts an expire argument to an absolute Unix time in milliseconds:
/// `unit` is 1000 for seconds and 1 for milliseconds, `absolute` for the
/// EXAT/PXAT forms. Errors name the command as Redis does.
fn expire_at_from_arg(
    arg: &[u8],
    unit: i64,
    absolute: bool,
    now_ms: u64,
    name: &'static str,
) -> Result<u64, CommandError> {
    let v = parse_int(arg)?;
    let invalid = || CommandError::InvalidExpireTime(name);
    if v <= 0 || (unit == 1000 && v > i64::MAX / 1000) {
        return Err(invalid());
    }
    let ms = v * unit;
    let at = if absolute {
        ms
    } else {
        ms.checked_add(now_ms as i64).ok_or_else(invalid)?
    };
    Ok(at as u64)
}

/// An expire option whose number is not yet checked: (unit in ms,
/// absolute?, argument).
type PendingExpire<'a> = Option<(i64, bool, &'a [u8])>;

/// Parses `[NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms|KEEPTTL]` (SET) or
/// `[EX|PX|EXAT|PXAT|PERSIST]` (GETEX) starting at `start`. Syntax is
/// checked for every option before any number is, as Redis does.
pub fn parse_set_options(
    ctx: &Ctx<'_>,
    start: usize,
    getex: bool,
) -> Result<SetOptions, CommandError> {
    let (mut o, pending) = parse_set_syntax(ctx.argv, start, getex)?;
    resolve_expire(&mut o, pending, ctx.now_ms, getex)?;
    Ok(o)
}

/// Checks the number of an EX/PX/EXAT/PXAT option (SET checks it before
/// looking at the key, GETEX after).
fn resolve_expire(
    o: &mut SetOptions,
    pending: PendingExpire<'_>,
    now_ms: u64,
    getex: bool,
) -> Result<(), CommandError> {
    if let Some((unit, absolute, arg)) = pending {
        let name = if getex { "getex" } else { "set" };
        o.expiry = Expiry::At(expire_at_from_arg(arg, unit, absolute, now_ms, name)?);
    }
    Ok(())
}

/// The syntax part of [`parse_set_options`].
fn parse_set_syntax(
    argv: &[bytes::Bytes],
    start: usize,
    getex: bool,
) -> Result<(SetOptions, PendingExpire<'_>), CommandError> {
    let mut o = SetOptions {
        nx: false,
        xx: false,
        get: false,
        expiry: Expiry::None,
    };
    let mut timed: PendingExpire<'_> = None;
    let mut keep_or_persist = false;
    let mut cur = ArgCursor::new(argv, start);
    while let Some(a) = cur.next_arg() {
        let has_next = cur.remaining() > 0;
        if !getex && eq_ic(a, "NX") && !o.xx {
            o.nx = true;
        } else if !getex && eq_ic(a, "XX") && !o.nx {
            o.xx = true;
        } else if !getex && eq_ic(a, "GET") {
            o.get = true;
        } else if !getex && eq_ic(a, "KEEPTTL") && timed.is_none() && !keep_or_persist {
            o.expiry = Expiry::Keep;
            keep_or_persist = true;
        } else if getex && eq_ic(a, "PERSIST") && timed.is_none() && !keep_or_persist {
            o.expiry = Expiry::Persist;
            keep_or_persist = true;
        } else if timed.is_none() && !keep_or_persist && has_next {
            let unit = if eq_ic(a, "EX") {
                (1000, false)
            } else if eq_ic(a, "PX") {
                (1, false)
            } else if eq_ic(a, "EXAT") {
                (1000, true)
            } else if eq_ic(a, "PXAT") {
                (1, true)
            } else {
                return Err(CommandError::Syntax);
            };
            timed = Some((unit.0, unit.1, cur.value()?));
        } else {
            return Err(CommandError::Syntax);
        }
    }
    Ok((o, timed))
}

/// SET's key flags depend on GET: reading the old value makes it RW.
fn set_key_flags(argv: &[bytes::Bytes], _spec: usize) -> &'static [&'static str] {
    if argv.iter().skip(3).any(|a| eq_ic(a, "GET")) {
        &["RW", "access", "update"]
    } else {
        &["OW", "update"]
    }
}

/// The common body of SET, SETNX, SETEX and PSETEX: stores `val` under
/// `key` subject to the options. Writes the reply only for the GET
/// variant; returns whether the value was stored.
fn set_generic(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    val: &[u8],
    o: &SetOptions,
) -> Result<bool, CommandError> {
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let (exists, old_ttl) = match shard.get(key, now) {
        Some(e) => {
            if o.get && !is_str(e) {
                return Err(CommandError::WrongType);
            }
            (true, shard.expire_at(key))
        }
        None => (false, 0),
    };
    let r = &mut ctx.client.reply;
    if o.get {
        match lookup_str(&mut shard, key, now)? {
            Some(s) => s.with_bytes(|b| r.bulk(b)),
            None => r.null(),
        }
    }
    if (o.nx && exists) || (o.xx && !exists) {
        return Ok(false);
    }
    let expire_at = match o.expiry {
        Expiry::Keep => old_ttl,
        Expiry::At(t) => t,
        Expiry::None | Expiry::Persist => 0,
    };
    shard.insert_with_expire(key, Entry::new(Value::string(val)), expire_at);
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    if !exists {
        emit(srv, client, class::NEW, "new", key);
    }
    emit(srv, client, class::STRING, "set", key);
    if matches!(o.expiry, Expiry::At(_)) {
        emit(srv, client, class::GENERIC, "expire", key);
    }
    Ok(true)
}

/// SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL].
fn set(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = parse_set_options(ctx, 3, false)?;
    let argv = ctx.argv;
    let stored = set_generic(ctx, &argv[1], &argv[2], &o)?;
    if !o.get {
        if stored {
            ctx.client.reply.ok();
        } else {
            ctx.client.reply.null();
        }
    }
    Ok(())
}

/// SETNX key value: 1 when stored, 0 when the key existed.
fn setnx(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = SetOptions {
        nx: true,
        xx: false,
        get: false,
        expiry: Expiry::None,
    };
    let argv = ctx.argv;
    let stored = set_generic(ctx, &argv[1], &argv[2], &o)?;
    ctx.client.reply.integer(stored as i64);
    Ok(())
}

fn setex_generic(ctx: &mut Ctx<'_>, unit: i64, name: &'static str) -> CmdResult {
    let argv = ctx.argv;
    let at = expire_at_from_arg(&argv[2], unit, false, ctx.now_ms, name)?;
    let o = SetOptions {
        nx: false,
        xx: false,
        get: false,
        expiry: Expiry::At(at),
    };
    set_generic(ctx, &argv[1], &argv[3], &o)?;
    ctx.client.reply.ok();
    Ok(())
}

/// SETEX key seconds value.
fn setex(ctx: &mut Ctx<'_>) -> CmdResult {
    setex_generic(ctx, 1000, "setex")
}

/// PSETEX key milliseconds value.
fn psetex(ctx: &mut Ctx<'_>) -> CmdResult {
    setex_generic(ctx, 1, "psetex")
}

/// GETEX key [EX|PX|EXAT|PXAT|PERSIST].
fn getex(ctx: &mut Ctx<'_>) -> CmdResult {
    let (mut o, pending) = parse_set_syntax(ctx.argv, 2, true)?;
    let key = &ctx.argv[1];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let Some(s) = lookup_str(&mut shard, key, now)? else {
        ctx.client.reply.null();
        return Ok(());
    };
    // The expire number is checked only once the key is known to exist.
    resolve_expire(&mut o, pending, now, true)?;
    s.with_bytes(|b| ctx.client.reply.bulk(b));
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    match o.expiry {
        Expiry::At(t) if t <= now => {
            shard.remove(key);
            emit(srv, client, class::GENERIC, "del", key);
        }
        Expiry::At(t) => {
            shard.set_expire(key, t);
            emit(srv, client, class::GENERIC, "expire", key);
        }
        Expiry::Persist => {
            if shard.expire_at(key) != 0 {
                shard.set_expire(key, 0);
                emit(srv, client, class::GENERIC, "persist", key);
            }
        }
        Expiry::None | Expiry::Keep => {}
    }
    Ok(())
}

/// GETDEL key.
fn getdel(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    match lookup_str(&mut shard, key, ctx.now_ms)? {
        None => ctx.client.reply.null(),
        Some(s) => {
            s.with_bytes(|b| ctx.client.reply.bulk(b));
            shard.remove(key);
            emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
            crate::propagate::rewrite(ctx.srv, ctx.client, || {
                vec![Bytes::from_static(b"DEL"), key.clone()]
            });
        }
    }
    Ok(())
}

/// GETSET key value: the old value (or nil); the new one has no TTL.
fn getset(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, val) = (&ctx.argv[1], &ctx.argv[2]);
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let existed = match lookup_str(&mut shard, key, ctx.now_ms)? {
        None => {
            ctx.client.reply.null();
            false
        }
        Some(s) => {
            s.with_bytes(|b| ctx.client.reply.bulk(b));
            true
        }
    };
    shard.insert(key, Entry::new(Value::string(val)));
    if !existed {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    emit(ctx.srv, ctx.client, class::STRING, "set", key);
    Ok(())
}

/// MGET key [key ...]: nil for absent keys and keys of other types.
fn mget(ctx: &mut Ctx<'_>) -> CmdResult {
    let keys = &ctx.argv[1..];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut guard = db.lock_keys(keys.iter().map(|k| &k[..]));
    let r = &mut ctx.client.reply;
    r.array(keys.len());
    for k in keys {
        match guard.shard(k).get(k, now) {
            Some(e) => match str_ref(e) {
                Ok(s) => s.with_bytes(|b| r.bulk(b)),
                Err(_) => r.null(),
            },
            None => r.null(),
        }
    }
    Ok(())
}

fn mset_generic(ctx: &mut Ctx<'_>, nx: bool) -> Result<bool, CommandError> {
    let argv = ctx.argv;
    if argv.len().is_multiple_of(2) {
        let name = if nx { "msetnx" } else { "mset" };
        return Err(CommandError::WrongArity(name.to_string()));
    }
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let pairs = &argv[1..];
    let mut guard = db.lock_keys(pairs.iter().step_by(2).map(|k| &k[..]));
    if nx {
        for k in pairs.iter().step_by(2) {
            if guard.shard(k).contains(k, now) {
                return Ok(false);
            }
        }
    }
    let new_events = crate::notify::enabled(class::NEW);
    for kv in pairs.chunks_exact(2) {
        let shard = guard.shard(&kv[0]);
        let created = new_events && !shard.contains(&kv[0], now);
        shard.set(&kv[0], Value::string(&kv[1]));
        if created {
            emit(ctx.srv, ctx.client, class::NEW, "new", &kv[0]);
        }
        emit(ctx.srv, ctx.client, class::STRING, "set", &kv[0]);
    }
    Ok(true)
}

/// MSET key value [key value ...].
fn mset(ctx: &mut Ctx<'_>) -> CmdResult {
    mset_generic(ctx, false)?;
    ctx.client.reply.ok();
    Ok(())
}

/// MSETNX key value [key value ...]: all or nothing.
fn msetnx(ctx: &mut Ctx<'_>) -> CmdResult {
    let stored = mset_generic(ctx, true)?;
    ctx.client.reply.integer(stored as i64);
    Ok(())
}

/// APPEND key value: the new length.
fn append(ctx: &mut Ctx<'_>) -> CmdResult {
    let max = max_string_len(ctx);
    let (key, val) = (&ctx.argv[1], &ctx.argv[2]);
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let len = match shard.get_mut(key, ctx.now_ms) {
        Some(e) => {
            let s = str_mut(e)?;
            let total = s.len() as u64 + val.len() as u64;
            if total > max {
                return Err(CommandError::StringTooLong);
            }
            let v = s.make_raw();
            v.extend_from_slice(val);
            v.len()
        }
        None => {
            shard.insert(key, Entry::new(Value::string(val)));
            emit(ctx.srv, ctx.client, class::NEW, "new", key);
            val.len()
        }
    };
    emit(ctx.srv, ctx.client, class::STRING, "append", key);
    ctx.client.reply.integer(len as i64);
    Ok(())
}

/// STRLEN key: 0 for an absent key.
fn strlen(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let n = lookup_str(&mut shard, key, ctx.now_ms)?.map_or(0, |s| s.len());
    ctx.client.reply.integer(n as i64);
    Ok(())
}

/// Adds `by` to the integer under argv[1], keeping its TTL.
fn incr_decr_generic(ctx: &mut Ctx<'_>, by: i64) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let new = match shard.get_mut(key, ctx.now_ms) {
        Some(e) => {
            let s = str_mut(e)?;
            let old = s.as_int().ok_or(CommandError::NotInteger)?;
            let new = old.checked_add(by).ok_or(CommandError::IncrOverflow)?;
            *s = StrValue::Int(new);
            new
        }
        None => {
            shard.insert(key, Entry::new(Value::Str(StrValue::Int(by))));
            emit(ctx.srv, ctx.client, class::NEW, "new", key);
            by
        }
    };
    emit(ctx.srv, ctx.client, class::STRING, "incrby", key);
    ctx.client.reply.integer(new);
    Ok(())
}

fn incr(ctx: &mut Ctx<'_>) -> CmdResult {
    incr_decr_generic(ctx, 1)
}

fn decr(ctx: &mut Ctx<'_>) -> CmdResult {
    incr_decr_generic(ctx, -1)
}

fn incrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let by = parse_int(&ctx.argv[2])?;
    incr_decr_generic(ctx, by)
}

fn decrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let by = parse_int(&ctx.argv[2])?;
    if by == i64::MIN {
        return Err(CommandError::DecrOverflow);
    }
    incr_decr_generic(ctx, -by)
}

/// INCRBYFLOAT key increment: computed in 80-bit extended precision and
/// stored in Redis's human-readable form (see [`f80`]).
fn incrbyfloat(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let old = match lookup_str(&mut shard, key, ctx.now_ms)? {
        None => f80::F80::ZERO,
        Some(StrValue::Int(i)) => f80::F80::from_i64(*i),
        Some(s) => s
            .with_bytes(f80::F80::parse)
            .ok_or(CommandError::NotFloat)?,
    };
    let incr = f80::F80::parse(&ctx.argv[2]).ok_or(CommandError::NotFloat)?;
    let sum = old.add(incr);
    if !sum.is_finite() {
        return Err(CommandError::IncrNanOrInf);
    }
    let text = sum.to_human();
    let v = Value::Str(built_string(&text));
    match shard.get_mut(key, ctx.now_ms) {
        Some(e) => e.value = v,
        None => {
            shard.insert(key, Entry::new(v));
            emit(ctx.srv, ctx.client, class::NEW, "new", key);
        }
    }
    emit(ctx.srv, ctx.client, class::STRING, "incrbyfloat", key);
    ctx.client.reply.bulk(&text);
    // Replayed as the value it produced: float formatting may differ.
    crate::propagate::rewrite(ctx.srv, ctx.client, || {
        vec![
            Bytes::from_static(b"SET"),
            key.clone(),
            Bytes::copy_from_slice(&text),
            Bytes::from_static(b"KEEPTTL"),
        ]
    });
    Ok(())
}

/// Clamps a Redis-style inclusive range (negative indexes count from the
/// end) to `[0, len)`; `None` when it selects nothing.
fn clamp_range(mut start: i64, mut end: i64, len: i64) -> Option<(usize, usize)> {
    if start < 0 && end < 0 && start > end {
        return None;
    }
    if start < 0 {
        start = start.saturating_add(len);
    }
    if end < 0 {
        end = end.saturating_add(len);
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return None;
    }
    Some((start as usize, end as usize))
}

/// GETRANGE key start end (and its old name SUBSTR).
fn getrange(ctx: &mut Ctx<'_>) -> CmdResult {
    let start = parse_int(&ctx.argv[2])?;
    let end = parse_int(&ctx.argv[3])?;
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    match lookup_str(&mut shard, key, ctx.now_ms)? {
        None => r.bulk(b""),
        Some(s) => s.with_bytes(|b| match clamp_range(start, end, b.len() as i64) {
            Some((a, z)) => r.bulk(&b[a..=z]),
            None => r.bulk(b""),
        }),
    }
    Ok(())
}

/// SETRANGE key offset value: the new length.
fn setrange(ctx: &mut Ctx<'_>) -> CmdResult {
    let offset = parse_int(&ctx.argv[2])?;
    if offset < 0 {
        return Err(CommandError::OffsetOutOfRange);
    }
    let max = max_string_len(ctx);
    let (key, val) = (&ctx.argv[1], &ctx.argv[3]);
    let need = offset as u64 + val.len() as u64;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let len = match shard.get_mut(key, ctx.now_ms) {
        Some(e) => {
            let s = str_mut(e)?;
            if val.is_empty() {
                s.len()
            } else {
                if need > max {
                    return Err(CommandError::StringTooLong);
                }
                let v = s.make_raw();
                write_at(v, offset as usize, val);
                let n = v.len();
                emit(ctx.srv, ctx.client, class::STRING, "setrange", key);
                n
            }
        }
        None => {
            if val.is_empty() {
                0
            } else {
                if need > max {
                    return Err(CommandError::StringTooLong);
                }
                let mut v = Vec::new();
                write_at(&mut v, offset as usize, val);
                let n = v.len();
                shard.insert(key, Entry::new(Value::Str(StrValue::raw(v))));
                emit(ctx.srv, ctx.client, class::NEW, "new", key);
                emit(ctx.srv, ctx.client, class::STRING, "setrange", key);
                n
            }
        }
    };
    ctx.client.reply.integer(len as i64);
    Ok(())
}

/// Copies `val` into `v` at `offset`, zero-padding `v` as needed.
fn write_at(v: &mut Vec<u8>, offset: usize, val: &[u8]) {
    let end = offset + val.len();
    if v.len() < end {
        v.resize(end, 0);
    }
    v[offset..end].copy_from_slice(val);
}
