//! What the subcommands that run the suite for a record share (certify,
//! replay, expectations): the embedded suite, the target profile with its
//! text, and the run itself with progress on a terminal.

use super::serve::run_served_selected;
use crate::http_server_target::HttpOptions;
use crate::listen::{Listen, ListenOptions};
use crate::progress::Progress;
use crate::runner::{RunOptions, RunReport, run_client_cases};
use crate::server_runner::run_server_cases;
use crate::spec::{Case, Role, Suite};
use crate::target::Encoding;
use crate::{TargetProfile, targets};
use std::path::Path;

/// The specs embedded in this build, or why they do not load.
pub fn suite() -> Result<Suite, String> {
    let (suite, problems) = Suite::embedded();
    match problems.first() {
        Some(p) => Err(format!("the embedded specs do not load: {p}")),
        None => Ok(suite),
    }
}

/// The target profile from a file, or else the built-in reference client's (the
/// reference server's for a server `target`), with its text.
pub fn target_profile(
    path: Option<&Path>,
    target: &str,
) -> Result<(TargetProfile, String), String> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read target profile {}: {e}", path.display()))?;
            let profile =
                TargetProfile::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((profile, text))
        }
        None if targets::is_server(target) => Ok((
            TargetProfile::reference_server(),
            crate::profile::REFERENCE_SERVER.to_string(),
        )),
        None => Ok((
            TargetProfile::reference(),
            crate::profile::REFERENCE.to_string(),
        )),
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
    /// DM servers over HTTP(S): most seconds for one exchange, reply body included (1 to 86400).
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
            exchange_timeout: std::time::Duration::from_secs(self.http_timeout),
            ..HttpOptions::default()
        }
    }
}

/// The role of the cases a target string calls for: server cases for a DM server.
pub fn role_of(target: &str) -> Role {
    if targets::is_server(target) {
        Role::Server
    } else {
        Role::Client
    }
}

/// Runs the given case runs against the target named `target` (a DM client, or a
/// DM server reached with `http`), with a progress bar on a terminal; a
/// `listen:` target runs as `serve` runs it, with progress lines on stderr.
pub fn run(
    target: &str,
    profile: &TargetProfile,
    opts: &RunOptions,
    selected: &[(&Case, Encoding)],
    http: &HttpOptions,
) -> Result<RunReport, String> {
    if target.starts_with("listen:") {
        return run_listening(target, profile, opts, selected);
    }
    let progress = Progress::new(selected.len());
    let report = if targets::is_server(target) {
        let mut target = targets::open_server(target, profile, http)?;
        run_server_cases(
            selected,
            target.as_mut(),
            profile,
            opts,
            &mut progress.callback(),
        )
    } else {
        let mut target = targets::open(target, crate::builtin::client_config(profile))?;
        run_client_cases(
            selected,
            target.as_mut(),
            profile,
            opts,
            &mut progress.callback(),
        )
    };
    Ok(report)
}

/// Runs the given case runs against a `listen:` target the way `serve` does
/// (the harness's URI is the URL the client posted to), noting on stderr.
fn run_listening(
    target: &str,
    profile: &TargetProfile,
    opts: &RunOptions,
    selected: &[(&Case, Encoding)],
) -> Result<RunReport, String> {
    let mut listen = Listen::start(ListenOptions::parse(target)?)?;
    listen.on_note(|n| eprintln!("dmconform: {n}"));
    eprintln!("dmconform: point the DM client at {}", listen.url());
    let mut profile = profile.clone();
    run_served_selected(&mut listen, selected, &mut profile, opts, &mut |line| {
        eprintln!("dmconform: {line}")
    })
}
