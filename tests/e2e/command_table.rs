//! The command table as clients see it: COMMAND, COMMAND COUNT / LIST /
//! INFO / DOCS / GETKEYS. Every command ferrodis implements must describe
//! itself exactly as Redis 7.0.15 does (tests/data/redis-7.0-command-info.resp
//! is a raw dump of real Redis's `COMMAND INFO`).

use std::collections::BTreeMap;

use crate::common::{parse_one, Diff, Resp, Server};

const DUMP: &[u8] = include_bytes!("../data/redis-7.0-command-info.resp");

/// Redis 7.0's COMMAND INFO entries by lower-case name (subcommands under
/// their `parent|sub` names too).
fn reference_table() -> BTreeMap<String, Resp> {
    let mut out = BTreeMap::new();
    fn add(out: &mut BTreeMap<String, Resp>, entry: &Resp) {
        let items = entry.items();
        out.insert(items[0].text().to_ascii_lowercase(), entry.clone());
        if let Some(Resp::Array(Some(subs))) = items.get(9) {
            for s in subs {
                add(out, s);
            }
        }
    }
    for entry in parse_one(DUMP).items() {
        add(&mut out, entry);
    }
    out
}

/// Fields of a COMMAND INFO entry by position.
const FIELDS: &[&str] = &[
    "name",
    "arity",
    "flags",
    "first key",
    "last key",
    "step",
    "acl categories",
    "tips",
    "key specs",
    "subcommands",
];

/// The names ferrodis lists in `COMMAND LIST`, lower-cased.
fn ferrodis_commands(server: &Server) -> Vec<String> {
    let reply = server.raw().cmd(&["COMMAND", "LIST"]);
    reply
        .items()
        .iter()
        .map(|n| n.text().to_ascii_lowercase())
        .collect()
}

/// Compares ferrodis's COMMAND INFO entry with Redis's on the given field
/// positions, recursing into subcommands ferrodis implements.
fn compare_entry(ours: &Resp, theirs: &Resp, fields: &[usize], problems: &mut Vec<String>) {
    let name = theirs.items()[0].text();
    let o = match ours {
        Resp::Array(Some(items)) if items.len() == 10 => items,
        _ => {
            problems.push(format!(
                "{name}: COMMAND INFO entry must be an array of 10 fields, got {ours}"
            ));
            return;
        }
    };
    let t = theirs.items();
    for &i in fields {
        if o[i] != t[i] {
            problems.push(format!(
                "{name}: {}\n    ferrodis: {}\n    redis:    {}",
                FIELDS[i], o[i], t[i]
            ));
        }
    }
    // Subcommands: each one ferrodis has must match; missing ones are listed.
    let subs = |r: &Resp| -> BTreeMap<String, Resp> {
        match r {
            Resp::Array(Some(v)) => v
                .iter()
                .map(|e| (e.items()[0].text().to_ascii_lowercase(), e.clone()))
                .collect(),
            _ => BTreeMap::new(),
        }
    };
    let (os, ts) = (subs(&o[9]), subs(&t[9]));
    for (sub, entry) in &os {
        match ts.get(sub) {
            Some(theirs) => compare_entry(entry, theirs, fields, problems),
            None => eprintln!("note: {sub} is not a Redis 7.0 subcommand (not compared)"),
        }
    }
    let missing: Vec<&String> = ts.keys().filter(|k| !os.contains_key(*k)).collect();
    if !missing.is_empty() && fields.contains(&0) {
        eprintln!("note: {name}: subcommands not implemented yet: {missing:?}");
    }
}

fn check_info(fields: &[usize]) {
    let table = reference_table();
    let server = Server::start();
    let mut conn = server.raw();
    let mut problems = Vec::new();
    let names = ferrodis_commands(&server);
    assert!(!names.is_empty(), "COMMAND LIST is empty");
    let mut compared = 0;
    // Subcommands (`parent|sub`) are compared through their parent's entry.
    for name in names.iter().filter(|n| !n.contains('|')) {
        let Some(theirs) = table.get(name) else {
            eprintln!("note: {name} is not a Redis 7.0 command (not compared)");
            continue;
        };
        let reply = conn.cmd(&["COMMAND", "INFO", name]);
        match reply {
            Resp::Array(Some(ref v)) if v.len() == 1 => {
                compare_entry(&v[0], theirs, fields, &mut problems);
                compared += 1;
            }
            other => problems.push(format!(
                "COMMAND INFO {name} must be an array of one entry, got {other}"
            )),
        }
    }
    eprintln!("compared {compared} commands with Redis 7.0");
    assert!(
        problems.is_empty(),
        "{} difference(s) from Redis 7.0's COMMAND INFO:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Name, arity, flags, first/last/step, ACL categories and tips must match.
#[test]
fn command_info_matches_redis_7_0() {
    check_info(&[0, 1, 2, 3, 4, 5, 6, 7]);
}

/// Key specs must match too (redis-cli and cluster clients use them).
#[test]
fn command_info_key_specs_match_redis_7_0() {
    check_info(&[8]);
}

#[test]
fn command_count_and_list() {
    let server = Server::start();
    let mut c = server.raw();
    let count = c.cmd(&["COMMAND", "COUNT"]);
    let count = match count {
        Resp::Int(n) => n,
        other => panic!("COMMAND COUNT must be an integer, got {other}"),
    };
    assert!(count > 0);
    // COMMAND LIST names subcommands too (`client|id`); COMMAND COUNT and
    // COMMAND count top-level commands only.
    let list = c.cmd(&["COMMAND", "LIST"]);
    let top = list
        .items()
        .iter()
        .filter(|n| !n.text().contains('|'))
        .count();
    assert_eq!(top as i64, count, "COMMAND LIST and COMMAND COUNT disagree");
    assert!(
        list.items().iter().any(|n| n.text() == "client|id"),
        "COMMAND LIST must name subcommands such as client|id"
    );
    let all = c.cmd(&["COMMAND"]);
    assert_eq!(
        all.items().len() as i64,
        count,
        "COMMAND and COMMAND COUNT disagree"
    );
    for name in [
        "get", "set", "ping", "command", "client", "config", "info", "hello",
    ] {
        assert!(
            list.items().iter().any(|n| n.text() == name),
            "COMMAND LIST lacks {name}"
        );
    }
}

#[test]
fn command_info_and_docs_diff() {
    let mut d = Diff::new();
    d.script(&[
        &["COMMAND", "INFO", "get"],
        &["COMMAND", "INFO", "GET", "set"],
        &["COMMAND", "INFO", "nosuchcommand"],
        &["COMMAND", "INFO", "client|id"],
        &["COMMAND", "DOCS", "nosuchcommand"],
        &["COMMAND", "FOO"],
        &["COMMAND", "COUNT", "x"],
    ]);
    d.finish();
}

#[test]
fn command_docs_get() {
    let server = Server::start();
    let mut c = server.raw();
    for proto in ["2", "3"] {
        c.cmd(&["HELLO", proto]);
        let reply = c.cmd(&["COMMAND", "DOCS", "GET"]);
        let pairs = reply.pairs();
        assert_eq!(pairs.len(), 1, "COMMAND DOCS GET (RESP{proto}): {reply}");
        assert_eq!(pairs[0].0.text(), "get");
        let doc = &pairs[0].1;
        if proto == "3" {
            assert!(
                matches!(doc, Resp::Map(_)),
                "RESP3 docs must be a map: {doc}"
            );
        }
        let summary = doc.get("summary").expect("summary").text();
        assert!(!summary.is_empty());
        assert_eq!(doc.get("since").expect("since").text(), "1.0.0");
        assert_eq!(doc.get("group").expect("group").text(), "string");
        assert_eq!(doc.get("complexity").expect("complexity").text(), "O(1)");
        let args = doc.get("arguments").expect("arguments");
        let args = args.items();
        assert_eq!(args.len(), 1, "GET has one argument: {doc}");
        assert_eq!(
            args[0].get("name").map(|v| v.text()).as_deref(),
            Some("key")
        );
        assert_eq!(
            args[0].get("type").map(|v| v.text()).as_deref(),
            Some("key")
        );
        assert_eq!(args[0].get("key_spec_index"), Some(Resp::Int(0)));
    }
}

#[test]
fn command_getkeys() {
    let mut d = Diff::new();
    d.expect(
        &["COMMAND", "GETKEYS", "SET", "a", "b"],
        b"*1\r\n$1\r\na\r\n",
    );
    d.script(&[
        &["COMMAND", "GETKEYS", "GET", "x"],
        &["COMMAND", "GETKEYS", "DEL", "a", "b", "c"],
        &["COMMAND", "GETKEYS", "EXISTS", "a", "a"],
        &["COMMAND", "GETKEYS", "set", "k", "v", "EX", "10"],
    ]);
    d.expect(
        &["COMMAND", "GETKEYS", "PING", "x"],
        b"-ERR The command has no key arguments\r\n",
    );
    d.expect(
        &["COMMAND", "GETKEYS", "ECHO", "a"],
        b"-ERR The command has no key arguments\r\n",
    );
    d.expect(
        &["COMMAND", "GETKEYS", "FOO", "a"],
        b"-ERR Invalid command specified\r\n",
    );
    d.expect(
        &["COMMAND", "GETKEYS", "SET", "a"],
        b"-ERR Invalid number of arguments specified for command\r\n",
    );
    d.expect(
        &["COMMAND", "GETKEYS", "PING"],
        b"-ERR wrong number of arguments for 'command|getkeys' command\r\n",
    );
    d.cmd(&["COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b"]);
    d.finish();
}

#[test]
fn reference_dump_is_complete() {
    // Guards the test data itself.
    let table = reference_table();
    let get = &table["get"];
    assert_eq!(get.items()[1], Resp::Int(2));
    assert!(table.contains_key("client|id"));
    assert_eq!(parse_one(DUMP).items().len(), 240);
}

/// Every container's HELP (our own words, so not compared with Redis): an
/// array of simple strings naming the command first, mentioning each of
/// its subcommands, and ending with HELP itself.
#[test]
fn container_help_lists_every_subcommand() {
    if crate::common::ferrodis_only("container_help_lists_every_subcommand") {
        return;
    }
    let s = crate::common::Server::start();
    let mut c = s.raw();
    let names: Vec<String> = c
        .cmd(&["COMMAND", "LIST"])
        .items()
        .iter()
        .map(|r| r.text())
        .collect();
    let containers: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_suffix("|help"))
        .collect();
    assert!(containers.contains(&"client") && containers.contains(&"config"));
    for cont in containers {
        let upper = cont.to_uppercase();
        let help = c.cmd(&[upper.as_str(), "HELP"]);
        let lines: Vec<String> = help.items().iter().map(|r| r.text()).collect();
        assert!(
            lines
                .first()
                .is_some_and(|l| l.starts_with(&format!("{upper} <subcommand>"))),
            "{upper} HELP header: {lines:?}"
        );
        for sub in names
            .iter()
            .filter_map(|n| n.strip_prefix(&format!("{cont}|")))
        {
            let sub = sub.to_uppercase();
            assert!(
                lines.iter().any(|l| l.contains(&sub)),
                "{upper} HELP does not mention {sub}"
            );
        }
    }
}
