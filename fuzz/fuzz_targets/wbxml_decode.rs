//! cargo-fuzz target `wbxml_decode`: see `dmconform_fuzz::bodies::wbxml_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dmconform_fuzz::bodies::wbxml_decode(data));
