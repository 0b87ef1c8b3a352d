//! The wire protocol: protocol errors (exact bytes, then the connection is
//! closed, other clients unaffected), pipelining, split requests, inline
//! commands. Every case runs on ferrodis and on redis-server 7.0.

use crate::common::{encode_request, Diff};

fn closes(input: &[u8], expected: &[u8]) {
    let mut d = Diff::new();
    // A second, idle client on each server must survive the error.
    let (mut other_f, mut other_r) = d.new_conns();
    d.raw_closes(input, Some(expected));
    for (c, who) in [(&mut other_f, "ferrodis"), (&mut other_r, "redis")] {
        let reply = c.cmd_raw(&["PING"]);
        if reply != b"+PONG\r\n" {
            d.fail(format!(
                "{who}: the other client got {reply:?} after the protocol error"
            ));
        }
    }
    d.finish();
}

#[test]
fn invalid_multibulk_length() {
    closes(
        b"*abc\r\n",
        b"-ERR Protocol error: invalid multibulk length\r\n",
    );
}

#[test]
fn multibulk_length_over_int_max() {
    closes(
        b"*2147483648\r\n",
        b"-ERR Protocol error: invalid multibulk length\r\n",
    );
}

#[test]
fn expected_dollar() {
    closes(
        b"*1\r\nfoo\r\n",
        b"-ERR Protocol error: expected '$', got 'f'\r\n",
    );
}

#[test]
fn negative_bulk_length() {
    closes(
        b"*1\r\n$-1\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
}

#[test]
fn non_numeric_bulk_length() {
    closes(
        b"*1\r\n$abc\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
}

#[test]
fn bulk_length_beyond_default_proto_max_bulk_len() {
    // The default proto-max-bulk-len is 512mb.
    closes(
        b"*1\r\n$536870913\r\n",
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
}

#[test]
fn bulk_length_beyond_configured_proto_max_bulk_len() {
    // 1048576 is the smallest value redis-server accepts.
    let mut d = Diff::with_args(&["--proto-max-bulk-len", "1048576"]);
    d.raw_closes(
        b"*2\r\n$4\r\nECHO\r\n$1048577\r\n",
        Some(b"-ERR Protocol error: invalid bulk length\r\n"),
    );
    // Exactly the limit is accepted.
    let big = vec![b'x'; 1048576];
    let reply = d.raw(&encode_request(&[b"SET".as_slice(), b"k", &big]), 1);
    d.check("reply", &reply, b"+OK\r\n");
    d.cmd(&["GET", "k"]);
    d.finish();
}

#[test]
fn too_big_inline_request() {
    closes(
        &vec![b'a'; 70000],
        b"-ERR Protocol error: too big inline request\r\n",
    );
}

#[test]
fn too_big_mbulk_count_string() {
    let mut input = b"*".to_vec();
    input.extend(vec![b'1'; 70000]);
    closes(
        &input,
        b"-ERR Protocol error: too big mbulk count string\r\n",
    );
}

#[test]
fn too_big_bulk_count_string() {
    let mut input = b"*1\r\n$".to_vec();
    input.extend(vec![b'1'; 70000]);
    closes(
        &input,
        b"-ERR Protocol error: too big bulk count string\r\n",
    );
}

#[test]
fn unbalanced_quotes_inline() {
    closes(
        b"set \"a\r\n",
        b"-ERR Protocol error: unbalanced quotes in request\r\n",
    );
}

#[test]
fn requests_before_a_bad_one_are_answered_first() {
    closes(
        b"PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nGET k\r\n*abc\r\nPING\r\n",
        b"+PONG\r\n+OK\r\n$1\r\nv\r\n-ERR Protocol error: invalid multibulk length\r\n",
    );
}

#[test]
fn unauthenticated_limits() {
    // With requirepass, unauthenticated clients may not send big requests.
    let mut d = Diff::with_args(&["--requirepass", "pw"]);
    d.expect(&["PING"], b"-NOAUTH Authentication required.\r\n");
    d.raw_closes(
        b"*11\r\n",
        Some(b"-ERR Protocol error: unauthenticated multibulk length\r\n"),
    );
    d.raw_closes(
        b"*1\r\n$16385\r\n",
        Some(b"-ERR Protocol error: unauthenticated bulk length\r\n"),
    );
    // The limits are inclusive: 10 arguments and 16384 bytes are fine.
    let mut req = encode_request(&["DEL", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    req.extend(encode_request(&[b"ECHO".as_slice(), &[b'x'; 16384]]));
    let reply = d.raw(&req, 2);
    d.check(
        "reply",
        &reply,
        b"-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n",
    );
    d.finish();
}

#[test]
fn authenticated_clients_have_no_unauthenticated_limits() {
    let mut d = Diff::with_args(&["--requirepass", "pw"]);
    d.expect(&["AUTH", "pw"], b"+OK\r\n");
    let args: Vec<String> = (0..20).map(|i| i.to_string()).collect();
    let mut argv = vec!["DEL"];
    argv.extend(args.iter().map(String::as_str));
    d.expect(&argv, b":0\r\n");
    d.cmd(&[b"ECHO".as_slice(), &[b'y'; 20000]]);
    d.finish();
}

#[test]
fn auth_then_commands_in_one_write() {
    let mut d = Diff::with_args(&["--requirepass", "pw"]);
    let mut req = encode_request(&["DEL", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    req.extend(encode_request(&[b"ECHO".as_slice(), &[b'x'; 16384]]));
    req.extend(encode_request(&["AUTH", "pw"]));
    req.extend(encode_request(&["ECHO", "ok"]));
    let reply = d.raw(&req, 4);
    d.check("reply", &reply, b"-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n+OK\r\n$2\r\nok\r\n");
    d.finish();
}

#[test]
fn pipelining_thousand_pings_in_one_write() {
    let mut d = Diff::new();
    let input = b"PING\r\n".repeat(1000);
    let reply = d.raw(&input, 1000);
    d.check("reply", &reply, &b"+PONG\r\n".repeat(1000));
    let mut mixed = Vec::new();
    for i in 0..500 {
        mixed.extend(encode_request(&["SET", &format!("k{i}"), &format!("v{i}")]));
        mixed.extend(encode_request(&["GET", &format!("k{i}")]));
    }
    mixed.extend(encode_request(&["DBSIZE"]));
    let reply = d.raw(&mixed, 1001);
    let mut expected = Vec::new();
    for i in 0..500 {
        expected.extend(b"+OK\r\n");
        let v = format!("v{i}");
        expected.extend(format!("${}\r\n{v}\r\n", v.len()).as_bytes());
    }
    expected.extend(b":500\r\n");
    d.check("reply", &reply, &expected);
    d.finish();
}

#[test]
fn requests_split_byte_by_byte() {
    let mut d = Diff::new();
    let mut input = encode_request(&["SET", "key", "hello world"]);
    input.extend(b"GET key\r\n");
    input.extend(encode_request(&["ECHO", ""]));
    input.extend(b"ECHO \"x y\"\n");
    let chunks: Vec<&[u8]> = input.chunks(1).collect();
    let reply = d.raw_chunks(&chunks, 4);
    d.check(
        "reply",
        &reply,
        b"+OK\r\n$11\r\nhello world\r\n$0\r\n\r\n$3\r\nx y\r\n",
    );
    // A large value split into uneven chunks.
    let big = vec![b'z'; 100_000];
    let input = encode_request(&[b"SET".as_slice(), b"big", &big]);
    let chunks: Vec<&[u8]> = input.chunks(7919).collect();
    d.raw_chunks(&chunks, 1);
    d.cmd(&["GET", "big"]);
    d.finish();
}

#[test]
fn inline_commands_with_quotes_and_escapes() {
    let mut d = Diff::new();
    d.raw(b"SET \"a b\" 'c d'\r\n", 1);
    d.expect(&["GET", "a b"], b"$3\r\nc d\r\n");
    d.raw(b"ECHO \"\\x41\\n\"\r\n", 1);
    d.raw(b"ECHO \"tab\\there\" 'it\\'s'\r\n", 1);
    d.raw(b"ECHO \"\\xzz\"\r\n", 1);
    d.raw(b"ECHO '\\x41'\r\n", 1);
    d.raw(b"  ECHO    spaced   \r\n", 1);
    d.raw(b"ECHO \"\"\r\n", 1);
    d.raw(b"ping\n", 1);
    d.finish();
}

#[test]
fn inline_error_after_closing_quote() {
    // A closing quote must be followed by a space.
    closes(
        b"ECHO \"a\"b\r\n",
        b"-ERR Protocol error: unbalanced quotes in request\r\n",
    );
}

#[test]
fn empty_lines_and_empty_multibulk_are_ignored() {
    let mut d = Diff::new();
    let reply = d.raw(b"\r\n\r\n\n*0\r\n   \r\nPING\r\n*-1\r\nPING\r\n", 2);
    d.check("reply", &reply, b"+PONG\r\n+PONG\r\n");
    d.finish();
}

#[test]
fn binary_safe_bulk_arguments() {
    let mut d = Diff::new();
    let value: Vec<u8> = (0u8..=255).collect();
    d.cmd(&[b"SET".as_slice(), b"bin\x00key", &value]);
    d.cmd(&[b"GET".as_slice(), b"bin\x00key"]);
    d.cmd(&[b"ECHO".as_slice(), b"\r\n"]);
    d.finish();
}
