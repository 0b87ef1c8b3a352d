//! String commands. This slice has GET and SET (all options); the rest of
//! the family (counters, ranges, bits) comes with the strings issue.

use ferrodis_engine::{Entry, Value};

use crate::args::{eq_ic, parse_int, ArgCursor};

use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::spec::*;

fn get(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    match shard.get(key, ctx.now_ms) {
        None => ctx.client.reply.null(),
        Some(e) => match &e.value {
            Value::Str(s) => s.with_bytes(|b| ctx.client.reply.bulk(b)),
        },
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

/// Parses `[NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms|KEEPTTL]` (SET) or
/// `[EX|PX|EXAT|PXAT|PERSIST]` (GETEX) starting at `start`. Syntax is
/// checked for every option before any number is, as Redis does.
pub fn parse_set_options(
    ctx: &Ctx<'_>,
    start: usize,
    getex: bool,
) -> Result<SetOptions, CommandError> {
    let mut o = SetOptions {
        nx: false,
        xx: false,
        get: false,
        expiry: Expiry::None,
    };
    // (unit in ms, absolute?, argument)
    let mut timed: Option<(u64, bool, &[u8])> = None;
    let mut keep_or_persist = false;
    let mut cur = ArgCursor::new(ctx.argv, start);
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
    if let Some((unit, absolute, arg)) = timed {
        let v = parse_int(arg)?;
        let name = if getex { "getex" } else { "set" };
        let invalid = || CommandError::InvalidExpireTime(name);
        if v <= 0 || (unit == 1000 && v > i64::MAX / 1000) {
            return Err(invalid());
        }
        let ms = v * unit as i64;
        let at = if absolute {
            ms
        } else {
            ms.checked_add(ctx.now_ms as i64).ok_or_else(invalid)?
        };
        o.expiry = Expiry::At(at as u64);
    }
    Ok(o)
}

/// SET's key flags depend on GET: reading the old value makes it RW.
fn set_key_flags(argv: &[bytes::Bytes], _spec: usize) -> &'static [&'static str] {
    if argv.iter().skip(3).any(|a| eq_ic(a, "GET")) {
        &["RW", "access", "update"]
    } else {
        &["OW", "update"]
    }
}

/// SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL].
fn set(ctx: &mut Ctx<'_>) -> CmdResult {
    let o = parse_set_options(ctx, 3, false)?;
    let (key, val) = (&ctx.argv[1], &ctx.argv[2]);
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let mut shard = db.lock(key);
    let (exists, old_ttl) = match shard.get(key, now) {
        Some(e) => {
            if o.get && !matches!(e.value, Value::Str(_)) {
                return Err(CommandError::WrongType);
            }
            (true, e.expire_at)
        }
        None => (false, 0),
    };
    let r = &mut ctx.client.reply;
    if o.get {
        match shard.get(key, now) {
            Some(Entry {
                value: Value::Str(s),
                ..
            }) => s.with_bytes(|b| r.bulk(b)),
            _ => r.null(),
        }
    }
    if (o.nx && exists) || (o.xx && !exists) {
        if !o.get {
            r.null();
        }
        return Ok(());
    }
    let expire_at = match o.expiry {
        Expiry::Keep => old_ttl,
        Expiry::At(t) => t,
        Expiry::None | Expiry::Persist => 0,
    };
    shard.insert(key, Entry::with_expire(Value::string(val), expire_at));
    if !o.get {
        r.ok();
    }
    Ok(())
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "get",
        handler: Some(get),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_STRING,
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
        group: "string",
        since: "1.0.0",
        summary: "Returns the string value of a key.",
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
        name: "set",
        handler: Some(set),
        variable_key_flags: Some(set_key_flags),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: Some("RW and ACCESS due to the optional `GET` argument"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Sets the string value of a key.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "condition",
                kind: ArgKind::Oneof,
                since: Some("2.6.12"),
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "nx",
                        kind: ArgKind::PureToken,
                        token: Some("NX"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "xx",
                        kind: ArgKind::PureToken,
                        token: Some("XX"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
            Arg {
                name: "get",
                kind: ArgKind::PureToken,
                token: Some("GET"),
                since: Some("6.2.0"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "expiration",
                kind: ArgKind::Oneof,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "seconds",
                        kind: ArgKind::Integer,
                        token: Some("EX"),
                        since: Some("2.6.12"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "milliseconds",
                        kind: ArgKind::Integer,
                        token: Some("PX"),
                        since: Some("2.6.12"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "unix-time-seconds",
                        kind: ArgKind::UnixTime,
                        token: Some("EXAT"),
                        since: Some("6.2.0"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "unix-time-milliseconds",
                        kind: ArgKind::UnixTime,
                        token: Some("PXAT"),
                        since: Some("6.2.0"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "keepttl",
                        kind: ArgKind::PureToken,
                        token: Some("KEEPTTL"),
                        since: Some("6.0.0"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];
