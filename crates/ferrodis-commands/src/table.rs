//! The command table: every family's rows concatenated, with a
//! case-insensitive lookup that allocates nothing.

use std::collections::HashMap;

/// Name lookups run once per request: a fast hasher (names come from the
/// table, and a client can only probe, not insert).
type NameMap = HashMap<&'static str, u32, foldhash::fast::FixedState>;
use std::sync::OnceLock;

use crate::spec::CommandSpec;

/// A row with its place in the table.
pub struct TableEntry {
    pub id: u32,
    pub spec: &'static CommandSpec,
    /// "get", or "client|list" for a subcommand.
    pub full_name: String,
    pub parent: Option<u32>,
    subcommands: NameMap,
}

pub struct Table {
    entries: Vec<TableEntry>,
    top: NameMap,
}

/// Longest command or subcommand name; longer input cannot match.
const MAX_NAME: usize = 64;

fn lower<'b>(name: &[u8], buf: &'b mut [u8; MAX_NAME]) -> Option<&'b str> {
    if name.len() > MAX_NAME {
        return None;
    }
    let out = &mut buf[..name.len()];
    out.copy_from_slice(name);
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

impl Table {
    fn build(families: &[&'static [CommandSpec]]) -> Table {
        let mut t = Table {
            entries: Vec::new(),
            top: NameMap::default(),
        };
        for fam in families {
            for spec in fam.iter() {
                let id = t.push(spec, None, spec.name.to_string());
                assert!(
                    t.top.insert(spec.name, id).is_none(),
                    "duplicate command {}",
                    spec.name
                );
                for sub in spec.subcommands {
                    let sid = t.push(sub, Some(id), format!("{}|{}", spec.name, sub.name));
                    let dup = t.entries[id as usize].subcommands.insert(sub.name, sid);
                    assert!(dup.is_none(), "duplicate subcommand {}", sub.name);
                }
            }
        }
        t
    }

    fn push(&mut self, spec: &'static CommandSpec, parent: Option<u32>, full_name: String) -> u32 {
        let id = self.entries.len() as u32;
        self.entries.push(TableEntry {
            id,
            spec,
            full_name,
            parent,
            subcommands: NameMap::default(),
        });
        id
    }

    /// A top-level command by name, case-insensitively.
    pub fn lookup(&self, name: &[u8]) -> Option<&TableEntry> {
        let mut buf = [0u8; MAX_NAME];
        let n = lower(name, &mut buf)?;
        self.top.get(n).map(|&i| &self.entries[i as usize])
    }

    /// A subcommand of `parent` by name, case-insensitively.
    pub fn lookup_sub(&self, parent: &TableEntry, name: &[u8]) -> Option<&TableEntry> {
        let mut buf = [0u8; MAX_NAME];
        let n = lower(name, &mut buf)?;
        parent
            .subcommands
            .get(n)
            .map(|&i| &self.entries[i as usize])
    }

    pub fn get(&self, id: u32) -> Option<&TableEntry> {
        self.entries.get(id as usize)
    }

    /// Top-level commands in table order.
    pub fn top_level(&self) -> impl Iterator<Item = &TableEntry> {
        self.entries.iter().filter(|e| e.parent.is_none())
    }

    /// Subcommands of `e` in table order.
    pub fn subcommands_of<'a>(&'a self, e: &'a TableEntry) -> impl Iterator<Item = &'a TableEntry> {
        e.spec
            .subcommands
            .iter()
            .filter_map(move |s| self.lookup_sub(e, s.name.as_bytes()))
    }

    /// Rows, subcommands included (ids are `0..len()`).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len_top_level(&self) -> usize {
        self.top.len()
    }

    /// Whether the name is a container (a command with subcommands).
    pub fn is_container(e: &TableEntry) -> bool {
        !e.spec.subcommands.is_empty()
    }
}

/// The process-wide command table.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        Table::build(&[
            crate::connection::COMMANDS,
            crate::acl::COMMANDS,
            crate::server::COMMANDS,
            crate::command::COMMANDS,
            crate::string::COMMANDS,
            crate::hll::COMMANDS,
            crate::geo::COMMANDS,
            crate::keyspace::COMMANDS,
            crate::memory::COMMANDS,
            crate::list::COMMANDS,
            crate::sort::COMMANDS,
            crate::hash::COMMANDS,
            crate::set::COMMANDS,
            crate::zset::COMMANDS,
            crate::stream::COMMANDS,
            crate::pubsub::COMMANDS,
            crate::multi::COMMANDS,
            crate::script::COMMANDS,
            crate::script::function::COMMANDS,
            crate::persistence::COMMANDS,
            crate::aof::COMMANDS,
            crate::repl::COMMANDS,
            crate::slowlog::COMMANDS,
            crate::monitor::COMMANDS,
            crate::latency::COMMANDS,
            crate::debug::COMMANDS,
        ])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::WRITE;

    #[test]
    fn rows_are_consistent() {
        let t = table();
        for e in t.top_level() {
            let rows = std::iter::once(e).chain(t.subcommands_of(e));
            for r in rows {
                let s = r.spec;
                assert_eq!(
                    s.name,
                    s.name.to_lowercase(),
                    "{} not lowercase",
                    r.full_name
                );
                assert_ne!(s.arity, 0, "{} has no arity", r.full_name);
                assert!(!s.summary.is_empty(), "{} has no summary", r.full_name);
                assert!(!s.group.is_empty(), "{} has no group", r.full_name);
                // Writes name their keys, except the few that act on whole
                // databases or on the function libraries, as in Redis.
                const KEYLESS_WRITES: &[&str] = &[
                    "flushdb",
                    "flushall",
                    "swapdb",
                    "function|delete",
                    "function|flush",
                    "function|load",
                    "function|restore",
                ];
                if s.flags & WRITE != 0 && !KEYLESS_WRITES.contains(&r.full_name.as_str()) {
                    assert!(
                        !s.key_specs.is_empty(),
                        "write command {} has no keys",
                        r.full_name
                    );
                }
                assert!(
                    s.handler.is_some() || !s.subcommands.is_empty(),
                    "{} has neither handler nor subcommands",
                    r.full_name
                );
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        let t = table();
        let e = t.lookup(b"GeT").expect("get");
        assert_eq!(e.full_name, "get");
        let c = t.lookup(b"CLIENT").expect("client");
        assert_eq!(
            t.lookup_sub(c, b"List").expect("list").full_name,
            "client|list"
        );
        assert!(t.lookup(&[b'x'; 100]).is_none());
    }
}
