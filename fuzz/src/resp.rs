//! Request parser properties.
//!
//! Input: byte 0 picks the limits (small limits reach the "too big" and
//! "invalid bulk length" paths within libFuzzer's input sizes; one bit is
//! "not authenticated"), bytes 1..3 seed the split points, the rest is what
//! the client sent. Checked, for every input:
//! - no panic, and the parser never asks for more than its hint bound;
//! - the same requests come out whether the bytes arrive in one read or in
//!   arbitrary pieces (unless a line-length limit fired: when it fires
//!   depends on how much was buffered, in Redis too);
//! - every accepted request, re-encoded as multibulk, parses back to itself;
//! - where the independent RESP decoder (redis-protocol) reads the same
//!   bytes as an array of bulk strings, it reads the same arguments.

use bytes::{Bytes, BytesMut};
use ferrodis_protocol::{ParseLimits, ProtocolError, RequestParser};

use crate::Rng;

/// What parsing a stream of bytes produced.
#[derive(Debug)]
struct Outcome {
    requests: Vec<Vec<Bytes>>,
    /// Bytes each request took off the buffer (empty requests before it
    /// included).
    consumed: Vec<usize>,
    /// Whether each request was inline.
    inline: Vec<bool>,
    error: Option<ProtocolError>,
}

fn limits_from(b: u8) -> ParseLimits {
    ParseLimits {
        max_bulk_len: match b & 3 {
            0 => 512 * 1024 * 1024,
            1 => 16,
            2 => 1000,
            _ => u64::MAX >> 1,
        },
        max_inline_len: match (b >> 2) & 3 {
            0 => 64 * 1024,
            1 => 8,
            2 => 100,
            _ => 1,
        },
        authenticated: b & 0x10 == 0,
    }
}

fn parse_in_pieces(data: &[u8], limits: &ParseLimits, rng: Option<&mut Rng>) -> Outcome {
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut argv = Vec::new();
    let mut out = Outcome {
        requests: Vec::new(),
        consumed: Vec::new(),
        inline: Vec::new(),
        error: None,
    };
    let mut fed = 0;
    let mut rng = rng;
    while fed < data.len() {
        let n = match rng.as_deref_mut() {
            Some(r) => 1 + r.below(16) as usize,
            None => data.len(),
        };
        let end = (fed + n).min(data.len());
        buf.extend_from_slice(&data[fed..end]);
        fed = end;
        loop {
            let before = buf.len();
            match parser.parse(&mut buf, limits, &mut argv) {
                Ok(true) => {
                    out.requests.push(std::mem::take(&mut argv));
                    out.consumed.push(before - buf.len());
                    out.inline.push(parser.last_was_inline());
                }
                Ok(false) => {
                    assert!(parser.pending_hint() <= 4 * 1024 * 1024, "hint unbounded");
                    break;
                }
                Err(e) => {
                    out.error = Some(e);
                    return out;
                }
            }
        }
    }
    out
}

fn encode(argv: &[Bytes]) -> Vec<u8> {
    let mut v = format!("*{}\r\n", argv.len()).into_bytes();
    for a in argv {
        v.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        v.extend_from_slice(a);
        v.extend_from_slice(b"\r\n");
    }
    v
}

fn length_limited(e: &Option<ProtocolError>) -> bool {
    matches!(
        e,
        Some(
            ProtocolError::TooBigInlineRequest
                | ProtocolError::TooBigBulkCountString
                | ProtocolError::TooBigMbulkCountString
        )
    )
}

/// The independent decoder's reading of `raw`, when it is an array of bulk
/// strings taking exactly `raw`.
fn oracle(raw: &[u8]) -> Option<Vec<Bytes>> {
    use redis_protocol::resp2::{decode::decode, types::OwnedFrame};
    let (frame, used) = decode(raw).ok().flatten()?;
    if used != raw.len() {
        return None;
    }
    match frame {
        OwnedFrame::Array(items) => items
            .into_iter()
            .map(|f| match f {
                OwnedFrame::BulkString(b) => Some(Bytes::from(b)),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

pub fn check(data: &[u8]) {
    let (head, body) = match data {
        [l, a, b, rest @ ..] => ((*l, u16::from_le_bytes([*a, *b])), rest),
        _ => return,
    };
    let limits = limits_from(head.0);
    let whole = parse_in_pieces(body, &limits, None);
    let mut rng = Rng::new(u64::from(head.1) + 1);
    let pieces = parse_in_pieces(body, &limits, Some(&mut rng));
    if !length_limited(&whole.error) && !length_limited(&pieces.error) {
        // (What each call consumed differs: empty requests are consumed by
        // whichever call meets them.)
        assert_eq!(
            (&whole.requests, &whole.error),
            (&pieces.requests, &pieces.error),
            "splitting the input changed what was parsed"
        );
    }
    let unlimited = ParseLimits::default();
    let mut offset = 0;
    for ((argv, used), inline) in whole
        .requests
        .iter()
        .zip(&whole.consumed)
        .zip(&whole.inline)
    {
        let raw = &body[offset..offset + used];
        offset += used;
        assert!(!argv.is_empty(), "an empty request was returned");
        assert!(
            argv.iter().map(|a| a.len()).sum::<usize>() <= raw.len(),
            "arguments longer than their request"
        );
        if !limits.authenticated && !inline {
            assert!(argv.len() <= 10, "unauthenticated multibulk limit");
            assert!(
                argv.iter().all(|a| a.len() <= 16384),
                "unauthenticated bulk limit"
            );
        }
        let again = parse_in_pieces(&encode(argv), &unlimited, None);
        assert_eq!(
            again.requests,
            vec![argv.clone()],
            "re-encoded request differs"
        );
        assert_eq!(again.error, None);
        if raw.first() == Some(&b'*') {
            if let Some(theirs) = oracle(raw) {
                assert_eq!(&theirs, argv, "redis-protocol reads other arguments");
            }
        }
    }
}
