//! The compact containers Redis stores inside RDB strings: listpack (and
//! the older ziplist and zipmap) and intset. Readers check every length
//! against the blob, so a corrupt payload is an error, never a panic.

use crate::RdbError;

/// One element of a listpack or ziplist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl Elem<'_> {
    /// The element as Redis would print it.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Elem::Bytes(b) => b.to_vec(),
            Elem::Int(i) => i.to_string().into_bytes(),
        }
    }
}

fn corrupt(what: &'static str) -> RdbError {
    RdbError::Corrupt(what)
}

fn take<'a>(b: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8], RdbError> {
    let end = pos.checked_add(n).ok_or(corrupt("length overflow"))?;
    let s = b.get(*pos..end).ok_or(corrupt("truncated container"))?;
    *pos = end;
    Ok(s)
}

fn sign_extend(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// Parses a listpack into its elements.
pub fn listpack_elems(b: &[u8]) -> Result<Vec<Elem<'_>>, RdbError> {
    if b.len() < 7 {
        return Err(corrupt("listpack too short"));
    }
    let total = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    if total != b.len() {
        return Err(corrupt("listpack length mismatch"));
    }
    let count = u16::from_le_bytes([b[4], b[5]]);
    let mut pos = 6;
    let mut out = Vec::new();
    loop {
        let &first = b.get(pos).ok_or(corrupt("listpack without end"))?;
        if first == 0xff {
            if pos + 1 != b.len() {
                return Err(corrupt("listpack end before its length"));
            }
            break;
        }
        let start = pos;
        let elem = if first & 0x80 == 0 {
            pos += 1;
            Elem::Int((first & 0x7f) as i64)
        } else if first & 0xc0 == 0x80 {
            pos += 1;
            Elem::Bytes(take(b, &mut pos, (first & 0x3f) as usize)?)
        } else if first & 0xe0 == 0xc0 {
            let s = take(b, &mut pos, 2)?;
            let v = (((s[0] & 0x1f) as u64) << 8) | s[1] as u64;
            Elem::Int(sign_extend(v, 13))
        } else if first & 0xf0 == 0xe0 {
            let s = take(b, &mut pos, 2)?;
            let len = (((s[0] & 0x0f) as usize) << 8) | s[1] as usize;
            Elem::Bytes(take(b, &mut pos, len)?)
        } else {
            pos += 1;
            match first {
                0xf0 => {
                    let s = take(b, &mut pos, 4)?;
                    let len = u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize;
                    Elem::Bytes(take(b, &mut pos, len)?)
                }
                0xf1 => {
                    let s = take(b, &mut pos, 2)?;
                    Elem::Int(i16::from_le_bytes([s[0], s[1]]) as i64)
                }
                0xf2 => {
                    let s = take(b, &mut pos, 3)?;
                    let v = s[0] as u64 | (s[1] as u64) << 8 | (s[2] as u64) << 16;
                    Elem::Int(sign_extend(v, 24))
                }
                0xf3 => {
                    let s = take(b, &mut pos, 4)?;
                    Elem::Int(i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64)
                }
                0xf4 => {
                    let s = take(b, &mut pos, 8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(s);
                    Elem::Int(i64::from_le_bytes(a))
                }
                _ => return Err(corrupt("listpack entry encoding")),
            }
        };
        let entry_len = pos - start;
        let backlen = backlen_size(entry_len);
        take(b, &mut pos, backlen)?;
        out.push(elem);
    }
    if count != u16::MAX && count as usize != out.len() {
        return Err(corrupt("listpack count mismatch"));
    }
    Ok(out)
}

fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

fn push_backlen(out: &mut Vec<u8>, l: usize) {
    let n = backlen_size(l);
    // Most significant group first; every byte but the first has bit 7
    // set, so the length can be read backwards from the entry's end.
    for i in (0..n).rev() {
        let group = ((l >> (7 * i)) & 0x7f) as u8;
        out.push(if i == n - 1 { group } else { group | 0x80 });
    }
}

/// Whether `b` is a canonical integer that fits an i64 (as Redis decides
/// whether a listpack element is stored as an integer).
pub fn as_int(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    let s = std::str::from_utf8(b).ok()?;
    let v: i64 = s.parse().ok()?;
    // Canonical form only: no leading zeros or '+'.
    let mut buf = itoa(v);
    if buf.as_bytes() != b {
        buf.clear();
        return None;
    }
    Some(v)
}

fn itoa(v: i64) -> String {
    v.to_string()
}

/// Builds listpacks element by element.
pub struct ListpackBuilder {
    buf: Vec<u8>,
    count: usize,
}

impl Default for ListpackBuilder {
    fn default() -> Self {
        ListpackBuilder::new()
    }
}

impl ListpackBuilder {
    pub fn new() -> ListpackBuilder {
        ListpackBuilder {
            buf: vec![0; 6],
            count: 0,
        }
    }

    pub fn push(&mut self, e: &[u8]) {
        match as_int(e) {
            Some(v) => self.push_int(v),
            None => self.push_str(e),
        }
    }

    pub fn push_int(&mut self, v: i64) {
        let start = self.buf.len();
        let b = &mut self.buf;
        if (0..=127).contains(&v) {
            b.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = (v as u64) & 0x1fff;
            b.push(0xc0 | (u >> 8) as u8);
            b.push((u & 0xff) as u8);
        } else if (i16::MIN as i64..=i16::MAX as i64).contains(&v) {
            b.push(0xf1);
            b.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-(1 << 23)..(1 << 23)).contains(&v) {
            b.push(0xf2);
            b.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
            b.push(0xf3);
            b.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            b.push(0xf4);
            b.extend_from_slice(&v.to_le_bytes());
        }
        let l = self.buf.len() - start;
        push_backlen(&mut self.buf, l);
        self.count += 1;
    }

    pub fn push_str(&mut self, s: &[u8]) {
        let start = self.buf.len();
        let b = &mut self.buf;
        let n = s.len();
        if n < 64 {
            b.push(0x80 | n as u8);
        } else if n < 4096 {
            b.push(0xe0 | (n >> 8) as u8);
            b.push((n & 0xff) as u8);
        } else {
            b.push(0xf0);
            b.extend_from_slice(&(n as u32).to_le_bytes());
        }
        b.extend_from_slice(s);
        let l = self.buf.len() - start;
        push_backlen(&mut self.buf, l);
        self.count += 1;
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(0xff);
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let count = if self.count < u16::MAX as usize {
            self.count as u16
        } else {
            u16::MAX
        };
        self.buf[4..6].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// Parses a ziplist (RDB files before 7.0) into its elements.
pub fn ziplist_elems(b: &[u8]) -> Result<Vec<Elem<'_>>, RdbError> {
    if b.len() < 11 {
        return Err(corrupt("ziplist too short"));
    }
    let total = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    if total != b.len() {
        return Err(corrupt("ziplist length mismatch"));
    }
    let count = u16::from_le_bytes([b[8], b[9]]);
    let mut pos = 10;
    let mut out = Vec::new();
    loop {
        let &first = b.get(pos).ok_or(corrupt("ziplist without end"))?;
        if first == 0xff {
            break;
        }
        // Previous entry length: 1 byte, or 0xfe and 4 more.
        if first == 0xfe {
            take(b, &mut pos, 5)?;
        } else {
            pos += 1;
        }
        let enc = *b.get(pos).ok_or(corrupt("truncated ziplist"))?;
        let elem = match enc >> 6 {
            0 => {
                pos += 1;
                Elem::Bytes(take(b, &mut pos, (enc & 0x3f) as usize)?)
            }
            1 => {
                let s = take(b, &mut pos, 2)?;
                let len = (((s[0] & 0x3f) as usize) << 8) | s[1] as usize;
                Elem::Bytes(take(b, &mut pos, len)?)
            }
            2 => {
                let s = take(b, &mut pos, 5)?;
                let len = u32::from_be_bytes([s[1], s[2], s[3], s[4]]) as usize;
                Elem::Bytes(take(b, &mut pos, len)?)
            }
            _ => {
                pos += 1;
                match enc {
                    0xc0 => {
                        let s = take(b, &mut pos, 2)?;
                        Elem::Int(i16::from_le_bytes([s[0], s[1]]) as i64)
                    }
                    0xd0 => {
                        let s = take(b, &mut pos, 4)?;
                        Elem::Int(i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64)
                    }
                    0xe0 => {
                        let s = take(b, &mut pos, 8)?;
                        let mut a = [0u8; 8];
                        a.copy_from_slice(s);
                        Elem::Int(i64::from_le_bytes(a))
                    }
                    0xf0 => {
                        let s = take(b, &mut pos, 3)?;
                        let v = s[0] as u64 | (s[1] as u64) << 8 | (s[2] as u64) << 16;
                        Elem::Int(sign_extend(v, 24))
                    }
                    0xfe => {
                        let s = take(b, &mut pos, 1)?;
                        Elem::Int(s[0] as i8 as i64)
                    }
                    0xf1..=0xfd => Elem::Int((enc & 0x0f) as i64 - 1),
                    _ => return Err(corrupt("ziplist entry encoding")),
                }
            }
        };
        out.push(elem);
    }
    if pos + 1 != b.len() {
        return Err(corrupt("ziplist end before its length"));
    }
    if count != u16::MAX && count as usize != out.len() {
        return Err(corrupt("ziplist count mismatch"));
    }
    Ok(out)
}

/// Parses a zipmap (hashes in very old RDB files) into field/value pairs.
/// Field/value pairs borrowed from a container.
pub type Pairs<'a> = Vec<(&'a [u8], &'a [u8])>;

pub fn zipmap_pairs(b: &[u8]) -> Result<Pairs<'_>, RdbError> {
    let mut pos = 1; // the count byte is only a hint
    let mut out = Vec::new();
    let read_len = |pos: &mut usize| -> Result<Option<usize>, RdbError> {
        let &f = b.get(*pos).ok_or(corrupt("truncated zipmap"))?;
        *pos += 1;
        match f {
            0xff => Ok(None),
            0xfe => {
                let s = take(b, pos, 4)?;
                Ok(Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize))
            }
            n => Ok(Some(n as usize)),
        }
    };
    while let Some(klen) = read_len(&mut pos)? {
        let k = take(b, &mut pos, klen)?;
        let vlen = read_len(&mut pos)?.ok_or(corrupt("zipmap field without value"))?;
        let free = *b.get(pos).ok_or(corrupt("truncated zipmap"))? as usize;
        pos += 1;
        let v = take(b, &mut pos, vlen)?;
        take(b, &mut pos, free)?;
        out.push((k, v));
    }
    Ok(out)
}

/// Parses an intset (set-of-integers blob).
pub fn intset_values(b: &[u8]) -> Result<Vec<i64>, RdbError> {
    if b.len() < 8 {
        return Err(corrupt("intset too short"));
    }
    let width = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let len = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if !matches!(width, 2 | 4 | 8) || len.checked_mul(width) != Some(b.len() - 8) {
        return Err(corrupt("intset header"));
    }
    let mut out = Vec::with_capacity(len);
    for c in b[8..].chunks_exact(width) {
        out.push(match width {
            2 => i16::from_le_bytes([c[0], c[1]]) as i64,
            4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
            _ => i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        });
    }
    if out.windows(2).any(|w| w[0] >= w[1]) {
        return Err(corrupt("intset not sorted"));
    }
    Ok(out)
}

/// Builds an intset from sorted, distinct values.
pub fn intset_build(values: &[i64]) -> Vec<u8> {
    let width: usize = if values.iter().all(|&v| i16::try_from(v).is_ok()) {
        2
    } else if values.iter().all(|&v| i32::try_from(v).is_ok()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(8 + values.len() * width);
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for &v in values {
        match width {
            2 => out.extend_from_slice(&(v as i16).to_le_bytes()),
            4 => out.extend_from_slice(&(v as i32).to_le_bytes()),
            _ => out.extend_from_slice(&v.to_le_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listpack_round_trip_every_encoding() {
        let ints = [
            0i64,
            127,
            128,
            -1,
            -4096,
            4095,
            4096,
            -4097,
            32767,
            -32768,
            32768,
            8388607,
            -8388608,
            8388608,
            i32::MAX as i64,
            i32::MIN as i64,
            i64::MAX,
            i64::MIN,
        ];
        let strs: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            vec![b'x'; 63],
            vec![b'y'; 64],
            vec![b'z'; 4095],
            vec![b'w'; 4096],
            vec![b'v'; 70000],
            b"007".to_vec(),
            b"-0".to_vec(),
        ];
        let mut lp = ListpackBuilder::new();
        for &i in &ints {
            lp.push(i.to_string().as_bytes());
        }
        for s in &strs {
            lp.push(s);
        }
        let blob = lp.finish();
        let elems = listpack_elems(&blob).unwrap();
        assert_eq!(elems.len(), ints.len() + strs.len());
        for (e, &i) in elems.iter().zip(&ints) {
            assert_eq!(*e, Elem::Int(i));
        }
        for (e, s) in elems[ints.len()..].iter().zip(&strs) {
            assert_eq!(e.to_vec(), *s);
        }
    }

    #[test]
    fn corrupt_listpacks_are_errors() {
        let mut lp = ListpackBuilder::new();
        lp.push(b"hello");
        lp.push(b"12");
        let blob = lp.finish();
        for cut in 0..blob.len() {
            assert!(listpack_elems(&blob[..cut]).is_err());
        }
        let mut bad = blob.clone();
        bad[6] = 0xf5;
        assert!(listpack_elems(&bad).is_err());
    }

    #[test]
    fn intset_round_trip() {
        for vals in [
            vec![1i64, 2, 3],
            vec![-70000, 5],
            vec![i64::MIN, 0, i64::MAX],
        ] {
            assert_eq!(intset_values(&intset_build(&vals)).unwrap(), vals);
        }
        assert!(intset_values(&[2, 0, 0, 0, 2, 0, 0, 0, 5, 0]).is_err());
    }
}
