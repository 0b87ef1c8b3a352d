//! Protocol errors, worded exactly as Redis 7.0 words them.

/// A malformed request. After one of these the server replies
/// `-ERR <Display>\r\n` and closes the connection.
///
/// `Display` is the text after `ERR `. For [`ProtocolError::ExpectedDollar`]
/// with a non-ASCII byte, `Display` cannot reproduce Redis's raw byte (it
/// shows the Latin-1 character); [`ProtocolError::message_bytes`] and
/// [`crate::ReplyBuf::protocol_error`] give the exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// `*N` where N is not an integer or is above `i32::MAX`.
    #[error("Protocol error: invalid multibulk length")]
    InvalidMultibulkLength,
    /// `*N` with N > 10 from a client that has not authenticated.
    #[error("Protocol error: unauthenticated multibulk length")]
    UnauthenticatedMultibulkLength,
    /// A `*N` line with no `\r` within the inline size limit.
    #[error("Protocol error: too big mbulk count string")]
    TooBigMbulkCountString,
    /// A `$N` line with no `\r` within the inline size limit.
    #[error("Protocol error: too big bulk count string")]
    TooBigBulkCountString,
    /// An element of a multibulk request that does not start with `$`.
    #[error("Protocol error: expected '$', got '{}'", shown_byte(*.0))]
    ExpectedDollar(u8),
    /// `$N` where N is not an integer, is negative, or exceeds `proto-max-bulk-len`.
    #[error("Protocol error: invalid bulk length")]
    InvalidBulkLength,
    /// `$N` with N > 16384 from a client that has not authenticated.
    #[error("Protocol error: unauthenticated bulk length")]
    UnauthenticatedBulkLength,
    /// An inline request line longer than the inline size limit.
    #[error("Protocol error: too big inline request")]
    TooBigInlineRequest,
    /// An inline request whose quoting does not parse.
    #[error("Protocol error: unbalanced quotes in request")]
    UnbalancedQuotes,
}

/// Redis replaces `\r` and `\n` in error messages by spaces.
fn shown_byte(b: u8) -> char {
    match b {
        b'\r' | b'\n' => ' ',
        _ => char::from(b),
    }
}

impl ProtocolError {
    /// The exact bytes Redis sends after `-ERR ` (no trailing CRLF),
    /// including a raw non-ASCII byte for [`ProtocolError::ExpectedDollar`].
    pub fn message_bytes(&self) -> Vec<u8> {
        match self {
            ProtocolError::ExpectedDollar(b) => {
                let mut v = b"Protocol error: expected '$', got '".to_vec();
                v.push(match b {
                    b'\r' | b'\n' => b' ',
                    other => *other,
                });
                v.push(b'\'');
                v
            }
            other => other.to_string().into_bytes(),
        }
    }
}
