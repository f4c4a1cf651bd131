//! What the subcommands that run the suite for a record share (certify,
//! replay, expectations): the embedded suite, the target profile with its
//! text, and the run itself with progress on a terminal.

use crate::TargetProfile;
use crate::client::listen::{Listen, ListenOptions};
use crate::client::runner::run_client_cases;
use crate::client::served::run_served_selected;
use crate::progress::Progress;
use crate::run::{RunOptions, RunReport};
use crate::server::http::HttpOptions;
use crate::server::runner::run_server_cases;
use crate::spec::{Case, Role, Suite};
use crate::target_spec::{TargetKind, TargetSpec};
use crate::verdict::{CaseRun, Finding, FindingKind, Severity};
use crate::wire::Encoding;
use std::path::Path;

/// The specs embedded in this build, or why they do not load.
pub fn suite() -> Result<Suite, String> {
    let (suite, problems) = Suite::embedded();
    match problems.first() {
        Some(p) => Err(format!("the embedded specs do not load: {p}")),
        None => Ok(suite),
    }
}

/// The target profile from a file, or else the one the target runs with by
/// default ([`TargetSpec::default_profile`]), with its text; for an `http(s)://`
/// server, the URL is the SyncHdr Target unless the file sets `server_uri`.
pub fn target_profile(
    path: Option<&Path>,
    target: &TargetSpec,
) -> Result<(TargetProfile, String), String> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read target profile {}: {e}", path.display()))?;
            let mut profile = TargetProfile::parse_file(&text, path)?;
            target.fit_profile(&mut profile, &text);
            Ok((profile, text))
        }
        None => Ok(target.default_profile()),
    }
}

/// Which target profile a run used, for its report: the file, or the built-in one.
pub fn profile_used(path: Option<&Path>, profile: &TargetProfile) -> String {
    match path {
        Some(path) => format!("{:?} from {}", profile.name, path.display()),
        None => format!(
            "{:?}, built in (no --target-profile): {}",
            profile.name, profile.description
        ),
    }
}

/// Checks a profile name given on the command line.
pub fn check_profile_name(name: Option<&str>) -> Result<(), String> {
    match name {
        Some(p) if !crate::spec::PROFILES.contains(&p) => Err(format!(
            "unknown profile {p:?} (known: {})",
            crate::spec::PROFILES.join(", ")
        )),
        _ => Ok(()),
    }
}

/// How DM servers over HTTP(S) are reached: shared by the commands that run cases.
#[derive(clap::Args, Debug, Clone)]
pub struct HttpArgs {
    /// DM servers over HTTPS: trust the CA certificates of this PEM file instead of the WebPKI roots.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// DM servers over HTTPS on a loopback address only: do not verify the certificate.
    #[arg(long)]
    pub insecure_loopback: bool,
    /// DM servers over HTTPS: present this PEM client certificate (chain), with --client-key
    /// (default: [tls] client_cert of the target profile).
    #[arg(long, value_name = "FILE", requires = "client_key")]
    pub client_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --client-cert.
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<std::path::PathBuf>,
    /// DM servers over HTTP(S): most seconds for one exchange, reply body included (1 to
    /// 86400); the first byte of the reply must come within half of it.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub http_timeout: u64,
}

impl HttpArgs {
    /// The transport options these arguments ask for.
    pub fn options(&self) -> HttpOptions {
        HttpOptions {
            ca_cert: self.ca_cert.clone(),
            insecure_loopback: self.insecure_loopback,
            client_cert: self.client_cert.clone().zip(self.client_key.clone()),
            ..HttpOptions::with_exchange_timeout(std::time::Duration::from_secs(self.http_timeout))
        }
    }
}

/// Runs the given case runs against `target` (a DM client, or a DM server
/// reached with `http`), with a progress bar on a terminal; a `listen:` target
/// runs as `serve` runs it, with progress lines on stderr.
pub fn run(
    target: &TargetSpec,
    profile: &TargetProfile,
    opts: &RunOptions,
    selected: &[(&Case, Encoding)],
    http: &HttpOptions,
) -> Result<RunReport, String> {
    if let TargetKind::Listen(options) = &target.kind {
        return run_listening(options, profile, opts, selected);
    }
    if target.is_enrollment() {
        let mut service = target.open_enrollment(http)?;
        let start = std::time::Instant::now();
        use crate::enroll::runner::Account;
        let account = match (&profile.enrollment, &profile.credentials) {
            (Some(e), _) => Some(Account {
                user: e.user.clone(),
                password: e.password.clone(),
                token: e.token.clone(),
            }),
            (None, Some(c)) => Some(Account {
                user: c.user.clone(),
                password: c.password.clone(),
                token: None,
            }),
            (None, None) => None,
        };
        let cases = crate::enroll::runner::selected(opts.filter.as_ref());
        let (mut runs, enrolled) =
            crate::enroll::runner::run_enrolling(service.as_mut(), account, &cases);
        if !selected.is_empty() {
            runs.extend(run_enrolled(
                service.as_ref(),
                enrolled.as_ref(),
                profile,
                opts,
                selected,
            ));
        }
        return Ok(crate::run::report_of(
            runs,
            profile,
            opts,
            service.describe(),
            start,
        ));
    }
    if target.role() == Role::Server
        && let Some(problem) = crate::server::runner::profile_problem(profile)
    {
        return Err(problem);
    }
    let progress = Progress::new(selected.len());
    let report = if target.role() == Role::Server {
        let mut server = target.open_server(profile, http)?;
        run_server_cases(
            selected,
            server.as_mut(),
            profile,
            opts,
            &mut progress.callback(),
        )
    } else {
        let mut client = target.open_client(profile)?;
        run_client_cases(
            selected,
            client.as_mut(),
            profile,
            opts,
            &mut progress.callback(),
        )
    };
    Ok(report)
}

/// The DM server cases over an enrollment's result, as the enrolled device
/// runs them: against the DM server its provisioning document names, with its
/// certificate, account and encoding. Without an enrollment each case is not
/// exercised; a DM server the harness cannot reach that way makes each an error.
fn run_enrolled(
    service: &dyn crate::enroll::service::EnrollmentService,
    enrolled: Option<&crate::enroll::runner::Enrolled>,
    profile: &TargetProfile,
    opts: &RunOptions,
    selected: &[(&Case, Encoding)],
) -> Vec<CaseRun> {
    let Some(enrolled) = enrolled else {
        return unrun(
            selected,
            Severity::Info,
            FindingKind::NotExercised,
            "enrollment gave the device no certificate and DM account (see enroll.enrollment)",
        );
    };
    let dm_profile = crate::enroll::enrolled::dm_profile(profile, enrolled);
    let encoding = crate::enroll::enrolled::encoding(enrolled);
    let selected: Vec<(&Case, Encoding)> = selected
        .iter()
        .filter(|(_, e)| *e == encoding)
        .copied()
        .collect();
    let mut server = match service.dm_server(enrolled, &dm_profile) {
        Ok(server) => server,
        Err(why) => {
            return unrun(
                &selected,
                Severity::Error,
                FindingKind::Exchange,
                &format!("the DM server of the provisioning document: {why}"),
            );
        }
    };
    let progress = Progress::new(selected.len());
    let report = run_server_cases(
        &selected,
        server.as_mut(),
        &dm_profile,
        opts,
        &mut progress.callback(),
    );
    report.runs
}

/// A run of each case that did not start, with one finding saying why.
fn unrun(
    selected: &[(&Case, Encoding)],
    severity: Severity,
    kind: FindingKind,
    why: &str,
) -> Vec<CaseRun> {
    selected
        .iter()
        .map(|(case, encoding)| {
            let findings = vec![Finding {
                severity,
                kind,
                requirement: None,
                check: "the DM session after enrollment".into(),
                expected:
                    "the DM server of the provisioning document, reached as the enrolled device"
                        .into(),
                actual: why.to_string(),
                exchange: None,
            }];
            CaseRun {
                id: case.id.clone(),
                title: case.title.clone(),
                requirements: case.requirements.clone(),
                encoding: *encoding,
                verdict: CaseRun::verdict_from(&findings, kind != FindingKind::NotExercised),
                findings,
                statuses: Vec::new(),
                transcript: Vec::new(),
                expected_deviation: None,
                micros: 0,
            }
        })
        .collect()
}

/// Runs the given case runs against a `listen:` target the way `serve` does
/// (the harness's URI is the URL the client posted to), noting on stderr.
fn run_listening(
    options: &ListenOptions,
    profile: &TargetProfile,
    opts: &RunOptions,
    selected: &[(&Case, Encoding)],
) -> Result<RunReport, String> {
    let mut listen = Listen::start((*options).clone())?;
    listen.on_note(|n| eprintln!("dmconform: {n}"));
    eprintln!("dmconform: point the DM client at {}", listen.url());
    let mut profile = profile.clone();
    run_served_selected(&mut listen, selected, &mut profile, opts, &mut |line| {
        eprintln!("dmconform: {line}")
    })
}
