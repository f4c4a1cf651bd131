//! The discovery stage of enrollment ([MS-MDE2] 3.1): the Discover request a
//! Windows device sends, and the DiscoverResult it reads from the answer.

use syncml::Element;
use syncml::protocol::enrollment as mde2;

/// The request version the harness asks for, as a Windows 10 and 11 device does
/// (MS-MDE2 3.1.4.1.3.1; Microsoft's samples send 3.0 to 5.0).
pub const REQUEST_VERSION: &str = "4.0";

/// The authentication policies MS-MDE2 3.1.4.1.3.2 allows in a DiscoverResult.
pub const AUTH_POLICIES: &[&str] = &["OnPremise", "Federated", "Certificate"];

/// The Discover request of a device for `email`, addressed to `to`.
pub fn request(message_id: &str, to: &str, email: &str, version: &str) -> Vec<u8> {
    let policies = Element::new("AuthPolicies")
        .with_child(Element::text("AuthPolicy", "OnPremise"))
        .with_child(Element::text("AuthPolicy", "Federated"))
        .with_child(Element::text("AuthPolicy", "Certificate"));
    let request = Element::new("request")
        .with_child(Element::text("EmailAddress", email))
        .with_child(Element::text("RequestVersion", version))
        .with_child(Element::text("DeviceType", "CIMClient_Windows"))
        .with_child(Element::text("ApplicationVersion", "10.0.22631.2428"))
        .with_child(Element::text("OSEdition", "48"))
        .with_child(policies);
    let body = Element::new("Discover")
        .with_attr("xmlns", mde2::DISCOVERY)
        .with_child(request);
    super::soap::request(mde2::DISCOVER_ACTION, message_id, to, None, body)
}

/// What a DiscoverResponse says, each field as given (trimmed), `None` when absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiscoverResult {
    pub auth_policy: Option<String>,
    pub enrollment_version: Option<String>,
    pub policy_service_url: Option<String>,
    pub enrollment_service_url: Option<String>,
    pub authentication_service_url: Option<String>,
}

impl DiscoverResult {
    /// Reads the `DiscoverResponse` element of a reply; `None` for any other element.
    pub fn read(payload: &Element) -> Option<DiscoverResult> {
        if payload.local_name() != "DiscoverResponse" {
            return None;
        }
        let result = payload.child("DiscoverResult")?;
        let field = |name: &str| {
            result
                .child(name)
                .map(|e| e.text_content().trim().to_string())
                .filter(|t| !t.is_empty())
        };
        Some(DiscoverResult {
            auth_policy: field("AuthPolicy"),
            enrollment_version: field("EnrollmentVersion"),
            policy_service_url: field("EnrollmentPolicyServiceUrl"),
            enrollment_service_url: field("EnrollmentServiceUrl"),
            authentication_service_url: field("AuthenticationServiceUrl"),
        })
    }
}
