//! The HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG and
//! PFSELFTEST, over string values in Redis's byte format
//! (`ferrodis_engine::hll`).

use bytes::Bytes;
use ferrodis_engine::db::MultiGuard;
use ferrodis_engine::hll::{self, Corrupt, Encoding};
use ferrodis_engine::{Entry, StrValue, Value};

use crate::args::eq_ic;
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};
use crate::spec::*;

impl From<Corrupt> for CommandError {
    fn from(_: Corrupt) -> Self {
        CommandError::HllCorrupt
    }
}

fn sparse_max(ctx: &Ctx<'_>) -> usize {
    usize::try_from(ctx.srv.config.read().hll_sparse_max_bytes).unwrap_or(usize::MAX)
}

/// The HyperLogLog under an entry, for reading: its bytes after Redis's
/// checks (a string, with the header of a HyperLogLog).
fn hll_bytes<R>(e: &Entry, f: impl FnOnce(&[u8]) -> R) -> Result<R, CommandError> {
    let Value::Str(s) = &e.value else {
        return Err(CommandError::WrongType);
    };
    s.with_bytes(|b| match hll::validate(b) {
        Some(_) => Ok(f(b)),
        None => Err(CommandError::NotHll),
    })
}

/// The HyperLogLog under an entry, checked, as a byte vector to modify.
fn hll_mut(e: &mut Entry) -> Result<&mut Vec<u8>, CommandError> {
    hll_bytes(e, |_| ())?;
    let Value::Str(s) = &mut e.value else {
        return Err(CommandError::WrongType);
    };
    Ok(s.make_raw())
}

/// PFADD key [element ...]
fn pfadd(ctx: &mut Ctx<'_>) -> CmdResult {
    let max = sparse_max(ctx);
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let mut updated = false;
    let created = match shard.get_mut(key, ctx.now_ms) {
        Some(e) => {
            // Registers raised before a corrupt run is found stay raised,
            // as in Redis; nothing is signalled or replicated then.
            let v = hll_mut(e)?;
            add_all(v, &ctx.argv[2..], max, &mut updated)?;
            if updated {
                hll::invalidate(v);
            }
            false
        }
        None => {
            let mut v = hll::new_sparse();
            add_all(&mut v, &ctx.argv[2..], max, &mut updated)?;
            hll::invalidate(&mut v);
            shard.insert(key, Entry::new(Value::Str(StrValue::raw(v))));
            true
        }
    };
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", key);
    }
    if created || updated {
        emit(ctx.srv, ctx.client, class::STRING, "pfadd", key);
    }
    ctx.client.reply.integer(i64::from(created || updated));
    Ok(())
}

fn add_all(v: &mut Vec<u8>, elements: &[Bytes], max: usize, updated: &mut bool) -> CmdResult {
    for e in elements {
        *updated |= hll::add(v, e, max)?;
    }
    Ok(())
}

/// PFCOUNT key [key ...]
fn pfcount(ctx: &mut Ctx<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let db_index = ctx.client.db;
    let db = ctx.srv.keyspace.db(db_index);
    if ctx.argc() > 2 {
        let mut g = db.lock_keys(ctx.argv[1..].iter().map(|k| &k[..]));
        let (max, _) = union(&mut g, &ctx.argv[1..], now)?;
        ctx.client.reply.integer(hll::count_raw(&max) as i64);
        return Ok(());
    }
    let key = &ctx.argv[1];
    let mut shard = db.lock(key);
    let Some(e) = shard.get_mut(key, now) else {
        ctx.client.reply.integer(0);
        return Ok(());
    };
    if let Some(card) = hll_bytes(e, hll::cached)? {
        ctx.client.reply.integer(card as i64);
        return Ok(());
    }
    let v = hll_mut(e)?;
    let card = hll::count(v)?;
    // The cache is part of the value: the value changed, and is replicated
    // as the PFCOUNT that changed it (as Redis does, so that replicas hold
    // the same bytes), while the key's shard is still held.
    hll::set_cached(v, card);
    crate::multi::signal_modified_key(ctx.srv, db_index, key);
    crate::propagate::also(ctx.srv, ctx.client, db_index, ctx.argv);
    drop(shard);
    ctx.client.reply.integer(card as i64);
    Ok(())
}

/// The registers of every HyperLogLog among `keys` merged (a missing key
/// is an empty one), and whether any of them is dense.
fn union(
    g: &mut MultiGuard<'_>,
    keys: &[Bytes],
    now: u64,
) -> Result<(Box<[u8; hll::REGISTERS]>, bool), CommandError> {
    let mut max = Box::new([0u8; hll::REGISTERS]);
    let mut dense = false;
    for k in keys {
        let Some(e) = g.shard(k).get(k, now) else {
            continue;
        };
        hll_bytes(e, |b| {
            dense |= hll::validate(b) == Some(Encoding::Dense);
            hll::merge_into(&mut max, b)
        })??;
    }
    Ok((max, dense))
}

/// PFMERGE destkey [sourcekey ...]
fn pfmerge(ctx: &mut Ctx<'_>) -> CmdResult {
    let max_bytes = sparse_max(ctx);
    let now = ctx.now_ms;
    let dest = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut g = db.lock_keys(ctx.argv[1..].iter().map(|k| &k[..]));
    // The destination's own registers count too.
    let (max, any_dense) = union(&mut g, &ctx.argv[1..], now)?;
    let shard = g.shard(dest);
    let created = shard.get(dest, now).is_none();
    if created {
        shard.insert(
            dest,
            Entry::new(Value::Str(StrValue::raw(hll::new_sparse()))),
        );
    }
    let Some(e) = shard.get_mut(dest, now) else {
        return Err(CommandError::NoSuchKey);
    };
    let v = hll_mut(e)?;
    // Dense when any input is: raising registers one by one would give
    // the same registers, but Redis converts first.
    if any_dense {
        hll::to_dense(v)?;
    }
    hll::raise_all(v, &max, max_bytes)?;
    if created {
        emit(ctx.srv, ctx.client, class::NEW, "new", dest);
    }
    // Redis reports a merge as an add of many elements.
    emit(ctx.srv, ctx.client, class::STRING, "pfadd", dest);
    drop(g);
    ctx.client.reply.ok();
    Ok(())
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
fn pfdebug(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[2];
    let sub = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let Some(e) = shard.get_mut(key, ctx.now_ms) else {
        return Err(CommandError::PfdebugNoKey);
    };
    let v = hll_mut(e)?;
    let sparse = hll::validate(v) == Some(Encoding::Sparse);
    let r = &mut ctx.client.reply;
    if eq_ic(sub, "getreg") {
        // Reading the registers makes the value dense, for good (Redis
        // replicates that change).
        if sparse {
            hll::to_dense(v)?;
        }
        r.array(hll::REGISTERS);
        for reg in hll::dense_registers(v) {
            r.integer(i64::from(reg));
        }
        if !sparse {
            ctx.client.propagate = Some(Vec::new());
        }
    } else if eq_ic(sub, "decode") {
        if !sparse {
            return Err(CommandError::HllNotSparse);
        }
        r.bulk(hll::decode_sparse(v).as_bytes());
        ctx.client.propagate = Some(Vec::new());
    } else if eq_ic(sub, "encoding") {
        r.simple(if sparse { b"sparse" } else { b"dense" });
        ctx.client.propagate = Some(Vec::new());
    } else if eq_ic(sub, "todense") {
        if sparse {
            hll::to_dense(v)?;
        } else {
            ctx.client.propagate = Some(Vec::new());
        }
        r.integer(i64::from(sparse));
    } else {
        return Err(CommandError::PfdebugUnknown(
            String::from_utf8_lossy(sub).into_owned(),
        ));
    }
    Ok(())
}

/// PFSELFTEST
fn pfselftest(ctx: &mut Ctx<'_>) -> CmdResult {
    hll::selftest(ferrodis_engine::clock::now_us()).map_err(CommandError::HllSelftest)?;
    ctx.client.reply.ok();
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "pfadd",
        handler: Some(pfadd),
        arity: -2,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_HYPERLOGLOG,
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
        group: "hyperloglog",
        since: "2.8.9",
        summary: "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.",
        complexity: "O(1) to add every element.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "element",
                kind: ArgKind::String,
                flags: ARG_OPTIONAL | ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pfcount",
        handler: Some(pfcount),
        arity: -2,
        flags: READONLY,
        acl: CAT_HYPERLOGLOG,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: Some("RW because it may change the internal representation of the key, and propagate to replicas"),
            flags: &["RW", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        group: "hyperloglog",
        since: "2.8.9",
        summary: "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).",
        complexity: "O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.",
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
        name: "pfmerge",
        handler: Some(pfmerge),
        arity: -2,
        flags: WRITE | DENYOOM,
        acl: CAT_HYPERLOGLOG,
        key_range: (1, -1, 1),
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["RW", "access", "insert"],
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
        group: "hyperloglog",
        since: "2.8.9",
        summary: "Merges one or more HyperLogLog values into a single key.",
        complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
        args: &[
            Arg {
                name: "destkey",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "sourcekey",
                kind: ArgKind::Key,
                key_spec_index: 1,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pfdebug",
        handler: Some(pfdebug),
        arity: 3,
        flags: WRITE | DENYOOM | ADMIN,
        acl: CAT_HYPERLOGLOG,
        key_range: (2, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access"],
            begin: Begin::Index(2),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "hyperloglog",
        since: "2.8.9",
        summary: "Internal commands for debugging HyperLogLog values.",
        complexity: "N/A",
        doc_flags: &["syscmd"],
        args: &[
            Arg {
                name: "subcommand",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pfselftest",
        handler: Some(pfselftest),
        arity: 1,
        flags: ADMIN,
        acl: CAT_HYPERLOGLOG,
        key_range: (0, 0, 0),
        group: "hyperloglog",
        since: "2.8.9",
        summary: "An internal command for testing HyperLogLog values.",
        complexity: "N/A",
        doc_flags: &["syscmd"],
        ..CommandSpec::BASE
    },
];
