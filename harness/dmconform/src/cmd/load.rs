//! `dmconform load`: a fleet of simulated Windows devices against a DM server at a
//! rate or a concurrency, every reply judged ([`crate::load`]), with progress on a
//! terminal and the report as text, JSON or HTML; `dmconform load merge` joins the
//! JSON reports of the shards of one load. Exit status: 0 when replies were judged,
//! none broke a MUST, no session failed and some device was managed (not every session
//! refused authentication), 1 otherwise, 2 on a usage error.

use crate::cmd::setup;
use crate::load::drive::{Pace, Plan, Progress};
use crate::load::report::{LoadReport, LoadVerdict};
use crate::load::schedule::Shard;
use crate::target_spec::TargetSpec;
use crate::wire::Encoding;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The highest --rate taken: far beyond what one process can start.
const MAX_RATE: f64 = 1_000_000.0;

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LoadFormat {
    Text,
    Json,
    Html,
}

/// The encoding the devices speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LoadEncoding {
    Xml,
    Wbxml,
}

/// Where and how the report goes.
#[derive(Args, Debug, Clone)]
pub struct Output {
    /// The report's format.
    #[arg(long, value_enum, default_value_t = LoadFormat::Text)]
    pub format: LoadFormat,
    /// Write the report to this file instead of standard output (the verdict goes to stderr).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of `dmconform load`.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  dmconform load --devices 1000 --duration 10
  dmconform load --target https://dm.example.test/ManagementServer/MDM.svc \\
      --target-profile fleet.toml --devices 100000 --rate 500 --duration 600 \\
      --format html -o load.html
  dmconform load --target 'builtin:reference-server?fault=wrong-cmdref' --devices 50
  dmconform load ... --shard 0/4 --format json -o shard-0.json   (one of four processes)
  dmconform load merge shard-*.json --format html -o load.html

Each device is the reference Windows client with its own DevID and credentials (the
[load] templates of the target profile, where n between braces stands for the
device's number) holding whole DM sessions; every server reply is judged by the
invariants of the server suite, and each finding is counted under the requirement it
breaks, with a few whole sessions kept as examples. At --rate R the devices take turns
in a fixed order, turn k at k/R seconds (a device whose last session still runs misses
its turn); at --concurrency C, C sessions run at once. Latency is measured per message
position as HDR histograms, which merge exactly across shards. Sessions the server
refused or aborted (a SyncHdr error such as 401 or 407, Alert 1223) are counted apart;
when every session was, the verdict is `no device managed`. Exit status: 0 when
replies were judged, none broke a MUST, no session failed and some device was managed;
1 otherwise; 2 on a usage error."
)]
pub struct LoadArgs {
    #[command(subcommand)]
    pub command: Option<LoadCommand>,
    /// The DM server: builtin:reference-server[?fault=NAME,…], http://… or https://….
    #[arg(long, default_value = "builtin:reference-server")]
    pub target: TargetSpec,
    /// Devices of the whole fleet (every shard together), numbered 1 to N.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub devices: u64,
    /// Sessions a second over the whole fleet (every shard together).
    #[arg(long, value_name = "PER_SECOND", conflicts_with = "concurrency")]
    pub rate: Option<f64>,
    /// Sessions at once in this process (default: 64; never more than the devices of the shard).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// How long sessions are started, in seconds; those still running then get
    /// --http-timeout to end.
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
    pub duration: u64,
    /// The target profile file: credentials, server URI, the [load] DevID templates.
    #[arg(long, value_name = "FILE")]
    pub target_profile: Option<PathBuf>,
    /// The encoding the devices speak.
    #[arg(long, value_enum, default_value_t = LoadEncoding::Xml)]
    pub encoding: LoadEncoding,
    /// Load only shard K of S (K from 0): the devices of that share of the fleet, and
    /// its share of --rate.
    #[arg(long, value_name = "K/S", default_value = "0/1")]
    pub shard: Shard,
    /// Whole sessions kept as examples per finding and per kind of error.
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u16).range(0..=100))]
    pub examples: u16,
    #[command(flatten)]
    pub out: Output,
    #[command(flatten)]
    pub http: setup::HttpArgs,
}

#[derive(Debug, Subcommand)]
pub enum LoadCommand {
    /// Merge the JSON reports of the shards of one load into the report of the whole.
    Merge(MergeArgs),
}

/// Options of `dmconform load merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The JSON reports (`dmconform load --format json`), one per shard.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub out: Output,
}

/// Runs `dmconform load`.
pub fn run(args: LoadArgs) -> ExitCode {
    let result = match &args.command {
        Some(LoadCommand::Merge(m)) => merge(m),
        None => execute(&args),
    };
    match result {
        Ok(verdict) => ExitCode::from(if verdict == LoadVerdict::Pass { 0 } else { 1 }),
        Err(e) => {
            eprintln!("dmconform load: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &LoadArgs) -> Result<LoadVerdict, String> {
    if args.devices == 0 {
        return Err("--devices must be at least 1".into());
    }
    if args.duration == 0 {
        return Err("--duration must be at least 1 second".into());
    }
    let pace = match (args.rate, args.concurrency) {
        (Some(r), _) if !(r.is_finite() && r > 0.0 && r <= MAX_RATE) => {
            return Err(format!(
                "--rate {r}: expected a number of sessions a second above 0 and at most {MAX_RATE}"
            ));
        }
        (Some(r), _) if r * (args.duration as f64) < 1.0 => {
            return Err(format!(
                "--rate {r} for --duration {}: no session would start (rate × duration is under 1)",
                args.duration
            ));
        }
        (Some(r), _) => Pace::Rate(r),
        (None, Some(0)) => return Err("--concurrency must be at least 1".into()),
        (None, Some(c)) => Pace::Concurrency(c),
        (None, None) => {
            let range = args.shard.devices(args.devices);
            Pace::Concurrency((range.end - range.start).clamp(1, 64) as usize)
        }
    };
    let path = args.target_profile.as_deref();
    let (profile, _) = setup::target_profile(path, &args.target)?;
    let plan = Plan {
        devices: args.devices,
        shard: args.shard,
        pace,
        duration: Duration::from_secs(args.duration),
        encoding: match args.encoding {
            LoadEncoding::Xml => Encoding::Xml,
            LoadEncoding::Wbxml => Encoding::Wbxml,
        },
        timeout: Duration::from_secs(args.http.http_timeout),
        max_examples: usize::from(args.examples),
        profiles: profile.profiles.clone(),
        interval: Duration::from_secs(1),
    };
    let bar = crate::progress::spinner();
    let mut show = |p: &Progress| {
        if let Some(bar) = &bar {
            let per_s = p.sessions as f64 / p.elapsed.as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{} sessions ({per_s:.0}/s), {} replies, p99 {:.1} ms, {} errors, {} non-conforming",
                p.sessions, p.messages, p.p99_ms, p.errors, p.non_conforming
            ));
        }
    };
    let used = setup::profile_used(path, &profile);
    let report = crate::load::run(
        &args.target,
        &profile,
        &used,
        &args.http.options(),
        &plan,
        &mut show,
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    write(&report?, &args.out)
}

fn merge(args: &MergeArgs) -> Result<LoadVerdict, String> {
    let reports = args
        .reports
        .iter()
        .map(|p| read_report(p))
        .collect::<Result<Vec<_>, _>>()?;
    write(&LoadReport::merge(reports)?, &args.out)
}

fn read_report(path: &Path) -> Result<LoadReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let report: LoadReport = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a load report in JSON: {e}", path.display()))?;
    if report.format != crate::load::report::FORMAT {
        return Err(format!(
            "{} is a {:?} report; this dmconform reads {:?}",
            path.display(),
            report.format,
            crate::load::report::FORMAT
        ));
    }
    report.check().map_err(|e| {
        format!(
            "{} is not a load report this dmconform can merge: {e}",
            path.display()
        )
    })?;
    Ok(report)
}

/// Writes the report where `out` says; its verdict.
fn write(report: &LoadReport, out: &Output) -> Result<LoadVerdict, String> {
    let text = match out.format {
        LoadFormat::Text => report.text(),
        LoadFormat::Json => {
            serde_json::to_string_pretty(report).map_err(|e| format!("cannot write JSON: {e}"))?
                + "\n"
        }
        LoadFormat::Html => crate::load::html::render(report),
    };
    match &out.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!(
                "dmconform load: {} sessions, {} replies judged, verdict {}{}; report in {}",
                report.tally.sessions,
                report.tally.judged,
                report.verdict().word(),
                report.why().map(|w| format!(" ({w})")).unwrap_or_default(),
                path.display()
            );
        }
        None => {
            // A closed pipe (`| head`) is no error of the load.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(report.verdict())
}
