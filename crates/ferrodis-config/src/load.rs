//! Loading: config files, `include`, and command-line overrides.

use std::path::Path;

use crate::error::{ConfigError, IoReason, Reason};
use crate::lexer::{quote, split_args};
use crate::table::{lookup, Kind};
use crate::{Config, DEFAULT_CONFIG};

/// How deep `include` may nest (Redis has no limit and would recurse until
/// it runs out of stack on an include cycle).
const MAX_INCLUDE_DEPTH: usize = 16;

/// State of one load: the first `save` line replaces the current value,
/// later ones add their pairs.
#[derive(Default)]
struct LoadState {
    save_seen: bool,
}

fn read_file(path: &Path) -> Result<String, ConfigError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => Err(ConfigError::Open {
            path: path.to_path_buf(),
            reason: IoReason::from(&e),
        }),
    }
}

/// Turn `--name value ...` words into config lines, as redis-server does:
/// each `--name` starts a line; the word after a bare `--name` is always its
/// argument (even if it starts with `--`), except that `--save` followed by
/// another option (or nothing) means `save ""`. Arguments are quoted so the
/// lexer reads them back exactly; a `--name value` word that splits into
/// several words is kept as written.
fn options_text(args: &[String]) -> String {
    let mut out = String::new();
    let mut value_given = true;
    for (j, word) in args.iter().enumerate() {
        if value_given && word.starts_with("--") {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&word[2..]);
            out.push(' ');
            let single = split_args(word).map(|w| w.len() == 1).unwrap_or(false);
            if single {
                value_given = false;
                let is_save = word.eq_ignore_ascii_case("--save");
                let next_is_option = args.get(j + 1).is_some_and(|n| n.starts_with("--"));
                if is_save && (next_is_option || j + 1 == args.len()) {
                    out.push_str("\"\"");
                    value_given = true;
                }
            } else {
                value_given = true;
            }
        } else {
            out.push_str(&quote(word));
            out.push(' ');
            value_given = true;
        }
    }
    out
}

impl Config {
    /// Build the configuration from redis-server style arguments (without
    /// the program name): an optional config file path first (any first
    /// word not starting with `-`), then `--name value [value...]` overrides.
    /// Overrides are read after the file, as further lines of it, so they
    /// win. With no file, start from [`DEFAULT_CONFIG`].
    pub fn from_args(args: &[String]) -> Result<Config, ConfigError> {
        let (file, rest) = match args.split_first() {
            Some((first, rest)) if !first.starts_with('-') => (Some(first), rest),
            _ => (None, args),
        };
        let mut text = match file {
            Some(path) => read_file(Path::new(path))?,
            None => String::new(),
        };
        text.push('\n');
        text.push_str(&options_text(rest));
        let mut config = Config::default();
        if file.is_none() {
            config.load_str(DEFAULT_CONFIG, None)?;
        }
        config.load_str(&text, file.map(Path::new))?;
        Ok(config)
    }

    /// Apply config-file text on top of this config (all or nothing).
    /// `include <path>` reads another file in place (relative paths are
    /// relative to the working directory, as in Redis); the last occurrence
    /// of a directive wins, except that consecutive `save` lines add up.
    /// `file` names where the text came from: it becomes the file that
    /// CONFIG REWRITE writes.
    pub fn load_str(&mut self, text: &str, file: Option<&Path>) -> Result<(), ConfigError> {
        let mut next = self.clone();
        let mut state = LoadState::default();
        next.load_text(text, 0, &mut state)?;
        if file.is_some() {
            next.set_config_file(file);
        }
        *self = next;
        Ok(())
    }

    fn load_text(
        &mut self,
        text: &str,
        depth: usize,
        state: &mut LoadState,
    ) -> Result<(), ConfigError> {
        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.trim_matches([' ', '\t', '\r', '\n']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |reason: Reason| ConfigError::Line {
                line: index + 1,
                text: line.to_string(),
                reason,
            };
            let words = split_args(line).map_err(|()| fail(Reason::UnbalancedQuotes))?;
            let Some((name, args)) = words.split_first() else {
                continue;
            };
            if name.eq_ignore_ascii_case("include") && args.len() == 1 {
                if depth >= MAX_INCLUDE_DEPTH {
                    return Err(fail(Reason::IncludeTooDeep));
                }
                let included = read_file(Path::new(&args[0]))?;
                self.load_text(&included, depth + 1, state)?;
                continue;
            }
            if name.eq_ignore_ascii_case("user") && !args.is_empty() {
                self.users.push(args.to_vec());
                continue;
            }
            let spec = lookup(name.as_bytes()).ok_or_else(|| fail(Reason::BadDirective))?;
            let mut value = spec.parse(args).map_err(fail)?;
            match spec.kind {
                Kind::Dir => {
                    if let crate::table::Value::Str(dir) = &value {
                        check_dir(dir).map_err(fail)?;
                    }
                }
                Kind::Save => {
                    if let crate::table::Value::Str(new) = &value {
                        if state.save_seen && !new.is_empty() && !self.save.is_empty() {
                            value = crate::table::Value::Str(format!("{} {new}", self.save));
                        }
                    }
                    state.save_seen = true;
                }
                _ => {}
            }
            spec.apply(self, value);
        }
        Ok(())
    }
}

/// Redis enters `dir` while loading; we only check that it could.
fn check_dir(dir: &str) -> Result<(), Reason> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(Reason::BadDir(IoReason("Not a directory".to_string()))),
        Err(e) => Err(Reason::BadDir(IoReason::from(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_are_quoted_lines() {
        assert_eq!(
            options_text(&words(&["--port", "7400", "--foo", "1", "2"])),
            "port \"7400\" \nfoo \"1\" \"2\" "
        );
        assert_eq!(
            options_text(&words(&["--save", "--port", "1"])),
            "save \"\"\nport \"1\" "
        );
        assert_eq!(options_text(&words(&["--save"])), "save \"\"");
        assert_eq!(
            options_text(&words(&["--requirepass", "--x"])),
            "requirepass \"--x\" "
        );
        assert_eq!(options_text(&words(&["--port 7400"])), "port 7400 ");
        assert_eq!(options_text(&words(&["x"])), "\"x\" ");
    }
}
