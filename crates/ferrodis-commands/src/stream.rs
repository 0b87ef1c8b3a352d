//! Stream commands (Redis's "stream" group): XADD, XRANGE, XREAD, consumer
//! groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM), XINFO,
//! XSETID. The value itself (packed nodes, groups, PELs) lives in
//! `ferrodis_engine::stream`.
//!
//! Propagation: XADD is emitted with the id it generated and exact
//! trimming (`MAXLEN = n`); XREADGROUP, XCLAIM and XAUTOCLAIM are emitted as
//! the XCLAIM ... FORCE JUSTID / XGROUP SETID / XGROUP CREATECONSUMER
//! commands that reproduce their effect, as Redis does.

use std::time::Duration;

use bytes::Bytes;
use ferrodis_engine::stream::{
    Fields, Group, NodeLimits, StreamId, StreamValue, Trim, ENTRIES_READ_INVALID,
};
use ferrodis_engine::{Entry, Shard, Value};
use ferrodis_protocol::ReplyBuf;

use crate::args::{eq_ic, parse_int};
use crate::blocking::TimeoutReply;
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError, Lossy};
use crate::notify::{class, emit};
use crate::spec::*;

/// "ms-seq" formatted on the stack.
fn fmt_id(id: StreamId, buf: &mut [u8; 41]) -> &[u8] {
    // Every XADD reply and read entry formats ids: the stack itoa, not
    // `write!`.
    use ferrodis_protocol::num::{fmt_u64, INT_BUF_LEN};
    let mut num = [0u8; INT_BUF_LEN];
    let ms = fmt_u64(id.ms, &mut num);
    let n = ms.len();
    buf[..n].copy_from_slice(ms);
    buf[n] = b'-';
    let seq = fmt_u64(id.seq, &mut num);
    buf[n + 1..n + 1 + seq.len()].copy_from_slice(seq);
    &buf[..n + 1 + seq.len()]
}

fn reply_id(r: &mut ReplyBuf, id: StreamId) {
    let mut b = [0u8; 41];
    r.bulk(fmt_id(id, &mut b));
}

fn id_arg(id: StreamId) -> Bytes {
    let mut b = [0u8; 41];
    Bytes::copy_from_slice(fmt_id(id, &mut b))
}

/// One entry: [id, [field, value, ...]].
fn reply_entry(r: &mut ReplyBuf, id: StreamId, f: Fields<'_>) {
    r.array(2);
    reply_id(r, id);
    r.array(f.len() * 2);
    for (k, v) in f.iter() {
        r.bulk(k);
        r.bulk(v);
    }
}

/// A strict id: "ms-seq" or "ms" (sequence `missing_seq`); "-"/"+" only
/// when `extremes`.
fn parse_id_with(arg: &[u8], missing_seq: u64, extremes: bool) -> Result<StreamId, CommandError> {
    if !extremes && (arg == b"-" || arg == b"+") {
        return Err(CommandError::StreamInvalidId);
    }
    StreamId::parse(arg, missing_seq).ok_or(CommandError::StreamInvalidId)
}

/// A complete or incomplete id where Redis takes a strict one.
fn parse_id(arg: &[u8]) -> Result<StreamId, CommandError> {
    parse_id_with(arg, 0, false)
}

/// A range bound of XRANGE/XREVRANGE/XPENDING: `-`, `+`, incomplete ids,
/// and (exclusive) `(id`.
fn parse_bound(arg: &[u8], is_start: bool) -> Result<StreamId, CommandError> {
    let missing = if is_start { 0 } else { u64::MAX };
    if arg.len() > 1 && arg[0] == b'(' {
        let id = parse_id_with(&arg[1..], missing, false)?;
        return if is_start {
            id.incr().ok_or(CommandError::StreamInvalidStart)
        } else {
            id.decr().ok_or(CommandError::StreamInvalidEnd)
        };
    }
    parse_id_with(arg, missing, true)
}

fn lookup_stream<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s StreamValue>, CommandError> {
    crate::typed::lookup(shard, key, now, Value::as_stream)
}

fn lookup_stream_mut<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s mut StreamValue>, CommandError> {
    crate::typed::lookup_mut(shard, key, now, Value::as_stream_mut)
}

fn nogroup(key: &[u8], group: &[u8]) -> CommandError {
    CommandError::StreamNoKeyOrGroup(Lossy::new(key, 1024), Lossy::new(group, 1024))
}

/// Records commands to propagate instead of the one that ran (only when
/// someone consumes the stream of changes).
fn propagate_as(ctx: &mut Ctx<'_>, cmds: Vec<Vec<Bytes>>) {
    if ctx.srv.propagator.is_active() {
        ctx.client.propagate = Some(cmds);
    }
}

fn b(s: &'static str) -> Bytes {
    Bytes::from_static(s.as_bytes())
}

// ---------------------------------------------------------------- XADD / XTRIM

/// Parsed trimming options (shared by XADD and XTRIM).
#[derive(Default)]
struct TrimArgs {
    how: Option<Trim>,
    approx: bool,
    limit: Option<i64>,
    nomkstream: bool,
    /// XADD: the id argument's position; None for `*`.
    id_pos: usize,
    id: Option<(StreamId, bool)>,
}

fn parse_trim_args(argv: &[Bytes], xadd: bool) -> Result<TrimArgs, CommandError> {
    let mut t = TrimArgs::default();
    let mut i = 2;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let a = &argv[i][..];
        if xadd && a == b"*" {
            t.id_pos = i;
            break;
        }
        let maxlen = eq_ic(a, "MAXLEN");
        if (maxlen || eq_ic(a, "MINID")) && more > 0 {
            if t.how.is_some() {
                return Err(CommandError::StreamMaxlenAndMinid);
            }
            if more >= 2 && &argv[i + 1][..] == b"~" {
                t.approx = true;
                i += 1;
            } else if more >= 2 && &argv[i + 1][..] == b"=" {
                i += 1;
            }
            i += 1;
            t.how = Some(if maxlen {
                let n = parse_int(&argv[i])?;
                if n < 0 {
                    return Err(CommandError::StreamMaxlenNegative);
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(parse_id(&argv[i])?)
            });
        } else if eq_ic(a, "LIMIT") && more > 0 {
            i += 1;
            let n = parse_int(&argv[i])?;
            if n < 0 {
                return Err(CommandError::StreamLimitNegative);
            }
            t.limit = Some(n);
        } else if xadd && eq_ic(a, "NOMKSTREAM") {
            t.nomkstream = true;
        } else if xadd {
            t.id_pos = i;
            t.id = Some(parse_xadd_id(a)?);
            break;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    if t.limit.is_some() && t.how.is_none() {
        return Err(CommandError::StreamLimitWithoutStrategy);
    }
    if !xadd && t.how.is_none() {
        return Err(CommandError::StreamXtrimNoStrategy);
    }
    if t.limit.is_some() && !t.approx {
        return Err(CommandError::StreamLimitWithoutApprox);
    }
    Ok(t)
}

/// XADD's explicit id: "ms-seq", "ms" or "ms-*" (seq given: false).
fn parse_xadd_id(a: &[u8]) -> Result<(StreamId, bool), CommandError> {
    if let Some(ms) = a.strip_suffix(b"-*") {
        let id = parse_id_with(ms, 0, false)?;
        if ms.contains(&b'-') {
            return Err(CommandError::StreamInvalidId);
        }
        return Ok((id, false));
    }
    Ok((parse_id(a)?, true))
}

/// stream-node-max-bytes / -entries from the live config.
fn node_limits(ctx: &Ctx<'_>) -> NodeLimits {
    let c = ctx.srv.config.read();
    NodeLimits {
        max_bytes: usize::try_from(c.stream_node_max_bytes).unwrap_or(usize::MAX),
        max_entries: usize::try_from(c.stream_node_max_entries).unwrap_or(usize::MAX),
    }
}

/// The approximate-trim entry budget Redis uses when LIMIT is not given:
/// 100 times stream-node-max-entries, or 10,000 without a node limit.
fn trim_limit(ctx: &Ctx<'_>, t: &TrimArgs) -> u64 {
    if !t.approx {
        return 0;
    }
    match t.limit {
        Some(n) => n as u64,
        None => match node_limits(ctx).max_entries {
            0 => 10_000,
            n => 100u64.saturating_mul(n as u64),
        },
    }
}

/// The trimming arguments as propagated: always exact, with the threshold
/// the trim actually reached, so replicas end up with the same entries.
fn exact_trim_args(s: &StreamValue, how: Trim) -> [Bytes; 3] {
    match how {
        Trim::MaxLen(_) => [b("MAXLEN"), b("="), Bytes::from(s.len().to_string())],
        Trim::MinId(_) => [
            b("MINID"),
            b("="),
            id_arg(s.first_entry().unwrap_or(s.last_id)),
        ],
    }
}

/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
fn xadd(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let t = parse_trim_args(argv, true)?;
    let field_pos = t.id_pos + 1;
    if t.id_pos == 0 || argv.len() < field_pos + 2 || !(argv.len() - field_pos).is_multiple_of(2) {
        return Err(CommandError::WrongArity("xadd".into()));
    }
    if let Some((id, true)) = t.id {
        if id.is_zero() {
            return Err(CommandError::StreamIdZero);
        }
    }
    let lim = node_limits(ctx);
    let budget = trim_limit(ctx, &t);
    let key = &argv[1];
    let now = ctx.now_ms;
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let exists = lookup_stream(&mut shard, key, now)?.is_some();
    if !exists {
        if t.nomkstream {
            drop(shard);
            ctx.reply().null();
            return Ok(());
        }
        shard.insert(key, Entry::new(Value::Stream(Box::default())));
    }
    let Some(s) = lookup_stream_mut(&mut shard, key, now)? else {
        return Err(CommandError::WrongType);
    };
    if s.last_id == StreamId::MAX {
        return Err(CommandError::StreamExhausted);
    }
    let id = match t.id {
        None => s.next_id(None, now),
        Some((id, true)) => (id > s.last_id).then_some(id),
        Some((id, false)) => s.next_id(Some(id.ms), now),
    };
    let Some(id) = id else {
        // `<ms>-*` after `<ms>-<max seq>` overflows the sequence: Redis
        // reports that one as a size error.
        let overflow = matches!(t.id, Some((i, false)) if i.ms == s.last_id.ms);
        if !exists {
            shard.remove(key);
        }
        return Err(if overflow {
            CommandError::StreamElementsTooLarge
        } else {
            CommandError::StreamIdTooSmall
        });
    };
    let pairs: Vec<(&[u8], &[u8])> = argv[field_pos..]
        .chunks_exact(2)
        .map(|p| (&p[0][..], &p[1][..]))
        .collect();
    s.append(id, &pairs, lim);
    let mut trimmed = 0;
    let mut prop_trim = None;
    if let Some(how) = t.how {
        trimmed = s.trim(how, t.approx, budget);
        if t.approx {
            prop_trim = Some(exact_trim_args(s, how));
        }
    }
    drop(shard);
    reply_id(&mut ctx.client.reply, id);
    if !exists {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    emit(ctx.srv, ctx.client, class::STREAM, "xadd", key);
    ctx.srv
        .blocking
        .signal_all(ctx.client.db, key, &ctx.srv.clients);
    if trimmed > 0 {
        emit(ctx.srv, ctx.client, class::STREAM, "xtrim", key);
    }
    if ctx.srv.propagator.is_active()
        && (t.id.is_none_or(|(_, seq_given)| !seq_given) || prop_trim.is_some())
    {
        let mut v = argv.to_vec();
        v[t.id_pos] = id_arg(id);
        if let Some(tr) = prop_trim {
            rewrite_trim(&mut v, &tr);
        }
        propagate_as(ctx, vec![v]);
    }
    Ok(())
}

/// Replaces the MAXLEN/MINID option (and drops LIMIT) in a propagated
/// XADD/XTRIM with the exact form.
fn rewrite_trim(v: &mut Vec<Bytes>, tr: &[Bytes; 3]) {
    let mut out = Vec::with_capacity(v.len() + 2);
    let mut i = 0;
    let mut done = false;
    while i < v.len() {
        let a = &v[i];
        if i >= 2 && !done && (eq_ic(a, "MAXLEN") || eq_ic(a, "MINID")) {
            out.extend_from_slice(tr);
            i += 1;
            if i < v.len() && (&v[i][..] == b"~" || &v[i][..] == b"=") {
                i += 1;
            }
            i += 1;
            done = true;
            continue;
        }
        if i >= 2 && done && eq_ic(a, "LIMIT") && i + 1 < v.len() {
            i += 2;
            continue;
        }
        out.push(a.clone());
        i += 1;
    }
    *v = out;
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
fn xtrim(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let exists = lookup_stream(&mut shard, key, ctx.now_ms)?.is_some();
    let t = parse_trim_args(argv, false)?;
    let budget = trim_limit(ctx, &t);
    if !exists {
        drop(shard);
        ctx.reply().integer(0);
        return Ok(());
    }
    let Some(s) = lookup_stream_mut(&mut shard, key, ctx.now_ms)? else {
        return Err(CommandError::WrongType);
    };
    let how = t.how.ok_or(CommandError::StreamXtrimNoStrategy)?;
    let n = s.trim(how, t.approx, budget);
    let tr = exact_trim_args(s, how);
    drop(shard);
    ctx.reply().integer(n as i64);
    if n > 0 {
        emit(ctx.srv, ctx.client, class::STREAM, "xtrim", key);
    }
    if t.approx {
        let mut v = argv.to_vec();
        rewrite_trim(&mut v, &tr);
        propagate_as(ctx, vec![v]);
    }
    Ok(())
}

/// XLEN key
fn xlen(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let n = lookup_stream(&mut shard, key, ctx.now_ms)?.map_or(0, |s| s.len());
    drop(shard);
    ctx.reply().integer(n as i64);
    Ok(())
}

/// XDEL key id [id ...]
fn xdel(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let ids = argv[2..]
        .iter()
        .map(|a| parse_id(a))
        .collect::<Result<Vec<_>, _>>()?;
    let key = &argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let mut n = 0;
    if let Some(s) = lookup_stream_mut(&mut shard, key, ctx.now_ms)? {
        for id in ids {
            if s.delete(id) {
                n += 1;
            }
        }
    }
    drop(shard);
    ctx.reply().integer(n);
    if n > 0 {
        emit(ctx.srv, ctx.client, class::STREAM, "xdel", key);
    }
    Ok(())
}

// ---------------------------------------------------------------- XRANGE

fn xrange_generic(ctx: &mut Ctx<'_>, rev: bool) -> CmdResult {
    let argv = ctx.argv;
    let (sa, ea) = if rev {
        (&argv[3], &argv[2])
    } else {
        (&argv[2], &argv[3])
    };
    let start = parse_bound(sa, true)?;
    let end = parse_bound(ea, false)?;
    let mut count: i64 = -1;
    let mut i = 4;
    while i < argv.len() {
        if eq_ic(&argv[i], "COUNT") && i + 1 < argv.len() {
            count = parse_int(&argv[i + 1])?.max(0);
            i += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let key = &argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_stream(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    let Some(s) = s else {
        r.array(0);
        return Ok(());
    };
    if count == 0 {
        r.null_array();
        return Ok(());
    }
    let d = r.deferred();
    let mut n = 0usize;
    s.range(start, end, rev, |id, f| {
        reply_entry(r, id, f);
        n += 1;
        count < 0 || (n as i64) < count
    });
    r.set_deferred_array(d, n);
    Ok(())
}

/// XRANGE key start end [COUNT count]
fn xrange(ctx: &mut Ctx<'_>) -> CmdResult {
    xrange_generic(ctx, false)
}

/// XREVRANGE key end start [COUNT count]
fn xrevrange(ctx: &mut Ctx<'_>) -> CmdResult {
    xrange_generic(ctx, true)
}

// ---------------------------------------------------------------- XREAD / XREADGROUP

/// Where to read from in one stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ReadFrom {
    /// Entries after this id.
    After(StreamId),
    /// `$`: entries after the stream's last id when the command first ran.
    Dollar,
    /// `>`: entries never delivered to the group.
    New,
}

struct ReadArgs {
    count: usize,
    block: Option<Option<Duration>>,
    noack: bool,
    group: Option<(Bytes, Bytes)>,
    streams_at: usize,
    nkeys: usize,
}

fn parse_read_args(argv: &[Bytes], group_cmd: bool) -> Result<ReadArgs, CommandError> {
    let mut a = ReadArgs {
        count: 0,
        block: None,
        noack: false,
        group: None,
        streams_at: 0,
        nkeys: 0,
    };
    let mut i = 1;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let o = &argv[i];
        if eq_ic(o, "BLOCK") && more > 0 {
            i += 1;
            a.block = Some(crate::blocking::parse_timeout_ms(&argv[i])?);
        } else if eq_ic(o, "COUNT") && more > 0 {
            i += 1;
            a.count = parse_int(&argv[i])?.max(0) as usize;
        } else if eq_ic(o, "STREAMS") && more > 0 {
            a.streams_at = i + 1;
            let n = argv.len() - a.streams_at;
            if !n.is_multiple_of(2) {
                return Err(CommandError::StreamUnbalanced);
            }
            a.nkeys = n / 2;
            break;
        } else if eq_ic(o, "GROUP") && more >= 2 {
            if !group_cmd {
                return Err(CommandError::StreamGroupInXread);
            }
            a.group = Some((argv[i + 1].clone(), argv[i + 2].clone()));
            i += 2;
        } else if eq_ic(o, "NOACK") {
            if !group_cmd {
                return Err(CommandError::StreamNoackInXread);
            }
            a.noack = true;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    if a.streams_at == 0 {
        return Err(CommandError::Syntax);
    }
    if group_cmd && a.group.is_none() {
        return Err(CommandError::StreamMissingGroup);
    }
    Ok(a)
}

/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
fn xread(ctx: &mut Ctx<'_>) -> CmdResult {
    read_generic(ctx, false)
}

/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]
fn xreadgroup(ctx: &mut Ctx<'_>) -> CmdResult {
    read_generic(ctx, true)
}

fn read_generic(ctx: &mut Ctx<'_>, group_cmd: bool) -> CmdResult {
    let argv = ctx.argv;
    let a = parse_read_args(argv, group_cmd)?;
    let keys = &argv[a.streams_at..a.streams_at + a.nkeys];
    let idargs = &argv[a.streams_at + a.nkeys..];
    let rerun = ctx.is_blocked_rerun();
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    // Check every key (type, group) and id first, as Redis does.
    let mut froms = Vec::with_capacity(a.nkeys);
    let mut any = false;
    for (key, ida) in keys.iter().zip(idargs) {
        let mut shard = db.lock(key);
        // A key that changed type while we were blocked counts as gone,
        // as in Redis 7.0 (XREAD keeps waiting, XREADGROUP is told).
        let s = match lookup_stream(&mut shard, key, now) {
            Err(CommandError::WrongType) if rerun => None,
            r => r?,
        };
        if let Some((g, _)) = &a.group {
            if s.is_none_or(|s| !s.groups.contains_key(g)) {
                if rerun {
                    return Err(if s.is_none() {
                        CommandError::StreamKeyDeletedWhileBlocked
                    } else {
                        CommandError::StreamGroupDeletedWhileBlocked
                    });
                }
                return Err(CommandError::StreamNoGroupRead(
                    Lossy::new(key, 1024),
                    Lossy::new(g, 1024),
                ));
            }
        }
        let from = if &ida[..] == b"$" {
            if group_cmd {
                return Err(CommandError::StreamDollarInGroup);
            }
            ReadFrom::Dollar
        } else if &ida[..] == b">" {
            if !group_cmd {
                return Err(CommandError::StreamGtOutsideGroup);
            }
            ReadFrom::New
        } else {
            match parse_id(ida)? {
                // Redis represents `>` as the maximum id, so spelling it
                // out means `>` too.
                StreamId::MAX if group_cmd => ReadFrom::New,
                id => ReadFrom::After(id),
            }
        };
        let from = match (from, s) {
            (ReadFrom::Dollar, Some(s)) => ReadFrom::After(s.last_id),
            (ReadFrom::Dollar, None) => ReadFrom::After(StreamId::MIN),
            (f, _) => f,
        };
        any |= match (&a.group, from, s) {
            (_, _, None) => false,
            (None, ReadFrom::After(after), Some(s)) => has_after(s, after),
            (Some((g, _)), ReadFrom::New, Some(s)) => {
                s.groups.get(g).is_some_and(|g| has_after(s, g.last_id))
            }
            (Some(_), _, Some(_)) => true,
            _ => false,
        };
        froms.push(from);
    }
    // Nothing to read: block (with `$` pinned to what it meant now) or nil.
    let wait_or_nil = |ctx: &mut Ctx<'_>| {
        if let Some(timeout) = a.block {
            if !rerun && idargs.iter().any(|i| &i[..] == b"$") {
                // `$` means "after the last id now": pin it for the re-runs.
                let pinned = pin_dollar(argv, a.streams_at + a.nkeys, idargs, &froms);
                ctx.block_with_argv(keys, timeout, TimeoutReply::NullArray, pinned);
            } else {
                ctx.block(keys, timeout, TimeoutReply::NullArray);
            }
        } else {
            ctx.reply().null_array();
        }
    };
    if !any {
        wait_or_nil(ctx);
        return Ok(());
    }
    let resp3 = ctx.client.reply.resp() == 3;
    let mut prop: Vec<Vec<Bytes>> = Vec::new();
    let mut served = 0usize;
    let mut created_consumers: Vec<Bytes> = Vec::new();
    let r = &mut ctx.client.reply;
    let mark = r.len();
    let d = r.deferred();
    for (i, key) in keys.iter().enumerate() {
        let mut shard = db.lock(key);
        let Ok(Some(s)) = lookup_stream_mut(&mut shard, key, now) else {
            continue;
        };
        match (&a.group, froms[i]) {
            (None, ReadFrom::After(after)) => {
                if s.last_id <= after {
                    continue;
                }
                let Some(start) = after.incr() else { continue };
                let mut n = 0;
                let mut any = false;
                s.range(start, StreamId::MAX, false, |_, _| {
                    any = true;
                    false
                });
                if !any {
                    continue;
                }
                reply_stream_key(r, key, resp3);
                let d2 = r.deferred();
                s.range(start, StreamId::MAX, false, |id, f| {
                    reply_entry(r, id, f);
                    n += 1;
                    a.count == 0 || n < a.count
                });
                r.set_deferred_array(d2, n);
                served += 1;
            }
            (Some((gname, cname)), from) => {
                let Some(g) = s.groups.get_mut(gname) else {
                    continue;
                };
                let (c, created) = g.consumer(cname, now);
                c.seen_time = now;
                if created {
                    created_consumers.push(key.clone());
                    prop.push(vec![
                        b("XGROUP"),
                        b("CREATECONSUMER"),
                        key.clone(),
                        gname.clone(),
                        cname.clone(),
                    ]);
                }
                match from {
                    ReadFrom::After(after) => {
                        // History: this consumer's pending entries after `after`.
                        let ids: Vec<StreamId> = g.consumers[cname]
                            .pending
                            .range(after.incr().unwrap_or(StreamId::MAX)..)
                            .take(if a.count == 0 { usize::MAX } else { a.count })
                            .copied()
                            .collect();
                        reply_stream_key(r, key, resp3);
                        r.array(ids.len());
                        if let Some(g) = s.groups.get_mut(gname) {
                            for id in &ids {
                                if let Some(n) = g.pel.get_mut(id) {
                                    n.delivery_time = now;
                                    n.delivery_count += 1;
                                }
                            }
                        }
                        for id in ids {
                            if s.get(id, |f| reply_entry(r, id, f)).is_none() {
                                r.array(2);
                                reply_id(r, id);
                                r.null_array();
                            }
                        }
                        served += 1;
                    }
                    ReadFrom::New | ReadFrom::Dollar => {
                        let last = g.last_id;
                        if s.last_id <= last {
                            continue;
                        }
                        let Some(start) = last.incr() else { continue };
                        // One pass writes the entries; the group is
                        // updated after it (the range borrows the stream).
                        reply_stream_key(r, key, resp3);
                        let d3 = r.deferred();
                        let mut got: Vec<StreamId> = Vec::new();
                        s.range(start, StreamId::MAX, false, |id, f| {
                            reply_entry(r, id, f);
                            got.push(id);
                            a.count == 0 || got.len() < a.count
                        });
                        r.set_deferred_array(d3, got.len());
                        for &id in &got {
                            s.advance_group(gname, id);
                            if !a.noack {
                                if let Some(g) = s.groups.get_mut(gname) {
                                    g.deliver(id, cname, now, 1);
                                }
                            }
                        }
                        served += 1;
                        let Some(g) = s.groups.get(gname) else {
                            continue;
                        };
                        if a.noack {
                            prop.push(setid_cmd(key, gname, g));
                        } else {
                            for &id in &got {
                                prop.push(xclaim_cmd(key, gname, id, g));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if resp3 {
        r.set_deferred_map(d, served);
    } else {
        r.set_deferred_array(d, served);
    }
    if served == 0 {
        // The check above saw new entries, but the shards were released in
        // between and another consumer of the group took them: as if there
        // had been none (Redis, single-threaded, cannot see this).
        r.truncate(mark);
        wait_or_nil(ctx);
    }
    for key in &created_consumers {
        emit(
            ctx.srv,
            ctx.client,
            class::STREAM,
            "xgroup-createconsumer",
            key,
        );
    }
    if group_cmd {
        for key in keys {
            crate::multi::signal_modified_key(ctx.srv, ctx.client.db, key);
        }
    }
    if group_cmd {
        if prop.is_empty() {
            // Nothing changed that a replica needs.
            ctx.client.propagate = Some(Vec::new());
        } else {
            propagate_as(ctx, prop);
        }
    }
    Ok(())
}

/// A stream's key in an XREAD reply: a [key, entries] pair in RESP2, a
/// map key in RESP3.
fn reply_stream_key(r: &mut ReplyBuf, key: &[u8], resp3: bool) {
    if !resp3 {
        r.array(2);
    }
    r.bulk(key);
}

/// The arguments with each `$` id replaced by the id it stood for.
fn pin_dollar(argv: &[Bytes], ids_at: usize, idargs: &[Bytes], froms: &[ReadFrom]) -> Vec<Bytes> {
    let mut v = argv.to_vec();
    for (i, f) in froms.iter().enumerate() {
        if let ReadFrom::After(id) = f {
            if &idargs[i][..] == b"$" {
                v[ids_at + i] = id_arg(*id);
            }
        }
    }
    v
}

/// Whether the stream has an entry after `id`.
fn has_after(s: &StreamValue, id: StreamId) -> bool {
    if s.last_id <= id {
        return false;
    }
    let Some(start) = id.incr() else { return false };
    let mut any = false;
    s.range(start, StreamId::MAX, false, |_, _| {
        any = true;
        false
    });
    any
}

/// `XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last`:
/// how a delivery or claim is propagated.
fn xclaim_cmd(key: &Bytes, group: &Bytes, id: StreamId, g: &Group) -> Vec<Bytes> {
    let (consumer, time, count) = g.pel.get(&id).map_or((Bytes::new(), 0, 0), |n| {
        (n.consumer.clone(), n.delivery_time, n.delivery_count)
    });
    vec![
        b("XCLAIM"),
        key.clone(),
        group.clone(),
        consumer,
        b("0"),
        id_arg(id),
        b("TIME"),
        Bytes::from(time.to_string()),
        b("RETRYCOUNT"),
        Bytes::from(count.to_string()),
        b("FORCE"),
        b("JUSTID"),
        b("LASTID"),
        id_arg(g.last_id),
    ]
}

/// `XGROUP SETID key group last ENTRIESREAD n`.
fn setid_cmd(key: &Bytes, group: &Bytes, g: &Group) -> Vec<Bytes> {
    vec![
        b("XGROUP"),
        b("SETID"),
        key.clone(),
        group.clone(),
        id_arg(g.last_id),
        b("ENTRIESREAD"),
        Bytes::from(g.entries_read.to_string()),
    ]
}

// ---------------------------------------------------------------- XGROUP

/// XGROUP (container; its subcommands have their own rows).
fn xgroup_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "XGROUP",
        &[
            "CREATE <key> <groupname> <id|$> [MKSTREAM] [ENTRIESREAD <n>]",
            "    Create a consumer group starting after <id> ($: the last entry).",
            "    MKSTREAM creates an empty stream when the key is missing.",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Add a consumer to a group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove a consumer (and its pending entries) from a group.",
            "DESTROY <key> <groupname>",
            "    Remove a consumer group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD <n>]",
            "    Move a group's last delivered id (and its read counter).",
        ],
    );
    Ok(())
}

/// XGROUP's reply to options it does not understand.
fn xgroup_syntax(sub: &[u8]) -> CommandError {
    CommandError::UnknownSubcommandOrArity {
        sub: Lossy::new(sub, 128),
        container: "XGROUP",
    }
}

/// The group id argument of CREATE/SETID: an id or `$`.
fn group_id_arg(arg: &[u8], s: Option<&StreamValue>) -> Result<StreamId, CommandError> {
    if arg == b"$" {
        return Ok(s.map_or(StreamId::MIN, |s| s.last_id));
    }
    parse_id(arg)
}

fn parse_entries_read(arg: &[u8]) -> Result<i64, CommandError> {
    let n = parse_int(arg)?;
    if n < 0 && n != ENTRIES_READ_INVALID {
        return Err(CommandError::StreamEntriesRead);
    }
    Ok(n)
}

/// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
fn xgroup_create(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let (key, gname) = (&argv[2], &argv[3]);
    let mut mkstream = false;
    let mut entries_read = ENTRIES_READ_INVALID;
    let mut i = 5;
    while i < argv.len() {
        if eq_ic(&argv[i], "MKSTREAM") {
            mkstream = true;
            i += 1;
        } else if eq_ic(&argv[i], "ENTRIESREAD") && i + 1 < argv.len() {
            entries_read = parse_entries_read(&argv[i + 1])?;
            i += 2;
        } else {
            return Err(xgroup_syntax(&argv[1]));
        }
    }
    let now = ctx.now_ms;
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_stream(&mut shard, key, now)?;
    let id = group_id_arg(&argv[4], s)?;
    let exists = s.is_some();
    if !exists {
        if !mkstream {
            return Err(CommandError::StreamXgroupNoKey);
        }
        shard.insert(key, Entry::new(Value::Stream(Box::default())));
    }
    let Some(s) = lookup_stream_mut(&mut shard, key, now)? else {
        return Err(CommandError::WrongType);
    };
    if s.groups.contains_key(gname) {
        return Err(CommandError::StreamBusyGroup);
    }
    s.groups
        .insert(Bytes::copy_from_slice(gname), Group::new(id, entries_read));
    drop(shard);
    ctx.reply().ok();
    if !exists {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    emit(ctx.srv, ctx.client, class::STREAM, "xgroup-create", key);
    // `$` is resolved for replicas.
    let mut v = argv.to_vec();
    v[4] = id_arg(id);
    propagate_as(ctx, vec![v]);
    Ok(())
}

/// Runs `f` on the stream's group, or fails with XGROUP's errors.
fn with_group<R>(
    ctx: &mut Ctx<'_>,
    f: impl FnOnce(&mut StreamValue, u64) -> Result<R, CommandError>,
) -> Result<R, CommandError> {
    let (key, gname) = (&ctx.argv[2], &ctx.argv[3]);
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let Some(s) = lookup_stream_mut(&mut shard, key, ctx.now_ms)? else {
        return Err(CommandError::StreamXgroupNoKey);
    };
    if !s.groups.contains_key(gname) {
        return Err(CommandError::StreamNoGroup(
            Lossy::new(key, 1024),
            Lossy::new(gname, 1024),
        ));
    }
    f(s, ctx.now_ms)
}

/// XGROUP SETID key group id|$ [ENTRIESREAD n]
fn xgroup_setid(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let mut entries_read = ENTRIES_READ_INVALID;
    if argv.len() == 7 {
        if !eq_ic(&argv[5], "ENTRIESREAD") {
            return Err(xgroup_syntax(&argv[1]));
        }
        entries_read = parse_entries_read(&argv[6])?;
    } else if argv.len() != 5 {
        return Err(xgroup_syntax(&argv[1]));
    }
    let gname = argv[3].clone();
    let id = with_group(ctx, |s, _| {
        let id = group_id_arg(&argv[4], Some(s))?;
        if let Some(g) = s.groups.get_mut(&gname) {
            g.last_id = id;
            g.entries_read = entries_read;
        }
        Ok(id)
    })?;
    ctx.reply().ok();
    emit(ctx.srv, ctx.client, class::STREAM, "xgroup-setid", &argv[2]);
    let mut v = argv.to_vec();
    v[4] = id_arg(id);
    propagate_as(ctx, vec![v]);
    Ok(())
}

/// XGROUP DESTROY key group
fn xgroup_destroy(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, gname) = (&ctx.argv[2], &ctx.argv[3]);
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let Some(s) = lookup_stream_mut(&mut shard, key, ctx.now_ms)? else {
        return Err(CommandError::StreamXgroupNoKey);
    };
    let removed = s.groups.remove(&gname[..]).is_some();
    drop(shard);
    ctx.reply().integer(i64::from(removed));
    if removed {
        emit(ctx.srv, ctx.client, class::STREAM, "xgroup-destroy", key);
        // Wake clients blocked on this group so they see it is gone.
        ctx.srv
            .blocking
            .signal_all(ctx.client.db, key, &ctx.srv.clients);
    }
    Ok(())
}

/// XGROUP CREATECONSUMER key group consumer
fn xgroup_createconsumer(ctx: &mut Ctx<'_>) -> CmdResult {
    let gname = ctx.argv[3].clone();
    let cname = ctx.argv[4].clone();
    let created = with_group(ctx, |s, now| {
        Ok(s.groups
            .get_mut(&gname)
            .is_some_and(|g| g.consumer(&cname, now).1))
    })?;
    ctx.reply().integer(i64::from(created));
    if created {
        emit(
            ctx.srv,
            ctx.client,
            class::STREAM,
            "xgroup-createconsumer",
            &ctx.argv[2],
        );
    } else {
        ctx.client.propagate = Some(Vec::new());
    }
    Ok(())
}

/// XGROUP DELCONSUMER key group consumer
fn xgroup_delconsumer(ctx: &mut Ctx<'_>) -> CmdResult {
    let gname = ctx.argv[3].clone();
    let cname = ctx.argv[4].clone();
    let pending = with_group(ctx, |s, _| {
        Ok(s.groups
            .get_mut(&gname)
            .and_then(|g| g.remove_consumer(&cname)))
    })?;
    ctx.reply().integer(pending.unwrap_or(0) as i64);
    if pending.is_some() {
        emit(
            ctx.srv,
            ctx.client,
            class::STREAM,
            "xgroup-delconsumer",
            &ctx.argv[2],
        );
    } else {
        ctx.client.propagate = Some(Vec::new());
    }
    Ok(())
}

// ---------------------------------------------------------------- XACK / XPENDING

/// XACK key group id [id ...]
fn xack(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_stream_mut(&mut shard, key, ctx.now_ms)?;
    let Some(g) = s.and_then(|s| s.groups.get_mut(&argv[2][..])) else {
        drop(shard);
        ctx.reply().integer(0);
        return Ok(());
    };
    let ids = argv[3..]
        .iter()
        .map(|a| parse_id(a))
        .collect::<Result<Vec<_>, _>>()?;
    let n = ids.into_iter().filter(|&id| g.ack(id)).count();
    drop(shard);
    ctx.reply().integer(n as i64);
    if n > 0 {
        crate::multi::signal_modified_key(ctx.srv, ctx.client.db, key);
    } else {
        ctx.client.propagate = Some(Vec::new());
    }
    Ok(())
}

/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
fn xpending(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let argc = argv.len();
    let (key, gname) = (&argv[1], &argv[2]);
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(CommandError::Syntax);
    }
    let mut ext = None;
    if argc >= 6 {
        let mut i = 3;
        let mut min_idle = 0i64;
        if eq_ic(&argv[3], "IDLE") {
            if argc < 8 {
                return Err(CommandError::Syntax);
            }
            min_idle = parse_int(&argv[4])?;
            i = 5;
        }
        let start = parse_bound(&argv[i], true)?;
        let end = parse_bound(&argv[i + 1], false)?;
        let count = parse_int(&argv[i + 2])?.max(0) as usize;
        // (Arguments after the consumer are ignored, as Redis does.)
        let consumer = argv.get(i + 3);
        ext = Some((min_idle, start, end, count, consumer));
    }
    let now = ctx.now_ms;
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_stream(&mut shard, key, now)?;
    let Some(g) = s.and_then(|s| s.groups.get(&gname[..])) else {
        return Err(nogroup(key, gname));
    };
    let r = &mut ctx.client.reply;
    match ext {
        None => {
            r.array(4);
            r.integer(g.pel.len() as i64);
            match (g.pel.first_key_value(), g.pel.last_key_value()) {
                (Some((a, _)), Some((z, _))) => {
                    reply_id(r, *a);
                    reply_id(r, *z);
                    let busy: Vec<_> = g
                        .consumers
                        .iter()
                        .filter(|(_, c)| !c.pending.is_empty())
                        .collect();
                    r.array(busy.len());
                    for (name, c) in busy {
                        r.array(2);
                        r.bulk(name);
                        r.bulk_int(c.pending.len() as i64);
                    }
                }
                _ => {
                    r.null();
                    r.null();
                    r.null_array();
                }
            }
        }
        Some((min_idle, start, end, count, consumer)) => {
            let d = r.deferred();
            let mut n = 0;
            if start <= end && count > 0 {
                let ids: Box<dyn Iterator<Item = &StreamId>> = match consumer {
                    Some(c) => match g.consumers.get(&c[..]) {
                        Some(c) => Box::new(c.pending.range(start..=end)),
                        None => Box::new(std::iter::empty()),
                    },
                    None => Box::new(g.pel.range(start..=end).map(|(k, _)| k)),
                };
                for id in ids {
                    let Some(nack) = g.pel.get(id) else { continue };
                    let idle = now.saturating_sub(nack.delivery_time);
                    if min_idle > 0 && (idle as i64) < min_idle {
                        continue;
                    }
                    r.array(4);
                    reply_id(r, *id);
                    r.bulk(&nack.consumer);
                    r.integer(idle as i64);
                    r.integer(nack.delivery_count as i64);
                    n += 1;
                    if n >= count {
                        break;
                    }
                }
            }
            r.set_deferred_array(d, n);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- XCLAIM / XAUTOCLAIM

/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
fn xclaim(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let (key, gname, cname) = (&argv[1], &argv[2], &argv[3]);
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let s = lookup_stream_mut(&mut shard, key, now)?;
    let Some(s) = s.filter(|s| s.groups.contains_key(&gname[..])) else {
        return Err(nogroup(key, gname));
    };
    let min_idle = parse_int(&argv[4])
        .map_err(|_| CommandError::StreamMinIdle("XCLAIM"))?
        .max(0) as u64;
    let mut ids = Vec::new();
    let mut j = 5;
    while j < argv.len() {
        match parse_id(&argv[j]) {
            Ok(id) => ids.push(id),
            Err(_) => break,
        }
        j += 1;
    }
    let (mut force, mut justid) = (false, false);
    let mut delivery: Option<i64> = None;
    let mut retry: Option<i64> = None;
    let mut last_id = StreamId::MIN;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let o = &argv[j];
        if eq_ic(o, "FORCE") {
            force = true;
        } else if eq_ic(o, "JUSTID") {
            justid = true;
        } else if eq_ic(o, "IDLE") && more > 0 {
            j += 1;
            let v = parse_int(&argv[j]).map_err(|_| CommandError::StreamClaimOption("IDLE"))?;
            delivery = Some((now as i64).saturating_sub(v));
        } else if eq_ic(o, "TIME") && more > 0 {
            j += 1;
            delivery =
                Some(parse_int(&argv[j]).map_err(|_| CommandError::StreamClaimOption("TIME"))?);
        } else if eq_ic(o, "RETRYCOUNT") && more > 0 {
            j += 1;
            retry = Some(
                parse_int(&argv[j]).map_err(|_| CommandError::StreamClaimOption("RETRYCOUNT"))?,
            );
        } else if eq_ic(o, "LASTID") && more > 0 {
            j += 1;
            last_id = parse_id(&argv[j])?;
        } else {
            return Err(CommandError::StreamClaimUnknown(Lossy::new(o, 1024)));
        }
        j += 1;
    }
    let delivery = match delivery {
        Some(t) if t >= 0 && t as u64 <= now => t as u64,
        _ => now,
    };
    let mut prop = Vec::new();
    let mut created = false;
    let mut moved_last = false;
    if let Some(g) = s.groups.get_mut(&gname[..]) {
        if last_id > g.last_id {
            g.last_id = last_id;
            moved_last = true;
        }
    }
    let r = &mut ctx.client.reply;
    let d = r.deferred();
    let mut n = 0;
    for id in ids {
        let exists = s.contains(id);
        let Some(g) = s.groups.get_mut(&gname[..]) else {
            break;
        };
        if !exists {
            if g.pel.contains_key(&id) {
                // The entry is gone: drop it from the PEL (and tell replicas).
                prop.push(xclaim_cmd(key, gname, id, g));
                g.ack(id);
            }
            continue;
        }
        let pending = g.pel.get(&id).cloned();
        let count = match &pending {
            None if !force => continue,
            // A PEL entry created by FORCE starts as delivered once.
            None => 1,
            Some(nack) => {
                if min_idle > 0 && now.saturating_sub(nack.delivery_time) < min_idle {
                    continue;
                }
                nack.delivery_count
            }
        };
        let (c, new) = g.consumer(cname, now);
        c.seen_time = now;
        created |= new;
        let count = match retry {
            Some(rc) => rc.max(0) as u64,
            None if !justid => count + 1,
            None => count,
        };
        g.deliver(id, cname, delivery, count);
        if justid {
            reply_id(r, id);
        } else if s.get(id, |f| reply_entry(r, id, f)).is_none() {
            r.null();
        }
        n += 1;
        if let Some(g) = s.groups.get(&gname[..]) {
            prop.push(xclaim_cmd(key, gname, id, g));
        }
    }
    r.set_deferred_array(d, n);
    if prop.is_empty() && moved_last {
        if let Some(g) = s.groups.get(&gname[..]) {
            prop.push(setid_cmd(key, gname, g));
        }
    }
    drop(shard);
    if created {
        emit(
            ctx.srv,
            ctx.client,
            class::STREAM,
            "xgroup-createconsumer",
            key,
        );
    }
    if !prop.is_empty() {
        crate::multi::signal_modified_key(ctx.srv, ctx.client.db, key);
    }
    ctx.client.propagate = Some(Vec::new());
    propagate_as(ctx, prop);
    Ok(())
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
fn xautoclaim(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let (key, gname, cname) = (&argv[1], &argv[2], &argv[3]);
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let s = lookup_stream_mut(&mut shard, key, now)?;
    let min_idle = parse_int(&argv[4])
        .map_err(|_| CommandError::StreamMinIdle("XAUTOCLAIM"))?
        .max(0) as u64;
    let start = parse_bound(&argv[5], true)?;
    let mut count = 100usize;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if eq_ic(&argv[j], "COUNT") && more > 0 {
            j += 1;
            // Redis keeps COUNT small enough that its array of deleted IDs
            // (16 bytes each) has a size in i64.
            let c = parse_int(&argv[j]).map_err(|_| CommandError::StreamCountPositive)?;
            if !(1..=i64::MAX / 16).contains(&c) {
                return Err(CommandError::StreamCountPositive);
            }
            count = c as usize;
        } else if eq_ic(&argv[j], "JUSTID") {
            justid = true;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    let Some(s) = s.filter(|s| s.groups.contains_key(&gname[..])) else {
        return Err(nogroup(key, gname));
    };
    // Redis allocates that array up front and refuses a COUNT whose array
    // cannot be had. We need no such array; we refuse where no machine
    // could give it: beyond a 47-bit (128 TiB) address space.
    if count > 1 << (47 - 4) {
        return Err(CommandError::StreamCountTooHigh);
    }
    let mut attempts = count.saturating_mul(10);
    let mut claimed = Vec::new();
    let mut deleted = Vec::new();
    let mut next = StreamId::MIN;
    let candidates: Vec<StreamId> = match s.groups.get(&gname[..]) {
        Some(g) => g.pel.range(start..).map(|(k, _)| *k).collect(),
        None => Vec::new(),
    };
    let mut prop = Vec::new();
    let mut created = false;
    let mut it = candidates.into_iter().peekable();
    // Deleted entries found on the way count against COUNT too.
    while attempts > 0 && claimed.len() + deleted.len() < count {
        let Some(id) = it.next() else { break };
        attempts -= 1;
        let exists = s.contains(id);
        let Some(g) = s.groups.get_mut(&gname[..]) else {
            break;
        };
        if !exists {
            prop.push(xclaim_cmd(key, gname, id, g));
            g.ack(id);
            deleted.push(id);
            continue;
        }
        let Some(nack) = g.pel.get(&id) else { continue };
        if min_idle > 0 && now.saturating_sub(nack.delivery_time) < min_idle {
            continue;
        }
        let count = nack.delivery_count + u64::from(!justid);
        let (c, new) = g.consumer(cname, now);
        c.seen_time = now;
        created |= new;
        g.deliver(id, cname, now, count);
        claimed.push(id);
        prop.push(xclaim_cmd(key, gname, id, g));
    }
    if let Some(&id) = it.peek() {
        next = id;
    }
    let r = &mut ctx.client.reply;
    r.array(3);
    reply_id(r, next);
    r.array(claimed.len());
    for id in claimed {
        if justid {
            reply_id(r, id);
        } else if s.get(id, |f| reply_entry(r, id, f)).is_none() {
            r.null();
        }
    }
    r.array(deleted.len());
    for id in deleted {
        reply_id(r, id);
    }
    drop(shard);
    if created {
        emit(
            ctx.srv,
            ctx.client,
            class::STREAM,
            "xgroup-createconsumer",
            key,
        );
    }
    if !prop.is_empty() {
        crate::multi::signal_modified_key(ctx.srv, ctx.client.db, key);
    }
    ctx.client.propagate = Some(Vec::new());
    propagate_as(ctx, prop);
    Ok(())
}

// ---------------------------------------------------------------- XINFO

fn xinfo_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "XINFO",
        &[
            "CONSUMERS <key> <groupname>",
            "    The consumers of a group.",
            "GROUPS <key>",
            "    The consumer groups of a stream.",
            "STREAM <key> [FULL [COUNT <count>]]",
            "    Stream details; FULL adds entries, groups, PELs and consumers.",
        ],
    );
    Ok(())
}

fn reply_opt_entry(r: &mut ReplyBuf, s: &StreamValue, id: Option<StreamId>) {
    match id.and_then(|id| s.get(id, |f| reply_entry(r, id, f))) {
        Some(()) => {}
        None => r.null(),
    }
}

/// Redis's radix tree has about one node per key plus inner nodes; we
/// report a comparable figure.
fn radix_nodes(s: &StreamValue) -> usize {
    s.node_count() + 1
}

/// XINFO STREAM key [FULL [COUNT count]]
fn xinfo_stream(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[2];
    let bad_args = || CommandError::UnknownSubcommandOrArity {
        sub: Lossy::new(b"STREAM", 16),
        container: "XINFO",
    };
    let now = ctx.now_ms;
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    // The key is checked before the options, as Redis does.
    let Some(s) = lookup_stream(&mut shard, key, now)? else {
        return Err(CommandError::NoSuchKey);
    };
    let mut full = false;
    let mut count = 10usize;
    if argv.len() > 3 {
        if !eq_ic(&argv[3], "FULL") {
            return Err(bad_args());
        }
        full = true;
        if argv.len() == 6 && eq_ic(&argv[4], "COUNT") {
            let c = parse_int(&argv[5])?;
            count = if c <= 0 { 0 } else { c as usize };
        } else if argv.len() != 4 {
            return Err(bad_args());
        }
    }
    let r = &mut ctx.client.reply;
    r.map(if full { 9 } else { 10 });
    r.bulk(b"length");
    r.integer(s.len() as i64);
    r.bulk(b"radix-tree-keys");
    r.integer(s.node_count() as i64);
    r.bulk(b"radix-tree-nodes");
    r.integer(radix_nodes(s) as i64);
    r.bulk(b"last-generated-id");
    reply_id(r, s.last_id);
    r.bulk(b"max-deleted-entry-id");
    reply_id(r, s.max_deleted_id);
    r.bulk(b"entries-added");
    r.integer(s.entries_added as i64);
    r.bulk(b"recorded-first-entry-id");
    reply_id(r, s.first_entry().unwrap_or(s.first_id));
    if !full {
        r.bulk(b"groups");
        r.integer(s.groups.len() as i64);
        r.bulk(b"first-entry");
        reply_opt_entry(r, s, s.first_entry());
        r.bulk(b"last-entry");
        reply_opt_entry(r, s, s.last_entry());
        return Ok(());
    }
    r.bulk(b"entries");
    let d = r.deferred();
    let mut n = 0;
    if !s.is_empty() {
        s.range(StreamId::MIN, StreamId::MAX, false, |id, f| {
            reply_entry(r, id, f);
            n += 1;
            count == 0 || n < count
        });
    }
    r.set_deferred_array(d, n);
    r.bulk(b"groups");
    r.array(s.groups.len());
    for (name, g) in &s.groups {
        r.map(7);
        r.bulk(b"name");
        r.bulk(name);
        r.bulk(b"last-delivered-id");
        reply_id(r, g.last_id);
        r.bulk(b"entries-read");
        reply_entries_read(r, g.entries_read);
        r.bulk(b"lag");
        reply_lag(r, s.group_lag(g));
        r.bulk(b"pel-count");
        r.integer(g.pel.len() as i64);
        r.bulk(b"pending");
        let take = if count == 0 {
            g.pel.len()
        } else {
            count.min(g.pel.len())
        };
        r.array(take);
        for (id, nack) in g.pel.iter().take(take) {
            r.array(4);
            reply_id(r, *id);
            r.bulk(&nack.consumer);
            r.integer(nack.delivery_time as i64);
            r.integer(nack.delivery_count as i64);
        }
        r.bulk(b"consumers");
        r.array(g.consumers.len());
        for (cname, c) in &g.consumers {
            r.map(4);
            r.bulk(b"name");
            r.bulk(cname);
            r.bulk(b"seen-time");
            r.integer(c.seen_time as i64);
            r.bulk(b"pel-count");
            r.integer(c.pending.len() as i64);
            r.bulk(b"pending");
            let take = if count == 0 {
                c.pending.len()
            } else {
                count.min(c.pending.len())
            };
            r.array(take);
            for id in c.pending.iter().take(take) {
                let (t, dc) = g
                    .pel
                    .get(id)
                    .map_or((0, 0), |n| (n.delivery_time, n.delivery_count));
                r.array(3);
                reply_id(r, *id);
                r.integer(t as i64);
                r.integer(dc as i64);
            }
        }
    }
    Ok(())
}

fn reply_entries_read(r: &mut ReplyBuf, n: i64) {
    if n == ENTRIES_READ_INVALID {
        r.null();
    } else {
        r.integer(n);
    }
}

fn reply_lag(r: &mut ReplyBuf, lag: Option<i64>) {
    match lag {
        Some(l) => r.integer(l),
        None => r.null(),
    }
}

/// XINFO GROUPS key
fn xinfo_groups(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[2];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let Some(s) = lookup_stream(&mut shard, key, ctx.now_ms)? else {
        return Err(CommandError::NoSuchKey);
    };
    let r = &mut ctx.client.reply;
    r.array(s.groups.len());
    for (name, g) in &s.groups {
        r.map(6);
        r.bulk(b"name");
        r.bulk(name);
        r.bulk(b"consumers");
        r.integer(g.consumers.len() as i64);
        r.bulk(b"pending");
        r.integer(g.pel.len() as i64);
        r.bulk(b"last-delivered-id");
        reply_id(r, g.last_id);
        r.bulk(b"entries-read");
        reply_entries_read(r, g.entries_read);
        r.bulk(b"lag");
        reply_lag(r, s.group_lag(g));
    }
    Ok(())
}

/// XINFO CONSUMERS key group
fn xinfo_consumers(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, gname) = (&ctx.argv[2], &ctx.argv[3]);
    let now = ctx.now_ms;
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let Some(s) = lookup_stream(&mut shard, key, now)? else {
        return Err(CommandError::NoSuchKey);
    };
    let Some(g) = s.groups.get(&gname[..]) else {
        return Err(CommandError::StreamNoGroup(
            Lossy::new(key, 1024),
            Lossy::new(gname, 1024),
        ));
    };
    let r = &mut ctx.client.reply;
    r.array(g.consumers.len());
    for (name, c) in &g.consumers {
        r.map(3);
        r.bulk(b"name");
        r.bulk(name);
        r.bulk(b"pending");
        r.integer(c.pending.len() as i64);
        r.bulk(b"idle");
        r.integer(now.saturating_sub(c.seen_time) as i64);
    }
    Ok(())
}

// ---------------------------------------------------------------- XSETID

/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
fn xsetid(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let key = &argv[1];
    let id = parse_id(&argv[2])?;
    let mut added: Option<u64> = None;
    let mut maxdel: Option<StreamId> = None;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if eq_ic(&argv[i], "ENTRIESADDED") && more > 0 {
            let n = parse_int(&argv[i + 1])?;
            if n < 0 {
                return Err(CommandError::StreamEntriesAddedNegative);
            }
            added = Some(n as u64);
            i += 2;
        } else if eq_ic(&argv[i], "MAXDELETEDID") && more > 0 {
            let m = parse_id(&argv[i + 1])?;
            if id < m {
                return Err(CommandError::StreamSetIdMaxDeleted);
            }
            maxdel = Some(m);
            i += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let Some(s) = lookup_stream_mut(&mut shard, key, ctx.now_ms)? else {
        return Err(CommandError::NoSuchKey);
    };
    if !s.is_empty() && s.last_entry().is_some_and(|l| id < l) {
        return Err(CommandError::StreamSetIdSmaller);
    }
    if let Some(a) = added {
        if s.len() > a {
            return Err(CommandError::StreamSetIdEntriesAdded);
        }
    }
    s.last_id = id;
    if let Some(a) = added {
        s.entries_added = a;
    }
    if let Some(m) = maxdel {
        s.max_deleted_id = m;
    }
    drop(shard);
    ctx.reply().ok();
    emit(ctx.srv, ctx.client, class::STREAM, "xsetid", key);
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "xadd",
        handler: Some(xadd),
        arity: -5,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: Some("UPDATE instead of INSERT because of the optional trimming feature"), flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "stream",
        since: "5.0.0",
        summary: "Appends an entry to a stream, creating the stream when needed.",
        complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "nomkstream", kind: ArgKind::PureToken, token: Some("NOMKSTREAM"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "trim", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "strategy", kind: ArgKind::Oneof, args: &[
                            Arg { name: "maxlen", kind: ArgKind::PureToken, token: Some("MAXLEN"), ..Arg::BASE },
                            Arg { name: "minid", kind: ArgKind::PureToken, token: Some("MINID"), since: Some("6.2.0"), ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "operator", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                            Arg { name: "equal", kind: ArgKind::PureToken, token: Some("="), ..Arg::BASE },
                            Arg { name: "approximately", kind: ArgKind::PureToken, token: Some("~"), ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "threshold", kind: ArgKind::String, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("LIMIT"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "id_or_auto", kind: ArgKind::Oneof, args: &[
                    Arg { name: "auto_id", kind: ArgKind::PureToken, token: Some("*"), ..Arg::BASE },
                    Arg { name: "id", kind: ArgKind::String, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "field_value", kind: ArgKind::Block, flags: ARG_MULTIPLE, args: &[
                    Arg { name: "field", kind: ArgKind::String, ..Arg::BASE },
                    Arg { name: "value", kind: ArgKind::String, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xlen",
        handler: Some(xlen),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Returns the number of entries in a stream.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xrange",
        handler: Some(xrange),
        arity: -4,
        flags: READONLY,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Returns the entries of a stream within an id range, oldest first.",
        complexity: "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "start", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "end", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xrevrange",
        handler: Some(xrevrange),
        arity: -4,
        flags: READONLY,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Returns the entries of a stream within an id range, newest first.",
        complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "end", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "start", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xdel",
        handler: Some(xdel),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Removes entries from a stream by id.",
        complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "id", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xtrim",
        handler: Some(xtrim),
        arity: -4,
        flags: WRITE,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "stream",
        since: "5.0.0",
        summary: "Drops the oldest entries of a stream by length or minimum id.",
        complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "trim", kind: ArgKind::Block, args: &[
                    Arg { name: "strategy", kind: ArgKind::Oneof, args: &[
                            Arg { name: "maxlen", kind: ArgKind::PureToken, token: Some("MAXLEN"), ..Arg::BASE },
                            Arg { name: "minid", kind: ArgKind::PureToken, token: Some("MINID"), since: Some("6.2.0"), ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "operator", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                            Arg { name: "equal", kind: ArgKind::PureToken, token: Some("="), ..Arg::BASE },
                            Arg { name: "approximately", kind: ArgKind::PureToken, token: Some("~"), ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "threshold", kind: ArgKind::String, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("LIMIT"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xread",
        handler: Some(xread),
        arity: -4,
        flags: READONLY | BLOCKING | MOVABLEKEYS,
        acl: CAT_STREAM,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Keyword("STREAMS", 1), find: Find::Range { last: -1, step: 1, limit: 2 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Reads entries after given ids from one or more streams, optionally waiting.",
        complexity: "For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
        args: &[
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "milliseconds", kind: ArgKind::Integer, token: Some("BLOCK"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "streams", kind: ArgKind::Block, token: Some("STREAMS"), args: &[
                    Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
                    Arg { name: "id", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xgroup",
        arity: -2,
        flags: 0,
        acl: 0,
        key_range: (0, 0, 0),
        group: "stream",
        since: "5.0.0",
        summary: "A container for consumer group commands.",
        complexity: "Depends on subcommand.",
        subcommands: XGROUP_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xreadgroup",
        handler: Some(xreadgroup),
        arity: -7,
        flags: WRITE | BLOCKING | MOVABLEKEYS,
        acl: CAT_STREAM,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Keyword("STREAMS", 4), find: Find::Range { last: -1, step: 1, limit: 2 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Reads entries for a consumer of a group, tracking them as pending.",
        complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
        args: &[
            Arg { name: "group_consumer", kind: ArgKind::Block, token: Some("GROUP"), args: &[
                    Arg { name: "group", kind: ArgKind::String, ..Arg::BASE },
                    Arg { name: "consumer", kind: ArgKind::String, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "milliseconds", kind: ArgKind::Integer, token: Some("BLOCK"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "noack", kind: ArgKind::PureToken, token: Some("NOACK"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "streams", kind: ArgKind::Block, token: Some("STREAMS"), args: &[
                    Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, flags: ARG_MULTIPLE, ..Arg::BASE },
                    Arg { name: "id", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xack",
        handler: Some(xack),
        arity: -4,
        flags: WRITE | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Acknowledges pending entries of a consumer group.",
        complexity: "O(1) for each message ID processed.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "group", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "id", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xpending",
        handler: Some(xpending),
        arity: -3,
        flags: READONLY,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "stream",
        since: "5.0.0",
        summary: "Reports the pending entries of a consumer group.",
        complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "group", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "filters", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "min-idle-time", kind: ArgKind::Integer, token: Some("IDLE"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
                    Arg { name: "start", kind: ArgKind::String, ..Arg::BASE },
                    Arg { name: "end", kind: ArgKind::String, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "consumer", kind: ArgKind::String, flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xclaim",
        handler: Some(xclaim),
        arity: -6,
        flags: WRITE | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "stream",
        since: "5.0.0",
        summary: "Transfers pending entries to another consumer of the group.",
        complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "group", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "consumer", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "min-idle-time", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "id", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
            Arg { name: "ms", kind: ArgKind::Integer, token: Some("IDLE"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "unix-time-milliseconds", kind: ArgKind::UnixTime, token: Some("TIME"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("RETRYCOUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "force", kind: ArgKind::PureToken, token: Some("FORCE"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "justid", kind: ArgKind::PureToken, token: Some("JUSTID"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "id", kind: ArgKind::String, token: Some("LASTID"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xautoclaim",
        handler: Some(xautoclaim),
        arity: -6,
        flags: WRITE | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "delete"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        tips: &["nondeterministic_output"],
        group: "stream",
        since: "6.2.0",
        summary: "Transfers idle pending entries to a consumer, scanning from an id.",
        complexity: "O(1) if COUNT is small.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "group", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "consumer", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "min-idle-time", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "start", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "justid", kind: ArgKind::PureToken, token: Some("JUSTID"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xinfo",
        arity: -2,
        flags: 0,
        acl: 0,
        key_range: (0, 0, 0),
        group: "stream",
        since: "5.0.0",
        summary: "A container for stream introspection commands.",
        complexity: "Depends on subcommand.",
        subcommands: XINFO_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "xsetid",
        handler: Some(xsetid),
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STREAM,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "stream",
        since: "5.0.0",
        summary: "Sets the last id (and counters) of a stream.",
        complexity: "O(1)",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "last-id", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "entries_added", kind: ArgKind::Integer, token: Some("ENTRIESADDED"), since: Some("7.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "max_deleted_entry_id", kind: ArgKind::String, token: Some("MAXDELETEDID"), since: Some("7.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
];

static XGROUP_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "createconsumer",
        handler: Some(xgroup_createconsumer),
        arity: 5,
        flags: WRITE | DENYOOM,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "6.2.0",
        summary: "Adds a consumer to a consumer group.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "groupname",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "consumername",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "create",
        handler: Some(xgroup_create),
        arity: -5,
        flags: WRITE | DENYOOM,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "5.0.0",
        summary: "Creates a consumer group on a stream.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "groupname",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "id",
                kind: ArgKind::Oneof,
                args: &[
                    Arg {
                        name: "id",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "new_id",
                        kind: ArgKind::PureToken,
                        token: Some("$"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
            Arg {
                name: "mkstream",
                kind: ArgKind::PureToken,
                token: Some("MKSTREAM"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "entries_read",
                kind: ArgKind::Integer,
                token: Some("ENTRIESREAD"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(xgroup_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_STREAM,
        key_range: (0, 0, 0),
        group: "stream",
        since: "5.0.0",
        summary: "Lists the subcommands and what they do.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "delconsumer",
        handler: Some(xgroup_delconsumer),
        arity: 5,
        flags: WRITE,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "5.0.0",
        summary: "Removes a consumer from a consumer group.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "groupname",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "consumername",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "destroy",
        handler: Some(xgroup_destroy),
        arity: 4,
        flags: WRITE,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "5.0.0",
        summary: "Removes a consumer group.",
        complexity:
            "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "groupname",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setid",
        handler: Some(xgroup_setid),
        arity: -5,
        flags: WRITE,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "5.0.0",
        summary: "Moves the last delivered id of a consumer group.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "groupname",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "id",
                kind: ArgKind::Oneof,
                args: &[
                    Arg {
                        name: "id",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "new_id",
                        kind: ArgKind::PureToken,
                        token: Some("$"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
            Arg {
                name: "entries_read",
                kind: ArgKind::Integer,
                token: Some("ENTRIESREAD"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];

static XINFO_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "stream",
        handler: Some(xinfo_stream),
        arity: -3,
        flags: READONLY,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "5.0.0",
        summary: "Describes a stream.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "full",
                kind: ArgKind::Block,
                token: Some("FULL"),
                flags: ARG_OPTIONAL,
                args: &[Arg {
                    name: "count",
                    kind: ArgKind::Integer,
                    token: Some("COUNT"),
                    flags: ARG_OPTIONAL,
                    ..Arg::BASE
                }],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "groups",
        handler: Some(xinfo_groups),
        arity: 3,
        flags: READONLY,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "stream",
        since: "5.0.0",
        summary: "Lists the consumer groups of a stream.",
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
        name: "help",
        handler: Some(xinfo_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_STREAM,
        key_range: (0, 0, 0),
        group: "stream",
        since: "5.0.0",
        summary: "Lists the subcommands and what they do.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "consumers",
        handler: Some(xinfo_consumers),
        arity: 4,
        flags: READONLY,
        acl: CAT_STREAM,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "stream",
        since: "5.0.0",
        summary: "Lists the consumers of a consumer group.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "groupname",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];
