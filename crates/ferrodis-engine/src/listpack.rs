//! `Pack`: a compact sequence of byte strings in one exact-size allocation,
//! the counterpart of Redis's listpack. Small hashes (field, value, field,
//! value, ...) and small sets of strings live in one.
//!
//! Layout: empty, or `[count: u32 LE][entry]*` where an entry is its length
//! as a LEB128 varint followed by its bytes. Lookups walk the entries, which
//! is what Redis does too: the encoding is only used while the collection
//! is small (the thresholds are the caller's).
//!
//! Invariants: `count` equals the number of entries; an empty pack holds no
//! allocation; the buffer is always exactly as long as its contents (every
//! change reallocates to the exact size, trading a copy for memory, as a
//! listpack does).

const HEADER: usize = 4;

/// A compact sequence of byte strings.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pack {
    buf: Box<[u8]>,
}

fn varint_len(mut n: usize) -> usize {
    let mut l = 1;
    while n >= 0x80 {
        n >>= 7;
        l += 1;
    }
    l
}

fn put_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a varint at `pos` without trusting the bytes (invariant checks):
/// the value and the position after it, or why it cannot be read.
pub(crate) fn checked_varint(buf: &[u8], mut pos: usize) -> Result<(usize, usize), &'static str> {
    let mut n = 0usize;
    let mut shift = 0u32;
    loop {
        let &b = buf.get(pos).ok_or("length runs past the end")?;
        pos += 1;
        if shift >= usize::BITS {
            return Err("length overflows");
        }
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            return Ok((n, pos));
        }
        shift += 7;
    }
}

/// Reads a varint at `pos`; returns (value, bytes used).
fn get_varint(buf: &[u8], pos: usize) -> (usize, usize) {
    let mut v = 0usize;
    let mut shift = 0;
    let mut i = pos;
    while let Some(&b) = buf.get(i) {
        v |= ((b & 0x7f) as usize) << shift;
        i += 1;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    (v, i - pos)
}

/// Iterator over a pack's entries with their byte offsets.
pub struct Entries<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Entries<'a> {
    /// (offset of the entry, its bytes)
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let start = self.pos;
        let (len, used) = get_varint(self.buf, start);
        let data = start + used;
        let end = (data + len).min(self.buf.len());
        self.pos = end;
        Some((start, &self.buf[data..end]))
    }
}

impl Pack {
    pub fn new() -> Pack {
        Pack::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        match self.buf.get(..HEADER) {
            Some(h) => u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize,
            None => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of the allocation (for memory accounting).
    pub fn heap_size(&self) -> usize {
        self.buf.len()
    }

    /// Entries in order, with their offsets.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            buf: &self.buf,
            pos: HEADER.min(self.buf.len()),
        }
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.entries().map(|(_, b)| b)
    }

    /// Size in bytes of the entry at `off`.
    fn entry_size(&self, off: usize) -> usize {
        let (len, used) = get_varint(&self.buf, off);
        used + len
    }

    /// Rebuilds the buffer as `buf[..from] + insert + buf[to..]` with the
    /// count changed by `delta`, in one exact-size allocation.
    fn splice(&mut self, from: usize, to: usize, insert: &[u8], delta: isize) {
        let count = (self.len() as isize + delta).max(0) as usize;
        if count == 0 {
            self.buf = Box::default();
            return;
        }
        let old: &[u8] = &self.buf;
        let (head, tail): (&[u8], &[u8]) = if old.is_empty() {
            (&[], &[])
        } else {
            (&old[HEADER..from.max(HEADER)], &old[to.max(HEADER)..])
        };
        let mut v = Vec::with_capacity(HEADER + head.len() + insert.len() + tail.len());
        v.extend_from_slice(&(count as u32).to_le_bytes());
        v.extend_from_slice(head);
        v.extend_from_slice(insert);
        v.extend_from_slice(tail);
        self.buf = v.into_boxed_slice();
    }

    fn encode(items: &[&[u8]]) -> Vec<u8> {
        let n: usize = items.iter().map(|b| varint_len(b.len()) + b.len()).sum();
        let mut v = Vec::with_capacity(n);
        for b in items {
            put_varint(&mut v, b.len());
            v.extend_from_slice(b);
        }
        v
    }

    /// Appends entries at the end.
    pub fn push(&mut self, items: &[&[u8]]) {
        let enc = Pack::encode(items);
        let end = self.buf.len().max(HEADER);
        self.splice(end, end, &enc, items.len() as isize);
    }

    /// Replaces the entry at `off` with `data`.
    pub fn replace(&mut self, off: usize, data: &[u8]) {
        let end = off + self.entry_size(off);
        let enc = Pack::encode(&[data]);
        self.splice(off, end, &enc, 0);
    }

    /// Removes `n` consecutive entries starting at `off`.
    pub fn remove(&mut self, off: usize, n: usize) {
        let mut end = off;
        for _ in 0..n {
            end += self.entry_size(end);
        }
        self.splice(off, end.min(self.buf.len()), &[], -(n as isize));
    }

    /// Offset of the first entry equal to `needle` among entries whose
    /// index is a multiple of `step` (1 for sets, 2 for hash fields), with
    /// that index.
    pub fn find(&self, needle: &[u8], step: usize) -> Option<(usize, usize)> {
        self.entries()
            .enumerate()
            .step_by(step.max(1))
            .find(|(_, (_, b))| *b == needle)
            .map(|(i, (off, _))| (off, i))
    }

    /// The entry at `off` and the offset of the one after it.
    pub fn at(&self, off: usize) -> Option<(&[u8], usize)> {
        let mut e = Entries {
            buf: &self.buf,
            pos: off,
        };
        let (_, b) = e.next()?;
        Some((b, e.pos))
    }
}

impl Pack {
    /// Checks the layout (see the module comment): the header counts the
    /// entries, every entry's length fits, nothing trails the last entry,
    /// and an empty pack owns no buffer.
    pub fn check_invariants(&self) -> Result<(), String> {
        let buf: &[u8] = &self.buf;
        if buf.is_empty() {
            return Ok(());
        }
        if buf.len() < HEADER {
            return Err(format!(
                "pack: {} bytes, shorter than its header",
                buf.len()
            ));
        }
        let count = self.len();
        if count == 0 {
            return Err("pack: holds a buffer but counts no entry".into());
        }
        let mut pos = HEADER;
        let mut seen = 0usize;
        while pos < buf.len() {
            let (len, after) =
                checked_varint(buf, pos).map_err(|e| format!("pack: entry {seen}'s {e}"))?;
            pos = after;
            match pos.checked_add(len) {
                Some(end) if end <= buf.len() => pos = end,
                _ => {
                    return Err(format!(
                        "pack: entry {seen} ({len} bytes) runs past the end"
                    ))
                }
            }
            seen += 1;
        }
        if seen != count {
            return Err(format!("pack: header counts {count} entries, found {seen}"));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(String::from_utf8_lossy))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_find_replace_remove() {
        let mut p = Pack::new();
        assert_eq!(p.heap_size(), 0);
        p.push(&[b"a", b"1"]);
        p.push(&[b"bb", &[b'x'; 300]]);
        assert_eq!(p.len(), 4);
        let (off, idx) = p.find(b"bb", 2).unwrap();
        assert_eq!(idx, 2);
        let (_, next) = p.at(off).unwrap();
        assert_eq!(p.at(next).unwrap().0.len(), 300);
        p.replace(next, b"short");
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            vec![&b"a"[..], b"1", b"bb", b"short"]
        );
        // "1" is a value, not a field: not found with step 2.
        assert!(p.find(b"1", 2).is_none());
        assert!(p.find(b"1", 1).is_some());
        let (off, _) = p.find(b"a", 2).unwrap();
        p.remove(off, 2);
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![&b"bb"[..], b"short"]);
        assert_eq!(p.heap_size(), 4 + 3 + 6);
        let (off, _) = p.find(b"bb", 2).unwrap();
        p.remove(off, 2);
        assert!(p.is_empty());
        assert_eq!(p.heap_size(), 0);
        p.push(&[b""]);
        assert_eq!(p.iter().next(), Some(&b""[..]));
    }
}
