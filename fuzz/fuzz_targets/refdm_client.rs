//! cargo-fuzz target `refdm_client`: see `dmconform_fuzz::bodies::refdm_client`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dmconform_fuzz::bodies::refdm_client(data));
