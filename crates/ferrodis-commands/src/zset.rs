//! Sorted-set commands (Redis's "sorted-set" group): ZADD and ZINCRBY,
//! lookups, range queries by rank / score / lex (one shared parser and
//! selection for the whole ZRANGE family, ZRANGESTORE included), range
//! removal, pops, set algebra (ZUNION/ZINTER/ZDIFF, their STORE forms and
//! ZINTERCARD, with plain sets as inputs scoring 1), ZRANDMEMBER, ZSCAN
//! and the blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP). The value and its two encodings live in `ferrodis_engine::zset`.
//!
//! Replies are written from references while the shard lock is held;
//! members are copied only when they must outlive the lock (STORE forms).

use std::collections::HashMap;

use ferrodis_engine::glob::glob_match;
use ferrodis_engine::{Entry, Shard, Value, ZLimits, ZSetValue};
use ferrodis_protocol::num::{fmt_double, DOUBLE_BUF_LEN};
use ferrodis_protocol::ReplyBuf;
use rand::Rng;

use crate::args::{eq_ic, parse_double, parse_i64_strict, parse_int, parse_range_double};
use crate::blocking::{parse_timeout, TimeoutReply};
use crate::context::Ctx;
use crate::context::{Client, ServerState};
use crate::error::{CmdResult, CommandError};
use crate::keyspace::{parse_scan_cursor, parse_scan_options};
use crate::notify::{self, class};
use crate::spec::*;

/// zset-max-listpack-entries / -value, read once per command.
pub(crate) fn limits(ctx: &Ctx<'_>) -> ZLimits {
    let c = ctx.srv.config.read();
    ZLimits {
        max_entries: usize::try_from(c.zset_max_listpack_entries).unwrap_or(usize::MAX),
        max_value: usize::try_from(c.zset_max_listpack_value).unwrap_or(usize::MAX),
    }
}

/// The sorted set under `key`, None when absent, WRONGTYPE for another type.
pub(crate) fn zset_get<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s ZSetValue>, CommandError> {
    crate::typed::lookup(shard, key, now, Value::as_zset)
}

fn zset_get_mut<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s mut ZSetValue>, CommandError> {
    crate::typed::lookup_mut(shard, key, now, Value::as_zset_mut)
}

/// The array header for `n` members: flat (member, score) pairs in RESP2,
/// one two-element array per member in RESP3.
fn array_len(r: &mut ReplyBuf, n: usize, withscores: bool) {
    if withscores && r.resp() != 3 {
        r.array(n.saturating_mul(2));
    } else {
        r.array(n);
    }
}

fn emit(r: &mut ReplyBuf, m: &[u8], s: f64, withscores: bool) {
    if withscores && r.resp() == 3 {
        r.array(2);
    }
    r.bulk(m);
    if withscores {
        r.double(s);
    }
}

/// Redis 7.0 builds a BYSCORE/BYLEX ZRANGESTORE result (whose size it does
/// not know up front) as a listpack, converted when it outgrows the limits;
/// a listpack stores an integral score as an integer, so -0 becomes 0 in
/// the members inserted before that conversion (in emission order), and
/// only there.
fn listpack_zeros(items: &mut [(Vec<u8>, f64)], lim: ZLimits) {
    for (i, (m, s)) in items.iter_mut().enumerate() {
        if i >= lim.max_entries || m.len() > lim.max_value {
            return;
        }
        if *s == 0.0 {
            *s = 0.0;
        }
    }
}

/// Stores `items` under `dst` (replacing whatever was there, TTL included)
/// or deletes `dst` when there are none; replies with the count, and
/// notifies `event` (or `del`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn store_result(
    srv: &ServerState,
    client: &mut Client,
    shard: &mut Shard,
    dst: &[u8],
    items: Vec<(Vec<u8>, f64)>,
    lim: ZLimits,
    event: &str,
) {
    let n = items.len();
    if n == 0 {
        let existed = shard.remove(dst).is_some();
        client.reply.integer(0);
        if existed {
            notify::emit(srv, client, class::GENERIC, "del", dst);
        }
    } else {
        let z = ZSetValue::from_items(items, lim);
        if shard.insert(dst, Entry::new(Value::ZSet(z))).is_none() {
            notify::emit(srv, client, class::NEW, "new", dst);
        }
        client.reply.integer(n as i64);
        notify::emit(srv, client, class::ZSET, event, dst);
    }
}

// ---------------------------------------------------------------------------
// ZADD, ZINCRBY

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...],
/// and ZINCRBY (the same with INCR; its option words are parsed as ZADD's,
/// as Redis does).
fn zadd_generic(ctx: &mut Ctx<'_>, incr_cmd: bool) -> CmdResult {
    let argv = ctx.argv;
    let (mut nx, mut xx, mut gt, mut lt, mut ch, mut incr) =
        (false, false, false, false, false, incr_cmd);
    let mut i = 2;
    while i < argv.len() {
        let a = &argv[i];
        if eq_ic(a, "nx") {
            nx = true;
        } else if eq_ic(a, "xx") {
            xx = true;
        } else if eq_ic(a, "ch") {
            ch = true;
        } else if eq_ic(a, "incr") {
            incr = true;
        } else if eq_ic(a, "gt") {
            gt = true;
        } else if eq_ic(a, "lt") {
            lt = true;
        } else {
            break;
        }
        i += 1;
    }
    let elements = argv.len() - i;
    if elements == 0 || !elements.is_multiple_of(2) {
        return Err(CommandError::Syntax);
    }
    let elements = elements / 2;
    if nx && xx {
        return Err(CommandError::ZaddNxXx);
    }
    if ((gt || lt) && nx) || (gt && lt) {
        return Err(CommandError::ZaddGtLtNx);
    }
    if incr && elements > 1 {
        return Err(CommandError::ZaddIncrPair);
    }
    let mut scores = Vec::with_capacity(elements);
    for j in 0..elements {
        scores.push(parse_double(&argv[i + 2 * j]).ok_or(CommandError::NotFloat)?);
    }
    let lim = limits(ctx);
    let key = &argv[1];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    let mut shard = db.lock(key);
    if zset_get_mut(&mut shard, key, now)?.is_none() {
        if xx {
            if incr {
                client.reply.null();
            } else {
                client.reply.integer(0);
            }
            return Ok(());
        }
        // Redis picks the encoding from the first member alone.
        let z = ZSetValue::with_hint(1, argv[i + 1].len(), lim);
        shard.insert(key, Entry::new(Value::ZSet(z)));
        notify::emit(srv, client, class::NEW, "new", key);
    }
    let r = &mut client.reply;
    let Some(z) = zset_get_mut(&mut shard, key, now)? else {
        return Ok(());
    };
    let (mut added, mut updated, mut processed) = (0i64, 0i64, 0i64);
    let mut newscore = 0.0;
    let mut nan = false;
    for (j, &score) in scores.iter().enumerate() {
        let member = &argv[i + 2 * j + 1][..];
        match z.score(member) {
            Some(cur) => {
                if nx {
                    continue;
                }
                let s = if incr { cur + score } else { score };
                if s.is_nan() {
                    nan = true;
                    break;
                }
                if (lt && s >= cur) || (gt && s <= cur) {
                    continue;
                }
                newscore = s;
                processed += 1;
                if s != cur {
                    z.set_score(member, s);
                    updated += 1;
                }
            }
            None => {
                if xx {
                    continue;
                }
                z.insert(member, score, lim);
                added += 1;
                processed += 1;
                newscore = score;
            }
        }
    }
    if z.is_empty() {
        shard.remove(key);
    }
    if nan {
        return Err(CommandError::ZScoreNaN);
    }
    if incr {
        if processed > 0 {
            r.double(newscore);
        } else {
            r.null();
        }
    } else {
        r.integer(if ch { added + updated } else { added });
    }
    if added + updated > 0 {
        let event = if incr { "zincr" } else { "zadd" };
        notify::emit(srv, client, class::ZSET, event, key);
    }
    Ok(())
}

pub(crate) fn zadd(ctx: &mut Ctx<'_>) -> CmdResult {
    zadd_generic(ctx, false)
}

fn zincrby(ctx: &mut Ctx<'_>) -> CmdResult {
    zadd_generic(ctx, true)
}

// ---------------------------------------------------------------------------
// Lookups

fn zscore(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, member) = (&ctx.argv[1], &ctx.argv[2]);
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    match zset_get(&mut shard, key, ctx.now_ms)?.and_then(|z| z.score(member)) {
        Some(s) => r.double(s),
        None => r.null(),
    }
    Ok(())
}

fn zmscore(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let members = &ctx.argv[2..];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let z = zset_get(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    r.array(members.len());
    for m in members {
        match z.and_then(|z| z.score(m)) {
            Some(s) => r.double(s),
            None => r.null(),
        }
    }
    Ok(())
}

fn zcard(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let n = zset_get(&mut shard, key, ctx.now_ms)?.map_or(0, |z| z.len());
    ctx.client.reply.integer(n as i64);
    Ok(())
}

fn zrank_generic(ctx: &mut Ctx<'_>, rev: bool) -> CmdResult {
    let (key, member) = (&ctx.argv[1], &ctx.argv[2]);
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(z) = zset_get(&mut shard, key, ctx.now_ms)? else {
        r.null();
        return Ok(());
    };
    match z.rank(member) {
        Some((k, _)) => r.integer(if rev { z.len() - 1 - k } else { k } as i64),
        None => r.null(),
    }
    Ok(())
}

fn zrank(ctx: &mut Ctx<'_>) -> CmdResult {
    zrank_generic(ctx, false)
}

fn zrevrank(ctx: &mut Ctx<'_>) -> CmdResult {
    zrank_generic(ctx, true)
}

fn zrem(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let mut n = 0;
    if let Some(z) = zset_get_mut(&mut shard, key, ctx.now_ms)? {
        for m in &ctx.argv[2..] {
            if z.remove(m) {
                n += 1;
                if z.is_empty() {
                    break;
                }
            }
        }
        let emptied = z.is_empty();
        if emptied {
            shard.remove(key);
        }
        if n > 0 {
            notify::emit(ctx.srv, ctx.client, class::ZSET, "zrem", key);
        }
        if emptied {
            notify::emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
        }
    }
    ctx.client.reply.integer(n);
    Ok(())
}

// ---------------------------------------------------------------------------
// Ranges

/// A score range: `min`/`max` with `(` for an exclusive bound.
#[derive(Debug, Clone, Copy)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

fn parse_score_bound(b: &[u8]) -> Option<(f64, bool)> {
    match b.strip_prefix(b"(") {
        Some(rest) => parse_range_double(rest).map(|v| (v, true)),
        None => parse_range_double(b).map(|v| (v, false)),
    }
}

impl ScoreRange {
    pub fn parse(min: &[u8], max: &[u8]) -> Result<ScoreRange, CommandError> {
        let (min, minex) = parse_score_bound(min).ok_or(CommandError::ZMinMaxNotFloat)?;
        let (max, maxex) = parse_score_bound(max).ok_or(CommandError::ZMinMaxNotFloat)?;
        Ok(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    pub fn gte_min(&self, s: f64) -> bool {
        if self.minex {
            s > self.min
        } else {
            s >= self.min
        }
    }

    pub fn lte_max(&self, s: f64) -> bool {
        if self.maxex {
            s < self.max
        } else {
            s <= self.max
        }
    }

    /// No score can be inside.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// One end of a lex range: `-`, `+`, `[inclusive` or `(exclusive`.
#[derive(Debug, Clone, Copy)]
pub enum LexBound<'a> {
    Min,
    Max,
    Incl(&'a [u8]),
    Excl(&'a [u8]),
}

impl<'a> LexBound<'a> {
    fn parse(b: &'a [u8]) -> Option<LexBound<'a>> {
        // `+` and `-` must stand alone (up to a NUL, as C sees the string).
        let alone = b.len() == 1 || b.get(1) == Some(&0);
        match b.first()? {
            b'+' if alone => Some(LexBound::Max),
            b'-' if alone => Some(LexBound::Min),
            b'(' => Some(LexBound::Excl(&b[1..])),
            b'[' => Some(LexBound::Incl(&b[1..])),
            _ => None,
        }
    }

    fn exclusive(&self) -> bool {
        !matches!(self, LexBound::Incl(_))
    }

    fn cmp(&self, other: &LexBound<'_>) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        use LexBound::*;
        match (self, other) {
            (Min, Min) | (Max, Max) => Equal,
            (Min, _) | (_, Max) => Less,
            (_, Min) | (Max, _) => Greater,
            (Incl(a) | Excl(a), Incl(b) | Excl(b)) => a.cmp(b),
        }
    }
}

/// A lex range; meaningful when all members have the same score.
#[derive(Debug, Clone, Copy)]
pub struct LexRange<'a> {
    pub min: LexBound<'a>,
    pub max: LexBound<'a>,
}

impl<'a> LexRange<'a> {
    pub fn parse(min: &'a [u8], max: &'a [u8]) -> Result<LexRange<'a>, CommandError> {
        let min = LexBound::parse(min).ok_or(CommandError::ZMinMaxNotLex)?;
        let max = LexBound::parse(max).ok_or(CommandError::ZMinMaxNotLex)?;
        Ok(LexRange { min, max })
    }

    pub fn gte_min(&self, m: &[u8]) -> bool {
        match self.min {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Incl(x) => m >= x,
            LexBound::Excl(x) => m > x,
        }
    }

    pub fn lte_max(&self, m: &[u8]) -> bool {
        match self.max {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(x) => m <= x,
            LexBound::Excl(x) => m < x,
        }
    }

    pub fn is_empty(&self) -> bool {
        let c = self.min.cmp(&self.max);
        c.is_gt() || (c.is_eq() && (self.min.exclusive() || self.max.exclusive()))
    }
}

/// What a range query selects by.
#[derive(Debug, Clone, Copy)]
pub enum RangeBy<'a> {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange<'a>),
}

/// A selection: `n` members from ascending rank `first`, walking down
/// when `rev`.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub first: usize,
    pub n: usize,
    pub rev: bool,
}

/// Normalizes Redis rank indexes (negative from the end) to an inclusive
/// ascending range, or None when it is empty.
fn rank_range(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    let llen = len as i64;
    let (mut s, mut e) = (start, end);
    if s < 0 {
        s += llen;
    }
    if e < 0 {
        e += llen;
    }
    if s < 0 {
        s = 0;
    }
    if s > e || s >= llen {
        return None;
    }
    if e >= llen {
        e = llen - 1;
    }
    Some((s as usize, e as usize))
}

/// The `[lo, hi)` ascending index range a score or lex range walk covers.
fn bounds(z: &ZSetValue, by: &RangeBy<'_>, rev: bool) -> (usize, usize) {
    match by {
        RangeBy::Rank(..) => (0, 0),
        RangeBy::Score(r) => {
            if r.is_empty() {
                return (0, 0);
            }
            let g = |_: &[u8], s: f64| r.gte_min(s);
            let l = |_: &[u8], s: f64| r.lte_max(s);
            if rev {
                z.range_reverse(&g, &l)
            } else {
                z.range_forward(&g, &l)
            }
        }
        RangeBy::Lex(r) => {
            if r.is_empty() {
                return (0, 0);
            }
            let g = |m: &[u8], _: f64| r.gte_min(m);
            let l = |m: &[u8], _: f64| r.lte_max(m);
            if rev {
                z.range_reverse(&g, &l)
            } else {
                z.range_forward(&g, &l)
            }
        }
    }
}

/// What a ZRANGE-family query returns, LIMIT applied (a negative offset
/// selects nothing, a negative count means no limit).
pub fn select_range(
    z: &ZSetValue,
    by: &RangeBy<'_>,
    rev: bool,
    offset: i64,
    limit: i64,
) -> Selection {
    let none = Selection {
        first: 0,
        n: 0,
        rev,
    };
    let len = z.len();
    if let RangeBy::Rank(start, end) = *by {
        return match rank_range(len, start, end) {
            None => none,
            Some((s, e)) => Selection {
                first: if rev { len - 1 - s } else { s },
                n: e - s + 1,
                rev,
            },
        };
    }
    let (lo, hi) = bounds(z, by, rev);
    if offset < 0 || hi <= lo {
        return none;
    }
    let off = usize::try_from(offset).unwrap_or(usize::MAX);
    if off >= hi - lo {
        return none;
    }
    let mut n = hi - lo - off;
    if limit >= 0 {
        n = n.min(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Selection {
        first: if rev { hi - 1 - off } else { lo + off },
        n,
        rev,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Auto,
    Rank,
    Score,
    Lex,
}

/// The whole ZRANGE family: `[dst] src min max` then options. `by` and
/// `rev` are fixed by the command name, or `Auto`/None for ZRANGE and
/// ZRANGESTORE, whose options choose them.
fn zrange_generic(
    ctx: &mut Ctx<'_>,
    src_idx: usize,
    store: bool,
    mut by: By,
    mut rev: Option<bool>,
) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[src_idx];
    let (mut minidx, mut maxidx) = (src_idx + 1, src_idx + 2);
    let (mut withscores, mut offset, mut limit) = (false, 0i64, -1i64);
    let mut j = src_idx + 3;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        if !store && eq_ic(a, "withscores") {
            withscores = true;
        } else if eq_ic(a, "limit") && left >= 2 {
            offset = parse_int(&argv[j + 1])?;
            limit = parse_int(&argv[j + 2])?;
            j += 2;
        } else if rev.is_none() && eq_ic(a, "rev") {
            rev = Some(true);
        } else if by == By::Auto && eq_ic(a, "bylex") {
            by = By::Lex;
        } else if by == By::Auto && eq_ic(a, "byscore") {
            by = By::Score;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    let rev = rev.unwrap_or(false);
    if by == By::Auto {
        by = By::Rank;
    }
    if limit != -1 && by == By::Rank {
        return Err(CommandError::ZLimitNeedsBy);
    }
    if withscores && by == By::Lex {
        return Err(CommandError::ZWithscoresBylex);
    }
    if rev && by != By::Rank {
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    let range = match by {
        By::Score => RangeBy::Score(ScoreRange::parse(&argv[minidx], &argv[maxidx])?),
        By::Lex => RangeBy::Lex(LexRange::parse(&argv[minidx], &argv[maxidx])?),
        _ => RangeBy::Rank(parse_int(&argv[minidx])?, parse_int(&argv[maxidx])?),
    };
    let now = ctx.now_ms;
    if store {
        let lim = limits(ctx);
        let dst = &argv[1];
        let db = ctx.srv.keyspace.db(ctx.client.db);
        let mut g = db.lock_keys([&dst[..], &key[..]]);
        let mut items: Vec<(Vec<u8>, f64)> = match zset_get(g.shard(key), key, now)? {
            None => Vec::new(),
            Some(z) => {
                let sel = select_range(z, &range, rev, offset, limit);
                if sel.n == 0 {
                    Vec::new()
                } else {
                    z.iter_from(sel.first, sel.rev)
                        .take(sel.n)
                        .map(|(m, s)| (m.to_vec(), s))
                        .collect()
                }
            }
        };
        if !matches!(range, RangeBy::Rank(..)) {
            listpack_zeros(&mut items, lim);
        }
        let (srv, client) = (ctx.srv, &mut *ctx.client);
        store_result(srv, client, g.shard(dst), dst, items, lim, "zrangestore");
        return Ok(());
    }
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(z) = zset_get(&mut shard, key, now)? else {
        r.array(0);
        return Ok(());
    };
    let sel = select_range(z, &range, rev, offset, limit);
    array_len(r, sel.n, withscores);
    if sel.n > 0 {
        for (m, s) in z.iter_from(sel.first, sel.rev).take(sel.n) {
            emit(r, m, s, withscores);
        }
    }
    Ok(())
}

fn zrange(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 1, false, By::Auto, None)
}

fn zrangestore(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 2, true, By::Auto, None)
}

fn zrangebyscore(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 1, false, By::Score, Some(false))
}

fn zrevrangebyscore(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 1, false, By::Score, Some(true))
}

fn zrangebylex(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 1, false, By::Lex, Some(false))
}

fn zrevrangebylex(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 1, false, By::Lex, Some(true))
}

fn zrevrange(ctx: &mut Ctx<'_>) -> CmdResult {
    zrange_generic(ctx, 1, false, By::Rank, Some(true))
}

fn zcount_generic(ctx: &mut Ctx<'_>, by: By) -> CmdResult {
    let (key, a, b) = (&ctx.argv[1], &ctx.argv[2], &ctx.argv[3]);
    let range = if by == By::Lex {
        RangeBy::Lex(LexRange::parse(a, b)?)
    } else {
        RangeBy::Score(ScoreRange::parse(a, b)?)
    };
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let n = match zset_get(&mut shard, key, ctx.now_ms)? {
        None => 0,
        Some(z) => {
            let (lo, hi) = bounds(z, &range, false);
            hi.saturating_sub(lo)
        }
    };
    ctx.client.reply.integer(n as i64);
    Ok(())
}

fn zcount(ctx: &mut Ctx<'_>) -> CmdResult {
    zcount_generic(ctx, By::Score)
}

fn zlexcount(ctx: &mut Ctx<'_>) -> CmdResult {
    zcount_generic(ctx, By::Lex)
}

fn zremrange_generic(ctx: &mut Ctx<'_>, by: By) -> CmdResult {
    let (key, a, b) = (&ctx.argv[1], &ctx.argv[2], &ctx.argv[3]);
    let range = match by {
        By::Lex => RangeBy::Lex(LexRange::parse(a, b)?),
        By::Score => RangeBy::Score(ScoreRange::parse(a, b)?),
        _ => RangeBy::Rank(parse_int(a)?, parse_int(b)?),
    };
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let mut removed = 0;
    if let Some(z) = zset_get_mut(&mut shard, key, ctx.now_ms)? {
        let (lo, hi) = match range {
            RangeBy::Rank(s, e) => match rank_range(z.len(), s, e) {
                Some((s, e)) => (s, e + 1),
                None => (0, 0),
            },
            _ => bounds(z, &range, false),
        };
        removed = z.remove_range(lo, hi);
        let emptied = z.is_empty();
        if emptied {
            shard.remove(key);
        }
        if removed > 0 {
            let event = match by {
                By::Lex => "zremrangebylex",
                By::Score => "zremrangebyscore",
                _ => "zremrangebyrank",
            };
            notify::emit(ctx.srv, ctx.client, class::ZSET, event, key);
        }
        if emptied {
            notify::emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
        }
    }
    ctx.client.reply.integer(removed as i64);
    Ok(())
}

fn zremrangebyrank(ctx: &mut Ctx<'_>) -> CmdResult {
    zremrange_generic(ctx, By::Rank)
}

fn zremrangebyscore(ctx: &mut Ctx<'_>) -> CmdResult {
    zremrange_generic(ctx, By::Score)
}

fn zremrangebylex(ctx: &mut Ctx<'_>) -> CmdResult {
    zremrange_generic(ctx, By::Lex)
}

// ---------------------------------------------------------------------------
// Pops

/// Pops up to `count` members (the lowest, or the highest when `max`) of a
/// non-empty set, writing each as member and score (inside a two-element
/// array when `nested`); the caller has written the header for
/// `count.min(z.len())` members. Returns how many were popped.
pub fn pop_into(
    r: &mut ReplyBuf,
    z: &mut ZSetValue,
    max: bool,
    count: usize,
    nested: bool,
) -> usize {
    let len = z.len();
    let n = count.min(len);
    if n == 0 {
        return 0;
    }
    let first = if max { len - 1 } else { 0 };
    for (m, s) in z.iter_from(first, max).take(n) {
        if nested {
            r.array(2);
        }
        r.bulk(m);
        r.double(s);
    }
    if max {
        z.remove_range(len - n, len);
    } else {
        z.remove_range(0, n);
    }
    n
}

fn zpop_generic(ctx: &mut Ctx<'_>, max: bool) -> CmdResult {
    let argv = ctx.argv;
    if argv.len() > 3 {
        return Err(CommandError::Syntax);
    }
    let count = match argv.get(2) {
        Some(c) => Some(
            parse_i64_strict(c)
                .filter(|&v| v >= 0)
                .ok_or(CommandError::ZMustBePositive)?,
        ),
        None => None,
    };
    let key = &argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(z) = zset_get_mut(&mut shard, key, ctx.now_ms)? else {
        r.array(0);
        return Ok(());
    };
    let c = usize::try_from(count.unwrap_or(1)).unwrap_or(usize::MAX);
    if c == 0 {
        r.array(0);
        return Ok(());
    }
    let n = c.min(z.len());
    let nested = r.resp() == 3 && count.is_some();
    if nested {
        r.array(n);
    } else {
        r.array(n * 2);
    }
    pop_event(ctx.srv, ctx.client, key, max);
    pop_into(&mut ctx.client.reply, z, max, c, nested);
    if z.is_empty() {
        shard.remove(key);
        notify::emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
    }
    Ok(())
}

/// The `zpopmin`/`zpopmax` event. Redis sends it after the reply's
/// headers and before the popped members (a RESP3 subscriber sees the push
/// inside the reply); the caller then sends `del` if the key emptied.
fn pop_event(srv: &ServerState, client: &mut Client, key: &[u8], max: bool) {
    let event = if max { "zpopmax" } else { "zpopmin" };
    notify::emit(srv, client, class::ZSET, event, key);
}

fn zpopmin(ctx: &mut Ctx<'_>) -> CmdResult {
    zpop_generic(ctx, false)
}

fn zpopmax(ctx: &mut Ctx<'_>) -> CmdResult {
    zpop_generic(ctx, true)
}

/// The parsed arguments of ZMPOP / BZMPOP after the timeout.
pub struct MpopArgs {
    /// Index of the first key in argv.
    pub first_key: usize,
    pub numkeys: usize,
    pub max: bool,
    pub count: usize,
}

/// Parses `numkeys key [key ...] MIN|MAX [COUNT count]` starting at
/// `numkeys_idx`, with Redis's errors.
pub fn parse_mpop(argv: &[bytes::Bytes], numkeys_idx: usize) -> Result<MpopArgs, CommandError> {
    let numkeys = parse_i64_strict(&argv[numkeys_idx])
        .filter(|&n| n >= 1)
        .ok_or(CommandError::ZNumkeys)? as u64;
    let where_idx = numkeys_idx as u64 + numkeys + 1;
    if where_idx >= argv.len() as u64 {
        return Err(CommandError::Syntax);
    }
    let where_idx = where_idx as usize;
    let max = if eq_ic(&argv[where_idx], "MAX") {
        true
    } else if eq_ic(&argv[where_idx], "MIN") {
        false
    } else {
        return Err(CommandError::Syntax);
    };
    let mut count: Option<usize> = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if count.is_none() && eq_ic(&argv[j], "COUNT") && more > 0 {
            j += 1;
            let c = parse_i64_strict(&argv[j])
                .filter(|&n| n >= 1)
                .ok_or(CommandError::ZCountPositive)?;
            count = Some(usize::try_from(c).unwrap_or(usize::MAX));
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    Ok(MpopArgs {
        first_key: numkeys_idx + 1,
        numkeys: numkeys as usize,
        max,
        count: count.unwrap_or(1),
    })
}

/// Pops from the first sorted set among `keys` (absent keys are skipped;
/// another type is WRONGTYPE, or skipped too when `skip_other`, as for a
/// blocked client's re-run). With `count`, replies ZMPOP's
/// `[key, [[member, score], ...]]`; without, BZPOPMIN's `[key, member,
/// score]`. Returns Ok(false), replying nothing, when nothing was popped.
pub fn mpop_generic(
    ctx: &mut Ctx<'_>,
    keys: &[bytes::Bytes],
    max: bool,
    count: Option<usize>,
    skip_other: bool,
) -> Result<bool, CommandError> {
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut g = db.lock_keys(keys.iter().map(|k| &k[..]));
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    for k in keys {
        let r = &mut client.reply;
        let shard = g.shard(k);
        let z = match zset_get_mut(shard, k, now) {
            Ok(Some(z)) => z,
            Ok(None) => continue,
            Err(_) if skip_other => continue,
            Err(e) => return Err(e),
        };
        let popped = match count {
            Some(c) => {
                let n = c.min(z.len());
                r.array(2);
                r.bulk(k);
                r.array(n);
                pop_event(srv, client, k, max);
                pop_into(&mut client.reply, z, max, c, true);
                Some(n)
            }
            None => {
                r.array(3);
                r.bulk(k);
                pop_event(srv, client, k, max);
                pop_into(&mut client.reply, z, max, 1, false);
                None
            }
        };
        // Propagated as the pop it did: ZPOPMIN key (BZPOPMIN), ZPOPMIN key n
        // (ZMPOP, BZMPOP).
        crate::propagate::rewrite(srv, client, || {
            let name: &'static [u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
            let mut v = vec![bytes::Bytes::from_static(name), k.clone()];
            v.extend(popped.map(crate::propagate::count_arg));
            v
        });
        if z.is_empty() {
            shard.remove(k);
            notify::emit(srv, client, class::GENERIC, "del", k);
        }
        return Ok(true);
    }
    Ok(false)
}

fn zmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let a = parse_mpop(argv, 1)?;
    let keys = &argv[a.first_key..a.first_key + a.numkeys];
    if !mpop_generic(ctx, keys, a.max, Some(a.count), false)? {
        ctx.client.reply.null_array();
    }
    Ok(())
}

/// BZPOPMIN/BZPOPMAX key [key ...] timeout: serves at once if a key holds
/// members, else blocks (see `crate::blocking`).
fn bzpop_generic(ctx: &mut Ctx<'_>, max: bool) -> CmdResult {
    let argv = ctx.argv;
    let timeout = parse_timeout(&argv[argv.len() - 1])?;
    let keys = &argv[1..argv.len() - 1];
    let rerun = ctx.is_blocked_rerun();
    if !mpop_generic(ctx, keys, max, None, rerun)? {
        ctx.block(keys, timeout, TimeoutReply::NullArray);
    }
    Ok(())
}

fn bzpopmin(ctx: &mut Ctx<'_>) -> CmdResult {
    bzpop_generic(ctx, false)
}

fn bzpopmax(ctx: &mut Ctx<'_>) -> CmdResult {
    bzpop_generic(ctx, true)
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. The timeout
/// is checked after the other arguments, as Redis does.
fn bzmpop(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let a = parse_mpop(argv, 2)?;
    let timeout = parse_timeout(&argv[1])?;
    let keys = &argv[a.first_key..a.first_key + a.numkeys];
    let rerun = ctx.is_blocked_rerun();
    if !mpop_generic(ctx, keys, a.max, Some(a.count), rerun)? {
        ctx.block(keys, timeout, TimeoutReply::NullArray);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER

fn zrandmember(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    if argv.len() == 2 {
        let mut shard = db.lock(key);
        let r = &mut ctx.client.reply;
        match zset_get(&mut shard, key, now)?.and_then(|z| z.random(&mut rand::thread_rng())) {
            Some((m, _)) => r.bulk(m),
            None => r.null(),
        }
        return Ok(());
    }
    let l = parse_int(&argv[2])?;
    if l == i64::MIN {
        return Err(CommandError::ZRandCountRange);
    }
    if argv.len() > 4 || (argv.len() == 4 && !eq_ic(&argv[3], "withscores")) {
        return Err(CommandError::Syntax);
    }
    let withscores = argv.len() == 4;
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(CommandError::ZRandOutOfRange);
    }
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(z) = zset_get(&mut shard, key, now)? else {
        r.array(0);
        return Ok(());
    };
    let size = z.len();
    let count = l.unsigned_abs() as usize;
    let uniq = l >= 0;
    let mut rng = rand::thread_rng();
    if count == 0 {
        r.array(0);
        return Ok(());
    }
    if !uniq || count == 1 {
        // Independent draws, repetitions allowed. Nothing is allocated up
        // front for the count: members are drawn as they are written.
        array_len(r, count, withscores);
        let small: Vec<(&[u8], f64)> = if z.scan_is_single() {
            z.iter().collect()
        } else {
            Vec::new()
        };
        for _ in 0..count {
            let i = rng.gen_range(0..size);
            let pick = if small.is_empty() {
                z.nth_unordered(i)
            } else {
                small.get(i).copied()
            };
            if let Some((m, s)) = pick {
                emit(r, m, s, withscores);
            }
        }
        return Ok(());
    }
    if count >= size {
        // The whole set, walked from the highest score down as Redis does.
        array_len(r, size, withscores);
        for (m, s) in z.iter_from(size - 1, true) {
            emit(r, m, s, withscores);
        }
        return Ok(());
    }
    // Distinct members, in no particular order.
    array_len(r, count, withscores);
    let small: Vec<(&[u8], f64)> = if z.scan_is_single() {
        z.iter().collect()
    } else {
        Vec::new()
    };
    for i in rand::seq::index::sample(&mut rng, size, count) {
        let pick = if small.is_empty() {
            z.nth_unordered(i)
        } else {
            small.get(i).copied()
        };
        if let Some((m, s)) = pick {
            emit(r, m, s, withscores);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// ZSCAN

/// A score as the listpack holds it: an integer when it is one that fits
/// (Redis's `double2ll`), otherwise `%.17g`.
fn listpack_score_text(s: f64, buf: &mut [u8; DOUBLE_BUF_LEN]) -> &[u8] {
    const HALF: f64 = (i64::MAX / 2) as f64;
    if (-HALF..=HALF).contains(&s) && s == s.trunc() {
        let v = s as i64;
        let text = v.to_string();
        let n = text.len().min(DOUBLE_BUF_LEN);
        buf[..n].copy_from_slice(&text.as_bytes()[..n]);
        return &buf[..n];
    }
    fmt_double(s, buf)
}

fn zscan(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let cursor = parse_scan_cursor(&argv[2])?;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let r = &mut ctx.client.reply;
    let Some(z) = zset_get(&mut shard, key, ctx.now_ms)? else {
        crate::keyspace::reply_empty_scan(r);
        return Ok(());
    };
    let o = parse_scan_options(argv, 2, false)?;
    let mut out = Vec::new();
    let next = z.scan(cursor, o.count, &mut out);
    if let Some(p) = o.pattern {
        out.retain(|(m, _)| glob_match(p, m, false));
    }
    let lp = z.scan_is_single();
    r.array(2);
    r.bulk(next.to_string().as_bytes());
    r.array(out.len() * 2);
    let mut buf = [0u8; DOUBLE_BUF_LEN];
    for (m, s) in out {
        r.bulk(m);
        if lp {
            r.bulk(listpack_score_text(s, &mut buf));
        } else {
            r.bulk(fmt_double(s, &mut buf));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF (+STORE), ZINTERCARD

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

fn aggregate(target: &mut f64, val: f64, a: Aggregate) {
    match a {
        Aggregate::Sum => {
            *target += val;
            // inf + -inf: Redis settles on 0.
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// Calls `f` for every member of a sorted set or set (sets score 1).
fn for_each_member(v: &Value, mut f: impl FnMut(&[u8], f64)) {
    match v {
        Value::ZSet(z) => {
            for (m, s) in z.iter() {
                f(m, s);
            }
        }
        Value::Set(s) => {
            for m in s.iter() {
                m.with_bytes(|b| f(b, 1.0));
            }
        }
        _ => {}
    }
}

fn score_in(v: &Value, m: &[u8]) -> Option<f64> {
    match v {
        Value::ZSet(z) => z.score(m),
        Value::Set(s) => s.contains(m).then_some(1.0),
        _ => None,
    }
}

/// `dst_idx`: the destination's argv index for the STORE forms.
fn zsetop_generic(
    ctx: &mut Ctx<'_>,
    name: &'static str,
    dst_idx: Option<usize>,
    numkeys_idx: usize,
    op: SetOp,
    card_only: bool,
) -> CmdResult {
    let argv = ctx.argv;
    let setnum = parse_int(&argv[numkeys_idx])?;
    if setnum < 1 {
        return Err(CommandError::ZNeedsKey(name));
    }
    if setnum as u64 > (argv.len() - numkeys_idx - 1) as u64 {
        return Err(CommandError::Syntax);
    }
    let setnum = setnum as usize;
    let keys = &argv[numkeys_idx + 1..numkeys_idx + 1 + setnum];
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let dst = dst_idx.map(|i| &argv[i]);
    let mut g = db.lock_keys(keys.iter().chain(dst).map(|k| &k[..]));
    // Types first, in key order, as Redis checks them before the options.
    let mut lens = Vec::with_capacity(setnum);
    for k in keys {
        lens.push(match g.shard(k).get(k, now) {
            None => 0,
            Some(e) => match &e.value {
                Value::ZSet(z) => z.len(),
                Value::Set(s) => s.len(),
                _ => return Err(CommandError::WrongType),
            },
        });
    }
    let mut weights = vec![1.0f64; setnum];
    let mut aggr = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = numkeys_idx + 1 + setnum;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let a = &argv[j];
        if op != SetOp::Diff && !card_only && remaining > setnum && eq_ic(a, "weights") {
            j += 1;
            for w in weights.iter_mut() {
                *w = parse_double(&argv[j]).ok_or(CommandError::ZWeightNotFloat)?;
                j += 1;
            }
        } else if op != SetOp::Diff && !card_only && remaining >= 2 && eq_ic(a, "aggregate") {
            let v = &argv[j + 1];
            aggr = if eq_ic(v, "sum") {
                Aggregate::Sum
            } else if eq_ic(v, "min") {
                Aggregate::Min
            } else if eq_ic(v, "max") {
                Aggregate::Max
            } else {
                return Err(CommandError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !card_only && eq_ic(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && eq_ic(a, "limit") {
            let l = parse_i64_strict(&argv[j + 1])
                .filter(|&v| v >= 0)
                .ok_or(CommandError::ZLimitNegative)?;
            limit = usize::try_from(l).unwrap_or(usize::MAX);
            j += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }

    // Inputs from the smallest to the largest (a stable order, so equal
    // sizes keep their argument order) for union and intersection.
    let mut order: Vec<usize> = (0..setnum).collect();
    if op != SetOp::Diff {
        order.sort_by_key(|&i| lens[i]);
    }
    let mut items: Vec<(Vec<u8>, f64)> = Vec::new();
    match op {
        SetOp::Inter => {
            let first = order[0];
            if lens[first] > 0 {
                let k = &keys[first];
                if let Some(e) = g.shard(k).get(k, now) {
                    let w = weights[first];
                    for_each_member(&e.value, |m, s| {
                        let mut v = w * s;
                        if v.is_nan() {
                            v = 0.0;
                        }
                        items.push((m.to_vec(), v));
                    });
                }
                for &i in &order[1..] {
                    let k = &keys[i];
                    let w = weights[i];
                    let Some(e) = g.shard(k).get(k, now) else {
                        items.clear();
                        break;
                    };
                    items.retain_mut(|(m, sc)| match score_in(&e.value, m) {
                        Some(v) => {
                            aggregate(sc, v * w, aggr);
                            true
                        }
                        None => false,
                    });
                }
            }
        }
        SetOp::Union => {
            let mut acc: HashMap<Vec<u8>, f64> = HashMap::new();
            let mut seq: Vec<Vec<u8>> = Vec::new();
            for &i in &order {
                let k = &keys[i];
                let w = weights[i];
                if let Some(e) = g.shard(k).get(k, now) {
                    for_each_member(&e.value, |m, s| {
                        let mut v = w * s;
                        if v.is_nan() {
                            v = 0.0;
                        }
                        match acc.get_mut(m) {
                            Some(t) => aggregate(t, v, aggr),
                            None => {
                                acc.insert(m.to_vec(), v);
                                seq.push(m.to_vec());
                            }
                        }
                    });
                }
            }
            items = seq
                .into_iter()
                .map(|m| {
                    let s = acc.get(&m).copied().unwrap_or(0.0);
                    (m, s)
                })
                .collect();
        }
        SetOp::Diff => {
            let k = &keys[0];
            if let Some(e) = g.shard(k).get(k, now) {
                for_each_member(&e.value, |m, s| items.push((m.to_vec(), s)));
            }
            for k in &keys[1..] {
                if items.is_empty() {
                    break;
                }
                if let Some(e) = g.shard(k).get(k, now) {
                    items.retain(|(m, _)| score_in(&e.value, m).is_none());
                }
            }
        }
    }
    let r = &mut ctx.client.reply;
    if card_only {
        let n = if limit > 0 {
            items.len().min(limit)
        } else {
            items.len()
        };
        r.integer(n as i64);
        return Ok(());
    }
    if let Some(dst) = dst {
        let (srv, client) = (ctx.srv, &mut *ctx.client);
        store_result(srv, client, g.shard(dst), dst, items, lim, name);
        return Ok(());
    }
    items.sort_by(|a, b| ferrodis_engine::zset::cmp_key(a.1, &a.0, b.1, &b.0));
    array_len(r, items.len(), withscores);
    for (m, s) in &items {
        emit(r, m, *s, withscores);
    }
    Ok(())
}

fn zunion(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zunion", None, 1, SetOp::Union, false)
}

fn zinter(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zinter", None, 1, SetOp::Inter, false)
}

fn zdiff(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zdiff", None, 1, SetOp::Diff, false)
}

fn zunionstore(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zunionstore", Some(1), 2, SetOp::Union, false)
}

fn zinterstore(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zinterstore", Some(1), 2, SetOp::Inter, false)
}

fn zdiffstore(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zdiffstore", Some(1), 2, SetOp::Diff, false)
}

fn zintercard(ctx: &mut Ctx<'_>) -> CmdResult {
    zsetop_generic(ctx, "zintercard", None, 1, SetOp::Inter, true)
}

// ---------------------------------------------------------------------------
// The table rows

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "zadd",
        handler: Some(zadd),
        arity: -4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Adds members with scores to a sorted set, or updates the scores of existing ones; creates the key if needed.",
        complexity: "O(log(N)) per member added, N being the size of the set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "condition", kind: ArgKind::Oneof, since: Some("3.0.2"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nx", kind: ArgKind::PureToken, token: Some("NX"), ..Arg::BASE },
                    Arg { name: "xx", kind: ArgKind::PureToken, token: Some("XX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "comparison", kind: ArgKind::Oneof, since: Some("6.2.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "gt", kind: ArgKind::PureToken, token: Some("GT"), ..Arg::BASE },
                    Arg { name: "lt", kind: ArgKind::PureToken, token: Some("LT"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "change", kind: ArgKind::PureToken, token: Some("CH"), since: Some("3.0.2"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "increment", kind: ArgKind::PureToken, token: Some("INCR"), since: Some("3.0.2"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "score_member", kind: ArgKind::Block, flags: ARG_MULTIPLE, args: &[
                    Arg { name: "score", kind: ArgKind::Double, ..Arg::BASE },
                    Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zincrby",
        handler: Some(zincrby),
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Increments the score of a sorted-set member, adding the member when it is absent.",
        complexity: "O(log(N)), N being the size of the set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "increment", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zscore",
        handler: Some(zscore),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Returns the score of a sorted-set member.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zmscore",
        handler: Some(zmscore),
        arity: -3,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Returns the scores of several sorted-set members.",
        complexity: "O(N) for N members asked for.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zcard",
        handler: Some(zcard),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Returns the number of members in a sorted set.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zcount",
        handler: Some(zcount),
        arity: 4,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Counts the sorted-set members whose score falls in a range.",
        complexity: "O(log(N)), N being the size of the set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::Double, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zlexcount",
        handler: Some(zlexcount),
        arity: 4,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Counts the sorted-set members inside a lexicographical range.",
        complexity: "O(log(N)), N being the size of the set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrange",
        handler: Some(zrange),
        arity: -4,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Returns sorted-set members in a range of ranks, scores or lexicographical values.",
        complexity: "O(log(N)+M): N members in the set, M returned.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "start", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "stop", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "sortby", kind: ArgKind::Oneof, since: Some("6.2.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "byscore", kind: ArgKind::PureToken, token: Some("BYSCORE"), ..Arg::BASE },
                    Arg { name: "bylex", kind: ArgKind::PureToken, token: Some("BYLEX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "rev", kind: ArgKind::PureToken, token: Some("REV"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), since: Some("6.2.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrangestore",
        handler: Some(zrangestore),
        arity: -5,
        flags: WRITE | DENYOOM,
        acl: CAT_SORTEDSET,
        key_range: (1, 2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(2), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Stores a range of sorted-set members (by rank, score or lex value) under another key.",
        complexity: "O(log(N)+M): N members in the source, M stored.",
        args: &[
            Arg { name: "dst", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "src", kind: ArgKind::Key, key_spec_index: 1, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "sortby", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "byscore", kind: ArgKind::PureToken, token: Some("BYSCORE"), ..Arg::BASE },
                    Arg { name: "bylex", kind: ArgKind::PureToken, token: Some("BYLEX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "rev", kind: ArgKind::PureToken, token: Some("REV"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrangebyscore",
        handler: Some(zrangebyscore),
        arity: -4,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.0.5",
        summary: "Returns the sorted-set members whose score falls in a range, lowest first.",
        complexity: "O(log(N)+M): N members in the set, M returned.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), since: Some("2.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrevrangebyscore",
        handler: Some(zrevrangebyscore),
        arity: -4,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.2.0",
        summary: "Returns the sorted-set members whose score falls in a range, highest first.",
        complexity: "O(log(N)+M): N members in the set, M returned.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrangebylex",
        handler: Some(zrangebylex),
        arity: -4,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Returns the sorted-set members inside a lexicographical range.",
        complexity: "O(log(N)+M): N members in the set, M returned.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrevrangebylex",
        handler: Some(zrevrangebylex),
        arity: -4,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Returns the sorted-set members inside a lexicographical range, in reverse order.",
        complexity: "O(log(N)+M): N members in the set, M returned.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrevrange",
        handler: Some(zrevrange),
        arity: -4,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Returns sorted-set members in a range of ranks, highest score first.",
        complexity: "O(log(N)+M): N members in the set, M returned.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "start", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "stop", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrank",
        handler: Some(zrank),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Returns the 0-based position of a member in ascending score order.",
        complexity: "O(log(N))",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrevrank",
        handler: Some(zrevrank),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Returns the 0-based position of a member in descending score order.",
        complexity: "O(log(N))",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrem",
        handler: Some(zrem),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Removes members from a sorted set; the key goes away when it empties.",
        complexity: "O(M*log(N)): N members in the set, M removed.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zremrangebyrank",
        handler: Some(zremrangebyrank),
        arity: 4,
        flags: WRITE,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Removes the sorted-set members in a range of ranks.",
        complexity: "O(log(N)+M): N members in the set, M removed.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "start", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "stop", kind: ArgKind::Integer, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zremrangebyscore",
        handler: Some(zremrangebyscore),
        arity: 4,
        flags: WRITE,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Removes the sorted-set members whose score falls in a range.",
        complexity: "O(log(N)+M): N members in the set, M removed.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::Double, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zremrangebylex",
        handler: Some(zremrangebylex),
        arity: 4,
        flags: WRITE,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Removes the sorted-set members inside a lexicographical range.",
        complexity: "O(log(N)+M): N members in the set, M removed.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "min", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "max", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zpopmin",
        handler: Some(zpopmin),
        arity: -2,
        flags: WRITE | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "5.0.0",
        summary: "Removes and returns the lowest-scoring members of a sorted set.",
        complexity: "O(log(N)*M): N members in the set, M popped.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zpopmax",
        handler: Some(zpopmax),
        arity: -2,
        flags: WRITE | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "5.0.0",
        summary: "Removes and returns the highest-scoring members of a sorted set.",
        complexity: "O(log(N)*M): N members in the set, M popped.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zmpop",
        handler: Some(zmpop),
        arity: -4,
        flags: WRITE | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "7.0.0",
        summary: "Removes and returns the lowest- or highest-scoring members of the first non-empty sorted set among the keys.",
        complexity: "O(K)+O(M*log(N)): K keys given, N members in the set, M popped.",
        args: &[
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "where", kind: ArgKind::Oneof, args: &[
                    Arg { name: "min", kind: ArgKind::PureToken, token: Some("MIN"), ..Arg::BASE },
                    Arg { name: "max", kind: ArgKind::PureToken, token: Some("MAX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zrandmember",
        handler: Some(zrandmember),
        arity: -2,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Returns random members of a sorted set, optionally with repetitions.",
        complexity: "O(N) for N members returned.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "options", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zunion",
        handler: Some(zunion),
        arity: -3,
        flags: READONLY | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Returns the union of sorted sets (plain sets count with score 1).",
        complexity: "O(N)+O(M*log(M)): N members in all inputs, M in the result.",
        args: &[
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "weight", kind: ArgKind::Integer, token: Some("WEIGHTS"), flags: ARG_OPTIONAL | ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "aggregate", kind: ArgKind::Oneof, token: Some("AGGREGATE"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "sum", kind: ArgKind::PureToken, token: Some("SUM"), ..Arg::BASE },
                    Arg { name: "min", kind: ArgKind::PureToken, token: Some("MIN"), ..Arg::BASE },
                    Arg { name: "max", kind: ArgKind::PureToken, token: Some("MAX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zinter",
        handler: Some(zinter),
        arity: -3,
        flags: READONLY | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Returns the intersection of sorted sets (plain sets count with score 1).",
        complexity: "O(N*K)+O(M*log(M)) worst case: N members in the smallest input, K inputs, M in the result.",
        args: &[
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "weight", kind: ArgKind::Integer, token: Some("WEIGHTS"), flags: ARG_OPTIONAL | ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "aggregate", kind: ArgKind::Oneof, token: Some("AGGREGATE"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "sum", kind: ArgKind::PureToken, token: Some("SUM"), ..Arg::BASE },
                    Arg { name: "min", kind: ArgKind::PureToken, token: Some("MIN"), ..Arg::BASE },
                    Arg { name: "max", kind: ArgKind::PureToken, token: Some("MAX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zdiff",
        handler: Some(zdiff),
        arity: -3,
        flags: READONLY | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Returns the members of the first sorted set that none of the others holds.",
        complexity: "O(L+(N-K)*log(N)) worst case: L members in all inputs, N in the first, K in the result.",
        args: &[
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "withscores", kind: ArgKind::PureToken, token: Some("WITHSCORES"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zunionstore",
        handler: Some(zunionstore),
        arity: -4,
        flags: WRITE | DENYOOM | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(2), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Stores the union of sorted sets under a key.",
        complexity: "O(N)+O(M*log(M)): N members in all inputs, M in the result.",
        args: &[
            Arg { name: "destination", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 1, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "weight", kind: ArgKind::Integer, token: Some("WEIGHTS"), flags: ARG_OPTIONAL | ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "aggregate", kind: ArgKind::Oneof, token: Some("AGGREGATE"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "sum", kind: ArgKind::PureToken, token: Some("SUM"), ..Arg::BASE },
                    Arg { name: "min", kind: ArgKind::PureToken, token: Some("MIN"), ..Arg::BASE },
                    Arg { name: "max", kind: ArgKind::PureToken, token: Some("MAX"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zinterstore",
        handler: Some(zinterstore),
        arity: -4,
        flags: WRITE | DENYOOM | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(2), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Stores the intersection of sorted sets under a key.",
        complexity: "O(N*K)+O(M*log(M)) worst case: N members in the smallest input, K inputs, M in the result.",
        args: &[
            Arg { name: "destination", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 1, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "weight", kind: ArgKind::Integer, token: Some("WEIGHTS"), flags: ARG_OPTIONAL | ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "aggregate", kind: ArgKind::Oneof, token: Some("AGGREGATE"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "sum", kind: ArgKind::PureToken, token: Some("SUM"), ..Arg::BASE },
                    Arg { name: "min", kind: ArgKind::PureToken, token: Some("MIN"), ..Arg::BASE },
                    Arg { name: "max", kind: ArgKind::PureToken, token: Some("MAX"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zdiffstore",
        handler: Some(zdiffstore),
        arity: -4,
        flags: WRITE | DENYOOM | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(2), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Stores the difference of the first sorted set and the others under a key.",
        complexity: "O(L+(N-K)*log(N)) worst case: L members in all inputs, N in the first, K in the result.",
        args: &[
            Arg { name: "destination", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 1, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zintercard",
        handler: Some(zintercard),
        arity: -3,
        flags: READONLY | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "7.0.0",
        summary: "Counts the members of the intersection of sorted sets.",
        complexity: "O(N*K) worst case: N members in the smallest input, K inputs.",
        args: &[
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "limit", kind: ArgKind::Integer, token: Some("LIMIT"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "zscan",
        handler: Some(zscan),
        arity: -3,
        flags: READONLY,
        acl: CAT_SORTEDSET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "sorted-set",
        since: "2.8.0",
        summary: "Walks the members and scores of a sorted set with a cursor.",
        complexity: "O(1) per call; O(N) for a whole walk over N members.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "cursor", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "pattern", kind: ArgKind::Pattern, token: Some("MATCH"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bzpopmin",
        handler: Some(bzpopmin),
        arity: -3,
        flags: WRITE | NOSCRIPT | BLOCKING | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, -2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Range { last: -2, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "5.0.0",
        summary: "Pops the lowest-scoring member of the first non-empty sorted set, waiting for one if all are empty.",
        complexity: "O(log(N)), N being the size of the set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "timeout", kind: ArgKind::Double, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bzpopmax",
        handler: Some(bzpopmax),
        arity: -3,
        flags: WRITE | NOSCRIPT | BLOCKING | FAST,
        acl: CAT_SORTEDSET,
        key_range: (1, -2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(1), find: Find::Range { last: -2, step: 1, limit: 0 } }],
        group: "sorted-set",
        since: "5.0.0",
        summary: "Pops the highest-scoring member of the first non-empty sorted set, waiting for one if all are empty.",
        complexity: "O(log(N)), N being the size of the set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "timeout", kind: ArgKind::Double, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bzmpop",
        handler: Some(bzmpop),
        arity: -5,
        flags: WRITE | BLOCKING | MOVABLEKEYS,
        acl: CAT_SORTEDSET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "access", "delete"], begin: Begin::Index(2), find: Find::Keynum { keynum_idx: 0, first: 1, step: 1 } }],
        group: "sorted-set",
        since: "7.0.0",
        summary: "ZMPOP that waits until one of the sorted sets has members or the timeout passes.",
        complexity: "O(K)+O(M*log(N)): K keys given, N members in the set, M popped.",
        args: &[
            Arg { name: "timeout", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "numkeys", kind: ArgKind::Integer, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "where", kind: ArgKind::Oneof, args: &[
                    Arg { name: "min", kind: ArgKind::PureToken, token: Some("MIN"), ..Arg::BASE },
                    Arg { name: "max", kind: ArgKind::PureToken, token: Some("MAX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
];
