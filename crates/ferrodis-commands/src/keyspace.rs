//! Generic keyspace commands (Redis's "generic" group). This slice has DEL
//! and EXISTS; the rest comes with the keyspace issue.

use crate::context::Ctx;
use crate::error::CmdResult;
use crate::spec::*;

/// Counts the keys among `argv[1..]` for which `op` returns true, locking
/// every shard involved once, in order.
fn count_keys_generic(
    ctx: &mut Ctx<'_>,
    op: fn(&mut ferrodis_engine::Shard, &[u8], u64) -> bool,
) -> CmdResult {
    let keys = &ctx.argv[1..];
    let now = ctx.now_ms;
    let mut n = 0;
    {
        let mut guard = ctx
            .srv
            .keyspace
            .db(ctx.client.db)
            .lock_keys(keys.iter().map(|k| &k[..]));
        for k in keys {
            if op(guard.shard(k), k, now) {
                n += 1;
            }
        }
    }
    ctx.reply().integer(n);
    Ok(())
}

fn del(ctx: &mut Ctx<'_>) -> CmdResult {
    count_keys_generic(ctx, |s, k, now| {
        // An expired key is reclaimed but does not count as deleted.
        let live = s.contains(k, now);
        s.remove(k);
        live
    })
}

fn exists(ctx: &mut Ctx<'_>) -> CmdResult {
    count_keys_generic(ctx, |s, k, now| s.contains(k, now))
}

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
];
