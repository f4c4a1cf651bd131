//! `dmconform fuzz`: a generation-based campaign against a target
//! ([`crate::campaign`]), with progress on a terminal, the findings written as
//! case files, and an exit code (0 without findings, 1 with, 2 on usage error).

use crate::TargetProfile;
use crate::campaign::{self, CampaignOptions, Progress};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Options of `dmconform fuzz`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dmconform fuzz --target builtin:reference --duration 60
  dmconform fuzz --target 'builtin:reference?fault=wrong-cmdref' --max-exchanges 500 --seed 7

Each finding is shrunk and written to --out as a case file (or, for broken WBXML,
a note). The same seed sends the same messages. Exit status: 0 without findings,
1 with findings, 2 on a usage or harness error.")]
pub struct FuzzArgs {
    /// The DM client under test: builtin:reference[?fault=NAME,…], exec:COMMAND or
    /// listen:HOST:PORT[?OPTIONS] (DM servers are not fuzzed by this command).
    #[arg(long)]
    pub target: crate::target_spec::TargetSpec,
    /// Stop after this many seconds (default 60 when --max-exchanges is not given).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<u64>,
    /// The seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop once this many messages have been exchanged.
    #[arg(long, value_name = "N")]
    pub max_exchanges: Option<u64>,
    /// The folder the findings are written to.
    #[arg(long, value_name = "DIR", default_value = "fuzz-findings")]
    pub out: PathBuf,
    /// The target profile file (default: the built-in reference's).
    #[arg(long, value_name = "FILE")]
    pub target_profile: Option<PathBuf>,
}

/// Runs `dmconform fuzz`.
pub fn run(args: FuzzArgs) -> ExitCode {
    match execute(&args) {
        Ok(found) => ExitCode::from(if found { 1 } else { 0 }),
        Err(e) => {
            eprintln!("dmconform fuzz: {e}");
            ExitCode::from(2)
        }
    }
}

/// The campaign; whether it found something.
fn execute(args: &FuzzArgs) -> Result<bool, String> {
    let profile = match &args.target_profile {
        Some(path) => TargetProfile::load(path)?,
        None => TargetProfile::reference(),
    };
    let mut target = args.target.open_client(&profile)?;
    let duration = match (args.duration, args.max_exchanges) {
        (None, None) => Some(60),
        (d, _) => d,
    };
    let opts = CampaignOptions {
        seed: args.seed,
        duration: duration.map(Duration::from_secs),
        max_exchanges: args.max_exchanges,
        max_findings: None,
    };
    let bar = crate::progress::spinner();
    let mut show = |p: Progress| {
        if let Some(bar) = &bar {
            let rate = p.exchanges as f64 / bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} exchanges ({rate:.0}/s), {} trials, {} finding(s)",
                p.exchanges, p.trials, p.findings
            ));
        }
    };
    let summary = campaign::run(target.as_mut(), &profile, &opts, &mut show);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let written = summary
        .write_findings(&args.out)
        .map_err(|e| format!("cannot write the findings to {}: {e}", args.out.display()))?;
    let mut text = summary.render();
    for path in &written {
        text.push_str(&format!("written: {path}\n"));
    }
    // A closed pipe (`| head`) is no error of the campaign.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(!summary.findings.is_empty())
}
