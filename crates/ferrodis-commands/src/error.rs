//! Typed command errors. Each variant's Display is the exact reply line
//! Redis sends, without the leading '-'.

use std::fmt;

use ferrodis_config::ConfigSetError;
use thiserror::Error;

pub type CmdResult = Result<(), CommandError>;

#[derive(Debug, Error)]
pub enum CommandError {
    #[error("ERR unknown command '{name}', with args beginning with: {args}")]
    UnknownCommand { name: Lossy, args: ArgPreview },
    #[error("ERR unknown subcommand '{sub}'. Try {container} HELP.")]
    UnknownSubcommand { sub: Lossy, container: String },
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(String),
    #[error("ERR syntax error")]
    Syntax,
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpireTime(&'static str),
    #[error("ERR DB index is out of range")]
    DbIndexOutOfRange,
    #[error("ERR invalid first DB index")]
    InvalidFirstDb,
    #[error("ERR invalid second DB index")]
    InvalidSecondDb,
    #[error("NOPROTO unsupported protocol version")]
    NoProto,
    #[error("ERR Protocol version is not an integer or out of range")]
    ProtoNotInteger,
    #[error("ERR Syntax error in HELLO option '{0}'")]
    HelloSyntax(Lossy),
    #[error("ERR Client names cannot contain spaces, newlines or special characters.")]
    BadClientName,
    #[error("ERR {0} cannot contain spaces, newlines or special characters.")]
    BadClientInfo(&'static str),
    #[error("ERR Unrecognized option '{0}'")]
    UnrecognizedOption(Lossy),
    #[error("ERR No such client")]
    NoSuchClient,
    #[error("ERR Invalid client ID")]
    InvalidClientId,
    #[error("ERR client-id should be greater than 0")]
    ClientIdNotPositive,
    #[error("ERR Unknown client type '{0}'")]
    UnknownClientType(Lossy),
    #[error("ERR Invalid command specified")]
    InvalidCommandSpecified,
    #[error("ERR The command has no key arguments")]
    NoKeyArguments,
    #[error("ERR Invalid number of arguments specified for command")]
    InvalidArgCount,
    #[error("ERR Invalid arguments specified for command")]
    InvalidArguments,
    #[error("ERR Errors trying to SHUTDOWN. Check logs.")]
    ShutdownFailed,
    #[error("ERR No shutdown in progress.")]
    NoShutdownInProgress,
    #[error("{0}")]
    Rewrite(#[from] ferrodis_config::ConfigRewriteError),
    #[error("WRONGPASS invalid username-password pair or user is disabled.")]
    WrongPass,
    #[error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")]
    AuthNotConfigured,
    #[error("NOAUTH Authentication required.")]
    NoAuth,
    #[error("{0}")]
    ConfigSet(#[from] ConfigSetError),
}

/// Bytes shown in an error the way Redis prints a C string: lossy UTF-8 with
/// CR and LF turned into spaces (the reply writer also guards this).
#[derive(Debug)]
pub struct Lossy(pub Vec<u8>);

impl Lossy {
    pub fn new(b: &[u8], max: usize) -> Lossy {
        Lossy(b[..b.len().min(max)].to_vec())
    }
}

impl fmt::Display for Lossy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

/// The "with args beginning with:" list of an unknown-command error: each
/// argument quoted and followed by a space, until 128 characters are used.
#[derive(Debug)]
pub struct ArgPreview(pub String);

impl ArgPreview {
    pub fn new(args: &[bytes::Bytes]) -> ArgPreview {
        let mut s = String::new();
        for a in args {
            if s.len() >= 128 {
                break;
            }
            let room = 128 - s.len();
            let a = String::from_utf8_lossy(&a[..a.len().min(room)]);
            s.push('\'');
            s.push_str(&a);
            s.push_str("' ");
        }
        ArgPreview(s)
    }
}

impl fmt::Display for ArgPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
