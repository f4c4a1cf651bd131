//! `dmconform verify`: recomputes the digests of a certification bundle and
//! says what was edited; notes spec files that differ from this build's.
//! Exit status 0 when nothing was edited, 1 when something was, 2 when the
//! bundle cannot be read.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `dmconform verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The bundle folder written by `dmconform certify`.
    pub dir: PathBuf,
}

/// Runs `dmconform verify`.
pub fn run(args: &VerifyArgs) -> ExitCode {
    if let Ok(drift) = crate::bundle::spec_drift(&args.dir)
        && !drift.is_empty()
    {
        println!(
            "note: the bundle was made with specs other than this build's ({}); a replay may differ",
            drift.join(", ")
        );
    }
    match crate::bundle::verify(&args.dir) {
        Ok(edits) if edits.is_empty() => {
            println!("{}: every file matches manifest.json", args.dir.display());
            ExitCode::SUCCESS
        }
        Ok(edits) => {
            for e in &edits {
                println!("{e}");
            }
            println!(
                "{}: {} difference(s) from manifest.json",
                args.dir.display(),
                edits.len()
            );
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("dmconform verify: {e}");
            ExitCode::from(2)
        }
    }
}
