//! Glob-style matching as Redis applies it to keys, channels and config
//! names: `*`, `?`, `[...]` classes with ranges and `^` negation, and `\`
//! escapes. Optional case folding for CONFIG GET.

/// Whether `pattern` matches the whole of `text`.
pub fn glob_match(pattern: &[u8], text: &[u8], nocase: bool) -> bool {
    match_from(pattern, text, nocase, 0)
}

fn eq(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

// Recursion depth is bounded by the number of `*` in the pattern; a depth cap
// keeps a pathological pattern from exhausting the stack.
fn match_from(mut p: &[u8], mut s: &[u8], nocase: bool, depth: usize) -> bool {
    if depth > 1000 {
        return false;
    }
    while let Some(&c) = p.first() {
        match c {
            b'*' => {
                while p.len() > 1 && p[1] == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                for i in 0..=s.len() {
                    if match_from(&p[1..], &s[i..], nocase, depth + 1) {
                        return true;
                    }
                }
                return false;
            }
            b'?' => {
                if s.is_empty() {
                    return false;
                }
                s = &s[1..];
                p = &p[1..];
            }
            b'[' => {
                let Some(&ch) = s.first() else {
                    return false;
                };
                let mut i = 1;
                let negate = p.get(1) == Some(&b'^');
                if negate {
                    i += 1;
                }
                let mut matched = false;
                loop {
                    match p.get(i) {
                        None => {
                            // An unterminated class: Redis treats the end of
                            // the pattern as closing it.
                            i -= 1;
                            break;
                        }
                        Some(b']') => break,
                        Some(b'\\') if i + 1 < p.len() => {
                            i += 1;
                            if eq(p[i], ch, nocase) {
                                matched = true;
                            }
                        }
                        Some(&lo) if p.get(i + 1) == Some(&b'-') && i + 2 < p.len() => {
                            let hi = p[i + 2];
                            let (mut a, mut b) = if lo > hi { (hi, lo) } else { (lo, hi) };
                            let mut c2 = ch;
                            if nocase {
                                a = a.to_ascii_lowercase();
                                b = b.to_ascii_lowercase();
                                c2 = c2.to_ascii_lowercase();
                            }
                            if c2 >= a && c2 <= b {
                                matched = true;
                            }
                            i += 2;
                        }
                        Some(&lit) => {
                            if eq(lit, ch, nocase) {
                                matched = true;
                            }
                        }
                    }
                    i += 1;
                }
                if matched == negate {
                    return false;
                }
                p = if i < p.len() { &p[i + 1..] } else { &[] };
                s = &s[1..];
            }
            b'\\' if p.len() >= 2 => {
                if s.is_empty() || !eq(p[1], s[0], nocase) {
                    return false;
                }
                p = &p[2..];
                s = &s[1..];
            }
            _ => {
                if s.is_empty() || !eq(c, s[0], nocase) {
                    return false;
                }
                p = &p[1..];
                s = &s[1..];
            }
        }
    }
    s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn basics() {
        assert!(glob_match(b"*", b"anything", false));
        assert!(glob_match(b"h?llo", b"hello", false));
        assert!(glob_match(b"h*llo", b"heeeello", false));
        assert!(glob_match(b"h[ae]llo", b"hallo", false));
        assert!(!glob_match(b"h[^e]llo", b"hello", false));
        assert!(glob_match(b"h[a-b]llo", b"hbllo", false));
        assert!(glob_match(b"h\\*llo", b"h*llo", false));
        assert!(!glob_match(b"h\\*llo", b"hello", false));
        assert!(glob_match(b"*max*", b"maxclients", false));
        assert!(glob_match(b"PORT", b"port", true));
        assert!(!glob_match(b"a", b"", false));
        assert!(glob_match(b"", b"", false));
    }
}
