//! The rules an enrollment service's answers are judged by, each finding naming
//! its requirement (`specs/requirements/enrollment.toml`). Where the sources leave
//! a choice (EnrollmentPolicyServiceUrl may be left out by the schema, RFC 3902
//! names the SOAP media type without forbidding others) the finding is non-strict.

use super::discovery::{AUTH_POLICIES, DiscoverResult};
use super::policy::Policies;
use super::service::Reply;
use super::soap::Envelope;
use crate::verdict::{Finding, FindingKind, Severity};
use syncml::protocol::enrollment as mde2;

/// The requirement ids of the enrollment checks.
pub mod req {
    pub const PROBE: &str = "winenroll.discovery.probe";
    pub const MEDIA_TYPE: &str = "mde2.soap.media-type";
    pub const DISCOVER_RESPONSE: &str = "mde2.discovery.response";
    pub const RELATES_TO: &str = "wsa.relates-to";
    pub const AUTH_POLICY: &str = "mde2.discovery.auth-policy";
    pub const ENROLLMENT_URL: &str = "mde2.discovery.enrollment-service-url";
    pub const POLICY_URL: &str = "mde2.discovery.policy-service-url";
    pub const AUTHENTICATION_URL: &str = "mde2.discovery.authentication-service-url";
    pub const SAME_HOST: &str = "winenroll.policy-same-host";
    pub const POLICY_RESPONSE: &str = "mde2.policy.response-action";
    pub const POLICY_SCHEMA: &str = "mde.policy.policyschema-3";
    pub const MINIMAL_KEY_LENGTH: &str = "xcep.policy.minimal-key-length";
    pub const HASH_OID_REFERENCE: &str = "mde.policy.hash-oid-reference";
    pub const RSTR_ACTION: &str = "mde.rstr.action";
    pub const RSTR_STRUCTURE: &str = "mde.rstr.structure";
    pub const PROVISION_VALUE_TYPE: &str = "winenroll.rstr.provision-doc-valuetype";
    pub const PROVISIONING_CONTENTS: &str = "winenroll.rstr.provisioning-contents";
    pub const CERTIFICATE_FOR_REQUEST: &str = "rfc2986.certificate-for-request-key";
    pub const CERTIFICATE_CHAIN: &str = "winenroll.prov.chain";
    pub const CERTIFICATE_COUNT: &str = "winenroll.prov.certificate-count";
    pub const STORE_PATHS: &str = "winenroll.prov.certificate-store-paths";
    pub const PRIVATE_KEY_CONTAINER: &str = "winenroll.prov.private-key-container";
    pub const PROVIDER_NAME_ADDR: &str = "winenroll.prov.provider-id-name-addr";
    pub const UPPERCASE: &str = "winenroll.prov.uppercase";
    pub const CLIENT_AND_APPSRV: &str = "winenroll.prov.client-and-appsrv";
    pub const DMCLIENT_PROVIDER: &str = "winenroll.prov.dmclient-provider-id";
    pub const W7_APPID: &str = "winenroll.w7.appid";
    pub const DEFAULT_ENCODING: &str = "winenroll.w7.defaultencoding";
    pub const AAUTHTYPE: &str = "winenroll.w7.aauthtype";
    pub const SSL_STORE: &str = "winenroll.w7.ssl-store";
    pub const FAULT_SUBCODES: &str = "mde2.fault.subcodes";
    pub const SOAP_FAULT: &str = "mde2.fault.soap-fault";
}

/// Every requirement the enrollment checks judge, for lint and coverage.
pub const REQUIREMENTS: &[&str] = &[
    req::PROBE,
    req::MEDIA_TYPE,
    req::DISCOVER_RESPONSE,
    req::RELATES_TO,
    req::AUTH_POLICY,
    req::ENROLLMENT_URL,
    req::POLICY_URL,
    req::AUTHENTICATION_URL,
    req::SAME_HOST,
    req::POLICY_RESPONSE,
    req::POLICY_SCHEMA,
    req::MINIMAL_KEY_LENGTH,
    req::HASH_OID_REFERENCE,
    req::RSTR_ACTION,
    req::RSTR_STRUCTURE,
    req::PROVISION_VALUE_TYPE,
    req::PROVISIONING_CONTENTS,
    req::CERTIFICATE_FOR_REQUEST,
    req::CERTIFICATE_CHAIN,
    req::CERTIFICATE_COUNT,
    req::STORE_PATHS,
    req::PRIVATE_KEY_CONTAINER,
    req::PROVIDER_NAME_ADDR,
    req::UPPERCASE,
    req::CLIENT_AND_APPSRV,
    req::DMCLIENT_PROVIDER,
    req::W7_APPID,
    req::DEFAULT_ENCODING,
    req::AAUTHTYPE,
    req::SSL_STORE,
    req::FAULT_SUBCODES,
    req::SOAP_FAULT,
];

/// A finding of `requirement` about exchange `exchange`.
pub(super) fn finding(
    requirement: &str,
    severity: Severity,
    check: &str,
    expected: impl Into<String>,
    actual: impl Into<String>,
    exchange: usize,
) -> Finding {
    Finding {
        severity,
        kind: FindingKind::Expectation,
        requirement: Some(requirement.into()),
        check: check.into(),
        expected: expected.into(),
        actual: actual.into(),
        exchange: Some(exchange),
    }
}

/// The GET of the discovery URL is answered 200, as Microsoft's sample shows.
pub fn probe_answered(reply: &Reply, exchange: usize) -> Vec<Finding> {
    if reply.status == 200 {
        return Vec::new();
    }
    vec![finding(
        req::PROBE,
        Severity::NonStrict,
        "the GET probe of the discovery URL",
        "HTTP 200",
        format!("HTTP {}", reply.status),
        exchange,
    )]
}

/// A SOAP answer is labelled application/soap+xml.
pub fn soap_media_type(reply: &Reply, exchange: usize) -> Vec<Finding> {
    let media = reply
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == mde2::SOAP_MEDIA_TYPE {
        return Vec::new();
    }
    vec![finding(
        req::MEDIA_TYPE,
        Severity::NonStrict,
        "the content type of a SOAP 1.2 answer",
        mde2::SOAP_MEDIA_TYPE,
        format!("{:?}", reply.content_type),
        exchange,
    )]
}

/// What the answer to one SOAP request is judged against: the rule it falls
/// under, the Action it must carry, the body it must hold.
pub struct Expected<'a> {
    pub requirement: &'a str,
    pub action: &'a str,
    /// The rule a wrong Action breaks.
    pub action_requirement: &'a str,
    /// How an envelope of SOAP 1.1 is judged: a failure, or non-strict where
    /// Microsoft's own samples answer so.
    pub soap11: Severity,
    /// The body element, in words (`a DiscoverResponse holding a DiscoverResult`).
    pub body: &'a str,
}

/// The answer to a SOAP request: HTTP 200, a SOAP 1.2 envelope with the expected
/// Action, RelatesTo naming the request, and a body `read` understands; what
/// `read` made of the body, when it did.
pub fn soap_answer<T>(
    expected: &Expected<'_>,
    reply: &Reply,
    envelope: &Envelope,
    message_id: &str,
    exchange: usize,
    out: &mut Vec<Finding>,
    read: impl FnOnce(&syncml::Element) -> Option<T>,
) -> Option<T> {
    let mut judge = |rule: &str, severity: Severity, what: &str, wanted: &str, actual: String| {
        out.push(finding(rule, severity, what, wanted, actual, exchange))
    };
    let rule = expected.requirement;
    if reply.status != 200 {
        judge(
            rule,
            Severity::Fail,
            "the HTTP status of the answer",
            "200",
            format!("HTTP {}", reply.status),
        );
    }
    if !envelope.soap12 {
        judge(
            rule,
            expected.soap11,
            "the envelope of the answer",
            "a SOAP 1.2 envelope (http://www.w3.org/2003/05/soap-envelope), as the request's",
            "an Envelope of another namespace".into(),
        );
    }
    if envelope.action.as_deref() != Some(expected.action) {
        judge(
            expected.action_requirement,
            Severity::Fail,
            "the Action of the answer",
            expected.action,
            envelope.action.clone().unwrap_or_else(|| "none".into()),
        );
    }
    let read = envelope.payload.as_ref().and_then(read);
    if read.is_none() {
        let came = match (&envelope.fault, &envelope.payload) {
            (Some(f), _) => format!(
                "a fault {}{} ({})",
                f.code,
                f.subcode
                    .as_deref()
                    .map(|s| format!(", subcode {s}"))
                    .unwrap_or_default(),
                f.reason
            ),
            (None, Some(p)) => format!("a <{}>", p.local_name()),
            (None, None) => "an empty Body".into(),
        };
        judge(
            rule,
            Severity::Fail,
            "the Body of the answer",
            expected.body,
            came,
        );
    }
    out.extend(relates_to(envelope, message_id, exchange));
    read
}

/// The answer to a Discover (MS-MDE2 3.1.4.1).
pub const DISCOVER: Expected<'static> = Expected {
    requirement: req::DISCOVER_RESPONSE,
    action: mde2::DISCOVER_RESPONSE_ACTION,
    action_requirement: req::DISCOVER_RESPONSE,
    soap11: Severity::Fail,
    body: "a DiscoverResponse holding a DiscoverResult",
};

/// The answer to a GetPolicies (MS-MDE2 3.3.4.1.1.2).
pub const GET_POLICIES: Expected<'static> = Expected {
    requirement: req::POLICY_RESPONSE,
    action: mde2::GET_POLICIES_RESPONSE_ACTION,
    action_requirement: req::POLICY_RESPONSE,
    soap11: Severity::Fail,
    body: "a GetPoliciesResponse",
};

/// RelatesTo conveys the MessageID of the request answered (white space aside:
/// Microsoft's own samples put a space after `urn:uuid:`).
pub fn relates_to(envelope: &Envelope, message_id: &str, exchange: usize) -> Vec<Finding> {
    let compact = |s: &str| s.split_whitespace().collect::<String>();
    match &envelope.relates_to {
        Some(r) if compact(r) == compact(message_id) => Vec::new(),
        Some(r) => vec![finding(
            req::RELATES_TO,
            Severity::Fail,
            "RelatesTo of the answer",
            message_id,
            r.clone(),
            exchange,
        )],
        None => vec![finding(
            req::RELATES_TO,
            Severity::NonStrict,
            "RelatesTo of the answer",
            message_id,
            "no RelatesTo",
            exchange,
        )],
    }
}

/// The fields of a DiscoverResult: an allowed AuthPolicy, the enrollment service,
/// the policy service (and the STS for Federated), policy and enrollment
/// services on one host.
pub fn discover_result(result: &DiscoverResult, exchange: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    let policy = result.auth_policy.as_deref();
    if !policy.is_some_and(|p| AUTH_POLICIES.contains(&p)) {
        out.push(finding(
            req::AUTH_POLICY,
            Severity::Fail,
            "AuthPolicy of the DiscoverResult",
            AUTH_POLICIES.join(", "),
            policy.unwrap_or("none").to_string(),
            exchange,
        ));
    }
    match result.enrollment_service_url.as_deref() {
        Some(url) if is_absolute_https(url) => {}
        other => out.push(finding(
            req::ENROLLMENT_URL,
            Severity::Fail,
            "EnrollmentServiceUrl of the DiscoverResult",
            "an https:// URL",
            other.unwrap_or("none").to_string(),
            exchange,
        )),
    }
    match result.policy_service_url.as_deref() {
        Some(url) if is_absolute_https(url) => {}
        other => out.push(finding(
            req::POLICY_URL,
            Severity::NonStrict,
            "EnrollmentPolicyServiceUrl of the DiscoverResult",
            "an https:// URL (the address the device gets its certificate policies from)",
            other.unwrap_or("none").to_string(),
            exchange,
        )),
    }
    if policy == Some("Federated") && result.authentication_service_url.is_none() {
        out.push(finding(
            req::AUTHENTICATION_URL,
            Severity::NonStrict,
            "AuthenticationServiceUrl of a Federated DiscoverResult",
            "the URL of the STS the device gets its token from",
            "none",
            exchange,
        ));
    }
    if let (Some(p), Some(e)) = (
        result.policy_service_url.as_deref().and_then(host_of),
        result.enrollment_service_url.as_deref().and_then(host_of),
    ) && p != e
    {
        out.push(finding(
            req::SAME_HOST,
            Severity::Fail,
            "the hosts of the policy and enrollment services",
            format!("one host name ({e})"),
            format!("policy service on {p}, enrollment service on {e}"),
            exchange,
        ));
    }
    out
}

/// Each policy: schema 3, a positive minimal key length, a hash algorithm
/// reference that names an OID of the answer.
pub fn policy_contents(policies: &Policies, exchange: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, p) in policies.policies.iter().enumerate() {
        let n = i + 1;
        if p.schema.as_deref() != Some("3") {
            out.push(finding(
                req::POLICY_SCHEMA,
                Severity::Fail,
                &format!("policySchema of policy {n}"),
                "3",
                p.schema.clone().unwrap_or_else(|| "none".into()),
                exchange,
            ));
        }
        if let Some(length) = &p.minimal_key_length
            && !length.parse::<u32>().is_ok_and(|l| l > 0)
        {
            out.push(finding(
                req::MINIMAL_KEY_LENGTH,
                Severity::Fail,
                &format!("minimalKeyLength of policy {n}"),
                "a positive nonzero number",
                length.clone(),
                exchange,
            ));
        }
        if let Some(reference) = &p.hash_oid_reference
            && !policies.oid_references.contains(reference)
        {
            out.push(finding(
                req::HASH_OID_REFERENCE,
                Severity::Fail,
                &format!("hashAlgorithmOIDReference of policy {n}"),
                format!(
                    "one of the answer's oIDReferenceIDs {:?}",
                    policies.oid_references
                ),
                reference.clone(),
                exchange,
            ));
        }
    }
    out
}

/// An absolute https:// URL with a host.
pub(super) fn is_absolute_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        && host_of(url).is_some_and(|h| !h.is_empty())
}

/// The host name of an http(s) URL, in lower case, without port.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    Some(host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> DiscoverResult {
        DiscoverResult {
            auth_policy: Some("OnPremise".into()),
            enrollment_version: Some("4.0".into()),
            policy_service_url: Some("https://e.example/EnrollmentServer/PolicyService.svc".into()),
            enrollment_service_url: Some(
                "https://E.example:443/EnrollmentServer/EnrollmentService.svc".into(),
            ),
            authentication_service_url: None,
        }
    }

    fn broken(r: &DiscoverResult) -> Vec<(String, Severity)> {
        discover_result(r, 1)
            .into_iter()
            .map(|f| (f.requirement.unwrap(), f.severity))
            .collect()
    }

    #[test]
    fn a_result_any_allowed_way_passes() {
        assert!(broken(&result()).is_empty());
        // Microsoft's sample names one URL for both services, in upper case.
        let mut sample = result();
        sample.policy_service_url = Some(
            "https://enrolltest.contoso.com/ENROLLMENTSERVER/DEVICEENROLLMENTWEBSERVICE.SVC".into(),
        );
        sample.enrollment_service_url = sample.policy_service_url.clone();
        assert!(broken(&sample).is_empty());
        let mut federated = result();
        federated.auth_policy = Some("Federated".into());
        federated.authentication_service_url = Some("https://sts.example/auth".into());
        assert!(broken(&federated).is_empty());
        let mut certificate = result();
        certificate.auth_policy = Some("Certificate".into());
        assert!(broken(&certificate).is_empty());
    }

    #[test]
    fn each_field_rule_can_fail() {
        let mut r = result();
        r.auth_policy = Some("Password".into());
        assert_eq!(broken(&r), [(req::AUTH_POLICY.into(), Severity::Fail)]);
        let mut r = result();
        r.enrollment_service_url = Some("http://e.example/EnrollmentServer/x.svc".into());
        assert_eq!(broken(&r), [(req::ENROLLMENT_URL.into(), Severity::Fail)]);
        let mut r = result();
        r.policy_service_url = None;
        assert_eq!(broken(&r), [(req::POLICY_URL.into(), Severity::NonStrict)]);
        let mut r = result();
        r.auth_policy = Some("Federated".into());
        assert_eq!(
            broken(&r),
            [(req::AUTHENTICATION_URL.into(), Severity::NonStrict)]
        );
        let mut r = result();
        r.policy_service_url = Some("https://policy.example/p.svc".into());
        assert_eq!(broken(&r), [(req::SAME_HOST.into(), Severity::Fail)]);
    }

    #[test]
    fn relates_to_ignores_the_space_of_microsofts_samples_only() {
        let envelope = |r: Option<&str>| Envelope {
            soap12: true,
            action: None,
            relates_to: r.map(str::to_string),
            payload: None,
            fault: None,
        };
        let id = "urn:uuid:748132ec-a575-4329-b01b-6171a9cf8478";
        assert!(
            relates_to(
                &envelope(Some("urn:uuid: 748132ec-a575-4329-b01b-6171a9cf8478")),
                id,
                1
            )
            .is_empty()
        );
        assert_eq!(
            relates_to(&envelope(Some("urn:uuid:0")), id, 1)[0].severity,
            Severity::Fail
        );
        assert_eq!(
            relates_to(&envelope(None), id, 1)[0].severity,
            Severity::NonStrict
        );
    }

    #[test]
    fn the_media_type_may_carry_parameters_in_any_case() {
        let reply = |ct: &str| Reply {
            status: 200,
            content_type: ct.into(),
            body: Vec::new(),
        };
        assert!(soap_media_type(&reply("Application/SOAP+XML; charset=utf-8"), 1).is_empty());
        assert_eq!(soap_media_type(&reply("text/xml"), 1).len(), 1);
    }
}
