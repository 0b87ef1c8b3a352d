//! Unit tests of the parts that need no server: shebang parsing, sha1.

use bytes::Bytes;

use super::{parse_shebang, reaches_other_dbs, sha1_hex};

#[test]
fn sha1_of_known_bodies() {
    assert_eq!(&sha1_hex(b""), b"da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(
        &sha1_hex(b"return 1"),
        b"e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
    );
}

#[test]
fn shebang_lines() {
    let (f, src) = parse_shebang(&Bytes::from_static(b"return 1")).unwrap();
    assert!(!f.shebang);
    assert_eq!(&src[..], b"return 1");
    let (f, src) = parse_shebang(&Bytes::from_static(
        b"#!lua flags=no-writes,allow-oom\nreturn 1",
    ))
    .unwrap();
    assert!(f.shebang && f.no_writes && f.allow_oom);
    assert_eq!(&src[..], b"\nreturn 1");
    for (body, err) in [
        (&b"#!lua"[..], "ERR Invalid script shebang"),
        (
            b"#!python\nx",
            "ERR Unexpected engine in script shebang: #!python",
        ),
        (
            b"#!lua flags=bogus\nx",
            "ERR Unexpected flag in script shebang: bogus",
        ),
        (b"#!lua name=x\nx", "ERR Unknown lua shebang option: name=x"),
    ] {
        let e = parse_shebang(&Bytes::copy_from_slice(body)).unwrap_err();
        assert_eq!(e.to_string(), err);
    }
}

#[test]
fn database_switching_words() {
    assert!(reaches_other_dbs(b"redis.call('SELECT', 1)"));
    assert!(reaches_other_dbs(b"redis.call('move', KEYS[1], 2)"));
    assert!(!reaches_other_dbs(b"redis.call('get', KEYS[1])"));
}
