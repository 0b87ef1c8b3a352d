//! Access control: users, their rules, the permission check dispatch runs,
//! and the ACL command family (WHOAMI, USERS, LIST, CAT, SETUSER, DELUSER,
//! GETUSER, GENPASS, LOG, DRYRUN, LOAD, SAVE, HELP).
//!
//! A user is a set of flags (on/off, nopass, payload sanitizing), password
//! hashes (SHA-256), a root selector and further selectors. A selector says
//! which commands (one bit per command-table row, subcommands included,
//! plus first-argument exceptions), which keys (glob patterns with read /
//! write permissions) and which pub/sub channels are allowed. A command is
//! allowed when any selector allows it.
//!
//! Users live behind `Arc<UserHandle>`: connections hold the handle of the
//! user they authenticated as, so ACL SETUSER takes effect on them at once;
//! ACL DELUSER marks the handle deleted and disconnects them. The check in
//! dispatch first reads one atomic (`unrestricted`), so the common case (a
//! user allowed everything, like the default user) costs no lock.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use ferrodis_engine::glob::glob_match;
use parking_lot::{Mutex, RwLock};
use rand::RngCore;
use thiserror::Error;

use crate::args::{eq_ic, parse_int};
use crate::context::{Client, Ctx, ServerState};
use crate::error::{CmdResult, CommandError, Lossy};
use crate::keys::key_positions_with_spec;
use crate::spec::*;
use crate::table::{table, Table, TableEntry};

// ------------------------------------------------------------------ errors

/// Why one ACL SETUSER rule was refused (the text after the modifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("Unknown command or category name in ACL")]
    Unknown,
    #[error("Syntax error")]
    Syntax,
    #[error("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns")]
    AfterAllKeys,
    #[error("Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels")]
    AfterAllChannels,
    #[error("The password you are trying to remove from the user does not exist")]
    NoSuchPassword,
    #[error("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters")]
    BadHash,
    #[error("Allowing first-arg of a subcommand is not supported")]
    SubcommandFirstArg,
}

/// Errors of the ACL family; Display is Redis's reply line.
#[derive(Debug, Error)]
pub enum AclError {
    #[error("ERR Error in ACL SETUSER modifier '{modifier}': {reason}")]
    Rule { modifier: Lossy, reason: RuleError },
    #[error("ERR Unmatched parenthesis in acl selector starting at '{0}'.")]
    UnmatchedParen(Lossy),
    #[error("ERR The 'default' user cannot be removed")]
    DeleteDefault,
    #[error("ERR Unknown category '{0}'")]
    UnknownCategory(Lossy),
    #[error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")]
    GenpassBits,
    #[error("ERR User '{0}' not found")]
    UserNotFound(Lossy),
    #[error("ERR Command '{0}' not found")]
    CommandNotFound(Lossy),
    #[error("ERR No such user '{0}'")]
    NoSuchUser(Lossy),
    #[error("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")]
    NoAclFile,
    #[error("NOPERM this user has no permissions to run the '{0}' command")]
    NoPermCommand(String),
    #[error("NOPERM this user has no permissions to access one of the keys used as arguments")]
    NoPermKey,
    #[error("NOPERM this user has no permissions to access one of the channels used as arguments")]
    NoPermChannel,
}

impl From<AclError> for CommandError {
    fn from(e: AclError) -> CommandError {
        CommandError::Acl(e)
    }
}

// ----------------------------------------------------------------- sha-256

/// SHA-256 of `data` (passwords are stored only as their hash).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bitlen = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bitlen.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, v) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
    }
    out
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn hash_password(pass: &[u8]) -> String {
    hex(&sha256(pass))
}

/// Compares in time independent of where the inputs first differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= (x ^ y) as usize;
    }
    diff == 0
}

// --------------------------------------------------------------- selectors

const KEY_READ: u8 = 1;
const KEY_WRITE: u8 = 2;
const KEY_ALL: u8 = KEY_READ | KEY_WRITE;

/// A key pattern with the permissions it grants.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyPattern {
    pattern: Bytes,
    flags: u8,
}

/// Number of rows in the command table (the width of command bitmaps).
fn table_len() -> usize {
    static LEN: OnceLock<usize> = OnceLock::new();
    *LEN.get_or_init(|| {
        let t = table();
        t.top_level()
            .flat_map(|e| std::iter::once(e.id).chain(t.subcommands_of(e).map(|s| s.id)))
            .max()
            .map_or(0, |m| m as usize + 1)
    })
}

/// What one selector allows.
///
/// Invariants: `all` implies every bit of `cmds` is set and `future`;
/// `allkeys` implies `keys` is empty; `allchannels` implies `channels` is
/// empty; `firstargs` only names commands whose bit is clear.
#[derive(Debug, Clone)]
struct Selector {
    cmds: Vec<u64>,
    /// Set by +@all (and kept until -@all): the user may run commands that
    /// do not exist yet, so its rules are described starting from +@all.
    future: bool,
    /// Every command allowed (fast path).
    all: bool,
    /// Command id → first arguments allowed although the command is not.
    firstargs: BTreeMap<u32, Vec<Bytes>>,
    keys: Vec<KeyPattern>,
    allkeys: bool,
    channels: Vec<Bytes>,
    allchannels: bool,
}

impl Selector {
    fn new() -> Selector {
        Selector {
            cmds: vec![0; table_len().div_ceil(64)],
            future: false,
            all: false,
            firstargs: BTreeMap::new(),
            keys: Vec::new(),
            allkeys: false,
            channels: Vec::new(),
            allchannels: false,
        }
    }

    fn bit(&self, id: u32) -> bool {
        let i = id as usize;
        self.cmds
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    fn set_bit(&mut self, id: u32, on: bool) {
        let i = id as usize;
        if let Some(w) = self.cmds.get_mut(i / 64) {
            if on {
                *w |= 1u64 << (i % 64);
            } else {
                *w &= !(1u64 << (i % 64));
                self.all = false;
            }
        }
    }

    /// Allows or denies a command and all its subcommands.
    fn change_perm(&mut self, e: &TableEntry, on: bool) {
        let t = table();
        self.set_bit(e.id, on);
        self.firstargs.remove(&e.id);
        for s in t.subcommands_of(e) {
            self.set_bit(s.id, on);
        }
    }

    fn set_all(&mut self, on: bool) {
        for w in &mut self.cmds {
            *w = if on { u64::MAX } else { 0 };
        }
        self.future = on;
        self.all = on;
        self.firstargs.clear();
    }

    fn set_category(&mut self, cat: u64, on: bool) {
        let t = table();
        for e in t.top_level() {
            if e.spec.acl_categories() & cat != 0 {
                self.change_perm(e, on);
            }
            for s in t.subcommands_of(e) {
                if s.spec.acl_categories() & cat != 0 {
                    self.change_perm(s, on);
                }
            }
        }
    }

    /// Commands of category `cat` allowed and not allowed.
    fn count_category(&self, cat: u64) -> (usize, usize) {
        let t = table();
        let (mut on, mut off) = (0, 0);
        for e in t.top_level() {
            for r in std::iter::once(e).chain(t.subcommands_of(e)) {
                if r.spec.acl_categories() & cat != 0 {
                    if self.bit(r.id) {
                        on += 1;
                    } else {
                        off += 1;
                    }
                }
            }
        }
        (on, off)
    }

    fn add_key_pattern(&mut self, pattern: &[u8], flags: u8) {
        if let Some(k) = self.keys.iter_mut().find(|k| k.pattern == pattern) {
            k.flags |= flags;
        } else {
            self.keys.push(KeyPattern {
                pattern: Bytes::copy_from_slice(pattern),
                flags,
            });
        }
    }

    /// Applies one rule that concerns a selector.
    fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        if eq_ic(op, "allkeys") {
            self.allkeys = true;
            self.keys.clear();
        } else if eq_ic(op, "resetkeys") {
            self.allkeys = false;
            self.keys.clear();
        } else if eq_ic(op, "allchannels") {
            self.allchannels = true;
            self.channels.clear();
        } else if eq_ic(op, "resetchannels") {
            self.allchannels = false;
            self.channels.clear();
        } else if eq_ic(op, "allcommands") || eq_ic(op, "+@all") {
            self.set_all(true);
        } else if eq_ic(op, "nocommands") || eq_ic(op, "-@all") {
            self.set_all(false);
        } else if op.first() == Some(&b'~') || op.first() == Some(&b'%') {
            if self.allkeys {
                return Err(RuleError::AfterAllKeys);
            }
            let mut flags = 0u8;
            let mut offset = 1;
            if op[0] == b'%' {
                while offset < op.len() {
                    let c = op[offset];
                    if c.eq_ignore_ascii_case(&b'r') && flags & KEY_READ == 0 {
                        flags |= KEY_READ;
                    } else if c.eq_ignore_ascii_case(&b'w') && flags & KEY_WRITE == 0 {
                        flags |= KEY_WRITE;
                    } else if c == b'~' {
                        offset += 1;
                        break;
                    } else {
                        return Err(RuleError::Syntax);
                    }
                    offset += 1;
                }
            } else {
                flags = KEY_ALL;
            }
            if flags == 0 {
                return Err(RuleError::Syntax);
            }
            let pattern = op.get(offset..).unwrap_or(&[]);
            if pattern == b"*" && flags == KEY_ALL {
                self.allkeys = true;
                self.keys.clear();
            } else {
                self.add_key_pattern(pattern, flags);
            }
        } else if op.first() == Some(&b'&') {
            if self.allchannels {
                return Err(RuleError::AfterAllChannels);
            }
            let pattern = &op[1..];
            if pattern == b"*" {
                self.allchannels = true;
                self.channels.clear();
            } else if !self.channels.iter().any(|c| c == pattern) {
                self.channels.push(Bytes::copy_from_slice(pattern));
            }
        } else if op.starts_with(b"+@") || op.starts_with(b"-@") {
            let cat = category_by_name(&op[2..]).ok_or(RuleError::Unknown)?;
            self.set_category(cat, op[0] == b'+');
        } else if op.first() == Some(&b'-') {
            let e = lookup_full(&op[1..]).ok_or(RuleError::Unknown)?;
            self.change_perm(e, false);
        } else if op.first() == Some(&b'+') {
            let name = &op[1..];
            match name.iter().rposition(|&c| c == b'|') {
                None => {
                    let e = lookup_full(name).ok_or(RuleError::Unknown)?;
                    self.change_perm(e, true);
                }
                Some(bar) => {
                    let e = lookup_full(&name[..bar]).ok_or(RuleError::Unknown)?;
                    if e.parent.is_some() {
                        return Err(RuleError::SubcommandFirstArg);
                    }
                    let sub = &name[bar + 1..];
                    if sub.is_empty() {
                        return Err(RuleError::Syntax);
                    }
                    if Table::is_container(e) {
                        let s = table().lookup_sub(e, sub).ok_or(RuleError::Unknown)?;
                        self.change_perm(s, true);
                    } else if !self.bit(e.id) {
                        let list = self.firstargs.entry(e.id).or_default();
                        if !list.iter().any(|a| a.eq_ignore_ascii_case(sub)) {
                            list.push(Bytes::copy_from_slice(sub));
                        }
                    }
                }
            }
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    /// Whether this selector lets `e` run with `argv`.
    fn check(&self, e: &TableEntry, argv: &[Bytes]) -> Result<(), (Denied, usize)> {
        let spec = e.spec;
        if !self.all && spec.flags & NO_AUTH == 0 && !self.bit(e.id) {
            let idx = if e.parent.is_some() { 2 } else { 1 };
            let ok = argv.get(idx).is_some_and(|a| {
                self.firstargs
                    .get(&e.id)
                    .is_some_and(|l| l.iter().any(|x| x.eq_ignore_ascii_case(a)))
            });
            if !ok {
                return Err((Denied::Command, 0));
            }
        }
        if !self.allkeys && !spec.key_specs.is_empty() {
            for (pos, ks) in key_positions_with_spec(spec, argv) {
                let kflags = match spec.variable_key_flags {
                    Some(f) => f(argv, ks),
                    None => spec.key_specs[ks].flags,
                };
                // Channels of SSUBSCRIBE/SPUBLISH: checked as channels below.
                if kflags.contains(&"not_key") {
                    continue;
                }
                let mut need = 0;
                for f in kflags {
                    match *f {
                        "access" => need |= KEY_READ,
                        "insert" | "delete" | "update" => need |= KEY_WRITE,
                        _ => {}
                    }
                }
                let key = &argv[pos];
                let ok = self
                    .keys
                    .iter()
                    .any(|k| k.flags & need == need && glob_match(&k.pattern, key, false));
                if !ok {
                    return Err((Denied::Key, pos));
                }
            }
        }
        if !self.allchannels {
            for (pos, literal) in channel_positions(e, argv) {
                let ch = &argv[pos];
                let ok = self.channels.iter().any(|p| {
                    if literal {
                        p == ch
                    } else {
                        glob_match(p, ch, false)
                    }
                });
                if !ok {
                    return Err((Denied::Channel, pos));
                }
            }
        }
        Ok(())
    }

    /// The command rules in Redis 7.0's form: +@all or -@all, then the
    /// categories that best approximate the allowed set (greedily), then
    /// single commands and subcommands, then first-argument exceptions.
    fn describe_commands(&self) -> String {
        let t = table();
        let additive = !self.future;
        let mut rules = String::from(if additive { "-@all " } else { "+@all " });
        let mut fake = Selector::new();
        fake.set_all(!additive);
        // A scratch copy: categories already used are flipped back in it,
        // so they do not count again.
        let mut tmp = self.clone();
        let mut applied = [false; 64];
        loop {
            let mut best = None;
            let (mut mindiff, mut maxsame) = (usize::MAX, 0usize);
            for (j, &(cat, _)) in CATEGORY_NAMES.iter().enumerate() {
                if applied[j] {
                    continue;
                }
                let (on, off) = tmp.count_category(cat);
                let (diff, same) = if additive { (off, on) } else { (on, off) };
                if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
                    best = Some(j);
                    mindiff = diff;
                    maxsame = same;
                }
            }
            let Some(j) = best else { break };
            let (cat, name) = CATEGORY_NAMES[j];
            fake.set_category(cat, additive);
            tmp.set_category(cat, !additive);
            rules.push(if additive { '+' } else { '-' });
            rules.push('@');
            rules.push_str(name);
            rules.push(' ');
            applied[j] = true;
        }
        for e in t.top_level() {
            let user = self.bit(e.id);
            if user != fake.bit(e.id) {
                rules.push(if user { '+' } else { '-' });
                rules.push_str(&e.full_name);
                rules.push(' ');
                fake.change_perm(e, user);
            }
            for s in t.subcommands_of(e) {
                let sb = self.bit(s.id);
                if sb != fake.bit(s.id) {
                    rules.push(if sb { '+' } else { '-' });
                    rules.push_str(&s.full_name);
                    rules.push(' ');
                    fake.change_perm(s, sb);
                }
            }
            if !user {
                if let Some(args) = self.firstargs.get(&e.id) {
                    for a in args {
                        rules.push('+');
                        rules.push_str(&e.full_name);
                        rules.push('|');
                        rules.push_str(&String::from_utf8_lossy(a));
                        rules.push(' ');
                    }
                }
            }
        }
        rules.pop();
        rules
    }

    fn describe_keys(&self) -> String {
        if self.allkeys {
            return "~*".to_string();
        }
        let mut out = Vec::new();
        for k in &self.keys {
            let p = String::from_utf8_lossy(&k.pattern);
            out.push(match k.flags {
                KEY_READ => format!("%R~{p}"),
                KEY_WRITE => format!("%W~{p}"),
                _ => format!("~{p}"),
            });
        }
        out.join(" ")
    }

    /// Channels as GETUSER shows them (no `resetchannels`).
    fn describe_channels(&self) -> String {
        if self.allchannels {
            return "&*".to_string();
        }
        let v: Vec<String> = self
            .channels
            .iter()
            .map(|c| format!("&{}", String::from_utf8_lossy(c)))
            .collect();
        v.join(" ")
    }

    /// The whole selector as ACL LIST shows it.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        let keys = self.describe_keys();
        if !keys.is_empty() {
            parts.push(keys);
        }
        if !self.allchannels {
            parts.push("resetchannels".to_string());
        }
        let ch = self.describe_channels();
        if !ch.is_empty() {
            parts.push(ch);
        }
        parts.push(self.describe_commands());
        parts.join(" ")
    }
}

/// Channel arguments of the pub/sub commands: (position, must match a
/// pattern literally).
fn channel_positions(e: &TableEntry, argv: &[Bytes]) -> Vec<(usize, bool)> {
    match e.full_name.as_str() {
        "publish" | "spublish" => vec![(1, false)],
        "subscribe" | "ssubscribe" => (1..argv.len()).map(|i| (i, false)).collect(),
        "psubscribe" => (1..argv.len()).map(|i| (i, true)).collect(),
        _ => Vec::new(),
    }
}

fn category_by_name(name: &[u8]) -> Option<u64> {
    CATEGORY_NAMES
        .iter()
        .find(|(_, n)| eq_ic(name, n))
        .map(|(c, _)| *c)
}

/// A command or `container|sub` by name.
fn lookup_full(name: &[u8]) -> Option<&'static TableEntry> {
    let t = table();
    match name.iter().position(|&c| c == b'|') {
        None => t.lookup(name),
        Some(bar) => {
            let c = t.lookup(&name[..bar])?;
            t.lookup_sub(c, &name[bar + 1..])
        }
    }
}

// ------------------------------------------------------------------ users

/// Why a command was refused, in Redis's order of relevance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Denied {
    Command = 1,
    Key = 2,
    Channel = 4,
}

/// A user's definition.
#[derive(Debug, Clone)]
pub struct User {
    enabled: bool,
    nopass: bool,
    /// 0: neither flag, 1: sanitize-payload, 2: skip-sanitize-payload.
    sanitize: u8,
    /// Lowercase hex SHA-256 of each password, in the order added.
    passwords: Vec<String>,
    root: Selector,
    selectors: Vec<Selector>,
}

impl User {
    /// A new user: off, no passwords, no commands, keys or channels.
    fn new() -> User {
        User {
            enabled: false,
            nopass: false,
            sanitize: 0,
            passwords: Vec::new(),
            root: Selector::new(),
            selectors: Vec::new(),
        }
    }

    fn unrestricted(&self) -> bool {
        self.root.all && self.root.allkeys && self.root.allchannels
    }

    fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        if eq_ic(op, "on") {
            self.enabled = true;
        } else if eq_ic(op, "off") {
            self.enabled = false;
        } else if eq_ic(op, "skip-sanitize-payload") {
            self.sanitize = 2;
        } else if eq_ic(op, "sanitize-payload") {
            self.sanitize = 1;
        } else if eq_ic(op, "nopass") {
            self.nopass = true;
            self.passwords.clear();
        } else if eq_ic(op, "resetpass") {
            self.nopass = false;
            self.passwords.clear();
        } else if eq_ic(op, "clearselectors") {
            self.selectors.clear();
        } else if eq_ic(op, "reset") {
            for r in [
                "resetpass",
                "resetkeys",
                "resetchannels",
                "off",
                "sanitize-payload",
                "clearselectors",
                "-@all",
            ] {
                self.apply(r.as_bytes())?;
            }
        } else if op.first() == Some(&b'>') {
            let h = hash_password(&op[1..]);
            if !self.passwords.contains(&h) {
                self.passwords.push(h);
            }
            self.nopass = false;
        } else if op.first() == Some(&b'#') {
            let h = valid_hash(&op[1..])?;
            if !self.passwords.contains(&h) {
                self.passwords.push(h);
            }
            self.nopass = false;
        } else if op.first() == Some(&b'<') {
            let h = hash_password(&op[1..]);
            let pos = self
                .passwords
                .iter()
                .position(|p| *p == h)
                .ok_or(RuleError::NoSuchPassword)?;
            self.passwords.remove(pos);
        } else if op.first() == Some(&b'!') {
            let h = valid_hash(&op[1..])?;
            let pos = self
                .passwords
                .iter()
                .position(|p| *p == h)
                .ok_or(RuleError::NoSuchPassword)?;
            self.passwords.remove(pos);
        } else if op.first() == Some(&b'(') && op.last() == Some(&b')') && op.len() >= 2 {
            let inner = &op[1..op.len() - 1];
            let mut sel = Selector::new();
            for word in inner
                .split(|c| *c == b' ' || *c == b'\t')
                .filter(|w| !w.is_empty())
            {
                sel.apply(word)?;
            }
            self.selectors.push(sel);
        } else {
            self.root.apply(op)?;
        }
        Ok(())
    }

    fn flag_names(&self) -> Vec<&'static str> {
        let mut f = vec![if self.enabled { "on" } else { "off" }];
        if self.nopass {
            f.push("nopass");
        }
        match self.sanitize {
            1 => f.push("sanitize-payload"),
            2 => f.push("skip-sanitize-payload"),
            _ => {}
        }
        f
    }

    /// The rules as ACL LIST prints them (after `user <name> `).
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.flag_names().iter().map(|s| s.to_string()).collect();
        for p in &self.passwords {
            parts.push(format!("#{p}"));
        }
        parts.push(self.root.describe());
        for s in &self.selectors {
            parts.push(format!("({})", s.describe()));
        }
        parts.join(" ")
    }

    fn check(&self, e: &TableEntry, argv: &[Bytes]) -> Result<(), (Denied, usize)> {
        let mut worst = (Denied::Command, 0usize);
        for sel in std::iter::once(&self.root).chain(&self.selectors) {
            match sel.check(e, argv) {
                Ok(()) => return Ok(()),
                Err((d, pos)) => {
                    if d > worst.0 || (d == worst.0 && pos > worst.1) {
                        worst = (d, pos);
                    }
                }
            }
        }
        Err(worst)
    }

    /// Whether the user needs no password.
    pub fn is_nopass(&self) -> bool {
        self.nopass
    }

    fn password_ok(&self, pass: &[u8]) -> bool {
        if self.nopass {
            return true;
        }
        let h = hash_password(pass);
        self.passwords
            .iter()
            .any(|p| constant_time_eq(p.as_bytes(), h.as_bytes()))
    }
}

fn valid_hash(h: &[u8]) -> Result<String, RuleError> {
    if h.len() != 64 || !h.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(RuleError::BadHash);
    }
    Ok(String::from_utf8_lossy(h).into_owned())
}

/// A user as connections hold it.
pub struct UserHandle {
    pub name: Bytes,
    /// Cached `User::unrestricted` of `data`.
    unrestricted: AtomicBool,
    data: RwLock<User>,
    deleted: AtomicBool,
}

impl UserHandle {
    fn new(name: Bytes, user: User) -> UserHandle {
        UserHandle {
            name,
            unrestricted: AtomicBool::new(user.unrestricted()),
            data: RwLock::new(user),
            deleted: AtomicBool::new(false),
        }
    }

    fn replace(&self, user: User) {
        let mut d = self.data.write();
        self.unrestricted
            .store(user.unrestricted(), Ordering::Release);
        *d = user;
    }

    /// A copy of the user's definition.
    pub fn snapshot(&self) -> User {
        self.data.read().clone()
    }
}

/// One ACL LOG entry.
struct LogEntry {
    count: u64,
    reason: &'static str,
    context: &'static str,
    object: Bytes,
    username: Bytes,
    /// Unix ms of the last occurrence.
    ctime: u64,
    client_info: String,
}

/// Entries identical but for time are merged when this close (ms).
const LOG_GROUPING_MS: u64 = 60_000;
/// Most entries kept (Redis's `acl-log-max-len` default).
const LOG_MAX_LEN: usize = 128;

/// All users, and the ACL log.
pub struct Acl {
    users: RwLock<BTreeMap<Bytes, Arc<UserHandle>>>,
    default: Arc<UserHandle>,
    /// Whether the default user needs a password (or is off): new
    /// connections must AUTH.
    auth_required: AtomicBool,
    /// The `requirepass` value last applied to the default user, and the
    /// config epoch it was read at.
    synced_pass: Mutex<String>,
    synced_epoch: AtomicU64,
    log: Mutex<VecDeque<LogEntry>>,
}

/// Splits `user` rule words, joining `(`...`)` selectors written as
/// several words.
fn merge_selector_args(args: &[Bytes]) -> Result<Vec<Bytes>, AclError> {
    let mut out = Vec::with_capacity(args.len());
    let mut open: Option<Vec<u8>> = None;
    let mut start = Bytes::new();
    for a in args {
        if let Some(buf) = open.as_mut() {
            buf.push(b' ');
            buf.extend_from_slice(a);
            if a.last() == Some(&b')') {
                out.push(Bytes::from(open.take().unwrap_or_default()));
            }
        } else if a.first() == Some(&b'(') && a.last() != Some(&b')') {
            open = Some(a.to_vec());
            start = a.clone();
        } else {
            out.push(a.clone());
        }
    }
    if open.is_some() {
        return Err(AclError::UnmatchedParen(Lossy::new(&start, 1024)));
    }
    Ok(out)
}

impl Acl {
    /// The users from the config: the default user (with `requirepass`
    /// as its password), then the `user` directives in order.
    pub fn new(config: &ferrodis_config::Config) -> Acl {
        let acl = Acl::bare();
        acl.apply_requirepass(&config.requirepass);
        *acl.synced_pass.lock() = config.requirepass.clone();
        for line in &config.users {
            // Start-up refuses bad lines first (`validate_config`).
            let _ = acl.load_user_line(line);
        }
        acl
    }

    fn bare() -> Acl {
        let mut d = User::new();
        for r in ["on", "nopass", "~*", "&*", "+@all"] {
            let _ = d.apply(r.as_bytes());
        }
        let default = Arc::new(UserHandle::new(Bytes::from_static(b"default"), d));
        let mut users = BTreeMap::new();
        users.insert(default.name.clone(), default.clone());
        Acl {
            users: RwLock::new(users),
            default,
            auth_required: AtomicBool::new(false),
            synced_pass: Mutex::new(String::new()),
            synced_epoch: AtomicU64::new(0),
            log: Mutex::new(VecDeque::new()),
        }
    }

    /// Checks the config's `user` lines; the error is Redis's start-up
    /// message for the first bad one.
    pub fn validate_config(config: &ferrodis_config::Config) -> Result<(), String> {
        let acl = Acl::bare();
        for line in &config.users {
            acl.load_user_line(line)?;
        }
        Ok(())
    }

    fn load_user_line(&self, line: &[String]) -> Result<(), String> {
        let Some((name, rules)) = line.split_first() else {
            return Err("Error in user declaration: no username".to_string());
        };
        // The default user is reset first; any other starts as a new user.
        let mut args = Vec::with_capacity(rules.len() + 1);
        if name == "default" {
            args.push(Bytes::from_static(b"reset"));
        } else {
            self.users.write().remove(name.as_bytes());
        }
        args.extend(rules.iter().map(|r| Bytes::copy_from_slice(r.as_bytes())));
        self.setuser(name.as_bytes(), &args)
            .map_err(|e| format!("Error in user declaration '{name}': {e}"))
    }

    /// The default user.
    pub fn default_user(&self) -> &Arc<UserHandle> {
        &self.default
    }

    /// Whether connections that have not authenticated must do so.
    pub fn auth_required(&self) -> bool {
        self.auth_required.load(Ordering::Relaxed)
    }

    fn refresh_default_flags(&self) {
        let d = self.default.data.read();
        self.auth_required
            .store(!d.nopass || !d.enabled, Ordering::Relaxed);
    }

    /// `requirepass` maps to the default user's only password; empty
    /// means nopass.
    fn apply_requirepass(&self, pass: &str) {
        let mut u = self.default.snapshot();
        let _ = u.apply(b"resetpass");
        if pass.is_empty() {
            let _ = u.apply(b"nopass");
        } else {
            let mut op = b">".to_vec();
            op.extend_from_slice(pass.as_bytes());
            let _ = u.apply(&op);
        }
        self.default.replace(u);
        self.refresh_default_flags();
    }

    /// Applies a changed `requirepass` (CONFIG SET) to the default user.
    /// Cheap when the config has not changed.
    pub fn sync_config(&self, srv_epoch: u64, config: &RwLock<ferrodis_config::Config>) {
        if self.synced_epoch.load(Ordering::Acquire) == srv_epoch {
            return;
        }
        let pass = config.read().requirepass.clone();
        let mut last = self.synced_pass.lock();
        if *last != pass {
            self.apply_requirepass(&pass);
            *last = pass;
        }
        self.synced_epoch.store(srv_epoch, Ordering::Release);
    }

    pub fn get(&self, name: &[u8]) -> Option<Arc<UserHandle>> {
        self.users.read().get(name).cloned()
    }

    /// The user `name` if `pass` opens it and it is enabled.
    pub fn authenticate(&self, name: &[u8], pass: &[u8]) -> Option<Arc<UserHandle>> {
        let h = self.get(name)?;
        let ok = {
            let u = h.data.read();
            u.enabled && u.password_ok(pass)
        };
        ok.then_some(h)
    }

    /// ACL SETUSER: all rules or none; creates the user if needed.
    fn setuser(&self, name: &[u8], rules: &[Bytes]) -> Result<(), AclError> {
        let rules = merge_selector_args(rules)?;
        let existing = self.get(name);
        let mut u = match &existing {
            Some(h) => h.snapshot(),
            None => User::new(),
        };
        for r in &rules {
            u.apply(r).map_err(|reason| AclError::Rule {
                modifier: Lossy::new(r, 1024),
                reason,
            })?;
        }
        match existing {
            Some(h) => h.replace(u),
            None => {
                let name = Bytes::copy_from_slice(name);
                let h = Arc::new(UserHandle::new(name.clone(), u));
                self.users.write().insert(name, h);
            }
        }
        if name == b"default" {
            self.refresh_default_flags();
        }
        Ok(())
    }

    fn add_log(
        &self,
        reason: &'static str,
        context: &'static str,
        object: &[u8],
        username: &[u8],
        now: u64,
        client_info: String,
    ) {
        let mut log = self.log.lock();
        let found = log.iter().position(|e| {
            e.reason == reason
                && e.context == context
                && e.object == object
                && e.username == username
                && now.saturating_sub(e.ctime) < LOG_GROUPING_MS
        });
        if let Some(i) = found {
            if let Some(mut e) = log.remove(i) {
                e.count += 1;
                e.ctime = now;
                e.client_info = client_info;
                log.push_front(e);
            }
            return;
        }
        log.push_front(LogEntry {
            count: 1,
            reason,
            context,
            object: Bytes::copy_from_slice(object),
            username: Bytes::copy_from_slice(username),
            ctime: now,
            client_info,
        });
        log.truncate(LOG_MAX_LEN);
    }

    /// Records a failed authentication in the ACL log.
    pub fn log_auth_failure(&self, client: &Client, object: &str, username: &[u8], now: u64) {
        let mut info = String::new();
        crate::connection::client_line(&client.shared, &mut info);
        self.add_log("auth", "toplevel", object.as_bytes(), username, now, info);
    }
}

// -------------------------------------------------------- the dispatch gate

/// The ACL gate: whether the client's user may run `e` with `argv`.
/// Refusals are logged and answered with Redis's NOPERM errors.
pub fn check_command(
    srv: &ServerState,
    client: &Client,
    e: &TableEntry,
    argv: &[Bytes],
) -> Result<(), CommandError> {
    check_command_in(srv, client, e, argv, "toplevel").map_err(|denied| {
        match denied {
            Denied::Command => AclError::NoPermCommand(e.full_name.clone()),
            Denied::Key => AclError::NoPermKey,
            Denied::Channel => AclError::NoPermChannel,
        }
        .into()
    })
}

/// The ACL check, with the ACL log's context for a refusal ("toplevel",
/// or "lua" for a command called from a script).
pub fn check_command_in(
    srv: &ServerState,
    client: &Client,
    e: &TableEntry,
    argv: &[Bytes],
    context: &'static str,
) -> Result<(), Denied> {
    let h = client.user.as_ref().unwrap_or(&srv.acl.default);
    if h.unrestricted.load(Ordering::Acquire) {
        return Ok(());
    }
    let verdict = h.data.read().check(e, argv);
    let Err((denied, pos)) = verdict else {
        return Ok(());
    };
    let (reason, object) = match denied {
        Denied::Command => ("command", Bytes::from(e.full_name.clone())),
        Denied::Key => ("key", argv[pos].clone()),
        Denied::Channel => ("channel", argv[pos].clone()),
    };
    let mut info = String::new();
    crate::connection::client_line(&client.shared, &mut info);
    srv.acl.add_log(
        reason,
        context,
        &object,
        &h.name,
        ferrodis_engine::clock::now_ms(),
        info,
    );
    Err(denied)
}

/// Whether the client's user may run `e` with `argv` (no ACL log entry):
/// redis.acl_check_cmd.
pub fn allowed(srv: &ServerState, client: &Client, e: &TableEntry, argv: &[Bytes]) -> bool {
    let h = client.user.as_ref().unwrap_or(&srv.acl.default);
    h.unrestricted.load(Ordering::Acquire) || h.data.read().check(e, argv).is_ok()
}

/// Makes `h` the client's user after a successful AUTH.
pub fn set_client_user(client: &mut Client, h: Arc<UserHandle>) {
    *client.shared.user.lock() = h.name.clone();
    client.user = if h.name.as_ref() == b"default" {
        None
    } else {
        Some(h)
    };
    client.authenticated = true;
}

/// RESET: back to the default user, authenticated only if it needs no
/// password.
pub fn reset_client_user(srv: &ServerState, client: &mut Client) {
    *client.shared.user.lock() = Bytes::from_static(b"default");
    client.user = None;
    client.authenticated = !srv.acl.auth_required();
}

// ---------------------------------------------------------------- commands

fn acl_whoami(ctx: &mut Ctx<'_>) -> CmdResult {
    let name = ctx.client.shared.user.lock().clone();
    ctx.reply().bulk(&name);
    Ok(())
}

fn acl_users(ctx: &mut Ctx<'_>) -> CmdResult {
    let names: Vec<Bytes> = ctx.srv.acl.users.read().keys().cloned().collect();
    let r = ctx.reply();
    r.array(names.len());
    for n in names {
        r.bulk(&n);
    }
    Ok(())
}

fn acl_list(ctx: &mut Ctx<'_>) -> CmdResult {
    let users: Vec<Arc<UserHandle>> = ctx.srv.acl.users.read().values().cloned().collect();
    let r = ctx.reply();
    r.array(users.len());
    for h in users {
        let line = format!(
            "user {} {}",
            String::from_utf8_lossy(&h.name),
            h.data.read().describe()
        );
        r.bulk(line.as_bytes());
    }
    Ok(())
}

fn acl_cat(ctx: &mut Ctx<'_>) -> CmdResult {
    match ctx.argc() {
        2 => {
            let r = ctx.reply();
            r.array(CATEGORY_NAMES.len());
            for (_, n) in CATEGORY_NAMES {
                r.bulk(n.as_bytes());
            }
        }
        3 => {
            let cat = category_by_name(&ctx.argv[2])
                .ok_or_else(|| AclError::UnknownCategory(Lossy::new(&ctx.argv[2], 1024)))?;
            let t = table();
            let mut names = Vec::new();
            for e in t.top_level() {
                for r in std::iter::once(e).chain(t.subcommands_of(e)) {
                    if r.spec.acl_categories() & cat != 0 {
                        names.push(r.full_name.as_str());
                    }
                }
            }
            let r = ctx.reply();
            r.array(names.len());
            for n in names {
                r.bulk(n.as_bytes());
            }
        }
        _ => return Err(CommandError::WrongArity("acl|cat".into())),
    }
    Ok(())
}

fn acl_setuser(ctx: &mut Ctx<'_>) -> CmdResult {
    ctx.srv.acl.setuser(&ctx.argv[2], &ctx.argv[3..])?;
    ctx.reply().ok();
    Ok(())
}

fn acl_deluser(ctx: &mut Ctx<'_>) -> CmdResult {
    if ctx.argv[2..].iter().any(|n| n.as_ref() == b"default") {
        return Err(AclError::DeleteDefault.into());
    }
    let mut deleted = Vec::new();
    {
        let mut users = ctx.srv.acl.users.write();
        for n in &ctx.argv[2..] {
            if let Some(h) = users.remove(n) {
                h.deleted.store(true, Ordering::Release);
                deleted.push(h.name.clone());
            }
        }
    }
    // Connections authenticated as a deleted user are closed.
    if !deleted.is_empty() {
        let me = ctx.client.id();
        for c in ctx.srv.clients.snapshot() {
            let user = c.user.lock().clone();
            if deleted.contains(&user) {
                if c.id == me {
                    ctx.client.after = crate::context::After::Close;
                } else {
                    c.kill();
                }
            }
        }
    }
    ctx.reply().integer(deleted.len() as i64);
    Ok(())
}

fn reply_selector_fields(r: &mut ferrodis_protocol::ReplyBuf, s: &Selector) {
    r.bulk(b"commands");
    r.bulk(s.describe_commands().as_bytes());
    r.bulk(b"keys");
    r.bulk(s.describe_keys().as_bytes());
    r.bulk(b"channels");
    r.bulk(s.describe_channels().as_bytes());
}

fn acl_getuser(ctx: &mut Ctx<'_>) -> CmdResult {
    let Some(h) = ctx.srv.acl.get(&ctx.argv[2]) else {
        ctx.reply().null();
        return Ok(());
    };
    let u = h.snapshot();
    let r = ctx.reply();
    r.map(6);
    r.bulk(b"flags");
    let flags = u.flag_names();
    r.set(flags.len());
    for f in flags {
        r.bulk(f.as_bytes());
    }
    r.bulk(b"passwords");
    r.array(u.passwords.len());
    for p in &u.passwords {
        r.bulk(p.as_bytes());
    }
    reply_selector_fields(r, &u.root);
    r.bulk(b"selectors");
    r.array(u.selectors.len());
    for s in &u.selectors {
        r.map(3);
        reply_selector_fields(r, s);
    }
    Ok(())
}

fn acl_genpass(ctx: &mut Ctx<'_>) -> CmdResult {
    let bits = match ctx.argc() {
        2 => 256,
        3 => parse_int(&ctx.argv[2])?,
        _ => return Err(CommandError::WrongArity("acl|genpass".into())),
    };
    if bits <= 0 || bits > 4096 {
        return Err(AclError::GenpassBits.into());
    }
    let chars = (bits as usize).div_ceil(4);
    let mut raw = vec![0u8; chars.div_ceil(2)];
    rand::thread_rng().fill_bytes(&mut raw);
    let mut s = hex(&raw);
    s.truncate(chars);
    ctx.reply().bulk(s.as_bytes());
    Ok(())
}

fn acl_log(ctx: &mut Ctx<'_>) -> CmdResult {
    let mut count = 10usize;
    if ctx.argc() > 3 {
        return Err(CommandError::WrongArity("acl|log".into()));
    }
    if let Some(a) = ctx.argv.get(2) {
        if eq_ic(a, "RESET") {
            ctx.srv.acl.log.lock().clear();
            ctx.reply().ok();
            return Ok(());
        }
        let n = parse_int(a)?;
        count = usize::try_from(n).unwrap_or(0);
    }
    let now = ctx.now_ms;
    let log = ctx.srv.acl.log.lock();
    let n = count.min(log.len());
    let r = &mut ctx.client.reply;
    r.array(n);
    for e in log.iter().take(n) {
        r.map(7);
        r.bulk(b"count");
        r.integer(e.count as i64);
        r.bulk(b"reason");
        r.bulk(e.reason.as_bytes());
        r.bulk(b"context");
        r.bulk(e.context.as_bytes());
        r.bulk(b"object");
        r.bulk(&e.object);
        r.bulk(b"username");
        r.bulk(&e.username);
        r.bulk(b"age-seconds");
        r.double(now.saturating_sub(e.ctime) as f64 / 1000.0);
        r.bulk(b"client-info");
        r.bulk(e.client_info.as_bytes());
    }
    Ok(())
}

fn acl_dryrun(ctx: &mut Ctx<'_>) -> CmdResult {
    let h = ctx
        .srv
        .acl
        .get(&ctx.argv[2])
        .ok_or_else(|| AclError::UserNotFound(Lossy::new(&ctx.argv[2], 1024)))?;
    let argv = &ctx.argv[3..];
    let t = table();
    let not_found = || AclError::CommandNotFound(Lossy::new(&argv[0], 1024));
    let mut e = t.lookup(&argv[0]).ok_or_else(not_found)?;
    if Table::is_container(e) && argv.len() >= 2 {
        e = t.lookup_sub(e, &argv[1]).ok_or_else(not_found)?;
    }
    if !e.spec.arity_ok(argv.len()) {
        return Err(CommandError::WrongArity(e.full_name.clone()));
    }
    let verdict = h.data.read().check(e, argv);
    match verdict {
        Ok(()) => ctx.reply().ok(),
        Err((d, pos)) => {
            let msg = match d {
                Denied::Command => format!(
                    "This user has no permissions to run the '{}' command",
                    e.full_name
                ),
                Denied::Key => format!(
                    "This user has no permissions to access the '{}' key",
                    String::from_utf8_lossy(&argv[pos])
                ),
                Denied::Channel => format!(
                    "This user has no permissions to access the '{}' channel",
                    String::from_utf8_lossy(&argv[pos])
                ),
            };
            ctx.reply().bulk(msg.as_bytes());
        }
    }
    Ok(())
}

fn acl_no_file(_ctx: &mut Ctx<'_>) -> CmdResult {
    Err(AclError::NoAclFile.into())
}

fn acl_help(ctx: &mut Ctx<'_>) -> CmdResult {
    crate::connection::help_reply(
        ctx,
        "ACL",
        &[
            "CAT [<category>]",
            "    The command categories, or the commands of one category.",
            "DELUSER <username> [<username> ...]",
            "    Remove users (and close their connections).",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Whether the user could run the command, without running it.",
            "GETUSER <username>",
            "    A user's flags, passwords, commands, keys and channels.",
            "GENPASS [<bits>]",
            "    A random password (256 bits, or <bits>) in hex.",
            "LIST",
            "    Every user as a config-file `user` line.",
            "LOAD",
            "    Reload users from the ACL file (none is configured).",
            "LOG [<count> | RESET]",
            "    Recent denied commands and failed logins, or clear them.",
            "SAVE",
            "    Write users to the ACL file (none is configured).",
            "SETUSER <username> <rule> [<rule> ...]",
            "    Create a user or change it with ACL rules.",
            "USERS",
            "    The names of all users.",
            "WHOAMI",
            "    The user this connection is authenticated as.",
        ],
    );
    Ok(())
}

const FLAGS_ADMIN: u64 = ADMIN | NOSCRIPT | LOADING | STALE;

const ACL_SUBCOMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "list",
        handler: Some(acl_list),
        arity: 2,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Shows every user's rules in config-file form.",
        complexity: "O(N). Where N is the number of configured users.",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "genpass",
        handler: Some(acl_genpass),
        arity: -2,
        flags: NOSCRIPT | LOADING | STALE,
        group: "server",
        since: "6.0.0",
        summary: "Returns a random password of the given strength, in hex.",
        complexity: "O(1)",
        args: &[Arg {
            name: "bits",
            kind: ArgKind::Integer,
            flags: ARG_OPTIONAL,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "help",
        handler: Some(acl_help),
        arity: 2,
        flags: LOADING | STALE,
        group: "server",
        since: "6.0.0",
        summary: "Lists the ACL subcommands.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "getuser",
        handler: Some(acl_getuser),
        arity: 3,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Describes one user: flags, password hashes, commands, keys, channels, selectors.",
        complexity:
            "O(N). Where N is the number of password, command and pattern rules that the user has.",
        args: &[Arg {
            name: "username",
            kind: ArgKind::String,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "setuser",
        handler: Some(acl_setuser),
        arity: -3,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Creates a user or changes its rules; all rules apply or none.",
        complexity: "O(N). Where N is the number of rules provided.",
        args: &[
            Arg {
                name: "username",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "rule",
                kind: ArgKind::String,
                flags: ARG_OPTIONAL | ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "whoami",
        handler: Some(acl_whoami),
        arity: 2,
        flags: NOSCRIPT | LOADING | STALE,
        group: "server",
        since: "6.0.0",
        summary: "Returns the user this connection is authenticated as.",
        complexity: "O(1)",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "log",
        handler: Some(acl_log),
        arity: -2,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Shows recent refused commands and failed logins, or clears them.",
        complexity: "O(N) with N being the number of entries shown.",
        args: &[Arg {
            name: "operation",
            kind: ArgKind::Oneof,
            flags: ARG_OPTIONAL,
            args: &[
                Arg {
                    name: "count",
                    kind: ArgKind::Integer,
                    ..Arg::BASE
                },
                Arg {
                    name: "reset",
                    kind: ArgKind::PureToken,
                    token: Some("RESET"),
                    ..Arg::BASE
                },
            ],
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "load",
        handler: Some(acl_no_file),
        arity: 2,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Reloads users from the ACL file (none is configured).",
        complexity: "O(N). Where N is the number of configured users.",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "users",
        handler: Some(acl_users),
        arity: 2,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Lists the user names.",
        complexity: "O(N). Where N is the number of configured users.",
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "dryrun",
        handler: Some(acl_dryrun),
        arity: -4,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "7.0.0",
        summary: "Tells whether a user could run a command, without running it.",
        complexity: "O(1).",
        args: &[
            Arg {
                name: "username",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "command",
                kind: ArgKind::String,
                ..Arg::BASE
            },
            Arg {
                name: "arg",
                kind: ArgKind::String,
                flags: ARG_OPTIONAL | ARG_MULTIPLE,
                ..Arg::BASE
            },
        ],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "deluser",
        handler: Some(acl_deluser),
        arity: -3,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Deletes users and disconnects their connections.",
        complexity: "O(1) amortized time considering the typical user.",
        args: &[Arg {
            name: "username",
            kind: ArgKind::String,
            flags: ARG_MULTIPLE,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "cat",
        handler: Some(acl_cat),
        arity: -2,
        flags: NOSCRIPT | LOADING | STALE,
        group: "server",
        since: "6.0.0",
        summary: "Lists the ACL categories, or the commands in one.",
        complexity: "O(1) since the categories and commands are a fixed set.",
        args: &[Arg {
            name: "categoryname",
            kind: ArgKind::String,
            flags: ARG_OPTIONAL,
            ..Arg::BASE
        }],
        ..CommandSpec::BASE
    },
    CommandSpec {
        name: "save",
        handler: Some(acl_no_file),
        arity: 2,
        flags: FLAGS_ADMIN,
        group: "server",
        since: "6.0.0",
        summary: "Writes users to the ACL file (none is configured).",
        complexity: "O(N). Where N is the number of configured users.",
        ..CommandSpec::BASE
    },
];

pub static COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "acl",
    arity: -2,
    group: "server",
    since: "6.0.0",
    summary: "A container for access-control commands.",
    complexity: "Depends on subcommand.",
    subcommands: ACL_SUBCOMMANDS,
    ..CommandSpec::BASE
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"a")),
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
        );
        assert_eq!(hash_password(&[b'x'; 200]).len(), 64);
    }

    fn user(rules: &[&str]) -> User {
        let mut u = User::new();
        for r in rules {
            u.apply(r.as_bytes()).expect("rule");
        }
        u
    }

    #[test]
    fn describe_like_redis() {
        assert_eq!(
            user(&["on", "nopass", "~*", "&*", "+@all"]).describe(),
            "on nopass ~* &* +@all"
        );
        assert_eq!(User::new().describe(), "off resetchannels -@all");
        assert_eq!(
            user(&["reset", "+@hash", "+get", "-hset"]).describe(),
            "off sanitize-payload resetchannels -@all +@hash +get -hset"
        );
        assert_eq!(
            user(&["reset", "%W~a", "%R~a", "~b", "%R~c", "&x"]).describe(),
            "off sanitize-payload ~a ~b %R~c resetchannels &x -@all"
        );
        assert_eq!(
            user(&["+@all", "-@dangerous"]).root.describe_commands(),
            "+@all -@dangerous"
        );
        assert_eq!(
            user(&["+client|list", "-client"]).root.describe_commands(),
            "-@all"
        );
        assert_eq!(
            user(&["+select|0", "+select|1"]).root.describe_commands(),
            "-@all +select|0 +select|1"
        );
    }

    #[test]
    fn rule_errors() {
        let mut u = User::new();
        assert_eq!(u.apply(b"foo"), Err(RuleError::Syntax));
        assert_eq!(u.apply(b"+nosuch"), Err(RuleError::Unknown));
        assert_eq!(u.apply(b"-select|0"), Err(RuleError::Unknown));
        assert_eq!(u.apply(b"+get|"), Err(RuleError::Syntax));
        assert_eq!(
            u.apply(b"+client|list|x"),
            Err(RuleError::SubcommandFirstArg)
        );
        assert_eq!(u.apply(b"%~a"), Err(RuleError::Syntax));
        assert_eq!(u.apply(b"#abc"), Err(RuleError::BadHash));
        assert_eq!(u.apply(b"<nothere"), Err(RuleError::NoSuchPassword));
        u.apply(b"allkeys").expect("allkeys");
        assert_eq!(u.apply(b"~x"), Err(RuleError::AfterAllKeys));
    }

    #[test]
    fn key_permissions_follow_key_spec_flags() {
        let u = user(&["+@all", "%R~r*", "%W~w*", "~k*"]);
        let t = table();
        let get = t.lookup(b"get").expect("get");
        let set = t.lookup(b"set").expect("set");
        let args = |v: &[&str]| -> Vec<Bytes> {
            v.iter()
                .map(|s| Bytes::copy_from_slice(s.as_bytes()))
                .collect()
        };
        assert!(u.check(get, &args(&["get", "r1"])).is_ok());
        assert!(u.check(get, &args(&["get", "k1"])).is_ok());
        assert_eq!(u.check(get, &args(&["get", "w1"])), Err((Denied::Key, 1)));
        assert!(u.check(set, &args(&["set", "w1", "v"])).is_ok());
        assert_eq!(
            u.check(set, &args(&["set", "r1", "v"])),
            Err((Denied::Key, 1))
        );
        let none = user(&["+get"]);
        assert_eq!(
            none.check(set, &args(&["set", "a", "b"])),
            Err((Denied::Command, 0))
        );
    }
}
