-- ferrodis: the scripting sandbox, run once in each new interpreter (the
-- chunk is named "=sandbox"; error positions skip its frames).
--
-- P holds the primitives written in Rust. The ones that need the running
-- script's client (call, setresp, acl_check_cmd) are replaced on every run,
-- so their wrappers look them up in P at each call.
--
-- P.cwrap(f, MARK) makes a C function around f: when f returns MARK, err
-- [, no_position], the C function raises err (a string gets the caller's
-- position in front), as Redis's C library functions do. Being C, it keeps
-- the script's frame even when called as `return f(...)`.
local P = ...
local G = _G
local MARK = P.mark
local cwrap = P.cwrap

local error, type, select, tostring, rawequal = error, type, select, tostring, rawequal
local raw_rawget, raw_rawset = rawget, rawset
local raw_setmetatable, raw_getmetatable = setmetatable, getmetatable
local raw_next, raw_pairs, raw_pcall = next, pairs, pcall
local raw_loadstring, setfenv = loadstring, setfenv
local strbyte, strsub, strfind, concat = string.byte, string.sub, string.find, table.concat

local function wrap(f)
  return cwrap(f, MARK)
end

local function wrap_all(src)
  local out = {}
  for k, v in raw_pairs(src) do
    if type(v) == 'function' then out[k] = wrap(v) else out[k] = v end
  end
  return out
end

-- Read-only tables. Redis 7.0 marks its library tables and the globals
-- table read-only inside the interpreter; here scripts see empty proxies
-- whose metatables forward reads and refuse writes.
local RO_MSG = 'Attempt to modify a readonly table'
local real_of = {}
local shown_mt = {}

local function ro_newindex()
  error(RO_MSG, 2)
end

local function readonly(real, shown)
  local proxy = {}
  real_of[proxy] = real
  shown_mt[proxy] = shown
  raw_setmetatable(proxy, {__index = real, __newindex = ro_newindex, __metatable = false})
  return proxy
end

local function missing_global(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end

-- ---------------------------------------------------------------- redis.*
local redis = {}

redis.call = wrap(function(...) return P.call(true, ...) end)
redis.pcall = wrap(function(...) return P.call(false, ...) end)
redis.setresp = wrap(function(...) return P.setresp(...) end)
redis.acl_check_cmd = wrap(function(...) return P.acl_check_cmd(...) end)
redis.sha1hex = wrap(P.sha1hex)
redis.log = wrap(P.log)
redis.set_repl = wrap(P.set_repl)
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end

local function trim_crlf(s)
  local i, j = 1, #s
  while i <= j do
    local c = strbyte(s, i)
    if c ~= 13 and c ~= 10 then break end
    i = i + 1
  end
  while j >= i do
    local c = strbyte(s, j)
    if c ~= 13 and c ~= 10 then break end
    j = j - 1
  end
  return strsub(s, i, j)
end

local BAD_ARGS = 'ERR wrong number or type of arguments'

redis.error_reply = function(...)
  local e = ...
  if select('#', ...) ~= 1 or type(e) ~= 'string' then
    return {err = BAD_ARGS}
  end
  -- Read as a C string: it ends at a NUL byte.
  local nul = strfind(e, '\0', 1, true)
  if nul then e = strsub(e, 1, nul - 1) end
  if strbyte(e, 1) == 45 then e = strsub(e, 2) end
  local sp = strfind(e, ' ', 1, true)
  if sp then
    return {err = strsub(e, 1, sp - 1) .. ' ' .. trim_crlf(strsub(e, sp + 1))}
  end
  return {err = 'ERR ' .. trim_crlf(e)}
end

redis.status_reply = function(...)
  local s = ...
  if select('#', ...) ~= 1 or type(s) ~= 'string' then
    return {err = BAD_ARGS}
  end
  return {ok = s}
end

redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION = P.version
redis.REDIS_VERSION_NUM = P.version_num

-- -------------------------------------------------------------- libraries
local math_real = math
math_real.random = wrap(P.random)
math_real.randomseed = wrap(P.randomseed)

local function cjson_module()
  local m = wrap_all(P.cjson_new())
  m.new = cjson_module
  return m
end

-- ---------------------------------------------------------------- globals
for _, name in raw_pairs({'print', 'dofile', 'loadfile', 'getfenv', 'setfenv',
    'newproxy', 'module', 'require', 'package', 'debug', 'os', 'io'}) do
  G[name] = nil
end

-- What scripts see as their globals.
local env = {}
real_of[env] = G
shown_mt[env] = {__index = missing_global}
raw_setmetatable(env, {__index = G, __newindex = ro_newindex, __metatable = false})

-- A chunk compiled by a script runs in the script's environment. Binary
-- chunks are refused: nothing checks their bytecode.
local function sandboxed(f, err)
  if f then setfenv(f, env) end
  return f, err
end

G.loadstring = function(s, name)
  if type(s) == 'string' and strbyte(s, 1) == 27 then
    return nil
  end
  return sandboxed(raw_loadstring(s, name))
end

G.load = function(reader, name)
  if type(reader) ~= 'function' then
    error("bad argument #1 to 'load' (function expected, got " .. type(reader) .. ")", 2)
  end
  local parts, n = {}, 0
  while true do
    local piece = reader()
    if piece == nil or piece == '' then break end
    if type(piece) ~= 'string' then
      return nil, 'reader function must return a string'
    end
    n = n + 1
    parts[n] = piece
  end
  local s = concat(parts)
  if strbyte(s, 1) == 27 then
    return nil
  end
  return sandboxed(raw_loadstring(s, name or '=(load)'))
end

G.rawset = wrap(function(t, k, v)
  if real_of[t] ~= nil then return MARK, RO_MSG, true end
  return raw_rawset(t, k, v)
end)

G.rawget = function(t, k)
  local real = real_of[t]
  if real ~= nil then t = real end
  return raw_rawget(t, k)
end

G.setmetatable = wrap(function(t, mt)
  if real_of[t] ~= nil then return MARK, RO_MSG, true end
  return raw_setmetatable(t, mt)
end)

G.getmetatable = function(...)
  local t = ...
  if select('#', ...) == 0 then
    error("bad argument #1 to 'getmetatable' (value expected)", 2)
  end
  if real_of[t] ~= nil then return shown_mt[t] end
  return raw_getmetatable(t)
end

G.pairs = function(t)
  local real = real_of[t]
  if real ~= nil then return raw_next, real, nil end
  return raw_pairs(t)
end

-- Errors that redis.call raises are tables; pcall hands scripts their
-- message as a string, as Redis 7.0 does. Once SCRIPT KILL has stopped the
-- script, pcall and xpcall no longer catch: the error goes on up.
local killed = P.killed

local function pcall_result(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if killed() then error(e, 0) end
  local te = type(e)
  if te == 'table' then
    local m = raw_rawget(e, 'err')
    if type(m) == 'string' then return false, m end
  elseif te == 'userdata' then
    return false, P.errmsg(e)
  end
  return false, ...
end

G.pcall = function(...)
  return pcall_result(raw_pcall(...))
end

local raw_xpcall = xpcall
local function xpcall_result(ok, ...)
  if not ok and killed() then error((...), 0) end
  return ok, ...
end

G.xpcall = function(f, handler)
  return xpcall_result(raw_xpcall(f, handler))
end

G.__redis__err__handler = P.msgh

G.redis = readonly(redis)
G.bit = readonly(wrap_all(P.bit))
G.cjson = readonly(cjson_module())
G.struct = readonly(wrap_all(P.struct))
G.cmsgpack = readonly(wrap_all(P.cmsgpack))
G.math = readonly(math_real)
G.string = readonly(string)
G.table = readonly(table)
G.coroutine = readonly(coroutine)
G._G = env
raw_getmetatable('').__index = G.string

raw_setmetatable(G, {__index = missing_global})

-- -------------------------------------------------------------- functions
-- Function libraries (FUNCTION LOAD) are compiled with `fenv` as their
-- environment. While their code loads, fenv reads from the load API: a
-- `redis` with register_function, log and the constants, nothing else (any
-- other name is a nonexistent global). Once loaded, the functions they
-- registered read the scripts' globals.
local load_redis = {
  register_function = wrap(function(...)
    local f = P.register_function
    if f == nil then
      return MARK, {err = 'ERR redis.register_function can only be called on FUNCTION LOAD command'}
    end
    return f(...)
  end),
  log = redis.log,
  LOG_DEBUG = redis.LOG_DEBUG, LOG_VERBOSE = redis.LOG_VERBOSE,
  LOG_NOTICE = redis.LOG_NOTICE, LOG_WARNING = redis.LOG_WARNING,
  REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
}
raw_setmetatable(load_redis, {__index = missing_global})
local load_api = {redis = readonly(load_redis)}
raw_setmetatable(load_api, {__index = missing_global})

local fenv_mt = {__index = G, __newindex = ro_newindex, __metatable = false}
local fenv = {}
raw_setmetatable(fenv, fenv_mt)
P.fenv = fenv
P.loading = function(on)
  if on then fenv_mt.__index = load_api else fenv_mt.__index = G end
end

-- FCALL: the function gets KEYS and ARGV as its two arguments.
local msgh = P.msgh
P.fcall = function(f, keys, args)
  return raw_xpcall(function() return f(keys, args) end, msgh)
end

return env
