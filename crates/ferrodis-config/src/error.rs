//! Error types. Every `Display` is the exact text Redis 7.0 prints or
//! replies (with "ferrodis" as the product name in the start-up banner).

use std::path::PathBuf;

/// Product banner used in the fatal start-up message.
pub const PRODUCT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why one directive or CONFIG SET value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("Bad directive or wrong number of arguments")]
    BadDirective,
    #[error("wrong number of arguments")]
    WrongArgs,
    #[error("Unbalanced quotes in configuration line")]
    UnbalancedQuotes,
    #[error("argument couldn't be parsed into an integer")]
    NotInteger,
    #[error("argument must be between {min} and {max} inclusive")]
    OutOfRange { min: i128, max: i128 },
    #[error("argument must be 'yes' or 'no'")]
    NotBool,
    #[error("argument must be a memory value")]
    NotMemory,
    #[error("argument(s) must be one of the following: {}", .0.join(", "))]
    NotOneOf(&'static [&'static str]),
    #[error("Invalid latency-tracking-info-percentiles parameters")]
    InvalidPercentiles,
    #[error("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")]
    PercentileRange,
    #[error("Invalid save parameters")]
    InvalidSave,
    #[error("shutdown options SAVE and NOSAVE can't be used simultaneously")]
    SaveAndNosave,
    #[error("Too many bind addresses specified.")]
    TooManyBind,
    #[error("Wrong number of arguments in buffer limit configuration.")]
    ObufArgs,
    #[error("Invalid client class specified in buffer limit configuration.")]
    ObufClass,
    #[error("Error in hard, soft or soft_seconds setting in buffer limit configuration.")]
    ObufValue,
    #[error("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")]
    InvalidEventClass,
    /// `dir` names something that cannot be entered (the OS reason).
    #[error("{0}")]
    BadDir(IoReason),
    /// `include` nested deeper than we follow (Redis would recurse forever).
    #[error("Too many nested include directives")]
    IncludeTooDeep,
}

/// An operating-system error reason as `strerror` words it, e.g.
/// "No such file or directory" (Rust's " (os error N)" suffix removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoReason(pub String);

impl From<&std::io::Error> for IoReason {
    fn from(e: &std::io::Error) -> Self {
        let text = e.to_string();
        let trimmed = match text.rfind(" (os error ") {
            Some(at) if text.ends_with(')') => &text[..at],
            _ => text.as_str(),
        };
        IoReason(trimmed.to_string())
    }
}

impl std::fmt::Display for IoReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A configuration that cannot be loaded; Display is the complete fatal
/// message for stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A bad line (in the file, an included file, or the command line).
    #[error("\n*** FATAL CONFIG FILE ERROR (ferrodis {ver}) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{reason}", ver = PRODUCT_VERSION)]
    Line {
        /// 1-based line number within the text being read.
        line: usize,
        /// The line, trimmed of surrounding whitespace.
        text: String,
        reason: Reason,
    },
    /// The config file (or an included one) cannot be read.
    #[error("Fatal error, can't open config file '{}': {reason}", .path.display())]
    Open { path: PathBuf, reason: IoReason },
}

/// A refused CONFIG SET; Display is the error reply without the leading '-'.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigSetError {
    /// No such directive (name as the client spelled it).
    #[error("ERR Unknown option or number of arguments for CONFIG SET - '{0}'")]
    Unknown(String),
    /// Directive fixed at start-up (name as the client spelled it).
    #[error(
        "ERR CONFIG SET failed (possibly related to argument '{0}') - can't set immutable config"
    )]
    Immutable(String),
    /// Directive Redis guards behind `enable-protected-configs` (never
    /// enabled here), e.g. `dir`.
    #[error(
        "ERR CONFIG SET failed (possibly related to argument '{0}') - can't set protected config"
    )]
    Protected(String),
    /// The same directive twice in one call (second spelling).
    #[error("ERR CONFIG SET failed (possibly related to argument '{0}') - duplicate parameter")]
    Duplicate(String),
    /// The value was refused (canonical directive name).
    #[error("ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}")]
    Invalid { name: &'static str, reason: Reason },
}

/// A failed CONFIG REWRITE; Display is the error reply without the '-'.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigRewriteError {
    #[error("ERR The server is running without a config file")]
    NoConfigFile,
    #[error("ERR Rewriting config file: {0}")]
    Io(IoReason),
}
