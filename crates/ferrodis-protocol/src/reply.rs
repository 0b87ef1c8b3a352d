//! Reply encoding in RESP2 or RESP3 into one growing buffer.
//!
//! Deferred aggregate lengths: [`ReplyBuf::deferred`] records the current
//! offset; `set_deferred_*` later inserts the header there, moving what
//! follows (one memmove of the bytes written since). Any number of deferred
//! lengths may be pending, nested or not, and they may be set in any order:
//! the buffer tracks pending offsets and shifts those that lie after an
//! inserted header. A `DeferredLen` made stale by `clear`, `truncate` below
//! its offset or `take_bytes` is ignored when set.

use bytes::{Bytes, BytesMut};

use crate::error::ProtocolError;
use crate::num::{fmt_double, fmt_i64, fmt_u64, DOUBLE_BUF_LEN, INT_BUF_LEN};

/// Capacity kept (or re-reserved) after [`ReplyBuf::take_bytes`].
const KEEP_CAPACITY: usize = 16 * 1024;

/// A placeholder for an aggregate header whose length is not known yet.
/// Deliberately neither `Clone` nor `Copy`: each is set once.
#[derive(Debug)]
#[must_use = "a deferred length must be set, or the reply is malformed"]
pub struct DeferredLen {
    slot: usize,
    generation: u64,
}

/// Reply buffer for one connection.
///
/// Invariant: `pending[i]`, when `Some`, is the offset in `buf` where the
/// header of the i-th still-unset deferred length goes; slots are only
/// appended (so a higher index was created later) and the vector is emptied
/// when no slot is live, bumping `generation` so old handles are ignored.
#[derive(Debug)]
pub struct ReplyBuf {
    buf: BytesMut,
    resp: u8,
    pending: Vec<Option<usize>>,
    live: usize,
    generation: u64,
}

impl Default for ReplyBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplyBuf {
    /// An empty buffer speaking RESP2.
    pub fn new() -> Self {
        ReplyBuf {
            buf: BytesMut::new(),
            resp: 2,
            pending: Vec::new(),
            live: 0,
            generation: 0,
        }
    }

    /// Selects the protocol version (2 or 3; anything but 3 means RESP2).
    pub fn set_resp(&mut self, v: u8) {
        self.resp = v;
    }

    pub fn resp(&self) -> u8 {
        self.resp
    }

    fn resp3(&self) -> bool {
        self.resp == 3
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.buf
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.forget_deferred();
    }

    /// Drops everything after `len` (e.g. to undo a partly written reply).
    /// Deferred lengths recorded beyond `len` become stale.
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
        for slot in self.pending.iter_mut() {
            if matches!(slot, Some(off) if *off > len) {
                *slot = None;
                self.live -= 1;
            }
        }
        if self.live == 0 {
            self.forget_deferred();
        }
    }

    /// Hands the contents off and leaves the buffer empty. The remaining
    /// capacity of the allocation stays with the buffer, and is reclaimed
    /// when the returned `Bytes` is dropped before the next growth.
    pub fn take_bytes(&mut self) -> Bytes {
        self.forget_deferred();
        let out = self.buf.split().freeze();
        if self.buf.capacity() < 1024 {
            self.buf.reserve(KEEP_CAPACITY);
        }
        out
    }

    fn forget_deferred(&mut self) {
        if !self.pending.is_empty() || self.live != 0 {
            self.pending.clear();
            self.live = 0;
            self.generation += 1;
        }
    }

    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Appends bytes that are already complete RESP frames (pub/sub
    /// messages another connection encoded for this client).
    pub fn raw(&mut self, frames: &[u8]) {
        self.put(frames);
    }

    /// Inserts complete RESP frames at byte offset `at` (clamped to the
    /// end), moving what follows; pending deferred lengths after `at` move
    /// with it.
    pub fn insert_raw(&mut self, at: usize, frames: &[u8]) {
        let old_len = self.buf.len();
        let at = at.min(old_len);
        if at == old_len {
            self.put(frames);
            return;
        }
        self.buf.resize(old_len + frames.len(), 0);
        self.buf.copy_within(at..old_len, at + frames.len());
        self.buf[at..at + frames.len()].copy_from_slice(frames);
        for o in self.pending.iter_mut().flatten() {
            if *o >= at {
                *o += frames.len();
            }
        }
    }

    #[inline]
    fn header_u64(&mut self, prefix: u8, n: u64) {
        let mut tmp = [0u8; INT_BUF_LEN + 3];
        let mut digits = [0u8; INT_BUF_LEN];
        let d = fmt_u64(n, &mut digits);
        tmp[0] = prefix;
        tmp[1..1 + d.len()].copy_from_slice(d);
        tmp[1 + d.len()..3 + d.len()].copy_from_slice(b"\r\n");
        self.put(&tmp[..3 + d.len()]);
    }

    /// `+s\r\n`.
    pub fn simple(&mut self, s: &[u8]) {
        self.buf.reserve(s.len() + 3);
        self.put(b"+");
        self.put(s);
        self.put(b"\r\n");
    }

    /// `+OK\r\n`.
    pub fn ok(&mut self) {
        self.put(b"+OK\r\n");
    }

    /// An error reply: `msg` is the full line without the leading `-`
    /// (e.g. `"ERR foo"`, `"WRONGTYPE ..."`); a leading `-` in `msg` is
    /// not doubled. `\r` and `\n` inside are replaced by spaces, as Redis does.
    pub fn error(&mut self, msg: &str) {
        self.error_bytes(msg.as_bytes());
    }

    /// [`ReplyBuf::error`] for a message that need not be UTF-8.
    pub fn error_bytes(&mut self, msg: &[u8]) {
        let msg = msg.strip_prefix(b"-").unwrap_or(msg);
        self.buf.reserve(msg.len() + 3);
        self.put(b"-");
        let start = self.buf.len();
        self.put(msg);
        for b in &mut self.buf[start..] {
            if *b == b'\r' || *b == b'\n' {
                *b = b' ';
            }
        }
        self.put(b"\r\n");
    }

    /// `-ERR <protocol error>\r\n`, with Redis's exact bytes.
    pub fn protocol_error(&mut self, e: &ProtocolError) {
        let mut line = b"ERR ".to_vec();
        line.extend_from_slice(&e.message_bytes());
        self.error_bytes(&line);
    }

    /// `:v\r\n`.
    pub fn integer(&mut self, v: i64) {
        let mut tmp = [0u8; INT_BUF_LEN];
        let d = fmt_i64(v, &mut tmp);
        self.buf.reserve(d.len() + 3);
        self.put(b":");
        self.put(d);
        self.put(b"\r\n");
    }

    /// `$len\r\n<b>\r\n`.
    pub fn bulk(&mut self, b: &[u8]) {
        self.buf.reserve(b.len() + 25);
        self.header_u64(b'$', b.len() as u64);
        self.put(b);
        self.put(b"\r\n");
    }

    /// A bulk string holding the decimal form of `v`.
    pub fn bulk_int(&mut self, v: i64) {
        let mut tmp = [0u8; INT_BUF_LEN];
        let d = fmt_i64(v, &mut tmp);
        self.bulk(d);
    }

    /// RESP2 `$-1\r\n`; RESP3 `_\r\n`.
    pub fn null(&mut self) {
        if self.resp3() {
            self.put(b"_\r\n");
        } else {
            self.put(b"$-1\r\n");
        }
    }

    /// RESP2 `*-1\r\n`; RESP3 `_\r\n`.
    pub fn null_array(&mut self) {
        if self.resp3() {
            self.put(b"_\r\n");
        } else {
            self.put(b"*-1\r\n");
        }
    }

    /// `*len\r\n`.
    pub fn array(&mut self, len: usize) {
        self.header_u64(b'*', len as u64);
    }

    /// RESP3 `%pairs\r\n`; RESP2 `*<2*pairs>\r\n`.
    pub fn map(&mut self, pairs: usize) {
        if self.resp3() {
            self.header_u64(b'%', pairs as u64);
        } else {
            self.header_u64(b'*', 2 * pairs as u64);
        }
    }

    /// RESP3 `~len\r\n`; RESP2 `*len\r\n`.
    pub fn set(&mut self, len: usize) {
        let prefix = if self.resp3() { b'~' } else { b'*' };
        self.header_u64(prefix, len as u64);
    }

    /// RESP3 `>len\r\n`; RESP2 `*len\r\n`.
    pub fn push(&mut self, len: usize) {
        let prefix = if self.resp3() { b'>' } else { b'*' };
        self.header_u64(prefix, len as u64);
    }

    /// RESP3 `,<%.17g>\r\n`; RESP2 a bulk string of the same text
    /// (`inf`, `-inf`, `nan` as Redis 7.0 prints them).
    pub fn double(&mut self, v: f64) {
        let mut tmp = [0u8; DOUBLE_BUF_LEN];
        self.double_text(fmt_double(v, &mut tmp));
    }

    /// A double already formatted (e.g. Redis's human long-double form):
    /// RESP3 `,text\r\n`; RESP2 a bulk string.
    pub fn double_text(&mut self, d: &[u8]) {
        if self.resp3() {
            self.buf.reserve(d.len() + 3);
            self.put(b",");
            self.put(d);
            self.put(b"\r\n");
        } else {
            self.bulk(d);
        }
    }

    /// RESP3 `#t`/`#f`; RESP2 `:1`/`:0`.
    pub fn boolean(&mut self, v: bool) {
        let s: &[u8] = match (self.resp3(), v) {
            (true, true) => b"#t\r\n",
            (true, false) => b"#f\r\n",
            (false, true) => b":1\r\n",
            (false, false) => b":0\r\n",
        };
        self.put(s);
    }

    /// RESP3 `=<len>\r\n<fmt>:<text>\r\n` (`fmt` is three bytes such as
    /// `txt`; a shorter one is padded with spaces, a longer one cut);
    /// RESP2 a plain bulk string of `text`.
    pub fn verbatim(&mut self, fmt: &str, text: &[u8]) {
        if !self.resp3() {
            self.bulk(text);
            return;
        }
        let mut ext = [b' '; 3];
        for (d, s) in ext.iter_mut().zip(fmt.bytes()) {
            *d = s;
        }
        self.buf.reserve(text.len() + 30);
        self.header_u64(b'=', text.len() as u64 + 4);
        self.put(&ext);
        self.put(b":");
        self.put(text);
        self.put(b"\r\n");
    }

    /// Reserves the place of an aggregate header to be set later.
    pub fn deferred(&mut self) -> DeferredLen {
        self.pending.push(Some(self.buf.len()));
        self.live += 1;
        DeferredLen {
            slot: self.pending.len() - 1,
            generation: self.generation,
        }
    }

    /// Inserts `header` at the place `d` recorded.
    fn set_deferred(&mut self, d: DeferredLen, prefix: u8, n: u64) {
        if d.generation != self.generation {
            return;
        }
        let Some(off) = self.pending.get_mut(d.slot).and_then(Option::take) else {
            return;
        };
        self.live -= 1;
        let mut hdr = [0u8; INT_BUF_LEN + 3];
        let mut digits = [0u8; INT_BUF_LEN];
        let ds = fmt_u64(n, &mut digits);
        hdr[0] = prefix;
        hdr[1..1 + ds.len()].copy_from_slice(ds);
        hdr[1 + ds.len()..3 + ds.len()].copy_from_slice(b"\r\n");
        let hdr = &hdr[..3 + ds.len()];
        let old_len = self.buf.len();
        let off = off.min(old_len);
        if off == old_len {
            self.put(hdr);
        } else {
            self.buf.resize(old_len + hdr.len(), 0);
            self.buf.copy_within(off..old_len, off + hdr.len());
            self.buf[off..off + hdr.len()].copy_from_slice(hdr);
        }
        // Later content moved: shift pending offsets after this one. At the
        // same offset, a deferred created later belongs after this header
        // (it is nested inside, or follows an empty aggregate).
        for (i, slot) in self.pending.iter_mut().enumerate() {
            if let Some(o) = slot {
                if *o > off || (*o == off && i > d.slot) {
                    *o += hdr.len();
                }
            }
        }
        if self.live == 0 {
            self.forget_deferred();
        }
    }

    /// Sets a deferred array length: `*len`.
    pub fn set_deferred_array(&mut self, d: DeferredLen, len: usize) {
        self.set_deferred(d, b'*', len as u64);
    }

    /// Sets a deferred map length: RESP3 `%pairs`, RESP2 `*<2*pairs>`.
    pub fn set_deferred_map(&mut self, d: DeferredLen, pairs: usize) {
        if self.resp3() {
            self.set_deferred(d, b'%', pairs as u64);
        } else {
            self.set_deferred(d, b'*', 2 * pairs as u64);
        }
    }

    /// Sets a deferred set length: RESP3 `~len`, RESP2 `*len`.
    pub fn set_deferred_set(&mut self, d: DeferredLen, len: usize) {
        let prefix = if self.resp3() { b'~' } else { b'*' };
        self.set_deferred(d, prefix, len as u64);
    }
}

#[cfg(test)]
mod tests;
