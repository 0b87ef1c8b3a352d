//! The `struct` library (Roberto Ierusalimschy's struct: pack, unpack,
//! size). Not implemented yet: its functions raise an error.

use mlua::{Lua, MultiValue, Table};

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    for name in ["pack", "unpack", "size"] {
        t.raw_set(
            name,
            lua.create_function(move |lua, _: MultiValue| {
                super::call::fail_str(lua, &format!("struct.{name} is not supported"))
            })?,
        )?;
    }
    Ok(t)
}
