//! Typed values. One enum, so a type check (WRONGTYPE) is a single match.

use bytes::Bytes;

/// The value stored under a key.
///
/// Invariant: a `Str` never holds a buffer that pins a larger read buffer;
/// callers copy argument slices before storing them (see [`Value::string`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(Bytes),
}

impl Value {
    /// A string value copied out of `data`, so the value does not keep the
    /// connection's read buffer alive.
    pub fn string(data: &[u8]) -> Value {
        Value::Str(Bytes::copy_from_slice(data))
    }

    /// The name TYPE reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
        }
    }
}
