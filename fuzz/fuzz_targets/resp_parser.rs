//! The request parser, fed arbitrary bytes in arbitrary splits.
#![no_main]

libfuzzer_sys::fuzz_target!(init: ferrodis_fuzz::init("resp_parser"), |data: &[u8]| {
    ferrodis_fuzz::resp::check(data);
});
