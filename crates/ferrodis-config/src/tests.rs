//! Tests across modules: the table, loading, CONFIG GET/SET/REWRITE.

use super::*;
use std::path::PathBuf;

fn all(config: &Config) -> Vec<(&'static str, String)> {
    config.get_matching(&mut |_| true)
}

fn get(config: &Config, name: &str) -> String {
    config
        .get_matching(&mut |n| n == name.as_bytes())
        .into_iter()
        .next()
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn load(text: &str) -> Result<Config, ConfigError> {
    let mut c = Config::default();
    c.load_str(text, None).map(|()| c)
}

fn load_err(text: &str) -> String {
    load(text).expect_err("should fail").to_string()
}

fn fatal(line: usize, text: &str, reason: &str) -> String {
    format!(
        "\n*** FATAL CONFIG FILE ERROR (ferrodis 0.1.0) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{reason}"
    )
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TmpDir(PathBuf);

impl std::ops::Deref for TmpDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp_dir(name: &str) -> TmpDir {
    let dir = std::env::temp_dir().join(format!(
        "ferrodis-config-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    TmpDir(dir)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn set(config: &mut Config, pairs: &[(&str, &str)]) -> Result<(), String> {
    let pairs: Vec<(&[u8], &[u8])> = pairs
        .iter()
        .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
        .collect();
    config.set_many(&pairs).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- table --

#[test]
fn table_names_unique_lowercase_and_defaults_parse() {
    let mut names = std::collections::HashSet::new();
    for spec in directives() {
        assert_eq!(spec.name, spec.name.to_ascii_lowercase());
        assert!(names.insert(spec.name), "duplicate {}", spec.name);
        for alias in spec.aliases {
            assert!(names.insert(alias), "duplicate alias {alias}");
        }
        let words = split_args(spec.default).expect("default lexes");
        assert!(
            spec.parse(&words).is_ok(),
            "default of {} parses",
            spec.name
        );
        assert!(!spec.doc.is_empty());
    }
    assert!(directives().count() >= 22);
}

#[test]
fn defaults_are_redis_defaults() {
    let c = Config::default();
    assert_eq!(c.bind, ["*", "-::*"]);
    assert_eq!(c.port, 6379);
    assert!(c.protected_mode);
    assert_eq!(c.databases, 16);
    assert_eq!(c.loglevel, LogLevel::Notice);
    assert_eq!(c.logfile, "");
    assert_eq!(c.dir, "./");
    assert_eq!(c.maxclients, 10000);
    assert_eq!(c.timeout, 0);
    assert_eq!(c.tcp_keepalive, 300);
    assert_eq!(c.hz, 10);
    assert_eq!(c.proto_max_bulk_len, 512 * 1024 * 1024);
    assert_eq!(c.client_query_buffer_limit, 1024 * 1024 * 1024);
    assert_eq!(c.requirepass, "");
    assert_eq!(c.save, "3600 1 300 100 60 10000");
    assert!(!c.appendonly);
    assert!(!c.daemonize);
    assert_eq!(c.pidfile, "");
    assert_eq!(c.maxmemory, 0);
    assert_eq!(c.maxmemory_policy, MaxmemoryPolicy::Noeviction);
    assert_eq!(c.active_expire_effort, 1);
    assert_eq!(c.io_threads, 1);
    assert!(c.config_file().is_none());
}

#[test]
fn default_conf_mentions_every_directive_and_parses_to_defaults() {
    for spec in directives() {
        let mentioned = DEFAULT_CONFIG.lines().any(|l| {
            split_args(l.trim())
                .ok()
                .and_then(|w| w.into_iter().next())
                .is_some_and(|w| w == spec.name)
        });
        assert!(mentioned, "conf/ferrodis.conf lacks {}", spec.name);
    }
    let loaded = load(DEFAULT_CONFIG).expect("default conf loads");
    assert_eq!(all(&loaded), all(&Config::default()));
    let from_args = Config::from_args(&[]).expect("no args");
    assert_eq!(all(&from_args), all(&Config::default()));
    assert!(from_args.config_file().is_none());
}

#[test]
fn docs_mention_every_directive() {
    let doc = include_str!("../../../docs/configuration.md");
    for spec in directives() {
        assert!(
            doc.contains(&format!("`{}`", spec.name)),
            "docs lack {}",
            spec.name
        );
    }
}

// ----------------------------------------------------------------- load --

#[test]
fn load_basic_values_and_last_wins() {
    let c = load(
        "# comment\n   # indented comment\n\nport 7000\nPORT 7001\n  hz   20  \nloglevel WARNING\n\
         maxmemory-policy allkeys-LRU\nprotected-mode NO\nmaxmemory 1gb\nbind 127.0.0.1 ::1\r\n\
         requirepass \"a b\"\nio-threads 4\n",
    )
    .expect("loads");
    assert_eq!(c.port, 7001);
    assert_eq!(c.hz, 20);
    assert_eq!(c.loglevel, LogLevel::Warning);
    assert_eq!(c.maxmemory_policy, MaxmemoryPolicy::AllkeysLru);
    assert!(!c.protected_mode);
    assert_eq!(c.maxmemory, 1 << 30);
    assert_eq!(c.bind, ["127.0.0.1", "::1"]);
    assert_eq!(c.requirepass, "a b");
    assert_eq!(c.io_threads, 4);
}

#[test]
fn hz_is_clamped() {
    assert_eq!(load("hz 1000").unwrap().hz, 500);
    assert_eq!(load("hz 0").unwrap().hz, 1);
}

#[test]
fn memory_units_in_files() {
    assert_eq!(load("maxmemory 1k").unwrap().maxmemory, 1000);
    assert_eq!(load("maxmemory 1KB").unwrap().maxmemory, 1024);
    assert_eq!(load("maxmemory 2m").unwrap().maxmemory, 2_000_000);
    assert_eq!(load("maxmemory 2mb").unwrap().maxmemory, 2 << 20);
    assert_eq!(load("maxmemory 3G").unwrap().maxmemory, 3_000_000_000);
    assert_eq!(load("maxmemory 3gB").unwrap().maxmemory, 3 << 30);
    assert_eq!(
        load("proto-max-bulk-len 1mb").unwrap().proto_max_bulk_len,
        1 << 20
    );
}

#[test]
fn save_lines_add_up_and_empty_clears() {
    assert_eq!(
        load("save 900 1\nsave 300 10").unwrap().save,
        "900 1 300 10"
    );
    assert_eq!(
        load("save 10 1\nsave \"\"\nsave 20 2").unwrap().save,
        "20 2"
    );
    assert_eq!(load("save \"\"").unwrap().save, "");
    assert_eq!(load("save").unwrap().save, "");
    assert_eq!(load("save +5 1 05 0").unwrap().save, "5 1 5 0");
    // A new load replaces the previous value.
    let mut c = load("save 900 1").unwrap();
    c.load_str("save 60 5", None).unwrap();
    assert_eq!(c.save, "60 5");
}

#[test]
fn bind_may_be_empty() {
    assert!(load("bind").unwrap().bind.is_empty());
}

#[test]
fn file_error_texts() {
    let cases: &[(&str, usize, &str, &str)] = &[
        ("port 7411\nfoo bar", 2, "foo bar", "Bad directive or wrong number of arguments"),
        ("port abc", 1, "port abc", "argument couldn't be parsed into an integer"),
        ("PORT abc", 1, "PORT abc", "argument couldn't be parsed into an integer"),
        ("port 99999999999999999999", 1, "port 99999999999999999999", "argument couldn't be parsed into an integer"),
        ("port 70000", 1, "port 70000", "argument must be between 0 and 65535 inclusive"),
        ("port 1 2", 1, "port 1 2", "wrong number of arguments"),
        ("port", 1, "port", "wrong number of arguments"),
        ("requirepass a b", 1, "requirepass a b", "wrong number of arguments"),
        ("requirepass foo # comment", 1, "requirepass foo # comment", "wrong number of arguments"),
        ("protected-mode maybe", 1, "protected-mode maybe", "argument must be 'yes' or 'no'"),
        ("appendonly 1", 1, "appendonly 1", "argument must be 'yes' or 'no'"),
        ("maxmemory 10xb", 1, "maxmemory 10xb", "argument must be a memory value"),
        ("maxmemory -5", 1, "maxmemory -5", "argument must be a memory value"),
        ("port \"7411", 1, "port \"7411", "Unbalanced quotes in configuration line"),
        ("\n# c\n  \nport \"a\"x", 4, "port \"a\"x", "Unbalanced quotes in configuration line"),
        ("   port    abc   ", 1, "port    abc", "argument couldn't be parsed into an integer"),
        ("loglevel foo", 1, "loglevel foo", "argument(s) must be one of the following: debug, verbose, notice, warning"),
        ("maxmemory-policy foo", 1, "maxmemory-policy foo", "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
        ("databases 0", 1, "databases 0", "argument must be between 1 and 2147483647 inclusive"),
        ("active-expire-effort 11", 1, "active-expire-effort 11", "argument must be between 1 and 10 inclusive"),
        ("maxclients 0", 1, "maxclients 0", "argument must be between 1 and 4294967295 inclusive"),
        ("timeout -1", 1, "timeout -1", "argument must be between 0 and 2147483647 inclusive"),
        ("tcp-keepalive -1", 1, "tcp-keepalive -1", "argument must be between 0 and 2147483647 inclusive"),
        ("proto-max-bulk-len 10", 1, "proto-max-bulk-len 10", "argument must be between 1048576 and 9223372036854775807 inclusive"),
        ("client-query-buffer-limit 10", 1, "client-query-buffer-limit 10", "argument must be between 1048576 and 9223372036854775807 inclusive"),
        ("io-threads 0", 1, "io-threads 0", "argument must be between 1 and 128 inclusive"),
        ("io-threads 200", 1, "io-threads 200", "argument must be between 1 and 128 inclusive"),
        ("save \"abc\"", 1, "save \"abc\"", "Invalid save parameters"),
        ("save 1", 1, "save 1", "Invalid save parameters"),
        ("save 3600 1 300", 1, "save 3600 1 300", "Invalid save parameters"),
        ("save 0 1", 1, "save 0 1", "Invalid save parameters"),
        ("save 1.5 2", 1, "save 1.5 2", "Invalid save parameters"),
        ("save -1 1", 1, "save -1 1", "Invalid save parameters"),
        ("bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", 1, "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", "Too many bind addresses specified."),
        ("dir /nonexistent-ferrodis-dir", 1, "dir /nonexistent-ferrodis-dir", "No such file or directory"),
        ("include", 1, "include", "Bad directive or wrong number of arguments"),
        ("include a b", 1, "include a b", "Bad directive or wrong number of arguments"),
    ];
    for (text, line, shown, reason) in cases {
        assert_eq!(
            load_err(text),
            fatal(*line, shown, reason),
            "input {text:?}"
        );
    }
}

#[test]
fn failed_load_changes_nothing() {
    let mut c = Config::default();
    assert!(c.load_str("port 7000\nhz 20\nport abc", None).is_err());
    assert_eq!(c.port, 6379);
    assert_eq!(c.hz, 10);
}

#[test]
fn dir_must_be_a_directory() {
    let d = tmp_dir("dirfile");
    let file = d.join("plain");
    std::fs::write(&file, "x").unwrap();
    let text = format!("dir {}", file.display());
    assert_eq!(load_err(&text), fatal(1, &text, "Not a directory"));
    let ok = load(&format!("dir {}", d.display())).unwrap();
    assert_eq!(ok.dir, d.display().to_string());
}

#[test]
fn include_reads_files_in_place() {
    let d = tmp_dir("include");
    let inc = d.join("inc.conf");
    std::fs::write(&inc, "port 7100\nhz 30\n").unwrap();
    let c = load(&format!("port 7000\ninclude {}\nhz 40", inc.display())).unwrap();
    assert_eq!(c.port, 7100, "include overrides lines before it");
    assert_eq!(c.hz, 40, "lines after include override it");
    let q = load(&format!("INCLUDE \"{}\"", inc.display())).unwrap();
    assert_eq!(q.port, 7100);

    // Errors inside an included file report that file's line.
    std::fs::write(&inc, "# x\nport abc\n").unwrap();
    assert_eq!(
        load_err(&format!("# a\n# b\ninclude {}", inc.display())),
        fatal(2, "port abc", "argument couldn't be parsed into an integer")
    );

    let missing = d.join("missing.conf");
    assert_eq!(
        load_err(&format!("include {}", missing.display())),
        format!(
            "Fatal error, can't open config file '{}': No such file or directory",
            missing.display()
        )
    );

    // An include cycle stops instead of recursing forever.
    let a = d.join("a.conf");
    std::fs::write(&a, format!("include {}\n", a.display())).unwrap();
    let err = load_err(&format!("include {}", a.display()));
    assert!(err.ends_with("Too many nested include directives"), "{err}");
}

// ---------------------------------------------------------- from_args --

#[test]
fn from_args_file_then_overrides() {
    let d = tmp_dir("args");
    let file = d.join("f.conf");
    std::fs::write(&file, "port 7000\nhz 20\nloglevel debug\n").unwrap();
    let path = file.display().to_string();
    let c = Config::from_args(&args(&[&path, "--port", "7001", "--LOGLEVEL", "warning"])).unwrap();
    assert_eq!(c.port, 7001);
    assert_eq!(c.hz, 20);
    assert_eq!(c.loglevel, LogLevel::Warning);
    assert_eq!(c.config_file(), Some(file.as_path()));

    // Later overrides win over earlier ones.
    let c = Config::from_args(&args(&["--port", "1", "--port", "2"])).unwrap();
    assert_eq!(c.port, 2);
    // Several words, quoting preserved, and the "--name value" single word.
    let c = Config::from_args(&args(&[
        "--bind",
        "127.0.0.1",
        "::1",
        "--requirepass",
        "a \"b\"",
        "--maxmemory 1mb",
    ]))
    .unwrap();
    assert_eq!(c.bind, ["127.0.0.1", "::1"]);
    assert_eq!(c.requirepass, "a \"b\"");
    assert_eq!(c.maxmemory, 1 << 20);
    // The word after a bare option is its value even if it starts with --.
    let c = Config::from_args(&args(&["--requirepass", "--x"])).unwrap();
    assert_eq!(c.requirepass, "--x");
    // --save followed by another option, or last, means save "".
    let c = Config::from_args(&args(&["--save", "--port", "7002"])).unwrap();
    assert_eq!((c.save.as_str(), c.port), ("", 7002));
    assert_eq!(Config::from_args(&args(&["--save"])).unwrap().save, "");
    // Without a file, --save replaces the default.
    assert_eq!(
        Config::from_args(&args(&["--save", "900", "1"]))
            .unwrap()
            .save,
        "900 1"
    );
}

#[test]
fn from_args_error_texts() {
    // No file: the options start at line 2, values are shown quoted.
    assert_eq!(
        Config::from_args(&args(&["--port", "abc"]))
            .unwrap_err()
            .to_string(),
        fatal(
            2,
            "port \"abc\"",
            "argument couldn't be parsed into an integer"
        )
    );
    assert_eq!(
        Config::from_args(&args(&["--port", "7400", "--foo", "1", "2"]))
            .unwrap_err()
            .to_string(),
        fatal(
            3,
            "foo \"1\" \"2\"",
            "Bad directive or wrong number of arguments"
        )
    );
    assert_eq!(
        Config::from_args(&args(&["--port", "7401", "--maxmemory", "-1"]))
            .unwrap_err()
            .to_string(),
        fatal(3, "maxmemory \"-1\"", "argument must be a memory value")
    );
    assert_eq!(
        Config::from_args(&args(&["---port", "7401"]))
            .unwrap_err()
            .to_string(),
        fatal(
            2,
            "-port \"7401\"",
            "Bad directive or wrong number of arguments"
        )
    );
    // With a file, options follow the file's lines.
    let d = tmp_dir("argserr");
    let file = d.join("f.conf");
    std::fs::write(&file, "port 7000\nhz 20\n").unwrap();
    let path = file.display().to_string();
    assert_eq!(
        Config::from_args(&args(&[&path, "--hz", "x"]))
            .unwrap_err()
            .to_string(),
        fatal(4, "hz \"x\"", "argument couldn't be parsed into an integer")
    );
    let missing = d.join("nope.conf").display().to_string();
    assert_eq!(
        Config::from_args(&args(&[&missing]))
            .unwrap_err()
            .to_string(),
        format!("Fatal error, can't open config file '{missing}': No such file or directory")
    );
}

// ------------------------------------------------------------ CONFIG GET --

#[test]
fn get_formats_like_redis() {
    let c = Config::default();
    assert_eq!(get(&c, "bind"), "* -::*");
    assert_eq!(get(&c, "save"), "3600 1 300 100 60 10000");
    assert_eq!(get(&c, "proto-max-bulk-len"), "536870912");
    assert_eq!(get(&c, "client-query-buffer-limit"), "1073741824");
    assert_eq!(get(&c, "protected-mode"), "yes");
    assert_eq!(get(&c, "appendonly"), "no");
    assert_eq!(get(&c, "loglevel"), "notice");
    assert_eq!(get(&c, "maxmemory-policy"), "noeviction");
    assert_eq!(get(&c, "logfile"), "");
    assert_eq!(get(&c, "hz"), "10");
    assert_eq!(
        get(&c, "dir"),
        std::env::current_dir().unwrap().display().to_string()
    );
    let keep: Vec<_> = c.get_matching(&mut |n| n.windows(4).any(|w| w == b"keep"));
    assert_eq!(keep, [("tcp-keepalive", "300".to_string())]);
    let names: usize = directives().map(|d| 1 + d.aliases.len()).sum();
    assert_eq!(all(&c).len(), names);
}

// ------------------------------------------------------------ CONFIG SET --

#[test]
fn set_values() {
    let mut c = Config::default();
    set(
        &mut c,
        &[
            ("maxmemory", "1KB"),
            ("HZ", "1000"),
            ("loglevel", "WARNING"),
        ],
    )
    .unwrap();
    assert_eq!(c.maxmemory, 1024);
    assert_eq!(c.hz, 500);
    assert_eq!(get(&c, "hz"), "500");
    assert_eq!(c.loglevel, LogLevel::Warning);
    set(&mut c, &[("hz", "0"), ("maxmemory", "")]).unwrap();
    assert_eq!((c.hz, c.maxmemory), (1, 0));
    set(&mut c, &[("maxmemory", "99999999999999999999999")]).unwrap();
    assert_eq!(get(&c, "maxmemory"), "18446744073709551615");
    set(
        &mut c,
        &[("save", "100 10 50 5"), ("bind", "127.0.0.1 ::1")],
    )
    .unwrap();
    assert_eq!(get(&c, "save"), "100 10 50 5");
    assert_eq!(c.bind, ["127.0.0.1", "::1"]);
    set(&mut c, &[("save", "")]).unwrap();
    assert_eq!(c.save, "");
    set(
        &mut c,
        &[("requirepass", "a b"), ("maxmemory-policy", "ALLKEYS-LRU")],
    )
    .unwrap();
    assert_eq!(c.requirepass, "a b");
    assert_eq!(get(&c, "maxmemory-policy"), "allkeys-lru");
    set(&mut c, &[("protected-mode", "YES"), ("appendonly", "yes")]).unwrap();
    assert!(c.appendonly);
}

#[test]
fn set_error_texts() {
    let mut c = Config::default();
    let p = |name: &str, reason: &str| {
        format!("ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}")
    };
    let cases: &[(&[(&str, &str)], String)] = &[
        (&[("foo", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'".into()),
        (&[("FOO", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'FOO'".into()),
        (&[("port", "abc")], p("port", "argument couldn't be parsed into an integer")),
        (&[("PORT", "abc")], p("port", "argument couldn't be parsed into an integer")),
        (&[("port", "")], p("port", "argument couldn't be parsed into an integer")),
        (&[("port", " 12")], p("port", "argument couldn't be parsed into an integer")),
        (&[("port", "+12")], p("port", "argument couldn't be parsed into an integer")),
        (&[("port", "012")], p("port", "argument couldn't be parsed into an integer")),
        (&[("port", "70000")], p("port", "argument must be between 0 and 65535 inclusive")),
        (&[("timeout", "1.5")], p("timeout", "argument couldn't be parsed into an integer")),
        (&[("timeout", "-1")], p("timeout", "argument must be between 0 and 2147483647 inclusive")),
        (&[("tcp-keepalive", "99999999999")], p("tcp-keepalive", "argument must be between 0 and 2147483647 inclusive")),
        (&[("hz", "-5")], p("hz", "argument must be between 0 and 2147483647 inclusive")),
        (&[("maxclients", "0")], p("maxclients", "argument must be between 1 and 4294967295 inclusive")),
        (&[("active-expire-effort", "0")], p("active-expire-effort", "argument must be between 1 and 10 inclusive")),
        (&[("databases", "3")], p("databases", "can't set immutable config")),
        (&[("DATABASES", "3")], p("DATABASES", "can't set immutable config")),
        (&[("daemonize", "yes")], p("daemonize", "can't set immutable config")),
        (&[("io-threads", "abc")], p("io-threads", "can't set immutable config")),
        (&[("logfile", "x")], p("logfile", "can't set immutable config")),
        (&[("pidfile", "x y")], p("pidfile", "can't set immutable config")),
        (&[("dir", "/tmp")], p("dir", "can't set protected config")),
        (&[("port", "1"), ("port", "2")], p("port", "duplicate parameter")),
        (&[("PORT", "1"), ("Port", "2")], p("Port", "duplicate parameter")),
        (&[("port", "abc"), ("port", "1")], p("port", "duplicate parameter")),
        (&[("protected-mode", "maybe")], p("protected-mode", "argument must be 'yes' or 'no'")),
        (&[("appendonly", "maybe")], p("appendonly", "argument must be 'yes' or 'no'")),
        (&[("loglevel", "foo")], p("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning")),
        (&[("loglevel", "notice warning")], p("loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning")),
        (&[("maxmemory-policy", "")], p("maxmemory-policy", "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction")),
        (&[("maxmemory", "10xb")], p("maxmemory", "argument must be a memory value")),
        (&[("maxmemory", "1.5mb")], p("maxmemory", "argument must be a memory value")),
        (&[("maxmemory", "0x10")], p("maxmemory", "argument must be a memory value")),
        (&[("maxmemory", "-0")], p("maxmemory", "argument must be a memory value")),
        (&[("maxmemory", " 5")], p("maxmemory", "argument must be a memory value")),
        (&[("maxmemory", "5 ")], p("maxmemory", "argument must be a memory value")),
        (&[("proto-max-bulk-len", "18446744073709551615")], p("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive")),
        (&[("proto-max-bulk-len", "9223372036854775808")], p("proto-max-bulk-len", "argument must be between 1048576 and 9223372036854775807 inclusive")),
        (&[("save", "1 2 3")], p("save", "Invalid save parameters")),
        (&[("save", "abc")], p("save", "Invalid save parameters")),
        (&[("save", "  100   10  ")], p("save", "Invalid save parameters")),
        (&[("save", "\"100\" 10")], p("save", "Invalid save parameters")),
        (&[("save", "0 1")], p("save", "Invalid save parameters")),
        (&[("save", "100")], p("save", "Invalid save parameters")),
        (&[("bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17")], p("bind", "Too many bind addresses specified.")),
        // Names are all checked before any value.
        (&[("port", "abc"), ("foo", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'".into()),
        (&[("port", "abc"), ("databases", "3")], p("databases", "can't set immutable config")),
        (&[("databases", "3"), ("foo", "1")], p("databases", "can't set immutable config")),
        (&[("maxmemory", "1gb"), ("hz", "abc")], p("hz", "argument couldn't be parsed into an integer")),
    ];
    for (pairs, expected) in cases {
        let before = all(&c);
        assert_eq!(&set(&mut c, pairs).unwrap_err(), expected, "{pairs:?}");
        assert_eq!(all(&c), before, "{pairs:?} changed the config");
    }
}

#[test]
fn set_is_all_or_nothing() {
    let mut c = Config::default();
    let err = set(
        &mut c,
        &[("maxmemory", "1gb"), ("timeout", "5"), ("hz", "abc")],
    );
    assert!(err.is_err());
    assert_eq!((c.maxmemory, c.timeout, c.hz), (0, 0, 10));
    set(
        &mut c,
        &[("maxmemory", "1gb"), ("timeout", "5"), ("hz", "20")],
    )
    .unwrap();
    assert_eq!((c.maxmemory, c.timeout, c.hz), (1 << 30, 5, 20));
}

#[test]
fn set_accepts_any_bytes_without_panicking() {
    let mut c = Config::default();
    let names: Vec<&str> = directives().map(|d| d.name).collect();
    let values: &[&[u8]] = &[
        b"",
        b"\xff\xfe",
        b"\0",
        b"-",
        b"9999999999999999999999999999",
        b"1 2",
        b"yes",
        b"\"",
        b"gb",
    ];
    for name in &names {
        for value in values {
            let _ = c.set_many(&[(name.as_bytes(), value)]);
        }
    }
    let _ = c.set_many(&[(b"\xff", b"1")]);
    let _ = c.set_many(&[]);
}

// -------------------------------------------------------- CONFIG REWRITE --

#[test]
fn rewrite_without_file_fails() {
    assert_eq!(
        Config::default().rewrite().unwrap_err().to_string(),
        "ERR The server is running without a config file"
    );
}

#[test]
fn rewrite_keeps_comments_and_replaces_in_place() {
    let old = "# top comment\nport 7464\ndaemonize yes\npidfile /tmp/rw.pid\n   # indented comment\n\
               save 900 1\nsave 300 10\nmaxmemory 100mb\nhz 10\nhz 20\nbind 127.0.0.1\nloglevel notice\n";
    let mut c = load(old).unwrap();
    set(
        &mut c,
        &[
            ("maxmemory", "2gb"),
            ("timeout", "5"),
            ("proto-max-bulk-len", "1000000000"),
            ("requirepass", "a\"b c"),
            ("appendonly", "yes"),
            ("client-query-buffer-limit", "1073741824"),
            ("maxmemory-policy", "allkeys-lru"),
        ],
    )
    .unwrap();
    let cwd = std::env::current_dir().unwrap().display().to_string();
    let expected = format!(
        "# top comment\nport 7464\ndaemonize yes\npidfile \"/tmp/rw.pid\"\n# indented comment\n\
         save 900 1\nsave 300 10\nmaxmemory 2gb\nhz 20\n\nbind 127.0.0.1\nloglevel notice\n\n\
         # Generated by CONFIG REWRITE\ndir \"{cwd}\"\ntimeout 5\nproto-max-bulk-len 1000000000\n\
         requirepass \"a\\\"b c\"\nappendonly yes\nmaxmemory-policy allkeys-lru\n"
    );
    let first = c.rewrite_text(old);
    assert_eq!(first, expected);

    // Rewriting again changes nothing and adds no second marker.
    let again = load(&first).unwrap();
    assert_eq!(again.rewrite_text(&first), first);

    // Fewer save pairs blank the surplus lines; more pairs are appended.
    let mut c2 = load(&first).unwrap();
    set(&mut c2, &[("save", ""), ("hz", "10"), ("maxmemory", "0")]).unwrap();
    let second = c2.rewrite_text(&first);
    assert!(
        second.contains("\nsave \"\"\n\nmaxmemory 0\nhz 10\n"),
        "{second}"
    );
    set(&mut c2, &[("save", "100 1 200 2 300 3")]).unwrap();
    let third = c2.rewrite_text(&second);
    assert!(third.contains("\nsave 100 1\n\nmaxmemory 0\n"), "{third}");
    assert!(
        third.ends_with("maxmemory-policy allkeys-lru\nsave 200 2\nsave 300 3\n"),
        "{third}"
    );
    assert_eq!(third.matches("# Generated by CONFIG REWRITE").count(), 1);
}

#[test]
fn rewrite_round_trip_through_a_file() {
    let d = tmp_dir("rewrite");
    let file = d.join("r.conf");
    let inc = d.join("inc.conf");
    std::fs::write(&inc, "tcp-keepalive 60\n").unwrap();
    std::fs::write(
        &file,
        format!(
            "# keep me\nPORT 7000\ninclude {}\nlogfile \"\"\n",
            inc.display()
        ),
    )
    .unwrap();
    let path = file.display().to_string();
    let mut c = Config::from_args(&args(&[&path])).unwrap();
    assert_eq!(c.tcp_keepalive, 60);
    set(
        &mut c,
        &[
            ("port", "7001"),
            ("maxmemory", "3mb"),
            ("requirepass", "p\n\"w"),
            ("bind", "127.0.0.1 ::1"),
            ("save", "60 5"),
            ("loglevel", "debug"),
        ],
    )
    .unwrap();
    c.rewrite().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with(&format!(
            "# keep me\nport 7001\ninclude {}\nlogfile \"\"\n\n# Generated by CONFIG REWRITE\n",
            inc.display()
        )),
        "{text}"
    );
    assert!(text.contains("\nmaxmemory 3mb\n"));
    assert!(text.contains("\nrequirepass \"p\\n\\\"w\"\n"));
    let reloaded = Config::from_args(&args(&[&path])).unwrap();
    let mut expect = all(&c);
    expect.sort();
    let mut got = all(&reloaded);
    got.sort();
    assert_eq!(got, expect);

    // A vanished file is recreated.
    std::fs::remove_file(&file).unwrap();
    c.rewrite().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# Generated by CONFIG REWRITE\n"),
        "{text}"
    );
    let reloaded = Config::from_args(&args(&[&path])).unwrap();
    assert_eq!(reloaded.port, 7001);

    // An unwritable target reports the OS reason.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    assert_eq!(
        c.rewrite().unwrap_err().to_string(),
        "ERR Rewriting config file: Is a directory"
    );
}

#[test]
fn rewrite_writes_nothing_for_defaults() {
    let c = load("# only a comment\n").unwrap();
    let cwd = std::env::current_dir().unwrap().display().to_string();
    assert_eq!(
        c.rewrite_text("# only a comment\n"),
        format!("# only a comment\n\n# Generated by CONFIG REWRITE\ndir \"{cwd}\"\n")
    );
}

// ------------------------------------------------------------ robustness --

#[test]
fn arbitrary_input_never_panics() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let alphabet: &[u8] = b"portsavebindhz \"'\\x0f\n\t#-10kgbmyesno*:include";
    for _ in 0..3000 {
        let len = (seed % 40) as usize;
        let mut bytes = Vec::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bytes.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = split_args(&text);
        let _ = load(&text);
        let mut c = Config::default();
        let _ = c.set_many(&[(b"save", &bytes), (b"maxmemory", &bytes)]);
        let _ = c.rewrite_text(&text);
        let _ = Config::from_args(&[format!("--{text}"), text.clone()]);
    }
}
