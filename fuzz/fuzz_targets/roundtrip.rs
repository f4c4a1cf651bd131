//! cargo-fuzz target `roundtrip`: see `dmconform_fuzz::bodies::roundtrip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dmconform_fuzz::bodies::roundtrip(data));
