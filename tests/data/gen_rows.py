#!/usr/bin/env python3
"""Prints command-table row skeletons (Rust) from a live Redis 7.0 server's
COMMAND INFO and COMMAND DOCS, so that a new command family starts with
metadata that matches Redis (arity, flags, key specs, ACL categories,
argument structure). Summaries are left for the author to write.

usage: gen_rows.py PORT name [name ...]      (e.g. gen_rows.py 7379 get set)
"""
import socket
import sys

IMPLICIT = {"write": "write", "readonly": "read", "admin": "admin", "pubsub": "pubsub",
            "fast": "fast", "blocking": "blocking"}


def call(port, *args):
    s = socket.create_connection(("127.0.0.1", port))
    out = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)
    s.sendall(out)
    f = s.makefile("rb")
    return read(f)


def read(f):
    line = f.readline()[:-2]
    t, rest = line[:1], line[1:]
    if t in b"+-":
        return rest.decode()
    if t == b":":
        return int(rest)
    if t == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode()
    if t == b"*":
        n = int(rest)
        return [read(f) for _ in range(n)]
    raise ValueError(line)


def pairs(lst):
    return {lst[i]: lst[i + 1] for i in range(0, len(lst), 2)}


def rs(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flags_expr(flags, prefix):
    if not flags:
        return "0"
    return " | ".join(prefix + f.upper() for f in flags)


def arg_rs(a, ind):
    d = pairs(a)
    parts = [f"name: {rs(d['name'])}", f"kind: ArgKind::{''.join(w.capitalize() for w in d['type'].split('-'))}"]
    if "key_spec_index" in d:
        parts.append(f"key_spec_index: {d['key_spec_index']}")
    if "token" in d:
        parts.append(f"token: Some({rs(d['token'])})")
    if "since" in d:
        parts.append(f"since: Some({rs(d['since'])})")
    if "flags" in d:
        parts.append("flags: " + flags_expr(d["flags"], "ARG_"))
    if "arguments" in d:
        sub = ",\n".join(arg_rs(x, ind + 8) for x in d["arguments"])
        parts.append("args: &[\n" + sub + ",\n" + " " * (ind + 4) + "]")
    pad = " " * ind
    return pad + "Arg { " + ", ".join(parts) + ", ..Arg::BASE }"


def keyspec_rs(ks):
    d = pairs(ks)
    b = pairs(d["begin_search"])
    bspec = pairs(b["spec"]) if b["spec"] else {}
    if b["type"] == "index":
        begin = f"Begin::Index({bspec['index']})"
    elif b["type"] == "keyword":
        begin = f"Begin::Keyword({rs(bspec['keyword'])}, {bspec['startfrom']})"
    else:
        begin = "Begin::Unknown"
    fk = pairs(d["find_keys"])
    fspec = pairs(fk["spec"]) if fk["spec"] else {}
    if fk["type"] == "range":
        find = f"Find::Range {{ last: {fspec['lastkey']}, step: {fspec['keystep']}, limit: {fspec['limit']} }}"
    elif fk["type"] == "keynum":
        find = f"Find::Keynum {{ keynum_idx: {fspec['keynumidx']}, first: {fspec['firstkey']}, step: {fspec['keystep']} }}"
    else:
        find = "Find::Unknown"
    notes = f"Some({rs(d['notes'])})" if "notes" in d else "None"
    fl = ", ".join(rs(x) for x in d["flags"])
    return f"KeySpec {{ notes: {notes}, flags: &[{fl}], begin: {begin}, find: {find} }}"


def row(info, docs, fn, ind=4):
    name, arity, flags, first, last, step, acl, tips, keyspecs, subs = info
    acl = [c[1:] for c in acl]
    implicit = {IMPLICIT[f] for f in flags if f in IMPLICIT}
    if "admin" in flags:
        implicit.add("dangerous")
    if "fast" not in acl:
        implicit.add("slow")
    explicit = [c for c in acl if c not in implicit]
    short = name.split("|")[-1]
    pad = " " * ind
    out = [pad + "CommandSpec {", f"{pad}    name: {rs(short)},"]
    out.append(f"{pad}    handler: Some({fn}),")
    out.append(f"{pad}    arity: {arity},")
    out.append(f"{pad}    flags: {flags_expr(flags, '')},")
    out.append(f"{pad}    acl: {flags_expr(explicit, 'CAT_')},")
    out.append(f"{pad}    key_range: ({first}, {last}, {step}),")
    if keyspecs:
        out.append(f"{pad}    key_specs: &[" + ", ".join(keyspec_rs(k) for k in keyspecs) + "],")
    if tips:
        out.append(f"{pad}    tips: &[" + ", ".join(rs(t) for t in tips) + "],")
    out.append(f"{pad}    group: {rs(docs['group'])},")
    out.append(f"{pad}    since: {rs(docs['since'])},")
    out.append(f"{pad}    summary: \"TODO\",")
    if "complexity" in docs:
        out.append(f"{pad}    complexity: {rs(docs['complexity'])},")
    if "doc_flags" in docs:
        out.append(f"{pad}    doc_flags: &[" + ", ".join(rs(x) for x in docs["doc_flags"]) + "],")
    if "arguments" in docs:
        out.append(f"{pad}    args: &[")
        for a in docs["arguments"]:
            out.append(arg_rs(a, ind + 8) + ",")
        out.append(f"{pad}    ],")
    out.append(f"{pad}    ..CommandSpec::BASE")
    out.append(pad + "}")
    return "\n".join(out)


def main():
    port = int(sys.argv[1])
    for name in sys.argv[2:]:
        info = call(port, b"COMMAND", b"INFO", name.encode())[0]
        docs = pairs(call(port, b"COMMAND", b"DOCS", name.encode())[1])
        print(row(info, docs, name.replace("|", "_")) + ",")
        if info[9]:
            subdocs = pairs(docs.get("subcommands", []))
            for s in info[9]:
                print(row(s, pairs(subdocs[s[0]]), s[0].replace("|", "_"), 8) + ",")


main()
