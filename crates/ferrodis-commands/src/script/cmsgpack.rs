//! The `cmsgpack` library Redis bundles (lua-cmsgpack 0.4.0's interface
//! and behaviour): `pack(...)`, `unpack(s)`, `unpack_one(s [, offset])`,
//! `unpack_limit(s, limit [, offset])`.
//!
//! Packing: integral numbers take the smallest integer encoding, other
//! numbers a float32 when that is exact, else a float64; strings use
//! fixstr/str8/str16/str32; a table whose keys are exactly 1..n is an
//! array, any other a map (in Lua's iteration order); tables nested more
//! than 16 deep, functions, userdata and threads become nil. Unpacking
//! knows the same types (no bin or ext).

use mlua::{Lua, MultiValue, Table, Value};

use super::call::fail_str;

/// Tables deeper than this are packed as nil.
const MAX_NESTING: usize = 16;

fn put_u16(out: &mut Vec<u8>, tag: u8, n: u16) {
    out.push(tag);
    out.extend_from_slice(&n.to_be_bytes());
}

fn put_u32(out: &mut Vec<u8>, tag: u8, n: u32) {
    out.push(tag);
    out.extend_from_slice(&n.to_be_bytes());
}

fn encode_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            put_u16(out, 0xcd, n as u16);
        } else if n <= 0xffff_ffff {
            put_u32(out, 0xce, n as u32);
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2_147_483_648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_number(out: &mut Vec<u8>, n: f64) {
    // Integral (as `(int64_t)n == n` decides on x86-64).
    let i = super::engine::lua_to_i64(n);
    if !n.is_infinite() && i as f64 == n {
        encode_int(out, i);
        return;
    }
    let f = n as f32;
    if f64::from(f) == n {
        out.push(0xca);
        out.extend_from_slice(&f.to_be_bytes());
    } else {
        out.push(0xcb);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_string(out: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0xd9, len as u8]);
    } else if len <= 0xffff {
        put_u16(out, 0xda, len as u16);
    } else {
        put_u32(out, 0xdb, len as u32);
    }
    out.extend_from_slice(s);
}

/// Whether `t`'s keys are exactly 1..n; returns n.
fn array_len(t: &Table) -> mlua::Result<Option<usize>> {
    let mut count: u64 = 0;
    let mut max: f64 = 0.0;
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair?;
        let n = match k {
            Value::Integer(i) => i as f64,
            Value::Number(n) => n,
            _ => return Ok(None),
        };
        if n <= 0.0 || super::engine::lua_to_i64(n) as f64 != n {
            return Ok(None);
        }
        max = max.max(n);
        count += 1;
    }
    Ok((max == count as f64).then_some(count as usize))
}

/// Packs `v` with an explicit work stack (nesting costs no native stack).
fn encode(out: &mut Vec<u8>, v: Value) -> mlua::Result<()> {
    let mut work: Vec<(Value, usize)> = vec![(v, 0)];
    while let Some((v, level)) = work.pop() {
        match v {
            Value::String(s) => encode_string(out, &s.as_bytes()),
            Value::Boolean(b) => out.push(if b { 0xc3 } else { 0xc2 }),
            Value::Integer(i) => encode_number(out, i as f64),
            Value::Number(n) => encode_number(out, n),
            Value::Table(t) if level < MAX_NESTING => {
                let first = work.len();
                if let Some(n) = array_len(&t)? {
                    if n < 16 {
                        out.push(0x90 | n as u8);
                    } else if n <= 0xffff {
                        put_u16(out, 0xdc, n as u16);
                    } else {
                        put_u32(out, 0xdd, n as u32);
                    }
                    for i in 1..=n {
                        work.push((t.raw_get(i)?, level + 1));
                    }
                } else {
                    let mut n = 0usize;
                    for pair in t.pairs::<Value, Value>() {
                        let (k, v) = pair?;
                        work.push((k, level + 1));
                        work.push((v, level + 1));
                        n += 1;
                    }
                    if n < 16 {
                        out.push(0x80 | n as u8);
                    } else if n <= 0xffff {
                        put_u16(out, 0xde, n as u16);
                    } else {
                        put_u32(out, 0xdf, n as u32);
                    }
                }
                work[first..].reverse();
            }
            _ => out.push(0xc0),
        }
    }
    Ok(())
}

fn pack(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    if args.is_empty() {
        return fail_str(
            lua,
            "bad argument #0 to 'pack' (MessagePack pack needs input.)",
        );
    }
    let mut out = Vec::new();
    for v in args {
        encode(&mut out, v)?;
    }
    Ok(MultiValue::from_vec(vec![Value::String(
        lua.create_string(out)?,
    )]))
}

#[derive(Debug)]
enum DecodeError {
    Eof,
    BadFormat,
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError::Eof)?;
        let b = self.data.get(self.pos..end).ok_or(DecodeError::Eof)?;
        self.pos = end;
        Ok(b)
    }

    fn be(&mut self, n: usize) -> Result<u64, DecodeError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }
}

/// A container being filled by the decoder.
enum Open {
    Array(Table, usize, usize),
    /// Table, entries left, a key waiting for its value.
    Map(Table, usize, Option<Value>),
}

/// Decodes one object at the cursor.
fn decode_one(lua: &Lua, c: &mut Cursor<'_>) -> mlua::Result<Result<Value, DecodeError>> {
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let tag = match c.take(1) {
            Ok(b) => b[0],
            Err(e) => return Ok(Err(e)),
        };
        let scalar = |c: &mut Cursor<'_>| -> Result<Option<Value>, DecodeError> {
            Ok(Some(match tag {
                0x00..=0x7f => Value::Number(f64::from(tag)),
                0xe0..=0xff => Value::Number(f64::from(tag as i8)),
                0xc0 => Value::Nil,
                0xc2 => Value::Boolean(false),
                0xc3 => Value::Boolean(true),
                0xcc => Value::Number(c.be(1)? as f64),
                0xcd => Value::Number(c.be(2)? as f64),
                0xce => Value::Number(c.be(4)? as f64),
                0xcf => Value::Number(c.be(8)? as i64 as f64),
                0xd0 => Value::Number(f64::from(c.be(1)? as u8 as i8)),
                0xd1 => Value::Number(f64::from(c.be(2)? as u16 as i16)),
                0xd2 => Value::Number(f64::from(c.be(4)? as u32 as i32)),
                0xd3 => Value::Number(c.be(8)? as i64 as f64),
                0xca => Value::Number(f64::from(f32::from_bits(c.be(4)? as u32))),
                0xcb => Value::Number(f64::from_bits(c.be(8)?)),
                _ => return Ok(None),
            }))
        };
        let value = match scalar(c) {
            Err(e) => return Ok(Err(e)),
            Ok(Some(v)) => v,
            Ok(None) => {
                let str_len = match tag {
                    0xa0..=0xbf => Some(Ok(usize::from(tag & 0x1f))),
                    0xd9 => Some(c.be(1).map(|n| n as usize)),
                    0xda => Some(c.be(2).map(|n| n as usize)),
                    0xdb => Some(c.be(4).map(|n| n as usize)),
                    _ => None,
                };
                if let Some(len) = str_len {
                    match len.and_then(|n| c.take(n)) {
                        Ok(b) => Value::String(lua.create_string(b)?),
                        Err(e) => return Ok(Err(e)),
                    }
                } else {
                    let (is_map, n) = match tag {
                        0x90..=0x9f => (false, Ok(usize::from(tag & 0x0f))),
                        0xdc => (false, c.be(2).map(|n| n as usize)),
                        0xdd => (false, c.be(4).map(|n| n as usize)),
                        0x80..=0x8f => (true, Ok(usize::from(tag & 0x0f))),
                        0xde => (true, c.be(2).map(|n| n as usize)),
                        0xdf => (true, c.be(4).map(|n| n as usize)),
                        _ => return Ok(Err(DecodeError::BadFormat)),
                    };
                    let n = match n {
                        Ok(n) => n,
                        Err(e) => return Ok(Err(e)),
                    };
                    let t = lua.create_table()?;
                    if n == 0 {
                        Value::Table(t)
                    } else {
                        stack.push(if is_map {
                            Open::Map(t, n, None)
                        } else {
                            Open::Array(t, n, 1)
                        });
                        continue;
                    }
                }
            }
        };
        // Store the value, closing the containers it completes.
        let mut value = value;
        loop {
            let done = match stack.last_mut() {
                None => return Ok(Ok(value)),
                Some(Open::Array(t, left, i)) => {
                    t.raw_set(*i, value)?;
                    *i += 1;
                    *left -= 1;
                    *left == 0
                }
                Some(Open::Map(t, left, key)) => match key.take() {
                    None => {
                        *key = Some(value);
                        false
                    }
                    Some(k) => {
                        if !k.is_nil() {
                            t.raw_set(k, value)?;
                        }
                        *left -= 1;
                        *left == 0
                    }
                },
            };
            if !done {
                break;
            }
            value = match stack.pop() {
                Some(Open::Array(t, ..)) | Some(Open::Map(t, ..)) => Value::Table(t),
                None => Value::Nil,
            };
        }
    }
}

/// lua-cmsgpack's unpack with a limit (0: everything, no offset returned)
/// and a start offset.
fn unpack_full(lua: &Lua, args: &MultiValue, limit: i64, offset: i64) -> mlua::Result<MultiValue> {
    let data: Vec<u8> = match args.front() {
        Some(v @ (Value::String(_) | Value::Integer(_) | Value::Number(_))) => {
            super::call::to_text(v).unwrap_or_default()
        }
        other => {
            return fail_str(
                lua,
                &format!(
                    "bad argument #1 to 'unpack' (string expected, got {})",
                    other.map_or("no value", |v| v.type_name())
                ),
            )
        }
    };
    let len = data.len() as i64;
    if offset < 0 || limit < 0 {
        return fail_str(
            lua,
            &format!("Invalid request to unpack with offset of {offset} and limit of {len}."),
        );
    }
    if offset > len {
        return fail_str(
            lua,
            &format!("Start offset {offset} greater than input length {len}."),
        );
    }
    let all = limit == 0;
    let mut c = Cursor {
        data: &data,
        pos: offset as usize,
    };
    let mut out = Vec::new();
    let mut count = 0;
    while c.pos < data.len() && (all || count < limit) {
        match decode_one(lua, &mut c)? {
            Ok(v) => out.push(v),
            Err(DecodeError::Eof) => return fail_str(lua, "Missing bytes in input."),
            Err(DecodeError::BadFormat) => return fail_str(lua, "Bad data format in input."),
        }
        count += 1;
    }
    if !all {
        let next = if c.pos == data.len() {
            -1.0
        } else {
            c.pos as f64
        };
        out.insert(0, Value::Number(next));
    }
    Ok(MultiValue::from_vec(out))
}

fn int_arg(args: &MultiValue, i: usize, default: Option<i64>, fname: &str) -> Result<i64, String> {
    match (args.get(i), default) {
        (None | Some(Value::Nil), Some(d)) => Ok(d),
        (v, _) => v
            .and_then(super::call::to_lua_number)
            .map(|n| n as i64)
            .ok_or_else(|| {
                format!(
                    "bad argument #{} to '{fname}' (number expected, got {})",
                    i + 1,
                    v.map_or("no value", |v| v.type_name())
                )
            }),
    }
}

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.raw_set("pack", lua.create_function(pack)?)?;
    t.raw_set(
        "unpack",
        lua.create_function(|lua, args: MultiValue| unpack_full(lua, &args, 0, 0))?,
    )?;
    t.raw_set(
        "unpack_one",
        lua.create_function(|lua, args: MultiValue| {
            match int_arg(&args, 1, Some(0), "unpack_one") {
                Ok(offset) => unpack_full(lua, &args, 1, offset),
                Err(m) => fail_str(lua, &m),
            }
        })?,
    )?;
    t.raw_set(
        "unpack_limit",
        lua.create_function(|lua, args: MultiValue| {
            let limit = match int_arg(&args, 1, None, "unpack_limit") {
                Ok(l) => l,
                Err(m) => return fail_str(lua, &m),
            };
            match int_arg(&args, 2, Some(0), "unpack_limit") {
                Ok(offset) => unpack_full(lua, &args, limit, offset),
                Err(m) => fail_str(lua, &m),
            }
        })?,
    )?;
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    Ok(t)
}
