//! The shared argument parser: number parsing with Redis's strictness and a
//! cursor over option tokens. Handlers use these instead of parsing by hand.

use bytes::Bytes;

use crate::error::CommandError;

/// Case-insensitive comparison of an argument with an ASCII token.
pub fn eq_ic(arg: &[u8], token: &str) -> bool {
    arg.eq_ignore_ascii_case(token.as_bytes())
}

/// Redis's strict integer parse (string2ll), shared with the engine's
/// string encodings so both agree on what an integer is.
pub use ferrodis_engine::value::parse_i64_strict;

/// An integer argument, or Redis's "not an integer" error.
pub fn parse_int(b: &[u8]) -> Result<i64, CommandError> {
    parse_i64_strict(b).ok_or(CommandError::NotInteger)
}

/// An integer argument that must fit a C `int` (database indexes): "not an
/// integer" when it does not parse, the range error when it does not fit.
pub fn parse_i32(b: &[u8]) -> Result<i32, CommandError> {
    i32::try_from(parse_int(b)?).map_err(|_| CommandError::NotI32)
}

/// A cursor over the optional arguments of a command.
pub struct ArgCursor<'a> {
    args: &'a [Bytes],
    pos: usize,
}

impl<'a> ArgCursor<'a> {
    /// Starts at `start` (the first optional argument).
    pub fn new(args: &'a [Bytes], start: usize) -> ArgCursor<'a> {
        ArgCursor { args, pos: start }
    }

    pub fn is_done(&self) -> bool {
        self.pos >= self.args.len()
    }

    pub fn remaining(&self) -> usize {
        self.args.len().saturating_sub(self.pos)
    }

    /// The next argument, consumed.
    pub fn next_arg(&mut self) -> Option<&'a Bytes> {
        let a = self.args.get(self.pos)?;
        self.pos += 1;
        Some(a)
    }

    /// Consumes the next argument if it equals `token` (case-insensitively).
    pub fn eat(&mut self, token: &str) -> bool {
        match self.args.get(self.pos) {
            Some(a) if eq_ic(a, token) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// The value after an option token, or a syntax error if it is missing.
    pub fn value(&mut self) -> Result<&'a Bytes, CommandError> {
        self.next_arg().ok_or(CommandError::Syntax)
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ic(b: &[u8], word: &[u8]) -> bool {
    b.len() >= word.len() && b[..word.len()].eq_ignore_ascii_case(word)
}

/// `2^e`, exact for the whole double range (scaled in steps).
fn scale2(mut v: f64, mut e: i64) -> f64 {
    while e > 1000 {
        v *= 2f64.powi(1000);
        e -= 1000;
        if v.is_infinite() {
            return v;
        }
    }
    while e < -1000 {
        v *= 2f64.powi(-1000);
        e += 1000;
        if v == 0.0 {
            return v;
        }
    }
    v * 2f64.powi(e as i32)
}

/// The hex part of a C hex float after "0x": (value, bytes used), or None
/// when no hex digit follows.
fn strtod_hex(s: &[u8]) -> Option<(f64, usize)> {
    let (mut mant, mut exp, mut any, mut dot, mut sticky) = (0u64, 0i64, false, false, false);
    let mut j = 0;
    while j < s.len() {
        let c = s[j];
        if let Some(d) = (c as char).to_digit(16) {
            any = true;
            if mant < 1 << 59 {
                mant = mant * 16 + d as u64;
                if dot {
                    exp -= 4;
                }
            } else {
                sticky |= d != 0;
                if !dot {
                    exp += 4;
                }
            }
        } else if c == b'.' && !dot {
            dot = true;
        } else {
            break;
        }
        j += 1;
    }
    if !any {
        return None;
    }
    if j < s.len() && (s[j] | 0x20) == b'p' {
        let mut k = j + 1;
        let neg = matches!(s.get(k), Some(b'-'));
        if matches!(s.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        let start = k;
        let mut e: i64 = 0;
        while k < s.len() && s[k].is_ascii_digit() {
            e = e.saturating_mul(10).saturating_add((s[k] - b'0') as i64);
            k += 1;
        }
        if k > start {
            exp = exp.saturating_add(if neg { -e } else { e });
            j = k;
        }
    }
    let m = (mant | sticky as u64) as f64;
    Some((scale2(m, exp), j))
}

/// C's `strtod` (glibc, "C" locale): (value, bytes consumed, ERANGE). No
/// conversion consumes 0 bytes. Accepts leading white space, a sign,
/// decimal and hex floats, `inf`/`infinity` and `nan` in any case.
pub fn strtod(s: &[u8]) -> (f64, usize, bool) {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let sign = if neg { -1.0 } else { 1.0 };
    let rest = &s[i..];
    if starts_with_ic(rest, b"inf") {
        let n = if starts_with_ic(rest, b"infinity") {
            8
        } else {
            3
        };
        return (sign * f64::INFINITY, i + n, false);
    }
    if starts_with_ic(rest, b"nan") {
        let mut n = 3;
        if rest.get(3) == Some(&b'(') {
            let mut j = 4;
            while j < rest.len() && (rest[j].is_ascii_alphanumeric() || rest[j] == b'_') {
                j += 1;
            }
            if rest.get(j) == Some(&b')') {
                n = j + 1;
            }
        }
        return (f64::NAN, i + n, false);
    }
    if rest.len() >= 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        return match strtod_hex(&rest[2..]) {
            Some((v, n)) => {
                let erange = v.is_infinite() || (v != 0.0 && v.abs() < f64::MIN_POSITIVE);
                (sign * v, i + 2 + n, erange)
            }
            None => (sign * 0.0, i + 1, false),
        };
    }
    let mut j = 0;
    let mut digits = 0;
    while j < rest.len() && rest[j].is_ascii_digit() {
        j += 1;
        digits += 1;
    }
    if j < rest.len() && rest[j] == b'.' {
        j += 1;
        while j < rest.len() && rest[j].is_ascii_digit() {
            j += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0, false);
    }
    let mant_end = j;
    if j < rest.len() && (rest[j] | 0x20) == b'e' {
        let mut k = j + 1;
        if k < rest.len() && (rest[k] == b'+' || rest[k] == b'-') {
            k += 1;
        }
        if k < rest.len() && rest[k].is_ascii_digit() {
            while k < rest.len() && rest[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        }
    }
    let v: f64 = std::str::from_utf8(&rest[..j])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0.0);
    let nonzero = rest[..mant_end]
        .iter()
        .any(|&c| c.is_ascii_digit() && c != b'0');
    let erange = v.is_infinite() || (nonzero && v.abs() < f64::MIN_POSITIVE);
    (sign * v, i + j, erange)
}

/// A double as Redis's `string2d` accepts it (scores, increments, weights):
/// the whole argument, no leading space, no NaN, no overflow, no underflow
/// to zero.
pub fn parse_double(b: &[u8]) -> Option<f64> {
    if b.is_empty() || is_c_space(b[0]) {
        return None;
    }
    let (v, n, erange) = strtod(b);
    if n != b.len() || v.is_nan() || (erange && (v.is_infinite() || v == 0.0)) {
        return None;
    }
    Some(v)
}

/// A score-range bound as Redis parses it (after any `(`): `strtod` up to
/// the end of the C string (a NUL byte ends it), not NaN. The empty string
/// is 0, overflow is infinite, leading white space is skipped.
pub fn parse_range_double(b: &[u8]) -> Option<f64> {
    let (v, n, _) = strtod(b);
    if (n == b.len() || b[n] == 0) && !v.is_nan() {
        Some(v)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_as_redis_parses_them() {
        for (t, want) in [
            ("1", Some(1.0)),
            ("-1.5", Some(-1.5)),
            ("+2", Some(2.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("1e3", Some(1000.0)),
            ("inf", Some(f64::INFINITY)),
            ("-Infinity", Some(f64::NEG_INFINITY)),
            ("0x10", Some(16.0)),
            ("0x1p-2", Some(0.25)),
            ("1e-320", Some(1e-320)),
            ("0e-400", Some(0.0)),
            ("1e400", None),
            ("1e-400", None),
            ("nan", None),
            (" 1", None),
            ("1 ", None),
            ("", None),
            ("1e", None),
            ("abc", None),
            ("0x", None),
            ("1\0", None),
        ] {
            assert_eq!(parse_double(t.as_bytes()), want, "{t:?}");
        }
        for (t, want) in [
            ("", Some(0.0)),
            (" 1", Some(1.0)),
            ("1e400", Some(f64::INFINITY)),
            ("1\0x", Some(1.0)),
            ("1 ", None),
            ("-", None),
            ("nan", None),
            ("x", None),
        ] {
            assert_eq!(parse_range_double(t.as_bytes()), want, "{t:?}");
        }
    }

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64_strict(b"0"), Some(0));
        assert_eq!(parse_i64_strict(b"-1"), Some(-1));
        assert_eq!(parse_i64_strict(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64_strict(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64_strict(b"9223372036854775808"), None);
        for bad in [&b""[..], b"-", b"+1", b" 1", b"01", b"-0", b"1a", b"1.0"] {
            assert_eq!(parse_i64_strict(bad), None, "{:?}", bad);
        }
    }
}
