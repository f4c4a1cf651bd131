//! The enrollment cases, run in the order a Windows device meets the service:
//! the GET probe of the discovery URL, the Discover request, GetPolicies with
//! the account of the target profile, the RequestSecurityToken that enrolls the
//! device, then requests the service must decline (wrong credentials, a
//! malformed certificate request). The credential goes as the discovered
//! AuthPolicy asks: OnPremise a UsernameToken, Federated the profile's token. Each case names its requirements,
//! records what was sent and what came (the password blotted), and gets its
//! verdict from the findings of [`super::checks`]. A later stage starts with the
//! earlier ones as its set-up: when they do not give it what it needs, the case
//! is not exercised.

use super::checks;
use super::csr::{DeviceKey, KEY_BITS};
use super::discovery::{self, DiscoverResult};
use super::issued_checks::{self, Declined, REQUEST_SECURITY_TOKEN};
use super::policy;
use super::provisioning::{DmAccount, ProvisioningDoc};
use super::service::{EnrollmentService, Method, Reply, Request};
use super::soap;
use super::token::{self, DeviceContext, Issued};
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
    EnrollmentCase {
        id: "enroll.enrollment",
        title: "A RequestSecurityToken with the account and a PKCS#10 request is answered with a provisioning document holding the requested certificate and the DM account",
        requirements: &[
            checks::req::RSTR_STRUCTURE,
            checks::req::RSTR_ACTION,
            checks::req::PROVISION_VALUE_TYPE,
            checks::req::PROVISIONING_CONTENTS,
            checks::req::CERTIFICATE_FOR_REQUEST,
            checks::req::CERTIFICATE_CHAIN,
            checks::req::CERTIFICATE_COUNT,
            checks::req::STORE_PATHS,
            checks::req::PRIVATE_KEY_CONTAINER,
            checks::req::PROVIDER_NAME_ADDR,
            checks::req::UPPERCASE,
            checks::req::CLIENT_AND_APPSRV,
            checks::req::DMCLIENT_PROVIDER,
            checks::req::W7_APPID,
            checks::req::DEFAULT_ENCODING,
            checks::req::AAUTHTYPE,
            checks::req::SSL_STORE,
        ],
        run: enroll,
    },
    EnrollmentCase {
        id: "enroll.wrong-credentials",
        title: "A RequestSecurityToken with a wrong password (OnPremise) or token (Federated) is declined with the fault Subcode Authentication",
        requirements: &[checks::req::FAULT_SUBCODES, checks::req::SOAP_FAULT],
        run: wrong_credentials,
    },
    EnrollmentCase {
        id: "enroll.malformed-csr",
        title: "A RequestSecurityToken whose BinarySecurityToken is no PKCS#10 request is declined with the fault Subcode CertificateRequest",
        requirements: &[checks::req::FAULT_SUBCODES, checks::req::SOAP_FAULT],
        run: malformed_csr,
    },
];

/// The device id and name the harness enrolls as.
pub const DEVICE_ID: &str = "dmconform-device";

/// What an enrollment gave the device: its key and certificate, the roots it
/// was given, and the DM account of the provisioning document.
pub struct Enrolled {
    /// The device's private key, PKCS#8 DER.
    pub key: Vec<u8>,
    /// The client certificate issued for it, DER.
    pub certificate: Vec<u8>,
    /// The roots of `CertificateStore/Root/System`, DER.
    pub roots: Vec<Vec<u8>>,
    pub account: DmAccount,
}

/// The account a device enrolls with: the user name (an email address), the
/// password an OnPremise service checks, and the security token a Federated
/// one does (what its STS gave the user; the harness does not sign in itself).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    pub user: String,
    pub password: String,
    pub token: Option<String>,
}

/// What a case works with: the service, the device's account, the run's record.
struct Stage<'a> {
    service: &'a mut dyn EnrollmentService,
    email: String,
    account: Option<Account>,
    run: CaseRun,
    /// Set by the enrollment case when the device got what a DM session needs.
    enrolled: Option<Enrolled>,
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

    /// `text` with the account's password and token replaced, wherever they
    /// stand (a service may echo the request).
    fn blotted(&self, text: &str) -> String {
        let Some(a) = &self.account else {
            return text.to_string();
        };
        let mut text = text.to_string();
        for secret in std::iter::once(&a.password).chain(&a.token) {
            if secret.is_empty() {
                continue;
            }
            let escaped = secret
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            text = text
                .replace(&escaped, crate::redact::MARKER)
                .replace(secret, crate::redact::MARKER);
        }
        text
    }

    /// The WS-Security header for the service's AuthPolicy: OnPremise, a
    /// UsernameToken with the password; Federated, a BinarySecurityToken with
    /// the token; `wrong` stands for either secret in a request that must be
    /// declined. `None`, and the case unsupported, when the account has no
    /// secret of that kind or the policy is Certificate.
    fn security(
        &mut self,
        account: &Account,
        auth_policy: &str,
        wrong: Option<&str>,
    ) -> Option<syncml::Element> {
        let unsupported = |why: &str| Finding {
            severity: Severity::Info,
            kind: FindingKind::Capability,
            requirement: None,
            check: "capabilities".into(),
            expected: format!("a credential for AuthPolicy {auth_policy}"),
            actual: why.to_string(),
            exchange: None,
        };
        match auth_policy {
            "Federated" => match wrong.map(str::to_string).or_else(|| account.token.clone()) {
                Some(token) => Some(policy::federated_token(&token)),
                None => {
                    self.run.findings.push(unsupported(
                        "the target profile's [enrollment] gives no token (what the service's STS issues at sign-in)",
                    ));
                    None
                }
            },
            "Certificate" => {
                self.run.findings.push(unsupported(
                    "the harness does not sign requests with a certificate (WS-Security X.509 signatures)",
                ));
                None
            }
            _ => Some(policy::username_token(
                &account.user,
                wrong.unwrap_or(&account.password),
            )),
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
/// does not give the service URL `pick` takes (`needed`, in words), the case is
/// not exercised. The URL and the AuthPolicy, when it does.
fn discovered_url(
    stage: &mut Stage<'_>,
    pick: fn(&DiscoverResult) -> Option<String>,
    needed: &str,
) -> Option<(String, String)> {
    let before = stage.run.findings.len();
    let url = discovered(stage).and_then(|r| {
        let url = pick(&r)?;
        Some((url, r.auth_policy.unwrap_or_default()))
    });
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
            expected: format!("a Discover answer naming {needed}"),
            actual: "the Discover stage did not go as this case needs (see enroll.discovery)"
                .into(),
            exchange: None,
        });
        return None;
    }
    url
}

/// The profile's account; `None`, and the case unsupported, without one.
fn needs_account(stage: &mut Stage<'_>) -> Option<Account> {
    if stage.account.is_none() {
        stage.run.findings.push(Finding {
            severity: Severity::Info,
            kind: FindingKind::Capability,
            requirement: None,
            check: "capabilities".into(),
            expected:
                "an account ([enrollment] or [credentials] user and password in the target profile)"
                    .into(),
            actual: "the target profile gives none".into(),
            exchange: None,
        });
    }
    stage.account.clone()
}

fn get_policies(stage: &mut Stage<'_>) {
    let Some(account) = needs_account(stage) else {
        return;
    };
    let Some((url, auth_policy)) = discovered_url(
        stage,
        |r| r.policy_service_url.clone(),
        "the policy service",
    ) else {
        return;
    };
    let Some(security) = stage.security(&account, &auth_policy, None) else {
        return;
    };
    let id = soap::message_id();
    let request = Request {
        method: Method::Post,
        url: url.clone(),
        content_type: Some(format!("{}; charset=utf-8", mde2::SOAP_MEDIA_TYPE)),
        body: policy::request(&id, &url, security),
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

/// The Discover stage as set-up, then a RequestSecurityToken for `csr` with the
/// account's credential (or `wrong` in its place); the answer, its envelope
/// (when it is one) and where it stands.
fn request_token(
    stage: &mut Stage<'_>,
    account: &Account,
    wrong: Option<&str>,
    csr: &[u8],
) -> Option<(Reply, Option<soap::Envelope>, usize, String)> {
    let (url, auth_policy) = discovered_url(
        stage,
        |r| r.enrollment_service_url.clone(),
        "the enrollment service",
    )?;
    let security = stage.security(account, &auth_policy, wrong)?;
    let id = soap::message_id();
    let device = DeviceContext {
        device_id: DEVICE_ID,
        device_name: DEVICE_ID,
    };
    let request = Request {
        method: Method::Post,
        url: url.clone(),
        content_type: Some(format!("{}; charset=utf-8", mde2::SOAP_MEDIA_TYPE)),
        body: token::request(&id, &url, security, csr, &device),
    };
    let (reply, at) = stage.exchange("RequestSecurityToken", request)?;
    let envelope = soap::read(&reply.body).ok();
    if envelope.is_some() {
        stage
            .run
            .findings
            .extend(checks::soap_media_type(&reply, at));
    }
    Some((reply, envelope, at, id))
}

fn enroll(stage: &mut Stage<'_>) {
    let Some(account) = needs_account(stage) else {
        return;
    };
    let key = match DeviceKey::generate(KEY_BITS) {
        Ok(key) => key,
        Err(e) => return stage.error(&TargetError::Other(e)),
    };
    let csr = match key.request(DEVICE_ID) {
        Ok(csr) => csr,
        Err(e) => return stage.error(&TargetError::Other(e)),
    };
    let Some((reply, envelope, at, id)) = request_token(stage, &account, None, &csr) else {
        return;
    };
    let Some(envelope) = envelope else {
        stage.envelope(&reply, at, &REQUEST_SECURITY_TOKEN);
        return;
    };
    let findings = &mut stage.run.findings;
    let Some(issued) = checks::soap_answer(
        &REQUEST_SECURITY_TOKEN,
        &reply,
        &envelope,
        &id,
        at,
        findings,
        Issued::read,
    ) else {
        return;
    };
    let Some(bytes) = issued_checks::issued_token(&issued, at, findings) else {
        return;
    };
    stage.run.transcript[at].text = without_token(&stage.run.transcript[at].text, bytes.len());
    let doc = match ProvisioningDoc::read(&bytes) {
        Ok(doc) => doc,
        Err(why) => {
            stage.run.findings.push(checks::finding(
                checks::req::PROVISIONING_CONTENTS,
                Severity::Fail,
                "the BinarySecurityToken",
                "a provisioning document (wap-provisioningdoc)",
                why,
                at,
            ));
            return;
        }
    };
    let account = doc.w7().map(DmAccount::of).unwrap_or_default();
    let mut shown = stage.blotted(&shown(&bytes));
    for secret in account.secrets() {
        shown = shown.replace(secret, crate::redact::MARKER);
    }
    let doc_at = stage.run.transcript.len();
    stage.run.transcript.push(Exchange {
        direction: Direction::FromTarget,
        label: "provisioning document (the BinarySecurityToken decoded)".into(),
        content_type: "application/xml".into(),
        text: shown,
        hex: None,
        transport: Vec::new(),
    });
    let spki = key.public_key_der();
    stage
        .run
        .findings
        .extend(issued_checks::provisioning(&doc, &spki, doc_at));
    let placed = doc.certificates();
    let certificate = placed
        .iter()
        .filter(|p| p.store.starts_with("My/"))
        .filter_map(|p| p.der.clone())
        .find(|der| super::certs::Parsed::new("My", der).is_ok_and(|c| c.certifies(&spki)));
    if let Some(certificate) = certificate
        && !account.addr.is_empty()
    {
        stage.enrolled = Some(Enrolled {
            key: key.pkcs8.clone(),
            certificate,
            roots: placed
                .iter()
                .filter(|p| p.store == "Root/System")
                .filter_map(|p| p.der.clone())
                .collect(),
            account,
        });
    }
}

/// The recorded answer with the Base64 of its BinarySecurityToken replaced by a
/// note: the document holds secrets, and it is shown decoded (blotted) next.
fn without_token(text: &str, decoded_len: usize) -> String {
    let Some(tag) = text.find("BinarySecurityToken") else {
        return text.to_string();
    };
    let Some(open_end) = text[tag..].find('>').map(|i| tag + i + 1) else {
        return text.to_string();
    };
    let Some(close) = text[open_end..].find('<').map(|i| open_end + i) else {
        return text.to_string();
    };
    format!(
        "{}[the provisioning document, {decoded_len} bytes: shown decoded in the next entry]{}",
        &text[..open_end],
        &text[close..]
    )
}

/// A request the service must decline, judged by [`issued_checks::declined`].
fn must_decline(stage: &mut Stage<'_>, wrong: Option<&str>, csr: &[u8], expected: &Declined<'_>) {
    let Some(account) = needs_account(stage) else {
        return;
    };
    let Some((reply, envelope, at, id)) = request_token(stage, &account, wrong, csr) else {
        return;
    };
    if let Some(envelope) = &envelope {
        stage
            .run
            .findings
            .extend(checks::relates_to(envelope, &id, at));
    }
    stage.run.findings.extend(issued_checks::declined(
        expected,
        envelope.as_ref(),
        reply.status,
        at,
    ));
}

fn wrong_credentials(stage: &mut Stage<'_>) {
    let Some(account) = stage.account.clone() else {
        return must_decline(stage, None, b"", &WRONG_CREDENTIALS);
    };
    // Wrong as a password and as a token (Base64, as tokens are).
    let mut wrong = "ZG1jb25mb3JtLXdyb25nLWNyZWRlbnRpYWw=".to_string();
    while wrong == account.password || Some(&wrong) == account.token.as_ref() {
        wrong.insert(0, 'x');
    }
    let csr = match DeviceKey::generate(KEY_BITS).and_then(|k| k.request(DEVICE_ID)) {
        Ok(csr) => csr,
        Err(e) => return stage.error(&TargetError::Other(e)),
    };
    must_decline(stage, Some(&wrong), &csr, &WRONG_CREDENTIALS);
}

/// MS-MDE2 2.2.10: Authentication, "User not recognized"; WIN-ENROLL:
/// InvalidSecurity, "not able to validate your account".
const WRONG_CREDENTIALS: Declined<'static> = Declined {
    condition: "a wrong password or token",
    subcodes: &["Authentication", "InvalidSecurity"],
};

fn malformed_csr(stage: &mut Stage<'_>) {
    must_decline(
        stage,
        None,
        b"this is not a PKCS#10 certificate request",
        &MALFORMED_CSR,
    );
}

/// MS-MDE2 2.2.10: CertificateRequest, "Failed to get certificate", or
/// MessageFormat, "Message format is bad" (the token MUST be a certificate
/// signing request, MS-MDE2 3.4.4.1.1.1.3).
const MALFORMED_CSR: Declined<'static> = Declined {
    condition: "a BinarySecurityToken that is no PKCS#10 request",
    subcodes: &["CertificateRequest", "MessageFormat"],
};

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
    run_enrolling(service, account, cases).0
}

/// Runs these enrollment cases in order; their runs, and what the enrollment
/// case gave the device when it enrolled.
pub fn run_enrolling(
    service: &mut dyn EnrollmentService,
    account: Option<Account>,
    cases: &[&EnrollmentCase],
) -> (Vec<CaseRun>, Option<Enrolled>) {
    let email = account
        .as_ref()
        .map_or_else(|| email_for(&service.discovery_url()), |a| a.user.clone());
    let mut enrolled = None;
    let runs = cases
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
                enrolled: None,
            };
            (case.run)(&mut stage);
            if stage.enrolled.is_some() {
                enrolled = stage.enrolled.take();
            }
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
        .collect();
    (runs, enrolled)
}
