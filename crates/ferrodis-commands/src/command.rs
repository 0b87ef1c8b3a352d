//! COMMAND and its subcommands: the command table, reported the way Redis
//! 7.0 reports it (redis-cli builds its hints from COMMAND DOCS).

use ferrodis_engine::glob::glob_match;
use ferrodis_protocol::ReplyBuf;

use crate::args::eq_ic;
use crate::context::Ctx;
use crate::error::{CmdResult, CommandError};
use crate::keys::{has_keys, key_positions_with_spec};
use crate::spec::*;
use crate::table::{table, Table, TableEntry};

fn reply_flag_set(r: &mut ReplyBuf, bits: u64, names: &[(u64, &str)], prefix: &str) {
    let set: Vec<&str> = names
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .map(|(_, n)| *n)
        .collect();
    r.set(set.len());
    for n in set {
        if prefix.is_empty() {
            r.simple(n.as_bytes());
        } else {
            r.simple(format!("{prefix}{n}").as_bytes());
        }
    }
}

fn reply_key_spec(r: &mut ReplyBuf, ks: &KeySpec) {
    r.map(if ks.notes.is_some() { 4 } else { 3 });
    if let Some(n) = ks.notes {
        r.bulk(b"notes");
        r.bulk(n.as_bytes());
    }
    r.bulk(b"flags");
    r.set(ks.flags.len());
    for f in ks.flags {
        r.simple(f.as_bytes());
    }
    r.bulk(b"begin_search");
    r.map(2);
    r.bulk(b"type");
    match ks.begin {
        Begin::Index(i) => {
            r.bulk(b"index");
            r.bulk(b"spec");
            r.map(1);
            r.bulk(b"index");
            r.integer(i as i64);
        }
        Begin::Keyword(kw, start) => {
            r.bulk(b"keyword");
            r.bulk(b"spec");
            r.map(2);
            r.bulk(b"keyword");
            r.bulk(kw.as_bytes());
            r.bulk(b"startfrom");
            r.integer(start as i64);
        }
        Begin::Unknown => {
            r.bulk(b"unknown");
            r.bulk(b"spec");
            r.map(0);
        }
    }
    r.bulk(b"find_keys");
    r.map(2);
    r.bulk(b"type");
    match ks.find {
        Find::Range { last, step, limit } => {
            r.bulk(b"range");
            r.bulk(b"spec");
            r.map(3);
            r.bulk(b"lastkey");
            r.integer(last as i64);
            r.bulk(b"keystep");
            r.integer(step as i64);
            r.bulk(b"limit");
            r.integer(limit as i64);
        }
        Find::Keynum {
            keynum_idx,
            first,
            step,
        } => {
            r.bulk(b"keynum");
            r.bulk(b"spec");
            r.map(3);
            r.bulk(b"keynumidx");
            r.integer(keynum_idx as i64);
            r.bulk(b"firstkey");
            r.integer(first as i64);
            r.bulk(b"keystep");
            r.integer(step as i64);
        }
        Find::Unknown => {
            r.bulk(b"unknown");
            r.bulk(b"spec");
            r.map(0);
        }
    }
}

/// One COMMAND INFO entry.
fn reply_info(r: &mut ReplyBuf, t: &Table, e: &TableEntry) {
    let s = e.spec;
    r.array(10);
    r.bulk(e.full_name.as_bytes());
    r.integer(s.arity as i64);
    reply_flag_set(r, s.flags, FLAG_NAMES, "");
    r.integer(s.key_range.0 as i64);
    r.integer(s.key_range.1 as i64);
    r.integer(s.key_range.2 as i64);
    reply_flag_set(r, s.acl_categories(), CATEGORY_NAMES, "@");
    r.set(s.tips.len());
    for tip in s.tips {
        r.bulk(tip.as_bytes());
    }
    r.set(s.key_specs.len());
    for ks in s.key_specs {
        reply_key_spec(r, ks);
    }
    let subs: Vec<&TableEntry> = t.subcommands_of(e).collect();
    r.set(subs.len());
    for sub in subs {
        reply_info(r, t, sub);
    }
}

fn arg_flag_names(flags: u8) -> Vec<&'static str> {
    let mut v = Vec::new();
    if flags & ARG_OPTIONAL != 0 {
        v.push("optional");
    }
    if flags & ARG_MULTIPLE != 0 {
        v.push("multiple");
    }
    if flags & ARG_MULTIPLE_TOKEN != 0 {
        v.push("multiple_token");
    }
    v
}

fn reply_args(r: &mut ReplyBuf, args: &[Arg]) {
    r.array(args.len());
    for a in args {
        let flags = arg_flag_names(a.flags);
        let fields = 2
            + usize::from(a.key_spec_index >= 0)
            + usize::from(a.token.is_some())
            + usize::from(a.since.is_some())
            + usize::from(!flags.is_empty())
            + usize::from(!a.args.is_empty());
        r.map(fields);
        r.bulk(b"name");
        r.bulk(a.name.as_bytes());
        r.bulk(b"type");
        r.bulk(a.kind.name().as_bytes());
        if a.key_spec_index >= 0 {
            r.bulk(b"key_spec_index");
            r.integer(a.key_spec_index as i64);
        }
        if let Some(tok) = a.token {
            r.bulk(b"token");
            r.bulk(tok.as_bytes());
        }
        if let Some(since) = a.since {
            r.bulk(b"since");
            r.bulk(since.as_bytes());
        }
        if !flags.is_empty() {
            r.bulk(b"flags");
            r.array(flags.len());
            for f in flags {
                r.simple(f.as_bytes());
            }
        }
        if !a.args.is_empty() {
            r.bulk(b"arguments");
            reply_args(r, a.args);
        }
    }
}

/// One COMMAND DOCS entry's value (a map).
fn reply_docs(r: &mut ReplyBuf, t: &Table, e: &TableEntry) {
    let s = e.spec;
    let subs: Vec<&TableEntry> = t.subcommands_of(e).collect();
    let fields = 3
        + usize::from(!s.complexity.is_empty())
        + usize::from(!s.doc_flags.is_empty())
        + usize::from(!s.args.is_empty())
        + usize::from(!subs.is_empty());
    r.map(fields);
    r.bulk(b"summary");
    r.bulk(s.summary.as_bytes());
    r.bulk(b"since");
    r.bulk(s.since.as_bytes());
    r.bulk(b"group");
    r.bulk(s.group.as_bytes());
    if !s.complexity.is_empty() {
        r.bulk(b"complexity");
        r.bulk(s.complexity.as_bytes());
    }
    if !s.doc_flags.is_empty() {
        r.bulk(b"doc_flags");
        r.set(s.doc_flags.len());
        for f in s.doc_flags {
            r.simple(f.as_bytes());
        }
    }
    if !s.args.is_empty() {
        r.bulk(b"arguments");
        reply_args(r, s.args);
    }
    if !subs.is_empty() {
        r.bulk(b"subcommands");
        r.map(subs.len());
        for sub in subs {
            r.bulk(sub.full_name.as_bytes());
            reply_docs(r, t, sub);
        }
    }
}

/// Resolves "get" or "client|list" style names (COMMAND INFO/DOCS accept
/// both) to a table entry.
fn resolve_name<'t>(t: &'t Table, name: &[u8]) -> Option<&'t TableEntry> {
    match name.iter().position(|&c| c == b'|') {
        None => t.lookup(name),
        Some(i) => {
            let parent = t.lookup(&name[..i])?;
            t.lookup_sub(parent, &name[i + 1..])
        }
    }
}

fn command(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = table();
    let r = ctx.reply();
    r.array(t.len_top_level());
    for e in t.top_level() {
        reply_info(r, t, e);
    }
    Ok(())
}

fn command_count(ctx: &mut Ctx<'_>) -> CmdResult {
    let n = table().len_top_level() as i64;
    ctx.reply().integer(n);
    Ok(())
}

fn command_info(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argc() == 2 {
        return command(ctx);
    }
    let t = table();
    let argv = ctx.argv;
    let r = ctx.reply();
    r.array(argv.len() - 2);
    for name in &argv[2..] {
        match resolve_name(t, name) {
            Some(e) => reply_info(r, t, e),
            None => r.null(),
        }
    }
    Ok(())
}

fn command_docs(ctx: &mut Ctx<'_>) -> CmdResult {
    let t = table();
    let argv = ctx.argv;
    let entries: Vec<&TableEntry> = if argv.len() == 2 {
        t.top_level().collect()
    } else {
        argv[2..]
            .iter()
            .filter_map(|n| resolve_name(t, n))
            .collect()
    };
    let r = ctx.reply();
    r.map(entries.len());
    for e in entries {
        r.bulk(e.full_name.as_bytes());
        reply_docs(r, t, e);
    }
    Ok(())
}

fn command_list(ctx: &mut Ctx<'_>) -> CmdResult {
    enum Filter<'a> {
        All,
        Module,
        AclCat(u64),
        Pattern(&'a [u8]),
    }
    let argv = ctx.argv;
    let filter = match argv.len() {
        2 => Filter::All,
        5 if eq_ic(&argv[2], "FILTERBY") => {
            let v = &argv[4];
            if eq_ic(&argv[3], "MODULE") {
                Filter::Module
            } else if eq_ic(&argv[3], "ACLCAT") {
                match CATEGORY_NAMES.iter().find(|(_, n)| eq_ic(v, n)) {
                    Some((bit, _)) => Filter::AclCat(*bit),
                    None => Filter::AclCat(0),
                }
            } else if eq_ic(&argv[3], "PATTERN") {
                Filter::Pattern(v)
            } else {
                return Err(CommandError::Syntax);
            }
        }
        _ => return Err(CommandError::Syntax),
    };
    let t = table();
    let mut names: Vec<&str> = Vec::new();
    let mut consider = |e: &'static TableEntry| {
        let keep = match &filter {
            Filter::All => true,
            Filter::Module => false,
            Filter::AclCat(bit) => *bit != 0 && e.spec.acl_categories() & bit != 0,
            Filter::Pattern(p) => glob_match(p, e.full_name.as_bytes(), true),
        };
        if keep {
            names.push(e.full_name.as_str());
        }
    };
    for e in t.top_level() {
        consider(e);
        for sub in t.subcommands_of(e) {
            consider(sub);
        }
    }
    let r = ctx.reply();
    r.array(names.len());
    for n in names {
        r.bulk(n.as_bytes());
    }
    Ok(())
}

/// (argument position, key spec index) of each key.
type KeyPositions = Vec<(usize, usize)>;

/// The keys (with their spec index) of the command in `argv[2..]`, with
/// Redis's errors for commands that have none.
fn getkeys_generic(ctx: &Ctx<'_>) -> Result<(&'static CommandSpec, KeyPositions), CommandError> {
    let t = table();
    let target = &ctx.argv[2..];
    let mut e = t
        .lookup(&target[0])
        .ok_or(CommandError::InvalidCommandSpecified)?;
    if Table::is_container(e) && target.len() >= 2 {
        e = t
            .lookup_sub(e, &target[1])
            .ok_or(CommandError::InvalidCommandSpecified)?;
    }
    if !has_keys(e.spec) {
        return Err(CommandError::NoKeyArguments);
    }
    if !e.spec.arity_ok(target.len()) {
        return Err(CommandError::InvalidArgCount);
    }
    let pos = key_positions_with_spec(e.spec, target);
    if pos.is_empty() && e.spec.flags & crate::spec::NO_MANDATORY_KEYS == 0 {
        return Err(CommandError::InvalidArguments);
    }
    Ok((e.spec, pos))
}

fn command_getkeys(ctx: &mut Ctx<'_>) -> CmdResult {
    let (_, pos) = getkeys_generic(ctx)?;
    let target = &ctx.argv[2..];
    let r = ctx.reply();
    r.array(pos.len());
    for (p, _) in pos {
        r.bulk(&target[p]);
    }
    Ok(())
}

fn command_getkeysandflags(ctx: &mut Ctx<'_>) -> CmdResult {
    let (spec, pos) = getkeys_generic(ctx)?;
    let target = &ctx.argv[2..];
    let r = ctx.reply();
    r.array(pos.len());
    for (p, spec_idx) in pos {
        let flags = match spec.variable_key_flags {
            Some(f) => f(target, spec_idx),
            None => spec.key_specs[spec_idx].flags,
        };
        r.array(2);
        r.bulk(&target[p]);
        r.set(flags.len());
        for f in flags {
            r.simple(f.as_bytes());
        }
    }
    Ok(())
}

fn command_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Details of every command.",
            "COUNT",
            "    How many commands there are.",
            "DOCS [<command-name> ...]",
            "    Documentation of the named commands, or of all.",
            "GETKEYS <full-command>",
            "    The key arguments of a full command line.",
            "GETKEYSANDFLAGS <full-command>",
            "    The key arguments of a full command line, with their access flags.",
            "INFO [<command-name> ...]",
            "    Details of the named commands, or of all.",
            "LIST [FILTERBY (MODULE <name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    Command names, optionally filtered.",
        ],
    );
    Ok(())
}

const COMMAND_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "getkeysandflags",
        handler: Some(command_getkeysandflags),
        arity: -4,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        group: "server",
        since: "7.0.0",
        summary: "Extracts the key names and their access flags from a full command.",
        complexity: "O(N) where N is the number of arguments to the command",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "count",
        handler: Some(command_count),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.8.13",
        summary: "Returns the number of commands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "info",
        handler: Some(command_info),
        arity: -2,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "2.8.13",
        summary: "Returns details about commands.",
        complexity: "O(N) where N is the number of commands to look up",
        args: &[Arg {
            name: "command-name",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "docs",
        handler: Some(command_docs),
        arity: -2,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "7.0.0",
        summary: "Returns documentation about commands.",
        complexity: "O(N) where N is the number of commands to look up",
        args: &[Arg {
            name: "command-name",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL | ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "list",
        handler: Some(command_list),
        arity: -2,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "7.0.0",
        summary: "Lists command names.",
        complexity: "O(N) where N is the total number of Redis commands",
        args: &[Arg {
            name: "filterby",
            kind: ArgKind::Oneof,
            token: Some("FILTERBY"),
            flags: ARG_OPTIONAL,
            args: &[
                Arg {
                    name: "module-name",
                    kind: ArgKind::String,
                    token: Some("MODULE"),
                    ..Arg::BASE
                },
                Arg {
                    name: "category",
                    kind: ArgKind::String,
                    token: Some("ACLCAT"),
                    ..Arg::BASE
                },
                Arg {
                    name: "pattern",
                    kind: ArgKind::Pattern,
                    token: Some("PATTERN"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getkeys",
        handler: Some(command_getkeys),
        arity: -4,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "server",
        since: "2.8.13",
        summary: "Extracts the key names from a full command.",
        complexity: "O(N) where N is the number of arguments to the command",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(command_help),
        arity: 2,
        flags: LOADING | STALE,
        acl: CAT_CONNECTION,
        key_range: (0, 0, 0),
        group: "server",
        since: "5.0.0",
        summary: "Lists the COMMAND subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "command",
    handler: Some(command),
    arity: -1,
    flags: LOADING | STALE,
    acl: CAT_CONNECTION,
    tips: &["nondeterministic_output_order"],
    group: "server",
    since: "2.8.13",
    summary: "Returns details about every command.",
    complexity: "O(N) where N is the total number of commands",
    subcommands: COMMAND_SUBCOMMANDS,
    ..CommandSpec::BASE
}];
