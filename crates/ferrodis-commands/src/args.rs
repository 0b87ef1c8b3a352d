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
