//! The `cmsgpack` library (lua-cmsgpack: pack, unpack, unpack_one,
//! unpack_limit). Not implemented yet: its functions raise an error.

use mlua::{Lua, MultiValue, Table};

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    for name in ["pack", "unpack", "unpack_one", "unpack_limit"] {
        t.raw_set(
            name,
            lua.create_function(move |lua, _: MultiValue| {
                super::call::fail_str(lua, &format!("cmsgpack.{name} is not supported"))
            })?,
        )?;
    }
    t.raw_set("_NAME", "cmsgpack")?;
    t.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    Ok(t)
}
