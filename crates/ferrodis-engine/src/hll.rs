//! HyperLogLog in Redis's byte format, kept in a plain string value.
//!
//! The bytes are Redis 7.0's exactly, so GET, DUMP, RDB and replication
//! interoperate: a 16-byte header (`HYLL`, the encoding, three zero bytes,
//! the cached cardinality little-endian with its top bit marking it stale)
//! and then 16384 registers, either dense (6 bits each, packed from the
//! least significant bit) or sparse (run lengths: ZERO `00xxxxxx` for 1-64
//! zero registers, XZERO `01xxxxxx yyyyyyyy` for 1-16384, VAL `1vvvvvxx`
//! for 1-4 registers of value 1-32). Every update makes the same bytes as
//! Redis's, including where it splits and merges sparse runs, and when it
//! turns a sparse value dense. The estimate is Ertl's (arXiv:1702.01284),
//! as Redis computes it since 5.0.
//!
//! Strings are client data: nothing here trusts a value to be well formed.
//! A malformed sparse value is reported as corrupt, never read past.

/// Index bits: 2^14 registers.
const P: u32 = 14;
pub const REGISTERS: usize = 1 << P;
/// Hash bits left for the run of zeroes.
const Q: usize = 64 - P as usize;
const REGISTER_MAX: u8 = 63;
pub const HEADER: usize = 16;
pub const DENSE_SIZE: usize = HEADER + (REGISTERS * 6).div_ceil(8);
const ENC_DENSE: u8 = 0;
const ENC_SPARSE: u8 = 1;
const VAL_MAX_VALUE: u8 = 32;
const VAL_MAX_LEN: usize = 4;
const ZERO_MAX_LEN: usize = 64;

/// Which way the registers are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Dense,
    Sparse,
}

/// A sparse value whose runs do not add up to the register count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// An empty HyperLogLog (sparse: XZERO 16384, cached cardinality 0).
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(HEADER + 2);
    v.extend_from_slice(b"HYLL");
    v.push(ENC_SPARSE);
    v.extend_from_slice(&[0; 11]);
    push_xzero(&mut v, REGISTERS);
    v
}

/// Whether `v` is a HyperLogLog as Redis checks it: the magic, a known
/// encoding, and a dense value of exactly the dense size. (A sparse value
/// is only found corrupt when its runs are read.)
pub fn validate(v: &[u8]) -> Option<Encoding> {
    if v.len() < HEADER || &v[..4] != b"HYLL" {
        return None;
    }
    match v[4] {
        ENC_DENSE if v.len() == DENSE_SIZE => Some(Encoding::Dense),
        ENC_SPARSE => Some(Encoding::Sparse),
        _ => None,
    }
}

/// The cached cardinality, if it is current.
pub fn cached(v: &[u8]) -> Option<u64> {
    let card = u64::from_le_bytes(v[8..16].try_into().ok()?);
    (card >> 63 == 0).then_some(card)
}

pub fn set_cached(v: &mut [u8], card: u64) {
    v[8..16].copy_from_slice(&card.to_le_bytes());
}

pub fn invalidate(v: &mut [u8]) {
    v[15] |= 0x80;
}

/// MurmurHash2, 64-bit (MurmurHash64A), reading 8-byte words
/// little-endian as Redis does on every architecture.
fn murmur64a(data: &[u8], seed: u32) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = u64::from(seed) ^ (data.len() as u64).wrapping_mul(M);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element goes to, and the length of the run of zeroes
/// (plus one) in the rest of its hash: 1..=Q+1.
pub fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, 0xadc8_3b19);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    // The extra bit ends the count at Q+1 when the rest is all zeroes.
    let rest = (hash >> P) | (1 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let b0 = u16::from(regs.get(byte).copied().unwrap_or(0));
    let b1 = u16::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & u16::from(REGISTER_MAX)) as u8
}

fn dense_put(regs: &mut [u8], i: usize, val: u8) {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let v = u16::from(val);
    let max = u16::from(REGISTER_MAX);
    regs[byte] = ((u16::from(regs[byte]) & !(max << fb)) | (v << fb)) as u8;
    // The last register fits in its first byte; there is no byte after.
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 = ((u16::from(*b1) & !(max >> (8 - fb))) | (v >> (8 - fb))) as u8;
    }
}

/// Raises register `i` of a dense value to `count`; whether it changed.
fn dense_set(v: &mut [u8], i: usize, count: u8) -> bool {
    let regs = &mut v[HEADER..];
    if count > dense_get(regs, i) {
        dense_put(regs, i, count);
        true
    } else {
        false
    }
}

/// One sparse opcode.
#[derive(Clone, Copy)]
enum Op {
    Zero(usize),
    Val(u8, usize),
}

/// Reads the opcode at `p`: it, and its length in bytes. An XZERO cut
/// short reads its missing byte as 0, as Redis does (its strings end in a
/// NUL).
fn op_at(s: &[u8], p: usize) -> (Op, usize) {
    let b = s[p];
    if b & 0xc0 == 0 {
        (Op::Zero(usize::from(b & 0x3f) + 1), 1)
    } else if b & 0x80 == 0 {
        let lo = usize::from(s.get(p + 1).copied().unwrap_or(0));
        (Op::Zero(((usize::from(b & 0x3f) << 8) | lo) + 1), 2)
    } else {
        (Op::Val(((b >> 2) & 0x1f) + 1, usize::from(b & 3) + 1), 1)
    }
}

fn is_val(b: u8) -> bool {
    b & 0x80 != 0
}

fn val_byte(val: u8, len: usize) -> u8 {
    0x80 | ((val - 1) << 2) | (len as u8 - 1)
}

fn push_xzero(out: &mut Vec<u8>, len: usize) {
    let l = len - 1;
    out.push(0x40 | (l >> 8) as u8);
    out.push((l & 0xff) as u8);
}

/// A run of zero registers as one opcode (ZERO when it fits, else XZERO).
fn push_zeros(out: &mut Vec<u8>, len: usize) {
    if len > ZERO_MAX_LEN {
        push_xzero(out, len);
    } else {
        out.push((len - 1) as u8);
    }
}

/// Turns a sparse value dense, in place (the header is kept).
pub fn to_dense(v: &mut Vec<u8>) -> Result<(), Corrupt> {
    if v[4] == ENC_DENSE {
        return Ok(());
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HEADER].copy_from_slice(&v[..HEADER]);
    dense[4] = ENC_DENSE;
    val_runs(v, |first, val, len| {
        for i in first..first + len {
            dense_put(&mut dense[HEADER..], i, val);
        }
    })?;
    *v = dense;
    Ok(())
}

/// Raises register `index` to `count`, keeping the encoding while it can:
/// whether the register changed. A sparse value turns dense when `count`
/// is past what VAL holds, or when the update would take it past
/// `sparse_max` bytes.
pub fn set(v: &mut Vec<u8>, index: usize, count: u8, sparse_max: usize) -> Result<bool, Corrupt> {
    if v[4] == ENC_DENSE {
        return Ok(dense_set(v, index, count));
    }
    if count > VAL_MAX_VALUE {
        return promote(v, index, count);
    }
    // Step 1: the opcode covering the register, and the one before it.
    let end = v.len();
    let mut p = HEADER;
    let mut prev = None;
    let mut first = 0usize;
    let mut found = None;
    while p < end {
        let (op, n) = op_at(v, p);
        let span = match op {
            Op::Zero(len) | Op::Val(_, len) => len,
        };
        if index < first + span {
            found = Some((op, n, span));
            break;
        }
        prev = Some(p);
        p += n;
        first += span;
    }
    let Some((op, oplen, span)) = found else {
        return Err(Corrupt);
    };
    // Step 2: the cases needing no split.
    match op {
        Op::Val(old, len) => {
            if old >= count {
                return Ok(false);
            }
            if len == 1 {
                v[p] = val_byte(count, 1);
                merge_runs(v, prev.unwrap_or(HEADER));
                invalidate(v);
                return Ok(true);
            }
        }
        Op::Zero(1) => {
            v[p] = val_byte(count, 1);
            merge_runs(v, prev.unwrap_or(HEADER));
            invalidate(v);
            return Ok(true);
        }
        Op::Zero(_) => {}
    }
    // The general case: the run splits around the register (at most
    // XZERO VAL XZERO, five bytes).
    let last = first + span - 1;
    let mut seq = Vec::with_capacity(5);
    match op {
        Op::Zero(_) => {
            if index != first {
                push_zeros(&mut seq, index - first);
            }
            seq.push(val_byte(count, 1));
            if index != last {
                push_zeros(&mut seq, last - index);
            }
        }
        Op::Val(cur, _) => {
            if index != first {
                seq.push(val_byte(cur, index - first));
            }
            seq.push(val_byte(count, 1));
            if index != last {
                seq.push(val_byte(cur, last - index));
            }
        }
    }
    // Step 3: the new sequence replaces the opcode, unless that takes the
    // value past the sparse limit.
    if seq.len() > oplen && v.len() + seq.len() - oplen > sparse_max {
        return promote(v, index, count);
    }
    // An XZERO cut short by the end of the value counts as its two bytes,
    // as in Redis (whose strings end in a NUL): the value ends that much
    // shorter than the new sequence.
    let missing = (p + oplen).saturating_sub(end);
    v.splice(p..end.min(p + oplen), seq);
    v.truncate(v.len() - missing);
    // Step 4: adjacent VAL runs of one value merge.
    merge_runs(v, prev.unwrap_or(HEADER));
    invalidate(v);
    Ok(true)
}

fn promote(v: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    to_dense(v)?;
    // The register needed raising, or the sparse form would have held it.
    Ok(dense_set(v, index, count))
}

/// Merges adjacent VAL opcodes of the same value whose lengths fit one,
/// scanning up to five opcodes from `from` (Redis's window after an
/// update).
fn merge_runs(v: &mut Vec<u8>, from: usize) {
    let mut p = from;
    let mut budget = 5;
    while p < v.len() && budget > 0 {
        budget -= 1;
        let b = v[p];
        if !is_val(b) {
            p += if b & 0xc0 == 0x40 { 2 } else { 1 };
            continue;
        }
        if p + 1 < v.len() && is_val(v[p + 1]) {
            let (Op::Val(v1, l1), _) = op_at(v, p) else {
                unreachable!("a VAL byte reads as VAL")
            };
            let (Op::Val(v2, l2), _) = op_at(v, p + 1) else {
                unreachable!("a VAL byte reads as VAL")
            };
            if v1 == v2 && l1 + l2 <= VAL_MAX_LEN {
                v[p + 1] = val_byte(v1, l1 + l2);
                v.remove(p);
                // Try the merged run with the next one too.
                continue;
            }
        }
        p += 1;
    }
}

/// Adds an element: whether a register changed.
pub fn add(v: &mut Vec<u8>, element: &[u8], sparse_max: usize) -> Result<bool, Corrupt> {
    let (index, count) = pattern(element);
    set(v, index, count, sparse_max)
}

/// Raises each of `max`'s registers to this value's (PFCOUNT of several
/// keys, PFMERGE).
pub fn merge_into(max: &mut [u8; REGISTERS], v: &[u8]) -> Result<(), Corrupt> {
    if v[4] == ENC_DENSE {
        let regs = &v[HEADER..];
        for (i, m) in max.iter_mut().enumerate() {
            *m = (*m).max(dense_get(regs, i));
        }
        return Ok(());
    }
    val_runs(v, |first, val, len| {
        for m in &mut max[first..first + len] {
            *m = (*m).max(val);
        }
    })
}

/// Calls `f(first, value, len)` for each VAL run of a sparse value; Err
/// when the runs do not cover the registers exactly (a VAL run past the
/// last register ends the walk there, as in Redis).
fn val_runs(v: &[u8], mut f: impl FnMut(usize, u8, usize)) -> Result<(), Corrupt> {
    let sparse = &v[HEADER..];
    let (mut idx, mut p) = (0usize, 0usize);
    while p < sparse.len() {
        let (op, n) = op_at(sparse, p);
        p += n;
        match op {
            Op::Zero(len) => idx += len,
            Op::Val(val, len) => {
                if idx + len > REGISTERS {
                    break;
                }
                f(idx, val, len);
                idx += len;
            }
        }
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Every register's value (PFDEBUG GETREG reads a dense value).
pub fn dense_registers(v: &[u8]) -> impl Iterator<Item = u8> + '_ {
    (0..REGISTERS).map(move |i| dense_get(&v[HEADER..], i))
}

/// The sparse runs as PFDEBUG DECODE prints them.
pub fn decode_sparse(v: &[u8]) -> String {
    use std::fmt::Write;
    let sparse = &v[HEADER..];
    let mut out = String::new();
    let mut p = 0;
    while p < sparse.len() {
        let (op, n) = op_at(sparse, p);
        let _ = match op {
            Op::Zero(len) if n == 1 => write!(out, "z:{len} "),
            Op::Zero(len) => write!(out, "Z:{len} "),
            Op::Val(val, len) => write!(out, "v:{val},{len} "),
        };
        p += n;
    }
    out.trim_matches(' ').to_string()
}

/// The estimated cardinality of a value; Err for a sparse value whose
/// runs do not cover the registers exactly.
pub fn count(v: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u64; 64];
    if v[4] == ENC_DENSE {
        for r in dense_registers(v) {
            histo[usize::from(r)] += 1;
        }
    } else {
        let mut nonzero = 0;
        val_runs(v, |_, val, len| {
            histo[usize::from(val)] += len as u64;
            nonzero += len;
        })?;
        histo[0] = (REGISTERS - nonzero) as u64;
    }
    Ok(estimate(&histo))
}

/// The cardinality of raw registers (one byte each).
pub fn count_raw(regs: &[u8; REGISTERS]) -> u64 {
    let mut histo = [0u64; 64];
    for &r in regs.iter() {
        histo[usize::from(r & 63)] += 1;
    }
    estimate(&histo)
}

/// A value holding `regs`, in the encoding Redis's PFMERGE gives it:
/// registers raised one by one into `v` (sparse while it can stay so).
pub fn raise_all(
    v: &mut Vec<u8>,
    regs: &[u8; REGISTERS],
    sparse_max: usize,
) -> Result<(), Corrupt> {
    for (i, &r) in regs.iter().enumerate() {
        if r != 0 {
            set(v, i, r, sparse_max)?;
        }
    }
    invalidate(v);
    Ok(())
}

/// Ertl's improved raw estimator from the register histogram, computed in
/// Redis's order of operations so that the rounding is the same.
fn estimate(histo: &[u64; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - histo[Q + 1] as f64) / m);
    for &h in histo[1..=Q].iter().rev() {
        z += h as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    const ALPHA_INF: f64 = 0.721_347_520_444_481_7;
    (ALPHA_INF * m * m / z).round() as u64
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

/// PFSELFTEST: dense registers keep what is written to them without
/// touching their neighbours, and a sparse value counts as its dense form
/// does while elements are added.
pub fn selftest(seed: u64) -> Result<(), String> {
    let mut state = seed | 1;
    let mut next = move || {
        // xorshift64*: enough to vary the registers.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut dense = vec![0u8; DENSE_SIZE - HEADER];
    let mut bytes = vec![0u8; REGISTERS];
    for _ in 0..100 {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (next() & u64::from(REGISTER_MAX)) as u8;
            dense_put(&mut dense, i, *b);
        }
        for (i, &b) in bytes.iter().enumerate() {
            let got = dense_get(&dense, i);
            if got != b {
                return Err(format!(
                    "TESTFAILED Register {i} should be {b} but is {got}"
                ));
            }
        }
    }
    let mut sparse = new_sparse();
    let mut as_dense = new_sparse();
    to_dense(&mut as_dense).map_err(|_| "TESTFAILED corrupt".to_string())?;
    for j in 0..1000u64 {
        let e = (next() ^ j).to_le_bytes();
        add(&mut sparse, &e, usize::MAX).map_err(|_| "TESTFAILED corrupt".to_string())?;
        add(&mut as_dense, &e, usize::MAX).map_err(|_| "TESTFAILED corrupt".to_string())?;
        if j % 50 != 0 {
            continue;
        }
        let (a, b) = (count(&sparse), count(&as_dense));
        if a != b {
            return Err(format!(
                "TESTFAILED sparse count {a:?} differs from dense {b:?}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur_matches_the_reference_vectors() {
        // Redis's register/run for "a" (PFDEBUG GETREG after PFADD k a).
        assert_eq!(murmur64a(b"", 0), 0);
        let (i, c) = pattern(b"a");
        assert!(i < REGISTERS && (1..=51).contains(&c));
    }

    #[test]
    fn empty_value_counts_zero_and_decodes_as_one_run() {
        let v = new_sparse();
        assert_eq!(v.len(), 18);
        assert_eq!(validate(&v), Some(Encoding::Sparse));
        assert_eq!(count(&v), Ok(0));
        assert_eq!(decode_sparse(&v), "Z:16384");
    }

    #[test]
    fn sparse_and_dense_agree() {
        let mut s = new_sparse();
        let mut d = new_sparse();
        to_dense(&mut d).unwrap();
        for i in 0..5000u32 {
            let e = i.to_string();
            assert_eq!(
                add(&mut s, e.as_bytes(), 3000),
                add(&mut d, e.as_bytes(), 3000)
            );
        }
        let mut sd = s.clone();
        to_dense(&mut sd).unwrap();
        assert_eq!(sd[HEADER..], d[HEADER..]);
        let n = count(&d).unwrap();
        assert!((4800..5200).contains(&n), "{n}");
    }

    #[test]
    fn corrupt_sparse_values_are_reported_not_read_past() {
        for bytes in [&[0x40u8][..], &[0x7f, 0xff, 0x00], &[0xff; 10], &[]] {
            let mut v = new_sparse();
            v.truncate(HEADER);
            v.extend_from_slice(bytes);
            assert_eq!(count(&v), Err(Corrupt));
            let mut max = [0u8; REGISTERS];
            assert_eq!(merge_into(&mut max, &v), Err(Corrupt));
            let _ = add(&mut v.clone(), b"x", 3000);
            assert_eq!(to_dense(&mut v.clone()), Err(Corrupt));
        }
    }

    #[test]
    fn selftest_passes() {
        selftest(42).unwrap();
    }
}
