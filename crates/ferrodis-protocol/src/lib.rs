//! ferrodis-protocol: the wire protocol of Redis 7.0, with no knowledge of commands.
//!
//! # Layout
//! - [`parser`]: [`RequestParser`] turns the bytes a client sent into argument
//!   vectors (RESP2 multibulk and the inline protocol), applying [`ParseLimits`]
//!   (including Redis's limits for unauthenticated clients). Arguments are
//!   zero-copy slices of the read buffer.
//! - [`reply`]: [`ReplyBuf`] encodes replies in RESP2 or RESP3, including
//!   aggregates whose length is only known later ([`DeferredLen`]).
//! - [`error`]: [`ProtocolError`], whose `Display` is Redis's exact error text
//!   (the part after `ERR `).
//! - [`num`]: integer and `%.17g` double formatting without allocation.

pub mod error;
pub mod num;
pub mod parser;
pub mod reply;

pub use error::ProtocolError;
pub use parser::{ParseLimits, RequestParser};
pub use reply::{DeferredLen, ReplyBuf};
