//! Connection commands: PING, ECHO, HELLO, QUIT, RESET, SELECT, CLIENT.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::args::{eq_ic, parse_i64_strict, parse_int, ArgCursor};
use crate::context::{After, ClientShared, Ctx};
use crate::error::{CmdResult, CommandError, Lossy};
use crate::spec::*;
use crate::table::table;

fn ping(ctx: &mut Ctx<'_>) -> CmdResult {
    // A subscribed RESP2 client gets a push-style pair, as Redis replies.
    if ctx.client.resp == 2 && ctx.client.subs.active() && ctx.argc() <= 2 {
        let msg = ctx.argv.get(1).map_or(&b""[..], |m| &m[..]);
        let r = &mut ctx.client.reply;
        r.array(2);
        r.bulk(b"pong");
        r.bulk(msg);
        return Ok(());
    }
    match ctx.argc() {
        1 => ctx.reply().simple(b"PONG"),
        2 => {
            let msg = &ctx.argv[1];
            ctx.client.reply.bulk(msg);
        }
        _ => return Err(CommandError::WrongArity("ping".into())),
    }
    Ok(())
}

fn echo(ctx: &mut Ctx<'_>) -> CmdResult {
    let msg = &ctx.argv[1];
    ctx.client.reply.bulk(msg);
    Ok(())
}

/// Whether a client name / library attribute is acceptable: printable ASCII
/// without spaces.
fn valid_client_text(b: &[u8]) -> bool {
    b.iter().all(|&c| (b'!'..=b'~').contains(&c))
}

fn set_client_name(shared: &ClientShared, name: &Bytes) -> CmdResult {
    if !valid_client_text(name) {
        return Err(CommandError::BadClientName);
    }
    *shared.name.lock() = if name.is_empty() {
        None
    } else {
        Some(Bytes::copy_from_slice(name))
    };
    Ok(())
}

fn hello(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut ver = None;
    let mut cur = ArgCursor::new(ctx.argv, 1);
    if let Some(v) = cur.next_arg() {
        let v = parse_i64_strict(v).ok_or(CommandError::ProtoNotInteger)?;
        if !(2..=3).contains(&v) {
            return Err(CommandError::NoProto);
        }
        ver = Some(v as u8);
    }
    let mut auth = None;
    let mut name = None;
    while let Some(opt) = cur.next_arg() {
        if eq_ic(opt, "AUTH") && cur.remaining() >= 2 {
            let user = cur.value()?;
            let pass = cur.value()?;
            auth = Some((user, pass));
        } else if eq_ic(opt, "SETNAME") && cur.remaining() >= 1 {
            name = Some(cur.value()?);
        } else {
            return Err(CommandError::HelloSyntax(Lossy::new(opt, 128)));
        }
    }
    if let Some((user, pass)) = auth {
        crate::auth::check_password(ctx, user, pass)?;
    }
    if let Some(name) = name {
        set_client_name(&ctx.client.shared, name)?;
    }
    if let Some(v) = ver {
        ctx.client.set_resp(v);
    }
    let id = ctx.client.id() as i64;
    let resp = ctx.client.resp as i64;
    let r = ctx.reply();
    r.map(7);
    r.bulk(b"server");
    r.bulk(crate::SERVER_NAME.as_bytes());
    r.bulk(b"version");
    r.bulk(crate::REDIS_VERSION.as_bytes());
    r.bulk(b"proto");
    r.integer(resp);
    r.bulk(b"id");
    r.integer(id);
    r.bulk(b"mode");
    r.bulk(b"standalone");
    r.bulk(b"role");
    r.bulk(b"master");
    r.bulk(b"modules");
    r.array(0);
    Ok(())
}

/// AUTH [username] password.
fn auth(ctx: &mut Ctx<'_>) -> CmdResult {
    let (user, pass) = match ctx.argc() {
        2 => (None, &ctx.argv[1]),
        3 => (Some(&ctx.argv[1]), &ctx.argv[2]),
        _ => return Err(CommandError::Syntax),
    };
    if user.is_none() && ctx.srv.acl.default_user().snapshot().is_nopass() {
        return Err(CommandError::AuthNotConfigured);
    }
    let default = bytes::Bytes::from_static(b"default");
    crate::auth::check_password(ctx, user.unwrap_or(&default), pass)?;
    ctx.reply().ok();
    Ok(())
}

fn quit(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.reply().ok();
    ctx.client.after = After::Close;
    Ok(())
}

fn reset(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::multi::discard_transaction(ctx.srv, ctx.client);
    crate::pubsub::unsubscribe_all(ctx.srv, ctx.client);
    crate::monitor::stop(ctx.client);
    ctx.client.select(0);
    ctx.client.set_resp(2);
    *ctx.client.shared.name.lock() = None;
    crate::acl::reset_client_user(ctx.srv, ctx.client);
    ctx.reply().simple(b"RESET");
    Ok(())
}

fn select(ctx: &mut Ctx<'_>) -> CmdResult {
    let idx = crate::keyspace::parse_db_index(ctx, &ctx.argv[1])?;
    ctx.client.select(idx);
    ctx.reply().ok();
    Ok(())
}

fn client_id(ctx: &mut Ctx<'_>) -> CmdResult {
    let id = ctx.client.id() as i64;
    ctx.reply().integer(id);
    Ok(())
}

fn client_setname(ctx: &mut Ctx<'_>) -> CmdResult {
    set_client_name(&ctx.client.shared, &ctx.argv[2])?;
    ctx.reply().ok();
    Ok(())
}

fn client_getname(ctx: &mut Ctx<'_>) -> CmdResult {
    let name = ctx.client.shared.name.lock().clone();
    match name {
        Some(n) => ctx.reply().bulk(&n),
        None => ctx.reply().null(),
    }
    Ok(())
}

fn client_setinfo(ctx: &mut Ctx<'_>) -> CmdResult {
    let attr = &ctx.argv[2];
    let val = &ctx.argv[3];
    let (slot, label) = if eq_ic(attr, "LIB-NAME") {
        (&ctx.client.shared.lib_name, "lib-name")
    } else if eq_ic(attr, "LIB-VER") {
        (&ctx.client.shared.lib_ver, "lib-ver")
    } else {
        return Err(CommandError::UnrecognizedOption(Lossy::new(attr, 128)));
    };
    if !valid_client_text(val) {
        return Err(CommandError::BadClientInfo(label));
    }
    *slot.lock() = if val.is_empty() {
        None
    } else {
        Some(Bytes::copy_from_slice(val))
    };
    ctx.reply().ok();
    Ok(())
}

/// Client types as CLIENT LIST / CLIENT KILL TYPE name them.
const TYPE_NORMAL: u8 = 0;
const TYPE_MASTER: u8 = 1;
const TYPE_REPLICA: u8 = 2;
const TYPE_PUBSUB: u8 = 3;

/// The client type a TYPE filter names.
fn client_type_ok(t: &[u8]) -> Result<u8, CommandError> {
    for (known, ty) in [
        ("normal", TYPE_NORMAL),
        ("master", TYPE_MASTER),
        ("replica", TYPE_REPLICA),
        ("slave", TYPE_REPLICA),
        ("pubsub", TYPE_PUBSUB),
    ] {
        if eq_ic(t, known) {
            return Ok(ty);
        }
    }
    Err(CommandError::UnknownClientType(Lossy::new(t, 128)))
}

/// A client's type: pubsub while it has any subscription, else normal.
fn client_type(c: &ClientShared) -> u8 {
    match c.kind.load(Ordering::Relaxed) {
        crate::context::KIND_REPLICA => return TYPE_REPLICA,
        crate::context::KIND_MASTER => return TYPE_MASTER,
        _ => {}
    }
    if c.pubsub.subscribed() {
        TYPE_PUBSUB
    } else {
        TYPE_NORMAL
    }
}

/// CLIENT LIST's flags field: one letter per state, "N" for none.
fn client_flags(c: &ClientShared) -> String {
    let mut f = String::new();
    match c.kind.load(Ordering::Relaxed) {
        crate::context::KIND_REPLICA => f.push('S'),
        crate::context::KIND_MASTER => f.push('M'),
        _ if c.monitor.load(Ordering::Relaxed) => f.push('O'),
        _ => {}
    }
    if c.pubsub.subscribed() {
        f.push('P');
    }
    if c.multi_len.load(Ordering::Relaxed) >= 0 {
        f.push('x');
    }
    if c.blocked.load(Ordering::Relaxed) {
        f.push('b');
    }
    {
        let t = c.tracking.lock();
        if t.on {
            f.push('t');
        }
        if t.broken {
            f.push('R');
        }
        if t.bcast {
            f.push('B');
        }
    }
    if c.cas_dirty.load(Ordering::Relaxed) {
        f.push('d');
    }
    if c.no_evict.load(Ordering::Relaxed) {
        f.push('e');
    }
    if f.is_empty() {
        f.push('N');
    }
    f
}

/// CLIENT NO-EVICT on|off.
fn client_no_evict(ctx: &mut Ctx<'_>) -> CmdResult {
    let on = if eq_ic(&ctx.argv[2], "ON") {
        true
    } else if eq_ic(&ctx.argv[2], "OFF") {
        false
    } else {
        return Err(CommandError::Syntax);
    };
    ctx.client.shared.no_evict.store(on, Ordering::Relaxed);
    ctx.reply().ok();
    Ok(())
}

/// One CLIENT LIST line (without the trailing newline), fields in Redis
/// 7.0's order. (CLIENT SETINFO is accepted and stored, but 7.0's line has
/// no lib-name/lib-ver fields, so they are not shown.)
pub fn client_line(c: &ClientShared, out: &mut String) {
    let name = c.name.lock().clone().unwrap_or_default();
    let age = c.created.elapsed().as_secs();
    let idle = c.idle_secs();
    let cmd = match c.last_cmd.load(Ordering::Relaxed) {
        u32::MAX => "NULL",
        id => table().get(id).map_or("NULL", |e| e.full_name.as_str()),
    };
    let qbuf = c.qbuf.load(Ordering::Relaxed);
    let omem = c.omem.load(Ordering::Relaxed);
    let user = c.user.lock().clone();
    let (sub, psub, ssub) = c.pubsub.counts();
    let _ = write!(
        out,
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={sub} psub={psub} ssub={ssub} multi={} qbuf={} qbuf-free={} argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll={} omem={} tot-mem={} events=r cmd={} user={} redir={} resp={}",
        c.id,
        c.addr,
        c.laddr,
        c.fd,
        String::from_utf8_lossy(&name),
        age,
        idle,
        client_flags(c),
        c.db.load(Ordering::Relaxed),
        c.multi_len.load(Ordering::Relaxed),
        qbuf,
        16384usize.saturating_sub(qbuf),
        usize::from(omem > 0),
        omem,
        16384 + qbuf + omem,
        cmd,
        String::from_utf8_lossy(&user),
        c.tracking.lock().redirection(),
        c.resp.load(Ordering::Relaxed),
    );
}

fn client_list(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut cur = ArgCursor::new(ctx.argv, 2);
    let mut ids: Option<Vec<u64>> = None;
    let mut want_type = None;
    while let Some(opt) = cur.next_arg() {
        if eq_ic(opt, "TYPE") && cur.remaining() == 1 {
            want_type = Some(client_type_ok(cur.value()?)?);
        } else if eq_ic(opt, "ID") && cur.remaining() >= 1 {
            let mut v = Vec::new();
            while let Some(a) = cur.next_arg() {
                // Any integer is accepted; ids below 1 simply match nothing.
                let id = parse_i64_strict(a).ok_or(CommandError::InvalidClientId)?;
                v.push(id.max(0) as u64);
            }
            ids = Some(v);
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let mut out = String::new();
    for c in ctx.srv.clients.snapshot() {
        if ids.as_ref().is_some_and(|ids| !ids.contains(&c.id))
            || want_type.is_some_and(|t| t != client_type(&c))
        {
            continue;
        }
        client_line(&c, &mut out);
        out.push('\n');
    }
    ctx.reply().verbatim("txt", out.as_bytes());
    Ok(())
}

fn client_info(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut out = String::new();
    client_line(&ctx.client.shared, &mut out);
    out.push('\n');
    ctx.reply().verbatim("txt", out.as_bytes());
    Ok(())
}

/// CLIENT KILL filters (the new form).
#[derive(Default)]
struct KillFilter<'a> {
    id: Option<u64>,
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    user: Option<&'a [u8]>,
    client_type: Option<u8>,
    skipme: bool,
}

fn client_kill(ctx: &mut Ctx<'_>) -> CmdResult {
    let me = ctx.client.id();
    if ctx.argc() == 3 {
        // Old form: CLIENT KILL addr:port, +OK or an error.
        let addr = &ctx.argv[2];
        let victim = ctx
            .srv
            .clients
            .snapshot()
            .into_iter()
            .find(|c| c.addr.as_bytes() == &addr[..])
            .ok_or(CommandError::NoSuchClient)?;
        if victim.id == me {
            ctx.client.after = After::Close;
        } else {
            victim.kill();
        }
        ctx.reply().ok();
        return Ok(());
    }
    let mut f = KillFilter {
        skipme: true,
        ..KillFilter::default()
    };
    let mut cur = ArgCursor::new(ctx.argv, 2);
    while let Some(opt) = cur.next_arg() {
        let Some(val) = cur.next_arg() else {
            return Err(CommandError::Syntax);
        };
        if eq_ic(opt, "ID") {
            match parse_i64_strict(val) {
                Some(id) if id > 0 => f.id = Some(id as u64),
                _ => return Err(CommandError::ClientIdNotPositive),
            }
        } else if eq_ic(opt, "TYPE") {
            f.client_type = Some(client_type_ok(val)?);
        } else if eq_ic(opt, "ADDR") {
            f.addr = Some(val);
        } else if eq_ic(opt, "LADDR") {
            f.laddr = Some(val);
        } else if eq_ic(opt, "USER") {
            if ctx.srv.acl.get(val).is_none() {
                return Err(crate::acl::AclError::NoSuchUser(Lossy::new(val, 1024)).into());
            }
            f.user = Some(val);
        } else if eq_ic(opt, "SKIPME") {
            if eq_ic(val, "yes") {
                f.skipme = true;
            } else if eq_ic(val, "no") {
                f.skipme = false;
            } else {
                return Err(CommandError::Syntax);
            }
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let mut killed = 0;
    for c in ctx.srv.clients.snapshot() {
        let matches = f.id.is_none_or(|id| id == c.id)
            && f.addr.is_none_or(|a| a == c.addr.as_bytes())
            && f.laddr.is_none_or(|a| a == c.laddr.as_bytes())
            && f.user.is_none_or(|u| u == c.user.lock().as_ref())
            && f.client_type.is_none_or(|t| t == client_type(&c))
            && !(f.skipme && c.id == me);
        if matches {
            killed += 1;
            if c.id == me {
                ctx.client.after = After::Close;
            } else {
                c.kill();
            }
        }
    }
    ctx.reply().integer(killed);
    Ok(())
}

/// Writes a HELP reply: a header naming the command, then `lines`
/// (alternating a usage line and its indented explanation), then HELP
/// itself. Every container's HELP goes through here.
pub fn help_reply(ctx: &mut Ctx<'_>, command: &str, lines: &[&str]) {
    let r = ctx.reply();
    r.array(lines.len() + 3);
    r.simple(
        format!("{command} <subcommand> [<arg> ...] where <subcommand> is one of:").as_bytes(),
    );
    for l in lines {
        r.simple(l.as_bytes());
    }
    r.simple(b"HELP");
    r.simple(b"    Show this list.");
}

/// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN]
/// [OPTOUT] [NOLOOP], with Redis 7.0's checks in its order.
fn client_tracking(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut redirect = 0u64;
    let mut opts = crate::tracking::TrackInfo::default();
    let mut prefixes: Vec<Bytes> = Vec::new();
    let argv = ctx.argv;
    let mut j = 3;
    while j < argv.len() {
        let a = &argv[j];
        let more = j + 1 < argv.len();
        if eq_ic(a, "redirect") && more {
            j += 1;
            if redirect != 0 {
                return Err(CommandError::TrackingOneRedirect);
            }
            let id = parse_int(&argv[j])?;
            if id == 0
                || u64::try_from(id)
                    .ok()
                    .and_then(|id| ctx.srv.clients.get(id))
                    .is_none()
            {
                return Err(CommandError::TrackingNoRedirectClient);
            }
            redirect = id as u64;
        } else if eq_ic(a, "bcast") {
            opts.bcast = true;
        } else if eq_ic(a, "optin") {
            opts.optin = true;
        } else if eq_ic(a, "optout") {
            opts.optout = true;
        } else if eq_ic(a, "noloop") {
            opts.noloop = true;
        } else if eq_ic(a, "prefix") && more {
            j += 1;
            // Copied: kept for the connection's life.
            prefixes.push(Bytes::copy_from_slice(&argv[j]));
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    if eq_ic(&argv[2], "on") {
        let cur = ctx.client.shared.tracking.lock().clone();
        if !opts.bcast && !prefixes.is_empty() {
            return Err(CommandError::TrackingPrefixNeedsBcast);
        }
        if cur.on && cur.bcast != opts.bcast {
            return Err(CommandError::TrackingBcastSwitch);
        }
        if opts.bcast && (opts.optin || opts.optout) {
            return Err(CommandError::TrackingOptWithBcast);
        }
        if opts.optin && opts.optout {
            return Err(CommandError::TrackingOptinOptout);
        }
        if opts.optin && cur.optout || opts.optout && cur.optin {
            return Err(CommandError::TrackingOptSwitch);
        }
        if opts.bcast {
            for (i, p) in prefixes.iter().enumerate() {
                if let Some(old) = cur.prefixes.iter().find(|o| crate::tracking::overlap(o, p)) {
                    return Err(CommandError::TrackingPrefixOverlap {
                        prefix: Lossy::new(p, 1 << 20),
                        other: Lossy::new(old, 1 << 20),
                        existing: true,
                    });
                }
                if let Some(q) = prefixes[i + 1..]
                    .iter()
                    .find(|q| crate::tracking::overlap(p, q))
                {
                    return Err(CommandError::TrackingPrefixOverlap {
                        prefix: Lossy::new(p, 1 << 20),
                        other: Lossy::new(q, 1 << 20),
                        existing: false,
                    });
                }
            }
        }
        crate::tracking::enable(ctx.srv, ctx.client, redirect, &opts, &prefixes);
    } else if eq_ic(&argv[2], "off") {
        crate::tracking::disable(ctx.srv, &ctx.client.shared);
    } else {
        return Err(CommandError::Syntax);
    }
    ctx.reply().ok();
    Ok(())
}

/// CLIENT CACHING YES|NO: whether the next command's reads are tracked
/// (OPTIN / OPTOUT mode).
fn client_caching(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = ctx.client.shared.tracking.lock().clone();
    if !t.on {
        return Err(CommandError::CachingNotTracking);
    }
    let a = &ctx.argv[2];
    if eq_ic(a, "yes") {
        if !t.optin {
            return Err(CommandError::CachingYesNeedsOptin);
        }
    } else if eq_ic(a, "no") {
        if !t.optout {
            return Err(CommandError::CachingNoNeedsOptout);
        }
    } else {
        return Err(CommandError::Syntax);
    }
    ctx.client.tracking_caching = true;
    ctx.reply().ok();
    Ok(())
}

/// CLIENT GETREDIR: the redirection (0: none), -1 when not tracking.
fn client_getredir(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = ctx.client.shared.tracking.lock().clone();
    ctx.reply().integer(t.redirection());
    Ok(())
}

/// CLIENT TRACKINGINFO
fn client_trackinginfo(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = ctx.client.shared.tracking.lock().clone();
    let caching = ctx.client.tracking_caching;
    let mut flags: Vec<&str> = vec![if t.on { "on" } else { "off" }];
    if t.bcast {
        flags.push("bcast");
    }
    if t.optin {
        flags.push("optin");
        if caching {
            flags.push("caching-yes");
        }
    }
    if t.optout {
        flags.push("optout");
        if caching {
            flags.push("caching-no");
        }
    }
    if t.noloop {
        flags.push("noloop");
    }
    if t.broken {
        flags.push("broken_redirect");
    }
    let r = ctx.reply();
    r.map(3);
    r.bulk(b"flags");
    r.set(flags.len());
    for f in flags {
        r.bulk(f.as_bytes());
    }
    r.bulk(b"redirect");
    r.integer(t.redirection());
    r.bulk(b"prefixes");
    let mut prefixes = t.prefixes.clone();
    prefixes.sort();
    r.array(prefixes.len());
    for p in &prefixes {
        r.bulk(p);
    }
    Ok(())
}

/// CLIENT PAUSE timeout [WRITE|ALL]
fn client_pause(ctx: &mut Ctx<'_>) -> CmdResult {
    let ms = parse_i64_strict(&ctx.argv[2]).ok_or(CommandError::TimeoutNotInteger)?;
    if ms < 0 {
        return Err(CommandError::TimeoutNegative);
    }
    let all = match ctx.argv.get(3) {
        None => true,
        Some(m) if eq_ic(m, "all") => true,
        Some(m) if eq_ic(m, "write") => false,
        Some(_) => return Err(CommandError::PauseMode),
    };
    if ctx.argc() > 4 {
        return Err(CommandError::UnknownSubcommandOrArity {
            sub: Lossy::new(&ctx.argv[1], 128),
            container: "CLIENT",
        });
    }
    // 0 pauses nothing: the end is already past.
    let until = if ms > 0 {
        ferrodis_engine::clock::now_ms().saturating_add(ms as u64)
    } else {
        0
    };
    crate::pause::pause(ctx.srv, until, all);
    ctx.reply().ok();
    Ok(())
}

/// CLIENT UNPAUSE
fn client_unpause(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::pause::unpause(ctx.srv);
    ctx.reply().ok();
    Ok(())
}

/// CLIENT REPLY ON|OFF|SKIP (dispatch drops the replies).
fn client_reply(ctx: &mut Ctx<'_>) -> CmdResult {
    let a = &ctx.argv[2];
    if eq_ic(a, "on") {
        ctx.client.reply_off = false;
        ctx.reply().ok();
    } else if eq_ic(a, "off") {
        ctx.client.reply_off = true;
    } else if eq_ic(a, "skip") {
        // Unless replies are off already: SKIP then changes nothing.
        if !ctx.client.reply_off {
            ctx.client.skip_next = true;
        }
    } else {
        return Err(CommandError::Syntax);
    }
    Ok(())
}

/// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was blocked.
fn client_unblock(ctx: &mut Ctx<'_>) -> CmdResult {
    let id = parse_int(&ctx.argv[2])?;
    let mode = match ctx.argv.get(3) {
        None => 1,
        Some(a) if eq_ic(a, "TIMEOUT") => 1,
        Some(a) if eq_ic(a, "ERROR") => 2,
        Some(_) => return Err(CommandError::UnblockReason),
    };
    if ctx.argc() > 4 {
        return Err(CommandError::Syntax);
    }
    let target = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.srv.clients.get(id));
    let unblocked = match target {
        Some(c) if c.blocked.load(Ordering::Acquire) => {
            c.unblock.store(mode, Ordering::Release);
            (c.waker)();
            1
        }
        _ => 0,
    };
    ctx.reply().integer(unblocked);
    Ok(())
}

fn client_help(ctx: &mut Ctx<'_>) -> CmdResult {
    help_reply(
        ctx,
        "CLIENT",
        &[
            "GETNAME",
            "    The name of this connection, or nil.",
            "ID",
            "    The unique id of this connection.",
            "INFO",
            "    One CLIENT LIST line describing this connection.",
            "KILL <ip:port> | KILL <filter> <value> [<filter> <value> ...]",
            "    Close connections: by address, or by ID, TYPE, USER, ADDR, LADDR, SKIPME.",
            "LIST [TYPE <type>] [ID <id> ...]",
            "    One line per connection, optionally filtered.",
            "SETINFO LIB-NAME|LIB-VER <value>",
            "    Record the client library's name or version.",
            "NO-EVICT ON|OFF",
            "    Exempt this connection from client eviction.",
            "PAUSE <milliseconds> [WRITE|ALL]",
            "    Hold every command, or only those that may change data, for a while.",
            "UNPAUSE",
            "    End a pause: held commands run.",
            "REPLY ON|OFF|SKIP",
            "    Send replies, send none, or drop the next command's reply.",
            "TRACKING ON|OFF [REDIRECT <id>] [BCAST] [PREFIX <prefix> ...] [OPTIN] [OPTOUT] [NOLOOP]",
            "    Be told when keys this connection read (or, BCAST, keys under the prefixes) change.",
            "CACHING YES|NO",
            "    With OPTIN or OPTOUT: track, or do not track, the next command's reads.",
            "GETREDIR",
            "    The client invalidations go to (0: this one), -1 when not tracking.",
            "TRACKINGINFO",
            "    This connection's tracking mode, redirection and prefixes.",
            "SETNAME <name>",
            "    Name this connection.",
            "UNBLOCK <id> [TIMEOUT|ERROR]",
            "    Wake a client blocked in a blocking command.",
        ],
    );
    Ok(())
}

const CLIENT_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "no-evict",
        handler: Some(client_no_evict),
        arity: 3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "7.0.0",
        summary: "Exempts the connection from client eviction, or not.",
        complexity: "O(1)",
        args: &[Arg {
            name: "enabled",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "on",
                    kind: ArgKind::PureToken,
                    token: Some("ON"),
                    ..Arg::BASE
                },
                Arg {
                    name: "off",
                    kind: ArgKind::PureToken,
                    token: Some("OFF"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "pause",
        handler: Some(client_pause),
        arity: -3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "2.9.50",
        summary: "Suspends commands processing.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "timeout",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "mode",
                kind: ArgKind::Oneof,
                since: Some("6.2.0"),
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "write",
                        kind: ArgKind::PureToken,
                        token: Some("WRITE"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "all",
                        kind: ArgKind::PureToken,
                        token: Some("ALL"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "unpause",
        handler: Some(client_unpause),
        arity: 2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "6.2.0",
        summary: "Resumes processing commands from paused clients.",
        complexity: "O(N) Where N is the number of paused clients",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "reply",
        handler: Some(client_reply),
        arity: 3,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "3.2.0",
        summary: "Instructs the server whether to reply to commands.",
        complexity: "O(1)",
        args: &[Arg {
            name: "on_off_skip",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "on",
                    kind: ArgKind::PureToken,
                    token: Some("ON"),
                    ..Arg::BASE
                },
                Arg {
                    name: "off",
                    kind: ArgKind::PureToken,
                    token: Some("OFF"),
                    ..Arg::BASE
                },
                Arg {
                    name: "skip",
                    kind: ArgKind::PureToken,
                    token: Some("SKIP"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "tracking",
        handler: Some(client_tracking),
        arity: -3,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "6.0.0",
        summary: "Controls server-assisted client-side caching for the connection.",
        complexity: "O(1). Some options may introduce additional complexity.",
        args: &[
            Arg {
                name: "status",
                kind: ArgKind::Oneof,
                args: &[
                    Arg {
                        name: "on",
                        kind: ArgKind::PureToken,
                        token: Some("ON"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "off",
                        kind: ArgKind::PureToken,
                        token: Some("OFF"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
            Arg {
                name: "client-id",
                kind: ArgKind::Integer,
                token: Some("REDIRECT"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "prefix",
                kind: ArgKind::String,
                token: Some("PREFIX"),
                flags: ARG_OPTIONAL | ARG_MULTIPLE | ARG_MULTIPLE_TOKEN,
                ..Arg::BASE
            },
            Arg {
                name: "bcast",
                kind: ArgKind::PureToken,
                token: Some("BCAST"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "optin",
                kind: ArgKind::PureToken,
                token: Some("OPTIN"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "optout",
                kind: ArgKind::PureToken,
                token: Some("OPTOUT"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "noloop",
                kind: ArgKind::PureToken,
                token: Some("NOLOOP"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "caching",
        handler: Some(client_caching),
        arity: 3,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "6.0.0",
        summary: "Instructs the server whether to track the keys in the next request.",
        complexity: "O(1)",
        args: &[Arg {
            name: "mode",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "yes",
                    kind: ArgKind::PureToken,
                    token: Some("YES"),
                    ..Arg::BASE
                },
                Arg {
                    name: "no",
                    kind: ArgKind::PureToken,
                    token: Some("NO"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getredir",
        handler: Some(client_getredir),
        arity: 2,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "6.0.0",
        summary:
            "Returns the client ID to which the connection's tracking notifications are redirected.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "trackinginfo",
        handler: Some(client_trackinginfo),
        arity: 2,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "6.2.0",
        summary:
            "Returns information about server-assisted client-side caching for the connection.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "unblock",
        handler: Some(client_unblock),
        arity: -3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "5.0.0",
        summary: "Unblocks a client blocked by a blocking command.",
        complexity: "O(log N) where N is the number of client connections",
        args: &[
            Arg {
                name: "client-id",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "timeout_error",
                kind: ArgKind::Oneof,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "timeout",
                        kind: ArgKind::PureToken,
                        token: Some("TIMEOUT"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "error",
                        kind: ArgKind::PureToken,
                        token: Some("ERROR"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "id",
        handler: Some(client_id),
        arity: 2,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "5.0.0",
        summary: "Returns the connection's unique id.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setname",
        handler: Some(client_setname),
        arity: 3,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "2.6.9",
        summary: "Names the connection.",
        complexity: "O(1)",
        args: &[Arg {
            name: "connection-name",
            kind: ArgKind::String,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getname",
        handler: Some(client_getname),
        arity: 2,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "2.6.9",
        summary: "Returns the connection's name.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "list",
        handler: Some(client_list),
        arity: -2,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output"],
        group: "connection",
        since: "2.4.0",
        summary: "Lists the connected clients.",
        complexity: "O(N) where N is the number of client connections",
        args: &[
            Arg {
                name: "normal_master_replica_pubsub",
                kind: ArgKind::Oneof,
                token: Some("TYPE"),
                since: Some("5.0.0"),
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "normal",
                        kind: ArgKind::PureToken,
                        token: Some("NORMAL"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "master",
                        kind: ArgKind::PureToken,
                        token: Some("MASTER"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "replica",
                        kind: ArgKind::PureToken,
                        token: Some("REPLICA"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "pubsub",
                        kind: ArgKind::PureToken,
                        token: Some("PUBSUB"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
            Arg {
                name: "id",
                kind: ArgKind::Block,
                token: Some("ID"),
                since: Some("6.2.0"),
                flags: ARG_OPTIONAL,
                args: &[Arg {
                    name: "client-id",
                    kind: ArgKind::Integer,
                    flags: ARG_MULTIPLE,
                    ..Arg::BASE
                }],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "info",
        handler: Some(client_info),
        arity: 2,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output"],
        group: "connection",
        since: "6.2.0",
        summary: "Describes the calling connection.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "kill",
        handler: Some(client_kill),
        arity: -3,
        flags: ADMIN | NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "2.4.0",
        summary: "Disconnects one or more clients.",
        complexity: "O(N) where N is the number of client connections",
        args: &[Arg {
            name: "filter",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "ip:port",
                    kind: ArgKind::String,
                    ..Arg::BASE
                },
                Arg {
                    name: "new-format",
                    kind: ArgKind::Oneof,
                    flags: ARG_MULTIPLE,
                    args: &[
                        Arg {
                            name: "client-id",
                            kind: ArgKind::Integer,
                            token: Some("ID"),
                            since: Some("2.8.12"),
                            flags: ARG_OPTIONAL,
                            ..Arg::BASE
                        },
                        Arg {
                            name: "normal_master_slave_pubsub",
                            kind: ArgKind::Oneof,
                            token: Some("TYPE"),
                            since: Some("2.8.12"),
                            flags: ARG_OPTIONAL,
                            args: &[
                                Arg {
                                    name: "normal",
                                    kind: ArgKind::PureToken,
                                    token: Some("NORMAL"),
                                    ..Arg::BASE
                                },
                                Arg {
                                    name: "master",
                                    kind: ArgKind::PureToken,
                                    token: Some("MASTER"),
                                    since: Some("3.2.0"),
                                    ..Arg::BASE
                                },
                                Arg {
                                    name: "slave",
                                    kind: ArgKind::PureToken,
                                    token: Some("SLAVE"),
                                    ..Arg::BASE
                                },
                                Arg {
                                    name: "replica",
                                    kind: ArgKind::PureToken,
                                    token: Some("REPLICA"),
                                    since: Some("5.0.0"),
                                    ..Arg::BASE
                                },
                                Arg {
                                    name: "pubsub",
                                    kind: ArgKind::PureToken,
                                    token: Some("PUBSUB"),
                                    ..Arg::BASE
                                },
                            ],
                            ..Arg::BASE
                        },
                        Arg {
                            name: "username",
                            kind: ArgKind::String,
                            token: Some("USER"),
                            flags: ARG_OPTIONAL,
                            ..Arg::BASE
                        },
                        Arg {
                            name: "ip:port",
                            kind: ArgKind::String,
                            token: Some("ADDR"),
                            flags: ARG_OPTIONAL,
                            ..Arg::BASE
                        },
                        Arg {
                            name: "ip:port",
                            kind: ArgKind::String,
                            token: Some("LADDR"),
                            since: Some("6.2.0"),
                            flags: ARG_OPTIONAL,
                            ..Arg::BASE
                        },
                        Arg {
                            name: "yes/no",
                            kind: ArgKind::String,
                            token: Some("SKIPME"),
                            flags: ARG_OPTIONAL,
                            ..Arg::BASE
                        },
                    ],
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(client_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "5.0.0",
        summary: "Lists the CLIENT subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setinfo",
        handler: Some(client_setinfo),
        arity: 4,
        flags: NOSCRIPT | LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "7.2.0",
        summary: "Sets information about the connection's client library.",
        complexity: "O(1)",
        args: &[Arg {
            name: "attr",
            kind: ArgKind::Oneof,
            args: &[
                Arg {
                    name: "libname",
                    kind: ArgKind::String,
                    token: Some("LIB-NAME"),
                    ..Arg::BASE
                },
                Arg {
                    name: "libver",
                    kind: ArgKind::String,
                    token: Some("LIB-VER"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "auth",
        handler: Some(auth),
        arity: -2,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: CAT_CONNECTION,
        group: "connection",
        since: "1.0.0",
        summary: "Authenticates the connection.",
        complexity: "O(N) where N is the number of passwords defined for the user",
        args: &[
            Arg { name: "username", kind: ArgKind::String, since: Some("6.0.0"), flags: ARG_OPTIONAL, ..Arg::BASE },
            Arg { name: "password", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "ping",
        handler: Some(ping),
        arity: -1,
        flags: FAST,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "connection",
        since: "1.0.0",
        summary: "Checks that the connection is alive; replies PONG or the given message.",
        complexity: "O(1)",
        args: &[
            Arg { name: "message", kind: ArgKind::String, flags: ARG_OPTIONAL, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "echo",
        handler: Some(echo),
        arity: 2,
        flags: LOADING | STALE | FAST,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "1.0.0",
        summary: "Replies with the given message.",
        complexity: "O(1)",
        args: &[
            Arg { name: "message", kind: ArgKind::String, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "hello",
        handler: Some(hello),
        arity: -1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "6.0.0",
        summary: "Negotiates the protocol version (RESP2 or RESP3), optionally authenticating and naming the connection.",
        complexity: "O(1)",
        args: &[
            Arg { name: "arguments", kind: ArgKind::Block, flags: ARG_OPTIONAL, args: &[
                    Arg { name: "protover", kind: ArgKind::Integer, ..Arg::BASE },
                    Arg { name: "username_password", kind: ArgKind::Block, token: Some("AUTH"), flags: ARG_OPTIONAL, args: &[
                            Arg { name: "username", kind: ArgKind::String, ..Arg::BASE },
                            Arg { name: "password", kind: ArgKind::String, ..Arg::BASE },
                        ], ..Arg::BASE },
                    Arg { name: "clientname", kind: ArgKind::String, token: Some("SETNAME"), flags: ARG_OPTIONAL, ..Arg::BASE },
                ], ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "quit",
        handler: Some(quit),
        arity: -1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "1.0.0",
        summary: "Closes the connection after replying.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "reset",
        handler: Some(reset),
        arity: 1,
        flags: NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "6.2.0",
        summary: "Resets the connection to its initial state.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "select",
        handler: Some(select),
        arity: 2,
        flags: LOADING | STALE | FAST,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "connection",
        since: "1.0.0",
        summary: "Selects the database the connection works in.",
        complexity: "O(1)",
        args: &[
            Arg { name: "index", kind: ArgKind::Integer, ..Arg::BASE },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "client",
        arity: -2,
        group: "connection",
        since: "2.4.0",
        summary: "A container for client connection commands.",
        complexity: "Depends on subcommand.",
        subcommands: CLIENT_SUBCOMMANDS,
        ..CommandSpec::BASE
    },
];
