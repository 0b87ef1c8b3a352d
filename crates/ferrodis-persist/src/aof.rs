//! The append-only file as Redis 7.0 lays it out: a directory holding a
//! base file (an RDB image, or commands), incremental files of commands,
//! and a manifest naming them in order.
//!
//! Manifest lines: `file <name> seq <n> type <b|h|i>` (base, history,
//! incremental). Commands are RESP multibulk arrays.

use bytes::Bytes;

/// What a manifest entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Base,
    History,
    Incr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    pub name: String,
    pub seq: u64,
    pub kind: FileKind,
}

/// The files of an AOF, base first, then the incremental files in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<AofFile>,
    pub incr: Vec<AofFile>,
    /// Files kept only until they can be deleted.
    pub history: Vec<AofFile>,
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut m = Manifest::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in words.chunks(2) {
                let [k, v] = pair else {
                    return Err(format!(
                        "Invalid AOF manifest file format at line {}",
                        n + 1
                    ));
                };
                match *k {
                    "file" => name = Some(v.trim_matches('"').to_string()),
                    "seq" => seq = v.parse::<u64>().ok(),
                    "type" => {
                        kind = match *v {
                            "b" => Some(FileKind::Base),
                            "h" => Some(FileKind::History),
                            "i" => Some(FileKind::Incr),
                            _ => None,
                        }
                    }
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
                return Err(format!(
                    "Invalid AOF manifest file format at line {}",
                    n + 1
                ));
            };
            let f = AofFile { name, seq, kind };
            match kind {
                FileKind::Base => {
                    if m.base.is_some() {
                        return Err("Found duplicate base file information".into());
                    }
                    m.base = Some(f);
                }
                FileKind::Incr => {
                    if m.incr.last().is_some_and(|l| l.seq >= f.seq) {
                        return Err("Found a non-monotonic sequence number".into());
                    }
                    m.incr.push(f);
                }
                FileKind::History => m.history.push(f),
            }
        }
        Ok(m)
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let kinds = self
            .base
            .iter()
            .chain(self.history.iter())
            .chain(self.incr.iter());
        for f in kinds {
            let t = match f.kind {
                FileKind::Base => "b",
                FileKind::History => "h",
                FileKind::Incr => "i",
            };
            out.push_str(&format!("file {} seq {} type {}\n", f.name, f.seq, t));
        }
        out
    }

    /// Files in load order: the base, then the incremental files.
    pub fn load_order(&self) -> impl Iterator<Item = &AofFile> {
        self.base.iter().chain(self.incr.iter())
    }

    pub fn next_incr_seq(&self) -> u64 {
        self.incr.last().map_or(1, |f| f.seq + 1)
    }

    pub fn next_base_seq(&self) -> u64 {
        self.base.as_ref().map_or(1, |f| f.seq + 1)
    }
}

/// How reading one command from an AOF ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A command and the offset just past it.
    Command(Vec<Bytes>, usize),
    /// Clean end of the file.
    End,
    /// The file ends in the middle of a command (a torn last write).
    Truncated,
    /// Not an AOF command at this offset.
    Bad(usize),
}

fn line(b: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = b.get(pos..)?;
    let i = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..i], pos + i + 2))
}

fn number(s: &[u8]) -> Option<usize> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Reads the command starting at `pos`.
pub fn next_command(b: &Bytes, pos: usize) -> Next {
    if pos >= b.len() {
        return Next::End;
    }
    if b[pos] != b'*' {
        return Next::Bad(pos);
    }
    let Some((head, mut p)) = line(b, pos + 1) else {
        return Next::Truncated;
    };
    let Some(argc) = number(head).filter(|&n| n >= 1) else {
        return Next::Bad(pos);
    };
    let mut argv = Vec::with_capacity(argc.min(1024));
    for _ in 0..argc {
        match b.get(p) {
            None => return Next::Truncated,
            Some(b'$') => {}
            Some(_) => return Next::Bad(p),
        }
        let Some((len, q)) = line(b, p + 1) else {
            return Next::Truncated;
        };
        let Some(len) = number(len) else {
            return Next::Bad(p);
        };
        let end = q + len;
        if end + 2 > b.len() {
            return Next::Truncated;
        }
        if &b[end..end + 2] != b"\r\n" {
            return Next::Bad(end);
        }
        argv.push(b.slice(q..end));
        p = end + 2;
    }
    Next::Command(argv, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trip() {
        let text = "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n";
        let m = Manifest::parse(text).unwrap();
        assert_eq!(m.render(), text);
        assert_eq!(m.next_incr_seq(), 3);
        assert!(Manifest::parse("file x seq 1 type z\n").is_err());
        assert!(Manifest::parse("file x seq 2 type i\nfile y seq 1 type i\n").is_err());
    }

    #[test]
    fn commands_and_torn_tails() {
        let b = Bytes::from_static(
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv",
        );
        let Next::Command(a, p) = next_command(&b, 0) else {
            panic!()
        };
        assert_eq!(a, vec![Bytes::from("SELECT"), Bytes::from("0")]);
        assert_eq!(next_command(&b, p), Next::Truncated);
        let bad = Bytes::from_static(b"+OK\r\n");
        assert_eq!(next_command(&bad, 0), Next::Bad(0));
        assert_eq!(next_command(&b, b.len()), Next::End);
    }
}
