//! Numbers as configuration files write them: strict integers and memory
//! sizes with units.

/// Strict decimal integer: optional `-`, no `+`, no spaces, no leading zeros
/// (except `0` itself), must fit an `i64`.
pub fn parse_int(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits[0] == b'0' && (digits.len() > 1 || neg) {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        let d = i64::from(d - b'0');
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

/// Memory size: digits followed by an optional unit (`b`, `k`=1000,
/// `kb`=1024, `m`, `mb`, `g`, `gb`; case-insensitive). As Redis does, an
/// empty digit run counts as 0, a digit run too long for 64 bits saturates
/// and the unit multiplication wraps.
pub fn parse_memory(s: &[u8]) -> Option<u64> {
    let split = s
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let mul: u64 = match unit.to_ascii_lowercase().as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits.len() >= 128 {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.saturating_mul(10).saturating_add(u64::from(d - b'0'));
    }
    Some(v.wrapping_mul(mul))
}

/// Memory size in the largest binary unit that divides it (`2gb`, `512mb`,
/// `64kb`), or plain bytes; this is how CONFIG REWRITE writes sizes.
pub fn format_memory(v: u64) -> String {
    const GB: u64 = 1024 * 1024 * 1024;
    const MB: u64 = 1024 * 1024;
    const KB: u64 = 1024;
    if v == 0 {
        "0".to_string()
    } else if v.trailing_zeros() >= 30 {
        format!("{}gb", v / GB)
    } else if v.trailing_zeros() >= 20 {
        format!("{}mb", v / MB)
    } else if v.trailing_zeros() >= 10 {
        format!("{}kb", v / KB)
    } else {
        v.to_string()
    }
}

/// Number in a `save` parameter: leading whitespace and a sign are allowed,
/// the rest must be digits; an empty string is 0. Saturates like `strtoll`.
pub fn parse_save_number(s: &str) -> Option<i64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if s.is_empty() {
        return Some(0);
    }
    let (neg, digits) = match t.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, t.as_bytes()),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(parse_int(b"0"), Some(0));
        assert_eq!(parse_int(b"-12"), Some(-12));
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b" 1",
            b"1 ",
            b"1.5",
            b"9223372036854775808",
            b"0x10",
        ] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory(b"1k"), Some(1000));
        assert_eq!(parse_memory(b"1KB"), Some(1024));
        assert_eq!(parse_memory(b"1m"), Some(1_000_000));
        assert_eq!(parse_memory(b"1Mb"), Some(1 << 20));
        assert_eq!(parse_memory(b"1G"), Some(1_000_000_000));
        assert_eq!(parse_memory(b"512mb"), Some(512 << 20));
        assert_eq!(parse_memory(b"1gb"), Some(1 << 30));
        assert_eq!(parse_memory(b"5b"), Some(5));
        assert_eq!(parse_memory(b"05"), Some(5));
        assert_eq!(parse_memory(b""), Some(0));
        assert_eq!(parse_memory(b"gb"), Some(0));
        assert_eq!(parse_memory(b"99999999999999999999999"), Some(u64::MAX));
        assert_eq!(parse_memory(b"20000000000gb"), Some(3028092406290448384));
        for bad in [
            &b"-5"[..],
            b"-0",
            b"+5",
            b" 5",
            b"5 ",
            b"1.5mb",
            b"0x10",
            b"10xb",
            b"1tb",
        ] {
            assert_eq!(parse_memory(bad), None, "{bad:?}");
        }
        assert_eq!(parse_memory(&[b'1'; 128]), None);
    }

    #[test]
    fn memory_format() {
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(2 << 30), "2gb");
        assert_eq!(format_memory(512 << 20), "512mb");
        assert_eq!(format_memory(3 << 10), "3kb");
        assert_eq!(format_memory(1_000_000_000), "1000000000");
        assert_eq!(format_memory(1000), "1000");
    }

    #[test]
    fn save_numbers() {
        assert_eq!(parse_save_number("+5"), Some(5));
        assert_eq!(parse_save_number(" 5"), Some(5));
        assert_eq!(parse_save_number("-0"), Some(0));
        assert_eq!(parse_save_number(""), Some(0));
        assert_eq!(parse_save_number(" "), None);
        assert_eq!(parse_save_number("1.5"), None);
        assert_eq!(parse_save_number("x"), None);
    }
}
