//! A target string parsed once: `builtin:reference[?fault=NAME,…]`,
//! `exec[?OPTIONS]:COMMAND`, `listen:ADDR[?OPTIONS]` (DM clients) and
//! `builtin:reference-server[?fault=NAME,…]`, `http://…`, `https://…` (DM servers).
//! The parsed [`TargetSpec`] keeps the string as given and the [`TargetKind`] it
//! names; it knows the role of its target, the target profile it runs with when
//! none is given, and opens itself. [`fault_switches`] lists the fault switches
//! of the built-in targets.

use crate::TargetProfile;
use crate::client::Target;
use crate::client::exec::{ExecOptions, ExecTarget};
use crate::client::listen::{Listen, ListenOptions};
use crate::client::reference::{Reference, client_config};
use crate::enroll::http::HttpEnrollment;
use crate::enroll::reference::ReferenceEnrollment;
use crate::enroll::service::EnrollmentService;
use crate::server::ServerTarget;
use crate::server::http::{HttpOptions, HttpServer};
use crate::server::reference::{ReferenceServer, reference_server_config};
use crate::spec::Role;
use refdm::enroll::EnrollmentFault;
use refdm::{Fault, ServerFault};
use std::fmt;
use std::str::FromStr;

/// A target string and what it names.
#[derive(Clone, Debug)]
pub struct TargetSpec {
    /// The string as given, for reports and messages.
    pub text: String,
    pub kind: TargetKind,
}

/// What a target string names, with its options.
#[derive(Clone, Debug)]
pub enum TargetKind {
    /// `builtin:reference[?fault=…]`: the reference DM client in process.
    ReferenceClient { faults: Vec<Fault> },
    /// `exec[?OPTIONS]:COMMAND`: a DM client behind a wrapper program.
    Exec {
        options: ExecOptions,
        argv: Vec<String>,
    },
    /// `listen:ADDR[?OPTIONS]`: a DM client that posts to the harness over HTTP(S).
    Listen(Box<ListenOptions>),
    /// `builtin:reference-server[?fault=…]`: the reference DM server in process.
    ReferenceServer { faults: Vec<ServerFault> },
    /// `http://…` or `https://…`: a DM server.
    HttpServer { url: String },
    /// `builtin:reference-enrollment[?fault=…]`: the reference enrollment service in process.
    ReferenceEnrollment { faults: Vec<EnrollmentFault> },
    /// `http(s)://…/EnrollmentServer/Discovery.svc`: an enrollment service.
    HttpEnrollment { url: String },
}

/// Whether an http(s) URL names an enrollment service's discovery endpoint.
fn is_discovery_url(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path.to_ascii_lowercase()
        .ends_with(&syncml::protocol::enrollment::DISCOVERY_PATH.to_ascii_lowercase())
}

const UNKNOWN: &str = "expected builtin:reference[?fault=NAME,…] (see `dmconform run --list-faults`), exec:COMMAND, listen:HOST:PORT[?OPTIONS] (see `dmconform serve --help`) for a DM client, builtin:reference-server[?fault=NAME,…], http://… or https://… for a DM server, or builtin:reference-enrollment[?fault=NAME,…] for an enrollment service";

impl FromStr for TargetSpec {
    type Err = String;

    /// Reads a target string, or says what is wrong with it.
    fn from_str(spec: &str) -> Result<TargetSpec, String> {
        Ok(TargetSpec {
            text: spec.to_string(),
            kind: TargetKind::parse(spec)?,
        })
    }
}

impl TargetKind {
    fn parse(spec: &str) -> Result<TargetKind, String> {
        if let Some(rest) = spec.strip_prefix("exec")
            && (rest.starts_with(':') || rest.starts_with('?'))
        {
            let (options, argv) =
                crate::client::exec::parse(rest).map_err(|e| format!("target {spec:?}: {e}"))?;
            return Ok(TargetKind::Exec { options, argv });
        }
        if spec.starts_with("listen:") {
            return ListenOptions::parse(spec).map(|o| TargetKind::Listen(Box::new(o)));
        }
        if spec.starts_with("http://") || spec.starts_with("https://") {
            if is_discovery_url(spec) {
                return Ok(TargetKind::HttpEnrollment { url: spec.into() });
            }
            return Ok(TargetKind::HttpServer { url: spec.into() });
        }
        let (kind, query) = spec.split_once('?').unwrap_or((spec, ""));
        match kind {
            "builtin:reference" => Ok(TargetKind::ReferenceClient {
                faults: parse_faults(query)?,
            }),
            "builtin:reference-server" => Ok(TargetKind::ReferenceServer {
                faults: parse_faults(query)?,
            }),
            "builtin:reference-enrollment" => Ok(TargetKind::ReferenceEnrollment {
                faults: parse_faults(query)?,
            }),
            _ => Err(format!("unknown target {spec:?}: {UNKNOWN}")),
        }
    }
}

impl TargetSpec {
    /// The role of the target: which cases run against it.
    pub fn role(&self) -> Role {
        match &self.kind {
            TargetKind::ReferenceClient { .. }
            | TargetKind::Exec { .. }
            | TargetKind::Listen(_) => Role::Client,
            TargetKind::ReferenceServer { .. }
            | TargetKind::HttpServer { .. }
            | TargetKind::ReferenceEnrollment { .. }
            | TargetKind::HttpEnrollment { .. } => Role::Server,
        }
    }

    /// Whether the target is an enrollment service: the enrollment cases run against it.
    pub fn is_enrollment(&self) -> bool {
        matches!(
            self.kind,
            TargetKind::ReferenceEnrollment { .. } | TargetKind::HttpEnrollment { .. }
        )
    }

    /// Opens an enrollment service target, one over HTTP(S) as `http` says.
    pub fn open_enrollment(
        &self,
        http: &HttpOptions,
    ) -> Result<Box<dyn EnrollmentService>, String> {
        match &self.kind {
            TargetKind::HttpEnrollment { url } => Ok(Box::new(HttpEnrollment::new(url, http)?)),
            TargetKind::ReferenceEnrollment { faults } => Ok(Box::new(ReferenceEnrollment::new(
                faults.iter().copied().collect(),
            ))),
            _ => Err(format!("target {:?} is no enrollment service", self.text)),
        }
    }

    /// The target profile used when none is given, with its text: the built-in
    /// reference client's, the reference server's for `builtin:reference-server`, and
    /// for an `http(s)://` server `http-server` (no SyncML credentials, the URL as
    /// SyncHdr Target), never the reference server's account.
    pub fn default_profile(&self) -> (TargetProfile, String) {
        match &self.kind {
            TargetKind::HttpServer { url } | TargetKind::HttpEnrollment { url } => {
                TargetProfile::for_url(url)
            }
            TargetKind::ReferenceServer { .. } | TargetKind::ReferenceEnrollment { .. } => (
                TargetProfile::reference_server(),
                crate::profile::REFERENCE_SERVER.to_string(),
            ),
            _ => (
                TargetProfile::reference(),
                crate::profile::REFERENCE.to_string(),
            ),
        }
    }

    /// A profile file's profile for this target: for an `http(s)://` server whose
    /// profile does not set `server_uri`, the URL given is the SyncHdr Target.
    pub fn fit_profile(&self, profile: &mut TargetProfile, text: &str) {
        if let TargetKind::HttpServer { url } = &self.kind
            && !TargetProfile::sets_server_uri(text)
        {
            profile.server_uri = url.clone();
        }
    }

    /// Opens a DM client target, set up as the target profile describes it.
    pub fn open_client(&self, profile: &TargetProfile) -> Result<Box<dyn Target>, String> {
        match &self.kind {
            TargetKind::ReferenceClient { faults } => Ok(Box::new(Reference::new(
                client_config(profile),
                faults.clone(),
            ))),
            TargetKind::Exec { options, argv } => {
                let env = crate::client::exec::environment(profile);
                Ok(Box::new(ExecTarget::new(
                    argv.clone(),
                    env,
                    options.clone(),
                )))
            }
            TargetKind::Listen(options) => Ok(Box::new(Listen::start((**options).clone())?)),
            TargetKind::ReferenceServer { .. }
            | TargetKind::HttpServer { .. }
            | TargetKind::ReferenceEnrollment { .. }
            | TargetKind::HttpEnrollment { .. } => Err(format!(
                "target {:?} is a DM server: `dmconform run`, `certify` and `replay` run the server cases against it; this command drives DM clients only",
                self.text
            )),
        }
    }

    /// Opens a DM server target: the reference server with the account of the
    /// target profile, or a server reached over HTTP(S) as `http` says (its client
    /// certificate, when it names none, from the profile's `[tls]`).
    pub fn open_server(
        &self,
        profile: &TargetProfile,
        http: &HttpOptions,
    ) -> Result<Box<dyn ServerTarget>, String> {
        match &self.kind {
            TargetKind::ReferenceServer { faults } => Ok(Box::new(ReferenceServer::new(
                reference_server_config(profile),
                faults.clone(),
            ))),
            TargetKind::HttpServer { url } => {
                let mut http = http.clone();
                if http.client_cert.is_none() {
                    http.client_cert = profile.tls.client_cert();
                }
                Ok(Box::new(HttpServer::new(url, &http)?))
            }
            _ => Err(format!(
                "target {:?} is a DM client: this command drives DM servers only",
                self.text
            )),
        }
    }
}

impl fmt::Display for TargetSpec {
    /// The target string as given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The fault switches of each built-in target, one per line with the rule it breaks.
pub fn fault_switches() -> String {
    let width = Fault::ALL.iter().map(|f| f.name().len()).max().unwrap_or(0);
    let mut out = String::from(
        "Fault switches of builtin:reference (combine with builtin:reference?fault=A,B):\n",
    );
    for f in Fault::ALL {
        out.push_str(&format!("  {:width$}  {}\n", f.name(), f.breaks()));
    }
    out.push_str(
        "\nFault switches of builtin:reference-server (combine with builtin:reference-server?fault=A,B):\n",
    );
    for f in ServerFault::ALL {
        out.push_str(&format!("  {:width$}  {}\n", f.name(), f.breaks()));
    }
    out.push_str(
        "\nFault switches of builtin:reference-enrollment (combine with builtin:reference-enrollment?fault=A,B):\n",
    );
    for f in EnrollmentFault::ALL {
        out.push_str(&format!("  {:width$}  {}\n", f.name(), f.breaks()));
    }
    out
}

/// `fault=a,b` or `fault=a&fault=b`.
fn parse_faults<F: FromStr>(query: &str) -> Result<Vec<F>, String> {
    let mut out = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key != "fault" {
            return Err(format!(
                "unknown target option {key:?}: only fault=NAME is known"
            ));
        }
        for name in value.split(',').filter(|n| !n.is_empty()) {
            let f = name.parse::<F>().map_err(|_| {
                format!("unknown fault {name:?} (see `dmconform run --list-faults`)")
            })?;
            out.push(f);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_knows_its_role() {
        let role = |s: &str| s.parse::<TargetSpec>().unwrap().role();
        assert_eq!(role("builtin:reference"), Role::Client);
        assert_eq!(role("builtin:reference?fault=wrong-cmdref"), Role::Client);
        assert_eq!(role("exec:./wrapper --verbose"), Role::Client);
        assert_eq!(role("exec?timeout=5s:./wrapper"), Role::Client);
        assert_eq!(role("listen:127.0.0.1:0"), Role::Client);
        assert_eq!(role("builtin:reference-server"), Role::Server);
        assert_eq!(role("https://127.0.0.1:8443/omadm"), Role::Server);
    }

    #[test]
    fn bad_strings_say_what_is_wrong() {
        let e = "builtin:nothing".parse::<TargetSpec>().unwrap_err();
        assert!(
            e.contains("unknown target") && e.contains("exec:COMMAND"),
            "{e}"
        );
        let e = "builtin:reference?fault=nope"
            .parse::<TargetSpec>()
            .unwrap_err();
        assert!(e.contains("unknown fault \"nope\""), "{e}");
        let e = "builtin:reference?speed=1"
            .parse::<TargetSpec>()
            .unwrap_err();
        assert!(e.contains("unknown target option"), "{e}");
        assert!("exec:".parse::<TargetSpec>().is_err());
        assert!("listen:".parse::<TargetSpec>().is_err());
    }

    #[test]
    fn an_http_server_without_a_profile_gets_no_credentials_and_its_url_as_target() {
        let url = "https://mdm.example.com/omadm?mode=Maintenance";
        let target: TargetSpec = url.parse().unwrap();
        let (profile, text) = target.default_profile();
        assert_eq!(profile.name, "http-server");
        assert_eq!(profile.server_uri, url);
        assert_eq!(profile.credentials, None);
        assert_eq!(crate::server::runner::profile_problem(&profile), None);
        assert_eq!(TargetProfile::parse(&text).unwrap(), profile);
        let (reference, _) = "builtin:reference-server"
            .parse::<TargetSpec>()
            .unwrap()
            .default_profile();
        assert_eq!(reference.name, "reference-server");
    }

    #[test]
    fn a_profile_file_for_an_http_server_has_the_url_as_target_unless_it_sets_one() {
        let target: TargetSpec = "https://127.0.0.1:8443/omadm".parse().unwrap();
        let text = crate::profile::REFERENCE_SERVER;
        let mut profile = TargetProfile::parse(text).unwrap();
        target.fit_profile(&mut profile, text);
        assert_eq!(profile.server_uri, "https://127.0.0.1:8443/omadm");
        let text = format!("server_uri = \"https://dm.example/x\"\n{text}");
        let mut profile = TargetProfile::parse(&text).unwrap();
        target.fit_profile(&mut profile, &text);
        assert_eq!(profile.server_uri, "https://dm.example/x");
    }

    #[test]
    fn a_client_target_does_not_open_as_a_server_nor_the_other_way() {
        let profile = TargetProfile::reference();
        let client: TargetSpec = "builtin:reference".parse().unwrap();
        assert!(
            client
                .open_server(&profile, &HttpOptions::default())
                .is_err()
        );
        let server: TargetSpec = "builtin:reference-server".parse().unwrap();
        let e = server.open_client(&profile).err().unwrap();
        assert!(e.contains("is a DM server"), "{e}");
    }
}
