//! A command's reply, as the bytes our reply buffer produced (RESP2 or
//! RESP3), decoded into the Lua value Redis 7.0 gives scripts:
//!
//! | reply | RESP2 script | RESP3 script (`redis.setresp(3)`) |
//! |---|---|---|
//! | integer | number | number |
//! | bulk string | string | string |
//! | null bulk / null array | false | nil (`_`) |
//! | array | table | table |
//! | status | `{ok=...}` | `{ok=...}` |
//! | error | `{err=...}` | `{err=...}` |
//! | map / set | - | `{map={k=v}}` / `{set={m=true}}` |
//! | double / big number | - | `{double=n}` / `{big_number="..."}` |
//! | boolean / verbatim | - | boolean / `{verbatim_string={format=, string=}}` |
//!
//! Tables are filled one entry at a time in reply order, as Redis does, so
//! that iteration order and `#` come out the same.

use mlua::{Lua, Table, Value};

/// Decodes one reply. `Ok(Err(table))` is an error reply (`{err=...}`).
pub fn reply_to_lua(lua: &Lua, buf: &[u8]) -> mlua::Result<Result<Value, Value>> {
    if buf.first() == Some(&b'-') {
        let line = line_at(buf, 1).map(|(l, _)| l).unwrap_or(&buf[1..]);
        return Ok(Err(error_from_reply(lua, line)?));
    }
    let mut pos = 0;
    let v = parse(lua, buf, &mut pos, 0)?;
    Ok(Ok(v))
}

/// `{err = ...}` for an error line as a command wrote it: a line without
/// an error code gets `ERR` (the same rule as redis.error_reply).
fn error_from_reply(lua: &Lua, line: &[u8]) -> mlua::Result<Value> {
    let msg = if line.contains(&b' ') {
        line.to_vec()
    } else {
        let mut m = b"ERR ".to_vec();
        m.extend_from_slice(line);
        m
    };
    super::call::error_table(lua, &msg)
}

/// The line starting at `pos` (without CRLF) and the position after it.
fn line_at(buf: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(pos..)?;
    let end = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..end], pos + end + 2))
}

fn bad() -> mlua::Error {
    mlua::Error::RuntimeError("ERR malformed reply from command".into())
}

fn int_of(line: &[u8]) -> mlua::Result<i64> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(bad)
}

fn count_of(line: &[u8]) -> mlua::Result<Option<usize>> {
    let n = int_of(line)?;
    Ok(usize::try_from(n).ok())
}

fn bulk_at<'a>(buf: &'a [u8], len: usize, pos: &mut usize) -> mlua::Result<&'a [u8]> {
    let end = pos.checked_add(len).ok_or_else(bad)?;
    let data = buf.get(*pos..end).ok_or_else(bad)?;
    *pos = end + 2;
    Ok(data)
}

/// Guards Rust's stack against absurdly nested replies.
const MAX_DEPTH: usize = 128;

fn parse(lua: &Lua, buf: &[u8], pos: &mut usize, depth: usize) -> mlua::Result<Value> {
    if depth > MAX_DEPTH {
        return Err(bad());
    }
    let kind = *buf.get(*pos).ok_or_else(bad)?;
    let (line, next) = line_at(buf, *pos + 1).ok_or_else(bad)?;
    *pos = next;
    Ok(match kind {
        b':' => Value::Number(int_of(line)? as f64),
        b'$' => match count_of(line)? {
            None => Value::Boolean(false),
            Some(len) => Value::String(lua.create_string(bulk_at(buf, len, pos)?)?),
        },
        b'+' => {
            let t = lua.create_table()?;
            t.raw_set("ok", lua.create_string(line)?)?;
            Value::Table(t)
        }
        b'-' => error_from_reply(lua, line)?,
        b'*' | b'>' => match count_of(line)? {
            None => Value::Boolean(false),
            Some(n) => Value::Table(array(lua, buf, pos, n, depth)?),
        },
        b'_' => Value::Nil,
        b'#' => Value::Boolean(line == b"t"),
        b',' => {
            let (d, _, _) = crate::args::strtod(line);
            wrapped(lua, "double", Value::Number(d))?
        }
        b'(' => wrapped(lua, "big_number", Value::String(lua.create_string(line)?))?,
        b'=' => {
            let len = count_of(line)?.ok_or_else(bad)?;
            let data = bulk_at(buf, len, pos)?;
            let (format, text) = if data.len() >= 4 && data[3] == b':' {
                (&data[..3], &data[4..])
            } else {
                (&b"txt"[..], data)
            };
            let inner = lua.create_table()?;
            inner.raw_set("format", lua.create_string(format)?)?;
            inner.raw_set("string", lua.create_string(text)?)?;
            wrapped(lua, "verbatim_string", Value::Table(inner))?
        }
        b'%' => {
            let n = count_of(line)?.ok_or_else(bad)?;
            let inner = lua.create_table()?;
            for _ in 0..n {
                let k = parse(lua, buf, pos, depth + 1)?;
                let v = parse(lua, buf, pos, depth + 1)?;
                if !k.is_nil() {
                    inner.raw_set(k, v)?;
                }
            }
            wrapped(lua, "map", Value::Table(inner))?
        }
        b'~' => {
            let n = count_of(line)?.ok_or_else(bad)?;
            let inner = lua.create_table()?;
            for _ in 0..n {
                let k = parse(lua, buf, pos, depth + 1)?;
                if !k.is_nil() {
                    inner.raw_set(k, true)?;
                }
            }
            wrapped(lua, "set", Value::Table(inner))?
        }
        b'|' => {
            // Attributes carry nothing scripts see: skip them.
            let n = count_of(line)?.ok_or_else(bad)?;
            for _ in 0..2 * n {
                parse(lua, buf, pos, depth + 1)?;
            }
            parse(lua, buf, pos, depth + 1)?
        }
        _ => return Err(bad()),
    })
}

fn array(lua: &Lua, buf: &[u8], pos: &mut usize, n: usize, depth: usize) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    for i in 1..=n {
        let v = parse(lua, buf, pos, depth + 1)?;
        t.raw_set(i, v)?;
    }
    Ok(t)
}

fn wrapped(lua: &Lua, field: &str, v: Value) -> mlua::Result<Value> {
    let t = lua.create_table()?;
    t.raw_set(field, v)?;
    Ok(Value::Table(t))
}
