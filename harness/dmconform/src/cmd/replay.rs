//! `dmconform replay`: runs the case runs of a certification bundle again
//! (same ids, encodings and target profile) and shows what changed. Exit
//! status 0 when nothing changed, 1 when something did, 2 on a usage or
//! harness error.

use super::setup;
use crate::bundle;
use crate::redact;
use crate::replay::{changes, recorded};
use crate::run::RunOptions;
use crate::wire::Encoding;
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `dmconform replay`.
#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// The bundle folder written by `dmconform certify`.
    pub dir: PathBuf,
    /// The implementation to run the cases against.
    #[arg(long)]
    pub target: crate::target_spec::TargetSpec,
    /// The target profile file the bundle was made with (its redacted text must
    /// match the recorded one; default: the built-in reference's).
    #[arg(long, value_name = "FILE")]
    pub target_profile: Option<PathBuf>,
    #[command(flatten)]
    pub http: super::setup::HttpArgs,
}

/// Runs `dmconform replay`.
pub fn run(args: ReplayArgs) -> ExitCode {
    match execute(&args) {
        Ok(lines) if lines.is_empty() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("dmconform replay: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &ReplayArgs) -> Result<Vec<String>, String> {
    let record = bundle::read_record(&args.dir)?;
    let suite = setup::suite()?;
    let (profile, text) = setup::target_profile(args.target_profile.as_deref(), &args.target)?;
    let recorded_profile = record
        .pointer("/target_profile/toml")
        .and_then(Value::as_str)
        .unwrap_or("");
    if redact::profile_text(&text) != recorded_profile {
        return Err(
            "the target profile differs from the one recorded in the bundle; pass the file it was made with (--target-profile)"
                .into(),
        );
    }
    let before = recorded(&record);
    let selected: Vec<_> = before
        .iter()
        .filter_map(|r| Some((suite.case(&r.id)?, Encoding::from_name(&r.encoding)?)))
        .collect();
    let role = args.target.role();
    if let Some((case, _)) = selected.iter().find(|(c, _)| c.role != role) {
        return Err(format!(
            "the bundle holds {} cases ({}), but target {:?} calls for {} cases",
            case.role.name(),
            case.id,
            args.target.text,
            role.name()
        ));
    }
    let opts = RunOptions {
        profile: record
            .get("profile")
            .and_then(Value::as_str)
            .map(String::from),
        role,
        ..RunOptions::default()
    };
    let report = setup::run(
        &args.target,
        &profile,
        &opts,
        &selected,
        &args.http.options(),
    )?;
    let lines = changes(&before, &report);
    for l in &lines {
        println!("{l}");
    }
    println!(
        "{} case runs replayed against {}: {} changed",
        before.len(),
        args.target,
        lines.len()
    );
    Ok(lines)
}
