//! Argument vectors for every command of the table, run against one store;
//! the store's invariants are checked after each input.
#![no_main]

libfuzzer_sys::fuzz_target!(init: ferrodis_fuzz::init("commands"), |data: &[u8]| {
    ferrodis_fuzz::commands::check(data);
});
