//! The command-table rows of the string and bitmap families. Metadata
//! (arity, flags, key specs, arguments) follows Redis 7.0's COMMAND INFO and
//! COMMAND DOCS; summaries are our own.

use super::bitfield::{bitfield, bitfield_key_flags, bitfield_ro};
use super::bits::{bitcount, bitop, bitpos, getbit, setbit};
use super::lcs::lcs;
use super::*;
use crate::spec::*;

pub static COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "get",
        handler: Some(get),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Returns the string value of a key.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "set",
        handler: Some(set),
        variable_key_flags: Some(set_key_flags),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: Some("RW and ACCESS due to the optional `GET` argument"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Sets the string value of a key.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "condition",
                kind: ArgKind::Oneof,
                since: Some("2.6.12"),
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "nx",
                        kind: ArgKind::PureToken,
                        token: Some("NX"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "xx",
                        kind: ArgKind::PureToken,
                        token: Some("XX"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
            Arg {
                name: "get",
                kind: ArgKind::PureToken,
                token: Some("GET"),
                since: Some("6.2.0"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "expiration",
                kind: ArgKind::Oneof,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "seconds",
                        kind: ArgKind::Integer,
                        token: Some("EX"),
                        since: Some("2.6.12"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "milliseconds",
                        kind: ArgKind::Integer,
                        token: Some("PX"),
                        since: Some("2.6.12"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "unix-time-seconds",
                        kind: ArgKind::UnixTime,
                        token: Some("EXAT"),
                        since: Some("6.2.0"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "unix-time-milliseconds",
                        kind: ArgKind::UnixTime,
                        token: Some("PXAT"),
                        since: Some("6.2.0"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "keepttl",
                        kind: ArgKind::PureToken,
                        token: Some("KEEPTTL"),
                        since: Some("6.0.0"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getex",
        handler: Some(getex),
        arity: -2,
        flags: WRITE | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: Some("RW and UPDATE because it changes the TTL"),
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "6.2.0",
        summary: "Returns a string value and optionally changes or removes its expiration.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "expiration",
                kind: ArgKind::Oneof,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "seconds",
                        kind: ArgKind::Integer,
                        token: Some("EX"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "milliseconds",
                        kind: ArgKind::Integer,
                        token: Some("PX"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "unix-time-seconds",
                        kind: ArgKind::UnixTime,
                        token: Some("EXAT"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "unix-time-milliseconds",
                        kind: ArgKind::UnixTime,
                        token: Some("PXAT"),
                        ..Arg::BASE
                    },
                    Arg {
                        name: "persist",
                        kind: ArgKind::PureToken,
                        token: Some("PERSIST"),
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getdel",
        handler: Some(getdel),
        arity: 2,
        flags: WRITE | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "delete"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "6.2.0",
        summary: "Returns a string value and deletes the key.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getset",
        handler: Some(getset),
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Replaces a string value and returns the previous one.",
        complexity: "O(1)",
        doc_flags: &["deprecated"],
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "mget",
        handler: Some(mget),
        arity: -2,
        flags: READONLY | FAST,
        acl: CAT_STRING,
        key_range: (1, -1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 1,
                limit: 0,
            },
        }],
        tips: &["request_policy:multi_shard"],
        group: "string",
        since: "1.0.0",
        summary: "Returns the string values of several keys at once.",
        complexity: "O(N) where N is the number of keys to retrieve.",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "mset",
        handler: Some(mset),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, -1, 2),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 2,
                limit: 0,
            },
        }],
        tips: &[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ],
        group: "string",
        since: "1.0.1",
        summary: "Stores several key/value pairs at once.",
        complexity: "O(N) where N is the number of keys to set.",
        args: &[Arg {
            name: "key_value",
            kind: ArgKind::Block,
            flags: ARG_MULTIPLE,
            args: &[
                Arg {
                    name: "key",
                    kind: ArgKind::Key,
                    key_spec_index: 0,
                    ..Arg::BASE
                },
                Arg {
                    name: "value",
                    kind: ArgKind::String,
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "msetnx",
        handler: Some(msetnx),
        arity: -3,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, -1, 2),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: -1,
                step: 2,
                limit: 0,
            },
        }],
        tips: &["request_policy:multi_shard", "response_policy:agg_min"],
        group: "string",
        since: "1.0.1",
        summary: "Stores several key/value pairs only when none of the keys exists.",
        complexity: "O(N) where N is the number of keys to set.",
        args: &[Arg {
            name: "key_value",
            kind: ArgKind::Block,
            flags: ARG_MULTIPLE,
            args: &[
                Arg {
                    name: "key",
                    kind: ArgKind::Key,
                    key_spec_index: 0,
                    ..Arg::BASE
                },
                Arg {
                    name: "value",
                    kind: ArgKind::String,
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setnx",
        handler: Some(setnx),
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Stores a string value only when the key is absent.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setex",
        handler: Some(setex),
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.0.0",
        summary: "Stores a string value with a time to live in seconds.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "seconds",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "psetex",
        handler: Some(psetex),
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["OW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.6.0",
        summary: "Stores a string value with a time to live in milliseconds.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "milliseconds",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "append",
        handler: Some(append),
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "insert"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.0.0",
        summary: "Adds bytes at the end of a string value, creating it if needed.",
        complexity: "O(1) amortized: existing strings grow geometrically.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "strlen",
        handler: Some(strlen),
        arity: 2,
        flags: READONLY | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.2.0",
        summary: "Returns the length in bytes of a string value.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "incr",
        handler: Some(incr),
        arity: 2,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Adds one to the integer held in a string.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "decr",
        handler: Some(decr),
        arity: 2,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Subtracts one from the integer held in a string.",
        complexity: "O(1)",
        args: &[Arg {
            name: "key",
            kind: ArgKind::Key,
            key_spec_index: 0,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "incrby",
        handler: Some(incrby),
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Adds an integer to the integer held in a string.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "increment",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "decrby",
        handler: Some(decrby),
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Subtracts an integer from the integer held in a string.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "decrement",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "incrbyfloat",
        handler: Some(incrbyfloat),
        arity: 3,
        flags: WRITE | DENYOOM | FAST,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.6.0",
        summary: "Adds a floating point number to the number held in a string.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "increment",
                kind: ArgKind::Double,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getrange",
        handler: Some(getrange),
        arity: 4,
        flags: READONLY,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.4.0",
        summary: "Returns a byte range of a string value.",
        complexity: "O(N) in the length N of the returned range; cheap for short ranges.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "start",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "end",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "substr",
        handler: Some(getrange),
        arity: 4,
        flags: READONLY,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "1.0.0",
        summary: "Returns a byte range of a string value (old name of GETRANGE).",
        complexity: "O(N) in the length N of the returned range; cheap for short ranges.",
        doc_flags: &["deprecated"],
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "start",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "end",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setrange",
        handler: Some(setrange),
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: CAT_STRING,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "2.2.0",
        summary: "Writes bytes into a string value at an offset, padding with zero bytes.",
        complexity: "O(1) plus O(M) to copy the M bytes of the value.",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "offset",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::String,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "lcs",
        handler: Some(lcs),
        arity: -3,
        flags: READONLY,
        acl: CAT_STRING,
        key_range: (1, 2, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 1,
                step: 1,
                limit: 0,
            },
        }],
        group: "string",
        since: "7.0.0",
        summary: "Finds the longest common subsequence of two string values.",
        complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
        args: &[
            Arg {
                name: "key1",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "key2",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "len",
                kind: ArgKind::PureToken,
                token: Some("LEN"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "idx",
                kind: ArgKind::PureToken,
                token: Some("IDX"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "len",
                kind: ArgKind::Integer,
                token: Some("MINMATCHLEN"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
            Arg {
                name: "withmatchlen",
                kind: ArgKind::PureToken,
                token: Some("WITHMATCHLEN"),
                flags: ARG_OPTIONAL,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setbit",
        handler: Some(setbit),
        arity: 4,
        flags: WRITE | DENYOOM,
        acl: CAT_BITMAP,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RW", "access", "update"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "bitmap",
        since: "2.2.0",
        summary: "Sets or clears one bit of a string value and returns its previous state.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "offset",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "value",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getbit",
        handler: Some(getbit),
        arity: 3,
        flags: READONLY | FAST,
        acl: CAT_BITMAP,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "bitmap",
        since: "2.2.0",
        summary: "Returns one bit of a string value.",
        complexity: "O(1)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "offset",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bitcount",
        handler: Some(bitcount),
        arity: -2,
        flags: READONLY,
        acl: CAT_BITMAP,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "bitmap",
        since: "2.6.0",
        summary: "Counts the set bits of a string value, optionally within a range.",
        complexity: "O(N)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "index",
                kind: ArgKind::Block,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "start",
                        kind: ArgKind::Integer,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "end",
                        kind: ArgKind::Integer,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "index_unit",
                        kind: ArgKind::Oneof,
                        since: Some("7.0.0"),
                        flags: ARG_OPTIONAL,
                        args: &[
                            Arg {
                                name: "byte",
                                kind: ArgKind::PureToken,
                                token: Some("BYTE"),
                                ..Arg::BASE
                            },
                            Arg {
                                name: "bit",
                                kind: ArgKind::PureToken,
                                token: Some("BIT"),
                                ..Arg::BASE
                            },
                        ],
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bitpos",
        handler: Some(bitpos),
        arity: -3,
        flags: READONLY,
        acl: CAT_BITMAP,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "bitmap",
        since: "2.8.7",
        summary: "Finds the first set or clear bit of a string value.",
        complexity: "O(N)",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "bit",
                kind: ArgKind::Integer,
                ..Arg::BASE
            },
            Arg {
                name: "index",
                kind: ArgKind::Block,
                flags: ARG_OPTIONAL,
                args: &[
                    Arg {
                        name: "start",
                        kind: ArgKind::Integer,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "end_index",
                        kind: ArgKind::Block,
                        flags: ARG_OPTIONAL,
                        args: &[
                            Arg {
                                name: "end",
                                kind: ArgKind::Integer,
                                ..Arg::BASE
                            },
                            Arg {
                                name: "index_unit",
                                kind: ArgKind::Oneof,
                                since: Some("7.0.0"),
                                flags: ARG_OPTIONAL,
                                args: &[
                                    Arg {
                                        name: "byte",
                                        kind: ArgKind::PureToken,
                                        token: Some("BYTE"),
                                        ..Arg::BASE
                                    },
                                    Arg {
                                        name: "bit",
                                        kind: ArgKind::PureToken,
                                        token: Some("BIT"),
                                        ..Arg::BASE
                                    },
                                ],
                                ..Arg::BASE
                            },
                        ],
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bitop",
        handler: Some(bitop),
        arity: -4,
        flags: WRITE | DENYOOM,
        acl: CAT_BITMAP,
        key_range: (2, -1, 1),
        key_specs: &[
            KeySpec {
                notes: None,
                flags: &["OW", "update"],
                begin: Begin::Index(2),
                find: Find::Range {
                    last: 0,
                    step: 1,
                    limit: 0,
                },
            },
            KeySpec {
                notes: None,
                flags: &["RO", "access"],
                begin: Begin::Index(3),
                find: Find::Range {
                    last: -1,
                    step: 1,
                    limit: 0,
                },
            },
        ],
        group: "bitmap",
        since: "2.6.0",
        summary: "Combines string values bitwise (AND, OR, XOR, NOT) into a key.",
        complexity: "O(N)",
        args: &[
            Arg {
                name: "operation",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "destkey",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 1,
                flags: ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bitfield",
        handler: Some(bitfield),
        variable_key_flags: Some(bitfield_key_flags),
        arity: -2,
        flags: WRITE | DENYOOM,
        acl: CAT_BITMAP,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: Some("This command allows both access and modification of the key"),
            flags: &["RW", "access", "update", "variable_flags"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "bitmap",
        since: "3.2.0",
        summary: "Reads, writes and increments integer fields of any width inside a string.",
        complexity: "O(1) for each subcommand specified",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "operation",
                kind: ArgKind::Oneof,
                flags: ARG_OPTIONAL | ARG_MULTIPLE,
                args: &[
                    Arg {
                        name: "encoding_offset",
                        kind: ArgKind::Block,
                        token: Some("GET"),
                        args: &[
                            Arg {
                                name: "encoding",
                                kind: ArgKind::String,
                                ..Arg::BASE
                            },
                            Arg {
                                name: "offset",
                                kind: ArgKind::Integer,
                                ..Arg::BASE
                            },
                        ],
                        ..Arg::BASE
                    },
                    Arg {
                        name: "write",
                        kind: ArgKind::Block,
                        args: &[
                            Arg {
                                name: "wrap_sat_fail",
                                kind: ArgKind::Oneof,
                                token: Some("OVERFLOW"),
                                flags: ARG_OPTIONAL,
                                args: &[
                                    Arg {
                                        name: "wrap",
                                        kind: ArgKind::PureToken,
                                        token: Some("WRAP"),
                                        ..Arg::BASE
                                    },
                                    Arg {
                                        name: "sat",
                                        kind: ArgKind::PureToken,
                                        token: Some("SAT"),
                                        ..Arg::BASE
                                    },
                                    Arg {
                                        name: "fail",
                                        kind: ArgKind::PureToken,
                                        token: Some("FAIL"),
                                        ..Arg::BASE
                                    },
                                ],
                                ..Arg::BASE
                            },
                            Arg {
                                name: "write_operation",
                                kind: ArgKind::Oneof,
                                args: &[
                                    Arg {
                                        name: "encoding_offset_value",
                                        kind: ArgKind::Block,
                                        token: Some("SET"),
                                        args: &[
                                            Arg {
                                                name: "encoding",
                                                kind: ArgKind::String,
                                                ..Arg::BASE
                                            },
                                            Arg {
                                                name: "offset",
                                                kind: ArgKind::Integer,
                                                ..Arg::BASE
                                            },
                                            Arg {
                                                name: "value",
                                                kind: ArgKind::Integer,
                                                ..Arg::BASE
                                            },
                                        ],
                                        ..Arg::BASE
                                    },
                                    Arg {
                                        name: "encoding_offset_increment",
                                        kind: ArgKind::Block,
                                        token: Some("INCRBY"),
                                        args: &[
                                            Arg {
                                                name: "encoding",
                                                kind: ArgKind::String,
                                                ..Arg::BASE
                                            },
                                            Arg {
                                                name: "offset",
                                                kind: ArgKind::Integer,
                                                ..Arg::BASE
                                            },
                                            Arg {
                                                name: "increment",
                                                kind: ArgKind::Integer,
                                                ..Arg::BASE
                                            },
                                        ],
                                        ..Arg::BASE
                                    },
                                ],
                                ..Arg::BASE
                            },
                        ],
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "bitfield_ro",
        handler: Some(bitfield_ro),
        arity: -2,
        flags: READONLY | FAST,
        acl: CAT_BITMAP,
        key_range: (1, 1, 1),
        key_specs: &[KeySpec {
            notes: None,
            flags: &["RO", "access"],
            begin: Begin::Index(1),
            find: Find::Range {
                last: 0,
                step: 1,
                limit: 0,
            },
        }],
        group: "bitmap",
        since: "6.0.0",
        summary: "Reads integer fields of any width inside a string.",
        complexity: "O(1) for each subcommand specified",
        args: &[
            Arg {
                name: "key",
                kind: ArgKind::Key,
                key_spec_index: 0,
                ..Arg::BASE
            },
            Arg {
                name: "encoding_offset",
                kind: ArgKind::Block,
                token: Some("GET"),
                flags: ARG_OPTIONAL | ARG_MULTIPLE | ARG_MULTIPLE_TOKEN,
                args: &[
                    Arg {
                        name: "encoding",
                        kind: ArgKind::String,
                        ..Arg::BASE
                    },
                    Arg {
                        name: "offset",
                        kind: ArgKind::Integer,
                        ..Arg::BASE
                    },
                ],
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
];
