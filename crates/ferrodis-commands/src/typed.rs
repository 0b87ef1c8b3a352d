//! Typed key lookups shared by the collection families: the live value
//! under a key seen as one type, `None` when the key is absent, and
//! WRONGTYPE when it holds another type.

use ferrodis_engine::{Shard, Value};

use crate::error::CommandError;

/// The live value under `key` as `T` (read access; records the access).
pub fn lookup<'s, T: ?Sized>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
    pick: fn(&Value) -> Option<&T>,
) -> Result<Option<&'s T>, CommandError> {
    match shard.get(key, now) {
        None => Ok(None),
        // A match, not `ok_or`: that builds and drops an error on every
        // successful lookup (the drop is not optimised away).
        Some(e) => match pick(&e.value) {
            Some(v) => Ok(Some(v)),
            None => Err(CommandError::WrongType),
        },
    }
}

/// The live value under `key` as `T`, for modification.
pub fn lookup_mut<'s, T: ?Sized>(
    shard: &'s mut Shard,
    key: &[u8],
    now: u64,
    pick: fn(&mut Value) -> Option<&mut T>,
) -> Result<Option<&'s mut T>, CommandError> {
    match shard.get_mut(key, now) {
        None => Ok(None),
        Some(e) => match pick(&mut e.value) {
            Some(v) => Ok(Some(v)),
            None => Err(CommandError::WrongType),
        },
    }
}
