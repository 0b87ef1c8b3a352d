//! Redis 7.0 functions, differential against redis-server 7.0: FUNCTION
//! LOAD and every metadata / registration error, FCALL / FCALL_RO (flags,
//! numkeys, error formats, RESP3), FUNCTION LIST / STATS / DELETE / FLUSH
//! / DUMP / RESTORE and their errors, busy functions with FUNCTION KILL;
//! DUMP payloads and RDB files crossing both ways between ferrodis and
//! redis-server; a library surviving a restart and the AOF, reaching a
//! replica; and redis-py's function_load / fcall.

use std::time::{Duration, Instant};

use crate::common::diff::norm;
use crate::common::server::Flavor;
use crate::common::{python, Diff, RawConn, Resp, Server};
use crate::persistence::fresh_dir;

/// `#!lua name=<name>` followed by `body`.
fn lib(name: &str, body: &str) -> String {
    format!("#!lua name={name}\n{body}")
}

/// Redis keeps libraries and functions in hash tables: FUNCTION LIST
/// comes in no particular order. Lists of libraries and of functions are
/// compared sorted.
fn sorted_lists(argv: &[Vec<u8>], _: &crate::common::diff::Side, r: &mut Resp) {
    let is_list = argv.len() >= 2
        && argv[0].eq_ignore_ascii_case(b"FUNCTION")
        && argv[1].eq_ignore_ascii_case(b"LIST");
    if !is_list || r.is_error() {
        return;
    }
    sort_libraries(r);
}

/// Sorts every list of libraries or functions in a FUNCTION LIST reply.
fn sort_libraries(r: &mut Resp) {
    r.walk_mut(&mut |x: &mut Resp| {
        if let Resp::Array(Some(items)) = x {
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| matches!(i, Resp::Array(_) | Resp::Map(_)))
            {
                norm::sort_items(x);
            }
        }
    });
}

fn diff() -> Diff {
    let mut d = Diff::new();
    d.normalize(sorted_lists);
    d
}

/// Library code whose loading fails, each in its own way.
const BAD_LOADS: &[&str] = &[
    "return 1",
    "#!lua",
    "#!lua name",
    "#!foo name=x\n",
    "#!foo name=x-y\n",
    "#!lua name=x foo=bar\n",
    "#!lua name=x-y\n",
    "#!lua name=\n",
    "#!lua name=a=b\n",
    "#!lua =a\n",
    "#!lua name\n",
    "#!lua\n",
    "#!\n",
    "#!luax name=a\n",
    "#!lua name=\"unterminated\n",
    "#!lua name=p name=q\nredis.register_function('a', function() end)",
    "#!lua name=x\nreturn 1",
    "#!lua name=x\n",
    "#!lua name=y\nlocal x = ",
    "#!lua name=y\nerror('boom')",
    "#!lua name=y\nredis.call('set','x','y')",
    "#!lua name=y\nlocal x = nil + 1",
    "#!lua name=y\nx = 1",
    "#!lua name=y\nlocal x = string",
    "#!lua name=y\nlocal x = KEYS",
    "#!lua name=y\nredis.setresp(3)",
    "#!lua name=y\nredis.register_function('f-g', function() return 1 end)",
    "#!lua name=y\nredis.register_function('', function() return 1 end)",
    "#!lua name=y\nredis.register_function('é', function() return 1 end)",
    "#!lua name=y\nredis.register_function{function_name='g', callback=function() return 1 end, flags={'foo'}}",
    "#!lua name=y\nredis.register_function{function_name='g', callback=function() return 1 end, flags={1}}",
    "#!lua name=y\nredis.register_function{function_name='g', callback=function() return 1 end, flags='no-writes'}",
    "#!lua name=y\nredis.register_function{function_name='g', callback=function() return 1 end, bar=1}",
    "#!lua name=y\nredis.register_function{function_name='g', callback=1}",
    "#!lua name=y\nredis.register_function{function_name='g'}",
    "#!lua name=y\nredis.register_function{callback=function() end}",
    "#!lua name=y\nredis.register_function{[1]=2}",
    "#!lua name=y\nredis.register_function{}",
    "#!lua name=y\nredis.register_function('g')",
    "#!lua name=y\nredis.register_function('g', 1)",
    "#!lua name=y\nredis.register_function()",
    "#!lua name=y\nredis.register_function('a', function() end, 3)",
    "#!lua name=y\nredis.register_function('a', function() end) redis.register_function('a', function() end)",
    "#!lua name=y\nwhile true do end",
];

#[test]
fn load_errors_match_redis() {
    let mut d = diff();
    for code in BAD_LOADS {
        d.cmd(&["FUNCTION", "LOAD", code]);
    }
    d.cmd(&["FUNCTION", "LOAD"]);
    d.cmd(&["FUNCTION", "LOAD", "REPLACE"]);
    d.cmd(&["FUNCTION", "LOAD", "foo", "bar"]);
    d.cmd(&["FUNCTION", "LIST"]);
    d.cmd(&["FUNCTION", "STATS"]);
    d.finish();
}

#[test]
fn load_replace_and_collisions_match_redis() {
    let mut d = diff();
    let f = lib("x", "redis.register_function('f', function() return 1 end)");
    d.cmd(&["FUNCTION", "LOAD", &f]);
    d.cmd(&["FUNCTION", "LOAD", &f]);
    d.cmd(&["FUNCTION", "LOAD", "REPLACE", &f]);
    d.cmd(&["FUNCTION", "LOAD", "replace", "REPLACE", &f]);
    // The same function name in another library.
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib("y", "redis.register_function('f', function() return 2 end)"),
    ]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        "REPLACE",
        &lib("y", "redis.register_function('f', function() return 2 end)"),
    ]);
    // Replacing a library drops the functions it no longer registers.
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        "REPLACE",
        &lib(
            "x",
            "redis.register_function('f2', function() return 3 end)",
        ),
    ]);
    d.cmd(&["FCALL", "f", "0"]);
    d.cmd(&["FCALL", "f2", "0"]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib("y", "redis.register_function('f', function() return 2 end)"),
    ]);
    d.cmd(&["FCALL", "f", "0"]);
    // Metadata spelled loosely: engine case, extra blanks, quotes, number
    // names, numbers as descriptions, every flag.
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        "#!LUA   name=\"z1\"  \nredis.register_function(1, function() return 'one' end)",
    ]);
    d.cmd(&["FCALL", "1", "0"]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib("z2", "redis.register_function{function_name='fl', callback=function() return 1 end, description=7, flags={'allow-stale','no-cluster','allow-cross-slot-keys','allow-oom','no-writes'}}"),
    ]);
    d.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "z2"]);
    d.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "z*", "WITHCODE"]);
    d.cmd(&["FUNCTION", "LIST"]);
    d.cmd(&["FUNCTION", "LIST", "WITHCODE"]);
    d.cmd(&["FUNCTION", "STATS"]);
    // Function names are case-insensitive across libraries (within one,
    // case variants coexist); library names are case-sensitive; LIST's
    // pattern ignores case.
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib(
            "zed",
            "redis.register_function('z1', function() return 1 end)",
        ),
    ]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib(
            "zed2",
            "redis.register_function('Z1', function() return 2 end)",
        ),
    ]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib(
            "ZED",
            "redis.register_function('z3', function() return 3 end)",
        ),
    ]);
    d.cmd(&["FUNCTION", "LOAD", &lib("zed4", "redis.register_function('q', function() return 4 end) redis.register_function('R', function() return 5 end)")]);
    d.cmd(&["FCALL", "Z1", "0"]);
    d.cmd(&["FCALL", "r", "0"]);
    d.cmd(&["FCALL_RO", "Z1", "0"]);
    d.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "ZED*"]);
    d.cmd(&["FUNCTION", "DELETE", "Zed"]);
    d.cmd(&["FUNCTION", "DELETE", "ZED"]);
    d.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "ZED*"]);
    d.cmd(&["FUNCTION", "STATS"]);
    d.finish();
}

const LIB_Z: &str = "#!lua name=z
redis.register_function('e', function(keys, args) return redis.call('nosuch') end)
redis.register_function('e2', function(keys, args) error('boom') end)
redis.register_function('e3', function(keys, args) return {keys, args} end)
redis.register_function('e4', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('set', 'a', 'b') end, flags={'no-writes'}}
redis.register_function{function_name='ro2', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}
redis.register_function('e5', function(keys, args) return KEYS end)
redis.register_function('e6', function(keys, args) return redis.pcall('incr', keys[1]) end)
redis.register_function('e7', function(keys, args) return {1, 2.5, 'x', true, false, {ok='fine'}, {err='bad'}} end)
redis.register_function('e8', function(keys, args) return {double=3.5} end)
redis.register_function('e9', function(keys, args) redis.setresp(3) return redis.call('hgetall', keys[1]) end)
redis.register_function('e10', function(keys, args) local t = {} t.x.y = 1 end)
redis.register_function('e11', function(keys, args) return redis.error_reply('MY own') end)
redis.register_function('e12', function(keys, args) x = 1 end)
redis.register_function('e13', function(keys, args) return redis.register_function('q', function() end) end)
";

#[test]
fn fcall_matches_redis() {
    let mut d = diff();
    d.cmd(&["FUNCTION", "LOAD", LIB_Z]);
    d.cmd(&["HSET", "h", "a", "1"]);
    for resp in ["2", "3"] {
        d.cmd(&["HELLO", resp]);
        d.cmd(&["FCALL", "e", "0"]);
        d.cmd(&["FCALL", "e2", "0"]);
        d.cmd(&["FCALL", "e3", "2", "a", "b", "c", "d"]);
        d.cmd(&["FCALL", "e3", "0"]);
        d.cmd(&["FCALL", "e4", "1", "k", "v"]);
        d.cmd(&["GET", "k"]);
        d.cmd(&["FCALL_RO", "e4", "1", "k", "v"]);
        d.cmd(&["FCALL", "ro", "0"]);
        d.cmd(&["FCALL_RO", "ro2", "1", "k"]);
        d.cmd(&["FCALL", "ro2", "1", "k"]);
        d.cmd(&["FCALL", "e5", "0"]);
        d.cmd(&["FCALL", "e6", "1", "k"]);
        d.cmd(&["FCALL", "e7", "0"]);
        d.cmd(&["FCALL", "e8", "0"]);
        d.cmd(&["FCALL", "e9", "1", "h"]);
        d.cmd(&["FCALL", "e10", "0"]);
        d.cmd(&["FCALL", "e11", "0"]);
        d.cmd(&["FCALL", "e12", "0"]);
        d.cmd(&["FCALL", "e13", "0"]);
        d.cmd(&["FCALL", "nosuch", "0"]);
        d.cmd(&["FCALL", "nosuch", "-1"]);
        d.cmd(&["FCALL", "nosuch", "x"]);
        d.cmd(&["FCALL", "e3", "-1"]);
        d.cmd(&["FCALL", "e3", "3", "a"]);
        d.cmd(&["FCALL", "e3", "x"]);
        d.cmd(&["FCALL", "e3", "1.5"]);
        d.cmd(&["FCALL"]);
        d.cmd(&["FCALL", "e3"]);
        d.cmd(&["FCALL_RO", "nosuch", "0"]);
        d.cmd(&["FCALL_RO"]);
        d.cmd(&["FUNCTION", "LIST"]);
        d.cmd(&["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "z"]);
        d.cmd(&["FUNCTION", "STATS"]);
    }
    // Inside MULTI, and from a script (FCALL is not allowed there).
    d.cmd(&["HELLO", "2"]);
    d.cmd(&["MULTI"]);
    d.cmd(&["FCALL", "e4", "1", "m", "1"]);
    d.cmd(&["FCALL", "e3", "1", "m", "2"]);
    d.cmd(&["EXEC"]);
    d.cmd(&["EVAL", "return redis.call('fcall', 'e3', 0)", "0"]);
    d.cmd(&["EVAL", "return redis.pcall('function', 'list')", "0"]);
    // The load-time `redis` kept by a library and used at run time.
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        "#!lua name=cap
local r = redis
redis.register_function('c1', function() return r.register_function('g', function() end) end)
redis.register_function('c2', function() return r.call('ping') end)
redis.register_function('c3', function() return redis.register_function end)
redis.register_function('c4', function() r.log(r.LOG_WARNING, 'x') return r.REDIS_VERSION end)",
    ]);
    for f in ["c1", "c2", "c3", "c4"] {
        d.cmd(&["FCALL", f, "0"]);
    }
    // SCRIPT FLUSH rebuilds the interpreter; the functions come back.
    d.cmd(&["SCRIPT", "FLUSH"]);
    d.cmd(&["FCALL", "e3", "1", "a", "b"]);
    d.finish();
}

/// FUNCTION HELP is in our own words: its shape only.
#[test]
fn function_help_lists_the_subcommands() {
    let s = Server::start();
    let mut c = s.raw();
    let help = c.cmd(&["FUNCTION", "HELP"]);
    let lines: Vec<String> = help.items().iter().map(|l| l.text()).collect();
    assert!(lines[0].starts_with("FUNCTION <subcommand>"), "{lines:?}");
    for sub in [
        "LOAD", "DELETE", "KILL", "FLUSH", "LIST", "STATS", "DUMP", "RESTORE", "HELP",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(sub)),
            "{sub} missing: {lines:?}"
        );
    }
}

#[test]
fn function_subcommands_and_errors_match_redis() {
    let mut d = diff();
    d.cmd(&["FUNCTION", "LOAD", LIB_Z]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib(
            "a",
            "redis.register_function('aa', function() return 1 end)",
        ),
    ]);
    for args in [
        &["FUNCTION"][..],
        &["FUNCTION", "nosuch"],
        &["FUNCTION", "LIST", "foo"],
        &["FUNCTION", "LIST", "LIBRARYNAME"],
        &["FUNCTION", "LIST", "WITHCODE", "WITHCODE"],
        &["FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"],
        &["FUNCTION", "LIST", "LIBRARYNAME", "[a]"],
        &["FUNCTION", "LIST", "LIBRARYNAME", "nomatch"],
        &["FUNCTION", "DELETE"],
        &["FUNCTION", "DELETE", "a", "b"],
        &["FUNCTION", "DELETE", "nosuch"],
        &["FUNCTION", "DUMP", "x"],
        &["FUNCTION", "STATS", "x"],
        &["FUNCTION", "KILL"],
        &["FUNCTION", "KILL", "x"],
        &["FUNCTION", "FLUSH", "foo"],
        &["FUNCTION", "FLUSH", "SYNC", "ASYNC"],
        &["FUNCTION", "RESTORE"],
        &["FUNCTION", "RESTORE", "xx"],
        &["FUNCTION", "RESTORE", "xx", "foo"],
        &["FUNCTION", "RESTORE", "xx", "FLUSH", "x"],
        &["FUNCTION", "DELETE", "a"],
        &["FCALL", "aa", "0"],
        &["FUNCTION", "LIST"],
        &["FUNCTION", "FLUSH", "async"],
        &["FUNCTION", "LIST"],
        &["FUNCTION", "STATS"],
        &["FCALL", "e3", "0"],
        &["FUNCTION", "FLUSH"],
        &["FUNCTION", "FLUSH", "SYNC"],
        &["FUNCTION", "DUMP"],
        &["COMMAND", "INFO", "FCALL", "FCALL_RO"],
        &["COMMAND", "GETKEYS", "FCALL", "f", "2", "k1", "k2", "a"],
    ] {
        d.cmd(args);
    }
    // Inside MULTI; with ACL limits on keys and commands.
    let code = lib(
        "m",
        "redis.register_function('m1', function(keys) return redis.call('set', keys[1], 'x') end)",
    );
    d.cmd(&["MULTI"]);
    d.cmd(&["FUNCTION", "LOAD", &code]);
    d.cmd(&["FCALL", "m1", "1", "mk"]);
    d.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "m"]);
    d.cmd(&["EXEC"]);
    d.cmd(&[
        "ACL",
        "SETUSER",
        "u",
        "on",
        "nopass",
        "~a*",
        "+fcall",
        "+function|list",
    ]);
    d.cmd(&["AUTH", "u", "x"]);
    d.cmd(&["FCALL", "m1", "1", "b"]);
    d.cmd(&["FCALL", "m1", "1", "a1"]);
    d.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "m"]);
    d.cmd(&["FUNCTION", "DELETE", "m"]);
    d.cmd(&["FCALL_RO", "m1", "1", "a1"]);
    d.finish();
}

/// FUNCTION RESTORE's payload errors and policies, and payloads crossing
/// between the servers in both directions.
#[test]
fn dump_restore_match_redis_and_cross() {
    let mut d = diff();
    let l1 = lib(
        "l1",
        "redis.register_function('f1', function() return 1 end)",
    );
    let l2 = lib(
        "l2",
        "redis.register_function{function_name='f2', callback=function() return 'two' end, flags={'no-writes'}, description='a longer description so that the payload compresses'}",
    );
    d.cmd(&["FUNCTION", "LOAD", &l1]);
    d.cmd(&["FUNCTION", "LOAD", &l2]);
    // Both servers' payloads, each restored into both.
    let (f, r) = d.conns();
    let fer_dump = f.cmd(&["FUNCTION", "DUMP"]).bytes().unwrap().to_vec();
    let red_dump = r.cmd(&["FUNCTION", "DUMP"]).bytes().unwrap().to_vec();
    for payload in [&fer_dump, &red_dump] {
        let p = &payload[..];
        // (With several libraries in conflict Redis names one in hash
        // order: leave one.)
        d.cmd(&["FUNCTION", "DELETE", "l1"]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p, b"APPEND"]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p, b"replace"]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p, b"FLUSH"]);
        d.cmd(&["FUNCTION", "LIST", "WITHCODE"]);
        d.cmd(&["FCALL", "f1", "0"]);
        d.cmd(&["FCALL_RO", "f2", "0"]);
        d.cmd(&["FUNCTION", "FLUSH"]);
        // A function of the payload already exists in another library.
        d.cmd(&[
            "FUNCTION",
            "LOAD",
            &lib(
                "other",
                "redis.register_function('f1', function() return 9 end)",
            ),
        ]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p, b"REPLACE"]);
        d.cmd(&["FUNCTION", "LIST"]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", p, b"FLUSH"]);
        d.cmd(&["FUNCTION", "LIST"]);
        // Damaged payloads: the CRC, the version, a key's DUMP payload.
        let mut bad = p.to_vec();
        let n = bad.len();
        bad[n - 1] ^= 1;
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", &bad[..]]);
        bad[n - 1] ^= 1;
        bad[n - 10] = 11;
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", &bad[..]]);
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", &p[..5]]);
    }
    // The empty payload is the same bytes on both.
    d.cmd(&["FUNCTION", "FLUSH"]);
    d.cmd(&["FUNCTION", "DUMP"]);
    d.cmd(&["SET", "k", "v"]);
    let (f, _) = d.conns();
    let key_payload = f.cmd(&["DUMP", "k"]).bytes().unwrap().to_vec();
    d.cmd(&[&b"FUNCTION"[..], b"RESTORE", &key_payload[..]]);
    d.finish();
}

/// CRC-64 (Jones, reflected) as DUMP payloads carry it.
fn crc64(data: &[u8]) -> u64 {
    let mut crc = 0u64;
    for &b in data {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// `body` in DUMP's envelope (RDB version 10, CRC-64).
fn envelope(body: &[u8]) -> Vec<u8> {
    let mut p = body.to_vec();
    p.extend_from_slice(&[10, 0]);
    let crc = crc64(&p);
    p.extend_from_slice(&crc.to_le_bytes());
    p
}

/// Payloads with a valid envelope and bad records: Redis creates each
/// library as it reads it, and reads strings from the whole payload.
#[test]
fn restore_bad_records_match_redis() {
    let mut d = diff();
    assert_eq!(envelope(b""), b"\n\x00]\x9b\\@\x0f\x7f\xa2\xda");
    for body in [
        &b"\xf5\x05ab"[..],
        b"\xf5",
        b"\xf5\x03abc",
        b"\xf5\x0e#!lua name=q\n",
        b"\xf5\x0d#!lua name=q\nreturn",
        b"\xf5\x11#!lua name=q\nx = ",
        b"\xf5\x02ab\x00",
        b"\x00\x01a",
        b"\xf5\x39#!lua name=q\nredis.register_function('q', function() end)\x00",
    ] {
        d.cmd(&[&b"FUNCTION"[..], b"RESTORE", &envelope(body)[..]]);
        d.cmd(&["FUNCTION", "LIST"]);
    }
    d.finish();
}

/// A busy function: other clients get -BUSY with FUNCTION's wording,
/// FUNCTION STATS shows it, SCRIPT KILL is refused and FUNCTION KILL
/// stops it; once it wrote, it is unkillable. Run on both servers.
#[test]
fn busy_function_kill_and_stats() {
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let s = Server::spawn(flavor, &["--busy-reply-threshold", "100"]);
        let mut c = s.raw();
        let code = lib(
            "busy",
            "redis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)
redis.register_function('spinw', function() redis.call('set','x','1') local i = 0 while true do i = i + 1 end end)",
        );
        assert_eq!(c.cmd(&["FUNCTION", "LOAD", &code]).text(), "busy");
        let mut runner = s.raw();
        runner.send(&crate::common::resp::encode_request(&[
            "FCALL", "spin", "0", "a",
        ]));
        std::thread::sleep(Duration::from_millis(300));
        let r = c.cmd(&["GET", "x"]);
        assert_eq!(
            r.text_or_error(),
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.",
            "{flavor:?}"
        );
        let stats = c.cmd(&["FUNCTION", "STATS"]);
        let running = stats.get("running_script").unwrap();
        assert_eq!(running.get("name").unwrap().text(), "spin");
        let cmd: Vec<String> = running
            .get("command")
            .unwrap()
            .items()
            .iter()
            .map(|x| x.text())
            .collect();
        assert_eq!(cmd, ["FCALL", "spin", "0", "a"]);
        assert!(running.get("duration_ms").unwrap().int() >= 100);
        assert_eq!(
            c.cmd(&["SCRIPT", "KILL"]).text_or_error(),
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
        );
        assert_eq!(
            c.cmd(&["SHUTDOWN"]).text_or_error(),
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
        );
        assert_eq!(c.cmd(&["FUNCTION", "KILL"]).text(), "OK");
        let r = runner.read();
        assert_eq!(
            r.text_or_error(),
            "ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2."
        );
        assert_eq!(
            c.cmd(&["FUNCTION", "KILL"]).text_or_error(),
            "NOTBUSY No scripts in execution right now."
        );
        // A function that wrote cannot be killed.
        runner.send(&crate::common::resp::encode_request(&[
            "FCALL", "spinw", "0",
        ]));
        std::thread::sleep(Duration::from_millis(300));
        let unkillable = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        assert_eq!(c.cmd(&["FUNCTION", "KILL"]).text_or_error(), unkillable);
        assert_eq!(c.cmd(&["SCRIPT", "KILL"]).text_or_error(), unkillable);
        let _ = c.try_cmd(&["SHUTDOWN", "NOSAVE"]);
    }
}

/// FUNCTION KILL while an EVAL script runs answers with SCRIPT's wording.
#[test]
fn function_kill_refuses_an_eval_script() {
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let s = Server::spawn(flavor, &["--busy-reply-threshold", "100"]);
        let mut c = s.raw();
        let mut runner = s.raw();
        runner.send(&crate::common::resp::encode_request(&[
            "EVAL",
            "while true do end",
            "0",
        ]));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            c.cmd(&["FUNCTION", "KILL"]).text_or_error(),
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
            "{flavor:?}"
        );
        assert_eq!(
            c.cmd(&["FUNCTION", "STATS"]).text_or_error(),
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
            "{flavor:?}"
        );
        assert_eq!(c.cmd(&["SCRIPT", "KILL"]).text(), "OK");
        assert!(runner.read().is_error());
    }
}

fn fcall_text(c: &mut RawConn, f: &str) -> String {
    c.cmd(&["FCALL", f, "0"]).text_or_error()
}

const PERSIST_LIB: &str = "#!lua name=keep
redis.register_function('hello', function() return 'world' end)
redis.register_function{function_name='ro', callback=function() return 'ro' end, flags={'no-writes'}, description='kept'}";

/// SAVE + restart keeps the libraries; RDB files with functions cross
/// between ferrodis and redis-server both ways.
#[test]
fn functions_survive_restart_and_rdb_crosses_both_ways() {
    // ferrodis → ferrodis (restart) → redis-server.
    let dir = fresh_dir("fn-restart");
    let d = dir.to_str().unwrap();
    let mut list;
    {
        let fer = Server::spawn(Flavor::Ferrodis, &["--dir", d]);
        let mut c = fer.raw();
        assert_eq!(c.cmd(&["FUNCTION", "LOAD", PERSIST_LIB]).text(), "keep");
        c.cmd(&["SET", "k", "v"]);
        list = c.cmd(&["FUNCTION", "LIST", "WITHCODE"]);
        sort_libraries(&mut list);
        assert_eq!(c.cmd(&["SAVE"]).text(), "OK");
    }
    let fer = Server::spawn(Flavor::Ferrodis, &["--dir", d]);
    let mut c = fer.raw();
    assert_eq!(fcall_text(&mut c, "hello"), "world");
    let mut again = c.cmd(&["FUNCTION", "LIST", "WITHCODE"]);
    sort_libraries(&mut again);
    assert_eq!(again, list);
    assert_eq!(c.cmd(&["GET", "k"]).text(), "v");
    drop(c);
    drop(fer);
    let red = Server::spawn(Flavor::Reference, &["--dir", d]);
    let mut c = red.raw();
    assert_eq!(fcall_text(&mut c, "hello"), "world");
    assert_eq!(c.cmd(&["FCALL_RO", "ro", "0"]).text(), "ro");
    // redis-server → ferrodis.
    c.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib(
            "more",
            "redis.register_function('m', function() return 2 end)",
        ),
    ]);
    assert_eq!(c.cmd(&["SAVE"]).text(), "OK");
    let dir2 = fresh_dir("fn-from-redis");
    std::fs::copy(dir.join("dump.rdb"), dir2.join("dump.rdb")).unwrap();
    drop(c);
    drop(red);
    let fer = Server::spawn(Flavor::Ferrodis, &["--dir", dir2.to_str().unwrap()]);
    let mut c = fer.raw();
    assert_eq!(fcall_text(&mut c, "hello"), "world");
    assert_eq!(c.cmd(&["FCALL", "m", "0"]).int(), 2);
    assert_eq!(
        c.cmd(&["FUNCTION", "STATS"])
            .get("engines")
            .unwrap()
            .get("LUA")
            .unwrap()
            .get("libraries_count")
            .unwrap()
            .int(),
        2
    );
}

/// The AOF: FUNCTION LOAD and DELETE are logged, and a rewrite's base
/// holds the libraries.
#[test]
fn functions_survive_aof_and_rewrite() {
    let dir = fresh_dir("fn-aof");
    let d = dir.to_str().unwrap();
    let args = ["--dir", d, "--appendonly", "yes", "--appendfsync", "always"];
    {
        let fer = Server::spawn(Flavor::Ferrodis, &args);
        let mut c = fer.raw();
        c.cmd(&["FUNCTION", "LOAD", PERSIST_LIB]);
        c.cmd(&[
            "FUNCTION",
            "LOAD",
            &lib(
                "gone",
                "redis.register_function('g', function() return 1 end)",
            ),
        ]);
        c.cmd(&["FUNCTION", "DELETE", "gone"]);
    }
    {
        let fer = Server::spawn(Flavor::Ferrodis, &args);
        let mut c = fer.raw();
        assert_eq!(fcall_text(&mut c, "hello"), "world");
        assert_eq!(fcall_text(&mut c, "g"), "ERR Function not found");
        assert_eq!(
            c.cmd(&["BGREWRITEAOF"]).text(),
            "Background append only file rewriting started"
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while !c
            .cmd(&["INFO", "persistence"])
            .text()
            .contains("aof_rewrite_in_progress:0")
        {
            assert!(Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let fer = Server::spawn(Flavor::Ferrodis, &args);
    let mut c = fer.raw();
    assert_eq!(fcall_text(&mut c, "hello"), "world");
    assert_eq!(c.cmd(&["FUNCTION", "LIST"]).items().len(), 1);
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Libraries reach a ferrodis replica: by the full sync's RDB and then
/// by the stream (FUNCTION LOAD / DELETE, a function's writes); from a
/// ferrodis primary and from a redis-server primary.
#[test]
fn functions_reach_a_replica() {
    for primary in [Flavor::Ferrodis, Flavor::Reference] {
        let m = Server::spawn(primary, &["--repl-diskless-sync-delay", "0"]);
        let mut mc = m.raw();
        mc.cmd(&["FUNCTION", "LOAD", PERSIST_LIB]);
        let r = Server::spawn(Flavor::Ferrodis, &["--repl-diskless-sync-delay", "0"]);
        let mut rc = r.raw();
        rc.cmd(&["REPLICAOF", "127.0.0.1", &m.port().to_string()]);
        wait_for("the full sync", || {
            rc.cmd(&["FCALL_RO", "ro", "0"]) == Resp::bulk("ro")
        });
        // A function that does not declare no-writes is refused on a
        // read-only replica before it runs, as Redis does.
        assert_eq!(
            fcall_text(&mut rc, "hello"),
            "READONLY You can't write against a read only replica."
        );
        mc.cmd(&[
            "FUNCTION",
            "LOAD",
            &lib("w", "redis.register_function('put', function(keys, args) redis.call('set', keys[1], args[1]) return redis.call('incr', keys[2]) end)"),
        ]);
        assert_eq!(mc.cmd(&["FCALL", "put", "2", "k", "n", "v"]).int(), 1);
        wait_for("the stream", || rc.cmd(&["GET", "n"]) == Resp::bulk("1"));
        assert_eq!(rc.cmd(&["GET", "k"]).text(), "v");
        assert_eq!(
            rc.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "w"])
                .items()
                .len(),
            1
        );
        mc.cmd(&["FUNCTION", "DELETE", "w"]);
        wait_for("the delete", || {
            rc.cmd(&["FUNCTION", "LIST", "LIBRARYNAME", "w"])
                .items()
                .is_empty()
        });
        mc.cmd(&["FUNCTION", "FLUSH"]);
        wait_for("the flush", || {
            rc.cmd(&["FUNCTION", "LIST"]).items().is_empty()
        });
    }
}

#[test]
fn redis_py_function_load_and_fcall() {
    let fer = Server::start();
    let out = python(
        fer.port(),
        r##"
r = redis.Redis(port=PORT, decode_responses=True)
code = "#!lua name=pylib\nredis.register_function('incrby2', function(keys, args) return redis.call('incrby', keys[1], args[1] * 2) end)\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"
print(r.function_load(code))
print(r.fcall('incrby2', 1, 'n', 5))
print(r.fcall_ro('peek', 1, 'n'))
print(r.function_load(code, replace=True))
libs = r.function_list(library='pylib')
lib = dict(zip(libs[0][::2], libs[0][1::2]))
print(lib['library_name'], sorted(dict(zip(f[::2], f[1::2]))['name'] for f in lib['functions']))
dump = r.function_dump()
r.function_flush()
print(r.function_restore(dump))
print(r.fcall('incrby2', 1, 'n', 1))
try:
    r.fcall('nosuch', 0)
except redis.ResponseError as e:
    print(e)
print(r.function_delete('pylib'))
"##,
    );
    assert_eq!(
        out,
        "pylib\n10\n10\npylib\npylib ['incrby2', 'peek']\nTrue\n12\nFunction not found\nTrue\n"
    );
}

/// On a replica, flagged functions are admitted by their flags: without
/// no-writes they are refused on a read-only replica; with the link down
/// and replica-serve-stale-data no, only allow-stale ones run. Both
/// servers, each replicating its own kind.
#[test]
fn replica_admits_functions_by_their_flags() {
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let m = Server::spawn(flavor, &["--repl-diskless-sync-delay", "0"]);
        let mut mc = m.raw();
        mc.cmd(&[
            "FUNCTION",
            "LOAD",
            &lib(
                "flags",
                "redis.register_function('w', function() return 1 end)
redis.register_function{function_name='r', callback=function() return 2 end, flags={'no-writes'}}
redis.register_function{function_name='s', callback=function() return 3 end, flags={'no-writes', 'allow-stale'}}",
            ),
        ]);
        let r = Server::spawn(flavor, &["--repl-diskless-sync-delay", "0"]);
        let mut rc = r.raw();
        rc.cmd(&["REPLICAOF", "127.0.0.1", &m.port().to_string()]);
        wait_for("the full sync", || {
            rc.cmd(&["FCALL", "r", "0"]) == Resp::Int(2)
        });
        assert_eq!(
            fcall_text(&mut rc, "w"),
            "READONLY You can't write against a read only replica.",
            "{flavor:?}"
        );
        // (Before FCALL_RO's own refusal.)
        assert_eq!(
            rc.cmd(&["FCALL_RO", "w", "0"]).text_or_error(),
            "READONLY You can't write against a read only replica."
        );
        rc.cmd(&["CONFIG", "SET", "replica-serve-stale-data", "no"]);
        drop(mc);
        drop(m);
        wait_for("the link to drop", || {
            rc.cmd(&["INFO", "replication"])
                .text()
                .contains("master_link_status:down")
        });
        assert_eq!(
            fcall_text(&mut rc, "r"),
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            "{flavor:?}"
        );
        assert_eq!(rc.cmd(&["FCALL", "s", "0"]).int(), 3, "{flavor:?}");
        assert_eq!(
            fcall_text(&mut rc, "w"),
            "READONLY You can't write against a read only replica.",
            "{flavor:?}"
        );
    }
}

/// Over maxmemory: a function that may write is refused before it runs
/// unless it declares allow-oom; no-writes ones run; FUNCTION LOAD and
/// RESTORE are refused (denyoom).
#[test]
fn oom_admission_matches_redis() {
    let mut d = diff();
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib(
            "oom",
            "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)
redis.register_function{function_name='r', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}
redis.register_function{function_name='a', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'allow-oom'}}
redis.register_function{function_name='rw', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'no-writes'}}",
        ),
    ]);
    d.cmd(&["SET", "k", "1"]);
    d.cmd(&["CONFIG", "SET", "maxmemory", "1"]);
    d.cmd(&["FCALL", "w", "1", "k"]);
    d.cmd(&["FCALL", "r", "1", "k"]);
    d.cmd(&["FCALL", "a", "1", "k"]);
    d.cmd(&["FCALL", "rw", "1", "k"]);
    d.cmd(&["GET", "k"]);
    d.cmd(&[
        "FUNCTION",
        "LOAD",
        &lib("x", "redis.register_function('x', function() end)"),
    ]);
    d.cmd(&["FUNCTION", "DELETE", "oom"]);
    d.cmd(&["CONFIG", "SET", "maxmemory", "0"]);
    d.finish();
}

/// Every connection (so every worker thread's interpreter) sees a
/// replaced library at once: interpreters reload by generation.
#[test]
fn replaced_library_reaches_every_thread() {
    let s = Server::start();
    let mut admin = s.raw();
    let mut conns: Vec<RawConn> = (0..8).map(|_| s.raw()).collect();
    for v in 1..=3 {
        let code = lib(
            "gen",
            &format!("redis.register_function('v', function() return {v} end)"),
        );
        assert_eq!(
            admin.cmd(&["FUNCTION", "LOAD", "REPLACE", &code]).text(),
            "gen"
        );
        for c in conns.iter_mut() {
            assert_eq!(c.cmd(&["FCALL", "v", "0"]).int(), v);
        }
    }
    admin.cmd(&["FUNCTION", "DELETE", "gen"]);
    for c in conns.iter_mut() {
        assert_eq!(
            c.cmd(&["FCALL", "v", "0"]).text_or_error(),
            "ERR Function not found"
        );
    }
}
