//! Set commands (Redis's "set" group). The values and their encodings
//! (intset, hashtable) live in `ferrodis_engine::set`.

use bytes::Bytes;
use ferrodis_engine::{Entry, Member, MemberRef, MultiGuard, SetValue, Shard, Value};
use rand::Rng;

use crate::args::{eq_ic, parse_i64_strict, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::keyspace::{parse_scan_cursor, parse_scan_options};
use crate::notify::{class, emit};
use crate::spec::*;

/// Calls `emit` with `count` distinct indexes out of `0..n` (all of them,
/// in order, when `count >= n`), chosen uniformly. Allocates at most `n`
/// indexes, never `count`.
pub(crate) fn sample_distinct(
    n: usize,
    count: usize,
    rng: &mut impl Rng,
    mut emit: impl FnMut(usize),
) {
    if count >= n {
        (0..n).for_each(emit);
    } else if count.saturating_mul(3) > n {
        // Dense: a partial Fisher-Yates shuffle of all indexes.
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..count {
            let j = rng.gen_range(i..n);
            idx.swap(i, j);
            emit(idx[i]);
        }
    } else {
        // Sparse: draw until enough distinct ones came up.
        let mut seen = std::collections::HashSet::with_capacity(count);
        while seen.len() < count {
            let i = rng.gen_range(0..n);
            if seen.insert(i) {
                emit(i);
            }
        }
    }
}

/// set-max-intset-entries from the live config.
fn max_intset(ctx: &Ctx<'_>) -> usize {
    usize::try_from(ctx.srv.config.read().set_max_intset_entries).unwrap_or(usize::MAX)
}

/// The live set under `key`: `None` when absent, WRONGTYPE for another type.
pub(crate) fn lookup_set<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s SetValue>, CommandError> {
    crate::typed::lookup(shard, key, now, Value::as_set)
}

/// The live set under `key` for modification, if any.
fn lookup_set_mut<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s mut SetValue>, CommandError> {
    crate::typed::lookup_mut(shard, key, now, Value::as_set_mut)
}

/// The set under `key`, created (in the encoding Redis picks for a first
/// member `first`) when absent (then also true). The caller must add to it.
fn set_for_write<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    first: &[u8],
    now: u64,
) -> Result<(&'s mut SetValue, bool), CommandError> {
    let created = lookup_set(shard, key, now)?.is_none();
    if created {
        shard.insert(key, Entry::new(Value::Set(SetValue::new_for(first))));
    }
    match shard.get_mut(key, now) {
        Some(Entry {
            value: Value::Set(s),
            ..
        }) => Ok((s, created)),
        _ => Err(CommandError::WrongType),
    }
}

fn bulk_member(r: &mut ferrodis_protocol::ReplyBuf, m: MemberRef<'_>) {
    match m {
        MemberRef::Int(i) => r.bulk_int(i),
        MemberRef::Bytes(b) => r.bulk(b),
    }
}

/// SADD key member [member ...]
fn sadd(ctx: &mut Ctx<'_>) -> CmdResult {
    let max = max_intset(ctx);
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let (s, created) = set_for_write(&mut shard, key, &ctx.argv[2], ctx.now_ms)?;
    let mut n = 0;
    for m in &ctx.argv[2..] {
        if s.add(m, max) {
            n += 1;
        }
    }
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    if n > 0 {
        emit(ctx.srv, ctx.client, class::SET, "sadd", key);
    }
    ctx.client.reply.integer(n);
    Ok(())
}

/// SREM key member [member ...]
fn srem(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let mut n = 0;
    if let Some(s) = lookup_set_mut(&mut shard, key, ctx.now_ms)? {
        for m in &ctx.argv[2..] {
            if s.remove(m) {
                n += 1;
                if s.is_empty() {
                    break;
                }
            }
        }
        let emptied = s.is_empty();
        if emptied {
            shard.remove(key);
        }
        if n > 0 {
            emit(ctx.srv, ctx.client, class::SET, "srem", key);
        }
        if emptied {
            emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
        }
    }
    ctx.client.reply.integer(n);
    Ok(())
}

/// SISMEMBER key member
fn sismember(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let yes = lookup_set(&mut shard, key, ctx.now_ms)?.is_some_and(|s| s.contains(&ctx.argv[2]));
    ctx.client.reply.integer(i64::from(yes));
    Ok(())
}

/// SMISMEMBER key member [member ...]
fn smismember(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_set(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    r.array(ctx.argv.len() - 2);
    for m in &ctx.argv[2..] {
        r.integer(i64::from(s.is_some_and(|s| s.contains(m))));
    }
    Ok(())
}

/// SCARD key
fn scard(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let n = lookup_set(&mut shard, key, ctx.now_ms)?.map_or(0, |s| s.len());
    ctx.client
        .reply
        .integer(i64::try_from(n).unwrap_or(i64::MAX));
    Ok(())
}

/// SMEMBERS key (a set in RESP3)
fn smembers(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_set(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    r.set(s.map_or(0, |s| s.len()));
    if let Some(s) = s {
        for m in s.iter() {
            bulk_member(r, m);
        }
    }
    Ok(())
}

/// SPOP key [count]
fn spop(ctx: &mut Ctx<'_>) -> CmdResult {
    let count = match ctx.argc() {
        2 => None,
        3 => match parse_i64_strict(&ctx.argv[2]) {
            Some(c) if c >= 0 => Some(c as u64),
            _ => return Err(CommandError::NotPositive),
        },
        _ => return Err(CommandError::Syntax),
    };
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    let Some(s) = lookup_set_mut(&mut shard, key, ctx.now_ms)? else {
        match count {
            None => client.reply.null(),
            Some(_) => client.reply.set(0),
        }
        return Ok(());
    };
    let mut rng = rand::thread_rng();
    // Replicas and the AOF get the members that went, not a random pop.
    let mut srem = srv
        .propagator
        .is_active()
        .then(|| vec![Bytes::from_static(b"SREM"), key.clone()]);
    let mut record = |m: &[u8]| {
        if let Some(v) = srem.as_mut() {
            v.push(Bytes::copy_from_slice(m));
        }
    };
    match count {
        None => match s.pop_random(&mut rng) {
            Some(m) => {
                emit(srv, client, class::SET, "spop", key);
                m.with_bytes(|b| {
                    record(b);
                    client.reply.bulk(b)
                });
            }
            None => client.reply.null(),
        },
        Some(0) => client.reply.set(0),
        Some(c) if c >= s.len() as u64 => {
            // Everything: reply with the whole set, then delete the key.
            emit(srv, client, class::SET, "spop", key);
            let r = &mut client.reply;
            r.set(s.len());
            for m in s.iter() {
                bulk_member(r, m);
            }
            shard.remove(key);
            emit(srv, client, class::GENERIC, "del", key);
            if srem.is_some() {
                client.propagate = Some(vec![vec![Bytes::from_static(b"DEL"), key.clone()]]);
            }
            return Ok(());
        }
        Some(c) => {
            // Redis notifies before replying the popped members.
            emit(srv, client, class::SET, "spop", key);
            let r = &mut client.reply;
            r.set(c as usize);
            for _ in 0..c {
                if let Some(m) = s.pop_random(&mut rng) {
                    m.with_bytes(|b| record(b));
                    bulk_member(r, m.as_ref());
                }
            }
        }
    }
    if let Some(v) = srem {
        client.propagate = Some(if v.len() > 2 { vec![v] } else { Vec::new() });
    }
    if s.is_empty() {
        shard.remove(key);
        emit(srv, client, class::GENERIC, "del", key);
    }
    Ok(())
}

/// SRANDMEMBER key [count]
fn srandmember(ctx: &mut Ctx<'_>) -> CmdResult {
    let count = match ctx.argc() {
        2 => None,
        3 => {
            let c = parse_int(&ctx.argv[2])?;
            if c == i64::MIN {
                return Err(CommandError::NotLongRange);
            }
            Some(c)
        }
        _ => return Err(CommandError::Syntax),
    };
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_set(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    let mut rng = rand::thread_rng();
    let Some(s) = s else {
        match count {
            None => r.null(),
            Some(_) => r.array(0),
        }
        return Ok(());
    };
    let n = s.len();
    let Some(count) = count else {
        match s.nth(rng.gen_range(0..n.max(1))) {
            Some(m) => bulk_member(r, m),
            None => r.null(),
        }
        return Ok(());
    };
    let idx = s.indexed();
    if n == 0 {
        r.array(0);
    } else if count < 0 {
        // Repeats allowed: exactly |count| picks, written as they are drawn.
        let picks = count.unsigned_abs() as usize;
        r.array(picks);
        for _ in 0..picks {
            if let Some(m) = idx.get(rng.gen_range(0..n)) {
                bulk_member(r, m);
            }
        }
    } else {
        let want = (count as usize).min(n);
        r.array(want);
        sample_distinct(n, want, &mut rng, |i| {
            if let Some(m) = idx.get(i) {
                bulk_member(r, m);
            }
        });
    }
    Ok(())
}

/// SMOVE source destination member
fn smove(ctx: &mut Ctx<'_>) -> CmdResult {
    let max = max_intset(ctx);
    let (src, dst, member) = (&ctx.argv[1], &ctx.argv[2], &ctx.argv[3]);
    let now = ctx.now_ms;
    let mut g = ctx
        .srv
        .keyspace
        .db(ctx.client.db)
        .lock_keys([&src[..], &dst[..]]);
    let r = &mut ctx.client.reply;
    let is_member = match lookup_set(g.shard(src), src, now)? {
        None => {
            r.integer(0);
            return Ok(());
        }
        Some(s) => s.contains(member),
    };
    lookup_set(g.shard(dst), dst, now)?;
    if src == dst || !is_member {
        r.integer(i64::from(is_member));
        return Ok(());
    }
    let shard = g.shard(src);
    let mut src_deleted = false;
    if let Some(s) = lookup_set_mut(shard, src, now)? {
        s.remove(member);
        if s.is_empty() {
            shard.remove(src);
            src_deleted = true;
        }
    }
    let (d, created) = set_for_write(g.shard(dst), dst, member, now)?;
    let added = d.add(member, max);
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    emit(srv, client, class::SET, "srem", src);
    if src_deleted {
        emit(srv, client, class::GENERIC, "del", src);
    }
    if created {
        emit(srv, client, class::NEW, "new", dst);
    }
    if added {
        emit(srv, client, class::SET, "sadd", dst);
    }
    client.reply.integer(1);
    Ok(())
}

/// Looks up every set of `keys` (type-checking all of them, as Redis
/// does); their sizes, `None` for a missing key.
fn set_sizes(
    g: &mut MultiGuard<'_>,
    keys: &[Bytes],
    now: u64,
) -> Result<Vec<Option<usize>>, CommandError> {
    keys.iter()
        .map(|k| Ok(lookup_set(g.shard(k), k, now)?.map(|s| s.len())))
        .collect()
}

/// The members common to all `keys` (empty if one is missing), in the
/// order of the smallest set.
fn inter_members(
    g: &mut MultiGuard<'_>,
    keys: &[Bytes],
    now: u64,
) -> Result<Vec<Member>, CommandError> {
    let sizes = set_sizes(g, keys, now)?;
    if sizes.iter().any(|s| s.is_none()) {
        return Ok(Vec::new());
    }
    let Some(smallest) = (0..keys.len()).min_by_key(|&i| sizes[i]) else {
        return Ok(Vec::new());
    };
    let k = &keys[smallest];
    let mut out: Vec<Member> = match lookup_set(g.shard(k), k, now)? {
        Some(s) => s.iter().map(|m| m.to_owned()).collect(),
        None => Vec::new(),
    };
    for (i, k) in keys.iter().enumerate() {
        if i == smallest || out.is_empty() {
            continue;
        }
        if let Some(s) = lookup_set(g.shard(k), k, now)? {
            out.retain(|m| s.contains_ref(m.as_ref()));
        }
    }
    Ok(out)
}

/// The members of the first of `keys` that are in none of the others.
fn diff_members(
    g: &mut MultiGuard<'_>,
    keys: &[Bytes],
    now: u64,
) -> Result<Vec<Member>, CommandError> {
    set_sizes(g, keys, now)?;
    let first = &keys[0];
    let mut out: Vec<Member> = match lookup_set(g.shard(first), first, now)? {
        Some(s) => s.iter().map(|m| m.to_owned()).collect(),
        None => return Ok(Vec::new()),
    };
    for k in &keys[1..] {
        if out.is_empty() {
            break;
        }
        if let Some(s) = lookup_set(g.shard(k), k, now)? {
            out.retain(|m| !s.contains_ref(m.as_ref()));
        }
    }
    Ok(out)
}

/// The union of `keys`, built as Redis builds it (from an empty intset,
/// member by member, so the encoding follows the usual rules).
fn union_set(
    g: &mut MultiGuard<'_>,
    keys: &[Bytes],
    now: u64,
    max: usize,
) -> Result<SetValue, CommandError> {
    set_sizes(g, keys, now)?;
    let mut out = SetValue::new_intset();
    for k in keys {
        if let Some(s) = lookup_set(g.shard(k), k, now)? {
            for m in s.iter() {
                m.with_bytes(|b| out.add(b, max));
            }
        }
    }
    Ok(out)
}

/// Builds a set from members (as the STORE variants do).
fn build_set(members: &[Member], max: usize) -> SetValue {
    let mut out = SetValue::new_intset();
    for m in members {
        m.with_bytes(|b| out.add(b, max));
    }
    out
}

/// Stores `set` under `dst` (replacing whatever was there, TTL included),
/// or deletes `dst` when the set is empty; replies with its size.
fn store_generic(
    ctx: &mut Ctx<'_>,
    g: &mut MultiGuard<'_>,
    dst: &[u8],
    set: SetValue,
    event: &str,
    del_before_reply: bool,
) {
    let n = set.len();
    let shard = g.shard(dst);
    let (srv, client) = (ctx.srv, &mut *ctx.client);
    let reply = i64::try_from(n).unwrap_or(i64::MAX);
    if n == 0 {
        let existed = shard.remove(dst).is_some();
        if existed && del_before_reply {
            emit(srv, client, class::GENERIC, "del", dst);
        }
        client.reply.integer(reply);
        if existed && !del_before_reply {
            emit(srv, client, class::GENERIC, "del", dst);
        }
    } else {
        let existed = shard.contains(dst, ctx.now_ms);
        shard.set(dst, Value::Set(set));
        if !existed {
            emit(srv, client, class::NEW, "new", dst);
        }
        client.reply.integer(reply);
        emit(srv, client, class::SET, event, dst);
    }
}

/// Which algebra a command computes.
#[derive(Clone, Copy)]
enum Op {
    Inter,
    Union,
    Diff,
}

/// SINTER / SUNION / SDIFF and their STORE variants: `keys_at` is where
/// the source keys start; with `store`, argv[1] is the destination.
fn algebra_generic(ctx: &mut Ctx<'_>, op: Op, store: bool) -> CmdResult {
    let max = max_intset(ctx);
    let now = ctx.now_ms;
    let argv = ctx.argv;
    let keys = if store { &argv[2..] } else { &argv[1..] };
    let mut g = ctx
        .srv
        .keyspace
        .db(ctx.client.db)
        .lock_keys(argv[1..].iter().map(|k| &k[..]));
    let set = match op {
        Op::Union => union_set(&mut g, keys, now, max)?,
        Op::Inter | Op::Diff => {
            let members = match op {
                Op::Inter => inter_members(&mut g, keys, now)?,
                _ => diff_members(&mut g, keys, now)?,
            };
            if !store {
                let r = &mut ctx.client.reply;
                r.set(members.len());
                for m in &members {
                    bulk_member(r, m.as_ref());
                }
                return Ok(());
            }
            build_set(&members, max)
        }
    };
    if store {
        let event = match op {
            Op::Inter => "sinterstore",
            Op::Union => "sunionstore",
            Op::Diff => "sdiffstore",
        };
        // SINTERSTORE with a missing source takes Redis's short path,
        // which notifies before replying.
        let short = matches!(op, Op::Inter) && keys.iter().any(|k| !g.shard(k).contains(k, now));
        store_generic(ctx, &mut g, &argv[1], set, event, short);
    } else {
        let r = &mut ctx.client.reply;
        r.set(set.len());
        for m in set.iter() {
            bulk_member(r, m);
        }
    }
    Ok(())
}

/// SINTER key [key ...]
fn sinter(ctx: &mut Ctx<'_>) -> CmdResult {
    algebra_generic(ctx, Op::Inter, false)
}

/// SINTERSTORE destination key [key ...]
fn sinterstore(ctx: &mut Ctx<'_>) -> CmdResult {
    algebra_generic(ctx, Op::Inter, true)
}

/// SUNION key [key ...]
fn sunion(ctx: &mut Ctx<'_>) -> CmdResult {
    algebra_generic(ctx, Op::Union, false)
}

/// SUNIONSTORE destination key [key ...]
fn sunionstore(ctx: &mut Ctx<'_>) -> CmdResult {
    algebra_generic(ctx, Op::Union, true)
}

/// SDIFF key [key ...]
fn sdiff(ctx: &mut Ctx<'_>) -> CmdResult {
    algebra_generic(ctx, Op::Diff, false)
}

/// SDIFFSTORE destination key [key ...]
fn sdiffstore(ctx: &mut Ctx<'_>) -> CmdResult {
    algebra_generic(ctx, Op::Diff, true)
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn sintercard(ctx: &mut Ctx<'_>) -> CmdResult {
    let numkeys = match parse_i64_strict(&ctx.argv[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CommandError::NumkeysNotPositive),
    };
    if numkeys > (ctx.argc() - 2) as u64 {
        return Err(CommandError::TooManyNumkeys);
    }
    let end = 2 + numkeys as usize;
    let mut limit = 0u64;
    let mut i = end;
    while i < ctx.argc() {
        if eq_ic(&ctx.argv[i], "LIMIT") && i + 1 < ctx.argc() {
            limit = match parse_i64_strict(&ctx.argv[i + 1]) {
                Some(l) if l >= 0 => l as u64,
                _ => return Err(CommandError::NegativeLimit),
            };
            i += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let keys = &ctx.argv[2..end];
    let now = ctx.now_ms;
    let mut g = ctx
        .srv
        .keyspace
        .db(ctx.client.db)
        .lock_keys(keys.iter().map(|k| &k[..]));
    let mut n = inter_members(&mut g, keys, now)?.len() as u64;
    if limit != 0 {
        n = n.min(limit);
    }
    drop(g);
    ctx.reply().integer(i64::try_from(n).unwrap_or(i64::MAX));
    Ok(())
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
fn sscan(ctx: &mut Ctx<'_>) -> CmdResult {
    parse_scan_cursor(&ctx.argv[2])?;
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let s = lookup_set(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    let Some(s) = s else {
        crate::keyspace::reply_empty_scan(r);
        return Ok(());
    };
    let o = parse_scan_options(ctx.argv, 2, false)?;
    let pos = o.start_position();
    let mut found = Vec::new();
    let next = s.scan(pos, o.count, &mut found);
    r.array(2);
    r.bulk_int(i64::try_from(next).unwrap_or(i64::MAX));
    let d = r.deferred();
    let mut n = 0;
    for m in found {
        if m.with_bytes(|b| o.wants(b, "")) {
            bulk_member(r, m);
            n += 1;
        }
    }
    r.set_deferred_array(d, n);
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "sadd",
        handler: Some(sadd),
        arity: -3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "set",
        since: "1.0.0",
        summary: "Adds members to a set, creating the set when needed.",
        complexity: "O(1) per member added.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "member",
                kind: ArgKind::String,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "srem",
        handler: Some(srem),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "set",
        since: "1.0.0",
        summary: "Removes members from a set, deleting the set once it is empty.",
        complexity: "O(N) for N members removed.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "member",
                kind: ArgKind::String,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sismember",
        handler: Some(sismember),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "set",
        since: "1.0.0",
        summary: "Tells whether a value is a member of a set.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "member",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "smismember",
        handler: Some(smismember),
        arity: -3,
        flags: READONLY | FAST,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "set",
        since: "6.2.0",
        summary: "Tells, for each of several values, whether it is a member of a set.",
        complexity: "O(N) for N values checked.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "member",
                kind: ArgKind::String,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "scard",
        handler: Some(scard),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "set",
        since: "1.0.0",
        summary: "Returns how many members a set has.",
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
        name: "smembers",
        handler: Some(smembers),
        arity: 2,
        flags: READONLY,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output_order"],
        group: "set",
        since: "1.0.0",
        summary: "Returns every member of a set.",
        complexity: "O(N) for a set of N members.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "spop",
        handler: Some(spop),
        arity: -2,
        flags: WRITE | FAST,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "set",
        since: "1.0.0",
        summary: "Removes and returns one or more random members of a set.",
        complexity: "O(1) without a count, otherwise O(N) for N members popped.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "count",
                kind: ArgKind::Integer,
                since: Some("3.2.0"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "srandmember",
        handler: Some(srandmember),
        arity: -2,
        flags: READONLY,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "set",
        since: "1.0.0",
        summary: "Returns one or more random members of a set without removing them.",
        complexity: "O(1) without a count, otherwise O(N) for N members returned.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "count",
                kind: ArgKind::Integer,
                since: Some("2.6.0"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "smove",
        handler: Some(smove),
        arity: 4,
        flags: WRITE | FAST,
        acl: CAT_SET,
        key_range: (1, 2, 1),
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "delete"],
                begin: Begin::Index(1),
                find: Find::Range {
                    last: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RW", "insert"],
                begin: Begin::Index(2),
                find: Find::Range {
                    last: 0,
                    step: 1,
                    limit: 0,
                },
            },
        ],
        group: "set",
        since: "1.0.0",
        summary: "Moves a member from one set to another.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "source",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "destination",
                kind: ArgKind::Key,
                key_spec_index: 1,
                ..Arg::BASE
            },
            Arg {
                name: "member",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sinter",
        handler: Some(sinter),
        arity: -2,
        flags: READONLY,
        acl: CAT_SET,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output_order"],
        group: "set",
        since: "1.0.0",
        summary: "Returns the members common to all the given sets.",
        complexity: "O(N*M) at worst, N being the smallest set's size and M the number of sets.",
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
        name: "sintercard",
        handler: Some(sintercard),
        arity: -3,
        flags: READONLY | MOVABLEKEYS,
        acl: CAT_SET,
        key_range: (0, 0, 0),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Keynum {
                keynum_idx: 0,
                first: 1,
                step: 1,
            },
        }],
        group: "set",
        since: "7.0.0",
        summary: "Counts the members common to all the given sets, up to an optional limit.",
        complexity: "O(N*M) at worst, N being the smallest set's size and M the number of sets.",
        args: &[
            Arg {
                name: "numkeys",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
            Arg {
                name: "limit",
                kind: ArgKind::Integer,
                token: Some("LIMIT"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sinterstore",
        handler: Some(sinterstore),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_SET,
        key_range: (1, -1, 1),
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    last: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    last: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
        group: "set",
        since: "1.0.0",
        summary: "Stores the members common to all the given sets in a key.",
        complexity: "O(N*M) at worst, N being the smallest set's size and M the number of sets.",
        args: &[
            Arg {
                name: "destination",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 1,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sunion",
        handler: Some(sunion),
        arity: -2,
        flags: READONLY,
        acl: CAT_SET,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output_order"],
        group: "set",
        since: "1.0.0",
        summary: "Returns the members present in any of the given sets.",
        complexity: "O(N) for N members in all the sets together.",
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
        name: "sunionstore",
        handler: Some(sunionstore),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_SET,
        key_range: (1, -1, 1),
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    last: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    last: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
        group: "set",
        since: "1.0.0",
        summary: "Stores the members present in any of the given sets in a key.",
        complexity: "O(N) for N members in all the sets together.",
        args: &[
            Arg {
                name: "destination",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 1,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sdiff",
        handler: Some(sdiff),
        arity: -2,
        flags: READONLY,
        acl: CAT_SET,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output_order"],
        group: "set",
        since: "1.0.0",
        summary: "Returns the members of the first set that are in none of the other sets.",
        complexity: "O(N) for N members in all the sets together.",
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
        name: "sdiffstore",
        handler: Some(sdiffstore),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_SET,
        key_range: (1, -1, 1),
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(1),
                find: Find::Range {
                    last: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(2),
                find: Find::Range {
                    last: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
        group: "set",
        since: "1.0.0",
        summary: "Stores the members of the first set that are in none of the other sets in a key.",
        complexity: "O(N) for N members in all the sets together.",
        args: &[
            Arg {
                name: "destination",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 1,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sscan",
        handler: Some(sscan),
        arity: -3,
        flags: READONLY,
        acl: CAT_SET,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["nondeterministic_output"],
        group: "set",
        since: "2.8.0",
        summary: "Walks the members of a set incrementally with a cursor.",
        complexity: "O(1) per call; O(N) for a full walk back to cursor 0, N being the set's size.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "cursor",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "pattern",
                kind: ArgKind::Pattern,
                token: Some("MATCH"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "count",
                kind: ArgKind::Integer,
                token: Some("COUNT"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];
