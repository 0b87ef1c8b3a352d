//! Hash commands (Redis's "hash" group). The values and their encodings
//! (listpack, hashtable) live in `ferrodis_engine::hash`.

use bytes::Bytes;
use ferrodis_engine::{Entry, HashLimits, HashValue, Shard, Value};
use rand::Rng;

use crate::args::{eq_ic, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::keyspace::{parse_scan_cursor, parse_scan_options};
use crate::notify::{class, emit};
use crate::set::sample_distinct;
use crate::spec::*;
use crate::string::f80::F80;

/// The listpack thresholds from the live config.
fn limits(ctx: &Ctx<'_>) -> HashLimits {
    let c = ctx.srv.config.read();
    HashLimits {
        max_entries: usize::try_from(c.hash_max_listpack_entries).unwrap_or(usize::MAX),
        max_value: usize::try_from(c.hash_max_listpack_value).unwrap_or(usize::MAX),
    }
}

/// The live hash under `key`: `None` when absent, WRONGTYPE for another type.
pub(crate) fn lookup_hash<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s HashValue>, CommandError> {
    crate::typed::lookup(shard, key, now, Value::as_hash)
}

/// The live hash under `key` for modification, if any.
fn lookup_hash_mut<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<Option<&'s mut HashValue>, CommandError> {
    crate::typed::lookup_mut(shard, key, now, Value::as_hash_mut)
}

/// The hash under `key`, created empty when absent (then also true). The
/// caller must add to it (a key never holds an empty hash).
fn hash_for_write<'s>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
) -> Result<(&'s mut HashValue, bool), CommandError> {
    let created = lookup_hash(shard, key, now)?.is_none();
    if created {
        shard.insert(key, Entry::new(Value::Hash(HashValue::new())));
    }
    match shard.get_mut(key, now) {
        Some(Entry {
            value: Value::Hash(h),
            ..
        }) => Ok((h, created)),
        _ => Err(CommandError::WrongType),
    }
}

/// Sets the field/value pairs of `argv[2..]` and replies how many were new
/// (HSET) or OK (HMSET).
fn hset_generic(ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if !ctx.argc().is_multiple_of(2) {
        return Err(CommandError::WrongArity(name.to_string()));
    }
    let lim = limits(ctx);
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let (h, created) = hash_for_write(&mut shard, key, ctx.now_ms)?;
    let mut added = 0;
    for pair in ctx.argv[2..].chunks_exact(2) {
        if h.set(&pair[0], &pair[1], lim) {
            added += 1;
        }
    }
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    if name == "hset" {
        ctx.client.reply.integer(added);
    } else {
        ctx.client.reply.ok();
    }
    emit(ctx.srv, ctx.client, class::HASH, "hset", key);
    Ok(())
}

/// HSET key field value [field value ...]
fn hset(ctx: &mut Ctx<'_>) -> CmdResult {
    hset_generic(ctx, "hset")
}

/// HMSET key field value [field value ...]: HSET replying OK.
fn hmset(ctx: &mut Ctx<'_>) -> CmdResult {
    hset_generic(ctx, "hmset")
}

/// HSETNX key field value
fn hsetnx(ctx: &mut Ctx<'_>) -> CmdResult {
    let lim = limits(ctx);
    let (key, field, value) = (&ctx.argv[1], &ctx.argv[2], &ctx.argv[3]);
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let exists = lookup_hash(&mut shard, key, ctx.now_ms)?.is_some_and(|h| h.contains(field));
    if !exists {
        let (h, created) = hash_for_write(&mut shard, key, ctx.now_ms)?;
        h.set(field, value, lim);
        if created {
            emit(ctx.srv, ctx.client, class::NEW, "new", key);
        }
    }
    ctx.client.reply.integer(i64::from(!exists));
    if !exists {
        emit(ctx.srv, ctx.client, class::HASH, "hset", key);
    }
    Ok(())
}

/// HGET key field
fn hget(ctx: &mut Ctx<'_>) -> CmdResult {
    let (key, field) = (&ctx.argv[1], &ctx.argv[2]);
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let r = &mut ctx.client.reply;
    match lookup_hash(&mut shard, key, ctx.now_ms)?.and_then(|h| h.get(field)) {
        Some(v) => r.bulk(v),
        None => r.null(),
    }
    Ok(())
}

/// HMGET key field [field ...]
fn hmget(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let h = lookup_hash(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    r.array(ctx.argv.len() - 2);
    for f in &ctx.argv[2..] {
        match h.and_then(|h| h.get(f)) {
            Some(v) => r.bulk(v),
            None => r.null(),
        }
    }
    Ok(())
}

/// HDEL key field [field ...]
fn hdel(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let mut n = 0;
    if let Some(h) = lookup_hash_mut(&mut shard, key, ctx.now_ms)? {
        for f in &ctx.argv[2..] {
            if h.remove(f) {
                n += 1;
                if h.is_empty() {
                    break;
                }
            }
        }
        let emptied = h.is_empty();
        if emptied {
            shard.remove(key);
        }
        if n > 0 {
            emit(ctx.srv, ctx.client, class::HASH, "hdel", key);
        }
        if emptied {
            emit(ctx.srv, ctx.client, class::GENERIC, "del", key);
        }
    }
    ctx.client.reply.integer(n);
    Ok(())
}

/// Replies with an integer computed from the hash (0 when absent).
fn hash_int_generic(ctx: &mut Ctx<'_>, f: impl FnOnce(&HashValue, &Ctx<'_>) -> usize) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.db().lock(key);
    let n = lookup_hash(&mut shard, key, ctx.now_ms)?.map_or(0, |h| f(h, ctx));
    drop(shard);
    ctx.reply().integer(i64::try_from(n).unwrap_or(i64::MAX));
    Ok(())
}

/// HLEN key
fn hlen(ctx: &mut Ctx<'_>) -> CmdResult {
    hash_int_generic(ctx, |h, _| h.len())
}

/// HSTRLEN key field
fn hstrlen(ctx: &mut Ctx<'_>) -> CmdResult {
    hash_int_generic(ctx, |h, ctx| h.get(&ctx.argv[2]).map_or(0, |v| v.len()))
}

/// HEXISTS key field
fn hexists(ctx: &mut Ctx<'_>) -> CmdResult {
    hash_int_generic(ctx, |h, ctx| usize::from(h.contains(&ctx.argv[2])))
}

/// What HKEYS / HVALS / HGETALL reply with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Keys,
    Values,
    Both,
}

fn getall_generic(ctx: &mut Ctx<'_>, part: Part) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let h = lookup_hash(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    let n = h.map_or(0, |h| h.len());
    match part {
        Part::Both => r.map(n),
        _ => r.array(n),
    }
    if let Some(h) = h {
        for (f, v) in h.iter() {
            if part != Part::Values {
                r.bulk(f);
            }
            if part != Part::Keys {
                r.bulk(v);
            }
        }
    }
    Ok(())
}

/// HKEYS key
fn hkeys(ctx: &mut Ctx<'_>) -> CmdResult {
    getall_generic(ctx, Part::Keys)
}

/// HVALS key
fn hvals(ctx: &mut Ctx<'_>) -> CmdResult {
    getall_generic(ctx, Part::Values)
}

/// HGETALL key (a map in RESP3)
fn hgetall(ctx: &mut Ctx<'_>) -> CmdResult {
    getall_generic(ctx, Part::Both)
}

/// HINCRBY key field increment
fn hincrby(ctx: &mut Ctx<'_>) -> CmdResult {
    let by = parse_int(&ctx.argv[3])?;
    let lim = limits(ctx);
    let (key, field) = (&ctx.argv[1], &ctx.argv[2]);
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let old = match lookup_hash(&mut shard, key, ctx.now_ms)?.and_then(|h| h.get(field)) {
        None => 0,
        Some(v) => crate::args::parse_i64_strict(v).ok_or(CommandError::HashNotInteger)?,
    };
    let new = old.checked_add(by).ok_or(CommandError::IncrOverflow)?;
    let mut buf = [0u8; 20];
    let text = ferrodis_engine::value::fmt_i64(new, &mut buf);
    let (h, created) = hash_for_write(&mut shard, key, ctx.now_ms)?;
    h.set(field, text, lim);
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    ctx.client.reply.integer(new);
    emit(ctx.srv, ctx.client, class::HASH, "hincrby", key);
    Ok(())
}

/// HINCRBYFLOAT key field increment: computed in 80-bit extended precision
/// and stored in Redis's human-readable form, as INCRBYFLOAT does.
fn hincrbyfloat(ctx: &mut Ctx<'_>) -> CmdResult {
    let incr = F80::parse(&ctx.argv[3]).ok_or(CommandError::NotFloat)?;
    if !incr.is_finite() {
        return Err(CommandError::NanOrInfinity);
    }
    let lim = limits(ctx);
    let (key, field) = (&ctx.argv[1], &ctx.argv[2]);
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let old = match lookup_hash(&mut shard, key, ctx.now_ms)?.and_then(|h| h.get(field)) {
        None => F80::ZERO,
        Some(v) => F80::parse(v).ok_or(CommandError::HashNotFloat)?,
    };
    let sum = old.add(incr);
    if !sum.is_finite() {
        return Err(CommandError::IncrNanOrInf);
    }
    let text = sum.to_human();
    let (h, created) = hash_for_write(&mut shard, key, ctx.now_ms)?;
    h.set(field, &text, lim);
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    ctx.client.reply.bulk(&text);
    emit(ctx.srv, ctx.client, class::HASH, "hincrbyfloat", key);
    crate::propagate::rewrite(ctx.srv, ctx.client, || {
        vec![
            Bytes::from_static(b"HSET"),
            key.clone(),
            field.clone(),
            Bytes::copy_from_slice(&text),
        ]
    });
    Ok(())
}

/// HRANDFIELD key [count [WITHVALUES]]
fn hrandfield(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() == 2 {
        let key = &ctx.argv[1];
        let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
        let h = lookup_hash(&mut shard, key, ctx.now_ms)?;
        let r = &mut ctx.client.reply;
        match h {
            None => r.null(),
            Some(h) => {
                let i = rand::thread_rng().gen_range(0..h.len().max(1));
                match h.nth_field(i) {
                    Some(f) => r.bulk(f),
                    None => r.null(),
                }
            }
        }
        return Ok(());
    }
    let count = parse_int(&ctx.argv[2])?;
    if count == i64::MIN {
        return Err(CommandError::NotLongRange);
    }
    let withvalues = match ctx.argc() {
        3 => false,
        4 if eq_ic(&ctx.argv[3], "WITHVALUES") => {
            if !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
                return Err(CommandError::OutOfRange);
            }
            true
        }
        _ => return Err(CommandError::Syntax),
    };
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let h = lookup_hash(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    let Some(h) = h else {
        r.array(0);
        return Ok(());
    };
    let resp3 = r.resp() == 3;
    let idx = h.indexed();
    if idx.is_empty() {
        r.array(0);
        return Ok(());
    }
    let emit = |r: &mut ferrodis_protocol::ReplyBuf, pair: Option<(&[u8], &[u8])>| {
        let Some((f, v)) = pair else { return };
        if withvalues && resp3 {
            r.array(2);
        }
        r.bulk(f);
        if withvalues {
            r.bulk(v);
        }
    };
    let per = if withvalues && !resp3 { 2 } else { 1 };
    let mut rng = rand::thread_rng();
    if count < 0 {
        // Repeats allowed: exactly |count| picks.
        let n = count.unsigned_abs() as usize;
        r.array(n * per);
        for _ in 0..n {
            emit(r, idx.get(rng.gen_range(0..idx.len())));
        }
    } else {
        let n = (count as usize).min(idx.len());
        r.array(n * per);
        sample_distinct(idx.len(), n, &mut rng, |i| emit(r, idx.get(i)));
    }
    Ok(())
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
fn hscan(ctx: &mut Ctx<'_>) -> CmdResult {
    parse_scan_cursor(&ctx.argv[2])?;
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let h = lookup_hash(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    let Some(h) = h else {
        crate::keyspace::reply_empty_scan(r);
        return Ok(());
    };
    let o = parse_scan_options(ctx.argv, 2, false)?;
    let pos = o.start_position();
    let mut found = Vec::new();
    let next = h.scan(pos, o.count, &mut found);
    r.array(2);
    r.bulk_int(i64::try_from(next).unwrap_or(i64::MAX));
    let d = r.deferred();
    let mut n = 0;
    for (f, v) in found {
        if o.wants(f, "") {
            r.bulk(f);
            r.bulk(v);
            n += 2;
        }
    }
    r.set_deferred_array(d, n);
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "hset",
        handler: Some(hset),
        arity: -4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_HASH,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "hash",
        since: "2.0.0",
        summary: "Sets one or more fields of a hash, creating the hash when needed.",
        complexity: "O(1) per field/value pair.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field_value",
                kind: ArgKind::Block,
                flags: ARG_MULTIPLE,
                args: &[
                    Arg {
                        name: "field",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "value",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hsetnx",
        handler: Some(hsetnx),
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Sets a hash field only when the field does not exist yet.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hget",
        handler: Some(hget),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Returns the value stored in one field of a hash.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hmget",
        handler: Some(hmget),
        arity: -3,
        flags: READONLY | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Returns the values stored in several fields of a hash.",
        complexity: "O(N) for N requested fields.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hmset",
        handler: Some(hmset),
        arity: -4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_HASH,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "hash",
        since: "2.0.0",
        summary: "Sets one or more fields of a hash (replaced by HSET).",
        complexity: "O(N) for N fields set.",
        doc_flags: &["deprecated"],
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field_value",
                kind: ArgKind::Block,
                flags: ARG_MULTIPLE,
                args: &[
                    Arg {
                        name: "field",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "value",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hdel",
        handler: Some(hdel),
        arity: -3,
        flags: WRITE | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Removes fields from a hash, deleting the hash once it is empty.",
        complexity: "O(N) for N fields removed.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hlen",
        handler: Some(hlen),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Returns how many fields a hash has.",
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
        name: "hstrlen",
        handler: Some(hstrlen),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "3.2.0",
        summary: "Returns the length in bytes of a hash field's value.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hexists",
        handler: Some(hexists),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Tells whether a hash has a given field.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hkeys",
        handler: Some(hkeys),
        arity: 2,
        flags: READONLY,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Returns every field name of a hash.",
        complexity: "O(N) for a hash of N fields.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hvals",
        handler: Some(hvals),
        arity: 2,
        flags: READONLY,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Returns every value of a hash.",
        complexity: "O(N) for a hash of N fields.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hgetall",
        handler: Some(hgetall),
        arity: 2,
        flags: READONLY,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.0.0",
        summary: "Returns every field and value of a hash.",
        complexity: "O(N) for a hash of N fields.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hincrby",
        handler: Some(hincrby),
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_HASH,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "hash",
        since: "2.0.0",
        summary: "Adds an integer to the integer stored in a hash field.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "increment",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hincrbyfloat",
        handler: Some(hincrbyfloat),
        arity: 4,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_HASH,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "hash",
        since: "2.6.0",
        summary: "Adds a floating-point number to the number stored in a hash field.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "field",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "increment",
                kind: ArgKind::Double,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hrandfield",
        handler: Some(hrandfield),
        arity: -2,
        flags: READONLY,
        acl: CAT_HASH,
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
        group: "hash",
        since: "6.2.0",
        summary: "Returns one or more random fields of a hash, optionally with their values.",
        complexity: "O(N) for N fields returned.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "options",
                kind: ArgKind::Block,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "count",
                        kind: ArgKind::Integer,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "withvalues",
                        kind: ArgKind::PureToken,
                        token: Some("WITHVALUES"),
                        flags: ARG_OPTIONAL,
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hscan",
        handler: Some(hscan),
        arity: -3,
        flags: READONLY,
        acl: CAT_HASH,
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
        group: "hash",
        since: "2.8.0",
        summary: "Walks the fields and values of a hash incrementally with a cursor.",
        complexity:
            "O(1) per call; O(N) for a full walk back to cursor 0, N being the hash's size.",
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
