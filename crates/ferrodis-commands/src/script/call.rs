//! The `redis.*` primitives: `redis.call` / `redis.pcall` (a command run
//! through the ordinary dispatcher on the caller's connection, its reply
//! decoded into Lua), `redis.setresp`, `redis.acl_check_cmd`, and the ones
//! that need no client (`sha1hex`, `log`, `set_repl`, math.random).
//!
//! Convention shared with prelude.lua: a primitive that fails returns the
//! prelude's marker followed by the error value, and the Lua wrapper
//! raises it at the script's position.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use ferrodis_protocol::ReplyBuf;
use mlua::{Lua, MultiValue, Table, Value};

use super::RunInfo;
use crate::context::{Client, ServerState};
use crate::spec::{DENYOOM, MAY_REPLICATE, NOSCRIPT, WRITE};
use crate::table::{table, Table as CommandTable, TableEntry};

/// What the script's `redis.*` functions share during one run.
pub struct CallState<'c> {
    pub client: &'c mut Client,
    /// RESP version of replies decoded into Lua (redis.setresp).
    pub resp: u8,
    pub read_only: bool,
    pub deny_oom: bool,
    pub info: Arc<RunInfo>,
    /// Reused as the reply buffer of called commands.
    pub scratch: ReplyBuf,
}

/// A failure return: the marker, then the error value.
pub fn fail(lua: &Lua, err: Value) -> mlua::Result<MultiValue> {
    let prims: Table = lua.named_registry_value("ferrodis.prims")?;
    let mark: Value = prims.raw_get("mark")?;
    Ok(MultiValue::from_vec(vec![mark, err]))
}

/// `{err = msg}`.
pub fn error_table(lua: &Lua, msg: &[u8]) -> mlua::Result<Value> {
    let t = lua.create_table()?;
    t.raw_set("err", lua.create_string(msg)?)?;
    Ok(Value::Table(t))
}

fn fail_msg(lua: &Lua, msg: &str) -> mlua::Result<MultiValue> {
    let t = error_table(lua, msg.as_bytes())?;
    fail(lua, t)
}

pub fn fail_str(lua: &Lua, msg: &str) -> mlua::Result<MultiValue> {
    fail(lua, Value::String(lua.create_string(msg)?))
}

fn one(v: Value) -> MultiValue {
    MultiValue::from_vec(vec![v])
}

/// Registers the primitives that need no client, and remembers `prims`.
pub fn register(lua: &Lua, prims: &Table) -> mlua::Result<()> {
    lua.set_named_registry_value("ferrodis.prims", prims.clone())?;
    prims.raw_set("sha1hex", lua.create_function(sha1hex)?)?;
    prims.raw_set("log", lua.create_function(log)?)?;
    prims.raw_set("set_repl", lua.create_function(set_repl)?)?;
    prims.raw_set("random", lua.create_function(random)?)?;
    prims.raw_set("randomseed", lua.create_function(randomseed)?)?;
    Ok(())
}

/// A value as Lua's `lua_tolstring` sees it: strings, and numbers in
/// `%.14g`; anything else has no text.
pub fn to_text(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Integer(i) => Some(super::engine::lua_number_text(*i as f64).into_bytes()),
        Value::Number(n) => Some(super::engine::lua_number_text(*n).into_bytes()),
        _ => None,
    }
}

/// A value as `lua_tonumber` sees it.
pub fn to_lua_number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        Value::String(s) => {
            let b = s.as_bytes();
            let t = b.trim_ascii();
            let (n, used, _) = crate::args::strtod(t);
            (used == t.len() && used > 0)
                .then_some(n)
                .or_else(|| parse_lua_hex(t))
        }
        _ => None,
    }
}

/// Lua 5.1 also reads `0x...` integers.
fn parse_lua_hex(t: &[u8]) -> Option<f64> {
    let (neg, t) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let h = t.strip_prefix(b"0x").or_else(|| t.strip_prefix(b"0X"))?;
    if h.is_empty() {
        return None;
    }
    let mut v: f64 = 0.0;
    for &c in h {
        v = v * 16.0 + f64::from((c as char).to_digit(16)?);
    }
    Some(if neg { -v } else { v })
}

fn sha1hex(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    if args.len() != 1 {
        return fail_msg(lua, "ERR wrong number of arguments");
    }
    let text = to_text(&args[0]).unwrap_or_default();
    let hex = super::sha1_hex(&text);
    Ok(one(Value::String(lua.create_string(hex)?)))
}

fn log(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    if args.len() < 2 {
        return fail_msg(lua, "ERR redis.log() requires two arguments or more.");
    }
    let Some(level) = (match &args[0] {
        Value::Integer(_) | Value::Number(_) => to_lua_number(&args[0]),
        _ => None,
    }) else {
        return fail_msg(lua, "ERR First argument must be a number (log level).");
    };
    let level = level as i64;
    if !(0..=3).contains(&level) {
        return fail_msg(lua, "ERR Invalid debug level.");
    }
    let mut msg = Vec::new();
    for (i, v) in args.iter().skip(1).enumerate() {
        if i > 0 {
            msg.push(b' ');
        }
        if let Some(t) = to_text(v) {
            msg.extend_from_slice(&t);
        }
    }
    let msg = String::from_utf8_lossy(&msg);
    match level {
        0 => tracing::debug!(target: "script", "{msg}"),
        1 => tracing::debug!(target: "script", "{msg}"),
        2 => tracing::info!(target: "script", "{msg}"),
        _ => tracing::warn!(target: "script", "{msg}"),
    }
    Ok(MultiValue::new())
}

fn set_repl(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    if args.len() != 1 {
        return fail_msg(lua, "ERR redis.set_repl() requires two arguments.");
    }
    let flags = to_lua_number(&args[0]).unwrap_or(0.0) as i64;
    if flags & !3 != 0 {
        return fail_msg(
            lua,
            "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
        );
    }
    // There is no replication yet: accepted and ignored.
    Ok(MultiValue::new())
}

// ----------------------------------------------------------- math.random

/// The 48-bit linear congruential generator of POSIX `lrand48`, which
/// Redis's Lua uses for math.random. Its state is process-wide and is not
/// reset between scripts; it starts where `lrand48` starts unseeded.
static RAND48: AtomicU64 = AtomicU64::new(0x1234_ABCD_330E);

fn lrand48() -> u32 {
    const A: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut x = RAND48.load(Ordering::Relaxed);
    loop {
        let next = (x.wrapping_mul(A).wrapping_add(0xB)) & MASK;
        match RAND48.compare_exchange_weak(x, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return (next >> 17) as u32,
            Err(cur) => x = cur,
        }
    }
}

fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "no value",
        Some(v) => v.type_name(),
    }
}

/// `luaL_checkint`-like: an integer argument or an error message.
fn check_int(args: &MultiValue, i: usize, fname: &str) -> Result<i64, String> {
    match args.get(i).and_then(to_lua_number) {
        Some(n) => Ok(n as i64),
        None => Err(format!(
            "bad argument #{} to '{fname}' (number expected, got {})",
            i + 1,
            type_name(args.get(i))
        )),
    }
}

fn random(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    let r = f64::from(lrand48() % 2_147_483_647) / 2_147_483_647.0;
    let v = match args.len() {
        0 => r,
        1 => {
            let u = match check_int(&args, 0, "random") {
                Ok(u) => u,
                Err(m) => return fail_str(lua, &m),
            };
            if u < 1 {
                return fail_str(lua, "bad argument #1 to 'random' (interval is empty)");
            }
            (r * u as f64).floor() + 1.0
        }
        2 => {
            let l = match check_int(&args, 0, "random") {
                Ok(l) => l,
                Err(m) => return fail_str(lua, &m),
            };
            let u = match check_int(&args, 1, "random") {
                Ok(u) => u,
                Err(m) => return fail_str(lua, &m),
            };
            if l > u {
                return fail_str(lua, "bad argument #2 to 'random' (interval is empty)");
            }
            (r * (u - l + 1) as f64).floor() + l as f64
        }
        _ => return fail_str(lua, "wrong number of arguments"),
    };
    Ok(one(Value::Number(v)))
}

fn randomseed(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    let seed = match check_int(&args, 0, "randomseed") {
        Ok(s) => s as i32,
        Err(m) => return fail_str(lua, &m),
    };
    let x = ((seed as u32 as u64) << 16) | 0x330E;
    RAND48.store(x, Ordering::Relaxed);
    Ok(MultiValue::new())
}

// ------------------------------------------------------------ redis.call

/// Arguments of redis.call and friends: strings as they are, numbers as
/// `%.17g` text; anything else is an error.
fn command_argv(args: impl Iterator<Item = Value>) -> Option<Vec<Bytes>> {
    let mut argv = Vec::new();
    for v in args {
        let b = match v {
            Value::String(s) => Bytes::copy_from_slice(&s.as_bytes()),
            Value::Integer(i) => double_text(i as f64),
            Value::Number(n) => double_text(n),
            _ => return None,
        };
        argv.push(b);
    }
    Some(argv)
}

fn double_text(n: f64) -> Bytes {
    let mut buf = [0u8; ferrodis_protocol::num::DOUBLE_BUF_LEN];
    Bytes::copy_from_slice(ferrodis_protocol::num::fmt_double(n, &mut buf))
}

/// The table entry for argv (descending into subcommands), if any.
fn lookup(argv: &[Bytes]) -> Option<&'static TableEntry> {
    let t = table();
    let e = t.lookup(&argv[0])?;
    if CommandTable::is_container(e) && argv.len() >= 2 {
        return t.lookup_sub(e, &argv[1]);
    }
    Some(e)
}

const NO_ARGS: &str = "ERR Please specify at least one argument for this redis lib call";
const BAD_ARG_TYPE: &str = "ERR Lua redis lib command arguments must be strings or integers";

/// redis.call (`raise`) and redis.pcall.
pub fn redis_call(
    lua: &Lua,
    srv: &ServerState,
    state: &RefCell<CallState<'_>>,
    args: MultiValue,
) -> mlua::Result<MultiValue> {
    let mut it = args.into_iter();
    let raise = matches!(it.next(), Some(Value::Boolean(true)));
    let outcome = call_command(lua, srv, state, it)?;
    match outcome {
        Ok(v) => Ok(one(v)),
        Err(e) if raise => fail(lua, e),
        Err(e) => Ok(one(e)),
    }
}

/// Runs one command for the script: Ok(reply) or Err(error table).
fn call_command(
    lua: &Lua,
    srv: &ServerState,
    state: &RefCell<CallState<'_>>,
    args: impl Iterator<Item = Value>,
) -> mlua::Result<Result<Value, Value>> {
    let err = |msg: &str| -> mlua::Result<Result<Value, Value>> {
        Ok(Err(error_table(lua, msg.as_bytes())?))
    };
    let Some(argv) = command_argv(args) else {
        return err(BAD_ARG_TYPE);
    };
    if argv.is_empty() {
        return err(NO_ARGS);
    }
    let Some(e) = lookup(&argv) else {
        return err("ERR Unknown Redis command called from script");
    };
    let spec = e.spec;
    if !spec.arity_ok(argv.len()) {
        return err("ERR Wrong number of args calling Redis command from script");
    }
    if spec.flags & NOSCRIPT != 0 {
        return err("ERR This Redis command is not allowed from script");
    }
    let mut cs = state.borrow_mut();
    if let Err(denied) = crate::acl::check_command_in(srv, cs.client, e, &argv, "lua") {
        let msg = match denied {
            crate::acl::Denied::Command => {
                "ERR The user executing the script can't run this command or subcommand"
            }
            crate::acl::Denied::Key => {
                "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments"
            }
            crate::acl::Denied::Channel => {
                "ERR The user executing the script can't publish to the channel mentioned in the command"
            }
        };
        return err(msg);
    }
    if spec.flags & (WRITE | MAY_REPLICATE) != 0 && cs.read_only {
        return err("ERR Write commands are not allowed from read-only scripts.");
    }
    if cs.deny_oom && spec.flags & DENYOOM != 0 {
        return err("OOM command not allowed when used memory > 'maxmemory'.");
    }
    if spec.flags & WRITE != 0 {
        cs.info.wrote.store(true, Ordering::Release);
    }
    // Run it on the caller's connection, into a scratch reply buffer that
    // speaks the script's RESP version.
    let cs = &mut *cs;
    let mut scratch = std::mem::take(&mut cs.scratch);
    scratch.clear();
    scratch.set_resp(cs.resp);
    let saved = std::mem::replace(&mut cs.client.reply, scratch);
    let caller_resp = std::mem::replace(&mut cs.client.resp, cs.resp);
    let scope = crate::monitor::ScriptScope::enter();
    crate::dispatch::execute(srv, cs.client, &argv);
    drop(scope);
    cs.client.resp = caller_resp;
    cs.scratch = std::mem::replace(&mut cs.client.reply, saved);
    let decoded = super::convert::reply_to_lua(lua, cs.scratch.as_slice())?;
    Ok(decoded)
}

/// redis.setresp(2|3).
pub fn setresp(
    lua: &Lua,
    state: &RefCell<CallState<'_>>,
    args: MultiValue,
) -> mlua::Result<MultiValue> {
    if args.len() != 1 {
        return fail_msg(lua, "ERR redis.setresp() requires one argument.");
    }
    let v = to_lua_number(&args[0]).unwrap_or(0.0) as i64;
    if v != 2 && v != 3 {
        return fail_msg(lua, "ERR RESP version must be 2 or 3.");
    }
    state.borrow_mut().resp = v as u8;
    Ok(MultiValue::new())
}

/// redis.acl_check_cmd(command, args...): whether the script's user may
/// run it (no ACL log entry).
pub fn acl_check_cmd(
    lua: &Lua,
    srv: &ServerState,
    state: &RefCell<CallState<'_>>,
    args: MultiValue,
) -> mlua::Result<MultiValue> {
    let Some(argv) = command_argv(args.into_iter()) else {
        return fail_msg(lua, BAD_ARG_TYPE);
    };
    if argv.is_empty() {
        return fail_msg(lua, NO_ARGS);
    }
    let Some(e) = lookup(&argv) else {
        return fail_msg(lua, "ERR Invalid command passed to redis.acl_check_cmd()");
    };
    let cs = state.borrow();
    let ok = crate::acl::allowed(srv, cs.client, e, &argv);
    Ok(one(Value::Boolean(ok)))
}
