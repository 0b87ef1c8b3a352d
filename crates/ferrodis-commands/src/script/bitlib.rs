//! The `bit` library (LuaBitOp's interface): 32-bit operations on Lua
//! numbers. Arguments are numbers (or numeric strings) taken modulo 2^32
//! after rounding to the nearest integer; results are signed 32-bit.

use mlua::{Lua, MultiValue, Table, Value};

use super::call::to_lua_number;

/// The low 32 bits of `n` rounded to an integer: adding 2^52 + 2^51 puts
/// the integer part in the low bits of the mantissa (what LuaBitOp does).
fn bits_of(n: f64) -> u32 {
    (n + 6_755_399_441_055_744.0).to_bits() as u32
}

/// Argument `i` (0-based) of function `name`, or the error message.
fn arg(args: &MultiValue, i: usize, name: &str) -> Result<u32, String> {
    let v = args.get(i);
    let n = v.and_then(to_lua_number).unwrap_or(0.0);
    let b = bits_of(n);
    if b == 0 && v.and_then(to_lua_number).is_none() {
        let got = match v {
            None => "no value",
            Some(v) => v.type_name(),
        };
        return Err(format!(
            "bad argument #{} to '{name}' (number expected, got {got})",
            i + 1
        ));
    }
    Ok(b)
}

/// A result: a signed 32-bit number, or tohex's text.
enum Out {
    Num(u32),
    Text(Vec<u8>),
}

fn num(b: u32) -> Out {
    Out::Num(b)
}

type BitFn = fn(&MultiValue, &str) -> Result<Out, String>;

fn tobit(a: &MultiValue, n: &str) -> Result<Out, String> {
    Ok(num(arg(a, 0, n)?))
}

fn bnot(a: &MultiValue, n: &str) -> Result<Out, String> {
    Ok(num(!arg(a, 0, n)?))
}

fn fold(a: &MultiValue, n: &str, f: fn(u32, u32) -> u32) -> Result<Out, String> {
    let mut b = arg(a, 0, n)?;
    for i in (1..a.len()).rev() {
        b = f(b, arg(a, i, n)?);
    }
    Ok(num(b))
}

fn band(a: &MultiValue, n: &str) -> Result<Out, String> {
    fold(a, n, |x, y| x & y)
}

fn bor(a: &MultiValue, n: &str) -> Result<Out, String> {
    fold(a, n, |x, y| x | y)
}

fn bxor(a: &MultiValue, n: &str) -> Result<Out, String> {
    fold(a, n, |x, y| x ^ y)
}

fn shift(a: &MultiValue, n: &str, f: fn(u32, u32) -> u32) -> Result<Out, String> {
    let b = arg(a, 0, n)?;
    let s = arg(a, 1, n)? & 31;
    Ok(num(f(b, s)))
}

fn lshift(a: &MultiValue, n: &str) -> Result<Out, String> {
    shift(a, n, |b, s| b << s)
}

fn rshift(a: &MultiValue, n: &str) -> Result<Out, String> {
    shift(a, n, |b, s| b >> s)
}

fn arshift(a: &MultiValue, n: &str) -> Result<Out, String> {
    shift(a, n, |b, s| ((b as i32) >> s) as u32)
}

fn rol(a: &MultiValue, n: &str) -> Result<Out, String> {
    shift(a, n, |b, s| b.rotate_left(s))
}

fn ror(a: &MultiValue, n: &str) -> Result<Out, String> {
    shift(a, n, |b, s| b.rotate_right(s))
}

fn bswap(a: &MultiValue, n: &str) -> Result<Out, String> {
    Ok(num(arg(a, 0, n)?.swap_bytes()))
}

fn tohex(a: &MultiValue, n: &str) -> Result<Out, String> {
    let mut b = arg(a, 0, n)?;
    let mut digits = if a.len() < 2 { 8 } else { arg(a, 1, n)? as i32 };
    let hex: &[u8; 16] = if digits < 0 {
        digits = digits.wrapping_neg();
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let digits = digits.clamp(0, 8) as usize;
    let mut out = vec![b'0'; digits];
    for i in (0..digits).rev() {
        out[i] = hex[(b & 15) as usize];
        b >>= 4;
    }
    Ok(Out::Text(out))
}

/// The library table: plain functions returning (mark, message) on error.
pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    let fns: [(&'static str, BitFn); 12] = [
        ("tobit", tobit),
        ("bnot", bnot),
        ("band", band),
        ("bor", bor),
        ("bxor", bxor),
        ("lshift", lshift),
        ("rshift", rshift),
        ("arshift", arshift),
        ("rol", rol),
        ("ror", ror),
        ("bswap", bswap),
        ("tohex", tohex),
    ];
    for (name, f) in fns {
        let func = lua.create_function(move |lua, args: MultiValue| match f(&args, name) {
            Ok(Out::Num(b)) => Ok(MultiValue::from_vec(vec![Value::Number(f64::from(
                b as i32,
            ))])),
            Ok(Out::Text(t)) => Ok(MultiValue::from_vec(vec![Value::String(
                lua.create_string(t)?,
            )])),
            Err(m) => super::call::fail_str(lua, &m),
        })?;
        t.raw_set(name, func)?;
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::bits_of;

    #[test]
    fn rounding_and_wrapping() {
        assert_eq!(bits_of(1.0), 1);
        assert_eq!(bits_of(-1.0) as i32, -1);
        assert_eq!(bits_of(2.5), 2); // ties to even
        assert_eq!(bits_of(3.5), 4);
        assert_eq!(bits_of(4294967296.0 + 5.0), 5);
        assert_eq!(bits_of(2147483648.0) as i32, i32::MIN);
    }
}
