//! Request parsing: ferrodis's `RequestParser` against redis-protocol 6's
//! RESP2 decoder (decoding into its `BytesFrame`, the alternative we rejected).
//!
//! Run: `cargo bench -p ferrodis-protocol --bench parse -- --warm-up-time 1 --measurement-time 3`
//! Criterion reports time per pipeline; the throughput line is requests/s.

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ferrodis_protocol::{ParseLimits, RequestParser};
use redis_protocol::resp2::decode::decode_bytes_mut;

const PIPELINE: usize = 16;

fn multibulk(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// 16 requests alternating `SET key:000123 <64 bytes>` and `GET key:000123`.
fn set_get_pipeline() -> Vec<u8> {
    let value = [b'x'; 64];
    let mut out = Vec::new();
    for i in 0..PIPELINE {
        let key = format!("key:{:06}", 123 + i / 2);
        if i % 2 == 0 {
            out.extend(multibulk(&[b"SET", key.as_bytes(), &value]));
        } else {
            out.extend(multibulk(&[b"GET", key.as_bytes()]));
        }
    }
    out
}

fn ours(input: &[u8], n: usize, c: &mut Criterion, name: &str) {
    let limits = ParseLimits::default();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(n as u64));
    let mut parser = RequestParser::new();
    let mut argv: Vec<Bytes> = Vec::with_capacity(8);
    group.bench_function("ferrodis", |b| {
        b.iter_batched(
            || BytesMut::from(input),
            |mut buf| {
                let mut count = 0;
                while let Ok(true) = parser.parse(&mut buf, &limits, &mut argv) {
                    count += argv.len();
                }
                black_box(count)
            },
            BatchSize::SmallInput,
        )
    });
    if input.first() == Some(&b'*') {
        group.bench_function("redis-protocol", |b| {
            b.iter_batched(
                || BytesMut::from(input),
                |mut buf| {
                    let mut count = 0;
                    while let Ok(Some((frame, _, _))) = decode_bytes_mut(&mut buf) {
                        count += 1;
                        black_box(frame);
                    }
                    black_box(count)
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    ours(&set_get_pipeline(), PIPELINE, c, "pipeline16_set_get");
    ours(b"PING\r\n", 1, c, "inline_ping");
    ours(&multibulk(&[b"PING"]), 1, c, "multibulk_ping");
}

criterion_group!(benches, bench);
criterion_main!(benches);
