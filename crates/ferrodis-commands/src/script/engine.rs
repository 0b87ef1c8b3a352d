//! The Lua interpreters (one per thread), the sandbox, and running one
//! script: arguments in, the time/kill hook, the error handler, and the
//! result turned into the caller's reply.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use mlua::{
    ChunkMode, Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState,
};
use parking_lot::Mutex;

use super::call::{self, CallState};
use super::{RunInfo, Script};
use crate::context::{Client, ServerState};
use crate::error::CommandError;
use ferrodis_protocol::ReplyBuf;

/// The sandbox set-up that is easier to say in Lua.
const PRELUDE: &str = include_str!("prelude.lua");

/// Chunk name of the prelude; error positions skip frames from it.
const INTERNAL_SOURCE: &str = "=sandbox";

/// Chunk name of scripts: error messages say `user_script:<line>:`.
const SCRIPT_SOURCE: &str = "@user_script";

/// Chunk name of function libraries: `user_function:<line>:`.
const FUNCTION_SOURCE: &str = "@user_function";

/// Lua instructions between two checks of the kill flag.
const HOOK_EVERY: u32 = 10_000;

/// What SCRIPT KILL makes the script raise.
pub const KILLED: &str = "ERR Script killed by user with SCRIPT KILL...";

/// How one run is set up.
pub struct RunOptions<'a> {
    pub sha: [u8; 40],
    /// FCALL: the function's name (then `sha` is unused).
    pub function: Option<&'a [u8]>,
    /// EVAL_RO / EVALSHA_RO, or `#!lua flags=no-writes`.
    pub read_only: bool,
    /// Over maxmemory at the start: deny-oom commands are refused.
    pub deny_oom: bool,
    pub keys: &'a [Bytes],
    pub args: &'a [Bytes],
    pub info: Arc<RunInfo>,
}

/// One thread's interpreter and what it keeps between scripts.
struct State {
    lua: Lua,
    /// `Scripting::id` and generation this interpreter was built for.
    owner: u64,
    generation: u64,
    funcs: HashMap<[u8; 40], Function>,
    /// The environment scripts see (a read-only proxy of the globals).
    env: Table,
    /// The real globals table (KEYS and ARGV are set in it).
    globals: Table,
    /// The primitives table shared with the prelude.
    prims: Table,
    xpcall: Function,
    /// The unwrapped `pcall` (errors come back as raised).
    pcall: Function,
    msgh: Function,
    /// Function registry generation the functions below were loaded for.
    fn_generation: u64,
    /// Function name → the Lua function its library registered.
    fn_funcs: HashMap<Bytes, Function>,
    /// This interpreter's share of INFO's used_memory_lua.
    memory: Arc<AtomicUsize>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
    /// The run in progress on this thread (the hook and pcall look at its
    /// kill flag).
    static CURRENT: RefCell<Option<Arc<RunInfo>>> = const { RefCell::new(None) };
}

/// Whether SCRIPT KILL stopped the script running on this thread.
fn killed() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|r| r.kill.load(Ordering::Acquire))
    })
}

/// Memory of every thread's interpreter, for INFO.
static MEMORY: Mutex<Vec<Arc<AtomicUsize>>> = Mutex::new(Vec::new());

/// Bytes used by the Lua interpreters of all threads (INFO
/// used_memory_lua).
pub fn lua_memory() -> usize {
    MEMORY
        .lock()
        .iter()
        .map(|m| m.load(Ordering::Relaxed))
        .sum()
}

impl Drop for State {
    fn drop(&mut self) {
        self.memory.store(0, Ordering::Relaxed);
        MEMORY.lock().retain(|m| !Arc::ptr_eq(m, &self.memory));
    }
}

/// Drops this thread's interpreter (SCRIPT FLUSH); other threads notice
/// the new generation on their next script.
pub fn flush_this_thread() {
    let old = STATE.with(|s| s.try_borrow_mut().ok().and_then(|mut s| s.take()));
    drop(old);
}

fn internal<E: std::fmt::Display>(e: E) -> CommandError {
    CommandError::ScriptInternal(crate::error::Lossy(e.to_string().into_bytes()))
}

/// Runs `f` with this thread's interpreter, building it first if there is
/// none or it belongs to another server or generation.
fn with_state<R>(
    srv: &ServerState,
    f: impl FnOnce(&mut State) -> Result<R, CommandError>,
) -> Result<R, CommandError> {
    STATE.with(|cell| {
        // A script cannot start another one (EVAL is refused from
        // scripts), so the interpreter is never borrowed twice.
        let mut slot = cell.try_borrow_mut().map_err(internal)?;
        let owner = srv.scripting.id;
        let generation = srv.scripting.generation.load(Ordering::Relaxed);
        let stale = match slot.as_ref() {
            Some(st) => st.owner != owner || st.generation != generation,
            None => true,
        };
        if stale {
            *slot = None;
            *slot = Some(build(owner, generation).map_err(internal)?);
        }
        match slot.as_mut() {
            Some(st) => f(st),
            None => Err(internal("no interpreter")),
        }
    })
}

/// The body of every library function written in Rust, as a C function
/// so that it behaves like Redis's own C functions: it is called as a
/// plain call even from a `return f(...)` tail position (the script's
/// frame stays, so its line is known), and it raises errors itself.
///
/// Upvalue 1 is the Rust primitive, upvalue 2 the failure marker. The
/// primitive returns its results, or `marker, err [, no_position]`: then
/// `err` is raised; a string gets the caller's position in front, as
/// `luaL_error` does for C libraries.
///
/// # Safety
/// Called by Lua with a valid state and the two upvalues set by
/// [`make_wrapper`]. Nothing with a destructor is alive when `lua_error`
/// unwinds through this frame.
unsafe extern "C-unwind" fn trampoline(l: *mut mlua::ffi::lua_State) -> std::os::raw::c_int {
    use mlua::ffi;
    let nargs = ffi::lua_gettop(l);
    ffi::lua_pushvalue(l, ffi::lua_upvalueindex(1));
    ffi::lua_insert(l, 1);
    ffi::lua_call(l, nargs, ffi::LUA_MULTRET);
    let nres = ffi::lua_gettop(l);
    if nres >= 1 && ffi::lua_rawequal(l, 1, ffi::lua_upvalueindex(2)) != 0 {
        if nres >= 2 {
            ffi::lua_pushvalue(l, 2);
        } else {
            ffi::lua_pushnil(l);
        }
        let no_position = nres >= 3 && ffi::lua_toboolean(l, 3) != 0;
        if !no_position && ffi::lua_type(l, -1) == ffi::LUA_TSTRING {
            rename_bad_argument(l);
            ffi::luaL_where(l, 1);
            ffi::lua_insert(l, -2);
            ffi::lua_concat(l, 2);
        }
        ffi::lua_error(l);
    }
    nres
}

/// An argument error names the function as its caller knows it (a local
/// alias, or `?`), as `luaL_argerror` does: the message on top of the
/// stack, `bad argument #N to 'name' (...)`, gets that name.
///
/// # Safety
/// `l` is a valid state with a string on top, inside a C function.
unsafe fn rename_bad_argument(l: *mut mlua::ffi::lua_State) {
    use mlua::ffi;
    let renamed = {
        let mut len = 0usize;
        let p = ffi::lua_tolstring(l, -1, &mut len);
        if p.is_null() {
            return;
        }
        let msg = std::slice::from_raw_parts(p as *const u8, len);
        let Some(rest) = msg.strip_prefix(b"bad argument #") else {
            return;
        };
        let Some(to) = rest.windows(5).position(|w| w == b" to '") else {
            return;
        };
        let name_start = 14 + to + 5;
        let Some(name_len) = msg[name_start..].iter().position(|&b| b == b'\'') else {
            return;
        };
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        let name: Vec<u8> = if ffi::lua_getstack(l, 0, &mut ar) != 0
            && ffi::lua_getinfo(l, c"n".as_ptr(), &mut ar) != 0
            && !ar.name.is_null()
        {
            std::ffi::CStr::from_ptr(ar.name).to_bytes().to_vec()
        } else {
            b"?".to_vec()
        };
        let mut out = msg[..name_start].to_vec();
        out.extend_from_slice(&name);
        out.extend_from_slice(&msg[name_start + name_len..]);
        out
    };
    ffi::lua_pop(l, 1);
    ffi::lua_pushlstring(
        l,
        renamed.as_ptr() as *const std::os::raw::c_char,
        renamed.len(),
    );
}

/// `cwrap(f, marker)`: a C closure running `f` through [`trampoline`].
///
/// # Safety
/// Called by Lua with a valid state.
unsafe extern "C-unwind" fn make_wrapper(l: *mut mlua::ffi::lua_State) -> std::os::raw::c_int {
    use mlua::ffi;
    ffi::lua_settop(l, 2);
    ffi::lua_pushcclosure(l, trampoline, 2);
    1
}

/// A new interpreter with Redis's libraries and the sandbox.
fn build(owner: u64, generation: u64) -> mlua::Result<State> {
    let lua = Lua::new_with(
        StdLib::TABLE | StdLib::STRING | StdLib::MATH,
        LuaOptions::default(),
    )?;
    let globals = lua.globals();
    let xpcall: Function = globals.raw_get("xpcall")?;
    let pcall: Function = globals.raw_get("pcall")?;
    let msgh = lua.create_function(error_handler)?;
    let prims = lua.create_table()?;
    prims.raw_set("mark", lua.create_table()?)?;
    // SAFETY: `make_wrapper` only builds a closure from its two arguments.
    prims.raw_set("cwrap", unsafe { lua.create_c_function(make_wrapper)? })?;
    prims.raw_set("msgh", msgh.clone())?;
    prims.raw_set("version", crate::REDIS_VERSION)?;
    prims.raw_set("version_num", version_num())?;
    prims.raw_set(
        "errmsg",
        lua.create_function(|_, v: Value| Ok(error_text(&v)))?,
    )?;
    prims.raw_set("killed", lua.create_function(|_, ()| Ok(killed()))?)?;
    call::register(&lua, &prims)?;
    prims.raw_set("bit", super::bitlib::module(&lua)?)?;
    prims.raw_set(
        "cjson_new",
        lua.create_function(|lua, ()| super::cjson::module(lua))?,
    )?;
    prims.raw_set("struct", super::structlib::module(&lua)?)?;
    prims.raw_set("cmsgpack", super::cmsgpack::module(&lua)?)?;
    let env: Table = lua
        .load(PRELUDE)
        .set_name(INTERNAL_SOURCE)
        .set_mode(ChunkMode::Text)
        .call(prims.clone())?;
    let memory = Arc::new(AtomicUsize::new(lua.used_memory()));
    MEMORY.lock().push(memory.clone());
    Ok(State {
        lua,
        owner,
        generation,
        funcs: HashMap::new(),
        env,
        globals,
        prims,
        xpcall,
        pcall,
        msgh,
        fn_generation: u64::MAX,
        fn_funcs: HashMap::new(),
        memory,
    })
}

/// REDIS_VERSION_NUM: 0x00MMmmpp.
fn version_num() -> i64 {
    let mut parts = crate::REDIS_VERSION
        .split('.')
        .map(|p| p.parse::<i64>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    (major << 16) | (minor << 8) | patch
}

impl State {
    /// The compiled function of a script, compiling it on first use in
    /// this interpreter.
    fn function(&mut self, sha: &[u8; 40], script: &Script) -> Result<Function, CommandError> {
        if let Some(f) = self.funcs.get(sha) {
            return Ok(f.clone());
        }
        let f = self
            .lua
            .load(&script.source[..])
            .set_name(SCRIPT_SOURCE)
            .set_mode(ChunkMode::Text)
            .set_environment(self.env.clone())
            .into_function()
            .map_err(|e| {
                let msg = match e {
                    mlua::Error::SyntaxError { message, .. } => message,
                    other => other.to_string(),
                };
                CommandError::ScriptCompile(crate::error::Lossy(msg.into_bytes()))
            })?;
        self.funcs.insert(*sha, f.clone());
        Ok(f)
    }
}

/// Compiles a script in this thread's interpreter (EVAL, SCRIPT LOAD), so
/// that syntax errors are reported before it enters the cache.
pub fn compile(srv: &ServerState, sha: &[u8; 40], script: &Script) -> Result<(), CommandError> {
    with_state(srv, |st| st.function(sha, script).map(|_| ()))
}

/// The message of an error value raised from Rust (mlua wraps those in
/// userdata), or the value's text.
fn error_text(v: &Value) -> String {
    fn root(e: &mlua::Error) -> String {
        match e {
            mlua::Error::CallbackError { cause, .. } => root(cause),
            mlua::Error::RuntimeError(m) => m.clone(),
            mlua::Error::MemoryError(m) => m.clone(),
            other => other.to_string(),
        }
    }
    match v {
        Value::Error(e) => root(e),
        Value::String(s) => s.to_string_lossy(),
        Value::Nil => "nil".to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Number(n) => lua_number_text(*n),
        other => format!("{}: {:?}", other.type_name(), other.to_pointer()),
    }
}

/// Lua's `%.14g` text of a number.
pub fn lua_number_text(n: f64) -> String {
    String::from_utf8_lossy(&super::cjson::fmt_g(n, 14)).into_owned()
}

/// The message handler of a script run: turns any error value into an
/// error table with the position of the script frame that raised it,
/// `{err=..., source=..., line=...}`.
fn error_handler(lua: &Lua, v: Value) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    let msg: Value = match &v {
        Value::Table(e) => match e.raw_get::<Value>("err")? {
            s @ (Value::String(_) | Value::Integer(_) | Value::Number(_)) => s,
            _ => Value::String(lua.create_string("ERR unknown error")?),
        },
        Value::Error(_) => {
            let text = error_text(&v);
            let text = if text.starts_with("ERR ") {
                text
            } else {
                format!("ERR {text}")
            };
            Value::String(lua.create_string(text)?)
        }
        Value::String(s) => {
            let mut b = b"ERR ".to_vec();
            b.extend_from_slice(&s.as_bytes());
            Value::String(lua.create_string(b)?)
        }
        other => Value::String(lua.create_string(format!("ERR {}", error_text(other)))?),
    };
    t.raw_set("err", msg)?;
    // The first frame that is neither C nor the sandbox's own.
    for level in 1..64 {
        let Some(frame) = lua.inspect_stack(level) else {
            break;
        };
        let src = frame.source();
        if src.what == "C" || src.what == "tail" {
            continue;
        }
        let Some(source) = src.source else { continue };
        if source == INTERNAL_SOURCE {
            continue;
        }
        t.raw_set("source", lua.create_string(source.as_bytes())?)?;
        t.raw_set("line", frame.curr_line())?;
        break;
    }
    Ok(t)
}

/// Runs a script for `client` and writes its reply (its result or its
/// error) to `client.reply`.
pub fn run(srv: &ServerState, client: &mut Client, script: Option<&Script>, opts: RunOptions<'_>) {
    let db = client.db;
    let resp = client.resp;
    let last_cmd = client.shared.last_cmd.load(Ordering::Relaxed);
    let no_block = std::mem::replace(&mut client.no_block, true);
    let result = with_state(srv, |st| run_in(st, srv, client, script, &opts));
    client.no_block = no_block;
    // SELECT inside a script does not change the caller's database, and
    // the caller's RESP version is its own.
    if client.db != db {
        client.select(db);
    }
    client.resp = resp;
    client.reply.set_resp(resp);
    client.shared.last_cmd.store(last_cmd, Ordering::Relaxed);
    if let Err(e) = result {
        let text = e.to_string();
        client.reply.error(&text);
        crate::stats::record_error(srv, &text);
    }
}

fn run_in(
    st: &mut State,
    srv: &ServerState,
    client: &mut Client,
    script: Option<&Script>,
    opts: &RunOptions<'_>,
) -> Result<(), CommandError> {
    let func = match (opts.function, script) {
        (Some(name), _) => {
            st.sync_functions(srv)?;
            st.fn_funcs
                .get(name)
                .cloned()
                .ok_or(CommandError::FunctionNotFound)?
        }
        (None, Some(script)) => st.function(&opts.sha, script)?,
        (None, None) => return Err(internal("nothing to run")),
    };
    let lua = &st.lua;
    let keys = string_array(lua, opts.keys).map_err(internal)?;
    let args = string_array(lua, opts.args).map_err(internal)?;
    // A function gets its keys and arguments as parameters; a script as
    // the KEYS and ARGV globals.
    let fn_args = if opts.function.is_some() {
        Some((keys, args))
    } else {
        st.globals.raw_set("KEYS", keys).map_err(internal)?;
        st.globals.raw_set("ARGV", args).map_err(internal)?;
        None
    };
    let info = opts.info.clone();
    CURRENT.with(|c| *c.borrow_mut() = Some(info.clone()));
    lua.set_hook(
        HookTriggers::new().every_nth_instruction(HOOK_EVERY),
        move |_, _| {
            if info.kill.load(Ordering::Acquire) {
                Err(mlua::Error::RuntimeError(KILLED.to_string()))
            } else {
                Ok(VmState::Continue)
            }
        },
    );
    let state = RefCell::new(CallState {
        client,
        resp: 2,
        read_only: opts.read_only,
        deny_oom: opts.deny_oom,
        info: opts.info.clone(),
        scratch: ReplyBuf::new(),
    });
    let outcome = lua.scope(|scope| {
        let s = &state;
        st.prims.raw_set(
            "call",
            scope.create_function(move |lua, args: MultiValue| {
                call::redis_call(lua, srv, s, args)
            })?,
        )?;
        st.prims.raw_set(
            "setresp",
            scope.create_function(move |lua, args: MultiValue| call::setresp(lua, s, args))?,
        )?;
        st.prims.raw_set(
            "acl_check_cmd",
            scope.create_function(move |lua, args: MultiValue| {
                call::acl_check_cmd(lua, srv, s, args)
            })?,
        )?;
        let res: MultiValue = match fn_args {
            Some((keys, args)) => {
                let fcall: Function = st.prims.raw_get("fcall")?;
                fcall.call((func, keys, args))?
            }
            None => st.xpcall.call((func, st.msgh.clone()))?,
        };
        let mut cs = state.borrow_mut();
        let script_resp = cs.resp;
        let reply = &mut cs.client.reply;
        let mut vals = res.into_iter();
        let ok = matches!(vals.next(), Some(Value::Boolean(true)));
        let v = vals.next().unwrap_or(Value::Nil);
        if ok {
            let mark = reply.len();
            lua_to_reply(reply, &v, script_resp, 2)?;
            // A script that returns an error reply (redis.error_reply, an
            // {err=...} table) replies an error: errorstats count it.
            if let Some(line) = reply.as_slice()[mark..].strip_prefix(b"-") {
                let end = line.iter().position(|&b| b == b'\r').unwrap_or(line.len());
                crate::stats::record_error(srv, &String::from_utf8_lossy(&line[..end]));
            }
            Ok(true)
        } else {
            write_script_error(reply, &v, opts.function.unwrap_or(&opts.sha))?;
            Ok(false)
        }
    });
    lua.remove_hook();
    CURRENT.with(|c| *c.borrow_mut() = None);
    // Let go of the arguments until the next run.
    let _ = st.globals.raw_set("KEYS", Value::Nil);
    let _ = st.globals.raw_set("ARGV", Value::Nil);
    st.memory.store(lua.used_memory(), Ordering::Relaxed);
    match outcome {
        Ok(true) => Ok(()),
        Ok(false) => {
            srv.stats
                .total_error_replies
                .fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(internal(e)),
    }
}

fn string_array(lua: &Lua, items: &[Bytes]) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, b) in items.iter().enumerate() {
        t.raw_set(i + 1, lua.create_string(b)?)?;
    }
    Ok(t)
}

/// The bytes before the first NUL, as C reads a string.
fn c_str(b: &[u8]) -> &[u8] {
    b.iter().position(|&c| c == 0).map_or(b, |n| &b[..n])
}

/// `-<err> script: <sha>, on <source>:<line>.`
fn write_script_error(reply: &mut ReplyBuf, v: &Value, sha: &[u8]) -> mlua::Result<()> {
    let mut line = b"-".to_vec();
    let mut source = b"?".to_vec();
    let mut at = "?".to_string();
    if let Value::Table(t) = v {
        match t.raw_get::<Value>("err")? {
            Value::String(s) => line.extend_from_slice(c_str(&s.as_bytes())),
            Value::Integer(i) => line.extend_from_slice(i.to_string().as_bytes()),
            Value::Number(n) => line.extend_from_slice(lua_number_text(n).as_bytes()),
            _ => line.extend_from_slice(b"ERR unknown error"),
        }
        if let Value::String(s) = t.raw_get::<Value>("source")? {
            source = c_str(&s.as_bytes()).to_vec();
        }
        match t.raw_get::<Value>("line")? {
            Value::Integer(i) => at = i.to_string(),
            Value::Number(n) => at = lua_number_text(n),
            _ => {}
        }
    } else {
        line.extend_from_slice(error_text(v).as_bytes());
    }
    line.extend_from_slice(b" script: ");
    line.extend_from_slice(sha);
    line.extend_from_slice(b", on ");
    line.extend_from_slice(&source);
    line.push(b':');
    line.extend_from_slice(at.as_bytes());
    line.push(b'.');
    reply.error_bytes(&line);
    Ok(())
}

/// A Lua number as C's `(long long)` cast gives it on x86-64: NaN and
/// values out of range become i64::MIN.
pub fn lua_to_i64(n: f64) -> i64 {
    if n.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// Lua's C stack limit for nested values being converted (Redis checks
/// for room for 4 more slots at each value).
const STACK_LIMIT: usize = 8000;

/// Converts a script's result into the caller's reply, as Redis 7.0 does.
/// `slots` models how much of Lua's stack Redis would be using for this
/// value (see `STACK_LIMIT`). Nested tables are walked with an explicit
/// stack, depth first, so deep nesting costs no native stack.
fn lua_to_reply(r: &mut ReplyBuf, v: &Value, script_resp: u8, slots: usize) -> mlua::Result<()> {
    let mut work: Vec<(Value, usize)> = vec![(v.clone(), slots)];
    while let Some((v, slots)) = work.pop() {
        if slots + 4 > STACK_LIMIT {
            r.error("ERR reached lua stack limit");
            continue;
        }
        match &v {
            Value::String(s) => r.bulk(&s.as_bytes()),
            Value::Boolean(b) => {
                if script_resp == 2 {
                    if *b {
                        r.integer(1);
                    } else {
                        r.null();
                    }
                } else {
                    r.boolean(*b);
                }
            }
            Value::Integer(i) => r.integer(*i),
            Value::Number(n) => r.integer(lua_to_i64(*n)),
            Value::Table(t) => {
                let first = work.len();
                table_to_reply(r, t, slots, &mut work)?;
                // Children were pushed in reply order; pop them in order.
                work[first..].reverse();
            }
            _ => r.null(),
        }
    }
    Ok(())
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// Writes a table's reply, or its aggregate header with the children
/// (and the stack slots Redis would use for them) pushed onto `work` in
/// reply order.
fn table_to_reply(
    r: &mut ReplyBuf,
    t: &Table,
    slots: usize,
    work: &mut Vec<(Value, usize)>,
) -> mlua::Result<()> {
    // Redis reads these two as C strings: they end at a NUL byte.
    if let Value::String(e) = t.raw_get::<Value>("err")? {
        let mut line = b"-".to_vec();
        line.extend_from_slice(c_str(&e.as_bytes()));
        r.error_bytes(&line);
        return Ok(());
    }
    if let Value::String(s) = t.raw_get::<Value>("ok")? {
        let mut status = c_str(&s.as_bytes()).to_vec();
        for b in status.iter_mut() {
            if *b == b'\r' || *b == b'\n' {
                *b = b' ';
            }
        }
        r.simple(&status);
        return Ok(());
    }
    if let Some(d) = number_of(&t.raw_get::<Value>("double")?) {
        r.double(d);
        return Ok(());
    }
    if let Value::String(s) = t.raw_get::<Value>("big_number")? {
        let digits = s.as_bytes();
        if r.resp() == 3 {
            let mut line = Vec::with_capacity(digits.len() + 3);
            line.push(b'(');
            line.extend(
                digits
                    .iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
            );
            line.extend_from_slice(b"\r\n");
            r.raw(&line);
        } else {
            r.bulk(&digits);
        }
        return Ok(());
    }
    if let Value::Table(m) = t.raw_get::<Value>("map")? {
        let mut n = 0;
        for pair in m.pairs::<Value, Value>() {
            let (k, v) = pair?;
            // Redis converts a copy of the key above the value.
            work.push((k, slots + 4));
            work.push((v, slots + 3));
            n += 1;
        }
        r.map(n);
        return Ok(());
    }
    if let Value::Table(s) = t.raw_get::<Value>("set")? {
        let mut n = 0;
        for pair in s.pairs::<Value, Value>() {
            let (k, _) = pair?;
            work.push((k, slots + 3));
            n += 1;
        }
        r.set(n);
        return Ok(());
    }
    if let Value::Table(vt) = t.raw_get::<Value>("verbatim_string")? {
        if let (Value::String(fmt), Value::String(text)) = (
            vt.raw_get::<Value>("format")?,
            vt.raw_get::<Value>("string")?,
        ) {
            r.verbatim(&fmt.to_string_lossy(), &text.as_bytes());
            return Ok(());
        }
    }
    let mut n = 0;
    loop {
        let v: Value = t.raw_get(n + 1)?;
        if v.is_nil() {
            break;
        }
        work.push((v, slots + 1));
        n += 1;
    }
    r.array(n);
    Ok(())
}

// ------------------------------------------------------------- functions

/// A function that library code registered while it loaded.
pub struct Registered {
    pub name: Bytes,
    pub flags: u8,
    pub description: Option<Bytes>,
    func: Function,
}

/// How long library code may run while it loads (FUNCTION LOAD).
pub const LOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

impl State {
    /// Runs a library's code (its shebang line blanked) in the load
    /// environment and returns what it registered.
    fn load_code(
        &self,
        source: &[u8],
        timeout: std::time::Duration,
    ) -> Result<Vec<Registered>, CommandError> {
        let f = self
            .lua
            .load(source)
            .set_name(FUNCTION_SOURCE)
            .set_mode(ChunkMode::Text)
            .set_environment(self.prims.raw_get::<Table>("fenv").map_err(internal)?)
            .into_function()
            .map_err(|e| {
                let msg = match e {
                    mlua::Error::SyntaxError { message, .. } => message,
                    other => other.to_string(),
                };
                CommandError::FunctionCompile(crate::error::Lossy(msg.into_bytes()))
            })?;
        let regs: RefCell<Vec<Registered>> = RefCell::new(Vec::new());
        let start = std::time::Instant::now();
        self.lua.set_hook(
            HookTriggers::new().every_nth_instruction(HOOK_EVERY),
            move |_, _| {
                if start.elapsed() > timeout {
                    Err(mlua::Error::RuntimeError("FUNCTION LOAD timeout".into()))
                } else {
                    Ok(VmState::Continue)
                }
            },
        );
        let loading: Function = self.prims.raw_get("loading").map_err(internal)?;
        let outcome = loading.call::<()>(true).and_then(|_| {
            self.lua.scope(|scope| {
                let r = &regs;
                self.prims.raw_set(
                    "register_function",
                    scope.create_function(move |lua, args: MultiValue| {
                        register_function(lua, r, args)
                    })?,
                )?;
                let res: MultiValue = self.pcall.call(f)?;
                self.prims.raw_set("register_function", Value::Nil)?;
                Ok(res)
            })
        });
        let _ = loading.call::<()>(false);
        self.lua.remove_hook();
        let res = outcome.map_err(internal)?;
        let mut vals = res.into_iter();
        if !matches!(vals.next(), Some(Value::Boolean(true))) {
            let e = vals.next().unwrap_or(Value::Nil);
            let msg = match &e {
                Value::Table(t) => match t.raw_get::<Value>("err") {
                    Ok(Value::String(s)) => s.as_bytes().to_vec(),
                    _ => b"ERR unknown error".to_vec(),
                },
                other => format!("ERR {}", error_text(other)).into_bytes(),
            };
            return Err(CommandError::FunctionRegister(crate::error::Lossy(msg)));
        }
        let regs = regs.into_inner();
        if regs.is_empty() {
            return Err(CommandError::NoFunctionsRegistered);
        }
        Ok(regs)
    }

    /// Brings this interpreter's functions up to the registry's
    /// generation: every library's code runs again here.
    fn sync_functions(&mut self, srv: &ServerState) -> Result<(), CommandError> {
        // The common case costs one atomic load.
        if self.fn_generation == srv.scripting.functions.generation() {
            return Ok(());
        }
        let (generation, libs) = srv.scripting.functions.snapshot();
        self.fn_funcs.clear();
        for lib in libs {
            // Already loaded once by FUNCTION LOAD (or the RDB loader), so
            // it is given more time than a first load.
            match self.load_code(&lib.source, LOAD_TIMEOUT * 10) {
                Ok(regs) => {
                    for r in regs {
                        self.fn_funcs.insert(r.name, r.func);
                    }
                }
                Err(e) => tracing::warn!(
                    "function library {} failed to load on this thread: {e}",
                    String::from_utf8_lossy(&lib.name)
                ),
            }
        }
        self.fn_generation = generation;
        Ok(())
    }
}

/// Runs library code in this thread's interpreter (FUNCTION LOAD,
/// RESTORE, the RDB loader) to learn and check what it registers.
pub fn load_library(
    srv: &ServerState,
    source: &[u8],
    timeout: std::time::Duration,
) -> Result<Vec<Registered>, CommandError> {
    with_state(srv, |st| st.load_code(source, timeout))
}

/// The flags a function can declare, in the order FUNCTION LIST shows
/// them; bit i is `FUNCTION_FLAGS[i]`.
pub const FUNCTION_FLAGS: &[&str] = &[
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

/// A valid function or library name: letters, digits, underscores.
pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `redis.register_function(name, fn)` or
/// `redis.register_function{function_name=, callback=, flags=, description=}`
/// while library code loads.
fn register_function(
    lua: &Lua,
    regs: &RefCell<Vec<Registered>>,
    args: MultiValue,
) -> mlua::Result<MultiValue> {
    let err = |msg: &str| -> mlua::Result<MultiValue> {
        let t = call::error_table(lua, format!("ERR {msg}").as_bytes())?;
        call::fail(lua, t)
    };
    let mut name: Option<Vec<u8>> = None;
    let mut func: Option<Function> = None;
    let mut flags = 0u8;
    let mut description: Option<Vec<u8>> = None;
    match args.len() {
        1 => {
            let Value::Table(t) = &args[0] else {
                return err("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            };
            for pair in t.clone().pairs::<Value, Value>() {
                let (k, v) = pair?;
                let Some(k) = call::to_text(&k) else {
                    return err(
                        "named argument key given to redis.register_function is not a string",
                    );
                };
                match &k[..] {
                    b"function_name" => match call::to_text(&v) {
                        Some(n) => name = Some(n),
                        None => return err("function_name argument given to redis.register_function must be a string"),
                    },
                    b"description" => match call::to_text(&v) {
                        Some(d) => description = Some(d),
                        None => return err("description argument given to redis.register_function must be a string"),
                    },
                    b"callback" => match v {
                        Value::Function(f) => func = Some(f),
                        _ => return err("callback argument given to redis.register_function must be a function"),
                    },
                    b"flags" => {
                        let Value::Table(ft) = v else {
                            return err("flags argument to redis.register_function must be a table representing function flags");
                        };
                        for pair in ft.pairs::<Value, Value>() {
                            let (_, f) = pair?;
                            let bit = match &f {
                                Value::String(s) => FUNCTION_FLAGS
                                    .iter()
                                    .position(|n| n.as_bytes() == &s.as_bytes()[..]),
                                _ => None,
                            };
                            match bit {
                                Some(b) => flags |= 1 << b,
                                None => return err("unknown flag given"),
                            }
                        }
                    }
                    _ => return err("unknown argument given to redis.register_function"),
                }
            }
            if name.is_none() {
                return err("redis.register_function must get a function name argument");
            }
            if func.is_none() {
                return err("redis.register_function must get a callback argument");
            }
        }
        2 => {
            let Some(n) = call::to_text(&args[0]) else {
                return err("first argument to redis.register_function must be a string");
            };
            let Value::Function(f) = &args[1] else {
                return err("second argument to redis.register_function must be a function");
            };
            name = Some(n);
            func = Some(f.clone());
        }
        _ => return err("wrong number of arguments to redis.register_function"),
    }
    let (Some(name), Some(func)) = (name, func) else {
        return err("wrong number of arguments to redis.register_function");
    };
    if !valid_name(&name) {
        // Redis 7.0 words this check as the library name check.
        return err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
    }
    let mut regs = regs.borrow_mut();
    if regs.iter().any(|r| r.name[..] == name[..]) {
        return err("Function already exists in the library");
    }
    regs.push(Registered {
        name: Bytes::from(name),
        flags,
        description: description.map(Bytes::from),
        func,
    });
    Ok(MultiValue::new())
}
