//! Whole RDB files: refused with an error or loaded into valid values.
#![no_main]

libfuzzer_sys::fuzz_target!(init: ferrodis_fuzz::init("rdb_file"), |data: &[u8]| {
    ferrodis_fuzz::rdb::check_file(data);
});
