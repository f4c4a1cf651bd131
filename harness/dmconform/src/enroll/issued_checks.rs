//! The rules the answer to a RequestSecurityToken is judged by: the
//! RequestSecurityTokenResponseCollection and its token, the provisioning
//! document inside it, the certificates it places, and the SOAP fault that
//! declines a request that must not be granted. Each finding names its
//! requirement (`specs/requirements/enrollment.toml`); SHOULD-level sentences
//! give non-strict findings.

use super::certs::{self, Parsed};
use super::checks::{Expected, finding, is_absolute_https, req};
use super::provisioning::{DmAccount, ProvisioningDoc};
use super::soap::Envelope;
use super::token::Issued;
use crate::verdict::{Finding, Severity};
use syncml::protocol::enrollment as mde2;

/// The answer to a RequestSecurityToken (MS-MDE 3.4.4.1.1.3). A SOAP 1.1
/// envelope is non-strict: all three of Microsoft's published answers
/// (`corpus/enrollment/*-06-rstr-response.xml`) use one to answer a SOAP 1.2
/// request, and servers that copy them work with Windows.
pub const REQUEST_SECURITY_TOKEN: Expected<'static> = Expected {
    requirement: req::RSTR_STRUCTURE,
    action: mde2::RSTRC_ACTION,
    action_requirement: req::RSTR_ACTION,
    soap11: Severity::NonStrict,
    body: "a RequestSecurityTokenResponseCollection",
};

/// The collection holds a response with the enrollment TokenType and a Base64
/// token of the provisioning document's ValueType; the document's bytes, when
/// they can be had.
pub fn issued_token(issued: &Issued, exchange: usize, out: &mut Vec<Finding>) -> Option<Vec<u8>> {
    let mut judge = |rule: &str, severity: Severity, what: &str, wanted: &str, actual: String| {
        out.push(finding(rule, severity, what, wanted, actual, exchange))
    };
    if issued.responses == 0 {
        judge(
            req::RSTR_STRUCTURE,
            Severity::Fail,
            "RequestSecurityTokenResponse in the collection",
            "one",
            "none".into(),
        );
        return None;
    }
    if issued.token_type.as_deref() != Some(mde2::DEVICE_ENROLLMENT_TOKEN) {
        judge(
            req::RSTR_STRUCTURE,
            Severity::Fail,
            "TokenType of the response",
            mde2::DEVICE_ENROLLMENT_TOKEN,
            issued.token_type.clone().unwrap_or_else(|| "none".into()),
        );
    }
    let Some(token) = &issued.token else {
        judge(
            req::RSTR_STRUCTURE,
            Severity::Fail,
            "RequestedSecurityToken/BinarySecurityToken of the response",
            "the provisioning document",
            "none".into(),
        );
        return None;
    };
    match token.value_type.as_deref() {
        Some(mde2::PROVISION_DOC) => {}
        Some(mde2::PROVISION_DOC_PROSE) => judge(
            req::PROVISION_VALUE_TYPE,
            Severity::NonStrict,
            "ValueType of the BinarySecurityToken",
            &format!("{} (every sample of Microsoft's)", mde2::PROVISION_DOC),
            format!(
                "{} (the form of WIN-ENROLL-FED's prose)",
                mde2::PROVISION_DOC_PROSE
            ),
        ),
        other => judge(
            req::PROVISION_VALUE_TYPE,
            Severity::Fail,
            "ValueType of the BinarySecurityToken",
            mde2::PROVISION_DOC,
            other.unwrap_or("none").to_string(),
        ),
    }
    let decoded = token.decoded();
    if decoded.is_none() {
        judge(
            req::PROVISIONING_CONTENTS,
            Severity::Fail,
            "the BinarySecurityToken",
            "the Base64 of a provisioning document",
            format!("{} characters that are not Base64", token.text.len()),
        );
    }
    decoded
}

/// The document holds the requested certificate (for the device's key, under
/// `CertificateStore/My`, chained by the root it provisions) and the DM client
/// configuration (a w7 APPLICATION with the settings Windows reads).
pub fn provisioning(doc: &ProvisioningDoc, device_key: &[u8], exchange: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    certificates(doc, device_key, exchange, &mut out);
    if !doc.has_private_key_container() {
        out.push(finding(
            req::PRIVATE_KEY_CONTAINER,
            Severity::Fail,
            "CertificateStore/My/…/PrivateKeyContainer",
            "present",
            "absent",
            exchange,
        ));
    }
    for other in doc
        .top("APPLICATION")
        .filter_map(|a| a.parm("APPID"))
        .filter(|id| *id != "w7")
    {
        out.push(finding(
            req::W7_APPID,
            Severity::Fail,
            "APPID of an APPLICATION characteristic",
            "w7",
            other,
            exchange,
        ));
    }
    match doc.w7() {
        None => out.push(finding(
            req::PROVISIONING_CONTENTS,
            Severity::Fail,
            "the DM client configuration",
            "an APPLICATION characteristic with APPID w7",
            "none",
            exchange,
        )),
        Some(w7) => {
            application(w7, exchange, &mut out);
            let provider = w7.parm("PROVIDER-ID").unwrap_or("");
            for named in doc.dmclient_providers() {
                if named != provider {
                    out.push(finding(
                        req::DMCLIENT_PROVIDER,
                        Severity::Fail,
                        "the provider under DMClient/Provider",
                        format!("the w7 PROVIDER-ID {provider:?}"),
                        format!("{named:?}"),
                        exchange,
                    ));
                }
            }
        }
    }
    out
}

fn certificates(doc: &ProvisioningDoc, device_key: &[u8], exchange: usize, out: &mut Vec<Finding>) {
    let placed = doc.certificates();
    let mut parsed = Vec::new();
    for p in &placed {
        match p.der.as_deref().map(|der| Parsed::new(&p.store, der)) {
            Some(Ok(c)) => parsed.push(c),
            Some(Err(why)) => out.push(finding(
                req::PROVISIONING_CONTENTS,
                Severity::Fail,
                &format!("the certificate {} in {}", p.thumbprint, p.store),
                "a Base64 DER X.509 certificate",
                why,
                exchange,
            )),
            None => out.push(finding(
                req::PROVISIONING_CONTENTS,
                Severity::Fail,
                &format!("the certificate {} in {}", p.thumbprint, p.store),
                "a Base64 DER X.509 certificate",
                "EncodedCertificate is not Base64",
                exchange,
            )),
        }
    }
    for p in &placed {
        if !matches!(p.store.as_str(), "Root/System" | "My/User" | "My/System") {
            out.push(finding(
                req::STORE_PATHS,
                Severity::Fail,
                &format!("the store of certificate {}", p.thumbprint),
                "CertificateStore/Root/System (root) or CertificateStore/My/User",
                format!("CertificateStore/{}", p.store),
                exchange,
            ));
        }
    }
    let Some(client) = parsed
        .iter()
        .find(|c| c.store.starts_with("My/") && c.certifies(device_key))
    else {
        let mine = parsed
            .iter()
            .filter(|c| c.store.starts_with("My/"))
            .map(|c| c.subject())
            .collect::<Vec<_>>();
        out.push(finding(
            req::CERTIFICATE_FOR_REQUEST,
            Severity::Fail,
            "the requested certificate in CertificateStore/My",
            "a certificate for the public key of the device's PKCS#10 request",
            if mine.is_empty() {
                "no certificate in CertificateStore/My".to_string()
            } else {
                format!("certificates for other keys only: {}", mine.join("; "))
            },
            exchange,
        ));
        return;
    };
    if !client.valid_now() {
        out.push(finding(
            req::CERTIFICATE_FOR_REQUEST,
            Severity::Fail,
            "the validity of the client certificate",
            "valid now",
            "not valid at the time of the run",
            exchange,
        ));
    }
    let roots: Vec<&Parsed<'_>> = parsed.iter().filter(|c| c.store == "Root/System").collect();
    let intermediates: Vec<&Parsed<'_>> = parsed
        .iter()
        .filter(|c| c.store.starts_with("My/") && c.der != client.der)
        .collect();
    if roots.len() > 1 || intermediates.len() > 1 {
        out.push(finding(
            req::CERTIFICATE_COUNT,
            Severity::NonStrict,
            "the CA certificates of the document",
            "at most one root and one intermediate",
            format!(
                "{} roots, {} intermediates",
                roots.len(),
                intermediates.len()
            ),
            exchange,
        ));
    }
    if !roots.is_empty() && !certs::chains_to(client, &intermediates, &roots) {
        out.push(finding(
            req::CERTIFICATE_CHAIN,
            Severity::NonStrict,
            "the chain of the client certificate",
            "signed by the provisioned root (or an intermediate it signed)",
            format!(
                "issued by {}, which no provisioned certificate is",
                client.issuer()
            ),
            exchange,
        ));
    }
}

/// The w7 APPLICATION's settings: PROVIDER-ID, NAME and an https ADDR; names and
/// types in upper case; a known DEFAULTENCODING; the APPAUTH types; the SSL
/// client certificate store.
fn application(w7: &super::provisioning::Characteristic, exchange: usize, out: &mut Vec<Finding>) {
    for name in ["PROVIDER-ID", "NAME"] {
        if w7.parm(name).is_none_or(str::is_empty) {
            out.push(finding(
                req::PROVIDER_NAME_ADDR,
                Severity::Fail,
                &format!("{name} of the w7 APPLICATION"),
                "a value",
                "none",
                exchange,
            ));
        }
    }
    let account = DmAccount::of(w7);
    if !is_absolute_https(&account.addr) {
        out.push(finding(
            req::PROVIDER_NAME_ADDR,
            Severity::Fail,
            "ADDR of the w7 APPLICATION",
            "the https:// address of the DM server",
            format!("{:?}", account.addr),
            exchange,
        ));
    }
    let lower: Vec<String> = w7
        .walk()
        .into_iter()
        .flat_map(|c| std::iter::once(c.kind.clone()).chain(c.parms.iter().map(|p| p.name.clone())))
        .filter(|n| *n != n.to_ascii_uppercase())
        .collect();
    if !lower.is_empty() {
        out.push(finding(
            req::UPPERCASE,
            Severity::Fail,
            "parm names and characteristic types of the w7 APPLICATION",
            "all upper case",
            lower.join(", "),
            exchange,
        ));
    }
    if let Some(encoding) = &account.encoding
        && ![
            syncml::protocol::CONTENT_TYPE_XML,
            syncml::protocol::CONTENT_TYPE_WBXML,
        ]
        .contains(&encoding.as_str())
    {
        out.push(finding(
            req::DEFAULT_ENCODING,
            Severity::Fail,
            "DEFAULTENCODING of the w7 APPLICATION",
            "application/vnd.syncml.dm+xml or application/vnd.syncml.dm+wbxml",
            encoding.clone(),
            exchange,
        ));
    }
    for auth in [&account.client_auth, &account.server_auth]
        .into_iter()
        .flatten()
    {
        let allowed: &[&str] = if auth.level == "CLIENT" {
            &["DIGEST"]
        } else {
            &["BASIC", "DIGEST"]
        };
        if !allowed.contains(&auth.kind.as_str()) {
            out.push(finding(
                req::AAUTHTYPE,
                Severity::Fail,
                &format!("AAUTHTYPE of the {} APPAUTH", auth.level),
                allowed.join(" or "),
                auth.kind.clone(),
                exchange,
            ));
        }
    }
    let missing: Vec<&str> = [
        ("APPSRV", &account.client_auth),
        ("CLIENT", &account.server_auth),
    ]
    .into_iter()
    .filter(|(_, a)| a.is_none())
    .map(|(level, _)| level)
    .collect();
    if !missing.is_empty() {
        out.push(finding(
            req::CLIENT_AND_APPSRV,
            Severity::NonStrict,
            "the APPAUTH characteristics of the w7 APPLICATION",
            "CLIENT and APPSRV credentials",
            format!("no {}", missing.join(" and no ")),
            exchange,
        ));
    }
    if let Some(criteria) = w7.parm("SSLCLIENTCERTSEARCHCRITERIA")
        && let Some(stores) = criteria
            .split('&')
            .map(|p| p.trim_start_matches("amp;"))
            .find_map(|p| p.strip_prefix("Stores="))
        && !stores.eq_ignore_ascii_case("My%5CUser")
    {
        out.push(finding(
            req::SSL_STORE,
            Severity::Fail,
            "Stores of SSLCLIENTCERTSEARCHCRITERIA",
            "My%5CUser",
            stores,
            exchange,
        ));
    }
}

/// The Subcodes a declined request may carry, by the condition that declines it
/// (MS-MDE2 2.2.10 and WIN-ENROLL's table).
pub struct Declined<'a> {
    /// The condition, in words (`a wrong password`).
    pub condition: &'a str,
    /// The local names of the Subcodes that name it.
    pub subcodes: &'a [&'a str],
}

/// A request that must be declined is: by a SOAP fault whose Subcode names its
/// condition. A certificate issued for it fails; an answer that is no SOAP fault
/// is non-strict (MS-MDE2 2.2.10: the server "can" decline with a fault).
pub fn declined(
    expected: &Declined<'_>,
    envelope: Option<&Envelope>,
    status: u16,
    exchange: usize,
) -> Vec<Finding> {
    let subcodes = expected
        .subcodes
        .iter()
        .map(|s| with_device_code(s))
        .collect::<Vec<_>>()
        .join(" or ");
    let fault = envelope.and_then(|e| e.fault.as_ref());
    let Some(fault) = fault else {
        let issued = envelope
            .and_then(|e| e.payload.as_ref())
            .and_then(Issued::read)
            .is_some_and(|i| i.token.is_some());
        return vec![if issued {
            finding(
                req::FAULT_SUBCODES,
                Severity::Fail,
                &format!("the answer to a request with {}", expected.condition),
                format!("a SOAP fault with Subcode {subcodes}"),
                "a token was issued",
                exchange,
            )
        } else {
            finding(
                req::SOAP_FAULT,
                Severity::NonStrict,
                &format!("the answer to a request with {}", expected.condition),
                format!("a SOAP fault with Subcode {subcodes}"),
                format!("HTTP {status} without a SOAP fault"),
                exchange,
            )
        }];
    };
    let local = fault
        .subcode
        .as_deref()
        .map(|s| s.rsplit(':').next().unwrap_or(s).trim());
    if local.is_some_and(|l| expected.subcodes.contains(&l)) {
        return Vec::new();
    }
    vec![finding(
        req::FAULT_SUBCODES,
        Severity::Fail,
        &format!("the fault answering a request with {}", expected.condition),
        format!("Subcode {subcodes}"),
        match &fault.subcode {
            Some(s) => format!("Subcode {} ({})", with_device_code(s), fault.reason),
            None => format!("no Subcode, Code {} ({})", fault.code, fault.reason),
        },
        exchange,
    )]
}

/// A Subcode with the error a Windows device shows for it, when the catalog
/// knows it: `Authentication (0x80180002 MENROLL_E_DEVICE_AUTHENTICATION_ERROR on the device)`.
fn with_device_code(subcode: &str) -> String {
    let local = subcode.rsplit(':').next().unwrap_or(subcode).trim();
    match syncml::catalog::windows_enrollment_fault(local) {
        Some(e) => format!("{subcode} ({:#010X} {} on the device)", e.code, e.name),
        None => subcode.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enroll::csr::{DeviceKey, KEY_BITS};
    use crate::enroll::token::Token;

    /// A document as the reference issues it for a fresh key: its text and the
    /// key's SubjectPublicKeyInfo.
    fn document() -> (String, Vec<u8>) {
        let key = DeviceKey::generate(KEY_BITS).unwrap();
        let mut ca = refdm::enroll::ca::Authority::new("test root");
        let client = ca.issue(&key.request("device").unwrap()).unwrap();
        let doc = refdm::enroll::issue::Provision {
            root: &ca.root,
            client: &client,
            addr: "https://dm.example/ManagementServer/MDM.svc",
            dm_user: "u",
            dm_password: "p",
            with_dm_account: true,
            dmclient_provider: refdm::enroll::issue::PROVIDER_ID,
        }
        .document();
        (String::from_utf8(doc).unwrap(), key.public_key_der())
    }

    fn broken(text: &str, key: &[u8]) -> Vec<(String, Severity)> {
        let doc = ProvisioningDoc::read(text.as_bytes()).unwrap();
        provisioning(&doc, key, 1)
            .into_iter()
            .map(|f| (f.requirement.unwrap(), f.severity))
            .collect()
    }

    #[test]
    fn the_reference_document_passes_and_each_rule_can_fail() {
        let (good, key) = document();
        assert_eq!(broken(&good, &key), []);
        let cases: &[(&str, &str, &str, Severity)] = &[
            (
                r#"<characteristic type="PrivateKeyContainer"/>"#,
                "",
                req::PRIVATE_KEY_CONTAINER,
                Severity::Fail,
            ),
            (
                r#"<parm name="NAME" value="dmconform reference"/>"#,
                "",
                req::PROVIDER_NAME_ADDR,
                Severity::Fail,
            ),
            (
                "https://dm.example/",
                "http://dm.example/",
                req::PROVIDER_NAME_ADDR,
                Severity::Fail,
            ),
            (
                r#"name="AAUTHLEVEL""#,
                r#"name="aauthlevel""#,
                req::UPPERCASE,
                Severity::Fail,
            ),
            (
                "application/vnd.syncml.dm+xml",
                "application/xml",
                req::DEFAULT_ENCODING,
                Severity::Fail,
            ),
            (
                r#"<parm name="AAUTHTYPE" value="DIGEST"/>"#,
                r#"<parm name="AAUTHTYPE" value="BASIC"/>"#,
                req::AAUTHTYPE,
                Severity::Fail,
            ),
            (
                r#"<parm name="AAUTHLEVEL" value="APPSRV"/>"#,
                r#"<parm name="AAUTHLEVEL" value="SOMETHING"/>"#,
                req::CLIENT_AND_APPSRV,
                Severity::NonStrict,
            ),
            (
                "Stores=My%5CUser",
                "Stores=My%5CSystem",
                req::SSL_STORE,
                Severity::Fail,
            ),
            (
                r#"<characteristic type="Root">"#,
                r#"<characteristic type="CA">"#,
                req::STORE_PATHS,
                Severity::Fail,
            ),
        ];
        for (from, to, rule, severity) in cases {
            assert!(good.contains(from), "{from}");
            let bad = good.replacen(from, to, 1);
            assert!(
                broken(&bad, &key).contains(&(rule.to_string(), *severity)),
                "{rule} for {from} -> {to}: {:?}",
                broken(&bad, &key)
            );
        }
        // Another APPLICATION than w7, and two roots.
        let other_app = good.replacen(
            "</wap-provisioningdoc>",
            r#"<characteristic type="APPLICATION"><parm name="APPID" value="w4"/></characteristic></wap-provisioningdoc>"#,
            1,
        );
        assert!(broken(&other_app, &key).contains(&(req::W7_APPID.into(), Severity::Fail)));
        let root_store = good
            .split("<characteristic type=\"CertificateStore\">")
            .nth(1)
            .unwrap()
            .to_string();
        let two_roots = good.replacen(
            "</wap-provisioningdoc>",
            &format!(
                "<characteristic type=\"CertificateStore\">{root_store}</wap-provisioningdoc>"
            ),
            1,
        );
        assert!(
            broken(&two_roots, &key)
                .contains(&(req::CERTIFICATE_COUNT.into(), Severity::NonStrict)),
            "{:?}",
            broken(&two_roots, &key)
        );
    }

    fn issued(value_type: &str, text: &str) -> Issued {
        Issued {
            responses: 1,
            token_type: Some(mde2::DEVICE_ENROLLMENT_TOKEN.into()),
            token: Some(Token {
                value_type: Some(value_type.into()),
                encoding_type: Some(mde2::BASE64_BINARY.into()),
                text: text.into(),
            }),
        }
    }

    fn token_rules(issued: &Issued) -> Vec<(String, Severity)> {
        let mut out = Vec::new();
        issued_token(issued, 1, &mut out);
        out.into_iter()
            .map(|f| (f.requirement.unwrap(), f.severity))
            .collect()
    }

    #[test]
    fn each_rule_of_the_token_can_fail_and_the_prose_value_type_is_non_strict() {
        assert_eq!(token_rules(&issued(mde2::PROVISION_DOC, "PGE+")), []);
        assert_eq!(
            token_rules(&issued(mde2::PROVISION_DOC_PROSE, "PGE+")),
            [(req::PROVISION_VALUE_TYPE.into(), Severity::NonStrict)]
        );
        assert_eq!(
            token_rules(&issued("urn:x", "PGE+")),
            [(req::PROVISION_VALUE_TYPE.into(), Severity::Fail)]
        );
        assert_eq!(
            token_rules(&issued(mde2::PROVISION_DOC, "not base64!")),
            [(req::PROVISIONING_CONTENTS.into(), Severity::Fail)]
        );
        let mut other_type = issued(mde2::PROVISION_DOC, "PGE+");
        other_type.token_type = Some("urn:x".into());
        assert_eq!(
            token_rules(&other_type),
            [(req::RSTR_STRUCTURE.into(), Severity::Fail)]
        );
        let none = Issued::default();
        assert_eq!(
            token_rules(&none),
            [(req::RSTR_STRUCTURE.into(), Severity::Fail)]
        );
    }

    #[test]
    fn a_decline_that_is_no_soap_fault_is_non_strict() {
        let expected = Declined {
            condition: "x",
            subcodes: &["Authentication"],
        };
        let findings = declined(&expected, None, 401, 1);
        assert_eq!(findings[0].requirement.as_deref(), Some(req::SOAP_FAULT));
        assert_eq!(findings[0].severity, Severity::NonStrict);
    }

    #[test]
    fn a_wrong_action_names_the_rule_of_the_action() {
        let envelope = Envelope {
            soap12: true,
            action: Some("urn:other".into()),
            relates_to: Some("urn:uuid:1".into()),
            payload: None,
            fault: None,
        };
        let reply = crate::enroll::service::Reply {
            status: 200,
            content_type: mde2::SOAP_MEDIA_TYPE.into(),
            body: Vec::new(),
        };
        let mut out = Vec::new();
        super::super::checks::soap_answer(
            &REQUEST_SECURITY_TOKEN,
            &reply,
            &envelope,
            "urn:uuid:1",
            1,
            &mut out,
            Issued::read,
        );
        let rules: Vec<&str> = out
            .iter()
            .filter_map(|f| f.requirement.as_deref())
            .collect();
        assert_eq!(rules, [req::RSTR_ACTION, req::RSTR_STRUCTURE]);
    }
}
