//! Typed values. One enum, so a type check (WRONGTYPE) is a single match.

use crate::hash::{HashLimits, HashValue};
use crate::list::ListValue;
use crate::set::SetValue;
use crate::stream::{NodeLimits, StreamValue};
use crate::zset::{ZLimits, ZSetValue};

/// The longest string Redis stores as "embstr".
pub const EMBSTR_MAX: usize = 44;

/// Strings up to this length are stored inside the value itself.
const INLINE_MAX: usize = 22;

/// A string value in one of Redis's three encodings (int, embstr, raw),
/// laid out in 24 bytes so an `Entry` stays small.
///
/// Invariants: `Int` holds exactly the strings that Redis's strict integer
/// parse accepts (so its decimal form round-trips byte for byte); `Inline`
/// (up to 22 bytes) and `Emb` (23..=44 bytes) are Redis's embstr and are
/// never modified in place (a modification makes them raw, as in Redis);
/// `Raw` is exactly sized, `Growable` is a raw string that was modified in
/// place and keeps spare capacity for further appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrValue {
    Int(i64),
    Inline { len: u8, buf: [u8; INLINE_MAX] },
    Emb(Box<[u8]>),
    Raw(Box<[u8]>),
    Growable(Box<Vec<u8>>),
}

/// Parses a signed 64-bit integer exactly as Redis's string2ll accepts it:
/// optional '-', digits, no '+', no spaces, no leading zeros, no "-0".
pub fn parse_i64_strict(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || digits[0] == b'0' {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

/// Formats an integer into a stack buffer, returning the used slice.
pub fn fmt_i64(v: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

impl StrValue {
    /// Encodes `b` the way Redis does when it stores a new string: integer
    /// when it parses as one, embstr when short, raw otherwise.
    pub fn from_bytes(b: &[u8]) -> StrValue {
        if let Some(i) = parse_i64_strict(b) {
            StrValue::Int(i)
        } else if b.len() <= EMBSTR_MAX {
            StrValue::embstr(b)
        } else {
            StrValue::raw(b.to_vec())
        }
    }

    /// An embstr-encoded copy of `b` (callers keep it within `EMBSTR_MAX`).
    pub fn embstr(b: &[u8]) -> StrValue {
        if b.len() <= INLINE_MAX {
            let mut buf = [0u8; INLINE_MAX];
            buf[..b.len()].copy_from_slice(b);
            StrValue::Inline {
                len: b.len() as u8,
                buf,
            }
        } else {
            StrValue::Emb(b.into())
        }
    }

    /// A raw-encoded string owning `v`.
    pub fn raw(v: Vec<u8>) -> StrValue {
        StrValue::Raw(v.into_boxed_slice())
    }

    /// The bytes, when the value is not an integer.
    fn as_slice(&self) -> Option<&[u8]> {
        match self {
            StrValue::Int(_) => None,
            StrValue::Inline { len, buf } => Some(&buf[..*len as usize]),
            StrValue::Emb(b) | StrValue::Raw(b) => Some(b),
            StrValue::Growable(v) => Some(v),
        }
    }

    /// Runs `f` over the string's bytes (an integer is formatted on the
    /// stack, without allocating).
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match (self, self.as_slice()) {
            (_, Some(b)) => f(b),
            (StrValue::Int(i), None) => {
                let mut buf = [0u8; 20];
                f(fmt_i64(*i, &mut buf))
            }
            _ => f(&[]),
        }
    }

    /// The bytes as an owned vector.
    pub fn to_vec(&self) -> Vec<u8> {
        self.with_bytes(|b| b.to_vec())
    }

    pub fn len(&self) -> usize {
        self.with_bytes(|b| b.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The integer value, if the string is one (by encoding or by parse).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            StrValue::Int(i) => Some(*i),
            other => other.with_bytes(parse_i64_strict),
        }
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match self {
            StrValue::Int(_) => "int",
            StrValue::Inline { .. } | StrValue::Emb(_) => "embstr",
            StrValue::Raw(_) | StrValue::Growable(_) => "raw",
        }
    }

    /// Bytes this value owns on the heap (for memory accounting).
    pub fn heap_size(&self) -> usize {
        match self {
            StrValue::Int(_) | StrValue::Inline { .. } => 0,
            StrValue::Emb(b) | StrValue::Raw(b) => b.len(),
            StrValue::Growable(v) => v.capacity() + std::mem::size_of::<Vec<u8>>(),
        }
    }

    /// Turns the value into a raw, growable byte vector (APPEND, SETRANGE,
    /// SETBIT modify in place, as Redis's raw encoding does).
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, StrValue::Growable(_)) {
            let v = match std::mem::replace(self, StrValue::Int(0)) {
                StrValue::Raw(b) => b.into_vec(),
                other => other.to_vec(),
            };
            *self = StrValue::Growable(Box::new(v));
        }
        match self {
            StrValue::Growable(v) => v,
            _ => unreachable!("converted to Growable above"),
        }
    }
}

/// The encoding thresholds the store's values were written under, for
/// `check_invariants` (values do not carry them: commands pass the
/// configured ones to each write). Lists carry their own fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub hash: HashLimits,
    pub zset: ZLimits,
    /// set-max-intset-entries.
    pub set_max_intset: usize,
    pub stream: NodeLimits,
}

impl Default for Limits {
    /// Redis's defaults.
    fn default() -> Self {
        Limits {
            hash: HashLimits::default(),
            zset: ZLimits::default(),
            set_max_intset: 512,
            stream: NodeLimits::default(),
        }
    }
}

impl Limits {
    /// No threshold: checks only what holds under any configuration (for
    /// a store whose limits changed while it was written).
    pub const ANY: Limits = Limits {
        hash: HashLimits {
            max_entries: usize::MAX,
            max_value: usize::MAX,
        },
        zset: ZLimits {
            max_entries: usize::MAX,
            max_value: usize::MAX,
        },
        set_max_intset: usize::MAX,
        stream: NodeLimits {
            max_bytes: 0,
            max_entries: 0,
        },
    };
}

impl StrValue {
    /// Checks the invariants above: an `Int` round-trips through its
    /// decimal form, `Inline` and `Emb` lengths are in their bands.
    pub fn check_invariants(&self) -> Result<(), String> {
        match self {
            StrValue::Int(i) => {
                let mut buf = [0u8; 20];
                if parse_i64_strict(fmt_i64(*i, &mut buf)) != Some(*i) {
                    return Err(format!("string int {i} does not round-trip"));
                }
            }
            StrValue::Inline { len, .. } => {
                if *len as usize > INLINE_MAX {
                    return Err(format!("string inline of {len} bytes, over {INLINE_MAX}"));
                }
            }
            StrValue::Emb(b) => {
                if b.len() <= INLINE_MAX || b.len() > EMBSTR_MAX {
                    return Err(format!(
                        "string embstr of {} bytes, outside {}..={EMBSTR_MAX}",
                        b.len(),
                        INLINE_MAX + 1
                    ));
                }
            }
            // Raw strings may be any length (APPEND, SETRANGE, SETBIT make
            // them), integers included.
            StrValue::Raw(_) | StrValue::Growable(_) => {}
        }
        Ok(())
    }
}

/// The value stored under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(StrValue),
    List(Box<ListValue>),
    Hash(HashValue),
    Set(SetValue),
    ZSet(ZSetValue),
    Stream(Box<StreamValue>),
}

impl Value {
    /// A string value, encoded as Redis would encode a newly stored string.
    /// The bytes are copied, so the value never pins a read buffer.
    pub fn string(data: &[u8]) -> Value {
        Value::Str(StrValue::from_bytes(data))
    }

    /// The hash, if this value is one (typed lookups: anything else is
    /// WRONGTYPE to the caller).
    pub fn as_hash(&self) -> Option<&HashValue> {
        match self {
            Value::Hash(h) => Some(h),
            _ => None,
        }
    }

    pub fn as_hash_mut(&mut self) -> Option<&mut HashValue> {
        match self {
            Value::Hash(h) => Some(h),
            _ => None,
        }
    }

    pub fn as_set(&self) -> Option<&SetValue> {
        match self {
            Value::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_set_mut(&mut self) -> Option<&mut SetValue> {
        match self {
            Value::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_zset(&self) -> Option<&ZSetValue> {
        match self {
            Value::ZSet(z) => Some(z),
            _ => None,
        }
    }

    pub fn as_zset_mut(&mut self) -> Option<&mut ZSetValue> {
        match self {
            Value::ZSet(z) => Some(z),
            _ => None,
        }
    }

    pub fn as_stream(&self) -> Option<&StreamValue> {
        match self {
            Value::Stream(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_stream_mut(&mut self) -> Option<&mut StreamValue> {
        match self {
            Value::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// Checks the value's own invariants (see each type) against `lim`.
    pub fn check_invariants(&self, lim: &Limits) -> Result<(), String> {
        match self {
            Value::Str(s) => s.check_invariants(),
            Value::List(l) => l.check_invariants(),
            Value::Hash(h) => h.check_invariants(lim.hash),
            Value::Set(s) => s.check_invariants(lim.set_max_intset),
            Value::ZSet(z) => z.check_invariants(lim.zset),
            Value::Stream(s) => s.check_invariants(lim.stream),
        }
    }

    /// Whether this is a collection with no element, which Redis never
    /// keeps under a key (a stream may be empty: XDEL, XTRIM and
    /// XGROUP CREATE MKSTREAM leave one).
    pub fn is_empty_collection(&self) -> bool {
        match self {
            Value::Str(_) | Value::Stream(_) => false,
            Value::List(l) => l.is_empty(),
            Value::Hash(h) => h.is_empty(),
            Value::Set(s) => s.is_empty(),
            Value::ZSet(z) => z.is_empty(),
        }
    }

    /// The name TYPE reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// OBJECT ENCODING's name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            // Redis 7.0 reports every list as a quicklist.
            Value::List(_) => "quicklist",
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Stream(_) => "stream",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_small() {
        assert!(std::mem::size_of::<Value>() <= 32);
    }

    #[test]
    fn encodings_follow_redis() {
        assert_eq!(StrValue::from_bytes(b"123").encoding(), "int");
        assert_eq!(
            StrValue::from_bytes(b"-9223372036854775808").encoding(),
            "int"
        );
        assert_eq!(StrValue::from_bytes(b"0123").encoding(), "embstr");
        assert_eq!(StrValue::from_bytes(&[b'a'; 44]).encoding(), "embstr");
        assert_eq!(StrValue::from_bytes(&[b'a'; 45]).encoding(), "raw");
        let mut v = StrValue::from_bytes(b"12");
        v.make_raw().push(b'3');
        assert_eq!(v.encoding(), "raw");
        assert_eq!(v.as_int(), Some(123));
        assert_eq!(StrValue::Int(-45).to_vec(), b"-45");
    }

    #[test]
    fn string_invariants() {
        for b in [
            &b"123"[..],
            b"-1",
            b"0123",
            &[b'a'; 22],
            &[b'a'; 23],
            &[b'a'; 44],
            &[b'a'; 45],
        ] {
            assert_eq!(StrValue::from_bytes(b).check_invariants(), Ok(()));
        }
        assert!(StrValue::Emb(vec![b'a'; 10].into())
            .check_invariants()
            .is_err());
        assert!(StrValue::Emb(vec![b'a'; 45].into())
            .check_invariants()
            .is_err());
        let v = Value::Hash(HashValue::new());
        assert_eq!(v.check_invariants(&Limits::default()), Ok(()));
        assert!(v.is_empty_collection());
    }
}
