//! Glob-style matching as Redis applies it to keys, channels and config
//! names: `*`, `?`, `[...]` classes with ranges and `^` negation, and `\`
//! escapes. Optional case folding for CONFIG GET.

/// Whether `pattern` matches the whole of `text`.
///
/// Redis's rules, checked against redis-server 7.0: an empty text matches
/// only the empty pattern (so `*` alone does not match an empty key; KEYS
/// and SCAN special-case a lone `*` themselves); a class that is never
/// closed ends at the end of the pattern; a `]` right after `[` (or `[^`)
/// closes an empty class; `x-y` is a range whenever a character follows
/// the `-` (even `]`), with the bounds taken in either order; `\` inside a
/// class escapes the next character, which is then compared
/// case-sensitively even when `nocase` is set; a trailing lone `\` is a
/// literal backslash.
///
/// Every token other than `*` consumes exactly one character, so one
/// backtracking point (the last `*`) suffices: O(len(pattern) *
/// len(text)) time, no recursion.
pub fn glob_match(pattern: &[u8], text: &[u8], nocase: bool) -> bool {
    if text.is_empty() {
        return pattern.is_empty();
    }
    let p = pattern;
    let (mut pi, mut si) = (0usize, 0usize);
    // (pattern index after the last star, text index that star resumes at)
    let mut star: Option<(usize, usize)> = None;
    while si < text.len() {
        if p.get(pi) == Some(&b'*') {
            while p.get(pi) == Some(&b'*') {
                pi += 1;
            }
            if pi == p.len() {
                return true;
            }
            star = Some((pi, si));
            continue;
        }
        if let Some(next) = token_matches(p, pi, text[si], nocase) {
            pi = next;
            si += 1;
            continue;
        }
        match star {
            Some((sp, ss)) => {
                // Let the star swallow one more character and retry.
                star = Some((sp, ss + 1));
                pi = sp;
                si = ss + 1;
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn eq(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// Whether the (non-star) token at `p[pi..]` matches the character `c`;
/// returns the index after the token if so. None also at the end of the
/// pattern.
fn token_matches(p: &[u8], pi: usize, c: u8, nocase: bool) -> Option<usize> {
    match *p.get(pi)? {
        b'?' => Some(pi + 1),
        b'[' => {
            let mut i = pi + 1;
            let negate = p.get(i) == Some(&b'^');
            if negate {
                i += 1;
            }
            let mut matched = false;
            let end = loop {
                let Some(&pc) = p.get(i) else {
                    // Unterminated: the class runs to the end.
                    break p.len();
                };
                if pc == b'\\' && i + 1 < p.len() {
                    i += 1;
                    matched |= p[i] == c;
                } else if pc == b']' {
                    break i + 1;
                } else if i + 2 < p.len() && p[i + 1] == b'-' {
                    let (mut lo, mut hi) = (pc.min(p[i + 2]), pc.max(p[i + 2]));
                    let mut ch = c;
                    if nocase {
                        lo = lo.to_ascii_lowercase();
                        hi = hi.to_ascii_lowercase();
                        ch = ch.to_ascii_lowercase();
                    }
                    matched |= lo <= ch && ch <= hi;
                    i += 2;
                } else {
                    matched |= eq(pc, c, nocase);
                }
                i += 1;
            };
            (matched != negate).then_some(end)
        }
        b'\\' if pi + 1 < p.len() => eq(p[pi + 1], c, nocase).then_some(pi + 2),
        lit => eq(lit, c, nocase).then_some(pi + 1),
    }
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
        assert!(!glob_match(b"*", b"", false));
        assert!(glob_match(b"a**", b"a", false));
        assert!(glob_match(b"[^", b"x", false));
        assert!(!glob_match(b"[", b"[", false));
        assert!(!glob_match(b"[]a", b"a", false));
        assert!(glob_match(b"[a-]x", b"_", false));
        assert!(glob_match(b"[z-a]", b"q", false));
        assert!(glob_match(b"a\\", b"a\\", false));
        assert!(!glob_match(b"[\\A]", b"a", true));
        assert!(glob_match(b"[A-C]", b"b", true));
    }

    #[test]
    fn many_stars_stay_fast() {
        let text = vec![b'a'; 5000];
        let mut pat = b"a*".repeat(200);
        pat.push(b'b');
        assert!(!glob_match(&pat, &text, false));
    }
}
