//! List commands (Redis's "list" group), blocking ones included.
//!
//! Layout:
//! - this module: pushes and pops (LPUSH ... RPOP, LMPOP), reads (LLEN,
//!   LINDEX, LRANGE, LPOS), edits (LSET, LINSERT, LREM, LTRIM), moves
//!   (LMOVE, RPOPLPUSH) and the blocking variants (BLPOP, BRPOP, BLMPOP,
//!   BLMOVE, BRPOPLPUSH);
//! - [`rows`]: the command-table rows.
//!
//! Blocking: a blocking handler that finds nothing to serve calls
//! [`Ctx::block`] and returns without replying; the connection re-runs it
//! on every wake-up (see `crate::blocking`). On such a re-run a key that
//! now holds another type is skipped rather than reported, as Redis 7.0
//! only serves blocked list clients from keys that hold lists.
//!
//! Empty lists never stay in the keyspace: every operation that can empty
//! one deletes the key.

mod rows;

use bytes::Bytes;
use ferrodis_engine::{Db, End, Entry, ListValue, Shard, Value};

use crate::args::{eq_ic, parse_i64_strict, parse_int};
use crate::blocking::{parse_timeout, TimeoutReply};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};

pub use rows::COMMANDS;

/// The longest element a list accepts (Redis's LIST_MAX_ITEM_SIZE).
const LIST_MAX_ITEM_SIZE: usize = (1usize << 32) - 1024;

/// The selected database, borrowed from the server (so the reply buffer
/// stays usable while a shard is locked).
fn db<'a>(ctx: &Ctx<'a>) -> &'a Db {
    ctx.srv.keyspace.db(ctx.client.db)
}

/// The node size a new list gets (list-max-listpack-size).
pub(crate) fn new_list(ctx: &Ctx<'_>) -> ListValue {
    ListValue::new(ctx.srv.config.read().list_max_listpack_size)
}

/// The list held by an entry, or WRONGTYPE.
pub(crate) fn list_mut(e: &mut Entry) -> Result<&mut ListValue, CommandError> {
    match &mut e.value {
        Value::List(l) => Ok(l),
        _ => Err(CommandError::WrongType),
    }
}

/// The live list under `key`: `None` when absent, WRONGTYPE for another type.
fn lookup_list<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s mut ListValue>, CommandError> {
    match shard.get_mut(key, now) {
        None => Ok(None),
        Some(e) => list_mut(e).map(Some),
    }
}

/// Deletes `key` if its list has become empty; true if it did.
fn drop_if_empty(shard: &mut Shard, key: &[u8], now: u64) -> bool {
    let empty =
        matches!(shard.peek(key, now), Some(Entry { value: Value::List(l), .. }) if l.is_empty());
    if empty {
        shard.remove(key);
    }
    empty
}

/// The pop event of an end.
fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

/// The push event of an end.
fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// LEFT or RIGHT, or a syntax error.
fn parse_end(arg: &[u8]) -> Result<End, CommandError> {
    if eq_ic(arg, "LEFT") {
        Ok(End::Head)
    } else if eq_ic(arg, "RIGHT") {
        Ok(End::Tail)
    } else {
        Err(CommandError::Syntax)
    }
}

/// A positive count (0 allowed) with the given error for anything else.
fn parse_non_negative(arg: &[u8], err: CommandError) -> Result<i64, CommandError> {
    match parse_i64_strict(arg) {
        Some(v) if v >= 0 => Ok(v),
        _ => Err(err),
    }
}

/// Replies `n` elements popped from `end` of `l` (the caller has sized the
/// reply).
fn reply_pops(ctx: &mut Ctx<'_>, l: &mut ListValue, end: End, n: usize) {
    for _ in 0..n {
        if let Some(v) = l.peek(end) {
            ctx.client.reply.bulk(v);
        }
        l.drop_one(end);
    }
}

/// LPUSH, RPUSH, LPUSHX, RPUSHX: the new length (0 for the X forms when
/// the key is absent).
fn push_generic(ctx: &mut Ctx<'_>, end: End, only_existing: bool) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let elems = &argv[2..];
    if elems.iter().any(|e| e.len() > LIST_MAX_ITEM_SIZE) {
        return Err(CommandError::ListElementTooLarge);
    }
    let db = db(ctx);
    let mut shard = db.lock(key);
    let len = match lookup_list(&mut shard, key, ctx.now_ms)? {
        Some(l) => {
            for e in elems {
                l.push(end, e);
            }
            l.len()
        }
        None if only_existing => 0,
        None => {
            let mut l = new_list(ctx);
            for e in elems {
                l.push(end, e);
            }
            let n = l.len();
            shard.insert(key, Entry::new(Value::List(Box::new(l))));
            emit(ctx.srv, ctx.client, class::NEW, "new", key);
            n
        }
    };
    ctx.client.reply.integer(len as i64);
    if len > 0 {
        emit(ctx.srv, ctx.client, class::LIST, push_event(end), key);
    }
    drop(shard);
    Ok(())
}

fn lpush(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Head, false)
}

fn rpush(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Tail, false)
}

fn lpushx(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Head, true)
}

fn rpushx(ctx: &mut Ctx<'_>) -> CmdResult {
    push_generic(ctx, End::Tail, true)
}

/// LPOP/RPOP key [count]: one element (or nil), or with a count an array
/// of up to count elements (a null array when the key is absent).
fn pop_generic(ctx: &mut Ctx<'_>, end: End, name: &str) -> CmdResult {
    let argv = ctx.argv;
    if argv.len() > 3 {
        return Err(CommandError::WrongArity(name.to_string()));
    }
    let count = match argv.get(2) {
        Some(a) => Some(parse_non_negative(a, CommandError::ListMustBePositive)?),
        None => None,
    };
    let key = &argv[1];
    let now = ctx.now_ms;
    let db = db(ctx);
    let mut shard = db.lock(key);
    let Some(l) = lookup_list(&mut shard, key, now)? else {
        match count {
            Some(_) => ctx.client.reply.null_array(),
            None => ctx.client.reply.null(),
        }
        return Ok(());
    };
    let popped = match count {
        None => {
            reply_pops(ctx, l, end, 1);
            1
        }
        Some(c) => {
            let n = (c as u64).min(l.len() as u64) as usize;
            ctx.client.reply.array(n);
            reply_pops(ctx, l, end, n);
            n
        }
    };
    if popped > 0 {
        emit(ctx.srv, ctx.client, class::LIST, pop_event(end), key);
    }
    if drop_if_empty(&mut shard, key, now) {
        emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
    }
    Ok(())
}

fn lpop(ctx: &mut Ctx<'_>) -> CmdResult {
    pop_generic(ctx, End::Head, "lpop")
}

fn rpop(ctx: &mut Ctx<'_>) -> CmdResult {
    pop_generic(ctx, End::Tail, "rpop")
}

fn llen(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = db(ctx);
    let mut shard = db.lock(key);
    let n = lookup_list(&mut shard, key, ctx.now_ms)?.map_or(0, |l| l.len());
    drop(shard);
    ctx.client.reply.integer(n as i64);
    Ok(())
}

/// LINDEX key index: the key is looked up before the index is parsed.
fn lindex(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = db(ctx);
    let mut shard = db.lock(key);
    let Some(l) = lookup_list(&mut shard, key, ctx.now_ms)? else {
        ctx.client.reply.null();
        return Ok(());
    };
    let index = parse_int(&ctx.argv[2])?;
    match l.resolve_index(index).and_then(|i| l.get(i)) {
        Some(v) => ctx.client.reply.bulk(v),
        None => ctx.client.reply.null(),
    }
    Ok(())
}

/// LSET key index element.
fn lset(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, elem) = (&ctx.argv[1], &ctx.argv[3]);
    if elem.len() > LIST_MAX_ITEM_SIZE {
        return Err(CommandError::ListElementTooLarge);
    }
    let db = db(ctx);
    let mut shard = db.lock(key);
    let l = lookup_list(&mut shard, key, ctx.now_ms)?.ok_or(CommandError::NoSuchKey)?;
    let index = parse_int(&ctx.argv[2])?;
    let i = l
        .resolve_index(index)
        .ok_or(CommandError::ListIndexOutOfRange)?;
    l.set(i, elem);
    ctx.client.reply.ok();
    emit(ctx.srv, ctx.client, class::LIST, "lset", key);
    drop(shard);
    Ok(())
}

/// Clamps an inclusive Redis range to `len`: (start, end) 0-based, or None
/// when empty.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= len {
        return None;
    }
    if end >= len {
        end = len - 1;
    }
    Some((start as usize, end as usize))
}

fn lrange(ctx: &mut Ctx<'_>) -> CmdResult {
    let start = parse_int(&ctx.argv[2])?;
    let end = parse_int(&ctx.argv[3])?;
    let key = &ctx.argv[1];
    let db = db(ctx);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(l) = lookup_list(&mut shard, key, ctx.now_ms)? else {
        r.array(0);
        return Ok(());
    };
    match clamp_range(start, end, l.len()) {
        None => r.array(0),
        Some((a, z)) => {
            let n = z - a + 1;
            r.array(n);
            for v in l.iter_from(a, false).take(n) {
                r.bulk(v);
            }
        }
    }
    Ok(())
}

fn ltrim(ctx: &mut Ctx<'_>) -> CmdResult {
    let start = parse_int(&ctx.argv[2])?;
    let end = parse_int(&ctx.argv[3])?;
    let key = &ctx.argv[1];
    let now = ctx.now_ms;
    let db = db(ctx);
    let mut shard = db.lock(key);
    if let Some(l) = lookup_list(&mut shard, key, now)? {
        let len = l.len();
        let (front, back) = match clamp_range(start, end, len) {
            None => (len, 0),
            Some((a, z)) => (a, len - z - 1),
        };
        l.remove_front(front);
        l.remove_back(back);
        emit(ctx.srv, ctx.client, class::LIST, "ltrim", key);
        if drop_if_empty(&mut shard, key, now) {
            emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
        }
    }
    drop(shard);
    ctx.client.reply.ok();
    Ok(())
}

/// LREM key count element.
fn lrem(ctx: &mut Ctx<'_>) -> CmdResult {
    let count = parse_int(&ctx.argv[2])?;
    let (key, elem) = (&ctx.argv[1], &ctx.argv[3]);
    let now = ctx.now_ms;
    let db = db(ctx);
    let mut shard = db.lock(key);
    let removed = match lookup_list(&mut shard, key, now)? {
        Some(l) => l.remove_matching(elem, count),
        None => 0,
    };
    if removed > 0 {
        emit(ctx.srv, ctx.client, class::LIST, "lrem", key);
    }
    if drop_if_empty(&mut shard, key, now) {
        emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
    }
    drop(shard);
    ctx.client.reply.integer(removed as i64);
    Ok(())
}

/// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without
/// the pivot, 0 without the key.
fn linsert(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let after = if eq_ic(&argv[2], "AFTER") {
        true
    } else if eq_ic(&argv[2], "BEFORE") {
        false
    } else {
        return Err(CommandError::Syntax);
    };
    if argv[4].len() > LIST_MAX_ITEM_SIZE {
        return Err(CommandError::ListElementTooLarge);
    }
    let key = &argv[1];
    let db = db(ctx);
    let mut shard = db.lock(key);
    let n = match lookup_list(&mut shard, key, ctx.now_ms)? {
        None => 0,
        Some(l) => {
            if l.insert_by_pivot(&argv[3], after, &argv[4]) {
                let n = l.len() as i64;
                emit(ctx.srv, ctx.client, class::LIST, "linsert", key);
                n
            } else {
                -1
            }
        }
    };
    drop(shard);
    ctx.client.reply.integer(n);
    Ok(())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
fn lpos(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        let opt = &argv[j];
        if eq_ic(opt, "RANK") && more {
            j += 1;
            rank = parse_int(&argv[j])?;
            if rank == 0 {
                return Err(CommandError::ListRankZero);
            }
        } else if eq_ic(opt, "COUNT") && more {
            j += 1;
            count = Some(parse_non_negative(
                &argv[j],
                CommandError::ListCountNegative,
            )?);
        } else if eq_ic(opt, "MAXLEN") && more {
            j += 1;
            maxlen = parse_non_negative(&argv[j], CommandError::ListMaxlenNegative)?;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    // A negative rank searches from the tail (i64::MIN stays negative, as
    // in Redis, and then matches from the first hit).
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let (key, elem) = (&argv[1], &argv[2]);
    let db = db(ctx);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(l) = lookup_list(&mut shard, key, ctx.now_ms)? else {
        match count {
            Some(_) => r.array(0),
            None => r.null(),
        }
        return Ok(());
    };
    let llen = l.len() as i64;
    let mut matches: i64 = 0;
    let mut found: Vec<i64> = Vec::new();
    let mut single = None;
    for (index, v) in l.iter_from(0, from_tail).enumerate() {
        let index = index as i64;
        if maxlen != 0 && index >= maxlen {
            break;
        }
        if v != &elem[..] {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        let pos = if from_tail { llen - index - 1 } else { index };
        match count {
            Some(c) => {
                found.push(pos);
                if c != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= c {
                    break;
                }
            }
            None => {
                single = Some(pos);
                break;
            }
        }
    }
    match count {
        Some(_) => {
            r.array(found.len());
            for p in found {
                r.integer(p);
            }
        }
        None => match single {
            Some(p) => r.integer(p),
            None => r.null(),
        },
    }
    Ok(())
}

/// How a list command treats a key of another type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OtherType {
    /// Reply WRONGTYPE (a first run).
    Error,
    /// Skip it (a blocked client's re-run: Redis 7.0 leaves it blocked).
    Skip,
}

impl OtherType {
    fn of(ctx: &Ctx<'_>) -> OtherType {
        if ctx.is_blocked_rerun() {
            OtherType::Skip
        } else {
            OtherType::Error
        }
    }
}

/// Moves one element from `src` (at `from`) to `dst` (at `to`) and replies
/// it. Ok(false) when there is nothing to move (no reply written). The
/// destination's type is checked before anything is popped.
fn move_generic(
    ctx: &mut Ctx<'_>,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    other: OtherType,
) -> Result<bool, CommandError> {
    let now = ctx.now_ms;
    let db = db(ctx);
    let mut guard = db.lock_keys([src, dst]);
    match guard.shard(src).get(src, now) {
        None => return Ok(false),
        Some(Entry {
            value: Value::List(_),
            ..
        }) => {}
        Some(_) if other == OtherType::Skip => return Ok(false),
        Some(_) => return Err(CommandError::WrongType),
    }
    if src == dst {
        // Rotation within one list: the key never becomes empty.
        let shard = guard.shard(src);
        let Some(l) = lookup_list(shard, src, now)? else {
            return Ok(false);
        };
        let Some(v) = l.pop(from) else {
            return Ok(false);
        };
        l.push(to, &v);
        emit(ctx.srv, ctx.client, class::LIST, push_event(to), dst);
        ctx.client.reply.bulk(&v);
        emit(ctx.srv, ctx.client, class::LIST, pop_event(from), src);
        return Ok(true);
    }
    if let Some(e) = guard.shard(dst).get(dst, now) {
        if !matches!(e.value, Value::List(_)) {
            return Err(CommandError::WrongType);
        }
    }
    let (v, src_deleted) = {
        let shard = guard.shard(src);
        let Some(l) = lookup_list(shard, src, now)? else {
            return Ok(false);
        };
        let Some(v) = l.pop(from) else {
            return Ok(false);
        };
        (v, drop_if_empty(shard, src, now))
    };
    let shard = guard.shard(dst);
    let created = match lookup_list(shard, dst, now)? {
        Some(l) => {
            l.push(to, &v);
            false
        }
        None => {
            let mut l = new_list(ctx);
            l.push(to, &v);
            shard.insert(dst, Entry::new(Value::List(Box::new(l))));
            true
        }
    };
    // Redis's order: the destination's events and the reply, then the
    // source's.
    let srv = ctx.srv;
    if created {
        emit(srv, ctx.client, class::NEW, "new", dst);
    }
    emit(srv, ctx.client, class::LIST, push_event(to), dst);
    ctx.client.reply.bulk(&v);
    emit(srv, ctx.client, class::LIST, pop_event(from), src);
    if src_deleted {
        emit(srv, ctx.client, class::GENERIC, "del", src);
    }
    drop(guard);
    Ok(true)
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
fn lmove(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let from = parse_end(&argv[3])?;
    let to = parse_end(&argv[4])?;
    if !move_generic(ctx, &argv[1], &argv[2], from, to, OtherType::Error)? {
        ctx.client.reply.null();
    }
    Ok(())
}

/// RPOPLPUSH source destination.
fn rpoplpush(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    if !move_generic(
        ctx,
        &argv[1],
        &argv[2],
        End::Tail,
        End::Head,
        OtherType::Error,
    )? {
        ctx.client.reply.null();
    }
    Ok(())
}

/// The blocking form of a move: serves at once if it can, else blocks on
/// the source.
fn bmove_generic(ctx: &mut Ctx<'_>, from: End, to: End, timeout_arg: usize) -> CmdResult {
    let argv = ctx.argv;
    let timeout = parse_timeout(&argv[timeout_arg])?;
    let other = OtherType::of(ctx);
    if move_generic(ctx, &argv[1], &argv[2], from, to, other)? {
        // Propagated as the non-blocking move (no timeout).
        crate::propagate::rewrite(ctx.srv, ctx.client, || {
            let name: &'static [u8] = if timeout_arg == 5 {
                b"LMOVE"
            } else {
                b"RPOPLPUSH"
            };
            let mut v = vec![Bytes::from_static(name)];
            v.extend_from_slice(&argv[1..timeout_arg]);
            v
        });
    } else {
        if ctx.client.no_block {
            // Where blocking is not allowed Redis replies a null bulk, but
            // a timeout (or CLIENT UNBLOCK) gets a null array.
            ctx.client.reply.null();
        } else {
            ctx.block(&argv[1..2], timeout, TimeoutReply::NullArray);
        }
    }
    Ok(())
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
fn blmove(ctx: &mut Ctx<'_>) -> CmdResult {
    let from = parse_end(&ctx.argv[3])?;
    let to = parse_end(&ctx.argv[4])?;
    bmove_generic(ctx, from, to, 5)
}

/// BRPOPLPUSH source destination timeout.
fn brpoplpush(ctx: &mut Ctx<'_>) -> CmdResult {
    bmove_generic(ctx, End::Tail, End::Head, 3)
}

/// Pops up to `count` elements from the first non-empty list among `keys`
/// and replies `[key, [elements]]` (or, with `single`, `[key, element]`).
/// Ok(false) when every key is empty (no reply written).
fn mpop_generic(
    ctx: &mut Ctx<'_>,
    keys: &[Bytes],
    end: End,
    count: Option<u64>,
    other: OtherType,
) -> Result<bool, CommandError> {
    let now = ctx.now_ms;
    let db = db(ctx);
    let mut guard = db.lock_keys(keys.iter().map(|k| &k[..]));
    for k in keys {
        let shard = guard.shard(k);
        let l = match shard.get_mut(k, now) {
            None => continue,
            Some(e) => match &mut e.value {
                Value::List(l) => l,
                _ if other == OtherType::Skip => continue,
                _ => return Err(CommandError::WrongType),
            },
        };
        if l.is_empty() {
            continue;
        }
        let r = &mut ctx.client.reply;
        r.array(2);
        r.bulk(k);
        let popped = match count {
            None => {
                reply_pops(ctx, l, end, 1);
                None
            }
            Some(c) => {
                let n = c.min(l.len() as u64) as usize;
                ctx.client.reply.array(n);
                reply_pops(ctx, l, end, n);
                Some(n)
            }
        };
        // Propagated as the pop it did: LPOP key (BLPOP), LPOP key n (LMPOP).
        crate::propagate::rewrite(ctx.srv, ctx.client, || {
            let name = Bytes::from_static(match end {
                End::Head => b"LPOP",
                End::Tail => b"RPOP",
            });
            let mut v = vec![name, k.clone()];
            v.extend(popped.map(crate::propagate::count_arg));
            v
        });
        emit(ctx.srv, ctx.client, class::LIST, pop_event(end), k);
        if drop_if_empty(shard, k, now) {
            emit(ctx.srv, ctx.client, class::GENERIC, "del", k);
        }
        return Ok(true);
    }
    Ok(false)
}

/// BLPOP/BRPOP key [key ...] timeout.
fn bpop_generic(ctx: &mut Ctx<'_>, end: End) -> CmdResult {
    let argv = ctx.argv;
    let timeout = parse_timeout(&argv[argv.len() - 1])?;
    let keys = &argv[1..argv.len() - 1];
    let other = OtherType::of(ctx);
    if !mpop_generic(ctx, keys, end, None, other)? {
        ctx.block(keys, timeout, TimeoutReply::NullArray);
    }
    Ok(())
}

fn blpop(ctx: &mut Ctx<'_>) -> CmdResult {
    bpop_generic(ctx, End::Head)
}

fn brpop(ctx: &mut Ctx<'_>) -> CmdResult {
    bpop_generic(ctx, End::Tail)
}

/// Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]` starting at
/// `numkeys_idx`: (keys, end, count).
fn parse_mpop(argv: &[Bytes], numkeys_idx: usize) -> Result<(&[Bytes], End, u64), CommandError> {
    let numkeys = parse_i64_strict(&argv[numkeys_idx])
        .filter(|&n| n >= 1)
        .ok_or(CommandError::ListNumkeys)?;
    let where_idx = usize::try_from(numkeys)
        .ok()
        .and_then(|n| numkeys_idx.checked_add(n))
        .and_then(|i| i.checked_add(1))
        .filter(|&i| i < argv.len())
        .ok_or(CommandError::Syntax)?;
    let end = parse_end(&argv[where_idx])?;
    let mut count: Option<u64> = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        if count.is_none() && eq_ic(&argv[j], "COUNT") && more {
            j += 1;
            let c = parse_i64_strict(&argv[j])
                .filter(|&c| c >= 1)
                .ok_or(CommandError::ListCount)?;
            count = Some(c as u64);
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    Ok((&argv[numkeys_idx + 1..where_idx], end, count.unwrap_or(1)))
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count].
fn lmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let (keys, end, count) = parse_mpop(ctx.argv, 1)?;
    if !mpop_generic(ctx, keys, end, Some(count), OtherType::Error)? {
        ctx.client.reply.null_array();
    }
    Ok(())
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count].
fn blmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let timeout = parse_timeout(&ctx.argv[1])?;
    let (keys, end, count) = parse_mpop(ctx.argv, 2)?;
    let other = OtherType::of(ctx);
    if !mpop_generic(ctx, keys, end, Some(count), other)? {
        ctx.block(keys, timeout, TimeoutReply::NullArray);
    }
    Ok(())
}
