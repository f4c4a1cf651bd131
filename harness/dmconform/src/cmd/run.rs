//! `dmconform run`: the suite against a target, with a report and an exit code
//! (0 when every verdict is as expected and some case run was judged, 1 otherwise,
//! 2 on usage or harness error).

use crate::TargetProfile;
use crate::report::{self, Format, ReportFile};
use crate::run::{RunOptions, RunReport};
use crate::spec::Suite;
use crate::target_spec::TargetSpec;
use crate::wire::Encoding;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Which encodings to run each case in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EncodingChoice {
    Xml,
    Wbxml,
    Both,
}

impl EncodingChoice {
    pub fn encodings(self) -> Vec<Encoding> {
        match self {
            EncodingChoice::Xml => vec![Encoding::Xml],
            EncodingChoice::Wbxml => vec![Encoding::Wbxml],
            EncodingChoice::Both => Encoding::BOTH.to_vec(),
        }
    }
}

/// Options of `dmconform run`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dmconform run                                   the whole suite against the built-in reference client
  dmconform run --filter 'atomic.*' --encoding wbxml
  dmconform run --target 'builtin:reference?fault=nested-atomic-ok'   see a check fail
  dmconform run --format junit -o report.xml      for CI
  dmconform run --report json=run.json --report junit=run.xml   text on the terminal, two files besides
  dmconform run --list-faults                     the reference's fault switches
  dmconform run --target exec:target/debug/refdm-exec   a client behind a wrapper program
  dmconform run --target https://enterpriseenrollment.example.com/EnrollmentServer/Discovery.svc
                                                  an enrollment service (discovery)

Exit status: 0 when every verdict is as expected (pass, non-strict, informational,
unsupported, or a failure the target profile lists as a deviation) and some case run
was judged (pass, fail or non-strict), 1 otherwise, 2 on a usage or harness error.")]
pub struct RunArgs {
    /// The implementation under test: builtin:reference, builtin:reference?fault=NAME[,NAME…],
    /// exec:COMMAND / exec?first-byte=10s&timeout=30s&max-message=4M&stderr=16K:COMMAND
    /// (a wrapper program speaking the exec protocol; see the README),
    /// listen:HOST:PORT[?OPTIONS] (a DM client posting over HTTP(S); see `dmconform serve`),
    /// a DM server: builtin:reference-server[?fault=NAME,…], http://… or https://…,
    /// or a Windows enrollment service: builtin:reference-enrollment[?fault=NAME,…] or
    /// https://HOST/EnrollmentServer/Discovery.svc (the enrollment cases run).
    #[arg(long, default_value = "builtin:reference")]
    pub target: crate::target_spec::TargetSpec,
    #[command(flatten)]
    pub select: SelectArgs,
    /// List the fault switches of the built-in reference and the rule each breaks, then exit.
    #[arg(long)]
    pub list_faults: bool,
    #[command(flatten)]
    pub http: super::setup::HttpArgs,
}

/// Which cases to run and how to report them: shared by `run` and `serve`.
#[derive(Args, Debug)]
pub struct SelectArgs {
    /// Only cases of this profile: windows or oma-dm-1.2 (default: every case).
    #[arg(long)]
    pub profile: Option<String>,
    /// The target profile file: capabilities, node paths, credentials, expected deviations
    /// (default: the built-in reference's).
    #[arg(long, value_name = "FILE")]
    pub target_profile: Option<PathBuf>,
    /// Run each case in XML, in WBXML, or in both.
    #[arg(long, value_enum, default_value_t = EncodingChoice::Both)]
    pub encoding: EncodingChoice,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only cases whose id matches this glob (e.g. 'atomic.*').
    #[arg(long, value_name = "GLOB")]
    pub filter: Option<String>,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the report of the same run in FORMAT (text, json, junit, markdown, html)
    /// to FILE; repeat for more files. Files are written before the run's exit status is known.
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<ReportFile>,
}

/// What a run needs before it starts: the suite, the target profile, the selection.
pub struct Prepared {
    pub suite: Suite,
    pub profile: TargetProfile,
    pub opts: RunOptions,
}

impl SelectArgs {
    /// Loads the suite and the target profile and checks the selection.
    /// The role of the cases follows the target: server cases for a DM server.
    pub fn prepare(&self, target: &TargetSpec) -> Result<Prepared, String> {
        let (suite, problems) = Suite::embedded();
        if let Some(p) = problems.first() {
            return Err(format!("the embedded specs do not load: {p}"));
        }
        let role = target.role();
        let (profile, _) = super::setup::target_profile(self.target_profile.as_deref(), target)?;
        if let Some(p) = &self.profile
            && !crate::spec::PROFILES.contains(&p.as_str())
        {
            return Err(format!(
                "unknown profile {p:?} (known: {})",
                crate::spec::PROFILES.join(", ")
            ));
        }
        let filter = self
            .filter
            .as_deref()
            .map(glob::Pattern::new)
            .transpose()
            .map_err(|e| format!("--filter: {e}"))?;
        let opts = RunOptions {
            encodings: self.encoding.encodings(),
            profile: self.profile.clone(),
            filter,
            role,
            ..RunOptions::default()
        };
        if target.is_enrollment() {
            if crate::enroll::runner::selected(opts.filter.as_ref()).is_empty() {
                let ids: Vec<&str> = crate::enroll::runner::CASES.iter().map(|c| c.id).collect();
                return Err(format!(
                    "no enrollment case matches --filter (the cases: {})",
                    ids.join(", ")
                ));
            }
        } else if opts.select(&suite).is_empty() {
            return Err(format!(
                "no case matches the selection (--filter, --profile, --encoding) among the {} cases: target {:?} is a DM {}",
                role.name(),
                target.text,
                role.name()
            ));
        }
        Ok(Prepared {
            suite,
            profile,
            opts,
        })
    }

    /// Writes the report where the options say; whether every verdict is as expected.
    pub fn write_report(&self, report: &RunReport, suite: &Suite) -> Result<bool, String> {
        for extra in &self.reports {
            let text = report::render(extra.format, report, suite);
            std::fs::write(&extra.path, text)
                .map_err(|e| format!("cannot write {}: {e}", extra.path.display()))?;
        }
        let text = report::render(self.format, report, suite);
        match &self.output {
            Some(path) => {
                std::fs::write(path, &text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                eprintln!("{}", report::text::summary(report));
                if let Some(lines) = report::text::nothing_judged(report) {
                    eprint!("{lines}");
                }
            }
            None => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
            }
        }
        Ok(report.success())
    }
}

/// Runs `dmconform run`.
pub fn run(args: RunArgs) -> ExitCode {
    if args.list_faults {
        print!("{}", crate::target_spec::fault_switches());
        return ExitCode::SUCCESS;
    }
    match execute(&args) {
        Ok(success) => ExitCode::from(if success { 0 } else { 1 }),
        Err(e) => {
            eprintln!("dmconform run: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: &RunArgs) -> Result<bool, String> {
    let Prepared {
        suite,
        profile,
        opts,
    } = args.select.prepare(&args.target)?;
    let mut report = super::setup::run(
        &args.target,
        &profile,
        &opts,
        &opts.select(&suite),
        &args.http.options(),
    )?;
    report.target_profile =
        super::setup::profile_used(args.select.target_profile.as_deref(), &profile);
    args.select.write_report(&report, &suite)
}
