//! The enrollment cases, run in the order a Windows device meets the service:
//! the GET probe of the discovery URL, the Discover request, then GetPolicies
//! with the account of the target profile. Each case names its requirements,
//! records what was sent and what came (the password blotted), and gets its
//! verdict from the findings of [`super::checks`]. A later stage starts with the
//! earlier ones as its set-up: when they do not give it what it needs, the case
//! is not exercised.

use super::checks;
use super::discovery::{self, DiscoverResult};
use super::policy;
use super::service::{EnrollmentService, Method, Reply, Request};
use super::soap;
use crate::verdict::{CaseRun, Direction, Exchange, Finding, FindingKind, Severity, Verdict};
use crate::wire::{Encoding, TargetError};
use std::time::Instant;
use syncml::protocol::enrollment as mde2;

/// One enrollment case.
pub struct EnrollmentCase {
    pub id: &'static str,
    pub title: &'static str,
    pub requirements: &'static [&'static str],
    run: fn(&mut Stage<'_>),
}

/// The enrollment cases, in the order they run.
pub const CASES: &[EnrollmentCase] = &[
    EnrollmentCase {
        id: "enroll.discovery-probe",
        title: "The GET probe of the discovery URL is answered",
        requirements: &[checks::req::PROBE],
        run: probe,
    },
    EnrollmentCase {
        id: "enroll.discovery",
        title: "A Discover request is answered with a DiscoverResponse naming the enrollment services",
        requirements: &[
            checks::req::DISCOVER_RESPONSE,
            checks::req::MEDIA_TYPE,
            checks::req::RELATES_TO,
            checks::req::AUTH_POLICY,
            checks::req::ENROLLMENT_URL,
            checks::req::POLICY_URL,
            checks::req::AUTHENTICATION_URL,
            checks::req::SAME_HOST,
        ],
        run: discover,
    },
    EnrollmentCase {
        id: "enroll.policy",
        title: "GetPolicies with the account's UsernameToken is answered with a certificate enrollment policy",
        requirements: &[
            checks::req::POLICY_RESPONSE,
            checks::req::POLICY_SCHEMA,
            checks::req::MINIMAL_KEY_LENGTH,
            checks::req::HASH_OID_REFERENCE,
        ],
        run: get_policies,
    },
];

/// The account a device enrolls with: the user name (an email address) and password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub user: String,
    pub password: String,
}

/// What a case works with: the service, the device's account, the run's record.
struct Stage<'a> {
    service: &'a mut dyn EnrollmentService,
    email: String,
    account: Option<Account>,
    run: CaseRun,
}

impl Stage<'_> {
    /// Makes a request and records both directions; the answer, or `None` after an
    /// error finding.
    fn exchange(&mut self, label: &str, request: Request) -> Option<(Reply, usize)> {
        self.run.transcript.push(Exchange {
            direction: Direction::ToTarget,
            label: format!("{label} ({} {})", request.method.name(), request.url),
            content_type: request.content_type.clone().unwrap_or_default(),
            text: self.blotted(&String::from_utf8_lossy(&request.body)),
            hex: None,
            transport: Vec::new(),
        });
        match self.service.request(&request) {
            Ok(reply) => {
                let at = self.run.transcript.len();
                self.run.transcript.push(Exchange {
                    direction: Direction::FromTarget,
                    label: format!("{label} (HTTP {})", reply.status),
                    content_type: reply.content_type.clone(),
                    text: self.blotted(&shown(&reply.body)),
                    hex: None,
                    transport: Vec::new(),
                });
                Some((reply, at))
            }
            Err(e) => {
                self.error(&e);
                None
            }
        }
    }

    /// The answer read as a SOAP envelope, its media type judged; `None` after a
    /// failure of `expected`'s rule when it is no envelope at all.
    fn envelope(
        &mut self,
        reply: &Reply,
        at: usize,
        expected: &checks::Expected<'_>,
    ) -> Option<soap::Envelope> {
        match soap::read(&reply.body) {
            Ok(envelope) => {
                self.run.findings.extend(checks::soap_media_type(reply, at));
                Some(envelope)
            }
            Err(what) => {
                self.run.findings.push(Finding {
                    severity: Severity::Fail,
                    kind: FindingKind::Expectation,
                    requirement: Some(expected.requirement.into()),
                    check: "the answer".into(),
                    expected: format!("a SOAP 1.2 envelope holding {}", expected.body),
                    actual: format!(
                        "HTTP {} with {what} (Content-Type {:?})",
                        reply.status, reply.content_type
                    ),
                    exchange: Some(at),
                });
                None
            }
        }
    }

    /// `text` with the account's password replaced, wherever it stands (a service
    /// may echo the request).
    fn blotted(&self, text: &str) -> String {
        match &self.account {
            Some(a) if !a.password.is_empty() => {
                let escaped = a
                    .password
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;");
                text.replace(&escaped, policy::PASSWORD_SHOWN)
                    .replace(&a.password, policy::PASSWORD_SHOWN)
            }
            _ => text.to_string(),
        }
    }

    fn error(&mut self, e: &TargetError) {
        self.run.findings.push(Finding {
            severity: Severity::Error,
            kind: FindingKind::Exchange,
            requirement: None,
            check: "exchange".into(),
            expected: "an HTTP answer".into(),
            actual: e.to_string(),
            exchange: None,
        });
    }
}

/// How many bytes of an answer a transcript keeps.
const SHOWN: usize = 64 * 1024;

fn shown(body: &[u8]) -> String {
    let cut = &body[..body.len().min(SHOWN)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if body.len() > SHOWN {
        text.push_str(&format!("\n[… {} more bytes]", body.len() - SHOWN));
    }
    text
}

fn probe(stage: &mut Stage<'_>) {
    let request = Request {
        method: Method::Get,
        url: stage.service.discovery_url(),
        content_type: None,
        body: Vec::new(),
    };
    if let Some((reply, at)) = stage.exchange("probe", request) {
        stage
            .run
            .findings
            .extend(checks::probe_answered(&reply, at));
    }
}

fn discover(stage: &mut Stage<'_>) {
    discovered(stage);
}

/// Sends the Discover request and judges the answer; the DiscoverResult, when one came.
fn discovered(stage: &mut Stage<'_>) -> Option<DiscoverResult> {
    let url = stage.service.discovery_url();
    let id = soap::message_id();
    let body = discovery::request(&id, &url, &stage.email, discovery::REQUEST_VERSION);
    let request = Request {
        method: Method::Post,
        url,
        content_type: Some(format!("{}; charset=utf-8", mde2::SOAP_MEDIA_TYPE)),
        body,
    };
    let (reply, at) = stage.exchange("Discover", request)?;
    let envelope = stage.envelope(&reply, at, &checks::DISCOVER)?;
    let findings = &mut stage.run.findings;
    let result = checks::soap_answer(
        &checks::DISCOVER,
        &reply,
        &envelope,
        &id,
        at,
        findings,
        DiscoverResult::read,
    )?;
    findings.extend(checks::discover_result(&result, at));
    Some(result)
}

/// The Discover stage as a set-up: its findings become informational and, when it
/// gives no policy service URL, the case is not exercised. The URL, when it does.
fn policy_service(stage: &mut Stage<'_>) -> Option<String> {
    let before = stage.run.findings.len();
    let url = discovered(stage).and_then(|r| r.policy_service_url);
    let failed = stage.run.findings[before..]
        .iter()
        .any(|f| matches!(f.severity, Severity::Fail | Severity::Error));
    // Misses of the set-up are enroll.discovery's to judge; an exchange that
    // failed stays this case's error.
    for f in &mut stage.run.findings[before..] {
        if matches!(
            f.severity,
            Severity::Fail | Severity::NonStrict | Severity::Info
        ) {
            f.severity = Severity::Info;
            f.kind = FindingKind::NotExercised;
        }
        f.check = format!("{} (set-up: the Discover stage)", f.check);
    }
    if url.is_none() || failed {
        stage.run.findings.push(Finding {
            severity: Severity::Info,
            kind: FindingKind::NotExercised,
            requirement: Some(checks::req::DISCOVER_RESPONSE.into()),
            check: "not exercised".into(),
            expected: "a Discover answer naming the policy service".into(),
            actual: "the Discover stage did not go as this case needs (see enroll.discovery)"
                .into(),
            exchange: None,
        });
        return None;
    }
    url
}

fn get_policies(stage: &mut Stage<'_>) {
    let Some(account) = stage.account.clone() else {
        stage.run.findings.push(Finding {
            severity: Severity::Info,
            kind: FindingKind::Capability,
            requirement: None,
            check: "capabilities".into(),
            expected: "an account ([credentials] user and password in the target profile)".into(),
            actual: "the target profile gives none".into(),
            exchange: None,
        });
        return;
    };
    let Some(url) = policy_service(stage) else {
        return;
    };
    let id = soap::message_id();
    let request = Request {
        method: Method::Post,
        url: url.clone(),
        content_type: Some(format!("{}; charset=utf-8", mde2::SOAP_MEDIA_TYPE)),
        body: policy::request(&id, &url, &account.user, &account.password),
    };
    let Some((reply, at)) = stage.exchange("GetPolicies", request) else {
        return;
    };
    let Some(envelope) = stage.envelope(&reply, at, &checks::GET_POLICIES) else {
        return;
    };
    let findings = &mut stage.run.findings;
    if let Some(policies) = checks::soap_answer(
        &checks::GET_POLICIES,
        &reply,
        &envelope,
        &id,
        at,
        findings,
        policy::Policies::read,
    ) {
        findings.extend(checks::policy_contents(&policies, at));
    }
}

/// The email address a device enrolls with: `user@` and the domain of the
/// discovery host without its `enterpriseenrollment.` label.
pub fn email_for(discovery_url: &str) -> String {
    let host = discovery_url
        .split_once("://")
        .map_or(discovery_url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    let lower = host.to_ascii_lowercase();
    let domain = lower
        .strip_prefix("enterpriseenrollment.")
        .unwrap_or(&lower);
    format!("user@{domain}")
}

/// The enrollment cases whose id matches `filter` (all without one), in order.
pub fn selected(filter: Option<&glob::Pattern>) -> Vec<&'static EnrollmentCase> {
    CASES
        .iter()
        .filter(|c| filter.is_none_or(|f| f.matches(c.id)))
        .collect()
}

/// Runs the enrollment cases against `service` with `account` (none: the cases
/// that need one are unsupported); one case run each, in order.
pub fn run_cases(service: &mut dyn EnrollmentService, account: Option<Account>) -> Vec<CaseRun> {
    run_selected(service, account, &selected(None))
}

/// Runs these enrollment cases against `service` with `account`, in order.
pub fn run_selected(
    service: &mut dyn EnrollmentService,
    account: Option<Account>,
    cases: &[&EnrollmentCase],
) -> Vec<CaseRun> {
    let email = account
        .as_ref()
        .map_or_else(|| email_for(&service.discovery_url()), |a| a.user.clone());
    cases
        .iter()
        .map(|case| {
            let start = Instant::now();
            let mut stage = Stage {
                service: &mut *service,
                email: email.clone(),
                account: account.clone(),
                run: CaseRun {
                    id: case.id.into(),
                    title: case.title.into(),
                    requirements: case.requirements.iter().map(|r| r.to_string()).collect(),
                    encoding: Encoding::Xml,
                    verdict: Verdict::Pass,
                    findings: Vec::new(),
                    statuses: Vec::new(),
                    transcript: Vec::new(),
                    expected_deviation: None,
                    micros: 0,
                },
            };
            (case.run)(&mut stage);
            let mut run = stage.run;
            let unsupported = run
                .findings
                .iter()
                .any(|f| f.kind == FindingKind::Capability);
            let not_exercised = run
                .findings
                .iter()
                .any(|f| f.kind == FindingKind::NotExercised);
            run.verdict = if unsupported {
                Verdict::Unsupported
            } else {
                CaseRun::verdict_from(&run.findings, !not_exercised)
            };
            run.micros = start.elapsed().as_micros() as u64;
            run
        })
        .collect()
}
