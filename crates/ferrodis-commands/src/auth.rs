//! Authentication shared by AUTH and HELLO ... AUTH: checks a user name
//! and password against the ACL users (acl.rs) and switches the client to
//! that user.

use bytes::Bytes;

use crate::context::{Ctx, ServerState};
use crate::error::{CmdResult, CommandError};

/// Whether connections that have not authenticated must do so: the
/// default user has a password (or is off), as `requirepass` sets it.
pub fn auth_required(srv: &ServerState) -> bool {
    srv.acl.auth_required()
}

/// Authenticates the client as `user` with `pass`; on failure the attempt
/// is logged (ACL LOG) and the reply is WRONGPASS.
pub fn check_password(ctx: &mut Ctx<'_>, user: &Bytes, pass: &Bytes) -> CmdResult {
    match ctx.srv.acl.authenticate(user, pass) {
        Some(h) => {
            crate::acl::set_client_user(ctx.client, h);
            Ok(())
        }
        None => {
            let object = if ctx
                .argv
                .first()
                .is_some_and(|a| a.eq_ignore_ascii_case(b"hello"))
            {
                "hello"
            } else {
                "auth"
            };
            ctx.srv
                .acl
                .log_auth_failure(ctx.client, object, user, ctx.now_ms);
            Err(CommandError::WrongPass)
        }
    }
}
