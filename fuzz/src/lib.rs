//! The bodies of the cargo-fuzz targets, kept apart from `fuzz_targets/` so
//! that `harness/dmconform/tests/fuzz_regressions.rs` runs every kept input
//! through exactly the code the fuzzer runs. Nothing here uses libFuzzer.
//!
//! Modules: [`bodies`] (one function per target), [`roundtrip`] (the
//! XML/WBXML differential and what it excludes), [`client`] (the
//! structure-aware model fed to the reference client and its oracle).

pub mod bodies;
pub mod client;
pub mod roundtrip;
