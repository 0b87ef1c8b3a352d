//! Request parsing: RESP2 multibulk (`*N\r\n$len\r\n...`) and the inline
//! protocol (`SET k v\r\n`), with Redis 7.0's limits and exact errors.
//!
//! Behaviour mirrored from Redis 7.0.15 (measured against the real server):
//! - a request whose first byte is `*` is multibulk, anything else is inline;
//! - a header line (`*N`/`$N`) ends at its first `\r`; the byte after the `\r`
//!   is skipped without being checked, and so are the two bytes after a bulk
//!   payload (`$3\r\nfooXY` is accepted);
//! - a NUL byte before the line terminator hides the terminator (Redis looks
//!   for it with a C string search), so such a line never completes and ends
//!   in a "too big" error once the limit is passed;
//! - numbers must be canonical decimal (`01`, `+1`, `-0`, ` 1` are invalid);
//! - `*0` / `*-N` and blank inline lines are empty requests, silently skipped.
//!
//! The parser keeps its position inside a partial request, so a request that
//! arrives over many reads is scanned once, not from the start on every read.
//! Between calls the caller may only append to the buffer.

use bytes::{Buf, Bytes, BytesMut};

use crate::error::ProtocolError;

/// Limits applied while parsing. `authenticated: false` enables Redis's
/// limits for clients that still have to authenticate (at most 10
/// arguments, at most 16384 bytes per argument).
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    /// `proto-max-bulk-len`: the largest `$N` accepted.
    pub max_bulk_len: u64,
    /// The longest inline request, and the longest `*N`/`$N` header line,
    /// that may be buffered without its terminator (Redis's 64 KiB).
    pub max_inline_len: usize,
    /// Whether the client has authenticated (or needs no authentication).
    pub authenticated: bool,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_bulk_len: 512 * 1024 * 1024,
            max_inline_len: 64 * 1024,
            authenticated: true,
        }
    }
}

/// Largest multibulk count an unauthenticated client may announce.
const UNAUTH_MAX_MULTIBULK: i64 = 10;
/// Largest bulk length an unauthenticated client may announce.
const UNAUTH_MAX_BULK: i64 = 16384;
/// Upper bound of [`RequestParser::pending_hint`].
const MAX_PENDING_HINT: usize = 4 * 1024 * 1024;
/// Upper bound of the argument vector reserved from an announced count.
const MAX_ARGV_PREALLOC: usize = 1024;

/// Where the parser stands inside the request at the front of the buffer.
///
/// Invariant: every offset is relative to the front of the caller's buffer,
/// which is not consumed until the request is complete (empty requests and
/// complete requests are consumed whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a request; `scan` is how far the current line
    /// (inline request or `*N` header) has already been searched.
    Start { scan: usize },
    /// Inside a multibulk request: `remaining` elements are still to come,
    /// the next one starts at `pos`. `bulk` is the announced length once the
    /// `$N` line of that element has been read (its payload starts at `pos`);
    /// while it is `None`, `scan` is how far that `$N` line has been searched.
    Multibulk {
        remaining: u64,
        pos: usize,
        bulk: Option<usize>,
        scan: usize,
    },
}

/// Incremental request parser for one connection.
#[derive(Debug)]
pub struct RequestParser {
    state: State,
    /// Argument ranges of the multibulk request in progress.
    ranges: Vec<(usize, usize)>,
    last_inline: bool,
    hint: usize,
}

impl Default for RequestParser {
    fn default() -> Self {
        Self::new()
    }
}

/// Outcome of looking for a header line terminator.
enum Line {
    /// The `\r` is at this offset, and at least one byte follows it.
    Found(usize),
    /// Not there yet; keep waiting.
    Pending,
    /// Not there and the limit is passed.
    TooBig,
}

/// Looks for the `\r` ending a header line that starts at `start`,
/// resuming the search at `*scan`.
fn find_header_end(buf: &[u8], start: usize, scan: &mut usize, limit: usize) -> Line {
    let from = (*scan).max(start);
    let hit = buf
        .get(from..)
        .and_then(|tail| tail.iter().position(|&b| b == b'\r' || b == 0))
        .map(|i| from + i);
    match hit {
        Some(i) if buf[i] == b'\r' => {
            *scan = i;
            if i + 1 < buf.len() {
                Line::Found(i)
            } else {
                // Redis also wants the byte after `\r` before going on.
                Line::Pending
            }
        }
        other => {
            // Nothing, or a NUL that hides whatever comes after it.
            *scan = other.unwrap_or(buf.len());
            if buf.len() - start > limit {
                Line::TooBig
            } else {
                Line::Pending
            }
        }
    }
}

/// Strict decimal parsing, as Redis's `string2ll`: an optional `-`, no
/// leading zeros (except `0` itself), no `+`, no spaces, no overflow.
fn parse_ll(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [] => return None,
        [b'0'] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else {
        i64::try_from(v).ok()
    }
}

impl RequestParser {
    pub fn new() -> Self {
        RequestParser {
            state: State::Start { scan: 0 },
            ranges: Vec::new(),
            last_inline: false,
            hint: 0,
        }
    }

    /// Forgets any partial request (for a caller that discards its buffer).
    pub fn reset(&mut self) {
        self.state = State::Start { scan: 0 };
        self.ranges.clear();
        self.hint = 0;
    }

    /// True if the last request returned was an inline one.
    pub fn last_was_inline(&self) -> bool {
        self.last_inline
    }

    /// Bytes still needed to complete the bulk argument being received, when
    /// that is known (0 otherwise); capped at a few MiB so that a client
    /// announcing a huge argument cannot make the reader reserve it at once.
    pub fn pending_hint(&self) -> usize {
        self.hint
    }

    /// Parses the next complete request at the front of `buf`, consuming its
    /// bytes. `Ok(true)`: `argv` (cleared first) holds the arguments, as
    /// slices of the consumed bytes. `Ok(false)`: more bytes are needed.
    /// Empty requests are consumed silently. After an error the connection
    /// is to be closed; the parser state is then unspecified.
    pub fn parse(
        &mut self,
        buf: &mut BytesMut,
        limits: &ParseLimits,
        argv: &mut Vec<Bytes>,
    ) -> Result<bool, ProtocolError> {
        argv.clear();
        self.hint = 0;
        loop {
            match self.state {
                State::Start { scan } => {
                    let Some(&first) = buf.first() else {
                        return Ok(false);
                    };
                    if first == b'*' {
                        if !self.parse_count(buf, limits, scan)? {
                            return Ok(false);
                        }
                        // A count was read; either an empty request was
                        // skipped (state is Start) or elements follow.
                    } else {
                        match self.parse_inline(buf, limits, scan, argv)? {
                            Some(true) => return Ok(true),
                            Some(false) => {} // blank line skipped
                            None => return Ok(false),
                        }
                    }
                }
                State::Multibulk { .. } => return self.parse_elements(buf, limits, argv),
            }
        }
    }

    /// Reads the `*N` line. Returns false when it is not complete yet.
    fn parse_count(
        &mut self,
        buf: &mut BytesMut,
        limits: &ParseLimits,
        mut scan: usize,
    ) -> Result<bool, ProtocolError> {
        let cr = match find_header_end(buf, 0, &mut scan, limits.max_inline_len) {
            Line::Found(cr) => cr,
            Line::Pending => {
                self.state = State::Start { scan };
                return Ok(false);
            }
            Line::TooBig => return Err(ProtocolError::TooBigMbulkCountString),
        };
        let count = match parse_ll(&buf[1..cr]) {
            Some(n) if n <= i64::from(i32::MAX) => n,
            _ => return Err(ProtocolError::InvalidMultibulkLength),
        };
        if count > UNAUTH_MAX_MULTIBULK && !limits.authenticated {
            return Err(ProtocolError::UnauthenticatedMultibulkLength);
        }
        if count <= 0 {
            buf.advance(cr + 2);
            self.state = State::Start { scan: 0 };
            return Ok(true);
        }
        self.ranges.clear();
        self.ranges.reserve((count as usize).min(MAX_ARGV_PREALLOC));
        self.state = State::Multibulk {
            remaining: count as u64,
            pos: cr + 2,
            bulk: None,
            scan: cr + 2,
        };
        Ok(true)
    }

    /// Reads the elements of the multibulk request in progress.
    fn parse_elements(
        &mut self,
        buf: &mut BytesMut,
        limits: &ParseLimits,
        argv: &mut Vec<Bytes>,
    ) -> Result<bool, ProtocolError> {
        let State::Multibulk {
            mut remaining,
            mut pos,
            mut bulk,
            mut scan,
        } = self.state
        else {
            return Ok(false);
        };
        while remaining > 0 {
            let len = match bulk {
                Some(len) => len,
                None => {
                    let cr = match find_header_end(buf, pos, &mut scan, limits.max_inline_len) {
                        Line::Found(cr) => cr,
                        Line::Pending => break,
                        Line::TooBig => return Err(ProtocolError::TooBigBulkCountString),
                    };
                    if buf[pos] != b'$' {
                        return Err(ProtocolError::ExpectedDollar(buf[pos]));
                    }
                    let n = match parse_ll(&buf[pos + 1..cr]) {
                        Some(n) if n >= 0 && n as u64 <= limits.max_bulk_len => n,
                        _ => return Err(ProtocolError::InvalidBulkLength),
                    };
                    if n > UNAUTH_MAX_BULK && !limits.authenticated {
                        return Err(ProtocolError::UnauthenticatedBulkLength);
                    }
                    let n = usize::try_from(n).map_err(|_| ProtocolError::InvalidBulkLength)?;
                    pos = cr + 2;
                    bulk = Some(n);
                    n
                }
            };
            let end = pos.saturating_add(len).saturating_add(2);
            if buf.len() < end {
                self.hint = (end - buf.len()).min(MAX_PENDING_HINT);
                break;
            }
            self.ranges.push((pos, pos + len));
            pos = end;
            scan = end;
            bulk = None;
            remaining -= 1;
        }
        if remaining > 0 {
            self.state = State::Multibulk {
                remaining,
                pos,
                bulk,
                scan,
            };
            return Ok(false);
        }
        let mut frame = buf.split_to(pos).freeze();
        // The last argument is the frame itself, cut down: one reference
        // count increment and decrement fewer per request than a slice.
        if let Some((&(s, e), rest)) = self.ranges.split_last() {
            argv.extend(rest.iter().map(|&(s, e)| frame.slice(s..e)));
            frame.truncate(e);
            frame.advance(s);
            argv.push(frame);
        }
        self.ranges.clear();
        self.state = State::Start { scan: 0 };
        self.last_inline = false;
        Ok(true)
    }

    /// Reads an inline request line. `Some(true)`: a request is in `argv`;
    /// `Some(false)`: a blank line was skipped; `None`: incomplete.
    fn parse_inline(
        &mut self,
        buf: &mut BytesMut,
        limits: &ParseLimits,
        scan: usize,
        argv: &mut Vec<Bytes>,
    ) -> Result<Option<bool>, ProtocolError> {
        let hit = buf
            .get(scan..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n' || b == 0))
            .map(|i| scan + i);
        let nl = match hit {
            Some(i) if buf[i] == b'\n' => i,
            other => {
                self.state = State::Start {
                    scan: other.unwrap_or(buf.len()),
                };
                if buf.len() > limits.max_inline_len {
                    return Err(ProtocolError::TooBigInlineRequest);
                }
                return Ok(None);
            }
        };
        self.state = State::Start { scan: 0 };
        let line_len = if nl > 0 && buf[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        if buf[..line_len].iter().all(|&b| is_c_space(b)) {
            buf.advance(nl + 1);
            return Ok(Some(false));
        }
        let frame = buf.split_to(nl + 1).freeze();
        split_inline(&frame, line_len, argv)?;
        self.last_inline = true;
        Ok(Some(true))
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits an inline line the way Redis splits arguments: whitespace
/// separated words; `"..."` with `\n \r \t \b \a \xHH` and `\<any>` escapes;
/// `'...'` with only `\'`; a quote opened inside a word continues the word;
/// a closing quote must be followed by whitespace or the end of the line.
/// Plain words are zero-copy slices of `frame`.
fn split_inline(
    frame: &Bytes,
    line_len: usize,
    argv: &mut Vec<Bytes>,
) -> Result<(), ProtocolError> {
    let s = &frame[..line_len];
    let n = s.len();
    // Reads like a NUL-terminated C string (the line holds no NUL).
    let at = |i: usize| -> u8 { s.get(i).copied().unwrap_or(0) };
    let mut p = 0;
    loop {
        while p < n && is_c_space(s[p]) {
            p += 1;
        }
        if p >= n {
            return Ok(());
        }
        // Fast path: a plain word.
        let start = p;
        while p < n && !matches!(s[p], b' ' | b'\n' | b'\r' | b'\t' | b'"' | b'\'') {
            p += 1;
        }
        if p >= n || !matches!(s[p], b'"' | b'\'') {
            argv.push(frame.slice(start..p));
            if p < n {
                p += 1;
            }
            continue;
        }
        // Slow path: the word contains quotes; build it.
        let mut cur = s[start..p].to_vec();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = at(p);
            let mut done = false;
            if inq {
                if c == b'\\' && at(p + 1) == b'x' {
                    if let (Some(h), Some(l)) = (hex_val(at(p + 2)), hex_val(at(p + 3))) {
                        cur.push(h * 16 + l);
                        p += 3;
                    } else {
                        // `\x` not followed by two hex digits: a plain `x`.
                        p += 1;
                        cur.push(b'x');
                    }
                } else if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    cur.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    let next = at(p + 1);
                    if next != 0 && !is_c_space(next) {
                        return Err(ProtocolError::UnbalancedQuotes);
                    }
                    done = true;
                } else if c == 0 {
                    return Err(ProtocolError::UnbalancedQuotes);
                } else {
                    cur.push(c);
                }
            } else if insq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    let next = at(p + 1);
                    if next != 0 && !is_c_space(next) {
                        return Err(ProtocolError::UnbalancedQuotes);
                    }
                    done = true;
                } else if c == 0 {
                    return Err(ProtocolError::UnbalancedQuotes);
                } else {
                    cur.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    other => cur.push(other),
                }
            }
            if p < n {
                p += 1;
            }
            if done {
                break;
            }
        }
        argv.push(Bytes::from(cur));
    }
}

#[cfg(test)]
mod tests;
