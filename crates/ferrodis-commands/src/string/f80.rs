//! The x87 80-bit extended `long double`, in software.
//!
//! Redis computes INCRBYFLOAT (and HINCRBYFLOAT) in `long double`, which on
//! x86-64 has a 64-bit significand and a 15-bit exponent, and prints the
//! result with 17 digits after the point, then drops trailing zeros. A
//! 64-bit `f64` gives visibly different answers (10.5 + 0.1 is "10.6" in
//! Redis but 10.59999999999999964 in doubles), so this module implements
//! exactly what is needed: parsing with the rules of C's `strtold` as Redis
//! applies them, correctly rounded addition, and that decimal form. All
//! rounding is to nearest, ties to even, as the hardware does by default.
//!
//! Invariant of [`F80`]: a finite non-zero value is `m * 2^e` with `m != 0`,
//! `EMIN <= e <= EMAX`, and either `m`'s top bit set (normal) or
//! `e == EMIN` (subnormal).

/// Exponent of the least significant bit of the smallest numbers.
const EMIN: i32 = -16445;
/// Exponent of the least significant bit of the largest numbers.
const EMAX: i32 = 16320;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zero,
    Finite { m: u64, e: i32 },
    Inf,
    Nan,
}

/// An 80-bit extended precision number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct F80 {
    neg: bool,
    kind: Kind,
}

/// A little-endian arbitrary-precision natural number (just the operations
/// the conversions need).
#[derive(Debug, Clone, Default)]
struct Big(Vec<u32>);

impl Big {
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    fn mul_add_small(&mut self, mul: u32, add: u32) {
        let mut carry = add as u64;
        for l in self.0.iter_mut() {
            let v = *l as u64 * mul as u64 + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut p: u32) {
        while p >= 9 {
            self.mul_add_small(1_000_000_000, 0);
            p -= 9;
        }
        if p > 0 {
            self.mul_add_small(10u32.pow(p), 0);
        }
    }

    /// Divides in place, returning the remainder.
    fn divrem_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let cur = (rem << 32) | *l as u64;
            *l = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        self.trim();
        rem as u32
    }

    /// Divides by 10^p in place; returns whether the remainder was non-zero.
    fn div_pow10(&mut self, mut p: u32) -> bool {
        let mut inexact = false;
        while p >= 9 {
            inexact |= self.divrem_small(1_000_000_000) != 0;
            p -= 9;
        }
        if p > 0 {
            inexact |= self.divrem_small(10u32.pow(p)) != 0;
        }
        inexact
    }

    fn shl(&mut self, k: u32) {
        let (words, bits) = ((k / 32) as usize, k % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for l in self.0.iter_mut() {
                let v = *l;
                *l = (v << bits) | carry;
                carry = v >> (32 - bits);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if words > 0 {
            self.0.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    fn bit_len(&self) -> u32 {
        match self.0.iter().rposition(|&l| l != 0) {
            None => 0,
            Some(i) => i as u32 * 32 + (32 - self.0[i].leading_zeros()),
        }
    }

    fn bit(&self, i: u32) -> bool {
        self.0
            .get((i / 32) as usize)
            .is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// The top (at most) 128 bits, the exponent of their lowest bit, and
    /// whether any bit below them is set.
    fn top128(&self) -> (u128, i32, bool) {
        let n = self.bit_len();
        let low = n.saturating_sub(128);
        let mut v = 0u128;
        for i in (low..n).rev() {
            v = (v << 1) | self.bit(i) as u128;
        }
        let sticky = (0..low).any(|i| self.bit(i));
        (v, low as i32, sticky)
    }

    /// Decimal digits.
    fn to_decimal(&self) -> Vec<u8> {
        let mut x = self.clone();
        x.trim();
        let mut chunks = Vec::new();
        while !x.is_zero() {
            chunks.push(x.divrem_small(1_000_000_000));
        }
        let mut out = Vec::new();
        match chunks.pop() {
            None => out.push(b'0'),
            Some(top) => out.extend_from_slice(top.to_string().as_bytes()),
        }
        for c in chunks.iter().rev() {
            out.extend_from_slice(format!("{c:09}").as_bytes());
        }
        out
    }
}

fn bit_len128(v: u128) -> i32 {
    128 - v.leading_zeros() as i32
}

impl F80 {
    pub const ZERO: F80 = F80 {
        neg: false,
        kind: Kind::Zero,
    };

    /// Rounds `sig * 2^e` (plus a non-zero amount below `sig`'s last bit
    /// when `sticky`) to the nearest representable value.
    ///
    /// When `sticky` is set, `sig` must have at least 66 significant bits,
    /// so the discarded part decides rounding correctly.
    fn round_pack(neg: bool, sig: u128, e: i32, sticky: bool) -> F80 {
        if sig == 0 {
            return F80 {
                neg,
                kind: Kind::Zero,
            };
        }
        let nb = bit_len128(sig);
        let t = (e + nb - 64).max(EMIN);
        let shift = t - e;
        let m: u128 = if shift <= 0 {
            sig << (-shift) as u32
        } else if shift > 128 {
            0
        } else {
            let q = if shift == 128 { 0 } else { sig >> shift };
            let rem = if shift == 128 {
                sig
            } else {
                sig & ((1u128 << shift) - 1)
            };
            let half = 1u128 << (shift - 1);
            let up = rem > half || (rem == half && (sticky || q & 1 == 1));
            q + up as u128
        };
        let (mut m, mut t) = (m, t);
        if m == 1u128 << 64 {
            m = 1u128 << 63;
            t += 1;
        }
        if m == 0 {
            return F80 {
                neg,
                kind: Kind::Zero,
            };
        }
        if t > EMAX {
            return F80 {
                neg,
                kind: Kind::Inf,
            };
        }
        F80 {
            neg,
            kind: Kind::Finite { m: m as u64, e: t },
        }
    }

    fn round_big(neg: bool, b: &Big, e: i32, sticky: bool) -> F80 {
        let (sig, low, s2) = b.top128();
        F80::round_pack(neg, sig, e.saturating_add(low), sticky || s2)
    }

    /// A double's exact value (every finite double is one).
    pub fn from_f64(v: f64) -> F80 {
        if v.is_nan() {
            return F80 {
                neg: v.is_sign_negative(),
                kind: Kind::Nan,
            };
        }
        if v.is_infinite() {
            return F80 {
                neg: v < 0.0,
                kind: Kind::Inf,
            };
        }
        let bits = v.to_bits();
        let neg = bits >> 63 == 1;
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        let (sig, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | 1 << 52, exp - 1075)
        };
        F80::round_pack(neg, u128::from(sig), e, false)
    }

    pub fn from_i64(v: i64) -> F80 {
        F80::round_pack(v < 0, v.unsigned_abs() as u128, 0, false)
    }

    pub fn is_finite(&self) -> bool {
        matches!(self.kind, Kind::Zero | Kind::Finite { .. })
    }

    /// The sum, correctly rounded. (An inherent method rather than
    /// `std::ops::Add`, so that call sites read as the C they mirror.)
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, o: F80) -> F80 {
        use Kind::*;
        match (self.kind, o.kind) {
            (Nan, _) | (_, Nan) => F80 {
                neg: false,
                kind: Nan,
            },
            (Inf, Inf) if self.neg != o.neg => F80 {
                neg: true,
                kind: Nan,
            },
            (Inf, _) => self,
            (_, Inf) => o,
            (Zero, Zero) => F80 {
                neg: self.neg && o.neg,
                kind: Zero,
            },
            (Zero, _) => o,
            (_, Zero) => self,
            (Finite { m: ma, e: ea }, Finite { m: mb, e: eb }) => {
                // x has the larger exponent.
                let ((xn, xm, xe), (yn, ym, ye)) = if ea >= eb {
                    ((self.neg, ma, ea), (o.neg, mb, eb))
                } else {
                    ((o.neg, mb, eb), (self.neg, ma, ea))
                };
                let base = xe - 63;
                let xs = (xm as u128) << 63;
                let d = base - ye;
                let (ys, sticky) = if d <= 0 {
                    ((ym as u128) << (-d) as u32, false)
                } else if d >= 128 {
                    (0, true)
                } else {
                    let lost = (ym as u128) & ((1u128 << d) - 1);
                    ((ym as u128) >> d, lost != 0)
                };
                if xn == yn {
                    F80::round_pack(xn, xs + ys, base, sticky)
                } else if xs > ys || (xs == ys && sticky) {
                    // With sticky, y is slightly larger than ys: borrow one.
                    let diff = xs - ys - sticky as u128;
                    F80::round_pack(xn, diff, base, sticky)
                } else if xs == ys {
                    F80::ZERO
                } else {
                    F80::round_pack(yn, ys - xs, base, false)
                }
            }
        }
    }

    /// The product with a non-negative integer, correctly rounded (Redis
    /// scales a timeout in seconds to milliseconds in `long double`).
    pub fn mul_u64(self, k: u64) -> F80 {
        match self.kind {
            Kind::Finite { m, e } if k != 0 => {
                F80::round_pack(self.neg, m as u128 * k as u128, e, false)
            }
            Kind::Finite { .. } | Kind::Zero => F80 {
                neg: self.neg,
                kind: Kind::Zero,
            },
            Kind::Inf if k == 0 => F80 {
                neg: true,
                kind: Kind::Nan,
            },
            Kind::Inf | Kind::Nan => self,
        }
    }

    /// `(long long) ceill(x)` as x86-64 computes it: rounded up to an
    /// integer, then converted; NaN, infinities and results outside i64
    /// give i64::MIN (the conversion's "integer indefinite" answer).
    pub fn ceil_i64(&self) -> i64 {
        let (m, e) = match self.kind {
            Kind::Zero => return 0,
            Kind::Inf | Kind::Nan => return i64::MIN,
            Kind::Finite { m, e } => (m, e),
        };
        // |x| split into its integer part and whether a fraction remains.
        let (int, frac): (u128, bool) = if e >= 0 {
            // m has at most 64 bits, so any e above 64 is out of range.
            if e > 64 {
                return i64::MIN;
            }
            ((m as u128) << e, false)
        } else if e <= -64 {
            (0, true)
        } else {
            ((m >> (-e)) as u128, m & ((1u64 << (-e)) - 1) != 0)
        };
        let v = if self.neg {
            0i128 - int as i128
        } else {
            int as i128 + frac as i128
        };
        i64::try_from(v).unwrap_or(i64::MIN)
    }

    /// Parses as Redis does for INCRBYFLOAT: C's `strtold` must consume the
    /// whole argument (so a NUL byte is refused), leading white space,
    /// NaN, and results that overflow or underflow to zero are refused.
    /// Literal infinities are accepted.
    pub fn parse(s: &[u8]) -> Option<F80> {
        if s.is_empty() || s.len() >= 5 * 1024 {
            return None;
        }
        if matches!(s[0], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            return None;
        }
        let (neg, body) = match s[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            return Some(F80 {
                neg,
                kind: Kind::Inf,
            });
        }
        let hex = body.len() > 2
            && body[0] == b'0'
            && (body[1] | 0x20) == b'x'
            && (body[2].is_ascii_hexdigit()
                || (body[2] == b'.' && body.get(3).is_some_and(|c| c.is_ascii_hexdigit())));
        let v = if hex {
            parse_hex(neg, &body[2..])?
        } else {
            parse_dec(neg, body)?
        };
        Some(v)
    }

    /// Redis's human-readable form: `%.17Lf` with trailing zeros (and a
    /// trailing point) removed, and "-0" printed as "0".
    pub fn to_human(&self) -> Vec<u8> {
        let (m, e) = match self.kind {
            Kind::Zero => return b"0".to_vec(),
            Kind::Inf => {
                return if self.neg {
                    b"-inf".to_vec()
                } else {
                    b"inf".to_vec()
                }
            }
            Kind::Nan => {
                return if self.neg {
                    b"-nan".to_vec()
                } else {
                    b"nan".to_vec()
                }
            }
            Kind::Finite { m, e } => (m, e),
        };
        let mut out = Vec::new();
        if self.neg {
            out.push(b'-');
        }
        if e >= 0 {
            let mut b = Big(vec![m as u32, (m >> 32) as u32]);
            b.shl(e as u32);
            out.extend(b.to_decimal());
            return out;
        }
        const SCALE: u128 = 100_000_000_000_000_000; // 10^17
        let scaled = m as u128 * SCALE;
        let sh = (-e) as u32;
        let q = if sh >= 128 {
            0
        } else {
            let q = scaled >> sh;
            let rem = scaled & ((1u128 << sh) - 1);
            let half = 1u128 << (sh - 1);
            q + (rem > half || (rem == half && q & 1 == 1)) as u128
        };
        let int = q / SCALE;
        let frac = q % SCALE;
        out.extend_from_slice(int.to_string().as_bytes());
        if frac != 0 {
            let f = format!("{frac:017}");
            out.push(b'.');
            out.extend_from_slice(f.trim_end_matches('0').as_bytes());
        }
        if out == b"-0" {
            return b"0".to_vec();
        }
        out
    }
}

impl std::ops::Add for F80 {
    type Output = F80;

    fn add(self, o: F80) -> F80 {
        F80::add(self, o)
    }
}

/// Reads an optional exponent (`e`/`p` already matched by the caller):
/// sign and at least one digit; clamps huge exponents.
fn parse_exp(s: &[u8]) -> Option<i64> {
    let (neg, d) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if d.is_empty() || !d.iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut v: i64 = 0;
    for &c in d {
        v = (v * 10 + (c - b'0') as i64).min(1 << 40);
    }
    Some(if neg { -v } else { v })
}

/// Splits `digits[.digits]` off the front; returns (int, frac, rest).
fn split_mantissa(s: &[u8], hex: bool) -> (&[u8], &[u8], &[u8]) {
    let is_digit = |c: &u8| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    let i = s.iter().take_while(|c| is_digit(c)).count();
    let (int, rest) = s.split_at(i);
    if rest.first() == Some(&b'.') {
        let f = rest[1..].iter().take_while(|c| is_digit(c)).count();
        (int, &rest[1..1 + f], &rest[1 + f..])
    } else {
        (int, &[], rest)
    }
}

/// The result of a conversion, rejecting overflow and underflow to zero
/// (strtold's ERANGE cases that Redis refuses).
fn checked(v: F80) -> Option<F80> {
    match v.kind {
        Kind::Inf | Kind::Zero | Kind::Nan => None,
        Kind::Finite { .. } => Some(v),
    }
}

fn parse_dec(neg: bool, s: &[u8]) -> Option<F80> {
    let (int, frac, rest) = split_mantissa(s, false);
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp: i64 = 0;
    if !rest.is_empty() {
        if rest[0] | 0x20 != b'e' {
            return None;
        }
        exp = parse_exp(&rest[1..])?;
    }
    // All significant digits, without leading zeros.
    let digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    let first = digits.iter().position(|&c| c != b'0');
    let Some(first) = first else {
        return Some(F80 {
            neg,
            kind: Kind::Zero,
        });
    };
    let digits = &digits[first..];
    // value = digits * 10^q
    let q = exp - frac.len() as i64;
    let magnitude = digits.len() as i64 + q; // value < 10^magnitude
    if magnitude > 4940 {
        return None; // overflow
    }
    if magnitude < -4960 {
        return None; // underflow to zero
    }
    let mut b = Big::default();
    for chunk in digits.chunks(9) {
        let mut v = 0u32;
        for &c in chunk {
            v = v * 10 + (c - b'0') as u32;
        }
        b.mul_add_small(10u32.pow(chunk.len() as u32), v);
    }
    if q >= 0 {
        b.mul_pow10(q as u32);
        return checked(F80::round_big(neg, &b, 0, false));
    }
    let p = (-q) as u32;
    // Scale up so the quotient keeps at least 70 significant bits.
    let want = 72 + (p as f64 * std::f64::consts::LOG2_10).ceil() as i64 + 2 - b.bit_len() as i64;
    let k = want.max(0) as u32;
    b.shl(k);
    let inexact = b.div_pow10(p);
    checked(F80::round_big(neg, &b, -(k as i32), inexact))
}

fn parse_hex(neg: bool, s: &[u8]) -> Option<F80> {
    let (int, frac, rest) = split_mantissa(s, true);
    let mut exp: i64 = 0;
    if !rest.is_empty() {
        if rest[0] | 0x20 != b'p' {
            return None;
        }
        exp = parse_exp(&rest[1..])?;
    }
    let digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    let first = digits.iter().position(|&c| c != b'0');
    let Some(first) = first else {
        return Some(F80 {
            neg,
            kind: Kind::Zero,
        });
    };
    let digits = &digits[first..];
    let e = exp - 4 * frac.len() as i64;
    let top = e + 4 * digits.len() as i64;
    if top > 16400 {
        return None;
    }
    if top < -16500 {
        return None;
    }
    let mut b = Big::default();
    for &c in digits {
        let v = (c as char).to_digit(16).unwrap_or(0);
        b.mul_add_small(16, v);
    }
    checked(F80::round_big(neg, &b, e as i32, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_and_rounding_up_to_integers() {
        let p = |s: &str| F80::parse(s.as_bytes()).unwrap();
        assert_eq!(p("1.5").mul_u64(1000).ceil_i64(), 1500);
        assert_eq!(p("0.0001").mul_u64(1000).ceil_i64(), 1);
        assert_eq!(p("-0.0001").mul_u64(1000).ceil_i64(), 0);
        assert_eq!(p("-1.5").ceil_i64(), -1);
        assert_eq!(p("-9223372036854775808").ceil_i64(), i64::MIN);
        assert_eq!(p("9223372036854775807").ceil_i64(), i64::MAX);
        assert_eq!(p("9223372036854775807.5").ceil_i64(), i64::MIN);
        assert_eq!(p("1e30").ceil_i64(), i64::MIN);
        assert_eq!(p("1e-30").ceil_i64(), 1);
        assert_eq!(p("-1e-30").ceil_i64(), 0);
        assert_eq!(p("inf").ceil_i64(), i64::MIN);
        assert_eq!(p("inf").mul_u64(0).ceil_i64(), i64::MIN);
        assert_eq!(p("0").mul_u64(1000).ceil_i64(), 0);
    }

    fn h(s: &str) -> String {
        String::from_utf8(F80::parse(s.as_bytes()).unwrap().to_human()).unwrap()
    }

    fn add(a: &str, b: &str) -> String {
        let v = F80::parse(a.as_bytes()).unwrap() + F80::parse(b.as_bytes()).unwrap();
        String::from_utf8(v.to_human()).unwrap()
    }

    #[test]
    fn human_form() {
        assert_eq!(h("10.5"), "10.5");
        assert_eq!(add("10.5", "0.1"), "10.6");
        assert_eq!(h("3"), "3");
        assert_eq!(h("-0.0"), "0");
        assert_eq!(h("2.5e-17"), "0.00000000000000002");
        assert_eq!(h("0x10"), "16");
        assert_eq!(h("1e20"), "100000000000000000000");
        assert_eq!(add("5.0e3", "2.0e2"), "5200");
    }

    #[test]
    fn rejects() {
        for bad in [
            "", " 1", "1 ", "abc", "nan", "1e", "1e5000", "1e-5000", "0x", ".",
        ] {
            assert!(F80::parse(bad.as_bytes()).is_none(), "{bad}");
        }
        assert!(F80::parse(b"inf").is_some());
        assert!(F80::parse(b"0e-99999").is_some());
    }
}
