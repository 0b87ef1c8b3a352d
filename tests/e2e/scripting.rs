//! Lua scripting, differential against redis-server 7.0: EVAL / EVALSHA /
//! EVAL_RO / EVALSHA_RO and SCRIPT, the conversions between Lua and
//! replies in both directions (RESP2 and RESP3), every error path of
//! redis.call / redis.pcall and of scripts, the sandbox (read-only
//! globals, removed functions), the bundled libraries (bit, cjson),
//! ACL inside scripts, busy scripts with SCRIPT KILL, and real clients:
//! redis-py's Lock and a rate limiter. A concurrency test shows that a
//! script's read-modify-write is atomic against other connections.

use std::time::{Duration, Instant};

use crate::common::{ferrodis_only, python, Diff, RawConn, Resp, Server};

fn eval(body: &str) -> Vec<String> {
    vec!["EVAL".into(), body.into(), "0".into()]
}

/// Runs each body with `EVAL body 0` on both servers.
fn evals(d: &mut Diff, bodies: &[&str]) {
    for b in bodies {
        d.cmd(&eval(b));
    }
}

/// Values a script returns, converted to a reply (both RESP versions of
/// the client, both RESP versions of the script).
const RETURNS: &[&str] = &[
    "return 1",
    "return 3.7",
    "return -3.7",
    "return 1e30",
    "return -1e30",
    "return 0/0",
    "return 'hello'",
    "return ''",
    "return true",
    "return false",
    "return nil",
    "return",
    "return {}",
    "return {1,2,3,nil,5}",
    "return {1,2.9,-3.9,'x',true,false,{1,{2}}}",
    "return {ok='fine'}",
    "return {ok=''}",
    "return {ok='a\\r\\nb'}",
    "return {ok=5}",
    "return {err='x y'}",
    "return {err=''}",
    "return {err='-FOO bar'}",
    "return {err='a\\r\\nb'}",
    "return {err='a\\0b'}",
    "return {ok='a\\0b'}",
    "return redis.error_reply('a\\0b c')",
    "return {err=5}",
    "return {ok='x', err='y'}",
    "return {1,2,err='x'}",
    "return {1, {err='inner'}, {ok='fine'}}",
    "return {double=3.14}",
    "return {double=3}",
    "return {double=1/0}",
    "return {double=-1/0}",
    "return {double='3.14'}",
    "return {big_number='123456789012345678901234567890'}",
    "return {big_number=12}",
    "return {map={a=1}}",
    "return {map={}}",
    "return {map={a=1, b={1,2}, c={map={x='y'}}}}",
    "return {map={[1]='a', [2.5]='b', [true]='c'}}",
    "return {map={x={err='e'}}}",
    "return {set={a=true, b=false}}",
    "return {set={[1]=true, [2.5]=true}}",
    "return {1, {double=1.5}, {map={x=1}}, {set={z=1}}}",
    "return {verbatim_string={format='txt', string='hi'}}",
    "return {verbatim_string={format='txtx', string='hi'}}",
    "return {verbatim_string={format='txt'}}",
    "return {foo='bar'}",
    "return {1, foo='bar'}",
    "return setmetatable({}, {__index=function(t, k) return 'x' end})",
    "return redis.status_reply('fine')",
    "return redis.error_reply('My Error')",
    "return redis.error_reply('oops')",
    "return redis.error_reply('-oops')",
    "return redis.error_reply('a\\r\\nb')",
    "return redis.error_reply()",
    "return redis.error_reply(1)",
    "return redis.status_reply()",
    "return redis.status_reply(1)",
    "return redis.status_reply('a b')",
    "return print",
    "return function() end",
    "return coroutine.create(function() end)",
    "return cjson.null",
    "local t = {} for i=1,10 do t = {t} end return t",
];

#[test]
fn lua_values_to_replies() {
    let mut d = Diff::new();
    for hello in ["2", "3"] {
        d.cmd(&["HELLO", hello]);
        for setresp in ["", "redis.setresp(3) "] {
            for body in RETURNS {
                d.cmd(&eval(&format!("{setresp}{body}")));
            }
        }
    }
    d.finish();
}

/// Deeply nested results hit Lua's C stack limit where Redis does. (The
/// harness decodes replies recursively: it gets a big stack.)
#[test]
fn nested_results_reach_the_stack_limit() {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(|| {
            let mut d = Diff::new();
            evals(
                &mut d,
                &[
                    "local t = {} for i=1,9000 do t = {t} end return t",
                    "local t = {} for i=1,3000 do t = {map={a=t}} end return t",
                    "local t = {} for i=1,3000 do t = {set={[t]=true}} end return #t",
                    "local t = {} for i=1,9000 do t = {1, t} end return t",
                ],
            );
            d.finish();
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn replies_to_lua_values() {
    let mut d = Diff::new();
    d.script(&[
        &["HSET", "h", "f1", "v1", "f2", "v2", "f3", "3"],
        &["SADD", "s", "3", "1", "2"],
        &["ZADD", "z", "1.5", "m", "2", "n"],
        &["RPUSH", "l", "x", "y"],
        &["SET", "str", "abc"],
    ]);
    let probes = [
        "return redis.call('hgetall', 'h')",
        "local r = redis.call('hgetall', 'h') return {type(r), #r}",
        "return redis.call('smembers', 's')",
        "return redis.call('zscore', 'z', 'm')",
        "return redis.call('zrange', 'z', 0, -1, 'withscores')",
        "return {type(redis.call('get', 'nokey')), tostring(redis.call('get', 'nokey'))}",
        "return redis.call('get', 'nokey')",
        "return {redis.call('mget', 'str', 'nokey', 'str')}",
        "local r = redis.call('mget', 'str', 'nokey', 'str') return #r",
        "local r = redis.call('ping') return {type(r), r.ok}",
        "return redis.call('ping')",
        "return redis.call('lrange', 'nolist', 0, -1)",
        "return redis.call('exists', 'str', 'h')",
        "local r = redis.pcall('incr', 'str') return {type(r), r.err}",
        "local r = redis.pcall('nosuch') return {type(r), r.err}",
        "return redis.call('type', 'h')",
        "return redis.call('hrandfield', 'nokey', 1)",
        "return redis.call('zrandmember', 'nokey', 1, 'withscores')",
        "return redis.call('smismember', 's', '1', 'zz')",
        "return redis.call('object', 'encoding', 'h')",
    ];
    for hello in ["2", "3"] {
        d.cmd(&["HELLO", hello]);
        for setresp in ["", "redis.setresp(3) ", "redis.setresp(2) "] {
            for p in probes {
                d.cmd(&eval(&format!("{setresp}{p}")));
            }
        }
    }
    // RESP3 reply types as Lua sees them.
    evals(
        &mut d,
        &[
            "redis.setresp(3) local r = redis.call('hgetall', 'h') return {type(r.map), r.map.f1, r.map.f3}",
            "redis.setresp(3) local r = redis.call('smembers', 's') return {type(r.set), tostring(r.set['1']), tostring(r.set.zz)}",
            "redis.setresp(3) local r = redis.call('zscore', 'z', 'm') return {type(r), tostring(r.double)}",
            "redis.setresp(3) return type(redis.call('get', 'nokey'))",
            "redis.setresp(3) local r = redis.call('zrange', 'z', 0, -1, 'withscores') return {type(r[1]), type(r[1][2]), tostring(r[1][2].double)}",
            "redis.setresp(3) local r = redis.call('smismember', 's', '1', 'zz') return {tostring(r[1]), tostring(r[2])}",
            "redis.setresp(3) local r = redis.call('hgetall', 'h') local n = 0 for k, v in pairs(r.map) do n = n + 1 end return n",
            "redis.setresp(3) local a = redis.call('hgetall', 'h') local b = redis.call('smembers', 's') return {a, b}",
        ],
    );
    d.finish();
}

#[test]
fn errors_of_calls_and_scripts() {
    let mut d = Diff::new();
    d.cmd(&["SET", "str", "abc"]);
    evals(
        &mut d,
        &[
            "return redis.call('incr', 'str')",
            "return redis.pcall('incr', 'str')",
            "redis.call('incr', 'str') return 1",
            "local ok, e = pcall(redis.call, 'incr', 'str') return {type(e), tostring(ok), e}",
            "local ok, e = pcall(redis.call, 'incr', 'str') error(e)",
            "return redis.call('nosuch')",
            "return redis.pcall('nosuch')",
            "return redis.call('get')",
            "return redis.pcall('get')",
            "return redis.call('set', 'a')",
            "return redis.call('set', 'a', 'b', 'c')",
            "return redis.call('ping', 'x', 'y')",
            "return redis.call()",
            "return redis.pcall()",
            "return redis.call({})",
            "return redis.call('get', {})",
            "return redis.call('get', nil)",
            "return redis.call('get', true)",
            "return redis.call(nil)",
            "return redis.call(1)",
            "return redis.call('')",
            "return redis.call('client', 'bogus')",
            "return redis.call('object', 'bogus')",
            "return redis.call('client')",
            "return redis.call('config')",
            "return redis.call('config', 'get')",
            "return redis.call('subscribe', 'x')",
            "return redis.call('subscribe')",
            "return redis.call('eval', 'return 1', '0')",
            "return redis.call('eval')",
            "return redis.call('script', 'load', 'return 1')",
            "return redis.call('multi')",
            "return redis.call('watch', 'x')",
            "return redis.call('blpop', 'l', '0')",
            "return redis.call('brpop', 'x', '1')",
            "return redis.call('client', 'list')",
            "return redis.call('auth', 'x')",
            "return redis.call('hello', '3')",
            "return redis.call('quit')",
            "return redis.call('config', 'set', 'maxmemory', '0')",
            "return redis.call('GET', 'str')",
            "return redis.call('set', 'n1', 100)",
            "return redis.call('set', 'n2', 3.99999)",
            "return redis.call('set', 'n3', 1e20)",
            "return redis.call('set', 'n4', 0.1)",
            "return redis.call('set', 'n5', 1/0)",
            "return redis.call('set', 'n6', 123456789012345678)",
            "return redis.call('get', 1.5)",
            "return redis.call('mget', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6')",
            "error('foo')",
            "error('foo', 0)",
            "error('ERR foo', 0)",
            "error('FOO bar', 0)",
            "error('', 0)",
            "error()",
            "error(nil)",
            "error(12)",
            "error(true)",
            "error({err='MY custom'})",
            "error({err='nocode'})",
            "error({err='-FOO bar'})",
            "error({err=''})",
            "error({err=5})",
            "error({err='x\\ny'})",
            "error('a\\0b')",
            "error({err='E\\0F'})",
            "local t = nil; return t.x",
            "return #nil",
            "return ('x')()",
            "return tonumber()",
            "local function f() error('deep') end\nf()",
            "\n\nerror('line3')",
            "local ok, e = pcall(error, 'foo') return {type(e), e}",
            "local ok, e = pcall(error, {err='x'}) return {type(e), e}",
            "local ok, e = pcall(function() error({err='T'}) end) return e",
            "local ok, e = pcall(redis.call, 'nosuch') return e",
            "return 1 +",
            "return redis.setresp(4)",
            "return redis.setresp()",
            "redis.setresp('3') return 1",
            "return redis.sha1hex()",
            "return redis.sha1hex('a', 'b')",
            "return redis.log(redis.LOG_WARNING)",
            "return redis.log(99, 'x')",
            "return redis.log('x', 'x')",
            "return redis.set_repl(99)",
            "return redis.set_repl()",
            "return redis.acl_check_cmd('nosuch')",
            "return redis.acl_check_cmd()",
            "return redis.acl_check_cmd({})",
        ],
    );
    d.finish();
}

#[test]
fn eval_arguments_and_script_cache() {
    let mut d = Diff::new();
    let sha_of_return_1 = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";
    d.script(&[
        &["EVAL", "return 1", "-1"],
        &["EVAL", "return 1", "2", "a"],
        &["EVAL", "return 1", "x"],
        &["EVAL", "return 1", "99999999999999999999"],
        &["EVAL", "return 1 +", "x"],
        &["EVAL", "return 1"],
        &["EVAL", "return KEYS", "2", "a", "b", "c"],
        &["EVAL", "return ARGV", "2", "a", "b", "c", "d"],
        &["EVAL", "return {#KEYS, #ARGV}", "0"],
        &["EVAL", "KEYS[1] = 'z' return KEYS", "1", "k"],
        &["SCRIPT", "FLUSH"],
        &["SCRIPT", "EXISTS", sha_of_return_1],
        &["EVALSHA", sha_of_return_1, "0"],
        &["EVAL", "return 1", "0"],
        &["SCRIPT", "EXISTS", sha_of_return_1, "abc"],
        &["EVALSHA", sha_of_return_1, "0"],
        &["EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"],
        &["EVALSHA_RO", sha_of_return_1, "0"],
        &["EVALSHA", sha_of_return_1, "x"],
        &["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "x"],
        &["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"],
        &["EVALSHA", "abc", "-1"],
        &["EVALSHA", sha_of_return_1],
        &["SCRIPT", "LOAD", "return 2"],
        &["SCRIPT", "LOAD", "return 2 +"],
        &["SCRIPT", "LOAD"],
        &["SCRIPT", "LOAD", "a", "b"],
        &[
            "SCRIPT",
            "EXISTS",
            "7f923f79fe76194c868d7e1d0820de36700eb649",
            "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB",
        ],
        &["SCRIPT", "EXISTS"],
        &["SCRIPT", "FLUSH", "ASYNC"],
        &["SCRIPT", "EXISTS", sha_of_return_1],
        &["SCRIPT", "FLUSH", "sync"],
        &["SCRIPT", "FLUSH", "bad"],
        &["SCRIPT", "FLUSH", "SYNC", "ASYNC"],
        &["SCRIPT", "KILL"],
        &["SCRIPT", "KILL", "x"],
        &["SCRIPT", "DEBUG", "NO"],
        &["SCRIPT", "DEBUG", "bad"],
        &["SCRIPT", "DEBUG"],
        &["SCRIPT"],
        &["SCRIPT", "bogus"],
        &["EVAL_RO", "return redis.call('get', 'x')", "0"],
        &["EVAL_RO", "return redis.call('set', 'x', '1')", "0"],
        &["EVAL_RO", "return redis.pcall('del', 'x')", "0"],
        &["EVAL_RO", "return redis.call('set')", "0"],
        // Shebang lines.
        &[
            "EVAL",
            "#!lua flags=no-writes\nreturn redis.call('set','x','1')",
            "0",
        ],
        &[
            "EVAL",
            "#!lua flags=no-writes\nreturn redis.call('get','x')",
            "0",
        ],
        &["EVAL", "#!lua\nreturn redis.call('get','x')", "0"],
        &["EVAL", "#!lua\nerror('x')", "0"],
        &["EVAL", "#!lua flags=bogus\nreturn 1", "0"],
        &["EVAL", "#!lua name=foo\nreturn 1", "0"],
        &["EVAL", "#!python\nreturn 1", "0"],
        &["EVAL", "#! lua\nreturn 1", "0"],
        &["EVAL", "#!lua flags=allow-oom,no-writes\nreturn 1", "0"],
        &["EVAL", "#!lua flags=\nreturn 1", "0"],
        &[
            "EVAL",
            "#!lua flags=allow-cross-slot-keys,allow-stale,no-cluster\nreturn 1",
            "0",
        ],
        &["EVAL", "#!lua", "0"],
        &["EVAL", "#!luax\nreturn 1", "0"],
        &["EVAL", "#!lua  flags=no-writes  \nreturn 1", "0"],
        &["EVAL_RO", "#!lua\nreturn 1", "0"],
        &["EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"],
        &["CONFIG", "GET", "busy-reply-threshold"],
        &["CONFIG", "GET", "lua-time-limit"],
        &["CONFIG", "SET", "lua-time-limit", "1000"],
        &["CONFIG", "GET", "busy-reply-threshold"],
        &["CONFIG", "SET", "busy-reply-threshold", "-1"],
        &["CONFIG", "SET", "busy-reply-threshold", "5000"],
    ]);
    d.finish();
}

#[test]
fn sandbox() {
    let mut d = Diff::new();
    evals(
        &mut d,
        &[
            // math.random is deterministic: the same sequence on fresh servers.
            "return math.random(1000000)",
            "return {math.random(1000000), math.random(1000000), math.random(10, 20)}",
            "return tostring(math.random())",
            "math.randomseed(42) return math.random(1000000)",
            "return math.random(1000000)",
            "return math.random(0)",
            "return math.random(3, 1)",
            "return math.random(1, 2, 3)",
            "return math.random('x')",
            // Globals.
            "local t = {} for k, v in pairs(_G) do table.insert(t, k) end table.sort(t) return t",
            "return x",
            "return _G.nosuch",
            "x = 1",
            "rawset(_G, 'x', 1) return 1",
            "setmetatable(_G, nil) return 1",
            "string.foo = 1 return 1",
            "string.len = nil return 1",
            "redis.call = nil return 1",
            "local s = string s.x = 1",
            "math.pi = 3",
            "local ok, e = pcall(function() x = 1 end) return e",
            "local ok, e = pcall(function() return nosuch end) return e",
            "return tostring(getmetatable(_G) ~= nil)",
            "local m = getmetatable(_G) local t = {} for k in pairs(m) do table.insert(t, k) end return t",
            "return rawget(_G, 'nosuch') == nil",
            "return type(rawget(_G, 'redis'))",
            "return type(_G.redis)",
            "return _G == _G._G",
            "KEYS[1] = 'a' return KEYS[1]",
            "local t = {} setmetatable(t, {__index = function() return 7 end}) return t.x",
            "local t = {} rawset(t, 'a', 1) return rawget(t, 'a')",
            // What is there and what is not.
            "return {type(loadstring), type(load), type(pcall), type(xpcall), type(unpack), type(gcinfo), type(coroutine), type(select)}",
            "return tostring(print)",
            "return tostring(dofile)",
            "return tostring(loadfile)",
            "return tostring(require)",
            "return tostring(module)",
            "return tostring(setfenv)",
            "return tostring(getfenv)",
            "return tostring(newproxy)",
            "return tostring(os)",
            "return tostring(io)",
            "return tostring(debug)",
            "return tostring(package)",
            "return _VERSION",
            "return coroutine.running()",
            "return loadstring('return 5')()",
            "local f = loadstring('return KEYS') return f()",
            "local f = loadstring('y = 1') f() return 1",
            "return {loadstring(string.dump(function() return 1 end))}",
            "return {pcall(loadstring, 'x = ')}",
            "return {load(function() return nil end)}",
            "local n = 0 local f = load(function() n = n + 1 if n == 1 then return 'return 7' end end) return f()",
            "local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return {co(1), co(5)}",
            "return #string.rep('x', 100)",
            "return ('abc'):upper()",
            "return string.format('%5.2f|%d|%s', 3.14159, 42, 'z')",
            "return table.concat({1, 2, 3}, ',')",
            "return select('#', 1, 2, 3)",
            "return {unpack({1, 2, 3})}",
        ],
    );
    d.finish();
}

#[test]
fn libraries() {
    let mut d = Diff::new();
    evals(
        &mut d,
        &[
            // redis.*
            "return redis.sha1hex('')",
            "return redis.sha1hex(1)",
            "return redis.sha1hex({})",
            "return redis.sha1hex('hello world')",
            "return redis.log(redis.LOG_WARNING, 'hello', 'world', 3)",
            "return redis.log(redis.LOG_DEBUG, {})",
            "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING, redis.REPL_ALL, redis.REPL_AOF, redis.REPL_NONE, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}",
            "return redis.replicate_commands()",
            "return redis.set_repl(redis.REPL_ALL)",
            "return redis.set_repl(redis.REPL_NONE)",
            "return redis.breakpoint()",
            "return redis.debug('x')",
            "return redis.acl_check_cmd('get', 'x')",
            "local t = {} for k, v in pairs(redis) do table.insert(t, k .. ':' .. type(v)) end table.sort(t) return t",
            // bit
            "return {bit.band(0xff, 0x0f), bit.bor(1,2,4), bit.bxor(5,3), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678), bit.tobit(0xffffffff)}",
            "return {bit.tohex(255), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(0x12345678, 10)}",
            "return bit.band()",
            "return bit.band('x')",
            "return bit.band(1, 'x', 'y')",
            "return bit.band('12', '10')",
            "return bit.tobit(2^32 + 7)",
            "return {bit.tobit(2.5), bit.tobit(3.5), bit.tobit(-2.5)}",
            "return bit.lshift(1, 33)",
            "return bit.band({})",
            "local f = bit.bor return f()",
            "local ok, e = pcall(bit.band) return e",
            "local t = {} for k, v in pairs(bit) do table.insert(t, k) end table.sort(t) return t",
            // cjson
            "return cjson.encode({1,2,3,'a',true,false})",
            "return cjson.encode({a=1,b='x',c={1,2}})",
            "return cjson.encode({})",
            "return cjson.encode('a\"b\\\\c/d\\n\\r\\t\\b\\f' .. string.char(1) .. string.char(127) .. string.char(200))",
            "return cjson.encode(3.14159265358979)",
            "return cjson.encode(1/3)",
            "return cjson.encode(1e300)",
            "return cjson.encode(1/0)",
            "return cjson.encode(0/0)",
            "return cjson.encode(100)",
            "return cjson.encode(nil)",
            "return cjson.encode()",
            "return cjson.encode(1, 2)",
            "return cjson.encode(cjson.null)",
            "return cjson.encode({[1]=1, [3]=3})",
            "return cjson.encode({[1]=1, [20]=3})",
            "return cjson.encode({[1]=1, [11]=3})",
            "return cjson.encode({[2]=1})",
            "return cjson.encode({[1.5]=1})",
            "return cjson.encode({[0]=1})",
            "return cjson.encode({[-1]=1})",
            "return cjson.encode({[true]=1})",
            "return cjson.encode({f=function() end})",
            "return cjson.encode({1, x=2})",
            "return cjson.encode({[1]='a', ['2']='b'})",
            "local t = {} t[1] = t return cjson.encode(t)",
            "return cjson.encode({[1e20]=1})",
            "return cjson.encode({[2.5]=1, [1]=2})",
            "return cjson.encode({1,nil,3})",
            "return cjson.encode(coroutine.create(function() end))",
            "return cjson.encode(123456789012345)",
            "return cjson.encode(0.1)",
            "return cjson.encode(-1e-7)",
            "return cjson.encode('\\0')",
            "return cjson.encode({name='x', list={1,2,{a={b={c='d'}}}}, n=-12.5, e={}, t=true})",
            "local t = cjson.decode('{\"a\":[1,2,{\"b\":null}],\"c\":\"x\\\\u00e9\\\\ud83d\\\\ude00\",\"d\":true,\"e\":1.5e3,\"f\":-0}') return {t.a[1], t.a[3].b == cjson.null, t.c, tostring(t.d), t.e, tostring(t.f)}",
            "return cjson.decode('')",
            "return cjson.decode('[1,2')",
            "return cjson.decode('[1,2,]')",
            "return cjson.decode('{\"a\" 1}')",
            "return cjson.decode('{1:2}')",
            "return cjson.decode('nul')",
            "return cjson.decode('\"abc')",
            "return cjson.decode('\"a\\\\x\"')",
            "return cjson.decode('\"a\\\\u12\"')",
            "return cjson.decode('\"\\\\ud800\"')",
            "return cjson.decode('1 2')",
            "return cjson.decode('01')",
            "return cjson.decode('0x10')",
            "return cjson.decode('-')",
            "return cjson.decode('1e')",
            "return cjson.decode('  [ ]  ')",
            "return cjson.decode('\"a\\tb\"')",
            "return cjson.decode('inf')",
            "return cjson.decode('nan')",
            "return cjson.decode('Infinity')",
            "return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))",
            "return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))",
            "return cjson.decode()",
            "return cjson.decode(5)",
            "return cjson.decode({})",
            "return cjson.decode('\"\\\\/\"')",
            "return cjson.decode('{\"a\":1,\"a\":2}').a",
            "return cjson.decode('[true, false, null]')",
            "return tostring(cjson.decode('12345678901234567890'))",
            "return cjson.decode('[1] x')",
            "return cjson.decode('{\"a\":1,}')",
            "return cjson.decode('+1')",
            "return cjson.decode('.5')",
            "return cjson.decode('tru')",
            "return cjson.decode('\"\\\\u0000\"')",
            "return cjson.decode('{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":[]}').a.b[2].c",
            "return cjson.decode('[1,[2,[3]],{\"x\":[4]}]')",
            "return cjson.decode('{\"a\":1 \"b\":2}')",
            "return cjson.decode('[1 2]')",
            "return cjson.decode('{\"a\":}')",
            "return cjson.decode('{,}')",
            "return cjson.decode(']')",
            "local t = cjson.decode('{\"b\":1,\"a\":2,\"c\":{\"x\":[1,2,3],\"y\":\"z\"}}') return cjson.encode(t)",
            "return cjson.encode(cjson.decode('[1,2,3,4,5,6,7,8,9,10,11]'))",
            "return {cjson._NAME, cjson._VERSION, tostring(cjson.null)}",
            "return {cjson.encode_sparse_array()}",
            "return {cjson.encode_max_depth()}",
            "return {cjson.decode_max_depth()}",
            "return {cjson.encode_number_precision()}",
            "return {cjson.encode_invalid_numbers()}",
            "return {cjson.decode_invalid_numbers()}",
            "return type(cjson.new())",
            "return cjson.new().encode({1, 2})",
        ],
    );
    d.finish();
}

#[test]
fn struct_and_cmsgpack() {
    let mut d = Diff::new();
    evals(
        &mut d,
        &[
            "return struct.pack('>i', 1)",
            "return struct.pack('<hHbB', -2, 65535, -1, 255)",
            "return struct.pack('>lLT', -1, 1, 2)",
            "return struct.pack('i3', 70000)",
            "return struct.pack('>fd', 1.5, 2.25)",
            "return struct.pack('s', 'ab')",
            "return struct.pack('c3', 'abcdef')",
            "return struct.pack('c0', 'abcdef')",
            "return struct.pack('c5', 'ab')",
            "return struct.pack('!4 b i', 1, 2)",
            "return struct.pack('! b d', 1, 2)",
            "return struct.pack('b x b', 1, 2)",
            "return struct.pack('q', 1)",
            "return struct.pack('i17', 1)",
            "return struct.pack('i33', 1)",
            "return struct.pack('i16', -1)",
            "return struct.pack('!3 i', 1)",
            "return struct.pack('i')",
            "return struct.pack('i', 'x')",
            "return struct.pack('i', '12')",
            "return struct.pack()",
            "return {struct.unpack('>i', struct.pack('>i', -5))}",
            "return {struct.unpack('<hHbB', struct.pack('<hHbB', -2, 65535, -1, 255))}",
            "return {struct.unpack('>I', 'ab')}",
            "return {struct.unpack('s', 'ab')}",
            "return {struct.unpack('s', 'ab\\0cd')}",
            "return {struct.unpack('bc0', '\\3abcdef')}",
            "return {struct.unpack('c0', 'abc')}",
            "return {struct.unpack('c2c2', 'abcdef')}",
            "return {struct.unpack('b', 'xyz', 2)}",
            "return {struct.unpack('b', 'xyz', 5)}",
            "return {struct.unpack('>d', struct.pack('>d', 0.1))}",
            "return {tostring(struct.unpack('>f', struct.pack('>f', 0.1)))}",
            "return {struct.size('>iHbd'), struct.size('!8 b d'), struct.size('c3'), struct.size('! b h i l d')}",
            "return struct.size('s')",
            "return struct.size('c0')",
            "return {struct.unpack('I8', struct.pack('I8', 2^53))}",
            "return struct.pack('>I2', 70000)",
            "return struct.pack('>i', 2^40)",
            "return struct.pack('>i', -2^40)",
            "return struct.pack('>i', 1.7)",
            "return struct.pack('>i', -1.7)",
            "return {struct.unpack('>l', struct.pack('>l', -2^62))}",
            "return {struct.unpack('>i16', string.rep('\\255', 16))}",
            "return {struct.unpack('c', 'a')}",
            "return {struct.unpack('i', 'a')}",
            "return struct.pack('I', -1)",
            "return {struct.unpack('! b d', struct.pack('! b d', 7, 2.5))}",
            "return cmsgpack.pack(1, -1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)",
            "return cmsgpack.pack(1.5, 0.1, -0.0, 1/0, 0/0, 2^53, 2^64, -2^63, -2^64)",
            "return cmsgpack.pack(1/0)",
            "return cmsgpack.pack(-1/0)",
            "return cmsgpack.pack(-0.0)",
            "return cmsgpack.pack(0/0)",
            "return cmsgpack.pack(2^63)",
            "return cmsgpack.pack(3.0)",
            "return cmsgpack.pack(1e300)",
            "return cmsgpack.pack(nil, true, false)",
            "return #cmsgpack.pack('', 'abc', string.rep('x', 31), string.rep('x', 32), string.rep('y', 256), string.rep('z', 65536))",
            "return cmsgpack.pack('', 'abc', string.rep('x', 31), string.rep('x', 32)):sub(1, 40)",
            "return cmsgpack.pack(string.rep('y', 256)):sub(1, 5)",
            "return cmsgpack.pack({1,2,3}, {a=1}, {}, {1, nil, 3}, {[1]=1, [3]=3}, {1, x=2})",
            "return cmsgpack.pack(string.rep('x', 70000)):sub(1, 6)",
            "local t = {} for i=1,16 do t[i] = i end return cmsgpack.pack(t):sub(1,4)",
            "local t = {} for i=1,70000 do t[i] = 1 end return cmsgpack.pack(t):sub(1,6)",
            "local t = {} for i=1,20 do t['k'..i] = i end return cmsgpack.pack(t)",
            "local t = {} t[1] = t return cmsgpack.pack(t)",
            "return cmsgpack.pack()",
            "return cmsgpack.pack(function() end)",
            "return cmsgpack.pack(cjson.null)",
            "return cmsgpack.pack({[1.5]=1, [true]=2})",
            "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1,2}, {a='b'}, true, 1.5))}",
            "local a, b, c = cmsgpack.unpack(cmsgpack.pack(nil, false, 3)) return {type(a), tostring(b), c}",
            "return cmsgpack.unpack('')",
            "return cmsgpack.unpack('\\193')",
            "return cmsgpack.unpack('\\205\\1')",
            "return cmsgpack.unpack()",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)}",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 5)}",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)}",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)}",
            "return {cmsgpack.unpack_one(cmsgpack.pack(1), -1)}",
            "return {cmsgpack.unpack('\\202\\0\\0\\0\\0')}",
            "return {cmsgpack.unpack('\\196\\2ab\\197\\0\\1c\\217\\1d\\212\\1\\2')}",
            "return {cmsgpack.unpack('\\147\\1\\2')}",
            "local t = {} for i=1,20 do t = {t} end local s = cmsgpack.pack(t) return {#s, s:byte(1, -1)}",
            "return {cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}",
            "return {cmsgpack.unpack(cmsgpack.pack({[1.5]=1}))}",
            "local t = cmsgpack.unpack(cmsgpack.pack({a=1, b={c=2}})) return {t.a, t.b.c}",
            "return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))",
            "return cmsgpack.unpack('\\217\\1d')",
            "return cmsgpack.unpack('\\222\\0\\1\\161a\\1').a",
            "return {cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')}",
            "return {cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0')}",
            "return {cmsgpack.unpack('\\130\\1\\2')}",
            "return {cmsgpack.unpack('\\192')}",
            "return {cmsgpack.unpack_one('')}",
            "return {cmsgpack.unpack_limit('\\1\\2', -1)}",
            "return cjson.encode(cmsgpack.unpack(cmsgpack.pack({1, {x={y={1,2,{z='w'}}}}, 'end'})))",
        ],
    );
    d.finish();
}

#[test]
fn acl_inside_scripts() {
    let mut d = Diff::new();
    d.normalize(|argv, _, r| {
        // ACL LOG: age and client-info depend on the process.
        if argv.first().is_some_and(|a| a.eq_ignore_ascii_case(b"ACL")) {
            r.walk_mut(&mut |v| {
                crate::common::norm::map_values(v, &["age-seconds", "client-info"], Resp::bulk("*"))
            });
        }
    });
    d.script(&[
        &[
            "ACL", "SETUSER", "lim", "on", "nopass", "+eval", "+get", "~k*", "+evalsha", "+acl",
        ],
        &["AUTH", "lim", "x"],
        &["EVAL", "return redis.call('set', 'k1', 'v')", "0"],
        &["EVAL", "return redis.pcall('set', 'k1', 'v')", "0"],
        &["EVAL", "return redis.call('get', 'other')", "0"],
        &["EVAL", "return redis.call('get', 'k1')", "0"],
        &["EVAL", "return redis.acl_check_cmd('set', 'k1', 'v')", "0"],
        &["EVAL", "return redis.acl_check_cmd('get', 'other')", "0"],
        &["EVAL", "return redis.acl_check_cmd('get', 'k1')", "0"],
        &["EVAL_RO", "return 1", "0"],
        &["AUTH", "default", "x"],
        &["ACL", "LOG"],
        &["ACL", "LOG", "RESET"],
        &["ACL", "DELUSER", "lim"],
    ]);
    d.finish();
}

#[test]
fn select_and_transactions() {
    let mut d = Diff::new();
    d.script(&[
        &[
            "EVAL",
            "redis.call('select', '1') return redis.call('set', 'selkey', '1')",
            "0",
        ],
        &["EXISTS", "selkey"],
        &["SELECT", "1"],
        &["EXISTS", "selkey"],
        &["SELECT", "0"],
        &["EVAL", "return redis.call('select', '99')", "0"],
        &["MULTI"],
        &["EVAL", "return redis.call('incr', KEYS[1])", "1", "ctr"],
        &[
            "EVAL",
            "return redis.call('incrby', KEYS[1], ARGV[1])",
            "1",
            "ctr",
            "10",
        ],
        &["EVAL", "return redis.call('nosuch')", "0"],
        &["EXEC"],
        &["GET", "ctr"],
        &["INFO", "keyspace"],
    ]);
    d.finish();
}

#[test]
fn over_maxmemory() {
    let mut d = Diff::new();
    d.script(&[
        &["SET", "foo", "bar"],
        &["CONFIG", "SET", "maxmemory", "1"],
        &["EVAL", "return redis.call('set','a','b')", "0"],
        &["EVAL", "return redis.pcall('set','a','b')", "0"],
        &["EVAL", "return redis.call('get','foo')", "0"],
        &["EVAL", "return redis.call('del','foo')", "0"],
        &["EVAL", "#!lua\nreturn redis.call('get','foo')", "0"],
        &[
            "EVAL",
            "#!lua flags=no-writes\nreturn redis.call('get','foo')",
            "0",
        ],
        &[
            "EVAL",
            "#!lua flags=allow-oom\nreturn redis.call('set','a','b')",
            "0",
        ],
        &["CONFIG", "SET", "maxmemory", "0"],
        &["GET", "a"],
    ]);
    d.finish();
}

/// Sends `EVAL body 0` on `busy` without reading, waits until the server
/// treats the script as busy (a PING on `other` answers -BUSY), and
/// returns that PING's reply.
fn start_busy(busy: &mut RawConn, other: &mut RawConn, body: &str) -> Vec<u8> {
    busy.send(&crate::common::encode_request(&eval(body)));
    std::thread::sleep(Duration::from_millis(50));
    other.cmd_raw(&["PING"])
}

/// The same busy-script conversation on ferrodis and on redis-server.
fn busy_conversation(server: &Server) -> Vec<String> {
    let mut out = Vec::new();
    let mut a = server.raw();
    let mut b = server.raw();
    let show = |r: Vec<u8>| String::from_utf8_lossy(&r).into_owned();
    b.cmd(&["CONFIG", "SET", "busy-reply-threshold", "200"]);
    // A script that loops forever: BUSY for others, then SCRIPT KILL.
    let t0 = Instant::now();
    out.push(show(start_busy(
        &mut a,
        &mut b,
        "local i = 0 while true do i = i + 1 end",
    )));
    let waited = t0.elapsed();
    out.push(format!(
        "waited for the threshold: {}",
        waited >= Duration::from_millis(150)
    ));
    for cmd in [
        &["GET", "x"][..],
        &["SCRIPT", "EXISTS", "a"],
        &["EVAL", "return 1", "0"],
        &["SHUTDOWN", "SAVE"],
        &["SHUTDOWN"],
        &["GET"],
        &["NOSUCH"],
        &["MULTI"],
        &["SET", "a", "b"],
        &["EXEC"],
    ] {
        out.push(show(b.cmd_raw(cmd)));
    }
    out.push(show(b.cmd_raw(&["SCRIPT", "KILL"])));
    out.push(show(a.read_raw()));
    out.push(show(b.cmd_raw(&["SCRIPT", "KILL"])));
    out.push(show(b.cmd_raw(&["PING"])));
    // pcall does not keep a killed script alive.
    out.push(show(start_busy(
        &mut a,
        &mut b,
        "local i = 0 while true do pcall(function() while true do i = i + 1 end end) end",
    )));
    out.push(show(b.cmd_raw(&["SCRIPT", "KILL"])));
    out.push(show(a.read_raw()));
    // A script that has written cannot be killed; it runs to its end.
    out.push(show(start_busy(
        &mut a,
        &mut b,
        "redis.call('set', 'w', '1') local s = tonumber(redis.call('time')[1]) while tonumber(redis.call('time')[1]) < s + 2 do end return 'done'",
    )));
    out.push(show(b.cmd_raw(&["SCRIPT", "KILL"])));
    out.push(show(a.read_raw()));
    out.push(show(b.cmd_raw(&["SCRIPT", "KILL"])));
    out.push(show(b.cmd_raw(&["GET", "w"])));
    b.cmd(&["CONFIG", "SET", "busy-reply-threshold", "5000"]);
    out
}

#[test]
fn busy_script_and_script_kill() {
    let (fer, reference) = std::thread::scope(|s| {
        let f = s.spawn(|| busy_conversation(&Server::start()));
        let r = s.spawn(|| busy_conversation(&Server::reference()));
        (f.join().unwrap(), r.join().unwrap())
    });
    assert_eq!(fer, reference);
}

/// A script's read-modify-write is atomic: concurrent INCRs from other
/// connections are never lost in between its GET and its SET.
#[test]
fn script_read_modify_write_is_atomic() {
    let server = Server::start();
    let port = server.port();
    const SCRIPT: &str =
        "local v = tonumber(redis.call('get', KEYS[1]) or '0') redis.call('set', KEYS[1], v + 1) return v + 1";
    let rounds = 400;
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(move || {
                let mut c = RawConn::connect(port);
                for _ in 0..rounds {
                    let r = c.cmd(&["EVAL", SCRIPT, "1", "counter"]);
                    assert!(!r.is_error(), "{r}");
                }
            });
            s.spawn(move || {
                let mut c = RawConn::connect(port);
                for _ in 0..rounds {
                    let r = c.cmd(&["INCR", "counter"]);
                    assert!(!r.is_error(), "{r}");
                }
            });
        }
    });
    let total = server.raw().cmd(&["GET", "counter"]).text();
    assert_eq!(total, (6 * rounds).to_string());
}

/// INFO memory reports the scripting fields Redis reports.
#[test]
fn info_memory_scripting_fields() {
    if ferrodis_only("info_memory_scripting_fields") {
        return;
    }
    let server = Server::start();
    let mut c = server.raw();
    c.cmd(&["EVAL", "return 1", "0"]);
    c.cmd(&["SCRIPT", "LOAD", "return 2"]);
    let info = c.cmd(&["INFO", "memory"]).text();
    for field in [
        "used_memory_lua:",
        "used_memory_vm_eval:",
        "used_memory_lua_human:",
        "used_memory_scripts_eval:",
        "number_of_cached_scripts:2",
        "used_memory_vm_total:",
        "used_memory_scripts:",
        "used_memory_scripts_human:",
    ] {
        assert!(info.contains(field), "{field} missing from\n{info}");
    }
    let help = c.cmd(&["SCRIPT", "HELP"]);
    assert!(help.items().len() > 5, "{help}");
    assert!(help.items()[0].text().starts_with("SCRIPT <subcommand>"));
    let r = c.cmd(&["SCRIPT", "DEBUG", "YES"]);
    assert!(r.is_error(), "{r}");
}

/// redis-py's Lock (acquire, extend, release all run Lua scripts) and a
/// sliding-window rate limiter registered with `register_script`, on
/// ferrodis and on redis-server: the same outcomes.
#[test]
fn redis_py_lock_and_rate_limiter() {
    const SNIPPET: &str = r#"
import time
r = redis.Redis(host='127.0.0.1', port=PORT)
r.flushall()
out = []
lock = r.lock('resource', timeout=5, blocking_timeout=0.2)
out.append(lock.acquire())
other = r.lock('resource', timeout=5, blocking_timeout=0.2)
out.append(other.acquire())
out.append(lock.owned())
out.append(lock.extend(10))
out.append(r.pttl('resource') > 5000)
out.append(lock.reacquire())
try:
    other.release()
    out.append('released by non-owner')
except redis.exceptions.LockError as e:
    out.append('LockError')
lock.release()
out.append(r.exists('resource'))
out.append(other.acquire())
other.release()

limiter = r.register_script("""
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
""")
now = 1000000
for i in range(7):
    out.append(limiter(keys=['rl:user'], args=[now + i, 1000, 5, 'req%d' % i]))
out.append(limiter(keys=['rl:user'], args=[now + 1500, 1000, 5, 'late']))
out.append(r.zcard('rl:user'))
r.script_flush()
out.append(limiter(keys=['rl:user'], args=[now + 1600, 1000, 5, 'after-flush']))
print(repr(out))
"#;
    let fer = Server::start();
    let reference = Server::reference();
    let ours = python(fer.port(), SNIPPET);
    let theirs = python(reference.port(), SNIPPET);
    assert_eq!(ours, theirs);
    assert!(ours.contains("LockError"), "{ours}");
}
