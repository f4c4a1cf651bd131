//! cargo-fuzz target `xml_decode`: see `dmconform_fuzz::bodies::xml_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dmconform_fuzz::bodies::xml_decode(data));
