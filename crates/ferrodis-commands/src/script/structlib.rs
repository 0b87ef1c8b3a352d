//! The `struct` library Redis bundles (Roberto Ierusalimschy's struct):
//! `pack(fmt, ...)`, `unpack(fmt, data [, init])` and `size(fmt)`, with
//! the format letters of that library:
//!
//! `>` `<` `=` byte order; `!n` alignment (a power of 2, default 8);
//! `x` a zero byte; `b`/`B` char, `h`/`H` short, `l`/`L` long (8),
//! `T` size_t (8), `i[n]`/`I[n]` an n-byte integer (default 4, at most
//! 32); `f` float, `d` double; `s` a zero-terminated string; `c[n]` n
//! characters (`c0`: the whole string when packing, the previous unpacked
//! number as the length when unpacking); spaces are ignored.

use mlua::{Lua, MultiValue, Table, Value};

use super::call::{fail_str, to_lua_number};

/// Largest integer size (`i32` is refused as "larger than limit").
const MAX_INT_SIZE: usize = 32;
/// Default alignment for `!` (that of a double).
const MAX_ALIGN: usize = 8;

struct Header {
    little: bool,
    align: usize,
}

/// A format being read: the option letter and its size.
struct Fmt<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Fmt<'_> {
    /// Digits at the cursor, or `default`.
    fn number(&mut self, default: usize) -> Result<usize, String> {
        if !self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut a: usize = 0;
        while let Some(d) = self.s.get(self.pos).filter(|c| c.is_ascii_digit()) {
            let digit = usize::from(d - b'0');
            if a > (i32::MAX as usize - digit) / 10 {
                return Err("integral size overflow".to_string());
            }
            a = a * 10 + digit;
            self.pos += 1;
        }
        Ok(a)
    }
}

/// What one format character means.
enum Opt {
    /// Byte order, alignment, space: nothing to pack.
    Control,
    Int {
        size: usize,
        signed: bool,
    },
    Pad,
    Float,
    Double,
    Chars(usize),
    Zstring,
}

/// Reads the next option (the caller has taken its letter).
fn option(
    letter: u8,
    fmt: &mut Fmt<'_>,
    h: &mut Header,
    fname: &str,
) -> Result<(Opt, usize), String> {
    Ok(match letter {
        b' ' => (Opt::Control, 0),
        b'>' => {
            h.little = false;
            (Opt::Control, 0)
        }
        b'<' | b'=' => {
            h.little = true;
            (Opt::Control, 0)
        }
        b'!' => {
            let a = fmt.number(MAX_ALIGN)?;
            if a & a.wrapping_sub(1) != 0 {
                return Err(format!("alignment {a} is not a power of 2"));
            }
            h.align = a;
            (Opt::Control, 0)
        }
        b'x' => (Opt::Pad, 1),
        b'b' | b'B' => (
            Opt::Int {
                size: 1,
                signed: letter == b'b',
            },
            1,
        ),
        b'h' | b'H' => (
            Opt::Int {
                size: 2,
                signed: letter == b'h',
            },
            2,
        ),
        b'l' | b'L' | b'T' => (
            Opt::Int {
                size: 8,
                signed: letter == b'l',
            },
            8,
        ),
        b'i' | b'I' => {
            let size = fmt.number(4)?;
            if size > MAX_INT_SIZE {
                return Err(format!(
                    "integral size {size} is larger than limit of {MAX_INT_SIZE}"
                ));
            }
            (
                Opt::Int {
                    size,
                    signed: letter == b'i',
                },
                size,
            )
        }
        b'f' => (Opt::Float, 4),
        b'd' => (Opt::Double, 8),
        b'c' => {
            let n = fmt.number(1)?;
            (Opt::Chars(n), n)
        }
        b's' => (Opt::Zstring, 0),
        other => {
            return Err(format!(
                "bad argument #1 to '{fname}' (invalid format option '{}')",
                other as char
            ))
        }
    })
}

/// Padding before an item of `size` at offset `len`.
fn align_padding(len: usize, h: &Header, opt: &Opt, size: usize) -> usize {
    if size == 0 || matches!(opt, Opt::Chars(_)) {
        return 0;
    }
    let align = size.min(h.align);
    if align <= 1 {
        return 0;
    }
    (align - (len & (align - 1))) & (align - 1)
}

fn put_int(out: &mut Vec<u8>, n: f64, little: bool, size: usize) {
    // As C's conversions do on x86-64.
    let value: u64 = if n < 0.0 {
        super::engine::lua_to_i64(n) as u64
    } else if n >= 18_446_744_073_709_551_616.0 || n.is_nan() {
        0
    } else {
        n as u64
    };
    let mut bytes = vec![0u8; size];
    let mut v = value;
    for b in bytes.iter_mut() {
        *b = (v & 0xff) as u8;
        v = v.checked_shr(8).unwrap_or(0);
    }
    if !little {
        bytes.reverse();
    }
    out.extend_from_slice(&bytes);
}

fn get_int(data: &[u8], little: bool, signed: bool) -> f64 {
    let size = data.len();
    let mut l: u64 = 0;
    for i in 0..size {
        let b = if little { data[size - i - 1] } else { data[i] };
        l = (l << 8) | u64::from(b);
    }
    if !signed {
        return l as f64;
    }
    // The sign bit of a `size`-byte integer (shift counts wrap as x86's do).
    let shift = ((size * 8).wrapping_sub(1) & 63) as u32;
    let mask = u64::MAX << shift;
    if l & mask != 0 {
        l |= mask;
    }
    l as i64 as f64
}

fn arg_error(n: usize, fname: &str, msg: &str) -> String {
    format!("bad argument #{n} to '{fname}' ({msg})")
}

fn type_name(v: Option<&Value>) -> &'static str {
    v.map_or("nil", |v| v.type_name())
}

fn format_arg(args: &MultiValue, fname: &str) -> Result<Vec<u8>, String> {
    match args.front() {
        Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
        Some(v @ (Value::Integer(_) | Value::Number(_))) => {
            Ok(super::call::to_text(v).unwrap_or_default())
        }
        other => Err(arg_error(
            1,
            fname,
            &format!(
                "string expected, got {}",
                other.map_or("no value", |v| v.type_name())
            ),
        )),
    }
}

fn pack(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    match pack_bytes(&args) {
        Ok(b) => Ok(MultiValue::from_vec(vec![Value::String(
            lua.create_string(b)?,
        )])),
        Err(m) => fail_str(lua, &m),
    }
}

fn pack_bytes(args: &MultiValue) -> Result<Vec<u8>, String> {
    let fmt_bytes = format_arg(args, "pack")?;
    let mut fmt = Fmt {
        s: &fmt_bytes,
        pos: 0,
    };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let mut out = Vec::new();
    let mut arg = 1;
    while fmt.pos < fmt.s.len() {
        let letter = fmt.s[fmt.pos];
        fmt.pos += 1;
        let (opt, size) = option(letter, &mut fmt, &mut h, "pack")?;
        let pad = align_padding(out.len(), &h, &opt, size);
        out.resize(out.len() + pad, 0);
        match opt {
            Opt::Control => {}
            Opt::Pad => out.push(0),
            Opt::Int { size, .. } => {
                let n = args.get(arg).and_then(to_lua_number).ok_or_else(|| {
                    arg_error(
                        arg + 1,
                        "pack",
                        &format!("number expected, got {}", type_name(args.get(arg))),
                    )
                })?;
                put_int(&mut out, n, h.little, size);
                arg += 1;
            }
            Opt::Float | Opt::Double => {
                let n = args.get(arg).and_then(to_lua_number).ok_or_else(|| {
                    arg_error(
                        arg + 1,
                        "pack",
                        &format!("number expected, got {}", type_name(args.get(arg))),
                    )
                })?;
                let mut bytes = if matches!(opt, Opt::Float) {
                    (n as f32).to_le_bytes().to_vec()
                } else {
                    n.to_le_bytes().to_vec()
                };
                if !h.little {
                    bytes.reverse();
                }
                out.extend_from_slice(&bytes);
                arg += 1;
            }
            Opt::Chars(_) | Opt::Zstring => {
                let s = match args.get(arg) {
                    Some(v @ (Value::String(_) | Value::Integer(_) | Value::Number(_))) => {
                        super::call::to_text(v).unwrap_or_default()
                    }
                    other => {
                        return Err(arg_error(
                            arg + 1,
                            "pack",
                            &format!("string expected, got {}", type_name(other)),
                        ))
                    }
                };
                let n = if size == 0 { s.len() } else { size };
                if s.len() < n {
                    return Err(arg_error(arg + 2, "pack", "string too short"));
                }
                out.extend_from_slice(&s[..n]);
                if matches!(opt, Opt::Zstring) {
                    out.push(0);
                }
                arg += 1;
            }
        }
    }
    Ok(out)
}

fn unpack(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    let result = (|| -> Result<Vec<Value>, String> {
        let fmt_bytes = format_arg(&args, "unpack")?;
        let data = match args.get(1) {
            Some(v @ (Value::String(_) | Value::Integer(_) | Value::Number(_))) => {
                super::call::to_text(v).unwrap_or_default()
            }
            other => {
                return Err(arg_error(
                    2,
                    "unpack",
                    &format!(
                        "string expected, got {}",
                        other.map_or("no value", |v| v.type_name())
                    ),
                ))
            }
        };
        let init = match args.get(2) {
            None | Some(Value::Nil) => 1,
            Some(v) => to_lua_number(v).ok_or_else(|| {
                arg_error(
                    3,
                    "unpack",
                    &format!("number expected, got {}", v.type_name()),
                )
            })? as i64,
        };
        let mut pos = usize::try_from(init - 1).unwrap_or(usize::MAX);
        let short = || arg_error(2, "unpack", "data string too short");
        let mut fmt = Fmt {
            s: &fmt_bytes,
            pos: 0,
        };
        let mut h = Header {
            little: true,
            align: 1,
        };
        let mut values: Vec<Value> = Vec::new();
        while fmt.pos < fmt.s.len() {
            let letter = fmt.s[fmt.pos];
            fmt.pos += 1;
            let (opt, mut size) = option(letter, &mut fmt, &mut h, "unpack")?;
            pos = pos.saturating_add(align_padding(pos, &h, &opt, size));
            if size > data.len() || pos > data.len() - size {
                return Err(short());
            }
            match opt {
                Opt::Control | Opt::Pad => {}
                Opt::Int { size, signed } => {
                    values.push(Value::Number(get_int(
                        &data[pos..pos + size],
                        h.little,
                        signed,
                    )));
                }
                Opt::Float => {
                    let mut b = [0u8; 4];
                    b.copy_from_slice(&data[pos..pos + 4]);
                    let v = if h.little {
                        f32::from_le_bytes(b)
                    } else {
                        f32::from_be_bytes(b)
                    };
                    values.push(Value::Number(f64::from(v)));
                }
                Opt::Double => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&data[pos..pos + 8]);
                    let v = if h.little {
                        f64::from_le_bytes(b)
                    } else {
                        f64::from_be_bytes(b)
                    };
                    values.push(Value::Number(v));
                }
                Opt::Chars(n) => {
                    if n == 0 {
                        let prev = match values.last() {
                            Some(Value::Number(p)) => *p,
                            _ => return Err("format 'c0' needs a previous size".to_string()),
                        };
                        values.pop();
                        size = prev as usize;
                        if size > data.len() || pos > data.len() - size {
                            return Err(short());
                        }
                    }
                    values.push(Value::String(
                        lua_bytes(lua, &data[pos..pos + size]).map_err(|e| e.to_string())?,
                    ));
                }
                Opt::Zstring => {
                    let Some(end) = data[pos..].iter().position(|&b| b == 0) else {
                        return Err("unfinished string in data".to_string());
                    };
                    size = end + 1;
                    values.push(Value::String(
                        lua_bytes(lua, &data[pos..pos + end]).map_err(|e| e.to_string())?,
                    ));
                }
            }
            pos += size;
        }
        values.push(Value::Number(pos as f64 + 1.0));
        Ok(values)
    })();
    match result {
        Ok(v) => Ok(MultiValue::from_vec(v)),
        Err(m) => fail_str(lua, &m),
    }
}

fn lua_bytes(lua: &Lua, b: &[u8]) -> mlua::Result<mlua::String> {
    lua.create_string(b)
}

fn size(lua: &Lua, args: MultiValue) -> mlua::Result<MultiValue> {
    let result = (|| -> Result<usize, String> {
        let fmt_bytes = format_arg(&args, "size")?;
        let mut fmt = Fmt {
            s: &fmt_bytes,
            pos: 0,
        };
        let mut h = Header {
            little: true,
            align: 1,
        };
        let mut pos = 0usize;
        while fmt.pos < fmt.s.len() {
            let letter = fmt.s[fmt.pos];
            fmt.pos += 1;
            let (opt, size) = option(letter, &mut fmt, &mut h, "size")?;
            pos += align_padding(pos, &h, &opt, size);
            match opt {
                Opt::Zstring => return Err(arg_error(1, "size", "option 's' has no fixed size")),
                Opt::Chars(0) => return Err(arg_error(1, "size", "option 'c0' has no fixed size")),
                _ => {}
            }
            if letter.is_ascii_alphanumeric() {
                pos += size;
            }
        }
        Ok(pos)
    })();
    match result {
        Ok(n) => Ok(MultiValue::from_vec(vec![Value::Number(n as f64)])),
        Err(m) => fail_str(lua, &m),
    }
}

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.raw_set("pack", lua.create_function(pack)?)?;
    t.raw_set("unpack", lua.create_function(unpack)?)?;
    t.raw_set("size", lua.create_function(size)?)?;
    Ok(t)
}
