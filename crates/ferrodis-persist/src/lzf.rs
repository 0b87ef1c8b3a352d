//! LZF compression, the format RDB uses for long strings. Decompression
//! accepts anything a conforming compressor produces; the compressor is a
//! straightforward hash-table LZF (its output need not match Redis's bytes,
//! only the format).

const HLOG: u32 = 14;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

/// Compresses `input`; None when the result would not fit in `max_out`
/// bytes (the caller then stores the string uncompressed).
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    let n = input.len();
    if n < 4 {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(max_out.min(n + n / 16 + 64));
    let mut table = vec![0u32; 1 << HLOG];
    let hash = |p: usize| -> usize {
        let v = (input[p] as u32) << 16 | (input[p + 1] as u32) << 8 | input[p + 2] as u32;
        (v.wrapping_mul(2_654_435_761) >> (32 - HLOG)) as usize
    };
    let mut lit_start = 0usize; // start of the pending literal run
    let mut ip = 0usize;
    let flush_literals = |out: &mut Vec<u8>, from: usize, to: usize| {
        let mut s = from;
        while s < to {
            let len = (to - s).min(MAX_LIT);
            out.push((len - 1) as u8);
            out.extend_from_slice(&input[s..s + len]);
            s += len;
        }
    };
    while ip + 2 < n {
        let h = hash(ip);
        let cand = table[h] as usize;
        table[h] = ip as u32;
        let off = ip.wrapping_sub(cand);
        if cand < ip
            && off <= MAX_OFF
            && input[cand] == input[ip]
            && input[cand + 1] == input[ip + 1]
            && input[cand + 2] == input[ip + 2]
        {
            let max_len = (n - ip).min(MAX_REF);
            let mut len = 3;
            while len < max_len && input[cand + len] == input[ip + len] {
                len += 1;
            }
            flush_literals(&mut out, lit_start, ip);
            let off = off - 1;
            let l = len - 2;
            if l < 7 {
                out.push(((l as u8) << 5) | (off >> 8) as u8);
            } else {
                out.push((7 << 5) | (off >> 8) as u8);
                out.push((l - 7) as u8);
            }
            out.push((off & 0xff) as u8);
            if out.len() >= max_out {
                return None;
            }
            ip += len;
            lit_start = ip;
            continue;
        }
        ip += 1;
        if out.len() + (ip - lit_start) >= max_out {
            return None;
        }
    }
    flush_literals(&mut out, lit_start, n);
    (out.len() < max_out).then_some(out)
}

/// Decompresses `input` into exactly `out_len` bytes; None on malformed
/// data or a length mismatch.
pub fn decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let len = ctrl + 1;
            let lit = input.get(ip..ip + len)?;
            if out.len() + len > out_len {
                return None;
            }
            out.extend_from_slice(lit);
            ip += len;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip)? as usize;
                ip += 1;
            }
            len += 2;
            let back = ((ctrl & 0x1f) << 8) + *input.get(ip)? as usize + 1;
            ip += 1;
            if back > out.len() || out.len() + len > out_len {
                return None;
            }
            let start = out.len() - back;
            for i in 0..len {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    (out.len() == out_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut inputs: Vec<Vec<u8>> = vec![
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".to_vec(),
            b"hello world hello world hello world, said the test".to_vec(),
            (0..100_000u32).map(|i| (i % 251) as u8).collect(),
            (0..5000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
                .collect(),
        ];
        inputs.push(inputs[1].repeat(300));
        for inp in &inputs {
            if let Some(c) = compress(inp, inp.len()) {
                assert!(c.len() < inp.len());
                assert_eq!(decompress(&c, inp.len()).as_deref(), Some(&inp[..]));
            }
        }
        assert!(compress(&inputs[0], inputs[0].len()).is_some());
    }

    #[test]
    fn malformed_input_is_refused() {
        assert!(decompress(&[0x20, 0x00], 10).is_none()); // reference before start
        assert!(decompress(&[5, b'a'], 6).is_none()); // literal runs past the end
        assert!(decompress(&[0, b'a'], 2).is_none()); // too short
    }
}
