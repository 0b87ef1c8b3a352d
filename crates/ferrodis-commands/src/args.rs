//! The shared argument parser: number parsing with Redis's strictness and a
//! cursor over option tokens. Handlers use these instead of parsing by hand.

use bytes::Bytes;

use crate::error::CommandError;

/// Case-insensitive comparison of an argument with an ASCII token.
pub fn eq_ic(arg: &[u8], token: &str) -> bool {
    arg.eq_ignore_ascii_case(token.as_bytes())
}

/// Parses a signed 64-bit integer exactly as Redis's string2ll accepts it:
/// optional '-', digits, no '+', no spaces, no leading zeros, no "-0".
pub fn parse_i64_strict(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// An integer argument, or Redis's "not an integer" error.
pub fn parse_int(b: &[u8]) -> Result<i64, CommandError> {
    parse_i64_strict(b).ok_or(CommandError::NotInteger)
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

#[cfg(test)]
mod tests {
    use super::*;

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
