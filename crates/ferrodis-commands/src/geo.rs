//! The geo commands (Redis's "geo" group) over sorted sets whose scores
//! are 52-bit geohashes (`ferrodis_engine::geo`): GEOADD (a ZADD, and
//! replicated as one), GEOPOS, GEODIST, GEOHASH, and the searches GEOSEARCH,
//! GEOSEARCHSTORE and the older GEORADIUS / GEORADIUSBYMEMBER (and their
//! _RO forms), which share one parser and one search.

use bytes::Bytes;
use ferrodis_engine::geo::{self, Search, Shape};
use ferrodis_engine::ZSetValue;

use crate::args::{eq_ic, parse_double, parse_int};
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::spec::*;
use crate::string::f80::F80;
use crate::zset::zset_get;

/// A coordinate as Redis prints it (`%.17Lf`, trailing zeros trimmed).
fn human(v: f64) -> Vec<u8> {
    F80::from_f64(v).to_human()
}

/// Redis's `%.4f` of a distance.
fn distance_text(d: f64) -> String {
    format!("{d:.4}")
}

fn double_arg(b: &[u8], err: CommandError) -> Result<f64, CommandError> {
    parse_double(b).ok_or(err)
}

fn long_lat(args: &[Bytes]) -> Result<(f64, f64), CommandError> {
    let long = double_arg(&args[0], CommandError::NotFloat)?;
    let lat = double_arg(&args[1], CommandError::NotFloat)?;
    if !geo::valid(long, lat) {
        return Err(CommandError::GeoInvalidPair(format!("{long:.6},{lat:.6}")));
    }
    Ok((long, lat))
}

/// Meters per unit.
fn unit(b: &[u8]) -> Result<f64, CommandError> {
    if eq_ic(b, "m") {
        Ok(1.0)
    } else if eq_ic(b, "km") {
        Ok(1000.0)
    } else if eq_ic(b, "ft") {
        Ok(0.3048)
    } else if eq_ic(b, "mi") {
        Ok(1609.34)
    } else {
        Err(CommandError::GeoUnit)
    }
}

/// `radius unit`.
fn radius(args: &[Bytes]) -> Result<(f64, f64), CommandError> {
    let r = double_arg(&args[0], CommandError::GeoNeedRadius)?;
    if r < 0.0 {
        return Err(CommandError::GeoNegativeRadius);
    }
    Ok((r, unit(&args[1])?))
}

/// `width height unit`.
fn boxed(args: &[Bytes]) -> Result<(f64, f64, f64), CommandError> {
    let w = double_arg(&args[0], CommandError::GeoNeedWidth)?;
    let h = double_arg(&args[1], CommandError::GeoNeedHeight)?;
    if h < 0.0 || w < 0.0 {
        return Err(CommandError::GeoNegativeBox);
    }
    Ok((w, h, unit(&args[2])?))
}

/// GEOADD key [NX|XX] [CH] longitude latitude member [...]: a ZADD of the
/// members' geohashes, replicated as that ZADD.
fn geoadd(ctx: &mut Ctx<'_>) -> CmdResult {
    let argv = ctx.argv;
    let (mut nx, mut xx) = (false, false);
    let mut first = 2;
    while first < argv.len() {
        let a = &argv[first];
        if eq_ic(a, "nx") {
            nx = true;
        } else if eq_ic(a, "xx") {
            xx = true;
        } else if !eq_ic(a, "ch") {
            break;
        }
        first += 1;
    }
    if !(argv.len() - first).is_multiple_of(3) || (xx && nx) {
        return Err(CommandError::Syntax);
    }
    let mut zadd: Vec<Bytes> = Vec::with_capacity(first + (argv.len() - first) / 3 * 2);
    zadd.push(Bytes::from_static(b"zadd"));
    zadd.extend_from_slice(&argv[1..first]);
    for t in argv[first..].chunks_exact(3) {
        let (long, lat) = long_lat(&t[..2])?;
        let score = geo::score(long, lat).ok_or(CommandError::NotFloat)?;
        zadd.push(Bytes::from(score.to_string()));
        zadd.push(t[2].clone());
    }
    let mut z = Ctx {
        srv: ctx.srv,
        client: &mut *ctx.client,
        argv: &zadd,
        now_ms: ctx.now_ms,
    };
    crate::zset::zadd(&mut z)?;
    // (When it changed nothing, dispatch replicates nothing.)
    crate::propagate::rewrite(ctx.srv, ctx.client, || zadd);
    Ok(())
}

/// GEOPOS key member [member ...]
fn geopos(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let z = zset_get(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    r.array(ctx.argv.len() - 2);
    for m in &ctx.argv[2..] {
        match z.and_then(|z| z.score(m)) {
            None => r.null_array(),
            Some(s) => {
                let (long, lat) = geo::position(s);
                r.array(2);
                r.double_text(&human(long));
                r.double_text(&human(lat));
            }
        }
    }
    Ok(())
}

/// GEODIST key member1 member2 [M|KM|FT|MI]
fn geodist(ctx: &mut Ctx<'_>) -> CmdResult {
    let to_meters = match ctx.argv.len() {
        4 => 1.0,
        5 => unit(&ctx.argv[4])?,
        _ => return Err(CommandError::Syntax),
    };
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let z = zset_get(&mut shard, key, ctx.now_ms)?;
    let scores = z.and_then(|z| Some((z.score(&ctx.argv[2])?, z.score(&ctx.argv[3])?)));
    let r = &mut ctx.client.reply;
    match scores {
        None => r.null(),
        Some((a, b)) => {
            let (a, b) = (geo::position(a), geo::position(b));
            r.bulk(distance_text(geo::distance(a.0, a.1, b.0, b.1) / to_meters).as_bytes());
        }
    }
    Ok(())
}

/// GEOHASH key member [member ...]
fn geohash(ctx: &mut Ctx<'_>) -> CmdResult {
    let key = &ctx.argv[1];
    let mut shard = ctx.srv.keyspace.db(ctx.client.db).lock(key);
    let z = zset_get(&mut shard, key, ctx.now_ms)?;
    let r = &mut ctx.client.reply;
    r.array(ctx.argv.len() - 2);
    for m in &ctx.argv[2..] {
        match z.and_then(|z| z.score(m)) {
            None => r.null(),
            Some(s) => r.bulk(&geo::standard_geohash(s)),
        }
    }
    Ok(())
}

/// Which command of the search family is running.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// GEORADIUS / _RO: the centre from coordinates.
    RadiusCoords {
        store: bool,
    },
    /// GEORADIUSBYMEMBER / _RO.
    RadiusMember {
        store: bool,
    },
    Search,
    SearchStore,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    None,
    Asc,
    Desc,
}

struct Request<'a> {
    /// The centre, once known (not when the source set is missing).
    centre: Option<(f64, f64)>,
    shape: Option<(Shape, f64)>,
    withdist: bool,
    withhash: bool,
    withcoord: bool,
    any: bool,
    sort: Sort,
    count: i64,
    store: Option<&'a Bytes>,
    storedist: bool,
}

/// The position of a member of the source set, for a search from it.
fn member_centre(z: &ZSetValue, m: &[u8]) -> Result<(f64, f64), CommandError> {
    z.score(m)
        .map(geo::position)
        .ok_or(CommandError::GeoMemberDecode)
}

/// Parses a search's arguments in Redis's order and with its errors,
/// given the source set (`None` when it does not exist: arguments that
/// need it are then skipped, not checked).
fn parse_search<'a>(
    argv: &'a [Bytes],
    kind: Kind,
    z: Option<&ZSetValue>,
) -> Result<Request<'a>, CommandError> {
    let mut q = Request {
        centre: None,
        shape: None,
        withdist: false,
        withhash: false,
        withcoord: false,
        any: false,
        sort: Sort::None,
        count: 0,
        store: None,
        storedist: false,
    };
    let base = match kind {
        Kind::RadiusCoords { .. } => {
            q.centre = Some(long_lat(&argv[2..4])?);
            let (r, u) = radius(&argv[4..6])?;
            q.shape = Some((Shape::Radius(r), u));
            6
        }
        Kind::RadiusMember { .. } => {
            if let Some(z) = z {
                q.centre = Some(member_centre(z, &argv[2])?);
                let (r, u) = radius(&argv[3..5])?;
                q.shape = Some((Shape::Radius(r), u));
            }
            5
        }
        Kind::Search => 2,
        Kind::SearchStore => {
            q.store = Some(&argv[1]);
            3
        }
    };
    let search = matches!(kind, Kind::Search | Kind::SearchStore);
    let can_store = matches!(
        kind,
        Kind::RadiusCoords { store: true } | Kind::RadiusMember { store: true }
    );
    let rest = &argv[base..];
    let (mut from_member, mut from_loc, mut by_radius, mut by_box) = (false, false, false, false);
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        let left = rest.len() - i - 1;
        if eq_ic(a, "withdist") {
            q.withdist = true;
        } else if eq_ic(a, "withhash") {
            q.withhash = true;
        } else if eq_ic(a, "withcoord") {
            q.withcoord = true;
        } else if eq_ic(a, "any") {
            q.any = true;
        } else if eq_ic(a, "asc") {
            q.sort = Sort::Asc;
        } else if eq_ic(a, "desc") {
            q.sort = Sort::Desc;
        } else if eq_ic(a, "count") && left >= 1 {
            q.count = parse_int(&rest[i + 1])?;
            if q.count <= 0 {
                return Err(CommandError::GeoCountPositive);
            }
            i += 1;
        } else if (eq_ic(a, "store") || eq_ic(a, "storedist")) && left >= 1 && can_store {
            q.store = Some(&rest[i + 1]);
            q.storedist = eq_ic(a, "storedist");
            i += 1;
        } else if eq_ic(a, "storedist") && kind == Kind::SearchStore {
            q.storedist = true;
        } else if eq_ic(a, "frommember") && left >= 1 && search && !from_loc {
            if let Some(z) = z {
                q.centre = Some(member_centre(z, &rest[i + 1])?);
            }
            from_member = true;
            i += 1;
        } else if eq_ic(a, "fromlonlat") && left >= 2 && search && !from_member {
            q.centre = Some(long_lat(&rest[i + 1..i + 3])?);
            from_loc = true;
            i += 2;
        } else if eq_ic(a, "byradius") && left >= 2 && search && !by_box {
            let (r, u) = radius(&rest[i + 1..i + 3])?;
            q.shape = Some((Shape::Radius(r), u));
            by_radius = true;
            i += 2;
        } else if eq_ic(a, "bybox") && left >= 3 && search && !by_radius {
            let (w, h, u) = boxed(&rest[i + 1..i + 4])?;
            q.shape = Some((
                Shape::Box {
                    width: w,
                    height: h,
                },
                u,
            ));
            by_box = true;
            i += 3;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    if q.store.is_some() && (q.withdist || q.withhash || q.withcoord) {
        return Err(CommandError::GeoStoreWith(if kind == Kind::SearchStore {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        }));
    }
    let name = || String::from_utf8_lossy(&argv[0]).into_owned();
    if search && !(from_member || from_loc) {
        return Err(CommandError::GeoFromRequired(name()));
    }
    if search && !(by_radius || by_box) {
        return Err(CommandError::GeoByRequired(name()));
    }
    if q.any && q.count == 0 {
        return Err(CommandError::GeoAnyNeedsCount);
    }
    Ok(q)
}

/// A point found by a search.
struct Found {
    member: Vec<u8>,
    score: f64,
    long: f64,
    lat: f64,
    dist: f64,
}

/// The points of `z` inside `s`, scanning the cells in Redis's order and
/// each cell in score order; at most `limit` (0: all).
fn collect(z: &ZSetValue, s: &Search, limit: usize) -> Vec<Found> {
    let mut out = Vec::new();
    for cell in geo::scan_cells(&s.cells()) {
        if limit > 0 && out.len() >= limit {
            break;
        }
        let (min, max) = cell.score_range();
        let (min, max) = (min as f64, max as f64);
        let (lo, hi) = z.range_forward(&|_, sc| sc >= min, &|_, sc| sc < max);
        for (m, sc) in z.iter_from(lo, false).take(hi - lo) {
            let (long, lat) = geo::position(sc);
            if let Some(dist) = s.contains(long, lat) {
                out.push(Found {
                    member: m.to_vec(),
                    score: sc,
                    long,
                    lat,
                    dist,
                });
                if limit > 0 && out.len() >= limit {
                    break;
                }
            }
        }
    }
    out
}

fn search_generic(ctx: &mut Ctx<'_>, kind: Kind) -> CmdResult {
    let argv = ctx.argv;
    let src = &argv[if kind == Kind::SearchStore { 2 } else { 1 }];
    let db = ctx.srv.keyspace.db(ctx.client.db);
    let now = ctx.now_ms;
    // The search runs under the source's lock; the store takes the
    // destination's after it. (With replicas or an AOF, dispatch holds
    // both for the whole command.)
    let (q, found) = {
        let mut shard = db.lock(src);
        let z = zset_get(&mut shard, src, now)?;
        let q = parse_search(argv, kind, z)?;
        let found = match (z, q.centre, q.shape) {
            (Some(z), Some((long, lat)), Some((shape, unit))) => {
                let s = Search {
                    long,
                    lat,
                    shape,
                    unit,
                };
                let limit = if q.any { q.count as usize } else { 0 };
                Some((collect(z, &s, limit), unit))
            }
            _ => None,
        };
        (q, found)
    };
    let Some((mut found, unit)) = found else {
        // No source set: an empty reply, or an emptied destination.
        if let Some(dst) = q.store {
            let mut shard = db.lock(dst);
            if shard.remove(dst).is_some() {
                crate::notify::emit(
                    ctx.srv,
                    ctx.client,
                    crate::notify::class::GENERIC,
                    "del",
                    dst,
                );
            }
            ctx.client.reply.integer(0);
        } else {
            ctx.client.reply.array(0);
        }
        return Ok(());
    };
    let sort = if q.count != 0 && q.sort == Sort::None && !q.any {
        Sort::Asc
    } else {
        q.sort
    };
    match sort {
        Sort::None => {}
        // Stable, as glibc's qsort (a merge sort) is for Redis.
        Sort::Asc => found.sort_by(|a, b| a.dist.total_cmp(&b.dist)),
        Sort::Desc => found.sort_by(|a, b| b.dist.total_cmp(&a.dist)),
    }
    if q.count > 0 {
        found.truncate(q.count as usize);
    }
    for f in &mut found {
        f.dist /= unit;
    }
    match q.store {
        None => {
            let r = &mut ctx.client.reply;
            let opts = usize::from(q.withdist) + usize::from(q.withhash) + usize::from(q.withcoord);
            r.array(found.len());
            for f in &found {
                if opts > 0 {
                    r.array(opts + 1);
                }
                r.bulk(&f.member);
                if q.withdist {
                    r.bulk(distance_text(f.dist).as_bytes());
                }
                if q.withhash {
                    r.integer(f.score as i64);
                }
                if q.withcoord {
                    r.array(2);
                    r.double_text(&human(f.long));
                    r.double_text(&human(f.lat));
                }
            }
        }
        Some(dst) => {
            let items: Vec<(Vec<u8>, f64)> = found
                .into_iter()
                .map(|f| (f.member, if q.storedist { f.dist } else { f.score }))
                .collect();
            let lim = crate::zset::limits(ctx);
            let event = if matches!(kind, Kind::SearchStore) {
                "geosearchstore"
            } else {
                "georadiusstore"
            };
            let mut shard = db.lock(dst);
            crate::zset::store_result(ctx.srv, ctx.client, &mut shard, dst, items, lim, event);
        }
    }
    Ok(())
}

fn georadius(ctx: &mut Ctx<'_>) -> CmdResult {
    search_generic(ctx, Kind::RadiusCoords { store: true })
}

fn georadius_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    search_generic(ctx, Kind::RadiusCoords { store: false })
}

fn georadiusbymember(ctx: &mut Ctx<'_>) -> CmdResult {
    search_generic(ctx, Kind::RadiusMember { store: true })
}

fn georadiusbymember_ro(ctx: &mut Ctx<'_>) -> CmdResult {
    search_generic(ctx, Kind::RadiusMember { store: false })
}

fn geosearch(ctx: &mut Ctx<'_>) -> CmdResult {
    search_generic(ctx, Kind::Search)
}

fn geosearchstore(ctx: &mut Ctx<'_>) -> CmdResult {
    search_generic(ctx, Kind::SearchStore)
}

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "geoadd",
        handler: Some(geoadd),
        arity: -5,
        flags: WRITE | DENYOOM,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.0",
        summary: "Adds one or more members to a geospatial index. The key is created if it doesn't exist.",
        complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "condition", kind: ArgKind::Oneof, since: Some("6.2.0"), flags: ARG_OPTIONAL, args: &[
                    Arg { name: "nx", kind: ArgKind::PureToken, token: Some("NX"), ..Arg::BASE },
                    Arg { name: "xx", kind: ArgKind::PureToken, token: Some("XX"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "change", kind: ArgKind::PureToken, token: Some("CH"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "longitude_latitude_member", kind: ArgKind::Block, flags: ARG_MULTIPLE, args: &[
                    Arg { name: "longitude", kind: ArgKind::Double, ..Arg::BASE },
                    Arg { name: "latitude", kind: ArgKind::Double, ..Arg::BASE },
                    Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "geodist",
        handler: Some(geodist),
        arity: -4,
        flags: READONLY,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.0",
        summary: "Returns the distance between two members of a geospatial index.",
        complexity: "O(log(N))",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member1", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "member2", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "unit", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "geohash",
        handler: Some(geohash),
        arity: -2,
        flags: READONLY,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.0",
        summary: "Returns members from a geospatial index as geohash strings.",
        complexity: "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "geopos",
        handler: Some(geopos),
        arity: -2,
        flags: READONLY,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.0",
        summary: "Returns the longitude and latitude of members from a geospatial index.",
        complexity: "O(N) where N is the number of members requested.",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, flags: ARG_MULTIPLE, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "georadius",
        handler: Some(georadius),
        arity: -6,
        flags: WRITE | DENYOOM | MOVABLEKEYS,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Keyword("STORE", 6), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Keyword("STOREDIST", 6), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.0",
        summary: "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.",
        complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "longitude", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "latitude", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "radius", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withcoord", kind: ArgKind::PureToken, token: Some("WITHCOORD"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withdist", kind: ArgKind::PureToken, token: Some("WITHDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withhash", kind: ArgKind::PureToken, token: Some("WITHHASH"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), ..Arg::BASE },
                    Arg { name: "any", kind: ArgKind::PureToken, token: Some("ANY"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 1, token: Some("STORE"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 2, token: Some("STOREDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "georadius_ro",
        handler: Some(georadius_ro),
        arity: -6,
        flags: READONLY,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.10",
        summary: "Returns members from a geospatial index that are within a distance from a coordinate.",
        complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "longitude", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "latitude", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "radius", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withcoord", kind: ArgKind::PureToken, token: Some("WITHCOORD"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withdist", kind: ArgKind::PureToken, token: Some("WITHDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withhash", kind: ArgKind::PureToken, token: Some("WITHHASH"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), ..Arg::BASE },
                    Arg { name: "any", kind: ArgKind::PureToken, token: Some("ANY"), since: Some("6.2.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "georadiusbymember",
        handler: Some(georadiusbymember),
        arity: -5,
        flags: WRITE | DENYOOM | MOVABLEKEYS,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Keyword("STORE", 5), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Keyword("STOREDIST", 5), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.0",
        summary: "Queries a geospatial index for members within a distance from a member, optionally stores the result.",
        complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "radius", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withcoord", kind: ArgKind::PureToken, token: Some("WITHCOORD"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withdist", kind: ArgKind::PureToken, token: Some("WITHDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withhash", kind: ArgKind::PureToken, token: Some("WITHHASH"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), ..Arg::BASE },
                    Arg { name: "any", kind: ArgKind::PureToken, token: Some("ANY"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 1, token: Some("STORE"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 2, token: Some("STOREDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "georadiusbymember_ro",
        handler: Some(georadiusbymember_ro),
        arity: -5,
        flags: READONLY,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "3.2.10",
        summary: "Returns members from a geospatial index that are within a distance from a member.",
        complexity: "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
        doc_flags: &["deprecated"],
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "member", kind: ArgKind::String, ..Arg::BASE },
            Arg { name: "radius", kind: ArgKind::Double, ..Arg::BASE },
            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withcoord", kind: ArgKind::PureToken, token: Some("WITHCOORD"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withdist", kind: ArgKind::PureToken, token: Some("WITHDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withhash", kind: ArgKind::PureToken, token: Some("WITHHASH"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), ..Arg::BASE },
                    Arg { name: "any", kind: ArgKind::PureToken, token: Some("ANY"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "geosearch",
        handler: Some(geosearch),
        arity: -7,
        flags: READONLY,
        acl: CAT_GEO,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "6.2.0",
        summary: "Queries a geospatial index for members inside an area of a box or a circle.",
        complexity: "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
        args: &[
            Arg { name: "key", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "from", kind: ArgKind::Oneof, args: &[
                    Arg { name: "member", kind: ArgKind::String, token: Some("FROMMEMBER"), ..Arg::BASE },
                    Arg { name: "longitude_latitude", kind: ArgKind::Block, token: Some("FROMLONLAT"), args: &[
                            Arg { name: "longitude", kind: ArgKind::Double, ..Arg::BASE },
                            Arg { name: "latitude", kind: ArgKind::Double, ..Arg::BASE },
                        ], ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "by", kind: ArgKind::Oneof, args: &[
                    Arg { name: "circle", kind: ArgKind::Block, args: &[
                            Arg { name: "radius", kind: ArgKind::Double, token: Some("BYRADIUS"), ..Arg::BASE },
                            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                                ], ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "box", kind: ArgKind::Block, args: &[
                            Arg { name: "width", kind: ArgKind::Double, token: Some("BYBOX"), ..Arg::BASE },
                            Arg { name: "height", kind: ArgKind::Double, ..Arg::BASE },
                            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                                ], ..Arg::BASE },
                        ], ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), ..Arg::BASE },
                    Arg { name: "any", kind: ArgKind::PureToken, token: Some("ANY"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "withcoord", kind: ArgKind::PureToken, token: Some("WITHCOORD"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withdist", kind: ArgKind::PureToken, token: Some("WITHDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "withhash", kind: ArgKind::PureToken, token: Some("WITHHASH"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "geosearchstore",
        handler: Some(geosearchstore),
        arity: -8,
        flags: WRITE | DENYOOM,
        acl: CAT_GEO,
        key_range: (1, 2, 1),
        key_specs: &[KeySpec { notes: None, flags: &["OW", "update"], begin: Begin::Index(1), find: Find::Range { last: 0, step: 1, limit: 0 } }, KeySpec { notes: None, flags: &["RO", "access"], begin: Begin::Index(2), find: Find::Range { last: 0, step: 1, limit: 0 } }],
        group: "geo",
        since: "6.2.0",
        summary: "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.",
        complexity: "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
        args: &[
            Arg { name: "destination", kind: ArgKind::Key, key_spec_index: 0, ..Arg::BASE },
            Arg { name: "source", kind: ArgKind::Key, key_spec_index: 1, ..Arg::BASE },
            Arg { name: "from", kind: ArgKind::Oneof, args: &[
                    Arg { name: "member", kind: ArgKind::String, token: Some("FROMMEMBER"), ..Arg::BASE },
                    Arg { name: "longitude_latitude", kind: ArgKind::Block, token: Some("FROMLONLAT"), args: &[
                            Arg { name: "longitude", kind: ArgKind::Double, ..Arg::BASE },
                            Arg { name: "latitude", kind: ArgKind::Double, ..Arg::BASE },
                        ], ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "by", kind: ArgKind::Oneof, args: &[
                    Arg { name: "circle", kind: ArgKind::Block, args: &[
                            Arg { name: "radius", kind: ArgKind::Double, token: Some("BYRADIUS"), ..Arg::BASE },
                            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                                ], ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "box", kind: ArgKind::Block, args: &[
                            Arg { name: "width", kind: ArgKind::Double, token: Some("BYBOX"), ..Arg::BASE },
                            Arg { name: "height", kind: ArgKind::Double, ..Arg::BASE },
                            Arg { name: "unit", kind: ArgKind::Oneof, args: &[
                                    Arg { name: "m", kind: ArgKind::PureToken, token: Some("M"), ..Arg::BASE },
                                    Arg { name: "km", kind: ArgKind::PureToken, token: Some("KM"), ..Arg::BASE },
                                    Arg { name: "ft", kind: ArgKind::PureToken, token: Some("FT"), ..Arg::BASE },
                                    Arg { name: "mi", kind: ArgKind::PureToken, token: Some("MI"), ..Arg::BASE },
                                ], ..Arg::BASE },
                        ], ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "order", kind: ArgKind::Oneof, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "asc", kind: ArgKind::PureToken, token: Some("ASC"), ..Arg::BASE },
                    Arg { name: "desc", kind: ArgKind::PureToken, token: Some("DESC"), ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "count", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "count", kind: ArgKind::Integer, token: Some("COUNT"), ..Arg::BASE },
                    Arg { name: "any", kind: ArgKind::PureToken, token: Some("ANY"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
            Arg { name: "storedist", kind: ArgKind::PureToken, token: Some("STOREDIST"), flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
];
