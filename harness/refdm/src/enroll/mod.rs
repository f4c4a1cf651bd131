//! The reference Windows enrollment service ([MS-MDE2]): it answers the device's
//! GET probe of the discovery URL and its SOAP 1.2 Discover request with a
//! DiscoverResponse naming the policy and enrollment services, a GetPolicies
//! request carrying its account with its certificate enrollment policy (MS-XCEP as
//! MS-MDE2 3.3 profiles it), a RequestSecurityToken with its account and a PKCS#10
//! request with a provisioning document holding the certificate its own
//! authority ([`ca`]) issued ([`issue`]), and a request it cannot read or accept
//! with a SOAP fault. It sees requests as an HTTP server
//! would (method, path, content type, body); the binary or an in-process adapter
//! carries them. Named [`EnrollmentFault`] switches make it break one rule each.
//!
//! # Choices where the sources leave one
//!
//! - Authentication policy: `OnPremise` (user name and password in the enrollment
//!   request), so the response names no AuthenticationServiceUrl.
//! - EnrollmentVersion: the request's RequestVersion when it is 1.0 to 5.0, else 5.0.
//! - A request that is no SOAP 1.2 envelope, or lacks its MessageID: a fault with
//!   code `s:Sender`, HTTP 400 (SOAP 1.2 Part 2, 7.5.2.2).
//! - GetPolicies and RequestSecurityToken: the UsernameToken must carry the
//!   account's user name and password (by default the reference DM server's,
//!   `dmconform`/`reference`); none, or another, gets a fault with Subcode
//!   `s:Authentication`, "User not recognized" (MS-MDE2 2.2.10). A request
//!   whose BinarySecurityToken is no PKCS#10 request with a valid signature gets
//!   Subcode `s:CertificateRequest`, "Failed to get certificate". The
//!   policy is the one of Microsoft's sample: schema 3, 2048-bit keys, SHA-1 with
//!   RSA (OID 1.3.14.3.2.29) as hash algorithm reference 0.
//! - The provisioning document puts the root under `CertificateStore/Root/System`
//!   and the client certificate under `CertificateStore/My/User`, names the DM
//!   server at `BASE/ManagementServer/MDM.svc` in XML, with the account as APPSRV
//!   Basic credentials, and a DMClient provider of the same PROVIDER-ID.

pub mod ca;
pub mod issue;

use crate::faults::{FaultSet, fault_switches};
use base64::Engine;
use syncml::protocol::enrollment as mde2;
use syncml::xml::WriteOptions;
use syncml::{Element, Limits};

fault_switches! {
    /// One deviation of the reference enrollment service. [`EnrollmentFault::name`] is
    /// the switch name (`builtin:reference-enrollment?fault=NAME`).
    EnrollmentFault {
        NoProbe = "discovery-no-probe",
            "answers the device's GET of the discovery URL with 404; Microsoft's enrollment sample answers it with HTTP 200";
        NoPolicyUrl = "discovery-no-policy-url",
            "leaves EnrollmentPolicyServiceUrl out of the DiscoverResponse; MS-MDE2: it is the address the device gets its certificate policies from";
        WrongRelatesTo = "discovery-wrong-relates-to",
            "answers with a RelatesTo that is not the request's MessageID; WS-Addressing: RelatesTo holds the MessageID of the request answered";
        TextXml = "discovery-text-xml",
            "labels its SOAP replies text/xml; SOAP 1.2 over HTTP: application/soap+xml";
        PolicySchema2 = "policy-schema-2",
            "answers GetPolicies with policySchema 2; MS-MDE: the policySchema value MUST be 3";
        DanglingHashOid = "policy-dangling-hash-oid",
            "refers its hash algorithm to an OID reference its answer does not list; MS-MDE: the referenced OID MUST be in the GetPoliciesResponse";
        OtherKey = "enroll-other-key",
            "issues a certificate for a key of its own making, not the requested one; RFC 2986: the certificate is constructed from the request's public key";
        ForeignRoot = "enroll-foreign-root",
            "provisions a root that did not sign the client certificate; WIN-ENROLL-FED: the root provisioned is the one needed to chain up the MDM client certificate";
        NoDmAccount = "enroll-no-dm-account",
            "leaves the w7 APPLICATION (the DM client account) out of the provisioning document; WIN-ENROLL-FED: the DM client configuration is required";
        ProviderMismatch = "enroll-provider-mismatch",
            "names its DMClient provider other than the w7 PROVIDER-ID; WIN-ENROLL-FED: ProviderID in DMClient CSP must match PROVIDER-ID";
        AnyPassword = "enroll-any-password",
            "enrolls a device whose password is wrong; MS-MDE2 2.2.10: a user not recognized gets the fault Subcode Authentication";
        WrongFaultCode = "enroll-wrong-fault-code",
            "answers a wrong password with the fault Subcode s:EnrollmentServer; MS-MDE2 2.2.10: a user not recognized gets s:Authentication";
    }
}

/// The switches of the reference enrollment service.
pub type EnrollmentFaults = FaultSet<EnrollmentFault>;

/// An HTTP answer of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The reference enrollment service, reached at `base` (`https://host:port`).
pub struct EnrollmentService {
    base: String,
    faults: EnrollmentFaults,
    /// The user name and password it enrolls.
    account: (String, String),
    authority: ca::Authority,
    /// The DM server the provisioning document names, when not `BASE/ManagementServer/MDM.svc`.
    dm_address: Option<String>,
}

impl EnrollmentService {
    /// The service with the reference DM server's account.
    pub fn new(base: &str, faults: EnrollmentFaults) -> EnrollmentService {
        let account = crate::server::ServerConfig::default()
            .account
            .map(|a| (a.user, a.password))
            .unwrap_or_default();
        EnrollmentService {
            base: base.trim_end_matches('/').to_string(),
            faults,
            account,
            authority: ca::Authority::new("dmconform reference enrollment root"),
            dm_address: None,
        }
    }

    /// The service naming the DM server at `url` (another host, as many
    /// deployments have it).
    pub fn with_dm_address(mut self, url: &str) -> EnrollmentService {
        self.dm_address = Some(url.to_string());
        self
    }

    /// The service enrolling `user` with `password` instead.
    pub fn with_account(mut self, user: &str, password: &str) -> EnrollmentService {
        self.account = (user.to_string(), password.to_string());
        self
    }

    /// The root of the service's certificate authority (DER): what the DM server
    /// trusts client certificates by.
    pub fn root(&self) -> &[u8] {
        &self.authority.root
    }

    /// The DM server address the provisioning document names.
    pub fn dm_address(&self) -> String {
        self.dm_address
            .clone()
            .unwrap_or_else(|| format!("{}{DM_PATH}", self.base))
    }

    /// The discovery URL a device is given.
    pub fn discovery_url(&self) -> String {
        format!("{}{}", self.base, mde2::DISCOVERY_PATH)
    }

    /// Answers one HTTP request.
    pub fn handle(&mut self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
        let path = path.split('?').next().unwrap_or("");
        if path.eq_ignore_ascii_case(POLICY_PATH) {
            return match method {
                "POST" => self.policies(content_type, body),
                _ => plain(405, "POST\n"),
            };
        }
        if path.eq_ignore_ascii_case(ENROLLMENT_PATH) {
            return match method {
                "POST" => self.enroll(content_type, body),
                _ => plain(405, "POST\n"),
            };
        }
        if !path.eq_ignore_ascii_case(mde2::DISCOVERY_PATH) {
            return plain(404, "no such service\n");
        }
        match method {
            "GET" if self.faults.has(EnrollmentFault::NoProbe) => plain(404, "not found\n"),
            "GET" => plain(200, ""),
            "POST" => self.discover(content_type, body),
            _ => plain(405, "GET or POST\n"),
        }
    }

    fn discover(&self, content_type: &str, body: &[u8]) -> Reply {
        let request = match self.soap_request(content_type, body) {
            Ok(r) => r,
            Err(fault) => return fault,
        };
        let relates_to = if self.faults.has(EnrollmentFault::WrongRelatesTo) {
            "urn:uuid:00000000-0000-0000-0000-000000000000".to_string()
        } else {
            request.message_id.clone()
        };
        let version = match request.version.parse::<f32>() {
            Ok(v) if (1.0..=5.0).contains(&v) => request.version.clone(),
            _ => "5.0".to_string(),
        };
        let mut result = Element::new("DiscoverResult")
            .with_child(Element::text("AuthPolicy", "OnPremise"))
            .with_child(Element::text("EnrollmentVersion", version));
        if !self.faults.has(EnrollmentFault::NoPolicyUrl) {
            result.push(Element::text(
                "EnrollmentPolicyServiceUrl",
                format!("{}{POLICY_PATH}", self.base),
            ));
        }
        result.push(Element::text(
            "EnrollmentServiceUrl",
            format!("{}{ENROLLMENT_PATH}", self.base),
        ));
        let body = Element::new("DiscoverResponse")
            .with_attr("xmlns", mde2::DISCOVERY)
            .with_child(result);
        self.soap(
            200,
            envelope(mde2::DISCOVER_RESPONSE_ACTION, Some(&relates_to), body),
        )
    }

    /// Answers a GetPolicies request: the policy, or a fault without credentials.
    fn policies(&self, content_type: &str, body: &[u8]) -> Reply {
        let request = match self.soap_request(content_type, body) {
            Ok(r) => r,
            Err(fault) => return fault,
        };
        if let Err(fault) = self.authenticated(&request) {
            return fault;
        }
        let schema = if self.faults.has(EnrollmentFault::PolicySchema2) {
            "2"
        } else {
            "3"
        };
        let hash_reference = if self.faults.has(EnrollmentFault::DanglingHashOid) {
            "7"
        } else {
            "0"
        };
        let attributes = Element::new("attributes")
            .with_child(Element::text("commonName", "dmconform reference"))
            .with_child(Element::text("policySchema", schema))
            .with_child(
                Element::new("privateKeyAttributes")
                    .with_child(Element::text("minimalKeyLength", "2048")),
            )
            .with_child(Element::text("hashAlgorithmOIDReference", hash_reference));
        let policy = Element::new("policy")
            .with_child(Element::text("policyOIDReference", "0"))
            .with_child(attributes);
        let response = Element::new("response")
            .with_child(Element::new("policyID"))
            .with_child(Element::new("policies").with_child(policy));
        let oid = Element::new("oID")
            .with_child(Element::text("value", "1.3.14.3.2.29"))
            .with_child(Element::text("group", "1"))
            .with_child(Element::text("oIDReferenceID", "0"))
            .with_child(Element::text("defaultName", "szOID_OIWSEC_sha1RSASign"));
        let body = Element::new("GetPoliciesResponse")
            .with_attr("xmlns", mde2::POLICY)
            .with_child(response)
            .with_child(Element::new("oIDs").with_child(oid));
        self.soap(
            200,
            envelope(
                mde2::GET_POLICIES_RESPONSE_ACTION,
                Some(&request.message_id),
                body,
            ),
        )
    }

    /// The account's UsernameToken came, or the fault that answers a request
    /// without it.
    fn authenticated(&self, request: &Request) -> Result<(), Reply> {
        let token = request.user_token.as_ref();
        let refuse = |why: &str| {
            let subcode = if self.faults.has(EnrollmentFault::WrongFaultCode) {
                "s:EnrollmentServer"
            } else {
                "s:Authentication"
            };
            Err(self.fault_with(Some(&request.message_id), Some(subcode), why))
        };
        match token {
            None => refuse("the request carries no UsernameToken with a user name and a password"),
            Some(t) if t.0 != self.account.0 => refuse("user not recognized"),
            Some(t) if t.1 != self.account.1 && !self.faults.has(EnrollmentFault::AnyPassword) => {
                refuse("user not recognized")
            }
            Some(_) => Ok(()),
        }
    }

    /// Answers a RequestSecurityToken: a provisioning document with the
    /// certificate issued for its request, or a fault.
    fn enroll(&mut self, content_type: &str, body: &[u8]) -> Reply {
        let request = match self.soap_request(content_type, body) {
            Ok(r) => r,
            Err(fault) => return fault,
        };
        if let Err(fault) = self.authenticated(&request) {
            return fault;
        }
        let csr = request
            .certificate_request
            .as_deref()
            .and_then(|t| base64::engine::general_purpose::STANDARD.decode(t).ok());
        let issued = match csr {
            None => Err("the BinarySecurityToken holds no Base64 certificate request".to_string()),
            Some(csr) => self.authority.issue(&csr),
        };
        let client = match issued {
            Ok(_) if self.faults.has(EnrollmentFault::OtherKey) => {
                self.authority.issue_for_other_key("dmconform-device")
            }
            Ok(cert) => cert,
            Err(why) => {
                return self.fault_with(
                    Some(&request.message_id),
                    Some("s:CertificateRequest"),
                    &why,
                );
            }
        };
        let foreign;
        let root = if self.faults.has(EnrollmentFault::ForeignRoot) {
            foreign = ca::Authority::new("dmconform reference enrollment root").root;
            &foreign
        } else {
            &self.authority.root
        };
        let addr = self.dm_address();
        let document = issue::Provision {
            root,
            client: &client,
            addr: &addr,
            dm_user: &self.account.0,
            dm_password: &self.account.1,
            with_dm_account: !self.faults.has(EnrollmentFault::NoDmAccount),
            dmclient_provider: if self.faults.has(EnrollmentFault::ProviderMismatch) {
                "dmconform-other"
            } else {
                issue::PROVIDER_ID
            },
        }
        .document();
        self.soap(
            200,
            envelope(
                mde2::RSTRC_ACTION,
                Some(&request.message_id),
                issue::response(&document),
            ),
        )
    }

    /// A request read as SOAP 1.2, or the fault that answers it when it cannot be.
    fn soap_request(&self, content_type: &str, body: &[u8]) -> Result<Request, Reply> {
        let request = Request::read(body).map_err(|why| self.fault(None, &why))?;
        if !content_type
            .to_ascii_lowercase()
            .starts_with(mde2::SOAP_MEDIA_TYPE)
        {
            return Err(self.fault(
                Some(&request.message_id),
                &format!(
                    "content type {content_type:?} is not {}",
                    mde2::SOAP_MEDIA_TYPE
                ),
            ));
        }
        Ok(request)
    }

    /// A SOAP fault with code `s:Sender`, for a request the service cannot read.
    fn fault(&self, relates_to: Option<&str>, why: &str) -> Reply {
        self.fault_with(relates_to, None, why)
    }

    /// A SOAP fault with code `s:Sender` and, when given, a Subcode.
    fn fault_with(&self, relates_to: Option<&str>, subcode: Option<&str>, why: &str) -> Reply {
        let mut code = Element::new("s:Code").with_child(Element::text("s:Value", "s:Sender"));
        if let Some(sub) = subcode {
            code.push(Element::new("s:Subcode").with_child(Element::text("s:Value", sub)));
        }
        let fault = Element::new("s:Fault").with_child(code).with_child(
            Element::new("s:Reason")
                .with_child(Element::text("s:Text", why).with_attr("xml:lang", "en-US")),
        );
        let action = format!("{}/fault", mde2::ADDRESSING);
        self.soap(400, envelope(&action, relates_to, fault))
    }

    fn soap(&self, status: u16, root: Element) -> Reply {
        let content_type = if self.faults.has(EnrollmentFault::TextXml) {
            "text/xml; charset=utf-8"
        } else {
            "application/soap+xml; charset=utf-8"
        };
        Reply {
            status,
            content_type,
            body: syncml::xml::write(&root, &WriteOptions::default()),
        }
    }
}

fn plain(status: u16, text: &str) -> Reply {
    Reply {
        status,
        content_type: "text/plain; charset=utf-8",
        body: text.as_bytes().to_vec(),
    }
}

/// A SOAP 1.2 envelope with a WS-Addressing Action (and RelatesTo) around `body`.
fn envelope(action: &str, relates_to: Option<&str>, body: Element) -> Element {
    let mut header = Element::new("s:Header")
        .with_child(Element::text("a:Action", action).with_attr("s:mustUnderstand", "1"));
    if let Some(id) = relates_to {
        header.push(Element::text("a:RelatesTo", id));
    }
    Element::new("s:Envelope")
        .with_attr("xmlns:s", mde2::SOAP_ENVELOPE)
        .with_attr("xmlns:a", mde2::ADDRESSING)
        .with_child(header)
        .with_child(Element::new("s:Body").with_child(body))
}

/// Whether a request path is the enrollment service's (under `/EnrollmentServer/`).
pub fn is_enrollment_path(path: &str) -> bool {
    path.get(..18)
        .is_some_and(|p| p.eq_ignore_ascii_case("/EnrollmentServer/"))
}

/// Where the reference names its policy service.
const POLICY_PATH: &str = "/EnrollmentServer/PolicyService.svc";
/// Where the reference names its enrollment service.
const ENROLLMENT_PATH: &str = "/EnrollmentServer/EnrollmentService.svc";
/// Where the provisioning document names the DM server.
pub const DM_PATH: &str = "/ManagementServer/MDM.svc";

/// What the service reads of a request.
struct Request {
    message_id: String,
    /// The RequestVersion of a Discover.
    version: String,
    /// The user name and password of a WS-Security UsernameToken that has both.
    user_token: Option<(String, String)>,
    /// The BinarySecurityToken of a RequestSecurityToken, white space removed.
    certificate_request: Option<String>,
}

impl Request {
    fn read(body: &[u8]) -> Result<Request, String> {
        let doc = syncml::xml::read(body, &Limits::default())
            .map_err(|e| format!("the request is not XML: {e}"))?;
        let root = doc.root;
        if root.local_name() != "Envelope" {
            return Err(format!(
                "the request is a <{}>, not a SOAP envelope",
                root.local_name()
            ));
        }
        let message_id = root
            .child("Header")
            .and_then(|h| h.child("MessageID"))
            .map(|m| m.text_content().trim().to_string())
            .filter(|m| !m.is_empty())
            .ok_or("the request has no MessageID header")?;
        let version = root
            .child("Body")
            .and_then(|b| b.child("Discover"))
            .and_then(|d| d.child("request"))
            .and_then(|r| r.child("RequestVersion"))
            .map(|v| v.text_content().trim().to_string())
            .unwrap_or_default();
        let token = root
            .child("Header")
            .and_then(|h| h.child("Security"))
            .and_then(|s| s.child("UsernameToken"));
        let filled = |name: &str| {
            token
                .and_then(|t| t.child(name))
                .map(|e| e.text_content().trim().to_string())
                .filter(|t| !t.is_empty())
        };
        let certificate_request = root
            .child("Body")
            .and_then(|b| b.child("RequestSecurityToken"))
            .and_then(|r| r.child("BinarySecurityToken"))
            .map(|t| t.text_content().split_whitespace().collect());
        Ok(Request {
            message_id,
            version,
            user_token: filled("Username").zip(filled("Password")),
            certificate_request,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DISCOVER: &str = r#"<s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover</a:Action><a:MessageID>urn:uuid:748132ec-a575-4329-b01b-6171a9cf8478</a:MessageID></s:Header><s:Body><Discover xmlns="http://schemas.microsoft.com/windows/management/2012/01/enrollment"><request><EmailAddress>u@example.com</EmailAddress><RequestVersion>4.0</RequestVersion></request></Discover></s:Body></s:Envelope>"#;

    const GET_POLICIES: &str = r#"<s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><s:Header><a:MessageID>urn:uuid:72048B64-0F19-448F-8C2E-B4C661860AA0</a:MessageID><wsse:Security><wsse:UsernameToken><wsse:Username>dmconform</wsse:Username><wsse:Password>reference</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header><s:Body><GetPolicies xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"/></s:Body></s:Envelope>"#;

    #[test]
    fn get_policies_needs_a_username_token() {
        let mut s = service(EnrollmentFaults::none());
        let ok = s.handle(
            "POST",
            POLICY_PATH,
            "application/soap+xml",
            GET_POLICIES.as_bytes(),
        );
        assert_eq!(ok.status, 200);
        assert!(
            String::from_utf8(ok.body)
                .unwrap()
                .contains("<policySchema>3</policySchema>")
        );
        let bare = GET_POLICIES.replace("<wsse:Password>reference</wsse:Password>", "");
        let refused = s.handle("POST", POLICY_PATH, "application/soap+xml", bare.as_bytes());
        assert_eq!(refused.status, 400);
        assert!(
            String::from_utf8(refused.body)
                .unwrap()
                .contains("s:Authentication")
        );
    }

    /// A RequestSecurityToken for `user`/`password` whose BinarySecurityToken is `token`.
    fn rst(user: &str, password: &str, token: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="{}" xmlns:wst="{}"><s:Header><a:MessageID>urn:uuid:1</a:MessageID><wsse:Security><wsse:UsernameToken><wsse:Username>{user}</wsse:Username><wsse:Password>{password}</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header><s:Body><wst:RequestSecurityToken><wsse:BinarySecurityToken>{token}</wsse:BinarySecurityToken></wst:RequestSecurityToken></s:Body></s:Envelope>"#,
            mde2::WSSE,
            mde2::TRUST
        )
    }

    fn csr() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let der = rcgen::CertificateParams::default()
            .serialize_request(&key)
            .unwrap()
            .der()
            .to_vec();
        base64::engine::general_purpose::STANDARD.encode(der)
    }

    #[test]
    fn a_request_security_token_gets_a_provisioning_document_or_the_fault_for_its_defect() {
        let mut s = service(EnrollmentFaults::none());
        let post = |s: &mut EnrollmentService, body: String| {
            let r = s.handle(
                "POST",
                ENROLLMENT_PATH,
                "application/soap+xml",
                body.as_bytes(),
            );
            (r.status, String::from_utf8(r.body).unwrap())
        };
        let (status, ok) = post(&mut s, rst("dmconform", "reference", &csr()));
        assert_eq!(status, 200, "{ok}");
        assert!(ok.contains(mde2::RSTRC_ACTION) && ok.contains(mde2::PROVISION_DOC));
        let (status, wrong) = post(&mut s, rst("dmconform", "wrong", &csr()));
        assert_eq!(status, 400);
        assert!(wrong.contains("s:Authentication"), "{wrong}");
        let (_, garbage) = post(&mut s, rst("dmconform", "reference", "bm90IGEgQ1NS"));
        assert!(garbage.contains("s:CertificateRequest"), "{garbage}");
    }

    fn service(faults: EnrollmentFaults) -> EnrollmentService {
        EnrollmentService::new("https://enroll.example", faults)
    }

    #[test]
    fn discover_is_answered_with_the_services_and_the_request_id() {
        let reply = service(EnrollmentFaults::none()).handle(
            "POST",
            mde2::DISCOVERY_PATH,
            "application/soap+xml; charset=utf-8",
            DISCOVER.as_bytes(),
        );
        assert_eq!(reply.status, 200);
        let text = String::from_utf8(reply.body).unwrap();
        for part in [
            "<a:RelatesTo>urn:uuid:748132ec-a575-4329-b01b-6171a9cf8478</a:RelatesTo>",
            "<EnrollmentVersion>4.0</EnrollmentVersion>",
            "<EnrollmentPolicyServiceUrl>https://enroll.example/EnrollmentServer/PolicyService.svc</EnrollmentPolicyServiceUrl>",
            mde2::DISCOVER_RESPONSE_ACTION,
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
    }

    #[test]
    fn a_request_that_is_no_envelope_gets_a_sender_fault() {
        let reply = service(EnrollmentFaults::none()).handle(
            "POST",
            mde2::DISCOVERY_PATH,
            "application/soap+xml",
            b"<html/>",
        );
        assert_eq!(reply.status, 400);
        assert!(String::from_utf8(reply.body).unwrap().contains("s:Sender"));
    }

    /// The faults of the enrollment stage issue certificates, which differ from
    /// run to run; the harness's tests show each of them changing a verdict.
    #[test]
    fn each_discovery_and_policy_fault_changes_the_answer() {
        let stages = EnrollmentFault::ALL
            .iter()
            .filter(|f| !f.name().starts_with("enroll-"));
        for fault in stages {
            let mut good = service(EnrollmentFaults::none());
            let mut bad = service(EnrollmentFaults::from(*fault));
            let ask = |s: &mut EnrollmentService| {
                (
                    s.handle("GET", mde2::DISCOVERY_PATH, "", b""),
                    s.handle(
                        "POST",
                        mde2::DISCOVERY_PATH,
                        "application/soap+xml",
                        DISCOVER.as_bytes(),
                    ),
                    s.handle(
                        "POST",
                        POLICY_PATH,
                        "application/soap+xml",
                        GET_POLICIES.as_bytes(),
                    ),
                )
            };
            assert_ne!(ask(&mut good), ask(&mut bad), "{fault}");
        }
    }
}
