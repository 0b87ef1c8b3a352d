//! Config files and the command line, as redis-server takes them: a file
//! (with `include`), `--directive value` overrides, the fatal error report
//! for a bad line, and CONFIG REWRITE through the running server.

use std::process::Command;

use crate::common::server::Flavor;
use crate::common::{Resp, Server};

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ferrodis-config-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn config_get(s: &Server, name: &str) -> String {
    let r = s.raw().cmd(&["CONFIG", "GET", name]);
    r.items()
        .get(1)
        .map(|v| v.text())
        .unwrap_or_else(|| panic!("CONFIG GET {name}: {r:?}"))
}

#[test]
fn file_include_and_command_line_overrides() {
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let dir = temp_dir(&format!("include-{flavor:?}"));
        let inc = dir.join("extra.conf");
        std::fs::write(&inc, "databases 4\nhz 30\n").expect("write include");
        let main = dir.join("main.conf");
        std::fs::write(
            &main,
            format!(
                "# a comment\nhz 20\ninclude {}\ntimeout \"7\"\nmaxclients 500\n",
                inc.display()
            ),
        )
        .expect("write config");
        let main = main.display().to_string();
        let s = Server::spawn(flavor, &[&main, "--maxclients", "600"]);
        // Last directive wins (the include's hz 30 after the file's hz 20),
        // the command line overrides the file.
        assert_eq!(config_get(&s, "hz"), "30", "{flavor:?}");
        assert_eq!(config_get(&s, "timeout"), "7", "{flavor:?}");
        assert_eq!(config_get(&s, "maxclients"), "600", "{flavor:?}");
        let mut c = s.raw();
        assert_eq!(c.cmd(&["SELECT", "3"]), Resp::Simple("OK".into()));
        assert!(c.cmd(&["SELECT", "4"]).is_error());
    }
}

/// The fatal report for a bad line matches redis-server's, apart from the
/// product name in the banner, and the process exits with status 1.
#[test]
fn bad_directive_is_fatal_with_redis_report() {
    let dir = temp_dir("bad");
    let path = dir.join("bad.conf");
    std::fs::write(&path, "port 7000\nfoo bar\n").expect("write");
    let run = |bin: String| {
        let out = Command::new(bin).arg(&path).output().expect("run server");
        let text = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        (out.status.code(), text)
    };
    let (ours_code, ours) = run(Flavor::Ferrodis.binary());
    let (redis_code, redis) = run(Flavor::Reference.binary());
    assert_eq!(ours_code, Some(1), "{ours}");
    assert_eq!(redis_code, Some(1), "{redis}");
    let tail = |t: &str| -> Vec<String> {
        t.lines()
            .skip_while(|l| !l.contains("FATAL CONFIG FILE ERROR"))
            .skip(1)
            .map(|l| l.to_string())
            .collect()
    };
    assert!(!tail(&ours).is_empty(), "no fatal report in: {ours}");
    assert_eq!(tail(&ours), tail(&redis));
}

#[test]
fn config_rewrite_persists_runtime_changes() {
    let dir = temp_dir("rewrite");
    let path = dir.join("rw.conf");
    std::fs::write(&path, "# keep me\nhz 10\n").expect("write");
    let p = path.display().to_string();
    let s = Server::start_with(&[&p]);
    let mut c = s.raw();
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "hz", "15", "maxclients", "321"]),
        Resp::Simple("OK".into())
    );
    assert_eq!(c.cmd(&["CONFIG", "REWRITE"]), Resp::Simple("OK".into()));
    let text = std::fs::read_to_string(&path).expect("read back");
    assert!(text.contains("# keep me"), "{text}");
    assert!(text.lines().any(|l| l == "hz 15"), "{text}");
    assert!(text.lines().any(|l| l == "maxclients 321"), "{text}");
}

#[test]
fn without_a_file_rewrite_fails_like_redis() {
    for flavor in [Flavor::Ferrodis, Flavor::Reference] {
        let s = Server::spawn(flavor, &[]);
        let r = s.raw().cmd_raw(&["CONFIG", "REWRITE"]);
        assert_eq!(
            r,
            b"-ERR The server is running without a config file\r\n".to_vec(),
            "{flavor:?}"
        );
    }
}

/// The directives added with HyperLogLog, client-side caching and the
/// shutdown's replica wait: defaults, values and errors as Redis's.
#[test]
fn new_directives_match_redis() {
    let mut d = crate::common::Diff::new();
    for name in [
        "hll-sparse-max-bytes",
        "tracking-table-max-keys",
        "shutdown-timeout",
    ] {
        d.script(&[
            &["CONFIG", "GET", name],
            &["CONFIG", "SET", name, "1234"],
            &["CONFIG", "GET", name],
            &["CONFIG", "SET", name, "-1"],
            &["CONFIG", "SET", name, "x"],
            &["CONFIG", "SET", name, "0"],
            &["CONFIG", "GET", name],
        ]);
    }
    d.script(&[
        &["CONFIG", "SET", "hll-sparse-max-bytes", "2k"],
        &["CONFIG", "GET", "hll-sparse-max-bytes"],
    ]);
    d.finish();
}
