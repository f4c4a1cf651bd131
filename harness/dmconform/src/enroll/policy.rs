//! The certificate enrollment policy stage ([MS-MDE2] 3.3, over [MS-XCEP]): the
//! GetPolicies request of an OnPremise device, its UsernameToken carrying the
//! account, and what the harness reads of the GetPoliciesResponse.

use syncml::Element;
use syncml::protocol::enrollment as mde2;

/// The WS-Security header of an OnPremise request: the account as a
/// UsernameToken with a clear-text password (WIN-ENROLL-ONPREM's sample).
pub fn username_token(user: &str, password: &str) -> Element {
    Element::new("wsse:Security")
        .with_attr("xmlns:wsse", mde2::WSSE)
        .with_child(
            Element::new("wsse:UsernameToken")
                .with_attr("xmlns:u", mde2::WSSE_UTILITY)
                .with_attr("u:Id", mde2::ONPREMISE_TOKEN_ID)
                .with_child(Element::text("wsse:Username", user))
                .with_child(
                    Element::text("wsse:Password", password)
                        .with_attr("wsse:Type", mde2::PASSWORD_TEXT),
                ),
        )
}

/// The ValueType of a Federated device's token (MS-MDE2 3.4.4.1.1.1.1).
pub const USER_TOKEN: &str = "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentUserToken";

/// The WS-Security header of a Federated request: the token the STS issued as
/// a Base64 BinarySecurityToken (MS-MDE2 3.4.4.1.1.1.1; WIN-ENROLL-FED's sample
/// GetPolicies carries the same).
pub fn federated_token(token: &str) -> Element {
    Element::new("wsse:Security")
        .with_attr("xmlns:wsse", mde2::WSSE)
        .with_child(
            Element::text("wsse:BinarySecurityToken", token)
                .with_attr("ValueType", USER_TOKEN)
                .with_attr("EncodingType", mde2::BASE64_BINARY),
        )
}

/// The GetPolicies request for a device that has no policy yet, with its
/// WS-Security header.
pub fn request(message_id: &str, to: &str, security: Element) -> Vec<u8> {
    let nil = |name: &str| Element::new(name).with_attr("xsi:nil", "true");
    let body = Element::new("GetPolicies")
        .with_attr("xmlns", mde2::POLICY)
        .with_attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        .with_child(
            Element::new("client")
                .with_child(nil("lastUpdate"))
                .with_child(nil("preferredLanguage")),
        )
        .with_child(nil("requestFilter"));
    super::soap::request(
        mde2::GET_POLICIES_ACTION,
        message_id,
        to,
        Some(security),
        body,
    )
}

/// What a GetPoliciesResponse says, per policy, as given (trimmed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policies {
    pub policies: Vec<Policy>,
    /// Every `oIDs/oID/oIDReferenceID` of the answer.
    pub oid_references: Vec<String>,
}

/// One `policies/policy` of the answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub schema: Option<String>,
    pub minimal_key_length: Option<String>,
    pub hash_oid_reference: Option<String>,
}

impl Policies {
    /// Reads the `GetPoliciesResponse` element of a reply; `None` for any other element.
    pub fn read(payload: &Element) -> Option<Policies> {
        if payload.local_name() != "GetPoliciesResponse" {
            return None;
        }
        let text = |e: Option<&Element>| {
            e.map(|e| e.text_content().trim().to_string())
                .filter(|t| !t.is_empty())
        };
        let policies = payload
            .child("response")
            .and_then(|r| r.child("policies"))
            .map(|p| {
                p.children_named("policy")
                    .map(|policy| {
                        let attributes = policy.child("attributes");
                        let attr = |name: &str| text(attributes.and_then(|a| a.child(name)));
                        Policy {
                            schema: attr("policySchema"),
                            minimal_key_length: text(
                                attributes
                                    .and_then(|a| a.child("privateKeyAttributes"))
                                    .and_then(|k| k.child("minimalKeyLength")),
                            ),
                            hash_oid_reference: attr("hashAlgorithmOIDReference"),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let oid_references = payload
            .child("oIDs")
            .map(|o| {
                o.children_named("oID")
                    .filter_map(|oid| text(oid.child("oIDReferenceID")))
                    .collect()
            })
            .unwrap_or_default();
        Some(Policies {
            policies,
            oid_references,
        })
    }
}
