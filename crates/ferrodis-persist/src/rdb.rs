//! The RDB format: a header, auxiliary fields, then per database a SELECTDB,
//! a RESIZEDB hint and its keys (each optionally preceded by an expire
//! time and an LRU/LFU hint), an EOF byte and a CRC-64 of everything
//! before it. A value is a type byte and its encoding; DUMP payloads are a
//! value, the RDB version and a CRC-64.

use std::io::Write;

use ferrodis_engine::hash::HashValue;
use ferrodis_engine::{HashLimits, Limits, ListValue, SetValue, Value, ZLimits, ZSetValue};
use thiserror::Error;

use crate::blobs::{self, Elem, ListpackBuilder};
use crate::{crc64, lzf};

/// The RDB version we write (Redis 7.0's).
pub const RDB_VERSION: u16 = 10;

// Opcodes.
const OP_FUNCTION2: u8 = 245;
const OP_FUNCTION: u8 = 246;
const OP_MODULE_AUX: u8 = 247;
const OP_IDLE: u8 = 248;
const OP_FREQ: u8 = 249;
const OP_AUX: u8 = 250;
const OP_RESIZEDB: u8 = 251;
const OP_EXPIRETIME_MS: u8 = 252;
const OP_EXPIRETIME: u8 = 253;
const OP_SELECTDB: u8 = 254;
const OP_EOF: u8 = 255;

// Value types.
const T_STRING: u8 = 0;
const T_LIST: u8 = 1;
const T_SET: u8 = 2;
const T_ZSET: u8 = 3;
const T_HASH: u8 = 4;
const T_ZSET_2: u8 = 5;
const T_HASH_ZIPMAP: u8 = 9;
const T_LIST_ZIPLIST: u8 = 10;
const T_SET_INTSET: u8 = 11;
const T_ZSET_ZIPLIST: u8 = 12;
const T_HASH_ZIPLIST: u8 = 13;
const T_LIST_QUICKLIST: u8 = 14;
const T_HASH_LISTPACK: u8 = 16;
const T_ZSET_LISTPACK: u8 = 17;
const T_LIST_QUICKLIST_2: u8 = 18;

// Quicklist node containers.
const QL_PLAIN: u64 = 1;
const QL_PACKED: u64 = 2;

// String encodings after a 0b11 length prefix.
const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;

#[derive(Debug, Error)]
pub enum RdbError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Corrupt(&'static str),
    #[error("{what} at offset {offset}")]
    At { what: String, offset: usize },
    #[error("Wrong signature trying to load DB from file")]
    Signature,
    #[error("Can't handle RDB format version {0}")]
    Version(u32),
    #[error("Wrong RDB checksum expected: ({expected:016x}) got: ({got:016x})")]
    Checksum { expected: u64, got: u64 },
    /// A DUMP payload too short for its footer, or whose RDB version or
    /// CRC-64 is wrong.
    #[error("DUMP payload version or checksum are wrong")]
    Envelope,
}

/// Encoding thresholds for loaded values (the `*-max-listpack-*`,
/// `set-max-intset-entries` and `list-max-listpack-size` directives).
#[derive(Debug, Clone, Copy)]
pub struct LoadLimits {
    pub hash: HashLimits,
    pub zset: ZLimits,
    pub max_intset: usize,
    pub list_fill: i64,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            hash: HashLimits::default(),
            zset: ZLimits::default(),
            max_intset: 512,
            list_fill: -2,
        }
    }
}

// ---------------------------------------------------------------- writing

/// Appends RDB encodings to a byte buffer.
#[derive(Default)]
pub struct Encoder {
    pub buf: Vec<u8>,
    pub compress: bool,
}

impl Encoder {
    pub fn new(compress: bool) -> Encoder {
        Encoder {
            buf: Vec::new(),
            compress,
        }
    }

    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub fn len(&mut self, n: u64) {
        if n < 1 << 6 {
            self.buf.push(n as u8);
        } else if n < 1 << 14 {
            self.buf.push(0x40 | (n >> 8) as u8);
            self.buf.push(n as u8);
        } else if n <= u32::MAX as u64 {
            self.buf.push(0x80);
            self.buf.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            self.buf.push(0x81);
            self.buf.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// A string, as Redis stores it: small integers as integers, long
    /// strings LZF-compressed when that saves space, else raw.
    /// Bytes as they are (no length prefix).
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    pub fn string(&mut self, s: &[u8]) {
        if s.len() <= 11 {
            if let Some(v) = blobs::as_int(s) {
                if self.int_string(v) {
                    return;
                }
            }
        }
        if self.compress && s.len() > 20 {
            if let Some(c) = lzf::compress(s, s.len() - 4) {
                self.buf.push(0xc0 | ENC_LZF);
                self.len(c.len() as u64);
                self.len(s.len() as u64);
                self.buf.extend_from_slice(&c);
                return;
            }
        }
        self.len(s.len() as u64);
        self.buf.extend_from_slice(s);
    }

    fn int_string(&mut self, v: i64) -> bool {
        if let Ok(x) = i8::try_from(v) {
            self.buf.push(0xc0 | ENC_INT8);
            self.buf.push(x as u8);
        } else if let Ok(x) = i16::try_from(v) {
            self.buf.push(0xc0 | ENC_INT16);
            self.buf.extend_from_slice(&x.to_le_bytes());
        } else if let Ok(x) = i32::try_from(v) {
            self.buf.push(0xc0 | ENC_INT32);
            self.buf.extend_from_slice(&x.to_le_bytes());
        } else {
            return false;
        }
        true
    }

    /// The type byte and encoding of `v`, in the encoding Redis 7.0 would
    /// choose for it.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Str(s) => {
                self.byte(T_STRING);
                s.with_bytes(|b| self.string(b));
            }
            Value::List(l) => self.list(l),
            Value::Hash(h) => self.hash(h),
            Value::Set(s) => self.set(s),
            Value::ZSet(z) => self.zset(z),
            Value::Stream(st) => crate::stream::encode(self, st),
        }
    }

    fn list(&mut self, l: &ListValue) {
        self.byte(T_LIST_QUICKLIST_2);
        // Nodes of up to 8 KB or 128 elements, like a default quicklist.
        let mut nodes: Vec<Vec<u8>> = Vec::new();
        let mut lp = ListpackBuilder::new();
        let (mut n, mut bytes) = (0usize, 0usize);
        for e in l.iter() {
            if n > 0 && (n >= 128 || bytes + e.len() > 8192) {
                nodes.push(std::mem::take(&mut lp).finish());
                n = 0;
                bytes = 0;
            }
            lp.push(e);
            n += 1;
            bytes += e.len() + 2;
        }
        if n > 0 {
            nodes.push(lp.finish());
        }
        self.len(nodes.len() as u64);
        for node in nodes {
            self.len(QL_PACKED);
            self.string(&node);
        }
    }

    fn hash(&mut self, h: &HashValue) {
        if h.encoding() == "listpack" {
            self.byte(T_HASH_LISTPACK);
            let mut lp = ListpackBuilder::new();
            for (f, v) in h.iter() {
                lp.push(f);
                lp.push(v);
            }
            self.string(&lp.finish());
        } else {
            self.byte(T_HASH);
            self.len(h.len() as u64);
            for (f, v) in h.iter() {
                self.string(f);
                self.string(v);
            }
        }
    }

    fn set(&mut self, s: &SetValue) {
        if s.encoding() == "intset" {
            self.byte(T_SET_INTSET);
            let mut vals: Vec<i64> = s
                .iter()
                .filter_map(|m| match m {
                    ferrodis_engine::MemberRef::Int(i) => Some(i),
                    ferrodis_engine::MemberRef::Bytes(b) => blobs::as_int(b),
                })
                .collect();
            vals.sort_unstable();
            self.string(&blobs::intset_build(&vals));
        } else {
            self.byte(T_SET);
            self.len(s.len() as u64);
            for m in s.iter() {
                m.with_bytes(|b| self.string(b));
            }
        }
    }

    fn zset(&mut self, z: &ZSetValue) {
        if z.encoding() == "listpack" {
            self.byte(T_ZSET_LISTPACK);
            let mut lp = ListpackBuilder::new();
            for (m, score) in z.iter() {
                lp.push(m);
                push_score(&mut lp, score);
            }
            self.string(&lp.finish());
        } else {
            self.byte(T_ZSET_2);
            self.len(z.len() as u64);
            // Highest first, as Redis writes them.
            for (m, score) in z.iter_from(z.len().saturating_sub(1), true) {
                self.string(m);
                self.buf.extend_from_slice(&score.to_le_bytes());
            }
        }
    }
}

/// A score in a listpack: integral values in the exact range as integers,
/// the rest in %.17g form (as Redis's d2string).
fn push_score(lp: &mut ListpackBuilder, score: f64) {
    const LIMIT: f64 = 4_503_599_627_370_496.0; // 2^52
    if score > -LIMIT && score < LIMIT && score == (score as i64) as f64 {
        lp.push_int(score as i64);
    } else {
        let mut buf = [0u8; ferrodis_protocol::num::DOUBLE_BUF_LEN];
        lp.push_str(ferrodis_protocol::num::fmt_double(score, &mut buf));
    }
}

/// Closes a DUMP-style payload: appends the RDB version and the CRC-64 of
/// everything before it.
pub fn seal_payload(mut body: Vec<u8>) -> Vec<u8> {
    body.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64::crc64(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

/// The body of a DUMP-style payload (what precedes its version and
/// CRC-64), or None when the payload is too short, from a newer RDB
/// version, or fails its checksum.
fn payload_body(p: &[u8]) -> Option<&[u8]> {
    let body_len = p.len().checked_sub(10)?;
    let (body, footer) = p.split_at(body_len);
    let ver = u16::from_le_bytes([footer[0], footer[1]]);
    let mut crc = [0u8; 8];
    crc.copy_from_slice(&footer[2..]);
    (ver <= RDB_VERSION && crc64::crc64(&p[..body_len + 2]) == u64::from_le_bytes(crc))
        .then_some(body)
}

/// DUMP's payload for `v`: the value, the RDB version, a CRC-64.
pub fn dump_payload(v: &Value) -> Vec<u8> {
    let mut e = Encoder::new(true);
    e.value(v);
    seal_payload(e.buf)
}

/// FUNCTION DUMP's payload: one FUNCTION2 record per library, then the
/// RDB version and a CRC-64, as DUMP's envelope.
pub fn functions_payload<'a>(codes: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut e = Encoder::new(true);
    for code in codes {
        e.byte(OP_FUNCTION2);
        e.string(code);
    }
    seal_payload(e.buf)
}

/// Why a FUNCTION RESTORE payload was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum FunctionsPayloadError {
    /// Wrong RDB version or CRC (DUMP's own refusal).
    Envelope,
    /// A record that is not a FUNCTION2 record.
    NotAFunction,
    /// A record that could not be read.
    Corrupt,
}

/// Decodes FUNCTION DUMP's payload into the libraries' code: the codes
/// read, then the error that stopped the reading, if any (Redis creates
/// each library as it reads it, so a bad library before a bad record is
/// the error it reports). Records are read as Redis reads them, from the
/// whole payload: a string may run into the footer.
pub fn parse_functions_payload(
    p: &[u8],
) -> Result<(Vec<Vec<u8>>, Option<FunctionsPayloadError>), FunctionsPayloadError> {
    let body_len = payload_body(p)
        .ok_or(FunctionsPayloadError::Envelope)?
        .len();
    let mut c = Cursor { b: p, pos: 0 };
    let mut out = Vec::new();
    while c.pos < body_len {
        let op = match c.byte() {
            Ok(op) => op,
            Err(_) => return Ok((out, Some(FunctionsPayloadError::Corrupt))),
        };
        if op != OP_FUNCTION2 {
            return Ok((out, Some(FunctionsPayloadError::NotAFunction)));
        }
        match c.string() {
            Ok(code) => out.push(code.into_owned()),
            Err(_) => return Ok((out, Some(FunctionsPayloadError::Corrupt))),
        }
    }
    Ok((out, None))
}

/// What a snapshot records about the server besides the keys.
#[derive(Debug, Clone, Default)]
pub struct Aux {
    pub redis_ver: String,
    pub ctime: u64,
    pub used_mem: u64,
    pub repl_id: Option<String>,
    pub repl_offset: Option<i64>,
    /// The database the replication stream is in at `repl_offset`.
    pub repl_stream_db: usize,
    pub aof_base: bool,
    /// Function libraries' code (FUNCTION LOAD), written as FUNCTION2
    /// records after the aux fields, before the keys, as Redis 7.0 does.
    pub functions: Vec<bytes::Bytes>,
}

/// Streams an RDB file: header and aux fields on creation, then
/// databases and keys, then `finish`. The CRC covers everything written.
pub struct FileWriter<W: Write> {
    out: W,
    crc: u64,
    checksum: bool,
    enc: Encoder,
    written: u64,
}

impl<W: Write> FileWriter<W> {
    pub fn new(out: W, aux: &Aux, compress: bool, checksum: bool) -> Result<Self, RdbError> {
        let mut w = FileWriter {
            out,
            crc: 0,
            checksum,
            enc: Encoder::new(compress),
            written: 0,
        };
        w.enc
            .buf
            .extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
        w.aux(b"redis-ver", aux.redis_ver.as_bytes());
        w.aux(b"redis-bits", b"64");
        w.aux(b"ctime", aux.ctime.to_string().as_bytes());
        w.aux(b"used-mem", aux.used_mem.to_string().as_bytes());
        if let (Some(id), Some(off)) = (&aux.repl_id, aux.repl_offset) {
            w.aux(b"repl-stream-db", aux.repl_stream_db.to_string().as_bytes());
            w.aux(b"repl-id", id.as_bytes());
            w.aux(b"repl-offset", off.to_string().as_bytes());
        }
        w.aux(b"aof-base", if aux.aof_base { b"1" } else { b"0" });
        for code in &aux.functions {
            w.enc.byte(OP_FUNCTION2);
            w.enc.string(code);
        }
        w.flush_buf()?;
        Ok(w)
    }

    fn aux(&mut self, k: &[u8], v: &[u8]) {
        self.enc.byte(OP_AUX);
        self.enc.string(k);
        self.enc.string(v);
    }

    /// Bytes encoded but not yet written out.
    pub fn pending(&self) -> usize {
        self.enc.buf.len()
    }

    /// Writes out what `key` encoded. Separate from `key` so that callers
    /// holding a shard lock never wait on I/O: they encode under the lock
    /// and write after releasing it.
    pub fn flush_buf(&mut self) -> Result<(), RdbError> {
        if self.checksum {
            self.crc = crc64::update(self.crc, &self.enc.buf);
        }
        self.out.write_all(&self.enc.buf)?;
        self.written += self.enc.buf.len() as u64;
        self.enc.buf.clear();
        Ok(())
    }

    /// Starts database `db` with its size hints.
    pub fn select_db(&mut self, db: usize, keys: usize, expires: usize) -> Result<(), RdbError> {
        self.enc.byte(OP_SELECTDB);
        self.enc.len(db as u64);
        self.enc.byte(OP_RESIZEDB);
        self.enc.len(keys as u64);
        self.enc.len(expires as u64);
        self.flush_buf()
    }

    /// One key: its expire time (0: none), value, and an already encoded
    /// value when the caller has one (a copy-on-write snapshot).
    pub fn key(&mut self, key: &[u8], value: &Value, expire_at: u64) -> Result<(), RdbError> {
        if expire_at != 0 {
            self.enc.byte(OP_EXPIRETIME_MS);
            self.enc.buf.extend_from_slice(&expire_at.to_le_bytes());
        }
        // The type byte comes first, then the key, then the encoding.
        let start = self.enc.buf.len();
        self.enc.value(value);
        let ty = self.enc.buf[start];
        let body = self.enc.buf.split_off(start + 1);
        self.enc.buf.truncate(start);
        self.enc.byte(ty);
        self.enc.string(key);
        self.enc.buf.extend_from_slice(&body);
        Ok(())
    }

    /// Writes the EOF marker and the checksum; returns the writer and the
    /// number of bytes written.
    pub fn finish(mut self) -> Result<(W, u64), RdbError> {
        self.enc.byte(OP_EOF);
        self.flush_buf()?;
        let crc = if self.checksum { self.crc } else { 0 };
        self.out.write_all(&crc.to_le_bytes())?;
        self.written += 8;
        self.out.flush()?;
        Ok((self.out, self.written))
    }
}

// ---------------------------------------------------------------- reading

pub(crate) struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

/// A length or a special string encoding.
enum Len {
    Plain(u64),
    Encoded(u8),
}

impl<'a> Cursor<'a> {
    fn err(&self, what: impl Into<String>) -> RdbError {
        RdbError::At {
            what: what.into(),
            offset: self.pos,
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], RdbError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| self.err("Unexpected EOF reading RDB file"))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, RdbError> {
        Ok(self.take(1)?[0])
    }

    fn raw_len(&mut self) -> Result<Len, RdbError> {
        let f = self.byte()?;
        Ok(match f >> 6 {
            0 => Len::Plain((f & 0x3f) as u64),
            1 => Len::Plain((((f & 0x3f) as u64) << 8) | self.byte()? as u64),
            2 => match f {
                0x80 => {
                    let s = self.take(4)?;
                    Len::Plain(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64)
                }
                0x81 => {
                    let s = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(s);
                    Len::Plain(u64::from_be_bytes(a))
                }
                _ => return Err(self.err("Unknown length encoding in rdbLoadLen()")),
            },
            _ => Len::Encoded(f & 0x3f),
        })
    }

    pub(crate) fn len(&mut self) -> Result<u64, RdbError> {
        match self.raw_len()? {
            Len::Plain(n) => Ok(n),
            Len::Encoded(_) => Err(self.err("Unexpected string encoding where a length was due")),
        }
    }

    /// A length used to size a collection: bounded by the bytes left, so
    /// a corrupt count cannot make us reserve absurd amounts.
    pub(crate) fn count(&mut self) -> Result<usize, RdbError> {
        let n = self.len()?;
        if n > (self.b.len() - self.pos) as u64 {
            return Err(self.err("Collection length larger than the remaining data"));
        }
        Ok(n as usize)
    }

    pub(crate) fn string(&mut self) -> Result<std::borrow::Cow<'a, [u8]>, RdbError> {
        match self.raw_len()? {
            Len::Plain(n) => {
                let n = usize::try_from(n).map_err(|_| self.err("String length overflow"))?;
                Ok(std::borrow::Cow::Borrowed(self.take(n)?))
            }
            Len::Encoded(ENC_INT8) => Ok(int_cow(self.byte()? as i8 as i64)),
            Len::Encoded(ENC_INT16) => {
                let s = self.take(2)?;
                Ok(int_cow(i16::from_le_bytes([s[0], s[1]]) as i64))
            }
            Len::Encoded(ENC_INT32) => {
                let s = self.take(4)?;
                Ok(int_cow(i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64))
            }
            Len::Encoded(ENC_LZF) => {
                let clen = self.len()? as usize;
                let len = self.len()? as usize;
                if len > 512 * 1024 * 1024 * 8 {
                    return Err(self.err("LZF string too long"));
                }
                let at = self.pos;
                let c = self.take(clen)?;
                lzf::decompress(c, len)
                    .map(std::borrow::Cow::Owned)
                    .ok_or(RdbError::At {
                        what: "Invalid LZF compressed string".into(),
                        offset: at,
                    })
            }
            Len::Encoded(_) => Err(self.err("Unknown RDB string encoding type")),
        }
    }

    fn f64_le(&mut self) -> Result<f64, RdbError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(f64::from_le_bytes(a))
    }

    /// The old text form of a double (ZSET type 3).
    fn f64_text(&mut self) -> Result<f64, RdbError> {
        match self.byte()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            n => {
                let s = self.take(n as usize)?;
                std::str::from_utf8(s)
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| self.err("Invalid double"))
            }
        }
    }
}

fn int_cow(v: i64) -> std::borrow::Cow<'static, [u8]> {
    std::borrow::Cow::Owned(v.to_string().into_bytes())
}

fn score_of(e: &Elem<'_>) -> Option<f64> {
    match e {
        Elem::Int(i) => Some(*i as f64),
        Elem::Bytes(b) => {
            let s = std::str::from_utf8(b).ok()?;
            match s {
                "inf" | "+inf" => Some(f64::INFINITY),
                "-inf" => Some(f64::NEG_INFINITY),
                _ => s.parse().ok(),
            }
        }
    }
}

/// Reads one value of type `ty`.
fn read_value(c: &mut Cursor<'_>, ty: u8, lim: &LoadLimits) -> Result<Value, RdbError> {
    let start = c.pos;
    let bad = |what: &str| RdbError::At {
        what: what.to_string(),
        offset: start,
    };
    let blob_err = |e: RdbError| match e {
        RdbError::Corrupt(w) => RdbError::At {
            what: format!("Corrupt {w}"),
            offset: start,
        },
        other => other,
    };
    let v = match ty {
        T_STRING => return Ok(Value::string(&c.string()?)),
        T_LIST => {
            let n = c.count()?;
            if n == 0 {
                // Redis never stores an empty key (found by the fuzzer).
                return Err(bad("Empty list"));
            }
            let mut l = ListValue::new(lim.list_fill);
            for _ in 0..n {
                l.push_back(&c.string()?);
            }
            Value::List(Box::new(l))
        }
        T_LIST_ZIPLIST | T_LIST_QUICKLIST | T_LIST_QUICKLIST_2 => {
            let nodes = if ty == T_LIST_ZIPLIST { 1 } else { c.count()? };
            let mut l = ListValue::new(lim.list_fill);
            for _ in 0..nodes {
                let container = if ty == T_LIST_QUICKLIST_2 {
                    c.len()?
                } else {
                    QL_PACKED
                };
                let blob = c.string()?;
                match container {
                    QL_PLAIN => l.push_back(&blob),
                    QL_PACKED => {
                        let elems = if ty == T_LIST_QUICKLIST_2 {
                            blobs::listpack_elems(&blob)
                        } else {
                            blobs::ziplist_elems(&blob)
                        }
                        .map_err(blob_err)?;
                        if elems.is_empty() {
                            return Err(bad("Empty quicklist node"));
                        }
                        for e in elems {
                            l.push_back(&e.to_vec());
                        }
                    }
                    _ => return Err(bad("Unknown quicklist node container")),
                }
            }
            if l.is_empty() {
                return Err(bad("Empty list"));
            }
            Value::List(Box::new(l))
        }
        T_SET => {
            let n = c.count()?;
            let mut s: Option<SetValue> = None;
            for _ in 0..n {
                let m = c.string()?;
                let set = s.get_or_insert_with(|| SetValue::new_for(&m));
                if !set.add(&m, lim.max_intset) {
                    return Err(bad("Duplicate set member"));
                }
            }
            Value::Set(s.ok_or_else(|| bad("Empty set"))?)
        }
        T_SET_INTSET => {
            let blob = c.string()?;
            let vals = blobs::intset_values(&blob).map_err(blob_err)?;
            let mut s = SetValue::new_intset();
            for v in &vals {
                s.add(v.to_string().as_bytes(), lim.max_intset);
            }
            if s.is_empty() {
                return Err(bad("Empty intset"));
            }
            Value::Set(s)
        }
        T_ZSET | T_ZSET_2 => {
            let n = c.count()?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                let m = c.string()?.into_owned();
                let score = if ty == T_ZSET_2 {
                    c.f64_le()?
                } else {
                    c.f64_text()?
                };
                if score.is_nan() {
                    return Err(bad("Zset with NaN score"));
                }
                items.push((m, score));
            }
            zset_from(items, lim).ok_or_else(|| bad("Duplicate or empty zset"))?
        }
        T_ZSET_ZIPLIST | T_ZSET_LISTPACK => {
            let blob = c.string()?;
            let elems = if ty == T_ZSET_LISTPACK {
                blobs::listpack_elems(&blob)
            } else {
                blobs::ziplist_elems(&blob)
            }
            .map_err(blob_err)?;
            if elems.len() % 2 != 0 {
                return Err(bad("Zset listpack with an odd entry count"));
            }
            let mut items = Vec::with_capacity(elems.len() / 2);
            for pair in elems.chunks_exact(2) {
                let score = score_of(&pair[1]).ok_or_else(|| bad("Zset score"))?;
                items.push((pair[0].to_vec(), score));
            }
            zset_from(items, lim).ok_or_else(|| bad("Duplicate or empty zset"))?
        }
        T_HASH => {
            let n = c.count()?;
            let mut pairs = Vec::with_capacity(n);
            for _ in 0..n {
                let f = c.string()?.into_owned();
                let v = c.string()?.into_owned();
                pairs.push((f, v));
            }
            hash_from(pairs.iter().map(|(f, v)| (&f[..], &v[..])), lim)
                .ok_or_else(|| bad("Duplicate or empty hash"))?
        }
        T_HASH_ZIPMAP => {
            let blob = c.string()?;
            let pairs = blobs::zipmap_pairs(&blob).map_err(blob_err)?;
            hash_from(pairs.into_iter(), lim).ok_or_else(|| bad("Duplicate or empty hash"))?
        }
        T_HASH_ZIPLIST | T_HASH_LISTPACK => {
            let blob = c.string()?;
            let elems = if ty == T_HASH_LISTPACK {
                blobs::listpack_elems(&blob)
            } else {
                blobs::ziplist_elems(&blob)
            }
            .map_err(blob_err)?;
            if elems.len() % 2 != 0 {
                return Err(bad("Hash listpack with an odd entry count"));
            }
            let owned: Vec<Vec<u8>> = elems.iter().map(|e| e.to_vec()).collect();
            hash_from(owned.chunks_exact(2).map(|p| (&p[0][..], &p[1][..])), lim)
                .ok_or_else(|| bad("Duplicate or empty hash"))?
        }
        crate::stream::T_STREAM_LISTPACKS | crate::stream::T_STREAM_LISTPACKS_2 => {
            Value::Stream(Box::new(crate::stream::decode(c, ty).map_err(blob_err)?))
        }
        6 | 7 => return Err(bad("Module values are not supported")),
        _ => return Err(bad(&format!("Unknown RDB value type {ty}"))),
    };
    // Deep check of what the containers held (duplicates, order, stream
    // counters and consumer groups): a corrupt file or payload is refused
    // here rather than trusted by the commands that later read the key.
    // Thresholds are not checked: the load converted what exceeds ours.
    v.check_invariants(&Limits::ANY)
        .map_err(|what| bad(&format!("Corrupt value: {what}")))?;
    Ok(v)
}

fn zset_from(items: Vec<(Vec<u8>, f64)>, lim: &LoadLimits) -> Option<Value> {
    if items.is_empty() {
        return None;
    }
    let n = items.len();
    let mut names: Vec<&[u8]> = items.iter().map(|(m, _)| &m[..]).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() != n {
        return None;
    }
    Some(Value::ZSet(ZSetValue::from_items(items, lim.zset)))
}

fn hash_from<'a>(
    pairs: impl Iterator<Item = (&'a [u8], &'a [u8])>,
    lim: &LoadLimits,
) -> Option<Value> {
    let mut h = HashValue::new();
    for (f, v) in pairs {
        if !h.set(f, v, lim.hash) {
            return None;
        }
    }
    (!h.is_empty()).then_some(Value::Hash(h))
}

/// Decodes a DUMP payload (RESTORE): checks the version and the CRC.
pub fn restore_payload(p: &[u8], lim: &LoadLimits) -> Result<Value, RdbError> {
    let body = payload_body(p).ok_or(RdbError::Envelope)?;
    let mut c = Cursor { b: body, pos: 0 };
    let ty = c.byte()?;
    let v = read_value(&mut c, ty, lim)?;
    if c.pos != body.len() {
        return Err(RdbError::Corrupt("trailing bytes"));
    }
    Ok(v)
}

/// One key read from a file.
pub struct Loaded<'a> {
    pub db: usize,
    pub key: std::borrow::Cow<'a, [u8]>,
    pub value: Value,
    /// Unix ms, 0 for none.
    pub expire_at: u64,
    pub idle_secs: Option<u64>,
    pub freq: Option<u8>,
}

/// What a file said besides its keys.
#[derive(Debug, Default, Clone)]
pub struct LoadInfo {
    pub version: u32,
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
    pub functions: Vec<Vec<u8>>,
    pub keys: u64,
}

impl LoadInfo {
    pub fn aux(&self, name: &str) -> Option<&[u8]> {
        self.aux
            .iter()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| &v[..])
    }
}

/// Parses a whole RDB file, handing each key to `sink`. Nothing is handed
/// over before the checksum is verified? No: keys stream to `sink` as they
/// are read; callers load into a fresh keyspace and discard it on error,
/// so a bad file never leaves a half-loaded dataset in service.
pub fn load(
    b: &[u8],
    lim: &LoadLimits,
    verify_checksum: bool,
    mut sink: impl FnMut(Loaded<'_>),
) -> Result<LoadInfo, RdbError> {
    if b.len() < 9 || &b[..5] != b"REDIS" {
        return Err(RdbError::Signature);
    }
    let version: u32 = std::str::from_utf8(&b[5..9])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(RdbError::Signature)?;
    if !(1..=RDB_VERSION as u32).contains(&version) {
        return Err(RdbError::Version(version));
    }
    let mut c = Cursor { b, pos: 9 };
    let mut info = LoadInfo {
        version,
        ..Default::default()
    };
    let mut db = 0usize;
    let (mut expire_at, mut idle, mut freq) = (0u64, None, None);
    loop {
        let op = c.byte()?;
        match op {
            OP_EOF => break,
            OP_SELECTDB => {
                db = c.len()? as usize;
                continue;
            }
            OP_RESIZEDB => {
                c.len()?;
                c.len()?;
                continue;
            }
            OP_AUX => {
                let k = c.string()?.into_owned();
                let v = c.string()?.into_owned();
                info.aux.push((k, v));
                continue;
            }
            OP_EXPIRETIME_MS => {
                let s = c.take(8)?;
                expire_at = u64::from_le_bytes(s.try_into().map_err(|_| c.err("expire"))?);
                continue;
            }
            OP_EXPIRETIME => {
                let s = c.take(4)?;
                expire_at =
                    u32::from_le_bytes(s.try_into().map_err(|_| c.err("expire"))?) as u64 * 1000;
                continue;
            }
            OP_IDLE => {
                idle = Some(c.len()?);
                continue;
            }
            OP_FREQ => {
                freq = Some(c.byte()?);
                continue;
            }
            OP_FUNCTION2 => {
                info.functions.push(c.string()?.into_owned());
                continue;
            }
            OP_FUNCTION => return Err(c.err("Pre-release function format not supported")),
            OP_MODULE_AUX => return Err(c.err("Module auxiliary data is not supported")),
            _ => {}
        }
        let key = c.string()?;
        let value = read_value(&mut c, op, lim)?;
        info.keys += 1;
        sink(Loaded {
            db,
            key,
            value,
            expire_at,
            idle_secs: idle.take(),
            freq: freq.take(),
        });
        expire_at = 0;
    }
    if version >= 5 {
        let at = c.pos;
        let s = c.take(8)?;
        let expected = u64::from_le_bytes(s.try_into().map_err(|_| c.err("checksum"))?);
        if verify_checksum && expected != 0 {
            let got = crc64::crc64(&b[..at]);
            if got != expected {
                return Err(RdbError::Checksum { expected, got });
            }
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {

    /// FUNCTION DUMP payloads as redis-server 7.0.15 writes them: the
    /// empty one and one short library.
    #[test]
    fn functions_payload_matches_redis() {
        assert_eq!(
            functions_payload(std::iter::empty()),
            b"\n\x00]\x9b\\@\x0f\x7f\xa2\xda".to_vec()
        );
        let code: &[u8] = b"#!lua name=a\nredis.register_function('aa', function() return 1 end)";
        let redis = b"\xf5@C#!lua name=a\nredis.register_function('aa', function() return 1 end)\n\x00\x9d\x05r\xc4\xc8\xc8\x8c.";
        assert_eq!(functions_payload([code]), redis.to_vec());
        assert_eq!(
            parse_functions_payload(redis),
            Ok((vec![code.to_vec()], None))
        );
        let mut bad = redis.to_vec();
        bad[0] = 0;
        assert_eq!(
            parse_functions_payload(&bad),
            Err(FunctionsPayloadError::Envelope)
        );
        assert_eq!(
            parse_functions_payload(b"x"),
            Err(FunctionsPayloadError::Envelope)
        );
    }

    use super::*;

    /// Payloads the fuzzer (fuzz/, restore_payload) found accepted into a
    /// value that breaks an invariant; each must be refused.
    #[test]
    fn fuzz_findings_are_refused() {
        let lim = LoadLimits::default();
        // A plain list (type 1) of no elements: an empty key.
        assert!(restore_payload(&seal_payload(vec![T_LIST, 0]), &lim).is_err());
        // A stream whose entries-added counter is below its length (a
        // consumer group's lag would underflow).
        let stream = b"\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x01\xc3\x40\x40\x40\x45\x07\x45\x00\x00\x00\x1a\x00\x02\x01\x40\x00\x07\x81\x66\x02\x00\x01\x02\x01\x00\x20\x01\x03\x81\x76\x02\x04\x40\x12\x04\x01\xdf\xff\x02\x02\x40\x18\x20\x10\x06\x81\x67\x02\x81\x77\x02\x08\x20\x1d\x00\x02\x40\x16\x20\x2f\x07\x61\x02\xc1\x62\x02\x06\x01\xff\x02\x03\x01\x00\x02\x00\x03\x01\x01\x02\x67\x31\x01\x01\x00\x00\x00";
        let err = restore_payload(&seal_payload(stream.to_vec()), &lim)
            .err()
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("entries_added")),
            "{err:?}"
        );
    }

    fn sample_values() -> Vec<Value> {
        let lim = LoadLimits::default();
        let mut list = ListValue::new(-2);
        for i in 0..300 {
            list.push_back(format!("item-{i}").as_bytes());
        }
        list.push_back(b"12345");
        let mut small_hash = HashValue::new();
        small_hash.set(b"f", b"v", lim.hash);
        small_hash.set(b"n", b"-17", lim.hash);
        let mut big_hash = HashValue::new();
        for i in 0..600 {
            big_hash.set(format!("f{i}").as_bytes(), b"v", lim.hash);
        }
        let mut intset = SetValue::new_intset();
        for v in [-5i64, 3, 70000, i64::MAX] {
            intset.add(v.to_string().as_bytes(), 512);
        }
        let mut strset = SetValue::new_for(b"a");
        for m in ["a", "b", "ccc"] {
            strset.add(m.as_bytes(), 512);
        }
        let zsmall = ZSetValue::from_items(
            vec![
                (b"a".to_vec(), 1.0),
                (b"b".to_vec(), 2.5),
                (b"c".to_vec(), f64::INFINITY),
            ],
            lim.zset,
        );
        let zbig = ZSetValue::from_items(
            (0..200)
                .map(|i| (format!("m{i}").into_bytes(), i as f64 / 3.0))
                .collect(),
            lim.zset,
        );
        vec![
            Value::string(b"hello"),
            Value::string(b"12"),
            Value::string(b"-2147483649"),
            Value::string(&b"abc".repeat(1000)),
            Value::List(Box::new(list)),
            Value::Hash(small_hash),
            Value::Hash(big_hash),
            Value::Set(intset),
            Value::Set(strset),
            Value::ZSet(zsmall),
            Value::ZSet(zbig),
        ]
    }

    #[test]
    fn dump_restore_round_trips_every_encoding() {
        for v in sample_values() {
            let p = dump_payload(&v);
            let back = restore_payload(&p, &LoadLimits::default())
                .unwrap_or_else(|e| panic!("{} {e}", v.encoding()));
            assert_eq!(back.encoding(), v.encoding());
            assert_eq!(back, v);
        }
    }

    #[test]
    fn corrupt_payloads_are_refused() {
        let p = dump_payload(&Value::string(b"hello world"));
        for i in 0..p.len() {
            let mut bad = p.clone();
            bad[i] ^= 0x55;
            assert!(restore_payload(&bad, &LoadLimits::default()).is_err());
        }
        for cut in 0..p.len() {
            assert!(restore_payload(&p[..cut], &LoadLimits::default()).is_err());
        }
    }

    #[test]
    fn file_round_trip() {
        let vals = sample_values();
        let mut w = FileWriter::new(Vec::new(), &Aux::default(), true, true).unwrap();
        w.select_db(0, vals.len(), 1).unwrap();
        for (i, v) in vals.iter().enumerate() {
            let exp = if i == 3 { 4_000_000_000_000 } else { 0 };
            w.key(format!("key{i}").as_bytes(), v, exp).unwrap();
        }
        w.select_db(5, 1, 0).unwrap();
        w.key(b"other", &vals[0], 0).unwrap();
        let (bytes, n) = w.finish().unwrap();
        assert_eq!(n as usize, bytes.len());
        let mut got = Vec::new();
        let info = load(&bytes, &LoadLimits::default(), true, |l| {
            got.push((l.db, l.key.to_vec(), l.value, l.expire_at))
        })
        .unwrap();
        assert_eq!(info.keys as usize, vals.len() + 1);
        assert_eq!(got[3].3, 4_000_000_000_000);
        assert_eq!(got.last().unwrap().0, 5);
        for (i, v) in vals.iter().enumerate() {
            assert_eq!(&got[i].2, v);
        }
        // Any truncation is an error, never a panic.
        for cut in (0..bytes.len()).step_by(7) {
            assert!(load(&bytes[..cut], &LoadLimits::default(), true, |_| {}).is_err());
        }
        let mut bad = bytes.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 1;
        assert!(load(&bad, &LoadLimits::default(), true, |_| {}).is_err());
    }
}
