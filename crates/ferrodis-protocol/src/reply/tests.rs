use super::*;

fn r2() -> ReplyBuf {
    ReplyBuf::new()
}

fn r3() -> ReplyBuf {
    let mut r = ReplyBuf::new();
    r.set_resp(3);
    r
}

#[test]
fn scalars_resp2() {
    let mut r = r2();
    assert_eq!(r.resp(), 2);
    assert!(r.is_empty());
    r.simple(b"PONG");
    r.ok();
    r.integer(-42);
    r.integer(i64::MIN);
    r.bulk(b"a\r\nb");
    r.bulk(b"");
    r.bulk_int(1234);
    r.null();
    r.null_array();
    r.boolean(true);
    r.boolean(false);
    r.double(3.0);
    r.double(f64::INFINITY);
    r.verbatim("txt", b"hello");
    assert_eq!(
        r.as_slice(),
        &b"+PONG\r\n+OK\r\n:-42\r\n:-9223372036854775808\r\n$4\r\na\r\nb\r\n$0\r\n\r\n\
$4\r\n1234\r\n$-1\r\n*-1\r\n:1\r\n:0\r\n$1\r\n3\r\n$3\r\ninf\r\n$5\r\nhello\r\n"[..]
    );
    assert_eq!(r.len(), r.as_slice().len());
}

#[test]
fn scalars_resp3() {
    let mut r = r3();
    r.null();
    r.null_array();
    r.boolean(true);
    r.boolean(false);
    r.double(1.5);
    r.double(0.1);
    r.double(f64::NEG_INFINITY);
    r.verbatim("txt", b"");
    r.verbatim("mkd", b"# hi");
    assert_eq!(
        r.as_slice(),
        &b"_\r\n_\r\n#t\r\n#f\r\n,1.5\r\n,0.10000000000000001\r\n,-inf\r\n=4\r\ntxt:\r\n=8\r\nmkd:# hi\r\n"[..]
    );
}

#[test]
fn aggregates() {
    let mut r = r2();
    r.array(2);
    r.map(3);
    r.set(4);
    r.push(1);
    assert_eq!(r.as_slice(), b"*2\r\n*6\r\n*4\r\n*1\r\n");
    let mut r = r3();
    r.array(2);
    r.map(3);
    r.set(4);
    r.push(1);
    r.array(0);
    assert_eq!(r.as_slice(), b"*2\r\n%3\r\n~4\r\n>1\r\n*0\r\n");
}

#[test]
fn errors_are_sanitized() {
    let mut r = r2();
    r.error("ERR bad\r\nthing");
    r.error("WRONGTYPE Operation against a key holding the wrong kind of value");
    r.error("-NOAUTH Authentication required.");
    assert_eq!(
        r.as_slice(),
        &b"-ERR bad  thing\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n\
-NOAUTH Authentication required.\r\n"[..]
    );
    let mut r = r2();
    r.protocol_error(&ProtocolError::ExpectedDollar(0xff));
    r.protocol_error(&ProtocolError::ExpectedDollar(b'\n'));
    r.protocol_error(&ProtocolError::InvalidBulkLength);
    assert_eq!(
        r.as_slice(),
        &b"-ERR Protocol error: expected '$', got '\xff'\r\n\
-ERR Protocol error: expected '$', got ' '\r\n\
-ERR Protocol error: invalid bulk length\r\n"[..]
    );
}

#[test]
fn deferred_simple_and_sequential() {
    let mut r = r2();
    r.simple(b"x");
    let d = r.deferred();
    r.bulk(b"a");
    r.bulk(b"b");
    r.set_deferred_array(d, 2);
    let d = r.deferred();
    r.integer(1);
    r.set_deferred_map(d, 12);
    assert_eq!(
        r.as_slice(),
        &b"+x\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*24\r\n:1\r\n"[..]
    );
}

#[test]
fn deferred_nested_any_order() {
    // Expected: outer array of [inner set of {1}, 2]
    let expect2: &[u8] = b"*2\r\n*1\r\n:1\r\n:2\r\n";
    let expect3: &[u8] = b"*2\r\n~1\r\n:1\r\n:2\r\n";
    for resp in [2u8, 3] {
        for inner_first in [true, false] {
            let mut r = ReplyBuf::new();
            r.set_resp(resp);
            let outer = r.deferred();
            let inner = r.deferred(); // same offset as outer
            r.integer(1);
            let mid = r.len();
            r.integer(2);
            let _ = mid;
            if inner_first {
                r.set_deferred_set(inner, 1);
                r.set_deferred_array(outer, 2);
            } else {
                r.set_deferred_array(outer, 2);
                r.set_deferred_set(inner, 1);
            }
            let want = if resp == 3 { expect3 } else { expect2 };
            assert_eq!(r.as_slice(), want, "resp {resp} inner_first {inner_first}");
        }
    }
}

#[test]
fn deferred_siblings_set_in_creation_order() {
    // [ [a], [b] ] built with both inner lengths pending at once.
    let mut r = r3();
    let outer = r.deferred();
    let first = r.deferred();
    r.bulk(b"a");
    let second = r.deferred();
    r.bulk(b"b");
    r.set_deferred_array(first, 1);
    r.set_deferred_map(second, 1);
    r.set_deferred_array(outer, 2);
    assert_eq!(
        r.as_slice(),
        &b"*2\r\n*1\r\n$1\r\na\r\n%1\r\n$1\r\nb\r\n"[..]
    );
}

#[test]
fn deferred_empty_aggregate_followed_by_another() {
    // An empty deferred array immediately followed by another deferred one.
    let mut r = r2();
    let a = r.deferred();
    let b = r.deferred();
    r.integer(7);
    r.set_deferred_array(a, 0);
    r.set_deferred_array(b, 1);
    assert_eq!(r.as_slice(), b"*0\r\n*1\r\n:7\r\n");
}

#[test]
fn stale_deferred_is_ignored() {
    let mut r = r2();
    r.ok();
    r.integer(0);
    let d = r.deferred();
    r.integer(1);
    r.truncate(5);
    let e = r.deferred();
    r.integer(2);
    r.set_deferred_array(d, 99); // stale: ignored
    r.set_deferred_array(e, 1);
    assert_eq!(r.as_slice(), b"+OK\r\n*1\r\n:2\r\n");
    let d = r.deferred();
    let bytes = r.take_bytes();
    assert_eq!(&bytes[..], b"+OK\r\n*1\r\n:2\r\n");
    assert!(r.is_empty());
    r.set_deferred_array(d, 3); // stale after take_bytes
    assert!(r.is_empty());
    let d = r.deferred();
    r.clear();
    r.set_deferred_array(d, 3);
    assert!(r.is_empty());
}

#[test]
fn take_bytes_then_reuse() {
    let mut r = r2();
    for i in 0..100 {
        r.bulk_int(i);
        let b = r.take_bytes();
        assert_eq!(
            b,
            Bytes::from(format!("${}\r\n{i}\r\n", i.to_string().len()))
        );
        assert!(r.is_empty());
    }
}

#[test]
fn replies_decode_with_redis_protocol() {
    use redis_protocol::resp2::decode::decode;
    use redis_protocol::resp2::types::OwnedFrame;
    let mut r = r2();
    let d = r.deferred();
    r.bulk(b"k\r\n");
    r.integer(-7);
    r.double(0.1);
    r.null();
    r.set_deferred_map(d, 2);
    let (frame, used) = decode(r.as_slice()).expect("decode").expect("complete");
    assert_eq!(used, r.len());
    assert_eq!(
        frame,
        OwnedFrame::Array(vec![
            OwnedFrame::BulkString(b"k\r\n".to_vec()),
            OwnedFrame::Integer(-7),
            OwnedFrame::BulkString(b"0.10000000000000001".to_vec()),
            OwnedFrame::Null,
        ])
    );
}

#[test]
fn raw_frames_append_and_insert() {
    let mut r = r2();
    r.integer(1);
    r.raw(b"+a\r\n");
    r.insert_raw(0, b"+first\r\n");
    r.insert_raw(100, b"+last\r\n");
    assert_eq!(r.as_slice(), b"+first\r\n:1\r\n+a\r\n+last\r\n");
    // A pending deferred header after the insertion point moves along.
    let mut r = r2();
    r.integer(1);
    let d = r.deferred();
    r.integer(2);
    r.insert_raw(0, b"+p\r\n");
    r.set_deferred_array(d, 1);
    assert_eq!(r.as_slice(), b"+p\r\n:1\r\n*1\r\n:2\r\n");
}
