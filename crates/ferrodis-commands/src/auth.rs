//! Password checks shared by AUTH and HELLO ... AUTH.

use bytes::Bytes;

use crate::context::{Ctx, ServerState};
use crate::error::{CmdResult, CommandError};

/// Whether new connections must authenticate first.
pub fn auth_required(srv: &ServerState) -> bool {
    !srv.config.read().requirepass.is_empty()
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

/// Checks a username/password pair against the default user.
pub fn check_password(ctx: &Ctx<'_>, user: &Bytes, pass: &Bytes) -> CmdResult {
    let cfg = ctx.srv.config.read();
    let ok = user.eq_ignore_ascii_case(b"default")
        && (cfg.requirepass.is_empty() || constant_time_eq(cfg.requirepass.as_bytes(), pass));
    if ok {
        Ok(())
    } else {
        Err(CommandError::WrongPass)
    }
}
