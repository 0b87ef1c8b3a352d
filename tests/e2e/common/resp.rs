//! A small, independent RESP2/RESP3 decoder and encoder used by the tests.
//!
//! `parse` finds frame boundaries (so `RawConn` can read exactly one reply)
//! and builds a [`Resp`] tree; `Resp::encode` writes the canonical bytes back,
//! so a reply can be decoded, normalized and re-encoded for byte comparison.

use std::fmt;

/// One decoded RESP2/RESP3 value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resp {
    /// `+...`
    Simple(Vec<u8>),
    /// `-...`
    Error(Vec<u8>),
    /// `:...`
    Int(i64),
    /// `$N` (None is RESP2's `$-1`)
    Bulk(Option<Vec<u8>>),
    /// `*N` (None is RESP2's `*-1`)
    Array(Option<Vec<Resp>>),
    /// `_`
    Null,
    /// `,...` kept as text so that re-encoding is exact
    Double(Vec<u8>),
    /// `#t` / `#f`
    Bool(bool),
    /// `(...`
    BigNum(Vec<u8>),
    /// `!N` blob error
    BlobError(Vec<u8>),
    /// `=N` verbatim string: the 3-byte format and the text
    Verbatim(Vec<u8>, Vec<u8>),
    /// `%N`
    Map(Vec<(Resp, Resp)>),
    /// `~N`
    Set(Vec<Resp>),
    /// `>N`
    Push(Vec<Resp>),
    /// `|N` attribute map followed by the value it annotates
    Attr(Vec<(Resp, Resp)>, Box<Resp>),
}

/// Why `parse` could not return a value.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// More bytes are needed.
    Incomplete,
    /// The bytes are not RESP.
    Invalid(String),
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    buf[from..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|p| p + from)
}

fn line(buf: &[u8], pos: usize) -> Result<(&[u8], usize), ParseError> {
    match find_crlf(buf, pos) {
        Some(end) => Ok((&buf[pos..end], end + 2)),
        None => Err(ParseError::Incomplete),
    }
}

fn int_of(text: &[u8]) -> Result<i64, ParseError> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| ParseError::Invalid(format!("bad integer {}", escape(text))))
}

fn blob(buf: &[u8], pos: usize, len: i64) -> Result<(Vec<u8>, usize), ParseError> {
    let len = usize::try_from(len).map_err(|_| ParseError::Invalid("negative length".into()))?;
    if buf.len() < pos + len + 2 {
        return Err(ParseError::Incomplete);
    }
    if &buf[pos + len..pos + len + 2] != b"\r\n" {
        return Err(ParseError::Invalid("blob not followed by CRLF".into()));
    }
    Ok((buf[pos..pos + len].to_vec(), pos + len + 2))
}

fn parse_at(buf: &[u8], pos: usize) -> Result<(Resp, usize), ParseError> {
    if pos >= buf.len() {
        return Err(ParseError::Incomplete);
    }
    let kind = buf[pos];
    let (text, next) = line(buf, pos + 1)?;
    let text = text.to_vec();
    match kind {
        b'+' => Ok((Resp::Simple(text), next)),
        b'-' => Ok((Resp::Error(text), next)),
        b':' => Ok((Resp::Int(int_of(&text)?), next)),
        b'_' => Ok((Resp::Null, next)),
        b',' => Ok((Resp::Double(text), next)),
        b'(' => Ok((Resp::BigNum(text), next)),
        b'#' => match text.as_slice() {
            b"t" => Ok((Resp::Bool(true), next)),
            b"f" => Ok((Resp::Bool(false), next)),
            _ => Err(ParseError::Invalid("bad boolean".into())),
        },
        b'$' | b'!' | b'=' => {
            let len = int_of(&text)?;
            if kind == b'$' && len == -1 {
                return Ok((Resp::Bulk(None), next));
            }
            let (data, next) = blob(buf, next, len)?;
            Ok((
                match kind {
                    b'$' => Resp::Bulk(Some(data)),
                    b'!' => Resp::BlobError(data),
                    _ => {
                        if data.len() < 4 || data[3] != b':' {
                            return Err(ParseError::Invalid("bad verbatim string".into()));
                        }
                        Resp::Verbatim(data[..3].to_vec(), data[4..].to_vec())
                    }
                },
                next,
            ))
        }
        b'*' | b'~' | b'>' => {
            let n = int_of(&text)?;
            if kind == b'*' && n == -1 {
                return Ok((Resp::Array(None), next));
            }
            if n < 0 {
                return Err(ParseError::Invalid("negative aggregate length".into()));
            }
            let mut items = Vec::with_capacity(n.min(1024) as usize);
            let mut p = next;
            for _ in 0..n {
                let (v, np) = parse_at(buf, p)?;
                items.push(v);
                p = np;
            }
            Ok((
                match kind {
                    b'*' => Resp::Array(Some(items)),
                    b'~' => Resp::Set(items),
                    _ => Resp::Push(items),
                },
                p,
            ))
        }
        b'%' | b'|' => {
            let n = int_of(&text)?;
            if n < 0 {
                return Err(ParseError::Invalid("negative map length".into()));
            }
            let mut pairs = Vec::with_capacity(n.min(1024) as usize);
            let mut p = next;
            for _ in 0..n {
                let (k, np) = parse_at(buf, p)?;
                let (v, np) = parse_at(buf, np)?;
                pairs.push((k, v));
                p = np;
            }
            if kind == b'%' {
                Ok((Resp::Map(pairs), p))
            } else {
                let (v, np) = parse_at(buf, p)?;
                Ok((Resp::Attr(pairs, Box::new(v)), np))
            }
        }
        other => Err(ParseError::Invalid(format!(
            "unknown RESP type byte {}",
            escape(&[other])
        ))),
    }
}

/// Decodes one complete value at the start of `buf`; returns it and the
/// number of bytes it used.
pub fn parse(buf: &[u8]) -> Result<(Resp, usize), ParseError> {
    parse_at(buf, 0)
}

/// Decodes a buffer that holds exactly one value.
pub fn parse_one(buf: &[u8]) -> Resp {
    match parse(buf) {
        Ok((v, used)) if used == buf.len() => v,
        Ok((_, used)) => panic!(
            "trailing bytes after reply ({} of {}): {}",
            used,
            buf.len(),
            escape(buf)
        ),
        Err(e) => panic!("cannot parse reply {:?}: {}", e, escape(buf)),
    }
}

/// Decodes every value in `buf`.
pub fn parse_all(buf: &[u8]) -> Vec<Resp> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let (v, used) = parse(&buf[pos..])
            .unwrap_or_else(|e| panic!("cannot parse {:?}: {}", e, escape(&buf[pos..])));
        out.push(v);
        pos += used;
    }
    out
}

fn put_line(out: &mut Vec<u8>, kind: u8, text: &[u8]) {
    out.push(kind);
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

fn put_blob(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
    put_line(out, kind, data.len().to_string().as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

impl Resp {
    /// Canonical wire encoding (what Redis writes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Resp::Simple(s) => put_line(out, b'+', s),
            Resp::Error(s) => put_line(out, b'-', s),
            Resp::Int(i) => put_line(out, b':', i.to_string().as_bytes()),
            Resp::Bulk(None) => out.extend_from_slice(b"$-1\r\n"),
            Resp::Bulk(Some(b)) => put_blob(out, b'$', b),
            Resp::Array(None) => out.extend_from_slice(b"*-1\r\n"),
            Resp::Array(Some(items)) | Resp::Set(items) | Resp::Push(items) => {
                let kind = match self {
                    Resp::Array(_) => b'*',
                    Resp::Set(_) => b'~',
                    _ => b'>',
                };
                put_line(out, kind, items.len().to_string().as_bytes());
                for i in items {
                    i.encode_into(out);
                }
            }
            Resp::Null => out.extend_from_slice(b"_\r\n"),
            Resp::Double(d) => put_line(out, b',', d),
            Resp::Bool(b) => put_line(out, b'#', if *b { b"t" } else { b"f" }),
            Resp::BigNum(n) => put_line(out, b'(', n),
            Resp::BlobError(e) => put_blob(out, b'!', e),
            Resp::Verbatim(f, t) => {
                let mut data = f.clone();
                data.push(b':');
                data.extend_from_slice(t);
                put_blob(out, b'=', &data);
            }
            Resp::Map(pairs) | Resp::Attr(pairs, _) => {
                let kind = if matches!(self, Resp::Map(_)) {
                    b'%'
                } else {
                    b'|'
                };
                put_line(out, kind, pairs.len().to_string().as_bytes());
                for (k, v) in pairs {
                    k.encode_into(out);
                    v.encode_into(out);
                }
                if let Resp::Attr(_, v) = self {
                    v.encode_into(out);
                }
            }
        }
    }

    /// Builds a bulk string.
    pub fn bulk(b: impl AsRef<[u8]>) -> Resp {
        Resp::Bulk(Some(b.as_ref().to_vec()))
    }

    /// The bytes of a simple string, bulk string, verbatim string or error.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Resp::Simple(b)
            | Resp::Error(b)
            | Resp::Bulk(Some(b))
            | Resp::BlobError(b)
            | Resp::Verbatim(_, b) => Some(b),
            _ => None,
        }
    }

    /// The text of a string-like value (lossy UTF-8); panics otherwise.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(
            self.bytes()
                .unwrap_or_else(|| panic!("expected a string reply, got {self}")),
        )
        .into_owned()
    }

    /// The text of a string-like value or of an error.
    pub fn text_or_error(&self) -> String {
        match self {
            Resp::Error(e) | Resp::BlobError(e) => String::from_utf8_lossy(e).into_owned(),
            _ => self.text(),
        }
    }

    /// The integer of `:N`; panics otherwise.
    pub fn int(&self) -> i64 {
        match self {
            Resp::Int(i) => *i,
            _ => panic!("expected an integer reply, got {self}"),
        }
    }

    /// True for `-ERR...` / `!N` errors.
    pub fn is_error(&self) -> bool {
        matches!(self, Resp::Error(_) | Resp::BlobError(_))
    }

    /// The elements of an array, set or push; panics otherwise.
    pub fn items(&self) -> &[Resp] {
        match self {
            Resp::Array(Some(v)) | Resp::Set(v) | Resp::Push(v) => v,
            _ => panic!("expected an aggregate reply, got {self}"),
        }
    }

    /// Key/value pairs of a RESP3 map, or of a RESP2 flat array of pairs.
    pub fn pairs(&self) -> Vec<(Resp, Resp)> {
        match self {
            Resp::Map(p) => p.clone(),
            Resp::Array(Some(v)) => {
                assert!(v.len() % 2 == 0, "odd-length array is not a map: {self}");
                v.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect()
            }
            _ => panic!("expected a map reply, got {self}"),
        }
    }

    /// The value stored under the string key `key` in a map (RESP2 or RESP3).
    pub fn get(&self, key: &str) -> Option<Resp> {
        self.pairs()
            .into_iter()
            .find(|(k, _)| k.bytes() == Some(key.as_bytes()))
            .map(|(_, v)| v)
    }

    /// Applies `f` to this value and every nested value, parents first.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Resp)) {
        f(self);
        match self {
            Resp::Array(Some(v)) | Resp::Set(v) | Resp::Push(v) => {
                for i in v {
                    i.walk_mut(f)
                }
            }
            Resp::Map(p) => {
                for (k, v) in p {
                    k.walk_mut(f);
                    v.walk_mut(f);
                }
            }
            Resp::Attr(p, v) => {
                for (k, v) in p {
                    k.walk_mut(f);
                    v.walk_mut(f);
                }
                v.walk_mut(f);
            }
            _ => {}
        }
    }
}

impl fmt::Display for Resp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.encode()))
    }
}

/// Renders bytes like a Python bytes literal body: printable ASCII as is,
/// `\r`, `\n`, `\t`, `\\`, `\"` escaped, everything else as `\xNN`.
pub fn escape(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 2);
    s.push('"');
    for &c in b {
        match c {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// Encodes an argument vector as a RESP multibulk request.
pub fn encode_request<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut out = Vec::new();
    put_line(&mut out, b'*', argv.len().to_string().as_bytes());
    for a in argv {
        put_blob(&mut out, b'$', a.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_type() {
        let samples: &[&[u8]] = &[
            b"+OK\r\n",
            b"-ERR x\r\n",
            b":-12\r\n",
            b"$-1\r\n",
            b"$0\r\n\r\n",
            b"$5\r\nab\r\nc\r\n",
            b"*-1\r\n",
            b"*0\r\n",
            b"*2\r\n$1\r\na\r\n:1\r\n",
            b"_\r\n",
            b",3.14\r\n",
            b",inf\r\n",
            b"#t\r\n",
            b"(1234567890123456789012\r\n",
            b"!3\r\nERR\r\n",
            b"=8\r\ntxt:abcd\r\n",
            b"%1\r\n+k\r\n*1\r\n_\r\n",
            b"~2\r\n:1\r\n:2\r\n",
            b">2\r\n$7\r\nmessage\r\n$1\r\nx\r\n",
            b"|1\r\n+a\r\n:1\r\n+v\r\n",
        ];
        for s in samples {
            let (v, used) = parse(s).unwrap();
            assert_eq!(used, s.len(), "{}", escape(s));
            assert_eq!(v.encode(), s.to_vec(), "{}", escape(s));
            for cut in 0..s.len() {
                assert_eq!(
                    parse(&s[..cut]),
                    Err(ParseError::Incomplete),
                    "{}",
                    escape(s)
                );
            }
        }
    }
}
