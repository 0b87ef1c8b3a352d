//! Number formatting used by replies: integers (a small itoa) and doubles
//! printed as C's `%.17g` does, both into stack buffers, without allocating.

use std::fmt::Write as _;

const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Room for any `u64` or `i64` in decimal (`-9223372036854775808` is 20 bytes).
pub const INT_BUF_LEN: usize = 20;

/// Writes `v` in decimal at the end of `buf` and returns the written tail.
pub fn fmt_u64(mut v: u64, buf: &mut [u8; INT_BUF_LEN]) -> &[u8] {
    let mut pos = INT_BUF_LEN;
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        pos -= 1;
        buf[pos] = b'0' + v as u8;
    }
    &buf[pos..]
}

/// Writes `v` in decimal (with a leading `-` when negative) and returns it.
pub fn fmt_i64(v: i64, buf: &mut [u8; INT_BUF_LEN]) -> &[u8] {
    let len = fmt_u64(v.unsigned_abs(), buf).len();
    let mut start = INT_BUF_LEN - len;
    if v < 0 {
        // A negative i64 has at most 19 digits, so there is room for the sign.
        start -= 1;
        buf[start] = b'-';
    }
    &buf[start..]
}

/// Room for any `%.17g` output (at most 24 bytes, e.g. `-1.2345678901234567e-308`).
pub const DOUBLE_BUF_LEN: usize = 32;

struct StackWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl std::fmt::Write for StackWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Formats `v` exactly as C's `printf("%.17g", v)` does with glibc
/// (`inf`, `-inf`, `nan`, `-nan` for the special values, as Redis 7.0 prints
/// them) and returns the bytes.
pub fn fmt_double(v: f64, buf: &mut [u8; DOUBLE_BUF_LEN]) -> &[u8] {
    let neg = v.is_sign_negative();
    if v.is_nan() {
        return if neg { b"-nan" } else { b"nan" };
    }
    if v.is_infinite() {
        return if neg { b"-inf" } else { b"inf" };
    }
    // Rust's `{:.16e}` is correctly rounded to 17 significant digits, which
    // are exactly the digits `%.17g` prints; only the layout differs.
    let mut sci = [0u8; DOUBLE_BUF_LEN];
    let mut w = StackWriter {
        buf: &mut sci,
        len: 0,
    };
    if write!(w, "{:.16e}", v.abs()).is_err() {
        return b"nan"; // cannot happen: the output is at most 23 bytes
    }
    let sci_len = w.len;
    let sci = &sci[..sci_len];
    // sci is "d.dddddddddddddddde<exp>".
    let mut digits = [0u8; 17];
    digits[0] = sci[0];
    digits[1..17].copy_from_slice(&sci[2..18]);
    let exp_str = &sci[19..];
    let (exp_neg, exp_digits) = match exp_str.first() {
        Some(b'-') => (true, &exp_str[1..]),
        _ => (false, exp_str),
    };
    let mut exp: i32 = 0;
    for &d in exp_digits {
        exp = exp * 10 + i32::from(d - b'0');
    }
    if exp_neg {
        exp = -exp;
    }
    // Significant digits without trailing zeros (at least one).
    let mut nd = 17;
    while nd > 1 && digits[nd - 1] == b'0' {
        nd -= 1;
    }
    let mut out = 0;
    let mut put = |b: u8, buf: &mut [u8; DOUBLE_BUF_LEN]| {
        buf[out] = b;
        out += 1;
    };
    if neg {
        put(b'-', buf);
    }
    if (-4..17).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            for &d in &digits[..int_len] {
                put(d, buf);
            }
            if nd > int_len {
                put(b'.', buf);
                for &d in &digits[int_len..nd] {
                    put(d, buf);
                }
            }
        } else {
            put(b'0', buf);
            put(b'.', buf);
            for _ in 0..(-exp - 1) {
                put(b'0', buf);
            }
            for &d in &digits[..nd] {
                put(d, buf);
            }
        }
    } else {
        put(digits[0], buf);
        if nd > 1 {
            put(b'.', buf);
            for &d in &digits[1..nd] {
                put(d, buf);
            }
        }
        put(b'e', buf);
        put(if exp < 0 { b'-' } else { b'+' }, buf);
        let e = exp.unsigned_abs();
        if e >= 100 {
            put(b'0' + (e / 100) as u8, buf);
        }
        put(b'0' + (e / 10 % 10) as u8, buf);
        put(b'0' + (e % 10) as u8, buf);
    }
    &buf[..out]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: f64) -> String {
        let mut b = [0u8; DOUBLE_BUF_LEN];
        String::from_utf8(fmt_double(v, &mut b).to_vec()).unwrap()
    }

    #[test]
    fn double_matches_c_printf() {
        // Expected strings produced by C's "%.17g" (glibc, via Python's % operator).
        let cases: &[(f64, &str)] = &[
            (3.0, "3"),
            (0.1, "0.10000000000000001"),
            (1e300, "1.0000000000000001e+300"),
            (1.5e-7, "1.4999999999999999e-07"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (1.0 / 3.0, "0.33333333333333331"),
            (2.5, "2.5"),
            (-2.5e-5, "-2.5000000000000001e-05"),
            (5e-324, "4.9406564584124654e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (100.0, "100"),
            (1e21, "1e+21"),
            (12345.678, "12345.678"),
            (9.999999999999998e16, "99999999999999984"),
            (0.30000000000000004, "0.30000000000000004"),
            (9.999999999999999e-5, "9.9999999999999991e-05"),
            (-1.0, "-1"),
            (1.0e100, "1e+100"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
        ];
        for (v, want) in cases {
            assert_eq!(d(*v), *want, "formatting {v:e}");
        }
    }

    #[test]
    fn double_random_vs_c() {
        let cases: &[(f64, &str)] = &[
            (
                f64::from_bits(0xf2a74de452e6b438),
                "-1.989032661366619e+244",
            ),
            (f64::from_bits(0x6513270e269e0d37), "7.761117632285041e+178"),
            (f64::from_bits(0x0c5c7fd0a6a3a450), "3.980498358697587e-249"),
            (
                f64::from_bits(0xd23f0824128b2f33),
                "-1.5432835417340557e+88",
            ),
            (
                f64::from_bits(0x1818e811892f902b),
                "1.3647584518757569e-192",
            ),
            (
                f64::from_bits(0x9531985d5d9dc9f8),
                "-1.3701135617873088e-206",
            ),
            (
                f64::from_bits(0xe8e25d940ed90475),
                "-1.7160537630466207e+197",
            ),
            (f64::from_bits(0x36f675cc81e74ef5), "6.2946752411953861e-44"),
            (
                f64::from_bits(0x1600a35a099950d8),
                "1.0613447212142254e-202",
            ),
            (
                f64::from_bits(0x6b0d549b6f03675a),
                "4.7083251603875462e+207",
            ),
            (f64::from_bits(0x3d9c172411e20b8f), "6.3870161585135632e-12"),
            (
                f64::from_bits(0x8d116ece1738f7d9),
                "-9.9731303785687331e-246",
            ),
            (
                f64::from_bits(0x0f21ddb66cad4a26),
                "8.7797532256802712e-236",
            ),
            (
                f64::from_bits(0x90c192cfd3ac94af),
                "-5.7955032484989932e-228",
            ),
            (
                f64::from_bits(0xf28c105d1fb17c23),
                "-5.9881801593860111e+243",
            ),
            (
                f64::from_bits(0xa170b33839263059),
                "-1.3060523885277959e-147",
            ),
            (
                f64::from_bits(0x953f48f1a09f76b5),
                "-2.4361176994848409e-206",
            ),
            (
                f64::from_bits(0x0fd630f1f29d0da9),
                "2.2333869991501741e-232",
            ),
            (
                f64::from_bits(0x95e60af593bd04cf),
                "-3.5152797062666699e-203",
            ),
            (
                f64::from_bits(0x0cb1e29c658cda14),
                "1.5987381841032883e-247",
            ),
            (f64::from_bits(0x3898d190f9ebdacc), "4.6678633181812096e-36"),
            (
                f64::from_bits(0x8e81973e0becd7b0),
                "-8.4418727921054556e-239",
            ),
            (
                f64::from_bits(0x2217beaddbc496cb),
                "1.9015657400796622e-144",
            ),
            (f64::from_bits(0x6b4cb2424a23d596), "7.370437700706684e+208"),
            (
                f64::from_bits(0x8a6a63ec24ede6a4),
                "-1.7163996725272777e-258",
            ),
            (
                f64::from_bits(0x922766581e27a1c0),
                "-3.2367190832119987e-221",
            ),
            (
                f64::from_bits(0x8f6d05584ef8aa38),
                "-2.2818334634712625e-234",
            ),
            (
                f64::from_bits(0xae97ba94d0eda82f),
                "-3.0536383926309363e-84",
            ),
            (
                f64::from_bits(0x1a61dbe22e44158b),
                "1.3449551894627777e-181",
            ),
            (
                f64::from_bits(0x923a736994e3bf91),
                "-7.3174959760626057e-221",
            ),
            (f64::from_bits(0x301850c5a38fd547), "5.2498223088143036e-77"),
            (
                f64::from_bits(0x18f135d25f557203),
                "1.5450754142984396e-188",
            ),
            (
                f64::from_bits(0xb64ce4228c38fb29),
                "-3.9536256982247919e-47",
            ),
            (
                f64::from_bits(0x907a70c31012f037),
                "-2.7249126747649799e-229",
            ),
            (
                f64::from_bits(0x9e7769b10f4205b4),
                "-6.5051418615487723e-162",
            ),
            (
                f64::from_bits(0x7f15052434b9b5df),
                "1.4414848395559941e+304",
            ),
            (
                f64::from_bits(0x881ed162ae2eb154),
                "-1.4583679262758548e-269",
            ),
            (
                f64::from_bits(0xc6f877186d76b07e),
                "-7.9394166688077208e+33",
            ),
            (
                f64::from_bits(0x7731af10506bf2ef),
                "1.4255183989699612e+266",
            ),
            (
                f64::from_bits(0xec66a78795e761d1),
                "-1.5253157012324029e+214",
            ),
            (f64::from_bits(0xc12c92f0f1f6983e), "-936312.47258449323"),
            (f64::from_bits(0xc07f72596ab67b6c), "-503.1468302849014"),
            (f64::from_bits(0x40e36edc6038f7b4), "39798.886745914264"),
            (f64::from_bits(0xc15fe6e4f22e7130), "-8362899.7840846032"),
            (f64::from_bits(0x4510ac742ab71d38), "5.0393007622902982e+24"),
            (f64::from_bits(0xc25238c9b70cd037), "-313048620083.25336"),
            (f64::from_bits(0xbfdb24daf641b433), "-0.4241244702196269"),
            (f64::from_bits(0xc231c902bebd01f1), "-76386844349.007584"),
            (f64::from_bits(0xc18ff3a2da2b97a8), "-67007579.271285355"),
            (f64::from_bits(0xc299524b0e16979e), "-6960309306789.9043"),
            (
                f64::from_bits(0xc3b5bbaaa286d81f),
                "-1.5660329104651139e+18",
            ),
            (f64::from_bits(0xc308026e51eb9448), "-844759035638409"),
            (f64::from_bits(0x45282989a9744ad1), "1.4605188055476803e+25"),
            (f64::from_bits(0x418e5c4c63c9a73f), "63670668.473463528"),
            (f64::from_bits(0x43615880a553560a), "39059073254731856"),
            (
                f64::from_bits(0xc44206a605c9c25b),
                "-6.6504094020248155e+20",
            ),
            (
                f64::from_bits(0xc4b28c3a3d1687f2),
                "-8.7589337397173867e+22",
            ),
            (f64::from_bits(0xc128ce100401cb74), "-812808.00782619277"),
            (
                f64::from_bits(0xc39cc1b1fd9f8791),
                "-5.1803325160711072e+17",
            ),
            (
                f64::from_bits(0xc44794d6895b7877),
                "-8.7000004856781039e+20",
            ),
            (f64::from_bits(0x43965ebf681767b0), "4.0298404260884787e+17"),
            (f64::from_bits(0x43b5a269ad5e3461), "1.5589246143543626e+18"),
            (f64::from_bits(0x41588f97eedc4578), "6438495.732194297"),
            (f64::from_bits(0x4541eb45a064b93c), "4.3325558879660719e+25"),
            (f64::from_bits(0x3f6ba1cebf6d3a15), "0.0033730543176837637"),
            (f64::from_bits(0x41ca43c376a56666), "881297133.29218745"),
            (f64::from_bits(0xc01a8e5e83e40bc7), "-6.6390324218691097"),
            (f64::from_bits(0xc05f88f78b274b33), "-126.1401088603714"),
            (f64::from_bits(0x404ad2c3b697c83b), "53.646597694504145"),
            (f64::from_bits(0x41f1c26bb07e5589), "4767267591.8958826"),
        ];
        for (v, want) in cases {
            assert_eq!(d(*v), *want);
        }
    }

    #[test]
    fn integers() {
        let mut b = [0u8; INT_BUF_LEN];
        for v in [
            0i64,
            1,
            9,
            10,
            99,
            100,
            -1,
            -10,
            12345,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            assert_eq!(fmt_i64(v, &mut b), v.to_string().as_bytes());
        }
        for v in [0u64, 7, 42, 1000, u64::MAX] {
            assert_eq!(fmt_u64(v, &mut b), v.to_string().as_bytes());
        }
        let mut x: u64 = 1;
        for _ in 0..2000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = x as i64 >> (x % 60);
            assert_eq!(fmt_i64(v, &mut b), v.to_string().as_bytes());
        }
    }
}
