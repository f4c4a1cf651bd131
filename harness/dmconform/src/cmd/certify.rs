//! `dmconform certify`: the whole profile in both encodings against a target,
//! written as a certification bundle (see [`crate::bundle`]). Exit status 0
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
  dmconform verify cert/                 check that nothing in the bundle was edited
  dmconform replay cert/ --target builtin:reference

The bundle holds report.json (the canonical record), junit.xml, summary.md,
report.html (self-contained) and manifest.json (SHA-256 of everything).")]
pub struct CertifyArgs {
    /// The implementation under test: a DM client (builtin:reference[?fault=…], exec:COMMAND,
    /// listen:HOST:PORT[?…]) or a DM server (builtin:reference-server[?fault=…], http(s)://…).
    #[arg(long)]
    pub target: crate::target_spec::TargetSpec,
    /// The profile to certify against: windows or oma-dm-1.2.
    #[arg(long)]
    pub profile: String,
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
    setup::check_profile_name(Some(&args.profile))?;
    let (profile, text) = setup::target_profile(args.target_profile.as_deref(), &args.target)?;
    let opts = RunOptions {
        profile: Some(args.profile.clone()),
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
