//! SORT and SORT_RO (Redis's "generic" group): sorting the elements of a
//! list, set or sorted set, numerically or as strings, optionally by the
//! values of other keys (`BY pattern`, `key->field` for hash fields), with
//! `LIMIT`, `GET pattern` and `STORE`.
//!
//! Locking: when a BY or GET pattern may read other keys, every shard of
//! the database is locked (in order) for the whole command, so the result
//! is a consistent snapshot; otherwise only the sorted key's shard (and the
//! STORE destination's) is locked. The elements are copied out of the value
//! first, because pattern lookups need other shards mutably (lazy expiry).
//!
//! Behaviour notes (all as Redis 7.0 does it):
//! - `BY` with a pattern lacking `*` means "don't sort"; lists and sorted
//!   sets then keep their own order (reversed by DESC) and sets their
//!   iteration order, except that a set sorted into STORE is sorted
//!   alphabetically so the stored result is deterministic;
//! - numeric sorting reads each value with C's `strtod` rules (leading
//!   space allowed, whole string consumed, no overflow, no NaN), missing
//!   BY values count as 0, equal scores are ordered by the element bytes;
//! - ALPHA without STORE compares as `strcoll` in the C locale does
//!   (bytes up to the first NUL); with STORE it compares whole byte strings;
//! - the sort is stable (glibc's `qsort` is a merge sort).

use std::cmp::Ordering;

use bytes::Bytes;
use ferrodis_engine::{Db, End, Entry, ListValue, MultiGuard, Shard, Value};

use crate::args::{eq_ic, parse_i64_strict};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::notify::{class, emit};
use crate::spec::*;

/// The locks SORT holds: all shards (patterns read arbitrary keys) or
/// just those of the sorted key and the destination.
enum Locks<'a> {
    All(Vec<ferrodis_engine::ShardGuard<'a>>),
    Some(MultiGuard<'a>),
}

impl Locks<'_> {
    fn shard(&mut self, key: &[u8]) -> &mut Shard {
        match self {
            Locks::All(v) => &mut v[Db::shard_index(key)],
            Locks::Some(g) => g.shard(key),
        }
    }
}

/// The bytes before the first NUL, as C string functions see them.
fn c_str(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(p) => &b[..p],
        None => b,
    }
}

/// What a BY/GET pattern names for one element: the element itself
/// (`#`), a string key, or a hash field.
fn lookup_by_pattern(
    locks: &mut Locks<'_>,
    pattern: &[u8],
    subst: &[u8],
    now: u64,
) -> Option<Vec<u8>> {
    let pat_c = c_str(pattern);
    if pat_c == b"#" {
        return Some(subst.to_vec());
    }
    let star = pat_c.iter().position(|&c| c == b'*')?;
    // A hash field: "->" after the star with something after it.
    let arrow = pat_c[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|i| star + 1 + i)
        .filter(|&f| f + 2 < pat_c.len());
    let (postfix_end, field) = match arrow {
        Some(f) => (f, Some(&pattern[f + 2..])),
        None => (pattern.len(), None),
    };
    let mut key = Vec::with_capacity(pattern.len() + subst.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&pattern[star + 1..postfix_end]);
    let e = locks.shard(&key).get(&key, now)?;
    match (field, &e.value) {
        (Some(f), Value::Hash(h)) => h.get(f).map(|v| v.to_vec()),
        (None, Value::Str(s)) => Some(s.to_vec()),
        _ => None,
    }
}

/// C's `strtod` over a whole value, as SORT uses it: None when the value
/// is not entirely a number, overflows or underflows, or is NaN.
fn sort_score(b: &[u8]) -> Option<f64> {
    let s = c_str(b);
    if s.len() != b.len() {
        // strtod stops at the NUL: the rest is trailing garbage for Redis.
        return None;
    }
    if s.is_empty() {
        return Some(0.0);
    }
    // strtod skips leading white space; the whole rest must be the number.
    let (v, n, erange) = crate::args::strtod(s);
    if n == 0 || n != s.len() || v.is_nan() || erange {
        return None;
    }
    Some(v)
}

/// One element being sorted.
struct Item {
    obj: Vec<u8>,
    score: f64,
    /// The BY value for ALPHA sorting by a pattern (None: missing).
    cmp: Option<Vec<u8>>,
}

/// SORT's parsed options.
struct SortOptions<'a> {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    by: Option<&'a Bytes>,
    dont_sort: bool,
    gets: Vec<&'a Bytes>,
    store: Option<&'a Bytes>,
}

fn parse_options(argv: &[Bytes], readonly: bool) -> Result<SortOptions<'_>, CommandError> {
    let mut o = SortOptions {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        by: None,
        dont_sort: false,
        gets: Vec::new(),
        store: None,
    };
    let mut j = 2;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        if eq_ic(a, "ASC") {
            o.desc = false;
        } else if eq_ic(a, "DESC") {
            o.desc = true;
        } else if eq_ic(a, "ALPHA") {
            o.alpha = true;
        } else if eq_ic(a, "LIMIT") && left >= 2 {
            o.limit_start = parse_i64_strict(&argv[j + 1]).ok_or(CommandError::NotInteger)?;
            o.limit_count = parse_i64_strict(&argv[j + 2]).ok_or(CommandError::NotInteger)?;
            j += 2;
        } else if !readonly && eq_ic(a, "STORE") && left >= 1 {
            o.store = Some(&argv[j + 1]);
            j += 1;
        } else if eq_ic(a, "BY") && left >= 1 {
            let p = &argv[j + 1];
            o.by = Some(p);
            if !c_str(p).contains(&b'*') {
                o.dont_sort = true;
            }
            j += 1;
        } else if eq_ic(a, "GET") && left >= 1 {
            o.gets.push(&argv[j + 1]);
            j += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

/// Compares two items as Redis's sort comparator does (before DESC).
fn compare(a: &Item, b: &Item, alpha: bool, by_pattern: bool, store: bool) -> Ordering {
    if !alpha {
        return match a.score.partial_cmp(&b.score) {
            Some(Ordering::Equal) | None => a.obj.cmp(&b.obj),
            Some(o) => o,
        };
    }
    let (x, y) = if by_pattern {
        match (&a.cmp, &b.cmp) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => (x.as_slice(), y.as_slice()),
        }
    } else {
        (a.obj.as_slice(), b.obj.as_slice())
    };
    if store {
        x.cmp(y)
    } else {
        c_str(x).cmp(c_str(y))
    }
}

fn sort_generic(ctx: &mut Ctx<'_>, readonly: bool) -> CmdResult {
    let argv = ctx.argv;
    let mut o = parse_options(argv, readonly)?;
    let key = &argv[1];
    let now = ctx.now_ms;
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let lookups = !o.gets.is_empty() || (o.by.is_some() && !o.dont_sort);
    let mut locks = if lookups {
        Locks::All(db.lock_all())
    } else {
        let mut keys: Vec<&[u8]> = vec![key];
        if let Some(s) = o.store {
            keys.push(s);
        }
        Locks::Some(db.lock_keys(keys))
    };

    // Copy out the elements to sort, honouring the "don't sort" shortcuts.
    #[derive(PartialEq)]
    enum Kind {
        List,
        Set,
        ZSet,
    }
    let mut items: Vec<Item> = Vec::new();
    let item = |b: &[u8]| Item {
        obj: b.to_vec(),
        score: 0.0,
        cmp: None,
    };
    let (start, end) = {
        let shard = locks.shard(key);
        let value = shard.get(key, now).map(|e| &e.value);
        let (kind, len) = match value {
            None => (Kind::List, 0),
            Some(Value::List(l)) => (Kind::List, l.len()),
            Some(Value::Set(s)) => (Kind::Set, s.len()),
            Some(Value::ZSet(z)) => (Kind::ZSet, z.len()),
            Some(_) => return Err(CommandError::WrongType),
        };
        if o.dont_sort && kind == Kind::Set && o.store.is_some() {
            o.dont_sort = false;
            o.alpha = true;
            o.by = None;
        }
        let vlen = len as i64;
        let mut start = o.limit_start.max(0).min(vlen);
        let count = o.limit_count.max(-1).min(vlen);
        let mut end = if count < 0 {
            vlen - 1
        } else {
            start + count - 1
        };
        if start >= vlen {
            start = vlen - 1;
            end = vlen - 2;
        }
        if end >= vlen {
            end = vlen - 1;
        }
        let ranged = o.dont_sort && kind != Kind::Set;
        match value {
            // An empty range: nothing to load.
            Some(Value::List(_) | Value::ZSet(_)) if ranged && end < start => {}
            Some(Value::List(l)) if ranged => {
                let n = (end - start + 1) as usize;
                items.extend(l.iter_from(start as usize, o.desc).take(n).map(item));
                end -= start;
                start = 0;
            }
            Some(Value::ZSet(z)) if ranged => {
                let n = (end - start + 1) as usize;
                // The sorted set walks by ascending rank.
                let first = if o.desc {
                    z.len() - 1 - start as usize
                } else {
                    start as usize
                };
                items.extend(z.iter_from(first, o.desc).take(n).map(|(m, _)| item(m)));
                end -= start;
                start = 0;
            }
            Some(Value::List(l)) => items.extend(l.iter().map(item)),
            Some(Value::Set(s)) => items.extend(s.iter().map(|m| m.with_bytes(item))),
            Some(Value::ZSet(z)) => items.extend(z.iter().map(|(m, _)| item(m))),
            _ => {}
        }
        (start, end)
    };

    // Scores (or comparison strings), then the sort.
    let mut not_double = false;
    if !o.dont_sort {
        for it in items.iter_mut() {
            let by_val = match o.by {
                Some(p) => match lookup_by_pattern(&mut locks, p, &it.obj, now) {
                    Some(v) => v,
                    None => continue,
                },
                None => {
                    if !o.alpha {
                        match sort_score(&it.obj) {
                            Some(s) => it.score = s,
                            None => not_double = true,
                        }
                    }
                    continue;
                }
            };
            if o.alpha {
                it.cmp = Some(by_val);
            } else {
                match sort_score(&by_val) {
                    Some(s) => it.score = s,
                    None => not_double = true,
                }
            }
        }
        let (alpha, by, store, desc) = (o.alpha, o.by.is_some(), o.store.is_some(), o.desc);
        items.sort_by(|a, b| {
            let c = compare(a, b, alpha, by, store);
            if desc {
                c.reverse()
            } else {
                c
            }
        });
    }

    let per = if o.gets.is_empty() { 1 } else { o.gets.len() };
    let end = end.min(items.len() as i64 - 1);
    let selected = if end >= start && start >= 0 {
        &items[start as usize..=end as usize]
    } else {
        &[][..]
    };
    let outputlen = per * selected.len();
    if not_double {
        return Err(CommandError::SortNotDouble);
    }
    match o.store {
        None => {
            let r = &mut ctx.client.reply;
            r.array(outputlen);
            for it in selected {
                if o.gets.is_empty() {
                    r.bulk(&it.obj);
                }
                for g in &o.gets {
                    match lookup_by_pattern(&mut locks, g, &it.obj, now) {
                        Some(v) => r.bulk(&v),
                        None => r.null(),
                    }
                }
            }
        }
        Some(dst) => {
            if outputlen > 0 {
                let mut l = ListValue::new(ctx.srv.config.read().list_max_listpack_size);
                for it in selected {
                    if o.gets.is_empty() {
                        l.push(End::Tail, &it.obj);
                    }
                    for g in &o.gets {
                        let v = lookup_by_pattern(&mut locks, g, &it.obj, now).unwrap_or_default();
                        l.push(End::Tail, &v);
                    }
                }
                let old = locks
                    .shard(dst)
                    .insert(dst, Entry::new(Value::List(Box::new(l))));
                let (srv, client) = (ctx.srv, &mut *ctx.client);
                if old.is_none() {
                    emit(srv, client, class::NEW, "new", dst);
                }
                emit(srv, client, class::LIST, "sortstore", dst);
            } else if locks.shard(dst).remove(dst).is_some() {
                emit(ctx.srv, ctx.client, class::GENERIC, "del", dst);
            }
            drop(locks);
            // The destination is not among the key positions dispatch
            // knows: wake its waiters here.
            if outputlen > 0 && ctx.srv.blocking.has_waiters() {
                ctx.srv
                    .blocking
                    .signal(ctx.client.db, dst, &ctx.srv.clients);
            }
            ctx.client.reply.integer(outputlen as i64);
        }
    }
    Ok(())
}

fn sort(ctx: &mut Ctx<'_>) -> CmdResult {
    sort_generic(ctx, false)
}

fn sort_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    sort_generic(ctx, true)
}

/// The command-table rows (metadata as Redis 7.0 reports it; summaries
/// are our own).
pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "sort",
        handler: Some(sort),
        arity: -2,
        flags: WRITE | DENYOOM | MOVABLEKEYS,
        acl: CAT_SET | CAT_SORTEDSET | CAT_LIST | CAT_DANGEROUS,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: Some("For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"), flags: &["RO", "access"], begin: Begin::Unknown, find: Find::Unknown }, KeySpec { notes: Some("For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"), flags: &["OW", "update"], begin: Begin::Unknown, find: Find::Unknown }],
        group: "generic",
        since: "1.0.0",
        summary: "Sorts the elements of a list, set or sorted set, optionally storing the result.",
        complexity: "O(N+M*log(M)): N elements to sort, M elements returned; O(N) when not sorting.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "pattern", kind: ArgKind::Pattern, key_spec_index: 1, token: Some("BY"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "pattern", kind: ArgKind::Pattern, key_spec_index: 1, token: Some("GET"), flags: ARG_OPTIONAL | ARG_MULTIPLE | ARG_MULTIPLE_TOKEN, ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "sorting", kind: ArgKind::PureToken, token: Some("ALPHA"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "destination", kind: ArgKind::Key, key_spec_index: 2, token: Some("STORE"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "sort_ro",
        handler: Some(sort_ro),
        arity: -2,
        flags: READONLY | MOVABLEKEYS,
        acl: CAT_SET | CAT_SORTEDSET | CAT_LIST | CAT_DANGEROUS,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: Some("For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"), flags: &["RO", "access"], begin: Begin::Unknown, find: Find::Unknown }],
        group: "generic",
        since: "7.0.0",
        summary: "Sorts the elements of a list, set or sorted set (read-only variant of SORT).",
        complexity: "O(N+M*log(M)): N elements to sort, M elements returned; O(N) when not sorting.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "pattern", kind: ArgKind::Pattern, key_spec_index: 1, token: Some("BY"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "offset_count", kind: ArgKind::Block, token: Some("LIMIT"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "offset", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "count", kind: ArgKind::Integer, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "pattern", kind: ArgKind::Pattern, key_spec_index: 1, token: Some("GET"), flags: ARG_OPTIONAL | ARG_MULTIPLE | ARG_MULTIPLE_TOKEN, ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "sorting", kind: ArgKind::PureToken, token: Some("ALPHA"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
];
