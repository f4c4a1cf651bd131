//! `dmconform certify`: the whole profile in both encodings against a target,
//! written as a certification bundle (see [`crate::bundle`]); without `--profile`,
//! the profile the target profile claims. Exit status 0
//! when every verdict is as expected, 1 otherwise, 2 on a usage or harness error.

use super::setup;
use crate::bundle::{self, Provenance};
use crate::run::RunOptions;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `dmconform certify`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dmconform certify --target builtin:reference --profile windows --out cert/
  dmconform certify --target builtin:reference-server --out cert/   the profiles the target profile claims
  dmconform verify cert/                 check that nothing in the bundle was edited
  dmconform replay cert/ --target builtin:reference

The bundle holds report.json (the canonical record), junit.xml, summary.md,
report.html (self-contained) and manifest.json (SHA-256 of everything).")]
pub struct CertifyArgs {
    /// The implementation under test: a DM client (builtin:reference[?fault=…], exec:COMMAND,
    /// listen:HOST:PORT[?…]) or a DM server (builtin:reference-server[?fault=…], http(s)://…).
    #[arg(long)]
    pub target: crate::target_spec::TargetSpec,
    /// The profile to certify against: windows or oma-dm-1.2 (default: the one the target
    /// profile claims; every case when it claims both).
    #[arg(long)]
    pub profile: Option<String>,
    /// The folder to write the bundle into (created if need be).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The target profile file (default: the built-in reference's). Its
    /// passwords are redacted in the bundle.
    #[arg(long, value_name = "FILE")]
    pub target_profile: Option<PathBuf>,
    #[command(flatten)]
    pub http: super::setup::HttpArgs,
}

/// The profile a certification runs when none is given: the one the target profile
/// claims, or none (every case) when it claims several or none.
fn claimed_profile(profile: &crate::TargetProfile) -> Option<String> {
    match profile.profiles.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Runs `dmconform certify`.
pub fn run(args: CertifyArgs) -> ExitCode {
    match execute(&args) {
        Ok(success) => ExitCode::from(if success { 0 } else { 1 }),
        Err(e) => {
            eprintln!("dmconform certify: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &CertifyArgs) -> Result<bool, String> {
    let suite = setup::suite()?;
    setup::check_profile_name(args.profile.as_deref())?;
    let (profile, text) = setup::target_profile(args.target_profile.as_deref(), &args.target)?;
    let opts = RunOptions {
        profile: args.profile.clone().or_else(|| claimed_profile(&profile)),
        role: args.target.role(),
        ..RunOptions::default()
    };
    let selected = opts.select(&suite);
    let mut report = setup::run(
        &args.target,
        &profile,
        &opts,
        &selected,
        &args.http.options(),
    )?;
    report.target_profile = setup::profile_used(args.target_profile.as_deref(), &profile);
    let how = Provenance {
        target: args.target.text.clone(),
        target_profile_file: args
            .target_profile
            .as_ref()
            .map(|p| p.display().to_string()),
        target_profile_text: text,
    };
    let manifest = bundle::write(&args.out, &report, &suite, &how)?;
    eprintln!("{}", crate::report::text::summary(&report));
    if let Some(lines) = crate::report::text::nothing_judged(&report) {
        eprint!("{lines}");
    }
    println!(
        "bundle written to {}; manifest.json SHA-256 {manifest}",
        args.out.display()
    );
    Ok(report.success())
}
