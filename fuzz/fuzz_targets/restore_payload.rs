//! RESTORE payloads (the CRC is made valid, so the decoder itself is fuzzed).
#![no_main]

libfuzzer_sys::fuzz_target!(init: ferrodis_fuzz::init("restore_payload"), |data: &[u8]| {
    ferrodis_fuzz::rdb::check_payload(data);
});
