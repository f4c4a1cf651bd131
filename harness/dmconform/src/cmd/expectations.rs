//! `dmconform expectations`: keeps a target profile's deviation entries in step
//! with the suite. `update` runs the suite and shows (and with `--write`
//! writes) the entries the run needs; `check` reports expired entries,
//! malformed dates and reasons still to be written.

use super::setup;
use crate::TargetProfile;
use crate::deviations::{diff, needed, rewrite};
use crate::run::RunOptions;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ExpectationsCommand {
    /// Run the suite and write the deviation entries the run needs (a diff first).
    Update(Box<UpdateArgs>),
    /// Report expired entries, malformed dates and missing reasons.
    Check {
        /// The target profile file.
        #[arg(long, value_name = "FILE")]
        target_profile: PathBuf,
    },
}

/// Options of `dmconform expectations update`.
#[derive(Args, Debug)]
#[command(
    after_help = "Existing entries that still excuse a failure keep their reason; a failure
nothing excuses gets a new entry whose reason is a placeholder, which
`dmconform expectations check` reports until it is written. Entries that excuse
nothing are dropped. Exit status: 0 when the file is (now) as the run needs,
1 when it differs and --write was not given, 2 on a usage or harness error."
)]
pub struct UpdateArgs {
    /// The implementation under test.
    #[arg(long)]
    pub target: crate::target_spec::TargetSpec,
    /// The target profile file to update.
    #[arg(long, value_name = "FILE")]
    pub target_profile: PathBuf,
    /// Only cases of this profile: windows or oma-dm-1.2 (default: every case).
    #[arg(long)]
    pub profile: Option<String>,
    /// Write the file (otherwise only the diff is shown).
    #[arg(long)]
    pub write: bool,
    #[command(flatten)]
    pub http: super::setup::HttpArgs,
}

/// Runs `dmconform expectations`.
pub fn run(command: ExpectationsCommand) -> ExitCode {
    let result = match command {
        ExpectationsCommand::Update(args) => update(&args),
        ExpectationsCommand::Check { target_profile } => check(&target_profile),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("dmconform expectations: {e}");
            ExitCode::from(2)
        }
    }
}

fn update(args: &UpdateArgs) -> Result<bool, String> {
    let suite = setup::suite()?;
    setup::check_profile_name(args.profile.as_deref())?;
    let (profile, text) = setup::target_profile(Some(&args.target_profile), &args.target)?;
    let opts = RunOptions {
        profile: args.profile.clone(),
        role: args.target.role(),
        ..RunOptions::default()
    };
    let report = setup::run(
        &args.target,
        &profile,
        &opts,
        &opts.select(&suite),
        &args.http.options(),
    )?;
    let today = crate::date::today();
    let new = rewrite(&text, &needed(&profile, &report, &today));
    let name = args.target_profile.display().to_string();
    // The diff is shown with passwords redacted; only --write puts the real text back.
    let changes = diff(
        &crate::redact::profile_text(&text),
        &crate::redact::profile_text(&new),
        &name,
    );
    if changes.is_empty() {
        println!("{name}: the deviation entries are as the run needs");
        return Ok(true);
    }
    let _ = std::io::stdout().lock().write_all(changes.as_bytes());
    let updated = TargetProfile::parse(&new).map_err(|e| format!("the updated profile: {e}"))?;
    for p in updated.deviation_problems(&today) {
        println!("{name}: {p}");
    }
    if args.write {
        std::fs::write(&args.target_profile, &new)
            .map_err(|e| format!("cannot write {name}: {e}"))?;
        println!("{name}: written");
        Ok(true)
    } else {
        println!("{name}: not written (add --write)");
        Ok(false)
    }
}

fn check(path: &std::path::Path) -> Result<bool, String> {
    let profile = TargetProfile::load(path)?;
    let problems = profile.deviation_problems(&crate::date::today());
    for p in &problems {
        println!("{}: {p}", path.display());
    }
    Ok(problems.is_empty())
}
