//! Splitting a configuration line into words, and quoting a word back.
//!
//! The rules follow how Redis splits configuration lines and inline
//! arguments:
//! - words are separated by ASCII whitespace;
//! - `"..."` understands `\n \r \t \b \a \\ \"` and `\xHH`; any other escaped
//!   character stands for itself;
//! - `'...'` understands only `\'`;
//! - a quote may open in the middle of a bare word (`ab"c d"` is `abc d`);
//! - a closing quote must be followed by whitespace or the end of the line;
//! - an unclosed quote is an error.

/// Split `line` into words. `Err(())` means unbalanced quotes.
///
/// Bytes produced by `\xHH` escapes that do not form valid UTF-8 are replaced
/// with U+FFFD; use [`split_args_bytes`] to keep them exactly.
#[allow(clippy::result_unit_err)]
pub fn split_args(line: &str) -> Result<Vec<String>, ()> {
    Ok(split_args_bytes(line.as_bytes())?
        .into_iter()
        .map(|w| match String::from_utf8(w) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
        .collect())
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Byte-exact variant of [`split_args`].
#[allow(clippy::result_unit_err)]
pub fn split_args_bytes(line: &[u8]) -> Result<Vec<Vec<u8>>, ()> {
    #[derive(PartialEq)]
    enum State {
        Bare,
        Double,
        Single,
    }
    let mut words = Vec::new();
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return Ok(words);
        }
        let mut word = Vec::new();
        let mut state = State::Bare;
        loop {
            match state {
                State::Double => {
                    if i >= n {
                        return Err(());
                    }
                    let c = line[i];
                    if c == b'\\' && i + 3 < n && line[i + 1] == b'x' {
                        if let (Some(h), Some(l)) = (hex_val(line[i + 2]), hex_val(line[i + 3])) {
                            word.push(h * 16 + l);
                            i += 4;
                            continue;
                        }
                    }
                    if c == b'\\' && i + 1 < n {
                        let e = match line[i + 1] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        };
                        word.push(e);
                        i += 2;
                    } else if c == b'"' {
                        if i + 1 < n && !is_space(line[i + 1]) {
                            return Err(());
                        }
                        i += 1;
                        break;
                    } else {
                        word.push(c);
                        i += 1;
                    }
                }
                State::Single => {
                    if i >= n {
                        return Err(());
                    }
                    let c = line[i];
                    if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                        word.push(b'\'');
                        i += 2;
                    } else if c == b'\'' {
                        if i + 1 < n && !is_space(line[i + 1]) {
                            return Err(());
                        }
                        i += 1;
                        break;
                    } else {
                        word.push(c);
                        i += 1;
                    }
                }
                State::Bare => {
                    if i >= n {
                        break;
                    }
                    let c = line[i];
                    if matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0) {
                        i += 1;
                        break;
                    }
                    match c {
                        b'"' => state = State::Double,
                        b'\'' => state = State::Single,
                        _ => word.push(c),
                    }
                    i += 1;
                }
            }
        }
        words.push(word);
    }
}

/// Quote `s` as a double-quoted word that [`split_args`] reads back as `s`
/// (printable ASCII kept, `\\` and `\"` escaped, control characters as
/// `\n \r \t \a \b`, every other byte as `\xHH`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(line: &str) -> Vec<String> {
        split_args(line).expect("balanced")
    }

    #[test]
    fn bare_words_and_whitespace() {
        assert_eq!(s("  port   6379 \t "), ["port", "6379"]);
        assert!(s("").is_empty());
        assert!(s(" \t\r\n").is_empty());
    }

    #[test]
    fn double_quotes_and_escapes() {
        assert_eq!(s(r#"a "b c" d"#), ["a", "b c", "d"]);
        assert_eq!(s(r#""\n\r\t\b\a\\\"""#), ["\n\r\t\x08\x07\\\""]);
        assert_eq!(s(r#""\x41\x4g\q""#), ["Ax4gq"]);
        assert_eq!(s(r#""\xzz\x""#), ["xzzx"]);
        assert_eq!(s(r#""""#), [""]);
        assert_eq!(s(r#""a'b""#), ["a'b"]);
        assert_eq!(
            split_args_bytes(br#""\xff\x00""#).unwrap(),
            vec![vec![0xffu8, 0]]
        );
        assert_eq!(s(r#""\xff""#), ["\u{fffd}"]);
    }

    #[test]
    fn single_quotes() {
        assert_eq!(s(r"'a\nb\'c'"), [r"a\nb'c"]);
        assert_eq!(s(r#"'a"b'"#), [r#"a"b"#]);
        assert_eq!(s("''"), [""]);
    }

    #[test]
    fn quote_opening_mid_word() {
        assert_eq!(s(r#"ab"c d""#), ["abc d"]);
        assert_eq!(s("ab'c d' e"), ["abc d", "e"]);
    }

    #[test]
    fn unbalanced() {
        assert!(split_args(r#""abc"#).is_err());
        assert!(split_args("'abc").is_err());
        assert!(split_args(r#""ab"c"#).is_err());
        assert!(split_args("'ab'c").is_err());
        assert!(split_args(r#"ab"c d"e"#).is_err());
        assert!(split_args(r#""\"#).is_err());
        assert!(split_args(r#""\x4"#).is_err());
    }

    #[test]
    fn quote_round_trips() {
        for w in [
            "",
            "plain",
            "a b",
            "q\"uote",
            "back\\slash",
            "\n\t\x01\x7f",
            "é",
        ] {
            assert_eq!(s(&quote(w)), [w]);
        }
        assert_eq!(quote("a\"b c"), r#""a\"b c""#);
    }
}
