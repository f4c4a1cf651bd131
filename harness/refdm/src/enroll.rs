//! The reference Windows enrollment service ([MS-MDE2]), discovery and policy
//! stages: it answers the device's GET probe of the discovery URL and its SOAP 1.2
//! Discover request with a DiscoverResponse naming the policy and enrollment
//! services, a GetPolicies request carrying a UsernameToken with its certificate
//! enrollment policy (MS-XCEP as MS-MDE2 3.3 profiles it), and a request it cannot
//! read with a SOAP fault. It sees requests as an HTTP server
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
//! - GetPolicies: any UsernameToken with a user name and a password is accepted
//!   (the OnPremise user is "authenticated when calling the management service");
//!   none gets a fault with Subcode `s:Authentication` (MS-MDE2 2.2.10). The
//!   policy is the one of Microsoft's sample: schema 3, 2048-bit keys, SHA-1 with
//!   RSA (OID 1.3.14.3.2.29) as hash algorithm reference 0.

use crate::faults::{FaultSet, fault_switches};
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
    }
}

/// The switches of the reference enrollment service.
pub type EnrollmentFaults = FaultSet<EnrollmentFault>;

/// An HTTP answer of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// The reference enrollment service, reached at `base` (`https://host:port`).
pub struct EnrollmentService {
    base: String,
    faults: EnrollmentFaults,
}

impl EnrollmentService {
    pub fn new(base: &str, faults: EnrollmentFaults) -> EnrollmentService {
        EnrollmentService {
            base: base.trim_end_matches('/').to_string(),
            faults,
        }
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
            format!("{}/EnrollmentServer/EnrollmentService.svc", self.base),
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
        if !request.has_user_token {
            return self.fault_with(
                Some(&request.message_id),
                Some("s:Authentication"),
                "the request carries no UsernameToken with a user name and a password",
            );
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
            "text/xml; charset=utf-8".to_string()
        } else {
            format!("{}; charset=utf-8", mde2::SOAP_MEDIA_TYPE)
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
        content_type: "text/plain; charset=utf-8".into(),
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

/// Where the reference names its policy service.
const POLICY_PATH: &str = "/EnrollmentServer/PolicyService.svc";

/// What the service reads of a request.
struct Request {
    message_id: String,
    /// The RequestVersion of a Discover.
    version: String,
    /// A WS-Security UsernameToken with a user name and a password came.
    has_user_token: bool,
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
                .is_some_and(|e| !e.text_content().trim().is_empty())
        };
        Ok(Request {
            message_id,
            version,
            has_user_token: filled("Username") && filled("Password"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DISCOVER: &str = r#"<s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover</a:Action><a:MessageID>urn:uuid:748132ec-a575-4329-b01b-6171a9cf8478</a:MessageID></s:Header><s:Body><Discover xmlns="http://schemas.microsoft.com/windows/management/2012/01/enrollment"><request><EmailAddress>u@example.com</EmailAddress><RequestVersion>4.0</RequestVersion></request></Discover></s:Body></s:Envelope>"#;

    const GET_POLICIES: &str = r#"<s:Envelope xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><s:Header><a:MessageID>urn:uuid:72048B64-0F19-448F-8C2E-B4C661860AA0</a:MessageID><wsse:Security><wsse:UsernameToken><wsse:Username>u@example.com</wsse:Username><wsse:Password>p</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header><s:Body><GetPolicies xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"/></s:Body></s:Envelope>"#;

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
        let bare = GET_POLICIES.replace("<wsse:Password>p</wsse:Password>", "");
        let refused = s.handle("POST", POLICY_PATH, "application/soap+xml", bare.as_bytes());
        assert_eq!(refused.status, 400);
        assert!(
            String::from_utf8(refused.body)
                .unwrap()
                .contains("s:Authentication")
        );
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

    #[test]
    fn each_fault_changes_the_answer() {
        for fault in EnrollmentFault::ALL {
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
