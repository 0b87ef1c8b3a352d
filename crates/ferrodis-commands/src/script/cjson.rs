//! The `cjson` library as Redis bundles it (lua-cjson 2.1.0's interface
//! and behaviour): `encode`, `decode`, `null`, the configuration
//! functions, and `new` (added by prelude.lua).
//!
//! Encoding: numbers with `%.14g`, NaN/Inf refused by default; a table is
//! an array when all its keys are positive integers and it is not
//! excessively sparse (more than twice as many slots as items, beyond 10),
//! an object otherwise (the empty table is `{}`); object members come in
//! Lua's iteration order; `/` is escaped. Decoding follows `strtod` for
//! numbers (so `+1`, `0x10`, `inf` and `nan` are read), `\u` escapes with
//! surrogate pairs become UTF-8, `null` becomes `cjson.null`.

use std::cell::RefCell;
use std::rc::Rc;

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

use super::call::{fail_str, to_lua_number};

/// C's `%.<prec>g` for a double.
pub fn fmt_g(v: f64, prec: usize) -> Vec<u8> {
    let prec = prec.max(1);
    if v.is_nan() {
        return if v.is_sign_negative() {
            b"-nan".to_vec()
        } else {
            b"nan".to_vec()
        };
    }
    if v.is_infinite() {
        return if v < 0.0 {
            b"-inf".to_vec()
        } else {
            b"inf".to_vec()
        };
    }
    if v == 0.0 {
        return if v.is_sign_negative() {
            b"-0".to_vec()
        } else {
            b"0".to_vec()
        };
    }
    // Rounded to `prec` significant digits: "d.ddde<exp>".
    let sci = format!("{:.*e}", prec - 1, v.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    let mut out = Vec::with_capacity(24);
    if v < 0.0 {
        out.push(b'-');
    }
    if exp < -4 || exp >= prec as i32 {
        out.push(digits[0]);
        let mut frac: &[u8] = &digits[1..];
        while let [rest @ .., b'0'] = frac {
            frac = rest;
        }
        if !frac.is_empty() {
            out.push(b'.');
            out.extend_from_slice(frac);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push(b'0');
        }
        out.extend_from_slice(e.to_string().as_bytes());
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        out.extend_from_slice(&digits[..int_len.min(digits.len())]);
        out.resize(out.len() + int_len.saturating_sub(digits.len()), b'0');
        let mut frac: &[u8] = digits.get(int_len..).unwrap_or(&[]);
        while let [rest @ .., b'0'] = frac {
            frac = rest;
        }
        if !frac.is_empty() {
            out.push(b'.');
            out.extend_from_slice(frac);
        }
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-exp - 1) as usize, b'0');
        let mut frac: &[u8] = &digits;
        while let [rest @ .., b'0'] = frac {
            frac = rest;
        }
        out.extend_from_slice(frac);
    }
    out
}

/// One cjson instance's settings.
#[derive(Clone)]
struct Config {
    sparse_convert: bool,
    sparse_ratio: i64,
    sparse_safe: i64,
    encode_max_depth: i64,
    decode_max_depth: i64,
    precision: usize,
    keep_buffer: bool,
    /// 0: refuse, 1: NaN/Infinity, 2: null.
    encode_invalid: u8,
    decode_invalid: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sparse_convert: false,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            precision: 14,
            keep_buffer: true,
            encode_invalid: 0,
            decode_invalid: true,
        }
    }
}

type Shared = Rc<RefCell<Config>>;

fn null() -> Value {
    Value::LightUserData(LightUserData(std::ptr::null_mut()))
}

fn is_null(v: &Value) -> bool {
    matches!(v, Value::LightUserData(p) if p.0.is_null())
}

/// A new cjson module table (prelude.lua wraps its functions).
pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let cfg: Shared = Rc::new(RefCell::new(Config::default()));
    let t = lua.create_table()?;
    let c = cfg.clone();
    t.raw_set(
        "encode",
        lua.create_function(move |lua, args: MultiValue| encode(lua, &c.borrow(), args))?,
    )?;
    let c = cfg.clone();
    t.raw_set(
        "decode",
        lua.create_function(move |lua, args: MultiValue| decode(lua, &c.borrow(), args))?,
    )?;
    let c = cfg.clone();
    t.raw_set(
        "encode_sparse_array",
        lua.create_function(move |lua, args: MultiValue| {
            let name = "encode_sparse_array";
            let mut guard = c.borrow_mut();
            let c = &mut *guard;
            if let Some(v) = args.front().filter(|v| !v.is_nil()) {
                match bool_option(v) {
                    Some(b) => c.sparse_convert = b,
                    None => return fail_str(lua, &invalid_option(1, name, v)),
                }
            }
            for (i, slot) in [(1, &mut c.sparse_ratio), (2, &mut c.sparse_safe)] {
                if let Some(v) = args.get(i).filter(|v| !v.is_nil()) {
                    match int_in(v, 0, i64::from(i32::MAX)) {
                        Some(n) => *slot = n,
                        None => return fail_str(lua, &int_range(i + 1, name, 0)),
                    }
                }
            }
            Ok(MultiValue::from_vec(vec![
                Value::Boolean(c.sparse_convert),
                Value::Number(c.sparse_ratio as f64),
                Value::Number(c.sparse_safe as f64),
            ]))
        })?,
    )?;
    for name in [
        "encode_max_depth",
        "decode_max_depth",
        "encode_number_precision",
    ] {
        let c = cfg.clone();
        t.raw_set(
            name,
            lua.create_function(move |lua, args: MultiValue| {
                let mut c = c.borrow_mut();
                let (max, slot): (i64, i64) = match name {
                    "encode_max_depth" => (i64::from(i32::MAX), c.encode_max_depth),
                    "decode_max_depth" => (i64::from(i32::MAX), c.decode_max_depth),
                    _ => (14, c.precision as i64),
                };
                let mut value = slot;
                if let Some(v) = args.front().filter(|v| !v.is_nil()) {
                    match int_in(v, 1, max) {
                        Some(n) => value = n,
                        None => {
                            return fail_str(
                                lua,
                                &format!(
                                    "bad argument #1 to '{name}' (expected integer between 1 and {max})"
                                ),
                            )
                        }
                    }
                }
                match name {
                    "encode_max_depth" => c.encode_max_depth = value,
                    "decode_max_depth" => c.decode_max_depth = value,
                    _ => c.precision = value as usize,
                }
                Ok(MultiValue::from_vec(vec![Value::Number(value as f64)]))
            })?,
        )?;
    }
    for name in [
        "encode_keep_buffer",
        "encode_invalid_numbers",
        "decode_invalid_numbers",
    ] {
        let c = cfg.clone();
        t.raw_set(
            name,
            lua.create_function(move |lua, args: MultiValue| {
                let mut c = c.borrow_mut();
                if let Some(v) = args.front().filter(|v| !v.is_nil()) {
                    let is_null_word =
                        matches!(v, Value::String(s) if s.as_bytes().as_ref() == b"null");
                    match (name, bool_option(v)) {
                        ("encode_invalid_numbers", _) if is_null_word => c.encode_invalid = 2,
                        ("encode_invalid_numbers", Some(b)) => c.encode_invalid = u8::from(b),
                        ("encode_keep_buffer", Some(b)) => c.keep_buffer = b,
                        ("decode_invalid_numbers", Some(b)) => c.decode_invalid = b,
                        _ => return fail_str(lua, &invalid_option(1, name, v)),
                    }
                }
                let out = match name {
                    "encode_keep_buffer" => Value::Boolean(c.keep_buffer),
                    "decode_invalid_numbers" => Value::Boolean(c.decode_invalid),
                    _ => match c.encode_invalid {
                        2 => Value::String(lua.create_string("null")?),
                        n => Value::Boolean(n == 1),
                    },
                };
                Ok(MultiValue::from_vec(vec![out]))
            })?,
        )?;
    }
    t.raw_set("null", null())?;
    t.raw_set("_NAME", "cjson")?;
    t.raw_set("_VERSION", "2.1.0")?;
    Ok(t)
}

/// `true`/`false`, or the words "on"/"off" as lua-cjson accepts them.
fn bool_option(v: &Value) -> Option<bool> {
    match v {
        Value::Boolean(b) => Some(*b),
        Value::String(s) => match s.as_bytes().as_ref() {
            b"on" => Some(true),
            b"off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn invalid_option(n: usize, name: &str, v: &Value) -> String {
    match v {
        Value::String(s) => format!(
            "bad argument #{n} to '{name}' (invalid option '{}')",
            s.to_string_lossy()
        ),
        other => format!(
            "bad argument #{n} to '{name}' (string expected, got {})",
            other.type_name()
        ),
    }
}

fn int_range(n: usize, name: &str, min: i64) -> String {
    format!(
        "bad argument #{n} to '{name}' (expected integer between {min} and {})",
        i32::MAX
    )
}

fn int_in(v: &Value, min: i64, max: i64) -> Option<i64> {
    let n = to_lua_number(v)? as i64;
    (min..=max).contains(&n).then_some(n)
}

// --------------------------------------------------------------- encode

fn encode(lua: &Lua, cfg: &Config, args: MultiValue) -> mlua::Result<MultiValue> {
    if args.len() != 1 {
        return fail_str(lua, "bad argument #1 to 'encode' (expected 1 argument)");
    }
    let mut out = Vec::new();
    match encode_value(cfg, &args[0], &mut out)? {
        Ok(()) => Ok(MultiValue::from_vec(vec![Value::String(
            lua.create_string(out)?,
        )])),
        Err(msg) => fail_str(lua, &msg),
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::LightUserData(_) | Value::UserData(_) | Value::Error(_) => "userdata",
        other => other.type_name(),
    }
}

fn encode_number(cfg: &Config, n: f64, out: &mut Vec<u8>) -> Result<(), String> {
    if n.is_finite() {
        out.extend_from_slice(&fmt_g(n, cfg.precision));
        return Ok(());
    }
    match cfg.encode_invalid {
        0 => Err("Cannot serialise number: must not be NaN or Inf".to_string()),
        1 => {
            out.extend_from_slice(if n.is_nan() {
                b"NaN"
            } else if n < 0.0 {
                b"-Infinity"
            } else {
                b"Infinity"
            });
            Ok(())
        }
        _ => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

fn encode_string(s: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\x08' => out.extend_from_slice(b"\\b"),
            b'\x0c' => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c < 0x20 || c == 0x7f => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(c >> 4) as usize]);
                out.push(HEX[(c & 15) as usize]);
            }
            c => out.push(c),
        }
    }
    out.push(b'"');
}

/// A step of the encoder's explicit stack.
enum Enc {
    /// A value inside containers at this depth.
    Value(Value, i64),
    /// An object key (written with its colon).
    Key(Value),
    Raw(&'static [u8]),
}

/// Encodes `root` depth first with an explicit stack (nesting costs no
/// native stack); the inner `Err` is a cjson error message.
fn encode_value(cfg: &Config, root: &Value, out: &mut Vec<u8>) -> mlua::Result<Result<(), String>> {
    let mut work = vec![Enc::Value(root.clone(), 0)];
    while let Some(item) = work.pop() {
        let (v, depth) = match item {
            Enc::Raw(b) => {
                out.extend_from_slice(b);
                continue;
            }
            Enc::Key(k) => {
                match &k {
                    Value::String(s) => encode_string(&s.as_bytes(), out),
                    Value::Integer(_) | Value::Number(_) => {
                        out.push(b'"');
                        let n = to_lua_number(&k).unwrap_or(0.0);
                        if let Err(m) = encode_number(cfg, n, out) {
                            return Ok(Err(m));
                        }
                        out.push(b'"');
                    }
                    other => {
                        return Ok(Err(format!(
                            "Cannot serialise {}: table key must be a number or string",
                            type_of(other)
                        )))
                    }
                }
                out.push(b':');
                continue;
            }
            Enc::Value(v, depth) => (v, depth),
        };
        match &v {
            Value::Nil => out.extend_from_slice(b"null"),
            Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Integer(i) => {
                if let Err(m) = encode_number(cfg, *i as f64, out) {
                    return Ok(Err(m));
                }
            }
            Value::Number(n) => {
                if let Err(m) = encode_number(cfg, *n, out) {
                    return Ok(Err(m));
                }
            }
            Value::String(s) => encode_string(&s.as_bytes(), out),
            v if is_null(v) => out.extend_from_slice(b"null"),
            Value::Table(t) => {
                let depth = depth + 1;
                if depth > cfg.encode_max_depth {
                    return Ok(Err(format!(
                        "Cannot serialise, excessive nesting ({depth})"
                    )));
                }
                let len = match array_length(cfg, t)? {
                    Ok(l) => l,
                    Err(m) => return Ok(Err(m)),
                };
                match len {
                    Some(n) if n > 0 => {
                        out.push(b'[');
                        work.push(Enc::Raw(b"]"));
                        for i in (1..=n).rev() {
                            work.push(Enc::Value(t.raw_get(i)?, depth));
                            if i > 1 {
                                work.push(Enc::Raw(b","));
                            }
                        }
                    }
                    _ => {
                        out.push(b'{');
                        work.push(Enc::Raw(b"}"));
                        let mut pairs = Vec::new();
                        for pair in t.pairs::<Value, Value>() {
                            pairs.push(pair?);
                        }
                        for (i, (k, v)) in pairs.into_iter().enumerate().rev() {
                            work.push(Enc::Value(v, depth));
                            work.push(Enc::Key(k));
                            if i > 0 {
                                work.push(Enc::Raw(b","));
                            }
                        }
                    }
                }
            }
            other => {
                return Ok(Err(format!(
                    "Cannot serialise {}: type not supported",
                    type_of(other)
                )))
            }
        }
    }
    Ok(Ok(()))
}

/// The array length of `t`, or None when it must be an object. The
/// largest key is kept in a C `int`, as lua-cjson does: a key beyond its
/// range wraps to a negative length, which makes the table an object.
fn array_length(cfg: &Config, t: &Table) -> mlua::Result<Result<Option<usize>, String>> {
    let mut max: i32 = 0;
    let mut items: i64 = 0;
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair?;
        let k = match k {
            Value::Integer(i) => i as f64,
            Value::Number(n) => n,
            _ => return Ok(Ok(None)),
        };
        if k.floor() != k || k < 1.0 {
            return Ok(Ok(None));
        }
        if k > f64::from(max) {
            max = if k >= 2_147_483_648.0 {
                i32::MIN
            } else {
                k as i32
            };
        }
        items += 1;
    }
    let max = i64::from(max);
    if cfg.sparse_ratio > 0 && max > items * cfg.sparse_ratio && max > cfg.sparse_safe {
        if !cfg.sparse_convert {
            return Ok(Err(
                "Cannot serialise table: excessively sparse array".to_string()
            ));
        }
        return Ok(Ok(None));
    }
    Ok(Ok(usize::try_from(max).ok()))
}

// --------------------------------------------------------------- decode

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str,
    Num,
    Bool,
    Null,
    Colon,
    Comma,
    End,
    Error(&'static str),
}

impl Tok {
    fn name(self) -> &'static str {
        match self {
            Tok::ObjBegin => "T_OBJ_BEGIN",
            Tok::ObjEnd => "T_OBJ_END",
            Tok::ArrBegin => "T_ARR_BEGIN",
            Tok::ArrEnd => "T_ARR_END",
            Tok::Str => "T_STRING",
            Tok::Num => "T_NUMBER",
            Tok::Bool => "T_BOOLEAN",
            Tok::Null => "T_NULL",
            Tok::Colon => "T_COLON",
            Tok::Comma => "T_COMMA",
            Tok::End => "T_END",
            Tok::Error(e) => e,
        }
    }
}

struct Token {
    kind: Tok,
    /// Where the token starts (or where the error was found).
    index: usize,
    num: f64,
    boolean: bool,
    text: Vec<u8>,
}

struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
    depth: i64,
    cfg: &'a Config,
}

fn hex4(b: &[u8]) -> Option<u32> {
    let d = b.get(..4)?;
    let mut v = 0u32;
    for &c in d {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

/// JSON numbers that `strtod` reads but strict JSON does not allow.
fn looks_invalid_number(p: &[u8]) -> bool {
    let mut p = p;
    match p.first() {
        Some(b'+') => return true,
        Some(b'-') => p = &p[1..],
        _ => {}
    }
    match p.first() {
        Some(b'0') => matches!(p.get(1), Some(c) if (c | 0x20) == b'x' || c.is_ascii_digit()),
        Some(c) if *c <= b'9' => false,
        None => false,
        _ => {
            let lower: Vec<u8> = p.iter().take(3).map(u8::to_ascii_lowercase).collect();
            lower == b"inf" || lower == b"nan"
        }
    }
}

impl Parser<'_> {
    fn byte(&self, i: usize) -> u8 {
        // A NUL byte ends the input, as lua-cjson reads a C string.
        self.data.get(i).copied().unwrap_or(0)
    }

    fn token(&self, kind: Tok, index: usize) -> Token {
        Token {
            kind,
            index,
            num: 0.0,
            boolean: false,
            text: Vec::new(),
        }
    }

    fn next(&mut self) -> Token {
        while matches!(self.byte(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let c = self.byte(start);
        let simple = match c {
            0 => Some(Tok::End),
            b'{' => Some(Tok::ObjBegin),
            b'}' => Some(Tok::ObjEnd),
            b'[' => Some(Tok::ArrBegin),
            b']' => Some(Tok::ArrEnd),
            b':' => Some(Tok::Colon),
            b',' => Some(Tok::Comma),
            _ => None,
        };
        if let Some(k) = simple {
            if k != Tok::End {
                self.pos += 1;
            }
            return self.token(k, start);
        }
        let rest = &self.data[start..];
        if c == b'"' {
            return self.string(start);
        }
        if c == b'-' || c.is_ascii_digit() {
            if !self.cfg.decode_invalid && looks_invalid_number(rest) {
                return self.token(Tok::Error("invalid number"), start);
            }
            return self.number(start);
        }
        if rest.starts_with(b"true") {
            self.pos += 4;
            let mut t = self.token(Tok::Bool, start);
            t.boolean = true;
            return t;
        }
        if rest.starts_with(b"false") {
            self.pos += 5;
            return self.token(Tok::Bool, start);
        }
        if rest.starts_with(b"null") {
            self.pos += 4;
            return self.token(Tok::Null, start);
        }
        if self.cfg.decode_invalid && looks_invalid_number(rest) {
            return self.number(start);
        }
        self.token(Tok::Error("invalid token"), start)
    }

    fn number(&mut self, start: usize) -> Token {
        let end = self.data[start..]
            .iter()
            .position(|&b| b == 0)
            .map_or(self.data.len(), |p| start + p);
        let (n, used, _) = crate::args::strtod(&self.data[start..end]);
        if used == 0 {
            return self.token(Tok::Error("invalid number"), start);
        }
        self.pos = start + used;
        let mut t = self.token(Tok::Num, start);
        t.num = n;
        t
    }

    fn string(&mut self, start: usize) -> Token {
        let mut out = Vec::new();
        self.pos = start + 1;
        loop {
            let c = self.byte(self.pos);
            match c {
                b'"' => {
                    self.pos += 1;
                    let mut t = self.token(Tok::Str, start);
                    t.text = out;
                    return t;
                }
                0 => return self.token(Tok::Error("unexpected end of string"), self.pos),
                b'\\' => {
                    let esc = self.byte(self.pos + 1);
                    let ch = match esc {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            match self.unicode_escape(&mut out) {
                                Some(len) => self.pos += len,
                                None => {
                                    return self
                                        .token(Tok::Error("invalid unicode escape code"), self.pos)
                                }
                            }
                            continue;
                        }
                        _ => return self.token(Tok::Error("invalid escape code"), self.pos),
                    };
                    out.push(ch);
                    self.pos += 2;
                }
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Appends the character of the `\u` escape at `self.pos` (a surrogate
    /// pair takes two escapes) as UTF-8; returns the escape's length.
    fn unicode_escape(&self, out: &mut Vec<u8>) -> Option<usize> {
        let here = self.data.get(self.pos..)?;
        let mut cp = hex4(here.get(2..)?)?;
        let mut len = 6;
        if cp & 0xF800 == 0xD800 {
            if cp & 0x400 != 0 {
                return None;
            }
            if here.get(6..8)? != b"\\u" {
                return None;
            }
            let low = hex4(here.get(8..)?)?;
            if low & 0xFC00 != 0xDC00 {
                return None;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        let ch = char::from_u32(cp)?;
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        Some(len)
    }
}

/// A decode failure: the message lua-cjson gives.
fn expected(what: &str, t: &Token) -> String {
    format!(
        "Expected {what} but found {} at character {}",
        t.kind.name(),
        t.index + 1
    )
}

fn decode(lua: &Lua, cfg: &Config, args: MultiValue) -> mlua::Result<MultiValue> {
    if args.len() != 1 {
        return fail_str(lua, "bad argument #1 to 'decode' (expected 1 argument)");
    }
    let text = match &args[0] {
        Value::String(s) => s.as_bytes().to_vec(),
        v @ (Value::Integer(_) | Value::Number(_)) => super::call::to_text(v).unwrap_or_default(),
        other => {
            return fail_str(
                lua,
                &format!(
                    "bad argument #1 to 'decode' (string expected, got {})",
                    type_of(other)
                ),
            )
        }
    };
    let mut p = Parser {
        data: &text,
        pos: 0,
        depth: 0,
        cfg,
    };
    let first = p.next();
    let v = match value(lua, &mut p, first)? {
        Ok(v) => v,
        Err(m) => return fail_str(lua, &m),
    };
    let last = p.next();
    if last.kind != Tok::End {
        return fail_str(lua, &expected("the end", &last));
    }
    Ok(MultiValue::from_vec(vec![v]))
}

/// An open container of the decoder's explicit stack.
enum Open {
    Array(Table, usize),
    Object(Table, mlua::String),
}

fn descend(p: &mut Parser<'_>, t: &Token) -> Result<(), String> {
    p.depth += 1;
    if p.depth > p.cfg.decode_max_depth {
        return Err(format!(
            "Found too many nested data structures ({}) at character {}",
            p.depth,
            t.index + 1
        ));
    }
    Ok(())
}

/// After `{` and a first key token: checks the key and the colon.
fn object_key(
    lua: &Lua,
    p: &mut Parser<'_>,
    t: &Token,
) -> mlua::Result<Result<mlua::String, String>> {
    if t.kind != Tok::Str {
        return Ok(Err(expected("object key string", t)));
    }
    let key = lua.create_string(&t.text)?;
    let colon = p.next();
    if colon.kind != Tok::Colon {
        return Ok(Err(expected("colon", &colon)));
    }
    Ok(Ok(key))
}

/// Parses one JSON value starting at token `tok`, with an explicit stack
/// of open containers (nesting costs no native stack).
fn value(lua: &Lua, p: &mut Parser<'_>, mut tok: Token) -> mlua::Result<Result<Value, String>> {
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let mut val = match tok.kind {
            Tok::Str => Value::String(lua.create_string(&tok.text)?),
            Tok::Num => Value::Number(tok.num),
            Tok::Bool => Value::Boolean(tok.boolean),
            Tok::Null => null(),
            Tok::ObjBegin => {
                if let Err(m) = descend(p, &tok) {
                    return Ok(Err(m));
                }
                let t = lua.create_table()?;
                let first = p.next();
                if first.kind == Tok::ObjEnd {
                    p.depth -= 1;
                    Value::Table(t)
                } else {
                    let key = match object_key(lua, p, &first)? {
                        Ok(k) => k,
                        Err(m) => return Ok(Err(m)),
                    };
                    stack.push(Open::Object(t, key));
                    tok = p.next();
                    continue;
                }
            }
            Tok::ArrBegin => {
                if let Err(m) = descend(p, &tok) {
                    return Ok(Err(m));
                }
                let t = lua.create_table()?;
                let first = p.next();
                if first.kind == Tok::ArrEnd {
                    p.depth -= 1;
                    Value::Table(t)
                } else {
                    stack.push(Open::Array(t, 1));
                    tok = first;
                    continue;
                }
            }
            _ => return Ok(Err(expected("value", &tok))),
        };
        // A value is complete: store it in its container, closing the
        // containers that end here.
        loop {
            let Some(open) = stack.last_mut() else {
                return Ok(Ok(val));
            };
            let (end_kind, what) = match open {
                Open::Array(t, i) => {
                    t.raw_set(*i, val)?;
                    *i += 1;
                    (Tok::ArrEnd, "comma or array end")
                }
                Open::Object(t, key) => {
                    t.raw_set(key.clone(), val)?;
                    (Tok::ObjEnd, "comma or object end")
                }
            };
            let next = p.next();
            if next.kind == end_kind {
                p.depth -= 1;
                val = match stack.pop() {
                    Some(Open::Array(t, _)) | Some(Open::Object(t, _)) => Value::Table(t),
                    None => Value::Nil,
                };
                continue;
            }
            if next.kind != Tok::Comma {
                return Ok(Err(expected(what, &next)));
            }
            let following = p.next();
            if let Some(Open::Object(_, key)) = stack.last_mut() {
                *key = match object_key(lua, p, &following)? {
                    Ok(k) => k,
                    Err(m) => return Ok(Err(m)),
                };
                tok = p.next();
            } else {
                tok = following;
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_g;

    fn g(v: f64) -> String {
        String::from_utf8(fmt_g(v, 14)).unwrap()
    }

    #[test]
    fn percent_g() {
        assert_eq!(g(100.0), "100");
        assert_eq!(g(2.5), "2.5");
        assert_eq!(g(1.23456789012345), "1.2345678901235");
        // Exact ties round to even, as glibc's printf does.
        assert_eq!(String::from_utf8(fmt_g(0.25, 1)).unwrap(), "0.2");
        assert_eq!(String::from_utf8(fmt_g(0.35, 1)).unwrap(), "0.3");
        assert_eq!(g(1.0 / 3.0), "0.33333333333333");
        assert_eq!(g(1e300), "1e+300");
        assert_eq!(g(-1e-7), "-1e-07");
        assert_eq!(g(123456789012345.0), "1.2345678901234e+14");
        assert_eq!(g(0.1), "0.1");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(1e-4), "0.0001");
        assert_eq!(g(1e-5), "1e-05");
        assert_eq!(g(12345678901234.0), "12345678901234");
        assert_eq!(g(99999999999999.5), "1e+14");
    }
}
