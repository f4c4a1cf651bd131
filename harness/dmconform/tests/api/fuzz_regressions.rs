//! The inputs kept for the cargo-fuzz targets, run as ordinary tests: every
//! file under `corpus/fuzz/regressions/<target>/` (inputs that once failed)
//! and `corpus/fuzz/<target>/` (the seeds) goes through the very function the
//! fuzz target calls, compiled here from `fuzz/src/`.

#[path = "../../../../fuzz/src/lib.rs"]
mod fuzz_bodies;

use std::path::{Path, PathBuf};

/// What a fuzz target runs on one input.
type Body = fn(&[u8]);

/// The fuzz targets and the function each one runs.
const TARGETS: &[(&str, Body)] = &[
    ("xml_decode", fuzz_bodies::bodies::xml_decode),
    ("wbxml_decode", fuzz_bodies::bodies::wbxml_decode),
    ("roundtrip", fuzz_bodies::bodies::roundtrip),
    ("refdm_client", fuzz_bodies::bodies::refdm_client),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"));
    out.sort();
    out
}

/// Runs every file of `corpus/fuzz/<prefix><target>/`; the number run.
fn run_all(prefix: &str) -> usize {
    let mut ran = 0;
    for (target, body) in TARGETS {
        for file in files(&corpus().join(format!("{prefix}{target}"))) {
            let bytes = std::fs::read(&file).expect("a kept input is readable");
            let outcome = std::panic::catch_unwind(|| body(&bytes));
            assert!(outcome.is_ok(), "{target} fails on {}", file.display());
            ran += 1;
        }
    }
    ran
}

#[test]
fn every_regression_input_passes_its_target() {
    run_all("regressions/");
}

#[test]
fn every_seed_passes_its_target() {
    let ran = run_all("");
    assert!(ran > 100, "the seed corpora are missing ({ran} files)");
}
